//! The only file that queries this module's tables.

use chrono::{DateTime, Utc};
use medusa_core::request::{Direction, ListParams};
use medusa_db::filter::{compare, contains_pattern};
use sea_orm::sea_query::{Expr, ExprTrait, Func, Query};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait, Order, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect,
};

use crate::entity::{tax_provider, tax_rate, tax_rate_rule, tax_region};
use crate::error::TaxError;
use crate::model::{TaxProviderFilter, TaxRateFilter, TaxRegionFilter};

fn direction(d: Direction) -> Order {
    match d {
        Direction::Asc => Order::Asc,
        Direction::Desc => Order::Desc,
    }
}

// ---- providers ----------------------------------------------------------------------------

pub async fn list_providers<C: ConnectionTrait>(
    db: &C,
    filter: &TaxProviderFilter,
    page: &ListParams,
) -> Result<(Vec<tax_provider::Model>, u64), TaxError> {
    let mut cond = Condition::all().add(tax_provider::Column::DeletedAt.is_null());
    if let Some(ids) = &filter.ids {
        cond = cond.add(tax_provider::Column::Id.is_in(ids.iter().cloned()));
    }
    if let Some(e) = filter.is_enabled {
        cond = cond.add(tax_provider::Column::IsEnabled.eq(e));
    }
    let base = tax_provider::Entity::find().filter(cond);
    let count = base.clone().count(db).await?;
    let mut select = base;
    if let Some(order) = &page.order {
        let col = match order.field.as_str() {
            "id" => tax_provider::Column::Id,
            "is_enabled" => tax_provider::Column::IsEnabled,
            other => return Err(TaxError::InvalidOrder(other.to_owned())),
        };
        select = select.order_by(col, direction(order.direction));
    }
    let rows = select
        .order_by(tax_provider::Column::Id, Order::Asc)
        .limit(u64::from(page.limit))
        .offset(u64::from(page.offset))
        .all(db)
        .await?;
    Ok((rows, count))
}

/// Whether a live, enabled provider has this id.
pub async fn provider_exists<C: ConnectionTrait>(db: &C, id: &str) -> Result<bool, sea_orm::DbErr> {
    Ok(tax_provider::Entity::find_by_id(id.to_owned())
        .filter(tax_provider::Column::DeletedAt.is_null())
        .filter(tax_provider::Column::IsEnabled.eq(true))
        .count(db)
        .await?
        > 0)
}

// ---- regions ------------------------------------------------------------------------------

pub async fn insert_region<C: ConnectionTrait>(
    db: &C,
    row: tax_region::Model,
) -> Result<(), sea_orm::DbErr> {
    tax_region::Entity::insert(tax_region::ActiveModel {
        id: Set(row.id),
        country_code: Set(row.country_code),
        province_code: Set(row.province_code),
        parent_id: Set(row.parent_id),
        provider_id: Set(row.provider_id),
        metadata: Set(row.metadata),
        created_by: Set(row.created_by),
        created_at: Set(row.created_at),
        updated_at: Set(row.updated_at),
        deleted_at: Set(row.deleted_at),
    })
    .exec_without_returning(db)
    .await?;
    Ok(())
}

/// Live regions with these ids, in no particular order.
pub async fn find_regions<C: ConnectionTrait>(
    db: &C,
    ids: &[String],
) -> Result<Vec<tax_region::Model>, sea_orm::DbErr> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    tax_region::Entity::find()
        .filter(tax_region::Column::Id.is_in(ids.iter().cloned()))
        .filter(tax_region::Column::DeletedAt.is_null())
        .all(db)
        .await
}

/// A live region, locked for the rest of the transaction where the backend has row locks.
pub async fn find_region_locked<C: ConnectionTrait>(
    db: &C,
    id: &str,
) -> Result<Option<tax_region::Model>, sea_orm::DbErr> {
    let select = tax_region::Entity::find_by_id(id.to_owned())
        .filter(tax_region::Column::DeletedAt.is_null());
    medusa_db::for_update(db.get_database_backend(), select)
        .one(db)
        .await
}

/// The live region of a country (`province` `None`) or of a province.
pub async fn find_region_by_codes<C: ConnectionTrait>(
    db: &C,
    country: &str,
    province: Option<&str>,
) -> Result<Option<tax_region::Model>, sea_orm::DbErr> {
    let province_cond = match province {
        Some(p) => tax_region::Column::ProvinceCode.eq(p),
        None => tax_region::Column::ProvinceCode.is_null(),
    };
    tax_region::Entity::find()
        .filter(tax_region::Column::CountryCode.eq(country))
        .filter(province_cond)
        .filter(tax_region::Column::DeletedAt.is_null())
        .one(db)
        .await
}

