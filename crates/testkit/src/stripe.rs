//! A local stand-in for the part of Stripe's API the `pp_stripe_stripe` provider uses, so no
//! test ever calls the real Stripe.
//!
//! It is a small HTTP/1.1 server on `127.0.0.1:0` written on plain tokio sockets (one request
//! per connection, `Connection: close`), because tests need faults a framework hides: a
//! connection dropped before or after the request was executed, slow answers, 500s.
//!
//! What it models:
//! - `Authorization: Bearer <key>` (401 otherwise), form-encoded bodies, Stripe's error shape
//!   `{"error": {"type", "code"?, "message"}}`.
//! - PaymentIntents: create, retrieve, update amount, confirm (what the browser does with the
//!   client secret), capture (partial too), cancel; refunds. State transitions and the
//!   `payment_intent_unexpected_state` / `charge_already_refunded` errors follow Stripe.
//! - `Idempotency-Key`: the first response for a key (success or error) is stored and replayed
//!   (with `Idempotent-Replayed: true`) for a repeat with the same method, path and parameters;
//!   a repeat with different ones gets Stripe's 400 `idempotency_error`. Injected 500s and
//!   dropped connections happen before execution and are not stored (Stripe does not store a
//!   request that never began executing), so a retry with the same key executes.
//! - Fault injection from the test: [`StripeStandIn::fail_next`], [`StripeStandIn::drop_next`],
//!   [`StripeStandIn::lose_next_response`], [`StripeStandIn::set_delay`],
//!   [`StripeStandIn::delay_next`], [`StripeStandIn::hold_answers`] (executed, answer held until
//!   released: the window in which a test kills a client process); every request is logged
//!   ([`StripeStandIn::requests`]).
//! - Signed webhook events ([`StripeStandIn::webhook`]): `Stripe-Signature: t=..,v1=..`.

use std::collections::{BTreeMap, HashMap};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use hmac::{Hmac, KeyInit, Mac};
use serde_json::{Value, json};
use sha2::Sha256;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

pub const STAND_IN_API_KEY: &str = "sk_test_standin";
pub const STAND_IN_WEBHOOK_SECRET: &str = "whsec_standin";

/// One request as the stand-in received it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordedRequest {
    pub method: String,
    /// Without the query string.
    pub path: String,
    pub idempotency_key: Option<String>,
    pub form: Vec<(String, String)>,
    /// What happened to it.
    pub outcome: Outcome,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Executed and answered with this status.
    Answered(u16),
    /// The stored answer for its idempotency key was replayed.
    Replayed(u16),
    /// An injected 500, before execution.
    InjectedFailure,
    /// Connection closed before execution.
    Dropped,
    /// Executed (and stored under its key), then the connection was closed without an answer.
    ResponseLost,
}

impl RecordedRequest {
    pub fn param(&self, name: &str) -> Option<&str> {
        self.form
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

struct Stored {
    fingerprint: String,
    status: u16,
    body: String,
}

#[derive(Default)]
struct State {
    intents: BTreeMap<String, Value>,
    /// PaymentIntent id -> refunded so far (smallest unit).
    refunded: HashMap<String, i64>,
    idempotency: HashMap<String, Stored>,
    requests: Vec<RecordedRequest>,
    fail_next: u32,
    drop_next: u32,
    lose_next: u32,
    delay: Duration,
    delay_next: Vec<Duration>,
    hold: Option<Hold>,
    counter: u64,
}

/// Answers to `method` requests whose path ends with `suffix` wait until the sender says so.
struct Hold {
    method: String,
    suffix: String,
    release: tokio::sync::watch::Sender<bool>,
}

/// The running stand-in; stops when dropped.
pub struct StripeStandIn {
    addr: SocketAddr,
    state: Arc<Mutex<State>>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for StripeStandIn {
    fn drop(&mut self) {
        self.task.abort();
    }
}

fn lock(state: &Mutex<State>) -> MutexGuard<'_, State> {
    // A panicking test thread must not wedge the others.
    state.lock().unwrap_or_else(|e| e.into_inner())
}

impl StripeStandIn {
    pub async fn start() -> StripeStandIn {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let state = Arc::new(Mutex::new(State::default()));
        let st = state.clone();
        let task = tokio::spawn(async move {
            loop {
                let Ok((sock, _)) = listener.accept().await else {
                    continue;
                };
                let st = st.clone();
                tokio::spawn(async move {
                    let _ = serve(sock, st).await;
                });
            }
        });
        StripeStandIn { addr, state, task }
    }

    /// For `STRIPE_API_BASE`: `http://127.0.0.1:<port>/`.
    pub fn base_url(&self) -> String {
        format!("http://{}/", self.addr)
    }

    pub fn api_key(&self) -> &'static str {
        STAND_IN_API_KEY
    }

    pub fn webhook_secret(&self) -> &'static str {
        STAND_IN_WEBHOOK_SECRET
    }

