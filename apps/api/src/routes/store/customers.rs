//! `/store/customers`: registration (`POST /store/customers` with a registration token), the
//! signed-in customer (`/me`) and their addresses; plus the customer and address wire types the
//! admin routes share.
//!
//! Every `/me` route needs a customer (session cookie or bearer token) and answers Medusa's
//! 401 `{"message": "Unauthorized"}` without one. An address is looked up together with its
//! owner, so another customer's address is a 404, never a leak. Writes answer the refetched
//! customer (`{customer}`), as Medusa's routes do.

use actix_web::{HttpRequest, HttpResponse, delete, get, post, web};
use medusa_core::Error;
use medusa_core::fields::{FieldSpec, Shape};
use medusa_core::id::CustomerId;
use medusa_core::request::{ListConfig, RetrieveParams, one_or_many, parse_list_query};
use medusa_core::time::to_js as timestamp;
use medusa_customer::{
    Address, AddressFilter, AddressId, AddressInput, CreateCustomer, CustomerDetails,
    CustomerGroup, CustomerService, UpdateCustomer,
};
use medusa_order::{OrderFilter, Page};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use utoipa::{IntoParams, OpenApi, ToSchema};

use crate::auth::OptionalCustomerIdentity;
use crate::error::{ApiError, ApiResult};
use crate::extract::{StrictJson, StrictQuery};
use crate::middleware::customer::AuthenticatedCustomer;
use crate::response;
use crate::routes::admin::regions::nullable;
use crate::routes::store::regions::FieldsQuery;
use crate::state::State;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(create)
        .service(me)
        .service(update_me)
        .service(list_addresses)
        .service(create_address)
        .service(retrieve_address)
        .service(update_address)
        .service(delete_address);
}

#[derive(OpenApi)]
#[openapi(
    paths(
        create,
        me,
        update_me,
        list_addresses,
        create_address,
        retrieve_address,
        update_address,
        delete_address
    ),
    components(schemas(
        CustomerBody,
        AddressBody,
        GroupRef,
        CreateCustomerBody,
        UpdateMeBody,
        AddressPayload,
        StoreCustomerOne,
        StoreAddressOne,
        StoreAddressList,
        AddressDeleted
    ))
)]
pub struct Api;

/// Medusa's `defaultStoreCustomersFields`.
const DEFAULT_FIELDS: &[&str] = &[
    "id",
    "email",
    "company_name",
    "first_name",
    "last_name",
    "phone",
    "metadata",
    "has_account",
    "deleted_at",
    "created_at",
    "updated_at",
    "*addresses",
];

/// Medusa's `defaultStoreCustomerAddressFields` (also the admin's).
pub(crate) const ADDRESS_FIELDS: &[&str] = &[
    "id",
    "company",
    "customer_id",
    "first_name",
    "last_name",
    "address_1",
    "address_2",
    "city",
    "province",
    "postal_code",
    "country_code",
    "phone",
    "metadata",
    "created_at",
    "updated_at",
];

pub(crate) const ADDRESS_ORDERABLE: &[&str] = &[
    "id",
    "address_name",
    "company",
    "first_name",
    "last_name",
    "address_1",
    "address_2",
    "city",
    "country_code",
    "province",
    "postal_code",
    "phone",
    "created_at",
    "updated_at",
];

/// Medusa's `StoreGetCustomerAddressesParams` page.
const ADDRESS_LIST: ListConfig = ListConfig {
    default_limit: 50,
    orderable: ADDRESS_ORDERABLE,
};

pub(crate) static CUSTOMER_SHAPE: Shape = Shape {
    relations: &[
        ("addresses", &Shape::LEAF),
        ("groups", &Shape::LEAF),
        ("orders", &Shape::LEAF),
    ],
};

