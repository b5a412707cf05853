use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use async_trait::async_trait;
use medusa_core::Clock;
use medusa_core::request::ListParams;
use sea_orm::{ConnectionTrait, DatabaseConnection, SqlErr};

use crate::entity::{tax_provider, tax_rate, tax_rate_rule, tax_region};
use crate::error::TaxError;
use crate::model::{
    CreateTaxRate, CreateTaxRegion, NewTaxRateRule, Percent, REFERENCE_PRODUCT,
    REFERENCE_PRODUCT_TYPE, REFERENCE_SHIPPING_OPTION, RateWithRules, RegionWithRates,
    SYSTEM_TAX_PROVIDER, TaxAddress, TaxLines, TaxProvider, TaxProviderFilter, TaxRate,
    TaxRateDetails, TaxRateFilter, TaxRateId, TaxRateRule, TaxRateRuleId, TaxRegion,
    TaxRegionDetails, TaxRegionFilter, TaxRegionId, TaxableItem, TaxableShipping, UpdateTaxRate,
    UpdateTaxRegion,
};
use crate::priority::{Candidate, Target, rates_for};
use crate::provider::{ItemRates, ShippingRates, SystemTaxProvider, TaxLineProvider};
use crate::repo;

/// The module's service. See the crate documentation for the tax line lookup.
#[async_trait]
pub trait TaxService: Send + Sync {
    /// The tax lines of a cart's items and shipping methods for a shipping address: 0, 1 or 2
    /// lines each (Medusa's `getTaxLines` with the system provider). At most three SQL
    /// statements, however many items and shipping methods.
    async fn tax_lines(
        &self,
        items: &[TaxableItem],
        shipping: &[TaxableShipping],
        address: &TaxAddress,
    ) -> Result<TaxLines, TaxError>;

    /// One page of regions and how many match in all.
    async fn list_regions(
        &self,
        filter: &TaxRegionFilter,
        page: &ListParams,
    ) -> Result<(Vec<TaxRegion>, u64), TaxError>;
    /// Parents, children (with rates and rules) and rates (with rules) of loaded regions, in
    /// four statements whatever their number.
    async fn region_details(
        &self,
        regions: Vec<TaxRegion>,
    ) -> Result<Vec<TaxRegionDetails>, TaxError>;
    /// A live region with its relations.
    async fn retrieve_region(&self, id: &TaxRegionId) -> Result<TaxRegionDetails, TaxError>;
    /// Creates a region and, with `default_tax_rate`, its default rate.
    async fn create_region(&self, input: CreateTaxRegion) -> Result<TaxRegion, TaxError>;
    async fn update_region(
        &self,
        id: &TaxRegionId,
        input: UpdateTaxRegion,
    ) -> Result<TaxRegion, TaxError>;
    /// Soft-deletes a region, its child regions, their rates and rules. Unknown ids succeed,
    /// as in Medusa.
    async fn delete_region(&self, id: &TaxRegionId) -> Result<(), TaxError>;

    async fn list_rates(
        &self,
        filter: &TaxRateFilter,
        page: &ListParams,
    ) -> Result<(Vec<TaxRate>, u64), TaxError>;
    /// Regions and rules of loaded rates (two statements).
    async fn rate_details(&self, rates: Vec<TaxRate>) -> Result<Vec<TaxRateDetails>, TaxError>;
    async fn retrieve_rate(&self, id: &TaxRateId) -> Result<TaxRateDetails, TaxError>;
    async fn create_rate(&self, input: CreateTaxRate) -> Result<TaxRate, TaxError>;
    /// Updates a rate; `rules` replaces its rule set.
    async fn update_rate(&self, id: &TaxRateId, input: UpdateTaxRate) -> Result<TaxRate, TaxError>;
    /// Soft-deletes a rate and its rules. Unknown ids succeed.
    async fn delete_rate(&self, id: &TaxRateId) -> Result<(), TaxError>;
    /// Adds a rule to a live rate.
    async fn add_rule(
        &self,
        rate_id: &TaxRateId,
        rule: NewTaxRateRule,
        created_by: Option<String>,
    ) -> Result<TaxRateRule, TaxError>;
    /// Soft-deletes a rule of a rate. Unknown ids succeed.
    async fn delete_rule(
        &self,
        rate_id: &TaxRateId,
        rule_id: &TaxRateRuleId,
    ) -> Result<(), TaxError>;

