//! `/admin` routes. Paths registered here are relative to the scope.

use actix_web::web;
use utoipa::OpenApi;

pub mod api_keys;
pub mod collections;
pub mod customer_groups;
pub mod customers;
pub mod fulfillment_providers;
pub mod fulfillment_sets;
pub mod inventory_items;
pub mod labels;
pub mod orders;
pub mod payments;
pub mod price_lists;
pub mod products;
pub mod refund_reasons;
pub mod regions;
pub mod reservations;
pub mod sales_channels;
pub mod shipping_options;
pub mod shipping_profiles;
pub mod stock_locations;
pub mod tax_providers;
pub mod tax_rates;
pub mod tax_regions;
pub mod users;
pub mod variant_inventory;

/// Registers every `/admin` area (one line each).
pub fn configure(cfg: &mut web::ServiceConfig) {
    products::configure(cfg);
    variant_inventory::configure(cfg);
    collections::configure(cfg);
    labels::configure(cfg);
    price_lists::configure(cfg);
    regions::configure(cfg);
    sales_channels::configure(cfg);
    api_keys::configure(cfg);
    users::configure(cfg);
    tax_regions::configure(cfg);
    tax_rates::configure(cfg);
    tax_providers::configure(cfg);
    customers::configure(cfg);
    customer_groups::configure(cfg);
    shipping_profiles::configure(cfg);
    shipping_options::configure(cfg);
    fulfillment_providers::configure(cfg);
    fulfillment_sets::configure(cfg);
    stock_locations::configure(cfg);
    orders::configure(cfg);
    inventory_items::configure(cfg);
    reservations::configure(cfg);
    payments::configure(cfg);
    refund_reasons::configure(cfg);
}

/// The OpenAPI documents of this scope's areas.
pub fn openapi() -> Vec<utoipa::openapi::OpenApi> {
    vec![
        products::Api::openapi(),
        variant_inventory::Api::openapi(),
        collections::Api::openapi(),
        labels::Api::openapi(),
        price_lists::Api::openapi(),
        regions::Api::openapi(),
        sales_channels::Api::openapi(),
        api_keys::Api::openapi(),
        users::Api::openapi(),
        tax_regions::Api::openapi(),
        tax_rates::Api::openapi(),
        tax_providers::Api::openapi(),
        customers::Api::openapi(),
        customer_groups::Api::openapi(),
        shipping_profiles::Api::openapi(),
        shipping_options::Api::openapi(),
        fulfillment_providers::Api::openapi(),
        fulfillment_sets::Api::openapi(),
        stock_locations::Api::openapi(),
        orders::Api::openapi(),
        inventory_items::Api::openapi(),
        reservations::Api::openapi(),
        payments::Api::openapi(),
        refund_reasons::Api::openapi(),
    ]
}
