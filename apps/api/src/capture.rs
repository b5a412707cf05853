//! Delayed capture: an order's authorized payment is captured `CAPTURE_DELAY` after placement,
//! exactly once, whatever crashes, retries, Redis outages or concurrent workers happen.
//!
//! * **The job row** (order module, `order_capture_job`) is written in the transaction that
//!   places the order, so a placed order cannot lose its capture. `run_at = placed_at + delay`.
//! * **Triggers.** A poller ([`CapturePoller`], a [`Job`] of the job loop, every
//!   `JOB_POLL_INTERVAL`) claims due jobs: correctness rests on it alone. When Redis is
//!   configured the api also sets `capture_intent:{order_id}` with the delay as TTL, and
//!   [`listen`] turns the key's expiry event into an immediate claim of that order's job: Redis
//!   only makes the capture prompt.
//! * **Claims** take a lease (`FOR UPDATE SKIP LOCKED` on PostgreSQL, a conditional claim under
//!   SQLite's write lock); a job whose lease expired (a crashed worker) is claimed again.
//! * **The capture step** ([`Capturer::run`]): re-reads the order and the payment (the payment
//!   module is the truth, never metadata), captures the order's current total capped at the
//!   authorized amount through the payment module with the job's deterministic key
//!   `capture:{payment_id}:{attempt_group}` (stored before the provider call; a retry after a
//!   crash repeats the call with the same key, so the provider moves the money once), then
//!   records the order transaction, the `payment.captured` event and the job's completion in one
//!   order transaction. Provider errors are retried with exponential backoff and the same key;
//!   after the last attempt the job is `failed`, logged at error level and counted
//!   ([`failed_captures`]).
//! * **Authorizations expire** (Stripe: 7 days): open jobs whose authorization expires within a
//!   day are flagged once, logged and moved to the front of the queue.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use async_trait::async_trait;
use medusa_core::id::PaymentId;
use medusa_core::registry::Registry;
use medusa_core::{Amount, Clock};
use medusa_jobs::Job;
use medusa_order::{CaptureJob, NewTransaction, OrderService, OrderStatus, RecordCapture};
use medusa_payment::{CapturePayment, Payment, PaymentError, PaymentService};
use tracing::Instrument;

/// The Redis key whose expiry wakes the capture of an order.
pub const INTENT_PREFIX: &str = "capture_intent:";

/// How long an authorization stays valid after placement (Stripe's card default).
pub const AUTHORIZATION_VALIDITY: Duration = Duration::from_secs(7 * 24 * 3600);

static FAILED: AtomicU64 = AtomicU64::new(0);
static FLAGGED: AtomicU64 = AtomicU64::new(0);

/// Capture jobs that gave up after their last attempt, since the process started (a metric).
pub fn failed_captures() -> u64 {
    FAILED.load(Ordering::Relaxed)
}

/// Capture jobs flagged because their authorization is about to expire (a metric).
pub fn expiring_authorizations() -> u64 {
    FLAGGED.load(Ordering::Relaxed)
}

/// How the capture step claims and retries.
#[derive(Debug, Clone)]
pub struct CaptureSettings {
    /// How long a claim is exclusive; a worker that dies loses the job after this.
    pub lease: Duration,
    /// Attempts (claims) before a job is marked failed.
    pub max_attempts: i32,
    /// Retry delay after the n-th failed attempt: `backoff · 2^(n-1)`, at most `max_backoff`.
    pub backoff: Duration,
    pub max_backoff: Duration,
    /// Jobs claimed per poll.
    pub batch: u64,
    /// Flag jobs whose authorization expires within this.
    pub expiry_warning: Duration,
}

impl Default for CaptureSettings {
    fn default() -> Self {
        CaptureSettings {
            lease: Duration::from_secs(120),
            max_attempts: 5,
            backoff: Duration::from_secs(30),
            max_backoff: Duration::from_secs(30 * 60),
            batch: 20,
            expiry_warning: Duration::from_secs(24 * 3600),
        }
    }
}

