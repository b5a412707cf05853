//! The demo store's tax regions: one per seeded country, with the system provider and a
//! default rate (the standard VAT rate; 0 % for the United States, which has no federal sales
//! tax). Names and codes follow the recorded Medusa store (`"DK standard rate"`, `"DK-STD"`),
//! so cart tax lines read as in `../shared/medusa-golden/12-update-cart-address.json`.

use medusa_core::registry::Registry;
use medusa_tax::{
    CreateTaxRegion, DefaultTaxRate, Percent, SYSTEM_TAX_PROVIDER, TaxError, TaxService,
};
use rust_decimal::Decimal;

/// Country and standard rate in percent.
pub const RATES: &[(&str, i64)] = &[
    ("gb", 20),
    ("de", 19),
    ("dk", 25),
    ("se", 25),
    ("fr", 20),
    ("es", 21),
    ("it", 22),
    ("us", 0),
];

/// Creates the tax regions that do not exist yet.
pub async fn seed(registry: &Registry) -> anyhow::Result<()> {
    let tax = registry.get::<dyn TaxService>()?;
    for (country, rate) in RATES {
        let upper = country.to_uppercase();
        let created = tax
            .create_region(CreateTaxRegion {
                country_code: (*country).to_owned(),
                provider_id: Some(SYSTEM_TAX_PROVIDER.to_owned()),
                default_tax_rate: Some(DefaultTaxRate {
                    rate: Some(Percent::new(Decimal::from(*rate))),
                    code: format!("{upper}-STD"),
                    name: format!("{upper} standard rate"),
                    is_combinable: None,
                    metadata: None,
                }),
                ..Default::default()
            })
            .await;
        match created {
            Ok(_) | Err(TaxError::DuplicateRegion { .. }) => {}
            Err(e) => return Err(anyhow::Error::new(e).context(format!("tax region {country}"))),
        }
    }
    Ok(())
}
