//! The GIHI scoring method of report Appendix 3, for one evaluated group at a time.
//!
//! 1. Each indicator is z-scored over the group: `y_ij = (x_ij − mean_i) / Std(x_i)`
//!    (negated for lower-is-better indicators).
//! 2. Every node's z-value is the weighted sum of its indicators' z-scores with their
//!    *effective* weights (the product of the weights down the tree):
//!    `Y_j^s = Σ_i w_i · y_ij`. The composite sums all indicators, a pillar or sub-pillar
//!    sums its own, so the composite z-value is the sum of the pillar z-values.
//! 3. Each node's z-values are min-max rescaled over the group to [60, 100]:
//!    `Y_j = 60 + (Y_j^s − Y_min) / (Y_max − Y_min) · 40`.
//! 4. Rank 1 is best; ties share the better rank (1, 2, 2, 4). Two z-values are tied when
//!    they differ by at most [`TIE_TOLERANCE`] times the node's z-range, so values that are
//!    mathematically equal but were summed in a different order (one ulp apart) tie.
//!
//! Conventions:
//! - `Std` is the **population** standard deviation (divide by n, numpy's `ddof=0`). On a
//!   complete table the choice cannot change any score or rank: the sample deviation only
//!   multiplies every z-score by the same factor √(n/(n−1)), which min-max removes. It matters
//!   only with imputation, where indicators have different numbers of observed values.
//! - Means and deviations are summed sequentially in city order, so results are
//!   deterministic.
//! - An indicator that is constant over the group has no z-score; every city gets z = 0
//!   for it and a note says so. A node whose z-values are all equal scores 100 for every
//!   city (all rank 1), also with a note.
//! - Missing values are never dropped silently: by default they are an error listing every
//!   missing cell; with [`MissingPolicy::MeanImpute`] the statistics use the observed
//!   values and a missing cell gets z = 0 (the mean), flagged in [`Scores::imputed`].

use gihi_framework::{Direction, Framework, Level};

/// Lowest score of a level within a group.
pub const SCORE_MIN: f64 = 60.0;
/// Highest score of a level within a group.
pub const SCORE_MAX: f64 = 100.0;

/// What to do with missing indicator values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MissingPolicy {
    /// Refuse, listing every missing cell.
    #[default]
    Error,
    /// Statistics over the observed values; a missing cell gets z = 0 and is flagged.
    MeanImpute,
}

impl MissingPolicy {
    /// Name used on the command line and in manifests.
    pub fn as_str(self) -> &'static str {
        match self {
            MissingPolicy::Error => "error",
            MissingPolicy::MeanImpute => "mean",
        }
    }
}

/// One group's indicator values: a row per city, a column per indicator in
/// [`Framework::indicators`] order; `None` is a missing value.
#[derive(Debug, Clone, PartialEq)]
pub struct GroupTable {
    pub cities: Vec<String>,
    pub values: Vec<Vec<Option<f64>>>,
}

/// The scores of one node (composite, pillar or sub-pillar) for every city of a group.
#[derive(Debug, Clone, PartialEq)]
pub struct NodeScores {
    pub level: Level,
    pub id: String,
    /// Weighted z-sum `Y_j^s`, per city.
    pub z: Vec<f64>,
    /// Score on [60, 100], per city.
    pub score: Vec<f64>,
    /// Rank (1 = best, ties share the better rank), per city.
    pub rank: Vec<usize>,
}

/// Everything the method computes for one group.
#[derive(Debug, Clone, PartialEq)]
pub struct Scores {
    pub cities: Vec<String>,
    /// Indicator ids, in framework order.
    pub indicators: Vec<String>,
    /// Effective weight of each indicator.
    pub weights: Vec<f64>,
    /// Z-score per city and indicator.
    pub z: Vec<Vec<f64>>,
    /// Whether a city's value of an indicator was imputed.
    pub imputed: Vec<Vec<bool>>,
    /// Composite first, then pillars, then sub-pillars (framework order).
    pub nodes: Vec<NodeScores>,
    /// Degenerate cases met (constant indicators or nodes).
    pub notes: Vec<String>,
}

