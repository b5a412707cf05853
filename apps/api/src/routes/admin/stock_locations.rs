//! `/admin/stock-locations`: list, create, retrieve, update, delete, and the location's links:
//! `POST /:id/fulfillment-sets` (create a set at the location), `POST /:id/sales-channels` and
//! `POST /:id/fulfillment-providers` (`{add, remove}`).
//!
//! A location's relations live in three modules (stock-location, sales-channel, fulfillment);
//! they are loaded here only when `fields` asks for them.

use std::collections::HashMap;
use std::sync::Arc;

use actix_web::{HttpRequest, HttpResponse, delete, get, post, web};
use medusa_core::Error;
use medusa_core::fields::{FieldSpec, Selection, Shape};
use medusa_core::id::SalesChannelId;
use medusa_core::request::{ListConfig, ListParams, RetrieveParams, one_or_many, parse_list_query};
use medusa_core::time::to_js;
use medusa_fulfillment::ShippingOptionFilter;
use medusa_sales_channel::{SalesChannelFilter, SalesChannelService};
use medusa_stock_location::{
    ListStockLocations, StockLocation, StockLocationAddressInput, StockLocationError,
    StockLocationId, StockLocationService,
};
use serde::Deserialize;
use serde_json::{Map, Value, json};
use utoipa::{IntoParams, OpenApi, ToSchema};

use crate::error::ApiResult;
use crate::extract::{StrictJson, StrictQuery};
use crate::response;
use crate::routes::admin::regions::{NoQuery, nullable};
use crate::routes::admin::sales_channels::channel_body;
use crate::routes::admin::shipping_profiles::service as fulfillment;
use crate::routes::store::regions::FieldsQuery;
use crate::shipping::{SET_SHAPE, admin_options_json, fulfillment_set_json};
use crate::state::State;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(list)
        .service(create)
        .service(retrieve)
        .service(update)
        .service(remove)
        .service(create_fulfillment_set)
        .service(sales_channels)
        .service(fulfillment_providers);
}

#[derive(OpenApi)]
#[openapi(
    paths(
        list,
        create,
        retrieve,
        update,
        remove,
        create_fulfillment_set,
        sales_channels,
        fulfillment_providers
    ),
    components(schemas(
        CreateStockLocationBody,
        UpdateStockLocationBody,
        AddressBody,
        FulfillmentSetBody,
        LinksBody
    ))
)]
pub struct Api;

/// Medusa's `defaultAdminStockLocationFields`.
const DEFAULT_FIELDS: &[&str] = &[
    "id",
    "name",
    "metadata",
    "created_at",
    "updated_at",
    "address.id",
    "address.address_1",
    "address.address_2",
    "address.city",
    "address.country_code",
    "address.phone",
    "address.province",
    "address.postal_code",
    "address.metadata",
];

const LIST: ListConfig = ListConfig {
    default_limit: 20,
    orderable: &["id", "name", "created_at", "updated_at"],
};

static SHAPE: Shape = Shape {
    relations: &[
        ("address", &Shape::LEAF),
        ("sales_channels", &Shape::LEAF),
        ("fulfillment_providers", &Shape::LEAF),
        ("fulfillment_sets", &SET_SHAPE),
    ],
};

/// `GET /admin/stock-locations` filters (Medusa's `AdminGetStockLocationsParams`).
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StockLocationQuery {
    /// Case-insensitive search in the name and address.
    pub q: Option<String>,
    #[serde(default, deserialize_with = "one_or_many")]
    #[param(value_type = Option<Vec<String>>)]
    pub id: Option<Vec<String>>,
    pub name: Option<String>,
    /// Locations linked to these sales channels.
    #[serde(default, deserialize_with = "one_or_many")]
    #[param(value_type = Option<Vec<String>>)]
    pub sales_channel_id: Option<Vec<String>>,
    pub limit: Option<u32>,
    pub offset: Option<u32>,
    pub order: Option<String>,
    pub fields: Option<String>,
    pub with_deleted: Option<bool>,
}

