//! One library API over a GIHI result, shared by `gihi` (the CLI) and `gihi serve` (the web
//! explorer): load a published edition or a computed run once into an [`Explorer`], then ask
//! it for rankings, a city's profile, a comparison, a what-if, a target, the development
//! modes, the continents' rank spreads or the audit. Every answer is a serialisable type
//! (see [`types`]) whose field names are the JSON API's.
//!
//! Conventions, stated once:
//! - A *level* is `composite`, `mini` (the mini-hubs' composite), a pillar or sub-pillar id
//!   (`A`, `B2`, ...) of the main group, or `mini-<id>` for the mini-hubs.
//! - Ranks are competition ranks (ties share the better rank), as Appendix 3 ranks.
//! - A group median is the type-7 median of the scores listed at that level.
//! - What-if and target recompute Appendix 3 exactly; they need indicator values, which
//!   only computed runs carry (a published edition prints scores, not values).

mod field;
mod intervals;
mod profile;
mod rankings;
pub mod tables;
pub mod types;
mod whatif;

pub use field::NetworkParts;
pub use rankings::{RankingFilter, MAX_SEARCH_CHARS};
pub use whatif::{WhatIfRequest, MAX_WEIGHT};

use gihi_analysis::{from_edition, read_results, GroupStanding, NodeStanding, Standing};
use gihi_audit::Audit;
use gihi_edition::{Edition, Setup};
use gihi_framework::Framework;
use gihi_framework::COMPOSITE_ID;
use gihi_registry::{City, Group};
use gihi_scores::{GroupTable, MissingPolicy};
use std::path::Path;
use std::sync::OnceLock;

/// Why a request cannot be answered; every variant is the caller's input (HTTP 400, exit 2).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ServiceError {
    /// A parameter names nothing that exists (unknown city, level, indicator).
    #[error("{0}")]
    Unknown(String),
    /// A parameter is out of range or malformed.
    #[error("{0}")]
    Invalid(String),
    /// The loaded source cannot answer this (e.g. what-if on a published edition).
    #[error("{0}")]
    Unavailable(String),
}

impl ServiceError {
    /// A short machine-readable code: `unknown`, `invalid` or `unavailable`.
    pub fn code(&self) -> &'static str {
        match self {
            ServiceError::Unknown(_) => "unknown",
            ServiceError::Invalid(_) => "invalid",
            ServiceError::Unavailable(_) => "unavailable",
        }
    }
}

