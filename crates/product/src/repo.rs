//! The only file that queries this module's tables. Every loader takes a whole page of owners
//! and runs one statement, so a listing costs the same number of queries for 1 or 100 products.

use std::collections::HashMap;

use sea_orm::sea_query::{Alias, Expr, ExprTrait, Func, Query};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, Order, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect,
};

use medusa_db::filter::contains_pattern;

use crate::entity::{
    category, category_product, collection, image, option, option_value, product, product_tag,
    product_type, sales_channel, tag, variant, variant_image, variant_option,
};
use crate::model::{CategoryFilter, Page, ProductFilter};

fn link_subquery(
    table: &str,
    owner: &str,
    other: &str,
    values: &[String],
) -> sea_orm::sea_query::SelectStatement {
    Query::select()
        .column(Alias::new(owner))
        .from(Alias::new(table))
        .and_where(Expr::col(Alias::new(other)).is_in(values.iter().cloned()))
        .to_owned()
}

fn filtered(f: &ProductFilter) -> sea_orm::Select<product::Entity> {
    use product::Column as C;
    let mut q = product::Entity::find().filter(C::DeletedAt.is_null());
    if let Some(v) = &f.ids {
        q = q.filter(C::Id.is_in(v.iter().cloned()));
    }
    if let Some(v) = &f.handles {
        q = q.filter(C::Handle.is_in(v.iter().cloned()));
    }
    if let Some(v) = &f.external_ids {
        q = q.filter(C::ExternalId.is_in(v.iter().cloned()));
    }
    if let Some(t) = &f.title {
        q = q.filter(C::Title.eq(t.clone()));
    }
    if let Some(v) = &f.collection_ids {
        q = q.filter(C::CollectionId.is_in(v.iter().cloned()));
    }
    if let Some(v) = &f.type_ids {
        q = q.filter(C::TypeId.is_in(v.iter().cloned()));
    }
    if let Some(g) = f.is_giftcard {
        q = q.filter(C::IsGiftcard.eq(g));
    }
    if let Some(s) = &f.statuses {
        q = q.filter(C::Status.is_in(s.iter().map(|s| s.as_str())));
    }
    if let Some(v) = &f.sales_channel_ids {
        q = q.filter(C::Id.in_subquery(link_subquery(
            "product_sales_channel",
            "product_id",
            "sales_channel_id",
            v,
        )));
    }
    if let Some(v) = &f.category_ids {
        q = q.filter(C::Id.in_subquery(link_subquery(
            "product_category_product",
            "product_id",
            "product_category_id",
            v,
        )));
    }
    if let Some(v) = &f.tag_ids {
        q = q.filter(C::Id.in_subquery(link_subquery(
            "product_tags",
            "product_id",
            "product_tag_id",
            v,
        )));
    }
    if let Some(text) = f.q.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        let like = |col: product::Column| {
            Expr::expr(Func::lower(Expr::col(col))).like(contains_pattern(text))
        };
        q = q.filter(
            sea_orm::Condition::any()
                .add(like(C::Title))
                .add(like(C::Subtitle))
                .add(like(C::Description))
                .add(like(C::Handle)),
        );
    }
    q
}

pub async fn list_products<C: ConnectionTrait>(
    db: &C,
    f: &ProductFilter,
    page: &Page,
) -> Result<(Vec<product::Model>, u64), DbErr> {
    use product::Column as C;
    let mut q = filtered(f);
    let (col, desc) = match page.order.as_ref().map(|(c, d)| (c.as_str(), *d)) {
        Some(("title", d)) => (C::Title, d),
        Some(("handle", d)) => (C::Handle, d),
        Some(("updated_at", d)) => (C::UpdatedAt, d),
        Some(("id", d)) => (C::Id, d),
        Some((_, d)) => (C::CreatedAt, d),
        None => (C::CreatedAt, false),
    };
    let dir = if desc { Order::Desc } else { Order::Asc };
    q = q.order_by(col, dir.clone()).order_by(C::Id, dir);
    let rows = q.limit(page.limit).offset(page.offset).all(db).await?;
    // A short page tells the total without a COUNT (the common storefront case).
    let count = if (rows.len() as u64) < page.limit && (!rows.is_empty() || page.offset == 0) {
        page.offset + rows.len() as u64
    } else {
        filtered(f).count(db).await?
    };
    Ok((rows, count))
}

