//! Medusa's inventory module: inventory items, their stock per location (levels),
//! reservations, and the link between product variants and inventory items.
//!
//! Locations belong to the stock-location module and variants to the product module; this
//! module stores their ids without foreign keys (modules do not reach into each other's
//! tables), and flows above the modules combine them.
//!
//! Reservations never oversell: [`InventoryService::reserve`] is one transaction of guarded
//! conditional updates (`... WHERE stocked_quantity - reserved_quantity >= n`), atomic on
//! SQLite and PostgreSQL alike, with demand summed per (item, location) first.

mod entity;
mod error;
mod migration;
mod model;
mod repo;
mod service;

pub use error::InventoryError;
pub use model::{
    CreateInventoryItem, FulfillmentRequest, InventoryItem, InventoryItemId, InventoryLevel,
    InventoryLevelId, ListInventoryItems, ListInventoryLevels, ListReservations, Reservation,
    ReservationItemId, ReservationRequest, UpdateInventoryItem, UpdateReservation,
    VariantInventoryItem,
};
pub use repo::MAX_IDS_PER_QUERY;
pub use service::{DbInventoryService, InventoryService};

use std::sync::Arc;

use medusa_core::registry::{Module, ModuleContext, Registry};

/// Registration of the module with the registry.
pub struct InventoryModule;

impl Module for InventoryModule {
    fn name(&self) -> &'static str {
        "inventory"
    }

    fn migrations(&self) -> Vec<Box<dyn sea_orm_migration::MigrationTrait>> {
        migration::all()
    }

    fn register(&self, ctx: &ModuleContext, registry: &mut Registry) {
        registry.insert::<dyn InventoryService>(Arc::new(DbInventoryService::new(
            ctx.db.clone(),
            ctx.clock.clone(),
        )));
    }
}
