//! Medusa's pricing module: price sets (linked to variants), prices with rules (`region_id`,
//! customer groups), quantity tiers, price lists (sale/override, dated, with rules), price
//! preferences (tax-inclusive per currency or region) and the calculated price.
//!
//! Amounts are stored in the currency's minor unit (exact on SQLite and PostgreSQL). A price
//! calculation for any number of variants runs a fixed number of queries.

pub mod calculate;
mod entity;
mod error;
mod migration;
pub mod model;
mod repo;
mod service;

pub use error::PricingError;
pub use model::*;
pub use service::{DbPricingService, PricingService};

use std::sync::Arc;

use medusa_core::registry::{Module, ModuleContext, Registry};

medusa_core::define_id!(PriceSetId, "pset");
medusa_core::define_id!(PriceId, "price");
medusa_core::define_id!(PriceRuleId, "prule");
medusa_core::define_id!(PriceListId, "plist");
medusa_core::define_id!(PriceListRuleId, "plrule");
medusa_core::define_id!(PricePreferenceId, "prpref");

pub struct PricingModule;

impl Module for PricingModule {
    fn name(&self) -> &'static str {
        "pricing"
    }

    fn migrations(&self) -> Vec<Box<dyn sea_orm_migration::MigrationTrait>> {
        migration::all()
    }

    fn register(&self, ctx: &ModuleContext, registry: &mut Registry) {
        registry.insert::<dyn PricingService>(Arc::new(DbPricingService::new(
            ctx.db.clone(),
            ctx.clock.clone(),
        )));
    }
}
