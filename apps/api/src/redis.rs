//! The api's Redis client (fred), behind a small type so nothing else imports fred.
//!
//! Redis is optional and never a source of truth: the api starts and serves without it, and
//! the readiness route reports it.

use std::time::Duration;

use fred::prelude::{Builder, ClientLike, Config as FredConfig, ReconnectPolicy};

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
}
