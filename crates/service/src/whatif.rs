//! What-if (a city's indicator values and the pillar/sub-pillar weights change; every score
//! and rank is recomputed exactly by Appendix 3) and target (what it takes to reach a rank).

use crate::rankings::{city_info, weights};
use crate::types::{GreedyStep, Shift, SingleChange, TargetResult, ValueChange, WhatIfResult};
use crate::{clip, level_name, parse_level, Explorer, ServiceError};
use gihi_framework::{Framework, COMPOSITE_ID};
use gihi_registry::Group;
use gihi_robustness::whatif::{apply_changes, parse_change, target};
use gihi_scores::{score, GroupTable, Scores};
use serde::Deserialize;
use std::collections::BTreeMap;
use utoipa::ToSchema;

/// Largest weight accepted for a pillar or sub-pillar (weights are relative to siblings).
pub const MAX_WEIGHT: f64 = 100.0;
/// Most indicator changes or weights one request may carry.
const MAX_ITEMS: usize = 64;

/// A what-if: changes to one city's indicators and/or to the weights.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"city": "beijing", "changes": {"I01": "+20%"}, "weights": {"A": 0.5}, "level": "composite"}))]
pub struct WhatIfRequest {
    /// The city whose values change (id or name); optional when only weights change.
    #[serde(default)]
    pub city: Option<String>,
    /// Indicator → change: `+20%` (relative), `+3` / `-1.5` (difference) or `12.5` (new value).
    #[serde(default)]
    pub changes: BTreeMap<String, String>,
    /// Pillar or sub-pillar id → new weight, from 0 to 100, relative to its siblings.
    #[serde(default)]
    pub weights: BTreeMap<String, f64>,
    /// The level whose ranking is returned (default `composite`).
    #[serde(default)]
    pub level: Option<String>,
}

impl Explorer {
    /// Recomputes every score and rank of the city's group (the main group when only weights
    /// change) with the requested values and weights.
    pub fn whatif(&self, req: &WhatIfRequest) -> Result<WhatIfResult, ServiceError> {
        if req.changes.len() > MAX_ITEMS || req.weights.len() > MAX_ITEMS {
            return Err(ServiceError::Invalid(format!(
                "what-if: expected at most {MAX_ITEMS} changes and {MAX_ITEMS} weights"
            )));
        }
        let level = req.level.as_deref().unwrap_or("composite");
        let (level_group, node) = parse_level(level);
        let city = req.city.as_deref().map(|c| self.city(c)).transpose()?;
        if city.is_none() && !req.changes.is_empty() {
            return Err(ServiceError::Invalid(
                "what-if: indicator changes need a city".into(),
            ));
        }
        let group = city.map_or(level_group, |c| c.group);
        if group != level_group {
            return Err(ServiceError::Invalid(format!(
                "what-if: level `{}` is not of the {group} group of the city",
                clip(level)
            )));
        }
        let table = self.table(group)?;
        let fw = &self.standing.framework;
        if !fw.aggregates().iter().any(|a| a.id == node) {
            return Err(ServiceError::Unknown(format!(
                "level `{}`: expected composite, mini, a pillar or sub-pillar id, or mini-<id>",
                clip(level)
            )));
        }
        let new_fw = reweighted(fw, &req.weights)?;
        let j = city.map(|c| self.row_of(table, &c.id)).transpose()?;
        let ids: Vec<&str> = fw.indicators().map(|i| i.id.as_str()).collect();
        let mut parsed = Vec::new();
        for (id, text) in &req.changes {
            let i = ids
                .iter()
                .position(|x| x.eq_ignore_ascii_case(id))
                .ok_or_else(|| {
                    ServiceError::Unknown(format!("unknown indicator `{}`", clip(id)))
                })?;
            let (_, change) = parse_change(&format!("{id}={text}"))
                .map_err(|m| ServiceError::Invalid(clip(&m)))?;
            parsed.push((i, change));
        }
        let mut after_table = table.clone();
        let mut values = Vec::new();
        if let Some(j) = j {
            let new = apply_changes(fw, table, j, &parsed).map_err(ServiceError::Invalid)?;
            for (i, v) in new {
                values.push(ValueChange {
                    indicator: ids[i].into(),
                    before: table.values[j][i],
                    after: v,
                });
                after_table.values[j][i] = Some(v);
            }
        }
        let recompute = |f: &Framework, t: &GroupTable| {
            score(f, t, self.missing)
                .map_err(|e| ServiceError::Invalid(format!("{}: {e}", self.label())))
        };
        let before = self.baseline(group)?;
        let after = recompute(&new_fw, &after_table)?;
        let shift = |k: usize, c: usize| Shift {
            city: table.cities[c].clone(),
            level: level_name(group, &before.nodes[k].id),
            score_before: before.nodes[k].score[c],
            score_after: after.nodes[k].score[c],
            rank_before: before.nodes[k].rank[c],
            rank_after: after.nodes[k].rank[c],
        };
        let city_shifts = j.map_or(Vec::new(), |j| {
            (0..before.nodes.len()).map(|k| shift(k, j)).collect()
        });
        let k = before
            .nodes
            .iter()
            .position(|n| n.id == node)
            .expect("the node is an aggregate of the framework");
        let mut ranking: Vec<Shift> = (0..table.cities.len()).map(|c| shift(k, c)).collect();
        ranking.sort_by(|a, b| a.rank_after.cmp(&b.rank_after).then(a.city.cmp(&b.city)));
        let cities_moved = (0..table.cities.len())
            .filter(|&c| {
                (0..before.nodes.len()).any(|k| before.nodes[k].rank[c] != after.nodes[k].rank[c])
            })
            .count();
        Ok(WhatIfResult {
            synthetic: self.synthetic(),
            city: city.map(city_info),
            values,
            weights: weights(&new_fw),
            city_shifts,
            level: level.into(),
            ranking,
            cities_moved,
        })
    }

