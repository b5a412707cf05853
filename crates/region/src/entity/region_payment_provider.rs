use sea_orm::entity::prelude::*;

/// Medusa's link `region_payment_provider`. Payment providers belong to another module, so
/// `payment_provider_id` is a reference without a foreign key.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "region_payment_provider")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub region_id: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub payment_provider_id: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
