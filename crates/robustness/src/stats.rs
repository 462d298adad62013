//! Statistical audit of an indicator table, after the JRC/OECD Handbook and the JRC's audits.
//!
//! Estimators (all over the observed values of one evaluation group):
//! - mean; standard deviation with the **sample** denominator n − 1 (descriptive statistics;
//!   the scoring itself uses the population deviation, see `gihi-scores`);
//! - skewness: adjusted Fisher–Pearson `G1 = √(n(n−1))/(n−2) · m3/m2^{3/2}` (Excel SKEW,
//!   scipy `skew(bias=False)`);
//! - kurtosis: adjusted excess kurtosis `G2 = ((n+1)·g2 + 6)·(n−1)/((n−2)(n−3))` with
//!   `g2 = m4/m2² − 3` (Excel KURT, scipy `kurtosis(bias=False)`);
//! - outlier rule (JRC): |skewness| > 2 and kurtosis > 3.5;
//! - Pearson correlation on pairwise complete observations; Spearman = Pearson of average ranks;
//! - Cronbach's alpha `k/(k−1)·(1 − Σ var_i / var(Σ))` on z-scores (missing z = 0), sample variances;
//! - first principal component's share = largest eigenvalue of the correlation matrix / k.
//!
//! Flags: redundant pairs |r| > 0.9 (Pearson); an indicator whose Pearson correlation with its
//! sub-pillar (or a sub-pillar with its pillar) is negative or below 0.3 (weak).

use crate::model::Model;
use gihi_framework::Framework;
use serde::Serialize;

/// Threshold above which two indicators count as redundant.
pub const REDUNDANT: f64 = 0.9;
/// Threshold below which a correlation with the parent counts as weak.
pub const WEAK: f64 = 0.3;

/// The values divided by the power of two at or below the largest |value| (exact), and
/// that power: sums of squares and higher powers of the scaled values cannot overflow.
fn scaled(v: &[f64]) -> (Vec<f64>, f64) {
    let scale = gihi_scores::power_of_two_scale(v);
    (v.iter().map(|x| x / scale).collect(), scale)
}

/// Arithmetic mean (of the scaled values, so that it is finite for any finite input).
pub fn mean(v: &[f64]) -> f64 {
    let (v, scale) = scaled(v);
    plain_mean(&v) * scale
}

fn plain_mean(v: &[f64]) -> f64 {
    v.iter().sum::<f64>() / v.len() as f64
}

/// Sample standard deviation (n − 1); `None` below two values.
pub fn sample_sd(v: &[f64]) -> Option<f64> {
    if v.len() < 2 {
        return None;
    }
    let (v, scale) = scaled(v);
    let m = plain_mean(&v);
    Some((v.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / (v.len() - 1) as f64).sqrt() * scale)
}

/// Central moment of the scaled values (skewness and kurtosis do not depend on the scale).
fn central_moment(v: &[f64], k: i32) -> f64 {
    let (v, _) = scaled(v);
    let m = plain_mean(&v);
    v.iter().map(|x| (x - m).powi(k)).sum::<f64>() / v.len() as f64
}

/// Adjusted sample skewness G1; `None` below three values or without spread.
pub fn skewness(v: &[f64]) -> Option<f64> {
    let n = v.len() as f64;
    let m2 = central_moment(v, 2);
    if v.len() < 3 || m2 <= 0.0 {
        return None;
    }
    Some((n * (n - 1.0)).sqrt() / (n - 2.0) * central_moment(v, 3) / m2.powf(1.5))
}

/// Adjusted sample excess kurtosis G2; `None` below four values or without spread.
pub fn kurtosis(v: &[f64]) -> Option<f64> {
    let n = v.len() as f64;
    let m2 = central_moment(v, 2);
    if v.len() < 4 || m2 <= 0.0 {
        return None;
    }
    let g2 = central_moment(v, 4) / (m2 * m2) - 3.0;
    Some(((n + 1.0) * g2 + 6.0) * (n - 1.0) / ((n - 2.0) * (n - 3.0)))
}

/// Pearson correlation of paired values (pairs with a missing side are dropped).
pub fn pearson(a: &[Option<f64>], b: &[Option<f64>]) -> Option<f64> {
    let (x, y): (Vec<f64>, Vec<f64>) = a
        .iter()
        .zip(b)
        .filter_map(|(p, q)| Some(((*p)?, (*q)?)))
        .unzip();
    if x.len() < 3 {
        return None;
    }
    let ((x, _), (y, _)) = (scaled(&x), scaled(&y));
    let (mx, my) = (plain_mean(&x), plain_mean(&y));
    let sxy: f64 = x.iter().zip(&y).map(|(p, q)| (p - mx) * (q - my)).sum();
    let sxx: f64 = x.iter().map(|p| (p - mx) * (p - mx)).sum();
    let syy: f64 = y.iter().map(|q| (q - my) * (q - my)).sum();
    if sxx <= 0.0 || syy <= 0.0 {
        return None;
    }
    Some(sxy / (sxx * syy).sqrt())
}

