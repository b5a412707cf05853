//! `POST /auth/{actor_type}/{auth_provider}/register`: create an identity. Answers `{token}`, a
//! registration token (`actor_id` ""), with which the client then creates its customer.

use actix_web::{HttpRequest, HttpResponse, post, web};
use serde_json::Value;
use utoipa::OpenApi;

use super::authenticate::{EmailPassCredentials, TokenResponse, actor_type, auth_service};
use crate::error::ApiResult;
use crate::extract::StrictJson;
use crate::state::State;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(register);
}

#[derive(OpenApi)]
#[openapi(paths(register))]
pub struct Api;

/// Register an identity with a provider (`emailpass`: `{email, password}`).
#[utoipa::path(
    post,
    path = "/auth/{actor_type}/{auth_provider}/register",
    operation_id = "PostAuthActorTypeAuthProviderRegister",
    tag = "Auth",
    params(
        ("actor_type" = String, Path, description = "`user` or `customer`"),
        ("auth_provider" = String, Path, description = "`emailpass`"),
    ),
    request_body = EmailPassCredentials,
    responses(
        (status = 200, description = "Registered", body = TokenResponse),
        (status = 401, description = "`Identity with email already exists`, or invalid input", body = crate::openapi::ErrorBody),
    )
)]
#[post("/{actor_type}/{auth_provider}/register")]
pub async fn register(
    req: HttpRequest,
    path: web::Path<(String, String)>,
    state: State,
    body: StrictJson<Value>,
) -> ApiResult<HttpResponse> {
    let (actor, provider) = path.into_inner();
    let actor = actor_type(&req, &actor)?;
    let auth = auth_service(&state)?;
    let identity = auth.register(&provider, &body.0).await?;
    let token = auth.issue_token(&identity, actor.as_str(), Some(&provider))?;
    Ok(HttpResponse::Ok().json(TokenResponse { token }))
}
