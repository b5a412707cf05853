//! `/admin/shipping-options`: list, create, retrieve, update, delete, and
//! `POST /admin/shipping-options/:id/rules/batch`.
//!
//! Prices by region are given as `{region_id, amount}`; the region's currency is looked up in
//! the region module here, above both modules.

use std::collections::HashMap;
use std::sync::Arc;

use actix_web::{HttpRequest, HttpResponse, delete, get, post, web};
use medusa_core::fields::FieldSpec;
use medusa_core::id::RegionId;
use medusa_core::request::{ListConfig, RetrieveParams, one_or_many, parse_list_query};
use medusa_core::{Amount, CurrencyCode, Error};
use medusa_fulfillment::{
    CreateShippingOption, FulfillmentError, FulfillmentService, NewPrice, NewRule,
    NewShippingOptionType, RuleBatch, ServiceZoneId, ShippingOption, ShippingOptionFilter,
    ShippingOptionId, ShippingOptionRuleId, ShippingProfileId, UpdateShippingOption,
};
use medusa_region::RegionService;
use serde::Deserialize;
use serde_json::{Map, Value, json};
use utoipa::{IntoParams, OpenApi, ToSchema};

use crate::error::ApiResult;
use crate::extract::{StrictJson, StrictQuery};
use crate::response;
use crate::routes::admin::regions::NoQuery;
use crate::routes::admin::shipping_profiles::service;
use crate::routes::store::regions::FieldsQuery;
use crate::shipping::{OPTION_SHAPE, admin_options_json, rule_json};
use crate::state::State;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(list)
        .service(create)
        .service(batch_rules)
        .service(retrieve)
        .service(update)
        .service(remove);
}

#[derive(OpenApi)]
#[openapi(
    paths(list, create, retrieve, update, remove, batch_rules),
    components(schemas(
        CreateShippingOptionBody,
        UpdateShippingOptionBody,
        OptionTypeBody,
        PriceBody,
        RuleBody,
        RuleBatchBody
    ))
)]
pub struct Api;

/// Medusa's `defaultAdminShippingOptionFields`.
const DEFAULT_FIELDS: &[&str] = &[
    "id",
    "name",
    "price_type",
    "data",
    "provider_id",
    "metadata",
    "created_at",
    "updated_at",
    "*rules",
    "*type",
    "*prices",
    "*prices.price_rules",
    "*service_zone",
    "*shipping_profile",
    "*provider",
];

const LIST: ListConfig = ListConfig {
    default_limit: 20,
    orderable: &["id", "name", "created_at", "updated_at"],
};

/// `GET /admin/shipping-options` filters (Medusa's `AdminGetShippingOptionsParams`).
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ShippingOptionQuery {
    #[serde(default, deserialize_with = "one_or_many")]
    #[param(value_type = Option<Vec<String>>)]
    pub id: Option<Vec<String>>,
    pub q: Option<String>,
    #[serde(default, deserialize_with = "one_or_many")]
    #[param(value_type = Option<Vec<String>>)]
    pub service_zone_id: Option<Vec<String>>,
    #[serde(default, deserialize_with = "one_or_many")]
    #[param(value_type = Option<Vec<String>>)]
    pub shipping_profile_id: Option<Vec<String>>,
    #[serde(default, deserialize_with = "one_or_many")]
    #[param(value_type = Option<Vec<String>>)]
    pub provider_id: Option<Vec<String>>,
    #[serde(default, deserialize_with = "one_or_many")]
    #[param(value_type = Option<Vec<String>>)]
    pub stock_location_id: Option<Vec<String>>,
    #[serde(default, deserialize_with = "one_or_many")]
    #[param(value_type = Option<Vec<String>>)]
    pub fulfillment_set_id: Option<Vec<String>>,
    pub limit: Option<u32>,
    pub offset: Option<u32>,
    pub order: Option<String>,
    pub fields: Option<String>,
    pub with_deleted: Option<bool>,
}

/// `type` of an option.
#[derive(Debug, Deserialize, ToSchema)]
pub struct OptionTypeBody {
    pub label: String,
    pub description: String,
    pub code: String,
}

