//! `/store/customers` on both backends: registration with a registration token, the signed-in
//! customer by bearer token and by session cookie, addresses with their default flags, strict
//! bodies, and privacy between customers.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use medusa_testkit::{TestApp, both_backends, json, keys, spawn_app};
use serde_json::{Value, json};

/// A store client: the publishable key and, once signed in, a bearer token or a cookie.
pub struct Shopper {
    pub key: String,
    pub token: Option<String>,
    pub cookie: Option<String>,
}

impl Shopper {
    pub async fn new(app: &TestApp) -> Shopper {
        Shopper {
            key: app.publishable_key(&[]).await,
            token: None,
            cookie: None,
        }
    }

    fn request(&self, req: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
        let mut req = req.header("x-publishable-api-key", &self.key);
        if let Some(t) = &self.token {
            req = req.header("authorization", format!("Bearer {t}"));
        }
        if let Some(c) = &self.cookie {
            req = req.header("cookie", c);
        }
        req
    }

    pub async fn get(&self, app: &TestApp, path: &str) -> (u16, Value) {
        json(
            self.request(app.client.get(app.url(path)))
                .send()
                .await
                .unwrap(),
        )
        .await
    }

    pub async fn post(&self, app: &TestApp, path: &str, body: Value) -> (u16, Value) {
        json(
            self.request(app.client.post(app.url(path)).json(&body))
                .send()
                .await
                .unwrap(),
        )
        .await
    }

    pub async fn delete(&self, app: &TestApp, path: &str) -> (u16, Value) {
        json(
            self.request(app.client.delete(app.url(path)))
                .send()
                .await
                .unwrap(),
        )
        .await
    }
}

async fn auth_token(app: &TestApp, path: &str, email: &str) -> String {
    let (status, body) = json(
        app.client
            .post(app.url(path))
            .json(&json!({"email": email, "password": "secret-password"}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 200, "{path}: {body}");
    body["token"].as_str().unwrap().to_owned()
}

pub fn claims(token: &str) -> Value {
    let payload = token.split('.').nth(1).unwrap();
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).unwrap()).unwrap()
}