    async fn list_providers(
        &self,
        filter: &TaxProviderFilter,
        page: &ListParams,
    ) -> Result<(Vec<TaxProvider>, u64), TaxError>;
}

pub struct DbTaxService {
    db: DatabaseConnection,
    clock: Arc<dyn Clock>,
}

impl DbTaxService {
    pub fn new(db: DatabaseConnection, clock: Arc<dyn Clock>) -> Self {
        DbTaxService { db, clock }
    }
}

/// A row this module wrote that does not parse back is corruption, not a client error.
fn corrupt(what: &str, value: &str) -> TaxError {
    TaxError::Database(sea_orm::DbErr::Custom(format!(
        "invalid {what} in the database: {value}"
    )))
}

fn region_id(s: &str) -> Result<TaxRegionId, TaxError> {
    TaxRegionId::parse(s).map_err(|_| corrupt("tax region id", s))
}

fn rate_id(s: &str) -> Result<TaxRateId, TaxError> {
    TaxRateId::parse(s).map_err(|_| corrupt("tax rate id", s))
}

fn to_region(row: tax_region::Model) -> Result<TaxRegion, TaxError> {
    Ok(TaxRegion {
        id: region_id(&row.id)?,
        parent_id: row.parent_id.as_deref().map(region_id).transpose()?,
        country_code: row.country_code,
        province_code: row.province_code,
        provider_id: row.provider_id,
        metadata: row.metadata,
        created_by: row.created_by,
        created_at: row.created_at,
        updated_at: row.updated_at,
        deleted_at: row.deleted_at,
    })
}

fn to_rate(row: tax_rate::Model) -> Result<TaxRate, TaxError> {
    let rate = match row.rate.as_deref() {
        Some(r) => Some(r.parse::<Percent>().map_err(|_| corrupt("tax rate", r))?),
        None => None,
    };
    Ok(TaxRate {
        id: rate_id(&row.id)?,
        tax_region_id: region_id(&row.tax_region_id)?,
        rate,
        code: row.code,
        name: row.name,
        is_default: row.is_default,
        is_combinable: row.is_combinable,
        metadata: row.metadata,
        created_by: row.created_by,
        created_at: row.created_at,
        updated_at: row.updated_at,
        deleted_at: row.deleted_at,
    })
}

fn to_rule(row: tax_rate_rule::Model) -> Result<TaxRateRule, TaxError> {
    Ok(TaxRateRule {
        id: TaxRateRuleId::parse(&row.id).map_err(|_| corrupt("tax rate rule id", &row.id))?,
        tax_rate_id: rate_id(&row.tax_rate_id)?,
        reference: row.reference,
        reference_id: row.reference_id,
        metadata: row.metadata,
        created_by: row.created_by,
        created_at: row.created_at,
        updated_at: row.updated_at,
        deleted_at: row.deleted_at,
    })
}

fn to_provider(row: tax_provider::Model) -> TaxProvider {
    TaxProvider {
        id: row.id,
        is_enabled: row.is_enabled,
    }
}

fn code(s: &str) -> String {
    s.trim().to_lowercase()
}

fn is_unique_violation(e: &sea_orm::DbErr) -> bool {
    matches!(e.sql_err(), Some(SqlErr::UniqueConstraintViolation(_)))
}

