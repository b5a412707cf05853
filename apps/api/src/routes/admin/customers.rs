//! `/admin/customers`: list, create, retrieve, update, delete; a customer's addresses and
//! group memberships.

use actix_web::{HttpRequest, HttpResponse, delete, get, post, web};
use chrono::{DateTime, Utc};
use medusa_core::Error;
use medusa_core::id::CustomerId;
use medusa_core::request::{Comparison, ListConfig, RetrieveParams, one_or_many, parse_list_query};
use medusa_customer::{AddressFilter, AddressId, CustomerFilter, UpdateCustomer};
use serde::Deserialize;
use serde_json::{Map, Value};
use utoipa::{IntoParams, OpenApi, ToSchema};

use crate::auth::AuthContext;
use crate::error::ApiResult;
use crate::extract::{StrictJson, StrictQuery};
use crate::response;
use crate::routes::admin::regions::nullable;
use crate::routes::store::customers::{
    ADDRESS_ORDERABLE, AddressBody, AddressPayload, CreateCustomerBody, CustomerBody,
    attach_orders, check_email, customer_json, render_addresses, render_customers, service,
};
use crate::routes::store::regions::FieldsQuery;
use crate::state::State;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(list)
        .service(create)
        .service(retrieve)
        .service(update)
        .service(remove)
        .service(list_addresses)
        .service(create_address)
        .service(retrieve_address)
        .service(update_address)
        .service(delete_address)
        .service(groups);
}

#[derive(OpenApi)]
#[openapi(
    paths(
        list,
        create,
        retrieve,
        update,
        remove,
        list_addresses,
        create_address,
        retrieve_address,
        update_address,
        delete_address,
        groups
    ),
    components(schemas(
        UpdateCustomerBody,
        LinkBody,
        AdminCustomerList,
        AdminCustomerOne,
        AdminAddressList,
        AdminAddressOne,
        CustomerDeleted,
        AdminAddressDeleted
    ))
)]
pub struct Api;

/// Medusa's `defaultAdminCustomerFields`.
const DEFAULT_FIELDS: &[&str] = &[
    "id",
    "company_name",
    "first_name",
    "last_name",
    "email",
    "phone",
    "metadata",
    "has_account",
    "created_by",
    "created_at",
    "updated_at",
    "deleted_at",
];

const ORDERABLE: &[&str] = &[
    "id",
    "email",
    "first_name",
    "last_name",
    "company_name",
    "phone",
    "has_account",
    "created_by",
    "created_at",
    "updated_at",
    "deleted_at",
];

/// Medusa's `AdminCustomersParams` default page.
const LIST: ListConfig = ListConfig {
    default_limit: 50,
    orderable: ORDERABLE,
};

const ADDRESS_LIST: ListConfig = ListConfig {
    default_limit: 50,
    orderable: ADDRESS_ORDERABLE,
};

/// `GET /admin/customers` filters (Medusa's `AdminCustomersParams`).
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AdminCustomerQuery {
    /// Case-insensitive search in email, names, company and phone.
    pub q: Option<String>,
    #[serde(default, deserialize_with = "one_or_many")]
    #[param(value_type = Option<Vec<String>>)]
    pub id: Option<Vec<String>>,
    #[serde(default, deserialize_with = "one_or_many")]
    #[param(value_type = Option<Vec<String>>)]
    pub email: Option<Vec<String>>,
    /// Customers in any of these group ids.
    #[serde(default, deserialize_with = "one_or_many")]
    #[param(value_type = Option<Vec<String>>)]
    pub groups: Option<Vec<String>>,
    #[serde(default, deserialize_with = "one_or_many")]
    #[param(value_type = Option<Vec<String>>)]
    pub company_name: Option<Vec<String>>,
    #[serde(default, deserialize_with = "one_or_many")]
    #[param(value_type = Option<Vec<String>>)]
    pub first_name: Option<Vec<String>>,
    #[serde(default, deserialize_with = "one_or_many")]
    #[param(value_type = Option<Vec<String>>)]
    pub last_name: Option<Vec<String>>,
    /// `true` or `false`.
    pub has_account: Option<bool>,
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

/// `GET /admin/customers/:id/addresses` filters (Medusa's `AdminCustomerAddressesParams`).
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AdminAddressQuery {
    pub q: Option<String>,
    #[serde(default, deserialize_with = "one_or_many")]
    #[param(value_type = Option<Vec<String>>)]
    pub company: Option<Vec<String>>,
    #[serde(default, deserialize_with = "one_or_many")]
    #[param(value_type = Option<Vec<String>>)]
    pub city: Option<Vec<String>>,
    #[serde(default, deserialize_with = "one_or_many")]
    #[param(value_type = Option<Vec<String>>)]
    pub country_code: Option<Vec<String>>,
    #[serde(default, deserialize_with = "one_or_many")]
    #[param(value_type = Option<Vec<String>>)]
    pub province: Option<Vec<String>>,
    #[serde(default, deserialize_with = "one_or_many")]
    #[param(value_type = Option<Vec<String>>)]
    pub postal_code: Option<Vec<String>>,
    pub limit: Option<u32>,
    pub offset: Option<u32>,
    pub order: Option<String>,
    pub fields: Option<String>,
}

/// `POST /admin/customers/:id` (Medusa's `AdminUpdateCustomer`); `null` clears a field.
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct UpdateCustomerBody {
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub email: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub company_name: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub first_name: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub last_name: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub phone: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<Object>)]
    pub metadata: Option<Option<Map<String, Value>>>,
}

