//! Medusa's product module: products, variants, options and values, images, tags, types,
//! collections, categories, and the product <-> sales channel link.

mod entity;
mod error;
mod migration;
pub mod model;
mod repo;
mod service;

pub use error::ProductError;
pub use model::*;
pub use service::{DbProductService, ProductService};

use std::sync::Arc;

use medusa_core::registry::{Module, ModuleContext, Registry};

medusa_core::define_id!(OptionId, "opt");
medusa_core::define_id!(OptionValueId, "optval");
medusa_core::define_id!(ImageId, "img");
medusa_core::define_id!(TagId, "ptag");
medusa_core::define_id!(TypeId, "ptyp");
medusa_core::define_id!(CollectionId, "pcol");
medusa_core::define_id!(CategoryId, "pcat");

pub struct ProductModule;

impl Module for ProductModule {
    fn name(&self) -> &'static str {
        "product"
    }

    fn migrations(&self) -> Vec<Box<dyn sea_orm_migration::MigrationTrait>> {
        migration::all()
    }

    fn register(&self, ctx: &ModuleContext, registry: &mut Registry) {
        registry.insert::<dyn ProductService>(Arc::new(DbProductService::new(
            ctx.db.clone(),
            ctx.clock.clone(),
        )));
    }
}
