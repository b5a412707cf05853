//! The shipping side of the demo store, as Medusa's starter seed: a default shipping profile for
//! every product, a fulfillment set at the warehouse with a service zone for the seeded
//! countries, the manual provider at the warehouse, and "Standard Shipping" / "Express
//! Shipping" flat options priced per currency and per region, enabled in the store.

use std::str::FromStr;

use medusa_core::id::ProductId;
use medusa_core::money::{Amount, CurrencyCode};
use medusa_core::registry::Registry;
use medusa_core::request::ListParams;
use medusa_fulfillment::{
    CreateShippingOption, FulfillmentService, MANUAL_PROVIDER, NewGeoZone, NewPrice, NewRule,
    NewServiceZone, NewShippingOptionType,
};
use medusa_region::{RegionFilter, RegionService};
use medusa_sales_channel::SalesChannel;
use medusa_stock_location::StockLocation;

use super::svc;

/// The countries of the seeded regions.
const COUNTRIES: &[&str] = &["gb", "de", "dk", "se", "fr", "es", "it", "us"];

pub async fn seed(
    registry: &Registry,
    _channel: &SalesChannel,
    location: &StockLocation,
    products: &[String],
) -> anyhow::Result<()> {
    let products = products
        .iter()
        .map(|p| ProductId::parse(p))
        .collect::<Result<Vec<_>, _>>()?;
    let fulfillment = svc::<dyn FulfillmentService>(registry)?;
    let regions = svc::<dyn RegionService>(registry)?;

    let profile = fulfillment
        .create_shipping_profile("Default Shipping Profile", "default", None)
        .await?;
    fulfillment
        .set_product_shipping_profile(&products, &profile.id)
        .await?;
    fulfillment
        .link_location_providers(location.id.as_str(), &[MANUAL_PROVIDER.to_owned()], &[])
        .await?;
    let set = fulfillment
        .create_fulfillment_set(
            location.id.as_str(),
            "European Warehouse delivery",
            "shipping",
            vec![NewServiceZone {
                name: "Europe and United States".into(),
                geo_zones: COUNTRIES.iter().map(|c| NewGeoZone::country(c)).collect(),
                metadata: None,
            }],
        )
        .await?;
    let zone = set
        .service_zones
        .first()
        .ok_or_else(|| anyhow::anyhow!("the fulfillment set has no service zone"))?;

    let page = ListParams {
        limit: 100,
        offset: 0,
        order: None,
        fields: None,
        with_deleted: false,
    };
    let (all_regions, _) = regions.list(&RegionFilter::default(), &page).await?;
    for (name, code, amount) in [
        ("Standard Shipping", "standard", "10"),
        ("Express Shipping", "express", "25"),
    ] {
        let amount = Amount::from_str(amount)?;
        let mut prices = Vec::new();
        for currency in ["usd", "eur"] {
            prices.push(NewPrice {
                currency_code: CurrencyCode::parse(currency)?,
                amount,
                region_id: None,
            });
        }
        for r in &all_regions {
            prices.push(NewPrice {
                currency_code: r.currency_code.clone(),
                amount,
                region_id: Some(r.id.clone()),
            });
        }
        fulfillment
            .create_shipping_option(CreateShippingOption {
                name: name.into(),
                price_type: "flat".into(),
                service_zone_id: zone.id.clone(),
                shipping_profile_id: profile.id.clone(),
                provider_id: MANUAL_PROVIDER.into(),
                option_type: NewShippingOptionType {
                    label: name.into(),
                    description: Some(name.into()),
                    code: code.into(),
                },
                data: None,
                metadata: None,
                rules: vec![
                    NewRule::eq("enabled_in_store", "true"),
                    NewRule::eq("is_return", "false"),
                ],
                prices,
            })
            .await?;
    }
    Ok(())
}
