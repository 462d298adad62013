//! `gihi compute`: scores an indicator table by Appendix 3, each group separately, and
//! writes `scores.csv`, `indicators.csv` and `manifest.json`.

use super::{csv_string, load_framework, require_synthetic_label, run_time, sha256_hex};
use crate::error::CliError;
use crate::output::OutputDir;
use gihi_registry::Group;
use gihi_scores::{score, MissingPolicy, Scores};
use serde::Serialize;
use std::path::Path;

/// The copy of the framework inside a run.
pub const RUN_FRAMEWORK: &str = gihi_analysis::RUN_FRAMEWORK;
/// The registry a run carries (`cities.toml`), so that it reads back with its own cities.
pub const RUN_REGISTRY: &str = gihi_analysis::RUN_REGISTRY;

/// Header of `scores.csv`.
pub const SCORES_HEADER: [&str; 6] = ["city", "group", "level", "node", "score", "rank"];
/// Header of `indicators.csv`.
pub const INDICATORS_HEADER: [&str; 7] = [
    "city",
    "group",
    "indicator",
    "value",
    "z",
    "imputed",
    "flags",
];

/// Flags of derived cells, read from the provenance file `gihi derive` writes beside its
/// indicator table: (city, indicator) → `;`-separated flags.
type Flags = std::collections::BTreeMap<(String, String), String>;

fn read_provenance(data: &Path) -> Result<Option<(String, Vec<u8>, Flags)>, CliError> {
    let path = super::derive::provenance_path(data);
    if !path.exists() {
        return Ok(None);
    }
    let bytes = gihi_input::read_limited(&path, gihi_data::MAX_TABLE_BYTES)
        .map_err(|e| CliError::Input(format!("{}: {e}", path.display())))?;
    let mut flags = Flags::new();
    let mut rdr = csv::Reader::from_reader(bytes.as_slice());
    for rec in rdr.records() {
        let rec = rec.map_err(|e| CliError::Input(format!("{}: {e}", path.display())))?;
        if rec.len() >= 7 && !rec[6].is_empty() {
            flags.insert((rec[0].to_string(), rec[1].to_string()), rec[6].to_string());
        }
    }
    Ok(Some((path.display().to_string(), bytes, flags)))
}

/// One evaluated group's input values and scores.
struct GroupResult {
    group: Group,
    scores: Scores,
    /// Raw values, a row per city of `scores.cities`.
    values: Vec<Vec<Option<f64>>>,
}

#[derive(Serialize)]
struct Manifest {
    tool: &'static str,
    version: &'static str,
    command: &'static str,
    created: String,
    synthetic: bool,
    /// The edition whose registry the run evaluates (its `cities.toml` is copied in).
    edition: EditionRef,
    framework: InputFile,
    inputs: Vec<InputFile>,
    options: Options,
    conventions: Conventions,
    groups: Vec<GroupSummary>,
    notes: Vec<String>,
    /// Cells with derivation flags (proxy, fallback year, estimated), from the provenance file.
    flagged_cells: usize,
    imputed: Vec<ImputedCell>,
}

#[derive(Serialize)]
struct InputFile {
    role: &'static str,
    id: Option<String>,
    path: String,
    sha256: String,
}

#[derive(Serialize)]
struct Options {
    missing: &'static str,
}

#[derive(Serialize)]
struct Conventions {
    method: &'static str,
    standard_deviation: &'static str,
    score_range: [f64; 2],
    ranks: &'static str,
}

#[derive(Serialize)]
struct GroupSummary {
    group: &'static str,
    cities: usize,
    imputed_cells: usize,
}

#[derive(Serialize)]
struct EditionRef {
    year: u16,
    origin: String,
    registry_sha256: String,
}

#[derive(Serialize)]
struct ImputedCell {
    group: &'static str,
    city: String,
    indicator: String,
}

