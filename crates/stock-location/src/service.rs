use std::collections::HashMap;
use std::sync::Arc;

use async_trait::async_trait;
use chrono::{DateTime, SubsecRound, Utc};
use medusa_core::Clock;
use medusa_core::id::SalesChannelId;
use sea_orm::{DatabaseConnection, TransactionTrait};

use crate::entity::{stock_location as location, stock_location_address as address};
use crate::error::StockLocationError;
use crate::model::{
    ListStockLocations, StockLocation, StockLocationAddress, StockLocationAddressId,
    StockLocationAddressInput, StockLocationId,
};
use crate::repo;

/// The module's service.
#[async_trait]
pub trait StockLocationService: Send + Sync {
    /// Creates a location, with its address when one is given (`address_1` and
    /// `country_code` are required then).
    async fn create(
        &self,
        name: &str,
        address: Option<StockLocationAddressInput>,
    ) -> Result<StockLocation, StockLocationError>;
    async fn retrieve(&self, id: &StockLocationId) -> Result<StockLocation, StockLocationError>;
    /// Changes the name and metadata; a given address replaces the location's (its row is
    /// updated in place, or created when the location had none).
    async fn update(
        &self,
        id: &StockLocationId,
        name: Option<String>,
        address: Option<StockLocationAddressInput>,
        metadata: Option<Option<serde_json::Value>>,
    ) -> Result<StockLocation, StockLocationError>;
    /// One page of live locations (oldest first) with their addresses, and the total count.
    async fn list(
        &self,
        filter: &ListStockLocations,
    ) -> Result<(Vec<StockLocation>, u64), StockLocationError>;
    /// Soft-deletes the location and removes its sales channel links.
    async fn delete(&self, id: &StockLocationId) -> Result<(), StockLocationError>;
    /// Links the location to the channels; already linked channels are left as they are.
    async fn link_sales_channels(
        &self,
        id: &StockLocationId,
        channels: &[SalesChannelId],
    ) -> Result<(), StockLocationError>;
    async fn unlink_sales_channels(
        &self,
        id: &StockLocationId,
        channels: &[SalesChannelId],
    ) -> Result<(), StockLocationError>;
    /// The channels linked to a location.
    async fn sales_channels(
        &self,
        id: &StockLocationId,
    ) -> Result<Vec<SalesChannelId>, StockLocationError>;
    /// The live locations linked to any of the channels, each once, oldest first (the order
    /// checkout tries them in). One query whatever the number of channels.
    async fn location_ids_for_sales_channels(
        &self,
        channels: &[SalesChannelId],
    ) -> Result<Vec<StockLocationId>, StockLocationError>;
}

pub struct DbStockLocationService {
    db: DatabaseConnection,
    clock: Arc<dyn Clock>,
}

impl DbStockLocationService {
    pub fn new(db: DatabaseConnection, clock: Arc<dyn Clock>) -> Self {
        DbStockLocationService { db, clock }
    }

    /// The clock at microsecond precision, which is what PostgreSQL stores: the values this
    /// service returns equal the ones read back later.
    fn now(&self) -> DateTime<Utc> {
        self.clock.now().trunc_subsecs(6)
    }
}

fn to_address(row: address::Model) -> StockLocationAddress {
    StockLocationAddress {
        // Rows are written only by this module, with valid ids.
        id: StockLocationAddressId::parse(&row.id).unwrap_or_default(),
        address_1: row.address_1,
        address_2: row.address_2,
        company: row.company,
        city: row.city,
        country_code: row.country_code,
        province: row.province,
        postal_code: row.postal_code,
        phone: row.phone,
        metadata: row.metadata,
        created_at: row.created_at,
        updated_at: row.updated_at,
        deleted_at: row.deleted_at,
    }
}

fn to_location(row: location::Model, address: Option<StockLocationAddress>) -> StockLocation {
    StockLocation {
        id: StockLocationId::parse(&row.id).unwrap_or_default(),
        name: row.name,
        address_id: row
            .address_id
            .as_deref()
            .and_then(|a| StockLocationAddressId::parse(a).ok()),
        address,
        metadata: row.metadata,
        created_at: row.created_at,
        updated_at: row.updated_at,
        deleted_at: row.deleted_at,
    }
}

fn ids(channels: &[SalesChannelId]) -> Vec<String> {
    channels.iter().map(|c| c.as_str().to_owned()).collect()
}

impl DbStockLocationService {
    async fn with_addresses(
        &self,
        rows: Vec<location::Model>,
    ) -> Result<Vec<StockLocation>, StockLocationError> {
        let address_ids: Vec<String> = rows.iter().filter_map(|r| r.address_id.clone()).collect();
        let mut addresses: HashMap<String, address::Model> = repo::addresses(&self.db, address_ids)
            .await?
            .into_iter()
            .map(|a| (a.id.clone(), a))
            .collect();
        Ok(rows
            .into_iter()
            .map(|row| {
                let address = row
                    .address_id
                    .as_ref()
                    .and_then(|a| addresses.remove(a))
                    .map(to_address);
                to_location(row, address)
            })
            .collect())
    }

    async fn ensure_exists(&self, id: &StockLocationId) -> Result<(), StockLocationError> {
        repo::find_location(&self.db, id.as_str())
            .await?
            .map(|_| ())
            .ok_or_else(|| StockLocationError::NotFound(id.clone()))
    }
}

