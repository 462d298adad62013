//! `gihi select`: the city selection of Appendix 4 from four world rankings.

use super::{require_synthetic_label, synthetic_csv_comment, synthetic_note};
use crate::error::CliError;
use crate::output::write_stamped_files;
use gihi_edition::select::{read_list, read_population, select, Change, List};
use gihi_edition::MAX_EDITION_FILE_BYTES;
use gihi_places::Places;
use gihi_registry::Group;
use std::path::{Path, PathBuf};

/// Whether a file's leading comment lines say it is synthetic.
fn says_synthetic(path: &Path) -> bool {
    gihi_input::leading_comments(path)
        .map(|lines| lines.iter().any(|l| l.to_lowercase().contains("synthetic")))
        .unwrap_or(false)
}

fn read(path: &Path) -> Result<String, CliError> {
    gihi_input::read_text_limited(path, MAX_EDITION_FILE_BYTES)
        .map_err(|e| CliError::Input(format!("{}: cannot read: {e}", path.display())))
}

pub fn run(lists_dir: &Path, population: Option<&Path>, out: &Path) -> Result<(), CliError> {
    let setup = super::edition::setup()?;
    let entries = std::fs::read_dir(lists_dir).map_err(|e| {
        CliError::Input(format!(
            "{}: cannot read the lists directory: {e}; expected a directory with one CSV per ranking",
            lists_dir.display()
        ))
    })?;
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x.eq_ignore_ascii_case("csv")) && p.is_file())
        .collect();
    files.sort();
    if files.is_empty() {
        return Err(CliError::Input(format!(
            "{}: no .csv file; expected one CSV per ranking with the columns rank, city, country",
            lists_dir.display()
        )));
    }
    let mut lists: Vec<List> = Vec::new();
    for f in &files {
        let name = f
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        lists.push(read_list(&name, &f.display().to_string(), &read(f)?)?);
    }
    let pop_rows = match population {
        Some(p) => read_population(&p.display().to_string(), &read(p)?)?,
        None => Vec::new(),
    };
    let places = Places::with_aliases(&setup.registry, &setup.aliases_text).map_err(
        |(line, column, message)| {
            CliError::Input(format!(
                "{}:{line}:{column}: {message}",
                setup.path(&setup.files.aliases)
            ))
        },
    )?;
    let pop_label = population
        .map(|p| p.display().to_string())
        .unwrap_or_default();
    let selection = select(&lists, &pop_rows, &pop_label, &places, &setup.registry)?;

    let synthetic =
        files.iter().any(|f| says_synthetic(f)) || population.is_some_and(says_synthetic);
    require_synthetic_label(synthetic, "the lists are", "--out", out)?;
    let mut inputs: Vec<&Path> = files.iter().map(PathBuf::as_path).collect();
    inputs.extend(population);
    let body = selection.csv(&synthetic_csv_comment(synthetic));
    write_stamped_files("select", out, body.as_bytes(), &[], &inputs)?;

    let n = |c: Change| selection.with(c).count();
    let selected = selection.candidates.iter().filter(|c| c.selected).count();
    let mut text = format!(
        "{selected} cities selected from {} lists ({} main, {} mini, {} without a population){}\n",
        lists.len(),
        selection.selected_in(Some(Group::Main)),
        selection.selected_in(Some(Group::Mini)),
        selection.selected_in(None),
        synthetic_note(synthetic)
    );
    text.push_str(&format!(
        "against GIHI {} ({} cities): {} kept, {} added, {} dropped, {} group changed; {} listed but not selected\n",
        setup.year,
        setup.registry.cities.len(),
        n(Change::Kept),
        n(Change::Added),
        n(Change::Dropped),
        n(Change::GroupChanged),
        n(Change::NotSelected)
    ));
    for (label, change) in [
        ("added", Change::Added),
        ("dropped", Change::Dropped),
        ("group changed", Change::GroupChanged),
    ] {
        let names: Vec<String> = selection
            .with(change)
            .map(|c| {
                if c.metro.is_empty() {
                    format!("{} ({})", c.name, c.country)
                } else {
                    c.metro.clone()
                }
            })
            .collect();
        if !names.is_empty() {
            text.push_str(&format!("{label}: {}\n", names.join(", ")));
        }
    }
    text.push_str(&format!("wrote {}\n", out.display()));
    super::print(&text)
}
