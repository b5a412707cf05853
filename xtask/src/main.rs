//! Developer commands: `cargo xtask <command>` (alias in `.cargo/config.toml`).

mod bench;

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, bail};
use clap::{Parser, Subcommand};
use medusa_core::config::Config;
use medusa_db::testing::Backend;
use sea_orm_migration::MigratorTrait;

#[derive(Parser)]
#[command(about = "medusa-rs developer commands")]
struct Cli {
    #[command(subcommand)]
    command: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Benchmark the catalog, cart and checkout routes on the seeded store with wrk (release
    /// build).
    Bench {
        /// `sqlite`, `postgres` or `both`.
        #[arg(long, default_value = "both")]
        backend: String,
        /// Seconds per route.
        #[arg(long, default_value_t = 10)]
        duration: u64,
        #[arg(long, default_value_t = 32)]
        connections: u32,
        /// Only the routes whose name contains this text (e.g. `line-items`, `checkout`).
        #[arg(long)]
        only: Option<String>,
    },
    /// Load the demo store into DATABASE_URL (or the embedded SQLite file) and print the
    /// publishable key as `PUBLISHABLE_KEY=pk_...`. Does nothing to a database that has products.
    Seed,
    /// Create an admin user who signs in with EMAIL and PASSWORD (Medusa's `medusa user`), in
    /// DATABASE_URL (or the embedded SQLite file).
    User {
        #[arg(short, long)]
        email: String,
        #[arg(short, long)]
        password: String,
    },
    /// Database migrations against DATABASE_URL (or the embedded SQLite file).
    Migrate {
        #[command(subcommand)]
        action: MigrateAction,
    },
    /// Write the OpenAPI spec to openapi/openapi.json (`--check` fails if it is out of date).
    Openapi {
        #[arg(long)]
        check: bool,
    },
    /// The whole test suite: formatting, clippy, docker-compose.yml, then every test on SQLite
    /// and PostgreSQL (TEST_DATABASE_URL) with Redis (TEST_REDIS_URL).
    Test {
        /// Skip `cargo fmt --check` and clippy.
        #[arg(long)]
        no_lint: bool,
    },
    /// Check docker-compose.yml: valid YAML with the services and settings the README promises.
    Compose,
    /// Drive the api with the real `@medusajs/js-sdk` (conformance/, node:test) on a fresh,
    /// seeded database: SQLite by default.
    Conformance {
        /// Use a fresh PostgreSQL database on TEST_DATABASE_URL instead of SQLite.
        #[arg(long)]
        postgres: bool,
    },
}

#[derive(Subcommand)]
enum MigrateAction {
    /// Apply pending migrations.
    Up,
    /// Revert the last N migrations (default 1).
    Down {
        #[arg(short = 'n', long, default_value_t = 1)]
        steps: u32,
    },
    /// List migrations and whether they are applied.
    Status,
    /// Drop every table and apply all migrations again.
    Fresh,
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    match cli.command {
        Cmd::Migrate { action } => migrate(action).await,
        Cmd::Openapi { check } => openapi(check),
        Cmd::Test { no_lint } => test(no_lint).await,
        Cmd::Compose => compose(),
        Cmd::Seed => seed().await,
        Cmd::Bench {
            backend,
            duration,
            connections,
            only,
        } => {
            let backends = match backend.as_str() {
                "sqlite" => vec!["sqlite"],
                "postgres" => vec!["postgres"],
                _ => vec!["sqlite", "postgres"],
            };
            bench::bench(
                &root(),
                bench::BenchArgs {
                    backends,
                    duration_secs: duration,
                    connections,
                    only,
                },
            )
            .await
        }
        Cmd::User { email, password } => user(&email, &password).await,
        Cmd::Conformance { postgres } => {
            conformance::suite(if postgres {
                Backend::Postgres
            } else {
                Backend::Sqlite
            })
            .await
        }
    }
}

async fn migrate(action: MigrateAction) -> anyhow::Result<()> {
    let _ = tracing_subscriber::fmt()
        .with_env_filter("sea_orm_migration=info")
        .try_init();
    let mut config = Config::load()?;
    // One connection: `fresh` turns SQLite's foreign keys off with a PRAGMA, which holds only
    // for the connection that ran it; with a pool the drops could land on another connection
    // and fail on a table whose parent is already gone.
    config.database_pool_size = Some(1);
    let db = medusa_db::connect(&config).await?;
    println!("database: {}", config.database_url_for_log());
    match action {
        MigrateAction::Up => medusa_api::Migrator::up(&db, None).await?,
        MigrateAction::Down { steps } => medusa_api::Migrator::down(&db, Some(steps)).await?,
        MigrateAction::Fresh => medusa_api::Migrator::fresh(&db).await?,
        MigrateAction::Status => {
            for m in medusa_api::Migrator::get_migration_with_status(&db).await? {
                println!("{:<10} {}", format!("{:?}", m.status()), m.name());
            }
        }
    }
    Ok(())
}

/// Connects with the app's configuration, migrates (SQLite only, as the server does) and builds
/// the module registry.
async fn registry() -> anyhow::Result<(Config, medusa_core::registry::Registry)> {
    let config = Config::load()?;
    let db = medusa_db::connect(&config).await?;
    if config.database_kind() == medusa_core::config::DatabaseKind::Sqlite {
        medusa_api::Migrator::up(&db, None).await?;
    }
    let ctx = medusa_core::registry::ModuleContext {
        db,
        config: std::sync::Arc::new(config.clone()),
        clock: std::sync::Arc::new(medusa_core::SystemClock),
    };
    let registry = medusa_core::registry::Registry::build(&ctx, &medusa_api::modules());
    Ok((config, registry))
}

async fn seed() -> anyhow::Result<()> {
    let (config, registry) = registry().await?;
    let seeded = medusa_api::seed::seed(&registry).await?;
    if seeded.created {
        println!(
            "seeded {} products into {}",
            seeded.products,
            config.database_url_for_log()
        );
    } else {
        println!("the database already has a catalog; nothing seeded");
    }
    println!("PUBLISHABLE_KEY={}", seeded.publishable_key);
    Ok(())
}

async fn user(email: &str, password: &str) -> anyhow::Result<()> {
    let (config, registry) = registry().await?;
    if config.database_kind() == medusa_core::config::DatabaseKind::Postgres {
        let db = medusa_db::connect(&config).await?;
        let pending = medusa_api::Migrator::get_pending_migrations(&db).await?;
        if !pending.is_empty() {
            bail!("the database has pending migrations: run `cargo xtask migrate up` first");
        }
    }
    let user = medusa_api::auth::create_user_account(&registry, email, password)
        .await
        .with_context(|| format!("cannot create the user {email}"))?;
    println!(
        "created user {} ({}) in {}",
        user.email,
        user.id,
        config.database_url_for_log()
    );
    Ok(())
}

fn openapi(check: bool) -> anyhow::Result<()> {
    let path = root().join("openapi/openapi.json");
    let generated = medusa_api::openapi::spec_json();
    if check {
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        if committed != generated {
            bail!(
                "{} is out of date: run `cargo xtask openapi`",
                path.display()
            );
        }
        println!("openapi spec is up to date");
        return Ok(());
    }
    std::fs::create_dir_all(path.parent().context("openapi dir")?)?;
    std::fs::write(&path, generated)?;
    println!("wrote {}", path.display());
    Ok(())
}

fn run(cmd: &mut Command) -> anyhow::Result<()> {
    eprintln!("+ {cmd:?}");
    let status = cmd
        .current_dir(root())
        .status()
        .with_context(|| format!("{cmd:?}"))?;
    if !status.success() {
        bail!("{cmd:?} failed with {status}");
    }
    Ok(())
}

fn has_nextest() -> bool {
    Command::new("cargo")
        .args(["nextest", "--version"])
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false)
}

