//! Rows of this module's tables. Only `repo.rs` touches them.

pub mod api_key;
pub mod publishable_api_key_sales_channel;
