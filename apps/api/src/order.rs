//! An order as Medusa's store and admin APIs return it: the order's columns, its totals (from
//! `medusa_totals`, with the `raw_*` siblings orders carry), `summary`, the computed
//! `payment_status` and `fulfillment_status`, and the relations the request's `fields` ask for,
//! projected onto `fields`.
//!
//! Payment collections come from the payment module (`list_collections`, rendered by
//! `crate::payment`). Finding the collection of a provider's payment intent is the payment
//! provider's business and sits behind [`PaymentIntentLookup`], looked up in the registry.

use std::collections::HashMap;
use std::sync::Arc;

use async_trait::async_trait;
use medusa_core::Error;
use medusa_core::fields::{FieldSpec, Shape};
use medusa_core::money::Amount;
use medusa_order::{Address, Adjustment, Fulfillment, LineItem, Order, OrderService, TaxLine};
use medusa_product::{ProductFilter, ProductService};
use medusa_totals::{
    AdjustmentInput, CreditLineInput, ItemInput, ItemQuantities, RawFields, ShippingMethodInput,
    TaxLineInput, TotalsInput,
};
use rust_decimal::Decimal;
use serde_json::{Map, Value, json};

use crate::error::ApiResult;
use crate::state::State;

/// Finds the payment collection holding the payment session whose `data.id` is a provider's
/// payment intent id (Stripe's `pi_...`). Registered by the api glue of the provider that has
/// intents: a `Module` without migrations whose `register` does
/// `registry.insert::<dyn PaymentIntentLookup>(...)`. Without one, no intent finds an order.
#[async_trait]
pub trait PaymentIntentLookup: Send + Sync {
    async fn collection_for_intent(&self, intent_id: &str) -> ApiResult<Option<String>>;
}

pub fn service(state: &State) -> ApiResult<Arc<dyn OrderService>> {
    Ok(state
        .registry
        .get::<dyn OrderService>()
        .map_err(Error::internal)?)
}

/// The order linked to the payment collection holding the session of payment intent
/// `intent_id`, if any.
pub async fn order_for_payment_intent(state: &State, intent_id: &str) -> ApiResult<Option<String>> {
    let Ok(lookup) = state.registry.get::<dyn PaymentIntentLookup>() else {
        return Ok(None);
    };
    let Some(pc) = lookup.collection_for_intent(intent_id).await? else {
        return Ok(None);
    };
    Ok(service(state)?
        .order_for_payment_collection(&pc)
        .await?
        .map(|o| o.to_string()))
}

/// Each order's payment collections with their sessions and payments (captures, refunds),
/// rendered as `crate::payment` renders them.
async fn payment_collections(
    state: &State,
    order_ids: &[String],
) -> ApiResult<HashMap<String, Vec<Value>>> {
    let links = service(state)?.payment_collections(order_ids).await?;
    let mut out: HashMap<String, Vec<Value>> = HashMap::new();
    if links.is_empty() {
        return Ok(out);
    }
    let ids: Vec<medusa_core::id::PaymentCollectionId> = links
        .iter()
        .filter_map(|(_, pc)| medusa_core::id::PaymentCollectionId::parse(pc).ok())
        .collect();
    let rendered: HashMap<String, Value> = crate::payment::service(state)?
        .list_collections(&ids)
        .await?
        .iter()
        .map(|c| (c.id.to_string(), crate::payment::payment_collection_json(c)))
        .collect();
    for (order_id, pc) in links {
        // A link to a collection that no longer exists shows nothing.
        if let Some(v) = rendered.get(&pc) {
            out.entry(order_id).or_default().push(v.clone());
        }
    }
    Ok(out)
}

const LEAF: Shape = Shape::LEAF;
const PRODUCT: Shape = Shape {
    relations: &[
        ("categories", &LEAF),
        ("tags", &LEAF),
        ("type", &LEAF),
        ("collection", &LEAF),
        ("images", &LEAF),
        ("options", &LEAF),
        ("variants", &LEAF),
    ],
};
const INVENTORY_ITEM_LINK: Shape = Shape {
    relations: &[("inventory", &LEAF)],
};
/// The variant's product: its type and collection come with it as columns (golden 17).
const VARIANT_PRODUCT: Shape = Shape {
    relations: &[("images", &LEAF), ("options", &LEAF), ("variants", &LEAF)],
};
const VARIANT: Shape = Shape {
    relations: &[
        ("options", &LEAF),
        ("images", &LEAF),
        ("product", &VARIANT_PRODUCT),
        ("inventory_items", &INVENTORY_ITEM_LINK),
    ],
};
const ITEM: Shape = Shape {
    relations: &[
        ("tax_lines", &LEAF),
        ("adjustments", &LEAF),
        ("detail", &LEAF),
        ("product", &PRODUCT),
        ("variant", &VARIANT),
    ],
};
/// A shipping method's `detail` comes with `*shipping_methods` in Medusa (golden 19), so it
/// is a column here.
const METHOD: Shape = Shape {
    relations: &[("tax_lines", &LEAF), ("adjustments", &LEAF)],
};
/// `payment_session` (`{id}`) comes with `*payments` like a column (golden 25).
const PAYMENT: Shape = Shape {
    relations: &[("captures", &LEAF), ("refunds", &REFUND)],
};
const REFUND: Shape = Shape {
    relations: &[("refund_reason", &LEAF)],
};
const PAYMENT_COLLECTION: Shape = Shape {
    relations: &[("payment_sessions", &LEAF), ("payments", &PAYMENT)],
};
/// `provider`, `shipping_option` and `delivery_address` are `{id}` stubs that Medusa's
/// `*fulfillments` includes, so they are columns here.
const FULFILLMENT: Shape = Shape {
    relations: &[("items", &LEAF), ("labels", &LEAF)],
};
pub const ORDER: Shape = Shape {
    relations: &[
        ("items", &ITEM),
        ("shipping_methods", &METHOD),
        ("shipping_address", &LEAF),
        ("billing_address", &LEAF),
        ("credit_lines", &LEAF),
        ("transactions", &LEAF),
        ("payment_collections", &PAYMENT_COLLECTION),
        ("fulfillments", &FULFILLMENT),
        ("customer", &LEAF),
        ("sales_channel", &LEAF),
        ("region", &LEAF),
        ("promotions", &LEAF),
    ],
};

