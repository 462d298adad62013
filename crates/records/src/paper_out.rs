//! The paper walk's outputs ([`crate::paper_walk`]), counted and written on a thread of
//! their own while the walk reads on: each paper's row of the scratch table `pinfo`, the
//! rows of `active_researchers`, the co-authorship counts ([`CoauthorAcc`]) and the
//! per-division tallies ([`DivisionCounts`]). The walk hands papers over in chunks through
//! a bounded queue ([`OutQueue`]), so the writer's memory stays bounded, and in walk order,
//! so the tables are the same whatever the threads' timing.

use crate::paper_divisions::DivisionCounts;
use crate::paper_places::Place;
use crate::paper_walk::WalkYears;
use crate::udaf::{CoauthorAcc, YearCounts};
use crate::RecordsError;
use datafusion::arrow::array::{ArrayRef, Int64Array, RecordBatch, StringBuilder};
use datafusion::arrow::datatypes::{DataType, Field, Schema, SchemaRef};
use datafusion::parquet::arrow::ArrowWriter;
use datafusion::parquet::basic::Compression;
use datafusion::parquet::file::properties::{EnabledStatistics, WriterProperties};
use std::collections::BTreeMap;
use std::ops::RangeInclusive;
use std::path::Path;
use std::sync::mpsc::{sync_channel, SyncSender};
use std::sync::Arc;

/// Papers written to `pinfo` per row group (bounded memory).
const CHUNK: usize = 1 << 16;
/// Papers per chunk handed to the writer thread.
const QUEUE_CHUNK: usize = 4096;
/// Chunks the walk may be ahead of the writer.
const QUEUE_AHEAD: usize = 4;

/// What the writer counted: the co-authorship counts by year and the per-division tallies.
pub(crate) type Written = (BTreeMap<i32, YearCounts>, DivisionCounts);

/// Runs `walk` on this thread with the queue to a writer thread, which creates `pinfo` at
/// `path` and `active_researchers` at `rpath` and counts what the walk emits; `walk`'s
/// result and the writer's counts. A writer's failure (a full disk) is the error returned,
/// even if the walk failed first because the writer had stopped taking chunks.
pub(crate) fn with_writer<T>(
    path: &Path,
    rpath: &Path,
    years: WalkYears,
    walk: impl FnOnce(OutQueue) -> Result<T, RecordsError>,
) -> Result<(T, Written), RecordsError> {
    let active = years.active.clone();
    let mut out = Out::new(path, rpath, years)?;
    let (tx, rx) = sync_channel::<Chunk>(QUEUE_AHEAD);
    std::thread::scope(|s| {
        let writer = s.spawn(move || {
            for chunk in rx {
                chunk.write(&mut out)?;
            }
            out.close()
        });
        let walked = walk(OutQueue {
            chunk: Chunk::default(),
            tx,
            active,
        });
        let written = writer.join().unwrap_or_else(|_| {
            Err(RecordsError::Engine(
                "the paper table writer stopped".to_string(),
            ))
        })?;
        Ok((walked?, written))
    })
}

/// Papers and researcher rows on their way to the writer thread.
#[derive(Default)]
struct Chunk {
    papers: Vec<(Paper, Set)>,
    /// Active researchers of those papers.
    researchers: Researchers,
}

impl Chunk {
    fn write(self, out: &mut Out) -> Result<(), RecordsError> {
        for (paper, set) in self.papers {
            out.emit(paper, set)?;
        }
        for (metro, id) in self.researchers.iter() {
            out.researcher(metro, id)?;
        }
        Ok(())
    }
}

/// The walk's end of the queue to the writer thread.
pub(crate) struct OutQueue {
    chunk: Chunk,
    tx: SyncSender<Chunk>,
    /// I01's years.
    active: RangeInclusive<i32>,
}

