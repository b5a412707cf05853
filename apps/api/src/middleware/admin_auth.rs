//! The `/admin` guard, applied to the whole scope (OWASP API5): a request without valid
//! credentials gets Medusa's middleware answer, 401 `{"message": "Unauthorized"}`.
//!
//! Accepted credentials, in Medusa's order (`authenticate("user", ["api-key", "session",
//! "bearer"])`): `Authorization: Basic base64(sk_...:)` with a secret API key; the `connect.sid`
//! session cookie of a user; `Authorization: Bearer <jwt>` of a user. A user's credentials must
//! name an actor (`actor_type` "user", non-empty `actor_id`): a registration token or a customer's
//! token is refused.

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{HttpMessage, ResponseError};
use base64::Engine;
use medusa_api_key::ApiKeyService;

use crate::auth::{ActorType, AuthContext, Rule};
use crate::error::ApiError;
use crate::state::State;

pub async fn guard(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, actix_web::Error> {
    match authenticate(&req).await {
        Ok(Some(ctx)) => {
            req.extensions_mut().insert(ctx);
            next.call(req)
                .await
                .map(ServiceResponse::map_into_left_body)
        }
        Ok(None) => Ok(req
            .into_response(ApiError::Unauthenticated.error_response())
            .map_into_right_body()),
        Err(e) => Ok(req.into_response(e.error_response()).map_into_right_body()),
    }
}

/// `Basic base64("sk_...:")` -> the token.
fn basic_token(header: &str) -> Option<String> {
    let encoded = header
        .strip_prefix("Basic ")
        .or_else(|| header.strip_prefix("basic "))?;
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .ok()?;
    let text = String::from_utf8(decoded).ok()?;
    let token = text.split(':').next()?.trim();
    (!token.is_empty()).then(|| token.to_owned())
}

async fn authenticate(req: &ServiceRequest) -> Result<Option<AuthContext>, ApiError> {
    let Some(state) = req.app_data::<State>() else {
        return Ok(None);
    };
    if let Some(token) = req
        .headers()
        .get(actix_web::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(basic_token)
    {
        let keys = state
            .registry
            .get::<dyn ApiKeyService>()
            .map_err(|e| ApiError::Core(medusa_core::Error::internal(e)))?;
        if let Some(key) = keys.authenticate_secret(&token).await? {
            return Ok(Some(AuthContext {
                actor_id: key.id.to_string(),
                actor_type: ActorType::ApiKey,
                auth_identity_id: String::new(),
            }));
        }
    }
    Ok(
        crate::auth::authenticate(state, req.headers(), Rule::ADMIN_USER)
            .await?
            .as_ref()
            .and_then(AuthContext::from_claims),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basic_header_parsing() {
        let enc = base64::engine::general_purpose::STANDARD.encode("sk_abc:");
        assert_eq!(
            basic_token(&format!("Basic {enc}")).as_deref(),
            Some("sk_abc")
        );
        assert_eq!(basic_token("Bearer x"), None);
        assert_eq!(basic_token("Basic !!!"), None);
        let empty = base64::engine::general_purpose::STANDARD.encode(":");
        assert_eq!(basic_token(&format!("Basic {empty}")), None);
    }
}
