//! The answers of the service, as serialisable types. Their field names are the JSON API's
//! (`/api/v1/...`) and the CLI's `--format json`; the OpenAPI document is generated from them.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// What is being explored.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Meta {
    /// e.g. `GIHI 2024 (published)` or `run out-synthetic`.
    pub label: String,
    /// True when the scores were computed from invented data (every page says so).
    pub synthetic: bool,
    /// `edition` (printed tables) or `run` (a `gihi compute` output).
    pub source: String,
    /// The edition's year, for a published edition.
    pub year: Option<u16>,
    pub framework: String,
    /// Every level with scores, main group first.
    pub levels: Vec<LevelInfo>,
    /// The indicators, in framework order.
    pub indicators: Vec<IndicatorInfo>,
    /// Pillar and sub-pillar weights of the framework (relative to their siblings).
    pub weights: Vec<WeightInfo>,
    /// True when indicator values are loaded (what-if and target available).
    pub recomputable: bool,
    /// What the rank intervals come from (`gihi uncertainty` options), when loaded.
    pub uncertainty: Option<String>,
    /// Ids of the record networks loaded (`coauthorship`, `patents`), for `/api/v1/network`.
    pub networks: Vec<String>,
    /// Caveats a reader should know (substitutions, derived ranks).
    pub notes: Vec<String>,
}

/// One level that has scores.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct LevelInfo {
    /// The level as the API takes it: `composite`, `mini`, `A`, `B2`, `mini-A`, ...
    pub id: String,
    /// `main` or `mini`.
    pub group: String,
    /// The framework node (`GIHI`, `A`, `B2`).
    pub node: String,
    /// `composite`, `pillar` or `sub-pillar`.
    pub kind: String,
    pub name_en: String,
    pub name_zh: String,
    /// Cities listed at this level.
    pub listed: usize,
    /// True when ranks were derived from printed scores of the listed cities only.
    pub ranks_derived: bool,
}

/// One indicator of the framework.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct IndicatorInfo {
    pub id: String,
    pub name_en: String,
    pub name_zh: String,
    pub unit: String,
    /// The sub-pillar it belongs to.
    pub subpillar: String,
    /// Effective weight in the composite (product of the normalised weights down the tree).
    pub effective_weight: f64,
}

/// A pillar's or sub-pillar's weight.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct WeightInfo {
    pub node: String,
    /// The parent node (`GIHI` for a pillar).
    pub parent: String,
    pub weight: f64,
    pub name_en: String,
    pub name_zh: String,
}

/// A city of the registry.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct CityInfo {
    pub id: String,
    pub name_en: String,
    pub name_zh: String,
    /// ISO 3166-1 alpha-2.
    pub country: String,
    /// `Asia`, `Europe`, `North America`, `Oceania`, `South America` or `Africa`.
    pub continent: String,
    pub continent_zh: String,
    /// `main` (108 hubs) or `mini` (12 mini-hubs).
    pub group: String,
}

/// A ranking at one level.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Ranking {
    pub level: LevelInfo,
    pub synthetic: bool,
    /// Cities evaluated in the group (more than listed when a table prints only the top).
    pub group_size: usize,
    /// The filters applied (empty when none).
    pub filters: Vec<String>,
    pub rows: Vec<RankingRow>,
}

/// One row of a ranking.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct RankingRow {
    pub rank: u32,
    pub city: CityInfo,
    pub score: f64,
    /// Printed ranks of earlier years (published editions, where printed), oldest first.
    pub history: Vec<RankAt>,
    /// Monte Carlo rank interval, when the run is served with its `gihi uncertainty` output.
    pub interval: Option<RankInterval>,
}

/// A rank interval from `gihi uncertainty` (composite and pillars).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct RankInterval {
    pub median: f64,
    pub p05: f64,
    pub p95: f64,
}

/// A rank in a given year.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct RankAt {
    pub year: u16,
    pub rank: u32,
}

/// A city at one level.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct PositionInfo {
    /// The level id (`composite`, `A`, `mini-B`, ...).
    pub level: String,
    pub node: String,
    /// `composite`, `pillar` or `sub-pillar`.
    pub kind: String,
    pub name_en: String,
    pub name_zh: String,
    pub score: f64,
    pub rank: u32,
    /// Cities listed at this level.
    pub of: usize,
    /// Median score of the listed cities of the group at this level.
    pub group_median: f64,
    /// `composite rank − rank here`: positive where the city does better than overall.
    pub relative: i64,
    pub ranks_derived: bool,
    /// Printed ranks of earlier years, oldest first.
    pub history: Vec<RankAt>,
    /// Monte Carlo rank interval (runs served with `--uncertainty`; composite and pillars).
    pub interval: Option<RankInterval>,
}

/// One indicator of a city (computed runs only).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct IndicatorValue {
    pub id: String,
    pub name_en: String,
    pub name_zh: String,
    pub unit: String,
    /// The raw value; `null` where it is missing.
    pub value: Option<f64>,
    /// The z-score Appendix 3 uses (sign turned for indicators where less is better).
    pub z: f64,
    /// Rank of the z-score in the group (1 = best).
    pub rank: u32,
    /// `observed`, or `missing (z = 0, mean-imputed)`.
    pub provenance: String,
}

/// A nearby city.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Peer {
    pub city: CityInfo,
    /// Euclidean distance over the sub-pillar (or pillar) scores.
    pub distance: f64,
}

