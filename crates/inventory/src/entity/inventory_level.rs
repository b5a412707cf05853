use sea_orm::entity::prelude::*;

/// Levels are hard-deleted (only when nothing is reserved), so `(inventory_item_id,
/// location_id)` is unique outright.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "inventory_level")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub inventory_item_id: String,
    pub location_id: String,
    pub stocked_quantity: i64,
    pub reserved_quantity: i64,
    pub incoming_quantity: i64,
    pub metadata: Option<Json>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
