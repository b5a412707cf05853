use sea_orm_migration::prelude::*;

use medusa_db::schema::{name as a, string as s};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "cart_0002_completion_claim"
    }
}

/// Who is completing a cart right now: one row per cart while a completion runs, with a lease
/// so a crashed process's claim expires.
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(a("cart_completion"))
                .col(
                    ColumnDef::new(a("cart_id"))
                        .string()
                        .not_null()
                        .primary_key(),
                )
                .col(s("token"))
                .col(
                    ColumnDef::new(a("expires_at"))
                        .timestamp_with_time_zone()
                        .not_null(),
                )
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(a("cart_completion")).to_owned())
            .await
    }
}
