//! `/admin/inventory-items`: list, create, retrieve, update, delete; an item's stock per
//! location (`/:id/location-levels`, list, create, update, delete) and
//! `POST /admin/inventory-items/location-levels/batch`.
//!
//! Stock quantities change only through the inventory module, which bumps the inventory cache
//! version in the same transaction, so cached store responses showing `inventory_quantity`
//! never outlive a write here.

use std::collections::HashMap;
use std::sync::Arc;

use actix_web::{HttpRequest, HttpResponse, delete, get, post, web};
use medusa_core::Error;
use medusa_core::fields::{FieldSpec, Shape};
use medusa_core::request::{ListConfig, RetrieveParams, one_or_many, parse_list_query};
use medusa_core::time::to_js;
use medusa_inventory::{
    CreateInventoryItem, InventoryError, InventoryItem, InventoryItemId, InventoryLevel,
    InventoryLevelId, InventoryService, ListInventoryItems, ListInventoryLevels,
    UpdateInventoryItem,
};
use medusa_stock_location::{StockLocationError, StockLocationId, StockLocationService};
use serde::Deserialize;
use serde_json::{Map, Value, json};
use utoipa::{IntoParams, OpenApi, ToSchema};

use crate::error::ApiResult;
use crate::extract::{StrictJson, StrictQuery};
use crate::response;
use crate::routes::admin::regions::{NoQuery, nullable};
use crate::routes::store::regions::FieldsQuery;
use crate::state::State;

pub fn configure(cfg: &mut web::ServiceConfig) {
    // The batch route first: its path would otherwise read as `/:id/...` segments.
    cfg.service(batch_levels)
        .service(batch_item_levels)
        .service(list)
        .service(create)
        .service(retrieve)
        .service(update)
        .service(remove)
        .service(list_levels)
        .service(create_level)
        .service(update_level)
        .service(delete_level);
}

#[derive(OpenApi)]
#[openapi(
    paths(
        list,
        create,
        retrieve,
        update,
        remove,
        list_levels,
        create_level,
        update_level,
        delete_level,
        batch_levels,
        batch_item_levels
    ),
    components(schemas(
        CreateInventoryItemBody,
        UpdateInventoryItemBody,
        CreateLevelBody,
        UpdateLevelBody,
        BatchLevelBody,
        BatchLevelsBody,
        ItemBatchLevelBody,
        ItemBatchLevelsBody
    ))
)]
pub struct Api;

/// Medusa's `defaultAdminInventoryItemFields`.
pub(crate) const DEFAULT_FIELDS: &[&str] = &[
    "id",
    "sku",
    "title",
    "description",
    "thumbnail",
    "origin_country",
    "hs_code",
    "requires_shipping",
    "mid_code",
    "material",
    "unit_of_measure",
    "weight",
    "length",
    "height",
    "width",
    "metadata",
    "reserved_quantity",
    "stocked_quantity",
    "created_at",
    "updated_at",
    "*location_levels",
];

/// Medusa's `defaultAdminLocationLevelFields`.
const LEVEL_FIELDS: &[&str] = &[
    "id",
    "inventory_item_id",
    "location_id",
    "stocked_quantity",
    "reserved_quantity",
    "incoming_quantity",
    "available_quantity",
    "metadata",
    "created_at",
    "updated_at",
];

pub(crate) static ITEM_SHAPE: Shape = Shape {
    relations: &[("location_levels", &Shape::LEAF)],
};

const LIST: ListConfig = ListConfig {
    default_limit: 20,
    orderable: &[],
};

const LEVEL_LIST: ListConfig = ListConfig {
    default_limit: 50,
    orderable: &[],
};

/// `location_levels[location_id]=...`.
#[derive(Debug, Default, Deserialize)]
pub struct LocationLevelsFilter {
    #[serde(default, deserialize_with = "one_or_many")]
    pub location_id: Option<Vec<String>>,
}