/// Which route's default fields apply when the request has no `fields`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Defaults {
    /// `POST /store/carts/:id/complete` (`medusa-golden/17`).
    CartComplete,
    /// `GET /store/orders/:id` (`medusa-golden/19`).
    StoreRetrieve,
    StoreList,
    /// `GET /admin/orders/:id` (`medusa-golden/25`, `30`).
    AdminRetrieve,
    /// The order returned by admin order mutations (`medusa-golden/27`, `29`).
    AdminMutation,
    /// `GET /admin/orders` (`medusa-golden/24`).
    AdminList,
    /// Orders reached through a customer's `orders` link: the order's own columns
    /// ([`LINKED_COLUMNS`]); the caller names everything else in `fields`.
    Linked,
}

/// What Medusa's order detail and list workflows always add to the requested fields (they
/// need them to compute `payment_status` and `fulfillment_status`, and return them).
fn extras(d: Defaults) -> &'static [&'static str] {
    match d {
        Defaults::CartComplete | Defaults::AdminMutation | Defaults::Linked => &[],
        Defaults::StoreRetrieve | Defaults::AdminRetrieve => &[
            "status",
            "version",
            "*payment_collections",
            "*fulfillments",
            "payment_status",
            "fulfillment_status",
        ],
        Defaults::StoreList | Defaults::AdminList => &[
            "*items",
            "*items.tax_lines",
            "*items.adjustments",
            "*items.detail",
            "payment_status",
            "fulfillment_status",
        ],
    }
}

const TOTALS: &[&str] = &[
    "total",
    "subtotal",
    "tax_total",
    "discount_total",
    "discount_tax_total",
    "original_total",
    "original_tax_total",
    "item_total",
    "item_subtotal",
    "item_tax_total",
    "original_item_total",
    "original_item_subtotal",
    "original_item_tax_total",
    "shipping_total",
    "shipping_subtotal",
    "shipping_tax_total",
    "original_shipping_tax_total",
    "original_shipping_subtotal",
    "original_shipping_total",
];

const RELATIONS: &[&str] = &[
    "*items",
    "*items.tax_lines",
    "*items.adjustments",
    "*items.detail",
    "*items.variant",
    "*items.variant.product",
    "*shipping_address",
    "*billing_address",
    "*shipping_methods",
    "*shipping_methods.tax_lines",
    "*shipping_methods.adjustments",
    "*payment_collections",
];

/// What Medusa answers for `*orders` on a customer (the read-only order-customer link lists
/// the order module's rows with `select: ["*"]`): the order's columns, no totals, `summary` or
/// status; its addresses as `{id}` stubs next to their ids, as every `*` over a link shows a
/// reference (golden 28's `delivery_address`).
pub const LINKED_COLUMNS: &[&str] = &[
    "id",
    "display_id",
    "custom_display_id",
    "region_id",
    "customer_id",
    "version",
    "sales_channel_id",
    "status",
    "is_draft_order",
    "email",
    "currency_code",
    "shipping_address_id",
    "shipping_address.id",
    "billing_address_id",
    "billing_address.id",
    "no_notification",
    "metadata",
    "locale",
    "canceled_at",
    "created_at",
    "updated_at",
    "deleted_at",
];