/// Average ranks (1-based) of the values, ties sharing the mean of their positions.
pub fn average_ranks(v: &[f64]) -> Vec<f64> {
    v.iter()
        .map(|x| {
            let below = v.iter().filter(|o| *o < x).count() as f64;
            let equal = v.iter().filter(|o| *o == x).count() as f64;
            below + (equal + 1.0) / 2.0
        })
        .collect()
}

/// Spearman correlation: Pearson of average ranks over pairwise complete observations.
pub fn spearman(a: &[Option<f64>], b: &[Option<f64>]) -> Option<f64> {
    let (x, y): (Vec<f64>, Vec<f64>) = a
        .iter()
        .zip(b)
        .filter_map(|(p, q)| Some(((*p)?, (*q)?)))
        .unzip();
    let (rx, ry) = (average_ranks(&x), average_ranks(&y));
    pearson(
        &rx.into_iter().map(Some).collect::<Vec<_>>(),
        &ry.into_iter().map(Some).collect::<Vec<_>>(),
    )
}

/// Cronbach's alpha of columns (each a variable over the same cases).
pub fn cronbach_alpha(columns: &[Vec<f64>]) -> Option<f64> {
    let k = columns.len() as f64;
    if columns.len() < 2 {
        return None;
    }
    let n = columns[0].len();
    let totals: Vec<f64> = (0..n).map(|j| columns.iter().map(|c| c[j]).sum()).collect();
    let var = |v: &[f64]| sample_sd(v).map(|s| s * s);
    let sum_var: f64 = columns.iter().map(|c| var(c).unwrap_or(0.0)).sum();
    let total_var = var(&totals)?;
    if total_var <= 0.0 {
        return None;
    }
    Some(k / (k - 1.0) * (1.0 - sum_var / total_var))
}

/// Share of variance of the first principal component of the columns' correlation matrix.
pub fn first_component_share(columns: &[Vec<f64>]) -> Option<f64> {
    let k = columns.len();
    if k < 2 {
        return None;
    }
    let opt: Vec<Vec<Option<f64>>> = columns
        .iter()
        .map(|c| c.iter().copied().map(Some).collect())
        .collect();
    let mut m = nalgebra::DMatrix::<f64>::identity(k, k);
    for a in 0..k {
        for b in a + 1..k {
            let r = pearson(&opt[a], &opt[b]).unwrap_or(0.0);
            m[(a, b)] = r;
            m[(b, a)] = r;
        }
    }
    let eig = nalgebra::SymmetricEigen::new(m);
    let max = eig
        .eigenvalues
        .iter()
        .copied()
        .fold(f64::NEG_INFINITY, f64::max);
    Some(max / k as f64)
}

/// Descriptive statistics of one indicator.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IndicatorStats {
    pub indicator: String,
    pub observed: usize,
    pub availability: f64,
    pub mean: Option<f64>,
    pub sd: Option<f64>,
    pub min: Option<f64>,
    pub max: Option<f64>,
    pub skewness: Option<f64>,
    pub kurtosis: Option<f64>,
    pub outlier: bool,
}

/// A correlation between two variables.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Correlation {
    pub a: String,
    pub b: String,
    pub pearson: Option<f64>,
    pub spearman: Option<f64>,
}

/// A statistic of one node.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NodeStat {
    pub node: String,
    pub cronbach_alpha: Option<f64>,
    pub first_component_share: Option<f64>,
}

/// The statistical audit of one group.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StatsAudit {
    pub indicators: Vec<IndicatorStats>,
    /// Every pair of indicators.
    pub indicator_correlations: Vec<Correlation>,
    /// Each indicator with its sub-pillar, pillar and the composite; each sub-pillar with its
    /// pillar and the composite; each pillar with the composite (nominal weighted z-sums).
    pub parent_correlations: Vec<Correlation>,
    /// Between sub-pillars and between pillars.
    pub aggregate_correlations: Vec<Correlation>,
    pub nodes: Vec<NodeStat>,
    /// Human-readable flags (redundant pairs, weak or negative links to the parent, outliers).
    pub flags: Vec<String>,
}

/// A node's id, its indicator positions and its weighted z-sum per city.
type Series = (String, Vec<usize>, Vec<Option<f64>>);