/// `GET /admin/inventory-items` filters (Medusa's `AdminGetInventoryItemsParams`).
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct InventoryItemQuery {
    /// Case-insensitive search in sku, title, description, hs_code and mid_code.
    pub q: Option<String>,
    #[serde(default, deserialize_with = "one_or_many")]
    #[param(value_type = Option<Vec<String>>)]
    pub id: Option<Vec<String>>,
    #[serde(default, deserialize_with = "one_or_many")]
    #[param(value_type = Option<Vec<String>>)]
    pub sku: Option<Vec<String>>,
    #[serde(default, deserialize_with = "one_or_many")]
    #[param(value_type = Option<Vec<String>>)]
    pub origin_country: Option<Vec<String>>,
    #[serde(default, deserialize_with = "one_or_many")]
    #[param(value_type = Option<Vec<String>>)]
    pub mid_code: Option<Vec<String>>,
    #[serde(default, deserialize_with = "one_or_many")]
    #[param(value_type = Option<Vec<String>>)]
    pub hs_code: Option<Vec<String>>,
    #[serde(default, deserialize_with = "one_or_many")]
    #[param(value_type = Option<Vec<String>>)]
    pub material: Option<Vec<String>>,
    /// `true` or `false`.
    #[param(value_type = Option<String>)]
    pub requires_shipping: Option<String>,
    /// `location_levels[location_id]=sloc_...`: items stocked at one of these locations.
    #[param(value_type = Option<Object>, style = DeepObject)]
    pub location_levels: Option<LocationLevelsFilter>,
    pub limit: Option<u32>,
    pub offset: Option<u32>,
    pub order: Option<String>,
    pub fields: Option<String>,
    pub with_deleted: Option<bool>,
}

/// `GET /admin/inventory-items/:id/location-levels` filters.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LevelQuery {
    #[serde(default, deserialize_with = "one_or_many")]
    #[param(value_type = Option<Vec<String>>)]
    pub location_id: Option<Vec<String>>,
    pub limit: Option<u32>,
    pub offset: Option<u32>,
    pub order: Option<String>,
    pub fields: Option<String>,
    pub with_deleted: Option<bool>,
}

/// A level to create (Medusa's `AdminCreateInventoryLocationLevel`).
#[derive(Debug, Deserialize, ToSchema)]
pub struct CreateLevelBody {
    pub location_id: String,
    /// At least 0; default 0.
    pub stocked_quantity: Option<i64>,
    /// At least 0; default 0.
    pub incoming_quantity: Option<i64>,
}

/// `POST /admin/inventory-items/:id/location-levels/:location_id`.
#[derive(Debug, Deserialize, ToSchema)]
pub struct UpdateLevelBody {
    pub stocked_quantity: Option<i64>,
    pub incoming_quantity: Option<i64>,
}

/// `POST /admin/inventory-items` (Medusa's `AdminCreateInventoryItem`).
#[derive(Debug, Deserialize, ToSchema)]
pub struct CreateInventoryItemBody {
    pub sku: Option<String>,
    pub hs_code: Option<String>,
    pub weight: Option<i64>,
    pub length: Option<i64>,
    pub height: Option<i64>,
    pub width: Option<i64>,
    pub origin_country: Option<String>,
    pub mid_code: Option<String>,
    pub material: Option<String>,
    pub unit_of_measure: Option<String>,
    pub title: Option<String>,
    pub description: Option<String>,
    /// Default `true`.
    pub requires_shipping: Option<bool>,
    pub thumbnail: Option<String>,
    #[schema(value_type = Option<Object>)]
    pub metadata: Option<Map<String, Value>>,
    /// Stock to create at locations together with the item.
    pub location_levels: Option<Vec<CreateLevelBody>>,
}

/// `POST /admin/inventory-items/:id` (Medusa's `AdminUpdateInventoryItem`); `null` clears.
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct UpdateInventoryItemBody {
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub sku: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub hs_code: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<i64>)]
    pub weight: Option<Option<i64>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<i64>)]
    pub length: Option<Option<i64>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<i64>)]
    pub height: Option<Option<i64>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<i64>)]
    pub width: Option<Option<i64>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub origin_country: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub mid_code: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub material: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub unit_of_measure: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub title: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub description: Option<Option<String>>,
    pub requires_shipping: Option<bool>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub thumbnail: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<Object>)]
    pub metadata: Option<Option<Map<String, Value>>>,
}

/// One level of the batch route (Medusa's `AdminBatchInventoryLocationLevel`).
#[derive(Debug, Deserialize, ToSchema)]
pub struct BatchLevelBody {
    pub inventory_item_id: String,
    pub location_id: String,
    pub stocked_quantity: Option<i64>,
    pub incoming_quantity: Option<i64>,
}

/// `POST /admin/inventory-items/location-levels/batch`: `delete` takes level ids (`ilev_...`);
/// `force` also deletes levels that still hold stock (never ones with reservations).
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct BatchLevelsBody {
    pub create: Option<Vec<BatchLevelBody>>,
    pub update: Option<Vec<BatchLevelBody>>,
    pub delete: Option<Vec<String>>,
    pub force: Option<bool>,
}

