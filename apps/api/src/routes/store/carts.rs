//! `/store/carts`: create, retrieve and change carts, their line items, shipping method, taxes
//! and customer. Every change answers `200 {cart}` with the refetched cart, projected onto the
//! request's `fields` (Medusa's store cart defaults otherwise).
//!
//! Bodies are parsed strictly: a client that sends `unit_price`, `total` or `tax_total` gets a
//! 400 naming the field; prices, totals and taxes are computed on the server only.

use actix_web::{HttpRequest, HttpResponse, delete, get, post, web};
use medusa_api_key::PublishableKeyContext;
use medusa_cart::{Address, AddressFields, Cart};
use medusa_core::request::parse_query;
use medusa_core::{CurrencyCode, Error};
use serde::Deserialize;
use serde_json::{Map, Value};
use utoipa::{OpenApi, ToSchema};

use crate::cart::{self, Checks, Requester, render};
use crate::error::ApiResult;
use crate::extract::StrictJson;
use crate::middleware::customer::OptionalCustomer;
use crate::response;
use crate::routes::store::regions::FieldsQuery;
use crate::state::State;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(create)
        .service(retrieve)
        .service(update)
        .service(add_item)
        .service(update_item)
        .service(delete_item)
        .service(add_shipping_method)
        .service(calculate_taxes)
        .service(transfer)
        .service(complete);
}

#[derive(OpenApi)]
#[openapi(
    paths(
        create,
        retrieve,
        update,
        add_item,
        update_item,
        delete_item,
        add_shipping_method,
        calculate_taxes,
        transfer,
        complete
    ),
    components(schemas(
        CreateCartBody,
        UpdateCartBody,
        AddressBody,
        ItemBody,
        UpdateItemBody,
        ShippingMethodBody
    ))
)]
pub struct Api;

/// An address in a cart body (Medusa's `AddressPayload`; `id` only when updating).
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct AddressBody {
    /// On update: the cart's current address to change in place.
    pub id: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub phone: Option<String>,
    pub company: Option<String>,
    pub address_1: Option<String>,
    pub address_2: Option<String>,
    pub city: Option<String>,
    pub country_code: Option<String>,
    pub province: Option<String>,
    pub postal_code: Option<String>,
    pub metadata: Option<Map<String, Value>>,
}

impl AddressBody {
    fn fields(self, customer_id: Option<String>) -> AddressFields {
        AddressFields {
            customer_id,
            company: self.company,
            first_name: self.first_name,
            last_name: self.last_name,
            address_1: self.address_1,
            address_2: self.address_2,
            city: self.city,
            // Medusa stores country codes lower-case.
            country_code: self.country_code.map(|c| c.to_lowercase()),
            province: self.province,
            postal_code: self.postal_code,
            phone: self.phone,
            metadata: self.metadata.map(Value::Object),
        }
    }
}

/// `{variant_id, quantity, metadata?}`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct ItemBody {
    pub variant_id: String,
    pub quantity: i64,
    pub metadata: Option<Map<String, Value>>,
}

/// `POST /store/carts` body.
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct CreateCartBody {
    pub region_id: Option<String>,
    pub shipping_address: Option<AddressBody>,
    pub billing_address: Option<AddressBody>,
    pub email: Option<String>,
    pub currency_code: Option<String>,
    pub items: Option<Vec<ItemBody>>,
    pub sales_channel_id: Option<String>,
    pub promo_codes: Option<Vec<String>>,
    pub metadata: Option<Map<String, Value>>,
    pub locale: Option<String>,
    #[schema(value_type = Option<Object>)]
    pub additional_data: Option<Value>,
}

/// `POST /store/carts/:id` body.
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct UpdateCartBody {
    pub region_id: Option<String>,
    #[serde(default, deserialize_with = "crate::routes::admin::regions::nullable")]
    #[schema(value_type = Option<String>)]
    pub email: Option<Option<String>>,
    pub billing_address: Option<AddressBody>,
    pub shipping_address: Option<AddressBody>,
    pub sales_channel_id: Option<String>,
    #[serde(default, deserialize_with = "crate::routes::admin::regions::nullable")]
    #[schema(value_type = Option<Object>)]
    pub metadata: Option<Option<Map<String, Value>>>,
    pub promo_codes: Option<Vec<String>>,
    #[serde(default, deserialize_with = "crate::routes::admin::regions::nullable")]
    #[schema(value_type = Option<String>)]
    pub locale: Option<Option<String>>,
    #[schema(value_type = Option<Object>)]
    pub additional_data: Option<Value>,
}

