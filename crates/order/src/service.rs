use std::sync::Arc;

use async_trait::async_trait;
use chrono::SubsecRound;
use medusa_core::Clock;
use medusa_core::id::OrderId;
use sea_orm::{DatabaseConnection, SqlErr, TransactionTrait};
use serde_json::json;

use crate::capture_repo;
use crate::error::OrderError;
use crate::model::*;
use crate::outbox_repo;
use crate::repo::{self, FulfillmentMark, QuantityField};

/// The module's service.
#[async_trait]
pub trait OrderService: Send + Sync {
    /// Creates the order, its addresses, items, shipping methods, tax lines, adjustments, credit
    /// lines, the cart and payment-collection links, its transactions and the `order.placed`
    /// event, in ONE transaction, with the next display id taken in that transaction (a failed
    /// creation leaves no gap). A cart that already has an order (even one created by another
    /// process a moment ago) gives [`OrderError::AlreadyExists`] with that order's id.
    async fn create_from_cart(&self, input: CreateOrderInput) -> Result<Order, OrderError>;
    async fn retrieve(&self, id: &str) -> Result<Order, OrderError>;
    /// Orders by id, in the order of `ids`; missing ones are left out.
    async fn retrieve_many(&self, ids: &[String]) -> Result<Vec<Order>, OrderError>;
    async fn list(
        &self,
        filter: &OrderFilter,
        page: &Page,
    ) -> Result<(Vec<Order>, u64), OrderError>;
    async fn order_for_cart(&self, cart_id: &str) -> Result<Option<OrderId>, OrderError>;
    async fn order_for_payment_collection(
        &self,
        payment_collection_id: &str,
    ) -> Result<Option<OrderId>, OrderError>;
    /// The payment collection ids linked to each order: `(order_id, payment_collection_id)`.
    async fn payment_collections(
        &self,
        order_ids: &[String],
    ) -> Result<Vec<(String, String)>, OrderError>;
    async fn link_payment_collection(
        &self,
        order_id: &str,
        payment_collection_id: &str,
    ) -> Result<(), OrderError>;
    /// Records captures/refunds of the order's payments.
    async fn add_transactions(
        &self,
        order_id: &str,
        transactions: Vec<NewTransaction>,
    ) -> Result<(), OrderError>;
    /// Cancels the order (Medusa: only when every fulfilment is canceled). Writes
    /// `order.canceled`.
    async fn cancel(&self, id: &str) -> Result<Order, OrderError>;
    /// Marks the order completed (not a canceled one).
    async fn complete(&self, id: &str) -> Result<Order, OrderError>;
    /// Fulfils `items` from `location_id`: checks each quantity against what is left to
    /// fulfil under the order's lock, adds to the items' `fulfilled_quantity` and stores the
    /// fulfilment (manual provider). Returns the new fulfilment's id.
    async fn create_fulfillment(
        &self,
        order_id: &str,
        input: NewFulfillment,
    ) -> Result<FulfillmentId, OrderError>;
    /// Undoes [`OrderService::create_fulfillment`] (a compensation when stock could not be
    /// taken, or the admin's cancel): marks it canceled and gives its quantities back.
    async fn cancel_fulfillment(
        &self,
        order_id: &str,
        fulfillment_id: &str,
    ) -> Result<(), OrderError>;
    /// Marks a fulfilment shipped (with labels) and adds its items to `shipped_quantity`.
    async fn create_shipment(
        &self,
        order_id: &str,
        fulfillment_id: &str,
        labels: Vec<NewLabel>,
        by: Option<String>,
    ) -> Result<(), OrderError>;
    /// Marks a fulfilment delivered and adds its items to `delivered_quantity`.
    async fn mark_delivered(&self, order_id: &str, fulfillment_id: &str) -> Result<(), OrderError>;
    /// Outbox rows not yet processed, oldest first.
    async fn pending_events(&self, limit: u64) -> Result<Vec<Event>, OrderError>;

