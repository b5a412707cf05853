//! `/admin/products`: the catalog as Medusa's dashboard manages it. Creating a variant with
//! `manage_inventory` (the default) also creates its inventory item and the link, as Medusa
//! does; stock is then set per location through the inventory routes.

use std::collections::BTreeMap;

use actix_web::{HttpRequest, HttpResponse, delete, get, post, web};
use medusa_core::Error;
use medusa_core::fields::FieldSpec;
use medusa_core::money::{Amount, CurrencyCode};
use medusa_core::request::{ListConfig, one_or_many, parse_list_query, parse_query};
use medusa_inventory::InventoryService;
use medusa_pricing::{PriceInput, PricingService};
use medusa_product::{
    NewProduct, NewVariant, OptionUpsert, Page, ProductFilter, ProductService, ProductStatus,
    UpdateProduct, UpdateVariant, VariantUpsert,
};
use serde::Deserialize;
use serde_json::Value;
use utoipa::{IntoParams, OpenApi, ToSchema};

use crate::catalog::{RenderOptions, render};
use crate::error::ApiResult;
use crate::extract::StrictJson;
use crate::response;
use crate::state::State;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(list)
        .service(create)
        .service(retrieve)
        .service(update)
        .service(remove)
        .service(variants)
        .service(create_variant)
        .service(update_variant)
        .service(delete_variant)
        .service(create_option)
        .service(update_option)
        .service(delete_option);
}

#[derive(OpenApi)]
#[openapi(
    paths(list, create, retrieve, update, remove, variants),
    components(schemas(
        CreateProductBody,
        UpdateProductBody,
        UpsertOptionBody,
        UpsertVariantBody,
        UpsertPriceBody
    ))
)]
pub struct Api;

pub const DEFAULT_FIELDS: &[&str] = &[
    "id",
    "title",
    "subtitle",
    "status",
    "external_id",
    "description",
    "handle",
    "is_giftcard",
    "discountable",
    "thumbnail",
    "collection_id",
    "type_id",
    "weight",
    "length",
    "height",
    "width",
    "hs_code",
    "origin_country",
    "mid_code",
    "material",
    "created_at",
    "updated_at",
    "deleted_at",
    "metadata",
    "*type",
    "*collection",
    "*options",
    "*options.values",
    "*tags",
    "*images",
    "*variants",
    "*variants.prices",
    "*variants.options",
    "*sales_channels",
];

