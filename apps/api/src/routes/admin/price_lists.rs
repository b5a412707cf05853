//! `/admin/price-lists` and `/admin/price-preferences`.

use std::collections::BTreeMap;

use actix_web::{HttpRequest, HttpResponse, delete, get, post, web};
use chrono::{DateTime, Utc};
use medusa_core::Error;
use medusa_core::money::{Amount, CurrencyCode};
use medusa_core::request::{ListConfig, parse_list_query};
use medusa_pricing::{
    NewPriceList, PriceInput, PriceList, PriceListBatch, PriceListPrice, PriceListStatus,
    PriceListType, PriceUpdate, PricingService, UpdatePriceList,
};
use medusa_product::{ProductService, Want};
use serde::{Deserialize, Deserializer};
use serde_json::{Value, json};
use utoipa::{OpenApi, ToSchema};

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
        .service(batch_prices)
        .service(remove_products)
        .service(preference);
}

#[derive(OpenApi)]
#[openapi(
    paths(
        list,
        create,
        retrieve,
        update,
        remove,
        batch_prices,
        remove_products,
        preference
    ),
    components(schemas(
        CreatePriceListBody,
        UpdatePriceListBody,
        BatchPricesBody,
        RemoveProductsBody,
        PricePreferenceBody
    ))
)]
pub struct Api;

const LIST: ListConfig = ListConfig {
    default_limit: 50,
    orderable: &["created_at", "title"],
};

#[derive(Debug, Deserialize, ToSchema)]
pub struct PriceListPriceBody {
    pub variant_id: String,
    pub currency_code: String,
    #[schema(value_type = f64)]
    pub amount: Amount,
    pub min_quantity: Option<i64>,
    pub max_quantity: Option<i64>,
    pub rules: Option<BTreeMap<String, String>>,
}

/// `POST /admin/price-lists`.
#[derive(Debug, Deserialize, ToSchema)]
pub struct CreatePriceListBody {
    pub title: String,
    pub description: String,
    /// `sale` (default) or `override`.
    #[serde(rename = "type")]
    pub list_type: Option<String>,
    /// `active` or `draft` (default).
    pub status: Option<String>,
    pub starts_at: Option<DateTime<Utc>>,
    pub ends_at: Option<DateTime<Utc>>,
    /// Attribute -> accepted values, e.g. `{"customer.groups.id": ["cusgroup_..."]}`.
    pub rules: Option<BTreeMap<String, Vec<String>>>,
    pub prices: Option<Vec<PriceListPriceBody>>,
}

/// `POST /admin/price-preferences`.
#[derive(Debug, Deserialize, ToSchema)]
pub struct PricePreferenceBody {
    /// `currency_code` or `region_id`.
    pub attribute: String,
    pub value: String,
    pub is_tax_inclusive: Option<bool>,
}

fn svc(state: &State) -> ApiResult<std::sync::Arc<dyn PricingService>> {
    Ok(state
        .registry
        .get::<dyn PricingService>()
        .map_err(Error::internal)?)
}

/// List price lists.
#[utoipa::path(get, path = "/admin/price-lists", tag = "Admin", security(("secret_key" = [])),
    responses((status = 200, description = "`{price_lists, count, offset, limit}`", body = Object)))]
#[get("/price-lists")]
pub async fn list(req: HttpRequest, state: State) -> ApiResult<HttpResponse> {
    #[derive(Debug, Default, Deserialize)]
    struct Q {}
    let (params, _): (_, Q) = parse_list_query(req.query_string(), &LIST)?;
    let pricing = svc(&state)?;
    let lists = pricing.list_price_lists().await?;
    let count = lists.len() as u64;
    let mut items = Vec::new();
    // Medusa's list embeds each list's prices; the admin pages are small, so one query set per
    // list is fine here.
    for l in lists
        .iter()
        .skip(params.offset as usize)
        .take(params.limit as usize)
    {
        let (price_list, prices) = pricing.price_list(&l.id).await?;
        items.push(price_list_json(&price_list, &prices)?);
    }
    Ok(response::list("price_lists", items, count, &params))
}

/// Create a price list with its prices.
#[utoipa::path(post, path = "/admin/price-lists", tag = "Admin", request_body = CreatePriceListBody, security(("secret_key" = [])),
    responses((status = 200, description = "`{price_list}`", body = Object), (status = 400, description = "Invalid", body = crate::openapi::ErrorBody)))]
