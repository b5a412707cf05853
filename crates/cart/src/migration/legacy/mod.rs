//! The per-table layout carts had before `cart_0003` (a table per child: addresses, line items,
//! shipping methods, tax lines, adjustments, credit lines). Only that migration reads and
//! writes it: up to move existing carts into documents, down to move them back.

pub mod address;
pub mod adjustment;
pub mod credit_line;
pub mod line_item;
pub mod shipping_method;
pub mod tax_line;

use std::collections::HashMap;
use std::str::FromStr;

use medusa_core::CurrencyCode;
use medusa_core::id::LineItemId;
use medusa_core::money::{Amount, MinorUnits};
use rust_decimal::Decimal;
use sea_orm::ActiveValue::Set;
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder};

use crate::model::*;

fn minor(amount: &Amount, currency: &CurrencyCode) -> Result<i64, DbErr> {
    amount
        .to_minor(currency)
        .map(|m| m.0)
        .map_err(|e| DbErr::Custom(e.to_string()))
}

fn amount(minor: i64, currency: &CurrencyCode) -> Amount {
    MinorUnits(minor).to_amount(currency)
}

/// Fills `cart`'s children from the per-table layout.
pub async fn load_children<C: ConnectionTrait>(
    db: &C,
    cart: &mut Cart,
    shipping_address_id: &Option<String>,
    billing_address_id: &Option<String>,
) -> Result<(), DbErr> {
    let currency = cart.currency_code.clone();
    let cart_id = cart.id.as_str().to_owned();
    let addresses = address::Entity::find()
        .filter(address::Column::CartId.eq(cart_id.clone()))
        .all(db)
        .await?;
    let items = line_item::Entity::find()
        .filter(line_item::Column::CartId.eq(cart_id.clone()))
        .order_by_asc(line_item::Column::Rank)
        .order_by_asc(line_item::Column::Id)
        .all(db)
        .await?;
    let methods = shipping_method::Entity::find()
        .filter(shipping_method::Column::CartId.eq(cart_id.clone()))
        .order_by_asc(shipping_method::Column::Id)
        .all(db)
        .await?;
    let taxes = tax_line::Entity::find()
        .filter(tax_line::Column::CartId.eq(cart_id.clone()))
        .order_by_asc(tax_line::Column::Id)
        .all(db)
        .await?;
    let adjustments = adjustment::Entity::find()
        .filter(adjustment::Column::CartId.eq(cart_id.clone()))
        .order_by_asc(adjustment::Column::Id)
        .all(db)
        .await?;
    let credits = credit_line::Entity::find()
        .filter(credit_line::Column::CartId.eq(cart_id))
        .order_by_asc(credit_line::Column::Id)
        .all(db)
        .await?;

    let mut tax_by_owner: HashMap<String, Vec<TaxLine>> = HashMap::new();
    for t in taxes {
        tax_by_owner
            .entry(t.owner_id.clone())
            .or_default()
            .push(to_tax_line(t));
    }
    let mut adj_by_owner: HashMap<String, Vec<Adjustment>> = HashMap::new();
    for a in adjustments {
        adj_by_owner
            .entry(a.owner_id.clone())
            .or_default()
            .push(to_adjustment(a, &currency));
    }
    let addresses: HashMap<String, Address> = addresses
        .into_iter()
        .map(|a| (a.id.clone(), to_address(a)))
        .collect();
    // One address may serve as both shipping and billing address.
    let address = |id: &Option<String>| id.as_ref().and_then(|id| addresses.get(id)).cloned();
    cart.shipping_address = address(shipping_address_id);
    cart.billing_address = address(billing_address_id);

    cart.items = items
        .into_iter()
        .map(|i| {
            let tax_lines = tax_by_owner.remove(&i.id).unwrap_or_default();
            let adjustments = adj_by_owner.remove(&i.id).unwrap_or_default();
            to_item(i, &currency, tax_lines, adjustments)
        })
        .collect();
    cart.shipping_methods = methods
        .into_iter()
        .map(|m| {
            let tax_lines = tax_by_owner.remove(&m.id).unwrap_or_default();
            let adjustments = adj_by_owner.remove(&m.id).unwrap_or_default();
            ShippingMethod {
                id: ShippingMethodId::parse(&m.id).unwrap_or_else(|_| ShippingMethodId::new()),
                name: m.name,
                description: m.description,
                amount: amount(m.amount, &currency),
                is_tax_inclusive: m.is_tax_inclusive,
                shipping_option_id: m.shipping_option_id,
                data: m.data,
                metadata: m.metadata,
                tax_lines,
                adjustments,
                created_at: m.created_at,
                updated_at: m.updated_at,
            }
        })
        .collect();
    cart.credit_lines = credits
        .into_iter()
        .map(|c| CreditLine {
            id: CreditLineId::parse(&c.id).unwrap_or_else(|_| CreditLineId::new()),
            reference: c.reference,
            reference_id: c.reference_id,
            amount: amount(c.amount, &currency),
            metadata: c.metadata,
            created_at: c.created_at,
            updated_at: c.updated_at,
        })
        .collect();
    Ok(())
}

