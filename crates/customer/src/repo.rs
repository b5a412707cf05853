//! The only file that queries this module's tables.

use chrono::{DateTime, Utc};
use medusa_core::request::{Direction, ListParams};
use medusa_db::filter::{compare, contains_pattern};
use sea_orm::sea_query::{Expr, ExprTrait, Func, OnConflict, Query};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, IntoActiveModel,
    Order, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Select,
};

use crate::entity::{address, customer, group, group_customer as link};
use crate::error::CustomerError;
use crate::model::{AddressFilter, CustomerFilter, GroupFilter};

fn direction(d: Direction) -> Order {
    match d {
        Direction::Asc => Order::Asc,
        Direction::Desc => Order::Desc,
    }
}

/// `LOWER(col) LIKE %q%` over any of `cols`.
fn search<C: ColumnTrait>(cols: &[C], q: &str) -> Condition {
    cols.iter().fold(Condition::any(), |cond, col| {
        cond.add(Func::lower(Expr::col(*col)).like(contains_pattern(q)))
    })
}

/// The page of `select` in the requested order, then creation order and id for stable pages.
async fn page<C, E, F>(
    db: &C,
    select: Select<E>,
    params: &ListParams,
    order_column: F,
    created_at: E::Column,
    id: E::Column,
) -> Result<(Vec<E::Model>, u64), CustomerError>
where
    C: ConnectionTrait,
    E: EntityTrait,
    E::Model: Sync,
    F: Fn(&str) -> Option<E::Column>,
{
    let count = select.clone().count(db).await?;
    let mut select = select;
    if let Some(order) = &params.order {
        let col = order_column(&order.field)
            .ok_or_else(|| CustomerError::InvalidOrder(order.field.clone()))?;
        select = select.order_by(col, direction(order.direction));
    }
    let rows = select
        .order_by(created_at, Order::Asc)
        .order_by(id, Order::Asc)
        .limit(u64::from(params.limit))
        .offset(u64::from(params.offset))
        .all(db)
        .await?;
    Ok((rows, count))
}

// ---- customers ----------------------------------------------------------------------------

pub async fn insert_customer<C: ConnectionTrait>(
    db: &C,
    row: customer::Model,
) -> Result<(), DbErr> {
    customer::Entity::insert(row.into_active_model())
        .exec_without_returning(db)
        .await?;
    Ok(())
}

/// A customer that is not deleted.
pub async fn find_customer<C: ConnectionTrait>(
    db: &C,
    id: &str,
) -> Result<Option<customer::Model>, DbErr> {
    customer::Entity::find_by_id(id.to_owned())
        .filter(customer::Column::DeletedAt.is_null())
        .one(db)
        .await
}

/// A live customer, locked for the rest of the transaction where the backend has row locks
/// (SQLite's write transaction already holds the database lock). Address writes take it, so
/// two requests moving a customer's default address run one after the other.
pub async fn find_customer_locked<C: ConnectionTrait>(
    db: &C,
    id: &str,
) -> Result<Option<customer::Model>, DbErr> {
    let select =
        customer::Entity::find_by_id(id.to_owned()).filter(customer::Column::DeletedAt.is_null());
    medusa_db::for_update(db.get_database_backend(), select)
        .one(db)
        .await
}

/// Live customers among `ids`, in no particular order.
pub async fn find_customers<C: ConnectionTrait>(
    db: &C,
    ids: &[String],
) -> Result<Vec<customer::Model>, DbErr> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    customer::Entity::find()
        .filter(customer::Column::Id.is_in(ids.iter().cloned()))
        .filter(customer::Column::DeletedAt.is_null())
        .all(db)
        .await
}

/// Writes every column of a live customer. `false` when there is none.
pub async fn update_customer<C: ConnectionTrait>(
    db: &C,
    row: customer::Model,
) -> Result<bool, DbErr> {
    let id = row.id.clone();
    let r = customer::Entity::update_many()
        .set(row.into_active_model().reset_all())
        .filter(customer::Column::Id.eq(id))
        .filter(customer::Column::DeletedAt.is_null())
        .exec(db)
        .await?;
    Ok(r.rows_affected == 1)
}

