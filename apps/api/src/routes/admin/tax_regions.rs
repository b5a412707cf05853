//! `/admin/tax-regions`: list, create (with a default rate; province regions via `parent_id`),
//! retrieve, update, delete, as Medusa's `packages/medusa/src/api/admin/tax-regions`.

use actix_web::{HttpRequest, HttpResponse, delete, get, post, web};
use chrono::{DateTime, Utc};
use medusa_core::Error;
use medusa_core::fields::{FieldSpec, Shape};
use medusa_core::request::{Comparison, ListConfig, RetrieveParams, one_or_many, parse_list_query};
use medusa_region::RegionService;
use medusa_tax::{
    CreateTaxRegion, DefaultTaxRate, Percent, RegionWithRates, TaxError, TaxRegionDetails,
    TaxRegionFilter, TaxRegionId, UpdateTaxRegion,
};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use utoipa::{IntoParams, OpenApi, ToSchema};

use crate::auth::AuthContext;
use crate::error::ApiResult;
use crate::extract::{StrictJson, StrictQuery};
use crate::response;
use crate::routes::admin::regions::{NoQuery, nullable};
use crate::routes::admin::tax_rates::{
    RateWithRulesBody, TaxRegionColumns, rate_with_rules, region_columns, service,
};
use crate::routes::store::regions::FieldsQuery;
use crate::state::State;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(list)
        .service(create)
        .service(retrieve)
        .service(update)
        .service(remove);
}

#[derive(OpenApi)]
#[openapi(
    paths(list, create, retrieve, update, remove),
    components(schemas(
        TaxRegionBody,
        ChildRegionBody,
        RateWithRulesBody,
        CreateTaxRegionBody,
        DefaultTaxRateBody,
        UpdateTaxRegionBody,
        TaxRegionList,
        TaxRegionOne,
        TaxRegionDeleted
    ))
)]
pub struct Api;

/// Medusa's tax region `defaults` (query-config.ts).
const DEFAULT_FIELDS: &[&str] = &[
    "id",
    "country_code",
    "province_code",
    "parent_id",
    "provider_id",
    "created_by",
    "created_at",
    "updated_at",
    "deleted_at",
    "metadata",
    "*children",
    "*children.tax_rates",
    "*children.tax_rates.rules",
    "*parent",
    "*tax_rates",
    "*tax_rates.rules",
];

const ORDERABLE: &[&str] = &[
    "id",
    "country_code",
    "province_code",
    "parent_id",
    "provider_id",
    "created_by",
    "created_at",
    "updated_at",
    "deleted_at",
];

/// Medusa's `AdminGetTaxRegionsParams` default page.
const LIST: ListConfig = ListConfig {
    default_limit: 20,
    orderable: ORDERABLE,
};

static RATE_SHAPE: Shape = Shape {
    relations: &[("rules", &Shape::LEAF)],
};
static CHILD_SHAPE: Shape = Shape {
    relations: &[("tax_rates", &RATE_SHAPE)],
};
static REGION_SHAPE: Shape = Shape {
    relations: &[
        ("children", &CHILD_SHAPE),
        ("parent", &Shape::LEAF),
        ("tax_rates", &RATE_SHAPE),
    ],
};

/// A child (province) region with its rates.
#[derive(Debug, Serialize, ToSchema)]
pub struct ChildRegionBody {
    #[serde(flatten)]
    pub columns: TaxRegionColumns,
    pub tax_rates: Vec<RateWithRulesBody>,
}

/// A tax region with every relation; responses project it onto `fields`.
#[derive(Debug, Serialize, ToSchema)]
pub struct TaxRegionBody {
    #[serde(flatten)]
    pub columns: TaxRegionColumns,
    pub children: Vec<ChildRegionBody>,
    pub parent: Option<TaxRegionColumns>,
    pub tax_rates: Vec<RateWithRulesBody>,
}

fn child_body(c: RegionWithRates) -> ChildRegionBody {
    ChildRegionBody {
        columns: region_columns(c.region),
        tax_rates: c.rates.into_iter().map(rate_with_rules).collect(),
    }
}

fn region_body(d: TaxRegionDetails) -> TaxRegionBody {
    TaxRegionBody {
        columns: region_columns(d.region),
        children: d.children.into_iter().map(child_body).collect(),
        parent: d.parent.map(region_columns),
        tax_rates: d.rates.into_iter().map(rate_with_rules).collect(),
    }
}

