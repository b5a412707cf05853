//! The auth module on real SQLite and PostgreSQL.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;

use medusa_auth::{AuthError, AuthIdentityId, AuthService, DbAuthService};
use medusa_core::registry::Module;
use medusa_core::{Clock, TestClock};
use medusa_db::testing::{Backend, TestDatabase};
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, Statement};
use sea_orm_migration::{MigrationTrait, MigratorTrait};
use secrecy::SecretString;
use serde_json::json;

struct Migrator;

impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        medusa_auth::AuthModule.migrations()
    }
}

macro_rules! on_both_backends {
    ($name:ident) => {
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                super::$name(super::Backend::Sqlite).await;
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                super::$name(super::Backend::Postgres).await;
            }
        }
    };
}

struct Setup {
    _tdb: TestDatabase,
    db: DatabaseConnection,
    auth: Arc<DbAuthService>,
    clock: TestClock,
}

fn service(db: &DatabaseConnection, clock: &TestClock) -> Arc<DbAuthService> {
    Arc::new(DbAuthService::new(
        db.clone(),
        Arc::new(clock.clone()),
        SecretString::from("jwt-test-secret"),
        SecretString::from("cookie-test-secret"),
    ))
}

async fn setup(backend: Backend) -> Setup {
    let tdb = TestDatabase::create(backend).await.unwrap();
    let db = tdb.connect().await.unwrap();
    Migrator::up(&db, None).await.unwrap();
    let clock = TestClock::new(chrono::DateTime::from_timestamp(1_767_225_600, 0).unwrap());
    let auth = service(&db, &clock);
    Setup {
        _tdb: tdb,
        db,
        auth,
        clock,
    }
}

fn creds(email: &str, password: &str) -> serde_json::Value {
    json!({"email": email, "password": password})
}

async fn register_then_authenticate(backend: Backend) {
    let s = setup(backend).await;
    let identity = s
        .auth
        .register("emailpass", &creds("ada@example.com", "s3cret!"))
        .await
        .unwrap();
    assert!(identity.id.as_str().starts_with("authid_"));
    assert_eq!(identity.app_metadata, None);
    assert_eq!(identity.provider_identities.len(), 1);
    let pi = &identity.provider_identities[0];
    assert_eq!(
        (pi.entity_id.as_str(), pi.provider.as_str()),
        ("ada@example.com", "emailpass")
    );
    assert_eq!(pi.auth_identity_id, identity.id);

    let again = s
        .auth
        .authenticate("emailpass", &creds("ada@example.com", "s3cret!"))
        .await
        .unwrap();
    assert_eq!(again, identity);

    for (body, msg) in [
        (
            creds("ada@example.com", "wrong"),
            "Invalid email or password",
        ),
        (
            creds("nobody@example.com", "s3cret!"),
            "Invalid email or password",
        ),
        (
            creds("ADA@example.com", "s3cret!"),
            "Invalid email or password",
        ),
        (
            json!({"email": "ada@example.com"}),
            "Password should be a string",
        ),
        (json!({"password": "s3cret!"}), "Email should be a string"),
    ] {
        let err = s.auth.authenticate("emailpass", &body).await.unwrap_err();
        assert_eq!(err.to_string(), msg, "{body}");
        let core: medusa_core::Error = err.into();
        assert_eq!(core.kind(), Some(medusa_core::ErrorType::Unauthorized));
    }
    let err = s
        .auth
        .authenticate("google", &creds("ada@example.com", "s3cret!"))
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "Could not find a auth provider with id: google"
    );

    // The password is stored only as an argon2id hash.
    let row =
        s.db.query_one_raw(Statement::from_string(
            s.db.get_database_backend(),
            "SELECT provider_metadata FROM provider_identity",
        ))
        .await
        .unwrap()
        .unwrap();
    let stored: serde_json::Value = match s.db.get_database_backend() {
        DbBackend::Postgres => row.try_get("", "provider_metadata").unwrap(),
        _ => {
            serde_json::from_str(&row.try_get::<String>("", "provider_metadata").unwrap()).unwrap()
        }
    };
    let hash = stored["password"].as_str().unwrap();
    assert!(hash.starts_with("$argon2id$"), "{hash}");
    assert!(!hash.contains("s3cret!"));
}
on_both_backends!(register_then_authenticate);

