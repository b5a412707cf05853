//! The stock-location module on real SQLite and real PostgreSQL.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;

use chrono::Duration;
use medusa_core::id::SalesChannelId;
use medusa_core::registry::Module;
use medusa_core::{ErrorType, TestClock};
use medusa_db::testing::{Backend, TestDatabase};
use medusa_stock_location::{
    DbStockLocationService, ListStockLocations, StockLocationAddressInput, StockLocationError,
    StockLocationId, StockLocationModule, StockLocationService,
};
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
        all.extend(StockLocationModule.migrations());
        all
    }
}

struct Ctx {
    svc: DbStockLocationService,
    clock: TestClock,
    _db: TestDatabase,
}

impl Ctx {
    /// Moves the clock so `created_at` orders the locations created in a test.
    fn tick(&self) {
        self.clock.advance(Duration::seconds(1));
    }
}

async fn setup(backend: Backend) -> Ctx {
    let tdb = TestDatabase::create(backend).await.unwrap();
    let db = tdb.connect().await.unwrap();
    Migrator::up(&db, None).await.unwrap();
    let clock = TestClock::starting_now();
    Ctx {
        svc: DbStockLocationService::new(db, Arc::new(clock.clone())),
        clock,
        _db: tdb,
    }
}

fn sc() -> SalesChannelId {
    SalesChannelId::new()
}

async fn create_and_retrieve(backend: Backend) {
    let ctx = setup(backend).await;
    let address = StockLocationAddressInput {
        city: Some("Copenhagen".into()),
        postal_code: Some("1000".into()),
        metadata: Some(serde_json::json!({"dock": 3})),
        ..StockLocationAddressInput::new("Main street 1", "dk")
    };
    let created = ctx
        .svc
        .create("European Warehouse", Some(address))
        .await
        .unwrap();
    assert!(created.id.as_str().starts_with("sloc_"));
    let a = created.address.as_ref().unwrap();
    assert!(a.id.as_str().starts_with("laddr_"));
    assert_eq!(created.address_id.as_ref(), Some(&a.id));
    assert_eq!(a.address_1, "Main street 1");
    assert_eq!(a.country_code, "dk");
    assert_eq!(a.city.as_deref(), Some("Copenhagen"));

    // What create returns is what is stored (timestamps included).
    let fetched = ctx.svc.retrieve(&created.id).await.unwrap();
    assert_eq!(fetched, created);
    assert_eq!(fetched.name, "European Warehouse");

    let bare = ctx.svc.create("Shop", None).await.unwrap();
    let fetched = ctx.svc.retrieve(&bare.id).await.unwrap();
    assert!(fetched.address.is_none() && fetched.address_id.is_none());

    // Invalid input.
    for (name, address) in [
        ("  ", None),
        ("X", Some(StockLocationAddressInput::new("", "dk"))),
        ("X", Some(StockLocationAddressInput::new("Street", ""))),
    ] {
        let err = ctx.svc.create(name, address).await.unwrap_err();
        assert!(matches!(err, StockLocationError::InvalidData(_)), "{err:?}");
        let err: medusa_core::Error = err.into();
        assert_eq!(err.kind(), Some(ErrorType::InvalidData));
    }

    // Unknown id: Medusa's not_found message.
    let unknown = StockLocationId::new();
    let err = ctx.svc.retrieve(&unknown).await.unwrap_err();
    assert!(matches!(err, StockLocationError::NotFound(_)));
    let err: medusa_core::Error = err.into();
    assert_eq!(err.kind(), Some(ErrorType::NotFound));
    assert_eq!(
        err.message(),
        Some(format!("StockLocation with id: {unknown} was not found").as_str())
    );

    // Deleted locations are gone.
    ctx.svc.delete(&bare.id).await.unwrap();
    assert!(matches!(
        ctx.svc.retrieve(&bare.id).await.unwrap_err(),
        StockLocationError::NotFound(_)
    ));
    assert!(matches!(
        ctx.svc.delete(&bare.id).await.unwrap_err(),
        StockLocationError::NotFound(_)
    ));
}
on_both_backends!(create_and_retrieve);