/// Rule rows for a rate; the same reference id twice is refused (Medusa's unique index on
/// `(tax_rate_id, reference_id)`).
fn rule_rows(
    rate_id: &str,
    rules: &[NewTaxRateRule],
    created_by: Option<&str>,
    at: chrono::DateTime<chrono::Utc>,
) -> Result<Vec<tax_rate_rule::Model>, TaxError> {
    let mut seen = HashSet::new();
    let mut rows = Vec::with_capacity(rules.len());
    for r in rules {
        if !seen.insert(r.reference_id.as_str()) {
            return Err(TaxError::DuplicateRule {
                rate: rate_id.to_owned(),
                reference_id: r.reference_id.clone(),
            });
        }
        rows.push(tax_rate_rule::Model {
            id: TaxRateRuleId::new().into_string(),
            tax_rate_id: rate_id.to_owned(),
            reference: r.reference.clone(),
            reference_id: r.reference_id.clone(),
            metadata: None,
            created_by: created_by.map(str::to_owned),
            created_at: at,
            updated_at: at,
            deleted_at: None,
        });
    }
    Ok(rows)
}

/// Rates with their rules, in the rates' order.
fn with_rules(
    rates: Vec<TaxRate>,
    rules: &mut HashMap<TaxRateId, Vec<TaxRateRule>>,
) -> Vec<RateWithRules> {
    rates
        .into_iter()
        .map(|rate| RateWithRules {
            rules: rules.remove(&rate.id).unwrap_or_default(),
            rate,
        })
        .collect()
}

impl DbTaxService {
    async fn details_in<C: ConnectionTrait>(
        db: &C,
        regions: Vec<TaxRegion>,
    ) -> Result<Vec<TaxRegionDetails>, TaxError> {
        if regions.is_empty() {
            return Ok(Vec::new());
        }
        let ids: Vec<String> = regions.iter().map(|r| r.id.to_string()).collect();
        let parent_ids: Vec<String> = regions
            .iter()
            .filter_map(|r| r.parent_id.as_ref().map(ToString::to_string))
            .collect();
        let parents: HashMap<TaxRegionId, TaxRegion> = repo::find_regions(db, &parent_ids)
            .await?
            .into_iter()
            .map(|r| to_region(r).map(|r| (r.id.clone(), r)))
            .collect::<Result<_, _>>()?;
        let children = repo::children_of(db, &ids)
            .await?
            .into_iter()
            .map(to_region)
            .collect::<Result<Vec<_>, _>>()?;
        let mut all_ids = ids;
        all_ids.extend(children.iter().map(|c| c.id.to_string()));
        let rates = repo::rates_of_regions(db, &all_ids)
            .await?
            .into_iter()
            .map(to_rate)
            .collect::<Result<Vec<_>, _>>()?;
        let rate_ids: Vec<String> = rates.iter().map(|r| r.id.to_string()).collect();
        let mut rules: HashMap<TaxRateId, Vec<TaxRateRule>> = HashMap::new();
        for r in repo::rules_of(db, &rate_ids).await? {
            let r = to_rule(r)?;
            rules.entry(r.tax_rate_id.clone()).or_default().push(r);
        }
        let mut rates_by_region: HashMap<TaxRegionId, Vec<TaxRate>> = HashMap::new();
        for r in rates {
            rates_by_region
                .entry(r.tax_region_id.clone())
                .or_default()
                .push(r);
        }
        let mut children_by_parent: HashMap<TaxRegionId, Vec<RegionWithRates>> = HashMap::new();
        for c in children {
            let rates = with_rules(
                rates_by_region.remove(&c.id).unwrap_or_default(),
                &mut rules,
            );
            if let Some(p) = c.parent_id.clone() {
                children_by_parent
                    .entry(p)
                    .or_default()
                    .push(RegionWithRates { region: c, rates });
            }
        }
        Ok(regions
            .into_iter()
            .map(|region| TaxRegionDetails {
                parent: region
                    .parent_id
                    .as_ref()
                    .and_then(|p| parents.get(p).cloned()),
                children: children_by_parent.remove(&region.id).unwrap_or_default(),
                rates: with_rules(
                    rates_by_region.remove(&region.id).unwrap_or_default(),
                    &mut rules,
                ),
                region,
            })
            .collect())
    }

