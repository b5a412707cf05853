use std::sync::Arc;

use medusa_api_key::PublishableKeyContext;
use medusa_core::Clock;
use medusa_core::cache::TtlCache;
use medusa_core::config::Config;
use medusa_core::registry::Registry;
use sea_orm::DatabaseConnection;

use crate::cart::catalog::{StockFlags, VariantSnapshot};
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
/// (variant, currency, region) of [`Caches::cart_prices`].
pub type PriceKey = (String, String, Option<String>);

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
    /// Cart catalog lookups (`cart::catalog`), each tagged with the counter it was built under:
    /// (variant, sales channel) -> line-item snapshot.
    pub cart_variants: TtlCache<(String, Option<String>), (i64, Option<VariantSnapshot>)>,
    /// Variant -> its stock flags.
    pub variant_flags: TtlCache<String, (i64, StockFlags)>,
    /// Sales channel -> the stock locations serving it.
    pub channel_locations: TtlCache<String, (i64, Vec<String>)>,
    /// (product, wanted relations) -> the product as cart items render it.
    pub cart_products: TtlCache<(String, u8), (i64, std::sync::Arc<serde_json::Value>)>,
    /// (variant, stock locations) -> what they can still sell (`None`: no inventory), under the
    /// inventory counter.
    pub availability: TtlCache<(String, Vec<String>), (i64, Option<i64>)>,
    /// A variant's stored prices per (variant, currency, region), under the catalog counter.
    pub cart_prices:
        TtlCache<PriceKey, (i64, Option<medusa_pricing::calculate::VariantPriceInputs>)>,
}

impl Caches {
    pub fn new(ttl: std::time::Duration) -> Self {
        Caches {
            publishable_keys: TtlCache::new(ttl, 10_000),
            regions: TtlCache::new(ttl, 1_000),
            region_details: TtlCache::new(ttl, 1_000),
            responses: TtlCache::new(ttl, 2_000),
            cart_variants: TtlCache::new(ttl, 20_000),
            variant_flags: TtlCache::new(ttl, 50_000),
            channel_locations: TtlCache::new(ttl, 1_000),
            cart_products: TtlCache::new(ttl, 20_000),
            cart_prices: TtlCache::new(ttl, 50_000),
            availability: TtlCache::new(ttl, 50_000),
        }
    }
}

pub type State = actix_web::web::Data<AppState>;