/// The live regions that tax an address: the country's and, when a province is given, the
/// province's. One statement.
pub async fn regions_for_address<C: ConnectionTrait>(
    db: &C,
    country: &str,
    province: Option<&str>,
) -> Result<Vec<tax_region::Model>, sea_orm::DbErr> {
    let mut which = Condition::any().add(tax_region::Column::ProvinceCode.is_null());
    if let Some(p) = province {
        which = which.add(tax_region::Column::ProvinceCode.eq(p));
    }
    tax_region::Entity::find()
        .filter(tax_region::Column::CountryCode.eq(country))
        .filter(which)
        .filter(tax_region::Column::DeletedAt.is_null())
        .order_by(tax_region::Column::CreatedAt, Order::Asc)
        .order_by(tax_region::Column::Id, Order::Asc)
        .all(db)
        .await
}

/// Live children of the given regions, oldest first.
pub async fn children_of<C: ConnectionTrait>(
    db: &C,
    parent_ids: &[String],
) -> Result<Vec<tax_region::Model>, sea_orm::DbErr> {
    if parent_ids.is_empty() {
        return Ok(Vec::new());
    }
    tax_region::Entity::find()
        .filter(tax_region::Column::ParentId.is_in(parent_ids.iter().cloned()))
        .filter(tax_region::Column::DeletedAt.is_null())
        .order_by(tax_region::Column::CreatedAt, Order::Asc)
        .order_by(tax_region::Column::Id, Order::Asc)
        .all(db)
        .await
}

/// `col IN (values)`, where a `None` value means `col IS NULL`.
fn in_nullable<C: ColumnTrait>(col: C, values: &[Option<String>]) -> Condition {
    let mut any = Condition::any();
    let present: Vec<String> = values.iter().flatten().cloned().collect();
    if !present.is_empty() {
        any = any.add(col.is_in(present));
    }
    if values.iter().any(Option::is_none) {
        any = any.add(col.is_null());
    }
    if values.is_empty() {
        // An empty list matches nothing.
        any = any.add(Expr::val(1).eq(0));
    }
    any
}

fn region_condition(filter: &TaxRegionFilter) -> Condition {
    let mut cond = Condition::all();
    if let Some(ids) = &filter.ids {
        cond = cond.add(tax_region::Column::Id.is_in(ids.iter().cloned()));
    }
    if let Some(codes) = &filter.country_codes {
        cond =
            cond.add(tax_region::Column::CountryCode.is_in(codes.iter().map(|c| c.to_lowercase())));
    }
    if let Some(codes) = &filter.province_codes {
        let codes: Vec<Option<String>> = codes
            .iter()
            .map(|c| c.as_ref().map(|c| c.to_lowercase()))
            .collect();
        cond = cond.add(in_nullable(tax_region::Column::ProvinceCode, &codes));
    }
    if let Some(ids) = &filter.parent_ids {
        cond = cond.add(in_nullable(tax_region::Column::ParentId, ids));
    }
    if let Some(by) = &filter.created_by {
        cond = cond.add(tax_region::Column::CreatedBy.is_in(by.iter().cloned()));
    }
    if let Some(q) = filter.q.as_deref().filter(|q| !q.is_empty()) {
        cond = cond.add(
            Condition::any()
                .add(
                    Func::lower(Expr::col(tax_region::Column::CountryCode))
                        .like(contains_pattern(q)),
                )
                .add(
                    Func::lower(Expr::col(tax_region::Column::ProvinceCode))
                        .like(contains_pattern(q)),
                ),
        );
    }
    if let Some(c) = &filter.created_at {
        cond = compare(cond, tax_region::Column::CreatedAt, c);
    }
    if let Some(c) = &filter.updated_at {
        cond = compare(cond, tax_region::Column::UpdatedAt, c);
    }
    if let Some(c) = &filter.deleted_at {
        cond = compare(cond, tax_region::Column::DeletedAt, c);
    }
    if !filter.with_deleted && filter.deleted_at.is_none() {
        cond = cond.add(tax_region::Column::DeletedAt.is_null());
    }
    cond
}