const LIST: ListConfig = ListConfig {
    default_limit: 50,
    orderable: &["created_at", "updated_at", "title", "handle", "id"],
};

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    #[serde(default, deserialize_with = "one_or_many")]
    #[param(value_type = Option<Vec<String>>)]
    pub id: Option<Vec<String>>,
    #[serde(default, deserialize_with = "one_or_many")]
    #[param(value_type = Option<Vec<String>>)]
    pub handle: Option<Vec<String>>,
    #[serde(default, deserialize_with = "one_or_many")]
    #[param(value_type = Option<Vec<String>>)]
    pub status: Option<Vec<String>>,
    pub q: Option<String>,
    pub title: Option<String>,
    #[serde(default, deserialize_with = "one_or_many")]
    #[param(value_type = Option<Vec<String>>)]
    pub collection_id: Option<Vec<String>>,
    #[serde(default, deserialize_with = "one_or_many")]
    #[param(value_type = Option<Vec<String>>)]
    pub category_id: Option<Vec<String>>,
    #[serde(default, deserialize_with = "one_or_many")]
    #[param(value_type = Option<Vec<String>>)]
    pub sales_channel_id: Option<Vec<String>>,
    #[serde(default, deserialize_with = "one_or_many")]
    #[param(value_type = Option<Vec<String>>)]
    pub tag_id: Option<Vec<String>>,
    #[serde(default, deserialize_with = "one_or_many")]
    #[param(value_type = Option<Vec<String>>)]
    pub type_id: Option<Vec<String>>,
    pub is_giftcard: Option<bool>,
    pub limit: Option<u32>,
    pub offset: Option<u32>,
    pub order: Option<String>,
    pub fields: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct IdRef {
    pub id: String,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct UrlRef {
    pub url: String,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct OptionBody {
    pub title: String,
    pub values: Vec<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct PriceBody {
    pub currency_code: String,
    #[schema(value_type = f64)]
    pub amount: Amount,
    pub min_quantity: Option<i64>,
    pub max_quantity: Option<i64>,
    pub rules: Option<BTreeMap<String, String>>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct VariantBody {
    pub title: String,
    pub sku: Option<String>,
    pub ean: Option<String>,
    pub upc: Option<String>,
    pub barcode: Option<String>,
    pub hs_code: Option<String>,
    pub mid_code: Option<String>,
    pub allow_backorder: Option<bool>,
    pub manage_inventory: Option<bool>,
    pub variant_rank: Option<i32>,
    pub weight: Option<f64>,
    pub length: Option<f64>,
    pub height: Option<f64>,
    pub width: Option<f64>,
    pub origin_country: Option<String>,
    pub material: Option<String>,
    #[schema(value_type = Option<Object>)]
    pub metadata: Option<Value>,
    pub prices: Vec<PriceBody>,
    /// Option title -> value.
    pub options: Option<BTreeMap<String, String>>,
}

/// `POST /admin/products`, as the dashboard and js-sdk send it.
#[derive(Debug, Deserialize, ToSchema)]
pub struct CreateProductBody {
    pub title: String,
    pub subtitle: Option<String>,
    pub description: Option<String>,
    pub is_giftcard: Option<bool>,
    pub discountable: Option<bool>,
    pub images: Option<Vec<UrlRef>>,
    pub thumbnail: Option<String>,
    pub handle: Option<String>,
    pub status: Option<String>,
    pub type_id: Option<String>,
    pub collection_id: Option<String>,
    pub categories: Option<Vec<IdRef>>,
    pub tags: Option<Vec<IdRef>>,
    pub options: Option<Vec<OptionBody>>,
    pub variants: Option<Vec<VariantBody>>,
    pub sales_channels: Option<Vec<IdRef>>,
    pub shipping_profile_id: Option<String>,
    pub weight: Option<f64>,
    pub length: Option<f64>,
    pub height: Option<f64>,
    pub width: Option<f64>,
    pub hs_code: Option<String>,
    pub mid_code: Option<String>,
    pub origin_country: Option<String>,
    pub material: Option<String>,
    #[schema(value_type = Option<Object>)]
    pub metadata: Option<Value>,
    pub external_id: Option<String>,
    #[schema(value_type = Option<Object>)]
    pub additional_data: Option<Value>,
}

/// `POST /admin/products/:id`.
#[derive(Debug, Deserialize, ToSchema)]
pub struct UpdateProductBody {
    pub title: Option<String>,
    pub subtitle: Option<Option<String>>,
    pub description: Option<Option<String>>,
    pub is_giftcard: Option<bool>,
    pub discountable: Option<bool>,
    pub images: Option<Vec<UrlRef>>,
    pub thumbnail: Option<Option<String>>,
    pub handle: Option<String>,
    pub status: Option<String>,
    pub type_id: Option<Option<String>>,
    pub collection_id: Option<Option<String>>,
    pub categories: Option<Vec<IdRef>>,
    pub tags: Option<Vec<IdRef>>,
    pub sales_channels: Option<Vec<IdRef>>,
    pub weight: Option<Option<f64>>,
    #[schema(value_type = Option<Object>)]
    pub metadata: Option<Option<Value>>,
    pub external_id: Option<Option<String>>,
    /// Upserted: entries with an `id` update that option, others create one; options left
    /// out are deleted.
    pub options: Option<Vec<UpsertOptionBody>>,
    /// Upserted: entries with an `id` update that variant, others create one; variants left
    /// out are deleted.
    pub variants: Option<Vec<UpsertVariantBody>>,
    #[schema(value_type = Option<Object>)]
    pub additional_data: Option<Value>,
}

/// An `options` entry of `POST /admin/products/:id` (Medusa's `AdminUpdateProductOption`).
#[derive(Debug, Deserialize, ToSchema)]
pub struct UpsertOptionBody {
    pub id: Option<String>,
    pub title: Option<String>,
    pub values: Option<Vec<String>>,
}

/// A price of a `variants` entry (Medusa's `AdminUpdateVariantPrice`): with an `id` it keeps
/// that price's unspecified fields; the variant's prices become exactly this list.
#[derive(Debug, Deserialize, ToSchema)]
pub struct UpsertPriceBody {
    pub id: Option<String>,
    pub currency_code: Option<String>,
    #[schema(value_type = Option<f64>)]
    pub amount: Option<Amount>,
    pub min_quantity: Option<i64>,
    pub max_quantity: Option<i64>,
}

/// A `variants` entry of `POST /admin/products/:id` (Medusa's `AdminUpdateProductVariant`).
#[derive(Debug, Deserialize, ToSchema)]
pub struct UpsertVariantBody {
    pub id: Option<String>,
    pub title: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    pub sku: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    pub ean: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    pub upc: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    pub barcode: Option<Option<String>>,
    pub hs_code: Option<String>,
    pub mid_code: Option<String>,
    pub allow_backorder: Option<bool>,
    pub manage_inventory: Option<bool>,
    pub variant_rank: Option<i32>,
    #[serde(default, deserialize_with = "nullable")]
    pub weight: Option<Option<f64>>,
    pub length: Option<f64>,
    pub height: Option<f64>,
    pub width: Option<f64>,
    pub origin_country: Option<String>,
    pub material: Option<String>,
    #[schema(value_type = Option<Object>)]
    pub metadata: Option<Value>,
    pub prices: Option<Vec<UpsertPriceBody>>,
    /// Option title -> value.
    pub options: Option<BTreeMap<String, String>>,
}

/// `Some(None)` for an explicit `null`, `None` when the key is absent (with `#[serde(default)]`).
fn nullable<'de, D: serde::Deserializer<'de>, T: Deserialize<'de>>(
    d: D,
) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(d).map(Some)
}

/// The full price list of one `variants` entry: entries with an `id` start from that stored
/// price of the variant; others need a currency and an amount.
fn upsert_prices(
    prices: Vec<UpsertPriceBody>,
    stored: &[medusa_pricing::Price],
) -> ApiResult<Vec<PriceInput>> {
    let mut bodies = Vec::new();
    for p in prices {
        let base =
            match &p.id {
                Some(id) => Some(stored.iter().find(|s| &s.id == id).ok_or_else(|| {
                    Error::not_found(format!("Price with id: {id} was not found"))
                })?),
                None => None,
            };
        let currency_code = match (p.currency_code, base) {
            (Some(c), _) => c,
            (None, Some(b)) => b.currency_code.to_string(),
            (None, None) => {
                return Err(Error::invalid_data(
                    "Invalid request: Field 'currency_code' is required",
                )
                .into());
            }
        };
        let amount = match (p.amount, base) {
            (Some(a), _) => a,
            (None, Some(b)) => b.amount,
            (None, None) => {
                return Err(
                    Error::invalid_data("Invalid request: Field 'amount' is required").into(),
                );
            }
        };
        bodies.push(PriceBody {
            currency_code,
            amount,
            min_quantity: p.min_quantity.or(base.and_then(|b| b.min_quantity)),
            max_quantity: p.max_quantity.or(base.and_then(|b| b.max_quantity)),
            rules: base.map(|b| b.rules.clone()),
        });
    }
    price_inputs(bodies)
}

fn status(s: Option<&str>) -> ApiResult<Option<ProductStatus>> {
    match s {
        None => Ok(None),
        Some(v) => ProductStatus::parse(v).map(Some).ok_or_else(|| {
            Error::invalid_data(format!(
                "Invalid request: Expected: 'draft, proposed, published, rejected' for field 'status', but got: '{v}'"
            ))
            .into()
        }),
    }
}

fn ids(v: Option<Vec<IdRef>>) -> Option<Vec<String>> {
    v.map(|l| l.into_iter().map(|r| r.id).collect())
}

pub(crate) async fn render_one(state: &State, id: &str, fields: Option<&str>) -> ApiResult<Value> {
    let catalog = state
        .registry
        .get::<dyn ProductService>()
        .map_err(Error::internal)?;
    let filter = ProductFilter {
        ids: Some(vec![id.to_owned()]),
        ..Default::default()
    };
    let (products, _) = catalog
        .list_products(
            &filter,
            &Page {
                limit: 1,
                offset: 0,
                order: None,
            },
        )
        .await?;
    if products.is_empty() {
        return Err(Error::not_found(format!("Product with id: {id} was not found")).into());
    }
    let opts = RenderOptions {
        admin: true,
        ..Default::default()
    };
    let mut items = render(
        state,
        products,
        FieldSpec::parse(fields, DEFAULT_FIELDS),
        &opts,
    )
    .await?;
    Ok(items.pop().unwrap_or(Value::Null))
}

/// List products (all statuses).
#[utoipa::path(get, path = "/admin/products", tag = "Admin", params(ListQuery),
    security(("secret_key" = [])),
    responses((status = 200, description = "`{products, count, offset, limit}`", body = Object)))]
