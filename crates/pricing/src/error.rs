#[derive(Debug, thiserror::Error)]
pub enum PricingError {
    #[error("Price list with id: {0} was not found")]
    PriceListNotFound(String),
    /// Medusa's price-list workflows word a missing list this way (`validatePriceListsStep`).
    #[error("Price lists with id: {0} was not found")]
    PriceListsNotFound(String),
    #[error("Price with id: {0} was not found")]
    PriceNotFound(String),
    /// Medusa's `validateVariantPriceLinksStep`: a price-list price needs the variant's price set.
    #[error("No price set exist for variants: {}", .0.join(", "))]
    NoPriceSet(Vec<String>),
    #[error("{0}")]
    Invalid(String),
    #[error(transparent)]
    Database(#[from] sea_orm::DbErr),
}

impl From<PricingError> for medusa_core::Error {
    fn from(e: PricingError) -> Self {
        match e {
            PricingError::PriceListNotFound(_)
            | PricingError::PriceListsNotFound(_)
            | PricingError::PriceNotFound(_) => medusa_core::Error::not_found(e.to_string()),
            PricingError::NoPriceSet(_) | PricingError::Invalid(_) => {
                medusa_core::Error::invalid_data(e.to_string())
            }
            PricingError::Database(db) => db.into(),
        }
    }
}