/// A customer on the wire, with every relation; `fields` projects it.
#[derive(Debug, Serialize, ToSchema)]
pub struct CustomerBody {
    pub id: String,
    pub email: Option<String>,
    pub company_name: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub phone: Option<String>,
    pub has_account: bool,
    pub metadata: Option<Value>,
    pub created_by: Option<String>,
    pub created_at: String,
    pub updated_at: String,
    pub deleted_at: Option<String>,
    pub addresses: Vec<AddressBody>,
    pub groups: Vec<GroupRef>,
    /// The customer's orders (`fields=*orders`): each order's columns, oldest first.
    #[schema(value_type = Vec<Object>)]
    pub orders: Vec<Value>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AddressBody {
    pub id: String,
    pub address_name: Option<String>,
    pub is_default_shipping: bool,
    pub is_default_billing: bool,
    pub customer_id: String,
    pub company: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub address_1: Option<String>,
    pub address_2: Option<String>,
    pub city: Option<String>,
    pub country_code: Option<String>,
    pub province: Option<String>,
    pub postal_code: Option<String>,
    pub phone: Option<String>,
    pub metadata: Option<Value>,
    pub created_at: String,
    pub updated_at: String,
}

/// A customer group as a customer's `groups` relation lists it.
#[derive(Debug, Serialize, ToSchema)]
pub struct GroupRef {
    pub id: String,
    pub name: String,
    pub metadata: Option<Value>,
    pub created_by: Option<String>,
    pub created_at: String,
    pub updated_at: String,
    pub deleted_at: Option<String>,
}

pub(crate) fn address_body(a: Address) -> AddressBody {
    AddressBody {
        id: a.id.into_string(),
        address_name: a.address_name,
        is_default_shipping: a.is_default_shipping,
        is_default_billing: a.is_default_billing,
        customer_id: a.customer_id.into_string(),
        company: a.company,
        first_name: a.first_name,
        last_name: a.last_name,
        address_1: a.address_1,
        address_2: a.address_2,
        city: a.city,
        country_code: a.country_code,
        province: a.province,
        postal_code: a.postal_code,
        phone: a.phone,
        metadata: a.metadata,
        created_at: timestamp(&a.created_at),
        updated_at: timestamp(&a.updated_at),
    }
}

pub(crate) fn group_ref(g: CustomerGroup) -> GroupRef {
    GroupRef {
        id: g.id.into_string(),
        name: g.name,
        metadata: g.metadata,
        created_by: g.created_by,
        created_at: timestamp(&g.created_at),
        updated_at: timestamp(&g.updated_at),
        deleted_at: g.deleted_at.as_ref().map(timestamp),
    }
}

pub(crate) fn customer_body(d: CustomerDetails) -> CustomerBody {
    let c = d.customer;
    CustomerBody {
        id: c.id.into_string(),
        email: c.email,
        company_name: c.company_name,
        first_name: c.first_name,
        last_name: c.last_name,
        phone: c.phone,
        has_account: c.has_account,
        metadata: c.metadata,
        created_by: c.created_by,
        created_at: timestamp(&c.created_at),
        updated_at: timestamp(&c.updated_at),
        deleted_at: c.deleted_at.as_ref().map(timestamp),
        addresses: d.addresses.into_iter().map(address_body).collect(),
        groups: d.groups.into_iter().map(group_ref).collect(),
        // Filled in by `attach_orders` when `fields` asks for them.
        orders: Vec::new(),
    }
}

/// Customers (with their relations) projected onto `fields`.
pub(crate) fn render_customers(
    customers: Vec<CustomerDetails>,
    fields: Option<&str>,
    defaults: &[&str],
) -> ApiResult<Vec<Value>> {
    let selection = FieldSpec::parse(fields, defaults).selection();
    customers
        .into_iter()
        .map(|d| {
            let mut v = serde_json::to_value(customer_body(d)).map_err(Error::internal)?;
            selection.project(&mut v, &CUSTOMER_SHAPE);
            Ok(v)
        })
        .collect()
}

/// How many orders one query loads while collecting a customer's orders.
const ORDER_BATCH: u64 = 200;

/// The part of a customer `fields` under `orders`, as an order `fields` list (`*orders` and
/// `+orders` are the order's columns, `orders.x` is `x`, `*orders.items` is `*items`); `None`
/// when `orders` is not asked for. The list always names `id`, so it replaces the defaults.
fn order_fields(spec: &FieldSpec) -> Option<String> {
    if !spec.requests("orders") {
        return None;
    }
    let mut out = vec!["id".to_owned()];
    if spec.star.contains("orders") || spec.fields.iter().any(|f| f == "orders") {
        out.extend(crate::order::LINKED_COLUMNS.iter().map(|c| (*c).to_owned()));
    }
    out.extend(
        spec.fields
            .iter()
            .filter_map(|f| f.strip_prefix("orders."))
            .map(str::to_owned),
    );
    out.extend(
        spec.star
            .iter()
            .filter_map(|s| s.strip_prefix("orders."))
            .map(|s| format!("*{s}")),
    );
    Some(out.join(","))
}

/// Medusa's `customer.orders`, the read-only order-customer link: when `fields` asks for
/// `orders`, each rendered customer gets all its orders (drafts included, deleted ones not),
/// oldest first, rendered by `crate::order` and projected onto what `fields` names under
/// `orders`. The customer module knows nothing of orders; the link is composed here.
pub(crate) async fn attach_orders(
    state: &State,
    customers: &mut [Value],
    fields: Option<&str>,
    defaults: &[&str],
) -> ApiResult<()> {
    let Some(order_fields) = order_fields(&FieldSpec::parse(fields, defaults)) else {
        return Ok(());
    };
    let orders = crate::order::service(state)?;
    for customer in customers.iter_mut() {
        let Some(id) = customer.get("id").and_then(Value::as_str) else {
            continue;
        };
        let filter = OrderFilter {
            customer_id: Some(id.to_owned()),
            ..Default::default()
        };
        let mut found = Vec::new();
        loop {
            let page = Page {
                limit: ORDER_BATCH,
                offset: found.len() as u64,
                order: Some("created_at".to_owned()),
            };
            let (batch, count) = orders.list(&filter, &page).await?;
            let done = batch.is_empty() || (found.len() + batch.len()) as u64 >= count;
            found.extend(batch);
            if done {
                break;
            }
        }
        // Boxed: an order's `customer` renders a customer, so the futures nest in a cycle.
        let rendered = Box::pin(crate::order::render(
            state,
            found,
            Some(order_fields.as_str()),
            crate::order::Defaults::Linked,
        ))
        .await?;
        if let Some(m) = customer.as_object_mut() {
            m.insert("orders".to_owned(), Value::Array(rendered));
        }
    }
    Ok(())
}

/// Addresses projected onto `fields`.
pub(crate) fn render_addresses(
    addresses: Vec<Address>,
    fields: Option<&str>,
) -> ApiResult<Vec<Value>> {
    let selection = FieldSpec::parse(fields, ADDRESS_FIELDS).selection();
    addresses
        .into_iter()
        .map(|a| {
            let mut v = serde_json::to_value(address_body(a)).map_err(Error::internal)?;
            selection.project(&mut v, &Shape::LEAF);
            Ok(v)
        })
        .collect()
}

pub(crate) fn service(state: &State) -> Result<std::sync::Arc<dyn CustomerService>, Error> {
    state
        .registry
        .get::<dyn CustomerService>()
        .map_err(Error::internal)
}

/// A customer with its relations, projected onto `fields` (the body of `{customer}`).
pub(crate) async fn customer_json(
    state: &State,
    id: &CustomerId,
    fields: Option<&str>,
    defaults: &[&str],
    not_found: impl FnOnce() -> Error,
) -> ApiResult<Value> {
    let service = service(state)?;
    let customer = match service.retrieve(id).await {
        Ok(c) => c,
        Err(medusa_customer::CustomerError::NotFound(_)) => return Err(not_found().into()),
        Err(e) => return Err(e.into()),
    };
    let mut items = render_customers(service.details(vec![customer]).await?, fields, defaults)?;
    attach_orders(state, &mut items, fields, defaults).await?;
    Ok(items.pop().unwrap_or(Value::Null))
}

/// Zod's `.email()`, as the cart routes check it: a local part, one `@`, a dotted domain.
pub(crate) fn check_email(email: &str) -> Result<(), Error> {
    let ok = email.split_once('@').is_some_and(|(local, domain)| {
        !local.is_empty()
            && domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains('@')
    }) && !email.contains(char::is_whitespace);
    if ok {
        Ok(())
    } else {
        Err(Error::invalid_data("Invalid request: Invalid email"))
    }
}

/// Medusa's `StoreCreateCustomer` (also the admin's `AdminCreateCustomer`).
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct CreateCustomerBody {
    pub email: Option<String>,
    pub company_name: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub phone: Option<String>,
    #[schema(value_type = Option<Object>)]
    pub metadata: Option<Map<String, Value>>,
}

impl CreateCustomerBody {
    pub(crate) fn into_input(self) -> Result<CreateCustomer, Error> {
        if let Some(e) = &self.email {
            check_email(e)?;
        }
        Ok(CreateCustomer {
            email: self.email,
            company_name: self.company_name,
            first_name: self.first_name,
            last_name: self.last_name,
            phone: self.phone,
            metadata: self.metadata.map(Value::Object),
            has_account: false,
            created_by: None,
        })
    }
}

/// Medusa's `StoreUpdateCustomer`: a field sent as `null` is cleared.
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct UpdateMeBody {
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

/// An address body (Medusa's `AddressPayload` with `address_name` and the default flags); a
/// field sent as `null` is cleared.
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct AddressPayload {
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub address_name: Option<Option<String>>,
    pub is_default_shipping: Option<bool>,
    pub is_default_billing: Option<bool>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub company: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub first_name: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub last_name: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub address_1: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub address_2: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub city: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub country_code: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub province: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub postal_code: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub phone: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<Object>)]
    pub metadata: Option<Option<Map<String, Value>>>,
}

