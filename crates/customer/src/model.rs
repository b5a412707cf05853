use chrono::{DateTime, Utc};
use medusa_core::id::CustomerId;
use medusa_core::request::Comparison;
use serde_json::Value;

medusa_core::define_id!(AddressId, "cuaddr");
medusa_core::define_id!(CustomerGroupId, "cusgroup");

/// A customer: a shopper known by email, with an account (`has_account`, registered through
/// an auth identity) or without (a guest who checked out, or one created by an admin).
#[derive(Debug, Clone, PartialEq)]
pub struct Customer {
    pub id: CustomerId,
    pub email: Option<String>,
    pub company_name: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub phone: Option<String>,
    pub has_account: bool,
    pub metadata: Option<Value>,
    /// The admin user who created the customer, if one did.
    pub created_by: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub deleted_at: Option<DateTime<Utc>>,
}

/// One of a customer's saved addresses. At most one per customer is the default shipping
/// address and at most one the default billing address.
#[derive(Debug, Clone, PartialEq)]
pub struct Address {
    pub id: AddressId,
    pub customer_id: CustomerId,
    pub address_name: Option<String>,
    pub is_default_shipping: bool,
    pub is_default_billing: bool,
    pub company: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub address_1: Option<String>,
    pub address_2: Option<String>,
    pub city: Option<String>,
    /// Stored lower-case; not checked against the country table (Medusa does not check it).
    pub country_code: Option<String>,
    pub province: Option<String>,
    pub postal_code: Option<String>,
    pub phone: Option<String>,
    pub metadata: Option<Value>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct CustomerGroup {
    pub id: CustomerGroupId,
    pub name: String,
    pub metadata: Option<Value>,
    pub created_by: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub deleted_at: Option<DateTime<Utc>>,
}

/// A customer with its addresses (oldest first) and groups.
#[derive(Debug, Clone, PartialEq)]
pub struct CustomerDetails {
    pub customer: Customer,
    pub addresses: Vec<Address>,
    pub groups: Vec<CustomerGroup>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct CreateCustomer {
    pub email: Option<String>,
    pub company_name: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub phone: Option<String>,
    pub metadata: Option<Value>,
    pub has_account: bool,
    pub created_by: Option<String>,
}

/// `None` leaves a field alone; `Some(None)` clears it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct UpdateCustomer {
    pub email: Option<Option<String>>,
    pub company_name: Option<Option<String>>,
    pub first_name: Option<Option<String>>,
    pub last_name: Option<Option<String>>,
    pub phone: Option<Option<String>>,
    pub metadata: Option<Option<Value>>,
}

/// An address to create, or the changes to one. `None` leaves a field alone (on create: empty);
/// `Some(None)` clears it. Setting a default flag takes it from the customer's other addresses,
/// as Medusa's address workflows do.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AddressInput {
    pub address_name: Option<Option<String>>,
    pub is_default_shipping: Option<bool>,
    pub is_default_billing: Option<bool>,
    pub company: Option<Option<String>>,
    pub first_name: Option<Option<String>>,
    pub last_name: Option<Option<String>>,
    pub address_1: Option<Option<String>>,
    pub address_2: Option<Option<String>>,
    pub city: Option<Option<String>>,
    pub country_code: Option<Option<String>>,
    pub province: Option<Option<String>>,
    pub postal_code: Option<Option<String>>,
    pub phone: Option<Option<String>>,
    pub metadata: Option<Option<Value>>,
}

/// Filters of the customer list (Medusa's `AdminCustomersParams`). Lists match any of their
/// values; an empty list matches nothing.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CustomerFilter {
    pub ids: Option<Vec<String>>,
    /// Case-insensitive search in email, names, company and phone.
    pub q: Option<String>,
    pub emails: Option<Vec<String>>,
    pub first_names: Option<Vec<String>>,
    pub last_names: Option<Vec<String>>,
    pub company_names: Option<Vec<String>>,
    pub created_by: Option<Vec<String>>,
    pub has_account: Option<bool>,
    /// Customers in any of these groups.
    pub group_ids: Option<Vec<String>>,
    pub created_at: Option<Comparison<DateTime<Utc>>>,
    pub updated_at: Option<Comparison<DateTime<Utc>>>,
    pub deleted_at: Option<Comparison<DateTime<Utc>>>,
    pub with_deleted: bool,
}

/// Filters of a customer's address list.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AddressFilter {
    /// Case-insensitive search in the text columns.
    pub q: Option<String>,
    pub company: Option<Vec<String>>,
    pub city: Option<Vec<String>>,
    pub country_code: Option<Vec<String>>,
    pub province: Option<Vec<String>>,
    pub postal_code: Option<Vec<String>>,
}

/// Filters of the group list (Medusa's `AdminGetCustomerGroupsParams`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct GroupFilter {
    pub ids: Option<Vec<String>>,
    /// Case-insensitive search in the name.
    pub q: Option<String>,
    pub names: Option<Vec<String>>,
    pub created_by: Option<Vec<String>>,
    /// Groups with any of these customers.
    pub customer_ids: Option<Vec<String>>,
    pub created_at: Option<Comparison<DateTime<Utc>>>,
    pub updated_at: Option<Comparison<DateTime<Utc>>>,
    pub deleted_at: Option<Comparison<DateTime<Utc>>>,
    pub with_deleted: bool,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct CreateGroup {
    pub name: String,
    pub metadata: Option<Value>,
    pub created_by: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct UpdateGroup {
    pub name: Option<String>,
    pub metadata: Option<Option<Value>>,
}
