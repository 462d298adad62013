//! What an edition evaluates and how: its registry, framework, reference dates, source
//! cut-offs, place aliases and (optionally) metro populations, all data files named by the
//! `[setup]` and `[dates]` sections of the edition's `edition.toml`. A new edition is a
//! directory of such files (`gihi edition new`), never a change to the code.

use crate::{EditionError, Files, Manifest};
use gihi_framework::{Framework, Location};
use gihi_registry::{Continent, Group, Registry};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// A metro with fewer inhabitants than this is a mini-hub (Appendix 4: "人口小于 100 万的
/// 城市（都市圈）作为微型科技创新城市单独评估").
pub const MINI_HUB_POPULATION: u64 = 1_000_000;

/// The files of an edition's setup (`[setup]` of `edition.toml`), relative to its directory.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SetupFiles {
    /// The registry of evaluated cities and their members (`cities.toml`).
    pub registry: String,
    /// The indicator framework (`framework.toml`).
    pub framework: String,
    /// Source cut-off dates applied by `gihi derive` (`cutoffs.toml`).
    pub cutoffs: String,
    /// Places inside a metro that its member list does not name (`place-aliases.csv`).
    pub aliases: String,
    /// Population per metro (`population.csv`: `city,population,year,source`); the printed
    /// 2024 edition has none (its groups are those of Table 4).
    pub population: Option<String>,
}

/// Reference dates of the record-level indicators (Appendix 2, indicators 1, 7, 9, 10).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Dates {
    /// I09: invention patents granted and valid on this date (`YYYY-MM-DD`).
    pub valid_on: String,
    /// I10: PCT applications published in this year.
    pub pct_year: u16,
    /// I01: researchers with a paper in these years (first, last).
    pub active_researchers: [u16; 2],
    /// I07: highly cited papers published in these years (first, last).
    pub highly_cited: [u16; 2],
}

/// One row of an edition's population file.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct Population {
    /// Registry id.
    pub city: String,
    /// Inhabitants of the whole metro (all members).
    pub population: Option<u64>,
    pub year: Option<u16>,
    pub source: Option<String>,
}

/// An edition's setup, loaded and validated.
#[derive(Debug, Clone)]
pub struct Setup {
    pub year: u16,
    pub source: String,
    /// `builtin:data/editions/2024` or the directory it was read from.
    pub origin: String,
    pub files: SetupFiles,
    pub dates: Dates,
    pub registry: Registry,
    /// The registry's TOML text (runs carry a copy).
    pub registry_text: String,
    pub framework: Framework,
    /// The framework's TOML text (runs carry a copy).
    pub framework_text: String,
    /// Source → cut-off date (`YYYY-MM-DD`).
    pub cutoffs: BTreeMap<String, String>,
    /// The place-alias CSV text (parsed by `gihi derive`, which knows its rules).
    pub aliases_text: String,
    pub population: Option<Vec<Population>>,
    /// Whether the edition has printed result tables (a published edition).
    pub published: bool,
}

/// What `gihi edition check` reports: the totals of Appendix 4 and every problem found.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Check {
    pub year: u16,
    pub cities: usize,
    pub main: usize,
    pub mini: usize,
    pub countries: usize,
    pub members: usize,
    /// Cities per continent, in the report's order.
    pub continents: Vec<(String, usize)>,
    pub shared_members: usize,
    pub indicators: usize,
    /// Cities with a population (`None`: the edition gives no population file).
    pub with_population: Option<usize>,
    /// Problems, each naming its file (and row) and what is expected; empty when valid.
    pub problems: Vec<String>,
}

impl Setup {
    /// The GIHI 2024 edition's setup, built into the binary.
    pub fn gihi_2024() -> Setup {
        Setup::from_files(&Files::builtin_2024()).expect("the built-in edition is valid (tested)")
    }

    /// The edition named on the command line: a built-in year (`2024`) or a directory.
    pub fn resolve(arg: Option<&str>) -> Result<Setup, EditionError> {
        Setup::from_files(&Files::resolve(arg)?)
    }

    pub(crate) fn from_files(files: &Files) -> Result<Setup, EditionError> {
        let manifest: Manifest = files.manifest()?;
        let spec = manifest.setup.clone();
        check_dates(&manifest.dates, &files.path("edition.toml"))?;
        let registry_text = files.read(&spec.registry)?;
        let registry = Registry::from_toml_str(&registry_text, &files.path(&spec.registry))
            .map_err(|e| EditionError::Setup(e.to_string()))?;
        let framework_text = files.read(&spec.framework)?;
        let framework = Framework::from_toml_str(&framework_text, &files.path(&spec.framework))
            .map_err(|e| EditionError::Setup(e.to_string()))?;
        let cutoffs = parse_cutoffs(&files.read(&spec.cutoffs)?, &files.path(&spec.cutoffs))?;
        let aliases_text = files.read(&spec.aliases)?;
        let population = match &spec.population {
            None => None,
            Some(name) => Some(crate::parse_records::<Population>(
                &files.read(name)?,
                &files.path(name),
                &registry,
            )?),
        };
        Ok(Setup {
            year: manifest.year,
            source: manifest.source,
            origin: files.origin().to_string(),
            files: spec,
            dates: manifest.dates,
            registry,
            registry_text,
            framework,
            framework_text,
            cutoffs,
            aliases_text,
            population,
            published: !manifest.tables.is_empty(),
        })
    }

    /// Where a file of this edition is (for messages and provenance).
    pub fn path(&self, file: &str) -> String {
        format!("{}/{file}", self.origin)
    }

