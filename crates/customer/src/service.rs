use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use async_trait::async_trait;
use medusa_core::Clock;
use medusa_core::id::CustomerId;
use medusa_core::request::ListParams;
use sea_orm::{ConnectionTrait, DatabaseConnection, DbErr, SqlErr};

use crate::entity::{address, customer, group};
use crate::error::CustomerError;
use crate::model::{
    Address, AddressFilter, AddressId, AddressInput, CreateCustomer, CreateGroup, Customer,
    CustomerDetails, CustomerFilter, CustomerGroup, CustomerGroupId, GroupFilter, UpdateCustomer,
    UpdateGroup,
};
use crate::repo;

/// The module's service.
#[async_trait]
pub trait CustomerService: Send + Sync {
    /// One page of customers matching `filter`, and how many match in all.
    async fn list(
        &self,
        filter: &CustomerFilter,
        page: &ListParams,
    ) -> Result<(Vec<Customer>, u64), CustomerError>;
    /// A customer that is not deleted.
    async fn retrieve(&self, id: &CustomerId) -> Result<Customer, CustomerError>;
    /// The addresses and groups of customers already loaded (three queries whatever their
    /// number); the order of `customers` is kept.
    async fn details(
        &self,
        customers: Vec<Customer>,
    ) -> Result<Vec<CustomerDetails>, CustomerError>;
    /// Creates a customer. Refused when a live customer has the same email and `has_account`.
    async fn create(&self, input: CreateCustomer) -> Result<Customer, CustomerError>;
    async fn update(
        &self,
        id: &CustomerId,
        input: UpdateCustomer,
    ) -> Result<Customer, CustomerError>;
    /// Soft-deletes a customer, removing its addresses and group memberships. `false` when
    /// there was no such live customer (which is not an error, as in Medusa).
    async fn delete(&self, id: &CustomerId) -> Result<bool, CustomerError>;

    /// One page of a customer's addresses.
    async fn list_addresses(
        &self,
        customer_id: &CustomerId,
        filter: &AddressFilter,
        page: &ListParams,
    ) -> Result<(Vec<Address>, u64), CustomerError>;
    /// An address of this customer; another customer's address is not found.
    async fn retrieve_address(
        &self,
        customer_id: &CustomerId,
        id: &AddressId,
    ) -> Result<Address, CustomerError>;
    async fn create_address(
        &self,
        customer_id: &CustomerId,
        input: AddressInput,
    ) -> Result<Address, CustomerError>;
    async fn update_address(
        &self,
        customer_id: &CustomerId,
        id: &AddressId,
        input: AddressInput,
    ) -> Result<Address, CustomerError>;
    async fn delete_address(
        &self,
        customer_id: &CustomerId,
        id: &AddressId,
    ) -> Result<(), CustomerError>;

    async fn list_groups(
        &self,
        filter: &GroupFilter,
        page: &ListParams,
    ) -> Result<(Vec<CustomerGroup>, u64), CustomerError>;
    async fn retrieve_group(&self, id: &CustomerGroupId) -> Result<CustomerGroup, CustomerError>;
    async fn create_group(&self, input: CreateGroup) -> Result<CustomerGroup, CustomerError>;
    async fn update_group(
        &self,
        id: &CustomerGroupId,
        input: UpdateGroup,
    ) -> Result<CustomerGroup, CustomerError>;
    /// Soft-deletes a group and ends its memberships; a missing group is not an error.
    async fn delete_group(&self, id: &CustomerGroupId) -> Result<(), CustomerError>;
    /// The live customers of each of the groups (keyed by group id), oldest membership first.
    async fn group_customers(
        &self,
        group_ids: &[CustomerGroupId],
    ) -> Result<HashMap<String, Vec<Customer>>, CustomerError>;
    /// Adds the customer to the groups `add` and removes it from `remove`; every group must
    /// exist.
    async fn set_customer_groups(
        &self,
        customer_id: &CustomerId,
        add: &[String],
        remove: &[String],
        created_by: Option<&str>,
    ) -> Result<(), CustomerError>;
    /// Adds the customers `add` to the group and removes `remove`; every customer must exist.
    async fn set_group_customers(
        &self,
        group_id: &CustomerGroupId,
        add: &[String],
        remove: &[String],
        created_by: Option<&str>,
    ) -> Result<(), CustomerError>;
    /// The ids of the live groups a customer belongs to (price lists may target them).
    async fn group_ids(
        &self,
        customer_id: &CustomerId,
    ) -> Result<Vec<CustomerGroupId>, CustomerError>;
}

