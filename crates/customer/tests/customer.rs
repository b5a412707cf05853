//! The customer module on a real database, SQLite and PostgreSQL.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;

use medusa_core::TestClock;
use medusa_core::id::CustomerId;
use medusa_core::registry::Module;
use medusa_core::request::ListParams;
use medusa_customer::{
    AddressFilter, AddressInput, CreateCustomer, CreateGroup, CustomerError, CustomerFilter,
    CustomerModule, CustomerService, DbCustomerService, UpdateCustomer,
};
use medusa_db::testing::{Backend, TestDatabase};
use sea_orm::ConnectionTrait;
use sea_orm_migration::{MigrationTrait, MigratorTrait};

struct Migrator;

impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        CustomerModule.migrations()
    }
}

async fn service(
    backend: Backend,
) -> (TestDatabase, sea_orm::DatabaseConnection, DbCustomerService) {
    let db = TestDatabase::create(backend).await.unwrap();
    let conn = db.connect().await.unwrap();
    Migrator::up(&conn, None).await.unwrap();
    let service = DbCustomerService::new(conn.clone(), Arc::new(TestClock::starting_now()));
    (db, conn, service)
}

fn page() -> ListParams {
    ListParams {
        limit: 50,
        offset: 0,
        order: None,
        fields: None,
        with_deleted: false,
    }
}

fn customer(email: &str, has_account: bool) -> CreateCustomer {
    CreateCustomer {
        email: Some(email.into()),
        has_account,
        ..CreateCustomer::default()
    }
}

async fn email_is_unique_per_account_state(backend: Backend) {
    let (_db, _conn, svc) = service(backend).await;
    let guest = svc.create(customer("a@example.com", false)).await.unwrap();
    svc.create(customer("a@example.com", true)).await.unwrap();
    let err = svc
        .create(customer("a@example.com", true))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, CustomerError::EmailTaken { email, has_account: true } if email == "a@example.com"),
        "{err}"
    );
    // Updating another customer onto a taken (email, has_account) is refused too.
    let other = svc.create(customer("b@example.com", false)).await.unwrap();
    let err = svc
        .update(
            &other.id,
            UpdateCustomer {
                email: Some(Some("a@example.com".into())),
                ..UpdateCustomer::default()
            },
        )
        .await
        .unwrap_err();
    assert!(matches!(err, CustomerError::EmailTaken { .. }), "{err}");
    // A deleted customer frees its email.
    assert!(svc.delete(&guest.id).await.unwrap());
    assert!(!svc.delete(&guest.id).await.unwrap());
    svc.create(customer("a@example.com", false)).await.unwrap();
    let (_, count) = svc
        .list(
            &CustomerFilter {
                emails: Some(vec!["a@example.com".into()]),
                ..CustomerFilter::default()
            },
            &page(),
        )
        .await
        .unwrap();
    assert_eq!(count, 2);
}

async fn defaults_move_and_the_database_refuses_two(backend: Backend) {
    let (_db, conn, svc) = service(backend).await;
    let c = svc.create(customer("d@example.com", true)).await.unwrap();
    let shipping = AddressInput {
        is_default_shipping: Some(true),
        ..AddressInput::default()
    };
    let first = svc.create_address(&c.id, shipping.clone()).await.unwrap();
    let second = svc.create_address(&c.id, shipping.clone()).await.unwrap();
    let (all, _) = svc
        .list_addresses(&c.id, &AddressFilter::default(), &page())
        .await
        .unwrap();
    let flags: Vec<(String, bool)> = all
        .iter()
        .map(|a| (a.id.to_string(), a.is_default_shipping))
        .collect();
    assert_eq!(
        flags,
        vec![(first.id.to_string(), false), (second.id.to_string(), true)]
    );
    // Updating the default without touching the flag keeps it.
    let kept = svc
        .update_address(
            &c.id,
            &second.id,
            AddressInput {
                city: Some(Some("Aarhus".into())),
                ..AddressInput::default()
            },
        )
        .await
        .unwrap();
    assert!(kept.is_default_shipping);
    // The partial unique index is the last line of defence: a second default written
    // behind the service's back is refused by the database.
    let backend = conn.get_database_backend();
    let sql = format!(
        "UPDATE customer_address SET is_default_shipping = {} WHERE id = '{}'",
        if backend == sea_orm::DbBackend::Sqlite {
            "1"
        } else {
            "true"
        },
        first.id
    );
    let err = conn.execute_unprepared(&sql).await;
    assert!(err.is_err(), "two default shipping addresses were stored");
    // Another customer cannot reach the address.
    let other = svc.create(customer("e@example.com", true)).await.unwrap();
    let err = svc
        .retrieve_address(&other.id, &first.id)
        .await
        .unwrap_err();
    assert!(matches!(err, CustomerError::AddressNotFound(_)));
    let err = svc.delete_address(&other.id, &first.id).await.unwrap_err();
    assert!(matches!(err, CustomerError::AddressNotFound(_)));
    assert!(svc.retrieve_address(&c.id, &first.id).await.is_ok());
    // Addresses of an unknown customer cannot be created.
    let missing = CustomerId::new();
    let err = svc
        .create_address(&missing, AddressInput::default())
        .await
        .unwrap_err();
    assert!(matches!(err, CustomerError::NotFound(_)));
}

async fn memberships_follow_groups(backend: Backend) {
    let (_db, _conn, svc) = service(backend).await;
    let c = svc.create(customer("g@example.com", false)).await.unwrap();
    let vip = svc
        .create_group(CreateGroup {
            name: "VIP".into(),
            ..CreateGroup::default()
        })
        .await
        .unwrap();
    let err = svc
        .create_group(CreateGroup {
            name: "VIP".into(),
            ..CreateGroup::default()
        })
        .await
        .unwrap_err();
    assert!(matches!(err, CustomerError::GroupNameTaken(_)));
    svc.set_customer_groups(&c.id, &[vip.id.to_string(), vip.id.to_string()], &[], None)
        .await
        .unwrap();
    // Adding twice is harmless.
    svc.set_group_customers(&vip.id, &[c.id.to_string()], &[], None)
        .await
        .unwrap();
    assert_eq!(svc.group_ids(&c.id).await.unwrap(), vec![vip.id.clone()]);
    let details = svc.details(vec![c.clone()]).await.unwrap();
    assert_eq!(details[0].groups.len(), 1);
    svc.delete_group(&vip.id).await.unwrap();
    assert!(svc.group_ids(&c.id).await.unwrap().is_empty());
    let err = svc
        .set_customer_groups(&c.id, &[vip.id.to_string()], &[], None)
        .await
        .unwrap_err();
    assert!(matches!(err, CustomerError::GroupNotFound(_)));
}

macro_rules! on_both {
    ($($name:ident),* $(,)?) => {
        $(
            mod $name {
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    super::$name(super::Backend::Sqlite).await
                }
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    super::$name(super::Backend::Postgres).await
                }
            }
        )*
    };
}

on_both!(
    email_is_unique_per_account_state,
    defaults_move_and_the_database_refuses_two,
    memberships_follow_groups,
);