/// Medusa's default fields for each route (`query-config.ts` of store/orders, admin/orders,
/// and the complete-cart route).
pub fn default_fields(d: Defaults) -> Vec<&'static str> {
    let mut f: Vec<&'static str> = Vec::new();
    match d {
        Defaults::StoreList => f.extend_from_slice(&[
            "id",
            "status",
            "version",
            "summary",
            "display_id",
            "total",
            "currency_code",
            "metadata",
            "created_at",
            "updated_at",
        ]),
        Defaults::AdminList => f.extend_from_slice(&[
            "id",
            "display_id",
            "custom_display_id",
            "status",
            "version",
            "summary",
            "total",
            "metadata",
            "locale",
            "created_at",
            "updated_at",
        ]),
        // Medusa 2.21 answers with these (goldens 17 and 19), more than its query config lists.
        Defaults::StoreRetrieve | Defaults::CartComplete => {
            f.extend_from_slice(&[
                "id",
                "status",
                "summary",
                "currency_code",
                "display_id",
                "region_id",
                "email",
                "created_at",
                "updated_at",
                "custom_display_id",
                "discount_subtotal",
                "original_subtotal",
                "credit_line_total",
                "credit_line_subtotal",
                "credit_line_tax_total",
                "*credit_lines",
            ]);
            f.extend_from_slice(TOTALS);
            f.extend_from_slice(RELATIONS);
        }
        Defaults::Linked => f.extend_from_slice(LINKED_COLUMNS),
        Defaults::AdminRetrieve | Defaults::AdminMutation => {
            f.extend_from_slice(&[
                "id",
                "display_id",
                "custom_display_id",
                "status",
                "version",
                "summary",
                "metadata",
                "locale",
                "created_at",
                "updated_at",
                "region_id",
                "original_subtotal",
                "credit_line_total",
                "credit_line_subtotal",
                "credit_line_tax_total",
                "*credit_lines",
            ]);
            f.extend_from_slice(TOTALS);
            f.extend_from_slice(RELATIONS);
            f.extend_from_slice(&[
                "*payment_collections.payments",
                "*payment_collections.payments.refunds",
                "*payment_collections.payments.captures",
            ]);
        }
    }
    f.extend_from_slice(extras(d));
    f
}

/// The order `order_id` as `POST /store/carts/:id/complete` returns it (`{type: "order",
/// order}`, golden 17) when `fields` is `None`, else projected onto `fields`.
pub async fn order_json(state: &State, order_id: &str, fields: Option<&str>) -> ApiResult<Value> {
    let order = service(state)?.retrieve(order_id).await?;
    let mut out = render(state, vec![order], fields, Defaults::CartComplete).await?;
    Ok(out.pop().unwrap_or(Value::Null))
}

fn ts(t: &chrono::DateTime<chrono::Utc>) -> Value {
    Value::String(medusa_core::time::to_js(t))
}

fn ts_opt(t: &Option<chrono::DateTime<chrono::Utc>>) -> Value {
    t.as_ref().map(ts).unwrap_or(Value::Null)
}

/// `{value, precision: 20}` for an integer quantity.
fn raw_int(n: i64) -> Value {
    json!({"value": n.to_string(), "precision": 20})
}

fn raw_amount(a: &Amount) -> Value {
    serde_json::to_value(a.raw()).unwrap_or(Value::Null)
}

fn merge(into: &mut Map<String, Value>, from: Map<String, Value>) {
    for (k, v) in from {
        into.insert(k, v);
    }
}

fn address_json(a: &Address) -> Value {
    let f = &a.fields;
    json!({
        "id": a.id.as_str(),
        "customer_id": f.customer_id,
        "company": f.company,
        "first_name": f.first_name,
        "last_name": f.last_name,
        "address_1": f.address_1,
        "address_2": f.address_2,
        "city": f.city,
        "country_code": f.country_code,
        "province": f.province,
        "postal_code": f.postal_code,
        "phone": f.phone,
        "metadata": f.metadata,
        "created_at": ts(&a.created_at),
        "updated_at": ts(&a.updated_at),
        "deleted_at": null,
    })
}

fn tax_line_json(t: &TaxLine, owner: (&str, &str), share: Option<Map<String, Value>>) -> Value {
    let rate = Amount::new(t.rate);
    let mut j = json!({
        "id": t.id,
        "description": t.description,
        "tax_rate_id": t.tax_rate_id,
        "code": t.code,
        "provider_id": t.provider_id,
        "metadata": t.metadata,
        "data": null,
        "raw_rate": raw_amount(&rate),
        "rate": rate,
        "created_at": ts(&t.created_at),
        "updated_at": ts(&t.updated_at),
        "deleted_at": null,
    });
    if let Some(m) = j.as_object_mut() {
        m.insert(owner.0.to_owned(), json!(owner.1));
        if let Some(s) = share {
            merge(m, s);
        }
    }
    j
}

fn adjustment_json(a: &Adjustment, owner: (&str, &str)) -> Value {
    let mut j = json!({
        "id": a.id,
        "code": a.code,
        "description": a.description,
        "amount": a.amount,
        "raw_amount": raw_amount(&a.amount),
        "is_tax_inclusive": a.is_tax_inclusive,
        "promotion_id": a.promotion_id,
        "provider_id": a.provider_id,
        "metadata": a.metadata,
        "created_at": ts(&a.created_at),
        "updated_at": ts(&a.updated_at),
        "deleted_at": null,
    });
    j[owner.0] = json!(owner.1);
    j
}

