//! `/admin/orders` on both backends: golden key sets, the fulfilment -> shipment -> delivery
//! flow with its stock movements (stocked and reserved quantities come down together), the
//! guards (over-fulfilment, cancel with a standing fulfilment), cancel releasing reservations,
//! and the list with filters.

use medusa_core::id::OrderId;
use medusa_inventory::{
    CreateInventoryItem, InventoryItemId, InventoryService, ReservationRequest,
};
use medusa_order::Order;
use medusa_stock_location::StockLocationService;
use medusa_testkit::{TestApp, both_backends, golden, keys, spawn_app};
use serde_json::{Value, json};

use crate::admin_regions::Admin;
use crate::store_orders::{input, orders};

fn inventory(app: &TestApp) -> std::sync::Arc<dyn InventoryService> {
    app.state.registry.get::<dyn InventoryService>().unwrap()
}

/// A stock location holding 10 of an inventory item that `variant` needs one of.
async fn stock(app: &TestApp, variant: &str) -> (String, InventoryItemId) {
    let location = app
        .state
        .registry
        .get::<dyn StockLocationService>()
        .unwrap()
        .create("Warehouse", None)
        .await
        .unwrap();
    let location_id = location.id.to_string();
    let inv = inventory(app);
    let item = inv
        .create_item(CreateInventoryItem {
            sku: Some(format!("SKU-{variant}")),
            ..Default::default()
        })
        .await
        .unwrap();
    inv.set_level(&item.id, &location_id, 10).await.unwrap();
    inv.link_variant(variant, &item.id, 1).await.unwrap();
    (location_id, item.id)
}

/// An order for 2 of `variant`, reserved at `location`, as cart completion leaves it.
async fn reserved_order(
    app: &TestApp,
    cart: &str,
    variant: &str,
    location: &str,
    item: &InventoryItemId,
) -> Order {
    let order = orders(app)
        .create_from_cart(input(cart, None, Some(variant)))
        .await
        .unwrap();
    let mut r = ReservationRequest::new(item.clone(), location, 2);
    r.line_item_id = Some(order.items[0].id.to_string());
    inventory(app).reserve(&[r]).await.unwrap();
    order
}

async fn level(app: &TestApp, item: &InventoryItemId, location: &str) -> (i64, i64) {
    let l = inventory(app).retrieve_level(item, location).await.unwrap();
    (l.stocked_quantity, l.reserved_quantity)
}

fn golden_order(name: &str) -> Value {
    golden(name)["response"]["body"]["order"].clone()
}