/// Runs the statistical audit on one group.
pub fn statistical_audit(framework: &Framework, model: &Model) -> StatsAudit {
    let m = model.indicators.len();
    let n = model.n();
    let column = |i: usize| -> Vec<Option<f64>> { model.raw.iter().map(|r| r[i]).collect() };
    let mut flags = Vec::new();
    let indicators: Vec<IndicatorStats> = (0..m)
        .map(|i| {
            let obs: Vec<f64> = column(i).into_iter().flatten().collect();
            let outlier = crate::model::is_outlying(&obs);
            if outlier {
                flags.push(format!(
                    "{}: outlier (|skewness| > 2 and kurtosis > 3.5)",
                    model.indicators[i]
                ));
            }
            IndicatorStats {
                indicator: model.indicators[i].clone(),
                observed: obs.len(),
                availability: obs.len() as f64 / n as f64,
                mean: (!obs.is_empty()).then(|| mean(&obs)),
                sd: sample_sd(&obs),
                min: obs.iter().copied().reduce(f64::min),
                max: obs.iter().copied().reduce(f64::max),
                skewness: skewness(&obs),
                kurtosis: kurtosis(&obs),
                outlier,
            }
        })
        .collect();
    let corr = |a: &str, b: &str, x: &[Option<f64>], y: &[Option<f64>]| Correlation {
        a: a.into(),
        b: b.into(),
        pearson: pearson(x, y),
        spearman: spearman(x, y),
    };
    let mut indicator_correlations = Vec::new();
    for a in 0..m {
        for b in a + 1..m {
            let c = corr(
                &model.indicators[a],
                &model.indicators[b],
                &column(a),
                &column(b),
            );
            if c.pearson.is_some_and(|r| r.abs() > REDUNDANT) {
                flags.push(format!(
                    "{} and {}: redundant (Pearson {:.3})",
                    c.a,
                    c.b,
                    c.pearson.unwrap_or(0.0)
                ));
            }
            indicator_correlations.push(c);
        }
    }
    // Nominal z-scores (missing z = 0) and weighted z-sums of every node.
    let z: Vec<Vec<f64>> = {
        let s = model.nominal();
        let norm = model.normalise(&s);
        (0..m).map(|i| norm[i * n..(i + 1) * n].to_vec()).collect()
    };
    let weights = framework.effective_weights();
    let sum_of = |idx: &[usize]| -> Vec<Option<f64>> {
        (0..n)
            .map(|j| Some(idx.iter().map(|&i| weights[i] * z[i][j]).sum()))
            .collect()
    };
    let aggregates = framework.aggregates();
    let series: Vec<Series> = aggregates
        .iter()
        .map(|a| {
            (
                a.id.to_string(),
                a.indicators.clone(),
                sum_of(&a.indicators),
            )
        })
        .collect();
    let find = |id: &str| series.iter().find(|s| s.0 == id).expect("aggregate");
    let composite = &series[0];
    let mut parent_correlations = Vec::new();
    let mut nodes = Vec::new();
    let mut pillar_cols = Vec::new();
    for p in &framework.pillars {
        let ps = find(&p.id);
        parent_correlations.push(corr(&p.id, &composite.0, &ps.2, &composite.2));
        pillar_cols.push(ps);
        let mut sub_cols = Vec::new();
        for s in &p.subpillars {
            let ss = find(&s.id);
            sub_cols.push(ss);
            let c = corr(&s.id, &p.id, &ss.2, &ps.2);
            flag_parent(&mut flags, &c);
            parent_correlations.push(c);
            parent_correlations.push(corr(&s.id, &composite.0, &ss.2, &composite.2));
            for &i in &ss.1 {
                let col = column(i);
                let c = corr(&model.indicators[i], &s.id, &col, &ss.2);
                flag_parent(&mut flags, &c);
                parent_correlations.push(c);
                parent_correlations.push(corr(&model.indicators[i], &p.id, &col, &ps.2));
                parent_correlations.push(corr(
                    &model.indicators[i],
                    &composite.0,
                    &col,
                    &composite.2,
                ));
            }
            let cols: Vec<Vec<f64>> = ss.1.iter().map(|&i| z[i].clone()).collect();
            nodes.push(NodeStat {
                node: s.id.clone(),
                cronbach_alpha: cronbach_alpha(&cols),
                first_component_share: first_component_share(&cols),
            });
        }
        let cols: Vec<Vec<f64>> = ps.1.iter().map(|&i| z[i].clone()).collect();
        nodes.push(NodeStat {
            node: p.id.clone(),
            cronbach_alpha: cronbach_alpha(&cols),
            first_component_share: first_component_share(&cols),
        });
    }
    let mut aggregate_correlations = Vec::new();
    let subs: Vec<&Series> = framework.subpillars().map(|s| find(&s.id)).collect();
    for group in [&subs, &pillar_cols] {
        for a in 0..group.len() {
            for b in a + 1..group.len() {
                aggregate_correlations.push(corr(
                    &group[a].0,
                    &group[b].0,
                    &group[a].2,
                    &group[b].2,
                ));
            }
        }
    }
    StatsAudit {
        indicators,
        indicator_correlations,
        parent_correlations,
        aggregate_correlations,
        nodes,
        flags,
    }
}

fn flag_parent(flags: &mut Vec<String>, c: &Correlation) {
    if let Some(r) = c.pearson {
        if r < 0.0 {
            flags.push(format!(
                "{}: negatively correlated with its parent {} (Pearson {r:.3})",
                c.a, c.b
            ));
        } else if r < WEAK {
            flags.push(format!(
                "{}: weakly correlated with its parent {} (Pearson {r:.3})",
                c.a, c.b
            ));
        }
    }
}
