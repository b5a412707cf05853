//! `/admin/fulfillment-sets/:id` (delete) and its service zones:
//! `POST /:id/service-zones`, `GET|POST|DELETE /:id/service-zones/:zone_id`.

use std::collections::HashMap;

use actix_web::{HttpResponse, delete, get, post, web};
use medusa_core::Error;
use medusa_core::fields::FieldSpec;
use medusa_core::request::RetrieveParams;
use medusa_fulfillment::{
    FulfillmentError, FulfillmentSet, FulfillmentSetId, GeoZoneId, GeoZoneType, NewGeoZone,
    NewServiceZone, ServiceZoneId, UpdateServiceZone,
};
use serde::Deserialize;
use serde_json::{Map, Value};
use utoipa::{OpenApi, ToSchema};

use crate::error::ApiResult;
use crate::extract::{StrictJson, StrictQuery};
use crate::response;
use crate::routes::admin::regions::NoQuery;
use crate::routes::admin::shipping_profiles::service;
use crate::routes::store::regions::FieldsQuery;
use crate::shipping::{SET_SHAPE, ZONE_SHAPE, fulfillment_set_json, service_zone_json};
use crate::state::State;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(remove)
        .service(create_zone)
        .service(retrieve_zone)
        .service(update_zone)
        .service(remove_zone);
}

#[derive(OpenApi)]
#[openapi(
    paths(remove, create_zone, retrieve_zone, update_zone, remove_zone),
    components(schemas(CreateServiceZoneBody, UpdateServiceZoneBody, GeoZoneBody))
)]
pub struct Api;

/// Medusa's `defaultAdminFulfillmentSetsFields`.
const SET_FIELDS: &[&str] = &[
    "id",
    "name",
    "type",
    "created_at",
    "updated_at",
    "deleted_at",
    "*service_zones",
    "*service_zones.geo_zones",
];

/// Medusa's `retrieveServiceZoneTransformQueryConfig` defaults.
const ZONE_FIELDS: &[&str] = &[
    "id",
    "name",
    "type",
    "created_at",
    "updated_at",
    "deleted_at",
    "*geo_zones",
];

/// A geo zone: `country` needs `country_code`; `province` also `province_code`; `city` also
/// `city`; `zip` also `postal_expression` (an object, as Medusa).
#[derive(Debug, Deserialize, ToSchema)]
pub struct GeoZoneBody {
    /// Only in updates: keep this geo zone's id.
    pub id: Option<String>,
    #[serde(rename = "type")]
    pub zone_type: String,
    pub country_code: String,
    pub province_code: Option<String>,
    pub city: Option<String>,
    #[schema(value_type = Option<Object>)]
    pub postal_expression: Option<Map<String, Value>>,
    #[schema(value_type = Option<Object>)]
    pub metadata: Option<Map<String, Value>>,
}

/// `POST /admin/fulfillment-sets/:id/service-zones`.
#[derive(Debug, Deserialize, ToSchema)]
pub struct CreateServiceZoneBody {
    pub name: String,
    pub geo_zones: Option<Vec<GeoZoneBody>>,
}

/// `POST /admin/fulfillment-sets/:id/service-zones/:zone_id`: `geo_zones` replace the zone's.
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct UpdateServiceZoneBody {
    pub name: Option<String>,
    pub geo_zones: Option<Vec<GeoZoneBody>>,
}

fn geo_zones(body: Vec<GeoZoneBody>, allow_id: bool) -> Result<Vec<NewGeoZone>, Error> {
    body.into_iter()
        .map(|g| {
            let zone_type = GeoZoneType::parse(&g.zone_type).ok_or_else(|| {
                Error::invalid_data(format!(
                    "Invalid request: Expected: 'country, province, city, zip' for field 'geo_zones.type', but got: '{}'",
                    g.zone_type
                ))
            })?;
            let id = match g.id {
                Some(_) if !allow_id => {
                    return Err(Error::invalid_data(
                        "Invalid request: Unrecognized fields: 'geo_zones.id'",
                    ));
                }
                Some(id) => Some(GeoZoneId::parse(&id).map_err(|_| {
                    Error::not_found(format!("GeoZone with id: {id} was not found"))
                })?),
                None => None,
            };
            Ok(NewGeoZone {
                id,
                zone_type,
                country_code: g.country_code,
                province_code: g.province_code,
                city: g.city,
                postal_expression: g.postal_expression.map(Value::Object),
                metadata: g.metadata.map(Value::Object),
            })
        })
        .collect()
}

