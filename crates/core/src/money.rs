//! Exact money.
//!
//! * On the wire an amount is what Medusa sends: a JSON number in **major units** (`10.5` is
//!   10.50 EUR), with a `raw_<field>: {"value": "10.5", "precision": 20}` sibling where Medusa
//!   has one ([`RawAmount`]).
//! * In memory it is a [`rust_decimal::Decimal`] ([`Amount`]); never a float.
//! * In the database it is an `i64` count of the currency's **minor unit** ([`MinorUnits`]):
//!   exact on PostgreSQL and on SQLite alike (sea-orm reads SQLite decimals through `f64`, which
//!   loses digits), summable and sortable in SQL, and the unit Stripe charges in.
//!
//! Because storage is in minor units, an amount with more decimals than its currency has (12.345
//! EUR) is refused at the edge instead of being rounded silently: what is shown is what is charged.
//! Computed values (tax on a line) are rounded with the one function [`round`].

use std::fmt;
use std::str::FromStr;

use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Why an amount or currency was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    #[error("'{0}' is not a valid currency code")]
    InvalidCurrency(String),
    #[error("amount {amount} has more decimals than {currency} allows ({digits})")]
    TooPrecise {
        amount: String,
        currency: String,
        digits: u32,
    },
    #[error("amount {0} is out of range")]
    OutOfRange(String),
}

/// A lower-case ISO 4217 code (`eur`, `usd`, `jpy`), as Medusa stores and sends them.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CurrencyCode([u8; 3]);

impl CurrencyCode {
    /// ISO 4217's "no currency".
    pub const XXX: CurrencyCode = CurrencyCode(*b"xxx");

    /// Accepts three ASCII letters in any case and keeps them lower-case.
    pub fn parse(s: &str) -> Result<Self, MoneyError> {
        let b = s.as_bytes();
        if b.len() != 3 || !b.iter().all(u8::is_ascii_alphabetic) {
            return Err(MoneyError::InvalidCurrency(s.to_owned()));
        }
        Ok(Self([
            b[0].to_ascii_lowercase(),
            b[1].to_ascii_lowercase(),
            b[2].to_ascii_lowercase(),
        ]))
    }

    pub fn as_str(&self) -> &str {
        // Only ASCII letters are ever stored.
        std::str::from_utf8(&self.0).unwrap_or("xxx")
    }

    /// Digits after the decimal point of the currency's minor unit: 0, 2 or 3.
    pub fn minor_digits(&self) -> u32 {
        minor_digits(self.as_str())
    }

    pub fn currency(&self) -> Currency {
        Currency {
            code: self.clone(),
            digits: self.minor_digits(),
        }
    }
}

impl fmt::Display for CurrencyCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for CurrencyCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for CurrencyCode {
    type Err = MoneyError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl Serialize for CurrencyCode {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for CurrencyCode {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Self::parse(&s).map_err(serde::de::Error::custom)
    }
}

/// Currencies whose minor unit is the major unit (Stripe's zero-decimal list, which Medusa's
/// Stripe provider uses too).
const ZERO_DECIMAL: &[&str] = &[
    "bif", "clp", "djf", "gnf", "isk", "jpy", "kmf", "krw", "mga", "pyg", "rwf", "ugx", "vnd",
    "vuv", "xaf", "xof", "xpf",
];
/// Currencies with a thousandth minor unit.
const THREE_DECIMAL: &[&str] = &["bhd", "iqd", "jod", "kwd", "lyd", "omr", "tnd"];

/// The currency table: digits of the minor unit. Every other ISO code has 2.
pub fn minor_digits(code: &str) -> u32 {
    if ZERO_DECIMAL.contains(&code) {
        0
    } else if THREE_DECIMAL.contains(&code) {
        3
    } else {
        2
    }
}

/// A currency with its minor-unit digits looked up once.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Currency {
    pub code: CurrencyCode,
    pub digits: u32,
}

/// The one rounding rule for money: to the currency's minor unit, halves away from zero
/// (12.345 EUR -> 12.35, -12.345 -> -12.35), as a person and Stripe's own rounding expect.
pub fn round(value: Decimal, digits: u32) -> Decimal {
    let mut r = value.round_dp_with_strategy(digits, RoundingStrategy::MidpointAwayFromZero);
    r.normalize_assign();
    r
}

/// An exact amount in major units (10.5 = ten euros fifty).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Amount(Decimal);

impl Amount {
    pub const ZERO: Amount = Amount(Decimal::ZERO);

    pub fn new(value: Decimal) -> Self {
        let mut v = value;
        v.normalize_assign();
        Amount(v)
    }

    pub fn decimal(&self) -> Decimal {
        self.0
    }

    /// Rounded to the currency's minor unit with [`round`].
    pub fn round(&self, currency: &CurrencyCode) -> Amount {
        Amount(round(self.0, currency.minor_digits()))
    }

