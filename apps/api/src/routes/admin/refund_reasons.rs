//! `/admin/refund-reasons`: list, create, retrieve, update, delete.

use actix_web::{HttpRequest, HttpResponse, delete, get, post, web};
use chrono::{DateTime, Utc};
use medusa_core::Error;
use medusa_core::request::{Comparison, ListConfig, RetrieveParams, one_or_many, parse_list_query};
use medusa_payment::{CreateRefundReason, RefundReason, RefundReasonFilter, UpdateRefundReason};
use serde::Deserialize;
use serde_json::Value;
use utoipa::{IntoParams, OpenApi, ToSchema};

use crate::error::ApiResult;
use crate::extract::{StrictJson, StrictQuery};
use crate::payment::{self, REFUND_REASON};
use crate::response;
use crate::routes::admin::regions::nullable;
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
    components(schemas(CreateRefundReasonBody, UpdateRefundReasonBody))
)]
pub struct Api;

/// Medusa's `defaultAdminRefundReasonFields`.
const DEFAULT_FIELDS: &[&str] = &[
    "id",
    "label",
    "code",
    "description",
    "created_at",
    "updated_at",
    "deleted_at",
];

/// Medusa's `AdminGetRefundReasonsParams` page (limit 15).
const LIST: ListConfig = ListConfig {
    default_limit: 15,
    orderable: &["id", "label", "code", "created_at", "updated_at"],
};

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RefundReasonQuery {
    /// Case-insensitive search in the label, code and description.
    pub q: Option<String>,
    #[serde(default, deserialize_with = "one_or_many")]
    #[param(value_type = Option<Vec<String>>)]
    pub id: Option<Vec<String>>,
    #[param(value_type = Option<Object>, style = DeepObject)]
    pub created_at: Option<Comparison<DateTime<Utc>>>,
    #[param(value_type = Option<Object>, style = DeepObject)]
    pub updated_at: Option<Comparison<DateTime<Utc>>>,
    /// Accepted as Medusa does; deleted reasons are never listed.
    #[param(value_type = Option<Object>, style = DeepObject)]
    pub deleted_at: Option<Comparison<DateTime<Utc>>>,
    pub limit: Option<u32>,
    pub offset: Option<u32>,
    pub order: Option<String>,
    pub fields: Option<String>,
}

/// `POST /admin/refund-reasons` (Medusa's `AdminCreatePaymentRefundReason`).
#[derive(Debug, Deserialize, ToSchema)]
pub struct CreateRefundReasonBody {
    pub label: String,
    pub code: String,
    pub description: Option<String>,
}

/// `POST /admin/refund-reasons/:id` (Medusa's `AdminUpdatePaymentRefundReason`).
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct UpdateRefundReasonBody {
    pub label: Option<String>,
    pub code: Option<String>,
    /// A string, or `null` to clear.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub description: Option<Option<String>>,
}

fn render(reasons: &[RefundReason], fields: Option<&str>) -> Vec<Value> {
    payment::project_list(
        reasons.iter().map(payment::refund_reason_json).collect(),
        fields,
        DEFAULT_FIELDS,
        &REFUND_REASON,
    )
}

fn one(r: &RefundReason, fields: Option<&str>) -> HttpResponse {
    let mut items = render(std::slice::from_ref(r), fields);
    response::one("refund_reason", items.pop().unwrap_or(Value::Null))
}

fn not_blank(field: &str, v: &str) -> Result<(), Error> {
    if v.trim().is_empty() {
        return Err(Error::invalid_data(format!(
            "Invalid request: Value for field '{field}' too small, expected at least: '1'"
        )));
    }
    Ok(())
}

/// List refund reasons.
#[utoipa::path(
    get,
    path = "/admin/refund-reasons",
    tag = "Admin",
    params(RefundReasonQuery),
    security(("secret_key" = [])),
    responses(
        (status = 200, description = "`{refund_reasons, count, offset, limit}`", body = Object),
        (status = 400, description = "Unknown or invalid query parameters", body = crate::openapi::ErrorBody)
    )
)]
#[get("/refund-reasons")]
pub async fn list(req: HttpRequest, state: State) -> ApiResult<HttpResponse> {
    let (params, q): (_, RefundReasonQuery) = parse_list_query(req.query_string(), &LIST)?;
    let filter = RefundReasonFilter {
        ids: q.id,
        q: q.q,
        created_at: q.created_at,
        updated_at: q.updated_at,
        order: params.order.clone(),
        offset: u64::from(params.offset),
        limit: u64::from(params.limit),
    };
    let (reasons, count) = payment::service(&state)?
        .list_refund_reasons(&filter)
        .await?;
    let items = render(&reasons, params.fields.as_deref());
    Ok(response::list("refund_reasons", items, count, &params))
}

