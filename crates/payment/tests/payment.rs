//! The payment module on real SQLite and real PostgreSQL: statuses and the collection
//! recompute, idempotent authorization, the ledger, and the races that must never move more
//! money than authorized or captured.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::str::FromStr;
use std::sync::Arc;

use async_trait::async_trait;
use futures_util::future::join_all;
use medusa_core::id::{CartId, PaymentCollectionId, PaymentId};
use medusa_core::registry::Module;
use medusa_core::{Amount, CurrencyCode, ErrorType, SystemClock};
use medusa_db::testing::{Backend, TestDatabase};
use medusa_payment::{
    CapturePayment, CollectionStatus, CreateRefundReason, DbPaymentService, PaymentCollection,
    PaymentError, PaymentFilter, PaymentModule, PaymentProvider, PaymentService, ProviderError,
    ProviderRegistry, ProviderRequest, ProviderSession, RefundPayment, RefundReasonFilter,
    SessionStatus, SystemProvider, TransactionKind, UpdateRefundReason,
};
use sea_orm::DatabaseConnection;
use sea_orm_migration::{MigrationTrait, MigratorTrait};
use serde_json::{Value, json};

macro_rules! on_both_backends {
    ($name:ident) => {
        mod $name {
            use super::*;
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                super::$name(Backend::Sqlite).await;
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                super::$name(Backend::Postgres).await;
            }
        }
    };
}

struct Migrator;

impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        PaymentModule::default().migrations()
    }
}

/// A provider that behaves like the system one but refuses captures and refunds, or never
/// authorizes.
struct Refusing {
    authorize: SessionStatus,
}

#[async_trait]
impl PaymentProvider for Refusing {
    fn id(&self) -> &str {
        "pp_refusing_test"
    }
    async fn initiate(&self, r: ProviderRequest<'_>) -> Result<ProviderSession, ProviderError> {
        Ok(ProviderSession {
            data: json!({"key": r.idempotency_key}),
            status: SessionStatus::Pending,
        })
    }
    async fn authorize(&self, _: ProviderRequest<'_>) -> Result<ProviderSession, ProviderError> {
        Ok(ProviderSession {
            data: json!({"authorized": self.authorize == SessionStatus::Authorized}),
            status: self.authorize,
        })
    }
    async fn capture(&self, _: ProviderRequest<'_>) -> Result<Value, ProviderError> {
        Err(ProviderError::new("card declined"))
    }
    async fn refund(&self, _: ProviderRequest<'_>) -> Result<Value, ProviderError> {
        Err(ProviderError::new("refund refused"))
    }
    async fn cancel(&self, _: ProviderRequest<'_>) -> Result<Value, ProviderError> {
        Ok(json!({}))
    }
    async fn update_amount(
        &self,
        _: ProviderRequest<'_>,
    ) -> Result<ProviderSession, ProviderError> {
        Err(ProviderError::new("unsupported"))
    }
    async fn status(&self, _: ProviderRequest<'_>) -> Result<SessionStatus, ProviderError> {
        Ok(self.authorize)
    }
}

struct Ctx {
    svc: Arc<DbPaymentService>,
    _db: DatabaseConnection,
    _tdb: TestDatabase,
}

async fn setup_with(backend: Backend, providers: ProviderRegistry) -> Ctx {
    let tdb = TestDatabase::create(backend).await.unwrap();
    let db = tdb.connect().await.unwrap();
    Migrator::up(&db, None).await.unwrap();
    Ctx {
        svc: Arc::new(DbPaymentService::new(
            db.clone(),
            Arc::new(SystemClock),
            providers,
        )),
        _db: db,
        _tdb: tdb,
    }
}

async fn setup(backend: Backend) -> Ctx {
    setup_with(backend, ProviderRegistry::default()).await
}

fn eur() -> CurrencyCode {
    CurrencyCode::parse("eur").unwrap()
}

fn amt(s: &str) -> Amount {
    Amount::from_str(s).unwrap()
}

