//! The Stripe payment provider `pp_stripe_stripe` (medusa-api.md §4.3-4.4).
//!
//! - [`client`]: the Stripe calls, each money-moving one with the caller's deterministic
//!   idempotency key, retried with backoff on connection errors, 409, 429 and 5xx with that same
//!   key.
//! - [`provider`]: Medusa's provider semantics (PaymentIntent with manual capture, status table,
//!   capture/refund/cancel that tolerate "already done").
//! - [`webhook`]: `Stripe-Signature` verification over the raw body and a tolerant envelope
//!   parser.
//! - [`payment`]: the payment module's `PaymentProvider` implementation.
//! - [`amount`]: Stripe's smallest-unit conversion (0, 2 and 3-digit currencies).

pub mod amount;
pub mod client;
pub mod payment;
pub mod provider;
pub mod webhook;

pub use client::{RetryPolicy, StripeCallError, StripeClient, StripeSettings};
pub use provider::{
    InitiateInput, IntentStatus, PROVIDER_ID, StripeProvider, StripeProviderError, WebhookError,
    intent_status,
};
pub use webhook::{EventEnvelope, parse_envelope, sign, verify_signature};
