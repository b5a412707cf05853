use chrono::{DateTime, Utc};
use medusa_core::id::SalesChannelId;
use medusa_core::request::Comparison;
use serde_json::Value;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SalesChannel {
    pub id: SalesChannelId,
    pub name: String,
    pub description: Option<String>,
    pub is_disabled: bool,
    pub metadata: Option<Value>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub deleted_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct CreateSalesChannel {
    pub name: String,
    pub description: Option<String>,
    /// Defaults to `false`.
    pub is_disabled: Option<bool>,
    pub metadata: Option<Value>,
}

/// A partial update: `None` leaves a field as it is; `Some(None)` clears a nullable one.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct UpdateSalesChannel {
    pub name: Option<String>,
    pub description: Option<Option<String>>,
    pub is_disabled: Option<bool>,
    pub metadata: Option<Option<Value>>,
}

/// Filters of a listing; every given filter must hold.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SalesChannelFilter {
    pub ids: Option<Vec<SalesChannelId>>,
    /// Case-insensitive substring of the name or description.
    pub q: Option<String>,
    pub names: Option<Vec<String>>,
    pub description: Option<String>,
    pub is_disabled: Option<bool>,
    pub created_at: Option<Comparison<DateTime<Utc>>>,
    pub updated_at: Option<Comparison<DateTime<Utc>>>,
    /// Filtering on `deleted_at` includes deleted channels, as in Medusa.
    pub deleted_at: Option<Comparison<DateTime<Utc>>>,
    pub with_deleted: bool,
}
