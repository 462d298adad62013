//! Counting the Monte Carlo's ranks into per-city histograms, sixty-four positions at a time.
//!
//! Ranks that the band count laid out by expected position mostly sit within a few places of
//! their nominal rank. So rather than adding 1 to a histogram cell per city, level and
//! replication (432 scattered memory increments per replication for 108 cities and four
//! levels), [`PositionTally`] keeps each replication's ranks as bytes and, for a batch of up
//! to 255 replications, counts every (position, offset from the nominal rank) pair in byte
//! counters held in AVX-512 registers: one compare and one masked add per offset in
//! `−8..8` for 64 positions at once. Ranks outside that window (a city that moved 8 places or
//! more) are packed into a list by AVX-512 VBMI2's byte compress (no branch per lane) and
//! counted one by one after the batch; levels the band count left in city order are counted
//! one by one as before. CPUs without AVX-512 BW and VBMI2 count every buffered rank one by
//! one. Counts are integers, so the totals are exactly those of the one-by-one count
//! whatever the path.

use crate::band::ExpectedOrder;

/// Offsets from the nominal rank counted in registers: `−WINDOW/2 .. WINDOW/2`.
const WINDOW: usize = 16;
/// Replications per batch: byte counters cannot exceed 255.
const BATCH: usize = 255;

/// Ranks laid out by expected position, buffered for one normalised-data combination (one
/// set of expected orders), and counted into a histogram by batch.
pub(crate) struct PositionTally<'a> {
    orders: &'a [ExpectedOrder],
    /// Cities per level (the same at every level).
    n: usize,
    /// Levels (each level's ranks take `n` bytes of a row).
    levels: usize,
    /// One row of `levels × n` bytes per buffered replication: the rank at each position, or 0
    /// for a level whose ranks were counted in city order.
    rows: Vec<u8>,
}

