//! `/admin/regions` and `/admin/sales-channels`.

use base64::Engine;
use medusa_core::id::{ApiKeyId, RegionId, SalesChannelId};
use medusa_testkit::{TestApp, both_backends, json, spawn_app};
use serde_json::{Value, json};

/// An admin session: a secret key sent as `Basic base64("<token>:")`.
pub struct Admin {
    pub key_id: ApiKeyId,
    pub token: String,
}

impl Admin {
    pub async fn new(app: &TestApp) -> Admin {
        let (key_id, token) = app.secret_key().await;
        Admin { key_id, token }
    }

    pub fn header(&self) -> String {
        basic(&self.token)
    }

    pub async fn get(&self, app: &TestApp, path: &str) -> (u16, Value) {
        let req = app
            .client
            .get(app.url(path))
            .header("authorization", self.header());
        json(req.send().await.unwrap()).await
    }

    pub async fn post(&self, app: &TestApp, path: &str, body: Value) -> (u16, Value) {
        let req = app
            .client
            .post(app.url(path))
            .header("authorization", self.header())
            .json(&body);
        json(req.send().await.unwrap()).await
    }

    pub async fn delete(&self, app: &TestApp, path: &str) -> (u16, Value) {
        let req = app
            .client
            .delete(app.url(path))
            .header("authorization", self.header());
        json(req.send().await.unwrap()).await
    }
}

pub fn basic(token: &str) -> String {
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{token}:"))
    )
}

pub fn keys_of(v: &Value) -> Vec<String> {
    let mut k: Vec<String> = v.as_object().unwrap().keys().cloned().collect();
    k.sort();
    k
}

fn sorted(keys: &[&str]) -> Vec<String> {
    let mut k: Vec<String> = keys.iter().map(|s| (*s).to_owned()).collect();
    k.sort();
    k
}

