//! `/hooks` routes. Paths registered here are relative to the scope.

use actix_web::web;

/// Registers every `/hooks` area (one line each).
pub fn configure(_cfg: &mut web::ServiceConfig) {}

/// The OpenAPI documents of this scope's areas.
pub fn openapi() -> Vec<utoipa::openapi::OpenApi> {
    Vec::new()
}
