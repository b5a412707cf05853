//! `/store/orders`: the logged-in customer's orders, one order, and the PII-free lookup by
//! payment intent.
//!
//! Privacy (a deliberate difference from Medusa, which shows any order to anyone holding its
//! id, with a TODO): `GET /store/orders/:id` shows an order to its customer always, to a
//! request without a customer token only within `ORDER_GUEST_ACCESS_WINDOW` (default 1 h)
//! after it was placed (the storefront's order-confirmation page), and to anyone else never:
//! 404, as for an order that does not exist, so ids cannot be probed.

use actix_web::{HttpRequest, HttpResponse, get, web};
use medusa_core::Error;
use medusa_core::request::{
    Direction, ListConfig, ListParams, RetrieveParams, one_or_many, parse_list_query,
};
use medusa_order::{Order, OrderFilter, Page};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::{IntoParams, OpenApi, ToSchema};

use crate::error::ApiResult;
use crate::extract::StrictQuery;
use crate::middleware::customer::{AuthenticatedCustomer, OptionalCustomer};
use crate::order::{Defaults, render, service};
use crate::response;
use crate::state::State;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(list)
        .service(by_payment_intent)
        .service(retrieve);
}

#[derive(OpenApi)]
#[openapi(
    paths(list, retrieve, by_payment_intent),
    components(schemas(
        StoreOrderList,
        StoreOrderOne,
        PublicOrderBody,
        PublicOrder,
        PublicOrderItem
    ))
)]
pub struct Api;

/// The columns an order list can be sorted by.
pub(crate) const ORDERABLE: &[&str] = &["id", "display_id", "status", "created_at", "updated_at"];

const LIST: ListConfig = ListConfig {
    default_limit: 50,
    orderable: ORDERABLE,
};

/// `GET /store/orders` filters (Medusa's `StoreGetOrdersParams`).
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StoreOrderQuery {
    #[serde(default, deserialize_with = "one_or_many")]
    #[param(value_type = Option<Vec<String>>)]
    pub id: Option<Vec<String>>,
    #[serde(default, deserialize_with = "one_or_many")]
    #[param(value_type = Option<Vec<String>>)]
    pub status: Option<Vec<String>>,
    pub limit: Option<u32>,
    pub offset: Option<u32>,
    pub order: Option<String>,
    pub fields: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct StoreOrderList {
    #[schema(value_type = Vec<Object>)]
    pub orders: Vec<Value>,
    pub count: u64,
    pub offset: u32,
    pub limit: u32,
}

#[derive(Serialize, ToSchema)]
pub struct StoreOrderOne {
    #[schema(value_type = Object)]
    pub order: Value,
}

/// `-created_at` from a validated `order`.
fn order_string(o: &Option<medusa_core::request::OrderBy>) -> Option<String> {
    o.as_ref().map(|o| match o.direction {
        Direction::Asc => o.field.clone(),
        Direction::Desc => format!("-{}", o.field),
    })
}

/// `{orders, count, offset, limit}`: the page of `params` of the orders matching `filter`,
/// rendered with the route's `defaults` (the store's and the admin's order lists).
pub(crate) async fn list_page(
    state: &State,
    filter: &OrderFilter,
    params: &ListParams,
    defaults: Defaults,
) -> ApiResult<HttpResponse> {
    let page = Page {
        limit: u64::from(params.limit),
        offset: u64::from(params.offset),
        order: order_string(&params.order),
    };
    let (orders, count) = service(state)?.list(filter, &page).await?;
    let items = render(state, orders, params.fields.as_deref(), defaults).await?;
    Ok(response::list("orders", items, count, params))
}

/// The logged-in customer's orders.
#[utoipa::path(
    get,
    path = "/store/orders",
    tag = "Store",
    params(StoreOrderQuery),
    security(("publishable_key" = []), ("customer" = [])),
    responses(
        (status = 200, description = "A page of the customer's orders", body = StoreOrderList),
        (status = 400, description = "Unknown or invalid query parameters", body = crate::openapi::ErrorBody),
        (status = 401, description = "No customer", body = crate::openapi::UnauthorizedBody)
    )
)]
#[get("/orders")]
pub async fn list(
    req: HttpRequest,
    state: State,
    customer: AuthenticatedCustomer,
) -> ApiResult<HttpResponse> {
    let (params, q): (_, StoreOrderQuery) = parse_list_query(req.query_string(), &LIST)?;
    let filter = OrderFilter {
        ids: q.id,
        status: q.status,
        customer_id: Some(customer.0.to_string()),
        is_draft_order: Some(false),
        ..Default::default()
    };
    list_page(&state, &filter, &params, Defaults::StoreList).await
}

/// Whether the requester may see `order` (see the module docs).
pub(crate) fn visible(state: &State, order: &Order, customer: &OptionalCustomer) -> bool {
    match &customer.0 {
        Some(c) => order.customer_id.as_deref() == Some(c.as_str()),
        None => {
            let window = chrono::Duration::from_std(state.config.order_guest_access_window.0)
                .unwrap_or(chrono::Duration::zero());
            state.clock.now() < order.created_at + window
        }
    }
}

