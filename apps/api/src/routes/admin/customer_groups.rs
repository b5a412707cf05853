//! `/admin/customer-groups`: list, create, retrieve, update, delete, and a group's customers.

use actix_web::{HttpRequest, HttpResponse, delete, get, post, web};
use chrono::{DateTime, Utc};
use medusa_core::Error;
use medusa_core::fields::{FieldSpec, Shape};
use medusa_core::request::{Comparison, ListConfig, RetrieveParams, one_or_many, parse_list_query};
use medusa_core::time::to_js as timestamp;
use medusa_customer::{
    CreateGroup, CustomerDetails, CustomerError, CustomerGroup, CustomerGroupId, GroupFilter,
    UpdateGroup,
};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use utoipa::{IntoParams, OpenApi, ToSchema};

use crate::auth::AuthContext;
use crate::error::ApiResult;
use crate::extract::{StrictJson, StrictQuery};
use crate::response;
use crate::routes::admin::customers::LinkBody;
use crate::routes::admin::regions::nullable;
use crate::routes::store::customers::{customer_body, service};
use crate::routes::store::regions::FieldsQuery;
use crate::state::State;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(list)
        .service(create)
        .service(retrieve)
        .service(update)
        .service(remove)
        .service(customers);
}

#[derive(OpenApi)]
#[openapi(
    paths(list, create, retrieve, update, remove, customers),
    components(schemas(
        GroupBody,
        CreateGroupBody,
        UpdateGroupBody,
        AdminGroupList,
        AdminGroupOne,
        GroupDeleted
    ))
)]
pub struct Api;

/// Medusa's `defaultAdminCustomerGroupFields`.
const DEFAULT_FIELDS: &[&str] = &[
    "id",
    "name",
    "created_by",
    "created_at",
    "updated_at",
    "deleted_at",
    "metadata",
];

const ORDERABLE: &[&str] = &[
    "id",
    "name",
    "created_by",
    "created_at",
    "updated_at",
    "deleted_at",
];

const LIST: ListConfig = ListConfig {
    default_limit: 50,
    orderable: ORDERABLE,
};

static GROUP_SHAPE: Shape = Shape {
    relations: &[("customers", &Shape::LEAF)],
};

/// A customer group on the wire; `customers` only when `fields` asks for it.
#[derive(Debug, Serialize, ToSchema)]
pub struct GroupBody {
    pub id: String,
    pub name: String,
    pub metadata: Option<Value>,
    pub created_by: Option<String>,
    pub created_at: String,
    pub updated_at: String,
    pub deleted_at: Option<String>,
    /// The group's customers (their columns only).
    #[schema(value_type = Vec<Object>)]
    pub customers: Vec<Value>,
}

/// `GET /admin/customer-groups` filters (Medusa's `AdminGetCustomerGroupsParams`).
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AdminGroupQuery {
    /// Case-insensitive search in the name.
    pub q: Option<String>,
    #[serde(default, deserialize_with = "one_or_many")]
    #[param(value_type = Option<Vec<String>>)]
    pub id: Option<Vec<String>>,
    #[serde(default, deserialize_with = "one_or_many")]
    #[param(value_type = Option<Vec<String>>)]
    pub name: Option<Vec<String>>,
    /// Groups with any of these customer ids.
    #[serde(default, deserialize_with = "one_or_many")]
    #[param(value_type = Option<Vec<String>>)]
    pub customers: Option<Vec<String>>,
    #[serde(default, deserialize_with = "one_or_many")]
    #[param(value_type = Option<Vec<String>>)]
    pub created_by: Option<Vec<String>>,
    #[param(value_type = Option<Object>, style = DeepObject)]
    pub created_at: Option<Comparison<DateTime<Utc>>>,
    #[param(value_type = Option<Object>, style = DeepObject)]
    pub updated_at: Option<Comparison<DateTime<Utc>>>,
    #[param(value_type = Option<Object>, style = DeepObject)]
    pub deleted_at: Option<Comparison<DateTime<Utc>>>,
    pub limit: Option<u32>,
    pub offset: Option<u32>,
    pub order: Option<String>,
    pub fields: Option<String>,
    pub with_deleted: Option<bool>,
}

/// `POST /admin/customer-groups` (Medusa's `AdminCreateCustomerGroup`).
#[derive(Debug, Deserialize, ToSchema)]
pub struct CreateGroupBody {
    pub name: String,
    #[schema(value_type = Option<Object>)]
    pub metadata: Option<Map<String, Value>>,
}

/// `POST /admin/customer-groups/:id` (Medusa's `AdminUpdateCustomerGroup`).
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct UpdateGroupBody {
    pub name: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<Object>)]
    pub metadata: Option<Option<Map<String, Value>>>,
}

/// `{customer_groups, count, offset, limit}`.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct AdminGroupList {
    customer_groups: Vec<GroupBody>,
    count: u64,
    offset: u32,
    limit: u32,
}

/// `{customer_group}`.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct AdminGroupOne {
    customer_group: GroupBody,
}

/// `{id, object: "customer_group", deleted: true}`.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct GroupDeleted {
    id: String,
    object: String,
    deleted: bool,
}

