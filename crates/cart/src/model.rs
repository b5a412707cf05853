//! The cart aggregate as the rest of the system sees it: a cart with everything it owns.
//!
//! Callers load a [`Cart`], change it in memory (the rules for *what* changes live above the
//! modules, in the api's cart flow) and save it back whole. Money is [`Amount`] in the cart's
//! currency.
//!
//! Everything a cart owns is stored as one document beside the cart's row (see `repo`), in the
//! serde form these types derive: renaming or retyping a field here changes the stored format,
//! so it needs a `#[serde(alias)]`/default or a migration. Amounts are stored as exact decimal
//! strings, never floats.

use chrono::{DateTime, Utc};
use medusa_core::CurrencyCode;
use medusa_core::id::{CartId, LineItemId};
use medusa_core::money::Amount;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use serde_json::Value;

medusa_core::define_id!(CartAddressId, "caaddr");
medusa_core::define_id!(ShippingMethodId, "casm");
medusa_core::define_id!(LineItemTaxLineId, "calitxl");
medusa_core::define_id!(ShippingMethodTaxLineId, "casmtxl");
medusa_core::define_id!(LineItemAdjustmentId, "caliadj");
medusa_core::define_id!(ShippingMethodAdjustmentId, "casmadj");
medusa_core::define_id!(CreditLineId, "cacl");

#[derive(Debug, Clone, PartialEq)]
pub struct Cart {
    pub id: CartId,
    pub region_id: Option<String>,
    pub customer_id: Option<String>,
    pub sales_channel_id: Option<String>,
    pub email: Option<String>,
    pub currency_code: CurrencyCode,
    pub locale: Option<String>,
    pub metadata: Option<Value>,
    pub completed_at: Option<DateTime<Utc>>,
    pub shipping_address: Option<Address>,
    pub billing_address: Option<Address>,
    /// In the order they were added.
    pub items: Vec<LineItem>,
    pub shipping_methods: Vec<ShippingMethod>,
    pub credit_lines: Vec<CreditLine>,
    /// The stored version this value was loaded at; `save` refuses a stale one.
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Cart {
    /// An empty cart with a fresh id, not yet stored.
    pub fn new(currency_code: CurrencyCode, now: DateTime<Utc>) -> Cart {
        Cart {
            id: CartId::new(),
            region_id: None,
            customer_id: None,
            sales_channel_id: None,
            email: None,
            currency_code,
            locale: None,
            metadata: None,
            completed_at: None,
            shipping_address: None,
            billing_address: None,
            items: Vec::new(),
            shipping_methods: Vec::new(),
            credit_lines: Vec::new(),
            version: 0,
            created_at: now,
            updated_at: now,
        }
    }

    pub fn item(&self, id: &str) -> Option<&LineItem> {
        self.items.iter().find(|i| i.id.as_str() == id)
    }
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct AddressFields {
    pub customer_id: Option<String>,
    pub company: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub address_1: Option<String>,
    pub address_2: Option<String>,
    pub city: Option<String>,
    pub country_code: Option<String>,
    pub province: Option<String>,
    pub postal_code: Option<String>,
    pub phone: Option<String>,
    pub metadata: Option<Value>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Address {
    pub id: CartAddressId,
    pub fields: AddressFields,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Address {
    pub fn new(fields: AddressFields, now: DateTime<Utc>) -> Address {
        Address {
            id: CartAddressId::new(),
            fields,
            created_at: now,
            updated_at: now,
        }
    }
}

/// A line item: a snapshot of the catalog when the variant was added, plus the server's price.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LineItem {
    pub id: LineItemId,
    pub title: String,
    pub subtitle: Option<String>,
    pub thumbnail: Option<String>,
    pub quantity: i64,
    pub variant_id: Option<String>,
    pub product_id: Option<String>,
    pub product_title: Option<String>,
    pub product_description: Option<String>,
    pub product_subtitle: Option<String>,
    pub product_type: Option<String>,
    pub product_type_id: Option<String>,
    pub product_collection: Option<String>,
    pub product_handle: Option<String>,
    pub variant_sku: Option<String>,
    pub variant_barcode: Option<String>,
    pub variant_title: Option<String>,
    pub variant_option_values: Option<Value>,
    pub requires_shipping: bool,
    pub is_discountable: bool,
    pub is_giftcard: bool,
    pub is_tax_inclusive: bool,
    pub is_custom_price: bool,
    #[serde(default, with = "crate::document::amount_opt")]
    pub compare_at_unit_price: Option<Amount>,
    #[serde(with = "crate::document::amount")]
    pub unit_price: Amount,
    pub metadata: Option<Value>,
    pub tax_lines: Vec<TaxLine>,
    pub adjustments: Vec<Adjustment>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A tax line of an item or a shipping method. `rate` is a percentage.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TaxLine {
    pub id: String,
    pub description: Option<String>,
    pub code: String,
    pub rate: Decimal,
    pub provider_id: Option<String>,
    pub tax_rate_id: Option<String>,
    pub metadata: Option<Value>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Adjustment {
    pub id: String,
    pub code: Option<String>,
    pub description: Option<String>,
    #[serde(with = "crate::document::amount")]
    pub amount: Amount,
    pub is_tax_inclusive: bool,
    pub promotion_id: Option<String>,
    pub provider_id: Option<String>,
    pub metadata: Option<Value>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ShippingMethod {
    pub id: ShippingMethodId,
    pub name: String,
    pub description: Option<String>,
    #[serde(with = "crate::document::amount")]
    pub amount: Amount,
    pub is_tax_inclusive: bool,
    pub shipping_option_id: Option<String>,
    pub data: Option<Value>,
    pub metadata: Option<Value>,
    pub tax_lines: Vec<TaxLine>,
    pub adjustments: Vec<Adjustment>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CreditLine {
    pub id: CreditLineId,
    pub reference: Option<String>,
    pub reference_id: Option<String>,
    #[serde(with = "crate::document::amount")]
    pub amount: Amount,
    pub metadata: Option<Value>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}
