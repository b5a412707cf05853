//! `/admin/orders`: list, retrieve, preview, cancel, complete, fulfilments, shipments and
//! deliveries.
//!
//! Flows that span modules live here: a fulfilment is recorded by the order module (quantities
//! checked under the order's lock) and then takes its stock through the inventory module
//! (`fulfill`: stocked and reserved quantities come down together); if the stock cannot be
//! taken, the fulfilment is canceled again. Canceling an order releases its reservations.

use std::collections::HashMap;

use actix_web::{HttpRequest, HttpResponse, get, post, web};
use chrono::{DateTime, Utc};
use medusa_core::Error;
use medusa_core::request::{Comparison, ListConfig, RetrieveParams, one_or_many, parse_list_query};
use medusa_inventory::{FulfillmentRequest, InventoryService};
use medusa_order::{ItemQuantity, NewFulfillment, NewLabel, Order, OrderFilter};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use utoipa::{IntoParams, OpenApi, ToSchema};

use crate::auth::AuthContext;
use crate::error::ApiResult;
use crate::extract::{StrictJson, StrictQuery};
use crate::order::{Defaults, render, service};
use crate::response;
use crate::routes::store::orders::list_page;
use crate::routes::store::regions::FieldsQuery;
use crate::state::State;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(list)
        .service(retrieve)
        .service(preview)
        .service(cancel)
        .service(complete)
        .service(create_fulfillment)
        .service(cancel_fulfillment)
        .service(create_shipment)
        .service(mark_delivered);
}

#[derive(OpenApi)]
#[openapi(
    paths(
        list,
        retrieve,
        preview,
        cancel,
        complete,
        create_fulfillment,
        cancel_fulfillment,
        create_shipment,
        mark_delivered
    ),
    components(schemas(
        AdminOrderList,
        AdminOrderOne,
        CreateFulfillmentBody,
        CreateShipmentBody,
        ItemQuantityBody,
        LabelBody,
        NoBody
    ))
)]
pub struct Api;

const ORDERABLE: &[&str] = &[
    "id",
    "display_id",
    "status",
    "email",
    "created_at",
    "updated_at",
];

/// Medusa's `listTransformQueryConfig` for admin orders.
const LIST: ListConfig = ListConfig {
    default_limit: 20,
    orderable: ORDERABLE,
};

/// `GET /admin/orders` filters (Medusa's `AdminGetOrdersParams`).
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AdminOrderQuery {
    /// Search in the email, id and display id.
    pub q: Option<String>,
    #[serde(default, deserialize_with = "one_or_many")]
    #[param(value_type = Option<Vec<String>>)]
    pub id: Option<Vec<String>>,
    #[serde(default, deserialize_with = "one_or_many")]
    #[param(value_type = Option<Vec<String>>)]
    pub status: Option<Vec<String>>,
    #[serde(default, deserialize_with = "one_or_many")]
    #[param(value_type = Option<Vec<String>>)]
    pub sales_channel_id: Option<Vec<String>>,
    #[serde(default, deserialize_with = "one_or_many")]
    #[param(value_type = Option<Vec<String>>)]
    pub region_id: Option<Vec<String>>,
    pub customer_id: Option<String>,
    #[param(value_type = Option<Object>, style = DeepObject)]
    pub created_at: Option<Comparison<DateTime<Utc>>>,
    #[param(value_type = Option<Object>, style = DeepObject)]
    pub updated_at: Option<Comparison<DateTime<Utc>>>,
    pub limit: Option<u32>,
    pub offset: Option<u32>,
    pub order: Option<String>,
    pub fields: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct AdminOrderList {
    #[schema(value_type = Vec<Object>)]
    pub orders: Vec<Value>,
    pub count: u64,
    pub offset: u32,
    pub limit: u32,
}

#[derive(Serialize, ToSchema)]
pub struct AdminOrderOne {
    #[schema(value_type = Object)]
    pub order: Value,
}

/// `{id, quantity}` of an order item.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ItemQuantityBody {
    pub id: String,
    pub quantity: i64,
}

