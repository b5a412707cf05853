//! `/admin/tax-regions`, `/admin/tax-rates` (with rules) and `/admin/tax-providers`, and the
//! demo seed's tax regions.

use medusa_testkit::{TestApp, both_backends, spawn_app};
use serde_json::{Value, json};

use crate::admin_regions::{Admin, keys_of};

fn sorted(keys: &[&str]) -> Vec<String> {
    let mut k: Vec<String> = keys.iter().map(|s| (*s).to_owned()).collect();
    k.sort();
    k
}

/// Medusa's default tax region keys (query-config.ts `defaults`).
const REGION_KEYS: &[&str] = &[
    "id",
    "country_code",
    "province_code",
    "parent_id",
    "provider_id",
    "created_by",
    "created_at",
    "updated_at",
    "deleted_at",
    "metadata",
    "children",
    "parent",
    "tax_rates",
];

const RATE_COLUMNS: &[&str] = &[
    "id",
    "name",
    "code",
    "rate",
    "tax_region_id",
    "is_default",
    "is_combinable",
    "created_by",
    "created_at",
    "updated_at",
    "deleted_at",
    "metadata",
];

const RULE_KEYS: &[&str] = &[
    "id",
    "tax_rate_id",
    "reference",
    "reference_id",
    "metadata",
    "created_by",
    "created_at",
    "updated_at",
    "deleted_at",
];

async fn create_country(app: &TestApp, admin: &Admin, code: &str, rate: Value) -> Value {
    let (status, body) = admin
        .post(
            app,
            "/admin/tax-regions",
            json!({
                "country_code": code,
                "provider_id": "tp_system",
                "default_tax_rate": {"rate": rate, "code": "STD", "name": "Standard"},
            }),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    body["tax_region"].clone()
}

both_backends!(
    async fn tax_regions_are_created_listed_updated_and_deleted(backend: Backend) {
        let app = spawn_app(backend).await;
        let admin = Admin::new(&app).await;
        let dk = create_country(&app, &admin, "DK", json!(25)).await;
        assert_eq!(keys_of(&dk), sorted(REGION_KEYS));
        assert!(dk["id"].as_str().unwrap().starts_with("txreg_"));
        assert_eq!(dk["country_code"], "dk");
        assert_eq!(dk["province_code"], Value::Null);
        assert_eq!(dk["parent_id"], Value::Null);
        assert_eq!(dk["provider_id"], "tp_system");
        assert_eq!(dk["created_by"], admin.key_id.to_string());
        assert_eq!(dk["parent"], Value::Null);
        assert_eq!(dk["children"], json!([]));
        let rate = &dk["tax_rates"][0];
        let mut rate_keys = RATE_COLUMNS.to_vec();
        rate_keys.push("rules");
        assert_eq!(keys_of(rate), sorted(&rate_keys));
        assert_eq!(
            (
                &rate["rate"],
                &rate["is_default"],
                &rate["is_combinable"],
                &rate["code"]
            ),
            (&json!(25), &json!(true), &json!(false), &json!("STD"))
        );

        // A province region under it (codes lower-cased, no provider of its own).
        let (status, body) = admin
            .post(
                &app,
                "/admin/tax-regions",
                json!({
                    "country_code": "dk",
                    "province_code": "DK-84",
                    "parent_id": dk["id"],
                    "default_tax_rate": {"rate": 1.5, "code": "CPH", "name": "Copenhagen", "is_combinable": true},
                    "metadata": {"note": "capital"},
                }),
            )
            .await;
        assert_eq!(status, 200, "{body}");
        let cph = &body["tax_region"];
        assert_eq!(cph["province_code"], "dk-84");
        assert_eq!(cph["parent_id"], dk["id"]);
        assert_eq!(cph["provider_id"], Value::Null);
        assert_eq!(cph["parent"]["id"], dk["id"]);
        assert_eq!(cph["tax_rates"][0]["rate"], json!(1.5));
        assert_eq!(cph["metadata"], json!({"note": "capital"}));

        // The country now lists its child, with the child's rates.
        let (status, body) = admin
            .get(
                &app,
                &format!("/admin/tax-regions/{}", dk["id"].as_str().unwrap()),
            )
            .await;
        assert_eq!(status, 200);
        assert_eq!(body["tax_region"]["children"][0]["id"], cph["id"]);
        assert_eq!(
            body["tax_region"]["children"][0]["tax_rates"][0]["code"],
            "CPH"
        );

        create_country(&app, &admin, "us", json!(0)).await;
        let (status, body) = admin.get(&app, "/admin/tax-regions").await;
        assert_eq!(status, 200);
        assert_eq!(
            (
                body["count"].clone(),
                body["offset"].clone(),
                body["limit"].clone()
            ),
            (json!(3), json!(0), json!(20))
        );
        // What the dashboard lists: country-level regions only.
        let (_, body) = admin.get(&app, "/admin/tax-regions?parent_id=null").await;
        assert_eq!(body["count"], 2);
        let (_, body) = admin.get(&app, "/admin/tax-regions?q=84").await;
        assert_eq!(body["count"], 1);
        assert_eq!(body["tax_regions"][0]["id"], cph["id"]);
        let (_, body) = admin
            .get(
                &app,
                "/admin/tax-regions?country_code=us&fields=id,country_code",
            )
            .await;
        assert_eq!(
            body["tax_regions"],
            json!([{"id": body["tax_regions"][0]["id"], "country_code": "us"}])
        );

        // Update: province code and metadata.
        let (status, body) = admin
            .post(
                &app,
                &format!("/admin/tax-regions/{}", cph["id"].as_str().unwrap()),
                json!({"province_code": "DK-85", "metadata": null}),
            )
            .await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["tax_region"]["province_code"], "dk-85");
        assert_eq!(body["tax_region"]["metadata"], Value::Null);

        // Delete the country: its province goes with it.
        let dk_id = dk["id"].as_str().unwrap();
        let (status, body) = admin
            .delete(&app, &format!("/admin/tax-regions/{dk_id}"))
            .await;
        assert_eq!(
            (status, body),
            (
                200,
                json!({"id": dk_id, "object": "tax_region", "deleted": true})
            )
        );
        let (status, _) = admin
            .get(
                &app,
                &format!("/admin/tax-regions/{}", cph["id"].as_str().unwrap()),
            )
            .await;
        assert_eq!(status, 404);
        let (_, body) = admin.get(&app, "/admin/tax-regions").await;
        assert_eq!(body["count"], 1);
    }
);