/// `{add?, remove?}` (Medusa's `LinkMethodRequest`).
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct LinkBody {
    pub add: Option<Vec<String>>,
    pub remove: Option<Vec<String>>,
}

/// `{customers, count, offset, limit}`.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct AdminCustomerList {
    customers: Vec<CustomerBody>,
    count: u64,
    offset: u32,
    limit: u32,
}

/// `{customer}`.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct AdminCustomerOne {
    customer: CustomerBody,
}

/// `{addresses, count, offset, limit}`.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct AdminAddressList {
    addresses: Vec<AddressBody>,
    count: u64,
    offset: u32,
    limit: u32,
}

/// `{address}`.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct AdminAddressOne {
    address: AddressBody,
}

/// `{id, object: "customer", deleted: true}`.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct CustomerDeleted {
    id: String,
    object: String,
    deleted: bool,
}

/// `{id, object: "customer_address", deleted: true, parent: <customer>}`.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct AdminAddressDeleted {
    id: String,
    object: String,
    deleted: bool,
    parent: CustomerBody,
}

/// A customer id from the path; a malformed one is not found with `message`.
fn customer_id(raw: &str, message: impl FnOnce() -> Error) -> Result<CustomerId, Error> {
    CustomerId::parse(raw).map_err(|_| message())
}

fn address_id(raw: &str) -> Result<AddressId, Error> {
    AddressId::parse(raw)
        .map_err(|_| Error::not_found(format!("Address with id: {raw} was not found")))
}

fn not_found(raw: &str) -> impl Fn() -> Error + '_ {
    move || Error::not_found(format!("Customer with id: {raw} not found"))
}

async fn respond(
    state: &State,
    id: &CustomerId,
    fields: Option<&str>,
    raw: &str,
) -> ApiResult<HttpResponse> {
    let value = customer_json(state, id, fields, DEFAULT_FIELDS, not_found(raw)).await?;
    Ok(response::one("customer", value))
}

/// List customers.
#[utoipa::path(
    get,
    path = "/admin/customers",
    tag = "Admin",
    params(AdminCustomerQuery),
    security(("secret_key" = [])),
    responses(
        (status = 200, description = "A page of customers", body = AdminCustomerList),
        (status = 400, description = "Unknown or invalid query parameters", body = crate::openapi::ErrorBody),
        (status = 401, description = "Not authenticated", body = crate::openapi::UnauthorizedBody)
    )
)]
#[get("/customers")]
pub async fn list(req: HttpRequest, state: State) -> ApiResult<HttpResponse> {
    let (params, q): (_, AdminCustomerQuery) = parse_list_query(req.query_string(), &LIST)?;
    let filter = CustomerFilter {
        ids: q.id,
        q: q.q,
        emails: q.email,
        first_names: q.first_name,
        last_names: q.last_name,
        company_names: q.company_name,
        created_by: q.created_by,
        has_account: q.has_account,
        group_ids: q.groups,
        created_at: q.created_at,
        updated_at: q.updated_at,
        deleted_at: q.deleted_at,
        with_deleted: params.with_deleted,
    };
    let service = service(&state)?;
    let (customers, count) = service.list(&filter, &params).await?;
    let mut items = render_customers(
        service.details(customers).await?,
        params.fields.as_deref(),
        DEFAULT_FIELDS,
    )?;
    attach_orders(&state, &mut items, params.fields.as_deref(), DEFAULT_FIELDS).await?;
    Ok(response::list("customers", items, count, &params))
}