pub async fn variants_of<C: ConnectionTrait>(
    db: &C,
    product_ids: &[String],
) -> Result<Vec<variant::Model>, DbErr> {
    variant::Entity::find()
        .filter(variant::Column::ProductId.is_in(product_ids.iter().cloned()))
        .filter(variant::Column::DeletedAt.is_null())
        .order_by_asc(variant::Column::VariantRank)
        .order_by_asc(variant::Column::CreatedAt)
        .order_by_asc(variant::Column::Id)
        .all(db)
        .await
}

pub async fn variants_by_id<C: ConnectionTrait>(
    db: &C,
    ids: &[String],
) -> Result<Vec<variant::Model>, DbErr> {
    variant::Entity::find()
        .filter(variant::Column::Id.is_in(ids.iter().cloned()))
        .filter(variant::Column::DeletedAt.is_null())
        .all(db)
        .await
}

pub async fn list_variants<C: ConnectionTrait>(
    db: &C,
    ids: Option<&[String]>,
    product_ids: Option<&[String]>,
    visible_in_channels: Option<&[String]>,
    page: &Page,
) -> Result<(Vec<variant::Model>, u64), DbErr> {
    let mut q = variant::Entity::find().filter(variant::Column::DeletedAt.is_null());
    if let Some(channels) = visible_in_channels {
        // Variants of published, live products in one of the channels.
        let visible = Query::select()
            .column((product::Entity, product::Column::Id))
            .from(product::Entity)
            .and_where(Expr::col((product::Entity, product::Column::Status)).eq("published"))
            .and_where(Expr::col((product::Entity, product::Column::DeletedAt)).is_null())
            .and_where(
                Expr::col((product::Entity, product::Column::Id)).in_subquery(link_subquery(
                    "product_sales_channel",
                    "product_id",
                    "sales_channel_id",
                    channels,
                )),
            )
            .to_owned();
        q = q.filter(variant::Column::ProductId.in_subquery(visible));
    }
    if let Some(ids) = ids {
        q = q.filter(variant::Column::Id.is_in(ids.iter().cloned()));
    }
    if let Some(p) = product_ids {
        q = q.filter(variant::Column::ProductId.is_in(p.iter().cloned()));
    }
    let count = q.clone().count(db).await?;
    let rows = q
        .order_by_asc(variant::Column::VariantRank)
        .order_by_asc(variant::Column::CreatedAt)
        .order_by_asc(variant::Column::Id)
        .limit(page.limit)
        .offset(page.offset)
        .all(db)
        .await?;
    Ok((rows, count))
}

pub async fn options_of<C: ConnectionTrait>(
    db: &C,
    product_ids: &[String],
) -> Result<Vec<option::Model>, DbErr> {
    option::Entity::find()
        .filter(option::Column::ProductId.is_in(product_ids.iter().cloned()))
        .filter(option::Column::DeletedAt.is_null())
        .order_by_asc(option::Column::CreatedAt)
        .order_by_asc(option::Column::Id)
        .all(db)
        .await
}

pub async fn options_by_id<C: ConnectionTrait>(
    db: &C,
    ids: &[String],
) -> Result<Vec<option::Model>, DbErr> {
    option::Entity::find()
        .filter(option::Column::Id.is_in(ids.iter().cloned()))
        .all(db)
        .await
}

pub async fn values_of<C: ConnectionTrait>(
    db: &C,
    option_ids: &[String],
) -> Result<Vec<option_value::Model>, DbErr> {
    option_value::Entity::find()
        .filter(option_value::Column::OptionId.is_in(option_ids.iter().cloned()))
        .filter(option_value::Column::DeletedAt.is_null())
        .order_by_asc(option_value::Column::CreatedAt)
        .order_by_asc(option_value::Column::Id)
        .all(db)
        .await
}