/// `POST /store/carts/:id/line-items/:line_id` body.
#[derive(Debug, Deserialize, ToSchema)]
pub struct UpdateItemBody {
    /// 0 removes the item.
    pub quantity: i64,
    pub metadata: Option<Map<String, Value>>,
}

/// `POST /store/carts/:id/shipping-methods` body.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ShippingMethodBody {
    pub option_id: String,
    #[schema(value_type = Option<Object>)]
    pub data: Option<Map<String, Value>>,
}

fn requester(customer: &OptionalCustomer) -> Requester {
    Requester {
        customer_id: customer.0.as_ref().map(|c| c.to_string()),
    }
}

fn quantity_above_zero(q: i64) -> ApiResult<()> {
    if q > 0 {
        Ok(())
    } else {
        Err(Error::invalid_data(
            "Invalid request: Value for field 'quantity' too small, expected at least: '1'",
        )
        .into())
    }
}

/// Promotions are not built yet: every code is unknown, refused as Medusa refuses one.
fn refuse_promo_codes(codes: &Option<Vec<String>>) -> ApiResult<()> {
    match codes.as_deref() {
        Some([first, ..]) => {
            Err(Error::invalid_data(format!("The promotion code {first} is invalid")).into())
        }
        _ => Ok(()),
    }
}

/// The cart as `fields` asks, with its payment collection as the caller already knows it.
async fn respond_changed(
    state: &State,
    changed: cart::Changed,
    req: &HttpRequest,
) -> ApiResult<HttpResponse> {
    let q: FieldsQuery = parse_query(req.query_string())?;
    let j = render::cart_json_with(
        state,
        &changed.cart,
        q.fields.as_deref(),
        changed.payment_collection,
    )
    .await?;
    Ok(response::one("cart", j))
}

/// Create a cart.
#[utoipa::path(post, path = "/store/carts", tag = "Store", request_body = CreateCartBody,
    security(("publishable_key" = [])),
    responses((status = 200, description = "`{cart}`", body = Object),
        (status = 400, description = "Unknown region, sales channel or variant; bad body", body = crate::openapi::ErrorBody)))]
