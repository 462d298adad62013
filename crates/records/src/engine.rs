//! The DataFusion session a pipeline runs in: bounded memory (a pool that spills to disk),
//! a chosen number of threads, gihi's UDFs, and the record files registered as tables after
//! their columns are checked against the layouts.

use crate::layout::{Kind, Layout};
use crate::udf::udfs;
use crate::RecordsError;
use datafusion::arrow::datatypes::{DataType, Field, Schema};
use datafusion::arrow::record_batch::RecordBatch;
use datafusion::execution::runtime_env::RuntimeEnvBuilder;
use datafusion::prelude::{CsvReadOptions, ParquetReadOptions, SessionConfig, SessionContext};
use gihi_ipc::Fields;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// How scratch tables are written: uncompressed, without dictionaries or statistics. They
/// are read once or twice and deleted, and encoding them cost over a second of a
/// 2-million-patent run (BENCHMARKS.md).
const SCRATCH_PARQUET: &str = "'format.compression' 'uncompressed', \
     'format.dictionary_enabled' 'false', 'format.statistics_enabled' 'none'";

/// How the engine runs.
#[derive(Debug, Clone)]
pub struct EngineOptions {
    /// Worker threads and partitions (at least 1).
    pub threads: usize,
    /// Memory the queries may hold before spilling to disk, in bytes.
    pub memory_limit: usize,
    /// A Ballista scheduler (`df://HOST:PORT`) to run the plans on, instead of this process.
    /// Record files and the scratch directory (under `TMPDIR`) must then be at paths every
    /// executor reads.
    pub cluster: Option<String>,
    /// On a cluster, the longest one query may go without an answer before the run fails
    /// (None: no limit). Ballista 55 can leave a job running for ever after an executor's
    /// loss (seen about once in five runs that killed one of two executors 1.5 s in).
    pub cluster_timeout: Option<std::time::Duration>,
}

impl Default for EngineOptions {
    fn default() -> Self {
        EngineOptions {
            threads: std::thread::available_parallelism().map_or(2, |n| n.get()),
            memory_limit: 2 << 30,
            cluster: None,
            cluster_timeout: None,
        }
    }
}

/// A registered record file.
#[derive(Debug, Clone)]
pub struct Registered {
    pub layout: Layout,
    pub path: PathBuf,
    /// The file's type of each layout column, in layout order.
    pub types: Vec<DataType>,
}

impl Registered {
    /// The file's type of layout column `name`.
    pub fn type_of(&self, name: &str) -> &DataType {
        let i = self
            .layout
            .columns
            .iter()
            .position(|c| c.name == name)
            .expect("a layout column");
        &self.types[i]
    }
}

/// A DataFusion session with gihi's UDFs, and a runtime to drive it.
pub struct Engine {
    pub ctx: SessionContext,
    /// One partition, so that a scan returns rows in file order (to locate bad rows).
    pub(crate) ordered: SessionContext,
    runtime: tokio::runtime::Runtime,
    pub fields: Arc<Fields>,
    /// Intermediate results written as Parquet (bounded memory; removed when dropped).
    scratch: tempfile::TempDir,
    /// Whether the plans run in this process (not on a cluster).
    pub(crate) local: bool,
    /// The cluster query limit of [`EngineOptions::cluster_timeout`] (None locally).
    limit: Option<std::time::Duration>,
    /// The memory pool's size: in-memory kernels (the patent walk) stay within it too.
    pub(crate) memory_limit: usize,
}

