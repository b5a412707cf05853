//! `/admin/shipping-profiles`: list, create, retrieve, update, delete.

use std::sync::Arc;

use actix_web::{HttpRequest, HttpResponse, delete, get, post, web};
use medusa_core::Error;
use medusa_core::fields::{FieldSpec, Shape};
use medusa_core::request::{ListConfig, RetrieveParams, one_or_many, parse_list_query};
use medusa_fulfillment::{
    FulfillmentError, FulfillmentService, ShippingProfile, ShippingProfileFilter, ShippingProfileId,
};
use serde::Deserialize;
use serde_json::{Map, Value};
use utoipa::{IntoParams, OpenApi, ToSchema};

use crate::error::ApiResult;
use crate::extract::{StrictJson, StrictQuery};
use crate::response;
use crate::routes::admin::regions::{NoQuery, nullable};
use crate::routes::store::regions::FieldsQuery;
use crate::shipping::profile_json;
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
    components(schemas(CreateShippingProfileBody, UpdateShippingProfileBody))
)]
pub struct Api;

/// Medusa's `defaultAdminShippingProfileFields`.
const DEFAULT_FIELDS: &[&str] = &["id", "name", "type", "metadata", "created_at", "updated_at"];

const LIST: ListConfig = ListConfig {
    default_limit: 20,
    orderable: &["id", "name", "type", "created_at", "updated_at"],
};

/// `GET /admin/shipping-profiles` filters (Medusa's `AdminGetShippingProfilesParams`).
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ShippingProfileQuery {
    #[serde(default, deserialize_with = "one_or_many")]
    #[param(value_type = Option<Vec<String>>)]
    pub id: Option<Vec<String>>,
    /// Case-insensitive search in the name.
    pub q: Option<String>,
    #[serde(rename = "type")]
    pub profile_type: Option<String>,
    pub name: Option<String>,
    pub limit: Option<u32>,
    pub offset: Option<u32>,
    pub order: Option<String>,
    pub fields: Option<String>,
    pub with_deleted: Option<bool>,
}

/// `POST /admin/shipping-profiles`.
#[derive(Debug, Deserialize, ToSchema)]
pub struct CreateShippingProfileBody {
    pub name: String,
    /// `default`, `gift_card` or any custom type.
    #[serde(rename = "type")]
    pub profile_type: String,
    #[schema(value_type = Option<Object>)]
    pub metadata: Option<Map<String, Value>>,
}

/// `POST /admin/shipping-profiles/:id`.
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct UpdateShippingProfileBody {
    pub name: Option<String>,
    #[serde(rename = "type")]
    pub profile_type: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<Object>)]
    pub metadata: Option<Option<Map<String, Value>>>,
}

pub(crate) fn service(state: &State) -> Result<Arc<dyn FulfillmentService>, Error> {
    state
        .registry
        .get::<dyn FulfillmentService>()
        .map_err(Error::internal)
}

fn render(profiles: &[ShippingProfile], fields: Option<&str>) -> Vec<Value> {
    let selection = FieldSpec::parse(fields, DEFAULT_FIELDS).selection();
    profiles
        .iter()
        .map(|p| {
            let mut v = profile_json(p);
            selection.project(&mut v, &Shape::LEAF);
            v
        })
        .collect()
}

fn one(p: &ShippingProfile, fields: Option<&str>) -> HttpResponse {
    let mut items = render(std::slice::from_ref(p), fields);
    response::one("shipping_profile", items.pop().unwrap_or(Value::Null))
}

fn not_found(raw: &str) -> Error {
    Error::not_found(format!("ShippingProfile with id: {raw} was not found"))
}

fn parse_id(raw: &str) -> Result<ShippingProfileId, Error> {
    ShippingProfileId::parse(raw).map_err(|_| not_found(raw))
}

/// List shipping profiles.
#[utoipa::path(get, path = "/admin/shipping-profiles", tag = "Admin", params(ShippingProfileQuery),
    security(("secret_key" = [])),
    responses((status = 200, description = "`{shipping_profiles, count, offset, limit}`", body = Object),
        (status = 400, description = "Unknown or invalid query parameters", body = crate::openapi::ErrorBody)))]
#[get("/shipping-profiles")]
pub async fn list(req: HttpRequest, state: State) -> ApiResult<HttpResponse> {
    let (params, q): (_, ShippingProfileQuery) = parse_list_query(req.query_string(), &LIST)?;
    let filter = ShippingProfileFilter {
        ids: q.id.unwrap_or_default(),
        name: q.name,
        profile_type: q.profile_type,
        q: q.q,
    };
    let (profiles, count) = service(&state)?
        .list_shipping_profiles(&filter, u64::from(params.offset), u64::from(params.limit))
        .await?;
    let items = render(&profiles, params.fields.as_deref());
    Ok(response::list("shipping_profiles", items, count, &params))
}

