//! The only file that queries this module's tables.
//!
//! Orders are read in batches (one query per table for any number of orders) and created whole
//! in one transaction.

use std::collections::HashMap;
use std::str::FromStr;

use chrono::{DateTime, Utc};
use medusa_core::CurrencyCode;
use medusa_core::id::OrderId;
use medusa_core::money::{Amount, MinorUnits};
use rust_decimal::Decimal;
use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::{Expr, ExprTrait, Func};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, Statement,
};

use crate::entity::*;
use crate::error::OrderError;
use crate::model::*;

pub fn minor(a: &Amount, c: &CurrencyCode) -> Result<i64, OrderError> {
    Ok(a.to_minor(c)?.0)
}

fn amount(m: i64, c: &CurrencyCode) -> Amount {
    MinorUnits(m).to_amount(c)
}

/// The next display id, from the counter row, in the caller's transaction: the row stays
/// locked (PostgreSQL) or the database write-locked (SQLite) until the transaction ends, and a
/// rollback gives the number back.
pub async fn next_display_id<C: ConnectionTrait>(db: &C) -> Result<i64, OrderError> {
    let backend = db.get_database_backend();
    db.execute_raw(Statement::from_string(
        backend,
        "UPDATE order_display_id SET value = value + 1 WHERE name = 'order'".to_owned(),
    ))
    .await?;
    let row = db
        .query_one_raw(Statement::from_string(
            backend,
            "SELECT value FROM order_display_id WHERE name = 'order'".to_owned(),
        ))
        .await?
        .ok_or_else(|| sea_orm::DbErr::RecordNotFound("order_display_id".into()))?;
    Ok(row.try_get::<i64>("", "value")?)
}

pub async fn order_for_cart<C: ConnectionTrait>(
    db: &C,
    cart_id: &str,
) -> Result<Option<OrderId>, OrderError> {
    Ok(order_cart::Entity::find()
        .filter(order_cart::Column::CartId.eq(cart_id))
        .one(db)
        .await?
        .and_then(|r| OrderId::parse(&r.order_id).ok()))
}

pub async fn orders_for_payment_collections<C: ConnectionTrait>(
    db: &C,
    ids: &[String],
) -> Result<Vec<(String, OrderId)>, OrderError> {
    Ok(order_payment_collection::Entity::find()
        .filter(order_payment_collection::Column::PaymentCollectionId.is_in(ids.to_vec()))
        .all(db)
        .await?
        .into_iter()
        .filter_map(|r| Some((r.payment_collection_id, OrderId::parse(&r.order_id).ok()?)))
        .collect())
}

pub async fn payment_collections<C: ConnectionTrait>(
    db: &C,
    order_ids: &[String],
) -> Result<Vec<(String, String)>, OrderError> {
    Ok(order_payment_collection::Entity::find()
        .filter(order_payment_collection::Column::OrderId.is_in(order_ids.to_vec()))
        .order_by_asc(order_payment_collection::Column::PaymentCollectionId)
        .all(db)
        .await?
        .into_iter()
        .map(|r| (r.order_id, r.payment_collection_id))
        .collect())
}

pub async fn link_payment_collection<C: ConnectionTrait>(
    db: &C,
    order_id: &str,
    pc_id: &str,
) -> Result<(), OrderError> {
    order_payment_collection::Entity::insert(order_payment_collection::ActiveModel {
        order_id: Set(order_id.to_owned()),
        payment_collection_id: Set(pc_id.to_owned()),
    })
    .exec_without_returning(db)
    .await?;
    Ok(())
}

fn tax_row(
    order_id: &str,
    owner: &str,
    id: String,
    t: &NewTaxLine,
    now: DateTime<Utc>,
) -> tax_line::ActiveModel {
    tax_line::ActiveModel {
        id: Set(id),
        order_id: Set(order_id.to_owned()),
        owner_id: Set(owner.to_owned()),
        description: Set(t.description.clone()),
        code: Set(t.code.clone()),
        rate: Set(t.rate.normalize().to_string()),
        provider_id: Set(t.provider_id.clone()),
        tax_rate_id: Set(t.tax_rate_id.clone()),
        metadata: Set(t.metadata.clone()),
        created_at: Set(now),
        updated_at: Set(now),
        deleted_at: Set(None),
    }
}

fn adjustment_row(
    order_id: &str,
    owner: &str,
    id: String,
    a: &NewAdjustment,
    c: &CurrencyCode,
    now: DateTime<Utc>,
) -> Result<adjustment::ActiveModel, OrderError> {
    Ok(adjustment::ActiveModel {
        id: Set(id),
        order_id: Set(order_id.to_owned()),
        owner_id: Set(owner.to_owned()),
        code: Set(a.code.clone()),
        description: Set(a.description.clone()),
        amount: Set(minor(&a.amount, c)?),
        is_tax_inclusive: Set(a.is_tax_inclusive),
        promotion_id: Set(a.promotion_id.clone()),
        provider_id: Set(a.provider_id.clone()),
        metadata: Set(a.metadata.clone()),
        created_at: Set(now),
        updated_at: Set(now),
        deleted_at: Set(None),
    })
}

