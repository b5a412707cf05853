//! Developer commands: `cargo xtask <command>` (alias in `.cargo/config.toml`).

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, bail};
use clap::{Parser, Subcommand};
use medusa_core::config::Config;
use sea_orm_migration::MigratorTrait;

#[derive(Parser)]
#[command(about = "medusa-rs developer commands")]
struct Cli {
    #[command(subcommand)]
    command: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
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
    }
}

async fn migrate(action: MigrateAction) -> anyhow::Result<()> {
    let _ = tracing_subscriber::fmt()
        .with_env_filter("sea_orm_migration=info")
        .try_init();
    let config = Config::load()?;
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
    if has_nextest() {
        // Doctests first, so nextest's summary is the run's closing line.
        run(Command::new("cargo").args(["test", "--workspace", "--doc", "--quiet"]))?;
        run(Command::new("cargo").args(["nextest", "run", "--workspace", "--no-fail-fast"]))?;
    } else {
        run(Command::new("cargo").args(["test", "--workspace", "--no-fail-fast"]))?;
    }
    Ok(())
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
