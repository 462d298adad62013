//! `gihi audit published`: the consistency audit of a published edition's tables.

use super::published::load_edition;
use super::{csv_string, print, text_table};
use crate::{error::CliError, Format};
use gihi_audit::audit;

pub fn run(format: Format) -> Result<(), CliError> {
    let edition = load_edition()?;
    let result = audit(&edition, &super::edition::setup()?.framework);
    let text = match format {
        Format::Json => super::json_text(&result.findings),
        Format::Csv => {
            let (header, rows) = gihi_service::tables::audit_rows(&result.findings);
            csv_string(false, header, rows)
        }
        Format::Table => {
            let mut out = format!("Audit of the GIHI {} tables ({})\n\nAffine relations (Appendix 3 makes each level an exact affine function of the level below):\n", edition.year, edition.origin);
            let fit_rows: Vec<Vec<String>> = result
                .fits
                .iter()
                .map(|f| {
                    vec![
                        f.table.clone(),
                        format!("{} ~ {}", f.target, f.predictors.join("+")),
                        format!("{}/{}", f.consistent_rows, f.rows),
                        f.implied_shares
                            .iter()
                            .map(|s| format!("{s:.3}"))
                            .collect::<Vec<_>>()
                            .join(" "),
                        f.nominal_weights
                            .iter()
                            .map(|s| format!("{s:.2}"))
                            .collect::<Vec<_>>()
                            .join(" "),
                        format!("{:.4}", f.max_residual),
                        format!("{:.4}", f.rounding_bound),
                    ]
                })
                .collect();
            out.push_str(&text_table(
                &[
                    "table",
                    "relation",
                    "consistent",
                    "implied shares",
                    "nominal weights",
                    "max |res|",
                    "bound",
                ],
                &fit_rows,
            ));
            out.push_str(&format!("\n{} finding(s):\n", result.findings.len()));
            for f in &result.findings {
                out.push_str(&format!(
                    "\n[{}] {} {} {} {}: published {}, expected {}\n    {}\n",
                    f.severity,
                    f.kind,
                    f.table,
                    f.city,
                    f.column,
                    f.published,
                    f.expected,
                    f.evidence
                ));
            }
            out
        }
    };
    print(&text)?;
    let errors = result
        .findings
        .iter()
        .filter(|f| f.severity == "error")
        .count();
    if errors > 0 {
        return Err(CliError::Findings(format!(
            "the audit found {errors} error(s) in the printed tables of GIHI {} (exit status 3)",
            edition.year
        )));
    }
    Ok(())
}