pub struct DbCustomerService {
    db: DatabaseConnection,
    clock: Arc<dyn Clock>,
}

impl DbCustomerService {
    pub fn new(db: DatabaseConnection, clock: Arc<dyn Clock>) -> Self {
        DbCustomerService { db, clock }
    }
}

/// A row this module wrote that does not parse back is corruption, not a client error.
fn corrupt(what: &str, value: &str) -> CustomerError {
    CustomerError::Database(DbErr::Custom(format!(
        "invalid {what} in the database: {value}"
    )))
}

fn is_unique_violation(e: &DbErr) -> bool {
    matches!(e.sql_err(), Some(SqlErr::UniqueConstraintViolation(_)))
}

fn to_customer(row: customer::Model) -> Result<Customer, CustomerError> {
    Ok(Customer {
        id: CustomerId::parse(&row.id).map_err(|_| corrupt("customer id", &row.id))?,
        email: row.email,
        company_name: row.company_name,
        first_name: row.first_name,
        last_name: row.last_name,
        phone: row.phone,
        has_account: row.has_account,
        metadata: row.metadata,
        created_by: row.created_by,
        created_at: row.created_at,
        updated_at: row.updated_at,
        deleted_at: row.deleted_at,
    })
}

fn to_address(row: address::Model) -> Result<Address, CustomerError> {
    Ok(Address {
        id: AddressId::parse(&row.id).map_err(|_| corrupt("address id", &row.id))?,
        customer_id: CustomerId::parse(&row.customer_id)
            .map_err(|_| corrupt("customer id", &row.customer_id))?,
        address_name: row.address_name,
        is_default_shipping: row.is_default_shipping,
        is_default_billing: row.is_default_billing,
        company: row.company,
        first_name: row.first_name,
        last_name: row.last_name,
        address_1: row.address_1,
        address_2: row.address_2,
        city: row.city,
        country_code: row.country_code,
        province: row.province,
        postal_code: row.postal_code,
        phone: row.phone,
        metadata: row.metadata,
        created_at: row.created_at,
        updated_at: row.updated_at,
    })
}

fn to_group(row: group::Model) -> Result<CustomerGroup, CustomerError> {
    Ok(CustomerGroup {
        id: CustomerGroupId::parse(&row.id).map_err(|_| corrupt("group id", &row.id))?,
        name: row.name,
        metadata: row.metadata,
        created_by: row.created_by,
        created_at: row.created_at,
        updated_at: row.updated_at,
        deleted_at: row.deleted_at,
    })
}

fn set<T>(slot: &mut T, value: Option<T>) {
    if let Some(v) = value {
        *slot = v;
    }
}

/// Country codes are stored lower-case, as Medusa's address workflows store them.
fn lower(code: Option<String>) -> Option<String> {
    code.map(|c| c.to_lowercase())
}

/// Applies `input` to an address row.
fn apply_address(row: &mut address::Model, input: AddressInput) {
    set(&mut row.address_name, input.address_name);
    set(&mut row.is_default_shipping, input.is_default_shipping);
    set(&mut row.is_default_billing, input.is_default_billing);
    set(&mut row.company, input.company);
    set(&mut row.first_name, input.first_name);
    set(&mut row.last_name, input.last_name);
    set(&mut row.address_1, input.address_1);
    set(&mut row.address_2, input.address_2);
    set(&mut row.city, input.city);
    set(&mut row.country_code, input.country_code.map(lower));
    set(&mut row.province, input.province);
    set(&mut row.postal_code, input.postal_code);
    set(&mut row.phone, input.phone);
    set(&mut row.metadata, input.metadata);
}

