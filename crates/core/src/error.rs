//! Medusa's error model.
//!
//! Every module error converts into [`Error`]; the api maps an [`Error`] to a status and body in
//! one function (`apps/api/src/error.rs`). The body is `{"type", "message", "code"?}`; anything
//! unexpected becomes an opaque 500 whose cause goes to the log only.

use std::fmt;

/// `MedusaError.Types`: the `type` field of an error body.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorType {
    NotFound,
    InvalidData,
    NotAllowed,
    Unauthorized,
    Forbidden,
    DuplicateError,
    Conflict,
    PaymentAuthorizationError,
    PaymentRequiresMoreError,
    UnexpectedState,
    InvalidArgument,
    DatabaseError,
}

impl ErrorType {
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorType::NotFound => "not_found",
            ErrorType::InvalidData => "invalid_data",
            ErrorType::NotAllowed => "not_allowed",
            ErrorType::Unauthorized => "unauthorized",
            ErrorType::Forbidden => "forbidden",
            ErrorType::DuplicateError => "duplicate_error",
            ErrorType::Conflict => "conflict",
            ErrorType::PaymentAuthorizationError => "payment_authorization_error",
            ErrorType::PaymentRequiresMoreError => "payment_requires_more_error",
            ErrorType::UnexpectedState => "unexpected_state",
            ErrorType::InvalidArgument => "invalid_argument",
            ErrorType::DatabaseError => "database_error",
        }
    }
}

impl fmt::Display for ErrorType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Medusa's `code` values (`MedusaError.Codes`).
pub mod codes {
    pub const INSUFFICIENT_INVENTORY: &str = "insufficient_inventory";
    pub const CART_INCOMPATIBLE_STATE: &str = "cart_incompatible_state";
    pub const INVALID_STATE_ERROR: &str = "invalid_state_error";
    pub const INVALID_REQUEST_ERROR: &str = "invalid_request_error";
    pub const API_ERROR: &str = "api_error";
    pub const UNKNOWN_ERROR: &str = "unknown_error";
}

/// An error a request can end in.
#[derive(thiserror::Error)]
pub enum Error {
    /// An expected failure with a message meant for the client.
    #[error("{kind}: {message}")]
    Medusa {
        kind: ErrorType,
        message: String,
        code: Option<&'static str>,
    },
    /// A failure the client cannot act on (database down, a bug). Its cause is logged; the
    /// client sees an opaque 500.
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Medusa {
                kind,
                message,
                code,
            } => write!(f, "{kind}: {message} (code {code:?})"),
            // `{:#}` prints the whole anyhow context chain.
            Error::Internal(e) => write!(f, "internal error: {e:#}"),
        }
    }
}

impl Error {
    pub fn new(kind: ErrorType, message: impl Into<String>) -> Self {
        Error::Medusa {
            kind,
            message: message.into(),
            code: None,
        }
    }

    pub fn with_code(self, code: &'static str) -> Self {
        match self {
            Error::Medusa { kind, message, .. } => Error::Medusa {
                kind,
                message,
                code: Some(code),
            },
            other => other,
        }
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(ErrorType::NotFound, message)
    }
    pub fn invalid_data(message: impl Into<String>) -> Self {
        Self::new(ErrorType::InvalidData, message)
    }
    pub fn not_allowed(message: impl Into<String>) -> Self {
        Self::new(ErrorType::NotAllowed, message)
    }
    pub fn unauthorized(message: impl Into<String>) -> Self {
        Self::new(ErrorType::Unauthorized, message)
    }
    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::new(ErrorType::Forbidden, message)
    }
    pub fn duplicate(message: impl Into<String>) -> Self {
        Self::new(ErrorType::DuplicateError, message)
    }
    pub fn conflict(message: impl Into<String>) -> Self {
        Self::new(ErrorType::Conflict, message)
    }
    pub fn unexpected_state(message: impl Into<String>) -> Self {
        Self::new(ErrorType::UnexpectedState, message)
    }
    pub fn internal(e: impl Into<anyhow::Error>) -> Self {
        Error::Internal(e.into())
    }

    /// The `type` of a client-facing error; `None` for internal ones.
    pub fn kind(&self) -> Option<ErrorType> {
        match self {
            Error::Medusa { kind, .. } => Some(*kind),
            Error::Internal(_) => None,
        }
    }

    pub fn message(&self) -> Option<&str> {
        match self {
            Error::Medusa { message, .. } => Some(message),
            Error::Internal(_) => None,
        }
    }
}

/// Database errors: constraint violations are the client's doing and get Medusa's messages;
/// everything else is internal.
impl From<sea_orm_migration::sea_orm::DbErr> for Error {
    fn from(e: sea_orm_migration::sea_orm::DbErr) -> Self {
        use sea_orm_migration::sea_orm::SqlErr;
        match e.sql_err() {
            Some(SqlErr::UniqueConstraintViolation(_)) => {
                Error::duplicate("Table with key value already exists.")
                    .with_code(codes::INVALID_REQUEST_ERROR)
            }
            Some(SqlErr::ForeignKeyConstraintViolation(_)) => {
                Error::not_found("Table with key value does not exist.")
            }
            _ => Error::Internal(anyhow::Error::new(e).context("database error")),
        }
    }
}