async fn list_filters_and_pages(backend: Backend) {
    let ctx = setup(backend).await;
    let mut ids = Vec::new();
    for (name, city) in [
        ("Alpha", Some("Berlin")),
        ("Beta", None),
        ("Gamma 100%", Some("Paris")),
        ("Delta", Some("berlin-Mitte")),
    ] {
        let address = city.map(|c| StockLocationAddressInput {
            city: Some(c.into()),
            ..StockLocationAddressInput::new("Street 1", "de")
        });
        ids.push(ctx.svc.create(name, address).await.unwrap().id);
        ctx.tick();
    }
    let deleted = ctx.svc.create("Deleted Berlin", None).await.unwrap();
    ctx.svc.delete(&deleted.id).await.unwrap();

    let names = |v: &[medusa_stock_location::StockLocation]| {
        v.iter().map(|l| l.name.clone()).collect::<Vec<_>>()
    };

    let (all, count) = ctx.svc.list(&ListStockLocations::default()).await.unwrap();
    assert_eq!(count, 4);
    assert_eq!(names(&all), ["Alpha", "Beta", "Gamma 100%", "Delta"]);
    assert_eq!(
        all[0].address.as_ref().unwrap().city.as_deref(),
        Some("Berlin")
    );

    let (page, count) = ctx
        .svc
        .list(&ListStockLocations {
            offset: 1,
            limit: 2,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(count, 4);
    assert_eq!(names(&page), ["Beta", "Gamma 100%"]);

    // q matches the name or the address, case-insensitively; `%` is literal.
    let (found, count) = ctx
        .svc
        .list(&ListStockLocations {
            q: Some("BERLIN".into()),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(count, 2);
    assert_eq!(names(&found), ["Alpha", "Delta"]);
    let (found, _) = ctx
        .svc
        .list(&ListStockLocations {
            q: Some("0%".into()),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(names(&found), ["Gamma 100%"]);
    let (found, _) = ctx
        .svc
        .list(&ListStockLocations {
            q: Some("a%".into()),
            ..Default::default()
        })
        .await
        .unwrap();
    assert!(found.is_empty());

    let (found, count) = ctx
        .svc
        .list(&ListStockLocations {
            ids: vec![ids[1].clone(), ids[3].clone(), deleted.id.clone()],
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(count, 2);
    assert_eq!(names(&found), ["Beta", "Delta"]);

    let (found, _) = ctx
        .svc
        .list(&ListStockLocations {
            name: Some("Beta".into()),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(names(&found), ["Beta"]);
}
on_both_backends!(list_filters_and_pages);

async fn sales_channel_links(backend: Backend) {
    let ctx = setup(backend).await;
    let l1 = ctx.svc.create("L1", None).await.unwrap().id;
    ctx.tick();
    let l2 = ctx.svc.create("L2", None).await.unwrap().id;
    ctx.tick();
    let l3 = ctx.svc.create("L3", None).await.unwrap().id;
    let (sc1, sc2, sc3) = (sc(), sc(), sc());

    ctx.svc
        .link_sales_channels(&l1, &[sc1.clone(), sc2.clone(), sc1.clone()])
        .await
        .unwrap();
    // Linking again is a no-op.
    ctx.svc
        .link_sales_channels(&l1, std::slice::from_ref(&sc1))
        .await
        .unwrap();
    ctx.svc
        .link_sales_channels(&l2, std::slice::from_ref(&sc2))
        .await
        .unwrap();
    ctx.svc
        .link_sales_channels(&l3, &[sc1.clone(), sc2.clone()])
        .await
        .unwrap();

    let mut expected = vec![sc1.clone(), sc2.clone()];
    expected.sort();
    assert_eq!(ctx.svc.sales_channels(&l1).await.unwrap(), expected);

    let for_sc1 = ctx
        .svc
        .location_ids_for_sales_channels(std::slice::from_ref(&sc1))
        .await
        .unwrap();
    assert_eq!(for_sc1, [l1.clone(), l3.clone()]);
    // Each location once, oldest first, across channels.
    let for_both = ctx
        .svc
        .location_ids_for_sales_channels(&[sc2.clone(), sc1.clone()])
        .await
        .unwrap();
    assert_eq!(for_both, [l1.clone(), l2.clone(), l3.clone()]);
    assert!(
        ctx.svc
            .location_ids_for_sales_channels(std::slice::from_ref(&sc3))
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        ctx.svc
            .location_ids_for_sales_channels(&[])
            .await
            .unwrap()
            .is_empty()
    );

    ctx.svc
        .unlink_sales_channels(&l1, std::slice::from_ref(&sc1))
        .await
        .unwrap();
    assert_eq!(
        ctx.svc
            .location_ids_for_sales_channels(std::slice::from_ref(&sc1))
            .await
            .unwrap(),
        std::slice::from_ref(&l3)
    );

    // A deleted location leaves every channel.
    ctx.svc.delete(&l3).await.unwrap();
    assert!(
        ctx.svc
            .location_ids_for_sales_channels(std::slice::from_ref(&sc1))
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        ctx.svc
            .location_ids_for_sales_channels(std::slice::from_ref(&sc2))
            .await
            .unwrap(),
        [l1.clone(), l2.clone()]
    );

    // Unknown locations.
    let unknown = StockLocationId::new();
    for err in [
        ctx.svc
            .link_sales_channels(&unknown, std::slice::from_ref(&sc1))
            .await
            .unwrap_err(),
        ctx.svc
            .link_sales_channels(&l3, std::slice::from_ref(&sc1))
            .await
            .unwrap_err(),
        ctx.svc
            .unlink_sales_channels(&unknown, std::slice::from_ref(&sc1))
            .await
            .unwrap_err(),
    ] {
        assert!(matches!(err, StockLocationError::NotFound(_)), "{err:?}");
    }
}
on_both_backends!(sales_channel_links);

async fn update_name_address_and_metadata(backend: Backend) {
    let ctx = setup(backend).await;
    let bare = ctx.svc.create("Shop", None).await.unwrap();
    ctx.tick();
    // A location without an address gets one.
    let updated = ctx
        .svc
        .update(
            &bare.id,
            Some("Shop 2".into()),
            Some(StockLocationAddressInput::new("High street 1", "gb")),
            Some(Some(serde_json::json!({"k": 1}))),
        )
        .await
        .unwrap();
    assert_eq!(updated.name, "Shop 2");
    assert_eq!(updated.metadata, Some(serde_json::json!({"k": 1})));
    let first = updated.address.clone().unwrap();
    assert_eq!(first.address_1, "High street 1");
    assert!(updated.updated_at > bare.updated_at);
    // A second address replaces the first in place (same id).
    let again = ctx
        .svc
        .update(
            &bare.id,
            None,
            Some(StockLocationAddressInput::new("Low street 2", "gb")),
            Some(None),
        )
        .await
        .unwrap();
    let second = again.address.unwrap();
    assert_eq!(second.id, first.id);
    assert_eq!(second.address_1, "Low street 2");
    assert_eq!(again.metadata, None);
    assert_eq!(again.name, "Shop 2");
    assert!(matches!(
        ctx.svc
            .update(&bare.id, Some("  ".into()), None, None)
            .await,
        Err(StockLocationError::InvalidData(_))
    ));
    assert!(matches!(
        ctx.svc
            .update(&StockLocationId::new(), Some("x".into()), None, None)
            .await,
        Err(StockLocationError::NotFound(_))
    ));
}
on_both_backends!(update_name_address_and_metadata);
