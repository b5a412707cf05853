use std::collections::HashMap;
use std::sync::Arc;

use async_trait::async_trait;
use medusa_core::Clock;
use medusa_core::id::{ProductId, VariantId};
use sea_orm::ActiveValue::Set;
use sea_orm::{ConnectionTrait, DatabaseConnection, EntityTrait, TransactionTrait};

use crate::entity::{
    category, category_product, collection, image, option, option_value, product, product_type,
    tag, variant, variant_option,
};
use crate::error::ProductError;
use crate::model::*;
use crate::repo;
use crate::{CategoryId, CollectionId, ImageId, OptionId, OptionValueId, TagId, TypeId};

type Result<T> = std::result::Result<T, ProductError>;

#[async_trait]
pub trait ProductService: Send + Sync {
    /// A page of products and the total count for the filter.
    async fn list_products(
        &self,
        filter: &ProductFilter,
        page: &Page,
    ) -> Result<(Vec<Product>, u64)>;
    /// The relations `want` asks for, for a page of products: one query per relation.
    async fn relations(&self, products: &[Product], want: Want) -> Result<Relations>;
    /// Variants, optionally only those of published products in one of `visible_in_channels`.
    async fn list_variants(
        &self,
        ids: Option<&[String]>,
        product_ids: Option<&[String]>,
        visible_in_channels: Option<&[String]>,
        page: &Page,
    ) -> Result<(Vec<Variant>, u64)>;
    async fn variants_by_id(&self, ids: &[String]) -> Result<Vec<Variant>>;
    /// Option values (with their option) of the given variants.
    async fn variant_options(
        &self,
        variant_ids: &[String],
    ) -> Result<HashMap<String, Vec<VariantOptionValue>>>;
    async fn variant_images(&self, variant_ids: &[String]) -> Result<HashMap<String, Vec<Image>>>;
    async fn create_product(&self, input: NewProduct) -> Result<(Product, Vec<Variant>)>;
    async fn update_product(&self, id: &str, input: UpdateProduct) -> Result<Product>;
    /// Adds a variant to a product; its option values must exist on the product's options.
    async fn add_variant(&self, product_id: &str, input: NewVariant) -> Result<Variant>;
    async fn update_variant(
        &self,
        product_id: &str,
        variant_id: &str,
        input: UpdateVariant,
    ) -> Result<Variant>;
    async fn delete_variant(&self, product_id: &str, variant_id: &str) -> Result<()>;
    /// `options` / `variants` of `POST /admin/products/:id`, in one transaction: entries with
    /// an id update, entries without create, and what the lists leave out is deleted (as
    /// Medusa's update-products workflow). A `None` list leaves that relation alone.
    async fn upsert_product_variants(
        &self,
        product_id: &str,
        options: Option<Vec<OptionUpsert>>,
        variants: Option<Vec<VariantUpsert>>,
    ) -> Result<VariantSync>;
    /// Adds an option with its values to a product.
    async fn add_option(&self, product_id: &str, title: &str, values: &[String]) -> Result<()>;
    /// Renames an option and adds the values it does not have yet (existing values stay, so
    /// variants keep theirs).
    async fn update_option(
        &self,
        product_id: &str,
        option_id: &str,
        title: Option<&str>,
        values: &[String],
    ) -> Result<()>;
    /// Deletes an option, its values and the variants' references to them.
    async fn delete_option(&self, product_id: &str, option_id: &str) -> Result<()>;
    /// Soft-deletes the product and its variants; returns the deleted variants' ids.
    async fn delete_product(&self, id: &str) -> Result<Vec<String>>;
    async fn list_collections(
        &self,
        ids: Option<&[String]>,
        handles: Option<&[String]>,
        title: Option<&str>,
        page: &Page,
    ) -> Result<(Vec<Collection>, u64)>;
    async fn create_collection(
        &self,
        title: &str,
        handle: Option<&str>,
        metadata: Option<serde_json::Value>,
    ) -> Result<Collection>;
    /// Products of collections (for `fields=*products` on collections).
    async fn products_of_collections(&self, collection_ids: &[String]) -> Result<Vec<Product>>;
    #[allow(clippy::too_many_arguments)]
    async fn list_categories(
        &self,
        ids: Option<&[String]>,
        handles: Option<&[String]>,
        parent_ids: Option<&[Option<String>]>,
        store_visible_only: bool,
        page: Option<&Page>,
    ) -> Result<(Vec<Category>, u64)>;
    /// A page of categories matching `filter` (all filters, `q` included, before paging) and
    /// the total count.
    async fn search_categories(
        &self,
        filter: &CategoryFilter,
        page: Option<&Page>,
    ) -> Result<(Vec<Category>, u64)>;
    async fn create_category(&self, input: NewCategory) -> Result<Category>;
    async fn update_collection(
        &self,
        id: &str,
        title: Option<String>,
        handle: Option<String>,
        metadata: Option<Option<serde_json::Value>>,
    ) -> Result<Collection>;
    async fn delete_collection(&self, id: &str) -> Result<()>;
    async fn update_category(&self, id: &str, input: NewCategory) -> Result<Category>;
    async fn delete_category(&self, id: &str) -> Result<()>;
    /// Moves the `add` products into the collection and takes the `remove` products (those
    /// in it) out of it. Unknown product ids are ignored, as Medusa's update by selector does.
    async fn link_collection_products(
        &self,
        collection_id: &str,
        add: &[String],
        remove: &[String],
    ) -> Result<()>;
    /// Adds the `add` products to the category and removes the `remove` ones from it.
    async fn link_category_products(
        &self,
        category_id: &str,
        add: &[String],
        remove: &[String],
    ) -> Result<()>;
    /// Product ids per category (for `fields=*products` on categories).
    async fn products_of_categories(
        &self,
        category_ids: &[String],
    ) -> Result<HashMap<String, Vec<String>>>;
    async fn products_by_id(&self, ids: &[String]) -> Result<Vec<Product>>;
    /// A page of product tags (`tags`) or product types, ordered by value.
    async fn list_labels(&self, tags: bool, page: &Page) -> Result<(Vec<Label>, u64)>;
    /// The tag with this value, created if missing.
    async fn upsert_tag(&self, value: &str) -> Result<Label>;
    /// The type with this value, created if missing.
    async fn upsert_type(&self, value: &str) -> Result<Label>;
}

pub struct DbProductService {
    db: DatabaseConnection,
    clock: Arc<dyn Clock>,
}

impl DbProductService {
    pub fn new(db: DatabaseConnection, clock: Arc<dyn Clock>) -> Self {
        DbProductService { db, clock }
    }
}

fn product_of(r: product::Model) -> Product {
    Product {
        status: ProductStatus::parse(&r.status).unwrap_or(ProductStatus::Draft),
        id: r.id,
        title: r.title,
        subtitle: r.subtitle,
        external_id: r.external_id,
        description: r.description,
        handle: r.handle,
        is_giftcard: r.is_giftcard,
        discountable: r.discountable,
        thumbnail: r.thumbnail,
        collection_id: r.collection_id,
        type_id: r.type_id,
        weight: r.weight,
        length: r.length,
        height: r.height,
        width: r.width,
        hs_code: r.hs_code,
        origin_country: r.origin_country,
        mid_code: r.mid_code,
        material: r.material,
        metadata: r.metadata,
        created_at: r.created_at,
        updated_at: r.updated_at,
        deleted_at: r.deleted_at,
    }
}

fn variant_of(r: variant::Model) -> Variant {
    Variant {
        id: r.id,
        title: r.title,
        sku: r.sku,
        barcode: r.barcode,
        ean: r.ean,
        upc: r.upc,
        allow_backorder: r.allow_backorder,
        manage_inventory: r.manage_inventory,
        hs_code: r.hs_code,
        origin_country: r.origin_country,
        mid_code: r.mid_code,
        material: r.material,
        weight: r.weight,
        length: r.length,
        height: r.height,
        width: r.width,
        metadata: r.metadata,
        variant_rank: r.variant_rank,
        thumbnail: r.thumbnail,
        product_id: r.product_id,
        created_at: r.created_at,
        updated_at: r.updated_at,
        deleted_at: r.deleted_at,
    }
}

