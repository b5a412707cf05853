use chrono::{DateTime, Utc};
use medusa_core::id::{ProductId, RegionId};
use medusa_core::{Amount, CurrencyCode};
use serde_json::Value;

use crate::error::FulfillmentError;

medusa_core::define_id!(ShippingProfileId, "sp");
medusa_core::define_id!(FulfillmentSetId, "fuset");
medusa_core::define_id!(ServiceZoneId, "serzo");
medusa_core::define_id!(GeoZoneId, "fgz");
medusa_core::define_id!(ShippingOptionId, "so");
medusa_core::define_id!(ShippingOptionTypeId, "sotype");
medusa_core::define_id!(ShippingOptionRuleId, "sorul");
// Medusa's option prices live in the pricing module with these prefixes; we keep the
// prefixes so the wire looks the same.
medusa_core::define_id!(ShippingPriceSetId, "pset");
medusa_core::define_id!(ShippingPriceId, "price");
medusa_core::define_id!(ShippingPriceRuleId, "prule");

/// The only fulfillment provider: Medusa's manual provider (`manual` module, `manual` id).
pub const MANUAL_PROVIDER: &str = "manual_manual";

/// The providers that exist (Medusa lists those of its configured fulfillment modules).
pub const PROVIDERS: &[&str] = &[MANUAL_PROVIDER];