/// One level of an item's batch route (`id` of the level is accepted and ignored: the
/// location names it).
#[derive(Debug, Deserialize, ToSchema)]
pub struct ItemBatchLevelBody {
    pub id: Option<String>,
    pub location_id: String,
    pub stocked_quantity: Option<i64>,
    pub incoming_quantity: Option<i64>,
}

/// `POST /admin/inventory-items/:id/location-levels/batch`: `delete` takes the location ids
/// (or level ids) of the item's levels to remove.
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct ItemBatchLevelsBody {
    pub create: Option<Vec<ItemBatchLevelBody>>,
    pub update: Option<Vec<ItemBatchLevelBody>>,
    pub delete: Option<Vec<String>>,
    pub force: Option<bool>,
}

pub(crate) fn service(state: &State) -> Result<Arc<dyn InventoryService>, Error> {
    state
        .registry
        .get::<dyn InventoryService>()
        .map_err(Error::internal)
}

fn item_not_found(raw: &str) -> Error {
    Error::not_found(format!("Inventory item with id: {raw} was not found"))
}

fn parse_item_id(raw: &str) -> Result<InventoryItemId, Error> {
    InventoryItemId::parse(raw).map_err(|_| item_not_found(raw))
}

/// Medusa's zod message for `z.number().min(0)`.
fn at_least_zero(value: Option<i64>, field: &str) -> Result<(), Error> {
    if value.is_some_and(|v| v < 0) {
        return Err(Error::invalid_data(format!(
            "Invalid request: Value for field '{field}' too small, expected at least: '0'"
        )));
    }
    Ok(())
}

/// Medusa's `validateInventoryLocationsStep`: every location must exist.
async fn ensure_locations(state: &State, ids: &[&str]) -> Result<(), Error> {
    let svc = state
        .registry
        .get::<dyn StockLocationService>()
        .map_err(Error::internal)?;
    let mut missing: Vec<&str> = Vec::new();
    for raw in ids {
        let found = match StockLocationId::parse(raw) {
            Ok(id) => match svc.retrieve(&id).await {
                Ok(_) => true,
                Err(StockLocationError::NotFound(_)) => false,
                Err(e) => return Err(e.into()),
            },
            Err(_) => false,
        };
        if !found && !missing.contains(raw) {
            missing.push(raw);
        }
    }
    if missing.is_empty() {
        Ok(())
    } else {
        Err(Error::not_found(format!(
            "Stock locations with ids: {} was not found",
            missing.join(", ")
        )))
    }
}

pub(crate) fn level_json(l: &InventoryLevel) -> Value {
    json!({
        "id": l.id.as_str(),
        "inventory_item_id": l.inventory_item_id.as_str(),
        "location_id": l.location_id,
        "stocked_quantity": l.stocked_quantity,
        "reserved_quantity": l.reserved_quantity,
        "incoming_quantity": l.incoming_quantity,
        "available_quantity": l.available_quantity(),
        "metadata": l.metadata,
        "created_at": to_js(&l.created_at),
        "updated_at": to_js(&l.updated_at),
        "deleted_at": Value::Null,
    })
}

/// An item with every column; `location_levels` only when loaded.
pub(crate) fn item_json(i: &InventoryItem, levels: Option<Vec<Value>>) -> Value {
    let mut v = json!({
        "id": i.id.as_str(),
        "sku": i.sku,
        "title": i.title,
        "description": i.description,
        "thumbnail": i.thumbnail,
        "origin_country": i.origin_country,
        "hs_code": i.hs_code,
        "requires_shipping": i.requires_shipping,
        "mid_code": i.mid_code,
        "material": i.material,
        "unit_of_measure": i.unit_of_measure,
        "weight": i.weight,
        "length": i.length,
        "height": i.height,
        "width": i.width,
        "metadata": i.metadata,
        "reserved_quantity": i.reserved_quantity,
        "stocked_quantity": i.stocked_quantity,
        "created_at": to_js(&i.created_at),
        "updated_at": to_js(&i.updated_at),
        "deleted_at": i.deleted_at.as_ref().map(to_js),
    });
    if let Some(levels) = levels {
        v["location_levels"] = Value::Array(levels);
    }
    v
}

