use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use async_trait::async_trait;
use chrono::{DateTime, SubsecRound, Utc};
use medusa_core::id::{ProductId, RegionId};
use medusa_core::{Clock, CurrencyCode, MinorUnits};
use sea_orm::{DatabaseConnection, TransactionTrait};
use serde_json::Value;

use crate::entity::{
    fulfillment_set as fset, geo_zone as geo, service_zone as zone, shipping_option as opt,
    shipping_option_price as price, shipping_option_rule as rule, shipping_option_type as otype,
    shipping_profile as profile,
};
use crate::error::FulfillmentError;
use crate::model::*;
use crate::repo;

/// The rule changes of `POST /admin/shipping-options/:id/rules/batch`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RuleBatch {
    pub create: Vec<NewRule>,
    pub update: Vec<(ShippingOptionRuleId, NewRule)>,
    pub delete: Vec<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct RuleBatchResult {
    pub created: Vec<ShippingOptionRule>,
    pub updated: Vec<ShippingOptionRule>,
    pub deleted: Vec<String>,
}

/// The module's service. Reads take sets of ids and run a fixed number of statements.
#[async_trait]
pub trait FulfillmentService: Send + Sync {
    // shipping profiles
    async fn create_shipping_profile(
        &self,
        name: &str,
        profile_type: &str,
        metadata: Option<Value>,
    ) -> Result<ShippingProfile, FulfillmentError>;
    async fn shipping_profiles(
        &self,
        ids: &[String],
    ) -> Result<Vec<ShippingProfile>, FulfillmentError>;
    async fn list_shipping_profiles(
        &self,
        filter: &ShippingProfileFilter,
        offset: u64,
        limit: u64,
    ) -> Result<(Vec<ShippingProfile>, u64), FulfillmentError>;
    async fn update_shipping_profile(
        &self,
        id: &ShippingProfileId,
        name: Option<String>,
        profile_type: Option<String>,
        metadata: Option<Option<Value>>,
    ) -> Result<ShippingProfile, FulfillmentError>;
    /// Refused while live shipping options use the profile (as Medusa).
    async fn delete_shipping_profile(&self, id: &ShippingProfileId)
    -> Result<(), FulfillmentError>;
    /// Links each product to the profile (replacing its previous profile).
    async fn set_product_shipping_profile(
        &self,
        products: &[ProductId],
        profile: &ShippingProfileId,
    ) -> Result<(), FulfillmentError>;
    /// The profiles of the products that have one; one query.
    async fn product_shipping_profiles(
        &self,
        products: &[ProductId],
    ) -> Result<Vec<ProductProfile>, FulfillmentError>;

    // fulfillment sets and zones
    /// Creates a set linked to the stock location, with its service zones.
    async fn create_fulfillment_set(
        &self,
        location_id: &str,
        name: &str,
        set_type: &str,
        zones: Vec<NewServiceZone>,
    ) -> Result<FulfillmentSet, FulfillmentError>;
    async fn fulfillment_sets(
        &self,
        ids: &[String],
    ) -> Result<Vec<FulfillmentSet>, FulfillmentError>;
    /// The live sets of the locations, with zones and geo zones.
    async fn location_fulfillment_sets(
        &self,
        location_ids: &[String],
    ) -> Result<Vec<FulfillmentSet>, FulfillmentError>;
    /// Soft-deletes the set, its zones and their options.
    async fn delete_fulfillment_set(&self, id: &FulfillmentSetId) -> Result<(), FulfillmentError>;
    async fn create_service_zone(
        &self,
        set: &FulfillmentSetId,
        zone: NewServiceZone,
    ) -> Result<ServiceZone, FulfillmentError>;
    async fn service_zones(&self, ids: &[String]) -> Result<Vec<ServiceZone>, FulfillmentError>;
    async fn update_service_zone(
        &self,
        id: &ServiceZoneId,
        update: UpdateServiceZone,
    ) -> Result<ServiceZone, FulfillmentError>;
    async fn delete_service_zone(&self, id: &ServiceZoneId) -> Result<(), FulfillmentError>;

    // providers
    /// Links providers to a location; unknown providers are refused.
    async fn link_location_providers(
        &self,
        location_id: &str,
        add: &[String],
        remove: &[String],
    ) -> Result<(), FulfillmentError>;
    /// `(location id, provider id)` pairs of the locations.
    async fn location_providers(
        &self,
        location_ids: &[String],
    ) -> Result<Vec<(String, String)>, FulfillmentError>;

    // shipping options
    async fn create_shipping_option(
        &self,
        input: CreateShippingOption,
    ) -> Result<ShippingOption, FulfillmentError>;
    /// The live options among `ids`, oldest first, with type, rules and prices.
    async fn shipping_options(
        &self,
        ids: &[String],
    ) -> Result<Vec<ShippingOption>, FulfillmentError>;
    async fn list_shipping_options(
        &self,
        filter: &ShippingOptionFilter,
        offset: u64,
        limit: u64,
    ) -> Result<(Vec<ShippingOption>, u64), FulfillmentError>;
    async fn update_shipping_option(
        &self,
        id: &ShippingOptionId,
        update: UpdateShippingOption,
    ) -> Result<ShippingOption, FulfillmentError>;
    async fn delete_shipping_option(&self, id: &ShippingOptionId) -> Result<(), FulfillmentError>;
    async fn batch_rules(
        &self,
        id: &ShippingOptionId,
        batch: RuleBatch,
    ) -> Result<RuleBatchResult, FulfillmentError>;

