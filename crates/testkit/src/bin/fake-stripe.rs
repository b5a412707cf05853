//! `fake-stripe`: the Stripe stand-in ([`medusa_testkit::stripe::StripeStandIn`]) as a process,
//! for the js-sdk conformance suite (`cargo xtask conformance` starts it).
//!
//! Both of its listeners are on 127.0.0.1 and on free ports. Once they are up it prints two
//! lines on stdout and keeps running until killed:
//!
//! ```text
//! STRIPE_API_BASE=http://127.0.0.1:<port>/   the Stripe API, for the api's STRIPE_API_BASE
//! STRIPE_STANDIN_URL=http://127.0.0.1:<port> what the test drives:
//! ```
//!
//! - `GET /__calls`: every request the Stripe API received, in arrival order, as
//!   `[{method, path, idempotency_key, form: {name: value}, outcome}]`;
//! - `GET /__intents/{id}`: the PaymentIntent as the stand-in holds it (404 if unknown);
//! - `POST /__confirm/{id}`: what Stripe.js does in the browser with the client secret
//!   (`requires_capture` under manual capture); answers the intent, 404 if unknown, 409 if it
//!   cannot be confirmed in its state. Not logged in `/__calls`: it is not a call to Stripe's API.
//!
//! The API key it accepts is [`medusa_testkit::stripe::STAND_IN_API_KEY`].

use std::io::Write;
use std::sync::Arc;

use actix_web::{App, HttpResponse, HttpServer, web};
use medusa_testkit::stripe::{Outcome, RecordedRequest, StripeStandIn};
use serde_json::{Map, Value, json};

type StandIn = web::Data<Arc<StripeStandIn>>;

fn outcome(o: Outcome) -> Value {
    match o {
        Outcome::Answered(status) => json!({"answered": status}),
        Outcome::Replayed(status) => json!({"replayed": status}),
        Outcome::InjectedFailure => json!("injected_failure"),
        Outcome::Dropped => json!("dropped"),
        Outcome::ResponseLost => json!("response_lost"),
    }
}

fn call(r: RecordedRequest) -> Value {
    let form: Map<String, Value> = r.form.into_iter().map(|(k, v)| (k, json!(v))).collect();
    json!({
        "method": r.method,
        "path": r.path,
        "idempotency_key": r.idempotency_key,
        "form": form,
        "outcome": outcome(r.outcome),
    })
}

async fn calls(stand_in: StandIn) -> HttpResponse {
    let all: Vec<Value> = stand_in.requests().into_iter().map(call).collect();
    HttpResponse::Ok().json(all)
}

async fn intent(stand_in: StandIn, id: web::Path<String>) -> HttpResponse {
    match stand_in.intent(&id) {
        Some(pi) => HttpResponse::Ok().json(pi),
        None => HttpResponse::NotFound()
            .json(json!({"message": format!("No such payment_intent: '{id}'")})),
    }
}

async fn confirm(stand_in: StandIn, id: web::Path<String>) -> HttpResponse {
    if stand_in.intent(&id).is_none() {
        return HttpResponse::NotFound()
            .json(json!({"message": format!("No such payment_intent: '{id}'")}));
    }
    match stand_in.confirm(&id) {
        Some(pi) => HttpResponse::Ok().json(pi),
        None => HttpResponse::Conflict().json(json!({
            "message": format!("PaymentIntent '{id}' cannot be confirmed in its status"),
            "payment_intent": stand_in.intent(&id),
        })),
    }
}

#[actix_web::main]
async fn main() -> std::io::Result<()> {
    let stand_in = Arc::new(StripeStandIn::start().await);
    let data = web::Data::new(stand_in.clone());
    let server = HttpServer::new(move || {
        App::new()
            .app_data(data.clone())
            .route("/__calls", web::get().to(calls))
            .route("/__intents/{id}", web::get().to(intent))
            .route("/__confirm/{id}", web::post().to(confirm))
    })
    .workers(1)
    .bind(("127.0.0.1", 0))?;
    let control = server
        .addrs()
        .first()
        .copied()
        .ok_or_else(|| std::io::Error::other("the control listener has no address"))?;
    let mut out = std::io::stdout().lock();
    writeln!(out, "STRIPE_API_BASE={}", stand_in.base_url())?;
    writeln!(out, "STRIPE_STANDIN_URL=http://{control}")?;
    out.flush()?;
    drop(out);
    server.run().await
}
