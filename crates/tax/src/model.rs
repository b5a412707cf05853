//! The module's domain types: what the service takes and returns.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Utc};
use medusa_core::money::Amount;
use medusa_core::request::Comparison;
use rust_decimal::Decimal;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;

medusa_core::define_id!(TaxRegionId, "txreg");
medusa_core::define_id!(TaxRateId, "txr");
medusa_core::define_id!(TaxRateRuleId, "txrule");

/// The id of the built-in provider (Medusa registers its system provider as `tp_system`).
pub const SYSTEM_TAX_PROVIDER: &str = "tp_system";

/// What the system provider writes into a tax line's `provider_id` (Medusa's
/// `SystemTaxService.identifier`; the recorded carts show `"provider_id": "system"`).
pub const SYSTEM_PROVIDER_IDENTIFIER: &str = "system";

/// Rule references the lookup understands. Medusa stores any string (the admin dashboard also
/// offers `product_collection`, `product_tag`, `customer_group`), but only these three ever
/// match an item or a shipping method.
pub const REFERENCE_PRODUCT: &str = "product";
pub const REFERENCE_PRODUCT_TYPE: &str = "product_type";
pub const REFERENCE_SHIPPING_OPTION: &str = "shipping_option";

/// An exact tax rate in percent (`25` is 25 %, `8.875` is 8.875 %). On the wire a JSON
/// number, as Medusa sends it; in memory and in the database an exact decimal.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Percent(Decimal);

impl Percent {
    pub const ZERO: Percent = Percent(Decimal::ZERO);

    pub fn new(value: Decimal) -> Self {
        Percent(value.normalize())
    }

    pub fn decimal(&self) -> Decimal {
        self.0
    }

    /// The fraction this percentage stands for (`25` -> `0.25`).
    pub fn fraction(&self) -> Decimal {
        self.0 / Decimal::ONE_HUNDRED
    }
}

impl fmt::Display for Percent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0.normalize(), f)
    }
}

impl fmt::Debug for Percent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{self}%")
    }
}

impl FromStr for Percent {
    type Err = rust_decimal::Error;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Decimal::from_str_exact(s.trim()).map(Percent::new)
    }
}

impl From<Decimal> for Percent {
    fn from(d: Decimal) -> Self {
        Percent::new(d)
    }
}

/// Same number format as amounts: `25`, `8.875`.
impl Serialize for Percent {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        Amount::new(self.0).serialize(s)
    }
}

/// A JSON number (or numeric string), read exactly as written.
impl<'de> Deserialize<'de> for Percent {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Amount::deserialize(d).map(|a| Percent::new(a.decimal()))
    }
}

/// A tax region: a country (`province_code` `None`) or a province of a country (with
/// `parent_id` naming the country's region).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaxRegion {
    pub id: TaxRegionId,
    /// Lower case ISO 3166-1 alpha-2.
    pub country_code: String,
    /// Lower case; `None` for a country-level region.
    pub province_code: Option<String>,
    pub parent_id: Option<TaxRegionId>,
    /// Only country-level regions name a provider (`tp_system`).
    pub provider_id: Option<String>,
    pub metadata: Option<Value>,
    pub created_by: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub deleted_at: Option<DateTime<Utc>>,
}

/// A tax rate of a region. A region has at most one default rate; the others apply through
/// their rules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaxRate {
    pub id: TaxRateId,
    /// `None` is allowed (Medusa's column is nullable); it taxes at 0 %.
    pub rate: Option<Percent>,
    pub code: String,
    pub name: String,
    pub is_default: bool,
    /// A province rate that combines with the country's rate (two tax lines).
    pub is_combinable: bool,
    pub tax_region_id: TaxRegionId,
    pub metadata: Option<Value>,
    pub created_by: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub deleted_at: Option<DateTime<Utc>>,
}

/// Makes a (non-default) rate apply to a product, a product type or a shipping option.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaxRateRule {
    pub id: TaxRateRuleId,
    pub tax_rate_id: TaxRateId,
    /// `product`, `product_type`, `shipping_option` (or any other string, kept as Medusa does).
    pub reference: String,
    pub reference_id: String,
    pub metadata: Option<Value>,
    pub created_by: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub deleted_at: Option<DateTime<Utc>>,
}

/// A registered tax provider.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaxProvider {
    pub id: String,
    pub is_enabled: bool,
}

/// A rate with its (live) rules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RateWithRules {
    pub rate: TaxRate,
    pub rules: Vec<TaxRateRule>,
}

/// A rate with its rules and region (Medusa's default `tax_rate` response).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaxRateDetails {
    pub rate: TaxRate,
    pub rules: Vec<TaxRateRule>,
    /// `None` only if the region was deleted under the rate.
    pub region: Option<TaxRegion>,
}

/// A region with its rates (and their rules).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegionWithRates {
    pub region: TaxRegion,
    pub rates: Vec<RateWithRules>,
}

/// A region with its parent, its children (with their rates) and its rates (Medusa's default
/// `tax_region` response).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaxRegionDetails {
    pub region: TaxRegion,
    pub parent: Option<TaxRegion>,
    pub children: Vec<RegionWithRates>,
    pub rates: Vec<RateWithRules>,
}

/// The rate created with a region (`default_tax_rate`); it is the region's default rate.
#[derive(Debug, Clone, PartialEq)]
pub struct DefaultTaxRate {
    pub rate: Option<Percent>,
    pub code: String,
    pub name: String,
    pub is_combinable: Option<bool>,
    pub metadata: Option<Value>,
}

