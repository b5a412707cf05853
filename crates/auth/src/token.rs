//! Medusa's auth tokens: JWTs signed with HS256 and `JWT_SECRET`, as `jsonwebtoken` (Node)
//! writes and checks them. Only HS256 is accepted, so neither `alg: none` nor an algorithm
//! switch gets a forged token through; the signature is compared in constant time; a token is
//! valid while `now < exp` (no leeway, as `jsonwebtoken`'s default) and, when it has `nbf`,
//! once `now >= nbf`.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, KeyInit, Mac};
use serde::Deserialize;
use sha2::Sha256;

use crate::error::AuthError;
use crate::model::Claims;

/// What `jsonwebtoken` puts in the header for HS256.
const HEADER: &str = r#"{"alg":"HS256","typ":"JWT"}"#;

/// HMAC-SHA256 keyed with `secret`. HMAC takes keys of any length, so this is `None` only in
/// theory.
pub(crate) fn mac(secret: &[u8]) -> Option<Hmac<Sha256>> {
    <Hmac<Sha256> as KeyInit>::new_from_slice(secret).ok()
}

pub fn encode(claims: &Claims, secret: &[u8]) -> Result<String, AuthError> {
    let payload = serde_json::to_vec(claims).map_err(|e| AuthError::Crypto(e.to_string()))?;
    let mut token = format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(HEADER),
        URL_SAFE_NO_PAD.encode(payload)
    );
    let mut m = mac(secret).ok_or_else(|| AuthError::Crypto("HMAC key".into()))?;
    m.update(token.as_bytes());
    let signature = URL_SAFE_NO_PAD.encode(m.finalize().into_bytes());
    token.push('.');
    token.push_str(&signature);
    Ok(token)
}

#[derive(Deserialize)]
struct Header {
    alg: String,
}

/// The claims of a valid token at `now` (seconds since the epoch); `None` for anything else.
pub fn decode(token: &str, secret: &[u8], now: i64) -> Option<Claims> {
    let (signing_input, signature) = token.rsplit_once('.')?;
    let (header, payload) = signing_input.split_once('.')?;
    if payload.contains('.') {
        return None;
    }
    let header: Header = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(header).ok()?).ok()?;
    if header.alg != "HS256" {
        return None;
    }
    let mut m = mac(secret)?;
    m.update(signing_input.as_bytes());
    m.verify_slice(&URL_SAFE_NO_PAD.decode(signature).ok()?)
        .ok()?;
    let raw: serde_json::Value =
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).ok()?).ok()?;
    if let Some(nbf) = raw.get("nbf")
        && now < nbf.as_i64()?
    {
        return None;
    }
    let claims: Claims = serde_json::from_value(raw).ok()?;
    (now < claims.exp).then_some(claims)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn claims() -> Claims {
        serde_json::from_value(json!({
            "actor_id": "user_01",
            "actor_type": "user",
            "auth_identity_id": "authid_01",
            "app_metadata": {"user_id": "user_01"},
            "user_metadata": {},
            "iat": 1_700_000_000,
            "exp": 1_700_086_400
        }))
        .unwrap()
    }

    /// Computed independently (HMAC-SHA256 over Node's `JSON.stringify` of the same claims).
    const REFERENCE: &str = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJhY3Rvcl9pZCI6InVzZXJfMDEiLCJhY3Rvcl90eXBlIjoidXNlciIsImF1dGhfaWRlbnRpdHlfaWQiOiJhdXRoaWRfMDEiLCJhcHBfbWV0YWRhdGEiOnsidXNlcl9pZCI6InVzZXJfMDEifSwidXNlcl9tZXRhZGF0YSI6e30sImlhdCI6MTcwMDAwMDAwMCwiZXhwIjoxNzAwMDg2NDAwfQ.FOclt12WJ-bc1FWJae8CVPIOok2ebWTIzKKU2qYXNb8";

    #[test]
    fn encodes_exactly_like_jsonwebtoken() {
        assert_eq!(encode(&claims(), b"supersecret").unwrap(), REFERENCE);
    }

    #[test]
    fn decodes_valid_tokens_until_exp() {
        assert_eq!(
            decode(REFERENCE, b"supersecret", 1_700_000_000),
            Some(claims())
        );
        assert_eq!(
            decode(REFERENCE, b"supersecret", 1_700_086_399),
            Some(claims())
        );
        assert_eq!(decode(REFERENCE, b"supersecret", 1_700_086_400), None);
    }

    #[test]
    fn refuses_forgeries() {
        let now = 1_700_000_000;
        // Wrong secret.
        assert_eq!(decode(REFERENCE, b"othersecret", now), None);
        // Tampered payload, original signature.
        let mut parts: Vec<&str> = REFERENCE.split('.').collect();
        let forged_payload = URL_SAFE_NO_PAD.encode(
            serde_json::to_vec(
                &json!({"actor_id": "user_02", "actor_type": "user", "exp": 1_800_000_000}),
            )
            .unwrap(),
        );
        parts[1] = &forged_payload;
        assert_eq!(decode(&parts.join("."), b"supersecret", now), None);
        // alg none, without and with an empty signature.
        let none = format!(
            "{}.{}.",
            URL_SAFE_NO_PAD.encode(r#"{"alg":"none","typ":"JWT"}"#),
            REFERENCE.split('.').nth(1).unwrap()
        );
        assert_eq!(decode(&none, b"supersecret", now), None);
        assert_eq!(
            decode(none.trim_end_matches('.'), b"supersecret", now),
            None
        );
        // A valid HS256 MAC but a header claiming another algorithm.
        let mut c = claims();
        c.exp = 1_800_000_000;
        let other_alg = {
            let h = URL_SAFE_NO_PAD.encode(r#"{"alg":"HS512","typ":"JWT"}"#);
            let p = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&c).unwrap());
            let mut m = mac(b"supersecret").unwrap();
            m.update(format!("{h}.{p}").as_bytes());
            format!(
                "{h}.{p}.{}",
                URL_SAFE_NO_PAD.encode(m.finalize().into_bytes())
            )
        };
        assert_eq!(decode(&other_alg, b"supersecret", now), None);
        // Garbage.
        for bad in [
            "",
            ".",
            "..",
            "a.b.c",
            "a.b.c.d",
            "not a token",
            &format!("{REFERENCE}.x"),
        ] {
            assert_eq!(decode(bad, b"supersecret", now), None, "{bad}");
        }
    }

    #[test]
    fn tokens_without_exp_are_refused_and_nbf_is_honoured() {
        let sign = |payload: serde_json::Value| {
            let h = URL_SAFE_NO_PAD.encode(HEADER);
            let p = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&payload).unwrap());
            let mut m = mac(b"k").unwrap();
            m.update(format!("{h}.{p}").as_bytes());
            format!(
                "{h}.{p}.{}",
                URL_SAFE_NO_PAD.encode(m.finalize().into_bytes())
            )
        };
        assert_eq!(
            decode(
                &sign(json!({"actor_id": "x", "actor_type": "user"})),
                b"k",
                10
            ),
            None
        );
        let nbf = sign(json!({"actor_id": "x", "actor_type": "user", "nbf": 20, "exp": 30}));
        assert_eq!(decode(&nbf, b"k", 19), None);
        assert!(decode(&nbf, b"k", 20).is_some());
    }
}