/// Create a customer (without an account).
#[utoipa::path(
    post,
    path = "/admin/customers",
    tag = "Admin",
    params(FieldsQuery),
    request_body = CreateCustomerBody,
    security(("secret_key" = [])),
    responses(
        (status = 200, description = "The new customer", body = AdminCustomerOne),
        (status = 400, description = "Invalid body", body = crate::openapi::ErrorBody),
        (status = 422, description = "A customer without account has this email", body = crate::openapi::ErrorBody)
    )
)]
#[post("/customers")]
pub async fn create(
    auth: web::ReqData<AuthContext>,
    state: State,
    query: StrictQuery<RetrieveParams>,
    body: StrictJson<CreateCustomerBody>,
) -> ApiResult<HttpResponse> {
    let mut input = body.0.into_input()?;
    input.created_by = Some(auth.actor_id.clone());
    let customer = service(&state)?.create(input).await?;
    let raw = customer.id.to_string();
    respond(&state, &customer.id, query.0.fields.as_deref(), &raw).await
}

/// A customer.
#[utoipa::path(
    get,
    path = "/admin/customers/{id}",
    tag = "Admin",
    params(("id" = String, Path, description = "Customer id (`cus_...`)"), FieldsQuery),
    security(("secret_key" = [])),
    responses(
        (status = 200, description = "The customer", body = AdminCustomerOne),
        (status = 404, description = "No such customer", body = crate::openapi::ErrorBody)
    )
)]
#[get("/customers/{id}")]
pub async fn retrieve(
    path: web::Path<String>,
    state: State,
    query: StrictQuery<RetrieveParams>,
) -> ApiResult<HttpResponse> {
    let raw = path.into_inner();
    let id = customer_id(&raw, not_found(&raw))?;
    respond(&state, &id, query.0.fields.as_deref(), &raw).await
}

/// Update a customer.
#[utoipa::path(
    post,
    path = "/admin/customers/{id}",
    tag = "Admin",
    params(("id" = String, Path, description = "Customer id (`cus_...`)"), FieldsQuery),
    request_body = UpdateCustomerBody,
    security(("secret_key" = [])),
    responses(
        (status = 200, description = "The updated customer", body = AdminCustomerOne),
        (status = 400, description = "Invalid body", body = crate::openapi::ErrorBody),
        (status = 404, description = "No such customer", body = crate::openapi::ErrorBody),
        (status = 422, description = "Another customer has this email", body = crate::openapi::ErrorBody)
    )
)]
#[post("/customers/{id}")]
pub async fn update(
    path: web::Path<String>,
    state: State,
    query: StrictQuery<RetrieveParams>,
    body: StrictJson<UpdateCustomerBody>,
) -> ApiResult<HttpResponse> {
    let raw = path.into_inner();
    let missing = || Error::not_found(format!("Customer with id \"{raw}\" not found"));
    let id = customer_id(&raw, missing)?;
    let b = body.0;
    if let Some(Some(e)) = &b.email {
        check_email(e)?;
    }
    let input = UpdateCustomer {
        email: b.email,
        company_name: b.company_name,
        first_name: b.first_name,
        last_name: b.last_name,
        phone: b.phone,
        metadata: b.metadata.map(|m| m.map(Value::Object)),
    };
    match service(&state)?.update(&id, input).await {
        Ok(_) => {}
        Err(medusa_customer::CustomerError::NotFound(_)) => return Err(missing().into()),
        Err(e) => return Err(e.into()),
    }
    respond(&state, &id, query.0.fields.as_deref(), &raw).await
}

