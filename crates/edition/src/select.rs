//! The city selection of Appendix 4: candidates from four world rankings, merged to metros,
//! split into main and mini groups by population, and compared with a registry.
//!
//! Appendix 4: "选出 4 份排名榜单中排名前 50 城市（都市圈），及排名 50 以后上榜二次及以下的城市
//! （都市圈）". Read literally, "二次及以下" (twice *or fewer*) would admit every city of
//! every list, which leaves the top-50 clause without effect and cannot give 120 cities.
//! gihi reads it as "二次及以上": **a metro is selected if it ranks in the top 50 of at least
//! one list ([`TOP`]), or if it appears in at least two lists ([`MIN_LISTS`]) at whatever
//! rank.** The conventions:
//! - a list entry is resolved to metros through the registry (ids, names, member cities)
//!   and the edition's alias table ([`gihi_places::Places`]);
//! - an entry that names a cluster (`Tokyo–Yokohama`, `Shanghai–Suzhou`) and does not
//!   resolve whole is split at en/em dashes, slashes and ` - `; it counts, with the
//!   cluster's rank, for every registry metro one of its parts names (one metro, or several
//!   when the cluster spans them); parts outside the registry are named in the reason. A
//!   cluster none of whose parts is in the registry is a new candidate under its own name;
//! - several entries of one list resolving to one metro count once, with the best rank;
//! - a place outside every registry metro is a new candidate, merged across lists by its
//!   name and country (case-insensitive): spell it alike in every list, or add an alias
//!   once the metro is in the registry;
//! - a metro with fewer than [`crate::MINI_HUB_POPULATION`] inhabitants is a mini-hub.

use crate::EditionError;
use gihi_framework::Location;
use gihi_places::{Places, Resolved};
use gihi_registry::{Group, Registry};
use serde::Serialize;
use std::collections::BTreeMap;

/// A metro in the top this-many of any list is selected.
pub const TOP: u32 = 50;
/// A metro in at least this many lists is selected whatever its ranks.
pub const MIN_LISTS: usize = 2;

/// One source ranking (e.g. Nature Index Science Cities), named by its file.
#[derive(Debug, Clone, PartialEq)]
pub struct List {
    pub name: String,
    pub file: String,
    pub entries: Vec<Entry>,
}

/// One row of a source ranking.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub line: usize,
    pub rank: u32,
    pub city: String,
    pub country: String,
}

/// One row of the population file: the inhabitants of a metro or a new candidate.
#[derive(Debug, Clone, PartialEq)]
pub struct PopulationRow {
    pub line: usize,
    pub city: String,
    pub country: String,
    pub population: u64,
}

/// Where a candidate appears: list name, its best rank there, the spelling printed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Appearance {
    pub list: String,
    pub rank: u32,
    pub printed: String,
}

/// How a candidate compares with the registry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Change {
    /// Selected and in the registry, same group.
    Kept,
    /// Selected, not in the registry.
    Added,
    /// In the registry, not selected.
    Dropped,
    /// Selected and in the registry, in the other group.
    GroupChanged,
    /// Listed but not selected, and not in the registry.
    NotSelected,
}

impl Change {
    /// The word used in outputs (`kept`, `added`, `dropped`, `group_changed`, `not_selected`).
    pub fn as_str(self) -> &'static str {
        match self {
            Change::Kept => "kept",
            Change::Added => "added",
            Change::Dropped => "dropped",
            Change::GroupChanged => "group_changed",
            Change::NotSelected => "not_selected",
        }
    }
}

/// A metro (or a new city) that one of the lists names.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Candidate {
    /// Registry id, or empty for a city the registry does not have.
    pub metro: String,
    /// The registry's English name, or the first spelling printed.
    pub name: String,
    /// ISO code for registry countries, else the country as printed.
    pub country: String,
    pub appearances: Vec<Appearance>,
    pub selected: bool,
    /// Why it is (or is not) selected, in words.
    pub reason: String,
    pub population: Option<u64>,
    /// The group its population implies (`None` without a population).
    pub group: Option<Group>,
    /// Its group in the registry compared with.
    pub registry_group: Option<Group>,
    pub change: Change,
}

/// The outcome of a selection.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Selection {
    /// Selected first (registry order, then new cities by best rank), then the rest.
    pub candidates: Vec<Candidate>,
}

