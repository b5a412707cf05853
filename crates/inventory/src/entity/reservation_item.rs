use sea_orm::entity::prelude::*;

/// Reservations are hard-deleted when released, so a level's `reserved_quantity` is the sum
/// of the rows that exist.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "reservation_item")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub line_item_id: Option<String>,
    pub inventory_item_id: String,
    pub location_id: String,
    pub quantity: i64,
    pub allow_backorder: bool,
    pub external_id: Option<String>,
    pub description: Option<String>,
    pub created_by: Option<String>,
    pub metadata: Option<Json>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
