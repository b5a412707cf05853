//! Medusa's price calculation (see `../shared/medusa-api.md` §3.2), as a pure function over the
//! candidate rows the repository loaded in a few set-based queries.
//!
//! Candidates are the prices of the set in the context's currency whose quantity range holds
//! and whose rules (and price list's rules) all match. They are ranked: price-list prices first,
//! then more rules (a region price beats a plain currency price), then the lowest amount. The
//! default is the best non-list price; an override list price replaces both the calculated and
//! the original price; a sale list price is the calculated price only when it is not above the
//! default.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Utc};
use medusa_core::money::{Amount, CurrencyCode};

use crate::model::{CalculatedPrice, PriceListType, PriceRef, PricingContext};

/// One variant's stored prices in one currency and region, as the repository loaded them:
/// everything [`price_lines`] needs besides the request's context.
#[derive(Debug, Clone)]
pub struct VariantPriceInputs {
    pub price_set_id: String,
    pub currency_code: CurrencyCode,
    pub candidates: Vec<Candidate>,
    /// The price preference of the region (else the currency).
    pub tax_inclusive: bool,
}

/// The calculated price of each (variant, quantity) line that has an applicable price, from
/// inputs loaded for `ctx`'s currency and region (`ctx.quantity` is replaced by each line's).
pub fn price_lines(
    inputs: &HashMap<String, VariantPriceInputs>,
    wanted: &[(String, i64)],
    ctx: &PricingContext,
) -> HashMap<(String, i64), CalculatedPrice> {
    let mut out = HashMap::with_capacity(wanted.len());
    let mut line_ctx = ctx.clone();
    for (variant, quantity) in wanted {
        let Some(input) = inputs.get(variant) else {
            continue;
        };
        line_ctx.quantity = Some(*quantity);
        if let Some(c) = calculate(
            &input.price_set_id,
            &input.candidates,
            &line_ctx,
            &input.currency_code,
            input.tax_inclusive,
        ) {
            out.insert((variant.clone(), *quantity), c);
        }
    }
    out
}

/// A candidate price with what ranking needs.
#[derive(Debug, Clone)]
pub struct Candidate {
    pub id: String,
    pub amount: Amount,
    pub min_quantity: Option<i64>,
    pub max_quantity: Option<i64>,
    pub rules: BTreeMap<String, String>,
    pub list: Option<ListInfo>,
}

#[derive(Debug, Clone)]
pub struct ListInfo {
    pub id: String,
    pub list_type: PriceListType,
    pub active: bool,
    pub starts_at: Option<DateTime<Utc>>,
    pub ends_at: Option<DateTime<Utc>>,
    pub rules: BTreeMap<String, Vec<String>>,
}

fn context_values<'a>(ctx: &'a PricingContext, attribute: &str) -> Vec<&'a str> {
    match attribute {
        "region_id" => ctx.region_id.as_deref().into_iter().collect(),
        "currency_code" => vec![ctx.currency_code.as_str()],
        "customer.groups.id" | "customer_group_id" => {
            ctx.customer_group_ids.iter().map(String::as_str).collect()
        }
        _ => Vec::new(),
    }
}

fn applies(c: &Candidate, ctx: &PricingContext) -> bool {
    let qty = ctx.quantity.unwrap_or(1);
    if c.min_quantity.is_some_and(|m| qty < m) || c.max_quantity.is_some_and(|m| qty > m) {
        return false;
    }
    let rules_ok = c
        .rules
        .iter()
        .all(|(attr, value)| context_values(ctx, attr).contains(&value.as_str()));
    let list_ok = match &c.list {
        None => true,
        Some(l) => {
            l.active
                && l.starts_at.is_none_or(|t| t <= ctx.now)
                && l.ends_at.is_none_or(|t| t >= ctx.now)
                && l.rules.iter().all(|(attr, accepted)| {
                    let have = context_values(ctx, attr);
                    accepted.iter().any(|a| have.contains(&a.as_str()))
                })
        }
    };
    rules_ok && list_ok
}

fn rules_count(c: &Candidate) -> usize {
    c.rules.len() + c.list.as_ref().map_or(0, |l| l.rules.len())
}

fn price_ref(c: &Candidate) -> PriceRef {
    PriceRef {
        id: c.id.clone(),
        price_list_id: c.list.as_ref().map(|l| l.id.clone()),
        price_list_type: c.list.as_ref().map(|l| l.list_type),
        min_quantity: c.min_quantity,
        max_quantity: c.max_quantity,
    }
}