    /// The next `n` requests get a 500 `api_error` before anything is executed.
    pub fn fail_next(&self, n: u32) {
        lock(&self.state).fail_next = n;
    }

    /// The next `n` connections are closed after the request was read, before execution.
    pub fn drop_next(&self, n: u32) {
        lock(&self.state).drop_next = n;
    }

    /// The next `n` requests are executed (and stored under their idempotency key), then the
    /// connection is closed without an answer: the client cannot know whether money moved.
    pub fn lose_next_response(&self, n: u32) {
        lock(&self.state).lose_next = n;
    }

    /// Every answer waits `d` (after execution, so a client that times out and retries with
    /// the same key gets the stored answer). `Duration::ZERO` turns it off.
    pub fn set_delay(&self, d: Duration) {
        lock(&self.state).delay = d;
    }

    /// Only the next `n` answers wait `d`.
    pub fn delay_next(&self, n: u32, d: Duration) {
        lock(&self.state).delay_next = vec![d; n as usize];
    }

    /// From now on, requests `method` whose path ends with `suffix` are executed (and stored
    /// under their idempotency key, and logged as answered) but their answer is held until
    /// [`StripeStandIn::release_held`] (or 10 minutes): a client waiting for it can be killed
    /// after Stripe moved the money and before it heard back.
    pub fn hold_answers(&self, method: &str, suffix: &str) {
        let (release, _) = tokio::sync::watch::channel(false);
        lock(&self.state).hold = Some(Hold {
            method: method.to_owned(),
            suffix: suffix.to_owned(),
            release,
        });
    }

    /// Sends the held answers (to clients still listening) and stops holding.
    pub fn release_held(&self) {
        if let Some(h) = lock(&self.state).hold.take() {
            let _ = h.release.send(true);
        }
    }

    /// Every request so far, in arrival order.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        lock(&self.state).requests.clone()
    }

    /// Requests to exactly `method path` (e.g. `"POST", "/v1/payment_intents/pi_1/capture"`).
    pub fn requests_to(&self, method: &str, path: &str) -> Vec<RecordedRequest> {
        self.requests()
            .into_iter()
            .filter(|r| r.method == method && r.path == path)
            .collect()
    }

    /// Requests whose path ends with `suffix` (e.g. `"/capture"`).
    pub fn count_ending(&self, method: &str, suffix: &str) -> usize {
        self.requests()
            .iter()
            .filter(|r| r.method == method && r.path.ends_with(suffix))
            .count()
    }

    /// The PaymentIntent as the stand-in holds it.
    pub fn intent(&self, id: &str) -> Option<Value> {
        lock(&self.state).intents.get(id).cloned()
    }

    pub fn intents(&self) -> Vec<Value> {
        lock(&self.state).intents.values().cloned().collect()
    }

    /// Refunded so far on a PaymentIntent (smallest unit).
    pub fn refunded(&self, id: &str) -> i64 {
        lock(&self.state).refunded.get(id).copied().unwrap_or(0)
    }

    /// What the browser does with the client secret: `requires_capture` (manual capture) or
    /// `succeeded` (automatic). Returns the intent.
    pub fn confirm(&self, id: &str) -> Option<Value> {
        let mut st = lock(&self.state);
        let n = next(&mut st);
        let pi = st.intents.get_mut(id)?;
        confirm_intent(pi, n, None).ok()?;
        Some(pi.clone())
    }

    /// Forces a PaymentIntent's status (e.g. `requires_action`), for status-mapping tests.
    pub fn set_status(&self, id: &str, status: &str) {
        if let Some(pi) = lock(&self.state).intents.get_mut(id) {
            pi["status"] = json!(status);
        }
    }

    /// A signed webhook for `event_type` carrying `object`, signed now: `(body, Stripe-Signature)`.
    pub fn webhook(&self, event_type: &str, object: &Value) -> (String, String) {
        let now = chrono_now();
        self.webhook_at(event_type, object, now)
    }

    /// Same, signed at unix time `t` (stale events, clock tests).
    pub fn webhook_at(&self, event_type: &str, object: &Value, t: i64) -> (String, String) {
        let n = next(&mut lock(&self.state));
        let body = json!({
            "id": format!("evt_standin_{n}"),
            "object": "event",
            "api_version": "2025-09-30.clover",
            "created": t,
            "livemode": false,
            "pending_webhooks": 1,
            "type": event_type,
            "data": {"object": object},
        })
        .to_string();
        let header = sign_webhook(body.as_bytes(), STAND_IN_WEBHOOK_SECRET, t);
        (body, header)
    }
}

