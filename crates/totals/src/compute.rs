//! The arithmetic. Everything runs on whole minor units held in `Decimal`s (cents for EUR, yen for
//! JPY, fils for KWD); the only rounding is [`medusa_core::money::round`] to zero decimals, at the
//! points the crate documentation lists.

use medusa_core::money::{Amount, round};
use rust_decimal::Decimal;

use crate::error::TotalsError;
use crate::input::{AdjustmentInput, ItemInput, ItemQuantities, TaxLineInput, TotalsInput};
use crate::output::{
    AggregateTotals, ItemTotals, LifecycleTotals, LineTotals, OrderItemTotals,
    ShippingMethodTotals, TaxLineTotals, Totals,
};

/// The largest amount one line may reach, in minor units. Far above any real order, and low
/// enough that no sum of lines can overflow `Decimal` (about 7.9e28).
pub(crate) const LIMIT: Decimal = Decimal::from_parts(0xA764_0000, 0x0DE0_B6B3, 0, false, 0); // 10^18

/// The highest tax rate accepted, in percent.
const MAX_RATE: Decimal = Decimal::from_parts(1000, 0, 0, false, 0);

/// The currency's minor unit: converts between major-unit amounts and whole minor units.
struct Unit {
    /// 10^digits.
    scale: Decimal,
}

impl Unit {
    fn new(digits: u32) -> Unit {
        Unit {
            scale: Decimal::from(10i64.pow(digits)),
        }
    }

    /// `amount` in minor units, rounded to a whole one if it is finer; refused when negative or
    /// beyond [`LIMIT`].
    fn minor(
        &self,
        amount: Amount,
        owner: &str,
        field: &'static str,
    ) -> Result<Decimal, TotalsError> {
        let scaled = amount
            .decimal()
            .checked_mul(self.scale)
            .ok_or_else(|| out_of_range(owner, field))?;
        within_limits(round(scaled, 0), owner, field)
    }

    fn amount(&self, minor: Decimal) -> Amount {
        // Dividing a whole number by a power of ten is exact.
        Amount::new(minor / self.scale)
    }
}

fn negative(owner: &str, field: &'static str) -> TotalsError {
    TotalsError::Negative {
        owner: owner.to_owned(),
        field,
    }
}

fn out_of_range(owner: &str, field: &'static str) -> TotalsError {
    TotalsError::OutOfRange {
        owner: owner.to_owned(),
        field,
    }
}

fn within_limits(value: Decimal, owner: &str, field: &'static str) -> Result<Decimal, TotalsError> {
    if value.is_sign_negative() && !value.is_zero() {
        Err(negative(owner, field))
    } else if value > LIMIT {
        Err(out_of_range(owner, field))
    } else {
        Ok(value)
    }
}

/// Rounds to a whole minor unit: the one rounding rule (half away from zero).
fn whole(value: Decimal) -> Decimal {
    round(value, 0)
}

/// The totals of a cart or an order. See the crate documentation for the rounding rule.
pub fn compute(input: &TotalsInput) -> Result<Totals, TotalsError> {
    let unit = Unit::new(input.currency.minor_digits());

    let items = input
        .items
        .iter()
        .map(|item| item_totals(&unit, item))
        .collect::<Result<Vec<_>, _>>()?;

    let shipping_methods = input
        .shipping_methods
        .iter()
        .map(|method| {
            let owner = format!("shipping method {}", method.id);
            let gross = unit.minor(method.amount, &owner, "amount")?;
            let line = line_totals(
                &unit,
                &owner,
                gross,
                method.is_tax_inclusive,
                &method.tax_lines,
                &method.adjustments,
            )?;
            Ok(ShippingMethodTotals {
                id: method.id.clone(),
                line,
            })
        })
        .collect::<Result<Vec<_>, TotalsError>>()?;

    let mut credit_line_total = Amount::ZERO;
    for (index, credit) in input.credit_lines.iter().enumerate() {
        let owner = format!("credit line {index}");
        credit_line_total =
            credit_line_total + unit.amount(unit.minor(credit.amount, &owner, "amount")?);
    }

    Ok(aggregate(items, shipping_methods, credit_line_total))
}

