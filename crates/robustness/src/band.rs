//! Ranks when the scores stay near an expected order: the Monte Carlo's fast path.
//!
//! Under perturbed weights most cities keep near their nominal place, so comparing each city
//! with all others (what [`crate::ranks`] does) mostly recomputes known answers. Here cities
//! are laid out in the expected order (each level's nominal order) and cut into blocks of 16
//! positions. If every city of blocks `0..=a` scores strictly above every city of blocks
//! `a + 2..` (for each `a`; checked in O(n) with a prefix minimum and a suffix maximum of the
//! block extremes), a city in block `b` is below all 16·(b − 1) cities of the blocks before
//! `b − 1` and above all those after `b + 1`, so only blocks `b − 1`, `b` and `b + 1` are
//! compared: about 3 blocks of 7 for a hundred cities. Of the neighbouring blocks, the leading
//! cities of block `b − 1` that score above all of block `b` add 1 to every count there and
//! the trailing cities of block `b + 1` below all of it add nothing, so the AVX-512 kernel
//! skips them too. The f32 counts are then exactly the full count's.
//!
//! The ranks are final when the f32 scores are distinct and every gap between neighbours in
//! rank order exceeds the tie tolerance even after the f32 rounding: writing each score at its
//! rank gives them sorted (a slot left empty means a collision), and one pass over neighbours
//! checks `(a − b) − e(a) − e(b) > tol⁺`, where `e(x) = 2⁻²³·|x| + 2⁻¹⁴⁸` is twice the bound
//! on the f32 rounding of an f64 score and `tol⁺` bounds `TIE_TOLERANCE × (max − min)` from
//! above the same way. Every check is conservative: when one fails (the scores left the band,
//! a collision, a gap near the tolerance, a non-finite score) the caller runs the exact count
//! of [`crate::ranks`]. The expected order only decides how often that happens, never the
//! ranks.

use crate::ranks::dispatch;
use gihi_scores::TIE_TOLERANCE;

/// Block width of the band count (one AVX-512 vector of f32).
const BAND_BLOCK: usize = 16;

/// An expected order of a group's cities, best first: a permutation of `0..n`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExpectedOrder(Vec<u32>);

impl ExpectedOrder {
    /// The order, or None if `order` is not a permutation of `0..order.len()`.
    pub fn new(order: Vec<u32>) -> Option<ExpectedOrder> {
        let mut seen = vec![false; order.len()];
        for &c in &order {
            let slot = seen.get_mut(c as usize)?;
            if std::mem::replace(slot, true) {
                return None;
            }
        }
        Some(ExpectedOrder(order))
    }

    /// The city at each position.
    pub fn cities(&self) -> &[u32] {
        &self.0
    }
}

/// Competition ranks of `scores` by the band count, written by position in `order`
/// (`out[p]` is the rank of city `order[p]`), or false (with `out` unspecified) when the
/// fast path cannot decide them.
pub(crate) fn ranks_in_band(scores: &[f64], order: &ExpectedOrder, out: &mut [u32]) -> bool {
    let n = scores.len();
    let order = order.cities();
    if n == 0 || n > 128 || order.len() != n || out.len() != n {
        return false;
    }
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx512f") {
        // SAFETY: the CPU supports AVX-512F, checked just above.
        return unsafe { ranks_in_band_avx512(scores, order, out) };
    }
    let mut ok = false;
    dispatch(|| ok = band_ranks(scores, order, out, gather, count_f32_banded));
    ok
}

/// [`ranks_in_band`] compiled for AVX-512 (the gap check runs 8 lanes wide) with the
/// AVX-512 band count.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f")]
unsafe fn ranks_in_band_avx512(scores: &[f64], order: &[u32], out: &mut [u32]) -> bool {
    band_ranks(
        scores,
        order,
        out,
        // SAFETY (both): this function runs only where AVX-512F is present, and `order` is
        // a permutation of `0..scores.len()` (checked by the caller).
        |scores, order| unsafe { gather_avx512(scores, order) },
        |t, n, counts| unsafe { count_f32_banded_avx512(t, n, counts) },
    )
}

/// The scores in the expected order as f32, −∞ after the last city: eight at a time by an
/// AVX-512 gather. `order` must be a permutation of `0..scores.len() <= 128`.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f")]
unsafe fn gather_avx512(scores: &[f64], order: &[u32]) -> [f32; 128] {
    use std::arch::x86_64::*;
    let n = scores.len();
    let mut t = [f32::NEG_INFINITY; 128];
    let chunks = n / 8;
    for c in 0..chunks {
        // SAFETY: `order` holds n >= 8 c + 8 indices, each below n = scores.len().
        let idx = _mm256_loadu_si256(order.as_ptr().add(8 * c).cast());
        let v = _mm512_i32gather_pd::<8>(idx, scores.as_ptr());
        _mm256_storeu_ps(t.as_mut_ptr().add(8 * c), _mm512_cvtpd_ps(v));
    }
    for p in chunks * 8..n {
        t[p] = scores[order[p] as usize] as f32;
    }
    t
}

