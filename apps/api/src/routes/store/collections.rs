//! `GET /store/collections` and `GET /store/collections/:id`.

use actix_web::{HttpRequest, HttpResponse, get, web};
use medusa_api_key::PublishableKeyContext;
use medusa_core::Error;
use medusa_core::fields::{FieldSpec, Shape};
use medusa_core::request::{ListConfig, one_or_many, parse_list_query, parse_query};
use medusa_product::{Collection, Page, ProductService, ProductStatus};
use serde::Deserialize;
use serde_json::Value;
use utoipa::{IntoParams, OpenApi};

use crate::error::ApiResult;
use crate::response;
use crate::state::State;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(list).service(retrieve);
}

#[derive(OpenApi)]
#[openapi(paths(list, retrieve))]
pub struct Api;

const DEFAULT_FIELDS: &[&str] = &["id", "title", "handle", "created_at", "updated_at"];
const LIST: ListConfig = ListConfig {
    default_limit: 10,
    orderable: &["created_at", "updated_at", "title", "handle"],
};
static SHAPE: Shape = Shape {
    relations: &[("products", &Shape::LEAF)],
};

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    #[serde(default, deserialize_with = "one_or_many")]
    #[param(value_type = Option<Vec<String>>)]
    pub id: Option<Vec<String>>,
    #[serde(default, deserialize_with = "one_or_many")]
    #[param(value_type = Option<Vec<String>>)]
    pub handle: Option<Vec<String>>,
    pub title: Option<String>,
    pub limit: Option<u32>,
    pub offset: Option<u32>,
    pub order: Option<String>,
    pub fields: Option<String>,
}

async fn render(
    state: &State,
    key: &PublishableKeyContext,
    cols: Vec<Collection>,
    fields: Option<&str>,
) -> ApiResult<Vec<Value>> {
    let spec = FieldSpec::parse(fields, DEFAULT_FIELDS);
    let mut products_by_collection: std::collections::HashMap<String, Vec<Value>> =
        Default::default();
    if spec.requests("products") && !cols.is_empty() {
        let catalog = state
            .registry
            .get::<dyn ProductService>()
            .map_err(Error::internal)?;
        let ids: Vec<String> = cols.iter().map(|c| c.id.clone()).collect();
        // Only what the store may see: published products of the key's channels.
        let filter = medusa_product::ProductFilter {
            collection_ids: Some(ids),
            statuses: Some(vec![ProductStatus::Published]),
            sales_channel_ids: Some(
                key.sales_channel_ids
                    .iter()
                    .map(|c| c.to_string())
                    .collect(),
            ),
            ..Default::default()
        };
        let page = Page {
            limit: 10_000,
            offset: 0,
            order: None,
        };
        for p in catalog.list_products(&filter, &page).await?.0 {
            if let Some(cid) = p.collection_id.clone() {
                let mut v = serde_json::to_value(&p).map_err(Error::internal)?;
                if let Some(o) = v.as_object_mut() {
                    o.remove("status");
                    o.remove("external_id");
                }
                products_by_collection.entry(cid).or_default().push(v);
            }
        }
    }
    let selection = spec.selection();
    cols.into_iter()
        .map(|c| {
            let mut v = serde_json::to_value(&c).map_err(Error::internal)?;
            if spec.requests("products") {
                v["products"] =
                    Value::Array(products_by_collection.remove(&c.id).unwrap_or_default());
            }
            selection.project(&mut v, &SHAPE);
            Ok(v)
        })
        .collect()
}

/// List collections.
#[utoipa::path(get, path = "/store/collections", tag = "Store", params(ListQuery),
    security(("publishable_key" = [])),
    responses((status = 200, description = "`{collections, count, offset, limit}`", body = Object)))]
#[get("/collections")]
pub async fn list(
    req: HttpRequest,
    state: State,
    key: web::ReqData<PublishableKeyContext>,
) -> ApiResult<HttpResponse> {
    let (params, q): (_, ListQuery) = parse_list_query(req.query_string(), &LIST)?;
    let catalog = state
        .registry
        .get::<dyn ProductService>()
        .map_err(Error::internal)?;
    let page = Page {
        limit: u64::from(params.limit),
        offset: u64::from(params.offset),
        order: None,
    };
    let (cols, count) = catalog
        .list_collections(
            q.id.as_deref(),
            q.handle.as_deref(),
            q.title.as_deref(),
            &page,
        )
        .await?;
    let items = render(&state, &key, cols, params.fields.as_deref()).await?;
    Ok(response::list("collections", items, count, &params))
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RetrieveQuery {
    pub fields: Option<String>,
}

/// A collection.
#[utoipa::path(get, path = "/store/collections/{id}", tag = "Store",
    params(("id" = String, Path, description = "Collection id"), RetrieveQuery),
    security(("publishable_key" = [])),
    responses((status = 200, description = "`{collection}`", body = Object),
        (status = 404, description = "No such collection", body = crate::openapi::ErrorBody)))]
#[get("/collections/{id}")]
pub async fn retrieve(
    req: HttpRequest,
    path: web::Path<String>,
    state: State,
    key: web::ReqData<PublishableKeyContext>,
) -> ApiResult<HttpResponse> {
    let q: RetrieveQuery = parse_query(req.query_string())?;
    let id = path.into_inner();
    let catalog = state
        .registry
        .get::<dyn ProductService>()
        .map_err(Error::internal)?;
    let page = Page {
        limit: 1,
        offset: 0,
        order: None,
    };
    let (cols, _) = catalog
        .list_collections(Some(std::slice::from_ref(&id)), None, None, &page)
        .await?;
    if cols.is_empty() {
        return Err(Error::not_found(format!("Collection with id: {id} was not found")).into());
    }
    let mut items = render(&state, &key, cols, q.fields.as_deref()).await?;
    Ok(response::one(
        "collection",
        items.pop().unwrap_or(Value::Null),
    ))
}
