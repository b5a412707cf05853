//! The api's Redis client (fred), behind a small type so nothing else imports fred.
//!
//! Redis is optional and never a source of truth: the api starts and serves without it, and
//! the readiness route reports it.

use std::time::Duration;

use fred::prelude::{
    Builder, ClientLike, Config as FredConfig, ConfigInterface, EventInterface, Expiration,
    KeysInterface, PubsubInterface, ReconnectPolicy,
};

#[derive(Clone)]
pub struct Redis {
    client: fred::clients::Client,
}

impl Redis {
    /// Starts connecting in the background (reconnecting forever with backoff) and returns at
    /// once, so a Redis outage never blocks start-up.
    pub fn connect(url: &str) -> anyhow::Result<Redis> {
        let config = FredConfig::from_url(url)?;
        let client = Builder::from_config(config)
            .with_connection_config(|c| {
                c.connection_timeout = Duration::from_secs(2);
            })
            .with_performance_config(|p| {
                p.default_command_timeout = Duration::from_secs(2);
            })
            .set_policy(ReconnectPolicy::new_exponential(0, 100, 5_000, 2))
            .build()?;
        // The connection task runs (and reconnects) on its own; its handle is not needed.
        drop(client.connect());
        Ok(Redis { client })
    }

    pub async fn ping(&self) -> Result<(), String> {
        match tokio::time::timeout(Duration::from_secs(2), self.client.ping::<String>(None)).await {
            Ok(Ok(_)) => Ok(()),
            Ok(Err(e)) => Err(e.to_string()),
            Err(_) => Err("timed out".into()),
        }
    }

    pub async fn quit(&self) {
        let _ = self.client.quit().await;
    }

    /// `SET {key} 1 PX {ttl}`: a key whose expiry event is a wake-up (the delayed capture's
    /// `capture_intent:{order_id}`). A hint only: the caller logs a failure and moves on.
    pub async fn set_with_ttl(&self, key: &str, ttl: Duration) -> Result<(), String> {
        let ms = i64::try_from(ttl.as_millis()).unwrap_or(i64::MAX).max(1);
        let set = self
            .client
            .set::<(), _, _>(key, "1", Some(Expiration::PX(ms)), None, false);
        match tokio::time::timeout(Duration::from_secs(2), set).await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(e)) => Err(e.to_string()),
            Err(_) => Err("timed out".into()),
        }
    }
}

/// What [`enable_expiry_events`] found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExpiryEvents {
    /// `notify-keyspace-events` already had `E` and `x` (or `A`).
    AlreadyOn(String),
    /// Turned on with `CONFIG SET`: the new flags.
    Enabled(String),
    /// `CONFIG GET`/`CONFIG SET` refused (managed Redis) or Redis unreachable: the reason.
    Refused(String),
}

/// The flags with `E` (keyevent channel) and `x` (expired events) added to what is set.
pub fn with_expiry_flags(current: &str) -> Option<String> {
    let has_x = current.contains('x') || current.contains('A');
    let has_e = current.contains('E');
    if has_x && has_e {
        return None;
    }
    let mut flags = current.to_owned();
    if !has_e {
        flags.push('E');
    }
    if !has_x {
        flags.push('x');
    }
    Some(flags)
}

/// Reads `notify-keyspace-events` and adds `Ex` to it where the server allows `CONFIG SET`.
pub async fn enable_expiry_events(url: &str) -> ExpiryEvents {
    let attempt = async {
        let client = Builder::from_config(FredConfig::from_url(url)?)
            .with_performance_config(|p| p.default_command_timeout = Duration::from_secs(2))
            .build()?;
        client.init().await?;
        let pairs: Vec<String> = client.config_get("notify-keyspace-events").await?;
        let current = pairs.get(1).cloned().unwrap_or_default();
        let outcome = match with_expiry_flags(&current) {
            None => ExpiryEvents::AlreadyOn(current),
            Some(flags) => {
                client
                    .config_set::<&str, _>("notify-keyspace-events", flags.as_str())
                    .await?;
                ExpiryEvents::Enabled(flags)
            }
        };
        let _ = client.quit().await;
        Ok::<_, fred::error::Error>(outcome)
    };
    match tokio::time::timeout(Duration::from_secs(5), attempt).await {
        Ok(Ok(o)) => o,
        Ok(Err(e)) => ExpiryEvents::Refused(e.to_string()),
        Err(_) => ExpiryEvents::Refused("timed out".into()),
    }
}

