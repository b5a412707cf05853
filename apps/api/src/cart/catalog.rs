//! The catalog data carts need on every change (a variant's line-item snapshot, its stock
//! flags, the locations serving a sales channel, products to render), kept per process and
//! validated by the change counters of `medusa_db::versions`.
//!
//! A cached value is reused only while the counter it was built under is unchanged, so a
//! catalog or stock change made by any process is seen by the next request (one indexed read
//! of the counters instead of a dozen catalog queries). Entries also expire after `CACHE_TTL`,
//! which bounds how long data outside those scopes (a product's shipping-profile link) can lag.

use std::collections::HashMap;

use medusa_core::Error;
use medusa_pricing::PricingService;
use medusa_pricing::calculate::VariantPriceInputs;
use medusa_product::{Page, ProductFilter, ProductService, Want};
use serde_json::Value;

use crate::error::ApiResult;
use crate::state::State;

/// The change counters a request's cached lookups are checked against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Versions {
    pub catalog: i64,
    pub inventory: i64,
}

tokio::task_local! {
    /// The counters read by the current store request, so its lookups (line-item snapshot,
    /// stock flags, rendering) share one read: the request sees the catalog as of that read.
    static REQUEST_VERSIONS: std::cell::Cell<Option<Versions>>;
}

/// Runs a store request with its own slot for [`versions`] (middleware on `/store`).
pub async fn request_scope(
    req: actix_web::dev::ServiceRequest,
    next: actix_web::middleware::Next<impl actix_web::body::MessageBody>,
) -> Result<actix_web::dev::ServiceResponse<impl actix_web::body::MessageBody>, actix_web::Error> {
    REQUEST_VERSIONS
        .scope(std::cell::Cell::new(None), next.call(req))
        .await
}

/// The counters (one statement, once per request); nothing when caching is off.
pub async fn versions(state: &State) -> ApiResult<Versions> {
    if state.config.cache_ttl.0.is_zero() {
        return Ok(Versions {
            catalog: -1,
            inventory: -1,
        });
    }
    if let Ok(Some(v)) = REQUEST_VERSIONS.try_with(|c| c.get()) {
        return Ok(v);
    }
    let read = medusa_db::versions::read(&state.db, &SCOPES).await?;
    Ok(remember_versions(&read))
}

/// The counters [`Versions`] holds, in the order of its fields.
pub const SCOPES: [&str; 2] = [medusa_db::versions::CATALOG, medusa_db::versions::INVENTORY];

/// Whether this store request will read the counters: caching is on and they are not read yet.
/// A caller loading something anyway can then read them in the same statement
/// ([`remember_versions`]).
pub fn versions_unread(state: &State) -> bool {
    !state.config.cache_ttl.0.is_zero()
        && matches!(REQUEST_VERSIONS.try_with(|c| c.get()), Ok(None))
}

/// Keeps counters read for [`SCOPES`] as this request's (outside a store request, every
/// [`versions`] call reads again).
pub fn remember_versions(read: &[i64]) -> Versions {
    let v = Versions {
        catalog: read.first().copied().unwrap_or(0),
        inventory: read.get(1).copied().unwrap_or(0),
    };
    let _ = REQUEST_VERSIONS.try_with(|c| c.set(Some(v)));
    v
}

/// What a line item copies from the catalog when its variant is added (Medusa's
/// `prepareLineItemData`), plus the variant's stock flags.
#[derive(Debug, Clone)]
pub struct VariantSnapshot {
    pub variant_id: String,
    pub variant_title: String,
    pub variant_sku: Option<String>,
    pub variant_barcode: Option<String>,
    pub thumbnail: Option<String>,
    pub product_id: String,
    pub product_title: String,
    pub product_description: Option<String>,
    pub product_subtitle: Option<String>,
    pub product_handle: String,
    pub product_type: Option<(String, String)>,
    pub product_collection: Option<String>,
    pub option_values: serde_json::Map<String, Value>,
    pub has_shipping_profile: bool,
    pub discountable: bool,
    pub is_giftcard: bool,
    pub flags: StockFlags,
}

/// Whether a variant's stock is checked: managed and not backorderable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StockFlags {
    pub manage_inventory: bool,
    pub allow_backorder: bool,
}

fn catalog(state: &State) -> ApiResult<std::sync::Arc<dyn ProductService>> {
    Ok(state
        .registry
        .get::<dyn ProductService>()
        .map_err(Error::internal)?)
}

/// The snapshot of a variant of a published product in `channel` (`None`: no such variant
/// there).
pub async fn variant_snapshot(
    state: &State,
    v: Versions,
    variant_id: &str,
    channel: Option<&str>,
) -> ApiResult<Option<VariantSnapshot>> {
    let key = (variant_id.to_owned(), channel.map(str::to_owned));
    if let Some((at, found)) = state.caches.cart_variants.get(&key)
        && at == v.catalog
    {
        return Ok(found);
    }
    let found = load_snapshot(state, variant_id, channel).await?;
    if let Some(s) = &found {
        state
            .caches
            .variant_flags
            .insert(s.variant_id.clone(), (v.catalog, s.flags));
    }
    state
        .caches
        .cart_variants
        .insert(key, (v.catalog, found.clone()));
    Ok(found)
}

