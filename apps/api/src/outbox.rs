//! Delivery of the durable event outbox (`event_outbox`, order module): the rows written in the
//! transaction of the change they announce (`order.placed`, `order.canceled`,
//! `payment.captured`, `order.fulfillment_created`, ...) are handed to the [`Subscriber`]s
//! registered for their name, like Medusa's event bus subscribers.
//!
//! * **Claims**: the [`OutboxDispatcher`] (a [`Job`] of the job loop, in the worker and in the
//!   api's embedded mode) claims due rows with a lease (`FOR UPDATE SKIP LOCKED` on PostgreSQL,
//!   a conditional claim under SQLite's write lock), so several processes never deliver one
//!   event at the same time.
//! * **Outcome**: when every matching subscriber succeeded the row is marked processed (guarded
//!   by the claim token). When one fails, the event is due again after an exponential backoff,
//!   and after `max_attempts` it is given up (`failed_at`), logged at error level and counted
//!   ([`failed_events`]).
//! * **At least once**: a dispatcher that dies between a subscriber's success and the mark
//!   leaves the row to be claimed again when its lease runs out, and a retry after a failure
//!   runs every subscriber of the event again. Subscribers are therefore idempotent, keyed by
//!   the event id where it matters (as Medusa's subscribers must be).

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use async_trait::async_trait;
use medusa_core::Clock;
use medusa_core::registry::Registry;
use medusa_jobs::Job;
use medusa_order::{ClaimedEvent, Event, OrderService};
use tracing::Instrument;

static FAILED: AtomicU64 = AtomicU64::new(0);

/// Outbox events given up after their last attempt, since the process started (a metric).
pub fn failed_events() -> u64 {
    FAILED.load(Ordering::Relaxed)
}

/// Something that reacts to outbox events (a notification, a search index, a webhook out).
#[async_trait]
pub trait Subscriber: Send + Sync + 'static {
    fn name(&self) -> &'static str;
    /// Whether this subscriber wants events of this name.
    fn handles(&self, event_name: &str) -> bool;
    /// Handles one event. An error makes the dispatcher retry the event later.
    async fn handle(&self, event: &Event) -> anyhow::Result<()>;
}

/// Logs every event: the trail of what happened, and proof that delivery works.
pub struct LoggingSubscriber;

#[async_trait]
impl Subscriber for LoggingSubscriber {
    fn name(&self) -> &'static str {
        "log"
    }

    fn handles(&self, _event_name: &str) -> bool {
        true
    }

    async fn handle(&self, event: &Event) -> anyhow::Result<()> {
        tracing::info!(
            event_id = %event.id,
            event = %event.name,
            payload = %event.payload,
            "event"
        );
        Ok(())
    }
}

/// Every subscriber, in delivery order. Adding one is one line here.
pub fn subscribers() -> Vec<Arc<dyn Subscriber>> {
    vec![Arc::new(LoggingSubscriber)]
}

/// How the dispatcher claims and retries.
#[derive(Debug, Clone)]
pub struct OutboxSettings {
    /// How long a claim is exclusive; a dispatcher that dies loses its events after this.
    pub lease: Duration,
    /// Delivery attempts before an event is given up.
    pub max_attempts: i32,
    /// Retry delay after the n-th failed attempt: `backoff · 2^(n-1)`, at most `max_backoff`.
    pub backoff: Duration,
    pub max_backoff: Duration,
    /// Events claimed at a time.
    pub batch: u64,
}

impl Default for OutboxSettings {
    fn default() -> Self {
        OutboxSettings {
            lease: Duration::from_secs(60),
            max_attempts: 8,
            backoff: Duration::from_secs(10),
            max_backoff: Duration::from_secs(60 * 60),
            batch: 50,
        }
    }
}

impl OutboxSettings {
    fn backoff_after(&self, attempt: i32) -> Duration {
        let n = u32::try_from(attempt.max(1) - 1).unwrap_or(0).min(20);
        self.backoff
            .saturating_mul(2u32.saturating_pow(n))
            .min(self.max_backoff)
    }
}

