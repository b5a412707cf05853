//! This module's migrations, oldest first. Names start with the module name so they are unique
//! across the workspace's migration table.

use sea_orm_migration::MigrationTrait;

mod m0001_create_payment;

pub fn all() -> Vec<Box<dyn MigrationTrait>> {
    vec![Box::new(m0001_create_payment::Migration)]
}
