//! The only file that queries this module's tables.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Utc};
use medusa_db::filter::{compare, contains_pattern};
use sea_orm::sea_query::{Expr, ExprTrait, Func};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect,
};

use crate::entity::{
    capture, cart_link, collection, payment, refund, refund_reason, session, transaction,
};
use crate::model::{PaymentFilter, RefundReasonFilter};

/// Ids per `IN (...)` list, well under SQLite's and PostgreSQL's bind limits.
pub const MAX_IDS_PER_QUERY: usize = 10_000;

/// A collection's rows: sessions, payments and their captures, refunds and reasons.
pub struct CollectionRows {
    pub collection: collection::Model,
    pub sessions: Vec<session::Model>,
    pub payments: Vec<PaymentRows>,
}

pub struct PaymentRows {
    pub payment: payment::Model,
    pub captures: Vec<capture::Model>,
    pub refunds: Vec<(refund::Model, Option<refund_reason::Model>)>,
}

/// Whether a guarded single-row update applied (see `medusa_db::expect_one_row`).
fn one_row(n: u64) -> Result<bool, sea_orm::DbErr> {
    match n {
        0 => Ok(false),
        1 => Ok(true),
        n => Err(sea_orm::DbErr::Custom(format!(
            "a single-row conditional update changed {n} rows"
        ))),
    }
}

// ---------------------------------------------------------------------------------------------
// Collections and the cart link

pub async fn insert_collection<C: ConnectionTrait>(
    db: &C,
    row: collection::Model,
) -> Result<(), sea_orm::DbErr> {
    collection::Entity::insert(collection::ActiveModel {
        id: Set(row.id),
        currency_code: Set(row.currency_code),
        amount: Set(row.amount),
        authorized_amount: Set(row.authorized_amount),
        captured_amount: Set(row.captured_amount),
        refunded_amount: Set(row.refunded_amount),
        status: Set(row.status),
        completed_at: Set(row.completed_at),
        metadata: Set(row.metadata),
        created_at: Set(row.created_at),
        updated_at: Set(row.updated_at),
        deleted_at: Set(row.deleted_at),
    })
    .exec_without_returning(db)
    .await?;
    Ok(())
}

pub async fn insert_cart_link<C: ConnectionTrait>(
    db: &C,
    cart_id: &str,
    collection_id: &str,
    at: DateTime<Utc>,
) -> Result<(), sea_orm::DbErr> {
    cart_link::Entity::insert(cart_link::ActiveModel {
        cart_id: Set(cart_id.to_owned()),
        payment_collection_id: Set(collection_id.to_owned()),
        created_at: Set(at),
    })
    .exec_without_returning(db)
    .await?;
    Ok(())
}

pub async fn collection_id_for_cart<C: ConnectionTrait>(
    db: &C,
    cart_id: &str,
) -> Result<Option<String>, sea_orm::DbErr> {
    Ok(cart_link::Entity::find_by_id(cart_id.to_owned())
        .one(db)
        .await?
        .map(|l| l.payment_collection_id))
}

pub async fn cart_id_for_collection<C: ConnectionTrait>(
    db: &C,
    collection_id: &str,
) -> Result<Option<String>, sea_orm::DbErr> {
    Ok(cart_link::Entity::find()
        .filter(cart_link::Column::PaymentCollectionId.eq(collection_id))
        .one(db)
        .await?
        .map(|l| l.cart_id))
}

/// The live collection, row-locked on PostgreSQL when `lock` (on SQLite the write transaction
/// already holds the database's write lock).
pub async fn find_collection<C: ConnectionTrait>(
    db: &C,
    id: &str,
    lock: bool,
) -> Result<Option<collection::Model>, sea_orm::DbErr> {
    let q = collection::Entity::find()
        .filter(collection::Column::Id.eq(id))
        .filter(collection::Column::DeletedAt.is_null());
    if lock {
        medusa_db::for_update(db.get_database_backend(), q)
            .one(db)
            .await
    } else {
        q.one(db).await
    }
}