fn region_order_column(field: &str) -> Result<tax_region::Column, TaxError> {
    Ok(match field {
        "id" => tax_region::Column::Id,
        "country_code" => tax_region::Column::CountryCode,
        "province_code" => tax_region::Column::ProvinceCode,
        "parent_id" => tax_region::Column::ParentId,
        "provider_id" => tax_region::Column::ProviderId,
        "created_by" => tax_region::Column::CreatedBy,
        "created_at" => tax_region::Column::CreatedAt,
        "updated_at" => tax_region::Column::UpdatedAt,
        "deleted_at" => tax_region::Column::DeletedAt,
        other => return Err(TaxError::InvalidOrder(other.to_owned())),
    })
}

pub async fn list_regions<C: ConnectionTrait>(
    db: &C,
    filter: &TaxRegionFilter,
    page: &ListParams,
) -> Result<(Vec<tax_region::Model>, u64), TaxError> {
    let base = tax_region::Entity::find().filter(region_condition(filter));
    let count = base.clone().count(db).await?;
    let mut select = base;
    if let Some(order) = &page.order {
        select = select.order_by(
            region_order_column(&order.field)?,
            direction(order.direction),
        );
    }
    let rows = select
        .order_by(tax_region::Column::CreatedAt, Order::Asc)
        .order_by(tax_region::Column::Id, Order::Asc)
        .limit(u64::from(page.limit))
        .offset(u64::from(page.offset))
        .all(db)
        .await?;
    Ok((rows, count))
}

/// Sets the updatable columns of a live region; `false` when there is none.
pub async fn update_region<C: ConnectionTrait>(
    db: &C,
    row: tax_region::Model,
) -> Result<bool, sea_orm::DbErr> {
    let r = tax_region::Entity::update_many()
        .col_expr(
            tax_region::Column::ProvinceCode,
            Expr::value(row.province_code),
        )
        .col_expr(tax_region::Column::ProviderId, Expr::value(row.provider_id))
        .col_expr(tax_region::Column::Metadata, Expr::value(row.metadata))
        .col_expr(tax_region::Column::UpdatedAt, Expr::value(row.updated_at))
        .filter(tax_region::Column::Id.eq(row.id))
        .filter(tax_region::Column::DeletedAt.is_null())
        .exec(db)
        .await?;
    Ok(r.rows_affected == 1)
}

/// Soft-deletes live regions; returns how many were.
pub async fn soft_delete_regions<C: ConnectionTrait>(
    db: &C,
    ids: &[String],
    at: DateTime<Utc>,
) -> Result<u64, sea_orm::DbErr> {
    if ids.is_empty() {
        return Ok(0);
    }
    let r = tax_region::Entity::update_many()
        .col_expr(tax_region::Column::DeletedAt, Expr::value(at))
        .col_expr(tax_region::Column::UpdatedAt, Expr::value(at))
        .filter(tax_region::Column::Id.is_in(ids.iter().cloned()))
        .filter(tax_region::Column::DeletedAt.is_null())
        .exec(db)
        .await?;
    Ok(r.rows_affected)
}

// ---- rates --------------------------------------------------------------------------------

fn rate_active(row: tax_rate::Model) -> tax_rate::ActiveModel {
    tax_rate::ActiveModel {
        id: Set(row.id),
        rate: Set(row.rate),
        code: Set(row.code),
        name: Set(row.name),
        is_default: Set(row.is_default),
        is_combinable: Set(row.is_combinable),
        tax_region_id: Set(row.tax_region_id),
        metadata: Set(row.metadata),
        created_by: Set(row.created_by),
        created_at: Set(row.created_at),
        updated_at: Set(row.updated_at),
        deleted_at: Set(row.deleted_at),
    }
}

pub async fn insert_rate<C: ConnectionTrait>(
    db: &C,
    row: tax_rate::Model,
) -> Result<(), sea_orm::DbErr> {
    tax_rate::Entity::insert(rate_active(row))
        .exec_without_returning(db)
        .await?;
    Ok(())
}

/// Live rates with these ids.
pub async fn find_rates<C: ConnectionTrait>(
    db: &C,
    ids: &[String],
) -> Result<Vec<tax_rate::Model>, sea_orm::DbErr> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    tax_rate::Entity::find()
        .filter(tax_rate::Column::Id.is_in(ids.iter().cloned()))
        .filter(tax_rate::Column::DeletedAt.is_null())
        .all(db)
        .await
}