impl CaptureSettings {
    fn backoff_after(&self, attempts: i32) -> Duration {
        let n = u32::try_from(attempts.max(1) - 1).unwrap_or(0).min(20);
        self.backoff
            .saturating_mul(2u32.saturating_pow(n))
            .min(self.max_backoff)
    }
}

/// What one run of a claimed job came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Captured,
    /// Nothing to capture (captured elsewhere, or a zero total): done.
    NothingToCapture,
    Retry(String),
    Failed(String),
    /// Another claimer took over (our lease ran out) or the order is gone.
    Lost,
}

/// The capture step, shared by the poller, the Redis listener and tests.
pub struct Capturer {
    registry: Arc<Registry>,
    clock: Arc<dyn Clock>,
    worker: String,
    settings: CaptureSettings,
}

fn svc<T: ?Sized + Send + Sync + 'static>(registry: &Registry) -> anyhow::Result<Arc<T>> {
    registry.get::<T>().map_err(|e| anyhow::anyhow!("{e:?}"))
}

impl Capturer {
    pub fn new(registry: Arc<Registry>, clock: Arc<dyn Clock>, settings: CaptureSettings) -> Self {
        Capturer {
            registry,
            clock,
            worker: format!("pid{}", std::process::id()),
            settings,
        }
    }

    /// Names the claimer in `claimed_by` (tests run several in one process).
    pub fn named(mut self, worker: impl Into<String>) -> Self {
        self.worker = worker.into();
        self
    }

    pub fn settings(&self) -> &CaptureSettings {
        &self.settings
    }

    /// Claims due jobs (batch by batch until none is left) and captures each. Returns how many
    /// jobs were handled.
    pub async fn capture_due(&self) -> anyhow::Result<usize> {
        let orders = svc::<dyn OrderService>(&self.registry)?;
        self.flag_expiring(orders.as_ref()).await;
        let mut handled = 0;
        loop {
            let jobs = orders
                .claim_due_capture_jobs(&self.worker, self.settings.lease, self.settings.batch)
                .await?;
            if jobs.is_empty() {
                return Ok(handled);
            }
            for job in jobs {
                self.run(job).await;
                handled += 1;
            }
        }
    }

    /// Claims the order's job at once (a Redis expiry event) and captures. `false` when there
    /// was nothing to claim (done, canceled, or another worker holds it).
    pub async fn capture_order_now(&self, order_id: &str) -> anyhow::Result<bool> {
        let orders = svc::<dyn OrderService>(&self.registry)?;
        let Some(job) = orders
            .claim_capture_job_for_order(order_id, &self.worker, self.settings.lease)
            .await?
        else {
            return Ok(false);
        };
        self.run(job).await;
        Ok(true)
    }

    async fn flag_expiring(&self, orders: &dyn OrderService) {
        match orders
            .flag_expiring_capture_jobs(self.settings.expiry_warning)
            .await
        {
            Ok(jobs) => {
                for j in jobs {
                    FLAGGED.fetch_add(1, Ordering::Relaxed);
                    tracing::warn!(
                        order = %j.order_id,
                        payment = %j.payment_id,
                        status = j.status.as_str(),
                        expires_at = %j.authorization_expires_at,
                        "the payment authorization expires soon and the order is not captured"
                    );
                }
            }
            Err(e) => tracing::error!(error = %e, "could not check for expiring authorizations"),
        }
    }

    /// Runs one claimed job to an outcome and writes it back.
    pub async fn run(&self, job: CaptureJob) -> Outcome {
        let span = tracing::info_span!(
            "capture",
            order = %job.order_id,
            payment = %job.payment_id,
            attempt = job.attempts,
            key = %job.idempotency_key()
        );
        async move {
            let outcome = match self.attempt(&job).await {
                Ok(o) => o,
                Err(e) => Outcome::Retry(format!("{e:#}")),
            };
            self.settle(&job, outcome).await
        }
        .instrument(span)
        .await
    }

