use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

use async_trait::async_trait;
use chrono::{DateTime, SubsecRound, Utc};
use medusa_core::Clock;
use medusa_db::begin_write;
use sea_orm::{DatabaseConnection, DatabaseTransaction, SqlErr};

use crate::entity::{
    inventory_item as item, inventory_level as level, product_variant_inventory_item as link,
    reservation_item as reservation,
};
use crate::error::InventoryError;
use crate::model::{
    CreateInventoryItem, FulfillmentRequest, InventoryItem, InventoryItemId, InventoryLevel,
    InventoryLevelId, ListInventoryItems, ListInventoryLevels, ListReservations, Reservation,
    ReservationItemId, ReservationRequest, UpdateInventoryItem, UpdateReservation,
    VariantInventoryItem,
};
use crate::repo;

/// The module's service.
///
/// Invariant kept by every method: a level's `reserved_quantity` equals the sum of the
/// quantities of its reservations, and is never negative (also a CHECK in the schema).
#[async_trait]
pub trait InventoryService: Send + Sync {
    // --- items ---------------------------------------------------------------------------------
    /// Creates an item. A sku must be unique among live items.
    async fn create_item(
        &self,
        input: CreateInventoryItem,
    ) -> Result<InventoryItem, InventoryError>;
    /// A live item with its stocked/reserved sums over all locations.
    async fn retrieve_item(&self, id: &InventoryItemId) -> Result<InventoryItem, InventoryError>;
    /// One page of live items (oldest first) with their sums, and the total count.
    async fn list_items(
        &self,
        filter: &ListInventoryItems,
    ) -> Result<(Vec<InventoryItem>, u64), InventoryError>;
    /// Soft-deletes the item with its levels and variant links; refused while anything is
    /// reserved.
    async fn delete_item(&self, id: &InventoryItemId) -> Result<(), InventoryError>;

    // --- variant links ---------------------------------------------------------------------------
    /// Links a variant to an item (or changes the link's `required_quantity`, at least 1).
    async fn link_variant(
        &self,
        variant_id: &str,
        item_id: &InventoryItemId,
        required_quantity: i64,
    ) -> Result<VariantInventoryItem, InventoryError>;
    async fn unlink_variant(
        &self,
        variant_id: &str,
        item_id: &InventoryItemId,
    ) -> Result<(), InventoryError>;
    /// The links of the variants to live items, by variant then item. One query.
    async fn items_for_variants(
        &self,
        variant_ids: &[String],
    ) -> Result<Vec<VariantInventoryItem>, InventoryError>;
    /// For each variant: min over its linked items of
    /// `floor(sum over location_ids of (stocked - reserved) / required_quantity)`. Variants
    /// without a linked item are absent. One query whatever the number of variants (up to
    /// `10_000` per query).
    async fn variant_availability(
        &self,
        variant_ids: &[String],
        location_ids: &[String],
    ) -> Result<HashMap<String, i64>, InventoryError>;

    // --- levels ----------------------------------------------------------------------------------
    /// Creates the item's level at the location, or sets its stocked quantity (>= 0).
    /// `reserved_quantity` cannot be set: it changes only through reservations.
    async fn set_level(
        &self,
        item_id: &InventoryItemId,
        location_id: &str,
        stocked_quantity: i64,
    ) -> Result<InventoryLevel, InventoryError>;
    /// `stocked_quantity += delta` (Medusa's `adjustInventory`), atomically.
    async fn adjust_level(
        &self,
        item_id: &InventoryItemId,
        location_id: &str,
        delta: i64,
    ) -> Result<InventoryLevel, InventoryError>;
    async fn retrieve_level(
        &self,
        item_id: &InventoryItemId,
        location_id: &str,
    ) -> Result<InventoryLevel, InventoryError>;
    async fn list_levels(
        &self,
        item_id: &InventoryItemId,
    ) -> Result<Vec<InventoryLevel>, InventoryError>;
    /// Deletes a level; refused while anything is reserved at it.
    async fn delete_level(
        &self,
        item_id: &InventoryItemId,
        location_id: &str,
    ) -> Result<(), InventoryError>;

