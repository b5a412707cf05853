//! Rows of this module's tables. Only `repo.rs` touches them.

pub mod cart;
pub mod completion;
