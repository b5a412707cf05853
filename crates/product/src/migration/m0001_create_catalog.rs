use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DbBackend;

use medusa_db::schema::{
    boolean as b, double_null as f_null, entity, index, integer as i, json_null, link, name as a,
    string as s, string_null as s_null, text_null as t_null,
};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "product_0001_create_catalog"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(entity(
            "product",
            vec![
                s("title"),
                s_null("subtitle"),
                t_null("description"),
                s("handle"),
                ColumnDef::new(a("status"))
                    .string()
                    .not_null()
                    .default("draft")
                    .to_owned(),
                b("is_giftcard", false),
                b("discountable", true),
                t_null("thumbnail"),
                f_null("weight"),
                f_null("length"),
                f_null("height"),
                f_null("width"),
                s_null("hs_code"),
                s_null("origin_country"),
                s_null("mid_code"),
                s_null("material"),
                s_null("collection_id"),
                s_null("type_id"),
                s_null("external_id"),
                json_null("metadata"),
            ],
        ))
        .await?;
        m.create_table(entity(
            "product_variant",
            vec![
                s("product_id"),
                s("title"),
                s_null("sku"),
                s_null("barcode"),
                s_null("ean"),
                s_null("upc"),
                b("allow_backorder", false),
                b("manage_inventory", true),
                s_null("hs_code"),
                s_null("origin_country"),
                s_null("mid_code"),
                s_null("material"),
                f_null("weight"),
                f_null("length"),
                f_null("height"),
                f_null("width"),
                json_null("metadata"),
                i("variant_rank", 0),
                t_null("thumbnail"),
            ],
        ))
        .await?;
        m.create_table(entity(
            "product_option",
            vec![
                s("product_id"),
                s("title"),
                b("is_exclusive", true),
                json_null("metadata"),
            ],
        ))
        .await?;
        m.create_table(entity(
            "product_option_value",
            vec![
                s("option_id"),
                s("value"),
                ColumnDef::new(a("rank")).integer().null().to_owned(),
                json_null("metadata"),
            ],
        ))
        .await?;
        m.create_table(link(
            "product_variant_option",
            "variant_id",
            "option_value_id",
        ))
        .await?;
        m.create_table(entity(
            "image",
            vec![
                s("product_id"),
                ColumnDef::new(a("url")).text().not_null().to_owned(),
                i("rank", 0),
                json_null("metadata"),
            ],
        ))
        .await?;
        m.create_table(link(
            "product_variant_product_image",
            "variant_id",
            "image_id",
        ))
        .await?;
        m.create_table(entity(
            "product_tag",
            vec![s("value"), json_null("metadata")],
        ))
        .await?;
        m.create_table(link("product_tags", "product_id", "product_tag_id"))
            .await?;
        m.create_table(entity(
            "product_type",
            vec![s("value"), json_null("metadata")],
        ))
        .await?;
        m.create_table(entity(
            "product_collection",
            vec![s("title"), s("handle"), json_null("metadata")],
        ))
        .await?;
        m.create_table(entity(
            "product_category",
            vec![
                s("name"),
                ColumnDef::new(a("description"))
                    .text()
                    .not_null()
                    .default("")
                    .to_owned(),
                s("handle"),
                ColumnDef::new(a("mpath")).text().not_null().to_owned(),
                b("is_active", false),
                b("is_internal", false),
                i("rank", 0),
                s_null("parent_category_id"),
                s_null("external_id"),
                json_null("metadata"),
            ],
        ))
        .await?;
        m.create_table(link(
            "product_category_product",
            "product_id",
            "product_category_id",
        ))
        .await?;
        m.create_table(link(
            "product_sales_channel",
            "product_id",
            "sales_channel_id",
        ))
        .await?;

        // Lookups every listing does: by parent, by handle, by link.
        for (name, table, cols) in [
            (
                "idx_product_variant_product_id",
                "product_variant",
                &["product_id"][..],
            ),
            (
                "idx_product_option_product_id",
                "product_option",
                &["product_id"],
            ),
            (
                "idx_product_option_value_option_id",
                "product_option_value",
                &["option_id"],
            ),
            ("idx_image_product_id", "image", &["product_id"]),
            ("idx_product_tags_tag", "product_tags", &["product_tag_id"]),
            (
                "idx_product_category_product_cat",
                "product_category_product",
                &["product_category_id"],
            ),
            (
                "idx_product_sales_channel_sc",
                "product_sales_channel",
                &["sales_channel_id"],
            ),
            (
                "idx_product_status_created",
                "product",
                &["status", "created_at"],
            ),
            ("idx_product_collection_id", "product", &["collection_id"]),
            (
                "idx_product_category_parent",
                "product_category",
                &["parent_category_id"],
            ),
        ] {
            m.create_index(index(name, table, cols)).await?;
        }
        // Handles and SKUs are unique among live rows (Medusa uses partial unique indexes).
        let conn = m.get_connection();
        for (name, table, col) in [
            ("idx_product_handle_unique", "product", "handle"),
            ("idx_product_variant_sku_unique", "product_variant", "sku"),
            (
                "idx_product_collection_handle_unique",
                "product_collection",
                "handle",
            ),
            (
                "idx_product_category_handle_unique",
                "product_category",
                "handle",
            ),
            ("idx_product_type_value_unique", "product_type", "value"),
            ("idx_product_tag_value_unique", "product_tag", "value"),
        ] {
            let sql = match conn.get_database_backend() {
                DbBackend::Postgres | DbBackend::Sqlite => format!(
                    "CREATE UNIQUE INDEX {name} ON {table} ({col}) WHERE deleted_at IS NULL"
                ),
                _ => format!("CREATE UNIQUE INDEX {name} ON {table} ({col})"),
            };
            conn.execute_unprepared(&sql).await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            "product_sales_channel",
            "product_category_product",
            "product_category",
            "product_collection",
            "product_type",
            "product_tags",
            "product_tag",
            "product_variant_product_image",
            "image",
            "product_variant_option",
            "product_option_value",
            "product_option",
            "product_variant",
            "product",
        ] {
            m.drop_table(Table::drop().table(a(t)).to_owned()).await?;
        }
        Ok(())
    }
}