/// Items as JSON projected onto `fields`; levels are loaded (one query) only when asked for.
pub(crate) async fn render_items(
    svc: &dyn InventoryService,
    items: &[InventoryItem],
    fields: Option<&str>,
    defaults: &[&str],
) -> Result<Vec<Value>, Error> {
    let spec = FieldSpec::parse(fields, defaults);
    let mut levels: Option<HashMap<&str, Vec<Value>>> = None;
    if spec.requests("location_levels") {
        let ids: Vec<InventoryItemId> = items.iter().map(|i| i.id.clone()).collect();
        let mut by_item: HashMap<&str, Vec<Value>> = HashMap::new();
        for l in svc.levels_for_items(&ids).await? {
            if let Some(item) = items.iter().find(|i| i.id == l.inventory_item_id) {
                by_item
                    .entry(item.id.as_str())
                    .or_default()
                    .push(level_json(&l));
            }
        }
        levels = Some(by_item);
    }
    let mut out: Vec<Value> = items
        .iter()
        .map(|i| {
            let ls = levels
                .as_mut()
                .map(|m| m.remove(i.id.as_str()).unwrap_or_default());
            item_json(i, ls)
        })
        .collect();
    let selection = spec.selection();
    for v in &mut out {
        selection.project(v, &ITEM_SHAPE);
    }
    Ok(out)
}

async fn one(state: &State, id: &InventoryItemId, fields: Option<&str>) -> ApiResult<Value> {
    let svc = service(state)?;
    let item = svc.retrieve_item(id).await?;
    let mut items = render_items(svc.as_ref(), &[item], fields, DEFAULT_FIELDS).await?;
    Ok(items.pop().unwrap_or(Value::Null))
}

fn bool_param(raw: Option<String>, field: &str) -> Result<Option<bool>, Error> {
    match raw.as_deref() {
        None => Ok(None),
        Some("true") => Ok(Some(true)),
        Some("false") => Ok(Some(false)),
        Some(_) => Err(Error::invalid_data(format!(
            "Invalid request: Expected type: 'boolean' for field '{field}', got: 'string'"
        ))),
    }
}

/// List inventory items.
#[utoipa::path(get, path = "/admin/inventory-items", tag = "Admin", params(InventoryItemQuery),
    security(("secret_key" = [])),
    responses((status = 200, description = "`{inventory_items, count, offset, limit}`", body = Object),
        (status = 400, description = "Unknown or invalid query parameters", body = crate::openapi::ErrorBody)))]
#[get("/inventory-items")]
pub async fn list(req: HttpRequest, state: State) -> ApiResult<HttpResponse> {
    let (params, q): (_, InventoryItemQuery) = parse_list_query(req.query_string(), &LIST)?;
    let raw_ids = q.id.unwrap_or_default();
    let ids: Vec<InventoryItemId> = raw_ids
        .iter()
        .filter_map(|i| InventoryItemId::parse(i).ok())
        .collect();
    // Only malformed ids asked for: nothing can match.
    if !raw_ids.is_empty() && ids.is_empty() {
        return Ok(response::list("inventory_items", Vec::new(), 0, &params));
    }
    let filter = ListInventoryItems {
        ids,
        skus: q.sku.unwrap_or_default(),
        q: q.q,
        location_ids: q
            .location_levels
            .and_then(|l| l.location_id)
            .unwrap_or_default(),
        origin_countries: q.origin_country.unwrap_or_default(),
        hs_codes: q.hs_code.unwrap_or_default(),
        mid_codes: q.mid_code.unwrap_or_default(),
        materials: q.material.unwrap_or_default(),
        requires_shipping: bool_param(q.requires_shipping, "requires_shipping")?,
        offset: u64::from(params.offset),
        limit: u64::from(params.limit),
    };
    let svc = service(&state)?;
    let (items, count) = svc.list_items(&filter).await?;
    let items = render_items(
        svc.as_ref(),
        &items,
        params.fields.as_deref(),
        DEFAULT_FIELDS,
    )
    .await?;
    Ok(response::list("inventory_items", items, count, &params))
}

/// Create an inventory item (optionally with its stock per location).
#[utoipa::path(post, path = "/admin/inventory-items", tag = "Admin", params(FieldsQuery),
    request_body = CreateInventoryItemBody, security(("secret_key" = [])),
    responses((status = 200, description = "`{inventory_item}`", body = Object),
        (status = 400, description = "Invalid body", body = crate::openapi::ErrorBody),
        (status = 404, description = "Unknown stock location", body = crate::openapi::ErrorBody)))]
