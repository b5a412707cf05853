//! The module's types. They serialise with Medusa's field names, so the api can send them as
//! they are (relations are attached by the api, which knows what `fields` asked for).

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::Value;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ProductStatus {
    Draft,
    Proposed,
    Published,
    Rejected,
}

impl ProductStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ProductStatus::Draft => "draft",
            ProductStatus::Proposed => "proposed",
            ProductStatus::Published => "published",
            ProductStatus::Rejected => "rejected",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "draft" => Some(Self::Draft),
            "proposed" => Some(Self::Proposed),
            "published" => Some(Self::Published),
            "rejected" => Some(Self::Rejected),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Product {
    pub id: String,
    pub title: String,
    pub subtitle: Option<String>,
    pub status: ProductStatus,
    pub external_id: Option<String>,
    pub description: Option<String>,
    pub handle: String,
    pub is_giftcard: bool,
    pub discountable: bool,
    pub thumbnail: Option<String>,
    pub collection_id: Option<String>,
    pub type_id: Option<String>,
    pub weight: Option<f64>,
    pub length: Option<f64>,
    pub height: Option<f64>,
    pub width: Option<f64>,
    pub hs_code: Option<String>,
    pub origin_country: Option<String>,
    pub mid_code: Option<String>,
    pub material: Option<String>,
    pub metadata: Option<Value>,
    #[serde(serialize_with = "medusa_core::time::js")]
    pub created_at: DateTime<Utc>,
    #[serde(serialize_with = "medusa_core::time::js")]
    pub updated_at: DateTime<Utc>,
    #[serde(serialize_with = "medusa_core::time::js_opt")]
    pub deleted_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Variant {
    pub id: String,
    pub title: String,
    pub sku: Option<String>,
    pub barcode: Option<String>,
    pub ean: Option<String>,
    pub upc: Option<String>,
    pub allow_backorder: bool,
    pub manage_inventory: bool,
    pub hs_code: Option<String>,
    pub origin_country: Option<String>,
    pub mid_code: Option<String>,
    pub material: Option<String>,
    pub weight: Option<f64>,
    pub length: Option<f64>,
    pub height: Option<f64>,
    pub width: Option<f64>,
    pub metadata: Option<Value>,
    pub variant_rank: i32,
    pub thumbnail: Option<String>,
    pub product_id: String,
    #[serde(serialize_with = "medusa_core::time::js")]
    pub created_at: DateTime<Utc>,
    #[serde(serialize_with = "medusa_core::time::js")]
    pub updated_at: DateTime<Utc>,
    #[serde(serialize_with = "medusa_core::time::js_opt")]
    pub deleted_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProductOption {
    pub id: String,
    pub title: String,
    pub is_exclusive: bool,
    pub metadata: Option<Value>,
    #[serde(skip)]
    pub product_id: String,
    #[serde(serialize_with = "medusa_core::time::js")]
    pub created_at: DateTime<Utc>,
    #[serde(serialize_with = "medusa_core::time::js")]
    pub updated_at: DateTime<Utc>,
    #[serde(serialize_with = "medusa_core::time::js_opt")]
    pub deleted_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OptionValue {
    pub id: String,
    pub value: String,
    pub rank: Option<i32>,
    pub metadata: Option<Value>,
    pub option_id: String,
    #[serde(serialize_with = "medusa_core::time::js")]
    pub created_at: DateTime<Utc>,
    #[serde(serialize_with = "medusa_core::time::js")]
    pub updated_at: DateTime<Utc>,
    #[serde(serialize_with = "medusa_core::time::js_opt")]
    pub deleted_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Image {
    pub id: String,
    pub url: String,
    pub metadata: Option<Value>,
    pub rank: i32,
    pub product_id: String,
    #[serde(serialize_with = "medusa_core::time::js")]
    pub created_at: DateTime<Utc>,
    #[serde(serialize_with = "medusa_core::time::js")]
    pub updated_at: DateTime<Utc>,
    #[serde(serialize_with = "medusa_core::time::js_opt")]
    pub deleted_at: Option<DateTime<Utc>>,
}

/// Tags and types share one shape (`{id, value, metadata, ...}`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Label {
    pub id: String,
    pub value: String,
    pub metadata: Option<Value>,
    #[serde(serialize_with = "medusa_core::time::js")]
    pub created_at: DateTime<Utc>,
    #[serde(serialize_with = "medusa_core::time::js")]
    pub updated_at: DateTime<Utc>,
    #[serde(serialize_with = "medusa_core::time::js_opt")]
    pub deleted_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Collection {
    pub id: String,
    pub title: String,
    pub handle: String,
    pub metadata: Option<Value>,
    #[serde(serialize_with = "medusa_core::time::js")]
    pub created_at: DateTime<Utc>,
    #[serde(serialize_with = "medusa_core::time::js")]
    pub updated_at: DateTime<Utc>,
    #[serde(serialize_with = "medusa_core::time::js_opt")]
    pub deleted_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Category {
    pub id: String,
    pub name: String,
    pub description: String,
    pub handle: String,
    pub rank: i32,
    pub external_id: Option<String>,
    pub parent_category_id: Option<String>,
    pub is_active: bool,
    pub is_internal: bool,
    pub metadata: Option<Value>,
    #[serde(skip)]
    pub mpath: String,
    #[serde(serialize_with = "medusa_core::time::js")]
    pub created_at: DateTime<Utc>,
    #[serde(serialize_with = "medusa_core::time::js")]
    pub updated_at: DateTime<Utc>,
    #[serde(serialize_with = "medusa_core::time::js_opt")]
    pub deleted_at: Option<DateTime<Utc>>,
}

/// Which products a listing wants. `None` means "no filter".
#[derive(Debug, Clone, Default)]
pub struct ProductFilter {
    pub ids: Option<Vec<String>>,
    pub handles: Option<Vec<String>>,
    pub title: Option<String>,
    pub q: Option<String>,
    pub collection_ids: Option<Vec<String>>,
    pub category_ids: Option<Vec<String>>,
    pub tag_ids: Option<Vec<String>>,
    pub type_ids: Option<Vec<String>>,
    pub is_giftcard: Option<bool>,
    pub statuses: Option<Vec<ProductStatus>>,
    /// Products in at least one of these sales channels.
    pub sales_channel_ids: Option<Vec<String>>,
    pub external_ids: Option<Vec<String>>,
}

/// Sort + page for list queries.
#[derive(Debug, Clone)]
pub struct Page {
    pub limit: u64,
    pub offset: u64,
    /// Column name (already validated by the route) and descending flag.
    pub order: Option<(String, bool)>,
}

/// What to load alongside a page of products (each is one query, whatever the page size).
#[derive(Debug, Clone, Copy, Default)]
pub struct Want {
    pub variants: bool,
    pub variant_options: bool,
    pub variant_images: bool,
    pub options: bool,
    pub images: bool,
    pub tags: bool,
    pub product_type: bool,
    pub collection: bool,
    pub categories: bool,
    pub sales_channels: bool,
}

/// A product option value as a variant carries it, with its option.
#[derive(Debug, Clone, PartialEq)]
pub struct VariantOptionValue {
    pub value: OptionValue,
    pub option: ProductOption,
}

/// The relations of a page of products, keyed by owner id.
#[derive(Debug, Clone, Default)]
pub struct Relations {
    pub variants: std::collections::HashMap<String, Vec<Variant>>,
    pub variant_options: std::collections::HashMap<String, Vec<VariantOptionValue>>,
    pub variant_images: std::collections::HashMap<String, Vec<Image>>,
    pub options: std::collections::HashMap<String, Vec<(ProductOption, Vec<OptionValue>)>>,
    pub images: std::collections::HashMap<String, Vec<Image>>,
    pub tags: std::collections::HashMap<String, Vec<Label>>,
    pub types: std::collections::HashMap<String, Label>,
    pub collections: std::collections::HashMap<String, Collection>,
    pub categories: std::collections::HashMap<String, Vec<Category>>,
    pub sales_channels: std::collections::HashMap<String, Vec<String>>,
}

/// New product, as the admin API and the seed give it.
#[derive(Debug, Clone, Default)]
pub struct NewProduct {
    pub title: String,
    pub subtitle: Option<String>,
    pub description: Option<String>,
    pub handle: Option<String>,
    pub status: Option<ProductStatus>,
    pub is_giftcard: bool,
    pub discountable: bool,
    pub thumbnail: Option<String>,
    pub weight: Option<f64>,
    pub collection_id: Option<String>,
    pub type_id: Option<String>,
    pub external_id: Option<String>,
    pub metadata: Option<Value>,
    /// Option title -> values.
    pub options: Vec<(String, Vec<String>)>,
    pub variants: Vec<NewVariant>,
    pub images: Vec<String>,
    pub tag_ids: Vec<String>,
    pub category_ids: Vec<String>,
    pub sales_channel_ids: Vec<String>,
}

#[derive(Debug, Clone, Default)]
pub struct NewVariant {
    pub title: String,
    pub sku: Option<String>,
    pub barcode: Option<String>,
    pub ean: Option<String>,
    pub upc: Option<String>,
    pub allow_backorder: bool,
    pub manage_inventory: bool,
    pub weight: Option<f64>,
    pub metadata: Option<Value>,
    /// Option title -> value.
    pub options: Vec<(String, String)>,
}

/// A partial product update: `None` leaves a field as it is; list fields replace the whole list.
#[derive(Debug, Clone, Default)]
pub struct UpdateProduct {
    pub title: Option<String>,
    pub subtitle: Option<Option<String>>,
    pub description: Option<Option<String>>,
    pub handle: Option<String>,
    pub status: Option<ProductStatus>,
    pub is_giftcard: Option<bool>,
    pub discountable: Option<bool>,
    pub thumbnail: Option<Option<String>>,
    pub weight: Option<Option<f64>>,
    pub collection_id: Option<Option<String>>,
    pub type_id: Option<Option<String>>,
    pub external_id: Option<Option<String>>,
    pub metadata: Option<Option<Value>>,
    pub images: Option<Vec<String>>,
    pub tag_ids: Option<Vec<String>>,
    pub category_ids: Option<Vec<String>>,
    pub sales_channel_ids: Option<Vec<String>>,
}

/// A partial variant update: `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct UpdateVariant {
    pub title: Option<String>,
    pub sku: Option<Option<String>>,
    pub barcode: Option<Option<String>>,
    pub ean: Option<Option<String>>,
    pub upc: Option<Option<String>>,
    pub allow_backorder: Option<bool>,
    pub manage_inventory: Option<bool>,
    pub weight: Option<Option<f64>>,
    pub metadata: Option<Option<Value>>,
    pub variant_rank: Option<i32>,
}

#[derive(Debug, Clone, Default)]
pub struct NewCategory {
    pub name: String,
    pub description: Option<String>,
    pub handle: Option<String>,
    pub is_active: bool,
    pub is_internal: bool,
    pub rank: Option<i32>,
    pub parent_category_id: Option<String>,
    pub metadata: Option<Value>,
}

/// `Some Title!` -> `some-title` (Medusa's `toHandle`).
pub fn to_handle(title: &str) -> String {
    let mut out = String::new();
    let mut dash = false;
    for c in title.trim().chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            out.push(c);
            dash = false;
        } else if !dash && !out.is_empty() {
            out.push('-');
            dash = true;
        }
    }
    out.trim_end_matches('-').to_owned()
}

#[cfg(test)]
mod tests {
    #[test]
    fn handles() {
        assert_eq!(super::to_handle("Medusa T-Shirt"), "medusa-t-shirt");
        assert_eq!(super::to_handle("  Sweat  Pants!! "), "sweat-pants");
    }
}

/// Which categories a listing wants (`GET /{store,admin}/product-categories`). `None` means
/// "no filter"; every filter, `q` included, applies before paging.
#[derive(Debug, Clone, Default)]
pub struct CategoryFilter {
    pub ids: Option<Vec<String>>,
    pub handles: Option<Vec<String>>,
    /// A parent id, or `None` for top-level categories.
    pub parent_ids: Option<Vec<Option<String>>>,
    /// Case-insensitive text in the name, handle or description (Medusa's searchable fields).
    pub q: Option<String>,
    pub names: Option<Vec<String>>,
    pub descriptions: Option<Vec<String>>,
    pub is_active: Option<bool>,
    pub is_internal: Option<bool>,
    /// Only active, non-internal categories (what the store may see).
    pub store_visible_only: bool,
}

/// One entry of `options` in `POST /admin/products/:id`: with an id it updates that option,
/// without one it creates an option. Options left out are deleted (Medusa's upsert-with-replace).
#[derive(Debug, Clone, Default)]
pub struct OptionUpsert {
    pub id: Option<String>,
    pub title: Option<String>,
    /// Replaces the option's values when given.
    pub values: Option<Vec<String>>,
}

/// One entry of `variants` in `POST /admin/products/:id`: with an id it updates that variant,
/// without one it creates a variant. Variants left out are deleted.
#[derive(Debug, Clone, Default)]
pub struct VariantUpsert {
    pub id: Option<String>,
    pub fields: UpdateVariant,
    /// Option title -> value; replaces the variant's option values when given.
    pub options: Option<Vec<(String, String)>>,
}

/// What an upsert of a product's options and variants did.
#[derive(Debug, Clone, Default)]
pub struct VariantSync {
    /// The variant id of each `variants` entry, in the order given.
    pub variant_ids: Vec<String>,
    /// The variants created.
    pub created: Vec<Variant>,
    /// Ids of the variants deleted because the list left them out.
    pub removed: Vec<String>,
}
