use crate::model::AuthIdentityId;

#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    /// Unknown email or wrong password: one message for both, as Medusa.
    #[error("Invalid email or password")]
    InvalidCredentials,
    /// Registering an email whose identity already belongs to an actor.
    #[error("Identity with email already exists")]
    IdentityExists,
    #[error("Email should be a string")]
    EmailNotString,
    #[error("Password should be a string")]
    PasswordNotString,
    #[error("Could not find a auth provider with id: {0}")]
    UnknownProvider(String),
    #[error("AuthIdentity with id: {0} was not found")]
    NotFound(AuthIdentityId),
    /// The identity is already linked to an actor of this type.
    #[error("Key {0} already exists in app metadata")]
    AppMetadataKeyExists(String),
    /// Hashing or signing failed (the message never contains a password or secret).
    #[error("cryptographic failure: {0}")]
    Crypto(String),
    #[error("{0}")]
    Database(#[from] sea_orm::DbErr),
}

impl From<AuthError> for medusa_core::Error {
    fn from(e: AuthError) -> Self {
        match e {
            // Medusa's auth routes turn every provider failure into 401 `unauthorized` with the
            // provider's message.
            AuthError::InvalidCredentials
            | AuthError::IdentityExists
            | AuthError::EmailNotString
            | AuthError::PasswordNotString
            | AuthError::UnknownProvider(_) => medusa_core::Error::unauthorized(e.to_string()),
            AuthError::NotFound(_) => medusa_core::Error::not_found(e.to_string()),
            AuthError::AppMetadataKeyExists(_) => medusa_core::Error::invalid_data(e.to_string()),
            AuthError::Crypto(_) => medusa_core::Error::internal(e),
            AuthError::Database(db) => db.into(),
        }
    }
}