    /// Exact conversion to minor units; refuses amounts finer than the currency's minor unit.
    pub fn to_minor(&self, currency: &CurrencyCode) -> Result<MinorUnits, MoneyError> {
        let digits = currency.minor_digits();
        let scaled = self.0 * Decimal::from(10i64.pow(digits));
        if !scaled.fract().is_zero() {
            return Err(MoneyError::TooPrecise {
                amount: self.to_string(),
                currency: currency.to_string(),
                digits,
            });
        }
        i64::try_from(scaled.trunc())
            .map(MinorUnits)
            .map_err(|_| MoneyError::OutOfRange(self.to_string()))
    }

    /// The JSON number Medusa sends: the shortest float that prints as this decimal.
    pub fn to_f64(&self) -> f64 {
        // Parsing the decimal's text is correctly rounded; `Decimal::to_f64` is not always.
        self.0.to_string().parse::<f64>().unwrap_or(0.0)
    }

    /// `{"value": "10.5", "precision": 20}`, Medusa's `raw_<field>` sibling.
    pub fn raw(&self) -> RawAmount {
        RawAmount {
            value: self.to_string(),
            precision: 20,
        }
    }
}

impl fmt::Display for Amount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0.normalize(), f)
    }
}

impl fmt::Debug for Amount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Amount({self})")
    }
}

impl FromStr for Amount {
    type Err = rust_decimal::Error;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Decimal::from_str_exact(s.trim()).map(Amount::new)
    }
}

impl std::ops::Add for Amount {
    type Output = Amount;
    fn add(self, rhs: Amount) -> Amount {
        Amount::new(self.0 + rhs.0)
    }
}

impl std::ops::Sub for Amount {
    type Output = Amount;
    fn sub(self, rhs: Amount) -> Amount {
        Amount::new(self.0 - rhs.0)
    }
}

impl std::iter::Sum for Amount {
    fn sum<I: Iterator<Item = Amount>>(iter: I) -> Amount {
        Amount::new(iter.map(|a| a.0).sum())
    }
}

impl Serialize for Amount {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let f = self.to_f64();
        // Whole numbers print as integers (`13`, not `13.0`), as JavaScript does.
        if f.fract() == 0.0 && f.abs() < 9.007_199_254_740_992e15 {
            s.serialize_i64(f as i64)
        } else {
            s.serialize_f64(f)
        }
    }
}

impl<'de> Deserialize<'de> for Amount {
    /// Accepts a JSON number or a numeric string (Medusa's validators accept both).
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = Amount;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a number")
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Amount, E> {
                Ok(Amount::new(Decimal::from(v)))
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Amount, E> {
                Ok(Amount::new(Decimal::from(v)))
            }
            fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Amount, E> {
                if !v.is_finite() {
                    return Err(E::custom("amount must be finite"));
                }
                // The shortest text of the float is what the client wrote (`10.1`, not
                // 10.0999999999999996447286321199499070644378662109375).
                Decimal::from_str_exact(&v.to_string())
                    .or_else(|_| Decimal::from_scientific(&format!("{v:e}")))
                    .map(Amount::new)
                    .map_err(|_| E::custom("amount out of range"))
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Amount, E> {
                v.parse::<Amount>()
                    .map_err(|_| E::custom(format!("'{v}' is not a number")))
            }
        }
        d.deserialize_any(V)
    }
}

impl utoipa::PartialSchema for Amount {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::Number)
            .description(Some("Amount in major units of the currency (10.5 = 10.50)"))
            .into()
    }
}
impl utoipa::ToSchema for Amount {}

/// Medusa's `raw_<field>` sibling: the exact decimal as text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct RawAmount {
    pub value: String,
    pub precision: u32,
}

/// The stored form: an integer count of the currency's minor unit (cents for EUR, yen for JPY,
/// fils for KWD).
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
pub struct MinorUnits(pub i64);