pub async fn find_rate_locked<C: ConnectionTrait>(
    db: &C,
    id: &str,
) -> Result<Option<tax_rate::Model>, sea_orm::DbErr> {
    let select =
        tax_rate::Entity::find_by_id(id.to_owned()).filter(tax_rate::Column::DeletedAt.is_null());
    medusa_db::for_update(db.get_database_backend(), select)
        .one(db)
        .await
}

/// The live default rate of a region, other than `except`.
pub async fn default_rate_of<C: ConnectionTrait>(
    db: &C,
    region_id: &str,
    except: Option<&str>,
) -> Result<Option<tax_rate::Model>, sea_orm::DbErr> {
    let mut select = tax_rate::Entity::find()
        .filter(tax_rate::Column::TaxRegionId.eq(region_id))
        .filter(tax_rate::Column::IsDefault.eq(true))
        .filter(tax_rate::Column::DeletedAt.is_null());
    if let Some(id) = except {
        select = select.filter(tax_rate::Column::Id.ne(id));
    }
    select.one(db).await
}

/// Live rates of the given regions, oldest first.
pub async fn rates_of_regions<C: ConnectionTrait>(
    db: &C,
    region_ids: &[String],
) -> Result<Vec<tax_rate::Model>, sea_orm::DbErr> {
    if region_ids.is_empty() {
        return Ok(Vec::new());
    }
    tax_rate::Entity::find()
        .filter(tax_rate::Column::TaxRegionId.is_in(region_ids.iter().cloned()))
        .filter(tax_rate::Column::DeletedAt.is_null())
        .order_by(tax_rate::Column::CreatedAt, Order::Asc)
        .order_by(tax_rate::Column::Id, Order::Asc)
        .all(db)
        .await
}

/// The candidate rates of a tax lookup: the live rates of `region_ids` that are default or
/// named in `rate_ids` (the rates with a matching rule), oldest first. One statement.
pub async fn candidate_rates<C: ConnectionTrait>(
    db: &C,
    region_ids: &[String],
    rate_ids: &[String],
) -> Result<Vec<tax_rate::Model>, sea_orm::DbErr> {
    let mut which = Condition::any().add(tax_rate::Column::IsDefault.eq(true));
    if !rate_ids.is_empty() {
        which = which.add(tax_rate::Column::Id.is_in(rate_ids.iter().cloned()));
    }
    tax_rate::Entity::find()
        .filter(tax_rate::Column::TaxRegionId.is_in(region_ids.iter().cloned()))
        .filter(tax_rate::Column::DeletedAt.is_null())
        .filter(which)
        .order_by(tax_rate::Column::CreatedAt, Order::Asc)
        .order_by(tax_rate::Column::Id, Order::Asc)
        .all(db)
        .await
}

fn rate_condition(filter: &TaxRateFilter) -> Condition {
    let mut cond = Condition::all();
    if let Some(ids) = &filter.ids {
        cond = cond.add(tax_rate::Column::Id.is_in(ids.iter().cloned()));
    }
    if let Some(ids) = &filter.tax_region_ids {
        cond = cond.add(tax_rate::Column::TaxRegionId.is_in(ids.iter().cloned()));
    }
    if let Some(d) = filter.is_default {
        cond = cond.add(tax_rate::Column::IsDefault.eq(d));
    }
    if let Some(q) = filter.q.as_deref().filter(|q| !q.is_empty()) {
        cond = cond.add(
            Condition::any()
                .add(Func::lower(Expr::col(tax_rate::Column::Code)).like(contains_pattern(q)))
                .add(Func::lower(Expr::col(tax_rate::Column::Name)).like(contains_pattern(q))),
        );
    }
    if let Some(c) = &filter.created_at {
        cond = compare(cond, tax_rate::Column::CreatedAt, c);
    }
    if let Some(c) = &filter.updated_at {
        cond = compare(cond, tax_rate::Column::UpdatedAt, c);
    }
    if let Some(c) = &filter.deleted_at {
        cond = compare(cond, tax_rate::Column::DeletedAt, c);
    }
    if !filter.with_deleted && filter.deleted_at.is_none() {
        cond = cond.add(tax_rate::Column::DeletedAt.is_null());
    }
    cond
}

