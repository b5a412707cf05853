//! `/admin/tax-rates`: list, create (with rules), retrieve, update, delete, and
//! `/admin/tax-rates/:id/rules` (add) and `/admin/tax-rates/:id/rules/:rule_id` (delete), as
//! Medusa's `packages/medusa/src/api/admin/tax-rates`. The rate wire types live here; the
//! tax region routes embed them.

use actix_web::{HttpRequest, HttpResponse, delete, get, post, web};
use chrono::{DateTime, Utc};
use medusa_core::Error;
use medusa_core::fields::{FieldSpec, Shape};
use medusa_core::request::{Comparison, ListConfig, RetrieveParams, one_or_many, parse_list_query};
use medusa_core::time::to_js as timestamp;
use medusa_tax::{
    CreateTaxRate, NewTaxRateRule, Percent, RateWithRules, TaxError, TaxRate, TaxRateDetails,
    TaxRateFilter, TaxRateId, TaxRateRule, TaxRateRuleId, TaxRegion, TaxRegionId, TaxService,
    UpdateTaxRate,
};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use utoipa::{IntoParams, OpenApi, ToSchema};

use crate::auth::AuthContext;
use crate::error::ApiResult;
use crate::extract::{StrictJson, StrictQuery};
use crate::response;
use crate::routes::admin::regions::{NoQuery, nullable};
use crate::routes::store::regions::FieldsQuery;
use crate::state::State;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(list)
        .service(create)
        .service(retrieve)
        .service(update)
        .service(remove)
        .service(add_rule)
        .service(remove_rule);
}

#[derive(OpenApi)]
#[openapi(
    paths(list, create, retrieve, update, remove, add_rule, remove_rule),
    components(schemas(
        TaxRateBody,
        TaxRateColumns,
        TaxRateRuleBody,
        TaxRegionColumns,
        CreateTaxRateBody,
        UpdateTaxRateBody,
        TaxRateRuleInput,
        TaxRateList,
        TaxRateOne,
        TaxRateDeleted,
        TaxRateRuleDeleted
    ))
)]
pub struct Api;

/// Medusa's tax rate `defaults` (query-config.ts).
const DEFAULT_FIELDS: &[&str] = &[
    "id",
    "name",
    "code",
    "rate",
    "tax_region_id",
    "is_default",
    "is_combinable",
    "created_by",
    "created_at",
    "updated_at",
    "deleted_at",
    "metadata",
    "*tax_region",
    "*rules",
];

const ORDERABLE: &[&str] = &[
    "id",
    "code",
    "name",
    "is_default",
    "is_combinable",
    "tax_region_id",
    "created_by",
    "created_at",
    "updated_at",
    "deleted_at",
];

/// Medusa's `AdminGetTaxRatesParams` default page.
const LIST: ListConfig = ListConfig {
    default_limit: 20,
    orderable: ORDERABLE,
};

static RATE_SHAPE: Shape = Shape {
    relations: &[("tax_region", &Shape::LEAF), ("rules", &Shape::LEAF)],
};

/// A rule of a tax rate.
#[derive(Debug, Serialize, ToSchema)]
pub struct TaxRateRuleBody {
    pub id: String,
    pub tax_rate_id: String,
    /// `product`, `product_type`, `shipping_option`, ...
    pub reference: String,
    pub reference_id: String,
    pub metadata: Option<Value>,
    pub created_by: Option<String>,
    pub created_at: String,
    pub updated_at: String,
    pub deleted_at: Option<String>,
}

/// The columns of a tax rate.
#[derive(Debug, Serialize, ToSchema)]
pub struct TaxRateColumns {
    pub id: String,
    /// Percent (`25` is 25 %), or null.
    #[schema(value_type = Option<f64>)]
    pub rate: Option<Percent>,
    pub code: String,
    pub name: String,
    pub is_default: bool,
    pub is_combinable: bool,
    pub tax_region_id: String,
    pub metadata: Option<Value>,
    pub created_by: Option<String>,
    pub created_at: String,
    pub updated_at: String,
    pub deleted_at: Option<String>,
}

/// The columns of a tax region.
#[derive(Debug, Serialize, ToSchema)]
pub struct TaxRegionColumns {
    pub id: String,
    /// Lower-case ISO 3166-1 alpha-2.
    pub country_code: String,
    /// Lower case; null for a country-level region.
    pub province_code: Option<String>,
    pub parent_id: Option<String>,
    /// `tp_system` on country-level regions.
    pub provider_id: Option<String>,
    pub metadata: Option<Value>,
    pub created_by: Option<String>,
    pub created_at: String,
    pub updated_at: String,
    pub deleted_at: Option<String>,
}

