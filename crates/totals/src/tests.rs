use medusa_core::money::{Amount, CurrencyCode};
use rust_decimal::Decimal;
use rust_decimal_macros::dec;
use serde_json::{Map, Value, json};

use crate::compute::split_for_tests;
use crate::*;

fn cc(code: &str) -> CurrencyCode {
    CurrencyCode::parse(code).unwrap()
}

fn amt(d: Decimal) -> Amount {
    Amount::new(d)
}

fn rates(rates: &[Decimal]) -> Vec<TaxLineInput> {
    rates.iter().map(|r| TaxLineInput { rate: *r }).collect()
}

fn item(
    id: &str,
    unit_price: Decimal,
    quantity: i64,
    inclusive: bool,
    tax: &[Decimal],
) -> ItemInput {
    ItemInput {
        id: id.to_owned(),
        unit_price: amt(unit_price),
        quantity,
        is_tax_inclusive: inclusive,
        tax_lines: rates(tax),
        adjustments: Vec::new(),
        detail: None,
    }
}

fn method(id: &str, amount: Decimal, inclusive: bool, tax: &[Decimal]) -> ShippingMethodInput {
    ShippingMethodInput {
        id: id.to_owned(),
        amount: amt(amount),
        is_tax_inclusive: inclusive,
        tax_lines: rates(tax),
        adjustments: Vec::new(),
    }
}

fn adj(amount: Decimal, inclusive: bool) -> AdjustmentInput {
    AdjustmentInput {
        amount: amt(amount),
        is_tax_inclusive: inclusive,
    }
}

fn cart(currency: &str, items: Vec<ItemInput>, methods: Vec<ShippingMethodInput>) -> TotalsInput {
    TotalsInput {
        currency: cc(currency),
        items,
        shipping_methods: methods,
        credit_lines: Vec::new(),
    }
}

fn only_line(input: TotalsInput) -> LineTotals {
    compute(&input).unwrap().items.remove(0).line
}

/// The line's money fields as `(subtotal, total, tax_total, original_tax_total, original_total,
/// discount_subtotal, discount_tax_total, discount_total)`.
fn fields(l: &LineTotals) -> [Decimal; 8] {
    [
        l.subtotal.decimal(),
        l.total.decimal(),
        l.tax_total.decimal(),
        l.original_tax_total.decimal(),
        l.original_total.decimal(),
        l.discount_subtotal.decimal(),
        l.discount_tax_total.decimal(),
        l.discount_total.decimal(),
    ]
}

/// The golden checkout (`medusa-golden/14-add-shipping-method.json`, `19-store-get-order.json`):
/// one variant at 13 EUR × 2 and a 10 EUR shipping option, both with Denmark's 25 %.
fn golden_cart() -> TotalsInput {
    cart(
        "eur",
        vec![item("cali_1", dec!(13), 2, false, &[dec!(25)])],
        vec![method("casm_1", dec!(10), false, &[dec!(25)])],
    )
}

fn pick(map: &Map<String, Value>, keys: &[&str]) -> Value {
    Value::Object(
        keys.iter()
            .map(|k| ((*k).to_owned(), map.get(*k).cloned().unwrap_or(Value::Null)))
            .collect(),
    )
}

#[test]
fn golden_cart_totals_match_medusa() {
    // The cart object of medusa-golden/14-add-shipping-method.json, total keys only.
    let golden = json!({
        "total": 45, "subtotal": 36, "tax_total": 9, "discount_total": 0, "discount_subtotal": 0,
        "discount_tax_total": 0, "original_total": 45, "original_tax_total": 9, "item_total": 32.5,
        "item_subtotal": 26, "item_tax_total": 6.5, "item_discount_total": 0,
        "original_item_total": 32.5, "original_item_subtotal": 26, "original_item_tax_total": 6.5,
        "shipping_total": 12.5, "shipping_subtotal": 10, "shipping_tax_total": 2.5,
        "shipping_discount_total": 0, "original_shipping_tax_total": 2.5,
        "original_shipping_subtotal": 10, "original_shipping_total": 12.5,
        "credit_line_subtotal": 0, "credit_line_tax_total": 0, "credit_line_total": 0
    });
    let totals = compute(&golden_cart()).unwrap();
    let mut map = totals.aggregate.to_json();
    // The one key the cart route projects away (orders show it).
    assert_eq!(map.remove("original_subtotal"), Some(json!(36)));
    assert_eq!(Value::Object(map), golden);
}

