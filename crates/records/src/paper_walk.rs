//! Each paper's metro set, year and international flag in one ordered walk of
//! `paper_authorships` beside `papers`, when both arrive sorted by paper id (as exports are
//! delivered: a paper's authorships together, papers in id order). It replaces the generic
//! plan's hash join of 7 M authorships with the place table, its GROUP BY on the string paper
//! id and the join with the papers file, which were most of the paper pipeline's time
//! (BENCHMARKS.md):
//!
//! - every distinct place is resolved once, before the walk, to its metro bits and country
//!   code ([`PlaceTable`]); the walk looks each authorship's place up in a hash map of those;
//! - a paper's authorships are the run of consecutive rows with its id; the run's metro set
//!   is the OR of its places' bits, and the paper is international if its places carry two
//!   different country codes (places without a code do not count);
//! - `papers` is walked alongside, a merge of two id-ordered streams, which gives each run
//!   its year and counts without a join; papers without authorships are kept (they count in
//!   world totals), runs without a paper are counted as missing;
//! - each paper is added to the co-authorship counts ([`crate::udaf::CoauthorAcc`], the
//!   kernel of `gihi_coauthor`) as it is emitted, and written to the scratch table `pinfo`
//!   that the indicator queries read;
//! - the authorships of a paper of the active years that are located in a metro and carry a
//!   researcher id are written to the scratch table `active_researchers(metro, researcher_id)`
//!   (metro: registry index), from which I01 counts distinct researchers without joining the
//!   authorships again.
//!
//! - `paper_fields`, when sorted the same way, is merged in as a third stream: each paper's
//!   Field of Research divisions feed I07's thresholds and the focus's per-division table
//!   ([`crate::paper_divisions`]) and are written to `pinfo` as a bit set.
//!
//! The files are decoded on the runtime's worker threads while this thread walks, and what
//! the walk emits is counted and written on another ([`crate::paper_out`]).
//!
//! The walk proves its precondition as it goes: a run whose id is smaller than the previous
//! run's means the authorships are not sorted, and the walk gives up (returns `None`) so that
//! the caller runs the generic plan, which hashes; so does an unsorted `paper_fields`. The
//! papers file must be strictly increasing, which the validation's sorted-key pass has
//! already established.

use crate::engine::Engine;
use crate::paper_divisions::{DivisionCounts, FieldCursor};

use crate::paper_out::{with_writer, OutQueue, Paper, Researchers, Set};
use crate::paper_places::PlaceTable;
use crate::udaf::YearCounts;
use crate::RecordsError;
use datafusion::arrow::array::{
    Array, ArrayRef, AsArray, Int64Array, RecordBatch, StringViewArray,
};
use datafusion::arrow::compute::cast;
use datafusion::arrow::datatypes::{DataType, Int64Type};
use datafusion::error::DataFusionError;
use datafusion::physical_plan::SendableRecordBatchStream;
use futures::channel::mpsc;
use futures::{SinkExt, StreamExt};
use std::collections::BTreeMap;
use std::ops::RangeInclusive;

/// Batches decoded ahead of the walk, per file.
const AHEAD: usize = 2;

/// The years the walk gathers figures for.
pub(crate) struct WalkYears {
    /// The co-authorship counts'.
    pub coauthor: RangeInclusive<i32>,
    /// I01's (active researchers).
    pub active: RangeInclusive<i32>,
    /// I07's (highly cited papers).
    pub highly_cited: RangeInclusive<i32>,
    /// The focus's last year (its per-division table).
    pub focus_last: i32,
}

/// What the walk computed besides the tables `pinfo` and `active_researchers`.
pub(crate) struct Walked {
    /// Co-authorship counts of the years asked for.
    pub years: BTreeMap<i32, YearCounts>,
    /// Papers named in the authorships but absent from the papers file.
    pub missing: u64,
    /// I07's histograms and the focus's per-division table.
    pub divisions: DivisionCounts,
}