impl From<AddressPayload> for AddressInput {
    fn from(b: AddressPayload) -> Self {
        AddressInput {
            address_name: b.address_name,
            is_default_shipping: b.is_default_shipping,
            is_default_billing: b.is_default_billing,
            company: b.company,
            first_name: b.first_name,
            last_name: b.last_name,
            address_1: b.address_1,
            address_2: b.address_2,
            city: b.city,
            country_code: b.country_code,
            province: b.province,
            postal_code: b.postal_code,
            phone: b.phone,
            metadata: b.metadata.map(|m| m.map(Value::Object)),
        }
    }
}

/// Address list filters (Medusa's `StoreGetCustomerAddressesParams`).
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AddressQuery {
    /// Case-insensitive search in the address's text fields.
    pub q: Option<String>,
    #[serde(default, deserialize_with = "one_or_many")]
    #[param(value_type = Option<Vec<String>>)]
    pub city: Option<Vec<String>>,
    #[serde(default, deserialize_with = "one_or_many")]
    #[param(value_type = Option<Vec<String>>)]
    pub country_code: Option<Vec<String>>,
    #[serde(default, deserialize_with = "one_or_many")]
    #[param(value_type = Option<Vec<String>>)]
    pub postal_code: Option<Vec<String>>,
    pub limit: Option<u32>,
    pub offset: Option<u32>,
    pub order: Option<String>,
    pub fields: Option<String>,
}

