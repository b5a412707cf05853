use chrono::{DateTime, Utc};
use serde_json::Value;

use crate::error::StockLocationError;

medusa_core::define_id!(StockLocationId, "sloc");
medusa_core::define_id!(StockLocationAddressId, "laddr");

/// A stock location's address (Medusa's `stock_location_address`).
#[derive(Debug, Clone, PartialEq)]
pub struct StockLocationAddress {
    pub id: StockLocationAddressId,
    pub address_1: String,
    pub address_2: Option<String>,
    pub company: Option<String>,
    pub city: Option<String>,
    pub country_code: String,
    pub province: Option<String>,
    pub postal_code: Option<String>,
    pub phone: Option<String>,
    pub metadata: Option<Value>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub deleted_at: Option<DateTime<Utc>>,
}

/// The address given when creating a location. Medusa requires `address_1` and `country_code`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct StockLocationAddressInput {
    pub address_1: String,
    pub address_2: Option<String>,
    pub company: Option<String>,
    pub city: Option<String>,
    pub country_code: String,
    pub province: Option<String>,
    pub postal_code: Option<String>,
    pub phone: Option<String>,
    pub metadata: Option<Value>,
}

impl StockLocationAddressInput {
    /// An address with its two required fields.
    pub fn new(address_1: impl Into<String>, country_code: impl Into<String>) -> Self {
        StockLocationAddressInput {
            address_1: address_1.into(),
            country_code: country_code.into(),
            ..Default::default()
        }
    }

    pub(crate) fn validate(&self) -> Result<(), StockLocationError> {
        if self.address_1.trim().is_empty() {
            return Err(StockLocationError::InvalidData(
                "address_1 is required for a stock location address".into(),
            ));
        }
        if self.country_code.trim().is_empty() {
            return Err(StockLocationError::InvalidData(
                "country_code is required for a stock location address".into(),
            ));
        }
        Ok(())
    }
}

/// A stock location with its address, if it has one.
#[derive(Debug, Clone, PartialEq)]
pub struct StockLocation {
    pub id: StockLocationId,
    pub name: String,
    pub address_id: Option<StockLocationAddressId>,
    pub address: Option<StockLocationAddress>,
    pub metadata: Option<Value>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub deleted_at: Option<DateTime<Utc>>,
}

/// Filters and page of [`crate::StockLocationService::list`]. Empty filters match everything;
/// `q` searches the name and the address (case-insensitive substring).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListStockLocations {
    pub ids: Vec<StockLocationId>,
    pub name: Option<String>,
    pub q: Option<String>,
    pub offset: u64,
    pub limit: u64,
}

impl Default for ListStockLocations {
    fn default() -> Self {
        ListStockLocations {
            ids: Vec::new(),
            name: None,
            q: None,
            offset: 0,
            // Medusa's admin default page size.
            limit: 20,
        }
    }
}
