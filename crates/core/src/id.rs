//! Typed, prefixed ids: `prod_01J...`, `cart_01J...`. Medusa generates `<prefix>_<ULID>`; so do we.
//!
//! One newtype per entity means the compiler refuses a cart id where an order id belongs. Parsing
//! checks the prefix and the ULID, so a malformed id is rejected at the edge with `not_found`
//! semantics left to the caller (Medusa answers 404 for an unknown or malformed id alike).

use std::fmt;
use std::str::FromStr;

/// Why an id string was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdError {
    #[error("expected an id starting with '{expected}_', got '{got}'")]
    WrongPrefix { expected: &'static str, got: String },
    #[error("'{0}' is not a valid id")]
    Malformed(String),
}

/// Splits `<prefix>_<ulid>` and checks both parts. Shared by every id type.
pub fn parse_prefixed(prefix: &'static str, s: &str) -> Result<ulid::Ulid, IdError> {
    let rest = s
        .strip_prefix(prefix)
        .and_then(|r| r.strip_prefix('_'))
        .ok_or_else(|| IdError::WrongPrefix {
            expected: prefix,
            got: s.to_owned(),
        })?;
    // ULIDs are 26 Crockford base32 characters; Medusa prints them upper-case.
    // The first character carries only 3 bits; anything above '7' overflows 128 bits.
    if rest.len() != 26 || rest.as_bytes()[0] > b'7' {
        return Err(IdError::Malformed(s.to_owned()));
    }
    ulid::Ulid::from_string(rest).map_err(|_| IdError::Malformed(s.to_owned()))
}

