//! Record exports (millions of patent records) to the per-city source tables that
//! `gihi derive` reads, on Apache DataFusion.
//!
//! The pipelines are DataFusion SQL plans over the record files (Parquet or CSV, streamed)
//! with gihi's kernels registered as scalar UDFs ([`udf`]), so that the same plans can run
//! distributed on executors that register the same functions. Memory is bounded by a
//! DataFusion memory pool that spills to disk.
//!
//! Layouts: [`layout`]. Synthetic corpus: [`synth`]. Patents → I09, I10, I18 and the
//! biomedical focus tables: [`patents`]. Papers → I01, I07, I08, I17 and the international
//! co-authorship focus tables: [`papers`], [`papers_focus`]; the co-authorship kernels:
//! [`udaf`]; eigenvector centrality: [`centrality`]. The same plans on an Apache Ballista
//! cluster (cargo feature `cluster`): `cluster`.

pub mod centrality;
#[cfg(feature = "cluster")]
pub mod cluster;
pub mod dates;
mod engine;
pub mod focus;
pub mod layout;
mod mapped;
mod paper_divisions;
mod paper_out;
mod paper_places;
mod paper_walk;
pub mod papers;
pub mod papers_focus;
mod patent_party_walk;
mod patent_places;
mod patent_tally;
mod patent_walk;
pub mod patents;
mod patents_plan;
pub mod placemap;
mod runs;
mod sink;
pub mod synth;
mod synth_papers;
mod texts;
pub mod udaf;
pub mod udf;

pub use engine::{Engine, EngineOptions};

use std::path::Path;

/// Why a record pipeline failed.
#[derive(Debug, thiserror::Error)]
pub enum RecordsError {
    /// Bad input: a file, its row and column, what was expected and what was found.
    #[error("{0}")]
    Input(String),
    /// Reading or writing failed (exit status 1).
    #[error("{path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    /// The engine failed (out of memory, a bug): exit status 1.
    #[error("query engine: {0}")]
    Engine(String),
}

impl RecordsError {
    pub(crate) fn io(path: &Path, source: std::io::Error) -> RecordsError {
        RecordsError::Io {
            path: path.display().to_string(),
            source,
        }
    }

    /// Whether the user's input is at fault (exit status 2) rather than the machine.
    pub fn is_input_error(&self) -> bool {
        matches!(self, RecordsError::Input(_))
    }
}

impl From<datafusion::arrow::error::ArrowError> for RecordsError {
    fn from(e: datafusion::arrow::error::ArrowError) -> Self {
        RecordsError::Engine(e.to_string())
    }
}

impl From<datafusion::parquet::errors::ParquetError> for RecordsError {
    fn from(e: datafusion::parquet::errors::ParquetError) -> Self {
        RecordsError::Engine(e.to_string())
    }
}

impl From<datafusion::error::DataFusionError> for RecordsError {
    fn from(e: datafusion::error::DataFusionError) -> Self {
        let text = e.to_string();
        if text.contains("Resources exhausted") {
            let first = text.lines().next().unwrap_or_default();
            return RecordsError::Engine(format!(
                "the query needs more memory than the limit allows (raise --memory-mib; operators that can spill to disk already do): {first}"
            ));
        }
        RecordsError::Engine(text)
    }
}

/// Whether record files say they are SYNTHETIC: the directory's name, a CSV file's leading
/// `#` comments, or a Parquet file's `gihi.synthetic` metadata.
pub fn says_synthetic(dir: &Path) -> bool {
    if dir.to_string_lossy().to_lowercase().contains("synthetic") {
        return true;
    }
    layout::ALL_LAYOUTS.iter().any(|l| {
        let csv = dir.join(format!("{}.csv", l.name));
        let parquet = dir.join(format!("{}.parquet", l.name));
        leading_comments_say_synthetic(&csv) || parquet_says_synthetic(&parquet)
    })
}

fn leading_comments_say_synthetic(path: &Path) -> bool {
    use std::io::BufRead;
    let Ok(f) = std::fs::File::open(path) else {
        return false;
    };
    std::io::BufReader::new(f)
        .lines()
        .map_while(Result::ok)
        .take_while(|l| l.starts_with('#'))
        .any(|l| l.to_lowercase().contains("synthetic"))
}

fn parquet_says_synthetic(path: &Path) -> bool {
    use datafusion::parquet::file::reader::{FileReader, SerializedFileReader};
    let Ok(f) = std::fs::File::open(path) else {
        return false;
    };
    let Ok(r) = SerializedFileReader::new(f) else {
        return false;
    };
    r.metadata()
        .file_metadata()
        .key_value_metadata()
        .is_some_and(|kv| kv.iter().any(|k| k.key == "gihi.synthetic"))
}

/// A value quoted in a message, cut to 60 characters.
pub(crate) fn clip(s: &str) -> String {
    if s.chars().count() > 60 {
        format!("{}…", s.chars().take(60).collect::<String>())
    } else {
        s.to_string()
    }
}

/// A run's clock: seconds per stage, for the summaries' `stage_seconds`.
pub(crate) struct Lap(std::time::Instant);

impl Lap {
    pub(crate) fn start() -> Lap {
        Lap(std::time::Instant::now())
    }

    /// Records the seconds since the last stage as `stage`'s.
    pub(crate) fn done(&mut self, stages: &mut Vec<(String, f64)>, stage: &str) {
        stages.push((stage.to_string(), self.0.elapsed().as_secs_f64()));
        self.0 = std::time::Instant::now();
    }
}
