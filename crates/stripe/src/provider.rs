//! `pp_stripe_stripe`: Medusa's Stripe provider (`@medusajs/payment-stripe`, medusa-api.md §4.3)
//! in terms of Stripe calls. [`crate::payment`] plugs it into the payment module's
//! `PaymentProvider` trait.

use rust_decimal::Decimal;
use secrecy::{ExposeSecret, SecretString};
use serde_json::Value;

use crate::amount::to_smallest_unit;
use crate::client::{CreateIntent, StripeCallError, StripeClient, StripeSettings};
use crate::webhook::{self, EventEnvelope};

/// `pp_<identifier>_<id>`: identifier `stripe`, id `stripe`.
pub const PROVIDER_ID: &str = "pp_stripe_stripe";

const UNEXPECTED_STATE: &str = "payment_intent_unexpected_state";
const ALREADY_REFUNDED: &str = "charge_already_refunded";

/// Medusa's session statuses, as the Stripe provider reports them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IntentStatus {
    Pending,
    RequiresMore,
    Authorized,
    Captured,
    Error,
    Canceled,
}

impl IntentStatus {
    /// Medusa's `PaymentSessionStatus` string.
    pub fn as_str(self) -> &'static str {
        match self {
            IntentStatus::Pending => "pending",
            IntentStatus::RequiresMore => "requires_more",
            IntentStatus::Authorized => "authorized",
            IntentStatus::Captured => "captured",
            IntentStatus::Error => "error",
            IntentStatus::Canceled => "canceled",
        }
    }
}

/// Medusa's `getPaymentStatus` table for a PaymentIntent (as JSON).
pub fn intent_status(pi: &Value) -> IntentStatus {
    match pi.get("status").and_then(Value::as_str).unwrap_or("") {
        "requires_payment_method" => {
            if pi.get("last_payment_error").is_some_and(|e| !e.is_null()) {
                IntentStatus::Error
            } else {
                IntentStatus::Pending
            }
        }
        "requires_confirmation" | "processing" => IntentStatus::Pending,
        "requires_action" => IntentStatus::RequiresMore,
        "requires_capture" => IntentStatus::Authorized,
        "succeeded" => IntentStatus::Captured,
        "canceled" => IntentStatus::Canceled,
        // Medusa falls through to `pending` for anything it does not know.
        _ => IntentStatus::Pending,
    }
}

/// A provider call that failed; the message may reach the client, so it carries no secrets.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StripeProviderError {
    #[error(transparent)]
    Call(#[from] StripeCallError),
    #[error("{0}")]
    InvalidData(String),
}

/// Why a webhook was refused (400, nothing changed).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WebhookError {
    #[error("Stripe webhook secret is not configured")]
    NoSecret,
    #[error("Webhook Error: {0}")]
    Signature(#[from] webhook::SignatureError),
    #[error("Webhook Error: {0}")]
    Envelope(#[from] webhook::EnvelopeError),
}

/// The Stripe provider. Cheap to clone; construction makes no network call.
#[derive(Clone, Debug)]
pub struct StripeProvider {
    client: StripeClient,
    webhook_secret: Option<SecretString>,
    /// `manual` unless configured otherwise (Medusa's `capture` option).
    capture_method: &'static str,
}

/// What `initiate` needs.
#[derive(Debug, Clone, PartialEq)]
pub struct InitiateInput<'a> {
    pub amount: Decimal,
    pub currency: &'a str,
    pub session_id: &'a str,
    /// A Stripe customer id from the account holder, if any.
    pub customer: Option<&'a str>,
    pub idempotency_key: &'a str,
}

impl StripeProvider {
    pub fn new(settings: &StripeSettings) -> Result<Self, StripeCallError> {
        Ok(StripeProvider {
            client: StripeClient::new(settings)?,
            webhook_secret: settings.webhook_secret.clone(),
            capture_method: "manual",
        })
    }

    /// Medusa's `capture: true` option: PaymentIntents capture at confirmation.
    pub fn with_automatic_capture(mut self) -> Self {
        self.capture_method = "automatic";
        self
    }

    pub fn client(&self) -> &StripeClient {
        &self.client
    }

    /// Creates the PaymentIntent; the whole intent is the session's data.
    pub async fn initiate(
        &self,
        input: &InitiateInput<'_>,
    ) -> Result<(Value, IntentStatus), StripeProviderError> {
        let amount = smallest(input.amount, input.currency)?;
        let pi = self
            .client
            .create_payment_intent(
                &CreateIntent {
                    amount,
                    currency: input.currency,
                    session_id: input.session_id,
                    capture_method: self.capture_method,
                    customer: input.customer,
                    description: None,
                },
                input.idempotency_key,
            )
            .await?;
        let status = intent_status(&pi);
        Ok((pi, status))
    }

    /// Medusa's `authorizePayment` / `getPaymentStatus`: re-reads the PaymentIntent.
    pub async fn retrieve(
        &self,
        data: &Value,
    ) -> Result<(Value, IntentStatus), StripeProviderError> {
        let pi = self
            .client
            .retrieve_payment_intent(intent_id(data)?)
            .await?;
        let status = intent_status(&pi);
        Ok((pi, status))
    }

