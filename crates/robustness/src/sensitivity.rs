//! Variance-based sensitivity analysis: first-order and total Sobol indices of each uncertain
//! choice, for an overall measure and for every city.
//!
//! Design (Saltelli 2010): two N × d matrices A and B from one 2d-dimensional Sobol sequence
//! (A = its first d coordinates, B = the next d); for each factor g, A_B^g is A with the
//! columns of g taken from B. A factor is a group of inputs: all weight factors form one
//! factor (`weights`), each categorical choice is one factor, and with data noise each
//! indicator's data factor is its own factor (`data:I01`, ...). N·(G + 2) model runs.
//!
//! Estimators (Jansen 1999), with V the variance of the 2N outputs of A and B (denominator 2N):
//! `S_g = (V − Σ_j (f(B)_j − f(A_B^g)_j)² / 2N) / V` and `S_T,g = Σ_j (f(A)_j − f(A_B^g)_j)² / 2N / V`.
//! 95 % intervals: percentile bootstrap over the N rows (default 200 resamples; resample b
//! draws its rows from ChaCha8 seeded by (seed, b), regenerated where used, so memory does
//! not grow with the number of resamples).
//!
//! Outputs: overall, the mean absolute shift of the composite rank from its nominal value over
//! the group's cities; per city, its composite rank. Where an output never varies, V = 0 and
//! the indices are undefined (reported as missing).

use crate::model::{Model, Scratch};
use crate::uncertainty::{fill_point, inputs, scenario, Evaluator, Input, Options};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;
use serde::Serialize;

/// A factor: a named group of design inputs.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Factor {
    pub name: String,
    /// Positions in the input list.
    pub inputs: Vec<usize>,
}

/// Groups the varying inputs into factors.
pub fn factors(model: &Model, ins: &[Input]) -> Vec<Factor> {
    let mut out: Vec<Factor> = Vec::new();
    for (k, input) in ins.iter().enumerate() {
        let name = match input {
            Input::Weight(_) => "weights".to_string(),
            Input::Normalisation => "normalisation".into(),
            Input::Aggregation => "aggregation".into(),
            Input::Outliers => "outlier-treatment".into(),
            Input::Imputation => "imputation".into(),
            Input::Data(i) => format!("data:{}", model.indicators[*i]),
        };
        match out.iter_mut().find(|f| f.name == name) {
            Some(f) => f.inputs.push(k),
            None => out.push(Factor {
                name,
                inputs: vec![k],
            }),
        }
    }
    out
}

/// Indices of one factor for one output, with 95 % bootstrap intervals.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Index {
    pub factor: String,
    pub first: Option<f64>,
    pub first_ci: Option<(f64, f64)>,
    pub total: Option<f64>,
    pub total_ci: Option<(f64, f64)>,
}

/// The sensitivity analysis of one group.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Sensitivity {
    pub samples: usize,
    pub model_runs: usize,
    pub factors: Vec<String>,
    /// For the mean absolute composite rank shift.
    pub overall: Vec<Index>,
    /// For each city's composite rank: (city, indices).
    pub per_city: Vec<(String, Vec<Index>)>,
}

fn jansen(fa: &[f64], fb: &[f64], fab: &[f64], rows: &[usize]) -> (Option<f64>, Option<f64>) {
    let n2 = 2.0 * rows.len() as f64;
    let all: Vec<f64> = rows.iter().flat_map(|&j| [fa[j], fb[j]]).collect();
    let mean = all.iter().sum::<f64>() / n2;
    let v = all.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / n2;
    if v <= 1e-12 {
        return (None, None);
    }
    let first = (v - rows.iter().map(|&j| (fb[j] - fab[j]).powi(2)).sum::<f64>() / n2) / v;
    let total = rows.iter().map(|&j| (fa[j] - fab[j]).powi(2)).sum::<f64>() / n2 / v;
    (Some(first), Some(total))
}

fn indices(
    names: &[String],
    fa: &[f64],
    fb: &[f64],
    fab: &[Vec<f64>],
    boot: &Bootstrap,
) -> Vec<Index> {
    let all: Vec<usize> = (0..fa.len()).collect();
    names
        .iter()
        .zip(fab)
        .map(|(name, fg)| {
            let (first, total) = jansen(fa, fb, fg, &all);
            let mut firsts = Vec::new();
            let mut totals = Vec::new();
            let mut rows = Vec::with_capacity(fa.len());
            for b in 0..boot.resamples {
                boot.rows(b, &mut rows);
                let rows = &rows;
                let (f, t) = jansen(fa, fb, fg, rows);
                firsts.extend(f);
                totals.extend(t);
            }
            Index {
                factor: name.clone(),
                first,
                first_ci: interval(&mut firsts),
                total,
                total_ci: interval(&mut totals),
            }
        })
        .collect()
}

