//! A GIHI edition as data: its setup ([`Setup`]: registry, framework, dates, cut-offs,
//! aliases) and, once published, its result tables exactly as printed ([`Edition`]), keyed
//! by registry id, with the file, line and column of every printed number.
//!
//! The 2024 edition ships in `data/editions/2024/` and is built in ([`Setup::gihi_2024`],
//! [`Edition::gihi_2024`]); another edition loads from a directory with the same layout:
//! an `edition.toml` naming its setup files and each printed table's file, group and measure.

use gihi_framework::Location;
use gihi_registry::{Group, Registry};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Largest file of an edition read (a printed table of a hundred rows is a few kilobytes).
pub const MAX_EDITION_FILE_BYTES: u64 = 16 << 20;

mod queries;
mod scaffold;
pub mod select;
mod setup;
pub use queries::{Ranking, RankingRow};
pub use scaffold::POPULATION_FILE;
pub use setup::{is_iso_date, Check, Dates, Population, Setup, SetupFiles, MINI_HUB_POPULATION};

/// Years of the editions built into gihi.
pub const BUILT_IN_EDITIONS: [&str; 1] = ["2024"];

/// The edition's own description of itself, read first.
pub const EDITION_FILE: &str = "edition.toml";

/// The built-in GIHI 2024 files: (file name, text).
const GIHI_2024_FILES: [(&str, &str); 17] = [
    (
        "edition.toml",
        include_str!("../../../data/editions/2024/edition.toml"),
    ),
    ("cities.toml", gihi_registry::GIHI_2024_TOML),
    ("framework.toml", gihi_framework::GIHI_2024_TOML),
    (
        "cutoffs.toml",
        include_str!("../../../data/editions/2024/cutoffs.toml"),
    ),
    (
        "place-aliases.csv",
        include_str!("../../../data/editions/2024/place-aliases.csv"),
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
    /// The registry or framework of the edition is invalid (the message names its file).
    #[error("{0}")]
    Setup(String),
}

/// `edition.toml`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Manifest {
    year: u16,
    source: String,
    setup: SetupFiles,
    dates: Dates,
    /// Printed tables: none until the edition is published.
    #[serde(rename = "table", default)]
    tables: Vec<TableSpec>,
    modes: Option<ModesSpec>,
    quoted: Option<QuotedSpec>,
}

/// Where an edition's files are read from: the built-in 2024 edition or a directory.
pub(crate) enum Files {
    Builtin(BTreeMap<&'static str, &'static str>),
    Dir(PathBuf),
}

impl Files {
    pub(crate) fn builtin_2024() -> Files {
        Files::Builtin(GIHI_2024_FILES.into_iter().collect())
    }

    /// `--edition`: a built-in edition by year (default 2024) or a directory.
    pub(crate) fn resolve(arg: Option<&str>) -> Result<Files, EditionError> {
        match arg {
            None => Ok(Files::builtin_2024()),
            Some(a) if BUILT_IN_EDITIONS.contains(&a) => Ok(Files::builtin_2024()),
            Some(a) if a.len() == 4 && a.chars().all(|c| c.is_ascii_digit()) => {
                Err(EditionError::Read {
                    file: format!("--edition {a}"),
                    message: format!(
                        "no built-in edition {a} (built in: {}); give the edition's directory instead (`gihi edition new` makes one)",
                        BUILT_IN_EDITIONS.join(", ")
                    ),
                })
            }
            Some(a) => {
                let dir = PathBuf::from(a);
                if !dir.is_dir() {
                    return Err(EditionError::Read {
                        file: a.to_string(),
                        message: format!(
                            "{}; expected a built-in year ({}) or an edition directory",
                            if dir.exists() { "not a directory" } else { "no such directory" },
                            BUILT_IN_EDITIONS.join(", ")
                        ),
                    });
                }
                if !dir.join(EDITION_FILE).is_file() {
                    return Err(EditionError::Read {
                        file: dir.join(EDITION_FILE).display().to_string(),
                        message: "no such file: an edition directory holds edition.toml (`gihi edition new` makes one)".into(),
                    });
                }
                Ok(Files::Dir(dir))
            }
        }
    }

    pub(crate) fn origin(&self) -> String {
        match self {
            Files::Builtin(_) => "builtin:data/editions/2024".into(),
            Files::Dir(d) => d.display().to_string(),
        }
    }

    pub(crate) fn path(&self, name: &str) -> String {
        format!("{}/{name}", self.origin())
    }

    /// A file of the edition (each at most [`MAX_EDITION_FILE_BYTES`]).
    pub(crate) fn read(&self, name: &str) -> Result<String, EditionError> {
        let text = match self {
            Files::Builtin(files) => files
                .get(name)
                .map(|s| s.to_string())
                .ok_or_else(|| format!("no built-in file {name}")),
            Files::Dir(dir) => {
                gihi_input::read_text_limited(&dir.join(name), MAX_EDITION_FILE_BYTES)
                    .map_err(|e| e.to_string())
            }
        };
        text.map_err(|message| EditionError::Read {
            file: self.path(name),
            message,
        })
    }

    pub(crate) fn manifest(&self) -> Result<Manifest, EditionError> {
        toml::from_str(&self.read(EDITION_FILE)?).map_err(|e| EditionError::Invalid {
            at: Location::new(self.path(EDITION_FILE), 0, 0),
            message: e.to_string(),
        })
    }
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
        Edition::from_files(&Files::builtin_2024()).expect("the built-in edition is valid (tested)")
    }

    /// Loads an edition from a directory holding `edition.toml`, its setup and its CSV
    /// files (each at most [`MAX_EDITION_FILE_BYTES`]: printed tables are small).
    pub fn load_dir(dir: &Path) -> Result<Edition, EditionError> {
        Edition::from_files(&Files::Dir(dir.to_path_buf()))
    }

    /// The edition named on the command line: a built-in year (`2024`) or a directory.
    pub fn resolve(arg: Option<&str>) -> Result<Edition, EditionError> {
        Edition::from_files(&Files::resolve(arg)?)
    }

    fn from_files(files: &Files) -> Result<Edition, EditionError> {
        let setup = Setup::from_files(files)?;
        let registry = &setup.registry;
        let manifest = files.manifest()?;
        let path = |name: &str| files.path(name);
        let mut tables = Vec::new();
        for spec in manifest.tables {
            let text = files.read(&spec.file)?;
            tables.push(parse_table(
                &text,
                &path(&spec.file),
                spec,
                manifest.year,
                registry,
            )?);
        }
        let modes = match &manifest.modes {
            Some(m) => parse_records(&files.read(&m.file)?, &path(&m.file), registry)?,
            None => Vec::new(),
        };
        let (quoted_values, quoted_totals) = match &manifest.quoted {
            Some(q) => (
                parse_records(&files.read(&q.values)?, &path(&q.values), registry)?,
                parse_records(&files.read(&q.totals)?, &path(&q.totals), registry)?,
            ),
            None => (Vec::new(), Vec::new()),
        };
        Ok(Edition {
            year: manifest.year,
            source: manifest.source,
            origin: files.origin(),
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
pub(crate) fn parse_records<T: serde::de::DeserializeOwned>(
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
mod select_tests;
#[cfg(test)]
mod tests;
