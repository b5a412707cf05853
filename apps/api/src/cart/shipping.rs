//! What the cart flow needs from the fulfillment module: which shipping options a cart may use,
//! at what price, and keeping its chosen method valid and priced as the cart changes.

use medusa_cart::{Cart, ShippingMethod, ShippingMethodId};
use medusa_core::Error;
use medusa_core::id::{ProductId, RegionId, SalesChannelId};
use medusa_fulfillment::{
    AvailableShippingOption, FulfillmentService, ShippingContext, ShippingOptionId,
};
use medusa_stock_location::StockLocationService;
use serde_json::Value;

use crate::error::ApiResult;
use crate::state::State;

fn fulfillment(state: &State) -> ApiResult<std::sync::Arc<dyn FulfillmentService>> {
    Ok(state
        .registry
        .get::<dyn FulfillmentService>()
        .map_err(Error::internal)?)
}

/// The cart's shipping context: the stock locations of its sales channel, its shipping address,
/// currency and region.
pub async fn context(state: &State, cart: &Cart) -> ApiResult<ShippingContext> {
    let channels: Vec<SalesChannelId> = cart
        .sales_channel_id
        .iter()
        .filter_map(|c| SalesChannelId::parse(c).ok())
        .collect();
    let stock_location_ids = if channels.is_empty() {
        Vec::new()
    } else {
        state
            .registry
            .get::<dyn StockLocationService>()
            .map_err(Error::internal)?
            .location_ids_for_sales_channels(&channels)
            .await?
            .iter()
            .map(|l| l.to_string())
            .collect()
    };
    let address = cart.shipping_address.as_ref().map(|a| &a.fields);
    let non_empty = |v: Option<&String>| v.filter(|s| !s.is_empty()).cloned();
    Ok(ShippingContext {
        stock_location_ids,
        country_code: non_empty(address.and_then(|a| a.country_code.as_ref())),
        province: non_empty(address.and_then(|a| a.province.as_ref())),
        city: non_empty(address.and_then(|a| a.city.as_ref())),
        postal_code: non_empty(address.and_then(|a| a.postal_code.as_ref())),
        currency_code: cart.currency_code.clone(),
        region_id: cart
            .region_id
            .as_deref()
            .and_then(|r| RegionId::parse(r).ok()),
        is_return: false,
        enabled_in_store: true,
    })
}

/// The shipping profiles of the cart's products that need shipping. Options are offered only
/// for these profiles (Medusa filters by the cart items' profiles); a cart without profiled
/// items is not restricted.
async fn item_profiles(state: &State, cart: &Cart) -> ApiResult<Vec<String>> {
    let products: Vec<ProductId> = cart
        .items
        .iter()
        .filter(|i| i.requires_shipping)
        .filter_map(|i| i.product_id.as_deref())
        .filter_map(|p| ProductId::parse(p).ok())
        .collect();
    if products.is_empty() {
        return Ok(Vec::new());
    }
    let mut ids: Vec<String> = fulfillment(state)?
        .product_shipping_profiles(&products)
        .await?
        .into_iter()
        .map(|p| p.shipping_profile_id.to_string())
        .collect();
    ids.sort();
    ids.dedup();
    Ok(ids)
}

/// The options the cart may choose from, with their prices.
pub async fn available(state: &State, cart: &Cart) -> ApiResult<Vec<AvailableShippingOption>> {
    let ctx = context(state, cart).await?;
    let profiles = item_profiles(state, cart).await?;
    let options = fulfillment(state)?.options_for_context(&ctx).await?;
    Ok(options
        .into_iter()
        .filter(|o| {
            profiles.is_empty() || profiles.contains(&o.option.shipping_profile_id.to_string())
        })
        .collect())
}

fn invalid() -> crate::error::ApiError {
    Error::invalid_data("Shipping Options are invalid for cart.").into()
}

/// One option the cart may use, or Medusa's 400.
async fn usable(state: &State, cart: &Cart, option_id: &str) -> ApiResult<AvailableShippingOption> {
    let id = ShippingOptionId::parse(option_id).map_err(|_| invalid())?;
    let ctx = context(state, cart).await?;
    let found = fulfillment(state)?
        .option_for_context(&id, &ctx)
        .await?
        .ok_or_else(invalid)?;
    let profiles = item_profiles(state, cart).await?;
    if !profiles.is_empty() && !profiles.contains(&found.option.shipping_profile_id.to_string()) {
        return Err(invalid());
    }
    Ok(found)
}

/// A shipping method for the option, priced by the server for the cart.
pub async fn method_for(
    state: &State,
    cart: &Cart,
    option_id: &str,
    data: Option<Value>,
) -> ApiResult<ShippingMethod> {
    let found = usable(state, cart, option_id).await?;
    let now = state.clock.now();
    Ok(ShippingMethod {
        id: ShippingMethodId::new(),
        name: found.option.name.clone(),
        description: None,
        amount: found.price.amount,
        // Shipping prices are stored tax-exclusive (no price preferences for shipping yet).
        is_tax_inclusive: false,
        shipping_option_id: Some(found.option.id.to_string()),
        data,
        metadata: None,
        tax_lines: Vec::new(),
        adjustments: Vec::new(),
        created_at: now,
        updated_at: now,
    })
}

/// Keeps the cart's shipping methods in step with the cart: a method whose option no longer
/// serves the cart (address, region or sales channel changed, option removed) is dropped, the
/// others are re-priced for the cart's current currency and region.
pub async fn refresh_methods(state: &State, cart: &mut Cart) -> ApiResult<()> {
    if cart.shipping_methods.is_empty() {
        return Ok(());
    }
    let options = available(state, cart).await?;
    cart.shipping_methods.retain_mut(|m| {
        let Some(found) = m
            .shipping_option_id
            .as_deref()
            .and_then(|o| options.iter().find(|a| a.option.id.as_str() == o))
        else {
            return false;
        };
        m.amount = found.price.amount;
        true
    });
    Ok(())
}

/// Whether the product has a shipping profile (its items then require shipping).
pub async fn product_has_profile(state: &State, product_id: &str) -> ApiResult<bool> {
    let Ok(id) = ProductId::parse(product_id) else {
        return Ok(false);
    };
    Ok(!fulfillment(state)?
        .product_shipping_profiles(&[id])
        .await?
        .is_empty())
}
