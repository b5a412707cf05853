use std::collections::HashMap;
use std::sync::Arc;

use async_trait::async_trait;
use chrono::Duration;
use medusa_core::Clock;
use medusa_core::id::{ApiKeyId, SalesChannelId};
use medusa_core::request::ListParams;
use sea_orm::DatabaseConnection;
use sha2::{Digest, Sha256};

use crate::entity::api_key;
use crate::error::ApiKeyError;
use crate::model::{ApiKey, ApiKeyFilter, ApiKeyType, PublishableKeyContext};
use crate::repo;

/// The module's service.
#[async_trait]
pub trait ApiKeyService: Send + Sync {
    /// Creates a key. For secret keys the returned `token` is the only time the plain token is
    /// visible; only its hash is stored.
    async fn create(
        &self,
        title: &str,
        key_type: ApiKeyType,
        created_by: &str,
    ) -> Result<ApiKey, ApiKeyError>;
    async fn retrieve(&self, id: &ApiKeyId) -> Result<ApiKey, ApiKeyError>;
    /// The store guard: a valid (not revoked) publishable key and its sales channels.
    async fn resolve_publishable(
        &self,
        token: &str,
    ) -> Result<Option<PublishableKeyContext>, ApiKeyError>;
    async fn add_sales_channels(
        &self,
        id: &ApiKeyId,
        channels: &[SalesChannelId],
    ) -> Result<(), ApiKeyError>;
    async fn remove_sales_channels(
        &self,
        id: &ApiKeyId,
        channels: &[SalesChannelId],
    ) -> Result<(), ApiKeyError>;
    async fn sales_channels(&self, id: &ApiKeyId) -> Result<Vec<SalesChannelId>, ApiKeyError>;
    async fn revoke(&self, id: &ApiKeyId, revoked_by: &str) -> Result<ApiKey, ApiKeyError>;
    /// Admin authentication with `Basic base64(sk_...:)`: the key if it is a valid secret key.
    async fn authenticate_secret(&self, token: &str) -> Result<Option<ApiKey>, ApiKeyError>;

    /// One page of keys matching `filter`, and how many match in all. Secret tokens are never
    /// returned.
    async fn list(
        &self,
        filter: &ApiKeyFilter,
        page: &ListParams,
    ) -> Result<(Vec<ApiKey>, u64), ApiKeyError>;
    /// What `POST /admin/api-keys` does: [`ApiKeyService::create`] under Medusa's rule that a
    /// new secret key needs the existing ones revoked or scheduled for revocation (`revoke_in`),
    /// which is how a secret key is rotated.
    async fn create_checked(
        &self,
        title: &str,
        key_type: ApiKeyType,
        created_by: &str,
    ) -> Result<ApiKey, ApiKeyError>;
    async fn update_title(&self, id: &ApiKeyId, title: &str) -> Result<ApiKey, ApiKeyError>;
    /// Medusa's revoke: now, or after `revoke_in` (the key stays valid until then). A secret
    /// key that is already revoked (or scheduled) cannot be revoked again; a publishable key can,
    /// which moves its revocation time.
    async fn revoke_with(
        &self,
        id: &ApiKeyId,
        revoked_by: &str,
        revoke_in: Option<Duration>,
    ) -> Result<ApiKey, ApiKeyError>;
    /// Deletes a revoked key and its sales-channel links. Deleting a key that does not exist
    /// succeeds, as in Medusa; one that is not revoked yet is refused.
    async fn delete(&self, id: &ApiKeyId) -> Result<(), ApiKeyError>;
    /// Adds and removes sales channels of a publishable key in one transaction. The caller
    /// checks that added channels exist (they belong to another module).
    async fn update_sales_channels(
        &self,
        id: &ApiKeyId,
        add: &[SalesChannelId],
        remove: &[SalesChannelId],
    ) -> Result<(), ApiKeyError>;
    /// The sales channels of several keys in one query (keys without channels are absent).
    async fn sales_channels_of(
        &self,
        ids: &[ApiKeyId],
    ) -> Result<HashMap<ApiKeyId, Vec<SalesChannelId>>, ApiKeyError>;
    /// Drops every key's link to these channels (called when the channels are deleted).
    async fn forget_sales_channels(&self, channels: &[SalesChannelId]) -> Result<(), ApiKeyError>;
}

pub struct DbApiKeyService {
    db: DatabaseConnection,
    clock: Arc<dyn Clock>,
}

impl DbApiKeyService {
    pub fn new(db: DatabaseConnection, clock: Arc<dyn Clock>) -> Self {
        DbApiKeyService { db, clock }
    }

