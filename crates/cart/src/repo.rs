//! The only file that queries this module's tables.
//!
//! A cart is one row: its own columns plus everything it owns as a document (`document::Body`).
//! A load is one `SELECT`, a save one `UPDATE ... WHERE version = <loaded>`, whatever the cart
//! holds, and a concurrent writer is detected instead of silently overwritten.

use chrono::{DateTime, Utc};
use medusa_core::CurrencyCode;
use medusa_core::id::CartId;
use sea_orm::ActiveValue::Set;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use crate::document::Body;
use crate::entity::cart;
use crate::error::CartError;
use crate::model::*;

/// Loads a cart that is not deleted, with everything it owns: one statement.
pub async fn load<C: ConnectionTrait>(db: &C, id: &CartId) -> Result<Option<Cart>, CartError> {
    match cart::Entity::find_by_id(id.as_str().to_owned())
        .filter(cart::Column::DeletedAt.is_null())
        .one(db)
        .await?
    {
        Some(row) => load_row(row),
        None => Ok(None),
    }
}

/// [`load`] that also reads `select_items` (other modules' select-list items, where `cart.id`
/// is the cart's id) in the same statement, returned as the raw row. `None` when there is no
/// such cart.
pub async fn load_with<C: ConnectionTrait>(
    db: &C,
    id: &CartId,
    select_items: &str,
) -> Result<Option<(Cart, sea_orm::QueryResult)>, CartError> {
    let backend = db.get_database_backend();
    let placeholder = match backend {
        sea_orm::DbBackend::Postgres => "$1",
        _ => "?",
    };
    let sql = format!(
        "SELECT cart.*, {select_items} FROM cart WHERE cart.id = {placeholder} \
         AND cart.deleted_at IS NULL"
    );
    let Some(row) = db
        .query_one_raw(sea_orm::Statement::from_sql_and_values(
            backend,
            sql,
            [id.as_str().into()],
        ))
        .await?
    else {
        return Ok(None);
    };
    let model = <cart::Model as sea_orm::FromQueryResult>::from_query_result(&row, "")?;
    Ok(load_row(model)?.map(|c| (c, row)))
}

/// A stored row as a [`Cart`] (`None` when its id is not a cart id).
pub fn load_row(row: cart::Model) -> Result<Option<Cart>, CartError> {
    let Ok(id) = CartId::parse(&row.id) else {
        return Ok(None);
    };
    let body: Body = serde_json::from_str(&row.body).map_err(|e| {
        CartError::Internal(format!("cart {} has an unreadable document: {e}", row.id))
    })?;
    Ok(Some(Cart {
        id,
        region_id: row.region_id,
        customer_id: row.customer_id,
        sales_channel_id: row.sales_channel_id,
        email: row.email,
        currency_code: CurrencyCode::parse(&row.currency_code).unwrap_or(CurrencyCode::XXX),
        locale: row.locale,
        metadata: row.metadata,
        completed_at: row.completed_at,
        shipping_address: body.shipping_address,
        billing_address: body.billing_address,
        items: body.items,
        shipping_methods: body.shipping_methods,
        credit_lines: body.credit_lines,
        version: row.version,
        created_at: row.created_at,
        updated_at: row.updated_at,
    }))
}

/// The stored document of `c`'s children.
pub fn body(c: &Cart) -> Result<String, CartError> {
    #[derive(serde::Serialize)]
    struct BodyRef<'a> {
        format: u32,
        shipping_address: &'a Option<Address>,
        billing_address: &'a Option<Address>,
        items: &'a [LineItem],
        shipping_methods: &'a [ShippingMethod],
        credit_lines: &'a [CreditLine],
    }
    serde_json::to_string(&BodyRef {
        format: crate::document::FORMAT,
        shipping_address: &c.shipping_address,
        billing_address: &c.billing_address,
        items: &c.items,
        shipping_methods: &c.shipping_methods,
        credit_lines: &c.credit_lines,
    })
    .map_err(|e| CartError::Internal(format!("cannot encode cart {}: {e}", c.id)))
}

