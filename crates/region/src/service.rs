use std::collections::{HashMap, HashSet};
use std::sync::{Arc, OnceLock};

use async_trait::async_trait;
use medusa_core::id::RegionId;
use medusa_core::request::ListParams;
use medusa_core::{Clock, CurrencyCode};
use sea_orm::{ConnectionTrait, DatabaseConnection};

use crate::countries::COUNTRIES;
use crate::entity::{country, region};
use crate::error::RegionError;
use crate::model::{
    Country, CreateRegion, PaymentProviderId, Region, RegionDetails, RegionFilter, UpdateRegion,
};
use crate::repo;

/// The module's service.
#[async_trait]
pub trait RegionService: Send + Sync {
    /// One page of regions matching `filter`, and how many match in all.
    async fn list(
        &self,
        filter: &RegionFilter,
        page: &ListParams,
    ) -> Result<(Vec<Region>, u64), RegionError>;
    /// A region that is not deleted.
    async fn retrieve(&self, id: &RegionId) -> Result<Region, RegionError>;
    /// Regions with their countries and payment providers, in three queries whatever the
    /// number of ids. Unknown and deleted ids are left out; the order follows `ids`.
    async fn lookup(&self, ids: &[RegionId]) -> Result<Vec<RegionDetails>, RegionError>;
    /// The countries and payment providers of regions already loaded (two queries).
    async fn with_relations(&self, regions: Vec<Region>)
    -> Result<Vec<RegionDetails>, RegionError>;
    /// Creates a region and assigns its countries, which must exist and be free.
    async fn create(&self, input: CreateRegion) -> Result<RegionDetails, RegionError>;
    /// Updates a region; a country list replaces the region's countries.
    async fn update(
        &self,
        id: &RegionId,
        input: UpdateRegion,
    ) -> Result<RegionDetails, RegionError>;
    /// Soft-deletes a region, freeing its countries and dropping its provider links.
    /// Deleting a region that does not exist (any more) succeeds, as in Medusa.
    async fn delete(&self, id: &RegionId) -> Result<(), RegionError>;
    /// The whole ISO country table, in its order.
    async fn list_countries(&self) -> Result<Vec<Country>, RegionError>;
}

pub struct DbRegionService {
    db: DatabaseConnection,
    clock: Arc<dyn Clock>,
}

impl DbRegionService {
    pub fn new(db: DatabaseConnection, clock: Arc<dyn Clock>) -> Self {
        DbRegionService { db, clock }
    }
}

/// Position of a country in Medusa's table, which is the order countries are listed in.
fn country_rank(iso_2: &str) -> usize {
    static RANK: OnceLock<HashMap<&'static str, usize>> = OnceLock::new();
    RANK.get_or_init(|| {
        COUNTRIES
            .iter()
            .enumerate()
            .map(|(i, c)| (c.0, i))
            .collect()
    })
    .get(iso_2)
    .copied()
    .unwrap_or(usize::MAX)
}

/// A row this module wrote that does not parse back is corruption, not a client error.
fn corrupt(what: &str, value: &str) -> RegionError {
    RegionError::Database(sea_orm::DbErr::Custom(format!(
        "invalid {what} in the database: {value}"
    )))
}

fn to_region(row: region::Model) -> Result<Region, RegionError> {
    Ok(Region {
        id: RegionId::parse(&row.id).map_err(|_| corrupt("region id", &row.id))?,
        currency_code: CurrencyCode::parse(&row.currency_code)
            .map_err(|_| corrupt("currency code", &row.currency_code))?,
        name: row.name,
        automatic_taxes: row.automatic_taxes,
        metadata: row.metadata,
        created_at: row.created_at,
        updated_at: row.updated_at,
        deleted_at: row.deleted_at,
    })
}

fn to_country(row: country::Model) -> Country {
    Country {
        region_id: row
            .region_id
            .as_deref()
            .and_then(|r| RegionId::parse(r).ok()),
        iso_2: row.iso_2,
        iso_3: row.iso_3,
        num_code: row.num_code,
        name: row.name,
        display_name: row.display_name,
        metadata: row.metadata,
        created_at: row.created_at,
        updated_at: row.updated_at,
        deleted_at: row.deleted_at,
    }
}

