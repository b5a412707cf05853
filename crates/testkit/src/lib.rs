//! Test support: [`spawn_app`] starts the real server on port 0 against a fresh database, on
//! SQLite or PostgreSQL; [`both_backends!`] runs one test body on both.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;

use medusa_api::startup::{Application, Options};
use medusa_api::state::AppState;
use medusa_core::TestClock;
use medusa_core::config::Config;
use sea_orm::DatabaseConnection;
use sea_orm_migration::MigratorTrait;

pub use medusa_db::testing::{Backend, TestDatabase};

/// A local Stripe API stand-in (see the module docs).
pub mod stripe;

/// Runs one async test body on SQLite and on PostgreSQL. The body is an `async fn` taking the
/// [`Backend`]; it is expanded into a module with a `sqlite` and a `postgres` test.
///
/// ```ignore
/// both_backends!(async fn health_works(backend: Backend) {
///     let app = spawn_app(backend).await;
///     ...
/// });
/// ```
#[macro_export]
macro_rules! both_backends {
    // `$(,)?`: rustfmt puts a trailing comma after the parameter when the name is long.
    (async fn $name:ident($backend:ident : Backend $(,)?) $body:block) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;
            async fn run($backend: $crate::Backend) $body
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                run($crate::Backend::Sqlite).await
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                run($crate::Backend::Postgres).await
            }
        }
    };
}

/// A running server and what a test needs to talk to it.
pub struct TestApp {
    pub address: String,
    pub port: u16,
    pub backend: Backend,
    pub client: reqwest::Client,
    pub clock: TestClock,
    pub state: actix_web::web::Data<AppState>,
    handle: actix_web::dev::ServerHandle,
    _db: TestDatabase,
}

/// Builder for a [`TestApp`] with extra environment.
pub struct TestAppBuilder {
    backend: Backend,
    env: Vec<(String, String)>,
}

pub fn spawn_app_builder(backend: Backend) -> TestAppBuilder {
    TestAppBuilder {
        backend,
        env: Vec::new(),
    }
}

/// The server on port 0 with a fresh database, no Redis, no in-process jobs.
pub async fn spawn_app(backend: Backend) -> TestApp {
    spawn_app_builder(backend).spawn().await
}

impl TestAppBuilder {
    pub fn env(mut self, key: &str, value: &str) -> Self {
        self.env.retain(|(k, _)| k != key);
        self.env.push((key.to_owned(), value.to_owned()));
        self
    }

    pub async fn spawn(self) -> TestApp {
        let db = TestDatabase::create(self.backend)
            .await
            .expect("test database");
        let mut env = vec![
            ("DATABASE_URL".to_owned(), db.url.clone()),
            ("HOST".to_owned(), "127.0.0.1".to_owned()),
            ("PORT".to_owned(), "0".to_owned()),
            ("WORKER_MODE".to_owned(), "server".to_owned()),
            ("DATABASE_POOL_SIZE".to_owned(), "5".to_owned()),
            ("MEDUSA_CONFIG".to_owned(), String::new()),
            // Tests start from an empty database and seed what they need.
            ("AUTO_SEED".to_owned(), "false".to_owned()),
            // Tests see every change at once; the cache has its own test.
            ("CACHE_TTL".to_owned(), "0s".to_owned()),
        ];
        for (k, v) in self.env {
            env.retain(|(ek, _)| *ek != k);
            env.push((k, v));
        }
        let config = Config::load_from(&env).expect("test configuration");
        if self.backend == Backend::Postgres {
            let conn = db.connect().await.expect("connect for migrations");
            medusa_api::Migrator::up(&conn, None)
                .await
                .expect("migrations");
            conn.close().await.expect("close");
        }
        let clock = TestClock::starting_now();
        let app = Application::build(
            config,
            Arc::new(clock.clone()),
            Options { workers: Some(1) },
        )
        .await
        .expect("application");
        let port = app.port();
        let handle = app.handle();
        let state = app.state();
        tokio::spawn(app.run_until_stopped());
        TestApp {
            address: format!("http://127.0.0.1:{port}"),
            port,
            backend: self.backend,
            client: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
            clock,
            state,
            handle,
            _db: db,
        }
    }
}

impl TestApp {
    /// Loads the demo store (as `cargo xtask seed` does) and returns the publishable key.
    pub async fn seed(&self) -> String {
        medusa_api::seed::seed(&self.state.registry)
            .await
            .unwrap()
            .publishable_key
    }

    /// SQL statements run so far against this test's database (all connections).
    pub fn statements(&self) -> u64 {
        medusa_db::statement_counter(&self._db.url).load(std::sync::atomic::Ordering::SeqCst)
    }

    pub fn db(&self) -> &DatabaseConnection {
        &self.state.db
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client.get(self.url(path)).send().await.unwrap()
    }

    /// A publishable key linked to the given sales channels.
    pub async fn publishable_key(&self, channels: &[medusa_core::id::SalesChannelId]) -> String {
        let keys = self
            .state
            .registry
            .get::<dyn medusa_api_key::ApiKeyService>()
            .unwrap();
        let key = keys
            .create("test", medusa_api_key::ApiKeyType::Publishable, "test")
            .await
            .unwrap();
        keys.add_sales_channels(&key.id, channels).await.unwrap();
        key.token
    }

    /// A secret API key token (for `Authorization: Basic`).
    pub async fn secret_key(&self) -> (medusa_core::id::ApiKeyId, String) {
        let keys = self
            .state
            .registry
            .get::<dyn medusa_api_key::ApiKeyService>()
            .unwrap();
        let key = keys
            .create("admin", medusa_api_key::ApiKeyType::Secret, "test")
            .await
            .unwrap();
        (key.id, key.token)
    }

    pub async fn stop(&self) {
        self.handle.stop(true).await;
    }
}

/// A recorded response of a real Medusa 2.21.2 (`../shared/medusa-golden/<name>`).
pub fn golden(name: &str) -> serde_json::Value {
    let path = format!(
        "{}/../../../shared/medusa-golden/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap()
}

/// The keys of a JSON object, sorted.
pub fn keys(v: &serde_json::Value) -> Vec<String> {
    let mut k: Vec<String> = v
        .as_object()
        .map(|o| o.keys().cloned().collect())
        .unwrap_or_default();
    k.sort();
    k
}

/// JSON body of a response, with the status.
pub async fn json(resp: reqwest::Response) -> (u16, serde_json::Value) {
    let status = resp.status().as_u16();
    let text = resp.text().await.unwrap();
    let value = serde_json::from_str(&text).unwrap_or(serde_json::Value::String(text));
    (status, value)
}
