//! Medusa's payment module: payment collections, payment sessions, payments, captures, refunds,
//! refund reasons, a ledger of every financial movement, the cart <-> payment collection link,
//! and the payment providers (the [`PaymentProvider`] trait; `pp_system_default` here, Stripe
//! plugs into the same [`ProviderRegistry`]).
//!
//! # Using the service
//!
//! Fetch `Arc<dyn PaymentService>` from the registry. Amounts are [`medusa_core::Amount`]s in
//! major units; they are stored as minor units, so an amount finer than its currency is refused
//! ([`PaymentError::InvalidData`]).
//!
//! The checkout, in order (all ids are typed):
//!
//! 1. [`PaymentService::create_collection_for_cart`]`(cart_id, currency, cart_total)`: the
//!    cart's collection (`not_paid`), or the existing one (one per cart, also under races).
//! 2. [`PaymentService::create_session`]`(collection_id, "pp_system_default", data, context)`:
//!    the provider's session (`pending`); other sessions of the collection are deleted and
//!    canceled at their provider (one active session). Status becomes `awaiting`.
//! 3. After **every** cart change: [`PaymentService::sync_cart_amount`]`(cart_id, total,
//!    currency)`. When the total or currency changed, the sessions are deleted (provider
//!    cancel) and the collection takes the new amount (`not_paid`): the storefront must start a
//!    new session, as with Medusa. A no-op without a collection or without a change.
//! 4. Cart completion: [`PaymentService::authorize_session`]`(session_id, context)` (last, as
//!    Medusa). Idempotent; records the payment (`pay_`), sets the session `authorized`, writes an
//!    `authorization` ledger row and recomputes the collection (`authorized`). A provider that
//!    captured automatically also gets a full capture recorded. Not authorized:
//!    [`PaymentError::NotAuthorized`] (`not_allowed`, "Session: X was not authorized with the
//!    provider."), mapped by the flow to Medusa's `payment_authorization_error`.
//!    To undo (e.g. stock ran out): [`PaymentService::cancel_payment`] (provider cancel,
//!    `canceled_at`, session `canceled`, collection back to `awaiting`; authorizing that session
//!    again is refused, a new session is needed).
//! 5. Admin: [`PaymentService::capture_payment`] / [`PaymentService::refund_payment`] with
//!    Medusa's checks and messages ([`PaymentError::OverCapture`],
//!    [`PaymentError::OverRefund`], [`PaymentError::Canceled`], all `invalid_data`).
//!
//! Orders render `payment_collections` from [`PaymentService::list_collections`] (sessions,
//! payments with captures and refunds with their reasons) and can list the ledger with
//! [`PaymentService::transactions`].
//!
//! # Money never moves twice, never too far
//!
//! * Capture and refund take the payment's row lock (`FOR UPDATE` on PostgreSQL; SQLite's write
//!   lock via `medusa_db::begin_write`) and update the payment's running sums with a guarded
//!   `UPDATE ... WHERE captured_amount + n <= amount` (refunds: `<= captured_amount`), with
//!   CHECK constraints behind them. Concurrent captures can never exceed the authorization.
//! * The capture/refund row and its ledger row are committed *before* the provider is called,
//!   with the deterministic idempotency key `capture:{capture_id}` / `refund:{refund_id}` (also
//!   `session:{id}`, `authorize:{session_id}`, `cancel:{id}`); if the provider refuses, the rows
//!   are removed again (Medusa deletes the capture too). No database transaction is held open
//!   across a provider call.
//! * One payment per session is a unique index, so concurrent authorizations create one.
//!
//! # Differences from Medusa
//!
//! * A session's `context` is built by the server (`{}` for guests, `{customer: {id}}` for a
//!   logged-in customer); Medusa 2.21 also stores the customer's profile there.
//! * A collection becomes `completed` only once it has a payment (Medusa also marks a
//!   zero-amount collection completed on any recompute), and the status is recomputed after
//!   session changes too (`awaiting` as soon as a session exists).
//! * New sessions and amount changes are refused ([`PaymentError::AlreadyAuthorized`]) while the
//!   collection holds a live (not canceled) payment, instead of orphaning the payment.

mod entity;
mod error;
mod migration;
mod model;
mod provider;
mod repo;
mod service;

pub use error::PaymentError;
pub use model::{
    Capture, CapturePayment, CartCollectionLink, CollectionStatus, CreateRefundReason, Payment,
    PaymentCollection, PaymentFilter, PaymentSession, PaymentTransactionId, Refund, RefundPayment,
    RefundReason, RefundReasonFilter, RefundReasonId, SYSTEM_PROVIDER_ID, SessionStatus,
    Transaction, TransactionKind, UpdateRefundReason,
};
pub use provider::{
    PaymentProvider, ProviderError, ProviderRegistry, ProviderRequest, ProviderSession,
    SystemProvider,
};
pub use repo::MAX_IDS_PER_QUERY;
pub use service::{DbPaymentService, PaymentService, cart_link_select_item};

use std::sync::Arc;

use medusa_core::registry::{Module, ModuleContext, Registry};

/// Registration of the module with the registry. [`PaymentModule::default`] has the system
/// provider; [`PaymentModule::with_providers`] takes a registry with more (Stripe).
#[derive(Clone, Default)]
pub struct PaymentModule {
    providers: ProviderRegistry,
}

impl PaymentModule {
    pub fn with_providers(providers: ProviderRegistry) -> Self {
        PaymentModule { providers }
    }
}

impl Module for PaymentModule {
    fn name(&self) -> &'static str {
        "payment"
    }

    fn migrations(&self) -> Vec<Box<dyn sea_orm_migration::MigrationTrait>> {
        migration::all()
    }

    fn register(&self, ctx: &ModuleContext, registry: &mut Registry) {
        registry.insert::<dyn PaymentService>(Arc::new(DbPaymentService::new(
            ctx.db.clone(),
            ctx.clock.clone(),
            self.providers.clone(),
        )));
    }
}
