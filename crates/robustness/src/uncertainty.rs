//! Uncertainty analysis: Monte Carlo over methodological choices with a low-discrepancy
//! design, reporting each city's median rank and 5th–95th percentile interval.
//!
//! Sampling: an Owen-scrambled Sobol sequence (sobol_burley), one dimension per uncertain
//! input. sobol_burley yields 2^16 points per seed, so point `i` is point `i mod 2^16` of the
//! sequence seeded by `(seed, i / 2^16)`: blocks of independently scrambled Sobol points.
//! Inputs map to choices as follows: a weight factor is `1 + spread·(2u − 1)` (uniform
//! ±spread, default ±25 % of nominal); a categorical choice takes option `⌊u·k⌋` of its k
//! options; a data factor is `1 + data_spread·(2u − 1)`.
//!
//! Determinism: replications are split into fixed chunks; each chunk counts the ranks it sees
//! in integer histograms, and the histograms are summed. Integer sums do not depend on the
//! order in which threads finish, so results are identical for any thread count.
//! Percentiles (median, p05, p95) are computed from the histograms by linear interpolation
//! between order statistics (numpy's default).

use crate::model::{
    Aggregation, ExpectedOrder, Imputation, Model, Normalisation, Scenario, Scratch,
};
use crate::worker::Worker;
use rayon::prelude::*;
use serde::Serialize;
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};

/// Which choices vary.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Vary {
    pub weights: bool,
    pub normalisation: bool,
    pub aggregation: bool,
    pub outliers: bool,
    pub imputation: bool,
    /// Per-city multiplicative noise on every indicator's values (off unless asked for).
    pub data: bool,
}

impl Vary {
    /// The default: every methodological choice (weights, normalisation, aggregation,
    /// outlier treatment, imputation), not the data.
    pub const ALL: Vary = Vary {
        weights: true,
        normalisation: true,
        aggregation: true,
        outliers: true,
        imputation: true,
        data: false,
    };
    /// Nothing varies.
    pub const NONE: Vary = Vary {
        weights: false,
        normalisation: false,
        aggregation: false,
        outliers: false,
        imputation: false,
        data: false,
    };
}

/// Most replications one run may ask for (about a quarter of an hour at 1,000,000 per
/// second); memory does not grow with the count (ranks are counted into fixed histograms of
/// u32, which this bound keeps from overflowing). A larger request runs this many, and the
/// result says so in [`RankIntervals::runs`].
pub const MAX_RUNS: u64 = 1_000_000_000;

/// Options of the Monte Carlo.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Options {
    pub runs: u64,
    pub seed: u32,
    pub vary: Vary,
    /// Weight factors are uniform on 1 ± this.
    pub weight_spread: f64,
    /// Per-city data noise is uniform on 1 ± this.
    pub data_spread: f64,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            runs: 1000,
            seed: 1,
            vary: Vary::ALL,
            weight_spread: 0.25,
            data_spread: 0.10,
        }
    }
}

/// One input dimension of the design.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Input {
    /// Weight factor of model node k.
    Weight(usize),
    Normalisation,
    Aggregation,
    Outliers,
    Imputation,
    /// Data noise of indicator i.
    Data(usize),
}

/// The inputs that vary under the options, in a fixed order.
pub fn inputs(model: &Model, vary: Vary) -> Vec<Input> {
    let mut v = Vec::new();
    if vary.weights {
        v.extend((0..model.nodes.len()).map(Input::Weight));
    }
    if vary.normalisation {
        v.push(Input::Normalisation);
    }
    if vary.aggregation {
        v.push(Input::Aggregation);
    }
    if vary.outliers {
        v.push(Input::Outliers);
    }
    if vary.imputation {
        v.push(Input::Imputation);
    }
    if vary.data {
        v.extend((0..model.indicators.len()).map(Input::Data));
    }
    v
}

fn block_seed(i: u64, seed: u32) -> u32 {
    crate::sobol::block_seed((i >> 16) as u32, seed)
}

/// Coordinate `d` of design point `i` in [0, 1).
pub fn coordinate(i: u64, d: usize, seed: u32) -> f64 {
    sobol_burley::sample((i & 0xFFFF) as u32, d as u32, block_seed(i, seed)) as f64
}

