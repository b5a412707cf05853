//! The only file that queries this module's tables.
//!
//! Every change to a level's `reserved_quantity` is a single `UPDATE ... SET reserved_quantity =
//! reserved_quantity ± n WHERE ...`, so it is atomic on both backends: PostgreSQL re-checks the
//! `WHERE` guard against the row version left by a concurrent writer, SQLite runs one writer
//! at a time. Nothing here reads a quantity and writes it back.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Func, LikeExpr, OnConflict, Query, SimpleExpr};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, DbBackend,
    EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};

use crate::entity::{
    inventory_item as item, inventory_level as level, product_variant_inventory_item as link,
    reservation_item as reservation,
};
use crate::model::{ListInventoryItems, ListInventoryLevels, ListReservations};

/// Ids bound in one `IN (...)` list. PostgreSQL allows 65535 parameters per statement and the
/// bundled SQLite 32766; one chunk covers any realistic page, so a lookup stays one query.
pub const MAX_IDS_PER_QUERY: usize = 10_000;

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

/// `CAST(COALESCE(SUM(expr), 0) AS BIGINT)`: PostgreSQL sums BIGINTs as NUMERIC, which does not
/// decode as `i64`.
fn sum_bigint(expr: SimpleExpr) -> SimpleExpr {
    Func::cast_as(
        Func::coalesce([Func::sum(expr).into(), Expr::val(0i64)]),
        Alias::new("BIGINT"),
    )
    .into()
}

// ---------------------------------------------------------------------------------------------
// Items

pub async fn insert_item<C: ConnectionTrait>(
    db: &C,
    row: item::Model,
) -> Result<(), sea_orm::DbErr> {
    let am = item::ActiveModel {
        id: Set(row.id),
        sku: Set(row.sku),
        title: Set(row.title),
        description: Set(row.description),
        thumbnail: Set(row.thumbnail),
        origin_country: Set(row.origin_country),
        hs_code: Set(row.hs_code),
        mid_code: Set(row.mid_code),
        material: Set(row.material),
        unit_of_measure: Set(row.unit_of_measure),
        weight: Set(row.weight),
        length: Set(row.length),
        height: Set(row.height),
        width: Set(row.width),
        requires_shipping: Set(row.requires_shipping),
        metadata: Set(row.metadata),
        created_at: Set(row.created_at),
        updated_at: Set(row.updated_at),
        deleted_at: Set(row.deleted_at),
    };
    item::Entity::insert(am).exec_without_returning(db).await?;
    Ok(())
}

pub async fn find_item<C: ConnectionTrait>(
    db: &C,
    id: &str,
) -> Result<Option<item::Model>, sea_orm::DbErr> {
    item::Entity::find_by_id(id.to_owned())
        .filter(item::Column::DeletedAt.is_null())
        .one(db)
        .await
}

/// A live item, share-locked on PostgreSQL so it cannot be deleted before the transaction
/// ends. `FOR SHARE` (not `FOR UPDATE`) because inserting a reservation takes `FOR KEY SHARE`
/// on the item through its foreign key, which `FOR UPDATE` would block while the reservation's
/// transaction holds a level this one is about to write: a deadlock.
pub async fn find_item_shared<C: ConnectionTrait>(
    db: &C,
    id: &str,
) -> Result<Option<item::Model>, sea_orm::DbErr> {
    let select = item::Entity::find_by_id(id.to_owned()).filter(item::Column::DeletedAt.is_null());
    match db.get_database_backend() {
        // On SQLite `medusa_db::begin_write` already holds the database's write lock.
        DbBackend::Postgres => select.lock_shared().one(db).await,
        _ => select.one(db).await,
    }
}