/// Marks a customer deleted. `false` when it was already deleted or never existed.
pub async fn soft_delete_customer<C: ConnectionTrait>(
    db: &C,
    id: &str,
    at: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let r = customer::Entity::update_many()
        .col_expr(customer::Column::DeletedAt, Expr::value(at))
        .col_expr(customer::Column::UpdatedAt, Expr::value(at))
        .filter(customer::Column::Id.eq(id))
        .filter(customer::Column::DeletedAt.is_null())
        .exec(db)
        .await?;
    Ok(r.rows_affected == 1)
}

fn customer_condition(f: &CustomerFilter) -> Condition {
    let mut cond = Condition::all();
    if let Some(ids) = &f.ids {
        cond = cond.add(customer::Column::Id.is_in(ids.iter().cloned()));
    }
    if let Some(v) = &f.emails {
        cond = cond.add(customer::Column::Email.is_in(v.iter().cloned()));
    }
    if let Some(v) = &f.first_names {
        cond = cond.add(customer::Column::FirstName.is_in(v.iter().cloned()));
    }
    if let Some(v) = &f.last_names {
        cond = cond.add(customer::Column::LastName.is_in(v.iter().cloned()));
    }
    if let Some(v) = &f.company_names {
        cond = cond.add(customer::Column::CompanyName.is_in(v.iter().cloned()));
    }
    if let Some(v) = &f.created_by {
        cond = cond.add(customer::Column::CreatedBy.is_in(v.iter().cloned()));
    }
    if let Some(h) = f.has_account {
        cond = cond.add(customer::Column::HasAccount.eq(h));
    }
    if let Some(groups) = &f.group_ids {
        cond = cond.add(
            customer::Column::Id.in_subquery(
                Query::select()
                    .column(link::Column::CustomerId)
                    .from(link::Entity)
                    .and_where(link::Column::CustomerGroupId.is_in(groups.iter().cloned()))
                    .to_owned(),
            ),
        );
    }
    if let Some(q) = f.q.as_deref().filter(|q| !q.is_empty()) {
        cond = cond.add(search(
            &[
                customer::Column::Email,
                customer::Column::FirstName,
                customer::Column::LastName,
                customer::Column::CompanyName,
                customer::Column::Phone,
            ],
            q,
        ));
    }
    if let Some(c) = &f.created_at {
        cond = compare(cond, customer::Column::CreatedAt, c);
    }
    if let Some(c) = &f.updated_at {
        cond = compare(cond, customer::Column::UpdatedAt, c);
    }
    if let Some(c) = &f.deleted_at {
        cond = compare(cond, customer::Column::DeletedAt, c);
    }
    if !f.with_deleted && f.deleted_at.is_none() {
        cond = cond.add(customer::Column::DeletedAt.is_null());
    }
    cond
}

fn customer_order(field: &str) -> Option<customer::Column> {
    Some(match field {
        "id" => customer::Column::Id,
        "email" => customer::Column::Email,
        "first_name" => customer::Column::FirstName,
        "last_name" => customer::Column::LastName,
        "company_name" => customer::Column::CompanyName,
        "phone" => customer::Column::Phone,
        "has_account" => customer::Column::HasAccount,
        "created_by" => customer::Column::CreatedBy,
        "created_at" => customer::Column::CreatedAt,
        "updated_at" => customer::Column::UpdatedAt,
        "deleted_at" => customer::Column::DeletedAt,
        _ => return None,
    })
}

pub async fn list_customers<C: ConnectionTrait>(
    db: &C,
    filter: &CustomerFilter,
    params: &ListParams,
) -> Result<(Vec<customer::Model>, u64), CustomerError> {
    let select = customer::Entity::find().filter(customer_condition(filter));
    page(
        db,
        select,
        params,
        customer_order,
        customer::Column::CreatedAt,
        customer::Column::Id,
    )
    .await
}

// ---- addresses ----------------------------------------------------------------------------

