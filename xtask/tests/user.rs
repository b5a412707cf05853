//! `cargo xtask user --email E --password P` on both backends: the user can then sign in.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process::{Command, Output};
use std::sync::Arc;

use medusa_auth::AuthService;
use medusa_core::config::Config;
use medusa_core::registry::{ModuleContext, Registry};
use medusa_db::testing::{Backend, TestDatabase};
use medusa_user::UserService;

fn xtask(url: &str, args: &[&str]) -> (Output, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(args)
        .env("DATABASE_URL", url)
        .env("MEDUSA_CONFIG", "")
        .output()
        .unwrap();
    let text =
        String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    (out, text)
}

async fn registry(url: &str) -> Registry {
    let env = vec![
        ("DATABASE_URL".to_owned(), url.to_owned()),
        ("MEDUSA_CONFIG".to_owned(), String::new()),
    ];
    let config = Config::load_from(&env).unwrap();
    let db = medusa_db::connect(&config).await.unwrap();
    let ctx = ModuleContext {
        db,
        config: Arc::new(config),
        clock: Arc::new(medusa_core::SystemClock),
    };
    Registry::build(&ctx, &medusa_api::modules())
}

async fn create_admin_user(backend: Backend) {
    let db = TestDatabase::create(backend).await.unwrap();
    if backend == Backend::Postgres {
        // PostgreSQL is migrated explicitly; the command says so when it is not.
        let (out, text) = xtask(
            &db.url,
            &["user", "--email", "a@example.com", "--password", "pw"],
        );
        assert!(!out.status.success());
        assert!(text.contains("cargo xtask migrate up"), "{text}");
        let (out, text) = xtask(&db.url, &["migrate", "up"]);
        assert!(out.status.success(), "{text}");
    }
    let (out, text) = xtask(
        &db.url,
        &[
            "user",
            "--email",
            "admin@example.com",
            "--password",
            "s3cret-Pw",
        ],
    );
    assert!(out.status.success(), "{text}");
    assert!(
        text.contains("created user admin@example.com (user_"),
        "{text}"
    );
    assert!(
        !text.contains("s3cret-Pw"),
        "the password must not be printed: {text}"
    );

    // The user exists and its identity, linked through app_metadata.user_id, signs in.
    let registry = registry(&db.url).await;
    let user = registry
        .get::<dyn UserService>()
        .unwrap()
        .find_by_email("admin@example.com")
        .await
        .unwrap()
        .unwrap();
    let auth = registry.get::<dyn AuthService>().unwrap();
    let identity = auth
        .authenticate(
            "emailpass",
            &serde_json::json!({"email": "admin@example.com", "password": "s3cret-Pw"}),
        )
        .await
        .unwrap();
    assert_eq!(identity.actor_id("user"), Some(user.id.as_str()));
    let token = auth
        .issue_token(&identity, "user", Some("emailpass"))
        .unwrap();
    assert_eq!(
        auth.verify_token(&token).unwrap().actor_id,
        user.id.as_str()
    );

    // The same email again, and a malformed one, are refused.
    let (out, text) = xtask(&db.url, &["user", "-e", "admin@example.com", "-p", "other"]);
    assert!(!out.status.success());
    assert!(
        text.contains("Identity with email already exists"),
        "{text}"
    );
    let (out, text) = xtask(&db.url, &["user", "-e", "not-an-email", "-p", "pw"]);
    assert!(!out.status.success());
    assert!(text.contains("not valid"), "{text}");
}

#[tokio::test]
async fn user_command_on_sqlite() {
    create_admin_user(Backend::Sqlite).await;
}

#[tokio::test]
async fn user_command_on_postgres() {
    create_admin_user(Backend::Postgres).await;
}