fn set_not_found(raw: &str) -> Error {
    Error::not_found(format!("FulfillmentSet with id: {raw} was not found"))
}

async fn load_set(state: &State, raw: &str) -> ApiResult<FulfillmentSet> {
    let id = FulfillmentSetId::parse(raw).map_err(|_| set_not_found(raw))?;
    Ok(service(state)?
        .fulfillment_sets(&[id.to_string()])
        .await?
        .pop()
        .ok_or_else(|| set_not_found(raw))?)
}

/// The zone id when it belongs to the set (Medusa's check before updates and deletes).
fn zone_of(set: &FulfillmentSet, raw: &str) -> Result<ServiceZoneId, Error> {
    set.service_zones
        .iter()
        .find(|z| z.id.as_str() == raw)
        .map(|z| z.id.clone())
        .ok_or_else(|| {
            Error::not_found(format!(
                "Service zone with id: {raw} not found on fulfillment set"
            ))
        })
}

fn set_value(set: &FulfillmentSet, fields: Option<&str>) -> Value {
    let mut v = fulfillment_set_json(set, &HashMap::new());
    FieldSpec::parse(fields, SET_FIELDS)
        .selection()
        .project(&mut v, &SET_SHAPE);
    v
}

async fn set_response(state: &State, raw: &str, fields: Option<&str>) -> ApiResult<HttpResponse> {
    let set = load_set(state, raw).await?;
    Ok(response::one("fulfillment_set", set_value(&set, fields)))
}

/// Delete a fulfillment set with its service zones and their shipping options.
#[utoipa::path(delete, path = "/admin/fulfillment-sets/{id}", tag = "Admin",
    params(("id" = String, Path, description = "Fulfillment set id (`fuset_...`)")),
    security(("secret_key" = [])),
    responses((status = 200, description = "`{id, object: \"fulfillment_set\", deleted: true}`", body = Object),
        (status = 404, description = "No such set", body = crate::openapi::ErrorBody)))]
#[delete("/fulfillment-sets/{id}")]
pub async fn remove(
    path: web::Path<String>,
    state: State,
    _query: StrictQuery<NoQuery>,
) -> ApiResult<HttpResponse> {
    let raw = path.into_inner();
    let id = FulfillmentSetId::parse(&raw).map_err(|_| set_not_found(&raw))?;
    service(&state)?
        .delete_fulfillment_set(&id)
        .await
        .map_err(|e| match e {
            FulfillmentError::FulfillmentSetNotFound(_) => set_not_found(&raw),
            other => other.into(),
        })?;
    Ok(response::deleted(&raw, "fulfillment_set", None))
}

/// Create a service zone in the set.
#[utoipa::path(post, path = "/admin/fulfillment-sets/{id}/service-zones", tag = "Admin",
    params(("id" = String, Path, description = "Fulfillment set id (`fuset_...`)"), FieldsQuery),
    request_body = CreateServiceZoneBody, security(("secret_key" = [])),
    responses((status = 200, description = "`{fulfillment_set}`", body = Object),
        (status = 400, description = "Invalid body or name taken", body = crate::openapi::ErrorBody),
        (status = 404, description = "No such set", body = crate::openapi::ErrorBody)))]
#[post("/fulfillment-sets/{id}/service-zones")]
pub async fn create_zone(
    path: web::Path<String>,
    state: State,
    query: StrictQuery<RetrieveParams>,
    body: StrictJson<CreateServiceZoneBody>,
) -> ApiResult<HttpResponse> {
    let raw = path.into_inner();
    let set = load_set(&state, &raw).await?;
    let b = body.0;
    let zone = NewServiceZone {
        name: b.name,
        geo_zones: geo_zones(b.geo_zones.unwrap_or_default(), false)?,
        metadata: None,
    };
    service(&state)?.create_service_zone(&set.id, zone).await?;
    set_response(&state, &raw, query.0.fields.as_deref()).await
}