/// Distinct ids, in their first order.
fn distinct(ids: &[String]) -> Vec<String> {
    let mut seen = HashSet::new();
    ids.iter().filter(|i| seen.insert(*i)).cloned().collect()
}

impl DbCustomerService {
    /// Takes the default flags the address is about to get from the customer's other
    /// addresses (inside the caller's transaction, which holds the customer's lock).
    async fn make_room<C: ConnectionTrait>(
        &self,
        tx: &C,
        customer_id: &str,
        row: &address::Model,
    ) -> Result<(), CustomerError> {
        let now = self.clock.now();
        if row.is_default_shipping {
            repo::clear_default(tx, customer_id, true, now).await?;
        }
        if row.is_default_billing {
            repo::clear_default(tx, customer_id, false, now).await?;
        }
        Ok(())
    }

    fn email_taken(row: &customer::Model) -> CustomerError {
        CustomerError::EmailTaken {
            email: row.email.clone().unwrap_or_default(),
            has_account: row.has_account,
        }
    }
}

#[async_trait]
impl CustomerService for DbCustomerService {
    async fn list(
        &self,
        filter: &CustomerFilter,
        page: &ListParams,
    ) -> Result<(Vec<Customer>, u64), CustomerError> {
        let (rows, count) = repo::list_customers(&self.db, filter, page).await?;
        let customers = rows
            .into_iter()
            .map(to_customer)
            .collect::<Result<_, _>>()?;
        Ok((customers, count))
    }

    async fn retrieve(&self, id: &CustomerId) -> Result<Customer, CustomerError> {
        let row = repo::find_customer(&self.db, id.as_str())
            .await?
            .ok_or_else(|| CustomerError::NotFound(id.to_string()))?;
        to_customer(row)
    }

    async fn details(
        &self,
        customers: Vec<Customer>,
    ) -> Result<Vec<CustomerDetails>, CustomerError> {
        let ids: Vec<String> = customers.iter().map(|c| c.id.to_string()).collect();
        let mut addresses: HashMap<String, Vec<Address>> = HashMap::new();
        for row in repo::addresses_of(&self.db, &ids).await? {
            addresses
                .entry(row.customer_id.clone())
                .or_default()
                .push(to_address(row)?);
        }
        let links = repo::links_of_customers(&self.db, &ids).await?;
        let group_ids: Vec<String> =
            distinct(&links.iter().map(|(_, g)| g.clone()).collect::<Vec<_>>());
        let groups: HashMap<String, CustomerGroup> = repo::find_groups(&self.db, &group_ids)
            .await?
            .into_iter()
            .map(|g| Ok((g.id.clone(), to_group(g)?)))
            .collect::<Result<_, CustomerError>>()?;
        let mut member_of: HashMap<String, Vec<CustomerGroup>> = HashMap::new();
        for (c, g) in links {
            // Links to deleted groups are left out.
            if let Some(group) = groups.get(&g) {
                member_of.entry(c).or_default().push(group.clone());
            }
        }
        Ok(customers
            .into_iter()
            .map(|customer| CustomerDetails {
                addresses: addresses.remove(customer.id.as_str()).unwrap_or_default(),
                groups: member_of.remove(customer.id.as_str()).unwrap_or_default(),
                customer,
            })
            .collect())
    }

