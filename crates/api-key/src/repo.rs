//! The only file that queries this module's tables.

use chrono::{DateTime, Utc};
use medusa_core::request::{Direction, ListParams};
use medusa_db::filter::{compare, contains_pattern};
use sea_orm::sea_query::{Expr, ExprTrait, Func, OnConflict};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait, Order, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect,
};

use crate::entity::{api_key, publishable_api_key_sales_channel as link};
use crate::error::ApiKeyError;
use crate::model::ApiKeyFilter;

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

/// Like [`find`], locked for the rest of the transaction where the backend has row locks.
pub async fn find_locked<C: ConnectionTrait>(
    db: &C,
    id: &str,
) -> Result<Option<api_key::Model>, sea_orm::DbErr> {
    let select =
        api_key::Entity::find_by_id(id.to_owned()).filter(api_key::Column::DeletedAt.is_null());
    medusa_db::for_update(db.get_database_backend(), select)
        .one(db)
        .await
}

fn condition(filter: &ApiKeyFilter) -> Condition {
    let mut cond = Condition::all();
    if let Some(ids) = &filter.ids {
        cond = cond.add(api_key::Column::Id.is_in(ids.iter().map(|i| i.as_str().to_owned())));
    }
    if let Some(titles) = &filter.titles {
        cond = cond.add(api_key::Column::Title.is_in(titles.iter().cloned()));
    }
    if let Some(tokens) = &filter.tokens {
        cond = cond
            .add(api_key::Column::Token.is_in(tokens.iter().cloned()))
            .add(api_key::Column::Type.eq("publishable"));
    }
    if let Some(t) = filter.key_type {
        cond = cond.add(api_key::Column::Type.eq(t.as_str()));
    }
    if let Some(q) = filter.q.as_deref().filter(|q| !q.is_empty()) {
        cond = cond.add(
            Condition::any()
                .add(Func::lower(Expr::col(api_key::Column::Title)).like(contains_pattern(q)))
                .add(Func::lower(Expr::col(api_key::Column::Redacted)).like(contains_pattern(q))),
        );
    }
    if let Some(c) = &filter.created_at {
        cond = compare(cond, api_key::Column::CreatedAt, c);
    }
    if let Some(c) = &filter.updated_at {
        cond = compare(cond, api_key::Column::UpdatedAt, c);
    }
    if let Some(c) = &filter.revoked_at {
        cond = compare(cond, api_key::Column::RevokedAt, c);
    }
    match &filter.deleted_at {
        Some(c) => cond = compare(cond, api_key::Column::DeletedAt, c),
        None => cond = cond.add(api_key::Column::DeletedAt.is_null()),
    }
    cond
}

fn order_column(field: &str) -> Result<api_key::Column, ApiKeyError> {
    Ok(match field {
        "id" => api_key::Column::Id,
        "title" => api_key::Column::Title,
        "type" => api_key::Column::Type,
        "redacted" => api_key::Column::Redacted,
        "last_used_at" => api_key::Column::LastUsedAt,
        "created_by" => api_key::Column::CreatedBy,
        "created_at" => api_key::Column::CreatedAt,
        "updated_at" => api_key::Column::UpdatedAt,
        "revoked_at" => api_key::Column::RevokedAt,
        other => return Err(ApiKeyError::InvalidOrder(other.to_owned())),
    })
}

/// One page of keys and the total count of the filter.
pub async fn list<C: ConnectionTrait>(
    db: &C,
    filter: &ApiKeyFilter,
    page: &ListParams,
) -> Result<(Vec<api_key::Model>, u64), ApiKeyError> {
    let base = api_key::Entity::find().filter(condition(filter));
    let count = base.clone().count(db).await?;
    let mut select = base;
    if let Some(order) = &page.order {
        let dir = match order.direction {
            Direction::Asc => Order::Asc,
            Direction::Desc => Order::Desc,
        };
        select = select.order_by(order_column(&order.field)?, dir);
    }
    let rows = select
        .order_by(api_key::Column::CreatedAt, Order::Asc)
        .order_by(api_key::Column::Id, Order::Asc)
        .limit(u64::from(page.limit))
        .offset(u64::from(page.offset))
        .all(db)
        .await?;
    Ok((rows, count))
}

/// Whether a secret key exists that is neither revoked nor scheduled for revocation.
pub async fn unscheduled_secret_exists<C: ConnectionTrait>(db: &C) -> Result<bool, sea_orm::DbErr> {
    let n = api_key::Entity::find()
        .filter(api_key::Column::Type.eq("secret"))
        .filter(api_key::Column::RevokedAt.is_null())
        .filter(api_key::Column::DeletedAt.is_null())
        .count(db)
        .await?;
    Ok(n > 0)
}

pub async fn update_title<C: ConnectionTrait>(
    db: &C,
    id: &str,
    title: &str,
    at: DateTime<Utc>,
) -> Result<bool, sea_orm::DbErr> {
    let r = api_key::Entity::update_many()
        .col_expr(api_key::Column::Title, Expr::value(title))
        .col_expr(api_key::Column::UpdatedAt, Expr::value(at))
        .filter(api_key::Column::Id.eq(id))
        .filter(api_key::Column::DeletedAt.is_null())
        .exec(db)
        .await?;
    Ok(r.rows_affected == 1)
}

/// Sets `revoked_at` (possibly in the future) and `revoked_by`, whatever they were.
pub async fn set_revoked<C: ConnectionTrait>(
    db: &C,
    id: &str,
    by: &str,
    revoked_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<bool, sea_orm::DbErr> {
    let r = api_key::Entity::update_many()
        .col_expr(api_key::Column::RevokedAt, Expr::value(revoked_at))
        .col_expr(api_key::Column::RevokedBy, Expr::value(by))
        .col_expr(api_key::Column::UpdatedAt, Expr::value(now))
        .filter(api_key::Column::Id.eq(id))
        .filter(api_key::Column::DeletedAt.is_null())
        .exec(db)
        .await?;
    Ok(r.rows_affected == 1)
}

/// Deletes a key and its sales-channel links.
pub async fn delete<C: ConnectionTrait>(db: &C, id: &str) -> Result<(), sea_orm::DbErr> {
    link::Entity::delete_many()
        .filter(link::Column::PublishableKeyId.eq(id))
        .exec(db)
        .await?;
    api_key::Entity::delete_many()
        .filter(api_key::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// The sales-channel links of several keys: `(key_id, sales_channel_id)`, oldest link first.
pub async fn sales_channels_of<C: ConnectionTrait>(
    db: &C,
    key_ids: &[String],
) -> Result<Vec<(String, String)>, sea_orm::DbErr> {
    if key_ids.is_empty() {
        return Ok(Vec::new());
    }
    link::Entity::find()
        .select_only()
        .column(link::Column::PublishableKeyId)
        .column(link::Column::SalesChannelId)
        .filter(link::Column::PublishableKeyId.is_in(key_ids.iter().cloned()))
        .order_by(link::Column::CreatedAt, Order::Asc)
        .order_by(link::Column::SalesChannelId, Order::Asc)
        .into_tuple()
        .all(db)
        .await
}

/// Drops every link to these sales channels (they were deleted).
pub async fn unlink_sales_channels_everywhere<C: ConnectionTrait>(
    db: &C,
    channel_ids: &[String],
) -> Result<(), sea_orm::DbErr> {
    if channel_ids.is_empty() {
        return Ok(());
    }
    link::Entity::delete_many()
        .filter(link::Column::SalesChannelId.is_in(channel_ids.iter().cloned()))
        .exec(db)
        .await?;
    Ok(())
}
