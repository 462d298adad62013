//! Effective indicator weights of a perturbed weight tree with AVX-512: the first step of every
//! Monte Carlo replication.
//!
//! Each node's perturbed weight `w·f` is divided by the sum of its siblings' (0 when that sum
//! is not positive), and an indicator's effective weight is the product of its own, its
//! sub-pillar's and its pillar's share (Appendix 3's weights, renormalised within each parent).
//! The plain version in [`crate::model`] walks the nodes one by one; [`WeightPlan`] does the
//! same operations in the same order on eight nodes at a time, so the results are the same
//! bits: the sibling sums run lane by lane over the groups of siblings (each from 0, in node
//! order), the divisions are IEEE divisions whatever the width, and the products keep their
//! order `(own · sub-pillar) · pillar`.

/// Nodes, sibling groups and indicators the plan holds at most (else the plain walk runs).
const MAX_NODES: usize = 64;
const MAX_GROUPS: usize = 16;
const MAX_INDICATORS: usize = 64;

/// The tree's shape as index vectors: sibling groups, each node's group, each indicator's
/// chain of nodes.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct WeightPlan {
    nodes: usize,
    indicators: usize,
    /// Per sibling group (a run of nodes with one parent): its first node and its size;
    /// groups past the last have size 0.
    first: [i64; MAX_GROUPS],
    size: [i64; MAX_GROUPS],
    /// The largest group's size.
    largest: usize,
    /// Per node: its group.
    group_of: [i64; MAX_NODES],
    /// Per indicator: its node, its sub-pillar's node and its pillar's node.
    chain: [[i64; MAX_INDICATORS]; 3],
}

impl WeightPlan {
    /// The plan of a tree given each node's parent (siblings contiguous) and each indicator's
    /// chain, or None when the tree exceeds the plan's limits.
    pub(crate) fn new(node_parent: &[usize], indicator_chain: &[[usize; 3]]) -> Option<Self> {
        let (nodes, indicators) = (node_parent.len(), indicator_chain.len());
        if nodes > MAX_NODES || indicators > MAX_INDICATORS {
            return None;
        }
        let (mut first, mut size) = ([0i64; MAX_GROUPS], [0i64; MAX_GROUPS]);
        let mut group_of = [0i64; MAX_NODES];
        let mut groups = 0;
        for (k, parent) in node_parent.iter().enumerate() {
            if k == 0 || node_parent[k - 1] != *parent {
                if groups == MAX_GROUPS {
                    return None;
                }
                first[groups] = k as i64;
                groups += 1;
            }
            size[groups - 1] += 1;
            group_of[k] = groups as i64 - 1;
        }
        let mut chain = [[0i64; MAX_INDICATORS]; 3];
        for (i, links) in indicator_chain.iter().enumerate() {
            for (c, &node) in chain.iter_mut().zip(links) {
                c[i] = node as i64;
            }
        }
        Some(WeightPlan {
            nodes,
            indicators,
            first,
            size,
            largest: size.iter().copied().max().unwrap_or(0) as usize,
            group_of,
            chain,
        })
    }