#[test]
fn golden_cart_before_shipping_and_before_address() {
    // medusa-golden/11: no address yet, so no tax lines.
    let mut input = cart("eur", vec![item("cali_1", dec!(13), 2, false, &[])], vec![]);
    let map = compute(&input).unwrap().aggregate.to_json();
    for (key, value) in &map {
        let expected = match key.as_str() {
            "total"
            | "subtotal"
            | "original_total"
            | "original_subtotal"
            | "item_total"
            | "item_subtotal"
            | "original_item_total"
            | "original_item_subtotal" => json!(26),
            _ => json!(0),
        };
        assert_eq!(value, &expected, "{key}");
    }
    // medusa-golden/12: the address brings Denmark's 25 %.
    input.items[0].tax_lines = rates(&[dec!(25)]);
    let map = compute(&input).unwrap().aggregate.to_json();
    assert_eq!(
        pick(
            &map,
            &[
                "total",
                "subtotal",
                "tax_total",
                "item_total",
                "original_total",
                "shipping_total"
            ]
        ),
        json!({"total": 32.5, "subtotal": 26, "tax_total": 6.5, "item_total": 32.5,
               "original_total": 32.5, "shipping_total": 0})
    );
}

#[test]
fn golden_order_line_totals_match_medusa_with_raw_fields() {
    let mut input = golden_cart();
    input.items[0].detail = Some(ItemQuantities::default());
    let totals = compute(&input).unwrap();

    // medusa-golden/19-store-get-order.json, order.items[0] total fields.
    let golden_item = json!({
        "subtotal": 26, "total": 32.5, "original_subtotal": 26, "original_total": 32.5,
        "discount_subtotal": 0, "discount_tax_total": 0, "discount_total": 0, "tax_total": 6.5,
        "original_tax_total": 6.5, "refundable_total_per_unit": 16.25, "refundable_total": 32.5,
        "fulfilled_total": 0, "shipped_total": 0, "return_requested_total": 0,
        "return_received_total": 0, "return_dismissed_total": 0, "write_off_total": 0,
        "raw_subtotal": {"value": "26", "precision": 20},
        "raw_total": {"value": "32.5", "precision": 20},
        "raw_original_subtotal": {"value": "26", "precision": 20},
        "raw_original_total": {"value": "32.5", "precision": 20},
        "raw_discount_subtotal": {"value": "0", "precision": 20},
        "raw_discount_tax_total": {"value": "0", "precision": 20},
        "raw_discount_total": {"value": "0", "precision": 20},
        "raw_tax_total": {"value": "6.5", "precision": 20},
        "raw_original_tax_total": {"value": "6.5", "precision": 20},
        "raw_refundable_total_per_unit": {"value": "16.25", "precision": 20},
        "raw_refundable_total": {"value": "32.5", "precision": 20},
        "raw_fulfilled_total": {"value": "0", "precision": 20},
        "raw_shipped_total": {"value": "0", "precision": 20},
        "raw_return_requested_total": {"value": "0", "precision": 20},
        "raw_return_received_total": {"value": "0", "precision": 20},
        "raw_return_dismissed_total": {"value": "0", "precision": 20},
        "raw_write_off_total": {"value": "0", "precision": 20}
    });
    assert_eq!(
        Value::Object(totals.items[0].to_json(RawFields::Include)),
        golden_item
    );
    assert_eq!(
        Value::Object(totals.items[0].line.tax_line_json(0, RawFields::Include)),
        json!({"total": 6.5, "subtotal": 6.5,
               "raw_total": {"value": "6.5", "precision": 20},
               "raw_subtotal": {"value": "6.5", "precision": 20}})
    );
    assert!(
        totals.items[0]
            .line
            .tax_line_json(1, RawFields::Include)
            .is_empty()
    );

    // order.shipping_methods[0].
    let golden_method = json!({
        "subtotal": 10, "total": 12.5, "original_subtotal": 10, "original_total": 12.5,
        "discount_total": 0, "discount_subtotal": 0, "discount_tax_total": 0, "tax_total": 2.5,
        "original_tax_total": 2.5,
        "raw_subtotal": {"value": "10", "precision": 20},
        "raw_total": {"value": "12.5", "precision": 20},
        "raw_original_subtotal": {"value": "10", "precision": 20},
        "raw_original_total": {"value": "12.5", "precision": 20},
        "raw_discount_total": {"value": "0", "precision": 20},
        "raw_discount_subtotal": {"value": "0", "precision": 20},
        "raw_discount_tax_total": {"value": "0", "precision": 20},
        "raw_tax_total": {"value": "2.5", "precision": 20},
        "raw_original_tax_total": {"value": "2.5", "precision": 20}
    });
    assert_eq!(
        Value::Object(totals.shipping_methods[0].to_json(RawFields::Include)),
        golden_method
    );

    // The order's own totals (order object of the same golden, which has `original_subtotal`).
    let map = totals.aggregate.to_json();
    assert_eq!(
        pick(
            &map,
            &[
                "total",
                "subtotal",
                "tax_total",
                "original_subtotal",
                "credit_line_total"
            ]
        ),
        json!({"total": 45, "subtotal": 36, "tax_total": 9, "original_subtotal": 36,
               "credit_line_total": 0})
    );
    // An order also gets the summed lifecycle totals.
    assert_eq!(map.get("fulfilled_total"), Some(&json!(0)));
}