/// The job that delivers outbox events to the subscribers.
pub struct OutboxDispatcher {
    registry: Arc<Registry>,
    clock: Arc<dyn Clock>,
    subscribers: Vec<Arc<dyn Subscriber>>,
    settings: OutboxSettings,
    worker: String,
}

impl OutboxDispatcher {
    pub fn new(
        registry: Arc<Registry>,
        clock: Arc<dyn Clock>,
        subscribers: Vec<Arc<dyn Subscriber>>,
        settings: OutboxSettings,
    ) -> Self {
        OutboxDispatcher {
            registry,
            clock,
            subscribers,
            settings,
            worker: format!("pid{}", std::process::id()),
        }
    }

    /// Names the claimer in `claimed_by` (tests run several in one process).
    pub fn named(mut self, worker: impl Into<String>) -> Self {
        self.worker = worker.into();
        self
    }

    /// Claims due events batch by batch until none is left and delivers each. Returns how many
    /// events were handled (delivered or failed).
    pub async fn dispatch_due(&self) -> anyhow::Result<usize> {
        let orders = self
            .registry
            .get::<dyn OrderService>()
            .map_err(|e| anyhow::anyhow!("{e:?}"))?;
        let mut handled = 0;
        loop {
            let claimed = orders
                .claim_events(&self.worker, self.settings.lease, self.settings.batch)
                .await?;
            if claimed.is_empty() {
                return Ok(handled);
            }
            for c in claimed {
                let span = tracing::info_span!(
                    "outbox_event",
                    event_id = %c.event.id,
                    event = %c.event.name,
                    attempt = c.attempt
                );
                self.deliver(orders.as_ref(), &c).instrument(span).await?;
                handled += 1;
            }
        }
    }

    async fn deliver(&self, orders: &dyn OrderService, c: &ClaimedEvent) -> anyhow::Result<()> {
        let mut errors = Vec::new();
        for s in self.subscribers.iter().filter(|s| s.handles(&c.event.name)) {
            if let Err(e) = s.handle(&c.event).await {
                errors.push(format!("{}: {e:#}", s.name()));
            }
        }
        if errors.is_empty() {
            if !orders.complete_event(c).await? {
                tracing::warn!("delivered, but the claim was lost meanwhile (lease ran out)");
            }
            return Ok(());
        }
        let error = errors.join("; ");
        let retry_at = (c.attempt < self.settings.max_attempts).then(|| {
            let wait = chrono::Duration::from_std(self.settings.backoff_after(c.attempt))
                .unwrap_or(chrono::Duration::hours(1));
            self.clock.now() + wait
        });
        match retry_at {
            Some(at) => tracing::warn!(%error, retry_at = %at, "event delivery failed; will retry"),
            None => {
                FAILED.fetch_add(1, Ordering::Relaxed);
                tracing::error!(%error, "event delivery failed on its last attempt; giving up");
            }
        }
        if !orders.fail_event(c, &error, retry_at).await? {
            tracing::warn!("the claim was lost meanwhile (lease ran out)");
        }
        Ok(())
    }
}

#[async_trait]
impl Job for OutboxDispatcher {
    fn name(&self) -> &'static str {
        "outbox"
    }

    async fn run_once(&self) -> anyhow::Result<usize> {
        self.dispatch_due().await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_the_cap() {
        let s = OutboxSettings {
            backoff: Duration::from_secs(10),
            max_backoff: Duration::from_secs(60),
            ..OutboxSettings::default()
        };
        assert_eq!(s.backoff_after(1), Duration::from_secs(10));
        assert_eq!(s.backoff_after(2), Duration::from_secs(20));
        assert_eq!(s.backoff_after(3), Duration::from_secs(40));
        assert_eq!(s.backoff_after(4), Duration::from_secs(60));
        assert_eq!(s.backoff_after(40), Duration::from_secs(60));
    }
}
