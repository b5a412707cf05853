//! The cart flow: what happens between a shopper's request and the cart module.
//!
//! Every change to a cart goes through [`update`]: load the cart, apply the request's change in
//! memory, then [`refresh`] it (prices from the pricing module for the cart's region, currency and
//! customer; stock when items changed; shipping methods still valid for the address; tax lines
//! from the tax module) and save it whole. The save is conditional on the version loaded, so
//! two requests changing one cart at once, in one process or several, never lose each other's
//! work: the loser starts over from the fresh cart. Prices, totals and taxes are only ever
//! computed here; request bodies cannot carry them.

pub mod catalog;
pub mod customer;
pub mod render;
pub mod shipping;
pub mod tax;
pub mod totals;

use std::collections::{BTreeMap, HashMap, HashSet};

use medusa_cart::{Cart, CartError, CartService, LineItem, TaxLine};
use medusa_core::Error;
use medusa_core::error::codes;
use medusa_core::id::CartId;
use medusa_core::money::Amount;
use medusa_pricing::{CalculatedPrice, PriceListType, PricingContext};
use medusa_region::{Region, RegionService};

use crate::error::{ApiError, ApiResult};
use crate::state::State;

/// How often a change is re-applied after losing a race to another writer of the same cart.
const MAX_ATTEMPTS: usize = 8;

/// Who is asking: a logged-in customer or a guest.
#[derive(Debug, Clone, Default)]
pub struct Requester {
    pub customer_id: Option<String>,
}

/// What a change needs re-checked besides prices and taxes, which are always refreshed.
#[derive(Debug, Clone, Copy, Default)]
pub struct Checks {
    /// Items were added or grew: their stock must cover the cart's quantity.
    pub stock: bool,
    /// Compute tax lines even when the region does not tax automatically
    /// (`POST /store/carts/:id/taxes`).
    pub force_taxes: bool,
}

fn not_found(id: &str) -> ApiError {
    Error::not_found(format!("Cart id not found: {id}")).into()
}

fn svc<T: ?Sized + Send + Sync + 'static>(state: &State) -> ApiResult<std::sync::Arc<T>> {
    Ok(state.registry.get::<T>().map_err(Error::internal)?)
}

/// A cart the requester may see: a guest cart to anyone holding its id (as Medusa), a
/// customer's cart only to that customer. Anything else is the same 404 as an unknown id, so a
/// cart's existence does not leak.
pub async fn retrieve(state: &State, id: &str, who: &Requester) -> ApiResult<Cart> {
    Ok(retrieve_linked(state, id, who).await?.0)
}

/// [`retrieve`], with the id of the cart's payment collection (`None`: it has none) read in the
/// same statement, as are the catalog's change counters when this request will validate
/// cached catalog data against them: one round trip for the three.
pub async fn retrieve_linked(
    state: &State,
    id: &str,
    who: &Requester,
) -> ApiResult<(Cart, Option<String>)> {
    let cart_id = CartId::parse(id).map_err(|_| not_found(id))?;
    let read_versions = catalog::versions_unread(state);
    let mut select = medusa_payment::cart_link_select_item("cart.id");
    if read_versions {
        select.push_str(", ");
        select.push_str(&medusa_db::versions::select_items(&catalog::SCOPES));
    }
    let (cart, row) = match svc::<dyn CartService>(state)?
        .retrieve_with(&cart_id, &select)
        .await
    {
        Ok(found) => found,
        Err(CartError::NotFound(_)) => return Err(not_found(id)),
        Err(e) => return Err(e.into()),
    };
    if let Some(owner) = &cart.customer_id
        && who.customer_id.as_deref() != Some(owner.as_str())
    {
        return Err(not_found(id));
    }
    let link: Option<String> = row
        .try_get("", "payment_collection_id")
        .map_err(Error::internal)?;
    if read_versions {
        let read =
            medusa_db::versions::from_row(&row, catalog::SCOPES.len()).map_err(Error::internal)?;
        catalog::remember_versions(&read);
    }
    Ok((cart, link))
}

