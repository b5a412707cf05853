use medusa_core::id::ApiKeyId;

#[derive(Debug, thiserror::Error)]
pub enum ApiKeyError {
    #[error("ApiKey with id: {0} was not found")]
    NotFound(ApiKeyId),
    #[error("Sales channels with IDs {0} do not exist")]
    UnknownSalesChannels(String),
    #[error("Sales channels can only be associated with publishable API keys")]
    NotPublishable,
    #[error(
        "You can only have one active secret key a time. Revoke or delete your existing key before creating a new one."
    )]
    SecretKeyActive,
    #[error("There are {0} secret keys that are already revoked.")]
    AlreadyRevoked(usize),
    #[error("Cannot delete api keys that are not revoked - {}", .0.iter().map(ApiKeyId::as_str).collect::<Vec<_>>().join(", "))]
    NotRevoked(Vec<ApiKeyId>),
    #[error("Order field {0} is not valid")]
    InvalidOrder(String),
    #[error("{0}")]
    Database(#[from] sea_orm::DbErr),
}

impl From<ApiKeyError> for medusa_core::Error {
    fn from(e: ApiKeyError) -> Self {
        match e {
            ApiKeyError::NotFound(_) => medusa_core::Error::not_found(e.to_string()),
            ApiKeyError::UnknownSalesChannels(_) => medusa_core::Error::invalid_data(e.to_string()),
            ApiKeyError::NotPublishable => medusa_core::Error::invalid_data(e.to_string()),
            ApiKeyError::SecretKeyActive => medusa_core::Error::invalid_data(e.to_string()),
            ApiKeyError::AlreadyRevoked(_) => medusa_core::Error::invalid_data(e.to_string()),
            ApiKeyError::NotRevoked(_) => medusa_core::Error::not_allowed(e.to_string()),
            ApiKeyError::InvalidOrder(_) => medusa_core::Error::invalid_data(e.to_string()),
            ApiKeyError::Database(db) => db.into(),
        }
    }
}
