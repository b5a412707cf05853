use std::sync::Arc;

use async_trait::async_trait;
use medusa_core::Clock;
use medusa_core::id::UserId;
use sea_orm::{DatabaseConnection, SqlErr};
use serde_json::{Map, Value};

use crate::entity::user;
use crate::error::UserError;
use crate::model::{CreateUser, UpdateUser, User};
use crate::repo;

/// The module's service.
#[async_trait]
pub trait UserService: Send + Sync {
    async fn create(&self, input: CreateUser) -> Result<User, UserError>;
    async fn retrieve(&self, id: &UserId) -> Result<User, UserError>;
    /// The live user with exactly this email, if any.
    async fn find_by_email(&self, email: &str) -> Result<Option<User>, UserError>;
    async fn update(&self, id: &UserId, changes: UpdateUser) -> Result<User, UserError>;
    /// Soft delete: the user disappears and the email can be used again.
    async fn delete(&self, id: &UserId) -> Result<(), UserError>;
}

pub struct DbUserService {
    db: DatabaseConnection,
    clock: Arc<dyn Clock>,
}

impl DbUserService {
    pub fn new(db: DatabaseConnection, clock: Arc<dyn Clock>) -> Self {
        DbUserService { db, clock }
    }
}

fn metadata_from_row(v: Option<Value>) -> Option<Map<String, Value>> {
    match v {
        Some(Value::Object(m)) => Some(m),
        _ => None,
    }
}

fn to_model(row: user::Model) -> User {
    User {
        // Rows are written only by this module, with valid ids.
        id: UserId::parse(&row.id).unwrap_or_default(),
        email: row.email,
        first_name: row.first_name,
        last_name: row.last_name,
        avatar_url: row.avatar_url,
        metadata: metadata_from_row(row.metadata),
        created_at: row.created_at,
        updated_at: row.updated_at,
        deleted_at: row.deleted_at,
    }
}

#[async_trait]
impl UserService for DbUserService {
    async fn create(&self, input: CreateUser) -> Result<User, UserError> {
        let now = self.clock.now();
        let row = user::Model {
            id: UserId::new().into_string(),
            email: input.email.as_str().to_owned(),
            first_name: input.first_name,
            last_name: input.last_name,
            avatar_url: input.avatar_url,
            metadata: input.metadata.map(Value::Object),
            created_at: now,
            updated_at: now,
            deleted_at: None,
        };
        match repo::insert(&self.db, row.clone()).await {
            Ok(()) => Ok(to_model(row)),
            // The partial unique index decides, so two concurrent creates cannot both win.
            Err(e) if matches!(e.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => {
                Err(UserError::EmailTaken(row.email))
            }
            Err(e) => Err(e.into()),
        }
    }

    async fn retrieve(&self, id: &UserId) -> Result<User, UserError> {
        repo::find(&self.db, id.as_str())
            .await?
            .map(to_model)
            .ok_or_else(|| UserError::NotFound(id.clone()))
    }

    async fn find_by_email(&self, email: &str) -> Result<Option<User>, UserError> {
        Ok(repo::find_by_email(&self.db, email).await?.map(to_model))
    }

    async fn update(&self, id: &UserId, changes: UpdateUser) -> Result<User, UserError> {
        let changes = repo::Changes {
            first_name: changes.first_name,
            last_name: changes.last_name,
            avatar_url: changes.avatar_url,
            metadata: changes.metadata.map(|m| m.map(Value::Object)),
        };
        if !repo::update(&self.db, id.as_str(), changes, self.clock.now()).await? {
            return Err(UserError::NotFound(id.clone()));
        }
        self.retrieve(id).await
    }

    async fn delete(&self, id: &UserId) -> Result<(), UserError> {
        if !repo::soft_delete(&self.db, id.as_str(), self.clock.now()).await? {
            return Err(UserError::NotFound(id.clone()));
        }
        Ok(())
    }
}
