//! The only file that queries this module's tables.

use chrono::{DateTime, Utc};
use medusa_core::request::{Direction, ListParams};
use medusa_db::filter::{compare, contains_pattern};
use sea_orm::sea_query::{Expr, ExprTrait, Func};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait, Order, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect,
};

use crate::entity::{country, region, region_payment_provider as provider};
use crate::error::RegionError;
use crate::model::RegionFilter;

pub async fn insert<C: ConnectionTrait>(db: &C, row: region::Model) -> Result<(), sea_orm::DbErr> {
    let am = region::ActiveModel {
        id: Set(row.id),
        name: Set(row.name),
        currency_code: Set(row.currency_code),
        automatic_taxes: Set(row.automatic_taxes),
        metadata: Set(row.metadata),
        created_at: Set(row.created_at),
        updated_at: Set(row.updated_at),
        deleted_at: Set(row.deleted_at),
    };
    region::Entity::insert(am)
        .exec_without_returning(db)
        .await?;
    Ok(())
}

/// A region that is not deleted.
pub async fn find<C: ConnectionTrait>(
    db: &C,
    id: &str,
) -> Result<Option<region::Model>, sea_orm::DbErr> {
    region::Entity::find_by_id(id.to_owned())
        .filter(region::Column::DeletedAt.is_null())
        .one(db)
        .await
}

/// A region that is not deleted, locked for the rest of the transaction where the backend has
/// row locks (SQLite's write transaction already holds the database lock).
pub async fn find_locked<C: ConnectionTrait>(
    db: &C,
    id: &str,
) -> Result<Option<region::Model>, sea_orm::DbErr> {
    let select =
        region::Entity::find_by_id(id.to_owned()).filter(region::Column::DeletedAt.is_null());
    medusa_db::for_update(db.get_database_backend(), select)
        .one(db)
        .await
}

/// Regions that are not deleted, in no particular order.
pub async fn find_many<C: ConnectionTrait>(
    db: &C,
    ids: &[String],
) -> Result<Vec<region::Model>, sea_orm::DbErr> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    region::Entity::find()
        .filter(region::Column::Id.is_in(ids.iter().cloned()))
        .filter(region::Column::DeletedAt.is_null())
        .all(db)
        .await
}

fn condition(filter: &RegionFilter) -> Condition {
    let mut cond = Condition::all();
    if let Some(ids) = &filter.ids {
        cond = cond.add(region::Column::Id.is_in(ids.iter().map(|i| i.as_str().to_owned())));
    }
    if let Some(codes) = &filter.currency_codes {
        cond = cond.add(region::Column::CurrencyCode.is_in(codes.iter().map(|c| c.to_lowercase())));
    }
    if let Some(names) = &filter.names {
        cond = cond.add(region::Column::Name.is_in(names.iter().cloned()));
    }
    if let Some(q) = filter.q.as_deref().filter(|q| !q.is_empty()) {
        cond = cond.add(
            Condition::any()
                .add(Func::lower(Expr::col(region::Column::Name)).like(contains_pattern(q)))
                .add(
                    Func::lower(Expr::col(region::Column::CurrencyCode)).like(contains_pattern(q)),
                ),
        );
    }
    if let Some(c) = &filter.created_at {
        cond = compare(cond, region::Column::CreatedAt, c);
    }
    if let Some(c) = &filter.updated_at {
        cond = compare(cond, region::Column::UpdatedAt, c);
    }
    if let Some(c) = &filter.deleted_at {
        cond = compare(cond, region::Column::DeletedAt, c);
    }
    if !filter.with_deleted && filter.deleted_at.is_none() {
        cond = cond.add(region::Column::DeletedAt.is_null());
    }
    cond
}

fn order_column(field: &str) -> Result<region::Column, RegionError> {
    Ok(match field {
        "id" => region::Column::Id,
        "name" => region::Column::Name,
        "currency_code" => region::Column::CurrencyCode,
        "automatic_taxes" => region::Column::AutomaticTaxes,
        "created_at" => region::Column::CreatedAt,
        "updated_at" => region::Column::UpdatedAt,
        "deleted_at" => region::Column::DeletedAt,
        other => return Err(RegionError::InvalidOrder(other.to_owned())),
    })
}

/// One page of regions and the total count of the filter.
pub async fn list<C: ConnectionTrait>(
    db: &C,
    filter: &RegionFilter,
    page: &ListParams,
) -> Result<(Vec<region::Model>, u64), RegionError> {
    let base = region::Entity::find().filter(condition(filter));
    let count = base.clone().count(db).await?;
    let mut select = base;
    if let Some(order) = &page.order {
        let dir = match order.direction {
            Direction::Asc => Order::Asc,
            Direction::Desc => Order::Desc,
        };
        select = select.order_by(order_column(&order.field)?, dir);
    }
    // Creation order, then the id, so pages are stable.
    let rows = select
        .order_by(region::Column::CreatedAt, Order::Asc)
        .order_by(region::Column::Id, Order::Asc)
        .limit(u64::from(page.limit))
        .offset(u64::from(page.offset))
        .all(db)
        .await?;
    Ok((rows, count))
}

