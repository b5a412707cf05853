use std::sync::Arc;

use medusa_core::Clock;
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
}

pub type State = actix_web::web::Data<AppState>;