impl Ctx {
    /// A collection for a new cart with a live system session.
    async fn collection(&self, total: &str) -> (CartId, PaymentCollection) {
        let cart = CartId::new();
        let c = self
            .svc
            .create_collection_for_cart(&cart, &eur(), amt(total))
            .await
            .unwrap();
        self.svc
            .create_session(&c.id, "pp_system_default", json!({}), json!({}))
            .await
            .unwrap();
        let c = self.svc.retrieve_collection(&c.id).await.unwrap();
        (cart, c)
    }

    /// An authorized payment of `total`.
    async fn payment(&self, total: &str) -> (PaymentCollection, PaymentId) {
        let (_, c) = self.collection(total).await;
        let p = self
            .svc
            .authorize_session(&c.payment_sessions[0].id, &json!({}))
            .await
            .unwrap();
        (c, p.id)
    }

    async fn capture(&self, id: &PaymentId, amount: Option<&str>) -> Result<(), PaymentError> {
        self.svc
            .capture_payment(CapturePayment {
                payment_id: id.clone(),
                amount: amount.map(amt),
                created_by: Some("user_1".into()),
            })
            .await
            .map(|_| ())
    }

    async fn refund(&self, id: &PaymentId, amount: Option<&str>) -> Result<(), PaymentError> {
        self.svc
            .refund_payment(RefundPayment {
                payment_id: id.clone(),
                amount: amount.map(amt),
                note: Some("damaged".into()),
                refund_reason_id: None,
                created_by: Some("user_1".into()),
            })
            .await
            .map(|_| ())
    }
}

