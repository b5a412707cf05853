use sea_orm::entity::prelude::*;

/// Medusa's link `publishable_api_key_sales_channel`. Sales channel ids are references to
/// another module, so there is no foreign key: modules do not reach into each other's tables.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "publishable_api_key_sales_channel")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub publishable_key_id: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub sales_channel_id: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