fn address_row(
    order_id: &str,
    f: &AddressFields,
    now: DateTime<Utc>,
) -> (String, address::ActiveModel) {
    let id = OrderAddressId::new().as_str().to_owned();
    (
        id.clone(),
        address::ActiveModel {
            id: Set(id),
            order_id: Set(order_id.to_owned()),
            customer_id: Set(f.customer_id.clone()),
            company: Set(f.company.clone()),
            first_name: Set(f.first_name.clone()),
            last_name: Set(f.last_name.clone()),
            address_1: Set(f.address_1.clone()),
            address_2: Set(f.address_2.clone()),
            city: Set(f.city.clone()),
            country_code: Set(f.country_code.clone()),
            province: Set(f.province.clone()),
            postal_code: Set(f.postal_code.clone()),
            phone: Set(f.phone.clone()),
            metadata: Set(f.metadata.clone()),
            created_at: Set(now),
            updated_at: Set(now),
            deleted_at: Set(None),
        },
    )
}

/// Inserts the order and everything it owns (not the cart link, not the display id: the
/// caller takes those first).
pub async fn insert<C: ConnectionTrait>(
    db: &C,
    id: &OrderId,
    display_id: i64,
    input: &CreateOrderInput,
    now: DateTime<Utc>,
) -> Result<(), OrderError> {
    let oid = id.as_str();
    let c = &input.currency_code;
    let mut addresses = Vec::new();
    let shipping_address_id = input.shipping_address.as_ref().map(|f| {
        let (id, row) = address_row(oid, f, now);
        addresses.push(row);
        id
    });
    let billing_address_id = input.billing_address.as_ref().map(|f| {
        let (id, row) = address_row(oid, f, now);
        addresses.push(row);
        id
    });
    order::Entity::insert(order::ActiveModel {
        id: Set(oid.to_owned()),
        display_id: Set(display_id),
        status: Set(OrderStatus::Pending.as_str().to_owned()),
        email: Set(input.email.clone()),
        currency_code: Set(c.as_str().to_owned()),
        region_id: Set(input.region_id.clone()),
        customer_id: Set(input.customer_id.clone()),
        sales_channel_id: Set(input.sales_channel_id.clone()),
        locale: Set(input.locale.clone()),
        shipping_address_id: Set(shipping_address_id),
        billing_address_id: Set(billing_address_id),
        is_draft_order: Set(false),
        no_notification: Set(false),
        metadata: Set(input.metadata.clone()),
        canceled_at: Set(None),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
        deleted_at: Set(None),
    })
    .exec_without_returning(db)
    .await?;
    if !addresses.is_empty() {
        address::Entity::insert_many(addresses)
            .exec_without_returning(db)
            .await?;
    }

    let mut taxes = Vec::new();
    let mut adjustments = Vec::new();
    let mut items = Vec::new();
    for (rank, i) in input.items.iter().enumerate() {
        if i.quantity <= 0 {
            return Err(OrderError::Invalid(format!(
                "Item {} must have a positive quantity",
                i.id
            )));
        }
        let iid = i.id.as_str();
        for t in &i.tax_lines {
            taxes.push(tax_row(
                oid,
                iid,
                OrderLineItemTaxLineId::new().as_str().to_owned(),
                t,
                now,
            ));
        }
        for a in &i.adjustments {
            adjustments.push(adjustment_row(
                oid,
                iid,
                OrderLineItemAdjustmentId::new().as_str().to_owned(),
                a,
                c,
                now,
            )?);
        }
        let s = &i.snapshot;
        items.push(line_item::ActiveModel {
            id: Set(iid.to_owned()),
            order_id: Set(oid.to_owned()),
            detail_id: Set(OrderItemId::new().as_str().to_owned()),
            title: Set(s.title.clone()),
            subtitle: Set(s.subtitle.clone()),
            thumbnail: Set(s.thumbnail.clone()),
            quantity: Set(i.quantity),
            variant_id: Set(s.variant_id.clone()),
            product_id: Set(s.product_id.clone()),
            product_title: Set(s.product_title.clone()),
            product_description: Set(s.product_description.clone()),
            product_subtitle: Set(s.product_subtitle.clone()),
            product_type: Set(s.product_type.clone()),
            product_type_id: Set(s.product_type_id.clone()),
            product_collection: Set(s.product_collection.clone()),
            product_handle: Set(s.product_handle.clone()),
            variant_sku: Set(s.variant_sku.clone()),
            variant_barcode: Set(s.variant_barcode.clone()),
            variant_title: Set(s.variant_title.clone()),
            variant_option_values: Set(s.variant_option_values.clone()),
            requires_shipping: Set(s.requires_shipping),
            is_discountable: Set(s.is_discountable),
            is_giftcard: Set(s.is_giftcard),
            is_tax_inclusive: Set(s.is_tax_inclusive),
            is_custom_price: Set(s.is_custom_price),
            compare_at_unit_price: Set(i
                .compare_at_unit_price
                .as_ref()
                .map(|a| minor(a, c))
                .transpose()?),
            unit_price: Set(minor(&i.unit_price, c)?),
            metadata: Set(s.metadata.clone()),
            rank: Set(rank as i32),
            fulfilled_quantity: Set(0),
            shipped_quantity: Set(0),
            delivered_quantity: Set(0),
            return_requested_quantity: Set(0),
            return_received_quantity: Set(0),
            return_dismissed_quantity: Set(0),
            written_off_quantity: Set(0),
            created_at: Set(now),
            updated_at: Set(now),
            deleted_at: Set(None),
        });
    }
    let mut methods = Vec::new();
    for (rank, m) in input.shipping_methods.iter().enumerate() {
        let mid = OrderShippingMethodId::new().as_str().to_owned();
        for t in &m.tax_lines {
            taxes.push(tax_row(
                oid,
                &mid,
                OrderShippingMethodTaxLineId::new().as_str().to_owned(),
                t,
                now,
            ));
        }
        for a in &m.adjustments {
            adjustments.push(adjustment_row(
                oid,
                &mid,
                OrderShippingMethodAdjustmentId::new().as_str().to_owned(),
                a,
                c,
                now,
            )?);
        }
        methods.push(shipping_method::ActiveModel {
            id: Set(mid),
            order_id: Set(oid.to_owned()),
            detail_id: Set(OrderShippingId::new().as_str().to_owned()),
            name: Set(m.name.clone()),
            description: Set(m.description.clone()),
            amount: Set(minor(&m.amount, c)?),
            is_tax_inclusive: Set(m.is_tax_inclusive),
            is_custom_amount: Set(m.is_custom_amount),
            shipping_option_id: Set(m.shipping_option_id.clone()),
            data: Set(m.data.clone()),
            metadata: Set(m.metadata.clone()),
            rank: Set(rank as i32),
            created_at: Set(now),
            updated_at: Set(now),
            deleted_at: Set(None),
        });
    }
    let mut credits = Vec::new();
    for cl in &input.credit_lines {
        credits.push(credit_line::ActiveModel {
            id: Set(OrderCreditLineId::new().as_str().to_owned()),
            order_id: Set(oid.to_owned()),
            reference: Set(cl.reference.clone()),
            reference_id: Set(cl.reference_id.clone()),
            amount: Set(minor(&cl.amount, c)?),
            metadata: Set(cl.metadata.clone()),
            created_at: Set(now),
            updated_at: Set(now),
            deleted_at: Set(None),
        });
    }
    if !items.is_empty() {
        line_item::Entity::insert_many(items)
            .exec_without_returning(db)
            .await?;
    }
    if !methods.is_empty() {
        shipping_method::Entity::insert_many(methods)
            .exec_without_returning(db)
            .await?;
    }
    if !taxes.is_empty() {
        tax_line::Entity::insert_many(taxes)
            .exec_without_returning(db)
            .await?;
    }
    if !adjustments.is_empty() {
        adjustment::Entity::insert_many(adjustments)
            .exec_without_returning(db)
            .await?;
    }
    if !credits.is_empty() {
        credit_line::Entity::insert_many(credits)
            .exec_without_returning(db)
            .await?;
    }
    if let Some(pc) = &input.payment_collection_id {
        link_payment_collection(db, oid, pc).await?;
    }
    insert_transactions(db, oid, c, &input.transactions, now).await?;
    Ok(())
}