    // --- reservations ----------------------------------------------------------------------------
    /// Reserves every line or none, in one transaction. Demand is summed per (item, location)
    /// across lines first (two lines of one bundle compete for the same stock, Medusa #16502),
    /// then each (item, location), in sorted order, gets one guarded conditional update (no
    /// guard for backorder lines). Missing level: [`InventoryError::NotStocked`]; not enough
    /// stock: [`InventoryError::InsufficientStock`]. Returns the reservations in line order.
    async fn reserve(
        &self,
        lines: &[ReservationRequest],
    ) -> Result<Vec<Reservation>, InventoryError>;
    async fn reservations_for_line_items(
        &self,
        line_item_ids: &[String],
    ) -> Result<Vec<Reservation>, InventoryError>;
    /// Deletes the line items' reservations and releases their quantities, in one
    /// transaction. Returns the deleted reservations.
    async fn delete_reservations_for_line_items(
        &self,
        line_item_ids: &[String],
    ) -> Result<Vec<Reservation>, InventoryError>;
    /// Deletes reservations by id and releases their quantities, in one transaction.
    async fn delete_reservations(
        &self,
        ids: &[ReservationItemId],
    ) -> Result<Vec<Reservation>, InventoryError>;
    /// Stock leaving with a fulfilment: for each line, `quantity` comes off `stocked_quantity`,
    /// and as much of it as the line item had reserved at that location comes off its
    /// reservations and `reserved_quantity` together (availability is unchanged for the
    /// reserved part). One transaction.
    async fn fulfill(&self, lines: &[FulfillmentRequest]) -> Result<(), InventoryError>;

    // --- admin api ---------------------------------------------------------------------------
    /// Changes a live item's columns (a sku must stay unique among live items).
    async fn update_item(
        &self,
        id: &InventoryItemId,
        input: UpdateInventoryItem,
    ) -> Result<InventoryItem, InventoryError>;
    /// The levels of the items, by item then location. One query per
    /// [`crate::MAX_IDS_PER_QUERY`] items.
    async fn levels_for_items(
        &self,
        item_ids: &[InventoryItemId],
    ) -> Result<Vec<InventoryLevel>, InventoryError>;
    /// One page of levels (oldest first) and the total count.
    async fn list_levels_page(
        &self,
        filter: &ListInventoryLevels,
    ) -> Result<(Vec<InventoryLevel>, u64), InventoryError>;
    /// Creates the item's level at a location (quantities >= 0); refused with
    /// [`InventoryError::LevelExists`] when the item already has one there.
    async fn create_level(
        &self,
        item_id: &InventoryItemId,
        location_id: &str,
        stocked_quantity: i64,
        incoming_quantity: i64,
    ) -> Result<InventoryLevel, InventoryError>;
    /// Sets a level's stocked and/or incoming quantity (>= 0); `reserved_quantity` is never
    /// written here.
    async fn update_level(
        &self,
        item_id: &InventoryItemId,
        location_id: &str,
        stocked_quantity: Option<i64>,
        incoming_quantity: Option<i64>,
    ) -> Result<InventoryLevel, InventoryError>;
    /// One page of reservations (oldest first) and the total count.
    async fn list_reservations(
        &self,
        filter: &ListReservations,
    ) -> Result<(Vec<Reservation>, u64), InventoryError>;
    async fn retrieve_reservation(
        &self,
        id: &ReservationItemId,
    ) -> Result<Reservation, InventoryError>;
    /// Changes a reservation's quantity, location, description or metadata in one
    /// transaction: the reservation row is locked, the old level gives back what it had
    /// reserved and the new one takes the new quantity through the same guarded update as
    /// [`InventoryService::reserve`], so an update never oversells.
    async fn update_reservation(
        &self,
        id: &ReservationItemId,
        input: UpdateReservation,
    ) -> Result<Reservation, InventoryError>;
}

pub struct DbInventoryService {
    db: DatabaseConnection,
    clock: Arc<dyn Clock>,
}

impl DbInventoryService {
    pub fn new(db: DatabaseConnection, clock: Arc<dyn Clock>) -> Self {
        DbInventoryService { db, clock }
    }

    /// The clock at microsecond precision, which is what PostgreSQL stores: the values this
    /// service returns equal the ones read back later.
    fn now(&self) -> DateTime<Utc> {
        self.clock.now().trunc_subsecs(6)
    }
}

// Rows are written only by this module, with valid ids.
fn item_id(s: &str) -> InventoryItemId {
    InventoryItemId::parse(s).unwrap_or_default()
}

fn to_item(row: item::Model, sums: Option<(i64, i64)>) -> InventoryItem {
    let (stocked_quantity, reserved_quantity) = sums.unwrap_or((0, 0));
    InventoryItem {
        id: item_id(&row.id),
        sku: row.sku,
        title: row.title,
        description: row.description,
        thumbnail: row.thumbnail,
        origin_country: row.origin_country,
        hs_code: row.hs_code,
        mid_code: row.mid_code,
        material: row.material,
        unit_of_measure: row.unit_of_measure,
        weight: row.weight,
        length: row.length,
        height: row.height,
        width: row.width,
        requires_shipping: row.requires_shipping,
        metadata: row.metadata,
        stocked_quantity,
        reserved_quantity,
        created_at: row.created_at,
        updated_at: row.updated_at,
        deleted_at: row.deleted_at,
    }
}

