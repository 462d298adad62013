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
//! checks each f32 gap against `2·e(m) + tol⁺` (with a relative margin for the f32
//! subtraction), where `e(x) = 2⁻²³·|x| + 2⁻¹⁴⁸` is twice the bound on the f32 rounding of an
//! f64 score, `m` the largest magnitude, and `tol⁺` bounds `TIE_TOLERANCE × (max − min)` from
//! above the same way. Every check is conservative: when one fails (the scores left the band,
//! a collision, a gap near the tolerance, a non-finite score) the caller runs the exact count
//! of [`crate::ranks`]. The expected order only decides how often that happens, never the
//! ranks.

use crate::ranks::dispatch;
use gihi_scores::TIE_TOLERANCE;

/// Block width of the band count (one AVX-512 vector of f32).
const BAND_BLOCK: usize = 16;

/// Steps of four compares the AVX-512 band count always takes per block (see there).
const FIXED_STEPS: usize = 7;

/// An expected order of a group's cities, best first: a permutation of `0..n`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExpectedOrder {
    order: Vec<u32>,
    /// The order as an in-register permutation of 128 f32 slots (see [`Permutation`]).
    permutation: Permutation,
}

/// Where each of the 128 laid-out slots takes its score from, for AVX-512's two-source
/// permutes: slot `16 o + i` reads source slot `index[o][i]` (`0..128`; a slot past the last
/// city reads slot `n`, which holds −∞, or stays −∞ when there are 128 cities).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Permutation {
    index: [[u32; 16]; 8],
}

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
        let n = order.len() as u32;
        let index = std::array::from_fn(|o| {
            std::array::from_fn(|i| order.get(16 * o + i).copied().unwrap_or(n.min(127)))
        });
        Some(ExpectedOrder {
            order,
            permutation: Permutation { index },
        })
    }

    /// The city at each position.
    pub fn cities(&self) -> &[u32] {
        &self.order
    }
}

/// Competition ranks of `scores` by the band count, written by position in `order`
/// (`out[p]` is the rank of city `order[p]`), or false (with `out` unspecified) when the
/// fast path cannot decide them.
pub(crate) fn ranks_in_band(scores: &[f64], order: &ExpectedOrder, out: &mut [u32]) -> bool {
    let n = scores.len();
    if n == 0 || n > 128 || order.cities().len() != n || out.len() != n {
        return false;
    }
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx512f") {
        // SAFETY: the CPU supports AVX-512F, checked just above.
        return unsafe { ranks_in_band_avx512(scores, order, out) };
    }
    let order = order.cities();
    let mut ok = false;
    dispatch(|| ok = band_ranks(scores, order, out, gather, count_f32_banded));
    ok
}

/// [`ranks_in_band`] compiled for AVX-512 (the gap check runs 16 lanes wide) with the
/// AVX-512 band count.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f")]
unsafe fn ranks_in_band_avx512(scores: &[f64], order: &ExpectedOrder, out: &mut [u32]) -> bool {
    band_ranks(
        scores,
        order.cities(),
        out,
        // SAFETY (both): this function runs only where AVX-512F is present, and the
        // scores are at most 128 (checked by the caller).
        |scores, _| unsafe { permute_avx512(scores, &order.permutation) },
        |t, n, counts| unsafe { count_f32_banded_avx512(t, n, counts) },
    )
}

/// The scores in the expected order as f32, −∞ after the last city, by the in-register
/// permutation sized to the group: as many registers as the cities need blocks of 16
/// (1, 2, 4 or 8), so a dozen cities take one permute instead of the 128-slot layout's 32.
/// `scores` holds at most 128 values.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f")]
unsafe fn permute_avx512(scores: &[f64], permutation: &Permutation) -> [f32; 128] {
    match scores.len().div_ceil(BAND_BLOCK) {
        0 | 1 => permute_blocks_avx512::<1>(scores, permutation),
        2 => permute_blocks_avx512::<2>(scores, permutation),
        3 | 4 => permute_blocks_avx512::<4>(scores, permutation),
        _ => permute_blocks_avx512::<8>(scores, permutation),
    }
}