async fn test(no_lint: bool) -> anyhow::Result<()> {
    if !no_lint {
        run(Command::new("cargo").args(["fmt", "--all", "--", "--check"]))?;
        run(Command::new("cargo").args([
            "clippy",
            "--workspace",
            "--all-targets",
            "--quiet",
            "--",
            "-D",
            "warnings",
        ]))?;
    }
    compose()?;
    match medusa_db::testing::drop_leftover_databases().await {
        Ok(n) if n > 0 => eprintln!("dropped {n} test databases left by earlier runs"),
        Ok(_) => {}
        Err(e) => bail!("PostgreSQL is needed for the tests (TEST_DATABASE_URL): {e:#}"),
    }
    // The js-sdk conformance suite first, so nextest's summary stays the closing line; its
    // failures are reported after the Rust tests have run too.
    let conformance_failed = conformance::run_in_test_suite().await;
    let rust_tests = if has_nextest() {
        // Doctests first, so nextest's summary is the run's closing line.
        run(Command::new("cargo").args(["test", "--workspace", "--doc", "--quiet"])).and_then(
            |()| {
                run(Command::new("cargo").args(["nextest", "run", "--workspace", "--no-fail-fast"]))
            },
        )
    } else {
        run(Command::new("cargo").args(["test", "--workspace", "--no-fail-fast"]))
    };
    if !conformance_failed.is_empty() {
        let also = rust_tests
            .err()
            .map(|e| format!("; and {e:#}"))
            .unwrap_or_default();
        bail!(
            "the js-sdk conformance suite failed on {} (its output is above the Rust tests'){also}",
            conformance_failed.join(" and ")
        );
    }
    rust_tests
}

