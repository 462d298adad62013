//! `/api/v1/...`: one route per service call, JSON in and out, documented by the OpenAPI
//! document generated here from the same types.

use crate::download;
use crate::error::{ApiError, ApiJson, ApiQuery, ErrorBody};
use axum::body::Bytes;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::Json;
use gihi_service::tables::TableRequest;
use gihi_service::types::*;
use gihi_service::RankingFilter;
use gihi_service::{Explorer, WhatIfRequest};
use serde::Deserialize;
use std::collections::HashMap;
use std::sync::Arc;
use utoipa::{IntoParams, OpenApi};

/// The shared, read-only state of the server: the loaded result, and the answers that take
/// no free-text parameter serialised once at start (the data never change while serving).
pub type AppState = Arc<App>;

/// The explorer and its prepared answers.
pub struct App {
    pub explorer: Explorer,
    cache: Cache,
}

/// JSON bodies prepared at start: every unfiltered ranking and continent spread by level,
/// every profile by city id, the meta, city list and modes.
struct Cache {
    meta: Bytes,
    cities: Bytes,
    modes: Option<Bytes>,
    rankings: HashMap<String, Bytes>,
    regions: HashMap<String, Bytes>,
    profiles: HashMap<String, Bytes>,
}

impl App {
    /// Loads the answers to cache (a few hundred kilobytes for 120 cities and 20 levels).
    pub fn new(explorer: Explorer) -> App {
        let meta = explorer.meta();
        let levels: Vec<&str> = meta.levels.iter().map(|l| l.id.as_str()).collect();
        let by_level = |f: &dyn Fn(&str) -> Option<Bytes>| -> HashMap<String, Bytes> {
            levels
                .iter()
                .filter_map(|l| f(l).map(|b| (l.to_string(), b)))
                .collect()
        };
        let rankings = by_level(&|l| {
            explorer
                .ranking(l, &RankingFilter::default())
                .ok()
                .map(|r| json_bytes(&r))
        });
        let regions = by_level(&|l| explorer.regions(l).ok().map(|r| json_bytes(&r)));
        let profiles = explorer
            .standing
            .registry
            .cities
            .iter()
            .filter_map(|c| Some((c.id.clone(), json_bytes(&explorer.profile(&c.id).ok()?))))
            .collect();
        let cache = Cache {
            meta: json_bytes(&meta),
            cities: json_bytes(&explorer.cities(None).unwrap_or_default()),
            modes: explorer.modes().ok().map(|m| json_bytes(&m)),
            rankings,
            regions,
            profiles,
        };
        App { explorer, cache }
    }
}

fn json_bytes<T: serde::Serialize>(v: &T) -> Bytes {
    Bytes::from(serde_json::to_vec(v).expect("service types serialise"))
}

/// A prepared JSON body.
fn cached(body: &Bytes) -> Response {
    ([(header::CONTENT_TYPE, "application/json")], body.clone()).into_response()
}

fn is_unset(x: &Option<String>) -> bool {
    x.as_deref().is_none_or(|s| s.trim().is_empty())
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "GIHI explorer API",
        description = "Read-only API over one GIHI result (the published 2024 edition or a computed run): rankings, city profiles, comparisons, what-if, target, development modes, continents, audit, downloads. Every 4xx carries a JSON error body.",
        version = "1"
    ),
    paths(
        meta,
        cities,
        rankings,
        profile,
        compare,
        whatif,
        target,
        modes,
        regions,
        audit,
        download::download
    ),
    components(schemas(ErrorBody, WhatIfRequest))
)]
pub struct ApiDoc;

/// `GET /api/v1/openapi.json`.
pub async fn openapi() -> Response {
    Json(ApiDoc::openapi()).into_response()
}

/// What is loaded: label, synthetic flag, levels, indicators, weights.
#[utoipa::path(get, path = "/api/v1/meta", responses((status = 200, body = Meta)))]
pub async fn meta(State(a): State<AppState>) -> Response {
    cached(&a.cache.meta)
}

/// Search text.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct SearchQuery {
    /// Text found in the id, English or Chinese name (case-insensitive); at most 100 characters.
    pub search: Option<String>,
}

