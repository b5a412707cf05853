//! Tax lines of items and of shipping methods share one table; `owner_id` is the line item or
//! shipping method they belong to (ids carry their kind in the prefix).
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "cart_tax_line")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub cart_id: String,
    pub owner_id: String,
    pub description: Option<String>,
    pub code: String,
    /// A percentage as exact decimal text ("25", "7.5"): floats would drift.
    pub rate: String,
    pub provider_id: Option<String>,
    pub tax_rate_id: Option<String>,
    pub metadata: Option<Json>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub deleted_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