/// A tax rate with its rules (as nested in a tax region).
#[derive(Debug, Serialize, ToSchema)]
pub struct RateWithRulesBody {
    #[serde(flatten)]
    pub columns: TaxRateColumns,
    pub rules: Vec<TaxRateRuleBody>,
}

/// A tax rate with every relation; responses project it onto `fields`.
#[derive(Debug, Serialize, ToSchema)]
pub struct TaxRateBody {
    #[serde(flatten)]
    pub columns: TaxRateColumns,
    pub rules: Vec<TaxRateRuleBody>,
    pub tax_region: Option<TaxRegionColumns>,
}

pub(crate) fn rule_body(r: TaxRateRule) -> TaxRateRuleBody {
    TaxRateRuleBody {
        id: r.id.into_string(),
        tax_rate_id: r.tax_rate_id.into_string(),
        reference: r.reference,
        reference_id: r.reference_id,
        metadata: r.metadata,
        created_by: r.created_by,
        created_at: timestamp(&r.created_at),
        updated_at: timestamp(&r.updated_at),
        deleted_at: r.deleted_at.as_ref().map(timestamp),
    }
}

pub(crate) fn rate_columns(r: TaxRate) -> TaxRateColumns {
    TaxRateColumns {
        id: r.id.into_string(),
        rate: r.rate,
        code: r.code,
        name: r.name,
        is_default: r.is_default,
        is_combinable: r.is_combinable,
        tax_region_id: r.tax_region_id.into_string(),
        metadata: r.metadata,
        created_by: r.created_by,
        created_at: timestamp(&r.created_at),
        updated_at: timestamp(&r.updated_at),
        deleted_at: r.deleted_at.as_ref().map(timestamp),
    }
}

pub(crate) fn region_columns(r: TaxRegion) -> TaxRegionColumns {
    TaxRegionColumns {
        id: r.id.into_string(),
        country_code: r.country_code,
        province_code: r.province_code,
        parent_id: r.parent_id.map(TaxRegionId::into_string),
        provider_id: r.provider_id,
        metadata: r.metadata,
        created_by: r.created_by,
        created_at: timestamp(&r.created_at),
        updated_at: timestamp(&r.updated_at),
        deleted_at: r.deleted_at.as_ref().map(timestamp),
    }
}

pub(crate) fn rate_with_rules(r: RateWithRules) -> RateWithRulesBody {
    RateWithRulesBody {
        columns: rate_columns(r.rate),
        rules: r.rules.into_iter().map(rule_body).collect(),
    }
}

fn rate_body(d: TaxRateDetails) -> TaxRateBody {
    TaxRateBody {
        columns: rate_columns(d.rate),
        rules: d.rules.into_iter().map(rule_body).collect(),
        tax_region: d.region.map(region_columns),
    }
}

fn render(rates: Vec<TaxRateDetails>, fields: Option<&str>) -> ApiResult<Vec<Value>> {
    let selection = FieldSpec::parse(fields, DEFAULT_FIELDS).selection();
    rates
        .into_iter()
        .map(|d| {
            let mut v = serde_json::to_value(rate_body(d)).map_err(Error::internal)?;
            selection.project(&mut v, &RATE_SHAPE);
            Ok(v)
        })
        .collect()
}

pub(crate) fn service(state: &State) -> Result<std::sync::Arc<dyn TaxService>, Error> {
    state
        .registry
        .get::<dyn TaxService>()
        .map_err(Error::internal)
}

/// `GET /admin/tax-rates` filters (Medusa's `AdminGetTaxRatesParams`).
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TaxRateQuery {
    /// Case-insensitive search in the code and name.
    pub q: Option<String>,
    #[serde(default, deserialize_with = "one_or_many")]
    #[param(value_type = Option<Vec<String>>)]
    pub tax_region_id: Option<Vec<String>>,
    /// `true` or `false`.
    pub is_default: Option<String>,
    #[param(value_type = Option<Object>, style = DeepObject)]
    pub created_at: Option<Comparison<DateTime<Utc>>>,
    #[param(value_type = Option<Object>, style = DeepObject)]
    pub updated_at: Option<Comparison<DateTime<Utc>>>,
    /// Filtering on `deleted_at` includes deleted rates.
    #[param(value_type = Option<Object>, style = DeepObject)]
    pub deleted_at: Option<Comparison<DateTime<Utc>>>,
    /// Page size (default 20, at most 1000).
    pub limit: Option<u32>,
    pub offset: Option<u32>,
    pub order: Option<String>,
    pub fields: Option<String>,
    pub with_deleted: Option<bool>,
}