    async fn create(&self, input: CreateCustomer) -> Result<Customer, CustomerError> {
        let now = self.clock.now();
        let row = customer::Model {
            id: CustomerId::new().to_string(),
            company_name: input.company_name,
            first_name: input.first_name,
            last_name: input.last_name,
            email: input.email,
            phone: input.phone,
            has_account: input.has_account,
            metadata: input.metadata,
            created_by: input.created_by,
            created_at: now,
            updated_at: now,
            deleted_at: None,
        };
        match repo::insert_customer(&self.db, row.clone()).await {
            Ok(()) => to_customer(row),
            Err(e) if is_unique_violation(&e) => Err(Self::email_taken(&row)),
            Err(e) => Err(e.into()),
        }
    }

    async fn update(
        &self,
        id: &CustomerId,
        input: UpdateCustomer,
    ) -> Result<Customer, CustomerError> {
        let not_found = || CustomerError::NotFound(id.to_string());
        let mut row = repo::find_customer(&self.db, id.as_str())
            .await?
            .ok_or_else(not_found)?;
        set(&mut row.email, input.email);
        set(&mut row.company_name, input.company_name);
        set(&mut row.first_name, input.first_name);
        set(&mut row.last_name, input.last_name);
        set(&mut row.phone, input.phone);
        set(&mut row.metadata, input.metadata);
        row.updated_at = self.clock.now();
        match repo::update_customer(&self.db, row.clone()).await {
            Ok(true) => to_customer(row),
            Ok(false) => Err(not_found()),
            Err(e) if is_unique_violation(&e) => Err(Self::email_taken(&row)),
            Err(e) => Err(e.into()),
        }
    }

    async fn delete(&self, id: &CustomerId) -> Result<bool, CustomerError> {
        let tx = medusa_db::begin_write(&self.db).await?;
        let deleted = repo::soft_delete_customer(&tx, id.as_str(), self.clock.now()).await?;
        if deleted {
            repo::delete_addresses_of(&tx, id.as_str()).await?;
            repo::delete_links_of_customer(&tx, id.as_str()).await?;
        }
        tx.commit().await?;
        Ok(deleted)
    }

    async fn list_addresses(
        &self,
        customer_id: &CustomerId,
        filter: &AddressFilter,
        page: &ListParams,
    ) -> Result<(Vec<Address>, u64), CustomerError> {
        let (rows, count) =
            repo::list_addresses(&self.db, customer_id.as_str(), filter, page).await?;
        let addresses = rows.into_iter().map(to_address).collect::<Result<_, _>>()?;
        Ok((addresses, count))
    }

    async fn retrieve_address(
        &self,
        customer_id: &CustomerId,
        id: &AddressId,
    ) -> Result<Address, CustomerError> {
        let row = repo::find_address(&self.db, customer_id.as_str(), id.as_str())
            .await?
            .ok_or_else(|| CustomerError::AddressNotFound(id.to_string()))?;
        to_address(row)
    }

    async fn create_address(
        &self,
        customer_id: &CustomerId,
        input: AddressInput,
    ) -> Result<Address, CustomerError> {
        let now = self.clock.now();
        let mut row = address::Model {
            id: AddressId::new().to_string(),
            customer_id: customer_id.to_string(),
            address_name: None,
            is_default_shipping: false,
            is_default_billing: false,
            company: None,
            first_name: None,
            last_name: None,
            address_1: None,
            address_2: None,
            city: None,
            country_code: None,
            province: None,
            postal_code: None,
            phone: None,
            metadata: None,
            created_at: now,
            updated_at: now,
        };
        apply_address(&mut row, input);
        let tx = medusa_db::begin_write(&self.db).await?;
        if repo::find_customer_locked(&tx, customer_id.as_str())
            .await?
            .is_none()
        {
            return Err(CustomerError::NotFound(customer_id.to_string()));
        }
        self.make_room(&tx, customer_id.as_str(), &row).await?;
        repo::insert_address(&tx, row.clone()).await?;
        tx.commit().await?;
        to_address(row)
    }

