//! Rows of this module's tables. Only `repo.rs` touches them.

pub mod address;
pub mod adjustment;
pub mod cart;
pub mod completion;
pub mod credit_line;
pub mod line_item;
pub mod shipping_method;
pub mod tax_line;