    /// The options a cart may use: in a service zone of a fulfillment set of one of the
    /// context's stock locations whose geo zones match the address, whose rules hold for
    /// `is_return` and `enabled_in_store`, with a price in the context's currency. A fixed
    /// number of queries whatever the number of locations, zones or options.
    async fn options_for_context(
        &self,
        ctx: &ShippingContext,
    ) -> Result<Vec<AvailableShippingOption>, FulfillmentError>;
    /// One option if the context may use it.
    async fn option_for_context(
        &self,
        id: &ShippingOptionId,
        ctx: &ShippingContext,
    ) -> Result<Option<AvailableShippingOption>, FulfillmentError>;
}

pub struct DbFulfillmentService {
    db: DatabaseConnection,
    clock: Arc<dyn Clock>,
}

impl DbFulfillmentService {
    pub fn new(db: DatabaseConnection, clock: Arc<dyn Clock>) -> Self {
        DbFulfillmentService { db, clock }
    }

    /// Microsecond precision, what PostgreSQL stores.
    fn now(&self) -> DateTime<Utc> {
        self.clock.now().trunc_subsecs(6)
    }
}

fn stamps(c: DateTime<Utc>, u: DateTime<Utc>, d: Option<DateTime<Utc>>) -> Stamps {
    Stamps {
        created_at: c,
        updated_at: u,
        deleted_at: d,
    }
}

// Rows are written only by this module, with valid ids: parse failures cannot happen.
fn to_profile(r: profile::Model) -> ShippingProfile {
    ShippingProfile {
        id: ShippingProfileId::parse(&r.id).unwrap_or_default(),
        name: r.name,
        profile_type: r.r#type,
        metadata: r.metadata,
        stamps: stamps(r.created_at, r.updated_at, r.deleted_at),
    }
}

