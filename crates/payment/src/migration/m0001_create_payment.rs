use sea_orm_migration::prelude::*;

use medusa_db::schema::{
    entity, index, json_null, name as a, string as s, string_null as s_null, text_null as t_null,
};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "payment_0001_create_payment"
    }
}

/// A money column: minor units of the row's currency.
fn money(n: &str) -> ColumnDef {
    ColumnDef::new(a(n))
        .big_integer()
        .not_null()
        .default(0)
        .to_owned()
}

fn timestamp_null(n: &str) -> ColumnDef {
    ColumnDef::new(a(n))
        .timestamp_with_time_zone()
        .null()
        .to_owned()
}

fn fk(from: &str, col: &str, to: &str, cascade: bool) -> ForeignKeyCreateStatement {
    let mut f = ForeignKey::create();
    f.name(format!("fk_{from}_{col}"))
        .from(a(from), a(col))
        .to(a(to), a("id"));
    if cascade {
        f.on_delete(ForeignKeyAction::Cascade);
    }
    f.to_owned()
}

fn unique(index_name: &str, table: &str, cols: &[&str]) -> IndexCreateStatement {
    let mut i = index(index_name, table, cols);
    i.unique();
    i
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let mut t = entity(
            "payment_collection",
            vec![
                s("currency_code"),
                money("amount"),
                money("authorized_amount"),
                money("captured_amount"),
                money("refunded_amount"),
                ColumnDef::new(a("status"))
                    .string()
                    .not_null()
                    .default("not_paid")
                    .to_owned(),
                timestamp_null("completed_at"),
                json_null("metadata"),
            ],
        );
        t.check((
            "chk_payment_collection_amount",
            Expr::col(a("amount")).gte(0),
        ));
        m.create_table(t).await?;

        let mut t = entity(
            "payment_session",
            vec![
                s("payment_collection_id"),
                s("currency_code"),
                money("amount"),
                s("provider_id"),
                ColumnDef::new(a("data"))
                    .json_binary()
                    .not_null()
                    .to_owned(),
                json_null("context"),
                ColumnDef::new(a("status"))
                    .string()
                    .not_null()
                    .default("pending")
                    .to_owned(),
                timestamp_null("authorized_at"),
                json_null("metadata"),
            ],
        );
        t.foreign_key(&mut fk(
            "payment_session",
            "payment_collection_id",
            "payment_collection",
            true,
        ));
        m.create_table(t).await?;
        m.create_index(index(
            "idx_payment_session_collection",
            "payment_session",
            &["payment_collection_id"],
        ))
        .await?;

        // `captured_amount` / `refunded_amount` are the sums of the payment's captures and
        // refunds, kept in the same transaction as the rows; the CHECKs are the last line of
        // defence against over-capture and over-refund.
        let mut t = entity(
            "payment",
            vec![
                s("payment_collection_id"),
                s("payment_session_id"),
                s("provider_id"),
                s("currency_code"),
                money("amount"),
                money("captured_amount"),
                money("refunded_amount"),
                json_null("data"),
                json_null("metadata"),
                timestamp_null("captured_at"),
                timestamp_null("canceled_at"),
            ],
        );
        t.check((
            "chk_payment_captured_within_amount",
            Expr::col(a("captured_amount"))
                .gte(0)
                .and(Expr::col(a("captured_amount")).lte(Expr::col(a("amount")))),
        ))
        .check((
            "chk_payment_refunded_within_captured",
            Expr::col(a("refunded_amount"))
                .gte(0)
                .and(Expr::col(a("refunded_amount")).lte(Expr::col(a("captured_amount")))),
        ))
        .foreign_key(&mut fk(
            "payment",
            "payment_collection_id",
            "payment_collection",
            true,
        ));
        m.create_table(t).await?;
        // One payment per session: a concurrent second authorization cannot create another.
        m.create_index(unique(
            "idx_payment_session_unique",
            "payment",
            &["payment_session_id"],
        ))
        .await?;
        m.create_index(index(
            "idx_payment_collection",
            "payment",
            &["payment_collection_id"],
        ))
        .await?;

        let mut t = entity(
            "capture",
            vec![
                s("payment_id"),
                money("amount"),
                s_null("created_by"),
                json_null("metadata"),
            ],
        );
        t.check(("chk_capture_amount_positive", Expr::col(a("amount")).gt(0)))
            .foreign_key(&mut fk("capture", "payment_id", "payment", true));
        m.create_table(t).await?;
        m.create_index(index("idx_capture_payment_id", "capture", &["payment_id"]))
            .await?;

        m.create_table(entity(
            "refund_reason",
            vec![
                s("label"),
                s("code"),
                t_null("description"),
                json_null("metadata"),
            ],
        ))
        .await?;

        let mut t = entity(
            "refund",
            vec![
                s("payment_id"),
                money("amount"),
                t_null("note"),
                s_null("refund_reason_id"),
                s_null("created_by"),
                json_null("metadata"),
            ],
        );
        t.check(("chk_refund_amount_positive", Expr::col(a("amount")).gt(0)))
            .foreign_key(&mut fk("refund", "payment_id", "payment", true));
        m.create_table(t).await?;
        m.create_index(index("idx_refund_payment_id", "refund", &["payment_id"]))
            .await?;

        m.create_table(
            Table::create()
                .table(a("payment_transaction"))
                .col(ColumnDef::new(a("id")).string().not_null().primary_key())
                .col(s("kind"))
                .col(ColumnDef::new(a("amount")).big_integer().not_null())
                .col(s("currency_code"))
                .col(s("payment_id"))
                .col(s("reference_id"))
                .col(
                    ColumnDef::new(a("created_at"))
                        .timestamp_with_time_zone()
                        .not_null(),
                )
                .foreign_key(&mut fk(
                    "payment_transaction",
                    "payment_id",
                    "payment",
                    true,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "idx_payment_transaction_payment_id",
            "payment_transaction",
            &["payment_id"],
        ))
        .await?;

        // Medusa's `cart_payment_collection` link: one collection per cart, one cart per
        // collection.
        m.create_table(
            Table::create()
                .table(a("cart_payment_collection"))
                .col(
                    ColumnDef::new(a("cart_id"))
                        .string()
                        .not_null()
                        .primary_key(),
                )
                .col(s("payment_collection_id"))
                .col(
                    ColumnDef::new(a("created_at"))
                        .timestamp_with_time_zone()
                        .not_null(),
                )
                .foreign_key(&mut fk(
                    "cart_payment_collection",
                    "payment_collection_id",
                    "payment_collection",
                    true,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(unique(
            "idx_cart_payment_collection_collection",
            "cart_payment_collection",
            &["payment_collection_id"],
        ))
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            "cart_payment_collection",
            "payment_transaction",
            "refund",
            "refund_reason",
            "capture",
            "payment",
            "payment_session",
            "payment_collection",
        ] {
            m.drop_table(Table::drop().table(a(table)).to_owned())
                .await?;
        }
        Ok(())
    }
}
