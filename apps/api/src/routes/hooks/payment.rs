//! `POST /hooks/payment/:provider`: payment provider webhooks (Medusa's route). Only
//! `stripe_stripe` (`pp_stripe_stripe`) has webhooks; the flow is in `crate::stripe`.
//!
//! The body is taken as raw bytes: the signature covers the exact bytes Stripe sent, so nothing
//! may parse (and re-serialise) it before it is verified.

use actix_web::{HttpRequest, HttpResponse, post, web};
use medusa_core::Error;
use utoipa::OpenApi;

use crate::error::ApiResult;
use crate::state::State;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(webhook);
}

#[derive(OpenApi)]
#[openapi(paths(webhook))]
pub struct Api;

/// Receive a payment provider's webhook (Stripe: signed with `Stripe-Signature`).
#[utoipa::path(
    post,
    path = "/hooks/payment/{provider}",
    tag = "Hooks",
    params(
        ("provider" = String, Path, description = "The provider without its `pp_` prefix: `stripe_stripe`"),
        ("Stripe-Signature" = String, Header, description = "`t=<unix time>,v1=<hex HMAC-SHA256>`")
    ),
    request_body(content = String, content_type = "application/json", description = "The provider's event, verified byte for byte"),
    responses(
        (status = 200, description = "Received (handled, a replay, or an event type that is not acted on)"),
        (status = 400, description = "Missing, invalid or stale signature; nothing was changed", body = crate::openapi::ErrorBody),
        (status = 404, description = "The provider is not configured or has no webhooks", body = crate::openapi::ErrorBody)
    )
)]
#[post("/payment/{provider}")]
pub async fn webhook(
    path: web::Path<String>,
    req: HttpRequest,
    body: web::Bytes,
    state: State,
) -> ApiResult<HttpResponse> {
    let provider = path.into_inner();
    if provider != "stripe_stripe" {
        return Err(Error::not_found(format!(
            "Payment provider pp_{provider} is not configured or does not receive webhooks"
        ))
        .into());
    }
    let signature = req
        .headers()
        .get("stripe-signature")
        .and_then(|v| v.to_str().ok());
    crate::stripe::handle_webhook(&state, &body, signature).await?;
    Ok(HttpResponse::Ok().json(serde_json::json!({ "received": true })))
}
