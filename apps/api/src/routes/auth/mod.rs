//! `/auth` routes. Paths registered here are relative to the scope.

use actix_web::web;
use utoipa::OpenApi;

pub mod authenticate;
pub mod providers;
pub mod register;
pub mod session;
pub mod token;

/// Registers every `/auth` area (one line each). Fixed paths come before the
/// `/{actor_type}/{auth_provider}` patterns.
pub fn configure(cfg: &mut web::ServiceConfig) {
    session::configure(cfg);
    token::configure(cfg);
    providers::configure(cfg);
    register::configure(cfg);
    authenticate::configure(cfg);
}

/// The OpenAPI documents of this scope's areas.
pub fn openapi() -> Vec<utoipa::openapi::OpenApi> {
    vec![
        session::Api::openapi(),
        token::Api::openapi(),
        providers::Api::openapi(),
        register::Api::openapi(),
        authenticate::Api::openapi(),
    ]
}