impl MinorUnits {
    pub fn to_amount(self, currency: &CurrencyCode) -> Amount {
        Amount::new(Decimal::new(self.0, currency.minor_digits()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use rust_decimal_macros::dec;

    fn cc(s: &str) -> CurrencyCode {
        CurrencyCode::parse(s).unwrap()
    }

    #[test]
    fn currency_table() {
        assert_eq!(cc("EUR").as_str(), "eur");
        assert_eq!(cc("eur").minor_digits(), 2);
        assert_eq!(cc("jpy").minor_digits(), 0);
        assert_eq!(cc("krw").minor_digits(), 0);
        assert_eq!(cc("kwd").minor_digits(), 3);
        assert_eq!(cc("bhd").minor_digits(), 3);
        assert!(CurrencyCode::parse("eu").is_err());
        assert!(CurrencyCode::parse("eu1").is_err());
        assert!(CurrencyCode::parse("euro").is_err());
    }

    #[test]
    fn serializes_like_medusa() {
        let a = Amount::new(dec!(10.50));
        assert_eq!(serde_json::to_string(&a).unwrap(), "10.5");
        assert_eq!(serde_json::to_string(&Amount::new(dec!(13))).unwrap(), "13");
        assert_eq!(
            serde_json::to_string(&Amount::new(dec!(13.00))).unwrap(),
            "13"
        );
        assert_eq!(
            serde_json::to_string(&Amount::new(dec!(0.1))).unwrap(),
            "0.1"
        );
        assert_eq!(
            serde_json::to_value(a.raw()).unwrap(),
            serde_json::json!({"value": "10.5", "precision": 20})
        );
        assert_eq!(Amount::new(dec!(13.00)).raw().value, "13");
    }

    #[test]
    fn deserializes_numbers_and_strings_exactly() {
        let a: Amount = serde_json::from_str("10.1").unwrap();
        assert_eq!(a.decimal(), dec!(10.1));
        let b: Amount = serde_json::from_str("\"10.10\"").unwrap();
        assert_eq!(b, a);
        let c: Amount = serde_json::from_str("7").unwrap();
        assert_eq!(c.decimal(), dec!(7));
        assert!(serde_json::from_str::<Amount>("\"ten\"").is_err());
        assert!(serde_json::from_str::<Amount>("true").is_err());
    }

    #[test]
    fn rounding_per_currency() {
        assert_eq!(round(dec!(12.345), 2), dec!(12.35));
        assert_eq!(round(dec!(12.344), 2), dec!(12.34));
        assert_eq!(round(dec!(-12.345), 2), dec!(-12.35));
        assert_eq!(round(dec!(1234.5), 0), dec!(1235));
        assert_eq!(round(dec!(1.0005), 3), dec!(1.001));
        assert_eq!(
            Amount::new(dec!(34.116425)).round(&cc("eur")).decimal(),
            dec!(34.12)
        );
        assert_eq!(
            Amount::new(dec!(99.5)).round(&cc("jpy")).decimal(),
            dec!(100)
        );
        assert_eq!(
            Amount::new(dec!(1.2345)).round(&cc("kwd")).decimal(),
            dec!(1.235)
        );
    }

    #[test]
    fn minor_units_are_exact_and_refuse_extra_digits() {
        assert_eq!(
            Amount::new(dec!(10.5)).to_minor(&cc("eur")).unwrap(),
            MinorUnits(1050)
        );
        assert_eq!(
            Amount::new(dec!(1050)).to_minor(&cc("jpy")).unwrap(),
            MinorUnits(1050)
        );
        assert_eq!(
            Amount::new(dec!(1.05)).to_minor(&cc("kwd")).unwrap(),
            MinorUnits(1050)
        );
        assert!(Amount::new(dec!(10.555)).to_minor(&cc("eur")).is_err());
        assert!(Amount::new(dec!(10.5)).to_minor(&cc("jpy")).is_err());
        // A value f64 cannot hold: 18 significant digits survive the round trip.
        let big = Amount::new(dec!(12345678901234567.89));
        let m = big.to_minor(&cc("eur")).unwrap();
        assert_eq!(m, MinorUnits(1234567890123456789));
        assert_eq!(m.to_amount(&cc("eur")), big);
        assert_ne!(big.to_f64().to_string(), big.to_string());
    }

    fn any_currency() -> impl Strategy<Value = CurrencyCode> {
        prop_oneof![
            Just(cc("eur")),
            Just(cc("usd")),
            Just(cc("jpy")),
            Just(cc("kwd"))
        ]
    }

    proptest! {
        #[test]
        fn rounding_is_idempotent_and_within_half_a_unit(
            units in -10_000_000_000i64..10_000_000_000i64,
            scale in 0u32..8,
            currency in any_currency(),
        ) {
            let v = Decimal::new(units, scale);
            let digits = currency.minor_digits();
            let r = round(v, digits);
            prop_assert_eq!(round(r, digits), r);
            prop_assert!(r.scale() <= digits);
            let half = Decimal::new(5, digits + 1);
            prop_assert!((r - v).abs() <= half);
            // Rounded amounts always convert to minor units exactly.
            let m = Amount::new(r).to_minor(&currency).unwrap();
            prop_assert_eq!(m.to_amount(&currency), Amount::new(r));
        }

        #[test]
        fn minor_units_round_trip(units in any::<i64>(), currency in any_currency()) {
            let a = MinorUnits(units).to_amount(&currency);
            prop_assert_eq!(a.to_minor(&currency).unwrap(), MinorUnits(units));
        }

        #[test]
        fn json_round_trip_of_charged_amounts(cents in -1_000_000_000_000i64..1_000_000_000_000i64, currency in any_currency()) {
            // Every amount up to 10^10 major units with at most 3 decimals survives JSON as a number.
            let a = MinorUnits(cents).to_amount(&currency);
            let json = serde_json::to_string(&a).unwrap();
            let back: Amount = serde_json::from_str(&json).unwrap();
            prop_assert_eq!(back, a);
            prop_assert_eq!(json, a.to_string());
        }

        #[test]
        fn sum_of_rounded_parts_is_exact(parts in proptest::collection::vec(0i64..1_000_000, 0..50)) {
            let eur = cc("eur");
            let amounts: Vec<Amount> = parts.iter().map(|p| MinorUnits(*p).to_amount(&eur)).collect();
            let total: Amount = amounts.iter().copied().sum();
            prop_assert_eq!(total.to_minor(&eur).unwrap().0, parts.iter().sum::<i64>());
        }
    }
}