fn to_level(row: level::Model) -> InventoryLevel {
    InventoryLevel {
        id: InventoryLevelId::parse(&row.id).unwrap_or_default(),
        inventory_item_id: item_id(&row.inventory_item_id),
        location_id: row.location_id,
        stocked_quantity: row.stocked_quantity,
        reserved_quantity: row.reserved_quantity,
        incoming_quantity: row.incoming_quantity,
        metadata: row.metadata,
        created_at: row.created_at,
        updated_at: row.updated_at,
    }
}

fn to_reservation(row: reservation::Model) -> Reservation {
    Reservation {
        id: ReservationItemId::parse(&row.id).unwrap_or_default(),
        line_item_id: row.line_item_id,
        inventory_item_id: item_id(&row.inventory_item_id),
        location_id: row.location_id,
        quantity: row.quantity,
        allow_backorder: row.allow_backorder,
        external_id: row.external_id,
        description: row.description,
        created_by: row.created_by,
        metadata: row.metadata,
        created_at: row.created_at,
        updated_at: row.updated_at,
    }
}

fn to_link(row: link::Model) -> VariantInventoryItem {
    VariantInventoryItem {
        variant_id: row.variant_id,
        inventory_item_id: item_id(&row.inventory_item_id),
        required_quantity: row.required_quantity,
    }
}

fn checked_sum(a: i64, b: i64) -> Result<i64, InventoryError> {
    a.checked_add(b)
        .ok_or_else(|| InventoryError::InvalidData("Quantity is too large".into()))
}

fn positive(quantity: i64, what: &str) -> Result<(), InventoryError> {
    if quantity <= 0 {
        return Err(InventoryError::InvalidData(format!(
            "{what} must be greater than 0"
        )));
    }
    Ok(())
}

fn not_negative(quantity: i64, what: &str) -> Result<(), InventoryError> {
    if quantity < 0 {
        return Err(InventoryError::InvalidData(format!(
            "{what} must be greater than or equal to 0"
        )));
    }
    Ok(())
}

fn location(location_id: &str) -> Result<(), InventoryError> {
    if location_id.is_empty() {
        return Err(InventoryError::InvalidData(
            "location_id is required".into(),
        ));
    }
    Ok(())
}

/// Releases deleted reservations from their levels: one `reserved_quantity -= n` per
/// (item, location), in sorted order so concurrent writers lock levels in the same order.
async fn release_levels(
    tx: &DatabaseTransaction,
    rows: &[reservation::Model],
    at: DateTime<Utc>,
) -> Result<(), InventoryError> {
    let mut per_level: BTreeMap<(&str, &str), i64> = BTreeMap::new();
    for r in rows {
        let n = per_level
            .entry((r.inventory_item_id.as_str(), r.location_id.as_str()))
            .or_insert(0);
        *n = checked_sum(*n, r.quantity)?;
    }
    for ((item, location), n) in per_level {
        if !repo::subtract_quantities(tx, item, location, 0, n, at).await? {
            // A reservation always has its level (levels with reservations cannot be deleted).
            return Err(InventoryError::LevelNotFound {
                item: item_id(item),
                location: location.to_owned(),
            });
        }
    }
    Ok(())
}

impl DbInventoryService {
    async fn release(
        &self,
        tx: DatabaseTransaction,
        rows: Vec<reservation::Model>,
    ) -> Result<Vec<Reservation>, InventoryError> {
        if rows.is_empty() {
            medusa_db::versions::bump(&tx, medusa_db::versions::INVENTORY).await?;
            tx.commit().await?;
            return Ok(Vec::new());
        }
        let ids: Vec<String> = rows.iter().map(|r| r.id.clone()).collect();
        repo::delete_reservations(&tx, &ids).await?;
        release_levels(&tx, &rows, self.now()).await?;
        medusa_db::versions::bump(&tx, medusa_db::versions::INVENTORY).await?;
        tx.commit().await?;
        Ok(rows.into_iter().map(to_reservation).collect())
    }
}

