use medusa_core::id::SalesChannelId;

#[derive(Debug, thiserror::Error)]
pub enum SalesChannelError {
    #[error("Sales channel with id: {0} was not found")]
    NotFound(SalesChannelId),
    #[error("Order field {0} is not valid")]
    InvalidOrder(String),
    #[error("{0}")]
    Database(#[from] sea_orm::DbErr),
}

impl From<SalesChannelError> for medusa_core::Error {
    fn from(e: SalesChannelError) -> Self {
        match e {
            SalesChannelError::NotFound(_) => medusa_core::Error::not_found(e.to_string()),
            SalesChannelError::InvalidOrder(_) => medusa_core::Error::invalid_data(e.to_string()),
            SalesChannelError::Database(db) => db.into(),
        }
    }
}
