use medusa_core::id::CartId;

#[derive(Debug, thiserror::Error)]
pub enum CartError {
    #[error("Cart id not found: {0}")]
    NotFound(CartId),
    /// Another writer saved the cart after this value was loaded. The caller reloads and
    /// re-applies its change; it never overwrites the other writer's work.
    #[error("The cart was changed by another request; retry")]
    Conflict(CartId),
    /// An amount that is not a whole number of the currency's minor units.
    #[error("{0}")]
    Money(#[from] medusa_core::money::MoneyError),
    #[error("{0}")]
    Database(#[from] sea_orm::DbErr),
    /// A stored cart document that does not decode (or a cart that cannot be encoded).
    #[error("{0}")]
    Internal(String),
}

impl From<CartError> for medusa_core::Error {
    fn from(e: CartError) -> Self {
        match e {
            CartError::NotFound(_) => medusa_core::Error::not_found(e.to_string()),
            CartError::Conflict(_) => medusa_core::Error::conflict(e.to_string()),
            CartError::Money(_) => medusa_core::Error::invalid_data(e.to_string()),
            CartError::Database(db) => db.into(),
            CartError::Internal(message) => medusa_core::Error::internal(CartStorage(message)),
        }
    }
}

/// The message of [`CartError::Internal`] as an error value (logged, never shown to clients).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
struct CartStorage(String);