fn item_filter(filter: &ListInventoryItems) -> Condition {
    let mut cond = Condition::all().add(item::Column::DeletedAt.is_null());
    if !filter.ids.is_empty() {
        cond = cond.add(item::Column::Id.is_in(filter.ids.iter().map(|i| i.as_str().to_owned())));
    }
    if !filter.skus.is_empty() {
        cond = cond.add(item::Column::Sku.is_in(filter.skus.iter().cloned()));
    }
    for (col, values) in [
        (item::Column::OriginCountry, &filter.origin_countries),
        (item::Column::HsCode, &filter.hs_codes),
        (item::Column::MidCode, &filter.mid_codes),
        (item::Column::Material, &filter.materials),
    ] {
        if !values.is_empty() {
            cond = cond.add(col.is_in(values.iter().cloned()));
        }
    }
    if let Some(flag) = filter.requires_shipping {
        cond = cond.add(item::Column::RequiresShipping.eq(flag));
    }
    if !filter.location_ids.is_empty() {
        let stocked_there = Query::select()
            .column(level::Column::InventoryItemId)
            .from(level::Entity)
            .and_where(level::Column::LocationId.is_in(filter.location_ids.iter().cloned()))
            .to_owned();
        cond = cond.add(item::Column::Id.in_subquery(stocked_there));
    }
    if let Some(q) = filter.q.as_deref().filter(|q| !q.is_empty()) {
        cond = cond.add(
            Condition::any()
                .add(contains_ci(item::Column::Sku, q))
                .add(contains_ci(item::Column::Title, q))
                .add(contains_ci(item::Column::Description, q))
                .add(contains_ci(item::Column::HsCode, q))
                .add(contains_ci(item::Column::MidCode, q)),
        );
    }
    cond
}

/// One page of live items (oldest first) and the number of items matching the filters.
pub async fn list_items<C: ConnectionTrait>(
    db: &C,
    filter: &ListInventoryItems,
) -> Result<(Vec<item::Model>, u64), sea_orm::DbErr> {
    let count = item::Entity::find()
        .filter(item_filter(filter))
        .count(db)
        .await?;
    let rows = item::Entity::find()
        .filter(item_filter(filter))
        .order_by_asc(item::Column::CreatedAt)
        .order_by_asc(item::Column::Id)
        .offset(filter.offset)
        .limit(filter.limit)
        .all(db)
        .await?;
    Ok((rows, count))
}

/// `(stocked, reserved)` summed over each item's levels; items without levels are absent.
pub async fn stock_sums<C: ConnectionTrait>(
    db: &C,
    item_ids: &[String],
) -> Result<HashMap<String, (i64, i64)>, sea_orm::DbErr> {
    let mut sums = HashMap::with_capacity(item_ids.len());
    for chunk in item_ids.chunks(MAX_IDS_PER_QUERY) {
        let q = Query::select()
            .column(level::Column::InventoryItemId)
            .expr_as(
                sum_bigint(Expr::col(level::Column::StockedQuantity)),
                Alias::new("stocked"),
            )
            .expr_as(
                sum_bigint(Expr::col(level::Column::ReservedQuantity)),
                Alias::new("reserved"),
            )
            .from(level::Entity)
            .and_where(level::Column::InventoryItemId.is_in(chunk.iter().cloned()))
            .group_by_col(level::Column::InventoryItemId)
            .to_owned();
        for row in db.query_all(&q).await? {
            let id: String = row.try_get("", "inventory_item_id")?;
            let stocked: i64 = row.try_get("", "stocked")?;
            let reserved: i64 = row.try_get("", "reserved")?;
            sums.insert(id, (stocked, reserved));
        }
    }
    Ok(sums)
}

/// Writes every column of an existing item row.
pub async fn update_item<C: ConnectionTrait>(
    db: &C,
    row: item::Model,
) -> Result<(), sea_orm::DbErr> {
    let am: item::ActiveModel = row.into();
    am.reset_all().update(db).await?;
    Ok(())
}

/// Soft-deletes a live item; `false` when there is none.
pub async fn soft_delete_item<C: ConnectionTrait>(
    db: &C,
    id: &str,
    at: DateTime<Utc>,
) -> Result<bool, sea_orm::DbErr> {
    let r = item::Entity::update_many()
        .col_expr(item::Column::DeletedAt, at.into())
        .col_expr(item::Column::UpdatedAt, at.into())
        .filter(item::Column::Id.eq(id))
        .filter(item::Column::DeletedAt.is_null())
        .exec(db)
        .await?;
    Ok(r.rows_affected == 1)
}

