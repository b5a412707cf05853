//! `/admin/reservations`: list, create, retrieve, update, delete.
//!
//! Every write goes through the inventory module in one transaction with a guarded update of
//! the level (`stocked - reserved >= n`), so a level's `reserved_quantity` always equals the
//! sum of its reservations and concurrent requests for the last units never oversell.

use std::sync::Arc;

use actix_web::{HttpRequest, HttpResponse, delete, get, post, web};
use medusa_core::Error;
use medusa_core::fields::{FieldSpec, Shape};
use medusa_core::request::{ListConfig, RetrieveParams, one_or_many, parse_list_query};
use medusa_core::time::to_js;
use medusa_inventory::{
    InventoryError, InventoryItemId, InventoryService, ListInventoryItems, ListReservations,
    Reservation, ReservationItemId, ReservationRequest, UpdateReservation,
};
use serde::Deserialize;
use serde_json::{Map, Value, json};
use utoipa::{IntoParams, OpenApi, ToSchema};

use crate::error::ApiResult;
use crate::extract::{StrictJson, StrictQuery};
use crate::response;
use crate::routes::admin::inventory_items::{ITEM_SHAPE, item_json, service};
use crate::routes::admin::regions::{NoQuery, nullable};
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
    components(schemas(CreateReservationBody, UpdateReservationBody))
)]
pub struct Api;

/// Medusa's `defaultAdminReservationFields`: the reservation's columns and its inventory item's
/// default columns (Medusa's `inventory_item.*location_levels` entry selects no column, so the
/// item's levels are left out here too).
const DEFAULT_FIELDS: &[&str] = &[
    "id",
    "location_id",
    "inventory_item_id",
    "quantity",
    "line_item_id",
    "description",
    "metadata",
    "created_at",
    "updated_at",
    "inventory_item.id",
    "inventory_item.sku",
    "inventory_item.title",
    "inventory_item.description",
    "inventory_item.thumbnail",
    "inventory_item.origin_country",
    "inventory_item.hs_code",
    "inventory_item.requires_shipping",
    "inventory_item.mid_code",
    "inventory_item.material",
    "inventory_item.unit_of_measure",
    "inventory_item.weight",
    "inventory_item.length",
    "inventory_item.height",
    "inventory_item.width",
    "inventory_item.metadata",
    "inventory_item.reserved_quantity",
    "inventory_item.stocked_quantity",
    "inventory_item.created_at",
    "inventory_item.updated_at",
];

static SHAPE: Shape = Shape {
    relations: &[("inventory_item", &ITEM_SHAPE)],
};

const LIST: ListConfig = ListConfig {
    default_limit: 20,
    orderable: &[],
};

/// `GET /admin/reservations` filters (Medusa's `AdminGetReservationsParams`).
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReservationQuery {
    #[serde(default, deserialize_with = "one_or_many")]
    #[param(value_type = Option<Vec<String>>)]
    pub location_id: Option<Vec<String>>,
    #[serde(default, deserialize_with = "one_or_many")]
    #[param(value_type = Option<Vec<String>>)]
    pub inventory_item_id: Option<Vec<String>>,
    /// `line_item_id[0]=ordli_...` (the admin dashboard's order page).
    #[serde(default, deserialize_with = "one_or_many")]
    #[param(value_type = Option<Vec<String>>)]
    pub line_item_id: Option<Vec<String>>,
    #[serde(default, deserialize_with = "one_or_many")]
    #[param(value_type = Option<Vec<String>>)]
    pub created_by: Option<Vec<String>>,
    pub limit: Option<u32>,
    pub offset: Option<u32>,
    pub order: Option<String>,
    pub fields: Option<String>,
    pub with_deleted: Option<bool>,
}

/// `POST /admin/reservations` (Medusa's `AdminCreateReservation`).
#[derive(Debug, Deserialize, ToSchema)]
pub struct CreateReservationBody {
    pub line_item_id: Option<String>,
    pub location_id: String,
    pub inventory_item_id: String,
    /// Greater than 0; refused when the location has fewer units available.
    pub quantity: i64,
    pub description: Option<String>,
    #[schema(value_type = Option<Object>)]
    pub metadata: Option<Map<String, Value>>,
}

/// `POST /admin/reservations/:id` (Medusa's `AdminUpdateReservation`).
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct UpdateReservationBody {
    pub location_id: Option<String>,
    pub quantity: Option<i64>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub description: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<Object>)]
    pub metadata: Option<Option<Map<String, Value>>>,
}

fn not_found(raw: &str) -> Error {
    Error::not_found(format!("Reservation with id: {raw} was not found"))
}

