//! The order module on real SQLite and real PostgreSQL: an order is created whole in one
//! transaction, a cart gets at most one order (also under concurrent creations), display ids
//! have no gaps when a creation fails, and the event outbox is written with the order.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::str::FromStr;
use std::sync::Arc;

use futures_util::future::join_all;
use medusa_core::money::Amount;
use medusa_core::registry::Module;
use medusa_core::{CurrencyCode, SystemClock};
use medusa_db::testing::{Backend, TestDatabase};
use medusa_order::*;
use rust_decimal::Decimal;
use sea_orm::{ConnectionTrait, Statement};
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
        OrderModule.migrations()
    }
}

async fn setup(
    backend: Backend,
) -> (
    Arc<DbOrderService>,
    sea_orm::DatabaseConnection,
    TestDatabase,
) {
    let tdb = TestDatabase::create(backend).await.unwrap();
    let db = tdb.connect().await.unwrap();
    Migrator::up(&db, None).await.unwrap();
    (
        Arc::new(DbOrderService::new(db.clone(), Arc::new(SystemClock))),
        db,
        tdb,
    )
}

fn amount(s: &str) -> Amount {
    Amount::from_str(s).unwrap()
}

fn tax() -> NewTaxLine {
    NewTaxLine {
        description: Some("DK standard rate".into()),
        code: "DK-STD".into(),
        rate: Decimal::new(25, 0),
        provider_id: Some("system".into()),
        tax_rate_id: Some("txr_1".into()),
        metadata: None,
    }
}

/// Golden 17's cart: 2 × 13 EUR at 25 % and 10 EUR shipping at 25 %: 45 EUR.
pub fn input(cart_id: &str) -> CreateOrderInput {
    let address = AddressFields {
        first_name: Some("Ada".into()),
        last_name: Some("Lovelace".into()),
        address_1: Some("1 Test Street".into()),
        city: Some("Copenhagen".into()),
        country_code: Some("dk".into()),
        postal_code: Some("1000".into()),
        phone: Some("+4512345678".into()),
        ..Default::default()
    };
    CreateOrderInput {
        cart_id: cart_id.into(),
        region_id: Some("reg_1".into()),
        customer_id: None,
        sales_channel_id: Some("sc_1".into()),
        email: Some("ada@example.com".into()),
        currency_code: CurrencyCode::parse("eur").unwrap(),
        locale: None,
        metadata: None,
        shipping_address: Some(address.clone()),
        billing_address: Some(address),
        items: vec![NewLineItem {
            id: OrderLineItemId::new(),
            snapshot: ItemSnapshot {
                title: "Peer Product 04".into(),
                variant_id: Some("variant_1".into()),
                variant_sku: Some("PEER-04-S".into()),
                variant_title: Some("S".into()),
                requires_shipping: true,
                is_discountable: true,
                ..Default::default()
            },
            quantity: 2,
            unit_price: amount("13"),
            compare_at_unit_price: None,
            tax_lines: vec![tax()],
            adjustments: vec![],
        }],
        shipping_methods: vec![NewShippingMethod {
            name: "Standard Shipping".into(),
            description: None,
            amount: amount("10"),
            is_tax_inclusive: false,
            is_custom_amount: false,
            shipping_option_id: Some("so_1".into()),
            data: None,
            metadata: None,
            tax_lines: vec![tax()],
            adjustments: vec![],
        }],
        credit_lines: vec![],
        payment_collection_id: Some(format!("pay_col_{cart_id}")),
        transactions: vec![],
        extra_events: vec![],
        capture_job: None,
    }
}

async fn count(db: &sea_orm::DatabaseConnection, table: &str) -> i64 {
    let row = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            format!("SELECT COUNT(*) AS n FROM \"{table}\""),
        ))
        .await
        .unwrap()
        .unwrap();
    row.try_get::<i64>("", "n").unwrap()
}

