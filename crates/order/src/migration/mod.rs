use sea_orm_migration::MigrationTrait;

mod m0001_create_order;
mod m0002_capture_job;
mod m0003_outbox_delivery;
mod m0004_fulfillment_delivery_address;

pub fn all() -> Vec<Box<dyn MigrationTrait>> {
    vec![
        Box::new(m0001_create_order::Migration),
        Box::new(m0002_capture_job::Migration),
        Box::new(m0003_outbox_delivery::Migration),
        Box::new(m0004_fulfillment_delivery_address::Migration),
    ]
}
