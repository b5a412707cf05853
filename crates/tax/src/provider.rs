//! Tax providers turn the rates the module chose into tax lines. The system provider (the
//! embedded default, Medusa's `tp_system`) copies each chosen rate into a line; a provider that
//! calls an external tax service would implement [`TaxLineProvider`] too.

use crate::model::{
    ItemTaxLine, Percent, SYSTEM_PROVIDER_IDENTIFIER, SYSTEM_TAX_PROVIDER, ShippingTaxLine,
    TaxLine, TaxLines, TaxRate, TaxableItem, TaxableShipping,
};

/// An item and the rates chosen for it (0, 1 or 2, most specific first).
pub struct ItemRates<'a> {
    pub item: &'a TaxableItem,
    pub rates: Vec<&'a TaxRate>,
}

/// A shipping method and the rates chosen for it.
pub struct ShippingRates<'a> {
    pub shipping: &'a TaxableShipping,
    pub rates: Vec<&'a TaxRate>,
}

/// Medusa's `ITaxProvider.getTaxLines`.
pub trait TaxLineProvider: Send + Sync {
    /// The id of the provider's row in `tax_provider` (`tp_system`).
    fn id(&self) -> &'static str;
    fn tax_lines(&self, items: &[ItemRates<'_>], shipping: &[ShippingRates<'_>]) -> TaxLines;
}

/// Medusa's `SystemTaxService`: one line per chosen rate, `provider_id: "system"`.
pub struct SystemTaxProvider;

fn line(rate: &TaxRate) -> TaxLine {
    TaxLine {
        rate_id: rate.id.clone(),
        rate: rate.rate.unwrap_or(Percent::ZERO),
        code: rate.code.clone(),
        name: rate.name.clone(),
        provider_id: SYSTEM_PROVIDER_IDENTIFIER.to_owned(),
    }
}

impl TaxLineProvider for SystemTaxProvider {
    fn id(&self) -> &'static str {
        SYSTEM_TAX_PROVIDER
    }

    fn tax_lines(&self, items: &[ItemRates<'_>], shipping: &[ShippingRates<'_>]) -> TaxLines {
        TaxLines {
            items: items
                .iter()
                .flat_map(|i| {
                    i.rates.iter().map(|r| ItemTaxLine {
                        line_item_id: i.item.line_item_id.clone(),
                        line: line(r),
                    })
                })
                .collect(),
            shipping: shipping
                .iter()
                .flat_map(|s| {
                    s.rates.iter().map(|r| ShippingTaxLine {
                        shipping_method_id: s.shipping.shipping_method_id.clone(),
                        line: line(r),
                    })
                })
                .collect(),
        }
    }
}