/// Option values of variants, with each value's row (one join).
pub async fn variant_values<C: ConnectionTrait>(
    db: &C,
    variant_ids: &[String],
) -> Result<Vec<(String, option_value::Model)>, DbErr> {
    let links = variant_option::Entity::find()
        .filter(variant_option::Column::VariantId.is_in(variant_ids.iter().cloned()))
        .all(db)
        .await?;
    if links.is_empty() {
        return Ok(Vec::new());
    }
    let value_ids: Vec<String> = links.iter().map(|l| l.option_value_id.clone()).collect();
    let values: HashMap<String, option_value::Model> = option_value::Entity::find()
        .filter(option_value::Column::Id.is_in(value_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|v| (v.id.clone(), v))
        .collect();
    Ok(links
        .into_iter()
        .filter_map(|l| {
            values
                .get(&l.option_value_id)
                .map(|v| (l.variant_id, v.clone()))
        })
        .collect())
}

pub async fn images_of<C: ConnectionTrait>(
    db: &C,
    product_ids: &[String],
) -> Result<Vec<image::Model>, DbErr> {
    image::Entity::find()
        .filter(image::Column::ProductId.is_in(product_ids.iter().cloned()))
        .filter(image::Column::DeletedAt.is_null())
        .order_by_asc(image::Column::Rank)
        .order_by_asc(image::Column::Id)
        .all(db)
        .await
}

pub async fn variant_image_links<C: ConnectionTrait>(
    db: &C,
    variant_ids: &[String],
) -> Result<Vec<variant_image::Model>, DbErr> {
    variant_image::Entity::find()
        .filter(variant_image::Column::VariantId.is_in(variant_ids.iter().cloned()))
        .all(db)
        .await
}

pub async fn images_by_id<C: ConnectionTrait>(
    db: &C,
    ids: &[String],
) -> Result<Vec<image::Model>, DbErr> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    image::Entity::find()
        .filter(image::Column::Id.is_in(ids.iter().cloned()))
        .filter(image::Column::DeletedAt.is_null())
        .order_by_asc(image::Column::Rank)
        .all(db)
        .await
}

pub async fn tags_of<C: ConnectionTrait>(
    db: &C,
    product_ids: &[String],
) -> Result<Vec<(String, tag::Model)>, DbErr> {
    let links = product_tag::Entity::find()
        .filter(product_tag::Column::ProductId.is_in(product_ids.iter().cloned()))
        .all(db)
        .await?;
    if links.is_empty() {
        return Ok(Vec::new());
    }
    let tags: HashMap<String, tag::Model> = tag::Entity::find()
        .filter(tag::Column::Id.is_in(links.iter().map(|l| l.product_tag_id.clone())))
        .filter(tag::Column::DeletedAt.is_null())
        .all(db)
        .await?
        .into_iter()
        .map(|t| (t.id.clone(), t))
        .collect();
    Ok(links
        .into_iter()
        .filter_map(|l| {
            tags.get(&l.product_tag_id)
                .map(|t| (l.product_id, t.clone()))
        })
        .collect())
}

pub async fn types_by_id<C: ConnectionTrait>(
    db: &C,
    ids: &[String],
) -> Result<Vec<product_type::Model>, DbErr> {
    product_type::Entity::find()
        .filter(product_type::Column::Id.is_in(ids.iter().cloned()))
        .all(db)
        .await
}

pub async fn collections_by_id<C: ConnectionTrait>(
    db: &C,
    ids: &[String],
) -> Result<Vec<collection::Model>, DbErr> {
    collection::Entity::find()
        .filter(collection::Column::Id.is_in(ids.iter().cloned()))
        .filter(collection::Column::DeletedAt.is_null())
        .all(db)
        .await
}

pub async fn collections<C: ConnectionTrait>(
    db: &C,
    ids: Option<&[String]>,
    handles: Option<&[String]>,
    title: Option<&str>,
    page: Option<&Page>,
) -> Result<(Vec<collection::Model>, u64), DbErr> {
    let mut q = collection::Entity::find().filter(collection::Column::DeletedAt.is_null());
    if let Some(ids) = ids {
        q = q.filter(collection::Column::Id.is_in(ids.iter().cloned()));
    }
    if let Some(h) = handles {
        q = q.filter(collection::Column::Handle.is_in(h.iter().cloned()));
    }
    if let Some(t) = title {
        q = q.filter(collection::Column::Title.eq(t));
    }
    let count = q.clone().count(db).await?;
    let mut q = q
        .order_by_asc(collection::Column::CreatedAt)
        .order_by_asc(collection::Column::Id);
    if let Some(p) = page {
        q = q.limit(p.limit).offset(p.offset);
    }
    Ok((q.all(db).await?, count))
}