both_backends!(
    async fn tax_region_bad_input_is_refused(backend: Backend) {
        let app = spawn_app(backend).await;
        let admin = Admin::new(&app).await;
        let dk = create_country(&app, &admin, "dk", json!(25)).await;

        let cases = [
            (
                json!({"country_code": "xx", "provider_id": "tp_system"}),
                400,
                "Invalid request: 'xx' is not a valid country code for field 'country_code'",
            ),
            (
                json!({"country_code": "de"}),
                400,
                "Invalid request: Provider is required when creating a non-province tax region.",
            ),
            (
                json!({"country_code": "de", "provider_id": "tp_system", "rate": 19}),
                400,
                "Invalid request: Unrecognized fields: 'rate'",
            ),
            (
                json!({"provider_id": "tp_system"}),
                400,
                "Invalid request: Field 'country_code' is required",
            ),
            (
                json!({"country_code": "DK", "provider_id": "tp_system"}),
                422,
                "Tax region with country_code: dk, already exists.",
            ),
            (
                json!({"country_code": "de", "provider_id": "tp_avalara"}),
                404,
                "Tax provider with id: tp_avalara was not found",
            ),
            (
                json!({"country_code": "se", "province_code": "ab", "parent_id": dk["id"]}),
                400,
                "Province region must belong to a parent region with the same country code. You are trying to create a province region with (country: se, province: ab) but parent expects (country: dk)",
            ),
            (
                json!({"country_code": "dk", "province_code": "x", "parent_id": "txreg_01JZZZZZZZZZZZZZZZZZZZZZZZ"}),
                400,
                "Province region must belong to a parent region. You are trying to create a province region with (country: dk, province: x) but parent does not exist",
            ),
        ];
        for (body, status, message) in cases {
            let (s, b) = admin.post(&app, "/admin/tax-regions", body.clone()).await;
            assert_eq!(
                (s, b["message"].as_str()),
                (status, Some(message)),
                "{body} -> {b}"
            );
        }

        let missing = "txreg_01JZZZZZZZZZZZZZZZZZZZZZZZ";
        for path in [
            format!("/admin/tax-regions/{missing}"),
            "/admin/tax-regions/nope".to_owned(),
        ] {
            let (status, body) = admin.get(&app, &path).await;
            assert_eq!(status, 404, "{body}");
            assert_eq!(body["type"], "not_found");
        }
        let (status, body) = admin
            .post(
                &app,
                &format!("/admin/tax-regions/{missing}"),
                json!({"metadata": {}}),
            )
            .await;
        assert_eq!(
            (status, body["message"].as_str()),
            (
                404,
                Some(format!("TaxRegion with id \"{missing}\" not found").as_str())
            )
        );
        let (status, _) = admin
            .post(
                &app,
                &format!("/admin/tax-regions/{}", dk["id"].as_str().unwrap()),
                json!({"country_code": "se"}),
            )
            .await;
        assert_eq!(status, 400);
        // Deleting what does not exist succeeds, as in Medusa.
        let (status, _) = admin
            .delete(&app, &format!("/admin/tax-regions/{missing}"))
            .await;
        assert_eq!(status, 200);
        let (status, _) = admin.get(&app, "/admin/tax-regions?colour=red").await;
        assert_eq!(status, 400);
    }
);