/// Sets the columns of an existing, not deleted region. `false` when there is none.
pub async fn update<C: ConnectionTrait>(
    db: &C,
    row: region::Model,
) -> Result<bool, sea_orm::DbErr> {
    let r = region::Entity::update_many()
        .col_expr(region::Column::Name, Expr::value(row.name))
        .col_expr(region::Column::CurrencyCode, Expr::value(row.currency_code))
        .col_expr(
            region::Column::AutomaticTaxes,
            Expr::value(row.automatic_taxes),
        )
        .col_expr(region::Column::Metadata, Expr::value(row.metadata))
        .col_expr(region::Column::UpdatedAt, Expr::value(row.updated_at))
        .filter(region::Column::Id.eq(row.id))
        .filter(region::Column::DeletedAt.is_null())
        .exec(db)
        .await?;
    Ok(r.rows_affected == 1)
}

/// Marks a region deleted. `false` when it was already deleted or never existed.
pub async fn soft_delete<C: ConnectionTrait>(
    db: &C,
    id: &str,
    at: DateTime<Utc>,
) -> Result<bool, sea_orm::DbErr> {
    let r = region::Entity::update_many()
        .col_expr(region::Column::DeletedAt, Expr::value(at))
        .col_expr(region::Column::UpdatedAt, Expr::value(at))
        .filter(region::Column::Id.eq(id))
        .filter(region::Column::DeletedAt.is_null())
        .exec(db)
        .await?;
    Ok(r.rows_affected == 1)
}

/// The countries of the given regions.
pub async fn countries_of<C: ConnectionTrait>(
    db: &C,
    region_ids: &[String],
) -> Result<Vec<country::Model>, sea_orm::DbErr> {
    if region_ids.is_empty() {
        return Ok(Vec::new());
    }
    country::Entity::find()
        .filter(country::Column::RegionId.is_in(region_ids.iter().cloned()))
        .all(db)
        .await
}

/// The countries with these codes that exist: `(iso_2, region_id)`.
pub async fn find_countries<C: ConnectionTrait>(
    db: &C,
    iso_2: &[String],
) -> Result<Vec<(String, Option<String>)>, sea_orm::DbErr> {
    if iso_2.is_empty() {
        return Ok(Vec::new());
    }
    country::Entity::find()
        .select_only()
        .column(country::Column::Iso2)
        .column(country::Column::RegionId)
        .filter(country::Column::Iso2.is_in(iso_2.iter().cloned()))
        .into_tuple()
        .all(db)
        .await
}

/// Every country, in no particular order.
pub async fn all_countries<C: ConnectionTrait>(
    db: &C,
) -> Result<Vec<country::Model>, sea_orm::DbErr> {
    country::Entity::find().all(db).await
}

/// Frees every country of a region.
pub async fn unassign_countries<C: ConnectionTrait>(
    db: &C,
    region_id: &str,
    at: DateTime<Utc>,
) -> Result<(), sea_orm::DbErr> {
    country::Entity::update_many()
        .col_expr(
            country::Column::RegionId,
            Expr::value(Option::<String>::None),
        )
        .col_expr(country::Column::UpdatedAt, Expr::value(at))
        .filter(country::Column::RegionId.eq(region_id))
        .exec(db)
        .await?;
    Ok(())
}

/// Assigns the countries that are still free; returns how many were. A country taken by a
/// concurrent request is not overwritten (the guard is in the `UPDATE` itself).
pub async fn assign_free_countries<C: ConnectionTrait>(
    db: &C,
    region_id: &str,
    iso_2: &[String],
    at: DateTime<Utc>,
) -> Result<u64, sea_orm::DbErr> {
    if iso_2.is_empty() {
        return Ok(0);
    }
    let r = country::Entity::update_many()
        .col_expr(country::Column::RegionId, Expr::value(region_id))
        .col_expr(country::Column::UpdatedAt, Expr::value(at))
        .filter(country::Column::Iso2.is_in(iso_2.iter().cloned()))
        .filter(country::Column::RegionId.is_null())
        .exec(db)
        .await?;
    Ok(r.rows_affected)
}

/// The payment provider links of the given regions: `(region_id, payment_provider_id)`.
pub async fn providers_of<C: ConnectionTrait>(
    db: &C,
    region_ids: &[String],
) -> Result<Vec<(String, String)>, sea_orm::DbErr> {
    if region_ids.is_empty() {
        return Ok(Vec::new());
    }
    provider::Entity::find()
        .select_only()
        .column(provider::Column::RegionId)
        .column(provider::Column::PaymentProviderId)
        .filter(provider::Column::RegionId.is_in(region_ids.iter().cloned()))
        .order_by(provider::Column::PaymentProviderId, Order::Asc)
        .into_tuple()
        .all(db)
        .await
}

/// Replaces a region's payment provider links.
pub async fn set_providers<C: ConnectionTrait>(
    db: &C,
    region_id: &str,
    providers: &[String],
    at: DateTime<Utc>,
) -> Result<(), sea_orm::DbErr> {
    provider::Entity::delete_many()
        .filter(provider::Column::RegionId.eq(region_id))
        .exec(db)
        .await?;
    if providers.is_empty() {
        return Ok(());
    }
    let rows = providers.iter().map(|p| provider::ActiveModel {
        region_id: Set(region_id.to_owned()),
        payment_provider_id: Set(p.clone()),
        created_at: Set(at),
    });
    provider::Entity::insert_many(rows)
        .exec_without_returning(db)
        .await?;
    Ok(())
}
