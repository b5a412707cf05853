//! This module's migrations, oldest first. Names start with the module name so they are unique
//! across the workspace's migration table.

use sea_orm_migration::MigrationTrait;

mod m0001_create_inventory;
mod m0002_item_unit_of_measure;

pub fn all() -> Vec<Box<dyn MigrationTrait>> {
    vec![
        Box::new(m0001_create_inventory::Migration),
        Box::new(m0002_item_unit_of_measure::Migration),
    ]
}