impl Scores {
    /// The scores of the node with this id (`GIHI`, `A`, `A1`, ...).
    pub fn node(&self, id: &str) -> Option<&NodeScores> {
        self.nodes.iter().find(|n| n.id == id)
    }
}

/// Why a group could not be scored.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ScoreError {
    #[error("{} missing value(s): {}", .cells.len(), list_cells(.cells))]
    Missing { cells: Vec<(String, String)> },
    #[error("indicator {indicator} has no value for any city of the group")]
    NoValues { indicator: String },
    #[error("the group has {} {}; scoring needs at least 2", n, if *n == 1 { "city" } else { "cities" })]
    TooFewCities { n: usize },
    #[error("city {city}, indicator {indicator}: value {value} is not a finite number")]
    NotFinite {
        city: String,
        indicator: String,
        value: f64,
    },
    #[error("row {row} has {found} values; the framework has {expected} indicators")]
    Shape {
        row: usize,
        found: usize,
        expected: usize,
    },
}

fn list_cells(cells: &[(String, String)]) -> String {
    cells
        .iter()
        .map(|(c, i)| format!("{c}/{i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Scores one evaluated group by the method of Appendix 3.
pub fn score(
    framework: &Framework,
    table: &GroupTable,
    missing: MissingPolicy,
) -> Result<Scores, ScoreError> {
    let indicators: Vec<_> = framework.indicators().collect();
    let n = table.cities.len();
    if n < 2 {
        return Err(ScoreError::TooFewCities { n });
    }
    check_table(table, &indicators, missing)?;

    let mut notes = Vec::new();
    let mut z = vec![vec![0.0; indicators.len()]; n];
    let mut imputed = vec![vec![false; indicators.len()]; n];
    for (i, ind) in indicators.iter().enumerate() {
        let column: Vec<Option<f64>> = table.values.iter().map(|row| row[i]).collect();
        let zi = z_scores(&column).ok_or_else(|| ScoreError::NoValues {
            indicator: ind.id.clone(),
        })?;
        if is_constant(&column) {
            notes.push(format!(
                "indicator {} is constant over the group: z = 0 for every city",
                ind.id
            ));
        }
        let sign = match ind.direction {
            Direction::HigherIsBetter => 1.0,
            Direction::LowerIsBetter => -1.0,
        };
        for j in 0..n {
            z[j][i] = sign * zi[j];
            imputed[j][i] = column[j].is_none();
        }
    }

    let weights = framework.effective_weights();
    let mut nodes = Vec::new();
    for agg in framework.aggregates() {
        let node_z: Vec<f64> = z
            .iter()
            .map(|row| weighted_sum(row, &weights, &agg.indicators))
            .collect();
        let score = min_max_to_60_100(&node_z).unwrap_or_else(|| {
            notes.push(format!(
                "{} {} has the same z-value for every city: all score 100",
                agg.level.as_str(),
                agg.id
            ));
            vec![SCORE_MAX; n]
        });
        nodes.push(NodeScores {
            level: agg.level,
            id: agg.id.to_string(),
            rank: competition_ranks(&node_z),
            z: node_z,
            score,
        });
    }

    Ok(Scores {
        cities: table.cities.clone(),
        indicators: indicators.iter().map(|i| i.id.clone()).collect(),
        weights,
        z,
        imputed,
        nodes,
        notes,
    })
}

fn check_table(
    table: &GroupTable,
    indicators: &[&gihi_framework::Indicator],
    missing: MissingPolicy,
) -> Result<(), ScoreError> {
    let mut missing_cells = Vec::new();
    for (j, row) in table.values.iter().enumerate() {
        if row.len() != indicators.len() {
            return Err(ScoreError::Shape {
                row: j,
                found: row.len(),
                expected: indicators.len(),
            });
        }
        for (i, v) in row.iter().enumerate() {
            match v {
                None => missing_cells.push((table.cities[j].clone(), indicators[i].id.clone())),
                Some(x) if !x.is_finite() => {
                    return Err(ScoreError::NotFinite {
                        city: table.cities[j].clone(),
                        indicator: indicators[i].id.clone(),
                        value: *x,
                    })
                }
                Some(_) => {}
            }
        }
    }
    if missing == MissingPolicy::Error && !missing_cells.is_empty() {
        return Err(ScoreError::Missing {
            cells: missing_cells,
        });
    }
    Ok(())
}

/// Z-scores of one indicator over the group: `(x − mean) / Std(x)` with the population
/// standard deviation over the observed values; a missing value gets 0 (the mean).
/// `None` if no value is observed; all zeros if the observed values are constant.
pub fn z_scores(x: &[Option<f64>]) -> Option<Vec<f64>> {
    let observed: Vec<f64> = x.iter().flatten().copied().collect();
    if observed.is_empty() {
        return None;
    }
    if observed.iter().all(|v| *v == observed[0]) {
        return Some(vec![0.0; x.len()]);
    }
    let (mean, std, scale) = mean_and_std(&observed);
    Some(
        x.iter()
            .map(|v| v.map_or(0.0, |v| (v / scale - mean) / std))
            .collect(),
    )
}

/// The power of two at or below the largest |value| (1 for all zeros): dividing by it is exact
/// and keeps squares and higher powers finite for any finite input.
pub fn power_of_two_scale(values: &[f64]) -> f64 {
    let largest = values.iter().fold(0.0f64, |m, v| m.max(v.abs()));
    if largest > 0.0 && largest.is_finite() {
        2f64.powi(largest.log2().floor() as i32)
    } else {
        1.0
    }
}

/// Mean and population standard deviation of `values / scale`, with `scale` from
/// [`power_of_two_scale`]: z-scores are bit-identical to the unscaled formula wherever that
/// does not overflow, and finite for 1e200 too.
/// Returns (mean, std, scale); z = (x / scale − mean) / std.
pub fn mean_and_std(values: &[f64]) -> (f64, f64, f64) {
    let scale = power_of_two_scale(values);
    let n = values.len() as f64;
    let mean = values.iter().map(|v| v / scale).sum::<f64>() / n;
    let variance = values
        .iter()
        .map(|v| (v / scale - mean) * (v / scale - mean))
        .sum::<f64>()
        / n;
    (mean, variance.sqrt(), scale)
}

fn is_constant(x: &[Option<f64>]) -> bool {
    let mut observed = x.iter().flatten();
    let first = observed.next();
    observed.all(|v| Some(v) == first)
}

/// `Σ_i w_i · y_i` over the indicators of one node.
pub fn weighted_sum(z: &[f64], weights: &[f64], indicators: &[usize]) -> f64 {
    indicators.iter().map(|&i| weights[i] * z[i]).sum()
}

/// `60 + (Y − Y_min) / (Y_max − Y_min) · 40`; `None` when all values are equal.
pub fn min_max_to_60_100(y: &[f64]) -> Option<Vec<f64>> {
    let min = y.iter().copied().fold(f64::INFINITY, f64::min);
    let max = y.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    if max <= min {
        return None;
    }
    Some(
        y.iter()
            .map(|v| SCORE_MIN + (v - min) / (max - min) * (SCORE_MAX - SCORE_MIN))
            .collect(),
    )
}

/// Relative tie tolerance of ranks: two values of a node are tied when they differ by at
/// most this times the node's range (`max − min` over the group). 1e-9 of the range is
/// 4e-8 score points, far below the two printed decimals, and far above the rounding of
/// sums of 30 terms (about 1e-15 of the range).
pub const TIE_TOLERANCE: f64 = 1e-9;

/// The absolute tie tolerance for a set of values: [`TIE_TOLERANCE`] × (max − min).
pub fn tie_tolerance(y: &[f64]) -> f64 {
    let (lo, hi) = y
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| {
            (a.min(*v), b.max(*v))
        });
    if hi > lo {
        TIE_TOLERANCE * (hi - lo)
    } else {
        0.0
    }
}

/// Competition ranks, higher value first: 1 + the number of values greater by more than
/// the tie tolerance ([`tie_tolerance`]), so tied values share the better rank.
pub fn competition_ranks(y: &[f64]) -> Vec<usize> {
    let tol = tie_tolerance(y);
    let mut sorted: Vec<f64> = y.to_vec();
    sorted.sort_by(|a, b| b.total_cmp(a));
    y.iter()
        .map(|v| 1 + sorted.partition_point(|s| *s > v + tol))
        .collect()
}

#[cfg(test)]
mod tests;
