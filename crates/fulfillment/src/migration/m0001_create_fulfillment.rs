use sea_orm_migration::prelude::*;

use medusa_db::schema::{
    entity, index, json_null, link, name as a, string as s, string_null as s_null,
};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "fulfillment_0001_create_fulfillment"
    }
}

const TABLES: &[&str] = &[
    "product_shipping_profile",
    "location_fulfillment_provider",
    "location_fulfillment_set",
    "shipping_option_price",
    "shipping_option_rule",
    "shipping_option",
    "shipping_option_type",
    "geo_zone",
    "service_zone",
    "fulfillment_set",
    "shipping_profile",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(entity(
            "shipping_profile",
            vec![s("name"), s("type"), json_null("metadata")],
        ))
        .await?;
        m.create_table(entity(
            "fulfillment_set",
            vec![s("name"), s("type"), json_null("metadata")],
        ))
        .await?;
        m.create_table(entity(
            "service_zone",
            vec![s("name"), s("fulfillment_set_id"), json_null("metadata")],
        ))
        .await?;
        m.create_index(index(
            "idx_service_zone_fulfillment_set_id",
            "service_zone",
            &["fulfillment_set_id"],
        ))
        .await?;
        m.create_table(entity(
            "geo_zone",
            vec![
                s("type"),
                s("country_code"),
                s_null("province_code"),
                s_null("city"),
                json_null("postal_expression"),
                s("service_zone_id"),
                json_null("metadata"),
            ],
        ))
        .await?;
        m.create_index(index(
            "idx_geo_zone_service_zone_id",
            "geo_zone",
            &["service_zone_id"],
        ))
        .await?;
        m.create_table(entity(
            "shipping_option_type",
            vec![s("label"), s_null("description"), s("code")],
        ))
        .await?;
        m.create_table(entity(
            "shipping_option",
            vec![
                s("name"),
                s("price_type"),
                s("service_zone_id"),
                s("shipping_profile_id"),
                s("provider_id"),
                s("shipping_option_type_id"),
                s("price_set_id"),
                json_null("data"),
                json_null("metadata"),
            ],
        ))
        .await?;
        m.create_index(index(
            "idx_shipping_option_service_zone_id",
            "shipping_option",
            &["service_zone_id"],
        ))
        .await?;
        m.create_table(entity(
            "shipping_option_rule",
            vec![
                s("attribute"),
                s("operator"),
                json_null("value"),
                s("shipping_option_id"),
            ],
        ))
        .await?;
        m.create_index(index(
            "idx_shipping_option_rule_option_id",
            "shipping_option_rule",
            &["shipping_option_id"],
        ))
        .await?;
        // Medusa keeps these in the pricing module (a price set per option, `region_id` as a
        // price rule); here they live with the option, in minor units.
        m.create_table(entity(
            "shipping_option_price",
            vec![
                s("shipping_option_id"),
                s("currency_code"),
                ColumnDef::new(a("amount"))
                    .big_integer()
                    .not_null()
                    .to_owned(),
                s_null("region_id"),
                s_null("price_rule_id"),
            ],
        ))
        .await?;
        m.create_index(index(
            "idx_shipping_option_price_option_id",
            "shipping_option_price",
            &["shipping_option_id"],
        ))
        .await?;
        // Links to other modules' rows: no foreign keys (stock locations, providers, products).
        let mut t = link(
            "location_fulfillment_set",
            "stock_location_id",
            "fulfillment_set_id",
        );
        m.create_table(t.to_owned()).await?;
        m.create_index(index(
            "idx_location_fulfillment_set_set_id",
            "location_fulfillment_set",
            &["fulfillment_set_id"],
        ))
        .await?;
        t = link(
            "location_fulfillment_provider",
            "stock_location_id",
            "fulfillment_provider_id",
        );
        m.create_table(t.to_owned()).await?;
        // A product has at most one shipping profile: the product id is the key.
        m.create_table(
            Table::create()
                .table(a("product_shipping_profile"))
                .col(
                    ColumnDef::new(a("product_id"))
                        .string()
                        .not_null()
                        .primary_key(),
                )
                .col(ColumnDef::new(a("shipping_profile_id")).string().not_null())
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "idx_product_shipping_profile_profile_id",
            "product_shipping_profile",
            &["shipping_profile_id"],
        ))
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in TABLES {
            m.drop_table(Table::drop().table(a(t)).to_owned()).await?;
        }
        Ok(())
    }
}