/// A customer's own columns, as a group's `customers` relation lists them.
fn member_json(customer: medusa_customer::Customer) -> Result<Value, Error> {
    let mut v = serde_json::to_value(customer_body(CustomerDetails {
        customer,
        addresses: Vec::new(),
        groups: Vec::new(),
    }))
    .map_err(Error::internal)?;
    if let Some(o) = v.as_object_mut() {
        for relation in ["addresses", "groups", "orders"] {
            o.remove(relation);
        }
    }
    Ok(v)
}

/// Groups projected onto `fields`; their customers are loaded only when asked for.
async fn render(
    state: &State,
    groups: Vec<CustomerGroup>,
    fields: Option<&str>,
) -> ApiResult<Vec<Value>> {
    let selection = FieldSpec::parse(fields, DEFAULT_FIELDS).selection();
    let mut members = if selection.has("customers") {
        let ids: Vec<CustomerGroupId> = groups.iter().map(|g| g.id.clone()).collect();
        service(state)?.group_customers(&ids).await?
    } else {
        Default::default()
    };
    groups
        .into_iter()
        .map(|g| {
            let listed = members
                .remove(g.id.as_str())
                .unwrap_or_default()
                .into_iter()
                .map(member_json)
                .collect::<Result<Vec<_>, _>>()?;
            let body = GroupBody {
                id: g.id.into_string(),
                name: g.name,
                metadata: g.metadata,
                created_by: g.created_by,
                created_at: timestamp(&g.created_at),
                updated_at: timestamp(&g.updated_at),
                deleted_at: g.deleted_at.as_ref().map(timestamp),
                customers: listed,
            };
            let mut v = serde_json::to_value(body).map_err(Error::internal)?;
            selection.project(&mut v, &GROUP_SHAPE);
            Ok(v)
        })
        .collect()
}

async fn respond(
    state: &State,
    id: &CustomerGroupId,
    fields: Option<&str>,
    not_found: impl FnOnce() -> Error,
) -> ApiResult<HttpResponse> {
    let group = match service(state)?.retrieve_group(id).await {
        Ok(g) => g,
        Err(CustomerError::GroupNotFound(_)) => return Err(not_found().into()),
        Err(e) => return Err(e.into()),
    };
    let mut items = render(state, vec![group], fields).await?;
    Ok(response::one(
        "customer_group",
        items.pop().unwrap_or(Value::Null),
    ))
}

fn not_found(raw: &str) -> impl Fn() -> Error + '_ {
    move || Error::not_found(format!("Customer group with id: {raw} not found"))
}

fn group_id(raw: &str, missing: impl FnOnce() -> Error) -> Result<CustomerGroupId, Error> {
    CustomerGroupId::parse(raw).map_err(|_| missing())
}

/// Medusa's `z.string()` name: present and a string; an empty name is refused too, since a
/// group must be told apart from the others in the admin.
fn check_name(name: &str) -> Result<(), Error> {
    if name.trim().is_empty() {
        return Err(Error::invalid_data(
            "Invalid request: Value for field 'name' too small, expected at least: '1'",
        ));
    }
    Ok(())
}

/// List customer groups.
#[utoipa::path(
    get,
    path = "/admin/customer-groups",
    tag = "Admin",
    params(AdminGroupQuery),
    security(("secret_key" = [])),
    responses(
        (status = 200, description = "A page of customer groups", body = AdminGroupList),
        (status = 400, description = "Unknown or invalid query parameters", body = crate::openapi::ErrorBody),
        (status = 401, description = "Not authenticated", body = crate::openapi::UnauthorizedBody)
    )
)]
#[get("/customer-groups")]
pub async fn list(req: HttpRequest, state: State) -> ApiResult<HttpResponse> {
    let (params, q): (_, AdminGroupQuery) = parse_list_query(req.query_string(), &LIST)?;
    let filter = GroupFilter {
        ids: q.id,
        q: q.q,
        names: q.name,
        created_by: q.created_by,
        customer_ids: q.customers,
        created_at: q.created_at,
        updated_at: q.updated_at,
        deleted_at: q.deleted_at,
        with_deleted: params.with_deleted,
    };
    let (groups, count) = service(&state)?.list_groups(&filter, &params).await?;
    let items = render(&state, groups, params.fields.as_deref()).await?;
    Ok(response::list("customer_groups", items, count, &params))
}

/// Create a customer group.
#[utoipa::path(
    post,
    path = "/admin/customer-groups",
    tag = "Admin",
    params(FieldsQuery),
    request_body = CreateGroupBody,
    security(("secret_key" = [])),
    responses(
        (status = 200, description = "The new group", body = AdminGroupOne),
        (status = 400, description = "Invalid body", body = crate::openapi::ErrorBody),
        (status = 422, description = "A group with this name exists", body = crate::openapi::ErrorBody)
    )
)]
#[post("/customer-groups")]
pub async fn create(
    auth: web::ReqData<AuthContext>,
    state: State,
    query: StrictQuery<RetrieveParams>,
    body: StrictJson<CreateGroupBody>,
) -> ApiResult<HttpResponse> {
    let b = body.0;
    check_name(&b.name)?;
    let group = service(&state)?
        .create_group(CreateGroup {
            name: b.name,
            metadata: b.metadata.map(Value::Object),
            created_by: Some(auth.actor_id.clone()),
        })
        .await?;
    let raw = group.id.to_string();
    respond(
        &state,
        &group.id,
        query.0.fields.as_deref(),
        not_found(&raw),
    )
    .await
}

