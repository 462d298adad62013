//! The co-authorship kernels as DataFusion aggregate UDFs, so that the paper pipeline stays a
//! DataFusion plan that can run distributed (partial states merge by addition):
//!
//! - `gihi_coauthor(year, lo, hi, international)`: per year, the papers of every metro, its
//!   international papers, the papers with authorships in both metros of every pair, and the
//!   world's papers and international papers;
//! - `gihi_metro_sums(lo, hi, weight)`: per metro, the sum of `weight` over the rows whose
//!   metro set contains it.
//!
//! A paper's metros are a 128-bit set in two Int64 columns (`lo`: metros 0–63 in registry
//! order, `hi`: 64–127), built by `bit_or` over its authorships, so each paper is counted once
//! per metro and once per pair however many authorships it has there. States are little-endian
//! `u64` counts in a Binary value.

use datafusion::arrow::array::{Array, ArrayRef, AsArray};
use datafusion::arrow::datatypes::{DataType, Field, FieldRef, Int64Type};
use datafusion::common::{exec_err, Result, ScalarValue};
use datafusion::logical_expr::function::{AccumulatorArgs, StateFieldsArgs};
use datafusion::logical_expr::{
    Accumulator, AggregateUDF, AggregateUDFImpl, Signature, TypeSignature, Volatility,
};
use std::collections::BTreeMap;
use std::sync::Arc;

/// Metros a bit set can hold.
pub const MAX_METROS: usize = 128;
/// Metro pairs (i < j) of a block.
const PAIRS: usize = MAX_METROS * (MAX_METROS - 1) / 2;
/// Counts of one year's block: world papers, world international, papers[128],
/// international[128], pairs.
const BLOCK: usize = 2 + 2 * MAX_METROS + PAIRS;

/// The index of pair (i, j), i < j, in a block's pair counts.
pub fn pair_index(i: usize, j: usize) -> usize {
    debug_assert!(i < j && j < MAX_METROS);
    i * (2 * MAX_METROS - i - 1) / 2 + (j - i - 1)
}

/// The metros of a paper's bit set, ascending.
fn metros(lo: i64, hi: i64, out: &mut Vec<usize>) {
    out.clear();
    for (base, word) in [(0usize, lo as u64), (64, hi as u64)] {
        let mut w = word;
        while w != 0 {
            out.push(base + w.trailing_zeros() as usize);
            w &= w - 1;
        }
    }
}

/// One year of co-authorship counts.
#[derive(Debug, Clone, PartialEq)]
pub struct YearCounts {
    pub papers: u64,
    pub international: u64,
    /// Per metro (registry order).
    pub metro_papers: Vec<u64>,
    pub metro_international: Vec<u64>,
    /// Papers with authorships in metros i and j, at [`pair_index`]`(i, j)`.
    pub pairs: Vec<u64>,
}

impl YearCounts {
    /// The papers shared by metros `i` and `j` (0 on the diagonal).
    pub fn pair(&self, i: usize, j: usize) -> u64 {
        match i.cmp(&j) {
            std::cmp::Ordering::Less => self.pairs[pair_index(i, j)],
            std::cmp::Ordering::Greater => self.pairs[pair_index(j, i)],
            std::cmp::Ordering::Equal => 0,
        }
    }
}

/// Decodes the value of `gihi_coauthor`: year → counts.
pub fn decode_coauthor(bytes: &[u8]) -> BTreeMap<i32, YearCounts> {
    let mut out = BTreeMap::new();
    for (year, b) in decode_blocks(bytes) {
        out.insert(
            year,
            YearCounts {
                papers: b[0],
                international: b[1],
                metro_papers: b[2..2 + MAX_METROS].to_vec(),
                metro_international: b[2 + MAX_METROS..2 + 2 * MAX_METROS].to_vec(),
                pairs: b[2 + 2 * MAX_METROS..].to_vec(),
            },
        );
    }
    out
}

/// Decodes the value of `gihi_metro_sums`: one sum per metro.
pub fn decode_sums(bytes: &[u8]) -> Vec<u64> {
    bytes
        .chunks_exact(8)
        .map(|c| u64::from_le_bytes(c.try_into().expect("8 bytes")))
        .collect()
}

