//! This module's migrations, oldest first. Names start with the module name so they are unique
//! across the workspace's migration table.

use sea_orm_migration::MigrationTrait;

mod legacy;
mod m0001_create_cart;
mod m0002_completion_claim;
mod m0003_cart_document;
mod m0004_body_lz4;

pub fn all() -> Vec<Box<dyn MigrationTrait>> {
    vec![
        Box::new(m0001_create_cart::Migration),
        Box::new(m0002_completion_claim::Migration),
        Box::new(m0003_cart_document::Migration),
        Box::new(m0004_body_lz4::Migration),
    ]
}