fn parse_id(raw: &str) -> Result<ReservationItemId, Error> {
    ReservationItemId::parse(raw).map_err(|_| not_found(raw))
}

fn reservation_json(r: &Reservation) -> Value {
    json!({
        "id": r.id.as_str(),
        "location_id": r.location_id,
        "inventory_item_id": r.inventory_item_id.as_str(),
        "quantity": r.quantity,
        "line_item_id": r.line_item_id,
        "allow_backorder": r.allow_backorder,
        "external_id": r.external_id,
        "description": r.description,
        "created_by": r.created_by,
        "metadata": r.metadata,
        "created_at": to_js(&r.created_at),
        "updated_at": to_js(&r.updated_at),
        "deleted_at": Value::Null,
    })
}

/// Reservations projected onto `fields`; their items are loaded (one query) only when asked
/// for.
async fn render(
    svc: &Arc<dyn InventoryService>,
    reservations: &[Reservation],
    fields: Option<&str>,
) -> Result<Vec<Value>, Error> {
    let spec = FieldSpec::parse(fields, DEFAULT_FIELDS);
    let mut out: Vec<Value> = reservations.iter().map(reservation_json).collect();
    if spec.requests("inventory_item") && !reservations.is_empty() {
        let mut ids: Vec<InventoryItemId> = reservations
            .iter()
            .map(|r| r.inventory_item_id.clone())
            .collect();
        ids.sort();
        ids.dedup();
        let (items, _) = svc
            .list_items(&ListInventoryItems {
                limit: ids.len() as u64,
                ids,
                ..Default::default()
            })
            .await?;
        let with_levels = spec.requests("inventory_item.location_levels");
        let levels = if with_levels {
            let ids: Vec<InventoryItemId> = items.iter().map(|i| i.id.clone()).collect();
            svc.levels_for_items(&ids).await?
        } else {
            Vec::new()
        };
        for (v, r) in out.iter_mut().zip(reservations) {
            let item = items.iter().find(|i| i.id == r.inventory_item_id);
            v["inventory_item"] = match item {
                Some(i) => {
                    let ls = with_levels.then(|| {
                        levels
                            .iter()
                            .filter(|l| l.inventory_item_id == i.id)
                            .map(crate::routes::admin::inventory_items::level_json)
                            .collect()
                    });
                    item_json(i, ls)
                }
                None => Value::Null,
            };
        }
    }
    let selection = spec.selection();
    for v in &mut out {
        selection.project(v, &SHAPE);
    }
    Ok(out)
}

async fn one(
    svc: &Arc<dyn InventoryService>,
    id: &ReservationItemId,
    raw: &str,
    fields: Option<&str>,
) -> ApiResult<HttpResponse> {
    let r = svc.retrieve_reservation(id).await.map_err(|e| match e {
        InventoryError::ReservationNotFound(_) => not_found(raw),
        other => other.into(),
    })?;
    let mut v = render(svc, &[r], fields).await?;
    Ok(response::one("reservation", v.pop().unwrap_or(Value::Null)))
}

/// List reservations.
#[utoipa::path(get, path = "/admin/reservations", tag = "Admin", params(ReservationQuery),
    security(("secret_key" = [])),
    responses((status = 200, description = "`{reservations, count, offset, limit}`", body = Object),
        (status = 400, description = "Unknown or invalid query parameters", body = crate::openapi::ErrorBody)))]
#[get("/reservations")]
pub async fn list(req: HttpRequest, state: State) -> ApiResult<HttpResponse> {
    let (params, q): (_, ReservationQuery) = parse_list_query(req.query_string(), &LIST)?;
    let raw_items = q.inventory_item_id.unwrap_or_default();
    let item_ids: Vec<InventoryItemId> = raw_items
        .iter()
        .filter_map(|i| InventoryItemId::parse(i).ok())
        .collect();
    // Only malformed item ids asked for: nothing can match.
    if !raw_items.is_empty() && item_ids.is_empty() {
        return Ok(response::list("reservations", Vec::new(), 0, &params));
    }
    let filter = ListReservations {
        location_ids: q.location_id.unwrap_or_default(),
        inventory_item_ids: item_ids,
        line_item_ids: q.line_item_id.unwrap_or_default(),
        created_by: q.created_by.unwrap_or_default(),
        offset: u64::from(params.offset),
        limit: u64::from(params.limit),
        ..Default::default()
    };
    let svc = service(&state)?;
    let (found, count) = svc.list_reservations(&filter).await?;
    let items = render(&svc, &found, params.fields.as_deref()).await?;
    Ok(response::list("reservations", items, count, &params))
}

