//! Rows of this module's tables. Only `repo.rs` touches them. Money columns hold minor units
//! of the order's currency.

macro_rules! no_relations {
    () => {
        #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
        pub enum Relation {}
        impl ActiveModelBehavior for ActiveModel {}
    };
}

pub mod order {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "order")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: String,
        pub display_id: i64,
        pub status: String,
        pub email: Option<String>,
        pub currency_code: String,
        pub region_id: Option<String>,
        pub customer_id: Option<String>,
        pub sales_channel_id: Option<String>,
        pub locale: Option<String>,
        pub shipping_address_id: Option<String>,
        pub billing_address_id: Option<String>,
        pub is_draft_order: bool,
        pub no_notification: bool,
        pub metadata: Option<Json>,
        pub canceled_at: Option<DateTimeUtc>,
        pub version: i64,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
        pub deleted_at: Option<DateTimeUtc>,
    }
    no_relations!();
}

pub mod address {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "order_address")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: String,
        pub order_id: String,
        pub customer_id: Option<String>,
        pub company: Option<String>,
        pub first_name: Option<String>,
        pub last_name: Option<String>,
        pub address_1: Option<String>,
        pub address_2: Option<String>,
        pub city: Option<String>,
        pub country_code: Option<String>,
        pub province: Option<String>,
        pub postal_code: Option<String>,
        pub phone: Option<String>,
        pub metadata: Option<Json>,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
        pub deleted_at: Option<DateTimeUtc>,
    }
    no_relations!();
}

pub mod line_item {
    use sea_orm::entity::prelude::*;
    /// Medusa's `order_line_item` and its `order_item` detail (one per item while orders are
    /// not versioned by edits) in one row.
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "order_line_item")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: String,
        pub order_id: String,
        pub detail_id: String,
        pub title: String,
        pub subtitle: Option<String>,
        pub thumbnail: Option<String>,
        pub quantity: i64,
        pub variant_id: Option<String>,
        pub product_id: Option<String>,
        pub product_title: Option<String>,
        pub product_description: Option<String>,
        pub product_subtitle: Option<String>,
        pub product_type: Option<String>,
        pub product_type_id: Option<String>,
        pub product_collection: Option<String>,
        pub product_handle: Option<String>,
        pub variant_sku: Option<String>,
        pub variant_barcode: Option<String>,
        pub variant_title: Option<String>,
        pub variant_option_values: Option<Json>,
        pub requires_shipping: bool,
        pub is_discountable: bool,
        pub is_giftcard: bool,
        pub is_tax_inclusive: bool,
        pub is_custom_price: bool,
        pub compare_at_unit_price: Option<i64>,
        pub unit_price: i64,
        pub metadata: Option<Json>,
        pub rank: i32,
        pub fulfilled_quantity: i64,
        pub shipped_quantity: i64,
        pub delivered_quantity: i64,
        pub return_requested_quantity: i64,
        pub return_received_quantity: i64,
        pub return_dismissed_quantity: i64,
        pub written_off_quantity: i64,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
        pub deleted_at: Option<DateTimeUtc>,
    }
    no_relations!();
}

pub mod shipping_method {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "order_shipping_method")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: String,
        pub order_id: String,
        pub detail_id: String,
        pub name: String,
        pub description: Option<String>,
        pub amount: i64,
        pub is_tax_inclusive: bool,
        pub is_custom_amount: bool,
        pub shipping_option_id: Option<String>,
        pub data: Option<Json>,
        pub metadata: Option<Json>,
        pub rank: i32,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
        pub deleted_at: Option<DateTimeUtc>,
    }
    no_relations!();
}

pub mod tax_line {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "order_tax_line")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: String,
        pub order_id: String,
        pub owner_id: String,
        pub description: Option<String>,
        pub code: String,
        /// A decimal percentage, as text (exact on both backends).
        pub rate: String,
        pub provider_id: Option<String>,
        pub tax_rate_id: Option<String>,
        pub metadata: Option<Json>,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
        pub deleted_at: Option<DateTimeUtc>,
    }
    no_relations!();
}

