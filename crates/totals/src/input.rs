//! What the totals function reads: plain values, independent of the cart and order crates, so
//! both (and order edits, returns, previews) build the same input from their own models.

use medusa_core::money::{Amount, CurrencyCode};
use rust_decimal::Decimal;

/// A cart, an order or an order preview: anything with items, shipping methods and credit lines
/// in one currency.
#[derive(Debug, Clone, PartialEq)]
pub struct TotalsInput {
    pub currency: CurrencyCode,
    pub items: Vec<ItemInput>,
    pub shipping_methods: Vec<ShippingMethodInput>,
    pub credit_lines: Vec<CreditLineInput>,
}

/// A line item as far as money goes.
///
/// Medusa's `compare_at_unit_price` and `is_discountable` are deliberately absent: Medusa's totals
/// ignore both (the first is display-only, the second only decides which adjustments the
/// promotion step creates, and those arrive here as `adjustments`).
#[derive(Debug, Clone, PartialEq)]
pub struct ItemInput {
    pub id: String,
    pub unit_price: Amount,
    pub quantity: i64,
    /// The unit price includes the item's taxes (copied from the price's tax-inclusive flag).
    pub is_tax_inclusive: bool,
    pub tax_lines: Vec<TaxLineInput>,
    pub adjustments: Vec<AdjustmentInput>,
    /// Fulfilment and return quantities of an order item; `None` for cart items. When present
    /// the item also gets the order-only totals (`refundable_total`, `fulfilled_total`, ...).
    pub detail: Option<ItemQuantities>,
}

/// A shipping method: a line with quantity 1 and `amount` as its price.
#[derive(Debug, Clone, PartialEq)]
pub struct ShippingMethodInput {
    pub id: String,
    pub amount: Amount,
    pub is_tax_inclusive: bool,
    pub tax_lines: Vec<TaxLineInput>,
    pub adjustments: Vec<AdjustmentInput>,
}

/// One tax line; `rate` is a percentage (`25` is 25 %), as Medusa stores it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TaxLineInput {
    pub rate: Decimal,
}

/// A discount on a line (a promotion's adjustment). `amount` is the discount for the whole line,
/// not per unit; `is_tax_inclusive` says whether it is a gross amount (taxes included) or a net one.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AdjustmentInput {
    pub amount: Amount,
    pub is_tax_inclusive: bool,
}

/// A credit line (store credit, a refund credited to the order): it lowers what is due, untaxed.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CreditLineInput {
    pub amount: Amount,
}

/// An order item's lifecycle quantities (Medusa's `order_item` "detail").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ItemQuantities {
    pub fulfilled: i64,
    pub shipped: i64,
    pub return_requested: i64,
    pub return_received: i64,
    pub return_dismissed: i64,
    pub written_off: i64,
}
