//! Category trees (`include_descendants_tree` / `include_ancestors_tree`), `q` before paging,
//! and `POST /admin/{collections,product-categories}/:id/products`.

use medusa_testkit::{TestApp, both_backends, spawn_app};
use serde_json::{Value, json};

use crate::admin_price_lists::{Admin, store_get};

/// Creates Apparel > Shirts > Zebra Tees (active, public); answers their ids.
async fn tree(admin: &Admin<'_>) -> (String, String, String) {
    let mut ids = Vec::new();
    let mut parent = Value::Null;
    for (name, handle) in [
        ("Test Apparel", "t-apparel"),
        ("Test Layers", "t-layers"),
        ("Zebra Tees", "zebra-tees"),
    ] {
        let mut body = json!({"name": name, "handle": handle, "is_active": true});
        if !parent.is_null() {
            body["parent_category_id"] = parent.clone();
        }
        let (s, b) = admin.post("/admin/product-categories", body).await;
        assert_eq!(s, 200, "{b}");
        parent = b["product_category"]["id"].clone();
        ids.push(parent.as_str().unwrap().to_owned());
    }
    (ids[0].clone(), ids[1].clone(), ids[2].clone())
}

async fn first_product(app: &TestApp, key: &str) -> String {
    let (_, b) = store_get(app, key, "/store/products?limit=1").await;
    b["products"][0]["id"].as_str().unwrap().to_owned()
}

both_backends!(
    async fn store_category_trees(backend: Backend) {
        let app = spawn_app(backend).await;
        let key = app.seed().await;
        let admin = Admin::new(&app).await;
        let (top, mid, leaf) = tree(&admin).await;

        // Without the flag: direct children only, without their own children.
        let (s, b) = store_get(&app, &key, &format!("/store/product-categories/{top}")).await;
        assert_eq!(s, 200, "{b}");
        let child = &b["product_category"]["category_children"][0];
        assert_eq!(child["id"], mid.as_str());
        assert!(child.get("category_children").is_none(), "{b}");

        let (s, b) = store_get(
            &app,
            &key,
            &format!("/store/product-categories/{top}?include_descendants_tree=true"),
        )
        .await;
        assert_eq!(s, 200, "{b}");
        let child = &b["product_category"]["category_children"][0];
        assert_eq!(child["id"], mid.as_str());
        assert_eq!(child["category_children"][0]["id"], leaf.as_str());
        assert_eq!(
            child["category_children"][0]["category_children"],
            json!([])
        );

        // Ancestors: the whole chain up to the root.
        let (_, b) = store_get(&app, &key, &format!("/store/product-categories/{leaf}")).await;
        let parent = &b["product_category"]["parent_category"];
        assert_eq!(parent["id"], mid.as_str());
        assert!(parent.get("parent_category").is_none(), "{b}");
        let (s, b) = store_get(
            &app,
            &key,
            &format!("/store/product-categories/{leaf}?include_ancestors_tree=true"),
        )
        .await;
        assert_eq!(s, 200, "{b}");
        let parent = &b["product_category"]["parent_category"];
        assert_eq!(parent["id"], mid.as_str());
        assert_eq!(parent["parent_category"]["id"], top.as_str());
        assert_eq!(parent["parent_category"]["parent_category"], Value::Null);

        // The list honours the flag too.
        let (s, b) = store_get(
            &app,
            &key,
            "/store/product-categories?handle=t-apparel&include_descendants_tree=true",
        )
        .await;
        assert_eq!(s, 200, "{b}");
        assert_eq!(
            b["product_categories"][0]["category_children"][0]["category_children"][0]["id"],
            leaf.as_str()
        );

        // `q` filters before paging: the only match is found on a one-item page.
        let (s, b) = store_get(&app, &key, "/store/product-categories?q=zebra&limit=1").await;
        assert_eq!(s, 200, "{b}");
        assert_eq!(b["count"], 1, "{b}");
        assert_eq!(b["product_categories"][0]["id"], leaf.as_str());
        let (_, b) = store_get(&app, &key, "/store/product-categories?q=ZEBRA-T").await;
        assert_eq!(b["count"], 1, "{b}");
        let (_, b) = store_get(&app, &key, "/store/product-categories?q=nothing-like-this").await;
        assert_eq!(
            (b["count"].clone(), b["product_categories"].clone()),
            (json!(0), json!([]))
        );
        let (s, b) = store_get(&app, &key, "/store/product-categories?include_tree=true").await;
        assert_eq!((s, b["type"].as_str()), (400, Some("invalid_data")), "{b}");
    }
);

