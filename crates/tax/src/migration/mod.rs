//! This module's migrations, oldest first (names prefixed with the module name).

use sea_orm_migration::MigrationTrait;

mod m0001_create_tax;

pub fn all() -> Vec<Box<dyn MigrationTrait>> {
    vec![Box::new(m0001_create_tax::Migration)]
}
