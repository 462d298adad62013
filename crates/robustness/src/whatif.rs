//! What-if and target search for one city, recomputed exactly by the method of Appendix 3
//! (a change to one city's value moves the group's means and deviations, so every score may
//! move).
//!
//! Target search:
//! - per indicator: the smallest change of that indicator alone that gives the city rank ≤ K
//!   at the chosen level, found by bisection (60 steps) between the current value and a value
//!   far beyond the group's range; "not reachable" when even that is not enough (a single
//!   z-score is bounded by √(n − 1), so some targets cannot be reached with one indicator).
//! - cheapest combination under a simple effort model: effort = Σ |change| / sd, the change
//!   of each indicator counted in its standard deviations over the group (sample sd). Each
//!   standard deviation of improvement adds the indicator's effective weight to the node's
//!   z-sum, so the greedy order — highest effective weight first, each raised at most to the
//!   group's best current value — minimises effort in the linearised problem (which ignores
//!   the change's small effect on the group's means and deviations). The last step is
//!   bisected, and the result verified by exact recomputation.

use gihi_framework::{Direction, Framework};
use gihi_scores::{score, GroupTable, MissingPolicy, ScoreError};
use serde::Serialize;

/// A requested change to one indicator.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub enum Change {
    /// `+20%`, `-5%`.
    Relative(f64),
    /// `+3`, `-1.5` (a sign makes it a difference).
    Add(f64),
    /// `3.5` (no sign: the new value).
    Set(f64),
}

impl Change {
    /// The new value from the current one.
    pub fn apply(self, current: f64) -> f64 {
        match self {
            Change::Relative(p) => current * (1.0 + p / 100.0),
            Change::Add(d) => current + d,
            Change::Set(v) => v,
        }
    }
}

/// Parses `I21=+20%`, `I05=+2` or `I30=12.5`.
pub fn parse_change(s: &str) -> Result<(String, Change), String> {
    let (id, v) = s
        .split_once('=')
        .ok_or_else(|| format!("`{s}`: expected INDICATOR=VALUE, e.g. I21=+20% or I05=3"))?;
    let v = v.trim();
    let num = |t: &str| {
        t.parse::<f64>().map_err(|_| format!("`{s}`: expected a number, a signed difference or a percentage after `=`, found `{v}`"))
    };
    let change = if let Some(p) = v.strip_suffix('%') {
        Change::Relative(num(p)?)
    } else if v.starts_with('+') || v.starts_with('-') {
        Change::Add(num(v)?)
    } else {
        Change::Set(num(v)?)
    };
    Ok((id.trim().to_string(), change))
}

/// One city's score and rank at one node, before and after.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Move {
    pub city: String,
    pub node: String,
    pub score_before: f64,
    pub score_after: f64,
    pub rank_before: usize,
    pub rank_after: usize,
}

/// Result of a what-if.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WhatIf {
    /// The chosen city at every level.
    pub city: Vec<Move>,
    /// Every other city whose rank changed at some level.
    pub affected: Vec<Move>,
}

fn with_values(table: &GroupTable, city: usize, changes: &[(usize, f64)]) -> GroupTable {
    let mut t = table.clone();
    for &(i, v) in changes {
        t.values[city][i] = Some(v);
    }
    t
}

/// Applies changes to one city and compares every score and rank.
pub fn whatif(
    framework: &Framework,
    table: &GroupTable,
    city: usize,
    changes: &[(usize, Change)],
    missing: MissingPolicy,
) -> Result<WhatIf, ScoreError> {
    let before = score(framework, table, missing)?;
    let new: Vec<(usize, f64)> = changes
        .iter()
        .map(|&(i, c)| (i, c.apply(table.values[city][i].unwrap_or(0.0))))
        .collect();
    let after = score(framework, &with_values(table, city, &new), missing)?;
    let mut out = WhatIf {
        city: Vec::new(),
        affected: Vec::new(),
    };
    for (nb, na) in before.nodes.iter().zip(&after.nodes) {
        for j in 0..table.cities.len() {
            let m = Move {
                city: table.cities[j].clone(),
                node: nb.id.clone(),
                score_before: nb.score[j],
                score_after: na.score[j],
                rank_before: nb.rank[j],
                rank_after: na.rank[j],
            };
            if j == city {
                out.city.push(m);
            } else if m.rank_before != m.rank_after {
                out.affected.push(m);
            }
        }
    }
    Ok(out)
}

/// The smallest single-indicator change that reaches the target.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SingleTarget {
    pub indicator: String,
    pub current: f64,
    /// The value needed, if reachable.
    pub needed: Option<f64>,
    pub change: Option<f64>,
    pub change_percent: Option<f64>,
}

/// One step of the cheapest combination.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Step {
    pub indicator: String,
    pub from: f64,
    pub to: f64,
    /// |to − from| / sd.
    pub effort: f64,
}