/// What creating a region takes. Codes are lower-cased.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CreateTaxRegion {
    pub country_code: String,
    pub province_code: Option<String>,
    /// A province region's country region (same country code).
    pub parent_id: Option<TaxRegionId>,
    /// Required for a country-level region, refused for a province region.
    pub provider_id: Option<String>,
    pub default_tax_rate: Option<DefaultTaxRate>,
    pub metadata: Option<Value>,
    pub created_by: Option<String>,
}

/// A partial update of a region: `None` leaves a field as it is.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct UpdateTaxRegion {
    /// `Some(None)` clears it.
    pub province_code: Option<Option<String>>,
    pub provider_id: Option<String>,
    /// `Some(None)` clears it.
    pub metadata: Option<Option<Value>>,
}

/// A rule to add to a rate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewTaxRateRule {
    pub reference: String,
    pub reference_id: String,
}

/// What creating a rate takes.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CreateTaxRate {
    pub tax_region_id: TaxRegionId,
    pub rate: Option<Percent>,
    pub code: String,
    pub name: String,
    pub is_default: Option<bool>,
    pub is_combinable: Option<bool>,
    pub rules: Vec<NewTaxRateRule>,
    pub metadata: Option<Value>,
    pub created_by: Option<String>,
}

/// A partial update of a rate. `rules` replaces the rate's whole rule set.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct UpdateTaxRate {
    pub rate: Option<Percent>,
    pub code: Option<String>,
    pub name: Option<String>,
    pub is_default: Option<bool>,
    pub is_combinable: Option<bool>,
    pub rules: Option<Vec<NewTaxRateRule>>,
    /// `Some(None)` clears it.
    pub metadata: Option<Option<Value>>,
    pub updated_by: Option<String>,
}

/// Filters of a region listing; every given filter must hold.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TaxRegionFilter {
    pub ids: Option<Vec<String>>,
    /// Case-insensitive substring of the country or province code.
    pub q: Option<String>,
    pub country_codes: Option<Vec<String>>,
    /// `None` in the list matches regions without a province (`province_code=null`).
    pub province_codes: Option<Vec<Option<String>>>,
    /// `None` in the list matches country-level regions (`parent_id=null`).
    pub parent_ids: Option<Vec<Option<String>>>,
    pub created_by: Option<Vec<String>>,
    pub created_at: Option<Comparison<DateTime<Utc>>>,
    pub updated_at: Option<Comparison<DateTime<Utc>>>,
    /// Filtering on `deleted_at` includes deleted regions.
    pub deleted_at: Option<Comparison<DateTime<Utc>>>,
    pub with_deleted: bool,
}

/// Filters of a rate listing.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TaxRateFilter {
    pub ids: Option<Vec<String>>,
    /// Case-insensitive substring of the code or name.
    pub q: Option<String>,
    pub tax_region_ids: Option<Vec<String>>,
    pub is_default: Option<bool>,
    pub created_at: Option<Comparison<DateTime<Utc>>>,
    pub updated_at: Option<Comparison<DateTime<Utc>>>,
    pub deleted_at: Option<Comparison<DateTime<Utc>>>,
    pub with_deleted: bool,
}

/// Filters of the provider listing.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TaxProviderFilter {
    pub ids: Option<Vec<String>>,
    pub is_enabled: Option<bool>,
}

/// A line item to tax: what the rules look at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaxableItem {
    pub line_item_id: String,
    pub product_id: String,
    pub product_type_id: Option<String>,
}

/// A shipping method to tax.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaxableShipping {
    pub shipping_method_id: String,
    pub shipping_option_id: String,
}

/// Where the goods go (the cart's shipping address). Codes are matched case-insensitively.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaxAddress {
    pub country_code: String,
    pub province_code: Option<String>,
}

/// One tax line: the rate a provider chose for an item or shipping method.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaxLine {
    pub rate_id: TaxRateId,
    /// A rate without a value taxes at 0 (Medusa: `rate || 0`).
    pub rate: Percent,
    pub code: String,
    /// The rate's name; carts store it as the tax line's `description`.
    pub name: String,
    /// `system` for the system provider.
    pub provider_id: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemTaxLine {
    pub line_item_id: String,
    pub line: TaxLine,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShippingTaxLine {
    pub shipping_method_id: String,
    pub line: TaxLine,
}

/// The result of [`crate::TaxService::tax_lines`]: 0, 1 or 2 lines per item and per shipping
/// method, items in input order, then each one's lines in priority order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TaxLines {
    pub items: Vec<ItemTaxLine>,
    pub shipping: Vec<ShippingTaxLine>,
}

impl TaxLines {
    /// The lines of one line item.
    pub fn for_item<'a>(&'a self, line_item_id: &'a str) -> impl Iterator<Item = &'a TaxLine> {
        self.items
            .iter()
            .filter(move |l| l.line_item_id == line_item_id)
            .map(|l| &l.line)
    }

    /// The lines of one shipping method.
    pub fn for_shipping<'a>(
        &'a self,
        shipping_method_id: &'a str,
    ) -> impl Iterator<Item = &'a TaxLine> {
        self.shipping
            .iter()
            .filter(move |l| l.shipping_method_id == shipping_method_id)
            .map(|l| &l.line)
    }
}