    async fn rate_details_in<C: ConnectionTrait>(
        db: &C,
        rates: Vec<TaxRate>,
    ) -> Result<Vec<TaxRateDetails>, TaxError> {
        if rates.is_empty() {
            return Ok(Vec::new());
        }
        let region_ids: Vec<String> = rates.iter().map(|r| r.tax_region_id.to_string()).collect();
        let regions: HashMap<TaxRegionId, TaxRegion> = repo::find_regions(db, &region_ids)
            .await?
            .into_iter()
            .map(|r| to_region(r).map(|r| (r.id.clone(), r)))
            .collect::<Result<_, _>>()?;
        let rate_ids: Vec<String> = rates.iter().map(|r| r.id.to_string()).collect();
        let mut rules: HashMap<TaxRateId, Vec<TaxRateRule>> = HashMap::new();
        for r in repo::rules_of(db, &rate_ids).await? {
            let r = to_rule(r)?;
            rules.entry(r.tax_rate_id.clone()).or_default().push(r);
        }
        Ok(rates
            .into_iter()
            .map(|rate| TaxRateDetails {
                region: regions.get(&rate.tax_region_id).cloned(),
                rules: rules.remove(&rate.id).unwrap_or_default(),
                rate,
            })
            .collect())
    }

    async fn find_region<C: ConnectionTrait>(
        db: &C,
        id: &TaxRegionId,
    ) -> Result<TaxRegion, TaxError> {
        repo::find_regions(db, &[id.to_string()])
            .await?
            .pop()
            .map(to_region)
            .transpose()?
            .ok_or_else(|| TaxError::RegionNotFound(id.to_string()))
    }

    async fn find_rate<C: ConnectionTrait>(db: &C, id: &TaxRateId) -> Result<TaxRate, TaxError> {
        repo::find_rates(db, &[id.to_string()])
            .await?
            .pop()
            .map(to_rate)
            .transpose()?
            .ok_or_else(|| TaxError::RateNotFound(id.to_string()))
    }
}

fn provider_for(id: Option<&str>) -> Result<&'static dyn TaxLineProvider, TaxError> {
    static SYSTEM: SystemTaxProvider = SystemTaxProvider;
    match id {
        // Regions created through the module without a provider (Medusa's own tests do this)
        // fall back to the system provider, as Medusa 2.0 did (`provider_id || "system"`).
        None | Some(SYSTEM_TAX_PROVIDER) => Ok(&SYSTEM),
        Some(other) => Err(TaxError::ProviderNotFound(other.to_owned())),
    }
}

