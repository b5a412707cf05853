//! The cart module on real SQLite and real PostgreSQL: a cart survives a save/load round trip
//! exactly, and a stale save is refused instead of overwriting a concurrent writer.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::str::FromStr;
use std::sync::Arc;

use chrono::Utc;
use futures_util::future::join_all;
use medusa_cart::*;
use medusa_core::id::LineItemId;
use medusa_core::money::Amount;
use medusa_core::registry::Module;
use medusa_core::{CurrencyCode, SystemClock};
use medusa_db::testing::{Backend, TestDatabase};
use rust_decimal::Decimal;
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
        CartModule.migrations()
    }
}

async fn setup(backend: Backend) -> (Arc<DbCartService>, TestDatabase) {
    let tdb = TestDatabase::create(backend).await.unwrap();
    let db = tdb.connect().await.unwrap();
    Migrator::up(&db, None).await.unwrap();
    (Arc::new(DbCartService::new(db, Arc::new(SystemClock))), tdb)
}

fn amount(s: &str) -> Amount {
    Amount::from_str(s).unwrap()
}

fn item(title: &str, price: &str, qty: i64) -> LineItem {
    let now = Utc::now();
    LineItem {
        id: LineItemId::new(),
        title: title.into(),
        subtitle: None,
        thumbnail: Some("http://x/t.png".into()),
        quantity: qty,
        variant_id: Some("variant_1".into()),
        product_id: Some("prod_1".into()),
        product_title: Some(title.into()),
        product_description: None,
        product_subtitle: None,
        product_type: None,
        product_type_id: None,
        product_collection: None,
        product_handle: Some("h".into()),
        variant_sku: Some("SKU".into()),
        variant_barcode: None,
        variant_title: Some("S".into()),
        variant_option_values: None,
        requires_shipping: true,
        is_discountable: true,
        is_giftcard: false,
        is_tax_inclusive: false,
        is_custom_price: false,
        compare_at_unit_price: None,
        unit_price: amount(price),
        metadata: Some(serde_json::json!({"gift": true})),
        tax_lines: vec![TaxLine {
            id: LineItemTaxLineId::new().to_string(),
            description: Some("DK".into()),
            code: "DK-STD".into(),
            rate: Decimal::from_str("7.5").unwrap(),
            provider_id: Some("system".into()),
            tax_rate_id: None,
            metadata: None,
            created_at: now,
            updated_at: now,
        }],
        adjustments: vec![],
        created_at: now,
        updated_at: now,
    }
}

fn full_cart() -> Cart {
    let now = Utc::now();
    let mut cart = Cart::new(CurrencyCode::parse("eur").unwrap(), now);
    cart.region_id = Some("reg_1".into());
    cart.email = Some("ada@example.com".into());
    let addr = Address::new(
        AddressFields {
            first_name: Some("Ada".into()),
            country_code: Some("dk".into()),
            ..Default::default()
        },
        now,
    );
    cart.shipping_address = Some(addr.clone());
    cart.billing_address = Some(addr);
    cart.items = vec![item("B first", "13.50", 2), item("A second", "0.99", 1)];
    cart.shipping_methods = vec![ShippingMethod {
        id: ShippingMethodId::new(),
        name: "Standard".into(),
        description: None,
        amount: amount("10"),
        is_tax_inclusive: false,
        shipping_option_id: Some("so_1".into()),
        data: None,
        metadata: None,
        tax_lines: vec![],
        adjustments: vec![Adjustment {
            id: ShippingMethodAdjustmentId::new().to_string(),
            code: Some("FREESHIP".into()),
            description: None,
            amount: amount("10"),
            is_tax_inclusive: false,
            promotion_id: None,
            provider_id: None,
            metadata: None,
            created_at: now,
            updated_at: now,
        }],
        created_at: now,
        updated_at: now,
    }];
    cart
}

/// [`full_cart`] with millisecond timestamps, as the service stores them.
fn full_cart_ms() -> Cart {
    let mut cart = full_cart();
    let now = chrono::SubsecRound::trunc_subsecs(Utc::now(), 3);
    cart.created_at = now;
    for i in &mut cart.items {
        i.created_at = now;
        i.updated_at = now;
        for t in &mut i.tax_lines {
            t.created_at = now;
            t.updated_at = now;
        }
    }
    for m in &mut cart.shipping_methods {
        m.created_at = now;
        m.updated_at = now;
        for a in &mut m.adjustments {
            a.created_at = now;
            a.updated_at = now;
        }
    }
    for a in [&mut cart.shipping_address, &mut cart.billing_address]
        .into_iter()
        .flatten()
    {
        a.created_at = now;
        a.updated_at = now;
    }
    cart
}

/// Timestamps aside (the service sets `updated_at`), what was saved is what loads.
fn same(a: &Cart, b: &Cart) {
    let strip = |c: &Cart| {
        let mut c = c.clone();
        c.updated_at = c.created_at;
        c
    };
    assert_eq!(strip(a), strip(b));
}

async fn round_trip(backend: Backend) {
    let (svc, _db) = setup(backend).await;
    let cart = full_cart_ms();
    let created = svc.create(cart.clone()).await.unwrap();
    let loaded = svc.retrieve(&cart.id).await.unwrap();
    same(&created, &loaded);
    assert_eq!(loaded.items[0].title, "B first", "items keep their order");
    assert_eq!(loaded.items[1].unit_price, amount("0.99"));
    assert_eq!(
        loaded.items[0].tax_lines[0].rate,
        Decimal::from_str("7.5").unwrap()
    );
    assert_eq!(
        loaded.shipping_address.as_ref().unwrap().id,
        loaded.billing_address.as_ref().unwrap().id
    );

    // Remove an item, change a quantity: the save replaces the children.
    let mut next = loaded.clone();
    next.items.remove(1);
    next.items[0].quantity = 5;
    next.shipping_methods.clear();
    let saved = svc.save(next).await.unwrap();
    assert_eq!(saved.version, 1);
    let reloaded = svc.retrieve(&cart.id).await.unwrap();
    same(&saved, &reloaded);
    assert_eq!(reloaded.items.len(), 1);
    assert_eq!(reloaded.items[0].quantity, 5);
    assert!(reloaded.shipping_methods.is_empty());
}
on_both_backends!(round_trip);

