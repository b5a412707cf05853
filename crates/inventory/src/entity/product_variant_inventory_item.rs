use sea_orm::entity::prelude::*;

/// Medusa's link `product_variant_inventory_item`. Variant ids refer to the product module, so
/// there is no foreign key on them.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "product_variant_inventory_item")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub variant_id: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub inventory_item_id: String,
    pub required_quantity: i64,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
