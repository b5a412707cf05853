//! `/admin/payments`: list, retrieve, capture, refund, and the registered payment providers.

use actix_web::{HttpRequest, HttpResponse, get, post, web};
use chrono::{DateTime, Utc};
use medusa_core::id::PaymentId;
use medusa_core::request::{Comparison, ListConfig, RetrieveParams, one_or_many, parse_list_query};
use medusa_core::{Amount, Error};
use medusa_payment::{CapturePayment, PaymentFilter, RefundPayment, RefundReasonId};
use serde::Deserialize;
use serde_json::json;
use utoipa::{IntoParams, OpenApi, ToSchema};

use crate::auth::AuthContext;
use crate::error::ApiResult;
use crate::extract::{StrictJson, StrictQuery};
use crate::payment::{self, PAYMENT};
use crate::response;
use crate::state::State;

pub fn configure(cfg: &mut web::ServiceConfig) {
    // `payment-providers` before `{id}`, which would otherwise take it.
    cfg.service(providers)
        .service(list)
        .service(retrieve)
        .service(capture)
        .service(refund);
}

#[derive(OpenApi)]
#[openapi(
    paths(list, retrieve, capture, refund, providers),
    components(schemas(CaptureBody, RefundBody))
)]
pub struct Api;

/// Medusa's `defaultAdminPaymentFields`.
const DEFAULT_FIELDS: &[&str] = &[
    "id",
    "currency_code",
    "amount",
    "captured_at",
    "payment_collection_id",
    "payment_session_id",
    "captures.id",
    "captures.amount",
    "refunds.id",
    "refunds.amount",
    "refunds.note",
    "refunds.payment_id",
    "refunds.refund_reason.label",
    "refunds.refund_reason.code",
];

/// Medusa's `AdminGetPaymentsParams` page.
const LIST: ListConfig = ListConfig {
    default_limit: 20,
    orderable: &[
        "id",
        "amount",
        "currency_code",
        "captured_at",
        "created_at",
        "updated_at",
    ],
};

const PROVIDERS: ListConfig = ListConfig {
    default_limit: 20,
    orderable: &["id"],
};

/// `GET /admin/payments` filters (Medusa's `AdminGetPaymentsParams`).
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AdminPaymentQuery {
    /// Case-insensitive search in the id, provider id and currency code.
    pub q: Option<String>,
    #[serde(default, deserialize_with = "one_or_many")]
    #[param(value_type = Option<Vec<String>>)]
    pub id: Option<Vec<String>>,
    #[serde(default, deserialize_with = "one_or_many")]
    #[param(value_type = Option<Vec<String>>)]
    pub payment_session_id: Option<Vec<String>>,
    #[param(value_type = Option<Object>, style = DeepObject)]
    pub created_at: Option<Comparison<DateTime<Utc>>>,
    #[param(value_type = Option<Object>, style = DeepObject)]
    pub updated_at: Option<Comparison<DateTime<Utc>>>,
    /// Accepted as Medusa does; payments are never deleted, so it selects nothing more.
    #[param(value_type = Option<Object>, style = DeepObject)]
    pub deleted_at: Option<Comparison<DateTime<Utc>>>,
    /// Page size (default 20).
    pub limit: Option<u32>,
    pub offset: Option<u32>,
    pub order: Option<String>,
    pub fields: Option<String>,
}

/// `GET /admin/payments/payment-providers` filters.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ProviderQuery {
    #[serde(default, deserialize_with = "one_or_many")]
    #[param(value_type = Option<Vec<String>>)]
    pub id: Option<Vec<String>>,
    pub is_enabled: Option<bool>,
    pub limit: Option<u32>,
    pub offset: Option<u32>,
    pub order: Option<String>,
    pub fields: Option<String>,
}

/// `POST /admin/payments/:id/capture` (Medusa's `AdminCreatePaymentCapture`).
#[derive(Debug, Deserialize, ToSchema)]
pub struct CaptureBody {
    /// Default: the payment's amount.
    pub amount: Option<Amount>,
}

