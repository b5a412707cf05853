//! `POST /store/carts/:id/complete` on both backends: a guest checkout end to end, exactly one
//! order per cart under concurrent completes, no overselling under concurrent checkouts, and
//! nothing left behind when a completion is refused.

use futures_util::future::join_all;
use medusa_testkit::{TestApp, both_backends, golden, keys, spawn_app};
use serde_json::{Value, json};

use crate::store_carts::{new_cart, region_id, store_get, store_post, variant};

const DK: &str = r#"{"first_name": "Ada", "last_name": "Lovelace", "address_1": "1 Test Street", "city": "Copenhagen", "country_code": "dk", "postal_code": "1000", "phone": "+4512345678"}"#;

/// A cart of `quantity` of the variant with an address and a shipping method, ready to pay.
pub async fn ready_cart(
    app: &TestApp,
    key: &str,
    region: &str,
    variant_id: &str,
    quantity: i64,
) -> String {
    let address: Value = serde_json::from_str(DK).unwrap();
    let cart = new_cart(
        app,
        key,
        json!({
            "region_id": region,
            "email": "ada@example.com",
            "shipping_address": address,
            "billing_address": address,
            "items": [{"variant_id": variant_id, "quantity": quantity}],
        }),
    )
    .await;
    let id = cart["id"].as_str().unwrap().to_owned();
    let (_, options) = store_get(app, key, &format!("/store/shipping-options?cart_id={id}")).await;
    let option = options["shipping_options"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let (status, res) = store_post(
        app,
        key,
        &format!("/store/carts/{id}/shipping-methods"),
        json!({"option_id": option}),
    )
    .await;
    assert_eq!(status, 200, "{res}");
    id
}

/// The payment collection and a system-provider session, as the js-sdk's
/// `initiatePaymentSession` does.
pub async fn pay(app: &TestApp, key: &str, cart_id: &str) {
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
        json!({"provider_id": "pp_system_default"}),
    )
    .await;
    assert_eq!(status, 200, "{res}");
}

pub async fn complete(app: &TestApp, key: &str, cart_id: &str) -> (u16, Value) {
    store_post(
        app,
        key,
        &format!("/store/carts/{cart_id}/complete"),
        json!({}),
    )
    .await
}

async fn available(app: &TestApp, key: &str, region: &str, variant_id: &str) -> i64 {
    let (status, res) = store_get(
        app,
        key,
        &format!(
            "/store/products?region_id={region}&limit=50&fields=%2Bvariants.inventory_quantity"
        ),
    )
    .await;
    assert_eq!(status, 200, "{res}");
    res["products"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|p| p["variants"].as_array().unwrap().iter())
        .find(|v| v["id"] == variant_id)
        .and_then(|v| v["inventory_quantity"].as_i64())
        .unwrap()
}

both_backends!(
    async fn guest_checkout_places_one_order(backend: Backend) {
        let app = spawn_app(backend).await;
        let key = app.seed().await;
        let eur = region_id(&app, &key, "eur").await;
        let (variant_id, _) = variant(&app, &key, &eur, 0).await;
        let before = available(&app, &key, &eur, &variant_id).await;
        let cart_id = ready_cart(&app, &key, &eur, &variant_id, 2).await;

        // Nothing to authorize yet.
        let (status, res) = complete(&app, &key, &cart_id).await;
        assert_eq!(status, 400, "{res}");
        assert_eq!(
            res["message"],
            "Payment collection has not been initiated for cart"
        );

        pay(&app, &key, &cart_id).await;
        let (status, res) = complete(&app, &key, &cart_id).await;
        assert_eq!(status, 200, "{res}");
        assert_eq!(res["type"], "order");
        let order = &res["order"];
        let gold = golden("17-complete-cart.json")["response"]["body"].clone();
        assert_eq!(keys(&res), keys(&gold));
        assert_eq!(keys(order), keys(&gold["order"]), "order keys");
        assert!(order["id"].as_str().unwrap().starts_with("order_"));
        assert_eq!(order["email"], "ada@example.com");
        assert_eq!(order["items"][0]["quantity"], 2);
        let (_, cart) = store_get(&app, &key, &format!("/store/carts/{cart_id}")).await;
        assert_eq!(
            order["total"], cart["cart"]["total"],
            "the order costs what the cart showed"
        );
        assert!(
            cart["cart"]["completed_at"].is_string(),
            "the cart is completed"
        );

        // Stock is reserved for the order.
        assert_eq!(available(&app, &key, &eur, &variant_id).await, before - 2);

        // Completing again answers the same order and reserves nothing more.
        let (status, again) = complete(&app, &key, &cart_id).await;
        assert_eq!(status, 200, "{again}");
        assert_eq!(again["order"]["id"], order["id"]);
        assert_eq!(available(&app, &key, &eur, &variant_id).await, before - 2);

        // A completed cart cannot change.
        let (status, res) = store_post(
            &app,
            &key,
            &format!("/store/carts/{cart_id}/line-items"),
            json!({"variant_id": variant_id, "quantity": 1}),
        )
        .await;
        assert_eq!(status, 400, "{res}");
        assert_eq!(
            res["message"],
            format!("Cart {cart_id} is already completed.")
        );
    }
);