both_backends!(
    async fn fulfil_ship_deliver(backend: Backend) {
        let app = spawn_app(backend).await;
        let admin = Admin::new(&app).await;
        let (location, item) = stock(&app, "variant_a").await;
        let order = reserved_order(&app, "cart_a", "variant_a", &location, &item).await;
        let oid = order.id.to_string();
        let line = order.items[0].id.to_string();
        assert_eq!(level(&app, &item, &location).await, (10, 2));

        // The dashboard's detail page, before anything happened.
        let (status, body) = admin.get(&app, &format!("/admin/orders/{oid}")).await;
        assert_eq!(status, 200, "{body}");
        let mut want = keys(&golden_order("30-admin-get-order-final.json"));
        want.sort();
        assert_eq!(keys(&body["order"]), want);
        assert_eq!(body["order"]["fulfillment_status"], "not_fulfilled");
        assert_eq!(body["order"]["version"], 1);

        // More than was ordered: refused, nothing moves.
        let (status, body) = admin
            .post(
                &app,
                &format!("/admin/orders/{oid}/fulfillments"),
                json!({"items": [{"id": line, "quantity": 3}], "location_id": location}),
            )
            .await;
        assert_eq!(status, 400, "{body}");
        assert_eq!(body["type"], "invalid_data");
        assert_eq!(
            body["message"],
            format!("Quantity to fulfill exceeds the reserved quantity for the item: {line}")
        );
        assert_eq!(level(&app, &item, &location).await, (10, 2));
        let (status, _) = admin
            .post(
                &app,
                &format!("/admin/orders/{oid}/fulfillments"),
                json!({"items": [{"id": line, "quantity": 1}], "bogus": 1}),
            )
            .await;
        assert_eq!(status, 400, "unknown keys are refused");

        // Golden 27: fulfil both units from the location.
        let (status, body) = admin
            .post(
                &app,
                &format!("/admin/orders/{oid}/fulfillments"),
                json!({"items": [{"id": line, "quantity": 2}], "location_id": location}),
            )
            .await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(
            keys(&body["order"]),
            keys(&golden_order("27-admin-create-fulfillment.json"))
        );
        // Stock left, and the reservation was consumed with it.
        assert_eq!(level(&app, &item, &location).await, (8, 0));
        assert!(
            inventory(&app)
                .reservations_for_line_items(std::slice::from_ref(&line))
                .await
                .unwrap()
                .is_empty()
        );

        // Golden 28.
        let (status, body) = admin
            .get(
                &app,
                &format!("/admin/orders/{oid}?fields=id,fulfillment_status,*fulfillments,*fulfillments.items"),
            )
            .await;
        assert_eq!(status, 200, "{body}");
        let want = golden_order("28-admin-get-order-fulfillments.json");
        assert_eq!(keys(&body["order"]), keys(&want));
        assert_eq!(body["order"]["fulfillment_status"], "fulfilled");
        assert_eq!(body["order"]["version"], 2);
        let f = &body["order"]["fulfillments"][0];
        assert_eq!(keys(f), keys(&want["fulfillments"][0]));
        assert_eq!(
            keys(&f["items"][0]),
            keys(&want["fulfillments"][0]["items"][0])
        );
        assert_eq!(f["items"][0]["title"], "S");
        assert_eq!(f["items"][0]["inventory_item_id"], item.as_str());
        assert_eq!(f["provider_id"], "manual_manual");
        assert_eq!(f["shipping_option_id"], "so_1");
        assert!(f["created_by"].is_string());
        let fid = f["id"].as_str().unwrap().to_owned();

        // Nothing more to fulfil; the order cannot be canceled while a fulfilment stands.
        let (status, _) = admin
            .post(
                &app,
                &format!("/admin/orders/{oid}/fulfillments"),
                json!({"items": [{"id": line, "quantity": 1}], "location_id": location}),
            )
            .await;
        assert_eq!(status, 400);
        let (status, body) = admin
            .post(&app, &format!("/admin/orders/{oid}/cancel"), json!({}))
            .await;
        assert_eq!(status, 400, "{body}");
        assert_eq!(
            body["message"],
            "All fulfillments must be canceled before canceling an order"
        );

        // Golden 29: ship it, with a label.
        let (status, body) = admin
            .post(
                &app,
                &format!("/admin/orders/{oid}/fulfillments/{fid}/shipments"),
                json!({"items": [{"id": line, "quantity": 2}], "labels": [{"tracking_number": "T1", "tracking_url": "https://t/1", "label_url": "https://l/1"}]}),
            )
            .await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(
            keys(&body["order"]),
            keys(&golden_order("29-admin-create-shipment.json"))
        );
        let (_, body) = admin
            .get(
                &app,
                &format!("/admin/orders/{oid}?fields=id,*fulfillments.labels,*items,*items.detail"),
            )
            .await;
        assert_eq!(body["order"]["fulfillment_status"], "shipped");
        assert_eq!(
            body["order"]["fulfillments"][0]["labels"][0]["tracking_number"],
            "T1"
        );
        assert_eq!(body["order"]["items"][0]["detail"]["shipped_quantity"], 2);
        let (status, _) = admin
            .post(
                &app,
                &format!("/admin/orders/{oid}/fulfillments/{fid}/shipments"),
                json!({"items": [{"id": line, "quantity": 2}]}),
            )
            .await;
        assert_eq!(status, 400, "a fulfilment ships once");

        let (status, body) = admin
            .post(
                &app,
                &format!("/admin/orders/{oid}/fulfillments/{fid}/mark-as-delivered"),
                json!({}),
            )
            .await;
        assert_eq!(status, 200, "{body}");
        let (_, body) = admin.get(&app, &format!("/admin/orders/{oid}")).await;
        assert_eq!(body["order"]["fulfillment_status"], "delivered");
        assert_eq!(body["order"]["items"][0]["detail"]["delivered_quantity"], 2);

        let (status, body) = admin
            .post(
                &app,
                &format!("/admin/orders/{oid}/fulfillments/ful_01NOPE/mark-as-delivered"),
                json!({}),
            )
            .await;
        assert_eq!(status, 404, "{body}");
        let (status, _) = admin
            .post(&app, &format!("/admin/orders/{oid}/complete"), json!({}))
            .await;
        assert_eq!(status, 200);
        let (_, body) = admin
            .get(&app, &format!("/admin/orders/{oid}?fields=status"))
            .await;
        assert_eq!(body["order"]["status"], "completed");
    }
);

