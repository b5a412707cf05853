//! Medusa's sales-channel module: the channels (web shop, POS, ...) products are sold through.
//! Publishable API keys scope store requests to channels; that link lives in the api-key module.

mod entity;
mod error;
mod migration;
mod model;
mod repo;
mod service;

pub use error::SalesChannelError;
pub use model::{CreateSalesChannel, SalesChannel, SalesChannelFilter, UpdateSalesChannel};
pub use service::{DbSalesChannelService, SalesChannelService};

use std::sync::Arc;

use medusa_core::registry::{Module, ModuleContext, Registry};

/// Registration of the module with the registry.
pub struct SalesChannelModule;

impl Module for SalesChannelModule {
    fn name(&self) -> &'static str {
        "sales_channel"
    }

    fn migrations(&self) -> Vec<Box<dyn sea_orm_migration::MigrationTrait>> {
        migration::all()
    }

    fn register(&self, ctx: &ModuleContext, registry: &mut Registry) {
        registry.insert::<dyn SalesChannelService>(Arc::new(DbSalesChannelService::new(
            ctx.db.clone(),
            ctx.clock.clone(),
        )));
    }
}