/// A rule in a request body.
#[derive(Debug, Deserialize, ToSchema)]
pub struct TaxRateRuleInput {
    /// `product`, `product_type` or `shipping_option` (other values are stored, as Medusa
    /// does, but never match).
    pub reference: String,
    pub reference_id: String,
}

impl From<TaxRateRuleInput> for NewTaxRateRule {
    fn from(r: TaxRateRuleInput) -> Self {
        NewTaxRateRule {
            reference: r.reference,
            reference_id: r.reference_id,
        }
    }
}

/// `POST /admin/tax-rates` (Medusa's `AdminCreateTaxRate`).
#[derive(Debug, Deserialize, ToSchema)]
pub struct CreateTaxRateBody {
    /// Percent, exact as written (`8.875`).
    #[schema(value_type = Option<f64>)]
    pub rate: Option<Percent>,
    pub code: String,
    pub rules: Option<Vec<TaxRateRuleInput>>,
    pub name: String,
    pub is_default: Option<bool>,
    pub is_combinable: Option<bool>,
    pub tax_region_id: String,
    #[schema(value_type = Option<Object>)]
    pub metadata: Option<Map<String, Value>>,
}

/// `POST /admin/tax-rates/:id` (Medusa's `AdminUpdateTaxRate`); `rules` replaces the rate's.
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct UpdateTaxRateBody {
    #[schema(value_type = Option<f64>)]
    pub rate: Option<Percent>,
    pub code: Option<String>,
    pub rules: Option<Vec<TaxRateRuleInput>>,
    pub name: Option<String>,
    pub is_default: Option<bool>,
    pub is_combinable: Option<bool>,
    /// An object, or `null` to clear.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<Object>)]
    pub metadata: Option<Option<Map<String, Value>>>,
}

/// `{tax_rates, count, offset, limit}`.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct TaxRateList {
    tax_rates: Vec<TaxRateBody>,
    count: u64,
    offset: u32,
    limit: u32,
}

/// `{tax_rate}`.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct TaxRateOne {
    tax_rate: TaxRateBody,
}

/// `{id, object: "tax_rate", deleted: true}`.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct TaxRateDeleted {
    id: String,
    object: String,
    deleted: bool,
}

/// `{id, object: "tax_rate_rule", deleted: true, parent: <tax_rate>}`.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct TaxRateRuleDeleted {
    id: String,
    object: String,
    deleted: bool,
    parent: Option<TaxRateBody>,
}

/// Medusa's route message for an unknown rate on update.
fn rate_not_found(raw: &str) -> Error {
    Error::not_found(format!("Tax rate with id \"{raw}\" not found"))
}

/// The rate, rendered, or `None` when it does not exist (any more).
async fn refetch(
    svc: &dyn TaxService,
    id: &TaxRateId,
    fields: Option<&str>,
) -> ApiResult<Option<Value>> {
    match svc.retrieve_rate(id).await {
        Ok(d) => Ok(render(vec![d], fields)?.pop()),
        Err(TaxError::RateNotFound(_)) => Ok(None),
        Err(e) => Err(Error::from(e).into()),
    }
}

/// List tax rates.
#[utoipa::path(
    get,
    path = "/admin/tax-rates",
    tag = "Admin",
    params(TaxRateQuery),
    security(("secret_key" = [])),
    responses(
        (status = 200, description = "A page of tax rates", body = TaxRateList),
        (status = 400, description = "Unknown or invalid query parameters", body = crate::openapi::ErrorBody),
        (status = 401, description = "Not authenticated", body = crate::openapi::UnauthorizedBody)
    )
)]
#[get("/tax-rates")]
pub async fn list(req: HttpRequest, state: State) -> ApiResult<HttpResponse> {
    let (params, q): (_, TaxRateQuery) = parse_list_query(req.query_string(), &LIST)?;
    let is_default = match q.is_default.as_deref() {
        None => None,
        Some("true") => Some(true),
        Some("false") => Some(false),
        Some(_) => {
            return Err(Error::invalid_data(
                "Invalid request: Invalid literal value, expected \"true\" or \"false\" for field 'is_default'",
            )
            .into());
        }
    };
    let filter = TaxRateFilter {
        ids: None,
        q: q.q,
        tax_region_ids: q.tax_region_id,
        is_default,
        created_at: q.created_at,
        updated_at: q.updated_at,
        deleted_at: q.deleted_at,
        with_deleted: params.with_deleted,
    };
    let svc = service(&state)?;
    let (rates, count) = svc.list_rates(&filter, &params).await?;
    let rates = svc.rate_details(rates).await?;
    let items = render(rates, params.fields.as_deref())?;
    Ok(response::list("tax_rates", items, count, &params))
}

