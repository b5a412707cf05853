use std::sync::Arc;

use async_trait::async_trait;
use chrono::{DateTime, SubsecRound, Utc};
use medusa_core::id::{
    CaptureId, CartId, PaymentCollectionId, PaymentId, PaymentSessionId, RefundId,
};
use medusa_core::{Amount, Clock, CurrencyCode, MinorUnits};
use medusa_db::begin_write;
use sea_orm::{DatabaseConnection, DatabaseTransaction, SqlErr};
use serde_json::{Value, json};

use crate::entity::{capture, collection, payment, refund, refund_reason, session, transaction};
use crate::error::PaymentError;
use crate::model::{
    Capture, CapturePayment, CollectionStatus, CreateRefundReason, Payment, PaymentCollection,
    PaymentFilter, PaymentSession, PaymentTransactionId, Refund, RefundPayment, RefundReason,
    RefundReasonFilter, RefundReasonId, SessionStatus, Transaction, TransactionKind,
    UpdateRefundReason,
};
use crate::provider::{PaymentProvider, ProviderRegistry, ProviderRequest};
use crate::repo::{self, CollectionRows, PaymentRows};

/// The payment module's service. See the crate docs for the semantics of each operation.
/// A select-list item reading the id of the payment collection linked to the cart whose id is
/// the SQL expression `cart_id` (NULL without one), named `payment_collection_id`: the cart
/// module reads it in the same statement as the cart, so a cart change knows without another
/// round trip whether there is a collection to keep in step.
pub fn cart_link_select_item(cart_id: &str) -> String {
    format!(
        "(SELECT payment_collection_id FROM cart_payment_collection WHERE cart_id = {cart_id}) \
         AS payment_collection_id"
    )
}

#[async_trait]
pub trait PaymentService: Send + Sync {
    // --- collections -----------------------------------------------------------------------------
    /// The cart's collection, created (status `not_paid`, no sessions) with `amount` and
    /// `currency` when the cart has none yet. Concurrent calls for one cart return the same
    /// collection.
    async fn create_collection_for_cart(
        &self,
        cart_id: &CartId,
        currency: &CurrencyCode,
        amount: Amount,
    ) -> Result<PaymentCollection, PaymentError>;
    /// The cart's collection with its sessions and payments, if it has one.
    async fn collection_for_cart(
        &self,
        cart_id: &CartId,
    ) -> Result<Option<PaymentCollection>, PaymentError>;
    /// The cart a collection was created for (the `cart_payment_collection` link).
    async fn cart_of_collection(
        &self,
        id: &PaymentCollectionId,
    ) -> Result<Option<CartId>, PaymentError>;
    async fn retrieve_collection(
        &self,
        id: &PaymentCollectionId,
    ) -> Result<PaymentCollection, PaymentError>;
    /// Collections with sessions and payments (captures, refunds), in the order of `ids`;
    /// unknown ids are skipped. For rendering orders' `payment_collections`.
    async fn list_collections(
        &self,
        ids: &[PaymentCollectionId],
    ) -> Result<Vec<PaymentCollection>, PaymentError>;
    /// Medusa's cart refresh: when `amount` or `currency` differ from the cart's collection,
    /// every session is deleted (provider `cancel`) and the collection takes the new amount
    /// (status `not_paid`); the shopper then starts a new session. `None` when the collection does
    /// not exist. Refused ([`PaymentError::AlreadyAuthorized`]) once a live payment exists.
    /// The caller reads the collection's id with the cart ([`cart_link_select_item`]).
    async fn sync_collection_amount(
        &self,
        collection_id: &str,
        amount: Amount,
        currency: &CurrencyCode,
    ) -> Result<Option<PaymentCollection>, PaymentError>;

    // --- sessions ---------------------------------------------------------------------------------
    /// Starts a session with the provider for the collection's amount and deletes the
    /// collection's other sessions (provider `cancel`): one active session per collection.
    /// `data` is the client's provider input; `context` is built by the caller (never the
    /// client's): `{}` for guests, `{customer: {id}}` for a logged-in customer.
    async fn create_session(
        &self,
        collection_id: &PaymentCollectionId,
        provider_id: &str,
        data: Value,
        context: Value,
    ) -> Result<PaymentSession, PaymentError>;
    /// Authorizes the session with its provider and records the payment and an `authorization`
    /// transaction (plus a full capture when the provider captured automatically). Idempotent:
    /// a session already authorized returns its payment without calling the provider, also
    /// under concurrency (one payment per session, enforced by the schema). A provider status
    /// other than authorized/captured is stored on the session and answered with
    /// [`PaymentError::NotAuthorized`]; so is a session whose payment was canceled.
    async fn authorize_session(
        &self,
        session_id: &PaymentSessionId,
        context: &Value,
    ) -> Result<Payment, PaymentError>;

    // --- payments ---------------------------------------------------------------------------------
    async fn retrieve_payment(&self, id: &PaymentId) -> Result<Payment, PaymentError>;
    async fn list_payments(
        &self,
        filter: &PaymentFilter,
    ) -> Result<(Vec<Payment>, u64), PaymentError>;
    /// Captures `amount` (default: the payment's amount). Refused when canceled or over the
    /// authorized amount minus what is captured; a no-op once fully captured. The capture row,
    /// the payment's sum and a `capture` transaction are written under the payment's row lock
    /// (guarded update) before the provider call (idempotency key `capture:{capture_id}`),
    /// and removed again if the provider refuses.
    async fn capture_payment(&self, input: CapturePayment) -> Result<Payment, PaymentError>;
    /// The delayed capture's capture: like [`PaymentService::capture_payment`] (default amount:
    /// what is left to capture), with the caller's deterministic `idempotency_key`, stored with
    /// the capture row before the provider is called. When a capture under that key was already
    /// recorded (the process died, or the answer was lost, after it was written), the provider
    /// is called again with the same key and amount (the provider replays its answer: the money
    /// moves at most once) instead of recording a second capture. A payment fully captured
    /// otherwise (an admin), or an amount of zero with no capture under the key, is returned
    /// without a provider call.
    async fn capture_payment_keyed(
        &self,
        input: CapturePayment,
        idempotency_key: &str,
    ) -> Result<Payment, PaymentError>;
    /// Refunds `amount` (default: the payment's amount). Refused when the refunds would exceed
    /// the captures. Same write-then-call pattern as capture (`refund:{refund_id}`).
    async fn refund_payment(&self, input: RefundPayment) -> Result<Payment, PaymentError>;
    /// Cancels the payment with its provider (`cancel:{payment_id}`) and sets `canceled_at`;
    /// its session becomes `canceled`, so the collection is no longer authorized by it.
    /// Canceling a canceled payment is a no-op.
    async fn cancel_payment(&self, id: &PaymentId) -> Result<Payment, PaymentError>;
    /// The ledger rows of the payments, oldest first.
    async fn transactions(
        &self,
        payment_ids: &[PaymentId],
    ) -> Result<Vec<Transaction>, PaymentError>;

