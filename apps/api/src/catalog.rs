//! Rendering products for the store and admin routes: one flow above the product, pricing,
//! sales-channel, stock-location and inventory modules. Each relation or computed field is
//! loaded for the whole page in one go (a fixed number of statements whatever the page size),
//! and only when `fields` asks for it; the result is projected onto `fields`.

use std::collections::HashMap;

use medusa_core::Error;
use medusa_core::fields::{FieldSpec, Shape};
use medusa_core::id::SalesChannelId;
use medusa_pricing::{PricingContext, PricingService};
use medusa_product::{Product, ProductService, Relations, Want};
use serde_json::{Value, json};

use crate::error::ApiResult;
use crate::state::State;

pub static LEAF: Shape = Shape::LEAF;
pub static OPTION: Shape = Shape {
    relations: &[("values", &LEAF)],
};
pub static VARIANT: Shape = Shape {
    relations: &[
        ("options", &LEAF),
        ("calculated_price", &LEAF),
        ("images", &LEAF),
        ("prices", &LEAF),
        ("product", &LEAF),
    ],
};
pub static PRODUCT: Shape = Shape {
    relations: &[
        ("variants", &VARIANT),
        ("options", &OPTION),
        ("tags", &LEAF),
        ("images", &LEAF),
        ("type", &LEAF),
        ("collection", &LEAF),
        ("categories", &LEAF),
        ("sales_channels", &LEAF),
    ],
};

/// The pricing context of `region_id` (Medusa's message when it does not exist). Regions are
/// read through the `CACHE_TTL` cache.
pub async fn pricing_context(state: &State, region_id: &str) -> ApiResult<PricingContext> {
    let not_found = || {
        Error::invalid_data(format!(
            "Region with id {region_id} not found when populating the pricing context"
        ))
    };
    let region = match state.caches.regions.get(&region_id.to_owned()) {
        Some(cached) => cached,
        None => {
            let id = medusa_core::id::RegionId::parse(region_id).map_err(|_| not_found())?;
            let regions = state
                .registry
                .get::<dyn medusa_region::RegionService>()
                .map_err(Error::internal)?;
            let found = regions.retrieve(&id).await.ok();
            state
                .caches
                .regions
                .insert(region_id.to_owned(), found.clone());
            found
        }
    }
    .ok_or_else(not_found)?;
    Ok(PricingContext {
        currency_code: region.currency_code.clone(),
        region_id: Some(region.id.to_string()),
        customer_group_ids: Vec::new(),
        quantity: None,
        now: state.clock.now(),
    })
}

/// Serves a catalog response from the cache while the catalog (and, when `inventory` is set,
/// stock) is unchanged, else builds it with `build` and caches it. The change counters are read
/// before building, so a response built during a change is tagged with the older counters and
/// is rebuilt by the next request. `key` must hold everything the response depends on: today the
/// path, query and sales channels; once prices depend on the customer (customer-group price
/// lists, carts) their context must join the key.
pub async fn cached<F, Fut>(
    state: &State,
    key: String,
    inventory: bool,
    build: F,
) -> ApiResult<actix_web::HttpResponse>
where
    F: FnOnce() -> Fut,
    Fut: std::future::Future<Output = ApiResult<Value>>,
{
    let json = |bytes: actix_web::web::Bytes| {
        actix_web::HttpResponse::Ok()
            .content_type("application/json; charset=utf-8")
            .body(bytes)
    };
    if state.config.cache_ttl.0.is_zero() {
        let v = build().await?;
        return Ok(json(
            serde_json::to_vec(&v).map_err(Error::internal)?.into(),
        ));
    }
    let scopes: &[&str] = if inventory {
        &[medusa_db::versions::CATALOG, medusa_db::versions::INVENTORY]
    } else {
        &[medusa_db::versions::CATALOG]
    };
    let versions = medusa_db::versions::read(&state.db, scopes).await?;
    if let Some((at, bytes)) = state.caches.responses.get(&key)
        && at == versions
    {
        return Ok(json(bytes));
    }
    let v = build().await?;
    let bytes: actix_web::web::Bytes = serde_json::to_vec(&v).map_err(Error::internal)?.into();
    state
        .caches
        .responses
        .insert(key, (versions, bytes.clone()));
    Ok(json(bytes))
}

/// What Medusa does when a variant with `manage_inventory` is created: an inventory item with the
/// variant's sku and title, linked to the variant (stock is then set per location).
pub async fn create_variant_inventory(
    inventory: &dyn medusa_inventory::InventoryService,
    variant: &medusa_product::Variant,
) -> Result<medusa_inventory::InventoryItemId, medusa_inventory::InventoryError> {
    let item = inventory
        .create_item(medusa_inventory::CreateInventoryItem {
            sku: variant.sku.clone(),
            title: Some(variant.title.clone()),
            requires_shipping: Some(true),
            ..Default::default()
        })
        .await?;
    inventory.link_variant(&variant.id, &item.id, 1).await?;
    Ok(item.id)
}

