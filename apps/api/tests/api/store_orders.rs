//! `/store/orders` on both backends: the golden key sets, the privacy rules (owner always,
//! guests only within `ORDER_GUEST_ACCESS_WINDOW` of placement, other customers never), the
//! customer's order list, and the PII-free DTO of the payment-intent lookup.

use std::str::FromStr;

use medusa_core::CurrencyCode;
use medusa_core::money::Amount;
use medusa_order::*;
use medusa_testkit::{TestApp, both_backends, golden, keys, spawn_app};
use rust_decimal::Decimal;
use serde_json::Value;

use crate::store_customers::{Shopper, sign_up};

fn amount(s: &str) -> Amount {
    Amount::from_str(s).unwrap()
}

fn tax() -> NewTaxLine {
    NewTaxLine {
        description: Some("DK standard rate".into()),
        code: "DK-STD".into(),
        rate: Decimal::new(25, 0),
        provider_id: Some("system".into()),
        tax_rate_id: Some("txr_1".into()),
        metadata: None,
    }
}

/// Golden 17's cart (2 × 13 EUR at 25 %, 10 EUR shipping at 25 %: 45 EUR) as the lead's
/// cart completion hands it to the order module.
pub fn input(
    cart_id: &str,
    customer_id: Option<&str>,
    variant_id: Option<&str>,
) -> CreateOrderInput {
    let address = AddressFields {
        first_name: Some("Ada".into()),
        last_name: Some("Lovelace".into()),
        address_1: Some("1 Test Street".into()),
        city: Some("Copenhagen".into()),
        country_code: Some("dk".into()),
        postal_code: Some("1000".into()),
        phone: Some("+4512345678".into()),
        customer_id: customer_id.map(str::to_owned),
        ..Default::default()
    };
    CreateOrderInput {
        cart_id: cart_id.into(),
        region_id: Some("reg_01TEST".into()),
        customer_id: customer_id.map(str::to_owned),
        sales_channel_id: None,
        email: Some("ada@example.com".into()),
        currency_code: CurrencyCode::parse("eur").unwrap(),
        locale: None,
        metadata: None,
        shipping_address: Some(address.clone()),
        billing_address: Some(address),
        items: vec![NewLineItem {
            id: OrderLineItemId::new(),
            snapshot: ItemSnapshot {
                title: "Peer Product 04".into(),
                subtitle: Some("S".into()),
                variant_id: variant_id.map(str::to_owned),
                variant_sku: Some("PEER-04-S".into()),
                variant_title: Some("S".into()),
                requires_shipping: true,
                is_discountable: true,
                ..Default::default()
            },
            quantity: 2,
            unit_price: amount("13"),
            compare_at_unit_price: None,
            tax_lines: vec![tax()],
            adjustments: vec![],
        }],
        shipping_methods: vec![NewShippingMethod {
            name: "Standard Shipping".into(),
            description: None,
            amount: amount("10"),
            is_tax_inclusive: false,
            is_custom_amount: false,
            shipping_option_id: Some("so_1".into()),
            data: None,
            metadata: None,
            tax_lines: vec![tax()],
            adjustments: vec![],
        }],
        credit_lines: vec![],
        payment_collection_id: None,
        transactions: vec![],
        extra_events: vec![],
        capture_job: None,
    }
}

pub fn orders(app: &TestApp) -> std::sync::Arc<dyn OrderService> {
    app.state.registry.get::<dyn OrderService>().unwrap()
}

/// Places an order for `cart_id` directly through the order module.
pub async fn place(app: &TestApp, cart_id: &str, customer_id: Option<&str>) -> Order {
    orders(app)
        .create_from_cart(input(cart_id, customer_id, None))
        .await
        .unwrap()
}

fn sorted(v: &Value) -> Vec<String> {
    let mut k = keys(v);
    k.sort();
    k
}