fn to_address(a: address::Model) -> Address {
    Address {
        id: CartAddressId::parse(&a.id).unwrap_or_else(|_| CartAddressId::new()),
        fields: AddressFields {
            customer_id: a.customer_id,
            company: a.company,
            first_name: a.first_name,
            last_name: a.last_name,
            address_1: a.address_1,
            address_2: a.address_2,
            city: a.city,
            country_code: a.country_code,
            province: a.province,
            postal_code: a.postal_code,
            phone: a.phone,
            metadata: a.metadata,
        },
        created_at: a.created_at,
        updated_at: a.updated_at,
    }
}

fn to_tax_line(t: tax_line::Model) -> TaxLine {
    TaxLine {
        // Stored rates were written from a Decimal; a corrupt one reads as 0 rather than failing
        // every request for the cart.
        rate: Decimal::from_str(&t.rate).unwrap_or_default(),
        id: t.id,
        description: t.description,
        code: t.code,
        provider_id: t.provider_id,
        tax_rate_id: t.tax_rate_id,
        metadata: t.metadata,
        created_at: t.created_at,
        updated_at: t.updated_at,
    }
}

fn to_adjustment(a: adjustment::Model, currency: &CurrencyCode) -> Adjustment {
    Adjustment {
        id: a.id,
        code: a.code,
        description: a.description,
        amount: amount(a.amount, currency),
        is_tax_inclusive: a.is_tax_inclusive,
        promotion_id: a.promotion_id,
        provider_id: a.provider_id,
        metadata: a.metadata,
        created_at: a.created_at,
        updated_at: a.updated_at,
    }
}

fn to_item(
    i: line_item::Model,
    currency: &CurrencyCode,
    tax_lines: Vec<TaxLine>,
    adjustments: Vec<Adjustment>,
) -> LineItem {
    LineItem {
        id: LineItemId::parse(&i.id).unwrap_or_else(|_| LineItemId::new()),
        title: i.title,
        subtitle: i.subtitle,
        thumbnail: i.thumbnail,
        quantity: i.quantity,
        variant_id: i.variant_id,
        product_id: i.product_id,
        product_title: i.product_title,
        product_description: i.product_description,
        product_subtitle: i.product_subtitle,
        product_type: i.product_type,
        product_type_id: i.product_type_id,
        product_collection: i.product_collection,
        product_handle: i.product_handle,
        variant_sku: i.variant_sku,
        variant_barcode: i.variant_barcode,
        variant_title: i.variant_title,
        variant_option_values: i.variant_option_values,
        requires_shipping: i.requires_shipping,
        is_discountable: i.is_discountable,
        is_giftcard: i.is_giftcard,
        is_tax_inclusive: i.is_tax_inclusive,
        is_custom_price: i.is_custom_price,
        compare_at_unit_price: i.compare_at_unit_price.map(|m| amount(m, currency)),
        unit_price: amount(i.unit_price, currency),
        metadata: i.metadata,
        tax_lines,
        adjustments,
        created_at: i.created_at,
        updated_at: i.updated_at,
    }
}