/// Lower-cased, trimmed codes; codes listed twice are refused as Medusa does.
fn normalize_countries(codes: &[String]) -> Result<Vec<String>, RegionError> {
    let mut seen = HashSet::new();
    let mut dupes = Vec::new();
    let mut out = Vec::with_capacity(codes.len());
    for c in codes {
        let c = c.trim().to_lowercase();
        if seen.insert(c.clone()) {
            out.push(c);
        } else if !dupes.contains(&c) {
            dupes.push(c);
        }
    }
    if dupes.is_empty() {
        Ok(out)
    } else {
        Err(RegionError::CountriesTaken(dupes))
    }
}

fn provider_ids(providers: &[PaymentProviderId]) -> Vec<String> {
    let mut ids: Vec<String> = providers.iter().map(|p| p.as_str().to_owned()).collect();
    ids.sort();
    ids.dedup();
    ids
}

/// Assigns free, existing countries to a region (inside the caller's transaction).
async fn assign_countries<C: ConnectionTrait>(
    tx: &C,
    region_id: &str,
    codes: &[String],
    at: chrono::DateTime<chrono::Utc>,
) -> Result<(), RegionError> {
    if codes.is_empty() {
        return Ok(());
    }
    let found = repo::find_countries(tx, codes).await?;
    let existing: HashSet<&str> = found.iter().map(|(c, _)| c.as_str()).collect();
    let missing: Vec<String> = codes
        .iter()
        .filter(|c| !existing.contains(c.as_str()))
        .cloned()
        .collect();
    if !missing.is_empty() {
        return Err(RegionError::UnknownCountries(missing));
    }
    let taken: Vec<String> = found
        .iter()
        .filter(|(_, r)| r.is_some())
        .map(|(c, _)| c.clone())
        .collect();
    if !taken.is_empty() {
        return Err(RegionError::CountriesTaken(taken));
    }
    let assigned = repo::assign_free_countries(tx, region_id, codes, at).await?;
    if assigned != codes.len() as u64 {
        // A concurrent request took some of them between the check and the update.
        let now_taken: Vec<String> = repo::find_countries(tx, codes)
            .await?
            .into_iter()
            .filter(|(_, r)| r.as_deref() != Some(region_id))
            .map(|(c, _)| c)
            .collect();
        return Err(RegionError::CountriesTaken(now_taken));
    }
    Ok(())
}

impl DbRegionService {
    async fn details<C: ConnectionTrait>(
        db: &C,
        regions: Vec<Region>,
    ) -> Result<Vec<RegionDetails>, RegionError> {
        let ids: Vec<String> = regions.iter().map(|r| r.id.as_str().to_owned()).collect();
        let mut countries: HashMap<String, Vec<Country>> = HashMap::new();
        for c in repo::countries_of(db, &ids).await? {
            if let Some(r) = c.region_id.clone() {
                countries.entry(r).or_default().push(to_country(c));
            }
        }
        let mut providers: HashMap<String, Vec<PaymentProviderId>> = HashMap::new();
        for (r, p) in repo::providers_of(db, &ids).await? {
            if let Some(p) = PaymentProviderId::parse(&p) {
                providers.entry(r).or_default().push(p);
            }
        }
        Ok(regions
            .into_iter()
            .map(|region| {
                let mut cs = countries.remove(region.id.as_str()).unwrap_or_default();
                cs.sort_by_key(|c| country_rank(&c.iso_2));
                let ps = providers.remove(region.id.as_str()).unwrap_or_default();
                RegionDetails {
                    region,
                    countries: cs,
                    payment_providers: ps,
                }
            })
            .collect())
    }

    async fn lookup_in<C: ConnectionTrait>(
        db: &C,
        ids: &[RegionId],
    ) -> Result<Vec<RegionDetails>, RegionError> {
        let wanted: Vec<String> = ids.iter().map(|i| i.as_str().to_owned()).collect();
        let mut rows: HashMap<String, region::Model> = repo::find_many(db, &wanted)
            .await?
            .into_iter()
            .map(|r| (r.id.clone(), r))
            .collect();
        // Input order, each region once.
        let regions = wanted
            .iter()
            .filter_map(|id| rows.remove(id))
            .map(to_region)
            .collect::<Result<Vec<_>, _>>()?;
        Self::details(db, regions).await
    }

    async fn one<C: ConnectionTrait>(db: &C, id: &RegionId) -> Result<RegionDetails, RegionError> {
        Self::lookup_in(db, std::slice::from_ref(id))
            .await?
            .pop()
            .ok_or_else(|| RegionError::NotFound(id.clone()))
    }
}

