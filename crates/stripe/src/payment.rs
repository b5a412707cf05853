//! [`StripeProvider`] as the payment module's [`PaymentProvider`], registered under
//! `pp_stripe_stripe`.
//!
//! Keys: the payment module passes deterministic idempotency keys (`session:{id}`,
//! `capture:{capture_id}`, `refund:{refund_id}`, `cancel:{id}`), which go to Stripe unchanged.

use async_trait::async_trait;
use medusa_payment::{
    PaymentProvider, ProviderError, ProviderRequest, ProviderSession, SessionStatus,
};
use serde_json::Value;

use crate::provider::{
    InitiateInput, IntentStatus, PROVIDER_ID, StripeProvider, StripeProviderError,
};

fn session_status(s: IntentStatus) -> SessionStatus {
    match s {
        IntentStatus::Pending => SessionStatus::Pending,
        IntentStatus::RequiresMore => SessionStatus::RequiresMore,
        IntentStatus::Authorized => SessionStatus::Authorized,
        IntentStatus::Captured => SessionStatus::Captured,
        IntentStatus::Error => SessionStatus::Error,
        IntentStatus::Canceled => SessionStatus::Canceled,
    }
}

fn err(e: StripeProviderError) -> ProviderError {
    ProviderError::new(e.to_string())
}

/// The session id that goes into `metadata.session_id` (how webhooks find the session): from
/// the module's `session:{id}` key, else from `data.session_id` (Medusa passes it in data).
fn session_id<'a>(req: &'a ProviderRequest<'_>) -> Option<&'a str> {
    req.idempotency_key
        .strip_prefix("session:")
        .or_else(|| req.data.get("session_id").and_then(Value::as_str))
}

#[async_trait]
impl PaymentProvider for StripeProvider {
    fn id(&self) -> &str {
        PROVIDER_ID
    }

    async fn initiate(&self, req: ProviderRequest<'_>) -> Result<ProviderSession, ProviderError> {
        let session_id = session_id(&req)
            .ok_or_else(|| ProviderError::new("A Stripe payment needs a payment session id"))?;
        // Medusa: `customer: context.account_holder.data.id` (a Stripe customer), if any.
        let customer = req
            .context
            .pointer("/account_holder/data/id")
            .and_then(Value::as_str);
        let (data, status) = StripeProvider::initiate(
            self,
            &InitiateInput {
                amount: req.amount.decimal(),
                currency: req.currency_code.as_str(),
                session_id,
                customer,
                idempotency_key: &req.idempotency_key,
            },
        )
        .await
        .map_err(err)?;
        Ok(ProviderSession {
            data,
            status: session_status(status),
        })
    }

    async fn authorize(&self, req: ProviderRequest<'_>) -> Result<ProviderSession, ProviderError> {
        let (data, status) = self.retrieve(req.data).await.map_err(err)?;
        Ok(ProviderSession {
            data,
            status: session_status(status),
        })
    }

    async fn capture(&self, req: ProviderRequest<'_>) -> Result<Value, ProviderError> {
        StripeProvider::capture(
            self,
            req.data,
            req.amount.decimal(),
            req.currency_code.as_str(),
            &req.idempotency_key,
        )
        .await
        .map_err(err)
    }

    async fn refund(&self, req: ProviderRequest<'_>) -> Result<Value, ProviderError> {
        StripeProvider::refund(
            self,
            req.data,
            req.amount.decimal(),
            req.currency_code.as_str(),
            &req.idempotency_key,
        )
        .await
        .map_err(err)
    }

    async fn cancel(&self, req: ProviderRequest<'_>) -> Result<Value, ProviderError> {
        StripeProvider::cancel(self, req.data, &req.idempotency_key)
            .await
            .map_err(err)
    }

    async fn update_amount(
        &self,
        req: ProviderRequest<'_>,
    ) -> Result<ProviderSession, ProviderError> {
        let (data, status) = StripeProvider::update_amount(
            self,
            req.data,
            req.amount.decimal(),
            req.currency_code.as_str(),
            &req.idempotency_key,
        )
        .await
        .map_err(err)?;
        Ok(ProviderSession {
            data,
            status: session_status(status),
        })
    }

    async fn status(&self, req: ProviderRequest<'_>) -> Result<SessionStatus, ProviderError> {
        let (_, status) = self.retrieve(req.data).await.map_err(err)?;
        Ok(session_status(status))
    }
}