async fn order_is_created_whole_and_once_per_cart(backend: Backend) {
    let (svc, db, _tdb) = setup(backend).await;
    let order = svc.create_from_cart(input("cart_a")).await.unwrap();
    assert_eq!(order.display_id, 1);
    assert_eq!(order.status, OrderStatus::Pending);
    assert_eq!(order.items.len(), 1);
    assert_eq!(order.items[0].tax_lines.len(), 1);
    assert_eq!(order.items[0].tax_lines[0].rate, Decimal::new(25, 0));
    assert_eq!(order.shipping_methods[0].tax_lines.len(), 1);
    let (ship, bill) = (
        order.shipping_address.clone().unwrap(),
        order.billing_address.clone().unwrap(),
    );
    assert_ne!(ship.id, bill.id, "each address gets its own row");
    assert_eq!(ship.fields.city.as_deref(), Some("Copenhagen"));
    assert_eq!(
        svc.order_for_cart("cart_a").await.unwrap(),
        Some(order.id.clone())
    );
    assert_eq!(
        svc.order_for_payment_collection("pay_col_cart_a")
            .await
            .unwrap(),
        Some(order.id.clone())
    );

    // The second creation for the cart names the first order and writes nothing.
    match svc.create_from_cart(input("cart_a")).await {
        Err(OrderError::AlreadyExists { order_id, .. }) => assert_eq!(order_id, order.id),
        other => panic!("expected AlreadyExists, got {other:?}"),
    }
    assert_eq!(count(&db, "order").await, 1);
    assert_eq!(count(&db, "order_line_item").await, 1);

    // The outbox holds exactly one `order.placed`, for this order.
    let events = svc.pending_events(10).await.unwrap();
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].name, "order.placed");
    assert_eq!(events[0].payload["id"], order.id.as_str());
    svc.mark_events_processed(&[events[0].id.to_string()])
        .await
        .unwrap();
    assert!(svc.pending_events(10).await.unwrap().is_empty());
}
on_both_backends!(order_is_created_whole_and_once_per_cart);

async fn a_failed_creation_leaves_no_gap_and_no_rows(backend: Backend) {
    let (svc, db, _tdb) = setup(backend).await;
    let first = svc.create_from_cart(input("cart_1")).await.unwrap();
    assert_eq!(first.display_id, 1);

    // Fails after the display id was taken and the order row written (the item is inserted
    // after both): everything rolls back, the number included.
    let mut bad = input("cart_2");
    bad.items[0].quantity = 0;
    assert!(matches!(
        svc.create_from_cart(bad).await,
        Err(OrderError::Invalid(_))
    ));
    assert_eq!(count(&db, "order").await, 1);
    assert_eq!(count(&db, "order_address").await, 2);
    assert_eq!(count(&db, "order_cart").await, 1);
    assert_eq!(count(&db, "event_outbox").await, 1);

    // The failed cart can still be ordered, and the numbering continues without a gap.
    let second = svc.create_from_cart(input("cart_2")).await.unwrap();
    assert_eq!(second.display_id, 2);
    let third = svc.create_from_cart(input("cart_3")).await.unwrap();
    assert_eq!(third.display_id, 3);
}
on_both_backends!(a_failed_creation_leaves_no_gap_and_no_rows);

async fn concurrent_creations_for_one_cart_make_one_order(backend: Backend) {
    let (svc, db, _tdb) = setup(backend).await;
    let results = join_all((0..6).map(|_| {
        let svc = svc.clone();
        tokio::spawn(async move { svc.create_from_cart(input("cart_race")).await })
    }))
    .await;
    let mut created = Vec::new();
    let mut existing = Vec::new();
    for r in results {
        match r.unwrap() {
            Ok(o) => created.push(o.id),
            Err(OrderError::AlreadyExists { order_id, .. }) => existing.push(order_id),
            Err(e) => panic!("unexpected error: {e}"),
        }
    }
    assert_eq!(created.len(), 1, "exactly one creation wins");
    assert_eq!(existing.len(), 5);
    assert!(existing.iter().all(|id| *id == created[0]));
    assert_eq!(count(&db, "order").await, 1);
    // Concurrent creations for different carts get consecutive numbers.
    let results = join_all((0..5).map(|n| {
        let svc = svc.clone();
        tokio::spawn(async move { svc.create_from_cart(input(&format!("cart_{n}"))).await })
    }))
    .await;
    let mut ids: Vec<i64> = results
        .into_iter()
        .map(|r| r.unwrap().unwrap().display_id)
        .collect();
    ids.sort();
    assert_eq!(ids, vec![2, 3, 4, 5, 6]);
}
on_both_backends!(concurrent_creations_for_one_cart_make_one_order);