    // --- refund reasons ---------------------------------------------------------------------------
    async fn create_refund_reason(
        &self,
        input: CreateRefundReason,
    ) -> Result<RefundReason, PaymentError>;
    async fn retrieve_refund_reason(&self, id: &str) -> Result<RefundReason, PaymentError>;
    async fn list_refund_reasons(
        &self,
        filter: &RefundReasonFilter,
    ) -> Result<(Vec<RefundReason>, u64), PaymentError>;
    async fn update_refund_reason(
        &self,
        id: &str,
        input: UpdateRefundReason,
    ) -> Result<RefundReason, PaymentError>;
    /// Soft-deletes; refunds keep showing the reason they were given. Unknown ids are a no-op.
    async fn delete_refund_reason(&self, id: &str) -> Result<(), PaymentError>;

    /// The registered provider ids, sorted.
    fn provider_ids(&self) -> Vec<String>;

    // --- provider webhooks ------------------------------------------------------------------------
    /// Records a provider's webhook event id; `true` for its first delivery only (a unique key
    /// decides, also under concurrency), so a replayed event is not acted on twice.
    async fn claim_webhook_event(
        &self,
        provider_id: &str,
        event_id: &str,
        event_type: &str,
    ) -> Result<bool, PaymentError>;
    /// Forgets an event whose handling failed, so the provider's redelivery is handled.
    async fn release_webhook_event(
        &self,
        provider_id: &str,
        event_id: &str,
    ) -> Result<(), PaymentError>;
    async fn retrieve_session(&self, id: &PaymentSessionId)
    -> Result<PaymentSession, PaymentError>;
    /// The collection holding `provider_id`'s session whose provider data has `id ==
    /// reference` (Stripe: the PaymentIntent id).
    async fn collection_for_provider_reference(
        &self,
        provider_id: &str,
        reference: &str,
    ) -> Result<Option<PaymentCollectionId>, PaymentError>;
    /// Stores what the provider reports about a session that has no payment yet (its data and
    /// status, e.g. `error` after a failed card, `canceled`). A session with a payment is left
    /// alone: authorize, capture and cancel own it then.
    async fn update_session_from_provider(
        &self,
        id: &PaymentSessionId,
        data: Value,
        status: SessionStatus,
    ) -> Result<(), PaymentError>;
    /// Records a capture that happened at the provider without us (Stripe's dashboard, a
    /// capture whose answer was lost): raises the payment's captured sum to `captured_total`
    /// (capped at the authorized amount) with one capture row and ledger row for the
    /// difference, without calling the provider. Idempotent: the difference is computed under
    /// the payment's row lock, so a repeat or a capture we made ourselves records nothing.
    async fn record_provider_capture(
        &self,
        payment_id: &PaymentId,
        captured_total: Amount,
    ) -> Result<Payment, PaymentError>;
}

pub struct DbPaymentService {
    db: DatabaseConnection,
    clock: Arc<dyn Clock>,
    providers: ProviderRegistry,
}

impl DbPaymentService {
    pub fn new(db: DatabaseConnection, clock: Arc<dyn Clock>, providers: ProviderRegistry) -> Self {
        DbPaymentService {
            db,
            clock,
            providers,
        }
    }

    /// Microsecond precision, which is what PostgreSQL stores.
    fn now(&self) -> DateTime<Utc> {
        self.clock.now().trunc_subsecs(6)
    }

    fn provider(&self, id: &str) -> Result<Arc<dyn PaymentProvider>, PaymentError> {
        self.providers
            .get(id)
            .ok_or_else(|| PaymentError::ProviderNotFound(id.to_owned()))
    }
}

// ---------------------------------------------------------------------------------------------
// Row -> domain conversions. Rows are written only by this module, with valid values.

fn currency(code: &str) -> CurrencyCode {
    CurrencyCode::parse(code).unwrap_or(CurrencyCode::XXX)
}

fn amount(minor: i64, cur: &CurrencyCode) -> Amount {
    MinorUnits(minor).to_amount(cur)
}

/// An amount in the currency's minor units; refuses negative amounts and amounts finer than
/// the currency (they could not be charged as shown).
fn to_minor(a: Amount, cur: &CurrencyCode) -> Result<i64, PaymentError> {
    if a < Amount::ZERO {
        return Err(PaymentError::InvalidData(
            "Amount must not be negative".into(),
        ));
    }
    a.to_minor(cur)
        .map(|m| m.0)
        .map_err(|e| PaymentError::InvalidData(e.to_string()))
}

fn positive_minor(a: Amount, cur: &CurrencyCode) -> Result<i64, PaymentError> {
    let n = to_minor(a, cur)?;
    if n == 0 {
        return Err(PaymentError::InvalidData(
            "Amount must be greater than 0".into(),
        ));
    }
    Ok(n)
}

fn to_session(row: session::Model, payment_id: Option<PaymentId>) -> PaymentSession {
    let cur = currency(&row.currency_code);
    PaymentSession {
        id: PaymentSessionId::parse(&row.id).unwrap_or_default(),
        payment_collection_id: PaymentCollectionId::parse(&row.payment_collection_id)
            .unwrap_or_default(),
        amount: amount(row.amount, &cur),
        currency_code: cur,
        provider_id: row.provider_id,
        data: row.data,
        context: row.context.unwrap_or_else(|| json!({})),
        status: SessionStatus::parse(&row.status).unwrap_or(SessionStatus::Pending),
        authorized_at: row.authorized_at,
        payment_id,
        metadata: row.metadata,
        created_at: row.created_at,
        updated_at: row.updated_at,
    }
}

