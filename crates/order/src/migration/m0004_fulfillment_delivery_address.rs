//! The fulfilment's `delivery_address`: Medusa copies the order's shipping address into a
//! fulfilment address when the fulfilment is created, so later edits of the order's address do
//! not change where a parcel already went. Kept as one JSON document (with its own `fuladdr_`
//! id) on the fulfilment row: it is only ever read with its fulfilment.

use sea_orm_migration::prelude::*;

use medusa_db::schema::{json_null, name as a};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "order_0004_fulfillment_delivery_address"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(a("order_fulfillment"))
                .add_column(json_null("delivery_address"))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(a("order_fulfillment"))
                .drop_column(a("delivery_address"))
                .to_owned(),
        )
        .await
    }
}
