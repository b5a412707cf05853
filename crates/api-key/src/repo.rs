//! The only file that queries this module's tables.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect,
};

use crate::entity::{api_key, publishable_api_key_sales_channel as link};

pub async fn insert<C: ConnectionTrait>(db: &C, row: api_key::Model) -> Result<(), sea_orm::DbErr> {
    let am = api_key::ActiveModel {
        id: Set(row.id),
        token: Set(row.token),
        salt: Set(row.salt),
        redacted: Set(row.redacted),
        title: Set(row.title),
        r#type: Set(row.r#type),
        last_used_at: Set(row.last_used_at),
        created_by: Set(row.created_by),
        created_at: Set(row.created_at),
        updated_at: Set(row.updated_at),
        revoked_by: Set(row.revoked_by),
        revoked_at: Set(row.revoked_at),
        deleted_at: Set(row.deleted_at),
    };
    api_key::Entity::insert(am)
        .exec_without_returning(db)
        .await?;
    Ok(())
}

pub async fn find<C: ConnectionTrait>(
    db: &C,
    id: &str,
) -> Result<Option<api_key::Model>, sea_orm::DbErr> {
    api_key::Entity::find_by_id(id.to_owned())
        .filter(api_key::Column::DeletedAt.is_null())
        .one(db)
        .await
}

pub async fn find_by_token<C: ConnectionTrait>(
    db: &C,
    token: &str,
    key_type: &str,
) -> Result<Option<api_key::Model>, sea_orm::DbErr> {
    api_key::Entity::find()
        .filter(api_key::Column::Token.eq(token))
        .filter(api_key::Column::Type.eq(key_type))
        .filter(api_key::Column::DeletedAt.is_null())
        .one(db)
        .await
}

/// A publishable key by token with its sales channels: the store guard's lookup.
pub async fn find_publishable<C: ConnectionTrait>(
    db: &C,
    token: &str,
) -> Result<Option<(api_key::Model, Vec<String>)>, sea_orm::DbErr> {
    let Some(key) = find_by_token(db, token, "publishable").await? else {
        return Ok(None);
    };
    let channels: Vec<String> = link::Entity::find()
        .select_only()
        .column(link::Column::SalesChannelId)
        .filter(link::Column::PublishableKeyId.eq(key.id.clone()))
        .into_tuple()
        .all(db)
        .await?;
    Ok(Some((key, channels)))
}

pub async fn sales_channels<C: ConnectionTrait>(
    db: &C,
    key_id: &str,
) -> Result<Vec<String>, sea_orm::DbErr> {
    link::Entity::find()
        .select_only()
        .column(link::Column::SalesChannelId)
        .filter(link::Column::PublishableKeyId.eq(key_id))
        .into_tuple()
        .all(db)
        .await
}

pub async fn link_sales_channels<C: ConnectionTrait>(
    db: &C,
    key_id: &str,
    channel_ids: &[String],
    now: DateTime<Utc>,
) -> Result<(), sea_orm::DbErr> {
    if channel_ids.is_empty() {
        return Ok(());
    }
    let rows = channel_ids.iter().map(|sc| link::ActiveModel {
        publishable_key_id: Set(key_id.to_owned()),
        sales_channel_id: Set(sc.clone()),
        created_at: Set(now),
    });
    // Adding a channel twice is a no-op, as in Medusa.
    link::Entity::insert_many(rows)
        .on_conflict(
            OnConflict::columns([link::Column::PublishableKeyId, link::Column::SalesChannelId])
                .do_nothing()
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    Ok(())
}

pub async fn unlink_sales_channels<C: ConnectionTrait>(
    db: &C,
    key_id: &str,
    channel_ids: &[String],
) -> Result<(), sea_orm::DbErr> {
    link::Entity::delete_many()
        .filter(link::Column::PublishableKeyId.eq(key_id))
        .filter(link::Column::SalesChannelId.is_in(channel_ids.iter().cloned()))
        .exec(db)
        .await?;
    Ok(())
}

pub async fn revoke<C: ConnectionTrait>(
    db: &C,
    id: &str,
    by: &str,
    at: DateTime<Utc>,
) -> Result<bool, sea_orm::DbErr> {
    let r = api_key::Entity::update_many()
        .col_expr(api_key::Column::RevokedAt, at.into())
        .col_expr(api_key::Column::RevokedBy, by.into())
        .col_expr(api_key::Column::UpdatedAt, at.into())
        .filter(api_key::Column::Id.eq(id))
        .filter(api_key::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    Ok(r.rows_affected == 1)
}
