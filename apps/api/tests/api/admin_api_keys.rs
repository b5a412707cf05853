//! `/admin/api-keys`: keys, revocation, secret-key rotation and the sales channels that reach
//! the store guard's `PublishableKeyContext`.

use medusa_core::id::ApiKeyId;
use medusa_testkit::{TestApp, both_backends, json, spawn_app};
use serde_json::{Value, json};

use crate::admin_regions::{Admin, basic, create_channel, keys_of};

const INVALID_KEY: &str = "A valid publishable key is required to proceed with the request";

const KEY_FIELDS: &[&str] = &[
    "created_at",
    "created_by",
    "id",
    "last_used_at",
    "redacted",
    "revoked_at",
    "revoked_by",
    "sales_channels",
    "title",
    "token",
    "type",
    "updated_at",
];

/// The sales channels the real store guard attaches for `token`, seen by a probe handler;
/// `None` when the guard refuses the key.
async fn guard_channels(app: &TestApp, token: &str) -> Option<Vec<String>> {
    use actix_web::{App, HttpResponse, test, web};
    use medusa_api_key::PublishableKeyContext;

    let svc = test::init_service(
        App::new().app_data(app.state.clone()).service(
            web::scope("/store")
                .wrap(actix_web::middleware::from_fn(
                    medusa_api::middleware::publishable_key::guard,
                ))
                .route(
                    "/probe",
                    web::get().to(|ctx: web::ReqData<PublishableKeyContext>| async move {
                        let mut ids: Vec<String> = ctx
                            .sales_channel_ids
                            .iter()
                            .map(|c| c.to_string())
                            .collect();
                        ids.sort();
                        HttpResponse::Ok().json(ids)
                    }),
                ),
        ),
    )
    .await;
    let req = test::TestRequest::get()
        .uri("/store/probe")
        .insert_header(("x-publishable-api-key", token))
        .to_request();
    let resp = test::call_service(&svc, req).await;
    if resp.status().is_success() {
        Some(test::read_body_json(resp).await)
    } else {
        let body: Value = test::read_body_json(resp).await;
        assert_eq!(body, json!({"type": "not_allowed", "message": INVALID_KEY}));
        None
    }
}