    // --- delayed capture (see `capture_repo.rs`) ---------------------------------------------
    /// The order's capture job, if its payment was authorized without being captured.
    async fn capture_job_for_order(&self, order_id: &str)
    -> Result<Option<CaptureJob>, OrderError>;
    /// Claims up to `limit` due jobs (and jobs whose lease expired) for `lease`; each returned
    /// job carries its claim token in `claimed_by`.
    async fn claim_due_capture_jobs(
        &self,
        worker: &str,
        lease: std::time::Duration,
        limit: u64,
    ) -> Result<Vec<CaptureJob>, OrderError>;
    /// Claims the order's job whether or not it is due (a Redis expiry event said it is).
    async fn claim_capture_job_for_order(
        &self,
        order_id: &str,
        worker: &str,
        lease: std::time::Duration,
    ) -> Result<Option<CaptureJob>, OrderError>;
    /// Gives a claimed job back for another attempt at `run_at`. `false`: the claim was lost.
    async fn retry_capture_job(
        &self,
        job: &CaptureJob,
        error: &str,
        run_at: chrono::DateTime<chrono::Utc>,
    ) -> Result<bool, OrderError>;
    /// Marks a claimed job failed (no more attempts). `false`: the claim was lost.
    async fn fail_capture_job(&self, job: &CaptureJob, error: &str) -> Result<bool, OrderError>;
    /// Records captures of the order's payment in ONE transaction: the order transactions not
    /// recorded yet (by capture id, so a repeat records nothing twice), a `payment.captured`
    /// event when something new was recorded, and the order's capture job marked done.
    async fn record_capture(&self, order_id: &str, input: RecordCapture) -> Result<(), OrderError>;
    /// Flags open jobs whose authorization expires within `within` (once each) and moves
    /// pending ones to the front of the queue. Returns the newly flagged jobs.
    async fn flag_expiring_capture_jobs(
        &self,
        within: std::time::Duration,
    ) -> Result<Vec<CaptureJob>, OrderError>;
    async fn mark_events_processed(&self, ids: &[String]) -> Result<(), OrderError>;

    // --- outbox delivery (see `outbox_repo.rs`) ----------------------------------------------
    /// Claims up to `limit` due outbox events, oldest first, for `lease` (a crashed dispatcher's
    /// events become claimable again when it runs out). Safe with many dispatchers at once.
    async fn claim_events(
        &self,
        worker: &str,
        lease: std::time::Duration,
        limit: u64,
    ) -> Result<Vec<ClaimedEvent>, OrderError>;
    /// Marks a claimed event delivered. `false`: the claim was lost meanwhile.
    async fn complete_event(&self, claimed: &ClaimedEvent) -> Result<bool, OrderError>;
    /// Records a failed delivery: due again at `retry_at`, or given up when `None`.
    /// `false`: the claim was lost meanwhile.
    async fn fail_event(
        &self,
        claimed: &ClaimedEvent,
        error: &str,
        retry_at: Option<chrono::DateTime<chrono::Utc>>,
    ) -> Result<bool, OrderError>;
    /// An outbox row's delivery state.
    async fn event_delivery(&self, id: &str) -> Result<Option<EventDelivery>, OrderError>;
    /// Which of `ids` are line items of an order (the stale-reservation sweep).
    async fn existing_line_items(&self, ids: &[String]) -> Result<Vec<String>, OrderError>;
}

pub struct DbOrderService {
    db: DatabaseConnection,
    clock: Arc<dyn Clock>,
}

fn is_unique_violation(e: &OrderError) -> bool {
    match e {
        OrderError::Database(db) => {
            matches!(db.sql_err(), Some(SqlErr::UniqueConstraintViolation(_)))
        }
        _ => false,
    }
}

impl DbOrderService {
    pub fn new(db: DatabaseConnection, clock: Arc<dyn Clock>) -> Self {
        DbOrderService { db, clock }
    }

    fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.clock.now().trunc_subsecs(3)
    }

    async fn create_in_tx(&self, id: &OrderId, input: &CreateOrderInput) -> Result<(), OrderError> {
        let now = self.now();
        let tx = medusa_db::begin_write(&self.db).await?;
        if let Some(existing) = repo::order_for_cart(&tx, &input.cart_id).await? {
            tx.rollback().await?;
            return Err(OrderError::AlreadyExists {
                cart_id: input.cart_id.clone(),
                order_id: existing,
            });
        }
        // The link first: a concurrent creation for the same cart waits here on the unique
        // index (PostgreSQL) and fails once the first commits, before it takes a display id.
        sea_orm::EntityTrait::insert(crate::entity::order_cart::ActiveModel {
            order_id: sea_orm::ActiveValue::Set(id.as_str().to_owned()),
            cart_id: sea_orm::ActiveValue::Set(input.cart_id.clone()),
        })
        .exec_without_returning(&tx)
        .await
        .map_err(OrderError::from)?;
        let display_id = repo::next_display_id(&tx).await?;
        repo::insert(&tx, id, display_id, input, now).await?;
        repo::insert_event(
            &tx,
            "order.placed",
            json!({"id": id.as_str(), "display_id": display_id}),
            now,
        )
        .await?;
        for (name, payload) in &input.extra_events {
            repo::insert_event(&tx, name, payload.clone(), now).await?;
        }
        if let Some(job) = &input.capture_job {
            capture_repo::insert(&tx, id.as_str(), job, now).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn locked<T, F>(&self, order_id: &str, new_version: bool, f: F) -> Result<T, OrderError>
    where
        F: for<'a> FnOnce(
                &'a sea_orm::DatabaseTransaction,
                Order,
                chrono::DateTime<chrono::Utc>,
            ) -> std::pin::Pin<
                Box<dyn std::future::Future<Output = Result<T, OrderError>> + Send + 'a>,
            > + Send,
        T: Send,
    {
        let now = self.now();
        let tx = medusa_db::begin_write(&self.db).await?;
        if !repo::lock_order(&tx, order_id).await? {
            tx.rollback().await?;
            return Err(OrderError::NotFound(order_id.to_owned()));
        }
        let order = repo::load_many(&tx, &[order_id.to_owned()])
            .await?
            .pop()
            .ok_or_else(|| OrderError::NotFound(order_id.to_owned()))?;
        match f(&tx, order, now).await {
            Ok(v) => {
                repo::touch(&tx, order_id, new_version, now).await?;
                tx.commit().await?;
                Ok(v)
            }
            Err(e) => {
                tx.rollback().await?;
                Err(e)
            }
        }
    }
}

fn fulfillment_of<'a>(order: &'a Order, fid: &str) -> Result<&'a Fulfillment, OrderError> {
    order
        .fulfillments
        .iter()
        .find(|f| f.id.as_str() == fid)
        .ok_or_else(|| OrderError::FulfillmentNotFound(fid.to_owned()))
}

#[async_trait]
impl OrderService for DbOrderService {
    #[tracing::instrument(skip_all, fields(cart = %input.cart_id))]
    async fn create_from_cart(&self, input: CreateOrderInput) -> Result<Order, OrderError> {
        let id = OrderId::new();
        match self.create_in_tx(&id, &input).await {
            Ok(()) => self.retrieve(id.as_str()).await,
            // Lost the race on the cart link to a creation that committed meanwhile.
            Err(e) if is_unique_violation(&e) => {
                match repo::order_for_cart(&self.db, &input.cart_id).await? {
                    Some(order_id) => Err(OrderError::AlreadyExists {
                        cart_id: input.cart_id.clone(),
                        order_id,
                    }),
                    None => Err(e),
                }
            }
            Err(e) => Err(e),
        }
    }

    async fn retrieve(&self, id: &str) -> Result<Order, OrderError> {
        let tx = self.db.begin().await?;
        let order = repo::load_many(&tx, &[id.to_owned()]).await?.pop();
        tx.commit().await?;
        order.ok_or_else(|| OrderError::NotFound(id.to_owned()))
    }

    async fn retrieve_many(&self, ids: &[String]) -> Result<Vec<Order>, OrderError> {
        let tx = self.db.begin().await?;
        let orders = repo::load_many(&tx, ids).await?;
        tx.commit().await?;
        Ok(orders)
    }

    async fn list(
        &self,
        filter: &OrderFilter,
        page: &Page,
    ) -> Result<(Vec<Order>, u64), OrderError> {
        let tx = self.db.begin().await?;
        let (ids, count) = repo::list_ids(&tx, filter, page).await?;
        let orders = repo::load_many(&tx, &ids).await?;
        tx.commit().await?;
        Ok((orders, count))
    }

    async fn order_for_cart(&self, cart_id: &str) -> Result<Option<OrderId>, OrderError> {
        repo::order_for_cart(&self.db, cart_id).await
    }

