//! Payment records in Medusa's wire shape, shared by the payment routes, the cart
//! (`cart.payment_collection`) and orders (`payment_collections`).
//!
//! Every entity renders all its columns (with `raw_<amount>` siblings) and its relations; the
//! caller projects the result onto the request's `fields` with the [`Shape`]s here and then
//! [`strip_raw`], because Medusa only sends `raw_amount` when the relation is selected whole
//! (`*payment_sessions`), not for a named field (`captures.amount`).

use chrono::{DateTime, Utc};
use medusa_core::Amount;
use medusa_core::fields::{FieldSpec, Selection, Shape};
use medusa_core::id::CartId;
use medusa_payment::{
    Capture, Payment, PaymentCollection, PaymentService, PaymentSession, Refund, RefundReason,
};
use serde_json::{Map, Value, json};

use crate::error::ApiResult;
use crate::state::State;

pub const REFUND_REASON: Shape = Shape::LEAF;
pub const CAPTURE: Shape = Shape::LEAF;
pub const REFUND: Shape = Shape {
    relations: &[("refund_reason", &REFUND_REASON)],
};
pub const PAYMENT: Shape = Shape {
    relations: &[("captures", &CAPTURE), ("refunds", &REFUND)],
};
/// A session's `payment` is rendered like a column (`null` until authorized), as Medusa's
/// `*payment_sessions` includes it.
pub const SESSION: Shape = Shape::LEAF;
pub const COLLECTION: Shape = Shape {
    relations: &[("payment_sessions", &SESSION), ("payments", &PAYMENT)],
};

/// Medusa's `defaultPaymentCollectionFields` (store).
pub const STORE_COLLECTION_FIELDS: &[&str] =
    &["id", "currency_code", "amount", "*payment_sessions"];

/// The service from the registry.
pub fn service(state: &State) -> ApiResult<std::sync::Arc<dyn PaymentService>> {
    Ok(state
        .registry
        .get::<dyn PaymentService>()
        .map_err(medusa_core::Error::internal)?)
}

fn ts(t: &DateTime<Utc>) -> Value {
    Value::String(medusa_core::time::to_js(t))
}

fn ts_opt(t: &Option<DateTime<Utc>>) -> Value {
    t.as_ref().map(ts).unwrap_or(Value::Null)
}

fn money(m: &mut Map<String, Value>, key: &str, a: &Amount) {
    m.insert(key.to_owned(), json!(a));
    m.insert(format!("raw_{key}"), json!(a.raw()));
}

fn obj(v: Value) -> Map<String, Value> {
    match v {
        Value::Object(m) => m,
        _ => Map::new(),
    }
}

pub fn refund_reason_json(r: &RefundReason) -> Value {
    json!({
        "id": r.id,
        "label": r.label,
        "code": r.code,
        "description": r.description,
        "metadata": r.metadata,
        "created_at": ts(&r.created_at),
        "updated_at": ts(&r.updated_at),
        "deleted_at": ts_opt(&r.deleted_at),
    })
}

fn capture_json(c: &Capture) -> Value {
    let mut m = obj(json!({
        "id": c.id,
        "payment_id": c.payment_id,
        "created_by": c.created_by,
        "metadata": c.metadata,
        "created_at": ts(&c.created_at),
        "updated_at": ts(&c.updated_at),
        "deleted_at": null,
    }));
    money(&mut m, "amount", &c.amount);
    Value::Object(m)
}

fn refund_json(r: &Refund) -> Value {
    let mut m = obj(json!({
        "id": r.id,
        "payment_id": r.payment_id,
        "note": r.note,
        "refund_reason_id": r.refund_reason_id,
        "refund_reason": r.refund_reason.as_ref().map(refund_reason_json),
        "created_by": r.created_by,
        "metadata": r.metadata,
        "created_at": ts(&r.created_at),
        "updated_at": ts(&r.updated_at),
        "deleted_at": null,
    }));
    money(&mut m, "amount", &r.amount);
    Value::Object(m)
}

/// The payment's columns only (no captures or refunds).
fn payment_columns(p: &Payment) -> Map<String, Value> {
    let mut m = obj(json!({
        "id": p.id,
        "currency_code": p.currency_code,
        "provider_id": p.provider_id,
        "data": p.data,
        "metadata": p.metadata,
        "captured_at": ts_opt(&p.captured_at),
        "canceled_at": ts_opt(&p.canceled_at),
        "payment_collection_id": p.payment_collection_id,
        "payment_session_id": p.payment_session_id,
        "created_at": ts(&p.created_at),
        "updated_at": ts(&p.updated_at),
        "deleted_at": null,
    }));
    money(&mut m, "amount", &p.amount);
    m
}

