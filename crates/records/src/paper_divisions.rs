//! Field of Research divisions in the paper walk ([`crate::paper_walk`]). When `paper_fields`
//! is sorted by paper id like the other two files (a paper's fields together, papers in id
//! order), it is merged in as a third ordered stream, so each paper carries its divisions as
//! a bit set (bit d for division d, d ∈ 30..=52) without joining 2.6 M rows on the string id.
//! From those sets, during the walk:
//!
//! - I07's thresholds: per (division, year) of the highly-cited years, a histogram of
//!   `times_cited` (each distinct value and its count; memory grows with the distinct values,
//!   not the papers); afterwards k = ⌈n / 100⌉ and T = the k-th largest value, as the generic
//!   plan's window functions define it, without sorting the papers;
//! - the focus's per-division table of its last year.
//!
//! A second pass over the walk's `pinfo` (integers only) then marks the highly cited papers:
//! `times_cited > 0` and `times_cited ≥ T` of one of its (division, year).
//!
//! A field row whose id is smaller than the previous row's means the file is not sorted: the
//! walk gives up and the generic plan runs. Rows of papers absent from the papers file are
//! skipped, as the plan's join drops them.

use crate::engine::Engine;
use crate::papers::FieldCounts;
use crate::runs::RunCursor;
use crate::udaf::MAX_METROS;
use crate::udf::division;
use crate::RecordsError;
use datafusion::arrow::array::AsArray;
use datafusion::arrow::datatypes::Int64Type;
use futures::StreamExt;
use std::collections::{BTreeMap, HashMap};
use std::ops::RangeInclusive;

/// `paper_fields` as a cursor over id-ordered rows, read alongside the papers.
pub(crate) struct FieldCursor {
    rows: RunCursor,
}

impl FieldCursor {
    /// Starts decoding `paper_fields` in file order.
    pub(crate) async fn open(engine: &Engine) -> Result<FieldCursor, RecordsError> {
        Ok(FieldCursor {
            rows: RunCursor::open(engine, "SELECT paper_id, field FROM paper_fields").await?,
        })
    }

    /// Whether the file proved unsorted (or a field unreadable): the walk gives up.
    pub(crate) fn give_up(&self) -> bool {
        self.rows.give_up
    }

    /// The divisions of paper `id` (a bit set). Papers are asked for in strictly increasing
    /// id order, so a row between the previous paper and this one belongs to a paper absent
    /// from the papers file (skipped), and a row at or below the previous paper's id proves
    /// the file unsorted.
    pub(crate) async fn divisions(&mut self, id: &[u8]) -> Result<u64, RecordsError> {
        let (mut set, mut unreadable) = (0u64, false);
        self.rows
            .run(id, |c, r, own| {
                if own {
                    match division(c[0].value(r)) {
                        Some(d) => set |= 1 << d,
                        None => unreadable = true,
                    }
                }
            })
            .await?;
        self.rows.give_up |= unreadable;
        Ok(set)
    }

    /// After the last paper: the rows left belong to papers absent from the papers file,
    /// unless one is at or below the last paper's id (the file is then unsorted).
    pub(crate) async fn finish(&mut self) -> Result<(), RecordsError> {
        self.rows.finish(|_, _| {}).await
    }
}

/// The divisions of a set, ascending.
fn each(set: u64) -> impl Iterator<Item = u32> {
    let mut w = set;
    std::iter::from_fn(move || {
        (w != 0).then(|| {
            let d = w.trailing_zeros();
            w &= w - 1;
            d
        })
    })
}

/// The metros of a paper's bit set (registry indices).
fn metros(lo: i64, hi: i64) -> impl Iterator<Item = usize> {
    each(lo as u64)
        .chain(each(hi as u64).map(|m| m + 64))
        .map(|m| m as usize)
}

/// One division's counts in the focus's last year, metros at their registry index.
struct DivisionTally {
    papers: u64,
    international: u64,
    metro_papers: Vec<u64>,
    metro_international: Vec<u64>,
}

/// Citation counts below this are counted in an array, higher ones in a map.
const DENSE: usize = 1024;

/// The papers of one (division, year) per `times_cited` value.
#[derive(Default)]
struct Histogram {
    dense: Vec<u64>,
    sparse: HashMap<i64, u64, ahash::RandomState>,
}