/// The evaluated cities, optionally those matching a search.
#[utoipa::path(get, path = "/api/v1/cities", params(SearchQuery),
    responses((status = 200, body = Vec<CityInfo>), (status = 400, body = ErrorBody)))]
pub async fn cities(
    State(a): State<AppState>,
    ApiQuery(q): ApiQuery<SearchQuery>,
) -> Result<Response, ApiError> {
    if is_unset(&q.search) {
        return Ok(cached(&a.cache.cities));
    }
    Ok(Json(a.explorer.cities(q.search.as_deref())?).into_response())
}

/// A level and ranking filters.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct RankingQuery {
    /// `composite` (default), `mini`, `A`..`C`, `A1`..`C4`, `mini-A`..`mini-C`.
    #[param(example = "composite")]
    pub level: Option<String>,
    /// Continent, English (`North America`) or Chinese name.
    pub continent: Option<String>,
    /// ISO 3166-1 alpha-2 code.
    pub country: Option<String>,
    /// Text found in the id, English or Chinese name.
    pub search: Option<String>,
}

impl RankingQuery {
    fn filter(&self) -> RankingFilter {
        RankingFilter {
            continent: self.continent.clone(),
            country: self.country.clone(),
            search: self.search.clone(),
        }
    }
}

/// The ranking at a level, with filters.
#[utoipa::path(get, path = "/api/v1/rankings", params(RankingQuery),
    responses((status = 200, body = Ranking), (status = 400, body = ErrorBody)))]
pub async fn rankings(
    State(a): State<AppState>,
    ApiQuery(q): ApiQuery<RankingQuery>,
) -> Result<Response, ApiError> {
    let level = q.level.as_deref().unwrap_or("composite");
    if is_unset(&q.continent) && is_unset(&q.country) && is_unset(&q.search) {
        if let Some(b) = a.cache.rankings.get(level) {
            return Ok(cached(b));
        }
    }
    Ok(Json(a.explorer.ranking(level, &q.filter())?).into_response())
}

/// One city.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct CityQuery {
    /// City id, English or Chinese name.
    #[param(example = "beijing")]
    pub city: String,
}

/// A city's profile at every level.
#[utoipa::path(get, path = "/api/v1/profile", params(CityQuery),
    responses((status = 200, body = CityProfile), (status = 400, body = ErrorBody)))]
pub async fn profile(
    State(a): State<AppState>,
    ApiQuery(q): ApiQuery<CityQuery>,
) -> Result<Response, ApiError> {
    let id = &a.explorer.city(&q.city)?.id;
    if let Some(b) = a.cache.profiles.get(id) {
        return Ok(cached(b));
    }
    Ok(Json(a.explorer.profile(id)?).into_response())
}

/// Several cities.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct CitiesQuery {
    /// 2 to 4 city ids or names, comma-separated.
    #[param(example = "beijing,tokyo")]
    pub cities: String,
}

/// Splits a comma-separated list (empty items dropped).
pub(crate) fn split_list(s: &str) -> Vec<String> {
    s.split(',')
        .map(str::trim)
        .filter(|x| !x.is_empty())
        .map(String::from)
        .collect()
}

/// Profiles of 2 to 4 cities side by side.
#[utoipa::path(get, path = "/api/v1/compare", params(CitiesQuery),
    responses((status = 200, body = Vec<CityProfile>), (status = 400, body = ErrorBody)))]
pub async fn compare(
    State(a): State<AppState>,
    ApiQuery(q): ApiQuery<CitiesQuery>,
) -> Result<Response, ApiError> {
    let ids = a.explorer.compare_ids(&split_list(&q.cities))?;
    // The profiles are prepared: the answer is their JSON array.
    let mut body = Vec::from(&b"["[..]);
    for (k, id) in ids.iter().enumerate() {
        match a.cache.profiles.get(id) {
            Some(b) => body.extend_from_slice(b),
            None => body.extend(
                serde_json::to_vec(&a.explorer.profile(id)?).map_err(|_| ApiError::internal())?,
            ),
        }
        body.push(if k + 1 == ids.len() { b']' } else { b',' });
    }
    Ok(cached(&Bytes::from(body)))
}