impl Selection {
    /// Candidates with this change.
    pub fn with(&self, change: Change) -> impl Iterator<Item = &Candidate> {
        self.candidates.iter().filter(move |c| c.change == change)
    }

    /// Selected candidates in a group (`None`: without a population).
    pub fn selected_in(&self, group: Option<Group>) -> usize {
        self.candidates
            .iter()
            .filter(|c| c.selected && c.group == group)
            .count()
    }

    /// The candidate list as CSV, one row per candidate; `banner` opens it (SYNTHETIC).
    pub fn csv(&self, banner: &str) -> String {
        let mut w = csv::Writer::from_writer(banner.as_bytes().to_vec());
        w.write_record([
            "selected",
            "change",
            "metro",
            "name",
            "country",
            "lists",
            "reason",
            "population",
            "group",
            "registry_group",
        ])
        .expect("writing to memory");
        for c in &self.candidates {
            let lists: Vec<String> = c
                .appearances
                .iter()
                .map(|a| format!("{}:{} ({})", a.list, a.rank, a.printed))
                .collect();
            w.write_record([
                c.selected.to_string(),
                c.change.as_str().to_string(),
                c.metro.clone(),
                c.name.clone(),
                c.country.clone(),
                lists.join("; "),
                c.reason.clone(),
                c.population.map(|p| p.to_string()).unwrap_or_default(),
                c.group.map(|g| g.to_string()).unwrap_or_default(),
                c.registry_group.map(|g| g.to_string()).unwrap_or_default(),
            ])
            .expect("writing to memory");
        }
        String::from_utf8(w.into_inner().expect("writing to memory")).expect("UTF-8")
    }
}

/// Reads a CSV with (at least) the named columns, `#` lines being comments; each row comes
/// with its line number in the file.
fn read_rows(
    text: &str,
    file: &str,
    columns: &[&str],
) -> Result<Vec<(usize, Vec<String>)>, EditionError> {
    let invalid = |line: usize, column: usize, message: String| EditionError::Invalid {
        at: Location::new(file, line, column),
        message,
    };
    let (filtered, lines) = gihi_input::CommentFilter::new(text.as_bytes());
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(filtered);
    let mut header: Option<Vec<usize>> = None;
    let mut out = Vec::new();
    for rec in rdr.records() {
        let rec = rec.map_err(|e| invalid(0, 0, e.to_string()))?;
        let line = lines
            .borrow()
            .real_line(rec.position().map_or(0, |p| p.line() as usize));
        match &header {
            None => {
                let names: Vec<String> = rec.iter().map(|h| h.trim().to_lowercase()).collect();
                let mut idx = Vec::new();
                for c in columns {
                    let k = names.iter().position(|n| n == c).ok_or_else(|| {
                        invalid(
                            line,
                            1,
                            format!(
                                "expected a header with the columns {}, found `{}`",
                                columns.join(", "),
                                gihi_input::clip(&rec.iter().collect::<Vec<_>>().join(","), 80)
                            ),
                        )
                    })?;
                    idx.push(k);
                }
                header = Some(idx);
            }
            Some(idx) => out.push((
                line,
                idx.iter()
                    .map(|&k| rec.get(k).unwrap_or("").trim().to_string())
                    .collect(),
            )),
        }
    }
    if header.is_none() {
        return Err(invalid(
            1,
            1,
            format!("expected a header with the columns {}", columns.join(", ")),
        ));
    }
    Ok(out)
}

/// Reads one ranking: columns `rank,city,country` (others ignored). A rank is a whole
/// number from 1, optionally marked as a tie (`=12` or `12=`).
pub fn read_list(name: &str, file: &str, text: &str) -> Result<List, EditionError> {
    let mut entries = Vec::new();
    for (line, row) in read_rows(text, file, &["rank", "city", "country"])? {
        let r = row[0].trim_matches('=');
        let rank =
            r.parse::<u32>()
                .ok()
                .filter(|&r| r >= 1)
                .ok_or_else(|| EditionError::Invalid {
                    at: Location::new(file, line, 1),
                    message: format!(
                    "rank: expected a whole number from 1 (a tie may be written =12), found `{}`",
                    gihi_input::clip(&row[0], 40)
                ),
                })?;
        if row[1].is_empty() {
            return Err(EditionError::Invalid {
                at: Location::new(file, line, 2),
                message: "city: expected a city name, found an empty cell".into(),
            });
        }
        entries.push(Entry {
            line,
            rank,
            city: row[1].clone(),
            country: row[2].clone(),
        });
    }
    Ok(List {
        name: name.to_string(),
        file: file.to_string(),
        entries,
    })
}

