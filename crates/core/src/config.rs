//! Configuration: built-in defaults (the embedded mode) -> optional TOML file -> environment.
//!
//! Environment names follow Medusa's (`DATABASE_URL`, `STORE_CORS`, ...). The file is
//! `medusa.toml` in the working directory, or the path in `MEDUSA_CONFIG`; its keys are the
//! lower-case variable names (`database_url = "..."`). Errors name the exact variable. Secrets
//! are [`SecretString`]s: their `Debug` prints `[REDACTED]`, so they never reach a log.

use std::path::PathBuf;
use std::time::Duration;

use figment::Figment;
use figment::providers::{Format, Serialized, Toml};
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Deserializer, Serialize};

/// Every variable the server reads, in one place (also used to document them and to filter
/// the environment so unrelated variables never cause errors).
pub const ENV_VARS: &[(&str, &str, &str)] = &[
    (
        "DATABASE_URL",
        "(unset: SQLite file data/medusa.db)",
        "postgres://user:pass@host:5432/db or sqlite://path.db",
    ),
    (
        "DATABASE_SSL_MODE",
        "(from the URL, else prefer)",
        "PostgreSQL TLS: disable, allow, prefer, require, verify-ca, verify-full",
    ),
    (
        "DATABASE_SSL_ROOT_CERT",
        "(none)",
        "PostgreSQL: path to the CA certificate (PEM) for verify-ca/verify-full",
    ),
    (
        "DATABASE_POOL_SIZE",
        "10 (PostgreSQL), 8 (SQLite)",
        "maximum connections per process",
    ),
    (
        "REDIS_URL",
        "(unset: no Redis)",
        "redis://host:6379/0; wakes capture jobs promptly and is checked by /health/ready",
    ),
    (
        "STORE_CORS",
        "http://localhost:8000",
        "comma-separated origins allowed on /store",
    ),
    (
        "ADMIN_CORS",
        "http://localhost:5173,http://localhost:9000",
        "comma-separated origins allowed on /admin",
    ),
    (
        "AUTH_CORS",
        "http://localhost:5173,http://localhost:9000,http://localhost:8000",
        "comma-separated origins allowed on /auth",
    ),
    (
        "JWT_SECRET",
        "supersecret (warned about)",
        "HS256 secret for auth tokens",
    ),
    (
        "COOKIE_SECRET",
        "supersecret (warned about)",
        "secret for session cookies",
    ),
    ("HOST", "127.0.0.1", "address to listen on"),
    ("PORT", "9000", "port to listen on"),
    (
        "WORKER_MODE",
        "shared",
        "shared: the api also runs background jobs; server: api only; worker: jobs only",
    ),
    (
        "JSON_BODY_LIMIT",
        "1048576",
        "largest accepted JSON body, in bytes",
    ),
    (
        "DATA_DIR",
        "data",
        "where the embedded mode keeps its SQLite file and uploads",
    ),
    (
        "JOB_POLL_INTERVAL",
        "5s",
        "how often the job loop looks for due work",
    ),
    (
        "CAPTURE_DELAY",
        "1h",
        "grace period between placing an order and capturing its authorized payment (1h, 90s, 3s)",
    ),
    ("LOG_FORMAT", "pretty", "pretty or json"),
    (
        "CACHE_TTL",
        "5s",
        "how long an api process may reuse a publishable key or region it looked up (0s disables)",
    ),
    (
        "ORDER_GUEST_ACCESS_WINDOW",
        "1h",
        "how long after placement GET /store/orders/:id shows an order to a request without the owning customer's token (0s: never)",
    ),
    (
        "AUTO_SEED",
        "true",
        "embedded mode only: load the demo store into an empty SQLite database at start-up",
    ),
    (
        "STRIPE_API_KEY",
        "(unset: no Stripe)",
        "Stripe secret key (sk_...); enables the pp_stripe_stripe payment provider",
    ),
    (
        "STRIPE_WEBHOOK_SECRET",
        "(unset)",
        "Stripe webhook signing secret (whsec_...) for /hooks/payment/stripe_stripe",
    ),
    (
        "STRIPE_API_BASE",
        "https://api.stripe.com/",
        "another Stripe endpoint (a local stand-in such as stripe-mock)",
    ),
    (
        "METRICS_TOKEN",
        "(unset: no /metrics)",
        "bearer token that enables GET /metrics (Prometheus text); unset, the route answers 404",
    ),
    (
        "MEDUSA_CONFIG",
        "medusa.toml",
        "optional TOML file with the same keys in lower case",
    ),
];