#[post("/carts")]
pub async fn create(
    req: HttpRequest,
    state: State,
    key: web::ReqData<PublishableKeyContext>,
    customer: OptionalCustomer,
    body: StrictJson<CreateCartBody>,
) -> ApiResult<HttpResponse> {
    let body = body.0;
    refuse_promo_codes(&body.promo_codes)?;
    if let Some(email) = &body.email {
        crate::routes::store::customers::check_email(email)?;
    }
    for item in body.items.iter().flatten() {
        quantity_above_zero(item.quantity)?;
    }
    let _: FieldsQuery = parse_query(req.query_string())?;

    // Sales channel: the body's (if the key allows it), else the key's only one.
    let key_channels: Vec<String> = key
        .sales_channel_ids
        .iter()
        .map(|c| c.to_string())
        .collect();
    let sales_channel_id = match &body.sales_channel_id {
        Some(sc) if !key_channels.is_empty() && !key_channels.contains(sc) => {
            return Err(Error::invalid_data(format!(
                "Sales channel ID in payload {sc} is not associated with the Publishable API Key in the header."
            ))
            .into());
        }
        Some(sc) => Some(sc.clone()),
        None if key_channels.len() > 1 => {
            return Err(Error::invalid_data(
                "Cannot assign sales channel to cart. The Publishable API Key in the header has multiple associated sales channels. Please provide a sales channel ID in the request body.",
            )
            .into());
        }
        None => key_channels.first().cloned(),
    };

    // Region: the body's, else the store's default (the first region created).
    let region = match &body.region_id {
        Some(id) => cart::region(&state, id)
            .await?
            .ok_or_else(|| Error::not_found(format!("Region with id: {id} was not found")))?,
        None => cart::default_region(&state)
            .await?
            .ok_or_else(|| Error::invalid_data("No regions found"))?,
    };
    let currency = match &body.currency_code {
        Some(c) => CurrencyCode::parse(c)
            .map_err(|_| Error::invalid_data(format!("Currency with code: {c} was not found")))?,
        None => region.currency_code.clone(),
    };

    let now = state.clock.now();
    let who = requester(&customer);
    let mut new_cart = Cart::new(currency, now);
    new_cart.region_id = Some(region.id.to_string());
    new_cart.sales_channel_id = sales_channel_id;
    new_cart.locale = body.locale;
    new_cart.metadata = body.metadata.map(Value::Object);
    new_cart.customer_id = who.customer_id.clone();
    new_cart.email = match (&body.email, &who.customer_id) {
        (Some(e), _) => Some(e.clone()),
        (None, Some(c)) => cart::customer::email(&state, c).await?,
        (None, None) => None,
    };
    if let Some(a) = body.shipping_address {
        new_cart.shipping_address = Some(Address::new(a.fields(who.customer_id.clone()), now));
    }
    if let Some(a) = body.billing_address {
        new_cart.billing_address = Some(Address::new(a.fields(who.customer_id.clone()), now));
    }
    // Medusa: a region with a single country gives a new cart a shipping address in it, so
    // taxes and shipping options are known from the start.
    if new_cart.shipping_address.is_none() {
        let countries = cart::region_countries(&state, &region).await?;
        if let [only] = countries.as_slice() {
            new_cart.shipping_address = Some(Address::new(
                AddressFields {
                    customer_id: who.customer_id.clone(),
                    country_code: Some(only.clone()),
                    ..Default::default()
                },
                now,
            ));
        }
    }
    // A shipping address in a region's country decides the region's tax context only; Medusa
    // does not move the cart to another region here either.
    for item in body.items.into_iter().flatten() {
        let line = cart::new_line_item(
            &state,
            &new_cart,
            &item.variant_id,
            item.quantity,
            item.metadata.map(Value::Object),
        )
        .await?;
        cart::add_or_merge(&mut new_cart, line, now);
    }
    let created = cart::create(&state, new_cart).await?;
    // A new cart has no payment collection yet.
    respond_changed(
        &state,
        cart::Changed {
            cart: created,
            payment_collection: render::Collection::Known(None),
        },
        &req,
    )
    .await
}

/// Retrieve a cart (a customer's cart only for that customer).
#[utoipa::path(get, path = "/store/carts/{id}", tag = "Store",
    params(("id" = String, Path, description = "Cart id"), FieldsQuery),
    security(("publishable_key" = [])),
    responses((status = 200, description = "`{cart}`", body = Object),
        (status = 404, description = "No such cart", body = crate::openapi::ErrorBody)))]
#[get("/carts/{id}")]
pub async fn retrieve(
    req: HttpRequest,
    state: State,
    path: web::Path<String>,
    customer: OptionalCustomer,
) -> ApiResult<HttpResponse> {
    let _: FieldsQuery = parse_query(req.query_string())?;
    let (cart, link) = cart::retrieve_linked(&state, &path, &requester(&customer)).await?;
    // Without a collection (read with the cart) there is none to load for the response.
    let payment_collection = match link {
        None => render::Collection::Known(None),
        Some(_) => render::Collection::Load,
    };
    respond_changed(
        &state,
        cart::Changed {
            cart,
            payment_collection,
        },
        &req,
    )
    .await
}

/// Update a cart: region (re-prices), email, addresses (re-taxes), sales channel, metadata.
#[utoipa::path(post, path = "/store/carts/{id}", tag = "Store", request_body = UpdateCartBody,
    params(("id" = String, Path, description = "Cart id"), FieldsQuery),
    security(("publishable_key" = [])),
    responses((status = 200, description = "`{cart}`", body = Object),
        (status = 400, description = "Bad body", body = crate::openapi::ErrorBody),
        (status = 404, description = "No such cart", body = crate::openapi::ErrorBody)))]
