//! Who the shopper is on `/store`: the customer of a session cookie or a bearer token
//! (`actor_type` "customer" with an `actor_id`), read as Medusa's
//! `authenticate("customer", ["session", "bearer"])` reads it.
//!
//! [`OptionalCustomer`] is for routes open to guests (a cart that belongs to a customer is
//! private to them); [`AuthenticatedCustomer`] answers Medusa's 401 `{"message":
//! "Unauthorized"}` when there is no customer, as `/store/customers/me*` does. A registration
//! token (an identity with no customer yet) is neither.

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest};
use medusa_core::id::CustomerId;

use crate::auth::{AuthContext, LocalFuture, Rule, extract};
use crate::error::ApiError;

/// The customer id of an authenticated customer context. An id that does not parse is no
/// customer at all (tokens are signed by us, so this does not happen in practice).
fn customer_id(ctx: Option<AuthContext>) -> Option<CustomerId> {
    ctx.and_then(|c| CustomerId::parse(&c.actor_id).ok())
}

/// The customer a store request is authenticated as, if any. A missing, invalid or expired
/// credential is simply a guest, as with Medusa's `allowUnauthenticated`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OptionalCustomer(pub Option<CustomerId>);

impl FromRequest for OptionalCustomer {
    type Error = ApiError;
    type Future = LocalFuture<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let fut = extract(req, Rule::STORE_CUSTOMER);
        Box::pin(async move { Ok(OptionalCustomer(customer_id(fut.await?))) })
    }
}

/// The customer a store request is authenticated as; 401 `{"message": "Unauthorized"}`
/// without one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthenticatedCustomer(pub CustomerId);

impl FromRequest for AuthenticatedCustomer {
    type Error = ApiError;
    type Future = LocalFuture<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let fut = extract(req, Rule::STORE_CUSTOMER);
        Box::pin(async move {
            customer_id(fut.await?)
                .map(AuthenticatedCustomer)
                .ok_or(ApiError::Unauthenticated)
        })
    }
}
