//! `/auth/*` and user authentication on `/admin`, against Medusa's recorded answers
//! (../shared/medusa-golden/20-23).

use std::collections::BTreeSet;
use std::sync::Arc;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use medusa_api::startup::{Application, Options};
use medusa_auth::AuthService;
use medusa_testkit::{TestApp, both_backends, json, spawn_app};
use serde_json::{Value, json};

const ADMIN_EMAIL: &str = "admin@example.com";
const ADMIN_PASSWORD: &str = "supersecret";

async fn create_admin(app: &TestApp) -> medusa_user::User {
    medusa_api::auth::create_user_account(&app.state.registry, ADMIN_EMAIL, ADMIN_PASSWORD)
        .await
        .unwrap()
}

fn auth(app: &TestApp) -> Arc<dyn AuthService> {
    app.state.registry.get::<dyn AuthService>().unwrap()
}

async fn post(app: &TestApp, path: &str, body: Value) -> (u16, Value) {
    json(
        app.client
            .post(app.url(path))
            .json(&body)
            .send()
            .await
            .unwrap(),
    )
    .await
}

/// `POST /auth/{actor}/emailpass` (or `/register`) and the token it answers.
async fn token(app: &TestApp, path: &str, email: &str, password: &str) -> String {
    let (status, body) = post(app, path, json!({"email": email, "password": password})).await;
    assert_eq!(status, 200, "{path}: {body}");
    // Only the token: no password, no hash, nothing else.
    assert_eq!(keys(&body), set(&["token"]), "{body}");
    body["token"].as_str().unwrap().to_owned()
}

fn claims(token: &str) -> Value {
    let payload = token.split('.').nth(1).unwrap();
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).unwrap()).unwrap()
}

fn keys(v: &Value) -> BTreeSet<String> {
    v.as_object().unwrap().keys().cloned().collect()
}

fn set(keys: &[&str]) -> BTreeSet<String> {
    keys.iter().map(|k| (*k).to_owned()).collect()
}

async fn get_me(app: &TestApp, header: Option<(&str, String)>) -> (u16, Value) {
    let mut req = app.client.get(app.url("/admin/users/me"));
    if let Some((k, v)) = header {
        req = req.header(k, v);
    }
    json(req.send().await.unwrap()).await
}

fn bearer(token: &str) -> Option<(&'static str, String)> {
    Some(("authorization", format!("Bearer {token}")))
}

fn unauthorized() -> (u16, Value) {
    (401, json!({"message": "Unauthorized"}))
}

/// The `connect.sid=...` pair of a `Set-Cookie` header.
fn session_pair(resp: &reqwest::Response) -> (String, String) {
    let set_cookie = resp.headers()["set-cookie"].to_str().unwrap().to_owned();
    let pair = set_cookie.split(';').next().unwrap().to_owned();
    (pair, set_cookie)
}

