use medusa_core::id::{PaymentCollectionId, PaymentId, PaymentSessionId};

use crate::model::RefundReasonId;
use crate::provider::ProviderError;

#[derive(Debug, thiserror::Error)]
pub enum PaymentError {
    #[error("PaymentCollection with id: {0} was not found")]
    CollectionNotFound(PaymentCollectionId),
    #[error("PaymentSession with id: {0} was not found")]
    SessionNotFound(PaymentSessionId),
    #[error("Payment with id: {0} was not found")]
    PaymentNotFound(PaymentId),
    #[error("RefundReason with id: {0} was not found")]
    RefundReasonNotFound(String),
    /// No provider with this id is registered (Medusa's `retrieveProvider`).
    #[error("Could not find a payment provider with id: {0}")]
    ProviderNotFound(String),
    /// The provider refused or failed the call.
    #[error(transparent)]
    Provider(#[from] ProviderError),
    /// The provider did not authorize the session (status other than authorized/captured).
    #[error("Session: {0} was not authorized with the provider.")]
    NotAuthorized(PaymentSessionId),
    #[error("The payment: {0} has been canceled.")]
    Canceled(PaymentId),
    #[error(
        "You cannot capture more than the authorized amount substracted by what is already captured."
    )]
    OverCapture,
    #[error("You cannot refund more than what is captured on the payment.")]
    OverRefund,
    /// A new session or an amount change on a collection that already holds a payment.
    #[error("Payment collection {0} already has an authorized payment")]
    AlreadyAuthorized(PaymentCollectionId),
    /// A refund names a reason that does not exist.
    #[error("Refund reason {0} does not exist")]
    UnknownRefundReason(RefundReasonId),
    /// Input that can never be stored (an amount finer than the currency, a negative amount).
    #[error("{0}")]
    InvalidData(String),
    #[error("{0}")]
    Database(#[from] sea_orm::DbErr),
}

impl From<PaymentError> for medusa_core::Error {
    fn from(e: PaymentError) -> Self {
        use medusa_core::Error;
        match e {
            PaymentError::CollectionNotFound(_)
            | PaymentError::SessionNotFound(_)
            | PaymentError::PaymentNotFound(_)
            | PaymentError::RefundReasonNotFound(_)
            | PaymentError::ProviderNotFound(_)
            | PaymentError::UnknownRefundReason(_) => Error::not_found(e.to_string()),
            // Medusa's `throwPaymentProviderError` is `invalid_data`.
            PaymentError::Provider(_)
            | PaymentError::Canceled(_)
            | PaymentError::OverCapture
            | PaymentError::OverRefund
            | PaymentError::InvalidData(_) => Error::invalid_data(e.to_string()),
            PaymentError::NotAuthorized(_) | PaymentError::AlreadyAuthorized(_) => {
                Error::not_allowed(e.to_string())
            }
            PaymentError::Database(db) => db.into(),
        }
    }
}
