//! The api's integration tests: one binary, `mod` lines only.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod admin_guard;
mod body_limit;
mod cors;
mod health;
mod openapi;
mod store_guard;