/// Delete a customer (with its addresses and group memberships); an account's identity is
/// freed.
#[utoipa::path(
    delete,
    path = "/admin/customers/{id}",
    tag = "Admin",
    params(("id" = String, Path, description = "Customer id (`cus_...`)")),
    security(("secret_key" = [])),
    responses((status = 200, description = "`{id, object: \"customer\", deleted: true}`", body = CustomerDeleted))
)]
#[delete("/customers/{id}")]
pub async fn remove(
    path: web::Path<String>,
    state: State,
    _query: StrictQuery<RetrieveParams>,
) -> ApiResult<HttpResponse> {
    let raw = path.into_inner();
    // Deleting a customer that does not exist (any more) succeeds, as in Medusa.
    if let Ok(id) = CustomerId::parse(&raw) {
        crate::auth::remove_customer_account(&state.registry, &id).await?;
    }
    Ok(response::deleted(&raw, "customer", None))
}

/// A customer's addresses.
#[utoipa::path(
    get,
    path = "/admin/customers/{id}/addresses",
    tag = "Admin",
    params(("id" = String, Path, description = "Customer id (`cus_...`)"), AdminAddressQuery),
    security(("secret_key" = [])),
    responses(
        (status = 200, description = "A page of addresses", body = AdminAddressList),
        (status = 400, description = "Invalid query", body = crate::openapi::ErrorBody)
    )
)]
#[get("/customers/{id}/addresses")]
pub async fn list_addresses(
    path: web::Path<String>,
    req: HttpRequest,
    state: State,
) -> ApiResult<HttpResponse> {
    let (params, q): (_, AdminAddressQuery) = parse_list_query(req.query_string(), &ADDRESS_LIST)?;
    // An unknown customer has no addresses (Medusa filters by `customer_id`).
    let Ok(id) = CustomerId::parse(&path) else {
        return Ok(response::list("addresses", Vec::new(), 0, &params));
    };
    let filter = AddressFilter {
        q: q.q,
        company: q.company,
        city: q.city,
        country_code: q.country_code,
        province: q.province,
        postal_code: q.postal_code,
    };
    let (addresses, count) = service(&state)?
        .list_addresses(&id, &filter, &params)
        .await?;
    let items = render_addresses(addresses, params.fields.as_deref())?;
    Ok(response::list("addresses", items, count, &params))
}

/// Add an address to a customer.
#[utoipa::path(
    post,
    path = "/admin/customers/{id}/addresses",
    tag = "Admin",
    params(("id" = String, Path, description = "Customer id (`cus_...`)"), FieldsQuery),
    request_body = AddressPayload,
    security(("secret_key" = [])),
    responses(
        (status = 200, description = "The customer", body = AdminCustomerOne),
        (status = 400, description = "Invalid body", body = crate::openapi::ErrorBody),
        (status = 404, description = "No such customer", body = crate::openapi::ErrorBody)
    )
)]
#[post("/customers/{id}/addresses")]
pub async fn create_address(
    path: web::Path<String>,
    state: State,
    query: StrictQuery<RetrieveParams>,
    body: StrictJson<AddressPayload>,
) -> ApiResult<HttpResponse> {
    let raw = path.into_inner();
    let id = customer_id(&raw, not_found(&raw))?;
    service(&state)?.create_address(&id, body.0.into()).await?;
    respond(&state, &id, query.0.fields.as_deref(), &raw).await
}

/// One of a customer's addresses.
#[utoipa::path(
    get,
    path = "/admin/customers/{id}/addresses/{address_id}",
    tag = "Admin",
    params(
        ("id" = String, Path, description = "Customer id (`cus_...`)"),
        ("address_id" = String, Path, description = "Address id (`cuaddr_...`)"),
        FieldsQuery
    ),
    security(("secret_key" = [])),
    responses(
        (status = 200, description = "The address", body = AdminAddressOne),
        (status = 404, description = "No such address of this customer", body = crate::openapi::ErrorBody)
    )
)]
#[get("/customers/{id}/addresses/{address_id}")]
pub async fn retrieve_address(
    path: web::Path<(String, String)>,
    state: State,
    query: StrictQuery<RetrieveParams>,
) -> ApiResult<HttpResponse> {
    let (raw, raw_address) = path.into_inner();
    let address = address_id(&raw_address)?;
    let missing = || Error::not_found(format!("Address with id: {raw_address} was not found"));
    let id = customer_id(&raw, missing)?;
    let address = service(&state)?.retrieve_address(&id, &address).await?;
    let mut items = render_addresses(vec![address], query.0.fields.as_deref())?;
    Ok(response::one("address", items.pop().unwrap_or(Value::Null)))
}

