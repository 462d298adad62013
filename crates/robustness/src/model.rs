//! The index as a function of methodological choices, for one evaluated group: what the
//! uncertainty and sensitivity analyses vary.
//!
//! Choices and their conventions:
//! - **weights**: every node's weight (pillar, sub-pillar, indicator) is multiplied by a factor
//!   and renormalised among its siblings; effective weights are products down the tree.
//! - **normalisation**: `z` (the method: population z-score), `min-max` to [0, 1], or `rank`
//!   (average ranks scaled to (0, 1]); lower-is-better indicators are negated first.
//! - **aggregation**: `arithmetic` (weighted sum, the method) or `geometric` (weighted sum of
//!   logarithms, i.e. a weighted geometric mean). Geometric aggregation needs positive values,
//!   so it is paired with a min-max rescaling of each normalised indicator to [1, 100].
//! - **outlier treatment** (JRC rule): an indicator with |skewness| > 2 and kurtosis > 3.5 is
//!   winsorised one point at a time (the most extreme value set to the next one on its side),
//!   up to 5 points, until the rule no longer holds; if it still holds, the original values
//!   are log-transformed instead, `ln(1 + x − min)`. Skewness and kurtosis are the
//!   bias-adjusted sample estimators (Excel's SKEW and KURT, scipy `bias=False`).
//! - **imputation**: a missing value takes the `mean` (z = 0 under z-scores) or the `median`
//!   of the observed normalised values of its indicator.
//!
//! Ranks: 1 is best, ties share the better rank (competition ranking), as in the method.

use crate::stats::{kurtosis, skewness};
use gihi_framework::{Direction, Framework};

/// How indicators are made comparable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Normalisation {
    Z,
    MinMax,
    Rank,
}

/// How normalised indicators are combined.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Aggregation {
    Arithmetic,
    Geometric,
}

/// What a missing value becomes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Imputation {
    Mean,
    Median,
}

/// One set of choices.
#[derive(Debug, Clone, PartialEq)]
pub struct Scenario {
    /// One factor per node of [`Model::nodes`] (1 = nominal).
    pub weight_factors: Vec<f64>,
    pub normalisation: Normalisation,
    pub aggregation: Aggregation,
    pub treat_outliers: bool,
    pub imputation: Imputation,
    /// Data uncertainty: per indicator, a draw in [0, 1) and a spread; the draw seeds an
    /// independent multiplicative noise `1 + spread·(2h − 1)` for every city's value, `h` a hash
    /// of the draw and the city (a common factor would change nothing: normalisations are
    /// scale-invariant).
    pub data_noise: Option<(Vec<f64>, f64)>,
}

/// A node of the weight tree.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub id: String,
    pub parent: Option<usize>,
    pub weight: f64,
}

/// One group's data and the framework's tree.
#[derive(Debug, Clone, PartialEq)]
pub struct Model {
    pub cities: Vec<String>,
    pub indicators: Vec<String>,
    /// Raw values, a row per city.
    pub raw: Vec<Vec<Option<f64>>>,
    direction: Vec<f64>,
    /// Pillars, then sub-pillars, then indicators.
    pub nodes: Vec<Node>,
    /// Node index of each indicator.
    indicator_node: Vec<usize>,
    /// Pillar (0-based) of each indicator.
    pillar_of: Vec<usize>,
    /// `GIHI`, then pillar ids.
    pub levels: Vec<String>,
}

