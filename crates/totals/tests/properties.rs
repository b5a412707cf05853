//! Properties of the totals function over random carts: never negative, parts add up to the
//! whole, every amount a whole number of minor units, and inclusive and exclusive pricing agree.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use medusa_core::money::{Amount, CurrencyCode, MinorUnits};
use medusa_totals::{
    AdjustmentInput, CreditLineInput, ItemInput, ItemQuantities, LineTotals, RawFields,
    ShippingMethodInput, TaxLineInput, Totals, TotalsInput, compute,
};
use proptest::prelude::*;
use rust_decimal::Decimal;
use serde_json::Value;

fn cc(code: &str) -> CurrencyCode {
    CurrencyCode::parse(code).unwrap()
}

fn currency() -> impl Strategy<Value = CurrencyCode> {
    prop_oneof![
        Just(cc("eur")),
        Just(cc("usd")),
        Just(cc("jpy")),
        Just(cc("kwd"))
    ]
}

/// Rates as tax modules hold them: common ones and arbitrary ones with up to 3 decimals.
fn rate() -> impl Strategy<Value = Decimal> {
    prop_oneof![
        Just(Decimal::ZERO),
        Just(Decimal::from(25)),
        Just(Decimal::from(19)),
        Just(Decimal::new(8875, 3)),
        (0i64..60_000).prop_map(|r| Decimal::new(r, 3)),
    ]
}

/// Zero, one or two tax lines (a province rate and its combinable country rate).
fn tax_lines() -> impl Strategy<Value = Vec<TaxLineInput>> {
    proptest::collection::vec(rate().prop_map(|rate| TaxLineInput { rate }), 0..=2)
}

fn money(currency: &CurrencyCode, max_minor: i64) -> impl Strategy<Value = Amount> + use<> {
    let currency = currency.clone();
    (0..=max_minor).prop_map(move |m| MinorUnits(m).to_amount(&currency))
}

fn adjustments(currency: &CurrencyCode) -> impl Strategy<Value = Vec<AdjustmentInput>> + use<> {
    // Up to 300.00 each: often more than the line, to exercise the cap.
    proptest::collection::vec(
        (money(currency, 30_000), any::<bool>()).prop_map(|(amount, is_tax_inclusive)| {
            AdjustmentInput {
                amount,
                is_tax_inclusive,
            }
        }),
        0..=2,
    )
}

fn quantities() -> impl Strategy<Value = Option<ItemQuantities>> {
    proptest::option::of(
        (0i64..5, 0i64..5, 0i64..3, 0i64..3).prop_map(|(f, s, rq, rr)| ItemQuantities {
            fulfilled: f,
            shipped: s,
            return_requested: rq,
            return_received: rr,
            return_dismissed: 0,
            written_off: 0,
        }),
    )
}

fn item(currency: &CurrencyCode) -> impl Strategy<Value = ItemInput> + use<> {
    (
        money(currency, 1_000_000),
        0i64..20,
        any::<bool>(),
        tax_lines(),
        adjustments(currency),
        quantities(),
    )
        .prop_map(
            |(unit_price, quantity, is_tax_inclusive, tax_lines, adjustments, detail)| ItemInput {
                id: "cali".into(),
                unit_price,
                quantity,
                is_tax_inclusive,
                tax_lines,
                adjustments,
                detail,
            },
        )
}

fn method(currency: &CurrencyCode) -> impl Strategy<Value = ShippingMethodInput> + use<> {
    (
        money(currency, 100_000),
        any::<bool>(),
        tax_lines(),
        adjustments(currency),
    )
        .prop_map(
            |(amount, is_tax_inclusive, tax_lines, adjustments)| ShippingMethodInput {
                id: "casm".into(),
                amount,
                is_tax_inclusive,
                tax_lines,
                adjustments,
            },
        )
}

fn cart() -> impl Strategy<Value = TotalsInput> {
    currency().prop_flat_map(|currency| {
        (
            proptest::collection::vec(item(&currency), 0..6),
            proptest::collection::vec(method(&currency), 0..3),
            proptest::collection::vec(
                money(&currency, 20_000).prop_map(|amount| CreditLineInput { amount }),
                0..2,
            ),
        )
            .prop_map(move |(items, shipping_methods, credit_lines)| TotalsInput {
                currency: currency.clone(),
                items,
                shipping_methods,
                credit_lines,
            })
    })
}

