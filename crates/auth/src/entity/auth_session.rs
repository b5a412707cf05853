use sea_orm::entity::prelude::*;

/// A cookie session. Not a Medusa table (Medusa keeps sessions in Redis or memory); here they
/// live in the database so every api process sees them.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "auth_session")]
pub struct Model {
    /// SHA-256 (hex) of the session id; the id itself is only in the cookie.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    /// The token claims the session was created from (Medusa's `session.auth_context`).
    pub auth_context: Json,
    pub expires_at: DateTimeUtc,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