fn render(regions: Vec<TaxRegionDetails>, fields: Option<&str>) -> ApiResult<Vec<Value>> {
    let selection = FieldSpec::parse(fields, DEFAULT_FIELDS).selection();
    regions
        .into_iter()
        .map(|d| {
            let mut v = serde_json::to_value(region_body(d)).map_err(Error::internal)?;
            selection.project(&mut v, &REGION_SHAPE);
            Ok(v)
        })
        .collect()
}

/// `GET /admin/tax-regions` filters (Medusa's `AdminGetTaxRegionsParams`).
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TaxRegionQuery {
    /// Case-insensitive search in the country and province codes.
    pub q: Option<String>,
    #[serde(default, deserialize_with = "one_or_many")]
    #[param(value_type = Option<Vec<String>>)]
    pub id: Option<Vec<String>>,
    #[serde(default, deserialize_with = "one_or_many")]
    #[param(value_type = Option<Vec<String>>)]
    pub country_code: Option<Vec<String>>,
    /// `null` matches country-level regions.
    #[serde(default, deserialize_with = "one_or_many")]
    #[param(value_type = Option<Vec<String>>)]
    pub province_code: Option<Vec<String>>,
    /// `null` matches country-level regions (what the admin dashboard lists).
    #[serde(default, deserialize_with = "one_or_many")]
    #[param(value_type = Option<Vec<String>>)]
    pub parent_id: Option<Vec<String>>,
    #[serde(default, deserialize_with = "one_or_many")]
    #[param(value_type = Option<Vec<String>>)]
    pub created_by: Option<Vec<String>>,
    #[param(value_type = Option<Object>, style = DeepObject)]
    pub created_at: Option<Comparison<DateTime<Utc>>>,
    #[param(value_type = Option<Object>, style = DeepObject)]
    pub updated_at: Option<Comparison<DateTime<Utc>>>,
    /// Filtering on `deleted_at` includes deleted regions.
    #[param(value_type = Option<Object>, style = DeepObject)]
    pub deleted_at: Option<Comparison<DateTime<Utc>>>,
    /// Page size (default 20, at most 1000).
    pub limit: Option<u32>,
    pub offset: Option<u32>,
    pub order: Option<String>,
    pub fields: Option<String>,
    pub with_deleted: Option<bool>,
}

/// The region's default rate in `POST /admin/tax-regions`.
#[derive(Debug, Deserialize, ToSchema)]
pub struct DefaultTaxRateBody {
    /// Percent, exact as written.
    #[schema(value_type = Option<f64>)]
    pub rate: Option<Percent>,
    pub code: String,
    pub name: String,
    pub is_combinable: Option<bool>,
    #[schema(value_type = Option<Object>)]
    pub metadata: Option<Map<String, Value>>,
}

/// `POST /admin/tax-regions` (Medusa's `AdminCreateTaxRegion`).
#[derive(Debug, Deserialize, ToSchema)]
pub struct CreateTaxRegionBody {
    /// ISO 3166-1 alpha-2, any case (stored lower-case).
    pub country_code: String,
    /// Required for a country-level region (`tp_system`).
    pub provider_id: Option<String>,
    pub province_code: Option<String>,
    /// The country's region, for a province region.
    pub parent_id: Option<String>,
    pub default_tax_rate: Option<DefaultTaxRateBody>,
    #[schema(value_type = Option<Object>)]
    pub metadata: Option<Map<String, Value>>,
    /// Accepted for Medusa's workflow hooks; not used.
    #[schema(value_type = Option<Object>)]
    pub additional_data: Option<Map<String, Value>>,
}

/// `POST /admin/tax-regions/:id` (Medusa's `AdminUpdateTaxRegion`).
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct UpdateTaxRegionBody {
    /// A code, or `null` to clear (country-level regions only).
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub province_code: Option<Option<String>>,
    pub provider_id: Option<String>,
    /// An object, or `null` to clear.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<Object>)]
    pub metadata: Option<Option<Map<String, Value>>>,
}

/// `{tax_regions, count, offset, limit}`.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct TaxRegionList {
    tax_regions: Vec<TaxRegionBody>,
    count: u64,
    offset: u32,
    limit: u32,
}

/// `{tax_region}`.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct TaxRegionOne {
    tax_region: TaxRegionBody,
}

/// `{id, object: "tax_region", deleted: true}`.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct TaxRegionDeleted {
    id: String,
    object: String,
    deleted: bool,
}

