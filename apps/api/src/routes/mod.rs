//! Routes, mirroring the URL tree: `routes/store/<area>.rs` serves `/store/<area>...`.
//!
//! Each scope's `configure` registers its areas (one line each) and each area module has its
//! own `#[derive(OpenApi)]` document, merged in `crate::openapi::spec`.

pub mod admin;
pub mod auth;
pub mod health;
pub mod hooks;
pub mod metrics;
pub mod store;
