//! `/admin/price-lists/:id` update/delete, `prices/batch` and `products`, and their effect on
//! the store's `calculated_price` (through the response cache).

use base64::Engine;
use medusa_testkit::{TestApp, both_backends, json, spawn_app};
use serde_json::{Value, json};

/// An admin client authenticated with a secret key (shared by the catalog admin tests).
pub struct Admin<'a> {
    app: &'a TestApp,
    auth: String,
}

impl Admin<'_> {
    pub async fn new(app: &TestApp) -> Admin<'_> {
        let (_, token) = app.secret_key().await;
        let auth = format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode(format!("{token}:"))
        );
        Admin { app, auth }
    }
    pub async fn get(&self, path: &str) -> (u16, Value) {
        json(
            self.app
                .client
                .get(self.app.url(path))
                .header("authorization", &self.auth)
                .send()
                .await
                .unwrap(),
        )
        .await
    }
    pub async fn post(&self, path: &str, body: Value) -> (u16, Value) {
        json(
            self.app
                .client
                .post(self.app.url(path))
                .header("authorization", &self.auth)
                .json(&body)
                .send()
                .await
                .unwrap(),
        )
        .await
    }
    pub async fn delete(&self, path: &str) -> (u16, Value) {
        json(
            self.app
                .client
                .delete(self.app.url(path))
                .header("authorization", &self.auth)
                .send()
                .await
                .unwrap(),
        )
        .await
    }
}

pub async fn store_get(app: &TestApp, key: &str, path: &str) -> (u16, Value) {
    json(
        app.client
            .get(app.url(path))
            .header("x-publishable-api-key", key)
            .send()
            .await
            .unwrap(),
    )
    .await
}

