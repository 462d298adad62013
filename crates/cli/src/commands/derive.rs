//! `gihi derive` and `gihi sources template`: from source tables to the indicator table.

use super::require_synthetic_label;
use crate::error::CliError;
use crate::output::{write_file_atomically, OutputDir};
use gihi_derive::sources::{template, SOURCES};
use gihi_derive::{derive, DeriveError};
use gihi_framework::Framework;
use gihi_registry::Registry;
use std::path::{Path, PathBuf};

impl From<DeriveError> for CliError {
    fn from(e: DeriveError) -> Self {
        CliError::Input(e.to_string())
    }
}

/// Whether any source file says it is synthetic (first comment lines).
fn sources_synthetic(dir: &Path) -> bool {
    SOURCES.iter().any(|s| {
        std::fs::read_to_string(dir.join(s.file))
            .map(|t| {
                t.lines()
                    .take_while(|l| l.starts_with('#'))
                    .any(|l| l.to_lowercase().contains("synthetic"))
            })
            .unwrap_or(false)
    })
}

/// The provenance file written beside an indicator table.
pub fn provenance_path(table: &Path) -> PathBuf {
    let stem = table
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "indicators".into());
    table.with_file_name(format!("{stem}.provenance.csv"))
}

pub fn run(sources: &Path, out: &Path, explain: Option<&[String]>) -> Result<(), CliError> {
    let framework = Framework::gihi_2024();
    let registry = Registry::gihi_2024();
    let d = derive(sources, &framework, &registry)?;
    if let Some([city, indicator]) = explain {
        let c = registry
            .resolve(city)
            .ok_or_else(|| CliError::Input(format!("--explain: unknown city `{city}`")))?;
        let cell = d
            .cells
            .get(&(c.id.clone(), indicator.to_uppercase()))
            .ok_or_else(|| {
                CliError::Input(format!("--explain: unknown indicator `{indicator}`"))
            })?;
        let mut text = format!(
            "{} {}: {}\n  method: {}\n  flags: {}\n  year: {}\n  contributing rows ({}):\n",
            c.id,
            indicator.to_uppercase(),
            cell.value.map_or("missing".to_string(), |v| v.to_string()),
            cell.method,
            if cell.flags.is_empty() {
                "none".into()
            } else {
                cell.flags
                    .iter()
                    .map(|f| f.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            },
            cell.year.map_or("-".into(), |y| y.to_string()),
            cell.rows.len()
        );
        for r in &cell.rows {
            text.push_str(&format!(
                "    {}:{}  {}  ({})\n",
                r.file, r.line, r.note, r.amount
            ));
        }
        return super::print(&text);
    }
    let synthetic = sources_synthetic(sources);
    require_synthetic_label(
        synthetic,
        &format!("{}: the sources are", sources.display()),
        "the indicator table's file name (e.g. indicators-synthetic.csv)",
        Path::new(out.file_name().unwrap_or_default()),
    )?;
    let banner = synthetic.then_some("# SYNTHETIC DATA derived by `gihi derive` from synthetic example sources: invented values, NOT real GIHI data.");
    write_file_atomically(&provenance_path(out), d.provenance_csv().as_bytes())?;
    let log = out.with_file_name(format!(
        "{}.unicorn-merges.txt",
        out.file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default()
    ));
    write_file_atomically(&log, (d.merge_log.join("\n") + "\n").as_bytes())?;
    write_file_atomically(out, d.indicator_csv(banner).as_bytes())?;
    let flagged = d.cells.values().filter(|c| !c.flags.is_empty()).count();
    let missing = d.cells.values().filter(|c| c.value.is_none()).count();
    eprintln!(
        "wrote {}{} ({} cities x {} indicators; {flagged} flagged cells, {missing} missing), {} and {} ({} unicorn merges)",
        out.display(),
        super::synthetic_note(synthetic),
        d.cities.len(),
        d.indicators.len(),
        provenance_path(out).display(),
        log.display(),
        d.merge_log.len()
    );
    Ok(())
}

pub fn run_template(dir: &Path) -> Result<(), CliError> {
    let out = OutputDir::create(dir)?;
    let mut index = String::from("# Source files of gihi derive\n\nEach file is CSV (UTF-8); lines starting with `#` are comments.\n\n| file | feeds | layout |\n|---|---|---|\n");
    for s in SOURCES {
        out.write(s.file, template(s).as_bytes())?;
        index.push_str(&format!(
            "| {} | {} | {} |\n",
            s.file,
            s.feeds.join(", "),
            s.layout
        ));
    }
    out.write("README.md", index.as_bytes())?;
    out.write(
        crate::output::MANIFEST,
        format!(
            "{{\"tool\": \"gihi\", \"command\": \"sources template\", \"files\": {}}}\n",
            SOURCES.len()
        )
        .as_bytes(),
    )?;
    let written = out.commit()?;
    eprintln!("wrote {} templates to {}", SOURCES.len(), written.display());
    Ok(())
}
