//! `/admin/price-lists` and `/admin/price-preferences`.

use std::collections::BTreeMap;

use actix_web::{HttpRequest, HttpResponse, get, post, web};
use chrono::{DateTime, Utc};
use medusa_core::Error;
use medusa_core::money::{Amount, CurrencyCode};
use medusa_core::request::{ListConfig, parse_list_query};
use medusa_pricing::{NewPriceList, PriceInput, PriceListStatus, PriceListType, PricingService};
use serde::Deserialize;
use serde_json::{Value, json};
use utoipa::{OpenApi, ToSchema};

use crate::error::ApiResult;
use crate::extract::StrictJson;
use crate::response;
use crate::state::State;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(list)
        .service(create)
        .service(retrieve)
        .service(preference);
}

#[derive(OpenApi)]
#[openapi(
    paths(list, create, retrieve, preference),
    components(schemas(CreatePriceListBody, PricePreferenceBody))
)]
pub struct Api;

const LIST: ListConfig = ListConfig {
    default_limit: 50,
    orderable: &["created_at", "title"],
};

#[derive(Debug, Deserialize, ToSchema)]
pub struct PriceListPriceBody {
    pub variant_id: String,
    pub currency_code: String,
    #[schema(value_type = f64)]
    pub amount: Amount,
    pub min_quantity: Option<i64>,
    pub max_quantity: Option<i64>,
    pub rules: Option<BTreeMap<String, String>>,
}

/// `POST /admin/price-lists`.
#[derive(Debug, Deserialize, ToSchema)]
pub struct CreatePriceListBody {
    pub title: String,
    pub description: String,
    /// `sale` (default) or `override`.
    #[serde(rename = "type")]
    pub list_type: Option<String>,
    /// `active` or `draft` (default).
    pub status: Option<String>,
    pub starts_at: Option<DateTime<Utc>>,
    pub ends_at: Option<DateTime<Utc>>,
    /// Attribute -> accepted values, e.g. `{"customer.groups.id": ["cusgroup_..."]}`.
    pub rules: Option<BTreeMap<String, Vec<String>>>,
    pub prices: Option<Vec<PriceListPriceBody>>,
}

/// `POST /admin/price-preferences`.
#[derive(Debug, Deserialize, ToSchema)]
pub struct PricePreferenceBody {
    /// `currency_code` or `region_id`.
    pub attribute: String,
    pub value: String,
    pub is_tax_inclusive: Option<bool>,
}

fn svc(state: &State) -> ApiResult<std::sync::Arc<dyn PricingService>> {
    Ok(state
        .registry
        .get::<dyn PricingService>()
        .map_err(Error::internal)?)
}

/// List price lists.
#[utoipa::path(get, path = "/admin/price-lists", tag = "Admin", security(("secret_key" = [])),
    responses((status = 200, description = "`{price_lists, count, offset, limit}`", body = Object)))]
#[get("/price-lists")]
pub async fn list(req: HttpRequest, state: State) -> ApiResult<HttpResponse> {
    #[derive(Debug, Default, Deserialize)]
    struct Q {}
    let (params, _): (_, Q) = parse_list_query(req.query_string(), &LIST)?;
    let lists = svc(&state)?.list_price_lists().await?;
    let count = lists.len() as u64;
    let items: Vec<Value> = lists
        .iter()
        .skip(params.offset as usize)
        .take(params.limit as usize)
        .map(|l| serde_json::to_value(l).unwrap_or(Value::Null))
        .collect();
    Ok(response::list("price_lists", items, count, &params))
}

/// Create a price list with its prices.
#[utoipa::path(post, path = "/admin/price-lists", tag = "Admin", request_body = CreatePriceListBody, security(("secret_key" = [])),
    responses((status = 200, description = "`{price_list}`", body = Object), (status = 400, description = "Invalid", body = crate::openapi::ErrorBody)))]
#[post("/price-lists")]
pub async fn create(
    state: State,
    body: StrictJson<CreatePriceListBody>,
) -> ApiResult<HttpResponse> {
    let b = body.0;
    let list_type = match b.list_type.as_deref() {
        None => PriceListType::Sale,
        Some(t) => PriceListType::parse(t).ok_or_else(|| {
            Error::invalid_data(format!(
                "Invalid request: Expected: 'sale, override' for field 'type', but got: '{t}'"
            ))
        })?,
    };
    let status = match b.status.as_deref() {
        None | Some("draft") => PriceListStatus::Draft,
        Some("active") => PriceListStatus::Active,
        Some(s) => {
            return Err(Error::invalid_data(format!(
                "Invalid request: Expected: 'active, draft' for field 'status', but got: '{s}'"
            ))
            .into());
        }
    };
    let mut prices = Vec::new();
    for p in b.prices.unwrap_or_default() {
        let currency_code = CurrencyCode::parse(&p.currency_code)
            .map_err(|e| Error::invalid_data(e.to_string()))?;
        p.amount
            .to_minor(&currency_code)
            .map_err(|e| Error::invalid_data(e.to_string()))?;
        prices.push((
            p.variant_id,
            PriceInput {
                amount: p.amount,
                currency_code,
                min_quantity: p.min_quantity,
                max_quantity: p.max_quantity,
                rules: p.rules.unwrap_or_default(),
            },
        ));
    }
    let price_list = svc(&state)?
        .create_price_list(NewPriceList {
            title: b.title,
            description: b.description,
            list_type,
            status,
            starts_at: b.starts_at,
            ends_at: b.ends_at,
            rules: b.rules.unwrap_or_default(),
            prices,
        })
        .await?;
    Ok(response::one(
        "price_list",
        serde_json::to_value(&price_list).map_err(Error::internal)?,
    ))
}

/// A price list.
#[utoipa::path(get, path = "/admin/price-lists/{id}", tag = "Admin", params(("id" = String, Path, description = "Price list id")), security(("secret_key" = [])),
    responses((status = 200, description = "`{price_list}`", body = Object), (status = 404, description = "Not found", body = crate::openapi::ErrorBody)))]
#[get("/price-lists/{id}")]
pub async fn retrieve(path: web::Path<String>, state: State) -> ApiResult<HttpResponse> {
    let price_list = svc(&state)?
        .list_price_lists()
        .await?
        .into_iter()
        .find(|l| l.id == *path)
        .ok_or_else(|| Error::not_found(format!("Price list with id: {} was not found", path)))?;
    Ok(response::one(
        "price_list",
        serde_json::to_value(&price_list).map_err(Error::internal)?,
    ))
}

/// Set whether prices are tax-inclusive for a currency or a region.
#[utoipa::path(post, path = "/admin/price-preferences", tag = "Admin", request_body = PricePreferenceBody, security(("secret_key" = [])),
    responses((status = 200, description = "`{price_preference}`", body = Object)))]
#[post("/price-preferences")]
pub async fn preference(
    state: State,
    body: StrictJson<PricePreferenceBody>,
) -> ApiResult<HttpResponse> {
    let b = body.0;
    let inclusive = b.is_tax_inclusive.unwrap_or(false);
    svc(&state)?
        .set_price_preference(&b.attribute, &b.value, inclusive)
        .await?;
    Ok(response::one(
        "price_preference",
        json!({"attribute": b.attribute, "value": b.value, "is_tax_inclusive": inclusive}),
    ))
}