async fn stale_save_is_refused(backend: Backend) {
    let (svc, _db) = setup(backend).await;
    let cart = svc.create(full_cart()).await.unwrap();
    let mut first = cart.clone();
    first.email = Some("first@example.com".into());
    let mut second = cart.clone();
    second.email = Some("second@example.com".into());
    svc.save(first).await.unwrap();
    let err = svc.save(second).await.unwrap_err();
    assert!(matches!(err, CartError::Conflict(_)), "{err:?}");
    let stored = svc.retrieve(&cart.id).await.unwrap();
    assert_eq!(stored.email.as_deref(), Some("first@example.com"));
    assert_eq!(stored.items.len(), 2, "the refused save changed nothing");
}
on_both_backends!(stale_save_is_refused);

/// Many writers from one loaded version: exactly one wins, the rest are told to retry.
async fn concurrent_saves_one_winner(backend: Backend) {
    let (svc, _db) = setup(backend).await;
    let cart = svc.create(full_cart()).await.unwrap();
    let attempts = (0..8).map(|n| {
        let svc = svc.clone();
        let mut c = cart.clone();
        c.items[0].quantity = 10 + n;
        async move { svc.save(c).await }
    });
    let results = join_all(attempts).await;
    let wins = results.iter().filter(|r| r.is_ok()).count();
    assert_eq!(wins, 1, "{results:?}");
    assert!(
        results
            .iter()
            .filter_map(|r| r.as_ref().err())
            .all(|e| matches!(e, CartError::Conflict(_)))
    );
    let stored = svc.retrieve(&cart.id).await.unwrap();
    assert_eq!(stored.version, 1);
    assert_eq!(stored.items.len(), 2, "no half-written cart");
}
on_both_backends!(concurrent_saves_one_winner);

async fn unknown_cart(backend: Backend) {
    let (svc, _db) = setup(backend).await;
    let id = medusa_core::id::CartId::new();
    let err = svc.retrieve(&id).await.unwrap_err();
    assert_eq!(err.to_string(), format!("Cart id not found: {id}"));
}
on_both_backends!(unknown_cart);

/// One holder at a time; a released or expired claim can be taken.
async fn completion_claims(backend: Backend) {
    let (svc, _db) = setup(backend).await;
    let cart = svc.create(full_cart()).await.unwrap();
    let minute = std::time::Duration::from_secs(60);
    assert!(svc.claim_completion(&cart.id, "a", minute).await.unwrap());
    assert!(
        svc.claim_completion(&cart.id, "a", minute).await.unwrap(),
        "re-entrant"
    );
    assert!(!svc.claim_completion(&cart.id, "b", minute).await.unwrap());
    svc.release_completion(&cart.id, "b").await.unwrap();
    assert!(
        !svc.claim_completion(&cart.id, "b", minute).await.unwrap(),
        "b never held it"
    );
    svc.release_completion(&cart.id, "a").await.unwrap();
    assert!(svc.claim_completion(&cart.id, "b", minute).await.unwrap());
    // An expired claim (a crashed holder) is taken over.
    svc.release_completion(&cart.id, "b").await.unwrap();
    assert!(
        svc.claim_completion(&cart.id, "c", std::time::Duration::ZERO)
            .await
            .unwrap()
    );
    assert!(svc.claim_completion(&cart.id, "d", minute).await.unwrap());

    // Racing claimers: exactly one wins.
    let other = svc.create(full_cart()).await.unwrap();
    let racers = (0..8).map(|n| {
        let svc = svc.clone();
        let id = other.id.clone();
        async move {
            svc.claim_completion(&id, &format!("t{n}"), minute)
                .await
                .unwrap()
        }
    });
    let wins = join_all(racers).await.into_iter().filter(|w| *w).count();
    assert_eq!(wins, 1);
}
on_both_backends!(completion_claims);

/// `cart_0003` moves carts from the per-table layout into documents and back without losing
/// anything: a cart written as a document, rolled back into tables, then migrated again, loads
/// exactly as it was saved.
async fn document_migration_keeps_carts(backend: Backend) {
    use sea_orm::ConnectionTrait;
    let (svc, tdb) = setup(backend).await;
    let created = svc.create(full_cart_ms()).await.unwrap();
    let db = tdb.connect().await.unwrap();
    // Back through `cart_0004` (the document's compression) and `cart_0003`.
    Migrator::down(&db, Some(2)).await.unwrap();
    let count = |table: &'static str| {
        let db = db.clone();
        async move {
            let row = db
                .query_one_raw(sea_orm::Statement::from_string(
                    db.get_database_backend(),
                    format!("SELECT COUNT(*) AS n FROM {table}"),
                ))
                .await
                .unwrap()
                .unwrap();
            row.try_get::<i64>("", "n").unwrap()
        }
    };
    assert_eq!(count("cart_line_item").await, 2);
    assert_eq!(count("cart_tax_line").await, 2);
    assert_eq!(count("cart_address").await, 1, "one address serves both");
    assert_eq!(count("cart_adjustment").await, 1);
    Migrator::up(&db, None).await.unwrap();
    let loaded = svc.retrieve(&created.id).await.unwrap();
    same(&created, &loaded);
}
on_both_backends!(document_migration_keeps_carts);
