//! The tax module on a real database, SQLite and PostgreSQL: the priority cases of Medusa's
//! `getTaxLines`, the bounded statement count of the lookup, and the region/rate writes.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;
use std::sync::atomic::Ordering;

use medusa_core::TestClock;
use medusa_core::registry::Module;
use medusa_db::testing::{Backend, TestDatabase};
use medusa_tax::{
    CreateTaxRate, CreateTaxRegion, DbTaxService, DefaultTaxRate, NewTaxRateRule, Percent,
    SYSTEM_TAX_PROVIDER, TaxAddress, TaxError, TaxModule, TaxRegion, TaxRegionId, TaxService,
    TaxableItem, TaxableShipping, UpdateTaxRate,
};
use sea_orm_migration::{MigrationTrait, MigratorTrait};

struct Migrator;

impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        // Writes bump the shared change counters (medusa_db::versions).
        let mut all = medusa_db::versions::VersionsModule.migrations();
        all.extend(TaxModule.migrations());
        all
    }
}

async fn service(backend: Backend) -> (TestDatabase, DbTaxService) {
    let db = TestDatabase::create(backend).await.unwrap();
    let conn = db.connect().await.unwrap();
    Migrator::up(&conn, None).await.unwrap();
    let svc = DbTaxService::new(conn, Arc::new(TestClock::starting_now()));
    (db, svc)
}

fn pct(s: &str) -> Percent {
    s.parse().unwrap()
}

async fn country(svc: &DbTaxService, code: &str, default: Option<&str>) -> TaxRegion {
    svc.create_region(CreateTaxRegion {
        country_code: code.into(),
        provider_id: Some(SYSTEM_TAX_PROVIDER.into()),
        default_tax_rate: default.map(|r| DefaultTaxRate {
            rate: Some(pct(r)),
            code: format!("{code}-default"),
            name: format!("{code} default"),
            is_combinable: None,
            metadata: None,
        }),
        ..Default::default()
    })
    .await
    .unwrap()
}

async fn province(
    svc: &DbTaxService,
    parent: &TaxRegion,
    code: &str,
    rate: &str,
    combinable: bool,
) -> TaxRegion {
    svc.create_region(CreateTaxRegion {
        country_code: parent.country_code.clone(),
        province_code: Some(code.into()),
        parent_id: Some(parent.id.clone()),
        default_tax_rate: Some(DefaultTaxRate {
            rate: Some(pct(rate)),
            code: format!("{code}-default"),
            name: format!("{code} default"),
            is_combinable: Some(combinable),
            metadata: None,
        }),
        ..Default::default()
    })
    .await
    .unwrap()
}

async fn ruled_rate(
    svc: &DbTaxService,
    region: &TaxRegion,
    rate: &str,
    rules: &[(&str, &str)],
) -> medusa_tax::TaxRate {
    svc.create_rate(CreateTaxRate {
        tax_region_id: region.id.clone(),
        rate: Some(pct(rate)),
        code: format!("rate-{rate}"),
        name: format!("rate {rate}"),
        rules: rules
            .iter()
            .map(|(r, id)| NewTaxRateRule {
                reference: (*r).into(),
                reference_id: (*id).into(),
            })
            .collect(),
        ..Default::default()
    })
    .await
    .unwrap()
}

fn item(id: &str, product: &str, product_type: Option<&str>) -> TaxableItem {
    TaxableItem {
        line_item_id: id.into(),
        product_id: product.into(),
        product_type_id: product_type.map(Into::into),
    }
}

fn address(country: &str, province: Option<&str>) -> TaxAddress {
    TaxAddress {
        country_code: country.into(),
        province_code: province.map(Into::into),
    }
}

/// The rates of one item's lines, as text.
async fn rates(svc: &DbTaxService, it: &TaxableItem, addr: &TaxAddress) -> Vec<String> {
    svc.tax_lines(std::slice::from_ref(it), &[], addr)
        .await
        .unwrap()
        .for_item(&it.line_item_id)
        .map(|l| l.rate.to_string())
        .collect()
}

async fn product_rule_then_type_rule_then_default(backend: Backend) {
    let (_db, svc) = service(backend).await;
    let us = country(&svc, "us", Some("10")).await;
    ruled_rate(&svc, &us, "5", &[("product_type", "ptyp_shirts")]).await;
    ruled_rate(&svc, &us, "2.5", &[("product", "prod_book")]).await;
    let addr = address("US", None);
    // Product rule beats everything in the country.
    assert_eq!(
        rates(&svc, &item("i1", "prod_book", Some("ptyp_shirts")), &addr).await,
        ["2.5"]
    );
    // Type rule beats the default.
    assert_eq!(
        rates(&svc, &item("i2", "prod_tee", Some("ptyp_shirts")), &addr).await,
        ["5"]
    );
    // Nothing matches: the default.
    assert_eq!(
        rates(&svc, &item("i3", "prod_mug", None), &addr).await,
        ["10"]
    );

    let lines = svc
        .tax_lines(&[item("i3", "prod_mug", None)], &[], &addr)
        .await
        .unwrap();
    let line = &lines.items[0].line;
    assert_eq!(
        (
            line.code.as_str(),
            line.name.as_str(),
            line.provider_id.as_str()
        ),
        ("us-default", "us default", "system")
    );
}

