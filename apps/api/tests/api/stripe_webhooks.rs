//! `POST /hooks/payment/stripe_stripe` on both backends, against the Stripe stand-in: bad and
//! stale signatures change nothing, replays are no-ops, events out of order converge, an
//! `amount_capturable_updated` without any storefront `complete` places exactly one order, the
//! webhook racing `complete` (100 carts) makes one order, one payment and one capture each time,
//! and other event types are acknowledged without a look.

use futures_util::future::join;
use medusa_core::Clock;
use medusa_testkit::TestApp;
use medusa_testkit::both_backends;
use medusa_testkit::stripe::StripeStandIn;
use serde_json::{Value, json};

use crate::store_checkout::complete;
use crate::stripe_checkout::{count, stripe_app, stripe_cart, stripe_session};

async fn deliver(app: &TestApp, (body, signature): &(String, String)) -> (u16, Value) {
    let r = app
        .client
        .post(app.url("/hooks/payment/stripe_stripe"))
        .header("content-type", "application/json")
        .header("stripe-signature", signature)
        .body(body.clone())
        .send()
        .await
        .unwrap();
    medusa_testkit::json(r).await
}

/// A cart with a confirmed (requires_capture) Stripe PaymentIntent: `(cart_id, pi)`.
async fn paid_cart(app: &TestApp, standin: &StripeStandIn, key: &str) -> (String, String) {
    let (cart_id, _) = stripe_cart(app, key).await;
    let session = stripe_session(app, key, &cart_id).await;
    let pi = session["data"]["id"].as_str().unwrap().to_owned();
    standin.confirm(&pi).unwrap();
    (cart_id, pi)
}

async fn order_of(app: &TestApp, cart_id: &str) -> Option<String> {
    app.state
        .registry
        .get::<dyn medusa_order::OrderService>()
        .unwrap()
        .order_for_cart(cart_id)
        .await
        .unwrap()
        .map(|o| o.to_string())
}

fn reads(standin: &StripeStandIn, pi: &str) -> usize {
    standin
        .requests_to("GET", &format!("/v1/payment_intents/{pi}"))
        .len()
}

both_backends!(
    async fn bad_and_stale_signatures_change_nothing(backend: Backend) {
        let (app, standin, key) = stripe_app(backend).await;
        let (cart_id, pi) = paid_cart(&app, &standin, &key).await;
        let intent = standin.intent(&pi).unwrap();

        let (body, good) = standin.webhook("payment_intent.amount_capturable_updated", &intent);
        // Signed with another secret.
        let forged = medusa_testkit::stripe::sign_webhook(
            body.as_bytes(),
            "whsec_other",
            app.clock.now().timestamp(),
        );
        let (status, res) = deliver(&app, &(body.clone(), forged)).await;
        assert_eq!(status, 400, "{res}");
        assert_eq!(res["type"], "invalid_data", "{res}");
        // A tampered body under a genuine signature.
        let tampered = body.replace("requires_capture", "succeeded");
        let (status, _) = deliver(&app, &(tampered, good.clone())).await;
        assert_eq!(status, 400);
        // No header at all.
        let r = app
            .client
            .post(app.url("/hooks/payment/stripe_stripe"))
            .body(body.clone())
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 400);
        // Genuine but signed 301 s before the app's clock.
        let stale = standin.webhook_at(
            "payment_intent.amount_capturable_updated",
            &intent,
            app.clock.now().timestamp() - 301,
        );
        let (status, res) = deliver(&app, &stale).await;
        assert_eq!(status, 400, "{res}");
        assert_eq!(res["type"], "invalid_data", "{res}");

        assert_eq!(reads(&standin, &pi), 0, "nothing was re-read");
        assert_eq!(order_of(&app, &cart_id).await, None);
        assert_eq!(count(&app, "payment").await, 0);
        assert_eq!(count(&app, "payment_webhook_event").await, 0);
    }
);