#[test]
fn cart_items_carry_no_raw_fields() {
    let totals = compute(&golden_cart()).unwrap();
    let map = totals.items[0].to_json(RawFields::Omit);
    assert!(map.keys().all(|k| !k.starts_with("raw_")));
    assert_eq!(map.len(), 9);
    assert!(!map.contains_key("refundable_total"));
    assert!(!totals.aggregate.to_json().contains_key("fulfilled_total"));
}

#[test]
fn exact_medusa_example_with_two_rates() {
    // Medusa's own unit test "carts with items + taxes", whose numbers are already exact.
    let totals = compute(&cart(
        "usd",
        vec![
            item("a", dec!(30), 2, false, &[dec!(10)]),
            item("b", dec!(5), 1, false, &[dec!(50)]),
        ],
        vec![],
    ))
    .unwrap();
    assert_eq!(totals.items[0].line.total.decimal(), dec!(66));
    assert_eq!(totals.items[1].line.total.decimal(), dec!(7.5));
    let a = &totals.aggregate;
    assert_eq!(a.total.decimal(), dec!(73.5));
    assert_eq!(a.subtotal.decimal(), dec!(65));
    assert_eq!(a.tax_total.decimal(), dec!(8.5));
    assert_eq!(a.original_item_total.decimal(), dec!(73.5));
}

#[test]
fn exclusive_price_with_a_discount() {
    // 50 × 2 at 10 % with a 20 discount: Medusa 2.21 gives the same numbers.
    let mut i = item("a", dec!(50), 2, false, &[dec!(10)]);
    i.adjustments = vec![adj(dec!(20), false)];
    let line = only_line(cart("eur", vec![i], vec![]));
    // subtotal, total, tax, original tax, original total, discount sub/tax/total
    assert_eq!(
        fields(&line),
        [
            dec!(100),
            dec!(88),
            dec!(8),
            dec!(10),
            dec!(110),
            dec!(20),
            dec!(2),
            dec!(22)
        ]
    );
    assert_eq!(line.tax_lines[0].total.decimal(), dec!(8));
    assert_eq!(line.tax_lines[0].subtotal.decimal(), dec!(10));
}

#[test]
fn inclusive_price_keeps_the_gross_exact() {
    // Medusa: subtotal 90.9090909…, tax 9.0909090…; here both are cents and add up to 100.
    let line = only_line(cart(
        "eur",
        vec![item("a", dec!(50), 2, true, &[dec!(10)])],
        vec![],
    ));
    assert_eq!(
        fields(&line),
        [
            dec!(90.91),
            dec!(100),
            dec!(9.09),
            dec!(9.09),
            dec!(100),
            dec!(0),
            dec!(0),
            dec!(0)
        ]
    );
}

#[test]
fn inclusive_price_with_inclusive_and_exclusive_discounts() {
    // A 10 gross discount on a 100 gross price leaves exactly 90.
    let mut i = item("a", dec!(100), 1, true, &[dec!(10)]);
    i.adjustments = vec![adj(dec!(10), true)];
    let line = only_line(cart("eur", vec![i.clone()], vec![]));
    assert_eq!(
        fields(&line),
        [
            dec!(90.91),
            dec!(90),
            dec!(8.18),
            dec!(9.09),
            dec!(100),
            dec!(9.09),
            dec!(0.91),
            dec!(10)
        ]
    );
    // A net discount of 10 is 11 gross (as in Medusa 2.21, which also gives a total of 89).
    i.adjustments = vec![adj(dec!(10), false)];
    let line = only_line(cart("eur", vec![i], vec![]));
    assert_eq!(line.total.decimal(), dec!(89));
    assert_eq!(line.discount_total.decimal(), dec!(11));
    assert_eq!(line.tax_total.decimal(), dec!(8.09));
}

