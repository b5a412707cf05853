//! Stripe webhooks: signature verification over the raw body, and a tolerant envelope parser.
//!
//! The signature is checked on the exact bytes received, before any JSON parsing (a re-serialised
//! body would not verify). `Stripe-Signature: t=<unix>,v1=<hex>[,v1=<hex>...]`; the signed
//! payload is `"{t}.{body}"` with HMAC-SHA256 keyed by the endpoint secret. Several `v1` values
//! appear while a secret is rolled; any one may match. Other schemes (`v0`, test-mode
//! duplicates) are ignored, like Stripe's libraries do.

use hmac::{Hmac, KeyInit, Mac};
use serde_json::Value;
use sha2::Sha256;

/// Stripe's libraries' default: events older (or newer) than this are refused, which bounds
/// replay; replays inside the window are caught by deduplicating on the event id.
pub const DEFAULT_TOLERANCE_SECS: i64 = 300;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    #[error("No Stripe-Signature header")]
    MissingHeader,
    #[error("Unable to extract timestamp and signatures from header")]
    MalformedHeader,
    #[error("No signatures found with expected scheme")]
    NoV1Signature,
    #[error("Timestamp outside the tolerance zone")]
    Stale,
    #[error("No signatures found matching the expected signature for payload")]
    Mismatch,
}

/// HMAC-SHA256 of `"{t}.{payload}"`. HMAC takes keys of any length, so `None` does not happen
/// in practice; callers treat it as "does not verify".
fn signed_payload_mac(secret: &str, t: i64, payload: &[u8]) -> Option<Hmac<Sha256>> {
    let mut m = <Hmac<Sha256> as KeyInit>::new_from_slice(secret.as_bytes()).ok()?;
    m.update(t.to_string().as_bytes());
    m.update(b".");
    m.update(payload);
    Some(m)
}

/// Verifies `header` (the `Stripe-Signature` value) over `payload` with the endpoint `secret`,
/// at time `now` (unix seconds), accepting timestamps within `tolerance_secs` either way.
pub fn verify_signature(
    payload: &[u8],
    header: Option<&str>,
    secret: &str,
    now: i64,
    tolerance_secs: i64,
) -> Result<(), SignatureError> {
    let header = header.ok_or(SignatureError::MissingHeader)?;
    let mut timestamp: Option<i64> = None;
    let mut signatures: Vec<Vec<u8>> = Vec::new();
    for part in header.split(',') {
        let Some((k, v)) = part.trim().split_once('=') else {
            continue;
        };
        match k {
            "t" => timestamp = v.parse().ok(),
            // A v1 value that is not hex cannot match; skip it rather than fail, another v1 may.
            "v1" => signatures.extend(decode_hex(v)),
            _ => {}
        }
    }
    let t = timestamp.ok_or(SignatureError::MalformedHeader)?;
    if signatures.is_empty() {
        return Err(SignatureError::NoV1Signature);
    }
    // The signature is checked before the clock so that only a genuine (but old) event is
    // reported as stale; a forged one is a mismatch whatever its timestamp.
    let m = signed_payload_mac(secret, t, payload).ok_or(SignatureError::Mismatch)?;
    // `verify_slice` compares in constant time.
    if !signatures.iter().any(|s| m.clone().verify_slice(s).is_ok()) {
        return Err(SignatureError::Mismatch);
    }
    if (now - t).abs() > tolerance_secs {
        return Err(SignatureError::Stale);
    }
    Ok(())
}

/// The `Stripe-Signature` header Stripe would send for `payload` at time `t` (tests, the stand-in).
pub fn sign(payload: &[u8], secret: &str, t: i64) -> String {
    let v1 = signed_payload_mac(secret, t, payload)
        .map(|m| encode_hex(&m.finalize().into_bytes()))
        .unwrap_or_default();
    format!("t={t},v1={v1}")
}

fn decode_hex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok())
        .collect()
}

