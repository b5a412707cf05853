//! Read-only counts over the `order_capture_job` table for monitoring (the api's `/metrics`):
//! the whole cluster's view, since every worker and api process shares the table.

use sea_orm::{
    ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter, QuerySelect,
};

use crate::entity::capture_job::{self, Column as C};
use crate::error::OrderError;
use crate::model::CaptureJobStatus;

/// Capture jobs by status, and the open ones flagged for an expiring authorization.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CaptureJobCounts {
    pub pending: u64,
    pub claimed: u64,
    pub done: u64,
    pub failed: u64,
    pub canceled: u64,
    /// Not done or canceled, and flagged because the authorization expires soon.
    pub expiring_authorization: u64,
}

impl CaptureJobCounts {
    /// `(status, count)` for every status, zeros included.
    pub fn by_status(&self) -> [(CaptureJobStatus, u64); 5] {
        [
            (CaptureJobStatus::Pending, self.pending),
            (CaptureJobStatus::Claimed, self.claimed),
            (CaptureJobStatus::Done, self.done),
            (CaptureJobStatus::Failed, self.failed),
            (CaptureJobStatus::Canceled, self.canceled),
        ]
    }
}

/// Two small aggregate queries (the `status, run_at` index serves the first).
pub async fn capture_job_counts(db: &DatabaseConnection) -> Result<CaptureJobCounts, OrderError> {
    let rows: Vec<(String, i64)> = capture_job::Entity::find()
        .select_only()
        .column(C::Status)
        .column_as(C::Id.count(), "n")
        .group_by(C::Status)
        .into_tuple()
        .all(db)
        .await?;
    let mut counts = CaptureJobCounts::default();
    for (status, n) in rows {
        let n = u64::try_from(n).unwrap_or(0);
        match CaptureJobStatus::parse(&status) {
            Some(CaptureJobStatus::Pending) => counts.pending += n,
            Some(CaptureJobStatus::Claimed) => counts.claimed += n,
            Some(CaptureJobStatus::Done) => counts.done += n,
            Some(CaptureJobStatus::Canceled) => counts.canceled += n,
            // An unknown status reads as failed, as everywhere else in this module.
            Some(CaptureJobStatus::Failed) | None => counts.failed += n,
        }
    }
    counts.expiring_authorization = capture_job::Entity::find()
        .filter(C::ExpiryFlagged.eq(true))
        .filter(C::Status.is_in([
            CaptureJobStatus::Pending.as_str(),
            CaptureJobStatus::Claimed.as_str(),
            CaptureJobStatus::Failed.as_str(),
        ]))
        .count(db)
        .await?;
    Ok(counts)
}