/// The scores in the expected order as f32, −∞ after the last city.
#[inline(always)]
fn gather(scores: &[f64], order: &[u32]) -> [f32; 128] {
    let mut t = [f32::NEG_INFINITY; 128];
    for (x, &c) in t.iter_mut().zip(order) {
        *x = scores[c as usize] as f32;
    }
    t
}

/// The fast path with a given band count; `order` is a permutation of `0..scores.len()`,
/// at most 128 long.
#[inline(always)]
fn band_ranks(
    scores: &[f64],
    order: &[u32],
    out: &mut [u32],
    gather: impl Fn(&[f64], &[u32]) -> [f32; 128],
    count: impl Fn(&[f32; 128], usize, &mut [u32; 128]) -> bool,
) -> bool {
    let n = scores.len();
    let t = gather(scores, order);
    let mut counts = [0u32; 128];
    if !count(&t, n, &mut counts) {
        return false;
    }
    // Each score at its rank (1..=n): sorted, with a NaN left where two share a rank.
    let mut sorted = [f32::NAN; 128];
    for (&r, &x) in counts[..n].iter().zip(&t) {
        sorted[(r as usize - 1) & 127] = x;
    }
    if !gaps_clear(&sorted[..n]) {
        return false;
    }
    out.copy_from_slice(&counts[..n]);
    true
}

/// Twice the bound on the rounding of an f64 score to the f32 `x` (relative 2⁻²⁴, and the
/// subnormal spacing).
#[inline(always)]
fn rounding(x: f64) -> f64 {
    x.abs() * f64::powi(2.0, -23) + f64::powi(2.0, -148)
}

/// True when `sorted` (f32 scores by rank) is strictly decreasing with every gap above the
/// tie tolerance of the f64 scores it rounds, whatever those were (see the module notes).
#[inline(always)]
fn gaps_clear(sorted: &[f32]) -> bool {
    let n = sorted.len();
    let (top, bottom) = (sorted[0] as f64, sorted[n - 1] as f64);
    let (up, down) = (1.0 + f64::powi(2.0, -40), 1.0 - f64::powi(2.0, -40));
    let tol = TIE_TOLERANCE * ((top - bottom) + rounding(top) + rounding(bottom)) * up;
    let clear = sorted[..n - 1]
        .iter()
        .zip(&sorted[1..])
        .fold(true, |ok, (&a, &b)| {
            let (a, b) = (a as f64, b as f64);
            ok & ((a - b) * down - rounding(a) - rounding(b) > tol)
        });
    // A NaN fails every comparison above; `tol` itself must be a number.
    clear && tol >= 0.0
}

/// The band count (AVX-512 where present): `counts[p] = 1 + #{q : t_q > t_p}` for `p < n`,
/// or false if the scores leave the band or are not all finite (for the tests: both paths).
#[cfg(test)]
fn count_in_band(t: &[f32; 128], n: usize, counts: &mut [u32; 128]) -> bool {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx512f") {
        // SAFETY: the CPU supports AVX-512F, checked just above.
        return unsafe { count_f32_banded_avx512(t, n, counts) };
    }
    let mut ok = false;
    dispatch(|| ok = count_f32_banded(t, n, counts));
    ok
}

/// The band count over scores `t` laid out in the expected order (`n` cities, the rest of
/// the 128 slots −∞): `counts[p] = 1 + #{q : t_q > t_p}` for every position `p < n`, or false
/// if the scores leave the band (or are not all finite).
#[inline(always)]
fn count_f32_banded(t: &[f32; 128], n: usize, counts: &mut [u32; 128]) -> bool {
    const W: usize = BAND_BLOCK;
    let blocks = n.div_ceil(W);
    if !t[..n].iter().fold(true, |ok, x| ok & x.is_finite()) {
        return false;
    }
    // Block extremes, then: min of blocks 0..=a > max of blocks a+2.. for every a.
    let mut lowest = [f32::INFINITY; 128 / W];
    let mut highest = [f32::NEG_INFINITY; 128 / W];
    for b in 0..blocks {
        let block: [f32; W] = t[b * W..(b + 1) * W].try_into().expect("a block");
        let real = W.min(n - b * W);
        let high = tree(block, |x, y| if x > y { x } else { y });
        let low = tree(
            std::array::from_fn(|i| if i < real { block[i] } else { f32::INFINITY }),
            |x, y| if x < y { x } else { y },
        );
        (lowest[b], highest[b]) = (low, high);
    }
    if !blocks_in_band(&lowest, &highest, blocks) {
        return false;
    }
    for b in 0..blocks {
        let tb: [f32; W] = t[b * W..(b + 1) * W].try_into().expect("a block");
        let mut above = [0u32; W];
        for &tk in &t[b.saturating_sub(1) * W..n.min((b + 2) * W)] {
            for (c, &x) in above.iter_mut().zip(&tb) {
                *c += (tk > x) as u32;
            }
        }
        let before = (W * b.saturating_sub(1)) as u32;
        for (r, c) in counts[b * W..(b + 1) * W].iter_mut().zip(above) {
            *r = 1 + before + c;
        }
    }
    true
}