fn iso(region: &Value) -> Vec<String> {
    region["countries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["iso_2"].as_str().unwrap().to_owned())
        .collect()
}

const ADMIN_REGION_KEYS: &[&str] = &[
    "id",
    "name",
    "currency_code",
    "created_at",
    "updated_at",
    "deleted_at",
    "automatic_taxes",
    "metadata",
    "countries",
];

both_backends!(
    async fn admin_region_crud(backend: Backend) {
        let app = spawn_app(backend).await;
        let admin = Admin::new(&app).await;

        let (status, body) = admin
            .post(
                &app,
                "/admin/regions",
                json!({"name": " Nordics ", "currency_code": "SEK", "countries": ["NO", "fi"], "metadata": {"a": 1}}),
            )
            .await;
        assert_eq!(status, 200, "{body}");
        let region = &body["region"];
        assert_eq!(keys_of(region), sorted(ADMIN_REGION_KEYS));
        assert_eq!(region["name"], "Nordics");
        assert_eq!(region["currency_code"], "sek");
        assert_eq!(region["automatic_taxes"], true);
        assert_eq!(region["metadata"], json!({"a": 1}));
        assert_eq!(region["deleted_at"], Value::Null);
        // Listed in the ISO table's order.
        assert_eq!(iso(region), ["fi", "no"]);
        assert_eq!(region["countries"][0]["region_id"], region["id"]);
        let id = region["id"].as_str().unwrap().to_owned();
        assert!(RegionId::parse(&id).is_ok());

        // The dashboard's detail call.
        let (status, body) = admin
            .get(
                &app,
                &format!("/admin/regions/{id}?fields=*payment_providers"),
            )
            .await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(
            body["region"]["payment_providers"],
            json!([{"id": "pp_system_default", "is_enabled": true}])
        );
        assert_eq!(body["region"]["name"], "Nordics");

        app.clock.advance(chrono::Duration::seconds(5));
        let (status, body) = admin
            .post(
                &app,
                &format!("/admin/regions/{id}?fields=%2Bpayment_providers.id"),
                json!({"name": "Denmark", "automatic_taxes": false, "countries": ["dk"],
                       "payment_providers": ["pp_stripe_stripe", "pp_system_default"], "metadata": null,
                       "is_tax_inclusive": false}),
            )
            .await;
        assert_eq!(status, 200, "{body}");
        let region = &body["region"];
        assert_eq!(region["name"], "Denmark");
        assert_eq!(region["currency_code"], "sek");
        assert_eq!(region["automatic_taxes"], false);
        assert_eq!(region["metadata"], Value::Null);
        assert_eq!(iso(region), ["dk"]);
        assert_eq!(
            region["payment_providers"],
            json!([{"id": "pp_stripe_stripe"}, {"id": "pp_system_default"}])
        );
        assert_ne!(region["updated_at"], region["created_at"]);

        // The countries it gave up are free again.
        let (status, body) = admin
            .post(&app, "/admin/regions", json!({"name": "Norway", "currency_code": "nok", "countries": ["no"], "payment_providers": []}))
            .await;
        assert_eq!(status, 200, "{body}");
        let norway = body["region"]["id"].as_str().unwrap().to_owned();
        let (_, body) = admin
            .get(
                &app,
                &format!("/admin/regions/{norway}?fields=id,*payment_providers"),
            )
            .await;
        assert_eq!(
            body["region"],
            json!({"id": norway, "payment_providers": []})
        );

        let (status, body) = admin.get(&app, "/admin/regions").await;
        assert_eq!(status, 200);
        assert_eq!(
            (
                body["count"].clone(),
                body["limit"].clone(),
                body["offset"].clone()
            ),
            (json!(2), json!(50), json!(0))
        );
        assert_eq!(keys_of(&body["regions"][0]), sorted(ADMIN_REGION_KEYS));

        // The dashboard's region picker.
        let (status, body) = admin
            .get(&app, "/admin/regions?fields=id,name&limit=1000")
            .await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["limit"], 1000);
        for r in body["regions"].as_array().unwrap() {
            assert_eq!(keys_of(r), ["id", "name"]);
        }

        let (status, body) = admin.delete(&app, &format!("/admin/regions/{id}")).await;
        assert_eq!(
            (status, body),
            (200, json!({"id": id, "object": "region", "deleted": true}))
        );
        let (status, body) = admin.get(&app, &format!("/admin/regions/{id}")).await;
        assert_eq!(
            (status, body),
            (
                404,
                json!({"type": "not_found", "message": format!("Region with id: {id} not found")})
            )
        );
        let (status, body) = admin
            .post(&app, &format!("/admin/regions/{id}"), json!({"name": "x"}))
            .await;
        assert_eq!(
            (status, body),
            (
                404,
                json!({"type": "not_found", "message": format!("Region with id \"{id}\" not found")})
            )
        );
        // Deleting again, or something that never existed, is fine (as in Medusa).
        let (status, _) = admin.delete(&app, &format!("/admin/regions/{id}")).await;
        assert_eq!(status, 200);
        let (status, body) = admin.delete(&app, "/admin/regions/nonsense").await;
        assert_eq!(
            (status, body),
            (
                200,
                json!({"id": "nonsense", "object": "region", "deleted": true})
            )
        );

        let (_, body) = admin.get(&app, "/admin/regions").await;
        assert_eq!(body["count"], 1);
        let (_, body) = admin
            .get(&app, "/admin/regions?with_deleted=true&order=created_at")
            .await;
        assert_eq!(body["count"], 2);
        assert_eq!(body["regions"][0]["id"], id.as_str());
        assert!(body["regions"][0]["deleted_at"].is_string());
        // A deleted region let go of its countries.
        assert_eq!(body["regions"][0]["countries"], json!([]));
        let (status, body) = admin
            .post(
                &app,
                "/admin/regions",
                json!({"name": "DK again", "currency_code": "dkk", "countries": ["dk"]}),
            )
            .await;
        assert_eq!(status, 200, "{body}");
    }
);