/// `{currency_code, amount}` or `{region_id, amount}` (updates may add the price's `id`).
#[derive(Debug, Deserialize, ToSchema)]
pub struct PriceBody {
    pub id: Option<String>,
    pub currency_code: Option<String>,
    pub region_id: Option<String>,
    pub amount: Option<Amount>,
}

/// A rule: `{attribute, operator, value}` (updates and batch updates add `id`).
#[derive(Debug, Deserialize, ToSchema)]
pub struct RuleBody {
    pub id: Option<String>,
    pub attribute: String,
    /// `in`, `eq`, `ne`, `gt`, `gte`, `lt`, `lte`, `nin`.
    pub operator: String,
    /// A string or a list of strings.
    #[schema(value_type = Object)]
    pub value: Value,
}

/// `POST /admin/shipping-options` (Medusa's `AdminCreateShippingOption`).
#[derive(Debug, Deserialize, ToSchema)]
pub struct CreateShippingOptionBody {
    pub name: String,
    pub service_zone_id: String,
    pub shipping_profile_id: String,
    #[schema(value_type = Option<Object>)]
    pub data: Option<Map<String, Value>>,
    /// `flat` (or `calculated`, which the manual provider cannot price).
    pub price_type: String,
    pub provider_id: String,
    #[serde(rename = "type")]
    pub option_type: OptionTypeBody,
    pub prices: Vec<PriceBody>,
    pub rules: Option<Vec<RuleBody>>,
    #[schema(value_type = Option<Object>)]
    pub metadata: Option<Map<String, Value>>,
}

/// `POST /admin/shipping-options/:id`: lists given replace the option's.
#[derive(Debug, Deserialize, ToSchema)]
pub struct UpdateShippingOptionBody {
    pub name: Option<String>,
    #[schema(value_type = Option<Object>)]
    pub data: Option<Map<String, Value>>,
    pub price_type: Option<String>,
    pub provider_id: Option<String>,
    pub shipping_profile_id: Option<String>,
    pub service_zone_id: Option<String>,
    #[serde(rename = "type")]
    pub option_type: Option<OptionTypeBody>,
    pub prices: Option<Vec<PriceBody>>,
    pub rules: Option<Vec<RuleBody>>,
    #[schema(value_type = Option<Object>)]
    pub metadata: Option<Map<String, Value>>,
}

/// `POST /admin/shipping-options/:id/rules/batch`.
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct RuleBatchBody {
    #[serde(default)]
    pub create: Vec<RuleBody>,
    #[serde(default)]
    pub update: Vec<RuleBody>,
    #[serde(default)]
    pub delete: Vec<String>,
}

fn not_found(raw: &str) -> Error {
    Error::not_found(format!("ShippingOption with id: {raw} was not found"))
}

fn parse_id(raw: &str) -> Result<ShippingOptionId, Error> {
    ShippingOptionId::parse(raw).map_err(|_| not_found(raw))
}

fn zone_id(raw: &str) -> Result<ServiceZoneId, Error> {
    ServiceZoneId::parse(raw)
        .map_err(|_| Error::not_found(format!("ServiceZone with id: {raw} was not found")))
}

fn profile_id(raw: &str) -> Result<ShippingProfileId, Error> {
    ShippingProfileId::parse(raw)
        .map_err(|_| Error::not_found(format!("ShippingProfile with id: {raw} was not found")))
}

fn rule(r: RuleBody) -> NewRule {
    NewRule {
        attribute: r.attribute,
        operator: r.operator,
        value: r.value,
    }
}

/// The currencies of the regions prices name, in one lookup; unknown regions are a 404.
async fn region_currencies(
    state: &State,
    prices: &[PriceBody],
) -> ApiResult<HashMap<String, CurrencyCode>> {
    let raw: Vec<&str> = prices
        .iter()
        .filter_map(|p| p.region_id.as_deref())
        .collect();
    if raw.is_empty() {
        return Ok(HashMap::new());
    }
    let mut ids = Vec::new();
    for r in &raw {
        ids.push(
            RegionId::parse(r)
                .map_err(|_| Error::not_found(format!("Region with id: {r} not found")))?,
        );
    }
    let regions = state
        .registry
        .get::<dyn RegionService>()
        .map_err(Error::internal)?
        .lookup(&ids)
        .await?;
    let found: HashMap<String, CurrencyCode> = regions
        .into_iter()
        .map(|r| (r.region.id.to_string(), r.region.currency_code))
        .collect();
    if let Some(missing) = raw.iter().find(|r| !found.contains_key(**r)) {
        return Err(Error::not_found(format!("Region with id: {missing} not found")).into());
    }
    Ok(found)
}

