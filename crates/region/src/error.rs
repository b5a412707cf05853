use medusa_core::id::RegionId;

#[derive(Debug, thiserror::Error)]
pub enum RegionError {
    #[error("Region with id: {0} was not found")]
    NotFound(RegionId),
    #[error("Countries with codes: \"{}\" do not exist", .0.join(", "))]
    UnknownCountries(Vec<String>),
    /// Listed twice in one request, or already in another region.
    #[error("Countries with codes: \"{}\" are already assigned to a region", .0.join(", "))]
    CountriesTaken(Vec<String>),
    #[error("Order field {0} is not valid")]
    InvalidOrder(String),
    #[error("{0}")]
    Database(#[from] sea_orm::DbErr),
}

impl From<RegionError> for medusa_core::Error {
    fn from(e: RegionError) -> Self {
        match e {
            RegionError::NotFound(_) => medusa_core::Error::not_found(e.to_string()),
            RegionError::UnknownCountries(_) => medusa_core::Error::invalid_data(e.to_string()),
            RegionError::CountriesTaken(_) => medusa_core::Error::invalid_data(e.to_string()),
            RegionError::InvalidOrder(_) => medusa_core::Error::invalid_data(e.to_string()),
            RegionError::Database(db) => db.into(),
        }
    }
}
