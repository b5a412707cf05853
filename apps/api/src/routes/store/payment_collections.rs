//! `/store/payment-collections`: a cart's payment collection and its payment session.

use actix_web::{HttpResponse, post, web};
use medusa_core::Error;
use medusa_core::id::PaymentCollectionId;
use medusa_core::request::RetrieveParams;
use serde::Deserialize;
use serde_json::{Map, Value, json};
use utoipa::{OpenApi, ToSchema};

use crate::cart::Requester;
use crate::error::ApiResult;
use crate::extract::{StrictJson, StrictQuery};
use crate::middleware::customer::OptionalCustomer;
use crate::payment::{self, COLLECTION, STORE_COLLECTION_FIELDS};
use crate::response;
use crate::state::State;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(create).service(create_session);
}

#[derive(OpenApi)]
#[openapi(
    paths(create, create_session),
    components(schemas(CreatePaymentCollectionBody, CreatePaymentSessionBody))
)]
pub struct Api;

/// `POST /store/payment-collections` (Medusa's `StoreCreatePaymentCollection`).
#[derive(Debug, Deserialize, ToSchema)]
pub struct CreatePaymentCollectionBody {
    pub cart_id: String,
}

/// `POST /store/payment-collections/:id/payment-sessions` (Medusa's
/// `StoreCreatePaymentSession`). The context is built by the server, never taken from the body.
#[derive(Debug, Deserialize, ToSchema)]
pub struct CreatePaymentSessionBody {
    /// e.g. `pp_system_default`.
    pub provider_id: String,
    /// Provider input (Stripe: `payment_method_types`, ...).
    #[schema(value_type = Option<Object>)]
    pub data: Option<Map<String, Value>>,
}

fn requester(customer: &OptionalCustomer) -> Requester {
    Requester {
        customer_id: customer.0.as_ref().map(|c| c.as_str().to_owned()),
    }
}

fn render(c: &medusa_payment::PaymentCollection, fields: Option<&str>) -> HttpResponse {
    let mut v = payment::payment_collection_json(c);
    payment::project(&mut v, fields, STORE_COLLECTION_FIELDS, &COLLECTION);
    response::one("payment_collection", v)
}

/// Create (or return) the cart's payment collection, for the cart's current total.
#[utoipa::path(
    post,
    path = "/store/payment-collections",
    tag = "Store",
    params(("fields" = Option<String>, Query, description = "Medusa's `fields`")),
    request_body = CreatePaymentCollectionBody,
    security(("publishable_key" = [])),
    responses(
        (status = 200, description = "`{payment_collection}` with `payment_sessions`", body = Object),
        (status = 400, description = "Invalid body or completed cart", body = crate::openapi::ErrorBody),
        (status = 404, description = "No such cart (or not the requester's)", body = crate::openapi::ErrorBody)
    )
)]
#[post("/payment-collections")]
pub async fn create(
    state: State,
    customer: OptionalCustomer,
    query: StrictQuery<RetrieveParams>,
    body: StrictJson<CreatePaymentCollectionBody>,
) -> ApiResult<HttpResponse> {
    let cart = crate::cart::retrieve(&state, &body.0.cart_id, &requester(&customer)).await?;
    let svc = payment::service(&state)?;
    let fields = query.0.fields.as_deref();
    // As Medusa's route: an existing collection is returned as it is.
    if let Some(c) = svc.collection_for_cart(&cart.id).await? {
        return Ok(render(&c, fields));
    }
    if cart.completed_at.is_some() {
        return Err(Error::invalid_data(format!("Cart {} is already completed.", cart.id)).into());
    }
    let total = crate::cart::totals::total(&cart)?;
    let c = svc
        .create_collection_for_cart(&cart.id, &cart.currency_code, total)
        .await?;
    Ok(render(&c, fields))
}

/// Start a payment session with a provider; the collection's other sessions are deleted.
#[utoipa::path(
    post,
    path = "/store/payment-collections/{id}/payment-sessions",
    tag = "Store",
    params(
        ("id" = String, Path, description = "Payment collection id (`pay_col_...`)"),
        ("fields" = Option<String>, Query, description = "Medusa's `fields`")
    ),
    request_body = CreatePaymentSessionBody,
    security(("publishable_key" = [])),
    responses(
        (status = 200, description = "`{payment_collection}` with `payment_sessions`", body = Object),
        (status = 400, description = "Invalid body, provider error, or already authorized", body = crate::openapi::ErrorBody),
        (status = 404, description = "No such collection or provider", body = crate::openapi::ErrorBody)
    )
)]
#[post("/payment-collections/{id}/payment-sessions")]
pub async fn create_session(
    path: web::Path<String>,
    state: State,
    customer: OptionalCustomer,
    query: StrictQuery<RetrieveParams>,
    body: StrictJson<CreatePaymentSessionBody>,
) -> ApiResult<HttpResponse> {
    let raw = path.into_inner();
    let not_found = || Error::not_found(format!("PaymentCollection with id: {raw} was not found"));
    let id = PaymentCollectionId::parse(&raw).map_err(|_| not_found())?;
    let svc = payment::service(&state)?;
    // A collection is as private as its cart: a customer's cart's collection is theirs only.
    if let Some(cart_id) = svc.cart_of_collection(&id).await? {
        let cart = crate::cart::retrieve(&state, cart_id.as_str(), &requester(&customer))
            .await
            .map_err(|_| not_found())?;
        // The session is for what the cart costs now: a cart change racing the collection's
        // creation may have left the collection at the older total.
        let total = crate::cart::totals::total(&cart)?;
        match svc
            .sync_collection_amount(id.as_str(), total, &cart.currency_code)
            .await
        {
            // A live payment already exists: creating the session is refused below, as before.
            Ok(_) | Err(medusa_payment::PaymentError::AlreadyAuthorized(_)) => {}
            Err(e) => return Err(e.into()),
        }
    }
    let context = match &customer.0 {
        Some(c) => json!({"customer": {"id": c}}),
        None => json!({}),
    };
    let b = body.0;
    svc.create_session(
        &id,
        &b.provider_id,
        Value::Object(b.data.unwrap_or_default()),
        context,
    )
    .await?;
    let c = svc.retrieve_collection(&id).await?;
    Ok(render(&c, query.0.fields.as_deref()))
}
