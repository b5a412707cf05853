//! `GET /store/products` and `GET /store/products/:id`.
//!
//! A page costs a fixed number of statements whatever its size or the number of variants: one
//! for the page, one for the count, one per requested relation, three or four for prices and
//! two for availability (see the statement-count test).

use actix_web::{HttpRequest, HttpResponse, get, web};
use medusa_api_key::PublishableKeyContext;
use medusa_core::Error;
use medusa_core::fields::FieldSpec;
use medusa_core::id::SalesChannelId;
use medusa_core::request::{Comparison, ListConfig, one_or_many, parse_list_query, parse_query};
use medusa_product::{Page, ProductFilter, ProductService, ProductStatus};
use serde::Deserialize;
use serde_json::Value;
use utoipa::{IntoParams, OpenApi};

use crate::catalog::{RenderOptions, render};
use crate::error::{ApiError, ApiResult};
use crate::state::State;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(list).service(retrieve);
}

#[derive(OpenApi)]
#[openapi(paths(list, retrieve))]
pub struct Api;

/// Medusa's default store product fields.
pub const DEFAULT_FIELDS: &[&str] = &[
    "id",
    "title",
    "subtitle",
    "description",
    "handle",
    "is_giftcard",
    "discountable",
    "thumbnail",
    "collection_id",
    "type_id",
    "weight",
    "length",
    "height",
    "width",
    "hs_code",
    "origin_country",
    "mid_code",
    "material",
    "created_at",
    "updated_at",
    "*type",
    "*collection",
    "*options",
    "*options.values",
    "*tags",
    "*images",
    "*variants",
    "*variants.options",
];

const LIST: ListConfig = ListConfig {
    default_limit: 50,
    orderable: &["created_at", "updated_at", "title", "handle", "id"],
};

/// Query of `GET /store/products`.
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
    pub q: Option<String>,
    #[serde(default, deserialize_with = "one_or_many")]
    #[param(value_type = Option<Vec<String>>)]
    pub collection_id: Option<Vec<String>>,
    #[serde(default, deserialize_with = "one_or_many")]
    #[param(value_type = Option<Vec<String>>)]
    pub category_id: Option<Vec<String>>,
    #[serde(default, deserialize_with = "one_or_many")]
    #[param(value_type = Option<Vec<String>>)]
    pub tag_id: Option<Vec<String>>,
    #[serde(default, deserialize_with = "one_or_many")]
    #[param(value_type = Option<Vec<String>>)]
    pub type_id: Option<Vec<String>>,
    #[serde(default, deserialize_with = "one_or_many")]
    #[param(value_type = Option<Vec<String>>)]
    pub sales_channel_id: Option<Vec<String>>,
    #[serde(default, deserialize_with = "one_or_many")]
    #[param(value_type = Option<Vec<String>>)]
    pub external_id: Option<Vec<String>>,
    pub is_giftcard: Option<bool>,
    pub region_id: Option<String>,
    pub country_code: Option<String>,
    pub province: Option<String>,
    pub cart_id: Option<String>,
    #[param(value_type = Option<Object>)]
    pub created_at: Option<Comparison<String>>,
    #[param(value_type = Option<Object>)]
    pub updated_at: Option<Comparison<String>>,
    /// Page size (default 50, at most 1000).
    pub limit: Option<u32>,
    pub offset: Option<u32>,
    /// `created_at`, `-created_at`, `title`, ...
    pub order: Option<String>,
    /// Medusa's field selection.
    pub fields: Option<String>,
}

/// Query of `GET /store/products/:id`.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RetrieveQuery {
    pub fields: Option<String>,
    pub region_id: Option<String>,
    pub country_code: Option<String>,
    pub province: Option<String>,
    pub cart_id: Option<String>,
    #[serde(default, deserialize_with = "one_or_many")]
    #[param(value_type = Option<Vec<String>>)]
    pub sales_channel_id: Option<Vec<String>>,
}

async fn context(
    state: &State,
    key: &PublishableKeyContext,
    region_id: Option<&str>,
    requested_channels: Option<&[String]>,
    wants_prices: bool,
) -> ApiResult<RenderOptions> {
    let channels: Vec<SalesChannelId> = match requested_channels {
        // A client may narrow the key's channels, never widen them.
        Some(req) => {
            let mut out = Vec::new();
            for c in req {
                let id = SalesChannelId::parse(c)
                    .ok()
                    .filter(|id| key.sales_channel_ids.contains(id));
                match id {
                    Some(id) => out.push(id),
                    None => {
                        return Err(Error::invalid_data(format!(
                            "Requested sales channel is not part of the publishable key mappings: {c}"
                        ))
                        .into());
                    }
                }
            }
            out
        }
        None => key.sales_channel_ids.clone(),
    };
    let pricing = match region_id {
        Some(rid) => Some(crate::catalog::pricing_context(state, rid).await?),
        None if wants_prices => {
            return Err(Error::invalid_data(
                "Missing required pricing context to calculate prices - region_id",
            )
            .into());
        }
        None => None,
    };
    Ok(RenderOptions {
        pricing,
        channels,
        admin: false,
    })
}