    async fn attempt(&self, job: &CaptureJob) -> anyhow::Result<Outcome> {
        let orders = svc::<dyn OrderService>(&self.registry)?;
        let payments = svc::<dyn PaymentService>(&self.registry)?;
        let order = match orders.retrieve(job.order_id.as_str()).await {
            Ok(o) => o,
            Err(medusa_order::OrderError::NotFound(_)) => {
                return Ok(Outcome::Failed("the order no longer exists".into()));
            }
            Err(e) => return Err(e.into()),
        };
        if order.status == OrderStatus::Canceled {
            // The cancel cancels the job in its transaction; a claim racing it lands here.
            return Ok(Outcome::Failed("the order was canceled".into()));
        }
        let payment_id = PaymentId::parse(&job.payment_id)
            .map_err(|_| anyhow::anyhow!("bad payment id {}", job.payment_id))?;
        let payment = payments.retrieve_payment(&payment_id).await?;
        if payment.canceled_at.is_some() {
            return Ok(Outcome::Failed("the payment was canceled".into()));
        }
        // The order's current total (an edit during the grace period captures less), never more
        // than was authorized.
        let total = crate::order::totals(&order)
            .map_err(|e| anyhow::anyhow!("order totals: {e:?}"))?
            .aggregate
            .total;
        let target = if total < payment.amount {
            total
        } else {
            payment.amount
        };
        let remaining = target - payment.captured_amount;
        let amount = if remaining > Amount::ZERO {
            remaining
        } else {
            // Only repeats a capture recorded under this key by an earlier attempt, if any.
            Amount::ZERO
        };
        let captured = payments
            .capture_payment_keyed(
                CapturePayment {
                    payment_id: payment_id.clone(),
                    amount: Some(amount),
                    created_by: None,
                },
                &job.idempotency_key(),
            )
            .await;
        let payment = match captured {
            Ok(p) => p,
            Err(PaymentError::Canceled(_)) => {
                return Ok(Outcome::Failed("the payment was canceled".into()));
            }
            // A concurrent capture (an admin) changed what is left: look again next time.
            Err(PaymentError::OverCapture) => {
                return Ok(Outcome::Retry(
                    "the captured amount changed meanwhile".into(),
                ));
            }
            Err(e) => return Ok(Outcome::Retry(e.to_string())),
        };
        let something = !payment.captures.is_empty();
        record(orders.as_ref(), job.order_id.as_str(), &payment).await?;
        Ok(if something {
            Outcome::Captured
        } else {
            Outcome::NothingToCapture
        })
    }

    async fn settle(&self, job: &CaptureJob, outcome: Outcome) -> Outcome {
        let orders = match svc::<dyn OrderService>(&self.registry) {
            Ok(o) => o,
            Err(e) => {
                tracing::error!(error = %e, "no order service");
                return outcome;
            }
        };
        let written = match &outcome {
            Outcome::Captured | Outcome::NothingToCapture | Outcome::Lost => {
                tracing::info!(outcome = ?outcome, "capture job finished");
                return outcome;
            }
            Outcome::Retry(error) if job.attempts < self.settings.max_attempts => {
                let delay = self.settings.backoff_after(job.attempts);
                let at = self.clock.now()
                    + chrono::Duration::from_std(delay).unwrap_or(chrono::Duration::minutes(1));
                tracing::warn!(%error, retry_in = ?delay, "capture attempt failed; retrying with the same idempotency key");
                orders.retry_capture_job(job, error, at).await
            }
            Outcome::Retry(error) | Outcome::Failed(error) => {
                FAILED.fetch_add(1, Ordering::Relaxed);
                tracing::error!(%error, attempts = job.attempts, "capture job failed; the payment needs a person");
                orders.fail_capture_job(job, error).await
            }
        };
        match written {
            Ok(true) => outcome,
            Ok(false) => {
                tracing::info!("the capture job was taken over or finished meanwhile");
                Outcome::Lost
            }
            Err(e) => {
                // The lease runs out and the job is claimed again.
                tracing::error!(error = %e, "could not write the capture job back");
                outcome
            }
        }
    }
}