/// A location's address (`address_1` and `country_code` required).
#[derive(Debug, Deserialize, ToSchema)]
pub struct AddressBody {
    pub address_1: String,
    pub address_2: Option<String>,
    pub company: Option<String>,
    pub city: Option<String>,
    pub country_code: String,
    pub phone: Option<String>,
    pub postal_code: Option<String>,
    pub province: Option<String>,
    #[schema(value_type = Option<Object>)]
    pub metadata: Option<Map<String, Value>>,
}

impl From<AddressBody> for StockLocationAddressInput {
    fn from(a: AddressBody) -> Self {
        StockLocationAddressInput {
            address_1: a.address_1,
            address_2: a.address_2,
            company: a.company,
            city: a.city,
            country_code: a.country_code,
            province: a.province,
            postal_code: a.postal_code,
            phone: a.phone,
            metadata: a.metadata.map(Value::Object),
        }
    }
}

/// `POST /admin/stock-locations`.
#[derive(Debug, Deserialize, ToSchema)]
pub struct CreateStockLocationBody {
    pub name: String,
    pub address: Option<AddressBody>,
    /// Sharing another location's address is not supported: only `null` is accepted.
    #[schema(value_type = Option<String>)]
    pub address_id: Option<Value>,
    #[schema(value_type = Option<Object>)]
    pub metadata: Option<Map<String, Value>>,
}

/// `POST /admin/stock-locations/:id`.
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct UpdateStockLocationBody {
    pub name: Option<String>,
    pub address: Option<AddressBody>,
    /// Only `null` is accepted (see the create body).
    #[schema(value_type = Option<String>)]
    pub address_id: Option<Value>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<Object>)]
    pub metadata: Option<Option<Map<String, Value>>>,
}

/// `POST /admin/stock-locations/:id/fulfillment-sets`.
#[derive(Debug, Deserialize, ToSchema)]
pub struct FulfillmentSetBody {
    pub name: String,
    /// `shipping` or `pickup`.
    #[serde(rename = "type")]
    pub set_type: String,
}

/// `{add, remove}` of the link routes.
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct LinksBody {
    #[serde(default)]
    pub add: Vec<String>,
    #[serde(default)]
    pub remove: Vec<String>,
}

fn locations(state: &State) -> Result<Arc<dyn StockLocationService>, Error> {
    state
        .registry
        .get::<dyn StockLocationService>()
        .map_err(Error::internal)
}

fn channels(state: &State) -> Result<Arc<dyn SalesChannelService>, Error> {
    state
        .registry
        .get::<dyn SalesChannelService>()
        .map_err(Error::internal)
}

fn not_found(raw: &str) -> Error {
    Error::not_found(format!("StockLocation with id: {raw} was not found"))
}

fn parse_id(raw: &str) -> Result<StockLocationId, Error> {
    StockLocationId::parse(raw).map_err(|_| not_found(raw))
}

fn refuse_address_id(v: &Option<Value>) -> Result<(), Error> {
    match v {
        None | Some(Value::Null) => Ok(()),
        Some(_) => Err(Error::invalid_data(
            "Invalid request: linking an existing address ('address_id') is not supported; send 'address'",
        )),
    }
}

fn location_json(l: &StockLocation) -> Value {
    json!({
        "id": l.id,
        "name": l.name,
        "metadata": l.metadata,
        "address_id": l.address_id,
        "created_at": to_js(&l.created_at),
        "updated_at": to_js(&l.updated_at),
        "deleted_at": l.deleted_at.as_ref().map(to_js),
        "address": l.address.as_ref().map(|a| json!({
            "id": a.id,
            "address_1": a.address_1,
            "address_2": a.address_2,
            "company": a.company,
            "city": a.city,
            "country_code": a.country_code,
            "phone": a.phone,
            "province": a.province,
            "postal_code": a.postal_code,
            "metadata": a.metadata,
            "created_at": to_js(&a.created_at),
            "updated_at": to_js(&a.updated_at),
            "deleted_at": a.deleted_at.as_ref().map(to_js),
        })),
    })
}