/// Wire prices to the module's, merging `id`-named entries with the option's current price.
async fn prices(
    state: &State,
    body: Vec<PriceBody>,
    current: Option<&ShippingOption>,
) -> ApiResult<Vec<NewPrice>> {
    let currencies = region_currencies(state, &body).await?;
    let mut out = Vec::with_capacity(body.len());
    for p in body {
        let existing = match (&p.id, current) {
            (Some(id), Some(o)) => Some(
                o.prices
                    .iter()
                    .find(|x| x.id.as_str() == id)
                    .ok_or_else(|| Error::not_found(format!("Price with id: {id} not found")))?,
            ),
            (Some(id), None) => {
                return Err(Error::not_found(format!("Price with id: {id} not found")).into());
            }
            _ => None,
        };
        let amount = p.amount.or(existing.map(|e| e.amount)).ok_or_else(|| {
            Error::invalid_data("Invalid request: Field 'prices.amount' is required")
        })?;
        let (currency_code, region_id) = match (&p.currency_code, &p.region_id) {
            (Some(_), Some(_)) => {
                return Err(Error::invalid_data(
                    "Invalid request: a price has either a currency_code or a region_id",
                )
                .into());
            }
            (Some(c), None) => (
                CurrencyCode::parse(c.trim()).map_err(|_| {
                    Error::invalid_data(format!(
                        "Invalid request: '{c}' is not a valid currency code for field 'currency_code'"
                    ))
                })?,
                None,
            ),
            (None, Some(r)) => (
                currencies
                    .get(r)
                    .cloned()
                    .ok_or_else(|| Error::not_found(format!("Region with id: {r} not found")))?,
                RegionId::parse(r).ok(),
            ),
            (None, None) => match existing {
                Some(e) => (e.currency_code.clone(), e.region_id.clone()),
                None => {
                    return Err(Error::invalid_data(
                        "Invalid request: a price needs a currency_code or a region_id",
                    )
                    .into());
                }
            },
        };
        if amount.decimal().is_sign_negative() {
            return Err(Error::invalid_data(
                "Invalid request: Value for field 'prices.amount' must be zero or more",
            )
            .into());
        }
        out.push(NewPrice {
            currency_code,
            amount,
            region_id,
        });
    }
    Ok(out)
}

async fn render(
    svc: &dyn FulfillmentService,
    options: &[ShippingOption],
    fields: Option<&str>,
) -> ApiResult<Vec<Value>> {
    let selection = FieldSpec::parse(fields, DEFAULT_FIELDS).selection();
    let mut items = admin_options_json(svc, options).await?;
    for v in &mut items {
        selection.project(v, &OPTION_SHAPE);
    }
    Ok(items)
}

async fn one(
    svc: &dyn FulfillmentService,
    option: ShippingOption,
    fields: Option<&str>,
) -> ApiResult<HttpResponse> {
    let mut items = render(svc, std::slice::from_ref(&option), fields).await?;
    Ok(response::one(
        "shipping_option",
        items.pop().unwrap_or(Value::Null),
    ))
}

fn svc(state: &State) -> Result<Arc<dyn FulfillmentService>, Error> {
    service(state)
}

/// List shipping options.
#[utoipa::path(get, path = "/admin/shipping-options", tag = "Admin", params(ShippingOptionQuery),
    security(("secret_key" = [])),
    responses((status = 200, description = "`{shipping_options, count, offset, limit}`", body = Object),
        (status = 400, description = "Unknown or invalid query parameters", body = crate::openapi::ErrorBody)))]