fn option_of(r: option::Model) -> ProductOption {
    ProductOption {
        id: r.id,
        title: r.title,
        is_exclusive: r.is_exclusive,
        metadata: r.metadata,
        product_id: r.product_id,
        created_at: r.created_at,
        updated_at: r.updated_at,
        deleted_at: r.deleted_at,
    }
}

fn value_of(r: option_value::Model) -> OptionValue {
    OptionValue {
        id: r.id,
        value: r.value,
        rank: r.rank,
        metadata: r.metadata,
        option_id: r.option_id,
        created_at: r.created_at,
        updated_at: r.updated_at,
        deleted_at: r.deleted_at,
    }
}

fn image_of(r: image::Model) -> Image {
    Image {
        id: r.id,
        url: r.url,
        metadata: r.metadata,
        rank: r.rank,
        product_id: r.product_id,
        created_at: r.created_at,
        updated_at: r.updated_at,
        deleted_at: r.deleted_at,
    }
}

fn tag_of(r: tag::Model) -> Label {
    Label {
        id: r.id,
        value: r.value,
        metadata: r.metadata,
        created_at: r.created_at,
        updated_at: r.updated_at,
        deleted_at: r.deleted_at,
    }
}

fn type_of(r: product_type::Model) -> Label {
    Label {
        id: r.id,
        value: r.value,
        metadata: r.metadata,
        created_at: r.created_at,
        updated_at: r.updated_at,
        deleted_at: r.deleted_at,
    }
}

fn collection_of(r: collection::Model) -> Collection {
    Collection {
        id: r.id,
        title: r.title,
        handle: r.handle,
        metadata: r.metadata,
        created_at: r.created_at,
        updated_at: r.updated_at,
        deleted_at: r.deleted_at,
    }
}

fn category_of(r: category::Model) -> Category {
    Category {
        id: r.id,
        name: r.name,
        description: r.description,
        handle: r.handle,
        rank: r.rank,
        external_id: r.external_id,
        parent_category_id: r.parent_category_id,
        is_active: r.is_active,
        is_internal: r.is_internal,
        metadata: r.metadata,
        mpath: r.mpath,
        created_at: r.created_at,
        updated_at: r.updated_at,
        deleted_at: r.deleted_at,
    }
}

fn duplicate_or(e: sea_orm::DbErr, handle: &str) -> ProductError {
    match e.sql_err() {
        Some(sea_orm::SqlErr::UniqueConstraintViolation(_)) => {
            ProductError::DuplicateHandle(handle.to_owned())
        }
        _ => ProductError::Database(e),
    }
}

async fn insert_values<C: ConnectionTrait>(
    tx: &C,
    option_id: &str,
    values: &[String],
    now: chrono::DateTime<chrono::Utc>,
) -> Result<()> {
    for v in values {
        option_value::Entity::insert(option_value::ActiveModel::from(option_value::Model {
            id: OptionValueId::new().into_string(),
            option_id: option_id.to_owned(),
            value: v.clone(),
            rank: None,
            metadata: None,
            created_at: now,
            updated_at: now,
            deleted_at: None,
        }))
        .exec_without_returning(tx)
        .await?;
    }
    Ok(())
}

async fn insert_product_graph<C: ConnectionTrait>(
    tx: &C,
    input: &NewProduct,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(product::Model, Vec<variant::Model>)> {
    let handle = input
        .handle
        .clone()
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| to_handle(&input.title));
    let row = product::Model {
        id: ProductId::new().into_string(),
        title: input.title.clone(),
        subtitle: input.subtitle.clone(),
        description: input.description.clone(),
        handle: handle.clone(),
        status: input
            .status
            .unwrap_or(ProductStatus::Draft)
            .as_str()
            .to_owned(),
        is_giftcard: input.is_giftcard,
        discountable: input.discountable,
        thumbnail: input
            .thumbnail
            .clone()
            .or_else(|| input.images.first().cloned()),
        weight: input.weight,
        length: None,
        height: None,
        width: None,
        hs_code: None,
        origin_country: None,
        mid_code: None,
        material: None,
        collection_id: input.collection_id.clone(),
        type_id: input.type_id.clone(),
        external_id: input.external_id.clone(),
        metadata: input.metadata.clone(),
        created_at: now,
        updated_at: now,
        deleted_at: None,
    };
    product::Entity::insert(product::ActiveModel::from(row.clone()))
        .exec_without_returning(tx)
        .await
        .map_err(|e| duplicate_or(e, &handle))?;

    // Options and their values; remember value ids by (option title, value).
    let mut value_ids: HashMap<(String, String), String> = HashMap::new();
    for (title, values) in &input.options {
        let opt = option::Model {
            id: OptionId::new().into_string(),
            product_id: row.id.clone(),
            title: title.clone(),
            is_exclusive: true,
            metadata: None,
            created_at: now,
            updated_at: now,
            deleted_at: None,
        };
        option::Entity::insert(option::ActiveModel::from(opt.clone()))
            .exec_without_returning(tx)
            .await?;
        for v in values {
            let val = option_value::Model {
                id: OptionValueId::new().into_string(),
                option_id: opt.id.clone(),
                value: v.clone(),
                rank: None,
                metadata: None,
                created_at: now,
                updated_at: now,
                deleted_at: None,
            };
            value_ids.insert((title.clone(), v.clone()), val.id.clone());
            option_value::Entity::insert(option_value::ActiveModel::from(val))
                .exec_without_returning(tx)
                .await?;
        }
    }

    let mut variants = Vec::new();
    for (rank, v) in input.variants.iter().enumerate() {
        let vr = variant::Model {
            id: VariantId::new().into_string(),
            product_id: row.id.clone(),
            title: v.title.clone(),
            sku: v.sku.clone(),
            barcode: v.barcode.clone(),
            ean: v.ean.clone(),
            upc: v.upc.clone(),
            allow_backorder: v.allow_backorder,
            manage_inventory: v.manage_inventory,
            hs_code: None,
            origin_country: None,
            mid_code: None,
            material: None,
            weight: v.weight,
            length: None,
            height: None,
            width: None,
            metadata: v.metadata.clone(),
            variant_rank: i32::try_from(rank).unwrap_or(i32::MAX),
            thumbnail: None,
            created_at: now,
            updated_at: now,
            deleted_at: None,
        };
        variant::Entity::insert(variant::ActiveModel::from(vr.clone()))
            .exec_without_returning(tx)
            .await
            .map_err(|e| match e.sql_err() {
                Some(sea_orm::SqlErr::UniqueConstraintViolation(_)) => {
                    ProductError::Invalid(format!(
                        "Product variant with sku: {}, already exists.",
                        v.sku.clone().unwrap_or_default()
                    ))
                }
                _ => ProductError::Database(e),
            })?;
        for (opt_title, value) in &v.options {
            let Some(value_id) = value_ids.get(&(opt_title.clone(), value.clone())) else {
                return Err(ProductError::Invalid(format!(
                    "Option value {value} does not exist for option {opt_title}"
                )));
            };
            variant_option::Entity::insert(variant_option::ActiveModel {
                variant_id: Set(vr.id.clone()),
                option_value_id: Set(value_id.clone()),
            })
            .exec_without_returning(tx)
            .await?;
        }
        variants.push(vr);
    }

    for (rank, url) in input.images.iter().enumerate() {
        image::Entity::insert(image::ActiveModel::from(image::Model {
            id: ImageId::new().into_string(),
            product_id: row.id.clone(),
            url: url.clone(),
            rank: i32::try_from(rank).unwrap_or(i32::MAX),
            metadata: None,
            created_at: now,
            updated_at: now,
            deleted_at: None,
        }))
        .exec_without_returning(tx)
        .await?;
    }
    for (table, col, ids) in [
        ("product_tags", "product_tag_id", &input.tag_ids),
        (
            "product_category_product",
            "product_category_id",
            &input.category_ids,
        ),
        (
            "product_sales_channel",
            "sales_channel_id",
            &input.sales_channel_ids,
        ),
    ] {
        repo::set_links(tx, table, "product_id", col, &row.id, ids, false).await?;
    }
    Ok((row, variants))
}

