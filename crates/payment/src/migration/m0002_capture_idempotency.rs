//! The caller's idempotency key of a capture (the delayed-capture job's
//! `capture:{payment_id}:{attempt_group}`), stored with the capture row before the provider is
//! called, so a retry after a crash finds the capture it already recorded and repeats the
//! provider call with the same key instead of recording (and sending) a second capture.

use sea_orm_migration::prelude::*;

use medusa_db::schema::{index, name as a, string as s};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "payment_0002_capture_idempotency"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(a("capture_idempotency"))
                .col(
                    ColumnDef::new(a("capture_id"))
                        .string()
                        .not_null()
                        .primary_key(),
                )
                .col(s("payment_id"))
                .col(s("idempotency_key"))
                .col(
                    ColumnDef::new(a("created_at"))
                        .timestamp_with_time_zone()
                        .not_null(),
                )
                .to_owned(),
        )
        .await?;
        // One capture per key: two claimers of one job cannot both record a capture.
        m.create_index(
            index(
                "idx_capture_idempotency_key",
                "capture_idempotency",
                &["idempotency_key"],
            )
            .unique()
            .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(a("capture_idempotency")).to_owned())
            .await
    }
}
