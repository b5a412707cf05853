//! The only file that queries this module's tables. Every read takes a set of ids, so callers
//! load a page of anything in a fixed number of statements.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, Func, LikeExpr, OnConflict, SimpleExpr};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, IntoActiveModel,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};

use crate::entity::{
    fulfillment_set as fset, geo_zone as geo, location_fulfillment_provider as lprov,
    location_fulfillment_set as lset, product_shipping_profile as pprof, service_zone as zone,
    shipping_option as opt, shipping_option_price as price, shipping_option_rule as rule,
    shipping_option_type as otype, shipping_profile as profile,
};
use crate::model::{ShippingOptionFilter, ShippingProfileFilter};

type R<T> = Result<T, sea_orm::DbErr>;

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

// ---- shipping profiles

pub async fn insert_profile<C: ConnectionTrait>(db: &C, row: profile::Model) -> R<()> {
    profile::Entity::insert(row.into_active_model())
        .exec_without_returning(db)
        .await?;
    Ok(())
}

pub async fn update_profile<C: ConnectionTrait>(db: &C, row: profile::Model) -> R<()> {
    profile::Entity::update(row.into_active_model().reset_all())
        .exec(db)
        .await?;
    Ok(())
}

pub async fn profiles_by_ids<C: ConnectionTrait>(db: &C, ids: &[String]) -> R<Vec<profile::Model>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    profile::Entity::find()
        .filter(profile::Column::Id.is_in(ids.iter().cloned()))
        .filter(profile::Column::DeletedAt.is_null())
        .order_by_asc(profile::Column::CreatedAt)
        .order_by_asc(profile::Column::Id)
        .all(db)
        .await
}

pub async fn profile_by_name<C: ConnectionTrait>(db: &C, name: &str) -> R<Option<profile::Model>> {
    profile::Entity::find()
        .filter(profile::Column::Name.eq(name))
        .filter(profile::Column::DeletedAt.is_null())
        .one(db)
        .await
}

pub async fn list_profiles<C: ConnectionTrait>(
    db: &C,
    f: &ShippingProfileFilter,
    offset: u64,
    limit: u64,
) -> R<(Vec<profile::Model>, u64)> {
    let mut cond = Condition::all().add(profile::Column::DeletedAt.is_null());
    if !f.ids.is_empty() {
        cond = cond.add(profile::Column::Id.is_in(f.ids.iter().cloned()));
    }
    if let Some(n) = &f.name {
        cond = cond.add(profile::Column::Name.eq(n.as_str()));
    }
    if let Some(t) = &f.profile_type {
        cond = cond.add(profile::Column::Type.eq(t.as_str()));
    }
    if let Some(q) = f.q.as_deref().filter(|q| !q.is_empty()) {
        cond = cond.add(contains_ci(profile::Column::Name, q));
    }
    let count = profile::Entity::find()
        .filter(cond.clone())
        .count(db)
        .await?;
    let rows = profile::Entity::find()
        .filter(cond)
        .order_by_asc(profile::Column::CreatedAt)
        .order_by_asc(profile::Column::Id)
        .offset(offset)
        .limit(limit)
        .all(db)
        .await?;
    Ok((rows, count))
}