#[get("/products")]
pub async fn list(req: HttpRequest, state: State) -> ApiResult<HttpResponse> {
    let (params, q): (_, ListQuery) = parse_list_query(req.query_string(), &LIST)?;
    let statuses = match q.status {
        Some(list) => Some(
            list.iter()
                .map(|s| status(Some(s)).map(|s| s.unwrap_or(ProductStatus::Draft)))
                .collect::<ApiResult<Vec<_>>>()?,
        ),
        None => None,
    };
    let filter = ProductFilter {
        ids: q.id,
        handles: q.handle,
        title: q.title,
        q: q.q,
        collection_ids: q.collection_id,
        category_ids: q.category_id,
        tag_ids: q.tag_id,
        type_ids: q.type_id,
        is_giftcard: q.is_giftcard,
        statuses,
        sales_channel_ids: q.sales_channel_id,
        external_ids: None,
    };
    let page = Page {
        limit: u64::from(params.limit),
        offset: u64::from(params.offset),
        order: params.order.as_ref().map(|o| {
            (
                o.field.clone(),
                o.direction == medusa_core::request::Direction::Desc,
            )
        }),
    };
    let catalog = state
        .registry
        .get::<dyn ProductService>()
        .map_err(Error::internal)?;
    let (products, count) = catalog.list_products(&filter, &page).await?;
    let opts = RenderOptions {
        admin: true,
        ..Default::default()
    };
    let items = render(
        &state,
        products,
        FieldSpec::parse(params.fields.as_deref(), DEFAULT_FIELDS),
        &opts,
    )
    .await?;
    Ok(response::list("products", items, count, &params))
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FieldsQuery {
    pub fields: Option<String>,
}

fn price_inputs(prices: Vec<PriceBody>) -> ApiResult<Vec<PriceInput>> {
    prices
        .into_iter()
        .map(|p| {
            let currency_code = CurrencyCode::parse(&p.currency_code)
                .map_err(|e| Error::invalid_data(e.to_string()))?;
            if p.amount.decimal().is_sign_negative() {
                return Err(Error::invalid_data(
                    "Invalid request: Value for field 'amount' too small, expected at least: '0'",
                )
                .into());
            }
            // Refuse amounts the currency cannot charge exactly (12.345 EUR).
            p.amount
                .to_minor(&currency_code)
                .map_err(|e| Error::invalid_data(e.to_string()))?;
            Ok(PriceInput {
                amount: p.amount,
                currency_code,
                min_quantity: p.min_quantity,
                max_quantity: p.max_quantity,
                rules: p.rules.unwrap_or_default(),
            })
        })
        .collect()
}

/// Create a product with its options, variants (and their prices) and images.
#[utoipa::path(post, path = "/admin/products", tag = "Admin", request_body = CreateProductBody,
    params(FieldsQuery), security(("secret_key" = [])),
    responses((status = 200, description = "`{product}`", body = Object),
        (status = 400, description = "Invalid request", body = crate::openapi::ErrorBody)))]