/// Declares an id newtype with its Medusa prefix.
///
/// ```
/// medusa_core::define_id!(WidgetId, "wdg");
/// let id = WidgetId::new();
/// assert!(id.as_str().starts_with("wdg_"));
/// assert_eq!(id.as_str().parse::<WidgetId>().unwrap(), id);
/// ```
#[macro_export]
macro_rules! define_id {
    ($name:ident, $prefix:literal) => {
        #[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(String);

        impl $name {
            pub const PREFIX: &'static str = $prefix;

            /// A fresh id: the prefix and a new ULID (time-ordered, 80 random bits).
            pub fn new() -> Self {
                Self(format!("{}_{}", $prefix, $crate::id::new_ulid()))
            }

            pub fn parse(s: &str) -> Result<Self, $crate::id::IdError> {
                $crate::id::parse_prefixed($prefix, s)?;
                Ok(Self(s.to_owned()))
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }

            pub fn into_string(self) -> String {
                self.0
            }
        }

        impl Default for $name {
            fn default() -> Self {
                Self::new()
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = $crate::id::IdError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Self::parse(s)
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl ::std::fmt::Debug for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl From<$name> for String {
            fn from(id: $name) -> String {
                id.0
            }
        }

        impl $crate::__private::serde::Serialize for $name {
            fn serialize<S: $crate::__private::serde::Serializer>(
                &self,
                s: S,
            ) -> Result<S::Ok, S::Error> {
                s.serialize_str(&self.0)
            }
        }

        impl<'de> $crate::__private::serde::Deserialize<'de> for $name {
            fn deserialize<D: $crate::__private::serde::Deserializer<'de>>(
                d: D,
            ) -> Result<Self, D::Error> {
                let s = <String as $crate::__private::serde::Deserialize>::deserialize(d)?;
                Self::parse(&s).map_err($crate::__private::serde::de::Error::custom)
            }
        }

        impl $crate::__private::utoipa::PartialSchema for $name {
            fn schema() -> $crate::__private::utoipa::openapi::RefOr<
                $crate::__private::utoipa::openapi::schema::Schema,
            > {
                $crate::__private::utoipa::openapi::ObjectBuilder::new()
                    .schema_type($crate::__private::utoipa::openapi::schema::Type::String)
                    .examples([$crate::__private::serde_json::json!(concat!(
                        $prefix,
                        "_01JBX4Z6M3Q8Q5ZC7E0K9W2A1B"
                    ))])
                    .into()
            }
        }

        impl $crate::__private::utoipa::ToSchema for $name {}
    };
}

/// A new ULID. Monotonic within a process is not needed: ids only have to be unique and unguessable.
pub fn new_ulid() -> ulid::Ulid {
    ulid::Ulid::new()
}

// The ids the foundation and its first modules need; each module crate declares its own too.
define_id!(ApiKeyId, "apk");
define_id!(SalesChannelId, "sc");
define_id!(RegionId, "reg");
define_id!(ProductId, "prod");
define_id!(VariantId, "variant");
define_id!(CartId, "cart");
define_id!(LineItemId, "cali");
define_id!(OrderId, "order");
define_id!(PaymentCollectionId, "pay_col");
define_id!(PaymentSessionId, "payses");
define_id!(PaymentId, "pay");
define_id!(CaptureId, "capt");
define_id!(RefundId, "ref");
define_id!(CustomerId, "cus");
define_id!(UserId, "user");
define_id!(JobId, "job");

/// A token that is not a ULID id but still prefixed (publishable keys: `pk_<64 hex>`).
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Token(String);

impl Token {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Token {
    // Tokens are credentials for secret keys; keep them out of logs.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Token(..)")
    }
}

impl FromStr for Token {
    type Err = IdError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s.is_empty() || s.len() > 256 || !s.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(IdError::Malformed("<token>".into()));
        }
        Ok(Token(s.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_ids_carry_prefix_and_round_trip() {
        let id = ProductId::new();
        assert!(id.as_str().starts_with("prod_"));
        assert_eq!(id.as_str().len(), "prod_".len() + 26);
        let back: ProductId = id.as_str().parse().unwrap();
        assert_eq!(back, id);
        let json = serde_json::to_string(&id).unwrap();
        assert_eq!(json, format!("\"{id}\""));
        let from_json: ProductId = serde_json::from_str(&json).unwrap();
        assert_eq!(from_json, id);
    }

    #[test]
    fn multi_part_prefixes_work() {
        let id = PaymentCollectionId::new();
        assert!(id.as_str().starts_with("pay_col_"));
        assert!(PaymentCollectionId::parse(id.as_str()).is_ok());
        // `pay_` must not accept a `pay_col_` id: the ULID part would be `col_...`.
        assert!(PaymentId::parse(id.as_str()).is_err());
    }

    #[test]
    fn wrong_prefix_is_rejected() {
        let cart = CartId::new();
        let err = OrderId::parse(cart.as_str()).unwrap_err();
        assert!(matches!(
            err,
            IdError::WrongPrefix {
                expected: "order",
                ..
            }
        ));
        assert!(serde_json::from_str::<OrderId>(&format!("\"{cart}\"")).is_err());
    }

    #[test]
    fn malformed_ulid_is_rejected() {
        for bad in [
            "prod_",
            "prod_123",
            "prod_01JBX4Z6M3Q8Q5ZC7E0K9W2A1",   // 25 chars
            "prod_01JBX4Z6M3Q8Q5ZC7E0K9W2A1BB", // 27 chars
            "prod_01JBX4Z6M3Q8Q5ZC7E0K9W2A1U",  // U is not Crockford base32
            "prod_8ZZZZZZZZZZZZZZZZZZZZZZZZZ",  // overflows 128 bits
            "prod01JBX4Z6M3Q8Q5ZC7E0K9W2A1B",
            "PROD_01JBX4Z6M3Q8Q5ZC7E0K9W2A1B",
            "",
        ] {
            assert!(ProductId::parse(bad).is_err(), "{bad} should be rejected");
        }
    }

    #[test]
    fn ids_are_unique() {
        let set: std::collections::HashSet<_> = (0..10_000).map(|_| CartId::new()).collect();
        assert_eq!(set.len(), 10_000);
    }

    #[test]
    fn token_debug_hides_the_value() {
        let t: Token = "sk_secret".parse().unwrap();
        assert_eq!(format!("{t:?}"), "Token(..)");
    }
}
