//! The backend-sensitive guarantees, on real SQLite and real PostgreSQL.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use futures_util::future::join_all;
use medusa_db::testing::{Backend, TestDatabase};
use medusa_db::{begin_write, expect_one_row};
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, Statement, TransactionTrait};

macro_rules! on_both_backends {
    ($name:ident, $body:path) => {
        mod $name {
            use super::*;
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                $body(Backend::Sqlite).await;
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                $body(Backend::Postgres).await;
            }
        }
    };
}

async fn setup(backend: Backend) -> (TestDatabase, DatabaseConnection) {
    let tdb = TestDatabase::create(backend).await.unwrap();
    let db = tdb.connect().await.unwrap();
    db.execute_unprepared(
        "CREATE TABLE level (id TEXT PRIMARY KEY, stocked BIGINT NOT NULL, reserved BIGINT NOT NULL, amount BIGINT NOT NULL)",
    )
    .await
    .unwrap();
    db.execute_unprepared("INSERT INTO level VALUES ('l1', 5, 0, 0)")
        .await
        .unwrap();
    (tdb, db)
}

fn stmt(db: &DatabaseConnection, sql: &str, values: Vec<sea_orm::Value>) -> Statement {
    let sql = match db.get_database_backend() {
        // `$1` placeholders for PostgreSQL, `?` for SQLite.
        DbBackend::Postgres => {
            let mut n = 0;
            sql.chars()
                .map(|c| {
                    if c == '?' {
                        n += 1;
                        format!("${n}")
                    } else {
                        c.to_string()
                    }
                })
                .collect()
        }
        _ => sql.to_owned(),
    };
    Statement::from_sql_and_values(db.get_database_backend(), sql, values)
}

async fn read_i64(db: &DatabaseConnection, col: &str) -> i64 {
    let row = db
        .query_one_raw(stmt(
            db,
            &format!("SELECT {col} FROM level WHERE id = 'l1'"),
            vec![],
        ))
        .await
        .unwrap()
        .unwrap();
    row.try_get("", col).unwrap()
}

async fn conditional_update_never_oversells(backend: Backend) {
    let (_tdb, db) = setup(backend).await;
    // 20 concurrent reservations of 1 unit against 5 in stock.
    let attempts = (0..20).map(|_| {
        let db = db.clone();
        async move {
            let r = db
                .execute_raw(stmt(
                    &db,
                    "UPDATE level SET reserved = reserved + ? WHERE id = 'l1' AND stocked - reserved >= ?",
                    vec![1i64.into(), 1i64.into()],
                ))
                .await
                .unwrap();
            expect_one_row(&r).unwrap()
        }
    });
    let won = join_all(attempts)
        .await
        .into_iter()
        .filter(|ok| *ok)
        .count();
    assert_eq!(won, 5);
    assert_eq!(read_i64(&db, "reserved").await, 5);
}
on_both_backends!(
    conditional_update_is_atomic,
    conditional_update_never_oversells
);

async fn read_then_write_transactions_serialise(backend: Backend) {
    let (_tdb, db) = setup(backend).await;
    // Ten read-modify-write transactions at once: none may fail with SQLITE_BUSY, none may lose
    // an update.
    let txs = (0..10).map(|_| {
        let db = db.clone();
        async move {
            let tx = begin_write(&db).await.unwrap();
            // Row lock on PostgreSQL; on SQLite BEGIN IMMEDIATE already serialises writers.
            let lock = if db.get_database_backend() == DbBackend::Postgres {
                " FOR UPDATE"
            } else {
                ""
            };
            let row = tx
                .query_one_raw(stmt(
                    &db,
                    &format!("SELECT amount FROM level WHERE id = 'l1'{lock}"),
                    vec![],
                ))
                .await
                .unwrap()
                .unwrap();
            let v: i64 = row.try_get("", "amount").unwrap();
            tokio::task::yield_now().await;
            tx.execute_raw(stmt(
                &db,
                "UPDATE level SET amount = ? WHERE id = 'l1'",
                vec![(v + 1).into()],
            ))
            .await
            .unwrap();
            tx.commit().await.unwrap();
        }
    });
    join_all(txs).await;
    assert_eq!(read_i64(&db, "amount").await, 10);
}
on_both_backends!(
    write_transactions_do_not_lose_updates,
    read_then_write_transactions_serialise
);

async fn amounts_beyond_f64_are_exact(backend: Backend) {
    let (_tdb, db) = setup(backend).await;
    // 12,345,678,901,234,567.89 EUR in cents: 19 digits, more than an f64 holds.
    let cents: i64 = 1_234_567_890_123_456_789;
    assert_ne!(cents as f64 as i64, cents);
    db.execute_raw(stmt(
        &db,
        "UPDATE level SET amount = ? WHERE id = 'l1'",
        vec![cents.into()],
    ))
    .await
    .unwrap();
    assert_eq!(read_i64(&db, "amount").await, cents);
    let tx = db.begin().await.unwrap();
    tx.rollback().await.unwrap();
}
on_both_backends!(amounts_are_stored_exactly, amounts_beyond_f64_are_exact);