#[async_trait]
impl InventoryService for DbInventoryService {
    async fn create_item(
        &self,
        input: CreateInventoryItem,
    ) -> Result<InventoryItem, InventoryError> {
        let now = self.now();
        let row = item::Model {
            id: InventoryItemId::new().into_string(),
            sku: input.sku,
            title: input.title,
            description: input.description,
            thumbnail: input.thumbnail,
            origin_country: input.origin_country,
            hs_code: input.hs_code,
            mid_code: input.mid_code,
            material: input.material,
            unit_of_measure: input.unit_of_measure,
            weight: input.weight,
            length: input.length,
            height: input.height,
            width: input.width,
            requires_shipping: input.requires_shipping.unwrap_or(true),
            metadata: input.metadata,
            created_at: now,
            updated_at: now,
            deleted_at: None,
        };
        match repo::insert_item(&self.db, row.clone()).await {
            Ok(()) => Ok(to_item(row, None)),
            Err(e) if matches!(e.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => {
                Err(InventoryError::DuplicateSku(row.sku.unwrap_or_default()))
            }
            Err(e) => Err(e.into()),
        }
    }

    async fn retrieve_item(&self, id: &InventoryItemId) -> Result<InventoryItem, InventoryError> {
        let row = repo::find_item(&self.db, id.as_str())
            .await?
            .ok_or_else(|| InventoryError::ItemNotFound(id.clone()))?;
        let sums = repo::stock_sums(&self.db, std::slice::from_ref(&row.id)).await?;
        let s = sums.get(&row.id).copied();
        Ok(to_item(row, s))
    }

    async fn list_items(
        &self,
        filter: &ListInventoryItems,
    ) -> Result<(Vec<InventoryItem>, u64), InventoryError> {
        let (rows, count) = repo::list_items(&self.db, filter).await?;
        let ids: Vec<String> = rows.iter().map(|r| r.id.clone()).collect();
        let sums = repo::stock_sums(&self.db, &ids).await?;
        let items = rows
            .into_iter()
            .map(|r| {
                let s = sums.get(&r.id).copied();
                to_item(r, s)
            })
            .collect();
        Ok((items, count))
    }

    async fn delete_item(&self, id: &InventoryItemId) -> Result<(), InventoryError> {
        let tx = begin_write(&self.db).await?;
        if !repo::soft_delete_item(&tx, id.as_str(), self.now()).await? {
            return Err(InventoryError::ItemNotFound(id.clone()));
        }
        // Guarded on reserved_quantity = 0, so a reservation committed meanwhile keeps its
        // level and makes the deletion fail instead of leaving it without one.
        if repo::delete_unreserved_levels_of_item(&tx, id.as_str()).await? > 0 {
            return Err(InventoryError::ItemHasReservations(id.clone()));
        }
        repo::delete_variant_links_of_item(&tx, id.as_str()).await?;
        medusa_db::versions::bump(&tx, medusa_db::versions::INVENTORY).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn link_variant(
        &self,
        variant_id: &str,
        item_id: &InventoryItemId,
        required_quantity: i64,
    ) -> Result<VariantInventoryItem, InventoryError> {
        if variant_id.is_empty() {
            return Err(InventoryError::InvalidData("variant_id is required".into()));
        }
        positive(required_quantity, "required_quantity")?;
        if repo::find_item(&self.db, item_id.as_str()).await?.is_none() {
            return Err(InventoryError::ItemNotFound(item_id.clone()));
        }
        let now = self.now();
        let row = link::Model {
            variant_id: variant_id.to_owned(),
            inventory_item_id: item_id.as_str().to_owned(),
            required_quantity,
            created_at: now,
            updated_at: now,
        };
        repo::upsert_variant_link(&self.db, row.clone()).await?;
        medusa_db::versions::bump(&self.db, medusa_db::versions::INVENTORY).await?;
        Ok(to_link(row))
    }

    async fn unlink_variant(
        &self,
        variant_id: &str,
        item_id: &InventoryItemId,
    ) -> Result<(), InventoryError> {
        repo::delete_variant_link(&self.db, variant_id, item_id.as_str()).await?;
        medusa_db::versions::bump(&self.db, medusa_db::versions::INVENTORY).await?;
        Ok(())
    }

    async fn items_for_variants(
        &self,
        variant_ids: &[String],
    ) -> Result<Vec<VariantInventoryItem>, InventoryError> {
        if variant_ids.is_empty() {
            return Ok(Vec::new());
        }
        Ok(repo::variant_links(&self.db, variant_ids)
            .await?
            .into_iter()
            .map(to_link)
            .collect())
    }

    async fn variant_availability(
        &self,
        variant_ids: &[String],
        location_ids: &[String],
    ) -> Result<HashMap<String, i64>, InventoryError> {
        let mut out: HashMap<String, i64> = HashMap::new();
        if variant_ids.is_empty() {
            return Ok(out);
        }
        for (variant_id, required, available) in
            repo::availability_rows(&self.db, variant_ids, location_ids).await?
        {
            // `div_euclid` by a positive divisor is floor division, also for the negative
            // availability backorders leave. The schema keeps required_quantity >= 1.
            let units = available.div_euclid(required.max(1));
            out.entry(variant_id)
                .and_modify(|v| *v = (*v).min(units))
                .or_insert(units);
        }
        Ok(out)
    }

    async fn set_level(
        &self,
        item_id: &InventoryItemId,
        location_id: &str,
        stocked_quantity: i64,
    ) -> Result<InventoryLevel, InventoryError> {
        location(location_id)?;
        if stocked_quantity < 0 {
            return Err(InventoryError::InvalidData(
                "stocked_quantity must be greater than or equal to 0".into(),
            ));
        }
        let now = self.now();
        let tx = begin_write(&self.db).await?;
        if repo::find_item_shared(&tx, item_id.as_str())
            .await?
            .is_none()
        {
            return Err(InventoryError::ItemNotFound(item_id.clone()));
        }
        repo::upsert_level_stock(
            &tx,
            level::Model {
                id: InventoryLevelId::new().into_string(),
                inventory_item_id: item_id.as_str().to_owned(),
                location_id: location_id.to_owned(),
                stocked_quantity,
                reserved_quantity: 0,
                incoming_quantity: 0,
                metadata: None,
                created_at: now,
                updated_at: now,
            },
        )
        .await?;
        let row = repo::find_level(&tx, item_id.as_str(), location_id)
            .await?
            .ok_or_else(|| InventoryError::LevelNotFound {
                item: item_id.clone(),
                location: location_id.to_owned(),
            })?;
        medusa_db::versions::bump(&tx, medusa_db::versions::INVENTORY).await?;
        tx.commit().await?;
        Ok(to_level(row))
    }

    async fn adjust_level(
        &self,
        item_id: &InventoryItemId,
        location_id: &str,
        delta: i64,
    ) -> Result<InventoryLevel, InventoryError> {
        let not_found = || InventoryError::LevelNotFound {
            item: item_id.clone(),
            location: location_id.to_owned(),
        };
        let tx = begin_write(&self.db).await?;
        if !repo::adjust_stocked(&tx, item_id.as_str(), location_id, delta, self.now()).await? {
            return Err(not_found());
        }
        let row = repo::find_level(&tx, item_id.as_str(), location_id)
            .await?
            .ok_or_else(not_found)?;
        medusa_db::versions::bump(&tx, medusa_db::versions::INVENTORY).await?;
        tx.commit().await?;
        Ok(to_level(row))
    }

    async fn retrieve_level(
        &self,
        item_id: &InventoryItemId,
        location_id: &str,
    ) -> Result<InventoryLevel, InventoryError> {
        repo::find_level(&self.db, item_id.as_str(), location_id)
            .await?
            .map(to_level)
            .ok_or_else(|| InventoryError::LevelNotFound {
                item: item_id.clone(),
                location: location_id.to_owned(),
            })
    }

    async fn list_levels(
        &self,
        item_id: &InventoryItemId,
    ) -> Result<Vec<InventoryLevel>, InventoryError> {
        Ok(repo::levels_of_item(&self.db, item_id.as_str())
            .await?
            .into_iter()
            .map(to_level)
            .collect())
    }

    async fn delete_level(
        &self,
        item_id: &InventoryItemId,
        location_id: &str,
    ) -> Result<(), InventoryError> {
        let tx = begin_write(&self.db).await?;
        if repo::delete_level_if_unreserved(&tx, item_id.as_str(), location_id).await? {
            medusa_db::versions::bump(&tx, medusa_db::versions::INVENTORY).await?;
            tx.commit().await?;
            return Ok(());
        }
        let exists = repo::find_level(&tx, item_id.as_str(), location_id)
            .await?
            .is_some();
        Err(if exists {
            InventoryError::LevelHasReservations {
                item: item_id.clone(),
                location: location_id.to_owned(),
            }
        } else {
            InventoryError::LevelNotFound {
                item: item_id.clone(),
                location: location_id.to_owned(),
            }
        })
    }

    async fn reserve(
        &self,
        lines: &[ReservationRequest],
    ) -> Result<Vec<Reservation>, InventoryError> {
        if lines.is_empty() {
            return Ok(Vec::new());
        }
        // Demand per (item, location) across all lines: (total, part that must fit in stock).
        let mut demand: BTreeMap<(&InventoryItemId, &str), (i64, i64)> = BTreeMap::new();
        for line in lines {
            positive(line.quantity, "quantity")?;
            location(&line.location_id)?;
            let (total, guarded) = demand
                .entry((&line.inventory_item_id, line.location_id.as_str()))
                .or_insert((0, 0));
            *total = checked_sum(*total, line.quantity)?;
            if !line.allow_backorder {
                *guarded = checked_sum(*guarded, line.quantity)?;
            }
        }

        let now = self.now();
        // Dropping `tx` on an early return rolls everything back.
        let tx = begin_write(&self.db).await?;
        // BTreeMap order: every transaction locks levels in the same order (no deadlocks).
        for ((item, location), (total, guarded)) in &demand {
            if repo::add_reserved(&tx, item.as_str(), location, *total, *guarded, now).await? {
                continue;
            }
            let stocked = repo::find_level(&tx, item.as_str(), location)
                .await?
                .is_some();
            let (item, location) = ((*item).clone(), (*location).to_owned());
            return Err(if stocked {
                InventoryError::InsufficientStock { item, location }
            } else {
                InventoryError::NotStocked { item, location }
            });
        }
        let rows: Vec<reservation::Model> = lines
            .iter()
            .map(|line| reservation::Model {
                id: ReservationItemId::new().into_string(),
                line_item_id: line.line_item_id.clone(),
                inventory_item_id: line.inventory_item_id.as_str().to_owned(),
                location_id: line.location_id.clone(),
                quantity: line.quantity,
                allow_backorder: line.allow_backorder,
                external_id: line.external_id.clone(),
                description: line.description.clone(),
                created_by: line.created_by.clone(),
                metadata: line.metadata.clone(),
                created_at: now,
                updated_at: now,
            })
            .collect();
        repo::insert_reservations(&tx, rows.clone()).await?;
        medusa_db::versions::bump(&tx, medusa_db::versions::INVENTORY).await?;
        tx.commit().await?;
        Ok(rows.into_iter().map(to_reservation).collect())
    }

    async fn reservations_for_line_items(
        &self,
        line_item_ids: &[String],
    ) -> Result<Vec<Reservation>, InventoryError> {
        if line_item_ids.is_empty() {
            return Ok(Vec::new());
        }
        Ok(
            repo::reservations_of_line_items(&self.db, line_item_ids, false)
                .await?
                .into_iter()
                .map(to_reservation)
                .collect(),
        )
    }

    async fn delete_reservations_for_line_items(
        &self,
        line_item_ids: &[String],
    ) -> Result<Vec<Reservation>, InventoryError> {
        if line_item_ids.is_empty() {
            return Ok(Vec::new());
        }
        let tx = begin_write(&self.db).await?;
        // Locked (PostgreSQL): a concurrent release of the same lines waits, then finds them
        // gone, so nothing is released twice.
        let rows = repo::reservations_of_line_items(&tx, line_item_ids, true).await?;
        self.release(tx, rows).await
    }

    async fn delete_reservations(
        &self,
        ids: &[ReservationItemId],
    ) -> Result<Vec<Reservation>, InventoryError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let ids: Vec<String> = ids.iter().map(|i| i.as_str().to_owned()).collect();
        let tx = begin_write(&self.db).await?;
        let rows = repo::reservations_by_ids(&tx, &ids, true).await?;
        self.release(tx, rows).await
    }

    async fn fulfill(&self, lines: &[FulfillmentRequest]) -> Result<(), InventoryError> {
        if lines.is_empty() {
            return Ok(());
        }
        for line in lines {
            positive(line.quantity, "quantity")?;
            location(&line.location_id)?;
        }
        let now = self.now();
        let tx = begin_write(&self.db).await?;
        let line_ids: Vec<String> = lines
            .iter()
            .map(|l| l.line_item_id.clone())
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        // Locked, oldest first; each line consumes its own reservations in that order.
        let mut reservations: Vec<(reservation::Model, i64)> =
            repo::reservations_of_line_items(&tx, &line_ids, true)
                .await?
                .into_iter()
                .map(|r| {
                    let left = r.quantity;
                    (r, left)
                })
                .collect();
        // (stocked, reserved) to subtract per (item, location).
        let mut per_level: BTreeMap<(&str, &str), (i64, i64)> = BTreeMap::new();
        for line in lines {
            let mut need = line.quantity;
            let mut consumed = 0;
            for (r, left) in reservations.iter_mut() {
                if need == 0 {
                    break;
                }
                if r.line_item_id.as_deref() == Some(line.line_item_id.as_str())
                    && r.inventory_item_id == line.inventory_item_id.as_str()
                    && r.location_id == line.location_id
                {
                    let take = need.min(*left);
                    *left -= take;
                    need -= take;
                    consumed += take;
                }
            }
            let (stocked, reserved) = per_level
                .entry((line.inventory_item_id.as_str(), line.location_id.as_str()))
                .or_insert((0, 0));
            *stocked = checked_sum(*stocked, line.quantity)?;
            *reserved = checked_sum(*reserved, consumed)?;
        }
        let mut emptied = Vec::new();
        for (r, left) in &reservations {
            if *left == 0 {
                emptied.push(r.id.clone());
            } else if *left != r.quantity {
                repo::set_reservation_quantity(&tx, &r.id, *left, now).await?;
            }
        }
        repo::delete_reservations(&tx, &emptied).await?;
        for ((item, location), (stocked, reserved)) in per_level {
            if !repo::subtract_quantities(&tx, item, location, stocked, reserved, now).await? {
                return Err(InventoryError::LevelNotFound {
                    item: item_id(item),
                    location: location.to_owned(),
                });
            }
        }
        medusa_db::versions::bump(&tx, medusa_db::versions::INVENTORY).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn update_item(
        &self,
        id: &InventoryItemId,
        input: UpdateInventoryItem,
    ) -> Result<InventoryItem, InventoryError> {
        let tx = begin_write(&self.db).await?;
        let mut row = repo::find_item(&tx, id.as_str())
            .await?
            .ok_or_else(|| InventoryError::ItemNotFound(id.clone()))?;
        let UpdateInventoryItem {
            sku,
            title,
            description,
            thumbnail,
            origin_country,
            hs_code,
            mid_code,
            material,
            unit_of_measure,
            weight,
            length,
            height,
            width,
            requires_shipping,
            metadata,
        } = input;
        fn set<T>(col: &mut T, v: Option<T>) {
            if let Some(v) = v {
                *col = v;
            }
        }
        set(&mut row.sku, sku);
        set(&mut row.title, title);
        set(&mut row.description, description);
        set(&mut row.thumbnail, thumbnail);
        set(&mut row.origin_country, origin_country);
        set(&mut row.hs_code, hs_code);
        set(&mut row.mid_code, mid_code);
        set(&mut row.material, material);
        set(&mut row.unit_of_measure, unit_of_measure);
        set(&mut row.weight, weight);
        set(&mut row.length, length);
        set(&mut row.height, height);
        set(&mut row.width, width);
        set(&mut row.requires_shipping, requires_shipping);
        set(&mut row.metadata, metadata);
        row.updated_at = self.now();
        match repo::update_item(&tx, row.clone()).await {
            Ok(()) => {}
            Err(e) if matches!(e.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => {
                return Err(InventoryError::DuplicateSku(row.sku.unwrap_or_default()));
            }
            Err(e) => return Err(e.into()),
        }
        // Titles and skus show in responses the cache keeps.
        medusa_db::versions::bump(&tx, medusa_db::versions::INVENTORY).await?;
        let sums = repo::stock_sums(&tx, std::slice::from_ref(&row.id)).await?;
        tx.commit().await?;
        let s = sums.get(&row.id).copied();
        Ok(to_item(row, s))
    }

    async fn levels_for_items(
        &self,
        item_ids: &[InventoryItemId],
    ) -> Result<Vec<InventoryLevel>, InventoryError> {
        if item_ids.is_empty() {
            return Ok(Vec::new());
        }
        let ids: Vec<String> = item_ids.iter().map(|i| i.as_str().to_owned()).collect();
        Ok(repo::levels_of_items(&self.db, &ids)
            .await?
            .into_iter()
            .map(to_level)
            .collect())
    }

    async fn list_levels_page(
        &self,
        filter: &ListInventoryLevels,
    ) -> Result<(Vec<InventoryLevel>, u64), InventoryError> {
        let (rows, count) = repo::list_levels(&self.db, filter).await?;
        Ok((rows.into_iter().map(to_level).collect(), count))
    }

    async fn create_level(
        &self,
        item_id: &InventoryItemId,
        location_id: &str,
        stocked_quantity: i64,
        incoming_quantity: i64,
    ) -> Result<InventoryLevel, InventoryError> {
        location(location_id)?;
        not_negative(stocked_quantity, "stocked_quantity")?;
        not_negative(incoming_quantity, "incoming_quantity")?;
        let now = self.now();
        let tx = begin_write(&self.db).await?;
        if repo::find_item_shared(&tx, item_id.as_str())
            .await?
            .is_none()
        {
            return Err(InventoryError::ItemNotFound(item_id.clone()));
        }
        let row = level::Model {
            id: InventoryLevelId::new().into_string(),
            inventory_item_id: item_id.as_str().to_owned(),
            location_id: location_id.to_owned(),
            stocked_quantity,
            reserved_quantity: 0,
            incoming_quantity,
            metadata: None,
            created_at: now,
            updated_at: now,
        };
        match repo::insert_level(&tx, row.clone()).await {
            Ok(()) => {}
            Err(e) if matches!(e.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => {
                return Err(InventoryError::LevelExists {
                    item: item_id.clone(),
                    location: location_id.to_owned(),
                });
            }
            Err(e) => return Err(e.into()),
        }
        medusa_db::versions::bump(&tx, medusa_db::versions::INVENTORY).await?;
        tx.commit().await?;
        Ok(to_level(row))
    }

    async fn update_level(
        &self,
        item_id: &InventoryItemId,
        location_id: &str,
        stocked_quantity: Option<i64>,
        incoming_quantity: Option<i64>,
    ) -> Result<InventoryLevel, InventoryError> {
        if let Some(n) = stocked_quantity {
            not_negative(n, "stocked_quantity")?;
        }
        if let Some(n) = incoming_quantity {
            not_negative(n, "incoming_quantity")?;
        }
        let not_found = || InventoryError::LevelNotFound {
            item: item_id.clone(),
            location: location_id.to_owned(),
        };
        let tx = begin_write(&self.db).await?;
        if !repo::set_level_quantities(
            &tx,
            item_id.as_str(),
            location_id,
            stocked_quantity,
            incoming_quantity,
            self.now(),
        )
        .await?
        {
            return Err(not_found());
        }
        let row = repo::find_level(&tx, item_id.as_str(), location_id)
            .await?
            .ok_or_else(not_found)?;
        medusa_db::versions::bump(&tx, medusa_db::versions::INVENTORY).await?;
        tx.commit().await?;
        Ok(to_level(row))
    }

    async fn list_reservations(
        &self,
        filter: &ListReservations,
    ) -> Result<(Vec<Reservation>, u64), InventoryError> {
        let (rows, count) = repo::list_reservations(&self.db, filter).await?;
        Ok((rows.into_iter().map(to_reservation).collect(), count))
    }

    async fn retrieve_reservation(
        &self,
        id: &ReservationItemId,
    ) -> Result<Reservation, InventoryError> {
        repo::reservations_by_ids(&self.db, &[id.as_str().to_owned()], false)
            .await?
            .pop()
            .map(to_reservation)
            .ok_or_else(|| InventoryError::ReservationNotFound(id.clone()))
    }

    async fn update_reservation(
        &self,
        id: &ReservationItemId,
        input: UpdateReservation,
    ) -> Result<Reservation, InventoryError> {
        if let Some(q) = input.quantity {
            positive(q, "quantity")?;
        }
        if let Some(l) = input.location_id.as_deref() {
            location(l)?;
        }
        let now = self.now();
        let tx = begin_write(&self.db).await?;
        // Locked (PostgreSQL): a concurrent update or release of this reservation waits, so
        // both never adjust the levels from the same old quantity.
        let old = repo::reservations_by_ids(&tx, &[id.as_str().to_owned()], true)
            .await?
            .pop()
            .ok_or_else(|| InventoryError::ReservationNotFound(id.clone()))?;
        let mut new = old.clone();
        if let Some(l) = input.location_id {
            new.location_id = l;
        }
        if let Some(q) = input.quantity {
            new.quantity = q;
        }
        if let Some(d) = input.description {
            new.description = d;
        }
        if let Some(m) = input.metadata {
            new.metadata = m;
        }
        new.updated_at = now;

        // Change of reserved quantity per location of the item: (delta, part that must fit).
        let mut deltas: BTreeMap<&str, i64> = BTreeMap::new();
        *deltas.entry(old.location_id.as_str()).or_insert(0) -= old.quantity;
        *deltas.entry(new.location_id.as_str()).or_insert(0) += new.quantity;
        // BTreeMap order: levels are locked in the same order as by `reserve`.
        for (loc, delta) in &deltas {
            let item = old.inventory_item_id.as_str();
            let done = match delta.cmp(&0) {
                std::cmp::Ordering::Equal => true,
                std::cmp::Ordering::Less => {
                    repo::subtract_quantities(&tx, item, loc, 0, -delta, now).await?
                }
                std::cmp::Ordering::Greater => {
                    let guarded = if old.allow_backorder { 0 } else { *delta };
                    repo::add_reserved(&tx, item, loc, *delta, guarded, now).await?
                }
            };
            if done {
                continue;
            }
            let stocked = repo::find_level(&tx, item, loc).await?.is_some();
            let (item, location) = (item_id(item), (*loc).to_owned());
            return Err(if stocked {
                InventoryError::InsufficientStock { item, location }
            } else {
                InventoryError::NotStocked { item, location }
            });
        }
        repo::update_reservation(&tx, &new).await?;
        medusa_db::versions::bump(&tx, medusa_db::versions::INVENTORY).await?;
        tx.commit().await?;
        Ok(to_reservation(new))
    }
}