/// Renders locations with the relations the selection asks for: a fixed number of queries
/// for fulfillment sets and providers, one per location for its sales channels.
async fn render(
    state: &State,
    found: &[StockLocation],
    fields: Option<&str>,
) -> ApiResult<Vec<Value>> {
    let selection: Selection = FieldSpec::parse(fields, DEFAULT_FIELDS).selection();
    let ids: Vec<String> = found.iter().map(|l| l.id.to_string()).collect();
    let mut out: Vec<Value> = found.iter().map(location_json).collect();

    if selection.relation("fulfillment_sets").is_some() {
        let svc = fulfillment(state)?;
        let sets = svc.location_fulfillment_sets(&ids).await?;
        let wants_options = selection
            .relation("fulfillment_sets")
            .and_then(|s| s.relation("service_zones"))
            .and_then(|s| s.relation("shipping_options"))
            .is_some();
        let mut by_zone: HashMap<String, Vec<Value>> = HashMap::new();
        if wants_options {
            let zone_ids: Vec<String> = sets
                .iter()
                .flat_map(|s| s.service_zones.iter().map(|z| z.id.to_string()))
                .collect();
            if !zone_ids.is_empty() {
                let filter = ShippingOptionFilter {
                    service_zone_ids: zone_ids,
                    ..Default::default()
                };
                let (options, _) = svc.list_shipping_options(&filter, 0, 10_000).await?;
                let rendered = admin_options_json(svc.as_ref(), &options).await?;
                for (o, v) in options.iter().zip(rendered) {
                    by_zone
                        .entry(o.service_zone_id.to_string())
                        .or_default()
                        .push(v);
                }
            }
        }
        let mut per_location: HashMap<String, Vec<Value>> = HashMap::new();
        for s in &sets {
            if let Some(loc) = &s.location_id {
                per_location
                    .entry(loc.clone())
                    .or_default()
                    .push(fulfillment_set_json(s, &by_zone));
            }
        }
        for (l, v) in found.iter().zip(out.iter_mut()) {
            v["fulfillment_sets"] =
                Value::Array(per_location.remove(l.id.as_str()).unwrap_or_default());
        }
    }

    if selection.relation("fulfillment_providers").is_some() {
        let mut per_location: HashMap<String, Vec<Value>> = HashMap::new();
        for (loc, p) in fulfillment(state)?.location_providers(&ids).await? {
            per_location
                .entry(loc)
                .or_default()
                .push(json!({"id": p, "is_enabled": true}));
        }
        for (l, v) in found.iter().zip(out.iter_mut()) {
            v["fulfillment_providers"] =
                Value::Array(per_location.remove(l.id.as_str()).unwrap_or_default());
        }
    }

    if selection.relation("sales_channels").is_some() {
        let svc = locations(state)?;
        let mut links: Vec<Vec<SalesChannelId>> = Vec::with_capacity(found.len());
        for l in found {
            links.push(svc.sales_channels(&l.id).await?);
        }
        let all: Vec<SalesChannelId> = links.iter().flatten().cloned().collect();
        let details: HashMap<String, Value> = if all.is_empty() {
            HashMap::new()
        } else {
            let filter = SalesChannelFilter {
                ids: Some(all.clone()),
                ..Default::default()
            };
            let page = ListParams {
                limit: u32::try_from(all.len()).unwrap_or(u32::MAX),
                offset: 0,
                order: None,
                fields: None,
                with_deleted: false,
            };
            channels(state)?
                .list(&filter, &page)
                .await?
                .0
                .into_iter()
                .map(|c| {
                    let id = c.id.to_string();
                    (
                        id,
                        serde_json::to_value(channel_body(c)).unwrap_or(Value::Null),
                    )
                })
                .collect()
        };
        for (ids, v) in links.iter().zip(out.iter_mut()) {
            v["sales_channels"] = Value::Array(
                ids.iter()
                    .filter_map(|c| details.get(c.as_str()).cloned())
                    .collect(),
            );
        }
    }

    for v in &mut out {
        selection.project(v, &SHAPE);
    }
    Ok(out)
}