fn item_totals(unit: &Unit, item: &ItemInput) -> Result<ItemTotals, TotalsError> {
    let owner = format!("line item {}", item.id);
    if item.quantity < 0 {
        return Err(negative(&owner, "quantity"));
    }
    // The line's gross is `unit_price × quantity`, rounded to the minor unit only if the price
    // itself is finer than the currency (stored prices never are).
    let price = item
        .unit_price
        .decimal()
        .checked_mul(unit.scale)
        .ok_or_else(|| out_of_range(&owner, "unit_price"))?;
    within_limits(price, &owner, "unit_price")?;
    let gross = price
        .checked_mul(Decimal::from(item.quantity))
        .map(whole)
        .ok_or_else(|| out_of_range(&owner, "quantity"))?;
    let gross = within_limits(gross, &owner, "quantity")?;
    let line = line_totals(
        unit,
        &owner,
        gross,
        item.is_tax_inclusive,
        &item.tax_lines,
        &item.adjustments,
    )?;
    let order = match &item.detail {
        Some(detail) => Some(order_item_totals(
            unit,
            &owner,
            item.quantity,
            &line,
            detail,
        )?),
        None => None,
    };
    Ok(ItemTotals {
        id: item.id.clone(),
        line,
        order,
    })
}

/// One line's totals from its gross amount in minor units (`unit_price × quantity`, or a shipping
/// method's amount), which includes taxes when `inclusive`.
fn line_totals(
    unit: &Unit,
    owner: &str,
    gross: Decimal,
    inclusive: bool,
    tax_lines: &[TaxLineInput],
    adjustments: &[AdjustmentInput],
) -> Result<LineTotals, TotalsError> {
    let mut rate_sum = Decimal::ZERO;
    for t in tax_lines {
        if t.rate.is_sign_negative() && !t.rate.is_zero() {
            return Err(negative(owner, "tax rate"));
        }
        // No real tax is above 1000 %; the cap keeps every product below far from overflow.
        if t.rate > MAX_RATE {
            return Err(out_of_range(owner, "tax rate"));
        }
        rate_sum += t.rate;
    }
    // The combined rate as a fraction (25 % -> 0.25) and the gross factor 1 + r.
    let r = rate_sum / Decimal::ONE_HUNDRED;
    let factor = Decimal::ONE + r;
    // With amounts below LIMIT and rates below MAX_RATE these cannot overflow.
    let net_of = |g: Decimal| whole(g / factor);
    let tax_on = |n: Decimal| whole(n * r);

    // Each adjustment in minor units, net and gross of tax.
    let mut adjustments_net = Decimal::ZERO;
    let mut adjustments_gross = Decimal::ZERO;
    for a in adjustments {
        let amount = unit.minor(a.amount, owner, "adjustment amount")?;
        let (net, gross_amount) = if a.is_tax_inclusive {
            (net_of(amount), amount)
        } else {
            (amount, whole(amount * factor))
        };
        adjustments_net = within_limits(adjustments_net + net, owner, "adjustments")?;
        adjustments_gross = within_limits(adjustments_gross + gross_amount, owner, "adjustments")?;
    }

    // s: net before discounts; o: its tax; n: net after discounts; t: its tax.
    let (s, o, n, t) = if inclusive {
        // The gross price is what the shopper saw: keep it exact and derive the net from it, so
        // `total` is the gross minus the gross discount to the minor unit.
        let s = net_of(gross);
        let o = gross - s;
        let discounted = gross - adjustments_gross.min(gross);
        let n = net_of(discounted);
        (s, o, n, discounted - n)
    } else {
        let s = gross;
        let o = tax_on(s);
        let n = s - adjustments_net.min(s);
        (s, o, n, tax_on(n))
    };

    let taxes = split(t, tax_lines, rate_sum);
    let original_taxes = split(o, tax_lines, rate_sum);
    Ok(LineTotals {
        subtotal: unit.amount(s),
        total: unit.amount(n + t),
        original_subtotal: unit.amount(s),
        original_total: unit.amount(s + o),
        discount_subtotal: unit.amount(s - n),
        discount_tax_total: unit.amount(o - t),
        discount_total: unit.amount((s - n) + (o - t)),
        tax_total: unit.amount(t),
        original_tax_total: unit.amount(o),
        tax_lines: taxes
            .into_iter()
            .zip(original_taxes)
            .map(|(total, subtotal)| TaxLineTotals {
                total: unit.amount(total),
                subtotal: unit.amount(subtotal),
            })
            .collect(),
    })
}

