//! CORS per scope, from `STORE_CORS`, `ADMIN_CORS` and `AUTH_CORS` (as Medusa configures it):
//! credentials allowed, Medusa's method list, requested headers echoed.

use actix_cors::Cors;
use actix_web::http::Method;
use medusa_core::config::OriginList;

pub fn for_origins(origins: &OriginList) -> Cors {
    let mut cors = Cors::default()
        .allowed_methods([
            Method::GET,
            Method::HEAD,
            Method::PUT,
            Method::PATCH,
            Method::POST,
            Method::DELETE,
        ])
        .allow_any_header()
        .supports_credentials()
        .max_age(600);
    for origin in &origins.0 {
        if origin == "*" {
            // A literal `*` is refused by browsers on credentialed requests; the request's
            // origin is mirrored instead.
            cors = cors.allow_any_origin();
        } else {
            cors = cors.allowed_origin(origin);
        }
    }
    cors
}
