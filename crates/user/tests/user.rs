//! The user module on real SQLite and PostgreSQL.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;

use medusa_core::id::UserId;
use medusa_core::registry::Module;
use medusa_core::{Clock, TestClock};
use medusa_db::testing::{Backend, TestDatabase};
use medusa_user::{CreateUser, DbUserService, Email, UpdateUser, UserError, UserService};
use sea_orm_migration::{MigrationTrait, MigratorTrait};

struct Migrator;

impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        medusa_user::UserModule.migrations()
    }
}

macro_rules! on_both_backends {
    ($name:ident) => {
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                super::$name(super::Backend::Sqlite).await;
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                super::$name(super::Backend::Postgres).await;
            }
        }
    };
}

async fn setup(backend: Backend) -> (TestDatabase, Arc<DbUserService>, TestClock) {
    let tdb = TestDatabase::create(backend).await.unwrap();
    let db = tdb.connect().await.unwrap();
    Migrator::up(&db, None).await.unwrap();
    // Whole seconds, so times read back from either backend compare equal.
    let clock = TestClock::new(chrono::DateTime::from_timestamp(1_767_225_600, 0).unwrap());
    let service = Arc::new(DbUserService::new(db, Arc::new(clock.clone())));
    (tdb, service, clock)
}

fn new_user(email: &str) -> CreateUser {
    CreateUser::new(Email::parse(email).unwrap())
}

async fn create_and_retrieve(backend: Backend) {
    let (_db, users, clock) = setup(backend).await;
    let mut input = new_user("admin@example.com");
    input.first_name = Some("Ada".into());
    input.metadata = Some(
        serde_json::json!({"team": "ops", "n": 1})
            .as_object()
            .unwrap()
            .clone(),
    );
    let created = users.create(input).await.unwrap();
    assert!(created.id.as_str().starts_with("user_"));
    assert_eq!(created.email, "admin@example.com");
    assert_eq!(created.created_at, clock.now());

    let got = users.retrieve(&created.id).await.unwrap();
    assert_eq!(got.email, "admin@example.com");
    assert_eq!(got.first_name.as_deref(), Some("Ada"));
    assert_eq!(got.last_name, None);
    assert_eq!(got.avatar_url, None);
    assert_eq!(
        serde_json::Value::Object(got.metadata.unwrap()),
        serde_json::json!({"team": "ops", "n": 1})
    );
    assert_eq!(got.deleted_at, None);

    let by_email = users
        .find_by_email("admin@example.com")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(by_email.id, created.id);
    assert!(
        users
            .find_by_email("ADMIN@example.com")
            .await
            .unwrap()
            .is_none()
    );

    let missing = UserId::new();
    let err = users.retrieve(&missing).await.unwrap_err();
    assert_eq!(
        err.to_string(),
        format!("User with id: {missing} was not found")
    );
    let core: medusa_core::Error = err.into();
    assert_eq!(core.kind(), Some(medusa_core::ErrorType::NotFound));
}
on_both_backends!(create_and_retrieve);

async fn emails_are_unique_among_live_users(backend: Backend) {
    let (_db, users, _clock) = setup(backend).await;
    let first = users.create(new_user("a@example.com")).await.unwrap();
    let err = users.create(new_user("a@example.com")).await.unwrap_err();
    assert!(
        matches!(err, UserError::EmailTaken(ref e) if e == "a@example.com"),
        "{err:?}"
    );
    assert_eq!(
        err.to_string(),
        "User with email: a@example.com, already exists."
    );

    // Deleted users free their email, as Medusa's partial index does.
    users.delete(&first.id).await.unwrap();
    assert!(matches!(
        users.retrieve(&first.id).await,
        Err(UserError::NotFound(_))
    ));
    assert!(matches!(
        users.delete(&first.id).await,
        Err(UserError::NotFound(_))
    ));
    let second = users.create(new_user("a@example.com")).await.unwrap();
    assert_ne!(second.id, first.id);
}
on_both_backends!(emails_are_unique_among_live_users);

async fn concurrent_creates_of_one_email_make_one_user(backend: Backend) {
    let (_db, users, _clock) = setup(backend).await;
    let attempts = (0..8).map(|_| {
        let users = users.clone();
        tokio::spawn(async move { users.create(new_user("race@example.com")).await })
    });
    let mut ok = 0;
    for a in attempts {
        match a.await.unwrap() {
            Ok(_) => ok += 1,
            Err(UserError::EmailTaken(_)) => {}
            Err(e) => panic!("unexpected error {e:?}"),
        }
    }
    assert_eq!(ok, 1);
}
on_both_backends!(concurrent_creates_of_one_email_make_one_user);

async fn updates_are_partial(backend: Backend) {
    let (_db, users, clock) = setup(backend).await;
    let mut input = new_user("b@example.com");
    input.first_name = Some("Bo".into());
    input.last_name = Some("Lin".into());
    let user = users.create(input).await.unwrap();
    clock.advance(chrono::Duration::minutes(5));
    let updated = users
        .update(
            &user.id,
            UpdateUser {
                last_name: Some(None),
                avatar_url: Some(Some("https://cdn.example/a.png".into())),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(updated.first_name.as_deref(), Some("Bo"));
    assert_eq!(updated.last_name, None);
    assert_eq!(
        updated.avatar_url.as_deref(),
        Some("https://cdn.example/a.png")
    );
    assert_eq!(updated.updated_at, clock.now());
    assert_eq!(updated.created_at, user.created_at);
    assert!(matches!(
        users.update(&UserId::new(), UpdateUser::default()).await,
        Err(UserError::NotFound(_))
    ));
}
on_both_backends!(updates_are_partial);