/// Settings whose environment value is a number.
const NUMERIC_VARS: &[&str] = &["PORT", "DATABASE_POOL_SIZE", "JSON_BODY_LIMIT"];
/// Settings whose environment value is a boolean.
const BOOL_VARS: &[&str] = &["AUTO_SEED"];

/// Which background work a process runs (Medusa's `WORKER_MODE`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum WorkerMode {
    Shared,
    Server,
    Worker,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Pretty,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SslMode {
    Disable,
    Allow,
    Prefer,
    Require,
    VerifyCa,
    VerifyFull,
}

/// A comma-separated origin list, as Medusa's `*_CORS` variables.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OriginList(pub Vec<String>);

impl<'de> Deserialize<'de> for OriginList {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            One(String),
            Many(Vec<String>),
        }
        let list = match Raw::deserialize(d)? {
            Raw::One(s) => s.split(',').map(str::to_owned).collect(),
            Raw::Many(v) => v,
        };
        Ok(OriginList(
            list.into_iter()
                .map(|s| s.trim().trim_end_matches('/').to_owned())
                .filter(|s| !s.is_empty())
                .collect(),
        ))
    }
}

/// A duration written as `1h`, `90s`, `500ms` (or a number of seconds).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HumanDuration(pub Duration);

impl Serialize for HumanDuration {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&humantime::format_duration(self.0).to_string())
    }
}

impl<'de> Deserialize<'de> for HumanDuration {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Secs(u64),
            Text(String),
        }
        match Raw::deserialize(d)? {
            Raw::Secs(s) => Ok(HumanDuration(Duration::from_secs(s))),
            Raw::Text(t) => humantime::parse_duration(t.trim())
                .map(HumanDuration)
                .map_err(|e| serde::de::Error::custom(format!("'{t}' is not a duration ({e})"))),
        }
    }
}

/// The loaded configuration. Build it with [`Config::load`].
#[derive(Debug, Clone, Deserialize)]
pub struct Config {
    pub database_url: Option<SecretString>,
    pub database_ssl_mode: Option<SslMode>,
    pub database_ssl_root_cert: Option<PathBuf>,
    pub database_pool_size: Option<u32>,
    pub redis_url: Option<SecretString>,
    pub store_cors: OriginList,
    pub admin_cors: OriginList,
    pub auth_cors: OriginList,
    pub jwt_secret: SecretString,
    pub cookie_secret: SecretString,
    pub host: String,
    pub port: u16,
    pub worker_mode: WorkerMode,
    pub json_body_limit: usize,
    pub data_dir: PathBuf,
    pub job_poll_interval: HumanDuration,
    pub capture_delay: HumanDuration,
    pub log_format: LogFormat,
    pub auto_seed: bool,
    pub cache_ttl: HumanDuration,
    pub stripe_api_key: Option<SecretString>,
    pub stripe_webhook_secret: Option<SecretString>,
    pub stripe_api_base: Option<String>,
    pub order_guest_access_window: HumanDuration,
    pub metrics_token: Option<SecretString>,
}

/// The embedded defaults; serialised so figment can layer the file and environment on top.
#[derive(Serialize)]
struct Defaults {
    store_cors: &'static str,
    admin_cors: &'static str,
    auth_cors: &'static str,
    jwt_secret: &'static str,
    cookie_secret: &'static str,
    host: &'static str,
    port: u16,
    worker_mode: WorkerMode,
    json_body_limit: usize,
    data_dir: &'static str,
    job_poll_interval: &'static str,
    capture_delay: &'static str,
    log_format: LogFormat,
    auto_seed: bool,
    cache_ttl: &'static str,
    order_guest_access_window: &'static str,
}

pub const DEFAULT_SECRET: &str = "supersecret";

