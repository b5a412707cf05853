use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use medusa_core::money::{Amount, CurrencyCode};
use serde::Serialize;
use serde::ser::SerializeMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PriceListType {
    Sale,
    Override,
}

impl PriceListType {
    pub fn as_str(self) -> &'static str {
        match self {
            PriceListType::Sale => "sale",
            PriceListType::Override => "override",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "sale" => Some(Self::Sale),
            "override" => Some(Self::Override),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PriceListStatus {
    Active,
    Draft,
}

/// A price to create.
#[derive(Debug, Clone, PartialEq)]
pub struct PriceInput {
    pub amount: Amount,
    pub currency_code: CurrencyCode,
    pub min_quantity: Option<i64>,
    pub max_quantity: Option<i64>,
    /// Rule attribute -> value (e.g. `region_id` -> `reg_...`).
    pub rules: BTreeMap<String, String>,
}

/// A stored price (admin `variants.prices`).
#[derive(Debug, Clone, PartialEq)]
pub struct Price {
    pub id: String,
    pub title: Option<String>,
    pub price_set_id: String,
    pub currency_code: CurrencyCode,
    pub amount: Amount,
    pub min_quantity: Option<i64>,
    pub max_quantity: Option<i64>,
    pub price_list_id: Option<String>,
    pub rules: BTreeMap<String, String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Serialize for Price {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("id", &self.id)?;
        m.serialize_entry("title", &self.title)?;
        m.serialize_entry("currency_code", &self.currency_code)?;
        m.serialize_entry("amount", &self.amount)?;
        m.serialize_entry("raw_amount", &self.amount.raw())?;
        m.serialize_entry("min_quantity", &self.min_quantity)?;
        m.serialize_entry("max_quantity", &self.max_quantity)?;
        m.serialize_entry("price_set_id", &self.price_set_id)?;
        m.serialize_entry("price_list_id", &self.price_list_id)?;
        m.serialize_entry("rules", &self.rules)?;
        m.serialize_entry("created_at", &medusa_core::time::to_js(&self.created_at))?;
        m.serialize_entry("updated_at", &medusa_core::time::to_js(&self.updated_at))?;
        m.serialize_entry("deleted_at", &Option::<String>::None)?;
        m.end()
    }
}

/// What prices are calculated for: Medusa's pricing context.
#[derive(Debug, Clone)]
pub struct PricingContext {
    pub currency_code: CurrencyCode,
    pub region_id: Option<String>,
    pub customer_group_ids: Vec<String>,
    pub quantity: Option<i64>,
    pub now: DateTime<Utc>,
}

/// `calculated_price.calculated_price` / `.original_price`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PriceRef {
    pub id: String,
    pub price_list_id: Option<String>,
    pub price_list_type: Option<PriceListType>,
    pub min_quantity: Option<i64>,
    pub max_quantity: Option<i64>,
}

/// A variant's `calculated_price`, in Medusa's key order (see golden 05/06).
#[derive(Debug, Clone, PartialEq)]
pub struct CalculatedPrice {
    pub price_set_id: String,
    pub is_calculated_price_price_list: bool,
    pub is_calculated_price_tax_inclusive: bool,
    pub calculated_amount: Amount,
    pub is_original_price_price_list: bool,
    pub is_original_price_tax_inclusive: bool,
    pub original_amount: Amount,
    pub currency_code: CurrencyCode,
    pub calculated_price: PriceRef,
    pub original_price: PriceRef,
}

impl Serialize for CalculatedPrice {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("id", &self.price_set_id)?;
        m.serialize_entry(
            "is_calculated_price_price_list",
            &self.is_calculated_price_price_list,
        )?;
        m.serialize_entry(
            "is_calculated_price_tax_inclusive",
            &self.is_calculated_price_tax_inclusive,
        )?;
        m.serialize_entry("calculated_amount", &self.calculated_amount)?;
        m.serialize_entry("raw_calculated_amount", &self.calculated_amount.raw())?;
        m.serialize_entry(
            "is_original_price_price_list",
            &self.is_original_price_price_list,
        )?;
        m.serialize_entry(
            "is_original_price_tax_inclusive",
            &self.is_original_price_tax_inclusive,
        )?;
        m.serialize_entry("original_amount", &self.original_amount)?;
        m.serialize_entry("raw_original_amount", &self.original_amount.raw())?;
        m.serialize_entry("currency_code", &self.currency_code)?;
        m.serialize_entry("calculated_price", &self.calculated_price)?;
        m.serialize_entry("original_price", &self.original_price)?;
        m.end()
    }
}