fn encode_hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The few fields of an event we act on. Everything else in the event is ignored, so unknown
/// event types and object types (and fields of unexpected JSON types) never fail parsing; the
/// payload is only a hint anyway: the handler re-reads the PaymentIntent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventEnvelope {
    pub id: String,
    pub event_type: String,
    pub object_id: Option<String>,
    pub object_status: Option<String>,
    pub amount_capturable: Option<i64>,
    pub amount_received: Option<i64>,
    pub session_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EnvelopeError {
    #[error("Webhook body is not JSON")]
    NotJson,
    #[error("Webhook body is not a Stripe event")]
    NotAnEvent,
}

/// Parses a verified event body.
pub fn parse_envelope(payload: &[u8]) -> Result<EventEnvelope, EnvelopeError> {
    let v: Value = serde_json::from_slice(payload).map_err(|_| EnvelopeError::NotJson)?;
    let id = v.get("id").and_then(Value::as_str);
    let event_type = v.get("type").and_then(Value::as_str);
    let (Some(id), Some(event_type)) = (id, event_type) else {
        return Err(EnvelopeError::NotAnEvent);
    };
    let object = v.pointer("/data/object");
    let str_at = |p: &str| {
        object
            .and_then(|o| o.pointer(p))
            .and_then(Value::as_str)
            .map(str::to_owned)
    };
    let int_at = |p: &str| object.and_then(|o| o.pointer(p)).and_then(Value::as_i64);
    Ok(EventEnvelope {
        id: id.to_owned(),
        event_type: event_type.to_owned(),
        object_id: str_at("/id"),
        object_status: str_at("/status"),
        amount_capturable: int_at("/amount_capturable"),
        amount_received: int_at("/amount_received"),
        session_id: str_at("/metadata/session_id"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "whsec_test_secret";
    const NOW: i64 = 1_764_000_000;
    const BODY: &[u8] = br#"{"id":"evt_1","type":"payment_intent.succeeded","data":{"object":{"id":"pi_1","object":"payment_intent","status":"succeeded","amount_received":1999,"amount_capturable":0,"metadata":{"session_id":"payses_1"}}}}"#;

    fn verify(body: &[u8], header: Option<&str>) -> Result<(), SignatureError> {
        verify_signature(body, header, SECRET, NOW, DEFAULT_TOLERANCE_SECS)
    }

    #[test]
    fn a_valid_signature_verifies() {
        let h = sign(BODY, SECRET, NOW - 10);
        assert_eq!(verify(BODY, Some(&h)), Ok(()));
    }

    #[test]
    fn a_known_vector_verifies() {
        // Computed independently: printf '1700000000.{}' | openssl dgst -sha256 -hmac whsec_abc
        let h = "t=1700000000,v1=bad9ac117e973d721c232d46744158d75e3f1b44e36771e13d01b9e6a580bc72";
        let r = verify_signature(b"{}", Some(h), "whsec_abc", 1_700_000_000, 300);
        assert_eq!(r, Ok(()));
    }

    #[test]
    fn the_tolerance_is_300_seconds_both_ways() {
        let at = |t: i64| verify(BODY, Some(&sign(BODY, SECRET, t)));
        assert_eq!(at(NOW - 300), Ok(()));
        assert_eq!(at(NOW - 301), Err(SignatureError::Stale));
        assert_eq!(at(NOW + 300), Ok(()));
        assert_eq!(at(NOW + 301), Err(SignatureError::Stale));
    }

    #[test]
    fn a_tampered_body_fails() {
        let h = sign(BODY, SECRET, NOW);
        let mut tampered = BODY.to_vec();
        // 1999 -> 9999
        let pos = tampered.windows(4).position(|w| w == b"1999").unwrap_or(0);
        tampered[pos] = b'9';
        assert_eq!(verify(&tampered, Some(&h)), Err(SignatureError::Mismatch));
        // Re-serialising (whitespace) also breaks it: the raw bytes are what is signed.
        let reserialised =
            serde_json::to_vec_pretty(&serde_json::from_slice::<Value>(BODY).unwrap_or_default())
                .unwrap_or_default();
        assert_eq!(
            verify(&reserialised, Some(&h)),
            Err(SignatureError::Mismatch)
        );
    }

    #[test]
    fn the_wrong_secret_or_a_forged_timestamp_fails() {
        let h = sign(BODY, "whsec_other", NOW);
        assert_eq!(verify(BODY, Some(&h)), Err(SignatureError::Mismatch));
        // Signature of another timestamp reused with a fresh `t`.
        let old = sign(BODY, SECRET, NOW - 1000);
        let v1 = old.split_once(",v1=").map(|(_, s)| s).unwrap_or_default();
        let forged = format!("t={NOW},v1={v1}");
        assert_eq!(verify(BODY, Some(&forged)), Err(SignatureError::Mismatch));
    }

    #[test]
    fn any_of_several_v1_values_may_match() {
        let good = sign(BODY, SECRET, NOW);
        let v1 = good.split_once(",v1=").map(|(_, s)| s).unwrap_or_default();
        let bad = "0".repeat(64);
        let header = format!("t={NOW},v1={bad},v0=abc,v1=nothex,v1={v1}");
        assert_eq!(verify(BODY, Some(&header)), Ok(()));
        let only_bad = format!("t={NOW},v1={bad},v1={}", "1".repeat(64));
        assert_eq!(verify(BODY, Some(&only_bad)), Err(SignatureError::Mismatch));
    }

    #[test]
    fn a_missing_or_malformed_header_fails() {
        assert_eq!(verify(BODY, None), Err(SignatureError::MissingHeader));
        assert_eq!(verify(BODY, Some("")), Err(SignatureError::MalformedHeader));
        assert_eq!(
            verify(BODY, Some("v1=abcd")),
            Err(SignatureError::MalformedHeader)
        );
        assert_eq!(
            verify(BODY, Some(&format!("t={NOW}"))),
            Err(SignatureError::NoV1Signature)
        );
        assert_eq!(
            verify(BODY, Some(&format!("t={NOW},v0=abcd"))),
            Err(SignatureError::NoV1Signature)
        );
        assert_eq!(
            verify(BODY, Some("t=notanumber,v1=abcd")),
            Err(SignatureError::MalformedHeader)
        );
    }

    #[test]
    fn the_envelope_reads_only_what_it_needs() {
        let e = parse_envelope(BODY);
        assert_eq!(
            e,
            Ok(EventEnvelope {
                id: "evt_1".into(),
                event_type: "payment_intent.succeeded".into(),
                object_id: Some("pi_1".into()),
                object_status: Some("succeeded".into()),
                amount_capturable: Some(0),
                amount_received: Some(1999),
                session_id: Some("payses_1".into()),
            })
        );
    }

    #[test]
    fn unknown_events_and_objects_parse() {
        let body = br#"{"id":"evt_2","type":"customer.tax_id.updated","data":{"object":{"id":"txi_1","object":"tax_id","status":{"nested":true},"metadata":null,"amount_received":"lots"}},"extra":[1,2]}"#;
        let e = parse_envelope(body);
        assert_eq!(
            e,
            Ok(EventEnvelope {
                id: "evt_2".into(),
                event_type: "customer.tax_id.updated".into(),
                object_id: Some("txi_1".into()),
                object_status: None,
                amount_capturable: None,
                amount_received: None,
                session_id: None,
            })
        );
        let no_object = br#"{"id":"evt_3","type":"balance.available"}"#;
        assert_eq!(parse_envelope(no_object).map(|e| e.object_id), Ok(None));
    }

    #[test]
    fn non_events_are_rejected() {
        assert_eq!(parse_envelope(b"not json"), Err(EnvelopeError::NotJson));
        assert_eq!(parse_envelope(b"[]"), Err(EnvelopeError::NotAnEvent));
        assert_eq!(
            parse_envelope(br#"{"id":"evt_1"}"#),
            Err(EnvelopeError::NotAnEvent)
        );
    }
}