impl Default for Defaults {
    fn default() -> Self {
        Defaults {
            store_cors: "http://localhost:8000",
            admin_cors: "http://localhost:5173,http://localhost:9000",
            auth_cors: "http://localhost:5173,http://localhost:9000,http://localhost:8000",
            jwt_secret: DEFAULT_SECRET,
            cookie_secret: DEFAULT_SECRET,
            host: "127.0.0.1",
            port: 9000,
            worker_mode: WorkerMode::Shared,
            json_body_limit: 1024 * 1024,
            data_dir: "data",
            job_poll_interval: "5s",
            capture_delay: "1h",
            log_format: LogFormat::Pretty,
            auto_seed: true,
            cache_ttl: "5s",
            order_guest_access_window: "1h",
        }
    }
}

/// A configuration error that names the variable at fault.
#[derive(Debug, thiserror::Error)]
#[error("configuration error: {0}")]
pub struct ConfigError(String);

/// Where the database lives, decided once from the configuration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DatabaseKind {
    Sqlite,
    Postgres,
}

impl Config {
    /// Defaults -> `MEDUSA_CONFIG`/`medusa.toml` (if present) -> process environment.
    pub fn load() -> Result<Config, ConfigError> {
        let vars: Vec<(String, String)> = std::env::vars().collect();
        Self::load_from(&vars)
    }

    /// Like [`Config::load`] with an explicit environment (tests, xtask).
    pub fn load_from(env: &[(String, String)]) -> Result<Config, ConfigError> {
        let get = |k: &str| env.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
        // `MEDUSA_CONFIG` names the file (which must exist); set but empty, no file is read;
        // unset, `medusa.toml` is read if present.
        let file = match get("MEDUSA_CONFIG") {
            Some(p) if p.is_empty() => None,
            Some(p) => {
                if !std::path::Path::new(&p).exists() {
                    return Err(ConfigError(format!(
                        "MEDUSA_CONFIG: file '{p}' does not exist"
                    )));
                }
                Some(p)
            }
            None => Some("medusa.toml".to_owned()).filter(|p| std::path::Path::new(p).exists()),
        };
        let known: Vec<&str> = ENV_VARS.iter().map(|(n, _, _)| *n).collect();
        // Empty variables count as unset, so `DATABASE_URL=` means the embedded default.
        let pairs: Vec<(String, String)> = env
            .iter()
            .filter(|(k, v)| known.contains(&k.as_str()) && k != "MEDUSA_CONFIG" && !v.is_empty())
            .cloned()
            .collect();
        let mut fig = Figment::from(Serialized::defaults(Defaults::default()));
        if let Some(file) = &file {
            fig = fig.merge(Toml::file(file));
        }
        // Environment values are text; the few numeric settings are turned into numbers here
        // (anything else stays text, so a bad `PORT` is reported as "expected u16").
        let env_map: std::collections::BTreeMap<String, serde_json::Value> = pairs
            .into_iter()
            .map(|(k, v)| {
                let value = match (NUMERIC_VARS.contains(&k.as_str()), v.trim().parse::<u64>()) {
                    (true, Ok(n)) => serde_json::Value::from(n),
                    _ => match (BOOL_VARS.contains(&k.as_str()), v.trim()) {
                        (true, "true" | "1") => serde_json::Value::Bool(true),
                        (true, "false" | "0") => serde_json::Value::Bool(false),
                        _ => serde_json::Value::String(v),
                    },
                };
                (k.to_ascii_lowercase(), value)
            })
            .collect();
        fig = fig.merge(Serialized::defaults(env_map));
        fig.extract::<Config>()
            .map_err(|e| {
                let key = e
                    .path
                    .first()
                    .map(|k| k.to_ascii_uppercase())
                    .unwrap_or_else(|| "configuration".into());
                // Strings from the environment arrive as strings; say what was wrong with the value
                // without echoing it (it may be a secret).
                let detail = match &e.kind {
                    figment::error::Kind::InvalidType(actual, expected) => {
                        format!("expected {expected}, found {actual}")
                    }
                    figment::error::Kind::InvalidValue(_, expected) => {
                        format!("expected {expected}")
                    }
                    figment::error::Kind::UnknownVariant(v, allowed) => {
                        format!("'{v}' is not one of {}", allowed.join(", "))
                    }
                    other => other.to_string(),
                };
                ConfigError(format!("{key}: {detail}"))
            })
            .and_then(|c| c.validate())
    }

