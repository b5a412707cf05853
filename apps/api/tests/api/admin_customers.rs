//! `/admin/customers` and `/admin/customer-groups` on both backends.

use medusa_testkit::{TestApp, both_backends, json, keys, spawn_app};
use serde_json::{Value, json};

use super::admin_regions::Admin;
use super::store_customers::sign_up;

fn invalid(message: &str) -> (u16, Value) {
    (400, json!({"type": "invalid_data", "message": message}))
}

fn not_found(message: &str) -> (u16, Value) {
    (404, json!({"type": "not_found", "message": message}))
}

const ADMIN_CUSTOMER_KEYS: &[&str] = &[
    "company_name",
    "created_at",
    "created_by",
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

const GROUP_KEYS: &[&str] = &[
    "created_at",
    "created_by",
    "deleted_at",
    "id",
    "metadata",
    "name",
    "updated_at",
];

async fn create_customer(app: &TestApp, admin: &Admin, body: Value) -> Value {
    let (status, body) = admin.post(app, "/admin/customers", body).await;
    assert_eq!(status, 200, "{body}");
    body["customer"].clone()
}

async fn create_group(app: &TestApp, admin: &Admin, name: &str) -> String {
    let (status, body) = admin
        .post(app, "/admin/customer-groups", json!({"name": name}))
        .await;
    assert_eq!(status, 200, "{body}");
    body["customer_group"]["id"].as_str().unwrap().to_owned()
}

both_backends!(
    async fn admin_customers_crud_and_filters(backend: Backend) {
        let app = spawn_app(backend).await;
        let admin = Admin::new(&app).await;

        // The guard comes first.
        let (status, body) = json(app.get("/admin/customers").await).await;
        assert_eq!((status, body), (401, json!({"message": "Unauthorized"})));

        let guest = create_customer(
            &app,
            &admin,
            json!({"email": "guest@example.com", "first_name": "Gus", "company_name": "Acme"}),
        )
        .await;
        assert_eq!(keys(&guest), ADMIN_CUSTOMER_KEYS);
        assert_eq!(guest["has_account"], false);
        assert_eq!(guest["created_by"], json!(admin.key_id.as_str()));
        let guest_id = guest["id"].as_str().unwrap().to_owned();

        // The same email without an account again: Medusa's unique (email, has_account).
        let (status, body) = admin
            .post(
                &app,
                "/admin/customers",
                json!({"email": "guest@example.com"}),
            )
            .await;
        assert_eq!(status, 422, "{body}");
        assert_eq!(body["type"], "duplicate_error");
        assert_eq!(
            body["message"],
            "Customer with email: guest@example.com, has_account: false, already exists."
        );
        // ... but an account with that email may exist next to the guest record.
        let (_, registered) = sign_up(&app, "guest@example.com").await;
        assert_eq!(registered["has_account"], true);

        assert_eq!(
            admin
                .post(&app, "/admin/customers", json!({"email": "nope"}))
                .await,
            invalid("Invalid request: Invalid email")
        );
        assert_eq!(
            admin
                .post(&app, "/admin/customers", json!({"has_account": true}))
                .await,
            invalid("Invalid request: Unrecognized fields: 'has_account'")
        );

        // List and filters.
        let (status, body) = admin.get(&app, "/admin/customers").await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["count"], 2);
        assert_eq!(body["limit"], 50);
        let (_, body) = admin.get(&app, "/admin/customers?has_account=true").await;
        assert_eq!(body["count"], 1);
        assert_eq!(body["customers"][0]["id"], registered["id"]);
        let (_, body) = admin.get(&app, "/admin/customers?has_account=false").await;
        assert_eq!(body["customers"][0]["id"], json!(guest_id));
        let (_, body) = admin.get(&app, "/admin/customers?q=ACME").await;
        assert_eq!(body["count"], 1);
        let (_, body) = admin
            .get(&app, "/admin/customers?email=guest@example.com")
            .await;
        assert_eq!(body["count"], 2);
        let (_, body) = admin
            .get(&app, "/admin/customers?email=none@example.com")
            .await;
        assert_eq!(body["count"], 0);
        let (status, _) = admin.get(&app, "/admin/customers?has_account=maybe").await;
        assert_eq!(status, 400);
        assert_eq!(
            admin.get(&app, "/admin/customers?order=password").await,
            invalid("Order field password is not valid")
        );

        // Retrieve, update, delete.
        let (status, body) = admin
            .get(
                &app,
                &format!("/admin/customers/{guest_id}?fields=id,*addresses,*groups"),
            )
            .await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(
            body,
            json!({"customer": {"id": guest_id, "addresses": [], "groups": []}})
        );
        assert_eq!(
            admin.get(&app, "/admin/customers/cus_missing").await,
            not_found("Customer with id: cus_missing not found")
        );
        let (status, body) = admin
            .post(
                &app,
                &format!("/admin/customers/{guest_id}"),
                json!({"email": "renamed@example.com", "company_name": null}),
            )
            .await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["customer"]["email"], "renamed@example.com");
        assert_eq!(body["customer"]["company_name"], Value::Null);
        assert_eq!(body["customer"]["first_name"], "Gus");
        assert_eq!(
            admin
                .post(
                    &app,
                    "/admin/customers/cus_missing",
                    json!({"first_name": "x"})
                )
                .await,
            not_found("Customer with id \"cus_missing\" not found")
        );
        let (status, body) = admin
            .delete(&app, &format!("/admin/customers/{guest_id}"))
            .await;
        assert_eq!(status, 200);
        assert_eq!(
            body,
            json!({"id": guest_id, "object": "customer", "deleted": true})
        );
        let (status, _) = admin
            .get(&app, &format!("/admin/customers/{guest_id}"))
            .await;
        assert_eq!(status, 404);
        let (_, body) = admin.get(&app, "/admin/customers").await;
        assert_eq!(body["count"], 1);
        // A deleted guest's email may be used again.
        create_customer(&app, &admin, json!({"email": "renamed@example.com"})).await;

        // Deleting an account frees its identity: the person can register again.
        let registered_id = registered["id"].as_str().unwrap();
        let (status, _) = admin
            .delete(&app, &format!("/admin/customers/{registered_id}"))
            .await;
        assert_eq!(status, 200);
        let (again, customer) = sign_up(&app, "guest@example.com").await;
        assert_ne!(customer["id"], registered["id"]);
        let (status, body) = again.get(&app, "/store/customers/me").await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["customer"]["id"], customer["id"]);
    }
);

