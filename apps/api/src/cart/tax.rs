//! What the cart flow needs from the tax module: the tax lines of a cart's items and shipping
//! methods for its shipping address, in one call.

use std::collections::HashMap;

use medusa_cart::Cart;
use medusa_core::Error;
use medusa_tax::{TaxAddress, TaxService, TaxableItem, TaxableShipping};
use rust_decimal::Decimal;

use crate::error::ApiResult;
use crate::state::State;

/// A tax line as the cart stores it.
#[derive(Debug, Clone)]
pub struct Line {
    pub name: Option<String>,
    pub code: String,
    pub rate: Decimal,
    pub provider_id: Option<String>,
    pub rate_id: Option<String>,
}

/// Line item or shipping method id -> its tax lines. Empty without a shipping country: there
/// is nothing to tax against yet (Medusa leaves the lines empty too).
pub async fn tax_lines(state: &State, cart: &Cart) -> ApiResult<HashMap<String, Vec<Line>>> {
    let Some(country) = cart
        .shipping_address
        .as_ref()
        .and_then(|a| a.fields.country_code.clone())
        .filter(|c| !c.is_empty())
    else {
        return Ok(HashMap::new());
    };
    let address = TaxAddress {
        country_code: country,
        province_code: cart
            .shipping_address
            .as_ref()
            .and_then(|a| a.fields.province.clone())
            .filter(|p| !p.is_empty()),
    };
    let items: Vec<TaxableItem> = cart
        .items
        .iter()
        .map(|i| TaxableItem {
            line_item_id: i.id.to_string(),
            product_id: i.product_id.clone().unwrap_or_default(),
            product_type_id: i.product_type_id.clone(),
        })
        .collect();
    let shipping: Vec<TaxableShipping> = cart
        .shipping_methods
        .iter()
        .map(|m| TaxableShipping {
            shipping_method_id: m.id.to_string(),
            shipping_option_id: m.shipping_option_id.clone().unwrap_or_default(),
        })
        .collect();
    let found = state
        .registry
        .get::<dyn TaxService>()
        .map_err(Error::internal)?
        .tax_lines(&items, &shipping, &address)
        .await?;
    let mut out: HashMap<String, Vec<Line>> = HashMap::new();
    let line = |l: &medusa_tax::TaxLine| Line {
        name: Some(l.name.clone()),
        code: l.code.clone(),
        rate: l.rate.decimal(),
        provider_id: Some(l.provider_id.clone()),
        rate_id: Some(l.rate_id.to_string()),
    };
    for l in &found.items {
        out.entry(l.line_item_id.clone())
            .or_default()
            .push(line(&l.line));
    }
    for l in &found.shipping {
        out.entry(l.shipping_method_id.clone())
            .or_default()
            .push(line(&l.line));
    }
    Ok(out)
}
