//! The Stripe provider against the local Stripe stand-in (no test calls the real Stripe).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;
use std::time::Duration;

use medusa_core::{Amount, CurrencyCode};
use medusa_payment::{ProviderRegistry, ProviderRequest, SessionStatus};
use medusa_stripe::{
    InitiateInput, IntentStatus, RetryPolicy, StripeCallError, StripeProvider, StripeProviderError,
    StripeSettings, WebhookError,
};
use medusa_testkit::stripe::{Outcome, StripeStandIn};
use rust_decimal::Decimal;
use rust_decimal_macros::dec;
use secrecy::SecretString;
use serde_json::{Value, json};

fn settings(s: &StripeStandIn) -> StripeSettings {
    let mut st = StripeSettings::new(SecretString::from(s.api_key()));
    st.api_base = Some(s.base_url());
    st.webhook_secret = Some(SecretString::from(s.webhook_secret()));
    st.retry = RetryPolicy {
        attempts: 4,
        base_delay: Duration::from_millis(10),
        max_delay: Duration::from_millis(40),
    };
    st.timeout = Duration::from_secs(5);
    st
}

fn provider(s: &StripeStandIn) -> StripeProvider {
    StripeProvider::new(&settings(s)).unwrap()
}

async fn initiate(p: &StripeProvider, amount: Decimal, currency: &str, key: &str) -> Value {
    let (data, status) = p
        .initiate(&InitiateInput {
            amount,
            currency,
            session_id: "payses_test",
            customer: None,
            idempotency_key: key,
        })
        .await
        .unwrap();
    assert_eq!(status, IntentStatus::Pending);
    data
}

fn id(data: &Value) -> String {
    data["id"].as_str().unwrap().to_owned()
}

fn api_code(e: &StripeProviderError) -> Option<&str> {
    match e {
        StripeProviderError::Call(c) => c.code(),
        _ => None,
    }
}

#[tokio::test]
async fn create_authorize_capture_refund() {
    let s = StripeStandIn::start().await;
    let p = provider(&s);

    let data = initiate(&p, dec!(19.99), "usd", "session:payses_1").await;
    let pi = id(&data);
    // The whole PaymentIntent is the session data: the storefront needs the client secret.
    assert!(data["client_secret"].as_str().unwrap().starts_with(&pi));
    assert_eq!(data["amount"], 1999);
    assert_eq!(data["currency"], "usd");
    assert_eq!(data["capture_method"], "manual");
    assert_eq!(data["metadata"]["session_id"], "payses_test");
    let create = &s.requests_to("POST", "/v1/payment_intents")[0];
    assert_eq!(create.idempotency_key.as_deref(), Some("session:payses_1"));
    assert_eq!(create.param("capture_method"), Some("manual"));
    assert_eq!(create.param("metadata[session_id]"), Some("payses_test"));

    // Not confirmed by the browser yet.
    let (_, status) = p.retrieve(&data).await.unwrap();
    assert_eq!(status, IntentStatus::Pending);

    // The browser confirms with the client secret.
    s.confirm(&pi).unwrap();
    let (data, status) = p.retrieve(&data).await.unwrap();
    assert_eq!(status, IntentStatus::Authorized);
    assert_eq!(data["amount_capturable"], 1999);

    let captured = p
        .capture(&data, dec!(19.99), "usd", "capture:cap_1")
        .await
        .unwrap();
    assert_eq!(captured["status"], "succeeded");
    assert_eq!(captured["amount_received"], 1999);
    let cap = &s.requests_to("POST", &format!("/v1/payment_intents/{pi}/capture"))[0];
    assert_eq!(cap.idempotency_key.as_deref(), Some("capture:cap_1"));
    assert_eq!(cap.param("amount_to_capture"), Some("1999"));

    p.refund(&captured, dec!(5), "usd", "refund:ref_1")
        .await
        .unwrap();
    assert_eq!(s.refunded(&pi), 500);
    let refund = &s.requests_to("POST", "/v1/refunds")[0];
    assert_eq!(refund.idempotency_key.as_deref(), Some("refund:ref_1"));
    assert_eq!(refund.param("payment_intent"), Some(pi.as_str()));
    assert_eq!(refund.param("amount"), Some("500"));

    // The rest, then once more: a charge already refunded is not an error.
    p.refund(&captured, dec!(14.99), "usd", "refund:ref_2")
        .await
        .unwrap();
    p.refund(&captured, dec!(1), "usd", "refund:ref_3")
        .await
        .unwrap();
    assert_eq!(s.refunded(&pi), 1999);
    let last = s.requests_to("POST", "/v1/refunds").pop().unwrap();
    assert_eq!(last.outcome, Outcome::Answered(400));
}

