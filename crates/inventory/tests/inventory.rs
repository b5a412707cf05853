//! The inventory module on real SQLite and real PostgreSQL: availability math, all-or-nothing
//! reservations, and the races that oversold stock in Medusa (#16502, #16569).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::HashMap;
use std::sync::Arc;

use futures_util::future::join_all;
use medusa_core::registry::Module;
use medusa_core::{ErrorType, SystemClock};
use medusa_db::testing::{Backend, TestDatabase};
use medusa_inventory::{
    CreateInventoryItem, DbInventoryService, FulfillmentRequest, InventoryError, InventoryItemId,
    InventoryModule, InventoryService, ListInventoryItems, ReservationRequest,
};
use sea_orm::{ConnectionTrait, DatabaseConnection, Statement};
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
        // The module bumps the shared change counters (medusa_db::versions) in its writes.
        let mut all = medusa_db::versions::VersionsModule.migrations();
        all.extend(InventoryModule.migrations());
        all
    }
}

struct Ctx {
    svc: Arc<DbInventoryService>,
    db: DatabaseConnection,
    _tdb: TestDatabase,
}

async fn setup(backend: Backend) -> Ctx {
    let tdb = TestDatabase::create(backend).await.unwrap();
    let db = tdb.connect().await.unwrap();
    Migrator::up(&db, None).await.unwrap();
    Ctx {
        svc: Arc::new(DbInventoryService::new(db.clone(), Arc::new(SystemClock))),
        db,
        _tdb: tdb,
    }
}

const L1: &str = "sloc_01JBX4Z6M3Q8Q5ZC7E0K9W2AL1";
const L2: &str = "sloc_01JBX4Z6M3Q8Q5ZC7E0K9W2AL2";
const L3: &str = "sloc_01JBX4Z6M3Q8Q5ZC7E0K9W2AL3";

fn locs(l: &[&str]) -> Vec<String> {
    l.iter().map(|s| s.to_string()).collect()
}