impl Engine {
    /// A session classifying against `fields` (`table_key` identifies the table).
    pub fn new(
        o: &EngineOptions,
        fields: Arc<Fields>,
        table_key: u64,
    ) -> Result<Engine, RecordsError> {
        let threads = o.threads.max(1);
        no_huge_pages();
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(threads)
            .enable_all()
            .build()
            .map_err(|e| RecordsError::Engine(format!("cannot start the runtime: {e}")))?;
        let make = |partitions: usize| -> Result<SessionContext, RecordsError> {
            let env = RuntimeEnvBuilder::new()
                .with_memory_limit(o.memory_limit, 1.0)
                .build_arc()?;
            let config = SessionConfig::new()
                .with_target_partitions(partitions)
                .with_information_schema(false);
            let ctx = SessionContext::new_with_config_rt(config, env);
            // Local files: Parquet byte ranges from a mapping, not copied (`mapped.rs`).
            ctx.register_object_store(
                datafusion::execution::object_store::ObjectStoreUrl::local_filesystem().as_ref(),
                Arc::new(crate::mapped::MappedFiles::default()),
            );
            for f in udfs(fields.clone(), table_key) {
                ctx.register_udf(f);
            }
            for f in crate::udaf::udafs() {
                ctx.register_udaf(f);
            }
            Ok(ctx)
        };
        let scratch = tempfile::Builder::new()
            .prefix("gihi-records-")
            .tempdir()
            .map_err(|e| RecordsError::Engine(format!("cannot create a scratch directory: {e}")))?;
        let ctx = match &o.cluster {
            None => make(threads)?,
            Some(address) => remote(address, threads, o.memory_limit, &runtime)?,
        };
        Ok(Engine {
            ctx,
            ordered: make(1)?,
            runtime,
            fields,
            scratch,
            local: o.cluster.is_none(),
            limit: o.cluster.as_ref().and(o.cluster_timeout),
            memory_limit: o.memory_limit,
        })
    }

    /// Drives one query to completion, within the cluster query limit if there is one: past
    /// it the run fails (a machine failure, exit 1) rather than wait for ever.
    pub(crate) fn run<T>(
        &self,
        query: impl std::future::Future<Output = Result<T, RecordsError>>,
    ) -> Result<T, RecordsError> {
        match self.limit {
            None => self.runtime.block_on(query),
            Some(limit) => self.runtime.block_on(async {
                tokio::time::timeout(limit, query)
                    .await
                    .unwrap_or_else(|_| {
                        Err(RecordsError::Engine(format!(
                        "a query on the cluster had no answer within {} s (--cluster-timeout): \
                         is every executor still running? (a job that lost an executor can stay \
                         running for ever on the scheduler; run again, or raise the limit for \
                         queries that are simply long)",
                        limit.as_secs()
                    )))
                    })
            }),
        }
    }

    /// Runs a query to completion.
    pub fn sql(&self, q: &str) -> Result<Vec<RecordBatch>, RecordsError> {
        self.run(async {
            let df = self.ctx.sql(q).await?;
            Ok(df.collect().await?)
        })
    }

    /// Runs a statement (CREATE VIEW ...) on both sessions.
    pub fn execute(&self, q: &str) -> Result<(), RecordsError> {
        self.run(async {
            self.ctx.sql(q).await?.collect().await?;
            self.ordered.sql(q).await?.collect().await?;
            Ok(())
        })
    }

    /// Defines a view (or runs a statement) on the main session only: the statements after
    /// validation, which the row-locating session never needs.
    pub fn define(&self, q: &str) -> Result<(), RecordsError> {
        self.run(async {
            self.ctx.sql(q).await?.collect().await?;
            Ok(())
        })
    }

    /// Computes `query` once into a Parquet file of the scratch directory and registers it
    /// as table `name` (later queries read it instead of recomputing; memory stays bounded).
    pub fn materialize(&self, name: &str, query: &str) -> Result<(), RecordsError> {
        let path = self.scratch.path().join(format!("{name}.parquet"));
        let p = path.display().to_string();
        self.run(async {
            self.ctx
                .sql(&format!(
                    "COPY ({query}) TO '{p}' STORED AS PARQUET OPTIONS ({SCRATCH_PARQUET})"
                ))
                .await?
                .collect()
                .await?;
            self.ctx
                .register_parquet(name, &p, ParquetReadOptions::default())
                .await?;
            Ok(())
        })
    }

