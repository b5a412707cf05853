//! Delayed capture through the api with the system provider: the job written with the order,
//! the capture after `CAPTURE_DELAY` (test clock), exactly once; a cancel in the grace period;
//! a manual admin capture; the embedded SQLite mode with Redis down (the poller alone); and the
//! Redis expiry event capturing before any poll would.

use std::sync::Arc;
use std::time::{Duration, Instant};

use medusa_api::capture::{CaptureSettings, Capturer};
use medusa_core::id::PaymentId;
use medusa_order::{CaptureJob, CaptureJobStatus, OrderService};
use medusa_payment::PaymentService;
use medusa_testkit::{Backend, TestApp, both_backends, spawn_app_builder};
use serde_json::Value;

use crate::admin_regions::Admin;
use crate::store_carts::{region_id, variant};
use crate::store_checkout::{complete, pay, ready_cart};

/// Places an order paid with the system provider (authorized, not captured); returns its id.
pub async fn place_order(app: &TestApp, key: &str) -> String {
    let eur = region_id(app, key, "eur").await;
    let (variant_id, _) = variant(app, key, &eur, 0).await;
    let cart_id = ready_cart(app, key, &eur, &variant_id, 1).await;
    pay(app, key, &cart_id).await;
    let (status, res) = complete(app, key, &cart_id).await;
    assert_eq!(status, 200, "{res}");
    assert_eq!(res["type"], "order", "{res}");
    res["order"]["id"].as_str().unwrap().to_owned()
}

fn orders(app: &TestApp) -> Arc<dyn OrderService> {
    app.state.registry.get::<dyn OrderService>().unwrap()
}

fn payments(app: &TestApp) -> Arc<dyn PaymentService> {
    app.state.registry.get::<dyn PaymentService>().unwrap()
}

async fn job(app: &TestApp, order_id: &str) -> CaptureJob {
    orders(app)
        .capture_job_for_order(order_id)
        .await
        .unwrap()
        .expect("the order has a capture job")
}

fn capturer(app: &TestApp, name: &str) -> Capturer {
    Capturer::new(
        app.state.registry.clone(),
        Arc::new(app.clock.clone()),
        CaptureSettings::default(),
    )
    .named(name)
}