#[tokio::test]
async fn a_partial_capture_captures_less() {
    let s = StripeStandIn::start().await;
    let p = provider(&s);
    let data = initiate(&p, dec!(50), "eur", "session:payses_p").await;
    let data = s.confirm(&id(&data)).unwrap();
    let captured = p
        .capture(&data, dec!(42.50), "eur", "capture:cap_p")
        .await
        .unwrap();
    assert_eq!(captured["amount_received"], 4250);
}

#[tokio::test]
async fn a_second_capture_is_success() {
    let s = StripeStandIn::start().await;
    let p = provider(&s);
    let data = initiate(&p, dec!(10), "usd", "session:payses_2").await;
    let data = s.confirm(&id(&data)).unwrap();
    p.capture(&data, dec!(10), "usd", "capture:cap_a")
        .await
        .unwrap();
    // Another attempt group (a new key): Stripe says unexpected state, the provider re-reads
    // the PaymentIntent, finds it succeeded and reports success.
    let again = p
        .capture(&data, dec!(10), "usd", "capture:cap_b")
        .await
        .unwrap();
    assert_eq!(again["status"], "succeeded");
    assert_eq!(again["amount_received"], 1000);
    let caps = s.requests_to(
        "POST",
        &format!("/v1/payment_intents/{}/capture", id(&data)),
    );
    assert_eq!(caps.len(), 2);
    assert_eq!(caps[1].outcome, Outcome::Answered(400));
    assert_eq!(
        s.requests_to("GET", &format!("/v1/payment_intents/{}", id(&data)))
            .len(),
        1
    );
}

#[tokio::test]
async fn capturing_an_unconfirmed_intent_fails() {
    let s = StripeStandIn::start().await;
    let p = provider(&s);
    let data = initiate(&p, dec!(10), "usd", "session:payses_3").await;
    let e = p
        .capture(&data, dec!(10), "usd", "capture:cap_x")
        .await
        .unwrap_err();
    assert_eq!(api_code(&e), Some("payment_intent_unexpected_state"));
    // Not retried: a 4xx is an answer.
    assert_eq!(s.count_ending("POST", "/capture"), 1);
}

#[tokio::test]
async fn a_lost_response_is_retried_with_the_same_key_and_replayed() {
    let s = StripeStandIn::start().await;
    let p = provider(&s);
    let data = initiate(&p, dec!(25), "usd", "session:payses_4").await;
    let data = s.confirm(&id(&data)).unwrap();
    // Stripe captured, then the connection died before we heard back.
    s.lose_next_response(1);
    let captured = p
        .capture(&data, dec!(25), "usd", "capture:cap_lost")
        .await
        .unwrap();
    assert_eq!(captured["amount_received"], 2500);
    let caps = s.requests_to(
        "POST",
        &format!("/v1/payment_intents/{}/capture", id(&data)),
    );
    assert_eq!(
        caps.iter().map(|r| r.outcome).collect::<Vec<_>>(),
        vec![Outcome::ResponseLost, Outcome::Replayed(200)]
    );
    assert!(
        caps.iter()
            .all(|r| r.idempotency_key.as_deref() == Some("capture:cap_lost"))
    );
}

#[tokio::test]
async fn injected_500s_are_retried_with_the_same_key() {
    let s = StripeStandIn::start().await;
    let p = provider(&s);
    s.fail_next(3);
    let data = initiate(&p, dec!(12), "usd", "session:payses_5").await;
    assert_eq!(data["amount"], 1200);
    let creates = s.requests_to("POST", "/v1/payment_intents");
    assert_eq!(
        creates.iter().map(|r| r.outcome).collect::<Vec<_>>(),
        vec![
            Outcome::InjectedFailure,
            Outcome::InjectedFailure,
            Outcome::InjectedFailure,
            Outcome::Answered(200)
        ]
    );
    assert!(
        creates
            .iter()
            .all(|r| r.idempotency_key.as_deref() == Some("session:payses_5"))
    );
    assert_eq!(s.intents().len(), 1);
}

#[tokio::test]
async fn retries_stop_after_the_last_attempt() {
    let s = StripeStandIn::start().await;
    let p = provider(&s);
    s.fail_next(10);
    let e = p
        .initiate(&InitiateInput {
            amount: dec!(1),
            currency: "usd",
            session_id: "payses_6",
            customer: None,
            idempotency_key: "session:payses_6",
        })
        .await
        .unwrap_err();
    match e {
        StripeProviderError::Call(StripeCallError::Api { status, kind, .. }) => {
            assert_eq!(status, 500);
            assert_eq!(kind, "api_error");
        }
        other => panic!("unexpected {other:?}"),
    }
    assert_eq!(s.requests().len(), 4);
    assert!(s.intents().is_empty());
}

