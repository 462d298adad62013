//! Tests of the band count (`band.rs`).

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

/// The in-register permutation lays the scores out exactly as a gather does.
#[cfg(target_arch = "x86_64")]
#[test]
fn the_permutation_is_the_gather() {
    if !std::arch::is_x86_feature_detected!("avx512f") {
        return;
    }
    for n in [
        1usize, 2, 12, 15, 16, 17, 31, 32, 33, 48, 63, 64, 65, 100, 108, 127, 128,
    ] {
        let scores: Vec<f64> = (0..n)
            .map(|c| ((c * 53) % 97) as f64 * 0.37 - 9.0)
            .collect();
        let order: Vec<u32> = (0..n as u32).map(|p| (p * 41 + 7) % n as u32).collect();
        let Some(expected) = ExpectedOrder::new(order.clone()) else {
            continue; // not a permutation for this n
        };
        // SAFETY: the CPU supports AVX-512F, checked above; n <= 128.
        let t = unsafe { permute_avx512(&scores, &expected.permutation) };
        assert_eq!(t, gather(&scores, &order), "{n} cities");
    }
}

/// The eight-way fold gives each vector's own minimum and maximum.
#[cfg(target_arch = "x86_64")]
#[test]
fn eight_extremes_at_once() {
    use std::arch::x86_64::*;
    if !std::arch::is_x86_feature_detected!("avx512f") {
        return;
    }
    let values: Vec<[f32; 16]> = (0..8)
        .map(|b| std::array::from_fn(|i| ((b * 16 + i) * 37 % 101) as f32 - 50.0))
        .collect();
    // SAFETY: the CPU supports AVX-512F, checked above.
    let (low, high) = unsafe {
        let v: [__m512; 8] = std::array::from_fn(|b| _mm512_loadu_ps(values[b].as_ptr()));
        (
            extremes_avx512(&v, |a, b| _mm512_min_ps(a, b)),
            extremes_avx512(&v, |a, b| _mm512_max_ps(a, b)),
        )
    };
    for (b, block) in values.iter().enumerate() {
        assert_eq!(low[b], block.iter().copied().fold(f32::INFINITY, f32::min));
        assert_eq!(
            high[b],
            block.iter().copied().fold(f32::NEG_INFINITY, f32::max)
        );
    }
}

/// The one-register band condition is the loop's, for every block count and any
/// extremes (padded past the last block as the band count pads them).
#[cfg(target_arch = "x86_64")]
#[test]
fn the_vector_band_condition_is_the_loop() {
    if !std::arch::is_x86_feature_detected!("avx512f") {
        return;
    }
    let mut rng = crate::tests::Lcg(12345);
    let mut next = || ((rng.step() >> 40) % 200) as f32 - 100.0;
    for round in 0..20_000 {
        let blocks = 1 + round % 8;
        let mut lowest = [f32::INFINITY; 8];
        let mut highest = [f32::NEG_INFINITY; 8];
        // Mostly descending blocks, so both outcomes occur.
        for b in 0..blocks {
            let top = 100.0 - 25.0 * b as f32 + next() / 4.0;
            let low = top - (next() + 100.0) / 8.0;
            (lowest[b], highest[b]) = (low, top);
        }
        // SAFETY: the CPU supports AVX-512F, checked above.
        let fast = unsafe { blocks_in_band_avx512(&lowest, &highest) };
        assert_eq!(
            fast,
            blocks_in_band(&lowest, &highest, blocks),
            "{lowest:?} {highest:?}"
        );
    }
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