/// Result of a target search.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Target {
    pub node: String,
    pub current_rank: usize,
    pub goal: usize,
    pub single: Vec<SingleTarget>,
    /// `None` when even every indicator of the node at the group's best value is not enough.
    pub combination: Option<Vec<Step>>,
    pub combination_effort: Option<f64>,
}

fn rank_at(
    framework: &Framework,
    t: &GroupTable,
    node: &str,
    city: usize,
    missing: MissingPolicy,
) -> Result<usize, ScoreError> {
    let s = score(framework, t, missing)?;
    Ok(s.node(node).map_or(usize::MAX, |n| n.rank[city]))
}

/// Bisects the smallest move of indicator `i` from `from` toward `limit` reaching rank ≤ goal.
#[allow(clippy::too_many_arguments)]
fn bisect(
    framework: &Framework,
    t: &GroupTable,
    node: &str,
    city: usize,
    i: usize,
    from: f64,
    limit: f64,
    goal: usize,
    missing: MissingPolicy,
) -> Result<Option<f64>, ScoreError> {
    let reaches = |v: f64| -> Result<bool, ScoreError> {
        Ok(rank_at(
            framework,
            &with_values(t, city, &[(i, v)]),
            node,
            city,
            missing,
        )? <= goal)
    };
    if !reaches(limit)? {
        return Ok(None);
    }
    let (mut lo, mut hi) = (from, limit);
    for _ in 0..60 {
        let mid = (lo + hi) / 2.0;
        if reaches(mid)? {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    Ok(Some(hi))
}

/// Searches, for one city, the changes that give it rank ≤ `goal` at `node`.
pub fn target(
    framework: &Framework,
    table: &GroupTable,
    city: usize,
    node: &str,
    goal: usize,
    missing: MissingPolicy,
) -> Result<Target, ScoreError> {
    let indicators: Vec<_> = framework.indicators().collect();
    let weights = framework.effective_weights();
    let members: Vec<usize> = framework
        .aggregates()
        .into_iter()
        .find(|a| a.id == node)
        .map(|a| a.indicators)
        .unwrap_or_default();
    let current_rank = rank_at(framework, table, node, city, missing)?;
    let column = |i: usize| -> Vec<f64> { table.values.iter().filter_map(|r| r[i]).collect() };
    let mut single = Vec::new();
    for &i in &members {
        let ind = indicators[i];
        let current = table.values[city][i].unwrap_or(0.0);
        let col = column(i);
        let (lo, hi) = col
            .iter()
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| {
                (a.min(*v), b.max(*v))
            });
        let span = (hi - lo).abs() + current.abs() + 1.0;
        let limit = match ind.direction {
            Direction::HigherIsBetter => hi.max(current) + 1000.0 * span,
            Direction::LowerIsBetter if ind.kind.allows_negative() => {
                lo.min(current) - 1000.0 * span
            }
            Direction::LowerIsBetter => 0.0,
        };
        let needed = if current_rank <= goal {
            Some(current)
        } else {
            bisect(
                framework, table, node, city, i, current, limit, goal, missing,
            )?
        };
        single.push(SingleTarget {
            indicator: ind.id.clone(),
            current,
            needed,
            change: needed.map(|v| v - current),
            change_percent: needed
                .filter(|_| current != 0.0)
                .map(|v| 100.0 * (v - current) / current.abs()),
        });
    }
    // Greedy combination by effective weight, each capped at the group's best value.
    let mut order = members.clone();
    order.sort_by(|a, b| weights[*b].total_cmp(&weights[*a]).then(a.cmp(b)));
    let mut t = table.clone();
    let mut steps = Vec::new();
    let mut reached = current_rank <= goal;
    for &i in &order {
        if reached {
            break;
        }
        let ind = indicators[i];
        let col = column(i);
        let best = match ind.direction {
            Direction::HigherIsBetter => col.iter().copied().fold(f64::NEG_INFINITY, f64::max),
            Direction::LowerIsBetter => col.iter().copied().fold(f64::INFINITY, f64::min),
        };
        let from = t.values[city][i].unwrap_or(0.0);
        let improves = match ind.direction {
            Direction::HigherIsBetter => best > from,
            Direction::LowerIsBetter => best < from,
        };
        if !improves {
            continue;
        }
        let sd = crate::stats::sample_sd(&col).unwrap_or(1.0).max(1e-12);
        let to = match bisect(framework, &t, node, city, i, from, best, goal, missing)? {
            Some(v) => {
                reached = true;
                v
            }
            None => best,
        };
        t.values[city][i] = Some(to);
        steps.push(Step {
            indicator: ind.id.clone(),
            from,
            to,
            effort: (to - from).abs() / sd,
        });
    }
    let reached = reached && rank_at(framework, &t, node, city, missing)? <= goal;
    let effort = steps.iter().map(|s| s.effort).sum();
    Ok(Target {
        node: node.to_string(),
        current_rank,
        goal,
        single,
        combination: reached.then_some(steps),
        combination_effort: reached.then_some(effort),
    })
}
