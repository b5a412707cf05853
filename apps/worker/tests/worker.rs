//! The worker binary against real databases: it starts, refuses an unmigrated database, and
//! stops cleanly on SIGTERM.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use medusa_testkit::{Backend, TestDatabase};
use sea_orm_migration::MigratorTrait;

fn worker(url: &str) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_medusa-worker"));
    cmd.env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("DATABASE_URL", url)
        .env("MEDUSA_CONFIG", "")
        .env("JOB_POLL_INTERVAL", "100ms")
        .env("RUST_LOG", "info")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    cmd
}

async fn stops_on_sigterm(backend: Backend) {
    let db = TestDatabase::create(backend).await.unwrap();
    let conn = db.connect().await.unwrap();
    medusa_api::Migrator::up(&conn, None).await.unwrap();
    let mut child = worker(&db.url).spawn().unwrap();
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert!(
        child.try_wait().unwrap().is_none(),
        "the worker exited early"
    );
    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let started = Instant::now();
    let exit = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "no exit after SIGTERM"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    let out = child.wait_with_output().unwrap();
    let log =
        String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    assert!(exit.success(), "{log}");
    assert!(log.contains("job loop started"), "{log}");
    assert!(log.contains("worker stopped"), "{log}");
}

#[tokio::test]
async fn worker_stops_cleanly_on_sigterm_sqlite() {
    stops_on_sigterm(Backend::Sqlite).await;
}

#[tokio::test]
async fn worker_stops_cleanly_on_sigterm_postgres() {
    stops_on_sigterm(Backend::Postgres).await;
}

#[tokio::test]
async fn worker_refuses_an_unmigrated_postgres_database() {
    let db = TestDatabase::create(Backend::Postgres).await.unwrap();
    let out = worker(&db.url).output().unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("pending migrations"), "{err}");
}