/// [`permute_avx512`] over `B` registers (`scores.len() <= 16 B`): converted in city order
/// into `B` registers, then each output register assembled from two-register permutes
/// (AVX-512 has no single 128-way permute) by the source index's upper bits; the output
/// registers from `B` on stay −∞. Cheaper than gathering from memory. A padding slot's
/// index (`n`, when `n < 16 B`) reads a −∞ inside the `B` registers.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f")]
unsafe fn permute_blocks_avx512<const B: usize>(
    scores: &[f64],
    permutation: &Permutation,
) -> [f32; 128] {
    use std::arch::x86_64::*;
    let n = scores.len();
    let padding = _mm512_set1_pd(f64::NEG_INFINITY);
    // Eight f64 scores from `start` (−∞ past the last city) rounded to f32 (to nearest, as
    // `as f32` does). Converted in registers: f32 stores read back as whole registers would
    // wait for the stores to reach the cache (no store forwarding from 16 narrow stores).
    let eight = |start: usize| {
        let mask: __mmask8 = if n >= start + 8 {
            0xFF
        } else if n > start {
            (1u8 << (n - start)) - 1
        } else {
            0
        };
        // SAFETY: the masked load reads only lanes below `n`, inside `scores`.
        _mm512_cvtpd_ps(_mm512_mask_loadu_pd(
            padding,
            mask,
            scores.as_ptr().wrapping_add(start),
        ))
    };
    let v: [__m512; B] = std::array::from_fn(|k| {
        let low = _mm512_castps256_ps512(eight(16 * k));
        _mm512_castpd_ps(_mm512_insertf64x4::<1>(
            _mm512_castps_pd(low),
            _mm256_castps_pd(eight(16 * k + 8)),
        ))
    });
    let mut t = [f32::NEG_INFINITY; 128];
    for (o, index) in permutation.index.iter().enumerate().take(B) {
        // SAFETY: `index` holds 16 u32.
        let idx = _mm512_loadu_si512(index.as_ptr().cast());
        let r = if B == 1 {
            _mm512_permutexvar_ps(idx, v[0])
        } else {
            let high = _mm512_srli_epi32::<5>(idx);
            let mut r = _mm512_permutex2var_ps(v[0], idx, v[1]);
            for j in 1..B / 2 {
                let from_j = _mm512_cmpeq_epi32_mask(high, _mm512_set1_epi32(j as i32));
                let p = _mm512_permutex2var_ps(v[2 * j], idx, v[2 * j + 1]);
                r = _mm512_mask_blend_ps(from_j, r, p);
            }
            r
        };
        // SAFETY: `t` holds 128 floats; register o < 8 writes 16 o .. 16 o + 15.
        _mm512_storeu_ps(t.as_mut_ptr().add(16 * o), r);
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
///
/// Every score lies between the first and the last, so the rounding bound of the larger of
/// their magnitudes bounds every score's; and an f32 difference is within a relative 2⁻²⁴ of
/// the exact one. So each gap is compared in f32 with one threshold (a relative 2⁻²⁰ above
/// `2·e(max) + tol⁺`, which covers both that and the threshold's own rounding to f32), sixteen
/// gaps to a vector.
#[inline(always)]
fn gaps_clear(sorted: &[f32]) -> bool {
    let n = sorted.len();
    let (top, bottom) = (sorted[0] as f64, sorted[n - 1] as f64);
    let up = 1.0 + f64::powi(2.0, -40);
    let tol = TIE_TOLERANCE * ((top - bottom) + rounding(top) + rounding(bottom)) * up;
    let each = rounding(top.abs().max(bottom.abs()));
    let least = ((2.0 * each + tol) * (1.0 + f64::powi(2.0, -20))) as f32;
    // A NaN (an empty slot: two scores at one rank) fails every comparison, and so does a
    // threshold that is not a finite number.
    let clear = sorted[..n - 1]
        .iter()
        .zip(&sorted[1..])
        .fold(true, |ok, (&a, &b)| ok & (a - b > least));
    clear && least.is_finite()
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
    let infinity = _mm512_set1_ps(f32::INFINITY);
    // Blocks past the last are −∞ (as `t` is), and so are the slots past the last city; for
    // the minima those slots are +∞ instead.
    let mut v = [_mm512_set1_ps(f32::NEG_INFINITY); 128 / W];
    let mut v_low = [infinity; 128 / W];
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
        v_low[b] = _mm512_mask_blend_ps(real, infinity, v[b]);
    }
    let lowest = extremes_avx512(&v_low, |a, b| _mm512_min_ps(a, b));
    let highest = extremes_avx512(&v, |a, b| _mm512_max_ps(a, b));
    if !blocks_in_band_avx512(&lowest, &highest) {
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
        // Widened to multiples of 4 (four compares per step), and to at least FIXED_STEPS
        // steps from a start moved back if need be: a city before `start` in block b − 1,
        // or in any block before it, is above all of block b (it counts 1, as `before`
        // assumes), and every city from `end` on is below all of it, by the band condition
        // (or is −∞ padding). The fixed steps run without a loop branch, whose exit, after
        // a window of 3 to 12 steps that varies from block to block, mispredicted often.
        let start = (start & !3).min(128 - 4 * FIXED_STEPS);
        let end = (end + 3) & !3;
        let before = _mm512_set1_epi32((1 + start) as i32);
        let (mut c0, mut c1) = (before, _mm512_setzero_si512());
        let (mut c2, mut c3) = (_mm512_setzero_si512(), _mm512_setzero_si512());
        let mut step = |k: usize| {
            // SAFETY: k + 3 < 128, the length of `t` (k + 4 <= max(end, start + 4 FIXED_STEPS)).
            let m0 = _mm512_cmp_ps_mask::<_CMP_LT_OQ>(vb, _mm512_set1_ps(*p.add(k)));
            let m1 = _mm512_cmp_ps_mask::<_CMP_LT_OQ>(vb, _mm512_set1_ps(*p.add(k + 1)));
            let m2 = _mm512_cmp_ps_mask::<_CMP_LT_OQ>(vb, _mm512_set1_ps(*p.add(k + 2)));
            let m3 = _mm512_cmp_ps_mask::<_CMP_LT_OQ>(vb, _mm512_set1_ps(*p.add(k + 3)));
            c0 = _mm512_mask_add_epi32(c0, m0, c0, one);
            c1 = _mm512_mask_add_epi32(c1, m1, c1, one);
            c2 = _mm512_mask_add_epi32(c2, m2, c2, one);
            c3 = _mm512_mask_add_epi32(c3, m3, c3, one);
        };
        for j in 0..FIXED_STEPS {
            step(start + 4 * j);
        }
        let mut k = start + 4 * FIXED_STEPS;
        while k < end {
            step(k);
            k += 4;
        }
        let (c0, c1) = (_mm512_add_epi32(c0, c2), _mm512_add_epi32(c1, c3));
        // SAFETY: `counts` holds 128 u32; block b writes 16 b .. 16 b + 15.
        _mm512_storeu_si512(
            counts.as_mut_ptr().add(b * W).cast(),
            _mm512_add_epi32(c0, c1),
        );
    }
    true
}

/// [`blocks_in_band`] in one register, for block extremes padded past the last block (+∞
/// minima, −∞ maxima, as [`count_f32_banded_avx512`] lays them out): the suffix maxima and
/// prefix minima by three shift-and-combine steps each (a lane combined with a clamped
/// index stays inside its own suffix or prefix, and min and max repeat harmlessly), then
/// all six comparisons at once. A padded block's suffix maximum is −∞, so the comparisons
/// past the last block hold, as the loop's range leaves them out. The scalar loop carried
/// its running maximum through memory, eight dependent steps per level.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f")]
unsafe fn blocks_in_band_avx512(
    lowest: &[f32; 128 / BAND_BLOCK],
    highest: &[f32; 128 / BAND_BLOCK],
) -> bool {
    use std::arch::x86_64::*;
    let shift = |x: __m256, index: [i32; 8]| {
        // SAFETY: `index` holds 8 i32.
        _mm256_permutevar8x32_ps(x, _mm256_loadu_si256(index.as_ptr().cast()))
    };
    // SAFETY: both arrays hold 8 floats.
    let mut below = _mm256_loadu_ps(highest.as_ptr());
    below = _mm256_max_ps(below, shift(below, [1, 2, 3, 4, 5, 6, 7, 7]));
    below = _mm256_max_ps(below, shift(below, [2, 3, 4, 5, 6, 7, 7, 7]));
    below = _mm256_max_ps(below, shift(below, [4, 5, 6, 7, 7, 7, 7, 7]));
    let mut floor = _mm256_loadu_ps(lowest.as_ptr());
    floor = _mm256_min_ps(floor, shift(floor, [0, 0, 1, 2, 3, 4, 5, 6]));
    floor = _mm256_min_ps(floor, shift(floor, [0, 0, 0, 1, 2, 3, 4, 5]));
    floor = _mm256_min_ps(floor, shift(floor, [0, 0, 0, 0, 0, 1, 2, 3]));
    // Lane a: the minimum of blocks 0..=a against the maximum of blocks a + 2.. (a < 6).
    let two_on = shift(below, [2, 3, 4, 5, 6, 7, 7, 7]);
    let holds = _mm256_movemask_ps(_mm256_cmp_ps::<_CMP_GT_OQ>(floor, two_on));
    holds & 0x3F == 0x3F
}

/// The minimum or maximum (`f`) of each of eight vectors at once: pairs of vectors are
/// folded into one by halves (each half of the result holds one vector's partial extremes),
/// so the eight reductions share 15 shuffles and 8 operations instead of 32 and 32.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f")]
unsafe fn extremes_avx512(
    v: &[std::arch::x86_64::__m512; 8],
    f: impl Fn(std::arch::x86_64::__m512, std::arch::x86_64::__m512) -> std::arch::x86_64::__m512,
) -> [f32; 8] {
    use std::arch::x86_64::*;
    // 8 vectors → 4: 128-bit chunks 0–1 of the result hold vector 2k's halves folded, 2–3
    // vector 2k + 1's.
    let pair = |a, b| {
        f(
            _mm512_shuffle_f32x4::<0b01_00_01_00>(a, b),
            _mm512_shuffle_f32x4::<0b11_10_11_10>(a, b),
        )
    };
    let (m01, m23, m45, m67) = (
        pair(v[0], v[1]),
        pair(v[2], v[3]),
        pair(v[4], v[5]),
        pair(v[6], v[7]),
    );
    // 4 → 2: chunk k of the result holds vector k's (or k + 4's) four partial extremes.
    let quad = |a, b| {
        f(
            _mm512_shuffle_f32x4::<0b10_00_10_00>(a, b),
            _mm512_shuffle_f32x4::<0b11_01_11_01>(a, b),
        )
    };
    let (x, y) = (quad(m01, m23), quad(m45, m67));
    // 2 → 1: in chunk k, lanes 0–1 hold vector k's two partial extremes, lanes 2–3 vector
    // k + 4's; then each lane meets its neighbour.
    let m = f(
        _mm512_shuffle_ps::<0b01_00_01_00>(x, y),
        _mm512_shuffle_ps::<0b11_10_11_10>(x, y),
    );
    let m = f(m, _mm512_permute_ps::<0b10_11_00_01>(m));
    let mut lanes = [0f32; 16];
    _mm512_storeu_ps(lanes.as_mut_ptr(), m);
    std::array::from_fn(|k| {
        if k < 4 {
            lanes[4 * k]
        } else {
            lanes[4 * (k - 4) + 2]
        }
    })
}

#[cfg(test)]
#[path = "band_tests.rs"]
mod tests;