/// A payment with its captures and refunds (each refund with its reason).
pub fn payment_json(p: &Payment) -> Value {
    let mut m = payment_columns(p);
    // Medusa's `*payments` brings the session as `{id}` (golden 25).
    m.insert(
        "payment_session".into(),
        json!({ "id": p.payment_session_id }),
    );
    m.insert(
        "captures".into(),
        Value::Array(p.captures.iter().map(capture_json).collect()),
    );
    m.insert(
        "refunds".into(),
        Value::Array(p.refunds.iter().map(refund_json).collect()),
    );
    Value::Object(m)
}

fn session_json(s: &PaymentSession, payments: &[Payment]) -> Value {
    let payment = s
        .payment_id
        .as_ref()
        .and_then(|id| payments.iter().find(|p| &p.id == id))
        .map(|p| Value::Object(payment_columns(p)))
        .unwrap_or(Value::Null);
    let mut m = obj(json!({
        "id": s.id,
        "currency_code": s.currency_code,
        "provider_id": s.provider_id,
        "data": s.data,
        "context": s.context,
        "status": s.status.as_str(),
        "authorized_at": ts_opt(&s.authorized_at),
        "payment_collection_id": s.payment_collection_id,
        "payment": payment,
        "metadata": s.metadata.clone().unwrap_or_else(|| json!({})),
        "created_at": ts(&s.created_at),
        "updated_at": ts(&s.updated_at),
        "deleted_at": null,
    }));
    money(&mut m, "amount", &s.amount);
    Value::Object(m)
}

/// A collection with all its columns, `payment_sessions` and `payments` (captures, refunds).
pub fn payment_collection_json(c: &PaymentCollection) -> Value {
    let mut m = obj(json!({
        "id": c.id,
        "currency_code": c.currency_code,
        "status": c.status.as_str(),
        "completed_at": ts_opt(&c.completed_at),
        "metadata": c.metadata,
        "created_at": ts(&c.created_at),
        "updated_at": ts(&c.updated_at),
        "deleted_at": ts_opt(&c.deleted_at),
    }));
    money(&mut m, "amount", &c.amount);
    money(&mut m, "authorized_amount", &c.authorized_amount);
    money(&mut m, "captured_amount", &c.captured_amount);
    money(&mut m, "refunded_amount", &c.refunded_amount);
    m.insert(
        "payment_sessions".into(),
        Value::Array(
            c.payment_sessions
                .iter()
                .map(|s| session_json(s, &c.payments))
                .collect(),
        ),
    );
    m.insert(
        "payments".into(),
        Value::Array(c.payments.iter().map(payment_json).collect()),
    );
    Value::Object(m)
}

/// Removes `raw_<x>` keys wherever the selection named fields instead of selecting the entity
/// whole (Medusa adds `raw_*` only for star selections).
pub fn strip_raw(value: &mut Value, sel: &Selection, shape: &Shape) {
    match value {
        Value::Array(items) => items.iter_mut().for_each(|v| strip_raw(v, sel, shape)),
        Value::Object(map) => {
            if !sel.all {
                map.retain(|k, _| !k.starts_with("raw_") || sel.fields.contains(k.as_str()));
            }
            for (name, rel_shape) in shape.relations {
                if let (Some(v), Some(child)) = (map.get_mut(*name), sel.relation(name)) {
                    strip_raw(v, child, rel_shape);
                }
            }
        }
        _ => {}
    }
}

/// Projects an entity (or a list) onto `fields` with Medusa's `raw_*` rule.
pub fn project(value: &mut Value, fields: Option<&str>, defaults: &[&str], shape: &Shape) {
    let sel = FieldSpec::parse(fields, defaults).selection();
    sel.project(value, shape);
    strip_raw(value, &sel, shape);
}

/// [`project`] for a list of entities: each item projected onto `fields`.
pub fn project_list(
    items: Vec<Value>,
    fields: Option<&str>,
    defaults: &[&str],
    shape: &Shape,
) -> Vec<Value> {
    let sel = FieldSpec::parse(fields, defaults).selection();
    items
        .into_iter()
        .map(|mut item| {
            sel.project(&mut item, shape);
            strip_raw(&mut item, &sel, shape);
            item
        })
        .collect()
}

/// The cart's payment collection in Medusa's shape (every column, `payment_sessions` and
/// `payments`), for `cart.payment_collection`; `None` when the cart has none. Project it with
/// [`COLLECTION`] under the cart's `payment_collection` relation.
pub async fn collection_json(state: &State, cart_id: &str) -> ApiResult<Option<Value>> {
    let Ok(cart_id) = CartId::parse(cart_id) else {
        return Ok(None);
    };
    Ok(service(state)?
        .collection_for_cart(&cart_id)
        .await?
        .map(|c| payment_collection_json(&c)))
}