both_backends!(
    async fn a_country_belongs_to_one_region(backend: Backend) {
        let app = spawn_app(backend).await;
        let admin = Admin::new(&app).await;
        let (status, body) = admin
            .post(
                &app,
                "/admin/regions",
                json!({"name": "A", "currency_code": "dkk", "countries": ["dk"]}),
            )
            .await;
        assert_eq!(status, 200, "{body}");
        let a = body["region"]["id"].as_str().unwrap().to_owned();

        for (countries, message) in [
            (
                json!(["DK"]),
                "Countries with codes: \"dk\" are already assigned to a region",
            ),
            (
                json!(["se", "se"]),
                "Countries with codes: \"se\" are already assigned to a region",
            ),
            (
                json!(["xx", "se", "zz"]),
                "Countries with codes: \"xx, zz\" do not exist",
            ),
        ] {
            let (status, body) = admin
                .post(
                    &app,
                    "/admin/regions",
                    json!({"name": "B", "currency_code": "sek", "countries": countries}),
                )
                .await;
            assert_eq!(
                (status, body),
                (400, json!({"type": "invalid_data", "message": message}))
            );
        }
        // A refused creation leaves nothing behind: no region, no country taken.
        let (_, body) = admin.get(&app, "/admin/regions?fields=id").await;
        assert_eq!(body["count"], 1);
        let (status, body) = admin
            .post(
                &app,
                "/admin/regions",
                json!({"name": "B", "currency_code": "sek", "countries": ["se"]}),
            )
            .await;
        assert_eq!(status, 200, "{body}");
        let b = body["region"]["id"].as_str().unwrap().to_owned();

        // A region may keep its own countries when its list is replaced, not take others'.
        let (status, body) = admin
            .post(
                &app,
                &format!("/admin/regions/{a}"),
                json!({"countries": ["dk", "fo"]}),
            )
            .await;
        assert_eq!(
            (status, iso(&body["region"])),
            (200, vec!["dk".to_owned(), "fo".to_owned()])
        );
        let (status, body) = admin
            .post(
                &app,
                &format!("/admin/regions/{a}"),
                json!({"countries": ["se"]}),
            )
            .await;
        assert_eq!(
            (status, body),
            (
                400,
                json!({"type": "invalid_data", "message": "Countries with codes: \"se\" are already assigned to a region"})
            )
        );
        // ... and the refused update changed nothing.
        let (_, body) = admin.get(&app, &format!("/admin/regions/{a}")).await;
        assert_eq!(iso(&body["region"]), ["dk", "fo"]);
        let (_, body) = admin.get(&app, &format!("/admin/regions/{b}")).await;
        assert_eq!(iso(&body["region"]), ["se"]);
        let (status, body) = admin
            .post(
                &app,
                &format!("/admin/regions/{a}"),
                json!({"countries": []}),
            )
            .await;
        assert_eq!(
            (status, body["region"]["countries"].clone()),
            (200, json!([]))
        );
    }
);

both_backends!(
    async fn concurrent_regions_cannot_both_take_a_country(backend: Backend) {
        let app = spawn_app(backend).await;
        let admin = Admin::new(&app).await;
        let attempts = (0..6).map(|i| {
            admin.post(
                &app,
                "/admin/regions",
                json!({"name": format!("R{i}"), "currency_code": "eur", "countries": ["fr", "de"]}),
            )
        });
        let results = futures_util::future::join_all(attempts).await;
        let ok = results.iter().filter(|(s, _)| *s == 200).count();
        let refused = results.iter().filter(|(s, _)| *s == 400).count();
        assert_eq!((ok, refused), (1, 5), "{results:?}");
        let (_, body) = admin.get(&app, "/admin/regions").await;
        assert_eq!(body["count"], 1);
        assert_eq!(iso(&body["regions"][0]), ["fr", "de"]);
    }
);

