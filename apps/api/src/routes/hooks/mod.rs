//! `/hooks` routes. Paths registered here are relative to the scope.

use actix_web::web;
use utoipa::OpenApi;

pub mod payment;

/// Registers every `/hooks` area (one line each).
pub fn configure(cfg: &mut web::ServiceConfig) {
    payment::configure(cfg);
}

/// The OpenAPI documents of this scope's areas.
pub fn openapi() -> Vec<utoipa::openapi::OpenApi> {
    vec![payment::Api::openapi()]
}
