use base64::Engine;
use medusa_testkit::{both_backends, json, spawn_app};

fn basic(token: &str) -> String {
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{token}:"))
    )
}

both_backends!(
    async fn admin_without_credentials_is_401_like_medusa(backend: Backend) {
        let app = spawn_app(backend).await;
        for (path, auth) in [
            ("/admin/orders", None),
            (
                "/admin/products?limit=1",
                Some("Bearer not-a-token".to_owned()),
            ),
            ("/admin/users/me", Some(basic("sk_wrong"))),
            ("/admin", Some("Basic %%%".to_owned())),
        ] {
            let mut req = app.client.get(app.url(path));
            if let Some(a) = auth {
                req = req.header("authorization", a);
            }
            let (status, body) = json(req.send().await.unwrap()).await;
            // ../shared/medusa-golden/22-admin-unauthenticated.json
            assert_eq!(
                (status, body),
                (401, serde_json::json!({"message": "Unauthorized"})),
                "{path}"
            );
        }
    }
);

both_backends!(
    async fn a_secret_key_authenticates_until_revoked(backend: Backend) {
        let app = spawn_app(backend).await;
        let (id, token) = app.secret_key().await;
        let resp = app
            .client
            .get(app.url("/admin/no-such-route"))
            .header("authorization", basic(&token))
            .send()
            .await
            .unwrap();
        // Authenticated: the scope's 404, not the 401.
        assert_eq!(resp.status().as_u16(), 404);

        let keys = app
            .state
            .registry
            .get::<dyn medusa_api_key::ApiKeyService>()
            .unwrap();
        keys.revoke(&id, "test").await.unwrap();
        let resp = app
            .client
            .get(app.url("/admin/no-such-route"))
            .header("authorization", basic(&token))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status().as_u16(), 401);
    }
);