#[post("/products")]
pub async fn create(
    req: HttpRequest,
    state: State,
    body: StrictJson<CreateProductBody>,
) -> ApiResult<HttpResponse> {
    let q: FieldsQuery = parse_query(req.query_string())?;
    let b = body.0;
    if b.title.trim().is_empty() {
        return Err(Error::invalid_data("Invalid request: Field 'title' is required").into());
    }
    let options: Vec<(String, Vec<String>)> = b
        .options
        .unwrap_or_default()
        .into_iter()
        .map(|o| (o.title, o.values))
        .collect();
    let mut prices = Vec::new();
    let mut new_variants = Vec::new();
    for v in b.variants.unwrap_or_default() {
        let opts: Vec<(String, String)> = v.options.unwrap_or_default().into_iter().collect();
        for (title, value) in &opts {
            if !options
                .iter()
                .any(|(t, vals)| t == title && vals.contains(value))
            {
                return Err(Error::invalid_data(format!(
                    "Option value {value} does not exist for option {title}"
                ))
                .into());
            }
        }
        prices.push(price_inputs(v.prices)?);
        new_variants.push(NewVariant {
            title: v.title,
            sku: v.sku,
            barcode: v.barcode,
            ean: v.ean,
            upc: v.upc,
            allow_backorder: v.allow_backorder.unwrap_or(false),
            manage_inventory: v.manage_inventory.unwrap_or(true),
            weight: v.weight,
            metadata: v.metadata,
            options: opts,
        });
    }
    let input = NewProduct {
        title: b.title,
        subtitle: b.subtitle,
        description: b.description,
        handle: b.handle,
        status: status(b.status.as_deref())?,
        is_giftcard: b.is_giftcard.unwrap_or(false),
        discountable: b.discountable.unwrap_or(true),
        thumbnail: b.thumbnail,
        weight: b.weight,
        collection_id: b.collection_id,
        type_id: b.type_id,
        external_id: b.external_id,
        metadata: b.metadata,
        options,
        variants: new_variants,
        images: b
            .images
            .unwrap_or_default()
            .into_iter()
            .map(|i| i.url)
            .collect(),
        tag_ids: ids(b.tags).unwrap_or_default(),
        category_ids: ids(b.categories).unwrap_or_default(),
        sales_channel_ids: ids(b.sales_channels).unwrap_or_default(),
    };
    let catalog = state
        .registry
        .get::<dyn ProductService>()
        .map_err(Error::internal)?;
    let pricing = state
        .registry
        .get::<dyn PricingService>()
        .map_err(Error::internal)?;
    let inventory = state
        .registry
        .get::<dyn InventoryService>()
        .map_err(Error::internal)?;
    let (product, created) = catalog.create_product(input).await?;
    for (variant, prices) in created.iter().zip(prices) {
        pricing.set_variant_prices(&variant.id, prices).await?;
        if variant.manage_inventory {
            crate::catalog::create_variant_inventory(inventory.as_ref(), variant).await?;
        }
    }
    Ok(response::one(
        "product",
        render_one(&state, &product.id, q.fields.as_deref()).await?,
    ))
}

