use std::sync::Arc;

use async_trait::async_trait;
use medusa_core::Clock;
use sea_orm::{DatabaseConnection, SqlErr};
use secrecy::{ExposeSecret, SecretString};
use serde_json::{Map, Value};

use crate::entity::{auth_identity, auth_session, provider_identity};
use crate::error::AuthError;
use crate::model::{
    AuthIdentity, AuthIdentityId, AuthProviderInfo, Claims, NewSession, ProviderIdentity,
};
use crate::provider::emailpass;
use crate::{SESSION_TTL, TOKEN_TTL, repo, session, token};

/// The module's service.
#[async_trait]
pub trait AuthService: Send + Sync {
    /// Checks credentials with `provider` (`POST /auth/{actor_type}/{provider}`); `input` is the
    /// request body, as Medusa hands it to the provider.
    async fn authenticate(&self, provider: &str, input: &Value) -> Result<AuthIdentity, AuthError>;
    /// Creates an identity (`POST /auth/{actor_type}/{provider}/register`). An identity that no
    /// actor has claimed yet may be registered again (its password is replaced), as in Medusa.
    async fn register(&self, provider: &str, input: &Value) -> Result<AuthIdentity, AuthError>;
    async fn retrieve(&self, id: &AuthIdentityId) -> Result<AuthIdentity, AuthError>;
    /// Links the identity to an actor: sets `app_metadata.<actor_type>_id`. Refused when the
    /// identity is already linked to an actor of that type.
    async fn link_actor(
        &self,
        id: &AuthIdentityId,
        actor_type: &str,
        actor_id: &str,
    ) -> Result<AuthIdentity, AuthError>;
    /// Ends the link to an actor (Medusa's `setAuthAppMetadataStep` with `value: null`, as
    /// removing a customer account does): the identity linked to `actor_id` as `actor_type`
    /// loses `app_metadata.<actor_type>_id` and may be claimed again. `false` when no identity
    /// was linked to it.
    async fn unlink_actor(&self, actor_type: &str, actor_id: &str) -> Result<bool, AuthError>;
    /// The providers an actor type may use (`GET /auth/{actor_type}/providers`).
    fn providers(&self) -> Vec<AuthProviderInfo>;
    /// A token for `identity` acting as `actor_type` (Medusa's
    /// `generateJwtTokenForAuthIdentity`). With `provider`, that provider identity's
    /// `user_metadata` goes into the token.
    fn issue_token(
        &self,
        identity: &AuthIdentity,
        actor_type: &str,
        provider: Option<&str>,
    ) -> Result<String, AuthError>;
    /// The claims of a valid, unexpired token signed with `JWT_SECRET`.
    fn verify_token(&self, token: &str) -> Option<Claims>;
    /// Stores a session for `claims` and returns its cookie.
    async fn create_session(&self, claims: &Claims) -> Result<NewSession, AuthError>;
    /// The claims of the live session a `connect.sid` cookie value names.
    async fn resolve_session(&self, cookie_value: &str) -> Result<Option<Claims>, AuthError>;
    /// Ends the session a cookie names; `false` when there was none.
    async fn destroy_session(&self, cookie_value: &str) -> Result<bool, AuthError>;
}

pub struct DbAuthService {
    db: DatabaseConnection,
    clock: Arc<dyn Clock>,
    jwt_secret: SecretString,
    cookie_secret: SecretString,
}

impl DbAuthService {
    pub fn new(
        db: DatabaseConnection,
        clock: Arc<dyn Clock>,
        jwt_secret: SecretString,
        cookie_secret: SecretString,
    ) -> Self {
        DbAuthService {
            db,
            clock,
            jwt_secret,
            cookie_secret,
        }
    }

    fn check_provider(provider: &str) -> Result<(), AuthError> {
        if provider == emailpass::ID {
            Ok(())
        } else {
            Err(AuthError::UnknownProvider(provider.to_owned()))
        }
    }

    async fn load(&self, row: auth_identity::Model) -> Result<AuthIdentity, AuthError> {
        let providers = repo::provider_identities(&self.db, &row.id).await?;
        Ok(to_model(row, providers))
    }
}

fn object(v: Option<Value>) -> Option<Map<String, Value>> {
    match v {
        Some(Value::Object(m)) => Some(m),
        _ => None,
    }
}

