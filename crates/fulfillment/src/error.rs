use crate::model::{FulfillmentSetId, ServiceZoneId, ShippingOptionId, ShippingProfileId};

#[derive(Debug, thiserror::Error)]
pub enum FulfillmentError {
    #[error("ShippingProfile with id: {0} was not found")]
    ProfileNotFound(ShippingProfileId),
    #[error("FulfillmentSet with id: {0} was not found")]
    FulfillmentSetNotFound(FulfillmentSetId),
    #[error("ServiceZone with id: {0} was not found")]
    ServiceZoneNotFound(ServiceZoneId),
    #[error("ShippingOption with id: {0} was not found")]
    OptionNotFound(ShippingOptionId),
    #[error("ShippingOptionRule with id: {0} was not found")]
    RuleNotFound(String),
    /// A name that must be unique is taken (Medusa answers 400 invalid_data / 409-like text).
    #[error("{0}")]
    Duplicate(String),
    /// Input that can never be stored.
    #[error("{0}")]
    InvalidData(String),
    /// The operation is refused in the current state (e.g. deleting a profile still in use).
    #[error("{0}")]
    NotAllowed(String),
    #[error("{0}")]
    Database(#[from] sea_orm::DbErr),
}

impl From<FulfillmentError> for medusa_core::Error {
    fn from(e: FulfillmentError) -> Self {
        match e {
            FulfillmentError::ProfileNotFound(_)
            | FulfillmentError::FulfillmentSetNotFound(_)
            | FulfillmentError::ServiceZoneNotFound(_)
            | FulfillmentError::OptionNotFound(_)
            | FulfillmentError::RuleNotFound(_) => medusa_core::Error::not_found(e.to_string()),
            FulfillmentError::Duplicate(_) | FulfillmentError::InvalidData(_) => {
                medusa_core::Error::invalid_data(e.to_string())
            }
            FulfillmentError::NotAllowed(_) => medusa_core::Error::not_allowed(e.to_string()),
            FulfillmentError::Database(db) => db.into(),
        }
    }
}