/// A saved change: the cart, and its payment collection as the change left it (read once by
/// the payment sync, so the response need not read it again).
pub struct Changed {
    pub cart: Cart,
    pub payment_collection: render::Collection,
}

/// Applies `change` to the cart and saves it with fresh prices and taxes, retrying from the
/// stored state when another request saved the cart in between. `change` may run more than once.
pub async fn update<F>(
    state: &State,
    id: &str,
    who: &Requester,
    checks: Checks,
    mut change: F,
) -> ApiResult<Changed>
where
    F: FnMut(&mut Cart) -> ApiResult<()>,
{
    update_with(
        state,
        id,
        who,
        checks,
        |_| async { Ok(()) },
        |cart, _| change(cart),
    )
    .await
}

/// [`update`] with an async `prepare` step run once on the first loaded cart (looking up what
/// the change needs, such as a variant's catalog data), whose result every attempt reuses.
pub async fn update_with<P, Fut, T, F>(
    state: &State,
    id: &str,
    who: &Requester,
    checks: Checks,
    prepare: P,
    mut change: F,
) -> ApiResult<Changed>
where
    P: FnOnce(Cart) -> Fut,
    Fut: std::future::Future<Output = ApiResult<T>>,
    F: FnMut(&mut Cart, &T) -> ApiResult<()>,
{
    let carts = svc::<dyn CartService>(state)?;
    let mut prepare = Some(prepare);
    let mut prepared: Option<T> = None;
    for attempt in 1..=MAX_ATTEMPTS {
        let (mut cart, collection) = retrieve_linked(state, id, who).await?;
        if cart.completed_at.is_some() {
            return Err(Error::invalid_data(format!("Cart {id} is already completed.")).into());
        }
        if let Some(p) = prepare.take() {
            prepared = Some(p(cart.clone()).await?);
        }
        let Some(data) = prepared.as_ref() else {
            return Err(Error::internal(anyhow::anyhow!("cart change prepared nothing")).into());
        };
        change(&mut cart, data)?;
        refresh(state, &mut cart, checks).await?;
        match carts.save(cart).await {
            Ok(saved) => {
                let payment_collection = sync_payment(state, &saved, collection.as_deref()).await?;
                return Ok(Changed {
                    cart: saved,
                    payment_collection,
                });
            }
            Err(CartError::Conflict(_)) => {
                tracing::debug!(cart = id, attempt, "cart changed concurrently; re-applying");
            }
            Err(e) => return Err(e.into()),
        }
    }
    Err(Error::conflict(format!(
        "Cart {id} is being changed by other requests; try again"
    ))
    .into())
}

/// Keeps the cart's payment collection at the cart's total: a changed total or currency drops
/// the sessions (the shopper starts a new one), as Medusa's cart refresh does. A collection that
/// already holds an authorized payment is left alone; completion then refuses the mismatch.
/// `collection` is the cart's collection as read with the cart (the link never changes once
/// made; one made meanwhile is brought in step when its session starts).
async fn sync_payment(
    state: &State,
    cart: &Cart,
    collection: Option<&str>,
) -> ApiResult<render::Collection> {
    let Some(collection) = collection else {
        return Ok(render::Collection::Known(None));
    };
    let total = totals::total(cart)?;
    match svc::<dyn medusa_payment::PaymentService>(state)?
        .sync_collection_amount(collection, total, &cart.currency_code)
        .await
    {
        Ok(found) => Ok(render::Collection::Known(found.map(Box::new))),
        Err(medusa_payment::PaymentError::AlreadyAuthorized(collection)) => {
            tracing::warn!(cart = %cart.id, %collection, "cart changed after its payment was authorized");
            Ok(render::Collection::Load)
        }
        Err(e) => Err(e.into()),
    }
}

