//! The only file that queries this module's tables.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, Func, LikeExpr, OnConflict, Query, SimpleExpr};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect,
};

use crate::entity::{
    sales_channel_stock_location as link, stock_location as location,
    stock_location_address as address,
};
use crate::model::ListStockLocations;

/// `lower(col) LIKE '%q%'` with `%`, `_` and `\` in `q` taken literally.
fn contains_ci(col: impl ColumnTrait, q: &str) -> SimpleExpr {
    let mut pattern = String::with_capacity(q.len() + 2);
    pattern.push('%');
    for c in q.to_lowercase().chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    Expr::expr(Func::lower(Expr::col(col))).like(LikeExpr::new(pattern).escape('\\'))
}

pub async fn insert_address<C: ConnectionTrait>(
    db: &C,
    row: address::Model,
) -> Result<(), sea_orm::DbErr> {
    let am = address::ActiveModel {
        id: Set(row.id),
        address_1: Set(row.address_1),
        address_2: Set(row.address_2),
        company: Set(row.company),
        city: Set(row.city),
        country_code: Set(row.country_code),
        phone: Set(row.phone),
        province: Set(row.province),
        postal_code: Set(row.postal_code),
        metadata: Set(row.metadata),
        created_at: Set(row.created_at),
        updated_at: Set(row.updated_at),
        deleted_at: Set(row.deleted_at),
    };
    address::Entity::insert(am)
        .exec_without_returning(db)
        .await?;
    Ok(())
}

pub async fn insert_location<C: ConnectionTrait>(
    db: &C,
    row: location::Model,
) -> Result<(), sea_orm::DbErr> {
    let am = location::ActiveModel {
        id: Set(row.id),
        name: Set(row.name),
        address_id: Set(row.address_id),
        metadata: Set(row.metadata),
        created_at: Set(row.created_at),
        updated_at: Set(row.updated_at),
        deleted_at: Set(row.deleted_at),
    };
    location::Entity::insert(am)
        .exec_without_returning(db)
        .await?;
    Ok(())
}

pub async fn find_location<C: ConnectionTrait>(
    db: &C,
    id: &str,
) -> Result<Option<location::Model>, sea_orm::DbErr> {
    location::Entity::find_by_id(id.to_owned())
        .filter(location::Column::DeletedAt.is_null())
        .one(db)
        .await
}

pub async fn addresses<C: ConnectionTrait>(
    db: &C,
    ids: Vec<String>,
) -> Result<Vec<address::Model>, sea_orm::DbErr> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    address::Entity::find()
        .filter(address::Column::Id.is_in(ids))
        .filter(address::Column::DeletedAt.is_null())
        .all(db)
        .await
}

/// One page of locations (oldest first) and the number of locations matching the filters.
pub async fn list_locations<C: ConnectionTrait>(
    db: &C,
    filter: &ListStockLocations,
) -> Result<(Vec<location::Model>, u64), sea_orm::DbErr> {
    let mut cond = Condition::all().add(location::Column::DeletedAt.is_null());
    if !filter.ids.is_empty() {
        cond = cond
            .add(location::Column::Id.is_in(filter.ids.iter().map(|id| id.as_str().to_owned())));
    }
    if let Some(name) = &filter.name {
        cond = cond.add(location::Column::Name.eq(name.as_str()));
    }
    if let Some(q) = filter.q.as_deref().filter(|q| !q.is_empty()) {
        let matching_addresses = Query::select()
            .column(address::Column::Id)
            .from(address::Entity)
            .cond_where(
                Condition::any()
                    .add(contains_ci(address::Column::Address1, q))
                    .add(contains_ci(address::Column::Address2, q))
                    .add(contains_ci(address::Column::City, q))
                    .add(contains_ci(address::Column::CountryCode, q))
                    .add(contains_ci(address::Column::Province, q))
                    .add(contains_ci(address::Column::PostalCode, q)),
            )
            .to_owned();
        cond = cond.add(
            Condition::any()
                .add(contains_ci(location::Column::Name, q))
                .add(location::Column::AddressId.in_subquery(matching_addresses)),
        );
    }
    let count = location::Entity::find()
        .filter(cond.clone())
        .count(db)
        .await?;
    let rows = location::Entity::find()
        .filter(cond)
        .order_by_asc(location::Column::CreatedAt)
        .order_by_asc(location::Column::Id)
        .offset(filter.offset)
        .limit(filter.limit)
        .all(db)
        .await?;
    Ok((rows, count))
}

