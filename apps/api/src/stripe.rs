//! The Stripe provider (`pp_stripe_stripe`) wired into the api: registration, the webhook flow
//! and the PaymentIntent -> order lookup.
//!
//! * **Registration** ([`PaymentModuleWithStripe`], in [`crate::modules`]): when `STRIPE_API_KEY`
//!   is set, the payment module is built with the Stripe provider beside `pp_system_default`.
//!   Building it makes no network call. The provider is also put in the registry on its own
//!   (for the webhook) with a [`PaymentIntentLookup`] for `/store/orders/by-payment-intent/:id`.
//! * **Webhooks** ([`handle_webhook`], `POST /hooks/payment/stripe_stripe`): the signature is
//!   checked on the raw body before anything is parsed (300 s tolerance, on the app's clock);
//!   the event id is recorded once (a replay is answered 200 and does nothing); the payload is
//!   only a hint: the PaymentIntent is re-read from Stripe and its *current* status decides, so
//!   events arriving out of order converge on the same state. The session is the one named in
//!   the intent's `metadata.session_id`.
//!   - `requires_capture` / `succeeded`: the cart is completed through
//!     [`crate::checkout::complete_cart`], the same claim and code path as
//!     `POST /store/carts/:id/complete`, which authorizes the session (a collection without a
//!     cart just gets its session authorized, as Medusa). An already placed order is left as
//!     it is. `succeeded` then records a capture made outside us on the payment and the order.
//!   - anything else the intent says (failed card, canceled): the session takes that status
//!     while it has no payment.
//!   - other event types: 200, nothing read, nothing written.

use std::sync::Arc;

use async_trait::async_trait;
use medusa_core::Error;
use medusa_core::id::{PaymentId, PaymentSessionId};
use medusa_core::registry::{Module, ModuleContext, Registry};
use medusa_payment::{PaymentError, PaymentModule, PaymentService, ProviderRegistry};
use medusa_stripe::{IntentStatus, PROVIDER_ID, StripeProvider, StripeSettings, WebhookError};
use serde_json::{Value, json};
use tracing::Instrument;

use crate::cart::Requester;
use crate::checkout::{self, Claimed};
use crate::error::ApiResult;
use crate::order::PaymentIntentLookup;
use crate::state::State;

/// The event types acted on; every other type is acknowledged and ignored.
pub const HANDLED_EVENTS: &[&str] = &[
    "payment_intent.amount_capturable_updated",
    "payment_intent.succeeded",
    "payment_intent.payment_failed",
    "payment_intent.canceled",
];

/// The payment module, with `pp_stripe_stripe` when Stripe is configured. Same name and
/// migrations as [`PaymentModule`].
#[derive(Clone, Default)]
pub struct PaymentModuleWithStripe;

impl Module for PaymentModuleWithStripe {
    fn name(&self) -> &'static str {
        PaymentModule::default().name()
    }

    fn migrations(&self) -> Vec<Box<dyn sea_orm_migration::MigrationTrait>> {
        PaymentModule::default().migrations()
    }

    fn register(&self, ctx: &ModuleContext, registry: &mut Registry) {
        let mut providers = ProviderRegistry::default();
        let mut with_stripe = false;
        if let Some(settings) = StripeSettings::from_config(&ctx.config) {
            match StripeProvider::new(&settings) {
                Ok(stripe) => {
                    let stripe = Arc::new(stripe);
                    providers.register(stripe.clone());
                    registry.insert::<StripeProvider>(stripe);
                    with_stripe = true;
                    if settings.webhook_secret.is_none() {
                        tracing::warn!(
                            "STRIPE_API_KEY is set but STRIPE_WEBHOOK_SECRET is not: Stripe webhooks will be refused"
                        );
                    }
                }
                // Module registration cannot fail; the provider is then simply not offered.
                Err(e) => {
                    tracing::error!(error = %e, "Stripe is configured but its client could not be built; pp_stripe_stripe is not available")
                }
            }
        }
        PaymentModule::with_providers(providers).register(ctx, registry);
        if with_stripe && let Ok(payments) = registry.get::<dyn PaymentService>() {
            registry.insert::<dyn PaymentIntentLookup>(Arc::new(StripeIntentLookup { payments }));
        }
    }
}

/// PaymentIntent id -> payment collection, through the session whose data is that intent.
struct StripeIntentLookup {
    payments: Arc<dyn PaymentService>,
}

#[async_trait]
impl PaymentIntentLookup for StripeIntentLookup {
    async fn collection_for_intent(&self, intent_id: &str) -> ApiResult<Option<String>> {
        if !intent_id.starts_with("pi_") {
            return Ok(None);
        }
        Ok(self
            .payments
            .collection_for_provider_reference(PROVIDER_ID, intent_id)
            .await?
            .map(|c| c.to_string()))
    }
}

