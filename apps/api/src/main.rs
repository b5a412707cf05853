//! `cargo run`: the api on the embedded default (SQLite file, in-process jobs), or whatever the
//! environment configures.

use std::sync::Arc;

use medusa_api::startup::{Application, Options};
use medusa_core::SystemClock;
use medusa_core::config::Config;

/// mimalloc: the catalog routes allocate many small objects from several threads, where glibc's
/// allocator spent a third of the CPU in the benchmark.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let config = Config::load()?;
    medusa_api::telemetry::init(config.log_format);
    let app = Application::build(config, Arc::new(SystemClock), Options::default()).await?;
    let handle = app.handle();
    tokio::spawn(async move {
        shutdown_signal().await;
        tracing::info!("shutting down: finishing in-flight requests and jobs");
        handle.stop(true).await;
    });
    app.run_until_stopped().await?;
    Ok(())
}

/// SIGINT or SIGTERM.
async fn shutdown_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
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
    #[cfg(not(unix))]
    {
        let _ = ctrl_c.await;
    }
}
