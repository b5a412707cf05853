//! Medusa's auth module: auth identities and their provider identities, the `emailpass`
//! provider (argon2id password hashes), the JWTs Medusa issues, and cookie sessions.
//!
//! An auth identity is who someone *is* to the system; which actor they may act as is recorded in
//! its `app_metadata` (`{"user_id": ...}`, `{"customer_id": ...}`), written by the flows that
//! create users and customers. A token whose `actor_id` is empty is a registration token: it
//! proves an identity that has no actor yet.
//!
//! Sessions (`connect.sid`, as express-session names it) live in the database, so a cookie set
//! by one api process is honoured by every other. The session id is stored only as its SHA-256,
//! and the cookie carries it signed with `COOKIE_SECRET` the way express-session signs it.

mod entity;
mod error;
mod migration;
mod model;
mod provider;
mod repo;
mod service;
mod session;
mod token;

pub use error::AuthError;
pub use model::{
    AuthIdentity, AuthIdentityId, AuthProviderInfo, Claims, NewSession, ProviderIdentity,
};
pub use service::{AuthService, DbAuthService};
pub use session::SESSION_COOKIE;

use std::sync::Arc;

use medusa_core::registry::{Module, ModuleContext, Registry};

/// How long a token is valid: Medusa's default `jwtExpiresIn` ("1d").
pub const TOKEN_TTL: chrono::Duration = chrono::Duration::days(1);
/// How long a session lasts: Medusa's default session `ttl` (10 hours).
pub const SESSION_TTL: chrono::Duration = chrono::Duration::hours(10);

/// Registration of the module with the registry.
pub struct AuthModule;

impl Module for AuthModule {
    fn name(&self) -> &'static str {
        "auth"
    }

    fn migrations(&self) -> Vec<Box<dyn sea_orm_migration::MigrationTrait>> {
        migration::all()
    }

    fn register(&self, ctx: &ModuleContext, registry: &mut Registry) {
        registry.insert::<dyn AuthService>(Arc::new(DbAuthService::new(
            ctx.db.clone(),
            ctx.clock.clone(),
            ctx.config.jwt_secret.clone(),
            ctx.config.cookie_secret.clone(),
        )));
    }
}
