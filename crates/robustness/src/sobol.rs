//! The Monte Carlo's design points sixteen coordinates at a time: the same numbers as
//! `sobol_burley::sample`, bit for bit.
//!
//! `sobol_burley` computes four dimensions per call and rederives the point's shuffled index
//! each time, which was a tenth of the uncertainty run. A point's coordinates share that
//! index, and within a block of 2^16 points (one block seed, see
//! [`crate::uncertainty::coordinate`]) every dimension's Owen-scramble key is fixed, so
//! [`Design`] computes both once and then runs the crate's steps (the Sobol XOR of the
//! direction numbers of the index's bits, the Owen scramble, the bit reversal, the float
//! conversion) on sixteen lanes at a time, which the compiler vectorises. The direction
//! numbers are read from the crate itself (`sobol_rev` of a one-bit index), and the hash and
//! scramble are the crate's public functions, so nothing of the sequence is transcribed here.

use sobol_burley::parts::{hash, owen_scramble_rev, sobol_rev};

/// Lanes per step.
const LANES: usize = 16;
/// Index bits of a block (sobol_burley yields 2^16 points per seed).
const BITS: usize = 16;

/// Generates coordinates `offset..offset + len` of design points under one seed.
#[derive(Debug, Clone)]
pub struct Design {
    offset: usize,
    len: usize,
    seed: u32,
    /// XORs of the direction numbers (bit-reversed as sobol_burley keeps them) for every
    /// value of each 4-bit nibble of the index: `[lane group][nibble][value]`. A point's
    /// Sobol integers are then four table rows XORed, with no branch on the index's bits.
    xors: Vec<[[[u32; LANES]; 16]; BITS / 4]>,
    /// The block whose scramble keys `keys` holds.
    block: Option<u32>,
    /// Owen-scramble keys of each dimension for the current block: `[lane group]`.
    keys: Vec<[u32; LANES]>,
    /// The index-shuffle key of the current block.
    index_key: u32,
}

impl Design {
    /// Coordinates `offset..offset + len` (dimensions at most 256 in all, sobol_burley's
    /// limit; the uncertainty and sensitivity designs use well under 200).
    pub fn new(offset: usize, len: usize, seed: u32) -> Design {
        let groups = len.div_ceil(LANES);
        let xors = (0..groups)
            .map(|g| {
                // Direction number of index bit `bit` (0 = the most significant of the 16)
                // in each lane: an index whose only (reversed) bit is `bit` yields it. Lanes
                // past the end are never read.
                let direction = |bit: usize, lane: usize| {
                    let k = g * LANES + lane;
                    if k < len {
                        sobol_rev(1u32 << (31 - bit), (offset + k) as u32)
                    } else {
                        0
                    }
                };
                std::array::from_fn(|nibble| {
                    std::array::from_fn(|value| {
                        std::array::from_fn(|lane| {
                            // Nibble j holds bits 4j..4j+3 of the index's top 16, least
                            // significant first: index bit 15 − (4j + i).
                            (0..4)
                                .filter(|i| value >> i & 1 == 1)
                                .fold(0, |x, i| x ^ direction(15 - (4 * nibble + i), lane))
                        })
                    })
                })
            })
            .collect();
        Design {
            offset,
            len,
            seed,
            xors,
            block: None,
            keys: vec![[0; LANES]; groups],
            index_key: 0,
        }
    }

    /// Writes the coordinates of design point `i` into `out` (`len` long).
    pub fn fill(&mut self, i: u64, out: &mut [f64]) {
        #[cfg(target_arch = "x86_64")]
        if std::arch::is_x86_feature_detected!("avx512bw") {
            // SAFETY: the CPU supports AVX-512F and BW, checked just above.
            return unsafe { self.fill_avx512(i, out) };
        }
        #[cfg(target_arch = "x86_64")]
        if std::arch::is_x86_feature_detected!("avx2") {
            // SAFETY: the CPU supports AVX2, checked just above.
            return unsafe { self.fill_avx2(i, out) };
        }
        self.fill_lanes(i, out)
    }

    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx512f,avx512bw")]
    unsafe fn fill_avx512(&mut self, i: u64, out: &mut [f64]) {
        self.fill_lanes(i, out)
    }

    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    unsafe fn fill_avx2(&mut self, i: u64, out: &mut [f64]) {
        self.fill_lanes(i, out)
    }