#[post("/inventory-items")]
pub async fn create(
    state: State,
    query: StrictQuery<RetrieveParams>,
    body: StrictJson<CreateInventoryItemBody>,
) -> ApiResult<HttpResponse> {
    let b = body.0;
    let levels = b.location_levels.unwrap_or_default();
    for l in &levels {
        at_least_zero(l.stocked_quantity, "stocked_quantity")?;
        at_least_zero(l.incoming_quantity, "incoming_quantity")?;
    }
    let location_ids: Vec<&str> = levels.iter().map(|l| l.location_id.as_str()).collect();
    ensure_locations(&state, &location_ids).await?;
    let svc = service(&state)?;
    let item = svc
        .create_item(CreateInventoryItem {
            sku: b.sku,
            title: b.title,
            description: b.description,
            thumbnail: b.thumbnail,
            origin_country: b.origin_country,
            hs_code: b.hs_code,
            mid_code: b.mid_code,
            material: b.material,
            unit_of_measure: b.unit_of_measure,
            weight: b.weight,
            length: b.length,
            height: b.height,
            width: b.width,
            requires_shipping: b.requires_shipping,
            metadata: b.metadata.map(Value::Object),
        })
        .await?;
    for l in &levels {
        svc.create_level(
            &item.id,
            &l.location_id,
            l.stocked_quantity.unwrap_or(0),
            l.incoming_quantity.unwrap_or(0),
        )
        .await?;
    }
    let v = one(&state, &item.id, query.0.fields.as_deref()).await?;
    Ok(response::one("inventory_item", v))
}

/// An inventory item.
#[utoipa::path(get, path = "/admin/inventory-items/{id}", tag = "Admin",
    params(("id" = String, Path, description = "Inventory item id (`iitem_...`)"), FieldsQuery),
    security(("secret_key" = [])),
    responses((status = 200, description = "`{inventory_item}`", body = Object),
        (status = 404, description = "No such item", body = crate::openapi::ErrorBody)))]
#[get("/inventory-items/{id}")]
pub async fn retrieve(
    path: web::Path<String>,
    state: State,
    query: StrictQuery<RetrieveParams>,
) -> ApiResult<HttpResponse> {
    let raw = path.into_inner();
    let id = parse_item_id(&raw)?;
    let svc = service(&state)?;
    let item = svc.retrieve_item(&id).await.map_err(|e| match e {
        InventoryError::ItemNotFound(_) => item_not_found(&raw),
        other => other.into(),
    })?;
    let mut items = render_items(
        svc.as_ref(),
        &[item],
        query.0.fields.as_deref(),
        DEFAULT_FIELDS,
    )
    .await?;
    Ok(response::one(
        "inventory_item",
        items.pop().unwrap_or(Value::Null),
    ))
}

/// Update an inventory item.
#[utoipa::path(post, path = "/admin/inventory-items/{id}", tag = "Admin",
    params(("id" = String, Path, description = "Inventory item id (`iitem_...`)"), FieldsQuery),
    request_body = UpdateInventoryItemBody, security(("secret_key" = [])),
    responses((status = 200, description = "`{inventory_item}`", body = Object),
        (status = 400, description = "Invalid body", body = crate::openapi::ErrorBody),
        (status = 404, description = "No such item", body = crate::openapi::ErrorBody)))]
#[post("/inventory-items/{id}")]
pub async fn update(
    path: web::Path<String>,
    state: State,
    query: StrictQuery<RetrieveParams>,
    body: StrictJson<UpdateInventoryItemBody>,
) -> ApiResult<HttpResponse> {
    let raw = path.into_inner();
    let id = parse_item_id(&raw)?;
    let b = body.0;
    service(&state)?
        .update_item(
            &id,
            UpdateInventoryItem {
                sku: b.sku,
                title: b.title,
                description: b.description,
                thumbnail: b.thumbnail,
                origin_country: b.origin_country,
                hs_code: b.hs_code,
                mid_code: b.mid_code,
                material: b.material,
                unit_of_measure: b.unit_of_measure,
                weight: b.weight,
                length: b.length,
                height: b.height,
                width: b.width,
                requires_shipping: b.requires_shipping,
                metadata: b.metadata.map(|m| m.map(Value::Object)),
            },
        )
        .await?;
    let v = one(&state, &id, query.0.fields.as_deref()).await?;
    Ok(response::one("inventory_item", v))
}

/// Delete an inventory item with its levels and variant links (refused while anything is
/// reserved).
#[utoipa::path(delete, path = "/admin/inventory-items/{id}", tag = "Admin",
    params(("id" = String, Path, description = "Inventory item id (`iitem_...`)")),
    security(("secret_key" = [])),
    responses((status = 200, description = "`{id, object: \"inventory_item\", deleted: true}`", body = Object),
        (status = 400, description = "The item has reservations", body = crate::openapi::ErrorBody),
        (status = 404, description = "No such item", body = crate::openapi::ErrorBody)))]
