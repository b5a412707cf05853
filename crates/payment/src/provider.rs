//! Payment providers: the [`PaymentProvider`] trait, the system provider
//! (`pp_system_default`, Medusa's manual provider) and the [`ProviderRegistry`] the service
//! looks providers up in.
//!
//! Every call that may move money carries a deterministic idempotency key derived from a row the
//! service wrote *before* the call (`session:{id}`, `authorize:{session_id}`,
//! `capture:{capture_id}`, `refund:{refund_id}`, `cancel:{payment_id}`), so a retry after a
//! crash or a timeout repeats the same operation at the provider instead of doing it twice.

use std::collections::HashMap;
use std::sync::Arc;

use async_trait::async_trait;
use medusa_core::{Amount, CurrencyCode};
use serde_json::{Value, json};

use crate::model::{SYSTEM_PROVIDER_ID, SessionStatus};

/// A provider refused or failed a call. The message reaches the client (as Medusa's
/// `invalid_data`), so it must not carry secrets.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct ProviderError {
    pub message: String,
}

impl ProviderError {
    pub fn new(message: impl Into<String>) -> Self {
        ProviderError {
            message: message.into(),
        }
    }
}

/// What every provider call gets.
#[derive(Debug, Clone, PartialEq)]
pub struct ProviderRequest<'a> {
    /// The session's or payment's stored provider data (`{}` for a new session: the client's
    /// `data`).
    pub data: &'a Value,
    pub amount: Amount,
    pub currency_code: &'a CurrencyCode,
    /// Server-built context (`{customer: {id}}` for a logged-in customer, else `{}`).
    pub context: &'a Value,
    /// Deterministic: the same operation always gets the same key.
    pub idempotency_key: String,
}

/// A provider's answer to initiate/authorize/update: its data and the session status.
#[derive(Debug, Clone, PartialEq)]
pub struct ProviderSession {
    pub data: Value,
    pub status: SessionStatus,
}

#[async_trait]
pub trait PaymentProvider: Send + Sync {
    /// `pp_<identifier>_<id>`.
    fn id(&self) -> &str;
    /// Starts a payment (Stripe: creates the PaymentIntent).
    async fn initiate(&self, req: ProviderRequest<'_>) -> Result<ProviderSession, ProviderError>;
    /// Asks whether the payment is authorized (Stripe: retrieves the PaymentIntent). `Captured`
    /// means the provider captured automatically.
    async fn authorize(&self, req: ProviderRequest<'_>) -> Result<ProviderSession, ProviderError>;
    /// Captures `req.amount`; returns the new provider data.
    async fn capture(&self, req: ProviderRequest<'_>) -> Result<Value, ProviderError>;
    /// Refunds `req.amount`; returns the new provider data.
    async fn refund(&self, req: ProviderRequest<'_>) -> Result<Value, ProviderError>;
    /// Cancels the payment or session (Medusa's `cancelPayment` / `deletePayment`); canceling
    /// something already canceled succeeds.
    async fn cancel(&self, req: ProviderRequest<'_>) -> Result<Value, ProviderError>;
    /// Changes the amount of a pending session.
    async fn update_amount(
        &self,
        req: ProviderRequest<'_>,
    ) -> Result<ProviderSession, ProviderError>;
    /// The session's status at the provider.
    async fn status(&self, req: ProviderRequest<'_>) -> Result<SessionStatus, ProviderError>;
}

/// Medusa's `SystemProviderService` (`pp_system_default`): a manual provider that records
/// payments without moving money.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemProvider;

#[async_trait]
impl PaymentProvider for SystemProvider {
    fn id(&self) -> &str {
        SYSTEM_PROVIDER_ID
    }

    async fn initiate(&self, _: ProviderRequest<'_>) -> Result<ProviderSession, ProviderError> {
        Ok(ProviderSession {
            data: json!({}),
            status: SessionStatus::Pending,
        })
    }

    async fn authorize(&self, _: ProviderRequest<'_>) -> Result<ProviderSession, ProviderError> {
        Ok(ProviderSession {
            data: json!({}),
            status: SessionStatus::Authorized,
        })
    }

    async fn capture(&self, _: ProviderRequest<'_>) -> Result<Value, ProviderError> {
        Ok(json!({}))
    }

    async fn refund(&self, _: ProviderRequest<'_>) -> Result<Value, ProviderError> {
        Ok(json!({}))
    }

    async fn cancel(&self, _: ProviderRequest<'_>) -> Result<Value, ProviderError> {
        Ok(json!({}))
    }

    async fn update_amount(
        &self,
        _: ProviderRequest<'_>,
    ) -> Result<ProviderSession, ProviderError> {
        Ok(ProviderSession {
            data: json!({}),
            status: SessionStatus::Pending,
        })
    }

    async fn status(&self, _: ProviderRequest<'_>) -> Result<SessionStatus, ProviderError> {
        Ok(SessionStatus::Authorized)
    }
}

/// The providers a service can use, by id. [`ProviderRegistry::default`] holds the system
/// provider; others (Stripe) are added with [`ProviderRegistry::register`].
#[derive(Clone)]
pub struct ProviderRegistry {
    providers: HashMap<String, Arc<dyn PaymentProvider>>,
}

impl Default for ProviderRegistry {
    fn default() -> Self {
        let mut r = ProviderRegistry::empty();
        r.register(Arc::new(SystemProvider));
        r
    }
}

impl ProviderRegistry {
    /// No providers at all (tests that want only fakes).
    pub fn empty() -> Self {
        ProviderRegistry {
            providers: HashMap::new(),
        }
    }

    /// Adds or replaces the provider with the same id.
    pub fn register(&mut self, provider: Arc<dyn PaymentProvider>) -> &mut Self {
        self.providers.insert(provider.id().to_owned(), provider);
        self
    }

    pub fn get(&self, id: &str) -> Option<Arc<dyn PaymentProvider>> {
        self.providers.get(id).cloned()
    }

    /// Registered ids, sorted.
    pub fn ids(&self) -> Vec<String> {
        let mut ids: Vec<String> = self.providers.keys().cloned().collect();
        ids.sort();
        ids
    }
}
