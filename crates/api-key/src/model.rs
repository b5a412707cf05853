use chrono::{DateTime, Utc};
use medusa_core::id::{ApiKeyId, SalesChannelId};
use medusa_core::request::Comparison;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ApiKeyType {
    Publishable,
    Secret,
}

impl ApiKeyType {
    pub fn as_str(self) -> &'static str {
        match self {
            ApiKeyType::Publishable => "publishable",
            ApiKeyType::Secret => "secret",
        }
    }

    pub fn parse(s: &str) -> Option<ApiKeyType> {
        match s {
            "publishable" => Some(ApiKeyType::Publishable),
            "secret" => Some(ApiKeyType::Secret),
            _ => None,
        }
    }
}

/// An API key as the rest of the system sees it. `token` is the full token only for
/// publishable keys (they are public by design); secret keys expose only `redacted`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiKey {
    pub id: ApiKeyId,
    pub token: String,
    pub redacted: String,
    pub title: String,
    pub key_type: ApiKeyType,
    pub last_used_at: Option<DateTime<Utc>>,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub revoked_by: Option<String>,
    pub revoked_at: Option<DateTime<Utc>>,
}

impl ApiKey {
    /// Medusa treats a key as revoked once `revoked_at` has passed (it may be set in the future).
    pub fn is_revoked_at(&self, now: DateTime<Utc>) -> bool {
        self.revoked_at.is_some_and(|t| t <= now)
    }
}

/// What a valid publishable key grants a store request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublishableKeyContext {
    pub key_id: ApiKeyId,
    pub sales_channel_ids: Vec<SalesChannelId>,
}

/// Filters of an api-key listing; every given filter must hold.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ApiKeyFilter {
    pub ids: Option<Vec<ApiKeyId>>,
    /// Case-insensitive substring of the title or the redacted token.
    pub q: Option<String>,
    pub titles: Option<Vec<String>>,
    /// Exact tokens. Secret keys are stored hashed, so only publishable keys match.
    pub tokens: Option<Vec<String>>,
    pub key_type: Option<ApiKeyType>,
    pub created_at: Option<Comparison<DateTime<Utc>>>,
    pub updated_at: Option<Comparison<DateTime<Utc>>>,
    pub deleted_at: Option<Comparison<DateTime<Utc>>>,
    pub revoked_at: Option<Comparison<DateTime<Utc>>>,
}