/// A product.
#[utoipa::path(get, path = "/admin/products/{id}", tag = "Admin",
    params(("id" = String, Path, description = "Product id"), FieldsQuery), security(("secret_key" = [])),
    responses((status = 200, description = "`{product}`", body = Object),
        (status = 404, description = "No such product", body = crate::openapi::ErrorBody)))]
#[get("/products/{id}")]
pub async fn retrieve(
    req: HttpRequest,
    path: web::Path<String>,
    state: State,
) -> ApiResult<HttpResponse> {
    let q: FieldsQuery = parse_query(req.query_string())?;
    Ok(response::one(
        "product",
        render_one(&state, &path, q.fields.as_deref()).await?,
    ))
}

/// Update a product (status, texts, relations).
#[utoipa::path(post, path = "/admin/products/{id}", tag = "Admin", request_body = UpdateProductBody,
    params(("id" = String, Path, description = "Product id"), FieldsQuery), security(("secret_key" = [])),
    responses((status = 200, description = "`{product}`", body = Object),
        (status = 404, description = "No such product", body = crate::openapi::ErrorBody)))]
#[post("/products/{id}")]
pub async fn update(
    req: HttpRequest,
    path: web::Path<String>,
    state: State,
    body: StrictJson<UpdateProductBody>,
) -> ApiResult<HttpResponse> {
    let q: FieldsQuery = parse_query(req.query_string())?;
    let b = body.0;
    let catalog = state
        .registry
        .get::<dyn ProductService>()
        .map_err(Error::internal)?;
    let pricing = state
        .registry
        .get::<dyn PricingService>()
        .map_err(Error::internal)?;
    // Everything the body can get wrong is checked before the first write.
    let product_status = status(b.status.as_deref())?;
    let known: Vec<String> = b
        .variants
        .iter()
        .flatten()
        .filter_map(|v| v.id.clone())
        .collect();
    let stored = pricing.variant_prices(&known).await?;
    let variants_present = b.variants.is_some();
    let mut variant_prices: Vec<Option<Vec<PriceInput>>> = Vec::new();
    let mut upserts = Vec::new();
    for v in b.variants.unwrap_or_default() {
        let own =
            v.id.as_ref()
                .and_then(|id| stored.get(id))
                .map(Vec::as_slice)
                .unwrap_or_default();
        variant_prices.push(v.prices.map(|p| upsert_prices(p, own)).transpose()?);
        upserts.push(VariantUpsert {
            id: v.id,
            fields: UpdateVariant {
                title: v.title,
                sku: v.sku,
                barcode: v.barcode,
                ean: v.ean,
                upc: v.upc,
                allow_backorder: v.allow_backorder,
                manage_inventory: v.manage_inventory,
                weight: v.weight,
                metadata: v.metadata.map(Some),
                variant_rank: v.variant_rank,
            },
            options: v.options.map(|o| o.into_iter().collect()),
        });
    }
    let input = UpdateProduct {
        title: b.title,
        subtitle: b.subtitle,
        description: b.description,
        handle: b.handle,
        status: product_status,
        is_giftcard: b.is_giftcard,
        discountable: b.discountable,
        thumbnail: b.thumbnail,
        weight: b.weight,
        collection_id: b.collection_id,
        type_id: b.type_id,
        external_id: b.external_id,
        metadata: b.metadata,
        images: b.images.map(|l| l.into_iter().map(|i| i.url).collect()),
        tag_ids: ids(b.tags),
        category_ids: ids(b.categories),
        sales_channel_ids: ids(b.sales_channels),
    };
    catalog.update_product(&path, input).await?;
    if b.options.is_some() || variants_present {
        let options = b.options.map(|entries| {
            entries
                .into_iter()
                .map(|o| OptionUpsert {
                    id: o.id,
                    title: o.title,
                    values: o.values,
                })
                .collect()
        });
        let sync = catalog
            .upsert_product_variants(&path, options, variants_present.then_some(upserts))
            .await?;
        for (variant_id, prices) in sync.variant_ids.iter().zip(variant_prices) {
            let created = sync.created.iter().any(|c| &c.id == variant_id);
            match prices {
                Some(p) => {
                    pricing.set_variant_prices(variant_id, p).await?;
                }
                // A new variant gets an (empty) price set, so price lists can price it.
                None if created => {
                    pricing.set_variant_prices(variant_id, Vec::new()).await?;
                }
                None => {}
            }
        }
        if sync.created.iter().any(|v| v.manage_inventory) {
            let inventory = state
                .registry
                .get::<dyn InventoryService>()
                .map_err(Error::internal)?;
            for v in sync.created.iter().filter(|v| v.manage_inventory) {
                crate::catalog::create_variant_inventory(inventory.as_ref(), v).await?;
            }
        }
    }
    Ok(response::one(
        "product",
        render_one(&state, &path, q.fields.as_deref()).await?,
    ))
}