/// Recomputes every score and rank with changed indicator values and/or weights (computed
/// runs only; a published edition answers 400 `unavailable`).
#[utoipa::path(post, path = "/api/v1/whatif", request_body = WhatIfRequest,
    responses((status = 200, body = WhatIfResult), (status = 400, body = ErrorBody)))]
pub async fn whatif(
    State(a): State<AppState>,
    ApiJson(req): ApiJson<WhatIfRequest>,
) -> Result<Json<WhatIfResult>, ApiError> {
    let out = tokio::task::spawn_blocking(move || a.explorer.whatif(&req))
        .await
        .map_err(|_| ApiError::internal())??;
    Ok(Json(out))
}

/// A target rank.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct TargetQuery {
    /// City id, English or Chinese name.
    #[param(example = "beijing")]
    pub city: String,
    /// `composite` (default) or a pillar or sub-pillar level.
    #[param(example = "composite")]
    pub level: Option<String>,
    /// The rank to reach (1 = best).
    #[param(example = 1)]
    pub rank: u32,
}

/// What it would take for a city to reach a rank (computed runs only).
#[utoipa::path(get, path = "/api/v1/target", params(TargetQuery),
    responses((status = 200, body = TargetResult), (status = 400, body = ErrorBody)))]
pub async fn target(
    State(a): State<AppState>,
    ApiQuery(q): ApiQuery<TargetQuery>,
) -> Result<Json<TargetResult>, ApiError> {
    let out = tokio::task::spawn_blocking(move || {
        a.explorer.target(
            &q.city,
            q.level.as_deref().unwrap_or("composite"),
            q.rank as usize,
        )
    })
    .await
    .map_err(|_| ApiError::internal())??;
    Ok(Json(out))
}

/// Development modes of the top 20 with their pillar scores.
#[utoipa::path(get, path = "/api/v1/modes",
    responses((status = 200, body = ModesMap), (status = 400, body = ErrorBody)))]
pub async fn modes(State(a): State<AppState>) -> Result<Response, ApiError> {
    match &a.cache.modes {
        Some(b) => Ok(cached(b)),
        None => Ok(Json(a.explorer.modes()?).into_response()),
    }
}

/// A level.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct LevelQuery {
    /// `composite` (default), `mini`, a pillar or sub-pillar level.
    pub level: Option<String>,
}

/// Rank quartiles per continent at a level.
#[utoipa::path(get, path = "/api/v1/regions", params(LevelQuery),
    responses((status = 200, body = Regions), (status = 400, body = ErrorBody)))]
pub async fn regions(
    State(a): State<AppState>,
    ApiQuery(q): ApiQuery<LevelQuery>,
) -> Result<Response, ApiError> {
    let level = q.level.as_deref().unwrap_or("composite");
    if let Some(b) = a.cache.regions.get(level) {
        return Ok(cached(b));
    }
    Ok(Json(a.explorer.regions(level)?).into_response())
}

/// The consistency audit of the published tables (published editions only).
#[utoipa::path(get, path = "/api/v1/audit",
    responses((status = 200, body = AuditReport), (status = 400, body = ErrorBody)))]
pub async fn audit(State(a): State<AppState>) -> Result<Json<AuditReport>, ApiError> {
    Ok(Json(a.explorer.audit()?))
}

/// A network id.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct NetworkQuery {
    /// `coauthorship` or `patents` (those listed in `meta.networks`).
    #[param(example = "coauthorship")]
    pub id: String,
}

/// A network between cities from record pipelines (served with `--records DIR`).
#[utoipa::path(get, path = "/api/v1/network", params(NetworkQuery),
    responses((status = 200, body = Network), (status = 400, body = ErrorBody)))]
pub async fn network(
    State(a): State<AppState>,
    ApiQuery(q): ApiQuery<NetworkQuery>,
) -> Result<Json<Network>, ApiError> {
    Ok(Json(a.explorer.network(&q.id)?))
}

/// The request of a download, as the service takes it.
pub(crate) fn table_request(q: &download::DownloadQuery) -> TableRequest {
    TableRequest {
        level: q.level.clone(),
        filter: RankingFilter {
            continent: q.continent.clone(),
            country: q.country.clone(),
            search: q.search.clone(),
        },
        cities: q.cities.as_deref().map(split_list).unwrap_or_default(),
    }
}
