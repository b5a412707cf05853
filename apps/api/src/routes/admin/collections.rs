//! `/admin/collections` and `/admin/product-categories`.

use actix_web::{HttpRequest, HttpResponse, delete, get, post, web};
use medusa_core::Error;
use medusa_core::request::{ListConfig, one_or_many, parse_list_query, parse_query};
use medusa_product::{Category, CategoryFilter, NewCategory, Page, ProductService};
use serde::Deserialize;
use serde_json::Value;
use utoipa::{IntoParams, OpenApi, ToSchema};

use crate::error::ApiResult;
use crate::extract::StrictJson;
use crate::response;
use crate::routes::store::categories::{RenderCategories, render_categories};
use crate::state::State;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(list_collections)
        .service(create_collection)
        .service(get_collection)
        .service(update_collection)
        .service(delete_collection)
        .service(collection_products)
        .service(list_categories)
        .service(create_category)
        .service(get_category)
        .service(update_category)
        .service(delete_category)
        .service(category_products);
}

#[derive(OpenApi)]
#[openapi(
    paths(
        list_collections,
        create_collection,
        get_collection,
        update_collection,
        delete_collection,
        list_categories,
        create_category,
        get_category,
        update_category,
        delete_category,
        collection_products,
        category_products
    ),
    components(schemas(CollectionBody, CategoryBody, LinkBody))
)]
pub struct Api;

const LIST: ListConfig = ListConfig {
    default_limit: 50,
    orderable: &[
        "created_at",
        "updated_at",
        "title",
        "handle",
        "name",
        "rank",
    ],
};

fn svc(state: &State) -> ApiResult<std::sync::Arc<dyn ProductService>> {
    Ok(state
        .registry
        .get::<dyn ProductService>()
        .map_err(Error::internal)?)
}

fn project(v: Value, fields: Option<&str>, defaults: &[&str]) -> Value {
    let mut v = v;
    crate::response::project(&mut v, fields, defaults, &medusa_core::fields::Shape::LEAF);
    v
}

const COLLECTION_FIELDS: &[&str] = &[
    "id",
    "title",
    "handle",
    "metadata",
    "created_at",
    "updated_at",
    "deleted_at",
];
const CATEGORY_FIELDS: &[&str] = &[
    "id",
    "name",
    "description",
    "handle",
    "is_active",
    "is_internal",
    "rank",
    "parent_category_id",
    "external_id",
    "metadata",
    "created_at",
    "updated_at",
    "deleted_at",
];

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CollectionQuery {
    #[serde(default, deserialize_with = "one_or_many")]
    #[param(value_type = Option<Vec<String>>)]
    pub id: Option<Vec<String>>,
    #[serde(default, deserialize_with = "one_or_many")]
    #[param(value_type = Option<Vec<String>>)]
    pub handle: Option<Vec<String>>,
    pub title: Option<String>,
    pub q: Option<String>,
    pub limit: Option<u32>,
    pub offset: Option<u32>,
    pub order: Option<String>,
    pub fields: Option<String>,
}

/// `POST /admin/collections[/:id]`.
#[derive(Debug, Deserialize, ToSchema)]
pub struct CollectionBody {
    pub title: Option<String>,
    pub handle: Option<String>,
    #[schema(value_type = Option<Object>)]
    pub metadata: Option<Option<Value>>,
}

/// List collections.
#[utoipa::path(get, path = "/admin/collections", tag = "Admin", params(CollectionQuery), security(("secret_key" = [])),
    responses((status = 200, description = "`{collections, count, offset, limit}`", body = Object)))]
#[get("/collections")]
pub async fn list_collections(req: HttpRequest, state: State) -> ApiResult<HttpResponse> {
    let (params, q): (_, CollectionQuery) = parse_list_query(req.query_string(), &LIST)?;
    let page = Page {
        limit: u64::from(params.limit),
        offset: u64::from(params.offset),
        order: None,
    };
    let (cols, count) = svc(&state)?
        .list_collections(
            q.id.as_deref(),
            q.handle.as_deref(),
            q.title.as_deref(),
            &page,
        )
        .await?;
    let items = cols
        .iter()
        .map(|c| {
            project(
                serde_json::to_value(c).unwrap_or(Value::Null),
                params.fields.as_deref(),
                COLLECTION_FIELDS,
            )
        })
        .collect();
    Ok(response::list("collections", items, count, &params))
}

/// Create a collection.
#[utoipa::path(post, path = "/admin/collections", tag = "Admin", request_body = CollectionBody, security(("secret_key" = [])),
    responses((status = 200, description = "`{collection}`", body = Object)))]