    /// sobol_burley's `sample`, sixteen dimensions per step.
    #[inline(always)]
    fn fill_lanes(&mut self, i: u64, out: &mut [f64]) {
        let block = (i >> 16) as u32;
        if self.block != Some(block) {
            self.set_block(block);
        }
        let index = owen_scramble_rev(((i & 0xFFFF) as u32).reverse_bits(), self.index_key);
        let top = (index >> 16) as usize;
        for ((xors, key), out) in self
            .xors
            .iter()
            .zip(&self.keys)
            .zip(out[..self.len].chunks_mut(LANES))
        {
            let mut x = [0u32; LANES];
            for (nibble, table) in xors.iter().enumerate() {
                let row = &table[top >> (4 * nibble) & 15];
                for (x, &d) in x.iter_mut().zip(row) {
                    *x ^= d;
                }
            }
            let mut v = [0f32; LANES];
            for ((v, &x), &key) in v.iter_mut().zip(&x).zip(key) {
                *v = to_unit(owen_scramble_rev(x, key).reverse_bits());
            }
            for (o, &v) in out.iter_mut().zip(&v) {
                *o = v as f64;
            }
        }
    }

    /// The keys of block `block` (its seed as in [`crate::uncertainty::coordinate`]).
    fn set_block(&mut self, block: u32) {
        let seed = block_seed(block, self.seed);
        self.index_key = hash(seed ^ 0x79c6_8e4a);
        let mixed = seed.wrapping_mul(0x9c8f_2d3b);
        for (g, keys) in self.keys.iter_mut().enumerate() {
            for (lane, key) in keys.iter_mut().enumerate() {
                let d = (self.offset + g * LANES + lane) as u32;
                let salt = [0x912f_69ba, 0x174f_18ab, 0x691e_72ca, 0xb40c_c1b8][d as usize & 3];
                *key = hash((d >> 2) ^ mixed ^ salt);
            }
        }
        self.block = Some(block);
    }
}

/// The seed of block `block` of 2^16 points under the run's seed.
pub(crate) fn block_seed(block: u32, seed: u32) -> u32 {
    seed.wrapping_mul(0x9E37_79B9)
        .wrapping_add(block.wrapping_mul(0x85EB_CA6B))
}

/// sobol_burley's conversion of a u32 to a float in [0, 1).
#[inline(always)]
fn to_unit(n: u32) -> f32 {
    f32::from_bits((n >> 9) | 0x3f80_0000) - 1.0
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every coordinate equals sobol_burley's, across block boundaries, offsets, lengths that
    /// are not multiples of 16, and seeds.
    #[test]
    fn the_design_is_sobol_burley_bit_for_bit() {
        for (offset, len, seed) in [(0, 45, 2024), (3, 16, 7), (45, 90, 0), (200, 56, u32::MAX)] {
            let mut design = Design::new(offset, len, seed);
            let mut out = vec![0.0; len];
            for i in (0..70_000u64)
                .step_by(997)
                .chain([65_535, 65_536, 131_072, 1 << 40])
            {
                design.fill(i, &mut out);
                for (k, &x) in out.iter().enumerate() {
                    let block = block_seed((i >> 16) as u32, seed);
                    let expected =
                        sobol_burley::sample((i & 0xFFFF) as u32, (offset + k) as u32, block);
                    assert_eq!(
                        x.to_bits(),
                        (expected as f64).to_bits(),
                        "point {i} dim {k}"
                    );
                }
            }
        }
    }
}
