//! The Stripe API calls the provider makes, with deterministic idempotency keys and retries.
//!
//! async-stripe is the transport (auth, `Stripe-Version`, `Idempotency-Key`, TLS). Responses are
//! read as JSON values rather than typed structs: the whole PaymentIntent is stored as the
//! session's `data` (Medusa does the same, so `data.client_secret` reaches the storefront), and
//! only a handful of its fields are read here.
//!
//! Retries: async-stripe's own retry strategies pick a *random* idempotency key per call, which
//! is not crash-safe (a restarted worker would send a new key and Stripe would move money
//! twice). Every call here is sent with `RequestStrategy::Idempotent(<caller's key>)`, i.e. once
//! per attempt, and the retry loop around it reuses that same key on connection errors,
//! timeouts, 409 (a concurrent request with the same key), 429 and 5xx.

use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};
use serde_json::Value;
use stripe::{IdempotencyKey, RequestStrategy, StripeError, StripeRequest};
use stripe_client_core::{RequestBuilder, StripeMethod};

/// Where Stripe is, and how hard to try.
#[derive(Clone, Debug)]
pub struct StripeSettings {
    pub api_key: SecretString,
    pub webhook_secret: Option<SecretString>,
    /// `None`: `https://api.stripe.com/`.
    pub api_base: Option<String>,
    pub retry: RetryPolicy,
    /// Per attempt; a timed-out attempt is retried with the same key.
    pub timeout: Duration,
}

impl StripeSettings {
    pub fn new(api_key: SecretString) -> Self {
        StripeSettings {
            api_key,
            webhook_secret: None,
            api_base: None,
            retry: RetryPolicy::default(),
            timeout: Duration::from_secs(30),
        }
    }

    /// From `STRIPE_API_KEY`, `STRIPE_WEBHOOK_SECRET` and `STRIPE_API_BASE`; `None` when no key is
    /// set (the provider is then not offered).
    pub fn from_config(config: &medusa_core::config::Config) -> Option<Self> {
        let key = config.stripe_api_key.clone()?;
        if key.expose_secret().trim().is_empty() {
            return None;
        }
        let mut s = StripeSettings::new(key);
        s.webhook_secret = config.stripe_webhook_secret.clone();
        s.api_base = config.stripe_api_base.clone();
        Some(s)
    }
}

/// Attempts and exponential backoff (`base · 2^(n-1)`, capped at `max_delay`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Total attempts, at least 1.
    pub attempts: u32,
    pub base_delay: Duration,
    pub max_delay: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            attempts: 4,
            base_delay: Duration::from_millis(250),
            max_delay: Duration::from_secs(4),
        }
    }
}

impl RetryPolicy {
    fn delay(&self, failed_attempts: u32) -> Duration {
        let factor = 2u32.saturating_pow(failed_attempts.saturating_sub(1));
        self.base_delay.saturating_mul(factor).min(self.max_delay)
    }
}

/// A failed Stripe call.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StripeCallError {
    /// Stripe answered with an error (after retries, for retryable ones).
    #[error("{message}")]
    Api {
        status: u16,
        /// Stripe's `error.type` (`invalid_request_error`, `card_error`, `api_error`,
        /// `idempotency_error`, ...).
        kind: String,
        /// Stripe's `error.code` (`payment_intent_unexpected_state`, ...).
        code: Option<String>,
        message: String,
    },
    /// Stripe could not be reached or did not answer in time, after every attempt.
    #[error("Could not reach Stripe: {0}")]
    Unreachable(String),
    /// The answer was not what Stripe sends.
    #[error("Unexpected answer from Stripe: {0}")]
    Decode(String),
    /// The call could not be made (bad key, bad idempotency key, no PaymentIntent id).
    #[error("{0}")]
    Invalid(String),
}

impl StripeCallError {
    pub fn code(&self) -> Option<&str> {
        match self {
            StripeCallError::Api { code, .. } => code.as_deref(),
            _ => None,
        }
    }
}

/// One request, rebuilt for every attempt (async-stripe's `RequestBuilder` is not `Clone`).
struct Call {
    method: StripeMethod,
    path: String,
    form: Vec<(String, String)>,
}

impl StripeRequest for Call {
    type Output = miniserde::json::Value;

    fn build(&self) -> RequestBuilder {
        let mut b = RequestBuilder::new(self.method, self.path.clone());
        if !matches!(self.method, StripeMethod::Get) {
            b.body = Some(encode_form(&self.form));
        }
        b
    }
}

