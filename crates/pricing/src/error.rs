#[derive(Debug, thiserror::Error)]
pub enum PricingError {
    #[error("Price list with id: {0} was not found")]
    PriceListNotFound(String),
    #[error("{0}")]
    Invalid(String),
    #[error(transparent)]
    Database(#[from] sea_orm::DbErr),
}

impl From<PricingError> for medusa_core::Error {
    fn from(e: PricingError) -> Self {
        match e {
            PricingError::PriceListNotFound(_) => medusa_core::Error::not_found(e.to_string()),
            PricingError::Invalid(_) => medusa_core::Error::invalid_data(e.to_string()),
            PricingError::Database(db) => db.into(),
        }
    }
}