fn totals_input(o: &Order) -> TotalsInput {
    let taxes = |t: &[TaxLine]| t.iter().map(|t| TaxLineInput { rate: t.rate }).collect();
    let adjs = |a: &[Adjustment]| {
        a.iter()
            .map(|a| AdjustmentInput {
                amount: a.amount,
                is_tax_inclusive: a.is_tax_inclusive,
            })
            .collect()
    };
    TotalsInput {
        currency: o.currency_code.clone(),
        items: o
            .items
            .iter()
            .map(|i| ItemInput {
                id: i.id.to_string(),
                unit_price: i.unit_price,
                quantity: i.quantity,
                is_tax_inclusive: i.snapshot.is_tax_inclusive,
                tax_lines: taxes(&i.tax_lines),
                adjustments: adjs(&i.adjustments),
                detail: Some(ItemQuantities {
                    fulfilled: i.detail.fulfilled,
                    shipped: i.detail.shipped,
                    return_requested: i.detail.return_requested,
                    return_received: i.detail.return_received,
                    return_dismissed: i.detail.return_dismissed,
                    written_off: i.detail.written_off,
                }),
            })
            .collect(),
        shipping_methods: o
            .shipping_methods
            .iter()
            .map(|s| ShippingMethodInput {
                id: s.id.to_string(),
                amount: s.amount,
                is_tax_inclusive: s.is_tax_inclusive,
                tax_lines: taxes(&s.tax_lines),
                adjustments: adjs(&s.adjustments),
            })
            .collect(),
        credit_lines: o
            .credit_lines
            .iter()
            .map(|c| CreditLineInput { amount: c.amount })
            .collect(),
    }
}

/// The order's totals (`total` is what the shopper owes after credit lines).
pub fn totals(o: &Order) -> ApiResult<medusa_totals::Totals> {
    Ok(medusa_totals::compute(&totals_input(o)).map_err(Error::internal)?)
}

/// Medusa's order `summary`, from the order's transactions: captures are positive, refunds
/// negative; `pending_difference` is what is still owed (negative: owed back).
pub fn summary(o: &Order, total: Amount, credit_line_total: Amount) -> Value {
    let zero = Amount::new(Decimal::ZERO);
    let mut paid = zero;
    let mut refunded = zero;
    let mut transaction_total = zero;
    for t in &o.transactions {
        transaction_total = transaction_total + t.amount;
        if t.amount.decimal() >= Decimal::ZERO {
            paid = paid + t.amount;
        } else {
            refunded = refunded + Amount::new(-t.amount.decimal());
        }
    }
    let pending = total - transaction_total;
    let mut m = Map::new();
    for (k, v) in [
        ("paid_total", paid),
        ("refunded_total", refunded),
        ("accounting_total", total),
        ("credit_line_total", credit_line_total),
        ("transaction_total", transaction_total),
        ("pending_difference", pending),
        ("current_order_total", total),
        ("original_order_total", total),
    ] {
        m.insert(k.to_owned(), json!(v));
        m.insert(format!("raw_{k}"), raw_amount(&v));
    }
    Value::Object(m)
}

fn num(v: &Value, key: &str) -> Decimal {
    match v.get(key) {
        Some(Value::Number(n)) => n.to_string().parse().unwrap_or_default(),
        Some(Value::String(s)) => s.parse().unwrap_or_default(),
        _ => Decimal::ZERO,
    }
}

/// Medusa's `getLastPaymentStatus`, from the rendered payment collections.
pub fn payment_status(collections: &[Value]) -> &'static str {
    let mut count: HashMap<&str, f64> = HashMap::new();
    for pc in collections {
        let amount = num(pc, "amount");
        let captured = num(pc, "captured_amount");
        let refunded = num(pc, "refunded_amount");
        if captured > Decimal::ZERO {
            *count.entry("captured").or_default() += if captured == amount { 1.0 } else { 0.5 };
        }
        if refunded > Decimal::ZERO {
            *count.entry("refunded").or_default() += if refunded == amount { 1.0 } else { 0.5 };
        }
        let status = pc.get("status").and_then(Value::as_str).unwrap_or("");
        let key = match status {
            "not_paid" => "not_paid",
            "awaiting" => "awaiting",
            "authorized" => "authorized",
            "partially_authorized" => "partially_authorized",
            "canceled" => "canceled",
            "requires_action" => "requires_action",
            "captured" => "captured",
            "partially_captured" => "partially_captured",
            "refunded" => "refunded",
            "partially_refunded" => "partially_refunded",
            _ => "other",
        };
        *count.entry(key).or_default() += 1.0;
    }
    let get = |k: &str| count.get(k).copied().unwrap_or(0.0);
    let total = collections.len() as f64;
    let except_canceled = total - get("canceled");
    if get("requires_action") > 0.0 {
        "requires_action"
    } else if get("refunded") > 0.0 {
        if get("refunded") == except_canceled {
            "refunded"
        } else {
            "partially_refunded"
        }
    } else if get("captured") > 0.0 {
        if get("captured") == except_canceled {
            "captured"
        } else {
            "partially_captured"
        }
    } else if get("authorized") > 0.0 {
        if get("authorized") == except_canceled {
            "authorized"
        } else {
            "partially_authorized"
        }
    } else if get("canceled") > 0.0 && get("canceled") == total {
        "canceled"
    } else if get("awaiting") > 0.0 {
        "awaiting"
    } else {
        "not_paid"
    }
}