impl OutQueue {
    /// Emits a paper, its metro set and international flag.
    pub(crate) fn emit(&mut self, paper: Paper, set: Set) -> Result<(), RecordsError> {
        let c = &mut self.chunk;
        c.papers.push((paper, set));
        if c.papers.len() >= QUEUE_CHUNK {
            self.send()?;
        }
        Ok(())
    }

    /// Emits a paper's researchers if its year is active.
    pub(crate) fn researchers(
        &mut self,
        year: Option<i64>,
        r: &Researchers,
    ) -> Result<(), RecordsError> {
        let Some(y) = year.and_then(|y| i32::try_from(y).ok()) else {
            return Ok(());
        };
        if !self.active.contains(&y) {
            return Ok(());
        }
        self.chunk.researchers.extend(r);
        Ok(())
    }

    fn send(&mut self) -> Result<(), RecordsError> {
        let chunk = std::mem::take(&mut self.chunk);
        self.tx
            .send(chunk)
            .map_err(|_| RecordsError::Engine("the paper table writer stopped".to_string()))
    }

    /// Hands over the last chunk; the writer then closes the tables.
    pub(crate) fn finish(mut self) -> Result<(), RecordsError> {
        self.send()
    }
}

/// A paper's row of the papers file, and its divisions.
pub(crate) struct Paper {
    pub(crate) year: Option<i64>,
    pub(crate) times_cited: Option<i64>,
    pub(crate) cited: Option<i64>,
    pub(crate) divisions: u64,
}

/// A paper's metro set and whether it is international.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Set {
    pub(crate) lo: i64,
    pub(crate) hi: i64,
    pub(crate) intl: bool,
}

/// A run's authorships located in a metro with a researcher id: (metro index, id).
#[derive(Default)]
pub(crate) struct Researchers {
    metros: Vec<i64>,
    ends: Vec<usize>,
    text: String,
}

impl Researchers {
    pub(crate) fn clear(&mut self) {
        self.metros.clear();
        self.ends.clear();
        self.text.clear();
    }

    /// A place matched to a metro carries exactly one bit.
    pub(crate) fn push(&mut self, p: Place, id: &str) {
        let metro = if p.lo != 0 {
            p.lo.trailing_zeros()
        } else {
            64 + p.hi.trailing_zeros()
        };
        self.add(i64::from(metro), id);
    }

    fn add(&mut self, metro: i64, id: &str) {
        self.metros.push(metro);
        self.text.push_str(id);
        self.ends.push(self.text.len());
    }

    /// Appends every row of `other`.
    fn extend(&mut self, other: &Researchers) {
        for (metro, id) in other.iter() {
            self.add(metro, id);
        }
    }

    fn iter(&self) -> impl Iterator<Item = (i64, &str)> {
        let starts = std::iter::once(0).chain(self.ends.iter().copied());
        self.metros
            .iter()
            .zip(starts.zip(&self.ends))
            .map(|(m, (a, b))| (*m, &self.text[a..*b]))
    }
}

/// The tables `pinfo` and `active_researchers` being written, and the co-authorship counts.
struct Out {
    writer: ArrowWriter<std::fs::File>,
    schema: SchemaRef,
    rwriter: ArrowWriter<std::fs::File>,
    rschema: SchemaRef,
    rmetro: Vec<i64>,
    rids: StringBuilder,
    year: Vec<Option<i64>>,
    cited_times: Vec<Option<i64>>,
    cited: Vec<Option<i64>>,
    lo: Vec<i64>,
    hi: Vec<i64>,

    divisions: Vec<i64>,
    counts: CoauthorAcc,
    years: RangeInclusive<i32>,
    tally: DivisionCounts,
}