fn sku_conflict(e: sea_orm::DbErr, sku: Option<&str>) -> ProductError {
    match e.sql_err() {
        Some(sea_orm::SqlErr::UniqueConstraintViolation(_)) => ProductError::Invalid(format!(
            "Product variant with sku: {}, already exists.",
            sku.unwrap_or_default()
        )),
        _ => ProductError::Database(e),
    }
}

/// Option value ids for `title -> value` pairs, refusing pairs the product does not have.
fn value_ids_for(
    pairs: &[(String, String)],
    options: &[option::Model],
    values: &[option_value::Model],
) -> Result<Vec<String>> {
    pairs
        .iter()
        .map(|(title, value)| {
            options
                .iter()
                .find(|o| &o.title == title)
                .and_then(|o| {
                    values
                        .iter()
                        .find(|v| v.option_id == o.id && &v.value == value)
                })
                .map(|v| v.id.clone())
                .ok_or_else(|| {
                    ProductError::Invalid(format!(
                        "Option value {value} does not exist for option {title}"
                    ))
                })
        })
        .collect()
}

/// Deletes option values and the variants' references to them.
async fn delete_values<C: ConnectionTrait>(tx: &C, value_ids: Vec<String>) -> Result<()> {
    use sea_orm::{ColumnTrait, QueryFilter};
    if value_ids.is_empty() {
        return Ok(());
    }
    variant_option::Entity::delete_many()
        .filter(variant_option::Column::OptionValueId.is_in(value_ids.clone()))
        .exec(tx)
        .await?;
    option_value::Entity::delete_many()
        .filter(option_value::Column::Id.is_in(value_ids))
        .exec(tx)
        .await?;
    Ok(())
}

async fn set_variant_values<C: ConnectionTrait>(
    tx: &C,
    variant_id: &str,
    value_ids: Vec<String>,
) -> Result<()> {
    use sea_orm::{ColumnTrait, QueryFilter};
    variant_option::Entity::delete_many()
        .filter(variant_option::Column::VariantId.eq(variant_id))
        .exec(tx)
        .await?;
    for value_id in value_ids {
        variant_option::Entity::insert(variant_option::ActiveModel {
            variant_id: Set(variant_id.to_owned()),
            option_value_id: Set(value_id),
        })
        .exec_without_returning(tx)
        .await?;
    }
    Ok(())
}