/// Live collections with everything below them, in the order of `ids` (unknown ids skipped).
pub async fn load_collections<C: ConnectionTrait>(
    db: &C,
    ids: &[String],
) -> Result<Vec<CollectionRows>, sea_orm::DbErr> {
    let mut rows = Vec::new();
    for chunk in ids.chunks(MAX_IDS_PER_QUERY) {
        rows.extend(
            collection::Entity::find()
                .filter(collection::Column::Id.is_in(chunk.iter().cloned()))
                .filter(collection::Column::DeletedAt.is_null())
                .all(db)
                .await?,
        );
    }
    let found: Vec<String> = rows.iter().map(|r| r.id.clone()).collect();
    let mut sessions: HashMap<String, Vec<session::Model>> = HashMap::new();
    for s in sessions_of_collections(db, &found).await? {
        sessions
            .entry(s.payment_collection_id.clone())
            .or_default()
            .push(s);
    }
    let mut payments: HashMap<String, Vec<PaymentRows>> = HashMap::new();
    for p in load_payments(db, payments_of_collections(db, &found).await?).await? {
        payments
            .entry(p.payment.payment_collection_id.clone())
            .or_default()
            .push(p);
    }
    let mut by_id: HashMap<String, collection::Model> =
        rows.into_iter().map(|r| (r.id.clone(), r)).collect();
    Ok(ids
        .iter()
        .filter_map(|id| {
            let c = by_id.remove(id)?;
            Some(CollectionRows {
                sessions: sessions.remove(id).unwrap_or_default(),
                payments: payments.remove(id).unwrap_or_default(),
                collection: c,
            })
        })
        .collect())
}

