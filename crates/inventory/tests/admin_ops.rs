//! The module operations behind the admin inventory api, on real SQLite and PostgreSQL:
//! level creation and updates, reservation updates (never oversell, reserved always equal to
//! the sum of reservations), and the cache version every write bumps.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;

use futures_util::future::join_all;
use medusa_core::SystemClock;
use medusa_core::registry::Module;
use medusa_db::testing::{Backend, TestDatabase};
use medusa_inventory::{
    CreateInventoryItem, DbInventoryService, InventoryError, InventoryItemId, InventoryModule,
    InventoryService, ListInventoryItems, ListReservations, ReservationRequest,
    UpdateInventoryItem, UpdateReservation,
};
use sea_orm::DatabaseConnection;
use sea_orm_migration::{MigrationTrait, MigratorTrait};

macro_rules! on_both_backends {
    ($name:ident) => {
        mod $name {
            use super::*;
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                super::$name(Backend::Sqlite).await;
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                super::$name(Backend::Postgres).await;
            }
        }
    };
}

struct Migrator;

impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        let mut all = medusa_db::versions::VersionsModule.migrations();
        all.extend(InventoryModule.migrations());
        all
    }
}

const L1: &str = "sloc_01JBX4Z6M3Q8Q5ZC7E0K9W2AL1";
const L2: &str = "sloc_01JBX4Z6M3Q8Q5ZC7E0K9W2AL2";

async fn setup(backend: Backend) -> (Arc<DbInventoryService>, DatabaseConnection, TestDatabase) {
    let tdb = TestDatabase::create(backend).await.unwrap();
    let db = tdb.connect().await.unwrap();
    Migrator::up(&db, None).await.unwrap();
    let svc = Arc::new(DbInventoryService::new(db.clone(), Arc::new(SystemClock)));
    (svc, db, tdb)
}

async fn version(db: &DatabaseConnection) -> i64 {
    medusa_db::versions::read(db, &[medusa_db::versions::INVENTORY])
        .await
        .unwrap()[0]
}

async fn new_item(svc: &DbInventoryService, sku: &str) -> InventoryItemId {
    svc.create_item(CreateInventoryItem {
        sku: Some(sku.into()),
        ..Default::default()
    })
    .await
    .unwrap()
    .id
}

/// `reserved_quantity` of each level equals the sum of its reservations.
async fn assert_invariant(svc: &DbInventoryService, item: &InventoryItemId) {
    let (all, _) = svc
        .list_reservations(&ListReservations {
            inventory_item_ids: vec![item.clone()],
            limit: 10_000,
            ..Default::default()
        })
        .await
        .unwrap();
    for level in svc.list_levels(item).await.unwrap() {
        let sum: i64 = all
            .iter()
            .filter(|r| r.location_id == level.location_id)
            .map(|r| r.quantity)
            .sum();
        assert_eq!(level.reserved_quantity, sum, "{level:?}");
    }
}

