use actix_web::{HttpResponse, get, http::StatusCode};
use serde::Serialize;
use utoipa::ToSchema;

use crate::state::State;

/// Liveness, as Medusa: `200 OK` with a plain body.
#[utoipa::path(
    get,
    path = "/health",
    tag = "Health",
    responses((status = 200, description = "The process is up", body = String, content_type = "text/html"))
)]
#[get("/health")]
pub async fn health() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .body("OK")
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Readiness {
    /// `ok` when every configured dependency answered.
    pub status: &'static str,
    /// `ok`, or why the database did not answer.
    pub database: String,
    /// `ok`, `not configured`, or why Redis did not answer.
    pub redis: String,
}

/// Readiness: the database answers, and Redis too when `REDIS_URL` is set.
#[utoipa::path(
    get,
    path = "/health/ready",
    tag = "Health",
    responses(
        (status = 200, description = "Ready to serve", body = Readiness),
        (status = 503, description = "A dependency is down", body = Readiness)
    )
)]
#[get("/health/ready")]
pub async fn ready(state: State) -> HttpResponse {
    let database = match medusa_db::ping(&state.db).await {
        Ok(()) => "ok".to_owned(),
        Err(e) => {
            tracing::warn!(error = %e, "readiness: database unreachable");
            "unreachable".to_owned()
        }
    };
    let redis = match &state.redis {
        None => "not configured".to_owned(),
        Some(r) => match r.ping().await {
            Ok(()) => "ok".to_owned(),
            Err(e) => {
                tracing::warn!(error = %e, "readiness: redis unreachable");
                "unreachable".to_owned()
            }
        },
    };
    let ok = database == "ok" && (redis == "ok" || redis == "not configured");
    let status = if ok {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    HttpResponse::build(status).json(Readiness {
        status: if ok { "ok" } else { "unavailable" },
        database,
        redis,
    })
}
