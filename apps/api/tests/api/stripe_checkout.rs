//! `pp_stripe_stripe` through the store API on both backends, against the Stripe stand-in:
//! the provider is offered, the session carries the PaymentIntent (`data.client_secret`), the
//! PaymentIntent is created as Medusa's provider does (manual capture, smallest unit,
//! `metadata.session_id`, a deterministic idempotency key), `complete` authorizes it with one
//! read, and `/store/orders/by-payment-intent/:id` finds the order without any PII.

use medusa_testkit::stripe::StripeStandIn;
use medusa_testkit::{TestApp, both_backends, spawn_app_builder};
use sea_orm::{ConnectionTrait, Statement};
use serde_json::{Value, json};

use crate::store_carts::{region_id, store_get, store_post, variant};
use crate::store_checkout::{complete, ready_cart};

/// The app with Stripe pointed at a fresh stand-in, seeded; returns the publishable key.
pub async fn stripe_app(backend: medusa_testkit::Backend) -> (TestApp, StripeStandIn, String) {
    let standin = StripeStandIn::start().await;
    let app = spawn_app_builder(backend)
        .env("STRIPE_API_KEY", standin.api_key())
        .env("STRIPE_API_BASE", &standin.base_url())
        .env("STRIPE_WEBHOOK_SECRET", standin.webhook_secret())
        .spawn()
        .await;
    let key = app.seed().await;
    (app, standin, key)
}

/// A ready EUR cart (one unit, shipping chosen): `(cart_id, region_id)`.
pub async fn stripe_cart(app: &TestApp, key: &str) -> (String, String) {
    let eur = region_id(app, key, "eur").await;
    let (variant_id, _) = variant(app, key, &eur, 0).await;
    (ready_cart(app, key, &eur, &variant_id, 1).await, eur)
}

/// The collection and a Stripe session, as the js-sdk's `initiatePaymentSession` does; returns
/// the session.
pub async fn stripe_session(app: &TestApp, key: &str, cart_id: &str) -> Value {
    let (status, res) = store_post(
        app,
        key,
        "/store/payment-collections",
        json!({"cart_id": cart_id}),
    )
    .await;
    assert_eq!(status, 200, "{res}");
    let collection = res["payment_collection"]["id"].as_str().unwrap().to_owned();
    let (status, res) = store_post(
        app,
        key,
        &format!("/store/payment-collections/{collection}/payment-sessions"),
        json!({"provider_id": "pp_stripe_stripe"}),
    )
    .await;
    assert_eq!(status, 200, "{res}");
    res["payment_collection"]["payment_sessions"][0].clone()
}

pub async fn count(app: &TestApp, table: &str) -> i64 {
    let backend = app.db().get_database_backend();
    let row = app
        .db()
        .query_one_raw(Statement::from_string(
            backend,
            format!("SELECT COUNT(*) AS n FROM \"{table}\""),
        ))
        .await
        .unwrap()
        .unwrap();
    row.try_get::<i64>("", "n").unwrap()
}

both_backends!(
    async fn a_stripe_checkout_authorizes_one_payment_intent(backend: Backend) {
        let (app, standin, key) = stripe_app(backend).await;
        let (cart_id, eur) = stripe_cart(&app, &key).await;

        // Offered in the seeded region, beside the system provider.
        let (status, res) = store_get(
            &app,
            &key,
            &format!("/store/payment-providers?region_id={eur}"),
        )
        .await;
        assert_eq!(status, 200, "{res}");
        let ids: Vec<&str> = res["payment_providers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["id"].as_str().unwrap())
            .collect();
        assert_eq!(ids, ["pp_stripe_stripe", "pp_system_default"]);

        let session = stripe_session(&app, &key, &cart_id).await;
        let session_id = session["id"].as_str().unwrap();
        assert_eq!(session["provider_id"], "pp_stripe_stripe");
        assert_eq!(session["status"], "pending");
        let pi = session["data"]["id"].as_str().unwrap().to_owned();
        assert!(pi.starts_with("pi_"), "{session}");
        assert!(
            session["data"]["client_secret"]
                .as_str()
                .is_some_and(|s| s.starts_with(&pi)),
            "{session}"
        );

        // One PaymentIntent, created as Medusa's provider creates it.
        let creates = standin.requests_to("POST", "/v1/payment_intents");
        assert_eq!(creates.len(), 1);
        let create = &creates[0];
        let (_, cart) = store_get(&app, &key, &format!("/store/carts/{cart_id}")).await;
        let total = cart["cart"]["total"].as_f64().unwrap();
        let smallest = (total * 100.0).round() as i64;
        assert_eq!(create.param("amount"), Some(smallest.to_string().as_str()));
        assert_eq!(create.param("currency"), Some("eur"));
        assert_eq!(create.param("capture_method"), Some("manual"));
        assert_eq!(create.param("metadata[session_id]"), Some(session_id));
        assert_eq!(
            create.idempotency_key.as_deref(),
            Some(format!("session:{session_id}").as_str())
        );

        // The browser confirms the card; complete authorizes with one read of the intent.
        standin.confirm(&pi).unwrap();
        let (status, res) = complete(&app, &key, &cart_id).await;
        assert_eq!(status, 200, "{res}");
        assert_eq!(res["type"], "order", "{res}");
        let order_id = res["order"]["id"].as_str().unwrap().to_owned();
        assert_eq!(
            standin
                .requests_to("GET", &format!("/v1/payment_intents/{pi}"))
                .len(),
            1
        );
        // No capture at checkout: it is delayed.
        assert_eq!(standin.count_ending("POST", "/capture"), 0);
        assert_eq!(count(&app, "payment").await, 1);
        assert_eq!(standin.intent(&pi).unwrap()["status"], "requires_capture");

        // The storefront's post-payment redirect knows only the intent id.
        let (status, res) =
            store_get(&app, &key, &format!("/store/orders/by-payment-intent/{pi}")).await;
        assert_eq!(status, 200, "{res}");
        let order = &res["order"];
        assert_eq!(order["id"], order_id.as_str());
        for pii in [
            "email",
            "customer_id",
            "customer",
            "shipping_address",
            "billing_address",
            "payment_collections",
            "metadata",
            "sales_channel_id",
            "region_id",
            "shipping_methods",
            "transactions",
        ] {
            assert!(order.get(pii).is_none(), "{pii} leaked: {order}");
        }
        let text = res.to_string();
        for secret in [
            "ada@example.com",
            "Lovelace",
            "Test Street",
            "+4512345678",
            "client_secret",
        ] {
            assert!(!text.contains(secret), "{secret} leaked: {text}");
        }
        // Unknown intents are 404.
        let (status, _) = store_get(&app, &key, "/store/orders/by-payment-intent/pi_nope").await;
        assert_eq!(status, 404);
    }
);

both_backends!(
    async fn without_a_key_stripe_is_not_offered(backend: Backend) {
        let app = medusa_testkit::spawn_app(backend).await;
        let key = app.seed().await;
        let eur = region_id(&app, &key, "eur").await;
        let (_, res) = store_get(
            &app,
            &key,
            &format!("/store/payment-providers?region_id={eur}"),
        )
        .await;
        assert_eq!(
            res["payment_providers"],
            json!([{"id": "pp_system_default", "is_enabled": true}])
        );
        // The webhook route exists, but there is no Stripe to verify against.
        let r = app
            .client
            .post(app.url("/hooks/payment/stripe_stripe"))
            .body("{}")
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 404);
    }
);
