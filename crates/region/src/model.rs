use std::fmt;

use chrono::{DateTime, Utc};
use medusa_core::CurrencyCode;
use medusa_core::id::RegionId;
use medusa_core::request::Comparison;
use serde_json::Value;

/// The provider every Medusa installation has (manual payments). A region created without a
/// provider list is linked to it, so a new region can take orders out of the box.
pub const SYSTEM_PAYMENT_PROVIDER: &str = "pp_system_default";

/// A region: where a currency, tax settings and payment providers apply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Region {
    pub id: RegionId,
    pub name: String,
    pub currency_code: CurrencyCode,
    pub automatic_taxes: bool,
    pub metadata: Option<Value>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub deleted_at: Option<DateTime<Utc>>,
}

/// A row of the ISO country table. `iso_2`/`iso_3` are lower case, `name` upper case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Country {
    pub iso_2: String,
    pub iso_3: String,
    pub num_code: String,
    pub name: String,
    pub display_name: String,
    pub region_id: Option<RegionId>,
    pub metadata: Option<Value>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub deleted_at: Option<DateTime<Utc>>,
}

/// A region with its countries (in the ISO table's order) and payment providers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegionDetails {
    pub region: Region,
    pub countries: Vec<Country>,
    pub payment_providers: Vec<PaymentProviderId>,
}

/// A payment provider id (`pp_<provider>_<id>`, e.g. `pp_system_default`, `pp_stripe_stripe`).
/// Providers belong to the payment module; here they are only referenced.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PaymentProviderId(String);

impl PaymentProviderId {
    /// `pp_` followed by 1-200 ASCII letters, digits, `_` or `-`.
    pub fn parse(s: &str) -> Option<Self> {
        let rest = s.strip_prefix("pp_")?;
        let ok = !rest.is_empty()
            && rest.len() <= 200
            && rest
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
        ok.then(|| PaymentProviderId(s.to_owned()))
    }

    pub fn system_default() -> Self {
        PaymentProviderId(SYSTEM_PAYMENT_PROVIDER.to_owned())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for PaymentProviderId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for PaymentProviderId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// What creating a region takes. Country codes are matched case-insensitively.
#[derive(Debug, Clone, PartialEq)]
pub struct CreateRegion {
    pub name: String,
    pub currency_code: CurrencyCode,
    /// Defaults to `true`, as in Medusa.
    pub automatic_taxes: Option<bool>,
    pub countries: Vec<String>,
    /// `None` links [`SYSTEM_PAYMENT_PROVIDER`]; `Some(vec![])` links none.
    pub payment_providers: Option<Vec<PaymentProviderId>>,
    pub metadata: Option<Value>,
}

/// A partial update: `None` leaves a field as it is. `countries` and `payment_providers`
/// replace the region's whole list.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct UpdateRegion {
    pub name: Option<String>,
    pub currency_code: Option<CurrencyCode>,
    pub automatic_taxes: Option<bool>,
    pub countries: Option<Vec<String>>,
    pub payment_providers: Option<Vec<PaymentProviderId>>,
    /// `Some(None)` clears the metadata.
    pub metadata: Option<Option<Value>>,
}

/// Filters of a region listing; every given filter must hold.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RegionFilter {
    pub ids: Option<Vec<RegionId>>,
    /// Case-insensitive substring of the name or currency code.
    pub q: Option<String>,
    pub currency_codes: Option<Vec<String>>,
    pub names: Option<Vec<String>>,
    pub created_at: Option<Comparison<DateTime<Utc>>>,
    pub updated_at: Option<Comparison<DateTime<Utc>>>,
    /// Filtering on `deleted_at` includes deleted regions, as in Medusa.
    pub deleted_at: Option<Comparison<DateTime<Utc>>>,
    pub with_deleted: bool,
}