/// The calculated price of one price set, or `None` when nothing applies.
pub fn calculate(
    price_set_id: &str,
    candidates: &[Candidate],
    ctx: &PricingContext,
    currency: &CurrencyCode,
    tax_inclusive: bool,
) -> Option<CalculatedPrice> {
    let mut applicable: Vec<&Candidate> = candidates.iter().filter(|c| applies(c, ctx)).collect();
    applicable.sort_by(|a, b| {
        b.list
            .is_some()
            .cmp(&a.list.is_some())
            .then(rules_count(b).cmp(&rules_count(a)))
            .then(a.amount.cmp(&b.amount))
            .then(a.id.cmp(&b.id))
    });
    let default = applicable.iter().find(|c| c.list.is_none()).copied();
    let list = applicable.iter().find(|c| c.list.is_some()).copied();
    let (calculated, original) = match (list, default) {
        (Some(l), _)
            if l.list
                .as_ref()
                .is_some_and(|i| i.list_type == PriceListType::Override) =>
        {
            (l, l)
        }
        (Some(l), Some(d)) => {
            if l.amount <= d.amount {
                (l, d)
            } else {
                (d, d)
            }
        }
        (Some(l), None) => (l, l),
        (None, Some(d)) => (d, d),
        (None, None) => return None,
    };
    Some(CalculatedPrice {
        price_set_id: price_set_id.to_owned(),
        is_calculated_price_price_list: calculated.list.is_some(),
        is_calculated_price_tax_inclusive: tax_inclusive,
        calculated_amount: calculated.amount,
        is_original_price_price_list: original.list.is_some(),
        is_original_price_tax_inclusive: tax_inclusive,
        original_amount: original.amount,
        currency_code: currency.clone(),
        calculated_price: price_ref(calculated),
        original_price: price_ref(original),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    fn eur() -> CurrencyCode {
        CurrencyCode::parse("eur").unwrap()
    }

    fn ctx(region: Option<&str>, groups: &[&str], qty: Option<i64>) -> PricingContext {
        PricingContext {
            currency_code: eur(),
            region_id: region.map(str::to_owned),
            customer_group_ids: groups.iter().map(|g| (*g).to_owned()).collect(),
            quantity: qty,
            now: Utc::now(),
        }
    }

    fn price(id: &str, amount: rust_decimal::Decimal) -> Candidate {
        Candidate {
            id: id.into(),
            amount: Amount::new(amount),
            min_quantity: None,
            max_quantity: None,
            rules: BTreeMap::new(),
            list: None,
        }
    }

    fn with_region(mut c: Candidate, region: &str) -> Candidate {
        c.rules.insert("region_id".into(), region.into());
        c
    }

    fn in_list(mut c: Candidate, list_type: PriceListType, rules: &[(&str, &[&str])]) -> Candidate {
        c.list = Some(ListInfo {
            id: "plist_1".into(),
            list_type,
            active: true,
            starts_at: None,
            ends_at: None,
            rules: rules
                .iter()
                .map(|(a, v)| ((*a).to_owned(), v.iter().map(|s| (*s).to_owned()).collect()))
                .collect(),
        });
        c
    }

    fn calc(cands: &[Candidate], ctx: &PricingContext) -> Option<CalculatedPrice> {
        calculate("pset_1", cands, ctx, &eur(), false)
    }

    #[test]
    fn plain_currency_price() {
        let r = calc(&[price("p1", dec!(13))], &ctx(Some("reg_1"), &[], None)).unwrap();
        assert_eq!(r.calculated_amount.decimal(), dec!(13));
        assert_eq!(r.original_amount.decimal(), dec!(13));
        assert!(!r.is_calculated_price_price_list);
        assert_eq!(r.calculated_price.id, "p1");
    }

    #[test]
    fn region_price_beats_currency_price_even_when_higher() {
        let cands = [
            price("p1", dec!(10)),
            with_region(price("p2", dec!(12)), "reg_1"),
        ];
        let r = calc(&cands, &ctx(Some("reg_1"), &[], None)).unwrap();
        assert_eq!(r.calculated_price.id, "p2");
        // Another region falls back to the currency price.
        let r = calc(&cands, &ctx(Some("reg_2"), &[], None)).unwrap();
        assert_eq!(r.calculated_price.id, "p1");
    }

    #[test]
    fn sale_list_applies_only_when_lower() {
        let cheaper = [
            price("p1", dec!(20)),
            in_list(price("s1", dec!(15)), PriceListType::Sale, &[]),
        ];
        let r = calc(&cheaper, &ctx(None, &[], None)).unwrap();
        assert_eq!(
            (r.calculated_amount.decimal(), r.original_amount.decimal()),
            (dec!(15), dec!(20))
        );
        assert!(r.is_calculated_price_price_list && !r.is_original_price_price_list);
        assert_eq!(
            r.calculated_price.price_list_type,
            Some(PriceListType::Sale)
        );

        let dearer = [
            price("p1", dec!(20)),
            in_list(price("s1", dec!(25)), PriceListType::Sale, &[]),
        ];
        let r = calc(&dearer, &ctx(None, &[], None)).unwrap();
        assert_eq!(r.calculated_amount.decimal(), dec!(20));
        assert!(!r.is_calculated_price_price_list);
    }

    #[test]
    fn override_list_replaces_both() {
        let cands = [
            price("p1", dec!(20)),
            in_list(price("o1", dec!(25)), PriceListType::Override, &[]),
        ];
        let r = calc(&cands, &ctx(None, &[], None)).unwrap();
        assert_eq!(
            (r.calculated_amount.decimal(), r.original_amount.decimal()),
            (dec!(25), dec!(25))
        );
        assert!(r.is_calculated_price_price_list && r.is_original_price_price_list);
    }

    #[test]
    fn list_rules_and_dates_gate_the_list() {
        let vip = [
            price("p1", dec!(20)),
            in_list(
                price("s1", dec!(10)),
                PriceListType::Sale,
                &[("customer.groups.id", &["cg_vip"])],
            ),
        ];
        assert_eq!(
            calc(&vip, &ctx(None, &[], None))
                .unwrap()
                .calculated_price
                .id,
            "p1"
        );
        assert_eq!(
            calc(&vip, &ctx(None, &["cg_vip"], None))
                .unwrap()
                .calculated_price
                .id,
            "s1"
        );

        let mut expired = in_list(price("s1", dec!(10)), PriceListType::Sale, &[]);
        if let Some(l) = expired.list.as_mut() {
            l.ends_at = Some(Utc::now() - chrono::Duration::days(1));
        }
        let r = calc(&[price("p1", dec!(20)), expired], &ctx(None, &[], None)).unwrap();
        assert_eq!(r.calculated_price.id, "p1");
    }

    #[test]
    fn quantity_tiers() {
        let mut bulk = price("bulk", dec!(8));
        bulk.min_quantity = Some(10);
        let cands = [price("p1", dec!(10)), bulk];
        assert_eq!(
            calc(&cands, &ctx(None, &[], Some(1)))
                .unwrap()
                .calculated_price
                .id,
            "p1"
        );
        assert_eq!(
            calc(&cands, &ctx(None, &[], Some(10)))
                .unwrap()
                .calculated_price
                .id,
            "bulk"
        );
    }

    #[test]
    fn nothing_applies() {
        let only_other_region = [with_region(price("p1", dec!(10)), "reg_2")];
        assert!(calc(&only_other_region, &ctx(Some("reg_1"), &[], None)).is_none());
        assert!(calc(&[], &ctx(None, &[], None)).is_none());
    }

    #[test]
    fn serialises_in_medusas_shape() {
        let r = calc(&[price("price_1", dec!(13))], &ctx(None, &[], None)).unwrap();
        let v = serde_json::to_value(&r).unwrap();
        assert_eq!(
            v,
            serde_json::json!({
                "id": "pset_1",
                "is_calculated_price_price_list": false,
                "is_calculated_price_tax_inclusive": false,
                "calculated_amount": 13,
                "raw_calculated_amount": {"value": "13", "precision": 20},
                "is_original_price_price_list": false,
                "is_original_price_tax_inclusive": false,
                "original_amount": 13,
                "raw_original_amount": {"value": "13", "precision": 20},
                "currency_code": "eur",
                "calculated_price": {"id": "price_1", "price_list_id": null, "price_list_type": null, "min_quantity": null, "max_quantity": null},
                "original_price": {"id": "price_1", "price_list_id": null, "price_list_type": null, "min_quantity": null, "max_quantity": null}
            })
        );
    }
}