fn to_model(row: auth_identity::Model, providers: Vec<provider_identity::Model>) -> AuthIdentity {
    // Rows are written only by this module, with valid ids.
    let id = AuthIdentityId::parse(&row.id).unwrap_or_default();
    AuthIdentity {
        provider_identities: providers
            .into_iter()
            .map(|p| ProviderIdentity {
                id: p.id,
                entity_id: p.entity_id,
                provider: p.provider,
                auth_identity_id: id.clone(),
                user_metadata: object(p.user_metadata),
            })
            .collect(),
        id,
        app_metadata: object(row.app_metadata),
        created_at: row.created_at,
        updated_at: row.updated_at,
    }
}

fn stored_password(row: &provider_identity::Model) -> Option<String> {
    row.provider_metadata
        .as_ref()?
        .get("password")?
        .as_str()
        .map(str::to_owned)
}

fn is_unique_violation(e: &sea_orm::DbErr) -> bool {
    matches!(e.sql_err(), Some(SqlErr::UniqueConstraintViolation(_)))
}

#[async_trait]
impl AuthService for DbAuthService {
    async fn authenticate(&self, provider: &str, input: &Value) -> Result<AuthIdentity, AuthError> {
        Self::check_provider(provider)?;
        let creds = emailpass::credentials(input)?;
        let found = repo::find_by_provider(&self.db, &creds.email, emailpass::ID).await?;
        let stored = found.as_ref().and_then(|(_, pi)| stored_password(pi));
        if !emailpass::verify(creds.password, stored).await? {
            return Err(AuthError::InvalidCredentials);
        }
        match found {
            Some((identity, _)) => self.load(identity).await,
            None => Err(AuthError::InvalidCredentials),
        }
    }

    async fn register(&self, provider: &str, input: &Value) -> Result<AuthIdentity, AuthError> {
        Self::check_provider(provider)?;
        let creds = emailpass::credentials(input)?;
        if let Some((identity, pi)) =
            repo::find_by_provider(&self.db, &creds.email, emailpass::ID).await?
        {
            if object(identity.app_metadata.clone()).is_some_and(|m| !m.is_empty()) {
                return Err(AuthError::IdentityExists);
            }
            // Not claimed by any actor yet: registering again sets a new password.
            let hash = emailpass::hash(creds.password).await?;
            repo::set_provider_metadata(
                &self.db,
                &pi.id,
                serde_json::json!({ "password": hash }),
                self.clock.now(),
            )
            .await?;
            return self.load(identity).await;
        }
        let hash = emailpass::hash(creds.password).await?;
        let now = self.clock.now();
        let identity = auth_identity::Model {
            id: AuthIdentityId::new().into_string(),
            app_metadata: None,
            created_at: now,
            updated_at: now,
            deleted_at: None,
        };
        let pi = provider_identity::Model {
            id: medusa_core::id::new_ulid().to_string(),
            entity_id: creds.email,
            provider: emailpass::ID.to_owned(),
            auth_identity_id: identity.id.clone(),
            user_metadata: None,
            provider_metadata: Some(serde_json::json!({ "password": hash })),
            created_at: now,
            updated_at: now,
            deleted_at: None,
        };
        let tx = medusa_db::begin_write(&self.db).await?;
        match repo::insert_identity(&tx, identity.clone(), pi.clone()).await {
            Ok(()) => tx.commit().await?,
            // A concurrent registration of the same email won.
            Err(e) if is_unique_violation(&e) => return Err(AuthError::IdentityExists),
            Err(e) => return Err(e.into()),
        }
        Ok(to_model(identity, vec![pi]))
    }

    async fn retrieve(&self, id: &AuthIdentityId) -> Result<AuthIdentity, AuthError> {
        let row = repo::find(&self.db, id.as_str())
            .await?
            .ok_or_else(|| AuthError::NotFound(id.clone()))?;
        self.load(row).await
    }

    async fn link_actor(
        &self,
        id: &AuthIdentityId,
        actor_type: &str,
        actor_id: &str,
    ) -> Result<AuthIdentity, AuthError> {
        let key = format!("{actor_type}_id");
        let tx = medusa_db::begin_write(&self.db).await?;
        let row = repo::find_for_update(&tx, id.as_str())
            .await?
            .ok_or_else(|| AuthError::NotFound(id.clone()))?;
        let mut metadata = object(row.app_metadata).unwrap_or_default();
        if metadata.get(&key).is_some_and(|v| !v.is_null()) {
            return Err(AuthError::AppMetadataKeyExists(key));
        }
        metadata.insert(key, Value::String(actor_id.to_owned()));
        repo::set_app_metadata(&tx, id.as_str(), Value::Object(metadata), self.clock.now()).await?;
        tx.commit().await?;
        self.retrieve(id).await
    }

