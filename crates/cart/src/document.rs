//! The stored form of what a cart owns (addresses, items with their tax lines and adjustments,
//! shipping methods, credit lines): one JSON document in the cart row's `body` column.
//!
//! A cart is only ever read and written whole, so one row per cart makes a load one statement
//! and a save one conditional `UPDATE`, whatever the cart holds (the per-table layout it
//! replaced cost 7 reads and up to 13 writes per change). Nothing queries inside the document.

use serde::{Deserialize, Serialize};

use crate::model::{Address, CreditLine, LineItem, ShippingMethod};

/// Bumped when the document's shape changes incompatibly (a migration then rewrites bodies).
pub const FORMAT: u32 = 1;

#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Body {
    pub format: u32,
    #[serde(default)]
    pub shipping_address: Option<Address>,
    #[serde(default)]
    pub billing_address: Option<Address>,
    #[serde(default)]
    pub items: Vec<LineItem>,
    #[serde(default)]
    pub shipping_methods: Vec<ShippingMethod>,
    #[serde(default)]
    pub credit_lines: Vec<CreditLine>,
}

/// Amounts as exact decimal strings (`Amount`'s own serde form is the API's JSON number, which
/// goes through `f64`).
pub mod amount {
    use medusa_core::money::Amount;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(a: &Amount, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&a.decimal())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Amount, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        text.parse::<Amount>()
            .map_err(|_| serde::de::Error::custom(format!("'{text}' is not an amount")))
    }
}

/// [`amount`] for optional amounts.
pub mod amount_opt {
    use medusa_core::money::Amount;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(a: &Option<Amount>, s: S) -> Result<S::Ok, S::Error> {
        match a {
            Some(a) => s.collect_str(&a.decimal()),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Amount>, D::Error> {
        let text = <Option<std::borrow::Cow<'de, str>>>::deserialize(d)?;
        text.map(|t| {
            t.parse::<Amount>()
                .map_err(|_| serde::de::Error::custom(format!("'{t}' is not an amount")))
        })
        .transpose()
    }
}
