//! Timestamps on the wire as JavaScript's `Date#toJSON` prints them (`2024-05-01T10:00:00.000Z`),
//! which is what Medusa sends.

use chrono::{DateTime, SecondsFormat, Utc};
use serde::Serializer;

pub fn to_js(t: &DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// `#[serde(serialize_with = "medusa_core::time::js")]`
pub fn js<S: Serializer>(t: &DateTime<Utc>, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&to_js(t))
}

/// `#[serde(serialize_with = "medusa_core::time::js_opt")]`
pub fn js_opt<S: Serializer>(t: &Option<DateTime<Utc>>, s: S) -> Result<S::Ok, S::Error> {
    match t {
        Some(t) => s.serialize_str(&to_js(t)),
        None => s.serialize_none(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn prints_like_javascript() {
        let t = chrono::DateTime::parse_from_rfc3339("2024-05-01T10:00:00.123456Z")
            .unwrap()
            .with_timezone(&chrono::Utc);
        assert_eq!(super::to_js(&t), "2024-05-01T10:00:00.123Z");
    }
}
