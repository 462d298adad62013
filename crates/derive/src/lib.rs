//! From source tables to the 30 indicators, by the rules of report Appendix 2, with the
//! provenance of every cell.
//!
//! Every source file is a CSV whose layout [`sources::SOURCES`] documents (as close as possible
//! to the public export of that source). Places are an administrative city with its country
//! (mapped to its metro through the registry's member cities), or a metro id or name; a
//! `metro` column settles the four US names that belong to two metros. Each row becomes
//! *contributions* (metro, indicator, amount, file, line); contributions are aggregated per
//! metro — summed, averaged, or counted once per distinct key — and some indicators are then
//! divided by population (per million) or computed from several values (growth, productivity).
//! Every cell keeps its contributing rows, data year and flags.

pub use gihi_places as places;
pub mod rules;
pub mod sources;

use gihi_edition::Setup;
use gihi_framework::Location;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// A caveat on a derived value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Flag {
    /// A national figure stands in for the city.
    ProxyNational,
    /// A state, province or region figure stands in for the city.
    ProxyState,
    /// An earlier year than the target year.
    FallbackYear,
    /// Estimated (e.g. working-age population from an age structure).
    Estimated,
    /// Some member cities were left out (e.g. present in only one of the years compared).
    MembersExcluded,
    /// No source value.
    Missing,
}

impl Flag {
    /// Kebab-case name used in files.
    pub fn as_str(self) -> &'static str {
        match self {
            Flag::ProxyNational => "proxy-national",
            Flag::ProxyState => "proxy-state",
            Flag::FallbackYear => "fallback-year",
            Flag::Estimated => "estimated",
            Flag::MembersExcluded => "members-excluded",
            Flag::Missing => "missing",
        }
    }
}

/// One source row's part in a cell.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Contribution {
    pub file: String,
    pub line: usize,
    /// What the row says, e.g. `Harvard University (ARWU rank 1)`.
    pub note: String,
    pub amount: f64,
    /// The member place the row is about (`boston (US)`, or `the whole metro`), where the
    /// rule needs it (per-million numerators and populations); empty otherwise.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub place: String,
}

/// A derived value and where it comes from.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct Cell {
    pub value: Option<f64>,
    pub rows: Vec<Contribution>,
    pub year: Option<i32>,
    pub flags: BTreeSet<Flag>,
    /// How the value was computed from the rows, e.g. `sum of 3 rows / 4.2 million inhabitants`.
    pub method: String,
}

impl Cell {
    /// The source files of the contributing rows.
    pub fn files(&self) -> BTreeSet<&str> {
        self.rows.iter().map(|r| r.file.as_str()).collect()
    }
}

/// The derived indicator table.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Derived {
    /// Registry order.
    pub cities: Vec<String>,
    pub indicators: Vec<String>,
    /// (city, indicator) → cell.
    pub cells: BTreeMap<(String, String), Cell>,
    /// Unicorn merge decisions: which entries of the two lists were judged the same firm, and why.
    pub merge_log: Vec<String>,
    /// Rows used and skipped per source; missing metros per indicator.
    pub summary: Summary,
    /// The unit of each indicator, as the framework states it (values are in these units).
    pub units: Vec<String>,
}

/// Why derivation failed.
#[derive(Debug, thiserror::Error)]
pub enum DeriveError {
    #[error("{path}: cannot read: {message}")]
    Read { path: String, message: String },
    #[error("{at}: {message}")]
    Invalid { at: Location, message: String },
    #[error("{dir}: missing source file(s) {files}: they feed {indicators}")]
    MissingSources {
        dir: String,
        files: String,
        indicators: String,
    },
}

