//! A city's profile: scores and ranks at every level, strengths and weaknesses relative to
//! its own overall rank, nearest peers, development mode.

use crate::standing::{GroupStanding, Standing};
use gihi_framework::{Level, COMPOSITE_ID};
use serde::Serialize;

/// One line of a profile.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Position {
    pub node: String,
    pub level: &'static str,
    pub score: f64,
    pub rank: u32,
    /// Cities listed at this level (the group may have more).
    pub of: usize,
    /// `composite rank − rank here`: positive where the city does better than overall.
    pub relative: i64,
    pub ranks_derived: bool,
}

/// A city's profile.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Profile {
    pub city: String,
    pub group: String,
    pub group_size: usize,
    pub positions: Vec<Position>,
    /// Sub-pillars (or pillars, where sub-pillars are not known) best relative to overall.
    pub strengths: Vec<String>,
    pub weaknesses: Vec<String>,
    /// Indicators best and worst relative to overall (computed runs only): id and rank.
    pub indicator_strengths: Vec<(String, u32)>,
    pub indicator_weaknesses: Vec<(String, u32)>,
    /// Nearest cities by Euclidean distance over the nodes both have (sub-pillars if known).
    pub peers: Vec<(String, f64)>,
    pub mode: Option<String>,
}

/// Builds the profile of `city`; `None` if the city is in no group of the standing.
pub fn profile(standing: &Standing, city: &str, mode: Option<String>) -> Option<Profile> {
    let g = standing
        .groups
        .iter()
        .find(|g| g.nodes.iter().any(|n| n.get(city).is_some()))?;
    let overall = g
        .node(COMPOSITE_ID)
        .and_then(|n| n.get(city))
        .map(|e| e.rank);
    let positions: Vec<Position> = g
        .nodes
        .iter()
        .filter_map(|n| {
            let e = n.get(city)?;
            Some(Position {
                node: n.node.clone(),
                level: n.level.as_str(),
                score: e.score,
                rank: e.rank,
                of: n.entries.len(),
                relative: overall.map_or(0, |o| o as i64 - e.rank as i64),
                ranks_derived: n.ranks_derived,
            })
        })
        .collect();
    let level_for_strength = if positions
        .iter()
        .any(|p| p.level == Level::SubPillar.as_str())
    {
        Level::SubPillar
    } else {
        Level::Pillar
    };
    let mut rel: Vec<&Position> = positions
        .iter()
        .filter(|p| p.level == level_for_strength.as_str())
        .collect();
    rel.sort_by(|a, b| b.relative.cmp(&a.relative).then(a.node.cmp(&b.node)));
    let strengths = rel.iter().take(3).map(|p| p.node.clone()).collect();
    let weaknesses = rel.iter().rev().take(3).map(|p| p.node.clone()).collect();
    let (indicator_strengths, indicator_weaknesses) =
        indicator_extremes(g, city, overall, &standing.framework);
    Some(Profile {
        city: city.to_string(),
        group: g.group.as_str().to_string(),
        group_size: g.size,
        positions,
        strengths,
        weaknesses,
        indicator_strengths,
        indicator_weaknesses,
        peers: peers(g, city, 5),
        mode,
    })
}

#[allow(clippy::type_complexity)]
fn indicator_extremes(
    g: &GroupStanding,
    city: &str,
    overall: Option<u32>,
    framework: &gihi_framework::Framework,
) -> (Vec<(String, u32)>, Vec<(String, u32)>) {
    let Some(own) = g.indicator_z.get(city) else {
        return (Vec::new(), Vec::new());
    };
    let ids: Vec<String> = framework.indicators().map(|i| i.id.clone()).collect();
    let overall = overall.unwrap_or(0) as i64;
    let mut ranked: Vec<(String, u32, i64)> = ids
        .iter()
        .enumerate()
        .map(|(i, id)| {
            let rank = 1 + g.indicator_z.values().filter(|z| z[i] > own[i]).count() as u32;
            (id.clone(), rank, overall - rank as i64)
        })
        .collect();
    ranked.sort_by(|a, b| b.2.cmp(&a.2).then(a.0.cmp(&b.0)));
    let best = ranked
        .iter()
        .take(3)
        .map(|(i, r, _)| (i.clone(), *r))
        .collect();
    let worst = ranked
        .iter()
        .rev()
        .take(3)
        .map(|(i, r, _)| (i.clone(), *r))
        .collect();
    (best, worst)
}

/// Nearest cities over the sub-pillar scores both have (pillar scores if either lacks them).
fn peers(g: &GroupStanding, city: &str, n: usize) -> Vec<(String, f64)> {
    let pick = |level: Level| -> Vec<&crate::standing::NodeStanding> {
        g.nodes.iter().filter(|x| x.level == level).collect()
    };
    let subs = pick(Level::SubPillar);
    let pillars = pick(Level::Pillar);
    let vector = |nodes: &[&crate::standing::NodeStanding], c: &str| -> Option<Vec<f64>> {
        nodes.iter().map(|x| x.get(c).map(|e| e.score)).collect()
    };
    let (nodes, own) = match vector(&subs, city) {
        Some(v) if !subs.is_empty() => (subs, v),
        _ => match vector(&pillars, city) {
            Some(v) => (pillars, v),
            None => return Vec::new(),
        },
    };
    let mut out: Vec<(String, f64)> = g
        .node(COMPOSITE_ID)
        .map(|n| n.entries.iter().map(|e| e.city.clone()).collect::<Vec<_>>())
        .unwrap_or_default()
        .into_iter()
        .filter(|c| c != city)
        .filter_map(|c| {
            let v = vector(&nodes, &c)?;
            let d = v
                .iter()
                .zip(&own)
                .map(|(a, b)| (a - b) * (a - b))
                .sum::<f64>()
                .sqrt();
            Some((c, d))
        })
        .collect();
    out.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
    out.truncate(n);
    out
}