#[post("/carts/{id}")]
pub async fn update(
    req: HttpRequest,
    state: State,
    path: web::Path<String>,
    key: web::ReqData<PublishableKeyContext>,
    customer: OptionalCustomer,
    body: StrictJson<UpdateCartBody>,
) -> ApiResult<HttpResponse> {
    let _: FieldsQuery = parse_query(req.query_string())?;
    let body = body.0;
    refuse_promo_codes(&body.promo_codes)?;
    if let Some(Some(email)) = &body.email {
        crate::routes::store::customers::check_email(email)?;
    }
    let new_region = match &body.region_id {
        Some(id) => {
            let r = cart::region(&state, id)
                .await?
                .ok_or_else(|| Error::not_found(format!("Region with id: {id} was not found")))?;
            let countries = cart::region_countries(&state, &r).await?;
            Some((r, countries))
        }
        None => None,
    };
    if let Some(sc) = &body.sales_channel_id {
        let allowed = key.sales_channel_ids.iter().any(|c| c.as_str() == sc);
        if !allowed {
            return Err(Error::invalid_data(format!(
                "Sales channel ID in payload {sc} is not associated with the Publishable API Key in the header."
            ))
            .into());
        }
    }
    let who = requester(&customer);
    let now = state.clock.now();
    let updated = cart::update(&state, &path, &who, Checks::default(), |c| {
        if let Some((r, countries)) = &new_region {
            let changed = c.region_id.as_deref() != Some(r.id.as_str());
            c.region_id = Some(r.id.to_string());
            c.currency_code = r.currency_code.clone();
            if changed {
                // An address outside the new region's countries would tax and ship against
                // the wrong country: it is dropped (shipping methods are re-validated by the
                // refresh).
                let outside = c
                    .shipping_address
                    .as_ref()
                    .and_then(|a| a.fields.country_code.as_ref())
                    .is_some_and(|country| !countries.contains(country));
                if outside {
                    c.shipping_address = None;
                }
            }
        }
        if let Some(email) = &body.email {
            c.email = email.clone();
        }
        if let Some(sc) = &body.sales_channel_id {
            c.sales_channel_id = Some(sc.clone());
        }
        if let Some(m) = &body.metadata {
            c.metadata = m.clone().map(Value::Object);
        }
        if let Some(l) = &body.locale {
            c.locale = l.clone();
        }
        for (given, slot) in [
            (&body.shipping_address, &mut c.shipping_address),
            (&body.billing_address, &mut c.billing_address),
        ] {
            let Some(a) = given else { continue };
            let fields = a.clone().fields(c.customer_id.clone());
            match (&a.id, slot.as_mut()) {
                (Some(id), Some(current)) if current.id.as_str() == id => {
                    current.fields = fields;
                    current.updated_at = now;
                }
                (Some(id), _) => {
                    return Err(Error::invalid_data(format!(
                        "Address with id: {id} was not found"
                    ))
                    .into());
                }
                (None, _) => *slot = Some(Address::new(fields, now)),
            }
        }
        Ok(())
    })
    .await?;
    respond_changed(&state, updated, &req).await
}

/// Add a line item (the same variant with the same metadata grows the existing line).
#[utoipa::path(post, path = "/store/carts/{id}/line-items", tag = "Store", request_body = ItemBody,
    params(("id" = String, Path, description = "Cart id"), FieldsQuery),
    security(("publishable_key" = [])),
    responses((status = 200, description = "`{cart}`", body = Object),
        (status = 400, description = "No price, insufficient inventory (`code: insufficient_inventory`), bad body", body = crate::openapi::ErrorBody),
        (status = 404, description = "No such cart", body = crate::openapi::ErrorBody)))]
#[post("/carts/{id}/line-items")]
pub async fn add_item(
    req: HttpRequest,
    state: State,
    path: web::Path<String>,
    customer: OptionalCustomer,
    body: StrictJson<ItemBody>,
) -> ApiResult<HttpResponse> {
    let _: FieldsQuery = parse_query(req.query_string())?;
    let body = body.0;
    quantity_above_zero(body.quantity)?;
    let who = requester(&customer);
    let now = state.clock.now();
    let metadata = body.metadata.map(Value::Object);
    let updated = cart::update_with(
        &state,
        &path,
        &who,
        Checks {
            stock: true,
            ..Checks::default()
        },
        |current| {
            let state = state.clone();
            async move {
                cart::new_line_item(&state, &current, &body.variant_id, body.quantity, metadata)
                    .await
            }
        },
        |c, line| {
            let mut fresh = line.clone();
            // A retry must not reuse an id another attempt may have stored.
            fresh.id = medusa_core::id::LineItemId::new();
            cart::add_or_merge(c, fresh, now);
            Ok(())
        },
    )
    .await?;
    respond_changed(&state, updated, &req).await
}

