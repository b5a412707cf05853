//! `POST /admin/products/:id` with `options` and `variants` (Medusa's upsert semantics).

use medusa_testkit::{both_backends, spawn_app};
use serde_json::{Value, json};

use crate::admin_price_lists::{Admin, eur_region, store_get};

fn variant<'a>(product: &'a Value, title: &str) -> &'a Value {
    product["variants"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["title"] == title)
        .unwrap_or_else(|| panic!("no variant {title} in {product}"))
}

both_backends!(
    async fn product_update_upserts_options_variants_and_prices(backend: Backend) {
        let app = spawn_app(backend).await;
        let key = app.seed().await;
        let admin = Admin::new(&app).await;
        let region = eur_region(&app, &key).await;
        let (_, channels) = admin.get("/admin/sales-channels").await;
        let channel = channels["sales_channels"][0]["id"].clone();
        let (s, b) = admin
            .post(
                "/admin/products",
                json!({
                    "title": "Upsert Mug", "status": "published",
                    "sales_channels": [{"id": channel}],
                    "options": [{"title": "Size", "values": ["S", "M"]}],
                    "variants": [
                        {"title": "S", "sku": "UP-S", "options": {"Size": "S"},
                         "prices": [{"amount": 10, "currency_code": "eur"}]},
                        {"title": "M", "sku": "UP-M", "options": {"Size": "M"},
                         "prices": [{"amount": 12, "currency_code": "eur"}]}
                    ]
                }),
            )
            .await;
        assert_eq!(s, 200, "{b}");
        let p = &b["product"];
        let id = p["id"].as_str().unwrap().to_owned();
        let size = p["options"][0]["id"].as_str().unwrap().to_owned();
        let small = variant(p, "S")["id"].as_str().unwrap().to_owned();
        let small_price = variant(p, "S")["prices"][0]["id"]
            .as_str()
            .unwrap()
            .to_owned();
        let medium = variant(p, "M")["id"].as_str().unwrap().to_owned();

        // Keep S (new title, new EUR amount through its price id, a USD price added), drop M,
        // add L; the option gains L and loses M.
        let (s, b) = admin
            .post(
                &format!("/admin/products/{id}"),
                json!({
                    "options": [{"id": size, "values": ["S", "L"]}],
                    "variants": [
                        {"id": small, "title": "Small",
                         "prices": [{"id": small_price, "amount": 9},
                                    {"currency_code": "usd", "amount": 11}]},
                        {"title": "L", "sku": "UP-L", "options": {"Size": "L"},
                         "prices": [{"amount": 15, "currency_code": "eur"}]}
                    ]
                }),
            )
            .await;
        assert_eq!(s, 200, "{b}");
        let p = &b["product"];
        let variants = p["variants"].as_array().unwrap();
        assert_eq!(variants.len(), 2, "{p}");
        assert!(variants.iter().all(|v| v["id"] != medium.as_str()));
        let s_variant = variant(p, "Small");
        assert_eq!(s_variant["id"], small.as_str());
        assert_eq!(s_variant["sku"], "UP-S");
        let mut prices: Vec<(String, f64)> = s_variant["prices"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| {
                (
                    x["currency_code"].as_str().unwrap().to_owned(),
                    x["amount"].as_f64().unwrap(),
                )
            })
            .collect();
        prices.sort_by(|a, b| a.0.cmp(&b.0));
        assert_eq!(prices, vec![("eur".into(), 9.0), ("usd".into(), 11.0)]);
        let large = variant(p, "L");
        assert!(large["id"].as_str().unwrap().starts_with("variant_"));
        assert_eq!(large["options"][0]["value"], "L");
        let mut values: Vec<&str> = p["options"][0]["values"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v["value"].as_str().unwrap())
            .collect();
        values.sort();
        assert_eq!(values, vec!["L", "S"]);

        // The store sees the change at once (the product cache was invalidated).
        let (s, b) = store_get(
            &app,
            &key,
            &format!("/store/products/{id}?region_id={region}"),
        )
        .await;
        assert_eq!(s, 200, "{b}");
        let store_small = variant(&b["product"], "Small");
        assert_eq!(store_small["calculated_price"]["calculated_amount"], 9);
        assert_eq!(
            variant(&b["product"], "L")["calculated_price"]["calculated_amount"],
            15
        );
        let (s, _) = store_get(&app, &key, &format!("/store/product-variants/{medium}")).await;
        assert_eq!(s, 404);

        // Without `variants`, the variants stay as they are.
        let (s, b) = admin
            .post(
                &format!("/admin/products/{id}"),
                json!({"subtitle": "kept"}),
            )
            .await;
        assert_eq!(s, 200, "{b}");
        assert_eq!(b["product"]["variants"].as_array().unwrap().len(), 2);
    }
);

both_backends!(
    async fn product_update_refuses_bad_variants(backend: Backend) {
        let app = spawn_app(backend).await;
        app.seed().await;
        let admin = Admin::new(&app).await;
        let (_, b) = admin
            .post(
                "/admin/products",
                json!({
                    "title": "Strict Mug",
                    "options": [{"title": "Size", "values": ["S"]}],
                    "variants": [{"title": "S", "options": {"Size": "S"},
                                  "prices": [{"amount": 10, "currency_code": "eur"}]}]
                }),
            )
            .await;
        let p = b["product"].clone();
        let id = p["id"].as_str().unwrap().to_owned();
        let small = p["variants"][0]["id"].as_str().unwrap().to_owned();
        let path = format!("/admin/products/{id}");

        for (body, status, kind) in [
            // A client may not send computed prices.
            (
                json!({"variants": [{"id": small, "calculated_price": 1}]}),
                400,
                "invalid_data",
            ),
            (
                json!({"variants": [{"id": small, "prices": [{"amount": 1, "currency_code": "eur", "rules": {}}]}]}),
                400,
                "invalid_data",
            ),
            (
                json!({"variants": [{"id": "variant_missing"}]}),
                404,
                "not_found",
            ),
            (
                json!({"variants": [{"id": small, "options": {"Size": "XL"}}]}),
                400,
                "invalid_data",
            ),
            (
                json!({"variants": [{"id": small, "prices": [{"id": "price_missing", "amount": 1}]}]}),
                404,
                "not_found",
            ),
            (
                json!({"variants": [{"id": small, "prices": [{"amount": 1}]}]}),
                400,
                "invalid_data",
            ),
            (
                json!({"options": [{"id": "opt_missing", "title": "x"}]}),
                404,
                "not_found",
            ),
            (
                json!({"variants": [{"sku": "no-title"}]}),
                400,
                "invalid_data",
            ),
        ] {
            let (s, b) = admin.post(&path, body.clone()).await;
            assert_eq!(
                (s, b["type"].as_str()),
                (status, Some(kind)),
                "{body} -> {b}"
            );
        }
        let (s, b) = admin
            .post("/admin/products/prod_missing", json!({"variants": []}))
            .await;
        assert_eq!(s, 404, "{b}");
        assert_eq!(b["message"], "Product with id: prod_missing was not found");

        // Nothing of the refused bodies was stored.
        let (_, b) = admin.get(&path).await;
        assert_eq!(b["product"]["variants"].as_array().unwrap().len(), 1);
        assert_eq!(b["product"]["variants"][0]["id"], small.as_str());
        assert_eq!(b["product"]["variants"][0]["prices"][0]["amount"], 10);
    }
);
