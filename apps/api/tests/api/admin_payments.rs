//! `/admin/payments` and `/admin/refund-reasons` on both backends: capture and refund with
//! Medusa's checks and messages (golden 26), concurrent captures, and refund reason CRUD.

use futures_util::future::join_all;
use medusa_core::id::PaymentSessionId;
use medusa_payment::PaymentService;
use medusa_testkit::{TestApp, both_backends, golden, keys, spawn_app};
use serde_json::{Value, json};

use crate::admin_regions::Admin;
use crate::store_payment::{cart_with_items, collection_with_session};

/// An authorized system payment for a fresh cart; returns `(payment id, amount)`.
async fn authorized_payment(app: &TestApp, key: &str) -> (String, Value) {
    let cart = cart_with_items(app, key).await;
    let pc = collection_with_session(app, key, cart["id"].as_str().unwrap()).await;
    let session =
        PaymentSessionId::parse(pc["payment_sessions"][0]["id"].as_str().unwrap()).unwrap();
    // Cart completion authorizes; here the module is called directly.
    let svc = app.state.registry.get::<dyn PaymentService>().unwrap();
    let p = svc.authorize_session(&session, &json!({})).await.unwrap();
    (p.id.to_string(), pc["amount"].clone())
}

both_backends!(
    async fn capture_and_refund_with_medusas_checks(backend: Backend) {
        let app = spawn_app(backend).await;
        let key = app.seed().await;
        let admin = Admin::new(&app).await;
        let (id, amount) = authorized_payment(&app, &key).await;
        let total = amount.as_f64().unwrap();

        let (status, res) = admin.get(&app, &format!("/admin/payments/{id}")).await;
        assert_eq!(status, 200, "{res}");
        assert_eq!(res["payment"]["captured_at"], Value::Null);
        assert_eq!(res["payment"]["captures"], json!([]));

        // Over the authorized amount.
        let path = format!("/admin/payments/{id}/capture");
        let (status, res) = admin
            .post(&app, &path, json!({"amount": total + 1.0}))
            .await;
        assert_eq!(status, 400, "{res}");
        assert_eq!(res["type"], "invalid_data");
        assert_eq!(
            res["message"],
            "You cannot capture more than the authorized amount substracted by what is already captured."
        );
        // A refund before any capture.
        let (status, res) = admin
            .post(
                &app,
                &format!("/admin/payments/{id}/refund"),
                json!({"amount": 1}),
            )
            .await;
        assert_eq!(status, 400, "{res}");
        assert_eq!(
            res["message"],
            "You cannot refund more than what is captured on the payment."
        );

        // The dashboard's full capture: `{}`.
        let (status, res) = admin.post(&app, &path, json!({})).await;
        assert_eq!(status, 200, "{res}");
        let gold = golden("26-admin-capture-payment.json")["response"]["body"]["payment"].clone();
        let p = &res["payment"];
        assert_eq!(keys(p), keys(&gold));
        assert_eq!(keys(&p["captures"][0]), keys(&gold["captures"][0]));
        assert_eq!(p["captures"][0]["amount"], amount);
        assert_eq!(p["amount"], amount);
        assert!(p["captured_at"].is_string());
        assert!(
            p["captures"][0]["id"]
                .as_str()
                .unwrap()
                .starts_with("capt_")
        );

        // Refund part of it, then more than is left.
        let refund = format!("/admin/payments/{id}/refund");
        let (status, res) = admin
            .post(&app, &refund, json!({"amount": 1, "note": "scratched"}))
            .await;
        assert_eq!(status, 200, "{res}");
        let r = &res["payment"]["refunds"][0];
        assert_eq!(r["amount"], 1);
        assert_eq!(r["note"], "scratched");
        assert_eq!(r["payment_id"], id.as_str());
        assert!(r["id"].as_str().unwrap().starts_with("ref_"));
        let (status, res) = admin.post(&app, &refund, json!({"amount": total})).await;
        assert_eq!(status, 400, "{res}");
        assert_eq!(
            res["message"],
            "You cannot refund more than what is captured on the payment."
        );

        // The collection reflects it (the module's recompute).
        let svc = app.state.registry.get::<dyn PaymentService>().unwrap();
        let pid = medusa_core::id::PaymentId::parse(&id).unwrap();
        let payment = svc.retrieve_payment(&pid).await.unwrap();
        let c = svc
            .retrieve_collection(&payment.payment_collection_id)
            .await
            .unwrap();
        assert_eq!(c.status.as_str(), "completed");
        assert_eq!(c.refunded_amount.to_string(), "1");

        // The list and its filters.
        let (status, res) = admin.get(&app, "/admin/payments").await;
        assert_eq!(status, 200, "{res}");
        assert_eq!(res["count"], 1);
        assert_eq!(res["limit"], 20);
        assert_eq!(res["payments"][0]["id"], id.as_str());
        let (_, res) = admin
            .get(&app, "/admin/payments?id=pay_01J0000000000000000000000Z")
            .await;
        assert_eq!(res["count"], 0);
        let (_, res) = admin
            .get(
                &app,
                &format!(
                    "/admin/payments?payment_session_id={}&fields=id,amount",
                    payment.payment_session_id
                ),
            )
            .await;
        assert_eq!(res["count"], 1);
        assert_eq!(keys(&res["payments"][0]), vec!["amount", "id"]);
        let (status, _) = admin.get(&app, "/admin/payments?nope=1").await;
        assert_eq!(status, 400);
    }
);