/// Writes `c`'s children into the per-table layout.
pub async fn insert_children<C: ConnectionTrait>(db: &C, c: &Cart) -> Result<(), DbErr> {
    let cur = &c.currency_code;
    let id = c.id.as_str().to_owned();
    let addresses: Vec<address::ActiveModel> = [&c.shipping_address, &c.billing_address]
        .into_iter()
        .flatten()
        // The same address may serve as both; store it once.
        .fold(Vec::<&Address>::new(), |mut acc, a| {
            if !acc.iter().any(|b| b.id == a.id) {
                acc.push(a);
            }
            acc
        })
        .into_iter()
        .map(|a| address::ActiveModel {
            id: Set(a.id.as_str().to_owned()),
            cart_id: Set(id.clone()),
            customer_id: Set(a.fields.customer_id.clone()),
            company: Set(a.fields.company.clone()),
            first_name: Set(a.fields.first_name.clone()),
            last_name: Set(a.fields.last_name.clone()),
            address_1: Set(a.fields.address_1.clone()),
            address_2: Set(a.fields.address_2.clone()),
            city: Set(a.fields.city.clone()),
            country_code: Set(a.fields.country_code.clone()),
            province: Set(a.fields.province.clone()),
            postal_code: Set(a.fields.postal_code.clone()),
            phone: Set(a.fields.phone.clone()),
            metadata: Set(a.fields.metadata.clone()),
            created_at: Set(a.created_at),
            updated_at: Set(a.updated_at),
            deleted_at: Set(None),
        })
        .collect();
    if !addresses.is_empty() {
        address::Entity::insert_many(addresses)
            .exec_without_returning(db)
            .await?;
    }

    let mut items = Vec::with_capacity(c.items.len());
    let mut taxes = Vec::new();
    let mut adjustments = Vec::new();
    for (rank, i) in c.items.iter().enumerate() {
        items.push(line_item::ActiveModel {
            id: Set(i.id.as_str().to_owned()),
            cart_id: Set(id.clone()),
            title: Set(i.title.clone()),
            subtitle: Set(i.subtitle.clone()),
            thumbnail: Set(i.thumbnail.clone()),
            quantity: Set(i.quantity),
            variant_id: Set(i.variant_id.clone()),
            product_id: Set(i.product_id.clone()),
            product_title: Set(i.product_title.clone()),
            product_description: Set(i.product_description.clone()),
            product_subtitle: Set(i.product_subtitle.clone()),
            product_type: Set(i.product_type.clone()),
            product_type_id: Set(i.product_type_id.clone()),
            product_collection: Set(i.product_collection.clone()),
            product_handle: Set(i.product_handle.clone()),
            variant_sku: Set(i.variant_sku.clone()),
            variant_barcode: Set(i.variant_barcode.clone()),
            variant_title: Set(i.variant_title.clone()),
            variant_option_values: Set(i.variant_option_values.clone()),
            requires_shipping: Set(i.requires_shipping),
            is_discountable: Set(i.is_discountable),
            is_giftcard: Set(i.is_giftcard),
            is_tax_inclusive: Set(i.is_tax_inclusive),
            is_custom_price: Set(i.is_custom_price),
            compare_at_unit_price: Set(i
                .compare_at_unit_price
                .as_ref()
                .map(|a| minor(a, cur))
                .transpose()?),
            unit_price: Set(minor(&i.unit_price, cur)?),
            metadata: Set(i.metadata.clone()),
            rank: Set(i32::try_from(rank).unwrap_or(i32::MAX)),
            created_at: Set(i.created_at),
            updated_at: Set(i.updated_at),
            deleted_at: Set(None),
        });
        for t in &i.tax_lines {
            taxes.push(tax_row(&id, i.id.as_str(), t));
        }
        for a in &i.adjustments {
            adjustments.push(adjustment_row(&id, i.id.as_str(), a, cur)?);
        }
    }
    let mut methods = Vec::with_capacity(c.shipping_methods.len());
    for m in &c.shipping_methods {
        methods.push(shipping_method::ActiveModel {
            id: Set(m.id.as_str().to_owned()),
            cart_id: Set(id.clone()),
            name: Set(m.name.clone()),
            description: Set(m.description.clone()),
            amount: Set(minor(&m.amount, cur)?),
            is_tax_inclusive: Set(m.is_tax_inclusive),
            shipping_option_id: Set(m.shipping_option_id.clone()),
            data: Set(m.data.clone()),
            metadata: Set(m.metadata.clone()),
            created_at: Set(m.created_at),
            updated_at: Set(m.updated_at),
            deleted_at: Set(None),
        });
        for t in &m.tax_lines {
            taxes.push(tax_row(&id, m.id.as_str(), t));
        }
        for a in &m.adjustments {
            adjustments.push(adjustment_row(&id, m.id.as_str(), a, cur)?);
        }
    }
    let mut credits = Vec::with_capacity(c.credit_lines.len());
    for l in &c.credit_lines {
        credits.push(credit_line::ActiveModel {
            id: Set(l.id.as_str().to_owned()),
            cart_id: Set(id.clone()),
            reference: Set(l.reference.clone()),
            reference_id: Set(l.reference_id.clone()),
            amount: Set(minor(&l.amount, cur)?),
            metadata: Set(l.metadata.clone()),
            created_at: Set(l.created_at),
            updated_at: Set(l.updated_at),
            deleted_at: Set(None),
        });
    }
    if !items.is_empty() {
        line_item::Entity::insert_many(items)
            .exec_without_returning(db)
            .await?;
    }
    if !methods.is_empty() {
        shipping_method::Entity::insert_many(methods)
            .exec_without_returning(db)
            .await?;
    }
    if !taxes.is_empty() {
        tax_line::Entity::insert_many(taxes)
            .exec_without_returning(db)
            .await?;
    }
    if !adjustments.is_empty() {
        adjustment::Entity::insert_many(adjustments)
            .exec_without_returning(db)
            .await?;
    }
    if !credits.is_empty() {
        credit_line::Entity::insert_many(credits)
            .exec_without_returning(db)
            .await?;
    }
    Ok(())
}

