use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use async_trait::async_trait;
use medusa_core::Clock;
use medusa_core::money::{CurrencyCode, MinorUnits};
use sea_orm::ActiveValue::Set;
use sea_orm::{ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter};

use crate::calculate::{Candidate, ListInfo, calculate};
use crate::entity::{
    price, price_list, price_list_rule, price_preference, price_rule, price_set, variant_price_set,
};
use crate::error::PricingError;
use crate::model::*;
use crate::repo;
use crate::{PriceId, PriceListId, PriceListRuleId, PricePreferenceId, PriceRuleId, PriceSetId};

type Result<T> = std::result::Result<T, PricingError>;

#[async_trait]
pub trait PricingService: Send + Sync {
    /// Creates a price set with `prices` and links it to the variant (replacing any earlier link).
    async fn set_variant_prices(&self, variant_id: &str, prices: Vec<PriceInput>)
    -> Result<String>;
    /// Stored prices of each variant (admin `variants.prices`), excluding price-list prices.
    async fn variant_prices(&self, variant_ids: &[String]) -> Result<HashMap<String, Vec<Price>>>;
    /// `calculated_price` of each variant that has an applicable price (a fixed number of
    /// queries, whatever the number of variants).
    async fn calculate_variant_prices(
        &self,
        variant_ids: &[String],
        ctx: &PricingContext,
    ) -> Result<HashMap<String, CalculatedPrice>>;
    async fn create_price_list(&self, input: NewPriceList) -> Result<PriceList>;
    async fn list_price_lists(&self) -> Result<Vec<PriceList>>;
    /// Whether prices are tax-inclusive for `attribute` (`currency_code` or `region_id`) = `value`.
    async fn set_price_preference(
        &self,
        attribute: &str,
        value: &str,
        is_tax_inclusive: bool,
    ) -> Result<()>;
}

pub struct DbPricingService {
    db: DatabaseConnection,
    clock: Arc<dyn Clock>,
}

impl DbPricingService {
    pub fn new(db: DatabaseConnection, clock: Arc<dyn Clock>) -> Self {
        DbPricingService { db, clock }
    }
}

/// Stored codes were validated on the way in; `xxx` (ISO's "no currency") is the fallback.
fn currency(code: &str) -> CurrencyCode {
    CurrencyCode::parse(code).unwrap_or(CurrencyCode::XXX)
}