/// Create a refund reason.
#[utoipa::path(
    post,
    path = "/admin/refund-reasons",
    tag = "Admin",
    params(("fields" = Option<String>, Query, description = "Medusa's `fields`")),
    request_body = CreateRefundReasonBody,
    security(("secret_key" = [])),
    responses(
        (status = 200, description = "`{refund_reason}`", body = Object),
        (status = 400, description = "Invalid body", body = crate::openapi::ErrorBody)
    )
)]
#[post("/refund-reasons")]
pub async fn create(
    state: State,
    query: StrictQuery<RetrieveParams>,
    body: StrictJson<CreateRefundReasonBody>,
) -> ApiResult<HttpResponse> {
    let b = body.0;
    not_blank("label", &b.label)?;
    not_blank("code", &b.code)?;
    let r = payment::service(&state)?
        .create_refund_reason(CreateRefundReason {
            label: b.label,
            code: b.code,
            description: b.description,
            metadata: None,
        })
        .await?;
    Ok(one(&r, query.0.fields.as_deref()))
}

/// A refund reason.
#[utoipa::path(
    get,
    path = "/admin/refund-reasons/{id}",
    tag = "Admin",
    params(("id" = String, Path, description = "Refund reason id (`refr_...`)"), ("fields" = Option<String>, Query, description = "Medusa's `fields`")),
    security(("secret_key" = [])),
    responses(
        (status = 200, description = "`{refund_reason}`", body = Object),
        (status = 404, description = "No such refund reason", body = crate::openapi::ErrorBody)
    )
)]
#[get("/refund-reasons/{id}")]
pub async fn retrieve(
    path: web::Path<String>,
    state: State,
    query: StrictQuery<RetrieveParams>,
) -> ApiResult<HttpResponse> {
    let r = payment::service(&state)?
        .retrieve_refund_reason(&path.into_inner())
        .await?;
    Ok(one(&r, query.0.fields.as_deref()))
}

/// Update a refund reason.
#[utoipa::path(
    post,
    path = "/admin/refund-reasons/{id}",
    tag = "Admin",
    params(("id" = String, Path, description = "Refund reason id (`refr_...`)"), ("fields" = Option<String>, Query, description = "Medusa's `fields`")),
    request_body = UpdateRefundReasonBody,
    security(("secret_key" = [])),
    responses(
        (status = 200, description = "`{refund_reason}`", body = Object),
        (status = 400, description = "Invalid body", body = crate::openapi::ErrorBody),
        (status = 404, description = "No such refund reason", body = crate::openapi::ErrorBody)
    )
)]
#[post("/refund-reasons/{id}")]
pub async fn update(
    path: web::Path<String>,
    state: State,
    query: StrictQuery<RetrieveParams>,
    body: StrictJson<UpdateRefundReasonBody>,
) -> ApiResult<HttpResponse> {
    let b = body.0;
    if let Some(l) = &b.label {
        not_blank("label", l)?;
    }
    if let Some(c) = &b.code {
        not_blank("code", c)?;
    }
    let r = payment::service(&state)?
        .update_refund_reason(
            &path.into_inner(),
            UpdateRefundReason {
                label: b.label,
                code: b.code,
                description: b.description,
                metadata: None,
            },
        )
        .await?;
    Ok(one(&r, query.0.fields.as_deref()))
}

/// Delete a refund reason (refunds keep showing it).
#[utoipa::path(
    delete,
    path = "/admin/refund-reasons/{id}",
    tag = "Admin",
    params(("id" = String, Path, description = "Refund reason id (`refr_...`)")),
    security(("secret_key" = [])),
    responses((status = 200, description = "`{id, object: \"refund_reason\", deleted: true}` (also for an unknown id, as Medusa)", body = Object))
)]
#[delete("/refund-reasons/{id}")]
pub async fn remove(
    path: web::Path<String>,
    state: State,
    _query: StrictQuery<crate::routes::admin::regions::NoQuery>,
) -> ApiResult<HttpResponse> {
    let raw = path.into_inner();
    payment::service(&state)?.delete_refund_reason(&raw).await?;
    Ok(response::deleted(&raw, "refund_reason", None))
}