/// `{customer}`.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct StoreCustomerOne {
    customer: CustomerBody,
}

/// `{address}`.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct StoreAddressOne {
    address: AddressBody,
}

/// `{addresses, count, offset, limit}`.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct StoreAddressList {
    addresses: Vec<AddressBody>,
    count: u64,
    offset: u32,
    limit: u32,
}

/// `{id, object: "address", deleted: true, parent: <customer>}`.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct AddressDeleted {
    id: String,
    object: String,
    deleted: bool,
    parent: CustomerBody,
}

fn me_not_found(id: &CustomerId) -> impl FnOnce() -> Error + '_ {
    move || Error::not_found(format!("Customer with id: {id} was not found"))
}

/// An address id from the path; a malformed one is simply not found.
fn address_id(raw: &str) -> Result<AddressId, Error> {
    AddressId::parse(raw)
        .map_err(|_| Error::not_found(format!("Address with id: {raw} was not found")))
}

/// Register the customer of a registration token.
#[utoipa::path(
    post,
    path = "/store/customers",
    tag = "Store",
    params(FieldsQuery),
    request_body = CreateCustomerBody,
    security(("publishable_key" = []), ("jwt_token" = [])),
    responses(
        (status = 200, description = "The new customer", body = StoreCustomerOne),
        (status = 400, description = "Invalid body, or the token already belongs to a customer", body = crate::openapi::ErrorBody),
        (status = 401, description = "No registration token", body = crate::openapi::UnauthorizedBody),
        (status = 422, description = "A customer with this email already has an account", body = crate::openapi::ErrorBody)
    )
)]
#[post("/customers")]
pub async fn create(
    identity: OptionalCustomerIdentity,
    state: State,
    query: StrictQuery<RetrieveParams>,
    body: StrictJson<CreateCustomerBody>,
) -> ApiResult<HttpResponse> {
    let ctx = identity.0.ok_or(ApiError::Unauthenticated)?;
    if !ctx.actor_id.is_empty() {
        return Err(Error::invalid_data("Request already authenticated as a customer.").into());
    }
    let input = body.0.into_input()?;
    let customer =
        crate::auth::create_customer_account(&state.registry, &ctx.auth_identity_id, input).await?;
    let value = customer_json(
        &state,
        &customer.id,
        query.0.fields.as_deref(),
        DEFAULT_FIELDS,
        me_not_found(&customer.id),
    )
    .await?;
    Ok(response::one("customer", value))
}

