//! What the totals function returns, and Medusa's wire shape for it.
//!
//! Every amount is an [`Amount`] in major units holding a whole number of the currency's minor
//! unit. On the wire (see [`RawFields`]) an amount is a JSON number; orders also carry Medusa's
//! `raw_<field>: {"value", "precision": 20}` sibling for item, shipping-method and tax-line
//! totals, carts do not (the recorded responses in `medusa-golden/11..19, 25`).

use medusa_core::money::Amount;
use serde::Serialize;
use serde_json::{Map, Value};

/// Whether per-line totals carry Medusa's `raw_<field>` siblings: order responses have them,
/// cart responses do not. Cart/order-level totals never have them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RawFields {
    Omit,
    Include,
}

/// The totals of a whole cart or order, in input order.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Totals {
    pub items: Vec<ItemTotals>,
    pub shipping_methods: Vec<ShippingMethodTotals>,
    #[serde(flatten)]
    pub aggregate: AggregateTotals,
}

/// The totals of one line: an item or a shipping method.
///
/// `subtotal` is net of tax and before discounts; `total` is what the line costs after discounts
/// with taxes; `original_*` are before discounts. `total = subtotal - discount_subtotal + tax_total`
/// and `original_total = subtotal + original_tax_total` hold exactly.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LineTotals {
    pub subtotal: Amount,
    pub total: Amount,
    pub original_subtotal: Amount,
    pub original_total: Amount,
    /// The discount net of tax.
    pub discount_subtotal: Amount,
    /// The tax the discount saved: `original_tax_total - tax_total`.
    pub discount_tax_total: Amount,
    /// `discount_subtotal + discount_tax_total`: what the discount took off the line's total.
    pub discount_total: Amount,
    pub tax_total: Amount,
    pub original_tax_total: Amount,
    /// One per input tax line, in order; their `total`s add up to `tax_total` and their
    /// `subtotal`s to `original_tax_total`.
    pub tax_lines: Vec<TaxLineTotals>,
}

/// A tax line's share of its line's tax: `total` after discounts, `subtotal` before (Medusa's
/// names).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TaxLineTotals {
    pub total: Amount,
    pub subtotal: Amount,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ItemTotals {
    pub id: String,
    #[serde(flatten)]
    pub line: LineTotals,
    /// Only for order items (input with `detail`).
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    pub order: Option<OrderItemTotals>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ShippingMethodTotals {
    pub id: String,
    #[serde(flatten)]
    pub line: LineTotals,
}

/// An order item's lifecycle totals: the item's `total` prorated to each quantity.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OrderItemTotals {
    /// `refundable_total / refundable quantity`, rounded: a display value, never summed.
    pub refundable_total_per_unit: Amount,
    /// The part of `total` for the units not (being) returned.
    pub refundable_total: Amount,
    #[serde(flatten)]
    pub lifecycle: LifecycleTotals,
}

/// Totals prorated to the lifecycle quantities (Medusa's `extraQuantityFields`).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct LifecycleTotals {
    pub fulfilled_total: Amount,
    pub shipped_total: Amount,
    pub return_requested_total: Amount,
    pub return_received_total: Amount,
    pub return_dismissed_total: Amount,
    pub write_off_total: Amount,
}

/// The cart's or order's own totals: sums of the rounded line values.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AggregateTotals {
    /// `subtotal + tax_total - discount_subtotal - credit_line_total`, never below zero.
    pub total: Amount,
    /// `item_subtotal + shipping_subtotal`: net of tax, before discounts.
    pub subtotal: Amount,
    pub tax_total: Amount,
    pub discount_total: Amount,
    pub discount_subtotal: Amount,
    pub discount_tax_total: Amount,
    /// `original_item_total + original_shipping_total`: before discounts and credit lines.
    pub original_total: Amount,
    pub original_subtotal: Amount,
    pub original_tax_total: Amount,

    pub item_total: Amount,
    pub item_subtotal: Amount,
    pub item_tax_total: Amount,
    pub item_discount_total: Amount,
    pub original_item_total: Amount,
    pub original_item_subtotal: Amount,
    pub original_item_tax_total: Amount,

    pub shipping_total: Amount,
    pub shipping_subtotal: Amount,
    pub shipping_tax_total: Amount,
    pub shipping_discount_total: Amount,
    pub original_shipping_total: Amount,
    pub original_shipping_subtotal: Amount,
    pub original_shipping_tax_total: Amount,

    pub credit_line_total: Amount,
    pub credit_line_subtotal: Amount,
    pub credit_line_tax_total: Amount,

    /// Sums of the items' lifecycle totals, when any item is an order item.
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    pub lifecycle: Option<LifecycleTotals>,
}

fn put(map: &mut Map<String, Value>, key: &str, amount: Amount, raw: RawFields) {
    map.insert(key.to_owned(), amount_json(amount));
    if raw == RawFields::Include {
        map.insert(
            format!("raw_{key}"),
            serde_json::to_value(amount.raw()).unwrap_or(Value::Null),
        );
    }
}