both_backends!(
    async fn tax_rates_and_rules_are_managed(backend: Backend) {
        let app = spawn_app(backend).await;
        let admin = Admin::new(&app).await;
        let us = create_country(&app, &admin, "us", json!(0)).await;
        let us_id = us["id"].as_str().unwrap();

        let (status, body) = admin
            .post(
                &app,
                "/admin/tax-rates",
                json!({
                    "tax_region_id": us_id,
                    "code": "BOOKS",
                    "name": "Books",
                    "rate": 8.875,
                    "rules": [{"reference": "product", "reference_id": "prod_1234"}],
                }),
            )
            .await;
        assert_eq!(status, 200, "{body}");
        let rate = body["tax_rate"].clone();
        let mut keys = RATE_COLUMNS.to_vec();
        keys.extend(["rules", "tax_region"]);
        assert_eq!(keys_of(&rate), sorted(&keys));
        assert!(rate["id"].as_str().unwrap().starts_with("txr_"));
        assert_eq!(rate["rate"], json!(8.875));
        assert_eq!(rate["is_default"], false);
        assert_eq!(rate["tax_region"]["id"], us["id"]);
        assert_eq!(keys_of(&rate["rules"][0]), sorted(RULE_KEYS));
        assert_eq!(rate["rules"][0]["reference_id"], "prod_1234");
        let id = rate["id"].as_str().unwrap();

        let (status, body) = admin.get(&app, &format!("/admin/tax-rates/{id}")).await;
        assert_eq!(status, 200);
        assert_eq!(body["tax_rate"]["code"], "BOOKS");

        // Lists: by region, by default flag, by search.
        let (_, body) = admin
            .get(&app, &format!("/admin/tax-rates?tax_region_id={us_id}"))
            .await;
        assert_eq!(
            (body["count"].clone(), body["limit"].clone()),
            (json!(2), json!(20))
        );
        let (_, body) = admin.get(&app, "/admin/tax-rates?is_default=false").await;
        assert_eq!(body["count"], 1);
        assert_eq!(body["tax_rates"][0]["id"], rate["id"]);
        let (_, body) = admin.get(&app, "/admin/tax-rates?q=book").await;
        assert_eq!(body["count"], 1);
        let (status, _) = admin.get(&app, "/admin/tax-rates?is_default=maybe").await;
        assert_eq!(status, 400);

        // Update: values, and rules replaced.
        let (status, body) = admin
            .post(
                &app,
                &format!("/admin/tax-rates/{id}"),
                json!({
                    "rate": 12,
                    "is_combinable": true,
                    "name": "Printed matter",
                    "metadata": {"you": "know it"},
                    "rules": [{"reference": "product_type", "reference_id": "ptyp_1"}],
                }),
            )
            .await;
        assert_eq!(status, 200, "{body}");
        let updated = &body["tax_rate"];
        assert_eq!(
            (
                &updated["rate"],
                &updated["is_combinable"],
                &updated["name"],
                &updated["code"]
            ),
            (
                &json!(12),
                &json!(true),
                &json!("Printed matter"),
                &json!("BOOKS")
            )
        );
        assert_eq!(updated["rules"].as_array().unwrap().len(), 1);
        assert_eq!(updated["rules"][0]["reference"], "product_type");

        // Rules one by one.
        let (status, body) = admin
            .post(
                &app,
                &format!("/admin/tax-rates/{id}/rules"),
                json!({"reference": "product", "reference_id": "prod_2222"}),
            )
            .await;
        assert_eq!(status, 200, "{body}");
        let rules = body["tax_rate"]["rules"].as_array().unwrap().clone();
        assert_eq!(rules.len(), 2);
        let (status, body) = admin
            .post(
                &app,
                &format!("/admin/tax-rates/{id}/rules"),
                json!({"reference": "product", "reference_id": "prod_2222"}),
            )
            .await;
        assert_eq!(
            (status, body["type"].as_str()),
            (422, Some("duplicate_error"))
        );
        let rule_id = rules
            .iter()
            .find(|r| r["reference_id"] == "prod_2222")
            .unwrap()["id"]
            .as_str()
            .unwrap();
        let (status, body) = admin
            .delete(&app, &format!("/admin/tax-rates/{id}/rules/{rule_id}"))
            .await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(
            (&body["id"], &body["object"], &body["deleted"]),
            (&json!(rule_id), &json!("tax_rate_rule"), &json!(true))
        );
        assert_eq!(body["parent"]["id"], rate["id"]);
        assert_eq!(body["parent"]["rules"].as_array().unwrap().len(), 1);

        // A second default rate for the region is refused.
        let (status, body) = admin
            .post(
                &app,
                "/admin/tax-rates",
                json!({"tax_region_id": us_id, "code": "D2", "name": "D2", "is_default": true}),
            )
            .await;
        assert_eq!(
            (status, body["type"].as_str()),
            (422, Some("duplicate_error")),
            "{body}"
        );

        let (status, body) = admin.delete(&app, &format!("/admin/tax-rates/{id}")).await;
        assert_eq!(
            (status, body),
            (
                200,
                json!({"id": id, "object": "tax_rate", "deleted": true})
            )
        );
        let (status, _) = admin.get(&app, &format!("/admin/tax-rates/{id}")).await;
        assert_eq!(status, 404);
    }
);