    async fn order_for_payment_collection(
        &self,
        payment_collection_id: &str,
    ) -> Result<Option<OrderId>, OrderError> {
        Ok(
            repo::orders_for_payment_collections(&self.db, &[payment_collection_id.to_owned()])
                .await?
                .pop()
                .map(|(_, o)| o),
        )
    }

    async fn payment_collections(
        &self,
        order_ids: &[String],
    ) -> Result<Vec<(String, String)>, OrderError> {
        repo::payment_collections(&self.db, order_ids).await
    }

    async fn link_payment_collection(
        &self,
        order_id: &str,
        payment_collection_id: &str,
    ) -> Result<(), OrderError> {
        match repo::link_payment_collection(&self.db, order_id, payment_collection_id).await {
            // Linking twice is a no-op.
            Err(e) if is_unique_violation(&e) => Ok(()),
            r => r,
        }
    }

    async fn add_transactions(
        &self,
        order_id: &str,
        transactions: Vec<NewTransaction>,
    ) -> Result<(), OrderError> {
        self.locked(order_id, false, move |tx, order, now| {
            Box::pin(async move {
                repo::insert_transactions(
                    tx,
                    order.id.as_str(),
                    &order.currency_code,
                    &transactions,
                    now,
                )
                .await
            })
        })
        .await
    }

    async fn cancel(&self, id: &str) -> Result<Order, OrderError> {
        self.locked(id, false, |tx, order, now| {
            Box::pin(async move {
                if order.status == OrderStatus::Canceled {
                    return Err(OrderError::NotAllowed(format!(
                        "Order with id {} has been canceled.",
                        order.id
                    )));
                }
                if order.fulfillments.iter().any(|f| f.canceled_at.is_none()) {
                    return Err(OrderError::NotAllowed(
                        "All fulfillments must be canceled before canceling an order".into(),
                    ));
                }
                // The delayed capture must never run for a canceled order; refused while a
                // worker is capturing it right now.
                capture_repo::cancel_for_order(tx, order.id.as_str(), now).await?;
                repo::set_status(tx, order.id.as_str(), OrderStatus::Canceled, Some(now), now)
                    .await?;
                repo::insert_event(tx, "order.canceled", json!({"id": order.id.as_str()}), now)
                    .await
            })
        })
        .await?;
        self.retrieve(id).await
    }

    async fn complete(&self, id: &str) -> Result<Order, OrderError> {
        self.locked(id, false, |tx, order, now| {
            Box::pin(async move {
                if order.status == OrderStatus::Canceled {
                    return Err(OrderError::NotAllowed(format!(
                        "Order with id {} has been canceled.",
                        order.id
                    )));
                }
                repo::set_status(tx, order.id.as_str(), OrderStatus::Completed, None, now).await?;
                repo::insert_event(tx, "order.completed", json!({"id": order.id.as_str()}), now)
                    .await
            })
        })
        .await?;
        self.retrieve(id).await
    }

    async fn create_fulfillment(
        &self,
        order_id: &str,
        input: NewFulfillment,
    ) -> Result<FulfillmentId, OrderError> {
        self.locked(order_id, true, move |tx, order, now| {
            Box::pin(async move {
                if order.status == OrderStatus::Canceled {
                    return Err(OrderError::NotAllowed(format!(
                        "Order with id {} has been canceled.",
                        order.id
                    )));
                }
                if input.items.is_empty() {
                    return Err(OrderError::Invalid(
                        "Fulfillment must have at least one item".into(),
                    ));
                }
                let mut lines = Vec::new();
                for q in &input.items {
                    let Some(item) = order.item(&q.item_id) else {
                        return Err(OrderError::Invalid(format!(
                            "Items with ids {} does not exist in order with id {}.",
                            q.item_id, order.id
                        )));
                    };
                    if q.quantity <= 0 {
                        return Err(OrderError::Invalid(format!(
                            "Quantity to fulfill must be greater than 0 for item {}",
                            q.item_id
                        )));
                    }
                    if q.quantity > item.quantity - item.detail.fulfilled {
                        // Medusa's message and type (`INVALID_DATA`).
                        return Err(OrderError::Invalid(format!(
                            "Quantity to fulfill exceeds the reserved quantity for the item: {}",
                            q.item_id
                        )));
                    }
                    lines.push((
                        q.item_id.clone(),
                        item.snapshot
                            .variant_title
                            .clone()
                            .unwrap_or_else(|| item.snapshot.title.clone()),
                        item.snapshot.variant_sku.clone().unwrap_or_default(),
                        item.snapshot.variant_barcode.clone().unwrap_or_default(),
                        q.quantity,
                    ));
                }
                let fid = FulfillmentId::new();
                repo::insert_fulfillment(
                    tx,
                    order.id.as_str(),
                    &fid,
                    &input,
                    &lines,
                    order.shipping_address.as_ref().map(|a| &a.fields),
                    now,
                )
                .await?;
                for (item_id, _, _, _, qty) in &lines {
                    repo::add_item_quantity(tx, item_id, QuantityField::Fulfilled, *qty, now)
                        .await?;
                }
                repo::insert_event(
                    tx,
                    "order.fulfillment_created",
                    json!({"order_id": order.id.as_str(), "fulfillment_id": fid.as_str(), "no_notification": false}),
                    now,
                )
                .await?;
                Ok(fid)
            })
        })
        .await
    }