/// The signed-in customer.
#[utoipa::path(
    get,
    path = "/store/customers/me",
    tag = "Store",
    params(FieldsQuery),
    security(("publishable_key" = []), ("jwt_token" = []), ("cookie_auth" = [])),
    responses(
        (status = 200, description = "The customer", body = StoreCustomerOne),
        (status = 401, description = "Not signed in", body = crate::openapi::UnauthorizedBody)
    )
)]
#[get("/customers/me")]
pub async fn me(
    customer: AuthenticatedCustomer,
    state: State,
    query: StrictQuery<RetrieveParams>,
) -> ApiResult<HttpResponse> {
    let id = customer.0;
    let value = customer_json(
        &state,
        &id,
        query.0.fields.as_deref(),
        DEFAULT_FIELDS,
        me_not_found(&id),
    )
    .await?;
    Ok(response::one("customer", value))
}

/// Update the signed-in customer.
#[utoipa::path(
    post,
    path = "/store/customers/me",
    tag = "Store",
    params(FieldsQuery),
    request_body = UpdateMeBody,
    security(("publishable_key" = []), ("jwt_token" = []), ("cookie_auth" = [])),
    responses(
        (status = 200, description = "The updated customer", body = StoreCustomerOne),
        (status = 400, description = "Invalid body", body = crate::openapi::ErrorBody),
        (status = 401, description = "Not signed in", body = crate::openapi::UnauthorizedBody)
    )
)]
#[post("/customers/me")]
pub async fn update_me(
    customer: AuthenticatedCustomer,
    state: State,
    query: StrictQuery<RetrieveParams>,
    body: StrictJson<UpdateMeBody>,
) -> ApiResult<HttpResponse> {
    let id = customer.0;
    let b = body.0;
    let input = UpdateCustomer {
        email: None,
        company_name: b.company_name,
        first_name: b.first_name,
        last_name: b.last_name,
        phone: b.phone,
        metadata: b.metadata.map(|m| m.map(Value::Object)),
    };
    service(&state)?.update(&id, input).await?;
    let value = customer_json(
        &state,
        &id,
        query.0.fields.as_deref(),
        DEFAULT_FIELDS,
        me_not_found(&id),
    )
    .await?;
    Ok(response::one("customer", value))
}

/// The signed-in customer's addresses.
#[utoipa::path(
    get,
    path = "/store/customers/me/addresses",
    tag = "Store",
    params(AddressQuery),
    security(("publishable_key" = []), ("jwt_token" = []), ("cookie_auth" = [])),
    responses(
        (status = 200, description = "A page of addresses", body = StoreAddressList),
        (status = 400, description = "Invalid query", body = crate::openapi::ErrorBody),
        (status = 401, description = "Not signed in", body = crate::openapi::UnauthorizedBody)
    )
)]
#[get("/customers/me/addresses")]
pub async fn list_addresses(
    customer: AuthenticatedCustomer,
    req: HttpRequest,
    state: State,
) -> ApiResult<HttpResponse> {
    let (params, q): (_, AddressQuery) = parse_list_query(req.query_string(), &ADDRESS_LIST)?;
    let filter = AddressFilter {
        q: q.q,
        city: q.city,
        country_code: q.country_code,
        postal_code: q.postal_code,
        ..AddressFilter::default()
    };
    let (addresses, count) = service(&state)?
        .list_addresses(&customer.0, &filter, &params)
        .await?;
    let items = render_addresses(addresses, params.fields.as_deref())?;
    Ok(response::list("addresses", items, count, &params))
}

/// Add an address to the signed-in customer.
#[utoipa::path(
    post,
    path = "/store/customers/me/addresses",
    tag = "Store",
    params(FieldsQuery),
    request_body = AddressPayload,
    security(("publishable_key" = []), ("jwt_token" = []), ("cookie_auth" = [])),
    responses(
        (status = 200, description = "The customer, with the new address", body = StoreCustomerOne),
        (status = 400, description = "Invalid body", body = crate::openapi::ErrorBody),
        (status = 401, description = "Not signed in", body = crate::openapi::UnauthorizedBody)
    )
)]
#[post("/customers/me/addresses")]
pub async fn create_address(
    customer: AuthenticatedCustomer,
    state: State,
    query: StrictQuery<RetrieveParams>,
    body: StrictJson<AddressPayload>,
) -> ApiResult<HttpResponse> {
    let id = customer.0;
    service(&state)?.create_address(&id, body.0.into()).await?;
    let value = customer_json(
        &state,
        &id,
        query.0.fields.as_deref(),
        DEFAULT_FIELDS,
        me_not_found(&id),
    )
    .await?;
    Ok(response::one("customer", value))
}