pub async fn insert_transactions<C: ConnectionTrait>(
    db: &C,
    order_id: &str,
    c: &CurrencyCode,
    txs: &[NewTransaction],
    now: DateTime<Utc>,
) -> Result<(), OrderError> {
    if txs.is_empty() {
        return Ok(());
    }
    let mut rows = Vec::new();
    for t in txs {
        rows.push(transaction::ActiveModel {
            id: Set(OrderTransactionId::new().as_str().to_owned()),
            order_id: Set(order_id.to_owned()),
            amount: Set(minor(&t.amount, c)?),
            currency_code: Set(c.as_str().to_owned()),
            reference: Set(Some(t.reference.clone())),
            reference_id: Set(Some(t.reference_id.clone())),
            created_at: Set(now),
            updated_at: Set(now),
            deleted_at: Set(None),
        });
    }
    transaction::Entity::insert_many(rows)
        .exec_without_returning(db)
        .await?;
    Ok(())
}

pub async fn insert_event<C: ConnectionTrait>(
    db: &C,
    name: &str,
    payload: serde_json::Value,
    now: DateTime<Utc>,
) -> Result<(), OrderError> {
    outbox::Entity::insert(outbox::ActiveModel {
        id: Set(EventId::new().as_str().to_owned()),
        name: Set(name.to_owned()),
        payload: Set(payload),
        created_at: Set(now),
        processed_at: Set(None),
        attempts: Set(0),
        next_attempt_at: Set(None),
        lease_until: Set(None),
        claimed_by: Set(None),
        last_error: Set(None),
        failed_at: Set(None),
    })
    .exec_without_returning(db)
    .await?;
    Ok(())
}

/// Which of `ids` are order line items (of any order). Used to find reservations whose
/// line never became part of an order.
pub async fn existing_line_item_ids<C: ConnectionTrait>(
    db: &C,
    ids: &[String],
) -> Result<Vec<String>, OrderError> {
    let mut out = Vec::new();
    for chunk in ids.chunks(500) {
        out.extend(
            line_item::Entity::find()
                .select_only()
                .column(line_item::Column::Id)
                .filter(line_item::Column::Id.is_in(chunk.to_vec()))
                .into_tuple::<String>()
                .all(db)
                .await?,
        );
    }
    Ok(out)
}

