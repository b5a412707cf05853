use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use async_trait::async_trait;
use medusa_core::Clock;
use medusa_core::money::{CurrencyCode, MinorUnits};
use sea_orm::ActiveValue::Set;
use sea_orm::{ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter};

use crate::calculate::{Candidate, ListInfo, VariantPriceInputs, price_lines};
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
    /// [`Self::calculate_variant_prices`] for several (variant, quantity) pairs at once, as a
    /// cart prices its lines (quantity tiers depend on each line's quantity): the same queries
    /// once, whatever the number of distinct quantities. `ctx.quantity` is ignored.
    async fn calculate_line_prices(
        &self,
        lines: &[(String, i64)],
        ctx: &PricingContext,
    ) -> Result<HashMap<(String, i64), CalculatedPrice>>;
    /// The stored rows [`price_lines`] calculates from, per variant, for one currency and
    /// region: no request context (customer, quantity, time) is applied yet, so a caller may
    /// keep them while the catalog counter is unchanged. Variants without a price set are absent.
    async fn price_inputs(
        &self,
        variant_ids: &[String],
        currency_code: &CurrencyCode,
        region_id: Option<&str>,
    ) -> Result<HashMap<String, VariantPriceInputs>>;
    async fn create_price_list(&self, input: NewPriceList) -> Result<PriceList>;
    async fn list_price_lists(&self) -> Result<Vec<PriceList>>;
    /// A price list with its prices (`GET /admin/price-lists/:id`).
    async fn price_list(&self, id: &str) -> Result<(PriceList, Vec<PriceListPrice>)>;
    async fn update_price_list(&self, id: &str, input: UpdatePriceList) -> Result<()>;
    /// Soft-deletes the list and its prices.
    async fn delete_price_list(&self, id: &str) -> Result<()>;
    /// Creates, updates and deletes prices of a list in one transaction; answers the created
    /// and updated prices. Prices may only be added for variants that have a price set.
    async fn batch_price_list_prices(
        &self,
        id: &str,
        batch: PriceListBatch,
    ) -> Result<(Vec<PriceListPrice>, Vec<PriceListPrice>)>;
    /// Ids of the list's prices of these variants (`POST /admin/price-lists/:id/products`).
    async fn price_list_price_ids(&self, id: &str, variant_ids: &[String]) -> Result<Vec<String>>;
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
) -> Result<String> {
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
    insert_rules(db, &id, &p.rules, now).await?;
    Ok(id)
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

/// Price rows as Medusa's admin shows a price list's prices: with the variant and the rules.
async fn list_price_views<C: ConnectionTrait>(
    db: &C,
    rows: Vec<price::Model>,
) -> Result<Vec<PriceListPrice>> {
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let sets: Vec<String> = rows.iter().map(|p| p.price_set_id.clone()).collect();
    let links: HashMap<String, String> = repo::links_of_sets(db, &sets)
        .await?
        .into_iter()
        .map(|l| (l.price_set_id, l.variant_id))
        .collect();
    let ids: Vec<String> = rows.iter().map(|p| p.id.clone()).collect();
    let rules = repo::rules(db, &ids).await?;
    Ok(rows
        .into_iter()
        .map(|p| {
            let cur = currency(&p.currency_code);
            PriceListPrice {
                variant_id: links.get(&p.price_set_id).cloned(),
                amount: MinorUnits(p.amount).to_amount(&cur),
                currency_code: cur,
                min_quantity: p.min_quantity,
                max_quantity: p.max_quantity,
                rules: rules
                    .iter()
                    .filter(|r| r.price_id == p.id)
                    .map(|r| (r.attribute.clone(), r.value.clone()))
                    .collect(),
                created_at: p.created_at,
                updated_at: p.updated_at,
                id: p.id,
            }
        })
        .collect())
}

async fn live_list<C: ConnectionTrait>(db: &C, id: &str) -> Result<Option<price_list::Model>> {
    Ok(repo::lists(db, &[id.to_owned()]).await?.into_iter().next())
}

async fn insert_rules<C: ConnectionTrait>(
    db: &C,
    price_id: &str,
    rules: &BTreeMap<String, String>,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<()> {
    for (attr, value) in rules {
        price_rule::Entity::insert(price_rule::ActiveModel::from(price_rule::Model {
            id: PriceRuleId::new().into_string(),
            price_id: price_id.to_owned(),
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

async fn insert_list_rules<C: ConnectionTrait>(
    db: &C,
    list_id: &str,
    rules: &BTreeMap<String, Vec<String>>,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Vec<price_list_rule::Model>> {
    let mut out = Vec::new();
    for (attr, values) in rules {
        let r = price_list_rule::Model {
            id: PriceListRuleId::new().into_string(),
            price_list_id: list_id.to_owned(),
            attribute: attr.clone(),
            value: serde_json::json!(values),
            created_at: now,
            updated_at: now,
            deleted_at: None,
        };
        price_list_rule::Entity::insert(price_list_rule::ActiveModel::from(r.clone()))
            .exec_without_returning(db)
            .await?;
        out.push(r);
    }
    Ok(out)
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
        let quantity = ctx.quantity.unwrap_or(1);
        let lines: Vec<(String, i64)> = variant_ids.iter().map(|v| (v.clone(), quantity)).collect();
        Ok(self
            .calculate_line_prices(&lines, ctx)
            .await?
            .into_iter()
            .map(|((variant, _), price)| (variant, price))
            .collect())
    }

    async fn calculate_line_prices(
        &self,
        wanted: &[(String, i64)],
        ctx: &PricingContext,
    ) -> Result<HashMap<(String, i64), CalculatedPrice>> {
        if wanted.is_empty() {
            return Ok(HashMap::new());
        }
        let mut variant_ids: Vec<String> = wanted.iter().map(|(v, _)| v.clone()).collect();
        variant_ids.sort();
        variant_ids.dedup();
        let inputs = self
            .price_inputs(&variant_ids, &ctx.currency_code, ctx.region_id.as_deref())
            .await?;
        Ok(price_lines(&inputs, wanted, ctx))
    }

    async fn price_inputs(
        &self,
        variant_ids: &[String],
        currency_code: &CurrencyCode,
        region_id: Option<&str>,
    ) -> Result<HashMap<String, VariantPriceInputs>> {
        if variant_ids.is_empty() {
            return Ok(HashMap::new());
        }
        let db = &self.db;
        let links = repo::links(db, variant_ids).await?;
        let sets: Vec<String> = links.iter().map(|l| l.price_set_id.clone()).collect();
        let rows = repo::prices(db, &sets, Some(currency_code.as_str())).await?;
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
        let mut pref_pairs: Vec<(&str, &str)> = vec![("currency_code", currency_code.as_str())];
        if let Some(r) = region_id {
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
                    amount: MinorUnits(p.amount).to_amount(currency_code),
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
        Ok(links
            .into_iter()
            .map(|l| {
                let candidates = candidates.remove(&l.price_set_id).unwrap_or_default();
                (
                    l.variant_id,
                    VariantPriceInputs {
                        price_set_id: l.price_set_id,
                        currency_code: currency_code.clone(),
                        candidates,
                        tax_inclusive,
                    },
                )
            })
            .collect())
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
        let rule_rows = insert_list_rules(&tx, &id, &input.rules, now).await?;
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

    async fn price_list(&self, id: &str) -> Result<(PriceList, Vec<PriceListPrice>)> {
        let list = live_list(&self.db, id)
            .await?
            .ok_or_else(|| PricingError::PriceListNotFound(id.to_owned()))?;
        let rules = repo::list_rules(&self.db, &[id.to_owned()]).await?;
        let prices = list_price_views(&self.db, repo::list_prices(&self.db, id).await?).await?;
        Ok((to_list(list, &rules), prices))
    }

    async fn update_price_list(&self, id: &str, input: UpdatePriceList) -> Result<()> {
        let now = self.clock.now();
        let tx = medusa_db::begin_write(&self.db).await?;
        let row = live_list(&tx, id)
            .await?
            .ok_or_else(|| PricingError::PriceListsNotFound(id.to_owned()))?;
        let mut am: price_list::ActiveModel = row.into();
        if let Some(v) = input.title {
            am.title = Set(v);
        }
        if let Some(v) = input.description {
            am.description = Set(v);
        }
        if let Some(v) = input.list_type {
            am.r#type = Set(v.as_str().to_owned());
        }
        if let Some(v) = input.status {
            am.status = Set(match v {
                PriceListStatus::Active => "active".into(),
                PriceListStatus::Draft => "draft".into(),
            });
        }
        if let Some(v) = input.starts_at {
            am.starts_at = Set(v);
        }
        if let Some(v) = input.ends_at {
            am.ends_at = Set(v);
        }
        if let Some(rules) = &input.rules {
            price_list_rule::Entity::delete_many()
                .filter(price_list_rule::Column::PriceListId.eq(id))
                .exec(&tx)
                .await?;
            insert_list_rules(&tx, id, rules, now).await?;
            am.rules_count = Set(i32::try_from(rules.len()).unwrap_or(i32::MAX));
        }
        am.updated_at = Set(now);
        price_list::Entity::update(am).exec(&tx).await?;
        medusa_db::versions::bump(&tx, medusa_db::versions::CATALOG).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn delete_price_list(&self, id: &str) -> Result<()> {
        let now = self.clock.now();
        let tx = medusa_db::begin_write(&self.db).await?;
        let r = price_list::Entity::update_many()
            .col_expr(
                price_list::Column::DeletedAt,
                sea_orm::sea_query::Expr::value(now),
            )
            .filter(price_list::Column::Id.eq(id))
            .filter(price_list::Column::DeletedAt.is_null())
            .exec(&tx)
            .await?;
        if r.rows_affected == 0 {
            return Err(PricingError::PriceListNotFound(id.to_owned()));
        }
        price::Entity::update_many()
            .col_expr(
                price::Column::DeletedAt,
                sea_orm::sea_query::Expr::value(now),
            )
            .filter(price::Column::PriceListId.eq(id))
            .filter(price::Column::DeletedAt.is_null())
            .exec(&tx)
            .await?;
        medusa_db::versions::bump(&tx, medusa_db::versions::CATALOG).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn batch_price_list_prices(
        &self,
        id: &str,
        batch: PriceListBatch,
    ) -> Result<(Vec<PriceListPrice>, Vec<PriceListPrice>)> {
        let now = self.clock.now();
        let tx = medusa_db::begin_write(&self.db).await?;
        if live_list(&tx, id).await?.is_none() {
            return Err(PricingError::PriceListsNotFound(id.to_owned()));
        }
        // Every variant named must already have a price set (Medusa creates one with each
        // variant), so a price can never be attached to a variant that does not exist.
        let mut variant_ids: Vec<String> = batch
            .create
            .iter()
            .map(|(v, _)| v.clone())
            .chain(batch.update.iter().map(|u| u.variant_id.clone()))
            .collect();
        variant_ids.sort();
        variant_ids.dedup();
        let sets: HashMap<String, String> = repo::links(&tx, &variant_ids)
            .await?
            .into_iter()
            .map(|l| (l.variant_id, l.price_set_id))
            .collect();
        let missing: Vec<String> = variant_ids
            .iter()
            .filter(|v| !sets.contains_key(*v))
            .cloned()
            .collect();
        if !missing.is_empty() {
            return Err(PricingError::NoPriceSet(missing));
        }
        let mut created = Vec::new();
        for (variant_id, p) in &batch.create {
            let set = sets.get(variant_id).cloned().unwrap_or_default();
            created.push(insert_price(&tx, &set, Some(id), p, now).await?);
        }
        let existing = repo::prices_by_id(
            &tx,
            &batch
                .update
                .iter()
                .map(|u| u.id.clone())
                .collect::<Vec<_>>(),
        )
        .await?;
        let mut updated = Vec::new();
        for u in &batch.update {
            let Some(row) = existing
                .iter()
                .find(|p| p.id == u.id && p.price_list_id.as_deref() == Some(id))
            else {
                return Err(PricingError::PriceNotFound(u.id.clone()));
            };
            let currency_code = u
                .currency_code
                .clone()
                .unwrap_or_else(|| currency(&row.currency_code));
            let mut am: price::ActiveModel = row.clone().into();
            if let Some(amount) = &u.amount {
                let minor = amount
                    .to_minor(&currency_code)
                    .map_err(|e| PricingError::Invalid(e.to_string()))?;
                am.amount = Set(minor.0);
            } else if u.currency_code.is_some() {
                // Re-expressing the stored amount in another currency's minor unit.
                let amount = MinorUnits(row.amount).to_amount(&currency(&row.currency_code));
                let minor = amount
                    .to_minor(&currency_code)
                    .map_err(|e| PricingError::Invalid(e.to_string()))?;
                am.amount = Set(minor.0);
            }
            am.currency_code = Set(currency_code.to_string());
            am.price_set_id = Set(sets.get(&u.variant_id).cloned().unwrap_or_default());
            if let Some(v) = u.min_quantity {
                am.min_quantity = Set(v);
            }
            if let Some(v) = u.max_quantity {
                am.max_quantity = Set(v);
            }
            if let Some(rules) = &u.rules {
                price_rule::Entity::delete_many()
                    .filter(price_rule::Column::PriceId.eq(u.id.clone()))
                    .exec(&tx)
                    .await?;
                insert_rules(&tx, &u.id, rules, now).await?;
                am.rules_count = Set(i32::try_from(rules.len()).unwrap_or(i32::MAX));
            }
            am.updated_at = Set(now);
            price::Entity::update(am).exec(&tx).await?;
            updated.push(u.id.clone());
        }
        if !batch.delete.is_empty() {
            price::Entity::update_many()
                .col_expr(
                    price::Column::DeletedAt,
                    sea_orm::sea_query::Expr::value(now),
                )
                .filter(price::Column::Id.is_in(batch.delete.iter().cloned()))
                .filter(price::Column::PriceListId.eq(id))
                .filter(price::Column::DeletedAt.is_null())
                .exec(&tx)
                .await?;
        }
        let created = list_price_views(&tx, repo::prices_by_id(&tx, &created).await?).await?;
        let updated = list_price_views(&tx, repo::prices_by_id(&tx, &updated).await?).await?;
        medusa_db::versions::bump(&tx, medusa_db::versions::CATALOG).await?;
        tx.commit().await?;
        Ok((created, updated))
    }

    async fn price_list_price_ids(&self, id: &str, variant_ids: &[String]) -> Result<Vec<String>> {
        let sets: Vec<String> = repo::links(&self.db, variant_ids)
            .await?
            .into_iter()
            .map(|l| l.price_set_id)
            .collect();
        Ok(repo::prices(&self.db, &sets, None)
            .await?
            .into_iter()
            .filter(|p| p.price_list_id.as_deref() == Some(id))
            .map(|p| p.id)
            .collect())
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