#[async_trait]
impl TaxService for DbTaxService {
    async fn tax_lines(
        &self,
        items: &[TaxableItem],
        shipping: &[TaxableShipping],
        address: &TaxAddress,
    ) -> Result<TaxLines, TaxError> {
        if items.is_empty() && shipping.is_empty() {
            return Ok(TaxLines::default());
        }
        let country = code(&address.country_code);
        let province = address
            .province_code
            .as_deref()
            .map(code)
            .filter(|p| !p.is_empty());
        let regions = repo::regions_for_address(&self.db, &country, province.as_deref())
            .await?
            .into_iter()
            .map(to_region)
            .collect::<Result<Vec<_>, _>>()?;
        // No country-level region: the address is not taxed at all.
        let Some(parent) = regions.iter().find(|r| r.province_code.is_none()) else {
            return Ok(TaxLines::default());
        };
        let provider = provider_for(parent.provider_id.as_deref())?;
        let region_ids: Vec<String> = regions.iter().map(|r| r.id.to_string()).collect();

        let mut products: Vec<String> = items.iter().map(|i| i.product_id.clone()).collect();
        let mut types: Vec<String> = items
            .iter()
            .filter_map(|i| i.product_type_id.clone())
            .collect();
        let mut options: Vec<String> = shipping
            .iter()
            .map(|s| s.shipping_option_id.clone())
            .collect();
        for v in [&mut products, &mut types, &mut options] {
            v.sort();
            v.dedup();
        }
        let refs = [
            (REFERENCE_PRODUCT, products),
            (REFERENCE_PRODUCT_TYPE, types),
            (REFERENCE_SHIPPING_OPTION, options),
        ];
        let mut rules: HashMap<TaxRateId, Vec<TaxRateRule>> = HashMap::new();
        for r in repo::matching_rules(&self.db, &region_ids, &refs).await? {
            let r = to_rule(r)?;
            rules.entry(r.tax_rate_id.clone()).or_default().push(r);
        }
        let ruled: Vec<String> = rules.keys().map(ToString::to_string).collect();
        let rates = repo::candidate_rates(&self.db, &region_ids, &ruled)
            .await?
            .into_iter()
            .map(to_rate)
            .collect::<Result<Vec<_>, _>>()?;

        let by_id: HashMap<&TaxRegionId, &TaxRegion> = regions.iter().map(|r| (&r.id, r)).collect();
        let candidates: Vec<Candidate<'_>> = rates
            .iter()
            .filter_map(|rate| {
                let region = by_id.get(&rate.tax_region_id)?;
                Some(Candidate {
                    rate,
                    region,
                    rules: rules.get(&rate.id).map(Vec::as_slice).unwrap_or(&[]),
                })
            })
            .collect();
        let item_rates: Vec<ItemRates<'_>> = items
            .iter()
            .map(|item| ItemRates {
                item,
                rates: rates_for(Target::Item(item), &candidates),
            })
            .collect();
        let shipping_rates: Vec<ShippingRates<'_>> = shipping
            .iter()
            .map(|s| ShippingRates {
                shipping: s,
                rates: rates_for(Target::Shipping(s), &candidates),
            })
            .collect();
        Ok(provider.tax_lines(&item_rates, &shipping_rates))
    }

    async fn list_regions(
        &self,
        filter: &TaxRegionFilter,
        page: &ListParams,
    ) -> Result<(Vec<TaxRegion>, u64), TaxError> {
        let (rows, count) = repo::list_regions(&self.db, filter, page).await?;
        let regions = rows.into_iter().map(to_region).collect::<Result<_, _>>()?;
        Ok((regions, count))
    }

    async fn region_details(
        &self,
        regions: Vec<TaxRegion>,
    ) -> Result<Vec<TaxRegionDetails>, TaxError> {
        Self::details_in(&self.db, regions).await
    }

    async fn retrieve_region(&self, id: &TaxRegionId) -> Result<TaxRegionDetails, TaxError> {
        let region = Self::find_region(&self.db, id).await?;
        Self::details_in(&self.db, vec![region])
            .await?
            .pop()
            .ok_or_else(|| TaxError::RegionNotFound(id.to_string()))
    }

