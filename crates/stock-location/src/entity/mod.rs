//! Rows of this module's tables. Only `repo.rs` touches them.

pub mod sales_channel_stock_location;
pub mod stock_location;
pub mod stock_location_address;