impl<'a> PositionTally<'a> {
    /// A tally for ranks laid out by `orders` (one per level, each of `n <= 128` cities).
    pub(crate) fn new(orders: &'a [ExpectedOrder], n: usize) -> PositionTally<'a> {
        PositionTally {
            orders,
            n,
            levels: orders.len(),
            rows: Vec::with_capacity(BATCH * orders.len() * n),
        }
    }

    /// A new row of zeros for one replication (levels not written stay 0: skipped).
    /// `hist` (levels × n × n, `[level][city][rank − 1]`) receives the batch when it is full.
    pub(crate) fn row(&mut self, hist: &mut [u32]) -> &mut [u8] {
        let width = self.levels * self.n;
        if self.rows.len() == BATCH * width {
            self.flush(hist);
        }
        let start = self.rows.len();
        self.rows.resize(start + width, 0);
        &mut self.rows[start..]
    }

    /// Adds the buffered rows to `hist` and empties the buffer.
    pub(crate) fn flush(&mut self, hist: &mut [u32]) {
        #[cfg(target_arch = "x86_64")]
        if self.n <= 128
            && std::arch::is_x86_feature_detected!("avx512f")
            && std::arch::is_x86_feature_detected!("avx512bw")
            && std::arch::is_x86_feature_detected!("avx512vbmi2")
        {
            // SAFETY: the CPU supports AVX-512F, BW and VBMI2, checked just above; n <= 128.
            unsafe { self.count_avx512(hist) };
            self.rows.clear();
            return;
        }
        self.count_one_by_one(hist);
        self.rows.clear();
    }

    /// The plain count: one histogram increment per buffered rank.
    fn count_one_by_one(&self, hist: &mut [u32]) {
        let (n, width) = (self.n, self.levels * self.n);
        for row in self.rows.chunks_exact(width) {
            for ((level, order), counts) in row
                .chunks_exact(n)
                .zip(self.orders)
                .zip(hist.chunks_exact_mut(n * n))
            {
                for (&c, &r) in order.cities().iter().zip(level) {
                    if r > 0 {
                        counts[c as usize * n + r as usize - 1] += 1;
                    }
                }
            }
        }
    }

    /// The windowed count: for each level and block of 64 positions, sixteen byte counters
    /// (one per offset) in registers across the batch, then added to the histogram.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx512f,avx512bw,avx512vbmi2")]
    unsafe fn count_avx512(&self, hist: &mut [u32]) {
        use std::arch::x86_64::*;
        let (n, width) = (self.n, self.levels * self.n);
        let reps = self.rows.len() / width;
        let half = (WINDOW / 2) as i32;
        // Ranks outside the window (first half) and their lanes (second half).
        let half_far = reps * 64 + 64;
        let mut far = vec![0u8; 2 * half_far];
        for (l, (order, counts)) in self
            .orders
            .iter()
            .zip(hist.chunks_exact_mut(n * n))
            .enumerate()
        {
            let cities = order.cities();
            for p0 in (0..n).step_by(64) {
                let real: __mmask64 = if n - p0 >= 64 {
                    u64::MAX
                } else {
                    (1u64 << (n - p0)) - 1
                };
                // Offset + WINDOW/2 = rank − (p + 1) + WINDOW/2, in wrapping bytes: the rank
                // minus this base.
                let base: [u8; 64] =
                    std::array::from_fn(|i| (p0 as i32 + i as i32 + 1 - half) as u8);
                let base = _mm512_loadu_si512(base.as_ptr().cast());
                let one = _mm512_set1_epi8(1);
                let lanes: [u8; 64] = std::array::from_fn(|i| i as u8);
                let lanes = _mm512_loadu_si512(lanes.as_ptr().cast());
                let mut far_len = 0;
                let mut counter = [_mm512_setzero_si512(); WINDOW];
                for rep in 0..reps {
                    let at = rep * width + l * n + p0;
                    // SAFETY: the lanes of `real` read bytes at .. at + min(64, n − p0), all
                    // inside this row's level; masked lanes read nothing and are 0.
                    let ranks = _mm512_maskz_loadu_epi8(real, self.rows.as_ptr().add(at).cast());
                    let present = _mm512_test_epi8_mask(ranks, ranks);
                    let offset = _mm512_sub_epi8(ranks, base);
                    for (v, c) in counter.iter_mut().enumerate() {
                        let hit =
                            _mm512_mask_cmpeq_epi8_mask(present, offset, _mm512_set1_epi8(v as i8));
                        *c = _mm512_mask_add_epi8(*c, hit, *c, one);
                    }
                    let outside = _mm512_mask_cmpge_epu8_mask(
                        present,
                        offset,
                        _mm512_set1_epi8(WINDOW as i8),
                    );
                    // Packed into a list (no branch per lane), counted after the batch.
                    // SAFETY: `far` has room for 64 more bytes past `far_len` in each half
                    // (at most 64 per replication).
                    _mm512_storeu_si512(
                        far.as_mut_ptr().add(far_len).cast(),
                        _mm512_maskz_compress_epi8(outside, ranks),
                    );
                    _mm512_storeu_si512(
                        far.as_mut_ptr().add(half_far + far_len).cast(),
                        _mm512_maskz_compress_epi8(outside, lanes),
                    );
                    far_len += outside.count_ones() as usize;
                }
                for (&r, &i) in far[..far_len]
                    .iter()
                    .zip(&far[half_far..half_far + far_len])
                {
                    let p = p0 + i as usize;
                    counts[cities[p] as usize * n + r as usize - 1] += 1;
                }
                let mut by_offset = [[0u8; 64]; WINDOW];
                for (lanes, c) in by_offset.iter_mut().zip(&counter) {
                    _mm512_storeu_si512(lanes.as_mut_ptr().cast(), *c);
                }
                // Each position's counters go to its city's consecutive cells for ranks
                // p + 1 − WINDOW/2 .., added whether 0 or not (a branch on the count
                // mispredicted often), over the offsets whose rank is real (1..=n).
                for (i, &city) in cities[p0..].iter().take(64).enumerate() {
                    let p = p0 + i;
                    let cells = &mut counts[city as usize * n..][..n];
                    let first = (WINDOW / 2).saturating_sub(p);
                    let last = WINDOW.min(n + WINDOW / 2 - p);
                    for v in first..last {
                        // The rank p + 1 + v − WINDOW/2 is in 1..=n for these offsets.
                        cells[p + v - WINDOW / 2] += by_offset[v][i] as u32;
                    }
                }
            }
        }
    }
}

/// Writes ranks (each at most 128) into a tally row's bytes, sixteen at a time with AVX-512.
pub(crate) fn put_ranks(row: &mut [u8], ranks: &[u32]) {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx512f") {
        // SAFETY: the CPU supports AVX-512F, checked just above.
        return unsafe { put_ranks_avx512(row, ranks) };
    }
    for (b, &r) in row.iter_mut().zip(ranks) {
        *b = r as u8;
    }
}

