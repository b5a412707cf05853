//! Queries of the `order_capture_job` table (the delayed capture of an authorized payment).
//! Kept apart from `repo.rs` only for size; nothing outside this crate touches the table.
//!
//! Claims are the heart of it: several workers and api processes poll at once, and each due job
//! must be handed to exactly one of them at a time.
//! * PostgreSQL: `SELECT ... FOR UPDATE SKIP LOCKED` picks due rows no other claimer holds, and
//!   the `UPDATE` in the same transaction sets `status = 'claimed'` with a lease.
//! * SQLite: the same statements inside `BEGIN IMMEDIATE` (the database's single write lock),
//!   so two claimers are serialised and the second sees the first one's claim.
//!
//! A claim carries a fresh token in `claimed_by`; every later write of the claimer is guarded by
//! that token, so a claimer whose lease expired (and whose job was claimed again) can no longer
//! change the row.

use chrono::{DateTime, SubsecRound, Utc};
use medusa_core::id::OrderId;
use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::{Expr, ExprTrait, LockBehavior, LockType};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, DbBackend, EntityTrait,
    QueryFilter, QueryOrder, QuerySelect,
};

use crate::entity::capture_job::{self, Column as C};
use crate::error::OrderError;
use crate::model::{CaptureJob, CaptureJobId, CaptureJobStatus, NewCaptureJob};

fn to_job(r: capture_job::Model) -> CaptureJob {
    CaptureJob {
        id: CaptureJobId::parse(&r.id).unwrap_or_default(),
        order_id: OrderId::parse(&r.order_id).unwrap_or_default(),
        payment_collection_id: r.payment_collection_id,
        payment_id: r.payment_id,
        run_at: r.run_at,
        status: CaptureJobStatus::parse(&r.status).unwrap_or(CaptureJobStatus::Failed),
        attempts: r.attempts,
        attempt_group: r.attempt_group,
        lease_until: r.lease_until,
        claimed_by: r.claimed_by,
        last_error: r.last_error,
        authorization_expires_at: r.authorization_expires_at,
        expiry_flagged: r.expiry_flagged,
        completed_at: r.completed_at,
        created_at: r.created_at,
        updated_at: r.updated_at,
    }
}

fn chrono_dur(d: std::time::Duration) -> chrono::Duration {
    chrono::Duration::from_std(d).unwrap_or(chrono::Duration::days(365))
}

/// Written in the order's creating transaction.
pub async fn insert<C2: ConnectionTrait>(
    db: &C2,
    order_id: &str,
    job: &NewCaptureJob,
    now: DateTime<Utc>,
) -> Result<(), OrderError> {
    capture_job::Entity::insert(capture_job::ActiveModel {
        id: Set(CaptureJobId::new().into_string()),
        order_id: Set(order_id.to_owned()),
        payment_collection_id: Set(job.payment_collection_id.clone()),
        payment_id: Set(job.payment_id.clone()),
        run_at: Set(now + chrono_dur(job.delay)),
        status: Set(CaptureJobStatus::Pending.as_str().to_owned()),
        attempts: Set(0),
        attempt_group: Set(1),
        lease_until: Set(None),
        claimed_by: Set(None),
        last_error: Set(None),
        authorization_expires_at: Set(now + chrono_dur(job.authorization_validity)),
        expiry_flagged: Set(false),
        completed_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        deleted_at: Set(None),
    })
    .exec_without_returning(db)
    .await?;
    Ok(())
}

pub async fn find_for_order<C2: ConnectionTrait>(
    db: &C2,
    order_id: &str,
) -> Result<Option<CaptureJob>, OrderError> {
    Ok(capture_job::Entity::find()
        .filter(C::OrderId.eq(order_id))
        .one(db)
        .await?
        .map(to_job))
}

/// Rows a claimer may take: pending and due (or, for a wake-up of one order, pending at all),
/// or claimed by someone whose lease has run out (a crashed or stuck worker).
fn claimable(now: DateTime<Utc>, due_only: bool) -> Condition {
    let mut pending = Condition::all().add(C::Status.eq(CaptureJobStatus::Pending.as_str()));
    if due_only {
        pending = pending.add(C::RunAt.lte(now));
    }
    Condition::any().add(pending).add(
        Condition::all()
            .add(C::Status.eq(CaptureJobStatus::Claimed.as_str()))
            .add(C::LeaseUntil.lt(now)),
    )
}

/// Claims up to `limit` claimable jobs (`order_id`: only that order's, due or not) for `lease`.
pub async fn claim(
    db: &DatabaseConnection,
    order_id: Option<&str>,
    worker: &str,
    now: DateTime<Utc>,
    lease: std::time::Duration,
    limit: u64,
) -> Result<Vec<CaptureJob>, OrderError> {
    let tx = medusa_db::begin_write(db).await?;
    let mut q = capture_job::Entity::find().filter(claimable(now, order_id.is_none()));
    if let Some(o) = order_id {
        q = q.filter(C::OrderId.eq(o));
    }
    q = q.order_by_asc(C::RunAt).order_by_asc(C::Id).limit(limit);
    if db.get_database_backend() == DbBackend::Postgres {
        // Rows another claimer is taking right now are skipped, not waited for.
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
    capture_job::Entity::update_many()
        .col_expr(C::Status, Expr::value(CaptureJobStatus::Claimed.as_str()))
        .col_expr(C::LeaseUntil, Expr::value(lease_until))
        .col_expr(C::ClaimedBy, Expr::value(token.clone()))
        .col_expr(C::Attempts, Expr::col(C::Attempts).add(1))
        .col_expr(C::UpdatedAt, Expr::value(now))
        .filter(C::Id.is_in(ids))
        .exec(&tx)
        .await?;
    tx.commit().await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let mut j = to_job(r);
            j.status = CaptureJobStatus::Claimed;
            j.lease_until = Some(lease_until);
            j.claimed_by = Some(token.clone());
            j.attempts += 1;
            j.updated_at = now;
            j
        })
        .collect())
}

