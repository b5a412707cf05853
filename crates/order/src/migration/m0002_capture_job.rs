//! The delayed-capture job: one row per order whose payment was authorized but not captured,
//! written in the transaction that places the order (so a placed order can never lose its
//! capture), claimed by workers with a lease.

use sea_orm_migration::prelude::*;

use medusa_db::schema::{
    boolean as b, entity, index, integer as i, name as a, string as s, text_null as t_null,
};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "order_0002_capture_job"
    }
}

fn ts(n: &str) -> ColumnDef {
    ColumnDef::new(a(n))
        .timestamp_with_time_zone()
        .not_null()
        .to_owned()
}

fn ts_null(n: &str) -> ColumnDef {
    ColumnDef::new(a(n))
        .timestamp_with_time_zone()
        .null()
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(entity(
            "order_capture_job",
            vec![
                s("order_id"),
                s("payment_collection_id"),
                s("payment_id"),
                ts("run_at"),
                // pending | claimed | done | failed | canceled
                s("status"),
                i("attempts", 0),
                // Part of the provider idempotency key (`capture:{payment_id}:{attempt_group}`);
                // a new group means a new key.
                i("attempt_group", 1),
                ts_null("lease_until"),
                ColumnDef::new(a("claimed_by")).string().null().to_owned(),
                t_null("last_error"),
                ts("authorization_expires_at"),
                b("expiry_flagged", false),
                ts_null("completed_at"),
            ],
        ))
        .await?;
        // One capture job per order, whatever races.
        m.create_index(
            index(
                "idx_order_capture_job_order_id",
                "order_capture_job",
                &["order_id"],
            )
            .unique()
            .to_owned(),
        )
        .await?;
        // The poller's scan: due pending rows and expired leases.
        m.create_index(index(
            "idx_order_capture_job_status_run_at",
            "order_capture_job",
            &["status", "run_at"],
        ))
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(a("order_capture_job")).to_owned())
            .await
    }
}