/// A customer group.
#[utoipa::path(
    get,
    path = "/admin/customer-groups/{id}",
    tag = "Admin",
    params(("id" = String, Path, description = "Group id (`cusgroup_...`)"), FieldsQuery),
    security(("secret_key" = [])),
    responses(
        (status = 200, description = "The group", body = AdminGroupOne),
        (status = 404, description = "No such group", body = crate::openapi::ErrorBody)
    )
)]
#[get("/customer-groups/{id}")]
pub async fn retrieve(
    path: web::Path<String>,
    state: State,
    query: StrictQuery<RetrieveParams>,
) -> ApiResult<HttpResponse> {
    let raw = path.into_inner();
    let id = group_id(&raw, not_found(&raw))?;
    respond(&state, &id, query.0.fields.as_deref(), not_found(&raw)).await
}

/// Update a customer group.
#[utoipa::path(
    post,
    path = "/admin/customer-groups/{id}",
    tag = "Admin",
    params(("id" = String, Path, description = "Group id (`cusgroup_...`)"), FieldsQuery),
    request_body = UpdateGroupBody,
    security(("secret_key" = [])),
    responses(
        (status = 200, description = "The updated group", body = AdminGroupOne),
        (status = 400, description = "Invalid body", body = crate::openapi::ErrorBody),
        (status = 404, description = "No such group", body = crate::openapi::ErrorBody),
        (status = 422, description = "A group with this name exists", body = crate::openapi::ErrorBody)
    )
)]
#[post("/customer-groups/{id}")]
pub async fn update(
    path: web::Path<String>,
    state: State,
    query: StrictQuery<RetrieveParams>,
    body: StrictJson<UpdateGroupBody>,
) -> ApiResult<HttpResponse> {
    let raw = path.into_inner();
    let missing = || Error::not_found(format!("Customer group with id \"{raw}\" not found"));
    let id = group_id(&raw, missing)?;
    let b = body.0;
    if let Some(name) = &b.name {
        check_name(name)?;
    }
    let input = UpdateGroup {
        name: b.name,
        metadata: b.metadata.map(|m| m.map(Value::Object)),
    };
    match service(&state)?.update_group(&id, input).await {
        Ok(_) => {}
        Err(CustomerError::GroupNotFound(_)) => return Err(missing().into()),
        Err(e) => return Err(e.into()),
    }
    respond(&state, &id, query.0.fields.as_deref(), missing).await
}

/// Delete a customer group (its customers stay).
#[utoipa::path(
    delete,
    path = "/admin/customer-groups/{id}",
    tag = "Admin",
    params(("id" = String, Path, description = "Group id (`cusgroup_...`)")),
    security(("secret_key" = [])),
    responses((status = 200, description = "`{id, object: \"customer_group\", deleted: true}`", body = GroupDeleted))
)]
#[delete("/customer-groups/{id}")]
pub async fn remove(
    path: web::Path<String>,
    state: State,
    _query: StrictQuery<RetrieveParams>,
) -> ApiResult<HttpResponse> {
    let raw = path.into_inner();
    // Deleting a group that does not exist (any more) succeeds, as in Medusa.
    if let Ok(id) = CustomerGroupId::parse(&raw) {
        service(&state)?.delete_group(&id).await?;
    }
    Ok(response::deleted(&raw, "customer_group", None))
}

/// Add customers to a group and remove others.
#[utoipa::path(
    post,
    path = "/admin/customer-groups/{id}/customers",
    tag = "Admin",
    params(("id" = String, Path, description = "Group id (`cusgroup_...`)"), FieldsQuery),
    request_body = LinkBody,
    security(("secret_key" = [])),
    responses(
        (status = 200, description = "The group", body = AdminGroupOne),
        (status = 400, description = "Invalid body", body = crate::openapi::ErrorBody),
        (status = 404, description = "No such group or customer", body = crate::openapi::ErrorBody)
    )
)]
#[post("/customer-groups/{id}/customers")]
pub async fn customers(
    auth: web::ReqData<AuthContext>,
    path: web::Path<String>,
    state: State,
    query: StrictQuery<RetrieveParams>,
    body: StrictJson<LinkBody>,
) -> ApiResult<HttpResponse> {
    let raw = path.into_inner();
    let id = group_id(&raw, not_found(&raw))?;
    let b = body.0;
    service(&state)?
        .set_group_customers(
            &id,
            &b.add.unwrap_or_default(),
            &b.remove.unwrap_or_default(),
            Some(&auth.actor_id),
        )
        .await?;
    respond(&state, &id, query.0.fields.as_deref(), not_found(&raw)).await
}
