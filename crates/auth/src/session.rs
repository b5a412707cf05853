//! The `connect.sid` cookie, written and read the way express-session does: the value is
//! `s:<session id>.<signature>`, the signature being HMAC-SHA256 of the id with the cookie
//! secret in standard base64 without `=` padding, and the whole value URL-encoded
//! (`encodeURIComponent`). Session ids are 24 random bytes in base64url, as `uid-safe` makes
//! them; the database keeps only their SHA-256.

use base64::Engine;
use base64::engine::general_purpose::{STANDARD_NO_PAD, URL_SAFE_NO_PAD};
use hmac::Mac;
use sha2::{Digest, Sha256};

use crate::token::mac;

/// The cookie's name (express-session's default, which Medusa keeps).
pub const SESSION_COOKIE: &str = "connect.sid";

/// A new random session id.
pub fn new_session_id() -> String {
    URL_SAFE_NO_PAD.encode(rand::random::<[u8; 24]>())
}

/// What the database stores for a session id.
pub fn storage_key(session_id: &str) -> String {
    Sha256::digest(session_id.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn signature(session_id: &str, secret: &[u8]) -> Option<Vec<u8>> {
    let mut m = mac(secret)?;
    m.update(session_id.as_bytes());
    Some(m.finalize().into_bytes().to_vec())
}

/// The cookie value for `session_id`: signed, then URL-encoded.
pub fn cookie_value(session_id: &str, secret: &[u8]) -> Option<String> {
    let signed = format!(
        "s:{session_id}.{}",
        STANDARD_NO_PAD.encode(signature(session_id, secret)?)
    );
    Some(encode_uri_component(&signed))
}

/// The session id in a cookie value, if its signature is valid.
pub fn session_id(cookie_value: &str, secret: &[u8]) -> Option<String> {
    let decoded = decode_uri_component(cookie_value)?;
    let (session_id, sig) = decoded.strip_prefix("s:")?.rsplit_once('.')?;
    if session_id.is_empty() {
        return None;
    }
    let sig = STANDARD_NO_PAD.decode(sig).ok()?;
    let mut m = mac(secret)?;
    m.update(session_id.as_bytes());
    // Constant-time comparison.
    m.verify_slice(&sig).ok()?;
    Some(session_id.to_owned())
}

/// JavaScript's `encodeURIComponent` for the ASCII this module produces.
fn encode_uri_component(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.!~*'()".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// `decodeURIComponent`; `None` for malformed escapes or non-UTF-8 results.
fn decode_uri_component(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Computed independently (Node's `cookie-signature` + `encodeURIComponent`).
    const SID: &str = "0123456789abcdefghijklmnopqrstuv";
    const COOKIE: &str =
        "s%3A0123456789abcdefghijklmnopqrstuv.jb%2FE0LRfbyTuqxEMcRiY5oNORm2GYTyTuEeXl3io6To";

    #[test]
    fn signs_like_express_session() {
        assert_eq!(cookie_value(SID, b"supersecret").as_deref(), Some(COOKIE));
        assert_eq!(session_id(COOKIE, b"supersecret").as_deref(), Some(SID));
        // Browsers may send the value unencoded, too.
        let raw = decode_uri_component(COOKIE).unwrap();
        assert_eq!(session_id(&raw, b"supersecret").as_deref(), Some(SID));
    }

    #[test]
    fn refuses_bad_signatures() {
        assert_eq!(session_id(COOKIE, b"othersecret"), None);
        let other = cookie_value("another-session-id", b"supersecret").unwrap();
        let (_, other_sig) = other.rsplit_once('.').unwrap();
        let swapped = format!("s%3A{SID}.{other_sig}");
        assert_eq!(session_id(&swapped, b"supersecret"), None);
        for bad in [
            "",
            "s%3A",
            "s%3A.",
            SID,
            "s%3Axyz.%ZZ",
            "s%3Axyz",
            "%E0%A4%A",
        ] {
            assert_eq!(session_id(bad, b"supersecret"), None, "{bad}");
        }
    }

    #[test]
    fn ids_are_random_and_stored_hashed() {
        let a = new_session_id();
        let b = new_session_id();
        assert_eq!(a.len(), 32);
        assert_ne!(a, b);
        let key = storage_key(&a);
        assert_eq!(key.len(), 64);
        assert!(!key.contains(&a));
        assert_eq!(key, storage_key(&a));
    }
}
