//! A cart as Medusa's store API returns it (amounts as numbers, without the `raw_*` siblings
//! orders carry): the cart's columns, its totals, and the relations
//! the request's `fields` ask for (region, customer, products and variants of its items),
//! loaded only when asked and projected onto `fields`.

use std::collections::HashMap;

use medusa_cart::{Address, Adjustment, Cart, TaxLine};
use medusa_core::Error;
use medusa_core::fields::{FieldSpec, Selection, Shape};
use medusa_product::{ProductService, Want};
use serde_json::{Map, Value, json};

use crate::error::ApiResult;
use crate::state::State;

const LEAF: Shape = Shape::LEAF;
const PRODUCT: Shape = Shape {
    relations: &[
        ("categories", &LEAF),
        ("tags", &LEAF),
        ("type", &LEAF),
        ("collection", &LEAF),
        ("images", &LEAF),
        ("options", &LEAF),
        ("variants", &LEAF),
    ],
};
const VARIANT: Shape = Shape {
    relations: &[("options", &LEAF), ("images", &LEAF), ("product", &LEAF)],
};
const ITEM: Shape = Shape {
    relations: &[
        ("tax_lines", &LEAF),
        ("adjustments", &LEAF),
        ("product", &PRODUCT),
        ("variant", &VARIANT),
    ],
};
const METHOD: Shape = Shape {
    relations: &[("tax_lines", &LEAF), ("adjustments", &LEAF)],
};
const REGION: Shape = Shape {
    relations: &[("countries", &LEAF)],
};
const CUSTOMER: Shape = Shape {
    relations: &[("groups", &LEAF)],
};
const PAYMENT_SESSION: Shape = Shape {
    relations: &[("payment", &LEAF)],
};
const PAYMENT_COLLECTION: Shape = Shape {
    relations: &[("payment_sessions", &PAYMENT_SESSION), ("payments", &LEAF)],
};
pub const CART: Shape = Shape {
    relations: &[
        ("items", &ITEM),
        ("shipping_methods", &METHOD),
        ("shipping_address", &LEAF),
        ("billing_address", &LEAF),
        ("credit_lines", &LEAF),
        ("region", &REGION),
        ("customer", &CUSTOMER),
        ("promotions", &LEAF),
        ("payment_collection", &PAYMENT_COLLECTION),
    ],
};

const TOTALS: &[&str] = &[
    "total",
    "subtotal",
    "tax_total",
    "discount_total",
    "discount_subtotal",
    "discount_tax_total",
    "original_total",
    "original_tax_total",
    "item_total",
    "item_subtotal",
    "item_tax_total",
    "item_discount_total",
    "original_item_total",
    "original_item_subtotal",
    "original_item_tax_total",
    "shipping_total",
    "shipping_subtotal",
    "shipping_tax_total",
    "shipping_discount_total",
    "original_shipping_tax_total",
    "original_shipping_subtotal",
    "original_shipping_total",
    "credit_line_subtotal",
    "credit_line_tax_total",
    "credit_line_total",
];

/// The store's default cart fields: what Medusa 2.21 returns without `fields` (the recorded
/// responses in `medusa-golden/10..14`).
pub fn default_fields() -> Vec<&'static str> {
    let mut f = vec![
        "id",
        "currency_code",
        "email",
        "locale",
        "region_id",
        "created_at",
        "updated_at",
        "completed_at",
        "metadata",
        "sales_channel_id",
        "shipping_address_id",
        "billing_address_id",
        "customer_id",
    ];
    f.extend_from_slice(TOTALS);
    f.extend_from_slice(&[
        "items.id",
        "items.thumbnail",
        "items.variant_id",
        "items.product_id",
        "items.is_giftcard",
        "items.product_type_id",
        "items.product_title",
        "items.product_description",
        "items.product_subtitle",
        "items.product_type",
        "items.product_collection",
        "items.product_handle",
        "items.variant_sku",
        "items.variant_barcode",
        "items.variant_title",
        "items.requires_shipping",
        "items.metadata",
        "items.created_at",
        "items.updated_at",
        "items.title",
        "items.quantity",
        "items.unit_price",
        "items.compare_at_unit_price",
        "items.is_tax_inclusive",
        "items.tax_lines.id",
        "items.tax_lines.description",
        "items.tax_lines.code",
        "items.tax_lines.rate",
        "items.tax_lines.provider_id",
        "items.tax_lines.data",
        "items.tax_lines.metadata",
        "items.adjustments.id",
        "items.adjustments.code",
        "items.adjustments.promotion_id",
        "items.adjustments.amount",
        "items.product.id",
        "items.product.collection_id",
        "items.product.type_id",
        "items.product.categories.id",
        "items.product.tags.id",
        "shipping_methods.id",
        "shipping_methods.amount",
        "shipping_methods.is_tax_inclusive",
        "shipping_methods.shipping_option_id",
        "shipping_methods.tax_lines.id",
        "shipping_methods.tax_lines.description",
        "shipping_methods.tax_lines.code",
        "shipping_methods.tax_lines.rate",
        "shipping_methods.tax_lines.provider_id",
        "shipping_methods.tax_lines.data",
        "shipping_methods.tax_lines.metadata",
        "shipping_methods.adjustments.id",
        "shipping_methods.adjustments.code",
        "shipping_methods.adjustments.amount",
        "shipping_address.id",
        "shipping_address.first_name",
        "shipping_address.last_name",
        "shipping_address.company",
        "shipping_address.address_1",
        "shipping_address.address_2",
        "shipping_address.city",
        "shipping_address.postal_code",
        "shipping_address.country_code",
        "shipping_address.province",
        "shipping_address.phone",
        "billing_address.id",
        "billing_address.first_name",
        "billing_address.last_name",
        "billing_address.company",
        "billing_address.address_1",
        "billing_address.address_2",
        "billing_address.city",
        "billing_address.postal_code",
        "billing_address.country_code",
        "billing_address.province",
        "billing_address.phone",
        "*credit_lines",
        "customer.id",
        "customer.email",
        "customer.groups.id",
        "region.id",
        "region.name",
        "region.currency_code",
        "region.automatic_taxes",
        "*region.countries",
        "*promotions",
        // Medusa 2.21 shows the whole collection (golden 18).
        "*payment_collection",
        "*payment_collection.payment_sessions",
        "payment_collection.payment_sessions.payment.id",
    ]);
    f
}