#[test]
fn exclusive_price_with_an_inclusive_discount() {
    // 11 gross off a 100 net line at 10 % is 10 net.
    let mut i = item("a", dec!(100), 1, false, &[dec!(10)]);
    i.adjustments = vec![adj(dec!(11), true)];
    let line = only_line(cart("eur", vec![i], vec![]));
    assert_eq!(line.discount_subtotal.decimal(), dec!(10));
    assert_eq!(line.total.decimal(), dec!(99));
}

#[test]
fn discounts_larger_than_the_line_stop_at_zero() {
    let mut i = item("a", dec!(10), 1, false, &[dec!(25)]);
    i.adjustments = vec![adj(dec!(8), false), adj(dec!(7), false)];
    let line = only_line(cart("eur", vec![i], vec![]));
    assert_eq!(
        fields(&line),
        [
            dec!(10),
            dec!(0),
            dec!(0),
            dec!(2.5),
            dec!(12.5),
            dec!(10),
            dec!(2.5),
            dec!(12.5)
        ]
    );

    let mut i = item("a", dec!(10), 1, true, &[dec!(25)]);
    i.adjustments = vec![adj(dec!(15), true)];
    let line = only_line(cart("eur", vec![i], vec![]));
    assert_eq!(
        fields(&line),
        [
            dec!(8),
            dec!(0),
            dec!(0),
            dec!(2),
            dec!(10),
            dec!(8),
            dec!(2),
            dec!(10)
        ]
    );

    let mut m = method("m", dec!(5), false, &[]);
    m.adjustments = vec![adj(dec!(9), false)];
    let totals = compute(&cart("eur", vec![], vec![m])).unwrap();
    assert_eq!(totals.aggregate.total, Amount::ZERO);
    assert_eq!(totals.aggregate.shipping_discount_total.decimal(), dec!(5));
}

#[test]
fn tax_is_rounded_per_line_so_shown_equals_charged() {
    // Medusa issue #14817: unrounded line taxes add up to amounts no provider can charge
    // (here Medusa would show 32.629875). Each line's tax is rounded (0.886625 -> 0.89).
    let items = (0..3)
        .map(|n| item(&format!("i{n}"), dec!(9.99), 1, false, &[dec!(8.875)]))
        .collect();
    let totals = compute(&cart("usd", items, vec![])).unwrap();
    assert!(
        totals
            .items
            .iter()
            .all(|i| i.line.tax_total.decimal() == dec!(0.89))
    );
    assert_eq!(totals.aggregate.tax_total.decimal(), dec!(2.67));
    assert_eq!(totals.aggregate.total.decimal(), dec!(32.64));
    // Two units on one line round once: 19.98 × 8.875 % = 1.773225 -> 1.77.
    let line = only_line(cart(
        "usd",
        vec![item("a", dec!(9.99), 2, false, &[dec!(8.875)])],
        vec![],
    ));
    assert_eq!(line.tax_total.decimal(), dec!(1.77));
}

#[test]
fn zero_decimal_currency() {
    let line = only_line(cart(
        "jpy",
        vec![item("a", dec!(999), 1, false, &[dec!(8)])],
        vec![],
    ));
    // 79.92 yen of tax is 80 yen.
    assert_eq!(line.tax_total.decimal(), dec!(80));
    assert_eq!(line.total.decimal(), dec!(1079));

    let line = only_line(cart(
        "jpy",
        vec![item("a", dec!(1000), 1, true, &[dec!(10)])],
        vec![],
    ));
    assert_eq!(line.subtotal.decimal(), dec!(909));
    assert_eq!(line.tax_total.decimal(), dec!(91));
    assert_eq!(line.total.decimal(), dec!(1000));
    assert_eq!(serde_json::to_value(line.total).unwrap(), json!(1000));
}

#[test]
fn three_decimal_currency() {
    // 3.702 KWD × 5 % = 0.1851 -> 0.185 (a fils, not a cent).
    let line = only_line(cart(
        "kwd",
        vec![item("a", dec!(1.234), 3, false, &[dec!(5)])],
        vec![],
    ));
    assert_eq!(line.subtotal.decimal(), dec!(3.702));
    assert_eq!(line.tax_total.decimal(), dec!(0.185));
    assert_eq!(line.total.decimal(), dec!(3.887));
}

