//! The module registry: built once at start-up, it holds each module's service behind its
//! trait and knows every module's migrations in order.
//!
//! A module is a crate that implements [`Module`]; the composition root (the api crate's
//! `modules()`) lists them, one line each. Modules never import each other: flows that span
//! modules fetch the services they need from the registry.

use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::sync::Arc;

use sea_orm_migration::MigrationTrait;
use sea_orm_migration::sea_orm::DatabaseConnection;

use crate::clock::Clock;
use crate::config::Config;

/// What a module gets to build its service.
#[derive(Clone)]
pub struct ModuleContext {
    pub db: DatabaseConnection,
    pub config: Arc<Config>,
    pub clock: Arc<dyn Clock>,
}

/// A Medusa module: a name, its migrations (oldest first) and how to register its service.
pub trait Module: Send + Sync {
    /// Medusa's module name (`api_key`, `product`, ...); also the prefix of its migrations.
    fn name(&self) -> &'static str;
    fn migrations(&self) -> Vec<Box<dyn MigrationTrait>>;
    fn register(&self, ctx: &ModuleContext, registry: &mut Registry);
}

/// Services by trait type. `get::<dyn ApiKeyService>()` returns the `Arc<dyn ApiKeyService>`
/// that a module registered.
#[derive(Default)]
pub struct Registry {
    services: HashMap<TypeId, Box<dyn Any + Send + Sync>>,
    modules: Vec<&'static str>,
}

/// A service was asked for that no module registered: a wiring bug, found at start-up.
#[derive(Debug, thiserror::Error)]
#[error("no module registered a service of type {0}")]
pub struct MissingService(&'static str);

impl Registry {
    /// Builds every module's service, in order.
    pub fn build(ctx: &ModuleContext, modules: &[Box<dyn Module>]) -> Registry {
        let mut r = Registry::default();
        for m in modules {
            m.register(ctx, &mut r);
            r.modules.push(m.name());
        }
        r
    }

    pub fn insert<S: ?Sized + Send + Sync + 'static>(&mut self, service: Arc<S>) {
        self.services
            .insert(TypeId::of::<Arc<S>>(), Box::new(service));
    }

    pub fn get<S: ?Sized + Send + Sync + 'static>(&self) -> Result<Arc<S>, MissingService> {
        self.services
            .get(&TypeId::of::<Arc<S>>())
            .and_then(|b| b.downcast_ref::<Arc<S>>())
            .cloned()
            .ok_or(MissingService(std::any::type_name::<S>()))
    }

    /// Module names in registration order.
    pub fn modules(&self) -> &[&'static str] {
        &self.modules
    }
}

/// Every module's migrations, module by module in the given order, each module's oldest first.
pub fn migrations(modules: &[Box<dyn Module>]) -> Vec<Box<dyn MigrationTrait>> {
    modules.iter().flat_map(|m| m.migrations()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    trait Greeter: Send + Sync {
        fn greet(&self) -> String;
    }
    struct English;
    impl Greeter for English {
        fn greet(&self) -> String {
            "hello".into()
        }
    }

    #[test]
    fn services_are_found_by_trait() {
        let mut r = Registry::default();
        r.insert::<dyn Greeter>(Arc::new(English));
        assert_eq!(r.get::<dyn Greeter>().unwrap().greet(), "hello");
        trait Other: Send + Sync {}
        assert!(r.get::<dyn Other>().is_err());
    }
}