both_backends!(
    async fn admin_region_input_is_validated(backend: Backend) {
        let app = spawn_app(backend).await;
        let admin = Admin::new(&app).await;
        let invalid = |m: &str| json!({"type": "invalid_data", "message": m});
        for (body, expected) in [
            (
                json!({"currency_code": "eur"}),
                (400, invalid("Invalid request: Field 'name' is required")),
            ),
            (
                json!({"name": "x", "currency_code": "eur", "tax_rate": 20}),
                (
                    400,
                    invalid("Invalid request: Unrecognized fields: 'tax_rate'"),
                ),
            ),
            (
                json!({"name": "x", "currency_code": "euro"}),
                (
                    400,
                    invalid(
                        "Invalid request: 'euro' is not a valid currency code for field 'currency_code'",
                    ),
                ),
            ),
            (
                json!({"name": "x", "currency_code": "eur", "is_tax_inclusive": true}),
                (
                    400,
                    invalid(
                        "Invalid request: tax-inclusive pricing ('is_tax_inclusive': true) is not supported yet",
                    ),
                ),
            ),
            (
                json!({"name": "x", "currency_code": "eur", "payment_providers": ["stripe", "pp_system_default"]}),
                (
                    404,
                    json!({"type": "not_found", "message": "Payment providers with ids stripe not found or not enabled"}),
                ),
            ),
        ] {
            assert_eq!(
                admin.post(&app, "/admin/regions", body.clone()).await,
                expected,
                "{body}"
            );
        }
        let (status, body) = admin
            .post(
                &app,
                "/admin/regions",
                json!({"name": "x", "currency_code": "eur", "automatic_taxes": "yes"}),
            )
            .await;
        assert_eq!(
            (status, body["type"].as_str()),
            (400, Some("invalid_data")),
            "{body}"
        );
        let (status, _) = admin.get(&app, "/admin/regions?bogus=1").await;
        assert_eq!(status, 400);
        let (status, body) = admin
            .get(&app, "/admin/regions?created_at[$gt]=yesterday")
            .await;
        assert_eq!(
            (status, body["type"].as_str()),
            (400, Some("invalid_data")),
            "{body}"
        );
        let (status, _) = admin.delete(&app, "/admin/regions/reg_x?x=1").await;
        assert_eq!(status, 400);
        let (status, body) = admin.get(&app, "/admin/regions/nonsense").await;
        assert_eq!(
            (status, body["message"].as_str()),
            (404, Some("Region with id: nonsense not found"))
        );

        // Without credentials: Medusa's middleware answer.
        let (status, body) = json(app.get("/admin/regions").await).await;
        assert_eq!((status, body), (401, json!({"message": "Unauthorized"})));
    }
);

both_backends!(
    async fn admin_region_date_filters(backend: Backend) {
        let app = spawn_app(backend).await;
        // Whole milliseconds, so the printed timestamp is the stored one.
        app.clock.set(
            chrono::DateTime::parse_from_rfc3339("2025-03-01T10:00:00.250Z")
                .unwrap()
                .to_utc(),
        );
        let admin = Admin::new(&app).await;
        let (_, body) = admin
            .post(
                &app,
                "/admin/regions",
                json!({"name": "Old", "currency_code": "eur"}),
            )
            .await;
        let old_created = body["region"]["created_at"].as_str().unwrap().to_owned();
        app.clock.advance(chrono::Duration::hours(1));
        let (_, _) = admin
            .post(
                &app,
                "/admin/regions",
                json!({"name": "New", "currency_code": "eur"}),
            )
            .await;
        let (status, body) = admin
            .get(
                &app,
                &format!("/admin/regions?fields=name&created_at[$gt]={old_created}"),
            )
            .await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(
            body["regions"],
            json!([{"id": body["regions"][0]["id"], "name": "New"}])
        );
        let (_, body) = admin
            .get(
                &app,
                &format!("/admin/regions?fields=name&created_at[$lte]={old_created}"),
            )
            .await;
        assert_eq!(body["count"], 1);
        assert_eq!(body["regions"][0]["name"], "Old");
    }
);

// --- sales channels ---------------------------------------------------------------------

const CHANNEL_KEYS: &[&str] = &[
    "id",
    "name",
    "description",
    "is_disabled",
    "created_at",
    "updated_at",
    "deleted_at",
    "metadata",
];

pub async fn create_channel(admin: &Admin, app: &TestApp, name: &str) -> SalesChannelId {
    let (status, body) = admin
        .post(app, "/admin/sales-channels", json!({"name": name}))
        .await;
    assert_eq!(status, 200, "{body}");
    app.clock.advance(chrono::Duration::seconds(1));
    SalesChannelId::parse(body["sales_channel"]["id"].as_str().unwrap()).unwrap()
}

