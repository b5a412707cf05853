//! The HTTP server: Medusa v2's `/store`, `/admin`, `/auth` and `/hooks` APIs plus `/health`.
//!
//! This crate is the composition root: [`modules`] lists every module (one line each), and
//! flows that span modules live here, above the modules.

pub mod auth;
pub mod capture;
pub mod cart;
pub mod catalog;
pub mod checkout;
pub mod error;
pub mod extract;
pub mod jobs;
pub mod middleware;
pub mod openapi;
pub mod order;
pub mod outbox;
pub mod payment;
pub mod redis;
pub mod response;
pub mod routes;
pub mod seed;
pub mod shipping;
pub mod stale_reservations;
pub mod startup;
pub mod state;
pub mod stripe;
pub mod telemetry;

use medusa_core::registry::Module;
use sea_orm_migration::{MigrationTrait, MigratorTrait};

/// Every module, in registration (and migration) order. Adding a module is one line here.
pub fn modules() -> Vec<Box<dyn Module>> {
    vec![
        Box::new(medusa_db::versions::VersionsModule),
        Box::new(medusa_api_key::ApiKeyModule),
        Box::new(medusa_product::ProductModule),
        Box::new(medusa_pricing::PricingModule),
        Box::new(medusa_region::RegionModule),
        Box::new(medusa_sales_channel::SalesChannelModule),
        Box::new(medusa_stock_location::StockLocationModule),
        Box::new(medusa_inventory::InventoryModule),
        Box::new(medusa_fulfillment::FulfillmentModule),
        Box::new(medusa_tax::TaxModule),
        Box::new(medusa_cart::CartModule),
        Box::new(medusa_auth::AuthModule),
        Box::new(medusa_user::UserModule),
        Box::new(medusa_customer::CustomerModule),
        Box::new(medusa_order::OrderModule),
        // The payment module, with the Stripe provider when `STRIPE_API_KEY` is set.
        Box::new(stripe::PaymentModuleWithStripe),
    ]
}

/// All modules' migrations, for `cargo xtask migrate` and the embedded start-up.
pub struct Migrator;

impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        medusa_core::registry::migrations(&modules())
    }
}