/// Change a line item's quantity (0 removes it) or metadata.
#[utoipa::path(post, path = "/store/carts/{id}/line-items/{line_id}", tag = "Store",
    request_body = UpdateItemBody,
    params(("id" = String, Path, description = "Cart id"),
        ("line_id" = String, Path, description = "Line item id"), FieldsQuery),
    security(("publishable_key" = [])),
    responses((status = 200, description = "`{cart}`", body = Object),
        (status = 400, description = "Insufficient inventory, bad body", body = crate::openapi::ErrorBody),
        (status = 404, description = "No such cart or item", body = crate::openapi::ErrorBody)))]
#[post("/carts/{id}/line-items/{line_id}")]
pub async fn update_item(
    req: HttpRequest,
    state: State,
    path: web::Path<(String, String)>,
    customer: OptionalCustomer,
    body: StrictJson<UpdateItemBody>,
) -> ApiResult<HttpResponse> {
    let _: FieldsQuery = parse_query(req.query_string())?;
    let (id, line_id) = path.into_inner();
    let body = body.0;
    if body.quantity < 0 {
        return Err(Error::invalid_data(
            "Invalid request: Value for field 'quantity' too small, expected at least: '0'",
        )
        .into());
    }
    let now = state.clock.now();
    let updated = cart::update(
        &state,
        &id,
        &requester(&customer),
        Checks {
            stock: true,
            ..Checks::default()
        },
        |c| {
            let Some(pos) = c.items.iter().position(|i| i.id.as_str() == line_id) else {
                return Err(Error::not_found(format!(
                    "Line item with id: {line_id} was not found"
                ))
                .into());
            };
            if body.quantity == 0 {
                c.items.remove(pos);
            } else {
                let item = &mut c.items[pos];
                item.quantity = body.quantity;
                if let Some(m) = &body.metadata {
                    item.metadata = Some(Value::Object(m.clone()));
                }
                item.updated_at = now;
            }
            Ok(())
        },
    )
    .await?;
    respond_changed(&state, updated, &req).await
}

/// Remove a line item: `{id, object: "line-item", deleted: true, parent: <cart>}`.
#[utoipa::path(delete, path = "/store/carts/{id}/line-items/{line_id}", tag = "Store",
    params(("id" = String, Path, description = "Cart id"),
        ("line_id" = String, Path, description = "Line item id"), FieldsQuery),
    security(("publishable_key" = [])),
    responses((status = 200, description = "`{id, object, deleted, parent}`", body = Object),
        (status = 404, description = "No such cart", body = crate::openapi::ErrorBody)))]
#[delete("/carts/{id}/line-items/{line_id}")]
pub async fn delete_item(
    req: HttpRequest,
    state: State,
    path: web::Path<(String, String)>,
    customer: OptionalCustomer,
) -> ApiResult<HttpResponse> {
    let q: FieldsQuery = parse_query(req.query_string())?;
    let (id, line_id) = path.into_inner();
    // Medusa's delete of an unknown line is a no-op that still answers `deleted: true`.
    let updated = cart::update(&state, &id, &requester(&customer), Checks::default(), |c| {
        c.items.retain(|i| i.id.as_str() != line_id);
        Ok(())
    })
    .await?;
    let parent = render::cart_json_with(
        &state,
        &updated.cart,
        q.fields.as_deref(),
        updated.payment_collection,
    )
    .await?;
    Ok(response::deleted(
        &line_id,
        "line-item",
        Some(("cart", parent)),
    ))
}

/// Choose the shipping method: replaces any earlier one (Medusa 2.13+), priced by the server.
#[utoipa::path(post, path = "/store/carts/{id}/shipping-methods", tag = "Store",
    request_body = ShippingMethodBody,
    params(("id" = String, Path, description = "Cart id"), FieldsQuery),
    security(("publishable_key" = [])),
    responses((status = 200, description = "`{cart}`", body = Object),
        (status = 400, description = "`Shipping Options are invalid for cart.`", body = crate::openapi::ErrorBody),
        (status = 404, description = "No such cart", body = crate::openapi::ErrorBody)))]