/// Update one of a customer's addresses.
#[utoipa::path(
    post,
    path = "/admin/customers/{id}/addresses/{address_id}",
    tag = "Admin",
    params(
        ("id" = String, Path, description = "Customer id (`cus_...`)"),
        ("address_id" = String, Path, description = "Address id (`cuaddr_...`)"),
        FieldsQuery
    ),
    request_body = AddressPayload,
    security(("secret_key" = [])),
    responses(
        (status = 200, description = "The customer", body = AdminCustomerOne),
        (status = 400, description = "Invalid body", body = crate::openapi::ErrorBody),
        (status = 404, description = "No such customer or address", body = crate::openapi::ErrorBody)
    )
)]
#[post("/customers/{id}/addresses/{address_id}")]
pub async fn update_address(
    path: web::Path<(String, String)>,
    state: State,
    query: StrictQuery<RetrieveParams>,
    body: StrictJson<AddressPayload>,
) -> ApiResult<HttpResponse> {
    let (raw, raw_address) = path.into_inner();
    let id = customer_id(&raw, not_found(&raw))?;
    let address = address_id(&raw_address)?;
    service(&state)?
        .update_address(&id, &address, body.0.into())
        .await?;
    respond(&state, &id, query.0.fields.as_deref(), &raw).await
}

/// Delete one of a customer's addresses.
#[utoipa::path(
    delete,
    path = "/admin/customers/{id}/addresses/{address_id}",
    tag = "Admin",
    params(
        ("id" = String, Path, description = "Customer id (`cus_...`)"),
        ("address_id" = String, Path, description = "Address id (`cuaddr_...`)"),
        FieldsQuery
    ),
    security(("secret_key" = [])),
    responses(
        (status = 200, description = "`{id, object: \"customer_address\", deleted: true, parent}`", body = AdminAddressDeleted),
        (status = 404, description = "No such customer or address", body = crate::openapi::ErrorBody)
    )
)]
#[delete("/customers/{id}/addresses/{address_id}")]
pub async fn delete_address(
    path: web::Path<(String, String)>,
    state: State,
    query: StrictQuery<RetrieveParams>,
) -> ApiResult<HttpResponse> {
    let (raw, raw_address) = path.into_inner();
    let id = customer_id(&raw, not_found(&raw))?;
    let address = address_id(&raw_address)?;
    service(&state)?.delete_address(&id, &address).await?;
    let parent = customer_json(
        &state,
        &id,
        query.0.fields.as_deref(),
        DEFAULT_FIELDS,
        not_found(&raw),
    )
    .await?;
    Ok(response::deleted(
        address.as_str(),
        "customer_address",
        Some(("customer", parent)),
    ))
}

/// Add a customer to groups and remove it from others.
#[utoipa::path(
    post,
    path = "/admin/customers/{id}/customer-groups",
    tag = "Admin",
    params(("id" = String, Path, description = "Customer id (`cus_...`)"), FieldsQuery),
    request_body = LinkBody,
    security(("secret_key" = [])),
    responses(
        (status = 200, description = "The customer", body = AdminCustomerOne),
        (status = 400, description = "Invalid body", body = crate::openapi::ErrorBody),
        (status = 404, description = "No such customer or group", body = crate::openapi::ErrorBody)
    )
)]
#[post("/customers/{id}/customer-groups")]
pub async fn groups(
    auth: web::ReqData<AuthContext>,
    path: web::Path<String>,
    state: State,
    query: StrictQuery<RetrieveParams>,
    body: StrictJson<LinkBody>,
) -> ApiResult<HttpResponse> {
    let raw = path.into_inner();
    let id = customer_id(&raw, not_found(&raw))?;
    let b = body.0;
    service(&state)?
        .set_customer_groups(
            &id,
            &b.add.unwrap_or_default(),
            &b.remove.unwrap_or_default(),
            Some(&auth.actor_id),
        )
        .await?;
    respond(&state, &id, query.0.fields.as_deref(), &raw).await
}
