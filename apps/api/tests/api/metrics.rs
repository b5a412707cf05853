//! `GET /metrics`: off (404) without `METRICS_TOKEN`, 401 without the bearer token, and the
//! capture gauges follow the database: pending jobs, one captured, one failed after its last
//! attempt (with the per-process failure counter), and the failed one flagged once its
//! authorization is about to expire.

use std::sync::Arc;

use medusa_api::capture::{CaptureSettings, Capturer};
use medusa_core::id::PaymentId;
use medusa_order::{CaptureJobStatus, OrderService};
use medusa_payment::PaymentService;
use medusa_testkit::{TestApp, both_backends, spawn_app, spawn_app_builder};

use crate::capture::place_order;

const TOKEN: &str = "metrics-test-token";

async fn scrape(app: &TestApp, auth: Option<&str>) -> (u16, String, String) {
    let mut req = app.client.get(app.url("/metrics"));
    if let Some(a) = auth {
        req = req.header("Authorization", a);
    }
    let resp = req.send().await.unwrap();
    let status = resp.status().as_u16();
    let ct = resp
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    (status, ct, resp.text().await.unwrap())
}

/// The value of the sample line `name` (with its labels) in an exposition text.
fn sample(text: &str, name: &str) -> u64 {
    let line = text
        .lines()
        .find(|l| l.split(' ').next() == Some(name))
        .unwrap_or_else(|| panic!("no sample {name} in\n{text}"));
    line.rsplit(' ').next().unwrap().parse().unwrap()
}

async fn gauges(app: &TestApp) -> String {
    let (status, ct, body) = scrape(app, Some(&format!("Bearer {TOKEN}"))).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(ct, "text/plain; version=0.0.4; charset=utf-8");
    body
}

fn jobs(text: &str, status: &str) -> u64 {
    sample(text, &format!("medusa_capture_jobs{{status=\"{status}\"}}"))
}

both_backends!(
    async fn metrics_are_off_without_a_token(backend: Backend) {
        let app = spawn_app(backend).await;
        let (status, _, body) = scrape(&app, Some("Bearer anything")).await;
        assert_eq!(status, 404, "{body}");
    }
);

both_backends!(
    async fn metrics_report_capture_jobs_and_failures(backend: Backend) {
        let app = spawn_app_builder(backend)
            .env("METRICS_TOKEN", TOKEN)
            .spawn()
            .await;
        for auth in [None, Some("Bearer wrong"), Some(TOKEN), Some("Basic eDp5")] {
            let (status, _, body) = scrape(&app, auth).await;
            assert_eq!(status, 401, "{auth:?}: {body}");
            assert!(!body.contains("medusa_capture"), "{body}");
        }
        let text = gauges(&app).await;
        for s in ["pending", "claimed", "done", "failed", "canceled"] {
            assert_eq!(jobs(&text, s), 0, "{s}: {text}");
        }
        assert!(text.contains("# TYPE medusa_capture_jobs gauge"), "{text}");
        assert!(
            text.contains("# TYPE medusa_capture_failures_total counter"),
            "{text}"
        );
        let failures_before = sample(&text, "medusa_capture_failures_total");

        let key = app.seed().await;
        let doomed = place_order(&app, &key).await;
        let fine = place_order(&app, &key).await;
        let text = gauges(&app).await;
        assert_eq!(jobs(&text, "pending"), 2, "{text}");

        // The doomed order's authorization is canceled behind the job's back: its capture
        // fails for good; the other one is captured.
        let orders = app.state.registry.get::<dyn OrderService>().unwrap();
        let payments = app.state.registry.get::<dyn PaymentService>().unwrap();
        let job = orders
            .capture_job_for_order(&doomed)
            .await
            .unwrap()
            .unwrap();
        payments
            .cancel_payment(&PaymentId::parse(&job.payment_id).unwrap())
            .await
            .unwrap();
        app.clock.advance(chrono::Duration::hours(2));
        let capturer = Capturer::new(
            app.state.registry.clone(),
            Arc::new(app.clock.clone()),
            CaptureSettings::default(),
        );
        assert_eq!(capturer.capture_due().await.unwrap(), 2);
        let status = |o: String| {
            let orders = orders.clone();
            async move {
                orders
                    .capture_job_for_order(&o)
                    .await
                    .unwrap()
                    .unwrap()
                    .status
            }
        };
        assert_eq!(status(doomed.clone()).await, CaptureJobStatus::Failed);
        assert_eq!(status(fine.clone()).await, CaptureJobStatus::Done);

        let text = gauges(&app).await;
        assert_eq!(jobs(&text, "pending"), 0, "{text}");
        assert_eq!(jobs(&text, "done"), 1, "{text}");
        assert_eq!(jobs(&text, "failed"), 1, "{text}");
        assert_eq!(
            sample(&text, "medusa_capture_failures_total"),
            failures_before + 1,
            "{text}"
        );
        assert_eq!(
            sample(&text, "medusa_capture_jobs_expiring_authorization"),
            0,
            "{text}"
        );

        // Six days on, the failed job's authorization expires within a day: flagged.
        app.clock.advance(chrono::Duration::days(6));
        assert_eq!(capturer.capture_due().await.unwrap(), 0);
        let text = gauges(&app).await;
        assert_eq!(
            sample(&text, "medusa_capture_jobs_expiring_authorization"),
            1,
            "{text}"
        );
        assert_eq!(jobs(&text, "failed"), 1, "{text}");
    }
);
