//! Who is calling: Medusa's `auth_context`.

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ActorType {
    User,
    Customer,
    ApiKey,
}

/// Attached to authenticated requests (`req.auth_context` in Medusa).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthContext {
    pub actor_id: String,
    pub actor_type: ActorType,
    pub auth_identity_id: String,
}