/// A city's profile at every level.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct CityProfile {
    pub city: CityInfo,
    pub synthetic: bool,
    /// `main` or `mini`.
    pub group: String,
    pub group_size: usize,
    pub positions: Vec<PositionInfo>,
    /// Sub-pillars (or pillars) best and worst relative to the composite rank.
    pub strengths: Vec<String>,
    pub weaknesses: Vec<String>,
    /// Indicators best and worst relative to the composite rank (computed runs only).
    pub indicator_strengths: Vec<String>,
    pub indicator_weaknesses: Vec<String>,
    /// Indicator values and z-scores (computed runs only).
    pub indicators: Vec<IndicatorValue>,
    pub peers: Vec<Peer>,
    /// Development mode (Appendix 6) for the top 20, else `null`.
    pub mode: Option<ModeInfo>,
}

/// A development mode.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct ModeInfo {
    /// `science-led`, `highland-led`, `ecosystem-led` or `balanced` style id.
    pub id: String,
    pub name_en: String,
    pub name_zh: String,
    /// `printed` (section 2.2) or `computed` (Ward clustering of the top 20).
    pub origin: String,
}

/// The development modes of the top cities, with their pillar scores.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ModesMap {
    pub synthetic: bool,
    /// Pillar ids in the order of `scores`.
    pub pillars: Vec<String>,
    pub cities: Vec<ModePoint>,
}

/// One city of the development-mode map.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ModePoint {
    pub city: CityInfo,
    pub composite_rank: u32,
    /// Pillar scores (60–100), in `pillars` order.
    pub scores: Vec<f64>,
    pub mode: ModeInfo,
}

/// The spread of ranks per continent at one level.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Regions {
    pub level: LevelInfo,
    pub synthetic: bool,
    pub continents: Vec<ContinentSpread>,
}

/// One continent's ranks at a level (box-plot figures).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ContinentSpread {
    pub continent: String,
    pub continent_zh: String,
    pub cities: usize,
    pub best: u32,
    pub q1: f64,
    pub median: f64,
    pub q3: f64,
    pub worst: u32,
}

/// The audit of the published tables.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct AuditReport {
    pub label: String,
    pub findings: Vec<AuditFinding>,
}

/// One inconsistency in the printed tables, with its evidence.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct AuditFinding {
    pub table: String,
    pub city: String,
    pub column: String,
    pub published: String,
    pub expected: String,
    pub kind: String,
    /// `error` or `note`.
    pub severity: String,
    pub evidence: String,
    pub file: String,
    pub line: usize,
}

/// One city's score and rank at one level, before and after a what-if.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Shift {
    pub city: String,
    pub level: String,
    pub score_before: f64,
    pub score_after: f64,
    pub rank_before: usize,
    pub rank_after: usize,
}

/// An indicator value changed by a what-if.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ValueChange {
    pub indicator: String,
    pub before: Option<f64>,
    pub after: f64,
}

/// The result of a what-if: the chosen city at every level, and the ranking of the level
/// asked for, before and after.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct WhatIfResult {
    pub synthetic: bool,
    pub city: Option<CityInfo>,
    pub values: Vec<ValueChange>,
    /// Weights used (pillars and sub-pillars), after the changes.
    pub weights: Vec<WeightInfo>,
    /// The chosen city at every level of its group (empty when no city was chosen).
    pub city_shifts: Vec<Shift>,
    /// The level of `ranking`.
    pub level: String,
    /// Every city of the group at `level`, by the new rank.
    pub ranking: Vec<Shift>,
    /// Cities whose rank changed at some level.
    pub cities_moved: usize,
}

/// What it takes for a city to reach a rank at a level.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct TargetResult {
    pub synthetic: bool,
    pub city: CityInfo,
    pub level: String,
    pub current_rank: usize,
    pub goal: usize,
    /// One indicator alone: the value needed (verified), or `null` when none was found.
    pub single: Vec<SingleChange>,
    /// A greedy combination (highest effective weight first); `null` when even every
    /// indicator at the group's best is not enough.
    pub greedy: Option<Vec<GreedyStep>>,
    /// Total effort of the greedy combination, in standard deviations.
    pub greedy_effort: Option<f64>,
}

/// One indicator alone.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct SingleChange {
    pub indicator: String,
    pub current: f64,
    pub needed: Option<f64>,
    pub change_percent: Option<f64>,
    /// The largest value searched.
    pub searched_to: f64,
}

/// One step of the greedy combination.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct GreedyStep {
    pub indicator: String,
    pub from: f64,
    pub to: f64,
    /// The change in standard deviations of the indicator.
    pub effort: f64,
}

/// A network between cities from record pipelines (co-authorship, patent co-application).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Network {
    /// `coauthorship` or `patents`.
    pub id: String,
    pub title_en: String,
    pub title_zh: String,
    /// True when the records were invented (`gihi records synth`).
    pub synthetic: bool,
    /// What a node's size measures, e.g. `I17 eigenvector centrality`.
    pub size_en: String,
    pub size_zh: String,
    pub nodes: Vec<NetworkNode>,
    /// Heaviest first.
    pub edges: Vec<NetworkEdge>,
}

/// A city of a network.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct NetworkNode {
    pub city: CityInfo,
    pub size: f64,
}

/// A link between two cities.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct NetworkEdge {
    pub a: String,
    pub b: String,
    /// Papers co-authored, or patent families co-applied.
    pub weight: f64,
}

/// A table for download: a header and rows of text, as CSV or XLSX.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// File stem, e.g. `ranking-composite`.
    pub name: String,
    pub synthetic: bool,
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
}
