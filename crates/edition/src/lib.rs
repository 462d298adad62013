//! A published GIHI edition: the result tables exactly as printed, keyed by registry id,
//! with the file, line and column of every printed number.
//!
//! The 2024 edition ships in `data/editions/2024/` and is built in ([`Edition::gihi_2024`]);
//! another edition's tables load from a directory with the same layout
//! ([`Edition::load_dir`]): an `edition.toml` naming each table's file, group and measure.

use gihi_framework::Location;
use gihi_registry::{Group, Registry};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::Path;

/// Largest file of an edition read (a printed table of a hundred rows is a few kilobytes).
pub const MAX_EDITION_FILE_BYTES: u64 = 16 << 20;

mod queries;
pub use queries::{Ranking, RankingRow};

/// The built-in GIHI 2024 files: (file name, text).
const GIHI_2024_FILES: [(&str, &str); 13] = [
    (
        "edition.toml",
        include_str!("../../../data/editions/2024/edition.toml"),
    ),
    (
        "table2-composite.csv",
        include_str!("../../../data/editions/2024/table2-composite.csv"),
    ),
    (
        "table4-mini-hubs.csv",
        include_str!("../../../data/editions/2024/table4-mini-hubs.csv"),
    ),
    (
        "table5-science-centre.csv",
        include_str!("../../../data/editions/2024/table5-science-centre.csv"),
    ),
    (
        "table7-innovation-highland.csv",
        include_str!("../../../data/editions/2024/table7-innovation-highland.csv"),
    ),
    (
        "table9-innovation-ecosystem.csv",
        include_str!("../../../data/editions/2024/table9-innovation-ecosystem.csv"),
    ),
    (
        "table3-composite-history.csv",
        include_str!("../../../data/editions/2024/table3-composite-history.csv"),
    ),
    (
        "table6-science-centre-history.csv",
        include_str!("../../../data/editions/2024/table6-science-centre-history.csv"),
    ),
    (
        "table8-innovation-highland-history.csv",
        include_str!("../../../data/editions/2024/table8-innovation-highland-history.csv"),
    ),
    (
        "table10-innovation-ecosystem-history.csv",
        include_str!("../../../data/editions/2024/table10-innovation-ecosystem-history.csv"),
    ),
    (
        "figure3-development-modes.csv",
        include_str!("../../../data/editions/2024/figure3-development-modes.csv"),
    ),
    (
        "quoted-indicator-values.csv",
        include_str!("../../../data/editions/2024/quoted-indicator-values.csv"),
    ),
    (
        "quoted-totals.csv",
        include_str!("../../../data/editions/2024/quoted-totals.csv"),
    ),
];

/// A published edition.
#[derive(Debug, Clone, PartialEq)]
pub struct Edition {
    pub year: u16,
    pub source: String,
    /// Where the files were read from (`builtin:data/editions/2024` or a directory).
    pub origin: String,
    pub tables: Vec<Table>,
    pub modes: Vec<ModeAssignment>,
    pub quoted_values: Vec<QuotedValue>,
    pub quoted_totals: Vec<QuotedTotal>,
}

/// One printed result table.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// Name in the report, e.g. `Table 2`.
    pub id: String,
    pub file: String,
    pub title: String,
    /// The file's `# source:` line.
    pub source: String,
    pub group: Group,
    /// The measure its `rank` columns rank (`GIHI`, `A`, `B`, `C`).
    pub node: String,
    pub group_size: usize,
    /// Whether the table prints the whole group.
    pub complete: bool,
    pub rows: Vec<Row>,
}

/// One printed row.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// Registry id.
    pub city: String,
    /// The name as printed.
    pub name_printed: String,
    /// Line in the transcription file.
    pub line: usize,
    pub cells: Vec<Cell>,
}

/// Whether a printed number is a score or a rank.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    Score,
    Rank,
}

/// One printed number.
#[derive(Debug, Clone, PartialEq)]
pub struct Cell {
    /// The node it measures (`GIHI`, `A`, `A1`, ...).
    pub node: String,
    pub kind: Kind,
    /// The edition year it refers to (history tables print earlier years).
    pub year: u16,
    /// Column name in the transcription file.
    pub column: String,
    /// 1-based column number in the transcription file.
    pub column_no: usize,
    /// Exactly as printed, e.g. `100.00`.
    pub text: String,
    pub value: f64,
}

impl Row {
    /// The printed cell for a node, kind and year.
    pub fn cell(&self, node: &str, kind: Kind, year: u16) -> Option<&Cell> {
        self.cells
            .iter()
            .find(|c| c.node == node && c.kind == kind && c.year == year)
    }
}