pub async fn pending_events<C: ConnectionTrait>(
    db: &C,
    limit: u64,
) -> Result<Vec<Event>, OrderError> {
    Ok(outbox::Entity::find()
        .filter(outbox::Column::ProcessedAt.is_null())
        .order_by_asc(outbox::Column::CreatedAt)
        .order_by_asc(outbox::Column::Id)
        .limit(limit)
        .all(db)
        .await?
        .into_iter()
        .map(|r| Event {
            id: EventId::parse(&r.id).unwrap_or_else(|_| EventId::new()),
            name: r.name,
            payload: r.payload,
            created_at: r.created_at,
            processed_at: r.processed_at,
        })
        .collect())
}

pub async fn mark_events_processed<C: ConnectionTrait>(
    db: &C,
    ids: &[String],
    now: DateTime<Utc>,
) -> Result<(), OrderError> {
    outbox::Entity::update_many()
        .col_expr(outbox::Column::ProcessedAt, Expr::value(now))
        .filter(outbox::Column::Id.is_in(ids.to_vec()))
        .filter(outbox::Column::ProcessedAt.is_null())
        .exec(db)
        .await?;
    Ok(())
}

fn list_condition(f: &OrderFilter) -> Condition {
    let mut cond = Condition::all().add(order::Column::DeletedAt.is_null());
    if let Some(ids) = &f.ids {
        cond = cond.add(order::Column::Id.is_in(ids.clone()));
    }
    if let Some(c) = &f.customer_id {
        cond = cond.add(order::Column::CustomerId.eq(c.clone()));
    }
    if let Some(s) = &f.status {
        cond = cond.add(order::Column::Status.is_in(s.clone()));
    }
    if let Some(s) = &f.sales_channel_id {
        cond = cond.add(order::Column::SalesChannelId.is_in(s.clone()));
    }
    if let Some(r) = &f.region_id {
        cond = cond.add(order::Column::RegionId.is_in(r.clone()));
    }
    if let Some(d) = f.is_draft_order {
        cond = cond.add(order::Column::IsDraftOrder.eq(d));
    }
    if let Some(q) = &f.q {
        let pattern = medusa_db::filter::contains_pattern(q);
        let mut any = Condition::any()
            .add(Func::lower(Expr::col(order::Column::Email)).like(pattern.clone()))
            .add(Func::lower(Expr::col(order::Column::Id)).like(pattern));
        if let Ok(n) = q.trim().parse::<i64>() {
            any = any.add(order::Column::DisplayId.eq(n));
        }
        cond = cond.add(any);
    }
    if let Some(c) = &f.created_at {
        cond = medusa_db::filter::compare(cond, order::Column::CreatedAt, c);
    }
    if let Some(c) = &f.updated_at {
        cond = medusa_db::filter::compare(cond, order::Column::UpdatedAt, c);
    }
    cond
}

/// Ids of one page of orders matching `f`, and the total count.
pub async fn list_ids<C: ConnectionTrait>(
    db: &C,
    f: &OrderFilter,
    page: &Page,
) -> Result<(Vec<String>, u64), OrderError> {
    let cond = list_condition(f);
    let count = order::Entity::find().filter(cond.clone()).count(db).await?;
    let mut q = order::Entity::find().filter(cond);
    let (field, desc) = match page.order.as_deref() {
        Some(o) => match o.strip_prefix('-') {
            Some(f) => (f, true),
            None => (o, false),
        },
        None => ("created_at", false),
    };
    let col = match field {
        "display_id" => order::Column::DisplayId,
        "updated_at" => order::Column::UpdatedAt,
        "status" => order::Column::Status,
        "email" => order::Column::Email,
        "id" => order::Column::Id,
        _ => order::Column::CreatedAt,
    };
    q = if desc {
        q.order_by_desc(col).order_by_desc(order::Column::Id)
    } else {
        q.order_by_asc(col).order_by_asc(order::Column::Id)
    };
    let ids = q
        .limit(page.limit)
        .offset(page.offset)
        .all(db)
        .await?
        .into_iter()
        .map(|o| o.id)
        .collect();
    Ok((ids, count))
}

fn to_tax_line(t: tax_line::Model) -> TaxLine {
    TaxLine {
        rate: Decimal::from_str(&t.rate).unwrap_or_default(),
        id: t.id,
        description: t.description,
        code: t.code,
        provider_id: t.provider_id,
        tax_rate_id: t.tax_rate_id,
        metadata: t.metadata,
        created_at: t.created_at,
        updated_at: t.updated_at,
    }
}

fn to_adjustment(a: adjustment::Model, c: &CurrencyCode) -> Adjustment {
    Adjustment {
        id: a.id,
        code: a.code,
        description: a.description,
        amount: amount(a.amount, c),
        is_tax_inclusive: a.is_tax_inclusive,
        promotion_id: a.promotion_id,
        provider_id: a.provider_id,
        metadata: a.metadata,
        created_at: a.created_at,
        updated_at: a.updated_at,
    }
}

fn to_address(a: address::Model) -> Address {
    Address {
        id: OrderAddressId::parse(&a.id).unwrap_or_else(|_| OrderAddressId::new()),
        fields: AddressFields {
            customer_id: a.customer_id,
            company: a.company,
            first_name: a.first_name,
            last_name: a.last_name,
            address_1: a.address_1,
            address_2: a.address_2,
            city: a.city,
            country_code: a.country_code,
            province: a.province,
            postal_code: a.postal_code,
            phone: a.phone,
            metadata: a.metadata,
        },
        created_at: a.created_at,
        updated_at: a.updated_at,
    }
}

