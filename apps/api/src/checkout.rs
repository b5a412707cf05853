//! `POST /store/carts/:id/complete`: from a cart to an order, exactly once.
//!
//! The order of operations, and why:
//! 1. **Claim the cart** (a row with a lease in the cart module): one completion at a time per
//!    cart across every api process. A concurrent `complete` waits for the holder and answers the
//!    same order (Medusa answers it 409, #14757). A crashed holder's claim expires.
//! 2. **An order already exists** for the cart: answer it (a repeated `complete` is harmless).
//! 3. **Validate** (Medusa's messages): shipping for items that need it, a payment collection and
//!    a usable session when there is something to pay.
//! 4. **Reserve stock** for every line in one inventory transaction (demand summed per item and
//!    location; never oversells). Not enough: 400 `insufficient_inventory`, nothing reserved.
//! 5. **Authorize the payment** (last external step, as Medusa). Refused: the reservations are
//!    released and the answer is `200 {type: "cart", cart, error}`.
//! 6. **Create the order** in one transaction: items, addresses, the cart and payment-collection
//!    links, the `order.placed` outbox event and the display id (no gaps: Medusa #14205). The
//!    order <-> cart link is unique, so even a lost claim cannot make a second order.
//!    Failure: the authorization is canceled and the reservations released.
//! 7. **Mark the cart completed.**

use std::collections::HashMap;
use std::time::{Duration, Instant};

use medusa_cart::{Cart, CartService};
use medusa_core::Error;
use medusa_core::error::codes;
use medusa_core::id::{CartId, PaymentSessionId};
use medusa_inventory::{InventoryService, ReservationRequest};
use medusa_order::{
    AddressFields, CreateOrderInput, ItemSnapshot, NewAdjustment, NewCreditLine, NewLineItem,
    NewShippingMethod, NewTaxLine, NewTransaction, OrderError, OrderLineItemId, OrderService,
};
use medusa_payment::{PaymentError, PaymentService, SessionStatus};
use serde_json::{Value, json};

use crate::cart::{self, Requester};
use crate::error::{ApiError, ApiResult};
use crate::state::State;

/// How long a completion may hold its claim before another request may take over (a crashed
/// process); completions take milliseconds.
const CLAIM_TTL: Duration = Duration::from_secs(120);
/// How long a concurrent `complete` waits for the holder before answering 409.
const WAIT: Duration = Duration::from_secs(30);

/// What `complete` answers.
pub enum Completed {
    Order(Value),
    /// The payment was refused: the cart, and Medusa's error object.
    Cart {
        cart: Value,
        error: Value,
    },
}

fn svc<T: ?Sized + Send + Sync + 'static>(state: &State) -> ApiResult<std::sync::Arc<T>> {
    Ok(state.registry.get::<T>().map_err(Error::internal)?)
}

async fn existing_order(state: &State, cart_id: &CartId) -> ApiResult<Option<String>> {
    Ok(svc::<dyn OrderService>(state)?
        .order_for_cart(cart_id.as_str())
        .await?
        .map(|o| o.to_string()))
}

/// Completes the cart (see the module docs). `fields` applies to the order.
pub async fn complete(
    state: &State,
    id: &str,
    who: &Requester,
    fields: Option<&str>,
) -> ApiResult<Completed> {
    let cart = cart::retrieve(state, id, who).await?;
    let render = |order_id: String| async move {
        crate::order::order_json(state, &order_id, fields)
            .await
            .map(Completed::Order)
    };
    match complete_cart(state, &cart.id, who).await? {
        Claimed::Order(order_id) => render(order_id).await,
        Claimed::PaymentRefused(error) => {
            let cart = cart::retrieve(state, id, who).await?;
            let cart = crate::cart::render::cart_json(state, &cart, None).await?;
            Ok(Completed::Cart { cart, error })
        }
    }
}