    /// Medusa's `updatePayment`: no call when the amount is unchanged.
    pub async fn update_amount(
        &self,
        data: &Value,
        amount: Decimal,
        currency: &str,
        idempotency_key: &str,
    ) -> Result<(Value, IntentStatus), StripeProviderError> {
        let id = intent_id(data)?;
        let amount = smallest(amount, currency)?;
        if data.get("amount").and_then(Value::as_i64) == Some(amount) {
            return Ok((data.clone(), intent_status(data)));
        }
        let pi = self
            .client
            .update_amount(id, amount, idempotency_key)
            .await?;
        let status = intent_status(&pi);
        Ok((pi, status))
    }

    /// Captures `amount` (at most what was authorized; less releases the rest). A PaymentIntent
    /// that is already `succeeded` counts as captured: Stripe answers a second capture with
    /// `payment_intent_unexpected_state`, which is resolved by re-reading the intent.
    pub async fn capture(
        &self,
        data: &Value,
        amount: Decimal,
        currency: &str,
        idempotency_key: &str,
    ) -> Result<Value, StripeProviderError> {
        let id = intent_id(data)?;
        let amount = smallest(amount, currency)?;
        match self
            .client
            .capture_payment_intent(id, Some(amount), idempotency_key)
            .await
        {
            Ok(pi) => Ok(pi),
            Err(e) if e.code() == Some(UNEXPECTED_STATE) => {
                let pi = self.client.retrieve_payment_intent(id).await?;
                if pi.get("status").and_then(Value::as_str) == Some("succeeded") {
                    let received = pi.get("amount_received").and_then(Value::as_i64);
                    if received.is_some_and(|r| r < amount) {
                        tracing::warn!(payment_intent = %id, ?received, requested = amount, "PaymentIntent was already captured for less than requested");
                    }
                    Ok(pi)
                } else {
                    Err(e.into())
                }
            }
            Err(e) => Err(e.into()),
        }
    }

    /// Refunds `amount`; a charge already refunded in full is not an error (Medusa ignores
    /// `charge_already_refunded`). Returns the stored data unchanged, like Medusa.
    pub async fn refund(
        &self,
        data: &Value,
        amount: Decimal,
        currency: &str,
        idempotency_key: &str,
    ) -> Result<Value, StripeProviderError> {
        let id = intent_id(data)?;
        let amount = smallest(amount, currency)?;
        match self.client.create_refund(id, amount, idempotency_key).await {
            Ok(_) => Ok(data.clone()),
            Err(e) if e.code() == Some(ALREADY_REFUNDED) => Ok(data.clone()),
            Err(e) => Err(e.into()),
        }
    }

    /// Cancels the PaymentIntent; one already canceled is success. Data without a PaymentIntent
    /// (a session whose creation failed) has nothing to cancel.
    pub async fn cancel(
        &self,
        data: &Value,
        idempotency_key: &str,
    ) -> Result<Value, StripeProviderError> {
        let Some(id) = data.get("id").and_then(Value::as_str) else {
            return Ok(data.clone());
        };
        match self.client.cancel_payment_intent(id, idempotency_key).await {
            Ok(pi) => Ok(pi),
            Err(e) if e.code() == Some(UNEXPECTED_STATE) => {
                let pi = self.client.retrieve_payment_intent(id).await?;
                if pi.get("status").and_then(Value::as_str) == Some("canceled") {
                    Ok(pi)
                } else {
                    Err(e.into())
                }
            }
            Err(e) => Err(e.into()),
        }
    }

    /// Verifies a webhook's `Stripe-Signature` over the raw body at `now` (unix seconds, from the
    /// app's clock) and parses its envelope. Verify first, parse second.
    pub fn verify_webhook(
        &self,
        raw_body: &[u8],
        signature_header: Option<&str>,
        now: i64,
    ) -> Result<EventEnvelope, WebhookError> {
        let secret = self.webhook_secret.as_ref().ok_or(WebhookError::NoSecret)?;
        webhook::verify_signature(
            raw_body,
            signature_header,
            secret.expose_secret(),
            now,
            webhook::DEFAULT_TOLERANCE_SECS,
        )?;
        Ok(webhook::parse_envelope(raw_body)?)
    }
}

fn smallest(amount: Decimal, currency: &str) -> Result<i64, StripeProviderError> {
    to_smallest_unit(amount, currency).map_err(|e| StripeProviderError::InvalidData(e.to_string()))
}

fn intent_id(data: &Value) -> Result<&str, StripeProviderError> {
    data.get("id").and_then(Value::as_str).ok_or_else(|| {
        StripeProviderError::InvalidData("The payment session has no Stripe PaymentIntent".into())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn statuses_map_like_medusa() {
        let s = |v: Value| intent_status(&v);
        assert_eq!(
            s(json!({"status": "requires_payment_method"})),
            IntentStatus::Pending
        );
        assert_eq!(
            s(json!({"status": "requires_payment_method", "last_payment_error": null})),
            IntentStatus::Pending
        );
        assert_eq!(
            s(
                json!({"status": "requires_payment_method", "last_payment_error": {"code": "card_declined"}})
            ),
            IntentStatus::Error
        );
        assert_eq!(
            s(json!({"status": "requires_confirmation"})),
            IntentStatus::Pending
        );
        assert_eq!(s(json!({"status": "processing"})), IntentStatus::Pending);
        assert_eq!(
            s(json!({"status": "requires_action"})),
            IntentStatus::RequiresMore
        );
        assert_eq!(
            s(json!({"status": "requires_capture"})),
            IntentStatus::Authorized
        );
        assert_eq!(s(json!({"status": "succeeded"})), IntentStatus::Captured);
        assert_eq!(s(json!({"status": "canceled"})), IntentStatus::Canceled);
        assert_eq!(s(json!({})), IntentStatus::Pending);
    }
}