async fn fulfilment_shipment_delivery_and_cancel(backend: Backend) {
    let (svc, _db, _tdb) = setup(backend).await;
    let order = svc.create_from_cart(input("cart_f")).await.unwrap();
    let item = order.items[0].id.to_string();
    let fulfil = |qty: i64| NewFulfillment {
        location_id: "sloc_1".into(),
        items: vec![ItemQuantity {
            item_id: item.clone(),
            quantity: qty,
        }],
        inventory_items: vec![],
        shipping_option_id: Some("so_1".into()),
        requires_shipping: true,
        labels: vec![],
        created_by: Some("user_1".into()),
        metadata: None,
    };
    assert!(matches!(
        svc.create_fulfillment(order.id.as_str(), fulfil(3)).await,
        Err(OrderError::Invalid(_))
    ));
    let fid = svc
        .create_fulfillment(order.id.as_str(), fulfil(2))
        .await
        .unwrap();
    let o = svc.retrieve(order.id.as_str()).await.unwrap();
    assert_eq!(o.items[0].detail.fulfilled, 2);
    assert_eq!(o.version, 2, "a fulfilment is a new order version");
    // The fulfilment keeps its own copy of the order's shipping address (Medusa's
    // `delivery_address`).
    let delivery = o.fulfillments[0].delivery_address.as_ref().unwrap();
    assert!(delivery.id.as_str().starts_with("fuladdr_"));
    assert_eq!(
        Some(&delivery.fields),
        o.shipping_address.as_ref().map(|a| &a.fields)
    );
    assert!(matches!(
        svc.create_fulfillment(order.id.as_str(), fulfil(1)).await,
        Err(OrderError::Invalid(_))
    ));
    // Not while a fulfilment stands.
    assert!(matches!(
        svc.cancel(order.id.as_str()).await,
        Err(OrderError::NotAllowed(_))
    ));
    svc.create_shipment(
        order.id.as_str(),
        fid.as_str(),
        vec![NewLabel {
            tracking_number: "T1".into(),
            tracking_url: "https://t/1".into(),
            label_url: "https://l/1".into(),
        }],
        Some("user_1".into()),
    )
    .await
    .unwrap();
    svc.mark_delivered(order.id.as_str(), fid.as_str())
        .await
        .unwrap();
    let o = svc.retrieve(order.id.as_str()).await.unwrap();
    assert_eq!(o.items[0].detail.shipped, 2);
    assert_eq!(o.items[0].detail.delivered, 2);
    let f = &o.fulfillments[0];
    assert!(f.shipped_at.is_some() && f.delivered_at.is_some());
    assert_eq!(f.labels.len(), 1);
    assert_eq!(f.items[0].quantity, 2);
    assert!(matches!(
        svc.mark_delivered(order.id.as_str(), fid.as_str()).await,
        Err(OrderError::NotAllowed(_))
    ));

    // A second order: fulfilled, the fulfilment canceled, then the order canceled.
    let other = svc.create_from_cart(input("cart_g")).await.unwrap();
    let oitem = other.items[0].id.to_string();
    let fid = svc
        .create_fulfillment(
            other.id.as_str(),
            NewFulfillment {
                items: vec![ItemQuantity {
                    item_id: oitem,
                    quantity: 1,
                }],
                ..fulfil(1)
            },
        )
        .await
        .unwrap();
    svc.cancel_fulfillment(other.id.as_str(), fid.as_str())
        .await
        .unwrap();
    let canceled = svc.cancel(other.id.as_str()).await.unwrap();
    assert_eq!(canceled.status, OrderStatus::Canceled);
    assert!(canceled.canceled_at.is_some());
    assert!(matches!(
        svc.cancel(other.id.as_str()).await,
        Err(OrderError::NotAllowed(_))
    ));
    assert_eq!(canceled.items[0].detail.fulfilled, 0);
    assert!(matches!(
        svc.complete(other.id.as_str()).await,
        Err(OrderError::NotAllowed(_))
    ));
}
on_both_backends!(fulfilment_shipment_delivery_and_cancel);
