//! `GET /store/product-categories` and `GET /store/product-categories/:id`. Only active,
//! non-internal categories exist for the store.

use std::collections::HashMap;

use actix_web::{HttpRequest, HttpResponse, get, web};
use medusa_api_key::PublishableKeyContext;
use medusa_core::Error;
use medusa_core::fields::{FieldSpec, Selection};
use medusa_core::request::{ListConfig, one_or_many, parse_list_query, parse_query};
use medusa_product::{Category, Page, ProductFilter, ProductService, ProductStatus};
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

const DEFAULT_FIELDS: &[&str] = &[
    "id",
    "name",
    "description",
    "handle",
    "rank",
    "external_id",
    "parent_category_id",
    "created_at",
    "updated_at",
    "metadata",
    "*parent_category",
    "*category_children",
];
const LIST: ListConfig = ListConfig {
    default_limit: 50,
    orderable: &["created_at", "updated_at", "name", "handle", "rank"],
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
    pub q: Option<String>,
    pub name: Option<String>,
    pub description: Option<String>,
    /// A parent id, or `null` for top-level categories.
    #[serde(default, deserialize_with = "one_or_many")]
    #[param(value_type = Option<Vec<String>>)]
    pub parent_category_id: Option<Vec<String>>,
    pub include_descendants_tree: Option<bool>,
    pub include_ancestors_tree: Option<bool>,
    pub limit: Option<u32>,
    pub offset: Option<u32>,
    pub order: Option<String>,
    pub fields: Option<String>,
}

/// The category JSON with the relations the selection asks for, walking the in-memory tree.
fn category_json(
    c: &Category,
    sel: &Selection,
    by_id: &HashMap<String, Category>,
    children: &HashMap<String, Vec<String>>,
    products: &HashMap<String, Vec<Value>>,
    depth: usize,
) -> Value {
    let mut v = serde_json::to_value(c).unwrap_or(Value::Null);
    if depth > 32 {
        return v;
    }
    if let Some(psel) = sel.relation("parent_category") {
        v["parent_category"] = c
            .parent_category_id
            .as_ref()
            .and_then(|p| by_id.get(p))
            .map(|p| category_json(p, psel, by_id, children, products, depth + 1))
            .unwrap_or(Value::Null);
    }
    if let Some(csel) = sel.relation("category_children") {
        v["category_children"] = Value::Array(
            children
                .get(&c.id)
                .map(Vec::as_slice)
                .unwrap_or_default()
                .iter()
                .filter_map(|id| by_id.get(id))
                .map(|child| category_json(child, csel, by_id, children, products, depth + 1))
                .collect(),
        );
    }
    if sel.relation("products").is_some() {
        v["products"] = Value::Array(products.get(&c.id).cloned().unwrap_or_default());
    }
    // Nested relations were projected by the recursive calls; this level keeps the columns
    // and relations its selection names.
    const RELATIONS: [&str; 3] = ["parent_category", "category_children", "products"];
    if let Value::Object(map) = &mut v {
        map.retain(|k, _| {
            k == "id"
                || if RELATIONS.contains(&k.as_str()) {
                    sel.relation(k).is_some()
                } else {
                    sel.all || sel.fields.contains(k.as_str())
                }
        });
    }
    v
}

