//! Weighted sums of the normalised matrix: the pillar scores and the composite, the inner
//! loop of every Monte Carlo replication.
//!
//! Cities go in blocks of 32 whose sums stay in registers over a pillar's indicators (each
//! city's sum still adds its indicators in framework order, from 0). The cities after the
//! last full block go in one block of 8, 16 or 32 that ends at the last city and may overlap
//! the one before (recomputing the same values). Fewer than 8 cities go one by one. The
//! composite adds the pillars in order. Multiplications and additions are separate roundings
//! (Rust never fuses them into FMA unasked), so any block width, and any vector width the
//! caller compiles this for, gives the same bits.

use std::ops::Range;

/// `scores[0]` (the composite) and `scores[1 + p]` (pillar p, over indicators
/// `pillar_ranges[p]`) for `n` cities of the column-major `normalised` matrix.
#[inline(always)]
pub(crate) fn pillars_and_composite(
    pillar_ranges: &[Range<usize>],
    n: usize,
    normalised: &[f64],
    weights: &[f64],
    scores: &mut [Vec<f64>],
) {
    let (composite, pillars) = scores.split_at_mut(1);
    let composite = &mut composite[0];
    let sums = Sums {
        pillar_ranges,
        n,
        normalised,
        weights,
    };
    // Spelled out width by width: a loop over the widths with a run-time dispatch to the
    // same blocks measured 6 % slower on the whole Monte Carlo (the blocks stop inlining).
    let mut done = 0;
    while done < n {
        let rest = n - done;
        if rest >= 32 {
            sums.block::<32>(done, composite, pillars);
            done += 32;
        } else if rest > 16 && n >= 32 {
            sums.block::<32>(n - 32, composite, pillars);
            done = n;
        } else if rest >= 16 {
            sums.block::<16>(done, composite, pillars);
            done += 16;
        } else if rest > 8 && n >= 16 {
            sums.block::<16>(n - 16, composite, pillars);
            done = n;
        } else if rest >= 8 {
            sums.block::<8>(done, composite, pillars);
            done += 8;
        } else if n >= 8 {
            sums.block::<8>(n - 8, composite, pillars);
            done = n;
        } else {
            for j in done..n {
                let mut total = 0.0;
                for (range, sp) in pillar_ranges.iter().zip(pillars.iter_mut()) {
                    let mut sum = 0.0;
                    for i in range.clone() {
                        sum += weights[i] * normalised[i * n + j];
                    }
                    sp[j] = sum;
                    total += sum;
                }
                composite[j] = total;
            }
            done = n;
        }
    }
}

/// The inputs of the sums.
struct Sums<'a> {
    pillar_ranges: &'a [Range<usize>],
    n: usize,
    normalised: &'a [f64],
    weights: &'a [f64],
}

impl Sums<'_> {
    /// The scores of cities `start..start + B`.
    #[inline(always)]
    fn block<const B: usize>(&self, start: usize, composite: &mut [f64], pillars: &mut [Vec<f64>]) {
        let n = self.n;
        let mut total = [0.0f64; B];
        for (range, sp) in self.pillar_ranges.iter().zip(pillars.iter_mut()) {
            let mut sum = [0.0f64; B];
            for (&w, column) in self.weights[range.clone()]
                .iter()
                .zip(self.normalised[range.start * n..range.end * n].chunks_exact(n))
            {
                let x: &[f64; B] = column[start..start + B]
                    .try_into()
                    .expect("a block of cities");
                for (s, x) in sum.iter_mut().zip(x) {
                    *s += w * x;
                }
            }
            sp[start..start + B].copy_from_slice(&sum);
            for (t, s) in total.iter_mut().zip(&sum) {
                *t += s;
            }
        }
        composite[start..start + B].copy_from_slice(&total);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every city count from 1 to 100 gives each city's plain sums, bit for bit.
    #[test]
    fn blocks_give_the_plain_sums() {
        let ranges = [0..4, 4..9, 9..11];
        let m = 11;
        for n in 1..=100usize {
            let normalised: Vec<f64> = (0..m * n)
                .map(|k| ((k * 7919) % 1013) as f64 / 7.3 - 40.0)
                .collect();
            let weights: Vec<f64> = (0..m).map(|i| 0.013 + i as f64 / 97.0).collect();
            let mut scores = vec![vec![f64::NAN; n]; 4];
            pillars_and_composite(&ranges, n, &normalised, &weights, &mut scores);
            for j in 0..n {
                let mut total = 0.0;
                for (p, range) in ranges.iter().enumerate() {
                    let mut sum = 0.0;
                    for i in range.clone() {
                        sum += weights[i] * normalised[i * n + j];
                    }
                    assert_eq!(scores[1 + p][j].to_bits(), sum.to_bits(), "n {n} city {j}");
                    total += sum;
                }
                assert_eq!(scores[0][j].to_bits(), total.to_bits(), "n {n} city {j}");
            }
        }
    }
}