both_backends!(
    async fn store_order_matches_golden_and_is_private(backend: Backend) {
        let app = spawn_app(backend).await;
        let (alice, alice_customer) = sign_up(&app, "alice@example.com").await;
        let (bob, _) = sign_up(&app, "bob@example.com").await;
        let guest = Shopper::new(&app).await;
        let alice_id = alice_customer["id"].as_str().unwrap();
        let order = place(&app, "cart_alice", Some(alice_id)).await;
        let guest_order = place(&app, "cart_guest", None).await;
        let path = format!("/store/orders/{}", order.id);

        // Right after placement a guest (the confirmation page) sees it, as Medusa shows it.
        let (status, body) = guest.get(&app, &path).await;
        assert_eq!(status, 200, "{body}");
        let o = &body["order"];
        let want = &golden("19-store-get-order.json")["response"]["body"]["order"];
        assert_eq!(sorted(o), sorted(want));
        assert_eq!(sorted(&o["items"][0]), sorted(&want["items"][0]));
        assert_eq!(
            sorted(&o["items"][0]["detail"]),
            sorted(&want["items"][0]["detail"])
        );
        assert_eq!(
            sorted(&o["items"][0]["tax_lines"][0]),
            sorted(&want["items"][0]["tax_lines"][0])
        );
        assert_eq!(
            sorted(&o["shipping_methods"][0]),
            sorted(&want["shipping_methods"][0])
        );
        assert_eq!(
            sorted(&o["shipping_address"]),
            sorted(&want["shipping_address"])
        );
        assert_eq!(sorted(&o["summary"]), sorted(&want["summary"]));
        for k in [
            "total",
            "subtotal",
            "tax_total",
            "item_total",
            "shipping_total",
        ] {
            assert_eq!(o[k], want[k], "{k}");
        }
        assert_eq!(o["summary"]["pending_difference"], 45);
        assert_eq!(o["items"][0]["refundable_total_per_unit"], 16.25);
        assert_eq!(o["display_id"], 1);
        assert_eq!(o["payment_status"], "not_paid");
        assert_eq!(o["fulfillment_status"], "not_fulfilled");

        // The starter's fields (stars only) add to the defaults, as in Medusa.
        let (status, body) = guest
            .get(
                &app,
                &format!("{path}?fields=*payment_collections.payments,*items,*items.metadata,*items.variant,*items.product"),
            )
            .await;
        assert_eq!(status, 200, "{body}");
        assert!(body["order"]["items"].is_array());
        assert_eq!(body["order"]["email"], "ada@example.com");
        assert!(body["order"]["items"][0].get("product").is_some());
        assert_eq!(body["order"]["payment_status"], "not_paid");

        // The owner always; another customer never; a guest not after the window.
        assert_eq!(alice.get(&app, &path).await.0, 200);
        let (status, body) = bob.get(&app, &path).await;
        assert_eq!(status, 404, "{body}");
        assert_eq!(body["message"], format!("Order id not found: {}", order.id));
        assert_eq!(
            bob.get(&app, &format!("/store/orders/{}", guest_order.id))
                .await
                .0,
            404
        );
        app.clock.advance(chrono::Duration::minutes(59));
        assert_eq!(guest.get(&app, &path).await.0, 200);
        app.clock.advance(chrono::Duration::minutes(2));
        let (status, body) = guest.get(&app, &path).await;
        assert_eq!(status, 404, "{body}");
        assert_eq!(body["type"], "not_found");
        assert_eq!(alice.get(&app, &path).await.0, 200);
        assert_eq!(guest.get(&app, "/store/orders/order_01NOPE").await.0, 404);

        // The list: the customer's own orders only; a guest is unauthorized.
        let (status, body) = alice
            .get(&app, "/store/orders?limit=10&offset=0&order=-created_at&fields=*items,+items.metadata,*items.variant,*items.product")
            .await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["count"], 1);
        assert_eq!(body["orders"][0]["id"], order.id.as_str());
        assert_eq!(body["limit"], 10);
        let (status, body) = bob.get(&app, "/store/orders").await;
        assert_eq!(status, 200);
        assert_eq!(body["count"], 0);
        let (status, body) = guest.get(&app, "/store/orders").await;
        assert_eq!(status, 401);
        assert_eq!(body, serde_json::json!({"message": "Unauthorized"}));
        let (status, _) = alice.get(&app, "/store/orders?bogus=1").await;
        assert_eq!(status, 400);
    }
);

both_backends!(
    async fn guest_window_is_configurable(backend: Backend) {
        let app = medusa_testkit::spawn_app_builder(backend)
            .env("ORDER_GUEST_ACCESS_WINDOW", "0s")
            .spawn()
            .await;
        let order = place(&app, "cart_x", None).await;
        let guest = Shopper::new(&app).await;
        let (status, _) = guest
            .get(&app, &format!("/store/orders/{}", order.id))
            .await;
        assert_eq!(status, 404, "a zero window shows guests nothing");
    }
);

both_backends!(
    async fn payment_intent_lookup_is_pii_free(backend: Backend) {
        let app = spawn_app(backend).await;
        let (_, customer) = sign_up(&app, "carol@example.com").await;
        let customer_id = customer["id"].as_str().unwrap();
        let order = place(&app, "cart_pii", Some(customer_id)).await;

        let dto = medusa_api::routes::store::orders::public_order(&app.state, order.clone())
            .await
            .unwrap();
        let v = serde_json::to_value(&dto).unwrap();
        let mut expected = vec![
            "currency_code",
            "discount_total",
            "display_id",
            "fulfillment_status",
            "id",
            "item_total",
            "items",
            "payment_status",
            "shipping_total",
            "status",
            "subtotal",
            "tax_total",
            "total",
        ];
        expected.sort();
        assert_eq!(sorted(&v), expected);
        assert_eq!(sorted(&v["items"][0]), vec!["quantity", "title"]);
        assert_eq!(v["total"], 45);
        assert_eq!(v["items"][0]["quantity"], 2);
        // No personal data anywhere in it: not as a key, not as a value.
        let text = v.to_string();
        for pii in [
            "email",
            "first_name",
            "last_name",
            "phone",
            "address",
            "customer",
            "ada@example.com",
            "Ada",
            "Lovelace",
            "+4512345678",
            "1 Test Street",
            "Copenhagen",
            "1000\"",
            customer_id,
        ] {
            assert!(!text.contains(pii), "{pii} leaked: {text}");
        }

        // An intent no order was paid with.
        let guest = Shopper::new(&app).await;
        let (status, body) = guest
            .get(&app, "/store/orders/by-payment-intent/pi_unknown")
            .await;
        assert_eq!(status, 404, "{body}");
        assert_eq!(body["type"], "not_found");
    }
);