both_backends!(
    async fn tax_rate_bad_input_is_refused(backend: Backend) {
        let app = spawn_app(backend).await;
        let admin = Admin::new(&app).await;
        let us = create_country(&app, &admin, "us", json!(0)).await;
        let missing_region = "txreg_01JZZZZZZZZZZZZZZZZZZZZZZZ";
        let missing_rate = "txr_01JZZZZZZZZZZZZZZZZZZZZZZZ";
        let cases = [
            (
                json!({"tax_region_id": us["id"], "code": "X"}),
                400,
                "Invalid request: Field 'name' is required",
            ),
            (
                json!({"tax_region_id": us["id"], "code": "X", "name": "X", "total": 1}),
                400,
                "Invalid request: Unrecognized fields: 'total'",
            ),
            (
                json!({"tax_region_id": us["id"], "code": "X", "name": "X", "rules": [{"reference": "product"}]}),
                400,
                "Invalid request: Field 'rules[0], reference_id' is required",
            ),
            (
                json!({"tax_region_id": missing_region, "code": "X", "name": "X"}),
                404,
                "TaxRegion with id: txreg_01JZZZZZZZZZZZZZZZZZZZZZZZ was not found",
            ),
        ];
        for (body, status, message) in cases {
            let (s, b) = admin.post(&app, "/admin/tax-rates", body.clone()).await;
            assert_eq!(s, status, "{body} -> {b}");
            assert_eq!(b["message"].as_str(), Some(message), "{body} -> {b}");
        }
        let (status, body) = admin
            .get(&app, &format!("/admin/tax-rates/{missing_rate}"))
            .await;
        assert_eq!(
            (status, body["message"].as_str()),
            (
                404,
                Some(format!("TaxRate with id: {missing_rate} was not found").as_str())
            )
        );
        let not_found = format!("Tax rate with id \"{missing_rate}\" not found");
        let (status, body) = admin
            .post(
                &app,
                &format!("/admin/tax-rates/{missing_rate}"),
                json!({"rate": 1}),
            )
            .await;
        assert_eq!(
            (status, body["message"].as_str()),
            (404, Some(not_found.as_str()))
        );
        let (status, body) = admin
            .post(
                &app,
                &format!("/admin/tax-rates/{missing_rate}/rules"),
                json!({"reference": "product", "reference_id": "prod_1"}),
            )
            .await;
        assert_eq!(
            (status, body["message"].as_str()),
            (404, Some(not_found.as_str()))
        );
        // Deleting a rule of a rate that does not exist: deleted, without a parent.
        let (status, body) = admin
            .delete(
                &app,
                &format!("/admin/tax-rates/{missing_rate}/rules/txrule_x"),
            )
            .await;
        assert_eq!(
            (status, body),
            (
                200,
                json!({"id": "txrule_x", "object": "tax_rate_rule", "deleted": true})
            )
        );
    }
);

