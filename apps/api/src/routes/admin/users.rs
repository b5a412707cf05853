//! `GET /admin/users/me`: the signed-in user (the dashboard's first call after login).

use actix_web::{HttpResponse, get, web};
use chrono::{DateTime, SecondsFormat, Utc};
use medusa_core::Error;
use medusa_core::fields::Shape;
use medusa_core::id::UserId;
use medusa_user::{User, UserService};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use utoipa::{IntoParams, OpenApi, ToSchema};

use crate::auth::{AuthContext, SecuritySchemes};
use crate::error::ApiResult;
use crate::extract::StrictQuery;
use crate::response;
use crate::state::State;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(me);
}

#[derive(OpenApi)]
#[openapi(
    paths(me),
    components(schemas(AdminUser, AdminUserResponse)),
    modifiers(&SecuritySchemes)
)]
pub struct Api;

/// Medusa's `defaultAdminUserFields`.
const DEFAULT_FIELDS: &[&str] = &[
    "id",
    "first_name",
    "last_name",
    "email",
    "avatar_url",
    "metadata",
    "created_at",
    "updated_at",
    "deleted_at",
];

/// An admin user on the wire.
#[derive(Debug, Serialize, ToSchema)]
pub struct AdminUser {
    #[schema(example = "user_01JBX4Z6M3Q8Q5ZC7E0K9W2A1B")]
    pub id: String,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    #[schema(example = "admin@example.com")]
    pub email: String,
    pub avatar_url: Option<String>,
    pub metadata: Option<Map<String, Value>>,
    #[schema(example = "2024-05-01T10:00:00.000Z")]
    pub created_at: String,
    pub updated_at: String,
    pub deleted_at: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct AdminUserResponse {
    pub user: AdminUser,
}

/// Timestamps as JavaScript prints them, as Medusa sends them.
fn js_time(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

impl From<User> for AdminUser {
    fn from(u: User) -> Self {
        AdminUser {
            id: u.id.into_string(),
            first_name: u.first_name,
            last_name: u.last_name,
            email: u.email,
            avatar_url: u.avatar_url,
            metadata: u.metadata,
            created_at: js_time(u.created_at),
            updated_at: js_time(u.updated_at),
            deleted_at: u.deleted_at.map(js_time),
        }
    }
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MeQuery {
    /// Medusa's field selection.
    pub fields: Option<String>,
}

/// The authenticated user.
#[utoipa::path(
    get,
    path = "/admin/users/me",
    operation_id = "GetAdminUsersMe",
    tag = "Admin",
    params(MeQuery),
    security(("jwt_token" = []), ("cookie_auth" = []), ("secret_key" = [])),
    responses(
        (status = 200, description = "`{user}`", body = AdminUserResponse),
        (status = 401, description = "Not signed in", body = crate::openapi::UnauthorizedBody),
        (status = 404, description = "The caller is not a user (a secret API key), or the user was deleted", body = crate::openapi::ErrorBody),
    )
)]
#[get("/users/me")]
pub async fn me(
    state: State,
    auth: web::ReqData<AuthContext>,
    query: StrictQuery<MeQuery>,
) -> ApiResult<HttpResponse> {
    let raw = auth.actor_id.as_str();
    if raw.is_empty() {
        return Err(Error::not_found("User ID not found").into());
    }
    let not_found = || Error::not_found(format!("User with id: {raw} was not found"));
    // A secret API key is an admin actor too, but not a user.
    let id = UserId::parse(raw).map_err(|_| not_found())?;
    let users = state
        .registry
        .get::<dyn UserService>()
        .map_err(Error::internal)?;
    let user = users.retrieve(&id).await?;
    let mut body = serde_json::to_value(AdminUser::from(user)).map_err(Error::internal)?;
    response::project(
        &mut body,
        query.0.fields.as_deref(),
        DEFAULT_FIELDS,
        &Shape::LEAF,
    );
    Ok(response::one("user", body))
}
