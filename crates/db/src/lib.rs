//! Persistence shared by every module: connecting to SQLite (the embedded default) or
//! PostgreSQL (production) with the same entities and migrations, and the few places where the
//! two backends must differ, kept here so no module has to care:
//!
//! * **Write transactions.** SQLite has no row locks; [`begin_write`] opens `BEGIN IMMEDIATE`
//!   so a read-then-write transaction takes the write lock up front instead of failing with
//!   `SQLITE_BUSY` when it upgrades. On PostgreSQL it is a plain transaction, and modules lock
//!   rows with [`for_update`] (`FOR UPDATE`; a no-op on SQLite, where the whole database is the
//!   lock).
//! * **Conditional updates.** Stock and capture guards are single `UPDATE ... WHERE <guard>`
//!   statements whose `rows_affected` says whether the guard held: atomic on both backends,
//!   never read-then-write. See [`expect_one_row`].
//! * **Amounts** are `BIGINT` minor units (see `medusa_core::money`): exact on both backends.

pub mod filter;
pub mod schema;
pub mod testing;
pub mod versions;

use std::str::FromStr;
use std::time::Duration;

use anyhow::Context;
use medusa_core::config::{Config, DatabaseKind, SslMode};
use sea_orm::sqlx;
use sea_orm::{
    DatabaseConnection, DatabaseTransaction, DbBackend, DbErr, SqlxPostgresConnector,
    SqlxSqliteConnector, TransactionOptions, TransactionTrait,
};
use secrecy::ExposeSecret;

pub use sea_orm;

/// Statements executed per database URL, counted by a sea-orm metric callback (an atomic
/// increment). Tests use it to prove a route runs a bounded number of statements.
static STATEMENTS: std::sync::OnceLock<
    std::sync::Mutex<
        std::collections::HashMap<String, std::sync::Arc<std::sync::atomic::AtomicU64>>,
    >,
> = std::sync::OnceLock::new();

/// The statement counter of the connections opened to `url`.
pub fn statement_counter(url: &str) -> std::sync::Arc<std::sync::atomic::AtomicU64> {
    let map = STATEMENTS.get_or_init(Default::default);
    let mut map = map.lock().unwrap_or_else(|p| p.into_inner());
    map.entry(url.to_owned()).or_default().clone()
}

fn counted(mut conn: DatabaseConnection, url: &str) -> DatabaseConnection {
    let counter = statement_counter(url);
    // `MEDUSA_TRACE_SQL=1` prints every statement with its duration (finding what a route
    // runs); read once, so the hot path pays one branch.
    let trace = std::env::var_os("MEDUSA_TRACE_SQL").is_some_and(|v| v != "0");
    conn.set_metric_callback(move |m| {
        counter.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        if trace {
            eprintln!("[sql {:>6}us] {}", m.elapsed.as_micros(), m.statement.sql);
        }
    });
    conn
}

/// Opens the pool described by the configuration. For SQLite the file (and its directory) is
/// created on first use.
pub async fn connect(config: &Config) -> anyhow::Result<DatabaseConnection> {
    let url = config.effective_database_url();
    let url = url.expose_secret();
    match config.database_kind() {
        DatabaseKind::Sqlite => connect_sqlite(url, config.database_pool_size.unwrap_or(8)).await,
        DatabaseKind::Postgres => {
            connect_postgres(
                url,
                config.database_ssl_mode,
                config.database_ssl_root_cert.as_deref(),
                config.database_pool_size.unwrap_or(10),
            )
            .await
        }
    }
}