fn rate_order_column(field: &str) -> Result<tax_rate::Column, TaxError> {
    Ok(match field {
        "id" => tax_rate::Column::Id,
        "code" => tax_rate::Column::Code,
        "name" => tax_rate::Column::Name,
        "is_default" => tax_rate::Column::IsDefault,
        "is_combinable" => tax_rate::Column::IsCombinable,
        "tax_region_id" => tax_rate::Column::TaxRegionId,
        "created_by" => tax_rate::Column::CreatedBy,
        "created_at" => tax_rate::Column::CreatedAt,
        "updated_at" => tax_rate::Column::UpdatedAt,
        "deleted_at" => tax_rate::Column::DeletedAt,
        other => return Err(TaxError::InvalidOrder(other.to_owned())),
    })
}

pub async fn list_rates<C: ConnectionTrait>(
    db: &C,
    filter: &TaxRateFilter,
    page: &ListParams,
) -> Result<(Vec<tax_rate::Model>, u64), TaxError> {
    let base = tax_rate::Entity::find().filter(rate_condition(filter));
    let count = base.clone().count(db).await?;
    let mut select = base;
    if let Some(order) = &page.order {
        select = select.order_by(rate_order_column(&order.field)?, direction(order.direction));
    }
    let rows = select
        .order_by(tax_rate::Column::CreatedAt, Order::Asc)
        .order_by(tax_rate::Column::Id, Order::Asc)
        .limit(u64::from(page.limit))
        .offset(u64::from(page.offset))
        .all(db)
        .await?;
    Ok((rows, count))
}

/// Sets the updatable columns of a live rate; `false` when there is none.
pub async fn update_rate<C: ConnectionTrait>(
    db: &C,
    row: tax_rate::Model,
) -> Result<bool, sea_orm::DbErr> {
    let r = tax_rate::Entity::update_many()
        .col_expr(tax_rate::Column::Rate, Expr::value(row.rate))
        .col_expr(tax_rate::Column::Code, Expr::value(row.code))
        .col_expr(tax_rate::Column::Name, Expr::value(row.name))
        .col_expr(tax_rate::Column::IsDefault, Expr::value(row.is_default))
        .col_expr(
            tax_rate::Column::IsCombinable,
            Expr::value(row.is_combinable),
        )
        .col_expr(tax_rate::Column::Metadata, Expr::value(row.metadata))
        .col_expr(tax_rate::Column::UpdatedAt, Expr::value(row.updated_at))
        .filter(tax_rate::Column::Id.eq(row.id))
        .filter(tax_rate::Column::DeletedAt.is_null())
        .exec(db)
        .await?;
    Ok(r.rows_affected == 1)
}

/// Soft-deletes the live rates with these ids or of these regions.
pub async fn soft_delete_rates<C: ConnectionTrait>(
    db: &C,
    ids: &[String],
    region_ids: &[String],
    at: DateTime<Utc>,
) -> Result<u64, sea_orm::DbErr> {
    if ids.is_empty() && region_ids.is_empty() {
        return Ok(0);
    }
    let r = tax_rate::Entity::update_many()
        .col_expr(tax_rate::Column::DeletedAt, Expr::value(at))
        .col_expr(tax_rate::Column::UpdatedAt, Expr::value(at))
        .filter(
            Condition::any()
                .add(tax_rate::Column::Id.is_in(ids.iter().cloned()))
                .add(tax_rate::Column::TaxRegionId.is_in(region_ids.iter().cloned())),
        )
        .filter(tax_rate::Column::DeletedAt.is_null())
        .exec(db)
        .await?;
    Ok(r.rows_affected)
}

// ---- rules --------------------------------------------------------------------------------

pub async fn insert_rules<C: ConnectionTrait>(
    db: &C,
    rows: Vec<tax_rate_rule::Model>,
) -> Result<(), sea_orm::DbErr> {
    if rows.is_empty() {
        return Ok(());
    }
    tax_rate_rule::Entity::insert_many(rows.into_iter().map(|r| tax_rate_rule::ActiveModel {
        id: Set(r.id),
        tax_rate_id: Set(r.tax_rate_id),
        reference: Set(r.reference),
        reference_id: Set(r.reference_id),
        metadata: Set(r.metadata),
        created_by: Set(r.created_by),
        created_at: Set(r.created_at),
        updated_at: Set(r.updated_at),
        deleted_at: Set(r.deleted_at),
    }))
    .exec_without_returning(db)
    .await?;
    Ok(())
}