/// Reads the population file: columns `city,country,population` (whole inhabitants).
pub fn read_population(file: &str, text: &str) -> Result<Vec<PopulationRow>, EditionError> {
    let mut out = Vec::new();
    for (line, row) in read_rows(text, file, &["city", "country", "population"])? {
        let population =
            row[2]
                .replace([',', '_'], "")
                .parse::<u64>()
                .map_err(|_| EditionError::Invalid {
                    at: Location::new(file, line, 3),
                    message: format!(
                        "population: expected a whole number of inhabitants, found `{}`",
                        gihi_input::clip(&row[2], 40)
                    ),
                })?;
        out.push(PopulationRow {
            line,
            city: row[0].clone(),
            country: row[1].clone(),
            population,
        });
    }
    Ok(out)
}

/// What a list entry or population row names.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Key {
    /// Registry metros (one, or several for a cluster spanning them), and the parts of a
    /// cluster that lie outside the registry.
    Metros(Vec<String>, Vec<String>),
    /// A city outside the registry: (lower-case name, country key).
    New(String, String),
}

/// Cluster separators tried when a name does not resolve whole.
const CLUSTER_SEPARATORS: [&str; 4] = ["–", "—", "/", " - "];

fn resolve(places: &Places, city: &str, country: &str) -> Result<Key, String> {
    if let Resolved::Metro(m) = places.resolve(city, country, None)? {
        return Ok(Key::Metros(vec![m], Vec::new()));
    }
    let mut parts = vec![city.to_string()];
    for sep in CLUSTER_SEPARATORS {
        parts = parts
            .iter()
            .flat_map(|p| p.split(sep).map(str::to_string).collect::<Vec<_>>())
            .collect();
    }
    let parts: Vec<&str> = parts
        .iter()
        .map(|p| p.trim())
        .filter(|p| !p.is_empty())
        .collect();
    if parts.len() > 1 {
        let mut metros = Vec::new();
        let mut outside = Vec::new();
        for p in &parts {
            // A part that names no single metro (outside, ambiguous, a near miss) is a place
            // of the cluster outside the registry.
            match places.resolve(p, country, None) {
                Ok(Resolved::Metro(m)) => metros.push(m),
                _ => outside.push(p.to_string()),
            }
        }
        if !metros.is_empty() {
            metros.sort();
            metros.dedup();
            return Ok(Key::Metros(metros, outside));
        }
    }
    let country_key = places
        .country(country)
        .unwrap_or_else(|| country.trim().to_lowercase());
    Ok(Key::New(city.trim().to_lowercase(), country_key))
}

/// A metro or new city as the lists name it: display name, country, and per list its best
/// rank with the spelling printed there.
struct Listed {
    name: String,
    country: String,
    by_list: BTreeMap<String, (u32, String)>,
}

