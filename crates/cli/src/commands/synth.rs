//! `gihi synth`: a SYNTHETIC indicator table, for demos and tests only.

use super::load_framework;
use crate::error::CliError;
use crate::output::write_stamped_files;
use gihi_data::{synthetic_banner, synthetic_table, write_csv};
use std::path::Path;

pub fn run(seed: u64, out: &Path, framework: Option<&Path>) -> Result<(), CliError> {
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    if !name.contains("synthetic") {
        return Err(CliError::Input(format!(
            "{}: a synthetic table's file name must contain \"synthetic\" (e.g. gihi-synthetic-seed{seed}.csv), so it is never mistaken for real data",
            out.display()
        )));
    }
    if !name.ends_with(".csv") {
        return Err(CliError::Input(format!(
            "{}: expected a .csv file name",
            out.display()
        )));
    }
    let loaded = load_framework(framework)?;
    let table = synthetic_table(&loaded.framework, super::edition::registry()?, seed);
    let mut bytes = Vec::new();
    write_csv(&table, Some(&synthetic_banner(seed)), &mut bytes)
        .map_err(|e| CliError::Failure(format!("{}: {e}", out.display())))?;
    let mut inputs = Vec::new();
    inputs.extend(framework);
    write_stamped_files("synth", out, &bytes, &[], &inputs)?;
    eprintln!(
        "wrote {} (SYNTHETIC: {} cities x {} indicators, seed {seed})",
        out.display(),
        table.rows.len(),
        table.indicators.len()
    );
    Ok(())
}