    /// The effective weights (`out`, one per indicator) of node weights `weight` perturbed by
    /// `factors`. The caller checks AVX-512F; the slices have the plan's node and indicator
    /// counts.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx512f")]
    pub(crate) unsafe fn apply_avx512(&self, weight: &[f64], factors: &[f64], out: &mut [f64]) {
        use std::arch::x86_64::*;
        assert!(weight.len() == self.nodes && factors.len() == self.nodes);
        assert!(out.len() == self.indicators);
        let lanes = |len: usize, start: usize| -> __mmask8 {
            if len >= start + 8 {
                0xFF
            } else if len > start {
                (1u8 << (len - start)) - 1
            } else {
                0
            }
        };
        let zero = _mm512_setzero_pd();
        // SAFETY (loads, stores, gathers): masked lanes stay below each slice's length; the
        // gathers' indices are node indices below `nodes` (groups of size 0 gather nothing).
        let mut product = [0f64; MAX_NODES];
        for v in (0..self.nodes).step_by(8) {
            let m = lanes(self.nodes, v);
            let w = _mm512_maskz_loadu_pd(m, weight.as_ptr().add(v));
            let f = _mm512_maskz_loadu_pd(m, factors.as_ptr().add(v));
            _mm512_storeu_pd(product.as_mut_ptr().add(v), _mm512_mul_pd(w, f));
        }
        // Sibling sums, a group per lane: from 0, adding the group's j-th node at step j.
        let mut sums = [zero; MAX_GROUPS / 8];
        for (h, sum) in sums.iter_mut().enumerate() {
            let first = _mm512_loadu_epi64(self.first.as_ptr().add(8 * h));
            let size = _mm512_loadu_epi64(self.size.as_ptr().add(8 * h));
            let mut acc = zero;
            for j in 0..self.largest {
                let step = _mm512_set1_epi64(j as i64);
                let active = _mm512_cmplt_epi64_mask(step, size);
                let x = _mm512_mask_i64gather_pd::<8>(
                    zero,
                    active,
                    _mm512_add_epi64(first, step),
                    product.as_ptr(),
                );
                acc = _mm512_mask_add_pd(acc, active, acc, x);
            }
            *sum = acc;
        }
        // Each node's share of its group's sum (0 unless the sum is positive).
        let mut share = [0f64; MAX_NODES];
        for v in (0..self.nodes).step_by(8) {
            let group = _mm512_loadu_epi64(self.group_of.as_ptr().add(v));
            let sum = _mm512_permutex2var_pd(sums[0], group, sums[1]);
            let positive = _mm512_cmp_pd_mask::<_CMP_GT_OQ>(sum, zero);
            let x = _mm512_loadu_pd(product.as_ptr().add(v));
            _mm512_storeu_pd(
                share.as_mut_ptr().add(v),
                _mm512_maskz_div_pd(positive, x, sum),
            );
        }
        // Each indicator's chain of shares.
        for v in (0..self.indicators).step_by(8) {
            let m = lanes(self.indicators, v);
            let link = |c: usize| {
                let index = _mm512_loadu_epi64(self.chain[c].as_ptr().add(v));
                _mm512_mask_i64gather_pd::<8>(zero, m, index, share.as_ptr())
            };
            let w = _mm512_mul_pd(_mm512_mul_pd(link(0), link(1)), link(2));
            _mm512_mask_storeu_pd(out.as_mut_ptr().add(v), m, w);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The walk the plan must reproduce bit for bit: each node's perturbed weight over its
    /// siblings' sum (added in node order from 0), 0 unless positive; the chain's product.
    fn walk(parent: &[usize], chain: &[[usize; 3]], weight: &[f64], factors: &[f64]) -> Vec<f64> {
        let share: Vec<f64> = (0..parent.len())
            .map(|k| {
                let mut sum = 0.0;
                for j in 0..parent.len() {
                    if parent[j] == parent[k] {
                        sum += weight[j] * factors[j];
                    }
                }
                if sum > 0.0 {
                    weight[k] * factors[k] / sum
                } else {
                    0.0
                }
            })
            .collect();
        chain
            .iter()
            .map(|&[k, s, p]| share[k] * share[s] * share[p])
            .collect()
    }

    /// A tree of `pillars` pillars, each with `subs` sub-pillars of `per` indicators: its
    /// parents (root slot = node count) and indicator chains.
    fn tree(pillars: usize, subs: usize, per: usize) -> (Vec<usize>, Vec<[usize; 3]>) {
        let nodes = pillars * (1 + subs * (1 + per));
        let mut parent = vec![nodes; pillars];
        for p in 0..pillars {
            parent.extend(std::iter::repeat_n(p, subs));
        }
        let mut chain = Vec::new();
        for s in 0..pillars * subs {
            for _ in 0..per {
                chain.push([parent.len(), pillars + s, s / subs]);
                parent.push(pillars + s);
            }
        }
        (parent, chain)
    }

    /// The plan gives the walk's bits for several tree shapes, random factors, and zero or
    /// negative weights (a non-positive sum gives 0).
    #[cfg(target_arch = "x86_64")]
    #[test]
    fn the_plan_is_the_walk() {
        if !std::arch::is_x86_feature_detected!("avx512f") {
            return;
        }
        let mut rng = crate::tests::Lcg(99);
        let mut next = || (rng.step() >> 11) as f64 / (1u64 << 53) as f64;
        for (pillars, subs, per) in [(1, 1, 1), (3, 4, 2), (3, 4, 3), (2, 3, 4), (5, 1, 7)] {
            let (parent, chain) = tree(pillars, subs, per);
            let plan = WeightPlan::new(&parent, &chain).expect("within the limits");
            for round in 0..500 {
                let weight: Vec<f64> = (0..parent.len())
                    .map(|k| match (round + k) % 23 {
                        0 => 0.0,
                        1 if round % 2 == 0 => -0.5,
                        _ => 0.1 + next(),
                    })
                    .collect();
                let factors: Vec<f64> = (0..parent.len()).map(|_| 0.75 + next() / 2.0).collect();
                let mut out = vec![f64::NAN; chain.len()];
                // SAFETY: the CPU supports AVX-512F, checked above; lengths match the plan.
                unsafe { plan.apply_avx512(&weight, &factors, &mut out) };
                let expected = walk(&parent, &chain, &weight, &factors);
                let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
                assert_eq!(bits(&out), bits(&expected), "{pillars}x{subs}x{per}");
            }
        }
    }

    /// Trees past the limits get no plan.
    #[test]
    fn large_trees_get_no_plan() {
        let (parent, chain) = tree(3, 6, 4); // 93 nodes
        assert!(WeightPlan::new(&parent, &chain).is_none());
        let (parent, chain) = tree(17, 1, 1); // 17 + 17 groups
        assert!(WeightPlan::new(&parent, &chain).is_none());
        let (parent, chain) = tree(3, 4, 2);
        assert!(WeightPlan::new(&parent, &chain).is_some());
    }
}