#[post("/collections")]
pub async fn create_collection(
    state: State,
    body: StrictJson<CollectionBody>,
) -> ApiResult<HttpResponse> {
    let b = body.0;
    let title = b
        .title
        .filter(|t| !t.trim().is_empty())
        .ok_or_else(|| Error::invalid_data("Invalid request: Field 'title' is required"))?;
    let c = svc(&state)?
        .create_collection(&title, b.handle.as_deref(), b.metadata.flatten())
        .await?;
    Ok(response::one(
        "collection",
        project(
            serde_json::to_value(&c).map_err(Error::internal)?,
            None,
            COLLECTION_FIELDS,
        ),
    ))
}

async fn find_collection(state: &State, id: &str) -> ApiResult<medusa_product::Collection> {
    let page = Page {
        limit: 1,
        offset: 0,
        order: None,
    };
    svc(state)?
        .list_collections(Some(&[id.to_owned()]), None, None, &page)
        .await?
        .0
        .into_iter()
        .next()
        .ok_or_else(|| {
            Error::not_found(format!("Product collection with id: {id} was not found")).into()
        })
}

/// A collection.
#[utoipa::path(get, path = "/admin/collections/{id}", tag = "Admin", params(("id" = String, Path, description = "Collection id")), security(("secret_key" = [])),
    responses((status = 200, description = "`{collection}`", body = Object), (status = 404, description = "Not found", body = crate::openapi::ErrorBody)))]
#[get("/collections/{id}")]
pub async fn get_collection(path: web::Path<String>, state: State) -> ApiResult<HttpResponse> {
    let c = find_collection(&state, &path).await?;
    Ok(response::one(
        "collection",
        project(
            serde_json::to_value(&c).map_err(Error::internal)?,
            None,
            COLLECTION_FIELDS,
        ),
    ))
}

/// Update a collection.
#[utoipa::path(post, path = "/admin/collections/{id}", tag = "Admin", request_body = CollectionBody, params(("id" = String, Path, description = "Collection id")), security(("secret_key" = [])),
    responses((status = 200, description = "`{collection}`", body = Object), (status = 404, description = "Not found", body = crate::openapi::ErrorBody)))]
#[post("/collections/{id}")]
pub async fn update_collection(
    path: web::Path<String>,
    state: State,
    body: StrictJson<CollectionBody>,
) -> ApiResult<HttpResponse> {
    let b = body.0;
    let c = svc(&state)?
        .update_collection(&path, b.title, b.handle, b.metadata)
        .await?;
    Ok(response::one(
        "collection",
        project(
            serde_json::to_value(&c).map_err(Error::internal)?,
            None,
            COLLECTION_FIELDS,
        ),
    ))
}

/// Delete a collection (its products stay, without a collection).
#[utoipa::path(delete, path = "/admin/collections/{id}", tag = "Admin", params(("id" = String, Path, description = "Collection id")), security(("secret_key" = [])),
    responses((status = 200, description = "`{id, object: \"collection\", deleted: true}`", body = Object)))]
#[delete("/collections/{id}")]
pub async fn delete_collection(path: web::Path<String>, state: State) -> ApiResult<HttpResponse> {
    svc(&state)?.delete_collection(&path).await?;
    Ok(response::deleted(&path, "collection", None))
}

/// Medusa's admin defaults for categories: the columns and both tree relations.
const CATEGORY_DEFAULTS: &[&str] = &[
    "id",
    "name",
    "description",
    "handle",
    "is_active",
    "is_internal",
    "rank",
    "external_id",
    "parent_category_id",
    "created_at",
    "updated_at",
    "metadata",
    "*parent_category",
    "*category_children",
];

/// `GET /admin/product-categories/:id`.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CategoryRetrieveQuery {
    pub fields: Option<String>,
    pub include_descendants_tree: Option<bool>,
    pub include_ancestors_tree: Option<bool>,
}

