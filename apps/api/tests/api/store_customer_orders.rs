//! A customer's `orders` (Medusa's read-only order-customer link) on both backends: the
//! storefront's `GET /store/customers/me?fields=*orders` lists the customer's own orders,
//! oldest first, with the order's columns only; without `orders` in `fields` there is no
//! `orders` key; `orders.<field>` and `*orders.<relation>` reach into the order.

use medusa_testkit::{both_backends, keys, spawn_app};
use serde_json::{Value, json};

use super::admin_regions::Admin;
use super::store_customers::sign_up;
use super::store_orders::place;

/// What Medusa's `*orders` shows of an order (`select: ["*"]` through the link).
const LINKED_ORDER_KEYS: &[&str] = &[
    "billing_address",
    "billing_address_id",
    "canceled_at",
    "created_at",
    "currency_code",
    "custom_display_id",
    "customer_id",
    "deleted_at",
    "display_id",
    "email",
    "id",
    "is_draft_order",
    "locale",
    "metadata",
    "no_notification",
    "region_id",
    "sales_channel_id",
    "shipping_address",
    "shipping_address_id",
    "status",
    "updated_at",
    "version",
];

fn sorted(v: &Value) -> Vec<String> {
    let mut k = keys(v);
    k.sort();
    k
}

fn ids(orders: &Value) -> Vec<&str> {
    orders
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["id"].as_str().unwrap())
        .collect()
}

both_backends!(
    async fn me_lists_own_orders_with_star_orders(backend: Backend) {
        let app = spawn_app(backend).await;
        let (alice, alice_customer) = sign_up(&app, "alice@example.com").await;
        let (bob, bob_customer) = sign_up(&app, "bob@example.com").await;
        let alice_id = alice_customer["id"].as_str().unwrap();
        let bob_id = bob_customer["id"].as_str().unwrap();

        // No orders yet: an empty list, not a missing key.
        let (status, body) = alice.get(&app, "/store/customers/me?fields=*orders").await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["customer"]["orders"], json!([]));

        let first = place(&app, "cart_alice_1", Some(alice_id)).await;
        app.clock.advance(chrono::Duration::minutes(5));
        let theirs = place(&app, "cart_bob", Some(bob_id)).await;
        let _guest = place(&app, "cart_guest", None).await;
        app.clock.advance(chrono::Duration::minutes(5));
        let second = place(&app, "cart_alice_2", Some(alice_id)).await;

        // The storefront's exact call: the default fields plus both of Alice's orders, oldest
        // first, and nobody else's.
        let (status, body) = alice.get(&app, "/store/customers/me?fields=*orders").await;
        assert_eq!(status, 200, "{body}");
        let c = &body["customer"];
        assert_eq!(c["email"], "alice@example.com");
        assert!(c["addresses"].is_array(), "the defaults stay: {c}");
        assert_eq!(
            ids(&c["orders"]),
            vec![first.id.as_str(), second.id.as_str()]
        );
        let o = &c["orders"][0];
        assert_eq!(sorted(o), LINKED_ORDER_KEYS);
        assert_eq!(o["customer_id"], alice_id);
        assert_eq!(o["display_id"], 1);
        assert_eq!(o["status"], "pending");
        assert_eq!(o["email"], "ada@example.com");
        assert_eq!(o["currency_code"], "eur");
        assert_eq!(o["is_draft_order"], false);
        let shipping = first.shipping_address.as_ref().unwrap().id.as_str();
        assert_eq!(o["shipping_address_id"], shipping);
        assert_eq!(o["shipping_address"], json!({"id": shipping}));
        assert_eq!(c["orders"][1]["display_id"], 4);

        // Bob sees his one order only.
        let (status, body) = bob.get(&app, "/store/customers/me?fields=*orders").await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(ids(&body["customer"]["orders"]), vec![theirs.id.as_str()]);

        // `+orders` is the same relation.
        let (status, body) = alice.get(&app, "/store/customers/me?fields=+orders").await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(
            ids(&body["customer"]["orders"]),
            vec![first.id.as_str(), second.id.as_str()]
        );
        assert_eq!(sorted(&body["customer"]["orders"][1]), LINKED_ORDER_KEYS);

        // Without `orders` in `fields` there is no `orders` key, as in Medusa.
        let (status, body) = alice.get(&app, "/store/customers/me").await;
        assert_eq!(status, 200, "{body}");
        assert!(body["customer"].get("orders").is_none(), "{body}");
        let (_, body) = alice.get(&app, "/store/customers/me?fields=id,email").await;
        assert_eq!(
            body,
            json!({"customer": {"id": alice_id, "email": "alice@example.com"}})
        );

        // Into the order: named columns (a total is computed), and a relation.
        let (status, body) = alice
            .get(
                &app,
                "/store/customers/me?fields=id,orders.display_id,orders.total",
            )
            .await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(sorted(&body["customer"]), ["id", "orders"]);
        let orders = &body["customer"]["orders"];
        assert_eq!(ids(orders), vec![first.id.as_str(), second.id.as_str()]);
        assert_eq!(orders[0]["display_id"], 1);
        assert_eq!(orders[1]["display_id"], 4);
        assert_eq!(orders[1]["total"], 45);
        assert!(orders[1].get("email").is_none(), "{orders}");
        assert!(orders[1].get("items").is_none(), "{orders}");
        let (status, body) = alice
            .get(&app, "/store/customers/me?fields=*orders,*orders.items")
            .await;
        assert_eq!(status, 200, "{body}");
        let o = &body["customer"]["orders"][0];
        assert_eq!(o["items"][0]["quantity"], 2);
        assert_eq!(o["items"][0]["title"], "Peer Product 04");
        assert!(
            o.get("total").is_none(),
            "a star is the order's columns: {o}"
        );
        assert!(o.get("shipping_methods").is_none(), "{o}");

        // Writes answer the refetched customer with the same `fields`.
        let (status, body) = alice
            .post(
                &app,
                "/store/customers/me?fields=*orders",
                json!({"first_name": "Alice"}),
            )
            .await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["customer"]["first_name"], "Alice");
        assert_eq!(body["customer"]["orders"].as_array().unwrap().len(), 2);

        // The admin's customer reaches the same link.
        let admin = Admin::new(&app).await;
        let (status, body) = admin
            .get(
                &app,
                &format!("/admin/customers/{alice_id}?fields=id,*orders"),
            )
            .await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(
            ids(&body["customer"]["orders"]),
            vec![first.id.as_str(), second.id.as_str()]
        );
        let (status, body) = admin
            .get(&app, "/admin/customers?fields=id,orders.id&order=email")
            .await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(
            body["customers"],
            json!([
                {"id": alice_id, "orders": [{"id": first.id.as_str()}, {"id": second.id.as_str()}]},
                {"id": bob_id, "orders": [{"id": theirs.id.as_str()}]},
            ])
        );
        let (_, body) = admin.get(&app, "/admin/customers").await;
        assert!(body["customers"][0].get("orders").is_none(), "{body}");
    }
);