/// What a webhook delivery came to (for logs and tests; the answer is 200 either way).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WebhookOutcome {
    /// Not an event type acted on.
    Ignored,
    /// This event id was handled before.
    Duplicate,
    /// Handled; what was done.
    Handled(&'static str),
}

fn stripe(state: &State) -> ApiResult<Arc<StripeProvider>> {
    state
        .registry
        .get::<StripeProvider>()
        .map_err(|_| Error::not_found("Payment provider pp_stripe_stripe is not configured").into())
}

fn payments(state: &State) -> ApiResult<Arc<dyn PaymentService>> {
    Ok(state
        .registry
        .get::<dyn PaymentService>()
        .map_err(Error::internal)?)
}

/// Verifies and handles one delivery of `POST /hooks/payment/stripe_stripe`. Bad or stale
/// signatures are 400 with nothing changed; a failure after the event was recorded forgets it
/// again and answers 5xx, so Stripe's redelivery is handled.
pub async fn handle_webhook(
    state: &State,
    raw_body: &[u8],
    signature: Option<&str>,
) -> ApiResult<WebhookOutcome> {
    let provider = stripe(state)?;
    let now = state.clock.now().timestamp();
    let event = provider
        .verify_webhook(raw_body, signature, now)
        .map_err(|e| match e {
            WebhookError::NoSecret => {
                tracing::error!("a Stripe webhook arrived but STRIPE_WEBHOOK_SECRET is not set");
                Error::invalid_data("Webhook Error: the webhook secret is not configured")
            }
            other => Error::invalid_data(other.to_string()),
        })?;
    if !HANDLED_EVENTS.contains(&event.event_type.as_str()) {
        tracing::debug!(event = %event.id, r#type = %event.event_type, "Stripe event ignored");
        return Ok(WebhookOutcome::Ignored);
    }
    let payments = payments(state)?;
    if !payments
        .claim_webhook_event(PROVIDER_ID, &event.id, &event.event_type)
        .await?
    {
        tracing::info!(event = %event.id, "Stripe event already handled");
        return Ok(WebhookOutcome::Duplicate);
    }
    let span = tracing::info_span!("stripe_webhook", event = %event.id, r#type = %event.event_type);
    match process(
        state,
        &provider,
        payments.as_ref(),
        event.object_id.as_deref(),
    )
    .instrument(span)
    .await
    {
        Ok(done) => {
            tracing::info!(event = %event.id, r#type = %event.event_type, outcome = done, "Stripe event handled");
            Ok(WebhookOutcome::Handled(done))
        }
        Err(e) => {
            if let Err(forget) = payments.release_webhook_event(PROVIDER_ID, &event.id).await {
                tracing::error!(event = %event.id, error = %forget, "could not forget a failed Stripe event; its redelivery will be ignored");
            }
            Err(e)
        }
    }
}

/// Acts on the PaymentIntent's current state.
async fn process(
    state: &State,
    provider: &StripeProvider,
    payments: &dyn PaymentService,
    intent_id: Option<&str>,
) -> ApiResult<&'static str> {
    let Some(intent_id) = intent_id.filter(|i| i.starts_with("pi_")) else {
        return Ok("not a payment intent");
    };
    let (intent, status) = provider
        .retrieve(&json!({ "id": intent_id }))
        .await
        .map_err(|e| {
            Error::internal(anyhow::anyhow!("re-reading PaymentIntent {intent_id}: {e}"))
        })?;
    let Some(session_id) = intent
        .pointer("/metadata/session_id")
        .and_then(Value::as_str)
        .and_then(|s| PaymentSessionId::parse(s).ok())
    else {
        return Ok("no session in the intent's metadata");
    };
    let session = match payments.retrieve_session(&session_id).await {
        Ok(s) => s,
        Err(PaymentError::SessionNotFound(_)) => return Ok("unknown session"),
        Err(e) => return Err(e.into()),
    };
    if session.provider_id != PROVIDER_ID
        || session.data.get("id").and_then(Value::as_str) != Some(intent_id)
    {
        // A session replaced by a newer one keeps its own (canceled) intent.
        return Ok("the session is not this intent's");
    }
    match status {
        IntentStatus::Authorized | IntentStatus::Captured => {
            let cart = payments
                .cart_of_collection(&session.payment_collection_id)
                .await?;
            match cart {
                Some(cart_id) => complete(state, &cart_id).await?,
                None => {
                    authorize(payments, &session_id).await?;
                }
            }
            if status == IntentStatus::Captured {
                record_capture(state, payments, &session_id, &intent).await?;
                return Ok("captured");
            }
            Ok("authorized")
        }
        IntentStatus::Pending
        | IntentStatus::RequiresMore
        | IntentStatus::Error
        | IntentStatus::Canceled => {
            payments
                .update_session_from_provider(&session_id, intent, session_status(status))
                .await?;
            Ok("session status updated")
        }
    }
}

fn session_status(s: IntentStatus) -> medusa_payment::SessionStatus {
    use medusa_payment::SessionStatus as S;
    match s {
        IntentStatus::Pending => S::Pending,
        IntentStatus::RequiresMore => S::RequiresMore,
        IntentStatus::Authorized => S::Authorized,
        IntentStatus::Captured => S::Captured,
        IntentStatus::Error => S::Error,
        IntentStatus::Canceled => S::Canceled,
    }
}

/// Completes the cart as `POST /store/carts/:id/complete` does, on behalf of its owner. A
/// refusal that retrying cannot fix (a cart without shipping, stock gone, a declined payment)
/// is logged and acknowledged, as Medusa's `continueOnPermanentFailure`; anything else is
/// returned so Stripe delivers the event again.
async fn complete(state: &State, cart_id: &medusa_core::id::CartId) -> ApiResult<()> {
    let owner = state
        .registry
        .get::<dyn medusa_cart::CartService>()
        .map_err(Error::internal)?
        .retrieve(cart_id)
        .await?
        .customer_id;
    let who = Requester { customer_id: owner };
    match checkout::complete_cart(state, cart_id, &who).await {
        Ok(Claimed::Order(order)) => {
            tracing::info!(cart = %cart_id, %order, "cart completed (or already was) for a Stripe payment");
            Ok(())
        }
        Ok(Claimed::PaymentRefused(error)) => {
            tracing::warn!(cart = %cart_id, %error, "Stripe reported a payment, but its authorization was refused");
            Ok(())
        }
        Err(crate::error::ApiError::Core(e)) if is_permanent(&e) => {
            tracing::warn!(cart = %cart_id, error = %e, "the cart of a Stripe payment could not be completed");
            Ok(())
        }
        Err(e) => Err(e),
    }
}

fn is_permanent(e: &Error) -> bool {
    use medusa_core::error::ErrorType as T;
    match e.kind() {
        Some(T::NotFound | T::InvalidData | T::NotAllowed | T::DuplicateError) => true,
        Some(
            T::Unauthorized
            | T::Forbidden
            | T::Conflict
            | T::PaymentAuthorizationError
            | T::PaymentRequiresMoreError
            | T::UnexpectedState
            | T::InvalidArgument
            | T::DatabaseError,
        )
        | None => false,
    }
}

/// A collection without a cart (Medusa: "carts are authorized by /complete").
async fn authorize(payments: &dyn PaymentService, session: &PaymentSessionId) -> ApiResult<()> {
    match payments.authorize_session(session, &json!({})).await {
        Ok(_) | Err(PaymentError::NotAuthorized(_)) => Ok(()),
        Err(e) => Err(e.into()),
    }
}

/// `succeeded`: the money was captured at Stripe (by our delayed capture, or elsewhere). The
/// payment's captured sum is brought up to `amount_received` (nothing when we captured it
/// ourselves) and the order records it and closes its capture job.
async fn record_capture(
    state: &State,
    payments: &dyn PaymentService,
    session: &PaymentSessionId,
    intent: &Value,
) -> ApiResult<()> {
    let Some(payment_id) = payments.retrieve_session(session).await?.payment_id.clone() else {
        // The completion was refused (or is still running): nothing to record on.
        return Ok(());
    };
    let received = intent
        .get("amount_received")
        .and_then(Value::as_i64)
        .unwrap_or(0);
    let currency = intent.get("currency").and_then(Value::as_str).unwrap_or("");
    let total = medusa_core::Amount::new(medusa_stripe::amount::from_smallest_unit(
        received, currency,
    ));
    let payment = match payments.record_provider_capture(&payment_id, total).await {
        Ok(p) => p,
        Err(PaymentError::Canceled(_)) => {
            tracing::error!(payment = %payment_id, "Stripe captured a payment we had canceled; it needs a person");
            return Ok(());
        }
        Err(e) => return Err(e.into()),
    };
    record_on_order(state, &payment_id, &payment).await
}

async fn record_on_order(
    state: &State,
    payment_id: &PaymentId,
    payment: &medusa_payment::Payment,
) -> ApiResult<()> {
    if payment.captures.is_empty() {
        return Ok(());
    }
    crate::capture::after_manual_capture(&state.registry, payment)
        .await
        .map_err(|e| {
            Error::internal(e.context(format!(
                "recording the capture of {payment_id} on its order"
            )))
        })?;
    Ok(())
}
