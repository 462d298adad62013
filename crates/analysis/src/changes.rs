//! Rank changes between two editions or runs: movers, entrants and leavers of a top N, and
//! risers and fallers by continent. Positive change = the city rose.

use gihi_registry::Registry;
use serde::Serialize;
use std::collections::BTreeMap;

/// One city's move.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RankChange {
    pub city: String,
    /// The earlier rank (`rank_before` in every output, as in `gihi whatif`).
    #[serde(rename = "rank_before")]
    pub before: Option<u32>,
    /// The later rank (`rank_after`).
    #[serde(rename = "rank_after")]
    pub after: Option<u32>,
    /// `before − after`: positive when the city rose; `None` if either rank is unknown.
    pub change: Option<i64>,
}

/// Rank changes at one level.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Changes {
    pub top: u32,
    /// Cities in the later top N, ordered by later rank; then leavers.
    pub rows: Vec<RankChange>,
    /// In the later top N, not in the earlier one.
    pub entrants: Vec<String>,
    /// In the earlier top N, not in the later one (only those the earlier ranks name).
    pub leavers: Vec<String>,
    /// Earlier top-N ranks held by cities the data do not name (printed histories list only
    /// the later top N, so a leaver shows up only as a rank missing from them).
    pub unnamed_earlier_ranks: Vec<u32>,
    /// Per continent: (rose, fell, unchanged) among cities with both ranks.
    pub by_continent: Vec<(String, usize, usize, usize)>,
}

/// Metros of `after` that `before` does not have (added), and the reverse (dropped), by id
/// (editions keep a metro's id, so a renamed metro is neither).
pub fn registry_diff(before: &Registry, after: &Registry) -> (Vec<String>, Vec<String>) {
    let added = after
        .cities
        .iter()
        .filter(|c| before.get(&c.id).is_none())
        .map(|c| c.id.clone())
        .collect();
    let dropped = before
        .cities
        .iter()
        .filter(|c| after.get(&c.id).is_none())
        .map(|c| c.id.clone())
        .collect();
    (added, dropped)
}

/// Compares two rank maps (city → rank) over the later top `top`.
pub fn compare(
    before: &BTreeMap<String, u32>,
    after: &BTreeMap<String, u32>,
    top: u32,
    registry: &Registry,
) -> Changes {
    let mut later: Vec<(&String, &u32)> = after.iter().filter(|(_, r)| **r <= top).collect();
    later.sort_by(|a, b| a.1.cmp(b.1).then(a.0.cmp(b.0)));
    let mut rows: Vec<RankChange> = later
        .iter()
        .map(|(c, a)| {
            let b = before.get(*c).copied();
            RankChange {
                city: (*c).clone(),
                before: b,
                after: Some(**a),
                change: b.map(|b| b as i64 - **a as i64),
            }
        })
        .collect();
    let entrants = rows
        .iter()
        .filter(|r| r.before.is_none_or(|b| b > top))
        .map(|r| r.city.clone())
        .collect();
    let mut leavers: Vec<(u32, String)> = before
        .iter()
        .filter(|(c, b)| **b <= top && after.get(*c).is_none_or(|a| *a > top))
        .map(|(c, b)| (*b, c.clone()))
        .collect();
    leavers.sort();
    for (b, c) in &leavers {
        rows.push(RankChange {
            city: c.clone(),
            before: Some(*b),
            after: after.get(c).copied(),
            change: after.get(c).map(|a| *b as i64 - *a as i64),
        });
    }
    let named: Vec<u32> = before.values().copied().filter(|b| *b <= top).collect();
    // Ranks 1..top are all held in the earlier year (competition ranks may skip after ties,
    // which only history tables without ties can rule out; the printed ones have none).
    let unnamed_earlier_ranks = if before.len() < after.len() || named.len() < top as usize {
        (1..=top).filter(|r| !named.contains(r)).collect()
    } else {
        Vec::new()
    };
    let mut by: BTreeMap<String, (usize, usize, usize)> = BTreeMap::new();
    for r in &rows {
        let (Some(ch), Some(city)) = (r.change, registry.get(&r.city)) else {
            continue;
        };
        let e = by.entry(city.continent.name_en().to_string()).or_default();
        match ch.signum() {
            1 => e.0 += 1,
            -1 => e.1 += 1,
            _ => e.2 += 1,
        }
    }
    Changes {
        top,
        rows,
        entrants,
        leavers: leavers.into_iter().map(|(_, c)| c).collect(),
        unnamed_earlier_ranks,
        by_continent: by.into_iter().map(|(k, (a, b, c))| (k, a, b, c)).collect(),
    }
}

/// The biggest movers among rows with both ranks: up to `n` risers and `n` fallers, largest
/// moves first, ties by city id.
pub fn biggest_movers(changes: &Changes, n: usize) -> (Vec<&RankChange>, Vec<&RankChange>) {
    let mut moved: Vec<&RankChange> = changes
        .rows
        .iter()
        .filter(|r| r.change.is_some_and(|c| c != 0))
        .collect();
    moved.sort_by(|a, b| b.change.cmp(&a.change).then(a.city.cmp(&b.city)));
    let risers = moved
        .iter()
        .filter(|r| r.change > Some(0))
        .take(n)
        .copied()
        .collect();
    let mut fallers: Vec<&RankChange> = moved
        .iter()
        .filter(|r| r.change < Some(0))
        .copied()
        .collect();
    fallers.sort_by(|a, b| a.change.cmp(&b.change).then(a.city.cmp(&b.city)));
    (risers, fallers.into_iter().take(n).collect())
}
