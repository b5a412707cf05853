use medusa_core::id::ApiKeyId;

#[derive(Debug, thiserror::Error)]
pub enum ApiKeyError {
    #[error("ApiKey with id: {0} was not found")]
    NotFound(ApiKeyId),
    #[error("Sales channels with IDs {0} do not exist")]
    UnknownSalesChannels(String),
    #[error("{0}")]
    Database(#[from] sea_orm::DbErr),
}

impl From<ApiKeyError> for medusa_core::Error {
    fn from(e: ApiKeyError) -> Self {
        match e {
            ApiKeyError::NotFound(_) => medusa_core::Error::not_found(e.to_string()),
            ApiKeyError::UnknownSalesChannels(_) => medusa_core::Error::invalid_data(e.to_string()),
            ApiKeyError::Database(db) => db.into(),
        }
    }
}