/// Create a tax rate, with rules.
#[utoipa::path(
    post,
    path = "/admin/tax-rates",
    tag = "Admin",
    params(FieldsQuery),
    request_body = CreateTaxRateBody,
    security(("secret_key" = [])),
    responses(
        (status = 200, description = "The new tax rate", body = TaxRateOne),
        (status = 400, description = "Invalid body", body = crate::openapi::ErrorBody),
        (status = 404, description = "No such tax region", body = crate::openapi::ErrorBody),
        (status = 422, description = "The region already has a default rate, or a rule is listed twice", body = crate::openapi::ErrorBody)
    )
)]
#[post("/tax-rates")]
pub async fn create(
    state: State,
    auth: web::ReqData<AuthContext>,
    query: StrictQuery<RetrieveParams>,
    body: StrictJson<CreateTaxRateBody>,
) -> ApiResult<HttpResponse> {
    let b = body.0;
    let region = TaxRegionId::parse(&b.tax_region_id)
        .map_err(|_| TaxError::RegionNotFound(b.tax_region_id.clone()))?;
    let svc = service(&state)?;
    let rate = svc
        .create_rate(CreateTaxRate {
            tax_region_id: region,
            rate: b.rate,
            code: b.code,
            name: b.name,
            is_default: b.is_default,
            is_combinable: b.is_combinable,
            rules: b
                .rules
                .unwrap_or_default()
                .into_iter()
                .map(Into::into)
                .collect(),
            metadata: b.metadata.map(Value::Object),
            created_by: Some(auth.actor_id.clone()),
        })
        .await?;
    let body = refetch(svc.as_ref(), &rate.id, query.0.fields.as_deref())
        .await?
        .ok_or_else(|| rate_not_found(rate.id.as_str()))?;
    Ok(response::one("tax_rate", body))
}

/// A tax rate.
#[utoipa::path(
    get,
    path = "/admin/tax-rates/{id}",
    tag = "Admin",
    params(("id" = String, Path, description = "Tax rate id (`txr_...`)"), FieldsQuery),
    security(("secret_key" = [])),
    responses(
        (status = 200, description = "The tax rate", body = TaxRateOne),
        (status = 404, description = "No such tax rate", body = crate::openapi::ErrorBody)
    )
)]
#[get("/tax-rates/{id}")]
pub async fn retrieve(
    path: web::Path<String>,
    state: State,
    query: StrictQuery<RetrieveParams>,
) -> ApiResult<HttpResponse> {
    let raw = path.into_inner();
    let id = TaxRateId::parse(&raw).map_err(|_| TaxError::RateNotFound(raw.clone()))?;
    let d = service(&state)?.retrieve_rate(&id).await?;
    let body = render(vec![d], query.0.fields.as_deref())?
        .pop()
        .unwrap_or(Value::Null);
    Ok(response::one("tax_rate", body))
}

/// Update a tax rate (`rules` replaces its rules).
#[utoipa::path(
    post,
    path = "/admin/tax-rates/{id}",
    tag = "Admin",
    params(("id" = String, Path, description = "Tax rate id (`txr_...`)"), FieldsQuery),
    request_body = UpdateTaxRateBody,
    security(("secret_key" = [])),
    responses(
        (status = 200, description = "The updated tax rate", body = TaxRateOne),
        (status = 400, description = "Invalid body", body = crate::openapi::ErrorBody),
        (status = 404, description = "No such tax rate", body = crate::openapi::ErrorBody),
        (status = 422, description = "The region already has a default rate, or a rule is listed twice", body = crate::openapi::ErrorBody)
    )
)]
#[post("/tax-rates/{id}")]
pub async fn update(
    path: web::Path<String>,
    state: State,
    auth: web::ReqData<AuthContext>,
    query: StrictQuery<RetrieveParams>,
    body: StrictJson<UpdateTaxRateBody>,
) -> ApiResult<HttpResponse> {
    let raw = path.into_inner();
    let id = TaxRateId::parse(&raw).map_err(|_| rate_not_found(&raw))?;
    let b = body.0;
    let svc = service(&state)?;
    svc.update_rate(
        &id,
        UpdateTaxRate {
            rate: b.rate,
            code: b.code,
            name: b.name,
            is_default: b.is_default,
            is_combinable: b.is_combinable,
            rules: b.rules.map(|r| r.into_iter().map(Into::into).collect()),
            metadata: b.metadata.map(|m| m.map(Value::Object)),
            updated_by: Some(auth.actor_id.clone()),
        },
    )
    .await
    .map_err(|e| match e {
        TaxError::RateNotFound(_) => rate_not_found(&raw),
        other => other.into(),
    })?;
    let body = refetch(svc.as_ref(), &id, query.0.fields.as_deref())
        .await?
        .ok_or_else(|| rate_not_found(&raw))?;
    Ok(response::one("tax_rate", body))
}

