//! Rows of this module's tables. Only `repo.rs` touches them.

pub mod tax_provider;
pub mod tax_rate;
pub mod tax_rate_rule;
pub mod tax_region;