fn compose() -> anyhow::Result<()> {
    use yaml_rust2::YamlLoader;
    let path = root().join("docker-compose.yml");
    let text = std::fs::read_to_string(&path).with_context(|| path.display().to_string())?;
    let docs = YamlLoader::load_from_str(&text).context("docker-compose.yml is not valid YAML")?;
    let doc = docs.first().context("docker-compose.yml is empty")?;
    let services = &doc["services"];
    for name in ["postgres", "redis", "s3", "api", "worker"] {
        if services[name].is_badvalue() {
            bail!("docker-compose.yml: service '{name}' is missing");
        }
    }
    let redis_cmd = format!("{:?}", services["redis"]["command"]);
    if !redis_cmd.contains("notify-keyspace-events") || !redis_cmd.contains("Ex") {
        bail!("docker-compose.yml: redis must start with notify-keyspace-events Ex");
    }
    for app in ["api", "worker"] {
        let env = format!("{:?}", services[app]["environment"]);
        for var in ["DATABASE_URL", "REDIS_URL"] {
            if !env.contains(var) {
                bail!("docker-compose.yml: {app} lacks {var}");
            }
        }
    }
    println!("docker-compose.yml is valid");
    Ok(())
}

/// `cargo xtask conformance`: the js-sdk suite in `conformance/` (node:test) against the api
/// binary on a fresh database that `xtask seed` and `xtask user` filled.
mod conformance {
    use std::fs::File;
    use std::io::{BufRead, BufReader, Read, Write};
    use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
    use std::path::{Path, PathBuf};
    use std::process::{Child, ChildStdout, Command, Stdio};
    use std::time::{Duration, Instant};

    use anyhow::{Context, bail};
    use medusa_db::testing::{Backend, TestDatabase};

    use super::{root, run};

