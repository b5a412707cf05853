use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "inventory_item")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub sku: Option<String>,
    pub title: Option<String>,
    pub description: Option<String>,
    pub thumbnail: Option<String>,
    pub origin_country: Option<String>,
    pub hs_code: Option<String>,
    pub mid_code: Option<String>,
    pub material: Option<String>,
    pub unit_of_measure: Option<String>,
    pub weight: Option<i64>,
    pub length: Option<i64>,
    pub height: Option<i64>,
    pub width: Option<i64>,
    pub requires_shipping: bool,
    pub metadata: Option<Json>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub deleted_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