/// Applies Appendix 4's rule to the lists and compares the result with `registry`.
pub fn select(
    lists: &[List],
    population: &[PopulationRow],
    population_file: &str,
    places: &Places,
    registry: &Registry,
) -> Result<Selection, EditionError> {
    let mut seen: BTreeMap<String, Listed> = BTreeMap::new();
    // Cluster parts outside the registry, per metro.
    let mut outside_parts: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for list in lists {
        for e in &list.entries {
            let key =
                resolve(places, &e.city, &e.country).map_err(|message| EditionError::Invalid {
                    at: Location::new(&list.file, e.line, 2),
                    message,
                })?;
            let targets: Vec<(String, String, String)> = match key {
                Key::Metros(ms, outside) => ms
                    .into_iter()
                    .map(|m| {
                        for part in &outside {
                            let v = outside_parts.entry(m.clone()).or_default();
                            if !v.contains(part) {
                                v.push(part.clone());
                            }
                        }
                        let c = registry.get(&m).expect("resolved ids are registry ids");
                        (m.clone(), c.name_en.clone(), c.country.clone())
                    })
                    .collect(),
                Key::New(name, country) => vec![(
                    format!("new:{name}|{country}"),
                    e.city.trim().to_string(),
                    places
                        .country(&e.country)
                        .unwrap_or_else(|| e.country.trim().to_string()),
                )],
            };
            for (id, name, country) in targets {
                let entry = seen.entry(id).or_insert_with(|| Listed {
                    name,
                    country,
                    by_list: BTreeMap::new(),
                });
                let best = entry
                    .by_list
                    .entry(list.name.clone())
                    .or_insert((e.rank, e.city.clone()));
                if e.rank < best.0 {
                    *best = (e.rank, e.city.clone());
                }
            }
        }
    }
    let mut inhabitants: BTreeMap<String, (usize, u64)> = BTreeMap::new();
    for p in population {
        let id = match resolve(places, &p.city, &p.country) {
            Ok(Key::Metros(ms, _)) if ms.len() == 1 => ms[0].clone(),
            Ok(Key::New(name, country)) => format!("new:{name}|{country}"),
            Ok(Key::Metros(ms, _)) => {
                return Err(EditionError::Invalid {
                    at: Location::new(population_file, p.line, 1),
                    message: format!(
                        "`{}` names {} metros ({}): give one row per metro",
                        p.city,
                        ms.len(),
                        ms.join(", ")
                    ),
                })
            }
            Err(message) => {
                return Err(EditionError::Invalid {
                    at: Location::new(population_file, p.line, 1),
                    message,
                })
            }
        };
        if let Some((first, _)) = inhabitants.insert(id.clone(), (p.line, p.population)) {
            return Err(EditionError::Invalid {
                at: Location::new(population_file, p.line, 1),
                message: format!(
                    "`{}` is the same metro as line {first} ({}): give one row per metro",
                    p.city,
                    id.trim_start_matches("new:")
                ),
            });
        }
    }
    let mut candidates = Vec::new();
    for (id, listed) in seen {
        let Listed {
            name,
            country,
            by_list,
        } = listed;
        let appearances: Vec<Appearance> = by_list
            .into_iter()
            .map(|(list, (rank, printed))| Appearance {
                list,
                rank,
                printed,
            })
            .collect();
        let best = appearances.iter().min_by_key(|a| (a.rank, a.list.clone()));
        let (selected, reason) = match best {
            Some(a) if a.rank <= TOP => {
                (true, format!("top {TOP} of {} (rank {})", a.list, a.rank))
            }
            _ if appearances.len() >= MIN_LISTS => (
                true,
                format!("ranked beyond {TOP} in {} lists", appearances.len()),
            ),
            _ => (false, format!("ranked beyond {TOP} in one list only")),
        };
        let reason = match outside_parts.get(&id) {
            Some(parts) => format!(
                "{reason}; cluster places outside the registry: {}",
                parts.join(", ")
            ),
            None => reason,
        };
        let population = inhabitants.get(&id).map(|p| p.1);
        let group = population.map(group_of);
        let in_registry = !id.starts_with("new:");
        let registry_group = registry.get(&id).map(|c| c.group);
        let change = match (selected, in_registry) {
            (true, false) => Change::Added,
            (false, false) => Change::NotSelected,
            (false, true) => Change::Dropped,
            (true, true) if group.is_some() && group != registry_group => Change::GroupChanged,
            (true, true) => Change::Kept,
        };
        candidates.push(Candidate {
            metro: if in_registry { id } else { String::new() },
            name,
            country,
            appearances,
            selected,
            reason,
            population,
            group,
            registry_group,
            change,
        });
    }
    for c in &registry.cities {
        if !candidates.iter().any(|k| k.metro == c.id) {
            let population = inhabitants.get(&c.id).map(|p| p.1);
            candidates.push(Candidate {
                metro: c.id.clone(),
                name: c.name_en.clone(),
                country: c.country.clone(),
                appearances: Vec::new(),
                selected: false,
                reason: "in no list".into(),
                population,
                group: population.map(group_of),
                registry_group: Some(c.group),
                change: Change::Dropped,
            });
        }
    }
    let registry_no = |c: &Candidate| registry.get(&c.metro).map(|m| m.no);
    let best_rank = |c: &Candidate| c.appearances.iter().map(|a| a.rank).min();
    candidates.sort_by(|a, b| {
        (
            !a.selected,
            registry_no(a).is_none(),
            registry_no(a),
            best_rank(a),
            &a.name,
        )
            .cmp(&(
                !b.selected,
                registry_no(b).is_none(),
                registry_no(b),
                best_rank(b),
                &b.name,
            ))
    });
    Ok(Selection { candidates })
}

fn group_of(population: u64) -> Group {
    if population < crate::MINI_HUB_POPULATION {
        Group::Mini
    } else {
        Group::Main
    }
}