async fn claimed_identities_cannot_be_registered_again(backend: Backend) {
    let s = setup(backend).await;
    let first = s
        .auth
        .register("emailpass", &creds("bo@example.com", "first"))
        .await
        .unwrap();
    // Unclaimed: registering again replaces the password (Medusa's behaviour).
    let second = s
        .auth
        .register("emailpass", &creds("bo@example.com", "second"))
        .await
        .unwrap();
    assert_eq!(second.id, first.id);
    assert!(
        s.auth
            .authenticate("emailpass", &creds("bo@example.com", "first"))
            .await
            .is_err()
    );
    s.auth
        .authenticate("emailpass", &creds("bo@example.com", "second"))
        .await
        .unwrap();

    let linked = s
        .auth
        .link_actor(&first.id, "customer", "cus_01")
        .await
        .unwrap();
    assert_eq!(linked.actor_id("customer"), Some("cus_01"));
    assert!(linked.is_claimed());
    let err = s
        .auth
        .register("emailpass", &creds("bo@example.com", "third"))
        .await
        .unwrap_err();
    assert!(matches!(err, AuthError::IdentityExists));
    assert_eq!(err.to_string(), "Identity with email already exists");

    // One actor per type and identity; other types may still be linked.
    let err = s
        .auth
        .link_actor(&first.id, "customer", "cus_02")
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "Key customer_id already exists in app metadata"
    );
    let both = s
        .auth
        .link_actor(&first.id, "user", "user_01")
        .await
        .unwrap();
    assert_eq!(
        serde_json::Value::Object(both.app_metadata.unwrap()),
        json!({"customer_id": "cus_01", "user_id": "user_01"})
    );
    let missing = AuthIdentityId::new();
    assert!(matches!(
        s.auth.retrieve(&missing).await,
        Err(AuthError::NotFound(ref id)) if *id == missing
    ));
}
on_both_backends!(claimed_identities_cannot_be_registered_again);

async fn concurrent_registrations_make_one_identity(backend: Backend) {
    let s = setup(backend).await;
    let attempts: Vec<_> = (0..6)
        .map(|i| {
            let auth = s.auth.clone();
            tokio::spawn(async move {
                auth.register("emailpass", &creds("race@example.com", &format!("pw{i}")))
                    .await
            })
        })
        .collect();
    let mut ids = std::collections::HashSet::new();
    for a in attempts {
        match a.await.unwrap() {
            Ok(identity) => {
                ids.insert(identity.id);
            }
            Err(AuthError::IdentityExists) => {}
            Err(e) => panic!("unexpected {e:?}"),
        }
    }
    assert_eq!(ids.len(), 1, "{ids:?}");
    let row =
        s.db.query_one_raw(Statement::from_string(
            s.db.get_database_backend(),
            "SELECT COUNT(*) AS n FROM provider_identity",
        ))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.try_get::<i64>("", "n").unwrap(), 1);
}
on_both_backends!(concurrent_registrations_make_one_identity);

