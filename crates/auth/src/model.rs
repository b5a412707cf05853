use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

medusa_core::define_id!(AuthIdentityId, "authid");

/// Who someone is to the system, with the actors they are linked to in `app_metadata`
/// (`{"user_id": "user_..."}`; `None` or empty while no actor claims it yet).
#[derive(Debug, Clone, PartialEq)]
pub struct AuthIdentity {
    pub id: AuthIdentityId,
    pub app_metadata: Option<Map<String, Value>>,
    pub provider_identities: Vec<ProviderIdentity>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl AuthIdentity {
    /// The actor of `actor_type` this identity is linked to (`app_metadata.<actor_type>_id`).
    pub fn actor_id(&self, actor_type: &str) -> Option<&str> {
        self.app_metadata
            .as_ref()?
            .get(&format!("{actor_type}_id"))?
            .as_str()
    }

    /// Whether some actor already claimed the identity (Medusa's `isPresent(app_metadata)`).
    pub fn is_claimed(&self) -> bool {
        self.app_metadata.as_ref().is_some_and(|m| !m.is_empty())
    }
}

/// How an identity authenticates with one provider. `entity_id` is the provider's key for it
/// (the email for `emailpass`). The provider's own metadata (the password hash) never leaves
/// the module.
#[derive(Debug, Clone, PartialEq)]
pub struct ProviderIdentity {
    pub id: String,
    pub entity_id: String,
    pub provider: String,
    pub auth_identity_id: AuthIdentityId,
    pub user_metadata: Option<Map<String, Value>>,
}

/// The claims of a Medusa auth token, in Medusa's order. `actor_id` is empty in a registration
/// token (the identity has no actor of `actor_type` yet).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Claims {
    #[serde(default)]
    pub actor_id: String,
    #[serde(default)]
    pub actor_type: String,
    #[serde(default)]
    pub auth_identity_id: String,
    #[serde(default)]
    pub app_metadata: Map<String, Value>,
    #[serde(default)]
    pub user_metadata: Map<String, Value>,
    /// Issued at, seconds since the epoch.
    #[serde(default)]
    pub iat: i64,
    /// Expires at, seconds since the epoch. Tokens without it are refused.
    pub exp: i64,
}

impl Claims {
    /// Whether the token names an actor (not a registration token).
    pub fn is_registered(&self) -> bool {
        !self.actor_id.is_empty()
    }
}

/// A session just created: the value of the `connect.sid` cookie (signed and URL-encoded as
/// express-session writes it) and when it ends.
#[derive(Clone, PartialEq, Eq)]
pub struct NewSession {
    pub cookie_value: String,
    pub expires_at: DateTime<Utc>,
}

impl std::fmt::Debug for NewSession {
    // The cookie is a credential.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewSession")
            .field("cookie_value", &"..")
            .field("expires_at", &self.expires_at)
            .finish()
    }
}

/// A provider as `GET /auth/{actor_type}/providers` lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuthProviderInfo {
    pub id: &'static str,
    pub identifier: &'static str,
    pub display_name: &'static str,
    /// `credentials` (a form posts them) or `redirect` (OAuth-style).
    pub flow: &'static str,
}