impl Histogram {
    fn add(&mut self, t: i64) {
        match usize::try_from(t) {
            Ok(i) if i < DENSE => {
                if self.dense.is_empty() {
                    self.dense = vec![0; DENSE];
                }
                self.dense[i] += 1;
            }
            _ => *self.sparse.entry(t).or_default() += 1,
        }
    }

    /// The k-th largest value, k = ⌈n / 100⌉ (ties at it all reach it).
    fn threshold(&self) -> i64 {
        let n = self.dense.iter().sum::<u64>() + self.sparse.values().sum::<u64>();
        let k = n.div_ceil(100);
        // Values in descending order: the map's above the array's range, the array's, then
        // the map's below it (negative counts, which validation refuses).
        let mut sparse: Vec<(i64, u64)> = self.sparse.iter().map(|(&t, &c)| (t, c)).collect();
        sparse.sort_unstable_by_key(|v| std::cmp::Reverse(v.0));
        let below = sparse.iter().position(|v| v.0 < 0).unwrap_or(sparse.len());
        let dense = self
            .dense
            .iter()
            .enumerate()
            .rev()
            .map(|(t, &c)| (t as i64, c));
        let values = sparse[..below]
            .iter()
            .copied()
            .chain(dense)
            .chain(sparse[below..].iter().copied());
        let mut seen = 0u64;
        let mut last = 0i64;
        for (t, c) in values.filter(|v| v.1 > 0) {
            seen += c;
            last = t;
            if seen >= k {
                break;
            }
        }
        last
    }
}

/// What the walk gathers from each paper's divisions.
pub(crate) struct DivisionCounts {
    highly_cited_years: RangeInclusive<i32>,
    focus_year: i32,
    /// Per (division, year): papers per `times_cited` value.
    histograms: HashMap<(u32, i32), Histogram, ahash::RandomState>,
    focus: BTreeMap<u32, DivisionTally>,
}

impl DivisionCounts {
    pub(crate) fn new(highly_cited_years: RangeInclusive<i32>, focus_year: i32) -> Self {
        DivisionCounts {
            highly_cited_years,
            focus_year,
            histograms: HashMap::with_hasher(ahash::RandomState::new()),
            focus: BTreeMap::new(),
        }
    }

    /// Adds one paper: its year, `times_cited`, divisions, metros and international flag.
    pub(crate) fn add(
        &mut self,
        year: Option<i32>,
        times_cited: Option<i64>,
        divisions: u64,
        (lo, hi, intl): (i64, i64, bool),
    ) {
        let Some(year) = year else { return };
        if let Some(t) = times_cited {
            if self.highly_cited_years.contains(&year) {
                for d in each(divisions) {
                    self.histograms.entry((d, year)).or_default().add(t);
                }
            }
        }
        if year == self.focus_year {
            for d in each(divisions) {
                let f = self.focus.entry(d).or_insert_with(|| DivisionTally {
                    papers: 0,
                    international: 0,
                    metro_papers: vec![0; MAX_METROS],
                    metro_international: vec![0; MAX_METROS],
                });
                f.papers += 1;
                f.international += u64::from(intl);
                for m in metros(lo, hi) {
                    f.metro_papers[m] += 1;
                    f.metro_international[m] += u64::from(intl);
                }
            }
        }
    }

    /// I07's threshold of every (division, year): with n papers, k = ⌈n / 100⌉ and T = the
    /// k-th largest `times_cited` (ties at T all reach it).
    pub(crate) fn thresholds(&self) -> HashMap<(u32, i32), i64> {
        self.histograms
            .iter()
            .map(|(&key, h)| (key, h.threshold()))
            .collect()
    }

    /// The focus's per-division table of its last year (divisions ascending, as the plan's
    /// `ORDER BY` of the two-digit text), per-metro vectors cut to `n` metros.
    pub(crate) fn focus_table(self, n: usize) -> Vec<FieldCounts> {
        self.focus
            .into_iter()
            .map(|(d, f)| FieldCounts {
                division: format!("{d:02}"),
                metro_papers: f.metro_papers.into_iter().take(n).collect(),
                metro_international: f.metro_international.into_iter().take(n).collect(),
                papers: f.papers,
                international: f.international,
            })
            .collect()
    }
}