#[post("/price-lists")]
pub async fn create(
    state: State,
    body: StrictJson<CreatePriceListBody>,
) -> ApiResult<HttpResponse> {
    let b = body.0;
    let list_type = list_type(b.list_type.as_deref())?.unwrap_or(PriceListType::Sale);
    let status = list_status(b.status.as_deref())?.unwrap_or(PriceListStatus::Draft);
    let prices = b
        .prices
        .unwrap_or_default()
        .into_iter()
        .map(price_input)
        .collect::<ApiResult<Vec<_>>>()?;
    let pricing = svc(&state)?;
    let created = pricing
        .create_price_list(NewPriceList {
            title: b.title,
            description: b.description,
            list_type,
            status,
            starts_at: b.starts_at,
            ends_at: b.ends_at,
            rules: b.rules.unwrap_or_default(),
            prices,
        })
        .await?;
    Ok(response::one(
        "price_list",
        fetch(pricing.as_ref(), &created.id).await?,
    ))
}

/// A price list.
#[utoipa::path(get, path = "/admin/price-lists/{id}", tag = "Admin", params(("id" = String, Path, description = "Price list id")), security(("secret_key" = [])),
    responses((status = 200, description = "`{price_list}`", body = Object), (status = 404, description = "Not found", body = crate::openapi::ErrorBody)))]
#[get("/price-lists/{id}")]
pub async fn retrieve(path: web::Path<String>, state: State) -> ApiResult<HttpResponse> {
    Ok(response::one(
        "price_list",
        fetch(svc(&state)?.as_ref(), &path).await?,
    ))
}

/// Set whether prices are tax-inclusive for a currency or a region.
#[utoipa::path(post, path = "/admin/price-preferences", tag = "Admin", request_body = PricePreferenceBody, security(("secret_key" = [])),
    responses((status = 200, description = "`{price_preference}`", body = Object)))]
#[post("/price-preferences")]
pub async fn preference(
    state: State,
    body: StrictJson<PricePreferenceBody>,
) -> ApiResult<HttpResponse> {
    let b = body.0;
    let inclusive = b.is_tax_inclusive.unwrap_or(false);
    svc(&state)?
        .set_price_preference(&b.attribute, &b.value, inclusive)
        .await?;
    Ok(response::one(
        "price_preference",
        json!({"attribute": b.attribute, "value": b.value, "is_tax_inclusive": inclusive}),
    ))
}

/// `POST /admin/price-lists/:id` (Medusa's `AdminUpdatePriceList`).
#[derive(Debug, Deserialize, ToSchema)]
pub struct UpdatePriceListBody {
    pub title: Option<String>,
    /// `null` keeps the description.
    #[serde(default, deserialize_with = "nullable")]
    pub description: Option<Option<String>>,
    /// `null` clears the date.
    #[serde(default, deserialize_with = "nullable")]
    pub starts_at: Option<Option<DateTime<Utc>>>,
    #[serde(default, deserialize_with = "nullable")]
    pub ends_at: Option<Option<DateTime<Utc>>>,
    pub status: Option<String>,
    #[serde(rename = "type")]
    pub list_type: Option<String>,
    /// Replaces the list's rules.
    pub rules: Option<BTreeMap<String, Vec<String>>>,
}

/// One entry of `update` in `POST /admin/price-lists/:id/prices/batch`.
#[derive(Debug, Deserialize, ToSchema)]
pub struct UpdatePriceListPriceBody {
    pub id: String,
    pub variant_id: String,
    pub currency_code: Option<String>,
    #[schema(value_type = Option<f64>)]
    pub amount: Option<Amount>,
    #[serde(default, deserialize_with = "nullable")]
    pub min_quantity: Option<Option<i64>>,
    #[serde(default, deserialize_with = "nullable")]
    pub max_quantity: Option<Option<i64>>,
    pub rules: Option<BTreeMap<String, String>>,
}

/// `POST /admin/price-lists/:id/prices/batch`.
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct BatchPricesBody {
    pub create: Option<Vec<PriceListPriceBody>>,
    pub update: Option<Vec<UpdatePriceListPriceBody>>,
    /// Price ids.
    pub delete: Option<Vec<String>>,
}

/// `POST /admin/price-lists/:id/products` (Medusa's `AdminRemoveProductsPriceList`).
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct RemoveProductsBody {
    /// Product ids whose prices leave the list.
    pub remove: Option<Vec<String>>,
}

