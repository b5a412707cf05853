//! The outbox dispatcher on both backends: two dispatchers racing over the same events deliver
//! each exactly once and mark every row processed; a failing subscriber is retried with backoff
//! and given up after the attempt limit.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use medusa_api::outbox::{OutboxDispatcher, OutboxSettings, Subscriber};
use medusa_order::Event;
use medusa_testkit::{TestApp, both_backends, spawn_app};

use crate::store_orders::{orders, place};

/// Records every delivery; fails the first `fail_first` deliveries of each event.
#[derive(Default)]
struct Recorder {
    seen: Mutex<Vec<String>>,
    fail_first: usize,
    attempts: Mutex<HashMap<String, usize>>,
}

#[async_trait]
impl Subscriber for Recorder {
    fn name(&self) -> &'static str {
        "recorder"
    }

    fn handles(&self, event_name: &str) -> bool {
        event_name == "order.placed"
    }

    async fn handle(&self, event: &Event) -> anyhow::Result<()> {
        let n = {
            let mut a = self.attempts.lock().unwrap();
            let n = a.entry(event.id.to_string()).or_default();
            *n += 1;
            *n
        };
        // Give the other dispatcher a chance to interleave.
        tokio::time::sleep(Duration::from_millis(2)).await;
        if n <= self.fail_first {
            anyhow::bail!("subscriber down (attempt {n})");
        }
        self.seen.lock().unwrap().push(event.id.to_string());
        Ok(())
    }
}

fn dispatcher(
    app: &TestApp,
    name: &str,
    sub: Arc<Recorder>,
    settings: OutboxSettings,
) -> OutboxDispatcher {
    OutboxDispatcher::new(
        app.state.registry.clone(),
        app.state.clock.clone(),
        vec![sub],
        settings,
    )
    .named(name)
}

fn fast() -> OutboxSettings {
    OutboxSettings {
        backoff: Duration::ZERO,
        max_backoff: Duration::ZERO,
        batch: 5,
        ..OutboxSettings::default()
    }
}

both_backends!(
    async fn two_dispatchers_deliver_each_event_exactly_once(backend: Backend) {
        let app = spawn_app(backend).await;
        for i in 0..30 {
            place(&app, &format!("cart_outbox_{i}"), None).await;
        }
        let pending = orders(&app).pending_events(1000).await.unwrap();
        let placed: Vec<String> = pending
            .iter()
            .filter(|e| e.name == "order.placed")
            .map(|e| e.id.to_string())
            .collect();
        assert_eq!(placed.len(), 30);

        let sub = Arc::new(Recorder::default());
        let a = dispatcher(&app, "a", sub.clone(), fast());
        let b = dispatcher(&app, "b", sub.clone(), fast());
        let (ra, rb) = tokio::join!(a.dispatch_due(), b.dispatch_due());
        let (na, nb) = (ra.unwrap(), rb.unwrap());
        assert_eq!(
            na + nb,
            pending.len(),
            "every event handled once: {na} + {nb}"
        );

        let mut seen = sub.seen.lock().unwrap().clone();
        seen.sort();
        let mut want = placed.clone();
        want.sort();
        assert_eq!(seen, want, "each order.placed delivered exactly once");
        assert!(
            orders(&app).pending_events(1000).await.unwrap().is_empty(),
            "every row is marked processed"
        );
        for id in &placed {
            let d = orders(&app).event_delivery(id).await.unwrap().unwrap();
            assert_eq!(d.attempts, 1);
            assert!(d.event.processed_at.is_some());
        }
        // Nothing is delivered twice on later passes.
        assert_eq!(a.dispatch_due().await.unwrap(), 0);
        assert_eq!(sub.seen.lock().unwrap().len(), 30);
    }
);

both_backends!(
    async fn a_failing_subscriber_is_retried_then_given_up(backend: Backend) {
        let app = spawn_app(backend).await;
        place(&app, "cart_retry", None).await;
        let event = orders(&app)
            .pending_events(10)
            .await
            .unwrap()
            .into_iter()
            .find(|e| e.name == "order.placed")
            .unwrap();
        let id = event.id.to_string();

        // Fails once: the first pass schedules a retry after the backoff, which is not due yet.
        let flaky = Arc::new(Recorder {
            fail_first: 1,
            ..Recorder::default()
        });
        let slow_retry = OutboxSettings {
            backoff: Duration::from_secs(60),
            max_backoff: Duration::from_secs(600),
            ..fast()
        };
        let d = dispatcher(&app, "a", flaky.clone(), slow_retry);
        d.dispatch_due().await.unwrap();
        let row = orders(&app).event_delivery(&id).await.unwrap().unwrap();
        assert_eq!(row.attempts, 1);
        assert!(row.event.processed_at.is_none());
        assert!(row.next_attempt_at.is_some());
        assert!(row.last_error.unwrap().contains("subscriber down"));
        assert!(flaky.seen.lock().unwrap().is_empty());
        assert_eq!(
            d.dispatch_due().await.unwrap(),
            0,
            "not due before the backoff"
        );
        // After the backoff it is delivered.
        app.clock.advance(chrono::Duration::seconds(61));
        d.dispatch_due().await.unwrap();
        let row = orders(&app).event_delivery(&id).await.unwrap().unwrap();
        assert_eq!(row.attempts, 2);
        assert!(row.event.processed_at.is_some());
        assert_eq!(*flaky.seen.lock().unwrap(), vec![id.clone()]);

        // Always failing: given up after `max_attempts`, never processed, never claimed again.
        place(&app, "cart_give_up", None).await;
        let event = orders(&app)
            .pending_events(10)
            .await
            .unwrap()
            .into_iter()
            .find(|e| e.name == "order.placed")
            .unwrap();
        let id = event.id.to_string();
        let broken = Arc::new(Recorder {
            fail_first: usize::MAX,
            ..Recorder::default()
        });
        let d = dispatcher(
            &app,
            "b",
            broken.clone(),
            OutboxSettings {
                max_attempts: 3,
                ..fast()
            },
        );
        d.dispatch_due().await.unwrap();
        let row = orders(&app).event_delivery(&id).await.unwrap().unwrap();
        assert_eq!(row.attempts, 3);
        assert!(row.failed_at.is_some());
        assert!(row.event.processed_at.is_none());
        assert_eq!(d.dispatch_due().await.unwrap(), 0);
        assert_eq!(*broken.attempts.lock().unwrap().get(&id).unwrap(), 3);
    }
);