/// Registers, creates the customer and logs in again, as the storefront does. Returns the
/// signed-in shopper and the customer.
pub async fn sign_up(app: &TestApp, email: &str) -> (Shopper, Value) {
    let mut shopper = Shopper::new(app).await;
    shopper.token = Some(auth_token(app, "/auth/customer/emailpass/register", email).await);
    let (status, body) = shopper
        .post(
            app,
            "/store/customers",
            json!({"email": email, "first_name": "Walk", "last_name": "Customer", "phone": "+4587654321"}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    shopper.token = Some(auth_token(app, "/auth/customer/emailpass", email).await);
    (shopper, body["customer"].clone())
}

fn unauthorized() -> (u16, Value) {
    (401, json!({"message": "Unauthorized"}))
}

fn invalid(message: &str) -> (u16, Value) {
    (400, json!({"type": "invalid_data", "message": message}))
}

fn not_found(message: &str) -> (u16, Value) {
    (404, json!({"type": "not_found", "message": message}))
}

const CUSTOMER_KEYS: &[&str] = &[
    "addresses",
    "company_name",
    "created_at",
    "deleted_at",
    "email",
    "first_name",
    "has_account",
    "id",
    "last_name",
    "metadata",
    "phone",
    "updated_at",
];

const ADDRESS_KEYS: &[&str] = &[
    "address_1",
    "address_2",
    "city",
    "company",
    "country_code",
    "created_at",
    "customer_id",
    "first_name",
    "id",
    "last_name",
    "metadata",
    "phone",
    "postal_code",
    "province",
    "updated_at",
];

fn address(street: &str) -> Value {
    // The storefront's body (../shared/clients/storefront-calls.txt).
    json!({
        "first_name": "Walk", "last_name": "Customer", "company": "",
        "address_1": street, "address_2": "", "city": "København V",
        "postal_code": "1620", "province": "", "country_code": "DK",
        "phone": "+4511111111", "is_default_billing": false, "is_default_shipping": false
    })
}

both_backends!(
    async fn registration_creates_the_customer_and_links_the_identity(backend: Backend) {
        let app = spawn_app(backend).await;
        let mut shopper = Shopper::new(&app).await;
        let email = "walk@example.com";

        // Without any token: Medusa's middleware answer.
        assert_eq!(
            shopper
                .post(&app, "/store/customers", json!({"email": email}))
                .await,
            unauthorized()
        );

        let registration = auth_token(&app, "/auth/customer/emailpass/register", email).await;
        assert_eq!(claims(&registration)["actor_id"], "");
        shopper.token = Some(registration.clone());

        // Bad bodies are refused before anything is created.
        assert_eq!(
            shopper
                .post(
                    &app,
                    "/store/customers",
                    json!({"email": email, "has_account": false})
                )
                .await,
            invalid("Invalid request: Unrecognized fields: 'has_account'")
        );
        assert_eq!(
            shopper
                .post(&app, "/store/customers", json!({"email": "not-an-email"}))
                .await,
            invalid("Invalid request: Invalid email")
        );

        let (status, body) = shopper
            .post(
                &app,
                "/store/customers",
                json!({"email": email, "first_name": "Walk", "last_name": "Customer", "phone": "+4587654321"}),
            )
            .await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(keys(&body), vec!["customer"]);
        let customer = &body["customer"];
        assert_eq!(keys(customer), CUSTOMER_KEYS);
        assert_eq!(customer["email"], email);
        assert_eq!(customer["has_account"], true);
        assert_eq!(customer["first_name"], "Walk");
        assert_eq!(customer["addresses"], json!([]));
        let id = customer["id"].as_str().unwrap().to_owned();
        assert!(id.starts_with("cus_"), "{id}");

        // The registration token has no actor, so it cannot read `/me` ...
        assert_eq!(
            shopper.get(&app, "/store/customers/me").await,
            unauthorized()
        );
        // ... and the identity cannot get a second customer with it.
        let (status, body) = shopper
            .post(
                &app,
                "/store/customers",
                json!({"email": "other@example.com"}),
            )
            .await;
        assert_eq!(
            (status, body),
            invalid("Key customer_id already exists in app metadata")
        );
        // The customer created for the failed link is gone again.
        let admin = crate::admin_regions::Admin::new(&app).await;
        let (_, list) = admin
            .get(&app, "/admin/customers?email=other@example.com")
            .await;
        assert_eq!(list["count"], 0, "{list}");

        // Logging in again gives a token that names the customer (the storefront's flow).
        let token = auth_token(&app, "/auth/customer/emailpass", email).await;
        let c = claims(&token);
        assert_eq!(c["actor_id"], json!(id));
        assert_eq!(c["actor_type"], "customer");
        assert_eq!(c["app_metadata"], json!({"customer_id": id}));
        shopper.token = Some(token);

        let (status, body) = shopper.get(&app, "/store/customers/me").await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["customer"]["id"], json!(id));
        assert_eq!(keys(&body["customer"]), CUSTOMER_KEYS);

        // A customer's token cannot create another customer.
        assert_eq!(
            shopper
                .post(
                    &app,
                    "/store/customers",
                    json!({"email": "third@example.com"})
                )
                .await,
            invalid("Request already authenticated as a customer.")
        );
        // Another identity cannot take the email of an account, nor register without one.
        let mut other = Shopper::new(&app).await;
        other.token =
            Some(auth_token(&app, "/auth/customer/emailpass/register", "x2@example.com").await);
        let (status, body) = other
            .post(&app, "/store/customers", json!({"email": email}))
            .await;
        assert_eq!(status, 422, "{body}");
        assert_eq!(body["type"], "duplicate_error");
        assert_eq!(
            body["message"],
            "Customer with this email already has an account"
        );
        assert_eq!(
            other
                .post(&app, "/store/customers", json!({"first_name": "No email"}))
                .await,
            invalid("Email is required to create a customer")
        );
        // Registering the email again is refused by the auth route.
        let (status, body) = json(
            app.client
                .post(app.url("/auth/customer/emailpass/register"))
                .json(&json!({"email": email, "password": "x"}))
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(status, 401, "{body}");
    }
);

both_backends!(
    async fn me_needs_a_customer_and_honours_fields(backend: Backend) {
        let app = spawn_app(backend).await;
        let (shopper, customer) = sign_up(&app, "me@example.com").await;
        let id = customer["id"].clone();

        let guest = Shopper::new(&app).await;
        assert_eq!(guest.get(&app, "/store/customers/me").await, unauthorized());
        assert_eq!(
            guest
                .post(&app, "/store/customers/me", json!({"first_name": "X"}))
                .await,
            unauthorized()
        );
        assert_eq!(
            guest.get(&app, "/store/customers/me/addresses").await,
            unauthorized()
        );
        // A forged or garbage token is no customer either.
        let forged = Shopper {
            token: Some("a.b.c".into()),
            ..Shopper::new(&app).await
        };
        assert_eq!(
            forged.get(&app, "/store/customers/me").await,
            unauthorized()
        );

        // The storefront asks for `*orders`: the defaults plus the (empty) orders.
        let (status, body) = shopper
            .get(&app, "/store/customers/me?fields=*orders")
            .await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["customer"]["orders"], json!([]));
        assert_eq!(body["customer"]["email"], "me@example.com");
        let (_, body) = shopper
            .get(&app, "/store/customers/me?fields=id,email")
            .await;
        assert_eq!(
            body,
            json!({"customer": {"id": id, "email": "me@example.com"}})
        );
        assert_eq!(
            shopper.get(&app, "/store/customers/me?foo=1").await,
            invalid("Invalid request: Unrecognized fields: 'foo'")
        );

        // Update: a value sets, `null` clears, the email is not the store's to change.
        let (status, body) = shopper
            .post(
                &app,
                "/store/customers/me",
                json!({"first_name": "Walker", "phone": null, "metadata": {"a": 1}}),
            )
            .await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["customer"]["first_name"], "Walker");
        assert_eq!(body["customer"]["phone"], Value::Null);
        assert_eq!(body["customer"]["last_name"], "Customer");
        assert_eq!(body["customer"]["metadata"], json!({"a": 1}));
        assert_eq!(
            shopper
                .post(
                    &app,
                    "/store/customers/me",
                    json!({"email": "x@example.com"})
                )
                .await,
            invalid("Invalid request: Unrecognized fields: 'email'")
        );
        let (status, _) = shopper
            .post(&app, "/store/customers/me", json!({"first_name": 5}))
            .await;
        assert_eq!(status, 400);

        // The session cookie works like the bearer token.
        let resp = app
            .client
            .post(app.url("/auth/session"))
            .header(
                "authorization",
                format!("Bearer {}", shopper.token.as_deref().unwrap()),
            )
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 200);
        let cookie = resp.headers()["set-cookie"]
            .to_str()
            .unwrap()
            .split(';')
            .next()
            .unwrap()
            .to_owned();
        let by_cookie = Shopper {
            cookie: Some(cookie),
            ..Shopper::new(&app).await
        };
        let (status, body) = by_cookie.get(&app, "/store/customers/me").await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["customer"]["id"], id);
    }
);