/// Live rules of the given rates, oldest first.
pub async fn rules_of<C: ConnectionTrait>(
    db: &C,
    rate_ids: &[String],
) -> Result<Vec<tax_rate_rule::Model>, sea_orm::DbErr> {
    if rate_ids.is_empty() {
        return Ok(Vec::new());
    }
    tax_rate_rule::Entity::find()
        .filter(tax_rate_rule::Column::TaxRateId.is_in(rate_ids.iter().cloned()))
        .filter(tax_rate_rule::Column::DeletedAt.is_null())
        .order_by(tax_rate_rule::Column::CreatedAt, Order::Asc)
        .order_by(tax_rate_rule::Column::Id, Order::Asc)
        .all(db)
        .await
}

/// The live rules, of live rates of `region_ids`, that name one of `refs` (`(reference,
/// reference_ids)`). One statement, whatever the number of references.
pub async fn matching_rules<C: ConnectionTrait>(
    db: &C,
    region_ids: &[String],
    refs: &[(&str, Vec<String>)],
) -> Result<Vec<tax_rate_rule::Model>, sea_orm::DbErr> {
    let mut any = Condition::any();
    let mut n = 0;
    for (reference, ids) in refs {
        if ids.is_empty() {
            continue;
        }
        n += 1;
        any = any.add(
            Condition::all()
                .add(tax_rate_rule::Column::Reference.eq(*reference))
                .add(tax_rate_rule::Column::ReferenceId.is_in(ids.iter().cloned())),
        );
    }
    if n == 0 || region_ids.is_empty() {
        return Ok(Vec::new());
    }
    let live_rates = Query::select()
        .column(tax_rate::Column::Id)
        .from(tax_rate::Entity)
        .and_where(tax_rate::Column::TaxRegionId.is_in(region_ids.iter().cloned()))
        .and_where(tax_rate::Column::DeletedAt.is_null())
        .to_owned();
    tax_rate_rule::Entity::find()
        .filter(tax_rate_rule::Column::DeletedAt.is_null())
        .filter(tax_rate_rule::Column::TaxRateId.in_subquery(live_rates))
        .filter(any)
        .order_by(tax_rate_rule::Column::CreatedAt, Order::Asc)
        .order_by(tax_rate_rule::Column::Id, Order::Asc)
        .all(db)
        .await
}

/// Soft-deletes the live rules of these rates (`rate_ids`) or with these ids (`ids`, only
/// when they belong to `of_rate`, if given).
pub async fn soft_delete_rules<C: ConnectionTrait>(
    db: &C,
    rate_ids: &[String],
    ids: &[String],
    of_rate: Option<&str>,
    at: DateTime<Utc>,
) -> Result<u64, sea_orm::DbErr> {
    if rate_ids.is_empty() && ids.is_empty() {
        return Ok(0);
    }
    let mut select = tax_rate_rule::Entity::update_many()
        .col_expr(tax_rate_rule::Column::DeletedAt, Expr::value(at))
        .col_expr(tax_rate_rule::Column::UpdatedAt, Expr::value(at))
        .filter(
            Condition::any()
                .add(tax_rate_rule::Column::TaxRateId.is_in(rate_ids.iter().cloned()))
                .add(tax_rate_rule::Column::Id.is_in(ids.iter().cloned())),
        )
        .filter(tax_rate_rule::Column::DeletedAt.is_null());
    if let Some(rate) = of_rate {
        select = select.filter(tax_rate_rule::Column::TaxRateId.eq(rate));
    }
    Ok(select.exec(db).await?.rows_affected)
}

/// Soft-deletes the live rules of live-or-not rates of the given regions (a region's delete).
pub async fn soft_delete_rules_of_regions<C: ConnectionTrait>(
    db: &C,
    region_ids: &[String],
    at: DateTime<Utc>,
) -> Result<(), sea_orm::DbErr> {
    if region_ids.is_empty() {
        return Ok(());
    }
    let rates = Query::select()
        .column(tax_rate::Column::Id)
        .from(tax_rate::Entity)
        .and_where(tax_rate::Column::TaxRegionId.is_in(region_ids.iter().cloned()))
        .to_owned();
    tax_rate_rule::Entity::update_many()
        .col_expr(tax_rate_rule::Column::DeletedAt, Expr::value(at))
        .col_expr(tax_rate_rule::Column::UpdatedAt, Expr::value(at))
        .filter(tax_rate_rule::Column::TaxRateId.in_subquery(rates))
        .filter(tax_rate_rule::Column::DeletedAt.is_null())
        .exec(db)
        .await?;
    Ok(())
}
