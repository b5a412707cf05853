//! The fulfillment module on real SQLite and real PostgreSQL.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::str::FromStr;
use std::sync::Arc;

use chrono::Duration;
use medusa_core::id::{ProductId, RegionId};
use medusa_core::registry::Module;
use medusa_core::{Amount, CurrencyCode, TestClock};
use medusa_db::testing::{Backend, TestDatabase};
use medusa_fulfillment::*;
use sea_orm_migration::{MigrationTrait, MigratorTrait};
use serde_json::json;

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
        FulfillmentModule.migrations()
    }
}

struct Ctx {
    svc: DbFulfillmentService,
    clock: TestClock,
    _db: TestDatabase,
}

async fn setup(backend: Backend) -> Ctx {
    let tdb = TestDatabase::create(backend).await.unwrap();
    let db = tdb.connect().await.unwrap();
    Migrator::up(&db, None).await.unwrap();
    let clock = TestClock::starting_now();
    Ctx {
        svc: DbFulfillmentService::new(db, Arc::new(clock.clone())),
        clock,
        _db: tdb,
    }
}

fn eur() -> CurrencyCode {
    CurrencyCode::parse("eur").unwrap()
}

fn amount(s: &str) -> Amount {
    Amount::from_str(s).unwrap()
}

fn ctx_for(location: &str, country: &str) -> ShippingContext {
    ShippingContext {
        stock_location_ids: vec![location.to_owned()],
        country_code: Some(country.to_owned()),
        province: None,
        city: None,
        postal_code: None,
        currency_code: eur(),
        region_id: None,
        is_return: false,
        enabled_in_store: true,
    }
}

fn option(
    name: &str,
    zone: &ServiceZone,
    profile: &ShippingProfile,
    rules: Vec<NewRule>,
    prices: Vec<NewPrice>,
) -> CreateShippingOption {
    CreateShippingOption {
        name: name.to_owned(),
        price_type: "flat".into(),
        service_zone_id: zone.id.clone(),
        shipping_profile_id: profile.id.clone(),
        provider_id: MANUAL_PROVIDER.into(),
        option_type: NewShippingOptionType {
            label: name.to_owned(),
            description: Some(name.to_owned()),
            code: name.to_lowercase(),
        },
        data: None,
        metadata: None,
        rules,
        prices,
    }
}

fn store_rules() -> Vec<NewRule> {
    vec![
        NewRule::eq("enabled_in_store", "true"),
        NewRule::eq("is_return", "false"),
    ]
}

fn eur_price(a: &str) -> NewPrice {
    NewPrice {
        currency_code: eur(),
        amount: amount(a),
        region_id: None,
    }
}

fn geo(
    t: GeoZoneType,
    country: &str,
    province: Option<&str>,
    city: Option<&str>,
    zip: Option<&str>,
) -> NewGeoZone {
    NewGeoZone {
        id: None,
        zone_type: t,
        country_code: country.into(),
        province_code: province.map(Into::into),
        city: city.map(Into::into),
        postal_expression: zip.map(|z| json!(z)),
        metadata: None,
    }
}

/// One set at `sloc_a` with a zone per geo zone given; one option per zone named after it.
async fn zones_with_options(ctx: &Ctx, zones: Vec<(&str, NewGeoZone)>) -> Vec<ShippingOption> {
    let profile = ctx
        .svc
        .create_shipping_profile("Default", "default", None)
        .await
        .unwrap();
    let set = ctx
        .svc
        .create_fulfillment_set(
            "sloc_a",
            "warehouse shipping",
            "shipping",
            zones
                .into_iter()
                .map(|(name, g)| NewServiceZone {
                    name: name.to_owned(),
                    geo_zones: vec![g],
                    metadata: None,
                })
                .collect(),
        )
        .await
        .unwrap();
    let mut out = Vec::new();
    for z in &set.service_zones {
        ctx.clock.advance(Duration::seconds(1));
        out.push(
            ctx.svc
                .create_shipping_option(option(
                    &z.name,
                    z,
                    &profile,
                    store_rules(),
                    vec![eur_price("10")],
                ))
                .await
                .unwrap(),
        );
    }
    out
}

fn names(options: &[AvailableShippingOption]) -> Vec<String> {
    let mut n: Vec<String> = options.iter().map(|o| o.option.name.clone()).collect();
    n.sort();
    n
}

