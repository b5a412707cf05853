//! Request parsing every route shares.
//!
//! * Query strings are parsed the way `qs` writes them (the js-sdk serialises with
//!   `qs.stringify`): `id[0]=a&id[1]=b` (brackets often percent-encoded), `created_at[$gt]=...`,
//!   repeated `id=a&id=b`, and plain `id=a`. The parser is `serde_qs`.
//! * Every query and body is strict, as Medusa's validators are: unknown keys are collected
//!   (all of them, nested ones too) and refused with 400 `invalid_data`
//!   "Invalid request: Unrecognized fields: 'x, y'". Request DTOs therefore never silently drop
//!   a `unit_price` or `total` a client tried to set.
//! * Type errors and missing fields get Medusa's wording ("Field 'email' is required",
//!   "Expected type: 'number' for field 'limit', got: 'string'").

use serde::Deserialize;
use serde::de::DeserializeOwned;

use crate::error::Error;

/// Keys every list route accepts besides its filters.
pub const LIST_KEYS: &[&str] = &["limit", "offset", "order", "fields", "with_deleted"];
/// Keys every retrieve route accepts.
pub const RETRIEVE_KEYS: &[&str] = &["fields"];
/// The largest page a list route serves; larger `limit`s are refused, not clamped silently.
pub const MAX_LIMIT: u32 = 1000;

fn qs_config() -> serde_qs::Config {
    // Form encoding decodes `%5B`/`%5D` before splitting keys, which is what `qs` sends.
    serde_qs::Config::new().max_depth(5).use_form_encoding(true)
}

/// `Invalid request: ...` with Medusa's phrasing of the first problems found.
fn invalid(unknown: &[String], other: Option<String>) -> Error {
    let mut parts = Vec::new();
    // Sorted, so the message does not depend on the parser's map order.
    let mut unknown = unknown.to_vec();
    unknown.sort();
    unknown.dedup();
    if let Some(o) = other {
        parts.push(o);
    }
    if !unknown.is_empty() {
        parts.push(format!("Unrecognized fields: '{}'", unknown.join(", ")));
    }
    Error::invalid_data(format!("Invalid request: {}", parts.join("; ")))
}

/// Medusa's name for a serde type description (`u32` -> `number`).
fn js_type(serde_desc: &str) -> &'static str {
    let d = serde_desc.trim();
    if d.starts_with("string") || d.starts_with("a string") || d.starts_with("char") {
        "string"
    } else if d.starts_with("boolean") || d.starts_with("a boolean") || d == "bool" {
        "boolean"
    } else if d.starts_with("sequence") || d.starts_with("a sequence") || d.contains("array") {
        "array"
    } else if d.starts_with("map") || d.starts_with("struct") || d.starts_with("a map") {
        "object"
    } else if d.starts_with("null") || d.starts_with("unit") {
        "null"
    } else if d.starts_with('u')
        || d.starts_with('i')
        || d.starts_with('f')
        || d.contains("integer")
        || d.contains("number")
        || d.contains("float")
    {
        "number"
    } else {
        "unknown"
    }
}

/// Turns a serde message at `path` into Medusa's wording where one exists.
fn describe(path: &str, msg: &str) -> String {
    if let Some(rest) = msg.strip_prefix("missing field `") {
        let field = rest.split('`').next().unwrap_or(rest);
        let full = if path.is_empty() || path == "." {
            field.to_owned()
        } else {
            format!("{path}, {field}")
        };
        return format!("Field '{full}' is required");
    }
    if let Some(rest) = msg.strip_prefix("invalid type: ") {
        // "string \"abc\", expected u32"
        let (got, expected) = rest.rsplit_once(", expected ").unwrap_or((rest, "unknown"));
        let got = got.split([' ', '\t']).next().unwrap_or(got);
        return format!(
            "Expected type: '{}' for field '{}', got: '{}'",
            js_type(expected),
            path,
            js_type(got)
        );
    }
    let msg = msg.split(" at line ").next().unwrap_or(msg);
    if path.is_empty() || path == "." {
        msg.to_owned()
    } else {
        format!("{msg} for field '{path}'")
    }
}