/// Walks the authorships and fields beside the papers (see the module documentation) and
/// registers `pinfo(year, times_cited, cited, lo, hi, divisions)` (the columns the walked
/// path's indicator queries read; the generic plan's `pinfo` also carries the paper id and
/// flags its joins need) and `active_researchers(metro, researcher_id)` on the main session.
/// `None` if the authorships or the fields are not sorted by paper id.
pub(crate) fn walk(
    engine: &Engine,
    places: &mut PlaceTable,
    years: WalkYears,
) -> Result<Option<Walked>, RecordsError> {
    let path = engine.scratch_file("pinfo_walk.parquet");
    let rpath = engine.scratch_file("active_researchers_walk.parquet");
    // The walk runs on this thread; what it emits is counted and written on a second one.
    let (missing, (years, divisions)) = with_writer(&path, &rpath, years, |out| {
        engine.run(async {
            let authorships = decode_ahead(
                engine,
                "SELECT paper_id, city, country, researcher_id FROM paper_authorships",
            )
            .await?;
            let papers = decode_ahead(
                engine,
                "SELECT paper_id, year, times_cited, cbp + cbo + cbt FROM papers_n",
            )
            .await?;
            let fields = FieldCursor::open(engine).await?;
            merge(authorships, papers, fields, places, out).await
        })
    })?;
    let walked = missing.map(|missing| Walked {
        years,
        missing,
        divisions,
    });
    match walked {
        Some(w) => {
            engine.run(async {
                for (name, p) in [("pinfo", &path), ("active_researchers", &rpath)] {
                    let p = p.display().to_string();
                    engine
                        .ctx
                        .register_parquet(name, &p, Default::default())
                        .await?;
                }
                Ok(())
            })?;
            Ok(Some(w))
        }
        None => {
            let _ = std::fs::remove_file(&path);
            let _ = std::fs::remove_file(&rpath);
            Ok(None)
        }
    }
}

pub(crate) type Batches = mpsc::Receiver<Result<RecordBatch, DataFusionError>>;

/// Runs `query` in file order on a worker thread, `AHEAD` batches ahead of the reader.
pub(crate) async fn decode_ahead(engine: &Engine, query: &str) -> Result<Batches, RecordsError> {
    let mut stream: SendableRecordBatchStream =
        engine.ordered.sql(query).await?.execute_stream().await?;
    let (mut tx, rx) = mpsc::channel(AHEAD);
    tokio::spawn(async move {
        while let Some(b) = stream.next().await {
            let failed = b.is_err();
            if tx.send(b).await.is_err() || failed {
                break;
            }
        }
    });
    Ok(rx)
}

pub(crate) fn text(a: &ArrayRef) -> Result<StringViewArray, RecordsError> {
    Ok(cast(a, &DataType::Utf8View)?.as_string_view().clone())
}

fn int(a: &ArrayRef) -> Result<Int64Array, RecordsError> {
    Ok(cast(a, &DataType::Int64)?
        .as_primitive::<Int64Type>()
        .clone())
}

/// The papers file as a cursor over id-ordered rows, with its fields.
struct PaperCursor {
    batches: Batches,
    fields: FieldCursor,
    ids: StringViewArray,
    year: Int64Array,
    cited_times: Int64Array,
    cited: Int64Array,
    row: usize,
}

impl PaperCursor {
    /// Whether a current row exists (loading the next batch when needed).
    async fn ready(&mut self) -> Result<bool, RecordsError> {
        while self.row >= self.ids.len() {
            let Some(b) = self.batches.next().await else {
                return Ok(false);
            };
            let b = b?;
            self.ids = text(b.column(0))?;
            self.year = int(b.column(1))?;
            self.cited_times = int(b.column(2))?;
            self.cited = int(b.column(3))?;
            self.row = 0;
        }
        Ok(true)
    }

    fn id(&self) -> &str {
        self.ids.value(self.row)
    }