fn group<T, K: std::hash::Hash + Eq>(rows: Vec<T>, key: impl Fn(&T) -> K) -> HashMap<K, Vec<T>> {
    let mut m: HashMap<K, Vec<T>> = HashMap::new();
    for r in rows {
        m.entry(key(&r)).or_default().push(r);
    }
    m
}

/// Loads the orders with `ids` (not deleted) with everything they own, in the order of `ids`.
/// One query per table whatever the number of orders.
pub async fn load_many<C: ConnectionTrait>(
    db: &C,
    ids: &[String],
) -> Result<Vec<Order>, OrderError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let ids = ids.to_vec();
    let rows = order::Entity::find()
        .filter(order::Column::Id.is_in(ids.clone()))
        .filter(order::Column::DeletedAt.is_null())
        .all(db)
        .await?;
    let mut addresses: HashMap<String, address::Model> = address::Entity::find()
        .filter(address::Column::OrderId.is_in(ids.clone()))
        .all(db)
        .await?
        .into_iter()
        .map(|a| (a.id.clone(), a))
        .collect();
    let mut items = group(
        line_item::Entity::find()
            .filter(line_item::Column::OrderId.is_in(ids.clone()))
            .order_by_asc(line_item::Column::Rank)
            .order_by_asc(line_item::Column::Id)
            .all(db)
            .await?,
        |r| r.order_id.clone(),
    );
    let mut methods = group(
        shipping_method::Entity::find()
            .filter(shipping_method::Column::OrderId.is_in(ids.clone()))
            .order_by_asc(shipping_method::Column::Rank)
            .order_by_asc(shipping_method::Column::Id)
            .all(db)
            .await?,
        |r| r.order_id.clone(),
    );
    let mut taxes = group(
        tax_line::Entity::find()
            .filter(tax_line::Column::OrderId.is_in(ids.clone()))
            .order_by_asc(tax_line::Column::Id)
            .all(db)
            .await?,
        |r| r.owner_id.clone(),
    );
    let mut adjustments = group(
        adjustment::Entity::find()
            .filter(adjustment::Column::OrderId.is_in(ids.clone()))
            .order_by_asc(adjustment::Column::Id)
            .all(db)
            .await?,
        |r| r.owner_id.clone(),
    );
    let mut credits = group(
        credit_line::Entity::find()
            .filter(credit_line::Column::OrderId.is_in(ids.clone()))
            .order_by_asc(credit_line::Column::Id)
            .all(db)
            .await?,
        |r| r.order_id.clone(),
    );
    let mut txs = group(
        transaction::Entity::find()
            .filter(transaction::Column::OrderId.is_in(ids.clone()))
            .order_by_asc(transaction::Column::CreatedAt)
            .order_by_asc(transaction::Column::Id)
            .all(db)
            .await?,
        |r| r.order_id.clone(),
    );
    let fulfillment_rows = fulfillment::Entity::find()
        .filter(fulfillment::Column::OrderId.is_in(ids.clone()))
        .order_by_asc(fulfillment::Column::CreatedAt)
        .order_by_asc(fulfillment::Column::Id)
        .all(db)
        .await?;
    let fids: Vec<String> = fulfillment_rows.iter().map(|f| f.id.clone()).collect();
    let (mut f_items, mut f_labels) = if fids.is_empty() {
        (HashMap::new(), HashMap::new())
    } else {
        (
            group(
                fulfillment_item::Entity::find()
                    .filter(fulfillment_item::Column::FulfillmentId.is_in(fids.clone()))
                    .order_by_asc(fulfillment_item::Column::Id)
                    .all(db)
                    .await?,
                |r| r.fulfillment_id.clone(),
            ),
            group(
                fulfillment_label::Entity::find()
                    .filter(fulfillment_label::Column::FulfillmentId.is_in(fids))
                    .order_by_asc(fulfillment_label::Column::Id)
                    .all(db)
                    .await?,
                |r| r.fulfillment_id.clone(),
            ),
        )
    };
    let mut fulfillments = group(
        fulfillment_rows
            .into_iter()
            .map(|f| to_fulfillment(f, &mut f_items, &mut f_labels))
            .collect::<Vec<_>>(),
        |f: &(String, Fulfillment)| f.0.clone(),
    );

    let mut by_id: HashMap<String, Order> = HashMap::new();
    for row in rows {
        let c = CurrencyCode::parse(&row.currency_code).unwrap_or(CurrencyCode::XXX);
        let mut take_address = |id: &Option<String>| {
            id.as_ref()
                .and_then(|id| addresses.remove(id))
                .map(to_address)
        };
        let shipping_address = take_address(&row.shipping_address_id);
        let billing_address = take_address(&row.billing_address_id);
        let mut tax_of = |owner: &str| -> Vec<TaxLine> {
            taxes
                .remove(owner)
                .unwrap_or_default()
                .into_iter()
                .map(to_tax_line)
                .collect()
        };
        let items: Vec<LineItem> = items
            .remove(&row.id)
            .unwrap_or_default()
            .into_iter()
            .map(|i| {
                let tax_lines = tax_of(&i.id);
                let adjustments = adjustments
                    .remove(&i.id)
                    .unwrap_or_default()
                    .into_iter()
                    .map(|a| to_adjustment(a, &c))
                    .collect();
                to_item(i, &c, tax_lines, adjustments)
            })
            .collect();
        let shipping_methods: Vec<ShippingMethod> = methods
            .remove(&row.id)
            .unwrap_or_default()
            .into_iter()
            .map(|m| ShippingMethod {
                tax_lines: tax_of(&m.id),
                adjustments: adjustments
                    .remove(&m.id)
                    .unwrap_or_default()
                    .into_iter()
                    .map(|a| to_adjustment(a, &c))
                    .collect(),
                id: OrderShippingMethodId::parse(&m.id)
                    .unwrap_or_else(|_| OrderShippingMethodId::new()),
                detail_id: OrderShippingId::parse(&m.detail_id)
                    .unwrap_or_else(|_| OrderShippingId::new()),
                name: m.name,
                description: m.description,
                amount: amount(m.amount, &c),
                is_tax_inclusive: m.is_tax_inclusive,
                is_custom_amount: m.is_custom_amount,
                shipping_option_id: m.shipping_option_id,
                data: m.data,
                metadata: m.metadata,
                created_at: m.created_at,
                updated_at: m.updated_at,
            })
            .collect();
        let credit_lines = credits
            .remove(&row.id)
            .unwrap_or_default()
            .into_iter()
            .map(|cl| CreditLine {
                id: OrderCreditLineId::parse(&cl.id).unwrap_or_else(|_| OrderCreditLineId::new()),
                reference: cl.reference,
                reference_id: cl.reference_id,
                amount: amount(cl.amount, &c),
                metadata: cl.metadata,
                created_at: cl.created_at,
                updated_at: cl.updated_at,
            })
            .collect();
        let transactions = txs
            .remove(&row.id)
            .unwrap_or_default()
            .into_iter()
            .map(|t| Transaction {
                id: OrderTransactionId::parse(&t.id).unwrap_or_else(|_| OrderTransactionId::new()),
                amount: amount(t.amount, &c),
                currency_code: c.clone(),
                reference: t.reference,
                reference_id: t.reference_id,
                created_at: t.created_at,
                updated_at: t.updated_at,
            })
            .collect();
        let fulfillments = fulfillments
            .remove(&row.id)
            .unwrap_or_default()
            .into_iter()
            .map(|(_, f)| f)
            .collect();
        let id = OrderId::parse(&row.id).map_err(|_| OrderError::NotFound(row.id.clone()))?;
        by_id.insert(
            row.id.clone(),
            Order {
                id,
                display_id: row.display_id,
                status: OrderStatus::parse(&row.status).unwrap_or(OrderStatus::Pending),
                email: row.email,
                currency_code: c,
                region_id: row.region_id,
                customer_id: row.customer_id,
                sales_channel_id: row.sales_channel_id,
                locale: row.locale,
                is_draft_order: row.is_draft_order,
                no_notification: row.no_notification,
                metadata: row.metadata,
                canceled_at: row.canceled_at,
                version: row.version,
                shipping_address,
                billing_address,
                items,
                shipping_methods,
                credit_lines,
                transactions,
                fulfillments,
                created_at: row.created_at,
                updated_at: row.updated_at,
            },
        );
    }
    Ok(ids.iter().filter_map(|id| by_id.remove(id)).collect())
}

