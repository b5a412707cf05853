//! `/admin/product-tags` and `/admin/product-types` (the dashboard's product list filters).

use actix_web::{HttpRequest, HttpResponse, get, post, web};
use medusa_core::Error;
use medusa_core::request::{ListConfig, parse_list_query};
use medusa_product::{Page, ProductService};
use serde::Deserialize;
use serde_json::Value;
use utoipa::{OpenApi, ToSchema};

use crate::error::ApiResult;
use crate::extract::StrictJson;
use crate::response;
use crate::state::State;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(list_tags)
        .service(create_tag)
        .service(list_types)
        .service(create_type);
}

#[derive(OpenApi)]
#[openapi(
    paths(list_tags, create_tag, list_types, create_type),
    components(schemas(LabelBody))
)]
pub struct Api;

const LIST: ListConfig = ListConfig {
    default_limit: 50,
    orderable: &["value", "created_at"],
};

const FIELDS: &[&str] = &[
    "id",
    "value",
    "metadata",
    "created_at",
    "updated_at",
    "deleted_at",
];

/// `POST /admin/product-tags` and `/admin/product-types`.
#[derive(Debug, Deserialize, ToSchema)]
pub struct LabelBody {
    pub value: String,
    #[schema(value_type = Option<Object>)]
    pub metadata: Option<Value>,
}

#[derive(Debug, Default, Deserialize)]
struct NoFilters {}

async fn list(req: &HttpRequest, state: &State, tags: bool, key: &str) -> ApiResult<HttpResponse> {
    let (params, _): (_, NoFilters) = parse_list_query(req.query_string(), &LIST)?;
    let page = Page {
        limit: u64::from(params.limit),
        offset: u64::from(params.offset),
        order: None,
    };
    let catalog = state
        .registry
        .get::<dyn ProductService>()
        .map_err(Error::internal)?;
    let (labels, count) = catalog.list_labels(tags, &page).await?;
    let items = labels
        .iter()
        .map(|l| {
            let mut v = serde_json::to_value(l).unwrap_or(Value::Null);
            response::project(
                &mut v,
                params.fields.as_deref(),
                FIELDS,
                &medusa_core::fields::Shape::LEAF,
            );
            v
        })
        .collect();
    Ok(response::list(key, items, count, &params))
}

async fn create(state: &State, tags: bool, key: &str, body: LabelBody) -> ApiResult<HttpResponse> {
    if body.value.trim().is_empty() {
        return Err(Error::invalid_data("Invalid request: Field 'value' is required").into());
    }
    let catalog = state
        .registry
        .get::<dyn ProductService>()
        .map_err(Error::internal)?;
    let label = if tags {
        catalog.upsert_tag(&body.value).await?
    } else {
        catalog.upsert_type(&body.value).await?
    };
    Ok(response::one(
        key,
        serde_json::to_value(&label).map_err(Error::internal)?,
    ))
}

/// List product tags.
#[utoipa::path(get, path = "/admin/product-tags", tag = "Admin", security(("secret_key" = [])),
    responses((status = 200, description = "`{product_tags, count, offset, limit}`", body = Object)))]
#[get("/product-tags")]
pub async fn list_tags(req: HttpRequest, state: State) -> ApiResult<HttpResponse> {
    list(&req, &state, true, "product_tags").await
}

/// Create a product tag (an existing value is returned as it is).
#[utoipa::path(post, path = "/admin/product-tags", tag = "Admin", request_body = LabelBody, security(("secret_key" = [])),
    responses((status = 200, description = "`{product_tag}`", body = Object)))]
#[post("/product-tags")]
pub async fn create_tag(state: State, body: StrictJson<LabelBody>) -> ApiResult<HttpResponse> {
    create(&state, true, "product_tag", body.0).await
}

/// List product types.
#[utoipa::path(get, path = "/admin/product-types", tag = "Admin", security(("secret_key" = [])),
    responses((status = 200, description = "`{product_types, count, offset, limit}`", body = Object)))]
#[get("/product-types")]
pub async fn list_types(req: HttpRequest, state: State) -> ApiResult<HttpResponse> {
    list(&req, &state, false, "product_types").await
}

/// Create a product type (an existing value is returned as it is).
#[utoipa::path(post, path = "/admin/product-types", tag = "Admin", request_body = LabelBody, security(("secret_key" = [])),
    responses((status = 200, description = "`{product_type}`", body = Object)))]
#[post("/product-types")]
pub async fn create_type(state: State, body: StrictJson<LabelBody>) -> ApiResult<HttpResponse> {
    create(&state, false, "product_type", body.0).await
}
