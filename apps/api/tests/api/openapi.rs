/// The committed spec must be what the code generates (`cargo xtask openapi` rewrites it).
#[test]
fn committed_openapi_spec_matches_the_code() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../openapi/openapi.json");
    let committed = std::fs::read_to_string(path).unwrap_or_default();
    let generated = medusa_api::openapi::spec_json();
    assert!(
        committed == generated,
        "openapi/openapi.json is out of date: run `cargo xtask openapi` and commit the result"
    );
}

#[tokio::test]
async fn the_server_serves_its_spec_and_docs_page() {
    let app = medusa_testkit::spawn_app(medusa_testkit::Backend::Sqlite).await;
    let resp = app.get("/openapi.json").await;
    assert_eq!(resp.status().as_u16(), 200);
    let spec: serde_json::Value = resp.json().await.unwrap();
    assert!(spec["paths"]["/health"].is_object());
    let docs = app.get("/docs/").await;
    assert_eq!(docs.status().as_u16(), 200);
    assert!(docs.text().await.unwrap().contains("swagger"));
}

#[test]
fn operation_ids_are_unique() {
    let spec: serde_json::Value = serde_json::from_str(&medusa_api::openapi::spec_json()).unwrap();
    let mut seen = std::collections::HashSet::new();
    for (path, item) in spec["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            if let Some(id) = op.get("operationId").and_then(|v| v.as_str()) {
                assert!(
                    seen.insert(id.to_owned()),
                    "duplicate operationId {id} ({method} {path})"
                );
            }
        }
    }
    assert!(seen.len() > 30);
}