async fn wait_for_status(app: &TestApp, order_id: &str, want: CaptureJobStatus, within: Duration) {
    let started = Instant::now();
    loop {
        let j = job(app, order_id).await;
        if j.status == want {
            return;
        }
        assert!(
            started.elapsed() < within,
            "job still {:?} after {within:?}: {j:?}",
            j.status
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

both_backends!(
    async fn capture_runs_after_the_delay_exactly_once(backend: Backend) {
        let app = spawn_app_builder(backend)
            .env("CAPTURE_DELAY", "90s")
            .spawn()
            .await;
        let key = app.seed().await;
        let order_id = place_order(&app, &key).await;

        let j = job(&app, &order_id).await;
        assert_eq!(j.status, CaptureJobStatus::Pending);
        assert_eq!(j.attempts, 0);
        assert_eq!(j.idempotency_key(), format!("capture:{}:1", j.payment_id));
        let order = orders(&app).retrieve(&order_id).await.unwrap();
        assert_eq!((j.run_at - order.created_at).num_seconds(), 90);
        assert!(
            order.transactions.is_empty(),
            "nothing captured at checkout"
        );

        let c = capturer(&app, "w1");
        assert_eq!(c.capture_due().await.unwrap(), 0, "not due yet");
        app.clock.advance(chrono::Duration::seconds(89));
        assert_eq!(c.capture_due().await.unwrap(), 0, "not due yet");
        app.clock.advance(chrono::Duration::seconds(2));
        assert_eq!(c.capture_due().await.unwrap(), 1);
        assert_eq!(c.capture_due().await.unwrap(), 0, "never twice");

        let j = job(&app, &order_id).await;
        assert_eq!(j.status, CaptureJobStatus::Done);
        let pay = payments(&app)
            .retrieve_payment(&PaymentId::parse(&j.payment_id).unwrap())
            .await
            .unwrap();
        assert_eq!(pay.captures.len(), 1);
        assert_eq!(pay.captured_amount, pay.amount);
        assert!(pay.captured_at.is_some());
        let order = orders(&app).retrieve(&order_id).await.unwrap();
        assert_eq!(order.transactions.len(), 1);
        assert_eq!(order.transactions[0].amount, pay.amount);
        assert_eq!(
            order.transactions[0].reference_id.as_deref(),
            Some(pay.captures[0].id.as_str())
        );
        let events = orders(&app).pending_events(1000).await.unwrap();
        let captured: Vec<_> = events
            .iter()
            .filter(|e| e.name == "payment.captured")
            .collect();
        assert_eq!(captured.len(), 1);
        assert_eq!(captured[0].payload["id"], Value::from(j.payment_id.clone()));
    }
);

both_backends!(
    async fn cancel_in_grace_period_cancels_authorization_and_job(backend: Backend) {
        let app = spawn_app_builder(backend)
            .env("CAPTURE_DELAY", "1h")
            .spawn()
            .await;
        let key = app.seed().await;
        let admin = Admin::new(&app).await;
        let order_id = place_order(&app, &key).await;

        let (status, res) = admin
            .post(
                &app,
                &format!("/admin/orders/{order_id}/cancel"),
                serde_json::json!({}),
            )
            .await;
        assert_eq!(status, 200, "{res}");
        assert_eq!(res["order"]["status"], "canceled");
        let j = job(&app, &order_id).await;
        assert_eq!(j.status, CaptureJobStatus::Canceled);
        let pay = payments(&app)
            .retrieve_payment(&PaymentId::parse(&j.payment_id).unwrap())
            .await
            .unwrap();
        assert!(pay.canceled_at.is_some(), "the authorization is canceled");

        app.clock.advance(chrono::Duration::hours(2));
        assert_eq!(capturer(&app, "w1").capture_due().await.unwrap(), 0);
        let pay = payments(&app).retrieve_payment(&pay.id).await.unwrap();
        assert!(pay.captures.is_empty(), "never captured");
        assert!(
            orders(&app)
                .retrieve(&order_id)
                .await
                .unwrap()
                .transactions
                .is_empty()
        );
    }
);

both_backends!(
    async fn a_manual_admin_capture_completes_the_job(backend: Backend) {
        let app = spawn_app_builder(backend).spawn().await;
        let key = app.seed().await;
        let admin = Admin::new(&app).await;
        let order_id = place_order(&app, &key).await;
        let j = job(&app, &order_id).await;

        let (status, res) = admin
            .post(
                &app,
                &format!("/admin/payments/{}/capture", j.payment_id),
                serde_json::json!({}),
            )
            .await;
        assert_eq!(status, 200, "{res}");
        assert_eq!(job(&app, &order_id).await.status, CaptureJobStatus::Done);
        let order = orders(&app).retrieve(&order_id).await.unwrap();
        assert_eq!(order.transactions.len(), 1, "the order records the capture");

        app.clock.advance(chrono::Duration::hours(2));
        assert_eq!(capturer(&app, "w1").capture_due().await.unwrap(), 0);
        let pay = payments(&app)
            .retrieve_payment(&PaymentId::parse(&j.payment_id).unwrap())
            .await
            .unwrap();
        assert_eq!(pay.captures.len(), 1, "captured once");
        assert_eq!(
            orders(&app)
                .retrieve(&order_id)
                .await
                .unwrap()
                .transactions
                .len(),
            1
        );
    }
);

/// The embedded default (SQLite, jobs in the api process) with `REDIS_URL` pointing at a closed
/// port for the whole delay: the in-process poller captures.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn embedded_sqlite_with_redis_down_captures_through_the_poller() {
    let app = spawn_app_builder(Backend::Sqlite)
        .env("WORKER_MODE", "shared")
        .env("REDIS_URL", "redis://127.0.0.1:1/0")
        .env("JOB_POLL_INTERVAL", "100ms")
        .env("CAPTURE_DELAY", "2s")
        .spawn()
        .await;
    let key = app.seed().await;
    let order_id = place_order(&app, &key).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(
        job(&app, &order_id).await.status,
        CaptureJobStatus::Pending,
        "not due on the (test) clock yet"
    );
    app.clock.advance(chrono::Duration::seconds(3));
    wait_for_status(
        &app,
        &order_id,
        CaptureJobStatus::Done,
        Duration::from_secs(10),
    )
    .await;
    let j = job(&app, &order_id).await;
    assert_eq!(j.attempts, 1);
    let pay = payments(&app)
        .retrieve_payment(&PaymentId::parse(&j.payment_id).unwrap())
        .await
        .unwrap();
    assert_eq!(pay.captures.len(), 1);
    app.stop().await;
}

/// With Redis, the `capture_intent:{order_id}` expiry captures the order although the poller
/// would not look for an hour (and the test clock never makes the job due).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redis_expiry_event_captures_without_waiting_for_the_poller() {
    let app = spawn_app_builder(Backend::Postgres)
        .env("WORKER_MODE", "shared")
        .env("REDIS_URL", "redis://127.0.0.1:6379/0")
        .env("JOB_POLL_INTERVAL", "1h")
        .env("CAPTURE_DELAY", "1s")
        .spawn()
        .await;
    let key = app.seed().await;
    let order_id = place_order(&app, &key).await;
    wait_for_status(
        &app,
        &order_id,
        CaptureJobStatus::Done,
        Duration::from_secs(15),
    )
    .await;
    let j = job(&app, &order_id).await;
    assert_eq!(j.attempts, 1);
    let pay = payments(&app)
        .retrieve_payment(&PaymentId::parse(&j.payment_id).unwrap())
        .await
        .unwrap();
    assert_eq!(pay.captures.len(), 1);
    app.stop().await;
}