fn cart_row(c: &Cart, now: DateTime<Utc>, version: i64) -> Result<cart::ActiveModel, CartError> {
    Ok(cart::ActiveModel {
        id: Set(c.id.as_str().to_owned()),
        region_id: Set(c.region_id.clone()),
        customer_id: Set(c.customer_id.clone()),
        sales_channel_id: Set(c.sales_channel_id.clone()),
        email: Set(c.email.clone()),
        currency_code: Set(c.currency_code.as_str().to_owned()),
        locale: Set(c.locale.clone()),
        shipping_address_id: Set(c
            .shipping_address
            .as_ref()
            .map(|a| a.id.as_str().to_owned())),
        billing_address_id: Set(c.billing_address.as_ref().map(|a| a.id.as_str().to_owned())),
        metadata: Set(c.metadata.clone()),
        completed_at: Set(c.completed_at),
        version: Set(version),
        body: Set(body(c)?),
        created_at: Set(c.created_at),
        updated_at: Set(now),
        deleted_at: Set(None),
    })
}

/// Inserts a new cart with everything it owns: one statement.
pub async fn insert<C: ConnectionTrait>(
    db: &C,
    c: &Cart,
    now: DateTime<Utc>,
) -> Result<(), CartError> {
    cart::Entity::insert(cart_row(c, now, 0)?)
        .exec_without_returning(db)
        .await?;
    Ok(())
}

/// Writes `c` over the stored cart if the stored version is still `c.version`; returns whether
/// it was (false: another writer got there first, nothing was written). One statement.
pub async fn replace<C: ConnectionTrait>(
    db: &C,
    c: &Cart,
    now: DateTime<Utc>,
) -> Result<bool, CartError> {
    let updated = cart::Entity::update_many()
        .set(cart_row(c, now, c.version + 1)?)
        .filter(cart::Column::Id.eq(c.id.as_str()))
        .filter(cart::Column::Version.eq(c.version))
        .filter(cart::Column::DeletedAt.is_null())
        .exec(db)
        .await?;
    Ok(updated.rows_affected == 1)
}

/// Takes the completion claim of a cart: inserts it, or takes over an expired one. Returns
/// whether `token` now holds it. Runs in the caller's write transaction.
pub async fn claim<C: ConnectionTrait>(
    db: &C,
    cart_id: &str,
    token: &str,
    now: DateTime<Utc>,
    expires_at: DateTime<Utc>,
) -> Result<bool, CartError> {
    use crate::entity::completion;
    let current = completion::Entity::find_by_id(cart_id.to_owned())
        .one(db)
        .await?;
    match current {
        None => {
            let row = completion::ActiveModel {
                cart_id: Set(cart_id.to_owned()),
                token: Set(token.to_owned()),
                expires_at: Set(expires_at),
            };
            // A concurrent claimer may insert first (PostgreSQL): the loser sees no row inserted.
            let inserted = completion::Entity::insert(row)
                .on_conflict(
                    sea_orm::sea_query::OnConflict::column(completion::Column::CartId)
                        .do_nothing()
                        .to_owned(),
                )
                .exec_without_returning(db)
                .await?;
            Ok(inserted == 1)
        }
        Some(c) if c.token == token => Ok(true),
        Some(c) if c.expires_at <= now => {
            let taken = completion::Entity::update_many()
                .set(completion::ActiveModel {
                    token: Set(token.to_owned()),
                    expires_at: Set(expires_at),
                    ..Default::default()
                })
                .filter(completion::Column::CartId.eq(cart_id))
                .filter(completion::Column::ExpiresAt.lte(now))
                .exec(db)
                .await?;
            Ok(taken.rows_affected == 1)
        }
        Some(_) => Ok(false),
    }
}

/// Gives up a claim held by `token`.
pub async fn release<C: ConnectionTrait>(
    db: &C,
    cart_id: &str,
    token: &str,
) -> Result<(), CartError> {
    use crate::entity::completion;
    completion::Entity::delete_many()
        .filter(completion::Column::CartId.eq(cart_id))
        .filter(completion::Column::Token.eq(token))
        .exec(db)
        .await?;
    Ok(())
}
