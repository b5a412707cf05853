//! The api's integration tests: one binary, `mod` lines only.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod admin_api_keys;
mod admin_catalog;
mod admin_customers;
mod admin_fulfillment;
mod admin_guard;
mod admin_inventory;
mod admin_orders;
mod admin_payments;
mod admin_price_lists;
mod admin_product_update;
mod admin_regions;
mod admin_tax;
mod auth;
mod body_limit;
mod capture;
mod categories_tree;
mod checkout_bundles;
mod cors;
mod health;
mod metrics;
mod openapi;
mod outbox;
mod regions;
mod stale_reservations;
mod store_carts;
mod store_checkout;
mod store_customer_orders;
mod store_customers;
mod store_guard;
mod store_orders;
mod store_payment;
mod store_products;
mod stripe_checkout;
mod stripe_webhooks;
