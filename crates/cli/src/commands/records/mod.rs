//! `gihi records template|synth|patents|papers|all`: record exports to per-city source tables.

mod papers;
mod patents;

pub use papers::{run_all, run_papers, PapersArgs};
pub use patents::{run_patents, PatentsArgs};

use super::require_synthetic_label;
use crate::error::CliError;
use crate::output::OutputDir;
use gihi_records::layout::{templates_readme, ALL_LAYOUTS};
use gihi_records::synth::{write_corpus, Format, SynthOptions};
use gihi_records::{EngineOptions, RecordsError};
use serde_json::json;
use std::path::Path;
use std::time::Instant;

impl From<RecordsError> for CliError {
    fn from(e: RecordsError) -> Self {
        if e.is_input_error() {
            CliError::Input(e.to_string())
        } else {
            CliError::Failure(e.to_string())
        }
    }
}

/// `gihi records template DIR`.
pub fn run_template(dir: &Path) -> Result<(), CliError> {
    let mut files: Vec<(String, Vec<u8>)> = ALL_LAYOUTS
        .iter()
        .map(|l| (format!("{}.csv", l.name), l.template().into_bytes()))
        .collect();
    files.push(("README.md".into(), templates_readme().into_bytes()));
    super::derive::write_templates(dir, &files)
}

/// `gihi records synth`.
pub fn run_synth(options: SynthOptions, out: &Path) -> Result<(), CliError> {
    if options.patents == 0 && options.papers == 0 {
        return Err(CliError::Input(
            "records synth: give --patents N and/or --papers N (at least one above 0)".into(),
        ));
    }
    require_synthetic_label(true, "the corpus is", "--out", out)?;
    let setup = super::edition::setup()?;
    let fields = gihi_ipc::Fields::appendix_7();
    let mut dir = OutputDir::create(out, "records synth", &[])?;
    let started = Instant::now();
    let spinner = spinner(format!(
        "writing a SYNTHETIC corpus of {} patents and {} papers",
        options.patents, options.papers
    ));
    let written = {
        let mut open = |name: &str| {
            dir.file(name)
                .map_err(|e| RecordsError::Engine(e.to_string()))
        };
        write_corpus(&mut open, &setup.registry, &fields, options)
    };
    if let Some(pb) = spinner {
        pb.finish_and_clear();
    }
    let rows = written?;
    dir.commit(json!({
        "synthetic": true,
        "note": "SYNTHETIC patent and paper records: invented, for tests and benchmarks only",
        "seed": options.seed,
        "format": match options.format { Format::Parquet => "parquet", Format::Csv => "csv" },
        "rows": rows.iter().map(|(f, n)| (f.clone(), json!(n))).collect::<serde_json::Map<_, _>>(),
        "invalid_ipc_rows": options.invalid,
    }))?;
    eprintln!(
        "wrote a SYNTHETIC corpus to {}: {} ({:.1} s)",
        out.display(),
        rows.iter()
            .map(|(f, n)| format!("{n} {f} rows"))
            .collect::<Vec<_>>()
            .join(", "),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

fn spinner(message: String) -> Option<indicatif::ProgressBar> {
    std::io::IsTerminal::is_terminal(&std::io::stderr()).then(|| {
        let pb = indicatif::ProgressBar::new_spinner();
        pb.set_message(message);
        pb.enable_steady_tick(std::time::Duration::from_millis(120));
        pb
    })
}

struct CsvText(csv::Writer<Vec<u8>>);

fn csv_text(head: &str, header: &[&str]) -> CsvText {
    let mut w = csv::Writer::from_writer(head.as_bytes().to_vec());
    w.write_record(header).expect("writing to memory");
    CsvText(w)
}

impl CsvText {
    fn row(&mut self, cells: &[&str]) {
        self.0.write_record(cells).expect("writing to memory");
    }
    fn done(self) -> String {
        String::from_utf8(self.0.into_inner().expect("writing to memory")).expect("UTF-8")
    }
}

/// The engine a pipeline runs on.
fn engine_options(
    threads: Option<usize>,
    memory_mib: usize,
    cluster: Option<String>,
    cluster_timeout: u64,
) -> EngineOptions {
    EngineOptions {
        threads: threads.unwrap_or(EngineOptions::default().threads).max(1),
        memory_limit: memory_mib.max(64) << 20,
        cluster,
        cluster_timeout: (cluster_timeout > 0)
            .then(|| std::time::Duration::from_secs(cluster_timeout)),
    }
}

/// The summary's `engine` section: what ran the plans, with how many partitions, memory and
/// seconds.
fn engine_summary(o: &EngineOptions, seconds: f64) -> serde_json::Value {
    match &o.cluster {
        None => {
            json!({"name": "Apache DataFusion", "threads": o.threads, "memory_limit_bytes": o.memory_limit, "seconds": seconds})
        }
        Some(c) => {
            json!({"name": "Apache Ballista", "cluster": c, "partitions": o.threads, "client_memory_limit_bytes": o.memory_limit, "seconds": seconds})
        }
    }
}

/// Checks a records directory and the output path's SYNTHETIC label; returns whether the
/// records say they are synthetic.
fn check_records(records: &Path, out: &Path, files: &str) -> Result<bool, CliError> {
    if !records.is_dir() {
        return Err(CliError::Input(format!(
            "{}: not a directory of record files ({files} as .parquet or .csv)",
            records.display()
        )));
    }
    let synthetic = gihi_records::says_synthetic(records);
    require_synthetic_label(
        synthetic,
        &format!("{}: the records are", records.display()),
        "the output path",
        out,
    )?;
    Ok(synthetic)
}

/// A year option within 1900–2100.
fn check_year(option: &str, year: i32) -> Result<i32, CliError> {
    if !(1900..=2100).contains(&year) {
        return Err(CliError::Input(format!(
            "{option}: expected a year from 1900 to 2100, found {year}"
        )));
    }
    Ok(year)
}

/// Writes a pipeline's files and `summary.json`, commits the directory and prints its line.
fn write_outcome(
    mut dir: OutputDir,
    outcome: patents::Outcome,
    out: &Path,
    synthetic: bool,
) -> Result<(), CliError> {
    for (name, text) in &outcome.files {
        dir.write(name, text.as_bytes())?;
    }
    dir.write(
        "summary.json",
        super::json_text(&outcome.summary).as_bytes(),
    )?;
    dir.commit(json!({"synthetic": synthetic}))?;
    eprintln!(
        "{}; wrote {}{}",
        outcome.message,
        out.display(),
        super::synthetic_note(synthetic)
    );
    Ok(())
}