    fn validate(self) -> Result<Config, ConfigError> {
        if let Some(url) = &self.database_url {
            let u = url.expose_secret();
            if !(u.starts_with("postgres://")
                || u.starts_with("postgresql://")
                || u.starts_with("sqlite:"))
            {
                return Err(ConfigError(
                    "DATABASE_URL: expected a postgres:// or sqlite: URL".into(),
                ));
            }
        }
        if let Some(url) = &self.redis_url {
            let u = url.expose_secret();
            if !(u.starts_with("redis://") || u.starts_with("rediss://")) {
                return Err(ConfigError(
                    "REDIS_URL: expected a redis:// or rediss:// URL".into(),
                ));
            }
        }
        if self.json_body_limit == 0 {
            return Err(ConfigError(
                "JSON_BODY_LIMIT: must be greater than 0".into(),
            ));
        }
        if self.job_poll_interval.0.is_zero() {
            return Err(ConfigError(
                "JOB_POLL_INTERVAL: must be greater than 0".into(),
            ));
        }
        Ok(self)
    }

    pub fn database_kind(&self) -> DatabaseKind {
        match &self.database_url {
            Some(u) if u.expose_secret().starts_with("postgres") => DatabaseKind::Postgres,
            _ => DatabaseKind::Sqlite,
        }
    }

    /// The database URL to connect to: `DATABASE_URL`, else the embedded SQLite file.
    pub fn effective_database_url(&self) -> SecretString {
        match &self.database_url {
            Some(u) => u.clone(),
            None => {
                let path = self.data_dir.join("medusa.db");
                SecretString::from(format!("sqlite://{}?mode=rwc", path.display()))
            }
        }
    }

    /// The database URL without credentials, for start-up logs.
    pub fn database_url_for_log(&self) -> String {
        redact_url(self.effective_database_url().expose_secret())
    }

    /// The Redis URL without credentials, for start-up logs.
    pub fn redis_url_for_log(&self) -> Option<String> {
        self.redis_url
            .as_ref()
            .map(|u| redact_url(u.expose_secret()))
    }

    /// Secrets still at their well-known defaults (for a start-up warning).
    pub fn default_secrets(&self) -> Vec<&'static str> {
        let mut v = Vec::new();
        if self.jwt_secret.expose_secret() == DEFAULT_SECRET {
            v.push("JWT_SECRET");
        }
        if self.cookie_secret.expose_secret() == DEFAULT_SECRET {
            v.push("COOKIE_SECRET");
        }
        v
    }

    pub fn runs_jobs_in_process(&self) -> bool {
        matches!(self.worker_mode, WorkerMode::Shared | WorkerMode::Worker)
    }
}