/// `POST /admin/orders/:id/fulfillments` (Medusa's `AdminCreateOrderFulfillment`).
#[derive(Debug, Deserialize, ToSchema)]
pub struct CreateFulfillmentBody {
    pub items: Vec<ItemQuantityBody>,
    /// The stock location the items leave from; default: where the items are reserved.
    pub location_id: Option<String>,
    pub no_notification: Option<bool>,
    pub requires_shipping: Option<bool>,
    pub shipping_option_id: Option<String>,
    #[schema(value_type = Option<Object>)]
    pub metadata: Option<Map<String, Value>>,
    #[schema(value_type = Option<Object>)]
    pub additional_data: Option<Map<String, Value>>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LabelBody {
    pub tracking_number: String,
    pub tracking_url: String,
    pub label_url: String,
}

/// `POST /admin/orders/:id/fulfillments/:fid/shipments` (Medusa's `AdminCreateOrderShipment`).
#[derive(Debug, Deserialize, ToSchema)]
pub struct CreateShipmentBody {
    pub items: Vec<ItemQuantityBody>,
    pub labels: Option<Vec<LabelBody>>,
    pub no_notification: Option<bool>,
    #[schema(value_type = Option<Object>)]
    pub metadata: Option<Map<String, Value>>,
    #[schema(value_type = Option<Object>)]
    pub additional_data: Option<Map<String, Value>>,
}

/// Bodies that take nothing but Medusa's optional extras.
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct NoBody {
    pub no_notification: Option<bool>,
    #[schema(value_type = Option<Object>)]
    pub additional_data: Option<Map<String, Value>>,
}

fn inventory(state: &State) -> ApiResult<std::sync::Arc<dyn InventoryService>> {
    Ok(state
        .registry
        .get::<dyn InventoryService>()
        .map_err(Error::internal)?)
}

async fn load(state: &State, id: &str) -> ApiResult<Order> {
    match service(state)?.retrieve(id).await {
        Ok(o) => Ok(o),
        Err(medusa_order::OrderError::NotFound(_)) => {
            Err(Error::not_found(format!("Order id not found: {id}")).into())
        }
        Err(e) => Err(e.into()),
    }
}

async fn one(
    state: &State,
    id: &str,
    fields: Option<&str>,
    defaults: Defaults,
) -> ApiResult<HttpResponse> {
    let order = load(state, id).await?;
    let mut out = render(state, vec![order], fields, defaults).await?;
    Ok(response::one("order", out.pop().unwrap_or(Value::Null)))
}

/// List orders.
#[utoipa::path(
    get,
    path = "/admin/orders",
    tag = "Admin",
    params(AdminOrderQuery),
    security(("secret_key" = [])),
    responses(
        (status = 200, description = "A page of orders", body = AdminOrderList),
        (status = 400, description = "Unknown or invalid query parameters", body = crate::openapi::ErrorBody),
        (status = 401, description = "Not authenticated", body = crate::openapi::UnauthorizedBody)
    )
)]
#[get("/orders")]
pub async fn list(req: HttpRequest, state: State) -> ApiResult<HttpResponse> {
    let (params, q): (_, AdminOrderQuery) = parse_list_query(req.query_string(), &LIST)?;
    let filter = OrderFilter {
        ids: q.id,
        q: q.q,
        status: q.status,
        sales_channel_id: q.sales_channel_id,
        region_id: q.region_id,
        customer_id: q.customer_id,
        created_at: q.created_at,
        updated_at: q.updated_at,
        is_draft_order: Some(false),
    };
    list_page(&state, &filter, &params, Defaults::AdminList).await
}

/// An order.
#[utoipa::path(
    get,
    path = "/admin/orders/{id}",
    tag = "Admin",
    params(("id" = String, Path, description = "Order id (`order_...`)"), FieldsQuery),
    security(("secret_key" = [])),
    responses(
        (status = 200, description = "The order", body = AdminOrderOne),
        (status = 404, description = "No such order", body = crate::openapi::ErrorBody)
    )
)]
#[get("/orders/{id}")]
pub async fn retrieve(
    path: web::Path<String>,
    state: State,
    query: StrictQuery<RetrieveParams>,
) -> ApiResult<HttpResponse> {
    one(
        &state,
        &path.into_inner(),
        query.0.fields.as_deref(),
        Defaults::AdminRetrieve,
    )
    .await
}

/// The order with its pending changes applied; orders have no change requests (edits, returns,
/// claims) here yet, so this is the order itself.
#[utoipa::path(
    get,
    path = "/admin/orders/{id}/preview",
    tag = "Admin",
    params(("id" = String, Path, description = "Order id (`order_...`)"), FieldsQuery),
    security(("secret_key" = [])),
    responses(
        (status = 200, description = "The order preview", body = AdminOrderOne),
        (status = 404, description = "No such order", body = crate::openapi::ErrorBody)
    )
)]
#[get("/orders/{id}/preview")]
pub async fn preview(
    path: web::Path<String>,
    state: State,
    query: StrictQuery<RetrieveParams>,
) -> ApiResult<HttpResponse> {
    one(
        &state,
        &path.into_inner(),
        query.0.fields.as_deref(),
        Defaults::AdminRetrieve,
    )
    .await
}