/// Stores a new cart after refreshing it like any change.
pub async fn create(state: &State, mut cart: Cart) -> ApiResult<Cart> {
    let checks = Checks {
        stock: !cart.items.is_empty(),
        force_taxes: false,
    };
    refresh(state, &mut cart, checks).await?;
    Ok(svc::<dyn CartService>(state)?.create(cart).await?)
}

/// The store's default region: the oldest one (the seed's first). Medusa keeps a
/// `default_region_id` on its store; this server has no store settings yet.
pub async fn default_region(state: &State) -> ApiResult<Option<Region>> {
    let page = medusa_core::request::ListParams {
        limit: 1,
        offset: 0,
        order: Some(medusa_core::request::OrderBy {
            field: "created_at".into(),
            direction: medusa_core::request::Direction::Asc,
        }),
        fields: None,
        with_deleted: false,
    };
    Ok(svc::<dyn RegionService>(state)?
        .list(&Default::default(), &page)
        .await?
        .0
        .into_iter()
        .next())
}

/// A region with its countries and payment providers, through the `CACHE_TTL` cache.
pub async fn region_details(
    state: &State,
    id: &str,
) -> ApiResult<Option<medusa_region::RegionDetails>> {
    if let Some(cached) = state.caches.region_details.get(&id.to_owned()) {
        return Ok(cached);
    }
    let Ok(region_id) = medusa_core::id::RegionId::parse(id) else {
        return Ok(None);
    };
    let found = svc::<dyn RegionService>(state)?
        .lookup(&[region_id])
        .await?
        .pop();
    state
        .caches
        .region_details
        .insert(id.to_owned(), found.clone());
    Ok(found)
}

/// The region's countries (lower-case ISO codes).
pub async fn region_countries(state: &State, region: &Region) -> ApiResult<Vec<String>> {
    Ok(region_details(state, region.id.as_str())
        .await?
        .map(|d| d.countries.into_iter().map(|c| c.iso_2).collect())
        .unwrap_or_default())
}

/// A region by id, through the `CACHE_TTL` cache. `None` when it does not exist.
pub async fn region(state: &State, id: &str) -> ApiResult<Option<Region>> {
    if let Some(cached) = state.caches.regions.get(&id.to_owned()) {
        return Ok(cached);
    }
    let Ok(region_id) = medusa_core::id::RegionId::parse(id) else {
        return Ok(None);
    };
    let found = svc::<dyn RegionService>(state)?
        .retrieve(&region_id)
        .await
        .ok();
    state.caches.regions.insert(id.to_owned(), found.clone());
    Ok(found)
}

/// Brings everything derived in the cart up to date with its items, region and address.
pub async fn refresh(state: &State, cart: &mut Cart, checks: Checks) -> ApiResult<()> {
    let region = match &cart.region_id {
        Some(id) => region(state, id).await?,
        None => None,
    };
    reprice(state, cart).await?;
    if checks.stock {
        check_stock(state, cart).await?;
    }
    shipping::refresh_methods(state, cart).await?;
    let automatic = region.as_ref().is_none_or(|r| r.automatic_taxes);
    if automatic || checks.force_taxes {
        apply_taxes(state, cart).await?;
    }
    Ok(())
}

/// Tax lines for every item and shipping method from the tax module (one call, whatever the
/// cart holds). Without a shipping country there is nothing to tax yet.
pub async fn apply_taxes(state: &State, cart: &mut Cart) -> ApiResult<()> {
    let lines = tax::tax_lines(state, cart).await?;
    let now = state.clock.now();
    let to_lines = |found: Option<&Vec<tax::Line>>, owner_prefix: fn() -> String| {
        found
            .map(|ls| {
                ls.iter()
                    .map(|l| TaxLine {
                        id: owner_prefix(),
                        description: l.name.clone(),
                        code: l.code.clone(),
                        rate: l.rate,
                        provider_id: l.provider_id.clone(),
                        tax_rate_id: l.rate_id.clone(),
                        metadata: None,
                        created_at: now,
                        updated_at: now,
                    })
                    .collect()
            })
            .unwrap_or_default()
    };
    for item in &mut cart.items {
        item.tax_lines = to_lines(lines.get(item.id.as_str()), || {
            medusa_cart::LineItemTaxLineId::new().to_string()
        });
    }
    for method in &mut cart.shipping_methods {
        method.tax_lines = to_lines(lines.get(method.id.as_str()), || {
            medusa_cart::ShippingMethodTaxLineId::new().to_string()
        });
    }
    Ok(())
}