both_backends!(
    async fn admin_category_trees_and_q(backend: Backend) {
        let app = spawn_app(backend).await;
        app.seed().await;
        let admin = Admin::new(&app).await;
        let (top, mid, leaf) = tree(&admin).await;
        let (s, b) = admin
            .get(&format!(
                "/admin/product-categories/{top}?include_descendants_tree=true"
            ))
            .await;
        assert_eq!(s, 200, "{b}");
        let c = &b["product_category"];
        assert_eq!(c["is_active"], true);
        assert_eq!(c["category_children"][0]["id"], mid.as_str());
        assert_eq!(
            c["category_children"][0]["category_children"][0]["id"],
            leaf.as_str()
        );
        let (s, b) = admin
            .get(&format!(
                "/admin/product-categories/{leaf}?include_ancestors_tree=true"
            ))
            .await;
        assert_eq!(s, 200, "{b}");
        assert_eq!(
            b["product_category"]["parent_category"]["parent_category"]["id"],
            top.as_str()
        );
        let (s, b) = admin
            .get("/admin/product-categories?q=zebra&limit=1&include_ancestors_tree=true")
            .await;
        assert_eq!(s, 200, "{b}");
        assert_eq!(b["count"], 1, "{b}");
        assert_eq!(b["product_categories"][0]["id"], leaf.as_str());
        assert_eq!(
            b["product_categories"][0]["parent_category"]["parent_category"]["id"],
            top.as_str()
        );
        let (s, _) = admin.get("/admin/product-categories/pcat_missing").await;
        assert_eq!(s, 404);
    }
);

both_backends!(
    async fn collection_products_add_and_remove(backend: Backend) {
        let app = spawn_app(backend).await;
        let key = app.seed().await;
        let admin = Admin::new(&app).await;
        let product = first_product(&app, &key).await;
        let (s, b) = admin
            .post("/admin/collections", json!({"title": "Picks"}))
            .await;
        assert_eq!(s, 200, "{b}");
        let coll = b["collection"]["id"].as_str().unwrap().to_owned();

        let (s, b) = admin
            .post(
                &format!("/admin/collections/{coll}/products"),
                json!({"add": [product, "prod_does_not_exist"]}),
            )
            .await;
        assert_eq!(s, 200, "{b}");
        assert_eq!(b["collection"]["id"], coll.as_str());
        assert_eq!(b["collection"]["title"], "Picks");
        let (_, b) = store_get(&app, &key, &format!("/store/products?collection_id={coll}")).await;
        assert_eq!(b["count"], 1, "{b}");
        assert_eq!(b["products"][0]["id"], product.as_str());
        let (_, b) = admin.get(&format!("/admin/products/{product}")).await;
        assert_eq!(b["product"]["collection_id"], coll.as_str());

        let (s, b) = admin
            .post(
                &format!("/admin/collections/{coll}/products"),
                json!({"remove": [product]}),
            )
            .await;
        assert_eq!(s, 200, "{b}");
        let (_, b) = store_get(&app, &key, &format!("/store/products?collection_id={coll}")).await;
        assert_eq!(b["count"], 0, "{b}");
        let (_, b) = admin.get(&format!("/admin/products/{product}")).await;
        assert_eq!(b["product"]["collection_id"], Value::Null);

        let (s, b) = admin
            .post(
                "/admin/collections/pcol_missing/products",
                json!({"add": [product]}),
            )
            .await;
        assert_eq!((s, b["type"].as_str()), (404, Some("not_found")), "{b}");
        let (s, b) = admin
            .post(
                &format!("/admin/collections/{coll}/products"),
                json!({"add": [product], "set": []}),
            )
            .await;
        assert_eq!((s, b["type"].as_str()), (400, Some("invalid_data")), "{b}");
        // The refused request changed nothing.
        let (_, b) = admin.get(&format!("/admin/products/{product}")).await;
        assert_eq!(b["product"]["collection_id"], Value::Null);
    }
);

both_backends!(
    async fn category_products_add_and_remove(backend: Backend) {
        let app = spawn_app(backend).await;
        let key = app.seed().await;
        let admin = Admin::new(&app).await;
        let product = first_product(&app, &key).await;
        let (_, _, leaf) = tree(&admin).await;

        for _ in 0..2 {
            // Adding twice is the same as adding once.
            let (s, b) = admin
                .post(
                    &format!("/admin/product-categories/{leaf}/products"),
                    json!({"add": [product]}),
                )
                .await;
            assert_eq!(s, 200, "{b}");
            assert_eq!(b["product_category"]["id"], leaf.as_str());
        }
        let (_, b) = store_get(&app, &key, &format!("/store/products?category_id={leaf}")).await;
        assert_eq!(b["count"], 1, "{b}");
        assert_eq!(b["products"][0]["id"], product.as_str());

        let (s, b) = admin
            .post(
                &format!("/admin/product-categories/{leaf}/products"),
                json!({"remove": [product]}),
            )
            .await;
        assert_eq!(s, 200, "{b}");
        let (_, b) = store_get(&app, &key, &format!("/store/products?category_id={leaf}")).await;
        assert_eq!(b["count"], 0, "{b}");

        let (s, b) = admin
            .post(
                "/admin/product-categories/pcat_missing/products",
                json!({"add": [product]}),
            )
            .await;
        assert_eq!((s, b["type"].as_str()), (404, Some("not_found")), "{b}");
        assert_eq!(
            b["message"],
            "Product category with id: pcat_missing was not found"
        );
        let (s, b) = admin
            .post(
                &format!("/admin/product-categories/{leaf}/products"),
                json!({"add": "not-a-list"}),
            )
            .await;
        assert_eq!((s, b["type"].as_str()), (400, Some("invalid_data")), "{b}");
    }
);