    /// The 1-based row of the first record of `table` for which the boolean expression
    /// `condition` holds, with the text of `value` there (rows in file order).
    pub fn locate(
        &self,
        table: &str,
        condition: &str,
        value: &str,
    ) -> Result<Option<(usize, String)>, RecordsError> {
        use datafusion::arrow::array::{Array, AsArray};
        use futures::StreamExt;
        self.run(async {
            let q = format!(
                "SELECT COALESCE({condition}, false) AS hit, CAST({value} AS VARCHAR) AS v FROM {table}"
            );
            let mut stream = self.ordered.sql(&q).await?.execute_stream().await?;
            let mut row = 0usize;
            while let Some(batch) = stream.next().await {
                let batch = batch?;
                let hit = batch.column(0).as_boolean();
                let v = datafusion::arrow::compute::cast(batch.column(1), &DataType::Utf8)?;
                let v = v.as_string::<i32>();
                for i in 0..batch.num_rows() {
                    if hit.value(i) {
                        let text = if v.is_null(i) { String::new() } else { v.value(i).to_string() };
                        return Ok(Some((row + i + 1, text)));
                    }
                }
                row += batch.num_rows();
            }
            Ok(None)
        })
    }

    /// Whether `column` of `table` is non-null and strictly increasing in file order: then
    /// it has no duplicates, which one sequential pass proves (record exports usually come
    /// sorted by their key) instead of hashing every value.
    pub fn strictly_increasing(&self, table: &str, column: &str) -> Result<bool, RecordsError> {
        use datafusion::arrow::array::{Array, AsArray};
        use futures::StreamExt;
        self.run(async {
            let q = format!("SELECT {column} AS v FROM {table}");
            let mut stream = self.ordered.sql(&q).await?.execute_stream().await?;
            let mut last: Option<String> = None;
            while let Some(batch) = stream.next().await {
                let batch = batch?;
                let v = datafusion::arrow::compute::cast(batch.column(0), &DataType::Utf8View)?;
                let v = v.as_string_view();
                if v.null_count() > 0 {
                    return Ok(false);
                }
                let mut prev = last.as_deref();
                for x in v.iter().flatten() {
                    if prev.is_some_and(|p| p >= x) {
                        return Ok(false);
                    }
                    prev = Some(x);
                }
                last = prev.map(str::to_string);
            }
            Ok(true)
        })
    }

    /// The first `key` of `view` that appears in two rows with different `columns`, as the
    /// input error a user reads (file, the row of its first appearance, what must hold).
    pub fn conflicting_duplicate(
        &self,
        view: &str,
        key: &str,
        columns: &str,
        file: &Path,
        what: &str,
    ) -> Result<Option<RecordsError>, RecordsError> {
        let conflict = self.sql(&format!(
            "SELECT {key} FROM (SELECT DISTINCT {columns} FROM {view}) GROUP BY {key} HAVING count(*) > 1 ORDER BY {key} LIMIT 1"
        ))?;
        let Some(Some(id)) = column_text(&conflict, 0).into_iter().next() else {
            return Ok(None);
        };
        let first = self.locate(view, &format!("{key} = '{}'", id.replace('\'', "''")), key)?;
        Ok(Some(RecordsError::Input(format!(
            "{}: {key} `{}` appears more than once with different data (first at row {}); {what} must be one row",
            file.display(),
            crate::clip(&id),
            first.map_or(0, |f| f.0)
        ))))
    }

    /// A path in the scratch directory (removed with the engine).
    pub(crate) fn scratch_file(&self, name: &str) -> PathBuf {
        self.scratch.path().join(name)
    }

    /// Registers a small table built in Rust (a mapping) on both sessions. It is written to
    /// the scratch directory as Parquet, so that every table of a plan is a file (as a
    /// distributed executor needs) and nothing is held twice in memory.
    pub fn register_batch(&self, name: &str, batch: RecordBatch) -> Result<(), RecordsError> {
        use datafusion::parquet::arrow::ArrowWriter;
        let path = self.scratch.path().join(format!("{name}.parquet"));
        let file = std::fs::File::create(&path).map_err(|e| RecordsError::io(&path, e))?;
        let mut w = ArrowWriter::try_new(file, batch.schema(), None)
            .map_err(|e| RecordsError::Engine(e.to_string()))?;
        w.write(&batch)
            .map_err(|e| RecordsError::Engine(e.to_string()))?;
        w.close().map_err(|e| RecordsError::Engine(e.to_string()))?;
        let p = path.display().to_string();
        self.run(async {
            for ctx in [&self.ctx, &self.ordered] {
                ctx.register_parquet(name, &p, ParquetReadOptions::default())
                    .await?;
            }
            Ok(())
        })
    }

