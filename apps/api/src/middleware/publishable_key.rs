//! The `/store` guard: every store request carries a valid `x-publishable-api-key`; its sales
//! channels are attached to the request for the handlers (`ReqData<PublishableKeyContext>`).

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{HttpMessage, ResponseError};
use medusa_api_key::ApiKeyService;
use medusa_core::Error;

use crate::error::ApiError;
use crate::state::State;

pub const HEADER: &str = "x-publishable-api-key";
pub const MISSING: &str = "Publishable API key required in the request header: x-publishable-api-key. You can manage your keys in settings in the dashboard.";
pub const INVALID: &str = "A valid publishable key is required to proceed with the request";

pub async fn guard(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, actix_web::Error> {
    match resolve(&req).await {
        Ok(ctx) => {
            req.extensions_mut().insert(ctx);
            next.call(req)
                .await
                .map(ServiceResponse::map_into_left_body)
        }
        Err(e) => Ok(req.into_response(e.error_response()).map_into_right_body()),
    }
}

async fn resolve(req: &ServiceRequest) -> Result<medusa_api_key::PublishableKeyContext, ApiError> {
    let token = req
        .headers()
        .get(HEADER)
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .ok_or_else(|| ApiError::Core(Error::not_allowed(MISSING)))?;
    let state = req
        .app_data::<State>()
        .ok_or_else(|| ApiError::Core(Error::internal(anyhow::anyhow!("app state missing"))))?;
    let keys = state
        .registry
        .get::<dyn ApiKeyService>()
        .map_err(|e| ApiError::Core(Error::internal(e)))?;
    let ctx = match state.caches.publishable_keys.get(&token.to_owned()) {
        Some(cached) => cached,
        None => {
            let fresh = keys.resolve_publishable(token).await?;
            state
                .caches
                .publishable_keys
                .insert(token.to_owned(), fresh.clone());
            fresh
        }
    };
    ctx.ok_or_else(|| ApiError::Core(Error::not_allowed(INVALID)))
}