/// Reserve stock of an item at a location.
#[utoipa::path(post, path = "/admin/reservations", tag = "Admin", params(FieldsQuery),
    request_body = CreateReservationBody, security(("secret_key" = [])),
    responses((status = 200, description = "`{reservation}`", body = Object),
        (status = 400, description = "Invalid body, or not enough stock available", body = crate::openapi::ErrorBody),
        (status = 404, description = "The item is not stocked at the location", body = crate::openapi::ErrorBody)))]
#[post("/reservations")]
pub async fn create(
    state: State,
    query: StrictQuery<RetrieveParams>,
    body: StrictJson<CreateReservationBody>,
) -> ApiResult<HttpResponse> {
    let b = body.0;
    // An unknown or malformed item id is not stocked anywhere, as Medusa reports it.
    let item = InventoryItemId::parse(&b.inventory_item_id).map_err(|_| {
        Error::not_found(format!(
            "Item {} is not stocked at location {}",
            b.inventory_item_id, b.location_id
        ))
    })?;
    let mut line = ReservationRequest::new(item, b.location_id, b.quantity);
    line.line_item_id = b.line_item_id;
    line.description = b.description;
    line.metadata = b.metadata.map(Value::Object);
    let svc = service(&state)?;
    let created = svc.reserve(std::slice::from_ref(&line)).await?;
    let r = created
        .into_iter()
        .next()
        .ok_or_else(|| Error::internal(anyhow::anyhow!("reserve returned no reservation")))?;
    let mut v = render(&svc, &[r], query.0.fields.as_deref()).await?;
    Ok(response::one("reservation", v.pop().unwrap_or(Value::Null)))
}

/// A reservation.
#[utoipa::path(get, path = "/admin/reservations/{id}", tag = "Admin",
    params(("id" = String, Path, description = "Reservation id (`resitem_...`)"), FieldsQuery),
    security(("secret_key" = [])),
    responses((status = 200, description = "`{reservation}`", body = Object),
        (status = 404, description = "No such reservation", body = crate::openapi::ErrorBody)))]
#[get("/reservations/{id}")]
pub async fn retrieve(
    path: web::Path<String>,
    state: State,
    query: StrictQuery<RetrieveParams>,
) -> ApiResult<HttpResponse> {
    let raw = path.into_inner();
    let id = parse_id(&raw)?;
    one(&service(&state)?, &id, &raw, query.0.fields.as_deref()).await
}

/// Change a reservation's quantity, location, description or metadata (atomically; an
/// increase needs the units to be available).
#[utoipa::path(post, path = "/admin/reservations/{id}", tag = "Admin",
    params(("id" = String, Path, description = "Reservation id (`resitem_...`)"), FieldsQuery),
    request_body = UpdateReservationBody, security(("secret_key" = [])),
    responses((status = 200, description = "`{reservation}`", body = Object),
        (status = 400, description = "Invalid body, or not enough stock available", body = crate::openapi::ErrorBody),
        (status = 404, description = "No such reservation, or the item is not stocked at the new location", body = crate::openapi::ErrorBody)))]
#[post("/reservations/{id}")]
pub async fn update(
    path: web::Path<String>,
    state: State,
    query: StrictQuery<RetrieveParams>,
    body: StrictJson<UpdateReservationBody>,
) -> ApiResult<HttpResponse> {
    let raw = path.into_inner();
    let id = parse_id(&raw)?;
    let b = body.0;
    let svc = service(&state)?;
    svc.update_reservation(
        &id,
        UpdateReservation {
            location_id: b.location_id,
            quantity: b.quantity,
            description: b.description,
            metadata: b.metadata.map(|m| m.map(Value::Object)),
        },
    )
    .await
    .map_err(|e| match e {
        InventoryError::ReservationNotFound(_) => not_found(&raw),
        other => other.into(),
    })?;
    one(&svc, &id, &raw, query.0.fields.as_deref()).await
}

/// Delete a reservation, releasing its units.
#[utoipa::path(delete, path = "/admin/reservations/{id}", tag = "Admin",
    params(("id" = String, Path, description = "Reservation id (`resitem_...`)")),
    security(("secret_key" = [])),
    responses((status = 200, description = "`{id, object: \"reservation\", deleted: true}`", body = Object),
        (status = 404, description = "No such reservation", body = crate::openapi::ErrorBody)))]
#[delete("/reservations/{id}")]
pub async fn remove(
    path: web::Path<String>,
    state: State,
    _query: StrictQuery<NoQuery>,
) -> ApiResult<HttpResponse> {
    let raw = path.into_inner();
    let id = parse_id(&raw)?;
    let released = service(&state)?.delete_reservations(&[id]).await?;
    if released.is_empty() {
        return Err(not_found(&raw).into());
    }
    Ok(response::deleted(&raw, "reservation", None))
}
