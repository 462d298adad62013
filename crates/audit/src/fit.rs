//! Fitting `y = a + Σ_k b_k · x_k` to printed scores that carry rounding error.
//!
//! Why the relation is exact: by Appendix 3 a node's score is
//! `S = 60 + 40 (Z − Z_min) / (Z_max − Z_min)` where its z-value `Z` is the sum of its
//! children's z-values `Z_k`, and each child's score is `S_k = 60 + 40 (Z_k − Z_k,min) / R_k`.
//! Solving the second for `Z_k` and substituting gives `S = a + Σ_k (R_k / R) · S_k`: an
//! affine function with positive coefficients `b_k = R_k / R` (ratios of z-ranges), the same
//! for every city of the group.
//!
//! Printed values are rounded to two decimals, so each is off by at most `h = 0.005`, and a
//! printed row satisfies `|y − a − Σ b_k x_k| ≤ h · (1 + Σ_k b_k)`. A row is *inconsistent*
//! only if no `(a, b ≥ 0)` meets that bound for it together with all rows of the consistent
//! majority — a linear feasibility problem, solved exactly here. No alarm that rounding can
//! explain is raised.
//!
//! Steps: (1) a least-absolute-deviations fit (robust: a minority of wrong rows does not pull
//! it) proposes the consistent set; (2) every other row joins it if the joint feasibility
//! problem stays solvable, otherwise it is flagged; (3) the reported coefficients are the
//! minimax (Chebyshev) fit over the consistent rows.

use microlp::{ComparisonOp, OptimizationDirection, Problem, Variable};

/// Half a unit of the last printed decimal.
pub const ROUNDING: f64 = 0.005;
/// Slack for floating-point evaluation of the bound.
const SLACK: f64 = 1e-9;

/// The fitted affine relation and what it says about each row.
#[derive(Debug, Clone, PartialEq)]
pub struct AffineFit {
    pub intercept: f64,
    pub coefficients: Vec<f64>,
    /// Rows consistent with rounding.
    pub consistent: Vec<bool>,
    /// Largest |residual| over the consistent rows under the reported coefficients.
    pub max_residual: f64,
    y: Vec<f64>,
    x: Vec<Vec<f64>>,
}

impl AffineFit {
    /// `a + Σ b_k x_k`.
    pub fn predict(&self, x: &[f64]) -> f64 {
        self.intercept
            + self
                .coefficients
                .iter()
                .zip(x)
                .map(|(b, v)| b * v)
                .sum::<f64>()
    }

    /// Whether rounding can explain a row `(y, x)` together with all consistent rows (the
    /// exact feasibility test, not a residual under the reported coefficients).
    pub fn admits(&self, y: f64, x: &[f64]) -> bool {
        let mut ys = self.y.clone();
        let mut xs = self.x.clone();
        let mut rows = self.consistent.clone();
        ys.push(y);
        xs.push(x.to_vec());
        rows.push(true);
        feasible(&ys, &xs, &rows)
    }

    /// The rounding bound `h · (1 + Σ b_k)` under these coefficients.
    pub fn bound(&self) -> f64 {
        ROUNDING * (1.0 + self.coefficients.iter().sum::<f64>())
    }
}

/// Fits `y ≈ a + Σ b_k x_k` robustly; `None` if there are too few rows or the solver fails.
pub fn fit_affine(y: &[f64], x: &[Vec<f64>]) -> Option<AffineFit> {
    let k = x.first()?.len();
    if y.len() < k + 2 {
        return None;
    }
    // (1) Robust proposal.
    let (a, b) = least_absolute_deviations(y, x)?;
    let bound = ROUNDING * (1.0 + b.iter().sum::<f64>()) + SLACK;
    let mut consistent: Vec<bool> = (0..y.len())
        .map(|j| (y[j] - predict(a, &b, &x[j])).abs() <= bound)
        .collect();
    // (2) Admit every row that rounding can explain together with the consistent set.
    for j in 0..y.len() {
        if !consistent[j] {
            let mut trial = consistent.clone();
            trial[j] = true;
            if feasible(y, x, &trial) {
                consistent = trial;
            }
        }
    }
    // (3) Coefficients for reporting: minimax over the consistent rows.
    let (a, b, max_residual) = minimax(y, x, &consistent)?;
    Some(AffineFit {
        intercept: a,
        coefficients: b,
        consistent,
        max_residual,
        y: y.to_vec(),
        x: x.to_vec(),
    })
}

fn predict(a: f64, b: &[f64], x: &[f64]) -> f64 {
    a + b.iter().zip(x).map(|(b, v)| b * v).sum::<f64>()
}

/// Variables: intercept (free) and coefficients (≥ 0).
fn coefficient_vars(p: &mut Problem, k: usize) -> (Variable, Vec<Variable>) {
    let a = p.add_var(0.0, (f64::NEG_INFINITY, f64::INFINITY));
    let b = (0..k)
        .map(|_| p.add_var(0.0, (0.0, f64::INFINITY)))
        .collect();
    (a, b)
}

/// Terms of `a + Σ b_k x_k`.
fn affine_terms(a: Variable, b: &[Variable], x: &[f64]) -> Vec<(Variable, f64)> {
    std::iter::once((a, 1.0))
        .chain(b.iter().zip(x).map(|(v, c)| (*v, *c)))
        .collect()
}

