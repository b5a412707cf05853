//! `cargo xtask migrate up|status|down|fresh` on both backends.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process::Command;

use medusa_db::testing::{Backend, TestDatabase};

fn xtask(url: &str, args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(args)
        .env("DATABASE_URL", url)
        .env("MEDUSA_CONFIG", "")
        .output()
        .unwrap();
    let text =
        String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "xtask {args:?} failed: {text}");
    text
}

async fn migrate_cycle(backend: Backend) {
    let db = TestDatabase::create(backend).await.unwrap();
    let status = xtask(&db.url, &["migrate", "status"]);
    assert!(
        status.contains("Pending") && status.contains("api_key_0001_create_api_key"),
        "{status}"
    );
    xtask(&db.url, &["migrate", "up"]);
    let status = xtask(&db.url, &["migrate", "status"]);
    assert!(
        status.contains("Applied") && !status.contains("Pending"),
        "{status}"
    );
    xtask(&db.url, &["migrate", "down", "-n", "1"]);
    let status = xtask(&db.url, &["migrate", "status"]);
    assert!(status.contains("Pending"), "{status}");
    xtask(&db.url, &["migrate", "fresh"]);
    let status = xtask(&db.url, &["migrate", "status"]);
    assert!(!status.contains("Pending"), "{status}");
}

#[tokio::test]
async fn migrate_commands_on_sqlite() {
    migrate_cycle(Backend::Sqlite).await;
}

#[tokio::test]
async fn migrate_commands_on_postgres() {
    migrate_cycle(Backend::Postgres).await;
}
