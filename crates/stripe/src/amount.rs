//! Stripe amounts: integers in the currency's smallest unit, converted the way
//! `@medusajs/payment-stripe` does (`getSmallestUnit` / `getAmountFromSmallestUnit`).
//!
//! Stripe's table differs from ISO 4217 in places, so it is kept here rather than taken from
//! `medusa_core::money`: ISK is zero-decimal in ISO but Stripe wants it ×100 (Medusa sends it
//! with multiplier 100), and three-decimal amounts must be a multiple of 10 (rounded up).

use rust_decimal::{Decimal, RoundingStrategy};

/// Currencies Stripe treats as zero-decimal (Medusa's list, `utils/get-smallest-unit.ts`).
const ZERO_DECIMAL: &[&str] = &[
    "bif", "clp", "djf", "gnf", "jpy", "kmf", "krw", "mga", "pyg", "rwf", "ugx", "vnd", "vuv",
    "xaf", "xof", "xpf",
];
/// Three-decimal currencies (amount ×1000, then rounded up to a multiple of 10).
const THREE_DECIMAL: &[&str] = &["bhd", "iqd", "jod", "kwd", "omr", "tnd"];

/// How many smallest units make one unit of `currency` for Stripe.
pub fn multiplier(currency: &str) -> i64 {
    let c = currency.to_ascii_lowercase();
    if ZERO_DECIMAL.contains(&c.as_str()) {
        1
    } else if THREE_DECIMAL.contains(&c.as_str()) {
        1000
    } else {
        100
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("amount {0} cannot be expressed in Stripe's smallest unit")]
pub struct AmountOutOfRange(pub String);

/// `amount` (a decimal in major units) in `currency`'s smallest unit: rounded half away from
/// zero, and for three-decimal currencies rounded up to the next multiple of 10 (Stripe rejects
/// other values).
pub fn to_smallest_unit(amount: Decimal, currency: &str) -> Result<i64, AmountOutOfRange> {
    let m = multiplier(currency);
    let scaled = amount
        .checked_mul(Decimal::from(m))
        .ok_or_else(|| AmountOutOfRange(amount.to_string()))?
        .round_dp_with_strategy(0, RoundingStrategy::MidpointAwayFromZero);
    let scaled = if m == 1000 {
        (scaled / Decimal::TEN).ceil() * Decimal::TEN
    } else {
        scaled
    };
    i64::try_from(scaled).map_err(|_| AmountOutOfRange(amount.to_string()))
}

/// The inverse: a Stripe amount back in major units.
pub fn from_smallest_unit(amount: i64, currency: &str) -> Decimal {
    Decimal::from(amount) / Decimal::from(multiplier(currency))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn two_decimal_currencies_multiply_by_100() {
        assert_eq!(to_smallest_unit(dec!(19.99), "usd"), Ok(1999));
        assert_eq!(to_smallest_unit(dec!(10), "EUR"), Ok(1000));
        // Totals carry unrounded tax (medusa-api.md §1): round half away from zero.
        assert_eq!(to_smallest_unit(dec!(34.116425), "usd"), Ok(3412));
        assert_eq!(to_smallest_unit(dec!(0.005), "usd"), Ok(1));
        assert_eq!(to_smallest_unit(dec!(0.0049), "usd"), Ok(0));
        // ISK is zero-decimal for ISO but Stripe (and Medusa) send it ×100.
        assert_eq!(to_smallest_unit(dec!(500), "isk"), Ok(50000));
    }

    #[test]
    fn zero_decimal_currencies_are_not_scaled() {
        assert_eq!(to_smallest_unit(dec!(1500), "jpy"), Ok(1500));
        assert_eq!(to_smallest_unit(dec!(1500.5), "JPY"), Ok(1501));
        assert_eq!(to_smallest_unit(dec!(990), "krw"), Ok(990));
        assert_eq!(from_smallest_unit(1500, "jpy"), dec!(1500));
    }

    #[test]
    fn three_decimal_currencies_round_up_to_a_multiple_of_ten() {
        assert_eq!(to_smallest_unit(dec!(1.5), "kwd"), Ok(1500));
        assert_eq!(to_smallest_unit(dec!(1.234), "bhd"), Ok(1240));
        assert_eq!(to_smallest_unit(dec!(1.231), "jod"), Ok(1240));
        assert_eq!(to_smallest_unit(dec!(1.230), "omr"), Ok(1230));
        assert_eq!(from_smallest_unit(1240, "bhd"), dec!(1.24));
    }

    #[test]
    fn inverse_of_two_decimal() {
        assert_eq!(from_smallest_unit(1999, "usd"), dec!(19.99));
    }

    #[test]
    fn absurd_amounts_are_an_error_not_a_panic() {
        assert!(to_smallest_unit(Decimal::MAX, "usd").is_err());
        assert!(to_smallest_unit(dec!(100000000000000000000), "usd").is_err());
    }
}
