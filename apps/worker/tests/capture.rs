//! Delayed capture against the Stripe stand-in, with exact call counts: the order and payment
//! modules with the `pp_stripe_stripe` provider pointed at `StripeStandIn`, on SQLite and
//! PostgreSQL, the capture step of `medusa_api::capture` driven by the test clock.
//!
//! Covered: capture after the delay with the deterministic key; a worker killed after Stripe
//! executed the capture and before the database was updated, then another worker after the
//! lease expired (one capture, same key), both as an aborted task and as a real SIGKILL of the
//! `medusa-worker` process followed by a restart; answers lost on every retry (the next attempt
//! replays); Stripe 500 three times then 200; already captured at Stripe; two workers on 50 due
//! jobs (exactly 50 captures); a cancel in the grace period (authorization canceled, no capture).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use medusa_api::capture::{CaptureSettings, Capturer, Outcome};
use medusa_core::config::Config;
use medusa_core::id::CartId;
use medusa_core::money::Amount;
use medusa_core::registry::{Module, ModuleContext, Registry};
use medusa_core::{CurrencyCode, TestClock};
use medusa_order::{
    CaptureJob, CaptureJobStatus, CreateOrderInput, ItemSnapshot, NewCaptureJob, NewLineItem,
    OrderLineItemId, OrderModule, OrderService,
};
use medusa_payment::{Payment, PaymentModule, PaymentService, ProviderRegistry};
use medusa_stripe::{RetryPolicy, StripeProvider, StripeSettings};
use medusa_testkit::stripe::{Outcome as StripeOutcome, StripeStandIn};
use medusa_testkit::{Backend, TestDatabase};
use sea_orm_migration::MigratorTrait;
use serde_json::json;

const DELAY: Duration = Duration::from_secs(3600);

struct Harness {
    stripe: StripeStandIn,
    clock: TestClock,
    db: TestDatabase,
    registry: Arc<Registry>,
}

/// The order and payment modules (with Stripe) over a fresh database: one "process".
async fn registry(
    db: &TestDatabase,
    clock: &TestClock,
    stripe: &StripeStandIn,
    attempts: u32,
) -> Arc<Registry> {
    let conn = db.connect().await.unwrap();
    let env = vec![
        ("DATABASE_URL".to_owned(), db.url.clone()),
        ("MEDUSA_CONFIG".to_owned(), String::new()),
    ];
    let config = Arc::new(Config::load_from(&env).unwrap());
    let mut settings = StripeSettings::new(stripe.api_key().to_owned().into());
    settings.api_base = Some(stripe.base_url());
    settings.retry = RetryPolicy {
        attempts,
        base_delay: Duration::from_millis(10),
        max_delay: Duration::from_millis(40),
    };
    settings.timeout = Duration::from_secs(10);
    let mut providers = ProviderRegistry::default();
    providers.register(Arc::new(StripeProvider::new(&settings).unwrap()));
    let ctx = ModuleContext {
        db: conn,
        config,
        clock: Arc::new(clock.clone()),
    };
    let modules: Vec<Box<dyn Module>> = vec![
        Box::new(OrderModule),
        Box::new(PaymentModule::with_providers(providers)),
    ];
    Arc::new(Registry::build(&ctx, &modules))
}

async fn harness(backend: Backend) -> Harness {
    harness_with_attempts(backend, 4).await
}

/// `attempts`: how often the Stripe client itself tries one call (same key).
async fn harness_with_attempts(backend: Backend, attempts: u32) -> Harness {
    let stripe = StripeStandIn::start().await;
    let db = TestDatabase::create(backend).await.unwrap();
    let conn = db.connect().await.unwrap();
    medusa_api::Migrator::up(&conn, None).await.unwrap();
    conn.close().await.unwrap();
    let clock = TestClock::starting_now();
    let registry = registry(&db, &clock, &stripe, attempts).await;
    Harness {
        stripe,
        clock,
        db,
        registry,
    }
}

fn settings() -> CaptureSettings {
    CaptureSettings {
        lease: Duration::from_secs(60),
        max_attempts: 5,
        backoff: Duration::from_secs(10),
        max_backoff: Duration::from_secs(60),
        batch: 10,
        expiry_warning: Duration::from_secs(24 * 3600),
    }
}