/// A variant's `options`: each value with its `option`, as Medusa nests them.
pub fn variant_options_json(values: Option<&Vec<medusa_product::VariantOptionValue>>) -> Value {
    Value::Array(
        values
            .map(Vec::as_slice)
            .unwrap_or_default()
            .iter()
            .map(|vo| {
                let mut ov = serde_json::to_value(&vo.value).unwrap_or(Value::Null);
                ov["option"] = serde_json::to_value(&vo.option).unwrap_or(Value::Null);
                ov
            })
            .collect(),
    )
}

/// What a rendering computes besides the stored columns.
#[derive(Default)]
pub struct RenderOptions {
    /// Prices are calculated (`variants.calculated_price`) in this context.
    pub pricing: Option<PricingContext>,
    /// Sales channels whose locations count for `variants.inventory_quantity`.
    pub channels: Vec<SalesChannelId>,
    /// Admin: stored prices (`variants.prices`) and `sales_channels` objects are available.
    pub admin: bool,
}

pub fn want(spec: &FieldSpec) -> Want {
    Want {
        variants: spec.requests("variants"),
        variant_options: spec.requests("variants.options"),
        variant_images: spec.requests("variants.images"),
        options: spec.requests("options"),
        images: spec.requests("images"),
        tags: spec.requests("tags"),
        product_type: spec.requests("type"),
        collection: spec.requests("collection"),
        categories: spec.requests("categories"),
        sales_channels: spec.requests("sales_channels"),
    }
}