    async fn cancel_fulfillment(
        &self,
        order_id: &str,
        fulfillment_id: &str,
    ) -> Result<(), OrderError> {
        let fid = fulfillment_id.to_owned();
        self.locked(order_id, true, move |tx, order, now| {
            Box::pin(async move {
                let f = fulfillment_of(&order, &fid)?;
                if f.canceled_at.is_some() {
                    return Ok(());
                }
                if f.shipped_at.is_some() {
                    return Err(OrderError::NotAllowed(format!(
                        "Fulfillment with id {} already shipped",
                        f.id
                    )));
                }
                repo::mark_fulfillment(tx, f.id.as_str(), FulfillmentMark::Canceled, None, now)
                    .await?;
                for i in &f.items {
                    repo::add_item_quantity(
                        tx,
                        &i.line_item_id,
                        QuantityField::Fulfilled,
                        -i.quantity,
                        now,
                    )
                    .await?;
                }
                Ok(())
            })
        })
        .await
    }

    async fn create_shipment(
        &self,
        order_id: &str,
        fulfillment_id: &str,
        labels: Vec<NewLabel>,
        by: Option<String>,
    ) -> Result<(), OrderError> {
        let fid = fulfillment_id.to_owned();
        self.locked(order_id, true, move |tx, order, now| {
            Box::pin(async move {
                let f = fulfillment_of(&order, &fid)?;
                if f.canceled_at.is_some() {
                    return Err(OrderError::NotAllowed(
                        "Cannot create shipment for canceled fulfillment".into(),
                    ));
                }
                if f.shipped_at.is_some() {
                    return Err(OrderError::NotAllowed(format!(
                        "Fulfillment with id {} already shipped",
                        f.id
                    )));
                }
                repo::mark_fulfillment(tx, f.id.as_str(), FulfillmentMark::Shipped, by, now)
                    .await?;
                repo::insert_labels(tx, f.id.as_str(), &labels, now).await?;
                for i in &f.items {
                    repo::add_item_quantity(
                        tx,
                        &i.line_item_id,
                        QuantityField::Shipped,
                        i.quantity,
                        now,
                    )
                    .await?;
                }
                repo::insert_event(
                    tx,
                    "shipment.created",
                    json!({"id": f.id.as_str(), "no_notification": false}),
                    now,
                )
                .await
            })
        })
        .await
    }

    async fn mark_delivered(&self, order_id: &str, fulfillment_id: &str) -> Result<(), OrderError> {
        let fid = fulfillment_id.to_owned();
        self.locked(order_id, true, move |tx, order, now| {
            Box::pin(async move {
                let f = fulfillment_of(&order, &fid)?;
                if f.canceled_at.is_some() {
                    return Err(OrderError::NotAllowed(
                        "Cannot deliver a canceled fulfillment".into(),
                    ));
                }
                if f.delivered_at.is_some() {
                    return Err(OrderError::NotAllowed(format!(
                        "Fulfillment with id {} already delivered",
                        f.id
                    )));
                }
                repo::mark_fulfillment(tx, f.id.as_str(), FulfillmentMark::Delivered, None, now)
                    .await?;
                for i in &f.items {
                    repo::add_item_quantity(
                        tx,
                        &i.line_item_id,
                        QuantityField::Delivered,
                        i.quantity,
                        now,
                    )
                    .await?;
                }
                repo::insert_event(tx, "delivery.created", json!({"id": f.id.as_str()}), now).await
            })
        })
        .await
    }