/// I07 from the walk's `pinfo` and the thresholds: per metro (registry order, `n` metros)
/// the papers of `years` highly cited in one of their divisions, and the world's count.
pub(crate) fn highly_cited(
    engine: &Engine,
    thresholds: &HashMap<(u32, i32), i64>,
    years: RangeInclusive<i32>,
    n: usize,
) -> Result<(Vec<u64>, u64), RecordsError> {
    let q = format!(
        "SELECT year, times_cited, divisions, lo, hi FROM pinfo \
         WHERE times_cited > 0 AND divisions <> 0 AND year BETWEEN {} AND {}",
        years.start(),
        years.end()
    );
    engine.run(async {
        let mut per_metro = vec![0u64; MAX_METROS];
        let mut world = 0u64;
        let mut stream = engine.ctx.sql(&q).await?.execute_stream().await?;
        while let Some(b) = stream.next().await {
            let b = b?;
            let col = |k: usize| b.column(k).as_primitive::<Int64Type>();
            let (year, cited, divisions, lo, hi) = (col(0), col(1), col(2), col(3), col(4));
            for r in 0..b.num_rows() {
                let (y, t) = (year.value(r) as i32, cited.value(r));
                let hit = each(divisions.value(r) as u64)
                    .any(|d| thresholds.get(&(d, y)).is_some_and(|&at| t >= at));
                if hit {
                    world += 1;
                    for m in metros(lo.value(r), hi.value(r)) {
                        per_metro[m] += 1;
                    }
                }
            }
        }
        per_metro.truncate(n);
        Ok((per_metro, world))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Hand-worked: 250 papers in one (division, year) → k = 3; the values 9, 7, 7, 7, then
    /// zeros: the 3rd largest is 7, so T = 7 and the three papers at 7 all reach it.
    #[test]
    fn threshold_is_the_kth_largest_with_ties() {
        let mut c = DivisionCounts::new(2000..=2022, 2022);
        let mut add = |t: i64| c.add(Some(2010), Some(t), 1 << 31, (0, 0, false));
        for t in [9, 7, 7, 7] {
            add(t);
        }
        for _ in 0..246 {
            add(0);
        }
        let t = c.thresholds();
        assert_eq!(t[&(31, 2010)], 7);
    }

    /// Values above the array's range count first: 300 papers, k = 3, at 5000, 2000, 1500
    /// and 1500 → T = 1500.
    #[test]
    fn large_counts_rank_above_small_ones() {
        let mut c = DivisionCounts::new(2000..=2022, 2022);
        for t in [5000, 1500, 2000, 1500].into_iter().chain([3; 296]) {
            c.add(Some(2005), Some(t), 1 << 33, (0, 0, false));
        }
        assert_eq!(c.thresholds()[&(33, 2005)], 1500);
    }

    /// 100 papers → k = 1, T = the maximum; 101 → k = 2.
    #[test]
    fn k_is_the_ceiling_of_n_over_100() {
        let mut c = DivisionCounts::new(2000..=2022, 2022);
        for t in 0..100 {
            c.add(Some(2001), Some(t), 1 << 40, (0, 0, false));
        }
        for t in 0..101 {
            c.add(Some(2002), Some(t), 1 << 40, (0, 0, false));
        }
        let t = c.thresholds();
        assert_eq!(t[&(40, 2001)], 99);
        assert_eq!(t[&(40, 2002)], 99);
        // Outside the highly-cited years nothing is gathered.
        c.add(Some(2023), Some(5), 1 << 40, (0, 0, false));
        assert!(!c.thresholds().contains_key(&(40, 2023)));
    }

    #[test]
    fn focus_table_counts_each_paper_once_per_division_and_metro() {
        let mut c = DivisionCounts::new(2000..=2022, 2022);
        c.add(Some(2022), Some(1), (1 << 31) | (1 << 40), (0b11, 1, true));
        c.add(Some(2022), Some(1), 1 << 31, (0b10, 0, false));
        c.add(Some(2021), Some(1), 1 << 31, (0b10, 0, false));
        let t = c.focus_table(66);
        assert_eq!(t.len(), 2);
        assert_eq!(
            (t[0].division.as_str(), t[0].papers, t[0].international),
            ("31", 2, 1)
        );
        assert_eq!(t[0].metro_papers[..2], [1, 2]);
        assert_eq!(t[0].metro_international[..2], [1, 1]);
        assert_eq!(t[0].metro_papers[64], 1);
        assert_eq!(t[1].division, "40");
        assert_eq!(t[1].metro_papers.len(), 66);
    }
}