    async fn unlink_actor(&self, actor_type: &str, actor_id: &str) -> Result<bool, AuthError> {
        let key = format!("{actor_type}_id");
        let tx = medusa_db::begin_write(&self.db).await?;
        let mut unlinked = false;
        for row in repo::find_by_app_metadata_text(&tx, actor_id).await? {
            let mut metadata = object(row.app_metadata).unwrap_or_default();
            if metadata.get(&key).and_then(Value::as_str) != Some(actor_id) {
                continue;
            }
            metadata.remove(&key);
            // An empty object counts as unclaimed (`AuthIdentity::is_claimed`).
            repo::set_app_metadata(&tx, &row.id, Value::Object(metadata), self.clock.now()).await?;
            unlinked = true;
        }
        tx.commit().await?;
        Ok(unlinked)
    }

    fn providers(&self) -> Vec<AuthProviderInfo> {
        vec![emailpass::INFO]
    }

    fn issue_token(
        &self,
        identity: &AuthIdentity,
        actor_type: &str,
        provider: Option<&str>,
    ) -> Result<String, AuthError> {
        let actor_id = identity.actor_id(actor_type).unwrap_or_default().to_owned();
        let mut app_metadata = Map::new();
        if !actor_id.is_empty() {
            app_metadata.insert(format!("{actor_type}_id"), Value::String(actor_id.clone()));
        }
        let user_metadata = provider
            .and_then(|p| {
                identity
                    .provider_identities
                    .iter()
                    .find(|pi| pi.provider == p)
            })
            .and_then(|pi| pi.user_metadata.clone())
            .unwrap_or_default();
        let iat = self.clock.now().timestamp();
        let claims = Claims {
            actor_id,
            actor_type: actor_type.to_owned(),
            auth_identity_id: identity.id.to_string(),
            app_metadata,
            user_metadata,
            iat,
            exp: iat + TOKEN_TTL.num_seconds(),
        };
        token::encode(&claims, self.jwt_secret.expose_secret().as_bytes())
    }

    fn verify_token(&self, token: &str) -> Option<Claims> {
        token::decode(
            token,
            self.jwt_secret.expose_secret().as_bytes(),
            self.clock.now().timestamp(),
        )
    }

    async fn create_session(&self, claims: &Claims) -> Result<NewSession, AuthError> {
        let now = self.clock.now();
        // Sweep ended sessions now and then, so the table does not grow without bound.
        if rand::random::<u8>() < 8 {
            repo::delete_expired_sessions(&self.db, now).await?;
        }
        let id = session::new_session_id();
        let cookie_value =
            session::cookie_value(&id, self.cookie_secret.expose_secret().as_bytes())
                .ok_or_else(|| AuthError::Crypto("HMAC key".into()))?;
        let expires_at = now + SESSION_TTL;
        let auth_context =
            serde_json::to_value(claims).map_err(|e| AuthError::Crypto(e.to_string()))?;
        repo::insert_session(
            &self.db,
            auth_session::Model {
                id: session::storage_key(&id),
                auth_context,
                expires_at,
                created_at: now,
            },
        )
        .await?;
        Ok(NewSession {
            cookie_value,
            expires_at,
        })
    }

    async fn resolve_session(&self, cookie_value: &str) -> Result<Option<Claims>, AuthError> {
        let Some(id) =
            session::session_id(cookie_value, self.cookie_secret.expose_secret().as_bytes())
        else {
            return Ok(None);
        };
        let Some(row) =
            repo::find_live_session(&self.db, &session::storage_key(&id), self.clock.now()).await?
        else {
            return Ok(None);
        };
        Ok(serde_json::from_value(row.auth_context).ok())
    }

    async fn destroy_session(&self, cookie_value: &str) -> Result<bool, AuthError> {
        let Some(id) =
            session::session_id(cookie_value, self.cookie_secret.expose_secret().as_bytes())
        else {
            return Ok(false);
        };
        Ok(repo::delete_session(&self.db, &session::storage_key(&id)).await?)
    }
}
