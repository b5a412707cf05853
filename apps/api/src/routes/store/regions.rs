//! `GET /store/regions` and `GET /store/regions/:id`, plus the region wire types the admin
//! routes share.
//!
//! The responses are Medusa's key for key (`../shared/medusa-golden/03-list-regions.json`,
//! `04-get-region.json`); `fields` projects them.

use actix_web::{HttpRequest, HttpResponse, get, web};
use medusa_core::Error;
use medusa_core::fields::{FieldSpec, Shape};
use medusa_core::id::RegionId;
use medusa_core::request::{
    ListConfig, RetrieveParams, one_or_many, parse_list_query, parse_query,
};
use medusa_core::time::to_js as timestamp;
use medusa_region::{Country, RegionDetails, RegionFilter, RegionService};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::{IntoParams, OpenApi, ToSchema};

use crate::error::ApiResult;
use crate::response;
use crate::state::State;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(list).service(retrieve);
}

#[derive(OpenApi)]
#[openapi(
    paths(list, retrieve),
    components(schemas(
        RegionBody,
        CountryBody,
        PaymentProviderBody,
        StoreRegionList,
        StoreRegionOne
    ))
)]
pub struct Api;

/// Medusa's `defaultStoreRegionFields`.
const DEFAULT_FIELDS: &[&str] = &[
    "id",
    "name",
    "currency_code",
    "created_at",
    "updated_at",
    "deleted_at",
    "metadata",
    "*countries",
];

/// Medusa's `StoreGetRegionsParams` default page (the recorded response says 50).
const LIST: ListConfig = ListConfig {
    default_limit: 50,
    orderable: ORDERABLE,
};

/// The columns a region list can be sorted by.
pub(crate) const ORDERABLE: &[&str] = &[
    "id",
    "name",
    "currency_code",
    "automatic_taxes",
    "created_at",
    "updated_at",
];

/// Which keys of a region are relations.
pub(crate) static REGION_SHAPE: Shape = Shape {
    relations: &[
        ("countries", &Shape::LEAF),
        ("payment_providers", &Shape::LEAF),
    ],
};

/// A country of a region.
#[derive(Debug, Serialize, ToSchema)]
pub struct CountryBody {
    /// Lower-case ISO 3166-1 alpha-2 code (`dk`).
    pub iso_2: String,
    pub iso_3: String,
    /// ISO numeric code, as a string (`"208"`).
    pub num_code: String,
    /// Upper-case name (`DENMARK`).
    pub name: String,
    pub display_name: String,
    pub region_id: Option<String>,
    pub metadata: Option<Value>,
    pub created_at: String,
    pub updated_at: String,
    pub deleted_at: Option<String>,
}

/// A payment provider linked to a region.
#[derive(Debug, Serialize, ToSchema)]
pub struct PaymentProviderBody {
    /// `pp_system_default`, `pp_stripe_stripe`, ...
    pub id: String,
    pub is_enabled: bool,
}

/// A region with every column and relation; responses project it onto `fields`.
#[derive(Debug, Serialize, ToSchema)]
pub struct RegionBody {
    pub id: String,
    pub name: String,
    /// Lower-case ISO 4217 code.
    pub currency_code: String,
    pub automatic_taxes: bool,
    pub metadata: Option<Value>,
    pub created_at: String,
    pub updated_at: String,
    pub deleted_at: Option<String>,
    pub countries: Vec<CountryBody>,
    pub payment_providers: Vec<PaymentProviderBody>,
}

fn country_body(c: Country) -> CountryBody {
    CountryBody {
        iso_2: c.iso_2,
        iso_3: c.iso_3,
        num_code: c.num_code,
        name: c.name,
        display_name: c.display_name,
        region_id: c.region_id.map(String::from),
        metadata: c.metadata,
        created_at: timestamp(&c.created_at),
        updated_at: timestamp(&c.updated_at),
        deleted_at: c.deleted_at.as_ref().map(timestamp),
    }
}

pub(crate) fn region_body(d: RegionDetails) -> RegionBody {
    let r = d.region;
    RegionBody {
        id: r.id.into_string(),
        name: r.name,
        currency_code: r.currency_code.to_string(),
        automatic_taxes: r.automatic_taxes,
        metadata: r.metadata,
        created_at: timestamp(&r.created_at),
        updated_at: timestamp(&r.updated_at),
        deleted_at: r.deleted_at.as_ref().map(timestamp),
        countries: d.countries.into_iter().map(country_body).collect(),
        payment_providers: d
            .payment_providers
            .into_iter()
            .map(|p| PaymentProviderBody {
                id: p.to_string(),
                is_enabled: true,
            })
            .collect(),
    }
}

