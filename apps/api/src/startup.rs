//! Building and running the server: connect, migrate (embedded mode), build the registry,
//! start the in-process job loop when this process runs jobs, and serve.

use std::net::TcpListener;
use std::sync::Arc;

use actix_web::dev::{Server, ServerHandle};
use actix_web::middleware::from_fn;
use actix_web::{App, HttpRequest, HttpServer, web};
use anyhow::Context;
use medusa_core::Clock;
use medusa_core::config::{Config, DatabaseKind};
use medusa_core::registry::{ModuleContext, Registry};
use sea_orm_migration::MigratorTrait;
use secrecy::ExposeSecret;
use tokio_util::sync::CancellationToken;
use tracing_actix_web::TracingLogger;

use crate::error::ApiError;
use crate::extract::BodyLimit;
use crate::middleware::{admin_auth, cors, publishable_key, request_id};
use crate::redis::Redis;
use crate::state::AppState;
use crate::{Migrator, modules, openapi, routes};

/// How to build the server beyond the configuration (tests use fewer workers).
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// HTTP worker threads; `None` means one per core.
    pub workers: Option<usize>,
}

/// A built server: bound, migrated, ready to run.
pub struct Application {
    port: u16,
    server: Server,
    jobs: Option<tokio::task::JoinHandle<()>>,
    shutdown: CancellationToken,
    state: web::Data<AppState>,
}

impl Application {
    pub async fn build(
        config: Config,
        clock: Arc<dyn Clock>,
        options: Options,
    ) -> anyhow::Result<Application> {
        let config = Arc::new(config);
        let db = medusa_db::connect(&config).await?;
        let embedded = config.database_kind() == DatabaseKind::Sqlite;
        if embedded {
            // The embedded default needs no setup: its schema follows the code.
            Migrator::up(&db, None)
                .await
                .context("migrating the SQLite database")?;
        } else {
            warn_if_pending_migrations(&db).await;
        }
        let ctx = ModuleContext {
            db: db.clone(),
            config: config.clone(),
            clock: clock.clone(),
        };
        let registry = Arc::new(Registry::build(&ctx, &modules()));
        if embedded && config.auto_seed {
            first_run_seed(&registry).await?;
        }
        let redis = match &config.redis_url {
            Some(url) => Some(Redis::connect(url.expose_secret()).context("REDIS_URL")?),
            None => None,
        };
        let state = web::Data::new(AppState {
            config: config.clone(),
            db,
            registry,
            redis,
            clock,
            caches: crate::state::Caches::new(config.cache_ttl.0),
        });

        let shutdown = CancellationToken::new();
        let jobs = config.runs_jobs_in_process().then(|| {
            crate::jobs::spawn(
                &config,
                state.registry.clone(),
                state.clock.clone(),
                shutdown.clone(),
            )
        });

        let listener =
            TcpListener::bind((config.host.as_str(), config.port)).with_context(|| {
                format!(
                    "cannot listen on {}:{} (HOST/PORT)",
                    config.host, config.port
                )
            })?;
        let port = listener.local_addr()?.port();
        let server = server(listener, state.clone(), options.workers)?;

        tracing::info!(
            address = %format!("http://{}:{port}", config.host),
            database = %config.database_url_for_log(),
            backend = medusa_db::backend_name(&state.db),
            redis = config.redis_url_for_log().unwrap_or_else(|| "not configured".into()),
            jobs_in_process = jobs.is_some(),
            "medusa-rs api listening"
        );
        let default_secrets = config.default_secrets();
        if !default_secrets.is_empty() {
            tracing::warn!(variables = ?default_secrets, "using the default development secrets; set them in production");
        }
        Ok(Application {
            port,
            server,
            jobs,
            shutdown,
            state,
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn handle(&self) -> ServerHandle {
        self.server.handle()
    }

    pub fn state(&self) -> web::Data<AppState> {
        self.state.clone()
    }

    /// Serves until the server is stopped, then stops the job loop and waits for it.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let result = self.server.await;
        self.shutdown.cancel();
        if let Some(jobs) = self.jobs {
            let _ = jobs.await;
        }
        if let Some(redis) = &self.state.redis {
            redis.quit().await;
        }
        result
    }
}

/// The embedded first run: an empty database gets the demo store, and the console says how to
/// use it.
async fn first_run_seed(registry: &Registry) -> anyhow::Result<()> {
    if crate::seed::is_seeded(registry).await? {
        return Ok(());
    }
    let seeded = crate::seed::seed(registry)
        .await
        .context("seeding the demo store")?;
    tracing::info!(
        publishable_key = %seeded.publishable_key,
        products = seeded.products,
        "seeded the demo store; storefronts send the publishable key in x-publishable-api-key. \
         Create an admin user with: cargo xtask user --email admin@example.com --password supersecret"
    );
    Ok(())
}

async fn warn_if_pending_migrations(db: &sea_orm::DatabaseConnection) {
    match Migrator::get_pending_migrations(db).await {
        Ok(p) if !p.is_empty() => tracing::warn!(
            pending = p.len(),
            "the database has pending migrations: run `cargo xtask migrate up`"
        ),
        Ok(_) => {}
        Err(e) => tracing::warn!(error = %e, "could not read the migration status"),
    }
}

async fn not_found(req: HttpRequest) -> Result<actix_web::HttpResponse, ApiError> {
    Err(ApiError::RouteNotFound {
        method: req.method().to_string(),
        path: req.path().to_owned(),
    })
}

async fn openapi_json() -> actix_web::HttpResponse {
    actix_web::HttpResponse::Ok()
        .content_type("application/json")
        .body(openapi::spec_json())
}

fn server(
    listener: TcpListener,
    state: web::Data<AppState>,
    workers: Option<usize>,
) -> anyhow::Result<Server> {
    let limit = web::Data::new(BodyLimit(state.config.json_body_limit));
    let mut http = HttpServer::new(move || {
        let config = state.config.clone();
        App::new()
            .app_data(state.clone())
            .app_data(limit.clone())
            .wrap(from_fn(request_id::echo))
            .wrap(TracingLogger::default())
            .service(routes::health::health)
            .service(routes::health::ready)
            .service(routes::metrics::metrics)
            .route("/openapi.json", web::get().to(openapi_json))
            .service(
                utoipa_swagger_ui::SwaggerUi::new("/docs/{_:.*}")
                    .url("/docs/openapi.json", openapi::spec()),
            )
            .service(
                web::scope("/store")
                    .configure(routes::store::configure)
                    .wrap(from_fn(crate::cart::catalog::request_scope))
                    .wrap(from_fn(publishable_key::guard))
                    .wrap(cors::for_origins(&config.store_cors))
                    .default_service(web::to(not_found)),
            )
            .service(
                web::scope("/admin")
                    .configure(routes::admin::configure)
                    .wrap(from_fn(admin_auth::guard))
                    .wrap(cors::for_origins(&config.admin_cors))
                    .default_service(web::to(not_found)),
            )
            .service(
                web::scope("/auth")
                    .configure(routes::auth::configure)
                    .wrap(cors::for_origins(&config.auth_cors))
                    .default_service(web::to(not_found)),
            )
            .service(
                web::scope("/hooks")
                    .configure(routes::hooks::configure)
                    .default_service(web::to(not_found)),
            )
            .default_service(web::to(not_found))
    })
    // Signals are handled by the binaries, which stop the server and the job loop together.
    .disable_signals()
    .listen(listener)?;
    if let Some(w) = workers {
        http = http.workers(w);
    }
    Ok(http.run())
}