fn decode_blocks(bytes: &[u8]) -> Vec<(i32, Vec<u64>)> {
    let step = 4 + 8 * BLOCK;
    bytes
        .chunks_exact(step)
        .map(|c| {
            let year = i32::from_le_bytes(c[..4].try_into().expect("4 bytes"));
            (year, decode_sums(&c[4..]))
        })
        .collect()
}

fn encode_u64s(v: &[u64], out: &mut Vec<u8>) {
    for x in v {
        out.extend_from_slice(&x.to_le_bytes());
    }
}

/// Which aggregate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Kind {
    Coauthor,
    MetroSums,
}

/// A gihi aggregate UDF.
#[derive(Debug, PartialEq, Eq, Hash)]
struct GihiUdaf {
    kind: Kind,
    signature: Signature,
}

/// The co-authorship aggregates.
pub fn udafs() -> Vec<AggregateUDF> {
    let ints = |n| {
        Signature::one_of(
            vec![TypeSignature::Exact(vec![DataType::Int64; n])],
            Volatility::Immutable,
        )
    };
    vec![
        AggregateUDF::from(GihiUdaf {
            kind: Kind::Coauthor,
            signature: ints(4),
        }),
        AggregateUDF::from(GihiUdaf {
            kind: Kind::MetroSums,
            signature: ints(3),
        }),
    ]
}

impl AggregateUDFImpl for GihiUdaf {
    fn name(&self) -> &str {
        match self.kind {
            Kind::Coauthor => "gihi_coauthor",
            Kind::MetroSums => "gihi_metro_sums",
        }
    }
    fn signature(&self) -> &Signature {
        &self.signature
    }
    fn coerce_types(&self, arg_types: &[DataType]) -> Result<Vec<DataType>> {
        Ok(vec![DataType::Int64; arg_types.len()])
    }
    fn return_type(&self, _: &[DataType]) -> Result<DataType> {
        Ok(DataType::Binary)
    }
    fn accumulator(&self, _: AccumulatorArgs) -> Result<Box<dyn Accumulator>> {
        Ok(match self.kind {
            Kind::Coauthor => Box::new(CoauthorAcc::default()),
            Kind::MetroSums => Box::new(SumsAcc {
                sums: vec![0; MAX_METROS],
            }),
        })
    }
    fn state_fields(&self, args: StateFieldsArgs) -> Result<Vec<FieldRef>> {
        Ok(vec![Arc::new(Field::new(
            format!("{}_state", args.name),
            DataType::Binary,
            true,
        ))])
    }
}

fn int_column(a: &ArrayRef) -> Result<&datafusion::arrow::array::PrimitiveArray<Int64Type>> {
    match a.data_type() {
        DataType::Int64 => Ok(a.as_primitive::<Int64Type>()),
        t => exec_err!("gihi aggregate: expected Int64, found {t}"),
    }
}

/// The state of `gihi_coauthor`: a block of counts per year. The paper walk
/// ([`crate::paper_walk`]) feeds it directly, one paper at a time.
#[derive(Debug, Default)]
pub(crate) struct CoauthorAcc {
    years: BTreeMap<i32, Vec<u64>>,
    scratch: Vec<usize>,
}

impl CoauthorAcc {
    fn block(&mut self, year: i32) -> &mut Vec<u64> {
        self.years.entry(year).or_insert_with(|| vec![0; BLOCK])
    }

    /// Counts one paper of `year` with metro set (`lo`, `hi`).
    pub(crate) fn add(&mut self, year: i32, lo: i64, hi: i64, international: bool) {
        let mut ms = std::mem::take(&mut self.scratch);
        metros(lo, hi, &mut ms);
        let b = self.block(year);
        b[0] += 1;
        if international {
            b[1] += 1;
        }
        for &m in &ms {
            b[2 + m] += 1;
            if international {
                b[2 + MAX_METROS + m] += 1;
            }
        }
        if ms.len() >= 2 {
            let pairs = &mut b[2 + 2 * MAX_METROS..];
            for (k, &i) in ms.iter().enumerate() {
                let row = i * (2 * MAX_METROS - i - 1) / 2;
                for &j in &ms[k + 1..] {
                    pairs[row + (j - i - 1)] += 1;
                }
            }
        }
        self.scratch = ms;
    }

