//! Rows of this module's tables. Only `repo.rs` touches them.

pub mod sales_channel;
