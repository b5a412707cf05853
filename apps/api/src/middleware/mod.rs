//! Scope-level guards and request plumbing.

pub mod admin_auth;
pub mod cors;
pub mod customer;
pub mod publishable_key;
pub mod request_id;