/// Coordinates `offset..offset + out.len()` of design point `i`, four at a time (the same
/// values as [`coordinate`]).
pub fn fill_point(i: u64, offset: usize, seed: u32, out: &mut [f64]) {
    let (index, bs) = ((i & 0xFFFF) as u32, block_seed(i, seed));
    let mut d = offset;
    while d < offset + out.len() {
        let set = d / 4;
        let four = sobol_burley::sample_4d(index, set as u32, bs);
        for (k, v) in four.iter().enumerate() {
            let dim = set * 4 + k;
            if dim >= offset && dim < offset + out.len() {
                out[dim - offset] = *v as f64;
            }
        }
        d = set * 4 + 4;
    }
}

/// The weight factor of design coordinate `x`: uniform on `1 ± spread`.
#[inline(always)]
pub(crate) fn weight_factor(x: f64, spread: f64) -> f64 {
    1.0 + spread * (2.0 * x - 1.0)
}

fn pick<T: Copy>(u: f64, options: &[T]) -> T {
    options[((u * options.len() as f64) as usize).min(options.len() - 1)]
}

/// The scenario of a design point `u` (one coordinate per input).
pub fn scenario(model: &Model, inputs: &[Input], u: &[f64], o: &Options) -> Scenario {
    let mut s = model.nominal();
    set_scenario(&mut s, model, inputs, u, o);
    s
}

/// Overwrites `s` with the scenario of design point `u` (every varying input is set).
pub fn set_scenario(s: &mut Scenario, model: &Model, inputs: &[Input], u: &[f64], o: &Options) {
    for (input, &x) in inputs.iter().zip(u) {
        match *input {
            Input::Weight(k) => s.weight_factors[k] = weight_factor(x, o.weight_spread),
            Input::Normalisation => {
                s.normalisation = pick(
                    x,
                    &[Normalisation::Z, Normalisation::MinMax, Normalisation::Rank],
                )
            }
            Input::Aggregation => {
                s.aggregation = pick(x, &[Aggregation::Arithmetic, Aggregation::Geometric])
            }
            Input::Outliers => s.treat_outliers = x < 0.5,
            Input::Imputation => s.imputation = pick(x, &[Imputation::Mean, Imputation::Median]),
            Input::Data(i) => {
                s.data_noise
                    .get_or_insert_with(|| (vec![0.5; model.indicators.len()], o.data_spread))
                    .0[i] = x
            }
        }
    }
}

/// A normalised matrix and each level's nominal order of the cities under it.
struct Normalised {
    /// Its place among the cache's combinations.
    index: usize,
    matrix: Vec<f64>,
    orders: Vec<ExpectedOrder>,
}

/// Normalised matrices of every data-related combination, when the data do not vary.
pub struct NormalisedCache {
    map: BTreeMap<(Normalisation, bool, Imputation, Aggregation), Normalised>,
}

impl NormalisedCache {
    /// Precomputes every combination the options can produce.
    pub fn new(model: &Model, vary: Vary) -> NormalisedCache {
        let norms: &[Normalisation] = if vary.normalisation {
            &[Normalisation::Z, Normalisation::MinMax, Normalisation::Rank]
        } else {
            &[Normalisation::Z]
        };
        let outs: &[bool] = if vary.outliers {
            &[false, true]
        } else {
            &[false]
        };
        let imps: &[Imputation] = if vary.imputation {
            &[Imputation::Mean, Imputation::Median]
        } else {
            &[Imputation::Mean]
        };
        let aggs: &[Aggregation] = if vary.aggregation {
            &[Aggregation::Arithmetic, Aggregation::Geometric]
        } else {
            &[Aggregation::Arithmetic]
        };
        let mut map = BTreeMap::new();
        for &n in norms {
            for &o in outs {
                for &i in imps {
                    for &a in aggs {
                        let mut s = model.nominal();
                        s.normalisation = n;
                        s.treat_outliers = o;
                        s.imputation = i;
                        s.aggregation = a;
                        let matrix = model.normalise(&s);
                        let orders = model.nominal_orders(&matrix);
                        let index = map.len();
                        map.insert(
                            (n, o, i, a),
                            Normalised {
                                index,
                                matrix,
                                orders,
                            },
                        );
                    }
                }
            }
        }
        NormalisedCache { map }
    }