    async fn create_region(&self, input: CreateTaxRegion) -> Result<TaxRegion, TaxError> {
        let country = code(&input.country_code);
        let province = input
            .province_code
            .as_deref()
            .map(code)
            .filter(|p| !p.is_empty());
        if input.parent_id.is_some() {
            if input.provider_id.is_some() {
                return Err(TaxError::ProviderOnProvince);
            }
            if province.is_none() {
                return Err(TaxError::ProvinceCodeRequired);
            }
        }
        let now = self.clock.now();
        let tx = medusa_db::begin_write(&self.db).await?;
        if let Some(p) = &input.provider_id
            && !repo::provider_exists(&tx, p).await?
        {
            return Err(TaxError::ProviderNotFound(p.clone()));
        }
        if let Some(parent_id) = &input.parent_id {
            let province = province.clone().unwrap_or_default();
            let Some(parent) = repo::find_regions(&tx, &[parent_id.to_string()])
                .await?
                .pop()
            else {
                return Err(TaxError::ParentMissing { country, province });
            };
            if parent.country_code != country {
                return Err(TaxError::ParentCountryMismatch {
                    country,
                    province,
                    parent_country: parent.country_code,
                });
            }
        }
        let duplicate = || TaxError::DuplicateRegion {
            country: country.clone(),
            province: province.clone(),
        };
        if repo::find_region_by_codes(&tx, &country, province.as_deref())
            .await?
            .is_some()
        {
            return Err(duplicate());
        }
        let id = TaxRegionId::new();
        let row = tax_region::Model {
            id: id.to_string(),
            country_code: country.clone(),
            province_code: province.clone(),
            parent_id: input.parent_id.as_ref().map(ToString::to_string),
            provider_id: input.provider_id.clone(),
            metadata: input.metadata,
            created_by: input.created_by.clone(),
            created_at: now,
            updated_at: now,
            deleted_at: None,
        };
        match repo::insert_region(&tx, row.clone()).await {
            Err(e) if is_unique_violation(&e) => return Err(duplicate()),
            other => other?,
        }
        if let Some(d) = input.default_tax_rate {
            repo::insert_rate(
                &tx,
                tax_rate::Model {
                    id: TaxRateId::new().into_string(),
                    rate: d.rate.map(|r| r.to_string()),
                    code: d.code,
                    name: d.name,
                    is_default: true,
                    is_combinable: d.is_combinable.unwrap_or(false),
                    tax_region_id: id.to_string(),
                    metadata: d.metadata,
                    created_by: input.created_by,
                    created_at: now,
                    updated_at: now,
                    deleted_at: None,
                },
            )
            .await?;
        }
        // Prices shown with tax are derived from these rates; cached catalog responses must
        // see the change.
        medusa_db::versions::bump(&tx, medusa_db::versions::CATALOG).await?;
        tx.commit().await?;
        to_region(row)
    }

    async fn update_region(
        &self,
        id: &TaxRegionId,
        input: UpdateTaxRegion,
    ) -> Result<TaxRegion, TaxError> {
        let now = self.clock.now();
        let tx = medusa_db::begin_write(&self.db).await?;
        let Some(mut row) = repo::find_region_locked(&tx, id.as_str()).await? else {
            return Err(TaxError::RegionNotFound(id.to_string()));
        };
        if let Some(p) = input.province_code {
            let p = p.as_deref().map(code).filter(|p| !p.is_empty());
            if p.is_none() && row.parent_id.is_some() {
                return Err(TaxError::ProvinceCodeRequired);
            }
            if p != row.province_code {
                if repo::find_region_by_codes(&tx, &row.country_code, p.as_deref())
                    .await?
                    .is_some()
                {
                    return Err(TaxError::DuplicateRegion {
                        country: row.country_code,
                        province: p,
                    });
                }
                row.province_code = p;
            }
        }
        if let Some(p) = input.provider_id {
            if row.parent_id.is_some() {
                return Err(TaxError::ProviderOnProvince);
            }
            if !repo::provider_exists(&tx, &p).await? {
                return Err(TaxError::ProviderNotFound(p));
            }
            row.provider_id = Some(p);
        }
        if let Some(m) = input.metadata {
            row.metadata = m;
        }
        row.updated_at = now;
        let country = row.country_code.clone();
        let province = row.province_code.clone();
        match repo::update_region(&tx, row.clone()).await {
            Ok(true) => {}
            Ok(false) => return Err(TaxError::RegionNotFound(id.to_string())),
            Err(e) if is_unique_violation(&e) => {
                return Err(TaxError::DuplicateRegion { country, province });
            }
            Err(e) => return Err(e.into()),
        }
        medusa_db::versions::bump(&tx, medusa_db::versions::CATALOG).await?;
        tx.commit().await?;
        to_region(row)
    }

