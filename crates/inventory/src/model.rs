use chrono::{DateTime, Utc};
use serde_json::Value;

medusa_core::define_id!(InventoryItemId, "iitem");
medusa_core::define_id!(InventoryLevelId, "ilev");
medusa_core::define_id!(ReservationItemId, "resitem");

/// An inventory item with its stock summed over every location.
#[derive(Debug, Clone, PartialEq)]
pub struct InventoryItem {
    pub id: InventoryItemId,
    pub sku: Option<String>,
    pub title: Option<String>,
    pub description: Option<String>,
    pub thumbnail: Option<String>,
    pub origin_country: Option<String>,
    pub hs_code: Option<String>,
    pub mid_code: Option<String>,
    pub material: Option<String>,
    pub weight: Option<i64>,
    pub length: Option<i64>,
    pub height: Option<i64>,
    pub width: Option<i64>,
    pub requires_shipping: bool,
    pub metadata: Option<Value>,
    /// Sum of `stocked_quantity` over the item's levels (computed, as in Medusa).
    pub stocked_quantity: i64,
    /// Sum of `reserved_quantity` over the item's levels (computed).
    pub reserved_quantity: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub deleted_at: Option<DateTime<Utc>>,
}

/// What [`crate::InventoryService::create_item`] takes; everything is optional.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CreateInventoryItem {
    pub sku: Option<String>,
    pub title: Option<String>,
    pub description: Option<String>,
    pub thumbnail: Option<String>,
    pub origin_country: Option<String>,
    pub hs_code: Option<String>,
    pub mid_code: Option<String>,
    pub material: Option<String>,
    pub weight: Option<i64>,
    pub length: Option<i64>,
    pub height: Option<i64>,
    pub width: Option<i64>,
    /// Defaults to `true`.
    pub requires_shipping: Option<bool>,
    pub metadata: Option<Value>,
}

/// Filters and page of [`crate::InventoryService::list_items`]. Empty filters match everything;
/// `q` searches sku, title, description, hs_code and mid_code (case-insensitive substring).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListInventoryItems {
    pub ids: Vec<InventoryItemId>,
    pub skus: Vec<String>,
    pub q: Option<String>,
    pub offset: u64,
    pub limit: u64,
}

impl Default for ListInventoryItems {
    fn default() -> Self {
        ListInventoryItems {
            ids: Vec::new(),
            skus: Vec::new(),
            q: None,
            offset: 0,
            // Medusa's admin default page size.
            limit: 20,
        }
    }
}

/// The stock of one item at one location.
#[derive(Debug, Clone, PartialEq)]
pub struct InventoryLevel {
    pub id: InventoryLevelId,
    pub inventory_item_id: InventoryItemId,
    pub location_id: String,
    pub stocked_quantity: i64,
    /// Always the sum of the level's reservations; changed only through them.
    pub reserved_quantity: i64,
    pub incoming_quantity: i64,
    pub metadata: Option<Value>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl InventoryLevel {
    /// `stocked - reserved`, as Medusa computes it (negative after backorders).
    pub fn available_quantity(&self) -> i64 {
        self.stocked_quantity - self.reserved_quantity
    }
}

/// The link between a product variant (product module) and an inventory item: selling one
/// unit of the variant uses `required_quantity` units of the item (bundles, kits).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VariantInventoryItem {
    pub variant_id: String,
    pub inventory_item_id: InventoryItemId,
    pub required_quantity: i64,
}

/// One line of [`crate::InventoryService::reserve`]: `quantity` units of an item at a location,
/// usually for a (cart or order) line item. Build it with [`ReservationRequest::new`].
#[derive(Debug, Clone, PartialEq)]
pub struct ReservationRequest {
    pub line_item_id: Option<String>,
    pub inventory_item_id: InventoryItemId,
    pub location_id: String,
    pub quantity: i64,
    /// When set, the line is reserved even beyond the available stock.
    pub allow_backorder: bool,
    pub external_id: Option<String>,
    pub description: Option<String>,
    pub created_by: Option<String>,
    pub metadata: Option<Value>,
}

impl ReservationRequest {
    pub fn new(
        inventory_item_id: InventoryItemId,
        location_id: impl Into<String>,
        quantity: i64,
    ) -> Self {
        ReservationRequest {
            line_item_id: None,
            inventory_item_id,
            location_id: location_id.into(),
            quantity,
            allow_backorder: false,
            external_id: None,
            description: None,
            created_by: None,
            metadata: None,
        }
    }

    pub fn for_line_item(mut self, line_item_id: impl Into<String>) -> Self {
        self.line_item_id = Some(line_item_id.into());
        self
    }

    pub fn allow_backorder(mut self, allow: bool) -> Self {
        self.allow_backorder = allow;
        self
    }
}

/// A reservation (Medusa's `reservation_item`).
#[derive(Debug, Clone, PartialEq)]
pub struct Reservation {
    pub id: ReservationItemId,
    pub line_item_id: Option<String>,
    pub inventory_item_id: InventoryItemId,
    pub location_id: String,
    pub quantity: i64,
    pub allow_backorder: bool,
    pub external_id: Option<String>,
    pub description: Option<String>,
    pub created_by: Option<String>,
    pub metadata: Option<Value>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// One line of [`crate::InventoryService::fulfill`]: `quantity` units of a line item leave
/// `location_id`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FulfillmentRequest {
    pub line_item_id: String,
    pub inventory_item_id: InventoryItemId,
    pub location_id: String,
    pub quantity: i64,
}
