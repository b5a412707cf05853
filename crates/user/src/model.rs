use chrono::{DateTime, Utc};
use medusa_core::id::UserId;
use serde_json::{Map, Value};

use crate::error::UserError;

/// An email address as users are keyed by: trimmed, one `@` with something on both sides, no
/// whitespace. The case is kept as given (Medusa compares emails exactly).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email(String);

impl Email {
    pub fn parse(s: &str) -> Result<Email, UserError> {
        let e = s.trim();
        let valid = e.len() <= 254
            && !e.chars().any(char::is_whitespace)
            && e.split_once('@').is_some_and(|(local, domain)| {
                !local.is_empty() && !domain.is_empty() && !domain.contains('@')
            });
        if valid {
            Ok(Email(e.to_owned()))
        } else {
            Err(UserError::InvalidEmail(s.to_owned()))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// An admin user.
#[derive(Debug, Clone, PartialEq)]
pub struct User {
    pub id: UserId,
    pub email: String,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub avatar_url: Option<String>,
    pub metadata: Option<Map<String, Value>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub deleted_at: Option<DateTime<Utc>>,
}

/// What creating a user takes (Medusa's `CreateUserDTO`).
#[derive(Debug, Clone, PartialEq)]
pub struct CreateUser {
    pub email: Email,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub avatar_url: Option<String>,
    pub metadata: Option<Map<String, Value>>,
}

impl CreateUser {
    pub fn new(email: Email) -> Self {
        CreateUser {
            email,
            first_name: None,
            last_name: None,
            avatar_url: None,
            metadata: None,
        }
    }
}

/// A partial update (Medusa's `AdminUpdateUser`): `None` leaves a field alone, `Some(None)`
/// clears it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct UpdateUser {
    pub first_name: Option<Option<String>>,
    pub last_name: Option<Option<String>>,
    pub avatar_url: Option<Option<String>>,
    pub metadata: Option<Option<Map<String, Value>>>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_parsed() {
        assert_eq!(
            Email::parse(" admin@example.com ").unwrap().as_str(),
            "admin@example.com"
        );
        assert_eq!(
            Email::parse("Admin@Example.com").unwrap().as_str(),
            "Admin@Example.com"
        );
        for bad in [
            "",
            "admin",
            "@example.com",
            "admin@",
            "a b@example.com",
            "a@b@c",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad:?} should be refused");
        }
    }
}