/// Logs what [`enable_expiry_events`] found; `reconnect` says whether this follows a
/// reconnection (a restarted Redis forgets a `CONFIG SET`).
fn log_expiry_events(found: &ExpiryEvents, reconnect: bool) {
    match found {
        ExpiryEvents::AlreadyOn(flags) => {
            tracing::info!(%flags, reconnect, "Redis keyspace expiry events are on")
        }
        ExpiryEvents::Enabled(flags) => tracing::info!(
            %flags,
            reconnect,
            "enabled Redis keyspace expiry events (CONFIG SET notify-keyspace-events)"
        ),
        ExpiryEvents::Refused(reason) => tracing::warn!(
            %reason,
            reconnect,
            "could not enable Redis keyspace expiry events (CONFIG SET notify-keyspace-events Ex \
             refused or failed): on a managed Redis that forbids CONFIG, set notify-keyspace-events \
             to include Ex in the provider's console. Until then delayed work waits for the \
             database poller (up to JOB_POLL_INTERVAL after it is due)"
        ),
    }
}

/// Subscribes to `__keyevent@<db>__:expired` and hands every expired key that starts with
/// `prefix` (without it) to `on_key`, until `shutdown`. Keeps trying to connect while Redis is
/// down. On every connection (the first and each reconnect: a Redis restart, a killed
/// connection) it first makes sure the server emits expiry events ([`enable_expiry_events`]:
/// `CONFIG SET notify-keyspace-events` with `Ex` merged into the flags already set, since a
/// restarted Redis has forgotten them; a warning where `CONFIG` is refused) and then subscribes
/// again. Events that happen while disconnected are lost (Redis pub/sub is fire and forget):
/// the database poller is what guarantees the work.
pub async fn watch_expired_keys(
    url: String,
    prefix: &'static str,
    shutdown: tokio_util::sync::CancellationToken,
    on_key: impl Fn(String) + Send + 'static,
) {
    let config = match FredConfig::from_url(&url) {
        Ok(c) => c,
        Err(e) => {
            tracing::warn!(error = %e, "REDIS_URL: cannot listen for expiry events");
            return;
        }
    };
    let db = config.database.unwrap_or(0);
    let channel = format!("__keyevent@{db}__:expired");
    let subscriber = match Builder::from_config(config)
        .with_connection_config(|c| c.connection_timeout = Duration::from_secs(2))
        .with_performance_config(|p| p.default_command_timeout = Duration::from_secs(5))
        .set_policy(ReconnectPolicy::new_exponential(0, 100, 5_000, 2))
        .build_subscriber_client()
    {
        Ok(s) => s,
        Err(e) => {
            tracing::warn!(error = %e, "cannot build the Redis subscriber");
            return;
        }
    };
    let mut events = subscriber.keyspace_event_rx();
    // Fires on the first connection too; taken before connecting so none is missed.
    let mut connections = subscriber.reconnect_rx();
    let mut errors = subscriber.error_rx();
    // Connects (and reconnects) in the background.
    drop(subscriber.connect());
    let mut connected_before = false;
    // One warning per outage, not one per reconnection attempt.
    let mut outage_logged = false;
    loop {
        tokio::select! {
            _ = shutdown.cancelled() => break,
            c = connections.recv() => match c {
                Ok(_) | Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {
                    let found = enable_expiry_events(&url).await;
                    log_expiry_events(&found, connected_before);
                    match subscriber.subscribe(channel.as_str()).await {
                        Ok(()) => tracing::info!(
                            %channel,
                            reconnect = connected_before,
                            "listening for Redis expiry events"
                        ),
                        // The connection dropped again: the next reconnect subscribes.
                        Err(e) => tracing::warn!(error = %e, %channel, "could not subscribe to Redis expiry events"),
                    }
                    connected_before = true;
                    outage_logged = false;
                }
                Err(tokio::sync::broadcast::error::RecvError::Closed) => break,
            },
            e = errors.recv() => if let Ok((error, _)) = e {
                if outage_logged {
                    tracing::debug!(%error, "Redis still unreachable");
                } else {
                    outage_logged = true;
                    tracing::warn!(%error, "Redis is unreachable or the connection was lost; reconnecting (delayed work relies on the database poller meanwhile)");
                }
            },
            ev = events.recv() => match ev {
                Ok(ev) => {
                    if ev.operation != "expired" {
                        continue;
                    }
                    if let Some(rest) = ev.key.as_str().and_then(|k| k.strip_prefix(prefix)) {
                        on_key(rest.to_owned());
                    }
                }
                Err(tokio::sync::broadcast::error::RecvError::Lagged(n)) => {
                    tracing::warn!(missed = n, "missed Redis expiry events; the poller catches up");
                }
                Err(tokio::sync::broadcast::error::RecvError::Closed) => break,
            }
        }
    }
    let _ = subscriber.quit().await;
}

#[cfg(test)]
mod tests {
    use super::with_expiry_flags;

    #[test]
    fn expiry_flags_are_added_to_the_existing_ones() {
        assert_eq!(with_expiry_flags("").as_deref(), Some("Ex"));
        assert_eq!(with_expiry_flags("Kg").as_deref(), Some("KgEx"));
        assert_eq!(with_expiry_flags("Ex"), None);
        assert_eq!(with_expiry_flags("AKE"), None);
        assert_eq!(with_expiry_flags("Kx").as_deref(), Some("KxE"));
    }
}