/// Splits a line's tax `total` (whole minor units) among its tax lines in proportion to their
/// rates, by largest remainder: each line gets the floor of its exact share, and the units left
/// over go one each to the lines with the largest fractional parts (earlier lines first on ties).
/// The shares are never negative and add up to `total` exactly.
fn split(total: Decimal, tax_lines: &[TaxLineInput], rate_sum: Decimal) -> Vec<Decimal> {
    if tax_lines.is_empty() {
        return Vec::new();
    }
    if rate_sum.is_zero() {
        // No rate means no tax (`total` is zero here).
        return vec![Decimal::ZERO; tax_lines.len()];
    }
    let exact: Vec<Decimal> = tax_lines
        .iter()
        .map(|t| total * t.rate / rate_sum)
        .collect();
    let mut shares: Vec<Decimal> = exact.iter().map(|e| e.floor()).collect();
    let mut left = total - shares.iter().copied().sum::<Decimal>();
    let mut order: Vec<usize> = (0..tax_lines.len()).collect();
    // Stable sort: ties keep input order.
    order.sort_by(|&a, &b| (exact[b] - shares[b]).cmp(&(exact[a] - shares[a])));
    for index in order {
        if left <= Decimal::ZERO {
            break;
        }
        shares[index] += Decimal::ONE;
        left -= Decimal::ONE;
    }
    shares
}

#[cfg(test)]
pub(crate) fn split_for_tests(total: Decimal, tax_lines: &[TaxLineInput]) -> Vec<Decimal> {
    let rate_sum = tax_lines.iter().map(|t| t.rate).sum();
    split(total, tax_lines, rate_sum)
}

/// The order-only totals: the line's `total` prorated to each lifecycle quantity.
fn order_item_totals(
    unit: &Unit,
    owner: &str,
    quantity: i64,
    line: &LineTotals,
    detail: &ItemQuantities,
) -> Result<OrderItemTotals, TotalsError> {
    let total = line.total.decimal() * unit.scale;
    let share = |qty: i64, field: &'static str| -> Result<Amount, TotalsError> {
        if qty < 0 {
            return Err(negative(owner, field));
        }
        if quantity == 0 {
            return Ok(Amount::ZERO);
        }
        // At most the whole line, whatever the recorded quantity says.
        let (qty, quantity) = (Decimal::from(qty.min(quantity)), Decimal::from(quantity));
        // Multiply first so the share is exact; only absurd quantities (beyond 10^10 units of a
        // 10^18 line) overflow that, and then the 28-digit ratio is as good as exact.
        let share = match total.checked_mul(qty) {
            Some(product) => product / quantity,
            None => total * (qty / quantity),
        };
        Ok(unit.amount(whole(share)))
    };
    let returned = detail
        .return_requested
        .saturating_add(detail.return_received)
        .saturating_add(detail.return_dismissed);
    let refundable_quantity = quantity.saturating_sub(returned).max(0);
    let refundable_total = share(refundable_quantity, "return quantities")?;
    let refundable_total_per_unit = if refundable_quantity == 0 {
        Amount::ZERO
    } else {
        unit.amount(whole(
            refundable_total.decimal() * unit.scale / Decimal::from(refundable_quantity),
        ))
    };
    Ok(OrderItemTotals {
        refundable_total_per_unit,
        refundable_total,
        lifecycle: LifecycleTotals {
            fulfilled_total: share(detail.fulfilled, "fulfilled_quantity")?,
            shipped_total: share(detail.shipped, "shipped_quantity")?,
            return_requested_total: share(detail.return_requested, "return_requested_quantity")?,
            return_received_total: share(detail.return_received, "return_received_quantity")?,
            return_dismissed_total: share(detail.return_dismissed, "return_dismissed_quantity")?,
            write_off_total: share(detail.written_off, "written_off_quantity")?,
        },
    })
}