/// The pricing context of a cart: its currency and region, and the customer's groups.
async fn pricing_context(
    state: &State,
    cart: &Cart,
    quantity: Option<i64>,
) -> ApiResult<PricingContext> {
    let groups = match &cart.customer_id {
        Some(customer) => customer::group_ids(state, customer).await?,
        None => Vec::new(),
    };
    Ok(PricingContext {
        currency_code: cart.currency_code.clone(),
        region_id: cart.region_id.clone(),
        customer_group_ids: groups,
        quantity,
        now: state.clock.now(),
    })
}

/// Re-prices every item (custom-priced ones aside) for the cart's currency, region, customer and
/// each item's quantity (quantity tiers). An item whose variant has no price refuses the change,
/// with Medusa's message.
async fn reprice(state: &State, cart: &mut Cart) -> ApiResult<()> {
    // Every line at its own quantity (quantity tiers), from the variants' stored prices.
    let lines: Vec<(String, i64)> = cart
        .items
        .iter()
        .filter(|i| !i.is_custom_price)
        .filter_map(|i| i.variant_id.clone().map(|v| (v, i.quantity)))
        .collect();
    let prices: HashMap<(String, i64), CalculatedPrice> = if lines.is_empty() {
        HashMap::new()
    } else {
        let ids = unique(lines.iter().map(|(v, _)| v.clone()));
        let v = catalog::versions(state).await?;
        let ctx = pricing_context(state, cart, None).await?;
        let inputs =
            catalog::price_inputs(state, v, &ids, &ctx.currency_code, ctx.region_id.as_deref())
                .await?;
        medusa_pricing::calculate::price_lines(&inputs, &lines, &ctx)
    };
    let mut missing: Vec<String> = Vec::new();
    for item in cart.items.iter_mut().filter(|i| !i.is_custom_price) {
        let Some(variant) = item.variant_id.clone() else {
            continue;
        };
        match prices.get(&(variant.clone(), item.quantity)) {
            Some(p) => apply_price(item, p),
            None => missing.push(variant),
        }
    }
    if !missing.is_empty() {
        missing.sort();
        missing.dedup();
        return Err(Error::invalid_data(format!(
            "Variants with IDs {} do not have a price",
            missing.join(", ")
        ))
        .into());
    }
    Ok(())
}

fn apply_price(item: &mut LineItem, p: &CalculatedPrice) {
    item.unit_price = p.calculated_amount;
    item.is_tax_inclusive = p.is_calculated_price_tax_inclusive;
    // Medusa shows the original price struck through only for a sale price list.
    let sale = p.calculated_price.price_list_type == Some(PriceListType::Sale);
    item.compare_at_unit_price =
        (sale && p.original_amount != p.calculated_amount).then_some(p.original_amount);
}

