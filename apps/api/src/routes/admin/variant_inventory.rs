//! `/admin/products/:id/variants/:variant_id/inventory-items`: links a variant to an inventory
//! item with a `required_quantity`, as Medusa's dashboard does for inventory kits (bundles): a
//! bundle variant linked to the item of another variant sells from the same stock, taking
//! `required_quantity` units per unit sold. Answers `{variant}`, as Medusa does.

use actix_web::{HttpResponse, delete, post, web};
use medusa_core::Error;
use medusa_inventory::{InventoryItemId, InventoryService};
use serde::Deserialize;
use serde_json::Value;
use utoipa::{OpenApi, ToSchema};

use crate::error::ApiResult;
use crate::extract::StrictJson;
use crate::response;
use crate::state::State;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(create).service(update).service(remove);
}

#[derive(OpenApi)]
#[openapi(
    paths(create, update, remove),
    components(schemas(CreateVariantInventoryItemBody, UpdateVariantInventoryItemBody))
)]
pub struct Api;

/// `POST /admin/products/:id/variants/:variant_id/inventory-items`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateVariantInventoryItemBody {
    pub inventory_item_id: String,
    /// Units of the item one unit of the variant takes (at least 1).
    pub required_quantity: i64,
}

/// `POST /admin/products/:id/variants/:variant_id/inventory-items/:inventory_item_id`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateVariantInventoryItemBody {
    pub required_quantity: i64,
}

/// The variant as the product renders it; 404 when the product has no such variant.
async fn variant_of(state: &State, product_id: &str, variant_id: &str) -> ApiResult<Value> {
    let product = super::products::render_one(state, product_id, None).await?;
    product["variants"]
        .as_array()
        .and_then(|vs| vs.iter().find(|v| v["id"] == variant_id))
        .cloned()
        .ok_or_else(|| {
            Error::not_found(format!("Variant with id: {variant_id} was not found")).into()
        })
}

fn item_id(id: &str) -> ApiResult<InventoryItemId> {
    InventoryItemId::parse(id)
        .map_err(|_| Error::not_found(format!("Inventory item with id: {id} was not found")).into())
}

async fn link(
    state: &State,
    product_id: &str,
    variant_id: &str,
    inventory_item_id: &str,
    required_quantity: i64,
) -> ApiResult<HttpResponse> {
    // The variant must belong to the product before anything is linked.
    variant_of(state, product_id, variant_id).await?;
    let item = item_id(inventory_item_id)?;
    state
        .registry
        .get::<dyn InventoryService>()
        .map_err(Error::internal)?
        .link_variant(variant_id, &item, required_quantity)
        .await?;
    Ok(response::one(
        "variant",
        variant_of(state, product_id, variant_id).await?,
    ))
}

/// Link an inventory item to a variant (an inventory kit when the item is shared).
#[utoipa::path(post, path = "/admin/products/{id}/variants/{variant_id}/inventory-items", tag = "Admin",
    request_body = CreateVariantInventoryItemBody,
    params(("id" = String, Path, description = "Product id"), ("variant_id" = String, Path, description = "Variant id")),
    security(("secret_key" = [])),
    responses((status = 200, description = "`{variant}`", body = Object),
        (status = 400, description = "Invalid", body = crate::openapi::ErrorBody),
        (status = 404, description = "Not found", body = crate::openapi::ErrorBody)))]
#[post("/products/{id}/variants/{variant_id}/inventory-items")]
pub async fn create(
    path: web::Path<(String, String)>,
    state: State,
    body: StrictJson<CreateVariantInventoryItemBody>,
) -> ApiResult<HttpResponse> {
    let (product_id, variant_id) = path.into_inner();
    let b = body.0;
    link(
        &state,
        &product_id,
        &variant_id,
        &b.inventory_item_id,
        b.required_quantity,
    )
    .await
}

/// Change how many units of the item one unit of the variant takes.
#[utoipa::path(post, path = "/admin/products/{id}/variants/{variant_id}/inventory-items/{inventory_item_id}", tag = "Admin",
    request_body = UpdateVariantInventoryItemBody,
    params(("id" = String, Path, description = "Product id"), ("variant_id" = String, Path, description = "Variant id"),
        ("inventory_item_id" = String, Path, description = "Inventory item id")),
    security(("secret_key" = [])),
    responses((status = 200, description = "`{variant}`", body = Object),
        (status = 404, description = "Not found", body = crate::openapi::ErrorBody)))]
#[post("/products/{id}/variants/{variant_id}/inventory-items/{inventory_item_id}")]
pub async fn update(
    path: web::Path<(String, String, String)>,
    state: State,
    body: StrictJson<UpdateVariantInventoryItemBody>,
) -> ApiResult<HttpResponse> {
    let (product_id, variant_id, inventory_item_id) = path.into_inner();
    link(
        &state,
        &product_id,
        &variant_id,
        &inventory_item_id,
        body.0.required_quantity,
    )
    .await
}

/// Unlink an inventory item from a variant; answers Medusa's deletion body with the variant.
#[utoipa::path(delete, path = "/admin/products/{id}/variants/{variant_id}/inventory-items/{inventory_item_id}", tag = "Admin",
    params(("id" = String, Path, description = "Product id"), ("variant_id" = String, Path, description = "Variant id"),
        ("inventory_item_id" = String, Path, description = "Inventory item id")),
    security(("secret_key" = [])),
    responses((status = 200, description = "deleted", body = Object),
        (status = 404, description = "Not found", body = crate::openapi::ErrorBody)))]
#[delete("/products/{id}/variants/{variant_id}/inventory-items/{inventory_item_id}")]
pub async fn remove(
    path: web::Path<(String, String, String)>,
    state: State,
) -> ApiResult<HttpResponse> {
    let (product_id, variant_id, inventory_item_id) = path.into_inner();
    variant_of(&state, &product_id, &variant_id).await?;
    let item = item_id(&inventory_item_id)?;
    state
        .registry
        .get::<dyn InventoryService>()
        .map_err(Error::internal)?
        .unlink_variant(&variant_id, &item)
        .await?;
    let parent = variant_of(&state, &product_id, &variant_id).await?;
    Ok(response::deleted(
        &format!("{variant_id}-{inventory_item_id}"),
        "variant-inventory-item-link",
        Some(("variant", parent)),
    ))
}