/// Delete a product (and its variants).
#[utoipa::path(delete, path = "/admin/products/{id}", tag = "Admin",
    params(("id" = String, Path, description = "Product id")), security(("secret_key" = [])),
    responses((status = 200, description = "`{id, object: \"product\", deleted: true}`", body = Object),
        (status = 404, description = "No such product", body = crate::openapi::ErrorBody)))]
#[delete("/products/{id}")]
pub async fn remove(path: web::Path<String>, state: State) -> ApiResult<HttpResponse> {
    let catalog = state
        .registry
        .get::<dyn ProductService>()
        .map_err(Error::internal)?;
    catalog.delete_product(&path).await?;
    Ok(response::deleted(&path, "product", None))
}

/// A product's variants (the dashboard's product page).
#[utoipa::path(get, path = "/admin/products/{id}/variants", tag = "Admin",
    params(("id" = String, Path, description = "Product id")), security(("secret_key" = [])),
    responses((status = 200, description = "`{variants, count, offset, limit}`", body = Object)))]
#[get("/products/{id}/variants")]
pub async fn variants(
    req: HttpRequest,
    path: web::Path<String>,
    state: State,
) -> ApiResult<HttpResponse> {
    #[derive(Debug, Default, Deserialize)]
    struct Q {}
    const VLIST: ListConfig = ListConfig {
        default_limit: 50,
        orderable: &["variant_rank", "created_at", "title", "sku"],
    };
    let (params, _): (_, Q) = parse_list_query(req.query_string(), &VLIST)?;
    let catalog = state
        .registry
        .get::<dyn ProductService>()
        .map_err(Error::internal)?;
    let page = Page {
        limit: u64::from(params.limit),
        offset: u64::from(params.offset),
        order: None,
    };
    let (vars, count) = catalog
        .list_variants(None, Some(std::slice::from_ref(&*path)), None, &page)
        .await?;
    let ids: Vec<String> = vars.iter().map(|v| v.id.clone()).collect();
    let spec = FieldSpec::parse(
        params.fields.as_deref(),
        &[
            "id",
            "title",
            "sku",
            "barcode",
            "ean",
            "upc",
            "allow_backorder",
            "manage_inventory",
            "variant_rank",
            "product_id",
            "created_at",
            "updated_at",
            "deleted_at",
            "metadata",
            "*prices",
            "*options",
        ],
    );
    let prices = state
        .registry
        .get::<dyn PricingService>()
        .map_err(Error::internal)?
        .variant_prices(&ids)
        .await?;
    let options = catalog.variant_options(&ids).await?;
    let sel = spec.selection();
    let items = vars
        .into_iter()
        .map(|v| {
            let mut j = serde_json::to_value(&v).unwrap_or(Value::Null);
            j["prices"] = serde_json::to_value(prices.get(&v.id).cloned().unwrap_or_default())
                .unwrap_or(Value::Null);
            j["options"] = crate::catalog::variant_options_json(options.get(&v.id));
            sel.project(&mut j, &crate::catalog::VARIANT);
            j
        })
        .collect();
    Ok(response::list("variants", items, count, &params))
}

