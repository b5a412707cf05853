//! The background job loop. `apps/worker` runs it; in embedded mode (`WORKER_MODE=shared`) the
//! api runs the same loop in-process, so one `cargo run` gives a complete store.
//!
//! A job is polled every `JOB_POLL_INTERVAL` and may also be woken early (a Redis keyspace
//! event, a local notification) through [`Waker`]. Jobs must be idempotent and claim their work
//! in the database (leases, `SKIP LOCKED`): several processes may run the loop at once, and a
//! wake-up is only ever a hint.

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;
use tracing::Instrument;

/// One kind of background work.
#[async_trait]
pub trait Job: Send + Sync + 'static {
    fn name(&self) -> &'static str;
    /// Does whatever is due and returns how many items it handled.
    async fn run_once(&self) -> anyhow::Result<usize>;
}

/// Wakes the loop before its next poll.
#[derive(Clone, Default)]
pub struct Waker(Arc<Notify>);

impl Waker {
    pub fn wake(&self) {
        self.0.notify_one();
    }
}

/// The loop: polls every job, then sleeps until the interval passes, a wake-up or shutdown.
pub struct JobRunner {
    jobs: Vec<Arc<dyn Job>>,
    interval: Duration,
    waker: Waker,
}

impl JobRunner {
    pub fn new(interval: Duration) -> Self {
        JobRunner {
            jobs: Vec::new(),
            interval,
            waker: Waker::default(),
        }
    }

    pub fn with_job(mut self, job: Arc<dyn Job>) -> Self {
        self.jobs.push(job);
        self
    }

    pub fn waker(&self) -> Waker {
        self.waker.clone()
    }

    pub fn job_names(&self) -> Vec<&'static str> {
        self.jobs.iter().map(|j| j.name()).collect()
    }

    /// Runs until `shutdown` is cancelled. A job in progress finishes its current pass first,
    /// so shutdown never abandons half-done work.
    pub async fn run(self, shutdown: CancellationToken) {
        tracing::info!(jobs = ?self.job_names(), interval = ?self.interval, "job loop started");
        loop {
            for job in &self.jobs {
                let span = tracing::info_span!("job", job = job.name());
                match job.run_once().instrument(span).await {
                    Ok(0) => {}
                    Ok(n) => tracing::info!(job = job.name(), handled = n, "job pass done"),
                    Err(e) => tracing::error!(
                        job = job.name(),
                        error = format!("{e:#}"),
                        "job pass failed"
                    ),
                }
                if shutdown.is_cancelled() {
                    break;
                }
            }
            tokio::select! {
                _ = shutdown.cancelled() => break,
                _ = tokio::time::sleep(self.interval) => {}
                _ = self.waker.0.notified() => {}
            }
        }
        tracing::info!("job loop stopped");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    struct Counting(Arc<AtomicUsize>, Duration);

    #[async_trait]
    impl Job for Counting {
        fn name(&self) -> &'static str {
            "counting"
        }
        async fn run_once(&self) -> anyhow::Result<usize> {
            tokio::time::sleep(self.1).await;
            self.0.fetch_add(1, Ordering::SeqCst);
            Ok(1)
        }
    }

    #[tokio::test]
    async fn polls_until_shutdown_and_finishes_the_current_pass() {
        let count = Arc::new(AtomicUsize::new(0));
        let runner = JobRunner::new(Duration::from_millis(10))
            .with_job(Arc::new(Counting(count.clone(), Duration::from_millis(50))));
        let token = CancellationToken::new();
        let handle = tokio::spawn(runner.run(token.clone()));
        tokio::time::sleep(Duration::from_millis(130)).await;
        token.cancel();
        handle.await.unwrap();
        let n = count.load(Ordering::SeqCst);
        // Started passes complete: the count only ever moves in whole passes.
        assert!(n >= 2, "ran {n} passes");
        tokio::time::sleep(Duration::from_millis(100)).await;
        assert_eq!(
            count.load(Ordering::SeqCst),
            n,
            "nothing runs after shutdown"
        );
    }

    #[tokio::test]
    async fn a_wake_up_runs_the_loop_before_the_interval() {
        let count = Arc::new(AtomicUsize::new(0));
        let runner = JobRunner::new(Duration::from_secs(3600))
            .with_job(Arc::new(Counting(count.clone(), Duration::ZERO)));
        let waker = runner.waker();
        let token = CancellationToken::new();
        let handle = tokio::spawn(runner.run(token.clone()));
        tokio::time::sleep(Duration::from_millis(50)).await;
        assert_eq!(count.load(Ordering::SeqCst), 1);
        waker.wake();
        tokio::time::sleep(Duration::from_millis(50)).await;
        assert_eq!(count.load(Ordering::SeqCst), 2);
        token.cancel();
        handle.await.unwrap();
    }
}