/// Derives every indicator of an edition's framework, for its registry's cities, from the
/// source files in `dir`, with the edition's place aliases and source cut-off dates.
pub fn derive(dir: &Path, edition: &Setup) -> Result<Derived, DeriveError> {
    let (framework, registry) = (&edition.framework, &edition.registry);
    if !dir.is_dir() {
        return Err(DeriveError::Read {
            path: dir.display().to_string(),
            message: format!(
                "{}; expected a directory of source files (see `gihi sources template`)",
                if dir.exists() {
                    "not a directory"
                } else {
                    "no such directory"
                }
            ),
        });
    }
    let missing: Vec<&sources::SourceSpec> = sources::SOURCES
        .iter()
        .filter(|s| !dir.join(s.file).is_file())
        .collect();
    if !missing.is_empty() {
        let feeds: BTreeSet<&str> = missing
            .iter()
            .flat_map(|s| s.feeds.iter().copied())
            .collect();
        return Err(DeriveError::MissingSources {
            dir: dir.display().to_string(),
            files: missing
                .iter()
                .map(|s| s.file)
                .collect::<Vec<_>>()
                .join(", "),
            indicators: feeds.into_iter().collect::<Vec<_>>().join(", "),
        });
    }
    let aliases_file = edition.path(&edition.files.aliases);
    let mut places = places::Places::with_aliases(registry, &edition.aliases_text).map_err(
        |(line, column, message)| DeriveError::Invalid {
            at: Location::new(aliases_file, line, column),
            message,
        },
    )?;
    let user_aliases = dir.join(places::USER_ALIASES_FILE);
    if user_aliases.is_file() {
        let text = gihi_input::read_text_limited(&user_aliases, sources::MAX_SOURCE_BYTES)
            .map_err(|e| DeriveError::Read {
                path: user_aliases.display().to_string(),
                message: e.to_string(),
            })?;
        places
            .add_aliases(&text)
            .map_err(|(line, column, message)| DeriveError::Invalid {
                at: Location::new(user_aliases.display().to_string(), line, column),
                message,
            })?;
    }
    let mut acc = rules::Accumulator::with_cutoffs(edition.cutoffs.clone());
    acc.set_members(
        registry
            .cities
            .iter()
            .map(|c| {
                let labels = c
                    .members
                    .iter()
                    .map(|m| places.member_label(&m.name_en, &m.country, &c.id))
                    .collect();
                (c.id.clone(), labels)
            })
            .collect(),
    );
    let matches = dir.join(rules::HPC_MATCHES_FILE);
    if matches.is_file() {
        let table = sources::read(dir, &sources::HPC_MATCHES)?;
        rules::hpc_matches(&table, &mut acc)?;
    }
    let mut rows_read = Vec::new();
    for spec in sources::SOURCES {
        let table = sources::read(dir, spec)?;
        rows_read.push((spec.file, table.file.clone(), table.rows.len()));
        (spec.rule)(&table, &places, &mut acc)?;
    }
    for spec in sources::FROM_RECORDS {
        if dir.join(spec.file).is_file() {
            let table = sources::read(dir, spec)?;
            rows_read.push((spec.file, table.file.clone(), table.rows.len()));
            (spec.rule)(&table, &places, &mut acc)?;
        }
    }
    let cities: Vec<String> = registry.cities.iter().map(|c| c.id.clone()).collect();
    let indicators: Vec<String> = framework.indicators().map(|i| i.id.clone()).collect();
    let (cells, merge_log) = rules::finish(acc, &cities, &indicators)?;
    let outside = places.outside();
    let summary = Summary {
        sources: rows_read
            .into_iter()
            .map(|(name, file, rows)| {
                let out = outside.get(&file).cloned().unwrap_or_default();
                let skipped: usize = out.values().sum();
                let mut top: Vec<(String, usize)> = out.into_iter().collect();
                top.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
                top.truncate(SUMMARY_TOP_PLACES);
                SourceSummary {
                    file: name.to_string(),
                    rows,
                    outside_registry: skipped,
                    top_outside: top,
                }
            })
            .collect(),
        missing_by_indicator: indicators
            .iter()
            .map(|i| {
                let n = cities
                    .iter()
                    .filter(|c| {
                        cells
                            .get(&((*c).clone(), i.clone()))
                            .is_none_or(|x| x.value.is_none())
                    })
                    .count();
                (i.clone(), n)
            })
            .collect(),
    };
    let units = framework.indicators().map(|i| i.unit.clone()).collect();
    Ok(Derived {
        cities,
        indicators,
        cells,
        merge_log,
        summary,
        units,
    })
}