/// A service zone.
#[utoipa::path(get, path = "/admin/fulfillment-sets/{id}/service-zones/{zone_id}", tag = "Admin",
    params(("id" = String, Path, description = "Fulfillment set id (`fuset_...`)"),
        ("zone_id" = String, Path, description = "Service zone id (`serzo_...`)"), FieldsQuery),
    security(("secret_key" = [])),
    responses((status = 200, description = "`{service_zone}`", body = Object),
        (status = 404, description = "No such zone", body = crate::openapi::ErrorBody)))]
#[get("/fulfillment-sets/{id}/service-zones/{zone_id}")]
pub async fn retrieve_zone(
    path: web::Path<(String, String)>,
    state: State,
    query: StrictQuery<RetrieveParams>,
) -> ApiResult<HttpResponse> {
    let (_, zone_raw) = path.into_inner();
    let not_found = || Error::not_found(format!("Service zone with id: {zone_raw} not found"));
    // As Medusa, the zone is looked up by its id alone.
    let id = ServiceZoneId::parse(&zone_raw).map_err(|_| not_found())?;
    let zone = service(&state)?
        .service_zones(&[id.to_string()])
        .await?
        .pop()
        .ok_or_else(not_found)?;
    let mut v = service_zone_json(&zone, None);
    FieldSpec::parse(query.0.fields.as_deref(), ZONE_FIELDS)
        .selection()
        .project(&mut v, &ZONE_SHAPE);
    Ok(response::one("service_zone", v))
}

/// Update a service zone.
#[utoipa::path(post, path = "/admin/fulfillment-sets/{id}/service-zones/{zone_id}", tag = "Admin",
    params(("id" = String, Path, description = "Fulfillment set id (`fuset_...`)"),
        ("zone_id" = String, Path, description = "Service zone id (`serzo_...`)"), FieldsQuery),
    request_body = UpdateServiceZoneBody, security(("secret_key" = [])),
    responses((status = 200, description = "`{fulfillment_set}`", body = Object),
        (status = 400, description = "Invalid body", body = crate::openapi::ErrorBody),
        (status = 404, description = "No such set or zone", body = crate::openapi::ErrorBody)))]
#[post("/fulfillment-sets/{id}/service-zones/{zone_id}")]
pub async fn update_zone(
    path: web::Path<(String, String)>,
    state: State,
    query: StrictQuery<RetrieveParams>,
    body: StrictJson<UpdateServiceZoneBody>,
) -> ApiResult<HttpResponse> {
    let (raw, zone_raw) = path.into_inner();
    let set = load_set(&state, &raw).await?;
    let zone = zone_of(&set, &zone_raw)?;
    let b = body.0;
    let update = UpdateServiceZone {
        name: b.name,
        geo_zones: b.geo_zones.map(|g| geo_zones(g, true)).transpose()?,
        metadata: None,
    };
    service(&state)?.update_service_zone(&zone, update).await?;
    set_response(&state, &raw, query.0.fields.as_deref()).await
}

/// Delete a service zone (and its shipping options).
#[utoipa::path(delete, path = "/admin/fulfillment-sets/{id}/service-zones/{zone_id}", tag = "Admin",
    params(("id" = String, Path, description = "Fulfillment set id (`fuset_...`)"),
        ("zone_id" = String, Path, description = "Service zone id (`serzo_...`)")),
    security(("secret_key" = [])),
    responses((status = 200, description = "`{id, object: \"service_zone\", deleted: true, parent: <fulfillment_set>}`", body = Object),
        (status = 404, description = "No such set or zone", body = crate::openapi::ErrorBody)))]
#[delete("/fulfillment-sets/{id}/service-zones/{zone_id}")]
pub async fn remove_zone(
    path: web::Path<(String, String)>,
    state: State,
    _query: StrictQuery<NoQuery>,
) -> ApiResult<HttpResponse> {
    let (raw, zone_raw) = path.into_inner();
    let set = load_set(&state, &raw).await?;
    let zone = zone_of(&set, &zone_raw)?;
    service(&state)?.delete_service_zone(&zone).await?;
    // Medusa answers with the set as it was loaded before the delete.
    let parent = set_value(&set, None);
    Ok(response::deleted(
        &zone_raw,
        "service_zone",
        Some(("fulfillment_set", parent)),
    ))
}
