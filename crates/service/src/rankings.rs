//! What is loaded (meta), the cities, rankings at any level with filters, and the spread of
//! ranks per continent.

use crate::types::{
    CityInfo, ContinentSpread, IndicatorInfo, LevelInfo, Meta, RankAt, Ranking, RankingRow,
    Regions, WeightInfo,
};
use crate::{clip, level_name, Explorer, ServiceError};
use gihi_analysis::regions::rank_quartiles;
use gihi_analysis::NodeStanding;
use gihi_edition::Kind;
use gihi_framework::{Framework, Level, COMPOSITE_ID};
use gihi_registry::{City, Continent, Group};

/// Filters of a ranking; empty fields filter nothing.
#[derive(Debug, Clone, Default)]
pub struct RankingFilter {
    /// Continent, by English name (`North America`) or Chinese name, case-insensitive.
    pub continent: Option<String>,
    /// ISO 3166-1 alpha-2 country code, case-insensitive.
    pub country: Option<String>,
    /// Text found in the city's id, English or Chinese name (case-insensitive).
    pub search: Option<String>,
}

/// Longest search text accepted (a name is far shorter).
pub const MAX_SEARCH_CHARS: usize = 100;

impl Explorer {
    /// What is loaded: label, levels, indicators, weights and whether values are known.
    pub fn meta(&self) -> Meta {
        let s = &self.standing;
        let levels = s
            .groups
            .iter()
            .flat_map(|g| g.nodes.iter().map(move |n| self.level_info(g.group, n)))
            .collect();
        let fw = &s.framework;
        let effective = fw.effective_weights();
        let indicators = fw
            .subpillars()
            .flat_map(|sp| sp.indicators.iter().map(move |i| (sp, i)))
            .zip(effective)
            .map(|((sp, i), w)| IndicatorInfo {
                id: i.id.clone(),
                name_en: i.name_en.clone(),
                name_zh: i.name_zh.clone(),
                unit: i.unit.clone(),
                subpillar: sp.id.clone(),
                effective_weight: w,
            })
            .collect();
        Meta {
            label: s.label.clone(),
            synthetic: s.synthetic,
            source: if self.edition.is_some() {
                "edition"
            } else {
                "run"
            }
            .into(),
            year: self.edition.as_ref().map(|e| e.year),
            framework: fw.id.clone(),
            levels,
            indicators,
            weights: weights(fw),
            recomputable: !self.tables.is_empty(),
            uncertainty: self.uncertainty.as_ref().map(|u| u.label.clone()),
            networks: self.networks.iter().map(|n| n.id.clone()).collect(),
            notes: s.notes.clone(),
        }
    }

    /// The cities evaluated, in registry order, optionally those matching `search`.
    pub fn cities(&self, search: Option<&str>) -> Result<Vec<CityInfo>, ServiceError> {
        let needle = search_text(search)?;
        Ok(self
            .standing
            .registry
            .cities
            .iter()
            .filter(|c| needle.as_deref().is_none_or(|q| matches(c, q)))
            .map(city_info)
            .collect())
    }

    /// The ranking at `level`, filtered.
    pub fn ranking(&self, level: &str, filter: &RankingFilter) -> Result<Ranking, ServiceError> {
        let (g, node) = self.level(level)?;
        let continent = match filter.continent.as_deref().filter(|c| !c.is_empty()) {
            None => None,
            Some(c) => Some(parse_continent(c)?),
        };
        let country = match filter.country.as_deref().filter(|c| !c.is_empty()) {
            None => None,
            Some(c) => {
                let up = c.to_ascii_uppercase();
                if !self
                    .standing
                    .registry
                    .cities
                    .iter()
                    .any(|x| x.country == up)
                {
                    return Err(ServiceError::Unknown(format!(
                        "country `{}`: no evaluated city has this ISO 3166-1 alpha-2 code",
                        clip(c)
                    )));
                }
                Some(up)
            }
        };
        let needle = search_text(filter.search.as_deref())?;
        let mut filters = Vec::new();
        if let Some(c) = continent {
            filters.push(format!("continent = {}", c.name_en()));
        }
        if let Some(c) = &country {
            filters.push(format!("country = {c}"));
        }
        if let Some(q) = &needle {
            filters.push(format!("search = {q}"));
        }
        let rows = node
            .entries
            .iter()
            .filter_map(|e| {
                let c = self.standing.registry.get(&e.city)?;
                let keep = continent.is_none_or(|k| c.continent == k)
                    && country.as_deref().is_none_or(|k| c.country == k)
                    && needle.as_deref().is_none_or(|q| matches(c, q));
                keep.then(|| RankingRow {
                    rank: e.rank,
                    city: city_info(c),
                    score: e.score,
                    history: self.history(g.group, &node.node, &e.city),
                    interval: self.interval(g.group, &node.node, &e.city),
                })
            })
            .collect();
        Ok(Ranking {
            level: self.level_info(g.group, node),
            synthetic: self.synthetic(),
            group_size: g.size,
            filters,
            rows,
        })
    }