#[get("/shipping-options")]
pub async fn list(req: HttpRequest, state: State) -> ApiResult<HttpResponse> {
    let (params, q): (_, ShippingOptionQuery) = parse_list_query(req.query_string(), &LIST)?;
    let filter = ShippingOptionFilter {
        ids: q.id.unwrap_or_default(),
        q: q.q,
        service_zone_ids: q.service_zone_id.unwrap_or_default(),
        shipping_profile_ids: q.shipping_profile_id.unwrap_or_default(),
        provider_ids: q.provider_id.unwrap_or_default(),
        fulfillment_set_ids: q.fulfillment_set_id.unwrap_or_default(),
        stock_location_ids: q.stock_location_id.unwrap_or_default(),
    };
    let svc = svc(&state)?;
    let (options, count) = svc
        .list_shipping_options(&filter, u64::from(params.offset), u64::from(params.limit))
        .await?;
    let items = render(svc.as_ref(), &options, params.fields.as_deref()).await?;
    Ok(response::list("shipping_options", items, count, &params))
}

/// Create a shipping option.
#[utoipa::path(post, path = "/admin/shipping-options", tag = "Admin", params(FieldsQuery),
    request_body = CreateShippingOptionBody, security(("secret_key" = [])),
    responses((status = 200, description = "`{shipping_option}`", body = Object),
        (status = 400, description = "Invalid body", body = crate::openapi::ErrorBody),
        (status = 404, description = "Unknown service zone, profile or region", body = crate::openapi::ErrorBody)))]
#[post("/shipping-options")]
pub async fn create(
    state: State,
    query: StrictQuery<RetrieveParams>,
    body: StrictJson<CreateShippingOptionBody>,
) -> ApiResult<HttpResponse> {
    let b = body.0;
    let input = CreateShippingOption {
        name: b.name,
        price_type: b.price_type,
        service_zone_id: zone_id(&b.service_zone_id)?,
        shipping_profile_id: profile_id(&b.shipping_profile_id)?,
        provider_id: b.provider_id,
        option_type: NewShippingOptionType {
            label: b.option_type.label,
            description: Some(b.option_type.description),
            code: b.option_type.code,
        },
        data: b.data.map(Value::Object),
        metadata: b.metadata.map(Value::Object),
        rules: b.rules.unwrap_or_default().into_iter().map(rule).collect(),
        prices: prices(&state, b.prices, None).await?,
    };
    let svc = svc(&state)?;
    let option = svc.create_shipping_option(input).await?;
    one(svc.as_ref(), option, query.0.fields.as_deref()).await
}

/// A shipping option.
#[utoipa::path(get, path = "/admin/shipping-options/{id}", tag = "Admin",
    params(("id" = String, Path, description = "Shipping option id (`so_...`)"), FieldsQuery),
    security(("secret_key" = [])),
    responses((status = 200, description = "`{shipping_option}`", body = Object),
        (status = 404, description = "No such option", body = crate::openapi::ErrorBody)))]
#[get("/shipping-options/{id}")]
pub async fn retrieve(
    path: web::Path<String>,
    state: State,
    query: StrictQuery<RetrieveParams>,
) -> ApiResult<HttpResponse> {
    let raw = path.into_inner();
    let id = parse_id(&raw)?;
    let svc = svc(&state)?;
    let option = svc
        .shipping_options(&[id.to_string()])
        .await?
        .pop()
        .ok_or_else(|| not_found(&raw))?;
    one(svc.as_ref(), option, query.0.fields.as_deref()).await
}

/// Update a shipping option.
#[utoipa::path(post, path = "/admin/shipping-options/{id}", tag = "Admin",
    params(("id" = String, Path, description = "Shipping option id (`so_...`)"), FieldsQuery),
    request_body = UpdateShippingOptionBody, security(("secret_key" = [])),
    responses((status = 200, description = "`{shipping_option}`", body = Object),
        (status = 400, description = "Invalid body", body = crate::openapi::ErrorBody),
        (status = 404, description = "No such option", body = crate::openapi::ErrorBody)))]
