//! `GET /admin/tax-providers` (Medusa 2.8+): the registered tax providers (`tp_system`).

use actix_web::{HttpRequest, HttpResponse, get, web};
use medusa_core::Error;
use medusa_core::fields::{FieldSpec, Shape};
use medusa_core::request::{ListConfig, one_or_many, parse_list_query};
use medusa_tax::TaxProviderFilter;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, OpenApi, ToSchema};

use crate::error::ApiResult;
use crate::response;
use crate::routes::admin::tax_rates::service;
use crate::state::State;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(list);
}

#[derive(OpenApi)]
#[openapi(paths(list), components(schemas(TaxProviderBody, TaxProviderList)))]
pub struct Api;

/// Medusa's tax provider `defaults`.
const DEFAULT_FIELDS: &[&str] = &["id", "is_enabled"];

const LIST: ListConfig = ListConfig {
    default_limit: 20,
    orderable: &["id", "is_enabled"],
};

/// A tax provider.
#[derive(Debug, Serialize, ToSchema)]
pub struct TaxProviderBody {
    /// `tp_system`.
    pub id: String,
    pub is_enabled: bool,
}

/// `{tax_providers, count, offset, limit}`.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct TaxProviderList {
    tax_providers: Vec<TaxProviderBody>,
    count: u64,
    offset: u32,
    limit: u32,
}

/// `GET /admin/tax-providers` filters (Medusa's `AdminGetTaxProvidersParams`).
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TaxProviderQuery {
    #[serde(default, deserialize_with = "one_or_many")]
    #[param(value_type = Option<Vec<String>>)]
    pub id: Option<Vec<String>>,
    pub is_enabled: Option<bool>,
    /// Page size (default 20, at most 1000).
    pub limit: Option<u32>,
    pub offset: Option<u32>,
    pub order: Option<String>,
    pub fields: Option<String>,
    pub with_deleted: Option<bool>,
}

/// List tax providers.
#[utoipa::path(
    get,
    path = "/admin/tax-providers",
    tag = "Admin",
    params(TaxProviderQuery),
    security(("secret_key" = [])),
    responses(
        (status = 200, description = "A page of tax providers", body = TaxProviderList),
        (status = 400, description = "Unknown or invalid query parameters", body = crate::openapi::ErrorBody),
        (status = 401, description = "Not authenticated", body = crate::openapi::UnauthorizedBody)
    )
)]
#[get("/tax-providers")]
pub async fn list(req: HttpRequest, state: State) -> ApiResult<HttpResponse> {
    let (params, q): (_, TaxProviderQuery) = parse_list_query(req.query_string(), &LIST)?;
    let filter = TaxProviderFilter {
        ids: q.id,
        is_enabled: q.is_enabled,
    };
    let (providers, count) = service(&state)?.list_providers(&filter, &params).await?;
    let selection = FieldSpec::parse(params.fields.as_deref(), DEFAULT_FIELDS).selection();
    let items = providers
        .into_iter()
        .map(|p| {
            let mut v = serde_json::to_value(TaxProviderBody {
                id: p.id,
                is_enabled: p.is_enabled,
            })
            .map_err(Error::internal)?;
            selection.project(&mut v, &Shape::LEAF);
            Ok(v)
        })
        .collect::<ApiResult<Vec<_>>>()?;
    Ok(response::list("tax_providers", items, count, &params))
}