/// Delete a tax rate and its rules.
#[utoipa::path(
    delete,
    path = "/admin/tax-rates/{id}",
    tag = "Admin",
    params(("id" = String, Path, description = "Tax rate id (`txr_...`)")),
    security(("secret_key" = [])),
    responses((status = 200, description = "Deleted (also when it did not exist, as in Medusa)", body = TaxRateDeleted))
)]
#[delete("/tax-rates/{id}")]
pub async fn remove(
    path: web::Path<String>,
    state: State,
    _query: StrictQuery<NoQuery>,
) -> ApiResult<HttpResponse> {
    let raw = path.into_inner();
    // A malformed id names no rate; deleting it is the same no-op as an unknown one.
    if let Ok(id) = TaxRateId::parse(&raw) {
        service(&state)?.delete_rate(&id).await?;
    }
    Ok(response::deleted(&raw, "tax_rate", None))
}

/// Add a rule to a tax rate.
#[utoipa::path(
    post,
    path = "/admin/tax-rates/{id}/rules",
    tag = "Admin",
    params(("id" = String, Path, description = "Tax rate id (`txr_...`)"), FieldsQuery),
    request_body = TaxRateRuleInput,
    security(("secret_key" = [])),
    responses(
        (status = 200, description = "The tax rate with the new rule", body = TaxRateOne),
        (status = 400, description = "Invalid body", body = crate::openapi::ErrorBody),
        (status = 404, description = "No such tax rate", body = crate::openapi::ErrorBody),
        (status = 422, description = "The rate already has a rule for this reference id", body = crate::openapi::ErrorBody)
    )
)]
#[post("/tax-rates/{id}/rules")]
pub async fn add_rule(
    path: web::Path<String>,
    state: State,
    auth: web::ReqData<AuthContext>,
    query: StrictQuery<RetrieveParams>,
    body: StrictJson<TaxRateRuleInput>,
) -> ApiResult<HttpResponse> {
    let raw = path.into_inner();
    let id = TaxRateId::parse(&raw).map_err(|_| rate_not_found(&raw))?;
    let svc = service(&state)?;
    svc.add_rule(&id, body.0.into(), Some(auth.actor_id.clone()))
        .await
        .map_err(|e| match e {
            TaxError::RateNotFound(_) => rate_not_found(&raw),
            other => other.into(),
        })?;
    let body = refetch(svc.as_ref(), &id, query.0.fields.as_deref())
        .await?
        .ok_or_else(|| rate_not_found(&raw))?;
    Ok(response::one("tax_rate", body))
}

/// Remove a rule from a tax rate.
#[utoipa::path(
    delete,
    path = "/admin/tax-rates/{id}/rules/{rule_id}",
    tag = "Admin",
    params(
        ("id" = String, Path, description = "Tax rate id (`txr_...`)"),
        ("rule_id" = String, Path, description = "Rule id (`txrule_...`)"),
        FieldsQuery
    ),
    security(("secret_key" = [])),
    responses((status = 200, description = "Deleted (also when it did not exist, as in Medusa); `parent` is the rate, absent when the rate does not exist", body = TaxRateRuleDeleted))
)]
#[delete("/tax-rates/{id}/rules/{rule_id}")]
pub async fn remove_rule(
    path: web::Path<(String, String)>,
    state: State,
    query: StrictQuery<RetrieveParams>,
) -> ApiResult<HttpResponse> {
    let (raw_rate, raw_rule) = path.into_inner();
    let svc = service(&state)?;
    let parent = match TaxRateId::parse(&raw_rate) {
        Ok(rate) => {
            if let Ok(rule) = TaxRateRuleId::parse(&raw_rule) {
                svc.delete_rule(&rate, &rule).await?;
            }
            refetch(svc.as_ref(), &rate, query.0.fields.as_deref()).await?
        }
        Err(_) => None,
    };
    Ok(response::deleted(
        &raw_rule,
        "tax_rate_rule",
        parent.map(|p| ("tax_rate", p)),
    ))
}