/// `Stripe-Signature` for `payload` at `t` with `secret` (independent of the provider's code).
pub fn sign_webhook(payload: &[u8], secret: &str, t: i64) -> String {
    let mut m = <Hmac<Sha256> as KeyInit>::new_from_slice(secret.as_bytes()).unwrap();
    m.update(format!("{t}.").as_bytes());
    m.update(payload);
    let hex: String = m
        .finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    format!("t={t},v1={hex}")
}

fn chrono_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

fn next(st: &mut State) -> u64 {
    st.counter += 1;
    st.counter
}

struct Request {
    method: String,
    path: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Request {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

async fn read_request(sock: &mut TcpStream) -> Option<Request> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let header_end = loop {
        if let Some(p) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break p;
        }
        if buf.len() > 64 * 1024 {
            return None;
        }
        let n = sock.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..header_end]).to_string();
    let mut lines = head.split("\r\n");
    let mut first = lines.next()?.split(' ');
    let method = first.next()?.to_owned();
    let target = first.next()?.to_owned();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    let len: usize = headers
        .iter()
        .find(|(k, _)| k == "content-length")
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let mut body = buf[header_end + 4..].to_vec();
    while body.len() < len {
        let n = sock.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        body.extend_from_slice(&chunk[..n]);
    }
    body.truncate(len);
    let path = target.split('?').next().unwrap_or("").to_owned();
    Some(Request {
        method,
        path,
        headers,
        body,
    })
}

fn decode_component(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                match std::str::from_utf8(&bytes[i + 1..i + 3])
                    .ok()
                    .and_then(|h| u8::from_str_radix(h, 16).ok())
                {
                    Some(b) => {
                        out.push(b);
                        i += 2;
                    }
                    None => out.push(b'%'),
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn parse_form(body: &[u8]) -> Vec<(String, String)> {
    let s = String::from_utf8_lossy(body);
    s.split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (decode_component(k), decode_component(v))
        })
        .collect()
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        400 => "Bad Request",
        401 => "Unauthorized",
        402 => "Payment Required",
        404 => "Not Found",
        500 => "Internal Server Error",
        _ => "Status",
    }
}

async fn write_response(sock: &mut TcpStream, status: u16, body: &str, replayed: bool) {
    let extra = if replayed {
        "Idempotent-Replayed: true\r\n"
    } else {
        ""
    };
    let resp = format!(
        "HTTP/1.1 {status} {}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\nRequest-Id: req_standin\r\n{extra}\r\n{body}",
        reason(status),
        body.len()
    );
    let _ = sock.write_all(resp.as_bytes()).await;
    let _ = sock.shutdown().await;
}

fn error(status: u16, kind: &str, code: Option<&str>, message: &str) -> (u16, Value) {
    let mut e = json!({"type": kind, "message": message});
    if let Some(c) = code {
        e["code"] = json!(c);
    }
    (status, json!({"error": e}))
}

