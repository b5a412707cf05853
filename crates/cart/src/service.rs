use std::sync::Arc;

use async_trait::async_trait;
use chrono::SubsecRound;
use medusa_core::Clock;
use medusa_core::id::CartId;
use sea_orm::DatabaseConnection;

use crate::error::CartError;
use crate::model::Cart;
use crate::repo;

/// The module's service: carts are loaded and saved whole.
#[async_trait]
pub trait CartService: Send + Sync {
    /// Stores a new cart (built with [`Cart::new`]) and returns it as stored.
    async fn create(&self, cart: Cart) -> Result<Cart, CartError>;
    /// A cart that is not deleted, with its addresses, items, shipping methods, tax lines,
    /// adjustments and credit lines (seven queries whatever its size).
    async fn retrieve(&self, id: &CartId) -> Result<Cart, CartError>;
    /// [`CartService::retrieve`] that also reads `select_items` in the same statement: select-list
    /// items other modules provide (`cart.id` is the cart's id), such as the change counters a
    /// cart change validates cached catalog data with, or the cart's payment collection link.
    /// Returns the raw row for the caller to read them from.
    async fn retrieve_with(
        &self,
        id: &CartId,
        select_items: &str,
    ) -> Result<(Cart, sea_orm::QueryResult), CartError>;
    /// Writes `cart` back in one transaction if nobody saved it since it was loaded; otherwise
    /// [`CartError::Conflict`] and nothing changes. Returns the saved value (version bumped).
    async fn save(&self, cart: Cart) -> Result<Cart, CartError>;
    /// Claims the right to complete the cart for `ttl` (one holder at a time, across
    /// processes: the claim is a row). Returns whether `token` holds it; an expired claim of a
    /// crashed holder is taken over.
    async fn claim_completion(
        &self,
        id: &CartId,
        token: &str,
        ttl: std::time::Duration,
    ) -> Result<bool, CartError>;
    /// Gives the claim back (only if `token` still holds it).
    async fn release_completion(&self, id: &CartId, token: &str) -> Result<(), CartError>;
}

pub struct DbCartService {
    db: DatabaseConnection,
    clock: Arc<dyn Clock>,
}

impl DbCartService {
    pub fn new(db: DatabaseConnection, clock: Arc<dyn Clock>) -> Self {
        DbCartService { db, clock }
    }

    /// Millisecond precision: what the API prints, and what both backends store exactly, so a
    /// returned value equals a reloaded one.
    fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.clock.now().trunc_subsecs(3)
    }
}

#[async_trait]
impl CartService for DbCartService {
    #[tracing::instrument(skip_all, fields(cart = %cart.id))]
    async fn create(&self, mut cart: Cart) -> Result<Cart, CartError> {
        let now = self.now();
        cart.version = 0;
        cart.updated_at = now;
        // One statement: no transaction needed.
        repo::insert(&self.db, &cart, now).await?;
        Ok(cart)
    }

    #[tracing::instrument(skip(self))]
    async fn retrieve(&self, id: &CartId) -> Result<Cart, CartError> {
        // One row holds the whole cart, so one statement sees one state of it.
        let cart = repo::load(&self.db, id).await?;
        cart.ok_or_else(|| CartError::NotFound(id.clone()))
    }

    #[tracing::instrument(skip(self, select_items))]
    async fn retrieve_with(
        &self,
        id: &CartId,
        select_items: &str,
    ) -> Result<(Cart, sea_orm::QueryResult), CartError> {
        repo::load_with(&self.db, id, select_items)
            .await?
            .ok_or_else(|| CartError::NotFound(id.clone()))
    }

    #[tracing::instrument(skip_all, fields(cart = %cart.id, version = cart.version))]
    async fn save(&self, mut cart: Cart) -> Result<Cart, CartError> {
        let now = self.now();
        // One conditional statement: atomic without a transaction.
        if !repo::replace(&self.db, &cart, now).await? {
            return Err(CartError::Conflict(cart.id));
        }
        cart.version += 1;
        cart.updated_at = now;
        Ok(cart)
    }

    #[tracing::instrument(skip(self, token))]
    async fn claim_completion(
        &self,
        id: &CartId,
        token: &str,
        ttl: std::time::Duration,
    ) -> Result<bool, CartError> {
        let now = self.now();
        let ttl = chrono::Duration::from_std(ttl).unwrap_or(chrono::Duration::minutes(2));
        let tx = medusa_db::begin_write(&self.db).await?;
        let held = repo::claim(&tx, id.as_str(), token, now, now + ttl).await?;
        tx.commit().await?;
        Ok(held)
    }

    #[tracing::instrument(skip(self, token))]
    async fn release_completion(&self, id: &CartId, token: &str) -> Result<(), CartError> {
        let tx = medusa_db::begin_write(&self.db).await?;
        repo::release(&tx, id.as_str(), token).await?;
        tx.commit().await?;
        Ok(())
    }
}
