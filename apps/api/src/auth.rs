//! Who is calling: Medusa's `auth_context`, read from a request the way Medusa's `authenticate`
//! middleware reads it (a session cookie first, then a bearer token), the extractors store
//! routes use for an optional customer, and the flow that creates an admin user account (it
//! spans the auth and user modules, so it lives here, above both).

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::http::header::{AUTHORIZATION, COOKIE, HeaderMap};
use actix_web::{FromRequest, HttpRequest};
use medusa_auth::{AuthService, Claims, SESSION_COOKIE};
use medusa_core::Error;
use medusa_core::registry::Registry;
use medusa_user::{CreateUser, Email, User, UserService};
use serde::Serialize;

use crate::error::ApiError;
use crate::state::{AppState, State};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ActorType {
    User,
    Customer,
    ApiKey,
}

impl ActorType {
    pub fn as_str(self) -> &'static str {
        match self {
            ActorType::User => "user",
            ActorType::Customer => "customer",
            ActorType::ApiKey => "api-key",
        }
    }

    /// The actor types a person can sign in as (`/auth/{actor_type}/...`).
    pub fn parse_person(s: &str) -> Option<ActorType> {
        match s {
            "user" => Some(ActorType::User),
            "customer" => Some(ActorType::Customer),
            _ => None,
        }
    }
}

/// Attached to authenticated requests (`req.auth_context` in Medusa).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthContext {
    /// Empty for a registration token (an identity without an actor yet).
    pub actor_id: String,
    pub actor_type: ActorType,
    pub auth_identity_id: String,
}

impl AuthContext {
    /// The context of a token's claims, when they are for a user or a customer.
    pub fn from_claims(claims: &Claims) -> Option<AuthContext> {
        Some(AuthContext {
            actor_id: claims.actor_id.clone(),
            actor_type: ActorType::parse_person(&claims.actor_type)?,
            auth_identity_id: claims.auth_identity_id.clone(),
        })
    }
}

/// What a route accepts, as the arguments of Medusa's `authenticate(actorType, authTypes,
/// options)`.
#[derive(Debug, Clone, Copy)]
pub struct Rule {
    /// `None` accepts any actor type (`"*"`).
    pub actor_type: Option<ActorType>,
    pub session: bool,
    pub bearer: bool,
    /// Also accept an identity that has no actor yet (a registration token).
    pub allow_unregistered: bool,
}

impl Rule {
    /// `/admin`: `authenticate("user", ["session", "bearer", "api-key"])` (the api key is checked
    /// by the admin guard itself).
    pub const ADMIN_USER: Rule = Rule {
        actor_type: Some(ActorType::User),
        session: true,
        bearer: true,
        allow_unregistered: false,
    };
    /// `/store`: `authenticate("customer", ["session", "bearer"], {allowUnauthenticated: true})`.
    pub const STORE_CUSTOMER: Rule = Rule {
        actor_type: Some(ActorType::Customer),
        session: true,
        bearer: true,
        allow_unregistered: false,
    };
    /// Store routes that create the customer: `{allowUnregistered: true}` as well.
    pub const STORE_CUSTOMER_IDENTITY: Rule = Rule {
        allow_unregistered: true,
        ..Rule::STORE_CUSTOMER
    };
}

/// The token of `Authorization: Bearer <token>` (the scheme in any case, as Medusa).
pub fn bearer_token(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(AUTHORIZATION)?.to_str().ok()?;
    let mut parts = value.split_whitespace();
    let (scheme, token) = (parts.next()?, parts.next()?);
    scheme.eq_ignore_ascii_case("bearer").then_some(token)
}

/// The value of the `connect.sid` cookie, if the request has one.
pub fn session_cookie(headers: &HeaderMap) -> Option<&str> {
    headers
        .get_all(COOKIE)
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == SESSION_COOKIE)
        .map(|(_, value)| value.trim().trim_matches('"'))
        .filter(|v| !v.is_empty())
}

fn auth_service(state: &AppState) -> Result<std::sync::Arc<dyn AuthService>, ApiError> {
    state
        .registry
        .get::<dyn AuthService>()
        .map_err(|e| ApiError::Core(Error::internal(e)))
}

