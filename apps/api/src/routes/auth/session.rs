//! `POST /auth/session` turns a bearer token into a `connect.sid` session cookie;
//! `DELETE /auth/session` ends the session. Sessions are rows in the database, so any api
//! process honours a cookie another one set.
//!
//! The cookie is `HttpOnly; Path=/` and lasts ten hours, as Medusa's. Medusa adds
//! `Secure; SameSite=None` in production; here they are added when the request arrived over
//! HTTPS (directly or per `X-Forwarded-Proto`/`Forwarded`), which is what production means.

use actix_web::http::header::SET_COOKIE;
use actix_web::{HttpRequest, HttpResponse, delete, post, web};
use chrono::{DateTime, Utc};
use medusa_auth::{Claims, SESSION_COOKIE};
use serde::Serialize;
use serde_json::{Map, Value};
use utoipa::{OpenApi, ToSchema};

use super::authenticate::auth_service;
use crate::auth::{Rule, SecuritySchemes, authenticate, session_cookie};
use crate::error::{ApiError, ApiResult};
use crate::state::State;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(create).service(destroy);
}

#[derive(OpenApi)]
#[openapi(
    paths(create, destroy),
    components(schemas(SessionResponse, SessionUser, DeletedSession)),
    modifiers(&SecuritySchemes)
)]
pub struct Api;

/// The token's claims, as stored in the session (Medusa's `auth_context`).
#[derive(Serialize, ToSchema)]
pub struct SessionUser {
    actor_id: String,
    #[schema(example = "user")]
    actor_type: String,
    auth_identity_id: String,
    app_metadata: Map<String, Value>,
    user_metadata: Map<String, Value>,
    iat: i64,
    exp: i64,
}

#[derive(Serialize, ToSchema)]
pub struct SessionResponse {
    user: SessionUser,
}

#[derive(Serialize, ToSchema)]
pub struct DeletedSession {
    success: bool,
}

impl From<Claims> for SessionUser {
    fn from(c: Claims) -> Self {
        SessionUser {
            actor_id: c.actor_id,
            actor_type: c.actor_type,
            auth_identity_id: c.auth_identity_id,
            app_metadata: c.app_metadata,
            user_metadata: c.user_metadata,
            iat: c.iat,
            exp: c.exp,
        }
    }
}

/// `Expires` as cookies write it (RFC 7231 date).
fn http_date(t: DateTime<Utc>) -> String {
    t.format("%a, %d %b %Y %H:%M:%S GMT").to_string()
}

fn cookie(req: &HttpRequest, value: &str, expires: DateTime<Utc>) -> String {
    let mut c = format!(
        "{SESSION_COOKIE}={value}; Path=/; Expires={}; HttpOnly",
        http_date(expires)
    );
    if req.connection_info().scheme() == "https" {
        c.push_str("; Secure; SameSite=None");
    }
    c
}

/// Create a session from a bearer token.
#[utoipa::path(
    post,
    path = "/auth/session",
    operation_id = "PostAuthSession",
    tag = "Auth",
    security(("jwt_token" = [])),
    responses(
        (status = 200, description = "`{user}`, with a `connect.sid` cookie", body = SessionResponse),
        (status = 401, description = "No valid bearer token", body = crate::openapi::UnauthorizedBody),
    )
)]
#[post("/session")]
pub async fn create(req: HttpRequest, state: State) -> ApiResult<HttpResponse> {
    // `authenticate("*", "bearer", {allowUnregistered: true})`.
    let rule = Rule {
        actor_type: None,
        session: false,
        bearer: true,
        allow_unregistered: true,
    };
    let claims = authenticate(&state, req.headers(), rule)
        .await?
        .ok_or(ApiError::Unauthenticated)?;
    let session = auth_service(&state)?.create_session(&claims).await?;
    Ok(HttpResponse::Ok()
        .insert_header((
            SET_COOKIE,
            cookie(&req, &session.cookie_value, session.expires_at),
        ))
        .json(SessionResponse {
            user: claims.into(),
        }))
}

/// End the current session.
#[utoipa::path(
    delete,
    path = "/auth/session",
    operation_id = "DeleteAuthSession",
    tag = "Auth",
    security(("cookie_auth" = [])),
    responses(
        (status = 200, description = "`{success: true}`; the cookie is cleared", body = DeletedSession),
        (status = 401, description = "No valid session", body = crate::openapi::UnauthorizedBody),
    )
)]
#[delete("/session")]
pub async fn destroy(req: HttpRequest, state: State) -> ApiResult<HttpResponse> {
    // `authenticate("*", ["session"], {allowUnregistered: true})`.
    let rule = Rule {
        actor_type: None,
        session: true,
        bearer: false,
        allow_unregistered: true,
    };
    authenticate(&state, req.headers(), rule)
        .await?
        .ok_or(ApiError::Unauthenticated)?;
    if let Some(value) = session_cookie(req.headers()) {
        auth_service(&state)?.destroy_session(value).await?;
    }
    // Medusa leaves the dead cookie in the browser; clearing it is harmless and tidier.
    let epoch = DateTime::<Utc>::UNIX_EPOCH;
    Ok(HttpResponse::Ok()
        .insert_header((SET_COOKIE, cookie(&req, "", epoch)))
        .json(DeletedSession { success: true }))
}
