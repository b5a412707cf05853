//! The region module on a real database, SQLite and PostgreSQL.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;

use medusa_core::id::RegionId;
use medusa_core::registry::Module;
use medusa_core::request::{Direction, ListParams, OrderBy};
use medusa_core::{CurrencyCode, TestClock};
use medusa_db::testing::{Backend, TestDatabase};
use medusa_region::{
    CreateRegion, DbRegionService, PaymentProviderId, RegionError, RegionFilter, RegionModule,
    RegionService, UpdateRegion,
};
use sea_orm_migration::{MigrationTrait, MigratorTrait};

struct Migrator;

impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        // The module bumps the shared change counters (medusa_db::versions) in its writes.
        let mut all = medusa_db::versions::VersionsModule.migrations();
        all.extend(RegionModule.migrations());
        all
    }
}

async fn service(backend: Backend) -> (TestDatabase, TestClock, DbRegionService) {
    let db = TestDatabase::create(backend).await.unwrap();
    let conn = db.connect().await.unwrap();
    Migrator::up(&conn, None).await.unwrap();
    let clock = TestClock::starting_now();
    let service = DbRegionService::new(conn, Arc::new(clock.clone()));
    (db, clock, service)
}

fn region(name: &str, currency: &str, countries: &[&str]) -> CreateRegion {
    CreateRegion {
        name: name.into(),
        currency_code: CurrencyCode::parse(currency).unwrap(),
        automatic_taxes: None,
        countries: countries.iter().map(|c| (*c).to_owned()).collect(),
        payment_providers: None,
        metadata: None,
    }
}

fn page(limit: u32, order: Option<(&str, Direction)>) -> ListParams {
    ListParams {
        limit,
        offset: 0,
        order: order.map(|(field, direction)| OrderBy {
            field: field.into(),
            direction,
        }),
        fields: None,
        with_deleted: false,
    }
}

async fn the_country_table_is_medusas(backend: Backend) {
    let (_db, _, svc) = service(backend).await;
    let all = svc.list_countries().await.unwrap();
    assert_eq!(all.len(), 250);
    let af = &all[0];
    assert_eq!(
        (
            af.iso_2.as_str(),
            af.iso_3.as_str(),
            af.num_code.as_str(),
            af.name.as_str(),
            af.display_name.as_str()
        ),
        ("af", "afg", "004", "AFGHANISTAN", "Afghanistan")
    );
    let cw = all.iter().find(|c| c.iso_2 == "cw").unwrap();
    assert_eq!(
        (cw.name.as_str(), cw.display_name.as_str()),
        ("CURAÇAO", "Curaçao")
    );
    assert!(
        all.iter()
            .all(|c| c.region_id.is_none() && c.metadata.is_none())
    );
}

async fn lookup_is_batched_ordered_and_skips_deleted(backend: Backend) {
    let (_db, clock, svc) = service(backend).await;
    let eu = svc
        .create(region("Europe", "EUR", &["GB", "de", "dk"]))
        .await
        .unwrap();
    clock.advance(chrono::Duration::seconds(1));
    let mut us_input = region("US", "usd", &["us"]);
    us_input.payment_providers = Some(vec![
        PaymentProviderId::parse("pp_stripe_stripe").unwrap(),
        PaymentProviderId::parse("pp_stripe_stripe").unwrap(),
    ]);
    let us = svc.create(us_input).await.unwrap();
    clock.advance(chrono::Duration::seconds(1));
    let gone = svc.create(region("Gone", "jpy", &["jp"])).await.unwrap();
    svc.delete(&gone.region.id).await.unwrap();

    assert_eq!(eu.region.currency_code.as_str(), "eur");
    assert_eq!(
        eu.payment_providers,
        vec![PaymentProviderId::system_default()]
    );
    let found = svc
        .lookup(&[
            us.region.id.clone(),
            RegionId::new(),
            eu.region.id.clone(),
            gone.region.id.clone(),
            us.region.id.clone(),
        ])
        .await
        .unwrap();
    let names: Vec<&str> = found.iter().map(|d| d.region.name.as_str()).collect();
    assert_eq!(names, ["US", "Europe"]);
    let eu_codes: Vec<&str> = found[1]
        .countries
        .iter()
        .map(|c| c.iso_2.as_str())
        .collect();
    assert_eq!(eu_codes, ["dk", "de", "gb"]);
    assert_eq!(
        found[0].payment_providers,
        vec![PaymentProviderId::parse("pp_stripe_stripe").unwrap()]
    );
    // The deleted region freed its country.
    svc.create(region("Japan", "jpy", &["jp"])).await.unwrap();

    let (list, count) = svc
        .list(
            &RegionFilter::default(),
            &page(10, Some(("name", Direction::Desc))),
        )
        .await
        .unwrap();
    assert_eq!(count, 3);
    let names: Vec<&str> = list.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(names, ["US", "Japan", "Europe"]);
    let with_deleted = RegionFilter {
        with_deleted: true,
        ..Default::default()
    };
    assert_eq!(svc.list(&with_deleted, &page(1, None)).await.unwrap().1, 4);
    let err = svc
        .list(
            &RegionFilter::default(),
            &page(1, Some(("password", Direction::Asc))),
        )
        .await
        .unwrap_err();
    assert!(matches!(err, RegionError::InvalidOrder(_)));
}

async fn updates_replace_lists_and_keep_the_rest(backend: Backend) {
    let (_db, _, svc) = service(backend).await;
    let r = svc
        .create(region("Nordics", "sek", &["se", "no"]))
        .await
        .unwrap();
    let id = r.region.id.clone();
    let updated = svc
        .update(
            &id,
            UpdateRegion {
                countries: Some(vec!["no".into(), "fi".into()]),
                metadata: Some(Some(serde_json::json!({"a": 1}))),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let codes: Vec<&str> = updated.countries.iter().map(|c| c.iso_2.as_str()).collect();
    assert_eq!(codes, ["fi", "no"]);
    assert_eq!(updated.region.name, "Nordics");
    assert_eq!(updated.payment_providers, r.payment_providers);
    assert_eq!(updated.region.metadata, Some(serde_json::json!({"a": 1})));

    let err = svc
        .update(
            &id,
            UpdateRegion {
                countries: Some(vec!["xx".into()]),
                name: Some("Renamed".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap_err();
    assert!(matches!(err, RegionError::UnknownCountries(ref c) if c == &["xx"]));
    // The failed update was rolled back as a whole.
    let same = svc.lookup(std::slice::from_ref(&id)).await.unwrap();
    assert_eq!(same[0].region.name, "Nordics");
    assert_eq!(same[0].countries.len(), 2);

    let missing = RegionId::new();
    let err = svc
        .update(&missing, UpdateRegion::default())
        .await
        .unwrap_err();
    assert!(matches!(err, RegionError::NotFound(m) if m == missing));
    assert!(svc.delete(&missing).await.is_ok());
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
    the_country_table_is_medusas,
    lookup_is_batched_ordered_and_skips_deleted,
    updates_replace_lists_and_keep_the_rest,
);