    /// The counts, year by year.
    pub(crate) fn into_years(mut self) -> BTreeMap<i32, YearCounts> {
        match self.evaluate() {
            Ok(ScalarValue::Binary(Some(b))) => decode_coauthor(&b),
            _ => BTreeMap::new(),
        }
    }
}

impl Accumulator for CoauthorAcc {
    fn update_batch(&mut self, values: &[ArrayRef]) -> Result<()> {
        let (year, lo, hi, intl) = (
            int_column(&values[0])?,
            int_column(&values[1])?,
            int_column(&values[2])?,
            int_column(&values[3])?,
        );
        for r in 0..year.len() {
            if year.is_null(r) {
                continue;
            }
            let international = !intl.is_null(r) && intl.value(r) != 0;
            let (l, h) = (
                if lo.is_null(r) { 0 } else { lo.value(r) },
                if hi.is_null(r) { 0 } else { hi.value(r) },
            );
            self.add(year.value(r) as i32, l, h, international);
        }
        Ok(())
    }

    fn evaluate(&mut self) -> Result<ScalarValue> {
        let mut out = Vec::with_capacity(self.years.len() * (4 + 8 * BLOCK));
        for (y, b) in &self.years {
            out.extend_from_slice(&y.to_le_bytes());
            encode_u64s(b, &mut out);
        }
        Ok(ScalarValue::Binary(Some(out)))
    }

    fn size(&self) -> usize {
        std::mem::size_of::<Self>() + self.years.len() * 8 * BLOCK
    }

    fn state(&mut self) -> Result<Vec<ScalarValue>> {
        Ok(vec![self.evaluate()?])
    }

    fn merge_batch(&mut self, states: &[ArrayRef]) -> Result<()> {
        let s = states[0].as_binary::<i32>();
        for r in 0..s.len() {
            if s.is_null(r) {
                continue;
            }
            for (y, counts) in decode_blocks(s.value(r)) {
                let b = self.block(y);
                for (x, c) in b.iter_mut().zip(counts) {
                    *x += c;
                }
            }
        }
        Ok(())
    }
}

/// The state of `gihi_metro_sums`.
#[derive(Debug)]
struct SumsAcc {
    sums: Vec<u64>,
}

impl Accumulator for SumsAcc {
    fn update_batch(&mut self, values: &[ArrayRef]) -> Result<()> {
        let (lo, hi, w) = (
            int_column(&values[0])?,
            int_column(&values[1])?,
            int_column(&values[2])?,
        );
        for r in 0..w.len() {
            if w.is_null(r) || w.value(r) <= 0 {
                continue;
            }
            let weight = w.value(r) as u64;
            for (base, a) in [(0usize, lo), (64, hi)] {
                if a.is_null(r) {
                    continue;
                }
                let mut word = a.value(r) as u64;
                while word != 0 {
                    self.sums[base + word.trailing_zeros() as usize] += weight;
                    word &= word - 1;
                }
            }
        }
        Ok(())
    }

    fn evaluate(&mut self) -> Result<ScalarValue> {
        let mut out = Vec::with_capacity(8 * MAX_METROS);
        encode_u64s(&self.sums, &mut out);
        Ok(ScalarValue::Binary(Some(out)))
    }

    fn size(&self) -> usize {
        std::mem::size_of::<Self>() + 8 * MAX_METROS
    }

    fn state(&mut self) -> Result<Vec<ScalarValue>> {
        Ok(vec![self.evaluate()?])
    }

