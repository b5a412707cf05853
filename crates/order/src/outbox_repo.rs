//! Delivery of the `event_outbox` rows (written in the transaction of the change they announce,
//! see `repo::insert_event`) to the api's subscribers, by any number of dispatchers at once.
//!
//! Claims work like the capture jobs' (`capture_repo.rs`):
//! * PostgreSQL: `SELECT ... FOR UPDATE SKIP LOCKED` picks due rows no other dispatcher holds,
//!   and the `UPDATE` in the same transaction sets a lease and a fresh claim token.
//! * SQLite: the same statements inside `BEGIN IMMEDIATE` (the database's single write lock),
//!   so two claimers are serialised and the second sees the first one's lease.
//!
//! Every later write of a claimer (processed, retry, give up) is guarded by its token, so one
//! whose lease ran out and whose row was claimed again can no longer change it.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, LockBehavior, LockType};
use sea_orm::{
    ColumnTrait, Condition, DatabaseConnection, DbBackend, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};

use crate::entity::outbox::{self, Column as C};
use crate::error::OrderError;
use crate::model::{ClaimedEvent, Event, EventDelivery, EventId};

fn chrono_dur(d: std::time::Duration) -> chrono::Duration {
    chrono::Duration::from_std(d).unwrap_or(chrono::Duration::days(365))
}

pub(crate) fn to_event(r: &outbox::Model) -> Event {
    Event {
        id: EventId::parse(&r.id).unwrap_or_else(|_| EventId::new()),
        name: r.name.clone(),
        payload: r.payload.clone(),
        created_at: r.created_at,
        processed_at: r.processed_at,
    }
}

/// Not processed, not given up, due, and not under someone else's live lease.
fn claimable(now: DateTime<Utc>) -> Condition {
    Condition::all()
        .add(C::ProcessedAt.is_null())
        .add(C::FailedAt.is_null())
        .add(
            Condition::any()
                .add(C::NextAttemptAt.is_null())
                .add(C::NextAttemptAt.lte(now)),
        )
        .add(
            Condition::any()
                .add(C::LeaseUntil.is_null())
                .add(C::LeaseUntil.lt(now)),
        )
}

/// Claims up to `limit` due events, oldest first, for `lease`.
pub async fn claim(
    db: &DatabaseConnection,
    worker: &str,
    now: DateTime<Utc>,
    lease: std::time::Duration,
    limit: u64,
) -> Result<Vec<ClaimedEvent>, OrderError> {
    let tx = medusa_db::begin_write(db).await?;
    let mut q = outbox::Entity::find()
        .filter(claimable(now))
        .order_by_asc(C::CreatedAt)
        .order_by_asc(C::Id)
        .limit(limit);
    if db.get_database_backend() == DbBackend::Postgres {
        // Rows another dispatcher is claiming right now are skipped, not waited for.
        q = q.lock_with_behavior(LockType::Update, LockBehavior::SkipLocked);
    }
    let rows = q.all(&tx).await?;
    if rows.is_empty() {
        tx.commit().await?;
        return Ok(Vec::new());
    }
    let token = format!("{worker}/{}", medusa_core::id::new_ulid());
    let lease_until = now + chrono_dur(lease);
    let ids: Vec<String> = rows.iter().map(|r| r.id.clone()).collect();
    outbox::Entity::update_many()
        .col_expr(C::LeaseUntil, Expr::value(lease_until))
        .col_expr(C::ClaimedBy, Expr::value(token.clone()))
        .col_expr(C::Attempts, Expr::col(C::Attempts).add(1))
        .filter(C::Id.is_in(ids))
        .exec(&tx)
        .await?;
    tx.commit().await?;
    Ok(rows
        .iter()
        .map(|r| ClaimedEvent {
            event: to_event(r),
            attempt: r.attempts + 1,
            claim: token.clone(),
        })
        .collect())
}

/// Marks a claimed event delivered. `false`: the claim was lost (the lease ran out and
/// another dispatcher took the row).
pub async fn mark_processed(
    db: &DatabaseConnection,
    claimed: &ClaimedEvent,
    now: DateTime<Utc>,
) -> Result<bool, OrderError> {
    let r = outbox::Entity::update_many()
        .col_expr(C::ProcessedAt, Expr::value(now))
        .col_expr(C::LeaseUntil, Expr::value(Option::<DateTime<Utc>>::None))
        .col_expr(C::LastError, Expr::value(Option::<String>::None))
        .filter(C::Id.eq(claimed.event.id.as_str()))
        .filter(C::ClaimedBy.eq(claimed.claim.as_str()))
        .filter(C::ProcessedAt.is_null())
        .exec(db)
        .await?;
    Ok(r.rows_affected == 1)
}

/// Gives a claimed event back after a failed delivery: due again at `retry_at`, or given up
/// (`failed_at`) when `retry_at` is `None`. `false`: the claim was lost.
pub async fn release_failed(
    db: &DatabaseConnection,
    claimed: &ClaimedEvent,
    error: &str,
    retry_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Result<bool, OrderError> {
    let mut q = outbox::Entity::update_many()
        .col_expr(C::LeaseUntil, Expr::value(Option::<DateTime<Utc>>::None))
        .col_expr(C::LastError, Expr::value(error));
    q = match retry_at {
        Some(at) => q.col_expr(C::NextAttemptAt, Expr::value(at)),
        None => q.col_expr(C::FailedAt, Expr::value(now)),
    };
    let r = q
        .filter(C::Id.eq(claimed.event.id.as_str()))
        .filter(C::ClaimedBy.eq(claimed.claim.as_str()))
        .filter(C::ProcessedAt.is_null())
        .exec(db)
        .await?;
    Ok(r.rows_affected == 1)
}

/// One row's delivery state, for tests and operators.
pub async fn delivery(
    db: &DatabaseConnection,
    id: &str,
) -> Result<Option<EventDelivery>, OrderError> {
    Ok(outbox::Entity::find_by_id(id.to_owned())
        .one(db)
        .await?
        .map(|r| EventDelivery {
            event: to_event(&r),
            attempts: r.attempts,
            next_attempt_at: r.next_attempt_at,
            last_error: r.last_error,
            failed_at: r.failed_at,
        }))
}