    /// Checks what loading cannot: Appendix 4's totals are reported, every metro has a
    /// population when the edition gives a population file, and each group agrees with it
    /// (mini-hub iff fewer than [`MINI_HUB_POPULATION`] inhabitants).
    pub fn check(&self) -> Check {
        let r = &self.registry;
        let mut problems = Vec::new();
        let countries: BTreeSet<&str> = r.cities.iter().map(|c| c.country.as_str()).collect();
        let continents = Continent::ALL
            .iter()
            .map(|k| {
                (
                    k.name_en().to_string(),
                    r.cities.iter().filter(|c| c.continent == *k).count(),
                )
            })
            .collect();
        let mut with_population = None;
        if let (Some(rows), Some(file)) = (&self.population, &self.files.population) {
            let at = self.path(file);
            let mut by_city: BTreeMap<&str, &Population> = BTreeMap::new();
            for p in rows {
                if by_city.insert(p.city.as_str(), p).is_some() {
                    problems.push(format!("{at}: city {} has two rows", p.city));
                }
            }
            let mut n = 0;
            let mut missing = Vec::new();
            for c in &r.cities {
                match by_city.get(c.id.as_str()).and_then(|p| p.population) {
                    None => missing.push(c.id.as_str()),
                    Some(p) => {
                        n += 1;
                        let expected = if p < MINI_HUB_POPULATION {
                            Group::Mini
                        } else {
                            Group::Main
                        };
                        if c.group != expected {
                            problems.push(format!(
                                "{}: {} is in group `{}` but has {p} inhabitants ({at}): expected `{expected}` (mini-hubs have fewer than {MINI_HUB_POPULATION})",
                                self.path(&self.files.registry), c.id, c.group
                            ));
                        }
                    }
                }
            }
            if !missing.is_empty() {
                let shown: Vec<&str> = missing.iter().copied().take(8).collect();
                problems.push(format!(
                    "{at}: no population for {} of {} metros ({}{}): every metro needs one (the mini-hub rule of Appendix 4 depends on it)",
                    missing.len(),
                    r.cities.len(),
                    shown.join(", "),
                    if missing.len() > shown.len() { ", ..." } else { "" }
                ));
            }
            for id in by_city.keys() {
                if r.get(id).is_none() {
                    problems.push(format!("{at}: city {id} is not in the registry"));
                }
            }
            with_population = Some(n);
        }
        for (source, date) in &self.cutoffs {
            if date[..4].parse::<u16>().is_ok_and(|y| y < self.year) {
                problems.push(format!(
                    "{}: {source} = \"{date}\" is before the edition's year {}: update the cut-off",
                    self.path(&self.files.cutoffs),
                    self.year
                ));
            }
        }
        if let Err((line, column, message)) =
            gihi_places::Places::with_aliases(r, &self.aliases_text)
        {
            problems.push(format!(
                "{}:{line}:{column}: {message}",
                self.path(&self.files.aliases)
            ));
        }
        for g in Group::ALL {
            if r.group(g).count() == 0 {
                problems.push(format!(
                    "{}: group `{g}` has no city",
                    self.path(&self.files.registry)
                ));
            }
        }
        Check {
            year: self.year,
            cities: r.cities.len(),
            main: r.group(Group::Main).count(),
            mini: r.group(Group::Mini).count(),
            countries: countries.len(),
            members: r.cities.iter().map(|c| c.members.len()).sum(),
            continents,
            shared_members: r.shared_members.len(),
            indicators: self.framework.indicators().count(),
            with_population,
            problems,
        }
    }
}

/// Whether `s` is a date `YYYY-MM-DD` (dates then compare as text).
pub fn is_iso_date(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(k, c)| k == 4 || k == 7 || c.is_ascii_digit())
        && (1..=12).contains(&s[5..7].parse::<u32>().unwrap_or(0))
        && (1..=31).contains(&s[8..10].parse::<u32>().unwrap_or(0))
}

fn check_dates(d: &Dates, at: &str) -> Result<(), EditionError> {
    let invalid = |message: String| EditionError::Invalid {
        at: Location::new(at.to_string(), 0, 0),
        message,
    };
    if !is_iso_date(&d.valid_on) {
        return Err(invalid(format!(
            "[dates] valid_on: expected a date YYYY-MM-DD, found `{}`",
            gihi_input::clip(&d.valid_on, 40)
        )));
    }
    for (name, [first, last]) in [
        ("active_researchers", d.active_researchers),
        ("highly_cited", d.highly_cited),
    ] {
        if first > last {
            return Err(invalid(format!(
                "[dates] {name}: expected [first year, last year], found [{first}, {last}]"
            )));
        }
    }
    Ok(())
}

/// `source = "…"` plus one `name = "YYYY-MM-DD"` per source with a cut-off.
fn parse_cutoffs(text: &str, at: &str) -> Result<BTreeMap<String, String>, EditionError> {
    let table: toml::Table = toml::from_str(text).map_err(|e| EditionError::Invalid {
        at: Location::new(at.to_string(), 0, 0),
        message: e.to_string(),
    })?;
    let mut out = BTreeMap::new();
    for (k, v) in table {
        if k == "source" {
            continue;
        }
        match v.as_str() {
            Some(d) if is_iso_date(d) => {
                out.insert(k, d.to_string());
            }
            _ => {
                return Err(EditionError::Invalid {
                    at: Location::new(at.to_string(), 0, 0),
                    message: format!("{k}: expected a cut-off date \"YYYY-MM-DD\", found {v}"),
                })
            }
        }
    }
    Ok(out)
}
