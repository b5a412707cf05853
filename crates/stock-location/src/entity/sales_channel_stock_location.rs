use sea_orm::entity::prelude::*;

/// Medusa's link `sales_channel_stock_location`. Sales channel ids refer to another module, so
/// there is no foreign key on them: modules do not reach into each other's tables.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "sales_channel_stock_location")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub sales_channel_id: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub stock_location_id: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