/// Builds each product's JSON with the relations and computed fields asked for, then projects.
pub async fn render(
    state: &State,
    products: Vec<Product>,
    mut spec: FieldSpec,
    ctx: &RenderOptions,
) -> ApiResult<Vec<Value>> {
    if ctx.pricing.is_some() {
        // Medusa adds the calculated price whenever a region is known.
        spec.star.insert("variants.calculated_price".into());
    }
    let w = want(&spec);
    let catalog = state
        .registry
        .get::<dyn ProductService>()
        .map_err(Error::internal)?;
    let rel: Relations = catalog.relations(&products, w).await?;
    let variant_ids: Vec<String> = rel
        .variants
        .values()
        .flatten()
        .map(|v| v.id.clone())
        .collect();

    let prices = match (&ctx.pricing, spec.requests("variants.calculated_price")) {
        (Some(pctx), true) if !variant_ids.is_empty() => {
            let pricing = state
                .registry
                .get::<dyn PricingService>()
                .map_err(Error::internal)?;
            pricing.calculate_variant_prices(&variant_ids, pctx).await?
        }
        _ => HashMap::new(),
    };
    let availability = if spec.requests("variants.inventory_quantity") && !variant_ids.is_empty() {
        Some(inventory_quantities(state, &ctx.channels, &variant_ids).await?)
    } else {
        None
    };

    let stored_prices = if ctx.admin && spec.requests("variants.prices") && !variant_ids.is_empty()
    {
        let pricing = state
            .registry
            .get::<dyn PricingService>()
            .map_err(Error::internal)?;
        pricing.variant_prices(&variant_ids).await?
    } else {
        HashMap::new()
    };
    let channels: HashMap<String, Value> = if ctx.admin && w.sales_channels {
        let ids: Vec<SalesChannelId> = rel
            .sales_channels
            .values()
            .flatten()
            .filter_map(|c| SalesChannelId::parse(c).ok())
            .collect();
        let svc = state
            .registry
            .get::<dyn medusa_sales_channel::SalesChannelService>()
            .map_err(Error::internal)?;
        svc.lookup(&ids)
            .await?
            .into_iter()
            .map(|c| {
                let v = json!({
                    "id": c.id,
                    "name": c.name,
                    "description": c.description,
                    "is_disabled": c.is_disabled,
                    "metadata": c.metadata,
                    "created_at": medusa_core::time::to_js(&c.created_at),
                    "updated_at": medusa_core::time::to_js(&c.updated_at),
                    "deleted_at": c.deleted_at.as_ref().map(medusa_core::time::to_js),
                });
                (c.id.to_string(), v)
            })
            .collect()
    } else {
        HashMap::new()
    };
    let selection = spec.selection();
    let mut out = Vec::with_capacity(products.len());
    for p in products {
        let mut v = serde_json::to_value(&p).map_err(Error::internal)?;
        let o = v
            .as_object_mut()
            .ok_or_else(|| Error::internal(anyhow::anyhow!("product is not an object")))?;
        if w.variants || w.variant_options || w.variant_images {
            let variants: Vec<Value> = rel
                .variants
                .get(&p.id)
                .map(Vec::as_slice)
                .unwrap_or_default()
                .iter()
                .map(|variant| {
                    let mut vj = serde_json::to_value(variant).unwrap_or(Value::Null);
                    if w.variant_options {
                        vj["options"] = variant_options_json(rel.variant_options.get(&variant.id));
                    }
                    if w.variant_images {
                        vj["images"] = serde_json::to_value(
                            rel.variant_images
                                .get(&variant.id)
                                .cloned()
                                .unwrap_or_default(),
                        )
                        .unwrap_or(Value::Null);
                    }
                    if ctx.pricing.is_some() {
                        vj["calculated_price"] = prices
                            .get(&variant.id)
                            .map(|c| serde_json::to_value(c).unwrap_or(Value::Null))
                            .unwrap_or(Value::Null);
                    }
                    if ctx.admin && spec.requests("variants.prices") {
                        vj["prices"] = serde_json::to_value(
                            stored_prices.get(&variant.id).cloned().unwrap_or_default(),
                        )
                        .unwrap_or(Value::Null);
                    }
                    if let Some(avail) = &availability {
                        // Only managed variants have a quantity (Medusa leaves others out).
                        if variant.manage_inventory {
                            vj["inventory_quantity"] =
                                json!(avail.get(&variant.id).copied().unwrap_or(0));
                        }
                    }
                    vj
                })
                .collect();
            o.insert("variants".into(), Value::Array(variants));
        }
        if w.options {
            let opts: Vec<Value> = rel
                .options
                .get(&p.id)
                .map(Vec::as_slice)
                .unwrap_or_default()
                .iter()
                .map(|(opt, values)| {
                    let mut oj = serde_json::to_value(opt).unwrap_or(Value::Null);
                    oj["values"] = serde_json::to_value(values).unwrap_or(Value::Null);
                    oj
                })
                .collect();
            o.insert("options".into(), Value::Array(opts));
        }
        if w.images {
            o.insert(
                "images".into(),
                serde_json::to_value(rel.images.get(&p.id).cloned().unwrap_or_default())
                    .map_err(Error::internal)?,
            );
        }
        if w.tags {
            o.insert(
                "tags".into(),
                serde_json::to_value(rel.tags.get(&p.id).cloned().unwrap_or_default())
                    .map_err(Error::internal)?,
            );
        }
        if w.product_type {
            let t = p.type_id.as_ref().and_then(|t| rel.types.get(t));
            o.insert(
                "type".into(),
                serde_json::to_value(t).map_err(Error::internal)?,
            );
        }
        if w.collection {
            let c = p
                .collection_id
                .as_ref()
                .and_then(|c| rel.collections.get(c));
            o.insert(
                "collection".into(),
                serde_json::to_value(c).map_err(Error::internal)?,
            );
        }
        if w.categories {
            // The store never shows inactive or internal categories.
            let cats: Vec<_> = rel
                .categories
                .get(&p.id)
                .map(Vec::as_slice)
                .unwrap_or_default()
                .iter()
                .filter(|c| c.is_active && !c.is_internal)
                .cloned()
                .collect();
            o.insert(
                "categories".into(),
                serde_json::to_value(cats).map_err(Error::internal)?,
            );
        }
        if ctx.admin && w.sales_channels {
            let list: Vec<Value> = rel
                .sales_channels
                .get(&p.id)
                .map(Vec::as_slice)
                .unwrap_or_default()
                .iter()
                .filter_map(|c| channels.get(c).cloned())
                .collect();
            o.insert("sales_channels".into(), Value::Array(list));
        }
        if !ctx.admin {
            o.remove("status");
            o.remove("external_id");
        }
        selection.project(&mut v, &PRODUCT);
        out.push(v);
    }
    Ok(out)
}

/// `inventory_quantity` of each managed variant at the locations of the request's single sales
/// channel (Medusa refuses to compute it for several).
async fn inventory_quantities(
    state: &State,
    channels: &[SalesChannelId],
    variant_ids: &[String],
) -> ApiResult<HashMap<String, i64>> {
    if channels.len() != 1 {
        return Err(Error::invalid_data(
            "Inventory availability cannot be calculated in the given context. Either provide a sales channel id or configure a single sales channel in the publishable key",
        )
        .into());
    }
    let locations = state
        .registry
        .get::<dyn medusa_stock_location::StockLocationService>()
        .map_err(Error::internal)?
        .location_ids_for_sales_channels(channels)
        .await?;
    let location_ids: Vec<String> = locations.iter().map(|l| l.to_string()).collect();
    let inventory = state
        .registry
        .get::<dyn medusa_inventory::InventoryService>()
        .map_err(Error::internal)?;
    Ok(inventory
        .variant_availability(variant_ids, &location_ids)
        .await?)
}