/// `scheme://user:pass@host/db?x` -> `scheme://***@host/db`. Query strings can carry passwords too.
pub fn redact_url(url: &str) -> String {
    let no_query = url.split('?').next().unwrap_or(url);
    match (no_query.find("://"), no_query.rfind('@')) {
        (Some(s), Some(at)) if at > s => format!("{}***{}", &no_query[..s + 3], &no_query[at..]),
        _ => no_query.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn defaults_are_the_embedded_mode() {
        let c = Config::load_from(&env(&[("MEDUSA_CONFIG", "/nonexistent/none.toml")]));
        assert!(c.is_err(), "an explicit missing file is an error");
        let c = Config::load_from(&[]).unwrap();
        assert_eq!(c.port, 9000);
        assert_eq!(c.host, "127.0.0.1");
        assert_eq!(c.database_kind(), DatabaseKind::Sqlite);
        assert_eq!(
            c.effective_database_url().expose_secret(),
            "sqlite://data/medusa.db?mode=rwc"
        );
        assert_eq!(c.store_cors.0, vec!["http://localhost:8000"]);
        assert_eq!(c.worker_mode, WorkerMode::Shared);
        assert_eq!(c.default_secrets(), vec!["JWT_SECRET", "COOKIE_SECRET"]);
        assert_eq!(c.job_poll_interval.0, Duration::from_secs(5));
        assert_eq!(c.capture_delay.0, Duration::from_secs(3600));
    }

    #[test]
    fn environment_overrides_defaults() {
        let c = Config::load_from(&env(&[
            (
                "DATABASE_URL",
                "postgres://u:p@db:5432/shop?sslmode=require",
            ),
            ("DATABASE_SSL_MODE", "verify-full"),
            ("REDIS_URL", "redis://127.0.0.1:6379/0"),
            (
                "STORE_CORS",
                "https://shop.example, https://www.shop.example/",
            ),
            ("PORT", "8080"),
            ("HOST", "0.0.0.0"),
            ("JWT_SECRET", "s3cret"),
            ("WORKER_MODE", "server"),
            ("JOB_POLL_INTERVAL", "250ms"),
            ("CAPTURE_DELAY", "90s"),
            ("UNRELATED", "ignored"),
        ]))
        .unwrap();
        assert_eq!(c.database_kind(), DatabaseKind::Postgres);
        assert_eq!(c.database_ssl_mode, Some(SslMode::VerifyFull));
        assert_eq!(c.port, 8080);
        assert_eq!(
            c.store_cors.0,
            vec!["https://shop.example", "https://www.shop.example"]
        );
        assert_eq!(c.worker_mode, WorkerMode::Server);
        assert!(!c.runs_jobs_in_process());
        assert_eq!(c.default_secrets(), vec!["COOKIE_SECRET"]);
        assert_eq!(c.job_poll_interval.0, Duration::from_millis(250));
        assert_eq!(c.capture_delay.0, Duration::from_secs(90));
        assert_eq!(c.database_url_for_log(), "postgres://***@db:5432/shop");
    }

    #[test]
    fn errors_name_the_variable() {
        let e = Config::load_from(&env(&[("PORT", "ninety")])).unwrap_err();
        assert!(e.to_string().contains("PORT"), "{e}");
        let e = Config::load_from(&env(&[("WORKER_MODE", "both")])).unwrap_err();
        assert!(e.to_string().contains("WORKER_MODE"), "{e}");
        let e = Config::load_from(&env(&[("DATABASE_URL", "mysql://x")])).unwrap_err();
        assert!(e.to_string().contains("DATABASE_URL"), "{e}");
        let e = Config::load_from(&env(&[("JOB_POLL_INTERVAL", "soon")])).unwrap_err();
        assert!(e.to_string().contains("JOB_POLL_INTERVAL"), "{e}");
        let e = Config::load_from(&env(&[("CAPTURE_DELAY", "later")])).unwrap_err();
        assert!(e.to_string().contains("CAPTURE_DELAY"), "{e}");
        let e = Config::load_from(&env(&[("DATABASE_SSL_MODE", "maybe")])).unwrap_err();
        assert!(e.to_string().contains("DATABASE_SSL_MODE"), "{e}");
    }

    #[test]
    fn empty_variables_count_as_unset() {
        let c = Config::load_from(&env(&[("DATABASE_URL", ""), ("REDIS_URL", "")])).unwrap();
        assert_eq!(c.database_kind(), DatabaseKind::Sqlite);
        assert!(c.redis_url.is_none());
    }

    #[test]
    fn secrets_never_print() {
        let c = Config::load_from(&env(&[
            ("JWT_SECRET", "hunter2-jwt"),
            ("COOKIE_SECRET", "hunter2-cookie"),
            ("DATABASE_URL", "postgres://u:hunter2-db@h/d"),
            ("REDIS_URL", "redis://:hunter2-redis@h:6379"),
        ]))
        .unwrap();
        let dbg = format!("{c:?}");
        assert!(!dbg.contains("hunter2"), "{dbg}");
        assert!(!c.database_url_for_log().contains("hunter2"));
        assert!(!c.redis_url_for_log().unwrap().contains("hunter2"));
    }

    #[test]
    fn config_file_sits_between_defaults_and_environment() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("medusa.toml");
        std::fs::write(&path, "port = 7000\nhost = \"0.0.0.0\"\n").unwrap();
        let p = path.to_str().unwrap();
        let c = Config::load_from(&env(&[("MEDUSA_CONFIG", p)])).unwrap();
        assert_eq!((c.port, c.host.as_str()), (7000, "0.0.0.0"));
        let c = Config::load_from(&env(&[("MEDUSA_CONFIG", p), ("PORT", "7001")])).unwrap();
        assert_eq!(c.port, 7001);
    }
}

#[cfg(test)]
mod readme {
    /// The README documents every variable the server reads.
    #[test]
    fn readme_lists_every_variable() {
        let readme = include_str!("../../../README.md");
        for (name, _, _) in super::ENV_VARS {
            assert!(
                readme.contains(&format!("`{name}`")),
                "README.md does not document {name}"
            );
        }
    }
}
