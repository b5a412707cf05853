//! The order aggregate as the rest of the system sees it, and the plain inputs that create and
//! change it. Money is [`Amount`] in the order's currency; the tables keep minor units.

use chrono::{DateTime, Utc};
use medusa_core::CurrencyCode;
use medusa_core::id::OrderId;
use medusa_core::money::Amount;
use medusa_core::request::Comparison;
use rust_decimal::Decimal;
use serde_json::Value;

medusa_core::define_id!(OrderAddressId, "ordaddr");
medusa_core::define_id!(OrderLineItemId, "ordli");
medusa_core::define_id!(OrderItemId, "orditem");
medusa_core::define_id!(OrderShippingMethodId, "ordsm");
medusa_core::define_id!(OrderShippingId, "ordspmv");
medusa_core::define_id!(OrderLineItemTaxLineId, "ordlitxl");
medusa_core::define_id!(OrderShippingMethodTaxLineId, "ordsmtxl");
medusa_core::define_id!(OrderLineItemAdjustmentId, "ordliadj");
medusa_core::define_id!(OrderShippingMethodAdjustmentId, "ordsmadj");
medusa_core::define_id!(OrderCreditLineId, "ordcl");
medusa_core::define_id!(OrderTransactionId, "ordtrx");
medusa_core::define_id!(FulfillmentId, "ful");
medusa_core::define_id!(FulfillmentItemId, "fulit");
medusa_core::define_id!(FulfillmentLabelId, "fulla");
medusa_core::define_id!(FulfillmentAddressId, "fuladdr");
medusa_core::define_id!(EventId, "evt");

/// Medusa's order statuses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrderStatus {
    Pending,
    Completed,
    Draft,
    Archived,
    Canceled,
    RequiresAction,
}