fn ts(t: &chrono::DateTime<chrono::Utc>) -> Value {
    Value::String(medusa_core::time::to_js(t))
}

/// The region with its countries, as the store's region routes render it.
async fn region_json(state: &State, id: &str) -> ApiResult<Option<Value>> {
    Ok(match super::region_details(state, id).await? {
        Some(d) => Some(
            serde_json::to_value(crate::routes::store::regions::region_body(d))
                .map_err(Error::internal)?,
        ),
        None => None,
    })
}

fn address_json(a: &Address) -> Value {
    let f = &a.fields;
    json!({
        "id": a.id.as_str(),
        "customer_id": f.customer_id,
        "company": f.company,
        "first_name": f.first_name,
        "last_name": f.last_name,
        "address_1": f.address_1,
        "address_2": f.address_2,
        "city": f.city,
        "country_code": f.country_code,
        "province": f.province,
        "postal_code": f.postal_code,
        "phone": f.phone,
        "metadata": f.metadata,
        "created_at": ts(&a.created_at),
        "updated_at": ts(&a.updated_at),
        "deleted_at": null,
    })
}

fn tax_line_json(t: &TaxLine, owner: (&str, &str)) -> Value {
    let mut j = json!({
        "id": t.id,
        "description": t.description,
        "code": t.code,
        "rate": medusa_core::money::Amount::new(t.rate),
        "provider_id": t.provider_id,
        "tax_rate_id": t.tax_rate_id,
        "data": null,
        "metadata": t.metadata,
        "created_at": ts(&t.created_at),
        "updated_at": ts(&t.updated_at),
        "deleted_at": null,
    });
    j[owner.0] = json!(owner.1);
    j
}

fn adjustment_json(a: &Adjustment, owner: (&str, &str)) -> Value {
    let mut j = json!({
        "id": a.id,
        "code": a.code,
        "description": a.description,
        "amount": a.amount,
        "is_tax_inclusive": a.is_tax_inclusive,
        "promotion_id": a.promotion_id,
        "provider_id": a.provider_id,
        "metadata": a.metadata,
        "created_at": ts(&a.created_at),
        "updated_at": ts(&a.updated_at),
        "deleted_at": null,
    });
    j[owner.0] = json!(owner.1);
    j
}

/// The cart's payment collection: read by the rendering, or already known to the caller.
pub enum Collection {
    Load,
    /// `None`: the cart has none.
    Known(Option<Box<medusa_payment::PaymentCollection>>),
}

/// Related records the projection may need, loaded only when `fields` asks for them.
#[derive(Default)]
struct Related {
    products: HashMap<String, Value>,
    variants: HashMap<String, Value>,
    region: Option<Value>,
    customer: Option<Value>,
    payment_collection: Option<Value>,
}