fn to_reason(row: refund_reason::Model) -> RefundReason {
    RefundReason {
        id: RefundReasonId::parse(&row.id).unwrap_or_default(),
        label: row.label,
        code: row.code,
        description: row.description,
        metadata: row.metadata,
        created_at: row.created_at,
        updated_at: row.updated_at,
        deleted_at: row.deleted_at,
    }
}

fn to_payment(rows: PaymentRows) -> Payment {
    let p = rows.payment;
    let cur = currency(&p.currency_code);
    let id = PaymentId::parse(&p.id).unwrap_or_default();
    Payment {
        captures: rows
            .captures
            .into_iter()
            .map(|c| Capture {
                id: CaptureId::parse(&c.id).unwrap_or_default(),
                payment_id: id.clone(),
                amount: amount(c.amount, &cur),
                created_by: c.created_by,
                metadata: c.metadata,
                created_at: c.created_at,
                updated_at: c.updated_at,
            })
            .collect(),
        refunds: rows
            .refunds
            .into_iter()
            .map(|(r, reason)| Refund {
                id: RefundId::parse(&r.id).unwrap_or_default(),
                payment_id: id.clone(),
                amount: amount(r.amount, &cur),
                note: r.note,
                refund_reason_id: r
                    .refund_reason_id
                    .as_deref()
                    .and_then(|s| RefundReasonId::parse(s).ok()),
                refund_reason: reason.map(to_reason),
                created_by: r.created_by,
                metadata: r.metadata,
                created_at: r.created_at,
                updated_at: r.updated_at,
            })
            .collect(),
        id,
        payment_collection_id: PaymentCollectionId::parse(&p.payment_collection_id)
            .unwrap_or_default(),
        payment_session_id: PaymentSessionId::parse(&p.payment_session_id).unwrap_or_default(),
        provider_id: p.provider_id,
        amount: amount(p.amount, &cur),
        captured_amount: amount(p.captured_amount, &cur),
        refunded_amount: amount(p.refunded_amount, &cur),
        currency_code: cur,
        data: p.data.unwrap_or_else(|| json!({})),
        metadata: p.metadata,
        captured_at: p.captured_at,
        canceled_at: p.canceled_at,
        created_at: p.created_at,
        updated_at: p.updated_at,
    }
}

fn to_collection(rows: CollectionRows) -> PaymentCollection {
    let c = rows.collection;
    let cur = currency(&c.currency_code);
    let payments: Vec<Payment> = rows.payments.into_iter().map(to_payment).collect();
    let sessions = rows
        .sessions
        .into_iter()
        .map(|s| {
            let pid = payments
                .iter()
                .find(|p| p.payment_session_id.as_str() == s.id)
                .map(|p| p.id.clone());
            to_session(s, pid)
        })
        .collect();
    PaymentCollection {
        id: PaymentCollectionId::parse(&c.id).unwrap_or_default(),
        amount: amount(c.amount, &cur),
        authorized_amount: amount(c.authorized_amount, &cur),
        captured_amount: amount(c.captured_amount, &cur),
        refunded_amount: amount(c.refunded_amount, &cur),
        currency_code: cur,
        status: CollectionStatus::parse(&c.status).unwrap_or(CollectionStatus::NotPaid),
        completed_at: c.completed_at,
        metadata: c.metadata,
        created_at: c.created_at,
        updated_at: c.updated_at,
        deleted_at: c.deleted_at,
        payment_sessions: sessions,
        payments,
    }
}

fn to_transaction(row: transaction::Model) -> Transaction {
    let cur = currency(&row.currency_code);
    Transaction {
        id: PaymentTransactionId::parse(&row.id).unwrap_or_default(),
        kind: TransactionKind::parse(&row.kind).unwrap_or(TransactionKind::Authorization),
        amount: amount(row.amount, &cur),
        currency_code: cur,
        payment_id: PaymentId::parse(&row.payment_id).unwrap_or_default(),
        reference_id: row.reference_id,
        created_at: row.created_at,
    }
}

fn ledger_row(
    kind: TransactionKind,
    amount: i64,
    currency_code: &str,
    payment_id: &str,
    reference_id: &str,
    at: DateTime<Utc>,
) -> transaction::Model {
    transaction::Model {
        id: PaymentTransactionId::new().into_string(),
        kind: kind.as_str().to_owned(),
        amount,
        currency_code: currency_code.to_owned(),
        payment_id: payment_id.to_owned(),
        reference_id: reference_id.to_owned(),
        created_at: at,
    }
}

/// Writes a capture of `amount` (already added to the payment's sum by the caller's guarded
/// update) with its ledger transaction and, for the delayed capture, its idempotency key; then
/// recomputes the collection. Inside the caller's transaction; answers the capture's id.
async fn record_capture(
    tx: &DatabaseTransaction,
    p: &payment::Model,
    amount: i64,
    created_by: Option<String>,
    metadata: Option<Value>,
    key: Option<&str>,
    now: DateTime<Utc>,
) -> Result<String, PaymentError> {
    let capture_id = CaptureId::new().into_string();
    repo::insert_capture(
        tx,
        capture::Model {
            id: capture_id.clone(),
            payment_id: p.id.clone(),
            amount,
            created_by,
            metadata,
            created_at: now,
            updated_at: now,
            deleted_at: None,
        },
    )
    .await?;
    if let Some(k) = key {
        repo::insert_capture_key(tx, &capture_id, &p.id, k, now).await?;
    }
    repo::insert_transaction(
        tx,
        ledger_row(
            TransactionKind::Capture,
            amount,
            &p.currency_code,
            &p.id,
            &capture_id,
            now,
        ),
    )
    .await?;
    recompute(tx, &p.payment_collection_id, now).await?;
    Ok(capture_id)
}

