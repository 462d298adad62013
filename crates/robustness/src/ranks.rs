//! Competition ranks of one level's scores, the innermost kernel of the Monte Carlo.
//!
//! The ranks are exactly those of `gihi_scores::competition_ranks`:
//! `rank_j = 1 + #{k : score_k > score_j + tol}` with the tie tolerance
//! `tol = TIE_TOLERANCE × (max − min)`. For a hundred cities counting is faster than sorting
//! (no branches; it vectorises).
//!
//! The count runs first in `f32` without tolerance: with AVX-512 as 16-lane compares into
//! masks and masked adds into per-block counters held in registers (up to 128 cities), else
//! with AVX2 or plain code, chosen at run time. Rounding to f32 preserves order, so when the f32 scores
//! are all distinct (the counts form a permutation of 1..n) their order is exactly the f64
//! order; the extremes are then the first and last in that order, which gives `tol` without
//! another pass, and if every gap between neighbours exceeds `tol` no pair is tied and the
//! ranks are final. Otherwise (a collision, a real tie, or a gap within tolerance) the count is
//! redone in f64 with the tolerance. Every path computes the same integers, so results do not
//! depend on the CPU.
//!
//! Given an expected order of the cities (the Monte Carlo passes each level's nominal order),
//! [`competition_ranks_laid`] first tries the band count of [`crate::band`], which compares
//! only cities near each other in that order and falls back to this full count whenever it
//! cannot prove its answer.

pub use crate::band::ExpectedOrder;
use gihi_scores::TIE_TOLERANCE;

/// Competition ranks of `scores` into `out`; `buf` is scratch.
pub fn competition_ranks(scores: &[f64], out: &mut [u32], buf: &mut Vec<f32>) {
    competition_ranks_by_count(scores, out, buf);
}

/// Where [`competition_ranks_laid`] wrote a level's ranks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// `out[j]` is the rank of city `j`.
    ByCity,
    /// `out[p]` is the rank of the city at position `p` of the expected order.
    ByExpectedPosition,
}

/// [`competition_ranks`] given, optionally, an expected order of the cities (best first, e.g.
/// the nominal scenario's): the same ranks in city order, faster when the scores stay near
/// that order (see [`crate::band`]).
pub fn competition_ranks_near(
    scores: &[f64],
    expected: Option<&ExpectedOrder>,
    out: &mut [u32],
    buf: &mut Vec<f32>,
) {
    let laid = competition_ranks_laid(scores, expected, out, buf);
    if let (Layout::ByExpectedPosition, Some(order)) = (laid, expected) {
        let by_position: Vec<u32> = out.to_vec();
        for (&c, r) in order.cities().iter().zip(by_position) {
            out[c as usize] = r;
        }
    }
}

/// [`competition_ranks_near`] without putting the ranks back in city order: the Monte
/// Carlo counts them where they are. Returns where they were written.
pub fn competition_ranks_laid(
    scores: &[f64],
    expected: Option<&ExpectedOrder>,
    out: &mut [u32],
    buf: &mut Vec<f32>,
) -> Layout {
    if let Some(order) = expected {
        if crate::band::ranks_in_band(scores, order, out) {
            return Layout::ByExpectedPosition;
        }
    }
    competition_ranks_by_count(scores, out, buf);
    Layout::ByCity
}

/// The exact count in city order (f32 first, f64 with the tolerance when needed).
fn competition_ranks_by_count(scores: &[f64], out: &mut [u32], buf: &mut Vec<f32>) {
    buf.clear();
    buf.extend(scores.iter().map(|&x| x as f32));
    count_f32(buf, out);
    let n = scores.len();
    let mut by_rank = [usize::MAX; 128];
    let distinct = n <= 128
        && out.iter().enumerate().all(|(j, &r)| {
            let slot = &mut by_rank[r as usize - 1];
            let fresh = *slot == usize::MAX;
            *slot = j;
            fresh
        });
    if distinct {
        let order = &by_rank[..n];
        let range = scores[order[0]] - scores[order[n - 1]];
        let tol = if range > 0.0 {
            TIE_TOLERANCE * range
        } else {
            0.0
        };
        if order.windows(2).all(|w| scores[w[0]] - scores[w[1]] > tol) {
            return;
        }
    }
    let tol = gihi_scores::tie_tolerance(scores);
    dispatch(|| count_within(scores, tol, out));
}