    async fn delete_region(&self, id: &TaxRegionId) -> Result<(), TaxError> {
        let now = self.clock.now();
        let tx = medusa_db::begin_write(&self.db).await?;
        // Medusa cascades a region's delete to its child regions and all their rates.
        let mut ids = vec![id.to_string()];
        ids.extend(
            repo::children_of(&tx, &ids)
                .await?
                .into_iter()
                .map(|c| c.id),
        );
        repo::soft_delete_rules_of_regions(&tx, &ids, now).await?;
        repo::soft_delete_rates(&tx, &[], &ids, now).await?;
        repo::soft_delete_regions(&tx, &ids, now).await?;
        medusa_db::versions::bump(&tx, medusa_db::versions::CATALOG).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn list_rates(
        &self,
        filter: &TaxRateFilter,
        page: &ListParams,
    ) -> Result<(Vec<TaxRate>, u64), TaxError> {
        let (rows, count) = repo::list_rates(&self.db, filter, page).await?;
        let rates = rows.into_iter().map(to_rate).collect::<Result<_, _>>()?;
        Ok((rates, count))
    }

    async fn rate_details(&self, rates: Vec<TaxRate>) -> Result<Vec<TaxRateDetails>, TaxError> {
        Self::rate_details_in(&self.db, rates).await
    }

    async fn retrieve_rate(&self, id: &TaxRateId) -> Result<TaxRateDetails, TaxError> {
        let rate = Self::find_rate(&self.db, id).await?;
        Self::rate_details_in(&self.db, vec![rate])
            .await?
            .pop()
            .ok_or_else(|| TaxError::RateNotFound(id.to_string()))
    }

    async fn create_rate(&self, input: CreateTaxRate) -> Result<TaxRate, TaxError> {
        let now = self.clock.now();
        let id = TaxRateId::new();
        let rules = rule_rows(id.as_str(), &input.rules, input.created_by.as_deref(), now)?;
        let tx = medusa_db::begin_write(&self.db).await?;
        let region = Self::find_region(&tx, &input.tax_region_id).await?;
        let is_default = input.is_default.unwrap_or(false);
        if is_default
            && repo::default_rate_of(&tx, region.id.as_str(), None)
                .await?
                .is_some()
        {
            return Err(TaxError::DuplicateDefaultRate(region.id.to_string()));
        }
        let row = tax_rate::Model {
            id: id.to_string(),
            rate: input.rate.map(|r| r.to_string()),
            code: input.code,
            name: input.name,
            is_default,
            is_combinable: input.is_combinable.unwrap_or(false),
            tax_region_id: region.id.to_string(),
            metadata: input.metadata,
            created_by: input.created_by,
            created_at: now,
            updated_at: now,
            deleted_at: None,
        };
        match repo::insert_rate(&tx, row.clone()).await {
            Err(e) if is_unique_violation(&e) => {
                return Err(TaxError::DuplicateDefaultRate(region.id.to_string()));
            }
            other => other?,
        }
        repo::insert_rules(&tx, rules).await?;
        medusa_db::versions::bump(&tx, medusa_db::versions::CATALOG).await?;
        tx.commit().await?;
        to_rate(row)
    }

    async fn update_rate(&self, id: &TaxRateId, input: UpdateTaxRate) -> Result<TaxRate, TaxError> {
        let now = self.clock.now();
        let rules = input
            .rules
            .as_deref()
            .map(|r| rule_rows(id.as_str(), r, input.updated_by.as_deref(), now))
            .transpose()?;
        let tx = medusa_db::begin_write(&self.db).await?;
        let Some(mut row) = repo::find_rate_locked(&tx, id.as_str()).await? else {
            return Err(TaxError::RateNotFound(id.to_string()));
        };
        if let Some(r) = input.rate {
            row.rate = Some(r.to_string());
        }
        if let Some(c) = input.code {
            row.code = c;
        }
        if let Some(n) = input.name {
            row.name = n;
        }
        if let Some(c) = input.is_combinable {
            row.is_combinable = c;
        }
        if let Some(m) = input.metadata {
            row.metadata = m;
        }
        if let Some(d) = input.is_default {
            if d && !row.is_default
                && repo::default_rate_of(&tx, &row.tax_region_id, Some(&row.id))
                    .await?
                    .is_some()
            {
                return Err(TaxError::DuplicateDefaultRate(row.tax_region_id));
            }
            row.is_default = d;
        }
        row.updated_at = now;
        if let Some(rules) = rules {
            repo::soft_delete_rules(&tx, &[id.to_string()], &[], None, now).await?;
            repo::insert_rules(&tx, rules).await?;
        }
        let region = row.tax_region_id.clone();
        match repo::update_rate(&tx, row.clone()).await {
            Ok(true) => {}
            Ok(false) => return Err(TaxError::RateNotFound(id.to_string())),
            Err(e) if is_unique_violation(&e) => {
                return Err(TaxError::DuplicateDefaultRate(region));
            }
            Err(e) => return Err(e.into()),
        }
        medusa_db::versions::bump(&tx, medusa_db::versions::CATALOG).await?;
        tx.commit().await?;
        to_rate(row)
    }

    async fn delete_rate(&self, id: &TaxRateId) -> Result<(), TaxError> {
        let now = self.clock.now();
        let tx = medusa_db::begin_write(&self.db).await?;
        let ids = [id.to_string()];
        repo::soft_delete_rules(&tx, &ids, &[], None, now).await?;
        repo::soft_delete_rates(&tx, &ids, &[], now).await?;
        medusa_db::versions::bump(&tx, medusa_db::versions::CATALOG).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn add_rule(
        &self,
        rate_id: &TaxRateId,
        rule: NewTaxRateRule,
        created_by: Option<String>,
    ) -> Result<TaxRateRule, TaxError> {
        let now = self.clock.now();
        let tx = medusa_db::begin_write(&self.db).await?;
        if repo::find_rate_locked(&tx, rate_id.as_str())
            .await?
            .is_none()
        {
            return Err(TaxError::RateNotFound(rate_id.to_string()));
        }
        let duplicate = || TaxError::DuplicateRule {
            rate: rate_id.to_string(),
            reference_id: rule.reference_id.clone(),
        };
        if repo::rules_of(&tx, &[rate_id.to_string()])
            .await?
            .iter()
            .any(|r| r.reference_id == rule.reference_id)
        {
            return Err(duplicate());
        }
        let rows = rule_rows(
            rate_id.as_str(),
            std::slice::from_ref(&rule),
            created_by.as_deref(),
            now,
        )?;
        match repo::insert_rules(&tx, rows.clone()).await {
            Err(e) if is_unique_violation(&e) => return Err(duplicate()),
            other => other?,
        }
        medusa_db::versions::bump(&tx, medusa_db::versions::CATALOG).await?;
        tx.commit().await?;
        rows.into_iter()
            .next()
            .map(to_rule)
            .transpose()?
            .ok_or_else(|| corrupt("tax rate rule", "none created"))
    }

    async fn delete_rule(
        &self,
        rate_id: &TaxRateId,
        rule_id: &TaxRateRuleId,
    ) -> Result<(), TaxError> {
        let now = self.clock.now();
        let tx = medusa_db::begin_write(&self.db).await?;
        repo::soft_delete_rules(
            &tx,
            &[],
            &[rule_id.to_string()],
            Some(rate_id.as_str()),
            now,
        )
        .await?;
        medusa_db::versions::bump(&tx, medusa_db::versions::CATALOG).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn list_providers(
        &self,
        filter: &TaxProviderFilter,
        page: &ListParams,
    ) -> Result<(Vec<TaxProvider>, u64), TaxError> {
        let (rows, count) = repo::list_providers(&self.db, filter, page).await?;
        Ok((rows.into_iter().map(to_provider).collect(), count))
    }
}
