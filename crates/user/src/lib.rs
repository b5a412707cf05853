//! Medusa's user module: the people who sign in to the admin dashboard.
//!
//! A user is only a profile. How a user proves who they are lives in the auth module (an auth
//! identity whose `app_metadata.user_id` names the user); the flow that ties the two together
//! sits above both modules, in the api app.

mod entity;
mod error;
mod migration;
mod model;
mod repo;
mod service;

pub use error::UserError;
pub use model::{CreateUser, Email, UpdateUser, User};
pub use service::{DbUserService, UserService};

use std::sync::Arc;

use medusa_core::registry::{Module, ModuleContext, Registry};

/// Registration of the module with the registry.
pub struct UserModule;

impl Module for UserModule {
    fn name(&self) -> &'static str {
        "user"
    }

    fn migrations(&self) -> Vec<Box<dyn sea_orm_migration::MigrationTrait>> {
        migration::all()
    }

    fn register(&self, ctx: &ModuleContext, registry: &mut Registry) {
        registry.insert::<dyn UserService>(Arc::new(DbUserService::new(
            ctx.db.clone(),
            ctx.clock.clone(),
        )));
    }
}