    async fn update_address(
        &self,
        customer_id: &CustomerId,
        id: &AddressId,
        input: AddressInput,
    ) -> Result<Address, CustomerError> {
        let tx = medusa_db::begin_write(&self.db).await?;
        if repo::find_customer_locked(&tx, customer_id.as_str())
            .await?
            .is_none()
        {
            return Err(CustomerError::NotFound(customer_id.to_string()));
        }
        let mut row = repo::find_address(&tx, customer_id.as_str(), id.as_str())
            .await?
            .ok_or_else(|| CustomerError::AddressNotFound(id.to_string()))?;
        let (was_shipping, was_billing) = (row.is_default_shipping, row.is_default_billing);
        apply_address(&mut row, input);
        row.updated_at = self.clock.now();
        // Only a flag the address is gaining has to be taken from the others.
        let gaining = address::Model {
            is_default_shipping: row.is_default_shipping && !was_shipping,
            is_default_billing: row.is_default_billing && !was_billing,
            ..row.clone()
        };
        self.make_room(&tx, customer_id.as_str(), &gaining).await?;
        repo::update_address(&tx, row.clone()).await?;
        tx.commit().await?;
        to_address(row)
    }

    async fn delete_address(
        &self,
        customer_id: &CustomerId,
        id: &AddressId,
    ) -> Result<(), CustomerError> {
        let tx = medusa_db::begin_write(&self.db).await?;
        if repo::find_address(&tx, customer_id.as_str(), id.as_str())
            .await?
            .is_none()
        {
            return Err(CustomerError::AddressNotFound(id.to_string()));
        }
        repo::delete_address(&tx, id.as_str()).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn list_groups(
        &self,
        filter: &GroupFilter,
        page: &ListParams,
    ) -> Result<(Vec<CustomerGroup>, u64), CustomerError> {
        let (rows, count) = repo::list_groups(&self.db, filter, page).await?;
        let groups = rows.into_iter().map(to_group).collect::<Result<_, _>>()?;
        Ok((groups, count))
    }

    async fn retrieve_group(&self, id: &CustomerGroupId) -> Result<CustomerGroup, CustomerError> {
        let row = repo::find_groups(&self.db, &[id.to_string()])
            .await?
            .pop()
            .ok_or_else(|| CustomerError::GroupNotFound(id.to_string()))?;
        to_group(row)
    }

    async fn create_group(&self, input: CreateGroup) -> Result<CustomerGroup, CustomerError> {
        let now = self.clock.now();
        let row = group::Model {
            id: CustomerGroupId::new().to_string(),
            name: input.name,
            metadata: input.metadata,
            created_by: input.created_by,
            created_at: now,
            updated_at: now,
            deleted_at: None,
        };
        match repo::insert_group(&self.db, row.clone()).await {
            Ok(()) => to_group(row),
            Err(e) if is_unique_violation(&e) => Err(CustomerError::GroupNameTaken(row.name)),
            Err(e) => Err(e.into()),
        }
    }

    async fn update_group(
        &self,
        id: &CustomerGroupId,
        input: UpdateGroup,
    ) -> Result<CustomerGroup, CustomerError> {
        let not_found = || CustomerError::GroupNotFound(id.to_string());
        let mut row = repo::find_groups(&self.db, &[id.to_string()])
            .await?
            .pop()
            .ok_or_else(not_found)?;
        set(&mut row.name, input.name);
        set(&mut row.metadata, input.metadata);
        row.updated_at = self.clock.now();
        match repo::update_group(&self.db, row.clone()).await {
            Ok(true) => to_group(row),
            Ok(false) => Err(not_found()),
            Err(e) if is_unique_violation(&e) => Err(CustomerError::GroupNameTaken(row.name)),
            Err(e) => Err(e.into()),
        }
    }

    async fn delete_group(&self, id: &CustomerGroupId) -> Result<(), CustomerError> {
        let tx = medusa_db::begin_write(&self.db).await?;
        if repo::soft_delete_group(&tx, id.as_str(), self.clock.now()).await? {
            repo::delete_links_of_group(&tx, id.as_str()).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn group_customers(
        &self,
        group_ids: &[CustomerGroupId],
    ) -> Result<HashMap<String, Vec<Customer>>, CustomerError> {
        let ids: Vec<String> = group_ids.iter().map(|g| g.to_string()).collect();
        let links = repo::links_of_groups(&self.db, &ids).await?;
        let customer_ids = distinct(&links.iter().map(|(c, _)| c.clone()).collect::<Vec<_>>());
        let customers: HashMap<String, Customer> = repo::find_customers(&self.db, &customer_ids)
            .await?
            .into_iter()
            .map(|c| Ok((c.id.clone(), to_customer(c)?)))
            .collect::<Result<_, CustomerError>>()?;
        let mut out: HashMap<String, Vec<Customer>> = HashMap::new();
        for (c, g) in links {
            if let Some(customer) = customers.get(&c) {
                out.entry(g).or_default().push(customer.clone());
            }
        }
        Ok(out)
    }

    async fn set_customer_groups(
        &self,
        customer_id: &CustomerId,
        add: &[String],
        remove: &[String],
        created_by: Option<&str>,
    ) -> Result<(), CustomerError> {
        let tx = medusa_db::begin_write(&self.db).await?;
        if repo::find_customer_locked(&tx, customer_id.as_str())
            .await?
            .is_none()
        {
            return Err(CustomerError::NotFound(customer_id.to_string()));
        }
        let wanted = distinct(&[add, remove].concat());
        let found: HashSet<String> = repo::find_groups(&tx, &wanted)
            .await?
            .into_iter()
            .map(|g| g.id)
            .collect();
        if let Some(missing) = wanted.iter().find(|g| !found.contains(*g)) {
            return Err(CustomerError::GroupNotFound(missing.clone()));
        }
        let pair = |g: &String| (customer_id.to_string(), g.clone());
        repo::remove_links(&tx, &remove.iter().map(pair).collect::<Vec<_>>()).await?;
        let adds: Vec<_> = distinct(add).iter().map(pair).collect();
        repo::add_links(&tx, &adds, created_by, self.clock.now()).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn set_group_customers(
        &self,
        group_id: &CustomerGroupId,
        add: &[String],
        remove: &[String],
        created_by: Option<&str>,
    ) -> Result<(), CustomerError> {
        let tx = medusa_db::begin_write(&self.db).await?;
        if repo::find_groups(&tx, &[group_id.to_string()])
            .await?
            .is_empty()
        {
            return Err(CustomerError::GroupNotFound(group_id.to_string()));
        }
        let wanted = distinct(&[add, remove].concat());
        let found: HashSet<String> = repo::find_customers(&tx, &wanted)
            .await?
            .into_iter()
            .map(|c| c.id)
            .collect();
        if let Some(missing) = wanted.iter().find(|c| !found.contains(*c)) {
            return Err(CustomerError::NotFound(missing.clone()));
        }
        let pair = |c: &String| (c.clone(), group_id.to_string());
        repo::remove_links(&tx, &remove.iter().map(pair).collect::<Vec<_>>()).await?;
        let adds: Vec<_> = distinct(add).iter().map(pair).collect();
        repo::add_links(&tx, &adds, created_by, self.clock.now()).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn group_ids(
        &self,
        customer_id: &CustomerId,
    ) -> Result<Vec<CustomerGroupId>, CustomerError> {
        let links = repo::links_of_customers(&self.db, &[customer_id.to_string()]).await?;
        let ids: Vec<String> = links.into_iter().map(|(_, g)| g).collect();
        repo::find_groups(&self.db, &ids)
            .await?
            .into_iter()
            .map(|g| CustomerGroupId::parse(&g.id).map_err(|_| corrupt("group id", &g.id)))
            .collect()
    }
}
