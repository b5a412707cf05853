//! The module's domain types. Amounts are exact [`Amount`]s in major units of the record's
//! currency (stored as minor units).

use chrono::{DateTime, Utc};
use medusa_core::id::{
    CaptureId, CartId, PaymentCollectionId, PaymentId, PaymentSessionId, RefundId,
};
use medusa_core::{Amount, CurrencyCode};
use serde_json::Value;

medusa_core::define_id!(RefundReasonId, "refr");
medusa_core::define_id!(PaymentTransactionId, "paytx");

/// The provider Medusa installs by default: initiate returns `{}`, authorize always succeeds,
/// capture/refund/cancel do nothing.
pub const SYSTEM_PROVIDER_ID: &str = "pp_system_default";

/// `PaymentCollectionStatus`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CollectionStatus {
    NotPaid,
    Awaiting,
    Authorized,
    PartiallyAuthorized,
    Canceled,
    Failed,
    PartiallyCaptured,
    Completed,
}

impl CollectionStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            CollectionStatus::NotPaid => "not_paid",
            CollectionStatus::Awaiting => "awaiting",
            CollectionStatus::Authorized => "authorized",
            CollectionStatus::PartiallyAuthorized => "partially_authorized",
            CollectionStatus::Canceled => "canceled",
            CollectionStatus::Failed => "failed",
            CollectionStatus::PartiallyCaptured => "partially_captured",
            CollectionStatus::Completed => "completed",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "not_paid" => CollectionStatus::NotPaid,
            "awaiting" => CollectionStatus::Awaiting,
            "authorized" => CollectionStatus::Authorized,
            "partially_authorized" => CollectionStatus::PartiallyAuthorized,
            "canceled" => CollectionStatus::Canceled,
            "failed" => CollectionStatus::Failed,
            "partially_captured" => CollectionStatus::PartiallyCaptured,
            "completed" => CollectionStatus::Completed,
            _ => return None,
        })
    }
}

/// `PaymentSessionStatus`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SessionStatus {
    Pending,
    RequiresMore,
    Authorized,
    Captured,
    Error,
    Canceled,
}

impl SessionStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            SessionStatus::Pending => "pending",
            SessionStatus::RequiresMore => "requires_more",
            SessionStatus::Authorized => "authorized",
            SessionStatus::Captured => "captured",
            SessionStatus::Error => "error",
            SessionStatus::Canceled => "canceled",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "pending" => SessionStatus::Pending,
            "requires_more" => SessionStatus::RequiresMore,
            "authorized" => SessionStatus::Authorized,
            "captured" => SessionStatus::Captured,
            "error" => SessionStatus::Error,
            "canceled" => SessionStatus::Canceled,
            _ => return None,
        })
    }
}

/// What a row of the `payment_transaction` ledger records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TransactionKind {
    /// A session was authorized: the payment's full amount is held.
    Authorization,
    /// Money was captured (reference: the capture id).
    Capture,
    /// Money was refunded (reference: the refund id).
    Refund,
}