/// SQLite with WAL (readers never block the writer), a busy timeout instead of instant
/// `SQLITE_BUSY`, and foreign keys enforced.
pub async fn connect_sqlite(url: &str, pool_size: u32) -> anyhow::Result<DatabaseConnection> {
    use sqlx::sqlite::{
        SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous,
    };
    let opts = SqliteConnectOptions::from_str(url)
        .with_context(|| format!("DATABASE_URL: cannot parse SQLite URL {url}"))?
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Normal)
        .busy_timeout(Duration::from_secs(10))
        .foreign_keys(true);
    if let Some(dir) = opts.get_filename().parent()
        && !dir.as_os_str().is_empty()
    {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("cannot create the data directory {}", dir.display()))?;
    }
    let pool = SqlitePoolOptions::new()
        .max_connections(pool_size.max(1))
        .acquire_timeout(Duration::from_secs(15))
        .connect_with(opts)
        .await
        .context("cannot open the SQLite database")?;
    Ok(counted(
        SqlxSqliteConnector::from_sqlx_sqlite_pool(pool),
        url,
    ))
}

/// PostgreSQL with the TLS mode and CA certificate from the configuration (both can also come
/// from the URL as `sslmode=`/`sslrootcert=`; the explicit settings win).
pub async fn connect_postgres(
    url: &str,
    ssl_mode: Option<SslMode>,
    root_cert: Option<&std::path::Path>,
    pool_size: u32,
) -> anyhow::Result<DatabaseConnection> {
    use sqlx::postgres::{PgConnectOptions, PgPoolOptions, PgSslMode};
    let mut opts = PgConnectOptions::from_str(url)
        .context("DATABASE_URL: cannot parse the PostgreSQL URL")?
        .application_name("medusa-rs");
    if let Some(mode) = ssl_mode {
        opts = opts.ssl_mode(match mode {
            SslMode::Disable => PgSslMode::Disable,
            SslMode::Allow => PgSslMode::Allow,
            SslMode::Prefer => PgSslMode::Prefer,
            SslMode::Require => PgSslMode::Require,
            SslMode::VerifyCa => PgSslMode::VerifyCa,
            SslMode::VerifyFull => PgSslMode::VerifyFull,
        });
    }
    if let Some(cert) = root_cert {
        opts = opts.ssl_root_cert(cert);
    }
    let pool = PgPoolOptions::new()
        .max_connections(pool_size.max(1))
        .acquire_timeout(Duration::from_secs(15))
        .connect_with(opts)
        .await
        .context("cannot connect to PostgreSQL (DATABASE_URL)")?;
    Ok(counted(
        SqlxPostgresConnector::from_sqlx_postgres_pool(pool),
        url,
    ))
}

/// A transaction that will write. On SQLite it takes the write lock at `BEGIN` so concurrent
/// writers queue on the busy timeout instead of failing mid-transaction.
pub async fn begin_write(db: &DatabaseConnection) -> Result<DatabaseTransaction, DbErr> {
    match db.get_database_backend() {
        DbBackend::Sqlite => {
            db.begin_with_options(TransactionOptions {
                sqlite_transaction_mode: Some(sea_orm::SqliteTransactionMode::Immediate),
                ..Default::default()
            })
            .await
        }
        _ => db.begin().await,
    }
}

/// `FOR UPDATE` where the backend has row locks. On SQLite [`begin_write`] already holds the
/// database's single write lock, which is stronger.
pub fn for_update<S: sea_orm::QuerySelect>(db_backend: DbBackend, select: S) -> S {
    match db_backend {
        DbBackend::Postgres => select.lock_exclusive(),
        _ => select,
    }
}

/// Whether a guarded single-row `UPDATE ... WHERE <guard>` applied: `Ok(true)` when exactly one
/// row changed, `Ok(false)` when the guard did not hold. More than one row is a bug.
pub fn expect_one_row(result: &sea_orm::ExecResult) -> Result<bool, DbErr> {
    match result.rows_affected() {
        0 => Ok(false),
        1 => Ok(true),
        n => Err(DbErr::Custom(format!(
            "a single-row conditional update changed {n} rows"
        ))),
    }
}

/// Backend name for logs.
pub fn backend_name(db: &DatabaseConnection) -> &'static str {
    match db.get_database_backend() {
        DbBackend::Postgres => "postgres",
        DbBackend::Sqlite => "sqlite",
        _ => "other",
    }
}

/// A cheap round trip, for readiness checks.
pub async fn ping(db: &DatabaseConnection) -> Result<(), DbErr> {
    db.ping().await
}