impl Harness {
    fn orders(&self) -> Arc<dyn OrderService> {
        self.registry.get::<dyn OrderService>().unwrap()
    }
    fn payments(&self) -> Arc<dyn PaymentService> {
        self.registry.get::<dyn PaymentService>().unwrap()
    }
    fn capturer(&self, name: &str) -> Capturer {
        Capturer::new(
            self.registry.clone(),
            Arc::new(self.clock.clone()),
            settings(),
        )
        .named(name)
    }

    /// An order of 100 EUR paid by an authorized (not captured) Stripe PaymentIntent, with its
    /// capture job; returns `(order id, payment, PaymentIntent id)`.
    async fn place_order(&self) -> (String, Payment, String) {
        let eur = CurrencyCode::parse("eur").unwrap();
        let cart = CartId::new();
        let payments = self.payments();
        let pc = payments
            .create_collection_for_cart(&cart, &eur, Amount::from_str("100").unwrap())
            .await
            .unwrap();
        let session = payments
            .create_session(&pc.id, medusa_stripe::PROVIDER_ID, json!({}), json!({}))
            .await
            .unwrap();
        let pi = session.data["id"].as_str().unwrap().to_owned();
        self.stripe.confirm(&pi).unwrap();
        let payment = payments
            .authorize_session(&session.id, &json!({}))
            .await
            .unwrap();
        let order = self
            .orders()
            .create_from_cart(CreateOrderInput {
                cart_id: cart.to_string(),
                region_id: None,
                customer_id: None,
                sales_channel_id: None,
                email: Some("ada@example.com".into()),
                currency_code: eur,
                locale: None,
                metadata: None,
                shipping_address: None,
                billing_address: None,
                items: vec![NewLineItem {
                    id: OrderLineItemId::new(),
                    snapshot: ItemSnapshot {
                        title: "Thing".into(),
                        ..Default::default()
                    },
                    quantity: 1,
                    unit_price: Amount::from_str("100").unwrap(),
                    compare_at_unit_price: None,
                    tax_lines: vec![],
                    adjustments: vec![],
                }],
                shipping_methods: vec![],
                credit_lines: vec![],
                payment_collection_id: Some(pc.id.to_string()),
                transactions: vec![],
                extra_events: vec![],
                capture_job: Some(NewCaptureJob {
                    payment_collection_id: pc.id.to_string(),
                    payment_id: payment.id.to_string(),
                    delay: DELAY,
                    authorization_validity: medusa_api::capture::AUTHORIZATION_VALIDITY,
                }),
            })
            .await
            .unwrap();
        (order.id.to_string(), payment, pi)
    }

    async fn job(&self, order_id: &str) -> CaptureJob {
        self.orders()
            .capture_job_for_order(order_id)
            .await
            .unwrap()
            .unwrap()
    }

    fn captures(&self, pi: &str) -> Vec<medusa_testkit::stripe::RecordedRequest> {
        self.stripe
            .requests_to("POST", &format!("/v1/payment_intents/{pi}/capture"))
    }

    fn advance(&self, d: Duration) {
        self.clock.advance(chrono::Duration::from_std(d).unwrap());
    }

    /// Stripe captured the intent once, for the whole amount; the payment module, the order
    /// and the job agree.
    async fn assert_captured_once(&self, order_id: &str, payment: &Payment, pi: &str) {
        self.assert_money_moved_once(order_id, payment, pi).await;
        let events = self.orders().pending_events(1000).await.unwrap();
        assert_eq!(
            events
                .iter()
                .filter(|e| e.name == "payment.captured" && e.payload["id"] == payment.id.as_str())
                .count(),
            1
        );
    }

    /// The same without the outbox (a worker process dispatches and clears its events).
    async fn assert_money_moved_once(&self, order_id: &str, payment: &Payment, pi: &str) {
        let intent = self.stripe.intent(pi).unwrap();
        assert_eq!(intent["status"], "succeeded", "{intent}");
        assert_eq!(intent["amount_received"], 10000, "{intent}");
        let p = self.payments().retrieve_payment(&payment.id).await.unwrap();
        assert_eq!(p.captures.len(), 1, "one capture recorded");
        assert_eq!(p.captured_amount, p.amount);
        let order = self.orders().retrieve(order_id).await.unwrap();
        assert_eq!(order.transactions.len(), 1, "one order transaction");
        assert_eq!(self.job(order_id).await.status, CaptureJobStatus::Done);
    }
}

