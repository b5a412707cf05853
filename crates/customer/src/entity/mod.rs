//! Rows of this module's tables. Only `repo.rs` touches them.

pub mod address;
pub mod customer;
pub mod group;
pub mod group_customer;