both_backends!(
    async fn bad_capture_and_refund_requests(backend: Backend) {
        let app = spawn_app(backend).await;
        let key = app.seed().await;
        let admin = Admin::new(&app).await;
        let (id, _) = authorized_payment(&app, &key).await;
        for (path, body, status) in [
            (
                format!("/admin/payments/{id}/capture"),
                json!({"amount": 0}),
                400,
            ),
            (
                format!("/admin/payments/{id}/capture"),
                json!({"amount": -5}),
                400,
            ),
            (
                format!("/admin/payments/{id}/capture"),
                json!({"amount": 0.001}),
                400,
            ),
            (
                format!("/admin/payments/{id}/capture"),
                json!({"total": 1}),
                400,
            ),
            (
                format!("/admin/payments/{id}/refund"),
                json!({"refund_reason_id": "refr_01J0000000000000000000000Z"}),
                404,
            ),
            (
                "/admin/payments/pay_01J0000000000000000000000Z/capture".to_owned(),
                json!({}),
                404,
            ),
        ] {
            let (got, res) = admin.post(&app, &path, body.clone()).await;
            assert_eq!(got, status, "{path} {body}: {res}");
        }
        let (status, res) = admin
            .get(&app, "/admin/payments/pay_01J0000000000000000000000Z")
            .await;
        assert_eq!(status, 404);
        assert_eq!(
            res["message"],
            "Payment with id: pay_01J0000000000000000000000Z was not found"
        );
        // Unauthenticated.
        let resp = app
            .client
            .post(app.url(&format!("/admin/payments/{id}/capture")))
            .json(&json!({}))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status().as_u16(), 401);
        // Nothing was captured by any of these.
        let (_, res) = admin.get(&app, &format!("/admin/payments/{id}")).await;
        assert_eq!(res["payment"]["captures"], json!([]));
    }
);

both_backends!(
    async fn concurrent_partial_captures_stop_at_the_authorized_amount(backend: Backend) {
        let app = spawn_app(backend).await;
        let key = app.seed().await;
        let admin = Admin::new(&app).await;
        let (id, amount) = authorized_payment(&app, &key).await;
        // A quarter of the amount plus a cent: three fit, a fourth never does. (Once a payment
        // is fully captured further captures are Medusa's no-op, so the slices must not add up.)
        let cents = (amount.as_f64().unwrap() * 100.0).round() as i64;
        assert!(cents >= 100, "{amount}");
        let slice = (cents / 4 + 1) as f64 / 100.0;
        let path = format!("/admin/payments/{id}/capture");
        let results =
            join_all((0..7).map(|_| admin.post(&app, &path, json!({"amount": slice})))).await;
        let ok = results.iter().filter(|(s, _)| *s == 200).count();
        let refused = results
            .iter()
            .filter(|(s, r)| {
                *s == 400
                    && r["message"]
                        == "You cannot capture more than the authorized amount substracted by what is already captured."
            })
            .count();
        assert_eq!((ok, refused), (3, 4), "{results:?}");
        let (_, res) = admin.get(&app, &format!("/admin/payments/{id}")).await;
        assert_eq!(res["payment"]["captures"].as_array().unwrap().len(), 3);
        assert_eq!(res["payment"]["captured_at"], Value::Null);
    }
);