async fn statuses_follow_the_money(backend: Backend) {
    let ctx = setup(backend).await;
    let cart = CartId::new();
    let c = ctx
        .svc
        .create_collection_for_cart(&cart, &eur(), amt("45"))
        .await
        .unwrap();
    assert_eq!(c.status, CollectionStatus::NotPaid);
    assert_eq!(c.amount, amt("45"));
    assert!(c.payment_sessions.is_empty());
    // One collection per cart.
    let again = ctx
        .svc
        .create_collection_for_cart(&cart, &eur(), amt("99"))
        .await
        .unwrap();
    assert_eq!(again.id, c.id);
    assert_eq!(again.amount, amt("45"));
    assert_eq!(
        ctx.svc.cart_of_collection(&c.id).await.unwrap(),
        Some(cart.clone())
    );

    let s1 = ctx
        .svc
        .create_session(&c.id, "pp_system_default", json!({}), json!({}))
        .await
        .unwrap();
    assert_eq!(s1.status, SessionStatus::Pending);
    assert_eq!(s1.data, json!({}));
    assert_eq!(s1.amount, amt("45"));
    let c = ctx.svc.retrieve_collection(&c.id).await.unwrap();
    assert_eq!(c.status, CollectionStatus::Awaiting);
    // A second session replaces the first: one active session.
    let s2 = ctx
        .svc
        .create_session(&c.id, "pp_system_default", json!({}), json!({}))
        .await
        .unwrap();
    let c = ctx.svc.retrieve_collection(&c.id).await.unwrap();
    assert_eq!(c.payment_sessions.len(), 1);
    assert_eq!(c.payment_sessions[0].id, s2.id);
    assert_ne!(s1.id, s2.id);
    // Unknown provider.
    let err = ctx
        .svc
        .create_session(&c.id, "pp_nope_nope", json!({}), json!({}))
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "Could not find a payment provider with id: pp_nope_nope"
    );

    let p = ctx.svc.authorize_session(&s2.id, &json!({})).await.unwrap();
    assert_eq!(p.amount, amt("45"));
    assert!(p.captured_at.is_none());
    let c = ctx.svc.retrieve_collection(&c.id).await.unwrap();
    assert_eq!(c.status, CollectionStatus::Authorized);
    assert_eq!(c.authorized_amount, amt("45"));
    assert_eq!(c.payment_sessions[0].status, SessionStatus::Authorized);
    assert!(c.payment_sessions[0].authorized_at.is_some());
    assert_eq!(c.payment_sessions[0].payment_id.as_ref(), Some(&p.id));

    ctx.capture(&p.id, Some("20")).await.unwrap();
    let c = ctx.svc.retrieve_collection(&c.id).await.unwrap();
    assert_eq!(c.status, CollectionStatus::Authorized);
    assert_eq!(c.captured_amount, amt("20"));
    assert!(c.payments[0].captured_at.is_none());
    // Without an amount Medusa captures the payment's whole amount, which no longer fits.
    let err = ctx.capture(&p.id, None).await.unwrap_err();
    assert!(matches!(err, PaymentError::OverCapture), "{err}");
    assert_eq!(
        medusa_core::Error::from(err).kind(),
        Some(ErrorType::InvalidData)
    );
    ctx.capture(&p.id, Some("25")).await.unwrap();
    let c = ctx.svc.retrieve_collection(&c.id).await.unwrap();
    assert_eq!(c.status, CollectionStatus::Completed);
    assert!(c.completed_at.is_some());
    assert!(c.payments[0].captured_at.is_some());
    assert_eq!(c.payments[0].captures.len(), 2);
    // Fully captured: a further capture changes nothing.
    ctx.capture(&p.id, Some("5")).await.unwrap();
    assert_eq!(
        ctx.svc
            .retrieve_payment(&p.id)
            .await
            .unwrap()
            .captures
            .len(),
        2
    );

    ctx.refund(&p.id, Some("10.5")).await.unwrap();
    let err = ctx.refund(&p.id, Some("35")).await.unwrap_err();
    assert_eq!(
        err.to_string(),
        "You cannot refund more than what is captured on the payment."
    );
    let c = ctx.svc.retrieve_collection(&c.id).await.unwrap();
    assert_eq!(c.refunded_amount, amt("10.5"));
    assert_eq!(c.payments[0].refunds[0].note.as_deref(), Some("damaged"));

    // Every movement is in the ledger, and nothing else.
    let ledger = ctx
        .svc
        .transactions(std::slice::from_ref(&p.id))
        .await
        .unwrap();
    let moves: Vec<(TransactionKind, Amount)> = ledger.iter().map(|t| (t.kind, t.amount)).collect();
    assert_eq!(
        moves,
        vec![
            (TransactionKind::Authorization, amt("45")),
            (TransactionKind::Capture, amt("20")),
            (TransactionKind::Capture, amt("25")),
            (TransactionKind::Refund, amt("10.5")),
        ]
    );
    assert_eq!(ledger[0].reference_id, s2.id.as_str());
    assert_eq!(
        ledger[1].reference_id,
        c.payments[0].captures[0].id.as_str()
    );
    assert_eq!(ledger[3].reference_id, c.payments[0].refunds[0].id.as_str());

    // Too precise for the currency, zero and negative amounts are refused.
    for bad in ["0.001", "0", "-1"] {
        let err = ctx.refund(&p.id, Some(bad)).await.unwrap_err();
        assert!(matches!(err, PaymentError::InvalidData(_)), "{bad}: {err}");
    }
}
on_both_backends!(statuses_follow_the_money);

