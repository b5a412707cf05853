//! On PostgreSQL, the cart document (`cart.body`, rewritten whole on every cart change and
//! usually a few kilobytes, so stored compressed) is compressed with lz4 instead of the default
//! pglz, which costs several times more CPU per write. Only where the server was built with lz4
//! (`default_toast_compression` lists it); stored values keep their compression until rewritten.

use sea_orm::{ConnectionTrait, DbBackend, Statement};
use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "cart_0004_body_lz4"
    }
}

async fn set_compression(m: &SchemaManager<'_>, method: &str) -> Result<(), DbErr> {
    if m.get_database_backend() != DbBackend::Postgres {
        return Ok(());
    }
    let db = m.get_connection();
    let supported = db
        .query_one_raw(Statement::from_string(
            DbBackend::Postgres,
            "SELECT 1 FROM pg_settings WHERE name = 'default_toast_compression' \
             AND 'lz4' = ANY(enumvals)",
        ))
        .await?
        .is_some();
    if supported {
        db.execute_unprepared(&format!(
            "ALTER TABLE cart ALTER COLUMN body SET COMPRESSION {method}"
        ))
        .await?;
    }
    Ok(())
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        set_compression(m, "lz4").await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        set_compression(m, "pglz").await
    }
}