fn to_fulfillment(
    f: fulfillment::Model,
    items: &mut HashMap<String, Vec<fulfillment_item::Model>>,
    labels: &mut HashMap<String, Vec<fulfillment_label::Model>>,
) -> (String, Fulfillment) {
    let fi = items.remove(&f.id).unwrap_or_default();
    let fl = labels.remove(&f.id).unwrap_or_default();
    (
        f.order_id,
        Fulfillment {
            id: FulfillmentId::parse(&f.id).unwrap_or_else(|_| FulfillmentId::new()),
            location_id: f.location_id,
            provider_id: f.provider_id,
            shipping_option_id: f.shipping_option_id,
            requires_shipping: f.requires_shipping,
            packed_at: f.packed_at,
            shipped_at: f.shipped_at,
            delivered_at: f.delivered_at,
            canceled_at: f.canceled_at,
            marked_shipped_by: f.marked_shipped_by,
            created_by: f.created_by,
            data: f.data,
            metadata: f.metadata,
            items: fi
                .into_iter()
                .map(|i| FulfillmentItem {
                    id: FulfillmentItemId::parse(&i.id)
                        .unwrap_or_else(|_| FulfillmentItemId::new()),
                    line_item_id: i.line_item_id,
                    inventory_item_id: i.inventory_item_id,
                    title: i.title,
                    sku: i.sku,
                    barcode: i.barcode,
                    quantity: i.quantity,
                    created_at: i.created_at,
                    updated_at: i.updated_at,
                })
                .collect(),
            labels: fl.into_iter().map(to_label).collect(),
            delivery_address: f
                .delivery_address
                .as_ref()
                .and_then(delivery_address_from_json),
            created_at: f.created_at,
            updated_at: f.updated_at,
        },
    )
}

/// The stored form of a fulfilment's delivery address: Medusa's address keys plus its id.
fn delivery_address_json(id: &FulfillmentAddressId, a: &AddressFields) -> serde_json::Value {
    serde_json::json!({
        "id": id.as_str(),
        "customer_id": a.customer_id,
        "company": a.company,
        "first_name": a.first_name,
        "last_name": a.last_name,
        "address_1": a.address_1,
        "address_2": a.address_2,
        "city": a.city,
        "country_code": a.country_code,
        "province": a.province,
        "postal_code": a.postal_code,
        "phone": a.phone,
        "metadata": a.metadata,
    })
}

