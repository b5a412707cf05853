//! The demo store (`cargo xtask seed`, and the embedded first run): Medusa's starter seed,
//! grown to a dozen products. Two regions (Europe in EUR: gb, de, dk, se, fr, es, it; United
//! States in USD: us), a sales channel with a publishable key, a stock location serving both
//! regions with stock for every variant, categories, collections, and products with options,
//! variants and prices in both currencies.

use std::collections::BTreeMap;
use std::sync::Arc;

use anyhow::Context;
use medusa_api_key::{ApiKeyService, ApiKeyType};
use medusa_core::money::{Amount, CurrencyCode};
use medusa_core::registry::Registry;
use medusa_inventory::InventoryService;
use medusa_pricing::{PriceInput, PricingService};
use medusa_product::{
    NewCategory, NewProduct, NewVariant, Page, ProductFilter, ProductService, ProductStatus,
};
use medusa_region::{CreateRegion, RegionService};
use medusa_sales_channel::{CreateSalesChannel, SalesChannelService};
use medusa_stock_location::{StockLocationAddressInput, StockLocationService};
use rust_decimal::Decimal;

mod fulfillment;
mod tax;

/// What the seed created (or found), for printing.
#[derive(Debug, Clone)]
pub struct Seeded {
    pub publishable_key: String,
    pub created: bool,
    pub products: usize,
}

fn svc<T: ?Sized + Send + Sync + 'static>(r: &Registry) -> anyhow::Result<Arc<T>> {
    Ok(r.get::<T>()?)
}

fn price(amount: i64, currency: &str) -> anyhow::Result<PriceInput> {
    Ok(PriceInput {
        amount: Amount::new(Decimal::from(amount)),
        currency_code: CurrencyCode::parse(currency)?,
        min_quantity: None,
        max_quantity: None,
        rules: BTreeMap::new(),
    })
}

/// Whether the database already holds a catalog (then seeding is skipped).
pub async fn is_seeded(registry: &Registry) -> anyhow::Result<bool> {
    let products = svc::<dyn ProductService>(registry)?;
    let page = Page {
        limit: 1,
        offset: 0,
        order: None,
    };
    Ok(products
        .list_products(&ProductFilter::default(), &page)
        .await?
        .1
        > 0)
}

struct DemoProduct {
    title: &'static str,
    description: &'static str,
    category: usize,
    collection: Option<usize>,
    colors: &'static [&'static str],
    sizes: &'static [&'static str],
    eur: i64,
    usd: i64,
    image: &'static str,
}

const IMG: &str = "https://medusa-public-images.s3.eu-west-1.amazonaws.com";