async fn load_snapshot(
    state: &State,
    variant_id: &str,
    channel: Option<&str>,
) -> ApiResult<Option<VariantSnapshot>> {
    let catalog = catalog(state)?;
    let channels: Option<Vec<String>> = channel.map(|c| vec![c.to_owned()]);
    let page = Page {
        limit: 1,
        offset: 0,
        order: None,
    };
    let (variants, _) = catalog
        .list_variants(
            Some(&[variant_id.to_owned()]),
            None,
            channels.as_deref(),
            &page,
        )
        .await?;
    let Some(variant) = variants.into_iter().next() else {
        return Ok(None);
    };
    let (products, _) = catalog
        .list_products(
            &ProductFilter {
                ids: Some(vec![variant.product_id.clone()]),
                ..Default::default()
            },
            &page,
        )
        .await?;
    let product = products
        .into_iter()
        .next()
        .ok_or_else(|| Error::invalid_data("Variant does not have a product"))?;
    let relations = catalog
        .relations(
            std::slice::from_ref(&product),
            Want {
                product_type: true,
                collection: true,
                ..Default::default()
            },
        )
        .await?;
    let option_values = catalog
        .variant_options(std::slice::from_ref(&variant.id))
        .await?;
    let option_values = option_values
        .get(&variant.id)
        .map(|vs| {
            vs.iter()
                .map(|v| (v.option.title.clone(), v.value.value.clone().into()))
                .collect()
        })
        .unwrap_or_default();
    let has_shipping_profile = super::shipping::product_has_profile(state, &product.id).await?;
    Ok(Some(VariantSnapshot {
        variant_id: variant.id.clone(),
        variant_title: variant.title.clone(),
        variant_sku: variant.sku.clone(),
        variant_barcode: variant.barcode.clone(),
        thumbnail: variant.thumbnail.clone().or(product.thumbnail.clone()),
        product_type: relations
            .types
            .get(&product.id)
            .map(|t| (t.id.clone(), t.value.clone())),
        product_collection: relations
            .collections
            .get(&product.id)
            .map(|c| c.title.clone()),
        product_id: product.id.clone(),
        product_title: product.title.clone(),
        product_description: product.description.clone(),
        product_subtitle: product.subtitle.clone(),
        product_handle: product.handle.clone(),
        option_values,
        has_shipping_profile,
        discountable: product.discountable,
        is_giftcard: product.is_giftcard,
        flags: StockFlags {
            manage_inventory: variant.manage_inventory,
            allow_backorder: variant.allow_backorder,
        },
    }))
}

/// The stock flags of `ids` (unknown variants are absent): cached ones, the rest in one query.
pub async fn stock_flags(
    state: &State,
    v: Versions,
    ids: &[String],
) -> ApiResult<HashMap<String, StockFlags>> {
    let mut out = HashMap::with_capacity(ids.len());
    let mut missing = Vec::new();
    for id in ids {
        match state.caches.variant_flags.get(id) {
            Some((at, flags)) if at == v.catalog => {
                out.insert(id.clone(), flags);
            }
            _ => missing.push(id.clone()),
        }
    }
    if !missing.is_empty() {
        for variant in catalog(state)?.variants_by_id(&missing).await? {
            let flags = StockFlags {
                manage_inventory: variant.manage_inventory,
                allow_backorder: variant.allow_backorder,
            };
            state
                .caches
                .variant_flags
                .insert(variant.id.clone(), (v.catalog, flags));
            out.insert(variant.id, flags);
        }
    }
    Ok(out)
}

/// How many of each of `ids` the `locations` can still sell (`variant_availability`; variants
/// without inventory are absent): cached ones, the rest in one query. Every change to stock
/// levels, reservations and variant <-> item links bumps the inventory counter in its own
/// transaction, so a cached figure is exact while the counter is unchanged.
pub async fn availability(
    state: &State,
    v: Versions,
    ids: &[String],
    locations: &[String],
) -> ApiResult<HashMap<String, i64>> {
    let mut out = HashMap::with_capacity(ids.len());
    let mut missing = Vec::new();
    let key = |id: &String| (id.clone(), locations.to_vec());
    for id in ids {
        match state.caches.availability.get(&key(id)) {
            Some((at, found)) if at == v.inventory => {
                if let Some(n) = found {
                    out.insert(id.clone(), n);
                }
            }
            _ => missing.push(id.clone()),
        }
    }
    if missing.is_empty() {
        return Ok(out);
    }
    let found = state
        .registry
        .get::<dyn medusa_inventory::InventoryService>()
        .map_err(Error::internal)?
        .variant_availability(&missing, locations)
        .await?;
    for id in missing {
        let n = found.get(&id).copied();
        state.caches.availability.insert(key(&id), (v.inventory, n));
        if let Some(n) = n {
            out.insert(id, n);
        }
    }
    Ok(out)
}