impl TransactionKind {
    pub fn as_str(self) -> &'static str {
        match self {
            TransactionKind::Authorization => "authorization",
            TransactionKind::Capture => "capture",
            TransactionKind::Refund => "refund",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "authorization" => TransactionKind::Authorization,
            "capture" => TransactionKind::Capture,
            "refund" => TransactionKind::Refund,
            _ => return None,
        })
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct PaymentCollection {
    pub id: PaymentCollectionId,
    pub currency_code: CurrencyCode,
    pub amount: Amount,
    pub authorized_amount: Amount,
    pub captured_amount: Amount,
    pub refunded_amount: Amount,
    pub status: CollectionStatus,
    pub completed_at: Option<DateTime<Utc>>,
    pub metadata: Option<Value>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub deleted_at: Option<DateTime<Utc>>,
    /// Oldest first. At most one is live at a time outside a completed checkout.
    pub payment_sessions: Vec<PaymentSession>,
    /// Oldest first, each with its captures and refunds.
    pub payments: Vec<Payment>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PaymentSession {
    pub id: PaymentSessionId,
    pub payment_collection_id: PaymentCollectionId,
    pub currency_code: CurrencyCode,
    pub amount: Amount,
    pub provider_id: String,
    /// The provider's payload (Stripe: the PaymentIntent, with `client_secret`).
    pub data: Value,
    pub context: Value,
    pub status: SessionStatus,
    pub authorized_at: Option<DateTime<Utc>>,
    /// The payment made from this session once authorized.
    pub payment_id: Option<PaymentId>,
    pub metadata: Option<Value>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Payment {
    pub id: PaymentId,
    pub payment_collection_id: PaymentCollectionId,
    pub payment_session_id: PaymentSessionId,
    pub provider_id: String,
    pub currency_code: CurrencyCode,
    /// The authorized amount.
    pub amount: Amount,
    /// Sum of the captures.
    pub captured_amount: Amount,
    /// Sum of the refunds.
    pub refunded_amount: Amount,
    pub data: Value,
    pub metadata: Option<Value>,
    /// Set once the whole amount is captured.
    pub captured_at: Option<DateTime<Utc>>,
    pub canceled_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Oldest first.
    pub captures: Vec<Capture>,
    /// Oldest first, each with its reason.
    pub refunds: Vec<Refund>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Capture {
    pub id: CaptureId,
    pub payment_id: PaymentId,
    pub amount: Amount,
    pub created_by: Option<String>,
    pub metadata: Option<Value>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Refund {
    pub id: RefundId,
    pub payment_id: PaymentId,
    pub amount: Amount,
    pub note: Option<String>,
    pub refund_reason_id: Option<RefundReasonId>,
    pub refund_reason: Option<RefundReason>,
    pub created_by: Option<String>,
    pub metadata: Option<Value>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct RefundReason {
    pub id: RefundReasonId,
    pub label: String,
    pub code: String,
    pub description: Option<String>,
    pub metadata: Option<Value>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub deleted_at: Option<DateTime<Utc>>,
}

/// One financial movement, written in the same database transaction as the movement itself.
#[derive(Debug, Clone, PartialEq)]
pub struct Transaction {
    pub id: PaymentTransactionId,
    pub kind: TransactionKind,
    pub amount: Amount,
    pub currency_code: CurrencyCode,
    pub payment_id: PaymentId,
    /// The session (authorization), capture or refund id.
    pub reference_id: String,
    pub created_at: DateTime<Utc>,
}

/// `capturePayment` input.
#[derive(Debug, Clone, PartialEq)]
pub struct CapturePayment {
    pub payment_id: PaymentId,
    /// Default: the payment's amount, as Medusa (refused once anything was captured).
    pub amount: Option<Amount>,
    /// The admin user's id.
    pub created_by: Option<String>,
}

/// `refundPayment` input.
#[derive(Debug, Clone, PartialEq)]
pub struct RefundPayment {
    pub payment_id: PaymentId,
    /// Default: the payment's amount (refused unless all of it was captured), as Medusa.
    pub amount: Option<Amount>,
    pub note: Option<String>,
    pub refund_reason_id: Option<RefundReasonId>,
    pub created_by: Option<String>,
}

/// `GET /admin/payments` filters.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PaymentFilter {
    pub ids: Option<Vec<String>>,
    pub payment_session_ids: Option<Vec<String>>,
    /// Search in the id, provider id and currency.
    pub q: Option<String>,
    pub created_at: Option<medusa_core::request::Comparison<DateTime<Utc>>>,
    pub updated_at: Option<medusa_core::request::Comparison<DateTime<Utc>>>,
    pub order: Option<medusa_core::request::OrderBy>,
    pub offset: u64,
    pub limit: u64,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct RefundReasonFilter {
    pub ids: Option<Vec<String>>,
    /// Search in the label, code and description.
    pub q: Option<String>,
    pub created_at: Option<medusa_core::request::Comparison<DateTime<Utc>>>,
    pub updated_at: Option<medusa_core::request::Comparison<DateTime<Utc>>>,
    pub order: Option<medusa_core::request::OrderBy>,
    pub offset: u64,
    pub limit: u64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct CreateRefundReason {
    pub label: String,
    pub code: String,
    pub description: Option<String>,
    pub metadata: Option<Value>,
}

/// Absent fields are left alone; `description: Some(None)` clears it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct UpdateRefundReason {
    pub label: Option<String>,
    pub code: Option<String>,
    pub description: Option<Option<String>>,
    pub metadata: Option<Option<Value>>,
}

/// The cart a collection belongs to (the `cart_payment_collection` link).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CartCollectionLink {
    pub cart_id: CartId,
    pub payment_collection_id: PaymentCollectionId,
}
