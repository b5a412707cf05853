//! `GET /store/payment-providers?region_id=`: the payment providers a region offers.

use actix_web::{HttpRequest, HttpResponse, get};
use medusa_core::Error;
use medusa_core::id::RegionId;
use medusa_core::request::{ListConfig, parse_list_query};
use medusa_region::RegionService;
use serde::Deserialize;
use serde_json::{Value, json};
use utoipa::{IntoParams, OpenApi};

use crate::error::ApiResult;
use crate::response;
use crate::state::State;

pub fn configure(cfg: &mut actix_web::web::ServiceConfig) {
    cfg.service(list);
}

#[derive(OpenApi)]
#[openapi(paths(list))]
pub struct Api;

const LIST: ListConfig = ListConfig {
    default_limit: 20,
    orderable: &["id"],
};

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// Required: the region whose providers to list.
    pub region_id: Option<String>,
}

/// List a region's payment providers (`{payment_providers, count, offset, limit}`).
#[utoipa::path(get, path = "/store/payment-providers", tag = "Store", params(ListQuery),
    security(("publishable_key" = [])),
    responses((status = 200, description = "`{payment_providers, count, offset, limit}`", body = Object),
        (status = 400, description = "`region_id` missing", body = crate::openapi::ErrorBody)))]
#[get("/payment-providers")]
pub async fn list(req: HttpRequest, state: State) -> ApiResult<HttpResponse> {
    let (params, q): (_, ListQuery) = parse_list_query(req.query_string(), &LIST)?;
    let Some(region_id) = q.region_id else {
        return Err(Error::invalid_data(
            "You must provide the region_id to list payment providers",
        )
        .into());
    };
    // An unknown region offers nothing (Medusa filters providers by the region link).
    let mut providers: Vec<String> = match RegionId::parse(&region_id) {
        Ok(id) => state
            .registry
            .get::<dyn RegionService>()
            .map_err(Error::internal)?
            .lookup(&[id])
            .await?
            .pop()
            .map(|d| d.payment_providers.iter().map(|p| p.to_string()).collect())
            .unwrap_or_default(),
        Err(_) => Vec::new(),
    };
    // Only providers this server has configured (a region may still link Stripe after its key
    // was removed): Medusa lists enabled providers only.
    let configured = crate::payment::service(&state)?.provider_ids();
    providers.retain(|p| configured.contains(p));
    providers.sort();
    let count = providers.len() as u64;
    let page: Vec<Value> = providers
        .into_iter()
        .skip(params.offset as usize)
        .take(params.limit as usize)
        .map(|id| json!({"id": id, "is_enabled": true}))
        .collect();
    let mut items = Value::Array(page);
    response::project(
        &mut items,
        params.fields.as_deref(),
        &["id", "is_enabled"],
        &medusa_core::fields::Shape::LEAF,
    );
    let items = match items {
        Value::Array(v) => v,
        _ => Vec::new(),
    };
    Ok(response::list("payment_providers", items, count, &params))
}