/// Deserialises with unknown-key collection and path-aware errors.
fn strict<'de, D, T>(de: D, allowed_extra: &[&str]) -> Result<T, Error>
where
    D: serde::Deserializer<'de>,
    D::Error: std::fmt::Display,
    T: Deserialize<'de>,
{
    let mut unknown: Vec<String> = Vec::new();
    let result: Result<T, serde_path_to_error::Error<D::Error>> = {
        let mut on_unknown = |path: serde_ignored::Path<'_>| {
            // `Option`s show up as `?` segments in serde_ignored's paths.
            let p = path.to_string().replace(".?", "").replace("?.", "");
            if !allowed_extra.contains(&p.as_str()) {
                unknown.push(p);
            }
        };
        let ignored = serde_ignored::Deserializer::new(de, &mut on_unknown);
        serde_path_to_error::deserialize(ignored)
    };
    match result {
        Ok(v) if unknown.is_empty() => Ok(v),
        Ok(_) => Err(invalid(&unknown, None)),
        Err(e) => {
            let path = e.path().to_string();
            let msg = e.inner().to_string();
            Err(invalid(&unknown, Some(describe(&path, &msg))))
        }
    }
}

/// Parses a JSON body strictly. An empty body counts as `{}` (the js-sdk sends none for
/// body-less POSTs such as `/complete`).
pub fn parse_json<T: DeserializeOwned>(body: &[u8]) -> Result<T, Error> {
    let body = if body.iter().all(u8::is_ascii_whitespace) {
        &b"{}"[..]
    } else {
        body
    };
    let mut de = serde_json::Deserializer::from_slice(body);
    let v = strict(&mut de, &[]).map_err(|e| match e {
        Error::Medusa { message, .. } if message.contains("expected value") => {
            Error::invalid_data("Invalid request: the body is not valid JSON")
        }
        other => other,
    })?;
    de.end()
        .map_err(|_| Error::invalid_data("Invalid request: the body is not valid JSON"))?;
    Ok(v)
}

/// Parses a query string strictly into `T`. `also_allowed` are keys another parser handles
/// (the list keys), which must not be reported as unknown.
pub fn parse_query_with<T: DeserializeOwned>(qs: &str, also_allowed: &[&str]) -> Result<T, Error> {
    let de = serde_qs::Deserializer::with_config(qs_config(), qs.as_bytes())
        .map_err(|e| Error::invalid_data(format!("Invalid request: {e}")))?;
    strict(de, also_allowed)
}

/// Parses a query string strictly into `T` (for routes without pagination).
pub fn parse_query<T: DeserializeOwned>(qs: &str) -> Result<T, Error> {
    parse_query_with(qs, &[])
}

/// `limit`, `offset`, `order`, `fields`: the part of a list query every route shares.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct RawListParams {
    pub limit: Option<u32>,
    pub offset: Option<u32>,
    pub order: Option<String>,
    pub fields: Option<String>,
    pub with_deleted: Option<bool>,
}

/// Sort direction of `order=created_at` / `order=-created_at`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    Asc,
    Desc,
}

/// A validated `order`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderBy {
    pub field: String,
    pub direction: Direction,
}

/// Validated pagination for one list route.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListParams {
    pub limit: u32,
    pub offset: u32,
    pub order: Option<OrderBy>,
    pub fields: Option<String>,
    pub with_deleted: bool,
}

/// What a list route allows: its default page size and sortable fields.
#[derive(Debug, Clone, Copy)]
pub struct ListConfig {
    pub default_limit: u32,
    pub orderable: &'static [&'static str],
}

/// A list route's query: the shared pagination keys plus the route's own filters `F`.
pub fn parse_list_query<F: DeserializeOwned>(
    qs: &str,
    config: &ListConfig,
) -> Result<(ListParams, F), Error> {
    let filters: F = parse_query_with(qs, LIST_KEYS)?;
    // The list keys are read leniently here; the strict pass above reported unknown keys.
    let raw: RawListParams = {
        let de = serde_qs::Deserializer::with_config(qs_config(), qs.as_bytes())
            .map_err(|e| Error::invalid_data(format!("Invalid request: {e}")))?;
        let mut ignore = |_: serde_ignored::Path<'_>| {};
        let de = serde_ignored::Deserializer::new(de, &mut ignore);
        serde_path_to_error::deserialize(de).map_err(|e| {
            let path = e.path().to_string();
            invalid(&[], Some(describe(&path, &e.inner().to_string())))
        })?
    };
    let limit = raw.limit.unwrap_or(config.default_limit);
    if limit > MAX_LIMIT {
        return Err(Error::invalid_data(format!(
            "Invalid request: Value for field 'limit' too big, expected at most: '{MAX_LIMIT}'"
        )));
    }
    let order = match raw.order.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(o) => {
            let (field, direction) = match o.strip_prefix('-') {
                Some(f) => (f, Direction::Desc),
                None => (o, Direction::Asc),
            };
            if !config.orderable.contains(&field) {
                return Err(Error::invalid_data(format!(
                    "Order field {field} is not valid"
                )));
            }
            Some(OrderBy {
                field: field.to_owned(),
                direction,
            })
        }
    };
    Ok((
        ListParams {
            limit,
            offset: raw.offset.unwrap_or(0),
            order,
            fields: raw.fields,
            with_deleted: raw.with_deleted.unwrap_or(false),
        },
        filters,
    ))
}

