//! What-if and target search for one city, recomputed exactly by the method of Appendix 3
//! (a change to one city's value moves the group's means and deviations, so every score may
//! move).
//!
//! Target search:
//! - per indicator: the smallest change of that indicator alone found to give the city rank
//!   ≤ K at the chosen level. A rank is not monotone in one value (moving a value moves the
//!   group's mean and deviation, so z-scores recentre), so the search first scans the whole
//!   admissible range — [`SCAN_POINTS`] points from the current value to far beyond the
//!   group's range (1000 spans), denser near the current value — and then bisects (60 steps)
//!   between the last point that fails and the first that reaches. When no point reaches, the
//!   result is "not found" with the range searched (a single z-score is bounded by √(n − 1),
//!   so some targets cannot be reached with one indicator).
//! - the value printed is rounded to [`DECIMALS`] decimals *in the improving direction* and
//!   verified by exact recomputation, so it always reaches the rank (if the rounded value
//!   does not, the exact value is given).
//! - a greedy combination under a simple effort model: effort = Σ |change| / sd, the change
//!   of each indicator counted in its standard deviations over the group (sample sd).
//!   Indicators are raised in order of effective weight (highest first), each at most to the
//!   group's best current value, the last step bisected and the result verified by exact
//!   recomputation. This order is optimal only for the linearised problem without the caps;
//!   it is a heuristic, **not guaranteed to be the cheapest** combination.

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

/// Why a what-if cannot be computed.
#[derive(Debug, thiserror::Error)]
pub enum WhatIfError {
    #[error(transparent)]
    Score(#[from] ScoreError),
    #[error("{0}")]
    Invalid(String),
}

/// The new values of one city's indicators, validated as `gihi compute` validates input:
/// finite, and 0 or more except for growth rates. A relative or additive change to a
/// missing cell is refused (there is nothing to change); setting a value fills it.
pub fn apply_changes(
    framework: &Framework,
    table: &GroupTable,
    city: usize,
    changes: &[(usize, Change)],
) -> Result<Vec<(usize, f64)>, String> {
    let indicators: Vec<_> = framework.indicators().collect();
    let mut out = Vec::new();
    for &(i, c) in changes {
        let ind = indicators[i];
        let new = match (table.values[city][i], c) {
            (_, Change::Set(v)) => v,
            (Some(current), c) => c.apply(current),
            (None, _) => {
                return Err(format!(
                    "{} of {} is missing: a relative or additive change needs a value; set one instead (e.g. {}=12.5)",
                    ind.id, table.cities[city], ind.id
                ))
            }
        };
        if !new.is_finite() {
            return Err(format!("{}: the new value is not a finite number", ind.id));
        }
        if new < 0.0 && !ind.kind.allows_negative() {
            return Err(format!(
                "{} ({}): expected a value of 0 or more, the change gives {new}",
                ind.id,
                ind.kind.as_str()
            ));
        }
        out.push((i, new));
    }
    Ok(out)
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
) -> Result<WhatIf, WhatIfError> {
    let new = apply_changes(framework, table, city, changes).map_err(WhatIfError::Invalid)?;
    let before = score(framework, table, missing)?;
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

/// Points scanned over the admissible range before bisecting (see the module docs).
pub const SCAN_POINTS: usize = 64;
/// Decimals of the values reported; they are rounded in the improving direction.
pub const DECIMALS: i32 = 4;

/// The smallest single-indicator change found to reach the target.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SingleTarget {
    pub indicator: String,
    pub current: f64,
    /// The value needed (verified to reach the rank), or `None` when no value was found.
    pub needed: Option<f64>,
    pub change: Option<f64>,
    pub change_percent: Option<f64>,
    /// The far end of the range searched (from the current value).
    pub searched_to: f64,
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
    /// A greedy combination (highest effective weight first; not guaranteed cheapest);
    /// `None` when even every indicator of the node at the group's best value is not enough.
    pub greedy_combination: Option<Vec<Step>>,
    pub greedy_effort: Option<f64>,
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

/// The smallest move of indicator `i` from `from` toward `limit` found to reach rank ≤ goal:
/// scans [`SCAN_POINTS`] points (denser near `from`), then bisects between the last point
/// that fails and the first that reaches; the result is rounded to [`DECIMALS`] in the
/// direction of `limit` when that still reaches.
#[allow(clippy::too_many_arguments)]
fn search(
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
    let mut lo = from;
    let mut hi = None;
    for k in 1..=SCAN_POINTS {
        let x = (k as f64 / SCAN_POINTS as f64).powi(3);
        let v = if k == SCAN_POINTS {
            limit
        } else {
            from + (limit - from) * x
        };
        if reaches(v)? {
            hi = Some(v);
            break;
        }
        lo = v;
    }
    let Some(mut hi) = hi else { return Ok(None) };
    for _ in 0..60 {
        let mid = (lo + hi) / 2.0;
        if reaches(mid)? {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    let step = 10f64.powi(-DECIMALS);
    let rounded = if limit >= from {
        (hi / step).ceil() * step
    } else {
        (hi / step).floor() * step
    };
    let admissible = if limit >= from {
        rounded <= limit.max(hi)
    } else {
        rounded >= limit.min(hi)
    };
    Ok(Some(if admissible && reaches(rounded)? {
        rounded
    } else {
        hi
    }))
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
            search(
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
            searched_to: limit,
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
        let to = match search(framework, &t, node, city, i, from, best, goal, missing)? {
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
        greedy_combination: reached.then_some(steps),
        greedy_effort: reached.then_some(effort),
    })
}
