//! Rows of this module's tables. Only `repo.rs` touches them.

pub mod inventory_item;
pub mod inventory_level;
pub mod product_variant_inventory_item;
pub mod reservation_item;