/// `null` in a filter list means "IS NULL" (the dashboard sends `parent_id=null`).
fn nullable_list(values: Option<Vec<String>>) -> Option<Vec<Option<String>>> {
    values.map(|v| v.into_iter().map(|s| (s != "null").then_some(s)).collect())
}

/// Refuses codes that are not ISO 3166-1 alpha-2 countries (Medusa stores any string; a tax
/// region for a country that does not exist could never tax anything).
async fn check_country(state: &State, code: &str) -> Result<(), Error> {
    let lower = code.trim().to_lowercase();
    let regions = state
        .registry
        .get::<dyn RegionService>()
        .map_err(Error::internal)?;
    let known = regions
        .list_countries()
        .await
        .map_err(Error::from)?
        .iter()
        .any(|c| c.iso_2 == lower);
    if known {
        Ok(())
    } else {
        Err(Error::invalid_data(format!(
            "Invalid request: '{code}' is not a valid country code for field 'country_code'"
        )))
    }
}

fn non_empty(s: Option<String>) -> Option<String> {
    s.filter(|s| !s.trim().is_empty())
}

/// List tax regions.
#[utoipa::path(
    get,
    path = "/admin/tax-regions",
    tag = "Admin",
    params(TaxRegionQuery),
    security(("secret_key" = [])),
    responses(
        (status = 200, description = "A page of tax regions", body = TaxRegionList),
        (status = 400, description = "Unknown or invalid query parameters", body = crate::openapi::ErrorBody),
        (status = 401, description = "Not authenticated", body = crate::openapi::UnauthorizedBody)
    )
)]
#[get("/tax-regions")]
pub async fn list(req: HttpRequest, state: State) -> ApiResult<HttpResponse> {
    let (params, q): (_, TaxRegionQuery) = parse_list_query(req.query_string(), &LIST)?;
    let filter = TaxRegionFilter {
        ids: q.id,
        q: q.q,
        country_codes: q.country_code,
        province_codes: nullable_list(q.province_code),
        parent_ids: nullable_list(q.parent_id),
        created_by: q.created_by,
        created_at: q.created_at,
        updated_at: q.updated_at,
        deleted_at: q.deleted_at,
        with_deleted: params.with_deleted,
    };
    let svc = service(&state)?;
    let (regions, count) = svc.list_regions(&filter, &params).await?;
    let regions = svc.region_details(regions).await?;
    let items = render(regions, params.fields.as_deref())?;
    Ok(response::list("tax_regions", items, count, &params))
}

/// Create a tax region (with its default rate; a province region names its country's region
/// in `parent_id`).
#[utoipa::path(
    post,
    path = "/admin/tax-regions",
    tag = "Admin",
    params(FieldsQuery),
    request_body = CreateTaxRegionBody,
    security(("secret_key" = [])),
    responses(
        (status = 200, description = "The new tax region", body = TaxRegionOne),
        (status = 400, description = "Invalid body, unknown country, missing provider, or a parent of another country", body = crate::openapi::ErrorBody),
        (status = 404, description = "Unknown tax provider", body = crate::openapi::ErrorBody),
        (status = 422, description = "The country (or province) already has a tax region", body = crate::openapi::ErrorBody)
    )
)]
#[post("/tax-regions")]
pub async fn create(
    state: State,
    auth: web::ReqData<AuthContext>,
    query: StrictQuery<RetrieveParams>,
    body: StrictJson<CreateTaxRegionBody>,
) -> ApiResult<HttpResponse> {
    let b = body.0;
    let parent_raw = non_empty(b.parent_id);
    let provider_id = non_empty(b.provider_id);
    // Medusa's validator: `parent_id || provider_id`.
    if parent_raw.is_none() && provider_id.is_none() {
        return Err(Error::from(TaxError::ProviderRequired).into());
    }
    check_country(&state, &b.country_code).await?;
    let province = non_empty(b.province_code);
    let parent_id = match parent_raw {
        None => None,
        Some(raw) => Some(
            TaxRegionId::parse(&raw).map_err(|_| TaxError::ParentMissing {
                country: b.country_code.to_lowercase(),
                province: province.clone().unwrap_or_default().to_lowercase(),
            })?,
        ),
    };
    let svc = service(&state)?;
    let region = svc
        .create_region(CreateTaxRegion {
            country_code: b.country_code,
            province_code: province,
            parent_id,
            provider_id,
            default_tax_rate: b.default_tax_rate.map(|d| DefaultTaxRate {
                rate: d.rate,
                code: d.code,
                name: d.name,
                is_combinable: d.is_combinable,
                metadata: d.metadata.map(Value::Object),
            }),
            metadata: b.metadata.map(Value::Object),
            created_by: Some(auth.actor_id.clone()),
        })
        .await?;
    let d = svc.retrieve_region(&region.id).await?;
    let body = render(vec![d], query.0.fields.as_deref())?
        .pop()
        .unwrap_or(Value::Null);
    Ok(response::one("tax_region", body))
}