    /// How many combinations the cache holds.
    fn len(&self) -> usize {
        self.map.len()
    }

    fn get(&self, s: &Scenario) -> Option<&Normalised> {
        self.map.get(&(
            s.normalisation,
            s.treat_outliers,
            s.imputation,
            s.aggregation,
        ))
    }
}

/// Evaluates scenarios quickly: cached normalisation unless the data vary.
pub struct Evaluator<'a> {
    pub model: &'a Model,
    cache: Option<NormalisedCache>,
}

impl<'a> Evaluator<'a> {
    /// An evaluator for the options' choices.
    pub fn new(model: &'a Model, vary: Vary) -> Evaluator<'a> {
        Evaluator {
            model,
            cache: (!vary.data).then(|| NormalisedCache::new(model, vary)),
        }
    }

    /// Ranks at every level under a scenario, into `ranks`.
    pub fn ranks_into(&self, s: &Scenario, scratch: &mut Scratch, ranks: &mut [Vec<u32>]) {
        let weights = self.model.effective_weights(&s.weight_factors);
        self.ranks_with_weights(s, &weights, scratch, ranks);
    }

    /// Ranks under a scenario whose effective weights are already known (city order).
    pub fn ranks_with_weights(
        &self,
        s: &Scenario,
        weights: &[f64],
        scratch: &mut Scratch,
        ranks: &mut [Vec<u32>],
    ) {
        if let Some(laid) = self.ranks_laid(s, weights, scratch, ranks) {
            for (l, out) in ranks.iter_mut().enumerate() {
                if laid.by_position(l) {
                    let by_position = out.clone();
                    for (&c, r) in laid.orders[l].cities().iter().zip(by_position) {
                        out[c as usize] = r;
                    }
                }
            }
        }
    }

    /// [`Evaluator::ranks_with_weights`] where some levels may stay laid out by position in
    /// their nominal order: then says which (see [`Laid`] and [`Model::ranks_into_near`]).
    pub fn ranks_laid(
        &self,
        s: &Scenario,
        weights: &[f64],
        scratch: &mut Scratch,
        ranks: &mut [Vec<u32>],
    ) -> Option<Laid<'_>> {
        match self.cache.as_ref().and_then(|c| c.get(s)) {
            Some(norm) => {
                let mask = self.model.ranks_into_near(
                    &norm.matrix,
                    Some(&norm.orders),
                    weights,
                    scratch,
                    ranks,
                );
                Some(Laid {
                    combination: norm.index,
                    orders: &norm.orders,
                    mask,
                })
            }
            None => {
                let norm = self.model.normalise(s);
                self.model.ranks_into(&norm, weights, scratch, ranks);
                None
            }
        }
    }

    /// How many cached data combinations there are (the range of [`Laid::combination`]).
    pub fn combinations(&self) -> usize {
        self.cache.as_ref().map_or(0, NormalisedCache::len)
    }
}

/// Which levels [`Evaluator::ranks_laid`] left laid out by position in their nominal order.
#[derive(Debug, Clone, Copy)]
pub struct Laid<'a> {
    /// The cached data combination whose orders were used.
    pub combination: usize,
    /// Each level's nominal order.
    pub orders: &'a [ExpectedOrder],
    /// Bit `l` is set when level `l` is laid out by position.
    pub mask: u32,
}

impl Laid<'_> {
    /// Whether level `l` is laid out by position.
    pub fn by_position(&self, l: usize) -> bool {
        by_position(self.mask, l)
    }
}

/// Whether bit `l` of a mask from [`Model::ranks_into_near`] says level `l` is laid out by
/// expected position (levels from 32 on never are).
fn by_position(mask: u32, l: usize) -> bool {
    u32::try_from(l)
        .ok()
        .and_then(|l| 1u32.checked_shl(l))
        .is_some_and(|bit| mask & bit != 0)
}

