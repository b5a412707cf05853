use std::sync::Arc;

use medusa_api_key::PublishableKeyContext;
use medusa_core::Clock;
use medusa_core::cache::TtlCache;
use medusa_core::config::Config;
use medusa_core::registry::Registry;
use sea_orm::DatabaseConnection;

use crate::redis::Redis;

/// Everything a handler may need, shared by all workers.
pub struct AppState {
    pub config: Arc<Config>,
    pub db: DatabaseConnection,
    pub registry: Arc<Registry>,
    pub redis: Option<Redis>,
    pub clock: Arc<dyn Clock>,
    pub caches: Caches,
}

/// Short-lived lookups on the hot path (`CACHE_TTL`); see `medusa_core::cache`.
pub struct Caches {
    /// Publishable token -> its context (`None`: unknown or revoked).
    pub publishable_keys: TtlCache<String, Option<PublishableKeyContext>>,
    /// Region id -> region (`None`: unknown).
    pub regions: TtlCache<String, Option<medusa_region::Region>>,
    /// Region id -> region with its countries and payment providers (`None`: unknown). Carts
    /// render their region on every response.
    pub region_details: TtlCache<String, Option<medusa_region::RegionDetails>>,
    /// Rendered catalog responses, tagged with the change counters they were built from
    /// (`medusa_db::versions`): reused only while no process has changed the catalog since.
    pub responses: TtlCache<String, (Vec<i64>, actix_web::web::Bytes)>,
}

impl Caches {
    pub fn new(ttl: std::time::Duration) -> Self {
        Caches {
            publishable_keys: TtlCache::new(ttl, 10_000),
            regions: TtlCache::new(ttl, 1_000),
            region_details: TtlCache::new(ttl, 1_000),
            responses: TtlCache::new(ttl, 2_000),
        }
    }
}

pub type State = actix_web::web::Data<AppState>;
