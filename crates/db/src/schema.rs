//! Table-building shorthands for migrations, so every module's tables get Medusa's conventions
//! (text `id` primary key, `created_at`/`updated_at`/`deleted_at`) the same way on both backends.

use sea_orm_migration::prelude::*;

pub fn name(s: &str) -> Alias {
    Alias::new(s)
}

/// A table with a text primary key `id`, the given columns and Medusa's timestamps.
pub fn entity(table: &str, cols: Vec<ColumnDef>) -> TableCreateStatement {
    let mut t = Table::create();
    t.table(name(table))
        .col(ColumnDef::new(name("id")).string().not_null().primary_key());
    for mut c in cols {
        t.col(&mut c);
    }
    t.col(
        ColumnDef::new(name("created_at"))
            .timestamp_with_time_zone()
            .not_null(),
    )
    .col(
        ColumnDef::new(name("updated_at"))
            .timestamp_with_time_zone()
            .not_null(),
    )
    .col(
        ColumnDef::new(name("deleted_at"))
            .timestamp_with_time_zone()
            .null(),
    );
    t.to_owned()
}

/// A two-column link table with a composite primary key.
pub fn link(table: &str, left: &str, right: &str) -> TableCreateStatement {
    Table::create()
        .table(name(table))
        .col(ColumnDef::new(name(left)).string().not_null())
        .col(ColumnDef::new(name(right)).string().not_null())
        .primary_key(Index::create().col(name(left)).col(name(right)))
        .to_owned()
}

pub fn string(n: &str) -> ColumnDef {
    ColumnDef::new(name(n)).string().not_null().to_owned()
}
pub fn string_null(n: &str) -> ColumnDef {
    ColumnDef::new(name(n)).string().null().to_owned()
}
pub fn text_null(n: &str) -> ColumnDef {
    ColumnDef::new(name(n)).text().null().to_owned()
}
pub fn boolean(n: &str, default: bool) -> ColumnDef {
    ColumnDef::new(name(n))
        .boolean()
        .not_null()
        .default(default)
        .to_owned()
}
pub fn double_null(n: &str) -> ColumnDef {
    ColumnDef::new(name(n)).double().null().to_owned()
}
/// JSON (JSONB on PostgreSQL, text on SQLite).
pub fn json_null(n: &str) -> ColumnDef {
    ColumnDef::new(name(n)).json_binary().null().to_owned()
}
pub fn integer(n: &str, default: i32) -> ColumnDef {
    ColumnDef::new(name(n))
        .integer()
        .not_null()
        .default(default)
        .to_owned()
}

/// A (non-unique) index on `cols`.
pub fn index(index_name: &str, table: &str, cols: &[&str]) -> IndexCreateStatement {
    let mut i = Index::create();
    i.name(index_name).table(name(table));
    for c in cols {
        i.col(name(c));
    }
    i.to_owned()
}