/// A tax region.
#[utoipa::path(
    get,
    path = "/admin/tax-regions/{id}",
    tag = "Admin",
    params(("id" = String, Path, description = "Tax region id (`txreg_...`)"), FieldsQuery),
    security(("secret_key" = [])),
    responses(
        (status = 200, description = "The tax region", body = TaxRegionOne),
        (status = 404, description = "No such tax region", body = crate::openapi::ErrorBody)
    )
)]
#[get("/tax-regions/{id}")]
pub async fn retrieve(
    path: web::Path<String>,
    state: State,
    query: StrictQuery<RetrieveParams>,
) -> ApiResult<HttpResponse> {
    let raw = path.into_inner();
    let id = TaxRegionId::parse(&raw).map_err(|_| TaxError::RegionNotFound(raw.clone()))?;
    let d = service(&state)?.retrieve_region(&id).await?;
    let body = render(vec![d], query.0.fields.as_deref())?
        .pop()
        .unwrap_or(Value::Null);
    Ok(response::one("tax_region", body))
}

/// Update a tax region.
#[utoipa::path(
    post,
    path = "/admin/tax-regions/{id}",
    tag = "Admin",
    params(("id" = String, Path, description = "Tax region id (`txreg_...`)"), FieldsQuery),
    request_body = UpdateTaxRegionBody,
    security(("secret_key" = [])),
    responses(
        (status = 200, description = "The updated tax region", body = TaxRegionOne),
        (status = 400, description = "Invalid body", body = crate::openapi::ErrorBody),
        (status = 404, description = "No such tax region or provider", body = crate::openapi::ErrorBody),
        (status = 422, description = "The province already has a tax region", body = crate::openapi::ErrorBody)
    )
)]
#[post("/tax-regions/{id}")]
pub async fn update(
    path: web::Path<String>,
    state: State,
    query: StrictQuery<RetrieveParams>,
    body: StrictJson<UpdateTaxRegionBody>,
) -> ApiResult<HttpResponse> {
    let raw = path.into_inner();
    // The message of Medusa's module update for an unknown id.
    let not_found = || Error::not_found(format!("TaxRegion with id \"{raw}\" not found"));
    let id = TaxRegionId::parse(&raw).map_err(|_| not_found())?;
    let b = body.0;
    let svc = service(&state)?;
    svc.update_region(
        &id,
        UpdateTaxRegion {
            province_code: b.province_code,
            provider_id: b.provider_id,
            metadata: b.metadata.map(|m| m.map(Value::Object)),
        },
    )
    .await
    .map_err(|e| match e {
        TaxError::RegionNotFound(_) => not_found(),
        other => other.into(),
    })?;
    let d = svc.retrieve_region(&id).await?;
    let body = render(vec![d], query.0.fields.as_deref())?
        .pop()
        .unwrap_or(Value::Null);
    Ok(response::one("tax_region", body))
}

/// Delete a tax region, its province regions and their rates.
#[utoipa::path(
    delete,
    path = "/admin/tax-regions/{id}",
    tag = "Admin",
    params(("id" = String, Path, description = "Tax region id (`txreg_...`)")),
    security(("secret_key" = [])),
    responses((status = 200, description = "Deleted (also when it did not exist, as in Medusa)", body = TaxRegionDeleted))
)]
#[delete("/tax-regions/{id}")]
pub async fn remove(
    path: web::Path<String>,
    state: State,
    _query: StrictQuery<NoQuery>,
) -> ApiResult<HttpResponse> {
    let raw = path.into_inner();
    // A malformed id names no region; deleting it is the same no-op as an unknown one.
    if let Ok(id) = TaxRegionId::parse(&raw) {
        service(&state)?.delete_region(&id).await?;
    }
    Ok(response::deleted(&raw, "tax_region", None))
}
