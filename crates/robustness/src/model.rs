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
use crate::weights::WeightPlan;
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
    /// Pillars, then sub-pillars, then indicators (as built: the model keeps their weights
    /// and parents in flat arrays too).
    pub nodes: Vec<Node>,
    /// `GIHI`, then pillar ids.
    pub levels: Vec<String>,
    /// Indicator positions of each pillar (contiguous in framework order).
    pillar_ranges: Vec<std::ops::Range<usize>>,
    /// Each node's weight, and its parent's index (`nodes.len()` for a pillar).
    node_weight: Vec<f64>,
    node_parent: Vec<usize>,
    /// Each indicator's node, sub-pillar node and pillar node.
    indicator_chain: Vec<[usize; 3]>,
    /// The same tree as index vectors for AVX-512 (None past its limits).
    weight_plan: Option<WeightPlan>,
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
        let (mut indicator_node, mut direction, mut ids) = (Vec::new(), Vec::new(), Vec::new());
        let mut k = 0;
        for p in &framework.pillars {
            for s in &p.subpillars {
                for i in &s.indicators {
                    indicator_node.push(nodes.len());
                    nodes.push(Node {
                        id: i.id.clone(),
                        parent: Some(sub_index[k]),
                        weight: i.weight,
                    });
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
        let mut pillar_ranges = Vec::new();
        let mut start = 0;
        for p in &framework.pillars {
            let len: usize = p.subpillars.iter().map(|s| s.indicators.len()).sum();
            pillar_ranges.push(start..start + len);
            start += len;
        }
        let m = nodes.len();
        let node_weight = nodes.iter().map(|n| n.weight).collect();
        let node_parent: Vec<usize> = nodes.iter().map(|n| n.parent.unwrap_or(m)).collect();
        debug_assert!(
            node_parent.chunk_by(|a, b| a == b).count()
                == node_parent
                    .iter()
                    .collect::<std::collections::BTreeSet<_>>()
                    .len(),
            "siblings are contiguous"
        );
        let indicator_chain = indicator_node
            .iter()
            .map(|&k| {
                let sub = nodes[k].parent.expect("an indicator has a sub-pillar");
                [
                    k,
                    sub,
                    nodes[sub].parent.expect("a sub-pillar has a pillar"),
                ]
            })
            .collect::<Vec<_>>();
        let weight_plan = WeightPlan::new(&node_parent, &indicator_chain);
        Model {
            cities,
            indicators: ids,
            raw,
            direction,
            nodes,
            levels,
            pillar_ranges,
            node_weight,
            node_parent,
            indicator_chain,
            weight_plan,
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
        let mut out = vec![0.0; self.indicators.len()];
        self.effective_weights_into(
            factors,
            &mut vec![0.0; self.nodes.len() + 1],
            &mut vec![0.0; self.nodes.len()],
            &mut out,
        );
        out
    }

    /// [`Model::effective_weights`] into caller buffers (no allocation): with AVX-512, eight
    /// nodes at a time by the tree's [`WeightPlan`] (the same bits; see [`crate::weights`]).
    pub fn effective_weights_into(
        &self,
        factors: &[f64],
        sum_by_parent: &mut [f64],
        local: &mut [f64],
        out: &mut [f64],
    ) {
        #[cfg(target_arch = "x86_64")]
        if let Some(plan) = &self.weight_plan {
            if std::arch::is_x86_feature_detected!("avx512f") {
                // SAFETY: the CPU supports AVX-512F, checked just above; the plan is this
                // tree's, and `factors` and `out` have its node and indicator counts.
                return unsafe { plan.apply_avx512(&self.node_weight, factors, out) };
            }
        }
        self.effective_weights_plain(factors, sum_by_parent, local, out)
    }

    #[inline(always)]
    fn effective_weights_plain(
        &self,
        factors: &[f64],
        sum_by_parent: &mut [f64],
        local: &mut [f64],
        out: &mut [f64],
    ) {
        // Flat arrays (parent slot `m` for the pillars) and the fixed depth of the tree
        // (indicator, sub-pillar, pillar); the same operations in the same order as walking
        // the tree, so the same bits.
        // Siblings are contiguous (`Model::new` lays the nodes out parent by parent), so each
        // parent's sum runs in a register from 0 in node order (the same additions as adding
        // into memory, without a store-to-load chain through it).
        sum_by_parent.iter_mut().for_each(|x| *x = 0.0);
        let mut run = (usize::MAX, 0.0);
        for ((&w, &f), &parent) in self.node_weight.iter().zip(factors).zip(&self.node_parent) {
            if parent != run.0 {
                if let Some(s) = sum_by_parent.get_mut(run.0) {
                    *s = run.1;
                }
                run = (parent, 0.0);
            }
            run.1 += w * f;
        }
        if let Some(s) = sum_by_parent.get_mut(run.0) {
            *s = run.1;
        }
        // Each node's parent sum first, then the divisions in a loop without indexing, which
        // the compiler vectorises (a lane with a zero sum divides but is then set to 0).
        for (l, &parent) in local.iter_mut().zip(&self.node_parent) {
            *l = sum_by_parent[parent];
        }
        for ((l, &w), &f) in local.iter_mut().zip(&self.node_weight).zip(factors) {
            let s = *l;
            *l = if s > 0.0 { w * f / s } else { 0.0 };
        }
        for (o, &[k, sub, pillar]) in out.iter_mut().zip(&self.indicator_chain) {
            *o = local[k] * local[sub] * local[pillar];
        }
    }

    /// The normalised matrix (column-major: indicator i's values for all cities at
    /// `i·n..(i+1)·n`) for the data-related choices of a scenario.
    /// For geometric aggregation each column is rescaled to [1, 100] and its logarithm stored,
    /// so that a weighted sum of the matrix is the log of the weighted geometric mean.
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
                    .into_iter()
                    .map(f64::ln)
                    .collect()
            } else {
                values
            };
            out[i * n..(i + 1) * n].copy_from_slice(&values);
        }
        out
    }

    /// Ranks at every level (composite, then pillars) for a normalised matrix and weights,
    /// written into `ranks` (levels × n), using `scratch` buffers.
    pub fn ranks_into(
        &self,
        normalised: &[f64],
        weights: &[f64],
        scratch: &mut Scratch,
        ranks: &mut [Vec<u32>],
    ) {
        self.ranks_into_near(normalised, None, weights, scratch, ranks);
    }

    /// [`Model::ranks_into`] given, optionally, each level's expected order of the cities
    /// (from [`Model::nominal_orders`]): the same ranks, faster when the scores stay near it,
    /// but a level may be written by position in its expected order: bit `l` of the result
    /// is set when `ranks[l]` is laid out that way ([`Layout::ByExpectedPosition`]).
    pub fn ranks_into_near(
        &self,
        normalised: &[f64],
        expected: Option<&[ExpectedOrder]>,
        weights: &[f64],
        scratch: &mut Scratch,
        ranks: &mut [Vec<u32>],
    ) -> u32 {
        // Under geometric aggregation the normalised matrix already holds logarithms, so the
        // same weighted sum serves both aggregations.
        self.scores_dispatched(normalised, weights, scratch);
        let mut by_position = 0;
        for (l, out) in ranks.iter_mut().enumerate() {
            // The mask has 32 bits: later levels (a framework with 32 pillars or more) are
            // ranked in city order.
            let order = expected.and_then(|e| e.get(l)).filter(|_| l < 32);
            if competition_ranks_laid(&scratch.scores[l], order, out, &mut scratch.buf)
                == Layout::ByExpectedPosition
            {
                by_position |= 1 << l;
            }
        }
        by_position
    }

    /// Each level's cities in decreasing order of their scores under the nominal weights
    /// (ties by city index), for a normalised matrix: the expected order of
    /// [`Model::ranks_into_near`].
    pub fn nominal_orders(&self, normalised: &[f64]) -> Vec<ExpectedOrder> {
        let weights = self.effective_weights(&self.nominal().weight_factors);
        let mut scratch = Scratch::new(self);
        self.scores_into(normalised, &weights, &mut scratch);
        scratch
            .scores
            .iter()
            .map(|s| {
                let mut order: Vec<u32> = (0..s.len() as u32).collect();
                order.sort_by(|&a, &b| s[b as usize].total_cmp(&s[a as usize]).then(a.cmp(&b)));
                ExpectedOrder::new(order).expect("a sorted permutation")
            })
            .collect()
    }

    /// [`Model::scores_into`] compiled for AVX-512 or AVX2 when the CPU has them (the same
    /// bits: no fused operations).
    fn scores_dispatched(&self, normalised: &[f64], weights: &[f64], scratch: &mut Scratch) {
        #[cfg(target_arch = "x86_64")]
        {
            if std::arch::is_x86_feature_detected!("avx512f") {
                // SAFETY: the CPU supports AVX-512F, checked just above.
                return unsafe { self.scores_avx512(normalised, weights, scratch) };
            }
            if std::arch::is_x86_feature_detected!("avx2") {
                // SAFETY: the CPU supports AVX2, checked just above.
                return unsafe { self.scores_avx2(normalised, weights, scratch) };
            }
        }
        self.scores_into(normalised, weights, scratch)
    }

    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx512f")]
    unsafe fn scores_avx512(&self, normalised: &[f64], weights: &[f64], scratch: &mut Scratch) {
        self.scores_into(normalised, weights, scratch)
    }

    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    unsafe fn scores_avx2(&self, normalised: &[f64], weights: &[f64], scratch: &mut Scratch) {
        self.scores_into(normalised, weights, scratch)
    }

    /// Pillar and composite scores (see [`crate::sums`]).
    #[inline(always)]
    fn scores_into(&self, normalised: &[f64], weights: &[f64], scratch: &mut Scratch) {
        crate::sums::pillars_and_composite(
            &self.pillar_ranges,
            self.n(),
            normalised,
            weights,
            &mut scratch.scores,
        );
    }

    /// Ranks at every level under a scenario.
    pub fn ranks(&self, s: &Scenario) -> Vec<Vec<u32>> {
        let normalised = self.normalise(s);
        let weights = self.effective_weights(&s.weight_factors);
        let mut scratch = Scratch::new(self);
        let mut ranks = vec![vec![0; self.n()]; self.levels.len()];
        self.ranks_into(&normalised, &weights, &mut scratch, &mut ranks);
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
    buf: Vec<f32>,
}

impl Scratch {
    /// Buffers sized for a model.
    pub fn new(model: &Model) -> Scratch {
        Scratch {
            scores: vec![vec![0.0; model.n()]; model.levels.len()],
            buf: Vec::with_capacity(model.n()),
        }
    }
}

pub use crate::ranks::{
    competition_ranks, competition_ranks_laid, competition_ranks_near, ExpectedOrder, Layout,
};

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
            let (mean, sd, scale) = gihi_scores::mean_and_std(&obs);
            let constant = obs.iter().all(|v| *v == obs[0]);
            col.iter()
                .map(|v| {
                    v.map(|x| {
                        if constant {
                            0.0
                        } else {
                            (x / scale - mean) / sd
                        }
                    })
                })
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