pub fn run(
    data: &Path,
    framework: Option<&Path>,
    out: &Path,
    missing: MissingPolicy,
) -> Result<(), CliError> {
    let loaded = load_framework(framework)?;
    let registry = super::edition::registry()?;
    let table = gihi_data::read_indicator_table(data, &loaded.framework, registry)?;
    require_synthetic_label(
        table.synthetic,
        &format!("{}: the input is", data.display()),
        "the output path",
        out,
    )?;

    // Split by evaluation group; rows keep registry order so output does not depend on
    // the order of the input file.
    let mut results: Vec<GroupResult> = Vec::new();
    for (group, group_table) in gihi_service::group_tables(&table, registry) {
        let scores = score(&loaded.framework, &group_table, missing)
            .map_err(|e| CliError::Input(format!("{}: group {group}: {e}", data.display())))?;
        results.push(GroupResult {
            group,
            scores,
            values: group_table.values,
        });
    }

    let provenance_file = super::derive::provenance_path(data);
    let mut inputs = vec![data, provenance_file.as_path()];
    inputs.extend(framework);
    let mut dir = OutputDir::create(out, "compute", &inputs)?;
    dir.write(
        "scores.csv",
        scores_csv(&results, table.synthetic).as_bytes(),
    )?;
    // The run carries the framework it was computed with, so reading it back never depends
    // on a file elsewhere that may have changed.
    dir.write(RUN_FRAMEWORK, loaded.text.as_bytes())?;
    dir.write(
        RUN_REGISTRY,
        super::edition::setup()?.registry_text.as_bytes(),
    )?;
    let provenance = read_provenance(data)?;
    let no_flags = Flags::new();
    let flags = provenance.as_ref().map_or(&no_flags, |p| &p.2);
    dir.write(
        "indicators.csv",
        indicators_csv(&results, flags, table.synthetic).as_bytes(),
    )?;
    let manifest = Manifest {
        tool: "gihi",
        version: env!("CARGO_PKG_VERSION"),
        command: "compute",
        created: run_time()?,
        synthetic: table.synthetic,
        edition: {
            let setup = super::edition::setup()?;
            EditionRef {
                year: setup.year,
                origin: setup.origin.clone(),
                registry_sha256: sha256_hex(setup.registry_text.as_bytes()),
            }
        },
        framework: InputFile {
            role: "framework",
            id: Some(loaded.framework.id.clone()),
            path: loaded.path.clone(),
            sha256: loaded.sha256.clone(),
        },
        inputs: std::iter::once(InputFile { role: "data", id: None, path: data.display().to_string(), sha256: table.sha256.clone() })
            .chain(provenance.as_ref().map(|(path, bytes, _)| InputFile { role: "provenance", id: None, path: path.clone(), sha256: sha256_hex(bytes) }))
            .collect(),
        flagged_cells: flags.len(),
        options: Options { missing: missing.as_str() },
        conventions: Conventions {
            method: "GIHI 2024 report, Appendix 3: z-score per indicator within each group, effective-weight sums, min-max to [60, 100]",
            standard_deviation: "population (divide by n); on complete tables scores do not depend on it",
            score_range: [gihi_scores::SCORE_MIN, gihi_scores::SCORE_MAX],
            ranks: "1 is best; ties (equal z-values) share the better rank (1, 2, 2, 4)",
        },
        groups: results
            .iter()
            .map(|GroupResult { group: g, scores: s, .. }| GroupSummary {
                group: g.as_str(),
                cities: s.cities.len(),
                imputed_cells: s.imputed.iter().flatten().filter(|b| **b).count(),
            })
            .collect(),
        notes: results
            .iter()
            .flat_map(|GroupResult { group: g, scores: s, .. }| s.notes.iter().map(move |n| format!("group {g}: {n}")))
            .collect(),
        imputed: results
            .iter()
            .flat_map(|GroupResult { group: g, scores: s, .. }| {
                s.cities.iter().enumerate().flat_map(move |(j, c)| {
                    s.indicators.iter().enumerate().filter(move |(i, _)| s.imputed[j][*i]).map(move |(_, ind)| ImputedCell {
                        group: g.as_str(),
                        city: c.clone(),
                        indicator: ind.clone(),
                    })
                })
            })
            .collect(),
    };
    let written = dir.commit(serde_json::to_value(&manifest).expect("manifest serialises"))?;
    let label = if table.synthetic {
        " from SYNTHETIC data"
    } else {
        ""
    };
    eprintln!(
        "scored {} cities{label} ({}) into {}",
        results.iter().map(|r| r.scores.cities.len()).sum::<usize>(),
        results
            .iter()
            .map(|r| format!("{}: {}", r.group, r.scores.cities.len()))
            .collect::<Vec<_>>()
            .join(", "),
        written.display()
    );
    for n in &manifest.notes {
        eprintln!("note: {n}");
    }
    Ok(())
}

/// Rows by group, then node (composite, pillars, sub-pillars), then rank, then city id.
fn scores_csv(results: &[GroupResult], synthetic: bool) -> String {
    let mut rows = Vec::new();
    for GroupResult {
        group, scores: s, ..
    } in results
    {
        for node in &s.nodes {
            let mut order: Vec<usize> = (0..s.cities.len()).collect();
            order.sort_by(|&a, &b| {
                node.rank[a]
                    .cmp(&node.rank[b])
                    .then(s.cities[a].cmp(&s.cities[b]))
            });
            for j in order {
                rows.push(vec![
                    s.cities[j].clone(),
                    group.as_str().to_string(),
                    node.level.as_str().to_string(),
                    node.id.clone(),
                    super::number(node.score[j]),
                    node.rank[j].to_string(),
                ]);
            }
        }
    }
    csv_string(synthetic, &SCORES_HEADER, rows)
}

/// Raw value, z-score and imputation flag of every city and indicator.
fn indicators_csv(results: &[GroupResult], flags: &Flags, synthetic: bool) -> String {
    let mut rows = Vec::new();
    for GroupResult {
        group,
        scores: s,
        values,
    } in results
    {
        for (j, city) in s.cities.iter().enumerate() {
            for (i, ind) in s.indicators.iter().enumerate() {
                rows.push(vec![
                    city.clone(),
                    group.as_str().to_string(),
                    ind.clone(),
                    values[j][i].map_or(String::new(), super::number),
                    super::number(s.z[j][i]),
                    s.imputed[j][i].to_string(),
                    flags
                        .get(&(city.clone(), ind.clone()))
                        .cloned()
                        .unwrap_or_default(),
                ]);
            }
        }
    }
    csv_string(synthetic, &INDICATORS_HEADER, rows)
}