pub async fn set_collection_amount<C: ConnectionTrait>(
    db: &C,
    id: &str,
    currency_code: &str,
    amount: i64,
    at: DateTime<Utc>,
) -> Result<(), sea_orm::DbErr> {
    collection::Entity::update_many()
        .col_expr(collection::Column::CurrencyCode, Expr::value(currency_code))
        .col_expr(collection::Column::Amount, Expr::value(amount))
        .col_expr(collection::Column::UpdatedAt, Expr::value(at))
        .filter(collection::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// Writes the recomputed sums and status.
#[allow(clippy::too_many_arguments)]
pub async fn set_collection_state<C: ConnectionTrait>(
    db: &C,
    id: &str,
    status: &str,
    authorized: i64,
    captured: i64,
    refunded: i64,
    completed_at: Option<DateTime<Utc>>,
    at: DateTime<Utc>,
) -> Result<(), sea_orm::DbErr> {
    collection::Entity::update_many()
        .col_expr(collection::Column::Status, Expr::value(status))
        .col_expr(
            collection::Column::AuthorizedAmount,
            Expr::value(authorized),
        )
        .col_expr(collection::Column::CapturedAmount, Expr::value(captured))
        .col_expr(collection::Column::RefundedAmount, Expr::value(refunded))
        .col_expr(collection::Column::CompletedAt, Expr::value(completed_at))
        .col_expr(collection::Column::UpdatedAt, Expr::value(at))
        .filter(collection::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Sessions

pub async fn insert_session<C: ConnectionTrait>(
    db: &C,
    row: session::Model,
) -> Result<(), sea_orm::DbErr> {
    session::Entity::insert(session::ActiveModel {
        id: Set(row.id),
        payment_collection_id: Set(row.payment_collection_id),
        currency_code: Set(row.currency_code),
        amount: Set(row.amount),
        provider_id: Set(row.provider_id),
        data: Set(row.data),
        context: Set(row.context),
        status: Set(row.status),
        authorized_at: Set(row.authorized_at),
        metadata: Set(row.metadata),
        created_at: Set(row.created_at),
        updated_at: Set(row.updated_at),
        deleted_at: Set(row.deleted_at),
    })
    .exec_without_returning(db)
    .await?;
    Ok(())
}

pub async fn find_session<C: ConnectionTrait>(
    db: &C,
    id: &str,
    lock: bool,
) -> Result<Option<session::Model>, sea_orm::DbErr> {
    let q = session::Entity::find()
        .filter(session::Column::Id.eq(id))
        .filter(session::Column::DeletedAt.is_null());
    if lock {
        medusa_db::for_update(db.get_database_backend(), q)
            .one(db)
            .await
    } else {
        q.one(db).await
    }
}

pub async fn sessions_of_collections<C: ConnectionTrait>(
    db: &C,
    ids: &[String],
) -> Result<Vec<session::Model>, sea_orm::DbErr> {
    let mut out = Vec::new();
    for chunk in ids.chunks(MAX_IDS_PER_QUERY) {
        out.extend(
            session::Entity::find()
                .filter(session::Column::PaymentCollectionId.is_in(chunk.iter().cloned()))
                .filter(session::Column::DeletedAt.is_null())
                .order_by_asc(session::Column::CreatedAt)
                .order_by_asc(session::Column::Id)
                .all(db)
                .await?,
        );
    }
    Ok(out)
}

pub async fn update_session<C: ConnectionTrait>(
    db: &C,
    id: &str,
    data: &serde_json::Value,
    status: &str,
    authorized_at: Option<DateTime<Utc>>,
    at: DateTime<Utc>,
) -> Result<(), sea_orm::DbErr> {
    let mut q = session::Entity::update_many()
        .col_expr(session::Column::Data, Expr::value(data.clone()))
        .col_expr(session::Column::Status, Expr::value(status))
        .col_expr(session::Column::UpdatedAt, Expr::value(at));
    if let Some(a) = authorized_at {
        q = q.col_expr(session::Column::AuthorizedAt, Expr::value(a));
    }
    q.filter(session::Column::Id.eq(id)).exec(db).await?;
    Ok(())
}

pub async fn delete_sessions<C: ConnectionTrait>(
    db: &C,
    ids: &[String],
) -> Result<(), sea_orm::DbErr> {
    for chunk in ids.chunks(MAX_IDS_PER_QUERY) {
        session::Entity::delete_many()
            .filter(session::Column::Id.is_in(chunk.iter().cloned()))
            .exec(db)
            .await?;
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Payments, captures, refunds

pub async fn insert_payment<C: ConnectionTrait>(
    db: &C,
    row: payment::Model,
) -> Result<(), sea_orm::DbErr> {
    payment::Entity::insert(payment::ActiveModel {
        id: Set(row.id),
        payment_collection_id: Set(row.payment_collection_id),
        payment_session_id: Set(row.payment_session_id),
        provider_id: Set(row.provider_id),
        currency_code: Set(row.currency_code),
        amount: Set(row.amount),
        captured_amount: Set(row.captured_amount),
        refunded_amount: Set(row.refunded_amount),
        data: Set(row.data),
        metadata: Set(row.metadata),
        captured_at: Set(row.captured_at),
        canceled_at: Set(row.canceled_at),
        created_at: Set(row.created_at),
        updated_at: Set(row.updated_at),
        deleted_at: Set(row.deleted_at),
    })
    .exec_without_returning(db)
    .await?;
    Ok(())
}

pub async fn find_payment<C: ConnectionTrait>(
    db: &C,
    id: &str,
    lock: bool,
) -> Result<Option<payment::Model>, sea_orm::DbErr> {
    let q = payment::Entity::find()
        .filter(payment::Column::Id.eq(id))
        .filter(payment::Column::DeletedAt.is_null());
    if lock {
        medusa_db::for_update(db.get_database_backend(), q)
            .one(db)
            .await
    } else {
        q.one(db).await
    }
}

pub async fn payment_of_session<C: ConnectionTrait>(
    db: &C,
    session_id: &str,
) -> Result<Option<payment::Model>, sea_orm::DbErr> {
    payment::Entity::find()
        .filter(payment::Column::PaymentSessionId.eq(session_id))
        .filter(payment::Column::DeletedAt.is_null())
        .one(db)
        .await
}

pub async fn payments_of_sessions<C: ConnectionTrait>(
    db: &C,
    session_ids: &[String],
) -> Result<Vec<payment::Model>, sea_orm::DbErr> {
    let mut out = Vec::new();
    for chunk in session_ids.chunks(MAX_IDS_PER_QUERY) {
        out.extend(
            payment::Entity::find()
                .filter(payment::Column::PaymentSessionId.is_in(chunk.iter().cloned()))
                .filter(payment::Column::DeletedAt.is_null())
                .all(db)
                .await?,
        );
    }
    Ok(out)
}

pub async fn payments_of_collections<C: ConnectionTrait>(
    db: &C,
    ids: &[String],
) -> Result<Vec<payment::Model>, sea_orm::DbErr> {
    let mut out = Vec::new();
    for chunk in ids.chunks(MAX_IDS_PER_QUERY) {
        out.extend(
            payment::Entity::find()
                .filter(payment::Column::PaymentCollectionId.is_in(chunk.iter().cloned()))
                .filter(payment::Column::DeletedAt.is_null())
                .order_by_asc(payment::Column::CreatedAt)
                .order_by_asc(payment::Column::Id)
                .all(db)
                .await?,
        );
    }
    Ok(out)
}

/// The payments with their captures and refunds (with reasons), in the given order.
pub async fn load_payments<C: ConnectionTrait>(
    db: &C,
    payments: Vec<payment::Model>,
) -> Result<Vec<PaymentRows>, sea_orm::DbErr> {
    let ids: Vec<String> = payments.iter().map(|p| p.id.clone()).collect();
    let mut captures: HashMap<String, Vec<capture::Model>> = HashMap::new();
    let mut refunds: HashMap<String, Vec<refund::Model>> = HashMap::new();
    for chunk in ids.chunks(MAX_IDS_PER_QUERY) {
        for c in capture::Entity::find()
            .filter(capture::Column::PaymentId.is_in(chunk.iter().cloned()))
            .filter(capture::Column::DeletedAt.is_null())
            .order_by_asc(capture::Column::CreatedAt)
            .order_by_asc(capture::Column::Id)
            .all(db)
            .await?
        {
            captures.entry(c.payment_id.clone()).or_default().push(c);
        }
        for r in refund::Entity::find()
            .filter(refund::Column::PaymentId.is_in(chunk.iter().cloned()))
            .filter(refund::Column::DeletedAt.is_null())
            .order_by_asc(refund::Column::CreatedAt)
            .order_by_asc(refund::Column::Id)
            .all(db)
            .await?
        {
            refunds.entry(r.payment_id.clone()).or_default().push(r);
        }
    }
    let reason_ids: Vec<String> = refunds
        .values()
        .flatten()
        .filter_map(|r| r.refund_reason_id.clone())
        .collect();
    let reasons: HashMap<String, refund_reason::Model> = refund_reasons_by_ids(db, &reason_ids)
        .await?
        .into_iter()
        .map(|r| (r.id.clone(), r))
        .collect();
    Ok(payments
        .into_iter()
        .map(|p| PaymentRows {
            captures: captures.remove(&p.id).unwrap_or_default(),
            refunds: refunds
                .remove(&p.id)
                .unwrap_or_default()
                .into_iter()
                .map(|r| {
                    let reason = r
                        .refund_reason_id
                        .as_ref()
                        .and_then(|id| reasons.get(id).cloned());
                    (r, reason)
                })
                .collect(),
            payment: p,
        })
        .collect())
}

/// `captured_amount += n` (and `captured_at` when that makes it whole), guarded so the sum can
/// never exceed the authorized amount; `false` when the guard failed.
pub async fn add_captured<C: ConnectionTrait>(
    db: &C,
    id: &str,
    n: i64,
    at: DateTime<Utc>,
) -> Result<bool, sea_orm::DbErr> {
    let whole = Expr::col(payment::Column::CapturedAmount)
        .add(n)
        .gte(Expr::col(payment::Column::Amount));
    let r = payment::Entity::update_many()
        .col_expr(
            payment::Column::CapturedAt,
            Expr::case(whole, Expr::value(at))
                .finally(Expr::col(payment::Column::CapturedAt))
                .into(),
        )
        .col_expr(
            payment::Column::CapturedAmount,
            Expr::col(payment::Column::CapturedAmount).add(n),
        )
        .col_expr(payment::Column::UpdatedAt, Expr::value(at))
        .filter(payment::Column::Id.eq(id))
        .filter(payment::Column::CanceledAt.is_null())
        .filter(
            Expr::col(payment::Column::CapturedAmount)
                .add(n)
                .lte(Expr::col(payment::Column::Amount)),
        )
        .exec(db)
        .await?;
    one_row(r.rows_affected)
}

/// Undoes [`add_captured`] after the provider refused the capture.
pub async fn remove_captured<C: ConnectionTrait>(
    db: &C,
    id: &str,
    n: i64,
    at: DateTime<Utc>,
) -> Result<(), sea_orm::DbErr> {
    payment::Entity::update_many()
        .col_expr(
            payment::Column::CapturedAmount,
            Expr::col(payment::Column::CapturedAmount).sub(n),
        )
        .col_expr(
            payment::Column::CapturedAt,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .col_expr(payment::Column::UpdatedAt, Expr::value(at))
        .filter(payment::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// `refunded_amount += n`, guarded so refunds never exceed captures; `false` when the guard
/// failed.
pub async fn add_refunded<C: ConnectionTrait>(
    db: &C,
    id: &str,
    n: i64,
    at: DateTime<Utc>,
) -> Result<bool, sea_orm::DbErr> {
    let r = payment::Entity::update_many()
        .col_expr(
            payment::Column::RefundedAmount,
            Expr::col(payment::Column::RefundedAmount).add(n),
        )
        .col_expr(payment::Column::UpdatedAt, Expr::value(at))
        .filter(payment::Column::Id.eq(id))
        .filter(
            Expr::col(payment::Column::RefundedAmount)
                .add(n)
                .lte(Expr::col(payment::Column::CapturedAmount)),
        )
        .exec(db)
        .await?;
    one_row(r.rows_affected)
}

pub async fn remove_refunded<C: ConnectionTrait>(
    db: &C,
    id: &str,
    n: i64,
    at: DateTime<Utc>,
) -> Result<(), sea_orm::DbErr> {
    payment::Entity::update_many()
        .col_expr(
            payment::Column::RefundedAmount,
            Expr::col(payment::Column::RefundedAmount).sub(n),
        )
        .col_expr(payment::Column::UpdatedAt, Expr::value(at))
        .filter(payment::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

pub async fn set_payment_data<C: ConnectionTrait>(
    db: &C,
    id: &str,
    data: &serde_json::Value,
    at: DateTime<Utc>,
) -> Result<(), sea_orm::DbErr> {
    payment::Entity::update_many()
        .col_expr(payment::Column::Data, Expr::value(data.clone()))
        .col_expr(payment::Column::UpdatedAt, Expr::value(at))
        .filter(payment::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

pub async fn set_payment_canceled<C: ConnectionTrait>(
    db: &C,
    id: &str,
    at: DateTime<Utc>,
) -> Result<(), sea_orm::DbErr> {
    payment::Entity::update_many()
        .col_expr(payment::Column::CanceledAt, Expr::value(at))
        .col_expr(payment::Column::UpdatedAt, Expr::value(at))
        .filter(payment::Column::Id.eq(id))
        .filter(payment::Column::CanceledAt.is_null())
        .exec(db)
        .await?;
    Ok(())
}

pub async fn insert_capture<C: ConnectionTrait>(
    db: &C,
    row: capture::Model,
) -> Result<(), sea_orm::DbErr> {
    capture::Entity::insert(capture::ActiveModel {
        id: Set(row.id),
        payment_id: Set(row.payment_id),
        amount: Set(row.amount),
        created_by: Set(row.created_by),
        metadata: Set(row.metadata),
        created_at: Set(row.created_at),
        updated_at: Set(row.updated_at),
        deleted_at: Set(row.deleted_at),
    })
    .exec_without_returning(db)
    .await?;
    Ok(())
}

pub async fn delete_capture<C: ConnectionTrait>(db: &C, id: &str) -> Result<(), sea_orm::DbErr> {
    capture::Entity::delete_by_id(id.to_owned())
        .exec(db)
        .await?;
    Ok(())
}

pub async fn insert_refund<C: ConnectionTrait>(
    db: &C,
    row: refund::Model,
) -> Result<(), sea_orm::DbErr> {
    refund::Entity::insert(refund::ActiveModel {
        id: Set(row.id),
        payment_id: Set(row.payment_id),
        amount: Set(row.amount),
        note: Set(row.note),
        refund_reason_id: Set(row.refund_reason_id),
        created_by: Set(row.created_by),
        metadata: Set(row.metadata),
        created_at: Set(row.created_at),
        updated_at: Set(row.updated_at),
        deleted_at: Set(row.deleted_at),
    })
    .exec_without_returning(db)
    .await?;
    Ok(())
}

pub async fn delete_refund<C: ConnectionTrait>(db: &C, id: &str) -> Result<(), sea_orm::DbErr> {
    refund::Entity::delete_by_id(id.to_owned()).exec(db).await?;
    Ok(())
}

/// One page of live payments and the total count.
pub async fn list_payments<C: ConnectionTrait>(
    db: &C,
    f: &PaymentFilter,
) -> Result<(Vec<payment::Model>, u64), sea_orm::DbErr> {
    let mut cond = Condition::all().add(payment::Column::DeletedAt.is_null());
    if let Some(ids) = &f.ids {
        cond = cond.add(payment::Column::Id.is_in(ids.iter().cloned()));
    }
    if let Some(ids) = &f.payment_session_ids {
        cond = cond.add(payment::Column::PaymentSessionId.is_in(ids.iter().cloned()));
    }
    if let Some(q) = f.q.as_deref().filter(|q| !q.is_empty()) {
        let like =
            |c: payment::Column| Expr::expr(Func::lower(Expr::col(c))).like(contains_pattern(q));
        cond = cond.add(
            Condition::any()
                .add(like(payment::Column::Id))
                .add(like(payment::Column::ProviderId))
                .add(like(payment::Column::CurrencyCode)),
        );
    }
    if let Some(c) = &f.created_at {
        cond = compare(cond, payment::Column::CreatedAt, c);
    }
    if let Some(c) = &f.updated_at {
        cond = compare(cond, payment::Column::UpdatedAt, c);
    }
    let count = payment::Entity::find()
        .filter(cond.clone())
        .count(db)
        .await?;
    let mut q = payment::Entity::find().filter(cond);
    q = match &f.order {
        Some(o) => {
            let col = match o.field.as_str() {
                "id" => payment::Column::Id,
                "amount" => payment::Column::Amount,
                "currency_code" => payment::Column::CurrencyCode,
                "captured_at" => payment::Column::CapturedAt,
                "updated_at" => payment::Column::UpdatedAt,
                _ => payment::Column::CreatedAt,
            };
            match o.direction {
                medusa_core::request::Direction::Asc => q.order_by_asc(col),
                medusa_core::request::Direction::Desc => q.order_by_desc(col),
            }
        }
        None => q.order_by_asc(payment::Column::CreatedAt),
    };
    let rows = q
        .order_by_asc(payment::Column::Id)
        .offset(f.offset)
        .limit(f.limit)
        .all(db)
        .await?;
    Ok((rows, count))
}

// ---------------------------------------------------------------------------------------------
// The ledger

pub async fn insert_transaction<C: ConnectionTrait>(
    db: &C,
    row: transaction::Model,
) -> Result<(), sea_orm::DbErr> {
    transaction::Entity::insert(transaction::ActiveModel {
        id: Set(row.id),
        kind: Set(row.kind),
        amount: Set(row.amount),
        currency_code: Set(row.currency_code),
        payment_id: Set(row.payment_id),
        reference_id: Set(row.reference_id),
        created_at: Set(row.created_at),
    })
    .exec_without_returning(db)
    .await?;
    Ok(())
}

pub async fn delete_transactions_of_reference<C: ConnectionTrait>(
    db: &C,
    reference_id: &str,
) -> Result<(), sea_orm::DbErr> {
    transaction::Entity::delete_many()
        .filter(transaction::Column::ReferenceId.eq(reference_id))
        .exec(db)
        .await?;
    Ok(())
}

pub async fn transactions_of_payments<C: ConnectionTrait>(
    db: &C,
    payment_ids: &[String],
) -> Result<Vec<transaction::Model>, sea_orm::DbErr> {
    let mut out = Vec::new();
    for chunk in payment_ids.chunks(MAX_IDS_PER_QUERY) {
        out.extend(
            transaction::Entity::find()
                .filter(transaction::Column::PaymentId.is_in(chunk.iter().cloned()))
                .order_by_asc(transaction::Column::CreatedAt)
                .order_by_asc(transaction::Column::Id)
                .all(db)
                .await?,
        );
    }
    Ok(out)
}

// ---------------------------------------------------------------------------------------------
// Refund reasons

pub async fn insert_refund_reason<C: ConnectionTrait>(
    db: &C,
    row: refund_reason::Model,
) -> Result<(), sea_orm::DbErr> {
    refund_reason::Entity::insert(refund_reason::ActiveModel {
        id: Set(row.id),
        label: Set(row.label),
        code: Set(row.code),
        description: Set(row.description),
        metadata: Set(row.metadata),
        created_at: Set(row.created_at),
        updated_at: Set(row.updated_at),
        deleted_at: Set(row.deleted_at),
    })
    .exec_without_returning(db)
    .await?;
    Ok(())
}

pub async fn find_refund_reason<C: ConnectionTrait>(
    db: &C,
    id: &str,
) -> Result<Option<refund_reason::Model>, sea_orm::DbErr> {
    refund_reason::Entity::find()
        .filter(refund_reason::Column::Id.eq(id))
        .filter(refund_reason::Column::DeletedAt.is_null())
        .one(db)
        .await
}

/// Reasons by id, deleted ones included (a refund keeps showing the reason it was given).
pub async fn refund_reasons_by_ids<C: ConnectionTrait>(
    db: &C,
    ids: &[String],
) -> Result<Vec<refund_reason::Model>, sea_orm::DbErr> {
    let mut out = Vec::new();
    let unique: BTreeMap<&String, ()> = ids.iter().map(|i| (i, ())).collect();
    let ids: Vec<String> = unique.into_keys().cloned().collect();
    for chunk in ids.chunks(MAX_IDS_PER_QUERY) {
        out.extend(
            refund_reason::Entity::find()
                .filter(refund_reason::Column::Id.is_in(chunk.iter().cloned()))
                .all(db)
                .await?,
        );
    }
    Ok(out)
}

pub async fn list_refund_reasons<C: ConnectionTrait>(
    db: &C,
    f: &RefundReasonFilter,
) -> Result<(Vec<refund_reason::Model>, u64), sea_orm::DbErr> {
    let mut cond = Condition::all().add(refund_reason::Column::DeletedAt.is_null());
    if let Some(ids) = &f.ids {
        cond = cond.add(refund_reason::Column::Id.is_in(ids.iter().cloned()));
    }
    if let Some(q) = f.q.as_deref().filter(|q| !q.is_empty()) {
        let like = |c: refund_reason::Column| {
            Expr::expr(Func::lower(Expr::col(c))).like(contains_pattern(q))
        };
        cond = cond.add(
            Condition::any()
                .add(like(refund_reason::Column::Label))
                .add(like(refund_reason::Column::Code))
                .add(like(refund_reason::Column::Description)),
        );
    }
    if let Some(c) = &f.created_at {
        cond = compare(cond, refund_reason::Column::CreatedAt, c);
    }
    if let Some(c) = &f.updated_at {
        cond = compare(cond, refund_reason::Column::UpdatedAt, c);
    }
    let count = refund_reason::Entity::find()
        .filter(cond.clone())
        .count(db)
        .await?;
    let mut q = refund_reason::Entity::find().filter(cond);
    q = match &f.order {
        Some(o) => {
            let col = match o.field.as_str() {
                "id" => refund_reason::Column::Id,
                "label" => refund_reason::Column::Label,
                "code" => refund_reason::Column::Code,
                "updated_at" => refund_reason::Column::UpdatedAt,
                _ => refund_reason::Column::CreatedAt,
            };
            match o.direction {
                medusa_core::request::Direction::Asc => q.order_by_asc(col),
                medusa_core::request::Direction::Desc => q.order_by_desc(col),
            }
        }
        None => q.order_by_asc(refund_reason::Column::CreatedAt),
    };
    let rows = q
        .order_by_asc(refund_reason::Column::Id)
        .offset(f.offset)
        .limit(f.limit)
        .all(db)
        .await?;
    Ok((rows, count))
}

pub async fn update_refund_reason<C: ConnectionTrait>(
    db: &C,
    row: refund_reason::Model,
) -> Result<(), sea_orm::DbErr> {
    refund_reason::Entity::update_many()
        .col_expr(refund_reason::Column::Label, Expr::value(row.label))
        .col_expr(refund_reason::Column::Code, Expr::value(row.code))
        .col_expr(
            refund_reason::Column::Description,
            Expr::value(row.description),
        )
        .col_expr(refund_reason::Column::Metadata, Expr::value(row.metadata))
        .col_expr(
            refund_reason::Column::UpdatedAt,
            Expr::value(row.updated_at),
        )
        .filter(refund_reason::Column::Id.eq(row.id))
        .exec(db)
        .await?;
    Ok(())
}

pub async fn soft_delete_refund_reason<C: ConnectionTrait>(
    db: &C,
    id: &str,
    at: DateTime<Utc>,
) -> Result<(), sea_orm::DbErr> {
    refund_reason::Entity::update_many()
        .col_expr(refund_reason::Column::DeletedAt, Expr::value(at))
        .col_expr(refund_reason::Column::UpdatedAt, Expr::value(at))
        .filter(refund_reason::Column::Id.eq(id))
        .filter(refund_reason::Column::DeletedAt.is_null())
        .exec(db)
        .await?;
    Ok(())
}

/// The capture recorded under the caller's idempotency key, if any: `(capture_id, amount)`.
pub async fn capture_by_key<C: ConnectionTrait>(
    db: &C,
    payment_id: &str,
    key: &str,
) -> Result<Option<(String, i64)>, sea_orm::DbErr> {
    use crate::entity::capture_idempotency;
    let Some(k) = capture_idempotency::Entity::find()
        .filter(capture_idempotency::Column::IdempotencyKey.eq(key))
        .filter(capture_idempotency::Column::PaymentId.eq(payment_id))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    Ok(capture::Entity::find_by_id(k.capture_id.clone())
        .one(db)
        .await?
        .map(|c| (c.id, c.amount)))
}

pub async fn insert_capture_key<C: ConnectionTrait>(
    db: &C,
    capture_id: &str,
    payment_id: &str,
    key: &str,
    now: DateTime<Utc>,
) -> Result<(), sea_orm::DbErr> {
    use crate::entity::capture_idempotency;
    capture_idempotency::Entity::insert(capture_idempotency::ActiveModel {
        capture_id: Set(capture_id.to_owned()),
        payment_id: Set(payment_id.to_owned()),
        idempotency_key: Set(key.to_owned()),
        created_at: Set(now),
    })
    .exec_without_returning(db)
    .await?;
    Ok(())
}

pub async fn delete_capture_key<C: ConnectionTrait>(
    db: &C,
    capture_id: &str,
) -> Result<(), sea_orm::DbErr> {
    use crate::entity::capture_idempotency;
    capture_idempotency::Entity::delete_by_id(capture_id.to_owned())
        .exec(db)
        .await?;
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Provider webhooks and provider references

/// Records a provider's webhook event id; `true` when this is its first delivery. The primary
/// key decides under concurrency (insert-or-ignore on both backends).
pub async fn insert_webhook_event<C: ConnectionTrait>(
    db: &C,
    provider_id: &str,
    event_id: &str,
    event_type: &str,
    at: DateTime<Utc>,
) -> Result<bool, sea_orm::DbErr> {
    let backend = db.get_database_backend();
    let sql = match backend {
        sea_orm::DbBackend::Postgres => {
            "INSERT INTO payment_webhook_event (provider_id, event_id, event_type, received_at) \
             VALUES ($1, $2, $3, $4) ON CONFLICT (provider_id, event_id) DO NOTHING"
        }
        _ => {
            "INSERT INTO payment_webhook_event (provider_id, event_id, event_type, received_at) \
             VALUES (?, ?, ?, ?) ON CONFLICT (provider_id, event_id) DO NOTHING"
        }
    };
    let r = db
        .execute_raw(sea_orm::Statement::from_sql_and_values(
            backend,
            sql,
            [
                provider_id.into(),
                event_id.into(),
                event_type.into(),
                at.into(),
            ],
        ))
        .await?;
    Ok(r.rows_affected() == 1)
}

/// Forgets a webhook event whose handling failed, so the provider's redelivery is handled.
pub async fn delete_webhook_event<C: ConnectionTrait>(
    db: &C,
    provider_id: &str,
    event_id: &str,
) -> Result<(), sea_orm::DbErr> {
    let backend = db.get_database_backend();
    let sql = match backend {
        sea_orm::DbBackend::Postgres => {
            "DELETE FROM payment_webhook_event WHERE provider_id = $1 AND event_id = $2"
        }
        _ => "DELETE FROM payment_webhook_event WHERE provider_id = ? AND event_id = ?",
    };
    db.execute_raw(sea_orm::Statement::from_sql_and_values(
        backend,
        sql,
        [provider_id.into(), event_id.into()],
    ))
    .await?;
    Ok(())
}

/// The collection of the (not deleted) session of `provider_id` whose data's `id` is
/// `reference` (Stripe: the PaymentIntent id). The expression matches the
/// `idx_payment_session_data_id` index of migration 0003.
pub async fn collection_for_provider_reference<C: ConnectionTrait>(
    db: &C,
    provider_id: &str,
    reference: &str,
) -> Result<Option<String>, sea_orm::DbErr> {
    let backend = db.get_database_backend();
    let sql = match backend {
        sea_orm::DbBackend::Postgres => {
            "SELECT payment_collection_id FROM payment_session \
             WHERE (data->>'id') = $1 AND provider_id = $2 AND deleted_at IS NULL \
             ORDER BY created_at DESC LIMIT 1"
        }
        _ => {
            "SELECT payment_collection_id FROM payment_session \
             WHERE json_extract(data, '$.id') = ? AND provider_id = ? AND deleted_at IS NULL \
             ORDER BY created_at DESC LIMIT 1"
        }
    };
    let row = db
        .query_one_raw(sea_orm::Statement::from_sql_and_values(
            backend,
            sql,
            [reference.into(), provider_id.into()],
        ))
        .await?;
    row.map(|r| r.try_get::<String>("", "payment_collection_id"))
        .transpose()
}