/// An order: to its customer, or without a customer token shortly after it was placed.
#[utoipa::path(
    get,
    path = "/store/orders/{id}",
    tag = "Store",
    params(("id" = String, Path, description = "Order id (`order_...`)"), crate::routes::store::regions::FieldsQuery),
    security(("publishable_key" = [])),
    responses(
        (status = 200, description = "The order", body = StoreOrderOne),
        (status = 404, description = "No such order, or not visible to the requester", body = crate::openapi::ErrorBody)
    )
)]
#[get("/orders/{id}")]
pub async fn retrieve(
    path: web::Path<String>,
    state: State,
    customer: OptionalCustomer,
    query: StrictQuery<RetrieveParams>,
) -> ApiResult<HttpResponse> {
    let id = path.into_inner();
    let not_found = || Error::not_found(format!("Order id not found: {id}"));
    let order = match service(&state)?.retrieve(&id).await {
        Ok(o) => o,
        Err(medusa_order::OrderError::NotFound(_)) => return Err(not_found().into()),
        Err(e) => return Err(e.into()),
    };
    if order.is_draft_order || !visible(&state, &order, &customer) {
        return Err(not_found().into());
    }
    let mut out = render(
        &state,
        vec![order],
        query.0.fields.as_deref(),
        Defaults::StoreRetrieve,
    )
    .await?;
    Ok(response::one("order", out.pop().unwrap_or(Value::Null)))
}

/// `{order}` of the PII-free lookup.
#[derive(Serialize, ToSchema)]
pub struct PublicOrderBody {
    pub order: PublicOrder,
}

/// What anyone holding a payment intent id may learn about its order: no email, name, phone,
/// address or customer id.
#[derive(Debug, Serialize, ToSchema)]
pub struct PublicOrder {
    pub id: String,
    pub display_id: i64,
    pub status: String,
    pub payment_status: String,
    pub fulfillment_status: String,
    pub currency_code: String,
    #[schema(value_type = f64)]
    pub total: medusa_core::money::Amount,
    #[schema(value_type = f64)]
    pub subtotal: medusa_core::money::Amount,
    #[schema(value_type = f64)]
    pub tax_total: medusa_core::money::Amount,
    #[schema(value_type = f64)]
    pub discount_total: medusa_core::money::Amount,
    #[schema(value_type = f64)]
    pub shipping_total: medusa_core::money::Amount,
    #[schema(value_type = f64)]
    pub item_total: medusa_core::money::Amount,
    pub items: Vec<PublicOrderItem>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PublicOrderItem {
    pub title: String,
    pub quantity: i64,
}

/// The order paid with a payment intent, as a strict PII-free summary (for a storefront's
/// post-payment redirect, which has the intent id and nothing else).
#[utoipa::path(
    get,
    path = "/store/orders/by-payment-intent/{id}",
    tag = "Store",
    params(("id" = String, Path, description = "The payment provider's intent id (`data.id` of the payment session)")),
    security(("publishable_key" = [])),
    responses(
        (status = 200, description = "The order's public summary", body = PublicOrderBody),
        (status = 404, description = "No order was placed with this payment intent", body = crate::openapi::ErrorBody)
    )
)]
#[get("/orders/by-payment-intent/{id}")]
pub async fn by_payment_intent(
    path: web::Path<String>,
    state: State,
    _query: StrictQuery<NoQuery>,
) -> ApiResult<HttpResponse> {
    let intent = path.into_inner();
    let not_found = || Error::not_found(format!("Order for payment intent {intent} not found"));
    let Some(order_id) = crate::order::order_for_payment_intent(&state, &intent).await? else {
        return Err(not_found().into());
    };
    let order = service(&state)?.retrieve(&order_id).await?;
    Ok(HttpResponse::Ok().json(PublicOrderBody {
        order: public_order(&state, order).await?,
    }))
}

/// No query parameters.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NoQuery {}

/// The PII-free DTO of `order`. Built field by field from the order (never by filtering the
/// full rendering), so a new order field cannot leak into it.
pub async fn public_order(state: &State, order: Order) -> ApiResult<PublicOrder> {
    let t = crate::order::totals(&order)?;
    // Statuses come from the full rendering, which is not returned.
    let rendered = render(
        state,
        vec![order.clone()],
        Some("payment_status,fulfillment_status"),
        Defaults::StoreRetrieve,
    )
    .await?;
    let status = |k: &str| {
        rendered
            .first()
            .and_then(|o| o.get(k))
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned()
    };
    let a = &t.aggregate;
    Ok(PublicOrder {
        id: order.id.to_string(),
        display_id: order.display_id,
        status: order.status.as_str().to_owned(),
        payment_status: status("payment_status"),
        fulfillment_status: status("fulfillment_status"),
        currency_code: order.currency_code.to_string(),
        total: a.total,
        subtotal: a.subtotal,
        tax_total: a.tax_total,
        discount_total: a.discount_total,
        shipping_total: a.shipping_total,
        item_total: a.item_total,
        items: order
            .items
            .iter()
            .map(|i| PublicOrderItem {
                title: i.snapshot.title.clone(),
                quantity: i.quantity,
            })
            .collect(),
    })
}