async fn province_rates_combine_only_when_combinable(backend: Backend) {
    let (_db, svc) = service(backend).await;
    let us = country(&svc, "us", Some("10")).await;
    let ca = province(&svc, &us, "CA", "7.25", true).await;
    let ny = province(&svc, &us, "ny", "4", false).await;
    assert_eq!(ca.province_code.as_deref(), Some("ca"));
    let it = item("i1", "prod_1", None);
    // Combinable province rate: province first, then the country's rate.
    assert_eq!(
        rates(&svc, &it, &address("us", Some("CA"))).await,
        ["7.25", "10"]
    );
    // Not combinable: the province rate alone.
    assert_eq!(rates(&svc, &it, &address("us", Some("ny"))).await, ["4"]);
    // A province without its own region: the country's rate.
    assert_eq!(rates(&svc, &it, &address("us", Some("tx"))).await, ["10"]);
    // The country's best rate is the one combined (its product rule, not its default).
    ruled_rate(&svc, &us, "1", &[("product", "prod_1")]).await;
    assert_eq!(
        rates(&svc, &it, &address("us", Some("ca"))).await,
        ["7.25", "1"]
    );
    // A province product rule beats the province default, and is not combinable.
    ruled_rate(&svc, &ny, "0", &[("product", "prod_1")]).await;
    assert_eq!(rates(&svc, &it, &address("us", Some("ny"))).await, ["0"]);
}

async fn no_country_region_means_no_lines(backend: Backend) {
    let (_db, svc) = service(backend).await;
    let us = country(&svc, "us", Some("10")).await;
    let it = item("i1", "prod_1", None);
    assert!(rates(&svc, &it, &address("dk", None)).await.is_empty());
    // A country region without any rate gives no lines either.
    country(&svc, "se", None).await;
    assert!(rates(&svc, &it, &address("se", None)).await.is_empty());
    // A deleted region no longer taxes.
    svc.delete_region(&us.id).await.unwrap();
    assert!(rates(&svc, &it, &address("us", None)).await.is_empty());
}

async fn shipping_option_rules_apply_to_shipping_lines(backend: Backend) {
    let (_db, svc) = service(backend).await;
    let dk = country(&svc, "dk", Some("25")).await;
    ruled_rate(&svc, &dk, "0", &[("shipping_option", "so_free")]).await;
    // A product rule naming the same id must not apply to shipping.
    ruled_rate(&svc, &dk, "12", &[("product", "so_std")]).await;
    let lines = svc
        .tax_lines(
            &[item("i1", "prod_1", None)],
            &[
                TaxableShipping {
                    shipping_method_id: "casm_a".into(),
                    shipping_option_id: "so_free".into(),
                },
                TaxableShipping {
                    shipping_method_id: "casm_b".into(),
                    shipping_option_id: "so_std".into(),
                },
            ],
            &address("dk", None),
        )
        .await
        .unwrap();
    let of =
        |id: &str| -> Vec<String> { lines.for_shipping(id).map(|l| l.rate.to_string()).collect() };
    assert_eq!(of("casm_a"), ["0"]);
    assert_eq!(of("casm_b"), ["25"]);
    assert_eq!(
        lines
            .for_item("i1")
            .map(|l| l.rate.to_string())
            .collect::<Vec<_>>(),
        ["25"]
    );
}

async fn lookup_runs_a_bounded_number_of_statements(backend: Backend) {
    let (db, svc) = service(backend).await;
    let us = country(&svc, "us", Some("10")).await;
    province(&svc, &us, "ca", "7.25", true).await;
    ruled_rate(&svc, &us, "5", &[("product_type", "ptyp_1")]).await;
    ruled_rate(&svc, &us, "0", &[("shipping_option", "so_1")]).await;
    let counter = medusa_db::statement_counter(&db.url);
    let addr = address("us", Some("ca"));
    let ship = [TaxableShipping {
        shipping_method_id: "casm_1".into(),
        shipping_option_id: "so_1".into(),
    }];
    let mut per_call = Vec::new();
    for n in [1usize, 60] {
        let items: Vec<TaxableItem> = (0..n)
            .map(|i| item(&format!("i{i}"), &format!("prod_{i}"), Some("ptyp_1")))
            .collect();
        let before = counter.load(Ordering::SeqCst);
        let lines = svc.tax_lines(&items, &ship, &addr).await.unwrap();
        per_call.push(counter.load(Ordering::SeqCst) - before);
        // Province default (combinable) + the country's type-rule rate, for every item.
        assert_eq!(lines.items.len(), 2 * n);
        assert_eq!(lines.shipping.len(), 2);
    }
    assert!(per_call.iter().all(|&s| s <= 3), "statements: {per_call:?}");
    assert_eq!(per_call[0], per_call[1]);
}