both_backends!(
    async fn tax_providers_list_the_system_provider(backend: Backend) {
        let app = spawn_app(backend).await;
        let admin = Admin::new(&app).await;
        let (status, body) = admin.get(&app, "/admin/tax-providers").await;
        assert_eq!(status, 200);
        assert_eq!(
            body,
            json!({"tax_providers": [{"id": "tp_system", "is_enabled": true}], "count": 1, "offset": 0, "limit": 20})
        );
        let (_, body) = admin.get(&app, "/admin/tax-providers?id=tp_other").await;
        assert_eq!(body["count"], 0);
        let (status, _) = admin.get(&app, "/admin/tax-providers?bogus=1").await;
        assert_eq!(status, 400);
        assert_eq!(app.get("/admin/tax-providers").await.status().as_u16(), 401);
    }
);

both_backends!(
    async fn the_seed_creates_a_tax_region_per_country(backend: Backend) {
        let app = spawn_app(backend).await;
        app.seed().await;
        let admin = Admin::new(&app).await;
        let (status, body) = admin.get(&app, "/admin/tax-regions?limit=50").await;
        assert_eq!(status, 200);
        assert_eq!(body["count"], 8);
        let rate_of = |cc: &str| -> (Value, Value, Value) {
            let r = body["tax_regions"]
                .as_array()
                .unwrap()
                .iter()
                .find(|r| r["country_code"] == cc)
                .unwrap();
            assert_eq!(r["provider_id"], "tp_system");
            let rate = &r["tax_rates"][0];
            (
                rate["rate"].clone(),
                rate["code"].clone(),
                rate["name"].clone(),
            )
        };
        assert_eq!(
            rate_of("dk"),
            (json!(25), json!("DK-STD"), json!("DK standard rate"))
        );
        assert_eq!(rate_of("de").0, json!(19));
        assert_eq!(rate_of("gb").0, json!(20));
        assert_eq!(rate_of("us").0, json!(0));
    }
);