pub async fn categories<C: ConnectionTrait>(
    db: &C,
    ids: Option<&[String]>,
    handles: Option<&[String]>,
    parent_ids: Option<&[Option<String>]>,
    store_visible_only: bool,
    page: Option<&Page>,
) -> Result<(Vec<category::Model>, u64), DbErr> {
    let filter = CategoryFilter {
        ids: ids.map(<[String]>::to_vec),
        handles: handles.map(<[String]>::to_vec),
        parent_ids: parent_ids.map(<[Option<String>]>::to_vec),
        store_visible_only,
        ..Default::default()
    };
    categories_filtered(db, &filter, page).await
}

/// A page of categories matching `f` (ordered by `page.order`, else rank) and the total count.
pub async fn categories_filtered<C: ConnectionTrait>(
    db: &C,
    f: &CategoryFilter,
    page: Option<&Page>,
) -> Result<(Vec<category::Model>, u64), DbErr> {
    use category::Column as C;
    let mut q = category::Entity::find().filter(C::DeletedAt.is_null());
    if let Some(ids) = &f.ids {
        q = q.filter(C::Id.is_in(ids.iter().cloned()));
    }
    if let Some(h) = &f.handles {
        q = q.filter(C::Handle.is_in(h.iter().cloned()));
    }
    if let Some(n) = &f.names {
        q = q.filter(C::Name.is_in(n.iter().cloned()));
    }
    if let Some(d) = &f.descriptions {
        q = q.filter(C::Description.is_in(d.iter().cloned()));
    }
    if let Some(parents) = &f.parent_ids {
        let mut cond = sea_orm::Condition::any();
        let concrete: Vec<String> = parents.iter().flatten().cloned().collect();
        if !concrete.is_empty() {
            cond = cond.add(C::ParentCategoryId.is_in(concrete));
        }
        if parents.iter().any(Option::is_none) {
            cond = cond.add(C::ParentCategoryId.is_null());
        }
        q = q.filter(cond);
    }
    if let Some(text) = f.q.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        let like = |col: C| Expr::expr(Func::lower(Expr::col(col))).like(contains_pattern(text));
        q = q.filter(
            sea_orm::Condition::any()
                .add(like(C::Name))
                .add(like(C::Handle))
                .add(like(C::Description)),
        );
    }
    if let Some(v) = f.is_active {
        q = q.filter(C::IsActive.eq(v));
    }
    if let Some(v) = f.is_internal {
        q = q.filter(C::IsInternal.eq(v));
    }
    if f.store_visible_only {
        q = q
            .filter(C::IsActive.eq(true))
            .filter(C::IsInternal.eq(false));
    }
    let count = q.clone().count(db).await?;
    let order = page
        .and_then(|p| p.order.as_ref())
        .and_then(|(field, desc)| {
            let col = match field.as_str() {
                "name" => C::Name,
                "handle" => C::Handle,
                "rank" => C::Rank,
                "created_at" => C::CreatedAt,
                "updated_at" => C::UpdatedAt,
                _ => return None,
            };
            Some((col, *desc))
        });
    if let Some((col, desc)) = order {
        q = if desc {
            q.order_by_desc(col)
        } else {
            q.order_by_asc(col)
        };
    }
    let mut q = q
        .order_by_asc(C::Rank)
        .order_by_asc(C::CreatedAt)
        .order_by_asc(C::Id);
    if let Some(p) = page {
        q = q.limit(p.limit).offset(p.offset);
    }
    Ok((q.all(db).await?, count))
}

pub async fn category_links_of_products<C: ConnectionTrait>(
    db: &C,
    product_ids: &[String],
) -> Result<Vec<category_product::Model>, DbErr> {
    category_product::Entity::find()
        .filter(category_product::Column::ProductId.is_in(product_ids.iter().cloned()))
        .all(db)
        .await
}

