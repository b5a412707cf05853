//! Shipping options as the store sees them: the JSON of `GET /store/shipping-options?cart_id=`
//! and `POST /store/shipping-options/:id/calculate` (golden 13), built from the fulfillment
//! module's [`AvailableShippingOption`] and the stock locations they ship from.

use std::collections::HashMap;

use medusa_core::Error;
use medusa_core::fields::Shape;
use medusa_core::time::to_js;
use medusa_fulfillment::{
    AvailableShippingOption, FulfillmentSet, GeoZone, ServiceZone, ShippingOption,
    ShippingOptionPrice, ShippingOptionRule, ShippingProfile,
};
use medusa_stock_location::{
    ListStockLocations, StockLocation, StockLocationAddress, StockLocationId, StockLocationService,
};
use serde_json::{Value, json};

use crate::error::ApiResult;
use crate::state::State;

/// How the caller knows the price and stock situation of each option.
#[derive(Debug, Clone, Copy, Default)]
pub struct OptionFlags {
    /// The price preference of the cart's region/currency (Medusa's `is_tax_inclusive`).
    pub tax_inclusive: bool,
    /// Medusa sets this for pickup options whose location lacks stock for the cart's items.
    pub insufficient_inventory: bool,
}

/// The stock locations the options ship from, in one query.
pub async fn locations_of(
    state: &State,
    options: &[AvailableShippingOption],
) -> ApiResult<HashMap<String, StockLocation>> {
    let ids: Vec<StockLocationId> = options
        .iter()
        .filter_map(|o| StockLocationId::parse(&o.stock_location_id).ok())
        .collect();
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let service = state
        .registry
        .get::<dyn StockLocationService>()
        .map_err(Error::internal)?;
    let filter = ListStockLocations {
        limit: ids.len() as u64,
        ids,
        ..Default::default()
    };
    let (locations, _) = service.list(&filter).await?;
    Ok(locations
        .into_iter()
        .map(|l| (l.id.as_str().to_owned(), l))
        .collect())
}

/// Every option with its location, as the store lists them.
pub async fn render_store_options(
    state: &State,
    options: &[AvailableShippingOption],
    flags: OptionFlags,
) -> ApiResult<Vec<Value>> {
    let locations = locations_of(state, options).await?;
    Ok(options
        .iter()
        .map(|o| render_store_option(o, locations.get(&o.stock_location_id), flags))
        .collect())
}

fn address_json(a: &StockLocationAddress) -> Value {
    json!({
        "id": a.id,
        "address_1": a.address_1,
        "address_2": a.address_2,
        "company": a.company,
        "city": a.city,
        "country_code": a.country_code,
        "phone": a.phone,
        "province": a.province,
        "postal_code": a.postal_code,
        "metadata": a.metadata,
        "created_at": to_js(&a.created_at),
        "updated_at": to_js(&a.updated_at),
        "deleted_at": a.deleted_at.as_ref().map(to_js),
    })
}

/// A price as Medusa's pricing module returns it inside `prices` (a `region_id` price carries
/// its rule).
pub fn price_json(p: &ShippingOptionPrice, price_set_id: &str) -> Value {
    let rules: Vec<Value> = match (&p.region_id, &p.price_rule_id) {
        (Some(region), Some(rule)) => vec![json!({
            "id": rule,
            "attribute": "region_id",
            "value": region,
            "operator": "eq",
            "priority": 0,
            "price_id": p.id,
            "created_at": to_js(&p.stamps.created_at),
            "updated_at": to_js(&p.stamps.updated_at),
            "deleted_at": null,
        })],
        _ => Vec::new(),
    };
    json!({
        "id": p.id,
        "title": null,
        "currency_code": p.currency_code,
        "rules_count": rules.len(),
        "price_set_id": price_set_id,
        "price_list_id": null,
        "price_list": null,
        "raw_amount": p.amount.raw(),
        "raw_min_quantity": null,
        "raw_max_quantity": null,
        "created_at": to_js(&p.stamps.created_at),
        "updated_at": to_js(&p.stamps.updated_at),
        "deleted_at": p.stamps.deleted_at.as_ref().map(to_js),
        "price_rules": rules,
        "amount": p.amount,
        "min_quantity": null,
        "max_quantity": null,
    })
}

