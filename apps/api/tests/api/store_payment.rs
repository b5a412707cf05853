//! `/store/payment-collections` on both backends: the cart's collection for its current total,
//! one active payment session, Medusa's shapes (goldens 15 and 16) and errors.

use medusa_testkit::{TestApp, both_backends, golden, keys, spawn_app};
use serde_json::{Value, json};

use crate::store_carts::{new_cart, region_id, store_post, variant};

/// A EUR cart holding two units of the first product.
pub async fn cart_with_items(app: &TestApp, key: &str) -> Value {
    let eur = region_id(app, key, "eur").await;
    let (variant_id, _) = variant(app, key, &eur, 0).await;
    let cart = new_cart(app, key, json!({"region_id": eur})).await;
    let id = cart["id"].as_str().unwrap();
    let (status, res) = store_post(
        app,
        key,
        &format!("/store/carts/{id}/line-items"),
        json!({"variant_id": variant_id, "quantity": 2}),
    )
    .await;
    assert_eq!(status, 200, "{res}");
    res["cart"].clone()
}

/// The cart's collection with a system session; returns the collection.
pub async fn collection_with_session(app: &TestApp, key: &str, cart_id: &str) -> Value {
    let (status, res) = store_post(
        app,
        key,
        "/store/payment-collections",
        json!({"cart_id": cart_id}),
    )
    .await;
    assert_eq!(status, 200, "{res}");
    let id = res["payment_collection"]["id"].as_str().unwrap().to_owned();
    let (status, res) = store_post(
        app,
        key,
        &format!("/store/payment-collections/{id}/payment-sessions"),
        json!({"provider_id": "pp_system_default"}),
    )
    .await;
    assert_eq!(status, 200, "{res}");
    res["payment_collection"].clone()
}

both_backends!(
    async fn a_carts_collection_and_its_one_session(backend: Backend) {
        let app = spawn_app(backend).await;
        let key = app.seed().await;
        let cart = cart_with_items(&app, &key).await;
        let cart_id = cart["id"].as_str().unwrap();
        assert!(cart["total"].as_f64().unwrap() > 0.0);

        let (status, res) = store_post(
            &app,
            &key,
            "/store/payment-collections",
            json!({"cart_id": cart_id}),
        )
        .await;
        assert_eq!(status, 200, "{res}");
        let pc = &res["payment_collection"];
        let gold =
            golden("15-create-payment-collection.json")["response"]["body"]["payment_collection"]
                .clone();
        assert_eq!(keys(pc), keys(&gold));
        assert!(pc["id"].as_str().unwrap().starts_with("pay_col_"));
        assert_eq!(pc["currency_code"], "eur");
        assert_eq!(pc["amount"], cart["total"], "the cart's current total");
        assert_eq!(pc["payment_sessions"], json!([]));

        // The cart's existing collection comes back.
        let (_, again) = store_post(
            &app,
            &key,
            "/store/payment-collections",
            json!({"cart_id": cart_id}),
        )
        .await;
        assert_eq!(again["payment_collection"]["id"], pc["id"]);

        let pc_id = pc["id"].as_str().unwrap();
        let path = format!("/store/payment-collections/{pc_id}/payment-sessions");
        let (status, res) = store_post(
            &app,
            &key,
            &path,
            json!({"provider_id": "pp_system_default"}),
        )
        .await;
        assert_eq!(status, 200, "{res}");
        let gold = golden("16-init-payment-session.json")["response"]["body"]["payment_collection"]
            .clone();
        let pc = &res["payment_collection"];
        assert_eq!(keys(pc), keys(&gold));
        let session = &pc["payment_sessions"][0];
        assert_eq!(keys(session), keys(&gold["payment_sessions"][0]));
        assert!(session["id"].as_str().unwrap().starts_with("payses_"));
        assert_eq!(session["status"], "pending");
        assert_eq!(session["data"], json!({}));
        assert_eq!(session["context"], json!({}));
        assert_eq!(session["payment"], Value::Null);
        assert_eq!(session["amount"], cart["total"]);
        assert_eq!(
            session["raw_amount"]["value"],
            cart["total"].to_string().as_str()
        );
        assert_eq!(session["payment_collection_id"], pc_id);

        // A second session replaces the first.
        let (_, res) = store_post(
            &app,
            &key,
            &path,
            json!({"provider_id": "pp_system_default"}),
        )
        .await;
        let sessions = res["payment_collection"]["payment_sessions"]
            .as_array()
            .unwrap();
        assert_eq!(sessions.len(), 1);
        assert_ne!(sessions[0]["id"], session["id"]);

        // `fields` is honoured.
        let (status, res) = store_post(
            &app,
            &key,
            &format!("{path}?fields=id,amount"),
            json!({"provider_id": "pp_system_default"}),
        )
        .await;
        assert_eq!(status, 200, "{res}");
        assert_eq!(keys(&res["payment_collection"]), vec!["amount", "id"]);
    }
);

// A cart change racing the collection's creation can leave the collection at the cart's older
// total (the change read the cart before the link existed); the session still starts at what the
// cart costs now. The stale amount is written directly to stand in for the lost race.
both_backends!(
    async fn a_session_starts_at_the_carts_current_total(backend: Backend) {
        use sea_orm::ConnectionTrait;
        let app = spawn_app(backend).await;
        let key = app.seed().await;
        let cart = cart_with_items(&app, &key).await;
        let cart_id = cart["id"].as_str().unwrap();
        let (status, res) = store_post(
            &app,
            &key,
            "/store/payment-collections",
            json!({"cart_id": cart_id}),
        )
        .await;
        assert_eq!(status, 200, "{res}");
        let pc_id = res["payment_collection"]["id"].as_str().unwrap().to_owned();
        app.db()
            .execute_unprepared(&format!(
                "UPDATE payment_collection SET amount = 1 WHERE id = '{pc_id}'"
            ))
            .await
            .unwrap();
        let (status, res) = store_post(
            &app,
            &key,
            &format!("/store/payment-collections/{pc_id}/payment-sessions"),
            json!({"provider_id": "pp_system_default"}),
        )
        .await;
        assert_eq!(status, 200, "{res}");
        let pc = &res["payment_collection"];
        assert_eq!(pc["amount"], cart["total"]);
        assert_eq!(pc["payment_sessions"][0]["amount"], cart["total"]);
    }
);

