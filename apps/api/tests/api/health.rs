use medusa_testkit::{both_backends, json, spawn_app, spawn_app_builder};

both_backends!(
    async fn health_answers_ok_like_medusa(backend: Backend) {
        let app = spawn_app(backend).await;
        let resp = app.get("/health").await;
        assert_eq!(resp.status().as_u16(), 200);
        assert_eq!(
            resp.headers()["content-type"].to_str().unwrap(),
            "text/html; charset=utf-8"
        );
        assert!(resp.headers().contains_key("x-request-id"));
        assert_eq!(resp.text().await.unwrap(), "OK");
    }
);

both_backends!(
    async fn ready_checks_the_database(backend: Backend) {
        let app = spawn_app(backend).await;
        let (status, body) = json(app.get("/health/ready").await).await;
        assert_eq!(status, 200);
        assert_eq!(
            body,
            serde_json::json!({"status": "ok", "database": "ok", "redis": "not configured"})
        );
    }
);

fn redis_url() -> String {
    std::env::var("TEST_REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379/0".into())
}

both_backends!(
    async fn ready_checks_redis_when_configured(backend: Backend) {
        let app = spawn_app_builder(backend)
            .env("REDIS_URL", &redis_url())
            .spawn()
            .await;
        let (status, body) = json(app.get("/health/ready").await).await;
        assert_eq!(
            (status, body["redis"].as_str()),
            (200, Some("ok")),
            "{body}"
        );
    }
);

both_backends!(
    async fn ready_fails_when_redis_is_down(backend: Backend) {
        // Nothing listens on port 1: Redis is configured but unreachable.
        let app = spawn_app_builder(backend)
            .env("REDIS_URL", "redis://127.0.0.1:1/0")
            .spawn()
            .await;
        let (status, body) = json(app.get("/health/ready").await).await;
        assert_eq!(status, 503, "{body}");
        assert_eq!(body["database"], "ok");
        assert_eq!(body["redis"], "unreachable");
        // Liveness does not depend on Redis.
        assert_eq!(app.get("/health").await.status().as_u16(), 200);
    }
);

both_backends!(
    async fn unknown_routes_get_a_json_404(backend: Backend) {
        let app = spawn_app(backend).await;
        let (status, body) = json(app.get("/nope").await).await;
        assert_eq!(status, 404);
        assert_eq!(body["type"], "not_found");
    }
);
