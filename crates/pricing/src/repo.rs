//! The only file that queries this module's tables.

use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder};

use crate::entity::{
    price, price_list, price_list_rule, price_preference, price_rule, variant_price_set,
};

pub async fn links<C: ConnectionTrait>(
    db: &C,
    variant_ids: &[String],
) -> Result<Vec<variant_price_set::Model>, DbErr> {
    variant_price_set::Entity::find()
        .filter(variant_price_set::Column::VariantId.is_in(variant_ids.iter().cloned()))
        .all(db)
        .await
}

/// Live prices of the sets, optionally in one currency.
pub async fn prices<C: ConnectionTrait>(
    db: &C,
    price_set_ids: &[String],
    currency: Option<&str>,
) -> Result<Vec<price::Model>, DbErr> {
    let mut q = price::Entity::find()
        .filter(price::Column::PriceSetId.is_in(price_set_ids.iter().cloned()))
        .filter(price::Column::DeletedAt.is_null());
    if let Some(c) = currency {
        q = q.filter(price::Column::CurrencyCode.eq(c));
    }
    q.order_by_asc(price::Column::CreatedAt)
        .order_by_asc(price::Column::Id)
        .all(db)
        .await
}

pub async fn rules<C: ConnectionTrait>(
    db: &C,
    price_ids: &[String],
) -> Result<Vec<price_rule::Model>, DbErr> {
    price_rule::Entity::find()
        .filter(price_rule::Column::PriceId.is_in(price_ids.iter().cloned()))
        .filter(price_rule::Column::DeletedAt.is_null())
        .all(db)
        .await
}

pub async fn lists<C: ConnectionTrait>(
    db: &C,
    ids: &[String],
) -> Result<Vec<price_list::Model>, DbErr> {
    price_list::Entity::find()
        .filter(price_list::Column::Id.is_in(ids.iter().cloned()))
        .filter(price_list::Column::DeletedAt.is_null())
        .all(db)
        .await
}

pub async fn list_rules<C: ConnectionTrait>(
    db: &C,
    list_ids: &[String],
) -> Result<Vec<price_list_rule::Model>, DbErr> {
    price_list_rule::Entity::find()
        .filter(price_list_rule::Column::PriceListId.is_in(list_ids.iter().cloned()))
        .filter(price_list_rule::Column::DeletedAt.is_null())
        .all(db)
        .await
}

pub async fn preferences<C: ConnectionTrait>(
    db: &C,
    pairs: &[(&str, &str)],
) -> Result<Vec<price_preference::Model>, DbErr> {
    let mut cond = sea_orm::Condition::any();
    for (attr, value) in pairs {
        cond = cond.add(
            sea_orm::Condition::all()
                .add(price_preference::Column::Attribute.eq(*attr))
                .add(price_preference::Column::Value.eq(*value)),
        );
    }
    price_preference::Entity::find()
        .filter(cond)
        .filter(price_preference::Column::DeletedAt.is_null())
        .all(db)
        .await
}

pub async fn all_lists<C: ConnectionTrait>(db: &C) -> Result<Vec<price_list::Model>, DbErr> {
    price_list::Entity::find()
        .filter(price_list::Column::DeletedAt.is_null())
        .order_by_asc(price_list::Column::CreatedAt)
        .all(db)
        .await
}

/// Variant links of price sets (a price-list price shows the variant it prices).
pub async fn links_of_sets<C: ConnectionTrait>(
    db: &C,
    price_set_ids: &[String],
) -> Result<Vec<variant_price_set::Model>, DbErr> {
    variant_price_set::Entity::find()
        .filter(variant_price_set::Column::PriceSetId.is_in(price_set_ids.iter().cloned()))
        .all(db)
        .await
}

/// Live prices of one price list, oldest first.
pub async fn list_prices<C: ConnectionTrait>(
    db: &C,
    list_id: &str,
) -> Result<Vec<price::Model>, DbErr> {
    price::Entity::find()
        .filter(price::Column::PriceListId.eq(list_id))
        .filter(price::Column::DeletedAt.is_null())
        .order_by_asc(price::Column::CreatedAt)
        .order_by_asc(price::Column::Id)
        .all(db)
        .await
}

/// Live prices by id.
pub async fn prices_by_id<C: ConnectionTrait>(
    db: &C,
    ids: &[String],
) -> Result<Vec<price::Model>, DbErr> {
    price::Entity::find()
        .filter(price::Column::Id.is_in(ids.iter().cloned()))
        .filter(price::Column::DeletedAt.is_null())
        .order_by_asc(price::Column::CreatedAt)
        .order_by_asc(price::Column::Id)
        .all(db)
        .await
}
