use base64::Engine;
use medusa_testkit::{TestApp, both_backends, json, spawn_app};
use serde_json::{Value, json};

struct Admin<'a> {
    app: &'a TestApp,
    auth: String,
}

impl Admin<'_> {
    async fn new(app: &TestApp) -> Admin<'_> {
        let (_, token) = app.secret_key().await;
        let auth = format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode(format!("{token}:"))
        );
        Admin { app, auth }
    }
    async fn get(&self, path: &str) -> (u16, Value) {
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
    async fn post(&self, path: &str, body: Value) -> (u16, Value) {
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
    async fn delete(&self, path: &str) -> (u16, Value) {
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

async fn store_get(app: &TestApp, key: &str, path: &str) -> (u16, Value) {
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

async fn eur_region(app: &TestApp, key: &str) -> String {
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

both_backends!(
    async fn admin_creates_publishes_and_deletes_a_product(backend: Backend) {
        let app = spawn_app(backend).await;
        let key = app.seed().await;
        let admin = Admin::new(&app).await;
        let region = eur_region(&app, &key).await;
        let (_, channels) = admin.get("/admin/sales-channels").await;
        let channel = channels["sales_channels"][0]["id"]
            .as_str()
            .unwrap()
            .to_owned();

        let (status, body) = admin
        .post(
            "/admin/products",
            json!({
                "title": "Rust Mug",
                "status": "draft",
                "options": [{"title": "Size", "values": ["S", "L"]}],
                "variants": [
                    {"title": "S", "sku": "RUST-MUG-S", "options": {"Size": "S"},
                     "prices": [{"amount": 12.5, "currency_code": "eur"}, {"amount": 14, "currency_code": "usd"}]},
                    {"title": "L", "sku": "RUST-MUG-L", "options": {"Size": "L"},
                     "prices": [{"amount": 15, "currency_code": "eur"}]}
                ],
                "images": [{"url": "https://example.com/mug.png"}],
                "sales_channels": [{"id": channel}]
            }),
        )
        .await;
        assert_eq!(status, 200, "{body}");
        let p = &body["product"];
        let id = p["id"].as_str().unwrap().to_owned();
        assert!(id.starts_with("prod_"));
        assert_eq!(p["handle"], "rust-mug");
        assert_eq!(p["status"], "draft");
        assert_eq!(p["thumbnail"], "https://example.com/mug.png");
        assert_eq!(p["variants"].as_array().unwrap().len(), 2);
        let prices = p["variants"][0]["prices"].as_array().unwrap();
        let eur = prices.iter().find(|x| x["currency_code"] == "eur").unwrap();
        assert_eq!(eur["amount"], 12.5);
        assert_eq!(eur["raw_amount"]["value"], "12.5");
        assert_eq!(p["sales_channels"][0]["id"], channel.as_str());

        // Drafts are invisible to the store.
        let (s, _) = store_get(&app, &key, &format!("/store/products/{id}")).await;
        assert_eq!(s, 404);
        let (s, b) = admin
            .post(
                &format!("/admin/products/{id}"),
                json!({"status": "published"}),
            )
            .await;
        assert_eq!(
            (s, b["product"]["status"].as_str()),
            (200, Some("published")),
            "{b}"
        );
        let (s, b) = store_get(
            &app,
            &key,
            &format!("/store/products/{id}?region_id={region}"),
        )
        .await;
        assert_eq!(s, 200, "{b}");
        assert_eq!(
            b["product"]["variants"][0]["calculated_price"]["calculated_amount"],
            12.5
        );

        // A sale price list lowers the calculated price and keeps the original.
        let variant = b["product"]["variants"][0]["id"]
            .as_str()
            .unwrap()
            .to_owned();
        let (s, pl) = admin
        .post(
            "/admin/price-lists",
            json!({"title": "Winter sale", "description": "", "status": "active", "type": "sale",
                   "prices": [{"variant_id": variant, "amount": 10, "currency_code": "eur"}]}),
        )
        .await;
        assert_eq!(s, 200, "{pl}");
        let (_, b) = store_get(
            &app,
            &key,
            &format!("/store/products/{id}?region_id={region}"),
        )
        .await;
        let cp = &b["product"]["variants"][0]["calculated_price"];
        assert_eq!(
            (
                cp["calculated_amount"].clone(),
                cp["original_amount"].clone()
            ),
            (json!(10), json!(12.5))
        );
        assert_eq!(cp["calculated_price"]["price_list_type"], "sale");

        let (s, b) = admin.delete(&format!("/admin/products/{id}")).await;
        assert_eq!(
            (s, b),
            (200, json!({"id": id, "object": "product", "deleted": true}))
        );
        let (s, _) = store_get(&app, &key, &format!("/store/products/{id}")).await;
        assert_eq!(s, 404);
        let (s, _) = admin.get(&format!("/admin/products/{id}")).await;
        assert_eq!(s, 404);
    }
);

both_backends!(
    async fn admin_refuses_bad_product_input(backend: Backend) {
        let app = spawn_app(backend).await;
        let admin = Admin::new(&app).await;
        let (s, b) = admin
            .post("/admin/products", json!({"title": "X", "unit_price": 1}))
            .await;
        assert_eq!(
            (s, b["message"].as_str()),
            (
                400,
                Some("Invalid request: Unrecognized fields: 'unit_price'")
            )
        );
        let (s, b) = admin
        .post(
            "/admin/products",
            json!({"title": "X", "options": [{"title": "Size", "values": ["S"]}],
                   "variants": [{"title": "S", "options": {"Size": "S"}, "prices": [{"amount": 1.005, "currency_code": "eur"}]}]}),
        )
        .await;
        assert_eq!(s, 400, "{b}");
        let (s, _) = admin
            .post(
                "/admin/products",
                json!({"title": "X", "options": [{"title": "Size", "values": ["S"]}],
                   "variants": [{"title": "M", "options": {"Size": "M"}, "prices": []}]}),
            )
            .await;
        assert_eq!(s, 400);
        let (s, _) = admin
            .post("/admin/products", json!({"title": "X", "status": "live"}))
            .await;
        assert_eq!(s, 400);
        let (s, _) = admin
            .post("/admin/products", json!({"title": "Dup", "handle": "dup"}))
            .await;
        assert_eq!(s, 200);
        let (s, b) = admin
            .post("/admin/products", json!({"title": "Dup", "handle": "dup"}))
            .await;
        assert_eq!(
            (s, b["type"].as_str()),
            (422, Some("duplicate_error")),
            "{b}"
        );
        let (s, _) = admin
            .get("/admin/products/prod_01JBX4Z6M3Q8Q5ZC7E0K9W2A1B")
            .await;
        assert_eq!(s, 404);
    }
);

both_backends!(
    async fn admin_collections_and_categories(backend: Backend) {
        let app = spawn_app(backend).await;
        let admin = Admin::new(&app).await;
        let (s, c) = admin
            .post("/admin/collections", json!({"title": "Summer"}))
            .await;
        assert_eq!(s, 200, "{c}");
        assert_eq!(c["collection"]["handle"], "summer");
        let cid = c["collection"]["id"].as_str().unwrap().to_owned();
        let (s, c) = admin
            .post(
                &format!("/admin/collections/{cid}"),
                json!({"title": "Summer 26"}),
            )
            .await;
        assert_eq!(
            (s, c["collection"]["title"].as_str()),
            (200, Some("Summer 26"))
        );
        let (_, list) = admin.get("/admin/collections").await;
        assert_eq!(list["count"], 1);
        let (s, _) = admin.delete(&format!("/admin/collections/{cid}")).await;
        assert_eq!(s, 200);
        let (s, _) = admin.get(&format!("/admin/collections/{cid}")).await;
        assert_eq!(s, 404);

        let (s, parent) = admin
            .post(
                "/admin/product-categories",
                json!({"name": "Clothes", "is_active": true}),
            )
            .await;
        assert_eq!(s, 200, "{parent}");
        let pid = parent["product_category"]["id"]
            .as_str()
            .unwrap()
            .to_owned();
        let (s, child) = admin
            .post(
                "/admin/product-categories",
                json!({"name": "Hats", "is_active": true, "parent_category_id": pid}),
            )
            .await;
        assert_eq!(s, 200, "{child}");
        let (s, b) = admin
            .delete(&format!("/admin/product-categories/{pid}"))
            .await;
        assert_eq!(s, 400, "a category with children cannot be deleted: {b}");
        let (s, b) = admin
            .post(
                &format!("/admin/product-categories/{pid}"),
                json!({"is_internal": true}),
            )
            .await;
        assert_eq!(
            (s, b["product_category"]["is_internal"].clone()),
            (200, json!(true))
        );
        assert_eq!(
            b["product_category"]["is_active"], true,
            "a partial update keeps the other flags"
        );
    }
);

both_backends!(
    async fn admin_tags_and_types(backend: Backend) {
        let app = spawn_app(backend).await;
        let admin = Admin::new(&app).await;
        let (s, t) = admin
            .post("/admin/product-tags", json!({"value": "summer"}))
            .await;
        assert_eq!(s, 200, "{t}");
        let (_, again) = admin
            .post("/admin/product-tags", json!({"value": "summer"}))
            .await;
        assert_eq!(
            again["product_tag"]["id"], t["product_tag"]["id"],
            "an existing value is reused"
        );
        admin
            .post("/admin/product-types", json!({"value": "apparel"}))
            .await;
        let (s, tags) = admin.get("/admin/product-tags?limit=1000&offset=0").await;
        assert_eq!((s, tags["count"].clone()), (200, json!(1)));
        let (_, types) = admin.get("/admin/product-types?limit=1000&offset=0").await;
        assert_eq!(types["product_types"][0]["value"], "apparel");
        let (s, _) = admin.get("/admin/product-tags?unknown=1").await;
        assert_eq!(s, 400);
    }
);

both_backends!(
    async fn admin_manages_variants(backend: Backend) {
        let app = spawn_app(backend).await;
        let admin = Admin::new(&app).await;
        let (s, b) = admin
        .post(
            "/admin/products",
            json!({"title": "Scarf", "options": [{"title": "Color", "values": ["Red", "Blue"]}],
                   "variants": [{"title": "Red", "options": {"Color": "Red"}, "prices": [{"amount": 20, "currency_code": "eur"}]}]}),
        )
        .await;
        assert_eq!(s, 200, "{b}");
        let id = b["product"]["id"].as_str().unwrap().to_owned();

        let (s, b) = admin
        .post(
            &format!("/admin/products/{id}/variants"),
            json!({"title": "Blue", "sku": "SCARF-BLUE", "options": {"Color": "Blue"}, "prices": [{"amount": 21, "currency_code": "eur"}]}),
        )
        .await;
        assert_eq!(s, 200, "{b}");
        let variants = b["product"]["variants"].as_array().unwrap();
        assert_eq!(variants.len(), 2);
        let blue = variants.iter().find(|v| v["title"] == "Blue").unwrap();
        assert_eq!(blue["prices"][0]["amount"], 21);
        assert_eq!(blue["options"][0]["value"], "Blue");
        let blue_id = blue["id"].as_str().unwrap().to_owned();

        let (s, _) = admin
            .post(
                &format!("/admin/products/{id}/variants"),
                json!({"title": "Green", "options": {"Color": "Green"}, "prices": []}),
            )
            .await;
        assert_eq!(s, 400, "an option value the product does not have");

        let (s, b) = admin
            .post(
                &format!("/admin/products/{id}/variants/{blue_id}"),
                json!({"title": "Navy", "prices": [{"amount": 22.5, "currency_code": "eur"}]}),
            )
            .await;
        assert_eq!(s, 200, "{b}");
        let navy = b["product"]["variants"]
            .as_array()
            .unwrap()
            .iter()
            .find(|v| v["id"] == blue_id.as_str())
            .unwrap()
            .clone();
        assert_eq!(
            (navy["title"].clone(), navy["prices"][0]["amount"].clone()),
            (json!("Navy"), json!(22.5))
        );

        let (s, b) = admin
            .delete(&format!("/admin/products/{id}/variants/{blue_id}"))
            .await;
        assert_eq!(s, 200, "{b}");
        assert_eq!(
            (b["object"].clone(), b["deleted"].clone()),
            (json!("variant"), json!(true))
        );
        assert_eq!(b["parent"]["variants"].as_array().unwrap().len(), 1);
        let (s, _) = admin
            .delete(&format!("/admin/products/{id}/variants/{blue_id}"))
            .await;
        assert_eq!(s, 404);
    }
);

both_backends!(
    async fn admin_manages_options(backend: Backend) {
        let app = spawn_app(backend).await;
        let admin = Admin::new(&app).await;
        let (_, b) = admin
            .post(
                "/admin/products",
                json!({"title": "Sock", "options": [{"title": "Size", "values": ["S"]}],
                   "variants": [{"title": "S", "options": {"Size": "S"}, "prices": []}]}),
            )
            .await;
        let id = b["product"]["id"].as_str().unwrap().to_owned();
        let (s, b) = admin
            .post(
                &format!("/admin/products/{id}/options"),
                json!({"title": "Color", "values": ["Red"]}),
            )
            .await;
        assert_eq!(s, 200, "{b}");
        let options = b["product"]["options"].as_array().unwrap();
        assert_eq!(options.len(), 2);
        let size = options.iter().find(|o| o["title"] == "Size").unwrap()["id"]
            .as_str()
            .unwrap()
            .to_owned();
        let (s, _) = admin
            .post(
                &format!("/admin/products/{id}/options"),
                json!({"title": "Color", "values": []}),
            )
            .await;
        assert_eq!(s, 400, "duplicate option title");

        let (s, b) = admin
            .post(
                &format!("/admin/products/{id}/options/{size}"),
                json!({"title": "Sizes", "values": ["S", "M"]}),
            )
            .await;
        assert_eq!(s, 200, "{b}");
        let sizes = b["product"]["options"]
            .as_array()
            .unwrap()
            .iter()
            .find(|o| o["title"] == "Sizes")
            .unwrap()
            .clone();
        assert_eq!(sizes["values"].as_array().unwrap().len(), 2);

        let (s, b) = admin
            .delete(&format!("/admin/products/{id}/options/{size}"))
            .await;
        assert_eq!(s, 200, "{b}");
        assert_eq!(b["parent"]["options"].as_array().unwrap().len(), 1);
        assert!(
            b["parent"]["variants"][0]["options"]
                .as_array()
                .unwrap()
                .is_empty()
        );
        let (s, b) = admin
            .delete(&format!("/admin/products/{id}/options/{size}"))
            .await;
        assert_eq!((s, b["type"].as_str()), (404, Some("not_found")));
    }
);
