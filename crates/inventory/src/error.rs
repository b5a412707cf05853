use crate::model::{InventoryItemId, ReservationItemId};

#[derive(Debug, thiserror::Error)]
pub enum InventoryError {
    #[error("InventoryItem with id: {0} was not found")]
    ItemNotFound(InventoryItemId),
    #[error("Inventory level for item {item} and location {location} not found")]
    LevelNotFound {
        item: InventoryItemId,
        location: String,
    },
    /// A reservation asked for stock at a location where the item has no level.
    #[error("Item {item} is not stocked at location {location}")]
    NotStocked {
        item: InventoryItemId,
        location: String,
    },
    /// The guarded reservation found less available stock than asked for.
    #[error("Not enough stock available for item {item} at location {location}")]
    InsufficientStock {
        item: InventoryItemId,
        location: String,
    },
    /// An item has at most one level per location.
    #[error(
        "Inventory level with inventory_item_id: {item}, location_id: {location}, already exists."
    )]
    LevelExists {
        item: InventoryItemId,
        location: String,
    },
    #[error("Reservation with id: {0} was not found")]
    ReservationNotFound(ReservationItemId),
    #[error("Inventory item with sku: {0}, already exists.")]
    DuplicateSku(String),
    #[error("Cannot delete inventory item {0} because it has reservations")]
    ItemHasReservations(InventoryItemId),
    #[error(
        "Cannot delete the inventory level of item {item} at location {location} because it has reservations"
    )]
    LevelHasReservations {
        item: InventoryItemId,
        location: String,
    },
    /// Input that can never be stored (negative stock, zero quantity, ...).
    #[error("{0}")]
    InvalidData(String),
    #[error("{0}")]
    Database(#[from] sea_orm::DbErr),
}

impl From<InventoryError> for medusa_core::Error {
    fn from(e: InventoryError) -> Self {
        use medusa_core::Error;
        match e {
            InventoryError::ItemNotFound(_)
            | InventoryError::LevelNotFound { .. }
            | InventoryError::NotStocked { .. }
            | InventoryError::ReservationNotFound(_) => Error::not_found(e.to_string()),
            InventoryError::InsufficientStock { .. }
            | InventoryError::ItemHasReservations(_)
            | InventoryError::LevelHasReservations { .. } => Error::not_allowed(e.to_string()),
            InventoryError::DuplicateSku(_) | InventoryError::LevelExists { .. } => {
                Error::duplicate(e.to_string())
            }
            InventoryError::InvalidData(_) => Error::invalid_data(e.to_string()),
            InventoryError::Database(db) => db.into(),
        }
    }
}
