//! `/admin/inventory-items` (with location levels and the batch route) and
//! `/admin/reservations`: shapes, filters, `fields`, errors, the reserved-quantity invariant,
//! concurrent reservations for the last units, and stock set through the admin api showing as
//! the store's `inventory_quantity`.

use medusa_testkit::{TestApp, both_backends, json as read_json, spawn_app};
use serde_json::{Value, json};

use crate::admin_regions::{Admin, keys_of};

fn s(v: &Value) -> String {
    v.as_str().unwrap().to_owned()
}

async fn location(app: &TestApp, admin: &Admin, name: &str) -> String {
    let (st, body) = admin
        .post(app, "/admin/stock-locations", json!({"name": name}))
        .await;
    assert_eq!(st, 200, "{body}");
    s(&body["stock_location"]["id"])
}

async fn item(app: &TestApp, admin: &Admin, sku: &str) -> String {
    let (st, body) = admin
        .post(
            app,
            "/admin/inventory-items",
            json!({"sku": sku, "title": format!("Item {sku}")}),
        )
        .await;
    assert_eq!(st, 200, "{body}");
    s(&body["inventory_item"]["id"])
}

async fn stock(app: &TestApp, admin: &Admin, item: &str, loc: &str, n: i64) {
    let (st, body) = admin
        .post(
            app,
            &format!("/admin/inventory-items/{item}/location-levels"),
            json!({"location_id": loc, "stocked_quantity": n}),
        )
        .await;
    assert_eq!(st, 200, "{body}");
}

/// The item's level at `loc` as the api lists it.
async fn level(app: &TestApp, admin: &Admin, item: &str, loc: &str) -> Value {
    let (st, body) = admin
        .get(
            app,
            &format!("/admin/inventory-items/{item}/location-levels?location_id={loc}"),
        )
        .await;
    assert_eq!(st, 200, "{body}");
    assert_eq!(body["count"], 1, "{body}");
    body["inventory_levels"][0].clone()
}

/// Checks `reserved_quantity == sum(reservation quantities)` at every (item, location), and
/// the item's total, through the api.
async fn assert_invariant(app: &TestApp, admin: &Admin, item: &str, locs: &[&str]) {
    let mut total = 0;
    for loc in locs {
        let (st, body) = admin
            .get(
                app,
                &format!(
                    "/admin/reservations?inventory_item_id={item}&location_id={loc}&limit=1000"
                ),
            )
            .await;
        assert_eq!(st, 200, "{body}");
        let sum: i64 = body["reservations"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["quantity"].as_i64().unwrap())
            .sum();
        let l = level(app, admin, item, loc).await;
        assert_eq!(
            l["reserved_quantity"], sum,
            "level {l} vs reservations {body}"
        );
        assert_eq!(
            l["available_quantity"].as_i64().unwrap(),
            l["stocked_quantity"].as_i64().unwrap() - sum
        );
        total += sum;
    }
    let (_, body) = admin
        .get(app, &format!("/admin/inventory-items/{item}"))
        .await;
    assert_eq!(body["inventory_item"]["reserved_quantity"], total, "{body}");
}