pub async fn soft_delete_profile<C: ConnectionTrait>(db: &C, id: &str, at: DateTime<Utc>) -> R<()> {
    profile::Entity::update_many()
        .col_expr(profile::Column::DeletedAt, at.into())
        .filter(profile::Column::Id.eq(id))
        .filter(profile::Column::DeletedAt.is_null())
        .exec(db)
        .await?;
    pprof::Entity::delete_many()
        .filter(pprof::Column::ShippingProfileId.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

pub async fn options_using_profile<C: ConnectionTrait>(db: &C, profile_id: &str) -> R<u64> {
    opt::Entity::find()
        .filter(opt::Column::ShippingProfileId.eq(profile_id))
        .filter(opt::Column::DeletedAt.is_null())
        .count(db)
        .await
}

pub async fn set_product_profiles<C: ConnectionTrait>(
    db: &C,
    product_ids: &[String],
    profile_id: &str,
) -> R<()> {
    if product_ids.is_empty() {
        return Ok(());
    }
    let rows = product_ids.iter().map(|p| {
        pprof::Model {
            product_id: p.clone(),
            shipping_profile_id: profile_id.to_owned(),
        }
        .into_active_model()
    });
    pprof::Entity::insert_many(rows)
        .on_conflict(
            OnConflict::column(pprof::Column::ProductId)
                .update_column(pprof::Column::ShippingProfileId)
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    Ok(())
}

pub async fn product_profiles<C: ConnectionTrait>(
    db: &C,
    product_ids: &[String],
) -> R<Vec<pprof::Model>> {
    if product_ids.is_empty() {
        return Ok(Vec::new());
    }
    pprof::Entity::find()
        .filter(pprof::Column::ProductId.is_in(product_ids.iter().cloned()))
        .all(db)
        .await
}

// ---- fulfillment sets, zones

pub async fn insert_set<C: ConnectionTrait>(db: &C, row: fset::Model, location_id: &str) -> R<()> {
    let set_id = row.id.clone();
    fset::Entity::insert(row.into_active_model())
        .exec_without_returning(db)
        .await?;
    lset::Entity::insert(
        lset::Model {
            stock_location_id: location_id.to_owned(),
            fulfillment_set_id: set_id,
        }
        .into_active_model(),
    )
    .exec_without_returning(db)
    .await?;
    Ok(())
}

pub async fn set_by_name<C: ConnectionTrait>(db: &C, name: &str) -> R<Option<fset::Model>> {
    fset::Entity::find()
        .filter(fset::Column::Name.eq(name))
        .filter(fset::Column::DeletedAt.is_null())
        .one(db)
        .await
}

pub async fn sets_by_ids<C: ConnectionTrait>(db: &C, ids: &[String]) -> R<Vec<fset::Model>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    fset::Entity::find()
        .filter(fset::Column::Id.is_in(ids.iter().cloned()))
        .filter(fset::Column::DeletedAt.is_null())
        .order_by_asc(fset::Column::CreatedAt)
        .order_by_asc(fset::Column::Id)
        .all(db)
        .await
}

/// `(location id, set id)` links of the sets.
pub async fn set_locations<C: ConnectionTrait>(db: &C, set_ids: &[String]) -> R<Vec<lset::Model>> {
    if set_ids.is_empty() {
        return Ok(Vec::new());
    }
    lset::Entity::find()
        .filter(lset::Column::FulfillmentSetId.is_in(set_ids.iter().cloned()))
        .all(db)
        .await
}

/// `(location id, set id)` links of the locations.
pub async fn location_sets<C: ConnectionTrait>(
    db: &C,
    location_ids: &[String],
) -> R<Vec<lset::Model>> {
    if location_ids.is_empty() {
        return Ok(Vec::new());
    }
    lset::Entity::find()
        .filter(lset::Column::StockLocationId.is_in(location_ids.iter().cloned()))
        .all(db)
        .await
}

pub async fn soft_delete_set<C: ConnectionTrait>(db: &C, id: &str, at: DateTime<Utc>) -> R<bool> {
    let r = fset::Entity::update_many()
        .col_expr(fset::Column::DeletedAt, at.into())
        .filter(fset::Column::Id.eq(id))
        .filter(fset::Column::DeletedAt.is_null())
        .exec(db)
        .await?;
    lset::Entity::delete_many()
        .filter(lset::Column::FulfillmentSetId.eq(id))
        .exec(db)
        .await?;
    Ok(r.rows_affected == 1)
}

pub async fn insert_zone<C: ConnectionTrait>(db: &C, row: zone::Model) -> R<()> {
    zone::Entity::insert(row.into_active_model())
        .exec_without_returning(db)
        .await?;
    Ok(())
}

pub async fn update_zone<C: ConnectionTrait>(db: &C, row: zone::Model) -> R<()> {
    zone::Entity::update(row.into_active_model().reset_all())
        .exec(db)
        .await?;
    Ok(())
}

pub async fn zone_by_name<C: ConnectionTrait>(db: &C, name: &str) -> R<Option<zone::Model>> {
    zone::Entity::find()
        .filter(zone::Column::Name.eq(name))
        .filter(zone::Column::DeletedAt.is_null())
        .one(db)
        .await
}

pub async fn zones_by_ids<C: ConnectionTrait>(db: &C, ids: &[String]) -> R<Vec<zone::Model>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    zone::Entity::find()
        .filter(zone::Column::Id.is_in(ids.iter().cloned()))
        .filter(zone::Column::DeletedAt.is_null())
        .order_by_asc(zone::Column::CreatedAt)
        .order_by_asc(zone::Column::Id)
        .all(db)
        .await
}

pub async fn zones_of_sets<C: ConnectionTrait>(db: &C, set_ids: &[String]) -> R<Vec<zone::Model>> {
    if set_ids.is_empty() {
        return Ok(Vec::new());
    }
    zone::Entity::find()
        .filter(zone::Column::FulfillmentSetId.is_in(set_ids.iter().cloned()))
        .filter(zone::Column::DeletedAt.is_null())
        .order_by_asc(zone::Column::CreatedAt)
        .order_by_asc(zone::Column::Id)
        .all(db)
        .await
}

/// Soft-deletes zones (and their geo zones and options).
pub async fn soft_delete_zones<C: ConnectionTrait>(
    db: &C,
    zone_ids: &[String],
    at: DateTime<Utc>,
) -> R<()> {
    if zone_ids.is_empty() {
        return Ok(());
    }
    zone::Entity::update_many()
        .col_expr(zone::Column::DeletedAt, at.into())
        .filter(zone::Column::Id.is_in(zone_ids.iter().cloned()))
        .filter(zone::Column::DeletedAt.is_null())
        .exec(db)
        .await?;
    geo::Entity::update_many()
        .col_expr(geo::Column::DeletedAt, at.into())
        .filter(geo::Column::ServiceZoneId.is_in(zone_ids.iter().cloned()))
        .filter(geo::Column::DeletedAt.is_null())
        .exec(db)
        .await?;
    opt::Entity::update_many()
        .col_expr(opt::Column::DeletedAt, at.into())
        .filter(opt::Column::ServiceZoneId.is_in(zone_ids.iter().cloned()))
        .filter(opt::Column::DeletedAt.is_null())
        .exec(db)
        .await?;
    Ok(())
}

pub async fn insert_geo_zones<C: ConnectionTrait>(db: &C, rows: Vec<geo::Model>) -> R<()> {
    if rows.is_empty() {
        return Ok(());
    }
    geo::Entity::insert_many(rows.into_iter().map(IntoActiveModel::into_active_model))
        .exec_without_returning(db)
        .await?;
    Ok(())
}

pub async fn geo_zones_of<C: ConnectionTrait>(db: &C, zone_ids: &[String]) -> R<Vec<geo::Model>> {
    if zone_ids.is_empty() {
        return Ok(Vec::new());
    }
    geo::Entity::find()
        .filter(geo::Column::ServiceZoneId.is_in(zone_ids.iter().cloned()))
        .filter(geo::Column::DeletedAt.is_null())
        .order_by_asc(geo::Column::CreatedAt)
        .order_by_asc(geo::Column::Id)
        .all(db)
        .await
}

pub async fn delete_geo_zones_of<C: ConnectionTrait>(db: &C, zone_id: &str) -> R<()> {
    geo::Entity::delete_many()
        .filter(geo::Column::ServiceZoneId.eq(zone_id))
        .exec(db)
        .await?;
    Ok(())
}

// ---- providers

pub async fn link_providers<C: ConnectionTrait>(
    db: &C,
    location_id: &str,
    providers: &[String],
) -> R<()> {
    if providers.is_empty() {
        return Ok(());
    }
    let rows = providers.iter().map(|p| {
        lprov::Model {
            stock_location_id: location_id.to_owned(),
            fulfillment_provider_id: p.clone(),
        }
        .into_active_model()
    });
    lprov::Entity::insert_many(rows)
        .on_conflict(
            OnConflict::columns([
                lprov::Column::StockLocationId,
                lprov::Column::FulfillmentProviderId,
            ])
            .do_nothing()
            .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    Ok(())
}

pub async fn unlink_providers<C: ConnectionTrait>(
    db: &C,
    location_id: &str,
    providers: &[String],
) -> R<()> {
    if providers.is_empty() {
        return Ok(());
    }
    lprov::Entity::delete_many()
        .filter(lprov::Column::StockLocationId.eq(location_id))
        .filter(lprov::Column::FulfillmentProviderId.is_in(providers.iter().cloned()))
        .exec(db)
        .await?;
    Ok(())
}

pub async fn location_providers<C: ConnectionTrait>(
    db: &C,
    location_ids: &[String],
) -> R<Vec<lprov::Model>> {
    if location_ids.is_empty() {
        return Ok(Vec::new());
    }
    lprov::Entity::find()
        .filter(lprov::Column::StockLocationId.is_in(location_ids.iter().cloned()))
        .order_by_asc(lprov::Column::FulfillmentProviderId)
        .all(db)
        .await
}

// ---- shipping options

pub async fn insert_option<C: ConnectionTrait>(
    db: &C,
    row: opt::Model,
    option_type: otype::Model,
) -> R<()> {
    otype::Entity::insert(option_type.into_active_model())
        .exec_without_returning(db)
        .await?;
    opt::Entity::insert(row.into_active_model())
        .exec_without_returning(db)
        .await?;
    Ok(())
}

pub async fn update_option<C: ConnectionTrait>(db: &C, row: opt::Model) -> R<()> {
    opt::Entity::update(row.into_active_model().reset_all())
        .exec(db)
        .await?;
    Ok(())
}

pub async fn update_option_type<C: ConnectionTrait>(db: &C, row: otype::Model) -> R<()> {
    otype::Entity::update(row.into_active_model().reset_all())
        .exec(db)
        .await?;
    Ok(())
}

pub async fn options_by_ids<C: ConnectionTrait>(db: &C, ids: &[String]) -> R<Vec<opt::Model>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    opt::Entity::find()
        .filter(opt::Column::Id.is_in(ids.iter().cloned()))
        .filter(opt::Column::DeletedAt.is_null())
        .order_by_asc(opt::Column::CreatedAt)
        .order_by_asc(opt::Column::Id)
        .all(db)
        .await
}

pub async fn options_in_zones<C: ConnectionTrait>(
    db: &C,
    zone_ids: &[String],
) -> R<Vec<opt::Model>> {
    if zone_ids.is_empty() {
        return Ok(Vec::new());
    }
    opt::Entity::find()
        .filter(opt::Column::ServiceZoneId.is_in(zone_ids.iter().cloned()))
        .filter(opt::Column::DeletedAt.is_null())
        .order_by_asc(opt::Column::CreatedAt)
        .order_by_asc(opt::Column::Id)
        .all(db)
        .await
}

/// One page of options; `zone_ids` is the already resolved restriction from fulfillment set
/// or location filters (`None`: no such filter).
pub async fn list_options<C: ConnectionTrait>(
    db: &C,
    f: &ShippingOptionFilter,
    zone_ids: Option<Vec<String>>,
    offset: u64,
    limit: u64,
) -> R<(Vec<opt::Model>, u64)> {
    let mut cond = Condition::all().add(opt::Column::DeletedAt.is_null());
    if !f.ids.is_empty() {
        cond = cond.add(opt::Column::Id.is_in(f.ids.iter().cloned()));
    }
    if !f.service_zone_ids.is_empty() {
        cond = cond.add(opt::Column::ServiceZoneId.is_in(f.service_zone_ids.iter().cloned()));
    }
    if let Some(z) = zone_ids {
        cond = cond.add(opt::Column::ServiceZoneId.is_in(z));
    }
    if !f.shipping_profile_ids.is_empty() {
        cond =
            cond.add(opt::Column::ShippingProfileId.is_in(f.shipping_profile_ids.iter().cloned()));
    }
    if !f.provider_ids.is_empty() {
        cond = cond.add(opt::Column::ProviderId.is_in(f.provider_ids.iter().cloned()));
    }
    if let Some(q) = f.q.as_deref().filter(|q| !q.is_empty()) {
        cond = cond.add(contains_ci(opt::Column::Name, q));
    }
    let count = opt::Entity::find().filter(cond.clone()).count(db).await?;
    let rows = opt::Entity::find()
        .filter(cond)
        .order_by_asc(opt::Column::CreatedAt)
        .order_by_asc(opt::Column::Id)
        .offset(offset)
        .limit(limit)
        .all(db)
        .await?;
    Ok((rows, count))
}

pub async fn soft_delete_option<C: ConnectionTrait>(
    db: &C,
    id: &str,
    at: DateTime<Utc>,
) -> R<bool> {
    let r = opt::Entity::update_many()
        .col_expr(opt::Column::DeletedAt, at.into())
        .filter(opt::Column::Id.eq(id))
        .filter(opt::Column::DeletedAt.is_null())
        .exec(db)
        .await?;
    Ok(r.rows_affected == 1)
}

pub async fn types_by_ids<C: ConnectionTrait>(db: &C, ids: &[String]) -> R<Vec<otype::Model>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    otype::Entity::find()
        .filter(otype::Column::Id.is_in(ids.iter().cloned()))
        .all(db)
        .await
}

