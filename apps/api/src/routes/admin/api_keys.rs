//! `/admin/api-keys`: list, create, retrieve, update, delete, revoke, and the sales channels of
//! publishable keys.
//!
//! A secret key's token is in the response of its creation only; afterwards `token` is `""`
//! (only a hash is stored). Keys embed their sales channels (`sales_channels.id`,
//! `sales_channels.name` by default), read from the sales-channel module in one batch.

use std::collections::HashMap;
use std::sync::Arc;

use actix_web::{HttpRequest, HttpResponse, delete, get, post, web};
use chrono::{DateTime, Duration, Utc};
use medusa_api_key::{ApiKey, ApiKeyError, ApiKeyFilter, ApiKeyService, ApiKeyType};
use medusa_core::Error;
use medusa_core::fields::{FieldSpec, Shape};
use medusa_core::id::{ApiKeyId, SalesChannelId};
use medusa_core::request::{Comparison, ListConfig, RetrieveParams, one_or_many, parse_list_query};
use medusa_core::time::{to_js as timestamp, to_js};
use medusa_sales_channel::SalesChannelService;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::{IntoParams, OpenApi, ToSchema};

use crate::auth::AuthContext;
use crate::error::ApiResult;
use crate::extract::{StrictJson, StrictQuery};
use crate::response;
use crate::routes::admin::regions::NoQuery;
use crate::routes::admin::sales_channels::{SalesChannelBody, channel_body};
use crate::routes::store::regions::FieldsQuery;
use crate::state::State;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(list)
        .service(create)
        .service(retrieve)
        .service(update)
        .service(remove)
        .service(revoke)
        .service(sales_channels);
}

#[derive(OpenApi)]
#[openapi(
    paths(list, create, retrieve, update, remove, revoke, sales_channels),
    components(schemas(
        ApiKeyBody,
        CreateApiKeyBody,
        UpdateApiKeyBody,
        RevokeApiKeyBody,
        LinkSalesChannelsBody,
        ApiKeyList,
        ApiKeyOne,
        ApiKeyDeleted
    ))
)]
pub struct Api;

/// Medusa's `defaultAdminApiKeyFields`.
const DEFAULT_FIELDS: &[&str] = &[
    "id",
    "title",
    "token",
    "redacted",
    "type",
    "last_used_at",
    "updated_at",
    "created_at",
    "created_by",
    "revoked_at",
    "revoked_by",
    "sales_channels.id",
    "sales_channels.name",
];

const LIST: ListConfig = ListConfig {
    default_limit: 20,
    orderable: &[
        "id",
        "title",
        "type",
        "redacted",
        "last_used_at",
        "created_by",
        "created_at",
        "updated_at",
        "revoked_at",
    ],
};

static SHAPE: Shape = Shape {
    relations: &[("sales_channels", &Shape::LEAF)],
};

/// An API key.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiKeyBody {
    pub id: String,
    pub title: String,
    /// The publishable token (`pk_...`); for a secret key the token (`sk_...`) only in the
    /// creation response, `""` afterwards.
    pub token: String,
    /// `sk_abc***xyz`.
    pub redacted: String,
    /// `publishable` or `secret`.
    pub r#type: String,
    pub last_used_at: Option<String>,
    pub created_by: String,
    pub created_at: String,
    pub updated_at: String,
    pub revoked_by: Option<String>,
    /// May lie in the future: the key stays valid until then.
    pub revoked_at: Option<String>,
    /// Publishable keys only.
    pub sales_channels: Vec<SalesChannelBody>,
}

/// `GET /admin/api-keys` filters (Medusa's `AdminGetApiKeysParams`).
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ApiKeyQuery {
    /// Case-insensitive search in the title and the redacted token.
    pub q: Option<String>,
    #[serde(default, deserialize_with = "one_or_many")]
    #[param(value_type = Option<Vec<String>>)]
    pub id: Option<Vec<String>>,
    #[serde(default, deserialize_with = "one_or_many")]
    #[param(value_type = Option<Vec<String>>)]
    pub title: Option<Vec<String>>,
    /// Publishable tokens.
    #[serde(default, deserialize_with = "one_or_many")]
    #[param(value_type = Option<Vec<String>>)]
    pub token: Option<Vec<String>>,
    /// `publishable` or `secret`.
    #[param(value_type = Option<String>)]
    pub r#type: Option<ApiKeyType>,
    #[param(value_type = Option<Object>, style = DeepObject)]
    pub created_at: Option<Comparison<DateTime<Utc>>>,
    #[param(value_type = Option<Object>, style = DeepObject)]
    pub updated_at: Option<Comparison<DateTime<Utc>>>,
    #[param(value_type = Option<Object>, style = DeepObject)]
    pub deleted_at: Option<Comparison<DateTime<Utc>>>,
    #[param(value_type = Option<Object>, style = DeepObject)]
    pub revoked_at: Option<Comparison<DateTime<Utc>>>,
    /// Page size (default 20, at most 1000).
    pub limit: Option<u32>,
    pub offset: Option<u32>,
    pub order: Option<String>,
    pub fields: Option<String>,
}

