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
    pub unit_of_measure: Option<String>,
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
    pub unit_of_measure: Option<String>,
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
    /// Items with a level at one of these locations (`location_levels.location_id`).
    pub location_ids: Vec<String>,
    pub origin_countries: Vec<String>,
    pub hs_codes: Vec<String>,
    pub mid_codes: Vec<String>,
    pub materials: Vec<String>,
    pub requires_shipping: Option<bool>,
    pub offset: u64,
    pub limit: u64,
}

impl Default for ListInventoryItems {
    fn default() -> Self {
        ListInventoryItems {
            ids: Vec::new(),
            skus: Vec::new(),
            q: None,
            location_ids: Vec::new(),
            origin_countries: Vec::new(),
            hs_codes: Vec::new(),
            mid_codes: Vec::new(),
            materials: Vec::new(),
            requires_shipping: None,
            offset: 0,
            // Medusa's admin default page size.
            limit: 20,
        }
    }
}

/// What [`crate::InventoryService::update_item`] changes: `None` leaves a column alone,
/// `Some(None)` clears it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct UpdateInventoryItem {
    pub sku: Option<Option<String>>,
    pub title: Option<Option<String>>,
    pub description: Option<Option<String>>,
    pub thumbnail: Option<Option<String>>,
    pub origin_country: Option<Option<String>>,
    pub hs_code: Option<Option<String>>,
    pub mid_code: Option<Option<String>>,
    pub material: Option<Option<String>>,
    pub unit_of_measure: Option<Option<String>>,
    pub weight: Option<Option<i64>>,
    pub length: Option<Option<i64>>,
    pub height: Option<Option<i64>>,
    pub width: Option<Option<i64>>,
    pub requires_shipping: Option<bool>,
    pub metadata: Option<Option<Value>>,
}

/// Filters and page of [`crate::InventoryService::list_levels_page`]; empty filters match
/// everything.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListInventoryLevels {
    pub ids: Vec<InventoryLevelId>,
    pub item_ids: Vec<InventoryItemId>,
    pub location_ids: Vec<String>,
    pub offset: u64,
    pub limit: u64,
}

impl Default for ListInventoryLevels {
    fn default() -> Self {
        ListInventoryLevels {
            ids: Vec::new(),
            item_ids: Vec::new(),
            location_ids: Vec::new(),
            offset: 0,
            // Medusa's default page of location levels.
            limit: 50,
        }
    }
}

/// Filters and page of [`crate::InventoryService::list_reservations`] (oldest first); empty
/// filters match everything.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListReservations {
    pub ids: Vec<ReservationItemId>,
    pub location_ids: Vec<String>,
    pub inventory_item_ids: Vec<InventoryItemId>,
    pub line_item_ids: Vec<String>,
    pub created_by: Vec<String>,
    pub offset: u64,
    pub limit: u64,
}

impl Default for ListReservations {
    fn default() -> Self {
        ListReservations {
            ids: Vec::new(),
            location_ids: Vec::new(),
            inventory_item_ids: Vec::new(),
            line_item_ids: Vec::new(),
            created_by: Vec::new(),
            offset: 0,
            // Medusa's admin default page size.
            limit: 20,
        }
    }
}

/// What [`crate::InventoryService::update_reservation`] changes; `None` leaves a column alone.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct UpdateReservation {
    pub location_id: Option<String>,
    pub quantity: Option<i64>,
    pub description: Option<Option<String>>,
    pub metadata: Option<Option<Value>>,
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