async fn insert_price<C: ConnectionTrait>(
    db: &C,
    price_set_id: &str,
    list_id: Option<&str>,
    p: &PriceInput,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<()> {
    let minor = p
        .amount
        .to_minor(&p.currency_code)
        .map_err(|e| PricingError::Invalid(e.to_string()))?;
    let id = PriceId::new().into_string();
    price::Entity::insert(price::ActiveModel::from(price::Model {
        id: id.clone(),
        title: None,
        price_set_id: price_set_id.to_owned(),
        currency_code: p.currency_code.to_string(),
        amount: minor.0,
        min_quantity: p.min_quantity,
        max_quantity: p.max_quantity,
        price_list_id: list_id.map(str::to_owned),
        rules_count: i32::try_from(p.rules.len()).unwrap_or(i32::MAX),
        created_at: now,
        updated_at: now,
        deleted_at: None,
    }))
    .exec_without_returning(db)
    .await?;
    for (attr, value) in &p.rules {
        price_rule::Entity::insert(price_rule::ActiveModel::from(price_rule::Model {
            id: PriceRuleId::new().into_string(),
            price_id: id.clone(),
            attribute: attr.clone(),
            value: value.clone(),
            operator: "eq".into(),
            priority: 0,
            created_at: now,
            updated_at: now,
            deleted_at: None,
        }))
        .exec_without_returning(db)
        .await?;
    }
    Ok(())
}

async fn ensure_price_set<C: ConnectionTrait>(
    db: &C,
    variant_id: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<String> {
    if let Some(l) = repo::links(db, &[variant_id.to_owned()])
        .await?
        .into_iter()
        .next()
    {
        return Ok(l.price_set_id);
    }
    let id = PriceSetId::new().into_string();
    price_set::Entity::insert(price_set::ActiveModel::from(price_set::Model {
        id: id.clone(),
        created_at: now,
        updated_at: now,
        deleted_at: None,
    }))
    .exec_without_returning(db)
    .await?;
    variant_price_set::Entity::insert(variant_price_set::ActiveModel {
        variant_id: Set(variant_id.to_owned()),
        price_set_id: Set(id.clone()),
    })
    .exec_without_returning(db)
    .await?;
    Ok(id)
}

fn list_info(l: &price_list::Model, rules: &[price_list_rule::Model]) -> ListInfo {
    ListInfo {
        id: l.id.clone(),
        list_type: PriceListType::parse(&l.r#type).unwrap_or(PriceListType::Sale),
        active: l.status == "active",
        starts_at: l.starts_at,
        ends_at: l.ends_at,
        rules: rules
            .iter()
            .filter(|r| r.price_list_id == l.id)
            .map(|r| {
                let values = r
                    .value
                    .as_array()
                    .map(|a| {
                        a.iter()
                            .filter_map(|v| v.as_str().map(str::to_owned))
                            .collect()
                    })
                    .unwrap_or_default();
                (r.attribute.clone(), values)
            })
            .collect(),
    }
}

fn to_list(l: price_list::Model, rules: &[price_list_rule::Model]) -> PriceList {
    let info = list_info(&l, rules);
    PriceList {
        id: l.id,
        title: l.title,
        description: l.description,
        status: if l.status == "active" {
            PriceListStatus::Active
        } else {
            PriceListStatus::Draft
        },
        list_type: info.list_type,
        starts_at: l.starts_at,
        ends_at: l.ends_at,
        rules: info.rules,
        created_at: l.created_at,
        updated_at: l.updated_at,
    }
}

#[async_trait]
impl PricingService for DbPricingService {
    async fn set_variant_prices(
        &self,
        variant_id: &str,
        prices: Vec<PriceInput>,
    ) -> Result<String> {
        let now = self.clock.now();
        let tx = medusa_db::begin_write(&self.db).await?;
        let set = ensure_price_set(&tx, variant_id, now).await?;
        // Replace the set's own prices (price-list prices stay).
        price::Entity::delete_many()
            .filter(price::Column::PriceSetId.eq(set.clone()))
            .filter(price::Column::PriceListId.is_null())
            .exec(&tx)
            .await?;
        for p in &prices {
            insert_price(&tx, &set, None, p, now).await?;
        }
        medusa_db::versions::bump(&tx, medusa_db::versions::CATALOG).await?;
        tx.commit().await?;
        Ok(set)
    }

    async fn variant_prices(&self, variant_ids: &[String]) -> Result<HashMap<String, Vec<Price>>> {
        let links = repo::links(&self.db, variant_ids).await?;
        let sets: Vec<String> = links.iter().map(|l| l.price_set_id.clone()).collect();
        let rows = repo::prices(&self.db, &sets, None).await?;
        let rules = repo::rules(
            &self.db,
            &rows.iter().map(|p| p.id.clone()).collect::<Vec<_>>(),
        )
        .await?;
        let mut by_set: HashMap<String, Vec<Price>> = HashMap::new();
        for p in rows.into_iter().filter(|p| p.price_list_id.is_none()) {
            let cur = currency(&p.currency_code);
            let r: BTreeMap<String, String> = rules
                .iter()
                .filter(|r| r.price_id == p.id)
                .map(|r| (r.attribute.clone(), r.value.clone()))
                .collect();
            by_set
                .entry(p.price_set_id.clone())
                .or_default()
                .push(Price {
                    amount: MinorUnits(p.amount).to_amount(&cur),
                    currency_code: cur,
                    id: p.id,
                    title: p.title,
                    price_set_id: p.price_set_id,
                    min_quantity: p.min_quantity,
                    max_quantity: p.max_quantity,
                    price_list_id: p.price_list_id,
                    rules: r,
                    created_at: p.created_at,
                    updated_at: p.updated_at,
                });
        }
        Ok(links
            .into_iter()
            .map(|l| {
                let prices = by_set.get(&l.price_set_id).cloned().unwrap_or_default();
                (l.variant_id, prices)
            })
            .collect())
    }

    async fn calculate_variant_prices(
        &self,
        variant_ids: &[String],
        ctx: &PricingContext,
    ) -> Result<HashMap<String, CalculatedPrice>> {
        if variant_ids.is_empty() {
            return Ok(HashMap::new());
        }
        let db = &self.db;
        let links = repo::links(db, variant_ids).await?;
        let sets: Vec<String> = links.iter().map(|l| l.price_set_id.clone()).collect();
        let rows = repo::prices(db, &sets, Some(ctx.currency_code.as_str())).await?;
        let price_ids: Vec<String> = rows.iter().map(|p| p.id.clone()).collect();
        let rules = if rows.iter().any(|p| p.rules_count > 0) {
            repo::rules(db, &price_ids).await?
        } else {
            Vec::new()
        };
        let list_ids: Vec<String> = rows
            .iter()
            .filter_map(|p| p.price_list_id.clone())
            .collect();
        let (lists, list_rules) = if list_ids.is_empty() {
            (Vec::new(), Vec::new())
        } else {
            (
                repo::lists(db, &list_ids).await?,
                repo::list_rules(db, &list_ids).await?,
            )
        };
        let lists: HashMap<String, ListInfo> = lists
            .iter()
            .map(|l| (l.id.clone(), list_info(l, &list_rules)))
            .collect();
        let mut pref_pairs: Vec<(&str, &str)> = vec![("currency_code", ctx.currency_code.as_str())];
        if let Some(r) = ctx.region_id.as_deref() {
            pref_pairs.push(("region_id", r));
        }
        let prefs = repo::preferences(db, &pref_pairs).await?;
        // A region preference wins over a currency preference.
        let tax_inclusive = prefs
            .iter()
            .find(|p| p.attribute == "region_id")
            .or_else(|| prefs.iter().find(|p| p.attribute == "currency_code"))
            .is_some_and(|p| p.is_tax_inclusive);

        let mut candidates: HashMap<String, Vec<Candidate>> = HashMap::new();
        for p in rows {
            let list = match &p.price_list_id {
                // A price of a deleted list never applies.
                Some(id) => match lists.get(id) {
                    Some(l) => Some(l.clone()),
                    None => continue,
                },
                None => None,
            };
            candidates
                .entry(p.price_set_id.clone())
                .or_default()
                .push(Candidate {
                    amount: MinorUnits(p.amount).to_amount(&ctx.currency_code),
                    rules: rules
                        .iter()
                        .filter(|r| r.price_id == p.id)
                        .map(|r| (r.attribute.clone(), r.value.clone()))
                        .collect(),
                    id: p.id,
                    min_quantity: p.min_quantity,
                    max_quantity: p.max_quantity,
                    list,
                });
        }
        let mut out = HashMap::new();
        for l in links {
            let cands = candidates
                .get(&l.price_set_id)
                .map(Vec::as_slice)
                .unwrap_or(&[]);
            if let Some(c) = calculate(
                &l.price_set_id,
                cands,
                ctx,
                &ctx.currency_code,
                tax_inclusive,
            ) {
                out.insert(l.variant_id, c);
            }
        }
        Ok(out)
    }

    async fn create_price_list(&self, input: NewPriceList) -> Result<PriceList> {
        let now = self.clock.now();
        let tx = medusa_db::begin_write(&self.db).await?;
        let id = PriceListId::new().into_string();
        let row = price_list::Model {
            id: id.clone(),
            title: input.title.clone(),
            description: input.description.clone(),
            status: match input.status {
                PriceListStatus::Active => "active".into(),
                PriceListStatus::Draft => "draft".into(),
            },
            r#type: input.list_type.as_str().into(),
            starts_at: input.starts_at,
            ends_at: input.ends_at,
            rules_count: i32::try_from(input.rules.len()).unwrap_or(i32::MAX),
            created_at: now,
            updated_at: now,
            deleted_at: None,
        };
        price_list::Entity::insert(price_list::ActiveModel::from(row.clone()))
            .exec_without_returning(&tx)
            .await?;
        let mut rule_rows = Vec::new();
        for (attr, values) in &input.rules {
            let r = price_list_rule::Model {
                id: PriceListRuleId::new().into_string(),
                price_list_id: id.clone(),
                attribute: attr.clone(),
                value: serde_json::json!(values),
                created_at: now,
                updated_at: now,
                deleted_at: None,
            };
            price_list_rule::Entity::insert(price_list_rule::ActiveModel::from(r.clone()))
                .exec_without_returning(&tx)
                .await?;
            rule_rows.push(r);
        }
        for (variant_id, price) in &input.prices {
            let set = ensure_price_set(&tx, variant_id, now).await?;
            insert_price(&tx, &set, Some(&id), price, now).await?;
        }
        medusa_db::versions::bump(&tx, medusa_db::versions::CATALOG).await?;
        tx.commit().await?;
        Ok(to_list(row, &rule_rows))
    }

    async fn list_price_lists(&self) -> Result<Vec<PriceList>> {
        let lists = repo::all_lists(&self.db).await?;
        let ids: Vec<String> = lists.iter().map(|l| l.id.clone()).collect();
        let rules = repo::list_rules(&self.db, &ids).await?;
        Ok(lists.into_iter().map(|l| to_list(l, &rules)).collect())
    }

    async fn set_price_preference(
        &self,
        attribute: &str,
        value: &str,
        is_tax_inclusive: bool,
    ) -> Result<()> {
        if !matches!(attribute, "currency_code" | "region_id") {
            return Err(PricingError::Invalid(format!(
                "Unknown price preference attribute {attribute}"
            )));
        }
        let now = self.clock.now();
        let existing = repo::preferences(&self.db, &[(attribute, value)]).await?;
        match existing.into_iter().next() {
            Some(p) => {
                price_preference::Entity::update(price_preference::ActiveModel {
                    id: Set(p.id),
                    is_tax_inclusive: Set(is_tax_inclusive),
                    updated_at: Set(now),
                    ..Default::default()
                })
                .exec(&self.db)
                .await?;
            }
            None => {
                price_preference::Entity::insert(price_preference::ActiveModel::from(
                    price_preference::Model {
                        id: PricePreferenceId::new().into_string(),
                        attribute: attribute.to_owned(),
                        value: value.to_owned(),
                        is_tax_inclusive,
                        created_at: now,
                        updated_at: now,
                        deleted_at: None,
                    },
                ))
                .exec_without_returning(&self.db)
                .await?;
            }
        }
        medusa_db::versions::bump(&self.db, medusa_db::versions::CATALOG).await?;
        Ok(())
    }
}