#[delete("/inventory-items/{id}")]
pub async fn remove(
    path: web::Path<String>,
    state: State,
    _query: StrictQuery<NoQuery>,
) -> ApiResult<HttpResponse> {
    let raw = path.into_inner();
    let id = parse_item_id(&raw)?;
    service(&state)?
        .delete_item(&id)
        .await
        .map_err(|e| match e {
            // Medusa's `validateInventoryDeleteStep`.
            InventoryError::ItemHasReservations(id) => Error::invalid_data(format!(
                "Cannot remove following inventory item(s) since they have reservations: [{id}]"
            )),
            other => other.into(),
        })?;
    Ok(response::deleted(&raw, "inventory_item", None))
}

/// An item's stock per location.
#[utoipa::path(get, path = "/admin/inventory-items/{id}/location-levels", tag = "Admin",
    params(("id" = String, Path, description = "Inventory item id (`iitem_...`)"), LevelQuery),
    security(("secret_key" = [])),
    responses((status = 200, description = "`{inventory_levels, count, offset, limit}`", body = Object),
        (status = 404, description = "No such item", body = crate::openapi::ErrorBody)))]
#[get("/inventory-items/{id}/location-levels")]
pub async fn list_levels(
    req: HttpRequest,
    path: web::Path<String>,
    state: State,
) -> ApiResult<HttpResponse> {
    let (params, q): (_, LevelQuery) = parse_list_query(req.query_string(), &LEVEL_LIST)?;
    let raw = path.into_inner();
    let id = parse_item_id(&raw)?;
    let svc = service(&state)?;
    svc.retrieve_item(&id).await?;
    let filter = ListInventoryLevels {
        item_ids: vec![id],
        location_ids: q.location_id.unwrap_or_default(),
        offset: u64::from(params.offset),
        limit: u64::from(params.limit),
        ..Default::default()
    };
    let (levels, count) = svc.list_levels_page(&filter).await?;
    let mut items: Vec<Value> = levels.iter().map(level_json).collect();
    for v in &mut items {
        response::project(v, params.fields.as_deref(), LEVEL_FIELDS, &Shape::LEAF);
    }
    Ok(response::list("inventory_levels", items, count, &params))
}

/// Stock an item at a location.
#[utoipa::path(post, path = "/admin/inventory-items/{id}/location-levels", tag = "Admin",
    params(("id" = String, Path, description = "Inventory item id (`iitem_...`)"), FieldsQuery),
    request_body = CreateLevelBody, security(("secret_key" = [])),
    responses((status = 200, description = "`{inventory_item}`", body = Object),
        (status = 400, description = "Invalid body", body = crate::openapi::ErrorBody),
        (status = 404, description = "No such item or stock location", body = crate::openapi::ErrorBody),
        (status = 422, description = "The item is already stocked there", body = crate::openapi::ErrorBody)))]
#[post("/inventory-items/{id}/location-levels")]
pub async fn create_level(
    path: web::Path<String>,
    state: State,
    query: StrictQuery<RetrieveParams>,
    body: StrictJson<CreateLevelBody>,
) -> ApiResult<HttpResponse> {
    let raw = path.into_inner();
    let id = parse_item_id(&raw)?;
    let b = body.0;
    at_least_zero(b.stocked_quantity, "stocked_quantity")?;
    at_least_zero(b.incoming_quantity, "incoming_quantity")?;
    ensure_locations(&state, &[b.location_id.as_str()]).await?;
    service(&state)?
        .create_level(
            &id,
            &b.location_id,
            b.stocked_quantity.unwrap_or(0),
            b.incoming_quantity.unwrap_or(0),
        )
        .await?;
    let v = one(&state, &id, query.0.fields.as_deref()).await?;
    Ok(response::one("inventory_item", v))
}

/// Set an item's stocked and/or incoming quantity at a location.
#[utoipa::path(post, path = "/admin/inventory-items/{id}/location-levels/{location_id}", tag = "Admin",
    params(("id" = String, Path, description = "Inventory item id (`iitem_...`)"),
        ("location_id" = String, Path, description = "Stock location id (`sloc_...`)"), FieldsQuery),
    request_body = UpdateLevelBody, security(("secret_key" = [])),
    responses((status = 200, description = "`{inventory_item}`", body = Object),
        (status = 400, description = "Invalid body", body = crate::openapi::ErrorBody),
        (status = 404, description = "The item is not stocked there", body = crate::openapi::ErrorBody)))]