pub mod adjustment {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "order_adjustment")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: String,
        pub order_id: String,
        pub owner_id: String,
        pub code: Option<String>,
        pub description: Option<String>,
        pub amount: i64,
        pub is_tax_inclusive: bool,
        pub promotion_id: Option<String>,
        pub provider_id: Option<String>,
        pub metadata: Option<Json>,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
        pub deleted_at: Option<DateTimeUtc>,
    }
    no_relations!();
}

pub mod credit_line {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "order_credit_line")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: String,
        pub order_id: String,
        pub reference: Option<String>,
        pub reference_id: Option<String>,
        pub amount: i64,
        pub metadata: Option<Json>,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
        pub deleted_at: Option<DateTimeUtc>,
    }
    no_relations!();
}

pub mod transaction {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "order_transaction")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: String,
        pub order_id: String,
        pub amount: i64,
        pub currency_code: String,
        pub reference: Option<String>,
        pub reference_id: Option<String>,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
        pub deleted_at: Option<DateTimeUtc>,
    }
    no_relations!();
}

pub mod order_cart {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "order_cart")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub order_id: String,
        #[sea_orm(primary_key, auto_increment = false)]
        pub cart_id: String,
    }
    no_relations!();
}

pub mod order_payment_collection {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "order_payment_collection")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub order_id: String,
        #[sea_orm(primary_key, auto_increment = false)]
        pub payment_collection_id: String,
    }
    no_relations!();
}

pub mod fulfillment {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "order_fulfillment")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: String,
        pub order_id: String,
        pub location_id: String,
        pub provider_id: String,
        pub shipping_option_id: Option<String>,
        pub requires_shipping: bool,
        pub packed_at: Option<DateTimeUtc>,
        pub shipped_at: Option<DateTimeUtc>,
        pub delivered_at: Option<DateTimeUtc>,
        pub canceled_at: Option<DateTimeUtc>,
        pub marked_shipped_by: Option<String>,
        pub created_by: Option<String>,
        pub data: Option<Json>,
        pub metadata: Option<Json>,
        /// `{id, company, first_name, ...}`: see `m0004_fulfillment_delivery_address`.
        pub delivery_address: Option<Json>,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
        pub deleted_at: Option<DateTimeUtc>,
    }
    no_relations!();
}

pub mod fulfillment_item {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "order_fulfillment_item")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: String,
        pub fulfillment_id: String,
        pub line_item_id: String,
        pub inventory_item_id: Option<String>,
        pub title: String,
        pub sku: String,
        pub barcode: String,
        pub quantity: i64,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
        pub deleted_at: Option<DateTimeUtc>,
    }
    no_relations!();
}

pub mod fulfillment_label {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "order_fulfillment_label")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: String,
        pub fulfillment_id: String,
        pub tracking_number: String,
        pub tracking_url: String,
        pub label_url: String,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
        pub deleted_at: Option<DateTimeUtc>,
    }
    no_relations!();
}

pub mod outbox {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "event_outbox")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: String,
        pub name: String,
        pub payload: Json,
        pub created_at: DateTimeUtc,
        pub processed_at: Option<DateTimeUtc>,
        pub attempts: i32,
        pub next_attempt_at: Option<DateTimeUtc>,
        pub lease_until: Option<DateTimeUtc>,
        pub claimed_by: Option<String>,
        pub last_error: Option<String>,
        pub failed_at: Option<DateTimeUtc>,
    }
    no_relations!();
}

pub mod capture_job {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "order_capture_job")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: String,
        pub order_id: String,
        pub payment_collection_id: String,
        pub payment_id: String,
        pub run_at: DateTimeUtc,
        pub status: String,
        pub attempts: i32,
        pub attempt_group: i32,
        pub lease_until: Option<DateTimeUtc>,
        pub claimed_by: Option<String>,
        pub last_error: Option<String>,
        pub authorization_expires_at: DateTimeUtc,
        pub expiry_flagged: bool,
        pub completed_at: Option<DateTimeUtc>,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
        pub deleted_at: Option<DateTimeUtc>,
    }
    no_relations!();
}