/// `Some(None)` for an explicit `null`, `None` when the key is absent (with `#[serde(default)]`).
fn nullable<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
    d: D,
) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(d).map(Some)
}

fn list_type(t: Option<&str>) -> ApiResult<Option<PriceListType>> {
    t.map(|t| {
        PriceListType::parse(t).ok_or_else(|| {
            Error::invalid_data(format!(
                "Invalid request: Expected: 'sale, override' for field 'type', but got: '{t}'"
            ))
            .into()
        })
    })
    .transpose()
}

fn list_status(s: Option<&str>) -> ApiResult<Option<PriceListStatus>> {
    match s {
        None => Ok(None),
        Some("draft") => Ok(Some(PriceListStatus::Draft)),
        Some("active") => Ok(Some(PriceListStatus::Active)),
        Some(s) => Err(Error::invalid_data(format!(
            "Invalid request: Expected: 'active, draft' for field 'status', but got: '{s}'"
        ))
        .into()),
    }
}

fn currency_code(code: &str) -> ApiResult<CurrencyCode> {
    Ok(CurrencyCode::parse(code).map_err(|e| Error::invalid_data(e.to_string()))?)
}

/// Checks an amount the way product prices are checked: not negative, and exact in the
/// currency's minor unit (12.345 EUR is refused).
fn check_amount(amount: &Amount, currency: &CurrencyCode) -> ApiResult<()> {
    if amount.decimal().is_sign_negative() {
        return Err(Error::invalid_data(
            "Invalid request: Value for field 'amount' too small, expected at least: '0'",
        )
        .into());
    }
    amount
        .to_minor(currency)
        .map_err(|e| Error::invalid_data(e.to_string()))?;
    Ok(())
}

fn price_input(p: PriceListPriceBody) -> ApiResult<(String, PriceInput)> {
    let currency_code = currency_code(&p.currency_code)?;
    check_amount(&p.amount, &currency_code)?;
    Ok((
        p.variant_id,
        PriceInput {
            amount: p.amount,
            currency_code,
            min_quantity: p.min_quantity,
            max_quantity: p.max_quantity,
            rules: p.rules.unwrap_or_default(),
        },
    ))
}

/// A price list as Medusa's admin answers it: its fields, `rules` and its `prices`.
fn price_list_json(price_list: &PriceList, prices: &[PriceListPrice]) -> ApiResult<Value> {
    let mut j = serde_json::to_value(price_list).map_err(Error::internal)?;
    j["deleted_at"] = Value::Null;
    j["prices"] = serde_json::to_value(prices).map_err(Error::internal)?;
    Ok(j)
}

async fn fetch(pricing: &dyn PricingService, id: &str) -> ApiResult<Value> {
    let (price_list, prices) = pricing.price_list(id).await?;
    price_list_json(&price_list, &prices)
}

/// Update a price list's fields and rules.
#[utoipa::path(post, path = "/admin/price-lists/{id}", tag = "Admin", request_body = UpdatePriceListBody,
    params(("id" = String, Path, description = "Price list id")), security(("secret_key" = [])),
    responses((status = 200, description = "`{price_list}`", body = Object),
        (status = 400, description = "Invalid", body = crate::openapi::ErrorBody),
        (status = 404, description = "Not found", body = crate::openapi::ErrorBody)))]
#[post("/price-lists/{id}")]
pub async fn update(
    path: web::Path<String>,
    state: State,
    body: StrictJson<UpdatePriceListBody>,
) -> ApiResult<HttpResponse> {
    let b = body.0;
    let pricing = svc(&state)?;
    pricing
        .update_price_list(
            &path,
            UpdatePriceList {
                title: b.title,
                description: b.description.flatten(),
                list_type: list_type(b.list_type.as_deref())?,
                status: list_status(b.status.as_deref())?,
                starts_at: b.starts_at,
                ends_at: b.ends_at,
                rules: b.rules,
            },
        )
        .await?;
    Ok(response::one(
        "price_list",
        fetch(pricing.as_ref(), &path).await?,
    ))
}

/// Delete a price list (its prices stop applying at once).
#[utoipa::path(delete, path = "/admin/price-lists/{id}", tag = "Admin",
    params(("id" = String, Path, description = "Price list id")), security(("secret_key" = [])),
    responses((status = 200, description = "`{id, object: \"price_list\", deleted: true}`", body = Object),
        (status = 404, description = "Not found", body = crate::openapi::ErrorBody)))]
