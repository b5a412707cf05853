//! `/admin/regions`: list, create, retrieve, update, delete.

use actix_web::{HttpRequest, HttpResponse, delete, get, post, web};
use chrono::{DateTime, Utc};
use medusa_core::id::RegionId;
use medusa_core::request::{Comparison, ListConfig, RetrieveParams, one_or_many, parse_list_query};
use medusa_core::{CurrencyCode, Error};
use medusa_region::{CreateRegion, PaymentProviderId, RegionFilter, RegionService, UpdateRegion};
use serde::{Deserialize, Deserializer};
use serde_json::{Map, Value};
use utoipa::{IntoParams, OpenApi, ToSchema};

use crate::error::ApiResult;
use crate::extract::{StrictJson, StrictQuery};
use crate::response;
use crate::routes::store::regions::{FieldsQuery, ORDERABLE, RegionBody, region_ids, render};
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
        CreateRegionBody,
        UpdateRegionBody,
        AdminRegionList,
        AdminRegionOne,
        RegionDeleted
    ))
)]
pub struct Api;

/// Medusa's `defaultAdminRegionFields`.
const DEFAULT_FIELDS: &[&str] = &[
    "id",
    "name",
    "currency_code",
    "created_at",
    "updated_at",
    "deleted_at",
    "automatic_taxes",
    "metadata",
    "*countries",
];

/// Medusa's `AdminGetRegionsParams` default page.
const LIST: ListConfig = ListConfig {
    default_limit: 50,
    orderable: ORDERABLE,
};

/// `null` -> `Some(None)`, absent -> `None` (with `#[serde(default)]`).
pub(crate) fn nullable<'de, D, T>(d: D) -> Result<Option<Option<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(d).map(Some)
}

/// `GET /admin/regions` filters (Medusa's `AdminGetRegionsParams`).
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AdminRegionQuery {
    /// Case-insensitive search in the name and currency code.
    pub q: Option<String>,
    #[serde(default, deserialize_with = "one_or_many")]
    #[param(value_type = Option<Vec<String>>)]
    pub id: Option<Vec<String>>,
    #[serde(default, deserialize_with = "one_or_many")]
    #[param(value_type = Option<Vec<String>>)]
    pub currency_code: Option<Vec<String>>,
    #[serde(default, deserialize_with = "one_or_many")]
    #[param(value_type = Option<Vec<String>>)]
    pub name: Option<Vec<String>>,
    /// `created_at[$gt]=2024-01-01T00:00:00Z`, also `$gte`, `$lt`, `$lte`, `$eq`, `$ne`.
    #[param(value_type = Option<Object>, style = DeepObject)]
    pub created_at: Option<Comparison<DateTime<Utc>>>,
    #[param(value_type = Option<Object>, style = DeepObject)]
    pub updated_at: Option<Comparison<DateTime<Utc>>>,
    /// Filtering on `deleted_at` includes deleted regions.
    #[param(value_type = Option<Object>, style = DeepObject)]
    pub deleted_at: Option<Comparison<DateTime<Utc>>>,
    /// Page size (default 50, at most 1000).
    pub limit: Option<u32>,
    pub offset: Option<u32>,
    pub order: Option<String>,
    pub fields: Option<String>,
    /// Include deleted regions.
    pub with_deleted: Option<bool>,
}

/// `POST /admin/regions` (Medusa's `AdminCreateRegion`).
#[derive(Debug, Deserialize, ToSchema)]
pub struct CreateRegionBody {
    pub name: String,
    /// ISO 4217 code, any case (stored lower-case).
    pub currency_code: String,
    /// ISO 3166-1 alpha-2 codes; each may belong to one region only.
    pub countries: Option<Vec<String>>,
    /// Default `true`.
    pub automatic_taxes: Option<bool>,
    /// Tax-inclusive prices are a pricing-module setting that is not implemented yet: only
    /// `false` is accepted.
    pub is_tax_inclusive: Option<bool>,
    /// Payment provider ids; omitted means `["pp_system_default"]`.
    pub payment_providers: Option<Vec<String>>,
    #[schema(value_type = Option<Object>)]
    pub metadata: Option<Map<String, Value>>,
}

