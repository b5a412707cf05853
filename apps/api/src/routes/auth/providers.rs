//! `GET /auth/{actor_type}/providers`: the providers an actor type may sign in with (the admin
//! dashboard asks before showing its login form).

use actix_web::{HttpRequest, HttpResponse, get, web};
use serde::Serialize;
use utoipa::{OpenApi, ToSchema};

use super::authenticate::{actor_type, auth_service};
use crate::error::ApiResult;
use crate::state::State;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(list);
}

#[derive(OpenApi)]
#[openapi(paths(list), components(schemas(ProvidersResponse, AuthProvider)))]
pub struct Api;

#[derive(Serialize, ToSchema)]
pub struct AuthProvider {
    #[schema(example = "emailpass")]
    id: String,
    #[schema(example = "emailpass")]
    identifier: String,
    #[schema(example = "Email/Password Authentication")]
    display_name: String,
    /// `credentials` (a form) or `redirect`.
    #[schema(example = "credentials")]
    flow: String,
}

#[derive(Serialize, ToSchema)]
pub struct ProvidersResponse {
    providers: Vec<AuthProvider>,
}

/// List the auth providers of an actor type.
#[utoipa::path(
    get,
    path = "/auth/{actor_type}/providers",
    operation_id = "GetAuthActorTypeProviders",
    tag = "Auth",
    params(("actor_type" = String, Path, description = "`user` or `customer`")),
    responses((status = 200, description = "`{providers}`", body = ProvidersResponse))
)]
#[get("/{actor_type}/providers")]
pub async fn list(
    req: HttpRequest,
    path: web::Path<String>,
    state: State,
) -> ApiResult<HttpResponse> {
    actor_type(&req, &path.into_inner())?;
    let providers = auth_service(&state)?
        .providers()
        .into_iter()
        .map(|p| AuthProvider {
            id: p.id.to_owned(),
            identifier: p.identifier.to_owned(),
            display_name: p.display_name.to_owned(),
            flow: p.flow.to_owned(),
        })
        .collect();
    Ok(HttpResponse::Ok().json(ProvidersResponse { providers }))
}