#[async_trait]
impl RegionService for DbRegionService {
    async fn list(
        &self,
        filter: &RegionFilter,
        page: &ListParams,
    ) -> Result<(Vec<Region>, u64), RegionError> {
        let (rows, count) = repo::list(&self.db, filter, page).await?;
        let regions = rows.into_iter().map(to_region).collect::<Result<_, _>>()?;
        Ok((regions, count))
    }

    async fn retrieve(&self, id: &RegionId) -> Result<Region, RegionError> {
        let row = repo::find(&self.db, id.as_str())
            .await?
            .ok_or_else(|| RegionError::NotFound(id.clone()))?;
        to_region(row)
    }

    async fn lookup(&self, ids: &[RegionId]) -> Result<Vec<RegionDetails>, RegionError> {
        Self::lookup_in(&self.db, ids).await
    }

    async fn with_relations(
        &self,
        regions: Vec<Region>,
    ) -> Result<Vec<RegionDetails>, RegionError> {
        Self::details(&self.db, regions).await
    }

    async fn create(&self, input: CreateRegion) -> Result<RegionDetails, RegionError> {
        let countries = normalize_countries(&input.countries)?;
        let providers = match &input.payment_providers {
            Some(p) => provider_ids(p),
            None => vec![PaymentProviderId::system_default().as_str().to_owned()],
        };
        let now = self.clock.now();
        let id = RegionId::new();
        let tx = medusa_db::begin_write(&self.db).await?;
        repo::insert(
            &tx,
            region::Model {
                id: id.as_str().to_owned(),
                name: input.name.trim().to_owned(),
                currency_code: input.currency_code.as_str().to_owned(),
                automatic_taxes: input.automatic_taxes.unwrap_or(true),
                metadata: input.metadata,
                created_at: now,
                updated_at: now,
                deleted_at: None,
            },
        )
        .await?;
        assign_countries(&tx, id.as_str(), &countries, now).await?;
        repo::set_providers(&tx, id.as_str(), &providers, now).await?;
        let details = Self::one(&tx, &id).await?;
        medusa_db::versions::bump(&tx, medusa_db::versions::CATALOG).await?;
        tx.commit().await?;
        Ok(details)
    }

    async fn update(
        &self,
        id: &RegionId,
        input: UpdateRegion,
    ) -> Result<RegionDetails, RegionError> {
        let countries = input
            .countries
            .as_deref()
            .map(normalize_countries)
            .transpose()?;
        let now = self.clock.now();
        let tx = medusa_db::begin_write(&self.db).await?;
        let Some(mut row) = repo::find_locked(&tx, id.as_str()).await? else {
            return Err(RegionError::NotFound(id.clone()));
        };
        if let Some(name) = input.name {
            row.name = name.trim().to_owned();
        }
        if let Some(code) = input.currency_code {
            row.currency_code = code.as_str().to_owned();
        }
        if let Some(t) = input.automatic_taxes {
            row.automatic_taxes = t;
        }
        if let Some(m) = input.metadata {
            row.metadata = m;
        }
        row.updated_at = now;
        if let Some(countries) = countries {
            repo::unassign_countries(&tx, id.as_str(), now).await?;
            assign_countries(&tx, id.as_str(), &countries, now).await?;
        }
        if let Some(p) = &input.payment_providers {
            repo::set_providers(&tx, id.as_str(), &provider_ids(p), now).await?;
        }
        if !repo::update(&tx, row).await? {
            return Err(RegionError::NotFound(id.clone()));
        }
        let details = Self::one(&tx, id).await?;
        medusa_db::versions::bump(&tx, medusa_db::versions::CATALOG).await?;
        tx.commit().await?;
        Ok(details)
    }

    async fn delete(&self, id: &RegionId) -> Result<(), RegionError> {
        let now = self.clock.now();
        let tx = medusa_db::begin_write(&self.db).await?;
        if repo::soft_delete(&tx, id.as_str(), now).await? {
            // The countries are free for other regions; a restored region would not get them
            // back (as in Medusa).
            repo::unassign_countries(&tx, id.as_str(), now).await?;
            repo::set_providers(&tx, id.as_str(), &[], now).await?;
        }
        medusa_db::versions::bump(&tx, medusa_db::versions::CATALOG).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn list_countries(&self) -> Result<Vec<Country>, RegionError> {
        let mut all: Vec<Country> = repo::all_countries(&self.db)
            .await?
            .into_iter()
            .map(to_country)
            .collect();
        all.sort_by_key(|c| country_rank(&c.iso_2));
        Ok(all)
    }
}