/// `POST /admin/regions/:id` (Medusa's `AdminUpdateRegion`); lists replace the region's.
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct UpdateRegionBody {
    pub name: Option<String>,
    pub currency_code: Option<String>,
    pub countries: Option<Vec<String>>,
    pub automatic_taxes: Option<bool>,
    /// Only `false` is accepted (see the create body).
    pub is_tax_inclusive: Option<bool>,
    pub payment_providers: Option<Vec<String>>,
    /// An object, or `null` to clear.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<Object>)]
    pub metadata: Option<Option<Map<String, Value>>>,
}

/// `{regions, count, offset, limit}`.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct AdminRegionList {
    regions: Vec<RegionBody>,
    count: u64,
    offset: u32,
    limit: u32,
}

/// `{region}`.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct AdminRegionOne {
    region: RegionBody,
}

/// `{id, object: "region", deleted: true}`.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct RegionDeleted {
    id: String,
    object: String,
    deleted: bool,
}

fn currency(code: &str) -> Result<CurrencyCode, Error> {
    CurrencyCode::parse(code.trim()).map_err(|_| {
        Error::invalid_data(format!(
            "Invalid request: '{code}' is not a valid currency code for field 'currency_code'"
        ))
    })
}

/// Provider ids as Medusa reports unknown ones (the payment module owns the providers).
fn providers(ids: Vec<String>) -> Result<Vec<PaymentProviderId>, Error> {
    let mut bad = Vec::new();
    let mut ok = Vec::with_capacity(ids.len());
    for id in ids {
        match PaymentProviderId::parse(&id) {
            Some(p) => ok.push(p),
            None => bad.push(id),
        }
    }
    if bad.is_empty() {
        Ok(ok)
    } else {
        Err(Error::not_found(format!(
            "Payment providers with ids {} not found or not enabled",
            bad.join(", ")
        )))
    }
}

fn refuse_tax_inclusive(flag: Option<bool>) -> Result<(), Error> {
    if flag == Some(true) {
        return Err(Error::invalid_data(
            "Invalid request: tax-inclusive pricing ('is_tax_inclusive': true) is not supported yet",
        ));
    }
    Ok(())
}

fn one(region: medusa_region::RegionDetails, fields: Option<&str>) -> ApiResult<HttpResponse> {
    let mut items = render(vec![region], fields, DEFAULT_FIELDS)?;
    Ok(response::one("region", items.pop().unwrap_or(Value::Null)))
}

fn service(state: &State) -> Result<std::sync::Arc<dyn RegionService>, Error> {
    state
        .registry
        .get::<dyn RegionService>()
        .map_err(Error::internal)
}

/// List regions.
#[utoipa::path(
    get,
    path = "/admin/regions",
    tag = "Admin",
    params(AdminRegionQuery),
    security(("secret_key" = [])),
    responses(
        (status = 200, description = "A page of regions", body = AdminRegionList),
        (status = 400, description = "Unknown or invalid query parameters", body = crate::openapi::ErrorBody),
        (status = 401, description = "Not authenticated", body = crate::openapi::UnauthorizedBody)
    )
)]
#[get("/regions")]
pub async fn list(req: HttpRequest, state: State) -> ApiResult<HttpResponse> {
    let (params, q): (_, AdminRegionQuery) = parse_list_query(req.query_string(), &LIST)?;
    let filter = RegionFilter {
        ids: region_ids(q.id),
        q: q.q,
        currency_codes: q.currency_code,
        names: q.name,
        created_at: q.created_at,
        updated_at: q.updated_at,
        deleted_at: q.deleted_at,
        with_deleted: params.with_deleted,
    };
    let service = service(&state)?;
    let (regions, count) = service.list(&filter, &params).await?;
    let regions = service.with_relations(regions).await?;
    let items = render(regions, params.fields.as_deref(), DEFAULT_FIELDS)?;
    Ok(response::list("regions", items, count, &params))
}