/// The stock locations serving `channel`, checked against the inventory counter (which the
/// channel <-> location links bump).
pub async fn channel_locations(
    state: &State,
    v: Versions,
    channel: &str,
) -> ApiResult<Vec<String>> {
    if let Some((at, found)) = state.caches.channel_locations.get(&channel.to_owned())
        && at == v.inventory
    {
        return Ok(found);
    }
    let Ok(id) = medusa_core::id::SalesChannelId::parse(channel) else {
        return Ok(Vec::new());
    };
    let found: Vec<String> = state
        .registry
        .get::<dyn medusa_stock_location::StockLocationService>()
        .map_err(Error::internal)?
        .location_ids_for_sales_channels(&[id])
        .await?
        .iter()
        .map(|l| l.to_string())
        .collect();
    state
        .caches
        .channel_locations
        .insert(channel.to_owned(), (v.inventory, found.clone()));
    Ok(found)
}

/// The stored prices of `ids` in the cart's currency and region (variants without a price set
/// are absent): cached ones, the rest in one pricing call. Prices, price lists and preferences
/// all bump the catalog counter; the customer, quantity and time are applied per request.
pub async fn price_inputs(
    state: &State,
    v: Versions,
    ids: &[String],
    currency: &medusa_core::money::CurrencyCode,
    region: Option<&str>,
) -> ApiResult<HashMap<String, VariantPriceInputs>> {
    let key = |id: &str| {
        (
            id.to_owned(),
            currency.as_str().to_owned(),
            region.map(str::to_owned),
        )
    };
    let mut out = HashMap::with_capacity(ids.len());
    let mut missing = Vec::new();
    for id in ids {
        match state.caches.cart_prices.get(&key(id)) {
            Some((at, found)) if at == v.catalog => {
                if let Some(inputs) = found {
                    out.insert(id.clone(), inputs);
                }
            }
            _ => missing.push(id.clone()),
        }
    }
    if missing.is_empty() {
        return Ok(out);
    }
    let mut loaded = state
        .registry
        .get::<dyn PricingService>()
        .map_err(Error::internal)?
        .price_inputs(&missing, currency, region)
        .await?;
    for id in missing {
        let found = loaded.remove(&id);
        state
            .caches
            .cart_prices
            .insert(key(&id), (v.catalog, found.clone()));
        if let Some(inputs) = found {
            out.insert(id, inputs);
        }
    }
    Ok(out)
}

/// Which of a product's relations a rendering wants.
fn want_key(w: &Want) -> u8 {
    u8::from(w.categories)
        | u8::from(w.tags) << 1
        | u8::from(w.product_type) << 2
        | u8::from(w.collection) << 3
        | u8::from(w.images) << 4
}

/// Products as a cart's items render them (`items.product`), with the relations `want` names,
/// unprojected.
pub async fn products_json(
    state: &State,
    v: Versions,
    ids: &[String],
    want: Want,
) -> ApiResult<HashMap<String, std::sync::Arc<Value>>> {
    let wk = want_key(&want);
    let mut out = HashMap::with_capacity(ids.len());
    let mut missing = Vec::new();
    for id in ids {
        match state.caches.cart_products.get(&(id.clone(), wk)) {
            Some((at, j)) if at == v.catalog => {
                out.insert(id.clone(), j);
            }
            _ => missing.push(id.clone()),
        }
    }
    if missing.is_empty() {
        return Ok(out);
    }
    let catalog = catalog(state)?;
    let page = Page {
        limit: missing.len() as u64,
        offset: 0,
        order: None,
    };
    let (products, _) = catalog
        .list_products(
            &ProductFilter {
                ids: Some(missing),
                ..Default::default()
            },
            &page,
        )
        .await?;
    let rel = catalog.relations(&products, want).await?;
    for p in products {
        let mut j = serde_json::to_value(&p).map_err(Error::internal)?;
        if want.categories {
            j["categories"] =
                serde_json::to_value(rel.categories.get(&p.id).cloned().unwrap_or_default())
                    .map_err(Error::internal)?;
        }
        if want.tags {
            j["tags"] = serde_json::to_value(rel.tags.get(&p.id).cloned().unwrap_or_default())
                .map_err(Error::internal)?;
        }
        if want.product_type {
            j["type"] = serde_json::to_value(rel.types.get(&p.id)).map_err(Error::internal)?;
        }
        if want.collection {
            j["collection"] =
                serde_json::to_value(rel.collections.get(&p.id)).map_err(Error::internal)?;
        }
        if want.images {
            j["images"] = serde_json::to_value(rel.images.get(&p.id).cloned().unwrap_or_default())
                .map_err(Error::internal)?;
        }
        // Shared, not copied: a cart renders a small projection of it.
        let j = std::sync::Arc::new(j);
        state
            .caches
            .cart_products
            .insert((p.id.clone(), wk), (v.catalog, j.clone()));
        out.insert(p.id.clone(), j);
    }
    Ok(out)
}