#[tokio::test]
async fn dropped_connections_and_timeouts_are_retried() {
    let s = StripeStandIn::start().await;
    let mut st = settings(&s);
    st.timeout = Duration::from_millis(300);
    let p = StripeProvider::new(&st).unwrap();

    s.drop_next(2);
    let data = initiate(&p, dec!(30), "usd", "session:payses_7").await;
    assert_eq!(s.intents().len(), 1);
    assert_eq!(
        s.requests().iter().map(|r| r.outcome).collect::<Vec<_>>(),
        vec![Outcome::Dropped, Outcome::Dropped, Outcome::Answered(200)]
    );

    // Slow answer: the capture ran, the client gave up, the retry gets the stored answer.
    let data = s.confirm(&id(&data)).unwrap();
    s.delay_next(1, Duration::from_secs(2));
    let captured = p
        .capture(&data, dec!(30), "usd", "capture:cap_slow")
        .await
        .unwrap();
    assert_eq!(captured["amount_received"], 3000);
    let caps = s.requests_to(
        "POST",
        &format!("/v1/payment_intents/{}/capture", id(&data)),
    );
    assert_eq!(
        caps.iter().map(|r| r.outcome).collect::<Vec<_>>(),
        vec![Outcome::Answered(200), Outcome::Replayed(200)]
    );
}

#[tokio::test]
async fn a_reused_key_with_other_parameters_is_refused_and_not_retried() {
    let s = StripeStandIn::start().await;
    let p = provider(&s);
    initiate(&p, dec!(10), "usd", "session:same").await;
    // Same key, same parameters: the stored answer, not a second intent.
    let again = initiate(&p, dec!(10), "usd", "session:same").await;
    assert_eq!(s.intents().len(), 1);
    assert_eq!(id(&again), id(&s.intents()[0]));

    let e = p
        .initiate(&InitiateInput {
            amount: dec!(20),
            currency: "usd",
            session_id: "payses_test",
            customer: None,
            idempotency_key: "session:same",
        })
        .await
        .unwrap_err();
    match e {
        StripeProviderError::Call(StripeCallError::Api { status, kind, .. }) => {
            assert_eq!(status, 400);
            assert_eq!(kind, "idempotency_error");
        }
        other => panic!("unexpected {other:?}"),
    }
    assert_eq!(s.requests().len(), 3);
    assert_eq!(s.intents().len(), 1);
}

#[tokio::test]
async fn amounts_in_zero_two_and_three_digit_currencies() {
    let s = StripeStandIn::start().await;
    let p = provider(&s);
    let cases = [
        (dec!(1500), "jpy", 1500),
        (dec!(19.99), "usd", 1999),
        (dec!(34.116425), "eur", 3412),
        (dec!(1.234), "kwd", 1240),
        (dec!(2.5), "bhd", 2500),
    ];
    for (i, (amount, currency, expected)) in cases.into_iter().enumerate() {
        let data = initiate(&p, amount, currency, &format!("session:amt_{i}")).await;
        assert_eq!(data["amount"], expected, "{amount} {currency}");
        assert_eq!(data["currency"], currency);
        let req = s.requests().pop().unwrap();
        assert_eq!(req.param("amount"), Some(expected.to_string().as_str()));
    }
}

#[tokio::test]
async fn cancel_and_cancel_again() {
    let s = StripeStandIn::start().await;
    let p = provider(&s);
    let data = initiate(&p, dec!(10), "usd", "session:payses_8").await;
    let data = s.confirm(&id(&data)).unwrap();
    let canceled = p.cancel(&data, "cancel:pay_1").await.unwrap();
    assert_eq!(canceled["status"], "canceled");
    let cancel_path = format!("/v1/payment_intents/{}/cancel", id(&data));
    assert_eq!(
        s.requests_to("POST", &cancel_path)[0]
            .idempotency_key
            .as_deref(),
        Some("cancel:pay_1")
    );
    // Already canceled (another key): success.
    let again = p.cancel(&data, "cancel:pay_1_b").await.unwrap();
    assert_eq!(again["status"], "canceled");
    assert_eq!(s.requests_to("POST", &cancel_path).len(), 2);

    // A captured intent cannot be canceled.
    let d2 = initiate(&p, dec!(10), "usd", "session:payses_9").await;
    let d2 = s.confirm(&id(&d2)).unwrap();
    p.capture(&d2, dec!(10), "usd", "capture:c9").await.unwrap();
    let e = p.cancel(&d2, "cancel:pay_9").await.unwrap_err();
    assert_eq!(api_code(&e), Some("payment_intent_unexpected_state"));

    // Nothing to cancel without an intent: no call.
    let before = s.requests().len();
    p.cancel(&json!({}), "cancel:none").await.unwrap();
    assert_eq!(s.requests().len(), before);
}