    /// Rank quartiles per continent at `level` (the report's box plots).
    pub fn regions(&self, level: &str) -> Result<Regions, ServiceError> {
        let (g, node) = self.level(level)?;
        let continents = rank_quartiles(node, &self.standing.registry)
            .into_iter()
            .map(|q| {
                let zh = Continent::ALL
                    .iter()
                    .find(|c| c.name_en() == q.continent)
                    .map_or("", |c| c.name_zh());
                ContinentSpread {
                    continent_zh: zh.to_string(),
                    continent: q.continent,
                    cities: q.cities,
                    best: q.best,
                    q1: q.q1,
                    median: q.median,
                    q3: q.q3,
                    worst: q.worst,
                }
            })
            .collect();
        Ok(Regions {
            level: self.level_info(g.group, node),
            synthetic: self.synthetic(),
            continents,
        })
    }

    /// Describes one node of a group.
    pub(crate) fn level_info(&self, group: Group, node: &NodeStanding) -> LevelInfo {
        let (name_en, name_zh) = node_names(&self.standing.framework, &node.node);
        LevelInfo {
            id: level_name(group, &node.node),
            group: group.as_str().into(),
            node: node.node.clone(),
            kind: kind_name(node.level).into(),
            name_en,
            name_zh,
            listed: node.entries.len(),
            ranks_derived: node.ranks_derived,
        }
    }

    /// Printed ranks of earlier years of a city at a node (published editions only).
    pub(crate) fn history(&self, group: Group, node: &str, city: &str) -> Vec<RankAt> {
        let Some(e) = &self.edition else {
            return Vec::new();
        };
        let mut out: Vec<RankAt> = e
            .tables
            .iter()
            .filter(|t| t.group == group)
            .flat_map(|t| t.rows.iter().filter(|r| r.city == city))
            .flat_map(|r| r.cells.iter())
            .filter(|c| c.node == node && c.kind == Kind::Rank && c.year < e.year)
            .map(|c| RankAt {
                year: c.year,
                rank: c.value as u32,
            })
            .collect();
        out.sort_by_key(|r| r.year);
        out.dedup_by_key(|r| r.year);
        out
    }
}

/// `composite`, `pillar` or `sub-pillar`.
pub(crate) fn kind_name(level: Level) -> &'static str {
    match level {
        Level::Composite => "composite",
        Level::Pillar => "pillar",
        Level::SubPillar => "sub-pillar",
        Level::Indicator => "indicator",
    }
}

/// English and Chinese names of a node of the framework.
pub(crate) fn node_names(fw: &Framework, node: &str) -> (String, String) {
    if node == COMPOSITE_ID {
        return (fw.name_en.clone(), fw.name_zh.clone());
    }
    if let Some(p) = fw.pillars.iter().find(|p| p.id == node) {
        return (p.name_en.clone(), p.name_zh.clone());
    }
    fw.subpillars()
        .find(|s| s.id == node)
        .map_or((node.to_string(), node.to_string()), |s| {
            (s.name_en.clone(), s.name_zh.clone())
        })
}

/// Pillar and sub-pillar weights of a framework, pillars first.
pub(crate) fn weights(fw: &Framework) -> Vec<WeightInfo> {
    let pillars = fw.pillars.iter().map(|p| WeightInfo {
        node: p.id.clone(),
        parent: COMPOSITE_ID.into(),
        weight: p.weight,
        name_en: p.name_en.clone(),
        name_zh: p.name_zh.clone(),
    });
    let subs = fw.pillars.iter().flat_map(|p| {
        p.subpillars.iter().map(move |s| WeightInfo {
            node: s.id.clone(),
            parent: p.id.clone(),
            weight: s.weight,
            name_en: s.name_en.clone(),
            name_zh: s.name_zh.clone(),
        })
    });
    pillars.chain(subs).collect()
}

/// The public description of a registry city.
pub(crate) fn city_info(c: &City) -> CityInfo {
    CityInfo {
        id: c.id.clone(),
        name_en: c.name_en.clone(),
        name_zh: c.name_zh.clone(),
        country: c.country.clone(),
        continent: c.continent.name_en().into(),
        continent_zh: c.continent.name_zh().into(),
        group: c.group.as_str().into(),
    }
}

fn parse_continent(text: &str) -> Result<Continent, ServiceError> {
    let t = text.trim();
    Continent::ALL
        .iter()
        .copied()
        .find(|c| {
            c.name_en().eq_ignore_ascii_case(t)
                || c.name_en().replace(' ', "-").eq_ignore_ascii_case(t)
                || c.name_zh() == t
        })
        .ok_or_else(|| {
            ServiceError::Unknown(format!(
                "continent `{}`: expected one of {}",
                clip(text),
                Continent::ALL.map(|c| c.name_en()).join(", ")
            ))
        })
}

/// The lower-cased search text, or `None` when empty; refused when too long.
fn search_text(search: Option<&str>) -> Result<Option<String>, ServiceError> {
    let Some(q) = search.map(str::trim).filter(|q| !q.is_empty()) else {
        return Ok(None);
    };
    if q.chars().count() > MAX_SEARCH_CHARS {
        return Err(ServiceError::Invalid(format!(
            "search: expected at most {MAX_SEARCH_CHARS} characters, found {}",
            q.chars().count()
        )));
    }
    Ok(Some(q.to_lowercase()))
}

fn matches(c: &City, q: &str) -> bool {
    c.id.contains(q) || c.name_en.to_lowercase().contains(q) || c.name_zh.contains(q)
}
