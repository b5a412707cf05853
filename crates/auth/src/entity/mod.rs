//! Rows of this module's tables. Only `repo.rs` touches them.

pub mod auth_identity;
pub mod auth_session;
pub mod provider_identity;