#[tokio::test]
async fn update_amount_calls_stripe_only_when_it_changed() {
    let s = StripeStandIn::start().await;
    let p = provider(&s);
    let data = initiate(&p, dec!(10), "usd", "session:payses_10").await;
    let before = s.requests().len();
    let (same, _) = p
        .update_amount(&data, dec!(10), "usd", "update:1")
        .await
        .unwrap();
    assert_eq!(same, data);
    assert_eq!(s.requests().len(), before);
    let (updated, status) = p
        .update_amount(&data, dec!(12.5), "usd", "update:2")
        .await
        .unwrap();
    assert_eq!(updated["amount"], 1250);
    assert_eq!(status, IntentStatus::Pending);
    let req = s.requests().pop().unwrap();
    assert_eq!(req.path, format!("/v1/payment_intents/{}", id(&data)));
    assert_eq!(req.idempotency_key.as_deref(), Some("update:2"));
    assert_eq!(s.intent(&id(&data)).unwrap()["amount"], 1250);
}

#[tokio::test]
async fn statuses_from_the_stand_in() {
    let s = StripeStandIn::start().await;
    let p = provider(&s);
    let data = initiate(&p, dec!(10), "usd", "session:payses_11").await;
    let pi = id(&data);
    s.set_status(&pi, "requires_action");
    assert_eq!(
        p.retrieve(&data).await.unwrap().1,
        IntentStatus::RequiresMore
    );
    s.set_status(&pi, "processing");
    assert_eq!(p.retrieve(&data).await.unwrap().1, IntentStatus::Pending);
    s.set_status(&pi, "requires_payment_method");

    // A declined card leaves `last_payment_error`: error.
    let resp = reqwest::Client::new()
        .post(format!("{}v1/payment_intents/{pi}/confirm", s.base_url()))
        .bearer_auth(s.api_key())
        .header("content-type", "application/x-www-form-urlencoded")
        .body("payment_method=pm_card_chargeDeclined")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 402);
    assert_eq!(p.retrieve(&data).await.unwrap().1, IntentStatus::Error);

    // The browser retries with a good card.
    let resp = reqwest::Client::new()
        .post(format!("{}v1/payment_intents/{pi}/confirm", s.base_url()))
        .bearer_auth(s.api_key())
        .header("content-type", "application/x-www-form-urlencoded")
        .body("payment_method=pm_card_visa")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 200);
    assert_eq!(p.retrieve(&data).await.unwrap().1, IntentStatus::Authorized);
    p.cancel(&data, "cancel:x").await.unwrap();
    assert_eq!(p.retrieve(&data).await.unwrap().1, IntentStatus::Canceled);
}

#[tokio::test]
async fn a_wrong_key_is_an_error_without_retries() {
    let s = StripeStandIn::start().await;
    let mut st = settings(&s);
    st.api_key = SecretString::from("sk_test_wrong");
    let p = StripeProvider::new(&st).unwrap();
    let e = p
        .initiate(&InitiateInput {
            amount: dec!(1),
            currency: "usd",
            session_id: "s",
            customer: None,
            idempotency_key: "session:s",
        })
        .await
        .unwrap_err();
    match e {
        StripeProviderError::Call(StripeCallError::Api { status, .. }) => assert_eq!(status, 401),
        other => panic!("unexpected {other:?}"),
    }
    assert_eq!(s.requests().len(), 1);
}

