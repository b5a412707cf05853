//! `POST /auth/{actor_type}/{auth_provider}`: sign in as a user or a customer. Answers
//! `{token}`; the token names the actor the identity is linked to, or none (`actor_id` "") when
//! the identity has no actor of that type yet.

use actix_web::{HttpRequest, HttpResponse, post, web};
use medusa_auth::AuthService;
use medusa_core::Error;
use serde::Serialize;
use serde_json::Value;
use utoipa::{OpenApi, ToSchema};

use crate::auth::ActorType;
use crate::error::{ApiError, ApiResult};
use crate::extract::StrictJson;
use crate::state::State;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(authenticate);
}

#[derive(OpenApi)]
#[openapi(
    paths(authenticate),
    components(schemas(EmailPassCredentials, TokenResponse)),
    tags((name = "Auth", description = "Sign-in, registration, tokens and sessions"))
)]
pub struct Api;

/// The body the `emailpass` provider reads. Like Medusa, the whole body goes to the provider,
/// so other keys are ignored rather than refused.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct EmailPassCredentials {
    #[schema(example = "admin@example.com")]
    email: String,
    #[schema(example = "supersecret")]
    password: String,
}

/// `{token}`: an HS256 JWT with `actor_id`, `actor_type`, `auth_identity_id`, `app_metadata`,
/// `user_metadata`, `iat` and `exp` (one day).
#[derive(Debug, Serialize, ToSchema)]
pub struct TokenResponse {
    pub token: String,
}

/// The actor type of an `/auth/{actor_type}/...` path; any other is an unknown route.
pub(crate) fn actor_type(req: &HttpRequest, raw: &str) -> Result<ActorType, ApiError> {
    ActorType::parse_person(raw).ok_or_else(|| ApiError::RouteNotFound {
        method: req.method().to_string(),
        path: req.path().to_owned(),
    })
}

pub(crate) fn auth_service(state: &State) -> Result<std::sync::Arc<dyn AuthService>, ApiError> {
    state
        .registry
        .get::<dyn AuthService>()
        .map_err(|e| ApiError::Core(Error::internal(e)))
}

/// Sign in with a provider (`emailpass`: `{email, password}`).
#[utoipa::path(
    post,
    path = "/auth/{actor_type}/{auth_provider}",
    operation_id = "PostAuthActorTypeAuthProvider",
    tag = "Auth",
    params(
        ("actor_type" = String, Path, description = "`user` (admin) or `customer` (store)"),
        ("auth_provider" = String, Path, description = "`emailpass`"),
    ),
    request_body = EmailPassCredentials,
    responses(
        (status = 200, description = "Signed in", body = TokenResponse),
        (status = 401, description = "`Invalid email or password`, `Password should be a string`, `Email should be a string` or an unknown provider", body = crate::openapi::ErrorBody),
    )
)]
#[post("/{actor_type}/{auth_provider}")]
pub async fn authenticate(
    req: HttpRequest,
    path: web::Path<(String, String)>,
    state: State,
    body: StrictJson<Value>,
) -> ApiResult<HttpResponse> {
    let (actor, provider) = path.into_inner();
    let actor = actor_type(&req, &actor)?;
    let auth = auth_service(&state)?;
    let identity = auth.authenticate(&provider, &body.0).await?;
    let token = auth.issue_token(&identity, actor.as_str(), Some(&provider))?;
    Ok(HttpResponse::Ok().json(TokenResponse { token }))
}