    /// Registers `<dir>/<name>.parquet` or `<dir>/<name>.csv` as table `name`, after
    /// checking that it has the layout's columns with usable types.
    pub fn register(&self, dir: &Path, layout: Layout) -> Result<Registered, RecordsError> {
        let parquet = dir.join(format!("{}.parquet", layout.name));
        let csv = dir.join(format!("{}.csv", layout.name));
        let (path, is_csv) = match (parquet.is_file(), csv.is_file()) {
            (true, true) => {
                return Err(RecordsError::Input(format!(
                    "{}: both {}.parquet and {}.csv are present; keep one",
                    dir.display(),
                    layout.name,
                    layout.name
                )))
            }
            (true, false) => (parquet, false),
            (false, true) => (csv, true),
            (false, false) => {
                return Err(RecordsError::Input(format!(
                    "{}: missing {}.parquet or {}.csv ({}); `gihi records template DIR` writes its layout",
                    dir.display(),
                    layout.name,
                    layout.name,
                    layout.doc
                )))
            }
        };
        let display = path.display().to_string();
        let schema = if is_csv {
            let header = csv_header(&path)?;
            let schema = Schema::new(
                header
                    .iter()
                    .map(|h| Field::new(h, DataType::Utf8, true))
                    .collect::<Vec<_>>(),
            );
            self.run(async {
                for ctx in [&self.ctx, &self.ordered] {
                    let opts = CsvReadOptions::new()
                        .has_header(true)
                        .comment(b'#')
                        .schema(&schema)
                        .file_extension(".csv");
                    ctx.register_csv(layout.name, &display, opts).await?;
                }
                Ok::<_, RecordsError>(())
            })?;
            schema
        } else {
            self.run(async {
                for ctx in [&self.ctx, &self.ordered] {
                    ctx.register_parquet(layout.name, &display, ParquetReadOptions::default())
                        .await
                        .map_err(|e| {
                            RecordsError::Input(format!(
                                "{display}: not a readable Parquet file: {e}"
                            ))
                        })?;
                }
                Ok::<_, RecordsError>(())
            })?;
            let t = self
                .runtime
                .block_on(self.ctx.table_provider(layout.name))?;
            t.schema().as_ref().clone()
        };
        let mut types = Vec::new();
        for c in layout.columns {
            let Ok(f) = schema.field_with_name(c.name) else {
                let have: Vec<&str> = schema.fields().iter().map(|f| f.name().as_str()).collect();
                return Err(RecordsError::Input(format!(
                    "{display}: missing column `{}`; expected the columns {} (found {})",
                    c.name,
                    layout
                        .columns
                        .iter()
                        .map(|c| c.name)
                        .collect::<Vec<_>>()
                        .join(", "),
                    have.join(", ")
                )));
            };
            let t = f.data_type().clone();
            let text = matches!(t, DataType::Utf8 | DataType::Utf8View | DataType::LargeUtf8);
            let ok = match c.kind {
                Kind::Text | Kind::Choice(_) => text,
                Kind::Bool => text || t == DataType::Boolean,
                Kind::Date => text || t == DataType::Date32,
                Kind::Int => text || t.is_integer(),
            };
            if !ok {
                return Err(RecordsError::Input(format!(
                    "{display}: column `{}` has type {t}; expected {}",
                    c.name,
                    match c.kind {
                        Kind::Text | Kind::Choice(_) => "text",
                        Kind::Bool => "boolean (or text true/false)",
                        Kind::Date => "date32 (or text YYYY-MM-DD)",
                        Kind::Int => "an integer type (or text digits)",
                    }
                )));
            }
            types.push(t);
        }
        Ok(Registered {
            layout,
            path,
            types,
        })
    }
}

