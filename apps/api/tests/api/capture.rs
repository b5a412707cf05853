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

pub fn capturer(app: &TestApp, name: &str) -> Capturer {
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

/// The shared test Redis (`notify-keyspace-events` is server-wide).
const TEST_REDIS: &str = "redis://127.0.0.1:6379/0";

async fn redis_admin() -> fred::prelude::Client {
    use fred::prelude::{Builder, ClientLike, Config};
    let client = Builder::from_config(Config::from_url(TEST_REDIS).unwrap())
        .build()
        .unwrap();
    client.init().await.unwrap();
    client
}

async fn keyspace_flags(admin: &fred::prelude::Client) -> String {
    use fred::prelude::ConfigInterface;
    let pairs: Vec<String> = admin.config_get("notify-keyspace-events").await.unwrap();
    pairs.get(1).cloned().unwrap_or_default()
}

/// Puts `notify-keyspace-events` back when the test ends, even when it fails: to what it was,
/// with `Ex` merged in (other tests' listeners expect expiry events; never left empty).
struct RestoreKeyspaceFlags(String);

impl Drop for RestoreKeyspaceFlags {
    fn drop(&mut self) {
        use std::io::{Read, Write};
        let flags = &self.0;
        let cmd = format!(
            "*4\r\n$6\r\nCONFIG\r\n$3\r\nSET\r\n$22\r\nnotify-keyspace-events\r\n${}\r\n{flags}\r\n",
            flags.len()
        );
        if let Ok(mut s) = std::net::TcpStream::connect("127.0.0.1:6379") {
            let _ = s.set_read_timeout(Some(Duration::from_secs(2)));
            let _ = s.write_all(cmd.as_bytes());
            let _ = s.read(&mut [0u8; 64]);
        }
    }
}

/// `capture_intent:{order_id}` expiring in 200 ms (the api set it with the 1 h delay).
async fn intent_expiring_now(admin: &fred::prelude::Client, order_id: &str) {
    use fred::prelude::{Expiration, KeysInterface};
    let key = format!("{}{order_id}", medusa_api::capture::INTENT_PREFIX);
    let _: () = admin
        .set(key, "1", Some(Expiration::PX(200)), None, false)
        .await
        .unwrap();
}

/// The listener survives a reconnect that lost the server's settings, as a Redis restart
/// does: while the api runs, `notify-keyspace-events` is emptied and every pub/sub connection
/// is killed. Reconnected, the listener turns expiry events back on by itself (`Ex` merged in)
/// and subscribes again, so an intent expiring afterwards captures its order at once. The
/// poller would not look for an hour and the test clock never makes the job due: only the
/// listener can capture.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redis_listener_reenables_expiry_events_and_resubscribes_after_a_reconnect() {
    use fred::prelude::{ClientLike, ConfigInterface};
    let admin = redis_admin().await;
    let original = keyspace_flags(&admin).await;
    let _restore = RestoreKeyspaceFlags(
        medusa_api::redis::with_expiry_flags(&original).unwrap_or(original.clone()),
    );
    let app = spawn_app_builder(Backend::Postgres)
        .env("WORKER_MODE", "shared")
        .env("REDIS_URL", TEST_REDIS)
        .env("JOB_POLL_INTERVAL", "1h")
        .env("CAPTURE_DELAY", "1h")
        .spawn()
        .await;
    let key = app.seed().await;
    let first = place_order(&app, &key).await;
    let second = place_order(&app, &key).await;

    // The listener is up: an intent expiring now captures the first order.
    intent_expiring_now(&admin, &first).await;
    wait_for_status(
        &app,
        &first,
        CaptureJobStatus::Done,
        Duration::from_secs(15),
    )
    .await;

    // What a Redis restart does: the flags are gone and the connections dropped.
    admin
        .config_set("notify-keyspace-events", "")
        .await
        .unwrap();
    let killed: i64 = admin
        .custom(fred::cmd!("CLIENT"), vec!["KILL", "TYPE", "pubsub"])
        .await
        .unwrap();
    assert!(killed >= 1, "the listener's connection was killed");

    // The listener puts them back by itself once reconnected.
    let started = Instant::now();
    loop {
        let flags = keyspace_flags(&admin).await;
        if medusa_api::redis::with_expiry_flags(&flags).is_none() {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(15),
            "expiry events not re-enabled after the reconnect: '{flags}'"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // And is subscribed again: an intent expiring now captures the second order (set again
    // while the subscription may still be on its way; a missed event is not retried by Redis).
    let started = Instant::now();
    loop {
        intent_expiring_now(&admin, &second).await;
        tokio::time::sleep(Duration::from_millis(1000)).await;
        if job(&app, &second).await.status == CaptureJobStatus::Done {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(15),
            "the listener did not capture after the reconnect: {:?}",
            job(&app, &second).await
        );
    }
    let j = job(&app, &second).await;
    assert_eq!(j.attempts, 1);
    let pay = payments(&app)
        .retrieve_payment(&PaymentId::parse(&j.payment_id).unwrap())
        .await
        .unwrap();
    assert_eq!(pay.captures.len(), 1);
    app.stop().await;
    let _ = admin.quit().await;
}

/// A Redis that forbids `CONFIG` (a managed one; here an ACL user without `config`): the
/// listener's set-up reports it refused (logged as a warning by the listener) instead of
/// failing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn expiry_events_are_reported_refused_where_config_is_forbidden() {
    use fred::prelude::ClientLike;
    let admin = redis_admin().await;
    let user = format!("medusa_test_{}", medusa_core::id::new_ulid()).to_lowercase();
    let _: String = admin
        .custom(
            fred::cmd!("ACL"),
            vec![
                "SETUSER", &user, "on", ">pw", "~*", "&*", "+@all", "-config",
            ],
        )
        .await
        .unwrap();
    let found =
        medusa_api::redis::enable_expiry_events(&format!("redis://{user}:pw@127.0.0.1:6379/0"))
            .await;
    let _: i64 = admin
        .custom(fred::cmd!("ACL"), vec!["DELUSER", &user])
        .await
        .unwrap();
    assert!(
        matches!(&found, medusa_api::redis::ExpiryEvents::Refused(r) if r.contains("NOPERM")),
        "{found:?}"
    );
    let _ = admin.quit().await;
}