/// Places listed per source in the summary (the most frequent outside the registry).
pub const SUMMARY_TOP_PLACES: usize = 10;

/// What derivation did with every source row, and what it could not derive.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Summary {
    pub sources: Vec<SourceSummary>,
    /// Indicator → number of metros without a value.
    pub missing_by_indicator: BTreeMap<String, usize>,
}

/// One source file's rows: read, and skipped because their place lies outside every metro
/// (with the most frequent such places); the others fed the rules (which may still filter
/// them as the report says, e.g. ARWU ranks beyond 200).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SourceSummary {
    pub file: String,
    pub rows: usize,
    pub outside_registry: usize,
    pub top_outside: Vec<(String, usize)>,
}

impl Derived {
    /// The indicator table as CSV (`city` then one column per indicator; empty = missing),
    /// after a `# units:` comment line giving each indicator's unit.
    pub fn indicator_csv(&self, banner: Option<&str>) -> String {
        let mut out = String::new();
        if let Some(b) = banner {
            out.push_str(b);
            out.push('\n');
        }
        let units: Vec<String> = self
            .indicators
            .iter()
            .zip(&self.units)
            .map(|(i, u)| format!("{i} {u}"))
            .collect();
        out.push_str(&format!("# units: {}\n", units.join("; ")));
        let mut w = csv::Writer::from_writer(Vec::new());
        let mut header = vec!["city".to_string()];
        header.extend(self.indicators.iter().cloned());
        let _ = w.write_record(&header);
        for c in &self.cities {
            let mut row = vec![c.clone()];
            for i in &self.indicators {
                row.push(
                    self.cells
                        .get(&(c.clone(), i.clone()))
                        .and_then(|x| x.value)
                        .map_or(String::new(), |v| v.to_string()),
                );
            }
            let _ = w.write_record(&row);
        }
        out.push_str(&String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default());
        out
    }

    /// The provenance of every cell as CSV:
    /// `city,indicator,value,files,rows,year,flags,method`.
    pub fn provenance_csv(&self) -> String {
        let mut w = csv::Writer::from_writer(Vec::new());
        let _ = w.write_record([
            "city",
            "indicator",
            "value",
            "files",
            "rows",
            "year",
            "flags",
            "method",
        ]);
        for c in &self.cities {
            for i in &self.indicators {
                let cell = self
                    .cells
                    .get(&(c.clone(), i.clone()))
                    .cloned()
                    .unwrap_or_default();
                let _ = w.write_record([
                    c.clone(),
                    i.clone(),
                    cell.value.map_or(String::new(), |v| v.to_string()),
                    cell.files().into_iter().collect::<Vec<_>>().join(";"),
                    cell.rows.len().to_string(),
                    cell.year.map_or(String::new(), |y| y.to_string()),
                    cell.flags
                        .iter()
                        .map(|f| f.as_str())
                        .collect::<Vec<_>>()
                        .join(";"),
                    cell.method.clone(),
                ]);
            }
        }
        String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
    }

    /// The flags of every cell: (city, indicator) → flags, for carrying into `gihi compute`.
    pub fn flags(&self) -> BTreeMap<(String, String), Vec<&'static str>> {
        self.cells
            .iter()
            .filter(|(_, c)| !c.flags.is_empty())
            .map(|(k, c)| (k.clone(), c.flags.iter().map(|f| f.as_str()).collect()))
            .collect()
    }
}

#[cfg(test)]
mod tests;