fn tax_row(cart_id: &str, owner: &str, t: &TaxLine) -> tax_line::ActiveModel {
    tax_line::ActiveModel {
        id: Set(t.id.clone()),
        cart_id: Set(cart_id.to_owned()),
        owner_id: Set(owner.to_owned()),
        description: Set(t.description.clone()),
        code: Set(t.code.clone()),
        rate: Set(t.rate.normalize().to_string()),
        provider_id: Set(t.provider_id.clone()),
        tax_rate_id: Set(t.tax_rate_id.clone()),
        metadata: Set(t.metadata.clone()),
        created_at: Set(t.created_at),
        updated_at: Set(t.updated_at),
        deleted_at: Set(None),
    }
}

fn adjustment_row(
    cart_id: &str,
    owner: &str,
    a: &Adjustment,
    cur: &CurrencyCode,
) -> Result<adjustment::ActiveModel, DbErr> {
    Ok(adjustment::ActiveModel {
        id: Set(a.id.clone()),
        cart_id: Set(cart_id.to_owned()),
        owner_id: Set(owner.to_owned()),
        code: Set(a.code.clone()),
        description: Set(a.description.clone()),
        amount: Set(minor(&a.amount, cur)?),
        is_tax_inclusive: Set(a.is_tax_inclusive),
        promotion_id: Set(a.promotion_id.clone()),
        provider_id: Set(a.provider_id.clone()),
        metadata: Set(a.metadata.clone()),
        created_at: Set(a.created_at),
        updated_at: Set(a.updated_at),
        deleted_at: Set(None),
    })
}