fn delivery_address_from_json(v: &serde_json::Value) -> Option<DeliveryAddress> {
    let s = |k: &str| v.get(k).and_then(|x| x.as_str()).map(str::to_owned);
    Some(DeliveryAddress {
        id: FulfillmentAddressId::parse(v.get("id")?.as_str()?).ok()?,
        fields: AddressFields {
            customer_id: s("customer_id"),
            company: s("company"),
            first_name: s("first_name"),
            last_name: s("last_name"),
            address_1: s("address_1"),
            address_2: s("address_2"),
            city: s("city"),
            country_code: s("country_code"),
            province: s("province"),
            postal_code: s("postal_code"),
            phone: s("phone"),
            metadata: v.get("metadata").filter(|m| !m.is_null()).cloned(),
        },
    })
}

fn to_label(l: fulfillment_label::Model) -> FulfillmentLabel {
    FulfillmentLabel {
        id: FulfillmentLabelId::parse(&l.id).unwrap_or_else(|_| FulfillmentLabelId::new()),
        tracking_number: l.tracking_number,
        tracking_url: l.tracking_url,
        label_url: l.label_url,
        created_at: l.created_at,
        updated_at: l.updated_at,
    }
}

fn to_item(
    i: line_item::Model,
    c: &CurrencyCode,
    tax_lines: Vec<TaxLine>,
    adjustments: Vec<Adjustment>,
) -> LineItem {
    LineItem {
        id: OrderLineItemId::parse(&i.id).unwrap_or_else(|_| OrderLineItemId::new()),
        detail_id: OrderItemId::parse(&i.detail_id).unwrap_or_else(|_| OrderItemId::new()),
        snapshot: ItemSnapshot {
            title: i.title,
            subtitle: i.subtitle,
            thumbnail: i.thumbnail,
            variant_id: i.variant_id,
            product_id: i.product_id,
            product_title: i.product_title,
            product_description: i.product_description,
            product_subtitle: i.product_subtitle,
            product_type: i.product_type,
            product_type_id: i.product_type_id,
            product_collection: i.product_collection,
            product_handle: i.product_handle,
            variant_sku: i.variant_sku,
            variant_barcode: i.variant_barcode,
            variant_title: i.variant_title,
            variant_option_values: i.variant_option_values,
            requires_shipping: i.requires_shipping,
            is_discountable: i.is_discountable,
            is_giftcard: i.is_giftcard,
            is_tax_inclusive: i.is_tax_inclusive,
            is_custom_price: i.is_custom_price,
            metadata: i.metadata,
        },
        quantity: i.quantity,
        unit_price: amount(i.unit_price, c),
        compare_at_unit_price: i.compare_at_unit_price.map(|m| amount(m, c)),
        detail: ItemQuantities {
            fulfilled: i.fulfilled_quantity,
            shipped: i.shipped_quantity,
            delivered: i.delivered_quantity,
            return_requested: i.return_requested_quantity,
            return_received: i.return_received_quantity,
            return_dismissed: i.return_dismissed_quantity,
            written_off: i.written_off_quantity,
        },
        tax_lines,
        adjustments,
        created_at: i.created_at,
        updated_at: i.updated_at,
    }
}

/// Locks the order row (PostgreSQL; SQLite's write transaction already excludes others) so
/// changes to one order are serialised.
pub async fn lock_order<C: ConnectionTrait>(db: &C, id: &str) -> Result<bool, OrderError> {
    let q = order::Entity::find_by_id(id.to_owned()).filter(order::Column::DeletedAt.is_null());
    Ok(medusa_db::for_update(db.get_database_backend(), q)
        .one(db)
        .await?
        .is_some())
}

