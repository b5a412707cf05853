//! `GET /admin/fulfillment-providers`: the providers shipping options may use (only Medusa's
//! manual provider here).

use actix_web::{HttpRequest, HttpResponse, get, web};
use medusa_core::fields::{FieldSpec, Shape};
use medusa_core::request::{ListConfig, one_or_many, parse_list_query};
use medusa_fulfillment::PROVIDERS;
use serde::Deserialize;
use serde_json::{Value, json};
use utoipa::{IntoParams, OpenApi};

use crate::error::ApiResult;
use crate::response;
use crate::routes::admin::shipping_profiles::service;
use crate::state::State;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(list);
}

#[derive(OpenApi)]
#[openapi(paths(list))]
pub struct Api;

const DEFAULT_FIELDS: &[&str] = &["id", "is_enabled"];

const LIST: ListConfig = ListConfig {
    default_limit: 20,
    orderable: &["id"],
};

/// Medusa's `AdminGetFulfillmentProvidersParams`.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ProviderQuery {
    #[serde(default, deserialize_with = "one_or_many")]
    #[param(value_type = Option<Vec<String>>)]
    pub id: Option<Vec<String>>,
    pub is_enabled: Option<bool>,
    pub q: Option<String>,
    /// Only the providers enabled at this stock location.
    #[serde(default, deserialize_with = "one_or_many")]
    #[param(value_type = Option<Vec<String>>)]
    pub stock_location_id: Option<Vec<String>>,
    pub limit: Option<u32>,
    pub offset: Option<u32>,
    pub order: Option<String>,
    pub fields: Option<String>,
    pub with_deleted: Option<bool>,
}

/// List fulfillment providers.
#[utoipa::path(get, path = "/admin/fulfillment-providers", tag = "Admin", params(ProviderQuery),
    security(("secret_key" = [])),
    responses((status = 200, description = "`{fulfillment_providers, count, offset, limit}`", body = Object),
        (status = 400, description = "Unknown or invalid query parameters", body = crate::openapi::ErrorBody)))]
#[get("/fulfillment-providers")]
pub async fn list(req: HttpRequest, state: State) -> ApiResult<HttpResponse> {
    let (params, q): (_, ProviderQuery) = parse_list_query(req.query_string(), &LIST)?;
    let at_locations: Option<Vec<String>> = match &q.stock_location_id {
        Some(ids) => Some(
            service(&state)?
                .location_providers(ids)
                .await?
                .into_iter()
                .map(|(_, p)| p)
                .collect(),
        ),
        None => None,
    };
    let matching: Vec<&str> = PROVIDERS
        .iter()
        .copied()
        .filter(|p| q.id.as_ref().is_none_or(|ids| ids.iter().any(|i| i == p)))
        .filter(|_| q.is_enabled != Some(false))
        .filter(|p| q.q.as_deref().is_none_or(|s| p.contains(&s.to_lowercase())))
        .filter(|p| {
            at_locations
                .as_ref()
                .is_none_or(|l| l.iter().any(|x| x == p))
        })
        .collect();
    let selection = FieldSpec::parse(params.fields.as_deref(), DEFAULT_FIELDS).selection();
    let items: Vec<Value> = matching
        .iter()
        .skip(params.offset as usize)
        .take(params.limit as usize)
        .map(|p| {
            let mut v = json!({"id": p, "is_enabled": true});
            selection.project(&mut v, &Shape::LEAF);
            v
        })
        .collect();
    Ok(response::list(
        "fulfillment_providers",
        items,
        matching.len() as u64,
        &params,
    ))
}