/// Create a shipping profile.
#[utoipa::path(post, path = "/admin/shipping-profiles", tag = "Admin", params(FieldsQuery),
    request_body = CreateShippingProfileBody, security(("secret_key" = [])),
    responses((status = 200, description = "`{shipping_profile}`", body = Object),
        (status = 400, description = "Invalid body or name taken", body = crate::openapi::ErrorBody)))]
#[post("/shipping-profiles")]
pub async fn create(
    state: State,
    query: StrictQuery<RetrieveParams>,
    body: StrictJson<CreateShippingProfileBody>,
) -> ApiResult<HttpResponse> {
    let b = body.0;
    let p = service(&state)?
        .create_shipping_profile(&b.name, &b.profile_type, b.metadata.map(Value::Object))
        .await?;
    Ok(one(&p, query.0.fields.as_deref()))
}

/// A shipping profile.
#[utoipa::path(get, path = "/admin/shipping-profiles/{id}", tag = "Admin",
    params(("id" = String, Path, description = "Shipping profile id (`sp_...`)"), FieldsQuery),
    security(("secret_key" = [])),
    responses((status = 200, description = "`{shipping_profile}`", body = Object),
        (status = 404, description = "No such profile", body = crate::openapi::ErrorBody)))]
#[get("/shipping-profiles/{id}")]
pub async fn retrieve(
    path: web::Path<String>,
    state: State,
    query: StrictQuery<RetrieveParams>,
) -> ApiResult<HttpResponse> {
    let raw = path.into_inner();
    let id = parse_id(&raw)?;
    let p = service(&state)?
        .shipping_profiles(&[id.to_string()])
        .await?
        .pop()
        .ok_or_else(|| not_found(&raw))?;
    Ok(one(&p, query.0.fields.as_deref()))
}

/// Update a shipping profile.
#[utoipa::path(post, path = "/admin/shipping-profiles/{id}", tag = "Admin",
    params(("id" = String, Path, description = "Shipping profile id (`sp_...`)"), FieldsQuery),
    request_body = UpdateShippingProfileBody, security(("secret_key" = [])),
    responses((status = 200, description = "`{shipping_profile}`", body = Object),
        (status = 400, description = "Invalid body or name taken", body = crate::openapi::ErrorBody),
        (status = 404, description = "No such profile", body = crate::openapi::ErrorBody)))]
#[post("/shipping-profiles/{id}")]
pub async fn update(
    path: web::Path<String>,
    state: State,
    query: StrictQuery<RetrieveParams>,
    body: StrictJson<UpdateShippingProfileBody>,
) -> ApiResult<HttpResponse> {
    let raw = path.into_inner();
    let id = parse_id(&raw)?;
    let b = body.0;
    let p = service(&state)?
        .update_shipping_profile(
            &id,
            b.name,
            b.profile_type,
            b.metadata.map(|m| m.map(Value::Object)),
        )
        .await?;
    Ok(one(&p, query.0.fields.as_deref()))
}

/// Delete a shipping profile (refused while shipping options use it).
#[utoipa::path(delete, path = "/admin/shipping-profiles/{id}", tag = "Admin",
    params(("id" = String, Path, description = "Shipping profile id (`sp_...`)")),
    security(("secret_key" = [])),
    responses((status = 200, description = "`{id, object: \"shipping_profile\", deleted: true}`", body = Object),
        (status = 400, description = "Shipping options still use the profile", body = crate::openapi::ErrorBody),
        (status = 404, description = "No such profile", body = crate::openapi::ErrorBody)))]
#[delete("/shipping-profiles/{id}")]
pub async fn remove(
    path: web::Path<String>,
    state: State,
    _query: StrictQuery<NoQuery>,
) -> ApiResult<HttpResponse> {
    let raw = path.into_inner();
    let id = parse_id(&raw)?;
    let svc = service(&state)?;
    // Medusa retrieves first: an unknown profile is a 404.
    if svc.shipping_profiles(&[id.to_string()]).await?.is_empty() {
        return Err(FulfillmentError::ProfileNotFound(id).into());
    }
    svc.delete_shipping_profile(&id).await?;
    Ok(response::deleted(&raw, "shipping_profile", None))
}