/// Cancel an order: refused while it has fulfilments that are not canceled; its inventory
/// reservations are released.
#[utoipa::path(
    post,
    path = "/admin/orders/{id}/cancel",
    tag = "Admin",
    params(("id" = String, Path, description = "Order id (`order_...`)"), FieldsQuery),
    request_body = NoBody,
    security(("secret_key" = [])),
    responses(
        (status = 200, description = "The canceled order", body = AdminOrderOne),
        (status = 400, description = "The order has fulfilments", body = crate::openapi::ErrorBody),
        (status = 404, description = "No such order", body = crate::openapi::ErrorBody)
    )
)]
#[post("/orders/{id}/cancel")]
pub async fn cancel(
    path: web::Path<String>,
    state: State,
    query: StrictQuery<RetrieveParams>,
    _body: Option<StrictJson<NoBody>>,
) -> ApiResult<HttpResponse> {
    let id = path.into_inner();
    let order = load(&state, &id).await?;
    let item_ids: Vec<String> = order.items.iter().map(|i| i.id.to_string()).collect();
    let canceled = service(&state)?.cancel(order.id.as_str()).await;
    // Released after the cancel commits. A second cancel is refused as Medusa refuses it, but
    // still releases what a half-done first one (canceled, release failed) left behind.
    let release = canceled.is_ok() || order.status == medusa_order::OrderStatus::Canceled;
    if release {
        inventory(&state)?
            .delete_reservations_for_line_items(&item_ids)
            .await?;
        // The cancel also canceled the delayed capture (same transaction); the authorization
        // is given back at the provider (a repeated cancel retries what failed before).
        crate::capture::cancel_payments(&state.registry, order.id.as_str())
            .await
            .map_err(medusa_core::Error::internal)?;
    }
    canceled?;
    one(
        &state,
        &id,
        query.0.fields.as_deref(),
        Defaults::AdminMutation,
    )
    .await
}

/// Mark an order completed.
#[utoipa::path(
    post,
    path = "/admin/orders/{id}/complete",
    tag = "Admin",
    params(("id" = String, Path, description = "Order id (`order_...`)"), FieldsQuery),
    request_body = NoBody,
    security(("secret_key" = [])),
    responses(
        (status = 200, description = "The completed order", body = AdminOrderOne),
        (status = 400, description = "The order is canceled", body = crate::openapi::ErrorBody),
        (status = 404, description = "No such order", body = crate::openapi::ErrorBody)
    )
)]
#[post("/orders/{id}/complete")]
pub async fn complete(
    path: web::Path<String>,
    state: State,
    query: StrictQuery<RetrieveParams>,
    _body: Option<StrictJson<NoBody>>,
) -> ApiResult<HttpResponse> {
    let id = path.into_inner();
    load(&state, &id).await?;
    service(&state)?.complete(&id).await?;
    one(
        &state,
        &id,
        query.0.fields.as_deref(),
        Defaults::AdminMutation,
    )
    .await
}

fn quantities(items: &[ItemQuantityBody]) -> Vec<ItemQuantity> {
    items
        .iter()
        .map(|i| ItemQuantity {
            item_id: i.id.clone(),
            quantity: i.quantity,
        })
        .collect()
}