/// Create a region.
#[utoipa::path(
    post,
    path = "/admin/regions",
    tag = "Admin",
    params(FieldsQuery),
    request_body = CreateRegionBody,
    security(("secret_key" = [])),
    responses(
        (status = 200, description = "The new region", body = AdminRegionOne),
        (status = 400, description = "Invalid body, unknown country or country already in a region", body = crate::openapi::ErrorBody),
        (status = 404, description = "Unknown payment provider", body = crate::openapi::ErrorBody)
    )
)]
#[post("/regions")]
pub async fn create(
    state: State,
    query: StrictQuery<RetrieveParams>,
    body: StrictJson<CreateRegionBody>,
) -> ApiResult<HttpResponse> {
    let b = body.0;
    refuse_tax_inclusive(b.is_tax_inclusive)?;
    let input = CreateRegion {
        name: b.name,
        currency_code: currency(&b.currency_code)?,
        automatic_taxes: b.automatic_taxes,
        countries: b.countries.unwrap_or_default(),
        payment_providers: b.payment_providers.map(providers).transpose()?,
        metadata: b.metadata.map(Value::Object),
    };
    let region = service(&state)?.create(input).await?;
    one(region, query.0.fields.as_deref())
}

/// A region.
#[utoipa::path(
    get,
    path = "/admin/regions/{id}",
    tag = "Admin",
    params(("id" = String, Path, description = "Region id (`reg_...`)"), FieldsQuery),
    security(("secret_key" = [])),
    responses(
        (status = 200, description = "The region", body = AdminRegionOne),
        (status = 404, description = "No such region", body = crate::openapi::ErrorBody)
    )
)]
#[get("/regions/{id}")]
pub async fn retrieve(
    path: web::Path<String>,
    state: State,
    query: StrictQuery<RetrieveParams>,
) -> ApiResult<HttpResponse> {
    let raw = path.into_inner();
    let not_found = || Error::not_found(format!("Region with id: {raw} not found"));
    let id = RegionId::parse(&raw).map_err(|_| not_found())?;
    let region = service(&state)?
        .lookup(&[id])
        .await?
        .pop()
        .ok_or_else(not_found)?;
    one(region, query.0.fields.as_deref())
}

/// Update a region.
#[utoipa::path(
    post,
    path = "/admin/regions/{id}",
    tag = "Admin",
    params(("id" = String, Path, description = "Region id (`reg_...`)"), FieldsQuery),
    request_body = UpdateRegionBody,
    security(("secret_key" = [])),
    responses(
        (status = 200, description = "The updated region", body = AdminRegionOne),
        (status = 400, description = "Invalid body, unknown country or country already in a region", body = crate::openapi::ErrorBody),
        (status = 404, description = "No such region, or unknown payment provider", body = crate::openapi::ErrorBody)
    )
)]
#[post("/regions/{id}")]
pub async fn update(
    path: web::Path<String>,
    state: State,
    query: StrictQuery<RetrieveParams>,
    body: StrictJson<UpdateRegionBody>,
) -> ApiResult<HttpResponse> {
    let raw = path.into_inner();
    let not_found = || Error::not_found(format!("Region with id \"{raw}\" not found"));
    let id = RegionId::parse(&raw).map_err(|_| not_found())?;
    let b = body.0;
    refuse_tax_inclusive(b.is_tax_inclusive)?;
    let input = UpdateRegion {
        name: b.name,
        currency_code: b.currency_code.as_deref().map(currency).transpose()?,
        automatic_taxes: b.automatic_taxes,
        countries: b.countries,
        payment_providers: b.payment_providers.map(providers).transpose()?,
        metadata: b.metadata.map(|m| m.map(Value::Object)),
    };
    let region = service(&state)?
        .update(&id, input)
        .await
        .map_err(|e| match e {
            medusa_region::RegionError::NotFound(_) => not_found(),
            other => other.into(),
        })?;
    one(region, query.0.fields.as_deref())
}

/// Delete a region (its countries become free for other regions).
#[utoipa::path(
    delete,
    path = "/admin/regions/{id}",
    tag = "Admin",
    params(("id" = String, Path, description = "Region id (`reg_...`)")),
    security(("secret_key" = [])),
    responses((status = 200, description = "Deleted (also when it did not exist, as in Medusa)", body = RegionDeleted))
)]
#[delete("/regions/{id}")]
pub async fn remove(
    path: web::Path<String>,
    state: State,
    _query: StrictQuery<NoQuery>,
) -> ApiResult<HttpResponse> {
    let raw = path.into_inner();
    // A malformed id names no region; deleting it is the same no-op as an unknown one.
    if let Ok(id) = RegionId::parse(&raw) {
        service(&state)?.delete(&id).await?;
    }
    Ok(response::deleted(&raw, "region", None))
}

/// Routes without query parameters still refuse unknown ones.
#[derive(Debug, Default, Deserialize)]
pub struct NoQuery {}
