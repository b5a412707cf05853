//! Checkouts racing for the last units of an inventory item that two variants share: a single
//! variant and a bundle (an inventory kit linked through the admin api with
//! `required_quantity` 2). Exactly one of twenty concurrent completions wins; the others get
//! Medusa's 400 `not_allowed`; `reserved_quantity` equals the sum of the reservation rows and
//! is never negative, not even mid-race. One cart whose two lines share the item and together
//! want more than the stock is refused (Medusa #16502 oversells it).

use futures_util::future::join_all;
use medusa_inventory::{InventoryItemId, InventoryService};
use medusa_testkit::{TestApp, both_backends, spawn_app};
use serde_json::{Value, json};

use crate::admin_regions::Admin;
use crate::store_carts::{region_id, store_get, store_post};
use crate::store_checkout::{complete, pay, ready_cart};

fn s(v: &Value) -> String {
    v.as_str().unwrap().to_owned()
}

/// `(product_id, first variant id)` of the n-th seeded product.
async fn product_variant(app: &TestApp, key: &str, region: &str, n: usize) -> (String, String) {
    let (status, body) = store_get(
        app,
        key,
        &format!("/store/products?region_id={region}&order=created_at&limit=20"),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let p = &body["products"][n];
    (s(&p["id"]), s(&p["variants"][0]["id"]))
}

fn inventory(app: &TestApp) -> std::sync::Arc<dyn InventoryService> {
    app.state.registry.get::<dyn InventoryService>().unwrap()
}

/// The inventory item the variant was created with (one item per seeded variant).
async fn item_of(app: &TestApp, variant_id: &str) -> String {
    let links = inventory(app)
        .items_for_variants(&[variant_id.to_owned()])
        .await
        .unwrap();
    assert_eq!(links.len(), 1, "{links:?}");
    links[0].inventory_item_id.as_str().to_owned()
}

/// Sets the item's stock to `n` at its first location and 0 everywhere else; returns the
/// location holding it.
async fn set_stock(app: &TestApp, admin: &Admin, item: &str, n: i64) -> String {
    let (st, body) = admin
        .get(
            app,
            &format!("/admin/inventory-items/{item}/location-levels"),
        )
        .await;
    assert_eq!(st, 200, "{body}");
    let levels = body["inventory_levels"].as_array().unwrap().clone();
    assert!(!levels.is_empty(), "the seeded item is stocked somewhere");
    for (i, l) in levels.iter().enumerate() {
        let loc = s(&l["location_id"]);
        let (st, body) = admin
            .post(
                app,
                &format!("/admin/inventory-items/{item}/location-levels/{loc}"),
                json!({"stocked_quantity": if i == 0 { n } else { 0 }}),
            )
            .await;
        assert_eq!(st, 200, "{body}");
    }
    s(&levels[0]["location_id"])
}

/// Turns `bundle` into an inventory kit of `required` units of `item`, through the admin api
/// as Medusa's dashboard does: link the shared item, unlink the variant's own one.
async fn make_bundle(
    app: &TestApp,
    admin: &Admin,
    product_id: &str,
    bundle: &str,
    item: &str,
    required: i64,
) {
    let own = item_of(app, bundle).await;
    let (st, body) = admin
        .post(
            app,
            &format!("/admin/products/{product_id}/variants/{bundle}/inventory-items"),
            json!({"inventory_item_id": item, "required_quantity": required}),
        )
        .await;
    assert_eq!(st, 200, "{body}");
    assert_eq!(body["variant"]["id"], bundle, "{body}");
    let (st, body) = admin
        .delete(
            app,
            &format!("/admin/products/{product_id}/variants/{bundle}/inventory-items/{own}"),
        )
        .await;
    assert_eq!(st, 200, "{body}");
    assert_eq!(body["deleted"], true, "{body}");
    let links = inventory(app)
        .items_for_variants(&[bundle.to_owned()])
        .await
        .unwrap();
    assert_eq!(links.len(), 1);
    assert_eq!(links[0].inventory_item_id.as_str(), item);
    assert_eq!(links[0].required_quantity, required);
}

/// `(reserved_quantity of the level, sum of the item's reservation rows there)`.
async fn reserved(app: &TestApp, admin: &Admin, item: &str, loc: &str) -> (i64, i64) {
    let (st, body) = admin
        .get(
            app,
            &format!("/admin/reservations?inventory_item_id={item}&location_id={loc}&limit=1000"),
        )
        .await;
    assert_eq!(st, 200, "{body}");
    let sum = body["reservations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["quantity"].as_i64().unwrap())
        .sum();
    let (st, body) = admin
        .get(
            app,
            &format!("/admin/inventory-items/{item}/location-levels"),
        )
        .await;
    assert_eq!(st, 200, "{body}");
    let level = body["inventory_levels"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["location_id"] == loc)
        .unwrap()
        .clone();
    (level["reserved_quantity"].as_i64().unwrap(), sum)
}

both_backends!(
    async fn twenty_checkouts_for_the_last_units_with_a_bundle_sell_once(backend: Backend) {
        let app = spawn_app(backend).await;
        let key = app.seed().await;
        let admin = Admin::new(&app).await;
        let eur = region_id(&app, &key, "eur").await;
        let (_, single) = product_variant(&app, &key, &eur, 4).await;
        let (bundle_product, bundle) = product_variant(&app, &key, &eur, 5).await;
        let item = item_of(&app, &single).await;
        make_bundle(&app, &admin, &bundle_product, &bundle, &item, 2).await;
        // The last two units: one single cart of 2, or one bundle (2 units each), not both.
        let loc = set_stock(&app, &admin, &item, 2).await;

        let mut carts = Vec::new();
        for i in 0..20 {
            let id = if i % 2 == 0 {
                ready_cart(&app, &key, &eur, &single, 2).await
            } else {
                ready_cart(&app, &key, &eur, &bundle, 1).await
            };
            pay(&app, &key, &id).await;
            carts.push(id);
        }
        assert_eq!(reserved(&app, &admin, &item, &loc).await, (0, 0));

        // While the completions race, the level is sampled: never negative, never above stock.
        let race = join_all(carts.iter().map(|c| complete(&app, &key, c)));
        let item_id = InventoryItemId::parse(&item).unwrap();
        let watch = async {
            let mut samples = Vec::new();
            for _ in 0..40 {
                let l = inventory(&app)
                    .retrieve_level(&item_id, &loc)
                    .await
                    .unwrap();
                samples.push(l.reserved_quantity);
                tokio::time::sleep(std::time::Duration::from_millis(5)).await;
            }
            samples
        };
        let (results, samples) = tokio::join!(race, watch);
        assert!(
            samples.iter().all(|r| (0..=2).contains(r)),
            "reserved_quantity mid-race: {samples:?}"
        );

        let placed: Vec<&Value> = results
            .iter()
            .filter(|(st, r)| *st == 200 && r["type"] == "order")
            .map(|(_, r)| r)
            .collect();
        assert_eq!(placed.len(), 1, "{results:?}");
        let refused: Vec<&Value> = results
            .iter()
            .filter(|(st, _)| *st == 400)
            .map(|(_, r)| r)
            .collect();
        assert_eq!(refused.len(), 19, "{results:?}");
        for r in refused {
            assert_eq!(r["type"], "not_allowed", "{r}");
            assert_eq!(
                r["message"], "Some variant does not have the required inventory",
                "{r}"
            );
        }
        // The winner holds both units, whichever variant it bought.
        let order = &placed[0]["order"];
        let line = &order["items"][0];
        if line["variant_id"] == single.as_str() {
            assert_eq!(line["quantity"], 2);
        } else {
            assert_eq!(line["variant_id"], bundle.as_str());
            assert_eq!(line["quantity"], 1);
        }
        assert_eq!(reserved(&app, &admin, &item, &loc).await, (2, 2));
        // The store shows both variants sold out.
        for v in [&single, &bundle] {
            let available = inventory(&app)
                .variant_availability(std::slice::from_ref(v), std::slice::from_ref(&loc))
                .await
                .unwrap();
            assert_eq!(available.get(v.as_str()), Some(&0), "{v}: {available:?}");
        }
    }
);

both_backends!(
    async fn one_cart_whose_lines_share_an_item_cannot_take_more_than_the_stock(backend: Backend) {
        let app = spawn_app(backend).await;
        let key = app.seed().await;
        let admin = Admin::new(&app).await;
        let eur = region_id(&app, &key, "eur").await;
        let (_, single) = product_variant(&app, &key, &eur, 4).await;
        let (bundle_product, bundle) = product_variant(&app, &key, &eur, 5).await;
        let item = item_of(&app, &single).await;
        make_bundle(&app, &admin, &bundle_product, &bundle, &item, 2).await;
        let loc = set_stock(&app, &admin, &item, 10).await;

        // 1 single + 1 bundle = 3 units of the item; each line alone fits in 2.
        let cart = ready_cart(&app, &key, &eur, &single, 1).await;
        let (st, body) = store_post(
            &app,
            &key,
            &format!("/store/carts/{cart}/line-items"),
            json!({"variant_id": bundle, "quantity": 1}),
        )
        .await;
        assert_eq!(st, 200, "{body}");
        pay(&app, &key, &cart).await;
        set_stock(&app, &admin, &item, 2).await;

        let (st, body) = complete(&app, &key, &cart).await;
        assert_eq!(st, 400, "{body}");
        assert_eq!(body["type"], "not_allowed", "{body}");
        assert_eq!(
            body["message"],
            "Some variant does not have the required inventory"
        );
        // Nothing left behind: no reservation, the cart still open.
        assert_eq!(reserved(&app, &admin, &item, &loc).await, (0, 0));
        let (_, c) = store_get(&app, &key, &format!("/store/carts/{cart}")).await;
        assert!(c["cart"]["completed_at"].is_null());

        // With three units it goes through and reserves all three on the one item.
        set_stock(&app, &admin, &item, 3).await;
        let (st, body) = complete(&app, &key, &cart).await;
        assert_eq!(st, 200, "{body}");
        assert_eq!(body["type"], "order", "{body}");
        assert_eq!(reserved(&app, &admin, &item, &loc).await, (3, 3));
    }
);
