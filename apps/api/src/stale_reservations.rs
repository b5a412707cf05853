//! Sweeps reservations that checkout made for order lines that never came to exist.
//!
//! Checkout reserves stock for the order's line ids *before* it creates the order (so a
//! refused reservation leaves no order behind), and releases them when a later step fails. Two
//! paths still strand them: the process dies (or the client disconnects, which drops the
//! handler's future in actix-web) between the committed reservation and the order's
//! transaction, or the release itself fails (it is logged). A retried `complete` then picks
//! fresh line ids and reserves again, so the first reservation would hold stock forever.
//!
//! The sweep only looks at reservations checkout tagged ([`CHECKOUT_RESERVATION`] in
//! `created_by`; admin-made reservations are never touched), older than a grace period far
//! beyond a completion's claim (two minutes), whose line item is not part of any order. Those
//! are deleted, giving their quantity back, through the inventory module's normal release.

use std::sync::Arc;
use std::sync::Mutex;
use std::time::Duration;

use async_trait::async_trait;
use medusa_core::Clock;
use medusa_core::registry::Registry;
use medusa_inventory::{InventoryService, ListReservations, ReservationItemId};
use medusa_jobs::Job;
use medusa_order::OrderService;

/// The `created_by` of the reservations checkout makes.
pub const CHECKOUT_RESERVATION: &str = "checkout";

#[derive(Debug, Clone)]
pub struct SweepSettings {
    /// Only reservations at least this old are looked at.
    pub grace: Duration,
    /// At most one sweep per this interval (the job loop polls far more often).
    pub every: Duration,
    /// Reservations read per page.
    pub page: u64,
}

impl Default for SweepSettings {
    fn default() -> Self {
        SweepSettings {
            grace: Duration::from_secs(15 * 60),
            every: Duration::from_secs(5 * 60),
            page: 500,
        }
    }
}

pub struct StaleReservationSweeper {
    registry: Arc<Registry>,
    clock: Arc<dyn Clock>,
    settings: SweepSettings,
    last_run: Mutex<Option<chrono::DateTime<chrono::Utc>>>,
}

impl StaleReservationSweeper {
    pub fn new(registry: Arc<Registry>, clock: Arc<dyn Clock>, settings: SweepSettings) -> Self {
        StaleReservationSweeper {
            registry,
            clock,
            settings,
            last_run: Mutex::new(None),
        }
    }

    /// One sweep, whenever it last ran. Returns how many reservations were deleted.
    pub async fn sweep(&self) -> anyhow::Result<usize> {
        let err = |e| anyhow::anyhow!("{e:?}");
        let inventory = self.registry.get::<dyn InventoryService>().map_err(err)?;
        let orders = self.registry.get::<dyn OrderService>().map_err(err)?;
        let grace = chrono::Duration::from_std(self.settings.grace)
            .unwrap_or(chrono::Duration::minutes(15));
        let cutoff = self.clock.now() - grace;
        let mut offset = 0;
        let mut deleted = 0;
        loop {
            // Oldest first: the page ends the sweep once it reaches the grace period.
            let (page, _) = inventory
                .list_reservations(&ListReservations {
                    created_by: vec![CHECKOUT_RESERVATION.to_owned()],
                    offset,
                    limit: self.settings.page,
                    ..ListReservations::default()
                })
                .await?;
            let old: Vec<_> = page.iter().filter(|r| r.created_at < cutoff).collect();
            let lines: Vec<String> = old.iter().filter_map(|r| r.line_item_id.clone()).collect();
            let existing = orders.existing_line_items(&lines).await?;
            let stale: Vec<ReservationItemId> = old
                .iter()
                .filter(|r| {
                    r.line_item_id
                        .as_ref()
                        .is_some_and(|l| !existing.contains(l))
                })
                .map(|r| r.id.clone())
                .collect();
            if !stale.is_empty() {
                let gone = inventory.delete_reservations(&stale).await?;
                for r in &gone {
                    tracing::warn!(
                        reservation = %r.id,
                        line_item = ?r.line_item_id,
                        inventory_item = %r.inventory_item_id,
                        quantity = r.quantity,
                        "released a reservation whose order line does not exist"
                    );
                }
                deleted += gone.len();
            }
            let full_page = u64::try_from(page.len()).unwrap_or(u64::MAX) >= self.settings.page;
            if !full_page || old.len() < page.len() {
                return Ok(deleted);
            }
            // Deleted rows no longer occupy the offsets before the next page.
            offset += u64::try_from(page.len() - stale.len()).unwrap_or(0);
        }
    }
}

#[async_trait]
impl Job for StaleReservationSweeper {
    fn name(&self) -> &'static str {
        "stale_reservations"
    }

    async fn run_once(&self) -> anyhow::Result<usize> {
        let now = self.clock.now();
        let every =
            chrono::Duration::from_std(self.settings.every).unwrap_or(chrono::Duration::minutes(5));
        {
            let mut last = self.last_run.lock().unwrap_or_else(|p| p.into_inner());
            if last.is_some_and(|t| now < t + every) {
                return Ok(0);
            }
            *last = Some(now);
        }
        self.sweep().await
    }
}