/// A price list to create.
#[derive(Debug, Clone)]
pub struct NewPriceList {
    pub title: String,
    pub description: String,
    pub list_type: PriceListType,
    pub status: PriceListStatus,
    pub starts_at: Option<DateTime<Utc>>,
    pub ends_at: Option<DateTime<Utc>>,
    /// Attribute -> accepted values (e.g. `customer.groups.id` -> [...]).
    pub rules: BTreeMap<String, Vec<String>>,
    /// (variant id, price).
    pub prices: Vec<(String, PriceInput)>,
}

/// A price list as stored.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PriceList {
    pub id: String,
    pub title: String,
    pub description: String,
    pub status: PriceListStatus,
    #[serde(rename = "type")]
    pub list_type: PriceListType,
    #[serde(serialize_with = "medusa_core::time::js_opt")]
    pub starts_at: Option<DateTime<Utc>>,
    #[serde(serialize_with = "medusa_core::time::js_opt")]
    pub ends_at: Option<DateTime<Utc>>,
    pub rules: BTreeMap<String, Vec<String>>,
    #[serde(serialize_with = "medusa_core::time::js")]
    pub created_at: DateTime<Utc>,
    #[serde(serialize_with = "medusa_core::time::js")]
    pub updated_at: DateTime<Utc>,
}

/// Changes to a price list (`POST /admin/price-lists/:id`); `None` keeps the stored value.
#[derive(Debug, Clone, Default)]
pub struct UpdatePriceList {
    pub title: Option<String>,
    pub description: Option<String>,
    pub list_type: Option<PriceListType>,
    pub status: Option<PriceListStatus>,
    /// `Some(None)` clears the date.
    pub starts_at: Option<Option<DateTime<Utc>>>,
    pub ends_at: Option<Option<DateTime<Utc>>>,
    /// Replaces all of the list's rules when given.
    pub rules: Option<BTreeMap<String, Vec<String>>>,
}

/// Changes to one price of a price list; `None` keeps the stored value.
#[derive(Debug, Clone)]
pub struct PriceUpdate {
    pub id: String,
    pub variant_id: String,
    pub currency_code: Option<CurrencyCode>,
    pub amount: Option<Amount>,
    pub min_quantity: Option<Option<i64>>,
    pub max_quantity: Option<Option<i64>>,
    /// Replaces the price's rules when given.
    pub rules: Option<BTreeMap<String, String>>,
}

/// What one `prices/batch` call does to a price list.
#[derive(Debug, Clone, Default)]
pub struct PriceListBatch {
    /// (variant id, price).
    pub create: Vec<(String, PriceInput)>,
    pub update: Vec<PriceUpdate>,
    /// Price ids; ids that are not prices of the list are ignored, as Medusa does.
    pub delete: Vec<String>,
}

/// A price of a price list, as Medusa's admin shows it (`price_list.prices[]`, batch results):
/// the variant it prices instead of its price set, rules as an object.
#[derive(Debug, Clone, PartialEq)]
pub struct PriceListPrice {
    pub id: String,
    pub variant_id: Option<String>,
    pub currency_code: CurrencyCode,
    pub amount: Amount,
    pub min_quantity: Option<i64>,
    pub max_quantity: Option<i64>,
    pub rules: BTreeMap<String, String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Serialize for PriceListPrice {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("id", &self.id)?;
        m.serialize_entry("currency_code", &self.currency_code)?;
        m.serialize_entry("amount", &self.amount)?;
        m.serialize_entry("min_quantity", &self.min_quantity)?;
        m.serialize_entry("max_quantity", &self.max_quantity)?;
        m.serialize_entry("created_at", &medusa_core::time::to_js(&self.created_at))?;
        m.serialize_entry("updated_at", &medusa_core::time::to_js(&self.updated_at))?;
        m.serialize_entry("deleted_at", &Option::<String>::None)?;
        m.serialize_entry("variant_id", &self.variant_id)?;
        m.serialize_entry("rules", &self.rules)?;
        m.end()
    }
}
