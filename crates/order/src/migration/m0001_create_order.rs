use sea_orm_migration::prelude::*;

use medusa_db::schema::{
    boolean as b, entity, index, integer as i, json_null, link, name as a, string as s,
    string_null as s_null, text_null as t_null,
};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "order_0001_create_order"
    }
}

fn big(n: &str) -> ColumnDef {
    ColumnDef::new(a(n)).big_integer().not_null().to_owned()
}

fn big0(n: &str) -> ColumnDef {
    ColumnDef::new(a(n))
        .big_integer()
        .not_null()
        .default(0)
        .to_owned()
}

fn big_null(n: &str) -> ColumnDef {
    ColumnDef::new(a(n)).big_integer().null().to_owned()
}

fn ts_null(n: &str) -> ColumnDef {
    ColumnDef::new(a(n))
        .timestamp_with_time_zone()
        .null()
        .to_owned()
}

fn unique(name: &str, table: &str, cols: &[&str]) -> IndexCreateStatement {
    index(name, table, cols).unique().to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(entity(
            "order",
            vec![
                big("display_id"),
                s("status"),
                s_null("email"),
                s("currency_code"),
                s_null("region_id"),
                s_null("customer_id"),
                s_null("sales_channel_id"),
                s_null("locale"),
                s_null("shipping_address_id"),
                s_null("billing_address_id"),
                b("is_draft_order", false),
                b("no_notification", false),
                json_null("metadata"),
                ts_null("canceled_at"),
                big0("version"),
            ],
        ))
        .await?;
        // The storefront's numbers: no two orders share one.
        m.create_index(unique("idx_order_display_id", "order", &["display_id"]))
            .await?;
        m.create_index(index("idx_order_customer_id", "order", &["customer_id"]))
            .await?;
        m.create_index(index("idx_order_created_at", "order", &["created_at"]))
            .await?;
        // The next display id, taken in the transaction that creates the order so a failed
        // creation gives its number back (Medusa #14205 leaves gaps).
        m.create_table(
            Table::create()
                .table(a("order_display_id"))
                .col(ColumnDef::new(a("name")).string().not_null().primary_key())
                .col(big("value"))
                .to_owned(),
        )
        .await?;
        m.exec_stmt(
            Query::insert()
                .into_table(a("order_display_id"))
                .columns([a("name"), a("value")])
                .values_panic(["order".into(), 0i64.into()])
                .to_owned(),
        )
        .await?;
        m.create_table(entity(
            "order_address",
            vec![
                s("order_id"),
                s_null("customer_id"),
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
            "idx_order_address_order_id",
            "order_address",
            &["order_id"],
        ))
        .await?;
        m.create_table(entity(
            "order_line_item",
            vec![
                s("order_id"),
                s("detail_id"),
                s("title"),
                s_null("subtitle"),
                t_null("thumbnail"),
                big("quantity"),
                s_null("variant_id"),
                s_null("product_id"),
                s_null("product_title"),
                t_null("product_description"),
                s_null("product_subtitle"),
                s_null("product_type"),
                s_null("product_type_id"),
                s_null("product_collection"),
                s_null("product_handle"),
                s_null("variant_sku"),
                s_null("variant_barcode"),
                s_null("variant_title"),
                json_null("variant_option_values"),
                b("requires_shipping", true),
                b("is_discountable", true),
                b("is_giftcard", false),
                b("is_tax_inclusive", false),
                b("is_custom_price", false),
                big_null("compare_at_unit_price"),
                big("unit_price"),
                json_null("metadata"),
                i("rank", 0),
                big0("fulfilled_quantity"),
                big0("shipped_quantity"),
                big0("delivered_quantity"),
                big0("return_requested_quantity"),
                big0("return_received_quantity"),
                big0("return_dismissed_quantity"),
                big0("written_off_quantity"),
            ],
        ))
        .await?;
        m.create_index(index(
            "idx_order_line_item_order_id",
            "order_line_item",
            &["order_id"],
        ))
        .await?;
        m.create_table(entity(
            "order_shipping_method",
            vec![
                s("order_id"),
                s("detail_id"),
                s("name"),
                t_null("description"),
                big("amount"),
                b("is_tax_inclusive", false),
                b("is_custom_amount", false),
                s_null("shipping_option_id"),
                json_null("data"),
                json_null("metadata"),
                i("rank", 0),
            ],
        ))
        .await?;
        m.create_index(index(
            "idx_order_shipping_method_order_id",
            "order_shipping_method",
            &["order_id"],
        ))
        .await?;
        m.create_table(entity(
            "order_tax_line",
            vec![
                s("order_id"),
                s("owner_id"),
                t_null("description"),
                s("code"),
                s("rate"),
                s_null("provider_id"),
                s_null("tax_rate_id"),
                json_null("metadata"),
            ],
        ))
        .await?;
        m.create_index(index(
            "idx_order_tax_line_order_id",
            "order_tax_line",
            &["order_id"],
        ))
        .await?;
        m.create_table(entity(
            "order_adjustment",
            vec![
                s("order_id"),
                s("owner_id"),
                s_null("code"),
                t_null("description"),
                big("amount"),
                b("is_tax_inclusive", false),
                s_null("promotion_id"),
                s_null("provider_id"),
                json_null("metadata"),
            ],
        ))
        .await?;
        m.create_index(index(
            "idx_order_adjustment_order_id",
            "order_adjustment",
            &["order_id"],
        ))
        .await?;
        m.create_table(entity(
            "order_credit_line",
            vec![
                s("order_id"),
                s_null("reference"),
                s_null("reference_id"),
                big("amount"),
                json_null("metadata"),
            ],
        ))
        .await?;
        m.create_index(index(
            "idx_order_credit_line_order_id",
            "order_credit_line",
            &["order_id"],
        ))
        .await?;
        m.create_table(entity(
            "order_transaction",
            vec![
                s("order_id"),
                big("amount"),
                s("currency_code"),
                s_null("reference"),
                s_null("reference_id"),
            ],
        ))
        .await?;
        m.create_index(index(
            "idx_order_transaction_order_id",
            "order_transaction",
            &["order_id"],
        ))
        .await?;
        // One order per cart, enforced by the database so it holds across api processes.
        m.create_table(link("order_cart", "order_id", "cart_id"))
            .await?;
        m.create_index(unique("idx_order_cart_cart_id", "order_cart", &["cart_id"]))
            .await?;
        m.create_table(link(
            "order_payment_collection",
            "order_id",
            "payment_collection_id",
        ))
        .await?;
        m.create_index(unique(
            "idx_order_payment_collection_pc_id",
            "order_payment_collection",
            &["payment_collection_id"],
        ))
        .await?;
        m.create_table(entity(
            "order_fulfillment",
            vec![
                s("order_id"),
                s("location_id"),
                s("provider_id"),
                s_null("shipping_option_id"),
                b("requires_shipping", true),
                ts_null("packed_at"),
                ts_null("shipped_at"),
                ts_null("delivered_at"),
                ts_null("canceled_at"),
                s_null("marked_shipped_by"),
                s_null("created_by"),
                json_null("data"),
                json_null("metadata"),
            ],
        ))
        .await?;
        m.create_index(index(
            "idx_order_fulfillment_order_id",
            "order_fulfillment",
            &["order_id"],
        ))
        .await?;
        m.create_table(entity(
            "order_fulfillment_item",
            vec![
                s("fulfillment_id"),
                s("line_item_id"),
                s_null("inventory_item_id"),
                s("title"),
                s("sku"),
                s("barcode"),
                big("quantity"),
            ],
        ))
        .await?;
        m.create_index(index(
            "idx_order_fulfillment_item_fulfillment_id",
            "order_fulfillment_item",
            &["fulfillment_id"],
        ))
        .await?;
        m.create_table(entity(
            "order_fulfillment_label",
            vec![
                s("fulfillment_id"),
                s("tracking_number"),
                s("tracking_url"),
                s("label_url"),
            ],
        ))
        .await?;
        m.create_index(index(
            "idx_order_fulfillment_label_fulfillment_id",
            "order_fulfillment_label",
            &["fulfillment_id"],
        ))
        .await?;
        m.create_table(
            Table::create()
                .table(a("event_outbox"))
                .col(ColumnDef::new(a("id")).string().not_null().primary_key())
                .col(s("name"))
                .col(ColumnDef::new(a("payload")).json_binary().not_null())
                .col(
                    ColumnDef::new(a("created_at"))
                        .timestamp_with_time_zone()
                        .not_null(),
                )
                .col(ts_null("processed_at"))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "idx_event_outbox_processed_at",
            "event_outbox",
            &["processed_at", "created_at"],
        ))
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            "event_outbox",
            "order_fulfillment_label",
            "order_fulfillment_item",
            "order_fulfillment",
            "order_payment_collection",
            "order_cart",
            "order_transaction",
            "order_credit_line",
            "order_adjustment",
            "order_tax_line",
            "order_shipping_method",
            "order_line_item",
            "order_address",
            "order_display_id",
            "order",
        ] {
            m.drop_table(Table::drop().table(a(t)).to_owned()).await?;
        }
        Ok(())
    }
}
