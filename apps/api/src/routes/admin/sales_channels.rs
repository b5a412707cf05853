//! `/admin/sales-channels`: list, create, retrieve, update, delete.
//!
//! Deleting a channel also drops its publishable-key links (Medusa dismisses the channel's
//! links in `deleteSalesChannelsWorkflow`); that spans two modules, so it happens here.

use std::collections::BTreeSet;
use std::sync::Arc;

use actix_web::{HttpRequest, HttpResponse, delete, get, post, web};
use chrono::{DateTime, Utc};
use medusa_api_key::ApiKeyService;
use medusa_core::Error;
use medusa_core::fields::Shape;
use medusa_core::id::{ApiKeyId, SalesChannelId};
use medusa_core::request::{Comparison, ListConfig, RetrieveParams, one_or_many, parse_list_query};
use medusa_core::time::to_js as timestamp;
use medusa_sales_channel::{
    CreateSalesChannel, SalesChannel, SalesChannelError, SalesChannelFilter, SalesChannelService,
    UpdateSalesChannel,
};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use utoipa::{IntoParams, OpenApi, ToSchema};

use crate::error::ApiResult;
use crate::extract::{StrictJson, StrictQuery};
use crate::response;
use crate::routes::admin::regions::{NoQuery, nullable};
use crate::routes::store::regions::FieldsQuery;
use crate::state::State;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(list)
        .service(create)
        .service(retrieve)
        .service(update)
        .service(remove);
}

#[derive(OpenApi)]
#[openapi(
    paths(list, create, retrieve, update, remove),
    components(schemas(
        SalesChannelBody,
        CreateSalesChannelBody,
        UpdateSalesChannelBody,
        SalesChannelList,
        SalesChannelOne,
        SalesChannelDeleted
    ))
)]
pub struct Api;

/// Medusa's `defaultAdminSalesChannelFields`.
const DEFAULT_FIELDS: &[&str] = &[
    "id",
    "name",
    "description",
    "is_disabled",
    "created_at",
    "updated_at",
    "deleted_at",
    "metadata",
];

const LIST: ListConfig = ListConfig {
    default_limit: 20,
    orderable: &[
        "id",
        "name",
        "description",
        "is_disabled",
        "created_at",
        "updated_at",
    ],
};

static SHAPE: Shape = Shape::LEAF;

/// A sales channel.
#[derive(Debug, Serialize, ToSchema)]
pub struct SalesChannelBody {
    pub id: String,
    pub name: String,
    pub description: Option<String>,
    pub is_disabled: bool,
    pub metadata: Option<Value>,
    pub created_at: String,
    pub updated_at: String,
    pub deleted_at: Option<String>,
}

pub(crate) fn channel_body(c: SalesChannel) -> SalesChannelBody {
    SalesChannelBody {
        id: c.id.into_string(),
        name: c.name,
        description: c.description,
        is_disabled: c.is_disabled,
        metadata: c.metadata,
        created_at: timestamp(&c.created_at),
        updated_at: timestamp(&c.updated_at),
        deleted_at: c.deleted_at.as_ref().map(timestamp),
    }
}

/// `GET /admin/sales-channels` filters (Medusa's `AdminGetSalesChannelsParams`).
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SalesChannelQuery {
    /// Case-insensitive search in the name and description.
    pub q: Option<String>,
    #[serde(default, deserialize_with = "one_or_many")]
    #[param(value_type = Option<Vec<String>>)]
    pub id: Option<Vec<String>>,
    #[serde(default, deserialize_with = "one_or_many")]
    #[param(value_type = Option<Vec<String>>)]
    pub name: Option<Vec<String>>,
    pub description: Option<String>,
    pub is_disabled: Option<bool>,
    /// Channels linked to these publishable keys.
    #[serde(default, deserialize_with = "one_or_many")]
    #[param(value_type = Option<Vec<String>>)]
    pub publishable_key_id: Option<Vec<String>>,
    #[param(value_type = Option<Object>, style = DeepObject)]
    pub created_at: Option<Comparison<DateTime<Utc>>>,
    #[param(value_type = Option<Object>, style = DeepObject)]
    pub updated_at: Option<Comparison<DateTime<Utc>>>,
    #[param(value_type = Option<Object>, style = DeepObject)]
    pub deleted_at: Option<Comparison<DateTime<Utc>>>,
    /// Page size (default 20, at most 1000).
    pub limit: Option<u32>,
    pub offset: Option<u32>,
    pub order: Option<String>,
    pub fields: Option<String>,
    pub with_deleted: Option<bool>,
}