/// §4.1's recompute, inside the caller's transaction: authorized = sum of authorized sessions,
/// captured/refunded = sums over the payments; status not_paid/awaiting by sessions, then
/// authorized/partially_authorized, then completed once captures cover the amount.
///
/// Difference from Medusa: `completed` needs at least one payment (Medusa marks a zero-amount
/// collection completed on any recompute).
async fn recompute(
    tx: &DatabaseTransaction,
    collection_id: &str,
    at: DateTime<Utc>,
) -> Result<(), PaymentError> {
    let Some(c) = repo::find_collection(tx, collection_id, false).await? else {
        return Ok(());
    };
    let ids = [c.id.clone()];
    let sessions = repo::sessions_of_collections(tx, &ids).await?;
    let payments = repo::payments_of_collections(tx, &ids).await?;
    let authorized: i64 = sessions
        .iter()
        .filter(|s| s.status == SessionStatus::Authorized.as_str())
        .map(|s| s.amount)
        .sum();
    let captured: i64 = payments.iter().map(|p| p.captured_amount).sum();
    let refunded: i64 = payments.iter().map(|p| p.refunded_amount).sum();
    let mut status = if sessions.is_empty() {
        CollectionStatus::NotPaid
    } else {
        CollectionStatus::Awaiting
    };
    if authorized > 0 {
        status = if authorized >= c.amount {
            CollectionStatus::Authorized
        } else {
            CollectionStatus::PartiallyAuthorized
        };
    }
    let mut completed_at = None;
    if !payments.is_empty() && captured >= c.amount {
        status = CollectionStatus::Completed;
        completed_at = Some(c.completed_at.unwrap_or(at));
    }
    repo::set_collection_state(
        tx,
        &c.id,
        status.as_str(),
        authorized,
        captured,
        refunded,
        completed_at,
        at,
    )
    .await?;
    Ok(())
}

impl DbPaymentService {
    async fn load_collection(&self, id: &str) -> Result<Option<PaymentCollection>, PaymentError> {
        Ok(repo::load_collections(&self.db, &[id.to_owned()])
            .await?
            .pop()
            .map(to_collection))
    }

    async fn load_payment(&self, id: &str) -> Result<Option<Payment>, PaymentError> {
        let Some(row) = repo::find_payment(&self.db, id, false).await? else {
            return Ok(None);
        };
        Ok(repo::load_payments(&self.db, vec![row])
            .await?
            .pop()
            .map(to_payment))
    }

    /// Both captures, write-then-call: the capture row, the payment's captured sum and a
    /// `capture` transaction are written under the payment's row lock (a guarded update, so the
    /// sum of captures never passes the authorized amount whatever runs concurrently), then the
    /// provider is called; a provider error takes them back out of the books.
    ///
    /// * `key: None` (an admin's capture, Medusa's semantics): a fully captured payment is
    ///   returned unchanged; the amount defaults to the authorized amount; the provider gets
    ///   `capture:{capture_id}`.
    /// * `key: Some(k)` (the delayed capture): `k` is stored with the capture row before the
    ///   call. When a capture under `k` exists (an earlier attempt whose provider call may or
    ///   may not have happened), the call is repeated with `k` and nothing new is written. The
    ///   amount defaults to what is left; a payment fully captured otherwise, or an amount of
    ///   zero, is returned without a call.
    async fn capture(
        &self,
        input: CapturePayment,
        key: Option<&str>,
    ) -> Result<Payment, PaymentError> {
        let id = input.payment_id.clone();
        let now = self.now();
        let tx = begin_write(&self.db).await?;
        let p = repo::find_payment(&tx, id.as_str(), true)
            .await?
            .ok_or_else(|| PaymentError::PaymentNotFound(id.clone()))?;
        if p.canceled_at.is_some() {
            return Err(PaymentError::Canceled(id));
        }
        let cur = currency(&p.currency_code);
        let earlier = match key {
            Some(k) => repo::capture_by_key(&tx, &p.id, k).await?,
            None => None,
        };
        let (capture_id, n) = match earlier {
            // Repeat the earlier attempt's call with the same key.
            Some(found) => {
                tx.commit().await?;
                found
            }
            None => {
                // Fully captured (Medusa: capturing again changes nothing), or a keyed capture
                // of nothing: nothing to send.
                if p.captured_at.is_some() || (key.is_some() && input.amount == Some(Amount::ZERO))
                {
                    tx.commit().await?;
                    return self.payment_or_not_found(&id).await;
                }
                let left = p.amount - p.captured_amount;
                let n = match input.amount {
                    Some(a) => positive_minor(a, &cur)?,
                    None if key.is_some() => left,
                    None => p.amount,
                };
                if (key.is_some() && n <= 0)
                    || n > left
                    || !repo::add_captured(&tx, &p.id, n, now).await?
                {
                    return Err(PaymentError::OverCapture);
                }
                let capture_id =
                    record_capture(&tx, &p, n, input.created_by, None, key, now).await?;
                tx.commit().await?;
                (capture_id, n)
            }
        };

        let provider = self.provider(&p.provider_id)?;
        let data = p.data.clone().unwrap_or_else(|| json!({}));
        let result = provider
            .capture(ProviderRequest {
                data: &data,
                amount: amount(n, &cur),
                currency_code: &cur,
                context: &Value::Null,
                idempotency_key: key.map_or_else(|| format!("capture:{capture_id}"), str::to_owned),
            })
            .await;
        match result {
            Ok(new_data) => {
                repo::set_payment_data(&self.db, &p.id, &new_data, self.now()).await?;
            }
            Err(e) => {
                // Not known to have moved: out of the books again. A keyed retry sends the same
                // key, so if the money did move, the provider's replayed answer records it then.
                let at = self.now();
                let tx = begin_write(&self.db).await?;
                if key.is_some() {
                    repo::delete_capture_key(&tx, &capture_id).await?;
                }
                repo::delete_capture(&tx, &capture_id).await?;
                repo::delete_transactions_of_reference(&tx, &capture_id).await?;
                repo::remove_captured(&tx, &p.id, n, at).await?;
                recompute(&tx, &p.payment_collection_id, at).await?;
                tx.commit().await?;
                return Err(e.into());
            }
        }
        self.payment_or_not_found(&id).await
    }