#[test]
fn province_and_country_rates_split_the_line_tax() {
    // 19.99 at 8.875 % + 5 %: 2.773… of tax is 2.77, split 1.77 / 1.00 by largest remainder.
    let line = only_line(cart(
        "usd",
        vec![item("a", dec!(19.99), 1, false, &[dec!(8.875), dec!(5)])],
        vec![],
    ));
    assert_eq!(line.tax_total.decimal(), dec!(2.77));
    let shares: Vec<Decimal> = line.tax_lines.iter().map(|t| t.total.decimal()).collect();
    assert_eq!(shares, vec![dec!(1.77), dec!(1.00)]);

    // Inclusive with two rates: the gross still survives exactly.
    let line = only_line(cart(
        "cad",
        vec![item("a", dec!(11.5), 1, true, &[dec!(5), dec!(10)])],
        vec![],
    ));
    assert_eq!(line.subtotal.decimal(), dec!(10));
    assert_eq!(line.total.decimal(), dec!(11.5));
    let shares: Vec<Decimal> = line.tax_lines.iter().map(|t| t.total.decimal()).collect();
    assert_eq!(shares, vec![dec!(0.5), dec!(1)]);
}

#[test]
fn split_by_largest_remainder() {
    let r = |xs: &[i64]| {
        xs.iter()
            .map(|x| TaxLineInput {
                rate: Decimal::from(*x),
            })
            .collect::<Vec<_>>()
    };
    // 1 unit over two equal rates: the earlier line gets it.
    assert_eq!(
        split_for_tests(dec!(1), &r(&[5, 5])),
        vec![dec!(1), dec!(0)]
    );
    // 10 units over rates 1:1:1 -> 4, 3, 3.
    assert_eq!(
        split_for_tests(dec!(10), &r(&[1, 1, 1])),
        vec![dec!(4), dec!(3), dec!(3)]
    );
    // Never negative, even where rounding each share up would overshoot.
    assert_eq!(
        split_for_tests(dec!(1), &r(&[1, 1, 0])),
        vec![dec!(1), dec!(0), dec!(0)]
    );
    assert_eq!(
        split_for_tests(dec!(0), &r(&[0, 0])),
        vec![dec!(0), dec!(0)]
    );
    assert!(split_for_tests(dec!(0), &[]).is_empty());
}

#[test]
fn credit_lines_lower_the_total_but_never_below_zero() {
    let mut input = golden_cart();
    input.credit_lines = vec![CreditLineInput {
        amount: amt(dec!(5)),
    }];
    let a = compute(&input).unwrap().aggregate;
    assert_eq!(a.total.decimal(), dec!(40));
    assert_eq!(a.credit_line_total.decimal(), dec!(5));
    assert_eq!(a.credit_line_subtotal.decimal(), dec!(5));
    assert_eq!(a.credit_line_tax_total, Amount::ZERO);
    assert_eq!(a.original_total.decimal(), dec!(45));

    input.credit_lines = vec![
        CreditLineInput {
            amount: amt(dec!(40)),
        },
        CreditLineInput {
            amount: amt(dec!(60)),
        },
    ];
    let a = compute(&input).unwrap().aggregate;
    assert_eq!(a.total, Amount::ZERO);
    assert_eq!(a.credit_line_total.decimal(), dec!(100));
}

#[test]
fn order_item_lifecycle_totals() {
    let mut input = golden_cart();
    input.items[0].detail = Some(ItemQuantities {
        fulfilled: 2,
        shipped: 1,
        return_requested: 1,
        ..ItemQuantities::default()
    });
    let totals = compute(&input).unwrap();
    let order = totals.items[0].order.as_ref().unwrap();
    assert_eq!(order.lifecycle.fulfilled_total.decimal(), dec!(32.5));
    assert_eq!(order.lifecycle.shipped_total.decimal(), dec!(16.25));
    assert_eq!(
        order.lifecycle.return_requested_total.decimal(),
        dec!(16.25)
    );
    assert_eq!(order.refundable_total.decimal(), dec!(16.25));
    assert_eq!(order.refundable_total_per_unit.decimal(), dec!(16.25));
    let lifecycle = totals.aggregate.lifecycle.unwrap();
    assert_eq!(lifecycle.fulfilled_total.decimal(), dec!(32.5));

    // A 10.00 line of three units (12 less a 2 discount): one unit's share is 3.33, rounded.
    let mut input = cart("eur", vec![item("a", dec!(4), 3, false, &[])], vec![]);
    input.items[0].adjustments = vec![adj(dec!(2), false)];
    input.items[0].detail = Some(ItemQuantities {
        shipped: 1,
        return_received: 3,
        ..ItemQuantities::default()
    });
    let order = compute(&input).unwrap().items.remove(0).order.unwrap();
    assert_eq!(order.lifecycle.shipped_total.decimal(), dec!(3.33));
    assert_eq!(order.lifecycle.return_received_total.decimal(), dec!(10));
    assert_eq!(order.refundable_total, Amount::ZERO);
    assert_eq!(order.refundable_total_per_unit, Amount::ZERO);
}