pub async fn product_ids_of_categories<C: ConnectionTrait>(
    db: &C,
    category_ids: &[String],
) -> Result<Vec<category_product::Model>, DbErr> {
    category_product::Entity::find()
        .filter(category_product::Column::ProductCategoryId.is_in(category_ids.iter().cloned()))
        .all(db)
        .await
}

pub async fn sales_channels_of<C: ConnectionTrait>(
    db: &C,
    product_ids: &[String],
) -> Result<Vec<sales_channel::Model>, DbErr> {
    sales_channel::Entity::find()
        .filter(sales_channel::Column::ProductId.is_in(product_ids.iter().cloned()))
        .all(db)
        .await
}

pub async fn products_by_id<C: ConnectionTrait>(
    db: &C,
    ids: &[String],
) -> Result<Vec<product::Model>, DbErr> {
    product::Entity::find()
        .filter(product::Column::Id.is_in(ids.iter().cloned()))
        .filter(product::Column::DeletedAt.is_null())
        .all(db)
        .await
}

pub async fn products_of_collections<C: ConnectionTrait>(
    db: &C,
    collection_ids: &[String],
) -> Result<Vec<product::Model>, DbErr> {
    product::Entity::find()
        .filter(product::Column::CollectionId.is_in(collection_ids.iter().cloned()))
        .filter(product::Column::DeletedAt.is_null())
        .order_by_asc(product::Column::CreatedAt)
        .all(db)
        .await
}

pub async fn find_tag_by_value<C: ConnectionTrait>(
    db: &C,
    value: &str,
) -> Result<Option<tag::Model>, DbErr> {
    tag::Entity::find()
        .filter(tag::Column::Value.eq(value))
        .filter(tag::Column::DeletedAt.is_null())
        .one(db)
        .await
}

pub async fn find_type_by_value<C: ConnectionTrait>(
    db: &C,
    value: &str,
) -> Result<Option<product_type::Model>, DbErr> {
    product_type::Entity::find()
        .filter(product_type::Column::Value.eq(value))
        .filter(product_type::Column::DeletedAt.is_null())
        .one(db)
        .await
}

/// A page of tags, by value, with the total count.
pub async fn tags<C: ConnectionTrait>(
    db: &C,
    page: &Page,
) -> Result<(Vec<tag::Model>, u64), DbErr> {
    let q = tag::Entity::find().filter(tag::Column::DeletedAt.is_null());
    let count = q.clone().count(db).await?;
    let rows = q
        .order_by_asc(tag::Column::Value)
        .limit(page.limit)
        .offset(page.offset)
        .all(db)
        .await?;
    Ok((rows, count))
}

/// A page of product types, by value, with the total count.
pub async fn types<C: ConnectionTrait>(
    db: &C,
    page: &Page,
) -> Result<(Vec<product_type::Model>, u64), DbErr> {
    let q = product_type::Entity::find().filter(product_type::Column::DeletedAt.is_null());
    let count = q.clone().count(db).await?;
    let rows = q
        .order_by_asc(product_type::Column::Value)
        .limit(page.limit)
        .offset(page.offset)
        .all(db)
        .await?;
    Ok((rows, count))
}

/// Links of one product in a two-column link table (`product_tags`, `product_category_product`,
/// `product_sales_channel`): with `replace`, the product's existing links go first.
pub async fn set_links<C: ConnectionTrait>(
    db: &C,
    table: &str,
    product_col: &str,
    other_col: &str,
    product_id: &str,
    others: &[String],
    replace: bool,
) -> Result<(), DbErr> {
    let backend = db.get_database_backend();
    if replace {
        let del = Query::delete()
            .from_table(Alias::new(table))
            .and_where(Expr::col(Alias::new(product_col)).eq(product_id))
            .to_owned();
        db.execute_raw(backend.build(&del)).await?;
    }
    if others.is_empty() {
        return Ok(());
    }
    let mut ins = Query::insert();
    ins.into_table(Alias::new(table))
        .columns([Alias::new(product_col), Alias::new(other_col)]);
    for o in others {
        ins.values_panic([product_id.into(), o.as_str().into()]);
    }
    db.execute_raw(backend.build(&ins)).await?;
    Ok(())
}