    /// What it takes for `city` to reach `rank` or better at `level`: each indicator alone
    /// (verified), and a greedy combination.
    pub fn target(
        &self,
        city: &str,
        level: &str,
        rank: usize,
    ) -> Result<TargetResult, ServiceError> {
        let c = self.city(city)?;
        let (level_group, node) = parse_level(level);
        if level_group != c.group {
            return Err(ServiceError::Invalid(format!(
                "target: level `{}` is not of the {} group of {}",
                clip(level),
                c.group,
                c.id
            )));
        }
        let fw = &self.standing.framework;
        if !fw.aggregates().iter().any(|a| a.id == node) {
            return Err(ServiceError::Unknown(format!(
                "level `{}`: expected composite, mini, a pillar or sub-pillar id, or mini-<id>",
                clip(level)
            )));
        }
        let table = self.table(c.group)?;
        if rank == 0 || rank > table.cities.len() {
            return Err(ServiceError::Invalid(format!(
                "target: rank {rank}: expected a rank from 1 to {}, the number of cities of the {} group",
                table.cities.len(),
                c.group
            )));
        }
        let j = self.row_of(table, &c.id)?;
        let t = target(fw, table, j, &node, rank, self.missing)
            .map_err(|e| ServiceError::Invalid(format!("{}: {e}", self.label())))?;
        Ok(TargetResult {
            synthetic: self.synthetic(),
            city: city_info(c),
            level: level.into(),
            current_rank: t.current_rank,
            goal: t.goal,
            single: t
                .single
                .into_iter()
                .map(|s| SingleChange {
                    indicator: s.indicator,
                    current: s.current,
                    needed: s.needed,
                    change_percent: s.change_percent,
                    searched_to: s.searched_to,
                })
                .collect(),
            greedy: t.greedy_combination.map(|steps| {
                steps
                    .into_iter()
                    .map(|s| GreedyStep {
                        indicator: s.indicator,
                        from: s.from,
                        to: s.to,
                        effort: s.effort,
                    })
                    .collect()
            }),
            greedy_effort: t.greedy_effort,
        })
    }
}

impl Explorer {
    /// The row of a city in its group's indicator table.
    fn row_of(&self, table: &GroupTable, city: &str) -> Result<usize, ServiceError> {
        table.cities.iter().position(|x| x == city).ok_or_else(|| {
            ServiceError::Unavailable(format!("{}: {city} has no indicator values", self.label()))
        })
    }

    /// The scores of a group's table as loaded, computed once.
    fn baseline(&self, group: Group) -> Result<&Scores, ServiceError> {
        let all = self.baseline.get_or_init(|| {
            self.tables
                .iter()
                .map(|(g, t)| {
                    score(&self.standing.framework, t, self.missing)
                        .map(|s| (*g, s))
                        .map_err(|e| ServiceError::Invalid(format!("{}: {e}", self.label())))
                })
                .collect()
        });
        let all = all.as_ref().map_err(Clone::clone)?;
        Ok(&all
            .iter()
            .find(|(g, _)| *g == group)
            .expect("a group with a table has baseline scores")
            .1)
    }
}

/// The framework with new pillar or sub-pillar weights; each in [0, [`MAX_WEIGHT`]] and no
/// set of siblings all zero.
fn reweighted(fw: &Framework, new: &BTreeMap<String, f64>) -> Result<Framework, ServiceError> {
    let mut out = fw.clone();
    for (node, &w) in new {
        if !w.is_finite() || !(0.0..=MAX_WEIGHT).contains(&w) {
            return Err(ServiceError::Invalid(format!(
                "weight of `{}`: expected a number from 0 to {MAX_WEIGHT}, found {w}",
                clip(node)
            )));
        }
        let slot = out.pillars.iter_mut().find_map(|p| {
            if p.id == *node {
                return Some(&mut p.weight);
            }
            p.subpillars
                .iter_mut()
                .find(|s| s.id == *node)
                .map(|s| &mut s.weight)
        });
        match slot {
            Some(s) => *s = w,
            None if node == COMPOSITE_ID => {
                return Err(ServiceError::Invalid(
                    "weight: the composite has no weight; give pillar or sub-pillar ids".into(),
                ))
            }
            None => {
                return Err(ServiceError::Unknown(format!(
                    "weight: unknown pillar or sub-pillar `{}`",
                    clip(node)
                )))
            }
        }
    }
    if out.pillars.iter().map(|p| p.weight).sum::<f64>() <= 0.0 {
        return Err(ServiceError::Invalid(
            "weights: the pillars' weights are all 0".into(),
        ));
    }
    if let Some(p) = out
        .pillars
        .iter()
        .find(|p| p.subpillars.iter().map(|s| s.weight).sum::<f64>() <= 0.0)
    {
        return Err(ServiceError::Invalid(format!(
            "weights: the sub-pillars of {} are all 0",
            p.id
        )));
    }
    Ok(out)
}
