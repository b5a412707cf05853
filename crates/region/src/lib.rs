//! Medusa's region module: regions (a currency, tax settings and payment providers for a set
//! of countries), the ISO country table, and the link between regions and payment providers.
//!
//! A country belongs to at most one region. The country table is filled by a migration with
//! the list Medusa ships, so codes can be validated without network or seed data.

mod countries;
mod entity;
mod error;
mod migration;
mod model;
mod repo;
mod service;

pub use error::RegionError;
pub use model::{
    Country, CreateRegion, PaymentProviderId, Region, RegionDetails, RegionFilter,
    SYSTEM_PAYMENT_PROVIDER, UpdateRegion,
};
pub use service::{DbRegionService, RegionService};

use std::sync::Arc;

use medusa_core::registry::{Module, ModuleContext, Registry};

/// Registration of the module with the registry.
pub struct RegionModule;

impl Module for RegionModule {
    fn name(&self) -> &'static str {
        "region"
    }

    fn migrations(&self) -> Vec<Box<dyn sea_orm_migration::MigrationTrait>> {
        migration::all()
    }

    fn register(&self, ctx: &ModuleContext, registry: &mut Registry) {
        registry.insert::<dyn RegionService>(Arc::new(DbRegionService::new(
            ctx.db.clone(),
            ctx.clock.clone(),
        )));
    }
}
