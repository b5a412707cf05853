use sea_orm_migration::prelude::*;

use medusa_db::schema::{
    boolean as b, entity, index, json_null, name as a, string as s, string_null as s_null,
};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "customer_0001_create_customer"
    }
}

/// Partial unique indexes (both backends have them; sea-query's index builder does not).
/// They are what enforces Medusa's invariants under concurrency: one live customer per
/// `(email, has_account)`, one live group per name, and at most one default shipping and one
/// default billing address per customer.
const UNIQUE_INDEXES: &[&str] = &[
    "CREATE UNIQUE INDEX idx_customer_email_has_account_unique ON customer (email, has_account) \
     WHERE deleted_at IS NULL",
    "CREATE UNIQUE INDEX idx_customer_group_name_unique ON customer_group (name) \
     WHERE deleted_at IS NULL",
    "CREATE UNIQUE INDEX idx_customer_address_unique_customer_shipping ON customer_address \
     (customer_id) WHERE is_default_shipping",
    "CREATE UNIQUE INDEX idx_customer_address_unique_customer_billing ON customer_address \
     (customer_id) WHERE is_default_billing",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(entity(
            "customer",
            vec![
                s_null("company_name"),
                s_null("first_name"),
                s_null("last_name"),
                s_null("email"),
                s_null("phone"),
                b("has_account", false),
                json_null("metadata"),
                s_null("created_by"),
            ],
        ))
        .await?;
        m.create_index(index(
            "idx_customer_deleted_at",
            "customer",
            &["deleted_at"],
        ))
        .await?;
        // Addresses are deleted for good, as in Medusa; `deleted_at` stays unused.
        m.create_table(entity(
            "customer_address",
            vec![
                s("customer_id"),
                s_null("address_name"),
                b("is_default_shipping", false),
                b("is_default_billing", false),
                s_null("company"),
                s_null("first_name"),
                s_null("last_name"),
                s_null("address_1"),
                s_null("address_2"),
                s_null("city"),
                s_null("country_code"),
                s_null("province"),
                s_null("postal_code"),
                s_null("phone"),
                json_null("metadata"),
            ],
        ))
        .await?;
        m.create_index(index(
            "idx_customer_address_customer_id",
            "customer_address",
            &["customer_id"],
        ))
        .await?;
        m.create_table(entity(
            "customer_group",
            vec![s("name"), json_null("metadata"), s_null("created_by")],
        ))
        .await?;
        m.create_table(
            Table::create()
                .table(a("customer_group_customer"))
                .col(ColumnDef::new(a("customer_id")).string().not_null())
                .col(ColumnDef::new(a("customer_group_id")).string().not_null())
                .col(ColumnDef::new(a("created_by")).string().null())
                .col(
                    ColumnDef::new(a("created_at"))
                        .timestamp_with_time_zone()
                        .not_null(),
                )
                .primary_key(
                    Index::create()
                        .col(a("customer_id"))
                        .col(a("customer_group_id")),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "idx_customer_group_customer_group_id",
            "customer_group_customer",
            &["customer_group_id"],
        ))
        .await?;
        for sql in UNIQUE_INDEXES {
            m.get_connection().execute_unprepared(sql).await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            "customer_group_customer",
            "customer_group",
            "customer_address",
            "customer",
        ] {
            m.drop_table(Table::drop().table(a(table)).to_owned())
                .await?;
        }
        Ok(())
    }
}
