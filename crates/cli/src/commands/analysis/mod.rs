//! Analysis commands on a computed run (`--results DIR`) or a published edition
//! (`--edition YEAR|DIR`): modes, regions, changes, profile, statements. This module loads
//! the source and names levels; each command has its own file.

mod changes;
mod modes;
mod profile;
mod regions;
mod statements;

pub use changes::run_changes;
pub use modes::run_modes;
pub use profile::run_profile;
pub use regions::run_regions;
pub use statements::run_statements;

use super::published::load_edition;
use crate::error::CliError;
use gihi_analysis::{GroupStanding, NodeStanding, Standing};
use gihi_service::{parse_level, Explorer};
use std::path::PathBuf;

/// Where the results come from: a computed run, or else the published edition chosen by
/// `--edition` (default 2024).
#[derive(clap::Args, Clone)]
pub struct Source {
    /// A `gihi compute` output directory (it carries its own registry and framework).
    #[arg(long)]
    pub results: Option<PathBuf>,
}

impl Source {
    /// Loads the source into the library API the CLI and the explorer share.
    pub fn load(&self) -> Result<Explorer, CliError> {
        if let Some(dir) = &self.results {
            if let Some(e) = super::edition::arg() {
                return Err(CliError::Input(format!(
                    "--results {} carries its own registry and framework; --edition {e} is not used with it (to compare a run with an edition: gihi changes --results DIR --against YEAR|DIR)",
                    dir.display()
                )));
            }
            return Explorer::from_results(dir).map_err(|e| CliError::Input(e.to_string()));
        }
        Ok(Explorer::from_parts(
            load_edition()?,
            super::edition::setup()?,
        ))
    }
}

pub(super) fn node<'a>(
    s: &'a Standing,
    lvl: &str,
) -> Result<(&'a GroupStanding, &'a NodeStanding), CliError> {
    let (group, id) = parse_level(lvl);
    let g = s
        .group(group)
        .ok_or_else(|| CliError::Input(format!("{}: no {group} group", s.label)))?;
    let n = g.node(&id).ok_or_else(|| {
        CliError::Input(format!(
            "{}: no level `{lvl}`: expected composite, mini, A, B, C, A1..C4 or mini-A..mini-C",
            s.label
        ))
    })?;
    Ok((g, n))
}

/// `--top N` must lie between 1 and the size of the group.
pub(super) fn check_top(top: u32, size: usize) -> Result<(), CliError> {
    if top == 0 || top as usize > size {
        return Err(CliError::Input(format!(
            "--top {top}: expected a number from 1 to {size}, the number of cities of the group"
        )));
    }
    Ok(())
}

pub(super) fn header(s: &Standing) -> String {
    let mut h = format!("{}\n", s.label);
    if s.synthetic {
        h.push_str("SYNTHETIC DATA: invented values for demos and tests, not real GIHI results.\n");
    }
    h
}