#[async_trait]
impl StockLocationService for DbStockLocationService {
    async fn create(
        &self,
        name: &str,
        address: Option<StockLocationAddressInput>,
    ) -> Result<StockLocation, StockLocationError> {
        if name.trim().is_empty() {
            return Err(StockLocationError::InvalidData(
                "A stock location needs a name".into(),
            ));
        }
        if let Some(a) = &address {
            a.validate()?;
        }
        let now = self.now();
        let address_row = address.map(|a| address::Model {
            id: StockLocationAddressId::new().into_string(),
            address_1: a.address_1,
            address_2: a.address_2,
            company: a.company,
            city: a.city,
            country_code: a.country_code,
            phone: a.phone,
            province: a.province,
            postal_code: a.postal_code,
            metadata: a.metadata,
            created_at: now,
            updated_at: now,
            deleted_at: None,
        });
        let row = location::Model {
            id: StockLocationId::new().into_string(),
            name: name.to_owned(),
            address_id: address_row.as_ref().map(|a| a.id.clone()),
            metadata: None,
            created_at: now,
            updated_at: now,
            deleted_at: None,
        };
        let tx = self.db.begin().await?;
        if let Some(a) = &address_row {
            repo::insert_address(&tx, a.clone()).await?;
        }
        repo::insert_location(&tx, row.clone()).await?;
        medusa_db::versions::bump(&tx, medusa_db::versions::INVENTORY).await?;
        tx.commit().await?;
        Ok(to_location(row, address_row.map(to_address)))
    }

    async fn retrieve(&self, id: &StockLocationId) -> Result<StockLocation, StockLocationError> {
        let row = repo::find_location(&self.db, id.as_str())
            .await?
            .ok_or_else(|| StockLocationError::NotFound(id.clone()))?;
        self.with_addresses(vec![row])
            .await?
            .pop()
            .ok_or_else(|| StockLocationError::NotFound(id.clone()))
    }

    async fn update(
        &self,
        id: &StockLocationId,
        name: Option<String>,
        address: Option<StockLocationAddressInput>,
        metadata: Option<Option<serde_json::Value>>,
    ) -> Result<StockLocation, StockLocationError> {
        let mut row = repo::find_location(&self.db, id.as_str())
            .await?
            .ok_or_else(|| StockLocationError::NotFound(id.clone()))?;
        if let Some(n) = name {
            if n.trim().is_empty() {
                return Err(StockLocationError::InvalidData(
                    "A stock location needs a name".into(),
                ));
            }
            row.name = n;
        }
        if let Some(m) = metadata {
            row.metadata = m;
        }
        if let Some(a) = &address {
            a.validate()?;
        }
        let now = self.now();
        row.updated_at = now;
        let existing = match &row.address_id {
            Some(aid) => repo::addresses(&self.db, vec![aid.clone()]).await?.pop(),
            None => None,
        };
        let tx = self.db.begin().await?;
        if let Some(a) = address {
            let mut addr = address::Model {
                id: StockLocationAddressId::new().into_string(),
                address_1: a.address_1,
                address_2: a.address_2,
                company: a.company,
                city: a.city,
                country_code: a.country_code,
                phone: a.phone,
                province: a.province,
                postal_code: a.postal_code,
                metadata: a.metadata,
                created_at: now,
                updated_at: now,
                deleted_at: None,
            };
            match existing {
                Some(old) => {
                    addr.id = old.id;
                    addr.created_at = old.created_at;
                    repo::update_address(&tx, addr).await?;
                }
                None => {
                    row.address_id = Some(addr.id.clone());
                    repo::insert_address(&tx, addr).await?;
                }
            }
        }
        repo::update_location(&tx, row).await?;
        medusa_db::versions::bump(&tx, medusa_db::versions::INVENTORY).await?;
        tx.commit().await?;
        self.retrieve(id).await
    }

    async fn list(
        &self,
        filter: &ListStockLocations,
    ) -> Result<(Vec<StockLocation>, u64), StockLocationError> {
        let (rows, count) = repo::list_locations(&self.db, filter).await?;
        Ok((self.with_addresses(rows).await?, count))
    }

    async fn delete(&self, id: &StockLocationId) -> Result<(), StockLocationError> {
        let tx = self.db.begin().await?;
        if !repo::soft_delete_location(&tx, id.as_str(), self.now()).await? {
            return Err(StockLocationError::NotFound(id.clone()));
        }
        repo::unlink_all_sales_channels(&tx, id.as_str()).await?;
        medusa_db::versions::bump(&tx, medusa_db::versions::INVENTORY).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn link_sales_channels(
        &self,
        id: &StockLocationId,
        channels: &[SalesChannelId],
    ) -> Result<(), StockLocationError> {
        self.ensure_exists(id).await?;
        repo::link_sales_channels(&self.db, id.as_str(), &ids(channels), self.now()).await?;
        medusa_db::versions::bump(&self.db, medusa_db::versions::INVENTORY).await?;
        Ok(())
    }

    async fn unlink_sales_channels(
        &self,
        id: &StockLocationId,
        channels: &[SalesChannelId],
    ) -> Result<(), StockLocationError> {
        self.ensure_exists(id).await?;
        repo::unlink_sales_channels(&self.db, id.as_str(), &ids(channels)).await?;
        medusa_db::versions::bump(&self.db, medusa_db::versions::INVENTORY).await?;
        Ok(())
    }

    async fn sales_channels(
        &self,
        id: &StockLocationId,
    ) -> Result<Vec<SalesChannelId>, StockLocationError> {
        self.ensure_exists(id).await?;
        Ok(repo::sales_channels(&self.db, id.as_str())
            .await?
            .iter()
            .filter_map(|c| SalesChannelId::parse(c).ok())
            .collect())
    }

    async fn location_ids_for_sales_channels(
        &self,
        channels: &[SalesChannelId],
    ) -> Result<Vec<StockLocationId>, StockLocationError> {
        Ok(
            repo::location_ids_for_sales_channels(&self.db, &ids(channels))
                .await?
                .iter()
                .filter_map(|l| StockLocationId::parse(l).ok())
                .collect(),
        )
    }
}
