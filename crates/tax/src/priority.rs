//! Which rates apply to an item or a shipping method: Medusa's `getTaxRatesForItem` /
//! `prioritizeRates` (packages/modules/tax/src/services/tax-module-service.ts), kept pure so it
//! can be tested without a database.
//!
//! 1. Candidates: the default rates of the address's regions (the country's, and the
//!    province's when there is one) and the rates with a rule naming the item's product or
//!    product type (a shipping method's shipping option).
//! 2. Priority, lower wins: 1 province rate with a product / shipping option rule, 2 province
//!    rate with a product type rule, 3 province default, 4-6 the same for the country, 7
//!    anything else. Ties keep the candidates' order (Medusa's sort is stable).
//! 3. The best rate applies. If it is combinable and its region has a parent, the parent
//!    region's best rate applies too: at most two lines.

use crate::model::{
    REFERENCE_PRODUCT, REFERENCE_PRODUCT_TYPE, REFERENCE_SHIPPING_OPTION, TaxRate, TaxRateRule,
    TaxRegion, TaxableItem, TaxableShipping,
};

/// A candidate rate with its region and the rules loaded for it.
#[derive(Debug, Clone, Copy)]
pub struct Candidate<'a> {
    pub rate: &'a TaxRate,
    pub region: &'a TaxRegion,
    pub rules: &'a [TaxRateRule],
}

/// What is being taxed.
#[derive(Debug, Clone, Copy)]
pub enum Target<'a> {
    Item(&'a TaxableItem),
    Shipping(&'a TaxableShipping),
}

impl Target<'_> {
    /// Medusa's `checkRuleMatches` filter: the rules of a rate that name this target.
    fn matches(&self, rule: &TaxRateRule) -> bool {
        match self {
            Target::Shipping(s) => {
                rule.reference == REFERENCE_SHIPPING_OPTION
                    && rule.reference_id == s.shipping_option_id
            }
            Target::Item(i) => {
                (rule.reference == REFERENCE_PRODUCT && rule.reference_id == i.product_id)
                    || (rule.reference == REFERENCE_PRODUCT_TYPE
                        && i.product_type_id.as_deref() == Some(rule.reference_id.as_str()))
            }
        }
    }

    fn is_shipping(&self) -> bool {
        matches!(self, Target::Shipping(_))
    }
}

/// Medusa's `priority_score`.
fn score(c: &Candidate<'_>, target: Target<'_>) -> u8 {
    let matching: Vec<&TaxRateRule> = c.rules.iter().filter(|r| target.matches(r)).collect();
    let product = matching.iter().any(|r| r.reference == REFERENCE_PRODUCT);
    // Medusa counts any matching rule as a type match; the product check comes first.
    let any_rule = !matching.is_empty();
    let shipping = target.is_shipping() && any_rule;
    let province = c.region.province_code.is_some();
    let default = c.rate.is_default;
    if (shipping || product) && province {
        1
    } else if any_rule && province {
        2
    } else if default && province {
        3
    } else if shipping || product {
        4
    } else if any_rule {
        5
    } else if default {
        6
    } else {
        7
    }
}