both_backends!(
    async fn refund_reasons_crud(backend: Backend) {
        let app = spawn_app(backend).await;
        let key = app.seed().await;
        let admin = Admin::new(&app).await;
        let (status, res) = admin
            .post(
                &app,
                "/admin/refund-reasons",
                json!({"label": "Damaged", "code": "damaged", "description": "Broken on arrival"}),
            )
            .await;
        assert_eq!(status, 200, "{res}");
        let r = res["refund_reason"].clone();
        assert_eq!(
            keys(&r),
            vec![
                "code",
                "created_at",
                "deleted_at",
                "description",
                "id",
                "label",
                "updated_at"
            ]
        );
        let id = r["id"].as_str().unwrap();
        assert!(id.starts_with("refr_"));

        let (status, res) = admin
            .post(&app, "/admin/refund-reasons", json!({"label": "No code"}))
            .await;
        assert_eq!(status, 400, "{res}");
        let (status, _) = admin
            .post(
                &app,
                "/admin/refund-reasons",
                json!({"label": "x", "code": "x", "metadata": {}}),
            )
            .await;
        assert_eq!(status, 400);

        let (status, res) = admin
            .post(
                &app,
                &format!("/admin/refund-reasons/{id}"),
                json!({"label": "Broken", "description": null}),
            )
            .await;
        assert_eq!(status, 200, "{res}");
        assert_eq!(res["refund_reason"]["label"], "Broken");
        assert_eq!(res["refund_reason"]["code"], "damaged");
        assert_eq!(res["refund_reason"]["description"], Value::Null);

        let (_, res) = admin.get(&app, "/admin/refund-reasons?q=brok").await;
        assert_eq!(res["count"], 1);
        assert_eq!(res["limit"], 15);
        assert_eq!(res["refund_reasons"][0]["id"], id);
        let (status, res) = admin
            .get(&app, &format!("/admin/refund-reasons/{id}"))
            .await;
        assert_eq!(status, 200);
        assert_eq!(res["refund_reason"]["id"], id);

        // A refund with the reason shows its label and code.
        let (pid, _) = authorized_payment(&app, &key).await;
        admin
            .post(&app, &format!("/admin/payments/{pid}/capture"), json!({}))
            .await;
        let (status, res) = admin
            .post(
                &app,
                &format!("/admin/payments/{pid}/refund"),
                json!({"amount": 1, "refund_reason_id": id}),
            )
            .await;
        assert_eq!(status, 200, "{res}");
        assert_eq!(
            res["payment"]["refunds"][0]["refund_reason"],
            json!({"id": id, "label": "Broken", "code": "damaged"})
        );

        let (status, res) = admin
            .delete(&app, &format!("/admin/refund-reasons/{id}"))
            .await;
        assert_eq!(status, 200);
        assert_eq!(
            res,
            json!({"id": id, "object": "refund_reason", "deleted": true})
        );
        let (status, _) = admin
            .get(&app, &format!("/admin/refund-reasons/{id}"))
            .await;
        assert_eq!(status, 404);
        let (_, res) = admin.get(&app, "/admin/refund-reasons").await;
        assert_eq!(res["count"], 0);

        let (_, res) = admin.get(&app, "/admin/payments/payment-providers").await;
        assert_eq!(
            res["payment_providers"],
            json!([{"id": "pp_system_default", "is_enabled": true}])
        );
    }
);