#[test]
fn zero_quantity_and_empty_carts() {
    let totals = compute(&cart(
        "eur",
        vec![item("a", dec!(13), 0, false, &[dec!(25)])],
        vec![],
    ))
    .unwrap();
    assert_eq!(totals.aggregate.total, Amount::ZERO);
    let totals = compute(&cart("eur", vec![], vec![])).unwrap();
    assert!(totals.aggregate.to_json().values().all(|v| v == &json!(0)));
}

#[test]
fn prices_finer_than_the_currency_are_rounded_on_the_line() {
    // 3 × 0.333 = 0.999 -> 1.00 (not 3 × 0.33).
    let line = only_line(cart(
        "eur",
        vec![item("a", dec!(0.333), 3, false, &[])],
        vec![],
    ));
    assert_eq!(line.total.decimal(), dec!(1));
}

#[test]
fn bad_input_is_refused_not_totalled() {
    let neg_price = cart("eur", vec![item("a", dec!(-1), 1, false, &[])], vec![]);
    assert_eq!(
        compute(&neg_price),
        Err(TotalsError::Negative {
            owner: "line item a".into(),
            field: "unit_price"
        })
    );
    let neg_qty = cart("eur", vec![item("a", dec!(1), -2, false, &[])], vec![]);
    assert!(matches!(
        compute(&neg_qty),
        Err(TotalsError::Negative {
            field: "quantity",
            ..
        })
    ));
    let neg_rate = cart(
        "eur",
        vec![],
        vec![method("m", dec!(1), false, &[dec!(-5)])],
    );
    assert!(matches!(
        compute(&neg_rate),
        Err(TotalsError::Negative {
            field: "tax rate",
            ..
        })
    ));
    let mut neg_adj = cart("eur", vec![item("a", dec!(1), 1, false, &[])], vec![]);
    neg_adj.items[0].adjustments = vec![adj(dec!(-1), false)];
    assert!(matches!(
        compute(&neg_adj),
        Err(TotalsError::Negative { .. })
    ));
    let mut neg_credit = golden_cart();
    neg_credit.credit_lines = vec![CreditLineInput {
        amount: amt(dec!(-1)),
    }];
    assert!(matches!(
        compute(&neg_credit),
        Err(TotalsError::Negative { .. })
    ));
    let huge = cart(
        "eur",
        vec![item("a", dec!(1000000000), i64::MAX, false, &[])],
        vec![],
    );
    assert!(matches!(
        compute(&huge),
        Err(TotalsError::OutOfRange { .. })
    ));
    let huge_rate = cart(
        "eur",
        vec![item("a", dec!(1), 1, false, &[Decimal::MAX, Decimal::MAX])],
        vec![],
    );
    assert!(matches!(
        compute(&huge_rate),
        Err(TotalsError::OutOfRange { .. })
    ));
}

#[test]
fn limit_is_ten_to_the_eighteenth() {
    assert_eq!(crate::compute::LIMIT, Decimal::from(10i64.pow(18)));
}

#[test]
fn huge_quantities_do_not_overflow() {
    // 10^17 units at a cent: the line is 1.25 × 10^17 cents with tax, and prorating it by a
    // quantity of ~10^17 would overflow a plain multiplication.
    let mut input = cart(
        "eur",
        vec![item(
            "a",
            dec!(0.01),
            100_000_000_000_000_000,
            false,
            &[dec!(25)],
        )],
        vec![],
    );
    input.items[0].detail = Some(ItemQuantities {
        shipped: 99_999_999_999_999_999,
        ..ItemQuantities::default()
    });
    let totals = compute(&input).unwrap();
    assert_eq!(totals.items[0].line.total.decimal(), dec!(1250000000000000));
    let order = totals.items[0].order.as_ref().unwrap();
    assert_eq!(
        order.lifecycle.shipped_total.decimal(),
        dec!(1249999999999999.99)
    );
}
