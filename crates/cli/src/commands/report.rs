//! `gihi report`: the bilingual report (HTML, Excel, CSV, SVG) of the published edition or of
//! a computed run.

use super::require_synthetic_label;
use crate::error::CliError;
use crate::output::OutputDir;
use gihi_analysis::{from_edition, from_results};
use gihi_audit::audit;
use gihi_report::build::{build, Inputs};
use gihi_report::{render, Lang};
use std::path::{Path, PathBuf};

/// Report language(s).
#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LangArg {
    Zh,
    En,
    Both,
}

pub fn run(
    results: Option<&Path>,
    records: Option<&Path>,
    out: Option<&Path>,
    lang: LangArg,
    pdf: bool,
) -> Result<(), CliError> {
    // Found first, so that a missing Chromium writes nothing.
    let chromium = pdf
        .then(gihi_report::pdf::Chromium::find)
        .transpose()
        .map_err(CliError::Failure)?;
    let records_data = records
        .map(|d| gihi_report::records::Records::load(d).map_err(CliError::Input))
        .transpose()?;
    let langs = match lang {
        LangArg::Zh => vec![Lang::Zh],
        LangArg::En => vec![Lang::En],
        LangArg::Both => vec![Lang::Zh, Lang::En],
    };
    let (report, default_out) = match results {
        Some(dir) => {
            let standing = from_results(dir).map_err(|e| CliError::Input(e.to_string()))?;
            let default =
                if standing.synthetic || records_data.as_ref().is_some_and(|r| r.synthetic) {
                    "gihi-report-synthetic"
                } else {
                    "gihi-report"
                };
            (
                build(&Inputs {
                    standing: &standing,
                    records: records_data.as_ref(),
                    edition: None,
                    audit: None,
                }),
                default,
            )
        }
        None => {
            let edition = super::published::load_edition()?;
            let setup = super::edition::setup()?;
            let findings = audit(&edition, &setup.framework);
            let standing = from_edition(&edition, setup);
            (
                build(&Inputs {
                    standing: &standing,
                    records: records_data.as_ref(),
                    edition: Some(&edition),
                    audit: Some(&findings),
                }),
                "gihi-report",
            )
        }
    };
    let out: PathBuf = out
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from(default_out));
    require_synthetic_label(
        report.synthetic,
        "the results are",
        "the report's path",
        &out,
    )?;
    let inputs: Vec<&Path> = results.into_iter().chain(records).collect();
    let mut dir = OutputDir::create(&out, "report", &inputs)?;
    let files = render(&report, &langs).map_err(CliError::Failure)?;
    for (name, bytes) in &files {
        dir.write(name, bytes)?;
    }
    if let Some(chromium) = &chromium {
        for lang in &langs {
            let bytes =
                gihi_report::pdf::pdf(&report, *lang, chromium).map_err(CliError::Failure)?;
            dir.write(&format!("report-{}.pdf", lang.code()), &bytes)?;
        }
    }
    let manifest = serde_json::json!({
        "tool": "gihi", "version": env!("CARGO_PKG_VERSION"), "command": "report",
        "created": super::run_time()?, "synthetic": report.synthetic,
        "source": results.map_or("builtin:data/editions/2024".to_string(), |p| p.display().to_string()),
        "records": records.map(|p| p.display().to_string()),
        "tables": report.tables().count(), "figures": report.figures().count(), "pdf": pdf,
    });
    let written = dir.commit(manifest)?;
    eprintln!(
        "wrote {}{}: {} tables, {} figures; open {}",
        written.display(),
        super::synthetic_note(report.synthetic),
        report.tables().count(),
        report.figures().count(),
        written.join("index.html").display()
    );
    Ok(())
}