impl Model {
    /// Builds the model of a group; `raw` has a row per city, a column per framework indicator.
    pub fn new(framework: &Framework, cities: Vec<String>, raw: Vec<Vec<Option<f64>>>) -> Model {
        let mut nodes = Vec::new();
        for p in &framework.pillars {
            nodes.push(Node {
                id: p.id.clone(),
                parent: None,
                weight: p.weight,
            });
        }
        let mut sub_index = Vec::new();
        for (pi, p) in framework.pillars.iter().enumerate() {
            for s in &p.subpillars {
                sub_index.push(nodes.len());
                nodes.push(Node {
                    id: s.id.clone(),
                    parent: Some(pi),
                    weight: s.weight,
                });
            }
        }
        let (mut indicator_node, mut pillar_of, mut direction, mut ids) =
            (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        let mut k = 0;
        for (pi, p) in framework.pillars.iter().enumerate() {
            for s in &p.subpillars {
                for i in &s.indicators {
                    indicator_node.push(nodes.len());
                    nodes.push(Node {
                        id: i.id.clone(),
                        parent: Some(sub_index[k]),
                        weight: i.weight,
                    });
                    pillar_of.push(pi);
                    direction.push(if i.direction == Direction::HigherIsBetter {
                        1.0
                    } else {
                        -1.0
                    });
                    ids.push(i.id.clone());
                }
                k += 1;
            }
        }
        let mut levels = vec![gihi_framework::COMPOSITE_ID.to_string()];
        levels.extend(framework.pillars.iter().map(|p| p.id.clone()));
        Model {
            cities,
            indicators: ids,
            raw,
            direction,
            nodes,
            indicator_node,
            pillar_of,
            levels,
        }
    }

    /// The nominal scenario: the method of Appendix 3.
    pub fn nominal(&self) -> Scenario {
        Scenario {
            weight_factors: vec![1.0; self.nodes.len()],
            normalisation: Normalisation::Z,
            aggregation: Aggregation::Arithmetic,
            treat_outliers: false,
            imputation: Imputation::Mean,
            data_noise: None,
        }
    }

    /// Number of cities.
    pub fn n(&self) -> usize {
        self.cities.len()
    }

    /// Effective indicator weights under weight factors: each node's weight times its factor,
    /// normalised among siblings, multiplied down the tree.
    pub fn effective_weights(&self, factors: &[f64]) -> Vec<f64> {
        let m = self.nodes.len();
        let mut sum_by_parent = vec![0.0; m + 1];
        for (k, node) in self.nodes.iter().enumerate() {
            sum_by_parent[node.parent.unwrap_or(m)] += node.weight * factors[k];
        }
        let mut local = vec![0.0; m];
        for (k, node) in self.nodes.iter().enumerate() {
            let s = sum_by_parent[node.parent.unwrap_or(m)];
            local[k] = if s > 0.0 {
                node.weight * factors[k] / s
            } else {
                0.0
            };
        }
        self.indicator_node
            .iter()
            .map(|&k| {
                let mut w = local[k];
                let mut p = self.nodes[k].parent;
                while let Some(q) = p {
                    w *= local[q];
                    p = self.nodes[q].parent;
                }
                w
            })
            .collect()
    }

    /// The normalised matrix (row-major, n × m) for the data-related choices of a scenario.
    /// Geometric aggregation gets each column rescaled to [1, 100].
    pub fn normalise(&self, s: &Scenario) -> Vec<f64> {
        let (n, m) = (self.n(), self.indicators.len());
        let mut out = vec![0.0; n * m];
        for i in 0..m {
            let mut col: Vec<Option<f64>> = self.raw.iter().map(|r| r[i]).collect();
            if let Some((draws, spread)) = &s.data_noise {
                for (j, v) in col.iter_mut().enumerate() {
                    *v = v.map(|x| x * (1.0 + spread * (2.0 * noise_hash(draws[i], j) - 1.0)));
                }
            }
            if s.treat_outliers {
                treat_outliers(&mut col);
            }
            let oriented: Vec<Option<f64>> = col
                .iter()
                .map(|v| v.map(|x| x * self.direction[i]))
                .collect();
            let mut norm = normalise_column(&oriented, s.normalisation);
            impute(&mut norm, s.imputation);
            let values: Vec<f64> = norm.into_iter().map(|v| v.unwrap_or(0.0)).collect();
            let values = if s.aggregation == Aggregation::Geometric {
                rescale(&values, 1.0, 100.0)
            } else {
                values
            };
            for j in 0..n {
                out[j * m + i] = values[j];
            }
        }
        out
    }

    /// Ranks at every level (composite, then pillars) for a normalised matrix and weights,
    /// written into `ranks` (levels × n). `scratch` holds one score per city.
    pub fn ranks_into(
        &self,
        normalised: &[f64],
        weights: &[f64],
        aggregation: Aggregation,
        scratch: &mut Scratch,
        ranks: &mut [Vec<u32>],
    ) {
        let (n, m) = (self.n(), self.indicators.len());
        let levels = self.levels.len();
        for j in 0..n {
            let row = &normalised[j * m..(j + 1) * m];
            for l in 0..levels {
                scratch.scores[l][j] = 0.0;
            }
            for i in 0..m {
                let v = match aggregation {
                    Aggregation::Arithmetic => row[i],
                    Aggregation::Geometric => row[i].ln(),
                };
                let c = weights[i] * v;
                scratch.scores[0][j] += c;
                scratch.scores[1 + self.pillar_of[i]][j] += c;
            }
        }
        for l in 0..levels {
            competition_ranks(&scratch.scores[l], &mut scratch.order, &mut ranks[l]);
        }
    }

    /// Ranks at every level under a scenario.
    pub fn ranks(&self, s: &Scenario) -> Vec<Vec<u32>> {
        let normalised = self.normalise(s);
        let weights = self.effective_weights(&s.weight_factors);
        let mut scratch = Scratch::new(self);
        let mut ranks = vec![vec![0; self.n()]; self.levels.len()];
        self.ranks_into(
            &normalised,
            &weights,
            s.aggregation,
            &mut scratch,
            &mut ranks,
        );
        ranks
    }
}

/// A uniform number in [0, 1) from a draw and a city index (SplitMix64 finaliser).
fn noise_hash(draw: f64, city: usize) -> f64 {
    let mut z = draw.to_bits() ^ (city as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^= z >> 31;
    (z >> 11) as f64 / (1u64 << 53) as f64
}

/// Reusable buffers for [`Model::ranks_into`].
pub struct Scratch {
    scores: Vec<Vec<f64>>,
    order: Vec<usize>,
}

impl Scratch {
    /// Buffers sized for a model.
    pub fn new(model: &Model) -> Scratch {
        Scratch {
            scores: vec![vec![0.0; model.n()]; model.levels.len()],
            order: (0..model.n()).collect(),
        }
    }
}

/// Competition ranks (higher score first, ties share the better rank).
pub fn competition_ranks(scores: &[f64], order: &mut Vec<usize>, out: &mut [u32]) {
    order.clear();
    order.extend(0..scores.len());
    order.sort_unstable_by(|&a, &b| scores[b].total_cmp(&scores[a]).then(a.cmp(&b)));
    let mut rank = 1;
    for (k, &j) in order.iter().enumerate() {
        if k > 0 && scores[j] != scores[order[k - 1]] {
            rank = k as u32 + 1;
        }
        out[j] = rank;
    }
}

fn observed(col: &[Option<f64>]) -> Vec<f64> {
    col.iter().flatten().copied().collect()
}

/// Normalises observed values; missing stay missing.
fn normalise_column(col: &[Option<f64>], method: Normalisation) -> Vec<Option<f64>> {
    let obs = observed(col);
    if obs.is_empty() {
        return col.to_vec();
    }
    let n = obs.len() as f64;
    match method {
        Normalisation::Z => {
            let mean = obs.iter().sum::<f64>() / n;
            let sd = (obs.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / n).sqrt();
            let constant = obs.iter().all(|v| *v == obs[0]);
            col.iter()
                .map(|v| v.map(|x| if constant { 0.0 } else { (x - mean) / sd }))
                .collect()
        }
        Normalisation::MinMax => {
            let (lo, hi) = obs
                .iter()
                .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| {
                    (a.min(*v), b.max(*v))
                });
            col.iter()
                .map(|v| v.map(|x| if hi > lo { (x - lo) / (hi - lo) } else { 0.0 }))
                .collect()
        }
        Normalisation::Rank => col
            .iter()
            .map(|v| {
                v.map(|x| {
                    let below = obs.iter().filter(|o| **o < x).count() as f64;
                    let equal = obs.iter().filter(|o| **o == x).count() as f64;
                    (below + (equal + 1.0) / 2.0) / n
                })
            })
            .collect(),
    }
}

fn impute(col: &mut [Option<f64>], how: Imputation) {
    let mut obs = observed(col);
    if obs.is_empty() || obs.len() == col.len() {
        return;
    }
    let fill = match how {
        Imputation::Mean => obs.iter().sum::<f64>() / obs.len() as f64,
        Imputation::Median => {
            obs.sort_by(f64::total_cmp);
            let k = obs.len();
            if k % 2 == 1 {
                obs[k / 2]
            } else {
                (obs[k / 2 - 1] + obs[k / 2]) / 2.0
            }
        }
    };
    col.iter_mut()
        .filter(|v| v.is_none())
        .for_each(|v| *v = Some(fill));
}

fn rescale(v: &[f64], lo: f64, hi: f64) -> Vec<f64> {
    let (a, b) = v
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(x, y), z| {
            (x.min(*z), y.max(*z))
        });
    v.iter()
        .map(|x| {
            if b > a {
                lo + (x - a) / (b - a) * (hi - lo)
            } else {
                lo
            }
        })
        .collect()
}