    /// A new key's row and its plain token.
    fn new_key(
        &self,
        title: &str,
        key_type: ApiKeyType,
        created_by: &str,
    ) -> (api_key::Model, String) {
        let now = self.clock.now();
        let prefix = match key_type {
            ApiKeyType::Publishable => "pk",
            ApiKeyType::Secret => "sk",
        };
        let token = format!("{prefix}_{}", random_hex());
        let redacted = format!("{}***{}", &token[..6], &token[token.len() - 3..]);
        let stored = match key_type {
            ApiKeyType::Publishable => token.clone(),
            ApiKeyType::Secret => hash_secret(&token),
        };
        let row = api_key::Model {
            id: ApiKeyId::new().into_string(),
            token: stored,
            salt: String::new(),
            redacted,
            title: title.to_owned(),
            r#type: key_type.as_str().to_owned(),
            last_used_at: None,
            created_by: created_by.to_owned(),
            created_at: now,
            updated_at: now,
            revoked_by: None,
            revoked_at: None,
            deleted_at: None,
        };
        (row, token)
    }
}

fn random_hex() -> String {
    hex::encode(rand::random::<[u8; 32]>())
}

/// Secret tokens are stored as their SHA-256: they carry 256 random bits, so no salt or
/// password stretching is needed, and the hash can be looked up through the unique index.
fn hash_secret(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

fn to_model(row: api_key::Model) -> ApiKey {
    let key_type = ApiKeyType::parse(&row.r#type).unwrap_or(ApiKeyType::Secret);
    ApiKey {
        // Rows are written only by this module, with valid ids.
        id: ApiKeyId::parse(&row.id).unwrap_or_default(),
        token: match key_type {
            ApiKeyType::Publishable => row.token,
            ApiKeyType::Secret => String::new(),
        },
        redacted: row.redacted,
        title: row.title,
        key_type,
        last_used_at: row.last_used_at,
        created_by: row.created_by,
        created_at: row.created_at,
        updated_at: row.updated_at,
        revoked_by: row.revoked_by,
        revoked_at: row.revoked_at,
    }
}

fn ids(channels: &[SalesChannelId]) -> Vec<String> {
    channels.iter().map(|c| c.as_str().to_owned()).collect()
}

#[async_trait]
impl ApiKeyService for DbApiKeyService {
    async fn create(
        &self,
        title: &str,
        key_type: ApiKeyType,
        created_by: &str,
    ) -> Result<ApiKey, ApiKeyError> {
        let (row, token) = self.new_key(title, key_type, created_by);
        repo::insert(&self.db, row.clone()).await?;
        let mut key = to_model(row);
        key.token = token;
        Ok(key)
    }

    async fn retrieve(&self, id: &ApiKeyId) -> Result<ApiKey, ApiKeyError> {
        repo::find(&self.db, id.as_str())
            .await?
            .map(to_model)
            .ok_or_else(|| ApiKeyError::NotFound(id.clone()))
    }

    async fn resolve_publishable(
        &self,
        token: &str,
    ) -> Result<Option<PublishableKeyContext>, ApiKeyError> {
        let Some((row, channels)) = repo::find_publishable(&self.db, token).await? else {
            return Ok(None);
        };
        let key = to_model(row);
        if key.is_revoked_at(self.clock.now()) {
            return Ok(None);
        }
        Ok(Some(PublishableKeyContext {
            key_id: key.id,
            sales_channel_ids: channels
                .iter()
                .filter_map(|c| SalesChannelId::parse(c).ok())
                .collect(),
        }))
    }

    async fn add_sales_channels(
        &self,
        id: &ApiKeyId,
        channels: &[SalesChannelId],
    ) -> Result<(), ApiKeyError> {
        self.retrieve(id).await?;
        repo::link_sales_channels(&self.db, id.as_str(), &ids(channels), self.clock.now()).await?;
        Ok(())
    }

    async fn remove_sales_channels(
        &self,
        id: &ApiKeyId,
        channels: &[SalesChannelId],
    ) -> Result<(), ApiKeyError> {
        self.retrieve(id).await?;
        repo::unlink_sales_channels(&self.db, id.as_str(), &ids(channels)).await?;
        Ok(())
    }

    async fn sales_channels(&self, id: &ApiKeyId) -> Result<Vec<SalesChannelId>, ApiKeyError> {
        Ok(repo::sales_channels(&self.db, id.as_str())
            .await?
            .iter()
            .filter_map(|c| SalesChannelId::parse(c).ok())
            .collect())
    }

    async fn revoke(&self, id: &ApiKeyId, revoked_by: &str) -> Result<ApiKey, ApiKeyError> {
        self.retrieve(id).await?;
        // Revoking twice keeps the first revocation (conditional update).
        repo::revoke(&self.db, id.as_str(), revoked_by, self.clock.now()).await?;
        self.retrieve(id).await
    }

    async fn authenticate_secret(&self, token: &str) -> Result<Option<ApiKey>, ApiKeyError> {
        if !token.starts_with("sk_") {
            return Ok(None);
        }
        let Some(row) = repo::find_by_token(&self.db, &hash_secret(token), "secret").await? else {
            return Ok(None);
        };
        let key = to_model(row);
        Ok((!key.is_revoked_at(self.clock.now())).then_some(key))
    }

    async fn list(
        &self,
        filter: &ApiKeyFilter,
        page: &ListParams,
    ) -> Result<(Vec<ApiKey>, u64), ApiKeyError> {
        let (rows, count) = repo::list(&self.db, filter, page).await?;
        Ok((rows.into_iter().map(to_model).collect(), count))
    }

    async fn create_checked(
        &self,
        title: &str,
        key_type: ApiKeyType,
        created_by: &str,
    ) -> Result<ApiKey, ApiKeyError> {
        let (row, token) = self.new_key(title, key_type, created_by);
        // The write transaction serialises creators on SQLite; on PostgreSQL two concurrent
        // secret-key creations may both pass the check (a rare admin action; the keys stay valid).
        let tx = medusa_db::begin_write(&self.db).await?;
        if key_type == ApiKeyType::Secret && repo::unscheduled_secret_exists(&tx).await? {
            return Err(ApiKeyError::SecretKeyActive);
        }
        repo::insert(&tx, row.clone()).await?;
        tx.commit().await?;
        let mut key = to_model(row);
        key.token = token;
        Ok(key)
    }

    async fn update_title(&self, id: &ApiKeyId, title: &str) -> Result<ApiKey, ApiKeyError> {
        if !repo::update_title(&self.db, id.as_str(), title, self.clock.now()).await? {
            return Err(ApiKeyError::NotFound(id.clone()));
        }
        self.retrieve(id).await
    }

    async fn revoke_with(
        &self,
        id: &ApiKeyId,
        revoked_by: &str,
        revoke_in: Option<Duration>,
    ) -> Result<ApiKey, ApiKeyError> {
        let now = self.clock.now();
        let at = match revoke_in.filter(|d| *d > Duration::zero()) {
            Some(d) => now.checked_add_signed(d).unwrap_or(now),
            None => now,
        };
        let tx = medusa_db::begin_write(&self.db).await?;
        let key = repo::find_locked(&tx, id.as_str())
            .await?
            .map(to_model)
            .ok_or_else(|| ApiKeyError::NotFound(id.clone()))?;
        if key.key_type == ApiKeyType::Secret && key.revoked_at.is_some() {
            return Err(ApiKeyError::AlreadyRevoked(1));
        }
        repo::set_revoked(&tx, id.as_str(), revoked_by, at, now).await?;
        tx.commit().await?;
        self.retrieve(id).await
    }

    async fn delete(&self, id: &ApiKeyId) -> Result<(), ApiKeyError> {
        let tx = medusa_db::begin_write(&self.db).await?;
        let Some(row) = repo::find_locked(&tx, id.as_str()).await? else {
            return Ok(());
        };
        if !to_model(row).is_revoked_at(self.clock.now()) {
            return Err(ApiKeyError::NotRevoked(vec![id.clone()]));
        }
        repo::delete(&tx, id.as_str()).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn update_sales_channels(
        &self,
        id: &ApiKeyId,
        add: &[SalesChannelId],
        remove: &[SalesChannelId],
    ) -> Result<(), ApiKeyError> {
        let now = self.clock.now();
        let tx = medusa_db::begin_write(&self.db).await?;
        let key = repo::find_locked(&tx, id.as_str())
            .await?
            .map(to_model)
            .ok_or_else(|| ApiKeyError::NotFound(id.clone()))?;
        if key.key_type != ApiKeyType::Publishable {
            return Err(ApiKeyError::NotPublishable);
        }
        // Medusa dismisses the removed links, then creates the added ones.
        repo::unlink_sales_channels(&tx, id.as_str(), &ids(remove)).await?;
        repo::link_sales_channels(&tx, id.as_str(), &ids(add), now).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn sales_channels_of(
        &self,
        ids: &[ApiKeyId],
    ) -> Result<HashMap<ApiKeyId, Vec<SalesChannelId>>, ApiKeyError> {
        let keys: Vec<String> = ids.iter().map(|k| k.as_str().to_owned()).collect();
        let mut out: HashMap<ApiKeyId, Vec<SalesChannelId>> = HashMap::new();
        for (key, channel) in repo::sales_channels_of(&self.db, &keys).await? {
            if let (Ok(key), Ok(channel)) = (ApiKeyId::parse(&key), SalesChannelId::parse(&channel))
            {
                out.entry(key).or_default().push(channel);
            }
        }
        Ok(out)
    }

    async fn forget_sales_channels(&self, channels: &[SalesChannelId]) -> Result<(), ApiKeyError> {
        repo::unlink_sales_channels_everywhere(&self.db, &ids(channels)).await?;
        Ok(())
    }
}