async fn geo_zone_matching(backend: Backend) {
    let ctx = setup(backend).await;
    zones_with_options(
        &ctx,
        vec![
            (
                "country-dk",
                geo(GeoZoneType::Country, "dk", None, None, None),
            ),
            (
                "province-us-ca",
                geo(GeoZoneType::Province, "us", Some("us-ca"), None, None),
            ),
            (
                "city-us-ca-la",
                geo(
                    GeoZoneType::City,
                    "us",
                    Some("us-ca"),
                    Some("Los Angeles"),
                    None,
                ),
            ),
            (
                "zip-us-ca-la-90001",
                geo(
                    GeoZoneType::Zip,
                    "us",
                    Some("us-ca"),
                    Some("Los Angeles"),
                    Some("90001"),
                ),
            ),
        ],
    )
    .await;
    let svc = &ctx.svc;
    // Country match, case-insensitive.
    let dk = svc
        .options_for_context(&ctx_for("sloc_a", "DK"))
        .await
        .unwrap();
    assert_eq!(names(&dk), vec!["country-dk"]);
    // A country without zones gets nothing; neither does an unknown location or no address.
    assert!(
        svc.options_for_context(&ctx_for("sloc_a", "se"))
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        svc.options_for_context(&ctx_for("sloc_b", "dk"))
            .await
            .unwrap()
            .is_empty()
    );
    let mut no_address = ctx_for("sloc_a", "dk");
    no_address.country_code = None;
    assert!(
        svc.options_for_context(&no_address)
            .await
            .unwrap()
            .is_empty()
    );
    // US without a province matches none of the narrower zones.
    assert!(
        svc.options_for_context(&ctx_for("sloc_a", "us"))
            .await
            .unwrap()
            .is_empty()
    );
    let mut ca = ctx_for("sloc_a", "us");
    ca.province = Some("US-CA".into());
    assert_eq!(
        names(&svc.options_for_context(&ca).await.unwrap()),
        vec!["province-us-ca"]
    );
    ca.city = Some("los angeles".into());
    assert_eq!(
        names(&svc.options_for_context(&ca).await.unwrap()),
        vec!["city-us-ca-la", "province-us-ca"]
    );
    ca.postal_code = Some("90001".into());
    assert_eq!(
        names(&svc.options_for_context(&ca).await.unwrap()),
        vec!["city-us-ca-la", "province-us-ca", "zip-us-ca-la-90001"]
    );
    ca.postal_code = Some("90002".into());
    assert_eq!(names(&svc.options_for_context(&ca).await.unwrap()).len(), 2);
    // The available option knows where it ships from.
    assert_eq!(dk[0].stock_location_id, "sloc_a");
    assert_eq!(dk[0].fulfillment_set_type, "shipping");
    assert_eq!(dk[0].price.amount, amount("10"));
}
on_both_backends!(geo_zone_matching);

async fn rules_exclude_disabled_and_return_options(backend: Backend) {
    let ctx = setup(backend).await;
    let profile = ctx
        .svc
        .create_shipping_profile("Default", "default", None)
        .await
        .unwrap();
    let set = ctx
        .svc
        .create_fulfillment_set(
            "sloc_a",
            "s",
            "shipping",
            vec![NewServiceZone {
                name: "dk".into(),
                geo_zones: vec![NewGeoZone::country("dk")],
                metadata: None,
            }],
        )
        .await
        .unwrap();
    let z = &set.service_zones[0];
    let svc = &ctx.svc;
    let store = svc
        .create_shipping_option(option(
            "store",
            z,
            &profile,
            store_rules(),
            vec![eur_price("5")],
        ))
        .await
        .unwrap();
    svc.create_shipping_option(option(
        "admin only",
        z,
        &profile,
        vec![
            NewRule::eq("enabled_in_store", "false"),
            NewRule::eq("is_return", "false"),
        ],
        vec![eur_price("5")],
    ))
    .await
    .unwrap();
    let ret = svc
        .create_shipping_option(option(
            "return",
            z,
            &profile,
            vec![
                NewRule::eq("enabled_in_store", "true"),
                NewRule::eq("is_return", "true"),
            ],
            vec![eur_price("5")],
        ))
        .await
        .unwrap();
    // No price in the context's currency: not offered.
    svc.create_shipping_option(option(
        "usd only",
        z,
        &profile,
        store_rules(),
        vec![NewPrice {
            currency_code: CurrencyCode::parse("usd").unwrap(),
            amount: amount("5"),
            region_id: None,
        }],
    ))
    .await
    .unwrap();
    let c = ctx_for("sloc_a", "dk");
    assert_eq!(
        names(&svc.options_for_context(&c).await.unwrap()),
        vec!["store"]
    );
    assert!(
        svc.option_for_context(&store.id, &c)
            .await
            .unwrap()
            .is_some()
    );
    assert!(svc.option_for_context(&ret.id, &c).await.unwrap().is_none());
    let mut returns = c.clone();
    returns.is_return = true;
    assert_eq!(
        names(&svc.options_for_context(&returns).await.unwrap()),
        vec!["return"]
    );
    // A deleted option is gone.
    svc.delete_shipping_option(&store.id).await.unwrap();
    assert!(svc.options_for_context(&c).await.unwrap().is_empty());
}
on_both_backends!(rules_exclude_disabled_and_return_options);