fn interval(v: &mut [f64]) -> Option<(f64, f64)> {
    if v.len() < 10 {
        return None;
    }
    v.sort_by(f64::total_cmp);
    let at = |q: f64| {
        let pos = q * (v.len() - 1) as f64;
        let (lo, hi) = (pos.floor() as usize, pos.ceil() as usize);
        v[lo] + (v[hi] - v[lo]) * (pos - lo as f64)
    };
    Some((at(0.025), at(0.975)))
}

/// Memory the design may keep: every model run's composite ranks are kept until the
/// estimators run, `samples × (factors + 2) × cities` ranks of 4 bytes.
pub const MAX_DESIGN_BYTES: usize = 256 << 20;

/// Largest `--samples` whose design fits in [`MAX_DESIGN_BYTES`] for `cities` and `factors`.
pub fn max_samples(cities: usize, factors: usize) -> usize {
    MAX_DESIGN_BYTES / ((factors + 2) * cities.max(1) * 4)
}

/// The bootstrap resamples, each regenerated from its own seed when needed.
pub struct Bootstrap {
    pub resamples: usize,
    samples: usize,
    seed: u64,
}

impl Bootstrap {
    /// The rows of resample `b` (drawn with replacement), into `out`.
    pub fn rows(&self, b: usize, out: &mut Vec<usize>) {
        let mut rng = ChaCha8Rng::seed_from_u64(self.seed ^ 0x5EED);
        rng.set_stream(b as u64);
        out.clear();
        out.extend((0..self.samples).map(|_| rng.random_range(0..self.samples)));
    }
}

/// Runs the Saltelli design with `samples` rows and `bootstrap` resamples.
pub fn sensitivity(
    model: &Model,
    o: &Options,
    samples: usize,
    bootstrap: usize,
    progress: &(dyn Fn(u64) + Sync),
) -> Sensitivity {
    let ins = inputs(model, o.vary);
    let fs = factors(model, &ins);
    let d = ins.len();
    let n = model.n();
    let eval = Evaluator::new(model, o.vary);
    let nominal = model.ranks(&model.nominal())[0].clone();
    // Rows of A and B.
    let row = |j: usize, offset: usize| -> Vec<f64> {
        let mut v = vec![0.0; d];
        fill_point(j as u64, offset, o.seed, &mut v);
        v
    };
    let designs: Vec<(usize, Option<usize>)> = (0..samples)
        .flat_map(|j| {
            std::iter::once((j, None))
                .chain(std::iter::once((j, Some(usize::MAX))))
                .chain((0..fs.len()).map(move |g| (j, Some(g))))
        })
        .collect();
    let runs: Vec<Vec<u32>> = designs
        .par_iter()
        .map(|&(j, which)| {
            let a = row(j, 0);
            let u = match which {
                None => a,
                Some(usize::MAX) => row(j, d),
                Some(g) => {
                    let b = row(j, d);
                    let mut x = a;
                    for &k in &fs[g].inputs {
                        x[k] = b[k];
                    }
                    x
                }
            };
            let s = scenario(model, &ins, &u, o);
            let mut scratch = Scratch::new(model);
            let mut ranks = vec![vec![0u32; n]; model.levels.len()];
            eval.ranks_into(&s, &mut scratch, &mut ranks);
            progress(1);
            ranks.swap_remove(0)
        })
        .collect();
    let per_row = fs.len() + 2;
    let output = |f: &dyn Fn(&[u32]) -> f64| -> (Vec<f64>, Vec<f64>, Vec<Vec<f64>>) {
        let fa = (0..samples).map(|j| f(&runs[j * per_row])).collect();
        let fb = (0..samples).map(|j| f(&runs[j * per_row + 1])).collect();
        let fab = (0..fs.len())
            .map(|g| {
                (0..samples)
                    .map(|j| f(&runs[j * per_row + 2 + g]))
                    .collect()
            })
            .collect();
        (fa, fb, fab)
    };
    let boot = Bootstrap {
        resamples: bootstrap,
        samples,
        seed: o.seed as u64,
    };
    let names: Vec<String> = fs.iter().map(|f| f.name.clone()).collect();
    let shift = |r: &[u32]| {
        r.iter()
            .zip(&nominal)
            .map(|(a, b)| (*a as f64 - *b as f64).abs())
            .sum::<f64>()
            / n as f64
    };
    let (fa, fb, fab) = output(&shift);
    let overall = indices(&names, &fa, &fb, &fab, &boot);
    let per_city = (0..n)
        .into_par_iter()
        .map(|c| {
            let (fa, fb, fab) = output(&|r: &[u32]| r[c] as f64);
            (
                model.cities[c].clone(),
                indices(&names, &fa, &fb, &fab, &boot),
            )
        })
        .collect();
    Sensitivity {
        samples,
        model_runs: runs.len(),
        factors: names,
        overall,
        per_city,
    }
}