#[post("/shipping-options/{id}")]
pub async fn update(
    path: web::Path<String>,
    state: State,
    query: StrictQuery<RetrieveParams>,
    body: StrictJson<UpdateShippingOptionBody>,
) -> ApiResult<HttpResponse> {
    let raw = path.into_inner();
    let id = parse_id(&raw)?;
    let svc = svc(&state)?;
    let current = svc
        .shipping_options(&[id.to_string()])
        .await?
        .pop()
        .ok_or_else(|| not_found(&raw))?;
    let b = body.0;
    let new_prices = match b.prices {
        Some(p) => Some(prices(&state, p, Some(&current)).await?),
        None => None,
    };
    let input = UpdateShippingOption {
        name: b.name,
        price_type: b.price_type,
        service_zone_id: b.service_zone_id.as_deref().map(zone_id).transpose()?,
        shipping_profile_id: b
            .shipping_profile_id
            .as_deref()
            .map(profile_id)
            .transpose()?,
        provider_id: b.provider_id,
        option_type: b.option_type.map(|t| NewShippingOptionType {
            label: t.label,
            description: Some(t.description),
            code: t.code,
        }),
        data: b.data.map(|d| Some(Value::Object(d))),
        metadata: b.metadata.map(|m| Some(Value::Object(m))),
        rules: b.rules.map(|r| r.into_iter().map(rule).collect()),
        prices: new_prices,
    };
    let option = svc.update_shipping_option(&id, input).await?;
    one(svc.as_ref(), option, query.0.fields.as_deref()).await
}

/// Delete a shipping option.
#[utoipa::path(delete, path = "/admin/shipping-options/{id}", tag = "Admin",
    params(("id" = String, Path, description = "Shipping option id (`so_...`)")),
    security(("secret_key" = [])),
    responses((status = 200, description = "`{id, object: \"shipping_option\", deleted: true}`", body = Object)))]
#[delete("/shipping-options/{id}")]
pub async fn remove(
    path: web::Path<String>,
    state: State,
    _query: StrictQuery<NoQuery>,
) -> ApiResult<HttpResponse> {
    let raw = path.into_inner();
    // As Medusa's workflow: deleting an unknown option is a no-op.
    if let Ok(id) = ShippingOptionId::parse(&raw) {
        svc(&state)?.delete_shipping_option(&id).await?;
    }
    Ok(response::deleted(&raw, "shipping_option", None))
}

/// Create, update and delete an option's rules at once.
#[utoipa::path(post, path = "/admin/shipping-options/{id}/rules/batch", tag = "Admin",
    params(("id" = String, Path, description = "Shipping option id (`so_...`)")),
    request_body = RuleBatchBody, security(("secret_key" = [])),
    responses((status = 200, description = "`{created, updated, deleted: {ids, object, deleted}}`", body = Object),
        (status = 400, description = "Invalid rule", body = crate::openapi::ErrorBody),
        (status = 404, description = "No such option or rule", body = crate::openapi::ErrorBody)))]
#[post("/shipping-options/{id}/rules/batch")]
pub async fn batch_rules(
    path: web::Path<String>,
    state: State,
    _query: StrictQuery<RetrieveParams>,
    body: StrictJson<RuleBatchBody>,
) -> ApiResult<HttpResponse> {
    let raw = path.into_inner();
    let id = parse_id(&raw)?;
    let b = body.0;
    let mut updates = Vec::with_capacity(b.update.len());
    for r in b.update {
        let rid = r
            .id
            .clone()
            .ok_or_else(|| Error::invalid_data("Invalid request: Field 'update.id' is required"))?;
        let rid = ShippingOptionRuleId::parse(&rid).map_err(|_| {
            Error::not_found(format!("ShippingOptionRule with id: {rid} was not found"))
        })?;
        updates.push((rid, rule(r)));
    }
    if let Some(r) = b.create.iter().find(|r| r.id.is_some()) {
        return Err(Error::invalid_data(format!(
            "Invalid request: Unrecognized fields: 'create.id' ({})",
            r.id.as_deref().unwrap_or_default()
        ))
        .into());
    }
    let batch = RuleBatch {
        create: b.create.into_iter().map(rule).collect(),
        update: updates,
        delete: b.delete,
    };
    let out = svc(&state)?
        .batch_rules(&id, batch)
        .await
        .map_err(|e| match e {
            FulfillmentError::OptionNotFound(_) => not_found(&raw),
            other => other.into(),
        })?;
    Ok(HttpResponse::Ok().json(json!({
        "created": out.created.iter().map(rule_json).collect::<Vec<_>>(),
        "updated": out.updated.iter().map(rule_json).collect::<Vec<_>>(),
        "deleted": {
            "ids": out.deleted,
            "object": "shipping_option_rule",
            "deleted": true,
        },
    })))
}