/// Medusa's `calculated_price` of a shipping option (no price lists apply to shipping).
pub fn calculated_price_json(
    p: &ShippingOptionPrice,
    price_set_id: &str,
    tax_inclusive: bool,
) -> Value {
    let price_ref = json!({
        "id": p.id,
        "price_list_id": null,
        "price_list_type": null,
        "min_quantity": null,
        "max_quantity": null,
    });
    json!({
        "id": price_set_id,
        "is_calculated_price_price_list": false,
        "is_calculated_price_tax_inclusive": tax_inclusive,
        "calculated_amount": p.amount,
        "raw_calculated_amount": p.amount.raw(),
        "is_original_price_price_list": false,
        "is_original_price_tax_inclusive": tax_inclusive,
        "original_amount": p.amount,
        "raw_original_amount": p.amount.raw(),
        "currency_code": p.currency_code,
        "calculated_price": price_ref,
        "original_price": price_ref,
    })
}

/// One store shipping option, key for key as golden 13.
pub fn render_store_option(
    o: &AvailableShippingOption,
    location: Option<&StockLocation>,
    flags: OptionFlags,
) -> Value {
    let opt = &o.option;
    let price_set = opt.price_set_id.as_str();
    let location_json = json!({
        "id": o.stock_location_id,
        "address": location.and_then(|l| l.address.as_ref()).map(address_json),
    });
    let rules: Vec<Value> = opt
        .rules
        .iter()
        .map(|r| json!({"attribute": r.attribute, "value": r.value, "operator": r.operator}))
        .collect();
    json!({
        "id": opt.id,
        "name": opt.name,
        "price_type": opt.price_type,
        "service_zone_id": opt.service_zone_id,
        "shipping_profile_id": opt.shipping_profile_id,
        "provider_id": opt.provider_id,
        "data": opt.data,
        "service_zone": {
            "fulfillment_set_id": o.fulfillment_set_id,
            "id": opt.service_zone_id,
            "fulfillment_set": {
                "type": o.fulfillment_set_type,
                "id": o.fulfillment_set_id,
                "location": location_json,
            },
        },
        "type": {
            "id": opt.option_type.id,
            "label": opt.option_type.label,
            "description": opt.option_type.description,
            "code": opt.option_type.code,
        },
        "provider": {"id": opt.provider_id, "is_enabled": true},
        "rules": rules,
        "calculated_price": calculated_price_json(&o.price, price_set, flags.tax_inclusive),
        "prices": opt.prices.iter().map(|p| price_json(p, price_set)).collect::<Vec<_>>(),
        "amount": o.price.amount,
        "is_tax_inclusive": flags.tax_inclusive,
        "insufficient_inventory": flags.insufficient_inventory,
    })
}

// ---- the admin's view of the fulfillment module's entities

pub static PRICE_SHAPE: Shape = Shape {
    relations: &[("price_rules", &Shape::LEAF)],
};
pub static OPTION_SHAPE: Shape = Shape {
    relations: &[
        ("rules", &Shape::LEAF),
        ("type", &Shape::LEAF),
        ("prices", &PRICE_SHAPE),
        ("service_zone", &Shape::LEAF),
        ("shipping_profile", &Shape::LEAF),
        ("provider", &Shape::LEAF),
    ],
};
pub static ZONE_SHAPE: Shape = Shape {
    relations: &[
        ("geo_zones", &Shape::LEAF),
        ("shipping_options", &OPTION_SHAPE),
    ],
};
pub static SET_SHAPE: Shape = Shape {
    relations: &[("service_zones", &ZONE_SHAPE)],
};

fn ts_opt(t: &Option<chrono::DateTime<chrono::Utc>>) -> Value {
    t.as_ref()
        .map(|t| Value::String(to_js(t)))
        .unwrap_or(Value::Null)
}

pub fn profile_json(p: &ShippingProfile) -> Value {
    json!({
        "id": p.id,
        "name": p.name,
        "type": p.profile_type,
        "metadata": p.metadata,
        "created_at": to_js(&p.stamps.created_at),
        "updated_at": to_js(&p.stamps.updated_at),
        "deleted_at": ts_opt(&p.stamps.deleted_at),
    })
}

pub fn geo_zone_json(g: &GeoZone) -> Value {
    json!({
        "id": g.id,
        "type": g.zone_type.as_str(),
        "country_code": g.country_code,
        "province_code": g.province_code,
        "city": g.city,
        "postal_expression": g.postal_expression,
        "service_zone_id": g.service_zone_id,
        "metadata": g.metadata,
        "created_at": to_js(&g.stamps.created_at),
        "updated_at": to_js(&g.stamps.updated_at),
        "deleted_at": ts_opt(&g.stamps.deleted_at),
    })
}

