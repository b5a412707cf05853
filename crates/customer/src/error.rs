#[derive(Debug, thiserror::Error)]
pub enum CustomerError {
    #[error("Customer with id: {0} was not found")]
    NotFound(String),
    #[error("Address with id: {0} was not found")]
    AddressNotFound(String),
    #[error("CustomerGroup with id: {0} was not found")]
    GroupNotFound(String),
    /// Medusa's unique index on `(email, has_account)` among live customers.
    #[error("Customer with email: {email}, has_account: {has_account}, already exists.")]
    EmailTaken { email: String, has_account: bool },
    /// Medusa's unique index on the name of live groups.
    #[error("Customer group with name: {0}, already exists.")]
    GroupNameTaken(String),
    #[error("Order field {0} is not valid")]
    InvalidOrder(String),
    #[error("{0}")]
    Database(#[from] sea_orm::DbErr),
}

impl From<CustomerError> for medusa_core::Error {
    fn from(e: CustomerError) -> Self {
        match e {
            CustomerError::NotFound(_) => medusa_core::Error::not_found(e.to_string()),
            CustomerError::AddressNotFound(_) => medusa_core::Error::not_found(e.to_string()),
            CustomerError::GroupNotFound(_) => medusa_core::Error::not_found(e.to_string()),
            CustomerError::EmailTaken { .. } => medusa_core::Error::duplicate(e.to_string()),
            CustomerError::GroupNameTaken(_) => medusa_core::Error::duplicate(e.to_string()),
            CustomerError::InvalidOrder(_) => medusa_core::Error::invalid_data(e.to_string()),
            CustomerError::Database(db) => db.into(),
        }
    }
}