async fn serve(mut sock: TcpStream, state: Arc<Mutex<State>>) -> Option<()> {
    let req = read_request(&mut sock).await?;
    let form = parse_form(&req.body);
    let key = req.header("idempotency-key").map(str::to_owned);
    let mut record = RecordedRequest {
        method: req.method.clone(),
        path: req.path.clone(),
        idempotency_key: key.clone(),
        form: form.clone(),
        outcome: Outcome::Dropped,
    };

    enum Action {
        Drop,
        Answer(u16, String, bool, Duration),
        Lose,
    }

    let (action, held) = {
        let mut st = lock(&state);
        let delay = if st.delay_next.is_empty() {
            st.delay
        } else {
            st.delay_next.remove(0)
        };
        let held = st
            .hold
            .as_ref()
            .filter(|h| h.method == req.method && req.path.ends_with(&h.suffix))
            .map(|h| h.release.subscribe());
        let action = if st.drop_next > 0 {
            st.drop_next -= 1;
            record.outcome = Outcome::Dropped;
            Action::Drop
        } else if st.fail_next > 0 {
            st.fail_next -= 1;
            record.outcome = Outcome::InjectedFailure;
            let (s, b) = error(
                500,
                "api_error",
                None,
                "An unknown error occurred (injected).",
            );
            Action::Answer(s, b.to_string(), false, delay)
        } else {
            let mut sorted = form.clone();
            sorted.sort();
            let fingerprint = format!("{} {} {:?}", req.method, req.path, sorted);
            let stored = key.as_ref().and_then(|k| st.idempotency.get(k));
            match stored {
                Some(s) if s.fingerprint == fingerprint => {
                    record.outcome = Outcome::Replayed(s.status);
                    Action::Answer(s.status, s.body.clone(), true, delay)
                }
                Some(_) => {
                    let k = key.clone().unwrap_or_default();
                    let (s, b) = error(
                        400,
                        "idempotency_error",
                        None,
                        &format!(
                            "Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '{k}' if you meant to execute a different request."
                        ),
                    );
                    record.outcome = Outcome::Answered(s);
                    Action::Answer(s, b.to_string(), false, delay)
                }
                None => {
                    let (status, body) = execute(&mut st, &req, &form);
                    let body = body.to_string();
                    // Stripe stores the result of any request that began executing (401 and
                    // 404-on-route aside, which never reach an endpoint; not worth modelling).
                    if let Some(k) = &key
                        && req.method == "POST"
                    {
                        st.idempotency.insert(
                            k.clone(),
                            Stored {
                                fingerprint,
                                status,
                                body: body.clone(),
                            },
                        );
                    }
                    if st.lose_next > 0 {
                        st.lose_next -= 1;
                        record.outcome = Outcome::ResponseLost;
                        Action::Lose
                    } else {
                        record.outcome = Outcome::Answered(status);
                        Action::Answer(status, body, false, delay)
                    }
                }
            }
        };
        (action, held)
    };
    lock(&state).requests.push(record);
    match action {
        Action::Drop | Action::Lose => {
            // Closing without a byte of answer: the client sees a connection error.
            drop(sock);
        }
        Action::Answer(status, body, replayed, delay) => {
            if let Some(mut release) = held {
                let _ = tokio::time::timeout(
                    Duration::from_secs(600),
                    release.wait_for(|released| *released),
                )
                .await;
            }
            if !delay.is_zero() {
                tokio::time::sleep(delay).await;
            }
            write_response(&mut sock, status, &body, replayed).await;
        }
    }
    Some(())
}

fn param<'a>(form: &'a [(String, String)], name: &str) -> Option<&'a str> {
    form.iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

fn int_param(form: &[(String, String)], name: &str) -> Result<Option<i64>, (u16, Value)> {
    match param(form, name) {
        None => Ok(None),
        Some(v) => v.parse::<i64>().map(Some).map_err(|_| {
            error(
                400,
                "invalid_request_error",
                Some("parameter_invalid_integer"),
                &format!("Invalid integer: {v}"),
            )
        }),
    }
}

fn missing(name: &str) -> (u16, Value) {
    error(
        400,
        "invalid_request_error",
        Some("parameter_missing"),
        &format!("Missing required param: {name}."),
    )
}

fn unexpected_state(pi: &Value, action: &str, allowed: &str) -> (u16, Value) {
    let status = pi["status"].as_str().unwrap_or("");
    // Real Stripe also embeds the PaymentIntent in the error; left out here because
    // async-stripe parses it as its full typed PaymentIntent, which this stand-in's intents are
    // not (they carry only the fields the provider reads).
    error(
        400,
        "invalid_request_error",
        Some("payment_intent_unexpected_state"),
        &format!(
            "This PaymentIntent could not be {action} because it has a status of {status}. Only a PaymentIntent with one of the following statuses may be {action}: {allowed}."
        ),
    )
}

fn execute(st: &mut State, req: &Request, form: &[(String, String)]) -> (u16, Value) {
    match execute_inner(st, req, form) {
        Ok(v) => (200, v),
        Err(e) => e,
    }
}