/// Medusa's `getLastFulfillmentStatus`.
pub fn fulfillment_status(o: &Order) -> &'static str {
    let (mut canceled, mut delivered, mut shipped, mut fulfilled) = (0, 0, 0, 0);
    for f in &o.fulfillments {
        if f.canceled_at.is_some() {
            canceled += 1;
        } else if f.delivered_at.is_some() {
            delivered += 1;
        } else if f.shipped_at.is_some() {
            shipped += 1;
        } else if f.packed_at.is_some() {
            fulfilled += 1;
        }
    }
    let total = o.fulfillments.len();
    let except_canceled = total - canceled;
    let unfulfilled = o.items.iter().any(|i| i.detail.fulfilled < i.quantity);
    let pick = |n: usize, full: &'static str, partial: &'static str| {
        if n == except_canceled && !unfulfilled {
            full
        } else {
            partial
        }
    };
    if delivered > 0 {
        pick(delivered, "delivered", "partially_delivered")
    } else if shipped > 0 {
        pick(shipped, "shipped", "partially_shipped")
    } else if fulfilled > 0 {
        pick(fulfilled, "fulfilled", "partially_fulfilled")
    } else if canceled > 0 && canceled == total {
        "canceled"
    } else {
        "not_fulfilled"
    }
}

fn fulfillment_json(f: &Fulfillment) -> Value {
    json!({
        "id": f.id.as_str(),
        "location_id": f.location_id,
        "packed_at": ts_opt(&f.packed_at),
        "shipped_at": ts_opt(&f.shipped_at),
        "marked_shipped_by": f.marked_shipped_by,
        "created_by": f.created_by,
        "delivered_at": ts_opt(&f.delivered_at),
        "canceled_at": ts_opt(&f.canceled_at),
        "data": f.data,
        "requires_shipping": f.requires_shipping,
        "provider_id": f.provider_id,
        "provider": {"id": f.provider_id},
        "shipping_option_id": f.shipping_option_id,
        "shipping_option": f.shipping_option_id.as_ref().map(|id| json!({"id": id})),
        "delivery_address_id": f.delivery_address.as_ref().map(|a| a.id.as_str()),
        // A `{id}` stub under `*fulfillments`, as Medusa answers (golden 27, 28).
        "delivery_address": f.delivery_address.as_ref().map(|a| json!({"id": a.id.as_str()})),
        "metadata": f.metadata,
        "created_at": ts(&f.created_at),
        "updated_at": ts(&f.updated_at),
        "deleted_at": null,
        "items": f.items.iter().map(|i| json!({
            "id": i.id.as_str(),
            "title": i.title,
            "sku": i.sku,
            "barcode": i.barcode,
            "line_item_id": i.line_item_id,
            "inventory_item_id": i.inventory_item_id,
            "fulfillment_id": f.id.as_str(),
            "quantity": i.quantity,
            "raw_quantity": raw_int(i.quantity),
            "created_at": ts(&i.created_at),
            "updated_at": ts(&i.updated_at),
            "deleted_at": null,
        })).collect::<Vec<_>>(),
        "labels": f.labels.iter().map(|l| json!({
            "id": l.id.as_str(),
            "tracking_number": l.tracking_number,
            "tracking_url": l.tracking_url,
            "label_url": l.label_url,
            "fulfillment_id": f.id.as_str(),
            "created_at": ts(&l.created_at),
            "updated_at": ts(&l.updated_at),
            "deleted_at": null,
        })).collect::<Vec<_>>(),
    })
}