pub async fn rules_of<C: ConnectionTrait>(db: &C, option_ids: &[String]) -> R<Vec<rule::Model>> {
    if option_ids.is_empty() {
        return Ok(Vec::new());
    }
    rule::Entity::find()
        .filter(rule::Column::ShippingOptionId.is_in(option_ids.iter().cloned()))
        .filter(rule::Column::DeletedAt.is_null())
        .order_by_asc(rule::Column::CreatedAt)
        .order_by_asc(rule::Column::Id)
        .all(db)
        .await
}

pub async fn insert_rules<C: ConnectionTrait>(db: &C, rows: Vec<rule::Model>) -> R<()> {
    if rows.is_empty() {
        return Ok(());
    }
    rule::Entity::insert_many(rows.into_iter().map(IntoActiveModel::into_active_model))
        .exec_without_returning(db)
        .await?;
    Ok(())
}

pub async fn update_rule<C: ConnectionTrait>(db: &C, row: rule::Model) -> R<()> {
    rule::Entity::update(row.into_active_model().reset_all())
        .exec(db)
        .await?;
    Ok(())
}

pub async fn delete_rules<C: ConnectionTrait>(db: &C, option_id: &str, ids: &[String]) -> R<()> {
    if ids.is_empty() {
        return Ok(());
    }
    rule::Entity::delete_many()
        .filter(rule::Column::ShippingOptionId.eq(option_id))
        .filter(rule::Column::Id.is_in(ids.iter().cloned()))
        .exec(db)
        .await?;
    Ok(())
}

