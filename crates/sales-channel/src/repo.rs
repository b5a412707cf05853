//! The only file that queries this module's tables.

use chrono::{DateTime, Utc};
use medusa_core::request::{Direction, ListParams};
use medusa_db::filter::{compare, contains_pattern};
use sea_orm::sea_query::{Expr, ExprTrait, Func};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait, Order, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect,
};

use crate::entity::sales_channel as sc;
use crate::error::SalesChannelError;
use crate::model::SalesChannelFilter;

pub async fn insert<C: ConnectionTrait>(db: &C, row: sc::Model) -> Result<(), sea_orm::DbErr> {
    let am = sc::ActiveModel {
        id: Set(row.id),
        name: Set(row.name),
        description: Set(row.description),
        is_disabled: Set(row.is_disabled),
        metadata: Set(row.metadata),
        created_at: Set(row.created_at),
        updated_at: Set(row.updated_at),
        deleted_at: Set(row.deleted_at),
    };
    sc::Entity::insert(am).exec_without_returning(db).await?;
    Ok(())
}

/// A channel that is not deleted.
pub async fn find<C: ConnectionTrait>(
    db: &C,
    id: &str,
) -> Result<Option<sc::Model>, sea_orm::DbErr> {
    sc::Entity::find_by_id(id.to_owned())
        .filter(sc::Column::DeletedAt.is_null())
        .one(db)
        .await
}

/// Like [`find`], locked for the rest of the transaction where the backend has row locks.
pub async fn find_locked<C: ConnectionTrait>(
    db: &C,
    id: &str,
) -> Result<Option<sc::Model>, sea_orm::DbErr> {
    let select = sc::Entity::find_by_id(id.to_owned()).filter(sc::Column::DeletedAt.is_null());
    medusa_db::for_update(db.get_database_backend(), select)
        .one(db)
        .await
}

/// Channels that are not deleted, in no particular order.
pub async fn find_many<C: ConnectionTrait>(
    db: &C,
    ids: &[String],
) -> Result<Vec<sc::Model>, sea_orm::DbErr> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    sc::Entity::find()
        .filter(sc::Column::Id.is_in(ids.iter().cloned()))
        .filter(sc::Column::DeletedAt.is_null())
        .all(db)
        .await
}

fn condition(filter: &SalesChannelFilter) -> Condition {
    let mut cond = Condition::all();
    if let Some(ids) = &filter.ids {
        cond = cond.add(sc::Column::Id.is_in(ids.iter().map(|i| i.as_str().to_owned())));
    }
    if let Some(names) = &filter.names {
        cond = cond.add(sc::Column::Name.is_in(names.iter().cloned()));
    }
    if let Some(d) = &filter.description {
        cond = cond.add(sc::Column::Description.eq(d.clone()));
    }
    if let Some(d) = filter.is_disabled {
        cond = cond.add(sc::Column::IsDisabled.eq(d));
    }
    if let Some(q) = filter.q.as_deref().filter(|q| !q.is_empty()) {
        cond = cond.add(
            Condition::any()
                .add(Func::lower(Expr::col(sc::Column::Name)).like(contains_pattern(q)))
                .add(Func::lower(Expr::col(sc::Column::Description)).like(contains_pattern(q))),
        );
    }
    if let Some(c) = &filter.created_at {
        cond = compare(cond, sc::Column::CreatedAt, c);
    }
    if let Some(c) = &filter.updated_at {
        cond = compare(cond, sc::Column::UpdatedAt, c);
    }
    if let Some(c) = &filter.deleted_at {
        cond = compare(cond, sc::Column::DeletedAt, c);
    }
    if !filter.with_deleted && filter.deleted_at.is_none() {
        cond = cond.add(sc::Column::DeletedAt.is_null());
    }
    cond
}

fn order_column(field: &str) -> Result<sc::Column, SalesChannelError> {
    Ok(match field {
        "id" => sc::Column::Id,
        "name" => sc::Column::Name,
        "description" => sc::Column::Description,
        "is_disabled" => sc::Column::IsDisabled,
        "created_at" => sc::Column::CreatedAt,
        "updated_at" => sc::Column::UpdatedAt,
        "deleted_at" => sc::Column::DeletedAt,
        other => return Err(SalesChannelError::InvalidOrder(other.to_owned())),
    })
}

/// One page of channels and the total count of the filter.
pub async fn list<C: ConnectionTrait>(
    db: &C,
    filter: &SalesChannelFilter,
    page: &ListParams,
) -> Result<(Vec<sc::Model>, u64), SalesChannelError> {
    let base = sc::Entity::find().filter(condition(filter));
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
        .order_by(sc::Column::CreatedAt, Order::Asc)
        .order_by(sc::Column::Id, Order::Asc)
        .limit(u64::from(page.limit))
        .offset(u64::from(page.offset))
        .all(db)
        .await?;
    Ok((rows, count))
}

/// Writes the columns of an existing, not deleted channel. `false` when there is none.
pub async fn update<C: ConnectionTrait>(db: &C, row: sc::Model) -> Result<bool, sea_orm::DbErr> {
    let r = sc::Entity::update_many()
        .col_expr(sc::Column::Name, Expr::value(row.name))
        .col_expr(sc::Column::Description, Expr::value(row.description))
        .col_expr(sc::Column::IsDisabled, Expr::value(row.is_disabled))
        .col_expr(sc::Column::Metadata, Expr::value(row.metadata))
        .col_expr(sc::Column::UpdatedAt, Expr::value(row.updated_at))
        .filter(sc::Column::Id.eq(row.id))
        .filter(sc::Column::DeletedAt.is_null())
        .exec(db)
        .await?;
    Ok(r.rows_affected == 1)
}

/// Marks a channel deleted. `false` when it was already deleted or never existed.
pub async fn soft_delete<C: ConnectionTrait>(
    db: &C,
    id: &str,
    at: DateTime<Utc>,
) -> Result<bool, sea_orm::DbErr> {
    let r = sc::Entity::update_many()
        .col_expr(sc::Column::DeletedAt, Expr::value(at))
        .col_expr(sc::Column::UpdatedAt, Expr::value(at))
        .filter(sc::Column::Id.eq(id))
        .filter(sc::Column::DeletedAt.is_null())
        .exec(db)
        .await?;
    Ok(r.rows_affected == 1)
}
