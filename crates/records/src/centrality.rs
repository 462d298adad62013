//! Eigenvector centrality of a weighted undirected network (I17), as networkx's
//! `eigenvector_centrality_numpy(G, weight="weight")` defines it: the eigenvector of the
//! adjacency matrix for its largest eigenvalue, scaled to unit Euclidean norm with a positive
//! sum.
//!
//! What happens on the edges of the definition:
//! - a disconnected network (any metro without co-authorship makes one): networkx 3 refuses
//!   it (`AmbiguousSolution`); gihi takes the leading eigenvector of the whole matrix, which
//!   lives on the component with the largest eigenvalue and there equals networkx's answer
//!   for that component alone (unit norm over it); metros of every other component, isolated
//!   ones included, get 0. [`Centrality::components`] says how many components have edges;
//! - when the largest eigenvalue is shared (two components with the same spectrum, or no
//!   edges at all) the leading eigenvector is not unique: networkx's answer then depends on
//!   ARPACK's random start. gihi reports the multiplicity ([`Centrality::multiplicity`]) and,
//!   for a network with no edges, writes 0 for every metro.

use nalgebra::{DMatrix, SymmetricEigen};

/// Centralities and what is known of their uniqueness.
#[derive(Debug, Clone, PartialEq)]
pub struct Centrality {
    /// One value per node, in the matrix's order.
    pub values: Vec<f64>,
    /// The largest eigenvalue.
    pub eigenvalue: f64,
    /// How many eigenvalues equal the largest (within 1e-9 of it, relative): 1 means unique.
    pub multiplicity: usize,
    /// Connected components with at least one edge (1: connected apart from isolated nodes).
    pub components: usize,
    /// Nodes without any edge.
    pub isolated: usize,
}

/// The component of every node, the number of components with an edge, and the number
/// of isolated nodes, of the graph with edges where `w` ≠ 0.
fn components(n: usize, w: &[f64]) -> (Vec<usize>, usize, usize) {
    let mut label = vec![usize::MAX; n];
    let (mut comps, mut isolated) = (0, 0);
    for start in 0..n {
        if label[start] != usize::MAX {
            continue;
        }
        label[start] = start;
        let mut stack = vec![start];
        let mut size = 0;
        while let Some(i) = stack.pop() {
            size += 1;
            for j in 0..n {
                if label[j] == usize::MAX && w[i * n + j] != 0.0 {
                    label[j] = start;
                    stack.push(j);
                }
            }
        }
        if size == 1 {
            isolated += 1;
        } else {
            comps += 1;
        }
    }
    (label, comps, isolated)
}

/// Relative tolerance for eigenvalues equal to the largest.
pub const MULTIPLICITY_TOLERANCE: f64 = 1e-9;

/// The eigenvector centrality of the symmetric matrix `w` (n × n, row-major).
pub fn eigenvector(n: usize, w: &[f64]) -> Centrality {
    assert_eq!(w.len(), n * n, "a square matrix");
    if n == 0 {
        return Centrality {
            values: Vec::new(),
            eigenvalue: 0.0,
            multiplicity: 0,
            components: 0,
            isolated: 0,
        };
    }
    if w.iter().all(|&x| x == 0.0) {
        return Centrality {
            values: vec![0.0; n],
            eigenvalue: 0.0,
            multiplicity: n,
            components: 0,
            isolated: n,
        };
    }
    let m = DMatrix::from_row_slice(n, n, w);
    let e = SymmetricEigen::new(m);
    let (mut top, mut lead) = (0usize, f64::NEG_INFINITY);
    for (k, &l) in e.eigenvalues.iter().enumerate() {
        if l > lead {
            lead = l;
            top = k;
        }
    }
    let scale = lead.abs().max(f64::MIN_POSITIVE);
    let multiplicity = e
        .eigenvalues
        .iter()
        .filter(|&&l| (lead - l).abs() <= MULTIPLICITY_TOLERANCE * scale)
        .count();
    let v: Vec<f64> = e.eigenvectors.column(top).iter().copied().collect();
    let norm = v.iter().map(|x| x * x).sum::<f64>().sqrt();
    let sign = if v.iter().sum::<f64>() < 0.0 {
        -1.0
    } else {
        1.0
    };
    // The leading eigenvector lives on one component (the one holding its largest entry):
    // elsewhere it is 0 up to rounding, which is written as an exact 0 (and a Perron vector
    // has no negative entries).
    let (label, components, isolated) = components(n, w);
    let lead_node = (0..n)
        .max_by(|&a, &b| v[a].abs().total_cmp(&v[b].abs()).then(b.cmp(&a)))
        .unwrap_or(0);
    Centrality {
        values: (0..n)
            .map(|k| {
                if label[k] == label[lead_node] {
                    (sign * v[k] / norm).max(0.0)
                } else {
                    0.0
                }
            })
            .collect(),
        eigenvalue: lead,
        multiplicity,
        components,
        isolated,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_path_of_three() {
        // 0 - 1 - 2 with weights 1: eigenvalue √2, vector (1, √2, 1)/2.
        let c = eigenvector(3, &[0., 1., 0., 1., 0., 1., 0., 1., 0.]);
        assert!((c.eigenvalue - 2f64.sqrt()).abs() < 1e-12);
        let want = [0.5, 2f64.sqrt() / 2.0, 0.5];
        for (a, b) in c.values.iter().zip(want) {
            assert!((a - b).abs() < 1e-12, "{:?}", c.values);
        }
        assert_eq!(c.multiplicity, 1);
    }

    #[test]
    fn isolated_nodes_and_smaller_components_get_zero() {
        // Triangle of weight 2 (eigenvalue 4) beside an edge of weight 1 and an isolate.
        let mut w = vec![0.0; 36];
        for (i, j, x) in [(0, 1, 2.0), (1, 2, 2.0), (0, 2, 2.0), (3, 4, 1.0)] {
            w[i * 6 + j] = x;
            w[j * 6 + i] = x;
        }
        let c = eigenvector(6, &w);
        assert!((c.eigenvalue - 4.0).abs() < 1e-12);
        for k in 0..3 {
            assert!((c.values[k] - 1.0 / 3f64.sqrt()).abs() < 1e-12);
        }
        for k in 3..6 {
            assert_eq!(c.values[k], 0.0);
        }
        assert_eq!((c.components, c.isolated), (2, 1));
    }

    #[test]
    fn no_edges_is_all_zero_and_not_unique() {
        let c = eigenvector(3, &[0.0; 9]);
        assert_eq!(c.values, vec![0.0; 3]);
        assert_eq!(c.multiplicity, 3);
    }

    #[test]
    fn two_equal_components_are_reported() {
        let mut w = vec![0.0; 16];
        for (i, j) in [(0, 1), (2, 3)] {
            w[i * 4 + j] = 1.0;
            w[j * 4 + i] = 1.0;
        }
        assert_eq!(eigenvector(4, &w).multiplicity, 2);
    }
}
