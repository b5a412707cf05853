//! Rows of this module's tables. Only `repo.rs` and `service.rs` touch them. Money columns hold
//! minor units of the row's currency.

macro_rules! no_relations {
    () => {
        #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
        pub enum Relation {}
        impl ActiveModelBehavior for ActiveModel {}
    };
}

pub mod collection {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "payment_collection")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: String,
        pub currency_code: String,
        pub amount: i64,
        pub authorized_amount: i64,
        pub captured_amount: i64,
        pub refunded_amount: i64,
        pub status: String,
        pub completed_at: Option<DateTimeUtc>,
        pub metadata: Option<Json>,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
        pub deleted_at: Option<DateTimeUtc>,
    }
    no_relations!();
}

pub mod session {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "payment_session")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: String,
        pub payment_collection_id: String,
        pub currency_code: String,
        pub amount: i64,
        pub provider_id: String,
        pub data: Json,
        pub context: Option<Json>,
        pub status: String,
        pub authorized_at: Option<DateTimeUtc>,
        pub metadata: Option<Json>,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
        pub deleted_at: Option<DateTimeUtc>,
    }
    no_relations!();
}

pub mod payment {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "payment")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: String,
        pub payment_collection_id: String,
        pub payment_session_id: String,
        pub provider_id: String,
        pub currency_code: String,
        pub amount: i64,
        pub captured_amount: i64,
        pub refunded_amount: i64,
        pub data: Option<Json>,
        pub metadata: Option<Json>,
        pub captured_at: Option<DateTimeUtc>,
        pub canceled_at: Option<DateTimeUtc>,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
        pub deleted_at: Option<DateTimeUtc>,
    }
    no_relations!();
}

pub mod capture {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "capture")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: String,
        pub payment_id: String,
        pub amount: i64,
        pub created_by: Option<String>,
        pub metadata: Option<Json>,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
        pub deleted_at: Option<DateTimeUtc>,
    }
    no_relations!();
}

pub mod refund {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "refund")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: String,
        pub payment_id: String,
        pub amount: i64,
        pub note: Option<String>,
        pub refund_reason_id: Option<String>,
        pub created_by: Option<String>,
        pub metadata: Option<Json>,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
        pub deleted_at: Option<DateTimeUtc>,
    }
    no_relations!();
}

pub mod refund_reason {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "refund_reason")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: String,
        pub label: String,
        pub code: String,
        pub description: Option<String>,
        pub metadata: Option<Json>,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
        pub deleted_at: Option<DateTimeUtc>,
    }
    no_relations!();
}

pub mod transaction {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "payment_transaction")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: String,
        pub kind: String,
        pub amount: i64,
        pub currency_code: String,
        pub payment_id: String,
        pub reference_id: String,
        pub created_at: DateTimeUtc,
    }
    no_relations!();
}

pub mod cart_link {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "cart_payment_collection")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub cart_id: String,
        pub payment_collection_id: String,
        pub created_at: DateTimeUtc,
    }
    no_relations!();
}

/// The caller's idempotency key of a capture (see `migration/m0002_capture_idempotency.rs`).
pub mod capture_idempotency {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "capture_idempotency")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub capture_id: String,
        pub payment_id: String,
        pub idempotency_key: String,
        pub created_at: DateTimeUtc,
    }
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}
    impl ActiveModelBehavior for ActiveModel {}
}