both_backends!(
    async fn cancel_releases_reservations(backend: Backend) {
        let app = spawn_app(backend).await;
        let admin = Admin::new(&app).await;
        let (location, item) = stock(&app, "variant_c").await;
        let order = reserved_order(&app, "cart_c", "variant_c", &location, &item).await;
        let oid = order.id.to_string();
        assert_eq!(level(&app, &item, &location).await, (10, 2));

        let (status, body) = admin
            .post(&app, &format!("/admin/orders/{oid}/cancel"), json!({}))
            .await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["order"]["status"], "canceled");
        assert_eq!(level(&app, &item, &location).await, (10, 0));
        // Again: refused as Medusa refuses it, nothing else moves.
        let (status, body) = admin
            .post(&app, &format!("/admin/orders/{oid}/cancel"), json!({}))
            .await;
        assert_eq!(status, 400, "{body}");
        assert_eq!(
            body["message"],
            format!("Order with id {oid} has been canceled.")
        );
        assert_eq!(level(&app, &item, &location).await, (10, 0));
        let (status, body) = admin
            .post(
                &app,
                &format!("/admin/orders/{oid}/fulfillments"),
                json!({"items": [{"id": order.items[0].id.to_string(), "quantity": 1}], "location_id": location}),
            )
            .await;
        assert_eq!(status, 400, "{body}");
        let (status, body) = admin
            .post(
                &app,
                &format!("/admin/orders/{}/cancel", OrderId::new()),
                json!({}),
            )
            .await;
        assert_eq!(status, 404, "{body}");
    }
);

both_backends!(
    async fn admin_list_orders(backend: Backend) {
        let app = spawn_app(backend).await;
        let admin = Admin::new(&app).await;
        let svc = orders(&app);
        let mut ids = Vec::new();
        for n in 0..3 {
            let mut i = input(&format!("cart_{n}"), None, None);
            i.email = Some(format!("buyer{n}@example.com"));
            ids.push(svc.create_from_cart(i).await.unwrap().id.to_string());
            app.clock.advance(chrono::Duration::seconds(1));
        }
        // Golden 24.
        let (status, body) = admin
            .get(&app, "/admin/orders?limit=20&order=-created_at")
            .await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["count"], 3);
        assert_eq!(body["limit"], 20);
        let want = &golden("24-admin-list-orders.json")["response"]["body"]["orders"][0];
        assert_eq!(keys(&body["orders"][0]), keys(want));
        assert_eq!(
            keys(&body["orders"][0]["items"][0]),
            keys(&want["items"][0])
        );
        let listed: Vec<&str> = body["orders"]
            .as_array()
            .unwrap()
            .iter()
            .map(|o| o["id"].as_str().unwrap())
            .collect();
        assert_eq!(
            listed,
            vec![ids[2].as_str(), ids[1].as_str(), ids[0].as_str()]
        );

        // The dashboard's list fields.
        let (status, body) = admin
            .get(&app, "/admin/orders?fields=id,status,created_at,email,display_id,custom_display_id,payment_status,fulfillment_status,total,currency_code,*customer,*sales_channel,*payment_collections,*shipping_address&limit=20&offset=0&order=-created_at")
            .await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["orders"][0]["email"], "buyer2@example.com");
        assert_eq!(body["orders"][0]["total"], 45);
        assert!(body["orders"][0]["shipping_address"].is_object());

        // Filters.
        let (_, body) = admin.get(&app, "/admin/orders?q=buyer1").await;
        assert_eq!(body["count"], 1);
        assert_eq!(body["orders"][0]["id"], ids[1].as_str());
        let (_, body) = admin
            .get(
                &app,
                &format!("/admin/orders?id[0]={}&id[1]={}", ids[0], ids[2]),
            )
            .await;
        assert_eq!(body["count"], 2);
        let (_, body) = admin.get(&app, "/admin/orders?status[0]=canceled").await;
        assert_eq!(body["count"], 0);
        let (_, body) = admin
            .get(&app, "/admin/orders?limit=1&offset=1&order=display_id")
            .await;
        assert_eq!(body["orders"][0]["display_id"], 2);
        let (status, _) = admin.get(&app, "/admin/orders?order=total").await;
        assert_eq!(status, 400, "totals are not sortable");
        let (status, _) = admin.get(&app, "/admin/orders?nope=1").await;
        assert_eq!(status, 400);
        let (status, body) = admin.get(&app, "/admin/orders/order_01NOPE").await;
        assert_eq!(status, 404, "{body}");
        assert_eq!(body["message"], "Order id not found: order_01NOPE");
    }
);