/// A retrieve route's query: only `fields` (and what `F` adds).
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
pub struct RetrieveParams {
    pub fields: Option<String>,
}

/// `id=a`, `id[0]=a&id[1]=b`, `id=a&id=b` and (in JSON) `"a"` or `["a","b"]` all become a list.
pub fn one_or_many<'de, D, T>(d: D) -> Result<Option<Vec<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum OneOrMany<T> {
        Many(Vec<T>),
        One(T),
    }
    Ok(Some(match OneOrMany::<T>::deserialize(d)? {
        OneOrMany::Many(v) => v,
        OneOrMany::One(t) => vec![t],
    }))
}

/// Comparison operators in filters such as `created_at[$gt]=2024-01-01`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Comparison<T> {
    #[serde(rename = "$eq")]
    pub eq: Option<T>,
    #[serde(rename = "$ne")]
    pub ne: Option<T>,
    #[serde(rename = "$gt")]
    pub gt: Option<T>,
    #[serde(rename = "$gte")]
    pub gte: Option<T>,
    #[serde(rename = "$lt")]
    pub lt: Option<T>,
    #[serde(rename = "$lte")]
    pub lte: Option<T>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Deserialize, PartialEq)]
    struct ProductFilters {
        #[serde(default, deserialize_with = "one_or_many")]
        id: Option<Vec<String>>,
        #[serde(default, deserialize_with = "one_or_many")]
        handle: Option<Vec<String>>,
        q: Option<String>,
        region_id: Option<String>,
        is_giftcard: Option<bool>,
        created_at: Option<Comparison<String>>,
    }

    const CFG: ListConfig = ListConfig {
        default_limit: 50,
        orderable: &["created_at", "title"],
    };

    fn list(qs: &str) -> Result<(ListParams, ProductFilters), Error> {
        parse_list_query(qs, &CFG)
    }

    fn message(e: Error) -> String {
        e.message().unwrap_or_default().to_owned()
    }

    #[test]
    fn js_sdk_indexed_arrays_plain_and_encoded() {
        let (_, f) = list("id[0]=prod_1&id[1]=prod_2").unwrap();
        assert_eq!(f.id.unwrap(), vec!["prod_1", "prod_2"]);
        // qs percent-encodes the brackets by default.
        let (_, f) = list("id%5B0%5D=prod_1&id%5B1%5D=prod_2").unwrap();
        assert_eq!(f.id.unwrap(), vec!["prod_1", "prod_2"]);
    }

    #[test]
    fn plain_and_repeated_values() {
        let (_, f) = list("id=prod_1").unwrap();
        assert_eq!(f.id.unwrap(), vec!["prod_1"]);
        let (_, f) = list("handle=a&handle=b").unwrap();
        assert_eq!(f.handle.unwrap(), vec!["a", "b"]);
        let (_, f) = list("").unwrap();
        assert_eq!(f.id, None);
    }

    #[test]
    fn operator_filters() {
        let (_, f) = list("created_at%5B%24gt%5D=2024-01-01&created_at[$lte]=2025-01-01").unwrap();
        let c = f.created_at.unwrap();
        assert_eq!(c.gt.as_deref(), Some("2024-01-01"));
        assert_eq!(c.lte.as_deref(), Some("2025-01-01"));
    }

    #[test]
    fn pagination_and_the_starters_query() {
        let (p, f) = list(
            "limit=12&offset=0&region_id=reg_1&fields=%2Avariants.calculated_price%2C%2Bvariants.inventory_quantity%2C%2Bmetadata%2C&handle=shirt&is_giftcard=false",
        )
        .unwrap();
        assert_eq!((p.limit, p.offset), (12, 0));
        assert_eq!(
            p.fields.as_deref(),
            Some("*variants.calculated_price,+variants.inventory_quantity,+metadata,")
        );
        assert_eq!(f.region_id.as_deref(), Some("reg_1"));
        assert_eq!(f.is_giftcard, Some(false));
        // A literal `+` in a query string is a space, which Medusa's field parser treats as `+`.
        let (p, _) = list("fields=+metadata").unwrap();
        assert_eq!(p.fields.as_deref(), Some(" metadata"));
        let (p, _) = list("").unwrap();
        assert_eq!((p.limit, p.offset, p.order), (50, 0, None));
        let (p, _) = list("order=-created_at").unwrap();
        assert_eq!(
            p.order,
            Some(OrderBy {
                field: "created_at".into(),
                direction: Direction::Desc
            })
        );
    }

    #[test]
    fn unknown_query_keys_are_refused_all_at_once() {
        let e = list("foo=1&limit=2&bar[x]=3").unwrap_err();
        assert_eq!(e.kind(), Some(crate::ErrorType::InvalidData));
        assert_eq!(
            message(e),
            "Invalid request: Unrecognized fields: 'bar, foo'"
        );
        let e = list("created_at[$like]=x").unwrap_err();
        assert!(message(e).starts_with("Invalid request:"));
    }

    #[test]
    fn bad_values_are_refused() {
        let e = list("limit=abc").unwrap_err();
        assert!(message(e).contains("limit"));
        let e = list("limit=5000").unwrap_err();
        assert_eq!(
            message(e),
            "Invalid request: Value for field 'limit' too big, expected at most: '1000'"
        );
        let e = list("order=password").unwrap_err();
        assert_eq!(message(e), "Order field password is not valid");
        let e = list("is_giftcard=perhaps").unwrap_err();
        assert!(message(e).contains("is_giftcard"));
    }

    #[derive(Debug, Deserialize, PartialEq)]
    struct Address {
        first_name: Option<String>,
        country_code: Option<String>,
    }

    #[derive(Debug, Deserialize, PartialEq)]
    struct UpdateCart {
        email: Option<String>,
        shipping_address: Option<Address>,
    }

    #[derive(Debug, Deserialize, PartialEq)]
    struct AddItem {
        variant_id: String,
        quantity: u32,
    }

    #[test]
    fn strict_json_bodies() {
        let ok: UpdateCart = parse_json(br#"{"email":"a@b.c"}"#).unwrap();
        assert_eq!(ok.email.as_deref(), Some("a@b.c"));
        let e =
            parse_json::<UpdateCart>(br#"{"email":"a@b.c","total":0,"tax_total":0}"#).unwrap_err();
        assert_eq!(
            message(e),
            "Invalid request: Unrecognized fields: 'tax_total, total'"
        );
        let e = parse_json::<UpdateCart>(br#"{"shipping_address":{"unit_price":1}}"#).unwrap_err();
        assert_eq!(
            message(e),
            "Invalid request: Unrecognized fields: 'shipping_address.unit_price'"
        );
    }

    #[test]
    fn medusa_wording_for_missing_and_mistyped_fields() {
        let e = parse_json::<AddItem>(br#"{"quantity":1}"#).unwrap_err();
        assert_eq!(
            message(e),
            "Invalid request: Field 'variant_id' is required"
        );
        let e = parse_json::<AddItem>(br#"{"variant_id":"v","quantity":"two"}"#).unwrap_err();
        assert_eq!(
            message(e),
            "Invalid request: Expected type: 'number' for field 'quantity', got: 'string'"
        );
        let e = parse_json::<AddItem>(b"{not json").unwrap_err();
        assert_eq!(e.kind(), Some(crate::ErrorType::InvalidData));
        let e = parse_json::<AddItem>(br#"{"variant_id":"v","quantity":1} trailing"#).unwrap_err();
        assert_eq!(e.kind(), Some(crate::ErrorType::InvalidData));
    }

    #[test]
    fn empty_body_is_an_empty_object() {
        let v: UpdateCart = parse_json(b"").unwrap();
        assert_eq!(
            v,
            UpdateCart {
                email: None,
                shipping_address: None
            }
        );
    }
}