async fn create_key(admin: &Admin, app: &TestApp, title: &str, kind: &str) -> Value {
    let (status, body) = admin
        .post(
            app,
            "/admin/api-keys",
            json!({"title": title, "type": kind}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    app.clock.advance(chrono::Duration::seconds(1));
    body["api_key"].clone()
}

both_backends!(
    async fn publishable_key_lifecycle(backend: Backend) {
        let app = spawn_app(backend).await;
        let admin = Admin::new(&app).await;

        let key = create_key(&admin, &app, "Webshop", "publishable").await;
        let mut expected = KEY_FIELDS.to_vec();
        expected.sort();
        assert_eq!(keys_of(&key), expected);
        let token = key["token"].as_str().unwrap().to_owned();
        assert!(token.starts_with("pk_") && token.len() == 67, "{token}");
        assert_eq!(
            key["redacted"],
            format!("{}***{}", &token[..6], &token[64..])
        );
        assert_eq!(
            (
                key["type"].clone(),
                key["title"].clone(),
                key["sales_channels"].clone()
            ),
            (json!("publishable"), json!("Webshop"), json!([]))
        );
        assert_eq!(key["created_by"], admin.key_id.as_str());
        assert_eq!(
            (key["revoked_at"].clone(), key["revoked_by"].clone()),
            (Value::Null, Value::Null)
        );
        let id = key["id"].as_str().unwrap().to_owned();
        assert!(ApiKeyId::parse(&id).is_ok());
        assert_eq!(guard_channels(&app, &token).await, Some(vec![]));

        // A publishable token stays visible; the type filter splits the list.
        let (status, body) = admin.get(&app, &format!("/admin/api-keys/{id}")).await;
        assert_eq!(
            (status, body["api_key"]["token"].as_str()),
            (200, Some(token.as_str()))
        );
        let (_, body) = admin.get(&app, "/admin/api-keys?type=publishable").await;
        assert_eq!(
            (body["count"].clone(), body["limit"].clone()),
            (json!(1), json!(20))
        );
        assert_eq!(body["api_keys"][0]["id"], id.as_str());
        let (_, body) = admin.get(&app, "/admin/api-keys?type=secret").await;
        assert_eq!(body["count"], 1);
        assert_eq!(body["api_keys"][0]["id"], admin.key_id.as_str());
        assert_eq!(body["api_keys"][0]["token"], "");
        let (_, body) = admin
            .get(&app, "/admin/api-keys?q=webSHOP&fields=id,title")
            .await;
        assert_eq!(body["api_keys"], json!([{"id": id, "title": "Webshop"}]));
        let (_, body) = admin
            .get(&app, &format!("/admin/api-keys?token={token}&fields=id"))
            .await;
        assert_eq!(body["api_keys"], json!([{"id": id}]));
        let (status, body) = admin.get(&app, "/admin/api-keys?type=admin").await;
        assert_eq!(
            (status, body["type"].as_str()),
            (400, Some("invalid_data")),
            "{body}"
        );

        let (status, body) = admin
            .post(
                &app,
                &format!("/admin/api-keys/{id}"),
                json!({"title": "Shop"}),
            )
            .await;
        assert_eq!(
            (status, body["api_key"]["title"].as_str()),
            (200, Some("Shop"))
        );

        // Deleting needs a revoked key.
        let (status, body) = admin.delete(&app, &format!("/admin/api-keys/{id}")).await;
        assert_eq!(
            (status, body),
            (
                400,
                json!({"type": "not_allowed", "message": format!("Cannot delete api keys that are not revoked - {id}")})
            )
        );

        // Revoking takes effect at once at the store guard.
        let (status, body) = admin
            .post(&app, &format!("/admin/api-keys/{id}/revoke"), json!({}))
            .await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["api_key"]["revoked_by"], admin.key_id.as_str());
        assert!(body["api_key"]["revoked_at"].is_string());
        assert_eq!(guard_channels(&app, &token).await, None);
        let (status, body) = json(
            app.client
                .get(app.url("/store/regions"))
                .header("x-publishable-api-key", &token)
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(
            (status, body),
            (400, json!({"type": "not_allowed", "message": INVALID_KEY}))
        );

        let (status, body) = admin.delete(&app, &format!("/admin/api-keys/{id}")).await;
        assert_eq!(
            (status, body),
            (200, json!({"id": id, "object": "api_key", "deleted": true}))
        );
        let (status, body) = admin.get(&app, &format!("/admin/api-keys/{id}")).await;
        assert_eq!(
            (status, body),
            (
                404,
                json!({"type": "not_found", "message": format!("API Key with id: {id} was not found")})
            )
        );
        let (status, _) = admin.delete(&app, &format!("/admin/api-keys/{id}")).await;
        assert_eq!(status, 200);
        let (status, _) = admin
            .post(&app, &format!("/admin/api-keys/{id}/revoke"), json!({}))
            .await;
        assert_eq!(status, 404);
    }
);

both_backends!(
    async fn a_scheduled_revocation_keeps_the_key_valid_until_then(backend: Backend) {
        let app = spawn_app(backend).await;
        let admin = Admin::new(&app).await;
        let key = create_key(&admin, &app, "Webshop", "publishable").await;
        let (id, token) = (key["id"].as_str().unwrap(), key["token"].as_str().unwrap());
        let (status, body) = admin
            .post(
                &app,
                &format!("/admin/api-keys/{id}/revoke"),
                json!({"revoke_in": 3600}),
            )
            .await;
        assert_eq!(status, 200, "{body}");
        assert!(guard_channels(&app, token).await.is_some());
        app.clock.advance(chrono::Duration::seconds(3601));
        assert!(guard_channels(&app, token).await.is_none());

        let (status, body) = admin
            .post(
                &app,
                &format!("/admin/api-keys/{id}/revoke"),
                json!({"revoke_in": "soon"}),
            )
            .await;
        assert_eq!(
            (status, body["type"].as_str()),
            (400, Some("invalid_data")),
            "{body}"
        );
        let (status, _) = admin
            .post(
                &app,
                &format!("/admin/api-keys/{id}/revoke"),
                json!({"revoke_in": 1e300}),
            )
            .await;
        assert_eq!(status, 400);
    }
);

both_backends!(
    async fn sales_channels_reach_the_store_guard(backend: Backend) {
        let app = spawn_app(backend).await;
        let admin = Admin::new(&app).await;
        let web = create_channel(&admin, &app, "Web").await;
        let pos = create_channel(&admin, &app, "POS").await;
        let key = create_key(&admin, &app, "Webshop", "publishable").await;
        let (id, token) = (key["id"].as_str().unwrap(), key["token"].as_str().unwrap());
        let path = format!("/admin/api-keys/{id}/sales-channels");

        let (status, body) = admin
            .post(
                &app,
                &path,
                json!({"add": [web.to_string(), pos.to_string()]}),
            )
            .await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(
            body["api_key"]["sales_channels"],
            json!([{"id": web.to_string(), "name": "Web"}, {"id": pos.to_string(), "name": "POS"}])
        );
        let mut both = vec![web.to_string(), pos.to_string()];
        both.sort();
        assert_eq!(guard_channels(&app, token).await, Some(both));
        // The dashboard's key detail page lists the key's channels this way.
        let (_, body) = admin
            .get(
                &app,
                &format!("/admin/sales-channels?publishable_key_id={id}&fields=name"),
            )
            .await;
        assert_eq!(body["count"], 2);

        // Adding twice is a no-op; remove and add in one call.
        let (status, body) = admin
            .post(
                &app,
                &path,
                json!({"add": [web.to_string()], "remove": [pos.to_string()]}),
            )
            .await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(
            body["api_key"]["sales_channels"],
            json!([{"id": web.to_string(), "name": "Web"}])
        );
        assert_eq!(
            guard_channels(&app, token).await,
            Some(vec![web.to_string()])
        );
        let (_, body) = admin
            .get(
                &app,
                &format!("/admin/sales-channels?publishable_key_id={id}&fields=name"),
            )
            .await;
        assert_eq!(
            body["sales_channels"],
            json!([{"id": web.to_string(), "name": "Web"}])
        );

        // Channels must exist.
        let ghost = medusa_core::id::SalesChannelId::new();
        let (status, body) = admin
            .post(
                &app,
                &path,
                json!({"add": [ghost.to_string(), pos.to_string(), "junk"]}),
            )
            .await;
        assert_eq!(
            (status, body),
            (
                400,
                json!({"type": "invalid_data", "message": format!("Sales channels with IDs {ghost}, junk do not exist")})
            )
        );
        assert_eq!(
            guard_channels(&app, token).await,
            Some(vec![web.to_string()])
        );

        // Only publishable keys have channels.
        let (status, body) = admin
            .post(
                &app,
                &format!("/admin/api-keys/{}/sales-channels", admin.key_id),
                json!({"add": [web.to_string()]}),
            )
            .await;
        assert_eq!(
            (status, body),
            (
                400,
                json!({"type": "invalid_data", "message": "Sales channels can only be associated with publishable API keys"})
            )
        );
        let (status, _) = admin
            .post(
                &app,
                &path,
                json!({"add": [web.to_string()], "replace": []}),
            )
            .await;
        assert_eq!(status, 400);

        // Deleting a channel drops its links.
        let (status, _) = admin
            .delete(&app, &format!("/admin/sales-channels/{web}"))
            .await;
        assert_eq!(status, 200);
        assert_eq!(guard_channels(&app, token).await, Some(vec![]));
        let (_, body) = admin.get(&app, &format!("/admin/api-keys/{id}")).await;
        assert_eq!(body["api_key"]["sales_channels"], json!([]));
    }
);

both_backends!(
    async fn secret_keys_rotate_and_show_their_token_once(backend: Backend) {
        let app = spawn_app(backend).await;
        let admin = Admin::new(&app).await;

        // One active secret key at a time (Medusa's rule).
        let (status, body) = admin
            .post(
                &app,
                "/admin/api-keys",
                json!({"title": "CI", "type": "secret"}),
            )
            .await;
        assert_eq!(
            (status, body),
            (
                400,
                json!({"type": "invalid_data", "message": "You can only have one active secret key a time. Revoke or delete your existing key before creating a new one."})
            )
        );

        // Rotation: schedule the old key's revocation, create the new one.
        let (status, body) = admin
            .post(
                &app,
                &format!("/admin/api-keys/{}/revoke", admin.key_id),
                json!({"revoke_in": 600}),
            )
            .await;
        assert_eq!(status, 200, "{body}");
        let key = create_key(&admin, &app, "CI", "secret").await;
        let token = key["token"].as_str().unwrap().to_owned();
        assert!(token.starts_with("sk_") && token.len() == 67, "{token}");
        assert_eq!(
            key["redacted"],
            format!("{}***{}", &token[..6], &token[64..])
        );
        assert_eq!(key["type"], "secret");
        let id = key["id"].as_str().unwrap().to_owned();

        // Never shown again.
        let (_, body) = admin.get(&app, &format!("/admin/api-keys/{id}")).await;
        assert_eq!(body["api_key"]["token"], "");
        let (_, body) = admin.get(&app, "/admin/api-keys?type=secret").await;
        assert!(
            body["api_keys"]
                .as_array()
                .unwrap()
                .iter()
                .all(|k| k["token"] == "")
        );

        // The new key works; the old one until its revocation time.
        let new_admin = Admin {
            key_id: ApiKeyId::parse(&id).unwrap(),
            token: token.clone(),
        };
        let (status, _) = new_admin.get(&app, "/admin/api-keys").await;
        assert_eq!(status, 200);
        let (status, _) = admin.get(&app, "/admin/api-keys").await;
        assert_eq!(status, 200);
        // A secret key is revoked once.
        let (status, body) = new_admin
            .post(
                &app,
                &format!("/admin/api-keys/{}/revoke", admin.key_id),
                json!({}),
            )
            .await;
        assert_eq!(
            (status, body),
            (
                400,
                json!({"type": "invalid_data", "message": "There are 1 secret keys that are already revoked."})
            )
        );
        app.clock.advance(chrono::Duration::seconds(601));
        let (status, body) = json(
            app.client
                .get(app.url("/admin/api-keys"))
                .header("authorization", basic(&admin.token))
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!((status, body), (401, json!({"message": "Unauthorized"})));
        let (status, body) = new_admin
            .delete(&app, &format!("/admin/api-keys/{}", admin.key_id))
            .await;
        assert_eq!((status, body["deleted"].clone()), (200, json!(true)));
        // A secret key is not a publishable key.
        assert!(guard_channels(&app, &token).await.is_none());
    }
);

both_backends!(
    async fn api_key_input_is_validated(backend: Backend) {
        let app = spawn_app(backend).await;
        let admin = Admin::new(&app).await;
        let invalid = |m: &str| json!({"type": "invalid_data", "message": m});
        assert_eq!(
            admin
                .post(&app, "/admin/api-keys", json!({"type": "publishable"}))
                .await,
            (400, invalid("Invalid request: Field 'title' is required"))
        );
        assert_eq!(
            admin
                .post(
                    &app,
                    "/admin/api-keys",
                    json!({"title": "x", "type": "publishable", "token": "pk_mine"})
                )
                .await,
            (
                400,
                invalid("Invalid request: Unrecognized fields: 'token'")
            )
        );
        let (status, body) = admin
            .post(
                &app,
                "/admin/api-keys",
                json!({"title": "x", "type": "admin"}),
            )
            .await;
        assert_eq!(
            (status, body["type"].as_str()),
            (400, Some("invalid_data")),
            "{body}"
        );
        let (status, body) = admin
            .post(&app, "/admin/api-keys/nonsense", json!({"title": "x"}))
            .await;
        assert_eq!(
            (status, body),
            (
                404,
                json!({"type": "not_found", "message": "API Key with id: nonsense was not found"})
            )
        );
        let unknown = ApiKeyId::new();
        let (status, _) = admin
            .post(
                &app,
                &format!("/admin/api-keys/{unknown}"),
                json!({"title": "x"}),
            )
            .await;
        assert_eq!(status, 404);
        let (status, _) = admin
            .post(
                &app,
                &format!("/admin/api-keys/{unknown}/sales-channels"),
                json!({}),
            )
            .await;
        assert_eq!(status, 404);
        let (status, _) = admin.get(&app, "/admin/api-keys?limit=1&foo=bar").await;
        assert_eq!(status, 400);
        let (status, body) = admin.get(&app, "/admin/api-keys?order=token").await;
        assert_eq!(
            (status, body),
            (400, invalid("Order field token is not valid"))
        );
    }
);