/// Regions as JSON, projected onto `fields` over `defaults`.
pub(crate) fn render(
    regions: Vec<RegionDetails>,
    fields: Option<&str>,
    defaults: &[&str],
) -> ApiResult<Vec<Value>> {
    let selection = FieldSpec::parse(fields, defaults).selection();
    regions
        .into_iter()
        .map(|d| {
            let mut v = serde_json::to_value(region_body(d)).map_err(Error::internal)?;
            selection.project(&mut v, &REGION_SHAPE);
            Ok(v)
        })
        .collect()
}

/// Ids from a filter; a malformed id matches nothing (so an empty list matches nothing).
pub(crate) fn region_ids(ids: Option<Vec<String>>) -> Option<Vec<RegionId>> {
    ids.map(|ids| ids.iter().filter_map(|i| RegionId::parse(i).ok()).collect())
}

/// `GET /store/regions` filters (Medusa's `StoreGetRegionsParams`).
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StoreRegionQuery {
    /// Case-insensitive search in the name and currency code.
    pub q: Option<String>,
    /// One id or several (`id[0]=..&id[1]=..`).
    #[serde(default, deserialize_with = "one_or_many")]
    #[param(value_type = Option<Vec<String>>)]
    pub id: Option<Vec<String>>,
    #[serde(default, deserialize_with = "one_or_many")]
    #[param(value_type = Option<Vec<String>>)]
    pub currency_code: Option<Vec<String>>,
    #[serde(default, deserialize_with = "one_or_many")]
    #[param(value_type = Option<Vec<String>>)]
    pub name: Option<Vec<String>>,
    /// Page size (default 50, at most 1000).
    pub limit: Option<u32>,
    pub offset: Option<u32>,
    /// `created_at` or `-created_at` (descending); also `name`, `currency_code`, ...
    pub order: Option<String>,
    /// Medusa's field selection (`id,name`, `+automatic_taxes`, `*payment_providers`).
    pub fields: Option<String>,
}

/// `{regions, count, offset, limit}`.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct StoreRegionList {
    regions: Vec<RegionBody>,
    count: u64,
    offset: u32,
    limit: u32,
}

/// `{region}`.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct StoreRegionOne {
    region: RegionBody,
}

/// `fields` of a retrieve route.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FieldsQuery {
    /// Medusa's field selection.
    pub fields: Option<String>,
}

/// List regions.
#[utoipa::path(
    get,
    path = "/store/regions",
    tag = "Store",
    params(StoreRegionQuery),
    security(("publishable_key" = [])),
    responses(
        (status = 200, description = "A page of regions", body = StoreRegionList),
        (status = 400, description = "Unknown or invalid query parameters", body = crate::openapi::ErrorBody)
    )
)]
#[get("/regions")]
pub async fn list(req: HttpRequest, state: State) -> ApiResult<HttpResponse> {
    let (params, q): (_, StoreRegionQuery) = parse_list_query(req.query_string(), &LIST)?;
    if params.with_deleted {
        // Medusa's store validator does not know the key; deleted regions stay private.
        return Err(
            Error::invalid_data("Invalid request: Unrecognized fields: 'with_deleted'").into(),
        );
    }
    let filter = RegionFilter {
        ids: region_ids(q.id),
        q: q.q,
        currency_codes: q.currency_code,
        names: q.name,
        ..Default::default()
    };
    let service = state
        .registry
        .get::<dyn RegionService>()
        .map_err(Error::internal)?;
    let (regions, count) = service.list(&filter, &params).await?;
    let regions = service.with_relations(regions).await?;
    let items = render(regions, params.fields.as_deref(), DEFAULT_FIELDS)?;
    Ok(response::list("regions", items, count, &params))
}

/// A region.
#[utoipa::path(
    get,
    path = "/store/regions/{id}",
    tag = "Store",
    params(("id" = String, Path, description = "Region id (`reg_...`)"), FieldsQuery),
    security(("publishable_key" = [])),
    responses(
        (status = 200, description = "The region", body = StoreRegionOne),
        (status = 404, description = "No such region", body = crate::openapi::ErrorBody)
    )
)]
#[get("/regions/{id}")]
pub async fn retrieve(
    req: HttpRequest,
    path: web::Path<String>,
    state: State,
) -> ApiResult<HttpResponse> {
    let q: RetrieveParams = parse_query(req.query_string())?;
    let raw = path.into_inner();
    let not_found = || Error::not_found(format!("Region with id: {raw} was not found"));
    let id = RegionId::parse(&raw).map_err(|_| not_found())?;
    let service = state
        .registry
        .get::<dyn RegionService>()
        .map_err(Error::internal)?;
    let region = service.lookup(&[id]).await?.pop().ok_or_else(not_found)?;
    let mut items = render(vec![region], q.fields.as_deref(), DEFAULT_FIELDS)?;
    Ok(response::one("region", items.pop().unwrap_or(Value::Null)))
}
