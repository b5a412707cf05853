use std::collections::HashMap;
use std::sync::Arc;

use async_trait::async_trait;
use medusa_core::Clock;
use medusa_core::id::SalesChannelId;
use medusa_core::request::ListParams;
use sea_orm::DatabaseConnection;

use crate::entity::sales_channel as sc;
use crate::error::SalesChannelError;
use crate::model::{CreateSalesChannel, SalesChannel, SalesChannelFilter, UpdateSalesChannel};
use crate::repo;

/// The module's service.
#[async_trait]
pub trait SalesChannelService: Send + Sync {
    /// One page of channels matching `filter`, and how many match in all.
    async fn list(
        &self,
        filter: &SalesChannelFilter,
        page: &ListParams,
    ) -> Result<(Vec<SalesChannel>, u64), SalesChannelError>;
    /// A channel that is not deleted.
    async fn retrieve(&self, id: &SalesChannelId) -> Result<SalesChannel, SalesChannelError>;
    /// The channels among `ids` that exist (not deleted), in one query, in the order of `ids`.
    async fn lookup(&self, ids: &[SalesChannelId]) -> Result<Vec<SalesChannel>, SalesChannelError>;
    async fn create(&self, input: CreateSalesChannel) -> Result<SalesChannel, SalesChannelError>;
    async fn update(
        &self,
        id: &SalesChannelId,
        input: UpdateSalesChannel,
    ) -> Result<SalesChannel, SalesChannelError>;
    /// Soft-deletes a channel. Deleting one that does not exist (any more) succeeds, as in
    /// Medusa; `false` tells the caller nothing changed.
    async fn delete(&self, id: &SalesChannelId) -> Result<bool, SalesChannelError>;
}

pub struct DbSalesChannelService {
    db: DatabaseConnection,
    clock: Arc<dyn Clock>,
}

impl DbSalesChannelService {
    pub fn new(db: DatabaseConnection, clock: Arc<dyn Clock>) -> Self {
        DbSalesChannelService { db, clock }
    }
}

fn to_model(row: sc::Model) -> Result<SalesChannel, SalesChannelError> {
    // Rows are written only by this module; an id that does not parse is corruption.
    let id = SalesChannelId::parse(&row.id).map_err(|_| {
        SalesChannelError::Database(sea_orm::DbErr::Custom(format!(
            "invalid sales channel id in the database: {}",
            row.id
        )))
    })?;
    Ok(SalesChannel {
        id,
        name: row.name,
        description: row.description,
        is_disabled: row.is_disabled,
        metadata: row.metadata,
        created_at: row.created_at,
        updated_at: row.updated_at,
        deleted_at: row.deleted_at,
    })
}

#[async_trait]
impl SalesChannelService for DbSalesChannelService {
    async fn list(
        &self,
        filter: &SalesChannelFilter,
        page: &ListParams,
    ) -> Result<(Vec<SalesChannel>, u64), SalesChannelError> {
        let (rows, count) = repo::list(&self.db, filter, page).await?;
        let channels = rows.into_iter().map(to_model).collect::<Result<_, _>>()?;
        Ok((channels, count))
    }

    async fn retrieve(&self, id: &SalesChannelId) -> Result<SalesChannel, SalesChannelError> {
        let row = repo::find(&self.db, id.as_str())
            .await?
            .ok_or_else(|| SalesChannelError::NotFound(id.clone()))?;
        to_model(row)
    }

    async fn lookup(&self, ids: &[SalesChannelId]) -> Result<Vec<SalesChannel>, SalesChannelError> {
        let wanted: Vec<String> = ids.iter().map(|i| i.as_str().to_owned()).collect();
        let mut rows: HashMap<String, sc::Model> = repo::find_many(&self.db, &wanted)
            .await?
            .into_iter()
            .map(|r| (r.id.clone(), r))
            .collect();
        wanted
            .iter()
            .filter_map(|id| rows.remove(id))
            .map(to_model)
            .collect()
    }

    async fn create(&self, input: CreateSalesChannel) -> Result<SalesChannel, SalesChannelError> {
        let now = self.clock.now();
        let row = sc::Model {
            id: SalesChannelId::new().into_string(),
            name: input.name,
            description: input.description,
            is_disabled: input.is_disabled.unwrap_or(false),
            metadata: input.metadata,
            created_at: now,
            updated_at: now,
            deleted_at: None,
        };
        repo::insert(&self.db, row.clone()).await?;
        to_model(row)
    }

    async fn update(
        &self,
        id: &SalesChannelId,
        input: UpdateSalesChannel,
    ) -> Result<SalesChannel, SalesChannelError> {
        let tx = medusa_db::begin_write(&self.db).await?;
        let mut row = repo::find_locked(&tx, id.as_str())
            .await?
            .ok_or_else(|| SalesChannelError::NotFound(id.clone()))?;
        if let Some(name) = input.name {
            row.name = name;
        }
        if let Some(d) = input.description {
            row.description = d;
        }
        if let Some(d) = input.is_disabled {
            row.is_disabled = d;
        }
        if let Some(m) = input.metadata {
            row.metadata = m;
        }
        row.updated_at = self.clock.now();
        if !repo::update(&tx, row.clone()).await? {
            return Err(SalesChannelError::NotFound(id.clone()));
        }
        tx.commit().await?;
        to_model(row)
    }

    async fn delete(&self, id: &SalesChannelId) -> Result<bool, SalesChannelError> {
        Ok(repo::soft_delete(&self.db, id.as_str(), self.clock.now()).await?)
    }
}