both_backends!(
    async fn admin_customer_addresses(backend: Backend) {
        let app = spawn_app(backend).await;
        let admin = Admin::new(&app).await;
        let customer = create_customer(&app, &admin, json!({"email": "a@example.com"})).await;
        let other = create_customer(&app, &admin, json!({"email": "b@example.com"})).await;
        let id = customer["id"].as_str().unwrap();
        let other_id = other["id"].as_str().unwrap();

        let (status, body) = admin
            .post(
                &app,
                &format!("/admin/customers/{id}/addresses?fields=id,*addresses"),
                json!({"address_1": "Main St 1", "country_code": "US", "is_default_billing": true}),
            )
            .await;
        assert_eq!(status, 200, "{body}");
        let address = body["customer"]["addresses"][0].clone();
        let address_id = address["id"].as_str().unwrap().to_owned();
        assert_eq!(address["country_code"], "us");
        assert_eq!(address["is_default_billing"], true);

        let (status, body) = admin
            .get(&app, &format!("/admin/customers/{id}/addresses"))
            .await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["count"], 1);
        let (_, body) = admin
            .get(&app, &format!("/admin/customers/{other_id}/addresses"))
            .await;
        assert_eq!(body["count"], 0);
        let (status, body) = admin
            .get(
                &app,
                &format!("/admin/customers/{id}/addresses/{address_id}"),
            )
            .await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["address"]["address_1"], "Main St 1");
        // Through another customer the address does not exist.
        let message = format!("Address with id: {address_id} was not found");
        assert_eq!(
            admin
                .get(
                    &app,
                    &format!("/admin/customers/{other_id}/addresses/{address_id}")
                )
                .await,
            not_found(&message)
        );
        assert_eq!(
            admin
                .post(
                    &app,
                    &format!("/admin/customers/{other_id}/addresses/{address_id}"),
                    json!({"city": "x"})
                )
                .await,
            not_found(&message)
        );
        assert_eq!(
            admin
                .post(
                    &app,
                    "/admin/customers/cus_missing/addresses",
                    json!({"city": "x"})
                )
                .await,
            not_found("Customer with id: cus_missing not found")
        );

        let (status, body) = admin
            .post(
                &app,
                &format!("/admin/customers/{id}/addresses/{address_id}?fields=id,*addresses"),
                json!({"city": "Springfield", "is_default_billing": false}),
            )
            .await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["customer"]["addresses"][0]["city"], "Springfield");
        assert_eq!(
            body["customer"]["addresses"][0]["is_default_billing"],
            false
        );
        assert_eq!(
            admin
                .post(
                    &app,
                    &format!("/admin/customers/{id}/addresses/{address_id}"),
                    json!({"street": "x"})
                )
                .await,
            invalid("Invalid request: Unrecognized fields: 'street'")
        );

        let (status, body) = admin
            .delete(
                &app,
                &format!("/admin/customers/{id}/addresses/{address_id}"),
            )
            .await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["id"], json!(address_id));
        assert_eq!(body["object"], "customer_address");
        assert_eq!(body["deleted"], true);
        assert_eq!(body["parent"]["id"], json!(id));
        let (_, body) = admin
            .get(&app, &format!("/admin/customers/{id}/addresses"))
            .await;
        assert_eq!(body["count"], 0);
    }
);

