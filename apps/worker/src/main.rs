//! The background worker: runs the job loop against the shared database (and Redis, when
//! configured) until SIGTERM/SIGINT, then finishes the current pass and exits.
//!
//! Run it beside `WORKER_MODE=server` api processes; any number of workers may run at once
//! (capture jobs are claimed with leases, each captured exactly once).

use std::sync::Arc;

use medusa_core::SystemClock;
use medusa_core::config::Config;
use medusa_core::registry::{ModuleContext, Registry};
use sea_orm_migration::MigratorTrait;
use tokio_util::sync::CancellationToken;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let config = Arc::new(Config::load()?);
    medusa_api::telemetry::init(config.log_format);
    let db = medusa_db::connect(&config).await?;
    let pending = medusa_api::Migrator::get_pending_migrations(&db).await?;
    if !pending.is_empty() {
        anyhow::bail!(
            "the database has {} pending migrations: run `cargo xtask migrate up` first",
            pending.len()
        );
    }
    let clock: Arc<dyn medusa_core::Clock> = Arc::new(SystemClock);
    let ctx = ModuleContext {
        db: db.clone(),
        config: config.clone(),
        clock: clock.clone(),
    };
    let registry = Arc::new(Registry::build(&ctx, &medusa_api::modules()));
    tracing::info!(
        database = %config.database_url_for_log(),
        modules = ?registry.modules(),
        "medusa-rs worker started"
    );
    let shutdown = CancellationToken::new();
    // The capture poller (and other jobs), plus the Redis expiry listener when REDIS_URL is set.
    let loop_handle = medusa_api::jobs::spawn(&config, registry, clock, shutdown.clone());
    shutdown_signal().await;
    tracing::info!("shutting down: finishing the current pass");
    shutdown.cancel();
    loop_handle.await?;
    db.close().await?;
    tracing::info!("worker stopped");
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    let mut term = match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
        Ok(s) => s,
        Err(_) => {
            let _ = ctrl_c.await;
            return;
        }
    };
    tokio::select! {
        _ = ctrl_c => {}
        _ = term.recv() => {}
    }
}