both_backends!(
    async fn admin_sales_channel_crud(backend: Backend) {
        let app = spawn_app(backend).await;
        let admin = Admin::new(&app).await;

        let (status, body) = admin
            .post(
                &app,
                "/admin/sales-channels",
                json!({"name": "Webshop", "description": "The main shop", "metadata": {"k": "v"}}),
            )
            .await;
        assert_eq!(status, 200, "{body}");
        let channel = &body["sales_channel"];
        assert_eq!(keys_of(channel), sorted(CHANNEL_KEYS));
        assert_eq!(
            (
                channel["name"].clone(),
                channel["description"].clone(),
                channel["is_disabled"].clone(),
                channel["metadata"].clone()
            ),
            (
                json!("Webshop"),
                json!("The main shop"),
                json!(false),
                json!({"k": "v"})
            )
        );
        let id = channel["id"].as_str().unwrap().to_owned();
        app.clock.advance(chrono::Duration::seconds(1));
        let pos = create_channel(&admin, &app, "POS").await;
        let (status, _) = admin
            .post(
                &app,
                &format!("/admin/sales-channels/{pos}"),
                json!({"is_disabled": true}),
            )
            .await;
        assert_eq!(status, 200);

        let (status, body) = admin
            .get(&app, &format!("/admin/sales-channels/{id}"))
            .await;
        assert_eq!(
            (status, body["sales_channel"]["name"].clone()),
            (200, json!("Webshop"))
        );

        // The dashboard's call.
        let (status, body) = admin
            .get(&app, "/admin/sales-channels?fields=id,name&limit=1000")
            .await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(
            body,
            json!({"sales_channels": [{"id": id, "name": "Webshop"}, {"id": pos.to_string(), "name": "POS"}],
                   "count": 2, "offset": 0, "limit": 1000})
        );
        let (_, body) = admin.get(&app, "/admin/sales-channels").await;
        assert_eq!(body["limit"], 20);
        let (_, body) = admin
            .get(&app, "/admin/sales-channels?is_disabled=true&fields=name")
            .await;
        assert_eq!(
            body["sales_channels"],
            json!([{"id": pos.to_string(), "name": "POS"}])
        );
        let (_, body) = admin
            .get(&app, "/admin/sales-channels?q=MAIN&fields=name")
            .await;
        assert_eq!(
            body["sales_channels"],
            json!([{"id": id, "name": "Webshop"}])
        );
        let (_, body) = admin
            .get(&app, "/admin/sales-channels?order=-name&fields=name")
            .await;
        assert_eq!(body["sales_channels"][0]["name"], "Webshop");

        let (status, body) = admin
            .post(
                &app,
                &format!("/admin/sales-channels/{id}"),
                json!({"name": "Web", "description": null, "metadata": null}),
            )
            .await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(
            (
                body["sales_channel"]["name"].clone(),
                body["sales_channel"]["description"].clone(),
                body["sales_channel"]["metadata"].clone()
            ),
            (json!("Web"), Value::Null, Value::Null)
        );

        let (status, body) = admin
            .delete(&app, &format!("/admin/sales-channels/{id}"))
            .await;
        assert_eq!(
            (status, body),
            (
                200,
                json!({"id": id, "object": "sales-channel", "deleted": true})
            )
        );
        let (status, body) = admin
            .get(&app, &format!("/admin/sales-channels/{id}"))
            .await;
        assert_eq!(
            (status, body),
            (
                404,
                json!({"type": "not_found", "message": format!("Sales channel with id: {id} not found")})
            )
        );
        let (status, body) = admin
            .post(
                &app,
                &format!("/admin/sales-channels/{id}"),
                json!({"name": "x"}),
            )
            .await;
        assert_eq!(
            (status, body),
            (
                404,
                json!({"type": "not_found", "message": format!("Sales channel with id \"{id}\" not found")})
            )
        );
        let (_, body) = admin.get(&app, "/admin/sales-channels").await;
        assert_eq!(body["count"], 1);
        let (_, body) = admin
            .get(&app, "/admin/sales-channels?with_deleted=true")
            .await;
        assert_eq!(body["count"], 2);

        let (status, body) = admin
            .post(&app, "/admin/sales-channels", json!({"description": "x"}))
            .await;
        assert_eq!(
            (status, body),
            (
                400,
                json!({"type": "invalid_data", "message": "Invalid request: Field 'name' is required"})
            )
        );
        let (status, _) = admin
            .post(
                &app,
                "/admin/sales-channels",
                json!({"name": "x", "id": "sc_1"}),
            )
            .await;
        assert_eq!(status, 400);
        let (status, _) = admin
            .get(&app, "/admin/sales-channels?location_id=sloc_1")
            .await;
        assert_eq!(status, 400);
    }
);