/// Fulfil order items from a stock location (manual provider). Stock leaves the location and
/// the items' reservations there are consumed.
#[utoipa::path(
    post,
    path = "/admin/orders/{id}/fulfillments",
    tag = "Admin",
    params(("id" = String, Path, description = "Order id (`order_...`)"), FieldsQuery),
    request_body = CreateFulfillmentBody,
    security(("secret_key" = [])),
    responses(
        (status = 200, description = "The order", body = AdminOrderOne),
        (status = 400, description = "Unknown items, quantities beyond what is left to fulfil, or no stock at the location", body = crate::openapi::ErrorBody),
        (status = 404, description = "No such order", body = crate::openapi::ErrorBody)
    )
)]
#[post("/orders/{id}/fulfillments")]
pub async fn create_fulfillment(
    path: web::Path<String>,
    state: State,
    auth: web::ReqData<AuthContext>,
    query: StrictQuery<RetrieveParams>,
    body: StrictJson<CreateFulfillmentBody>,
) -> ApiResult<HttpResponse> {
    let id = path.into_inner();
    let b = body.0;
    let order = load(&state, &id).await?;
    let inventory = inventory(&state)?;
    let items = quantities(&b.items);

    // Each item's variant -> its inventory items (several for a bundle).
    let variant_of: HashMap<String, String> = items
        .iter()
        .filter_map(|q| {
            let item = order.item(&q.item_id)?;
            Some((q.item_id.clone(), item.snapshot.variant_id.clone()?))
        })
        .collect();
    let variant_ids = crate::cart::unique(variant_of.values().cloned());
    let links = if variant_ids.is_empty() {
        Vec::new()
    } else {
        inventory.items_for_variants(&variant_ids).await?
    };

    let location_id = match b.location_id {
        Some(l) => l,
        None => {
            // Where the items are reserved, as Medusa's default location for the fulfilment.
            let ids: Vec<String> = items.iter().map(|q| q.item_id.clone()).collect();
            inventory
                .reservations_for_line_items(&ids)
                .await?
                .into_iter()
                .map(|r| r.location_id)
                .next()
                .ok_or_else(|| {
                    Error::invalid_data(
                        "location_id is required: the items have no reservation to take the location from",
                    )
                })?
        }
    };

    let inventory_items: Vec<(String, String)> = variant_of
        .iter()
        .filter_map(|(item, variant)| {
            links
                .iter()
                .find(|l| &l.variant_id == variant)
                .map(|l| (item.clone(), l.inventory_item_id.to_string()))
        })
        .collect();
    let fid = service(&state)?
        .create_fulfillment(
            order.id.as_str(),
            NewFulfillment {
                location_id: location_id.clone(),
                items: items.clone(),
                inventory_items,
                shipping_option_id: b.shipping_option_id.or_else(|| {
                    order
                        .shipping_methods
                        .first()
                        .and_then(|m| m.shipping_option_id.clone())
                }),
                requires_shipping: b.requires_shipping.unwrap_or(true),
                labels: Vec::new(),
                created_by: Some(auth.actor_id.clone()).filter(|a| !a.is_empty()),
                metadata: b.metadata.map(Value::Object),
            },
        )
        .await?;

    let requests: Vec<FulfillmentRequest> = items
        .iter()
        .flat_map(|q| {
            let variant = variant_of.get(&q.item_id);
            links
                .iter()
                .filter(move |l| Some(&l.variant_id) == variant)
                .map(|l| FulfillmentRequest {
                    line_item_id: q.item_id.clone(),
                    inventory_item_id: l.inventory_item_id.clone(),
                    location_id: location_id.clone(),
                    quantity: q.quantity * l.required_quantity,
                })
        })
        .collect();
    if let Err(e) = inventory.fulfill(&requests).await {
        // Compensation: the stock did not move, so the fulfilment must not stand.
        if let Err(undo) = service(&state)?
            .cancel_fulfillment(order.id.as_str(), fid.as_str())
            .await
        {
            tracing::error!(error = %undo, fulfillment = %fid, "could not undo a fulfilment whose stock was not taken");
        }
        return Err(e.into());
    }
    one(
        &state,
        &id,
        query.0.fields.as_deref(),
        Defaults::AdminMutation,
    )
    .await
}

/// Cancel a fulfilment that has not shipped: its quantities become fulfillable again and its
/// stock returns to the location.
#[utoipa::path(
    post,
    path = "/admin/orders/{id}/fulfillments/{fulfillment_id}/cancel",
    tag = "Admin",
    params(
        ("id" = String, Path, description = "Order id (`order_...`)"),
        ("fulfillment_id" = String, Path, description = "Fulfilment id (`ful_...`)"),
        FieldsQuery
    ),
    request_body = NoBody,
    security(("secret_key" = [])),
    responses(
        (status = 200, description = "The order", body = AdminOrderOne),
        (status = 400, description = "The fulfilment has shipped", body = crate::openapi::ErrorBody),
        (status = 404, description = "No such order or fulfilment", body = crate::openapi::ErrorBody)
    )
)]
#[post("/orders/{id}/fulfillments/{fulfillment_id}/cancel")]
pub async fn cancel_fulfillment(
    path: web::Path<(String, String)>,
    state: State,
    query: StrictQuery<RetrieveParams>,
    _body: Option<StrictJson<NoBody>>,
) -> ApiResult<HttpResponse> {
    let (id, fid) = path.into_inner();
    let order = load(&state, &id).await?;
    let Some(f) = order.fulfillments.iter().find(|f| f.id.as_str() == fid) else {
        return Err(Error::not_found(format!("Fulfillment with id: {fid} not found")).into());
    };
    let already = f.canceled_at.is_some();
    let restock: Vec<(String, i64)> = f
        .items
        .iter()
        .filter_map(|i| Some((i.inventory_item_id.clone()?, i.quantity)))
        .collect();
    let location = f.location_id.clone();
    service(&state)?
        .cancel_fulfillment(order.id.as_str(), &fid)
        .await?;
    if !already {
        let inventory = inventory(&state)?;
        for (item, qty) in restock {
            if let Ok(item) = medusa_inventory::InventoryItemId::parse(&item) {
                inventory.adjust_level(&item, &location, qty).await?;
            }
        }
    }
    one(
        &state,
        &id,
        query.0.fields.as_deref(),
        Defaults::AdminMutation,
    )
    .await
}