both_backends!(
    async fn addresses_are_managed_with_one_default_each(backend: Backend) {
        let app = spawn_app(backend).await;
        let (shopper, customer) = sign_up(&app, "addr@example.com").await;
        let customer_id = customer["id"].clone();

        // Create answers the customer, with the address (country code lower-cased).
        let (status, body) = shopper
            .post(
                &app,
                "/store/customers/me/addresses",
                address("Vesterbrogade 2"),
            )
            .await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(keys(&body), vec!["customer"]);
        let addresses = body["customer"]["addresses"].as_array().unwrap();
        assert_eq!(addresses.len(), 1);
        let first = addresses[0]["id"].as_str().unwrap().to_owned();
        assert!(first.starts_with("cuaddr_"), "{first}");
        assert_eq!(addresses[0]["country_code"], "dk");
        assert_eq!(addresses[0]["customer_id"], customer_id);
        assert_eq!(addresses[0]["is_default_shipping"], false);

        // Bad input.
        let mut bad = address("x");
        bad["unit_price"] = json!(1);
        assert_eq!(
            shopper
                .post(&app, "/store/customers/me/addresses", bad)
                .await,
            invalid("Invalid request: Unrecognized fields: 'unit_price'")
        );
        let (status, _) = shopper
            .post(
                &app,
                "/store/customers/me/addresses",
                json!({"is_default_shipping": "yes"}),
            )
            .await;
        assert_eq!(status, 400);

        // A second address that is the default for shipping and billing.
        let mut second = address("Nørrebrogade 5");
        second["is_default_shipping"] = json!(true);
        second["is_default_billing"] = json!(true);
        second["address_name"] = json!("Home");
        let (status, body) = shopper
            .post(&app, "/store/customers/me/addresses", second)
            .await;
        assert_eq!(status, 200, "{body}");
        let addresses = body["customer"]["addresses"].as_array().unwrap().clone();
        assert_eq!(addresses.len(), 2);
        let second = addresses[1]["id"].as_str().unwrap().to_owned();
        assert_eq!(addresses[1]["is_default_shipping"], true);
        assert_eq!(addresses[1]["address_name"], "Home");

        // Making the first the shipping default takes the flag from the second only.
        let (status, body) = shopper
            .post(
                &app,
                &format!("/store/customers/me/addresses/{first}"),
                json!({"is_default_shipping": true, "city": "Aarhus", "province": null}),
            )
            .await;
        assert_eq!(status, 200, "{body}");
        let addresses = body["customer"]["addresses"].as_array().unwrap();
        let by_id = |id: &str| addresses.iter().find(|a| a["id"] == id).unwrap().clone();
        assert_eq!(by_id(&first)["is_default_shipping"], true);
        assert_eq!(by_id(&first)["city"], "Aarhus");
        assert_eq!(by_id(&first)["province"], Value::Null);
        assert_eq!(by_id(&first)["address_1"], "Vesterbrogade 2");
        assert_eq!(by_id(&second)["is_default_shipping"], false);
        assert_eq!(by_id(&second)["is_default_billing"], true);

        // List (with filters) and retrieve.
        let (status, body) = shopper.get(&app, "/store/customers/me/addresses").await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["count"], 2);
        assert_eq!(body["offset"], 0);
        assert_eq!(body["limit"], 50);
        assert_eq!(keys(&body["addresses"][0]), ADDRESS_KEYS);
        let (_, body) = shopper
            .get(&app, "/store/customers/me/addresses?city=Aarhus")
            .await;
        assert_eq!(body["count"], 1);
        assert_eq!(body["addresses"][0]["id"], json!(first));
        let (_, body) = shopper
            .get(&app, "/store/customers/me/addresses?q=n%C3%B8rrebro")
            .await;
        assert_eq!(body["count"], 1, "{body}");
        let (status, body) = shopper
            .get(&app, &format!("/store/customers/me/addresses/{second}"))
            .await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(keys(&body["address"]), ADDRESS_KEYS);
        assert_eq!(body["address"]["address_1"], "Nørrebrogade 5");
        let (_, body) = shopper
            .get(
                &app,
                &format!("/store/customers/me/addresses/{second}?fields=id,address_name,is_default_billing"),
            )
            .await;
        assert_eq!(
            body,
            json!({"address": {"id": second, "address_name": "Home", "is_default_billing": true}})
        );

        // Delete answers the deleted id and the customer without it.
        let (status, body) = shopper
            .delete(&app, &format!("/store/customers/me/addresses/{second}"))
            .await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["id"], json!(second));
        assert_eq!(body["object"], "address");
        assert_eq!(body["deleted"], true);
        assert_eq!(body["parent"]["id"], customer_id);
        assert_eq!(body["parent"]["addresses"].as_array().unwrap().len(), 1);
        let message = format!("Address with id: {second} was not found");
        assert_eq!(
            shopper
                .get(&app, &format!("/store/customers/me/addresses/{second}"))
                .await,
            not_found(&message)
        );
        assert_eq!(
            shopper
                .delete(&app, &format!("/store/customers/me/addresses/{second}"))
                .await,
            not_found(&message)
        );
        assert_eq!(
            shopper
                .get(&app, "/store/customers/me/addresses/garbage")
                .await,
            not_found("Address with id: garbage was not found")
        );
    }
);

