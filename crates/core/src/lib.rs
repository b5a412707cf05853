//! What every module shares: typed ids, exact money, Medusa's error model, configuration, the clock,
//! request helpers (query strings, strict bodies, `fields` projections) and the module registry.
//!
//! Nothing in here knows about HTTP frameworks or a particular database: the api app maps
//! [`error::Error`] to HTTP in one place, and `medusa-db` owns connections.

pub mod cache;
pub mod clock;
pub mod config;
pub mod error;
pub mod fields;
pub mod id;
pub mod money;
pub mod registry;
pub mod request;
pub mod time;

pub use clock::{Clock, SystemClock, TestClock};
pub use error::{Error, ErrorType, Result};
pub use money::{Amount, Currency, CurrencyCode, MinorUnits};

/// Re-exports used by this crate's macros so callers need not depend on them.
#[doc(hidden)]
pub mod __private {
    pub use serde;
    pub use serde_json;
    pub use utoipa;
}