/// Timestamps every row carries.
#[derive(Debug, Clone, PartialEq)]
pub struct Stamps {
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub deleted_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ShippingProfile {
    pub id: ShippingProfileId,
    pub name: String,
    pub profile_type: String,
    pub metadata: Option<Value>,
    pub stamps: Stamps,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct ShippingProfileFilter {
    pub ids: Vec<String>,
    pub name: Option<String>,
    pub profile_type: Option<String>,
    pub q: Option<String>,
}

/// A geo zone's kind; each kind needs the fields of the broader ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GeoZoneType {
    Country,
    Province,
    City,
    Zip,
}

impl GeoZoneType {
    pub fn parse(s: &str) -> Option<GeoZoneType> {
        match s {
            "country" => Some(GeoZoneType::Country),
            "province" => Some(GeoZoneType::Province),
            "city" => Some(GeoZoneType::City),
            "zip" => Some(GeoZoneType::Zip),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            GeoZoneType::Country => "country",
            GeoZoneType::Province => "province",
            GeoZoneType::City => "city",
            GeoZoneType::Zip => "zip",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct GeoZone {
    pub id: GeoZoneId,
    pub zone_type: GeoZoneType,
    pub country_code: String,
    pub province_code: Option<String>,
    pub city: Option<String>,
    pub postal_expression: Option<Value>,
    pub service_zone_id: ServiceZoneId,
    pub metadata: Option<Value>,
    pub stamps: Stamps,
}

/// A geo zone to create (with `id`: to keep when replacing a zone's geo zones).
#[derive(Debug, Clone, PartialEq)]
pub struct NewGeoZone {
    pub id: Option<GeoZoneId>,
    pub zone_type: GeoZoneType,
    pub country_code: String,
    pub province_code: Option<String>,
    pub city: Option<String>,
    pub postal_expression: Option<Value>,
    pub metadata: Option<Value>,
}

impl NewGeoZone {
    pub fn country(code: &str) -> Self {
        NewGeoZone {
            id: None,
            zone_type: GeoZoneType::Country,
            country_code: code.to_owned(),
            province_code: None,
            city: None,
            postal_expression: None,
            metadata: None,
        }
    }

    pub(crate) fn validate(&self) -> Result<(), FulfillmentError> {
        if self.country_code.trim().is_empty() {
            return Err(FulfillmentError::InvalidData(
                "Geo zone country_code is required".into(),
            ));
        }
        let missing = |field: &str| {
            Err(FulfillmentError::InvalidData(format!(
                "Missing required property {field} for geo zone type {}",
                self.zone_type.as_str()
            )))
        };
        let needs_province = matches!(
            self.zone_type,
            GeoZoneType::Province | GeoZoneType::City | GeoZoneType::Zip
        );
        let needs_city = matches!(self.zone_type, GeoZoneType::City | GeoZoneType::Zip);
        if needs_province && self.province_code.as_deref().is_none_or(str::is_empty) {
            return missing("province_code");
        }
        if needs_city && self.city.as_deref().is_none_or(str::is_empty) {
            return missing("city");
        }
        if self.zone_type == GeoZoneType::Zip && self.postal_expression.is_none() {
            return missing("postal_expression");
        }
        Ok(())
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct ServiceZone {
    pub id: ServiceZoneId,
    pub name: String,
    pub fulfillment_set_id: FulfillmentSetId,
    pub metadata: Option<Value>,
    pub geo_zones: Vec<GeoZone>,
    pub stamps: Stamps,
}

#[derive(Debug, Clone, PartialEq)]
pub struct NewServiceZone {
    pub name: String,
    pub geo_zones: Vec<NewGeoZone>,
    pub metadata: Option<Value>,
}

/// `geo_zones`, when given, replace the zone's (entries with an `id` are kept as updated).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct UpdateServiceZone {
    pub name: Option<String>,
    pub geo_zones: Option<Vec<NewGeoZone>>,
    pub metadata: Option<Option<Value>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct FulfillmentSet {
    pub id: FulfillmentSetId,
    pub name: String,
    pub set_type: String,
    pub metadata: Option<Value>,
    /// The stock location the set is linked to (Medusa's `location_fulfillment_set` link).
    pub location_id: Option<String>,
    pub service_zones: Vec<ServiceZone>,
    pub stamps: Stamps,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ShippingOptionType {
    pub id: ShippingOptionTypeId,
    pub label: String,
    pub description: Option<String>,
    pub code: String,
    pub stamps: Stamps,
}

#[derive(Debug, Clone, PartialEq)]
pub struct NewShippingOptionType {
    pub label: String,
    pub description: Option<String>,
    pub code: String,
}

/// Rule operators Medusa's `RuleOperator` has.
pub const RULE_OPERATORS: &[&str] = &["in", "eq", "ne", "gt", "gte", "lt", "lte", "nin"];

#[derive(Debug, Clone, PartialEq)]
pub struct ShippingOptionRule {
    pub id: ShippingOptionRuleId,
    pub attribute: String,
    pub operator: String,
    /// A string or a list of strings.
    pub value: Value,
    pub shipping_option_id: ShippingOptionId,
    pub stamps: Stamps,
}

#[derive(Debug, Clone, PartialEq)]
pub struct NewRule {
    pub attribute: String,
    pub operator: String,
    pub value: Value,
}

impl NewRule {
    pub fn eq(attribute: &str, value: &str) -> Self {
        NewRule {
            attribute: attribute.to_owned(),
            operator: "eq".to_owned(),
            value: Value::String(value.to_owned()),
        }
    }

    pub(crate) fn validate(&self) -> Result<(), FulfillmentError> {
        if !RULE_OPERATORS.contains(&self.operator.as_str()) {
            return Err(FulfillmentError::InvalidData(format!(
                "Invalid operator {}, expected one of {}",
                self.operator,
                RULE_OPERATORS.join(", ")
            )));
        }
        if self.attribute.trim().is_empty() {
            return Err(FulfillmentError::InvalidData(
                "Rule attribute is required".into(),
            ));
        }
        let ok = match &self.value {
            Value::String(_) => true,
            Value::Array(items) => items.iter().all(Value::is_string),
            _ => false,
        };
        if !ok {
            return Err(FulfillmentError::InvalidData(
                "Rule value must be a string or an array of strings".into(),
            ));
        }
        Ok(())
    }

    /// Does `actual` (the context's value for the attribute) satisfy the rule?
    pub fn matches(operator: &str, value: &Value, actual: &str) -> bool {
        let values: Vec<&str> = match value {
            Value::String(s) => vec![s.as_str()],
            Value::Array(items) => items.iter().filter_map(Value::as_str).collect(),
            _ => Vec::new(),
        };
        let first = values.first().copied().unwrap_or_default();
        let num = |s: &str| s.parse::<f64>().ok();
        let cmp = |f: fn(f64, f64) -> bool| match (num(actual), num(first)) {
            (Some(a), Some(b)) => f(a, b),
            _ => false,
        };
        match operator {
            "eq" => actual == first,
            "ne" => actual != first,
            "in" => values.contains(&actual),
            "nin" => !values.contains(&actual),
            "gt" => cmp(|a, b| a > b),
            "gte" => cmp(|a, b| a >= b),
            "lt" => cmp(|a, b| a < b),
            "lte" => cmp(|a, b| a <= b),
            _ => false,
        }
    }
}

/// A flat price of an option in one currency, optionally only for one region.
#[derive(Debug, Clone, PartialEq)]
pub struct ShippingOptionPrice {
    pub id: ShippingPriceId,
    pub currency_code: CurrencyCode,
    pub amount: Amount,
    pub region_id: Option<RegionId>,
    /// The id of the `region_id` rule as Medusa's pricing module names it.
    pub price_rule_id: Option<ShippingPriceRuleId>,
    pub stamps: Stamps,
}

#[derive(Debug, Clone, PartialEq)]
pub struct NewPrice {
    pub currency_code: CurrencyCode,
    pub amount: Amount,
    pub region_id: Option<RegionId>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ShippingOption {
    pub id: ShippingOptionId,
    pub name: String,
    pub price_type: String,
    pub service_zone_id: ServiceZoneId,
    pub shipping_profile_id: ShippingProfileId,
    pub provider_id: String,
    pub price_set_id: ShippingPriceSetId,
    pub data: Option<Value>,
    pub metadata: Option<Value>,
    pub option_type: ShippingOptionType,
    pub rules: Vec<ShippingOptionRule>,
    pub prices: Vec<ShippingOptionPrice>,
    pub stamps: Stamps,
}

impl ShippingOption {
    /// The price for a currency and region: a price for the region beats one for the currency
    /// only; a price for another region never applies (Medusa's calculated price).
    pub fn price_for(
        &self,
        currency: &CurrencyCode,
        region: Option<&RegionId>,
    ) -> Option<&ShippingOptionPrice> {
        let in_currency = self.prices.iter().filter(|p| &p.currency_code == currency);
        let mut fallback = None;
        for p in in_currency {
            match (&p.region_id, region) {
                (Some(r), Some(want)) if r == want => return Some(p),
                (None, _) if fallback.is_none() => fallback = Some(p),
                _ => {}
            }
        }
        fallback
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct CreateShippingOption {
    pub name: String,
    pub price_type: String,
    pub service_zone_id: ServiceZoneId,
    pub shipping_profile_id: ShippingProfileId,
    pub provider_id: String,
    pub option_type: NewShippingOptionType,
    pub data: Option<Value>,
    pub metadata: Option<Value>,
    pub rules: Vec<NewRule>,
    pub prices: Vec<NewPrice>,
}

/// Lists, when given, replace the option's.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct UpdateShippingOption {
    pub name: Option<String>,
    pub price_type: Option<String>,
    pub service_zone_id: Option<ServiceZoneId>,
    pub shipping_profile_id: Option<ShippingProfileId>,
    pub provider_id: Option<String>,
    pub option_type: Option<NewShippingOptionType>,
    pub data: Option<Option<Value>>,
    pub metadata: Option<Option<Value>>,
    pub rules: Option<Vec<NewRule>>,
    pub prices: Option<Vec<NewPrice>>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct ShippingOptionFilter {
    pub ids: Vec<String>,
    pub q: Option<String>,
    pub service_zone_ids: Vec<String>,
    pub shipping_profile_ids: Vec<String>,
    pub provider_ids: Vec<String>,
    pub fulfillment_set_ids: Vec<String>,
    pub stock_location_ids: Vec<String>,
}

/// What a cart offers for choosing a shipping option (Medusa's
/// `listShippingOptionsForCartWorkflow` context).
#[derive(Debug, Clone, PartialEq)]
pub struct ShippingContext {
    /// The stock locations linked to the cart's sales channel.
    pub stock_location_ids: Vec<String>,
    pub country_code: Option<String>,
    pub province: Option<String>,
    pub city: Option<String>,
    pub postal_code: Option<String>,
    pub currency_code: CurrencyCode,
    pub region_id: Option<RegionId>,
    pub is_return: bool,
    pub enabled_in_store: bool,
}

/// An option a context may use, with where it ships from and its price there.
#[derive(Debug, Clone, PartialEq)]
pub struct AvailableShippingOption {
    pub option: ShippingOption,
    pub fulfillment_set_id: FulfillmentSetId,
    pub fulfillment_set_type: String,
    pub stock_location_id: String,
    pub price: ShippingOptionPrice,
}

/// A product's shipping profile.
#[derive(Debug, Clone, PartialEq)]
pub struct ProductProfile {
    pub product_id: ProductId,
    pub shipping_profile_id: ShippingProfileId,
}
