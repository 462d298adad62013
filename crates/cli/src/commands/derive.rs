//! `gihi derive` and `gihi sources template`: from source tables to the indicator table.

use super::require_synthetic_label;
use crate::error::CliError;
use crate::output::{write_new_files, write_stamped_files};
use gihi_derive::sources::{template, SOURCES};
use gihi_derive::{derive, DeriveError};
use std::path::{Path, PathBuf};

impl From<DeriveError> for CliError {
    fn from(e: DeriveError) -> Self {
        CliError::Input(e.to_string())
    }
}

/// Whether any source file says it is synthetic (first comment lines).
fn sources_synthetic(dir: &Path) -> bool {
    SOURCES.iter().any(|s| {
        gihi_input::leading_comments(&dir.join(s.file))
            .map(|lines| lines.iter().any(|l| l.to_lowercase().contains("synthetic")))
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

/// A file written beside an indicator table: `<stem>.<suffix>`.
fn companion_path(table: &Path, suffix: &str) -> PathBuf {
    let stem = table
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    table.with_file_name(format!("{stem}.{suffix}"))
}

/// The merge log (I11 list union, I12 unicorns) written beside an indicator table.
fn merge_log_path(table: &Path) -> PathBuf {
    companion_path(table, "merges.txt")
}

pub fn run(sources: &Path, out: &Path, explain: Option<&[String]>) -> Result<(), CliError> {
    let setup = super::edition::setup()?;
    let registry = &setup.registry;
    // Derivation reads every source file whole; on a terminal a spinner shows it is working.
    let spinner = std::io::IsTerminal::is_terminal(&std::io::stderr()).then(|| {
        let pb = indicatif::ProgressBar::new_spinner();
        pb.set_message(format!(
            "deriving the indicators from {}",
            sources.display()
        ));
        pb.enable_steady_tick(std::time::Duration::from_millis(120));
        pb
    });
    let derived = derive(sources, setup);
    if let Some(pb) = spinner {
        pb.finish_and_clear();
    }
    let d = derived?;
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
    let log = merge_log_path(out);
    let summary_path = companion_path(out, "summary.json");
    let summary = super::json_text(&serde_json::json!({
        "synthetic": synthetic,
        "sources": d.summary.sources,
        "missing_by_indicator": d.summary.missing_by_indicator,
    }));
    let mut inputs: Vec<PathBuf> = SOURCES.iter().map(|s| sources.join(s.file)).collect();
    inputs.push(sources.join(gihi_derive::places::USER_ALIASES_FILE));
    let inputs: Vec<&Path> = inputs.iter().map(PathBuf::as_path).collect();
    write_stamped_files(
        "derive",
        out,
        d.indicator_csv(banner).as_bytes(),
        &[
            (provenance_path(out), d.provenance_csv().into_bytes()),
            (log.clone(), (d.merge_log.join("\n") + "\n").into_bytes()),
            (summary_path.clone(), summary.into_bytes()),
        ],
        &inputs,
    )?;
    let flagged = d.cells.values().filter(|c| !c.flags.is_empty()).count();
    let missing = d.cells.values().filter(|c| c.value.is_none()).count();
    eprintln!(
        "wrote {}{} ({} cities x {} indicators; {flagged} flagged cells, {missing} missing), {}, {} ({} merges) and {}",
        out.display(),
        super::synthetic_note(synthetic),
        d.cities.len(),
        d.indicators.len(),
        provenance_path(out).display(),
        log.display(),
        d.merge_log.len(),
        summary_path.display()
    );
    for s in d.summary.sources.iter().filter(|s| s.outside_registry > 0) {
        eprintln!(
            "  {}: {} of {} rows outside the 120 metros, skipped (most: {})",
            s.file,
            s.outside_registry,
            s.rows,
            s.top_outside
                .iter()
                .take(5)
                .map(|(p, n)| format!("{p} {n}"))
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    let gaps: Vec<String> = d
        .summary
        .missing_by_indicator
        .iter()
        .filter(|(_, n)| **n > 0)
        .map(|(i, n)| format!("{i} {n}"))
        .collect();
    if !gaps.is_empty() {
        eprintln!("  metros without a value: {}", gaps.join(", "));
    }
    Ok(())
}

/// Writes the templates; a file that exists is never overwritten (it is reported as kept).
pub fn run_template(dir: &Path) -> Result<(), CliError> {
    let mut index = String::from("# Source files of gihi derive\n\nEach file is CSV (UTF-8); lines starting with `#` are comments.\n\n| file | feeds | layout |\n|---|---|---|\n");
    let mut files = Vec::new();
    for s in SOURCES {
        files.push((s.file.to_string(), template(s).into_bytes()));
        index.push_str(&format!(
            "| {} | {} | {} |\n",
            s.file,
            s.feeds.join(", "),
            s.layout
        ));
    }
    files.push(("README.md".to_string(), index.into_bytes()));
    write_templates(dir, &files)
}

/// Writes template files into `dir` (never over an existing file) and says what it did.
pub fn write_templates(dir: &Path, files: &[(String, Vec<u8>)]) -> Result<(), CliError> {
    let kept = write_new_files(dir, files)?;
    eprintln!(
        "wrote {} of {} template files to {}",
        files.len() - kept.len(),
        files.len(),
        dir.display()
    );
    if !kept.is_empty() {
        eprintln!(
            "kept {} existing file(s) unchanged (templates never overwrite): {}",
            kept.len(),
            kept.join(", ")
        );
    }
    Ok(())
}