pub async fn insert_address<C: ConnectionTrait>(db: &C, row: address::Model) -> Result<(), DbErr> {
    address::Entity::insert(row.into_active_model())
        .exec_without_returning(db)
        .await?;
    Ok(())
}

/// The address `id` of `customer_id` (an address of someone else is not found).
pub async fn find_address<C: ConnectionTrait>(
    db: &C,
    customer_id: &str,
    id: &str,
) -> Result<Option<address::Model>, DbErr> {
    address::Entity::find_by_id(id.to_owned())
        .filter(address::Column::CustomerId.eq(customer_id))
        .one(db)
        .await
}

/// The addresses of the given customers, oldest first.
pub async fn addresses_of<C: ConnectionTrait>(
    db: &C,
    customer_ids: &[String],
) -> Result<Vec<address::Model>, DbErr> {
    if customer_ids.is_empty() {
        return Ok(Vec::new());
    }
    address::Entity::find()
        .filter(address::Column::CustomerId.is_in(customer_ids.iter().cloned()))
        .order_by(address::Column::CreatedAt, Order::Asc)
        .order_by(address::Column::Id, Order::Asc)
        .all(db)
        .await
}

fn address_order(field: &str) -> Option<address::Column> {
    Some(match field {
        "id" => address::Column::Id,
        "address_name" => address::Column::AddressName,
        "company" => address::Column::Company,
        "first_name" => address::Column::FirstName,
        "last_name" => address::Column::LastName,
        "address_1" => address::Column::Address1,
        "address_2" => address::Column::Address2,
        "city" => address::Column::City,
        "country_code" => address::Column::CountryCode,
        "province" => address::Column::Province,
        "postal_code" => address::Column::PostalCode,
        "phone" => address::Column::Phone,
        "created_at" => address::Column::CreatedAt,
        "updated_at" => address::Column::UpdatedAt,
        _ => return None,
    })
}

pub async fn list_addresses<C: ConnectionTrait>(
    db: &C,
    customer_id: &str,
    f: &AddressFilter,
    params: &ListParams,
) -> Result<(Vec<address::Model>, u64), CustomerError> {
    let mut cond = Condition::all().add(address::Column::CustomerId.eq(customer_id));
    for (col, values) in [
        (address::Column::Company, &f.company),
        (address::Column::City, &f.city),
        (address::Column::CountryCode, &f.country_code),
        (address::Column::Province, &f.province),
        (address::Column::PostalCode, &f.postal_code),
    ] {
        if let Some(v) = values {
            cond = cond.add(col.is_in(v.iter().cloned()));
        }
    }
    if let Some(q) = f.q.as_deref().filter(|q| !q.is_empty()) {
        cond = cond.add(search(
            &[
                address::Column::AddressName,
                address::Column::Company,
                address::Column::FirstName,
                address::Column::LastName,
                address::Column::Address1,
                address::Column::Address2,
                address::Column::City,
                address::Column::Province,
                address::Column::PostalCode,
            ],
            q,
        ));
    }
    let select = address::Entity::find().filter(cond);
    page(
        db,
        select,
        params,
        address_order,
        address::Column::CreatedAt,
        address::Column::Id,
    )
    .await
}