fn execute_inner(
    st: &mut State,
    req: &Request,
    form: &[(String, String)],
) -> Result<Value, (u16, Value)> {
    let auth_ok = req
        .header("authorization")
        .and_then(|a| a.strip_prefix("Bearer "))
        == Some(STAND_IN_API_KEY);
    if !auth_ok {
        return Err(error(
            401,
            "invalid_request_error",
            None,
            "Invalid API Key provided.",
        ));
    }
    let segments: Vec<&str> = req.path.trim_matches('/').split('/').collect();
    let n = next(st);
    match (req.method.as_str(), segments.as_slice()) {
        ("POST", ["v1", "payment_intents"]) => {
            let amount = int_param(form, "amount")?.ok_or_else(|| missing("amount"))?;
            let currency = param(form, "currency").ok_or_else(|| missing("currency"))?;
            if amount < 1 {
                return Err(error(
                    400,
                    "invalid_request_error",
                    Some("amount_too_small"),
                    "Amount must be at least 1.",
                ));
            }
            let mut metadata = serde_json::Map::new();
            for (k, v) in form {
                if let Some(mk) = k
                    .strip_prefix("metadata[")
                    .and_then(|r| r.strip_suffix(']'))
                {
                    metadata.insert(mk.to_owned(), json!(v));
                }
            }
            let id = format!("pi_standin{n}");
            let pi = json!({
                "id": id,
                "object": "payment_intent",
                "amount": amount,
                "amount_capturable": 0,
                "amount_received": 0,
                "capture_method": param(form, "capture_method").unwrap_or("automatic"),
                "client_secret": format!("{id}_secret_standin{n}"),
                "confirmation_method": "automatic",
                "created": chrono_now(),
                "currency": currency,
                "customer": param(form, "customer"),
                "description": param(form, "description"),
                "last_payment_error": null,
                "latest_charge": null,
                "livemode": false,
                "metadata": metadata,
                "payment_method": null,
                "payment_method_types": ["card"],
                "status": "requires_payment_method",
                "canceled_at": null,
            });
            st.intents.insert(id, pi.clone());
            Ok(pi)
        }
        ("GET", ["v1", "payment_intents", id]) => st
            .intents
            .get(*id)
            .cloned()
            .ok_or_else(|| no_such_intent(id)),
        ("POST", ["v1", "payment_intents", id]) => {
            let pi = st.intents.get_mut(*id).ok_or_else(|| no_such_intent(id))?;
            if let Some(amount) = int_param(form, "amount")? {
                let status = pi["status"].as_str().unwrap_or("");
                if !matches!(
                    status,
                    "requires_payment_method" | "requires_confirmation" | "requires_action"
                ) {
                    return Err(unexpected_state(
                        pi,
                        "updated",
                        "requires_payment_method, requires_confirmation, requires_action",
                    ));
                }
                pi["amount"] = json!(amount);
            }
            Ok(pi.clone())
        }
        ("POST", ["v1", "payment_intents", id, "confirm"]) => {
            let pi = st.intents.get_mut(*id).ok_or_else(|| no_such_intent(id))?;
            confirm_intent(pi, n, param(form, "payment_method"))?;
            Ok(pi.clone())
        }
        ("POST", ["v1", "payment_intents", id, "capture"]) => {
            let pi = st.intents.get_mut(*id).ok_or_else(|| no_such_intent(id))?;
            if pi["status"] != "requires_capture" {
                return Err(unexpected_state(pi, "captured", "requires_capture"));
            }
            let capturable = pi["amount_capturable"].as_i64().unwrap_or(0);
            let amount = int_param(form, "amount_to_capture")?.unwrap_or(capturable);
            if amount > capturable || amount < 1 {
                return Err(error(
                    400,
                    "invalid_request_error",
                    Some("amount_too_large"),
                    "The amount to capture must be greater than zero and at most the amount capturable.",
                ));
            }
            pi["amount_received"] = json!(amount);
            pi["amount_capturable"] = json!(0);
            pi["status"] = json!("succeeded");
            Ok(pi.clone())
        }
        ("POST", ["v1", "payment_intents", id, "cancel"]) => {
            let pi = st.intents.get_mut(*id).ok_or_else(|| no_such_intent(id))?;
            let status = pi["status"].as_str().unwrap_or("");
            if !matches!(
                status,
                "requires_payment_method"
                    | "requires_capture"
                    | "requires_confirmation"
                    | "requires_action"
                    | "processing"
            ) {
                return Err(unexpected_state(
                    pi,
                    "canceled",
                    "requires_payment_method, requires_capture, requires_confirmation, requires_action, processing",
                ));
            }
            pi["status"] = json!("canceled");
            pi["amount_capturable"] = json!(0);
            pi["canceled_at"] = json!(chrono_now());
            pi["cancellation_reason"] = json!(param(form, "cancellation_reason"));
            Ok(pi.clone())
        }
        ("POST", ["v1", "refunds"]) => {
            let pi_id = param(form, "payment_intent").ok_or_else(|| missing("payment_intent"))?;
            let pi = st
                .intents
                .get(pi_id)
                .cloned()
                .ok_or_else(|| no_such_intent(pi_id))?;
            let charge = pi["latest_charge"].as_str().unwrap_or("").to_owned();
            if pi["status"] != "succeeded" {
                return Err(error(
                    400,
                    "invalid_request_error",
                    None,
                    &format!(
                        "This PaymentIntent ({pi_id}) does not have a successful charge to refund."
                    ),
                ));
            }
            let received = pi["amount_received"].as_i64().unwrap_or(0);
            let done = st.refunded.get(pi_id).copied().unwrap_or(0);
            if done >= received {
                return Err(error(
                    400,
                    "invalid_request_error",
                    Some("charge_already_refunded"),
                    &format!("Charge {charge} has already been refunded."),
                ));
            }
            let amount = int_param(form, "amount")?.unwrap_or(received - done);
            if amount < 1 || done + amount > received {
                return Err(error(
                    400,
                    "invalid_request_error",
                    Some("amount_too_large"),
                    &format!(
                        "Refund amount ({amount}) is greater than unrefunded amount on charge ({})",
                        received - done
                    ),
                ));
            }
            st.refunded.insert(pi_id.to_owned(), done + amount);
            Ok(json!({
                "id": format!("re_standin{n}"),
                "object": "refund",
                "amount": amount,
                "charge": charge,
                "currency": pi["currency"],
                "payment_intent": pi_id,
                "status": "succeeded",
                "created": chrono_now(),
            }))
        }
        _ => Err(error(
            404,
            "invalid_request_error",
            None,
            &format!("Unrecognized request URL ({} {}).", req.method, req.path),
        )),
    }
}

