//! Change counters for caches that must stay exact across processes.
//!
//! A writer bumps a scope (`catalog`, `inventory`) in the same transaction as its change; a
//! reader that cached something derived from that scope reads the counters (one indexed query)
//! and reuses the cached value only while they are unchanged. Every api process therefore sees
//! a change as soon as it commits, whatever process made it.

use sea_orm::{ConnectionTrait, DbBackend, DbErr, Statement};
use sea_orm_migration::prelude::*;

/// Products, variants, options, images, categories, collections, prices, price lists, regions.
pub const CATALOG: &str = "catalog";
/// Stock levels, reservations and the locations that serve each sales channel.
pub const INVENTORY: &str = "inventory";

/// Adds one to `scope`'s counter.
pub async fn bump<C: ConnectionTrait>(db: &C, scope: &str) -> Result<(), DbErr> {
    let backend = db.get_database_backend();
    let sql = match backend {
        DbBackend::Postgres => {
            "INSERT INTO cache_version (scope, version) VALUES ($1, 1) \
             ON CONFLICT (scope) DO UPDATE SET version = cache_version.version + 1"
        }
        _ => {
            "INSERT INTO cache_version (scope, version) VALUES (?, 1) \
             ON CONFLICT (scope) DO UPDATE SET version = cache_version.version + 1"
        }
    };
    db.execute_raw(Statement::from_sql_and_values(backend, sql, [scope.into()]))
        .await?;
    Ok(())
}

/// The counters of `scopes`, in order (0 for a scope never bumped). One query.
pub async fn read<C: ConnectionTrait>(db: &C, scopes: &[&str]) -> Result<Vec<i64>, DbErr> {
    let backend = db.get_database_backend();
    let rows = db
        .query_all_raw(Statement::from_string(
            backend,
            "SELECT scope, version FROM cache_version".to_owned(),
        ))
        .await?;
    let mut out = vec![0; scopes.len()];
    for row in rows {
        let scope: String = row.try_get("", "scope")?;
        let version: i64 = row.try_get("", "version")?;
        if let Some(i) = scopes.iter().position(|s| *s == scope) {
            out[i] = version;
        }
    }
    Ok(out)
}

/// SQL select-list items reading the counters of `scopes` (0 for a scope never bumped), named
/// `version_0`, `version_1`, ... in order: for a module that reads them in the same statement as
/// its own row (a cart load), saving the round trip of [`read`]. Scopes are this module's
/// constants; anything else reads as 0.
pub fn select_items(scopes: &[&str]) -> String {
    scopes
        .iter()
        .enumerate()
        .map(|(i, scope)| {
            let literal = if scope.chars().all(|c| c.is_ascii_lowercase() || c == '_') {
                format!("'{scope}'")
            } else {
                "NULL".to_owned()
            };
            format!(
                "COALESCE((SELECT version FROM cache_version WHERE scope = {literal}), 0) AS version_{i}"
            )
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// The counters named by [`select_items`] in a result row.
pub fn from_row(row: &sea_orm::QueryResult, scopes: usize) -> Result<Vec<i64>, DbErr> {
    (0..scopes)
        .map(|i| row.try_get::<i64>("", &format!("version_{i}")))
        .collect()
}

/// The table, registered as the first "module" so every module's writes can bump it.
pub struct VersionsModule;

struct CreateTable;

impl MigrationName for CreateTable {
    fn name(&self) -> &str {
        "db_0001_create_cache_version"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for CreateTable {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Alias::new("cache_version"))
                .col(
                    ColumnDef::new(Alias::new("scope"))
                        .string()
                        .not_null()
                        .primary_key(),
                )
                .col(
                    ColumnDef::new(Alias::new("version"))
                        .big_integer()
                        .not_null()
                        .default(0),
                )
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(Alias::new("cache_version")).to_owned())
            .await
    }
}

impl medusa_core::registry::Module for VersionsModule {
    fn name(&self) -> &'static str {
        "cache_version"
    }

    fn migrations(&self) -> Vec<Box<dyn MigrationTrait>> {
        vec![Box::new(CreateTable)]
    }

    fn register(
        &self,
        _ctx: &medusa_core::registry::ModuleContext,
        _registry: &mut medusa_core::registry::Registry,
    ) {
    }
}
