//! Rows of this module's tables. Only `repo.rs` touches them.

pub mod category;
pub mod category_product;
pub mod collection;
pub mod image;
pub mod option;
pub mod option_value;
pub mod product;
pub mod product_tag;
pub mod product_type;
pub mod sales_channel;
pub mod tag;
pub mod variant;
pub mod variant_image;
pub mod variant_option;
