//! Medusa's response envelopes, so every route answers the same way.

use actix_web::HttpResponse;
use medusa_core::fields::{FieldSpec, Shape};
use medusa_core::request::ListParams;
use serde_json::{Map, Value, json};

/// `{<key>: value}` (`{product}`, `{region}`, ...).
pub fn one(key: &str, value: Value) -> HttpResponse {
    let mut m = Map::new();
    m.insert(key.to_owned(), value);
    HttpResponse::Ok().json(Value::Object(m))
}

/// `{<plural>: [...], count, offset, limit}`.
pub fn list(key: &str, items: Vec<Value>, count: u64, params: &ListParams) -> HttpResponse {
    let mut m = Map::new();
    m.insert(key.to_owned(), Value::Array(items));
    m.insert("count".into(), json!(count));
    m.insert("offset".into(), json!(params.offset));
    m.insert("limit".into(), json!(params.limit));
    HttpResponse::Ok().json(Value::Object(m))
}

/// `{id, object, deleted: true}` (+ `parent` where Medusa sends one).
pub fn deleted(id: &str, object: &str, parent: Option<(&str, Value)>) -> HttpResponse {
    let mut body = json!({"id": id, "object": object, "deleted": true});
    if let Some((_, p)) = parent {
        body["parent"] = p;
    }
    HttpResponse::Ok().json(body)
}

/// Projects `value` (an entity or a list of them) onto the request's `fields`.
pub fn project(value: &mut Value, fields: Option<&str>, defaults: &[&str], shape: &Shape) {
    FieldSpec::parse(fields, defaults)
        .selection()
        .project(value, shape);
}
