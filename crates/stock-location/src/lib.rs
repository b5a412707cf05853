//! Medusa's stock-location module: the places stock is kept (warehouses, shops), their
//! addresses, and the link between sales channels and stock locations that decides which
//! locations' stock a storefront may sell.
//!
//! The link table belongs to this module; the sales channel ids in it refer to another module,
//! so they carry no foreign key.

mod entity;
mod error;
mod migration;
mod model;
mod repo;
mod service;

pub use error::StockLocationError;
pub use model::{
    ListStockLocations, StockLocation, StockLocationAddress, StockLocationAddressId,
    StockLocationAddressInput, StockLocationId,
};
pub use service::{DbStockLocationService, StockLocationService};

use std::sync::Arc;

use medusa_core::registry::{Module, ModuleContext, Registry};

/// Registration of the module with the registry.
pub struct StockLocationModule;

impl Module for StockLocationModule {
    fn name(&self) -> &'static str {
        "stock_location"
    }

    fn migrations(&self) -> Vec<Box<dyn sea_orm_migration::MigrationTrait>> {
        migration::all()
    }

    fn register(&self, ctx: &ModuleContext, registry: &mut Registry) {
        registry.insert::<dyn StockLocationService>(Arc::new(DbStockLocationService::new(
            ctx.db.clone(),
            ctx.clock.clone(),
        )));
    }
}
