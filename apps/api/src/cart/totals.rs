//! The cart's totals, from the shared totals function (`medusa_totals`), in Medusa's wire
//! shape: cart-level numbers, per-line numbers, and each tax line's share.

use medusa_cart::{Adjustment, Cart, TaxLine};
use medusa_core::Error;
use medusa_totals::{
    AdjustmentInput, CreditLineInput, ItemInput, RawFields, ShippingMethodInput, TaxLineInput,
    TotalsInput,
};
use serde_json::{Map, Value};

use crate::error::ApiResult;

/// A line's totals and its tax lines' shares (in the line's tax line order).
pub struct Line {
    pub totals: Map<String, Value>,
    pub tax_lines: Vec<Map<String, Value>>,
}

pub struct Totals {
    pub cart: Map<String, Value>,
    pub items: Vec<Line>,
    pub shipping_methods: Vec<Line>,
}

fn taxes(lines: &[TaxLine]) -> Vec<TaxLineInput> {
    lines
        .iter()
        .map(|t| TaxLineInput { rate: t.rate })
        .collect()
}

fn adjustments(adjs: &[Adjustment]) -> Vec<AdjustmentInput> {
    adjs.iter()
        .map(|a| AdjustmentInput {
            amount: a.amount,
            is_tax_inclusive: a.is_tax_inclusive,
        })
        .collect()
}

/// The cart's grand total (what its payment collection must hold), without the wire shape.
pub fn total(cart: &Cart) -> ApiResult<medusa_core::money::Amount> {
    Ok(numbers(cart)?.aggregate.total)
}

/// The totals the cart's items, shipping methods and credit lines add up to.
pub fn compute(cart: &Cart) -> ApiResult<Totals> {
    let totals = numbers(cart)?;
    let line = |l: &medusa_totals::LineTotals, totals: Map<String, Value>| Line {
        totals,
        tax_lines: (0..l.tax_lines.len())
            .map(|i| l.tax_line_json(i, RawFields::Omit))
            .collect(),
    };
    Ok(Totals {
        cart: totals.aggregate.to_json(),
        items: totals
            .items
            .iter()
            .map(|t| line(&t.line, t.to_json(RawFields::Omit)))
            .collect(),
        shipping_methods: totals
            .shipping_methods
            .iter()
            .map(|t| line(&t.line, t.to_json(RawFields::Omit)))
            .collect(),
    })
}

fn numbers(cart: &Cart) -> ApiResult<medusa_totals::Totals> {
    let input = TotalsInput {
        currency: cart.currency_code.clone(),
        items: cart
            .items
            .iter()
            .map(|i| ItemInput {
                id: i.id.to_string(),
                unit_price: i.unit_price,
                quantity: i.quantity,
                is_tax_inclusive: i.is_tax_inclusive,
                tax_lines: taxes(&i.tax_lines),
                adjustments: adjustments(&i.adjustments),
                detail: None,
            })
            .collect(),
        shipping_methods: cart
            .shipping_methods
            .iter()
            .map(|m| ShippingMethodInput {
                id: m.id.to_string(),
                amount: m.amount,
                is_tax_inclusive: m.is_tax_inclusive,
                tax_lines: taxes(&m.tax_lines),
                adjustments: adjustments(&m.adjustments),
            })
            .collect(),
        credit_lines: cart
            .credit_lines
            .iter()
            .map(|c| CreditLineInput { amount: c.amount })
            .collect(),
    };
    // The input comes from the server's own prices and rates: an error here is a bug.
    Ok(medusa_totals::compute(&input).map_err(Error::internal)?)
}