both_backends!(
    async fn bad_payment_collection_requests_are_refused(backend: Backend) {
        let app = spawn_app(backend).await;
        let key = app.seed().await;
        let cart = cart_with_items(&app, &key).await;
        let cart_id = cart["id"].as_str().unwrap();
        for (path, body, status, message) in [
            (
                "/store/payment-collections".to_owned(),
                json!({"cart_id": cart_id, "amount": 1}),
                400,
                "Invalid request: Unrecognized fields: 'amount'".to_owned(),
            ),
            (
                "/store/payment-collections".to_owned(),
                json!({"cart_id": "cart_01J0000000000000000000000Z"}),
                404,
                "Cart id not found: cart_01J0000000000000000000000Z".to_owned(),
            ),
            (
                "/store/payment-collections/pay_col_01J0000000000000000000000Z/payment-sessions"
                    .to_owned(),
                json!({"provider_id": "pp_system_default"}),
                404,
                "PaymentCollection with id: pay_col_01J0000000000000000000000Z was not found"
                    .to_owned(),
            ),
            (
                "/store/payment-collections/nope/payment-sessions".to_owned(),
                json!({"provider_id": "pp_system_default"}),
                404,
                "PaymentCollection with id: nope was not found".to_owned(),
            ),
        ] {
            let (got, res) = store_post(&app, &key, &path, body.clone()).await;
            assert_eq!(got, status, "{path} {body}: {res}");
            assert_eq!(res["message"], message.as_str(), "{path} {body}");
        }
        let (status, res) = store_post(
            &app,
            &key,
            "/store/payment-collections",
            json!({"cart_id": cart_id}),
        )
        .await;
        assert_eq!(status, 200, "{res}");
        let pc_id = res["payment_collection"]["id"].as_str().unwrap();
        let path = format!("/store/payment-collections/{pc_id}/payment-sessions");
        let (status, res) =
            store_post(&app, &key, &path, json!({"provider_id": "pp_nope_nope"})).await;
        assert_eq!(status, 404, "{res}");
        assert_eq!(
            res["message"],
            "Could not find a payment provider with id: pp_nope_nope"
        );
        // The context is the server's, never the client's.
        let (status, res) = store_post(
            &app,
            &key,
            &path,
            json!({"provider_id": "pp_system_default", "context": {"customer": {"id": "cus_x"}}}),
        )
        .await;
        assert_eq!(status, 400, "{res}");
        assert_eq!(
            res["message"],
            "Invalid request: Unrecognized fields: 'context'"
        );
        let (status, _) = store_post(&app, &key, &path, json!({})).await;
        assert_eq!(status, 400);
        // Without a publishable key: the store guard.
        let resp = app
            .client
            .post(app.url("/store/payment-collections"))
            .json(&json!({"cart_id": cart_id}))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status().as_u16(), 400);
    }
);

both_backends!(
    async fn a_customers_collection_is_theirs_only(backend: Backend) {
        let app = spawn_app(backend).await;
        let key = app.seed().await;
        let (mut shopper, customer) =
            crate::store_customers::sign_up(&app, "pay@example.com").await;
        shopper.key = key.clone();
        let eur = region_id(&app, &key, "eur").await;
        let (variant_id, _) = variant(&app, &key, &eur, 0).await;
        let (status, res) = shopper
            .post(&app, "/store/carts", json!({"region_id": eur}))
            .await;
        assert_eq!(status, 200, "{res}");
        let cart_id = res["cart"]["id"].as_str().unwrap().to_owned();
        assert_eq!(res["cart"]["customer_id"], customer["id"]);
        let (status, res) = shopper
            .post(
                &app,
                &format!("/store/carts/{cart_id}/line-items"),
                json!({"variant_id": variant_id, "quantity": 1}),
            )
            .await;
        assert_eq!(status, 200, "{res}");

        // A guest holding the ids gets nothing.
        let (status, res) = store_post(
            &app,
            &key,
            "/store/payment-collections",
            json!({"cart_id": cart_id}),
        )
        .await;
        assert_eq!(status, 404, "{res}");
        let (status, res) = shopper
            .post(
                &app,
                "/store/payment-collections",
                json!({"cart_id": cart_id}),
            )
            .await;
        assert_eq!(status, 200, "{res}");
        let pc_id = res["payment_collection"]["id"].as_str().unwrap().to_owned();
        let path = format!("/store/payment-collections/{pc_id}/payment-sessions");
        let (status, res) = store_post(
            &app,
            &key,
            &path,
            json!({"provider_id": "pp_system_default"}),
        )
        .await;
        assert_eq!(status, 404, "{res}");
        assert_eq!(
            res["message"],
            format!("PaymentCollection with id: {pc_id} was not found")
        );

        // The customer's session carries the server-built context.
        let (status, res) = shopper
            .post(&app, &path, json!({"provider_id": "pp_system_default"}))
            .await;
        assert_eq!(status, 200, "{res}");
        assert_eq!(
            res["payment_collection"]["payment_sessions"][0]["context"],
            json!({"customer": {"id": customer["id"]}})
        );
    }
);
