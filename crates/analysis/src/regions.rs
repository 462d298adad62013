//! Regional views: rank quartiles by continent (the data behind the report's Figures 2, 5,
//! 19 and 30) and counts of cities by continent or country within a top N.
//!
//! Quartiles use linear interpolation between order statistics (numpy's default, Hyndman and
//! Fan type 7): the q-quantile of sorted ranks x_1..x_m is x at position 1 + q(m − 1).

use crate::standing::NodeStanding;
use gihi_registry::{Continent, Registry};
use serde::Serialize;

/// Summary of one continent's ranks at a level.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RankQuartiles {
    pub continent: String,
    pub cities: usize,
    pub best: u32,
    pub q1: f64,
    pub median: f64,
    pub q3: f64,
    pub worst: u32,
}

/// The q-quantile of sorted values by linear interpolation (type 7).
pub fn quantile(sorted: &[f64], q: f64) -> f64 {
    let pos = q * (sorted.len() - 1) as f64;
    let lo = pos.floor() as usize;
    let hi = pos.ceil() as usize;
    sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo as f64)
}

/// Rank quartiles per continent over the listed cities of a level (continents in the
/// report's order; those without cities left out).
pub fn rank_quartiles(node: &NodeStanding, registry: &Registry) -> Vec<RankQuartiles> {
    Continent::ALL
        .iter()
        .filter_map(|cont| {
            let mut ranks: Vec<f64> = node
                .entries
                .iter()
                .filter(|e| registry.get(&e.city).is_some_and(|c| c.continent == *cont))
                .map(|e| e.rank as f64)
                .collect();
            if ranks.is_empty() {
                return None;
            }
            ranks.sort_by(f64::total_cmp);
            Some(RankQuartiles {
                continent: cont.name_en().to_string(),
                cities: ranks.len(),
                best: ranks[0] as u32,
                q1: quantile(&ranks, 0.25),
                median: quantile(&ranks, 0.5),
                q3: quantile(&ranks, 0.75),
                worst: *ranks.last().expect("non-empty") as u32,
            })
        })
        .collect()
}

/// Grouping of regional counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum By {
    Continent,
    Country,
}

/// Counts within the top `n` (rank ≤ n, so cities tied at the cut-off all count), most first,
/// then by name; and the number of cities counted.
pub fn top_counts(
    node: &NodeStanding,
    registry: &Registry,
    n: u32,
    by: By,
) -> (Vec<(String, usize)>, usize) {
    let mut counts: Vec<(String, usize)> = Vec::new();
    let mut total = 0;
    for e in node.entries.iter().filter(|e| e.rank <= n) {
        let Some(c) = registry.get(&e.city) else {
            continue;
        };
        let key = match by {
            By::Continent => c.continent.name_en().to_string(),
            By::Country => c.country.clone(),
        };
        total += 1;
        match counts.iter_mut().find(|(k, _)| *k == key) {
            Some((_, v)) => *v += 1,
            None => counts.push((key, 1)),
        }
    }
    counts.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    (counts, total)
}