impl Out {
    fn new(
        path: &std::path::Path,
        rpath: &std::path::Path,
        years: WalkYears,
    ) -> Result<Out, RecordsError> {
        let int = |n| Field::new(n, DataType::Int64, true);
        let schema = Arc::new(Schema::new(vec![
            int("year"),
            int("times_cited"),
            int("cited"),
            int("lo"),
            int("hi"),
            int("divisions"),
        ]));
        // As the engine's scratch tables: read once or twice, then deleted.
        let props = WriterProperties::builder()
            .set_compression(Compression::UNCOMPRESSED)
            .set_dictionary_enabled(false)
            .set_statistics_enabled(EnabledStatistics::None)
            .build();
        let file = std::fs::File::create(path).map_err(|e| RecordsError::io(path, e))?;
        let rschema = Arc::new(Schema::new(vec![
            Field::new("metro", DataType::Int64, false),
            Field::new("researcher_id", DataType::Utf8, false),
        ]));
        let rfile = std::fs::File::create(rpath).map_err(|e| RecordsError::io(rpath, e))?;
        Ok(Out {
            writer: ArrowWriter::try_new(file, schema.clone(), Some(props.clone()))?,
            schema,
            rwriter: ArrowWriter::try_new(rfile, rschema.clone(), Some(props))?,
            rschema,
            rmetro: Vec::new(),
            rids: StringBuilder::new(),
            year: Vec::new(),
            cited_times: Vec::new(),
            cited: Vec::new(),
            lo: Vec::new(),
            hi: Vec::new(),

            divisions: Vec::new(),
            counts: CoauthorAcc::default(),
            years: years.coauthor,
            tally: DivisionCounts::new(years.highly_cited, years.focus_last),
        })
    }

    fn emit(&mut self, paper: Paper, set: Set) -> Result<(), RecordsError> {
        let year = paper.year.and_then(|y| i32::try_from(y).ok());
        if let Some(y) = year {
            if self.years.contains(&y) {
                self.counts.add(y, set.lo, set.hi, set.intl);
            }
        }
        self.tally.add(
            year,
            paper.times_cited,
            paper.divisions,
            (set.lo, set.hi, set.intl),
        );
        self.year.push(paper.year);
        self.cited_times.push(paper.times_cited);
        self.cited.push(paper.cited);
        self.divisions.push(paper.divisions as i64);
        self.lo.push(set.lo);
        self.hi.push(set.hi);
        if self.year.len() >= CHUNK {
            self.flush()?;
        }
        Ok(())
    }

    /// Writes an active researcher's row.
    fn researcher(&mut self, metro: i64, id: &str) -> Result<(), RecordsError> {
        self.rmetro.push(metro);
        self.rids.append_value(id);
        if self.rmetro.len() >= CHUNK {
            self.flush_researchers()?;
        }
        Ok(())
    }

    fn flush_researchers(&mut self) -> Result<(), RecordsError> {
        let batch = RecordBatch::try_new(
            self.rschema.clone(),
            vec![
                Arc::new(Int64Array::from(std::mem::take(&mut self.rmetro))),
                Arc::new(self.rids.finish()),
            ],
        )?;
        self.rwriter.write(&batch)?;
        Ok(())
    }

    fn flush(&mut self) -> Result<(), RecordsError> {
        let ints = |v: &mut Vec<i64>| Arc::new(Int64Array::from(std::mem::take(v))) as ArrayRef;
        let opts =
            |v: &mut Vec<Option<i64>>| Arc::new(Int64Array::from(std::mem::take(v))) as ArrayRef;
        let batch = RecordBatch::try_new(
            self.schema.clone(),
            vec![
                opts(&mut self.year),
                opts(&mut self.cited_times),
                opts(&mut self.cited),
                ints(&mut self.lo),
                ints(&mut self.hi),
                ints(&mut self.divisions),
            ],
        )?;
        self.writer.write(&batch)?;
        Ok(())
    }

    fn close(mut self) -> Result<Written, RecordsError> {
        self.flush()?;
        self.flush_researchers()?;
        self.writer.close()?;
        self.rwriter.close()?;
        Ok((self.counts.into_years(), self.tally))
    }
}