both_backends!(
    async fn one_customer_cannot_touch_anothers_addresses(backend: Backend) {
        let app = spawn_app(backend).await;
        let (alice, _) = sign_up(&app, "alice@example.com").await;
        let (bob, _) = sign_up(&app, "bob@example.com").await;
        let (_, body) = alice
            .post(
                &app,
                "/store/customers/me/addresses",
                address("Alice Street 1"),
            )
            .await;
        let address_id = body["customer"]["addresses"][0]["id"]
            .as_str()
            .unwrap()
            .to_owned();
        let path = format!("/store/customers/me/addresses/{address_id}");
        let message = format!("Address with id: {address_id} was not found");

        assert_eq!(bob.get(&app, &path).await, not_found(&message));
        assert_eq!(
            bob.post(&app, &path, json!({"city": "Stolen"})).await,
            not_found(&message)
        );
        assert_eq!(bob.delete(&app, &path).await, not_found(&message));
        let (_, list) = bob.get(&app, "/store/customers/me/addresses").await;
        assert_eq!(list["count"], 0);
        let (_, me) = bob.get(&app, "/store/customers/me").await;
        assert_eq!(me["customer"]["addresses"], json!([]));

        // Alice's address is untouched.
        let (status, body) = alice.get(&app, &path).await;
        assert_eq!(status, 200);
        assert_eq!(body["address"]["city"], "København V");
    }
);

