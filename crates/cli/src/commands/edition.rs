//! `--edition YEAR|DIR` (every command) and `gihi edition new|check`, `gihi select`.

use crate::error::CliError;
use crate::output::write_new_files;
use crate::Format;
use gihi_edition::{EditionError, Setup};
use gihi_registry::Registry;
use std::path::Path;
use std::sync::OnceLock;

static ARG: OnceLock<Option<String>> = OnceLock::new();
static SETUP: OnceLock<Setup> = OnceLock::new();

impl From<EditionError> for CliError {
    fn from(e: EditionError) -> Self {
        CliError::Input(e.to_string())
    }
}

/// Records the `--edition` given on the command line (once, before any command runs).
pub fn choose(arg: Option<String>) {
    let _ = ARG.set(arg);
}

/// The `--edition` given, if any (`None`: the built-in 2024 edition).
pub fn arg() -> Option<&'static str> {
    ARG.get().and_then(|a| a.as_deref())
}

/// The chosen edition's setup, loaded on first use.
pub fn setup() -> Result<&'static Setup, CliError> {
    if let Some(s) = SETUP.get() {
        return Ok(s);
    }
    let s = Setup::resolve(arg())?;
    Ok(SETUP.get_or_init(|| s))
}

/// The chosen edition's registry.
pub fn registry() -> Result<&'static Registry, CliError> {
    Ok(&setup()?.registry)
}

/// `gihi edition new YEAR --from YEAR|DIR --out DIR`: a new edition's files to edit.
pub fn run_new(year: u16, from: &str, out: &Path) -> Result<(), CliError> {
    let source = Setup::resolve(Some(from))?;
    if year <= source.year {
        return Err(CliError::Input(format!(
            "edition new {year}: expected a year after GIHI {} (the edition it is made from)",
            source.year
        )));
    }
    if std::fs::symlink_metadata(out).is_ok() {
        return Err(CliError::Input(format!(
            "{}: already exists; a new edition goes into a directory of its own (gihi never writes into an edition you may have edited)",
            out.display()
        )));
    }
    let files = source.scaffold(year);
    write_new_files(out, &files)?;
    eprintln!(
        "wrote GIHI {year} ({} files, from GIHI {} at {}) to {}; edit it as its README.md says, then run `gihi edition check {}`",
        files.len(),
        source.year,
        source.origin,
        out.display(),
        out.display()
    );
    Ok(())
}

/// `gihi edition check DIR`: loads an edition and reports its totals and every problem;
/// exit status 2 when there is one.
pub fn run_check(dir: &str, format: Format) -> Result<(), CliError> {
    let setup = Setup::resolve(Some(dir))?;
    let check = setup.check();
    let text = match format {
        Format::Json => super::json_text(&check),
        _ => {
            let mut t = format!(
                "GIHI {} ({}): {} cities ({} main, {} mini) in {} countries, {} member cities, {} shared member names; {} indicators\n",
                check.year,
                setup.origin,
                check.cities,
                check.main,
                check.mini,
                check.countries,
                check.members,
                check.shared_members,
                check.indicators
            );
            let continents: Vec<String> = check
                .continents
                .iter()
                .map(|(k, n)| format!("{n} {k}"))
                .collect();
            t.push_str(&format!("continents: {}\n", continents.join(", ")));
            t.push_str(&match check.with_population {
                Some(n) => format!("population: {n} of {} metros\n", check.cities),
                None => "population: no population file (groups as given in the registry)\n".into(),
            });
            t.push_str(&format!(
                "published tables: {}\n",
                if setup.published { "yes" } else { "none yet" }
            ));
            for p in &check.problems {
                t.push_str(&format!("problem: {p}\n"));
            }
            t
        }
    };
    super::print(&text)?;
    if check.problems.is_empty() {
        Ok(())
    } else {
        Err(CliError::Input(format!(
            "{dir}: {} problem(s) found (listed above)",
            check.problems.len()
        )))
    }
}
