use medusa_core::id::OrderId;

#[derive(Debug, thiserror::Error)]
pub enum OrderError {
    #[error("Order id not found: {0}")]
    NotFound(String),
    /// The cart already has an order (one order per cart, enforced by a unique index): the
    /// caller returns that order instead of creating a second one.
    #[error("An order already exists for cart {cart_id}: {order_id}")]
    AlreadyExists { cart_id: String, order_id: OrderId },
    #[error("Fulfillment with id: {0} not found")]
    FulfillmentNotFound(String),
    /// A change the order's state does not allow (Medusa's `not_allowed`), with its message.
    #[error("{0}")]
    NotAllowed(String),
    /// Bad input (Medusa's `invalid_data`), with its message.
    #[error("{0}")]
    Invalid(String),
    /// An amount that is not a whole number of the currency's minor units.
    #[error("{0}")]
    Money(#[from] medusa_core::money::MoneyError),
    #[error("{0}")]
    Database(#[from] sea_orm::DbErr),
}

impl From<OrderError> for medusa_core::Error {
    fn from(e: OrderError) -> Self {
        match e {
            OrderError::NotFound(_) | OrderError::FulfillmentNotFound(_) => {
                medusa_core::Error::not_found(e.to_string())
            }
            OrderError::AlreadyExists { .. } => medusa_core::Error::conflict(e.to_string()),
            OrderError::NotAllowed(m) => medusa_core::Error::not_allowed(m),
            OrderError::Invalid(m) => medusa_core::Error::invalid_data(m),
            OrderError::Money(_) => medusa_core::Error::invalid_data(e.to_string()),
            OrderError::Database(db) => db.into(),
        }
    }
}
