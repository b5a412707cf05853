use sea_orm_migration::prelude::*;

use medusa_db::schema::{
    boolean as b, entity, index, json_null, name as a, string as s, string_null as s_null,
};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "tax_0001_create_tax"
    }
}

fn timestamps(t: &mut TableCreateStatement) -> &mut TableCreateStatement {
    for c in ["created_at", "updated_at"] {
        t.col(ColumnDef::new(a(c)).timestamp_with_time_zone().not_null());
    }
    t.col(
        ColumnDef::new(a("deleted_at"))
            .timestamp_with_time_zone()
            .null(),
    )
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // Medusa's `tax_provider`: the id is the provider's registration key (`tp_system`).
        let mut provider = Table::create();
        provider
            .table(a("tax_provider"))
            .col(ColumnDef::new(a("id")).string().not_null().primary_key())
            .col(b("is_enabled", true));
        m.create_table(timestamps(&mut provider).to_owned()).await?;

        let mut region = entity(
            "tax_region",
            vec![
                s("country_code"),
                s_null("province_code"),
                s_null("parent_id"),
                s_null("provider_id"),
                json_null("metadata"),
                s_null("created_by"),
            ],
        );
        region
            .foreign_key(
                ForeignKey::create()
                    .name("fk_tax_region_parent")
                    .from(a("tax_region"), a("parent_id"))
                    .to(a("tax_region"), a("id"))
                    .on_delete(ForeignKeyAction::Cascade),
            )
            .foreign_key(
                ForeignKey::create()
                    .name("fk_tax_region_provider")
                    .from(a("tax_region"), a("provider_id"))
                    .to(a("tax_provider"), a("id"))
                    .on_delete(ForeignKeyAction::SetNull),
            );
        m.create_table(region).await?;

        // The rate is an exact decimal percentage kept as text: SQLite has no exact decimal
        // column type, and sea-orm's SQLite decimals go through f64.
        let mut rate = entity(
            "tax_rate",
            vec![
                s_null("rate"),
                s("code"),
                s("name"),
                b("is_default", false),
                b("is_combinable", false),
                s("tax_region_id"),
                json_null("metadata"),
                s_null("created_by"),
            ],
        );
        rate.foreign_key(
            ForeignKey::create()
                .name("fk_tax_rate_tax_region")
                .from(a("tax_rate"), a("tax_region_id"))
                .to(a("tax_region"), a("id"))
                .on_delete(ForeignKeyAction::Cascade),
        );
        m.create_table(rate).await?;

        let mut rule = entity(
            "tax_rate_rule",
            vec![
                s("tax_rate_id"),
                s("reference"),
                s("reference_id"),
                json_null("metadata"),
                s_null("created_by"),
            ],
        );
        rule.foreign_key(
            ForeignKey::create()
                .name("fk_tax_rate_rule_tax_rate")
                .from(a("tax_rate_rule"), a("tax_rate_id"))
                .to(a("tax_rate"), a("id"))
                .on_delete(ForeignKeyAction::Cascade),
        );
        m.create_table(rule).await?;

        m.create_index(index(
            "idx_tax_region_parent_id",
            "tax_region",
            &["parent_id"],
        ))
        .await?;
        m.create_index(index(
            "idx_tax_rate_tax_region_id",
            "tax_rate",
            &["tax_region_id"],
        ))
        .await?;
        m.create_index(index(
            "idx_tax_rate_rule_reference_id",
            "tax_rate_rule",
            &["reference_id"],
        ))
        .await?;
        m.create_index(index(
            "idx_tax_rate_rule_tax_rate_id",
            "tax_rate_rule",
            &["tax_rate_id"],
        ))
        .await?;

        // Medusa's partial unique indexes (same syntax on SQLite and PostgreSQL): one live
        // region per country and per (country, province), one live default rate per region,
        // one live rule per (rate, reference id).
        let conn = m.get_connection();
        for sql in [
            "CREATE UNIQUE INDEX idx_tax_region_unique_country_province ON tax_region (country_code, province_code) WHERE deleted_at IS NULL",
            "CREATE UNIQUE INDEX idx_tax_region_unique_country_nullable_province ON tax_region (country_code) WHERE province_code IS NULL AND deleted_at IS NULL",
            "CREATE UNIQUE INDEX idx_tax_rate_single_default_region ON tax_rate (tax_region_id) WHERE is_default = TRUE AND deleted_at IS NULL",
            "CREATE UNIQUE INDEX idx_tax_rate_rule_unique_rate_reference ON tax_rate_rule (tax_rate_id, reference_id) WHERE deleted_at IS NULL",
        ] {
            conn.execute_unprepared(sql).await?;
        }

        // The system provider ships with the module (Medusa registers it at start-up).
        let now = chrono::Utc::now();
        let mut insert = Query::insert();
        insert.into_table(a("tax_provider")).columns([
            a("id"),
            a("is_enabled"),
            a("created_at"),
            a("updated_at"),
        ]);
        insert
            .values([
                crate::model::SYSTEM_TAX_PROVIDER.into(),
                true.into(),
                now.into(),
                now.into(),
            ])
            .map_err(|e| DbErr::Custom(e.to_string()))?;
        m.exec_stmt(insert).await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for table in ["tax_rate_rule", "tax_rate", "tax_region", "tax_provider"] {
            m.drop_table(Table::drop().table(a(table)).to_owned())
                .await?;
        }
        Ok(())
    }
}
