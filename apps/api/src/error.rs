//! The one place where errors become HTTP responses.
//!
//! Every [`ErrorType`] is matched by name (no catch-all), so a new type forces a decision here.
//! Bodies follow Medusa: `{"type", "message", "code"?}`; the auth middleware's 401 is only
//! `{"message": "Unauthorized"}`; anything unexpected is an opaque 500 whose cause is logged.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use medusa_core::error::{ErrorType, codes};
use serde::Serialize;

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error(transparent)]
    Core(medusa_core::Error),
    /// What Medusa's `authenticate` middleware answers: 401 `{"message": "Unauthorized"}`.
    #[error("Unauthorized")]
    Unauthenticated,
    /// A body over `JSON_BODY_LIMIT`.
    #[error("request body larger than {0} bytes")]
    PayloadTooLarge(usize),
    /// No route matched.
    #[error("route not found")]
    RouteNotFound { method: String, path: String },
}

pub type ApiResult<T> = Result<T, ApiError>;

/// Any module error (they all convert into `medusa_core::Error`) works with `?` in handlers.
impl<E: Into<medusa_core::Error>> From<E> for ApiError {
    fn from(e: E) -> Self {
        ApiError::Core(e.into())
    }
}

#[derive(Serialize)]
struct Body<'a> {
    r#type: &'a str,
    message: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    code: Option<&'a str>,
}