async fn related(
    state: &State,
    cart: &Cart,
    spec: &FieldSpec,
    selection: &Selection,
    collection: Collection,
) -> ApiResult<Related> {
    let mut out = Related::default();
    let catalog = state
        .registry
        .get::<dyn ProductService>()
        .map_err(Error::internal)?;
    if spec.requests("items.product") {
        let ids: Vec<String> =
            crate::cart::unique(cart.items.iter().filter_map(|i| i.product_id.clone()));
        if !ids.is_empty() {
            let want = Want {
                categories: spec.requests("items.product.categories"),
                tags: spec.requests("items.product.tags"),
                product_type: spec.requests("items.product.type"),
                collection: spec.requests("items.product.collection"),
                images: spec.requests("items.product.images"),
                ..Default::default()
            };
            let v = super::catalog::versions(state).await?;
            let products = super::catalog::products_json(state, v, &ids, want).await?;
            // Each item gets its own copy: copy only what the response keeps of a product.
            let picked = selection
                .relation("items")
                .and_then(|items| items.relation("product"));
            out.products = products
                .into_iter()
                .map(|(id, p)| {
                    let p = match picked {
                        Some(sel) => sel.pick(&p, &PRODUCT),
                        None => Value::clone(&p),
                    };
                    (id, p)
                })
                .collect();
        }
    }
    if spec.requests("items.variant") {
        let ids: Vec<String> =
            crate::cart::unique(cart.items.iter().filter_map(|i| i.variant_id.clone()));
        if !ids.is_empty() {
            let variants = catalog.variants_by_id(&ids).await?;
            let options = if spec.requests("items.variant.options") {
                catalog.variant_options(&ids).await?
            } else {
                HashMap::new()
            };
            for v in variants {
                let mut j = serde_json::to_value(&v).map_err(Error::internal)?;
                if spec.requests("items.variant.options") {
                    j["options"] = crate::catalog::variant_options_json(options.get(&v.id));
                }
                out.variants.insert(v.id.clone(), j);
            }
        }
    }
    if spec.requests("region")
        && let Some(id) = &cart.region_id
    {
        out.region = region_json(state, id).await?;
    }
    if spec.requests("customer")
        && let Some(id) = &cart.customer_id
    {
        out.customer = super::customer::customer_json(state, id).await?;
    }
    if spec.requests("payment_collection") {
        out.payment_collection = match collection {
            Collection::Load => crate::payment::collection_json(state, cart.id.as_str()).await?,
            Collection::Known(c) => c.as_deref().map(crate::payment::payment_collection_json),
        };
    }
    Ok(out)
}

/// The cart's JSON before projection: every column, totals, and the relations loaded.
pub async fn cart_json(state: &State, cart: &Cart, fields: Option<&str>) -> ApiResult<Value> {
    cart_json_with(state, cart, fields, Collection::Load).await
}