fn strings(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

impl Ctx {
    async fn item(&self, sku: &str) -> InventoryItemId {
        self.svc
            .create_item(CreateInventoryItem {
                sku: Some(sku.into()),
                title: Some(format!("Item {sku}")),
                ..Default::default()
            })
            .await
            .unwrap()
            .id
    }

    async fn item_with_stock(&self, sku: &str, location: &str, stocked: i64) -> InventoryItemId {
        let id = self.item(sku).await;
        self.svc.set_level(&id, location, stocked).await.unwrap();
        id
    }

    async fn reserved(&self, item: &InventoryItemId, location: &str) -> i64 {
        self.svc
            .retrieve_level(item, location)
            .await
            .unwrap()
            .reserved_quantity
    }

    async fn availability(&self, variant: &str, locations: &[&str]) -> Option<i64> {
        self.svc
            .variant_availability(&strings(&[variant]), &locs(locations))
            .await
            .unwrap()
            .get(variant)
            .copied()
    }

    /// Every level's reserved_quantity next to the sum of its reservations.
    async fn reserved_vs_reservations(&self) -> Vec<(String, String, i64, i64)> {
        let sql = "SELECT l.inventory_item_id, l.location_id, l.reserved_quantity, \
                   CAST(COALESCE((SELECT SUM(r.quantity) FROM reservation_item r \
                   WHERE r.inventory_item_id = l.inventory_item_id \
                   AND r.location_id = l.location_id), 0) AS BIGINT) AS reservations \
                   FROM inventory_level l ORDER BY l.inventory_item_id, l.location_id";
        self.db
            .query_all_raw(Statement::from_string(self.db.get_database_backend(), sql))
            .await
            .unwrap()
            .into_iter()
            .map(|row| {
                (
                    row.try_get("", "inventory_item_id").unwrap(),
                    row.try_get("", "location_id").unwrap(),
                    row.try_get("", "reserved_quantity").unwrap(),
                    row.try_get("", "reservations").unwrap(),
                )
            })
            .collect()
    }

    async fn assert_invariant(&self) {
        for (item, location, reserved, sum) in self.reserved_vs_reservations().await {
            assert_eq!(
                reserved, sum,
                "level {item}@{location}: reserved_quantity {reserved} != sum of reservations {sum}"
            );
            assert!(reserved >= 0);
        }
    }
}

fn line(
    item: &InventoryItemId,
    location: &str,
    quantity: i64,
    line_item: &str,
) -> ReservationRequest {
    ReservationRequest::new(item.clone(), location, quantity).for_line_item(line_item)
}

// -------------------------------------------------------------------------------------------
// Items and levels

async fn items_crud_and_list(backend: Backend) {
    let ctx = setup(backend).await;
    let shirt = ctx
        .svc
        .create_item(CreateInventoryItem {
            sku: Some("SHIRT-S".into()),
            title: Some("Medusa T-Shirt".into()),
            hs_code: Some("6109".into()),
            weight: Some(200),
            metadata: Some(serde_json::json!({"color": "black"})),
            ..Default::default()
        })
        .await
        .unwrap();
    assert!(shirt.id.as_str().starts_with("iitem_"));
    assert!(shirt.requires_shipping);
    assert_eq!((shirt.stocked_quantity, shirt.reserved_quantity), (0, 0));
    let mug = ctx.item("MUG_100%").await;
    let no_sku = ctx
        .svc
        .create_item(CreateInventoryItem {
            requires_shipping: Some(false),
            ..Default::default()
        })
        .await
        .unwrap();
    assert!(!no_sku.requires_shipping);
    // Several items may have no sku.
    ctx.svc
        .create_item(CreateInventoryItem::default())
        .await
        .unwrap();

    // sku is unique among live items.
    let err = ctx
        .svc
        .create_item(CreateInventoryItem {
            sku: Some("SHIRT-S".into()),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert!(
        matches!(err, InventoryError::DuplicateSku(ref s) if s == "SHIRT-S"),
        "{err:?}"
    );
    let err: medusa_core::Error = err.into();
    assert_eq!(err.kind(), Some(ErrorType::DuplicateError));

    // Stock sums over levels.
    ctx.svc.set_level(&shirt.id, L1, 10).await.unwrap();
    ctx.svc.set_level(&shirt.id, L2, 5).await.unwrap();
    ctx.svc
        .reserve(&[line(&shirt.id, L2, 2, "li_1")])
        .await
        .unwrap();
    let fetched = ctx.svc.retrieve_item(&shirt.id).await.unwrap();
    assert_eq!(
        (fetched.stocked_quantity, fetched.reserved_quantity),
        (15, 2)
    );
    assert_eq!(
        fetched.metadata,
        Some(serde_json::json!({"color": "black"}))
    );
    assert_eq!(fetched.weight, Some(200));

    // Lists.
    let (all, count) = ctx
        .svc
        .list_items(&ListInventoryItems::default())
        .await
        .unwrap();
    assert_eq!(count, 4);
    assert_eq!(all[0].id, shirt.id);
    assert_eq!((all[0].stocked_quantity, all[0].reserved_quantity), (15, 2));
    assert_eq!(all[1].stocked_quantity, 0);

    let list = |filter: ListInventoryItems| {
        let svc = ctx.svc.clone();
        async move { svc.list_items(&filter).await.unwrap() }
    };
    let (found, count) = list(ListInventoryItems {
        q: Some("t-SHIRT".into()),
        ..Default::default()
    })
    .await;
    assert_eq!((count, found[0].id.clone()), (1, shirt.id.clone()));
    // `%` and `_` are literal.
    let (found, _) = list(ListInventoryItems {
        q: Some("g_100%".into()),
        ..Default::default()
    })
    .await;
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].id, mug);
    let (found, _) = list(ListInventoryItems {
        q: Some("s%s".into()),
        ..Default::default()
    })
    .await;
    assert!(found.is_empty());
    let (found, _) = list(ListInventoryItems {
        q: Some("6109".into()),
        ..Default::default()
    })
    .await;
    assert_eq!(found.len(), 1);
    let (found, count) = list(ListInventoryItems {
        skus: strings(&["SHIRT-S", "MUG_100%", "nope"]),
        ..Default::default()
    })
    .await;
    assert_eq!((found.len(), count), (2, 2));
    let (found, _) = list(ListInventoryItems {
        ids: vec![mug.clone(), no_sku.id.clone()],
        ..Default::default()
    })
    .await;
    assert_eq!(found.len(), 2);
    let (page, count) = list(ListInventoryItems {
        offset: 1,
        limit: 2,
        ..Default::default()
    })
    .await;
    assert_eq!((page.len(), count), (2, 4));
    assert_eq!(page[0].id, mug);

    // Deleting: refused while something is reserved; afterwards the sku is free again.
    let err = ctx.svc.delete_item(&shirt.id).await.unwrap_err();
    assert!(
        matches!(err, InventoryError::ItemHasReservations(_)),
        "{err:?}"
    );
    assert_eq!(
        ctx.svc
            .retrieve_item(&shirt.id)
            .await
            .unwrap()
            .stocked_quantity,
        15,
        "a refused delete changes nothing"
    );
    ctx.svc
        .delete_reservations_for_line_items(&strings(&["li_1"]))
        .await
        .unwrap();
    ctx.svc.delete_item(&shirt.id).await.unwrap();
    let err = ctx.svc.retrieve_item(&shirt.id).await.unwrap_err();
    assert!(matches!(err, InventoryError::ItemNotFound(_)));
    let err: medusa_core::Error = err.into();
    assert_eq!(err.kind(), Some(ErrorType::NotFound));
    assert_eq!(
        err.message(),
        Some(format!("InventoryItem with id: {} was not found", shirt.id).as_str())
    );
    assert!(ctx.svc.list_levels(&shirt.id).await.unwrap().is_empty());
    ctx.item("SHIRT-S").await;
}
on_both_backends!(items_crud_and_list);

async fn levels_set_adjust_delete(backend: Backend) {
    let ctx = setup(backend).await;
    let item = ctx.item("A").await;

    let created = ctx.svc.set_level(&item, L1, 7).await.unwrap();
    assert!(created.id.as_str().starts_with("ilev_"));
    assert_eq!(
        (
            created.stocked_quantity,
            created.reserved_quantity,
            created.incoming_quantity
        ),
        (7, 0, 0)
    );
    ctx.svc.reserve(&[line(&item, L1, 3, "li")]).await.unwrap();
    // Setting again updates the same level and leaves reserved_quantity alone.
    let updated = ctx.svc.set_level(&item, L1, 4).await.unwrap();
    assert_eq!(updated.id, created.id);
    assert_eq!(
        (updated.stocked_quantity, updated.reserved_quantity),
        (4, 3)
    );
    assert_eq!(updated.available_quantity(), 1);

    let adjusted = ctx.svc.adjust_level(&item, L1, 6).await.unwrap();
    assert_eq!(
        (adjusted.stocked_quantity, adjusted.reserved_quantity),
        (10, 3)
    );
    let adjusted = ctx.svc.adjust_level(&item, L1, -2).await.unwrap();
    assert_eq!(adjusted.stocked_quantity, 8);

    let err = ctx.svc.adjust_level(&item, L2, 1).await.unwrap_err();
    assert!(
        matches!(err, InventoryError::LevelNotFound { .. }),
        "{err:?}"
    );
    let err: medusa_core::Error = err.into();
    assert_eq!(
        err.message(),
        Some(format!("Inventory level for item {item} and location {L2} not found").as_str())
    );
    assert!(matches!(
        ctx.svc.set_level(&item, L1, -1).await.unwrap_err(),
        InventoryError::InvalidData(_)
    ));
    assert!(matches!(
        ctx.svc.set_level(&item, "", 1).await.unwrap_err(),
        InventoryError::InvalidData(_)
    ));
    assert!(matches!(
        ctx.svc
            .set_level(&InventoryItemId::new(), L1, 1)
            .await
            .unwrap_err(),
        InventoryError::ItemNotFound(_)
    ));

    // A level with reservations cannot be deleted.
    let err = ctx.svc.delete_level(&item, L1).await.unwrap_err();
    assert!(
        matches!(err, InventoryError::LevelHasReservations { .. }),
        "{err:?}"
    );
    ctx.svc.set_level(&item, L2, 1).await.unwrap();
    assert_eq!(ctx.svc.list_levels(&item).await.unwrap().len(), 2);
    ctx.svc.delete_level(&item, L2).await.unwrap();
    assert!(matches!(
        ctx.svc.delete_level(&item, L2).await.unwrap_err(),
        InventoryError::LevelNotFound { .. }
    ));
    ctx.svc
        .delete_reservations_for_line_items(&strings(&["li"]))
        .await
        .unwrap();
    ctx.svc.delete_level(&item, L1).await.unwrap();
    assert!(ctx.svc.list_levels(&item).await.unwrap().is_empty());
}
on_both_backends!(levels_set_adjust_delete);

// -------------------------------------------------------------------------------------------
// Availability

async fn availability_math(backend: Backend) {
    let ctx = setup(backend).await;
    let a = ctx.item("A").await;
    let b = ctx.item("B").await;
    let c = ctx.item("C").await; // no levels anywhere
    let d = ctx.item("D").await;
    // A: 5 at L1, 3 (1 reserved) at L2 -> 7 over [L1, L2].
    ctx.svc.set_level(&a, L1, 5).await.unwrap();
    ctx.svc.set_level(&a, L2, 3).await.unwrap();
    ctx.svc.reserve(&[line(&a, L2, 1, "li_a")]).await.unwrap();
    // B: 7 at L1, 100 at L3 (not a channel location).
    ctx.svc.set_level(&b, L1, 7).await.unwrap();
    ctx.svc.set_level(&b, L3, 100).await.unwrap();
    // D: 1 in stock, 2 reserved on backorder -> -1.
    ctx.svc.set_level(&d, L1, 1).await.unwrap();
    ctx.svc
        .reserve(&[line(&d, L1, 2, "li_d").allow_backorder(true)])
        .await
        .unwrap();

    // v_single: one A.  v_kit: one A + two B.  v_pair: two A.  v_none: no items.
    // v_c: an item without levels.  v_neg: 2 x D.  v_gone: an item deleted later.
    ctx.svc.link_variant("v_single", &a, 1).await.unwrap();
    ctx.svc.link_variant("v_kit", &a, 1).await.unwrap();
    ctx.svc.link_variant("v_kit", &b, 2).await.unwrap();
    ctx.svc.link_variant("v_pair", &a, 2).await.unwrap();
    ctx.svc.link_variant("v_c", &c, 1).await.unwrap();
    ctx.svc.link_variant("v_neg", &d, 2).await.unwrap();
    let gone = ctx.item_with_stock("GONE", L1, 50).await;
    ctx.svc.link_variant("v_gone", &gone, 1).await.unwrap();
    ctx.svc.link_variant("v_kit", &gone, 1).await.unwrap();
    ctx.svc.delete_item(&gone).await.unwrap();

    let all = strings(&[
        "v_single", "v_kit", "v_pair", "v_none", "v_c", "v_neg", "v_gone",
    ]);
    let got = ctx
        .svc
        .variant_availability(&all, &locs(&[L1, L2]))
        .await
        .unwrap();
    let expected: HashMap<String, i64> = [
        ("v_single", 7),
        ("v_kit", 3),  // min(7 / 1, floor(7 / 2))
        ("v_pair", 3), // floor(7 / 2)
        ("v_c", 0),
        ("v_neg", -1), // floor(-1 / 2)
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect();
    assert_eq!(got, expected);

    // Only the given locations count.
    assert_eq!(ctx.availability("v_kit", &[L1]).await, Some(3)); // min(5, floor(7 / 2))
    assert_eq!(ctx.availability("v_single", &[L2]).await, Some(2));
    assert_eq!(ctx.availability("v_kit", &[L2, L3]).await, Some(2)); // min(2, 50)
    assert_eq!(ctx.availability("v_kit", &[L3]).await, Some(0));
    assert_eq!(ctx.availability("v_single", &[]).await, Some(0));
    assert_eq!(ctx.availability("v_none", &[L1]).await, None);
    assert!(
        ctx.svc
            .variant_availability(&[], &locs(&[L1]))
            .await
            .unwrap()
            .is_empty()
    );

    // Relinking changes required_quantity; unlinking removes the item from the minimum.
    ctx.svc.link_variant("v_kit", &b, 3).await.unwrap();
    assert_eq!(ctx.availability("v_kit", &[L1, L2]).await, Some(2));
    ctx.svc.unlink_variant("v_kit", &b).await.unwrap();
    assert_eq!(ctx.availability("v_kit", &[L1, L2]).await, Some(7));
    assert!(matches!(
        ctx.svc.link_variant("v_kit", &b, 0).await.unwrap_err(),
        InventoryError::InvalidData(_)
    ));
    assert!(matches!(
        ctx.svc
            .link_variant("v_kit", &InventoryItemId::new(), 1)
            .await
            .unwrap_err(),
        InventoryError::ItemNotFound(_)
    ));

    let links = ctx
        .svc
        .items_for_variants(&strings(&["v_pair", "v_kit", "v_gone", "v_none"]))
        .await
        .unwrap();
    let links: Vec<(String, InventoryItemId, i64)> = links
        .into_iter()
        .map(|l| (l.variant_id, l.inventory_item_id, l.required_quantity))
        .collect();
    assert_eq!(
        links,
        [
            ("v_kit".to_owned(), a.clone(), 1),
            ("v_pair".to_owned(), a.clone(), 2)
        ]
    );
}
on_both_backends!(availability_math);

async fn availability_of_many_variants_in_one_call(backend: Backend) {
    let ctx = setup(backend).await;
    let a = ctx.item_with_stock("A", L1, 1000).await;
    let variants: Vec<String> = (1..=300).map(|i| format!("variant_{i}")).collect();
    for (i, v) in variants.iter().enumerate() {
        ctx.svc.link_variant(v, &a, i as i64 + 1).await.unwrap();
    }
    let got = ctx
        .svc
        .variant_availability(&variants, &locs(&[L1]))
        .await
        .unwrap();
    assert_eq!(got.len(), 300);
    for (i, v) in variants.iter().enumerate() {
        assert_eq!(got[v], 1000 / (i as i64 + 1), "{v}");
    }
}
on_both_backends!(availability_of_many_variants_in_one_call);

// -------------------------------------------------------------------------------------------
// Reservations

async fn reserve_errors_roll_everything_back(backend: Backend) {
    let ctx = setup(backend).await;
    let a = ctx.item_with_stock("A", L1, 5).await;
    let b = ctx.item_with_stock("B", L1, 1).await;

    // Missing level: 404 with Medusa's message; the first line is not kept.
    let err = ctx
        .svc
        .reserve(&[line(&a, L1, 2, "li_1"), line(&b, L2, 1, "li_2")])
        .await
        .unwrap_err();
    assert!(matches!(err, InventoryError::NotStocked { .. }), "{err:?}");
    let err: medusa_core::Error = err.into();
    assert_eq!(err.kind(), Some(ErrorType::NotFound));
    assert_eq!(
        err.message(),
        Some(format!("Item {b} is not stocked at location {L2}").as_str())
    );
    assert_eq!(ctx.reserved(&a, L1).await, 0);

    // Not enough stock: 400 not_allowed; nothing reserved.
    let err = ctx
        .svc
        .reserve(&[line(&a, L1, 2, "li_1"), line(&b, L1, 2, "li_2")])
        .await
        .unwrap_err();
    assert!(
        matches!(err, InventoryError::InsufficientStock { .. }),
        "{err:?}"
    );
    let err: medusa_core::Error = err.into();
    assert_eq!(err.kind(), Some(ErrorType::NotAllowed));
    assert_eq!(
        err.message(),
        Some(format!("Not enough stock available for item {b} at location {L1}").as_str())
    );
    assert_eq!(ctx.reserved(&a, L1).await, 0);
    assert_eq!(ctx.reserved(&b, L1).await, 0);
    assert!(
        ctx.svc
            .reservations_for_line_items(&strings(&["li_1", "li_2"]))
            .await
            .unwrap()
            .is_empty()
    );

    // Bad quantities never reach the database.
    for q in [0, -1] {
        assert!(matches!(
            ctx.svc.reserve(&[line(&a, L1, q, "li")]).await.unwrap_err(),
            InventoryError::InvalidData(_)
        ));
    }
    assert!(matches!(
        ctx.svc
            .reserve(&[line(&a, L1, i64::MAX, "x"), line(&a, L1, 1, "y")])
            .await
            .unwrap_err(),
        InventoryError::InvalidData(_)
    ));

    // Success returns the reservations in line order.
    let res = ctx
        .svc
        .reserve(&[line(&b, L1, 1, "li_2"), line(&a, L1, 5, "li_1")])
        .await
        .unwrap();
    assert_eq!(res.len(), 2);
    assert!(res[0].id.as_str().starts_with("resitem_"));
    assert_eq!(
        (
            res[0].inventory_item_id.clone(),
            res[0].quantity,
            res[0].line_item_id.as_deref()
        ),
        (b.clone(), 1, Some("li_2"))
    );
    assert_eq!(
        (res[1].inventory_item_id.clone(), res[1].quantity),
        (a.clone(), 5)
    );
    assert_eq!(ctx.reserved(&a, L1).await, 5);
    assert_eq!(ctx.reserved(&b, L1).await, 1);
    ctx.assert_invariant().await;
}
on_both_backends!(reserve_errors_roll_everything_back);

async fn backorder_lines_skip_the_guard(backend: Backend) {
    let ctx = setup(backend).await;
    let a = ctx.item_with_stock("A", L1, 1).await;
    assert!(matches!(
        ctx.svc.reserve(&[line(&a, L1, 2, "li")]).await.unwrap_err(),
        InventoryError::InsufficientStock { .. }
    ));
    ctx.svc
        .reserve(&[line(&a, L1, 2, "li").allow_backorder(true)])
        .await
        .unwrap();
    let level = ctx.svc.retrieve_level(&a, L1).await.unwrap();
    assert_eq!((level.stocked_quantity, level.reserved_quantity), (1, 2));
    // The level still has to exist.
    assert!(matches!(
        ctx.svc
            .reserve(&[line(&a, L2, 1, "li").allow_backorder(true)])
            .await
            .unwrap_err(),
        InventoryError::NotStocked { .. }
    ));
    // A normal line still needs available stock, even next to a backorder line.
    let b = ctx.item_with_stock("B", L1, 1).await;
    ctx.svc
        .reserve(&[
            line(&b, L1, 5, "li_x").allow_backorder(true),
            line(&b, L1, 1, "li_y"),
        ])
        .await
        .unwrap();
    assert!(matches!(
        ctx.svc
            .reserve(&[line(&b, L1, 1, "li_z")])
            .await
            .unwrap_err(),
        InventoryError::InsufficientStock { .. }
    ));
    ctx.assert_invariant().await;
}
on_both_backends!(backorder_lines_skip_the_guard);

/// Twenty checkouts for the last unit: exactly one wins.
async fn twenty_concurrent_reservations_for_the_last_unit(backend: Backend) {
    let ctx = setup(backend).await;
    let a = ctx.item_with_stock("A", L1, 1).await;
    let attempts = (0..20).map(|i| {
        let svc = ctx.svc.clone();
        let a = a.clone();
        tokio::spawn(async move { svc.reserve(&[line(&a, L1, 1, &format!("li_{i}"))]).await })
    });
    let results: Vec<_> = join_all(attempts)
        .await
        .into_iter()
        .map(|r| r.unwrap())
        .collect();
    let won = results.iter().filter(|r| r.is_ok()).count();
    assert_eq!(won, 1, "{results:?}");
    for r in results.iter().filter_map(|r| r.as_ref().err()) {
        assert!(
            matches!(r, InventoryError::InsufficientStock { .. }),
            "{r:?}"
        );
    }
    let level = ctx.svc.retrieve_level(&a, L1).await.unwrap();
    assert_eq!((level.stocked_quantity, level.reserved_quantity), (1, 1));
    ctx.assert_invariant().await;
}
on_both_backends!(twenty_concurrent_reservations_for_the_last_unit);

/// Medusa #16502: two lines of one cart sharing an inventory item must be checked together.
async fn bundle_lines_sharing_an_item_cannot_oversell(backend: Backend) {
    let ctx = setup(backend).await;
    let a = ctx.item_with_stock("A", L1, 2).await;
    // A bundle variant needing 2 x A, and a single variant needing 1 x A, in one cart.
    ctx.svc.link_variant("v_bundle", &a, 2).await.unwrap();
    ctx.svc.link_variant("v_single", &a, 1).await.unwrap();
    assert_eq!(ctx.availability("v_bundle", &[L1]).await, Some(1));
    assert_eq!(ctx.availability("v_single", &[L1]).await, Some(2));
    // Each line alone fits; together they need 3 of 2.
    let err = ctx
        .svc
        .reserve(&[line(&a, L1, 2, "li_bundle"), line(&a, L1, 1, "li_single")])
        .await
        .unwrap_err();
    assert!(
        matches!(err, InventoryError::InsufficientStock { .. }),
        "{err:?}"
    );
    assert_eq!(ctx.reserved(&a, L1).await, 0);

    // Ten carts at once, each with two lines of one unit of A, against 3 in stock: one cart
    // (2 units) fits, a second would need 4.
    ctx.svc.set_level(&a, L1, 3).await.unwrap();
    let attempts = (0..10).map(|i| {
        let svc = ctx.svc.clone();
        let a = a.clone();
        tokio::spawn(async move {
            svc.reserve(&[
                line(&a, L1, 1, &format!("cart{i}_li1")),
                line(&a, L1, 1, &format!("cart{i}_li2")),
            ])
            .await
        })
    });
    let won = join_all(attempts)
        .await
        .into_iter()
        .filter(|r| r.as_ref().unwrap().is_ok())
        .count();
    assert_eq!(won, 1);
    let level = ctx.svc.retrieve_level(&a, L1).await.unwrap();
    assert_eq!((level.stocked_quantity, level.reserved_quantity), (3, 2));
    ctx.assert_invariant().await;
}
on_both_backends!(bundle_lines_sharing_an_item_cannot_oversell);

/// Medusa #16569: concurrent reservations and releases never lose an update, and never
/// deadlock although carts touch the same levels in different line orders.
async fn reserved_equals_reservations_after_concurrent_reserve_and_release(backend: Backend) {
    let ctx = setup(backend).await;
    let a = ctx.item_with_stock("A", L1, 10).await;
    let b = ctx.item_with_stock("B", L1, 10).await;
    ctx.svc.set_level(&a, L2, 10).await.unwrap();
    let tasks = (0..40).map(|i| {
        let svc = ctx.svc.clone();
        let (a, b) = (a.clone(), b.clone());
        tokio::spawn(async move {
            let li = format!("li_{i}");
            let mut lines = vec![
                line(&a, L1, 1, &li),
                line(&b, L1, 1, &li),
                line(&a, L2, 1, &li),
            ];
            if i % 2 == 1 {
                lines.reverse();
            }
            let reserved = svc.reserve(&lines).await;
            match reserved {
                Ok(_) if i % 3 == 0 => {
                    let released = svc
                        .delete_reservations_for_line_items(std::slice::from_ref(&li))
                        .await
                        .unwrap();
                    assert_eq!(released.len(), 3);
                    false
                }
                Ok(_) => true,
                Err(InventoryError::InsufficientStock { .. }) => false,
                Err(e) => panic!("unexpected error: {e:?}"),
            }
        })
    });
    let kept = join_all(tasks)
        .await
        .into_iter()
        .filter(|r| *r.as_ref().unwrap())
        .count() as i64;
    assert!(kept <= 10 && kept > 0, "kept {kept}");
    ctx.assert_invariant().await;
    for (item, location) in [(&a, L1), (&b, L1), (&a, L2)] {
        assert_eq!(ctx.reserved(item, location).await, kept);
    }
    // Releasing everything brings every level back to zero.
    let all: Vec<String> = (0..40).map(|i| format!("li_{i}")).collect();
    let released = ctx
        .svc
        .delete_reservations_for_line_items(&all)
        .await
        .unwrap();
    assert_eq!(released.len() as i64, 3 * kept);
    for (item, location) in [(&a, L1), (&b, L1), (&a, L2)] {
        assert_eq!(ctx.reserved(item, location).await, 0);
    }
    ctx.assert_invariant().await;
}
on_both_backends!(reserved_equals_reservations_after_concurrent_reserve_and_release);

/// Two releases of the same line item at once release it once.
async fn concurrent_releases_of_one_line_release_once(backend: Backend) {
    let ctx = setup(backend).await;
    let a = ctx.item_with_stock("A", L1, 10).await;
    ctx.svc
        .reserve(&[line(&a, L1, 4, "li"), line(&a, L1, 1, "other")])
        .await
        .unwrap();
    let tasks = (0..8).map(|_| {
        let svc = ctx.svc.clone();
        tokio::spawn(async move {
            svc.delete_reservations_for_line_items(&strings(&["li"]))
                .await
                .unwrap()
                .len()
        })
    });
    let released: usize = join_all(tasks).await.into_iter().map(|r| r.unwrap()).sum();
    assert_eq!(released, 1);
    assert_eq!(ctx.reserved(&a, L1).await, 1);
    ctx.assert_invariant().await;
}
on_both_backends!(concurrent_releases_of_one_line_release_once);

async fn release_restores_availability(backend: Backend) {
    let ctx = setup(backend).await;
    let a = ctx.item_with_stock("A", L1, 10).await;
    ctx.svc.link_variant("v_pair", &a, 2).await.unwrap();
    assert_eq!(ctx.availability("v_pair", &[L1]).await, Some(5));

    // Two units of the pair variant = 4 of A.
    let res = ctx.svc.reserve(&[line(&a, L1, 4, "li")]).await.unwrap();
    assert_eq!(ctx.availability("v_pair", &[L1]).await, Some(3));
    assert_eq!(
        ctx.svc
            .reservations_for_line_items(&strings(&["li"]))
            .await
            .unwrap(),
        res
    );

    let released = ctx
        .svc
        .delete_reservations_for_line_items(&strings(&["li"]))
        .await
        .unwrap();
    assert_eq!(released, res);
    assert_eq!(ctx.availability("v_pair", &[L1]).await, Some(5));
    // Releasing again is a no-op.
    assert!(
        ctx.svc
            .delete_reservations_for_line_items(&strings(&["li"]))
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(ctx.reserved(&a, L1).await, 0);

    // By reservation id too.
    let res = ctx
        .svc
        .reserve(&[line(&a, L1, 3, "li_2"), line(&a, L1, 1, "li_3")])
        .await
        .unwrap();
    let released = ctx
        .svc
        .delete_reservations(std::slice::from_ref(&res[0].id))
        .await
        .unwrap();
    assert_eq!(released.len(), 1);
    assert_eq!(ctx.reserved(&a, L1).await, 1);
    ctx.assert_invariant().await;
}
on_both_backends!(release_restores_availability);

async fn fulfilment_takes_stock_and_reservation_together(backend: Backend) {
    let ctx = setup(backend).await;
    let a = ctx.item_with_stock("A", L1, 10).await;
    ctx.svc.link_variant("v", &a, 1).await.unwrap();
    ctx.svc.reserve(&[line(&a, L1, 3, "li")]).await.unwrap();
    assert_eq!(ctx.availability("v", &[L1]).await, Some(7));

    let fulfil = |quantity: i64, line_item: &str| FulfillmentRequest {
        line_item_id: line_item.to_owned(),
        inventory_item_id: a.clone(),
        location_id: L1.to_owned(),
        quantity,
    };
    ctx.svc.fulfill(&[fulfil(2, "li")]).await.unwrap();
    let level = ctx.svc.retrieve_level(&a, L1).await.unwrap();
    assert_eq!((level.stocked_quantity, level.reserved_quantity), (8, 1));
    let left = ctx
        .svc
        .reservations_for_line_items(&strings(&["li"]))
        .await
        .unwrap();
    assert_eq!(left.len(), 1);
    assert_eq!(left[0].quantity, 1);
    // The reserved part leaves without changing what is available.
    assert_eq!(ctx.availability("v", &[L1]).await, Some(7));
    ctx.assert_invariant().await;

    // Fulfilling more than was reserved: the rest comes off stock only.
    ctx.svc.fulfill(&[fulfil(3, "li")]).await.unwrap();
    let level = ctx.svc.retrieve_level(&a, L1).await.unwrap();
    assert_eq!((level.stocked_quantity, level.reserved_quantity), (5, 0));
    assert!(
        ctx.svc
            .reservations_for_line_items(&strings(&["li"]))
            .await
            .unwrap()
            .is_empty()
    );
    ctx.assert_invariant().await;

    // Unknown level: nothing changes.
    let err = ctx
        .svc
        .fulfill(&[
            fulfil(1, "li"),
            FulfillmentRequest {
                location_id: L2.to_owned(),
                ..fulfil(1, "li")
            },
        ])
        .await
        .unwrap_err();
    assert!(
        matches!(err, InventoryError::LevelNotFound { .. }),
        "{err:?}"
    );
    assert_eq!(
        ctx.svc
            .retrieve_level(&a, L1)
            .await
            .unwrap()
            .stocked_quantity,
        5
    );
}
on_both_backends!(fulfilment_takes_stock_and_reservation_together);
