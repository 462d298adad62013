//! Robustness commands: statistical audit, uncertainty, sensitivity, what-if, target, bench.
//! This module loads the table and shares the output handling; each command family has its
//! own file.

mod montecarlo;
mod stats;
mod whatif;

pub use montecarlo::{run_bench, run_sensitivity, run_uncertainty};
pub use stats::run_stats;
pub use whatif::{run_target, run_whatif};

use super::{load_framework, require_synthetic_label, run_time};
use crate::error::CliError;
use crate::output::OutputDir;
use gihi_data::IndicatorTable;
use gihi_framework::Framework;
use gihi_registry::Group;
use gihi_robustness::Vary;
use gihi_scores::GroupTable;
use indicatif::{ProgressBar, ProgressStyle};
use serde_json::json;
use std::io::IsTerminal;
use std::path::Path;

/// A loaded indicator table split into evaluation groups.
pub struct Loaded {
    pub framework: Framework,
    pub framework_sha: String,
    pub table: IndicatorTable,
    pub groups: Vec<(Group, GroupTable)>,
}

impl Loaded {
    /// ` — SYNTHETIC DATA` for headings of text made from a synthetic table, else nothing.
    fn synthetic_banner(&self) -> &'static str {
        if self.table.synthetic {
            " — SYNTHETIC DATA"
        } else {
            ""
        }
    }
}

/// Reads the table and splits it by registry group (registry order).
pub fn load(data: &Path, framework: Option<&Path>) -> Result<Loaded, CliError> {
    let fw = load_framework(framework)?;
    let registry = crate::commands::edition::registry()?;
    let table = gihi_data::read_indicator_table(data, &fw.framework, registry)?;
    // A group needs two cities to be scored.
    let groups = gihi_service::group_tables(&table, registry)
        .into_iter()
        .filter(|(_, t)| t.cities.len() >= 2)
        .collect();
    Ok(Loaded {
        framework: fw.framework,
        framework_sha: fw.sha256,
        table,
        groups,
    })
}

/// Parses `--vary` (comma-separated; `all` = every methodological choice).
pub fn parse_vary(s: &str) -> Result<Vary, CliError> {
    let mut v = Vary::NONE;
    for part in s.split(',').map(str::trim) {
        match part {
            "all" => v = Vary { data: v.data, ..Vary::ALL },
            "weights" => v.weights = true,
            "normalisation" | "normalization" => v.normalisation = true,
            "aggregation" => v.aggregation = true,
            "outliers" => v.outliers = true,
            "imputation" => v.imputation = true,
            "data" => v.data = true,
            other => {
                return Err(CliError::Input(format!(
                    "--vary: unknown choice `{other}`: expected all, weights, normalisation, aggregation, outliers, imputation or data"
                )))
            }
        }
    }
    Ok(v)
}

fn progress_bar(total: u64, what: &str) -> Option<ProgressBar> {
    if !std::io::stderr().is_terminal() {
        return None;
    }
    let pb = ProgressBar::new(total);
    pb.set_style(
        ProgressStyle::with_template("{msg} [{bar:40}] {pos}/{len} ({eta})")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    pb.set_message(what.to_string());
    Some(pb)
}

fn check_synthetic_out(l: &Loaded, out: &Path) -> Result<(), CliError> {
    require_synthetic_label(
        l.table.synthetic,
        &format!("{}: the input is", l.table.origin),
        "the output path",
        out,
    )
}

/// Checks the output path before the work starts (refusals come first, not after minutes).
fn start(
    l: &Loaded,
    data: &Path,
    framework: Option<&Path>,
    out: &Path,
    command: &str,
) -> Result<OutputDir, CliError> {
    check_synthetic_out(l, out)?;
    let mut inputs = vec![data];
    inputs.extend(framework);
    Ok(OutputDir::create(out, command, &inputs)?)
}

/// Adds the manifest, moves the output directory into place and says what was written.
fn finish(
    dir: OutputDir,
    l: &Loaded,
    options: serde_json::Value,
    files: &str,
) -> Result<(), CliError> {
    let manifest = json!({
        "tool": "gihi", "version": env!("CARGO_PKG_VERSION"), "created": run_time()?,
        "synthetic": l.table.synthetic,
        "framework": {"id": l.framework.id, "sha256": l.framework_sha},
        "inputs": [{"role": "data", "path": l.table.origin, "sha256": l.table.sha256}],
        "options": options,
    });
    let written = dir.commit(manifest)?;
    eprintln!(
        "wrote {}: {files}{}",
        written.display(),
        super::synthetic_note(l.table.synthetic)
    );
    Ok(())
}