async fn one(state: &State, id: &StockLocationId, fields: Option<&str>) -> ApiResult<HttpResponse> {
    let location = locations(state)?.retrieve(id).await.map_err(|e| match e {
        StockLocationError::NotFound(_) => not_found(id.as_str()),
        other => other.into(),
    })?;
    let mut items = render(state, std::slice::from_ref(&location), fields).await?;
    Ok(response::one(
        "stock_location",
        items.pop().unwrap_or(Value::Null),
    ))
}

/// 404 unless the location exists.
async fn ensure(state: &State, raw: &str) -> ApiResult<StockLocationId> {
    let id = parse_id(raw)?;
    locations(state)?.retrieve(&id).await.map_err(|e| match e {
        StockLocationError::NotFound(_) => not_found(raw),
        other => other.into(),
    })?;
    Ok(id)
}

/// List stock locations.
#[utoipa::path(get, path = "/admin/stock-locations", tag = "Admin", params(StockLocationQuery),
    security(("secret_key" = [])),
    responses((status = 200, description = "`{stock_locations, count, offset, limit}`", body = Object),
        (status = 400, description = "Unknown or invalid query parameters", body = crate::openapi::ErrorBody)))]
#[get("/stock-locations")]
pub async fn list(req: HttpRequest, state: State) -> ApiResult<HttpResponse> {
    let (params, q): (_, StockLocationQuery) = parse_list_query(req.query_string(), &LIST)?;
    let mut ids: Vec<StockLocationId> =
        q.id.unwrap_or_default()
            .iter()
            .filter_map(|i| StockLocationId::parse(i).ok())
            .collect();
    let svc = locations(&state)?;
    let empty = |params: &ListParams| response::list("stock_locations", Vec::new(), 0, params);
    if let Some(sc) = q.sales_channel_id {
        let channel_ids: Vec<SalesChannelId> = sc
            .iter()
            .filter_map(|c| SalesChannelId::parse(c).ok())
            .collect();
        let linked = svc.location_ids_for_sales_channels(&channel_ids).await?;
        ids = if ids.is_empty() {
            linked
        } else {
            ids.into_iter().filter(|i| linked.contains(i)).collect()
        };
        if ids.is_empty() {
            return Ok(empty(&params));
        }
    }
    let filter = ListStockLocations {
        ids,
        name: q.name,
        q: q.q,
        offset: u64::from(params.offset),
        limit: u64::from(params.limit),
    };
    let (found, count) = svc.list(&filter).await?;
    let items = render(&state, &found, params.fields.as_deref()).await?;
    Ok(response::list("stock_locations", items, count, &params))
}

/// Create a stock location.
#[utoipa::path(post, path = "/admin/stock-locations", tag = "Admin", params(FieldsQuery),
    request_body = CreateStockLocationBody, security(("secret_key" = [])),
    responses((status = 200, description = "`{stock_location}`", body = Object),
        (status = 400, description = "Invalid body", body = crate::openapi::ErrorBody)))]
#[post("/stock-locations")]
pub async fn create(
    state: State,
    query: StrictQuery<RetrieveParams>,
    body: StrictJson<CreateStockLocationBody>,
) -> ApiResult<HttpResponse> {
    let b = body.0;
    refuse_address_id(&b.address_id)?;
    let svc = locations(&state)?;
    let created = svc.create(b.name.trim(), b.address.map(Into::into)).await?;
    if let Some(m) = b.metadata {
        svc.update(&created.id, None, None, Some(Some(Value::Object(m))))
            .await?;
    }
    one(&state, &created.id, query.0.fields.as_deref()).await
}