/// Whether the JRC outlier rule flags these values.
pub fn is_outlying(values: &[f64]) -> bool {
    matches!((skewness(values), kurtosis(values)), (Some(s), Some(k)) if s.abs() > 2.0 && k > 3.5)
}

/// Winsorises up to 5 points, else log-transforms (see the module documentation).
pub fn treat_outliers(col: &mut [Option<f64>]) {
    let original: Vec<Option<f64>> = col.to_vec();
    if !is_outlying(&observed(col)) {
        return;
    }
    for _ in 0..5 {
        let obs = observed(col);
        let Some(s) = skewness(&obs) else { return };
        let mut sorted = obs.clone();
        sorted.sort_by(f64::total_cmp);
        // The most extreme value on the heavy side takes the next value on that side.
        let (extreme, next) = if s > 0.0 {
            (
                sorted[sorted.len() - 1],
                sorted
                    .iter()
                    .rev()
                    .find(|v| **v < sorted[sorted.len() - 1])
                    .copied(),
            )
        } else {
            (sorted[0], sorted.iter().find(|v| **v > sorted[0]).copied())
        };
        let Some(next) = next else { return };
        col.iter_mut()
            .filter(|v| **v == Some(extreme))
            .for_each(|v| *v = Some(next));
        if !is_outlying(&observed(col)) {
            return;
        }
    }
    let min = observed(&original)
        .into_iter()
        .fold(f64::INFINITY, f64::min);
    for (v, o) in col.iter_mut().zip(original) {
        *v = o.map(|x| (1.0 + x - min).ln());
    }
}