const PRODUCTS: &[DemoProduct] = &[
    DemoProduct {
        title: "Medusa T-Shirt",
        description: "Reimagine the feeling of a classic T-shirt.",
        category: 0,
        collection: Some(0),
        colors: &["Black", "White"],
        sizes: &["S", "M", "L", "XL"],
        eur: 10,
        usd: 15,
        image: "tee-black-front.png",
    },
    DemoProduct {
        title: "Medusa Sweatshirt",
        description: "Reimagine the feeling of a classic sweatshirt.",
        category: 1,
        collection: Some(0),
        colors: &[],
        sizes: &["S", "M", "L", "XL"],
        eur: 10,
        usd: 15,
        image: "sweatshirt-vintage-front.png",
    },
    DemoProduct {
        title: "Medusa Sweatpants",
        description: "Reimagine the feeling of classic sweatpants.",
        category: 2,
        collection: Some(1),
        colors: &[],
        sizes: &["S", "M", "L", "XL"],
        eur: 10,
        usd: 15,
        image: "sweatpants-gray-front.png",
    },
    DemoProduct {
        title: "Medusa Shorts",
        description: "Reimagine the feeling of classic shorts.",
        category: 3,
        collection: Some(1),
        colors: &[],
        sizes: &["S", "M", "L", "XL"],
        eur: 10,
        usd: 15,
        image: "shorts-vintage-front.png",
    },
    DemoProduct {
        title: "Medusa Hoodie",
        description: "A heavyweight hoodie for cold days.",
        category: 1,
        collection: Some(0),
        colors: &["Black", "Gray"],
        sizes: &["S", "M", "L"],
        eur: 45,
        usd: 50,
        image: "sweatshirt-vintage-front.png",
    },
    DemoProduct {
        title: "Medusa Long Sleeve",
        description: "A long-sleeved tee in soft cotton.",
        category: 0,
        collection: None,
        colors: &["White"],
        sizes: &["S", "M", "L"],
        eur: 25,
        usd: 30,
        image: "tee-white-front.png",
    },
    DemoProduct {
        title: "Medusa Joggers",
        description: "Tapered joggers with a drawstring waist.",
        category: 2,
        collection: Some(1),
        colors: &["Gray"],
        sizes: &["S", "M", "L"],
        eur: 35,
        usd: 40,
        image: "sweatpants-gray-front.png",
    },
    DemoProduct {
        title: "Medusa Cargo Pants",
        description: "Utility pants with six pockets.",
        category: 2,
        collection: None,
        colors: &["Olive", "Black"],
        sizes: &["M", "L"],
        eur: 55,
        usd: 60,
        image: "sweatpants-gray-front.png",
    },
    DemoProduct {
        title: "Medusa Coffee Mug",
        description: "A sturdy mug for the morning build.",
        category: 3,
        collection: Some(0),
        colors: &[],
        sizes: &["One Size"],
        eur: 12,
        usd: 14,
        image: "coffee-mug.png",
    },
    DemoProduct {
        title: "Medusa Tote Bag",
        description: "Canvas tote for everyday carry.",
        category: 3,
        collection: None,
        colors: &["Natural"],
        sizes: &["One Size"],
        eur: 18,
        usd: 20,
        image: "tote-bag.png",
    },
    DemoProduct {
        title: "Medusa Cap",
        description: "A six-panel cap with an embroidered logo.",
        category: 3,
        collection: Some(1),
        colors: &["Black", "White"],
        sizes: &["One Size"],
        eur: 20,
        usd: 22,
        image: "cap.png",
    },
    DemoProduct {
        title: "Medusa Polo",
        description: "A pique polo with a tidy collar.",
        category: 0,
        collection: Some(0),
        colors: &["Navy"],
        sizes: &["S", "M", "L", "XL"],
        eur: 30,
        usd: 35,
        image: "tee-black-front.png",
    },
];

/// Stock given to every seeded variant.
pub const SEED_STOCK: i64 = 1_000;