/// `application/x-www-form-urlencoded`, Stripe's bracket syntax already in the keys.
fn encode_form(pairs: &[(String, String)]) -> String {
    fn enc(s: &str, out: &mut String) {
        for b in s.bytes() {
            match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                    out.push(b as char)
                }
                b' ' => out.push('+'),
                _ => out.push_str(&format!("%{b:02X}")),
            }
        }
    }
    let mut out = String::new();
    for (i, (k, v)) in pairs.iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        enc(k, &mut out);
        out.push('=');
        enc(v, &mut out);
    }
    out
}

/// What makes a PaymentIntent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreateIntent<'a> {
    /// Smallest unit (see [`crate::amount`]).
    pub amount: i64,
    /// Lower-case ISO code.
    pub currency: &'a str,
    pub session_id: &'a str,
    /// `manual` (authorize now, capture later) or `automatic`.
    pub capture_method: &'a str,
    /// A Stripe customer (`cus_...`) for logged-in customers with an account holder.
    pub customer: Option<&'a str>,
    pub description: Option<&'a str>,
}

/// A configured Stripe client. Building one makes no network call.
#[derive(Clone)]
pub struct StripeClient {
    client: stripe::Client,
    retry: RetryPolicy,
    timeout: Duration,
}

impl std::fmt::Debug for StripeClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // No key in logs.
        f.debug_struct("StripeClient")
            .field("retry", &self.retry)
            .finish_non_exhaustive()
    }
}

impl StripeClient {
    pub fn new(settings: &StripeSettings) -> Result<Self, StripeCallError> {
        let mut b = stripe::ClientBuilder::new(settings.api_key.expose_secret());
        if let Some(base) = &settings.api_base {
            // async-stripe appends `v1/...` to the base as is.
            let base = if base.ends_with('/') {
                base.clone()
            } else {
                format!("{base}/")
            };
            b = b.url(base);
        }
        let client = b
            .build()
            .map_err(|e| StripeCallError::Invalid(format!("Invalid Stripe configuration: {e}")))?;
        Ok(StripeClient {
            client,
            retry: RetryPolicy {
                attempts: settings.retry.attempts.max(1),
                ..settings.retry
            },
            timeout: settings.timeout,
        })
    }

    async fn send(
        &self,
        method: StripeMethod,
        path: String,
        form: Vec<(String, String)>,
        idempotency_key: Option<&str>,
    ) -> Result<Value, StripeCallError> {
        let key = idempotency_key
            .map(|k| {
                IdempotencyKey::new(k)
                    .map_err(|e| StripeCallError::Invalid(format!("Invalid idempotency key: {e}")))
            })
            .transpose()?;
        let call = Call { method, path, form };
        let mut attempt = 0;
        loop {
            attempt += 1;
            let strategy = match &key {
                Some(k) => RequestStrategy::Idempotent(k.clone()),
                None => RequestStrategy::Once,
            };
            let result = call
                .customize()
                .request_strategy(strategy)
                .timeout(self.timeout)
                .send(&self.client)
                .await;
            let err = match result {
                Ok(v) => return to_json(&v),
                Err(e) => e,
            };
            if attempt < self.retry.attempts && retryable(&err) {
                tracing::warn!(path = %call.path, attempt, error = %err, "Stripe call failed; retrying with the same idempotency key");
                tokio::time::sleep(self.retry.delay(attempt)).await;
                continue;
            }
            return Err(convert(err));
        }
    }

    pub async fn create_payment_intent(
        &self,
        p: &CreateIntent<'_>,
        idempotency_key: &str,
    ) -> Result<Value, StripeCallError> {
        let mut form = vec![
            ("amount".to_owned(), p.amount.to_string()),
            ("currency".to_owned(), p.currency.to_ascii_lowercase()),
            ("capture_method".to_owned(), p.capture_method.to_owned()),
            ("metadata[session_id]".to_owned(), p.session_id.to_owned()),
        ];
        if let Some(c) = p.customer {
            form.push(("customer".to_owned(), c.to_owned()));
        }
        if let Some(d) = p.description {
            form.push(("description".to_owned(), d.to_owned()));
        }
        self.send(
            StripeMethod::Post,
            "/payment_intents".to_owned(),
            form,
            Some(idempotency_key),
        )
        .await
    }

    pub async fn retrieve_payment_intent(&self, id: &str) -> Result<Value, StripeCallError> {
        self.send(StripeMethod::Get, intent_path(id, "")?, vec![], None)
            .await
    }

    pub async fn update_amount(
        &self,
        id: &str,
        amount: i64,
        idempotency_key: &str,
    ) -> Result<Value, StripeCallError> {
        let form = vec![("amount".to_owned(), amount.to_string())];
        self.send(
            StripeMethod::Post,
            intent_path(id, "")?,
            form,
            Some(idempotency_key),
        )
        .await
    }