async fn region_price_beats_currency_price(backend: Backend) {
    let ctx = setup(backend).await;
    let profile = ctx
        .svc
        .create_shipping_profile("Default", "default", None)
        .await
        .unwrap();
    let set = ctx
        .svc
        .create_fulfillment_set(
            "sloc_a",
            "s",
            "shipping",
            vec![NewServiceZone {
                name: "dk".into(),
                geo_zones: vec![NewGeoZone::country("dk")],
                metadata: None,
            }],
        )
        .await
        .unwrap();
    let europe = RegionId::new();
    let other = RegionId::new();
    let prices = vec![
        eur_price("10"),
        NewPrice {
            currency_code: eur(),
            amount: amount("7.5"),
            region_id: Some(europe.clone()),
        },
        NewPrice {
            currency_code: eur(),
            amount: amount("3"),
            region_id: Some(other.clone()),
        },
    ];
    let o = ctx
        .svc
        .create_shipping_option(option(
            "std",
            &set.service_zones[0],
            &profile,
            store_rules(),
            prices,
        ))
        .await
        .unwrap();
    assert_eq!(o.prices.len(), 3);
    assert!(
        o.prices
            .iter()
            .filter(|p| p.region_id.is_some())
            .all(|p| p.price_rule_id.is_some())
    );
    let mut c = ctx_for("sloc_a", "dk");
    // No region: the currency price.
    assert_eq!(
        ctx.svc
            .option_for_context(&o.id, &c)
            .await
            .unwrap()
            .unwrap()
            .price
            .amount,
        amount("10")
    );
    c.region_id = Some(europe);
    assert_eq!(
        ctx.svc
            .option_for_context(&o.id, &c)
            .await
            .unwrap()
            .unwrap()
            .price
            .amount,
        amount("7.5")
    );
    // A region without its own price falls back to the currency price, never another region's.
    c.region_id = Some(RegionId::new());
    assert_eq!(
        ctx.svc
            .option_for_context(&o.id, &c)
            .await
            .unwrap()
            .unwrap()
            .price
            .amount,
        amount("10")
    );
}
on_both_backends!(region_price_beats_currency_price);