/// The band condition on the block extremes: the minimum of blocks `0..=a` is above the
/// maximum of blocks `a + 2..`, for every `a` (a prefix minimum against a suffix maximum).
#[inline(always)]
fn blocks_in_band(
    lowest: &[f32; 128 / BAND_BLOCK],
    highest: &[f32; 128 / BAND_BLOCK],
    blocks: usize,
) -> bool {
    let mut below = [f32::NEG_INFINITY; 128 / BAND_BLOCK + 1];
    for b in (0..blocks).rev() {
        below[b] = below[b + 1].max(highest[b]);
    }
    let mut floor = f32::INFINITY;
    (0..blocks.saturating_sub(2)).all(|a| {
        floor = floor.min(lowest[a]);
        floor > below[a + 2]
    })
}

/// A 16-lane reduction by halves (elementwise, so it vectorises; `f` is min or max).
#[inline(always)]
fn tree(mut v: [f32; BAND_BLOCK], f: impl Fn(f32, f32) -> f32) -> f32 {
    let mut half = BAND_BLOCK / 2;
    while half > 0 {
        for i in 0..half {
            v[i] = f(v[i], v[i + half]);
        }
        half /= 2;
    }
    v[0]
}

/// [`count_f32_banded`] with AVX-512: the blocks in registers, masked reductions for their
/// extremes, and per block a 16-lane counter fed by a compare into a mask and a masked add
/// for each city of the neighbouring blocks.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f")]
unsafe fn count_f32_banded_avx512(t: &[f32; 128], n: usize, counts: &mut [u32; 128]) -> bool {
    use std::arch::x86_64::*;
    const W: usize = BAND_BLOCK;
    let blocks = n.div_ceil(W);
    let p = t.as_ptr();
    let mut v = [_mm512_setzero_ps(); 128 / W];
    let (mut lowest, mut highest) = ([0f32; 128 / W], [0f32; 128 / W]);
    let infinity = _mm512_set1_ps(f32::INFINITY);
    let sign = _mm512_set1_epi32(0x7FFF_FFFF);
    for b in 0..blocks {
        // SAFETY: `t` holds 128 floats; block b reads floats 16 b .. 16 b + 15.
        v[b] = _mm512_loadu_ps(p.add(b * W));
        let real: __mmask16 = if n - b * W >= W {
            0xFFFF
        } else {
            (1u16 << (n - b * W)) - 1
        };
        let magnitude = _mm512_castsi512_ps(_mm512_and_si512(_mm512_castps_si512(v[b]), sign));
        // Ordered and below infinity: finite (a NaN or an infinity fails).
        if _mm512_mask_cmp_ps_mask::<_CMP_LT_OQ>(real, magnitude, infinity) != real {
            return false;
        }
        lowest[b] = _mm512_mask_reduce_min_ps(real, v[b]);
        highest[b] = _mm512_mask_reduce_max_ps(real, v[b]);
    }
    if !blocks_in_band(&lowest, &highest, blocks) {
        return false;
    }
    let one = _mm512_set1_epi32(1);
    for (b, &vb) in v.iter().enumerate().take(blocks) {
        let (mut start, mut end) = (b.saturating_sub(1) * W, n.min((b + 2) * W));
        // The leading cities of block b − 1 above all of block b add 1 to every count, and
        // the trailing cities of block b + 1 below all of it add nothing: skip them.
        if b > 0 {
            let above = _mm512_cmp_ps_mask::<_CMP_GT_OQ>(v[b - 1], _mm512_set1_ps(highest[b]));
            start += (!above).trailing_zeros() as usize;
        }
        if b + 1 < blocks {
            let real: __mmask16 = if n - (b + 1) * W >= W {
                0xFFFF
            } else {
                (1u16 << (n - (b + 1) * W)) - 1
            };
            let below = _mm512_cmp_ps_mask::<_CMP_LT_OQ>(v[b + 1], _mm512_set1_ps(lowest[b]));
            let kept = !below & real;
            end = (b + 1) * W + (16 - kept.leading_zeros() as usize);
        }
        let before = _mm512_set1_epi32((1 + start) as i32);
        let (mut c0, mut c1) = (before, _mm512_setzero_si512());
        let mut k = start;
        while k + 1 < end {
            let m0 = _mm512_cmp_ps_mask::<_CMP_LT_OQ>(vb, _mm512_set1_ps(*p.add(k)));
            let m1 = _mm512_cmp_ps_mask::<_CMP_LT_OQ>(vb, _mm512_set1_ps(*p.add(k + 1)));
            c0 = _mm512_mask_add_epi32(c0, m0, c0, one);
            c1 = _mm512_mask_add_epi32(c1, m1, c1, one);
            k += 2;
        }
        if k < end {
            let m0 = _mm512_cmp_ps_mask::<_CMP_LT_OQ>(vb, _mm512_set1_ps(*p.add(k)));
            c0 = _mm512_mask_add_epi32(c0, m0, c0, one);
        }
        // SAFETY: `counts` holds 128 u32; block b writes 16 b .. 16 b + 15.
        _mm512_storeu_si512(
            counts.as_mut_ptr().add(b * W).cast(),
            _mm512_add_epi32(c0, c1),
        );
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The plain count `1 + #{q : t_q > t_p}`.
    fn full(t: &[f32]) -> Vec<u32> {
        t.iter()
            .map(|&x| 1 + t.iter().filter(|&&y| y > x).count() as u32)
            .collect()
    }

    fn padded(v: &[f32]) -> [f32; 128] {
        let mut t = [f32::NEG_INFINITY; 128];
        t[..v.len()].copy_from_slice(v);
        t
    }

    /// Hand-worked: 40 cities in 3 blocks, the last two swapped with neighbours; and a city
    /// of block 0 falling to block 2, which leaves the band.
    #[test]
    fn the_band_count_is_the_full_count_or_declines() {
        let mut v: Vec<f32> = (0..40).map(|k| 100.0 - k as f32).collect();
        v.swap(15, 16); // across the first block boundary: still in the band
        v.swap(38, 39);
        let mut counts = [0; 128];
        for ok in [
            count_in_band(&padded(&v), 40, &mut counts),
            count_f32_banded(&padded(&v), 40, &mut counts),
        ] {
            assert!(ok);
            assert_eq!(&counts[..40], full(&v).as_slice());
        }
        assert_eq!(counts[15], 17);
        assert_eq!(counts[16], 16);
        v[3] = 50.0; // position 3 now scores below position 32 (block 2): outside the band
        assert!(!count_in_band(&padded(&v), 40, &mut counts));
        assert!(!count_f32_banded(&padded(&v), 40, &mut counts));
        v[3] = f32::NAN;
        assert!(!count_in_band(&padded(&v), 40, &mut counts));
    }

    /// Ties and near-ties decline the fast path; distinct well-separated scores pass.
    #[test]
    fn gaps_are_checked_against_the_tolerance() {
        assert!(gaps_clear(&[3.0, 2.0, 1.0]));
        assert!(!gaps_clear(&[3.0, 2.0, 2.0]));
        assert!(!gaps_clear(&[3.0, f32::NAN, 1.0]));
        assert!(!gaps_clear(&[1.0 + f32::EPSILON, 1.0, 0.0]));
        assert!(gaps_clear(&[7.5]));
    }

    proptest::proptest! {
        /// Whatever the expected order (exact, near, reversed, random), the fast path either
        /// declines or gives the full count; and with the exact order of distinct scores of
        /// up to 128 cities it always decides.
        #[test]
        fn any_expected_order_gives_the_full_count_or_none(
            v in proptest::collection::vec(-1e3f32..1e3, 1..=128),
            swaps in proptest::collection::vec((0usize..128, 0usize..40), 0..30),
        ) {
            let n = v.len();
            let mut sorted = v.clone();
            sorted.sort_by(|a, b| b.total_cmp(a));
            let mut near = sorted.clone();
            for (i, d) in &swaps {
                near.swap(i % n, (i + d) % n);
            }
            let mut reversed = sorted.clone();
            reversed.reverse();
            for (k, t) in [&sorted, &near, &reversed, &v].into_iter().enumerate() {
                let mut counts = [0; 128];
                let ok = count_in_band(&padded(t), n, &mut counts);
                if ok {
                    proptest::prop_assert_eq!(counts[..n].to_vec(), full(t));
                } else {
                    proptest::prop_assert!(k != 0, "the exact order must stay in the band");
                }
                let mut portable = [0; 128];
                proptest::prop_assert_eq!(ok, count_f32_banded(&padded(t), n, &mut portable));
                if ok {
                    proptest::prop_assert_eq!(&portable[..n], &counts[..n]);
                }
            }
        }
    }
}