fn least_absolute_deviations(y: &[f64], x: &[Vec<f64>]) -> Option<(f64, Vec<f64>)> {
    let mut p = Problem::new(OptimizationDirection::Minimize);
    let (a, b) = coefficient_vars(&mut p, x[0].len());
    for (yj, xj) in y.iter().zip(x) {
        let e = p.add_var(1.0, (0.0, f64::INFINITY));
        // −e ≤ y − (a + b·x) ≤ e  ⇔  a + b·x + e ≥ y  and  a + b·x − e ≤ y.
        let mut lower = affine_terms(a, &b, xj);
        lower.push((e, 1.0));
        p.add_constraint(lower.as_slice(), ComparisonOp::Ge, *yj);
        let mut upper = affine_terms(a, &b, xj);
        upper.push((e, -1.0));
        p.add_constraint(upper.as_slice(), ComparisonOp::Le, *yj);
    }
    let s = p.solve().ok()?.into_solution().ok()?;
    Some((s.var_value(a), b.iter().map(|v| s.var_value(*v)).collect()))
}

/// Whether some `(a, b ≥ 0)` fits every selected row within `h (1 + Σ b)`.
fn feasible(y: &[f64], x: &[Vec<f64>], rows: &[bool]) -> bool {
    let mut p = Problem::new(OptimizationDirection::Minimize);
    let (a, b) = coefficient_vars(&mut p, x[0].len());
    for j in (0..y.len()).filter(|&j| rows[j]) {
        // y − a − b·x ≤ h + h Σb  ⇔  a + Σ (x_k + h) b_k ≥ y − h
        let mut lower = vec![(a, 1.0)];
        lower.extend(b.iter().zip(&x[j]).map(|(v, c)| (*v, c + ROUNDING)));
        p.add_constraint(lower.as_slice(), ComparisonOp::Ge, y[j] - ROUNDING - SLACK);
        // a + b·x − y ≤ h + h Σb  ⇔  a + Σ (x_k − h) b_k ≤ y + h
        let mut upper = vec![(a, 1.0)];
        upper.extend(b.iter().zip(&x[j]).map(|(v, c)| (*v, c - ROUNDING)));
        p.add_constraint(upper.as_slice(), ComparisonOp::Le, y[j] + ROUNDING + SLACK);
    }
    matches!(p.solve(), Ok(outcome) if outcome.solution().is_some())
}

/// Minimises the largest |residual| over the selected rows.
fn minimax(y: &[f64], x: &[Vec<f64>], rows: &[bool]) -> Option<(f64, Vec<f64>, f64)> {
    let mut p = Problem::new(OptimizationDirection::Minimize);
    let (a, b) = coefficient_vars(&mut p, x[0].len());
    let t = p.add_var(1.0, (0.0, f64::INFINITY));
    for j in (0..y.len()).filter(|&j| rows[j]) {
        let mut lower = affine_terms(a, &b, &x[j]);
        lower.push((t, 1.0));
        p.add_constraint(lower.as_slice(), ComparisonOp::Ge, y[j]);
        let mut upper = affine_terms(a, &b, &x[j]);
        upper.push((t, -1.0));
        p.add_constraint(upper.as_slice(), ComparisonOp::Le, y[j]);
    }
    let s = p.solve().ok()?.into_solution().ok()?;
    Some((
        s.var_value(a),
        b.iter().map(|v| s.var_value(*v)).collect(),
        s.var_value(t),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round2(v: f64) -> f64 {
        (v * 100.0).round() / 100.0
    }

    /// Rows from an exact affine relation, printed to two decimals.
    fn rows(n: usize) -> (Vec<f64>, Vec<Vec<f64>>) {
        let mut state = 12345u64;
        let mut next = || {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (state >> 11) as f64 / (1u64 << 53) as f64
        };
        let (mut y, mut x) = (Vec::new(), Vec::new());
        for _ in 0..n {
            let xs: Vec<f64> = (0..3).map(|_| 60.0 + 40.0 * next()).collect();
            y.push(round2(-51.3 + 0.45 * xs[0] + 0.35 * xs[1] + 0.55 * xs[2]));
            x.push(xs.iter().map(|v| round2(*v)).collect());
        }
        (y, x)
    }

    #[test]
    fn rounding_alone_raises_no_alarm() {
        let (y, x) = rows(100);
        let f = fit_affine(&y, &x).unwrap();
        assert!(f.consistent.iter().all(|c| *c));
        assert!(
            (f.coefficients[0] - 0.45).abs() < 0.01,
            "{:?}",
            f.coefficients
        );
        assert!(f.max_residual <= f.bound() + 1e-9);
    }

    #[test]
    fn a_minority_of_wrong_rows_is_flagged_and_does_not_pull_the_fit() {
        let (mut y, mut x) = rows(100);
        y[7] += 0.12; // a mistyped total
        x[30][1] -= 3.0; // a mistyped component
        y[55] = 60.0; // a wrong row
        let f = fit_affine(&y, &x).unwrap();
        let flagged: Vec<usize> = (0..100).filter(|&j| !f.consistent[j]).collect();
        assert_eq!(flagged, vec![7, 30, 55]);
        assert!((f.coefficients[1] - 0.35).abs() < 0.01);
        assert!((f.predict(&x[7]) - (y[7] - 0.12)).abs() < 0.02);
    }

    #[test]
    fn too_few_rows_give_no_fit() {
        assert!(fit_affine(&[1.0, 2.0], &[vec![1.0, 2.0], vec![2.0, 3.0]]).is_none());
    }
}