/// `POST /admin/api-keys`.
#[derive(Debug, Deserialize, ToSchema)]
pub struct CreateApiKeyBody {
    pub title: String,
    /// `publishable` or `secret`. A new secret key needs every other secret key revoked or
    /// scheduled for revocation.
    #[schema(value_type = String)]
    pub r#type: ApiKeyType,
}

/// `POST /admin/api-keys/:id`.
#[derive(Debug, Deserialize, ToSchema)]
pub struct UpdateApiKeyBody {
    pub title: String,
}

/// `POST /admin/api-keys/:id/revoke`.
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct RevokeApiKeyBody {
    /// Seconds until the revocation takes effect (default: now).
    pub revoke_in: Option<f64>,
}

/// `POST /admin/api-keys/:id/sales-channels`.
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct LinkSalesChannelsBody {
    /// Sales channel ids to link.
    pub add: Option<Vec<String>>,
    /// Sales channel ids to unlink.
    pub remove: Option<Vec<String>>,
}

/// `{api_keys, count, offset, limit}`.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct ApiKeyList {
    api_keys: Vec<ApiKeyBody>,
    count: u64,
    offset: u32,
    limit: u32,
}

/// `{api_key}`.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct ApiKeyOne {
    api_key: ApiKeyBody,
}

/// `{id, object: "api_key", deleted: true}`.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct ApiKeyDeleted {
    id: String,
    object: String,
    deleted: bool,
}

fn keys(state: &State) -> Result<Arc<dyn ApiKeyService>, Error> {
    state
        .registry
        .get::<dyn ApiKeyService>()
        .map_err(Error::internal)
}

fn channels(state: &State) -> Result<Arc<dyn SalesChannelService>, Error> {
    state
        .registry
        .get::<dyn SalesChannelService>()
        .map_err(Error::internal)
}

/// Keys as JSON with their sales channels (two queries for the whole list, and none when the
/// channels are not asked for), projected onto `fields`.
async fn render(
    state: &State,
    api_keys: Vec<ApiKey>,
    fields: Option<&str>,
) -> ApiResult<Vec<Value>> {
    let spec = FieldSpec::parse(fields, DEFAULT_FIELDS);
    let mut linked: HashMap<ApiKeyId, Vec<SalesChannelId>> = HashMap::new();
    let mut bodies: HashMap<SalesChannelId, SalesChannelBody> = HashMap::new();
    if spec.requests("sales_channels") && !api_keys.is_empty() {
        let ids: Vec<ApiKeyId> = api_keys.iter().map(|k| k.id.clone()).collect();
        linked = keys(state)?.sales_channels_of(&ids).await?;
        let mut wanted: Vec<SalesChannelId> = linked.values().flatten().cloned().collect();
        wanted.sort();
        wanted.dedup();
        if !wanted.is_empty() {
            for c in channels(state)?.lookup(&wanted).await? {
                bodies.insert(c.id.clone(), channel_body(c));
            }
        }
    }
    let selection = spec.selection();
    api_keys
        .into_iter()
        .map(|k| {
            let linked_channels = linked
                .remove(&k.id)
                .unwrap_or_default()
                .iter()
                .filter_map(|c| bodies.get(c))
                .map(|b| serde_json::to_value(b).map_err(Error::internal))
                .collect::<Result<Vec<_>, _>>()?;
            let mut v = serde_json::json!({
                "id": k.id,
                "title": k.title,
                "token": k.token,
                "redacted": k.redacted,
                "type": k.key_type.as_str(),
                "last_used_at": k.last_used_at.as_ref().map(to_js),
                "created_by": k.created_by,
                "created_at": timestamp(&k.created_at),
                "updated_at": timestamp(&k.updated_at),
                "revoked_by": k.revoked_by,
                "revoked_at": k.revoked_at.as_ref().map(to_js),
                "sales_channels": linked_channels,
            });
            selection.project(&mut v, &SHAPE);
            Ok(v)
        })
        .collect()
}

async fn one(state: &State, key: ApiKey, fields: Option<&str>) -> ApiResult<HttpResponse> {
    let mut items = render(state, vec![key], fields).await?;
    Ok(response::one("api_key", items.pop().unwrap_or(Value::Null)))
}

fn parse_id(raw: &str) -> Result<ApiKeyId, Error> {
    ApiKeyId::parse(raw)
        .map_err(|_| Error::not_found(format!("API Key with id: {raw} was not found")))
}

