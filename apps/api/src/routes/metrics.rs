//! `GET /metrics`: Prometheus text exposition (format 0.0.4), written by hand.
//!
//! Off unless `METRICS_TOKEN` is set (404, like any unknown route); then a request needs
//! `Authorization: Bearer <METRICS_TOKEN>` (401 otherwise). Outside the OpenAPI document on
//! purpose: it is for operators, not Medusa clients.
//!
//! * `medusa_capture_jobs{status}` and `medusa_capture_jobs_expiring_authorization` are gauges
//!   read from the database at scrape time, so every api process reports the whole cluster's
//!   jobs (whichever worker ran them).
//! * `medusa_capture_failures_total` and `medusa_capture_expiry_flags_total` count what *this*
//!   process did since it started (its job loop with `WORKER_MODE=shared`); the `medusa-worker`
//!   binary serves no HTTP, so alert on the `failed` gauge, which covers every process.

use std::fmt::Write;

use actix_web::{HttpRequest, HttpResponse, get, http::header};
use secrecy::ExposeSecret;

use crate::error::ApiError;
use crate::state::State;

/// The exposition format's content type.
pub const CONTENT_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";

#[get("/metrics")]
pub async fn metrics(state: State, req: HttpRequest) -> Result<HttpResponse, ApiError> {
    let Some(token) = state.config.metrics_token.as_ref() else {
        return Err(ApiError::RouteNotFound {
            method: req.method().to_string(),
            path: req.path().to_owned(),
        });
    };
    let presented = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or("");
    if !constant_time_eq(presented.as_bytes(), token.expose_secret().as_bytes()) {
        return Ok(HttpResponse::Unauthorized()
            .insert_header((header::WWW_AUTHENTICATE, "Bearer"))
            .content_type("text/plain; charset=utf-8")
            .body("Unauthorized"));
    }
    let counts = match medusa_order::capture_job_counts(&state.db).await {
        Ok(c) => c,
        Err(e) => {
            tracing::error!(error = %e, "metrics: could not count capture jobs");
            return Ok(HttpResponse::ServiceUnavailable()
                .content_type("text/plain; charset=utf-8")
                .body("database unavailable"));
        }
    };
    Ok(HttpResponse::Ok().content_type(CONTENT_TYPE).body(render(
        &counts,
        crate::capture::failed_captures(),
        crate::capture::expiring_authorizations(),
    )))
}

/// The exposition text.
pub fn render(counts: &medusa_order::CaptureJobCounts, failures: u64, flags: u64) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# HELP medusa_capture_jobs Delayed-capture jobs by status, cluster-wide (from the database)."
    );
    let _ = writeln!(out, "# TYPE medusa_capture_jobs gauge");
    for (status, n) in counts.by_status() {
        let _ = writeln!(
            out,
            "medusa_capture_jobs{{status=\"{}\"}} {n}",
            status.as_str()
        );
    }
    let _ = writeln!(
        out,
        "# HELP medusa_capture_jobs_expiring_authorization Open capture jobs flagged because their payment authorization expires within a day."
    );
    let _ = writeln!(
        out,
        "# TYPE medusa_capture_jobs_expiring_authorization gauge"
    );
    let _ = writeln!(
        out,
        "medusa_capture_jobs_expiring_authorization {}",
        counts.expiring_authorization
    );
    let _ = writeln!(
        out,
        "# HELP medusa_capture_failures_total Capture jobs this process marked failed after their last attempt."
    );
    let _ = writeln!(out, "# TYPE medusa_capture_failures_total counter");
    let _ = writeln!(out, "medusa_capture_failures_total {failures}");
    let _ = writeln!(
        out,
        "# HELP medusa_capture_expiry_flags_total Capture jobs this process flagged for an expiring authorization."
    );
    let _ = writeln!(out, "# TYPE medusa_capture_expiry_flags_total counter");
    let _ = writeln!(out, "medusa_capture_expiry_flags_total {flags}");
    out
}

/// Compares without an early exit, so the time taken does not tell how much of a guess matched.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    let mut diff = a.len() ^ b.len();
    for (i, x) in a.iter().enumerate() {
        diff |= usize::from(x ^ b.get(i % b.len().max(1)).copied().unwrap_or(0));
    }
    diff == 0
}

#[cfg(test)]
mod tests {
    use super::constant_time_eq;

    #[test]
    fn token_comparison() {
        assert!(constant_time_eq(b"s3cret", b"s3cret"));
        assert!(!constant_time_eq(b"s3cre", b"s3cret"));
        assert!(!constant_time_eq(b"s3cret!", b"s3cret"));
        assert!(!constant_time_eq(b"s3creT", b"s3cret"));
        assert!(!constant_time_eq(b"", b"s3cret"));
        assert!(!constant_time_eq(b"x", b""));
    }
}