/// The completion itself, without an HTTP request: the claim, the existing-order check and
/// [`complete_claimed`]. `POST /store/carts/:id/complete` and the payment webhooks (a provider
/// telling us the shopper paid, e.g. Stripe's `amount_capturable_updated`) both come through
/// here, so they share the database claim and the order <-> cart unique link: one order for a
/// cart whatever the interleaving (Medusa #13301). `who` must be allowed to see the cart.
pub async fn complete_cart(state: &State, cart_id: &CartId, who: &Requester) -> ApiResult<Claimed> {
    if let Some(order) = existing_order(state, cart_id).await? {
        return Ok(Claimed::Order(order));
    }
    let carts = svc::<dyn CartService>(state)?;
    let token = medusa_core::id::new_ulid().to_string();
    let started = Instant::now();
    loop {
        if carts.claim_completion(cart_id, &token, CLAIM_TTL).await? {
            break;
        }
        if let Some(order) = existing_order(state, cart_id).await? {
            return Ok(Claimed::Order(order));
        }
        if started.elapsed() > WAIT {
            return Err(
                Error::conflict("Cart is already being completed by another request").into(),
            );
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    let outcome = complete_claimed(state, cart_id, who).await;
    if let Err(e) = carts.release_completion(cart_id, &token).await {
        // The lease expires on its own; a waiting request then finds the order.
        tracing::warn!(cart = %cart_id, error = %e, "could not release the completion claim");
    }
    outcome
}

/// What a completion came to.
pub enum Claimed {
    /// The order's id (new, or the one an earlier completion placed).
    Order(String),
    /// The payment was not authorized: Medusa's error object.
    PaymentRefused(Value),
}

fn invalid(message: &str) -> ApiError {
    Error::invalid_data(message).into()
}

async fn complete_claimed(state: &State, cart_id: &CartId, who: &Requester) -> ApiResult<Claimed> {
    // Under the claim: a previous holder may have finished in the meantime.
    if let Some(order) = existing_order(state, cart_id).await? {
        return Ok(Claimed::Order(order));
    }
    let cart = cart::retrieve(state, cart_id.as_str(), who).await?;
    if cart.completed_at.is_some() {
        return Err(invalid(&format!("Cart {} is already completed.", cart.id)));
    }
    if cart.items.iter().any(|i| i.requires_shipping) && cart.shipping_methods.is_empty() {
        return Err(invalid(
            "No shipping method selected but the cart contains items that require shipping.",
        ));
    }
    let totals = crate::cart::totals::compute(&cart)?;
    let total = totals
        .cart
        .get("total")
        .and_then(Value::as_f64)
        .unwrap_or(0.0);

    // The session to authorize, when there is something to pay.
    let payments = svc::<dyn PaymentService>(state)?;
    let collection = payments.collection_for_cart(&cart.id).await?;
    let session: Option<PaymentSessionId> = if total > 0.0 {
        let Some(collection) = &collection else {
            return Err(invalid(
                "Payment collection has not been initiated for cart",
            ));
        };
        let usable = collection.payment_sessions.iter().find(|s| {
            matches!(
                s.status,
                SessionStatus::Pending
                    | SessionStatus::RequiresMore
                    | SessionStatus::Authorized
                    | SessionStatus::Captured
            )
        });
        let cart_total: Option<medusa_core::money::Amount> = totals
            .cart
            .get("total")
            .and_then(|v| serde_json::from_value(v.clone()).ok());
        if cart_total != Some(collection.amount) {
            // The cart changed after its payment was authorized: charging the old amount
            // would not match the order.
            return Err(invalid(
                "The cart's total changed after the payment was started; start a new payment session",
            ));
        }
        match usable {
            Some(s) => Some(s.id.clone()),
            None => return Err(invalid("Payment sessions are required to complete cart")),
        }
    } else {
        None
    };

    // Order item ids are chosen now, so stock is reserved for the order's own lines.
    let mut input = order_input(&cart, collection.as_ref().map(|c| c.id.to_string()));
    let reservations = reserve(state, &cart, &input.items).await?;
    let reserved_lines: Vec<String> = reservations.clone();

    let context = match &cart.customer_id {
        Some(c) => json!({"customer": {"id": c}}),
        None => json!({}),
    };
    let mut payment_id = None;
    if let Some(session) = &session {
        match payments.authorize_session(session, &context).await {
            Ok(payment) => {
                // A provider that captured at once: the order records the capture.
                for capture in &payment.captures {
                    input.transactions.push(NewTransaction {
                        amount: capture.amount,
                        reference: "capture".into(),
                        reference_id: capture.id.to_string(),
                    });
                }
                // Authorized, not captured: the delayed capture is written with the order.
                if payment.captured_at.is_none()
                    && payment.captures.is_empty()
                    && payment.canceled_at.is_none()
                {
                    input.capture_job = Some(medusa_order::NewCaptureJob {
                        payment_collection_id: payment.payment_collection_id.to_string(),
                        payment_id: payment.id.to_string(),
                        delay: state.config.capture_delay.0,
                        authorization_validity: crate::capture::AUTHORIZATION_VALIDITY,
                    });
                }
                payment_id = Some(payment.id.clone());
            }
            Err(e @ PaymentError::NotAuthorized(_)) => {
                release(state, &reserved_lines).await;
                return Ok(Claimed::PaymentRefused(json!({
                    "message": "Payment authorization failed",
                    "name": "Error",
                    "type": "payment_authorization_error",
                    "detail": e.to_string(),
                })));
            }
            Err(e) => {
                release(state, &reserved_lines).await;
                return Err(e.into());
            }
        }
    }

    let orders = svc::<dyn OrderService>(state)?;
    let has_capture_job = input.capture_job.is_some();
    let order_id = match orders.create_from_cart(input).await {
        Ok(order) => order.id.to_string(),
        Err(OrderError::AlreadyExists { order_id, .. }) => {
            // Another process completed the cart after all (its claim had expired): its order
            // stands; what this attempt reserved is given back. The payment is the same
            // collection's, so it stays.
            release(state, &reserved_lines).await;
            return Ok(Claimed::Order(order_id.to_string()));
        }
        Err(e) => {
            release(state, &reserved_lines).await;
            if let Some(p) = &payment_id
                && let Err(cancel) = payments.cancel_payment(p).await
            {
                tracing::error!(payment = %p, error = %cancel, "could not cancel the authorization of a failed checkout");
            }
            return Err(e.into());
        }
    };

    mark_completed(state, &cart.id, who).await?;
    tracing::info!(cart = %cart.id, order = %order_id, "order placed");
    // A wake-up for when the capture is due; the job row is what guarantees it.
    // Off the request path: a slow or unreachable Redis never delays the answer.
    if has_capture_job && let Some(redis) = state.redis.clone() {
        let (order, delay) = (order_id.clone(), state.config.capture_delay.0);
        tokio::spawn(async move { crate::capture::set_intent(&redis, &order, delay).await });
    }
    Ok(Claimed::Order(order_id))
}

/// Sets `completed_at`, re-applying it if the cart changed meanwhile.
async fn mark_completed(state: &State, cart_id: &CartId, who: &Requester) -> ApiResult<()> {
    let carts = svc::<dyn CartService>(state)?;
    for _ in 0..8 {
        let mut cart = cart::retrieve(state, cart_id.as_str(), who).await?;
        if cart.completed_at.is_some() {
            return Ok(());
        }
        cart.completed_at = Some(state.clock.now());
        match carts.save(cart).await {
            Ok(_) => return Ok(()),
            Err(medusa_cart::CartError::Conflict(_)) => continue,
            Err(e) => return Err(e.into()),
        }
    }
    Err(Error::conflict("The cart kept changing while it was being completed").into())
}

/// Gives back what a failed completion reserved.
async fn release(state: &State, line_ids: &[String]) {
    if line_ids.is_empty() {
        return;
    }
    let result = match svc::<dyn InventoryService>(state) {
        Ok(inv) => inv
            .delete_reservations_for_line_items(line_ids)
            .await
            .map(|_| ())
            .map_err(|e| e.to_string()),
        Err(e) => Err(format!("{e:?}")),
    };
    if let Err(e) = result {
        tracing::error!(error = %e, "could not release the reservations of a failed checkout");
    }
}

/// Reserves stock for the order's lines at the locations of the cart's sales channel, all or
/// nothing. Returns the order line ids that got reservations.
async fn reserve(state: &State, cart: &Cart, lines: &[NewLineItem]) -> ApiResult<Vec<String>> {
    let variant_ids: Vec<String> = lines
        .iter()
        .filter_map(|l| l.snapshot.variant_id.clone())
        .collect();
    if variant_ids.is_empty() {
        return Ok(Vec::new());
    }
    let catalog = svc::<dyn medusa_product::ProductService>(state)?;
    let variants: HashMap<String, medusa_product::Variant> = catalog
        .variants_by_id(&variant_ids)
        .await?
        .into_iter()
        .map(|v| (v.id.clone(), v))
        .collect();
    let inventory = svc::<dyn InventoryService>(state)?;
    let links = inventory.items_for_variants(&variant_ids).await?;
    let channels: Vec<medusa_core::id::SalesChannelId> = cart
        .sales_channel_id
        .iter()
        .filter_map(|c| medusa_core::id::SalesChannelId::parse(c).ok())
        .collect();
    let mut locations: Vec<String> = if channels.is_empty() {
        Vec::new()
    } else {
        svc::<dyn medusa_stock_location::StockLocationService>(state)?
            .location_ids_for_sales_channels(&channels)
            .await?
            .iter()
            .map(|l| l.to_string())
            .collect()
    };
    locations.sort();

    let mut requests = Vec::new();
    for line in lines {
        let Some(variant) = line
            .snapshot
            .variant_id
            .as_ref()
            .and_then(|v| variants.get(v))
        else {
            continue;
        };
        if !variant.manage_inventory {
            continue;
        }
        for link in links.iter().filter(|l| l.variant_id == variant.id) {
            let quantity = line.quantity * link.required_quantity;
            let location = pick_location(
                inventory.as_ref(),
                &link.inventory_item_id,
                &locations,
                quantity,
            )
            .await?;
            let Some(location) = location else {
                return Err(insufficient());
            };
            let mut req =
                ReservationRequest::new(link.inventory_item_id.clone(), location, quantity);
            req.line_item_id = Some(line.id.to_string());
            // Lets the stale-reservation sweep find what a crashed checkout left behind.
            req.created_by = Some(crate::stale_reservations::CHECKOUT_RESERVATION.to_owned());
            req.allow_backorder = variant.allow_backorder;
            requests.push(req);
        }
    }
    if requests.is_empty() {
        return Ok(Vec::new());
    }
    match inventory.reserve(&requests).await {
        Ok(_) => Ok(lines.iter().map(|l| l.id.to_string()).collect()),
        Err(
            medusa_inventory::InventoryError::InsufficientStock { .. }
            | medusa_inventory::InventoryError::NotStocked { .. },
        ) => Err(insufficient()),
        Err(e) => Err(e.into()),
    }
}

fn insufficient() -> ApiError {
    Error::not_allowed("Some variant does not have the required inventory")
        .with_code(codes::INSUFFICIENT_INVENTORY)
        .into()
}

/// The first of the channel's locations (in id order) with enough available stock of the item,
/// else the first one that stocks it (the reservation then fails atomically, or backorders).
async fn pick_location(
    inventory: &dyn InventoryService,
    item: &medusa_inventory::InventoryItemId,
    locations: &[String],
    quantity: i64,
) -> ApiResult<Option<String>> {
    let levels = inventory.list_levels(item).await?;
    let stocked: Vec<&medusa_inventory::InventoryLevel> = locations
        .iter()
        .filter_map(|l| levels.iter().find(|lv| &lv.location_id == l))
        .collect();
    let enough = stocked
        .iter()
        .find(|lv| lv.stocked_quantity - lv.reserved_quantity >= quantity);
    Ok(enough.or(stocked.first()).map(|lv| lv.location_id.clone()))
}

fn address(a: &medusa_cart::Address) -> AddressFields {
    let f = &a.fields;
    AddressFields {
        customer_id: f.customer_id.clone(),
        company: f.company.clone(),
        first_name: f.first_name.clone(),
        last_name: f.last_name.clone(),
        address_1: f.address_1.clone(),
        address_2: f.address_2.clone(),
        city: f.city.clone(),
        country_code: f.country_code.clone(),
        province: f.province.clone(),
        postal_code: f.postal_code.clone(),
        phone: f.phone.clone(),
        metadata: f.metadata.clone(),
    }
}

fn tax_lines(lines: &[medusa_cart::TaxLine]) -> Vec<NewTaxLine> {
    lines
        .iter()
        .map(|t| NewTaxLine {
            description: t.description.clone(),
            code: t.code.clone(),
            rate: t.rate,
            provider_id: t.provider_id.clone(),
            tax_rate_id: t.tax_rate_id.clone(),
            metadata: t.metadata.clone(),
        })
        .collect()
}

fn adjustments(adjs: &[medusa_cart::Adjustment]) -> Vec<NewAdjustment> {
    adjs.iter()
        .map(|a| NewAdjustment {
            code: a.code.clone(),
            description: a.description.clone(),
            amount: a.amount,
            is_tax_inclusive: a.is_tax_inclusive,
            promotion_id: a.promotion_id.clone(),
            provider_id: a.provider_id.clone(),
            metadata: a.metadata.clone(),
        })
        .collect()
}

/// The order the cart becomes (Medusa's complete-cart step 5).
fn order_input(cart: &Cart, payment_collection_id: Option<String>) -> CreateOrderInput {
    CreateOrderInput {
        cart_id: cart.id.to_string(),
        region_id: cart.region_id.clone(),
        customer_id: cart.customer_id.clone(),
        sales_channel_id: cart.sales_channel_id.clone(),
        email: cart.email.clone(),
        currency_code: cart.currency_code.clone(),
        locale: cart.locale.clone(),
        metadata: cart.metadata.clone(),
        shipping_address: cart.shipping_address.as_ref().map(address),
        billing_address: cart.billing_address.as_ref().map(address),
        items: cart
            .items
            .iter()
            .map(|i| NewLineItem {
                id: OrderLineItemId::new(),
                snapshot: ItemSnapshot {
                    title: i.title.clone(),
                    subtitle: i.subtitle.clone(),
                    thumbnail: i.thumbnail.clone(),
                    variant_id: i.variant_id.clone(),
                    product_id: i.product_id.clone(),
                    product_title: i.product_title.clone(),
                    product_description: i.product_description.clone(),
                    product_subtitle: i.product_subtitle.clone(),
                    product_type: i.product_type.clone(),
                    product_type_id: i.product_type_id.clone(),
                    product_collection: i.product_collection.clone(),
                    product_handle: i.product_handle.clone(),
                    variant_sku: i.variant_sku.clone(),
                    variant_barcode: i.variant_barcode.clone(),
                    variant_title: i.variant_title.clone(),
                    variant_option_values: i.variant_option_values.clone(),
                    requires_shipping: i.requires_shipping,
                    is_discountable: i.is_discountable,
                    is_giftcard: i.is_giftcard,
                    is_tax_inclusive: i.is_tax_inclusive,
                    is_custom_price: i.is_custom_price,
                    metadata: i.metadata.clone(),
                },
                quantity: i.quantity,
                unit_price: i.unit_price,
                compare_at_unit_price: i.compare_at_unit_price,
                tax_lines: tax_lines(&i.tax_lines),
                adjustments: adjustments(&i.adjustments),
            })
            .collect(),
        shipping_methods: cart
            .shipping_methods
            .iter()
            .map(|m| NewShippingMethod {
                name: m.name.clone(),
                description: m.description.clone(),
                amount: m.amount,
                is_tax_inclusive: m.is_tax_inclusive,
                is_custom_amount: false,
                shipping_option_id: m.shipping_option_id.clone(),
                data: m.data.clone(),
                metadata: m.metadata.clone(),
                tax_lines: tax_lines(&m.tax_lines),
                adjustments: adjustments(&m.adjustments),
            })
            .collect(),
        credit_lines: cart
            .credit_lines
            .iter()
            .map(|c| NewCreditLine {
                reference: c.reference.clone(),
                reference_id: c.reference_id.clone(),
                amount: c.amount,
                metadata: c.metadata.clone(),
            })
            .collect(),
        payment_collection_id,
        transactions: Vec::new(),
        extra_events: Vec::new(),
        capture_job: None,
    }
}