/// Seeds the demo store unless a catalog exists. Returns the publishable key either way (an
/// existing database's first live publishable key).
pub async fn seed(registry: &Registry) -> anyhow::Result<Seeded> {
    let keys = svc::<dyn ApiKeyService>(registry)?;
    if is_seeded(registry).await? {
        let filter = medusa_api_key::ApiKeyFilter {
            key_type: Some(ApiKeyType::Publishable),
            ..Default::default()
        };
        let page = medusa_core::request::ListParams {
            limit: 100,
            offset: 0,
            order: None,
            fields: None,
            with_deleted: false,
        };
        let key = keys
            .list(&filter, &page)
            .await?
            .0
            .into_iter()
            .find(|k| k.revoked_at.is_none())
            .map(|k| k.token)
            .unwrap_or_default();
        return Ok(Seeded {
            publishable_key: key,
            created: false,
            products: 0,
        });
    }
    let channels = svc::<dyn SalesChannelService>(registry)?;
    let regions = svc::<dyn RegionService>(registry)?;
    let locations = svc::<dyn StockLocationService>(registry)?;
    let inventory = svc::<dyn InventoryService>(registry)?;
    let catalog = svc::<dyn ProductService>(registry)?;
    let pricing = svc::<dyn PricingService>(registry)?;
    // Every configured payment provider (`pp_system_default`, and `pp_stripe_stripe` when
    // `STRIPE_API_KEY` is set) is offered in the demo regions.
    let payment_providers: Vec<medusa_region::PaymentProviderId> =
        svc::<dyn medusa_payment::PaymentService>(registry)?
            .provider_ids()
            .iter()
            .filter_map(|p| medusa_region::PaymentProviderId::parse(p))
            .collect();

    let channel = channels
        .create(CreateSalesChannel {
            name: "Default Sales Channel".into(),
            description: Some("Created by the demo seed".into()),
            is_disabled: None,
            metadata: None,
        })
        .await?;
    let key = keys
        .create("Webshop", ApiKeyType::Publishable, "seed")
        .await?;
    keys.add_sales_channels(&key.id, std::slice::from_ref(&channel.id))
        .await?;

    for (name, currency, countries) in [
        (
            "Europe",
            "eur",
            &["gb", "de", "dk", "se", "fr", "es", "it"][..],
        ),
        ("United States", "usd", &["us"][..]),
    ] {
        regions
            .create(CreateRegion {
                name: name.into(),
                currency_code: CurrencyCode::parse(currency)?,
                automatic_taxes: Some(true),
                countries: countries.iter().map(|c| (*c).to_owned()).collect(),
                payment_providers: Some(payment_providers.clone()),
                metadata: None,
            })
            .await
            .with_context(|| format!("region {name}"))?;
    }

    let location = locations
        .create(
            "European Warehouse",
            Some(StockLocationAddressInput {
                address_1: "Nørregade 1".into(),
                address_2: None,
                company: None,
                city: Some("Copenhagen".into()),
                country_code: "dk".into(),
                province: None,
                postal_code: Some("1165".into()),
                phone: None,
                metadata: None,
            }),
        )
        .await?;
    locations
        .link_sales_channels(&location.id, std::slice::from_ref(&channel.id))
        .await?;

    let mut categories = Vec::new();
    for (rank, name) in ["Shirts", "Sweatshirts", "Pants", "Merch"]
        .iter()
        .enumerate()
    {
        categories.push(
            catalog
                .create_category(NewCategory {
                    name: (*name).into(),
                    description: Some(String::new()),
                    handle: None,
                    is_active: true,
                    is_internal: false,
                    rank: Some(i32::try_from(rank)?),
                    parent_category_id: None,
                    metadata: None,
                })
                .await?,
        );
    }
    let collections = [
        catalog
            .create_collection("Latest Drops", None, None)
            .await?,
        catalog.create_collection("Essentials", None, None).await?,
    ];

    let mut product_ids = Vec::new();
    for p in PRODUCTS {
        let mut options = vec![(
            "Size".to_owned(),
            p.sizes.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>(),
        )];
        if !p.colors.is_empty() {
            options.push((
                "Color".to_owned(),
                p.colors.iter().map(|c| (*c).to_owned()).collect(),
            ));
        }
        let colors: Vec<Option<&str>> = if p.colors.is_empty() {
            vec![None]
        } else {
            p.colors.iter().map(|c| Some(*c)).collect()
        };
        let handle = medusa_product::to_handle(p.title);
        let mut variants = Vec::new();
        for color in &colors {
            for size in p.sizes {
                let mut opts = vec![("Size".to_owned(), (*size).to_owned())];
                let title = match color {
                    Some(c) => {
                        opts.push(("Color".to_owned(), (*c).to_owned()));
                        format!("{size} / {c}")
                    }
                    None => (*size).to_owned(),
                };
                let sku = format!(
                    "{}-{}{}",
                    handle.to_uppercase(),
                    size.to_uppercase().replace(' ', ""),
                    color
                        .map(|c| format!("-{}", c.to_uppercase()))
                        .unwrap_or_default()
                );
                variants.push(NewVariant {
                    title,
                    sku: Some(sku),
                    manage_inventory: true,
                    allow_backorder: false,
                    options: opts,
                    ..Default::default()
                });
            }
        }
        let (product, created_variants) = catalog
            .create_product(NewProduct {
                title: p.title.into(),
                description: Some(p.description.into()),
                handle: Some(handle.clone()),
                status: Some(ProductStatus::Published),
                discountable: true,
                weight: Some(400.0),
                collection_id: p.collection.map(|i| collections[i].id.clone()),
                options,
                variants,
                images: vec![format!("{IMG}/{}", p.image)],
                category_ids: vec![categories[p.category].id.clone()],
                sales_channel_ids: vec![channel.id.to_string()],
                ..Default::default()
            })
            .await
            .with_context(|| format!("product {}", p.title))?;
        for v in created_variants {
            pricing
                .set_variant_prices(&v.id, vec![price(p.eur, "eur")?, price(p.usd, "usd")?])
                .await?;
            let item = crate::catalog::create_variant_inventory(inventory.as_ref(), &v).await?;
            inventory
                .set_level(&item, location.id.as_str(), SEED_STOCK)
                .await?;
        }
        tracing::debug!(product = %product.id, "seeded");
        product_ids.push(product.id.clone());
    }
    fulfillment::seed(registry, &channel, &location, &product_ids).await?;
    tax::seed(registry).await?;
    Ok(Seeded {
        publishable_key: key.token,
        created: true,
        products: PRODUCTS.len(),
    })
}
