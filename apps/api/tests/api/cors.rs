use medusa_testkit::{both_backends, spawn_app_builder};

async fn preflight(app: &medusa_testkit::TestApp, path: &str, origin: &str) -> Option<String> {
    let resp = app
        .client
        .request(reqwest::Method::OPTIONS, app.url(path))
        .header("origin", origin)
        .header("access-control-request-method", "POST")
        .header(
            "access-control-request-headers",
            "content-type,x-publishable-api-key",
        )
        .send()
        .await
        .unwrap();
    resp.headers()
        .get("access-control-allow-origin")
        .map(|v| v.to_str().unwrap().to_owned())
}

both_backends!(
    async fn each_scope_allows_only_its_own_origins(backend: Backend) {
        let app = spawn_app_builder(backend)
            .env("STORE_CORS", "http://shop.test")
            .env("ADMIN_CORS", "http://admin.test")
            .env("AUTH_CORS", "http://shop.test,http://admin.test")
            .spawn()
            .await;
        // A preflight carries no publishable key and still succeeds for an allowed origin.
        assert_eq!(
            preflight(&app, "/store/carts", "http://shop.test")
                .await
                .as_deref(),
            Some("http://shop.test")
        );
        assert_eq!(
            preflight(&app, "/store/carts", "http://admin.test").await,
            None
        );
        assert_eq!(
            preflight(&app, "/admin/orders", "http://admin.test")
                .await
                .as_deref(),
            Some("http://admin.test")
        );
        assert_eq!(
            preflight(&app, "/admin/orders", "http://shop.test").await,
            None
        );
        assert_eq!(
            preflight(&app, "/auth/user/emailpass", "http://shop.test")
                .await
                .as_deref(),
            Some("http://shop.test")
        );
        assert_eq!(
            preflight(&app, "/auth/user/emailpass", "http://evil.test").await,
            None
        );

        // Error responses carry the CORS headers too, so the browser can read Medusa's message.
        let resp = app
            .client
            .get(app.url("/store/products"))
            .header("origin", "http://shop.test")
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status().as_u16(), 400);
        assert_eq!(
            resp.headers()["access-control-allow-origin"],
            "http://shop.test"
        );
        assert_eq!(resp.headers()["access-control-allow-credentials"], "true");
    }
);
