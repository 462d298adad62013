//! `gihi statements`: the report's statements checked against its tables.

use crate::commands::published::load_edition;
use crate::commands::{csv_string, print};
use crate::{error::CliError, Format};
use gihi_analysis::statements;

pub fn run_statements(format: Format) -> Result<(), CliError> {
    let edition = load_edition()?;
    let text = if edition.origin.starts_with("builtin:") {
        statements::GIHI_2024_STATEMENTS.to_string()
    } else {
        let path = std::path::Path::new(&edition.origin).join("statements.toml");
        gihi_input::read_text_limited(&path, gihi_edition::MAX_EDITION_FILE_BYTES)
            .map_err(|e| CliError::Input(format!("{}: {e}", path.display())))?
    };
    let list =
        statements::parse(&text).map_err(|e| CliError::Input(format!("statements.toml: {e}")))?;
    let verdicts = statements::check(&list, &edition, crate::commands::edition::registry()?);
    let holding = verdicts.iter().filter(|v| v.holds).count();
    let out = match format {
        Format::Json => crate::commands::json_text(&verdicts),
        Format::Csv => csv_string(
            false,
            &["section", "claim", "level", "holds", "found", "quote"],
            verdicts.iter().map(|v| {
                vec![
                    v.section.clone(),
                    v.claim.clone(),
                    v.level.clone(),
                    v.holds.to_string(),
                    v.found.clone(),
                    v.quote.clone(),
                ]
            }),
        ),
        Format::Table => {
            let mut out = format!("Statements of the GIHI {} report checked against its tables: {holding} of {} hold\n", edition.year, verdicts.len());
            for v in verdicts.iter().filter(|v| !v.holds) {
                out.push_str(&format!(
                    "\n[disagrees] section {} ({} {}): {}\n    the tables show: {}\n",
                    v.section, v.claim, v.level, v.quote, v.found
                ));
            }
            out
        }
    };
    print(&out)
}
