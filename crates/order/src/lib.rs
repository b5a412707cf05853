//! Medusa's order module: orders with their addresses, items (the cart's snapshot, with the
//! fulfilment quantities Medusa keeps in `order_item`), shipping methods, tax lines,
//! adjustments, credit lines and transactions; fulfilments (manual provider) and shipments;
//! the order <-> cart and order <-> payment collection links; and a durable event outbox.
//!
//! The module stores what it is given: the api builds a [`CreateOrderInput`] from the completed
//! cart and computes totals with `medusa-totals`. What makes checkout safe lives here, in the
//! database: one order per cart is a unique index on the cart link (so it holds across api
//! processes), and the display id is taken from a counter row in the creating transaction (a
//! failed creation gives its number back, unlike Medusa #14205).

mod capture_repo;
mod capture_stats;
mod entity;
mod error;
mod migration;
mod model;
mod outbox_repo;
mod repo;
mod service;

pub use capture_stats::{CaptureJobCounts, capture_job_counts};
pub use error::OrderError;
pub use model::*;
pub use service::{DbOrderService, OrderService};

use std::sync::Arc;

use medusa_core::registry::{Module, ModuleContext, Registry};

/// Registration of the module with the registry.
pub struct OrderModule;

impl Module for OrderModule {
    fn name(&self) -> &'static str {
        "order"
    }

    fn migrations(&self) -> Vec<Box<dyn sea_orm_migration::MigrationTrait>> {
        migration::all()
    }

    fn register(&self, ctx: &ModuleContext, registry: &mut Registry) {
        registry.insert::<dyn OrderService>(Arc::new(DbOrderService::new(
            ctx.db.clone(),
            ctx.clock.clone(),
        )));
    }
}
