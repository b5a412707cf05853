//! Delivery state of the event outbox: the dispatcher claims rows with a lease (several worker
//! and api processes poll at once), counts attempts, and retries a failed delivery later with
//! backoff until it gives up (`failed_at`).

use sea_orm_migration::prelude::*;

use medusa_db::schema::{
    index, integer as i, name as a, string_null as s_null, text_null as t_null,
};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "order_0003_outbox_delivery"
    }
}

fn ts_null(n: &str) -> ColumnDef {
    ColumnDef::new(a(n))
        .timestamp_with_time_zone()
        .null()
        .to_owned()
}

const TABLE: &str = "event_outbox";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite's ALTER TABLE adds one column at a time.
        for col in [
            i("attempts", 0),
            // Not before this instant (a retry's backoff); null: at once.
            ts_null("next_attempt_at"),
            // A claimer holds the row until then; an expired lease (a crashed worker) frees it.
            ts_null("lease_until"),
            // The claim's token: only its holder may mark the row processed or failed.
            s_null("claimed_by"),
            t_null("last_error"),
            // Gave up after the attempt limit; kept for inspection, never retried.
            ts_null("failed_at"),
        ] {
            m.alter_table(
                Table::alter()
                    .table(a(TABLE))
                    .add_column(col.to_owned())
                    .to_owned(),
            )
            .await?;
        }
        m.create_index(index(
            "idx_event_outbox_due",
            TABLE,
            &["processed_at", "failed_at", "next_attempt_at"],
        ))
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(
            Index::drop()
                .name("idx_event_outbox_due")
                .table(a(TABLE))
                .to_owned(),
        )
        .await?;
        for col in [
            "failed_at",
            "last_error",
            "claimed_by",
            "lease_until",
            "next_attempt_at",
            "attempts",
        ] {
            m.alter_table(
                Table::alter()
                    .table(a(TABLE))
                    .drop_column(a(col))
                    .to_owned(),
            )
            .await?;
        }
        Ok(())
    }
}
