//! Medusa's customer module: customers, their addresses and customer groups.
//!
//! A live customer is unique by `(email, has_account)`: one guest record and one account may
//! share an email, as in Medusa. Each customer has at most one default shipping and one default
//! billing address; giving an address a default flag takes it from the others (partial unique
//! indexes back this up under concurrency). Which auth identity a customer signs in with is
//! recorded by the auth module (`app_metadata.customer_id`), not here.

mod entity;
mod error;
mod migration;
mod model;
mod repo;
mod service;

pub use error::CustomerError;
pub use model::{
    Address, AddressFilter, AddressId, AddressInput, CreateCustomer, CreateGroup, Customer,
    CustomerDetails, CustomerFilter, CustomerGroup, CustomerGroupId, GroupFilter, UpdateCustomer,
    UpdateGroup,
};
pub use service::{CustomerService, DbCustomerService};

use std::sync::Arc;

use medusa_core::registry::{Module, ModuleContext, Registry};

/// Registration of the module with the registry.
pub struct CustomerModule;

impl Module for CustomerModule {
    fn name(&self) -> &'static str {
        "customer"
    }

    fn migrations(&self) -> Vec<Box<dyn sea_orm_migration::MigrationTrait>> {
        migration::all()
    }

    fn register(&self, ctx: &ModuleContext, registry: &mut Registry) {
        registry.insert::<dyn CustomerService>(Arc::new(DbCustomerService::new(
            ctx.db.clone(),
            ctx.clock.clone(),
        )));
    }
}