fn item_json(o: &Order, i: &LineItem, t: &medusa_totals::ItemTotals) -> Value {
    let owner = ("item_id", i.id.as_str());
    let s = &i.snapshot;
    let d = &i.detail;
    // The detail row of the order's first version carries no price of its own (Medusa copies
    // it onto the detail only when a later version rewrites the item).
    let (detail_price, detail_compare) = if o.version <= 1 {
        (Value::Null, Value::Null)
    } else {
        (json!(i.unit_price), json!(i.compare_at_unit_price))
    };
    let detail = json!({
        "id": i.detail_id.as_str(),
        "version": o.version,
        "metadata": {},
        "order_id": o.id.as_str(),
        "item_id": i.id.as_str(),
        "raw_unit_price": if detail_price.is_null() { Value::Null } else { raw_amount(&i.unit_price) },
        "raw_compare_at_unit_price": match (&detail_compare, &i.compare_at_unit_price) {
            (Value::Null, _) | (_, None) => Value::Null,
            (_, Some(a)) => raw_amount(a),
        },
        "unit_price": detail_price,
        "compare_at_unit_price": detail_compare,
        "quantity": i.quantity,
        "raw_quantity": raw_int(i.quantity),
        "fulfilled_quantity": d.fulfilled,
        "raw_fulfilled_quantity": raw_int(d.fulfilled),
        "delivered_quantity": d.delivered,
        "raw_delivered_quantity": raw_int(d.delivered),
        "shipped_quantity": d.shipped,
        "raw_shipped_quantity": raw_int(d.shipped),
        "return_requested_quantity": d.return_requested,
        "raw_return_requested_quantity": raw_int(d.return_requested),
        "return_received_quantity": d.return_received,
        "raw_return_received_quantity": raw_int(d.return_received),
        "return_dismissed_quantity": d.return_dismissed,
        "raw_return_dismissed_quantity": raw_int(d.return_dismissed),
        "written_off_quantity": d.written_off,
        "raw_written_off_quantity": raw_int(d.written_off),
        "created_at": ts(&i.created_at),
        "updated_at": ts(&i.updated_at),
        "deleted_at": null,
    });
    let metadata = s.metadata.clone().unwrap_or_else(|| json!({}));
    let mut j = json!({
        "id": i.id.as_str(),
        "title": s.title,
        "subtitle": s.subtitle,
        "thumbnail": s.thumbnail,
        "variant_id": s.variant_id,
        "product_id": s.product_id,
        "product_title": s.product_title,
        "product_description": s.product_description,
        "product_subtitle": s.product_subtitle,
        "product_type": s.product_type,
        "product_type_id": s.product_type_id,
        "product_collection": s.product_collection,
        "product_handle": s.product_handle,
        "variant_sku": s.variant_sku,
        "variant_barcode": s.variant_barcode,
        "variant_title": s.variant_title,
        "variant_option_values": s.variant_option_values,
        "requires_shipping": s.requires_shipping,
        "is_giftcard": s.is_giftcard,
        "is_discountable": s.is_discountable,
        "is_tax_inclusive": s.is_tax_inclusive,
        "is_custom_price": s.is_custom_price,
        "metadata": metadata,
        "line_item_metadata": metadata,
        "compare_at_unit_price": i.compare_at_unit_price,
        "raw_compare_at_unit_price": i.compare_at_unit_price.as_ref().map(raw_amount),
        "unit_price": i.unit_price,
        "raw_unit_price": raw_amount(&i.unit_price),
        "quantity": i.quantity,
        "raw_quantity": raw_int(i.quantity),
        "created_at": ts(&i.created_at),
        "updated_at": ts(&i.updated_at),
        "deleted_at": null,
        "tax_lines": i.tax_lines.iter().enumerate()
            .map(|(n, tl)| tax_line_json(tl, owner, Some(t.line.tax_line_json(n, RawFields::Include))))
            .collect::<Vec<_>>(),
        "adjustments": i.adjustments.iter().map(|a| adjustment_json(a, owner)).collect::<Vec<_>>(),
        "detail": detail,
        // Filled in when loaded (and asked for); Medusa shows `null` for a deleted one.
        "variant": null,
        "product": null,
    });
    if let Some(m) = j.as_object_mut() {
        merge(m, t.to_json(RawFields::Include));
    }
    j
}

/// Related records the projection may need, loaded only when `fields` asks for them.
#[derive(Default)]
struct Related {
    products: HashMap<String, Value>,
    variants: HashMap<String, Value>,
    customers: HashMap<String, Value>,
    sales_channels: HashMap<String, Value>,
    regions: HashMap<String, Value>,
    payment_collections: HashMap<String, Vec<Value>>,
}