    fn merge_batch(&mut self, states: &[ArrayRef]) -> Result<()> {
        let s = states[0].as_binary::<i32>();
        for r in 0..s.len() {
            if !s.is_null(r) {
                for (x, c) in self.sums.iter_mut().zip(decode_sums(s.value(r))) {
                    *x += c;
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pair_indices_cover_the_upper_triangle_once() {
        let mut seen = vec![false; PAIRS];
        for i in 0..MAX_METROS {
            for j in i + 1..MAX_METROS {
                let k = pair_index(i, j);
                assert!(!seen[k]);
                seen[k] = true;
            }
        }
        assert!(seen.iter().all(|&s| s));
    }

    /// Metros the property test draws from: both words, their edges and the last metro.
    const PROBE: [usize; 8] = [0, 1, 2, 5, 63, 64, 65, 127];

    /// Rows (year, metro set as (lo, hi), international) as the kernel's input arrays.
    fn arrays(rows: &[(i64, u128, bool)]) -> Vec<ArrayRef> {
        use datafusion::arrow::array::Int64Array;
        vec![
            Arc::new(Int64Array::from_iter_values(rows.iter().map(|r| r.0))),
            Arc::new(Int64Array::from_iter_values(
                rows.iter().map(|r| r.1 as u64 as i64),
            )),
            Arc::new(Int64Array::from_iter_values(
                rows.iter().map(|r| (r.1 >> 64) as u64 as i64),
            )),
            Arc::new(Int64Array::from_iter_values(
                rows.iter().map(|r| i64::from(r.2)),
            )),
        ]
    }

    fn value(acc: &mut dyn Accumulator) -> Vec<u8> {
        match acc.evaluate().unwrap() {
            ScalarValue::Binary(Some(b)) => b,
            v => panic!("{v:?}"),
        }
    }

    proptest::proptest! {
        /// The kernel counts what a direct reading of the definition counts, and a state
        /// split across partitions and merged (as a distributed plan does) gives the same.
        #[test]
        fn counts_match_the_definition_and_merge(
            drawn in proptest::collection::vec(
                (2000i64..2003, proptest::sample::subsequence(PROBE.to_vec(), 0..=PROBE.len()), proptest::bool::ANY),
                0..60,
            ),
            cut in 0usize..60,
        ) {
            let rows: Vec<(i64, u128, bool)> = drawn
                .iter()
                .map(|(y, ms, i)| (*y, ms.iter().fold(0u128, |b, m| b | 1 << m), *i))
                .collect();
            let mut whole = CoauthorAcc::default();
            whole.update_batch(&arrays(&rows)).unwrap();
            let bytes = value(&mut whole);
            let got = decode_coauthor(&bytes);
            for (year, c) in &got {
                let of_year: Vec<_> = rows.iter().filter(|r| r.0 == i64::from(*year)).collect();
                proptest::prop_assert_eq!(c.papers, of_year.len() as u64);
                proptest::prop_assert_eq!(c.international, of_year.iter().filter(|r| r.2).count() as u64);
                let has = |r: &&&(i64, u128, bool), m: usize| r.1 >> m & 1 == 1;
                let pairs: usize = of_year.iter().map(|r| { let k = r.1.count_ones() as usize; k * k.saturating_sub(1) / 2 }).sum();
                proptest::prop_assert_eq!(c.pairs.iter().sum::<u64>(), pairs as u64);
                for &i in &PROBE {
                    proptest::prop_assert_eq!(c.metro_papers[i], of_year.iter().filter(|r| has(r, i)).count() as u64);
                    for &j in PROBE.iter().filter(|&&j| j > i) {
                        let both = of_year.iter().filter(|r| has(r, i) && has(r, j)).count() as u64;
                        proptest::prop_assert_eq!(c.pair(i, j), both);
                    }
                }
            }
            let cut = cut.min(rows.len());
            let (mut a, mut b) = (CoauthorAcc::default(), CoauthorAcc::default());
            a.update_batch(&arrays(&rows[..cut])).unwrap();
            b.update_batch(&arrays(&rows[cut..])).unwrap();
            let states: Vec<ArrayRef> = vec![ScalarValue::iter_to_array(vec![a.state().unwrap().remove(0), b.state().unwrap().remove(0)]).unwrap()];
            let mut merged = CoauthorAcc::default();
            merged.merge_batch(&states).unwrap();
            proptest::prop_assert_eq!(value(&mut merged), bytes);
        }
    }

    #[test]
    fn bit_sets_list_their_metros() {
        let mut v = Vec::new();
        metros(0b101, 1 << 63, &mut v);
        assert_eq!(v, vec![0, 2, 127]);
    }
}