pub async fn eur_region(app: &TestApp, key: &str) -> String {
    let (_, b) = store_get(app, key, "/store/regions").await;
    b["regions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["currency_code"] == "eur")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// The calculated price of `variant` in the store's product listing (the cached route).
async fn listed_price(app: &TestApp, key: &str, region: &str, variant: &str) -> Value {
    let (s, b) = store_get(
        app,
        key,
        &format!("/store/products?limit=100&region_id={region}"),
    )
    .await;
    assert_eq!(s, 200, "{b}");
    b["products"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|p| p["variants"].as_array().unwrap().iter())
        .find(|v| v["id"] == variant)
        .unwrap()["calculated_price"]
        .clone()
}

both_backends!(
    async fn batch_prices_reach_the_store_listing_and_leave_it(backend: Backend) {
        let app = spawn_app(backend).await;
        let key = app.seed().await;
        let admin = Admin::new(&app).await;
        let region = eur_region(&app, &key).await;
        let (_, b) = store_get(
            &app,
            &key,
            &format!("/store/products?limit=1&region_id={region}"),
        )
        .await;
        let product = b["products"][0]["id"].as_str().unwrap().to_owned();
        let variant = b["products"][0]["variants"][0]["id"]
            .as_str()
            .unwrap()
            .to_owned();
        let before = listed_price(&app, &key, &region, &variant).await;
        let original = before["calculated_amount"].clone();
        assert_eq!(before["is_calculated_price_price_list"], false);

        let (s, pl) = admin
            .post(
                "/admin/price-lists",
                json!({"title": "Flash sale", "description": "one day", "status": "active"}),
            )
            .await;
        assert_eq!(s, 200, "{pl}");
        let list = pl["price_list"]["id"].as_str().unwrap().to_owned();
        assert_eq!(pl["price_list"]["prices"], json!([]));

        // Create: the price shows up in the (cached) listing at once.
        let (s, b) = admin
            .post(
                &format!("/admin/price-lists/{list}/prices/batch"),
                json!({"create": [{"variant_id": variant, "amount": 1.5, "currency_code": "eur"}]}),
            )
            .await;
        assert_eq!(s, 200, "{b}");
        assert_eq!(b["updated"], json!([]));
        assert_eq!(
            b["deleted"],
            json!({"ids": [], "object": "price", "deleted": true})
        );
        let created = &b["created"][0];
        let price_id = created["id"].as_str().unwrap().to_owned();
        assert!(price_id.starts_with("price_"));
        assert_eq!(created["variant_id"], variant.as_str());
        assert_eq!(created["amount"], 1.5);
        assert_eq!(created["currency_code"], "eur");
        assert_eq!(created["rules"], json!({}));
        let cp = listed_price(&app, &key, &region, &variant).await;
        assert_eq!(cp["calculated_amount"], 1.5, "{cp}");
        assert_eq!(cp["original_amount"], original);
        assert_eq!(cp["calculated_price"]["price_list_id"], list.as_str());
        assert_eq!(cp["calculated_price"]["price_list_type"], "sale");

        // The list embeds its prices, as Medusa's GET does.
        let (s, b) = admin.get(&format!("/admin/price-lists/{list}")).await;
        assert_eq!(s, 200, "{b}");
        assert_eq!(b["price_list"]["prices"][0]["id"], price_id.as_str());
        assert_eq!(b["price_list"]["prices"][0]["variant_id"], variant.as_str());
        assert_eq!(b["price_list"]["deleted_at"], Value::Null);
        let (_, b) = admin.get("/admin/price-lists").await;
        assert_eq!(b["price_lists"][0]["prices"][0]["id"], price_id.as_str());

        // Update the amount.
        let (s, b) = admin
            .post(
                &format!("/admin/price-lists/{list}/prices/batch"),
                json!({"update": [{"id": price_id, "variant_id": variant, "amount": 2}]}),
            )
            .await;
        assert_eq!(s, 200, "{b}");
        assert_eq!(b["updated"][0]["amount"], 2);
        assert_eq!(b["created"], json!([]));
        let cp = listed_price(&app, &key, &region, &variant).await;
        assert_eq!(cp["calculated_amount"], 2, "{cp}");

        // Delete: the listing is back to the variant's own price.
        let (s, b) = admin
            .post(
                &format!("/admin/price-lists/{list}/prices/batch"),
                json!({"delete": [price_id]}),
            )
            .await;
        assert_eq!(s, 200, "{b}");
        assert_eq!(
            b["deleted"],
            json!({"ids": [price_id], "object": "price", "deleted": true})
        );
        let cp = listed_price(&app, &key, &region, &variant).await;
        assert_eq!(cp["calculated_amount"], original, "{cp}");
        assert_eq!(cp["is_calculated_price_price_list"], false);

        // `products` removes every price of those products from the list.
        let (s, _) = admin
            .post(
                &format!("/admin/price-lists/{list}/prices/batch"),
                json!({"create": [{"variant_id": variant, "amount": 3, "currency_code": "eur"}]}),
            )
            .await;
        assert_eq!(s, 200);
        assert_eq!(
            listed_price(&app, &key, &region, &variant).await["calculated_amount"],
            3
        );
        let (s, b) = admin
            .post(
                &format!("/admin/price-lists/{list}/products"),
                json!({"remove": [product]}),
            )
            .await;
        assert_eq!(s, 200, "{b}");
        assert_eq!(b["price_list"]["id"], list.as_str());
        assert_eq!(b["price_list"]["prices"], json!([]));
        assert_eq!(
            listed_price(&app, &key, &region, &variant).await["calculated_amount"],
            original
        );
    }
);

both_backends!(
    async fn price_list_update_and_delete(backend: Backend) {
        let app = spawn_app(backend).await;
        let key = app.seed().await;
        let admin = Admin::new(&app).await;
        let region = eur_region(&app, &key).await;
        let (_, b) = store_get(
            &app,
            &key,
            &format!("/store/products?limit=1&region_id={region}"),
        )
        .await;
        let variant = b["products"][0]["variants"][0]["id"]
            .as_str()
            .unwrap()
            .to_owned();
        let original =
            listed_price(&app, &key, &region, &variant).await["calculated_amount"].clone();
        let (_, pl) = admin
            .post(
                "/admin/price-lists",
                json!({"title": "Draft", "description": "d",
                       "prices": [{"variant_id": variant, "amount": 1, "currency_code": "eur"}]}),
            )
            .await;
        let list = pl["price_list"]["id"].as_str().unwrap().to_owned();
        // A draft list does not apply.
        assert_eq!(
            listed_price(&app, &key, &region, &variant).await["calculated_amount"],
            original
        );

        let (s, b) = admin
            .post(
                &format!("/admin/price-lists/{list}"),
                json!({"title": "Live", "status": "active", "type": "override", "description": null}),
            )
            .await;
        assert_eq!(s, 200, "{b}");
        let p = &b["price_list"];
        assert_eq!(
            (&p["title"], &p["status"], &p["type"], &p["description"]),
            (
                &json!("Live"),
                &json!("active"),
                &json!("override"),
                &json!("d")
            )
        );
        assert_eq!(p["prices"][0]["amount"], 1);
        let cp = listed_price(&app, &key, &region, &variant).await;
        // An override list replaces the original price too.
        assert_eq!(
            (&cp["calculated_amount"], &cp["original_amount"]),
            (&json!(1), &json!(1)),
            "{cp}"
        );

        // Dated in the past: no longer applies.
        let (s, b) = admin
            .post(
                &format!("/admin/price-lists/{list}"),
                json!({"ends_at": "2001-01-01T00:00:00.000Z"}),
            )
            .await;
        assert_eq!(s, 200, "{b}");
        assert_eq!(b["price_list"]["ends_at"], "2001-01-01T00:00:00.000Z");
        assert_eq!(
            listed_price(&app, &key, &region, &variant).await["calculated_amount"],
            original
        );
        let (s, _) = admin
            .post(
                &format!("/admin/price-lists/{list}"),
                json!({"ends_at": null}),
            )
            .await;
        assert_eq!(s, 200);
        assert_eq!(
            listed_price(&app, &key, &region, &variant).await["calculated_amount"],
            1
        );

        let (s, b) = admin.delete(&format!("/admin/price-lists/{list}")).await;
        assert_eq!(
            (s, b),
            (
                200,
                json!({"id": list, "object": "price_list", "deleted": true})
            )
        );
        assert_eq!(
            listed_price(&app, &key, &region, &variant).await["calculated_amount"],
            original
        );
        let (s, b) = admin.get(&format!("/admin/price-lists/{list}")).await;
        assert_eq!(s, 404, "{b}");
        assert_eq!(
            b["message"],
            format!("Price list with id: {list} was not found")
        );
    }
);

both_backends!(
    async fn price_list_routes_refuse_bad_input(backend: Backend) {
        let app = spawn_app(backend).await;
        let key = app.seed().await;
        let admin = Admin::new(&app).await;
        let region = eur_region(&app, &key).await;
        let (_, b) = store_get(
            &app,
            &key,
            &format!("/store/products?limit=1&region_id={region}"),
        )
        .await;
        let variant = b["products"][0]["variants"][0]["id"]
            .as_str()
            .unwrap()
            .to_owned();
        let (_, pl) = admin
            .post(
                "/admin/price-lists",
                json!({"title": "T", "description": "d"}),
            )
            .await;
        let list = pl["price_list"]["id"].as_str().unwrap().to_owned();

        // Unknown lists.
        let (s, b) = admin
            .post("/admin/price-lists/plist_missing", json!({"title": "x"}))
            .await;
        assert_eq!(s, 404, "{b}");
        assert_eq!(b["type"], "not_found");
        assert_eq!(
            b["message"],
            "Price lists with id: plist_missing was not found"
        );
        let (s, b) = admin.delete("/admin/price-lists/plist_missing").await;
        assert_eq!((s, b["type"].as_str()), (404, Some("not_found")), "{b}");
        let (s, b) = admin
            .post(
                "/admin/price-lists/plist_missing/prices/batch",
                json!({"create": [{"variant_id": variant, "amount": 1, "currency_code": "eur"}]}),
            )
            .await;
        assert_eq!(s, 404, "{b}");
        let (s, b) = admin
            .post(
                "/admin/price-lists/plist_missing/products",
                json!({"remove": ["prod_x"]}),
            )
            .await;
        assert_eq!(s, 404, "{b}");
        assert_eq!(
            b["message"],
            "Price list with id: plist_missing was not found"
        );

        // Unknown keys, at the top and inside a price.
        let (s, b) = admin
            .post(&format!("/admin/price-lists/{list}"), json!({"prices": []}))
            .await;
        assert_eq!((s, b["type"].as_str()), (400, Some("invalid_data")), "{b}");
        let (s, b) = admin
            .post(
                &format!("/admin/price-lists/{list}/prices/batch"),
                json!({"create": [{"variant_id": variant, "amount": 1, "currency_code": "eur", "calculated_amount": 0}]}),
            )
            .await;
        assert_eq!((s, b["type"].as_str()), (400, Some("invalid_data")), "{b}");
        // Medusa refuses `add` here: adding goes through prices/batch.
        let (s, b) = admin
            .post(
                &format!("/admin/price-lists/{list}/products"),
                json!({"add": ["prod_x"]}),
            )
            .await;
        assert_eq!((s, b["type"].as_str()), (400, Some("invalid_data")), "{b}");
        let (s, b) = admin
            .post(&format!("/admin/price-lists/{list}/products"), json!({}))
            .await;
        assert_eq!(s, 400, "{b}");
        assert_eq!(
            b["message"],
            "No product ids passed to remove from price list"
        );

        // Bad values.
        let (s, b) = admin
            .post(
                &format!("/admin/price-lists/{list}"),
                json!({"status": "live"}),
            )
            .await;
        assert_eq!(s, 400, "{b}");
        let (s, b) = admin
            .post(
                &format!("/admin/price-lists/{list}/prices/batch"),
                json!({"create": [{"variant_id": "variant_missing", "amount": 1, "currency_code": "eur"}]}),
            )
            .await;
        assert_eq!(s, 400, "{b}");
        assert_eq!(
            b["message"],
            "No price set exist for variants: variant_missing"
        );
        let (s, b) = admin
            .post(
                &format!("/admin/price-lists/{list}/prices/batch"),
                json!({"create": [{"variant_id": variant, "amount": -1, "currency_code": "eur"}]}),
            )
            .await;
        assert_eq!(s, 400, "{b}");
        let (s, b) = admin
            .post(
                &format!("/admin/price-lists/{list}/prices/batch"),
                json!({"update": [{"id": "price_missing", "variant_id": variant, "amount": 1}]}),
            )
            .await;
        assert_eq!(s, 404, "{b}");
        assert_eq!(b["message"], "Price with id: price_missing was not found");
        // Nothing of the refused batches was stored.
        let (_, b) = admin.get(&format!("/admin/price-lists/{list}")).await;
        assert_eq!(b["price_list"]["prices"], json!([]));
    }
);