#[tokio::test]
async fn the_payment_module_trait() {
    let s = StripeStandIn::start().await;
    let p = provider(&s);
    let mut registry = ProviderRegistry::default();
    registry.register(Arc::new(p));
    assert_eq!(
        registry.ids(),
        vec!["pp_stripe_stripe", "pp_system_default"]
    );
    let stripe = registry.get("pp_stripe_stripe").unwrap();

    let usd = CurrencyCode::parse("usd").unwrap();
    let empty = json!({});
    let ctx = json!({"account_holder": {"data": {"id": "cus_123"}}});
    let session = stripe
        .initiate(ProviderRequest {
            data: &empty,
            amount: Amount::new(dec!(19.99)),
            currency_code: &usd,
            context: &ctx,
            idempotency_key: "session:payses_01ABC".into(),
        })
        .await
        .unwrap();
    assert_eq!(session.status, SessionStatus::Pending);
    assert_eq!(session.data["metadata"]["session_id"], "payses_01ABC");
    assert_eq!(session.data["customer"], "cus_123");
    assert!(session.data["client_secret"].is_string());

    let req = |data: &'static Value, key: &str| ProviderRequest {
        data,
        amount: Amount::new(dec!(19.99)),
        currency_code: &usd,
        context: &empty,
        idempotency_key: key.into(),
    };
    let data: &'static Value = Box::leak(Box::new(session.data.clone()));
    s.confirm(data["id"].as_str().unwrap()).unwrap();
    let auth = stripe
        .authorize(req(data, "authorize:payses_01ABC"))
        .await
        .unwrap();
    assert_eq!(auth.status, SessionStatus::Authorized);
    assert_eq!(
        stripe.status(req(data, "status")).await.unwrap(),
        SessionStatus::Authorized
    );
    let captured = stripe.capture(req(data, "capture:capt_1")).await.unwrap();
    assert_eq!(captured["amount_received"], 1999);
    assert_eq!(
        stripe.status(req(data, "status")).await.unwrap(),
        SessionStatus::Captured
    );
    stripe.refund(req(data, "refund:ref_1")).await.unwrap();
    assert_eq!(s.refunded(data["id"].as_str().unwrap()), 1999);

    // Errors reach the module as ProviderError with Stripe's message.
    let e = stripe.cancel(req(data, "cancel:p")).await.unwrap_err();
    assert!(e.message.contains("status of succeeded"), "{}", e.message);
}

#[tokio::test]
async fn webhooks_from_the_stand_in_verify() {
    let s = StripeStandIn::start().await;
    let p = provider(&s);
    let data = initiate(&p, dec!(10), "usd", "session:payses_w").await;
    let pi = s.confirm(&id(&data)).unwrap();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;

    let (body, header) = s.webhook("payment_intent.amount_capturable_updated", &pi);
    let env = p
        .verify_webhook(body.as_bytes(), Some(&header), now)
        .unwrap();
    assert_eq!(env.event_type, "payment_intent.amount_capturable_updated");
    assert_eq!(env.object_id.as_deref(), Some(id(&data).as_str()));
    assert_eq!(env.object_status.as_deref(), Some("requires_capture"));
    assert_eq!(env.amount_capturable, Some(1000));
    assert_eq!(env.session_id.as_deref(), Some("payses_test"));

    let (body, header) = s.webhook_at("payment_intent.succeeded", &pi, now - 301);
    assert_eq!(
        p.verify_webhook(body.as_bytes(), Some(&header), now),
        Err(WebhookError::Signature(
            medusa_stripe::webhook::SignatureError::Stale
        ))
    );
    let (body, _) = s.webhook("payment_intent.succeeded", &pi);
    assert_eq!(
        p.verify_webhook(body.as_bytes(), None, now),
        Err(WebhookError::Signature(
            medusa_stripe::webhook::SignatureError::MissingHeader
        ))
    );

    // Without a configured secret nothing verifies.
    let mut st = settings(&s);
    st.webhook_secret = None;
    let no_secret = StripeProvider::new(&st).unwrap();
    let (body, header) = s.webhook("payment_intent.succeeded", &pi);
    assert_eq!(
        no_secret.verify_webhook(body.as_bytes(), Some(&header), now),
        Err(WebhookError::NoSecret)
    );
}

#[tokio::test]
async fn configuration_from_the_environment_makes_no_call() {
    let s = StripeStandIn::start().await;
    let env = |pairs: &[(&str, &str)]| {
        let v: Vec<(String, String)> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .chain([("MEDUSA_CONFIG".to_string(), String::new())])
            .collect();
        medusa_core::config::Config::load_from(&v).unwrap()
    };
    assert!(StripeSettings::from_config(&env(&[])).is_none());
    let base = s.base_url();
    let cfg = env(&[
        ("STRIPE_API_KEY", s.api_key()),
        ("STRIPE_WEBHOOK_SECRET", s.webhook_secret()),
        ("STRIPE_API_BASE", base.trim_end_matches('/')),
    ]);
    let st = StripeSettings::from_config(&cfg).unwrap();
    let p = StripeProvider::new(&st).unwrap();
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert!(
        s.requests().is_empty(),
        "building the provider called Stripe"
    );
    // The base without a trailing slash works too.
    let data = initiate(&p, dec!(1), "usd", "session:cfg").await;
    assert_eq!(data["amount"], 100);
}