fn to_geo(r: geo::Model) -> GeoZone {
    GeoZone {
        id: GeoZoneId::parse(&r.id).unwrap_or_default(),
        zone_type: GeoZoneType::parse(&r.r#type).unwrap_or(GeoZoneType::Country),
        country_code: r.country_code,
        province_code: r.province_code,
        city: r.city,
        postal_expression: r.postal_expression,
        service_zone_id: ServiceZoneId::parse(&r.service_zone_id).unwrap_or_default(),
        metadata: r.metadata,
        stamps: stamps(r.created_at, r.updated_at, r.deleted_at),
    }
}

fn to_rule(r: rule::Model) -> ShippingOptionRule {
    ShippingOptionRule {
        id: ShippingOptionRuleId::parse(&r.id).unwrap_or_default(),
        attribute: r.attribute,
        operator: r.operator,
        value: r.value.unwrap_or(Value::Null),
        shipping_option_id: ShippingOptionId::parse(&r.shipping_option_id).unwrap_or_default(),
        stamps: stamps(r.created_at, r.updated_at, r.deleted_at),
    }
}

fn to_price(r: price::Model) -> Option<ShippingOptionPrice> {
    let currency = CurrencyCode::parse(&r.currency_code).ok()?;
    Some(ShippingOptionPrice {
        id: ShippingPriceId::parse(&r.id).unwrap_or_default(),
        amount: MinorUnits(r.amount).to_amount(&currency),
        currency_code: currency,
        region_id: r.region_id.as_deref().and_then(|x| RegionId::parse(x).ok()),
        price_rule_id: r
            .price_rule_id
            .as_deref()
            .and_then(|x| ShippingPriceRuleId::parse(x).ok()),
        stamps: stamps(r.created_at, r.updated_at, r.deleted_at),
    })
}

fn to_type(r: otype::Model) -> ShippingOptionType {
    ShippingOptionType {
        id: ShippingOptionTypeId::parse(&r.id).unwrap_or_default(),
        label: r.label,
        description: r.description,
        code: r.code,
        stamps: stamps(r.created_at, r.updated_at, r.deleted_at),
    }
}

/// `n` fresh ids in ascending order. Rows created together share `created_at`, and reads order
/// by `(created_at, id)`: sorted ids keep them in the order they were given.
fn ordered_ids(n: usize, new: impl Fn() -> String) -> std::vec::IntoIter<String> {
    let mut ids: Vec<String> = (0..n).map(|_| new()).collect();
    ids.sort();
    ids.into_iter()
}

fn eq_ci(a: Option<&str>, b: &str) -> bool {
    a.is_some_and(|a| a.trim().eq_ignore_ascii_case(b.trim()))
}

/// Does the geo zone cover the address? Medusa's `buildGeoZoneConstraintsFromAddress`: a zip
/// zone needs country, province, city and the postal code; a city zone country, province and
/// city; a province zone country and province; a country zone the country.
pub fn geo_zone_matches(g: &GeoZone, ctx: &ShippingContext) -> bool {
    let Some(country) = ctx.country_code.as_deref() else {
        return false;
    };
    if !g.country_code.eq_ignore_ascii_case(country.trim()) {
        return false;
    }
    let province = || match (&g.province_code, ctx.province.as_deref()) {
        (Some(p), Some(want)) => eq_ci(Some(want), p),
        _ => false,
    };
    let city = || match (&g.city, ctx.city.as_deref()) {
        (Some(c), Some(want)) => eq_ci(Some(want), c),
        _ => false,
    };
    match g.zone_type {
        GeoZoneType::Country => true,
        GeoZoneType::Province => province(),
        GeoZoneType::City => province() && city(),
        GeoZoneType::Zip => {
            let postal = match (&g.postal_expression, ctx.postal_code.as_deref()) {
                (Some(Value::String(expr)), Some(code)) => expr
                    .replace(' ', "")
                    .eq_ignore_ascii_case(&code.replace(' ', "")),
                _ => false,
            };
            province() && city() && postal
        }
    }
}

/// Do the option's rules hold in the context? Attributes the context does not know fail.
fn rules_hold(rules: &[ShippingOptionRule], ctx: &ShippingContext) -> bool {
    rules.iter().all(|r| {
        let actual = match r.attribute.as_str() {
            "is_return" => ctx.is_return,
            "enabled_in_store" => ctx.enabled_in_store,
            _ => return false,
        };
        NewRule::matches(&r.operator, &r.value, if actual { "true" } else { "false" })
    })
}

fn validate_name(name: &str, what: &str) -> Result<(), FulfillmentError> {
    if name.trim().is_empty() {
        return Err(FulfillmentError::InvalidData(format!(
            "{what} name is required"
        )));
    }
    Ok(())
}

fn validate_price_type(t: &str) -> Result<(), FulfillmentError> {
    match t {
        "flat" => Ok(()),
        // Calculated prices come from a provider's calculate(); the manual provider has none.
        "calculated" => Err(FulfillmentError::InvalidData(
            "Shipping option price_type 'calculated' is not supported by the manual_manual provider"
                .into(),
        )),
        other => Err(FulfillmentError::InvalidData(format!(
            "Invalid price_type {other}, expected one of flat, calculated"
        ))),
    }
}

fn validate_provider(p: &str) -> Result<(), FulfillmentError> {
    if PROVIDERS.contains(&p) {
        Ok(())
    } else {
        Err(FulfillmentError::InvalidData(format!(
            "Providers ({p}) are not enabled for the service location"
        )))
    }
}

impl DbFulfillmentService {
    async fn geo_rows(&self, zone_ids: &[String]) -> Result<Vec<GeoZone>, FulfillmentError> {
        Ok(repo::geo_zones_of(&self.db, zone_ids)
            .await?
            .into_iter()
            .map(to_geo)
            .collect())
    }

    async fn assemble_zones(
        &self,
        rows: Vec<zone::Model>,
    ) -> Result<Vec<ServiceZone>, FulfillmentError> {
        let ids: Vec<String> = rows.iter().map(|z| z.id.clone()).collect();
        let mut geos: HashMap<String, Vec<GeoZone>> = HashMap::new();
        for g in self.geo_rows(&ids).await? {
            geos.entry(g.service_zone_id.as_str().to_owned())
                .or_default()
                .push(g);
        }
        Ok(rows
            .into_iter()
            .map(|z| ServiceZone {
                geo_zones: geos.remove(&z.id).unwrap_or_default(),
                id: ServiceZoneId::parse(&z.id).unwrap_or_default(),
                name: z.name,
                fulfillment_set_id: FulfillmentSetId::parse(&z.fulfillment_set_id)
                    .unwrap_or_default(),
                metadata: z.metadata,
                stamps: stamps(z.created_at, z.updated_at, z.deleted_at),
            })
            .collect())
    }

    async fn assemble_sets(
        &self,
        rows: Vec<fset::Model>,
    ) -> Result<Vec<FulfillmentSet>, FulfillmentError> {
        let ids: Vec<String> = rows.iter().map(|s| s.id.clone()).collect();
        let locations: HashMap<String, String> = repo::set_locations(&self.db, &ids)
            .await?
            .into_iter()
            .map(|l| (l.fulfillment_set_id, l.stock_location_id))
            .collect();
        let mut zones: HashMap<String, Vec<ServiceZone>> = HashMap::new();
        for z in self
            .assemble_zones(repo::zones_of_sets(&self.db, &ids).await?)
            .await?
        {
            zones
                .entry(z.fulfillment_set_id.as_str().to_owned())
                .or_default()
                .push(z);
        }
        Ok(rows
            .into_iter()
            .map(|s| FulfillmentSet {
                location_id: locations.get(&s.id).cloned(),
                service_zones: zones.remove(&s.id).unwrap_or_default(),
                id: FulfillmentSetId::parse(&s.id).unwrap_or_default(),
                name: s.name,
                set_type: s.r#type,
                metadata: s.metadata,
                stamps: stamps(s.created_at, s.updated_at, s.deleted_at),
            })
            .collect())
    }

    async fn assemble_options(
        &self,
        rows: Vec<opt::Model>,
    ) -> Result<Vec<ShippingOption>, FulfillmentError> {
        let ids: Vec<String> = rows.iter().map(|o| o.id.clone()).collect();
        let type_ids: Vec<String> = rows
            .iter()
            .map(|o| o.shipping_option_type_id.clone())
            .collect();
        let mut types: HashMap<String, ShippingOptionType> =
            repo::types_by_ids(&self.db, &type_ids)
                .await?
                .into_iter()
                .map(|t| (t.id.clone(), to_type(t)))
                .collect();
        let mut rules: HashMap<String, Vec<ShippingOptionRule>> = HashMap::new();
        for r in repo::rules_of(&self.db, &ids).await? {
            rules
                .entry(r.shipping_option_id.clone())
                .or_default()
                .push(to_rule(r));
        }
        let mut prices: HashMap<String, Vec<ShippingOptionPrice>> = HashMap::new();
        for p in repo::prices_of(&self.db, &ids).await? {
            let option = p.shipping_option_id.clone();
            if let Some(p) = to_price(p) {
                prices.entry(option).or_default().push(p);
            }
        }
        Ok(rows
            .into_iter()
            .filter_map(|o| {
                Some(ShippingOption {
                    option_type: types.remove(&o.shipping_option_type_id)?,
                    rules: rules.remove(&o.id).unwrap_or_default(),
                    prices: prices.remove(&o.id).unwrap_or_default(),
                    id: ShippingOptionId::parse(&o.id).ok()?,
                    name: o.name,
                    price_type: o.price_type,
                    service_zone_id: ServiceZoneId::parse(&o.service_zone_id).ok()?,
                    shipping_profile_id: ShippingProfileId::parse(&o.shipping_profile_id).ok()?,
                    provider_id: o.provider_id,
                    price_set_id: ShippingPriceSetId::parse(&o.price_set_id).ok()?,
                    data: o.data,
                    metadata: o.metadata,
                    stamps: stamps(o.created_at, o.updated_at, o.deleted_at),
                })
            })
            .collect())
    }

    fn geo_rows_for(
        &self,
        zone_id: &str,
        zones: Vec<NewGeoZone>,
        now: DateTime<Utc>,
    ) -> Result<Vec<geo::Model>, FulfillmentError> {
        let mut ids = ordered_ids(zones.len(), || GeoZoneId::new().into_string());
        zones
            .into_iter()
            .map(|g| {
                g.validate()?;
                let fresh = ids.next().unwrap_or_default();
                Ok(geo::Model {
                    id: g.id.map(GeoZoneId::into_string).unwrap_or(fresh),
                    r#type: g.zone_type.as_str().to_owned(),
                    country_code: g.country_code.trim().to_lowercase(),
                    province_code: g.province_code.map(|p| p.trim().to_lowercase()),
                    city: g.city,
                    postal_expression: g.postal_expression,
                    service_zone_id: zone_id.to_owned(),
                    metadata: g.metadata,
                    created_at: now,
                    updated_at: now,
                    deleted_at: None,
                })
            })
            .collect()
    }

    async fn ensure_zone_name_free(
        &self,
        name: &str,
        except: Option<&str>,
    ) -> Result<(), FulfillmentError> {
        if let Some(z) = repo::zone_by_name(&self.db, name).await?
            && Some(z.id.as_str()) != except
        {
            return Err(FulfillmentError::Duplicate(format!(
                "Service zone with name: {name} already exists."
            )));
        }
        Ok(())
    }

    fn price_rows(
        &self,
        option_id: &str,
        prices: Vec<NewPrice>,
        now: DateTime<Utc>,
    ) -> Result<Vec<price::Model>, FulfillmentError> {
        let mut ids = ordered_ids(prices.len(), || ShippingPriceId::new().into_string());
        prices
            .into_iter()
            .map(|p| {
                let amount = p
                    .amount
                    .to_minor(&p.currency_code)
                    .map_err(|e| FulfillmentError::InvalidData(e.to_string()))?;
                if amount.0 < 0 {
                    return Err(FulfillmentError::InvalidData(
                        "Shipping option price amount must be zero or more".into(),
                    ));
                }
                Ok(price::Model {
                    id: ids.next().unwrap_or_default(),
                    shipping_option_id: option_id.to_owned(),
                    currency_code: p.currency_code.as_str().to_owned(),
                    amount: amount.0,
                    price_rule_id: p
                        .region_id
                        .as_ref()
                        .map(|_| ShippingPriceRuleId::new().into_string()),
                    region_id: p.region_id.map(String::from),
                    created_at: now,
                    updated_at: now,
                    deleted_at: None,
                })
            })
            .collect()
    }

    fn rule_rows(
        &self,
        option_id: &str,
        rules: Vec<NewRule>,
        now: DateTime<Utc>,
    ) -> Result<Vec<rule::Model>, FulfillmentError> {
        let mut ids = ordered_ids(rules.len(), || ShippingOptionRuleId::new().into_string());
        rules
            .into_iter()
            .map(|r| {
                r.validate()?;
                Ok(rule::Model {
                    id: ids.next().unwrap_or_default(),
                    attribute: r.attribute,
                    operator: r.operator,
                    value: Some(r.value),
                    shipping_option_id: option_id.to_owned(),
                    created_at: now,
                    updated_at: now,
                    deleted_at: None,
                })
            })
            .collect()
    }

    async fn check_refs(
        &self,
        zone: Option<&ServiceZoneId>,
        profile: Option<&ShippingProfileId>,
    ) -> Result<(), FulfillmentError> {
        if let Some(z) = zone
            && repo::zones_by_ids(&self.db, &[z.as_str().to_owned()])
                .await?
                .is_empty()
        {
            return Err(FulfillmentError::ServiceZoneNotFound(z.clone()));
        }
        if let Some(p) = profile
            && repo::profiles_by_ids(&self.db, &[p.as_str().to_owned()])
                .await?
                .is_empty()
        {
            return Err(FulfillmentError::ProfileNotFound(p.clone()));
        }
        Ok(())
    }

    async fn one_option(&self, id: &ShippingOptionId) -> Result<ShippingOption, FulfillmentError> {
        self.shipping_options(&[id.as_str().to_owned()])
            .await?
            .pop()
            .ok_or_else(|| FulfillmentError::OptionNotFound(id.clone()))
    }

    async fn available(
        &self,
        ctx: &ShippingContext,
        only: Option<&ShippingOptionId>,
    ) -> Result<Vec<AvailableShippingOption>, FulfillmentError> {
        let links = repo::location_sets(&self.db, &ctx.stock_location_ids).await?;
        let set_location: HashMap<String, String> = links
            .into_iter()
            .map(|l| (l.fulfillment_set_id, l.stock_location_id))
            .collect();
        let set_ids: Vec<String> = set_location.keys().cloned().collect();
        let sets: HashMap<String, fset::Model> = repo::sets_by_ids(&self.db, &set_ids)
            .await?
            .into_iter()
            .map(|s| (s.id.clone(), s))
            .collect();
        let live_sets: Vec<String> = sets.keys().cloned().collect();
        let zones = repo::zones_of_sets(&self.db, &live_sets).await?;
        let zone_set: HashMap<String, String> = zones
            .iter()
            .map(|z| (z.id.clone(), z.fulfillment_set_id.clone()))
            .collect();
        let zone_ids: Vec<String> = zone_set.keys().cloned().collect();
        let matching: HashSet<String> = self
            .geo_rows(&zone_ids)
            .await?
            .into_iter()
            .filter(|g| geo_zone_matches(g, ctx))
            .map(|g| g.service_zone_id.into_string())
            .collect();
        let matching: Vec<String> = matching.into_iter().collect();
        let mut rows = repo::options_in_zones(&self.db, &matching).await?;
        if let Some(id) = only {
            rows.retain(|o| o.id == id.as_str());
        }
        let options = self.assemble_options(rows).await?;
        Ok(options
            .into_iter()
            .filter(|o| rules_hold(&o.rules, ctx))
            .filter_map(|o| {
                let price = o
                    .price_for(&ctx.currency_code, ctx.region_id.as_ref())?
                    .clone();
                let set_id = zone_set.get(o.service_zone_id.as_str())?;
                let set = sets.get(set_id)?;
                Some(AvailableShippingOption {
                    fulfillment_set_id: FulfillmentSetId::parse(&set.id).ok()?,
                    fulfillment_set_type: set.r#type.clone(),
                    stock_location_id: set_location.get(set_id)?.clone(),
                    price,
                    option: o,
                })
            })
            .collect())
    }
}

#[async_trait]
impl FulfillmentService for DbFulfillmentService {
    async fn create_shipping_profile(
        &self,
        name: &str,
        profile_type: &str,
        metadata: Option<Value>,
    ) -> Result<ShippingProfile, FulfillmentError> {
        validate_name(name, "Shipping profile")?;
        if repo::profile_by_name(&self.db, name).await?.is_some() {
            return Err(FulfillmentError::Duplicate(format!(
                "Shipping profile with name: {name} already exists."
            )));
        }
        let now = self.now();
        let row = profile::Model {
            id: ShippingProfileId::new().into_string(),
            name: name.to_owned(),
            r#type: profile_type.to_owned(),
            metadata,
            created_at: now,
            updated_at: now,
            deleted_at: None,
        };
        repo::insert_profile(&self.db, row.clone()).await?;
        Ok(to_profile(row))
    }

    async fn shipping_profiles(
        &self,
        ids: &[String],
    ) -> Result<Vec<ShippingProfile>, FulfillmentError> {
        Ok(repo::profiles_by_ids(&self.db, ids)
            .await?
            .into_iter()
            .map(to_profile)
            .collect())
    }

    async fn list_shipping_profiles(
        &self,
        filter: &ShippingProfileFilter,
        offset: u64,
        limit: u64,
    ) -> Result<(Vec<ShippingProfile>, u64), FulfillmentError> {
        let (rows, count) = repo::list_profiles(&self.db, filter, offset, limit).await?;
        Ok((rows.into_iter().map(to_profile).collect(), count))
    }

    async fn update_shipping_profile(
        &self,
        id: &ShippingProfileId,
        name: Option<String>,
        profile_type: Option<String>,
        metadata: Option<Option<Value>>,
    ) -> Result<ShippingProfile, FulfillmentError> {
        let mut row = repo::profiles_by_ids(&self.db, &[id.as_str().to_owned()])
            .await?
            .pop()
            .ok_or_else(|| FulfillmentError::ProfileNotFound(id.clone()))?;
        if let Some(n) = name {
            validate_name(&n, "Shipping profile")?;
            if let Some(other) = repo::profile_by_name(&self.db, &n).await?
                && other.id != row.id
            {
                return Err(FulfillmentError::Duplicate(format!(
                    "Shipping profile with name: {n} already exists."
                )));
            }
            row.name = n;
        }
        if let Some(t) = profile_type {
            row.r#type = t;
        }
        if let Some(m) = metadata {
            row.metadata = m;
        }
        row.updated_at = self.now();
        repo::update_profile(&self.db, row.clone()).await?;
        Ok(to_profile(row))
    }

    async fn delete_shipping_profile(
        &self,
        id: &ShippingProfileId,
    ) -> Result<(), FulfillmentError> {
        if repo::options_using_profile(&self.db, id.as_str()).await? > 0 {
            return Err(FulfillmentError::InvalidData(format!(
                "Cannot delete Shipping Profiles {id} with associated Shipping Options. Delete Shipping Options first and try again."
            )));
        }
        let tx = self.db.begin().await?;
        repo::soft_delete_profile(&tx, id.as_str(), self.now()).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn set_product_shipping_profile(
        &self,
        products: &[ProductId],
        profile: &ShippingProfileId,
    ) -> Result<(), FulfillmentError> {
        self.check_refs(None, Some(profile)).await?;
        let ids: Vec<String> = products.iter().map(|p| p.as_str().to_owned()).collect();
        repo::set_product_profiles(&self.db, &ids, profile.as_str()).await?;
        Ok(())
    }

    async fn product_shipping_profiles(
        &self,
        products: &[ProductId],
    ) -> Result<Vec<ProductProfile>, FulfillmentError> {
        let ids: Vec<String> = products.iter().map(|p| p.as_str().to_owned()).collect();
        Ok(repo::product_profiles(&self.db, &ids)
            .await?
            .into_iter()
            .filter_map(|r| {
                Some(ProductProfile {
                    product_id: ProductId::parse(&r.product_id).ok()?,
                    shipping_profile_id: ShippingProfileId::parse(&r.shipping_profile_id).ok()?,
                })
            })
            .collect())
    }

    async fn create_fulfillment_set(
        &self,
        location_id: &str,
        name: &str,
        set_type: &str,
        zones: Vec<NewServiceZone>,
    ) -> Result<FulfillmentSet, FulfillmentError> {
        validate_name(name, "Fulfillment set")?;
        if repo::set_by_name(&self.db, name).await?.is_some() {
            return Err(FulfillmentError::Duplicate(format!(
                "Fulfillment set with name: {name} already exists."
            )));
        }
        for z in &zones {
            validate_name(&z.name, "Service zone")?;
            self.ensure_zone_name_free(&z.name, None).await?;
        }
        let now = self.now();
        let set_id = FulfillmentSetId::new().into_string();
        let tx = self.db.begin().await?;
        repo::insert_set(
            &tx,
            fset::Model {
                id: set_id.clone(),
                name: name.to_owned(),
                r#type: set_type.to_owned(),
                metadata: None,
                created_at: now,
                updated_at: now,
                deleted_at: None,
            },
            location_id,
        )
        .await?;
        let mut zone_ids = ordered_ids(zones.len(), || ServiceZoneId::new().into_string());
        for z in zones {
            let zone_id = zone_ids.next().unwrap_or_default();
            let geos = self.geo_rows_for(&zone_id, z.geo_zones, now)?;
            repo::insert_zone(
                &tx,
                zone::Model {
                    id: zone_id,
                    name: z.name,
                    fulfillment_set_id: set_id.clone(),
                    metadata: z.metadata,
                    created_at: now,
                    updated_at: now,
                    deleted_at: None,
                },
            )
            .await?;
            repo::insert_geo_zones(&tx, geos).await?;
        }
        tx.commit().await?;
        self.fulfillment_sets(std::slice::from_ref(&set_id))
            .await?
            .pop()
            .ok_or_else(|| {
                FulfillmentError::FulfillmentSetNotFound(
                    FulfillmentSetId::parse(&set_id).unwrap_or_default(),
                )
            })
    }

    async fn fulfillment_sets(
        &self,
        ids: &[String],
    ) -> Result<Vec<FulfillmentSet>, FulfillmentError> {
        let rows = repo::sets_by_ids(&self.db, ids).await?;
        self.assemble_sets(rows).await
    }

    async fn location_fulfillment_sets(
        &self,
        location_ids: &[String],
    ) -> Result<Vec<FulfillmentSet>, FulfillmentError> {
        let set_ids: Vec<String> = repo::location_sets(&self.db, location_ids)
            .await?
            .into_iter()
            .map(|l| l.fulfillment_set_id)
            .collect();
        self.fulfillment_sets(&set_ids).await
    }

    async fn delete_fulfillment_set(&self, id: &FulfillmentSetId) -> Result<(), FulfillmentError> {
        let now = self.now();
        let zone_ids: Vec<String> = repo::zones_of_sets(&self.db, &[id.as_str().to_owned()])
            .await?
            .into_iter()
            .map(|z| z.id)
            .collect();
        let tx = self.db.begin().await?;
        if !repo::soft_delete_set(&tx, id.as_str(), now).await? {
            return Err(FulfillmentError::FulfillmentSetNotFound(id.clone()));
        }
        repo::soft_delete_zones(&tx, &zone_ids, now).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn create_service_zone(
        &self,
        set: &FulfillmentSetId,
        z: NewServiceZone,
    ) -> Result<ServiceZone, FulfillmentError> {
        if repo::sets_by_ids(&self.db, &[set.as_str().to_owned()])
            .await?
            .is_empty()
        {
            return Err(FulfillmentError::FulfillmentSetNotFound(set.clone()));
        }
        validate_name(&z.name, "Service zone")?;
        self.ensure_zone_name_free(&z.name, None).await?;
        let now = self.now();
        let zone_id = ServiceZoneId::new().into_string();
        let geos = self.geo_rows_for(&zone_id, z.geo_zones, now)?;
        let tx = self.db.begin().await?;
        repo::insert_zone(
            &tx,
            zone::Model {
                id: zone_id.clone(),
                name: z.name,
                fulfillment_set_id: set.as_str().to_owned(),
                metadata: z.metadata,
                created_at: now,
                updated_at: now,
                deleted_at: None,
            },
        )
        .await?;
        repo::insert_geo_zones(&tx, geos).await?;
        tx.commit().await?;
        self.service_zones(&[zone_id])
            .await?
            .pop()
            .ok_or_else(|| FulfillmentError::FulfillmentSetNotFound(set.clone()))
    }

    async fn service_zones(&self, ids: &[String]) -> Result<Vec<ServiceZone>, FulfillmentError> {
        let rows = repo::zones_by_ids(&self.db, ids).await?;
        self.assemble_zones(rows).await
    }

    async fn update_service_zone(
        &self,
        id: &ServiceZoneId,
        update: UpdateServiceZone,
    ) -> Result<ServiceZone, FulfillmentError> {
        let mut row = repo::zones_by_ids(&self.db, &[id.as_str().to_owned()])
            .await?
            .pop()
            .ok_or_else(|| FulfillmentError::ServiceZoneNotFound(id.clone()))?;
        let now = self.now();
        if let Some(n) = update.name {
            validate_name(&n, "Service zone")?;
            self.ensure_zone_name_free(&n, Some(&row.id)).await?;
            row.name = n;
        }
        if let Some(m) = update.metadata {
            row.metadata = m;
        }
        row.updated_at = now;
        let geos = update
            .geo_zones
            .map(|g| self.geo_rows_for(&row.id, g, now))
            .transpose()?;
        let tx = self.db.begin().await?;
        repo::update_zone(&tx, row.clone()).await?;
        if let Some(geos) = geos {
            repo::delete_geo_zones_of(&tx, &row.id).await?;
            repo::insert_geo_zones(&tx, geos).await?;
        }
        tx.commit().await?;
        self.service_zones(&[row.id])
            .await?
            .pop()
            .ok_or_else(|| FulfillmentError::ServiceZoneNotFound(id.clone()))
    }

    async fn delete_service_zone(&self, id: &ServiceZoneId) -> Result<(), FulfillmentError> {
        let tx = self.db.begin().await?;
        repo::soft_delete_zones(&tx, &[id.as_str().to_owned()], self.now()).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn link_location_providers(
        &self,
        location_id: &str,
        add: &[String],
        remove: &[String],
    ) -> Result<(), FulfillmentError> {
        let unknown: Vec<&str> = add
            .iter()
            .map(String::as_str)
            .filter(|p| !PROVIDERS.contains(p))
            .collect();
        if !unknown.is_empty() {
            return Err(FulfillmentError::InvalidData(format!(
                "FulfillmentProvider with id: {} was not found",
                unknown.join(", ")
            )));
        }
        let tx = self.db.begin().await?;
        repo::link_providers(&tx, location_id, add).await?;
        repo::unlink_providers(&tx, location_id, remove).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn location_providers(
        &self,
        location_ids: &[String],
    ) -> Result<Vec<(String, String)>, FulfillmentError> {
        Ok(repo::location_providers(&self.db, location_ids)
            .await?
            .into_iter()
            .map(|l| (l.stock_location_id, l.fulfillment_provider_id))
            .collect())
    }

    async fn create_shipping_option(
        &self,
        input: CreateShippingOption,
    ) -> Result<ShippingOption, FulfillmentError> {
        validate_name(&input.name, "Shipping option")?;
        validate_price_type(&input.price_type)?;
        validate_provider(&input.provider_id)?;
        self.check_refs(
            Some(&input.service_zone_id),
            Some(&input.shipping_profile_id),
        )
        .await?;
        let now = self.now();
        let id = ShippingOptionId::new().into_string();
        let rules = self.rule_rows(&id, input.rules, now)?;
        let prices = self.price_rows(&id, input.prices, now)?;
        let type_row = otype::Model {
            id: ShippingOptionTypeId::new().into_string(),
            label: input.option_type.label,
            description: input.option_type.description,
            code: input.option_type.code,
            created_at: now,
            updated_at: now,
            deleted_at: None,
        };
        let row = opt::Model {
            id: id.clone(),
            name: input.name,
            price_type: input.price_type,
            service_zone_id: input.service_zone_id.into_string(),
            shipping_profile_id: input.shipping_profile_id.into_string(),
            provider_id: input.provider_id,
            shipping_option_type_id: type_row.id.clone(),
            price_set_id: ShippingPriceSetId::new().into_string(),
            data: input.data,
            metadata: input.metadata,
            created_at: now,
            updated_at: now,
            deleted_at: None,
        };
        let tx = self.db.begin().await?;
        repo::insert_option(&tx, row, type_row).await?;
        repo::insert_rules(&tx, rules).await?;
        repo::replace_prices(&tx, &id, prices).await?;
        tx.commit().await?;
        self.one_option(&ShippingOptionId::parse(&id).unwrap_or_default())
            .await
    }

    async fn shipping_options(
        &self,
        ids: &[String],
    ) -> Result<Vec<ShippingOption>, FulfillmentError> {
        let rows = repo::options_by_ids(&self.db, ids).await?;
        self.assemble_options(rows).await
    }

    async fn list_shipping_options(
        &self,
        filter: &ShippingOptionFilter,
        offset: u64,
        limit: u64,
    ) -> Result<(Vec<ShippingOption>, u64), FulfillmentError> {
        // Location and set filters become a service zone restriction (two queries).
        let mut zone_ids: Option<Vec<String>> = None;
        if !filter.stock_location_ids.is_empty() || !filter.fulfillment_set_ids.is_empty() {
            let mut sets: Vec<String> = filter.fulfillment_set_ids.clone();
            if !filter.stock_location_ids.is_empty() {
                let of_locations: HashSet<String> =
                    repo::location_sets(&self.db, &filter.stock_location_ids)
                        .await?
                        .into_iter()
                        .map(|l| l.fulfillment_set_id)
                        .collect();
                if filter.fulfillment_set_ids.is_empty() {
                    sets = of_locations.into_iter().collect();
                } else {
                    sets.retain(|s| of_locations.contains(s));
                }
            }
            zone_ids = Some(
                repo::zones_of_sets(&self.db, &sets)
                    .await?
                    .into_iter()
                    .map(|z| z.id)
                    .collect(),
            );
        }
        let (rows, count) = repo::list_options(&self.db, filter, zone_ids, offset, limit).await?;
        Ok((self.assemble_options(rows).await?, count))
    }

    async fn update_shipping_option(
        &self,
        id: &ShippingOptionId,
        u: UpdateShippingOption,
    ) -> Result<ShippingOption, FulfillmentError> {
        let mut row = repo::options_by_ids(&self.db, &[id.as_str().to_owned()])
            .await?
            .pop()
            .ok_or_else(|| FulfillmentError::OptionNotFound(id.clone()))?;
        let now = self.now();
        if let Some(n) = u.name {
            validate_name(&n, "Shipping option")?;
            row.name = n;
        }
        if let Some(t) = u.price_type {
            validate_price_type(&t)?;
            row.price_type = t;
        }
        if let Some(p) = u.provider_id {
            validate_provider(&p)?;
            row.provider_id = p;
        }
        self.check_refs(u.service_zone_id.as_ref(), u.shipping_profile_id.as_ref())
            .await?;
        if let Some(z) = u.service_zone_id {
            row.service_zone_id = z.into_string();
        }
        if let Some(p) = u.shipping_profile_id {
            row.shipping_profile_id = p.into_string();
        }
        if let Some(d) = u.data {
            row.data = d;
        }
        if let Some(m) = u.metadata {
            row.metadata = m;
        }
        row.updated_at = now;
        let rules = u
            .rules
            .map(|r| self.rule_rows(&row.id, r, now))
            .transpose()?;
        let prices = u
            .prices
            .map(|p| self.price_rows(&row.id, p, now))
            .transpose()?;
        let type_row = match u.option_type {
            Some(t) => {
                let mut existing =
                    repo::types_by_ids(&self.db, &[row.shipping_option_type_id.clone()])
                        .await?
                        .pop()
                        .ok_or_else(|| FulfillmentError::OptionNotFound(id.clone()))?;
                existing.label = t.label;
                existing.description = t.description;
                existing.code = t.code;
                existing.updated_at = now;
                Some(existing)
            }
            None => None,
        };
        let tx = self.db.begin().await?;
        repo::update_option(&tx, row).await?;
        if let Some(t) = type_row {
            repo::update_option_type(&tx, t).await?;
        }
        if let Some(rules) = rules {
            repo::delete_all_rules(&tx, id.as_str()).await?;
            repo::insert_rules(&tx, rules).await?;
        }
        if let Some(prices) = prices {
            repo::replace_prices(&tx, id.as_str(), prices).await?;
        }
        tx.commit().await?;
        self.one_option(id).await
    }

    async fn delete_shipping_option(&self, id: &ShippingOptionId) -> Result<(), FulfillmentError> {
        repo::soft_delete_option(&self.db, id.as_str(), self.now()).await?;
        Ok(())
    }

    async fn batch_rules(
        &self,
        id: &ShippingOptionId,
        batch: RuleBatch,
    ) -> Result<RuleBatchResult, FulfillmentError> {
        let option = self.one_option(id).await?;
        let existing: HashMap<String, ShippingOptionRule> = option
            .rules
            .iter()
            .map(|r| (r.id.as_str().to_owned(), r.clone()))
            .collect();
        for d in &batch.delete {
            if !existing.contains_key(d) {
                return Err(FulfillmentError::RuleNotFound(d.clone()));
            }
        }
        let now = self.now();
        let mut updated_rows = Vec::new();
        for (rid, r) in batch.update {
            r.validate()?;
            let old = existing
                .get(rid.as_str())
                .ok_or_else(|| FulfillmentError::RuleNotFound(rid.as_str().to_owned()))?;
            updated_rows.push(rule::Model {
                id: rid.into_string(),
                attribute: r.attribute,
                operator: r.operator,
                value: Some(r.value),
                shipping_option_id: id.as_str().to_owned(),
                created_at: old.stamps.created_at,
                updated_at: now,
                deleted_at: None,
            });
        }
        let created_rows = self.rule_rows(id.as_str(), batch.create, now)?;
        let tx = self.db.begin().await?;
        repo::delete_rules(&tx, id.as_str(), &batch.delete).await?;
        repo::insert_rules(&tx, created_rows.clone()).await?;
        for r in &updated_rows {
            repo::update_rule(&tx, r.clone()).await?;
        }
        tx.commit().await?;
        Ok(RuleBatchResult {
            created: created_rows.into_iter().map(to_rule).collect(),
            updated: updated_rows.into_iter().map(to_rule).collect(),
            deleted: batch.delete,
        })
    }

    async fn options_for_context(
        &self,
        ctx: &ShippingContext,
    ) -> Result<Vec<AvailableShippingOption>, FulfillmentError> {
        self.available(ctx, None).await
    }

    async fn option_for_context(
        &self,
        id: &ShippingOptionId,
        ctx: &ShippingContext,
    ) -> Result<Option<AvailableShippingOption>, FulfillmentError> {
        Ok(self.available(ctx, Some(id)).await?.pop())
    }
}
