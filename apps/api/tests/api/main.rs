//! The api's integration tests: one binary, `mod` lines only.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod admin_api_keys;
mod admin_catalog;
mod admin_guard;
mod admin_regions;
mod auth;
mod body_limit;
mod cors;
mod health;
mod openapi;
mod regions;
mod store_guard;
mod store_products;
