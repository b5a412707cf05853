//! `POST /auth/token/refresh`: a fresh token for the caller's identity. The new token names the
//! actor the identity is linked to now, so a registration token becomes a customer's token once
//! the customer exists.

use actix_web::{HttpRequest, HttpResponse, post, web};
use medusa_auth::AuthIdentityId;
use medusa_core::Error;
use utoipa::OpenApi;

use super::authenticate::{TokenResponse, auth_service};
use crate::auth::{Rule, SecuritySchemes, authenticate};
use crate::error::{ApiError, ApiResult};
use crate::state::State;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(refresh);
}

#[derive(OpenApi)]
#[openapi(paths(refresh), modifiers(&SecuritySchemes))]
pub struct Api;

/// `authenticate("*", ["session", "bearer"], {allowUnregistered: true})`.
const RULE: Rule = Rule {
    actor_type: None,
    session: true,
    bearer: true,
    allow_unregistered: true,
};

/// Refresh a token.
#[utoipa::path(
    post,
    path = "/auth/token/refresh",
    operation_id = "PostAuthTokenRefresh",
    tag = "Auth",
    security(("jwt_token" = []), ("cookie_auth" = [])),
    responses(
        (status = 200, description = "A new token", body = TokenResponse),
        (status = 401, description = "No valid token or session", body = crate::openapi::UnauthorizedBody),
        (status = 404, description = "The identity no longer exists", body = crate::openapi::ErrorBody),
    )
)]
#[post("/token/refresh")]
pub async fn refresh(req: HttpRequest, state: State) -> ApiResult<HttpResponse> {
    let claims = authenticate(&state, req.headers(), RULE)
        .await?
        .ok_or(ApiError::Unauthenticated)?;
    let id = AuthIdentityId::parse(&claims.auth_identity_id).map_err(|_| {
        Error::not_found(format!(
            "AuthIdentity with id: {} was not found",
            claims.auth_identity_id
        ))
    })?;
    let auth = auth_service(&state)?;
    let identity = auth.retrieve(&id).await?;
    let token = auth.issue_token(&identity, &claims.actor_type, None)?;
    Ok(HttpResponse::Ok().json(TokenResponse { token }))
}
