use medusa_core::id::UserId;

#[derive(Debug, thiserror::Error)]
pub enum UserError {
    #[error("User with id: {0} was not found")]
    NotFound(UserId),
    /// Emails are unique among users that are not deleted.
    #[error("User with email: {0}, already exists.")]
    EmailTaken(String),
    #[error("The email address '{0}' is not valid")]
    InvalidEmail(String),
    #[error("{0}")]
    Database(#[from] sea_orm::DbErr),
}

impl From<UserError> for medusa_core::Error {
    fn from(e: UserError) -> Self {
        match e {
            UserError::NotFound(_) => medusa_core::Error::not_found(e.to_string()),
            UserError::EmailTaken(_) => medusa_core::Error::duplicate(e.to_string()),
            UserError::InvalidEmail(_) => medusa_core::Error::invalid_data(e.to_string()),
            UserError::Database(db) => db.into(),
        }
    }
}
