//! The one totals function for carts and orders: Medusa's `decorateCartTotals` (line items,
//! shipping methods, discounts, taxes, `original_*`, credit lines, tax-inclusive prices), with one
//! deliberate difference: **every total is a whole number of the currency's minor unit**.
//!
//! Medusa computes totals with unrounded decimals, so a cart can show `total: 34.116425` while the
//! payment provider charges 34.12 (medusajs/medusa#14817): the amount shown is not the amount
//! charged, and the difference later surfaces as a false outstanding amount or overpayment. Here
//! taxes are rounded once per line and everything above a line is a plain sum, so the cart's
//! `total` is exactly what the payment collection asks for.
//!
//! # The rounding rule
//!
//! Amounts are handled in whole minor units (cents for EUR, yen for JPY, fils for KWD: 0, 2 or 3
//! digits, [`medusa_core::money::minor_digits`]). "Round" below is
//! [`medusa_core::money::round`] to a whole minor unit, halves away from zero. `r` is the sum of
//! the line's tax rates as a fraction (25 % + 5 % -> 0.30).
//!
//! For each line (an item, or a shipping method with quantity 1):
//!
//! * `gross = unit_price × quantity` (rounded only if the price is finer than the currency, which
//!   stored prices never are).
//! * **Tax-exclusive price.** `subtotal = gross`. The discount is the sum of the line's
//!   adjustments, net of tax (a tax-inclusive adjustment counts as `round(amount / (1 + r))`),
//!   capped at `subtotal`. `tax_total = round((subtotal − discount) × r)` and
//!   `original_tax_total = round(subtotal × r)`.
//! * **Tax-inclusive price.** The gross is what the shopper was shown, so it is kept exact and
//!   the net is derived from it: `subtotal = round(gross / (1 + r))`,
//!   `original_tax_total = gross − subtotal`. The discount is the sum of the adjustments gross of
//!   tax (a tax-exclusive adjustment counts as `round(amount × (1 + r))`), capped at `gross`;
//!   `discounted = gross − discount`, its net is `round(discounted / (1 + r))` and
//!   `tax_total = discounted − net`. So `total` is the shown price minus the shown discount, to the
//!   minor unit.
//! * Then, for both: `total = subtotal − discount_subtotal + tax_total`,
//!   `original_total = subtotal + original_tax_total`, `original_subtotal = subtotal`,
//!   `discount_tax_total = original_tax_total − tax_total`,
//!   `discount_total = discount_subtotal + discount_tax_total`. None of them is ever negative: a
//!   discount larger than the line takes the line to zero, not below.
//! * A line's tax is split among its tax lines (at most two in Medusa: a province rate and its
//!   combinable country rate) in proportion to their rates by largest remainder, so the tax
//!   lines' `total`s add up to the line's `tax_total` exactly (likewise `subtotal`s to
//!   `original_tax_total`).
//!
//! Cart/order level: every `item_*`, `shipping_*`, `original_*`, `discount_*` and `tax_total` is
//! the sum of the rounded line values; `subtotal = item_subtotal + shipping_subtotal`;
//! `credit_line_total` is the sum of the credit lines (untaxed, so `credit_line_tax_total = 0`);
//! `total = subtotal + tax_total − discount_subtotal − credit_line_total`, floored at zero (credit
//! beyond what is due is not a negative total). Hence `total = item_total + shipping_total −
//! credit_line_total` whenever the credit does not exceed what is due.
//!
//! A consequence worth knowing: a tax-inclusive price equal to a tax-exclusive price plus its
//! rounded tax gives the same subtotal, tax and total as that exclusive price (without discounts;
//! a discount rounds on the side the price is quoted on, so the two may differ by a minor unit).
//!
//! # Differences from Medusa besides rounding
//!
//! * Totals never go negative (Medusa lets a discount larger than the line produce a negative
//!   `total`, and credit lines a negative cart total).
//! * Order items' lifecycle totals (`fulfilled_total`, `refundable_total`, ...) prorate the
//!   item's `total` by quantity and round each; `refundable_total_per_unit` is rounded too and is
//!   a display value. Medusa 2.21 additionally recomputes an order item's `subtotal` and taxes on
//!   the quantity left after received returns; that is the order module's call to make and is not
//!   done here.
//!
//! Inputs are refused ([`TotalsError`]), not totalled, when a price, quantity, rate, discount or
//! credit is negative, a line exceeds 10^18 minor units, or a rate exceeds 1000 %.
//!
//! # Example
//!
//! ```
//! use medusa_core::money::{Amount, CurrencyCode};
//! use medusa_totals::{ItemInput, RawFields, TaxLineInput, TotalsInput, compute};
//! use rust_decimal::Decimal;
//!
//! let input = TotalsInput {
//!     currency: CurrencyCode::parse("eur")?,
//!     items: vec![ItemInput {
//!         id: "cali_1".into(),
//!         unit_price: "9.99".parse::<Amount>()?,
//!         quantity: 3,
//!         is_tax_inclusive: false,
//!         tax_lines: vec![TaxLineInput { rate: Decimal::new(8875, 3) }], // 8.875 %
//!         adjustments: vec![],
//!         detail: None,
//!     }],
//!     shipping_methods: vec![],
//!     credit_lines: vec![],
//! };
//! let totals = compute(&input)?;
//! // 29.97 × 8.875 % = 2.6598375, charged as 2.66.
//! assert_eq!(totals.aggregate.tax_total.to_string(), "2.66");
//! assert_eq!(totals.aggregate.total.to_string(), "32.63");
//! let item = totals.items[0].to_json(RawFields::Omit);
//! assert_eq!(item["total"], serde_json::json!(32.63));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Wire format
//!
//! [`ItemTotals::to_json`], [`ShippingMethodTotals::to_json`], [`LineTotals::tax_line_json`] and
//! [`AggregateTotals::to_json`] produce Medusa's keys, to merge into the rendered cart or order and
//! project with the request's `fields`; [`RawFields`] says whether the `raw_*` siblings are
//! included (orders) or not (carts).

mod compute;
mod error;
mod input;
mod output;

pub use compute::compute;
pub use error::TotalsError;
pub use input::{
    AdjustmentInput, CreditLineInput, ItemInput, ItemQuantities, ShippingMethodInput, TaxLineInput,
    TotalsInput,
};
pub use output::{
    AggregateTotals, ItemTotals, LifecycleTotals, LineTotals, OrderItemTotals, RawFields,
    ShippingMethodTotals, TaxLineTotals, Totals,
};

#[cfg(test)]
mod tests;
