#[derive(Debug, thiserror::Error)]
pub enum ProductError {
    #[error("Product with id: {0} was not found")]
    NotFound(String),
    #[error("Product variant with id: {0} was not found")]
    VariantNotFound(String),
    #[error("Product collection with id: {0} was not found")]
    CollectionNotFound(String),
    #[error("Product option with id: {0} was not found")]
    OptionNotFound(String),
    #[error("Product category with id: {0} was not found")]
    CategoryNotFound(String),
    #[error("Product with handle: {0}, already exists.")]
    DuplicateHandle(String),
    #[error("{0}")]
    Invalid(String),
    #[error(transparent)]
    Database(#[from] sea_orm::DbErr),
}

impl From<ProductError> for medusa_core::Error {
    fn from(e: ProductError) -> Self {
        match e {
            ProductError::NotFound(_)
            | ProductError::VariantNotFound(_)
            | ProductError::CollectionNotFound(_)
            | ProductError::OptionNotFound(_)
            | ProductError::CategoryNotFound(_) => medusa_core::Error::not_found(e.to_string()),
            ProductError::DuplicateHandle(_) => medusa_core::Error::duplicate(e.to_string()),
            ProductError::Invalid(_) => medusa_core::Error::invalid_data(e.to_string()),
            ProductError::Database(db) => db.into(),
        }
    }
}