/// `POST /admin/products/:id/variants/:variant_id`.
#[derive(Debug, Deserialize, ToSchema)]
pub struct UpdateVariantBody {
    pub title: Option<String>,
    pub sku: Option<Option<String>>,
    pub ean: Option<Option<String>>,
    pub upc: Option<Option<String>>,
    pub barcode: Option<Option<String>>,
    pub allow_backorder: Option<bool>,
    pub manage_inventory: Option<bool>,
    pub variant_rank: Option<i32>,
    pub weight: Option<Option<f64>>,
    #[schema(value_type = Option<Object>)]
    pub metadata: Option<Option<Value>>,
    /// Replaces the variant's own prices when given.
    pub prices: Option<Vec<PriceBody>>,
}

/// Add a variant (with its prices) to a product; answers the product, as Medusa does.
#[utoipa::path(post, path = "/admin/products/{id}/variants", tag = "Admin", request_body = VariantBody,
    params(("id" = String, Path, description = "Product id")), security(("secret_key" = [])),
    responses((status = 200, description = "`{product}`", body = Object),
        (status = 400, description = "Invalid", body = crate::openapi::ErrorBody)))]
#[post("/products/{id}/variants")]
pub async fn create_variant(
    path: web::Path<String>,
    state: State,
    body: StrictJson<VariantBody>,
) -> ApiResult<HttpResponse> {
    let v = body.0;
    let prices = price_inputs(v.prices)?;
    let catalog = state
        .registry
        .get::<dyn ProductService>()
        .map_err(Error::internal)?;
    let variant = catalog
        .add_variant(
            &path,
            NewVariant {
                title: v.title,
                sku: v.sku,
                barcode: v.barcode,
                ean: v.ean,
                upc: v.upc,
                allow_backorder: v.allow_backorder.unwrap_or(false),
                manage_inventory: v.manage_inventory.unwrap_or(true),
                weight: v.weight,
                metadata: v.metadata,
                options: v.options.unwrap_or_default().into_iter().collect(),
            },
        )
        .await?;
    state
        .registry
        .get::<dyn PricingService>()
        .map_err(Error::internal)?
        .set_variant_prices(&variant.id, prices)
        .await?;
    if variant.manage_inventory {
        let inventory = state
            .registry
            .get::<dyn InventoryService>()
            .map_err(Error::internal)?;
        crate::catalog::create_variant_inventory(inventory.as_ref(), &variant).await?;
    }
    Ok(response::one(
        "product",
        render_one(&state, &path, None).await?,
    ))
}

/// Update a variant (and replace its prices when given).
#[utoipa::path(post, path = "/admin/products/{id}/variants/{variant_id}", tag = "Admin", request_body = UpdateVariantBody,
    params(("id" = String, Path, description = "Product id"), ("variant_id" = String, Path, description = "Variant id")),
    security(("secret_key" = [])),
    responses((status = 200, description = "`{product}`", body = Object),
        (status = 404, description = "Not found", body = crate::openapi::ErrorBody)))]
#[post("/products/{id}/variants/{variant_id}")]
pub async fn update_variant(
    path: web::Path<(String, String)>,
    state: State,
    body: StrictJson<UpdateVariantBody>,
) -> ApiResult<HttpResponse> {
    let (product_id, variant_id) = path.into_inner();
    let b = body.0;
    let prices = b.prices.map(price_inputs).transpose()?;
    let catalog = state
        .registry
        .get::<dyn ProductService>()
        .map_err(Error::internal)?;
    catalog
        .update_variant(
            &product_id,
            &variant_id,
            UpdateVariant {
                title: b.title,
                sku: b.sku,
                barcode: b.barcode,
                ean: b.ean,
                upc: b.upc,
                allow_backorder: b.allow_backorder,
                manage_inventory: b.manage_inventory,
                weight: b.weight,
                metadata: b.metadata,
                variant_rank: b.variant_rank,
            },
        )
        .await?;
    if let Some(prices) = prices {
        state
            .registry
            .get::<dyn PricingService>()
            .map_err(Error::internal)?
            .set_variant_prices(&variant_id, prices)
            .await?;
    }
    Ok(response::one(
        "product",
        render_one(&state, &product_id, None).await?,
    ))
}