async fn profiles_products_and_crud(backend: Backend) {
    let ctx = setup(backend).await;
    let svc = &ctx.svc;
    let p = svc
        .create_shipping_profile("Default", "default", Some(json!({"a": 1})))
        .await
        .unwrap();
    assert!(p.id.as_str().starts_with("sp_"));
    assert!(matches!(
        svc.create_shipping_profile("Default", "default", None)
            .await,
        Err(FulfillmentError::Duplicate(_))
    ));
    let products = [ProductId::new(), ProductId::new()];
    svc.set_product_shipping_profile(&products, &p.id)
        .await
        .unwrap();
    let mut links = svc
        .product_shipping_profiles(&[products[0].clone(), products[1].clone(), ProductId::new()])
        .await
        .unwrap();
    links.sort_by(|a, b| a.product_id.cmp(&b.product_id));
    assert_eq!(links.len(), 2);
    assert!(links.iter().all(|l| l.shipping_profile_id == p.id));
    // Re-linking moves the product to the other profile.
    let q = svc
        .create_shipping_profile("Heavy", "custom", None)
        .await
        .unwrap();
    svc.set_product_shipping_profile(&products[..1], &q.id)
        .await
        .unwrap();
    let links = svc.product_shipping_profiles(&products[..1]).await.unwrap();
    assert_eq!(links[0].shipping_profile_id, q.id);
    // A profile with options cannot be deleted.
    let set = svc
        .create_fulfillment_set(
            "sloc_a",
            "s",
            "shipping",
            vec![NewServiceZone {
                name: "z".into(),
                geo_zones: vec![NewGeoZone::country("dk")],
                metadata: None,
            }],
        )
        .await
        .unwrap();
    let o = svc
        .create_shipping_option(option(
            "o",
            &set.service_zones[0],
            &q,
            vec![],
            vec![eur_price("1")],
        ))
        .await
        .unwrap();
    assert!(matches!(
        svc.delete_shipping_profile(&q.id).await,
        Err(FulfillmentError::InvalidData(_))
    ));
    svc.delete_shipping_option(&o.id).await.unwrap();
    svc.delete_shipping_profile(&q.id).await.unwrap();
    assert!(
        svc.shipping_profiles(&[q.id.to_string()])
            .await
            .unwrap()
            .is_empty()
    );
    // Geo zone validation.
    let bad = svc
        .create_service_zone(
            &set.id,
            NewServiceZone {
                name: "bad".into(),
                geo_zones: vec![geo(GeoZoneType::City, "us", Some("us-ca"), None, None)],
                metadata: None,
            },
        )
        .await;
    assert!(matches!(bad, Err(FulfillmentError::InvalidData(_))));
    // Deleting the set removes its zones and their options from the location.
    svc.delete_fulfillment_set(&set.id).await.unwrap();
    assert!(
        svc.location_fulfillment_sets(&["sloc_a".into()])
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        svc.service_zones(&[set.service_zones[0].id.to_string()])
            .await
            .unwrap()
            .is_empty()
    );
}
on_both_backends!(profiles_products_and_crud);

async fn rule_batch(backend: Backend) {
    let ctx = setup(backend).await;
    let svc = &ctx.svc;
    let p = svc
        .create_shipping_profile("Default", "default", None)
        .await
        .unwrap();
    let set = svc
        .create_fulfillment_set(
            "sloc_a",
            "s",
            "shipping",
            vec![NewServiceZone {
                name: "z".into(),
                geo_zones: vec![NewGeoZone::country("dk")],
                metadata: None,
            }],
        )
        .await
        .unwrap();
    let o = svc
        .create_shipping_option(option(
            "o",
            &set.service_zones[0],
            &p,
            store_rules(),
            vec![eur_price("1")],
        ))
        .await
        .unwrap();
    let enabled = o
        .rules
        .iter()
        .find(|r| r.attribute == "enabled_in_store")
        .unwrap()
        .id
        .clone();
    let ret = o
        .rules
        .iter()
        .find(|r| r.attribute == "is_return")
        .unwrap()
        .id
        .clone();
    let out = svc
        .batch_rules(
            &o.id,
            RuleBatch {
                create: vec![NewRule {
                    attribute: "customer_group".into(),
                    operator: "in".into(),
                    value: json!(["a", "b"]),
                }],
                update: vec![(enabled.clone(), NewRule::eq("enabled_in_store", "false"))],
                delete: vec![ret.to_string()],
            },
        )
        .await
        .unwrap();
    assert_eq!(
        (out.created.len(), out.updated.len(), out.deleted.len()),
        (1, 1, 1)
    );
    let after = svc
        .shipping_options(&[o.id.to_string()])
        .await
        .unwrap()
        .pop()
        .unwrap();
    assert_eq!(after.rules.len(), 2);
    assert_eq!(
        after.rules.iter().find(|r| r.id == enabled).unwrap().value,
        json!("false")
    );
    let bad = svc
        .batch_rules(
            &o.id,
            RuleBatch {
                create: vec![NewRule {
                    attribute: "x".into(),
                    operator: "like".into(),
                    value: json!("1"),
                }],
                ..Default::default()
            },
        )
        .await;
    assert!(matches!(bad, Err(FulfillmentError::InvalidData(_))));
}
on_both_backends!(rule_batch);
