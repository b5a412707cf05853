//! The stale-reservation sweep on both backends: a reservation checkout made for an order line
//! that never came to exist (a checkout that died between reserving and creating the order) is
//! released once the grace period passed; the reservations of placed orders, young ones and
//! admin-made ones are left alone.

use std::time::Duration;

use medusa_api::stale_reservations::{
    CHECKOUT_RESERVATION, StaleReservationSweeper, SweepSettings,
};
use medusa_inventory::{InventoryService, ListReservations, ReservationRequest};
use medusa_order::OrderLineItemId;
use medusa_testkit::{TestApp, both_backends, spawn_app};

use crate::store_carts::{region_id, variant};
use crate::store_checkout::{complete, pay, ready_cart};

fn inventory(app: &TestApp) -> std::sync::Arc<dyn InventoryService> {
    app.state.registry.get::<dyn InventoryService>().unwrap()
}

both_backends!(
    async fn reservations_of_lines_that_never_became_an_order_are_released(backend: Backend) {
        let app = spawn_app(backend).await;
        let key = app.seed().await;
        let eur = region_id(&app, &key, "eur").await;
        let (variant_id, _) = variant(&app, &key, &eur, 0).await;
        // A placed order: its reservation stays.
        let cart = ready_cart(&app, &key, &eur, &variant_id, 1).await;
        pay(&app, &key, &cart).await;
        let (st, body) = complete(&app, &key, &cart).await;
        assert_eq!(st, 200, "{body}");
        let inv = inventory(&app);
        let (placed, _) = inv
            .list_reservations(&ListReservations::default())
            .await
            .unwrap();
        assert_eq!(placed.len(), 1);
        assert_eq!(placed[0].created_by.as_deref(), Some(CHECKOUT_RESERVATION));
        let item = placed[0].inventory_item_id.clone();
        let loc = placed[0].location_id.clone();
        let level_before = inv.retrieve_level(&item, &loc).await.unwrap();

        // What a crashed checkout leaves: checkout's tag, a line no order has.
        let mut orphan = ReservationRequest::new(item.clone(), loc.clone(), 2);
        orphan.line_item_id = Some(OrderLineItemId::new().to_string());
        orphan.created_by = Some(CHECKOUT_RESERVATION.to_owned());
        // An admin's reservation for a line of its own: never swept.
        let mut manual = ReservationRequest::new(item.clone(), loc.clone(), 1);
        manual.line_item_id = Some(OrderLineItemId::new().to_string());
        inv.reserve(&[orphan, manual]).await.unwrap();
        let level = inv.retrieve_level(&item, &loc).await.unwrap();
        assert_eq!(level.reserved_quantity, level_before.reserved_quantity + 3);

        let sweeper = StaleReservationSweeper::new(
            app.state.registry.clone(),
            app.state.clock.clone(),
            SweepSettings {
                page: 1,
                ..SweepSettings::default()
            },
        );
        // Young: a checkout may still be about to create its order.
        assert_eq!(sweeper.sweep().await.unwrap(), 0);
        app.clock
            .advance(chrono::Duration::from_std(Duration::from_secs(16 * 60)).unwrap());
        assert_eq!(sweeper.sweep().await.unwrap(), 1);
        let level = inv.retrieve_level(&item, &loc).await.unwrap();
        assert_eq!(level.reserved_quantity, level_before.reserved_quantity + 1);
        let (left, _) = inv
            .list_reservations(&ListReservations::default())
            .await
            .unwrap();
        assert_eq!(left.len(), 2, "{left:?}");
        assert!(left.iter().any(|r| r.id == placed[0].id));
        assert_eq!(sweeper.sweep().await.unwrap(), 0);
    }
);