impl Table {
    /// Score nodes printed in this table, in column order.
    pub fn score_nodes(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        if let Some(r) = self.rows.first() {
            for c in r.cells.iter().filter(|c| c.kind == Kind::Score) {
                if !out.contains(&c.node) {
                    out.push(c.node.clone());
                }
            }
        }
        out
    }
}

/// A city's development mode as printed (section 2.2, Figure 3).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct ModeAssignment {
    pub city: String,
    pub name_printed: String,
    pub mode: String,
    pub mode_zh: String,
}

/// An indicator value quoted in the text.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct QuotedValue {
    pub city: String,
    pub indicator: String,
    pub value: f64,
    pub unit: String,
    pub rank: Option<u32>,
    pub section: String,
    pub quote: String,
}

/// A total over the evaluated cities quoted in the text.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct QuotedTotal {
    pub what: String,
    pub indicator: Option<String>,
    pub value: f64,
    pub unit: String,
    pub section: String,
    pub quote: String,
}

/// Why an edition could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum EditionError {
    #[error("{file}: cannot read: {message}")]
    Read { file: String, message: String },
    #[error("{at}: {message}")]
    Invalid { at: Location, message: String },
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Manifest {
    year: u16,
    source: String,
    #[serde(rename = "table")]
    tables: Vec<TableSpec>,
    modes: ModesSpec,
    quoted: QuotedSpec,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TableSpec {
    id: String,
    file: String,
    title: String,
    group: Group,
    node: String,
    group_size: usize,
    complete: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ModesSpec {
    file: String,
    #[allow(dead_code)]
    source: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct QuotedSpec {
    values: String,
    totals: String,
}

impl Edition {
    /// The GIHI 2024 edition as printed, built into the binary.
    pub fn gihi_2024() -> Edition {
        let files: BTreeMap<&str, &str> = GIHI_2024_FILES.into_iter().collect();
        Edition::from_files("builtin:data/editions/2024", &|name| {
            files
                .get(name)
                .map(|s| s.to_string())
                .ok_or_else(|| format!("no built-in file {name}"))
        })
        .expect("the built-in edition is valid (tested)")
    }

    /// Loads an edition from a directory holding `edition.toml` and its CSV files (each at
    /// most [`MAX_EDITION_FILE_BYTES`]: printed tables are small).
    pub fn load_dir(dir: &Path) -> Result<Edition, EditionError> {
        Edition::from_files(&dir.display().to_string(), &|name| {
            gihi_input::read_text_limited(&dir.join(name), MAX_EDITION_FILE_BYTES)
                .map_err(|e| e.to_string())
        })
    }

    fn from_files(
        origin: &str,
        read: &dyn Fn(&str) -> Result<String, String>,
    ) -> Result<Edition, EditionError> {
        let registry = Registry::gihi_2024();
        let path = |name: &str| format!("{origin}/{name}");
        let fetch = |name: &str| {
            read(name).map_err(|message| EditionError::Read {
                file: path(name),
                message,
            })
        };
        let manifest: Manifest =
            toml::from_str(&fetch("edition.toml")?).map_err(|e| EditionError::Invalid {
                at: Location::new(path("edition.toml"), 0, 0),
                message: e.to_string(),
            })?;
        let mut tables = Vec::new();
        for spec in manifest.tables {
            let text = fetch(&spec.file)?;
            tables.push(parse_table(
                &text,
                &path(&spec.file),
                spec,
                manifest.year,
                &registry,
            )?);
        }
        let modes = parse_records(
            &fetch(&manifest.modes.file)?,
            &path(&manifest.modes.file),
            &registry,
        )?;
        let quoted_values = parse_records(
            &fetch(&manifest.quoted.values)?,
            &path(&manifest.quoted.values),
            &registry,
        )?;
        let quoted_totals: Vec<QuotedTotal> = parse_records(
            &fetch(&manifest.quoted.totals)?,
            &path(&manifest.quoted.totals),
            &registry,
        )?;
        Ok(Edition {
            year: manifest.year,
            source: manifest.source,
            origin: origin.to_string(),
            tables,
            modes,
            quoted_values,
            quoted_totals,
        })
    }

    /// The table with this id (`Table 2`).
    pub fn table(&self, id: &str) -> Option<&Table> {
        self.tables.iter().find(|t| t.id == id)
    }
}

/// The `# source:` comment of a transcription file.
fn source_line(text: &str) -> String {
    text.lines()
        .take_while(|l| l.starts_with('#'))
        .find_map(|l| l.strip_prefix("# source:"))
        .map(|s| s.trim().to_string())
        .unwrap_or_default()
}

fn reader(text: &str) -> csv::Reader<&[u8]> {
    csv::ReaderBuilder::new()
        .comment(Some(b'#'))
        .from_reader(text.as_bytes())
}

fn parse_table(
    text: &str,
    file: &str,
    spec: TableSpec,
    year: u16,
    registry: &Registry,
) -> Result<Table, EditionError> {
    let invalid = |line: usize, column: usize, message: String| EditionError::Invalid {
        at: Location::new(file, line, column),
        message,
    };
    let mut rdr = reader(text);
    let header: Vec<String> = rdr
        .headers()
        .map_err(|e| invalid(0, 0, e.to_string()))?
        .iter()
        .map(str::to_string)
        .collect();
    // What each column measures.
    let mut measures: Vec<Option<(String, Kind, u16)>> = Vec::new();
    for (k, name) in header.iter().enumerate() {
        let m = match name.as_str() {
            "city" | "name_printed" => None,
            "rank" => Some((spec.node.clone(), Kind::Rank, year)),
            n if n.starts_with("rank_") => {
                let y = n[5..]
                    .parse()
                    .map_err(|_| invalid(1, k + 1, format!("column `{n}`: expected rank_YYYY")))?;
                Some((spec.node.clone(), Kind::Rank, y))
            }
            n if n.ends_with("_rank") => Some((n[..n.len() - 5].to_string(), Kind::Rank, year)),
            n => Some((n.to_string(), Kind::Score, year)),
        };
        measures.push(m);
    }
    let city_col = header
        .iter()
        .position(|h| h == "city")
        .ok_or_else(|| invalid(1, 1, "expected a `city` column".into()))?;
    let name_col = header.iter().position(|h| h == "name_printed");
    let mut rows = Vec::new();
    for rec in rdr.records() {
        let rec = rec.map_err(|e| {
            invalid(
                e.position().map_or(0, |p| p.line() as usize),
                0,
                e.to_string(),
            )
        })?;
        let line = rec.position().map_or(0, |p| p.line() as usize);
        let city = &rec[city_col];
        if registry.get(city).is_none() {
            return Err(invalid(
                line,
                city_col + 1,
                format!("unknown registry id `{city}`"),
            ));
        }
        let mut cells = Vec::new();
        for (k, m) in measures.iter().enumerate() {
            let Some((node, kind, y)) = m else { continue };
            let text = rec[k].trim().to_string();
            let value: f64 = text
                .parse()
                .map_err(|_| invalid(line, k + 1, format!("expected a number, found `{text}`")))?;
            cells.push(Cell {
                node: node.clone(),
                kind: *kind,
                year: *y,
                column: header[k].clone(),
                column_no: k + 1,
                text,
                value,
            });
        }
        rows.push(Row {
            city: city.to_string(),
            name_printed: name_col.map(|c| rec[c].to_string()).unwrap_or_default(),
            line,
            cells,
        });
    }
    Ok(Table {
        id: spec.id,
        file: file.to_string(),
        title: spec.title,
        source: source_line(text),
        group: spec.group,
        node: spec.node,
        group_size: spec.group_size,
        complete: spec.complete,
        rows,
    })
}

/// Deserialises every row; a `city` column must hold registry ids.
fn parse_records<T: serde::de::DeserializeOwned>(
    text: &str,
    file: &str,
    registry: &Registry,
) -> Result<Vec<T>, EditionError> {
    let mut rdr = reader(text);
    let headers = rdr
        .headers()
        .map_err(|e| EditionError::Invalid {
            at: Location::new(file, 1, 0),
            message: e.to_string(),
        })?
        .clone();
    let city_col = headers.iter().position(|c| c == "city");
    let mut out = Vec::new();
    for rec in rdr.records() {
        let rec = rec.map_err(|e| EditionError::Invalid {
            at: Location::new(file, 0, 0),
            message: e.to_string(),
        })?;
        let line = rec.position().map_or(0, |p| p.line() as usize);
        if let Some(c) = city_col {
            if registry.get(&rec[c]).is_none() {
                return Err(EditionError::Invalid {
                    at: Location::new(file, line, c + 1),
                    message: format!("unknown registry id `{}`", &rec[c]),
                });
            }
        }
        out.push(
            rec.deserialize(Some(&headers))
                .map_err(|e| EditionError::Invalid {
                    at: Location::new(file, line, 0),
                    message: e.to_string(),
                })?,
        );
    }
    Ok(out)
}

#[cfg(test)]
mod tests;