/// The route's wording for an unknown key.
fn not_found(raw: &str) -> impl Fn(ApiKeyError) -> crate::error::ApiError + '_ {
    move |e| match e {
        ApiKeyError::NotFound(_) => {
            Error::not_found(format!("API Key with id: {raw} was not found")).into()
        }
        other => other.into(),
    }
}

/// List API keys.
#[utoipa::path(
    get,
    path = "/admin/api-keys",
    tag = "Admin",
    params(ApiKeyQuery),
    security(("secret_key" = [])),
    responses(
        (status = 200, description = "A page of API keys", body = ApiKeyList),
        (status = 400, description = "Unknown or invalid query parameters", body = crate::openapi::ErrorBody)
    )
)]
#[get("/api-keys")]
pub async fn list(req: HttpRequest, state: State) -> ApiResult<HttpResponse> {
    let (params, q): (_, ApiKeyQuery) = parse_list_query(req.query_string(), &LIST)?;
    let filter = ApiKeyFilter {
        ids: q
            .id
            .map(|ids| ids.iter().filter_map(|i| ApiKeyId::parse(i).ok()).collect()),
        q: q.q,
        titles: q.title,
        tokens: q.token,
        key_type: q.r#type,
        created_at: q.created_at,
        updated_at: q.updated_at,
        deleted_at: q.deleted_at,
        revoked_at: q.revoked_at,
    };
    let (api_keys, count) = keys(&state)?.list(&filter, &params).await?;
    let items = render(&state, api_keys, params.fields.as_deref()).await?;
    Ok(response::list("api_keys", items, count, &params))
}

/// Create an API key. A secret key's token is shown in this response only.
#[utoipa::path(
    post,
    path = "/admin/api-keys",
    tag = "Admin",
    params(FieldsQuery),
    request_body = CreateApiKeyBody,
    security(("secret_key" = [])),
    responses(
        (status = 200, description = "The new key, with its token", body = ApiKeyOne),
        (status = 400, description = "Invalid body, or an active secret key exists", body = crate::openapi::ErrorBody)
    )
)]
#[post("/api-keys")]
pub async fn create(
    state: State,
    auth: web::ReqData<AuthContext>,
    query: StrictQuery<RetrieveParams>,
    body: StrictJson<CreateApiKeyBody>,
) -> ApiResult<HttpResponse> {
    let b = body.0;
    let key = keys(&state)?
        .create_checked(&b.title, b.r#type, &auth.actor_id)
        .await?;
    one(&state, key, query.0.fields.as_deref()).await
}

/// An API key.
#[utoipa::path(
    get,
    path = "/admin/api-keys/{id}",
    tag = "Admin",
    params(("id" = String, Path, description = "API key id (`apk_...`)"), FieldsQuery),
    security(("secret_key" = [])),
    responses(
        (status = 200, description = "The key (a secret key's token is `\"\"`)", body = ApiKeyOne),
        (status = 404, description = "No such key", body = crate::openapi::ErrorBody)
    )
)]
#[get("/api-keys/{id}")]
pub async fn retrieve(
    path: web::Path<String>,
    state: State,
    query: StrictQuery<RetrieveParams>,
) -> ApiResult<HttpResponse> {
    let raw = path.into_inner();
    let id = parse_id(&raw)?;
    let key = keys(&state)?.retrieve(&id).await.map_err(not_found(&raw))?;
    one(&state, key, query.0.fields.as_deref()).await
}

/// Rename an API key.
#[utoipa::path(
    post,
    path = "/admin/api-keys/{id}",
    tag = "Admin",
    params(("id" = String, Path, description = "API key id (`apk_...`)"), FieldsQuery),
    request_body = UpdateApiKeyBody,
    security(("secret_key" = [])),
    responses(
        (status = 200, description = "The updated key", body = ApiKeyOne),
        (status = 404, description = "No such key", body = crate::openapi::ErrorBody)
    )
)]
#[post("/api-keys/{id}")]
pub async fn update(
    path: web::Path<String>,
    state: State,
    query: StrictQuery<RetrieveParams>,
    body: StrictJson<UpdateApiKeyBody>,
) -> ApiResult<HttpResponse> {
    let raw = path.into_inner();
    let id = parse_id(&raw)?;
    let key = keys(&state)?
        .update_title(&id, &body.0.title)
        .await
        .map_err(not_found(&raw))?;
    one(&state, key, query.0.fields.as_deref()).await
}