both_backends!(
    async fn inventory_item_crud_filters_and_fields(backend: Backend) {
        let app = spawn_app(backend).await;
        let admin = Admin::new(&app).await;
        let (wh, shop) = (
            location(&app, &admin, "Warehouse").await,
            location(&app, &admin, "Shop").await,
        );

        let (st, body) = admin
            .post(
                &app,
                "/admin/inventory-items",
                json!({"sku": "MUG-1", "title": "Mug", "hs_code": "6912", "weight": 300,
                       "unit_of_measure": "piece", "metadata": {"a": 1},
                       "location_levels": [{"location_id": wh, "stocked_quantity": 10, "incoming_quantity": 2}]}),
            )
            .await;
        assert_eq!(st, 200, "{body}");
        let it = &body["inventory_item"];
        assert_eq!(
            keys_of(it),
            [
                "created_at",
                "description",
                "height",
                "hs_code",
                "id",
                "length",
                "location_levels",
                "material",
                "metadata",
                "mid_code",
                "origin_country",
                "requires_shipping",
                "reserved_quantity",
                "sku",
                "stocked_quantity",
                "thumbnail",
                "title",
                "unit_of_measure",
                "updated_at",
                "weight",
                "width"
            ]
        );
        let mug = s(&it["id"]);
        assert!(mug.starts_with("iitem_"));
        assert_eq!(it["requires_shipping"], true);
        assert_eq!(it["unit_of_measure"], "piece");
        assert_eq!(it["stocked_quantity"], 10);
        assert_eq!(it["reserved_quantity"], 0);
        let lv = &it["location_levels"][0];
        assert_eq!(
            keys_of(lv),
            [
                "available_quantity",
                "created_at",
                "deleted_at",
                "id",
                "incoming_quantity",
                "inventory_item_id",
                "location_id",
                "metadata",
                "reserved_quantity",
                "stocked_quantity",
                "updated_at"
            ]
        );
        assert!(s(&lv["id"]).starts_with("ilev_"));
        assert_eq!(lv["incoming_quantity"], 2);
        assert_eq!(lv["available_quantity"], 10);

        let cup = item(&app, &admin, "CUP-1").await;
        stock(&app, &admin, &cup, &shop, 4).await;
        stock(&app, &admin, &cup, &wh, 1).await;

        // Filters.
        let ids = |body: &Value| -> Vec<String> {
            body["inventory_items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|i| s(&i["id"]))
                .collect()
        };
        let (_, body) = admin.get(&app, "/admin/inventory-items").await;
        assert_eq!(
            (body["count"].clone(), body["limit"].clone()),
            (json!(2), json!(20))
        );
        assert_eq!(ids(&body), [mug.clone(), cup.clone()]);
        let (_, body) = admin.get(&app, "/admin/inventory-items?q=mug").await;
        assert_eq!(ids(&body), [mug.as_str()]);
        let (_, body) = admin.get(&app, "/admin/inventory-items?sku=CUP-1").await;
        assert_eq!(ids(&body), [cup.as_str()]);
        let (_, body) = admin
            .get(&app, &format!("/admin/inventory-items?id[0]={cup}"))
            .await;
        assert_eq!(ids(&body), [cup.as_str()]);
        let (_, body) = admin
            .get(
                &app,
                &format!("/admin/inventory-items?location_levels[location_id]={shop}"),
            )
            .await;
        assert_eq!(ids(&body), [cup.as_str()]);
        let (_, body) = admin.get(&app, "/admin/inventory-items?hs_code=6912").await;
        assert_eq!(ids(&body), [mug.as_str()]);

        // `fields`: the computed totals over every location, levels only when asked for.
        let (_, body) = admin
            .get(
                &app,
                &format!(
                    "/admin/inventory-items?id={cup}&fields=sku,stocked_quantity,reserved_quantity"
                ),
            )
            .await;
        let c = &body["inventory_items"][0];
        assert_eq!(
            keys_of(c),
            ["id", "reserved_quantity", "sku", "stocked_quantity"]
        );
        assert_eq!(c["stocked_quantity"], 5);
        let (_, body) = admin
            .get(
                &app,
                &format!("/admin/inventory-items/{cup}?fields=id,*location_levels"),
            )
            .await;
        let levels = body["inventory_item"]["location_levels"]
            .as_array()
            .unwrap();
        assert_eq!(levels.len(), 2);
        assert_eq!(
            levels
                .iter()
                .map(|l| l["stocked_quantity"].as_i64().unwrap())
                .sum::<i64>(),
            5
        );

        // Update: columns change, `null` clears.
        let (st, body) = admin
            .post(
                &app,
                &format!("/admin/inventory-items/{mug}"),
                json!({"title": "Big mug", "hs_code": null, "requires_shipping": false}),
            )
            .await;
        assert_eq!(st, 200, "{body}");
        assert_eq!(body["inventory_item"]["title"], "Big mug");
        assert_eq!(body["inventory_item"]["hs_code"], Value::Null);
        assert_eq!(body["inventory_item"]["requires_shipping"], false);
        assert_eq!(body["inventory_item"]["sku"], "MUG-1");

        // Errors.
        let (st, body) = admin
            .post(
                &app,
                "/admin/inventory-items",
                json!({"sku": "X", "stock": 3}),
            )
            .await;
        assert_eq!(
            (st, s(&body["message"])),
            (
                400,
                "Invalid request: Unrecognized fields: 'stock'".to_owned()
            )
        );
        let (st, body) = admin
            .post(
                &app,
                &format!("/admin/inventory-items/{mug}"),
                json!({"sku": "CUP-1"}),
            )
            .await;
        assert_eq!(st, 422, "{body}");
        let (st, body) = admin
            .get(&app, "/admin/inventory-items/iitem_missing")
            .await;
        assert_eq!(
            (st, s(&body["message"])),
            (
                404,
                "Inventory item with id: iitem_missing was not found".to_owned()
            )
        );
        let (st, _) = admin
            .get(&app, "/admin/inventory-items?stocked_quantity=3")
            .await;
        assert_eq!(st, 400);

        // Delete.
        let (st, body) = admin
            .delete(&app, &format!("/admin/inventory-items/{cup}"))
            .await;
        assert_eq!(st, 200, "{body}");
        assert_eq!(
            body,
            json!({"id": cup, "object": "inventory_item", "deleted": true})
        );
        let (st, _) = admin
            .get(&app, &format!("/admin/inventory-items/{cup}"))
            .await;
        assert_eq!(st, 404);
        let (st, _) = admin
            .delete(&app, &format!("/admin/inventory-items/{cup}"))
            .await;
        assert_eq!(st, 404);
    }
);

both_backends!(
    async fn location_levels_create_update_delete(backend: Backend) {
        let app = spawn_app(backend).await;
        let admin = Admin::new(&app).await;
        let wh = location(&app, &admin, "Warehouse").await;
        let it = item(&app, &admin, "SKU-1").await;

        // Unknown location, negative stock, unknown item.
        let (st, body) = admin
            .post(
                &app,
                &format!("/admin/inventory-items/{it}/location-levels"),
                json!({"location_id": "sloc_missing", "stocked_quantity": 1}),
            )
            .await;
        assert_eq!(
            (st, s(&body["message"])),
            (
                404,
                "Stock locations with ids: sloc_missing was not found".to_owned()
            )
        );
        let (st, body) = admin
            .post(
                &app,
                &format!("/admin/inventory-items/{it}/location-levels"),
                json!({"location_id": wh, "stocked_quantity": -1}),
            )
            .await;
        assert_eq!(
            (st, s(&body["message"])),
            (
                400,
                "Invalid request: Value for field 'stocked_quantity' too small, expected at least: '0'"
                    .to_owned()
            )
        );
        let (st, _) = admin
            .post(
                &app,
                "/admin/inventory-items/iitem_missing/location-levels",
                json!({"location_id": wh}),
            )
            .await;
        assert_eq!(st, 404);

        let (st, body) = admin
            .post(
                &app,
                &format!("/admin/inventory-items/{it}/location-levels?fields=id,stocked_quantity"),
                json!({"location_id": wh, "stocked_quantity": 3, "incoming_quantity": 1}),
            )
            .await;
        assert_eq!(st, 200, "{body}");
        assert_eq!(
            body,
            json!({"inventory_item": {"id": it, "stocked_quantity": 3}})
        );
        // A second level at the same location is refused.
        let (st, body) = admin
            .post(
                &app,
                &format!("/admin/inventory-items/{it}/location-levels"),
                json!({"location_id": wh}),
            )
            .await;
        assert_eq!(st, 422, "{body}");

        let (st, body) = admin
            .get(
                &app,
                &format!("/admin/inventory-items/{it}/location-levels"),
            )
            .await;
        assert_eq!(st, 200, "{body}");
        assert_eq!(
            (body["count"].clone(), body["limit"].clone()),
            (json!(1), json!(50))
        );
        assert_eq!(body["inventory_levels"][0]["incoming_quantity"], 1);

        let (st, body) = admin
            .post(
                &app,
                &format!("/admin/inventory-items/{it}/location-levels/{wh}"),
                json!({"stocked_quantity": 8}),
            )
            .await;
        assert_eq!(st, 200, "{body}");
        assert_eq!(body["inventory_item"]["stocked_quantity"], 8);
        assert_eq!(
            body["inventory_item"]["location_levels"][0]["incoming_quantity"],
            1
        );
        let (st, _) = admin
            .post(
                &app,
                &format!("/admin/inventory-items/{it}/location-levels/{wh}"),
                json!({"reserved_quantity": 8}),
            )
            .await;
        assert_eq!(
            st, 400,
            "reserved_quantity changes only through reservations"
        );
        let (st, _) = admin
            .post(
                &app,
                &format!("/admin/inventory-items/{it}/location-levels/sloc_other"),
                json!({"stocked_quantity": 1}),
            )
            .await;
        assert_eq!(st, 404);

        // Refused while reserved, with Medusa's message; allowed once released.
        let (st, body) = admin
            .post(
                &app,
                "/admin/reservations",
                json!({"inventory_item_id": it, "location_id": wh, "quantity": 2}),
            )
            .await;
        assert_eq!(st, 200, "{body}");
        let res = s(&body["reservation"]["id"]);
        let (st, body) = admin
            .delete(
                &app,
                &format!("/admin/inventory-items/{it}/location-levels/{wh}"),
            )
            .await;
        assert_eq!(
            (st, s(&body["message"])),
            (
                400,
                format!(
                    "Cannot remove Inventory Level {it} at Location {wh} because there are reservations at location"
                )
            )
        );
        let (st, body) = admin
            .delete(&app, &format!("/admin/inventory-items/{it}"))
            .await;
        assert_eq!(
            (st, s(&body["message"])),
            (
                400,
                format!(
                    "Cannot remove following inventory item(s) since they have reservations: [{it}]"
                )
            )
        );
        let (st, _) = admin
            .delete(&app, &format!("/admin/reservations/{res}"))
            .await;
        assert_eq!(st, 200);
        let level_id = s(&level(&app, &admin, &it, &wh).await["id"]);
        let (st, body) = admin
            .delete(
                &app,
                &format!("/admin/inventory-items/{it}/location-levels/{wh}"),
            )
            .await;
        assert_eq!(st, 200, "{body}");
        assert_eq!(body["id"], level_id);
        assert_eq!(body["object"], "inventory-level");
        assert_eq!(body["deleted"], true);
        assert_eq!(body["parent"]["id"], it);
        assert_eq!(body["parent"]["location_levels"], json!([]));
        let (st, _) = admin
            .delete(
                &app,
                &format!("/admin/inventory-items/{it}/location-levels/{wh}"),
            )
            .await;
        assert_eq!(st, 404);
    }
);

both_backends!(
    async fn batch_location_levels(backend: Backend) {
        let app = spawn_app(backend).await;
        let admin = Admin::new(&app).await;
        let (wh, shop) = (
            location(&app, &admin, "Warehouse").await,
            location(&app, &admin, "Shop").await,
        );
        let a = item(&app, &admin, "A").await;
        let b = item(&app, &admin, "B").await;
        stock(&app, &admin, &a, &wh, 5).await;
        stock(&app, &admin, &b, &wh, 0).await;
        let empty = s(&level(&app, &admin, &b, &wh).await["id"]);
        let full = s(&level(&app, &admin, &a, &wh).await["id"]);

        // A level that still holds stock is kept unless forced; nothing else is written.
        let (st, body) = admin
            .post(
                &app,
                "/admin/inventory-items/location-levels/batch",
                json!({"create": [{"inventory_item_id": a, "location_id": shop, "stocked_quantity": 2}],
                       "delete": [full]}),
            )
            .await;
        assert_eq!(st, 400, "{body}");
        let (_, body) = admin
            .get(&app, &format!("/admin/inventory-items/{a}/location-levels"))
            .await;
        assert_eq!(body["count"], 1);

        let (st, body) = admin
            .post(
                &app,
                "/admin/inventory-items/location-levels/batch",
                json!({"create": [{"inventory_item_id": a, "location_id": shop, "stocked_quantity": 2}],
                       "update": [{"inventory_item_id": a, "location_id": wh, "stocked_quantity": 7}],
                       "delete": [empty]}),
            )
            .await;
        assert_eq!(st, 200, "{body}");
        assert_eq!(keys_of(&body), ["created", "deleted", "updated"]);
        assert_eq!(body["created"][0]["location_id"], shop);
        assert_eq!(body["updated"][0]["stocked_quantity"], 7);
        assert_eq!(body["deleted"], json!([empty]));
        let (_, body) = admin
            .get(&app, &format!("/admin/inventory-items/{a}"))
            .await;
        assert_eq!(body["inventory_item"]["stocked_quantity"], 9);
        let (_, body) = admin
            .get(&app, &format!("/admin/inventory-items/{b}/location-levels"))
            .await;
        assert_eq!(body["count"], 0);

        let (st, _) = admin
            .post(
                &app,
                "/admin/inventory-items/location-levels/batch",
                json!({"delete": [full], "force": true}),
            )
            .await;
        assert_eq!(st, 200);
        let (_, body) = admin
            .get(&app, &format!("/admin/inventory-items/{a}"))
            .await;
        assert_eq!(body["inventory_item"]["stocked_quantity"], 2);

        // One item's batch: levels named by location.
        let (st, body) = admin
            .post(
                &app,
                &format!("/admin/inventory-items/{b}/location-levels/batch"),
                json!({"create": [{"location_id": wh, "stocked_quantity": 3}, {"location_id": shop}]}),
            )
            .await;
        assert_eq!(st, 200, "{body}");
        assert_eq!(body["created"].as_array().unwrap().len(), 2);
        let (st, body) = admin
            .post(
                &app,
                &format!("/admin/inventory-items/{b}/location-levels/batch"),
                json!({"update": [{"location_id": wh, "stocked_quantity": 4}], "delete": [shop]}),
            )
            .await;
        assert_eq!(st, 200, "{body}");
        assert_eq!(body["updated"][0]["stocked_quantity"], 4);
        assert_eq!(body["deleted"].as_array().unwrap().len(), 1);
        let (_, body) = admin
            .get(&app, &format!("/admin/inventory-items/{b}/location-levels"))
            .await;
        assert_eq!(body["count"], 1);
        assert_eq!(body["inventory_levels"][0]["location_id"], wh);
        let (st, _) = admin
            .post(
                &app,
                "/admin/inventory-items/iitem_missing/location-levels/batch",
                json!({"create": [{"location_id": wh}]}),
            )
            .await;
        assert_eq!(st, 404);
    }
);

both_backends!(
    async fn reservations_keep_reserved_quantity_equal_to_their_sum(backend: Backend) {
        let app = spawn_app(backend).await;
        let admin = Admin::new(&app).await;
        let (wh, shop) = (
            location(&app, &admin, "Warehouse").await,
            location(&app, &admin, "Shop").await,
        );
        let it = item(&app, &admin, "SKU-R").await;
        stock(&app, &admin, &it, &wh, 10).await;
        stock(&app, &admin, &it, &shop, 3).await;
        let locs = [wh.as_str(), shop.as_str()];

        let (st, body) = admin
            .post(
                &app,
                "/admin/reservations",
                json!({"inventory_item_id": it, "location_id": wh, "quantity": 4,
                       "line_item_id": "ordli_1", "description": "first"}),
            )
            .await;
        assert_eq!(st, 200, "{body}");
        let r = &body["reservation"];
        assert_eq!(
            keys_of(r),
            [
                "created_at",
                "description",
                "id",
                "inventory_item",
                "inventory_item_id",
                "line_item_id",
                "location_id",
                "metadata",
                "quantity",
                "updated_at"
            ]
        );
        assert_eq!(r["inventory_item"]["id"], it);
        assert_eq!(r["inventory_item"]["reserved_quantity"], 4);
        let r1 = s(&r["id"]);
        assert!(r1.starts_with("resitem_"));
        assert_invariant(&app, &admin, &it, &locs).await;

        let (st, body) = admin
            .post(
                &app,
                "/admin/reservations",
                json!({"inventory_item_id": it, "location_id": wh, "quantity": 5, "line_item_id": "ordli_2"}),
            )
            .await;
        assert_eq!(st, 200, "{body}");
        let r2 = s(&body["reservation"]["id"]);
        assert_invariant(&app, &admin, &it, &locs).await;

        // One unit left at the warehouse: asking for two is refused and changes nothing.
        let (st, body) = admin
            .post(
                &app,
                "/admin/reservations",
                json!({"inventory_item_id": it, "location_id": wh, "quantity": 2}),
            )
            .await;
        assert_eq!(
            (st, s(&body["message"]), s(&body["type"])),
            (
                400,
                format!("Not enough stock available for item {it} at location {wh}"),
                "not_allowed".to_owned()
            )
        );
        assert_invariant(&app, &admin, &it, &locs).await;
        // Not stocked there.
        let (st, body) = admin
            .post(
                &app,
                "/admin/reservations",
                json!({"inventory_item_id": it, "location_id": "sloc_none", "quantity": 1}),
            )
            .await;
        assert_eq!(
            (st, s(&body["message"])),
            (
                404,
                format!("Item {it} is not stocked at location sloc_none")
            )
        );
        let (st, _) = admin
            .post(
                &app,
                "/admin/reservations",
                json!({"inventory_item_id": it, "location_id": wh, "quantity": 1, "allow_backorder": true}),
            )
            .await;
        assert_eq!(st, 400, "allow_backorder is not part of Medusa's body");

        // Updates: growing past the available stock is refused, shrinking releases, moving
        // takes the whole quantity at the new location.
        let (st, body) = admin
            .post(
                &app,
                &format!("/admin/reservations/{r1}"),
                json!({"quantity": 6}),
            )
            .await;
        assert_eq!(st, 400, "{body}");
        assert_invariant(&app, &admin, &it, &locs).await;
        let (st, body) = admin
            .post(
                &app,
                &format!("/admin/reservations/{r1}"),
                json!({"quantity": 5}),
            )
            .await;
        assert_eq!(st, 200, "{body}");
        assert_eq!(body["reservation"]["quantity"], 5);
        assert_invariant(&app, &admin, &it, &locs).await;
        let (st, body) = admin
            .post(
                &app,
                &format!("/admin/reservations/{r1}"),
                json!({"quantity": 2}),
            )
            .await;
        assert_eq!(st, 200, "{body}");
        assert_invariant(&app, &admin, &it, &locs).await;
        let (st, body) = admin
            .post(
                &app,
                &format!("/admin/reservations/{r2}"),
                json!({"location_id": shop, "quantity": 4}),
            )
            .await;
        assert_eq!(st, 400, "only 3 at the shop: {body}");
        assert_invariant(&app, &admin, &it, &locs).await;
        let (st, body) = admin
            .post(
                &app,
                &format!("/admin/reservations/{r2}"),
                json!({"location_id": shop, "description": "moved"}),
            )
            .await;
        assert_eq!(st, 400, "5 do not fit at the shop either: {body}");
        let (st, body) = admin
            .post(
                &app,
                &format!("/admin/reservations/{r2}"),
                json!({"location_id": shop, "quantity": 3, "description": "moved"}),
            )
            .await;
        assert_eq!(st, 200, "{body}");
        assert_eq!(body["reservation"]["location_id"], shop);
        assert_eq!(body["reservation"]["description"], "moved");
        assert_invariant(&app, &admin, &it, &locs).await;
        assert_eq!(level(&app, &admin, &it, &wh).await["reserved_quantity"], 2);
        assert_eq!(
            level(&app, &admin, &it, &shop).await["reserved_quantity"],
            3
        );
        let (st, body) = admin
            .post(
                &app,
                &format!("/admin/reservations/{r2}"),
                json!({"quantity": 0}),
            )
            .await;
        assert_eq!(st, 400, "{body}");
        let (st, _) = admin
            .post(
                &app,
                "/admin/reservations/resitem_missing",
                json!({"quantity": 1}),
            )
            .await;
        assert_eq!(st, 404);

        // Reads and filters.
        let (st, body) = admin.get(&app, &format!("/admin/reservations/{r2}")).await;
        assert_eq!(st, 200, "{body}");
        assert_eq!(body["reservation"]["line_item_id"], "ordli_2");
        let (_, body) = admin
            .get(&app, "/admin/reservations?limit=1&line_item_id[0]=ordli_1")
            .await;
        assert_eq!(body["count"], 1);
        assert_eq!(body["reservations"][0]["id"], r1);
        let (_, body) = admin
            .get(
                &app,
                &format!("/admin/reservations?location_id={shop}&fields=id,quantity"),
            )
            .await;
        assert_eq!(body["reservations"], json!([{"id": r2, "quantity": 3}]));
        let (st, body) = admin.get(&app, "/admin/reservations/resitem_missing").await;
        assert_eq!(
            (st, s(&body["message"])),
            (
                404,
                "Reservation with id: resitem_missing was not found".to_owned()
            )
        );
        let (st, _) = admin.get(&app, "/admin/reservations?bogus=1").await;
        assert_eq!(st, 400);

        // Deleting releases.
        let (st, body) = admin
            .delete(&app, &format!("/admin/reservations/{r1}"))
            .await;
        assert_eq!(st, 200, "{body}");
        assert_eq!(
            body,
            json!({"id": r1, "object": "reservation", "deleted": true})
        );
        assert_invariant(&app, &admin, &it, &locs).await;
        assert_eq!(level(&app, &admin, &it, &wh).await["reserved_quantity"], 0);
        let (st, _) = admin
            .delete(&app, &format!("/admin/reservations/{r1}"))
            .await;
        assert_eq!(st, 404);
        let (st, _) = admin
            .delete(&app, &format!("/admin/reservations/{r2}"))
            .await;
        assert_eq!(st, 200);
        assert_invariant(&app, &admin, &it, &locs).await;
        let (_, body) = admin
            .get(&app, &format!("/admin/inventory-items/{it}"))
            .await;
        assert_eq!(body["inventory_item"]["reserved_quantity"], 0);
    }
);

both_backends!(
    async fn concurrent_reservations_never_oversell(backend: Backend) {
        let app = spawn_app(backend).await;
        let admin = Admin::new(&app).await;
        let wh = location(&app, &admin, "Warehouse").await;
        let it = item(&app, &admin, "LAST").await;
        stock(&app, &admin, &it, &wh, 5).await;

        let requests = (0..20).map(|i| {
            let req = app
                .client
                .post(app.url("/admin/reservations"))
                .header("authorization", admin.header())
                .json(
                    &json!({"inventory_item_id": it, "location_id": wh, "quantity": 1,
                              "line_item_id": format!("ordli_{i}")}),
                );
            async move { read_json(req.send().await.unwrap()).await }
        });
        let results = futures_util::future::join_all(requests).await;
        let ok = results.iter().filter(|(st, _)| *st == 200).count();
        let refused: Vec<&(u16, Value)> = results.iter().filter(|(st, _)| *st != 200).collect();
        assert_eq!(ok, 5, "{results:?}");
        for (st, body) in &refused {
            assert_eq!(*st, 400, "{body}");
            assert_eq!(body["type"], "not_allowed", "{body}");
        }
        let l = level(&app, &admin, &it, &wh).await;
        assert_eq!(l["reserved_quantity"], 5);
        assert_eq!(l["available_quantity"], 0);
        assert_invariant(&app, &admin, &it, &[wh.as_str()]).await;

        // Concurrent updates growing reservations at the same time cannot oversell either:
        // free two units, then let every reservation ask for one more.
        let (_, body) = admin
            .get(&app, &format!("/admin/reservations?location_id={wh}"))
            .await;
        let ids: Vec<String> = body["reservations"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| s(&r["id"]))
            .collect();
        let (st, _) = admin
            .post(
                &app,
                &format!("/admin/inventory-items/{it}/location-levels/{wh}"),
                json!({"stocked_quantity": 7}),
            )
            .await;
        assert_eq!(st, 200);
        let updates = ids.iter().map(|id| {
            let req = app
                .client
                .post(app.url(&format!("/admin/reservations/{id}")))
                .header("authorization", admin.header())
                .json(&json!({"quantity": 2}));
            async move { read_json(req.send().await.unwrap()).await }
        });
        let results = futures_util::future::join_all(updates).await;
        assert_eq!(
            results.iter().filter(|(st, _)| *st == 200).count(),
            2,
            "{results:?}"
        );
        let l = level(&app, &admin, &it, &wh).await;
        assert_eq!(l["reserved_quantity"], 7);
        assert_invariant(&app, &admin, &it, &[wh.as_str()]).await;
    }
);

both_backends!(
    async fn stock_set_through_the_admin_shows_in_the_store(backend: Backend) {
        // A long TTL: only the inventory version bumped by each write can make the store's
        // response cache serve the new stock.
        let app = medusa_testkit::spawn_app_builder(backend)
            .env("CACHE_TTL", "1h")
            .spawn()
            .await;
        let key = app.seed().await;
        let admin = Admin::new(&app).await;
        let (_, body) = admin.get(&app, "/admin/sales-channels").await;
        let channel = s(&body["sales_channels"][0]["id"]);
        let (_, body) = admin.get(&app, "/admin/stock-locations").await;
        let loc = s(&body["stock_locations"][0]["id"]);

        let (st, body) = admin
            .post(
                &app,
                "/admin/products",
                json!({
                    "title": "Stocked Mug",
                    "status": "published",
                    "options": [{"title": "Size", "values": ["S"]}],
                    "variants": [{"title": "S", "sku": "STOCKED-MUG-S", "manage_inventory": true,
                                  "options": {"Size": "S"},
                                  "prices": [{"amount": 10, "currency_code": "eur"}]}],
                    "sales_channels": [{"id": channel}]
                }),
            )
            .await;
        assert_eq!(st, 200, "{body}");
        let handle = s(&body["product"]["handle"]);

        // The variant's inventory item exists (created with the variant), with no stock yet.
        let (_, body) = admin
            .get(&app, "/admin/inventory-items?sku=STOCKED-MUG-S")
            .await;
        assert_eq!(body["count"], 1, "{body}");
        let it = s(&body["inventory_items"][0]["id"]);
        let store = |path: String| {
            let req = app
                .client
                .get(app.url(&path))
                .header("x-publishable-api-key", key.clone());
            async move { read_json(req.send().await.unwrap()).await }
        };
        let path = format!("/store/products?handle={handle}&fields=%2Bvariants.inventory_quantity");
        let (st, body) = store(path.clone()).await;
        assert_eq!(st, 200, "{body}");
        assert_eq!(body["products"][0]["variants"][0]["inventory_quantity"], 0);

        stock(&app, &admin, &it, &loc, 7).await;
        let (_, body) = store(path.clone()).await;
        assert_eq!(body["products"][0]["variants"][0]["inventory_quantity"], 7);

        // Reservations and level updates show at once too (the cache follows the version).
        let (st, _) = admin
            .post(
                &app,
                "/admin/reservations",
                json!({"inventory_item_id": it, "location_id": loc, "quantity": 3}),
            )
            .await;
        assert_eq!(st, 200);
        let (_, body) = store(path.clone()).await;
        assert_eq!(body["products"][0]["variants"][0]["inventory_quantity"], 4);
        let (st, _) = admin
            .post(
                &app,
                &format!("/admin/inventory-items/{it}/location-levels/{loc}"),
                json!({"stocked_quantity": 10}),
            )
            .await;
        assert_eq!(st, 200);
        let (_, body) = store(path).await;
        assert_eq!(body["products"][0]["variants"][0]["inventory_quantity"], 7);
    }
);