    const ADMIN_EMAIL: &str = "admin@example.com";
    const ADMIN_PASSWORD: &str = "supersecret";
    const HEALTH_TIMEOUT: Duration = Duration::from_secs(60);
    /// The key the Stripe stand-in accepts (`medusa_testkit::stripe::STAND_IN_API_KEY`).
    const STAND_IN_API_KEY: &str = "sk_test_standin";
    const STAND_IN_WEBHOOK_SECRET: &str = "whsec_standin";
    /// Short, so the Stripe journey sees its delayed capture; long enough that the system
    /// provider journeys' manual admin captures come first.
    const CAPTURE_DELAY: &str = "5s";

    fn name(backend: Backend) -> &'static str {
        match backend {
            Backend::Sqlite => "SQLite",
            Backend::Postgres => "PostgreSQL",
        }
    }

    pub fn node_installed() -> bool {
        Command::new("node")
            .arg("--version")
            .output()
            .map(|o| o.status.success())
            .unwrap_or(false)
    }

    /// For `cargo xtask test`: the suite on SQLite, then on PostgreSQL; the names of the
    /// backends it failed on (empty when it passed, or when `node` is missing: then it warns).
    pub async fn run_in_test_suite() -> Vec<&'static str> {
        if !node_installed() {
            eprintln!(
                "WARNING: `node` is not installed: SKIPPING the js-sdk conformance suite \
                 (conformance/). Install Node.js 20+ and npm to run it."
            );
            return Vec::new();
        }
        let mut failed = Vec::new();
        for backend in [Backend::Sqlite, Backend::Postgres] {
            if let Err(e) = suite(backend).await {
                eprintln!("conformance suite on {} FAILED: {e:#}", name(backend));
                failed.push(name(backend));
            }
        }
        failed
    }

    /// Builds the binaries, creates and seeds a fresh database, starts the api on a free port,
    /// runs `node --test` and always stops the api and removes the database.
    pub async fn suite(backend: Backend) -> anyhow::Result<()> {
        if !node_installed() {
            bail!("`node` is not installed: the conformance suite needs Node.js 20+ and npm");
        }
        run(Command::new("cargo").args([
            "build",
            "-p",
            "medusa-api",
            "-p",
            "xtask",
            "-p",
            "medusa-testkit",
            "--bins",
        ]))?;
        let dir = root().join("conformance");
        npm_ci_if_needed(&dir)?;
        let bin = target_dir().join("debug");
        let xtask = bin.join(format!("xtask{}", std::env::consts::EXE_SUFFIX));
        let api = bin.join(format!("medusa-api{}", std::env::consts::EXE_SUFFIX));
        let fake_stripe = bin.join(format!("fake-stripe{}", std::env::consts::EXE_SUFFIX));

        // Dropped in reverse order: the server first, then the PostgreSQL database, then the
        // temporary directory (SQLite file, server log), also on every early return.
        let work = tempfile::Builder::new()
            .prefix("medusa-conformance-")
            .tempdir()
            .context("creating a temporary directory")?;
        let (database_url, _postgres) = match backend {
            Backend::Sqlite => {
                let path = work.path().join("c.db");
                (format!("sqlite://{}?mode=rwc", path.display()), None)
            }
            Backend::Postgres => {
                let db = TestDatabase::create(Backend::Postgres).await?;
                (db.url.clone(), Some(db))
            }
        };
        eprintln!("conformance on {}: {database_url}", name(backend));
        // Stripe is on (the stand-in, never the real one) from the seed on, so the seeded
        // regions offer `pp_stripe_stripe` beside `pp_system_default`.
        let stripe = StripeStandIn::start(&fake_stripe)?;
        // MEDUSA_CONFIG empty: no configuration file is read.
        let env = [
            ("DATABASE_URL", database_url.as_str()),
            ("MEDUSA_CONFIG", ""),
            ("STRIPE_API_KEY", STAND_IN_API_KEY),
            ("STRIPE_WEBHOOK_SECRET", STAND_IN_WEBHOOK_SECRET),
            ("STRIPE_API_BASE", stripe.api_base.as_str()),
        ];

        // PostgreSQL is migrated explicitly; SQLite would migrate at start-up, but the seed
        // runs before the api, so it is migrated the same way.
        run(Command::new(&xtask).args(["migrate", "up"]).envs(env))?;
        let publishable_key = seed(&xtask, &env)?;
        run(Command::new(&xtask)
            .args(["user", "--email", ADMIN_EMAIL, "--password", ADMIN_PASSWORD])
            .envs(env))?;

        let port = free_port()?;
        // Per-run secrets instead of the development defaults (which the api warns about).
        let secret = format!("conformance-{}-{port}", work.path().display());
        let server_env = [
            env[0],
            env[1],
            env[2],
            env[3],
            env[4],
            ("JWT_SECRET", secret.as_str()),
            ("COOKIE_SECRET", secret.as_str()),
            // The api runs the job loop itself (the embedded mode), so the delayed capture
            // happens within the run.
            ("WORKER_MODE", "shared"),
            ("CAPTURE_DELAY", CAPTURE_DELAY),
            ("JOB_POLL_INTERVAL", "1s"),
        ];
        let mut server = Server::start(&api, &server_env, port, &work.path().join("api.log"))?;
        server.wait_until_healthy()?;

        let mut node = Command::new("node");
        // One test file at a time: the admin tests publish products the store tests count.
        node.args([
            "--test",
            "--test-concurrency=1",
            "--test-reporter=spec",
            "test/",
        ])
        .env("MEDUSA_URL", format!("http://127.0.0.1:{port}"))
        .env("MEDUSA_PUBLISHABLE_KEY", &publishable_key)
        .env("MEDUSA_ADMIN_EMAIL", ADMIN_EMAIL)
        .env("MEDUSA_ADMIN_PASSWORD", ADMIN_PASSWORD)
        .env("STRIPE_STANDIN_URL", &stripe.control_url)
        .env("CAPTURE_DELAY_SECONDS", CAPTURE_DELAY.trim_end_matches('s'));
        let result = run_in(&dir, &mut node);
        if result.is_err() {
            eprintln!(
                "--- the api's last warnings and errors ({}) ---\n{}",
                name(backend),
                server.log_problems(40)
            );
        }
        drop(server);
        drop(stripe);
        result?;
        eprintln!("conformance suite passed on {}", name(backend));
        Ok(())
    }

    fn target_dir() -> PathBuf {
        match std::env::var_os("CARGO_TARGET_DIR").filter(|v| !v.is_empty()) {
            Some(dir) => root().join(dir),
            None => root().join("target"),
        }
    }

    fn run_in(dir: &Path, cmd: &mut Command) -> anyhow::Result<()> {
        eprintln!("+ (in {}) {cmd:?}", dir.display());
        let status = cmd
            .current_dir(dir)
            .status()
            .with_context(|| format!("{cmd:?}"))?;
        if !status.success() {
            bail!("{cmd:?} failed with {status}");
        }
        Ok(())
    }

    /// Runs `xtask seed` and returns the key from its `PUBLISHABLE_KEY=pk_...` line.
    fn seed(xtask: &Path, env: &[(&str, &str)]) -> anyhow::Result<String> {
        let mut cmd = Command::new(xtask);
        cmd.arg("seed")
            .envs(env.iter().copied())
            .current_dir(root())
            .stdin(Stdio::null())
            .stderr(Stdio::inherit());
        eprintln!("+ {cmd:?}");
        let out = cmd.output().with_context(|| format!("{cmd:?}"))?;
        let stdout = String::from_utf8_lossy(&out.stdout);
        print!("{stdout}");
        if !out.status.success() {
            bail!("{cmd:?} failed with {}", out.status);
        }
        publishable_key(&stdout).context("`xtask seed` printed no `PUBLISHABLE_KEY=pk_...` line")
    }

    fn publishable_key(stdout: &str) -> Option<String> {
        stdout
            .lines()
            .filter_map(|line| line.trim().strip_prefix("PUBLISHABLE_KEY="))
            .map(str::trim)
            .find(|key| key.starts_with("pk_") && key.len() > 3)
            .map(str::to_owned)
    }

    fn free_port() -> anyhow::Result<u16> {
        let listener =
            TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).context("finding a free port")?;
        Ok(listener.local_addr()?.port())
    }

    /// `npm ci` when node_modules is missing or older than package-lock.json.
    fn npm_ci_if_needed(dir: &Path) -> anyhow::Result<()> {
        let modified = |p: PathBuf| std::fs::metadata(p).and_then(|m| m.modified()).ok();
        let lock = modified(dir.join("package-lock.json"))
            .context("conformance/package-lock.json is missing")?;
        let installed = modified(dir.join("node_modules/.package-lock.json"))
            .or_else(|| modified(dir.join("node_modules")));
        if installed.is_some_and(|installed| installed >= lock) {
            return Ok(());
        }
        run_in(
            dir,
            Command::new("npm").args(["ci", "--no-audit", "--no-fund"]),
        )
    }

    /// The api process this run started; killed (by its PID) when dropped.
    struct Server {
        child: Child,
        port: u16,
        log: PathBuf,
    }

    impl Server {
        fn start(
            api: &Path,
            env: &[(&str, &str)],
            port: u16,
            log: &Path,
        ) -> anyhow::Result<Server> {
            let stdout = File::create(log).with_context(|| log.display().to_string())?;
            let stderr = stdout.try_clone()?;
            let mut cmd = Command::new(api);
            cmd.envs(env.iter().copied())
                .env("HOST", "127.0.0.1")
                .env("PORT", port.to_string())
                // The database is seeded already; the api must not load anything itself.
                .env("AUTO_SEED", "false")
                .env("NO_COLOR", "1")
                .current_dir(root())
                .stdin(Stdio::null())
                .stdout(stdout)
                .stderr(stderr);
            eprintln!("+ {cmd:?} (log: {})", log.display());
            let child = cmd.spawn().with_context(|| format!("{cmd:?}"))?;
            Ok(Server {
                child,
                port,
                log: log.to_path_buf(),
            })
        }

        fn wait_until_healthy(&mut self) -> anyhow::Result<()> {
            let started = Instant::now();
            loop {
                if let Some(status) = self.child.try_wait()? {
                    bail!(
                        "medusa-api exited ({status}) before answering GET /health:\n{}",
                        self.log_tail(60)
                    );
                }
                if health_ok(self.port) {
                    eprintln!(
                        "medusa-api (pid {}) is up on 127.0.0.1:{} after {:.1?}",
                        self.child.id(),
                        self.port,
                        started.elapsed()
                    );
                    return Ok(());
                }
                if started.elapsed() > HEALTH_TIMEOUT {
                    bail!(
                        "medusa-api did not answer GET /health within {HEALTH_TIMEOUT:?}:\n{}",
                        self.log_tail(60)
                    );
                }
                std::thread::sleep(Duration::from_millis(200));
            }
        }

        fn log_tail(&self, lines: usize) -> String {
            let text = std::fs::read_to_string(&self.log).unwrap_or_default();
            let all: Vec<&str> = text.lines().collect();
            all[all.len().saturating_sub(lines)..].join("\n")
        }

        /// The last WARN/ERROR lines (a 500's cause is logged there with its request id).
        fn log_problems(&self, lines: usize) -> String {
            let text = std::fs::read_to_string(&self.log).unwrap_or_default();
            let problems: Vec<&str> = text
                .lines()
                .filter(|l| l.contains("WARN") || l.contains("ERROR") || l.contains("panicked"))
                .collect();
            if problems.is_empty() {
                return "(none)".to_owned();
            }
            problems[problems.len().saturating_sub(lines)..].join("\n")
        }
    }

    /// The `fake-stripe` process (crates/testkit) this run started: Stripe's API for the api on
    /// `api_base`, the test's controls on `control_url`; killed (by its PID) when dropped.
    struct StripeStandIn {
        child: Child,
        // Kept open so the stand-in never writes into a closed pipe.
        _stdout: BufReader<ChildStdout>,
        api_base: String,
        control_url: String,
    }

    impl StripeStandIn {
        fn start(bin: &Path) -> anyhow::Result<StripeStandIn> {
            let mut cmd = Command::new(bin);
            cmd.stdin(Stdio::null())
                .stdout(Stdio::piped())
                .stderr(Stdio::inherit());
            eprintln!("+ {cmd:?}");
            let mut child = cmd.spawn().with_context(|| format!("{cmd:?}"))?;
            let Some(stdout) = child.stdout.take() else {
                bail!("fake-stripe has no stdout");
            };
            let mut stand_in = StripeStandIn {
                child,
                _stdout: BufReader::new(stdout),
                api_base: String::new(),
                control_url: String::new(),
            };
            // It prints both lines once both listeners are bound.
            while stand_in.api_base.is_empty() || stand_in.control_url.is_empty() {
                let mut line = String::new();
                if stand_in._stdout.read_line(&mut line)? == 0 {
                    bail!("fake-stripe exited before printing its addresses");
                }
                if let Some(v) = line.trim().strip_prefix("STRIPE_API_BASE=") {
                    stand_in.api_base = v.to_owned();
                } else if let Some(v) = line.trim().strip_prefix("STRIPE_STANDIN_URL=") {
                    stand_in.control_url = v.to_owned();
                }
            }
            eprintln!(
                "fake-stripe (pid {}): Stripe API {}, controls {}",
                stand_in.child.id(),
                stand_in.api_base,
                stand_in.control_url
            );
            Ok(stand_in)
        }
    }

    impl Drop for StripeStandIn {
        fn drop(&mut self) {
            let pid = self.child.id();
            if let Err(e) = self.child.kill() {
                eprintln!("could not stop fake-stripe (pid {pid}): {e}");
            }
            let _ = self.child.wait();
        }
    }

    impl Drop for Server {
        fn drop(&mut self) {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            let pid = self.child.id();
            if let Err(e) = self.child.kill() {
                eprintln!("could not stop medusa-api (pid {pid}): {e}");
            }
            let _ = self.child.wait();
        }
    }

    /// `GET /health` answered 200 (plain HTTP/1.1 over a socket; only to 127.0.0.1).
    fn health_ok(port: u16) -> bool {
        let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
        let Ok(mut stream) = TcpStream::connect_timeout(&addr, Duration::from_secs(1)) else {
            return false;
        };
        let timeout = Some(Duration::from_secs(2));
        if stream.set_read_timeout(timeout).is_err() || stream.set_write_timeout(timeout).is_err() {
            return false;
        }
        let request =
            format!("GET /health HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n");
        if stream.write_all(request.as_bytes()).is_err() {
            return false;
        }
        let mut head = Vec::new();
        let _ = stream.take(32).read_to_end(&mut head);
        head.starts_with(b"HTTP/1.1 200") || head.starts_with(b"HTTP/1.0 200")
    }

    #[cfg(test)]
    mod tests {
        use super::publishable_key;

        #[test]
        fn reads_the_publishable_key_line() {
            let out = "seeded 2 regions\nPUBLISHABLE_KEY=pk_01abc\nADMIN=x\n";
            assert_eq!(publishable_key(out).as_deref(), Some("pk_01abc"));
            assert_eq!(
                publishable_key("  PUBLISHABLE_KEY=pk_x \r\n").as_deref(),
                Some("pk_x")
            );
            assert_eq!(publishable_key("PUBLISHABLE_KEY=\n"), None);
            assert_eq!(publishable_key("PUBLISHABLE_KEY=sk_1\nnothing"), None);
            assert_eq!(publishable_key("key: pk_1"), None);
        }
    }
}