// ---------------------------------------------------------------------------------------------
// Variant links

pub async fn upsert_variant_link<C: ConnectionTrait>(
    db: &C,
    row: link::Model,
) -> Result<(), sea_orm::DbErr> {
    let am = link::ActiveModel {
        variant_id: Set(row.variant_id),
        inventory_item_id: Set(row.inventory_item_id),
        required_quantity: Set(row.required_quantity),
        created_at: Set(row.created_at),
        updated_at: Set(row.updated_at),
    };
    link::Entity::insert(am)
        .on_conflict(
            OnConflict::columns([link::Column::VariantId, link::Column::InventoryItemId])
                .update_columns([link::Column::RequiredQuantity, link::Column::UpdatedAt])
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    Ok(())
}

pub async fn delete_variant_link<C: ConnectionTrait>(
    db: &C,
    variant_id: &str,
    item_id: &str,
) -> Result<bool, sea_orm::DbErr> {
    let r = link::Entity::delete_many()
        .filter(link::Column::VariantId.eq(variant_id))
        .filter(link::Column::InventoryItemId.eq(item_id))
        .exec(db)
        .await?;
    Ok(r.rows_affected > 0)
}

pub async fn delete_variant_links_of_item<C: ConnectionTrait>(
    db: &C,
    item_id: &str,
) -> Result<(), sea_orm::DbErr> {
    link::Entity::delete_many()
        .filter(link::Column::InventoryItemId.eq(item_id))
        .exec(db)
        .await?;
    Ok(())
}

/// The links of the variants to live items, by variant then item.
pub async fn variant_links<C: ConnectionTrait>(
    db: &C,
    variant_ids: &[String],
) -> Result<Vec<link::Model>, sea_orm::DbErr> {
    let mut out = Vec::new();
    for chunk in variant_ids.chunks(MAX_IDS_PER_QUERY) {
        let live_items = Query::select()
            .column(item::Column::Id)
            .from(item::Entity)
            .and_where(item::Column::DeletedAt.is_null())
            .to_owned();
        out.extend(
            link::Entity::find()
                .filter(link::Column::VariantId.is_in(chunk.iter().cloned()))
                .filter(link::Column::InventoryItemId.in_subquery(live_items))
                .order_by_asc(link::Column::VariantId)
                .order_by_asc(link::Column::InventoryItemId)
                .all(db)
                .await?,
        );
    }
    Ok(out)
}

/// One row per (variant, live linked item): the link's required quantity and the item's
/// `stocked - reserved` summed over the given locations (0 without levels there). One query
/// per [`MAX_IDS_PER_QUERY`] variants.
pub async fn availability_rows<C: ConnectionTrait>(
    db: &C,
    variant_ids: &[String],
    location_ids: &[String],
) -> Result<Vec<(String, i64, i64)>, sea_orm::DbErr> {
    let mut out = Vec::new();
    for chunk in variant_ids.chunks(MAX_IDS_PER_QUERY) {
        let q = Query::select()
            .column((link::Entity, link::Column::VariantId))
            .column((link::Entity, link::Column::InventoryItemId))
            .column((link::Entity, link::Column::RequiredQuantity))
            .expr_as(
                sum_bigint(
                    Expr::col((level::Entity, level::Column::StockedQuantity))
                        .sub(Expr::col((level::Entity, level::Column::ReservedQuantity))),
                ),
                Alias::new("available"),
            )
            .from(link::Entity)
            .inner_join(
                item::Entity,
                Condition::all()
                    .add(
                        Expr::col((item::Entity, item::Column::Id))
                            .equals((link::Entity, link::Column::InventoryItemId)),
                    )
                    .add(Expr::col((item::Entity, item::Column::DeletedAt)).is_null()),
            )
            .left_join(
                level::Entity,
                Condition::all()
                    .add(
                        Expr::col((level::Entity, level::Column::InventoryItemId))
                            .equals((link::Entity, link::Column::InventoryItemId)),
                    )
                    .add(
                        Expr::col((level::Entity, level::Column::LocationId))
                            .is_in(location_ids.iter().cloned()),
                    ),
            )
            .and_where(
                Expr::col((link::Entity, link::Column::VariantId)).is_in(chunk.iter().cloned()),
            )
            .group_by_col((link::Entity, link::Column::VariantId))
            .group_by_col((link::Entity, link::Column::InventoryItemId))
            .group_by_col((link::Entity, link::Column::RequiredQuantity))
            .to_owned();
        for row in db.query_all(&q).await? {
            out.push((
                row.try_get::<String>("", "variant_id")?,
                row.try_get::<i64>("", "required_quantity")?,
                row.try_get::<i64>("", "available")?,
            ));
        }
    }
    Ok(out)
}

// ---------------------------------------------------------------------------------------------
// Levels

pub async fn find_level<C: ConnectionTrait>(
    db: &C,
    item_id: &str,
    location_id: &str,
) -> Result<Option<level::Model>, sea_orm::DbErr> {
    level::Entity::find()
        .filter(level::Column::InventoryItemId.eq(item_id))
        .filter(level::Column::LocationId.eq(location_id))
        .one(db)
        .await
}

pub async fn levels_of_item<C: ConnectionTrait>(
    db: &C,
    item_id: &str,
) -> Result<Vec<level::Model>, sea_orm::DbErr> {
    level::Entity::find()
        .filter(level::Column::InventoryItemId.eq(item_id))
        .order_by_asc(level::Column::LocationId)
        .all(db)
        .await
}

/// The levels of the items, by item then location.
pub async fn levels_of_items<C: ConnectionTrait>(
    db: &C,
    item_ids: &[String],
) -> Result<Vec<level::Model>, sea_orm::DbErr> {
    let mut out = Vec::new();
    for chunk in item_ids.chunks(MAX_IDS_PER_QUERY) {
        out.extend(
            level::Entity::find()
                .filter(level::Column::InventoryItemId.is_in(chunk.iter().cloned()))
                .order_by_asc(level::Column::InventoryItemId)
                .order_by_asc(level::Column::LocationId)
                .all(db)
                .await?,
        );
    }
    Ok(out)
}

fn level_filter(filter: &ListInventoryLevels) -> Condition {
    let mut cond = Condition::all();
    if !filter.ids.is_empty() {
        cond = cond.add(level::Column::Id.is_in(filter.ids.iter().map(|i| i.as_str().to_owned())));
    }
    if !filter.item_ids.is_empty() {
        cond = cond.add(
            level::Column::InventoryItemId
                .is_in(filter.item_ids.iter().map(|i| i.as_str().to_owned())),
        );
    }
    if !filter.location_ids.is_empty() {
        cond = cond.add(level::Column::LocationId.is_in(filter.location_ids.iter().cloned()));
    }
    cond
}

/// One page of levels (oldest first) and the number matching the filters.
pub async fn list_levels<C: ConnectionTrait>(
    db: &C,
    filter: &ListInventoryLevels,
) -> Result<(Vec<level::Model>, u64), sea_orm::DbErr> {
    let count = level::Entity::find()
        .filter(level_filter(filter))
        .count(db)
        .await?;
    let rows = level::Entity::find()
        .filter(level_filter(filter))
        .order_by_asc(level::Column::CreatedAt)
        .order_by_asc(level::Column::Id)
        .offset(filter.offset)
        .limit(filter.limit)
        .all(db)
        .await?;
    Ok((rows, count))
}

/// Inserts a new level; the unique (item, location) index refuses a second one.
pub async fn insert_level<C: ConnectionTrait>(
    db: &C,
    row: level::Model,
) -> Result<(), sea_orm::DbErr> {
    let am = level::ActiveModel {
        id: Set(row.id),
        inventory_item_id: Set(row.inventory_item_id),
        location_id: Set(row.location_id),
        stocked_quantity: Set(row.stocked_quantity),
        reserved_quantity: Set(0),
        incoming_quantity: Set(row.incoming_quantity),
        metadata: Set(row.metadata),
        created_at: Set(row.created_at),
        updated_at: Set(row.updated_at),
    };
    level::Entity::insert(am).exec_without_returning(db).await?;
    Ok(())
}

/// Sets the stocked and/or incoming quantity of a level (never `reserved_quantity`); `false`
/// when the level does not exist.
pub async fn set_level_quantities<C: ConnectionTrait>(
    db: &C,
    item_id: &str,
    location_id: &str,
    stocked: Option<i64>,
    incoming: Option<i64>,
    at: DateTime<Utc>,
) -> Result<bool, sea_orm::DbErr> {
    let mut q = level_update(item_id, location_id, at);
    if let Some(n) = stocked {
        q.value(level::Column::StockedQuantity, n);
    }
    if let Some(n) = incoming {
        q.value(level::Column::IncomingQuantity, n);
    }
    medusa_db::expect_one_row(&db.execute(&q).await?)
}

/// Creates the level, or sets the stocked quantity of the existing one. `reserved_quantity`
/// of an existing level is never written here.
pub async fn upsert_level_stock<C: ConnectionTrait>(
    db: &C,
    row: level::Model,
) -> Result<(), sea_orm::DbErr> {
    let am = level::ActiveModel {
        id: Set(row.id),
        inventory_item_id: Set(row.inventory_item_id),
        location_id: Set(row.location_id),
        stocked_quantity: Set(row.stocked_quantity),
        reserved_quantity: Set(0),
        incoming_quantity: Set(row.incoming_quantity),
        metadata: Set(row.metadata),
        created_at: Set(row.created_at),
        updated_at: Set(row.updated_at),
    };
    level::Entity::insert(am)
        .on_conflict(
            OnConflict::columns([level::Column::InventoryItemId, level::Column::LocationId])
                .update_columns([level::Column::StockedQuantity, level::Column::UpdatedAt])
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    Ok(())
}

fn level_update(
    item_id: &str,
    location_id: &str,
    at: DateTime<Utc>,
) -> sea_orm::sea_query::UpdateStatement {
    Query::update()
        .table(level::Entity)
        .value(level::Column::UpdatedAt, at)
        .and_where(level::Column::InventoryItemId.eq(item_id))
        .and_where(level::Column::LocationId.eq(location_id))
        .to_owned()
}

/// `stocked_quantity += delta`; `false` when the level does not exist.
pub async fn adjust_stocked<C: ConnectionTrait>(
    db: &C,
    item_id: &str,
    location_id: &str,
    delta: i64,
    at: DateTime<Utc>,
) -> Result<bool, sea_orm::DbErr> {
    let q = level_update(item_id, location_id, at)
        .value(
            level::Column::StockedQuantity,
            Expr::col(level::Column::StockedQuantity).add(delta),
        )
        .to_owned();
    medusa_db::expect_one_row(&db.execute(&q).await?)
}

/// The guarded reservation: `reserved_quantity += total` if `stocked - reserved >= guarded`
/// (no guard when `guarded` is 0, i.e. every line allows backorders). `false` when the level
/// is missing or the guard failed.
pub async fn add_reserved<C: ConnectionTrait>(
    db: &C,
    item_id: &str,
    location_id: &str,
    total: i64,
    guarded: i64,
    at: DateTime<Utc>,
) -> Result<bool, sea_orm::DbErr> {
    let mut q = level_update(item_id, location_id, at)
        .value(
            level::Column::ReservedQuantity,
            Expr::col(level::Column::ReservedQuantity).add(total),
        )
        .to_owned();
    if guarded > 0 {
        q.and_where(
            Expr::col(level::Column::StockedQuantity)
                .sub(Expr::col(level::Column::ReservedQuantity))
                .gte(guarded),
        );
    }
    medusa_db::expect_one_row(&db.execute(&q).await?)
}

/// `stocked_quantity -= stocked` and `reserved_quantity -= reserved` in one statement (stock
/// leaving with a fulfilment, or `stocked = 0` when only releasing).
pub async fn subtract_quantities<C: ConnectionTrait>(
    db: &C,
    item_id: &str,
    location_id: &str,
    stocked: i64,
    reserved: i64,
    at: DateTime<Utc>,
) -> Result<bool, sea_orm::DbErr> {
    let mut q = level_update(item_id, location_id, at);
    if stocked != 0 {
        q.value(
            level::Column::StockedQuantity,
            Expr::col(level::Column::StockedQuantity).sub(stocked),
        );
    }
    if reserved != 0 {
        q.value(
            level::Column::ReservedQuantity,
            Expr::col(level::Column::ReservedQuantity).sub(reserved),
        );
    }
    medusa_db::expect_one_row(&db.execute(&q).await?)
}

/// Deletes the level if nothing is reserved at it; `false` otherwise or when it is missing.
pub async fn delete_level_if_unreserved<C: ConnectionTrait>(
    db: &C,
    item_id: &str,
    location_id: &str,
) -> Result<bool, sea_orm::DbErr> {
    let r = level::Entity::delete_many()
        .filter(level::Column::InventoryItemId.eq(item_id))
        .filter(level::Column::LocationId.eq(location_id))
        .filter(level::Column::ReservedQuantity.eq(0))
        .exec(db)
        .await?;
    Ok(r.rows_affected == 1)
}

/// Deletes the item's levels that have nothing reserved; returns how many levels are left.
pub async fn delete_unreserved_levels_of_item<C: ConnectionTrait>(
    db: &C,
    item_id: &str,
) -> Result<u64, sea_orm::DbErr> {
    level::Entity::delete_many()
        .filter(level::Column::InventoryItemId.eq(item_id))
        .filter(level::Column::ReservedQuantity.eq(0))
        .exec(db)
        .await?;
    level::Entity::find()
        .filter(level::Column::InventoryItemId.eq(item_id))
        .count(db)
        .await
}

// ---------------------------------------------------------------------------------------------
// Reservations

pub async fn insert_reservations<C: ConnectionTrait>(
    db: &C,
    rows: Vec<reservation::Model>,
) -> Result<(), sea_orm::DbErr> {
    if rows.is_empty() {
        return Ok(());
    }
    let ams = rows.into_iter().map(|row| reservation::ActiveModel {
        id: Set(row.id),
        line_item_id: Set(row.line_item_id),
        inventory_item_id: Set(row.inventory_item_id),
        location_id: Set(row.location_id),
        quantity: Set(row.quantity),
        allow_backorder: Set(row.allow_backorder),
        external_id: Set(row.external_id),
        description: Set(row.description),
        created_by: Set(row.created_by),
        metadata: Set(row.metadata),
        created_at: Set(row.created_at),
        updated_at: Set(row.updated_at),
    });
    reservation::Entity::insert_many(ams)
        .exec_without_returning(db)
        .await?;
    Ok(())
}

/// The reservations matching `cond`, oldest first; with `lock`, row-locked on PostgreSQL in
/// that order (on SQLite `medusa_db::begin_write` already holds the write lock).
async fn reservations_where<C: ConnectionTrait>(
    db: &C,
    cond: Condition,
    lock: bool,
) -> Result<Vec<reservation::Model>, sea_orm::DbErr> {
    let select = reservation::Entity::find()
        .filter(cond)
        .order_by_asc(reservation::Column::CreatedAt)
        .order_by_asc(reservation::Column::Id);
    if lock {
        medusa_db::for_update(db.get_database_backend(), select)
            .all(db)
            .await
    } else {
        select.all(db).await
    }
}

pub async fn reservations_of_line_items<C: ConnectionTrait>(
    db: &C,
    line_item_ids: &[String],
    lock: bool,
) -> Result<Vec<reservation::Model>, sea_orm::DbErr> {
    let mut out = Vec::new();
    for chunk in line_item_ids.chunks(MAX_IDS_PER_QUERY) {
        let cond =
            Condition::all().add(reservation::Column::LineItemId.is_in(chunk.iter().cloned()));
        out.extend(reservations_where(db, cond, lock).await?);
    }
    Ok(out)
}

pub async fn reservations_by_ids<C: ConnectionTrait>(
    db: &C,
    ids: &[String],
    lock: bool,
) -> Result<Vec<reservation::Model>, sea_orm::DbErr> {
    let mut out = Vec::new();
    for chunk in ids.chunks(MAX_IDS_PER_QUERY) {
        let cond = Condition::all().add(reservation::Column::Id.is_in(chunk.iter().cloned()));
        out.extend(reservations_where(db, cond, lock).await?);
    }
    Ok(out)
}

pub async fn delete_reservations<C: ConnectionTrait>(
    db: &C,
    ids: &[String],
) -> Result<(), sea_orm::DbErr> {
    for chunk in ids.chunks(MAX_IDS_PER_QUERY) {
        reservation::Entity::delete_many()
            .filter(reservation::Column::Id.is_in(chunk.iter().cloned()))
            .exec(db)
            .await?;
    }
    Ok(())
}

pub async fn set_reservation_quantity<C: ConnectionTrait>(
    db: &C,
    id: &str,
    quantity: i64,
    at: DateTime<Utc>,
) -> Result<(), sea_orm::DbErr> {
    reservation::Entity::update_many()
        .col_expr(reservation::Column::Quantity, Expr::val(quantity))
        .col_expr(reservation::Column::UpdatedAt, at.into())
        .filter(reservation::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

fn reservation_filter(filter: &ListReservations) -> Condition {
    let mut cond = Condition::all();
    if !filter.ids.is_empty() {
        cond = cond
            .add(reservation::Column::Id.is_in(filter.ids.iter().map(|i| i.as_str().to_owned())));
    }
    if !filter.location_ids.is_empty() {
        cond = cond.add(reservation::Column::LocationId.is_in(filter.location_ids.iter().cloned()));
    }
    if !filter.inventory_item_ids.is_empty() {
        cond = cond.add(
            reservation::Column::InventoryItemId.is_in(
                filter
                    .inventory_item_ids
                    .iter()
                    .map(|i| i.as_str().to_owned()),
            ),
        );
    }
    if !filter.line_item_ids.is_empty() {
        cond =
            cond.add(reservation::Column::LineItemId.is_in(filter.line_item_ids.iter().cloned()));
    }
    if !filter.created_by.is_empty() {
        cond = cond.add(reservation::Column::CreatedBy.is_in(filter.created_by.iter().cloned()));
    }
    cond
}

/// One page of reservations (oldest first) and the number matching the filters.
pub async fn list_reservations<C: ConnectionTrait>(
    db: &C,
    filter: &ListReservations,
) -> Result<(Vec<reservation::Model>, u64), sea_orm::DbErr> {
    let count = reservation::Entity::find()
        .filter(reservation_filter(filter))
        .count(db)
        .await?;
    let rows = reservation::Entity::find()
        .filter(reservation_filter(filter))
        .order_by_asc(reservation::Column::CreatedAt)
        .order_by_asc(reservation::Column::Id)
        .offset(filter.offset)
        .limit(filter.limit)
        .all(db)
        .await?;
    Ok((rows, count))
}

/// Writes the location, quantity, description and metadata of a reservation.
pub async fn update_reservation<C: ConnectionTrait>(
    db: &C,
    row: &reservation::Model,
) -> Result<(), sea_orm::DbErr> {
    reservation::Entity::update_many()
        .col_expr(
            reservation::Column::LocationId,
            Expr::val(row.location_id.clone()),
        )
        .col_expr(reservation::Column::Quantity, Expr::val(row.quantity))
        .col_expr(
            reservation::Column::Description,
            Expr::val(row.description.clone()),
        )
        .col_expr(
            reservation::Column::Metadata,
            Expr::val(row.metadata.clone()),
        )
        .col_expr(reservation::Column::UpdatedAt, row.updated_at.into())
        .filter(reservation::Column::Id.eq(row.id.as_str()))
        .exec(db)
        .await?;
    Ok(())
}