both_backends!(
    async fn concurrent_defaults_leave_exactly_one(backend: Backend) {
        let app = spawn_app(backend).await;
        let (shopper, _) = sign_up(&app, "race@example.com").await;
        let requests = (0..6).map(|i| {
            let mut body = address(&format!("Street {i}"));
            body["is_default_shipping"] = json!(true);
            shopper.post(&app, "/store/customers/me/addresses", body)
        });
        for (status, body) in futures_util::future::join_all(requests).await {
            assert_eq!(status, 200, "{body}");
        }
        let (_, body) = shopper.get(&app, "/store/customers/me").await;
        let addresses = body["customer"]["addresses"].as_array().unwrap();
        assert_eq!(addresses.len(), 6);
        let defaults = addresses
            .iter()
            .filter(|a| a["is_default_shipping"] == true)
            .count();
        assert_eq!(defaults, 1, "{body}");
    }
);

both_backends!(
    async fn the_customer_extractors_read_bearer_tokens_and_cookies(backend: Backend) {
        use actix_web::{App, HttpResponse, test, web};
        use medusa_api::middleware::customer::{AuthenticatedCustomer, OptionalCustomer};

        let app = spawn_app(backend).await;
        let (shopper, customer) = sign_up(&app, "ext@example.com").await;
        let registration =
            auth_token(&app, "/auth/customer/emailpass/register", "reg@example.com").await;
        let service = test::init_service(
            App::new()
                .app_data(app.state.clone())
                .route(
                    "/optional",
                    web::get().to(|c: OptionalCustomer| async move {
                        HttpResponse::Ok().body(c.0.map(|id| id.to_string()).unwrap_or("-".into()))
                    }),
                )
                .route(
                    "/required",
                    web::get().to(|c: AuthenticatedCustomer| async move {
                        HttpResponse::Ok().body(c.0.to_string())
                    }),
                ),
        )
        .await;
        let call = |path: &'static str, token: Option<&str>| {
            let mut req = test::TestRequest::get().uri(path);
            if let Some(t) = token {
                req = req.insert_header(("authorization", format!("Bearer {t}")));
            }
            req.to_request()
        };
        let token = shopper.token.clone().unwrap();
        let id = customer["id"].as_str().unwrap();
        // Guests, garbage and registration tokens are no customer: None, or 401.
        for t in [None, Some("garbage"), Some(registration.as_str())] {
            let resp = test::call_service(&service, call("/optional", t)).await;
            assert_eq!(resp.status().as_u16(), 200);
            assert_eq!(test::read_body(resp).await, "-");
            let resp = test::call_service(&service, call("/required", t)).await;
            assert_eq!(resp.status().as_u16(), 401);
            assert_eq!(
                serde_json::from_slice::<Value>(&test::read_body(resp).await).unwrap(),
                json!({"message": "Unauthorized"})
            );
        }
        for path in ["/optional", "/required"] {
            let resp = test::call_service(&service, call(path, Some(&token))).await;
            assert_eq!(resp.status().as_u16(), 200);
            assert_eq!(test::read_body(resp).await, id.as_bytes());
        }
    }
);