/// `POST /admin/payments/:id/refund` (Medusa's `AdminCreatePaymentRefund`).
#[derive(Debug, Deserialize, ToSchema)]
pub struct RefundBody {
    /// Default: the payment's amount.
    pub amount: Option<Amount>,
    pub refund_reason_id: Option<String>,
    pub note: Option<String>,
}

fn positive(amount: Option<Amount>) -> Result<Option<Amount>, Error> {
    match amount {
        Some(a) if a <= Amount::ZERO => Err(Error::invalid_data(
            "Invalid request: Value for field 'amount' too small, expected at least: '0'",
        )),
        other => Ok(other),
    }
}

fn payment_id(raw: &str) -> Result<PaymentId, Error> {
    PaymentId::parse(raw)
        .map_err(|_| Error::not_found(format!("Payment with id: {raw} was not found")))
}

fn one(p: &medusa_payment::Payment, fields: Option<&str>) -> HttpResponse {
    let mut v = payment::payment_json(p);
    payment::project(&mut v, fields, DEFAULT_FIELDS, &PAYMENT);
    response::one("payment", v)
}

/// List payments.
#[utoipa::path(
    get,
    path = "/admin/payments",
    tag = "Admin",
    params(AdminPaymentQuery),
    security(("secret_key" = [])),
    responses(
        (status = 200, description = "`{payments, count, offset, limit}`", body = Object),
        (status = 400, description = "Unknown or invalid query parameters", body = crate::openapi::ErrorBody)
    )
)]
#[get("/payments")]
pub async fn list(req: HttpRequest, state: State) -> ApiResult<HttpResponse> {
    let (params, q): (_, AdminPaymentQuery) = parse_list_query(req.query_string(), &LIST)?;
    let filter = PaymentFilter {
        ids: q.id,
        payment_session_ids: q.payment_session_id,
        q: q.q,
        created_at: q.created_at,
        updated_at: q.updated_at,
        order: params.order.clone(),
        offset: u64::from(params.offset),
        limit: u64::from(params.limit),
    };
    let (payments, count) = payment::service(&state)?.list_payments(&filter).await?;
    let items = payment::project_list(
        payments.iter().map(payment::payment_json).collect(),
        params.fields.as_deref(),
        DEFAULT_FIELDS,
        &PAYMENT,
    );
    Ok(response::list("payments", items, count, &params))
}

/// The payment providers this server has (`{payment_providers, count, offset, limit}`).
#[utoipa::path(
    get,
    path = "/admin/payments/payment-providers",
    tag = "Admin",
    params(ProviderQuery),
    security(("secret_key" = [])),
    responses((status = 200, description = "`{payment_providers, count, offset, limit}`", body = Object))
)]
#[get("/payments/payment-providers")]
pub async fn providers(req: HttpRequest, state: State) -> ApiResult<HttpResponse> {
    let (params, q): (_, ProviderQuery) = parse_list_query(req.query_string(), &PROVIDERS)?;
    let mut ids = payment::service(&state)?.provider_ids();
    if let Some(wanted) = &q.id {
        ids.retain(|i| wanted.contains(i));
    }
    // Every registered provider is enabled.
    if q.is_enabled == Some(false) {
        ids.clear();
    }
    if params
        .order
        .as_ref()
        .is_some_and(|o| o.direction == medusa_core::request::Direction::Desc)
    {
        ids.reverse();
    }
    let count = ids.len() as u64;
    // No `raw_*` keys here, so the payment projection is the plain one.
    let items = payment::project_list(
        ids.into_iter()
            .skip(params.offset as usize)
            .take(params.limit as usize)
            .map(|id| json!({"id": id, "is_enabled": true}))
            .collect(),
        params.fields.as_deref(),
        &["id", "is_enabled"],
        &medusa_core::fields::Shape::LEAF,
    );
    Ok(response::list("payment_providers", items, count, &params))
}