fn filter_for(q: &ListQuery, channels: &[SalesChannelId]) -> ProductFilter {
    ProductFilter {
        ids: q.id.clone(),
        handles: q.handle.clone(),
        title: q.title.clone(),
        q: q.q.clone(),
        collection_ids: q.collection_id.clone(),
        category_ids: q.category_id.clone(),
        tag_ids: q.tag_id.clone(),
        type_ids: q.type_id.clone(),
        is_giftcard: q.is_giftcard,
        statuses: Some(vec![ProductStatus::Published]),
        sales_channel_ids: Some(channels.iter().map(|c| c.to_string()).collect()),
        external_ids: q.external_id.clone(),
    }
}

/// List published products of the key's sales channels.
#[utoipa::path(
    get,
    path = "/store/products",
    tag = "Store",
    params(ListQuery),
    security(("publishable_key" = [])),
    responses(
        (status = 200, description = "`{products, count, offset, limit}`", body = Object),
        (status = 400, description = "Invalid request", body = crate::openapi::ErrorBody)
    )
)]
#[get("/products")]
pub async fn list(
    req: HttpRequest,
    state: State,
    key: web::ReqData<PublishableKeyContext>,
) -> ApiResult<HttpResponse> {
    let (params, q): (_, ListQuery) = parse_list_query(req.query_string(), &LIST)?;
    let spec = FieldSpec::parse(params.fields.as_deref(), DEFAULT_FIELDS);
    let ctx = context(
        &state,
        &key,
        q.region_id.as_deref(),
        q.sales_channel_id.as_deref(),
        spec.requests("variants.calculated_price"),
    )
    .await?;
    let key = format!("{}?{}|{:?}", req.path(), req.query_string(), ctx.channels);
    let inventory = spec.requests("variants.inventory_quantity");
    crate::catalog::cached(&state, key, inventory, || async {
        let catalog = state.registry.get::<dyn ProductService>().map_err(Error::internal)?;
        let page = Page {
            limit: u64::from(params.limit),
            offset: u64::from(params.offset),
            order: params
                .order
                .as_ref()
                .map(|o| (o.field.clone(), o.direction == medusa_core::request::Direction::Desc)),
        };
        let (products, count) = catalog.list_products(&filter_for(&q, &ctx.channels), &page).await?;
        let items = render(&state, products, spec, &ctx).await?;
        Ok(serde_json::json!({"products": items, "count": count, "offset": params.offset, "limit": params.limit}))
    })
    .await
}

/// A published product of the key's sales channels.
#[utoipa::path(
    get,
    path = "/store/products/{id}",
    tag = "Store",
    params(("id" = String, Path, description = "Product id"), RetrieveQuery),
    security(("publishable_key" = [])),
    responses(
        (status = 200, description = "`{product}`", body = Object),
        (status = 404, description = "No such product", body = crate::openapi::ErrorBody)
    )
)]
#[get("/products/{id}")]
pub async fn retrieve(
    req: HttpRequest,
    path: web::Path<String>,
    state: State,
    key: web::ReqData<PublishableKeyContext>,
) -> ApiResult<HttpResponse> {
    let q: RetrieveQuery = parse_query(req.query_string())?;
    let id = path.into_inner();
    let spec = FieldSpec::parse(q.fields.as_deref(), DEFAULT_FIELDS);
    let ctx = context(
        &state,
        &key,
        q.region_id.as_deref(),
        q.sales_channel_id.as_deref(),
        spec.requests("variants.calculated_price"),
    )
    .await?;
    let key = format!("{}?{}|{:?}", req.path(), req.query_string(), ctx.channels);
    let inventory = spec.requests("variants.inventory_quantity");
    crate::catalog::cached(&state, key, inventory, || async {
        let catalog = state
            .registry
            .get::<dyn ProductService>()
            .map_err(Error::internal)?;
        let filter = ProductFilter {
            ids: Some(vec![id.clone()]),
            statuses: Some(vec![ProductStatus::Published]),
            sales_channel_ids: Some(ctx.channels.iter().map(|c| c.to_string()).collect()),
            ..Default::default()
        };
        let page = Page {
            limit: 1,
            offset: 0,
            order: None,
        };
        let (products, _) = catalog.list_products(&filter, &page).await?;
        if products.is_empty() {
            return Err(ApiError::from(Error::not_found(format!(
                "Product with id: {id} was not found"
            ))));
        }
        let mut items = render(&state, products, spec, &ctx).await?;
        Ok(serde_json::json!({"product": items.pop().unwrap_or(Value::Null)}))
    })
    .await
}
