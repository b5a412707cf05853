//! Medusa's fulfillment module: shipping profiles, fulfillment sets linked to stock locations,
//! service zones and their geo zones, shipping options (flat prices per currency and region,
//! rules such as `enabled_in_store` and `is_return`), the manual fulfillment provider, and the
//! product <-> shipping profile link.
//!
//! Links to other modules' rows (stock locations, products, providers) are tables of this
//! crate without foreign keys. One deliberate difference from Medusa: option prices are stored
//! here in minor units instead of in the pricing module.

mod entity;
mod error;
mod migration;
mod model;
mod repo;
mod service;

pub use error::FulfillmentError;
pub use model::*;
pub use service::{
    DbFulfillmentService, FulfillmentService, RuleBatch, RuleBatchResult, geo_zone_matches,
};

use std::sync::Arc;

use medusa_core::registry::{Module, ModuleContext, Registry};

/// Registration of the module with the registry.
pub struct FulfillmentModule;

impl Module for FulfillmentModule {
    fn name(&self) -> &'static str {
        "fulfillment"
    }

    fn migrations(&self) -> Vec<Box<dyn sea_orm_migration::MigrationTrait>> {
        migration::all()
    }

    fn register(&self, ctx: &ModuleContext, registry: &mut Registry) {
        registry.insert::<dyn FulfillmentService>(Arc::new(DbFulfillmentService::new(
            ctx.db.clone(),
            ctx.clock.clone(),
        )));
    }
}