/// Soft-deletes a live location; `false` when there is none.
pub async fn soft_delete_location<C: ConnectionTrait>(
    db: &C,
    id: &str,
    at: DateTime<Utc>,
) -> Result<bool, sea_orm::DbErr> {
    let r = location::Entity::update_many()
        .col_expr(location::Column::DeletedAt, at.into())
        .col_expr(location::Column::UpdatedAt, at.into())
        .filter(location::Column::Id.eq(id))
        .filter(location::Column::DeletedAt.is_null())
        .exec(db)
        .await?;
    Ok(r.rows_affected == 1)
}

pub async fn link_sales_channels<C: ConnectionTrait>(
    db: &C,
    location_id: &str,
    channel_ids: &[String],
    now: DateTime<Utc>,
) -> Result<(), sea_orm::DbErr> {
    let unique: BTreeSet<&String> = channel_ids.iter().collect();
    if unique.is_empty() {
        return Ok(());
    }
    let rows = unique.into_iter().map(|sc| link::ActiveModel {
        sales_channel_id: Set(sc.clone()),
        stock_location_id: Set(location_id.to_owned()),
        created_at: Set(now),
    });
    // Linking a channel twice is a no-op, as in Medusa.
    link::Entity::insert_many(rows)
        .on_conflict(
            OnConflict::columns([link::Column::SalesChannelId, link::Column::StockLocationId])
                .do_nothing()
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    Ok(())
}

pub async fn unlink_sales_channels<C: ConnectionTrait>(
    db: &C,
    location_id: &str,
    channel_ids: &[String],
) -> Result<(), sea_orm::DbErr> {
    if channel_ids.is_empty() {
        return Ok(());
    }
    link::Entity::delete_many()
        .filter(link::Column::StockLocationId.eq(location_id))
        .filter(link::Column::SalesChannelId.is_in(channel_ids.iter().cloned()))
        .exec(db)
        .await?;
    Ok(())
}

pub async fn unlink_all_sales_channels<C: ConnectionTrait>(
    db: &C,
    location_id: &str,
) -> Result<(), sea_orm::DbErr> {
    link::Entity::delete_many()
        .filter(link::Column::StockLocationId.eq(location_id))
        .exec(db)
        .await?;
    Ok(())
}

pub async fn sales_channels<C: ConnectionTrait>(
    db: &C,
    location_id: &str,
) -> Result<Vec<String>, sea_orm::DbErr> {
    link::Entity::find()
        .select_only()
        .column(link::Column::SalesChannelId)
        .filter(link::Column::StockLocationId.eq(location_id))
        .order_by_asc(link::Column::SalesChannelId)
        .into_tuple()
        .all(db)
        .await
}

/// The live locations linked to any of the channels, oldest location first, each once: one
/// query whatever the number of channels.
pub async fn location_ids_for_sales_channels<C: ConnectionTrait>(
    db: &C,
    channel_ids: &[String],
) -> Result<Vec<String>, sea_orm::DbErr> {
    if channel_ids.is_empty() {
        return Ok(Vec::new());
    }
    let linked = Query::select()
        .column(link::Column::StockLocationId)
        .from(link::Entity)
        .and_where(link::Column::SalesChannelId.is_in(channel_ids.iter().cloned()))
        .to_owned();
    location::Entity::find()
        .select_only()
        .column(location::Column::Id)
        .filter(location::Column::DeletedAt.is_null())
        .filter(location::Column::Id.in_subquery(linked))
        .order_by_asc(location::Column::CreatedAt)
        .order_by_asc(location::Column::Id)
        .into_tuple()
        .all(db)
        .await
}

/// Writes every column of an existing location row.
pub async fn update_location<C: ConnectionTrait>(
    db: &C,
    row: location::Model,
) -> Result<(), sea_orm::DbErr> {
    location::Entity::update(location::ActiveModel {
        id: Set(row.id),
        name: Set(row.name),
        address_id: Set(row.address_id),
        metadata: Set(row.metadata),
        created_at: Set(row.created_at),
        updated_at: Set(row.updated_at),
        deleted_at: Set(row.deleted_at),
    })
    .exec(db)
    .await?;
    Ok(())
}

/// Writes every column of an existing address row.
pub async fn update_address<C: ConnectionTrait>(
    db: &C,
    row: address::Model,
) -> Result<(), sea_orm::DbErr> {
    address::Entity::update(address::ActiveModel {
        id: Set(row.id),
        address_1: Set(row.address_1),
        address_2: Set(row.address_2),
        company: Set(row.company),
        city: Set(row.city),
        country_code: Set(row.country_code),
        phone: Set(row.phone),
        province: Set(row.province),
        postal_code: Set(row.postal_code),
        metadata: Set(row.metadata),
        created_at: Set(row.created_at),
        updated_at: Set(row.updated_at),
        deleted_at: Set(row.deleted_at),
    })
    .exec(db)
    .await?;
    Ok(())
}