#[post("/inventory-items/{id}/location-levels/{location_id}")]
pub async fn update_level(
    path: web::Path<(String, String)>,
    state: State,
    query: StrictQuery<RetrieveParams>,
    body: StrictJson<UpdateLevelBody>,
) -> ApiResult<HttpResponse> {
    let (raw, location_id) = path.into_inner();
    let id = parse_item_id(&raw)?;
    let b = body.0;
    at_least_zero(b.stocked_quantity, "stocked_quantity")?;
    at_least_zero(b.incoming_quantity, "incoming_quantity")?;
    service(&state)?
        .update_level(&id, &location_id, b.stocked_quantity, b.incoming_quantity)
        .await?;
    let v = one(&state, &id, query.0.fields.as_deref()).await?;
    Ok(response::one("inventory_item", v))
}

/// Remove an item's level at a location (refused while anything is reserved there).
#[utoipa::path(delete, path = "/admin/inventory-items/{id}/location-levels/{location_id}", tag = "Admin",
    params(("id" = String, Path, description = "Inventory item id (`iitem_...`)"),
        ("location_id" = String, Path, description = "Stock location id (`sloc_...`)"), FieldsQuery),
    security(("secret_key" = [])),
    responses((status = 200, description = "`{id, object: \"inventory-level\", deleted: true, parent: inventory_item}`", body = Object),
        (status = 400, description = "Stock is reserved at the location", body = crate::openapi::ErrorBody),
        (status = 404, description = "The item is not stocked there", body = crate::openapi::ErrorBody)))]
#[delete("/inventory-items/{id}/location-levels/{location_id}")]
pub async fn delete_level(
    path: web::Path<(String, String)>,
    state: State,
    query: StrictQuery<RetrieveParams>,
) -> ApiResult<HttpResponse> {
    let (raw, location_id) = path.into_inner();
    let id = parse_item_id(&raw)?;
    let svc = service(&state)?;
    let level = svc.retrieve_level(&id, &location_id).await?;
    svc.delete_level(&id, &location_id)
        .await
        .map_err(|e| level_delete_error(e, &raw, &location_id))?;
    let parent = one(&state, &id, query.0.fields.as_deref()).await?;
    Ok(response::deleted(
        level.id.as_str(),
        "inventory-level",
        Some(("parent", parent)),
    ))
}

/// Medusa's message for a level that still has reservations.
fn level_delete_error(e: InventoryError, item: &str, location: &str) -> Error {
    match e {
        InventoryError::LevelHasReservations { .. } => Error::not_allowed(format!(
            "Cannot remove Inventory Level {item} at Location {location} because there are reservations at location"
        )),
        other => other.into(),
    }
}

/// Create, update and delete levels of any items.
#[utoipa::path(post, path = "/admin/inventory-items/location-levels/batch", tag = "Admin",
    request_body = BatchLevelsBody, security(("secret_key" = [])),
    responses((status = 200, description = "`{created: [level], updated: [level], deleted: [id]}`", body = Object),
        (status = 400, description = "Invalid body, or a level to delete still holds stock", body = crate::openapi::ErrorBody),
        (status = 404, description = "Unknown item, location or level", body = crate::openapi::ErrorBody)))]
#[post("/inventory-items/location-levels/batch")]
pub async fn batch_levels(
    state: State,
    _query: StrictQuery<NoQuery>,
    body: StrictJson<BatchLevelsBody>,
) -> ApiResult<HttpResponse> {
    let b = body.0;
    let level_ids: Vec<InventoryLevelId> = b
        .delete
        .unwrap_or_default()
        .iter()
        .filter_map(|i| InventoryLevelId::parse(i).ok())
        .collect();
    run_batch(
        &state,
        b.create.unwrap_or_default(),
        b.update.unwrap_or_default(),
        level_ids,
        b.force.unwrap_or(false),
    )
    .await
}

/// Levels of an item: create, update, delete.
#[utoipa::path(post, path = "/admin/inventory-items/{id}/location-levels/batch", tag = "Admin",
    params(("id" = String, Path, description = "Inventory item id (`iitem_...`)")),
    request_body = ItemBatchLevelsBody, security(("secret_key" = [])),
    responses((status = 200, description = "`{created: [level], updated: [level], deleted: [id]}`", body = Object),
        (status = 400, description = "Invalid body, or a level to delete still holds stock", body = crate::openapi::ErrorBody),
        (status = 404, description = "Unknown item, location or level", body = crate::openapi::ErrorBody)))]