async fn render_category(
    state: &State,
    c: Category,
    q: &CategoryRetrieveQuery,
) -> ApiResult<Value> {
    let mut items = render_categories(
        state,
        vec![c],
        &RenderCategories {
            key: None,
            defaults: CATEGORY_DEFAULTS,
            fields: q.fields.as_deref(),
            include_ancestors_tree: q.include_ancestors_tree.unwrap_or(false),
            include_descendants_tree: q.include_descendants_tree.unwrap_or(false),
        },
    )
    .await?;
    Ok(items.pop().unwrap_or(Value::Null))
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CategoryQuery {
    #[serde(default, deserialize_with = "one_or_many")]
    #[param(value_type = Option<Vec<String>>)]
    pub id: Option<Vec<String>>,
    #[serde(default, deserialize_with = "one_or_many")]
    #[param(value_type = Option<Vec<String>>)]
    pub handle: Option<Vec<String>>,
    #[serde(default, deserialize_with = "one_or_many")]
    #[param(value_type = Option<Vec<String>>)]
    pub parent_category_id: Option<Vec<String>>,
    pub q: Option<String>,
    pub is_active: Option<bool>,
    pub is_internal: Option<bool>,
    pub include_descendants_tree: Option<bool>,
    pub include_ancestors_tree: Option<bool>,
    pub limit: Option<u32>,
    pub offset: Option<u32>,
    pub order: Option<String>,
    pub fields: Option<String>,
}

/// `POST /admin/product-categories[/:id]`.
#[derive(Debug, Deserialize, ToSchema)]
pub struct CategoryBody {
    pub name: Option<String>,
    pub description: Option<String>,
    pub handle: Option<String>,
    pub is_active: Option<bool>,
    pub is_internal: Option<bool>,
    pub rank: Option<i32>,
    pub parent_category_id: Option<String>,
    #[schema(value_type = Option<Object>)]
    pub metadata: Option<Value>,
}

/// List categories (all, including inactive and internal ones).
#[utoipa::path(get, path = "/admin/product-categories", tag = "Admin", params(CategoryQuery), security(("secret_key" = [])),
    responses((status = 200, description = "`{product_categories, count, offset, limit}`", body = Object)))]
#[get("/product-categories")]
pub async fn list_categories(req: HttpRequest, state: State) -> ApiResult<HttpResponse> {
    let (params, q): (_, CategoryQuery) = parse_list_query(req.query_string(), &LIST)?;
    let parents: Option<Vec<Option<String>>> = q.parent_category_id.map(|v| {
        v.into_iter()
            .map(|p| if p == "null" { None } else { Some(p) })
            .collect()
    });
    let page = Page {
        limit: u64::from(params.limit),
        offset: u64::from(params.offset),
        order: params.order.as_ref().map(|o| {
            (
                o.field.clone(),
                o.direction == medusa_core::request::Direction::Desc,
            )
        }),
    };
    // Every filter, `q` included, is applied by the query, before the page is cut.
    let filter = CategoryFilter {
        ids: q.id,
        handles: q.handle,
        parent_ids: parents,
        q: q.q,
        is_active: q.is_active,
        is_internal: q.is_internal,
        ..Default::default()
    };
    let (cats, count) = svc(&state)?.search_categories(&filter, Some(&page)).await?;
    let items = render_categories(
        &state,
        cats,
        &RenderCategories {
            key: None,
            defaults: CATEGORY_DEFAULTS,
            fields: params.fields.as_deref(),
            include_ancestors_tree: q.include_ancestors_tree.unwrap_or(false),
            include_descendants_tree: q.include_descendants_tree.unwrap_or(false),
        },
    )
    .await?;
    Ok(response::list("product_categories", items, count, &params))
}

/// Create a category.
#[utoipa::path(post, path = "/admin/product-categories", tag = "Admin", request_body = CategoryBody, security(("secret_key" = [])),
    responses((status = 200, description = "`{product_category}`", body = Object)))]
#[post("/product-categories")]
pub async fn create_category(
    state: State,
    body: StrictJson<CategoryBody>,
) -> ApiResult<HttpResponse> {
    let b = body.0;
    let name = b
        .name
        .filter(|n| !n.trim().is_empty())
        .ok_or_else(|| Error::invalid_data("Invalid request: Field 'name' is required"))?;
    let c = svc(&state)?
        .create_category(NewCategory {
            name,
            description: b.description,
            handle: b.handle,
            // Medusa creates categories inactive unless told otherwise.
            is_active: b.is_active.unwrap_or(false),
            is_internal: b.is_internal.unwrap_or(false),
            rank: b.rank,
            parent_category_id: b.parent_category_id,
            metadata: b.metadata,
        })
        .await?;
    Ok(response::one(
        "product_category",
        project(
            serde_json::to_value(&c).map_err(Error::internal)?,
            None,
            CATEGORY_FIELDS,
        ),
    ))
}

async fn find_category(state: &State, id: &str) -> ApiResult<medusa_product::Category> {
    svc(state)?
        .list_categories(Some(&[id.to_owned()]), None, None, false, None)
        .await?
        .0
        .into_iter()
        .next()
        .ok_or_else(|| {
            Error::not_found(format!("Product category with id: {id} was not found")).into()
        })
}

/// A category.
#[utoipa::path(get, path = "/admin/product-categories/{id}", tag = "Admin", params(("id" = String, Path, description = "Category id"), CategoryRetrieveQuery), security(("secret_key" = [])),
    responses((status = 200, description = "`{product_category}`", body = Object), (status = 404, description = "Not found", body = crate::openapi::ErrorBody)))]