    /// Emits the current paper with the metro set given and its divisions, and moves on;
    /// its year.
    async fn emit(&mut self, out: &mut OutQueue, set: Set) -> Result<Option<i64>, RecordsError> {
        let r = self.row;
        let divisions = self.fields.divisions(self.ids.value(r).as_bytes()).await?;
        let v = |a: &Int64Array| (!a.is_null(r)).then(|| a.value(r));
        let year = v(&self.year);
        let paper = Paper {
            year,
            times_cited: v(&self.cited_times),
            cited: v(&self.cited),
            divisions,
        };
        out.emit(paper, set)?;
        self.row += 1;
        Ok(year)
    }
}

/// The walk proper: authorship runs merged with the papers; the papers named in the
/// authorships but absent from the papers file.
async fn merge(
    mut authorships: Batches,
    papers: Batches,
    fields: FieldCursor,
    places: &mut PlaceTable,
    mut out: OutQueue,
) -> Result<Option<u64>, RecordsError> {
    let empty = || Int64Array::from(Vec::<i64>::new());
    let mut papers = PaperCursor {
        batches: papers,
        fields,
        ids: StringViewArray::from(Vec::<&str>::new()),
        year: empty(),
        cited_times: empty(),
        cited: empty(),
        row: 0,
    };
    let mut missing = 0u64;
    let mut run: Vec<u8> = Vec::new();
    let mut in_run = false;
    let mut set = Set::default();
    let mut code = 0u32;
    let mut researchers = Researchers::default();
    while let Some(b) = authorships.next().await {
        let b = b?;
        let (ids, cities, countries, rids) = (
            text(b.column(0))?,
            text(b.column(1))?,
            text(b.column(2))?,
            text(b.column(3))?,
        );
        for r in 0..b.num_rows() {
            let id = ids.value(r).as_bytes();
            if !in_run || id != run.as_slice() {
                if in_run {
                    if id < run.as_slice() || papers.fields.give_up() {
                        return Ok(None);
                    }
                    let year = finish(&mut papers, &mut out, &run, set).await?;
                    missing += u64::from(year.is_none());
                    out.researchers(year.flatten(), &researchers)?;
                }
                run.clear();
                run.extend_from_slice(id);
                in_run = true;
                set = Set::default();
                code = 0;
                researchers.clear();
            }
            let p = places.at(&cities, &countries, r);
            set.lo |= p.lo;
            set.hi |= p.hi;
            if (p.lo | p.hi) != 0 && !rids.is_null(r) && !rids.value(r).trim().is_empty() {
                researchers.push(p, rids.value(r));
            }
            if p.code != 0 {
                if code == 0 {
                    code = p.code;
                } else if code != p.code {
                    set.intl = true;
                }
            }
        }
    }
    if in_run {
        let year = finish(&mut papers, &mut out, &run, set).await?;
        missing += u64::from(year.is_none());
        out.researchers(year.flatten(), &researchers)?;
    }
    while papers.ready().await? {
        papers.emit(&mut out, Set::default()).await?;
    }
    papers.fields.finish().await?;
    if papers.fields.give_up() {
        return Ok(None);
    }
    out.finish()?;
    Ok(Some(missing))
}

/// Emits the papers before the run `id` (without authorships) and the run's paper; the
/// paper's year, or `None` if the papers file has no paper `id`.
async fn finish(
    papers: &mut PaperCursor,
    out: &mut OutQueue,
    id: &[u8],
    set: Set,
) -> Result<Option<Option<i64>>, RecordsError> {
    while papers.ready().await? {
        match papers.id().as_bytes().cmp(id) {
            std::cmp::Ordering::Less => {
                papers.emit(out, Set::default()).await?;
            }
            std::cmp::Ordering::Equal => return Ok(Some(papers.emit(out, set).await?)),
            std::cmp::Ordering::Greater => break,
        }
    }
    Ok(None)
}