both_backends!(
    async fn amount_capturable_updated_alone_places_one_order_and_replays_do_nothing(
        backend: Backend,
    ) {
        let (app, standin, key) = stripe_app(backend).await;
        let (cart_id, pi) = paid_cart(&app, &standin, &key).await;
        let event = standin.webhook(
            "payment_intent.amount_capturable_updated",
            &standin.intent(&pi).unwrap(),
        );
        let (status, res) = deliver(&app, &event).await;
        assert_eq!(status, 200, "{res}");
        let order = order_of(&app, &cart_id)
            .await
            .expect("the webhook placed the order");
        assert_eq!(count(&app, "order").await, 1);
        assert_eq!(count(&app, "payment").await, 1);
        // The event's re-read, then the authorization's read.
        assert_eq!(reads(&standin, &pi), 2);

        // The same delivery again: 200, nothing read, nothing written.
        let (status, _) = deliver(&app, &event).await;
        assert_eq!(status, 200);
        assert_eq!(reads(&standin, &pi), 2);
        assert_eq!(count(&app, "order").await, 1);
        assert_eq!(count(&app, "payment_webhook_event").await, 1);

        // The storefront's own complete (late) answers the same order.
        let (status, res) = complete(&app, &key, &cart_id).await;
        assert_eq!(status, 200, "{res}");
        assert_eq!(res["order"]["id"], order.as_str());
        assert_eq!(count(&app, "order").await, 1);
        assert_eq!(count(&app, "payment").await, 1);
        assert_eq!(standin.count_ending("POST", "/capture"), 0);
    }
);

both_backends!(
    async fn succeeded_before_amount_capturable_updated_converges(backend: Backend) {
        let (app, standin, key) = stripe_app(backend).await;
        let (cart_id, pi) = paid_cart(&app, &standin, &key).await;
        let authorized = standin.intent(&pi).unwrap();
        let late = standin.webhook("payment_intent.amount_capturable_updated", &authorized);
        // Captured outside us (the Stripe dashboard) before any order exists.
        let r = app
            .client
            .post(format!(
                "{}v1/payment_intents/{pi}/capture",
                standin.base_url()
            ))
            .bearer_auth(standin.api_key())
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 200);
        let captured = standin.intent(&pi).unwrap();
        assert_eq!(captured["status"], "succeeded");
        let amount = captured["amount_received"].as_i64().unwrap();

        let (status, res) = deliver(
            &app,
            &standin.webhook("payment_intent.succeeded", &captured),
        )
        .await;
        assert_eq!(status, 200, "{res}");
        let order = order_of(&app, &cart_id).await.expect("order placed");
        // The older event, delivered last, changes nothing.
        let (status, res) = deliver(&app, &late).await;
        assert_eq!(status, 200, "{res}");
        assert_eq!(
            order_of(&app, &cart_id).await.as_deref(),
            Some(order.as_str())
        );
        assert_eq!(count(&app, "order").await, 1);
        assert_eq!(count(&app, "payment").await, 1);
        assert_eq!(count(&app, "capture").await, 1);
        // We never called capture ourselves (the one capture call is the dashboard's).
        assert_eq!(standin.count_ending("POST", "/capture"), 1);

        let (status, res) = app
            .client
            .get(app.url(&format!(
                "/store/orders/{order}?fields=*payment_collections.payments.captures"
            )))
            .header("x-publishable-api-key", &key)
            .send()
            .await
            .map(|r| (r.status().as_u16(), r))
            .unwrap();
        let body: Value = res.json().await.unwrap();
        assert_eq!(status, 200, "{body}");
        let payment = &body["order"]["payment_collections"][0]["payments"][0];
        let captured_total: f64 = payment["captures"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["amount"].as_f64().unwrap())
            .sum();
        assert_eq!((captured_total * 100.0).round() as i64, amount, "{body}");
    }
);