#[get("/product-categories/{id}")]
pub async fn get_category(
    req: HttpRequest,
    path: web::Path<String>,
    state: State,
) -> ApiResult<HttpResponse> {
    let q: CategoryRetrieveQuery = parse_query(req.query_string())?;
    let c = find_category(&state, &path).await?;
    Ok(response::one(
        "product_category",
        render_category(&state, c, &q).await?,
    ))
}

/// Update a category.
#[utoipa::path(post, path = "/admin/product-categories/{id}", tag = "Admin", request_body = CategoryBody, params(("id" = String, Path, description = "Category id")), security(("secret_key" = [])),
    responses((status = 200, description = "`{product_category}`", body = Object), (status = 404, description = "Not found", body = crate::openapi::ErrorBody)))]
#[post("/product-categories/{id}")]
pub async fn update_category(
    path: web::Path<String>,
    state: State,
    body: StrictJson<CategoryBody>,
) -> ApiResult<HttpResponse> {
    let b = body.0;
    let existing = find_category(&state, &path).await?;
    let c = svc(&state)?
        .update_category(
            &path,
            NewCategory {
                name: b.name.unwrap_or_default(),
                description: b.description,
                handle: b.handle,
                is_active: b.is_active.unwrap_or(existing.is_active),
                is_internal: b.is_internal.unwrap_or(existing.is_internal),
                rank: b.rank,
                parent_category_id: None,
                metadata: b.metadata,
            },
        )
        .await?;
    Ok(response::one(
        "product_category",
        project(
            serde_json::to_value(&c).map_err(Error::internal)?,
            None,
            CATEGORY_FIELDS,
        ),
    ))
}

/// Delete a category (refused while it has children).
#[utoipa::path(delete, path = "/admin/product-categories/{id}", tag = "Admin", params(("id" = String, Path, description = "Category id")), security(("secret_key" = [])),
    responses((status = 200, description = "`{id, object: \"product_category\", deleted: true}`", body = Object)))]
#[delete("/product-categories/{id}")]
pub async fn delete_category(path: web::Path<String>, state: State) -> ApiResult<HttpResponse> {
    svc(&state)?.delete_category(&path).await?;
    Ok(response::deleted(&path, "product_category", None))
}

/// `POST /admin/collections/:id/products` and `/admin/product-categories/:id/products`
/// (Medusa's `LinkMethodRequest`).
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct LinkBody {
    /// Product ids to add.
    pub add: Option<Vec<String>>,
    /// Product ids to remove.
    pub remove: Option<Vec<String>>,
}

/// Add products to a collection or take them out of it.
#[utoipa::path(post, path = "/admin/collections/{id}/products", tag = "Admin", request_body = LinkBody, params(("id" = String, Path, description = "Collection id")), security(("secret_key" = [])),
    responses((status = 200, description = "`{collection}`", body = Object), (status = 404, description = "Not found", body = crate::openapi::ErrorBody)))]
#[post("/collections/{id}/products")]
pub async fn collection_products(
    path: web::Path<String>,
    state: State,
    body: StrictJson<LinkBody>,
) -> ApiResult<HttpResponse> {
    let b = body.0;
    svc(&state)?
        .link_collection_products(
            &path,
            &b.add.unwrap_or_default(),
            &b.remove.unwrap_or_default(),
        )
        .await?;
    let c = find_collection(&state, &path).await?;
    Ok(response::one(
        "collection",
        project(
            serde_json::to_value(&c).map_err(Error::internal)?,
            None,
            COLLECTION_FIELDS,
        ),
    ))
}

/// Add products to a category or remove them from it.
#[utoipa::path(post, path = "/admin/product-categories/{id}/products", tag = "Admin", request_body = LinkBody, params(("id" = String, Path, description = "Category id")), security(("secret_key" = [])),
    responses((status = 200, description = "`{product_category}`", body = Object), (status = 404, description = "Not found", body = crate::openapi::ErrorBody)))]
#[post("/product-categories/{id}/products")]
pub async fn category_products(
    path: web::Path<String>,
    state: State,
    body: StrictJson<LinkBody>,
) -> ApiResult<HttpResponse> {
    let b = body.0;
    svc(&state)?
        .link_category_products(
            &path,
            &b.add.unwrap_or_default(),
            &b.remove.unwrap_or_default(),
        )
        .await?;
    let c = find_category(&state, &path).await?;
    Ok(response::one(
        "product_category",
        render_category(&state, c, &CategoryRetrieveQuery::default()).await?,
    ))
}