async fn levels_and_versions(backend: Backend) {
    let (svc, db, _tdb) = setup(backend).await;
    let item = new_item(&svc, "A").await;
    let v0 = version(&db).await;
    let level = svc.create_level(&item, L1, 4, 2).await.unwrap();
    assert_eq!((level.stocked_quantity, level.incoming_quantity), (4, 2));
    let v1 = version(&db).await;
    assert!(v1 > v0, "creating a level bumps the inventory version");
    assert!(matches!(
        svc.create_level(&item, L1, 1, 0).await.unwrap_err(),
        InventoryError::LevelExists { .. }
    ));
    assert!(matches!(
        svc.create_level(&item, L2, -1, 0).await.unwrap_err(),
        InventoryError::InvalidData(_)
    ));
    let level = svc.update_level(&item, L1, None, Some(5)).await.unwrap();
    assert_eq!((level.stocked_quantity, level.incoming_quantity), (4, 5));
    let v2 = version(&db).await;
    assert!(v2 > v1, "updating a level bumps the inventory version");
    assert!(matches!(
        svc.update_level(&item, L2, Some(1), None)
            .await
            .unwrap_err(),
        InventoryError::LevelNotFound { .. }
    ));

    let updated = svc
        .update_item(
            &item,
            UpdateInventoryItem {
                title: Some(Some("Renamed".into())),
                sku: Some(None),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(
        (updated.title.as_deref(), updated.sku),
        (Some("Renamed"), None)
    );
    assert_eq!(updated.stocked_quantity, 4);
    assert!(version(&db).await > v2);

    let other = new_item(&svc, "B").await;
    svc.create_level(&other, L2, 1, 0).await.unwrap();
    let (found, count) = svc
        .list_items(&ListInventoryItems {
            location_ids: vec![L2.into()],
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!((count, found[0].id.clone()), (1, other.clone()));
    let levels = svc
        .levels_for_items(&[item.clone(), other.clone()])
        .await
        .unwrap();
    assert_eq!(levels.len(), 2);
}
on_both_backends!(levels_and_versions);

async fn reservation_updates_never_oversell(backend: Backend) {
    let (svc, db, _tdb) = setup(backend).await;
    let item = new_item(&svc, "A").await;
    svc.create_level(&item, L1, 6, 0).await.unwrap();
    svc.create_level(&item, L2, 2, 0).await.unwrap();
    let rows = svc
        .reserve(&[
            ReservationRequest::new(item.clone(), L1, 2),
            ReservationRequest::new(item.clone(), L1, 2),
            ReservationRequest::new(item.clone(), L1, 2),
        ])
        .await
        .unwrap();
    assert_invariant(&svc, &item).await;

    // Full: growing any reservation fails and changes nothing.
    let v = version(&db).await;
    let err = svc
        .update_reservation(
            &rows[0].id,
            UpdateReservation {
                quantity: Some(3),
                ..Default::default()
            },
        )
        .await
        .unwrap_err();
    assert!(
        matches!(err, InventoryError::InsufficientStock { .. }),
        "{err:?}"
    );
    assert_eq!(version(&db).await, v);
    assert_invariant(&svc, &item).await;

    // Moving to a location with room for it.
    let moved = svc
        .update_reservation(
            &rows[0].id,
            UpdateReservation {
                location_id: Some(L2.into()),
                description: Some(Some("moved".into())),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!((moved.location_id.as_str(), moved.quantity), (L2, 2));
    assert_eq!(moved.description.as_deref(), Some("moved"));
    assert_eq!(svc.retrieve_reservation(&rows[0].id).await.unwrap(), moved);
    assert!(version(&db).await > v);
    assert_invariant(&svc, &item).await;
    // Moving to a location where the item is not stocked.
    let err = svc
        .update_reservation(
            &rows[1].id,
            UpdateReservation {
                location_id: Some("sloc_nowhere".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap_err();
    assert!(matches!(err, InventoryError::NotStocked { .. }), "{err:?}");
    assert_invariant(&svc, &item).await;

    // Two units free at L1; the two remaining reservations each ask for two more at once:
    // exactly one succeeds.
    let tasks = rows[1..].iter().map(|r| {
        let svc = svc.clone();
        let id = r.id.clone();
        tokio::spawn(async move {
            svc.update_reservation(
                &id,
                UpdateReservation {
                    quantity: Some(4),
                    ..Default::default()
                },
            )
            .await
        })
    });
    let results: Vec<_> = join_all(tasks)
        .await
        .into_iter()
        .map(|r| r.unwrap())
        .collect();
    assert_eq!(
        results.iter().filter(|r| r.is_ok()).count(),
        1,
        "{results:?}"
    );
    assert_eq!(
        svc.retrieve_level(&item, L1)
            .await
            .unwrap()
            .reserved_quantity,
        6
    );
    assert_invariant(&svc, &item).await;

    // Shrinking releases.
    svc.update_reservation(
        &rows[0].id,
        UpdateReservation {
            quantity: Some(1),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(
        svc.retrieve_level(&item, L2)
            .await
            .unwrap()
            .reserved_quantity,
        1
    );
    assert_invariant(&svc, &item).await;
    let missing = medusa_inventory::ReservationItemId::new();
    assert!(matches!(
        svc.retrieve_reservation(&missing).await.unwrap_err(),
        InventoryError::ReservationNotFound(_)
    ));
}
on_both_backends!(reservation_updates_never_oversell);