/// `POST /admin/sales-channels`.
#[derive(Debug, Deserialize, ToSchema)]
pub struct CreateSalesChannelBody {
    pub name: String,
    pub description: Option<String>,
    /// Default `false`.
    pub is_disabled: Option<bool>,
    #[schema(value_type = Option<Object>)]
    pub metadata: Option<Map<String, Value>>,
}

/// `POST /admin/sales-channels/:id`.
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct UpdateSalesChannelBody {
    pub name: Option<String>,
    /// A string, or `null` to clear.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub description: Option<Option<String>>,
    pub is_disabled: Option<bool>,
    /// An object, or `null` to clear.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<Object>)]
    pub metadata: Option<Option<Map<String, Value>>>,
}

/// `{sales_channels, count, offset, limit}`.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct SalesChannelList {
    sales_channels: Vec<SalesChannelBody>,
    count: u64,
    offset: u32,
    limit: u32,
}

/// `{sales_channel}`.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct SalesChannelOne {
    sales_channel: SalesChannelBody,
}

/// `{id, object: "sales-channel", deleted: true}`.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct SalesChannelDeleted {
    id: String,
    object: String,
    deleted: bool,
}

fn service(state: &State) -> Result<Arc<dyn SalesChannelService>, Error> {
    state
        .registry
        .get::<dyn SalesChannelService>()
        .map_err(Error::internal)
}

fn keys(state: &State) -> Result<Arc<dyn ApiKeyService>, Error> {
    state
        .registry
        .get::<dyn ApiKeyService>()
        .map_err(Error::internal)
}

fn render(channels: Vec<SalesChannel>, fields: Option<&str>) -> ApiResult<Vec<Value>> {
    let selection = medusa_core::fields::FieldSpec::parse(fields, DEFAULT_FIELDS).selection();
    channels
        .into_iter()
        .map(|c| {
            let mut v = serde_json::to_value(channel_body(c)).map_err(Error::internal)?;
            selection.project(&mut v, &SHAPE);
            Ok(v)
        })
        .collect()
}

fn one(channel: SalesChannel, fields: Option<&str>) -> ApiResult<HttpResponse> {
    let mut items = render(vec![channel], fields)?;
    Ok(response::one(
        "sales_channel",
        items.pop().unwrap_or(Value::Null),
    ))
}

/// List sales channels.
#[utoipa::path(
    get,
    path = "/admin/sales-channels",
    tag = "Admin",
    params(SalesChannelQuery),
    security(("secret_key" = [])),
    responses(
        (status = 200, description = "A page of sales channels", body = SalesChannelList),
        (status = 400, description = "Unknown or invalid query parameters", body = crate::openapi::ErrorBody)
    )
)]
#[get("/sales-channels")]
pub async fn list(req: HttpRequest, state: State) -> ApiResult<HttpResponse> {
    let (params, q): (_, SalesChannelQuery) = parse_list_query(req.query_string(), &LIST)?;
    let mut ids: Option<BTreeSet<String>> = q.id.map(|ids| ids.into_iter().collect());
    if let Some(key_ids) = q.publishable_key_id {
        // The link lives in the api-key module: the keys' channels restrict the listing.
        let key_ids: Vec<ApiKeyId> = key_ids
            .iter()
            .filter_map(|k| ApiKeyId::parse(k).ok())
            .collect();
        let linked: BTreeSet<String> = keys(&state)?
            .sales_channels_of(&key_ids)
            .await?
            .into_values()
            .flatten()
            .map(String::from)
            .collect();
        ids = Some(match ids {
            Some(given) => given.intersection(&linked).cloned().collect(),
            None => linked,
        });
    }
    let filter = SalesChannelFilter {
        ids: ids.map(|ids| {
            ids.iter()
                .filter_map(|i| SalesChannelId::parse(i).ok())
                .collect()
        }),
        q: q.q,
        names: q.name,
        description: q.description,
        is_disabled: q.is_disabled,
        created_at: q.created_at,
        updated_at: q.updated_at,
        deleted_at: q.deleted_at,
        with_deleted: params.with_deleted,
    };
    let (channels, count) = service(&state)?.list(&filter, &params).await?;
    let items = render(channels, params.fields.as_deref())?;
    Ok(response::list("sales_channels", items, count, &params))
}

