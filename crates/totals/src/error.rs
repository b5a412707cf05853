/// Why totals could not be computed. Inputs come from our own stored rows, so these mean a bug or
/// corrupt data upstream, never a shopper's mistake; callers map them to a 500-class error.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TotalsError {
    /// A price, quantity, rate, discount or credit below zero.
    #[error("{field} of {owner} is negative")]
    Negative { owner: String, field: &'static str },
    /// A value too large to total exactly: more than 10^18 minor units on one line, or a tax
    /// rate above 1000 %.
    #[error("{field} of {owner} is out of range")]
    OutOfRange { owner: String, field: &'static str },
}