/// [`cart_json`] with the payment collection the caller may already hold.
pub async fn cart_json_with(
    state: &State,
    cart: &Cart,
    fields: Option<&str>,
    collection: Collection,
) -> ApiResult<Value> {
    // Most requests (the starter's cart changes) send no `fields`: parse the defaults once.
    static DEFAULT: std::sync::OnceLock<(FieldSpec, Selection)> = std::sync::OnceLock::new();
    let custom;
    let (spec, selection) = match fields {
        None => DEFAULT.get_or_init(|| {
            let spec = FieldSpec::parse(None, &default_fields());
            let selection = spec.selection();
            (spec, selection)
        }),
        Some(_) => {
            let spec = FieldSpec::parse(fields, &default_fields());
            let selection = spec.selection();
            custom = (spec, selection);
            &custom
        }
    };
    let rel = related(state, cart, spec, selection, collection).await?;
    let totals = super::totals::compute(cart)?;

    let items: Vec<Value> = cart
        .items
        .iter()
        .zip(totals.items)
        .map(|(i, t)| {
            let owner = ("item_id", i.id.as_str());
            let mut j = json!({
                "id": i.id.as_str(),
                "cart_id": cart.id.as_str(),
                "title": i.title,
                "subtitle": i.subtitle,
                "thumbnail": i.thumbnail,
                "quantity": i.quantity,
                "variant_id": i.variant_id,
                "product_id": i.product_id,
                "product_title": i.product_title,
                "product_description": i.product_description,
                "product_subtitle": i.product_subtitle,
                "product_type": i.product_type,
                "product_type_id": i.product_type_id,
                "product_collection": i.product_collection,
                "product_handle": i.product_handle,
                "variant_sku": i.variant_sku,
                "variant_barcode": i.variant_barcode,
                "variant_title": i.variant_title,
                "variant_option_values": i.variant_option_values,
                "requires_shipping": i.requires_shipping,
                "is_discountable": i.is_discountable,
                "is_giftcard": i.is_giftcard,
                "is_tax_inclusive": i.is_tax_inclusive,
                "is_custom_price": i.is_custom_price,
                "compare_at_unit_price": i.compare_at_unit_price,
                "unit_price": i.unit_price,
                "metadata": i.metadata,
                "created_at": ts(&i.created_at),
                "updated_at": ts(&i.updated_at),
                "deleted_at": null,
                "tax_lines": tax_lines_json(&i.tax_lines, owner, &t.tax_lines),
                "adjustments": i.adjustments.iter().map(|a| adjustment_json(a, owner)).collect::<Vec<_>>(),
            });
            if let Some(m) = j.as_object_mut() {
                merge(m, t.totals);
                if let Some(p) = i.product_id.as_ref().and_then(|p| rel.products.get(p)) {
                    m.insert("product".into(), p.clone());
                }
                if let Some(v) = i.variant_id.as_ref().and_then(|v| rel.variants.get(v)) {
                    m.insert("variant".into(), v.clone());
                }
            }
            j
        })
        .collect();
    let methods: Vec<Value> = cart
        .shipping_methods
        .iter()
        .zip(totals.shipping_methods)
        .map(|(s, t)| {
            let owner = ("shipping_method_id", s.id.as_str());
            let mut j = json!({
                "id": s.id.as_str(),
                "cart_id": cart.id.as_str(),
                "name": s.name,
                "description": s.description,
                "amount": s.amount,
                "is_tax_inclusive": s.is_tax_inclusive,
                "shipping_option_id": s.shipping_option_id,
                "data": s.data,
                "metadata": s.metadata,
                "created_at": ts(&s.created_at),
                "updated_at": ts(&s.updated_at),
                "deleted_at": null,
                "tax_lines": tax_lines_json(&s.tax_lines, owner, &t.tax_lines),
                "adjustments": s.adjustments.iter().map(|a| adjustment_json(a, owner)).collect::<Vec<_>>(),
            });
            if let Some(m) = j.as_object_mut() {
                merge(m, t.totals);
            }
            j
        })
        .collect();
    let credit_lines: Vec<Value> = cart
        .credit_lines
        .iter()
        .map(|c| {
            json!({
                "id": c.id.as_str(),
                "cart_id": cart.id.as_str(),
                "reference": c.reference,
                "reference_id": c.reference_id,
                "amount": c.amount,
                "metadata": c.metadata,
                "created_at": ts(&c.created_at),
                "updated_at": ts(&c.updated_at),
                "deleted_at": null,
            })
        })
        .collect();

    let mut j = json!({
        "id": cart.id.as_str(),
        "currency_code": cart.currency_code,
        "email": cart.email,
        "locale": cart.locale,
        "region_id": cart.region_id,
        "customer_id": cart.customer_id,
        "sales_channel_id": cart.sales_channel_id,
        "metadata": cart.metadata,
        "completed_at": cart.completed_at.as_ref().map(ts),
        "created_at": ts(&cart.created_at),
        "updated_at": ts(&cart.updated_at),
        "deleted_at": null,
        "items": items,
        "shipping_methods": methods,
        "credit_lines": credit_lines,
        "promotions": [],
    });
    if let Some(m) = j.as_object_mut() {
        merge(m, totals.cart);
        // Medusa sends the address ids only once an address is set.
        if let Some(a) = &cart.shipping_address {
            m.insert("shipping_address_id".into(), json!(a.id.as_str()));
            m.insert("shipping_address".into(), address_json(a));
        } else {
            m.insert("shipping_address".into(), Value::Null);
        }
        if let Some(a) = &cart.billing_address {
            m.insert("billing_address_id".into(), json!(a.id.as_str()));
            m.insert("billing_address".into(), address_json(a));
        } else {
            m.insert("billing_address".into(), Value::Null);
        }
        if let Some(r) = rel.region {
            m.insert("region".into(), r);
        }
        if let Some(c) = rel.customer {
            m.insert("customer".into(), c);
        }
        // Absent, not null, until the shopper starts paying (golden 10 to 14).
        if let Some(p) = rel.payment_collection {
            m.insert("payment_collection".into(), p);
        }
    }
    selection.project(&mut j, &CART);
    Ok(j)
}

fn merge(into: &mut Map<String, Value>, from: Map<String, Value>) {
    into.extend(from);
}

/// Tax lines with their share of the line's tax (`total`, `subtotal`).
fn tax_lines_json(
    lines: &[TaxLine],
    owner: (&str, &str),
    shares: &[Map<String, Value>],
) -> Vec<Value> {
    lines
        .iter()
        .enumerate()
        .map(|(n, t)| {
            let mut j = tax_line_json(t, owner);
            if let (Some(m), Some(share)) = (j.as_object_mut(), shares.get(n)) {
                m.extend(share.iter().map(|(k, v)| (k.clone(), v.clone())));
            }
            j
        })
        .collect()
}