async fn render(
    state: &State,
    key: &PublishableKeyContext,
    page_items: Vec<Category>,
    fields: Option<&str>,
) -> ApiResult<Vec<Value>> {
    let spec = FieldSpec::parse(fields, DEFAULT_FIELDS);
    let sel = spec.selection();
    let catalog = state
        .registry
        .get::<dyn ProductService>()
        .map_err(Error::internal)?;
    // Parents and children come from the whole visible tree: one query, however deep.
    let (all, _) = if sel.relation("parent_category").is_some()
        || sel.relation("category_children").is_some()
    {
        catalog
            .list_categories(None, None, None, true, None)
            .await?
    } else {
        (Vec::new(), 0)
    };
    let mut children: HashMap<String, Vec<String>> = HashMap::new();
    for c in &all {
        if let Some(p) = &c.parent_category_id {
            children.entry(p.clone()).or_default().push(c.id.clone());
        }
    }
    let by_id: HashMap<String, Category> = all.into_iter().map(|c| (c.id.clone(), c)).collect();
    let mut products: HashMap<String, Vec<Value>> = HashMap::new();
    if spec.requests("products") {
        let mut wanted: Vec<String> = page_items.iter().map(|c| c.id.clone()).collect();
        if sel
            .relation("category_children")
            .is_some_and(|c| c.relation("products").is_some())
        {
            wanted.extend(by_id.keys().cloned());
        }
        let links = catalog.products_of_categories(&wanted).await?;
        let product_ids: Vec<String> = links.values().flatten().cloned().collect();
        let filter = ProductFilter {
            ids: Some(product_ids),
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
        let visible: HashMap<String, Value> = catalog
            .list_products(&filter, &page)
            .await?
            .0
            .into_iter()
            .map(|p| {
                let mut v = serde_json::to_value(&p).unwrap_or(Value::Null);
                if let Some(o) = v.as_object_mut() {
                    o.remove("status");
                    o.remove("external_id");
                }
                (p.id, v)
            })
            .collect();
        for (cat, pids) in links {
            products.insert(
                cat,
                pids.iter()
                    .filter_map(|p| visible.get(p).cloned())
                    .collect(),
            );
        }
    }
    Ok(page_items
        .iter()
        .map(|c| category_json(c, &sel, &by_id, &children, &products, 0))
        .collect())
}

/// List categories.
#[utoipa::path(get, path = "/store/product-categories", tag = "Store", params(ListQuery),
    security(("publishable_key" = [])),
    responses((status = 200, description = "`{product_categories, count, offset, limit}`", body = Object)))]
#[get("/product-categories")]
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
    let parents: Option<Vec<Option<String>>> = q.parent_category_id.as_ref().map(|v| {
        v.iter()
            .map(|p| if p == "null" { None } else { Some(p.clone()) })
            .collect()
    });
    let page = Page {
        limit: u64::from(params.limit),
        offset: u64::from(params.offset),
        order: None,
    };
    let (mut cats, mut count) = catalog
        .list_categories(
            q.id.as_deref(),
            q.handle.as_deref(),
            parents.as_deref(),
            true,
            Some(&page),
        )
        .await?;
    if let Some(text) = q.q.as_deref().or(q.name.as_deref()).map(str::to_lowercase) {
        cats.retain(|c| c.name.to_lowercase().contains(&text) || c.handle.contains(&text));
        count = cats.len() as u64;
    }
    let items = render(&state, &key, cats, params.fields.as_deref()).await?;
    Ok(response::list("product_categories", items, count, &params))
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RetrieveQuery {
    pub fields: Option<String>,
    pub include_descendants_tree: Option<bool>,
    pub include_ancestors_tree: Option<bool>,
}

/// A category.
#[utoipa::path(get, path = "/store/product-categories/{id}", tag = "Store",
    params(("id" = String, Path, description = "Category id"), RetrieveQuery),
    security(("publishable_key" = [])),
    responses((status = 200, description = "`{product_category}`", body = Object),
        (status = 404, description = "No such category", body = crate::openapi::ErrorBody)))]
#[get("/product-categories/{id}")]
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
    let (cats, _) = catalog
        .list_categories(Some(std::slice::from_ref(&id)), None, None, true, None)
        .await?;
    if cats.is_empty() {
        return Err(Error::not_found(format!("Category with id: {id} was not found")).into());
    }
    let mut items = render(&state, &key, cats, q.fields.as_deref()).await?;
    Ok(response::one(
        "product_category",
        items.pop().unwrap_or(Value::Null),
    ))
}
