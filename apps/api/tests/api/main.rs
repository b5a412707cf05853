//! The api's integration tests: one binary, `mod` lines only.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod admin_api_keys;
mod admin_catalog;
mod admin_customers;
mod admin_fulfillment;
mod admin_guard;
mod admin_regions;
mod admin_tax;
mod auth;
mod body_limit;
mod cors;
mod health;
mod openapi;
mod regions;
mod store_carts;
mod store_customers;
mod store_guard;
mod store_products;