/// Medusa's `authenticate`: the session's context if the rule takes sessions and the session's
/// actor type is permitted, else the bearer token's; then an actor is required unless the rule
/// allows unregistered identities. `None` means unauthenticated.
pub async fn authenticate(
    state: &AppState,
    headers: &HeaderMap,
    rule: Rule,
) -> Result<Option<Claims>, ApiError> {
    let permitted = |claims: &Claims| {
        rule.actor_type
            .is_none_or(|t| claims.actor_type == t.as_str())
    };
    let auth = auth_service(state)?;
    let mut found = None;
    if rule.session
        && let Some(cookie) = session_cookie(headers)
    {
        found = auth.resolve_session(cookie).await?.filter(permitted);
    }
    if found.is_none()
        && rule.bearer
        && let Some(token) = bearer_token(headers)
    {
        found = auth.verify_token(token).filter(permitted);
    }
    Ok(found.filter(|c| {
        c.is_registered() || (rule.allow_unregistered && !c.auth_identity_id.is_empty())
    }))
}

pub(crate) type LocalFuture<T> = Pin<Box<dyn Future<Output = T>>>;

pub(crate) fn extract(
    req: &HttpRequest,
    rule: Rule,
) -> LocalFuture<Result<Option<AuthContext>, ApiError>> {
    let state = req.app_data::<State>().cloned();
    let headers = req.headers().clone();
    Box::pin(async move {
        let state = state
            .ok_or_else(|| ApiError::Core(Error::internal(anyhow::anyhow!("app state missing"))))?;
        Ok(authenticate(&state, &headers, rule)
            .await?
            .as_ref()
            .and_then(AuthContext::from_claims))
    })
}

/// The auth context of the registered customer a store request is authenticated as, if any
/// (session cookie or bearer token). Medusa authenticates every store request this way with
/// `allowUnauthenticated`, so a missing or invalid token is simply `None`. Routes that only
/// need the customer's id use [`crate::middleware::customer::OptionalCustomer`].
#[derive(Debug, Clone)]
pub struct OptionalCustomer(pub Option<AuthContext>);

impl FromRequest for OptionalCustomer {
    type Error = ApiError;
    type Future = LocalFuture<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let fut = extract(req, Rule::STORE_CUSTOMER);
        Box::pin(async move { fut.await.map(OptionalCustomer) })
    }
}

/// Like [`OptionalCustomer`], but a registration token (an identity with no customer yet,
/// `actor_id` empty) counts too: for the routes that create the customer.
#[derive(Debug, Clone)]
pub struct OptionalCustomerIdentity(pub Option<AuthContext>);

impl FromRequest for OptionalCustomerIdentity {
    type Error = ApiError;
    type Future = LocalFuture<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let fut = extract(req, Rule::STORE_CUSTOMER_IDENTITY);
        Box::pin(async move { fut.await.map(OptionalCustomerIdentity) })
    }
}

/// Creates an admin user who signs in with `email` and `password` (Medusa's `medusa user`
/// command: register an emailpass identity, create the user, link the two through
/// `app_metadata.user_id`). If linking fails, the user is removed again.
pub async fn create_user_account(
    registry: &Registry,
    email: &str,
    password: &str,
) -> Result<User, Error> {
    let email = Email::parse(email)?;
    let auth = registry.get::<dyn AuthService>().map_err(Error::internal)?;
    let users = registry.get::<dyn UserService>().map_err(Error::internal)?;
    let identity = auth
        .register(
            "emailpass",
            &serde_json::json!({"email": email.as_str(), "password": password}),
        )
        .await?;
    let user = users.create(CreateUser::new(email)).await?;
    if let Err(e) = auth
        .link_actor(&identity.id, ActorType::User.as_str(), user.id.as_str())
        .await
    {
        if let Err(undo) = users.delete(&user.id).await {
            tracing::error!(user_id = %user.id, error = %undo, "could not remove a user whose identity link failed");
        }
        return Err(e.into());
    }
    Ok(user)
}