impl OrderStatus {
    pub fn as_str(&self) -> &'static str {
        match self {
            OrderStatus::Pending => "pending",
            OrderStatus::Completed => "completed",
            OrderStatus::Draft => "draft",
            OrderStatus::Archived => "archived",
            OrderStatus::Canceled => "canceled",
            OrderStatus::RequiresAction => "requires_action",
        }
    }

    pub fn parse(s: &str) -> Option<OrderStatus> {
        Some(match s {
            "pending" => OrderStatus::Pending,
            "completed" => OrderStatus::Completed,
            "draft" => OrderStatus::Draft,
            "archived" => OrderStatus::Archived,
            "canceled" => OrderStatus::Canceled,
            "requires_action" => OrderStatus::RequiresAction,
            _ => return None,
        })
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Order {
    pub id: OrderId,
    pub display_id: i64,
    pub status: OrderStatus,
    pub email: Option<String>,
    pub currency_code: CurrencyCode,
    pub region_id: Option<String>,
    pub customer_id: Option<String>,
    pub sales_channel_id: Option<String>,
    pub locale: Option<String>,
    pub is_draft_order: bool,
    pub no_notification: bool,
    pub metadata: Option<Value>,
    pub canceled_at: Option<DateTime<Utc>>,
    pub version: i64,
    pub shipping_address: Option<Address>,
    pub billing_address: Option<Address>,
    /// In the cart's order.
    pub items: Vec<LineItem>,
    pub shipping_methods: Vec<ShippingMethod>,
    pub credit_lines: Vec<CreditLine>,
    pub transactions: Vec<Transaction>,
    /// Oldest first.
    pub fulfillments: Vec<Fulfillment>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Order {
    pub fn item(&self, id: &str) -> Option<&LineItem> {
        self.items.iter().find(|i| i.id.as_str() == id)
    }
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct AddressFields {
    pub customer_id: Option<String>,
    pub company: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub address_1: Option<String>,
    pub address_2: Option<String>,
    pub city: Option<String>,
    pub country_code: Option<String>,
    pub province: Option<String>,
    pub postal_code: Option<String>,
    pub phone: Option<String>,
    pub metadata: Option<Value>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Address {
    pub id: OrderAddressId,
    pub fields: AddressFields,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// The catalog snapshot of an item, as the cart held it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ItemSnapshot {
    pub title: String,
    pub subtitle: Option<String>,
    pub thumbnail: Option<String>,
    pub variant_id: Option<String>,
    pub product_id: Option<String>,
    pub product_title: Option<String>,
    pub product_description: Option<String>,
    pub product_subtitle: Option<String>,
    pub product_type: Option<String>,
    pub product_type_id: Option<String>,
    pub product_collection: Option<String>,
    pub product_handle: Option<String>,
    pub variant_sku: Option<String>,
    pub variant_barcode: Option<String>,
    pub variant_title: Option<String>,
    pub variant_option_values: Option<Value>,
    pub requires_shipping: bool,
    pub is_discountable: bool,
    pub is_giftcard: bool,
    pub is_tax_inclusive: bool,
    pub is_custom_price: bool,
    pub metadata: Option<Value>,
}

/// An order item's lifecycle quantities (Medusa's `order_item`, the item's "detail").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ItemQuantities {
    pub fulfilled: i64,
    pub shipped: i64,
    pub delivered: i64,
    pub return_requested: i64,
    pub return_received: i64,
    pub return_dismissed: i64,
    pub written_off: i64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct LineItem {
    pub id: OrderLineItemId,
    /// The id of the item's detail row (`orditem_...`).
    pub detail_id: OrderItemId,
    pub snapshot: ItemSnapshot,
    pub quantity: i64,
    pub unit_price: Amount,
    pub compare_at_unit_price: Option<Amount>,
    pub detail: ItemQuantities,
    pub tax_lines: Vec<TaxLine>,
    pub adjustments: Vec<Adjustment>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A tax line of an item or a shipping method. `rate` is a percentage.
#[derive(Debug, Clone, PartialEq)]
pub struct TaxLine {
    pub id: String,
    pub description: Option<String>,
    pub code: String,
    pub rate: Decimal,
    pub provider_id: Option<String>,
    pub tax_rate_id: Option<String>,
    pub metadata: Option<Value>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Adjustment {
    pub id: String,
    pub code: Option<String>,
    pub description: Option<String>,
    pub amount: Amount,
    pub is_tax_inclusive: bool,
    pub promotion_id: Option<String>,
    pub provider_id: Option<String>,
    pub metadata: Option<Value>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ShippingMethod {
    pub id: OrderShippingMethodId,
    pub detail_id: OrderShippingId,
    pub name: String,
    pub description: Option<String>,
    pub amount: Amount,
    pub is_tax_inclusive: bool,
    pub is_custom_amount: bool,
    pub shipping_option_id: Option<String>,
    pub data: Option<Value>,
    pub metadata: Option<Value>,
    pub tax_lines: Vec<TaxLine>,
    pub adjustments: Vec<Adjustment>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct CreditLine {
    pub id: OrderCreditLineId,
    pub reference: Option<String>,
    pub reference_id: Option<String>,
    pub amount: Amount,
    pub metadata: Option<Value>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Money that moved for the order: a capture (positive) or a refund (negative), as Medusa's
/// order transactions.
#[derive(Debug, Clone, PartialEq)]
pub struct Transaction {
    pub id: OrderTransactionId,
    pub amount: Amount,
    pub currency_code: CurrencyCode,
    pub reference: Option<String>,
    pub reference_id: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Fulfillment {
    pub id: FulfillmentId,
    pub location_id: String,
    pub provider_id: String,
    pub shipping_option_id: Option<String>,
    pub requires_shipping: bool,
    pub packed_at: Option<DateTime<Utc>>,
    pub shipped_at: Option<DateTime<Utc>>,
    pub delivered_at: Option<DateTime<Utc>>,
    pub canceled_at: Option<DateTime<Utc>>,
    pub marked_shipped_by: Option<String>,
    pub created_by: Option<String>,
    pub data: Option<Value>,
    pub metadata: Option<Value>,
    pub items: Vec<FulfillmentItem>,
    pub labels: Vec<FulfillmentLabel>,
    /// The order's shipping address when the fulfilment was created (Medusa copies it, so a
    /// later change of the order's address does not move a parcel already sent).
    pub delivery_address: Option<DeliveryAddress>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A fulfilment's copy of the address it goes to.
#[derive(Debug, Clone, PartialEq)]
pub struct DeliveryAddress {
    pub id: FulfillmentAddressId,
    pub fields: AddressFields,
}

#[derive(Debug, Clone, PartialEq)]
pub struct FulfillmentItem {
    pub id: FulfillmentItemId,
    pub line_item_id: String,
    pub inventory_item_id: Option<String>,
    pub title: String,
    pub sku: String,
    pub barcode: String,
    pub quantity: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FulfillmentLabel {
    pub id: FulfillmentLabelId,
    pub tracking_number: String,
    pub tracking_url: String,
    pub label_url: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A row of the event outbox: written in the transaction of the change it announces, processed
/// later by the worker.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    pub id: EventId,
    pub name: String,
    pub payload: Value,
    pub created_at: DateTime<Utc>,
    pub processed_at: Option<DateTime<Utc>>,
}

/// An outbox event a dispatcher holds a lease on. `claim` guards the dispatcher's later writes.
#[derive(Debug, Clone, PartialEq)]
pub struct ClaimedEvent {
    pub event: Event,
    /// 1 for the first delivery attempt.
    pub attempt: i32,
    pub claim: String,
}

/// An outbox row's delivery state.
#[derive(Debug, Clone, PartialEq)]
pub struct EventDelivery {
    pub event: Event,
    pub attempts: i32,
    pub next_attempt_at: Option<DateTime<Utc>>,
    pub last_error: Option<String>,
    /// Set when the dispatcher gave up (attempt limit reached).
    pub failed_at: Option<DateTime<Utc>>,
}

// --- inputs --------------------------------------------------------------------------------------

/// Everything an order is created from (the api builds it from the completed cart). The order
/// module does not know carts; it stores what it is given.
#[derive(Debug, Clone, PartialEq)]
pub struct CreateOrderInput {
    /// The cart the order comes from: at most one order per cart.
    pub cart_id: String,
    pub region_id: Option<String>,
    pub customer_id: Option<String>,
    pub sales_channel_id: Option<String>,
    pub email: Option<String>,
    pub currency_code: CurrencyCode,
    pub locale: Option<String>,
    pub metadata: Option<Value>,
    pub shipping_address: Option<AddressFields>,
    pub billing_address: Option<AddressFields>,
    pub items: Vec<NewLineItem>,
    pub shipping_methods: Vec<NewShippingMethod>,
    pub credit_lines: Vec<NewCreditLine>,
    /// Linked in the same transaction.
    pub payment_collection_id: Option<String>,
    /// Recorded in the same transaction (captures of an auto-captured payment).
    pub transactions: Vec<NewTransaction>,
    /// Written to the outbox in the same transaction, after `order.placed`.
    pub extra_events: Vec<(String, Value)>,
    /// The delayed capture of an authorized payment, written in the same transaction.
    pub capture_job: Option<NewCaptureJob>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct NewLineItem {
    /// Chosen by the caller (`OrderLineItemId::new()`), so it can reserve stock for the item
    /// before or after the order exists.
    pub id: OrderLineItemId,
    pub snapshot: ItemSnapshot,
    pub quantity: i64,
    pub unit_price: Amount,
    pub compare_at_unit_price: Option<Amount>,
    pub tax_lines: Vec<NewTaxLine>,
    pub adjustments: Vec<NewAdjustment>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct NewTaxLine {
    pub description: Option<String>,
    pub code: String,
    pub rate: Decimal,
    pub provider_id: Option<String>,
    pub tax_rate_id: Option<String>,
    pub metadata: Option<Value>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct NewAdjustment {
    pub code: Option<String>,
    pub description: Option<String>,
    pub amount: Amount,
    pub is_tax_inclusive: bool,
    pub promotion_id: Option<String>,
    pub provider_id: Option<String>,
    pub metadata: Option<Value>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct NewShippingMethod {
    pub name: String,
    pub description: Option<String>,
    pub amount: Amount,
    pub is_tax_inclusive: bool,
    pub is_custom_amount: bool,
    pub shipping_option_id: Option<String>,
    pub data: Option<Value>,
    pub metadata: Option<Value>,
    pub tax_lines: Vec<NewTaxLine>,
    pub adjustments: Vec<NewAdjustment>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct NewCreditLine {
    pub reference: Option<String>,
    pub reference_id: Option<String>,
    pub amount: Amount,
    pub metadata: Option<Value>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct NewTransaction {
    /// Positive for a capture, negative for a refund.
    pub amount: Amount,
    /// `"capture"` or `"refund"`.
    pub reference: String,
    /// The capture or refund id.
    pub reference_id: String,
}

/// `quantity` units of an order item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemQuantity {
    pub item_id: String,
    pub quantity: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewLabel {
    pub tracking_number: String,
    pub tracking_url: String,
    pub label_url: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct NewFulfillment {
    pub location_id: String,
    pub items: Vec<ItemQuantity>,
    /// Per order item id, the inventory item recorded on the fulfilment item.
    pub inventory_items: Vec<(String, String)>,
    pub shipping_option_id: Option<String>,
    pub requires_shipping: bool,
    pub labels: Vec<NewLabel>,
    pub created_by: Option<String>,
    pub metadata: Option<Value>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct OrderFilter {
    pub ids: Option<Vec<String>>,
    pub customer_id: Option<String>,
    pub status: Option<Vec<String>>,
    pub sales_channel_id: Option<Vec<String>>,
    pub region_id: Option<Vec<String>>,
    pub q: Option<String>,
    pub created_at: Option<Comparison<DateTime<Utc>>>,
    pub updated_at: Option<Comparison<DateTime<Utc>>>,
    pub is_draft_order: Option<bool>,
}

/// `limit`/`offset` and an order such as `-created_at`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page {
    pub limit: u64,
    pub offset: u64,
    pub order: Option<String>,
}

// --- delayed capture -----------------------------------------------------------------------------

medusa_core::define_id!(CaptureJobId, "capjob");

/// Where a delayed-capture job is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaptureJobStatus {
    /// Waiting for `run_at` (or for a retry).
    Pending,
    /// A worker holds it until `lease_until`; an expired lease may be claimed again.
    Claimed,
    /// Captured (by the job, or by an admin's manual capture).
    Done,
    /// Gave up after the last attempt; needs a person.
    Failed,
    /// The order was canceled during the grace period.
    Canceled,
}

impl CaptureJobStatus {
    pub fn as_str(&self) -> &'static str {
        match self {
            CaptureJobStatus::Pending => "pending",
            CaptureJobStatus::Claimed => "claimed",
            CaptureJobStatus::Done => "done",
            CaptureJobStatus::Failed => "failed",
            CaptureJobStatus::Canceled => "canceled",
        }
    }

    pub fn parse(s: &str) -> Option<CaptureJobStatus> {
        Some(match s {
            "pending" => CaptureJobStatus::Pending,
            "claimed" => CaptureJobStatus::Claimed,
            "done" => CaptureJobStatus::Done,
            "failed" => CaptureJobStatus::Failed,
            "canceled" => CaptureJobStatus::Canceled,
            _ => return None,
        })
    }
}

/// The capture job of an order (see `migration/m0002_capture_job.rs`).
#[derive(Debug, Clone, PartialEq)]
pub struct CaptureJob {
    pub id: CaptureJobId,
    pub order_id: OrderId,
    pub payment_collection_id: String,
    pub payment_id: String,
    pub run_at: DateTime<Utc>,
    pub status: CaptureJobStatus,
    /// Claims so far (each claim is one attempt).
    pub attempts: i32,
    pub attempt_group: i32,
    pub lease_until: Option<DateTime<Utc>>,
    pub claimed_by: Option<String>,
    pub last_error: Option<String>,
    pub authorization_expires_at: DateTime<Utc>,
    pub expiry_flagged: bool,
    pub completed_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl CaptureJob {
    /// The provider idempotency key of this job's capture: the same for every retry in one
    /// attempt group (a crash and restart sends the same key, so the provider moves the money
    /// at most once).
    pub fn idempotency_key(&self) -> String {
        format!("capture:{}:{}", self.payment_id, self.attempt_group)
    }
}

/// The capture job written with the order (the payment was authorized, not captured).
#[derive(Debug, Clone, PartialEq)]
pub struct NewCaptureJob {
    pub payment_collection_id: String,
    pub payment_id: String,
    /// `run_at = placed_at + delay` (`CAPTURE_DELAY`).
    pub delay: std::time::Duration,
    /// How long the authorization stays valid after placement (Stripe: 7 days).
    pub authorization_validity: std::time::Duration,
}

/// A capture to record on the order once the payment module captured: the order transaction,
/// the `payment.captured` event, and the order's capture job marked done, in one transaction.
#[derive(Debug, Clone, PartialEq)]
pub struct RecordCapture {
    /// Captures of the order's payment; ones already recorded (same capture id) are skipped.
    pub transactions: Vec<NewTransaction>,
    /// The payment, for the `payment.captured` event (`{id}`, as Medusa's).
    pub payment_id: String,
}