/// One of the signed-in customer's addresses.
#[utoipa::path(
    get,
    path = "/store/customers/me/addresses/{address_id}",
    tag = "Store",
    params(("address_id" = String, Path, description = "Address id (`cuaddr_...`)"), FieldsQuery),
    security(("publishable_key" = []), ("jwt_token" = []), ("cookie_auth" = [])),
    responses(
        (status = 200, description = "The address", body = StoreAddressOne),
        (status = 401, description = "Not signed in", body = crate::openapi::UnauthorizedBody),
        (status = 404, description = "No such address of this customer", body = crate::openapi::ErrorBody)
    )
)]
#[get("/customers/me/addresses/{address_id}")]
pub async fn retrieve_address(
    customer: AuthenticatedCustomer,
    path: web::Path<String>,
    state: State,
    query: StrictQuery<RetrieveParams>,
) -> ApiResult<HttpResponse> {
    let address = service(&state)?
        .retrieve_address(&customer.0, &address_id(&path)?)
        .await?;
    let mut items = render_addresses(vec![address], query.0.fields.as_deref())?;
    Ok(response::one("address", items.pop().unwrap_or(Value::Null)))
}

/// Update one of the signed-in customer's addresses.
#[utoipa::path(
    post,
    path = "/store/customers/me/addresses/{address_id}",
    tag = "Store",
    params(("address_id" = String, Path, description = "Address id (`cuaddr_...`)"), FieldsQuery),
    request_body = AddressPayload,
    security(("publishable_key" = []), ("jwt_token" = []), ("cookie_auth" = [])),
    responses(
        (status = 200, description = "The customer", body = StoreCustomerOne),
        (status = 400, description = "Invalid body", body = crate::openapi::ErrorBody),
        (status = 401, description = "Not signed in", body = crate::openapi::UnauthorizedBody),
        (status = 404, description = "No such address of this customer", body = crate::openapi::ErrorBody)
    )
)]
#[post("/customers/me/addresses/{address_id}")]
pub async fn update_address(
    customer: AuthenticatedCustomer,
    path: web::Path<String>,
    state: State,
    query: StrictQuery<RetrieveParams>,
    body: StrictJson<AddressPayload>,
) -> ApiResult<HttpResponse> {
    let id = customer.0;
    service(&state)?
        .update_address(&id, &address_id(&path)?, body.0.into())
        .await?;
    let value = customer_json(
        &state,
        &id,
        query.0.fields.as_deref(),
        DEFAULT_FIELDS,
        me_not_found(&id),
    )
    .await?;
    Ok(response::one("customer", value))
}

/// Delete one of the signed-in customer's addresses.
#[utoipa::path(
    delete,
    path = "/store/customers/me/addresses/{address_id}",
    tag = "Store",
    params(("address_id" = String, Path, description = "Address id (`cuaddr_...`)"), FieldsQuery),
    security(("publishable_key" = []), ("jwt_token" = []), ("cookie_auth" = [])),
    responses(
        (status = 200, description = "`{id, object: \"address\", deleted: true, parent}`", body = AddressDeleted),
        (status = 401, description = "Not signed in", body = crate::openapi::UnauthorizedBody),
        (status = 404, description = "No such address of this customer", body = crate::openapi::ErrorBody)
    )
)]
#[delete("/customers/me/addresses/{address_id}")]
pub async fn delete_address(
    customer: AuthenticatedCustomer,
    path: web::Path<String>,
    state: State,
    query: StrictQuery<RetrieveParams>,
) -> ApiResult<HttpResponse> {
    let id = customer.0;
    let address = address_id(&path)?;
    service(&state)?.delete_address(&id, &address).await?;
    let parent = customer_json(
        &state,
        &id,
        query.0.fields.as_deref(),
        DEFAULT_FIELDS,
        me_not_found(&id),
    )
    .await?;
    // Medusa answers the customer's id here; the address's id says what was deleted.
    Ok(response::deleted(
        address.as_str(),
        "address",
        Some(("customer", parent)),
    ))
}
