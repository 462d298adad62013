//! The derivation rules of report Appendix 2: one function per source file, in a module per
//! pillar (`science`, `highland`, `ecosystem`), and here what they share and the final
//! per-metro computation ([`finish`]).

use crate::places::{Places, Resolved};
use crate::sources::Table;
use crate::{Cell, Contribution, DeriveError, Flag};
use gihi_framework::Location;
use std::collections::{BTreeMap, BTreeSet};

mod ecosystem;
mod highland;
mod science;

pub use ecosystem::*;
pub use highland::*;
pub use science::*;

type Key = (String, &'static str);
/// Derived cells: (city, indicator) → cell.
pub type Cells = BTreeMap<(String, String), Cell>;

/// GICS lists of Appendix 2 (`data/derivation/gics.toml`).
pub const GICS_TOML: &str = include_str!("../../../../data/derivation/gics.toml");
/// The report's proxy lists for I23 and I28 (`data/derivation/proxies.toml`).
pub const PROXIES_TOML: &str = include_str!("../../../../data/derivation/proxies.toml");

/// The proxy level the report uses for a metro and indicator, if any.
fn listed_proxy(metro: &str, ind: &str) -> Option<Flag> {
    let v: toml::Value =
        toml::from_str(PROXIES_TOML).expect("built-in proxy lists are valid (tested)");
    let has = |level: &str| {
        v.get(ind)
            .and_then(|t| t.get(level))
            .and_then(|l| l.as_array())
            .is_some_and(|a| a.iter().any(|x| x.as_str() == Some(metro)))
    };
    if has("national") {
        Some(Flag::ProxyNational)
    } else if has("state") {
        Some(Flag::ProxyState)
    } else {
        None
    }
}

/// Fallback years of I15 (`data/derivation/gdp-fallback-years.toml`).
pub const FALLBACK_TOML: &str = include_str!("../../../../data/derivation/gdp-fallback-years.toml");

/// Indicators divided by the metro's population (per million inhabitants).
pub const PER_MILLION: [&str; 6] = ["I01", "I09", "I23", "I26", "I28", "I30"];

/// Funding rounds counted as venture capital (I21).
pub const VC_ROUNDS: [&str; 4] = ["seed", "angel", "series a", "series b"];
/// Funding rounds counted as private equity (I22); any `Series E` or later counts as E+.
pub const PE_ROUNDS: [&str; 5] = [
    "series c",
    "series d",
    "series e+",
    "growth equity",
    "private equity",
];

#[derive(Debug, Clone)]
struct Unicorn {
    list: &'static str,
    name: String,
    country: String,
    metro: String,
    contribution: Contribution,
}

#[derive(Debug, Clone)]
struct NatureRow {
    position: Option<u32>,
    institution: String,
    parent: String,
    share: f64,
    metro: String,
    contribution: Contribution,
}

/// What the rules have gathered so far.
#[derive(Debug, Clone, Default)]
pub struct Accumulator {
    sums: BTreeMap<Key, Vec<Contribution>>,
    distinct: BTreeMap<Key, BTreeMap<String, Contribution>>,
    means: BTreeMap<Key, Vec<Contribution>>,
    singles: BTreeMap<Key, Contribution>,
    population: BTreeMap<String, Vec<Contribution>>,
    /// State or national rates standing in for a metro, with their flag.
    rates: BTreeMap<Key, (Contribution, Flag)>,
    years: BTreeMap<Key, i32>,
    flags: BTreeMap<Key, BTreeSet<Flag>>,
    /// World Bank series: (indicator code, series code) → year → value.
    wb: BTreeMap<(String, String), BTreeMap<i32, f64>>,
    /// Real GDP (constant 2015 PPP) contributions per metro and year.
    /// metro → year → member place (lower-case city, ISO country) → contribution.
    gdp: BTreeMap<String, BTreeMap<i32, BTreeMap<String, Contribution>>>,
    /// Working-age population: metro → year → member place → contribution.
    labour: BTreeMap<String, BTreeMap<i32, BTreeMap<String, Contribution>>>,
    unicorns: Vec<Unicorn>,
    nature: Vec<NatureRow>,
    hpc: Vec<HpcRow>,
    /// Every (list, rank) read from the two supercomputer lists, in a metro or not.
    hpc_ranks_read: BTreeSet<(HpcList, u32)>,
    /// China HPC rank → (TOP500 rank, file, line), from `hpc_matches.csv`.
    hpc_matches: BTreeMap<u32, (u32, String, usize)>,
    /// Rows left out because they come after their source's cut-off date.
    pub after_cutoff: Vec<Contribution>,
    /// I28: the platform(s) behind each metro's figure.
    platforms: BTreeMap<String, BTreeSet<String>>,
    /// Rows seen per file and place (for duplicates): key → (line, values).
    seen: BTreeMap<(String, String), (usize, String)>,
    pub merge_log: Vec<String>,
    /// The edition's source cut-off dates (source → `YYYY-MM-DD`), read by the rules that
    /// apply one.
    cutoffs: BTreeMap<String, String>,
    /// Each metro's member-city labels (a population given for all of them is the whole
    /// metro's).
    members: BTreeMap<String, BTreeSet<String>>,
}

fn contribution(t: &Table, line: usize, note: impl Into<String>, amount: f64) -> Contribution {
    Contribution {
        file: t.file.clone(),
        line,
        note: note.into(),
        amount,
        place: String::new(),
    }
}

/// A contribution that records the member place of its row (see [`Places::member_label`]).
fn placed(
    c: Contribution,
    places: &Places,
    t: &Table,
    row: &[String],
    city_col: &str,
    metro: &str,
) -> Contribution {
    Contribution {
        place: places.member_label(t.text(row, city_col), t.text(row, "country"), metro),
        ..c
    }
}

impl Accumulator {
    /// An empty accumulator for an edition with these source cut-off dates.
    pub fn with_cutoffs(cutoffs: BTreeMap<String, String>) -> Accumulator {
        Accumulator {
            cutoffs,
            ..Accumulator::default()
        }
    }

    /// Records each metro's member-city labels (see [`Places::member_label`]).
    pub fn set_members(&mut self, members: BTreeMap<String, BTreeSet<String>>) {
        self.members = members;
    }

    /// The cut-off date (`YYYY-MM-DD`) of a source, if the edition sets one.
    pub fn cutoff(&self, source: &str) -> Option<String> {
        self.cutoffs.get(source).cloned()
    }

    /// Refuses a second row for the same place in a per-place table unless it repeats the
    /// first exactly (then it is ignored: returns false).
    fn first_row(
        &mut self,
        t: &Table,
        line: usize,
        place: &str,
        values: String,
    ) -> Result<bool, DeriveError> {
        match self.seen.get(&(t.file.clone(), place.to_string())) {
            None => {
                self.seen.insert((t.file.clone(), place.to_string()), (line, values));
                Ok(true)
            }
            Some((_, v)) if *v == values => Ok(false),
            Some((first, _)) => Err(crate::DeriveError::Invalid {
                at: Location::new(t.file.clone(), line, 1),
                message: format!("duplicate row for {place} (first at line {first}) with different values: expected one row per place"),
            }),
        }
    }

    fn sum(&mut self, metro: &str, ind: &'static str, c: Contribution) {
        self.sums
            .entry((metro.to_string(), ind))
            .or_default()
            .push(c);
    }

    fn flag(&mut self, metro: &str, ind: &'static str, f: Flag) {
        self.flags
            .entry((metro.to_string(), ind))
            .or_default()
            .insert(f);
    }
}

/// A place as the duplicate check compares it (city without case, country, metro), written
/// so that it reads well in a message: `toronto (CA)`, `arlington (US, metro dallas)`.
fn place_key(t: &Table, row: &[String]) -> String {
    let metro = t.text(row, "metro");
    format!(
        "`{}` ({}{})",
        t.text(row, "city").to_lowercase(),
        t.text(row, "country").to_uppercase(),
        if metro.is_empty() {
            String::new()
        } else {
            format!(", metro {metro}")
        }
    )
}

/// Sums numeric columns of a per-place table into indicators.
fn per_place_sums(
    t: &Table,
    places: &Places,
    acc: &mut Accumulator,
    columns: &[(&str, &'static str)],
) -> Result<(), DeriveError> {
    for (line, row) in &t.rows {
        let Some(metro) = t.metro(places, *line, row, "city", "country", "metro")? else {
            continue;
        };
        let values: Vec<f64> = columns
            .iter()
            .map(|(c, _)| t.required_number(*line, row, c))
            .collect::<Result<_, _>>()?;
        if !acc.first_row(t, *line, &place_key(t, row), format!("{values:?}"))? {
            continue;
        }
        for ((col, ind), v) in columns.iter().zip(values) {
            let c = contribution(
                t,
                *line,
                format!(
                    "{} {}: {col} {v}",
                    t.text(row, "city"),
                    t.text(row, "country")
                ),
                v,
            );
            acc.sum(&metro, ind, placed(c, places, t, row, "city", &metro));
        }
    }
    Ok(())
}

/// Denominators of the per-million indicators (Appendix 2: 1, 9, 23, 26, 28, 30): population by member city.
pub fn population(t: &Table, places: &Places, acc: &mut Accumulator) -> Result<(), DeriveError> {
    for (line, row) in &t.rows {
        let Some(metro) = t.metro(places, *line, row, "city", "country", "metro")? else {
            continue;
        };
        let p = t.required_number(*line, row, "population")?;
        if !acc.first_row(t, *line, &place_key(t, row), p.to_string())? {
            continue;
        }
        let c = contribution(
            t,
            *line,
            format!("{} population {p}", t.text(row, "city")),
            p,
        );
        let c = placed(c, places, t, row, "city", &metro);
        acc.population.entry(metro).or_default().push(c);
    }
    Ok(())
}

/// Computes every cell from what the rules gathered; also returns the merge log.
pub fn finish(
    mut acc: Accumulator,
    cities: &[String],
    indicators: &[String],
) -> Result<(Cells, Vec<String>), DeriveError> {
    nature_index_rule(&mut acc);
    hpc_rule(&mut acc)?;
    unicorn_rule(&mut acc);
    let fallback: toml::Value =
        toml::from_str(FALLBACK_TOML).expect("built-in fallback years are valid (tested)");
    let target = fallback["target_year"].as_integer().unwrap_or(2022) as i32;
    let mut out = BTreeMap::new();
    for city in cities {
        for ind in indicators {
            let ind_s: &'static str = framework_id(ind);
            let key: Key = (city.clone(), ind_s);
            let mut cell = Cell::default();
            if let Some(f) = acc.flags.get(&key) {
                cell.flags.extend(f.iter().copied());
            }
            match ind_s {
                "I15" => growth(
                    &acc,
                    city,
                    target,
                    fallback["fallback"]
                        .get(city)
                        .and_then(|v| v.as_integer())
                        .map(|y| y as i32),
                    &mut cell,
                ),
                "I16" => productivity(&acc, city, target, &mut cell),
                "I23" | "I28" if listed_proxy(city, ind_s).is_some() => {
                    // The report takes a national or state figure for this city (proxies.toml).
                    let level = listed_proxy(city, ind_s).expect("checked");
                    match acc.rates.get(&key) {
                        Some((c, flag)) if *flag == level => {
                            cell.value = Some(c.amount);
                            cell.rows = vec![c.clone()];
                            cell.flags.insert(level);
                            cell.method = format!(
                                "{} figure, as the report lists for this city",
                                level.as_str()
                            );
                            if acc.sums.contains_key(&key) {
                                cell.method.push_str("; city rows ignored");
                            }
                        }
                        _ => {
                            cell.method = format!(
                                "the report uses a {} figure for this city; no such row was given",
                                level.as_str()
                            );
                        }
                    }
                }
                _ => {
                    if let Some(rows) = acc.sums.get(&key) {
                        cell.value = Some(rows.iter().map(|c| c.amount).sum());
                        cell.method = format!("sum of {} row(s)", rows.len());
                        cell.rows = rows.clone();
                    } else if let Some(d) = acc.distinct.get(&key) {
                        cell.value = Some(d.len() as f64);
                        cell.method = format!("{} distinct entries", d.len());
                        cell.rows = d.values().cloned().collect();
                    } else if let Some(rows) = acc.means.get(&key) {
                        cell.value =
                            Some(rows.iter().map(|c| c.amount).sum::<f64>() / rows.len() as f64);
                        cell.method = format!("mean of {} row(s)", rows.len());
                        cell.rows = rows.clone();
                    } else if let Some(c) = acc.singles.get(&key) {
                        cell.value = Some(c.amount);
                        cell.method = "as given".into();
                        cell.rows = vec![c.clone()];
                    } else if counted_from_lists(ind_s) && !cell.flags.contains(&Flag::Missing) {
                        // A list-based count with no entry for the city is a zero, not a gap.
                        cell.value = Some(0.0);
                        cell.method = "no entry in the source lists".into();
                    }
                    if PER_MILLION.contains(&ind_s) {
                        let (population, used) = population_for(&acc, &key)?;
                        per_million(&acc, &key, population, used, &mut cell);
                    }
                    if cell.value.is_none() {
                        if let Some((c, flag)) = acc.rates.get(&key) {
                            if matches!(ind_s, "I23" | "I28") {
                                // Only the cities the report lists may take a proxy (above).
                                cell.method = format!(
                                    "no city figure; the report lists no {} proxy for this city, so the {} row is not used",
                                    ind_s,
                                    flag.as_str()
                                );
                            } else {
                                cell.value = Some(c.amount);
                                cell.method = format!("{} stands in", flag.as_str());
                                cell.rows = vec![c.clone()];
                                cell.flags.insert(*flag);
                            }
                        }
                    }
                }
            }
            if ind_s == "I28" && cell.value.is_some() {
                if let Some(p) = acc
                    .platforms
                    .get(city)
                    .filter(|_| !cell.flags.contains(&Flag::ProxyNational))
                {
                    let list: Vec<&str> = p.iter().map(String::as_str).collect();
                    cell.method
                        .push_str(&format!("; platform {}", list.join(" and ")));
                }
            }
            if let Some(y) = acc.years.get(&key) {
                cell.year.get_or_insert(*y);
            }
            if cell.year.is_none() {
                // The latest reference year among the contributing sources (Appendix 2).
                cell.year = cell
                    .rows
                    .iter()
                    .filter_map(|r| {
                        crate::sources::SOURCES
                            .iter()
                            .find(|s| r.file.ends_with(s.file))
                            .and_then(|s| s.year)
                    })
                    .max();
            }
            if cell.value.is_none() {
                cell.flags.insert(Flag::Missing);
                if cell.method.is_empty() {
                    cell.method = "no source row".into();
                }
            }
            out.insert((city.clone(), ind.clone()), cell);
        }
    }
    Ok((out, acc.merge_log))
}

/// The population a per-million figure divides by: that of exactly the places its
/// numerator covers. A numerator for the whole metro takes a whole-metro population row, or
/// the rows of all the metro's member cities; a numerator for some member cities takes their
/// rows (a population given for more members is fine). Anything else is an error: a
/// per-million figure over different places would be wrong. Returns the population and the
/// rows used.
fn population_for(acc: &Accumulator, key: &Key) -> Result<(f64, Vec<Contribution>), DeriveError> {
    use crate::places::WHOLE_METRO;
    let Some(rows) = acc.sums.get(key) else {
        let all = acc.population.get(&key.0).cloned().unwrap_or_default();
        return Ok((all.iter().map(|c| c.amount).sum(), all));
    };
    let numerator: BTreeSet<&str> = rows.iter().map(|c| c.place.as_str()).collect();
    let pop_rows = acc.population.get(&key.0).map(Vec::as_slice).unwrap_or(&[]);
    let population: BTreeSet<&str> = pop_rows.iter().map(|c| c.place.as_str()).collect();
    let list = |s: &BTreeSet<&str>| s.iter().copied().collect::<Vec<_>>().join(", ");
    let at = |c: &Contribution| Location::new(c.file.clone(), c.line, 1);
    for (what, set, first) in [
        ("population", &population, pop_rows.first()),
        (key.1, &numerator, rows.first()),
    ] {
        if set.contains(WHOLE_METRO) && set.len() > 1 {
            if let Some(first) = first {
                return Err(DeriveError::Invalid {
                    at: at(first),
                    message: format!(
                        "{} {what}: a row for the whole metro and rows for its member cities ({}) would be counted twice",
                        key.0,
                        list(set)
                    ),
                });
            }
        }
    }
    let sum = |places: &BTreeSet<&str>| {
        let used: Vec<Contribution> = pop_rows
            .iter()
            .filter(|c| places.contains(c.place.as_str()))
            .cloned()
            .collect();
        (used.iter().map(|c| c.amount).sum(), used)
    };
    if population.is_empty() || numerator == population {
        return Ok(sum(&population));
    }
    let all_members = acc
        .members
        .get(&key.0)
        .is_some_and(|m| !m.is_empty() && m.iter().all(|x| population.contains(x.as_str())));
    let whole = numerator.len() == 1 && numerator.contains(WHOLE_METRO);
    if whole && all_members {
        return Ok(sum(&population));
    }
    if !whole && numerator.is_subset(&population) {
        return Ok(sum(&numerator));
    }
    Err(DeriveError::Invalid {
        at: at(&rows[0]),
        message: format!(
            "{} {}: the numerator covers {{{}}} but the population covers {{{}}}; a per-million figure needs the population of the same places (for the whole metro: a whole-metro row, or every member city)",
            key.0,
            key.1,
            list(&numerator),
            list(&population)
        ),
    })
}

/// Indicators that count entries of lists (a city absent from every list scores 0).
fn counted_from_lists(ind: &str) -> bool {
    matches!(
        ind,
        "I02"
            | "I03"
            | "I04"
            | "I05"
            | "I06"
            | "I11"
            | "I12"
            | "I13"
            | "I14"
            | "I19"
            | "I20"
            | "I21"
            | "I22"
    )
}

fn per_million(
    acc: &Accumulator,
    key: &Key,
    population: f64,
    used: Vec<Contribution>,
    cell: &mut Cell,
) {
    let Some(v) = cell.value else { return };
    if acc.rates.contains_key(key) && !acc.sums.contains_key(key) {
        return;
    }
    if population > 0.0 {
        cell.value = Some(v / population * 1e6);
        cell.method = format!("{} / {population} inhabitants x 1e6", cell.method);
        cell.rows.extend(used);
    } else {
        cell.value = None;
        cell.method = format!("{}; no population for the metro", cell.method);
    }
}

/// The `&'static str` of a GIHI indicator id (rules key on these); other ids map to "".
fn framework_id(id: &str) -> &'static str {
    const IDS: [&str; 30] = [
        "I01", "I02", "I03", "I04", "I05", "I06", "I07", "I08", "I09", "I10", "I11", "I12", "I13",
        "I14", "I15", "I16", "I17", "I18", "I19", "I20", "I21", "I22", "I23", "I24", "I25", "I26",
        "I27", "I28", "I29", "I30",
    ];
    IDS.iter().find(|x| **x == id).copied().unwrap_or("")
}
