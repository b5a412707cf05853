use sea_orm_migration::MigrationTrait;

mod m0001_create_order;

pub fn all() -> Vec<Box<dyn MigrationTrait>> {
    vec![Box::new(m0001_create_order::Migration)]
}