    /// Captures `amount_to_capture` (smallest unit; `None`: everything capturable). Stripe
    /// refuses a second capture with `payment_intent_unexpected_state`; that is the caller's to
    /// resolve (see [`crate::StripeProvider::capture`]).
    pub async fn capture_payment_intent(
        &self,
        id: &str,
        amount_to_capture: Option<i64>,
        idempotency_key: &str,
    ) -> Result<Value, StripeCallError> {
        let form = amount_to_capture
            .map(|a| vec![("amount_to_capture".to_owned(), a.to_string())])
            .unwrap_or_default();
        self.send(
            StripeMethod::Post,
            intent_path(id, "/capture")?,
            form,
            Some(idempotency_key),
        )
        .await
    }

    pub async fn cancel_payment_intent(
        &self,
        id: &str,
        idempotency_key: &str,
    ) -> Result<Value, StripeCallError> {
        self.send(
            StripeMethod::Post,
            intent_path(id, "/cancel")?,
            vec![],
            Some(idempotency_key),
        )
        .await
    }

    pub async fn create_refund(
        &self,
        payment_intent: &str,
        amount: i64,
        idempotency_key: &str,
    ) -> Result<Value, StripeCallError> {
        valid_id(payment_intent)?;
        let form = vec![
            ("amount".to_owned(), amount.to_string()),
            ("payment_intent".to_owned(), payment_intent.to_owned()),
        ];
        self.send(
            StripeMethod::Post,
            "/refunds".to_owned(),
            form,
            Some(idempotency_key),
        )
        .await
    }
}

/// PaymentIntent ids come from stored data; refuse anything that could change the path.
fn valid_id(id: &str) -> Result<(), StripeCallError> {
    if !id.is_empty() && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
        Ok(())
    } else {
        Err(StripeCallError::Invalid(format!(
            "Invalid PaymentIntent id '{id}'"
        )))
    }
}

fn intent_path(id: &str, tail: &str) -> Result<String, StripeCallError> {
    valid_id(id)?;
    Ok(format!("/payment_intents/{id}{tail}"))
}

fn retryable(e: &StripeError) -> bool {
    match e {
        StripeError::ClientError(_) | StripeError::Timeout => true,
        // 409: another request with this key is still running; 429: rate limited.
        StripeError::Stripe(_, status) => *status >= 500 || *status == 409 || *status == 429,
        // A body we could not read (e.g. a proxy's HTML 502): repeating the call with the same
        // key is safe, and the next answer may be readable.
        StripeError::JSONDeserialize(_) => true,
        StripeError::ConfigError(_) => false,
    }
}

fn convert(e: StripeError) -> StripeCallError {
    match e {
        StripeError::Stripe(api, status) => StripeCallError::Api {
            status,
            kind: api.type_.as_str().to_owned(),
            code: api.code.as_ref().map(|c| c.as_str().to_owned()),
            message: api
                .message
                .clone()
                .unwrap_or_else(|| format!("Stripe answered {status}")),
        },
        StripeError::ClientError(m) => StripeCallError::Unreachable(m),
        StripeError::Timeout => StripeCallError::Unreachable("timed out".to_owned()),
        StripeError::JSONDeserialize(m) => StripeCallError::Decode(m),
        StripeError::ConfigError(m) => StripeCallError::Invalid(m),
    }
}

fn to_json(v: &miniserde::json::Value) -> Result<Value, StripeCallError> {
    serde_json::from_str(&miniserde::json::to_string(v))
        .map_err(|e| StripeCallError::Decode(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_encoding_escapes_brackets_and_reserved_characters() {
        let f = encode_form(&[
            ("metadata[session_id]".into(), "payses_01 x&y=z".into()),
            ("amount".into(), "1999".into()),
        ]);
        assert_eq!(
            f,
            "metadata%5Bsession_id%5D=payses_01+x%26y%3Dz&amount=1999"
        );
    }

    #[test]
    fn backoff_doubles_up_to_the_cap() {
        let p = RetryPolicy {
            attempts: 5,
            base_delay: Duration::from_millis(100),
            max_delay: Duration::from_millis(350),
        };
        assert_eq!(p.delay(1), Duration::from_millis(100));
        assert_eq!(p.delay(2), Duration::from_millis(200));
        assert_eq!(p.delay(3), Duration::from_millis(350));
    }

    #[test]
    fn ids_that_could_change_the_path_are_refused() {
        assert!(intent_path("pi_123abc", "").is_ok());
        assert!(intent_path("../customers", "").is_err());
        assert!(intent_path("pi_1/capture?x", "").is_err());
        assert!(intent_path("", "").is_err());
    }
}
