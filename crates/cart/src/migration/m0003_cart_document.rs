//! Carts become one row each: everything a cart owns moves into a JSON document in the new
//! `cart.body` column (see `document.rs`), and the six child tables go. Existing carts are
//! converted, not dropped; `down` moves them back.

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use sea_orm_migration::prelude::*;

use medusa_db::schema::name as a;

use super::legacy;
use crate::entity::cart;
use crate::model::Cart;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "cart_0003_cart_document"
    }
}

const CHILD_TABLES: [&str; 6] = [
    "cart_credit_line",
    "cart_adjustment",
    "cart_tax_line",
    "cart_shipping_method",
    "cart_line_item",
    "cart_address",
];

/// The cart ids, in batches (a large store must not be read into memory at once).
const BATCH: u64 = 500;

/// A cart's own columns as a [`Cart`] with no children (`body` is not read).
fn shell(row: &cart::Model) -> Cart {
    let mut c = Cart::new(
        medusa_core::CurrencyCode::parse(&row.currency_code)
            .unwrap_or(medusa_core::CurrencyCode::XXX),
        row.created_at,
    );
    c.id = medusa_core::id::CartId::parse(&row.id).unwrap_or_else(|_| c.id.clone());
    c
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(a("cart"))
                .add_column(
                    ColumnDef::new(a("body"))
                        .text()
                        .not_null()
                        .default(r#"{"format":1}"#),
                )
                .to_owned(),
        )
        .await?;
        let db = m.get_connection();
        let mut after = String::new();
        loop {
            let rows = cart::Entity::find()
                .filter(cart::Column::Id.gt(after.clone()))
                .order_by_asc(cart::Column::Id)
                .limit(BATCH)
                .all(db)
                .await?;
            let Some(last) = rows.last() else { break };
            after = last.id.clone();
            for row in &rows {
                let mut c = shell(row);
                legacy::load_children(
                    db,
                    &mut c,
                    &row.shipping_address_id,
                    &row.billing_address_id,
                )
                .await?;
                let body = crate::repo::body(&c).map_err(|e| DbErr::Custom(e.to_string()))?;
                cart::Entity::update_many()
                    .col_expr(cart::Column::Body, Expr::value(body))
                    .filter(cart::Column::Id.eq(row.id.clone()))
                    .exec(db)
                    .await?;
            }
        }
        for t in CHILD_TABLES {
            m.drop_table(Table::drop().table(a(t)).to_owned()).await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        super::m0001_create_cart::create_children(m).await?;
        let db = m.get_connection();
        let mut after = String::new();
        loop {
            let rows = cart::Entity::find()
                .filter(cart::Column::Id.gt(after.clone()))
                .order_by_asc(cart::Column::Id)
                .limit(BATCH)
                .all(db)
                .await?;
            let Some(last) = rows.last() else { break };
            after = last.id.clone();
            for row in &rows {
                let Some(c) =
                    crate::repo::load_row(row.clone()).map_err(|e| DbErr::Custom(e.to_string()))?
                else {
                    continue;
                };
                legacy::insert_children(db, &c).await?;
            }
        }
        m.alter_table(
            Table::alter()
                .table(a("cart"))
                .drop_column(a("body"))
                .to_owned(),
        )
        .await?;
        Ok(())
    }
}
