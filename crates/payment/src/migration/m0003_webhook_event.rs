//! Provider webhooks: `payment_webhook_event` remembers every event id a provider delivered, so
//! a replayed delivery (Stripe delivers at least once, and a captured request can be replayed
//! inside the signature's 300 s window) is answered without acting twice. The primary key
//! `(provider_id, event_id)` is what decides which delivery is the first.
//!
//! Also an index on the provider's reference in a session's data (`data.id`, Stripe's
//! PaymentIntent id), for `GET /store/orders/by-payment-intent/:id`. It is an expression index,
//! written per backend because the JSON operator differs; the lookup query uses the same
//! expression so the index serves it.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DbBackend;

use medusa_db::schema::{name as a, string as s};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "payment_0003_webhook_event"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(a("payment_webhook_event"))
                .col(s("provider_id"))
                .col(s("event_id"))
                .col(s("event_type"))
                .col(
                    ColumnDef::new(a("received_at"))
                        .timestamp_with_time_zone()
                        .not_null(),
                )
                .primary_key(Index::create().col(a("provider_id")).col(a("event_id")))
                .to_owned(),
        )
        .await?;
        let sql = match m.get_database_backend() {
            DbBackend::Postgres => {
                "CREATE INDEX idx_payment_session_data_id ON payment_session ((data->>'id'))"
            }
            _ => {
                "CREATE INDEX idx_payment_session_data_id ON payment_session (json_extract(data, '$.id'))"
            }
        };
        m.get_connection().execute_unprepared(sql).await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.get_connection()
            .execute_unprepared("DROP INDEX IF EXISTS idx_payment_session_data_id")
            .await?;
        m.drop_table(Table::drop().table(a("payment_webhook_event")).to_owned())
            .await
    }
}
