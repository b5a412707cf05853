//! This module's migrations, oldest first. Names start with the module name so they are unique
//! across the workspace's migration table.

use sea_orm_migration::MigrationTrait;

mod m0001_create_payment;
mod m0002_capture_idempotency;
mod m0003_webhook_event;

pub fn all() -> Vec<Box<dyn MigrationTrait>> {
    vec![
        Box::new(m0001_create_payment::Migration),
        Box::new(m0002_capture_idempotency::Migration),
        Box::new(m0003_webhook_event::Migration),
    ]
}
