//! `GET /store/shipping-options?cart_id=` and `POST /store/shipping-options/:id/calculate`: the
//! options a cart may choose, priced by the server for the cart's currency and region.

use actix_web::{HttpRequest, HttpResponse, get, post, web};
use medusa_core::Error;
use medusa_core::fields::Shape;
use medusa_core::request::parse_query;
use serde::Deserialize;
use serde_json::{Map, Value, json};
use utoipa::{IntoParams, OpenApi, ToSchema};

use crate::cart::{self, Requester};
use crate::error::ApiResult;
use crate::extract::StrictJson;
use crate::middleware::customer::OptionalCustomer;
use crate::shipping::{OptionFlags, render_store_option, render_store_options};
use crate::state::State;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(list).service(calculate);
}

#[derive(OpenApi)]
#[openapi(paths(list, calculate), components(schemas(CalculateBody)))]
pub struct Api;

const LEAF: Shape = Shape::LEAF;
const LOCATION: Shape = Shape {
    relations: &[("address", &LEAF)],
};
const SET: Shape = Shape {
    relations: &[("location", &LOCATION)],
};
const ZONE: Shape = Shape {
    relations: &[("fulfillment_set", &SET)],
};
const OPTION: Shape = Shape {
    relations: &[
        ("service_zone", &ZONE),
        ("type", &LEAF),
        ("provider", &LEAF),
        ("rules", &LEAF),
        ("prices", &LEAF),
    ],
};

/// Everything the route returns without `fields` (golden 13).
const DEFAULT_FIELDS: &[&str] = &[
    "id",
    "name",
    "price_type",
    "service_zone_id",
    "shipping_profile_id",
    "provider_id",
    "data",
    "*service_zone",
    "*service_zone.fulfillment_set",
    "*service_zone.fulfillment_set.location",
    "*service_zone.fulfillment_set.location.address",
    "*type",
    "*provider",
    "*rules",
    "*prices",
    "calculated_price",
    "amount",
    "is_tax_inclusive",
    "insufficient_inventory",
];

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// The cart to list options for.
    pub cart_id: String,
    /// Return options are never offered in the store; `true` lists none.
    pub is_return: Option<bool>,
    pub fields: Option<String>,
}

/// `POST /store/shipping-options/:id/calculate` body.
#[derive(Debug, Deserialize, ToSchema)]
pub struct CalculateBody {
    pub cart_id: String,
    #[schema(value_type = Option<Object>)]
    pub data: Option<Map<String, Value>>,
}

fn requester(customer: &OptionalCustomer) -> Requester {
    Requester {
        customer_id: customer.0.as_ref().map(|c| c.to_string()),
    }
}

/// List the shipping options a cart may use.
#[utoipa::path(get, path = "/store/shipping-options", tag = "Store", params(ListQuery),
    security(("publishable_key" = [])),
    responses((status = 200, description = "`{shipping_options}`", body = Object),
        (status = 400, description = "Missing `cart_id`", body = crate::openapi::ErrorBody),
        (status = 404, description = "No such cart", body = crate::openapi::ErrorBody)))]
#[get("/shipping-options")]
pub async fn list(
    req: HttpRequest,
    state: State,
    customer: OptionalCustomer,
) -> ApiResult<HttpResponse> {
    let q: ListQuery = parse_query(req.query_string())?;
    let c = cart::retrieve(&state, &q.cart_id, &requester(&customer)).await?;
    let options = if q.is_return == Some(true) {
        Vec::new()
    } else {
        cart::shipping::available(&state, &c).await?
    };
    let mut rendered =
        Value::Array(render_store_options(&state, &options, OptionFlags::default()).await?);
    if q.fields.is_some() {
        crate::response::project(&mut rendered, q.fields.as_deref(), DEFAULT_FIELDS, &OPTION);
    }
    Ok(HttpResponse::Ok().json(json!({ "shipping_options": rendered })))
}

/// The price of an option for a cart (flat-rate options answer their flat price).
#[utoipa::path(post, path = "/store/shipping-options/{id}/calculate", tag = "Store",
    request_body = CalculateBody,
    params(("id" = String, Path, description = "Shipping option id")),
    security(("publishable_key" = [])),
    responses((status = 200, description = "`{shipping_option}`", body = Object),
        (status = 400, description = "The option is not available for the cart", body = crate::openapi::ErrorBody),
        (status = 404, description = "No such cart", body = crate::openapi::ErrorBody)))]
#[post("/shipping-options/{id}/calculate")]
pub async fn calculate(
    state: State,
    path: web::Path<String>,
    customer: OptionalCustomer,
    body: StrictJson<CalculateBody>,
) -> ApiResult<HttpResponse> {
    let body = body.0;
    let c = cart::retrieve(&state, &body.cart_id, &requester(&customer)).await?;
    let id = path.into_inner();
    let options = cart::shipping::available(&state, &c).await?;
    let Some(found) = options.iter().find(|o| o.option.id.as_str() == id) else {
        return Err(Error::invalid_data(format!(
            "Shipping option with id: {id} is not available for cart {}",
            c.id
        ))
        .into());
    };
    let locations = crate::shipping::locations_of(&state, std::slice::from_ref(found)).await?;
    let option = render_store_option(
        found,
        locations.get(&found.stock_location_id),
        OptionFlags::default(),
    );
    Ok(HttpResponse::Ok().json(json!({ "shipping_option": option })))
}
