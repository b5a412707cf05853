//! The background work of a job loop, the same in the worker binary and in the api's embedded
//! mode (`WORKER_MODE=shared`). Adding a job is one line in [`jobs`].

use std::sync::Arc;

use medusa_core::Clock;
use medusa_core::config::Config;
use medusa_core::registry::Registry;
use medusa_jobs::{Job, JobRunner};
use secrecy::ExposeSecret;
use tokio_util::sync::CancellationToken;

use crate::capture::{CapturePoller, CaptureSettings, Capturer};
use crate::outbox::{OutboxDispatcher, OutboxSettings};
use crate::stale_reservations::{StaleReservationSweeper, SweepSettings};

/// What the jobs share.
pub struct Background {
    pub capturer: Arc<Capturer>,
    pub outbox: Arc<OutboxDispatcher>,
    pub stale_reservations: Arc<StaleReservationSweeper>,
}

impl Background {
    pub fn new(registry: Arc<Registry>, clock: Arc<dyn Clock>) -> Self {
        Background {
            capturer: Arc::new(Capturer::new(
                registry.clone(),
                clock.clone(),
                CaptureSettings::default(),
            )),
            outbox: Arc::new(OutboxDispatcher::new(
                registry.clone(),
                clock.clone(),
                crate::outbox::subscribers(),
                OutboxSettings::default(),
            )),
            stale_reservations: Arc::new(StaleReservationSweeper::new(
                registry,
                clock,
                SweepSettings::default(),
            )),
        }
    }
}

/// Every job the loop polls, in order.
pub fn jobs(bg: &Background) -> Vec<Arc<dyn Job>> {
    vec![
        Arc::new(CapturePoller(bg.capturer.clone())),
        bg.outbox.clone(),
        bg.stale_reservations.clone(),
    ]
}

/// Starts the job loop (and, with Redis, the capture-intent listener) until `shutdown`; the
/// handle finishes once both stopped.
pub fn spawn(
    config: &Config,
    registry: Arc<Registry>,
    clock: Arc<dyn Clock>,
    shutdown: CancellationToken,
) -> tokio::task::JoinHandle<()> {
    let bg = Background::new(registry, clock);
    let runner = jobs(&bg)
        .into_iter()
        .fold(JobRunner::new(config.job_poll_interval.0), |r, j| {
            r.with_job(j)
        });
    let listener = config.redis_url.as_ref().map(|url| {
        crate::capture::listen(
            url.expose_secret().to_owned(),
            bg.capturer.clone(),
            shutdown.clone(),
        )
    });
    tokio::spawn(async move {
        runner.run(shutdown).await;
        if let Some(l) = listener {
            let _ = l.await;
        }
    })
}