/// Every number in the totals' wire form, with its key.
fn all_amounts(totals: &Totals) -> Vec<(String, Value)> {
    let mut out: Vec<(String, Value)> = Vec::new();
    let mut take = |map: serde_json::Map<String, Value>| {
        out.extend(map.into_iter().filter(|(k, _)| !k.starts_with("raw_")));
    };
    take(totals.aggregate.to_json());
    for i in &totals.items {
        take(i.to_json(RawFields::Include));
        for n in 0..i.line.tax_lines.len() {
            take(i.line.tax_line_json(n, RawFields::Omit));
        }
    }
    for m in &totals.shipping_methods {
        take(m.to_json(RawFields::Omit));
        for n in 0..m.line.tax_lines.len() {
            take(m.line.tax_line_json(n, RawFields::Omit));
        }
    }
    out
}

fn check_line(l: &LineTotals) -> Result<(), TestCaseError> {
    prop_assert_eq!(l.total, l.subtotal - l.discount_subtotal + l.tax_total);
    prop_assert_eq!(l.original_total, l.subtotal + l.original_tax_total);
    prop_assert_eq!(l.original_subtotal, l.subtotal);
    prop_assert_eq!(l.discount_total, l.discount_subtotal + l.discount_tax_total);
    prop_assert_eq!(l.discount_tax_total, l.original_tax_total - l.tax_total);
    prop_assert!(l.discount_subtotal <= l.subtotal);
    prop_assert!(l.total <= l.original_total);
    let tax: Amount = l.tax_lines.iter().map(|t| t.total).sum();
    let original_tax: Amount = l.tax_lines.iter().map(|t| t.subtotal).sum();
    if !l.tax_lines.is_empty() {
        prop_assert_eq!(tax, l.tax_total);
        prop_assert_eq!(original_tax, l.original_tax_total);
    } else {
        prop_assert_eq!(l.tax_total, Amount::ZERO);
        prop_assert_eq!(l.original_tax_total, Amount::ZERO);
    }
    Ok(())
}

