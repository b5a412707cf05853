//! Fresh databases for tests: a temporary SQLite file, or a uniquely named PostgreSQL database
//! created on the server at `TEST_DATABASE_URL` (default `postgres://postgres@127.0.0.1:5432`)
//! and dropped when the test ends.

use anyhow::Context;
use sea_orm::{ConnectionTrait, DatabaseConnection};

/// Which backend a test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Prefix of every database a test creates, so leftovers of killed runs can be found.
pub const TEST_DB_PREFIX: &str = "medusa_test_";

pub fn postgres_server_url() -> String {
    std::env::var("TEST_DATABASE_URL")
        .ok()
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "postgres://postgres@127.0.0.1:5432".to_owned())
        .trim_end_matches('/')
        .to_owned()
}

/// A database that exists for one test.
pub struct TestDatabase {
    pub backend: Backend,
    /// The URL to give `DATABASE_URL`.
    pub url: String,
    name: String,
    _dir: Option<tempfile::TempDir>,
}

impl TestDatabase {
    pub async fn create(backend: Backend) -> anyhow::Result<TestDatabase> {
        match backend {
            Backend::Sqlite => {
                let dir = tempfile::Builder::new().prefix("medusa-test-").tempdir()?;
                let path = dir.path().join("test.db");
                Ok(TestDatabase {
                    backend,
                    url: format!("sqlite://{}?mode=rwc", path.display()),
                    name: path.display().to_string(),
                    _dir: Some(dir),
                })
            }
            Backend::Postgres => {
                let server = postgres_server_url();
                let name = format!(
                    "{TEST_DB_PREFIX}{}",
                    ulid::Ulid::new().to_string().to_lowercase()
                );
                let admin = crate::connect_postgres(&format!("{server}/postgres"), None, None, 1)
                    .await
                    .context("tests need PostgreSQL at TEST_DATABASE_URL")?;
                admin
                    .execute_unprepared(&format!("CREATE DATABASE \"{name}\""))
                    .await?;
                admin.close().await?;
                Ok(TestDatabase {
                    backend,
                    url: format!("{server}/{name}"),
                    name,
                    _dir: None,
                })
            }
        }
    }

    pub async fn connect(&self) -> anyhow::Result<DatabaseConnection> {
        match self.backend {
            Backend::Sqlite => crate::connect_sqlite(&self.url, 4).await,
            Backend::Postgres => crate::connect_postgres(&self.url, None, None, 5).await,
        }
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        if self.backend != Backend::Postgres {
            return;
        }
        let name = self.name.clone();
        // Drop runs inside the test's runtime; the cleanup gets a runtime of its own.
        let _ = std::thread::spawn(move || {
            let Ok(rt) = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            else {
                return;
            };
            rt.block_on(async move {
                if let Ok(admin) = crate::connect_postgres(
                    &format!("{}/postgres", postgres_server_url()),
                    None,
                    None,
                    1,
                )
                .await
                {
                    let _ = admin
                        .execute_unprepared(&format!(
                            "DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"
                        ))
                        .await;
                    let _ = admin.close().await;
                }
            });
        })
        .join();
    }
}

/// Drops databases left behind by test runs that were killed more than an hour ago (called by
/// `cargo xtask test`).
pub async fn drop_leftover_databases() -> anyhow::Result<usize> {
    use sea_orm::{DbBackend, Statement};
    let admin = crate::connect_postgres(
        &format!("{}/postgres", postgres_server_url()),
        None,
        None,
        1,
    )
    .await?;
    let rows = admin
        .query_all_raw(Statement::from_string(
            DbBackend::Postgres,
            format!("SELECT datname FROM pg_database WHERE datname LIKE '{TEST_DB_PREFIX}%'"),
        ))
        .await?;
    let mut n = 0;
    // Only databases of runs that started over an hour ago: another test run may be using the
    // younger ones right now. The name's ULID carries its creation time.
    let cutoff = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
    for row in rows {
        let name: String = row.try_get("", "datname")?;
        let created = name
            .strip_prefix(TEST_DB_PREFIX)
            .and_then(|u| ulid::Ulid::from_string(&u.to_uppercase()).ok())
            .map(|u| u.datetime());
        if created.is_some_and(|t| t > cutoff) {
            continue;
        }
        admin
            .execute_unprepared(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
            .await?;
        n += 1;
    }
    admin.close().await?;
    Ok(n)
}