/// Status, type, message and code of a client-facing error, per Medusa's error handler.
fn medusa_parts(
    kind: ErrorType,
    message: &str,
) -> (StatusCode, &'static str, String, Option<&'static str>) {
    match kind {
        ErrorType::NotFound => (StatusCode::NOT_FOUND, kind.as_str(), message.to_owned(), None),
        ErrorType::InvalidData => (StatusCode::BAD_REQUEST, kind.as_str(), message.to_owned(), None),
        ErrorType::NotAllowed => (StatusCode::BAD_REQUEST, kind.as_str(), message.to_owned(), None),
        ErrorType::Unauthorized => (StatusCode::UNAUTHORIZED, kind.as_str(), message.to_owned(), None),
        ErrorType::Forbidden => (StatusCode::FORBIDDEN, kind.as_str(), message.to_owned(), None),
        ErrorType::DuplicateError => (
            StatusCode::UNPROCESSABLE_ENTITY,
            kind.as_str(),
            message.to_owned(),
            Some(codes::INVALID_REQUEST_ERROR),
        ),
        // Medusa replaces conflict messages with a generic one.
        ErrorType::Conflict => (
            StatusCode::CONFLICT,
            kind.as_str(),
            "The request conflicted with another request. You may retry the request with the provided Idempotency-Key.".to_owned(),
            Some(codes::INVALID_STATE_ERROR),
        ),
        ErrorType::PaymentAuthorizationError => {
            (StatusCode::UNPROCESSABLE_ENTITY, kind.as_str(), message.to_owned(), None)
        }
        ErrorType::PaymentRequiresMoreError => {
            (StatusCode::UNPROCESSABLE_ENTITY, kind.as_str(), message.to_owned(), None)
        }
        ErrorType::UnexpectedState => {
            (StatusCode::INTERNAL_SERVER_ERROR, kind.as_str(), message.to_owned(), None)
        }
        ErrorType::InvalidArgument => {
            (StatusCode::INTERNAL_SERVER_ERROR, kind.as_str(), message.to_owned(), None)
        }
        ErrorType::DatabaseError => (
            StatusCode::INTERNAL_SERVER_ERROR,
            kind.as_str(),
            "An unknown error occurred.".to_owned(),
            Some(codes::API_ERROR),
        ),
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            ApiError::Core(medusa_core::Error::Medusa { kind, message, .. }) => {
                medusa_parts(*kind, message).0
            }
            ApiError::Core(medusa_core::Error::Internal(_)) => StatusCode::INTERNAL_SERVER_ERROR,
            ApiError::Unauthenticated => StatusCode::UNAUTHORIZED,
            ApiError::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::RouteNotFound { .. } => StatusCode::NOT_FOUND,
        }
    }

    fn error_response(&self) -> HttpResponse {
        match self {
            ApiError::Core(medusa_core::Error::Medusa {
                kind,
                message,
                code,
            }) => {
                let (status, ty, message, default_code) = medusa_parts(*kind, message);
                if status.is_server_error() {
                    tracing::error!(error.type = ty, error.message = %message, "request failed");
                }
                HttpResponse::build(status).json(Body {
                    r#type: ty,
                    message: &message,
                    code: code.or(default_code),
                })
            }
            ApiError::Core(medusa_core::Error::Internal(cause)) => {
                // The cause chain goes to the log, never to the client.
                tracing::error!(error.cause = format!("{cause:#}"), "unexpected error");
                HttpResponse::InternalServerError().json(Body {
                    r#type: "unknown_error",
                    message: "An unknown error occurred.",
                    code: Some(codes::UNKNOWN_ERROR),
                })
            }
            ApiError::Unauthenticated => {
                HttpResponse::Unauthorized().json(serde_json::json!({"message": "Unauthorized"}))
            }
            ApiError::PayloadTooLarge(limit) => HttpResponse::PayloadTooLarge().json(Body {
                r#type: "invalid_data",
                message: &format!("The request body is larger than the limit of {limit} bytes."),
                code: None,
            }),
            ApiError::RouteNotFound { method, path } => HttpResponse::NotFound().json(Body {
                r#type: "not_found",
                message: &format!("Cannot {method} {path}"),
                code: None,
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::body::to_bytes;
    use medusa_core::Error;

    async fn render(e: ApiError) -> (u16, serde_json::Value) {
        let resp = e.error_response();
        let status = resp.status().as_u16();
        let body = to_bytes(resp.into_body()).await.unwrap();
        (status, serde_json::from_slice(&body).unwrap())
    }

    #[actix_web::test]
    async fn every_error_type_has_medusas_status_and_body() {
        use serde_json::json;
        let cases: Vec<(Error, u16, serde_json::Value)> = vec![
            (
                Error::not_found("Cart with id 'x' not found"),
                404,
                json!({"type": "not_found", "message": "Cart with id 'x' not found"}),
            ),
            (
                Error::invalid_data("Invalid request: Field 'a' is required"),
                400,
                json!({"type": "invalid_data", "message": "Invalid request: Field 'a' is required"}),
            ),
            (
                Error::not_allowed("nope").with_code(codes::INSUFFICIENT_INVENTORY),
                400,
                json!({"type": "not_allowed", "message": "nope", "code": "insufficient_inventory"}),
            ),
            (
                Error::unauthorized("Invalid email or password"),
                401,
                json!({"type": "unauthorized", "message": "Invalid email or password"}),
            ),
            (
                Error::forbidden("no"),
                403,
                json!({"type": "forbidden", "message": "no"}),
            ),
            (
                Error::duplicate("Table with key value already exists."),
                422,
                json!({"type": "duplicate_error", "message": "Table with key value already exists.", "code": "invalid_request_error"}),
            ),
            (
                Error::conflict("anything"),
                409,
                json!({"type": "conflict", "message": "The request conflicted with another request. You may retry the request with the provided Idempotency-Key.", "code": "invalid_state_error"}),
            ),
            (
                Error::new(
                    ErrorType::PaymentAuthorizationError,
                    "Payment authorization failed",
                ),
                422,
                json!({"type": "payment_authorization_error", "message": "Payment authorization failed"}),
            ),
            (
                Error::new(ErrorType::PaymentRequiresMoreError, "more"),
                422,
                json!({"type": "payment_requires_more_error", "message": "more"}),
            ),
            (
                Error::unexpected_state("bad state"),
                500,
                json!({"type": "unexpected_state", "message": "bad state"}),
            ),
            (
                Error::new(ErrorType::InvalidArgument, "arg"),
                500,
                json!({"type": "invalid_argument", "message": "arg"}),
            ),
            (
                Error::new(ErrorType::DatabaseError, "relation x does not exist"),
                500,
                json!({"type": "database_error", "message": "An unknown error occurred.", "code": "api_error"}),
            ),
            (
                Error::internal(anyhow::anyhow!("password=hunter2 connection refused")),
                500,
                json!({"type": "unknown_error", "message": "An unknown error occurred.", "code": "unknown_error"}),
            ),
        ];
        for (err, status, body) in cases {
            assert_eq!(render(ApiError::Core(err)).await, (status, body));
        }
    }

    #[actix_web::test]
    async fn auth_middleware_401_is_message_only() {
        assert_eq!(
            render(ApiError::Unauthenticated).await,
            (401, serde_json::json!({"message": "Unauthorized"}))
        );
    }
}
