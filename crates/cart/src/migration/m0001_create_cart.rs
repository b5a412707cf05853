use sea_orm_migration::prelude::*;

use medusa_db::schema::{
    boolean as b, entity, index, integer as i, json_null, name as a, string as s,
    string_null as s_null, text_null as t_null,
};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "cart_0001_create_cart"
    }
}

/// Money in minor units of the cart's currency.
fn minor(n: &str) -> ColumnDef {
    ColumnDef::new(a(n)).big_integer().not_null().to_owned()
}

fn minor_null(n: &str) -> ColumnDef {
    ColumnDef::new(a(n)).big_integer().null().to_owned()
}

fn address_columns() -> Vec<ColumnDef> {
    vec![
        s("cart_id"),
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
    ]
}

/// The per-table children of a cart (replaced by one document in `cart_0003`, whose `down`
/// creates them again).
pub(super) async fn create_children(m: &SchemaManager<'_>) -> Result<(), DbErr> {
    m.create_table(entity("cart_address", address_columns()))
        .await?;
    m.create_index(index(
        "idx_cart_address_cart_id",
        "cart_address",
        &["cart_id"],
    ))
    .await?;
    m.create_table(entity(
        "cart_line_item",
        vec![
            s("cart_id"),
            s("title"),
            s_null("subtitle"),
            t_null("thumbnail"),
            ColumnDef::new(a("quantity"))
                .big_integer()
                .not_null()
                .to_owned(),
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
            minor_null("compare_at_unit_price"),
            minor("unit_price"),
            json_null("metadata"),
            i("rank", 0),
        ],
    ))
    .await?;
    m.create_index(index(
        "idx_cart_line_item_cart_id",
        "cart_line_item",
        &["cart_id"],
    ))
    .await?;
    m.create_table(entity(
        "cart_shipping_method",
        vec![
            s("cart_id"),
            s("name"),
            t_null("description"),
            minor("amount"),
            b("is_tax_inclusive", false),
            s_null("shipping_option_id"),
            json_null("data"),
            json_null("metadata"),
        ],
    ))
    .await?;
    m.create_index(index(
        "idx_cart_shipping_method_cart_id",
        "cart_shipping_method",
        &["cart_id"],
    ))
    .await?;
    m.create_table(entity(
        "cart_tax_line",
        vec![
            s("cart_id"),
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
        "idx_cart_tax_line_cart_id",
        "cart_tax_line",
        &["cart_id"],
    ))
    .await?;
    m.create_table(entity(
        "cart_adjustment",
        vec![
            s("cart_id"),
            s("owner_id"),
            s_null("code"),
            t_null("description"),
            minor("amount"),
            b("is_tax_inclusive", false),
            s_null("promotion_id"),
            s_null("provider_id"),
            json_null("metadata"),
        ],
    ))
    .await?;
    m.create_index(index(
        "idx_cart_adjustment_cart_id",
        "cart_adjustment",
        &["cart_id"],
    ))
    .await?;
    m.create_table(entity(
        "cart_credit_line",
        vec![
            s("cart_id"),
            s_null("reference"),
            s_null("reference_id"),
            minor("amount"),
            json_null("metadata"),
        ],
    ))
    .await?;
    m.create_index(index(
        "idx_cart_credit_line_cart_id",
        "cart_credit_line",
        &["cart_id"],
    ))
    .await?;
    Ok(())
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(entity(
            "cart",
            vec![
                s_null("region_id"),
                s_null("customer_id"),
                s_null("sales_channel_id"),
                s_null("email"),
                s("currency_code"),
                s_null("locale"),
                s_null("shipping_address_id"),
                s_null("billing_address_id"),
                json_null("metadata"),
                ColumnDef::new(a("completed_at"))
                    .timestamp_with_time_zone()
                    .null()
                    .to_owned(),
                ColumnDef::new(a("version"))
                    .big_integer()
                    .not_null()
                    .default(0)
                    .to_owned(),
            ],
        ))
        .await?;
        m.create_index(index("idx_cart_customer_id", "cart", &["customer_id"]))
            .await?;
        create_children(m).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            "cart_credit_line",
            "cart_adjustment",
            "cart_tax_line",
            "cart_shipping_method",
            "cart_line_item",
            "cart_address",
            "cart",
        ] {
            m.drop_table(Table::drop().table(a(t)).to_owned()).await?;
        }
        Ok(())
    }
}