    async fn payment_or_not_found(&self, id: &PaymentId) -> Result<Payment, PaymentError> {
        self.load_payment(id.as_str())
            .await?
            .ok_or_else(|| PaymentError::PaymentNotFound(id.clone()))
    }

    /// Cancels deleted sessions at their providers. The rows are already gone, so a provider
    /// failure only leaves an abandoned payment at the provider (which expires there); it is
    /// logged, not returned.
    async fn cancel_at_providers(&self, sessions: &[session::Model]) {
        for s in sessions {
            let Ok(provider) = self.provider(&s.provider_id) else {
                tracing::warn!(session = %s.id, provider = %s.provider_id, "deleted session's provider is not registered");
                continue;
            };
            let cur = currency(&s.currency_code);
            let req = ProviderRequest {
                data: &s.data,
                amount: amount(s.amount, &cur),
                currency_code: &cur,
                context: &Value::Null,
                idempotency_key: format!("cancel:{}", s.id),
            };
            if let Err(e) = provider.cancel(req).await {
                tracing::warn!(session = %s.id, error = %e, "provider could not cancel a deleted payment session");
            }
        }
    }
}

#[async_trait]
impl PaymentService for DbPaymentService {
    async fn create_collection_for_cart(
        &self,
        cart_id: &CartId,
        currency_code: &CurrencyCode,
        amount: Amount,
    ) -> Result<PaymentCollection, PaymentError> {
        if let Some(c) = self.collection_for_cart(cart_id).await? {
            return Ok(c);
        }
        let minor = to_minor(amount, currency_code)?;
        let now = self.now();
        let row = collection::Model {
            id: PaymentCollectionId::new().into_string(),
            currency_code: currency_code.as_str().to_owned(),
            amount: minor,
            authorized_amount: 0,
            captured_amount: 0,
            refunded_amount: 0,
            status: CollectionStatus::NotPaid.as_str().to_owned(),
            completed_at: None,
            metadata: None,
            created_at: now,
            updated_at: now,
            deleted_at: None,
        };
        let tx = begin_write(&self.db).await?;
        repo::insert_collection(&tx, row.clone()).await?;
        match repo::insert_cart_link(&tx, cart_id.as_str(), &row.id, now).await {
            Ok(()) => tx.commit().await?,
            // Another request linked a collection to this cart first: use that one.
            Err(e) if matches!(e.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => {
                tx.rollback().await?;
            }
            Err(e) => return Err(e.into()),
        }
        let id = repo::collection_id_for_cart(&self.db, cart_id.as_str())
            .await?
            .unwrap_or(row.id);
        self.load_collection(&id).await?.ok_or_else(|| {
            PaymentError::CollectionNotFound(PaymentCollectionId::parse(&id).unwrap_or_default())
        })
    }

    async fn collection_for_cart(
        &self,
        cart_id: &CartId,
    ) -> Result<Option<PaymentCollection>, PaymentError> {
        match repo::collection_id_for_cart(&self.db, cart_id.as_str()).await? {
            Some(id) => self.load_collection(&id).await,
            None => Ok(None),
        }
    }

    async fn cart_of_collection(
        &self,
        id: &PaymentCollectionId,
    ) -> Result<Option<CartId>, PaymentError> {
        Ok(repo::cart_id_for_collection(&self.db, id.as_str())
            .await?
            .and_then(|c| CartId::parse(&c).ok()))
    }

    async fn retrieve_collection(
        &self,
        id: &PaymentCollectionId,
    ) -> Result<PaymentCollection, PaymentError> {
        self.load_collection(id.as_str())
            .await?
            .ok_or_else(|| PaymentError::CollectionNotFound(id.clone()))
    }

    async fn list_collections(
        &self,
        ids: &[PaymentCollectionId],
    ) -> Result<Vec<PaymentCollection>, PaymentError> {
        let ids: Vec<String> = ids.iter().map(|i| i.as_str().to_owned()).collect();
        Ok(repo::load_collections(&self.db, &ids)
            .await?
            .into_iter()
            .map(to_collection)
            .collect())
    }

    async fn sync_collection_amount(
        &self,
        id: &str,
        new_amount: Amount,
        currency_code: &CurrencyCode,
    ) -> Result<Option<PaymentCollection>, PaymentError> {
        let id = id.to_owned();
        let minor = to_minor(new_amount, currency_code)?;
        // Most cart changes leave the amount as it is: answer without a write transaction.
        let current = self.load_collection(&id).await?;
        if let Some(c) = &current
            && c.currency_code == *currency_code
            && to_minor(c.amount, currency_code)? == minor
        {
            return Ok(current);
        }
        let now = self.now();
        let tx = begin_write(&self.db).await?;
        let Some(c) = repo::find_collection(&tx, &id, true).await? else {
            return Ok(None);
        };
        if c.amount == minor && c.currency_code == currency_code.as_str() {
            tx.commit().await?;
            return self.load_collection(&id).await;
        }
        let ids = [id.clone()];
        if repo::payments_of_collections(&tx, &ids)
            .await?
            .iter()
            .any(|p| p.canceled_at.is_none())
        {
            return Err(PaymentError::AlreadyAuthorized(
                PaymentCollectionId::parse(&id).unwrap_or_default(),
            ));
        }
        let sessions = repo::sessions_of_collections(&tx, &ids).await?;
        let session_ids: Vec<String> = sessions.iter().map(|s| s.id.clone()).collect();
        repo::delete_sessions(&tx, &session_ids).await?;
        repo::set_collection_amount(&tx, &id, currency_code.as_str(), minor, now).await?;
        recompute(&tx, &id, now).await?;
        tx.commit().await?;
        self.cancel_at_providers(&sessions).await;
        self.load_collection(&id).await
    }

    async fn create_session(
        &self,
        collection_id: &PaymentCollectionId,
        provider_id: &str,
        data: Value,
        context: Value,
    ) -> Result<PaymentSession, PaymentError> {
        let provider = self.provider(provider_id)?;
        let c = repo::find_collection(&self.db, collection_id.as_str(), false)
            .await?
            .ok_or_else(|| PaymentError::CollectionNotFound(collection_id.clone()))?;
        let ids = [c.id.clone()];
        if repo::payments_of_collections(&self.db, &ids)
            .await?
            .iter()
            .any(|p| p.canceled_at.is_none())
        {
            return Err(PaymentError::AlreadyAuthorized(collection_id.clone()));
        }
        let cur = currency(&c.currency_code);
        let data = match data {
            Value::Object(m) => Value::Object(m),
            _ => json!({}),
        };
        let now = self.now();
        let row = session::Model {
            id: PaymentSessionId::new().into_string(),
            payment_collection_id: c.id.clone(),
            currency_code: c.currency_code.clone(),
            amount: c.amount,
            provider_id: provider_id.to_owned(),
            data: data.clone(),
            context: Some(context.clone()),
            status: SessionStatus::Pending.as_str().to_owned(),
            authorized_at: None,
            metadata: None,
            created_at: now,
            updated_at: now,
            deleted_at: None,
        };
        // The row first, so the provider call can carry its id as the idempotency key.
        repo::insert_session(&self.db, row.clone()).await?;
        let started = provider
            .initiate(ProviderRequest {
                data: &data,
                amount: amount(c.amount, &cur),
                currency_code: &cur,
                context: &context,
                idempotency_key: format!("session:{}", row.id),
            })
            .await;
        let started = match started {
            Ok(s) => s,
            Err(e) => {
                repo::delete_sessions(&self.db, std::slice::from_ref(&row.id)).await?;
                return Err(e.into());
            }
        };
        // Medusa keeps the client's data and lays the provider's over it.
        let mut merged = data.as_object().cloned().unwrap_or_default();
        if let Value::Object(m) = &started.data {
            merged.extend(m.clone());
        }
        let merged = Value::Object(merged);

        let tx = begin_write(&self.db).await?;
        repo::update_session(&tx, &row.id, &merged, started.status.as_str(), None, now).await?;
        // One active session: every other session of the collection goes, except that a
        // concurrent request's newer session wins over this one (ids are time-ordered), so two
        // racing requests leave exactly one session.
        let all = repo::sessions_of_collections(&tx, &ids).await?;
        let newest = all.iter().map(|s| s.id.clone()).max();
        let paid: Vec<String> =
            repo::payments_of_sessions(&tx, &all.iter().map(|s| s.id.clone()).collect::<Vec<_>>())
                .await?
                .into_iter()
                .filter(|p| p.canceled_at.is_none())
                .map(|p| p.payment_session_id)
                .collect();
        let stale: Vec<session::Model> = all
            .into_iter()
            .filter(|s| Some(&s.id) != newest.as_ref() && !paid.contains(&s.id))
            .collect();
        let stale_ids: Vec<String> = stale.iter().map(|s| s.id.clone()).collect();
        repo::delete_sessions(&tx, &stale_ids).await?;
        recompute(&tx, &c.id, now).await?;
        tx.commit().await?;
        self.cancel_at_providers(&stale).await;

        let mut out = to_session(row, None);
        out.data = merged;
        out.status = started.status;
        Ok(out)
    }

    async fn authorize_session(
        &self,
        session_id: &PaymentSessionId,
        context: &Value,
    ) -> Result<Payment, PaymentError> {
        let s = repo::find_session(&self.db, session_id.as_str(), false)
            .await?
            .ok_or_else(|| PaymentError::SessionNotFound(session_id.clone()))?;
        if let Some(p) = repo::payment_of_session(&self.db, &s.id).await? {
            if p.canceled_at.is_some() {
                return Err(PaymentError::NotAuthorized(session_id.clone()));
            }
            return self
                .payment_or_not_found(&PaymentId::parse(&p.id).unwrap_or_default())
                .await;
        }
        let provider = self.provider(&s.provider_id)?;
        let cur = currency(&s.currency_code);
        let answer = provider
            .authorize(ProviderRequest {
                data: &s.data,
                amount: amount(s.amount, &cur),
                currency_code: &cur,
                context,
                idempotency_key: format!("authorize:{}", s.id),
            })
            .await?;
        let now = self.now();
        if !matches!(
            answer.status,
            SessionStatus::Authorized | SessionStatus::Captured
        ) {
            repo::update_session(
                &self.db,
                &s.id,
                &answer.data,
                answer.status.as_str(),
                None,
                now,
            )
            .await?;
            return Err(PaymentError::NotAuthorized(session_id.clone()));
        }
        let auto_captured = answer.status == SessionStatus::Captured;

        let tx = begin_write(&self.db).await?;
        // Under the session's lock: a concurrent authorization that got here first has made
        // the payment already.
        let Some(locked) = repo::find_session(&tx, &s.id, true).await? else {
            return Err(PaymentError::SessionNotFound(session_id.clone()));
        };
        if let Some(p) = repo::payment_of_session(&tx, &locked.id).await? {
            tx.commit().await?;
            return self
                .payment_or_not_found(&PaymentId::parse(&p.id).unwrap_or_default())
                .await;
        }
        let payment_id = PaymentId::new().into_string();
        let written: Result<(), PaymentError> = async {
            repo::update_session(
                &tx,
                &s.id,
                &answer.data,
                SessionStatus::Authorized.as_str(),
                Some(locked.authorized_at.unwrap_or(now)),
                now,
            )
            .await?;
            repo::insert_payment(
                &tx,
                payment::Model {
                    id: payment_id.clone(),
                    payment_collection_id: s.payment_collection_id.clone(),
                    payment_session_id: s.id.clone(),
                    provider_id: s.provider_id.clone(),
                    currency_code: s.currency_code.clone(),
                    amount: s.amount,
                    captured_amount: 0,
                    refunded_amount: 0,
                    data: Some(answer.data.clone()),
                    metadata: None,
                    captured_at: None,
                    canceled_at: None,
                    created_at: now,
                    updated_at: now,
                    deleted_at: None,
                },
            )
            .await?;
            repo::insert_transaction(
                &tx,
                ledger_row(
                    TransactionKind::Authorization,
                    s.amount,
                    &s.currency_code,
                    &payment_id,
                    &s.id,
                    now,
                ),
            )
            .await?;
            if auto_captured && s.amount > 0 {
                // The provider captured already: record it without calling it again.
                let capture_id = CaptureId::new().into_string();
                repo::insert_capture(
                    &tx,
                    capture::Model {
                        id: capture_id.clone(),
                        payment_id: payment_id.clone(),
                        amount: s.amount,
                        created_by: None,
                        metadata: None,
                        created_at: now,
                        updated_at: now,
                        deleted_at: None,
                    },
                )
                .await?;
                repo::add_captured(&tx, &payment_id, s.amount, now).await?;
                repo::insert_transaction(
                    &tx,
                    ledger_row(
                        TransactionKind::Capture,
                        s.amount,
                        &s.currency_code,
                        &payment_id,
                        &capture_id,
                        now,
                    ),
                )
                .await?;
            }
            recompute(&tx, &s.payment_collection_id, now).await?;
            Ok(())
        }
        .await;
        let committed = match written {
            Ok(()) => tx.commit().await.map_err(PaymentError::from),
            Err(e) => Err(e),
        };
        if let Err(e) = committed {
            // Nothing was recorded: release the authorization at the provider (Medusa does the
            // same).
            if let Err(pe) = provider
                .cancel(ProviderRequest {
                    data: &answer.data,
                    amount: amount(s.amount, &cur),
                    currency_code: &cur,
                    context,
                    idempotency_key: format!("cancel:{}", s.id),
                })
                .await
            {
                tracing::warn!(session = %s.id, error = %pe, "could not cancel an authorization that failed to record");
            }
            return Err(e);
        }
        self.payment_or_not_found(&PaymentId::parse(&payment_id).unwrap_or_default())
            .await
    }

    async fn retrieve_payment(&self, id: &PaymentId) -> Result<Payment, PaymentError> {
        self.payment_or_not_found(id).await
    }

    async fn list_payments(
        &self,
        filter: &PaymentFilter,
    ) -> Result<(Vec<Payment>, u64), PaymentError> {
        let (rows, count) = repo::list_payments(&self.db, filter).await?;
        let payments = repo::load_payments(&self.db, rows)
            .await?
            .into_iter()
            .map(to_payment)
            .collect();
        Ok((payments, count))
    }

    async fn capture_payment(&self, input: CapturePayment) -> Result<Payment, PaymentError> {
        self.capture(input, None).await
    }

    async fn capture_payment_keyed(
        &self,
        input: CapturePayment,
        idempotency_key: &str,
    ) -> Result<Payment, PaymentError> {
        self.capture(input, Some(idempotency_key)).await
    }

    async fn refund_payment(&self, input: RefundPayment) -> Result<Payment, PaymentError> {
        let id = input.payment_id.clone();
        if let Some(reason) = &input.refund_reason_id
            && repo::find_refund_reason(&self.db, reason.as_str())
                .await?
                .is_none()
        {
            return Err(PaymentError::UnknownRefundReason(reason.clone()));
        }
        let now = self.now();
        let tx = begin_write(&self.db).await?;
        let p = repo::find_payment(&tx, id.as_str(), true)
            .await?
            .ok_or_else(|| PaymentError::PaymentNotFound(id.clone()))?;
        let cur = currency(&p.currency_code);
        let n = match input.amount {
            Some(a) => positive_minor(a, &cur)?,
            None => p.amount,
        };
        if n > p.captured_amount - p.refunded_amount
            || !repo::add_refunded(&tx, &p.id, n, now).await?
        {
            return Err(PaymentError::OverRefund);
        }
        let refund_id = RefundId::new().into_string();
        repo::insert_refund(
            &tx,
            refund::Model {
                id: refund_id.clone(),
                payment_id: p.id.clone(),
                amount: n,
                note: input.note,
                refund_reason_id: input.refund_reason_id.map(|r| r.into_string()),
                created_by: input.created_by,
                metadata: None,
                created_at: now,
                updated_at: now,
                deleted_at: None,
            },
        )
        .await?;
        repo::insert_transaction(
            &tx,
            ledger_row(
                TransactionKind::Refund,
                n,
                &p.currency_code,
                &p.id,
                &refund_id,
                now,
            ),
        )
        .await?;
        recompute(&tx, &p.payment_collection_id, now).await?;
        tx.commit().await?;

        let provider = self.provider(&p.provider_id)?;
        let data = p.data.clone().unwrap_or_else(|| json!({}));
        let result = provider
            .refund(ProviderRequest {
                data: &data,
                amount: amount(n, &cur),
                currency_code: &cur,
                context: &Value::Null,
                idempotency_key: format!("refund:{refund_id}"),
            })
            .await;
        match result {
            Ok(new_data) => {
                repo::set_payment_data(&self.db, &p.id, &new_data, self.now()).await?;
            }
            Err(e) => {
                let at = self.now();
                let tx = begin_write(&self.db).await?;
                repo::delete_refund(&tx, &refund_id).await?;
                repo::delete_transactions_of_reference(&tx, &refund_id).await?;
                repo::remove_refunded(&tx, &p.id, n, at).await?;
                recompute(&tx, &p.payment_collection_id, at).await?;
                tx.commit().await?;
                return Err(e.into());
            }
        }
        self.payment_or_not_found(&id).await
    }

    async fn cancel_payment(&self, id: &PaymentId) -> Result<Payment, PaymentError> {
        let p = repo::find_payment(&self.db, id.as_str(), false)
            .await?
            .ok_or_else(|| PaymentError::PaymentNotFound(id.clone()))?;
        if p.canceled_at.is_some() {
            return self.payment_or_not_found(id).await;
        }
        let provider = self.provider(&p.provider_id)?;
        let cur = currency(&p.currency_code);
        let data = p.data.clone().unwrap_or_else(|| json!({}));
        provider
            .cancel(ProviderRequest {
                data: &data,
                amount: amount(p.amount, &cur),
                currency_code: &cur,
                context: &Value::Null,
                idempotency_key: format!("cancel:{}", p.id),
            })
            .await?;
        let now = self.now();
        let tx = begin_write(&self.db).await?;
        repo::set_payment_canceled(&tx, &p.id, now).await?;
        if let Some(s) = repo::find_session(&tx, &p.payment_session_id, true).await? {
            repo::update_session(
                &tx,
                &s.id,
                &s.data,
                SessionStatus::Canceled.as_str(),
                None,
                now,
            )
            .await?;
        }
        recompute(&tx, &p.payment_collection_id, now).await?;
        tx.commit().await?;
        self.payment_or_not_found(id).await
    }

    async fn transactions(
        &self,
        payment_ids: &[PaymentId],
    ) -> Result<Vec<Transaction>, PaymentError> {
        let ids: Vec<String> = payment_ids.iter().map(|i| i.as_str().to_owned()).collect();
        Ok(repo::transactions_of_payments(&self.db, &ids)
            .await?
            .into_iter()
            .map(to_transaction)
            .collect())
    }

    async fn create_refund_reason(
        &self,
        input: CreateRefundReason,
    ) -> Result<RefundReason, PaymentError> {
        let now = self.now();
        let row = refund_reason::Model {
            id: RefundReasonId::new().into_string(),
            label: input.label,
            code: input.code,
            description: input.description,
            metadata: input.metadata,
            created_at: now,
            updated_at: now,
            deleted_at: None,
        };
        repo::insert_refund_reason(&self.db, row.clone()).await?;
        Ok(to_reason(row))
    }

    async fn retrieve_refund_reason(&self, id: &str) -> Result<RefundReason, PaymentError> {
        repo::find_refund_reason(&self.db, id)
            .await?
            .map(to_reason)
            .ok_or_else(|| PaymentError::RefundReasonNotFound(id.to_owned()))
    }

    async fn list_refund_reasons(
        &self,
        filter: &RefundReasonFilter,
    ) -> Result<(Vec<RefundReason>, u64), PaymentError> {
        let (rows, count) = repo::list_refund_reasons(&self.db, filter).await?;
        Ok((rows.into_iter().map(to_reason).collect(), count))
    }

    async fn update_refund_reason(
        &self,
        id: &str,
        input: UpdateRefundReason,
    ) -> Result<RefundReason, PaymentError> {
        let tx = begin_write(&self.db).await?;
        let mut row = repo::find_refund_reason(&tx, id)
            .await?
            .ok_or_else(|| PaymentError::RefundReasonNotFound(id.to_owned()))?;
        if let Some(l) = input.label {
            row.label = l;
        }
        if let Some(c) = input.code {
            row.code = c;
        }
        if let Some(d) = input.description {
            row.description = d;
        }
        if let Some(m) = input.metadata {
            row.metadata = m;
        }
        row.updated_at = self.now();
        repo::update_refund_reason(&tx, row.clone()).await?;
        tx.commit().await?;
        Ok(to_reason(row))
    }

    async fn delete_refund_reason(&self, id: &str) -> Result<(), PaymentError> {
        repo::soft_delete_refund_reason(&self.db, id, self.now()).await?;
        Ok(())
    }

    fn provider_ids(&self) -> Vec<String> {
        self.providers.ids()
    }

    async fn claim_webhook_event(
        &self,
        provider_id: &str,
        event_id: &str,
        event_type: &str,
    ) -> Result<bool, PaymentError> {
        Ok(
            repo::insert_webhook_event(&self.db, provider_id, event_id, event_type, self.now())
                .await?,
        )
    }

    async fn release_webhook_event(
        &self,
        provider_id: &str,
        event_id: &str,
    ) -> Result<(), PaymentError> {
        Ok(repo::delete_webhook_event(&self.db, provider_id, event_id).await?)
    }

    async fn retrieve_session(
        &self,
        id: &PaymentSessionId,
    ) -> Result<PaymentSession, PaymentError> {
        let row = repo::find_session(&self.db, id.as_str(), false)
            .await?
            .ok_or_else(|| PaymentError::SessionNotFound(id.clone()))?;
        let payment = repo::payment_of_session(&self.db, &row.id)
            .await?
            .and_then(|p| PaymentId::parse(&p.id).ok());
        Ok(to_session(row, payment))
    }

    async fn collection_for_provider_reference(
        &self,
        provider_id: &str,
        reference: &str,
    ) -> Result<Option<PaymentCollectionId>, PaymentError> {
        Ok(
            repo::collection_for_provider_reference(&self.db, provider_id, reference)
                .await?
                .and_then(|c| PaymentCollectionId::parse(&c).ok()),
        )
    }

    async fn update_session_from_provider(
        &self,
        id: &PaymentSessionId,
        data: Value,
        status: SessionStatus,
    ) -> Result<(), PaymentError> {
        let now = self.now();
        let tx = begin_write(&self.db).await?;
        let Some(s) = repo::find_session(&tx, id.as_str(), true).await? else {
            return Err(PaymentError::SessionNotFound(id.clone()));
        };
        if repo::payment_of_session(&tx, &s.id).await?.is_some() {
            tx.commit().await?;
            return Ok(());
        }
        repo::update_session(&tx, &s.id, &data, status.as_str(), None, now).await?;
        recompute(&tx, &s.payment_collection_id, now).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn record_provider_capture(
        &self,
        payment_id: &PaymentId,
        captured_total: Amount,
    ) -> Result<Payment, PaymentError> {
        let now = self.now();
        let tx = begin_write(&self.db).await?;
        let p = repo::find_payment(&tx, payment_id.as_str(), true)
            .await?
            .ok_or_else(|| PaymentError::PaymentNotFound(payment_id.clone()))?;
        if p.canceled_at.is_some() {
            return Err(PaymentError::Canceled(payment_id.clone()));
        }
        let cur = currency(&p.currency_code);
        let n = to_minor(captured_total, &cur)?.min(p.amount) - p.captured_amount;
        if n <= 0 {
            tx.commit().await?;
            return self.payment_or_not_found(payment_id).await;
        }
        if !repo::add_captured(&tx, &p.id, n, now).await? {
            return Err(PaymentError::OverCapture);
        }
        let metadata = Some(json!({"recorded_from": "provider"}));
        record_capture(&tx, &p, n, None, metadata, None, now).await?;
        tx.commit().await?;
        self.payment_or_not_found(payment_id).await
    }
}