/// Why a source cannot be loaded.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error(transparent)]
    Edition(#[from] gihi_edition::EditionError),
    #[error(transparent)]
    Run(#[from] gihi_analysis::StandingError),
    #[error("{0}")]
    Other(String),
}

/// A loaded result, ready to answer every question the CLI and the explorer ask.
#[derive(Debug, Clone)]
pub struct Explorer {
    /// Scores and ranks at every level, with the registry and framework they use.
    pub standing: Standing,
    /// The published edition, when that is the source (printed modes, history, audit).
    pub edition: Option<Edition>,
    /// Indicator values per group (computed runs only), in registry order.
    tables: Vec<(Group, GroupTable)>,
    /// The missing-value policy the run was computed with.
    missing: MissingPolicy,
    /// The audit of the published edition, computed on first use.
    audit: OnceLock<Audit>,
    /// The framework the edition's audit checks against (published editions only).
    audit_framework: Option<Framework>,
    /// Appendix 6's clustering of a run's top 20, computed on first use (`None`: no modes).
    computed_modes: OnceLock<Option<gihi_analysis::modes::Modes>>,
    /// SHA-256 of the indicator table a run was computed from (runs only).
    data_sha256: Option<String>,
    /// Networks between cities from record pipelines, when given.
    networks: Vec<types::Network>,
    /// Rank intervals of a `gihi uncertainty` output on the same table, when given.
    uncertainty: Option<intervals::Intervals>,
    /// The scores of each group's indicator table as loaded (what-if's "before").
    baseline: OnceLock<Result<Vec<(Group, gihi_scores::Scores)>, ServiceError>>,
}

impl Explorer {
    /// The published edition `arg` (`None`: the built-in GIHI 2024), with its audit.
    pub fn from_edition(arg: Option<&str>) -> Result<Explorer, LoadError> {
        let edition = Edition::resolve(arg)?;
        if edition.tables.is_empty() {
            return Err(LoadError::Other(format!(
                "edition {} ({}) has no published tables yet: give a computed run instead",
                edition.year, edition.origin
            )));
        }
        let setup = Setup::resolve(arg)?;
        Ok(Explorer::from_parts(edition, &setup))
    }

    /// An already loaded edition and its setup.
    pub fn from_parts(edition: Edition, setup: &Setup) -> Explorer {
        Explorer {
            standing: from_edition(&edition, setup),
            edition: Some(edition),
            tables: Vec::new(),
            missing: MissingPolicy::Error,
            audit: OnceLock::new(),
            audit_framework: Some(setup.framework.clone()),
            data_sha256: None,
            networks: Vec::new(),
            uncertainty: None,
            computed_modes: OnceLock::new(),
            baseline: OnceLock::new(),
        }
    }

    /// A `gihi compute` output directory (verified against its manifest).
    pub fn from_results(dir: &Path) -> Result<Explorer, LoadError> {
        let (standing, manifest) = read_results(dir)?;
        let data_sha256 = manifest["inputs"]
            .as_array()
            .and_then(|a| a.iter().find(|i| i["role"] == "data"))
            .and_then(|i| i["sha256"].as_str())
            .map(String::from);
        let missing = match manifest["options"]["missing"].as_str() {
            Some("mean") => MissingPolicy::MeanImpute,
            _ => MissingPolicy::Error,
        };
        let tables = standing
            .groups
            .iter()
            .filter_map(|g| group_table(g, &standing.registry))
            .collect();
        Ok(Explorer {
            standing,
            edition: None,
            tables,
            missing,
            audit: OnceLock::new(),
            audit_framework: None,
            data_sha256,
            networks: Vec::new(),
            uncertainty: None,
            computed_modes: OnceLock::new(),
            baseline: OnceLock::new(),
        })
    }

    /// `GIHI 2024 (published)` or `run DIR`.
    pub fn label(&self) -> &str {
        &self.standing.label
    }

    /// True when the source was computed from invented data.
    pub fn synthetic(&self) -> bool {
        self.standing.synthetic
    }

    /// A city by id or by English or Chinese name; unknown → a message with suggestions.
    pub fn city(&self, name: &str) -> Result<&City, ServiceError> {
        let registry = &self.standing.registry;
        registry.resolve(name).ok_or_else(|| {
            let sug = registry.suggest(name);
            ServiceError::Unknown(format!(
                "unknown city `{}`{}",
                clip(name),
                if sug.is_empty() {
                    String::new()
                } else {
                    format!("; did you mean {}?", sug.join(", "))
                }
            ))
        })
    }

    /// The group standing and node standing of a level.
    pub fn level(&self, level: &str) -> Result<(&GroupStanding, &NodeStanding), ServiceError> {
        let (group, id) = parse_level(level);
        let unknown = || {
            ServiceError::Unknown(format!(
                "{}: no level `{}`: expected composite, mini, A, B, C, A1..C4 or mini-A..mini-C",
                self.label(),
                clip(level)
            ))
        };
        let g = self.standing.group(group).ok_or_else(unknown)?;
        let n = g.node(&id).ok_or_else(unknown)?;
        Ok((g, n))
    }

    /// The indicator table of a group (computed runs only).
    fn table(&self, group: Group) -> Result<&GroupTable, ServiceError> {
        self.tables
            .iter()
            .find(|(g, _)| *g == group)
            .map(|(_, t)| t)
            .ok_or_else(|| {
                ServiceError::Unavailable(format!(
                    "{}: recomputing scores needs indicator values; a published edition prints scores only: serve a computed run (gihi serve --results DIR)",
                    self.label()
                ))
            })
    }
}

/// `composite`, `mini`, a node id, or `mini-<node>` → (group, node id).
pub fn parse_level(level: &str) -> (Group, String) {
    match level {
        "composite" => (Group::Main, COMPOSITE_ID.into()),
        "mini" => (Group::Mini, COMPOSITE_ID.into()),
        l => match l.strip_prefix("mini-") {
            Some(n) => (Group::Mini, n.into()),
            None => (Group::Main, l.into()),
        },
    }
}

/// The level name of a node of a group (inverse of [`parse_level`]).
pub fn level_name(group: Group, node: &str) -> String {
    match (group, node == COMPOSITE_ID) {
        (Group::Main, true) => "composite".into(),
        (Group::Mini, true) => "mini".into(),
        (Group::Main, false) => node.into(),
        (Group::Mini, false) => format!("mini-{node}"),
    }
}

/// An indicator table split by evaluation group (main, then mini), each group's rows in
/// registry order so that nothing depends on the order of the input file; groups without
/// a row are left out. `gihi compute`, the robustness commands and the explorer all split
/// tables this way.
pub fn group_tables(
    table: &gihi_data::IndicatorTable,
    registry: &gihi_registry::Registry,
) -> Vec<(Group, GroupTable)> {
    Group::ALL
        .iter()
        .filter_map(|&g| {
            let rows: Vec<_> = registry
                .group(g)
                .filter_map(|c| table.rows.iter().find(|r| r.city == c.id))
                .collect();
            (!rows.is_empty()).then(|| {
                (
                    g,
                    GroupTable {
                        cities: rows.iter().map(|r| r.city.clone()).collect(),
                        values: rows.iter().map(|r| r.values.clone()).collect(),
                    },
                )
            })
        })
        .collect()
}

/// A group's indicator values in registry order (as `gihi compute` reads them), if every
/// city listed at the composite has values.
fn group_table(
    g: &GroupStanding,
    registry: &gihi_registry::Registry,
) -> Option<(Group, GroupTable)> {
    let composite = g.node(COMPOSITE_ID)?;
    let cities: Vec<String> = registry
        .group(g.group)
        .filter(|c| composite.get(&c.id).is_some())
        .map(|c| c.id.clone())
        .collect();
    if cities.len() != composite.entries.len() {
        return None;
    }
    let values: Option<Vec<_>> = cities
        .iter()
        .map(|c| g.indicator_values.get(c).cloned())
        .collect();
    let values = values?;
    (cities.len() >= 2).then_some((g.group, GroupTable { cities, values }))
}

/// User text quoted in a message, cut to 60 characters (a request may carry anything).
pub(crate) fn clip(s: &str) -> String {
    if s.chars().count() > 60 {
        format!("{}…", s.chars().take(60).collect::<String>())
    } else {
        s.to_string()
    }
}

#[cfg(test)]
mod tests;
