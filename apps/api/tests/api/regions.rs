//! `GET /store/regions` and `GET /store/regions/:id`, compared with the recorded Medusa
//! responses (`../shared/medusa-golden/03-list-regions.json`, `04-get-region.json`).

use std::collections::HashMap;

use medusa_core::CurrencyCode;
use medusa_core::id::RegionId;
use medusa_region::{CreateRegion, RegionService};
use medusa_testkit::{TestApp, both_backends, json, spawn_app};
use serde_json::{Value, json};

/// A store GET with a publishable key.
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

pub fn regions(app: &TestApp) -> std::sync::Arc<dyn RegionService> {
    app.state.registry.get::<dyn RegionService>().unwrap()
}

pub async fn create_region(
    app: &TestApp,
    name: &str,
    currency: &str,
    countries: &[&str],
) -> RegionId {
    let r = regions(app)
        .create(CreateRegion {
            name: name.into(),
            currency_code: CurrencyCode::parse(currency).unwrap(),
            automatic_taxes: None,
            countries: countries.iter().map(|c| (*c).to_owned()).collect(),
            payment_providers: None,
            metadata: None,
        })
        .await
        .unwrap();
    // Distinct creation times, so the default order is the creation order.
    app.clock.advance(chrono::Duration::seconds(1));
    r.region.id
}

/// The two regions of Medusa's starter seed (the recording's data), countries in the seed's
/// order, which is not the order they are listed in.
async fn seed_like_the_recording(app: &TestApp) -> (RegionId, RegionId) {
    let eu = create_region(
        app,
        "Europe",
        "eur",
        &["gb", "de", "dk", "se", "fr", "es", "it"],
    )
    .await;
    let us = create_region(app, "United States", "usd", &["us"]).await;
    (eu, us)
}