both_backends!(
    async fn other_event_types_are_acknowledged_and_ignored(backend: Backend) {
        let (app, standin, key) = stripe_app(backend).await;
        let (cart_id, pi) = paid_cart(&app, &standin, &key).await;
        let before = standin.requests().len();
        for (kind, object) in [
            ("payment_intent.created", standin.intent(&pi).unwrap()),
            (
                "customer.created",
                json!({"id": "cus_1", "object": "customer", "metadata": {"session_id": "x"}}),
            ),
            (
                "charge.refunded",
                json!({"id": "ch_1", "amount_received": "lots", "status": {"odd": true}}),
            ),
        ] {
            let (status, res) = deliver(&app, &standin.webhook(kind, &object)).await;
            assert_eq!(status, 200, "{kind}: {res}");
        }
        assert_eq!(standin.requests().len(), before, "no Stripe call");
        assert_eq!(order_of(&app, &cart_id).await, None);
        assert_eq!(count(&app, "payment").await, 0);
        assert_eq!(count(&app, "payment_webhook_event").await, 0);
    }
);

both_backends!(
    async fn a_failed_card_marks_the_session(backend: Backend) {
        let (app, standin, key) = stripe_app(backend).await;
        let (cart_id, _) = stripe_cart(&app, &key).await;
        let session = stripe_session(&app, &key, &cart_id).await;
        let pi = session["data"]["id"].as_str().unwrap().to_owned();
        // The browser's confirmation with a declined card.
        let r = app
            .client
            .post(format!(
                "{}v1/payment_intents/{pi}/confirm",
                standin.base_url()
            ))
            .bearer_auth(standin.api_key())
            .header("content-type", "application/x-www-form-urlencoded")
            .body("payment_method=pm_card_chargeDeclined")
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 402);
        let intent = standin.intent(&pi).unwrap();
        let (status, res) = deliver(
            &app,
            &standin.webhook("payment_intent.payment_failed", &intent),
        )
        .await;
        assert_eq!(status, 200, "{res}");
        let payments = app
            .state
            .registry
            .get::<dyn medusa_payment::PaymentService>()
            .unwrap();
        let s = payments
            .retrieve_session(
                &medusa_core::id::PaymentSessionId::parse(session["id"].as_str().unwrap()).unwrap(),
            )
            .await
            .unwrap();
        assert_eq!(s.status, medusa_payment::SessionStatus::Error);
        assert_eq!(order_of(&app, &cart_id).await, None);
    }
);

both_backends!(
    async fn the_webhook_racing_complete_makes_one_order_100_times(backend: Backend) {
        let (app, standin, key) = stripe_app(backend).await;
        let rounds: usize = std::env::var("RACE_ROUNDS")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(100);
        for round in 0..rounds {
            let (cart_id, pi) = paid_cart(&app, &standin, &key).await;
            let event = standin.webhook(
                "payment_intent.amount_capturable_updated",
                &standin.intent(&pi).unwrap(),
            );
            let ((s1, r1), (s2, r2)) =
                join(deliver(&app, &event), complete(&app, &key, &cart_id)).await;
            assert_eq!(s1, 200, "round {round}: {r1}");
            assert_eq!(s2, 200, "round {round}: {r2}");
            assert_eq!(r2["type"], "order", "round {round}: {r2}");
            let order = order_of(&app, &cart_id).await.unwrap();
            assert_eq!(r2["order"]["id"], order.as_str(), "round {round}");
        }
        assert_eq!(count(&app, "order").await, rounds as i64);
        assert_eq!(count(&app, "payment").await, rounds as i64);
        assert_eq!(count(&app, "order_capture_job").await, rounds as i64);
        assert_eq!(standin.count_ending("POST", "/capture"), 0);

        // After the grace period two workers drain the jobs: one capture per order, no more.
        app.clock
            .advance(chrono::Duration::hours(1) + chrono::Duration::seconds(1));
        let (w1, w2) = (
            crate::capture::capturer(&app, "w1"),
            crate::capture::capturer(&app, "w2"),
        );
        loop {
            let (a, b) = join(w1.capture_due(), w2.capture_due()).await;
            if a.unwrap() + b.unwrap() == 0 {
                break;
            }
        }
        assert_eq!(standin.count_ending("POST", "/capture"), rounds);
    }
);