/// Rank intervals of every city at every level.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RankIntervals {
    pub levels: Vec<String>,
    pub cities: Vec<String>,
    pub runs: u64,
    /// levels × cities.
    pub nominal: Vec<Vec<u32>>,
    pub median: Vec<Vec<f64>>,
    pub p05: Vec<Vec<f64>>,
    pub p95: Vec<Vec<f64>>,
    /// Mean over runs and cities of |composite rank − nominal composite rank|.
    pub mean_absolute_shift: f64,
}

/// Replications per work unit (fixed, so results do not depend on scheduling).
const CHUNK: u64 = 1024;

/// Replications per work unit (progress is reported once per unit).
pub fn chunk_size() -> u64 {
    CHUNK
}

/// Runs the Monte Carlo; `progress` is told each time a chunk of runs finishes (its size).
pub fn uncertainty(model: &Model, o: &Options, progress: &(dyn Fn(u64) + Sync)) -> RankIntervals {
    let (n, levels) = (model.n(), model.levels.len());
    let ins = inputs(model, o.vary);
    let eval = Evaluator::new(model, o.vary);
    let nominal = model.ranks(&model.nominal());
    let done = AtomicU64::new(0);
    let runs = o.runs.min(MAX_RUNS);
    let hist: Vec<u64> = (0..runs.div_ceil(CHUNK))
        .into_par_iter()
        .fold(
            || Worker::new(&eval, &ins, o),
            |mut worker, c| {
                let end = ((c + 1) * CHUNK).min(runs);
                worker.run(c * CHUNK..end);
                done.fetch_add(end - c * CHUNK, Ordering::Relaxed);
                progress(end - c * CHUNK);
                worker
            },
        )
        .map(|worker| worker.counts)
        .reduce(
            || vec![0u32; levels * n * n],
            |mut a, b| {
                a.iter_mut().zip(&b).for_each(|(x, y)| *x += y);
                a
            },
        )
        .into_iter()
        .map(u64::from)
        .collect();
    // The composite ranks' total distance from the nominal ones, from their counts (the same
    // integer sum as adding |rank − nominal| replication by replication).
    let shift: u64 = (0..n)
        .map(|j| {
            let counts = &hist[j * n..(j + 1) * n];
            counts
                .iter()
                .enumerate()
                .map(|(r, &k)| k * (r as i64 + 1 - nominal[0][j] as i64).unsigned_abs())
                .sum::<u64>()
        })
        .sum();
    let pct = |q: f64| -> Vec<Vec<f64>> {
        (0..levels)
            .map(|l| {
                (0..n)
                    .map(|j| percentile(&hist[(l * n + j) * n..(l * n + j + 1) * n], q))
                    .collect()
            })
            .collect()
    };
    RankIntervals {
        levels: model.levels.clone(),
        cities: model.cities.clone(),
        runs,
        nominal,
        median: pct(0.5),
        p05: pct(0.05),
        p95: pct(0.95),
        mean_absolute_shift: if runs == 0 {
            0.0
        } else {
            shift as f64 / (runs as f64 * n as f64)
        },
    }
}

/// The q-quantile of a sample given as counts of ranks 1..=len (linear interpolation).
pub fn percentile(counts: &[u64], q: f64) -> f64 {
    let total: u64 = counts.iter().sum();
    if total == 0 {
        return f64::NAN;
    }
    let pos = q * (total - 1) as f64;
    let (lo, hi) = (pos.floor() as u64, pos.ceil() as u64);
    let value_at = |k: u64| -> f64 {
        let mut seen = 0;
        for (r, c) in counts.iter().enumerate() {
            seen += c;
            if seen > k {
                return r as f64 + 1.0;
            }
        }
        counts.len() as f64
    };
    let (a, b) = (value_at(lo), value_at(hi));
    a + (b - a) * (pos - lo as f64)
}

#[cfg(test)]
mod tests {
    /// Levels beyond the mask's 32 bits read as laid out by city, without overflow.
    #[test]
    fn the_layout_mask_covers_32_levels() {
        assert!(super::by_position(0b101, 0));
        assert!(!super::by_position(0b101, 1));
        assert!(super::by_position(1 << 31, 31));
        assert!(!super::by_position(u32::MAX, 32));
        assert!(!super::by_position(u32::MAX, usize::MAX));
    }
}
