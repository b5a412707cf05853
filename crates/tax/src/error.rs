#[derive(Debug, thiserror::Error)]
pub enum TaxError {
    #[error("TaxRegion with id: {0} was not found")]
    RegionNotFound(String),
    #[error("TaxRate with id: {0} was not found")]
    RateNotFound(String),
    #[error("Tax provider with id: {0} was not found")]
    ProviderNotFound(String),
    /// Medusa's validator refinement on `POST /admin/tax-regions`.
    #[error("Provider is required when creating a non-province tax region.")]
    ProviderRequired,
    /// Medusa's check constraint `parent_id IS NULL OR provider_id IS NULL`.
    #[error("A province tax region cannot have a provider; the parent region's provider is used")]
    ProviderOnProvince,
    /// Medusa's check constraint `parent_id IS NULL OR province_code IS NOT NULL`.
    #[error("A tax region with a parent region must have a province code")]
    ProvinceCodeRequired,
    #[error(
        "Province region must belong to a parent region. You are trying to create a province region with (country: {country}, province: {province}) but parent does not exist"
    )]
    ParentMissing { country: String, province: String },
    #[error(
        "Province region must belong to a parent region with the same country code. You are trying to create a province region with (country: {country}, province: {province}) but parent expects (country: {parent_country})"
    )]
    ParentCountryMismatch {
        country: String,
        province: String,
        parent_country: String,
    },
    /// One live region per country and per (country, province).
    #[error("Tax region with country_code: {country}, {}already exists.", .province.as_ref().map(|p| format!("province_code: {p}, ")).unwrap_or_default())]
    DuplicateRegion {
        country: String,
        province: Option<String>,
    },
    /// One live default rate per region.
    #[error("Tax rate with tax_region_id: {0}, already exists.")]
    DuplicateDefaultRate(String),
    /// One live rule per (rate, reference id).
    #[error(
        "Tax rate rule with tax_rate_id: {rate}, reference_id: {reference_id}, already exists."
    )]
    DuplicateRule { rate: String, reference_id: String },
    #[error("Order field {0} is not valid")]
    InvalidOrder(String),
    #[error("{0}")]
    Database(#[from] sea_orm::DbErr),
}

impl From<TaxError> for medusa_core::Error {
    fn from(e: TaxError) -> Self {
        use medusa_core::Error;
        match e {
            TaxError::RegionNotFound(_) => Error::not_found(e.to_string()),
            TaxError::RateNotFound(_) => Error::not_found(e.to_string()),
            TaxError::ProviderNotFound(_) => Error::not_found(e.to_string()),
            TaxError::ProviderRequired => Error::invalid_data(format!("Invalid request: {e}")),
            TaxError::ProviderOnProvince => Error::invalid_data(e.to_string()),
            TaxError::ProvinceCodeRequired => Error::invalid_data(e.to_string()),
            TaxError::ParentMissing { .. } => Error::invalid_data(e.to_string()),
            TaxError::ParentCountryMismatch { .. } => Error::invalid_data(e.to_string()),
            TaxError::DuplicateRegion { .. } => Error::duplicate(e.to_string()),
            TaxError::DuplicateDefaultRate(_) => Error::duplicate(e.to_string()),
            TaxError::DuplicateRule { .. } => Error::duplicate(e.to_string()),
            TaxError::InvalidOrder(_) => Error::invalid_data(e.to_string()),
            TaxError::Database(db) => db.into(),
        }
    }
}