/// Creates the customer of a registration token's identity (Medusa's
/// `createCustomerAccountWorkflow`): a customer with `has_account`, linked to the identity
/// through `app_metadata.customer_id`. As in Medusa 2.21, the email is required (400) and may
/// not belong to another account (422; a guest record with the same email may exist). If
/// linking fails (the identity got a customer meanwhile), the customer is removed again and
/// the link error is returned (400 `invalid_data`).
pub async fn create_customer_account(
    registry: &Registry,
    auth_identity_id: &str,
    mut input: medusa_customer::CreateCustomer,
) -> Result<medusa_customer::Customer, Error> {
    use medusa_customer::CustomerService;
    let auth = registry.get::<dyn AuthService>().map_err(Error::internal)?;
    let customers = registry
        .get::<dyn CustomerService>()
        .map_err(Error::internal)?;
    let identity_id = medusa_auth::AuthIdentityId::parse(auth_identity_id)
        .map_err(|_| Error::unauthorized("Unauthorized"))?;
    if input.email.as_deref().is_none_or(str::is_empty) {
        return Err(Error::invalid_data(
            "Email is required to create a customer",
        ));
    }
    let identity = auth.retrieve(&identity_id).await?;
    input.has_account = true;
    let customer = match customers.create(input).await {
        Ok(c) => c,
        Err(medusa_customer::CustomerError::EmailTaken { .. }) => {
            return Err(Error::duplicate(
                "Customer with this email already has an account",
            ));
        }
        Err(e) => return Err(e.into()),
    };
    if let Err(e) = auth
        .link_actor(
            &identity.id,
            ActorType::Customer.as_str(),
            customer.id.as_str(),
        )
        .await
    {
        if let Err(undo) = customers.delete(&customer.id).await {
            tracing::error!(customer_id = %customer.id, error = %undo, "could not remove a customer whose identity link failed");
        }
        return Err(e.into());
    }
    Ok(customer)
}

/// Removes a customer (Medusa's `removeCustomerAccountWorkflow`): soft-deletes it with its
/// addresses and group memberships and, for an account, frees its auth identity
/// (`app_metadata.customer_id` removed), so the person can register again. Removing a customer
/// that does not exist (any more) succeeds.
pub async fn remove_customer_account(
    registry: &Registry,
    id: &medusa_core::id::CustomerId,
) -> Result<(), Error> {
    use medusa_customer::CustomerService;
    let auth = registry.get::<dyn AuthService>().map_err(Error::internal)?;
    let customers = registry
        .get::<dyn CustomerService>()
        .map_err(Error::internal)?;
    let had_account = match customers.retrieve(id).await {
        Ok(c) => c.has_account,
        Err(medusa_customer::CustomerError::NotFound(_)) => return Ok(()),
        Err(e) => return Err(e.into()),
    };
    customers.delete(id).await?;
    if had_account {
        auth.unlink_actor(ActorType::Customer.as_str(), id.as_str())
            .await?;
    }
    Ok(())
}

/// The OpenAPI security schemes of users and customers: `jwt_token` (`Authorization: Bearer`)
/// and `cookie_auth` (the `connect.sid` session cookie). Added by the auth and admin documents.
pub struct SecuritySchemes;

impl utoipa::Modify for SecuritySchemes {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{
            ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme,
        };
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "jwt_token",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .build(),
            ),
        );
        components.add_security_scheme(
            "cookie_auth",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::new(SESSION_COOKIE))),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::http::header::HeaderValue;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(
                actix_web::http::header::HeaderName::from_static(k),
                HeaderValue::from_str(v).unwrap(),
            );
        }
        h
    }

    #[test]
    fn bearer_tokens_are_read_like_medusa() {
        assert_eq!(
            bearer_token(&headers(&[("authorization", "Bearer abc")])),
            Some("abc")
        );
        assert_eq!(
            bearer_token(&headers(&[("authorization", "bearer   abc")])),
            Some("abc")
        );
        assert_eq!(
            bearer_token(&headers(&[("authorization", "Basic abc")])),
            None
        );
        assert_eq!(bearer_token(&headers(&[("authorization", "Bearer")])), None);
        assert_eq!(bearer_token(&headers(&[])), None);
    }

    #[test]
    fn the_session_cookie_is_found_among_others() {
        let h = headers(&[("cookie", "a=1; connect.sid=s%3Aabc.def; b=2")]);
        assert_eq!(session_cookie(&h), Some("s%3Aabc.def"));
        let h = headers(&[("cookie", "a=1"), ("cookie", "connect.sid=s%3Ax.y")]);
        assert_eq!(session_cookie(&h), Some("s%3Ax.y"));
        assert_eq!(
            session_cookie(&headers(&[("cookie", "connect.sid=")])),
            None
        );
        assert_eq!(
            session_cookie(&headers(&[("cookie", "xconnect.sid=1")])),
            None
        );
    }
}