async fn upsert_options<C: ConnectionTrait>(
    tx: &C,
    product_id: &str,
    entries: Vec<OptionUpsert>,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<()> {
    use sea_orm::{ColumnTrait, QueryFilter};
    let existing = repo::options_of(tx, &[product_id.to_owned()]).await?;
    for e in &entries {
        if let Some(id) = &e.id
            && !existing.iter().any(|o| &o.id == id)
        {
            return Err(ProductError::OptionNotFound(id.clone()));
        }
    }
    // Options the list leaves out go first, so a new option may reuse a removed title.
    let dropped: Vec<String> = existing
        .iter()
        .filter(|o| !entries.iter().any(|e| e.id.as_ref() == Some(&o.id)))
        .map(|o| o.id.clone())
        .collect();
    if !dropped.is_empty() {
        let value_ids = repo::values_of(tx, &dropped)
            .await?
            .into_iter()
            .map(|v| v.id)
            .collect();
        delete_values(tx, value_ids).await?;
        option::Entity::delete_many()
            .filter(option::Column::Id.is_in(dropped.clone()))
            .exec(tx)
            .await?;
    }
    let mut titles: Vec<String> = existing
        .iter()
        .filter(|o| !dropped.contains(&o.id))
        .map(|o| o.title.clone())
        .collect();
    for e in entries {
        match e.id {
            Some(id) => {
                let Some(opt) = existing.iter().find(|o| o.id == id) else {
                    return Err(ProductError::OptionNotFound(id));
                };
                if let Some(t) = &e.title
                    && t != &opt.title
                {
                    if titles.contains(t) {
                        return Err(ProductError::Invalid(format!(
                            "Option with title {t} already exists for this product"
                        )));
                    }
                    titles.push(t.clone());
                    let mut am: option::ActiveModel = opt.clone().into();
                    am.title = Set(t.clone());
                    am.updated_at = Set(now);
                    option::Entity::update(am).exec(tx).await?;
                }
                if let Some(values) = e.values {
                    let have = repo::values_of(tx, std::slice::from_ref(&id)).await?;
                    let gone = have
                        .iter()
                        .filter(|v| !values.contains(&v.value))
                        .map(|v| v.id.clone())
                        .collect();
                    delete_values(tx, gone).await?;
                    let mut new: Vec<String> = Vec::new();
                    for v in values {
                        if !have.iter().any(|h| h.value == v) && !new.contains(&v) {
                            new.push(v);
                        }
                    }
                    insert_values(tx, &id, &new, now).await?;
                }
            }
            None => {
                let Some(title) = e.title.filter(|t| !t.trim().is_empty()) else {
                    return Err(ProductError::Invalid(
                        "Invalid request: Field 'title' is required".into(),
                    ));
                };
                if titles.contains(&title) {
                    return Err(ProductError::Invalid(format!(
                        "Option with title {title} already exists for this product"
                    )));
                }
                titles.push(title.clone());
                let opt = option::Model {
                    id: OptionId::new().into_string(),
                    product_id: product_id.to_owned(),
                    title,
                    is_exclusive: true,
                    metadata: None,
                    created_at: now,
                    updated_at: now,
                    deleted_at: None,
                };
                option::Entity::insert(option::ActiveModel::from(opt.clone()))
                    .exec_without_returning(tx)
                    .await?;
                let mut values = e.values.unwrap_or_default();
                values.dedup();
                insert_values(tx, &opt.id, &values, now).await?;
            }
        }
    }
    Ok(())
}

fn apply_variant_update(am: &mut variant::ActiveModel, input: UpdateVariant) {
    if let Some(v) = input.title {
        am.title = Set(v);
    }
    if let Some(v) = input.sku {
        am.sku = Set(v);
    }
    if let Some(v) = input.barcode {
        am.barcode = Set(v);
    }
    if let Some(v) = input.ean {
        am.ean = Set(v);
    }
    if let Some(v) = input.upc {
        am.upc = Set(v);
    }
    if let Some(v) = input.allow_backorder {
        am.allow_backorder = Set(v);
    }
    if let Some(v) = input.manage_inventory {
        am.manage_inventory = Set(v);
    }
    if let Some(v) = input.weight {
        am.weight = Set(v);
    }
    if let Some(v) = input.metadata {
        am.metadata = Set(v);
    }
    if let Some(v) = input.variant_rank {
        am.variant_rank = Set(v);
    }
}

async fn upsert_variants<C: ConnectionTrait>(
    tx: &C,
    product_id: &str,
    entries: Vec<VariantUpsert>,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<VariantSync> {
    use sea_orm::{ColumnTrait, QueryFilter};
    let existing = repo::variants_of(tx, &[product_id.to_owned()]).await?;
    for e in &entries {
        if let Some(id) = &e.id
            && !existing.iter().any(|v| &v.id == id)
        {
            return Err(ProductError::VariantNotFound(id.clone()));
        }
    }
    let options = repo::options_of(tx, &[product_id.to_owned()]).await?;
    let option_ids: Vec<String> = options.iter().map(|o| o.id.clone()).collect();
    let values = repo::values_of(tx, &option_ids).await?;
    let removed: Vec<String> = existing
        .iter()
        .filter(|v| !entries.iter().any(|e| e.id.as_ref() == Some(&v.id)))
        .map(|v| v.id.clone())
        .collect();
    if !removed.is_empty() {
        // Removed first, so a new variant may take a removed variant's sku.
        variant::Entity::update_many()
            .col_expr(
                variant::Column::DeletedAt,
                sea_orm::sea_query::Expr::value(now),
            )
            .filter(variant::Column::Id.is_in(removed.clone()))
            .exec(tx)
            .await?;
    }
    let mut sync = VariantSync {
        removed,
        ..Default::default()
    };
    for (rank, e) in entries.into_iter().enumerate() {
        let value_ids = e
            .options
            .as_deref()
            .map(|pairs| value_ids_for(pairs, &options, &values))
            .transpose()?;
        let sku = e.fields.sku.clone().flatten();
        match e.id {
            Some(id) => {
                let Some(row) = existing.iter().find(|v| v.id == id) else {
                    return Err(ProductError::VariantNotFound(id));
                };
                let mut am: variant::ActiveModel = row.clone().into();
                apply_variant_update(&mut am, e.fields);
                am.updated_at = Set(now);
                variant::Entity::update(am)
                    .exec(tx)
                    .await
                    .map_err(|err| sku_conflict(err, sku.as_deref()))?;
                if let Some(value_ids) = value_ids {
                    set_variant_values(tx, &id, value_ids).await?;
                }
                sync.variant_ids.push(id);
            }
            None => {
                let Some(title) = e.fields.title.clone().filter(|t| !t.trim().is_empty()) else {
                    return Err(ProductError::Invalid(
                        "Invalid request: Field 'title' is required".into(),
                    ));
                };
                let row = variant::Model {
                    id: VariantId::new().into_string(),
                    product_id: product_id.to_owned(),
                    title,
                    sku: sku.clone(),
                    barcode: e.fields.barcode.clone().flatten(),
                    ean: e.fields.ean.clone().flatten(),
                    upc: e.fields.upc.clone().flatten(),
                    allow_backorder: e.fields.allow_backorder.unwrap_or(false),
                    manage_inventory: e.fields.manage_inventory.unwrap_or(true),
                    hs_code: None,
                    origin_country: None,
                    mid_code: None,
                    material: None,
                    weight: e.fields.weight.flatten(),
                    length: None,
                    height: None,
                    width: None,
                    metadata: e.fields.metadata.clone().flatten(),
                    variant_rank: e
                        .fields
                        .variant_rank
                        .unwrap_or_else(|| i32::try_from(rank).unwrap_or(i32::MAX)),
                    thumbnail: None,
                    created_at: now,
                    updated_at: now,
                    deleted_at: None,
                };
                variant::Entity::insert(variant::ActiveModel::from(row.clone()))
                    .exec_without_returning(tx)
                    .await
                    .map_err(|err| sku_conflict(err, sku.as_deref()))?;
                set_variant_values(tx, &row.id, value_ids.unwrap_or_default()).await?;
                sync.variant_ids.push(row.id.clone());
                sync.created.push(variant_of(row));
            }
        }
    }
    Ok(sync)
}

#[async_trait]
impl ProductService for DbProductService {
    async fn list_products(
        &self,
        filter: &ProductFilter,
        page: &Page,
    ) -> Result<(Vec<Product>, u64)> {
        let (rows, count) = repo::list_products(&self.db, filter, page).await?;
        Ok((rows.into_iter().map(product_of).collect(), count))
    }

    async fn relations(&self, products: &[Product], want: Want) -> Result<Relations> {
        let ids: Vec<String> = products.iter().map(|p| p.id.clone()).collect();
        let mut rel = Relations::default();
        if ids.is_empty() {
            return Ok(rel);
        }
        let db = &self.db;
        let mut variant_ids = Vec::new();
        if want.variants || want.variant_options || want.variant_images {
            for v in repo::variants_of(db, &ids).await? {
                variant_ids.push(v.id.clone());
                rel.variants
                    .entry(v.product_id.clone())
                    .or_default()
                    .push(variant_of(v));
            }
        }
        let mut options_by_id: HashMap<String, option::Model> = HashMap::new();
        if want.options || want.variant_options {
            let opts = repo::options_of(db, &ids).await?;
            let opt_ids: Vec<String> = opts.iter().map(|o| o.id.clone()).collect();
            let mut values: HashMap<String, Vec<OptionValue>> = HashMap::new();
            if want.options {
                for v in repo::values_of(db, &opt_ids).await? {
                    values
                        .entry(v.option_id.clone())
                        .or_default()
                        .push(value_of(v));
                }
            }
            for o in opts {
                options_by_id.insert(o.id.clone(), o.clone());
                if want.options {
                    let vals = values.remove(&o.id).unwrap_or_default();
                    rel.options
                        .entry(o.product_id.clone())
                        .or_default()
                        .push((option_of(o), vals));
                }
            }
        }
        if want.variant_options && !variant_ids.is_empty() {
            for (variant_id, value) in repo::variant_values(db, &variant_ids).await? {
                if let Some(opt) = options_by_id.get(&value.option_id) {
                    rel.variant_options
                        .entry(variant_id)
                        .or_default()
                        .push(VariantOptionValue {
                            value: value_of(value),
                            option: option_of(opt.clone()),
                        });
                }
            }
        }
        for opts in rel.variant_options.values_mut() {
            opts.sort_by(|a, b| {
                (a.option.created_at, &a.option.title).cmp(&(b.option.created_at, &b.option.title))
            });
        }
        if want.images {
            for i in repo::images_of(db, &ids).await? {
                rel.images
                    .entry(i.product_id.clone())
                    .or_default()
                    .push(image_of(i));
            }
        }
        if want.variant_images && !variant_ids.is_empty() {
            rel.variant_images = self.variant_images(&variant_ids).await?;
        }
        if want.tags {
            for (pid, t) in repo::tags_of(db, &ids).await? {
                rel.tags.entry(pid).or_default().push(tag_of(t));
            }
        }
        if want.product_type {
            let type_ids: Vec<String> = products.iter().filter_map(|p| p.type_id.clone()).collect();
            if !type_ids.is_empty() {
                for t in repo::types_by_id(db, &type_ids).await? {
                    rel.types.insert(t.id.clone(), type_of(t));
                }
            }
        }
        if want.collection {
            let col_ids: Vec<String> = products
                .iter()
                .filter_map(|p| p.collection_id.clone())
                .collect();
            if !col_ids.is_empty() {
                for c in repo::collections_by_id(db, &col_ids).await? {
                    rel.collections.insert(c.id.clone(), collection_of(c));
                }
            }
        }
        if want.categories {
            let links = repo::category_links_of_products(db, &ids).await?;
            let cat_ids: Vec<String> = links
                .iter()
                .map(|l| l.product_category_id.clone())
                .collect();
            let cats: HashMap<String, Category> =
                repo::categories(db, Some(&cat_ids), None, None, false, None)
                    .await?
                    .0
                    .into_iter()
                    .map(|c| (c.id.clone(), category_of(c)))
                    .collect();
            for l in links {
                if let Some(c) = cats.get(&l.product_category_id) {
                    rel.categories
                        .entry(l.product_id)
                        .or_default()
                        .push(c.clone());
                }
            }
        }
        if want.sales_channels {
            for l in repo::sales_channels_of(db, &ids).await? {
                rel.sales_channels
                    .entry(l.product_id)
                    .or_default()
                    .push(l.sales_channel_id);
            }
        }
        Ok(rel)
    }

    async fn list_variants(
        &self,
        ids: Option<&[String]>,
        product_ids: Option<&[String]>,
        visible_in_channels: Option<&[String]>,
        page: &Page,
    ) -> Result<(Vec<Variant>, u64)> {
        let (rows, count) =
            repo::list_variants(&self.db, ids, product_ids, visible_in_channels, page).await?;
        Ok((rows.into_iter().map(variant_of).collect(), count))
    }

    async fn variants_by_id(&self, ids: &[String]) -> Result<Vec<Variant>> {
        Ok(repo::variants_by_id(&self.db, ids)
            .await?
            .into_iter()
            .map(variant_of)
            .collect())
    }

    async fn variant_options(
        &self,
        variant_ids: &[String],
    ) -> Result<HashMap<String, Vec<VariantOptionValue>>> {
        let pairs = repo::variant_values(&self.db, variant_ids).await?;
        let opt_ids: Vec<String> = pairs.iter().map(|(_, v)| v.option_id.clone()).collect();
        let opts: HashMap<String, option::Model> = repo::options_by_id(&self.db, &opt_ids)
            .await?
            .into_iter()
            .map(|o| (o.id.clone(), o))
            .collect();
        let mut out: HashMap<String, Vec<VariantOptionValue>> = HashMap::new();
        for (vid, value) in pairs {
            if let Some(o) = opts.get(&value.option_id) {
                out.entry(vid).or_default().push(VariantOptionValue {
                    value: value_of(value),
                    option: option_of(o.clone()),
                });
            }
        }
        Ok(out)
    }

    async fn variant_images(&self, variant_ids: &[String]) -> Result<HashMap<String, Vec<Image>>> {
        let links = repo::variant_image_links(&self.db, variant_ids).await?;
        let image_ids: Vec<String> = links.iter().map(|l| l.image_id.clone()).collect();
        let images: HashMap<String, Image> = repo::images_by_id(&self.db, &image_ids)
            .await?
            .into_iter()
            .map(|i| (i.id.clone(), image_of(i)))
            .collect();
        let mut out: HashMap<String, Vec<Image>> = HashMap::new();
        for l in links {
            if let Some(i) = images.get(&l.image_id) {
                out.entry(l.variant_id).or_default().push(i.clone());
            }
        }
        Ok(out)
    }

    async fn create_product(&self, input: NewProduct) -> Result<(Product, Vec<Variant>)> {
        if input.title.trim().is_empty() {
            return Err(ProductError::Invalid(
                "Invalid request: Field 'title' is required".into(),
            ));
        }
        let now = self.clock.now();
        let tx = medusa_db::begin_write(&self.db).await?;
        let (row, variants) = insert_product_graph(&tx, &input, now).await?;
        medusa_db::versions::bump(&tx, medusa_db::versions::CATALOG).await?;
        tx.commit().await?;
        Ok((
            product_of(row),
            variants.into_iter().map(variant_of).collect(),
        ))
    }

    async fn update_product(&self, id: &str, input: UpdateProduct) -> Result<Product> {
        use sea_orm::{ColumnTrait, QueryFilter};
        let now = self.clock.now();
        let tx = medusa_db::begin_write(&self.db).await?;
        let Some(row) = repo::products_by_id(&tx, &[id.to_owned()])
            .await?
            .into_iter()
            .next()
        else {
            return Err(ProductError::NotFound(id.to_owned()));
        };
        let mut am: product::ActiveModel = row.clone().into();
        if let Some(v) = input.title {
            am.title = Set(v);
        }
        if let Some(v) = input.subtitle {
            am.subtitle = Set(v);
        }
        if let Some(v) = input.description {
            am.description = Set(v);
        }
        if let Some(v) = input.handle.clone() {
            am.handle = Set(v);
        }
        if let Some(v) = input.status {
            am.status = Set(v.as_str().to_owned());
        }
        if let Some(v) = input.is_giftcard {
            am.is_giftcard = Set(v);
        }
        if let Some(v) = input.discountable {
            am.discountable = Set(v);
        }
        if let Some(v) = input.thumbnail {
            am.thumbnail = Set(v);
        }
        if let Some(v) = input.weight {
            am.weight = Set(v);
        }
        if let Some(v) = input.collection_id {
            am.collection_id = Set(v);
        }
        if let Some(v) = input.type_id {
            am.type_id = Set(v);
        }
        if let Some(v) = input.external_id {
            am.external_id = Set(v);
        }
        if let Some(v) = input.metadata {
            am.metadata = Set(v);
        }
        am.updated_at = Set(now);
        let handle = input.handle.clone().unwrap_or_else(|| row.handle.clone());
        product::Entity::update(am)
            .exec(&tx)
            .await
            .map_err(|e| duplicate_or(e, &handle))?;
        if let Some(urls) = input.images {
            image::Entity::delete_many()
                .filter(image::Column::ProductId.eq(id))
                .exec(&tx)
                .await?;
            for (rank, url) in urls.iter().enumerate() {
                image::Entity::insert(image::ActiveModel::from(image::Model {
                    id: ImageId::new().into_string(),
                    product_id: id.to_owned(),
                    url: url.clone(),
                    rank: i32::try_from(rank).unwrap_or(i32::MAX),
                    metadata: None,
                    created_at: now,
                    updated_at: now,
                    deleted_at: None,
                }))
                .exec_without_returning(&tx)
                .await?;
            }
        }
        for (table, col, ids) in [
            ("product_tags", "product_tag_id", input.tag_ids),
            (
                "product_category_product",
                "product_category_id",
                input.category_ids,
            ),
            (
                "product_sales_channel",
                "sales_channel_id",
                input.sales_channel_ids,
            ),
        ] {
            if let Some(ids) = ids {
                repo::set_links(&tx, table, "product_id", col, id, &ids, true).await?;
            }
        }
        let updated = repo::products_by_id(&tx, &[id.to_owned()])
            .await?
            .into_iter()
            .next()
            .ok_or_else(|| ProductError::NotFound(id.to_owned()))?;
        medusa_db::versions::bump(&tx, medusa_db::versions::CATALOG).await?;
        tx.commit().await?;
        Ok(product_of(updated))
    }

    async fn add_variant(&self, product_id: &str, input: NewVariant) -> Result<Variant> {
        let now = self.clock.now();
        let tx = medusa_db::begin_write(&self.db).await?;
        if repo::products_by_id(&tx, &[product_id.to_owned()])
            .await?
            .is_empty()
        {
            return Err(ProductError::NotFound(product_id.to_owned()));
        }
        let options = repo::options_of(&tx, &[product_id.to_owned()]).await?;
        let option_ids: Vec<String> = options.iter().map(|o| o.id.clone()).collect();
        let values = repo::values_of(&tx, &option_ids).await?;
        let mut value_ids = Vec::new();
        for (title, value) in &input.options {
            let found = options.iter().find(|o| &o.title == title).and_then(|o| {
                values
                    .iter()
                    .find(|v| v.option_id == o.id && &v.value == value)
            });
            match found {
                Some(v) => value_ids.push(v.id.clone()),
                None => {
                    return Err(ProductError::Invalid(format!(
                        "Option value {value} does not exist for option {title}"
                    )));
                }
            }
        }
        let rank = repo::variants_of(&tx, &[product_id.to_owned()])
            .await?
            .len();
        let row = variant::Model {
            id: VariantId::new().into_string(),
            product_id: product_id.to_owned(),
            title: input.title.clone(),
            sku: input.sku.clone(),
            barcode: input.barcode.clone(),
            ean: input.ean.clone(),
            upc: input.upc.clone(),
            allow_backorder: input.allow_backorder,
            manage_inventory: input.manage_inventory,
            hs_code: None,
            origin_country: None,
            mid_code: None,
            material: None,
            weight: input.weight,
            length: None,
            height: None,
            width: None,
            metadata: input.metadata.clone(),
            variant_rank: i32::try_from(rank).unwrap_or(i32::MAX),
            thumbnail: None,
            created_at: now,
            updated_at: now,
            deleted_at: None,
        };
        variant::Entity::insert(variant::ActiveModel::from(row.clone()))
            .exec_without_returning(&tx)
            .await
            .map_err(|e| match e.sql_err() {
                Some(sea_orm::SqlErr::UniqueConstraintViolation(_)) => {
                    ProductError::Invalid(format!(
                        "Product variant with sku: {}, already exists.",
                        input.sku.clone().unwrap_or_default()
                    ))
                }
                _ => ProductError::Database(e),
            })?;
        for value_id in value_ids {
            variant_option::Entity::insert(variant_option::ActiveModel {
                variant_id: Set(row.id.clone()),
                option_value_id: Set(value_id),
            })
            .exec_without_returning(&tx)
            .await?;
        }
        medusa_db::versions::bump(&tx, medusa_db::versions::CATALOG).await?;
        tx.commit().await?;
        Ok(variant_of(row))
    }

    async fn update_variant(
        &self,
        product_id: &str,
        variant_id: &str,
        input: UpdateVariant,
    ) -> Result<Variant> {
        let tx = medusa_db::begin_write(&self.db).await?;
        let Some(row) = repo::variants_by_id(&tx, &[variant_id.to_owned()])
            .await?
            .into_iter()
            .find(|v| v.product_id == product_id)
        else {
            return Err(ProductError::VariantNotFound(variant_id.to_owned()));
        };
        let mut am: variant::ActiveModel = row.into();
        if let Some(v) = input.title {
            am.title = Set(v);
        }
        if let Some(v) = input.sku.clone() {
            am.sku = Set(v);
        }
        if let Some(v) = input.barcode {
            am.barcode = Set(v);
        }
        if let Some(v) = input.ean {
            am.ean = Set(v);
        }
        if let Some(v) = input.upc {
            am.upc = Set(v);
        }
        if let Some(v) = input.allow_backorder {
            am.allow_backorder = Set(v);
        }
        if let Some(v) = input.manage_inventory {
            am.manage_inventory = Set(v);
        }
        if let Some(v) = input.weight {
            am.weight = Set(v);
        }
        if let Some(v) = input.metadata {
            am.metadata = Set(v);
        }
        if let Some(v) = input.variant_rank {
            am.variant_rank = Set(v);
        }
        am.updated_at = Set(self.clock.now());
        let updated =
            variant::Entity::update(am)
                .exec(&tx)
                .await
                .map_err(|e| match e.sql_err() {
                    Some(sea_orm::SqlErr::UniqueConstraintViolation(_)) => {
                        ProductError::Invalid(format!(
                            "Product variant with sku: {}, already exists.",
                            input.sku.flatten().unwrap_or_default()
                        ))
                    }
                    _ => ProductError::Database(e),
                })?;
        medusa_db::versions::bump(&tx, medusa_db::versions::CATALOG).await?;
        tx.commit().await?;
        Ok(variant_of(updated))
    }

    async fn upsert_product_variants(
        &self,
        product_id: &str,
        options: Option<Vec<OptionUpsert>>,
        variants: Option<Vec<VariantUpsert>>,
    ) -> Result<VariantSync> {
        let now = self.clock.now();
        let tx = medusa_db::begin_write(&self.db).await?;
        if repo::products_by_id(&tx, &[product_id.to_owned()])
            .await?
            .is_empty()
        {
            return Err(ProductError::NotFound(product_id.to_owned()));
        }
        if let Some(options) = options {
            upsert_options(&tx, product_id, options, now).await?;
        }
        let sync = match variants {
            Some(variants) => upsert_variants(&tx, product_id, variants, now).await?,
            None => VariantSync::default(),
        };
        medusa_db::versions::bump(&tx, medusa_db::versions::CATALOG).await?;
        tx.commit().await?;
        Ok(sync)
    }

    async fn delete_variant(&self, product_id: &str, variant_id: &str) -> Result<()> {
        use sea_orm::{ColumnTrait, QueryFilter};
        let tx = medusa_db::begin_write(&self.db).await?;
        let r = variant::Entity::update_many()
            .col_expr(
                variant::Column::DeletedAt,
                sea_orm::sea_query::Expr::value(self.clock.now()),
            )
            .filter(variant::Column::Id.eq(variant_id))
            .filter(variant::Column::ProductId.eq(product_id))
            .filter(variant::Column::DeletedAt.is_null())
            .exec(&tx)
            .await?;
        if r.rows_affected == 0 {
            return Err(ProductError::VariantNotFound(variant_id.to_owned()));
        }
        medusa_db::versions::bump(&tx, medusa_db::versions::CATALOG).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn add_option(&self, product_id: &str, title: &str, values: &[String]) -> Result<()> {
        let now = self.clock.now();
        let tx = medusa_db::begin_write(&self.db).await?;
        if repo::products_by_id(&tx, &[product_id.to_owned()])
            .await?
            .is_empty()
        {
            return Err(ProductError::NotFound(product_id.to_owned()));
        }
        let existing = repo::options_of(&tx, &[product_id.to_owned()]).await?;
        if existing.iter().any(|o| o.title == title) {
            return Err(ProductError::Invalid(format!(
                "Option with title {title} already exists for this product"
            )));
        }
        let opt = option::Model {
            id: OptionId::new().into_string(),
            product_id: product_id.to_owned(),
            title: title.to_owned(),
            is_exclusive: true,
            metadata: None,
            created_at: now,
            updated_at: now,
            deleted_at: None,
        };
        option::Entity::insert(option::ActiveModel::from(opt.clone()))
            .exec_without_returning(&tx)
            .await?;
        insert_values(&tx, &opt.id, values, now).await?;
        medusa_db::versions::bump(&tx, medusa_db::versions::CATALOG).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn update_option(
        &self,
        product_id: &str,
        option_id: &str,
        title: Option<&str>,
        values: &[String],
    ) -> Result<()> {
        let now = self.clock.now();
        let tx = medusa_db::begin_write(&self.db).await?;
        let Some(opt) = repo::options_of(&tx, &[product_id.to_owned()])
            .await?
            .into_iter()
            .find(|o| o.id == option_id)
        else {
            return Err(ProductError::OptionNotFound(option_id.to_owned()));
        };
        if let Some(t) = title {
            let mut am: option::ActiveModel = opt.clone().into();
            am.title = Set(t.to_owned());
            am.updated_at = Set(now);
            option::Entity::update(am).exec(&tx).await?;
        }
        let have: Vec<String> = repo::values_of(&tx, std::slice::from_ref(&opt.id))
            .await?
            .into_iter()
            .map(|v| v.value)
            .collect();
        let missing: Vec<String> = values
            .iter()
            .filter(|v| !have.contains(v))
            .cloned()
            .collect();
        insert_values(&tx, &opt.id, &missing, now).await?;
        medusa_db::versions::bump(&tx, medusa_db::versions::CATALOG).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn delete_option(&self, product_id: &str, option_id: &str) -> Result<()> {
        use sea_orm::{ColumnTrait, QueryFilter};
        let tx = medusa_db::begin_write(&self.db).await?;
        if !repo::options_of(&tx, &[product_id.to_owned()])
            .await?
            .iter()
            .any(|o| o.id == option_id)
        {
            return Err(ProductError::OptionNotFound(option_id.to_owned()));
        }
        let value_ids: Vec<String> = repo::values_of(&tx, &[option_id.to_owned()])
            .await?
            .into_iter()
            .map(|v| v.id)
            .collect();
        variant_option::Entity::delete_many()
            .filter(variant_option::Column::OptionValueId.is_in(value_ids))
            .exec(&tx)
            .await?;
        option_value::Entity::delete_many()
            .filter(option_value::Column::OptionId.eq(option_id))
            .exec(&tx)
            .await?;
        option::Entity::delete_many()
            .filter(option::Column::Id.eq(option_id))
            .exec(&tx)
            .await?;
        medusa_db::versions::bump(&tx, medusa_db::versions::CATALOG).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn delete_product(&self, id: &str) -> Result<Vec<String>> {
        use sea_orm::{ColumnTrait, QueryFilter};
        let now = self.clock.now();
        let tx = medusa_db::begin_write(&self.db).await?;
        let r = product::Entity::update_many()
            .col_expr(
                product::Column::DeletedAt,
                sea_orm::sea_query::Expr::value(now),
            )
            .filter(product::Column::Id.eq(id))
            .filter(product::Column::DeletedAt.is_null())
            .exec(&tx)
            .await?;
        if r.rows_affected == 0 {
            return Err(ProductError::NotFound(id.to_owned()));
        }
        let variants = repo::variants_of(&tx, &[id.to_owned()]).await?;
        variant::Entity::update_many()
            .col_expr(
                variant::Column::DeletedAt,
                sea_orm::sea_query::Expr::value(now),
            )
            .filter(variant::Column::ProductId.eq(id))
            .filter(variant::Column::DeletedAt.is_null())
            .exec(&tx)
            .await?;
        medusa_db::versions::bump(&tx, medusa_db::versions::CATALOG).await?;
        tx.commit().await?;
        Ok(variants.into_iter().map(|v| v.id).collect())
    }

    async fn list_collections(
        &self,
        ids: Option<&[String]>,
        handles: Option<&[String]>,
        title: Option<&str>,
        page: &Page,
    ) -> Result<(Vec<Collection>, u64)> {
        let (rows, count) = repo::collections(&self.db, ids, handles, title, Some(page)).await?;
        Ok((rows.into_iter().map(collection_of).collect(), count))
    }

    async fn create_collection(
        &self,
        title: &str,
        handle: Option<&str>,
        metadata: Option<serde_json::Value>,
    ) -> Result<Collection> {
        let now = self.clock.now();
        let handle = handle
            .map(str::to_owned)
            .unwrap_or_else(|| to_handle(title));
        let row = collection::Model {
            id: CollectionId::new().into_string(),
            title: title.to_owned(),
            handle: handle.clone(),
            metadata,
            created_at: now,
            updated_at: now,
            deleted_at: None,
        };
        collection::Entity::insert(collection::ActiveModel::from(row.clone()))
            .exec_without_returning(&self.db)
            .await
            .map_err(|e| match e.sql_err() {
                Some(sea_orm::SqlErr::UniqueConstraintViolation(_)) => ProductError::Invalid(
                    format!("Product collection with handle: {handle}, already exists."),
                ),
                _ => ProductError::Database(e),
            })?;
        medusa_db::versions::bump(&self.db, medusa_db::versions::CATALOG).await?;
        Ok(collection_of(row))
    }

    async fn products_of_collections(&self, collection_ids: &[String]) -> Result<Vec<Product>> {
        Ok(repo::products_of_collections(&self.db, collection_ids)
            .await?
            .into_iter()
            .map(product_of)
            .collect())
    }

    async fn list_categories(
        &self,
        ids: Option<&[String]>,
        handles: Option<&[String]>,
        parent_ids: Option<&[Option<String>]>,
        store_visible_only: bool,
        page: Option<&Page>,
    ) -> Result<(Vec<Category>, u64)> {
        let (rows, count) =
            repo::categories(&self.db, ids, handles, parent_ids, store_visible_only, page).await?;
        Ok((rows.into_iter().map(category_of).collect(), count))
    }

    async fn search_categories(
        &self,
        filter: &CategoryFilter,
        page: Option<&Page>,
    ) -> Result<(Vec<Category>, u64)> {
        let (rows, count) = repo::categories_filtered(&self.db, filter, page).await?;
        Ok((rows.into_iter().map(category_of).collect(), count))
    }

    async fn create_category(&self, input: NewCategory) -> Result<Category> {
        let now = self.clock.now();
        let id = CategoryId::new().into_string();
        let parent_path = match &input.parent_category_id {
            Some(pid) => {
                let (parents, _) = repo::categories(
                    &self.db,
                    Some(std::slice::from_ref(pid)),
                    None,
                    None,
                    false,
                    None,
                )
                .await?;
                let parent = parents
                    .into_iter()
                    .next()
                    .ok_or_else(|| ProductError::CategoryNotFound(pid.clone()))?;
                format!("{}.", parent.mpath)
            }
            None => String::new(),
        };
        let handle = input
            .handle
            .clone()
            .unwrap_or_else(|| to_handle(&input.name));
        let row = category::Model {
            id: id.clone(),
            name: input.name.clone(),
            description: input.description.clone().unwrap_or_default(),
            handle: handle.clone(),
            mpath: format!("{parent_path}{id}"),
            is_active: input.is_active,
            is_internal: input.is_internal,
            rank: input.rank.unwrap_or(0),
            parent_category_id: input.parent_category_id.clone(),
            external_id: None,
            metadata: input.metadata.clone(),
            created_at: now,
            updated_at: now,
            deleted_at: None,
        };
        category::Entity::insert(category::ActiveModel::from(row.clone()))
            .exec_without_returning(&self.db)
            .await
            .map_err(|e| match e.sql_err() {
                Some(sea_orm::SqlErr::UniqueConstraintViolation(_)) => ProductError::Invalid(
                    format!("Product category with handle: {handle}, already exists."),
                ),
                _ => ProductError::Database(e),
            })?;
        medusa_db::versions::bump(&self.db, medusa_db::versions::CATALOG).await?;
        Ok(category_of(row))
    }

    async fn update_collection(
        &self,
        id: &str,
        title: Option<String>,
        handle: Option<String>,
        metadata: Option<Option<serde_json::Value>>,
    ) -> Result<Collection> {
        let Some(row) = repo::collections_by_id(&self.db, &[id.to_owned()])
            .await?
            .into_iter()
            .next()
        else {
            return Err(ProductError::CollectionNotFound(id.to_owned()));
        };
        let mut am: collection::ActiveModel = row.into();
        if let Some(t) = title {
            am.title = Set(t);
        }
        if let Some(h) = handle {
            am.handle = Set(h);
        }
        if let Some(m) = metadata {
            am.metadata = Set(m);
        }
        am.updated_at = Set(self.clock.now());
        let updated = collection::Entity::update(am)
            .exec(&self.db)
            .await
            .map_err(|e| match e.sql_err() {
                Some(sea_orm::SqlErr::UniqueConstraintViolation(_)) => ProductError::Invalid(
                    "Product collection with this handle already exists.".into(),
                ),
                _ => ProductError::Database(e),
            })?;
        medusa_db::versions::bump(&self.db, medusa_db::versions::CATALOG).await?;
        Ok(collection_of(updated))
    }

    async fn delete_collection(&self, id: &str) -> Result<()> {
        use sea_orm::{ColumnTrait, QueryFilter};
        let now = self.clock.now();
        let tx = medusa_db::begin_write(&self.db).await?;
        let r = collection::Entity::update_many()
            .col_expr(
                collection::Column::DeletedAt,
                sea_orm::sea_query::Expr::value(now),
            )
            .filter(collection::Column::Id.eq(id))
            .filter(collection::Column::DeletedAt.is_null())
            .exec(&tx)
            .await?;
        if r.rows_affected == 0 {
            return Err(ProductError::CollectionNotFound(id.to_owned()));
        }
        // Products of a deleted collection are kept, without a collection (as Medusa).
        product::Entity::update_many()
            .col_expr(
                product::Column::CollectionId,
                sea_orm::sea_query::Expr::value(Option::<String>::None),
            )
            .filter(product::Column::CollectionId.eq(id))
            .exec(&tx)
            .await?;
        medusa_db::versions::bump(&tx, medusa_db::versions::CATALOG).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn update_category(&self, id: &str, input: NewCategory) -> Result<Category> {
        let Some(row) = repo::categories(&self.db, Some(&[id.to_owned()]), None, None, false, None)
            .await?
            .0
            .into_iter()
            .next()
        else {
            return Err(ProductError::CategoryNotFound(id.to_owned()));
        };
        let mut am: category::ActiveModel = row.into();
        if !input.name.is_empty() {
            am.name = Set(input.name);
        }
        if let Some(d) = input.description {
            am.description = Set(d);
        }
        if let Some(h) = input.handle {
            am.handle = Set(h);
        }
        am.is_active = Set(input.is_active);
        am.is_internal = Set(input.is_internal);
        if let Some(r) = input.rank {
            am.rank = Set(r);
        }
        if let Some(m) = input.metadata {
            am.metadata = Set(Some(m));
        }
        am.updated_at = Set(self.clock.now());
        let updated = category::Entity::update(am).exec(&self.db).await?;
        medusa_db::versions::bump(&self.db, medusa_db::versions::CATALOG).await?;
        Ok(category_of(updated))
    }

    async fn delete_category(&self, id: &str) -> Result<()> {
        use sea_orm::{ColumnTrait, QueryFilter};
        let children = repo::categories(
            &self.db,
            None,
            None,
            Some(&[Some(id.to_owned())]),
            false,
            None,
        )
        .await?
        .1;
        if children > 0 {
            return Err(ProductError::Invalid(format!(
                "Deleting ProductCategory ({id}) with category children is not allowed"
            )));
        }
        let now = self.clock.now();
        let r = category::Entity::update_many()
            .col_expr(
                category::Column::DeletedAt,
                sea_orm::sea_query::Expr::value(now),
            )
            .filter(category::Column::Id.eq(id))
            .filter(category::Column::DeletedAt.is_null())
            .exec(&self.db)
            .await?;
        if r.rows_affected == 0 {
            return Err(ProductError::CategoryNotFound(id.to_owned()));
        }
        category_product::Entity::delete_many()
            .filter(category_product::Column::ProductCategoryId.eq(id))
            .exec(&self.db)
            .await?;
        medusa_db::versions::bump(&self.db, medusa_db::versions::CATALOG).await?;
        Ok(())
    }

    async fn link_collection_products(
        &self,
        collection_id: &str,
        add: &[String],
        remove: &[String],
    ) -> Result<()> {
        use sea_orm::{ColumnTrait, QueryFilter};
        let now = self.clock.now();
        let tx = medusa_db::begin_write(&self.db).await?;
        if repo::collections_by_id(&tx, &[collection_id.to_owned()])
            .await?
            .is_empty()
        {
            return Err(ProductError::CollectionNotFound(collection_id.to_owned()));
        }
        if !remove.is_empty() {
            product::Entity::update_many()
                .col_expr(
                    product::Column::CollectionId,
                    sea_orm::sea_query::Expr::value(Option::<String>::None),
                )
                .col_expr(
                    product::Column::UpdatedAt,
                    sea_orm::sea_query::Expr::value(now),
                )
                .filter(product::Column::Id.is_in(remove.iter().cloned()))
                .filter(product::Column::CollectionId.eq(collection_id))
                .exec(&tx)
                .await?;
        }
        if !add.is_empty() {
            product::Entity::update_many()
                .col_expr(
                    product::Column::CollectionId,
                    sea_orm::sea_query::Expr::value(collection_id),
                )
                .col_expr(
                    product::Column::UpdatedAt,
                    sea_orm::sea_query::Expr::value(now),
                )
                .filter(product::Column::Id.is_in(add.iter().cloned()))
                .filter(product::Column::DeletedAt.is_null())
                .exec(&tx)
                .await?;
        }
        medusa_db::versions::bump(&tx, medusa_db::versions::CATALOG).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn link_category_products(
        &self,
        category_id: &str,
        add: &[String],
        remove: &[String],
    ) -> Result<()> {
        use sea_orm::{ColumnTrait, QueryFilter};
        let tx = medusa_db::begin_write(&self.db).await?;
        let (found, _) = repo::categories(
            &tx,
            Some(&[category_id.to_owned()]),
            None,
            None,
            false,
            None,
        )
        .await?;
        if found.is_empty() {
            return Err(ProductError::CategoryNotFound(category_id.to_owned()));
        }
        // Re-adding a linked product is a no-op, so the pairs are cleared before inserting.
        let touched: Vec<String> = add.iter().chain(remove).cloned().collect();
        if !touched.is_empty() {
            category_product::Entity::delete_many()
                .filter(category_product::Column::ProductCategoryId.eq(category_id))
                .filter(category_product::Column::ProductId.is_in(touched))
                .exec(&tx)
                .await?;
        }
        let live: Vec<String> = repo::products_by_id(&tx, add)
            .await?
            .into_iter()
            .map(|p| p.id)
            .collect();
        let mut seen = std::collections::HashSet::new();
        for product_id in live.iter().filter(|id| seen.insert((*id).clone())) {
            category_product::Entity::insert(category_product::ActiveModel {
                product_id: Set(product_id.clone()),
                product_category_id: Set(category_id.to_owned()),
            })
            .exec_without_returning(&tx)
            .await?;
        }
        medusa_db::versions::bump(&tx, medusa_db::versions::CATALOG).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn products_of_categories(
        &self,
        category_ids: &[String],
    ) -> Result<HashMap<String, Vec<String>>> {
        let mut out: HashMap<String, Vec<String>> = HashMap::new();
        for l in repo::product_ids_of_categories(&self.db, category_ids).await? {
            out.entry(l.product_category_id)
                .or_default()
                .push(l.product_id);
        }
        Ok(out)
    }

    async fn products_by_id(&self, ids: &[String]) -> Result<Vec<Product>> {
        Ok(repo::products_by_id(&self.db, ids)
            .await?
            .into_iter()
            .map(product_of)
            .collect())
    }

    async fn list_labels(&self, tags: bool, page: &Page) -> Result<(Vec<Label>, u64)> {
        Ok(if tags {
            let (rows, count) = repo::tags(&self.db, page).await?;
            (rows.into_iter().map(tag_of).collect(), count)
        } else {
            let (rows, count) = repo::types(&self.db, page).await?;
            (rows.into_iter().map(type_of).collect(), count)
        })
    }

    async fn upsert_tag(&self, value: &str) -> Result<Label> {
        if let Some(t) = repo::find_tag_by_value(&self.db, value).await? {
            return Ok(tag_of(t));
        }
        let now = self.clock.now();
        let row = tag::Model {
            id: TagId::new().into_string(),
            value: value.to_owned(),
            metadata: None,
            created_at: now,
            updated_at: now,
            deleted_at: None,
        };
        tag::Entity::insert(tag::ActiveModel::from(row.clone()))
            .exec_without_returning(&self.db)
            .await?;
        medusa_db::versions::bump(&self.db, medusa_db::versions::CATALOG).await?;
        Ok(tag_of(row))
    }

    async fn upsert_type(&self, value: &str) -> Result<Label> {
        if let Some(t) = repo::find_type_by_value(&self.db, value).await? {
            return Ok(type_of(t));
        }
        let now = self.clock.now();
        let row = product_type::Model {
            id: TypeId::new().into_string(),
            value: value.to_owned(),
            metadata: None,
            created_at: now,
            updated_at: now,
            deleted_at: None,
        };
        product_type::Entity::insert(product_type::ActiveModel::from(row.clone()))
            .exec_without_returning(&self.db)
            .await?;
        medusa_db::versions::bump(&self.db, medusa_db::versions::CATALOG).await?;
        Ok(type_of(row))
    }
}

#[allow(dead_code)]
fn _assert_tx_trait<T: TransactionTrait>() {}
