//! `cargo xtask bench`: the catalog's speed on the seeded store, measured with `wrk` (Debian
//! package `wrk`) against a release build, on SQLite and/or PostgreSQL. Prints a table of
//! requests/s and p50/p99 latency per route. Traffic goes to 127.0.0.1 only.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use medusa_core::config::Config;
use sea_orm_migration::MigratorTrait;

pub struct BenchArgs {
    pub backends: Vec<&'static str>,
    pub duration_secs: u64,
    pub connections: u32,
}

struct Row {
    backend: &'static str,
    cache: &'static str,
    route: &'static str,
    rps: f64,
    p50: String,
    p99: String,
    errors: String,
}

fn free_port() -> anyhow::Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port())
}

/// Kills the server it wraps when dropped (by PID; it is our own child).
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

async fn wait_healthy(port: u16) -> anyhow::Result<()> {
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(60) {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    bail!("the server did not start listening on port {port}")
}

/// Seeds `url` in-process and returns (publishable key, EUR region id, a product id).
async fn prepare(url: &str) -> anyhow::Result<(String, String, String)> {
    let env = vec![
        ("DATABASE_URL".to_owned(), url.to_owned()),
        ("MEDUSA_CONFIG".to_owned(), String::new()),
    ];
    let config = Config::load_from(&env)?;
    let db = medusa_db::connect(&config).await?;
    medusa_api::Migrator::up(&db, None).await?;
    let ctx = medusa_core::registry::ModuleContext {
        db: db.clone(),
        config: std::sync::Arc::new(config),
        clock: std::sync::Arc::new(medusa_core::SystemClock),
    };
    let registry = medusa_core::registry::Registry::build(&ctx, &medusa_api::modules());
    let seeded = medusa_api::seed::seed(&registry).await?;
    let regions = registry.get::<dyn medusa_region::RegionService>()?;
    let eur = regions
        .list_countries()
        .await?
        .into_iter()
        .find(|c| c.iso_2 == "de")
        .and_then(|c| c.region_id)
        .context("the seed has no region for de")?;
    let catalog = registry.get::<dyn medusa_product::ProductService>()?;
    let page = medusa_product::Page {
        limit: 1,
        offset: 0,
        order: None,
    };
    let product = catalog
        .list_products(&medusa_product::ProductFilter::default(), &page)
        .await?
        .0
        .into_iter()
        .next()
        .context("the seed has no product")?;
    db.close().await?;
    Ok((seeded.publishable_key, eur.to_string(), product.id))
}

fn wrk(url: &str, key: &str, args: &BenchArgs) -> anyhow::Result<(f64, String, String, String)> {
    let out = Command::new("wrk")
        .args([
            "-t2",
            &format!("-c{}", args.connections),
            &format!("-d{}s", args.duration_secs),
            "--latency",
            "-H",
            &format!("x-publishable-api-key: {key}"),
            url,
        ])
        .output()
        .context("running wrk (install it with `apt-get install wrk`)")?;
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    if !out.status.success() {
        bail!("wrk failed: {text}{}", String::from_utf8_lossy(&out.stderr));
    }
    let field = |prefix: &str| -> String {
        text.lines()
            .map(str::trim)
            .find(|l| l.starts_with(prefix))
            .and_then(|l| l.split_whitespace().nth(1))
            .unwrap_or("?")
            .to_owned()
    };
    let rps: f64 = field("Requests/sec:").parse().unwrap_or(0.0);
    let errors = text
        .lines()
        .find(|l| l.contains("Non-2xx") || l.contains("Socket errors"))
        .map(|l| l.trim().to_owned())
        .unwrap_or_else(|| "none".into());
    Ok((rps, field("50%"), field("99%"), errors))
}

pub async fn bench(root: &Path, args: BenchArgs) -> anyhow::Result<()> {
    if Command::new("wrk").arg("--version").output().is_err() {
        bail!("wrk is not installed: `apt-get install wrk`");
    }
    let status = Command::new("cargo")
        .args(["build", "--release", "-p", "medusa-api"])
        .current_dir(root)
        .status()?;
    if !status.success() {
        bail!("release build failed");
    }
    let bin = root.join("target/release/medusa-api");
    let mut rows = Vec::new();
    for backend in args.backends.clone() {
        let dir = tempfile_dir()?;
        let (url, pg_name) = match backend {
            "sqlite" => (
                format!("sqlite://{}/bench.db?mode=rwc", dir.display()),
                None,
            ),
            _ => {
                let name = format!("medusa_bench_{}", std::process::id());
                let server = medusa_db::testing::postgres_server_url();
                let admin =
                    medusa_db::connect_postgres(&format!("{server}/postgres"), None, None, 1)
                        .await?;
                use sea_orm::ConnectionTrait;
                admin
                    .execute_unprepared(&format!("DROP DATABASE IF EXISTS \"{name}\""))
                    .await?;
                admin
                    .execute_unprepared(&format!("CREATE DATABASE \"{name}\""))
                    .await?;
                admin.close().await?;
                (format!("{server}/{name}"), Some(name))
            }
        };
        let (key, region, product) = prepare(&url).await?;
        // Each route with the response cache (the default) and without it (every request
        // renders from the database), so neither figure hides the other.
        for (cache, ttl) in [("cached", "5s"), ("uncached", "0s")] {
            let port = free_port()?;
            let server = Server(
                Command::new(&bin)
                    .env("DATABASE_URL", &url)
                    .env("MEDUSA_CONFIG", "")
                    .env("HOST", "127.0.0.1")
                    .env("PORT", port.to_string())
                    .env("WORKER_MODE", "server")
                    .env("AUTO_SEED", "false")
                    .env("CACHE_TTL", ttl)
                    .env("RUST_LOG", "error")
                    .stdout(Stdio::null())
                    .stderr(Stdio::null())
                    .spawn()?,
            );
            wait_healthy(port).await?;
            let base = format!("http://127.0.0.1:{port}");
            for (route, path) in [
                (
                    "GET /store/products?limit=20&region_id",
                    format!("/store/products?limit=20&region_id={region}"),
                ),
                (
                    "GET /store/products/:id?region_id",
                    format!("/store/products/{product}?region_id={region}"),
                ),
            ] {
                // A short warm-up, then the measured run.
                let warm = BenchArgs {
                    backends: vec![],
                    duration_secs: 2,
                    connections: args.connections,
                };
                wrk(&format!("{base}{path}"), &key, &warm)?;
                let (rps, p50, p99, errors) = wrk(&format!("{base}{path}"), &key, &args)?;
                rows.push(Row {
                    backend,
                    cache,
                    route,
                    rps,
                    p50,
                    p99,
                    errors,
                });
            }
            drop(server);
        }
        if let Some(name) = pg_name {
            let admin = medusa_db::connect_postgres(
                &format!("{}/postgres", medusa_db::testing::postgres_server_url()),
                None,
                None,
                1,
            )
            .await?;
            use sea_orm::ConnectionTrait;
            admin
                .execute_unprepared(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
                .await?;
        }
        let _ = std::fs::remove_dir_all(&dir);
    }
    println!();
    println!(
        "{:<9} {:<9} {:<42} {:>10} {:>10} {:>10}  non-2xx/errors",
        "backend", "cache", "route", "req/s", "p50", "p99"
    );
    for r in &rows {
        println!(
            "{:<9} {:<9} {:<42} {:>10.0} {:>10} {:>10}  {}",
            r.backend, r.cache, r.route, r.rps, r.p50, r.p99, r.errors
        );
    }
    println!(
        "\n{} connections, {} s per route, wrk and the server sharing this machine's cores.",
        args.connections, args.duration_secs
    );
    Ok(())
}

fn tempfile_dir() -> anyhow::Result<std::path::PathBuf> {
    let dir = std::env::temp_dir().join(format!("medusa-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}
