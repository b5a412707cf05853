//! Medusa's tax module: tax regions (a country, or a province of a country), tax rates with
//! rules (product, product type, shipping option), the system tax provider, and the lookup
//! that turns a cart into tax lines.
//!
//! # Tax lines for a cart
//!
//! One call computes the lines of all items and shipping methods of a cart, in at most three
//! SQL statements however many lines there are (the address's regions; the rules naming any
//! of the products, product types and shipping options; the candidate rates):
//!
//! ```ignore
//! use medusa_tax::{TaxAddress, TaxService, TaxableItem, TaxableShipping};
//!
//! let tax = registry.get::<dyn TaxService>()?;
//! let lines = tax
//!     .tax_lines(
//!         &[TaxableItem {
//!             line_item_id: item.id.to_string(),
//!             product_id: item.product_id.to_string(),
//!             product_type_id: item.product_type_id.clone(),
//!         }],
//!         &[TaxableShipping {
//!             shipping_method_id: method.id.to_string(),
//!             shipping_option_id: method.shipping_option_id.to_string(),
//!         }],
//!         &TaxAddress {
//!             country_code: address.country_code.clone(),
//!             province_code: address.province.clone(),
//!         },
//!     )
//!     .await?;
//! for line in lines.for_item(item.id.as_str()) {
//!     // A cart tax line: description = line.name, code = line.code, rate = line.rate
//!     // (percent), tax_rate_id = line.rate_id, provider_id = line.provider_id ("system").
//! }
//! ```
//!
//! Each item and shipping method gets 0, 1 or 2 lines, exactly as Medusa's `getTaxLines`
//! (see [`priority`] for the rules): no country-level tax region for the address means no
//! lines; a province rate that is combinable adds the country's rate as a second line. The
//! caller decides *whether* to tax (Medusa: the region has `automatic_taxes`, or the cart asked
//! with `POST /store/carts/:id/taxes`; the address has a country; gift cards are skipped) and
//! replaces the cart's previous lines with these.
//!
//! Rates are exact decimal percentages ([`Percent`]: `25`, `8.875`); [`Percent::fraction`]
//! gives the multiplier for totals.

mod entity;
mod error;
mod migration;
mod model;
pub mod priority;
pub mod provider;
mod repo;
mod service;

pub use error::TaxError;
pub use model::{
    CreateTaxRate, CreateTaxRegion, DefaultTaxRate, ItemTaxLine, NewTaxRateRule, Percent,
    REFERENCE_PRODUCT, REFERENCE_PRODUCT_TYPE, REFERENCE_SHIPPING_OPTION, RateWithRules,
    RegionWithRates, SYSTEM_PROVIDER_IDENTIFIER, SYSTEM_TAX_PROVIDER, ShippingTaxLine, TaxAddress,
    TaxLine, TaxLines, TaxProvider, TaxProviderFilter, TaxRate, TaxRateDetails, TaxRateFilter,
    TaxRateId, TaxRateRule, TaxRateRuleId, TaxRegion, TaxRegionDetails, TaxRegionFilter,
    TaxRegionId, TaxableItem, TaxableShipping, UpdateTaxRate, UpdateTaxRegion,
};
pub use service::{DbTaxService, TaxService};

use std::sync::Arc;

use medusa_core::registry::{Module, ModuleContext, Registry};

/// Registration of the module with the registry.
pub struct TaxModule;

impl Module for TaxModule {
    fn name(&self) -> &'static str {
        "tax"
    }

    fn migrations(&self) -> Vec<Box<dyn sea_orm_migration::MigrationTrait>> {
        migration::all()
    }

    fn register(&self, ctx: &ModuleContext, registry: &mut Registry) {
        registry.insert::<dyn TaxService>(Arc::new(DbTaxService::new(
            ctx.db.clone(),
            ctx.clock.clone(),
        )));
    }
}