#[delete("/price-lists/{id}")]
pub async fn remove(path: web::Path<String>, state: State) -> ApiResult<HttpResponse> {
    svc(&state)?.delete_price_list(&path).await?;
    Ok(response::deleted(&path, "price_list", None))
}

/// Create, update and delete a price list's prices.
#[utoipa::path(post, path = "/admin/price-lists/{id}/prices/batch", tag = "Admin", request_body = BatchPricesBody,
    params(("id" = String, Path, description = "Price list id")), security(("secret_key" = [])),
    responses((status = 200, description = "`{created, updated, deleted: {ids, object: \"price\", deleted: true}}`", body = Object),
        (status = 400, description = "Invalid", body = crate::openapi::ErrorBody),
        (status = 404, description = "Not found", body = crate::openapi::ErrorBody)))]
#[post("/price-lists/{id}/prices/batch")]
pub async fn batch_prices(
    path: web::Path<String>,
    state: State,
    body: StrictJson<BatchPricesBody>,
) -> ApiResult<HttpResponse> {
    let b = body.0;
    let to_create = b
        .create
        .unwrap_or_default()
        .into_iter()
        .map(price_input)
        .collect::<ApiResult<Vec<_>>>()?;
    let mut to_update = Vec::new();
    for u in b.update.unwrap_or_default() {
        let code = u.currency_code.as_deref().map(currency_code).transpose()?;
        if let (Some(amount), Some(code)) = (&u.amount, &code) {
            check_amount(amount, code)?;
        } else if let Some(amount) = &u.amount
            && amount.decimal().is_sign_negative()
        {
            return Err(Error::invalid_data(
                "Invalid request: Value for field 'amount' too small, expected at least: '0'",
            )
            .into());
        }
        to_update.push(PriceUpdate {
            id: u.id,
            variant_id: u.variant_id,
            currency_code: code,
            amount: u.amount,
            min_quantity: u.min_quantity,
            max_quantity: u.max_quantity,
            rules: u.rules,
        });
    }
    let to_delete = b.delete.unwrap_or_default();
    let (created, updated) = svc(&state)?
        .batch_price_list_prices(
            &path,
            PriceListBatch {
                create: to_create,
                update: to_update,
                delete: to_delete.clone(),
            },
        )
        .await?;
    Ok(HttpResponse::Ok().json(json!({
        "created": created,
        "updated": updated,
        "deleted": {"ids": to_delete, "object": "price", "deleted": true},
    })))
}

/// Remove products' prices from a price list (adding goes through `prices/batch`).
#[utoipa::path(post, path = "/admin/price-lists/{id}/products", tag = "Admin", request_body = RemoveProductsBody,
    params(("id" = String, Path, description = "Price list id")), security(("secret_key" = [])),
    responses((status = 200, description = "`{price_list}`", body = Object),
        (status = 400, description = "Invalid", body = crate::openapi::ErrorBody),
        (status = 404, description = "Not found", body = crate::openapi::ErrorBody)))]
#[post("/price-lists/{id}/products")]
pub async fn remove_products(
    path: web::Path<String>,
    state: State,
    body: StrictJson<RemoveProductsBody>,
) -> ApiResult<HttpResponse> {
    let product_ids = body.0.remove.unwrap_or_default();
    if product_ids.is_empty() {
        return Err(Error::invalid_data("No product ids passed to remove from price list").into());
    }
    let pricing = svc(&state)?;
    // 404 for an unknown list before anything else, as Medusa's final fetch would.
    pricing.price_list(&path).await?;
    let catalog = state
        .registry
        .get::<dyn ProductService>()
        .map_err(Error::internal)?;
    let products = catalog.products_by_id(&product_ids).await?;
    let relations = catalog
        .relations(
            &products,
            Want {
                variants: true,
                ..Default::default()
            },
        )
        .await?;
    let variant_ids: Vec<String> = relations
        .variants
        .into_values()
        .flatten()
        .map(|v| v.id)
        .collect();
    let price_ids = pricing.price_list_price_ids(&path, &variant_ids).await?;
    if !price_ids.is_empty() {
        pricing
            .batch_price_list_prices(
                &path,
                PriceListBatch {
                    delete: price_ids,
                    ..Default::default()
                },
            )
            .await?;
    }
    Ok(response::one(
        "price_list",
        fetch(pricing.as_ref(), &path).await?,
    ))
}