/// Create a sales channel.
#[utoipa::path(
    post,
    path = "/admin/sales-channels",
    tag = "Admin",
    params(FieldsQuery),
    request_body = CreateSalesChannelBody,
    security(("secret_key" = [])),
    responses(
        (status = 200, description = "The new sales channel", body = SalesChannelOne),
        (status = 400, description = "Invalid body", body = crate::openapi::ErrorBody)
    )
)]
#[post("/sales-channels")]
pub async fn create(
    state: State,
    query: StrictQuery<RetrieveParams>,
    body: StrictJson<CreateSalesChannelBody>,
) -> ApiResult<HttpResponse> {
    let b = body.0;
    let channel = service(&state)?
        .create(CreateSalesChannel {
            name: b.name,
            description: b.description,
            is_disabled: b.is_disabled,
            metadata: b.metadata.map(Value::Object),
        })
        .await?;
    one(channel, query.0.fields.as_deref())
}

/// A sales channel.
#[utoipa::path(
    get,
    path = "/admin/sales-channels/{id}",
    tag = "Admin",
    params(("id" = String, Path, description = "Sales channel id (`sc_...`)"), FieldsQuery),
    security(("secret_key" = [])),
    responses(
        (status = 200, description = "The sales channel", body = SalesChannelOne),
        (status = 404, description = "No such sales channel", body = crate::openapi::ErrorBody)
    )
)]
#[get("/sales-channels/{id}")]
pub async fn retrieve(
    path: web::Path<String>,
    state: State,
    query: StrictQuery<RetrieveParams>,
) -> ApiResult<HttpResponse> {
    let raw = path.into_inner();
    let not_found = || Error::not_found(format!("Sales channel with id: {raw} not found"));
    let id = SalesChannelId::parse(&raw).map_err(|_| not_found())?;
    let channel = service(&state)?.retrieve(&id).await.map_err(|e| match e {
        SalesChannelError::NotFound(_) => not_found(),
        other => other.into(),
    })?;
    one(channel, query.0.fields.as_deref())
}

/// Update a sales channel.
#[utoipa::path(
    post,
    path = "/admin/sales-channels/{id}",
    tag = "Admin",
    params(("id" = String, Path, description = "Sales channel id (`sc_...`)"), FieldsQuery),
    request_body = UpdateSalesChannelBody,
    security(("secret_key" = [])),
    responses(
        (status = 200, description = "The updated sales channel", body = SalesChannelOne),
        (status = 400, description = "Invalid body", body = crate::openapi::ErrorBody),
        (status = 404, description = "No such sales channel", body = crate::openapi::ErrorBody)
    )
)]
#[post("/sales-channels/{id}")]
pub async fn update(
    path: web::Path<String>,
    state: State,
    query: StrictQuery<RetrieveParams>,
    body: StrictJson<UpdateSalesChannelBody>,
) -> ApiResult<HttpResponse> {
    let raw = path.into_inner();
    let not_found = || Error::not_found(format!("Sales channel with id \"{raw}\" not found"));
    let id = SalesChannelId::parse(&raw).map_err(|_| not_found())?;
    let b = body.0;
    let channel = service(&state)?
        .update(
            &id,
            UpdateSalesChannel {
                name: b.name,
                description: b.description,
                is_disabled: b.is_disabled,
                metadata: b.metadata.map(|m| m.map(Value::Object)),
            },
        )
        .await
        .map_err(|e| match e {
            SalesChannelError::NotFound(_) => not_found(),
            other => other.into(),
        })?;
    one(channel, query.0.fields.as_deref())
}

/// Delete a sales channel and its publishable-key links.
#[utoipa::path(
    delete,
    path = "/admin/sales-channels/{id}",
    tag = "Admin",
    params(("id" = String, Path, description = "Sales channel id (`sc_...`)")),
    security(("secret_key" = [])),
    responses((status = 200, description = "Deleted (also when it did not exist, as in Medusa)", body = SalesChannelDeleted))
)]
#[delete("/sales-channels/{id}")]
pub async fn remove(
    path: web::Path<String>,
    state: State,
    _query: StrictQuery<NoQuery>,
) -> ApiResult<HttpResponse> {
    let raw = path.into_inner();
    if let Ok(id) = SalesChannelId::parse(&raw) {
        service(&state)?.delete(&id).await?;
        // Also when the channel was already gone: a link to it is dangling either way.
        keys(&state)?
            .forget_sales_channels(std::slice::from_ref(&id))
            .await?;
    }
    Ok(response::deleted(&raw, "sales-channel", None))
}