pub async fn set_status<C: ConnectionTrait>(
    db: &C,
    id: &str,
    status: OrderStatus,
    canceled_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Result<(), OrderError> {
    let mut q = order::Entity::update_many()
        .col_expr(order::Column::Status, Expr::value(status.as_str()))
        .col_expr(order::Column::UpdatedAt, Expr::value(now));
    if let Some(at) = canceled_at {
        q = q.col_expr(order::Column::CanceledAt, Expr::value(at));
    }
    q.filter(order::Column::Id.eq(id)).exec(db).await?;
    Ok(())
}

/// Sets `updated_at`, and starts a new order version when `new_version` (Medusa numbers the
/// versions an order goes through: a fulfilment, a shipment, a delivery each make one).
pub async fn touch<C: ConnectionTrait>(
    db: &C,
    id: &str,
    new_version: bool,
    now: DateTime<Utc>,
) -> Result<(), OrderError> {
    let mut q = order::Entity::update_many().col_expr(order::Column::UpdatedAt, Expr::value(now));
    if new_version {
        q = q.col_expr(
            order::Column::Version,
            Expr::col(order::Column::Version).add(1),
        );
    }
    q.filter(order::Column::Id.eq(id)).exec(db).await?;
    Ok(())
}

/// Which lifecycle quantity an item update adds to.
#[derive(Debug, Clone, Copy)]
pub enum QuantityField {
    Fulfilled,
    Shipped,
    Delivered,
}

pub async fn add_item_quantity<C: ConnectionTrait>(
    db: &C,
    item_id: &str,
    field: QuantityField,
    delta: i64,
    now: DateTime<Utc>,
) -> Result<(), OrderError> {
    let col = match field {
        QuantityField::Fulfilled => line_item::Column::FulfilledQuantity,
        QuantityField::Shipped => line_item::Column::ShippedQuantity,
        QuantityField::Delivered => line_item::Column::DeliveredQuantity,
    };
    line_item::Entity::update_many()
        .col_expr(col, Expr::col(col).add(delta))
        .col_expr(line_item::Column::UpdatedAt, Expr::value(now))
        .filter(line_item::Column::Id.eq(item_id))
        .exec(db)
        .await?;
    Ok(())
}

pub async fn insert_fulfillment<C: ConnectionTrait>(
    db: &C,
    order_id: &str,
    id: &FulfillmentId,
    f: &NewFulfillment,
    lines: &[(String, String, String, String, i64)],
    delivery_address: Option<&AddressFields>,
    now: DateTime<Utc>,
) -> Result<(), OrderError> {
    fulfillment::Entity::insert(fulfillment::ActiveModel {
        id: Set(id.as_str().to_owned()),
        order_id: Set(order_id.to_owned()),
        location_id: Set(f.location_id.clone()),
        provider_id: Set("manual_manual".to_owned()),
        shipping_option_id: Set(f.shipping_option_id.clone()),
        requires_shipping: Set(f.requires_shipping),
        // The manual provider packs at creation, as Medusa's does.
        packed_at: Set(Some(now)),
        shipped_at: Set(None),
        delivered_at: Set(None),
        canceled_at: Set(None),
        marked_shipped_by: Set(None),
        created_by: Set(f.created_by.clone()),
        data: Set(Some(serde_json::json!({}))),
        metadata: Set(f.metadata.clone()),
        delivery_address: Set(
            delivery_address.map(|a| delivery_address_json(&FulfillmentAddressId::new(), a))
        ),
        created_at: Set(now),
        updated_at: Set(now),
        deleted_at: Set(None),
    })
    .exec_without_returning(db)
    .await?;
    let inventory: HashMap<&str, &str> = f
        .inventory_items
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    let rows: Vec<fulfillment_item::ActiveModel> = lines
        .iter()
        .map(
            |(item_id, title, sku, barcode, qty)| fulfillment_item::ActiveModel {
                id: Set(FulfillmentItemId::new().as_str().to_owned()),
                fulfillment_id: Set(id.as_str().to_owned()),
                line_item_id: Set(item_id.clone()),
                inventory_item_id: Set(inventory.get(item_id.as_str()).map(|s| (*s).to_owned())),
                title: Set(title.clone()),
                sku: Set(sku.clone()),
                barcode: Set(barcode.clone()),
                quantity: Set(*qty),
                created_at: Set(now),
                updated_at: Set(now),
                deleted_at: Set(None),
            },
        )
        .collect();
    if !rows.is_empty() {
        fulfillment_item::Entity::insert_many(rows)
            .exec_without_returning(db)
            .await?;
    }
    insert_labels(db, id.as_str(), &f.labels, now).await
}

pub async fn insert_labels<C: ConnectionTrait>(
    db: &C,
    fulfillment_id: &str,
    labels: &[NewLabel],
    now: DateTime<Utc>,
) -> Result<(), OrderError> {
    if labels.is_empty() {
        return Ok(());
    }
    let rows: Vec<fulfillment_label::ActiveModel> = labels
        .iter()
        .map(|l| fulfillment_label::ActiveModel {
            id: Set(FulfillmentLabelId::new().as_str().to_owned()),
            fulfillment_id: Set(fulfillment_id.to_owned()),
            tracking_number: Set(l.tracking_number.clone()),
            tracking_url: Set(l.tracking_url.clone()),
            label_url: Set(l.label_url.clone()),
            created_at: Set(now),
            updated_at: Set(now),
            deleted_at: Set(None),
        })
        .collect();
    fulfillment_label::Entity::insert_many(rows)
        .exec_without_returning(db)
        .await?;
    Ok(())
}

/// Which timestamp of a fulfilment to set.
#[derive(Debug, Clone, Copy)]
pub enum FulfillmentMark {
    Shipped,
    Delivered,
    Canceled,
}

pub async fn mark_fulfillment<C: ConnectionTrait>(
    db: &C,
    id: &str,
    mark: FulfillmentMark,
    by: Option<String>,
    now: DateTime<Utc>,
) -> Result<(), OrderError> {
    let col = match mark {
        FulfillmentMark::Shipped => fulfillment::Column::ShippedAt,
        FulfillmentMark::Delivered => fulfillment::Column::DeliveredAt,
        FulfillmentMark::Canceled => fulfillment::Column::CanceledAt,
    };
    let mut q = fulfillment::Entity::update_many()
        .col_expr(col, Expr::value(now))
        .col_expr(fulfillment::Column::UpdatedAt, Expr::value(now));
    if matches!(mark, FulfillmentMark::Shipped) {
        q = q.col_expr(fulfillment::Column::MarkedShippedBy, Expr::value(by));
    }
    q.filter(fulfillment::Column::Id.eq(id)).exec(db).await?;
    Ok(())
}
