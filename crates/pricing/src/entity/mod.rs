//! Rows of this module's tables. Only `repo.rs` touches them.

pub mod price;
pub mod price_list;
pub mod price_list_rule;
pub mod price_preference;
pub mod price_rule;
pub mod price_set;
pub mod variant_price_set;