/// A stock location.
#[utoipa::path(get, path = "/admin/stock-locations/{id}", tag = "Admin",
    params(("id" = String, Path, description = "Stock location id (`sloc_...`)"), FieldsQuery),
    security(("secret_key" = [])),
    responses((status = 200, description = "`{stock_location}`", body = Object),
        (status = 404, description = "No such location", body = crate::openapi::ErrorBody)))]
#[get("/stock-locations/{id}")]
pub async fn retrieve(
    path: web::Path<String>,
    state: State,
    query: StrictQuery<RetrieveParams>,
) -> ApiResult<HttpResponse> {
    let id = parse_id(&path.into_inner())?;
    one(&state, &id, query.0.fields.as_deref()).await
}

/// Update a stock location.
#[utoipa::path(post, path = "/admin/stock-locations/{id}", tag = "Admin",
    params(("id" = String, Path, description = "Stock location id (`sloc_...`)"), FieldsQuery),
    request_body = UpdateStockLocationBody, security(("secret_key" = [])),
    responses((status = 200, description = "`{stock_location}`", body = Object),
        (status = 400, description = "Invalid body", body = crate::openapi::ErrorBody),
        (status = 404, description = "No such location", body = crate::openapi::ErrorBody)))]
#[post("/stock-locations/{id}")]
pub async fn update(
    path: web::Path<String>,
    state: State,
    query: StrictQuery<RetrieveParams>,
    body: StrictJson<UpdateStockLocationBody>,
) -> ApiResult<HttpResponse> {
    let raw = path.into_inner();
    let id = parse_id(&raw)?;
    let b = body.0;
    refuse_address_id(&b.address_id)?;
    locations(&state)?
        .update(
            &id,
            b.name.map(|n| n.trim().to_owned()),
            b.address.map(Into::into),
            b.metadata.map(|m| m.map(Value::Object)),
        )
        .await
        .map_err(|e| match e {
            StockLocationError::NotFound(_) => not_found(&raw),
            other => other.into(),
        })?;
    one(&state, &id, query.0.fields.as_deref()).await
}

/// Delete a stock location, with its sales channel links and its fulfillment sets.
#[utoipa::path(delete, path = "/admin/stock-locations/{id}", tag = "Admin",
    params(("id" = String, Path, description = "Stock location id (`sloc_...`)")),
    security(("secret_key" = [])),
    responses((status = 200, description = "`{id, object: \"stock_location\", deleted: true}`", body = Object)))]
#[delete("/stock-locations/{id}")]
pub async fn remove(
    path: web::Path<String>,
    state: State,
    _query: StrictQuery<NoQuery>,
) -> ApiResult<HttpResponse> {
    let raw = path.into_inner();
    if let Ok(id) = StockLocationId::parse(&raw) {
        match locations(&state)?.delete(&id).await {
            // Deleting an unknown location is a no-op, as Medusa's workflow.
            Ok(()) | Err(StockLocationError::NotFound(_)) => {}
            Err(e) => return Err(e.into()),
        }
        // Medusa's location <-> fulfillment set link cascades to the sets.
        let svc = fulfillment(&state)?;
        for set in svc
            .location_fulfillment_sets(std::slice::from_ref(&raw))
            .await?
        {
            svc.delete_fulfillment_set(&set.id).await?;
        }
        let providers: Vec<String> = svc
            .location_providers(std::slice::from_ref(&raw))
            .await?
            .into_iter()
            .map(|(_, p)| p)
            .collect();
        svc.link_location_providers(&raw, &[], &providers).await?;
    }
    Ok(response::deleted(&raw, "stock_location", None))
}

/// Create a fulfillment set at the location.
#[utoipa::path(post, path = "/admin/stock-locations/{id}/fulfillment-sets", tag = "Admin",
    params(("id" = String, Path, description = "Stock location id (`sloc_...`)"), FieldsQuery),
    request_body = FulfillmentSetBody, security(("secret_key" = [])),
    responses((status = 200, description = "`{stock_location}`", body = Object),
        (status = 400, description = "Invalid body or name taken", body = crate::openapi::ErrorBody),
        (status = 404, description = "No such location", body = crate::openapi::ErrorBody)))]