/// Delete a variant; answers `{id, object: "variant", deleted: true, parent: product}`.
#[utoipa::path(delete, path = "/admin/products/{id}/variants/{variant_id}", tag = "Admin",
    params(("id" = String, Path, description = "Product id"), ("variant_id" = String, Path, description = "Variant id")),
    security(("secret_key" = [])),
    responses((status = 200, description = "deleted", body = Object),
        (status = 404, description = "Not found", body = crate::openapi::ErrorBody)))]
#[delete("/products/{id}/variants/{variant_id}")]
pub async fn delete_variant(
    path: web::Path<(String, String)>,
    state: State,
) -> ApiResult<HttpResponse> {
    let (product_id, variant_id) = path.into_inner();
    let catalog = state
        .registry
        .get::<dyn ProductService>()
        .map_err(Error::internal)?;
    catalog.delete_variant(&product_id, &variant_id).await?;
    let parent = render_one(&state, &product_id, None).await?;
    Ok(response::deleted(
        &variant_id,
        "variant",
        Some(("product", parent)),
    ))
}

/// `POST /admin/products/:id/options/:option_id`.
#[derive(Debug, Deserialize, ToSchema)]
pub struct UpdateOptionBody {
    pub title: Option<String>,
    /// Values to have; missing ones are added, existing ones are kept.
    pub values: Option<Vec<String>>,
}

/// Add an option with its values to a product.
#[utoipa::path(post, path = "/admin/products/{id}/options", tag = "Admin", request_body = OptionBody,
    params(("id" = String, Path, description = "Product id")), security(("secret_key" = [])),
    responses((status = 200, description = "`{product}`", body = Object),
        (status = 404, description = "Not found", body = crate::openapi::ErrorBody)))]
#[post("/products/{id}/options")]
pub async fn create_option(
    path: web::Path<String>,
    state: State,
    body: StrictJson<OptionBody>,
) -> ApiResult<HttpResponse> {
    let b = body.0;
    if b.title.trim().is_empty() {
        return Err(Error::invalid_data("Invalid request: Field 'title' is required").into());
    }
    let catalog = state
        .registry
        .get::<dyn ProductService>()
        .map_err(Error::internal)?;
    catalog.add_option(&path, &b.title, &b.values).await?;
    Ok(response::one(
        "product",
        render_one(&state, &path, None).await?,
    ))
}

/// Rename an option or add values to it.
#[utoipa::path(post, path = "/admin/products/{id}/options/{option_id}", tag = "Admin", request_body = UpdateOptionBody,
    params(("id" = String, Path, description = "Product id"), ("option_id" = String, Path, description = "Option id")),
    security(("secret_key" = [])),
    responses((status = 200, description = "`{product}`", body = Object),
        (status = 404, description = "Not found", body = crate::openapi::ErrorBody)))]
#[post("/products/{id}/options/{option_id}")]
pub async fn update_option(
    path: web::Path<(String, String)>,
    state: State,
    body: StrictJson<UpdateOptionBody>,
) -> ApiResult<HttpResponse> {
    let (product_id, option_id) = path.into_inner();
    let b = body.0;
    let catalog = state
        .registry
        .get::<dyn ProductService>()
        .map_err(Error::internal)?;
    catalog
        .update_option(
            &product_id,
            &option_id,
            b.title.as_deref(),
            &b.values.unwrap_or_default(),
        )
        .await?;
    Ok(response::one(
        "product",
        render_one(&state, &product_id, None).await?,
    ))
}

/// Delete an option (and the variants' values of it).
#[utoipa::path(delete, path = "/admin/products/{id}/options/{option_id}", tag = "Admin",
    params(("id" = String, Path, description = "Product id"), ("option_id" = String, Path, description = "Option id")),
    security(("secret_key" = [])),
    responses((status = 200, description = "deleted", body = Object),
        (status = 404, description = "Not found", body = crate::openapi::ErrorBody)))]
#[delete("/products/{id}/options/{option_id}")]
pub async fn delete_option(
    path: web::Path<(String, String)>,
    state: State,
) -> ApiResult<HttpResponse> {
    let (product_id, option_id) = path.into_inner();
    let catalog = state
        .registry
        .get::<dyn ProductService>()
        .map_err(Error::internal)?;
    catalog.delete_option(&product_id, &option_id).await?;
    let parent = render_one(&state, &product_id, None).await?;
    Ok(response::deleted(
        &option_id,
        "product_option",
        Some(("product", parent)),
    ))
}
