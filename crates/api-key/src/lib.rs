//! Medusa's api-key module: publishable keys (sent by storefronts in `x-publishable-api-key`,
//! scoping requests to sales channels) and secret keys (admin access), plus the link between
//! publishable keys and sales channels.

mod entity;
mod error;
mod migration;
mod model;
mod repo;
mod service;

pub use error::ApiKeyError;
pub use model::{ApiKey, ApiKeyFilter, ApiKeyType, PublishableKeyContext};
pub use service::{ApiKeyService, DbApiKeyService};

use std::sync::Arc;

use medusa_core::registry::{Module, ModuleContext, Registry};

/// Registration of the module with the registry.
pub struct ApiKeyModule;

impl Module for ApiKeyModule {
    fn name(&self) -> &'static str {
        "api_key"
    }

    fn migrations(&self) -> Vec<Box<dyn sea_orm_migration::MigrationTrait>> {
        migration::all()
    }

    fn register(&self, ctx: &ModuleContext, registry: &mut Registry) {
        registry.insert::<dyn ApiKeyService>(Arc::new(DbApiKeyService::new(
            ctx.db.clone(),
            ctx.clock.clone(),
        )));
    }
}