async fn payments_list_with_filters(backend: Backend) {
    let ctx = setup(backend).await;
    let (_, p) = ctx.payment("12.34").await;
    let (_, other) = ctx.payment("5").await;
    let (list, count) = ctx
        .svc
        .list_payments(&PaymentFilter {
            limit: 10,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(count, 2);
    assert_eq!(list[0].id, p);
    let (list, count) = ctx
        .svc
        .list_payments(&PaymentFilter {
            ids: Some(vec![other.to_string()]),
            limit: 10,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!((count, list[0].id.clone()), (1, other.clone()));
    let session = list[0].payment_session_id.to_string();
    let (list, _) = ctx
        .svc
        .list_payments(&PaymentFilter {
            payment_session_ids: Some(vec![session]),
            limit: 10,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].id, other);
}
on_both_backends!(payments_list_with_filters);

async fn authorize_is_idempotent_also_concurrently(backend: Backend) {
    let ctx = setup(backend).await;
    let (_, c) = ctx.collection("30").await;
    let session = c.payment_sessions[0].id.clone();
    let results = join_all((0..6).map(|_| {
        let svc = ctx.svc.clone();
        let session = session.clone();
        async move { svc.authorize_session(&session, &json!({})).await }
    }))
    .await;
    let ids: std::collections::BTreeSet<String> = results
        .into_iter()
        .map(|r| r.unwrap().id.to_string())
        .collect();
    assert_eq!(ids.len(), 1, "one payment for one session: {ids:?}");
    let again = ctx
        .svc
        .authorize_session(&session, &json!({}))
        .await
        .unwrap();
    assert!(ids.contains(again.id.as_str()));
    let c = ctx.svc.retrieve_collection(&c.id).await.unwrap();
    assert_eq!(c.payments.len(), 1);
    let ledger = ctx
        .svc
        .transactions(std::slice::from_ref(&again.id))
        .await
        .unwrap();
    assert_eq!(ledger.len(), 1, "one authorization recorded");
    // No new session while the collection holds a live payment.
    let err = ctx
        .svc
        .create_session(&c.id, "pp_system_default", json!({}), json!({}))
        .await
        .unwrap_err();
    assert!(matches!(err, PaymentError::AlreadyAuthorized(_)), "{err}");
}
on_both_backends!(authorize_is_idempotent_also_concurrently);

async fn concurrent_captures_never_exceed_the_authorization(backend: Backend) {
    let ctx = setup(backend).await;
    let (c, p) = ctx.payment("100").await;
    let ctx = Arc::new(ctx);
    let results = join_all((0..8).map(|_| {
        let ctx = ctx.clone();
        let p = p.clone();
        tokio::spawn(async move { ctx.capture(&p, Some("30")).await })
    }))
    .await;
    let mut ok = 0;
    for r in results {
        match r.unwrap() {
            Ok(()) => ok += 1,
            Err(PaymentError::OverCapture) => {}
            Err(e) => panic!("unexpected {e}"),
        }
    }
    assert_eq!(ok, 3, "30 fits three times into 100");
    let pay = ctx.svc.retrieve_payment(&p).await.unwrap();
    assert_eq!(pay.captured_amount, amt("90"));
    assert_eq!(pay.captures.len(), 3);
    let c = ctx.svc.retrieve_collection(&c.id).await.unwrap();
    assert_eq!(c.captured_amount, amt("90"));
    let captures = ctx
        .svc
        .transactions(std::slice::from_ref(&p))
        .await
        .unwrap()
        .into_iter()
        .filter(|t| t.kind == TransactionKind::Capture)
        .count();
    assert_eq!(captures, 3);

    // Same for refunds against what was captured.
    let results = join_all((0..6).map(|_| {
        let ctx = ctx.clone();
        let p = p.clone();
        tokio::spawn(async move { ctx.refund(&p, Some("40")).await })
    }))
    .await;
    let ok = results
        .into_iter()
        .filter(|r| match r.as_ref().unwrap() {
            Ok(()) => true,
            Err(PaymentError::OverRefund) => false,
            Err(e) => panic!("unexpected {e}"),
        })
        .count();
    assert_eq!(ok, 2, "40 fits twice into 90");
    let pay = ctx.svc.retrieve_payment(&p).await.unwrap();
    assert_eq!(pay.refunded_amount, amt("80"));
    assert_eq!(pay.refunds.len(), 2);
}
on_both_backends!(concurrent_captures_never_exceed_the_authorization);

async fn provider_refusals_leave_nothing_behind(backend: Backend) {
    let mut providers = ProviderRegistry::default();
    providers.register(Arc::new(Refusing {
        authorize: SessionStatus::Authorized,
    }));
    let ctx = setup_with(backend, providers).await;
    let c = ctx
        .svc
        .create_collection_for_cart(&CartId::new(), &eur(), amt("10"))
        .await
        .unwrap();
    let s = ctx
        .svc
        .create_session(&c.id, "pp_refusing_test", json!({"note": "x"}), json!({}))
        .await
        .unwrap();
    // The client's data is kept and the provider's laid over it; the key names the session.
    assert_eq!(
        s.data,
        json!({"note": "x", "key": format!("session:{}", s.id)})
    );
    let p = ctx.svc.authorize_session(&s.id, &json!({})).await.unwrap();
    let err = ctx.capture(&p.id, None).await.unwrap_err();
    assert_eq!(err.to_string(), "card declined");
    assert_eq!(
        medusa_core::Error::from(err).kind(),
        Some(ErrorType::InvalidData)
    );
    let pay = ctx.svc.retrieve_payment(&p.id).await.unwrap();
    assert!(pay.captures.is_empty());
    assert_eq!(pay.captured_amount, Amount::ZERO);
    assert!(pay.captured_at.is_none());
    let c = ctx.svc.retrieve_collection(&c.id).await.unwrap();
    assert_eq!(c.captured_amount, Amount::ZERO);
    assert_eq!(c.status, CollectionStatus::Authorized);
    let kinds: Vec<TransactionKind> = ctx
        .svc
        .transactions(std::slice::from_ref(&p.id))
        .await
        .unwrap()
        .iter()
        .map(|t| t.kind)
        .collect();
    assert_eq!(kinds, vec![TransactionKind::Authorization]);
}
on_both_backends!(provider_refusals_leave_nothing_behind);

async fn unauthorized_sessions_and_cancel(backend: Backend) {
    let mut providers = ProviderRegistry::empty();
    providers.register(Arc::new(SystemProvider));
    providers.register(Arc::new(Refusing {
        authorize: SessionStatus::RequiresMore,
    }));
    let ctx = setup_with(backend, providers).await;
    let c = ctx
        .svc
        .create_collection_for_cart(&CartId::new(), &eur(), amt("10"))
        .await
        .unwrap();
    let s = ctx
        .svc
        .create_session(&c.id, "pp_refusing_test", json!({}), json!({}))
        .await
        .unwrap();
    let err = ctx
        .svc
        .authorize_session(&s.id, &json!({}))
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        format!("Session: {} was not authorized with the provider.", s.id)
    );
    let c2 = ctx.svc.retrieve_collection(&c.id).await.unwrap();
    assert_eq!(c2.payment_sessions[0].status, SessionStatus::RequiresMore);
    assert!(c2.payments.is_empty());

    // Cancel an authorized system payment: the collection is no longer authorized, the payment
    // cannot be captured, and the session cannot be authorized again.
    let (c, p) = ctx.payment("10").await;
    let canceled = ctx.svc.cancel_payment(&p).await.unwrap();
    assert!(canceled.canceled_at.is_some());
    let c = ctx.svc.retrieve_collection(&c.id).await.unwrap();
    assert_eq!(c.status, CollectionStatus::Awaiting);
    assert_eq!(c.authorized_amount, Amount::ZERO);
    let err = ctx.capture(&p, None).await.unwrap_err();
    assert_eq!(
        err.to_string(),
        format!("The payment: {p} has been canceled.")
    );
    let err = ctx
        .svc
        .authorize_session(&c.payment_sessions[0].id, &json!({}))
        .await
        .unwrap_err();
    assert!(matches!(err, PaymentError::NotAuthorized(_)));
    // A new session is possible again.
    ctx.svc
        .create_session(&c.id, "pp_system_default", json!({}), json!({}))
        .await
        .unwrap();
}
on_both_backends!(unauthorized_sessions_and_cancel);

async fn cart_amount_changes_reset_the_sessions(backend: Backend) {
    let ctx = setup(backend).await;
    let (_, c) = ctx.collection("45").await;
    // Unchanged: the session stays.
    let same = ctx
        .svc
        .sync_collection_amount(c.id.as_str(), amt("45"), &eur())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(same.payment_sessions.len(), 1);
    assert_eq!(same.status, CollectionStatus::Awaiting);
    // Changed: sessions go, the amount follows the cart.
    let changed = ctx
        .svc
        .sync_collection_amount(c.id.as_str(), amt("52.5"), &eur())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(changed.id, c.id);
    assert!(changed.payment_sessions.is_empty());
    assert_eq!(changed.amount, amt("52.5"));
    assert_eq!(changed.status, CollectionStatus::NotPaid);
    // A currency change too.
    let usd = CurrencyCode::parse("usd").unwrap();
    let changed = ctx
        .svc
        .sync_collection_amount(c.id.as_str(), amt("52.5"), &usd)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(changed.currency_code, usd);
    // A collection that does not exist.
    assert!(
        ctx.svc
            .sync_collection_amount(PaymentCollectionId::new().as_str(), amt("1"), &eur())
            .await
            .unwrap()
            .is_none()
    );
    // A new session takes the new amount.
    let s = ctx
        .svc
        .create_session(&c.id, "pp_system_default", json!({}), json!({}))
        .await
        .unwrap();
    assert_eq!(s.amount, amt("52.5"));
    assert_eq!(s.currency_code, usd);
}
on_both_backends!(cart_amount_changes_reset_the_sessions);

async fn concurrent_collection_creation_gives_one_collection(backend: Backend) {
    let ctx = setup(backend).await;
    let cart = CartId::new();
    let results = join_all((0..5).map(|_| {
        let svc = ctx.svc.clone();
        let cart = cart.clone();
        async move {
            svc.create_collection_for_cart(&cart, &eur(), amt("7"))
                .await
        }
    }))
    .await;
    let ids: std::collections::BTreeSet<String> = results
        .into_iter()
        .map(|r| r.unwrap().id.to_string())
        .collect();
    assert_eq!(ids.len(), 1);
}
on_both_backends!(concurrent_collection_creation_gives_one_collection);

async fn refund_reasons(backend: Backend) {
    let ctx = setup(backend).await;
    let r = ctx
        .svc
        .create_refund_reason(CreateRefundReason {
            label: "Damaged".into(),
            code: "damaged".into(),
            description: Some("Arrived broken".into()),
            metadata: None,
        })
        .await
        .unwrap();
    assert!(r.id.as_str().starts_with("refr_"));
    let u = ctx
        .svc
        .update_refund_reason(
            r.id.as_str(),
            UpdateRefundReason {
                label: Some("Broken".into()),
                description: Some(None),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(u.label, "Broken");
    assert_eq!(u.code, "damaged");
    assert_eq!(u.description, None);
    let (list, count) = ctx
        .svc
        .list_refund_reasons(&RefundReasonFilter {
            q: Some("BROK".into()),
            limit: 10,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!((count, list[0].id.clone()), (1, r.id.clone()));

    // A refund keeps its reason, even after the reason is deleted.
    let (_, p) = ctx.payment("20").await;
    ctx.capture(&p, None).await.unwrap();
    ctx.svc
        .refund_payment(RefundPayment {
            payment_id: p.clone(),
            amount: Some(amt("5")),
            note: None,
            refund_reason_id: Some(r.id.clone()),
            created_by: None,
        })
        .await
        .unwrap();
    ctx.svc.delete_refund_reason(r.id.as_str()).await.unwrap();
    assert!(matches!(
        ctx.svc.retrieve_refund_reason(r.id.as_str()).await,
        Err(PaymentError::RefundReasonNotFound(_))
    ));
    let pay = ctx.svc.retrieve_payment(&p).await.unwrap();
    assert_eq!(
        pay.refunds[0]
            .refund_reason
            .as_ref()
            .map(|r| r.label.as_str()),
        Some("Broken")
    );
    // A deleted reason cannot be given to a new refund.
    let err = ctx
        .svc
        .refund_payment(RefundPayment {
            payment_id: p.clone(),
            amount: Some(amt("1")),
            note: None,
            refund_reason_id: Some(r.id.clone()),
            created_by: None,
        })
        .await
        .unwrap_err();
    assert!(matches!(err, PaymentError::UnknownRefundReason(_)));
}
on_both_backends!(refund_reasons);