/// The rates that apply to `target`, most specific first (0, 1 or 2).
pub fn rates_for<'a>(target: Target<'_>, candidates: &[Candidate<'a>]) -> Vec<&'a TaxRate> {
    // Medusa's `rateMatchesQuery`: a default rate, or one with a rule naming the target.
    let mut eligible: Vec<(u8, &Candidate<'a>)> = candidates
        .iter()
        .filter(|c| c.rate.is_default || c.rules.iter().any(|r| target.matches(r)))
        .map(|c| (score(c, target), c))
        .collect();
    // Stable, as JavaScript's sort.
    eligible.sort_by_key(|(s, _)| *s);
    let Some((_, best)) = eligible.first() else {
        return Vec::new();
    };
    let mut out = vec![best.rate];
    if best.rate.is_combinable
        && let Some(parent) = &best.region.parent_id
        && let Some((_, p)) = eligible.iter().find(|(_, c)| &c.region.id == parent)
    {
        out.push(p.rate);
    }
    out
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use crate::model::{Percent, TaxRateId, TaxRateRuleId, TaxRegionId};

    fn region(province: Option<&str>, parent: Option<&TaxRegion>) -> TaxRegion {
        let now = chrono::Utc::now();
        TaxRegion {
            id: TaxRegionId::new(),
            country_code: "us".into(),
            province_code: province.map(Into::into),
            parent_id: parent.map(|p| p.id.clone()),
            provider_id: None,
            metadata: None,
            created_by: None,
            created_at: now,
            updated_at: now,
            deleted_at: None,
        }
    }

    fn rate(region: &TaxRegion, pct: i64, default: bool, combinable: bool) -> TaxRate {
        let now = chrono::Utc::now();
        TaxRate {
            id: TaxRateId::new(),
            rate: Some(Percent::new(pct.into())),
            code: format!("r{pct}"),
            name: format!("rate {pct}"),
            is_default: default,
            is_combinable: combinable,
            tax_region_id: region.id.clone(),
            metadata: None,
            created_by: None,
            created_at: now,
            updated_at: now,
            deleted_at: None,
        }
    }

    fn rule(rate: &TaxRate, reference: &str, id: &str) -> TaxRateRule {
        let now = chrono::Utc::now();
        TaxRateRule {
            id: TaxRateRuleId::new(),
            tax_rate_id: rate.id.clone(),
            reference: reference.into(),
            reference_id: id.into(),
            metadata: None,
            created_by: None,
            created_at: now,
            updated_at: now,
            deleted_at: None,
        }
    }

    fn item() -> TaxableItem {
        TaxableItem {
            line_item_id: "cali_1".into(),
            product_id: "prod_1".into(),
            product_type_id: Some("ptyp_1".into()),
        }
    }

    fn pcts(rates: &[&TaxRate]) -> Vec<String> {
        rates.iter().map(|r| r.rate.unwrap().to_string()).collect()
    }

    #[test]
    fn product_rule_beats_type_rule_beats_default() {
        let us = region(None, None);
        let default = rate(&us, 10, true, false);
        let by_type = rate(&us, 5, false, false);
        let by_product = rate(&us, 2, false, false);
        let type_rules = [rule(&by_type, "product_type", "ptyp_1")];
        let product_rules = [rule(&by_product, "product", "prod_1")];
        let it = item();
        let all = [
            Candidate {
                rate: &default,
                region: &us,
                rules: &[],
            },
            Candidate {
                rate: &by_type,
                region: &us,
                rules: &type_rules,
            },
            Candidate {
                rate: &by_product,
                region: &us,
                rules: &product_rules,
            },
        ];
        assert_eq!(pcts(&rates_for(Target::Item(&it), &all)), ["2"]);
        assert_eq!(pcts(&rates_for(Target::Item(&it), &all[..2])), ["5"]);
        assert_eq!(pcts(&rates_for(Target::Item(&it), &all[..1])), ["10"]);
        // A rule for another product does not make the rate eligible.
        let other = TaxableItem {
            product_id: "prod_2".into(),
            product_type_id: None,
            ..item()
        };
        assert_eq!(pcts(&rates_for(Target::Item(&other), &all)), ["10"]);
    }

    #[test]
    fn province_wins_and_combines_with_the_country_only_when_combinable() {
        let us = region(None, None);
        let ca = region(Some("ca"), Some(&us));
        let country = rate(&us, 10, true, false);
        let province = rate(&ca, 3, true, false);
        let it = item();
        let cands = [
            Candidate {
                rate: &country,
                region: &us,
                rules: &[],
            },
            Candidate {
                rate: &province,
                region: &ca,
                rules: &[],
            },
        ];
        assert_eq!(pcts(&rates_for(Target::Item(&it), &cands)), ["3"]);
        let combinable = rate(&ca, 3, true, true);
        let cands = [
            Candidate {
                rate: &country,
                region: &us,
                rules: &[],
            },
            Candidate {
                rate: &combinable,
                region: &ca,
                rules: &[],
            },
        ];
        assert_eq!(pcts(&rates_for(Target::Item(&it), &cands)), ["3", "10"]);
    }

    #[test]
    fn a_country_product_rule_loses_to_a_province_default() {
        let us = region(None, None);
        let ca = region(Some("ca"), Some(&us));
        let by_product = rate(&us, 1, false, false);
        let rules = [rule(&by_product, "product", "prod_1")];
        let province = rate(&ca, 3, true, true);
        let it = item();
        let cands = [
            Candidate {
                rate: &by_product,
                region: &us,
                rules: &rules,
            },
            Candidate {
                rate: &province,
                region: &ca,
                rules: &[],
            },
        ];
        // Province default (3) first; combinable, so the country's best (its product rule).
        assert_eq!(pcts(&rates_for(Target::Item(&it), &cands)), ["3", "1"]);
    }

    #[test]
    fn shipping_uses_shipping_option_rules_only() {
        let us = region(None, None);
        let default = rate(&us, 10, true, false);
        let by_option = rate(&us, 0, false, false);
        let rules = [rule(&by_option, "shipping_option", "so_1")];
        let product_rate = rate(&us, 4, false, false);
        let product_rules = [rule(&product_rate, "product", "so_1")];
        let cands = [
            Candidate {
                rate: &default,
                region: &us,
                rules: &[],
            },
            Candidate {
                rate: &product_rate,
                region: &us,
                rules: &product_rules,
            },
            Candidate {
                rate: &by_option,
                region: &us,
                rules: &rules,
            },
        ];
        let sm = TaxableShipping {
            shipping_method_id: "casm_1".into(),
            shipping_option_id: "so_1".into(),
        };
        assert_eq!(pcts(&rates_for(Target::Shipping(&sm), &cands)), ["0"]);
        let other = TaxableShipping {
            shipping_option_id: "so_2".into(),
            ..sm
        };
        assert_eq!(pcts(&rates_for(Target::Shipping(&other), &cands)), ["10"]);
    }

    #[test]
    fn no_candidates_no_lines() {
        let it = item();
        assert!(rates_for(Target::Item(&it), &[]).is_empty());
    }
}
