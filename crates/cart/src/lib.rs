//! Medusa's cart module: carts, their shipping and billing addresses, line items (a snapshot of
//! the catalog when the variant was added), shipping methods, tax lines, adjustments and credit
//! lines.
//!
//! The module stores what it is given and decides nothing about prices, taxes or stock: the
//! api's cart flow asks the pricing, tax, fulfillment and inventory modules and saves the result
//! here. A cart is saved whole under a version check ([`CartService::save`]), so two requests
//! changing one cart at once (even in different processes) cannot lose each other's work: the
//! later one is told to retry from the fresh state.

mod document;
mod entity;
mod error;
mod migration;
mod model;
mod repo;
mod service;

pub use error::CartError;
pub use model::*;
pub use service::{CartService, DbCartService};

use std::sync::Arc;

use medusa_core::registry::{Module, ModuleContext, Registry};

/// Registration of the module with the registry.
pub struct CartModule;

impl Module for CartModule {
    fn name(&self) -> &'static str {
        "cart"
    }

    fn migrations(&self) -> Vec<Box<dyn sea_orm_migration::MigrationTrait>> {
        migration::all()
    }

    fn register(&self, ctx: &ModuleContext, registry: &mut Registry) {
        registry.insert::<dyn CartService>(Arc::new(DbCartService::new(
            ctx.db.clone(),
            ctx.clock.clone(),
        )));
    }
}