async fn related(state: &State, orders: &[Order], spec: &FieldSpec) -> ApiResult<Related> {
    let mut out = Related::default();
    let catalog = state
        .registry
        .get::<dyn ProductService>()
        .map_err(Error::internal)?;
    let want_variant_product = spec.requests("items.variant.product");
    if spec.requests("items.product") || want_variant_product {
        let ids = crate::cart::unique(
            orders
                .iter()
                .flat_map(|o| o.items.iter().filter_map(|i| i.snapshot.product_id.clone())),
        );
        if !ids.is_empty() {
            let page = medusa_product::Page {
                limit: ids.len() as u64,
                offset: 0,
                order: None,
            };
            let (products, _) = catalog
                .list_products(
                    &ProductFilter {
                        ids: Some(ids),
                        ..Default::default()
                    },
                    &page,
                )
                .await?;
            // Medusa's order product carries its type and collection (null when none, golden 17).
            let rel = catalog
                .relations(
                    &products,
                    medusa_product::Want {
                        product_type: true,
                        collection: true,
                        ..Default::default()
                    },
                )
                .await?;
            for p in products {
                let mut j = serde_json::to_value(&p).map_err(Error::internal)?;
                j["type"] = serde_json::to_value(rel.types.get(&p.id)).map_err(Error::internal)?;
                j["collection"] =
                    serde_json::to_value(rel.collections.get(&p.id)).map_err(Error::internal)?;
                out.products.insert(p.id.clone(), j);
            }
        }
    }
    if spec.requests("items.variant") {
        let ids = crate::cart::unique(
            orders
                .iter()
                .flat_map(|o| o.items.iter().filter_map(|i| i.snapshot.variant_id.clone())),
        );
        if !ids.is_empty() {
            let variants = catalog.variants_by_id(&ids).await?;
            let options = if spec.requests("items.variant.options") {
                catalog.variant_options(&ids).await?
            } else {
                HashMap::new()
            };
            let links = if spec.requests("items.variant.inventory_items") {
                state
                    .registry
                    .get::<dyn medusa_inventory::InventoryService>()
                    .map_err(Error::internal)?
                    .items_for_variants(&ids)
                    .await?
            } else {
                Vec::new()
            };
            for v in variants {
                let mut j = serde_json::to_value(&v).map_err(Error::internal)?;
                if spec.requests("items.variant.options") {
                    j["options"] = crate::catalog::variant_options_json(options.get(&v.id));
                }
                if want_variant_product
                    && let Some(p) = j
                        .get("product_id")
                        .and_then(Value::as_str)
                        .and_then(|p| out.products.get(p))
                {
                    j["product"] = p.clone();
                }
                if spec.requests("items.variant.inventory_items") {
                    j["inventory_items"] = links
                        .iter()
                        .filter(|l| l.variant_id == v.id)
                        .map(|l| {
                            json!({
                                "variant_id": l.variant_id,
                                "inventory_item_id": l.inventory_item_id.as_str(),
                                "required_quantity": l.required_quantity,
                                "inventory": {"id": l.inventory_item_id.as_str()},
                            })
                        })
                        .collect();
                }
                out.variants.insert(v.id.clone(), j);
            }
        }
    }
    if spec.requests("customer") {
        for id in crate::cart::unique(orders.iter().filter_map(|o| o.customer_id.clone())) {
            if let Some(c) = crate::cart::customer::customer_json(state, &id).await? {
                out.customers.insert(id, c);
            }
        }
    }
    if spec.requests("sales_channel") {
        let ids: Vec<medusa_core::id::SalesChannelId> =
            crate::cart::unique(orders.iter().filter_map(|o| o.sales_channel_id.clone()))
                .iter()
                .filter_map(|s| medusa_core::id::SalesChannelId::parse(s).ok())
                .collect();
        if !ids.is_empty() {
            let channels = state
                .registry
                .get::<dyn medusa_sales_channel::SalesChannelService>()
                .map_err(Error::internal)?
                .lookup(&ids)
                .await?;
            for c in channels {
                let id = c.id.to_string();
                let body = crate::routes::admin::sales_channels::channel_body(c);
                out.sales_channels
                    .insert(id, serde_json::to_value(body).map_err(Error::internal)?);
            }
        }
    }
    if spec.requests("region") {
        let ids: Vec<medusa_core::id::RegionId> =
            crate::cart::unique(orders.iter().filter_map(|o| o.region_id.clone()))
                .iter()
                .filter_map(|s| medusa_core::id::RegionId::parse(s).ok())
                .collect();
        if !ids.is_empty() {
            let regions = state
                .registry
                .get::<dyn medusa_region::RegionService>()
                .map_err(Error::internal)?
                .lookup(&ids)
                .await?;
            for d in regions {
                let id = d.region.id.to_string();
                let body = crate::routes::store::regions::region_body(d);
                out.regions
                    .insert(id, serde_json::to_value(body).map_err(Error::internal)?);
            }
        }
    }
    // Payment collections are needed for `payment_status` as well.
    if spec.requests("payment_collections") || spec.requests("payment_status") {
        let ids: Vec<String> = orders.iter().map(|o| o.id.to_string()).collect();
        out.payment_collections = payment_collections(state, &ids).await?;
    }
    Ok(out)
}

/// Renders `orders` and projects each onto `fields` (or the route's defaults).
pub async fn render(
    state: &State,
    orders: Vec<Order>,
    fields: Option<&str>,
    defaults: Defaults,
) -> ApiResult<Vec<Value>> {
    // The workflow's additions hold whatever `fields` says.
    let requested = fields.map(|f| {
        let mut f = f.to_owned();
        for e in extras(defaults) {
            f.push_str(",+");
            f.push_str(e);
        }
        f
    });
    let defaults = default_fields(defaults);
    let spec = FieldSpec::parse(requested.as_deref(), &defaults);
    let rel = related(state, &orders, &spec).await?;
    let selection = spec.selection();
    let mut out = Vec::with_capacity(orders.len());
    for o in &orders {
        let mut j = order_value(o, &rel)?;
        selection.project(&mut j, &ORDER);
        out.push(j);
    }
    Ok(out)
}