/// Writes every column of an address.
pub async fn update_address<C: ConnectionTrait>(db: &C, row: address::Model) -> Result<(), DbErr> {
    let id = row.id.clone();
    address::Entity::update_many()
        .set(row.into_active_model().reset_all())
        .filter(address::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// Takes the default shipping (or billing) flag from every address of the customer.
pub async fn clear_default<C: ConnectionTrait>(
    db: &C,
    customer_id: &str,
    shipping: bool,
    at: DateTime<Utc>,
) -> Result<(), DbErr> {
    let col = if shipping {
        address::Column::IsDefaultShipping
    } else {
        address::Column::IsDefaultBilling
    };
    address::Entity::update_many()
        .col_expr(col, Expr::value(false))
        .col_expr(address::Column::UpdatedAt, Expr::value(at))
        .filter(address::Column::CustomerId.eq(customer_id))
        .filter(col.eq(true))
        .exec(db)
        .await?;
    Ok(())
}

pub async fn delete_address<C: ConnectionTrait>(db: &C, id: &str) -> Result<(), DbErr> {
    address::Entity::delete_many()
        .filter(address::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

pub async fn delete_addresses_of<C: ConnectionTrait>(
    db: &C,
    customer_id: &str,
) -> Result<(), DbErr> {
    address::Entity::delete_many()
        .filter(address::Column::CustomerId.eq(customer_id))
        .exec(db)
        .await?;
    Ok(())
}

// ---- groups -------------------------------------------------------------------------------

pub async fn insert_group<C: ConnectionTrait>(db: &C, row: group::Model) -> Result<(), DbErr> {
    group::Entity::insert(row.into_active_model())
        .exec_without_returning(db)
        .await?;
    Ok(())
}

/// Live groups among `ids`, in no particular order.
pub async fn find_groups<C: ConnectionTrait>(
    db: &C,
    ids: &[String],
) -> Result<Vec<group::Model>, DbErr> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    group::Entity::find()
        .filter(group::Column::Id.is_in(ids.iter().cloned()))
        .filter(group::Column::DeletedAt.is_null())
        .all(db)
        .await
}

/// Writes every column of a live group. `false` when there is none.
pub async fn update_group<C: ConnectionTrait>(db: &C, row: group::Model) -> Result<bool, DbErr> {
    let id = row.id.clone();
    let r = group::Entity::update_many()
        .set(row.into_active_model().reset_all())
        .filter(group::Column::Id.eq(id))
        .filter(group::Column::DeletedAt.is_null())
        .exec(db)
        .await?;
    Ok(r.rows_affected == 1)
}

pub async fn soft_delete_group<C: ConnectionTrait>(
    db: &C,
    id: &str,
    at: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let r = group::Entity::update_many()
        .col_expr(group::Column::DeletedAt, Expr::value(at))
        .col_expr(group::Column::UpdatedAt, Expr::value(at))
        .filter(group::Column::Id.eq(id))
        .filter(group::Column::DeletedAt.is_null())
        .exec(db)
        .await?;
    Ok(r.rows_affected == 1)
}

fn group_condition(f: &GroupFilter) -> Condition {
    let mut cond = Condition::all();
    if let Some(ids) = &f.ids {
        cond = cond.add(group::Column::Id.is_in(ids.iter().cloned()));
    }
    if let Some(v) = &f.names {
        cond = cond.add(group::Column::Name.is_in(v.iter().cloned()));
    }
    if let Some(v) = &f.created_by {
        cond = cond.add(group::Column::CreatedBy.is_in(v.iter().cloned()));
    }
    if let Some(customers) = &f.customer_ids {
        cond = cond.add(
            group::Column::Id.in_subquery(
                Query::select()
                    .column(link::Column::CustomerGroupId)
                    .from(link::Entity)
                    .and_where(link::Column::CustomerId.is_in(customers.iter().cloned()))
                    .to_owned(),
            ),
        );
    }
    if let Some(q) = f.q.as_deref().filter(|q| !q.is_empty()) {
        cond = cond.add(search(&[group::Column::Name], q));
    }
    if let Some(c) = &f.created_at {
        cond = compare(cond, group::Column::CreatedAt, c);
    }
    if let Some(c) = &f.updated_at {
        cond = compare(cond, group::Column::UpdatedAt, c);
    }
    if let Some(c) = &f.deleted_at {
        cond = compare(cond, group::Column::DeletedAt, c);
    }
    if !f.with_deleted && f.deleted_at.is_none() {
        cond = cond.add(group::Column::DeletedAt.is_null());
    }
    cond
}

fn group_order(field: &str) -> Option<group::Column> {
    Some(match field {
        "id" => group::Column::Id,
        "name" => group::Column::Name,
        "created_by" => group::Column::CreatedBy,
        "created_at" => group::Column::CreatedAt,
        "updated_at" => group::Column::UpdatedAt,
        "deleted_at" => group::Column::DeletedAt,
        _ => return None,
    })
}

pub async fn list_groups<C: ConnectionTrait>(
    db: &C,
    filter: &GroupFilter,
    params: &ListParams,
) -> Result<(Vec<group::Model>, u64), CustomerError> {
    let select = group::Entity::find().filter(group_condition(filter));
    page(
        db,
        select,
        params,
        group_order,
        group::Column::CreatedAt,
        group::Column::Id,
    )
    .await
}

// ---- memberships --------------------------------------------------------------------------

/// `(customer_id, customer_group_id)` links of the given customers.
pub async fn links_of_customers<C: ConnectionTrait>(
    db: &C,
    customer_ids: &[String],
) -> Result<Vec<(String, String)>, DbErr> {
    if customer_ids.is_empty() {
        return Ok(Vec::new());
    }
    link::Entity::find()
        .select_only()
        .column(link::Column::CustomerId)
        .column(link::Column::CustomerGroupId)
        .filter(link::Column::CustomerId.is_in(customer_ids.iter().cloned()))
        .order_by(link::Column::CreatedAt, Order::Asc)
        .order_by(link::Column::CustomerGroupId, Order::Asc)
        .into_tuple()
        .all(db)
        .await
}

/// `(customer_id, customer_group_id)` links of the given groups.
pub async fn links_of_groups<C: ConnectionTrait>(
    db: &C,
    group_ids: &[String],
) -> Result<Vec<(String, String)>, DbErr> {
    if group_ids.is_empty() {
        return Ok(Vec::new());
    }
    link::Entity::find()
        .select_only()
        .column(link::Column::CustomerId)
        .column(link::Column::CustomerGroupId)
        .filter(link::Column::CustomerGroupId.is_in(group_ids.iter().cloned()))
        .order_by(link::Column::CreatedAt, Order::Asc)
        .order_by(link::Column::CustomerId, Order::Asc)
        .into_tuple()
        .all(db)
        .await
}

/// Adds links; existing ones are left as they are.
pub async fn add_links<C: ConnectionTrait>(
    db: &C,
    pairs: &[(String, String)],
    created_by: Option<&str>,
    at: DateTime<Utc>,
) -> Result<(), DbErr> {
    if pairs.is_empty() {
        return Ok(());
    }
    let rows = pairs.iter().map(|(c, g)| {
        link::Model {
            customer_id: c.clone(),
            customer_group_id: g.clone(),
            created_by: created_by.map(str::to_owned),
            created_at: at,
        }
        .into_active_model()
    });
    link::Entity::insert_many(rows)
        .on_conflict(
            OnConflict::columns([link::Column::CustomerId, link::Column::CustomerGroupId])
                .do_nothing()
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    Ok(())
}

/// Removes links; missing ones are ignored.
pub async fn remove_links<C: ConnectionTrait>(
    db: &C,
    pairs: &[(String, String)],
) -> Result<(), DbErr> {
    if pairs.is_empty() {
        return Ok(());
    }
    let cond = pairs.iter().fold(Condition::any(), |cond, (c, g)| {
        cond.add(
            Condition::all()
                .add(link::Column::CustomerId.eq(c.as_str()))
                .add(link::Column::CustomerGroupId.eq(g.as_str())),
        )
    });
    link::Entity::delete_many().filter(cond).exec(db).await?;
    Ok(())
}

pub async fn delete_links_of_customer<C: ConnectionTrait>(
    db: &C,
    customer_id: &str,
) -> Result<(), DbErr> {
    link::Entity::delete_many()
        .filter(link::Column::CustomerId.eq(customer_id))
        .exec(db)
        .await?;
    Ok(())
}

pub async fn delete_links_of_group<C: ConnectionTrait>(
    db: &C,
    group_id: &str,
) -> Result<(), DbErr> {
    link::Entity::delete_many()
        .filter(link::Column::CustomerGroupId.eq(group_id))
        .exec(db)
        .await?;
    Ok(())
}