/// A payment with its captures and refunds.
#[utoipa::path(
    get,
    path = "/admin/payments/{id}",
    tag = "Admin",
    params(("id" = String, Path, description = "Payment id (`pay_...`)"), ("fields" = Option<String>, Query, description = "Medusa's `fields`")),
    security(("secret_key" = [])),
    responses(
        (status = 200, description = "`{payment}`", body = Object),
        (status = 404, description = "No such payment", body = crate::openapi::ErrorBody)
    )
)]
#[get("/payments/{id}")]
pub async fn retrieve(
    path: web::Path<String>,
    state: State,
    query: StrictQuery<RetrieveParams>,
) -> ApiResult<HttpResponse> {
    let id = payment_id(&path.into_inner())?;
    let p = payment::service(&state)?.retrieve_payment(&id).await?;
    Ok(one(&p, query.0.fields.as_deref()))
}

/// Capture (part of) a payment.
#[utoipa::path(
    post,
    path = "/admin/payments/{id}/capture",
    tag = "Admin",
    params(("id" = String, Path, description = "Payment id (`pay_...`)"), ("fields" = Option<String>, Query, description = "Medusa's `fields`")),
    request_body = CaptureBody,
    security(("secret_key" = [])),
    responses(
        (status = 200, description = "`{payment}`", body = Object),
        (status = 400, description = "Over the authorized amount, canceled, or invalid body", body = crate::openapi::ErrorBody),
        (status = 404, description = "No such payment", body = crate::openapi::ErrorBody)
    )
)]
#[post("/payments/{id}/capture")]
pub async fn capture(
    path: web::Path<String>,
    state: State,
    auth: Option<web::ReqData<AuthContext>>,
    query: StrictQuery<RetrieveParams>,
    body: StrictJson<CaptureBody>,
) -> ApiResult<HttpResponse> {
    let id = payment_id(&path.into_inner())?;
    let amount = positive(body.0.amount)?;
    let p = payment::service(&state)?
        .capture_payment(CapturePayment {
            payment_id: id,
            amount,
            created_by: auth.map(|a| a.actor_id.clone()),
        })
        .await?;
    // The order records the capture and its delayed capture is done: it never captures again.
    crate::capture::after_manual_capture(&state.registry, &p)
        .await
        .map_err(medusa_core::Error::internal)?;
    Ok(one(&p, query.0.fields.as_deref()))
}

/// Refund (part of) what was captured.
#[utoipa::path(
    post,
    path = "/admin/payments/{id}/refund",
    tag = "Admin",
    params(("id" = String, Path, description = "Payment id (`pay_...`)"), ("fields" = Option<String>, Query, description = "Medusa's `fields`")),
    request_body = RefundBody,
    security(("secret_key" = [])),
    responses(
        (status = 200, description = "`{payment}`", body = Object),
        (status = 400, description = "More than captured, or invalid body", body = crate::openapi::ErrorBody),
        (status = 404, description = "No such payment or refund reason", body = crate::openapi::ErrorBody)
    )
)]
#[post("/payments/{id}/refund")]
pub async fn refund(
    path: web::Path<String>,
    state: State,
    auth: Option<web::ReqData<AuthContext>>,
    query: StrictQuery<RetrieveParams>,
    body: StrictJson<RefundBody>,
) -> ApiResult<HttpResponse> {
    let id = payment_id(&path.into_inner())?;
    let b = body.0;
    let amount = positive(b.amount)?;
    let refund_reason_id = b
        .refund_reason_id
        .map(|r| {
            RefundReasonId::parse(&r)
                .map_err(|_| Error::not_found(format!("Refund reason {r} does not exist")))
        })
        .transpose()?;
    let p = payment::service(&state)?
        .refund_payment(RefundPayment {
            payment_id: id,
            amount,
            note: b.note,
            refund_reason_id,
            created_by: auth.map(|a| a.actor_id.clone()),
        })
        .await?;
    Ok(one(&p, query.0.fields.as_deref()))
}
