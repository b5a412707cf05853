//! The only file that queries this module's tables.

use chrono::{DateTime, Utc};
use sea_orm::ActiveValue::{NotSet, Set};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use crate::entity::user;

pub async fn insert<C: ConnectionTrait>(db: &C, row: user::Model) -> Result<(), sea_orm::DbErr> {
    let am = user::ActiveModel {
        id: Set(row.id),
        email: Set(row.email),
        first_name: Set(row.first_name),
        last_name: Set(row.last_name),
        avatar_url: Set(row.avatar_url),
        metadata: Set(row.metadata),
        created_at: Set(row.created_at),
        updated_at: Set(row.updated_at),
        deleted_at: Set(row.deleted_at),
    };
    user::Entity::insert(am).exec_without_returning(db).await?;
    Ok(())
}

/// A user that is not deleted.
pub async fn find<C: ConnectionTrait>(
    db: &C,
    id: &str,
) -> Result<Option<user::Model>, sea_orm::DbErr> {
    user::Entity::find_by_id(id.to_owned())
        .filter(user::Column::DeletedAt.is_null())
        .one(db)
        .await
}

pub async fn find_by_email<C: ConnectionTrait>(
    db: &C,
    email: &str,
) -> Result<Option<user::Model>, sea_orm::DbErr> {
    user::Entity::find()
        .filter(user::Column::Email.eq(email))
        .filter(user::Column::DeletedAt.is_null())
        .one(db)
        .await
}

/// The columns an update may change; `NotSet` leaves one alone.
pub struct Changes {
    pub first_name: Option<Option<String>>,
    pub last_name: Option<Option<String>>,
    pub avatar_url: Option<Option<String>>,
    pub metadata: Option<Option<serde_json::Value>>,
}

/// Applies `changes` to a live user; `false` when there is none with that id.
pub async fn update<C: ConnectionTrait>(
    db: &C,
    id: &str,
    changes: Changes,
    at: DateTime<Utc>,
) -> Result<bool, sea_orm::DbErr> {
    fn set<T: Into<sea_orm::Value>>(v: Option<T>) -> sea_orm::ActiveValue<T> {
        match v {
            Some(v) => Set(v),
            None => NotSet,
        }
    }
    let am = user::ActiveModel {
        id: NotSet,
        email: NotSet,
        first_name: set(changes.first_name),
        last_name: set(changes.last_name),
        avatar_url: set(changes.avatar_url),
        metadata: set(changes.metadata),
        created_at: NotSet,
        updated_at: Set(at),
        deleted_at: NotSet,
    };
    let r = user::Entity::update_many()
        .set(am)
        .filter(user::Column::Id.eq(id))
        .filter(user::Column::DeletedAt.is_null())
        .exec(db)
        .await?;
    Ok(r.rows_affected == 1)
}

/// Soft-deletes a live user; `false` when there is none with that id.
pub async fn soft_delete<C: ConnectionTrait>(
    db: &C,
    id: &str,
    at: DateTime<Utc>,
) -> Result<bool, sea_orm::DbErr> {
    let r = user::Entity::update_many()
        .col_expr(user::Column::DeletedAt, at.into())
        .col_expr(user::Column::UpdatedAt, at.into())
        .filter(user::Column::Id.eq(id))
        .filter(user::Column::DeletedAt.is_null())
        .exec(db)
        .await?;
    Ok(r.rows_affected == 1)
}
