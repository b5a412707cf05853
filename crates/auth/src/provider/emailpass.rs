//! The `emailpass` provider: the identity's `entity_id` is the email, and
//! `provider_metadata.password` is an argon2id hash (PHC string, OWASP's default parameters:
//! 19 MiB, 2 passes, 1 lane). Medusa hashes with scrypt; the wire behaviour is the same.
//!
//! Hashing is CPU-bound, so it runs on the blocking pool, never on the async workers.

use std::sync::OnceLock;

use argon2::Argon2;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use serde_json::Value;

use crate::error::AuthError;
use crate::model::AuthProviderInfo;

pub const ID: &str = "emailpass";

pub const INFO: AuthProviderInfo = AuthProviderInfo {
    id: ID,
    identifier: ID,
    display_name: "Email/Password Authentication",
    flow: "credentials",
};

/// Email and password taken from a request body.
pub struct Credentials {
    pub email: String,
    pub password: String,
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credentials")
            .field("email", &self.email)
            .field("password", &"[REDACTED]")
            .finish()
    }
}

/// Reads `email` and `password` from the body the way Medusa's provider does: the password is
/// checked first; a missing, empty or non-string value is refused.
pub fn credentials(body: &Value) -> Result<Credentials, AuthError> {
    let text = |key: &str| {
        body.get(key)
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
    };
    let password = text("password").ok_or(AuthError::PasswordNotString)?;
    let email = text("email").ok_or(AuthError::EmailNotString)?;
    Ok(Credentials { email, password })
}

/// The argon2id hash of `password`.
pub async fn hash(password: String) -> Result<String, AuthError> {
    tokio::task::spawn_blocking(move || hash_now(&password))
        .await
        .map_err(|e| AuthError::Crypto(e.to_string()))?
}

fn hash_now(password: &str) -> Result<String, AuthError> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| AuthError::Crypto(e.to_string()))
}

/// Whether `password` matches `stored`. With no stored hash (unknown email) a hash is still
/// checked, so an unknown email takes as long to refuse as a wrong password.
pub async fn verify(password: String, stored: Option<String>) -> Result<bool, AuthError> {
    tokio::task::spawn_blocking(move || {
        let (hash, known) = match stored {
            Some(h) => (h, true),
            None => (dummy_hash()?.to_owned(), false),
        };
        let ok = Argon2::default()
            .verify_password(password.as_bytes(), hash.as_str())
            .is_ok();
        Ok(ok && known)
    })
    .await
    .map_err(|e| AuthError::Crypto(e.to_string()))?
}

fn dummy_hash() -> Result<&'static str, AuthError> {
    static DUMMY: OnceLock<String> = OnceLock::new();
    if let Some(h) = DUMMY.get() {
        return Ok(h);
    }
    let h = hash_now(&crate::session::new_session_id())?;
    Ok(DUMMY.get_or_init(|| h))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn credentials_follow_medusas_checks() {
        let c = credentials(&json!({"email": "a@b.c", "password": "pw", "extra": 1})).unwrap();
        assert_eq!((c.email.as_str(), c.password.as_str()), ("a@b.c", "pw"));
        assert!(!format!("{c:?}").contains("pw\""));
        for (body, msg) in [
            (json!({}), "Password should be a string"),
            (json!({"email": "a@b.c"}), "Password should be a string"),
            (
                json!({"email": "a@b.c", "password": ""}),
                "Password should be a string",
            ),
            (
                json!({"email": "a@b.c", "password": 12345}),
                "Password should be a string",
            ),
            (json!({"password": "pw"}), "Email should be a string"),
            (
                json!({"email": ["a@b.c"], "password": "pw"}),
                "Email should be a string",
            ),
            (json!("not an object"), "Password should be a string"),
        ] {
            assert_eq!(credentials(&body).unwrap_err().to_string(), msg, "{body}");
        }
    }

    #[tokio::test]
    async fn hashes_verify_only_their_password() {
        let h = hash("correct horse".into()).await.unwrap();
        assert!(h.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{h}");
        assert!(!h.contains("correct horse"));
        assert!(
            verify("correct horse".into(), Some(h.clone()))
                .await
                .unwrap()
        );
        assert!(
            !verify("correct horsE".into(), Some(h.clone()))
                .await
                .unwrap()
        );
        assert!(!verify("correct horse".into(), None).await.unwrap());
        assert!(!verify("x".into(), Some("not a hash".into())).await.unwrap());
        // Salted: the same password hashes differently.
        assert_ne!(h, hash("correct horse".into()).await.unwrap());
    }
}