both_backends!(
    async fn admin_login_and_me_match_medusa(backend: Backend) {
        let app = spawn_app(backend).await;
        let user = create_admin(&app).await;

        // 20-admin-login.json
        let jwt = token(&app, "/auth/user/emailpass", ADMIN_EMAIL, ADMIN_PASSWORD).await;
        let c = claims(&jwt);
        assert_eq!(
            keys(&c),
            set(&[
                "actor_id",
                "actor_type",
                "auth_identity_id",
                "app_metadata",
                "user_metadata",
                "iat",
                "exp"
            ])
        );
        assert_eq!(c["actor_id"], json!(user.id.as_str()));
        assert_eq!(c["actor_type"], "user");
        assert!(
            c["auth_identity_id"]
                .as_str()
                .unwrap()
                .starts_with("authid_")
        );
        assert_eq!(c["app_metadata"], json!({"user_id": user.id.as_str()}));
        assert_eq!(c["user_metadata"], json!({}));
        assert_eq!(
            c["exp"].as_i64().unwrap() - c["iat"].as_i64().unwrap(),
            86_400
        );
        let header = URL_SAFE_NO_PAD
            .decode(jwt.split('.').next().unwrap())
            .unwrap();
        assert_eq!(header, br#"{"alg":"HS256","typ":"JWT"}"#);

        // 23-admin-me.json
        let resp = app
            .client
            .get(app.url("/admin/users/me"))
            .header("authorization", format!("Bearer {jwt}"))
            .send()
            .await
            .unwrap();
        assert_eq!(
            resp.headers()["content-type"].to_str().unwrap(),
            "application/json; charset=utf-8"
        );
        let (status, body) = json(resp).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(keys(&body), set(&["user"]));
        let me = &body["user"];
        assert_eq!(
            keys(me),
            set(&[
                "id",
                "first_name",
                "last_name",
                "email",
                "avatar_url",
                "metadata",
                "created_at",
                "updated_at",
                "deleted_at"
            ])
        );
        assert_eq!(me["id"], json!(user.id.as_str()));
        assert_eq!(me["email"], ADMIN_EMAIL);
        for null in [
            "first_name",
            "last_name",
            "avatar_url",
            "metadata",
            "deleted_at",
        ] {
            assert_eq!(me[null], Value::Null, "{null}");
        }
        // JavaScript's Date#toJSON: 2026-01-01T10:00:00.000Z
        let created = me["created_at"].as_str().unwrap();
        assert_eq!(created.len(), 24, "{created}");
        assert!(
            created.ends_with('Z') && created.as_bytes()[19] == b'.',
            "{created}"
        );

        // `fields` projects as everywhere else; unknown query keys are refused.
        let (status, body) = get_me(&app, bearer(&jwt)).await;
        assert_eq!(status, 200);
        assert_eq!(body["user"]["email"], ADMIN_EMAIL);
        let (status, body) = json(
            app.client
                .get(app.url("/admin/users/me?fields=email"))
                .header("authorization", format!("Bearer {jwt}"))
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!((status, keys(&body["user"])), (200, set(&["id", "email"])));
        let (status, _) = json(
            app.client
                .get(app.url("/admin/users/me?nope=1"))
                .header("authorization", format!("Bearer {jwt}"))
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(status, 400);

        // The dashboard asks for the providers before its login form.
        let (status, body) = json(app.get("/auth/user/providers").await).await;
        assert_eq!(
            (status, body),
            (
                200,
                json!({"providers": [{
                    "id": "emailpass",
                    "identifier": "emailpass",
                    "display_name": "Email/Password Authentication",
                    "flow": "credentials"
                }]})
            )
        );
    }
);

both_backends!(
    async fn bad_credentials_get_medusas_401(backend: Backend) {
        let app = spawn_app(backend).await;
        create_admin(&app).await;
        let invalid = json!({"type": "unauthorized", "message": "Invalid email or password"});
        // 21-admin-login-bad-password.json
        for body in [
            json!({"email": ADMIN_EMAIL, "password": "wrong"}),
            json!({"email": "nobody@example.com", "password": ADMIN_PASSWORD}),
        ] {
            assert_eq!(
                post(&app, "/auth/user/emailpass", body.clone()).await,
                (401, invalid.clone()),
                "{body}"
            );
            assert_eq!(
                post(&app, "/auth/customer/emailpass", body.clone()).await,
                (401, invalid.clone()),
                "{body}"
            );
        }
        for (body, message) in [
            (json!({"email": ADMIN_EMAIL}), "Password should be a string"),
            (
                json!({"password": ADMIN_PASSWORD}),
                "Email should be a string",
            ),
            (json!({}), "Password should be a string"),
        ] {
            assert_eq!(
                post(&app, "/auth/user/emailpass", body).await,
                (401, json!({"type": "unauthorized", "message": message}))
            );
        }
        assert_eq!(
            post(
                &app,
                "/auth/user/google",
                json!({"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD})
            )
            .await,
            (
                401,
                json!({"type": "unauthorized", "message": "Could not find a auth provider with id: google"})
            )
        );
        // Only users and customers sign in.
        let (status, body) = post(
            &app,
            "/auth/seller/emailpass",
            json!({"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD}),
        )
        .await;
        assert_eq!((status, &body["type"]), (404, &json!("not_found")));
        // Malformed JSON is a 400, as everywhere.
        let resp = app
            .client
            .post(app.url("/auth/user/emailpass"))
            .header("content-type", "application/json")
            .body("{not json")
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status().as_u16(), 400);
    }
);

both_backends!(
    async fn customers_register_then_refresh_into_their_customer(backend: Backend) {
        let app = spawn_app(backend).await;
        let email = "shopper@example.com";
        let reg = token(&app, "/auth/customer/emailpass/register", email, "pw-1").await;
        let c = claims(&reg);
        assert_eq!(c["actor_id"], "");
        assert_eq!(c["actor_type"], "customer");
        assert_eq!(c["app_metadata"], json!({}));
        let identity_id = c["auth_identity_id"].as_str().unwrap().to_owned();

        // A registration token is not an admin, and logging in gives one too until a customer
        // exists.
        assert_eq!(get_me(&app, bearer(&reg)).await, unauthorized());
        let login = token(&app, "/auth/customer/emailpass", email, "pw-1").await;
        assert_eq!(claims(&login)["actor_id"], "");

        // Unclaimed identities may register again (Medusa replaces the password).
        token(&app, "/auth/customer/emailpass/register", email, "pw-2").await;
        assert_eq!(
            post(
                &app,
                "/auth/customer/emailpass",
                json!({"email": email, "password": "pw-1"})
            )
            .await
            .0,
            401
        );

        // The store creates the customer and links it (that flow lives with the customer
        // module); here the link is made directly.
        let id = medusa_auth::AuthIdentityId::parse(&identity_id).unwrap();
        auth(&app)
            .link_actor(&id, "customer", "cus_01JBX4Z6M3Q8Q5ZC7E0K9W2A1B")
            .await
            .unwrap();

        // Refresh turns the registration token into the customer's token.
        let (status, body) = json(
            app.client
                .post(app.url("/auth/token/refresh"))
                .header("authorization", format!("Bearer {reg}"))
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(status, 200, "{body}");
        let refreshed = claims(body["token"].as_str().unwrap());
        assert_eq!(refreshed["actor_id"], "cus_01JBX4Z6M3Q8Q5ZC7E0K9W2A1B");
        assert_eq!(refreshed["actor_type"], "customer");
        assert_eq!(
            refreshed["app_metadata"],
            json!({"customer_id": "cus_01JBX4Z6M3Q8Q5ZC7E0K9W2A1B"})
        );
        let login = token(&app, "/auth/customer/emailpass", email, "pw-2").await;
        assert_eq!(claims(&login)["actor_id"], "cus_01JBX4Z6M3Q8Q5ZC7E0K9W2A1B");

        // Claimed now: registering again is refused.
        assert_eq!(
            post(
                &app,
                "/auth/customer/emailpass/register",
                json!({"email": email, "password": "pw-3"})
            )
            .await,
            (
                401,
                json!({"type": "unauthorized", "message": "Identity with email already exists"})
            )
        );
        // Refresh without credentials is the middleware's 401.
        let resp = app
            .client
            .post(app.url("/auth/token/refresh"))
            .send()
            .await
            .unwrap();
        assert_eq!(json(resp).await, unauthorized());
    }
);

both_backends!(
    async fn an_admin_email_cannot_be_registered_again(backend: Backend) {
        let app = spawn_app(backend).await;
        create_admin(&app).await;
        for path in [
            "/auth/user/emailpass/register",
            "/auth/customer/emailpass/register",
        ] {
            assert_eq!(
                post(
                    &app,
                    path,
                    json!({"email": ADMIN_EMAIL, "password": "taken-over"})
                )
                .await,
                (
                    401,
                    json!({"type": "unauthorized", "message": "Identity with email already exists"})
                ),
                "{path}"
            );
        }
        // The admin's password still works; the attacker's does not.
        token(&app, "/auth/user/emailpass", ADMIN_EMAIL, ADMIN_PASSWORD).await;
        assert_eq!(
            post(
                &app,
                "/auth/user/emailpass",
                json!({"email": ADMIN_EMAIL, "password": "taken-over"})
            )
            .await
            .0,
            401
        );
        // The same identity as a customer has no customer: a registration-style token.
        let as_customer = token(
            &app,
            "/auth/customer/emailpass",
            ADMIN_EMAIL,
            ADMIN_PASSWORD,
        )
        .await;
        assert_eq!(claims(&as_customer)["actor_id"], "");
        assert_eq!(claims(&as_customer)["actor_type"], "customer");
    }
);

both_backends!(
    async fn sessions_work_across_processes_until_destroyed(backend: Backend) {
        let app = spawn_app(backend).await;
        create_admin(&app).await;
        let jwt = token(&app, "/auth/user/emailpass", ADMIN_EMAIL, ADMIN_PASSWORD).await;

        // No bearer: the middleware's 401.
        let resp = app
            .client
            .post(app.url("/auth/session"))
            .send()
            .await
            .unwrap();
        assert_eq!(json(resp).await, unauthorized());

        let resp = app
            .client
            .post(app.url("/auth/session"))
            .header("authorization", format!("Bearer {jwt}"))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status().as_u16(), 200);
        let (cookie, set_cookie) = session_pair(&resp);
        assert!(cookie.starts_with("connect.sid=s%3A"), "{set_cookie}");
        assert!(set_cookie.contains("; Path=/"), "{set_cookie}");
        assert!(set_cookie.contains("; HttpOnly"), "{set_cookie}");
        assert!(set_cookie.contains("; Expires="), "{set_cookie}");
        assert!(!set_cookie.contains("Secure"), "plain HTTP: {set_cookie}");
        let (_, body) = json(resp).await;
        // Medusa answers the token's claims as `user`.
        assert_eq!(body, json!({"user": claims(&jwt)}));

        // The cookie alone opens /admin...
        let (status, body) = get_me(&app, Some(("cookie", cookie.clone()))).await;
        assert_eq!((status, &body["user"]["email"]), (200, &json!(ADMIN_EMAIL)));
        // ...on another api process over the same database, too.
        let other = Application::build(
            (*app.state.config).clone(),
            Arc::new(app.clock.clone()),
            Options { workers: Some(1) },
        )
        .await
        .unwrap();
        let other_url = format!("http://127.0.0.1:{}", other.port());
        let other_handle = other.handle();
        tokio::spawn(other.run_until_stopped());
        let on_other = |cookie: String| {
            let client = app.client.clone();
            let url = format!("{other_url}/admin/users/me");
            async move {
                json(
                    client
                        .get(url)
                        .header("cookie", cookie)
                        .send()
                        .await
                        .unwrap(),
                )
                .await
            }
        };
        assert_eq!(on_other(cookie.clone()).await.0, 200);

        // A tampered cookie is refused.
        let tampered = cookie.replacen("s%3A", "s%3AX", 1);
        assert_eq!(
            get_me(&app, Some(("cookie", tampered))).await,
            unauthorized()
        );

        // Ending the session on one process ends it everywhere; the cookie is cleared.
        let resp = app
            .client
            .delete(app.url("/auth/session"))
            .header("cookie", cookie.clone())
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status().as_u16(), 200);
        let (cleared, _) = session_pair(&resp);
        assert_eq!(cleared, "connect.sid=");
        assert_eq!(json(resp).await, (200, json!({"success": true})));
        assert_eq!(on_other(cookie.clone()).await, unauthorized());
        assert_eq!(
            get_me(&app, Some(("cookie", cookie.clone()))).await,
            unauthorized()
        );
        let resp = app
            .client
            .delete(app.url("/auth/session"))
            .header("cookie", cookie)
            .send()
            .await
            .unwrap();
        assert_eq!(json(resp).await, unauthorized());
        other_handle.stop(true).await;

        // Over HTTPS (behind a proxy) the cookie is Secure and SameSite=None, as Medusa's in
        // production; and a session lasts ten hours.
        let resp = app
            .client
            .post(app.url("/auth/session"))
            .header("authorization", format!("Bearer {jwt}"))
            .header("x-forwarded-proto", "https")
            .send()
            .await
            .unwrap();
        let (cookie, set_cookie) = session_pair(&resp);
        assert!(
            set_cookie.ends_with("; HttpOnly; Secure; SameSite=None"),
            "{set_cookie}"
        );
        app.clock.advance(chrono::Duration::hours(10));
        assert_eq!(get_me(&app, Some(("cookie", cookie))).await, unauthorized());
    }
);

both_backends!(
    async fn only_users_tokens_open_admin(backend: Backend) {
        let app = spawn_app(backend).await;
        create_admin(&app).await;

        // A customer's token (linked to a customer) and its session are refused on /admin.
        let reg = token(
            &app,
            "/auth/customer/emailpass/register",
            "c@example.com",
            "pw",
        )
        .await;
        let id =
            medusa_auth::AuthIdentityId::parse(claims(&reg)["auth_identity_id"].as_str().unwrap())
                .unwrap();
        auth(&app)
            .link_actor(&id, "customer", "cus_01JBX4Z6M3Q8Q5ZC7E0K9W2A1C")
            .await
            .unwrap();
        let customer = token(&app, "/auth/customer/emailpass", "c@example.com", "pw").await;
        assert_eq!(
            claims(&customer)["actor_id"],
            "cus_01JBX4Z6M3Q8Q5ZC7E0K9W2A1C"
        );
        assert_eq!(get_me(&app, bearer(&customer)).await, unauthorized());
        let resp = app
            .client
            .post(app.url("/auth/session"))
            .header("authorization", format!("Bearer {customer}"))
            .send()
            .await
            .unwrap();
        let (cookie, _) = session_pair(&resp);
        assert_eq!(get_me(&app, Some(("cookie", cookie))).await, unauthorized());

        // A user token signed with another secret, a tampered one, `alg: none`, and garbage.
        let jwt = token(&app, "/auth/user/emailpass", ADMIN_EMAIL, ADMIN_PASSWORD).await;
        assert_eq!(get_me(&app, bearer(&jwt)).await.0, 200);
        let mut parts: Vec<String> = jwt.split('.').map(str::to_owned).collect();
        let mut forged_claims = claims(&jwt);
        forged_claims["actor_id"] = json!("user_01JBX4Z6M3Q8Q5ZC7E0K9W2A1D");
        parts[1] = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&forged_claims).unwrap());
        let tampered = parts.join(".");
        let alg_none = format!(
            "{}.{}.",
            URL_SAFE_NO_PAD.encode(r#"{"alg":"none","typ":"JWT"}"#),
            parts[1]
        );
        let other_secret = medusa_auth::DbAuthService::new(
            app.db().clone(),
            Arc::new(app.clock.clone()),
            secrecy::SecretString::from("not-the-servers-secret"),
            secrecy::SecretString::from("x"),
        );
        let identity = auth(&app)
            .authenticate(
                "emailpass",
                &json!({"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD}),
            )
            .await
            .unwrap();
        let foreign = other_secret.issue_token(&identity, "user", None).unwrap();
        for bad in [tampered, alg_none, foreign, "garbage".to_owned()] {
            assert_eq!(get_me(&app, bearer(&bad)).await, unauthorized(), "{bad}");
        }

        // Tokens expire after a day.
        app.clock.advance(chrono::Duration::days(1));
        assert_eq!(get_me(&app, bearer(&jwt)).await, unauthorized());
        let resp = app
            .client
            .post(app.url("/auth/token/refresh"))
            .header("authorization", format!("Bearer {jwt}"))
            .send()
            .await
            .unwrap();
        assert_eq!(json(resp).await, unauthorized());
    }
);

both_backends!(
    async fn a_secret_key_is_an_admin_but_not_a_user(backend: Backend) {
        let app = spawn_app(backend).await;
        let (id, token) = app.secret_key().await;
        let basic = format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode(format!("{token}:"))
        );
        assert_eq!(
            get_me(&app, Some(("authorization", basic))).await,
            (
                404,
                json!({"type": "not_found", "message": format!("User with id: {id} was not found")})
            )
        );
    }
);

both_backends!(
    async fn store_routes_can_read_an_optional_customer(backend: Backend) {
        use actix_web::{App, HttpResponse, test, web};
        use medusa_api::auth::{OptionalCustomer, OptionalCustomerIdentity};

        let app = spawn_app(backend).await;
        let reg = token(
            &app,
            "/auth/customer/emailpass/register",
            "d@example.com",
            "pw",
        )
        .await;
        create_admin(&app).await;
        let admin = token(&app, "/auth/user/emailpass", ADMIN_EMAIL, ADMIN_PASSWORD).await;

        let service = test::init_service(
            App::new()
                .app_data(app.state.clone())
                .route(
                    "/customer",
                    web::get().to(|c: OptionalCustomer| async move {
                        HttpResponse::Ok().body(c.0.map(|c| c.actor_id).unwrap_or("-".into()))
                    }),
                )
                .route(
                    "/identity",
                    web::get().to(|c: OptionalCustomerIdentity| async move {
                        HttpResponse::Ok().body(
                            c.0.map(|c| format!("[{}]{}", c.actor_id, c.auth_identity_id))
                                .unwrap_or("-".into()),
                        )
                    }),
                ),
        )
        .await;
        let call = |path: &'static str, token: Option<String>| {
            let mut req = test::TestRequest::get().uri(path);
            if let Some(t) = token {
                req = req.insert_header(("authorization", format!("Bearer {t}")));
            }
            req.to_request()
        };
        let body = |resp: actix_web::dev::ServiceResponse| async move {
            String::from_utf8(test::read_body(resp).await.to_vec()).unwrap()
        };
        // Nobody, garbage and a user's token: no customer, and no error.
        for t in [None, Some("garbage".to_owned()), Some(admin)] {
            let resp = test::call_service(&service, call("/customer", t)).await;
            assert_eq!(resp.status().as_u16(), 200);
            assert_eq!(body(resp).await, "-");
        }
        // A registration token is an identity without a customer.
        let resp = test::call_service(&service, call("/customer", Some(reg.clone()))).await;
        assert_eq!(body(resp).await, "-");
        let resp = test::call_service(&service, call("/identity", Some(reg.clone()))).await;
        let identity = claims(&reg)["auth_identity_id"]
            .as_str()
            .unwrap()
            .to_owned();
        assert_eq!(body(resp).await, format!("[]{identity}"));
        // Once linked, the customer is known.
        let id = medusa_auth::AuthIdentityId::parse(&identity).unwrap();
        auth(&app)
            .link_actor(&id, "customer", "cus_01JBX4Z6M3Q8Q5ZC7E0K9W2A1E")
            .await
            .unwrap();
        let customer = token(&app, "/auth/customer/emailpass", "d@example.com", "pw").await;
        let resp = test::call_service(&service, call("/customer", Some(customer))).await;
        assert_eq!(body(resp).await, "cus_01JBX4Z6M3Q8Q5ZC7E0K9W2A1E");
    }
);
