//! The OpenAPI document, assembled from the routes' annotations. `cargo xtask openapi` writes
//! it to `openapi/openapi.json`; a test fails when the committed file drifts from the code.

use utoipa::OpenApi;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "medusa-rs",
        description = "A Rust commerce backend speaking Medusa v2's Store and Admin HTTP API.",
        license(name = "MIT")
    ),
    paths(crate::routes::health::health, crate::routes::health::ready),
    components(schemas(ErrorBody, UnauthorizedBody)),
    modifiers(&Security),
    tags(
        (name = "Health", description = "Liveness and readiness"),
    )
)]
pub struct ApiDoc;

/// Medusa's error body.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub struct ErrorBody {
    /// `not_found`, `invalid_data`, `not_allowed`, `unauthorized`, `duplicate_error`, ...
    r#type: String,
    message: String,
    /// `insufficient_inventory`, `invalid_state_error`, ... when Medusa sends one.
    code: Option<String>,
}

/// What the authentication middleware answers.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub struct UnauthorizedBody {
    message: String,
}

struct Security;

impl utoipa::Modify for Security {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "publishable_key",
            SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::new("x-publishable-api-key"))),
        );
        components.add_security_scheme(
            "secret_key",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Basic).build()),
        );
    }
}

/// The whole document: the base plus every route area's own document.
pub fn spec() -> utoipa::openapi::OpenApi {
    let mut doc = ApiDoc::openapi();
    for part in crate::routes::store::openapi()
        .into_iter()
        .chain(crate::routes::auth::openapi())
        .chain(crate::routes::admin::openapi())
        .chain(crate::routes::hooks::openapi())
    {
        doc.merge(part);
    }
    unique_operation_ids(&mut doc);
    doc
}

/// OpenAPI wants operation ids unique; handlers in different areas share names (`list`,
/// `retrieve`), so each id is derived from its method and path
/// (`get /store/products/{id}` -> `getStoreProductsId`) unless a route set a Medusa-style one.
fn unique_operation_ids(doc: &mut utoipa::openapi::OpenApi) {
    let mut seen = std::collections::HashSet::new();
    for (path, item) in doc.paths.paths.iter_mut() {
        let words: String = path
            .split(['/', '-', '_', '{', '}'])
            .filter(|w| !w.is_empty())
            .map(|w| {
                let mut c = w.chars();
                c.next()
                    .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                    .unwrap_or_default()
            })
            .collect();
        for (method, op) in [
            ("get", item.get.as_mut()),
            ("post", item.post.as_mut()),
            ("put", item.put.as_mut()),
            ("patch", item.patch.as_mut()),
            ("delete", item.delete.as_mut()),
        ] {
            let Some(op) = op else { continue };
            let generated = format!("{method}{words}");
            let keep = op
                .operation_id
                .as_ref()
                .is_some_and(|id| id.chars().any(|c| c.is_ascii_uppercase()) && !seen.contains(id));
            if !keep {
                op.operation_id = Some(generated);
            }
            if let Some(id) = &op.operation_id {
                seen.insert(id.clone());
            }
        }
    }
}

/// The document as pretty JSON with a trailing newline (the committed form).
pub fn spec_json() -> String {
    let mut s = spec()
        .to_pretty_json()
        .unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    s.push('\n');
    s
}