/// A service zone with its geo zones and, when given, its shipping options.
pub fn service_zone_json(z: &ServiceZone, options: Option<&[Value]>) -> Value {
    let mut v = json!({
        "id": z.id,
        "name": z.name,
        "fulfillment_set_id": z.fulfillment_set_id,
        "metadata": z.metadata,
        "created_at": to_js(&z.stamps.created_at),
        "updated_at": to_js(&z.stamps.updated_at),
        "deleted_at": ts_opt(&z.stamps.deleted_at),
        "geo_zones": z.geo_zones.iter().map(geo_zone_json).collect::<Vec<_>>(),
    });
    if let Some(o) = options {
        v["shipping_options"] = Value::Array(o.to_vec());
    }
    v
}

/// A fulfillment set with its zones; `options` maps a zone id to its rendered options.
pub fn fulfillment_set_json(s: &FulfillmentSet, options: &HashMap<String, Vec<Value>>) -> Value {
    json!({
        "id": s.id,
        "name": s.name,
        "type": s.set_type,
        "metadata": s.metadata,
        "created_at": to_js(&s.stamps.created_at),
        "updated_at": to_js(&s.stamps.updated_at),
        "deleted_at": ts_opt(&s.stamps.deleted_at),
        "service_zones": s.service_zones.iter().map(|z| {
            service_zone_json(z, Some(options.get(z.id.as_str()).map(Vec::as_slice).unwrap_or(&[])))
        }).collect::<Vec<_>>(),
    })
}

pub fn rule_json(r: &ShippingOptionRule) -> Value {
    json!({
        "id": r.id,
        "attribute": r.attribute,
        "operator": r.operator,
        "value": r.value,
        "shipping_option_id": r.shipping_option_id,
        "created_at": to_js(&r.stamps.created_at),
        "updated_at": to_js(&r.stamps.updated_at),
        "deleted_at": ts_opt(&r.stamps.deleted_at),
    })
}

/// A shipping option as the admin routes return it, with whichever of its zone and profile
/// the caller loaded.
pub fn admin_option_json(
    o: &ShippingOption,
    zone: Option<&ServiceZone>,
    profile: Option<&ShippingProfile>,
) -> Value {
    let t = &o.option_type;
    json!({
        "id": o.id,
        "name": o.name,
        "price_type": o.price_type,
        "service_zone_id": o.service_zone_id,
        "shipping_profile_id": o.shipping_profile_id,
        "provider_id": o.provider_id,
        "shipping_option_type_id": t.id,
        "data": o.data,
        "metadata": o.metadata,
        "created_at": to_js(&o.stamps.created_at),
        "updated_at": to_js(&o.stamps.updated_at),
        "deleted_at": ts_opt(&o.stamps.deleted_at),
        "rules": o.rules.iter().map(rule_json).collect::<Vec<_>>(),
        "type": {
            "id": t.id,
            "label": t.label,
            "description": t.description,
            "code": t.code,
            "created_at": to_js(&t.stamps.created_at),
            "updated_at": to_js(&t.stamps.updated_at),
            "deleted_at": ts_opt(&t.stamps.deleted_at),
        },
        "prices": o.prices.iter().map(|p| price_json(p, o.price_set_id.as_str())).collect::<Vec<_>>(),
        "service_zone": zone.map(|z| {
            let mut v = service_zone_json(z, None);
            if let Some(m) = v.as_object_mut() {
                m.remove("geo_zones");
            }
            v
        }),
        "shipping_profile": profile.map(profile_json),
        "provider": {"id": o.provider_id, "is_enabled": true},
    })
}

/// Options rendered for the admin with their zones and profiles (two extra queries).
pub async fn admin_options_json(
    service: &dyn medusa_fulfillment::FulfillmentService,
    options: &[ShippingOption],
) -> ApiResult<Vec<Value>> {
    let mut zone_ids: Vec<String> = options
        .iter()
        .map(|o| o.service_zone_id.to_string())
        .collect();
    zone_ids.sort();
    zone_ids.dedup();
    let mut profile_ids: Vec<String> = options
        .iter()
        .map(|o| o.shipping_profile_id.to_string())
        .collect();
    profile_ids.sort();
    profile_ids.dedup();
    let zones: HashMap<String, ServiceZone> = service
        .service_zones(&zone_ids)
        .await?
        .into_iter()
        .map(|z| (z.id.to_string(), z))
        .collect();
    let profiles: HashMap<String, ShippingProfile> = service
        .shipping_profiles(&profile_ids)
        .await?
        .into_iter()
        .map(|p| (p.id.to_string(), p))
        .collect();
    Ok(options
        .iter()
        .map(|o| {
            admin_option_json(
                o,
                zones.get(o.service_zone_id.as_str()),
                profiles.get(o.shipping_profile_id.as_str()),
            )
        })
        .collect())
}