pub async fn delete_all_rules<C: ConnectionTrait>(db: &C, option_id: &str) -> R<()> {
    rule::Entity::delete_many()
        .filter(rule::Column::ShippingOptionId.eq(option_id))
        .exec(db)
        .await?;
    Ok(())
}

pub async fn prices_of<C: ConnectionTrait>(db: &C, option_ids: &[String]) -> R<Vec<price::Model>> {
    if option_ids.is_empty() {
        return Ok(Vec::new());
    }
    price::Entity::find()
        .filter(price::Column::ShippingOptionId.is_in(option_ids.iter().cloned()))
        .filter(price::Column::DeletedAt.is_null())
        .order_by_asc(price::Column::CreatedAt)
        .order_by_asc(price::Column::Id)
        .all(db)
        .await
}

pub async fn replace_prices<C: ConnectionTrait>(
    db: &C,
    option_id: &str,
    rows: Vec<price::Model>,
) -> R<()> {
    price::Entity::delete_many()
        .filter(price::Column::ShippingOptionId.eq(option_id))
        .exec(db)
        .await?;
    if rows.is_empty() {
        return Ok(());
    }
    price::Entity::insert_many(rows.into_iter().map(IntoActiveModel::into_active_model))
        .exec_without_returning(db)
        .await?;
    Ok(())
}