async fn region_and_rate_writes_keep_medusas_constraints(backend: Backend) {
    let (_db, svc) = service(backend).await;
    let us = country(&svc, "us", Some("10")).await;
    // One region per country.
    let dup = svc
        .create_region(CreateTaxRegion {
            country_code: "US".into(),
            provider_id: Some(SYSTEM_TAX_PROVIDER.into()),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert!(matches!(dup, TaxError::DuplicateRegion { .. }), "{dup:?}");
    // A province's parent must be of the same country.
    let de = country(&svc, "de", None).await;
    let err = svc
        .create_region(CreateTaxRegion {
            country_code: "us".into(),
            province_code: Some("ca".into()),
            parent_id: Some(de.id.clone()),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert!(
        matches!(err, TaxError::ParentCountryMismatch { .. }),
        "{err:?}"
    );
    let err = svc
        .create_region(CreateTaxRegion {
            country_code: "us".into(),
            province_code: Some("ca".into()),
            parent_id: Some(TaxRegionId::new()),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert!(matches!(err, TaxError::ParentMissing { .. }), "{err:?}");
    // Unknown provider.
    let err = svc
        .create_region(CreateTaxRegion {
            country_code: "fr".into(),
            provider_id: Some("tp_avalara".into()),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert!(matches!(err, TaxError::ProviderNotFound(_)), "{err:?}");
    // One default rate per region.
    let err = svc
        .create_rate(CreateTaxRate {
            tax_region_id: us.id.clone(),
            code: "x".into(),
            name: "x".into(),
            is_default: Some(true),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert!(matches!(err, TaxError::DuplicateDefaultRate(_)), "{err:?}");

    // Rules: replaced by an update, added and removed one by one.
    let rate = ruled_rate(&svc, &us, "3", &[("product", "prod_a")]).await;
    svc.update_rate(
        &rate.id,
        UpdateTaxRate {
            rate: Some(pct("8.875")),
            rules: Some(vec![NewTaxRateRule {
                reference: "product".into(),
                reference_id: "prod_b".into(),
            }]),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let rule = svc
        .add_rule(
            &rate.id,
            NewTaxRateRule {
                reference: "product_type".into(),
                reference_id: "ptyp_1".into(),
            },
            None,
        )
        .await
        .unwrap();
    let err = svc
        .add_rule(
            &rate.id,
            NewTaxRateRule {
                reference: "product".into(),
                reference_id: "ptyp_1".into(),
            },
            None,
        )
        .await
        .unwrap_err();
    assert!(matches!(err, TaxError::DuplicateRule { .. }), "{err:?}");
    let details = svc.retrieve_rate(&rate.id).await.unwrap();
    assert_eq!(details.rate.rate, Some(pct("8.875")));
    let refs: Vec<&str> = details
        .rules
        .iter()
        .map(|r| r.reference_id.as_str())
        .collect();
    assert_eq!(refs, ["prod_b", "ptyp_1"]);
    svc.delete_rule(&rate.id, &rule.id).await.unwrap();
    assert_eq!(svc.retrieve_rate(&rate.id).await.unwrap().rules.len(), 1);

    // A region's details: its rates with rules, its children.
    let ca = province(&svc, &us, "ca", "7.25", true).await;
    let d = svc.retrieve_region(&us.id).await.unwrap();
    assert_eq!(d.rates.len(), 2);
    assert_eq!(d.children.len(), 1);
    assert_eq!(d.children[0].region.id, ca.id);
    assert_eq!(d.children[0].rates[0].rate.rate, Some(pct("7.25")));
    let c = svc.retrieve_region(&ca.id).await.unwrap();
    assert_eq!(c.parent.as_ref().map(|p| &p.id), Some(&us.id));

    // Deleting the country deletes its provinces and rates.
    svc.delete_region(&us.id).await.unwrap();
    assert!(matches!(
        svc.retrieve_region(&ca.id).await.unwrap_err(),
        TaxError::RegionNotFound(_)
    ));
    assert!(matches!(
        svc.retrieve_rate(&rate.id).await.unwrap_err(),
        TaxError::RateNotFound(_)
    ));
    // And the country can be set up again.
    country(&svc, "us", Some("0")).await;
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
    product_rule_then_type_rule_then_default,
    province_rates_combine_only_when_combinable,
    no_country_region_means_no_lines,
    shipping_option_rules_apply_to_shipping_lines,
    lookup_runs_a_bounded_number_of_statements,
    region_and_rate_writes_keep_medusas_constraints,
);