    async fn pending_events(&self, limit: u64) -> Result<Vec<Event>, OrderError> {
        repo::pending_events(&self.db, limit).await
    }

    async fn capture_job_for_order(
        &self,
        order_id: &str,
    ) -> Result<Option<CaptureJob>, OrderError> {
        capture_repo::find_for_order(&self.db, order_id).await
    }

    async fn claim_due_capture_jobs(
        &self,
        worker: &str,
        lease: std::time::Duration,
        limit: u64,
    ) -> Result<Vec<CaptureJob>, OrderError> {
        capture_repo::claim(&self.db, None, worker, self.now(), lease, limit).await
    }

    async fn claim_capture_job_for_order(
        &self,
        order_id: &str,
        worker: &str,
        lease: std::time::Duration,
    ) -> Result<Option<CaptureJob>, OrderError> {
        Ok(
            capture_repo::claim(&self.db, Some(order_id), worker, self.now(), lease, 1)
                .await?
                .pop(),
        )
    }

    async fn retry_capture_job(
        &self,
        job: &CaptureJob,
        error: &str,
        run_at: chrono::DateTime<chrono::Utc>,
    ) -> Result<bool, OrderError> {
        capture_repo::release(&self.db, job, error, Some(run_at), self.now()).await
    }

    async fn fail_capture_job(&self, job: &CaptureJob, error: &str) -> Result<bool, OrderError> {
        capture_repo::release(&self.db, job, error, None, self.now()).await
    }

    async fn record_capture(&self, order_id: &str, input: RecordCapture) -> Result<(), OrderError> {
        self.locked(order_id, false, move |tx, order, now| {
            Box::pin(async move {
                let new: Vec<NewTransaction> = input
                    .transactions
                    .into_iter()
                    .filter(|t| {
                        !order
                            .transactions
                            .iter()
                            .any(|o| o.reference_id.as_deref() == Some(t.reference_id.as_str()))
                    })
                    .collect();
                repo::insert_transactions(tx, order.id.as_str(), &order.currency_code, &new, now)
                    .await?;
                if !new.is_empty() {
                    repo::insert_event(
                        tx,
                        "payment.captured",
                        json!({"id": input.payment_id}),
                        now,
                    )
                    .await?;
                }
                capture_repo::mark_done(tx, order.id.as_str(), now).await?;
                Ok(())
            })
        })
        .await
    }

    async fn flag_expiring_capture_jobs(
        &self,
        within: std::time::Duration,
    ) -> Result<Vec<CaptureJob>, OrderError> {
        let now = self.now();
        let threshold =
            now + chrono::Duration::from_std(within).unwrap_or(chrono::Duration::days(1));
        capture_repo::flag_expiring(&self.db, threshold, now).await
    }

    async fn mark_events_processed(&self, ids: &[String]) -> Result<(), OrderError> {
        repo::mark_events_processed(&self.db, ids, self.now()).await
    }

    async fn claim_events(
        &self,
        worker: &str,
        lease: std::time::Duration,
        limit: u64,
    ) -> Result<Vec<ClaimedEvent>, OrderError> {
        outbox_repo::claim(&self.db, worker, self.now(), lease, limit).await
    }

    async fn complete_event(&self, claimed: &ClaimedEvent) -> Result<bool, OrderError> {
        outbox_repo::mark_processed(&self.db, claimed, self.now()).await
    }

    async fn fail_event(
        &self,
        claimed: &ClaimedEvent,
        error: &str,
        retry_at: Option<chrono::DateTime<chrono::Utc>>,
    ) -> Result<bool, OrderError> {
        // Stored at the precision `now()` compares with, so a retry due "now" is due now.
        let retry_at = retry_at.map(|t| t.trunc_subsecs(3));
        outbox_repo::release_failed(&self.db, claimed, error, retry_at, self.now()).await
    }

    async fn event_delivery(&self, id: &str) -> Result<Option<EventDelivery>, OrderError> {
        outbox_repo::delivery(&self.db, id).await
    }

    async fn existing_line_items(&self, ids: &[String]) -> Result<Vec<String>, OrderError> {
        repo::existing_line_item_ids(&self.db, ids).await
    }
}