/// `1 + #{k : s_k > s_j}` for every j, in f32.
fn count_f32(scores: &[f32], out: &mut [u32]) {
    #[cfg(target_arch = "x86_64")]
    if scores.len() <= 128 && std::arch::is_x86_feature_detected!("avx512f") {
        // SAFETY: the CPU supports AVX-512F, checked just above.
        unsafe { count_f32_avx512(scores, out) };
        return;
    }
    dispatch(|| count(scores, out));
}

/// [`count_f32`] with AVX-512 for up to 128 cities: one 16-lane counter per block of 16
/// cities, all blocks held in registers; for each city k its score is broadcast once and every
/// block adds 1 where `s_k > s_j` (a compare into a mask and a masked add: no transfer to
/// general registers, and the blocks' sums are independent).
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f")]
unsafe fn count_f32_avx512(scores: &[f32], out: &mut [u32]) {
    use std::arch::x86_64::*;
    let n = scores.len();
    let blocks = n.div_ceil(16);
    let mut padded = [f32::INFINITY; 128];
    padded[..n].copy_from_slice(scores);
    let p = padded.as_ptr();
    let one = _mm512_set1_epi32(1);
    let mut s = [_mm512_setzero_ps(); 8];
    let mut c = [one; 8];
    for (b, block) in s.iter_mut().enumerate().take(blocks) {
        // SAFETY: `padded` holds 128 floats; block b reads floats 16 b .. 16 b + 15.
        *block = _mm512_loadu_ps(p.add(16 * b));
    }
    for &x in scores {
        let sk = _mm512_set1_ps(x);
        for (sb, cb) in s.iter().zip(c.iter_mut()).take(blocks) {
            let m = _mm512_cmp_ps_mask::<_CMP_LT_OQ>(*sb, sk);
            *cb = _mm512_mask_add_epi32(*cb, m, *cb, one);
        }
    }
    let mut counts = [0u32; 128];
    for (b, cb) in c.iter().enumerate().take(blocks) {
        // SAFETY: `counts` holds 128 u32; block b writes 16 b .. 16 b + 15.
        _mm512_storeu_si512(counts.as_mut_ptr().add(16 * b).cast(), *cb);
    }
    out.copy_from_slice(&counts[..n]);
}

#[inline(always)]
fn count<T: PartialOrd + Copy>(scores: &[T], out: &mut [u32]) {
    for (r, &sj) in out.iter_mut().zip(scores) {
        *r = 1 + scores.iter().map(|&sk| (sk > sj) as u32).sum::<u32>();
    }
}

#[inline(always)]
fn count_within(scores: &[f64], tol: f64, out: &mut [u32]) {
    for (r, &sj) in out.iter_mut().zip(scores) {
        let bar = sj + tol;
        *r = 1 + scores.iter().map(|&sk| (sk > bar) as u32).sum::<u32>();
    }
}

/// Runs `f` compiled for AVX2 when the CPU has it.
#[inline(always)]
pub(crate) fn dispatch(f: impl FnOnce()) {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") {
        // SAFETY: the CPU supports AVX2, checked just above.
        unsafe { with_avx2(f) };
        return;
    }
    f();
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn with_avx2(f: impl FnOnce()) {
    f();
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every path (AVX-512 where present, AVX2 or plain) gives the plain count.
    #[test]
    fn the_simd_count_is_the_plain_count() {
        for n in [1usize, 15, 16, 17, 108, 120, 128] {
            let s: Vec<f32> = (0..n).map(|k| ((k * 37) % 11) as f32 * 0.5 - 1.0).collect();
            let (mut a, mut b) = (vec![0; n], vec![0; n]);
            count_f32(&s, &mut a);
            count(&s, &mut b);
            assert_eq!(a, b, "n = {n}");
        }
    }
}
