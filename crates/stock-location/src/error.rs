use crate::model::StockLocationId;

#[derive(Debug, thiserror::Error)]
pub enum StockLocationError {
    #[error("StockLocation with id: {0} was not found")]
    NotFound(StockLocationId),
    /// Input that can never be stored (empty name, address without `address_1`, ...).
    #[error("{0}")]
    InvalidData(String),
    #[error("{0}")]
    Database(#[from] sea_orm::DbErr),
}

impl From<StockLocationError> for medusa_core::Error {
    fn from(e: StockLocationError) -> Self {
        match e {
            StockLocationError::NotFound(_) => medusa_core::Error::not_found(e.to_string()),
            StockLocationError::InvalidData(_) => medusa_core::Error::invalid_data(e.to_string()),
            StockLocationError::Database(db) => db.into(),
        }
    }
}