/// [`put_ranks`] with AVX-512's narrowing stores (`vpmovdb`).
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f")]
unsafe fn put_ranks_avx512(row: &mut [u8], ranks: &[u32]) {
    use std::arch::x86_64::*;
    let len = row.len().min(ranks.len());
    let mut k = 0;
    while k < len {
        let mask: __mmask16 = if len - k >= 16 {
            0xFFFF
        } else {
            (1u16 << (len - k)) - 1
        };
        // SAFETY: the masked lanes read and write only indices below `len`, inside both.
        let v = _mm512_maskz_loadu_epi32(mask, ranks.as_ptr().add(k).cast());
        _mm512_mask_cvtepi32_storeu_epi8(row.as_mut_ptr().add(k).cast(), mask, v);
        k += 16;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Ranks go into a row's bytes unchanged, whatever the length.
    #[test]
    fn ranks_become_bytes() {
        for len in [0usize, 1, 15, 16, 17, 108, 128] {
            let ranks: Vec<u32> = (0..len as u32).map(|k| (k * 37) % 128 + 1).collect();
            let mut row = vec![0u8; len + 3];
            put_ranks(&mut row[..len], &ranks);
            let expected: Vec<u8> = ranks.iter().map(|&r| r as u8).chain([0; 3]).collect();
            assert_eq!(row, expected, "{len} ranks");
        }
    }

    /// The tally's counts equal a plain count of the same ranks: ranks at, near and far from
    /// the nominal one, skipped levels, partial blocks of 64, and more rows than a batch.
    #[test]
    fn the_tally_is_the_plain_count() {
        for n in [1usize, 2, 9, 63, 64, 65, 108, 128] {
            let levels = 3;
            let orders: Vec<ExpectedOrder> = (0..levels)
                .map(|l| {
                    let order = (0..n as u32)
                        .map(|p| (p * 5 + l as u32) % n as u32)
                        .collect();
                    ExpectedOrder::new(order).unwrap_or_else(|| {
                        ExpectedOrder::new((0..n as u32).collect()).expect("identity")
                    })
                })
                .collect();
            let mut rng = crate::tests::Lcg(12345);
            let mut next = |k: u64| (rng.step() >> 33) % k;
            let mut tally = PositionTally::new(&orders, n);
            let mut plain = PositionTally::new(&orders, n);
            let (mut counted, mut expected) =
                (vec![0u32; levels * n * n], vec![0u32; levels * n * n]);
            for _ in 0..600 {
                let skipped = next(5) as usize; // a level left in city order, or none (3, 4)
                let row: Vec<u8> = (0..levels * n)
                    .map(|k| {
                        let (l, p) = (k / n, k % n);
                        if l == skipped {
                            return 0;
                        }
                        let shift = match next(10) {
                            0 => next(n as u64) as i64 - p as i64, // anywhere
                            _ => next(19) as i64 - 9,              // within −9..=9
                        };
                        (p as i64 + shift).clamp(0, n as i64 - 1) as u8 + 1
                    })
                    .collect();
                for (k, &r) in row.iter().enumerate() {
                    let (l, p) = (k / n, k % n);
                    if r > 0 {
                        let c = orders[l].cities()[p] as usize;
                        expected[(l * n + c) * n + r as usize - 1] += 1;
                    }
                }
                tally.row(&mut counted).copy_from_slice(&row);
                plain.rows.extend_from_slice(&row);
            }
            tally.flush(&mut counted);
            assert_eq!(counted, expected, "{n} cities");
            let mut one_by_one = vec![0u32; levels * n * n];
            plain.count_one_by_one(&mut one_by_one);
            assert_eq!(one_by_one, expected, "{n} cities, one by one");
        }
    }
}
