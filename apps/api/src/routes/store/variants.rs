//! `GET /store/product-variants` and `GET /store/product-variants/:id`: variants of published
//! products in the key's sales channels.

use actix_web::{HttpRequest, HttpResponse, get, web};
use medusa_api_key::PublishableKeyContext;
use medusa_core::Error;
use medusa_core::fields::FieldSpec;
use medusa_core::request::{ListConfig, one_or_many, parse_list_query, parse_query};
use medusa_pricing::PricingService;
use medusa_product::{Page, ProductService, Variant};
use serde::Deserialize;
use serde_json::Value;
use utoipa::{IntoParams, OpenApi};

use crate::catalog::VARIANT;
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
    "title",
    "sku",
    "barcode",
    "ean",
    "upc",
    "allow_backorder",
    "manage_inventory",
    "hs_code",
    "origin_country",
    "mid_code",
    "material",
    "weight",
    "length",
    "height",
    "width",
    "metadata",
    "variant_rank",
    "thumbnail",
    "product_id",
    "created_at",
    "updated_at",
    "deleted_at",
    "*options",
];
const LIST: ListConfig = ListConfig {
    default_limit: 50,
    orderable: &["created_at", "variant_rank", "title"],
};

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    #[serde(default, deserialize_with = "one_or_many")]
    #[param(value_type = Option<Vec<String>>)]
    pub id: Option<Vec<String>>,
    #[serde(default, deserialize_with = "one_or_many")]
    #[param(value_type = Option<Vec<String>>)]
    pub product_id: Option<Vec<String>>,
    pub region_id: Option<String>,
    pub limit: Option<u32>,
    pub offset: Option<u32>,
    pub order: Option<String>,
    pub fields: Option<String>,
}

async fn render(
    state: &State,
    variants: Vec<Variant>,
    fields: Option<&str>,
    region_id: Option<&str>,
) -> ApiResult<Vec<Value>> {
    let mut spec = FieldSpec::parse(fields, DEFAULT_FIELDS);
    let catalog = state
        .registry
        .get::<dyn ProductService>()
        .map_err(Error::internal)?;
    let ids: Vec<String> = variants.iter().map(|v| v.id.clone()).collect();
    let options = if spec.requests("options") {
        catalog.variant_options(&ids).await?
    } else {
        Default::default()
    };
    let images = if spec.requests("images") {
        catalog.variant_images(&ids).await?
    } else {
        Default::default()
    };
    let prices = match region_id {
        Some(rid) => {
            spec.star.insert("calculated_price".into());
            let ctx = crate::catalog::pricing_context(state, rid).await?;
            state
                .registry
                .get::<dyn PricingService>()
                .map_err(Error::internal)?
                .calculate_variant_prices(&ids, &ctx)
                .await?
        }
        None => Default::default(),
    };
    let sel = spec.selection();
    Ok(variants
        .into_iter()
        .map(|v| {
            let mut j = serde_json::to_value(&v).unwrap_or(Value::Null);
            j["options"] = crate::catalog::variant_options_json(options.get(&v.id));
            j["images"] = serde_json::to_value(images.get(&v.id).cloned().unwrap_or_default())
                .unwrap_or(Value::Null);
            if region_id.is_some() {
                j["calculated_price"] = prices
                    .get(&v.id)
                    .and_then(|c| serde_json::to_value(c).ok())
                    .unwrap_or(Value::Null);
            }
            sel.project(&mut j, &VARIANT);
            j
        })
        .collect())
}

fn channels(key: &PublishableKeyContext) -> Vec<String> {
    key.sales_channel_ids
        .iter()
        .map(|c| c.to_string())
        .collect()
}

/// List variants.
#[utoipa::path(get, path = "/store/product-variants", tag = "Store", params(ListQuery),
    security(("publishable_key" = [])),
    responses((status = 200, description = "`{variants, count, offset, limit}`", body = Object)))]
#[get("/product-variants")]
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
    let (variants, count) = catalog
        .list_variants(
            q.id.as_deref(),
            q.product_id.as_deref(),
            Some(&channels(&key)),
            &page,
        )
        .await?;
    let items = render(
        &state,
        variants,
        params.fields.as_deref(),
        q.region_id.as_deref(),
    )
    .await?;
    Ok(response::list("variants", items, count, &params))
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RetrieveQuery {
    pub fields: Option<String>,
    pub region_id: Option<String>,
}

/// A variant.
#[utoipa::path(get, path = "/store/product-variants/{id}", tag = "Store",
    params(("id" = String, Path, description = "Variant id"), RetrieveQuery),
    security(("publishable_key" = [])),
    responses((status = 200, description = "`{variant}`", body = Object),
        (status = 404, description = "No such variant", body = crate::openapi::ErrorBody)))]
#[get("/product-variants/{id}")]
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
    let (variants, _) = catalog
        .list_variants(
            Some(std::slice::from_ref(&id)),
            None,
            Some(&channels(&key)),
            &page,
        )
        .await?;
    if variants.is_empty() {
        return Err(Error::not_found(format!("Variant with id: {id} was not found")).into());
    }
    let mut items = render(
        &state,
        variants,
        q.fields.as_deref(),
        q.region_id.as_deref(),
    )
    .await?;
    Ok(response::one("variant", items.pop().unwrap_or(Value::Null)))
}