/// Puts a claimed job back to `pending` at `run_at` with the error (a retry), or marks it
/// `failed` when `run_at` is `None`. Guarded by the claim token: `false` when the claim was
/// lost (lease expired and taken, or the job finished meanwhile).
pub async fn release(
    db: &DatabaseConnection,
    job: &CaptureJob,
    error: &str,
    run_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Result<bool, OrderError> {
    let status = match run_at {
        Some(_) => CaptureJobStatus::Pending,
        None => CaptureJobStatus::Failed,
    };
    let mut q = capture_job::Entity::update_many()
        .col_expr(C::Status, Expr::value(status.as_str()))
        .col_expr(C::LeaseUntil, Expr::value(Option::<DateTime<Utc>>::None))
        .col_expr(C::LastError, Expr::value(error))
        .col_expr(C::UpdatedAt, Expr::value(now));
    if let Some(at) = run_at {
        // The precision every other timestamp of the table has (the claim compares with it).
        q = q.col_expr(C::RunAt, Expr::value(at.trunc_subsecs(3)));
    }
    let r = q
        .filter(C::Id.eq(job.id.as_str()))
        .filter(C::Status.eq(CaptureJobStatus::Claimed.as_str()))
        .filter(C::ClaimedBy.eq(job.claimed_by.clone().unwrap_or_default()))
        .exec(db)
        .await?;
    Ok(r.rows_affected == 1)
}

/// Marks the order's job done (a capture happened: the job's or an admin's). A `failed` job is
/// done too once someone captured by hand; a canceled one stays canceled. Returns whether a
/// job changed.
pub async fn mark_done<C2: ConnectionTrait>(
    db: &C2,
    order_id: &str,
    now: DateTime<Utc>,
) -> Result<bool, OrderError> {
    let r = capture_job::Entity::update_many()
        .col_expr(C::Status, Expr::value(CaptureJobStatus::Done.as_str()))
        .col_expr(C::LeaseUntil, Expr::value(Option::<DateTime<Utc>>::None))
        .col_expr(C::CompletedAt, Expr::value(now))
        .col_expr(C::UpdatedAt, Expr::value(now))
        .filter(C::OrderId.eq(order_id))
        .filter(C::Status.is_in([
            CaptureJobStatus::Pending.as_str(),
            CaptureJobStatus::Claimed.as_str(),
            CaptureJobStatus::Failed.as_str(),
        ]))
        .exec(db)
        .await?;
    Ok(r.rows_affected > 0)
}

/// Marks the order's job `canceled` (in the order's cancel transaction). Refused while a worker
/// holds a live lease on it (a capture may be at the provider this very moment): the admin
/// retries a moment later. A job that is done stays done (the money was taken; the caller
/// refunds).
pub async fn cancel_for_order<C2: ConnectionTrait>(
    db: &C2,
    order_id: &str,
    now: DateTime<Utc>,
) -> Result<(), OrderError> {
    let Some(job) = find_for_order(db, order_id).await? else {
        return Ok(());
    };
    match job.status {
        CaptureJobStatus::Claimed if job.lease_until.is_some_and(|l| l >= now) => {
            return Err(OrderError::NotAllowed(format!(
                "The payment of order {order_id} is being captured right now; try again in a moment"
            )));
        }
        CaptureJobStatus::Done | CaptureJobStatus::Canceled => return Ok(()),
        _ => {}
    }
    capture_job::Entity::update_many()
        .col_expr(C::Status, Expr::value(CaptureJobStatus::Canceled.as_str()))
        .col_expr(C::LeaseUntil, Expr::value(Option::<DateTime<Utc>>::None))
        .col_expr(C::CompletedAt, Expr::value(now))
        .col_expr(C::UpdatedAt, Expr::value(now))
        .filter(C::Id.eq(job.id.as_str()))
        .exec(db)
        .await?;
    Ok(())
}

/// Jobs not yet done whose authorization expires before `threshold` and that were not flagged
/// yet: flags them and moves pending ones to the front of the queue (`run_at = now`).
pub async fn flag_expiring(
    db: &DatabaseConnection,
    threshold: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<Vec<CaptureJob>, OrderError> {
    let open = [
        CaptureJobStatus::Pending.as_str(),
        CaptureJobStatus::Claimed.as_str(),
        CaptureJobStatus::Failed.as_str(),
    ];
    let rows = capture_job::Entity::find()
        .filter(C::Status.is_in(open))
        .filter(C::ExpiryFlagged.eq(false))
        .filter(C::AuthorizationExpiresAt.lte(threshold))
        .limit(100)
        .all(db)
        .await?;
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<String> = rows.iter().map(|r| r.id.clone()).collect();
    capture_job::Entity::update_many()
        .col_expr(C::ExpiryFlagged, Expr::value(true))
        .col_expr(C::UpdatedAt, Expr::value(now))
        .filter(C::Id.is_in(ids.clone()))
        .exec(db)
        .await?;
    capture_job::Entity::update_many()
        .col_expr(C::RunAt, Expr::value(now))
        .filter(C::Id.is_in(ids))
        .filter(C::Status.eq(CaptureJobStatus::Pending.as_str()))
        .filter(C::RunAt.gt(now))
        .exec(db)
        .await?;
    Ok(rows.into_iter().map(to_job).collect())
}
