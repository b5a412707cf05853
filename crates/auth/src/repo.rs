//! The only file that queries this module's tables.

use chrono::{DateTime, Utc};
use sea_orm::ActiveValue::Set;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

use crate::entity::{auth_identity, auth_session, provider_identity};

/// The identity a provider knows by `entity_id`, with that provider identity.
pub async fn find_by_provider<C: ConnectionTrait>(
    db: &C,
    entity_id: &str,
    provider: &str,
) -> Result<Option<(auth_identity::Model, provider_identity::Model)>, sea_orm::DbErr> {
    let Some(pi) = provider_identity::Entity::find()
        .filter(provider_identity::Column::EntityId.eq(entity_id))
        .filter(provider_identity::Column::Provider.eq(provider))
        .filter(provider_identity::Column::DeletedAt.is_null())
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    Ok(find(db, &pi.auth_identity_id).await?.map(|ai| (ai, pi)))
}

pub async fn find<C: ConnectionTrait>(
    db: &C,
    id: &str,
) -> Result<Option<auth_identity::Model>, sea_orm::DbErr> {
    auth_identity::Entity::find_by_id(id.to_owned())
        .filter(auth_identity::Column::DeletedAt.is_null())
        .one(db)
        .await
}

/// `find` with the row locked until the transaction ends (PostgreSQL; on SQLite the write
/// transaction already holds the database lock).
pub async fn find_for_update<C: ConnectionTrait>(
    db: &C,
    id: &str,
) -> Result<Option<auth_identity::Model>, sea_orm::DbErr> {
    medusa_db::for_update(
        db.get_database_backend(),
        auth_identity::Entity::find_by_id(id.to_owned())
            .filter(auth_identity::Column::DeletedAt.is_null()),
    )
    .one(db)
    .await
}

pub async fn provider_identities<C: ConnectionTrait>(
    db: &C,
    auth_identity_id: &str,
) -> Result<Vec<provider_identity::Model>, sea_orm::DbErr> {
    provider_identity::Entity::find()
        .filter(provider_identity::Column::AuthIdentityId.eq(auth_identity_id))
        .filter(provider_identity::Column::DeletedAt.is_null())
        .order_by_asc(provider_identity::Column::CreatedAt)
        .order_by_asc(provider_identity::Column::Id)
        .all(db)
        .await
}

pub async fn insert_identity<C: ConnectionTrait>(
    db: &C,
    identity: auth_identity::Model,
    provider: provider_identity::Model,
) -> Result<(), sea_orm::DbErr> {
    auth_identity::Entity::insert(auth_identity::ActiveModel {
        id: Set(identity.id),
        app_metadata: Set(identity.app_metadata),
        created_at: Set(identity.created_at),
        updated_at: Set(identity.updated_at),
        deleted_at: Set(identity.deleted_at),
    })
    .exec_without_returning(db)
    .await?;
    provider_identity::Entity::insert(provider_identity::ActiveModel {
        id: Set(provider.id),
        entity_id: Set(provider.entity_id),
        provider: Set(provider.provider),
        auth_identity_id: Set(provider.auth_identity_id),
        user_metadata: Set(provider.user_metadata),
        provider_metadata: Set(provider.provider_metadata),
        created_at: Set(provider.created_at),
        updated_at: Set(provider.updated_at),
        deleted_at: Set(provider.deleted_at),
    })
    .exec_without_returning(db)
    .await?;
    Ok(())
}

pub async fn set_provider_metadata<C: ConnectionTrait>(
    db: &C,
    provider_identity_id: &str,
    metadata: serde_json::Value,
    at: DateTime<Utc>,
) -> Result<(), sea_orm::DbErr> {
    provider_identity::Entity::update_many()
        .col_expr(provider_identity::Column::ProviderMetadata, metadata.into())
        .col_expr(provider_identity::Column::UpdatedAt, at.into())
        .filter(provider_identity::Column::Id.eq(provider_identity_id))
        .exec(db)
        .await?;
    Ok(())
}

pub async fn set_app_metadata<C: ConnectionTrait>(
    db: &C,
    id: &str,
    metadata: serde_json::Value,
    at: DateTime<Utc>,
) -> Result<(), sea_orm::DbErr> {
    auth_identity::Entity::update_many()
        .col_expr(auth_identity::Column::AppMetadata, metadata.into())
        .col_expr(auth_identity::Column::UpdatedAt, at.into())
        .filter(auth_identity::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// Live identities whose `app_metadata` text contains `needle` (a prefilter: the caller checks
/// the exact key, so the match is portable across JSONB and SQLite's JSON text).
pub async fn find_by_app_metadata_text<C: ConnectionTrait>(
    db: &C,
    needle: &str,
) -> Result<Vec<auth_identity::Model>, sea_orm::DbErr> {
    use sea_orm::sea_query::{Alias, Expr, ExprTrait, Func};
    // The pattern is lower-cased, so the text is too (PostgreSQL's LIKE is case-sensitive).
    let text = Expr::col(auth_identity::Column::AppMetadata).cast_as(Alias::new("TEXT"));
    auth_identity::Entity::find()
        .filter(Func::lower(text).like(medusa_db::filter::contains_pattern(needle)))
        .filter(auth_identity::Column::DeletedAt.is_null())
        .all(db)
        .await
}

pub async fn insert_session<C: ConnectionTrait>(
    db: &C,
    row: auth_session::Model,
) -> Result<(), sea_orm::DbErr> {
    auth_session::Entity::insert(auth_session::ActiveModel {
        id: Set(row.id),
        auth_context: Set(row.auth_context),
        expires_at: Set(row.expires_at),
        created_at: Set(row.created_at),
    })
    .exec_without_returning(db)
    .await?;
    Ok(())
}

/// A session that has not expired at `now`.
pub async fn find_live_session<C: ConnectionTrait>(
    db: &C,
    id_hash: &str,
    now: DateTime<Utc>,
) -> Result<Option<auth_session::Model>, sea_orm::DbErr> {
    auth_session::Entity::find_by_id(id_hash.to_owned())
        .filter(auth_session::Column::ExpiresAt.gt(now))
        .one(db)
        .await
}

pub async fn delete_session<C: ConnectionTrait>(
    db: &C,
    id_hash: &str,
) -> Result<bool, sea_orm::DbErr> {
    let r = auth_session::Entity::delete_many()
        .filter(auth_session::Column::Id.eq(id_hash))
        .exec(db)
        .await?;
    Ok(r.rows_affected > 0)
}

pub async fn delete_expired_sessions<C: ConnectionTrait>(
    db: &C,
    now: DateTime<Utc>,
) -> Result<u64, sea_orm::DbErr> {
    let r = auth_session::Entity::delete_many()
        .filter(auth_session::Column::ExpiresAt.lte(now))
        .exec(db)
        .await?;
    Ok(r.rows_affected)
}
