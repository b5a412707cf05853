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
    /// Only the routes whose name contains this text.
    pub only: Option<String>,
}

impl BenchArgs {
    fn wants(&self, route: &str) -> bool {
        self.only.as_deref().is_none_or(|o| route.contains(o))
    }
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

/// Seeds `url` in-process and returns (publishable key, EUR region id, a product id, every
/// variant id).
async fn prepare(url: &str) -> anyhow::Result<(String, String, String, Vec<String>)> {
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
    let all = medusa_product::Page {
        limit: 1000,
        offset: 0,
        order: None,
    };
    let variants: Vec<String> = catalog
        .list_variants(None, None, None, &all)
        .await?
        .0
        .into_iter()
        .map(|v| v.id)
        .collect();
    db.close().await?;
    Ok((
        seeded.publishable_key,
        eur.to_string(),
        product.id,
        variants,
    ))
}

fn wrk(url: &str, key: &str, args: &BenchArgs) -> anyhow::Result<(f64, String, String, String)> {
    wrk_script(url, key, args, None)
}

/// `wrk`, optionally driven by a Lua script (POST bodies, rotating paths).
fn wrk_script(
    url: &str,
    key: &str,
    args: &BenchArgs,
    script: Option<&Path>,
) -> anyhow::Result<(f64, String, String, String)> {
    let mut cmd = Command::new("wrk");
    if let Some(s) = script {
        cmd.arg("-s").arg(s);
    }
    let out = cmd
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
                // The database is on this machine: as a same-host deployment would, talk to it
                // over loopback without TLS (TLS costs both processes about a tenth of the CPU).
                (format!("{server}/{name}?sslmode=disable"), Some(name))
            }
        };
        let (key, region, product, variants) = prepare(&url).await?;
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
                if !args.wants(route) {
                    continue;
                }
                // A short warm-up, then the measured run.
                let warm = BenchArgs {
                    backends: vec![],
                    duration_secs: 2,
                    connections: args.connections,
                    only: None,
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
            if cache == "cached" {
                // Carts are never cached: these rows measure the database path.
                rows.extend(
                    cart_rows(backend, &base, &key, &region, &variants, &dir, &args).await?,
                );
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
    println!(
        "checkout: {SHOPPERS} shoppers in a closed loop (create cart, add item, address, shipping, payment session, complete); req/s column = completed checkouts/s, p50/p99 = one whole checkout."
    );
    Ok(())
}

/// Concurrent shoppers of the closed-loop checkout row.
const SHOPPERS: usize = 8;

/// `POST /store/carts`, add-to-cart on pre-made carts, and the closed-loop checkout.
async fn cart_rows(
    backend: &'static str,
    base: &str,
    key: &str,
    region: &str,
    variants: &[String],
    dir: &Path,
    args: &BenchArgs,
) -> anyhow::Result<Vec<Row>> {
    let mut rows = Vec::new();
    if args.wants("POST /store/carts") {
        let create = dir.join("create-cart.lua");
        std::fs::write(
            &create,
            format!(
                "wrk.method = \"POST\"\nwrk.body = '{{\"region_id\":\"{region}\"}}'\nwrk.headers[\"Content-Type\"] = \"application/json\"\n"
            ),
        )?;
        let (rps, p50, p99, errors) =
            wrk_script(&format!("{base}/store/carts"), key, args, Some(&create))?;
        rows.push(Row {
            backend,
            cache: "-",
            route: "POST /store/carts",
            rps,
            p50,
            p99,
            errors,
        });
    }

    if args.wants("POST /store/carts/:id/line-items") {
        // Add-to-cart rotates over many carts (wrk.format's headers replace the -H ones, so the key
        // is repeated in the script) and variants, so requests rarely touch one cart at
        // once (the same cart would serialise on its version check) and no variant runs out.
        let client = reqwest::Client::new();
        let mut carts = Vec::new();
        for _ in 0..512 {
            let res: serde_json::Value = client
                .post(format!("{base}/store/carts"))
                .header("x-publishable-api-key", key)
                .json(&serde_json::json!({"region_id": region}))
                .send()
                .await?
                .json()
                .await?;
            carts.push(
                res["cart"]["id"]
                    .as_str()
                    .context("cart creation failed")?
                    .to_owned(),
            );
        }
        let lua_list = |v: &[String]| {
            v.iter()
                .map(|s| format!("\"{s}\""))
                .collect::<Vec<_>>()
                .join(",")
        };
        let add = dir.join("add-to-cart.lua");
        std::fs::write(
            &add,
            format!(
                r#"local carts = {{{carts}}}
    local variants = {{{variants}}}
    local counter = 0
    function setup(thread)
      thread:set("offset", counter * 7919)
      counter = counter + 1
    end
    local i = 0
    request = function()
      i = i + 1
      local n = i + offset
      local cart = carts[(n % #carts) + 1]
      local variant = variants[(n % #variants) + 1]
      return wrk.format("POST", "/store/carts/" .. cart .. "/line-items",
        {{["Content-Type"] = "application/json", ["x-publishable-api-key"] = "{key}"}},
        '{{"variant_id":"' .. variant .. '","quantity":1}}')
    end
    "#,
                carts = lua_list(&carts),
                variants = lua_list(variants),
                key = key,
            ),
        )?;
        let (rps, p50, p99, errors) = wrk_script(base, key, args, Some(&add))?;
        rows.push(Row {
            backend,
            cache: "-",
            route: "POST /store/carts/:id/line-items",
            rps,
            p50,
            p99,
            errors,
        });
    }

    if args.wants("checkout (closed loop)") {
        let (rps, p50, p99, errors) = checkout_loop(base, key, region, variants, args).await?;
        rows.push(Row {
            backend,
            cache: "-",
            route: "checkout (closed loop)",
            rps,
            p50,
            p99,
            errors,
        });
    }
    Ok(rows)
}

/// One shopper's whole checkout; returns whether an order was placed.
async fn checkout(
    client: &reqwest::Client,
    base: &str,
    key: &str,
    region: &str,
    variant: &str,
) -> anyhow::Result<bool> {
    let post = |path: String, body: serde_json::Value| {
        let client = client.clone();
        let key = key.to_owned();
        async move {
            let res = client
                .post(path)
                .header("x-publishable-api-key", key)
                .json(&body)
                .send()
                .await?;
            anyhow::Ok(res.json::<serde_json::Value>().await?)
        }
    };
    let address = serde_json::json!({"first_name": "Bench", "last_name": "Shopper", "address_1": "1 Street", "city": "Berlin", "country_code": "de", "postal_code": "10115"});
    let cart = post(
        format!("{base}/store/carts"),
        serde_json::json!({"region_id": region, "email": "bench@example.com", "shipping_address": address, "billing_address": address}),
    )
    .await?;
    let id = cart["cart"]["id"].as_str().context("no cart")?.to_owned();
    post(
        format!("{base}/store/carts/{id}/line-items"),
        serde_json::json!({"variant_id": variant, "quantity": 1}),
    )
    .await?;
    let options: serde_json::Value = client
        .get(format!("{base}/store/shipping-options?cart_id={id}"))
        .header("x-publishable-api-key", key)
        .send()
        .await?
        .json()
        .await?;
    let option = options["shipping_options"][0]["id"]
        .as_str()
        .context("no shipping option")?
        .to_owned();
    post(
        format!("{base}/store/carts/{id}/shipping-methods"),
        serde_json::json!({"option_id": option}),
    )
    .await?;
    let collection = post(
        format!("{base}/store/payment-collections"),
        serde_json::json!({"cart_id": id}),
    )
    .await?;
    let collection = collection["payment_collection"]["id"]
        .as_str()
        .context("no payment collection")?
        .to_owned();
    post(
        format!("{base}/store/payment-collections/{collection}/payment-sessions"),
        serde_json::json!({"provider_id": "pp_system_default"}),
    )
    .await?;
    let done = post(
        format!("{base}/store/carts/{id}/complete"),
        serde_json::json!({}),
    )
    .await?;
    Ok(done["type"] == "order")
}

/// `SHOPPERS` shoppers each checking out again and again for the run's duration.
async fn checkout_loop(
    base: &str,
    key: &str,
    region: &str,
    variants: &[String],
    args: &BenchArgs,
) -> anyhow::Result<(f64, String, String, String)> {
    let client = reqwest::Client::new();
    let deadline = Instant::now() + Duration::from_secs(args.duration_secs);
    let started = Instant::now();
    let mut tasks = Vec::new();
    for shopper in 0..SHOPPERS {
        let (client, base, key, region) = (
            client.clone(),
            base.to_owned(),
            key.to_owned(),
            region.to_owned(),
        );
        let variants = variants.to_vec();
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            let mut failures = 0u64;
            let mut n = shopper;
            while Instant::now() < deadline {
                let t = Instant::now();
                let variant = &variants[n % variants.len()];
                n += SHOPPERS;
                match checkout(&client, &base, &key, &region, variant).await {
                    Ok(true) => latencies.push(t.elapsed()),
                    _ => failures += 1,
                }
            }
            (latencies, failures)
        }));
    }
    let mut latencies = Vec::new();
    let mut failures = 0;
    for t in tasks {
        let (l, f) = t.await?;
        latencies.extend(l);
        failures += f;
    }
    let elapsed = started.elapsed().as_secs_f64();
    latencies.sort();
    let pct = |p: f64| -> String {
        if latencies.is_empty() {
            return "?".into();
        }
        let i = ((latencies.len() as f64 * p) as usize).min(latencies.len() - 1);
        format!("{:.1}ms", latencies[i].as_secs_f64() * 1000.0)
    };
    Ok((
        latencies.len() as f64 / elapsed,
        pct(0.50),
        pct(0.99),
        if failures == 0 {
            "none".into()
        } else {
            format!("{failures} failed checkouts")
        },
    ))
}

fn tempfile_dir() -> anyhow::Result<std::path::PathBuf> {
    let dir = std::env::temp_dir().join(format!("medusa-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}