fn no_such_intent(id: &str) -> (u16, Value) {
    error(
        404,
        "invalid_request_error",
        Some("resource_missing"),
        &format!("No such payment_intent: '{id}'"),
    )
}

/// The browser's `confirmCardPayment`. `pm_card_chargeDeclined` declines like Stripe's test card.
fn confirm_intent(
    pi: &mut Value,
    n: u64,
    payment_method: Option<&str>,
) -> Result<(), (u16, Value)> {
    let status = pi["status"].as_str().unwrap_or("");
    if !matches!(
        status,
        "requires_payment_method" | "requires_confirmation" | "requires_action"
    ) {
        return Err(unexpected_state(
            pi,
            "confirmed",
            "requires_payment_method, requires_confirmation, requires_action",
        ));
    }
    let pm = payment_method.unwrap_or("pm_card_visa");
    if pm == "pm_card_chargeDeclined" {
        let err = json!({"type": "card_error", "code": "card_declined", "decline_code": "generic_decline", "message": "Your card was declined."});
        pi["status"] = json!("requires_payment_method");
        pi["last_payment_error"] = err.clone();
        return Err((402, json!({"error": err})));
    }
    pi["payment_method"] = json!(format!("pm_standin{n}"));
    pi["latest_charge"] = json!(format!("ch_standin{n}"));
    pi["last_payment_error"] = Value::Null;
    let amount = pi["amount"].clone();
    if pi["capture_method"] == "manual" {
        pi["status"] = json!("requires_capture");
        pi["amount_capturable"] = amount;
    } else {
        pi["status"] = json!("succeeded");
        pi["amount_received"] = amount;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_decoding() {
        assert_eq!(
            parse_form(b"metadata%5Bsession_id%5D=payses_1+x&amount=10&e="),
            vec![
                ("metadata[session_id]".to_owned(), "payses_1 x".to_owned()),
                ("amount".to_owned(), "10".to_owned()),
                ("e".to_owned(), String::new()),
            ]
        );
        assert_eq!(decode_component("100%"), "100%");
        assert_eq!(decode_component("%zz"), "%zz");
    }
}
