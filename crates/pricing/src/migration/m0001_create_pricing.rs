use sea_orm_migration::prelude::*;

use medusa_db::schema::{entity, name as a, string as s, string_null as s_null};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "pricing_0001_create_pricing"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(entity("price_set", vec![])).await?;
        m.create_table(
            Table::create()
                .table(a("product_variant_price_set"))
                .col(
                    ColumnDef::new(a("variant_id"))
                        .string()
                        .not_null()
                        .primary_key(),
                )
                .col(ColumnDef::new(a("price_set_id")).string().not_null())
                .to_owned(),
        )
        .await?;
        m.create_table(entity(
            "price",
            vec![
                s_null("title"),
                s("price_set_id"),
                s("currency_code"),
                // Minor units: exact on SQLite and PostgreSQL (see medusa_core::money).
                ColumnDef::new(a("amount"))
                    .big_integer()
                    .not_null()
                    .to_owned(),
                ColumnDef::new(a("min_quantity"))
                    .big_integer()
                    .null()
                    .to_owned(),
                ColumnDef::new(a("max_quantity"))
                    .big_integer()
                    .null()
                    .to_owned(),
                s_null("price_list_id"),
                ColumnDef::new(a("rules_count"))
                    .integer()
                    .not_null()
                    .default(0)
                    .to_owned(),
            ],
        ))
        .await?;
        m.create_table(entity(
            "price_rule",
            vec![
                s("price_id"),
                s("attribute"),
                s("value"),
                ColumnDef::new(a("operator"))
                    .string()
                    .not_null()
                    .default("eq")
                    .to_owned(),
                ColumnDef::new(a("priority"))
                    .integer()
                    .not_null()
                    .default(0)
                    .to_owned(),
            ],
        ))
        .await?;
        m.create_table(entity(
            "price_list",
            vec![
                s("title"),
                ColumnDef::new(a("description"))
                    .text()
                    .not_null()
                    .default("")
                    .to_owned(),
                ColumnDef::new(a("status"))
                    .string()
                    .not_null()
                    .default("draft")
                    .to_owned(),
                ColumnDef::new(a("type"))
                    .string()
                    .not_null()
                    .default("sale")
                    .to_owned(),
                ColumnDef::new(a("starts_at"))
                    .timestamp_with_time_zone()
                    .null()
                    .to_owned(),
                ColumnDef::new(a("ends_at"))
                    .timestamp_with_time_zone()
                    .null()
                    .to_owned(),
                ColumnDef::new(a("rules_count"))
                    .integer()
                    .not_null()
                    .default(0)
                    .to_owned(),
            ],
        ))
        .await?;
        m.create_table(entity(
            "price_list_rule",
            vec![
                s("price_list_id"),
                s("attribute"),
                ColumnDef::new(a("value"))
                    .json_binary()
                    .not_null()
                    .to_owned(),
            ],
        ))
        .await?;
        m.create_table(entity(
            "price_preference",
            vec![
                s("attribute"),
                s("value"),
                ColumnDef::new(a("is_tax_inclusive"))
                    .boolean()
                    .not_null()
                    .default(false)
                    .to_owned(),
            ],
        ))
        .await?;
        for (name, table, cols, unique) in [
            (
                "idx_price_set_currency",
                "price",
                &["price_set_id", "currency_code"][..],
                false,
            ),
            ("idx_price_price_list", "price", &["price_list_id"], false),
            ("idx_price_rule_price", "price_rule", &["price_id"], false),
            (
                "idx_price_rule_attr_value",
                "price_rule",
                &["attribute", "value"],
                false,
            ),
            (
                "idx_price_list_rule_list",
                "price_list_rule",
                &["price_list_id"],
                false,
            ),
            (
                "idx_price_preference_attr_value",
                "price_preference",
                &["attribute", "value"],
                true,
            ),
            (
                "idx_variant_price_set_pset",
                "product_variant_price_set",
                &["price_set_id"],
                false,
            ),
        ] {
            let mut i = Index::create();
            i.name(name).table(a(table));
            for c in cols {
                i.col(a(c));
            }
            if unique {
                i.unique();
            }
            m.create_index(i.to_owned()).await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            "price_preference",
            "price_list_rule",
            "price_list",
            "price_rule",
            "price",
            "product_variant_price_set",
            "price_set",
        ] {
            m.drop_table(Table::drop().table(a(t)).to_owned()).await?;
        }
        Ok(())
    }
}