/// Refuses the change when a managed, non-backorderable variant lacks stock for the cart's
/// total quantity of it at the locations of the cart's sales channel.
async fn check_stock(state: &State, cart: &Cart) -> ApiResult<()> {
    let mut wanted: BTreeMap<String, i64> = BTreeMap::new();
    for item in &cart.items {
        if let Some(v) = &item.variant_id {
            *wanted.entry(v.clone()).or_default() += item.quantity;
        }
    }
    if wanted.is_empty() {
        return Ok(());
    }
    let ids: Vec<String> = wanted.keys().cloned().collect();
    let v = catalog::versions(state).await?;
    let flags = catalog::stock_flags(state, v, &ids).await?;
    let managed: Vec<String> = ids
        .iter()
        .filter(|id| {
            flags
                .get(*id)
                .is_some_and(|f| f.manage_inventory && !f.allow_backorder)
        })
        .cloned()
        .collect();
    if managed.is_empty() {
        return Ok(());
    }
    let locations: Vec<String> = match &cart.sales_channel_id {
        Some(channel) => catalog::channel_locations(state, v, channel).await?,
        None => Vec::new(),
    };
    let available = catalog::availability(state, v, &managed, &locations).await?;
    let short = managed
        .iter()
        .any(|v| available.get(v).copied().unwrap_or(0) < wanted[v]);
    if short {
        return Err(
            Error::not_allowed("Some variant does not have the required inventory")
                .with_code(codes::INSUFFICIENT_INVENTORY)
                .into(),
        );
    }
    Ok(())
}

/// A new line item for `variant_id`: the catalog's data at this moment (Medusa's
/// `prepareLineItemData`). Its price is set by the refresh that follows. Only variants of
/// published products in the cart's sales channel can be added.
pub async fn new_line_item(
    state: &State,
    cart: &Cart,
    variant_id: &str,
    quantity: i64,
    metadata: Option<serde_json::Value>,
) -> ApiResult<LineItem> {
    let v = catalog::versions(state).await?;
    let Some(snap) =
        catalog::variant_snapshot(state, v, variant_id, cart.sales_channel_id.as_deref()).await?
    else {
        return Err(Error::invalid_data(format!(
            "Items {variant_id} do not exist or are not available in the sales channel"
        ))
        .into());
    };
    let now = state.clock.now();
    Ok(LineItem {
        id: medusa_core::id::LineItemId::new(),
        title: snap.product_title.clone(),
        subtitle: Some(snap.variant_title.clone()),
        thumbnail: snap.thumbnail,
        quantity,
        variant_id: Some(snap.variant_id),
        product_id: Some(snap.product_id),
        product_title: Some(snap.product_title),
        product_description: snap.product_description,
        product_subtitle: snap.product_subtitle,
        product_type_id: snap.product_type.as_ref().map(|(id, _)| id.clone()),
        product_type: snap.product_type.map(|(_, value)| value),
        product_collection: snap.product_collection,
        product_handle: Some(snap.product_handle),
        variant_sku: snap.variant_sku,
        variant_barcode: snap.variant_barcode,
        variant_title: Some(snap.variant_title),
        variant_option_values: (!snap.option_values.is_empty())
            .then_some(serde_json::Value::Object(snap.option_values)),
        // Medusa: a product with a shipping profile, or stock that must be shipped.
        requires_shipping: snap.has_shipping_profile || snap.flags.manage_inventory,
        is_discountable: snap.discountable,
        is_giftcard: snap.is_giftcard,
        is_tax_inclusive: false,
        is_custom_price: false,
        compare_at_unit_price: None,
        unit_price: Amount::default(),
        metadata: Some(metadata.unwrap_or_else(|| serde_json::json!({}))),
        tax_lines: Vec::new(),
        adjustments: Vec::new(),
        created_at: now,
        updated_at: now,
    })
}

/// Adds `item` to the cart, or grows the existing line of the same variant with the same
/// metadata (Medusa merges those).
pub fn add_or_merge(cart: &mut Cart, item: LineItem, now: chrono::DateTime<chrono::Utc>) {
    let same = cart
        .items
        .iter_mut()
        .find(|i| i.variant_id == item.variant_id && i.metadata == item.metadata);
    match same {
        Some(existing) => {
            existing.quantity += item.quantity;
            existing.updated_at = now;
        }
        None => cart.items.push(item),
    }
}

/// `ids` without repeats, first occurrence kept (product and variant ids of several items).
pub fn unique(ids: impl IntoIterator<Item = String>) -> Vec<String> {
    let mut seen = HashSet::new();
    ids.into_iter().filter(|i| seen.insert(i.clone())).collect()
}