fn order_value(o: &Order, rel: &Related) -> ApiResult<Value> {
    let t = totals(o)?;
    let items: Vec<Value> = o
        .items
        .iter()
        .zip(t.items.iter())
        .map(|(i, it)| {
            let mut j = item_json(o, i, it);
            if let Some(m) = j.as_object_mut() {
                if let Some(p) = i
                    .snapshot
                    .product_id
                    .as_ref()
                    .and_then(|p| rel.products.get(p))
                {
                    m.insert("product".into(), p.clone());
                }
                if let Some(v) = i
                    .snapshot
                    .variant_id
                    .as_ref()
                    .and_then(|v| rel.variants.get(v))
                {
                    m.insert("variant".into(), v.clone());
                }
            }
            j
        })
        .collect();
    let methods: Vec<Value> = o
        .shipping_methods
        .iter()
        .zip(t.shipping_methods.iter())
        .map(|(s, st)| {
            let owner = ("shipping_method_id", s.id.as_str());
            let mut j = json!({
                "id": s.id.as_str(),
                "order_id": o.id.as_str(),
                "name": s.name,
                "description": s.description,
                "is_tax_inclusive": s.is_tax_inclusive,
                "is_custom_amount": s.is_custom_amount,
                "shipping_option_id": s.shipping_option_id,
                "data": s.data.clone().unwrap_or_else(|| json!({})),
                "metadata": s.metadata,
                "amount": s.amount,
                "raw_amount": raw_amount(&s.amount),
                "created_at": ts(&s.created_at),
                "updated_at": ts(&s.updated_at),
                "deleted_at": null,
                "tax_lines": s.tax_lines.iter().enumerate()
                    .map(|(n, tl)| tax_line_json(tl, owner, Some(st.line.tax_line_json(n, RawFields::Include))))
                    .collect::<Vec<_>>(),
                "adjustments": s.adjustments.iter().map(|a| adjustment_json(a, owner)).collect::<Vec<_>>(),
                "detail": {
                    "id": s.detail_id.as_str(),
                    "version": o.version,
                    "order_id": o.id.as_str(),
                    "return_id": null,
                    "exchange_id": null,
                    "claim_id": null,
                    "shipping_method_id": s.id.as_str(),
                    "created_at": ts(&s.created_at),
                    "updated_at": ts(&s.updated_at),
                    "deleted_at": null,
                },
            });
            if let Some(m) = j.as_object_mut() {
                merge(m, st.to_json(RawFields::Include));
            }
            j
        })
        .collect();
    let credit_lines: Vec<Value> = o
        .credit_lines
        .iter()
        .map(|c| {
            json!({
                "id": c.id.as_str(),
                "order_id": o.id.as_str(),
                "reference": c.reference,
                "reference_id": c.reference_id,
                "amount": c.amount,
                "raw_amount": raw_amount(&c.amount),
                "metadata": c.metadata,
                "created_at": ts(&c.created_at),
                "updated_at": ts(&c.updated_at),
                "deleted_at": null,
            })
        })
        .collect();
    let transactions: Vec<Value> = o
        .transactions
        .iter()
        .map(|x| {
            json!({
                "id": x.id.as_str(),
                "order_id": o.id.as_str(),
                "version": o.version,
                "amount": x.amount,
                "raw_amount": raw_amount(&x.amount),
                "currency_code": x.currency_code,
                "reference": x.reference,
                "reference_id": x.reference_id,
                "created_at": ts(&x.created_at),
                "updated_at": ts(&x.updated_at),
                "deleted_at": null,
            })
        })
        .collect();
    let pcs = rel
        .payment_collections
        .get(o.id.as_str())
        .cloned()
        .unwrap_or_default();
    let agg = &t.aggregate;
    let mut j = json!({
        "id": o.id.as_str(),
        "status": o.status.as_str(),
        "version": o.version,
        "display_id": o.display_id,
        "custom_display_id": null,
        "email": o.email,
        "currency_code": o.currency_code,
        "region_id": o.region_id,
        "customer_id": o.customer_id,
        "sales_channel_id": o.sales_channel_id,
        "locale": o.locale,
        "is_draft_order": o.is_draft_order,
        "no_notification": o.no_notification,
        "metadata": o.metadata,
        "canceled_at": ts_opt(&o.canceled_at),
        "created_at": ts(&o.created_at),
        "updated_at": ts(&o.updated_at),
        "deleted_at": null,
        "summary": summary(o, agg.total, agg.credit_line_total),
        "payment_status": payment_status(&pcs),
        "fulfillment_status": fulfillment_status(o),
        "items": items,
        "shipping_methods": methods,
        "credit_lines": credit_lines,
        "transactions": transactions,
        "fulfillments": o.fulfillments.iter().map(fulfillment_json).collect::<Vec<_>>(),
        "payment_collections": pcs,
        "promotions": [],
        "shipping_address": o.shipping_address.as_ref().map(address_json),
        "billing_address": o.billing_address.as_ref().map(address_json),
        "shipping_address_id": o.shipping_address.as_ref().map(|a| a.id.as_str()),
        "billing_address_id": o.billing_address.as_ref().map(|a| a.id.as_str()),
    });
    if let Some(m) = j.as_object_mut() {
        merge(m, agg.to_json());
        // Medusa's `refundable_total` of the order (the dashboard asks for it).
        m.insert(
            "refundable_total".into(),
            json!(
                t.items
                    .iter()
                    .filter_map(|i| i.order.as_ref().map(|o| o.refundable_total))
                    .fold(Amount::new(Decimal::ZERO), |a, b| a + b)
            ),
        );
        if let Some(c) = o.customer_id.as_ref().and_then(|c| rel.customers.get(c)) {
            m.insert("customer".into(), c.clone());
        } else {
            m.insert("customer".into(), Value::Null);
        }
        if let Some(c) = o
            .sales_channel_id
            .as_ref()
            .and_then(|c| rel.sales_channels.get(c))
        {
            m.insert("sales_channel".into(), c.clone());
        } else {
            m.insert("sales_channel".into(), Value::Null);
        }
        if let Some(r) = o.region_id.as_ref().and_then(|r| rel.regions.get(r)) {
            m.insert("region".into(), r.clone());
        } else {
            m.insert("region".into(), Value::Null);
        }
    }
    Ok(j)
}
