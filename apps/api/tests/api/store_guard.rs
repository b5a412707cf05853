use medusa_core::id::SalesChannelId;
use medusa_testkit::{both_backends, json, spawn_app};

const MISSING: &str = "Publishable API key required in the request header: x-publishable-api-key. You can manage your keys in settings in the dashboard.";
const INVALID: &str = "A valid publishable key is required to proceed with the request";

both_backends!(
    async fn store_without_key_gets_medusas_400(backend: Backend) {
        let app = spawn_app(backend).await;
        for path in ["/store/products?limit=1", "/store/anything", "/store"] {
            let resp = app.get(path).await;
            assert_eq!(
                resp.headers()["content-type"].to_str().unwrap(),
                "application/json; charset=utf-8"
            );
            let (status, body) = json(resp).await;
            assert_eq!(status, 400, "{path}");
            // Exactly the recorded Medusa body (../shared/medusa-golden/02-store-no-key.json).
            assert_eq!(
                body,
                serde_json::json!({"type": "not_allowed", "message": MISSING}),
                "{path}"
            );
        }
    }
);

both_backends!(
    async fn store_with_unknown_or_revoked_key_is_refused(backend: Backend) {
        let app = spawn_app(backend).await;
        let (status, body) = json(
            app.client
                .get(app.url("/store/products"))
                .header("x-publishable-api-key", "pk_doesnotexist")
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(
            (status, body),
            (
                400,
                serde_json::json!({"type": "not_allowed", "message": INVALID})
            )
        );

        let token = app.publishable_key(&[]).await;
        let keys = app
            .state
            .registry
            .get::<dyn medusa_api_key::ApiKeyService>()
            .unwrap();
        let ctx = keys.resolve_publishable(&token).await.unwrap().unwrap();
        keys.revoke(&ctx.key_id, "test").await.unwrap();
        let (status, body) = json(
            app.client
                .get(app.url("/store/products"))
                .header("x-publishable-api-key", &token)
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!((status, body["message"].as_str()), (400, Some(INVALID)));

        // A secret key is not a publishable key.
        let (_, secret) = app.secret_key().await;
        let (status, _) = json(
            app.client
                .get(app.url("/store/products"))
                .header("x-publishable-api-key", &secret)
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(status, 400);
    }
);

both_backends!(
    async fn a_valid_key_passes_the_guard(backend: Backend) {
        let app = spawn_app(backend).await;
        let token = app.publishable_key(&[SalesChannelId::new()]).await;
        let (status, body) = json(
            app.client
                .get(app.url("/store/no-such-route"))
                .header("x-publishable-api-key", &token)
                .send()
                .await
                .unwrap(),
        )
        .await;
        // Past the guard: the route does not exist, so 404 rather than the key error.
        assert_eq!(status, 404, "{body}");
        assert_eq!(body["type"], "not_found");
    }
);

both_backends!(
    async fn the_keys_sales_channels_reach_the_handler(backend: Backend) {
        use actix_web::{App, HttpResponse, test, web};
        use medusa_api_key::PublishableKeyContext;

        let app = spawn_app(backend).await;
        let channels = vec![SalesChannelId::new(), SalesChannelId::new()];
        let token = app.publishable_key(&channels).await;
        // The real guard in front of a probe handler that reports what it was given.
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
            .insert_header(("x-publishable-api-key", token.as_str()))
            .to_request();
        let got: Vec<String> = test::call_and_read_body_json(&svc, req).await;
        let mut want: Vec<String> = channels.iter().map(|c| c.to_string()).collect();
        want.sort();
        assert_eq!(got, want);
    }
);

both_backends!(
    async fn revocation_reaches_a_caching_process_within_the_ttl(backend: Backend) {
        let app = medusa_testkit::spawn_app_builder(backend)
            .env("CACHE_TTL", "1s")
            .spawn()
            .await;
        let token = app.publishable_key(&[SalesChannelId::new()]).await;
        let probe = || async {
            app.client
                .get(app.url("/store/no-such-route"))
                .header("x-publishable-api-key", &token)
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        };
        assert_eq!(probe().await, 404, "valid key passes the guard");
        let keys = app
            .state
            .registry
            .get::<dyn medusa_api_key::ApiKeyService>()
            .unwrap();
        let ctx = keys.resolve_publishable(&token).await.unwrap().unwrap();
        keys.revoke(&ctx.key_id, "test").await.unwrap();
        tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
        assert_eq!(
            probe().await,
            400,
            "revoked key refused once the cache entry expired"
        );
    }
);
