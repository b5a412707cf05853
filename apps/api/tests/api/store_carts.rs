//! `/store/carts` on both backends: creation defaults, line items priced by the server, stock
//! checks, region switches, refused client prices, concurrency and privacy.

use futures_util::future::join_all;
use medusa_testkit::{TestApp, both_backends, golden, json, keys, spawn_app};
use serde_json::{Value, json};

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

pub async fn store_post(app: &TestApp, key: &str, path: &str, body: Value) -> (u16, Value) {
    json(
        app.client
            .post(app.url(path))
            .header("x-publishable-api-key", key)
            .json(&body)
            .send()
            .await
            .unwrap(),
    )
    .await
}

pub async fn store_delete(app: &TestApp, key: &str, path: &str) -> (u16, Value) {
    json(
        app.client
            .delete(app.url(path))
            .header("x-publishable-api-key", key)
            .send()
            .await
            .unwrap(),
    )
    .await
}

pub async fn region_id(app: &TestApp, key: &str, currency: &str) -> String {
    let (_, body) = store_get(app, key, "/store/regions").await;
    body["regions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["currency_code"] == currency)
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// The first variant of the `n`th product with its calculated price in the region.
pub async fn variant(app: &TestApp, key: &str, region: &str, n: usize) -> (String, Value) {
    let (status, body) = store_get(
        app,
        key,
        &format!("/store/products?region_id={region}&order=created_at&limit=20"),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let v = &body["products"][n]["variants"][0];
    (
        v["id"].as_str().unwrap().to_owned(),
        v["calculated_price"]["calculated_amount"].clone(),
    )
}

pub async fn new_cart(app: &TestApp, key: &str, body: Value) -> Value {
    let (status, body) = store_post(app, key, "/store/carts", body).await;
    assert_eq!(status, 200, "{body}");
    body["cart"].clone()
}

both_backends!(
    async fn create_defaults_to_the_store_region_and_the_keys_channel(backend: Backend) {
        let app = spawn_app(backend).await;
        let key = app.seed().await;
        let eur = region_id(&app, &key, "eur").await;
        let cart = new_cart(&app, &key, json!({})).await;
        assert!(cart["id"].as_str().unwrap().starts_with("cart_"));
        assert_eq!(cart["region_id"], eur.as_str());
        assert_eq!(cart["currency_code"], "eur");
        assert!(
            cart["sales_channel_id"]
                .as_str()
                .unwrap()
                .starts_with("sc_")
        );
        assert_eq!(cart["items"], json!([]));
        assert_eq!(cart["total"], 0);
        assert_eq!(cart["region"]["id"], eur.as_str());
        assert_eq!(cart["region"]["countries"].as_array().unwrap().len(), 7);
        // Medusa's key set for a new cart (golden 10).
        let gold = golden("10-create-cart.json")["response"]["body"]["cart"].clone();
        assert_eq!(keys(&cart), keys(&gold));

        // A single-country region starts the cart with a shipping address in that country.
        let usd = region_id(&app, &key, "usd").await;
        let cart = new_cart(
            &app,
            &key,
            json!({"region_id": usd, "email": "ada@example.com"}),
        )
        .await;
        assert_eq!(cart["currency_code"], "usd");
        assert_eq!(cart["email"], "ada@example.com");
        assert_eq!(cart["shipping_address"]["country_code"], "us");
    }
);

both_backends!(
    async fn bad_create_bodies_are_refused(backend: Backend) {
        let app = spawn_app(backend).await;
        let key = app.seed().await;
        for (body, message) in [
            (
                json!({"total": 1}),
                "Invalid request: Unrecognized fields: 'total'",
            ),
            (
                json!({"region_id": "reg_01J0000000000000000000000Z"}),
                "Region with id: reg_01J0000000000000000000000Z was not found",
            ),
            (
                json!({"email": "not-an-email"}),
                "Invalid request: Invalid email",
            ),
            (
                json!({"sales_channel_id": "sc_01J0000000000000000000000Z"}),
                "Sales channel ID in payload sc_01J0000000000000000000000Z is not associated with the Publishable API Key in the header.",
            ),
        ] {
            let (status, res) = store_post(&app, &key, "/store/carts", body.clone()).await;
            assert!(status == 400 || status == 404, "{body}: {status} {res}");
            assert_eq!(res["message"], message, "{body}");
        }
        let (status, res) = store_post(
            &app,
            &key,
            "/store/carts",
            json!({"items": [{"variant_id": "variant_x", "quantity": 1, "unit_price": 1}]}),
        )
        .await;
        assert_eq!(status, 400, "{res}");
        assert_eq!(res["type"], "invalid_data");
        assert!(
            res["message"].as_str().unwrap().contains("unit_price"),
            "{res}"
        );
    }
);

both_backends!(
    async fn line_items_are_priced_by_the_server_and_merge(backend: Backend) {
        let app = spawn_app(backend).await;
        let key = app.seed().await;
        let eur = region_id(&app, &key, "eur").await;
        let (variant_id, price) = variant(&app, &key, &eur, 0).await;
        let cart = new_cart(&app, &key, json!({"region_id": eur})).await;
        let id = cart["id"].as_str().unwrap();
        let path = format!("/store/carts/{id}/line-items");

        // A client-sent price is refused, not ignored.
        let (status, res) = store_post(
            &app,
            &key,
            &path,
            json!({"variant_id": variant_id, "quantity": 1, "unit_price": 0.01}),
        )
        .await;
        assert_eq!(status, 400);
        assert_eq!(
            res["message"],
            "Invalid request: Unrecognized fields: 'unit_price'"
        );

        let (status, res) = store_post(
            &app,
            &key,
            &path,
            json!({"variant_id": variant_id, "quantity": 2}),
        )
        .await;
        assert_eq!(status, 200, "{res}");
        let item = &res["cart"]["items"][0];
        assert_eq!(item["unit_price"], price);
        assert_eq!(item["quantity"], 2);
        assert_eq!(item["variant_id"], variant_id.as_str());
        let gold = golden("11-add-line-item.json")["response"]["body"]["cart"].clone();
        assert_eq!(keys(item), keys(&gold["items"][0]), "line item keys");
        assert_eq!(keys(&res["cart"]), keys(&gold), "cart keys");

        // Same variant, same metadata: one line grows.
        let (_, res) = store_post(
            &app,
            &key,
            &path,
            json!({"variant_id": variant_id, "quantity": 3}),
        )
        .await;
        assert_eq!(res["cart"]["items"].as_array().unwrap().len(), 1);
        assert_eq!(res["cart"]["items"][0]["quantity"], 5);
        // Other metadata: a line of its own.
        let (_, res) = store_post(
            &app,
            &key,
            &path,
            json!({"variant_id": variant_id, "quantity": 1, "metadata": {"engraving": "A"}}),
        )
        .await;
        let items = res["cart"]["items"].as_array().unwrap();
        assert_eq!(items.len(), 2);
        assert_eq!(items[1]["metadata"], json!({"engraving": "A"}));

        // Quantity update, then 0 removes.
        let line = items[0]["id"].as_str().unwrap().to_owned();
        let (status, res) = store_post(
            &app,
            &key,
            &format!("{path}/{line}"),
            json!({"quantity": 7}),
        )
        .await;
        assert_eq!(status, 200, "{res}");
        assert_eq!(res["cart"]["items"][0]["quantity"], 7);
        let (_, res) = store_post(
            &app,
            &key,
            &format!("{path}/{line}"),
            json!({"quantity": 0}),
        )
        .await;
        assert_eq!(res["cart"]["items"].as_array().unwrap().len(), 1);

        // Delete answers Medusa's envelope with the cart as parent.
        let other = res["cart"]["items"][0]["id"].as_str().unwrap().to_owned();
        let (status, res) = store_delete(&app, &key, &format!("{path}/{other}")).await;
        assert_eq!(status, 200, "{res}");
        assert_eq!(res["id"], other.as_str());
        assert_eq!(res["object"], "line-item");
        assert_eq!(res["deleted"], true);
        assert_eq!(res["parent"]["id"], id);
        assert_eq!(res["parent"]["items"], json!([]));

        // An unknown line item is a 404 on update.
        let (status, res) = store_post(
            &app,
            &key,
            &format!("{path}/cali_01J0000000000000000000000Z"),
            json!({"quantity": 1}),
        )
        .await;
        assert_eq!(status, 404, "{res}");
    }
);

both_backends!(
    async fn insufficient_stock_is_refused_and_changes_nothing(backend: Backend) {
        let app = spawn_app(backend).await;
        let key = app.seed().await;
        let eur = region_id(&app, &key, "eur").await;
        let (variant_id, _) = variant(&app, &key, &eur, 1).await;
        let cart = new_cart(&app, &key, json!({})).await;
        let id = cart["id"].as_str().unwrap();
        let path = format!("/store/carts/{id}/line-items");
        let (status, _) = store_post(
            &app,
            &key,
            &path,
            json!({"variant_id": variant_id, "quantity": 600}),
        )
        .await;
        assert_eq!(status, 200);
        // 600 + 401 > the 1000 in stock: the cart's total demand counts.
        let (status, res) = store_post(
            &app,
            &key,
            &path,
            json!({"variant_id": variant_id, "quantity": 401}),
        )
        .await;
        assert_eq!(status, 400, "{res}");
        assert_eq!(res["type"], "not_allowed");
        assert_eq!(res["code"], "insufficient_inventory");
        assert_eq!(
            res["message"],
            "Some variant does not have the required inventory"
        );
        let (_, res) = store_get(&app, &key, &format!("/store/carts/{id}")).await;
        assert_eq!(res["cart"]["items"][0]["quantity"], 600);
    }
);

both_backends!(
    async fn switching_region_reprices_items(backend: Backend) {
        let app = spawn_app(backend).await;
        let key = app.seed().await;
        let eur = region_id(&app, &key, "eur").await;
        let usd = region_id(&app, &key, "usd").await;
        let (variant_id, eur_price) = variant(&app, &key, &eur, 2).await;
        let (_, usd_price) = variant(&app, &key, &usd, 2).await;
        assert_ne!(eur_price, usd_price);
        let cart = new_cart(
            &app,
            &key,
            json!({"region_id": eur, "items": [{"variant_id": variant_id, "quantity": 2}]}),
        )
        .await;
        assert_eq!(cart["items"][0]["unit_price"], eur_price);
        let id = cart["id"].as_str().unwrap();
        let (status, res) = store_post(
            &app,
            &key,
            &format!("/store/carts/{id}"),
            json!({"region_id": usd}),
        )
        .await;
        assert_eq!(status, 200, "{res}");
        assert_eq!(res["cart"]["currency_code"], "usd");
        assert_eq!(res["cart"]["region_id"], usd.as_str());
        assert_eq!(res["cart"]["items"][0]["unit_price"], usd_price);
    }
);

both_backends!(
    async fn unknown_and_malformed_carts_are_404(backend: Backend) {
        let app = spawn_app(backend).await;
        let key = app.seed().await;
        for id in ["cart_01J0000000000000000000000Z", "nope"] {
            let (status, res) = store_get(&app, &key, &format!("/store/carts/{id}")).await;
            assert_eq!(status, 404, "{res}");
            assert_eq!(res["type"], "not_found");
            assert_eq!(res["message"], format!("Cart id not found: {id}"));
        }
    }
);

both_backends!(
    async fn concurrent_adds_lose_nothing(backend: Backend) {
        let app = spawn_app(backend).await;
        let key = app.seed().await;
        let eur = region_id(&app, &key, "eur").await;
        let (variant_id, _) = variant(&app, &key, &eur, 3).await;
        let cart = new_cart(&app, &key, json!({})).await;
        let id = cart["id"].as_str().unwrap().to_owned();
        let path = format!("/store/carts/{id}/line-items");
        let adds = (0..8).map(|_| {
            store_post(
                &app,
                &key,
                &path,
                json!({"variant_id": variant_id, "quantity": 1}),
            )
        });
        for (status, res) in join_all(adds).await {
            assert_eq!(status, 200, "{res}");
        }
        let (_, res) = store_get(&app, &key, &format!("/store/carts/{id}")).await;
        let items = res["cart"]["items"].as_array().unwrap();
        assert_eq!(items.len(), 1, "{res}");
        assert_eq!(items[0]["quantity"], 8);
    }
);

fn amount(v: &Value) -> f64 {
    v.as_f64().unwrap()
}

const DK: &str = r#"{"first_name": "Ada", "last_name": "Lovelace", "address_1": "1 Test Street", "address_2": "", "company": "", "city": "Copenhagen", "country_code": "dk", "province": "", "postal_code": "1000", "phone": "+4512345678"}"#;

both_backends!(
    async fn checkout_journey_taxes_shipping_and_exact_totals(backend: Backend) {
        let app = spawn_app(backend).await;
        let key = app.seed().await;
        let eur = region_id(&app, &key, "eur").await;
        let (variant_id, price) = variant(&app, &key, &eur, 0).await;
        let price = amount(&price);
        let cart = new_cart(
            &app,
            &key,
            json!({"region_id": eur, "items": [{"variant_id": variant_id, "quantity": 2}]}),
        )
        .await;
        let id = cart["id"].as_str().unwrap().to_owned();
        // No address yet: nothing to tax against.
        assert_eq!(cart["items"][0]["tax_lines"], json!([]));
        assert_eq!(amount(&cart["total"]), 2.0 * price);

        // Checkout step 1: email and addresses (what the starter sends, empty strings included).
        let address: Value = serde_json::from_str(DK).unwrap();
        let (status, res) = store_post(
            &app,
            &key,
            &format!("/store/carts/{id}"),
            json!({"email": "ada@example.com", "shipping_address": address, "billing_address": address}),
        )
        .await;
        assert_eq!(status, 200, "{res}");
        let c = &res["cart"];
        let gold = golden("12-update-cart-address.json")["response"]["body"]["cart"].clone();
        let mut gold_keys = keys(&gold);
        gold_keys.retain(|k| k != "customer");
        assert_eq!(keys(c), gold_keys, "cart keys after the address");
        assert_eq!(
            keys(&c["shipping_address"]),
            keys(&gold["shipping_address"])
        );
        assert_eq!(c["shipping_address"]["city"], "Copenhagen");
        assert_eq!(c["items"][0]["tax_lines"][0]["rate"], 25);
        assert_eq!(
            keys(&c["items"][0]["tax_lines"][0]),
            keys(&gold["items"][0]["tax_lines"][0])
        );
        assert_eq!(amount(&c["item_subtotal"]), 2.0 * price);
        assert_eq!(amount(&c["item_tax_total"]), 2.0 * price * 0.25);
        assert_eq!(amount(&c["total"]), 2.0 * price * 1.25);

        // Shipping options for the cart, then the chosen method.
        let (status, res) =
            store_get(&app, &key, &format!("/store/shipping-options?cart_id={id}")).await;
        assert_eq!(status, 200, "{res}");
        let options = res["shipping_options"].as_array().unwrap();
        assert!(!options.is_empty(), "{res}");
        let gold = golden("13-list-shipping-options.json")["response"]["body"].clone();
        assert_eq!(keys(&res), keys(&gold));
        assert_eq!(
            keys(&options[0]),
            keys(&gold["shipping_options"][0]),
            "option keys"
        );
        let option = options[0]["id"].as_str().unwrap().to_owned();
        let ship = amount(&options[0]["amount"]);
        assert!(ship > 0.0);

        let (status, res) = store_post(
            &app,
            &key,
            &format!("/store/carts/{id}/shipping-methods"),
            json!({"option_id": option}),
        )
        .await;
        assert_eq!(status, 200, "{res}");
        let c = &res["cart"];
        let gold = golden("14-add-shipping-method.json")["response"]["body"]["cart"].clone();
        let mut gold_keys = keys(&gold);
        gold_keys.retain(|k| k != "customer");
        assert_eq!(keys(c), gold_keys, "cart keys after the shipping method");
        let method = &c["shipping_methods"][0];
        assert_eq!(keys(method), keys(&gold["shipping_methods"][0]));
        assert_eq!(amount(&method["amount"]), ship);
        assert_eq!(method["tax_lines"][0]["rate"], 25);
        assert_eq!(amount(&c["shipping_subtotal"]), ship);
        assert_eq!(amount(&c["subtotal"]), 2.0 * price + ship);
        assert_eq!(amount(&c["tax_total"]), (2.0 * price + ship) * 0.25);
        assert_eq!(amount(&c["total"]), (2.0 * price + ship) * 1.25);

        // Choosing again replaces the method (Medusa 2.13+), never adds a second one.
        let (_, res) = store_post(
            &app,
            &key,
            &format!("/store/carts/{id}/shipping-methods"),
            json!({"option_id": option}),
        )
        .await;
        assert_eq!(res["cart"]["shipping_methods"].as_array().unwrap().len(), 1);

        // Another country re-taxes at its rate.
        let mut de = address.clone();
        de["country_code"] = json!("de");
        let (_, res) = store_post(
            &app,
            &key,
            &format!("/store/carts/{id}"),
            json!({"shipping_address": de}),
        )
        .await;
        assert_eq!(res["cart"]["items"][0]["tax_lines"][0]["rate"], 19);

        // Client-side totals are refused.
        let (status, _) = store_post(
            &app,
            &key,
            &format!("/store/carts/{id}"),
            json!({"tax_total": 0}),
        )
        .await;
        assert_eq!(status, 400);

        // An option that is not for this cart.
        let (status, res) = store_post(
            &app,
            &key,
            &format!("/store/carts/{id}/shipping-methods"),
            json!({"option_id": "so_01J0000000000000000000000Z"}),
        )
        .await;
        assert_eq!(status, 400, "{res}");
        assert_eq!(res["message"], "Shipping Options are invalid for cart.");

        // The starter's retrieve fields.
        let (status, res) = store_get(
            &app,
            &key,
            &format!("/store/carts/{id}?fields=*items,%20*region,%20*items.product,%20*items.variant,%20*items.thumbnail,%20*items.metadata,%20%2Bitems.total,%20*promotions,%20%2Bshipping_methods.name"),
        )
        .await;
        assert_eq!(status, 200, "{res}");
        let item = &res["cart"]["items"][0];
        assert_eq!(item["variant"]["id"], variant_id.as_str());
        assert!(item["product"]["title"].is_string(), "{item}");
        assert!(item["total"].is_number(), "{item}");
        assert!(res["cart"]["shipping_methods"][0]["name"].is_string());
        let (_, res) = store_get(
            &app,
            &key,
            &format!("/store/carts/{id}?fields=id,region_id"),
        )
        .await;
        assert_eq!(keys(&res["cart"]), vec!["id", "region_id"]);
    }
);

both_backends!(
    async fn payment_providers_of_a_region(backend: Backend) {
        let app = spawn_app(backend).await;
        let key = app.seed().await;
        let eur = region_id(&app, &key, "eur").await;
        let (status, res) = store_get(
            &app,
            &key,
            &format!("/store/payment-providers?region_id={eur}"),
        )
        .await;
        assert_eq!(status, 200, "{res}");
        let gold = golden("09-list-payment-providers.json")["response"]["body"].clone();
        assert_eq!(res, gold);
        let (status, res) = store_get(&app, &key, "/store/payment-providers").await;
        assert_eq!(status, 400, "{res}");
        assert_eq!(
            res["message"],
            "You must provide the region_id to list payment providers"
        );
    }
);

both_backends!(
    async fn customer_carts_are_private(backend: Backend) {
        use crate::store_customers::sign_up;
        let app = spawn_app(backend).await;
        let key = app.seed().await;
        let (mut ada, ada_customer) = sign_up(&app, "ada@example.com").await;
        ada.key = key.clone();
        let (mut bob, _) = sign_up(&app, "bob@example.com").await;
        bob.key = key.clone();

        let (status, res) = ada.post(&app, "/store/carts", json!({})).await;
        assert_eq!(status, 200, "{res}");
        let id = res["cart"]["id"].as_str().unwrap().to_owned();
        assert_eq!(res["cart"]["customer_id"], ada_customer["id"]);
        assert_eq!(res["cart"]["email"], "ada@example.com");
        let path = format!("/store/carts/{id}");
        assert_eq!(ada.get(&app, &path).await.0, 200);
        // Anyone else, guest or another customer, gets the same 404 as for an unknown cart.
        for (status, res) in [
            bob.get(&app, &path).await,
            store_get(&app, &key, &path).await,
            store_post(&app, &key, &path, json!({"email": "evil@example.com"})).await,
            bob.post(&app, &format!("{path}/customer"), json!({})).await,
        ] {
            assert_eq!(status, 404, "{res}");
            assert_eq!(res["message"], format!("Cart id not found: {id}"));
        }

        // A guest cart becomes the customer's after login (the starter's transferCart).
        let guest = new_cart(&app, &key, json!({})).await;
        let gid = guest["id"].as_str().unwrap();
        let (status, _) = store_post(
            &app,
            &key,
            &format!("/store/carts/{gid}/customer"),
            json!({}),
        )
        .await;
        assert_eq!(status, 401, "transfer needs a logged-in customer");
        let (status, res) = bob
            .post(&app, &format!("/store/carts/{gid}/customer"), json!({}))
            .await;
        assert_eq!(status, 200, "{res}");
        assert_eq!(res["cart"]["email"], "bob@example.com");
        let (status, _) = store_get(&app, &key, &format!("/store/carts/{gid}")).await;
        assert_eq!(status, 404, "no longer a guest cart");
    }
);

both_backends!(
    async fn tax_inclusive_prices_keep_the_shown_price_exact(backend: Backend) {
        use base64::Engine;
        let app = spawn_app(backend).await;
        let key = app.seed().await;
        let (_, secret) = app.secret_key().await;
        let basic = format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode(format!("{secret}:"))
        );
        let (status, res) = json(
            app.client
                .post(app.url("/admin/price-preferences"))
                .header("authorization", basic)
                .json(&json!({"attribute": "currency_code", "value": "eur", "is_tax_inclusive": true}))
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert!(status == 200 || status == 201, "{res}");

        let eur = region_id(&app, &key, "eur").await;
        let (variant_id, price) = variant(&app, &key, &eur, 0).await;
        let address: Value = serde_json::from_str(DK).unwrap();
        let cart = new_cart(
            &app,
            &key,
            json!({
                "region_id": eur,
                "shipping_address": address,
                "items": [{"variant_id": variant_id, "quantity": 3}],
            }),
        )
        .await;
        let item = &cart["items"][0];
        assert_eq!(item["is_tax_inclusive"], true);
        assert_eq!(item["unit_price"], price);
        // In cents: the shown gross stays exact; the net is rounded once, the tax is the rest.
        let gross = (amount(&price) * 100.0).round() as i64 * 3;
        let net = (gross * 100 * 2 + 125) / 250;
        let cents = |v: &Value| (amount(v) * 100.0).round() as i64;
        assert_eq!(cents(&cart["total"]), gross, "{cart}");
        assert_eq!(cents(&cart["item_subtotal"]), net);
        assert_eq!(cents(&cart["tax_total"]), gross - net);
        assert_eq!(
            cents(&cart["subtotal"]) + cents(&cart["tax_total"]),
            cents(&cart["total"])
        );
    }
);

both_backends!(
    // With warm caches an add-to-cart runs a fixed, small number of statements: the cart is one
    // row, catalog lookups are served from caches checked against one read of the change
    // counters (`MEDUSA_TRACE_SQL=1` prints them).
    async fn add_to_cart_statement_budget(backend: Backend) {
        let app = medusa_testkit::spawn_app_builder(backend)
            .env("CACHE_TTL", "60s")
            .spawn()
            .await;
        let key = app.seed().await;
        let eur = region_id(&app, &key, "eur").await;
        let (v0, _) = variant(&app, &key, &eur, 0).await;
        let (v1, _) = variant(&app, &key, &eur, 1).await;
        let mut counts = Vec::new();
        for _ in 0..2 {
            let cart = new_cart(&app, &key, json!({"region_id": eur})).await;
            let id = cart["id"].as_str().unwrap();
            let path = format!("/store/carts/{id}/line-items");
            store_post(&app, &key, &path, json!({"variant_id": v0, "quantity": 1})).await;
            let before = app.statements();
            let (status, body) =
                store_post(&app, &key, &path, json!({"variant_id": v1, "quantity": 1})).await;
            assert_eq!(status, 200, "{body}");
            assert_eq!(body["cart"]["items"].as_array().unwrap().len(), 2);
            counts.push(app.statements() - before);
        }
        // The cart with the change counters and its payment collection link 1, save 1: the
        // variant's snapshot, stored prices and availability come from the caches (validated by
        // those counters), and there is no collection to keep in step yet.
        assert!(
            counts[1] <= 2,
            "warm add-to-cart ran {} statements",
            counts[1]
        );
    }
);

// With the per-process caches on (as in production), a variant's stored prices are reused
// across cart changes only while the catalog is unchanged: a sale price added by the admin,
// then removed, reaches the cart's next change each time.
both_backends!(
    async fn cached_prices_follow_price_list_changes(backend: Backend) {
        let app = medusa_testkit::spawn_app_builder(backend)
            .env("CACHE_TTL", "60s")
            .spawn()
            .await;
        let key = app.seed().await;
        let admin = crate::admin_price_lists::Admin::new(&app).await;
        let eur = region_id(&app, &key, "eur").await;
        let (v0, price) = variant(&app, &key, &eur, 0).await;
        let cart = new_cart(&app, &key, json!({"region_id": eur})).await;
        let id = cart["id"].as_str().unwrap();
        let path = format!("/store/carts/{id}/line-items");
        let (status, body) =
            store_post(&app, &key, &path, json!({"variant_id": v0, "quantity": 1})).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["cart"]["items"][0]["unit_price"], price);
        let line = body["cart"]["items"][0]["id"].as_str().unwrap().to_owned();
        let line_path = format!("/store/carts/{id}/line-items/{line}");

        let (s, pl) = admin
            .post(
                "/admin/price-lists",
                json!({"title": "Sale", "description": "d", "status": "active", "type": "sale"}),
            )
            .await;
        assert_eq!(s, 200, "{pl}");
        let list = pl["price_list"]["id"].as_str().unwrap().to_owned();
        let (s, b) = admin
            .post(
                &format!("/admin/price-lists/{list}/prices/batch"),
                json!({"create": [{"variant_id": v0, "amount": 1.5, "currency_code": "eur"}]}),
            )
            .await;
        assert_eq!(s, 200, "{b}");
        let (status, body) = store_post(&app, &key, &line_path, json!({"quantity": 2})).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["cart"]["items"][0]["unit_price"], 1.5, "{body}");
        assert_eq!(body["cart"]["items"][0]["compare_at_unit_price"], price);

        let (s, b) = admin.delete(&format!("/admin/price-lists/{list}")).await;
        assert_eq!(s, 200, "{b}");
        let (status, body) = store_post(&app, &key, &line_path, json!({"quantity": 3})).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["cart"]["items"][0]["unit_price"], price, "{body}");
        assert_eq!(body["cart"]["items"][0]["quantity"], 3);
    }
);