fn amount_json(amount: Amount) -> Value {
    // Amount's Serialize cannot fail (it writes an integer or a finite float).
    serde_json::to_value(amount).unwrap_or(Value::Null)
}

impl LineTotals {
    /// The line's total fields as Medusa sends them on an item or shipping method (tax lines
    /// excluded: see [`LineTotals::tax_line_json`]).
    pub fn write_json(&self, map: &mut Map<String, Value>, raw: RawFields) {
        put(map, "subtotal", self.subtotal, raw);
        put(map, "total", self.total, raw);
        put(map, "original_subtotal", self.original_subtotal, raw);
        put(map, "original_total", self.original_total, raw);
        put(map, "discount_subtotal", self.discount_subtotal, raw);
        put(map, "discount_tax_total", self.discount_tax_total, raw);
        put(map, "discount_total", self.discount_total, raw);
        put(map, "tax_total", self.tax_total, raw);
        put(map, "original_tax_total", self.original_tax_total, raw);
    }

    /// `{total, subtotal}` (and their `raw_*`) for the tax line at `index`, to merge into the
    /// rendered tax line; empty when there is no such tax line.
    pub fn tax_line_json(&self, index: usize, raw: RawFields) -> Map<String, Value> {
        let mut map = Map::new();
        if let Some(t) = self.tax_lines.get(index) {
            put(&mut map, "total", t.total, raw);
            put(&mut map, "subtotal", t.subtotal, raw);
        }
        map
    }
}

impl LifecycleTotals {
    fn write_json(&self, map: &mut Map<String, Value>, raw: RawFields) {
        put(map, "fulfilled_total", self.fulfilled_total, raw);
        put(map, "shipped_total", self.shipped_total, raw);
        put(
            map,
            "return_requested_total",
            self.return_requested_total,
            raw,
        );
        put(
            map,
            "return_received_total",
            self.return_received_total,
            raw,
        );
        put(
            map,
            "return_dismissed_total",
            self.return_dismissed_total,
            raw,
        );
        put(map, "write_off_total", self.write_off_total, raw);
    }
}

impl ItemTotals {
    /// The item's total fields, to merge into the rendered line item.
    pub fn to_json(&self, raw: RawFields) -> Map<String, Value> {
        let mut map = Map::new();
        self.line.write_json(&mut map, raw);
        if let Some(o) = &self.order {
            put(
                &mut map,
                "refundable_total_per_unit",
                o.refundable_total_per_unit,
                raw,
            );
            put(&mut map, "refundable_total", o.refundable_total, raw);
            o.lifecycle.write_json(&mut map, raw);
        }
        map
    }
}

impl ShippingMethodTotals {
    /// The shipping method's total fields, to merge into the rendered shipping method.
    pub fn to_json(&self, raw: RawFields) -> Map<String, Value> {
        let mut map = Map::new();
        self.line.write_json(&mut map, raw);
        map
    }
}

impl AggregateTotals {
    /// Every cart/order-level total field (numbers only, as Medusa sends them); the response's
    /// `fields` projection picks the ones a route shows.
    pub fn to_json(&self) -> Map<String, Value> {
        let mut map = Map::new();
        let raw = RawFields::Omit;
        for (key, value) in [
            ("total", self.total),
            ("subtotal", self.subtotal),
            ("tax_total", self.tax_total),
            ("discount_total", self.discount_total),
            ("discount_subtotal", self.discount_subtotal),
            ("discount_tax_total", self.discount_tax_total),
            ("original_total", self.original_total),
            ("original_subtotal", self.original_subtotal),
            ("original_tax_total", self.original_tax_total),
            ("item_total", self.item_total),
            ("item_subtotal", self.item_subtotal),
            ("item_tax_total", self.item_tax_total),
            ("item_discount_total", self.item_discount_total),
            ("original_item_total", self.original_item_total),
            ("original_item_subtotal", self.original_item_subtotal),
            ("original_item_tax_total", self.original_item_tax_total),
            ("shipping_total", self.shipping_total),
            ("shipping_subtotal", self.shipping_subtotal),
            ("shipping_tax_total", self.shipping_tax_total),
            ("shipping_discount_total", self.shipping_discount_total),
            ("original_shipping_total", self.original_shipping_total),
            (
                "original_shipping_subtotal",
                self.original_shipping_subtotal,
            ),
            (
                "original_shipping_tax_total",
                self.original_shipping_tax_total,
            ),
            ("credit_line_total", self.credit_line_total),
            ("credit_line_subtotal", self.credit_line_subtotal),
            ("credit_line_tax_total", self.credit_line_tax_total),
        ] {
            put(&mut map, key, value, raw);
        }
        if let Some(l) = &self.lifecycle {
            l.write_json(&mut map, raw);
        }
        map
    }
}