async fn tokens_carry_medusas_claims(backend: Backend) {
    let s = setup(backend).await;
    let identity = s
        .auth
        .register("emailpass", &creds("cy@example.com", "pw"))
        .await
        .unwrap();
    // Not linked yet: a registration token.
    let token = s
        .auth
        .issue_token(&identity, "customer", Some("emailpass"))
        .unwrap();
    let claims = s.auth.verify_token(&token).unwrap();
    let now = s.clock.now().timestamp();
    assert_eq!(
        serde_json::to_value(&claims).unwrap(),
        json!({
            "actor_id": "",
            "actor_type": "customer",
            "auth_identity_id": identity.id.as_str(),
            "app_metadata": {},
            "user_metadata": {},
            "iat": now,
            "exp": now + 86_400,
        })
    );
    assert!(!claims.is_registered());

    let linked = s
        .auth
        .link_actor(&identity.id, "user", "user_01")
        .await
        .unwrap();
    let token = s.auth.issue_token(&linked, "user", None).unwrap();
    let claims = s.auth.verify_token(&token).unwrap();
    assert_eq!(claims.actor_id, "user_01");
    assert_eq!(
        serde_json::Value::Object(claims.app_metadata.clone()),
        json!({"user_id": "user_01"})
    );
    assert!(claims.is_registered());

    // Another secret's tokens are refused; tokens expire after a day.
    let other = DbAuthService::new(
        s.db.clone(),
        Arc::new(s.clock.clone()),
        SecretString::from("another-secret"),
        SecretString::from("cookie-test-secret"),
    );
    assert_eq!(other.verify_token(&token), None);
    s.clock
        .advance(chrono::Duration::hours(24) - chrono::Duration::seconds(1));
    assert!(s.auth.verify_token(&token).is_some());
    s.clock.advance(chrono::Duration::seconds(1));
    assert_eq!(s.auth.verify_token(&token), None);
}
on_both_backends!(tokens_carry_medusas_claims);

async fn sessions_live_in_the_database(backend: Backend) {
    let s = setup(backend).await;
    let identity = s
        .auth
        .register("emailpass", &creds("di@example.com", "pw"))
        .await
        .unwrap();
    let identity = s
        .auth
        .link_actor(&identity.id, "user", "user_01")
        .await
        .unwrap();
    let token = s
        .auth
        .issue_token(&identity, "user", Some("emailpass"))
        .unwrap();
    let claims = s.auth.verify_token(&token).unwrap();

    let session = s.auth.create_session(&claims).await.unwrap();
    assert!(session.cookie_value.starts_with("s%3A"));
    assert_eq!(
        session.expires_at,
        s.clock.now() + chrono::Duration::hours(10)
    );
    assert_eq!(
        s.auth.resolve_session(&session.cookie_value).await.unwrap(),
        Some(claims.clone())
    );

    // Another process (another service over the same database) sees the session.
    let other_process = service(&s.db, &s.clock);
    assert_eq!(
        other_process
            .resolve_session(&session.cookie_value)
            .await
            .unwrap(),
        Some(claims.clone())
    );
    // A cookie signed with another secret is refused.
    let wrong_secret = DbAuthService::new(
        s.db.clone(),
        Arc::new(s.clock.clone()),
        SecretString::from("jwt-test-secret"),
        SecretString::from("another-cookie-secret"),
    );
    assert_eq!(
        wrong_secret
            .resolve_session(&session.cookie_value)
            .await
            .unwrap(),
        None
    );
    for forged in ["", "s%3Aabc.def", "garbage"] {
        assert_eq!(s.auth.resolve_session(forged).await.unwrap(), None);
    }

    // Destroyed in one process, gone everywhere.
    assert!(
        other_process
            .destroy_session(&session.cookie_value)
            .await
            .unwrap()
    );
    assert_eq!(
        s.auth.resolve_session(&session.cookie_value).await.unwrap(),
        None
    );
    assert!(!s.auth.destroy_session(&session.cookie_value).await.unwrap());

    // Sessions end after ten hours.
    let session = s.auth.create_session(&claims).await.unwrap();
    s.clock
        .advance(chrono::Duration::hours(10) - chrono::Duration::seconds(1));
    assert!(
        s.auth
            .resolve_session(&session.cookie_value)
            .await
            .unwrap()
            .is_some()
    );
    s.clock.advance(chrono::Duration::seconds(1));
    assert_eq!(
        s.auth.resolve_session(&session.cookie_value).await.unwrap(),
        None
    );

    // Only the hash of a session id is stored.
    let row =
        s.db.query_one_raw(Statement::from_string(
            s.db.get_database_backend(),
            "SELECT id FROM auth_session",
        ))
        .await
        .unwrap()
        .unwrap();
    let stored: String = row.try_get("", "id").unwrap();
    assert_eq!(stored.len(), 64);
    assert!(!session.cookie_value.contains(&stored));
}
on_both_backends!(sessions_live_in_the_database);