#[post("/inventory-items/{id}/location-levels/batch")]
pub async fn batch_item_levels(
    path: web::Path<String>,
    state: State,
    _query: StrictQuery<NoQuery>,
    body: StrictJson<ItemBatchLevelsBody>,
) -> ApiResult<HttpResponse> {
    let raw = path.into_inner();
    let id = parse_item_id(&raw)?;
    let b = body.0;
    let svc = service(&state)?;
    svc.retrieve_item(&id).await?;
    let with_item = |l: ItemBatchLevelBody| BatchLevelBody {
        inventory_item_id: raw.clone(),
        location_id: l.location_id,
        stocked_quantity: l.stocked_quantity,
        incoming_quantity: l.incoming_quantity,
    };
    let creates = b
        .create
        .unwrap_or_default()
        .into_iter()
        .map(with_item)
        .collect();
    let updates = b
        .update
        .unwrap_or_default()
        .into_iter()
        .map(with_item)
        .collect();
    // Medusa's types call these location ids; level ids of this item are accepted too.
    let deletes = b.delete.unwrap_or_default();
    let mut level_ids = Vec::with_capacity(deletes.len());
    if !deletes.is_empty() {
        for l in svc.list_levels(&id).await? {
            if deletes
                .iter()
                .any(|d| d == &l.location_id || d == l.id.as_str())
            {
                level_ids.push(l.id);
            }
        }
    }
    run_batch(
        &state,
        creates,
        updates,
        level_ids,
        b.force.unwrap_or(false),
    )
    .await
}

/// The batch routes' work: everything is checked before anything is written, so a bad entry
/// leaves no change.
async fn run_batch(
    state: &State,
    creates: Vec<BatchLevelBody>,
    updates: Vec<BatchLevelBody>,
    level_ids: Vec<InventoryLevelId>,
    force: bool,
) -> ApiResult<HttpResponse> {
    for l in creates.iter().chain(&updates) {
        at_least_zero(l.stocked_quantity, "stocked_quantity")?;
        at_least_zero(l.incoming_quantity, "incoming_quantity")?;
    }
    let svc = service(state)?;
    let location_ids: Vec<&str> = creates.iter().map(|l| l.location_id.as_str()).collect();
    ensure_locations(state, &location_ids).await?;
    let mut parsed = Vec::with_capacity(creates.len() + updates.len());
    for l in creates.iter().chain(&updates) {
        let id = parse_item_id(&l.inventory_item_id)?;
        svc.retrieve_item(&id).await?;
        parsed.push(id);
    }
    let (create_ids, update_ids) = parsed.split_at(creates.len());
    for (l, id) in updates.iter().zip(update_ids) {
        svc.retrieve_level(id, &l.location_id).await?;
    }
    let to_delete = if level_ids.is_empty() {
        Vec::new()
    } else {
        svc.list_levels_page(&ListInventoryLevels {
            limit: level_ids.len() as u64,
            ids: level_ids,
            ..Default::default()
        })
        .await?
        .0
    };
    if let Some(stocked) = to_delete
        .iter()
        .find(|l| l.reserved_quantity > 0 || (!force && l.stocked_quantity > 0))
    {
        // Medusa's `validateInventoryLevelsDelete`.
        return Err(Error::not_allowed(format!(
            "Cannot remove Inventory Levels for {} because there are stocked or reserved items at the locations",
            stocked.location_id
        ))
        .into());
    }

    let mut created = Vec::with_capacity(creates.len());
    for (l, id) in creates.iter().zip(create_ids) {
        let level = svc
            .create_level(
                id,
                &l.location_id,
                l.stocked_quantity.unwrap_or(0),
                l.incoming_quantity.unwrap_or(0),
            )
            .await?;
        created.push(level_json(&level));
    }
    let mut updated = Vec::with_capacity(updates.len());
    for (l, id) in updates.iter().zip(update_ids) {
        let level = svc
            .update_level(id, &l.location_id, l.stocked_quantity, l.incoming_quantity)
            .await?;
        updated.push(level_json(&level));
    }
    let mut deleted = Vec::with_capacity(to_delete.len());
    for l in &to_delete {
        svc.delete_level(&l.inventory_item_id, &l.location_id)
            .await
            .map_err(|e| level_delete_error(e, l.inventory_item_id.as_str(), &l.location_id))?;
        deleted.push(Value::String(l.id.as_str().to_owned()));
    }
    Ok(HttpResponse::Ok().json(json!({
        "created": created,
        "updated": updated,
        "deleted": deleted,
    })))
}