#[post("/carts/{id}/shipping-methods")]
pub async fn add_shipping_method(
    req: HttpRequest,
    state: State,
    path: web::Path<String>,
    customer: OptionalCustomer,
    body: StrictJson<ShippingMethodBody>,
) -> ApiResult<HttpResponse> {
    let _: FieldsQuery = parse_query(req.query_string())?;
    let body = body.0;
    let who = requester(&customer);
    let data = body.data.map(Value::Object);
    let updated = cart::update_with(
        &state,
        &path,
        &who,
        Checks::default(),
        |current| {
            let state = state.clone();
            async move { cart::shipping::method_for(&state, &current, &body.option_id, data).await }
        },
        |c, method| {
            let mut fresh = method.clone();
            fresh.id = medusa_cart::ShippingMethodId::new();
            c.shipping_methods = vec![fresh];
            Ok(())
        },
    )
    .await?;
    respond_changed(&state, updated, &req).await
}

/// Recalculate the cart's taxes now, even in a region without automatic taxes.
#[utoipa::path(post, path = "/store/carts/{id}/taxes", tag = "Store",
    params(("id" = String, Path, description = "Cart id"), FieldsQuery),
    security(("publishable_key" = [])),
    responses((status = 200, description = "`{cart}`", body = Object),
        (status = 404, description = "No such cart", body = crate::openapi::ErrorBody)))]
#[post("/carts/{id}/taxes")]
pub async fn calculate_taxes(
    req: HttpRequest,
    state: State,
    path: web::Path<String>,
    customer: OptionalCustomer,
) -> ApiResult<HttpResponse> {
    let _: FieldsQuery = parse_query(req.query_string())?;
    let updated = cart::update(
        &state,
        &path,
        &requester(&customer),
        Checks {
            force_taxes: true,
            ..Checks::default()
        },
        |_| Ok(()),
    )
    .await?;
    respond_changed(&state, updated, &req).await
}

/// Give a guest cart to the logged-in customer (the starter calls it after login).
#[utoipa::path(post, path = "/store/carts/{id}/customer", tag = "Store",
    params(("id" = String, Path, description = "Cart id"), FieldsQuery),
    security(("publishable_key" = [])),
    responses((status = 200, description = "`{cart}`", body = Object),
        (status = 401, description = "Not logged in", body = crate::openapi::ErrorBody),
        (status = 404, description = "No such cart", body = crate::openapi::ErrorBody)))]
#[post("/carts/{id}/customer")]
pub async fn transfer(
    req: HttpRequest,
    state: State,
    path: web::Path<String>,
    customer: OptionalCustomer,
) -> ApiResult<HttpResponse> {
    let _: FieldsQuery = parse_query(req.query_string())?;
    let Some(customer_id) = customer.0.as_ref().map(|c| c.to_string()) else {
        return Err(crate::error::ApiError::Unauthenticated);
    };
    let email = cart::customer::email(&state, &customer_id).await?;
    // A guest cart (or the customer's own) is found; another customer's stays a 404.
    let who = requester(&customer);
    let updated = cart::update(&state, &path, &who, Checks::default(), |c| {
        c.customer_id = Some(customer_id.clone());
        if email.is_some() {
            c.email = email.clone();
        }
        Ok(())
    })
    .await?;
    respond_changed(&state, updated, &req).await
}

/// Complete the cart: `{type: "order", order}`, or `{type: "cart", cart, error}` when the payment
/// was refused. Exactly one order per cart, whatever the concurrency.
#[utoipa::path(post, path = "/store/carts/{id}/complete", tag = "Store",
    params(("id" = String, Path, description = "Cart id"), FieldsQuery),
    security(("publishable_key" = [])),
    responses((status = 200, description = "`{type: \"order\", order}` or `{type: \"cart\", cart, error}`", body = Object),
        (status = 400, description = "Missing shipping or payment, insufficient inventory", body = crate::openapi::ErrorBody),
        (status = 404, description = "No such cart", body = crate::openapi::ErrorBody),
        (status = 409, description = "Another completion of the cart did not finish in time", body = crate::openapi::ErrorBody)))]
#[post("/carts/{id}/complete")]
pub async fn complete(
    req: HttpRequest,
    state: State,
    path: web::Path<String>,
    customer: OptionalCustomer,
) -> ApiResult<HttpResponse> {
    let q: FieldsQuery = parse_query(req.query_string())?;
    let body =
        match crate::checkout::complete(&state, &path, &requester(&customer), q.fields.as_deref())
            .await?
        {
            crate::checkout::Completed::Order(order) => {
                serde_json::json!({"type": "order", "order": order})
            }
            crate::checkout::Completed::Cart { cart, error } => {
                serde_json::json!({"type": "cart", "cart": cart, "error": error})
            }
        };
    Ok(HttpResponse::Ok().json(body))
}