/// The client session of a cluster run (the plans run on the cluster's executors).
#[cfg(feature = "cluster")]
fn remote(
    address: &str,
    partitions: usize,
    memory_limit: usize,
    runtime: &tokio::runtime::Runtime,
) -> Result<SessionContext, RecordsError> {
    let (host, port) = crate::cluster::parse_address(address)?;
    crate::cluster::check_reachable(&host, port)?;
    let env = RuntimeEnvBuilder::new()
        .with_memory_limit(memory_limit, 1.0)
        .build_arc()?;
    runtime.block_on(crate::cluster::remote_context(&host, port, partitions, env))
}

/// Without the `cluster` feature, `--cluster` is refused.
#[cfg(not(feature = "cluster"))]
fn remote(
    _address: &str,
    _partitions: usize,
    _memory_limit: usize,
    _runtime: &tokio::runtime::Runtime,
) -> Result<SessionContext, RecordsError> {
    Err(RecordsError::Input(
        "--cluster: this gihi was built without the `cluster` feature; build it with `cargo install --locked --path crates/cli --features cluster`".into(),
    ))
}

/// The header of a CSV file (first line that is not a `#` comment).
fn csv_header(path: &Path) -> Result<Vec<String>, RecordsError> {
    use std::io::BufRead;
    let f = std::fs::File::open(path).map_err(|e| RecordsError::io(path, e))?;
    for line in std::io::BufReader::new(f).lines() {
        let line = line.map_err(|e| RecordsError::io(path, e))?;
        if line.starts_with('#') {
            continue;
        }
        let mut r = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(line.as_bytes());
        return match r.records().next() {
            Some(Ok(rec)) => Ok(rec.iter().map(|h| h.trim().to_string()).collect()),
            _ => Err(RecordsError::Input(format!(
                "{}: expected a header line with column names",
                path.display()
            ))),
        };
    }
    Err(RecordsError::Input(format!(
        "{}: empty file; expected a header line with column names",
        path.display()
    )))
}

/// An integer column of query results (nulls as 0), across batches.
pub fn column_i64(b: &[RecordBatch], col: usize) -> Vec<i64> {
    use datafusion::arrow::array::AsArray;
    use datafusion::arrow::datatypes::Int64Type;
    b.iter()
        .flat_map(|b| {
            let a = datafusion::arrow::compute::cast(b.column(col), &DataType::Int64)
                .expect("the query selects an integer column");
            a.as_primitive::<Int64Type>()
                .iter()
                .map(|v| v.unwrap_or(0))
                .collect::<Vec<_>>()
        })
        .collect()
}

/// A text column of query results, across batches.
pub fn column_text(b: &[RecordBatch], col: usize) -> Vec<Option<String>> {
    use datafusion::arrow::array::{Array, AsArray};
    b.iter()
        .flat_map(|b| {
            let a = datafusion::arrow::compute::cast(b.column(col), &DataType::Utf8)
                .expect("the query selects a text column");
            let s = a.as_string::<i32>();
            (0..s.len())
                .map(|i| (!s.is_null(i)).then(|| s.value(i).to_string()))
                .collect::<Vec<_>>()
        })
        .collect()
}

/// Turns transparent huge pages off for this process (Linux; elsewhere nothing). The
/// pipelines read every Parquet column chunk into a fresh buffer, hundreds of megabytes per
/// run; mimalloc asks for huge pages on its arenas (`MADV_HUGEPAGE`), and where the kernel
/// compacts memory on such a fault (`defrag` = `madvise`, Debian's default) a first touch can
/// stall for long after other programs have fragmented memory: the patent benchmark's gihi
/// runs took 1.65 s after DuckDB's and pandas' runs with huge pages, 1.33 s without
/// (BENCHMARKS.md). The setting lasts for the process; it changes speed, never results.
fn no_huge_pages() {
    #[cfg(target_os = "linux")]
    // SAFETY: PR_SET_THP_DISABLE takes integer arguments only and touches no memory of ours;
    // a kernel without it returns an error, which changes nothing.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
}
