//! `GET /store/product-categories` and `GET /store/product-categories/:id`. Only active,
//! non-internal categories exist for the store.

use std::collections::HashMap;

use actix_web::{HttpRequest, HttpResponse, get, web};
use medusa_api_key::PublishableKeyContext;
use medusa_core::Error;
use medusa_core::fields::{FieldSpec, Selection};
use medusa_core::request::{ListConfig, one_or_many, parse_list_query, parse_query};
use medusa_product::{
    Category, CategoryFilter, Page, ProductFilter, ProductService, ProductStatus,
};
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
    #[serde(default, deserialize_with = "one_or_many")]
    #[param(value_type = Option<Vec<String>>)]
    pub name: Option<Vec<String>>,
    #[serde(default, deserialize_with = "one_or_many")]
    #[param(value_type = Option<Vec<String>>)]
    pub description: Option<Vec<String>>,
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

/// Which way a nested category is rendered from: `include_ancestors_tree` keeps walking up
/// through `parent_category`, `include_descendants_tree` keeps walking down through
/// `category_children`, even where the nested selection does not name the relation again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Walk {
    Root,
    Up,
    Down,
}

/// What the tree walk needs: the whole (visible) tree in memory, the products per category
/// and the two `include_*_tree` flags.
struct Tree<'a> {
    by_id: &'a HashMap<String, Category>,
    children: &'a HashMap<String, Vec<String>>,
    products: &'a HashMap<String, Vec<Value>>,
    ancestors: bool,
    descendants: bool,
}

/// The category JSON with the relations the selection asks for, walking the in-memory tree.
fn category_json(c: &Category, sel: &Selection, tree: &Tree, walk: Walk, depth: usize) -> Value {
    let mut v = serde_json::to_value(c).unwrap_or(Value::Null);
    if depth > 64 {
        return v;
    }
    // Below the root, a tree flag carries the relation on with the same selection.
    let parent_sel = sel
        .relation("parent_category")
        .or_else(|| (walk == Walk::Up && tree.ancestors).then_some(sel));
    let children_sel = sel
        .relation("category_children")
        .or_else(|| (walk == Walk::Down && tree.descendants).then_some(sel));
    if let Some(psel) = parent_sel {
        v["parent_category"] = c
            .parent_category_id
            .as_ref()
            .and_then(|p| tree.by_id.get(p))
            .map(|p| category_json(p, psel, tree, Walk::Up, depth + 1))
            .unwrap_or(Value::Null);
    }
    if let Some(csel) = children_sel {
        v["category_children"] = Value::Array(
            tree.children
                .get(&c.id)
                .map(Vec::as_slice)
                .unwrap_or_default()
                .iter()
                .filter_map(|id| tree.by_id.get(id))
                .map(|child| category_json(child, csel, tree, Walk::Down, depth + 1))
                .collect(),
        );
    }
    if sel.relation("products").is_some() {
        v["products"] = Value::Array(tree.products.get(&c.id).cloned().unwrap_or_default());
    }
    // Nested relations were projected by the recursive calls; this level keeps the columns
    // and relations its selection names (or a tree flag carried on).
    if let Value::Object(map) = &mut v {
        map.retain(|k, _| match k.as_str() {
            "id" => true,
            "parent_category" => parent_sel.is_some(),
            "category_children" => children_sel.is_some(),
            "products" => sel.relation("products").is_some(),
            _ => sel.all || sel.fields.contains(k.as_str()),
        });
    }
    v
}

/// How a category page is rendered: the store's (visible tree, products of the key's sales
/// channels) or the admin's (whole tree, no products).
pub(crate) struct RenderCategories<'a> {
    /// The store's key: only visible categories and products; `None` for the admin.
    pub key: Option<&'a PublishableKeyContext>,
    pub defaults: &'a [&'a str],
    pub fields: Option<&'a str>,
    pub include_ancestors_tree: bool,
    pub include_descendants_tree: bool,
}

/// Renders a page of categories with `parent_category` / `category_children` (trees when the
/// `include_*_tree` flags ask) and, for the store, `products`.
pub(crate) async fn render_categories(
    state: &State,
    page_items: Vec<Category>,
    opts: &RenderCategories<'_>,
) -> ApiResult<Vec<Value>> {
    let spec = FieldSpec::parse(opts.fields, opts.defaults);
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
            .list_categories(None, None, None, opts.key.is_some(), None)
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
    if let Some(key) = opts.key
        && spec.requests("products")
    {
        let mut wanted: Vec<String> = page_items.iter().map(|c| c.id.clone()).collect();
        if sel
            .relation("category_children")
            .is_some_and(|c| c.relation("products").is_some())
            || opts.include_descendants_tree
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
    let tree = Tree {
        by_id: &by_id,
        children: &children,
        products: &products,
        ancestors: opts.include_ancestors_tree,
        descendants: opts.include_descendants_tree,
    };
    Ok(page_items
        .iter()
        .map(|c| category_json(c, &sel, &tree, Walk::Root, 0))
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
        names: q.name,
        descriptions: q.description,
        store_visible_only: true,
        ..Default::default()
    };
    let (cats, count) = catalog.search_categories(&filter, Some(&page)).await?;
    let items = render_categories(
        &state,
        cats,
        &RenderCategories {
            key: Some(&key),
            defaults: DEFAULT_FIELDS,
            fields: params.fields.as_deref(),
            include_ancestors_tree: q.include_ancestors_tree.unwrap_or(false),
            include_descendants_tree: q.include_descendants_tree.unwrap_or(false),
        },
    )
    .await?;
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
    let mut items = render_categories(
        &state,
        cats,
        &RenderCategories {
            key: Some(&key),
            defaults: DEFAULT_FIELDS,
            fields: q.fields.as_deref(),
            include_ancestors_tree: q.include_ancestors_tree.unwrap_or(false),
            include_descendants_tree: q.include_descendants_tree.unwrap_or(false),
        },
    )
    .await?;
    Ok(response::one(
        "product_category",
        items.pop().unwrap_or(Value::Null),
    ))
}
