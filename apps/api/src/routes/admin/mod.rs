//! `/admin` routes. Paths registered here are relative to the scope.

use actix_web::web;
use utoipa::OpenApi;

pub mod api_keys;
pub mod collections;
pub mod labels;
pub mod price_lists;
pub mod products;
pub mod regions;
pub mod sales_channels;
pub mod users;

/// Registers every `/admin` area (one line each).
pub fn configure(cfg: &mut web::ServiceConfig) {
    products::configure(cfg);
    collections::configure(cfg);
    labels::configure(cfg);
    price_lists::configure(cfg);
    regions::configure(cfg);
    sales_channels::configure(cfg);
    api_keys::configure(cfg);
    users::configure(cfg);
}

/// The OpenAPI documents of this scope's areas.
pub fn openapi() -> Vec<utoipa::openapi::OpenApi> {
    vec![
        products::Api::openapi(),
        collections::Api::openapi(),
        labels::Api::openapi(),
        price_lists::Api::openapi(),
        regions::Api::openapi(),
        sales_channels::Api::openapi(),
        api_keys::Api::openapi(),
        users::Api::openapi(),
    ]
}