fn sum(lines: &[&LineTotals], f: impl Fn(&LineTotals) -> Amount) -> Amount {
    lines.iter().map(|l| f(l)).sum()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn totals_are_never_negative_and_always_whole_minor_units(input in cart()) {
        let totals = compute(&input).unwrap();
        for (key, value) in all_amounts(&totals) {
            let amount: Amount = serde_json::from_value(value.clone()).unwrap();
            prop_assert!(amount >= Amount::ZERO, "{} = {} is negative", key, value);
            // Exact in the currency's minor unit, and the JSON number reads back exactly.
            prop_assert!(amount.to_minor(&input.currency).is_ok(), "{} = {} is not whole", key, value);
        }
    }

    #[test]
    fn parts_add_up_to_the_whole(input in cart()) {
        let totals = compute(&input).unwrap();
        let items: Vec<&LineTotals> = totals.items.iter().map(|i| &i.line).collect();
        let methods: Vec<&LineTotals> = totals.shipping_methods.iter().map(|m| &m.line).collect();
        for l in items.iter().chain(methods.iter()) {
            check_line(l)?;
        }
        let a = &totals.aggregate;
        prop_assert_eq!(a.item_total, sum(&items, |l| l.total));
        prop_assert_eq!(a.item_subtotal, sum(&items, |l| l.subtotal));
        prop_assert_eq!(a.item_tax_total, sum(&items, |l| l.tax_total));
        prop_assert_eq!(a.item_discount_total, sum(&items, |l| l.discount_total));
        prop_assert_eq!(a.original_item_total, sum(&items, |l| l.original_total));
        prop_assert_eq!(a.shipping_total, sum(&methods, |l| l.total));
        prop_assert_eq!(a.shipping_subtotal, sum(&methods, |l| l.subtotal));
        prop_assert_eq!(a.shipping_discount_total, sum(&methods, |l| l.discount_total));
        prop_assert_eq!(a.subtotal, a.item_subtotal + a.shipping_subtotal);
        prop_assert_eq!(a.tax_total, a.item_tax_total + a.shipping_tax_total);
        prop_assert_eq!(a.original_tax_total, a.original_item_tax_total + a.original_shipping_tax_total);
        prop_assert_eq!(a.original_total, a.original_item_total + a.original_shipping_total);
        prop_assert_eq!(a.original_total, a.subtotal + a.original_tax_total);
        prop_assert_eq!(a.discount_total, a.discount_subtotal + a.discount_tax_total);
        prop_assert_eq!(a.discount_total, a.original_total - (a.item_total + a.shipping_total));
        let credit: Amount = input.credit_lines.iter().map(|c| c.amount).sum();
        prop_assert_eq!(a.credit_line_total, credit);
        let due = a.subtotal + a.tax_total - a.discount_subtotal;
        prop_assert_eq!(due, a.item_total + a.shipping_total);
        if credit <= due {
            prop_assert_eq!(a.total, due - credit);
        } else {
            prop_assert_eq!(a.total, Amount::ZERO);
        }
        // Order items' lifecycle totals never exceed the line and sum to the order's.
        for i in &totals.items {
            if let Some(o) = &i.order {
                prop_assert!(o.refundable_total <= i.line.total);
                prop_assert!(o.lifecycle.fulfilled_total <= i.line.total);
            }
        }
        if let Some(l) = &a.lifecycle {
            let fulfilled: Amount = totals.items.iter().filter_map(|i| i.order.as_ref()).map(|o| o.lifecycle.fulfilled_total).sum();
            prop_assert_eq!(l.fulfilled_total, fulfilled);
        }
    }

    #[test]
    fn inclusive_gross_is_preserved(currency in currency(), gross in 0i64..10_000_000, taxes in tax_lines(), discount in 0i64..20_000_000) {
        let gross = MinorUnits(gross).to_amount(&currency);
        let discount = MinorUnits(discount).to_amount(&currency);
        let mut input = TotalsInput {
            currency: currency.clone(),
            items: vec![ItemInput {
                id: "a".into(), unit_price: gross, quantity: 1, is_tax_inclusive: true,
                tax_lines: taxes, adjustments: vec![], detail: None,
            }],
            shipping_methods: vec![],
            credit_lines: vec![],
        };
        let line = compute(&input).unwrap().items.remove(0).line;
        prop_assert_eq!(line.total, gross);
        prop_assert_eq!(line.original_total, gross);
        // A gross discount comes off the gross exactly (down to zero).
        input.items[0].adjustments = vec![AdjustmentInput { amount: discount, is_tax_inclusive: true }];
        let line = compute(&input).unwrap().items.remove(0).line;
        prop_assert_eq!(line.total, (gross - discount).max(Amount::ZERO));
        prop_assert_eq!(line.discount_total, discount.min(gross));
    }

    #[test]
    fn inclusive_and_exclusive_prices_agree(
        currency in currency(),
        lines in proptest::collection::vec((1i64..1_000_000, 1i64..10, tax_lines()), 1..5),
    ) {
        // Each exclusive line `price × quantity` against an inclusive line whose gross is that
        // line's net plus its rounded tax.
        let exclusive = TotalsInput {
            currency: currency.clone(),
            items: lines.iter().map(|(price, qty, taxes)| ItemInput {
                id: "x".into(),
                unit_price: MinorUnits(*price).to_amount(&currency),
                quantity: *qty,
                is_tax_inclusive: false,
                tax_lines: taxes.clone(),
                adjustments: vec![],
                detail: None,
            }).collect(),
            shipping_methods: vec![],
            credit_lines: vec![],
        };
        let ex = compute(&exclusive).unwrap();
        let inclusive = TotalsInput {
            items: exclusive.items.iter().zip(&ex.items).map(|(input, totals)| ItemInput {
                unit_price: totals.line.subtotal + totals.line.tax_total,
                quantity: 1,
                is_tax_inclusive: true,
                ..input.clone()
            }).collect(),
            shipping_methods: exclusive.items.iter().zip(&ex.items).map(|(input, totals)| ShippingMethodInput {
                id: "m".into(),
                amount: totals.line.subtotal + totals.line.tax_total,
                is_tax_inclusive: true,
                tax_lines: input.tax_lines.clone(),
                adjustments: vec![],
            }).collect(),
            ..exclusive.clone()
        };
        let inc = compute(&inclusive).unwrap();
        for (e, i) in ex.items.iter().zip(&inc.items) {
            prop_assert_eq!(&e.line, &i.line);
        }
        for (e, m) in ex.items.iter().zip(&inc.shipping_methods) {
            prop_assert_eq!(&e.line, &m.line);
        }
        prop_assert_eq!(ex.aggregate.item_total, inc.aggregate.item_total);
        prop_assert_eq!(ex.aggregate.tax_total, inc.aggregate.item_tax_total);
        prop_assert_eq!(ex.aggregate.subtotal, inc.aggregate.item_subtotal);
    }
}