/// Replaces region ids by `<reg_N>` (in order of appearance) and timestamps by `<timestamp>`,
/// as the recording did, checking each timestamp is printed like JavaScript's `Date`.
pub fn normalize(v: &mut Value, ids: &mut HashMap<String, String>) {
    match v {
        Value::Object(map) => {
            for (k, val) in map.iter_mut() {
                match (k.as_str(), &*val) {
                    ("id" | "region_id", Value::String(s)) if s.starts_with("reg_") => {
                        let n = ids.len() + 1;
                        let p = ids.entry(s.clone()).or_insert_with(|| format!("<reg_{n}>"));
                        *val = Value::String(p.clone());
                    }
                    ("created_at" | "updated_at", Value::String(s)) => {
                        assert!(
                            chrono::DateTime::parse_from_rfc3339(s).is_ok()
                                && s.len() == 24
                                && s.ends_with('Z'),
                            "timestamp {s} is not printed like Date#toJSON"
                        );
                        *val = Value::String("<timestamp>".into());
                    }
                    _ => normalize(val, ids),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|i| normalize(i, ids)),
        _ => {}
    }
}

fn country(iso_2: &str, iso_3: &str, num: &str, name: &str, display: &str, region: &str) -> Value {
    json!({
        "iso_2": iso_2, "iso_3": iso_3, "num_code": num, "name": name, "display_name": display,
        "region_id": region, "metadata": null,
        "created_at": "<timestamp>", "updated_at": "<timestamp>", "deleted_at": null
    })
}

/// The recorded `region` objects.
fn golden_europe() -> Value {
    json!({
        "id": "<reg_1>", "name": "Europe", "currency_code": "eur",
        "created_at": "<timestamp>", "updated_at": "<timestamp>", "deleted_at": null, "metadata": null,
        "countries": [
            country("dk", "dnk", "208", "DENMARK", "Denmark", "<reg_1>"),
            country("fr", "fra", "250", "FRANCE", "France", "<reg_1>"),
            country("de", "deu", "276", "GERMANY", "Germany", "<reg_1>"),
            country("it", "ita", "380", "ITALY", "Italy", "<reg_1>"),
            country("es", "esp", "724", "SPAIN", "Spain", "<reg_1>"),
            country("se", "swe", "752", "SWEDEN", "Sweden", "<reg_1>"),
            country("gb", "gbr", "826", "UNITED KINGDOM", "United Kingdom", "<reg_1>"),
        ]
    })
}

fn golden_us() -> Value {
    json!({
        "id": "<reg_2>", "name": "United States", "currency_code": "usd",
        "created_at": "<timestamp>", "updated_at": "<timestamp>", "deleted_at": null, "metadata": null,
        "countries": [country("us", "usa", "840", "UNITED STATES", "United States", "<reg_2>")]
    })
}

both_backends!(
    async fn store_regions_match_the_recorded_medusa_responses(backend: Backend) {
        let app = spawn_app(backend).await;
        let key = app.publishable_key(&[]).await;
        let (eu, _) = seed_like_the_recording(&app).await;

        let (status, mut body) = store_get(&app, &key, "/store/regions").await;
        assert_eq!(status, 200, "{body}");
        normalize(&mut body, &mut HashMap::new());
        assert_eq!(
            body,
            json!({"regions": [golden_europe(), golden_us()], "count": 2, "offset": 0, "limit": 50})
        );

        let (status, mut body) = store_get(&app, &key, &format!("/store/regions/{eu}")).await;
        assert_eq!(status, 200, "{body}");
        normalize(&mut body, &mut HashMap::new());
        assert_eq!(body, json!({"region": golden_europe()}));
    }
);

both_backends!(
    async fn fields_replace_or_modify_the_defaults(backend: Backend) {
        let app = spawn_app(backend).await;
        let key = app.publishable_key(&[]).await;
        let (eu, _) = seed_like_the_recording(&app).await;
        let one = |fields: &str| format!("/store/regions/{eu}?fields={fields}");

        // Bare names replace the defaults; `id` is always there.
        let (_, body) = store_get(&app, &key, &one("name")).await;
        assert_eq!(
            body["region"],
            json!({"id": eu.to_string(), "name": "Europe"})
        );
        let (_, body) = store_get(&app, &key, "/store/regions?fields=id,name").await;
        for r in body["regions"].as_array().unwrap() {
            let mut keys: Vec<&str> = r.as_object().unwrap().keys().map(String::as_str).collect();
            keys.sort();
            assert_eq!(keys, ["id", "name"]);
        }
        assert_eq!(body["count"], 2);

        // A relation column in replace mode.
        let (_, body) = store_get(&app, &key, &one("countries.iso_2")).await;
        let region = body["region"].as_object().unwrap();
        assert_eq!(region.len(), 2, "{body}");
        assert_eq!(region["countries"][0], json!({"iso_2": "dk"}));

        // `+x` (a literal `+` is a space in a query string, so it is sent encoded) adds.
        let (_, body) = store_get(&app, &key, &one("%2Bautomatic_taxes")).await;
        assert_eq!(body["region"]["automatic_taxes"], true);
        assert_eq!(body["region"]["countries"].as_array().unwrap().len(), 7);
        assert_eq!(body["region"]["metadata"], Value::Null);

        // `-x` removes a default, relations included.
        let (_, body) = store_get(&app, &key, &one("-countries,-metadata")).await;
        let region = body["region"].as_object().unwrap();
        assert!(!region.contains_key("countries") && !region.contains_key("metadata"));
        assert!(region.contains_key("currency_code"));

        // `*rel` adds a relation: the region's payment providers.
        let (_, body) = store_get(&app, &key, &one("*payment_providers")).await;
        assert_eq!(
            body["region"]["payment_providers"],
            json!([{"id": "pp_system_default", "is_enabled": true}])
        );
        assert!(body["region"]["countries"].is_array());
    }
);

both_backends!(
    async fn filters_order_and_pagination(backend: Backend) {
        let app = spawn_app(backend).await;
        let key = app.publishable_key(&[]).await;
        let (eu, us) = seed_like_the_recording(&app).await;
        let asia = create_region(&app, "Asia 50%_off", "jpy", &["jp"]).await;
        let names = |body: &Value| -> Vec<String> {
            body["regions"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| r["name"].as_str().unwrap().to_owned())
                .collect()
        };

        let (_, body) = store_get(&app, &key, "/store/regions?currency_code=usd").await;
        assert_eq!(
            (names(&body), body["count"].clone()),
            (vec!["United States".to_owned()], json!(1))
        );
        let (_, body) = store_get(
            &app,
            &key,
            "/store/regions?currency_code[0]=EUR&currency_code[1]=jpy",
        )
        .await;
        assert_eq!(names(&body), ["Europe", "Asia 50%_off"]);
        let (_, body) = store_get(&app, &key, "/store/regions?name=Europe").await;
        assert_eq!(names(&body), ["Europe"]);
        // `q` searches name and currency code, case-insensitively; LIKE wildcards are literal.
        let (_, body) = store_get(&app, &key, "/store/regions?q=UNITED").await;
        assert_eq!(names(&body), ["United States"]);
        let (_, body) = store_get(&app, &key, "/store/regions?q=eur").await;
        assert_eq!(names(&body), ["Europe"]);
        let (_, body) = store_get(&app, &key, "/store/regions?q=50%25_").await;
        assert_eq!(names(&body), ["Asia 50%_off"]);
        let (_, body) = store_get(&app, &key, "/store/regions?q=_").await;
        assert_eq!(names(&body), ["Asia 50%_off"]);
        let (_, body) = store_get(&app, &key, "/store/regions?q=%25off").await;
        assert_eq!(body["count"], 0);
        let (_, body) = store_get(
            &app,
            &key,
            &format!("/store/regions?id[0]={us}&id[1]={asia}&id[2]=nonsense"),
        )
        .await;
        assert_eq!(names(&body), ["United States", "Asia 50%_off"]);
        let (_, body) = store_get(&app, &key, &format!("/store/regions?id={eu}")).await;
        assert_eq!(names(&body), ["Europe"]);

        let (_, body) = store_get(&app, &key, "/store/regions?limit=1&offset=1").await;
        assert_eq!(names(&body), ["United States"]);
        assert_eq!(
            (
                body["count"].clone(),
                body["offset"].clone(),
                body["limit"].clone()
            ),
            (json!(3), json!(1), json!(1))
        );
        let (_, body) = store_get(&app, &key, "/store/regions?order=-name").await;
        assert_eq!(names(&body), ["United States", "Europe", "Asia 50%_off"]);
        let (_, body) = store_get(&app, &key, "/store/regions?order=currency_code").await;
        assert_eq!(names(&body), ["Europe", "Asia 50%_off", "United States"]);

        // A deleted region is gone from the store.
        regions(&app).delete(&us).await.unwrap();
        let (_, body) = store_get(&app, &key, "/store/regions").await;
        assert_eq!(names(&body), ["Europe", "Asia 50%_off"]);
        let (status, _) = store_get(&app, &key, &format!("/store/regions/{us}")).await;
        assert_eq!(status, 404);
    }
);

both_backends!(
    async fn unknown_regions_and_bad_queries_are_4xx(backend: Backend) {
        let app = spawn_app(backend).await;
        let key = app.publishable_key(&[]).await;
        let (eu, _) = seed_like_the_recording(&app).await;

        let unknown = RegionId::new();
        let (status, body) = store_get(&app, &key, &format!("/store/regions/{unknown}")).await;
        assert_eq!(
            (status, body),
            (
                404,
                json!({"type": "not_found", "message": format!("Region with id: {unknown} was not found")})
            )
        );
        for bad in ["nonsense", "prod_01JBX4Z6M3Q8Q5ZC7E0K9W2A1B", "reg_"] {
            let (status, body) = store_get(&app, &key, &format!("/store/regions/{bad}")).await;
            assert_eq!(
                (status, body),
                (
                    404,
                    json!({"type": "not_found", "message": format!("Region with id: {bad} was not found")})
                )
            );
        }

        for (path, message) in [
            (
                "/store/regions?foo=1",
                "Invalid request: Unrecognized fields: 'foo'",
            ),
            (
                "/store/regions?with_deleted=true",
                "Invalid request: Unrecognized fields: 'with_deleted'",
            ),
            (
                "/store/regions?created_at[$gt]=2024-01-01T00:00:00Z",
                "Invalid request: Unrecognized fields: 'created_at'",
            ),
            (
                "/store/regions?order=password",
                "Order field password is not valid",
            ),
        ] {
            let (status, body) = store_get(&app, &key, path).await;
            assert_eq!(
                (status, body),
                (400, json!({"type": "invalid_data", "message": message})),
                "{path}"
            );
        }
        for path in [
            "/store/regions?limit=abc",
            "/store/regions?limit=5000",
            "/store/regions?offset=-1",
        ] {
            let (status, body) = store_get(&app, &key, path).await;
            assert_eq!(
                (status, body["type"].as_str()),
                (400, Some("invalid_data")),
                "{path}: {body}"
            );
        }
        let (status, body) = store_get(&app, &key, &format!("/store/regions/{eu}?limit=1")).await;
        assert_eq!(
            (status, body),
            (
                400,
                json!({"type": "invalid_data", "message": "Invalid request: Unrecognized fields: 'limit'"})
            )
        );

        // Without a key the guard answers first, as in Medusa.
        let (status, body) = json(app.get("/store/regions").await).await;
        assert_eq!((status, body["type"].as_str()), (400, Some("not_allowed")));
    }
);