/// Records the payment's captures on the order (the ones not recorded yet), `payment.captured`
/// and the job's completion, in one order transaction.
pub async fn record(
    orders: &dyn OrderService,
    order_id: &str,
    payment: &Payment,
) -> Result<(), medusa_order::OrderError> {
    orders
        .record_capture(
            order_id,
            RecordCapture {
                transactions: payment
                    .captures
                    .iter()
                    .map(|c| NewTransaction {
                        amount: c.amount,
                        reference: "capture".into(),
                        reference_id: c.id.to_string(),
                    })
                    .collect(),
                payment_id: payment.id.to_string(),
            },
        )
        .await
}

/// A manual capture (`POST /admin/payments/:id/capture`) happened: the order records it and its
/// capture job is done, so the delayed capture never runs for it.
pub async fn after_manual_capture(registry: &Registry, payment: &Payment) -> anyhow::Result<()> {
    let orders = svc::<dyn OrderService>(registry)?;
    let Some(order_id) = orders
        .order_for_payment_collection(payment.payment_collection_id.as_str())
        .await?
    else {
        return Ok(());
    };
    record(orders.as_ref(), order_id.as_str(), payment).await?;
    Ok(())
}

/// The order was canceled: its payments' authorizations are canceled at the provider (payment
/// `canceled_at`, session `canceled`), as Medusa's `cancelOrderWorkflow` does for uncaptured
/// payments. Captured payments are left for a refund.
pub async fn cancel_payments(registry: &Registry, order_id: &str) -> anyhow::Result<()> {
    let orders = svc::<dyn OrderService>(registry)?;
    let payments = svc::<dyn PaymentService>(registry)?;
    let ids: Vec<medusa_core::id::PaymentCollectionId> = orders
        .payment_collections(&[order_id.to_owned()])
        .await?
        .into_iter()
        .filter_map(|(_, pc)| medusa_core::id::PaymentCollectionId::parse(&pc).ok())
        .collect();
    for collection in payments.list_collections(&ids).await? {
        for p in &collection.payments {
            if p.canceled_at.is_some() || p.captured_amount > Amount::ZERO {
                continue;
            }
            payments.cancel_payment(&p.id).await?;
            tracing::info!(order = %order_id, payment = %p.id, "payment authorization canceled with the order");
        }
    }
    Ok(())
}

/// The poller: a [`Job`] of the job loop.
pub struct CapturePoller(pub Arc<Capturer>);

#[async_trait]
impl Job for CapturePoller {
    fn name(&self) -> &'static str {
        "capture_payments"
    }

    async fn run_once(&self) -> anyhow::Result<usize> {
        self.0.capture_due().await
    }
}

/// Listens for `capture_intent:{order_id}` expiry events (when Redis is configured) and
/// captures that order at once. On every (re)connection the listener makes sure the server
/// emits them (`CONFIG SET notify-keyspace-events` adding `Ex`), warning where a managed Redis
/// refuses, and subscribes again: see [`crate::redis::watch_expired_keys`].
pub fn listen(
    redis_url: String,
    capturer: Arc<Capturer>,
    shutdown: tokio_util::sync::CancellationToken,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let tasks = tokio_util::task::TaskTracker::new();
        let t = tasks.clone();
        crate::redis::watch_expired_keys(redis_url, INTENT_PREFIX, shutdown, move |order_id| {
            let capturer = capturer.clone();
            t.spawn(async move {
                match capturer.capture_order_now(&order_id).await {
                    Ok(true) => {}
                    Ok(false) => {
                        tracing::debug!(order = %order_id, "capture intent expired; nothing to claim")
                    }
                    Err(e) => {
                        tracing::warn!(order = %order_id, error = format!("{e:#}"), "capture on expiry failed; the poller retries")
                    }
                }
            });
        })
        .await;
        tasks.close();
        tasks.wait().await;
    })
}

/// After the order commits: `capture_intent:{order_id}` with the capture delay as TTL, so the
/// expiry event wakes a listener right when the capture is due. A failure only logs.
pub async fn set_intent(redis: &crate::redis::Redis, order_id: &str, delay: Duration) {
    let key = format!("{INTENT_PREFIX}{order_id}");
    if let Err(e) = redis.set_with_ttl(&key, delay).await {
        tracing::warn!(order = %order_id, error = %e, "could not set the capture intent in Redis; the poller captures the order");
    }
}
