//! What the cart flow needs from the customer module.

use medusa_core::id::CustomerId;
use serde_json::Value;

use crate::error::ApiResult;
use crate::routes::store::customers::{customer_json as render_customer, service};
use crate::state::State;

pub use crate::middleware::customer::OptionalCustomer;

/// Columns and relations a cart's `customer` may show; the cart's `fields` narrow them.
const CUSTOMER_FIELDS: &[&str] = &[
    "id",
    "email",
    "company_name",
    "first_name",
    "last_name",
    "phone",
    "metadata",
    "has_account",
    "created_at",
    "updated_at",
    "deleted_at",
    "*groups",
];

fn parse(id: &str) -> Option<CustomerId> {
    CustomerId::parse(id).ok()
}

/// The customer's group ids (price lists may target them).
pub async fn group_ids(state: &State, customer_id: &str) -> ApiResult<Vec<String>> {
    let Some(id) = parse(customer_id) else {
        return Ok(Vec::new());
    };
    Ok(service(state)?
        .group_ids(&id)
        .await?
        .into_iter()
        .map(|g| g.to_string())
        .collect())
}

/// The customer's email, which a cart created by them starts with.
pub async fn email(state: &State, customer_id: &str) -> ApiResult<Option<String>> {
    let Some(id) = parse(customer_id) else {
        return Ok(None);
    };
    match service(state)?.retrieve(&id).await {
        Ok(c) => Ok(c.email),
        Err(medusa_customer::CustomerError::NotFound(_)) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// The cart's `customer` relation; `None` when the customer no longer exists.
pub async fn customer_json(state: &State, customer_id: &str) -> ApiResult<Option<Value>> {
    let Some(id) = parse(customer_id) else {
        return Ok(None);
    };
    let gone = || medusa_core::Error::not_found("customer");
    match render_customer(state, &id, None, CUSTOMER_FIELDS, gone).await {
        Ok(v) => Ok(Some(v)),
        Err(crate::error::ApiError::Core(e))
            if e.kind() == Some(medusa_core::ErrorType::NotFound) =>
        {
            Ok(None)
        }
        Err(e) => Err(e),
    }
}