macro_rules! both {
    ($name:ident) => {
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                super::$name(medusa_testkit::Backend::Sqlite).await;
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                super::$name(medusa_testkit::Backend::Postgres).await;
            }
        }
    };
}

async fn captures_after_the_delay_with_the_deterministic_key(backend: Backend) {
    let h = harness(backend).await;
    let (order_id, payment, pi) = h.place_order().await;
    let c = h.capturer("w1");
    assert_eq!(c.capture_due().await.unwrap(), 0);
    assert!(h.captures(&pi).is_empty(), "nothing before the delay");
    h.advance(DELAY);
    assert_eq!(c.capture_due().await.unwrap(), 1);
    assert_eq!(c.capture_due().await.unwrap(), 0);
    let calls = h.captures(&pi);
    assert_eq!(calls.len(), 1, "{calls:?}");
    assert_eq!(
        calls[0].idempotency_key.as_deref(),
        Some(format!("capture:{}:1", payment.id).as_str())
    );
    assert_eq!(calls[0].param("amount_to_capture"), Some("10000"));
    h.assert_captured_once(&order_id, &payment, &pi).await;
}
both!(captures_after_the_delay_with_the_deterministic_key);

/// The worker dies after Stripe executed the capture and before the database heard back: its
/// task is aborted while the stand-in holds the (already executed) answer. After the lease
/// expires another worker claims the job, repeats the call with the same key and gets the
/// stored answer: one capture at Stripe.
async fn a_worker_killed_after_stripe_answered_is_finished_by_another(backend: Backend) {
    let h = harness(backend).await;
    let (order_id, payment, pi) = h.place_order().await;
    h.advance(DELAY);
    h.stripe.delay_next(1, Duration::from_secs(5));
    let dying = h.capturer("dying");
    let task = tokio::spawn(async move { dying.capture_due().await });
    let started = std::time::Instant::now();
    while h.captures(&pi).is_empty() {
        assert!(started.elapsed() < Duration::from_secs(10));
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    // Executed at Stripe (answered after the delay); kill the worker now.
    tokio::time::sleep(Duration::from_millis(100)).await;
    task.abort();
    let _ = task.await;
    assert_eq!(h.stripe.intent(&pi).unwrap()["status"], "succeeded");
    assert_eq!(h.job(&order_id).await.status, CaptureJobStatus::Claimed);

    let other = h.capturer("other");
    assert_eq!(
        other.capture_due().await.unwrap(),
        0,
        "the lease still holds"
    );
    h.advance(settings().lease + Duration::from_secs(1));
    assert_eq!(other.capture_due().await.unwrap(), 1);

    let calls = h.captures(&pi);
    assert_eq!(calls.len(), 2, "{calls:?}");
    assert_eq!(calls[0].idempotency_key, calls[1].idempotency_key);
    assert_eq!(calls[1].outcome, StripeOutcome::Replayed(200));
    let j = h.job(&order_id).await;
    assert_eq!(j.attempts, 2);
    h.assert_captured_once(&order_id, &payment, &pi).await;
}
both!(a_worker_killed_after_stripe_answered_is_finished_by_another);

/// The same, with a real process: the `medusa-worker` binary runs against the database and the
/// stand-in with a due job. The stand-in executes the capture (the money moved) and holds its
/// answer; the test SIGKILLs the process by PID at that moment, so the database never heard
/// back (the order records nothing, the job is still claimed). No production fail point is
/// involved. When the dead worker's lease is over, a restarted binary repeats the call with the
/// same key, Stripe replays its stored answer, and the capture is recorded exactly once.
async fn a_killed_worker_process_is_finished_by_a_restarted_one(backend: Backend) {
    use std::os::unix::process::ExitStatusExt;

    let h = harness(backend).await;
    // Placed a capture delay ago on the wall clock, so the job is due for the binary's clock.
    h.clock.set(
        chrono::Utc::now()
            - chrono::Duration::from_std(DELAY).unwrap()
            - chrono::Duration::seconds(5),
    );
    let (order_id, payment, pi) = h.place_order().await;
    let key = format!("capture:{}:1", payment.id);
    h.stripe.hold_answers("POST", "/capture");

    let mut first = worker_process(&h).spawn().unwrap();
    let started = std::time::Instant::now();
    while h.captures(&pi).is_empty() {
        if let Some(status) = first.try_wait().unwrap() {
            panic!(
                "the worker exited before capturing: {status}\n{}",
                output(first)
            );
        }
        if started.elapsed() > Duration::from_secs(60) {
            let _ = first.kill();
            panic!("no capture call within 60 s\n{}", output(first));
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    // Executed at Stripe, the answer held: SIGKILL now.
    assert_eq!(h.stripe.intent(&pi).unwrap()["status"], "succeeded");
    let status = std::process::Command::new("kill")
        .args(["-KILL", &first.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let exit = first.wait().unwrap();
    assert_eq!(exit.signal(), Some(9), "killed by SIGKILL: {exit:?}");
    h.stripe.release_held();

    // What the database knows: the job claimed by the dead process, nothing on the order.
    let j = h.job(&order_id).await;
    assert_eq!(j.status, CaptureJobStatus::Claimed, "{j:?}");
    assert_eq!(j.attempts, 1);
    assert!(
        h.orders()
            .retrieve(&order_id)
            .await
            .unwrap()
            .transactions
            .is_empty(),
        "the order heard nothing"
    );
    // The dead worker's lease (2 min by default) runs out: what waiting would do.
    expire_lease(&h, &order_id).await;

    let mut second = worker_process(&h).spawn().unwrap();
    let started = std::time::Instant::now();
    loop {
        let j = h.job(&order_id).await;
        if j.status == CaptureJobStatus::Done {
            break;
        }
        if let Some(status) = second.try_wait().unwrap() {
            panic!("the restarted worker exited: {status}\n{}", output(second));
        }
        if started.elapsed() > Duration::from_secs(60) {
            let _ = second.kill();
            panic!(
                "the restarted worker did not finish the job: {j:?}\n{}",
                output(second)
            );
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    std::process::Command::new("kill")
        .args(["-TERM", &second.id().to_string()])
        .status()
        .unwrap();
    let log = output(second);

    let calls = h.captures(&pi);
    assert_eq!(calls.len(), 2, "{calls:?}\n{log}");
    assert_eq!(calls[0].idempotency_key.as_deref(), Some(key.as_str()));
    assert_eq!(calls[1].idempotency_key.as_deref(), Some(key.as_str()));
    assert_eq!(
        calls[0].outcome,
        StripeOutcome::Answered(200),
        "executed once"
    );
    assert_eq!(
        calls[1].outcome,
        StripeOutcome::Replayed(200),
        "then replayed"
    );
    let j = h.job(&order_id).await;
    assert_eq!(j.attempts, 2);
    h.assert_money_moved_once(&order_id, &payment, &pi).await;
}
both!(a_killed_worker_process_is_finished_by_a_restarted_one);

/// The `medusa-worker` binary against the harness's database and Stripe stand-in.
fn worker_process(h: &Harness) -> std::process::Command {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_medusa-worker"));
    cmd.env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("DATABASE_URL", &h.db.url)
        .env("MEDUSA_CONFIG", "")
        .env("JOB_POLL_INTERVAL", "100ms")
        .env("STRIPE_API_KEY", h.stripe.api_key())
        .env("STRIPE_API_BASE", h.stripe.base_url())
        .env("RUST_LOG", "info")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    cmd
}

/// Waits for the (exited or killed) child and returns what it logged.
fn output(child: std::process::Child) -> String {
    let out = child.wait_with_output().unwrap();
    String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr)
}

/// Moves the job's lease into the past, as the passing of the lease time would.
async fn expire_lease(h: &Harness, order_id: &str) {
    use sea_orm_migration::sea_orm::ConnectionTrait;
    use sea_orm_migration::sea_query::{Alias, Expr, ExprTrait, Query};
    let conn = h.db.connect().await.unwrap();
    let past = chrono::Utc::now() - chrono::Duration::seconds(1);
    let stmt = Query::update()
        .table(Alias::new("order_capture_job"))
        .value(Alias::new("lease_until"), past)
        .and_where(Expr::col(Alias::new("order_id")).eq(order_id))
        .to_owned();
    conn.execute(&stmt).await.unwrap();
    conn.close().await.unwrap();
    let lease = h.job(order_id).await.lease_until;
    assert!(lease.is_some_and(|l| l < chrono::Utc::now()), "{lease:?}");
}

/// The answer is lost (executed at Stripe, connection closed) and the client does not retry
/// by itself: the job attempt fails without recording a capture, the job is retried after its
/// backoff with the same key and Stripe's replay records the capture.
async fn lost_answers_are_resolved_by_the_next_attempt_with_the_same_key(backend: Backend) {
    let h = harness_with_attempts(backend, 1).await;
    let (order_id, payment, pi) = h.place_order().await;
    h.advance(DELAY);
    h.stripe.lose_next_response(1);
    let c = h.capturer("w1");
    assert_eq!(c.capture_due().await.unwrap(), 1);
    let j = h.job(&order_id).await;
    assert_eq!(j.status, CaptureJobStatus::Pending, "{j:?}");
    assert!(j.last_error.is_some());
    let p = h.payments().retrieve_payment(&payment.id).await.unwrap();
    assert!(p.captures.is_empty(), "not recorded while unknown");
    assert_eq!(c.capture_due().await.unwrap(), 0, "backoff");
    h.advance(settings().backoff);
    assert_eq!(c.capture_due().await.unwrap(), 1);
    let calls = h.captures(&pi);
    assert_eq!(calls.len(), 2, "{calls:?}");
    assert_eq!(calls[0].idempotency_key, calls[1].idempotency_key);
    assert_eq!(calls[0].outcome, StripeOutcome::ResponseLost);
    assert_eq!(calls[1].outcome, StripeOutcome::Replayed(200));
    h.assert_captured_once(&order_id, &payment, &pi).await;
}
both!(lost_answers_are_resolved_by_the_next_attempt_with_the_same_key);

async fn stripe_500_three_times_then_200(backend: Backend) {
    let h = harness(backend).await;
    let (order_id, payment, pi) = h.place_order().await;
    h.advance(DELAY);
    h.stripe.fail_next(3);
    assert_eq!(h.capturer("w1").capture_due().await.unwrap(), 1);
    let calls = h.captures(&pi);
    assert_eq!(calls.len(), 4, "{calls:?}");
    assert!(
        calls
            .iter()
            .all(|r| r.idempotency_key == calls[0].idempotency_key)
    );
    assert_eq!(calls[3].outcome, StripeOutcome::Answered(200));
    h.assert_captured_once(&order_id, &payment, &pi).await;
}
both!(stripe_500_three_times_then_200);

/// Stripe keeps failing: the job retries with backoff (same key) and, after the last attempt,
/// is marked failed and counted; nothing is recorded as captured.
async fn a_job_fails_after_the_last_attempt(backend: Backend) {
    let h = harness(backend).await;
    let (order_id, payment, pi) = h.place_order().await;
    h.advance(DELAY);
    h.stripe.fail_next(1000);
    let c = h.capturer("w1");
    let before = medusa_api::capture::failed_captures();
    for n in 0..settings().max_attempts {
        let handled = c.capture_due().await.unwrap();
        assert_eq!(handled, 1, "attempt {n}: {:?}", h.job(&order_id).await);
        h.advance(settings().max_backoff);
    }
    let j = h.job(&order_id).await;
    assert_eq!(j.status, CaptureJobStatus::Failed, "{j:?}");
    assert_eq!(j.attempts, settings().max_attempts);
    assert!(medusa_api::capture::failed_captures() > before);
    assert_eq!(c.capture_due().await.unwrap(), 0, "failed jobs stay failed");
    let calls = h.captures(&pi);
    assert_eq!(calls.len(), 4 * settings().max_attempts as usize);
    assert!(
        calls
            .iter()
            .all(|r| r.idempotency_key == calls[0].idempotency_key)
    );
    let p = h.payments().retrieve_payment(&payment.id).await.unwrap();
    assert!(p.captures.is_empty());
}
both!(a_job_fails_after_the_last_attempt);

/// Captured at Stripe already (the dashboard): Stripe answers `payment_intent_unexpected_state`,
/// the provider re-reads the intent, and the job records the capture.
async fn already_captured_at_stripe_is_resolved_by_rereading(backend: Backend) {
    let h = harness(backend).await;
    let (order_id, payment, pi) = h.place_order().await;
    h.stripe.set_status(&pi, "succeeded");
    let reads = h.stripe.count_ending("GET", &pi);
    h.advance(DELAY);
    assert_eq!(h.capturer("w1").capture_due().await.unwrap(), 1);
    let calls = h.captures(&pi);
    assert_eq!(calls.len(), 1, "{calls:?}");
    assert_eq!(calls[0].outcome, StripeOutcome::Answered(400));
    assert_eq!(h.stripe.count_ending("GET", &pi), reads + 1, "re-read once");
    let p = h.payments().retrieve_payment(&payment.id).await.unwrap();
    assert_eq!(p.captures.len(), 1);
    assert_eq!(h.job(&order_id).await.status, CaptureJobStatus::Done);
}
both!(already_captured_at_stripe_is_resolved_by_rereading);

/// Two workers (each with its own connection pool, like two processes) on 50 due jobs: every
/// PaymentIntent captured exactly once.
async fn two_workers_on_50_due_jobs_capture_50_times(backend: Backend) {
    let h = harness(backend).await;
    let mut placed = Vec::new();
    for _ in 0..50 {
        placed.push(h.place_order().await);
    }
    h.advance(DELAY);
    let second = registry(&h.db, &h.clock, &h.stripe, 4).await;
    let a = Capturer::new(h.registry.clone(), Arc::new(h.clock.clone()), settings()).named("a");
    let b = Capturer::new(second, Arc::new(h.clock.clone()), settings()).named("b");
    let (ra, rb) = tokio::join!(a.capture_due(), b.capture_due());
    assert_eq!(ra.unwrap() + rb.unwrap(), 50);
    assert_eq!(h.stripe.count_ending("POST", "/capture"), 50);
    for (order_id, payment, pi) in &placed {
        assert_eq!(h.captures(pi).len(), 1);
        h.assert_captured_once(order_id, payment, pi).await;
    }
}
both!(two_workers_on_50_due_jobs_capture_50_times);

/// Canceled in the grace period: the authorization is canceled at Stripe, the job is canceled,
/// nothing is ever captured.
async fn cancel_in_the_grace_period_cancels_at_stripe_and_never_captures(backend: Backend) {
    let h = harness(backend).await;
    let (order_id, payment, pi) = h.place_order().await;
    h.orders().cancel(&order_id).await.unwrap();
    medusa_api::capture::cancel_payments(&h.registry, &order_id)
        .await
        .unwrap();
    assert_eq!(h.job(&order_id).await.status, CaptureJobStatus::Canceled);
    assert_eq!(h.stripe.intent(&pi).unwrap()["status"], "canceled");
    assert_eq!(h.stripe.count_ending("POST", "/cancel"), 1);
    let p = h.payments().retrieve_payment(&payment.id).await.unwrap();
    assert!(p.canceled_at.is_some());
    h.advance(DELAY * 2);
    assert_eq!(h.capturer("w1").capture_due().await.unwrap(), 0);
    assert!(h.captures(&pi).is_empty());
}
both!(cancel_in_the_grace_period_cancels_at_stripe_and_never_captures);

/// A cancel while a worker holds the job (the capture may be at Stripe right now) is refused;
/// the capture finishes and a later cancel sees a captured payment.
async fn cancel_is_refused_while_a_capture_is_running(backend: Backend) {
    let h = harness(backend).await;
    let (order_id, _payment, _pi) = h.place_order().await;
    h.advance(DELAY);
    let claimed = h
        .orders()
        .claim_capture_job_for_order(&order_id, "w1", settings().lease)
        .await
        .unwrap()
        .unwrap();
    let err = h.orders().cancel(&order_id).await.unwrap_err();
    assert!(
        matches!(err, medusa_order::OrderError::NotAllowed(_)),
        "{err:?}"
    );
    let outcome = h.capturer("w1").run(claimed).await;
    assert_eq!(outcome, Outcome::Captured);
}
both!(cancel_is_refused_while_a_capture_is_running);