/// Delete a revoked API key.
#[utoipa::path(
    delete,
    path = "/admin/api-keys/{id}",
    tag = "Admin",
    params(("id" = String, Path, description = "API key id (`apk_...`)")),
    security(("secret_key" = [])),
    responses(
        (status = 200, description = "Deleted (also when it did not exist, as in Medusa)", body = ApiKeyDeleted),
        (status = 400, description = "The key is not revoked", body = crate::openapi::ErrorBody)
    )
)]
#[delete("/api-keys/{id}")]
pub async fn remove(
    path: web::Path<String>,
    state: State,
    _query: StrictQuery<NoQuery>,
) -> ApiResult<HttpResponse> {
    let raw = path.into_inner();
    if let Ok(id) = ApiKeyId::parse(&raw) {
        keys(&state)?.delete(&id).await?;
    }
    Ok(response::deleted(&raw, "api_key", None))
}

/// Revoke an API key, now or after `revoke_in` seconds.
#[utoipa::path(
    post,
    path = "/admin/api-keys/{id}/revoke",
    tag = "Admin",
    params(("id" = String, Path, description = "API key id (`apk_...`)"), FieldsQuery),
    request_body = RevokeApiKeyBody,
    security(("secret_key" = [])),
    responses(
        (status = 200, description = "The revoked key", body = ApiKeyOne),
        (status = 400, description = "A secret key that is already revoked", body = crate::openapi::ErrorBody),
        (status = 404, description = "No such key", body = crate::openapi::ErrorBody)
    )
)]
#[post("/api-keys/{id}/revoke")]
pub async fn revoke(
    path: web::Path<String>,
    state: State,
    auth: web::ReqData<AuthContext>,
    query: StrictQuery<RetrieveParams>,
    body: StrictJson<RevokeApiKeyBody>,
) -> ApiResult<HttpResponse> {
    let raw = path.into_inner();
    let id = parse_id(&raw)?;
    let revoke_in = match body.0.revoke_in {
        None => None,
        // Up to ten years; beyond that a date is not meaningful and could overflow.
        Some(s) if s.is_finite() && s <= 315_576_000.0 => {
            Some(Duration::milliseconds((s.max(0.0) * 1000.0) as i64))
        }
        Some(_) => {
            return Err(Error::invalid_data(
                "Invalid request: 'revoke_in' must be a number of seconds up to ten years",
            )
            .into());
        }
    };
    let key = keys(&state)?
        .revoke_with(&id, &auth.actor_id, revoke_in)
        .await
        .map_err(not_found(&raw))?;
    one(&state, key, query.0.fields.as_deref()).await
}

/// Link sales channels to a publishable key, or unlink them.
#[utoipa::path(
    post,
    path = "/admin/api-keys/{id}/sales-channels",
    tag = "Admin",
    params(("id" = String, Path, description = "API key id (`apk_...`)"), FieldsQuery),
    request_body = LinkSalesChannelsBody,
    security(("secret_key" = [])),
    responses(
        (status = 200, description = "The key with its sales channels", body = ApiKeyOne),
        (status = 400, description = "A secret key, or sales channels that do not exist", body = crate::openapi::ErrorBody),
        (status = 404, description = "No such key", body = crate::openapi::ErrorBody)
    )
)]
#[post("/api-keys/{id}/sales-channels")]
pub async fn sales_channels(
    path: web::Path<String>,
    state: State,
    query: StrictQuery<RetrieveParams>,
    body: StrictJson<LinkSalesChannelsBody>,
) -> ApiResult<HttpResponse> {
    let raw = path.into_inner();
    let id = parse_id(&raw)?;
    let service = keys(&state)?;
    let key = service.retrieve(&id).await.map_err(not_found(&raw))?;
    if key.key_type != ApiKeyType::Publishable {
        return Err(ApiKeyError::NotPublishable.into());
    }
    let b = body.0;
    // Channels to add must exist (they belong to the sales-channel module).
    let add_raw = b.add.unwrap_or_default();
    let add: Vec<SalesChannelId> = add_raw
        .iter()
        .filter_map(|c| SalesChannelId::parse(c).ok())
        .collect();
    let found: Vec<SalesChannelId> = if add.is_empty() {
        Vec::new()
    } else {
        channels(&state)?
            .lookup(&add)
            .await?
            .into_iter()
            .map(|c| c.id)
            .collect()
    };
    let missing: Vec<&str> = add_raw
        .iter()
        .filter(|c| !found.iter().any(|f| f.as_str() == c.as_str()))
        .map(String::as_str)
        .collect();
    if !missing.is_empty() {
        return Err(ApiKeyError::UnknownSalesChannels(missing.join(", ")).into());
    }
    // A malformed id cannot be linked, so there is nothing to remove for it.
    let to_remove: Vec<SalesChannelId> = b
        .remove
        .unwrap_or_default()
        .iter()
        .filter_map(|c| SalesChannelId::parse(c).ok())
        .collect();
    service
        .update_sales_channels(&id, &found, &to_remove)
        .await
        .map_err(not_found(&raw))?;
    let key = service.retrieve(&id).await.map_err(not_found(&raw))?;
    one(&state, key, query.0.fields.as_deref()).await
}