/// Mark a fulfilment shipped, with its tracking labels.
#[utoipa::path(
    post,
    path = "/admin/orders/{id}/fulfillments/{fulfillment_id}/shipments",
    tag = "Admin",
    params(
        ("id" = String, Path, description = "Order id (`order_...`)"),
        ("fulfillment_id" = String, Path, description = "Fulfilment id (`ful_...`)"),
        FieldsQuery
    ),
    request_body = CreateShipmentBody,
    security(("secret_key" = [])),
    responses(
        (status = 200, description = "The order", body = AdminOrderOne),
        (status = 400, description = "The fulfilment is canceled or already shipped, or the items do not match it", body = crate::openapi::ErrorBody),
        (status = 404, description = "No such order or fulfilment", body = crate::openapi::ErrorBody)
    )
)]
#[post("/orders/{id}/fulfillments/{fulfillment_id}/shipments")]
pub async fn create_shipment(
    path: web::Path<(String, String)>,
    state: State,
    auth: web::ReqData<AuthContext>,
    query: StrictQuery<RetrieveParams>,
    body: StrictJson<CreateShipmentBody>,
) -> ApiResult<HttpResponse> {
    let (id, fid) = path.into_inner();
    let b = body.0;
    let order = load(&state, &id).await?;
    let Some(f) = order.fulfillments.iter().find(|f| f.id.as_str() == fid) else {
        return Err(Error::not_found(format!("Fulfillment with id: {fid} not found")).into());
    };
    // The items must be the fulfilment's own (Medusa ships a fulfilment whole).
    for q in &b.items {
        if !f.items.iter().any(|i| i.line_item_id == q.id) {
            return Err(Error::invalid_data(format!(
                "Item {} is not part of fulfillment {fid}",
                q.id
            ))
            .into());
        }
    }
    let labels = b
        .labels
        .unwrap_or_default()
        .into_iter()
        .map(|l| NewLabel {
            tracking_number: l.tracking_number,
            tracking_url: l.tracking_url,
            label_url: l.label_url,
        })
        .collect();
    service(&state)?
        .create_shipment(
            order.id.as_str(),
            &fid,
            labels,
            Some(auth.actor_id.clone()).filter(|a| !a.is_empty()),
        )
        .await?;
    one(
        &state,
        &id,
        query.0.fields.as_deref(),
        Defaults::AdminMutation,
    )
    .await
}

/// Mark a fulfilment delivered.
#[utoipa::path(
    post,
    path = "/admin/orders/{id}/fulfillments/{fulfillment_id}/mark-as-delivered",
    tag = "Admin",
    params(
        ("id" = String, Path, description = "Order id (`order_...`)"),
        ("fulfillment_id" = String, Path, description = "Fulfilment id (`ful_...`)"),
        FieldsQuery
    ),
    request_body = NoBody,
    security(("secret_key" = [])),
    responses(
        (status = 200, description = "The order", body = AdminOrderOne),
        (status = 400, description = "The fulfilment is canceled or already delivered", body = crate::openapi::ErrorBody),
        (status = 404, description = "No such order or fulfilment", body = crate::openapi::ErrorBody)
    )
)]
#[post("/orders/{id}/fulfillments/{fulfillment_id}/mark-as-delivered")]
pub async fn mark_delivered(
    path: web::Path<(String, String)>,
    state: State,
    query: StrictQuery<RetrieveParams>,
    _body: Option<StrictJson<NoBody>>,
) -> ApiResult<HttpResponse> {
    let (id, fid) = path.into_inner();
    let order = load(&state, &id).await?;
    service(&state)?
        .mark_delivered(order.id.as_str(), &fid)
        .await?;
    one(
        &state,
        &id,
        query.0.fields.as_deref(),
        Defaults::AdminMutation,
    )
    .await
}