#[post("/stock-locations/{id}/fulfillment-sets")]
pub async fn create_fulfillment_set(
    path: web::Path<String>,
    state: State,
    query: StrictQuery<RetrieveParams>,
    body: StrictJson<FulfillmentSetBody>,
) -> ApiResult<HttpResponse> {
    let id = ensure(&state, &path.into_inner()).await?;
    let b = body.0;
    fulfillment(&state)?
        .create_fulfillment_set(id.as_str(), &b.name, &b.set_type, Vec::new())
        .await?;
    one(&state, &id, query.0.fields.as_deref()).await
}

/// Link and unlink sales channels.
#[utoipa::path(post, path = "/admin/stock-locations/{id}/sales-channels", tag = "Admin",
    params(("id" = String, Path, description = "Stock location id (`sloc_...`)"), FieldsQuery),
    request_body = LinksBody, security(("secret_key" = [])),
    responses((status = 200, description = "`{stock_location}`", body = Object),
        (status = 404, description = "No such location or sales channel", body = crate::openapi::ErrorBody)))]
#[post("/stock-locations/{id}/sales-channels")]
pub async fn sales_channels(
    path: web::Path<String>,
    state: State,
    query: StrictQuery<RetrieveParams>,
    body: StrictJson<LinksBody>,
) -> ApiResult<HttpResponse> {
    let id = ensure(&state, &path.into_inner()).await?;
    let b = body.0;
    let parse = |ids: &[String]| -> Result<Vec<SalesChannelId>, Error> {
        ids.iter()
            .map(|c| {
                SalesChannelId::parse(c).map_err(|_| {
                    Error::not_found(format!("Sales channel with id: {c} was not found"))
                })
            })
            .collect()
    };
    let add = parse(&b.add)?;
    let unlink = parse(&b.remove)?;
    if !add.is_empty() {
        // Every channel to link must exist (one query).
        let filter = SalesChannelFilter {
            ids: Some(add.clone()),
            ..Default::default()
        };
        let page = ListParams {
            limit: u32::try_from(add.len()).unwrap_or(u32::MAX),
            offset: 0,
            order: None,
            fields: None,
            with_deleted: false,
        };
        let found = channels(&state)?.list(&filter, &page).await?.0;
        if let Some(missing) = add.iter().find(|a| !found.iter().any(|c| &c.id == *a)) {
            return Err(Error::not_found(format!(
                "Sales channel with id: {missing} was not found"
            ))
            .into());
        }
    }
    let svc = locations(&state)?;
    svc.link_sales_channels(&id, &add).await?;
    svc.unlink_sales_channels(&id, &unlink).await?;
    one(&state, &id, query.0.fields.as_deref()).await
}

/// Enable and disable fulfillment providers at the location.
#[utoipa::path(post, path = "/admin/stock-locations/{id}/fulfillment-providers", tag = "Admin",
    params(("id" = String, Path, description = "Stock location id (`sloc_...`)"), FieldsQuery),
    request_body = LinksBody, security(("secret_key" = [])),
    responses((status = 200, description = "`{stock_location}`", body = Object),
        (status = 400, description = "Unknown provider", body = crate::openapi::ErrorBody),
        (status = 404, description = "No such location", body = crate::openapi::ErrorBody)))]
#[post("/stock-locations/{id}/fulfillment-providers")]
pub async fn fulfillment_providers(
    path: web::Path<String>,
    state: State,
    query: StrictQuery<RetrieveParams>,
    body: StrictJson<LinksBody>,
) -> ApiResult<HttpResponse> {
    let id = ensure(&state, &path.into_inner()).await?;
    let b = body.0;
    fulfillment(&state)?
        .link_location_providers(id.as_str(), &b.add, &b.remove)
        .await?;
    one(&state, &id, query.0.fields.as_deref()).await
}