both_backends!(
    async fn concurrent_completes_return_the_same_order(backend: Backend) {
        let app = spawn_app(backend).await;
        let key = app.seed().await;
        let eur = region_id(&app, &key, "eur").await;
        let (variant_id, _) = variant(&app, &key, &eur, 1).await;
        let before = available(&app, &key, &eur, &variant_id).await;
        let cart_id = ready_cart(&app, &key, &eur, &variant_id, 3).await;
        pay(&app, &key, &cart_id).await;
        let results = join_all((0..4).map(|_| complete(&app, &key, &cart_id))).await;
        let mut ids = Vec::new();
        for (status, res) in &results {
            assert_eq!(*status, 200, "{res}");
            assert_eq!(res["type"], "order", "{res}");
            ids.push(res["order"]["id"].as_str().unwrap().to_owned());
        }
        ids.dedup();
        assert_eq!(ids.len(), 1, "one order: {ids:?}");
        assert_eq!(
            available(&app, &key, &eur, &variant_id).await,
            before - 3,
            "reserved once"
        );
    }
);

both_backends!(
    async fn concurrent_checkouts_never_oversell(backend: Backend) {
        let app = spawn_app(backend).await;
        let key = app.seed().await;
        let eur = region_id(&app, &key, "eur").await;
        let (variant_id, _) = variant(&app, &key, &eur, 2).await;
        let stock = available(&app, &key, &eur, &variant_id).await;
        // Each cart passes the add-to-cart check alone; together they want more than the stock.
        let per_cart = stock / 4 + 1;
        let mut carts = Vec::new();
        for _ in 0..5 {
            let id = ready_cart(&app, &key, &eur, &variant_id, per_cart).await;
            pay(&app, &key, &id).await;
            carts.push(id);
        }
        let results = join_all(carts.iter().map(|c| complete(&app, &key, c))).await;
        let placed = results
            .iter()
            .filter(|(s, r)| *s == 200 && r["type"] == "order")
            .count();
        let refused: Vec<&Value> = results
            .iter()
            .filter(|(s, _)| *s == 400)
            .map(|(_, r)| r)
            .collect();
        assert_eq!(placed, 3, "{results:?}");
        assert_eq!(refused.len(), 2, "{results:?}");
        for r in refused {
            assert_eq!(r["code"], "insufficient_inventory");
            assert_eq!(r["type"], "not_allowed");
        }
        assert_eq!(
            available(&app, &key, &eur, &variant_id).await,
            stock - 3 * per_cart,
            "reserved exactly what the placed orders hold"
        );
        // A refused cart stays open, with nothing left behind.
        let mut open = 0;
        for c in &carts {
            let (_, res) = store_get(&app, &key, &format!("/store/carts/{c}")).await;
            if res["cart"]["completed_at"].is_null() {
                open += 1;
            }
        }
        assert_eq!(open, 2);
    }
);

both_backends!(
    async fn completion_needs_shipping_and_a_session(backend: Backend) {
        let app = spawn_app(backend).await;
        let key = app.seed().await;
        let eur = region_id(&app, &key, "eur").await;
        let (variant_id, _) = variant(&app, &key, &eur, 3).await;
        let cart = new_cart(
            &app,
            &key,
            json!({"region_id": eur, "items": [{"variant_id": variant_id, "quantity": 1}]}),
        )
        .await;
        let id = cart["id"].as_str().unwrap();
        let (status, res) = complete(&app, &key, id).await;
        assert_eq!(status, 400, "{res}");
        assert_eq!(
            res["message"],
            "No shipping method selected but the cart contains items that require shipping."
        );
        let cart_id = ready_cart(&app, &key, &eur, &variant_id, 1).await;
        let (status, res) = store_post(
            &app,
            &key,
            "/store/payment-collections",
            json!({"cart_id": cart_id}),
        )
        .await;
        assert_eq!(status, 200, "{res}");
        let (status, res) = complete(&app, &key, &cart_id).await;
        assert_eq!(status, 400, "{res}");
        assert_eq!(
            res["message"],
            "Payment sessions are required to complete cart"
        );
        let (status, res) = complete(&app, &key, "cart_01J0000000000000000000000Z").await;
        assert_eq!(status, 404, "{res}");
    }
);

// With the per-process caches on (as in production), a cart's stock check reuses availability
// only while no stock or reservation changed: once an order reserves the last units, the next
// add-to-cart of that variant is refused.
both_backends!(
    async fn cached_stock_follows_reservations(backend: Backend) {
        let app = medusa_testkit::spawn_app_builder(backend)
            .env("CACHE_TTL", "60s")
            .spawn()
            .await;
        let key = app.seed().await;
        let eur = region_id(&app, &key, "eur").await;
        let (variant_id, _) = variant(&app, &key, &eur, 2).await;
        let stock = available(&app, &key, &eur, &variant_id).await;

        // A second shopper's cart holds one unit: the availability is now cached.
        let other = new_cart(&app, &key, json!({"region_id": eur})).await;
        let other = other["id"].as_str().unwrap().to_owned();
        let path = format!("/store/carts/{other}/line-items");
        let (status, res) = store_post(
            &app,
            &key,
            &path,
            json!({"variant_id": variant_id, "quantity": 1}),
        )
        .await;
        assert_eq!(status, 200, "{res}");

        // The first shopper buys the whole stock.
        let id = ready_cart(&app, &key, &eur, &variant_id, stock).await;
        pay(&app, &key, &id).await;
        let (status, res) = complete(&app, &key, &id).await;
        assert_eq!(status, 200, "{res}");
        assert_eq!(res["type"], "order", "{res}");

        let (status, res) = store_post(
            &app,
            &key,
            &path,
            json!({"variant_id": variant_id, "quantity": 1}),
        )
        .await;
        assert_eq!(status, 400, "{res}");
        assert_eq!(res["code"], "insufficient_inventory");
    }
);