fn sum<T>(rows: &[T], f: impl Fn(&T) -> Amount) -> Amount {
    rows.iter().map(f).sum()
}

/// The cart/order-level totals: plain sums of the already rounded line values.
fn aggregate(
    items: Vec<ItemTotals>,
    shipping_methods: Vec<ShippingMethodTotals>,
    credit_line_total: Amount,
) -> Totals {
    let item = |f: fn(&LineTotals) -> Amount| sum(&items, |i| f(&i.line));
    let method = |f: fn(&LineTotals) -> Amount| sum(&shipping_methods, |m| f(&m.line));
    let both = |f: fn(&LineTotals) -> Amount| item(f) + method(f);

    let subtotal = both(|l| l.subtotal);
    let tax_total = both(|l| l.tax_total);
    let discount_subtotal = both(|l| l.discount_subtotal);
    let due = subtotal + tax_total - discount_subtotal - credit_line_total;
    // Credit beyond what is due leaves nothing to pay; it does not make the total negative.
    let total = due.max(Amount::ZERO);

    let order_items: Vec<&OrderItemTotals> =
        items.iter().filter_map(|i| i.order.as_ref()).collect();
    let lifecycle = (!order_items.is_empty()).then(|| {
        let s =
            |f: fn(&LifecycleTotals) -> Amount| order_items.iter().map(|o| f(&o.lifecycle)).sum();
        LifecycleTotals {
            fulfilled_total: s(|l| l.fulfilled_total),
            shipped_total: s(|l| l.shipped_total),
            return_requested_total: s(|l| l.return_requested_total),
            return_received_total: s(|l| l.return_received_total),
            return_dismissed_total: s(|l| l.return_dismissed_total),
            write_off_total: s(|l| l.write_off_total),
        }
    });

    let aggregate = AggregateTotals {
        total,
        subtotal,
        tax_total,
        discount_total: both(|l| l.discount_total),
        discount_subtotal,
        discount_tax_total: both(|l| l.discount_tax_total),
        original_total: both(|l| l.original_total),
        original_subtotal: both(|l| l.original_subtotal),
        original_tax_total: both(|l| l.original_tax_total),
        item_total: item(|l| l.total),
        item_subtotal: item(|l| l.subtotal),
        item_tax_total: item(|l| l.tax_total),
        item_discount_total: item(|l| l.discount_total),
        original_item_total: item(|l| l.original_total),
        original_item_subtotal: item(|l| l.original_subtotal),
        original_item_tax_total: item(|l| l.original_tax_total),
        shipping_total: method(|l| l.total),
        shipping_subtotal: method(|l| l.subtotal),
        shipping_tax_total: method(|l| l.tax_total),
        shipping_discount_total: method(|l| l.discount_total),
        original_shipping_total: method(|l| l.original_total),
        original_shipping_subtotal: method(|l| l.original_subtotal),
        original_shipping_tax_total: method(|l| l.original_tax_total),
        credit_line_total,
        credit_line_subtotal: credit_line_total,
        credit_line_tax_total: Amount::ZERO,
        lifecycle,
    };
    Totals {
        items,
        shipping_methods,
        aggregate,
    }
}
