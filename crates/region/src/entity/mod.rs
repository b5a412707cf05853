//! Rows of this module's tables. Only `repo.rs` touches them.

pub mod country;
pub mod region;
pub mod region_payment_provider;
