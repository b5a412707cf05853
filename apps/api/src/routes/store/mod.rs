//! `/store` routes. Paths registered here are relative to the scope.

use actix_web::web;
use utoipa::OpenApi;

pub mod carts;
pub mod categories;
pub mod collections;
pub mod customers;
pub mod orders;
pub mod payment_collections;
pub mod payment_providers;
pub mod products;
pub mod regions;
pub mod shipping_options;
pub mod variants;

/// Registers every `/store` area (one line each).
pub fn configure(cfg: &mut web::ServiceConfig) {
    products::configure(cfg);
    regions::configure(cfg);
    variants::configure(cfg);
    collections::configure(cfg);
    categories::configure(cfg);
    carts::configure(cfg);
    customers::configure(cfg);
    shipping_options::configure(cfg);
    payment_providers::configure(cfg);
    orders::configure(cfg);
    payment_collections::configure(cfg);
}

/// The OpenAPI documents of this scope's areas.
pub fn openapi() -> Vec<utoipa::openapi::OpenApi> {
    vec![
        products::Api::openapi(),
        regions::Api::openapi(),
        variants::Api::openapi(),
        collections::Api::openapi(),
        categories::Api::openapi(),
        carts::Api::openapi(),
        customers::Api::openapi(),
        shipping_options::Api::openapi(),
        payment_providers::Api::openapi(),
        orders::Api::openapi(),
        payment_collections::Api::openapi(),
    ]
}