both_backends!(
    async fn admin_customer_groups_and_memberships(backend: Backend) {
        let app = spawn_app(backend).await;
        let admin = Admin::new(&app).await;
        let vip = create_group(&app, &admin, "VIP").await;
        let wholesale = create_group(&app, &admin, "Wholesale").await;
        assert!(vip.starts_with("cusgroup_"), "{vip}");

        let (status, body) = admin
            .get(&app, &format!("/admin/customer-groups/{vip}"))
            .await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(keys(&body["customer_group"]), GROUP_KEYS);
        assert_eq!(body["customer_group"]["name"], "VIP");
        assert_eq!(
            body["customer_group"]["created_by"],
            json!(admin.key_id.as_str())
        );

        // Names are unique among live groups; bodies are strict.
        let (status, body) = admin
            .post(&app, "/admin/customer-groups", json!({"name": "VIP"}))
            .await;
        assert_eq!(status, 422, "{body}");
        assert_eq!(
            body["message"],
            "Customer group with name: VIP, already exists."
        );
        let (status, _) = admin.post(&app, "/admin/customer-groups", json!({})).await;
        assert_eq!(status, 400);
        assert_eq!(
            admin
                .post(
                    &app,
                    "/admin/customer-groups",
                    json!({"name": "X", "rank": 1})
                )
                .await,
            invalid("Invalid request: Unrecognized fields: 'rank'")
        );

        let a = create_customer(&app, &admin, json!({"email": "a@example.com"})).await;
        let b = create_customer(&app, &admin, json!({"email": "b@example.com"})).await;
        let (a_id, b_id) = (a["id"].as_str().unwrap(), b["id"].as_str().unwrap());

        // Group -> customers.
        let (status, body) = admin
            .post(
                &app,
                &format!("/admin/customer-groups/{vip}/customers?fields=id,*customers"),
                json!({"add": [a_id, b_id]}),
            )
            .await;
        assert_eq!(status, 200, "{body}");
        let members: Vec<&str> = body["customer_group"]["customers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["id"].as_str().unwrap())
            .collect();
        assert_eq!(members.len(), 2);
        assert!(members.contains(&a_id) && members.contains(&b_id));
        assert!(
            body["customer_group"]["customers"][0]
                .get("addresses")
                .is_none()
        );
        let (status, body) = admin
            .post(
                &app,
                &format!("/admin/customer-groups/{vip}/customers"),
                json!({"add": ["cus_missing"]}),
            )
            .await;
        assert_eq!(status, 404, "{body}");

        // Customer -> groups.
        let (status, body) = admin
            .post(
                &app,
                &format!("/admin/customers/{a_id}/customer-groups?fields=id,*groups"),
                json!({"add": [wholesale], "remove": [vip]}),
            )
            .await;
        assert_eq!(status, 200, "{body}");
        let groups = body["customer"]["groups"].as_array().unwrap();
        assert_eq!(groups.len(), 1);
        assert_eq!(groups[0]["id"], json!(wholesale));
        assert_eq!(
            admin
                .post(
                    &app,
                    &format!("/admin/customers/{a_id}/customer-groups"),
                    json!({"add": ["cusgroup_missing"]})
                )
                .await,
            not_found("CustomerGroup with id: cusgroup_missing was not found")
        );

        // Filters on both sides.
        let (_, body) = admin
            .get(&app, &format!("/admin/customers?groups={vip}"))
            .await;
        assert_eq!(body["count"], 1);
        assert_eq!(body["customers"][0]["id"], json!(b_id));
        let (_, body) = admin
            .get(&app, &format!("/admin/customer-groups?customers={a_id}"))
            .await;
        assert_eq!(body["count"], 1);
        assert_eq!(body["customer_groups"][0]["id"], json!(wholesale));
        let (_, body) = admin.get(&app, "/admin/customer-groups?q=whole").await;
        assert_eq!(body["count"], 1);
        let (_, body) = admin.get(&app, "/admin/customer-groups").await;
        assert_eq!(body["count"], 2);

        // Update and delete.
        let (status, body) = admin
            .post(
                &app,
                &format!("/admin/customer-groups/{vip}"),
                json!({"name": "VIPs", "metadata": {"tier": 1}}),
            )
            .await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["customer_group"]["name"], "VIPs");
        assert_eq!(body["customer_group"]["metadata"], json!({"tier": 1}));
        assert_eq!(
            admin
                .post(
                    &app,
                    "/admin/customer-groups/cusgroup_missing",
                    json!({"name": "x"})
                )
                .await,
            not_found("Customer group with id \"cusgroup_missing\" not found")
        );
        let (status, body) = admin
            .delete(&app, &format!("/admin/customer-groups/{vip}"))
            .await;
        assert_eq!(status, 200);
        assert_eq!(
            body,
            json!({"id": vip, "object": "customer_group", "deleted": true})
        );
        assert_eq!(
            admin
                .get(&app, &format!("/admin/customer-groups/{vip}"))
                .await,
            not_found(&format!("Customer group with id: {vip} not found"))
        );
        // The deleted group no longer lists among b's groups, and its name is free again.
        let (_, body) = admin
            .get(&app, &format!("/admin/customers/{b_id}?fields=id,*groups"))
            .await;
        assert_eq!(body["customer"]["groups"], json!([]));
        create_group(&app, &admin, "VIPs").await;
    }
);
