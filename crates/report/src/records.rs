//! A `gihi records patents|papers|all` output, as the report reads it: its manifest and
//! every file it lists are verified first, then the patent and/or paper tables are read.

use crate::papers::PaperRecords;
use crate::patents::PatentRecords;
use std::path::Path;

/// The record results a report shows.
#[derive(Debug, Clone, PartialEq)]
pub struct Records {
    /// Where they were read from.
    pub origin: String,
    pub synthetic: bool,
    pub patents: Option<PatentRecords>,
    pub papers: Option<PaperRecords>,
}

/// The commands whose outputs the report reads.
const COMMANDS: [&str; 3] = ["records patents", "records papers", "records all"];

impl Records {
    /// Reads a records output after checking that every file its manifest lists is present
    /// and unchanged.
    pub fn load(dir: &Path) -> Result<Records, String> {
        let manifest: serde_json::Value = std::fs::read_to_string(dir.join("manifest.json"))
            .ok()
            .and_then(|t| serde_json::from_str(&t).ok())
            .ok_or_else(|| {
                format!(
                    "{}: not a gihi records output (missing or unreadable manifest.json)",
                    dir.display()
                )
            })?;
        let command = manifest["command"].as_str().unwrap_or_default();
        let Some(command) = COMMANDS.iter().find(|c| **c == command) else {
            return Err(format!(
                "{}: expected the output of {}, found the output of `{command}`",
                dir.display(),
                COMMANDS.map(|c| format!("`gihi {c}`")).join(", ")
            ));
        };
        let verified = gihi_output::verify_dir(dir, command).map_err(|e| e.to_string())?;
        let summary: serde_json::Value = std::fs::read_to_string(dir.join("summary.json"))
            .ok()
            .and_then(|t| serde_json::from_str(&t).ok())
            .ok_or_else(|| format!("{}: missing or unreadable summary.json", dir.display()))?;
        let synthetic = verified.manifest["synthetic"].as_bool().unwrap_or(false)
            || summary["synthetic"].as_bool().unwrap_or(false);
        let (patents, papers) = match *command {
            "records patents" => (Some(PatentRecords::read(dir, &summary, synthetic)?), None),
            "records papers" => (None, Some(PaperRecords::read(dir, &summary, synthetic)?)),
            _ => (
                Some(PatentRecords::read(
                    &dir.join("patents"),
                    &summary["patents"],
                    synthetic,
                )?),
                Some(PaperRecords::read(
                    &dir.join("papers"),
                    &summary["papers"],
                    synthetic,
                )?),
            ),
        };
        Ok(Records {
            origin: dir.display().to_string(),
            synthetic,
            patents,
            papers,
        })
    }
}
