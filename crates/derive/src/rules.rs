//! The derivation rules of report Appendix 2, one function per source file, and the final
//! per-metro computation.

use crate::places::{Places, Resolved};
use crate::sources::Table;
use crate::{Cell, Contribution, DeriveError, Flag};
use gihi_framework::Location;
use std::collections::{BTreeMap, BTreeSet};

type Key = (String, &'static str);
/// Derived cells: (city, indicator) → cell.
pub type Cells = BTreeMap<(String, String), Cell>;

/// GICS lists of Appendix 2 (`data/derivation/gics.toml`).
pub const GICS_TOML: &str = include_str!("../../../data/derivation/gics.toml");
/// The report's proxy lists for I23 and I28 (`data/derivation/proxies.toml`).
pub const PROXIES_TOML: &str = include_str!("../../../data/derivation/proxies.toml");

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
pub const FALLBACK_TOML: &str = include_str!("../../../data/derivation/gdp-fallback-years.toml");

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
    /// China HPC rank → (TOP500 rank, file, line), from `hpc_matches.csv`.
    hpc_matches: BTreeMap<u32, (u32, String, usize)>,
    /// Rows left out because they come after their source's cut-off date.
    pub after_cutoff: Vec<Contribution>,
    /// I28: the platform(s) behind each metro's figure.
    platforms: BTreeMap<String, BTreeSet<String>>,
    /// Rows seen per file and place (for duplicates): key → (line, values).
    seen: BTreeMap<(String, String), (usize, String)>,
    pub merge_log: Vec<String>,
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

/// Legal-form suffixes removed by [`firm_key`] (as words after punctuation became spaces:
/// "S.A." is `s a`). Words that name a business ("Group", "Holdings", "Technologies") stay.
const LEGAL_FORMS: [&[&str]; 40] = [
    &["inc"],
    &["incorporated"],
    &["ltd"],
    &["limited"],
    &["co"],
    &["corp"],
    &["corporation"],
    &["company"],
    &["plc"],
    &["ag"],
    &["se"],
    &["sa"],
    &["s", "a"],
    &["gmbh"],
    &["llc"],
    &["lp"],
    &["llp"],
    &["nv"],
    &["n", "v"],
    &["bv"],
    &["b", "v"],
    &["kk"],
    &["k", "k"],
    &["spa"],
    &["s", "p", "a"],
    &["srl"],
    &["ab"],
    &["asa"],
    &["oyj"],
    &["pte"],
    &["pty"],
    &["sas"],
    &["sarl"],
    &["as"],
    &["a", "s"],
    &["kgaa"],
    &["bhd"],
    &["sdn"],
    &["tbk"],
    &["pjsc"],
];
/// Legal forms written without spaces in Chinese and Japanese names.
const CJK_LEGAL_FORMS: [&str; 6] = [
    "股份有限公司",
    "有限责任公司",
    "有限公司",
    "株式会社",
    "有限会社",
    "合同会社",
];

/// The key for "same firm" (I11 list union, I12 unicorn merge): the name without case,
/// punctuation, a leading "the" and trailing legal forms (Inc., Ltd., Co., GmbH, S.A., 株式会社,
/// 有限公司, ...). Only legal forms are removed: "Beta Technologies" and "Beta Holdings" stay
/// two firms.
pub fn firm_key(name: &str) -> String {
    let mut text = name.trim().to_lowercase();
    for form in CJK_LEGAL_FORMS {
        if let Some(rest) = text.strip_suffix(form) {
            text = rest.to_string();
        }
        if let Some(rest) = text.strip_prefix(form) {
            text = rest.to_string();
        }
    }
    let cleaned: String = text
        .chars()
        .map(|c| if c.is_alphanumeric() { c } else { ' ' })
        .collect();
    let mut words: Vec<&str> = cleaned.split_whitespace().collect();
    if words.first() == Some(&"the") && words.len() > 1 {
        words.remove(0);
    }
    'strip: loop {
        for form in LEGAL_FORMS {
            if words.len() > form.len() && words.ends_with(form) {
                words.truncate(words.len() - form.len());
                continue 'strip;
            }
        }
        break;
    }
    words.join(" ")
}

impl Accumulator {
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

pub fn dimensions(t: &Table, places: &Places, acc: &mut Accumulator) -> Result<(), DeriveError> {
    per_place_sums(
        t,
        places,
        acc,
        &[
            ("active_researchers", "I01"),
            ("highly_cited_papers", "I07"),
            ("policy_patent_trial_citations", "I08"),
        ],
    )
}

pub fn patents(t: &Table, places: &Places, acc: &mut Accumulator) -> Result<(), DeriveError> {
    per_place_sums(
        t,
        places,
        acc,
        &[
            ("valid_invention_patents", "I09"),
            ("pct_applications", "I10"),
        ],
    )
}

pub fn cloudscene(t: &Table, places: &Places, acc: &mut Accumulator) -> Result<(), DeriveError> {
    per_place_sums(t, places, acc, &[("colocation_data_centres", "I24")])
}

pub fn flights(t: &Table, places: &Places, acc: &mut Accumulator) -> Result<(), DeriveError> {
    per_place_sums(t, places, acc, &[("international_flights", "I26")])
}

pub fn museums(t: &Table, places: &Places, acc: &mut Accumulator) -> Result<(), DeriveError> {
    per_place_sums(t, places, acc, &[("museums", "I30"), ("libraries", "I30")])
}

/// I17, I18: centralities are properties of the metro and are taken as given (one row each).
pub fn network(t: &Table, places: &Places, acc: &mut Accumulator) -> Result<(), DeriveError> {
    for (line, row) in &t.rows {
        let metro = places
            .metro_id(t.text(row, "metro"))
            .map_err(|e| t.error(*line, "metro", e))?;
        let (a, b) = (
            t.required_number(*line, row, "coauthorship_eigenvector")?,
            t.required_number(*line, row, "patent_degree")?,
        );
        if !acc.first_row(t, *line, &metro, format!("{a} {b}"))? {
            continue;
        }
        acc.singles.insert(
            (metro.clone(), "I17"),
            contribution(t, *line, format!("{metro} eigenvector centrality {a}"), a),
        );
        acc.singles.insert(
            (metro.clone(), "I18"),
            contribution(t, *line, format!("{metro} degree centrality {b}"), b),
        );
    }
    Ok(())
}

/// Cut-off dates of Appendix 2 (`data/derivation/cutoffs.toml`).
pub const CUTOFFS_TOML: &str = include_str!("../../../data/derivation/cutoffs.toml");

/// The cut-off date (`YYYY-MM-DD`) of a source, if Appendix 2 gives one.
pub fn cutoff(source: &str) -> Option<String> {
    let v: toml::Value =
        toml::from_str(CUTOFFS_TOML).expect("built-in cut-offs are valid (tested)");
    v.get(source).and_then(|x| x.as_str()).map(str::to_string)
}

/// Whether `s` is a date `YYYY-MM-DD` (so that dates compare as text).
fn is_iso_date(s: &str) -> bool {
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

/// I02 (Appendix 2, indicator 2): Nobel (not literature or peace), Fields and Turing
/// laureates, counted in every metro where they currently work ("部分获奖者在多个城市有兼职
/// 工作，均计入统计"); a laureate with two rows in one metro counts once there. "数据统计截止到
/// 2024 年 6 月 24 日": an award announced after the cut-off ([`CUTOFFS_TOML`]) does not count;
/// an award of the cut-off year needs its announcement `date` to be placed.
pub fn laureates(t: &Table, places: &Places, acc: &mut Accumulator) -> Result<(), DeriveError> {
    let cut = cutoff("laureates");
    for (line, row) in &t.rows {
        if let Some(cut) = &cut {
            let date = t.text(row, "date");
            let after = if !date.is_empty() {
                if !is_iso_date(date) {
                    return Err(t.error(
                        *line,
                        "date",
                        format!("expected a date YYYY-MM-DD, found `{date}`"),
                    ));
                }
                date > cut.as_str()
            } else {
                let year: i32 = t.text(row, "year").parse().map_err(|_| {
                    t.error(
                        *line,
                        "year",
                        format!("expected an award year, found `{}`", t.text(row, "year")),
                    )
                })?;
                let cut_year: i32 = cut[..4].parse().unwrap_or(i32::MAX);
                if year == cut_year {
                    return Err(t.error(*line, "date", format!("a {year} award needs its announcement date in the `date` column: the data cut-off is {cut}")));
                }
                year > cut_year
            };
            if after {
                acc.after_cutoff.push(contribution(
                    t,
                    *line,
                    format!(
                        "{} ({}, after the cut-off {cut})",
                        t.text(row, "laureate"),
                        t.text(row, "prize")
                    ),
                    0.0,
                ));
                continue;
            }
        }
        let prize = t.text(row, "prize").to_lowercase();
        let counted = [
            "nobel physics",
            "nobel chemistry",
            "nobel medicine",
            "nobel physiology or medicine",
            "nobel economics",
            "nobel economic sciences",
            "fields",
            "fields medal",
            "turing",
            "turing award",
        ];
        let excluded = ["nobel literature", "nobel peace"];
        if excluded.contains(&prize.as_str()) {
            continue;
        }
        if !counted.contains(&prize.as_str()) {
            return Err(t.error(*line, "prize", format!("unknown prize `{}`: expected one of Nobel Physics, Nobel Chemistry, Nobel Medicine, Nobel Economics, Nobel Literature, Nobel Peace, Fields, Turing", t.text(row, "prize"))));
        }
        let Some(metro) = t.metro(places, *line, row, "city", "country", "metro")? else {
            continue;
        };
        let name = t.text(row, "laureate").to_string();
        acc.distinct
            .entry((metro, "I02"))
            .or_default()
            .entry(name.to_lowercase())
            .or_insert_with(|| {
                contribution(t, *line, format!("{name} ({})", t.text(row, "prize")), 1.0)
            });
    }
    Ok(())
}

/// The lower bound of an ARWU rank ("1", "101-150", "201–300").
fn rank_lower_bound(s: &str) -> Option<u32> {
    s.split(['-', '–'])
        .next()
        .and_then(|x| x.trim().parse().ok())
}

/// I03: universities in the ARWU top 200 (a rank band such as 151-200 counts).
pub fn arwu(t: &Table, places: &Places, acc: &mut Accumulator) -> Result<(), DeriveError> {
    for (line, row) in &t.rows {
        let rank = rank_lower_bound(t.text(row, "World Rank")).ok_or_else(|| {
            t.error(
                *line,
                "World Rank",
                format!(
                    "expected a rank such as 57 or 151-200, found `{}`",
                    t.text(row, "World Rank")
                ),
            )
        })?;
        if rank > 200 {
            continue;
        }
        let Some(metro) = t.metro(places, *line, row, "City", "Country/Region", "metro")? else {
            continue;
        };
        let name = t.text(row, "Institution").to_string();
        acc.distinct
            .entry((metro, "I03"))
            .or_default()
            .entry(name.to_lowercase())
            .or_insert_with(|| {
                contribution(
                    t,
                    *line,
                    format!("{name} (ARWU {})", t.text(row, "World Rank")),
                    1.0,
                )
            });
    }
    Ok(())
}

/// I04 (gathered here, decided in [`finish`]): see [`nature_index_rule`].
pub fn nature_index(t: &Table, places: &Places, acc: &mut Accumulator) -> Result<(), DeriveError> {
    for (line, row) in &t.rows {
        let pos = t.text(row, "Position");
        let position = if pos.is_empty() {
            None
        } else {
            Some(pos.parse::<u32>().map_err(|_| {
                t.error(
                    *line,
                    "Position",
                    format!("expected a whole number, found `{pos}`"),
                )
            })?)
        };
        let share = t.required_number(*line, row, "Share")?;
        let Some(metro) = t.metro(places, *line, row, "City", "Country/territory", "metro")? else {
            continue;
        };
        let institution = t.text(row, "Institution").to_string();
        acc.nature.push(NatureRow {
            position,
            parent: t.text(row, "Parent").to_string(),
            share,
            metro,
            contribution: contribution(t, *line, format!("{institution} (Share {share})"), 1.0),
            institution,
        });
    }
    Ok(())
}

/// I04 rule (Appendix 2, indicator 4): an institution of the Nature Index top 200 counts in
/// its city. "部分科研机构存在一个以上的子机构分布于不同城市": an institution whose
/// sub-institutions lie in *different* cities is represented by them instead, and a
/// sub-institution counts in its city if its Share exceeds that of the 200th institution.
/// An institution whose sub-institutions all lie in one city is not split: it counts once,
/// by its own rank, in its own city.
fn nature_index_rule(acc: &mut Accumulator) {
    let rows = std::mem::take(&mut acc.nature);
    let threshold = rows
        .iter()
        .filter(|r| r.parent.is_empty() && r.position.is_some_and(|p| p <= 200))
        .map(|r| (r.position.unwrap_or(0), r.share))
        .max_by_key(|x| x.0)
        .map_or(0.0, |x| x.1);
    let mut sub_cities: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for r in rows.iter().filter(|r| !r.parent.is_empty()) {
        sub_cities
            .entry(r.parent.to_lowercase())
            .or_default()
            .insert(r.metro.clone());
    }
    let split = |parent: &str| {
        sub_cities
            .get(&parent.to_lowercase())
            .is_some_and(|cities| cities.len() > 1)
    };
    for r in rows {
        let counts = if r.parent.is_empty() {
            r.position.is_some_and(|p| p <= 200) && !split(&r.institution)
        } else {
            split(&r.parent) && r.share > threshold
        };
        if counts {
            acc.distinct
                .entry((r.metro, "I04"))
                .or_default()
                .entry(r.institution.to_lowercase())
                .or_insert(r.contribution);
        }
    }
}

/// I05: operating large research facilities, supercomputers excluded.
pub fn facilities(t: &Table, places: &Places, acc: &mut Accumulator) -> Result<(), DeriveError> {
    for (line, row) in &t.rows {
        let cat = t.text(row, "category").to_lowercase();
        let status = t.text(row, "status").to_lowercase();
        if !["dedicated-research", "public-platform", "supercomputer"].contains(&cat.as_str()) {
            return Err(t.error(*line, "category", format!("unknown category `{}`: expected dedicated-research, public-platform or supercomputer", t.text(row, "category"))));
        }
        if !["operating", "construction", "planned", "closed"].contains(&status.as_str()) {
            return Err(t.error(
                *line,
                "status",
                format!(
                    "unknown status `{}`: expected operating, construction, planned or closed",
                    t.text(row, "status")
                ),
            ));
        }
        if cat == "supercomputer" || status != "operating" {
            continue;
        }
        let Some(metro) = t.metro(places, *line, row, "city", "country", "metro")? else {
            continue;
        };
        let name = t.text(row, "name").to_string();
        acc.distinct
            .entry((metro, "I05"))
            .or_default()
            .entry(name.to_lowercase())
            .or_insert_with(|| contribution(t, *line, name, 1.0));
    }
    Ok(())
}

fn supercomputers(
    t: &Table,
    places: &Places,
    acc: &mut Accumulator,
    country: Option<&str>,
    list: &str,
) -> Result<(), DeriveError> {
    for (line, row) in &t.rows {
        let metro = match country {
            Some(c) => {
                let m = t.text(row, "metro");
                match places
                    .resolve(t.text(row, "City"), c, (!m.is_empty()).then_some(m))
                    .map_err(|e| t.error(*line, "City", e))?
                {
                    Resolved::Metro(id) => Some(id),
                    Resolved::Outside { label } => {
                        places.note_outside(&t.file, &label);
                        None
                    }
                }
            }
            None => t.metro(places, *line, row, "City", "Country", "metro")?,
        };
        let Some(metro) = metro else { continue };
        let rank_text = t.text(row, "Rank");
        let rank: u32 = rank_text.trim().parse().map_err(|_| {
            t.error(
                *line,
                "Rank",
                format!("expected a whole-number rank, found `{rank_text}`"),
            )
        })?;
        let (name, site) = (t.text(row, "Name"), t.text(row, "Site"));
        acc.hpc.push(HpcRow {
            list: if country.is_some() {
                HpcList::China
            } else {
                HpcList::Top500
            },
            rank,
            name: name.to_string(),
            metro,
            contribution: contribution(
                t,
                *line,
                format!("{name} at {site} ({list} rank {rank})"),
                1.0,
            ),
        });
    }
    Ok(())
}

/// The two supercomputer lists of I06.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum HpcList {
    Top500,
    China,
}

#[derive(Debug, Clone)]
struct HpcRow {
    list: HpcList,
    rank: u32,
    name: String,
    metro: String,
    contribution: Contribution,
}

/// The optional table of systems on both lists (`hpc_matches.csv` in the sources):
/// `top500_rank,china_rank`, one line per system listed under different names.
pub const HPC_MATCHES_FILE: &str = "hpc_matches.csv";

/// `hpc_matches.csv` as a source rule (places are not needed).
pub fn hpc_matches_rule(
    t: &Table,
    _places: &Places,
    acc: &mut Accumulator,
) -> Result<(), DeriveError> {
    hpc_matches(t, acc)
}

/// Reads `hpc_matches.csv` into (China rank → TOP500 rank).
pub fn hpc_matches(t: &Table, acc: &mut Accumulator) -> Result<(), DeriveError> {
    for (line, row) in &t.rows {
        let num = |col: &str| -> Result<u32, DeriveError> {
            t.text(row, col).trim().parse().map_err(|_| {
                t.error(
                    *line,
                    col,
                    format!("expected a whole-number rank, found `{}`", t.text(row, col)),
                )
            })
        };
        let (top, china) = (num("top500_rank")?, num("china_rank")?);
        if let Some(prev) = acc.hpc_matches.insert(china, (top, t.file.clone(), *line)) {
            return Err(t.error(
                *line,
                "china_rank",
                format!(
                    "China HPC rank {china} is already matched (line {})",
                    prev.2
                ),
            ));
        }
    }
    Ok(())
}

/// I06 rule (Appendix 2, indicator 6): every system of the TOP500 (November 2023) and of the
/// China HPC TOP100 (2023) counts once in its site's metro. A system is identified by its
/// rank within its list (so two systems with an empty name at one site are two systems,
/// and a repeated rank is one system). A system on both lists counts once: it is matched
/// through `hpc_matches.csv` (TOP500 rank, China rank; for systems listed under different
/// names, e.g. English and Chinese), or by the same name (case, punctuation and legal forms
/// aside) in the same metro. Every merge is logged.
fn hpc_rule(acc: &mut Accumulator) {
    let rows = std::mem::take(&mut acc.hpc);
    let mut kept: BTreeMap<(HpcList, u32), HpcRow> = BTreeMap::new();
    for r in rows {
        match kept.get(&(r.list, r.rank)) {
            Some(first) => acc.merge_log.push(format!(
                "I06: {} ({} line {}) = {} ({} line {}): same rank {} of the same list",
                r.name,
                r.contribution.file,
                r.contribution.line,
                first.name,
                first.contribution.file,
                first.contribution.line,
                r.rank
            )),
            None => {
                kept.insert((r.list, r.rank), r);
            }
        }
    }
    let china: Vec<(u32, HpcRow)> = kept
        .iter()
        .filter(|((l, _), _)| *l == HpcList::China)
        .map(|((_, k), r)| (*k, r.clone()))
        .collect();
    for (rank, r) in china {
        let explicit = acc.hpc_matches.get(&rank).map(|m| m.0);
        let same_name = || {
            let key = firm_key(&r.name);
            kept.iter()
                .find(|((l, _), t)| {
                    *l == HpcList::Top500
                        && !key.is_empty()
                        && firm_key(&t.name) == key
                        && t.metro == r.metro
                })
                .map(|((_, k), _)| *k)
        };
        let (top, why) = match explicit {
            Some(top) => (Some(top), "hpc_matches.csv"),
            None => (same_name(), "same name in the same metro"),
        };
        if let Some(top) = top {
            if let Some(t) = kept.get(&(HpcList::Top500, top)) {
                acc.merge_log.push(format!(
                    "I06: {} (China HPC TOP100 rank {rank}, {} line {}) = {} (TOP500 rank {top}, {} line {}): {why}; counted in {}",
                    r.name, r.contribution.file, r.contribution.line, t.name, t.contribution.file, t.contribution.line, t.metro
                ));
                kept.remove(&(HpcList::China, rank));
            }
        }
    }
    for ((list, rank), r) in kept {
        acc.distinct
            .entry((r.metro, "I06"))
            .or_default()
            .insert(format!("{list:?} {rank:05}"), r.contribution);
    }
}

/// I06: TOP500 systems by site city (gathered here, decided in [`hpc_rule`]).
pub fn top500(t: &Table, places: &Places, acc: &mut Accumulator) -> Result<(), DeriveError> {
    supercomputers(t, places, acc, None, "TOP500")
}

/// I06: China HPC TOP100 systems, all in China (gathered here, decided in [`hpc_rule`]).
pub fn china_hpc(t: &Table, places: &Places, acc: &mut Accumulator) -> Result<(), DeriveError> {
    supercomputers(t, places, acc, Some("CN"), "China HPC TOP100")
}

/// I11: the union of the three lists, each firm once per metro.
pub fn leading_firms(t: &Table, places: &Places, acc: &mut Accumulator) -> Result<(), DeriveError> {
    for (line, row) in &t.rows {
        let list = t.text(row, "list").to_lowercase();
        if ![
            "eu-scoreboard",
            "clarivate-top100",
            "fortune-global500-tech",
        ]
        .contains(&list.as_str())
        {
            return Err(t.error(*line, "list", format!("unknown list `{}`: expected eu-scoreboard, clarivate-top100 or fortune-global500-tech", t.text(row, "list"))));
        }
        let Some(metro) = t.metro(places, *line, row, "city", "country", "metro")? else {
            continue;
        };
        let firm = t.text(row, "firm").to_string();
        let key = firm_key(&firm);
        let firms = acc.distinct.entry((metro.clone(), "I11")).or_default();
        match firms.get(&key) {
            Some(first) => {
                let entry = format!(
                    "I11 {metro}: {firm} ({list}, {} line {line}) = {}: same name once case, punctuation and legal forms are removed (`{key}`)",
                    t.file, first.note
                );
                acc.merge_log.push(entry);
            }
            None => {
                firms.insert(
                    key,
                    contribution(t, *line, format!("{firm} ({list}, line {line})"), 1.0),
                );
            }
        }
    }
    Ok(())
}

fn unicorns(
    t: &Table,
    places: &Places,
    acc: &mut Accumulator,
    list: &'static str,
) -> Result<(), DeriveError> {
    for (line, row) in &t.rows {
        let Some(metro) = t.metro(places, *line, row, "City", "Country", "metro")? else {
            continue;
        };
        let name = t.text(row, "Company").to_string();
        acc.unicorns.push(Unicorn {
            list,
            country: places.country(t.text(row, "Country")).unwrap_or_default(),
            contribution: contribution(t, *line, format!("{name} ({list})"), 1.0),
            name,
            metro,
        });
    }
    Ok(())
}

pub fn unicorns_cbinsights(
    t: &Table,
    places: &Places,
    acc: &mut Accumulator,
) -> Result<(), DeriveError> {
    unicorns(t, places, acc, "CB Insights")
}

pub fn unicorns_hurun(
    t: &Table,
    places: &Places,
    acc: &mut Accumulator,
) -> Result<(), DeriveError> {
    unicorns(t, places, acc, "Hurun")
}

/// I12: the two unicorn lists merged: entries with the same firm key (name without case,
/// punctuation and legal forms) and the same country are one firm, counted once, in the
/// metro of the first list that has it. Every merge is logged with its reason.
fn unicorn_rule(acc: &mut Accumulator) {
    let rows = std::mem::take(&mut acc.unicorns);
    let mut seen: BTreeMap<(String, String), Unicorn> = BTreeMap::new();
    for u in rows {
        let key = (firm_key(&u.name), u.country.clone());
        match seen.get(&key) {
            Some(first) => acc.merge_log.push(format!(
                "I12: {} ({}, {} line {}) = {} ({}, {} line {}): same name once case, punctuation and legal forms are removed (`{}`), same country {}{}",
                u.name, u.list, u.contribution.file, u.contribution.line, first.name, first.list, first.contribution.file, first.contribution.line, key.0, key.1,
                if first.metro != u.metro { format!("; cities differ ({} vs {}): counted in {}", first.metro, u.metro, first.metro) } else { String::new() }
            )),
            None => {
                seen.insert(key, u);
            }
        }
    }
    for ((key, country), u) in seen {
        acc.distinct
            .entry((u.metro, "I12"))
            .or_default()
            .insert(format!("{key}|{country}"), u.contribution);
    }
}

fn gics_list(section: &str) -> Vec<String> {
    let v: toml::Value = toml::from_str(GICS_TOML).expect("built-in GICS list is valid (tested)");
    v[section]["codes"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|x| x.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

/// I13: market value of Forbes Global 2000 firms whose GICS code falls in a high-tech
/// manufacturing class of Appendix 2 (a code matches a listed class it starts with).
pub fn forbes(t: &Table, places: &Places, acc: &mut Accumulator) -> Result<(), DeriveError> {
    let classes = gics_list("high_tech_manufacturing");
    for (line, row) in &t.rows {
        let code = t.text(row, "GICS");
        if code.is_empty() || !code.chars().all(|c| c.is_ascii_digit()) {
            return Err(t.error(
                *line,
                "GICS",
                format!("expected a numeric GICS code, found `{code}`"),
            ));
        }
        if !classes.iter().any(|c| code.starts_with(c.as_str())) {
            continue;
        }
        let Some(metro) = t.metro(places, *line, row, "City", "Country", "metro")? else {
            continue;
        };
        let v = t.required_number(*line, row, "Market Value ($B)")?;
        acc.sum(
            &metro,
            "I13",
            contribution(
                t,
                *line,
                format!("{} (GICS {code}) {v} USD bn", t.text(row, "Name")),
                v,
            ),
        );
    }
    Ok(())
}

/// I14: 2023 revenue of listed firms in the new-economy GICS sub-industries of Appendix 2.
pub fn listed_firms(t: &Table, places: &Places, acc: &mut Accumulator) -> Result<(), DeriveError> {
    let codes = gics_list("new_economy");
    for (line, row) in &t.rows {
        let code = t.text(row, "GICS Sub-Industry");
        if code.len() < 6 || !code.chars().all(|c| c.is_ascii_digit()) {
            return Err(t.error(
                *line,
                "GICS Sub-Industry",
                format!("expected a 6- or 8-digit GICS code, found `{code}`"),
            ));
        }
        if !codes.iter().any(|c| code.starts_with(c.as_str())) {
            continue;
        }
        let Some(metro) = t.metro(places, *line, row, "City", "Country", "metro")? else {
            continue;
        };
        let v = t.required_number(*line, row, "Revenue 2023 (USD m)")?;
        acc.sum(
            &metro,
            "I14",
            contribution(
                t,
                *line,
                format!("{} (GICS {code}) {v} USD m", t.text(row, "Company")),
                v,
            ),
        );
    }
    Ok(())
}

fn world_bank(t: &Table, acc: &mut Accumulator, expected: &str) -> Result<(), DeriveError> {
    let years: Vec<(usize, i32)> = t
        .header
        .iter()
        .enumerate()
        .filter_map(|(k, h)| h.trim().parse::<i32>().ok().map(|y| (k, y)))
        .collect();
    for (line, row) in &t.rows {
        let ind = t.text(row, "Indicator Code");
        if ind != expected {
            return Err(t.error(
                *line,
                "Indicator Code",
                format!("expected the series {expected}, found `{ind}`"),
            ));
        }
        let code = t.text(row, "Country Code").to_uppercase();
        let mut series = BTreeMap::new();
        for (k, y) in &years {
            let v = row.get(*k).map_or("", |s| s.trim());
            if v.is_empty() {
                continue;
            }
            let x: f64 = v.parse().map_err(|_| DeriveError::Invalid {
                at: Location::new(t.file.clone(), *line, k + 1),
                message: format!("year {y}: expected a number, found `{v}`"),
            })?;
            if !(x.is_finite() && x > 0.0) {
                return Err(DeriveError::Invalid {
                    at: Location::new(t.file.clone(), *line, k + 1),
                    message: format!("year {y}: expected a positive number, found {x}"),
                });
            }
            series.insert(*y, x);
        }
        acc.wb.insert((expected.to_string(), code), series);
    }
    Ok(())
}

/// World Bank GDP deflators (base year varies by country; rebased to 2015 by [`gdp`]).
pub fn wb_deflator(t: &Table, _places: &Places, acc: &mut Accumulator) -> Result<(), DeriveError> {
    world_bank(t, acc, "NY.GDP.DEFL.ZS")
}

/// World Bank PPP conversion factors (LCU per international $).
pub fn wb_ppp(t: &Table, _places: &Places, acc: &mut Accumulator) -> Result<(), DeriveError> {
    world_bank(t, acc, "PA.NUS.PPP")
}

/// I15 inputs: real GDP at constant 2015 PPP = nominal / (deflator_y / deflator_2015) / PPP_2015,
/// with the World Bank series of the row's `wb_code` or of its country.
pub fn gdp(t: &Table, places: &Places, acc: &mut Accumulator) -> Result<(), DeriveError> {
    for (line, row) in &t.rows {
        let Some(metro) = t.metro(places, *line, row, "city", "country", "metro")? else {
            continue;
        };
        let year = t.required_number(*line, row, "year")? as i32;
        let nominal = t.required_number(*line, row, "nominal_gdp_lcu")?;
        let code = match t.text(row, "wb_code") {
            "" => wb_series_of(t.text(row, "city"), t.text(row, "country"))
                .map(str::to_string)
                .or_else(|| places.country3(t.text(row, "country")))
                .ok_or_else(|| {
                    t.error(
                        *line,
                        "country",
                        format!("unknown country `{}`", t.text(row, "country")),
                    )
                })?,
            c => c.to_uppercase(),
        };
        let series = |ind: &str, y: i32, file: &str| -> Result<f64, DeriveError> {
            acc.wb
                .get(&(ind.to_string(), code.clone()))
                .and_then(|s| s.get(&y))
                .copied()
                .ok_or_else(|| {
                    t.error(
                        *line,
                        "year",
                        format!("no {ind} value for series {code} in {y} in {file}"),
                    )
                })
        };
        let deflator = series("NY.GDP.DEFL.ZS", year, "wb_gdp_deflator.csv")?;
        let deflator_2015 = series("NY.GDP.DEFL.ZS", 2015, "wb_gdp_deflator.csv")?;
        let ppp = series("PA.NUS.PPP", 2015, "wb_ppp_factor.csv")?;
        if !acc.first_row(
            t,
            *line,
            &format!("{} in {year}", place_key(t, row)),
            format!("{nominal} {code}"),
        )? {
            continue;
        }
        let real = nominal / (deflator / deflator_2015) / ppp;
        let member = places.member_label(t.text(row, "city"), t.text(row, "country"), &metro);
        acc.gdp.entry(metro).or_default().entry(year).or_default().insert(member, contribution(
            t,
            *line,
            format!("{} {year}: {nominal} LCU / ({deflator}/{deflator_2015} {code} deflator) / {ppp} {code} PPP 2015 = {real:.1} (2015 PPP $)", t.text(row, "city")),
            real,
        ));
    }
    Ok(())
}

/// I16 input (Appendix 2, indicator 16): the working-age population (15-64) by member city
/// and year, estimated from a national or state age structure when the city's is unknown
/// (flagged estimated and proxy). The GDP numerator is derived from `gdp.csv` as for I15.
pub fn labour(t: &Table, places: &Places, acc: &mut Accumulator) -> Result<(), DeriveError> {
    for (line, row) in &t.rows {
        let Some(metro) = t.metro(places, *line, row, "city", "country", "metro")? else {
            continue;
        };
        let year = t.required_number(*line, row, "year")?;
        if year.fract() != 0.0 || !(1900.0..=2100.0).contains(&year) {
            return Err(t.error(*line, "year", format!("expected a year, found {year}")));
        }
        let year = year as i32;
        if !acc.first_row(
            t,
            *line,
            &format!("{} in {year}", place_key(t, row)),
            format!("{:?}", row),
        )? {
            continue;
        }
        let wap = match t.number(*line, row, "working_age_population", false)? {
            Some(w) => contribution(
                t,
                *line,
                format!("{} working-age population {w}", t.text(row, "city")),
                w,
            ),
            None => {
                let total = t.number(*line, row, "total_population", false)?.ok_or_else(|| t.error(*line, "working_age_population", "expected working_age_population, or total_population with working_age_share"))?;
                let share = t
                    .number(*line, row, "working_age_share", false)?
                    .ok_or_else(|| {
                        t.error(
                            *line,
                            "working_age_share",
                            "expected the share aged 15-64 (0-1) with total_population",
                        )
                    })?;
                if share > 1.0 {
                    return Err(t.error(
                        *line,
                        "working_age_share",
                        format!("expected a share between 0 and 1, found {share}"),
                    ));
                }
                let level = t.text(row, "share_level").to_lowercase();
                let flag = match level.as_str() {
                    "national" => Flag::ProxyNational,
                    "state" => Flag::ProxyState,
                    _ => {
                        return Err(t.error(
                            *line,
                            "share_level",
                            format!("expected national or state, found `{level}`"),
                        ))
                    }
                };
                acc.flag(&metro, "I16", Flag::Estimated);
                acc.flag(&metro, "I16", flag);
                contribution(t, *line, format!("{} working-age population estimated {total} x {share} ({level} age structure)", t.text(row, "city")), total * share)
            }
        };
        let member = places.member_label(t.text(row, "city"), t.text(row, "country"), &metro);
        acc.labour
            .entry(metro)
            .or_default()
            .entry(year)
            .or_default()
            .insert(member, wap);
    }
    Ok(())
}

/// I19, I20: inward greenfield capex by destination metro, outward by source metro. Either
/// side may lie outside every metro (fDi Markets is a world list): that side is skipped and
/// counted; a row with both sides outside is counted once. A side that looks like a misspelled
/// or ambiguous member is an error, as everywhere.
pub fn fdi(t: &Table, places: &Places, acc: &mut Accumulator) -> Result<(), DeriveError> {
    for (line, row) in &t.rows {
        let v = t.required_number(*line, row, "Capital investment (USD m)")?;
        let side = |city: &str, country: &str, metro: &str| -> Result<Resolved, DeriveError> {
            let m = t.text(row, metro);
            places
                .resolve(
                    t.text(row, city),
                    t.text(row, country),
                    (!m.is_empty()).then_some(m),
                )
                .map_err(|e| t.error(*line, if m.is_empty() { city } else { metro }, e))
        };
        let dest = side(
            "Destination city",
            "Destination country",
            "destination metro",
        )?;
        let src = side("Source city", "Source country", "source metro")?;
        let note = format!(
            "{} -> {} {v} USD m",
            t.text(row, "Source city"),
            t.text(row, "Destination city")
        );
        match (&dest, &src) {
            (Resolved::Outside { label: d }, Resolved::Outside { .. }) => {
                places.note_outside(&t.file, d)
            }
            _ => {
                if let Resolved::Metro(m) = &dest {
                    acc.sum(m, "I19", contribution(t, *line, note.clone(), v));
                }
                if let Resolved::Metro(m) = &src {
                    acc.sum(m, "I20", contribution(t, *line, note, v));
                }
            }
        }
    }
    Ok(())
}

/// I21, I22: VC = Seed, Angel, Series A, Series B; PE = Series C, D, E and later, growth
/// equity, private equity. Any other round type is an error that names it.
pub fn funding(t: &Table, places: &Places, acc: &mut Accumulator) -> Result<(), DeriveError> {
    for (line, row) in &t.rows {
        let round = t.text(row, "Round").to_lowercase();
        let later_series = round
            .strip_prefix("series ")
            .is_some_and(|s| s.len() == 1 && s.chars().all(|c| ('e'..='z').contains(&c)));
        let ind = if VC_ROUNDS.contains(&round.as_str()) {
            "I21"
        } else if PE_ROUNDS.contains(&round.as_str()) || later_series {
            "I22"
        } else {
            return Err(t.error(
                *line,
                "Round",
                format!(
                    "unknown round type `{}`: expected {} (VC) or {} (PE)",
                    t.text(row, "Round"),
                    "Seed, Angel, Series A, Series B",
                    "Series C, Series D, Series E+, Growth Equity, Private Equity"
                ),
            ));
        };
        let Some(metro) = t.metro(places, *line, row, "City", "Country", "metro")? else {
            continue;
        };
        let v = t.required_number(*line, row, "Amount (USD m)")?;
        acc.sum(
            &metro,
            ind,
            contribution(
                t,
                *line,
                format!(
                    "{} {} {v} USD m",
                    t.text(row, "Company"),
                    t.text(row, "Round")
                ),
                v,
            ),
        );
    }
    Ok(())
}

/// City counts (per million later), or state/national rates standing in (flagged).
fn counts_or_rates(
    t: &Table,
    places: &Places,
    acc: &mut Accumulator,
    ind: &'static str,
    count_col: &str,
) -> Result<(), DeriveError> {
    for (line, row) in &t.rows {
        let level = t.text(row, "level").to_lowercase();
        match level.as_str() {
            "city" => {
                let Some(metro) = t.metro(places, *line, row, "place", "country", "metro")? else {
                    continue;
                };
                let v = t.required_number(*line, row, count_col)?;
                let mut note = format!("{} {count_col} {v}", t.text(row, "place"));
                if ind == "I28" {
                    let platform = talent_platform(t, *line, row, &metro)?;
                    note.push_str(&format!(" ({platform})"));
                    acc.platforms
                        .entry(metro.clone())
                        .or_default()
                        .insert(platform);
                }
                let c = placed(
                    contribution(t, *line, note, v),
                    places,
                    t,
                    row,
                    "place",
                    &metro,
                );
                acc.sum(&metro, ind, c);
            }
            "state" | "country" => {
                let m = t.text(row, "metro");
                let metros: Vec<String> = if m.is_empty() {
                    if level == "state" {
                        return Err(t.error(
                            *line,
                            "metro",
                            "a state row needs the metro it stands for in the `metro` column",
                        ));
                    }
                    // A national rate stands for every metro of the country without city data.
                    let country = t.text(row, "country");
                    match places
                        .registry_country(country)
                        .map_err(|e| t.error(*line, "country", e))?
                    {
                        Some(iso) => places.metros_of(&iso),
                        None => {
                            places.note_outside(&t.file, country);
                            continue;
                        }
                    }
                } else {
                    vec![places.metro_id(m).map_err(|e| t.error(*line, "metro", e))?]
                };
                let v = t.required_number(*line, row, "per_million")?;
                let flag = if level == "state" {
                    Flag::ProxyState
                } else {
                    Flag::ProxyNational
                };
                for metro in metros {
                    acc.rates.entry((metro, ind)).or_insert((
                        contribution(
                            t,
                            *line,
                            format!("{} ({level}) {v} per million", t.text(row, "place")),
                            v,
                        ),
                        flag,
                    ));
                }
            }
            other => {
                return Err(t.error(
                    *line,
                    "level",
                    format!("expected city, state or country, found `{other}`"),
                ))
            }
        }
    }
    Ok(())
}

/// I23: lawyers per million; state or national rates where the city's count is unknown.
pub fn lawyers(t: &Table, places: &Places, acc: &mut Accumulator) -> Result<(), DeriveError> {
    counts_or_rates(t, places, acc, "I23", "lawyers")
}

/// Places of a Chinese metro that are not mainland China (the report counts them under
/// China, but Zhaopin covers only the mainland).
const NOT_MAINLAND: [&str; 8] = [
    "hong kong",
    "香港",
    "macao",
    "macau",
    "澳门",
    "taipei",
    "台北",
    "taiwan",
];

/// I28's platform of a city row (Appendix 2, indicator 28): LinkedIn, or Zhaopin (智联招聘)
/// for mainland Chinese cities only.
fn talent_platform(
    t: &Table,
    line: usize,
    row: &[String],
    metro: &str,
) -> Result<String, DeriveError> {
    let p = t.text(row, "platform").to_lowercase();
    let place = t.text(row, "place").trim().to_lowercase();
    let country = t.text(row, "country").trim().to_lowercase();
    let mainland = crate::places::MAINLAND_CHINA_METROS_EXCLUDE
        .iter()
        .all(|m| *m != metro)
        && ["cn", "chn", "china", "中国"].contains(&country.as_str())
        && !NOT_MAINLAND.contains(&place.as_str());
    match p.as_str() {
        "linkedin" => Ok("LinkedIn".into()),
        "zhaopin" if mainland => Ok("Zhaopin".into()),
        "zhaopin" => Err(t.error(
            line,
            "platform",
            format!(
                "Zhaopin covers mainland Chinese cities only; `{}` ({}) needs LinkedIn",
                t.text(row, "place"),
                t.text(row, "country")
            ),
        )),
        _ => Err(t.error(
            line,
            "platform",
            format!("expected linkedin or zhaopin, found `{p}`"),
        )),
    }
}

/// I28 (Appendix 2, indicator 28): professional inflow per million; the national figure for
/// the cities the report lists (`proxies.toml`); the platform (LinkedIn, or Zhaopin for
/// mainland Chinese cities) is recorded in each cell's method.
pub fn talent(t: &Table, places: &Places, acc: &mut Accumulator) -> Result<(), DeriveError> {
    for (line, row) in &t.rows {
        let p = t.text(row, "platform").to_lowercase();
        if p != "linkedin" && p != "zhaopin" {
            return Err(t.error(
                *line,
                "platform",
                format!("expected linkedin or zhaopin, found `{p}`"),
            ));
        }
    }
    counts_or_rates(t, places, acc, "I28", "inflow")
}

/// I25: mean of fixed and mobile, upload and download speeds; averaged over a metro's rows.
pub fn speedtest(t: &Table, places: &Places, acc: &mut Accumulator) -> Result<(), DeriveError> {
    for (line, row) in &t.rows {
        let Some(metro) = t.metro(places, *line, row, "city", "country", "metro")? else {
            continue;
        };
        let v: Vec<f64> = [
            "fixed_download",
            "fixed_upload",
            "mobile_download",
            "mobile_upload",
        ]
        .iter()
        .map(|c| t.required_number(*line, row, c))
        .collect::<Result<_, _>>()?;
        if !acc.first_row(t, *line, &place_key(t, row), format!("{v:?}"))? {
            continue;
        }
        let mean = v.iter().sum::<f64>() / 4.0;
        acc.means
            .entry((metro, "I25"))
            .or_default()
            .push(contribution(
                t,
                *line,
                format!("{}: mean of {v:?} Mbps = {mean}", t.text(row, "city")),
                mean,
            ));
    }
    Ok(())
}

/// I27 (Appendix 2, indicator 27): the UN Online Service Index of the metro's country (a
/// national proxy for every metro). The UN's own spellings are accepted
/// (`data/derivation/country-names.toml`); a country outside the registry is skipped and
/// counted, and one close to a registry country's name is an error.
pub fn egov(t: &Table, places: &Places, acc: &mut Accumulator) -> Result<(), DeriveError> {
    for (line, row) in &t.rows {
        let name = t.text(row, "Country Name");
        let Some(iso) = places
            .registry_country(name)
            .map_err(|e| t.error(*line, "Country Name", e))?
        else {
            places.note_outside(&t.file, name);
            continue;
        };
        let v = t.required_number(*line, row, "Online Service Index")?;
        if v > 1.0 {
            return Err(t.error(
                *line,
                "Online Service Index",
                format!("expected an index between 0 and 1, found {v}"),
            ));
        }
        for metro in places.metros_of(&iso) {
            acc.rates.entry((metro, "I27")).or_insert((
                contribution(t, *line, format!("{name} OSI {v}"), v),
                Flag::ProxyNational,
            ));
        }
    }
    Ok(())
}

/// I29: mean years of schooling of the Global Data Lab region the metro lies in (regional figure).
pub fn schooling(t: &Table, places: &Places, acc: &mut Accumulator) -> Result<(), DeriveError> {
    for (line, row) in &t.rows {
        let m = t.text(row, "metro");
        let metro = places.metro_id(m).map_err(|e| t.error(*line, "metro", e))?;
        let v = t.required_number(*line, row, "msch")?;
        if v > 25.0 {
            return Err(t.error(
                *line,
                "msch",
                format!("expected years of schooling (0-25), found {v}"),
            ));
        }
        if !acc.first_row(t, *line, &metro, v.to_string())? {
            continue;
        }
        acc.rates.insert(
            (metro.clone(), "I29"),
            (
                contribution(
                    t,
                    *line,
                    format!(
                        "{} ({}) {v} years",
                        t.text(row, "region"),
                        t.text(row, "year")
                    ),
                    v,
                ),
                Flag::ProxyState,
            ),
        );
        if let Ok(y) = t.text(row, "year").parse::<i32>() {
            acc.years.insert((metro, "I29"), y);
        }
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
    hpc_rule(&mut acc);
    unicorn_rule(&mut acc);
    let fallback: toml::Value =
        toml::from_str(FALLBACK_TOML).expect("built-in fallback years are valid (tested)");
    let target = fallback["target_year"].as_integer().unwrap_or(2022) as i32;
    let mut out = BTreeMap::new();
    for city in cities {
        let population: f64 = acc
            .population
            .get(city)
            .map_or(0.0, |v| v.iter().map(|c| c.amount).sum());
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
                        same_members(&acc, &key)?;
                        per_million(&acc, &key, population, &mut cell);
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

/// Per-million denominators (Appendix 2: indicators 1, 9, 23, 26, 28, 30 per million
/// inhabitants): the member cities behind a numerator must be those behind the population
/// it is divided by, and neither may mix a whole-metro total with member rows (counted
/// twice). Any mismatch is an error naming both sets.
fn same_members(acc: &Accumulator, key: &Key) -> Result<(), DeriveError> {
    use crate::places::WHOLE_METRO;
    let Some(rows) = acc.sums.get(key) else {
        return Ok(());
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
    if !population.is_empty() && numerator != population {
        return Err(DeriveError::Invalid {
            at: at(&rows[0]),
            message: format!(
                "{} {}: the numerator covers {{{}}} but the population covers {{{}}}; a per-million figure needs both over the same member cities",
                key.0,
                key.1,
                list(&numerator),
                list(&population)
            ),
        });
    }
    Ok(())
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

fn per_million(acc: &Accumulator, key: &Key, population: f64, cell: &mut Cell) {
    let Some(v) = cell.value else { return };
    if acc.rates.contains_key(key) && !acc.sums.contains_key(key) {
        return;
    }
    if population > 0.0 {
        cell.value = Some(v / population * 1e6);
        cell.method = format!("{} / {population} inhabitants x 1e6", cell.method);
        if let Some(p) = acc.population.get(&key.0) {
            cell.rows.extend(p.iter().cloned());
        }
    } else {
        cell.value = None;
        cell.method = format!("{}; no population for the metro", cell.method);
    }
}

/// The year of a yearly series to use for `target`: the target itself, else the latest year
/// before it, else the earliest after it (a fallback, flagged by the caller).
fn nearest_year<T>(series: &BTreeMap<i32, T>, target: i32) -> Option<i32> {
    if series.contains_key(&target) {
        return Some(target);
    }
    series
        .range(..target)
        .next_back()
        .or_else(|| series.range(target..).next())
        .map(|(y, _)| *y)
}

/// I16 (Appendix 2, indicator 16): labour productivity = real GDP of the target year (2022)
/// at constant 2015 PPP, derived from `gdp.csv` as for I15, divided by the working-age
/// population (15-64) of the same year. Where a year is not available the nearest one is
/// used (the latest before, else the earliest after) and the cell is flagged fallback-year;
/// both years are stated. The sums run over the member cities present in both the GDP and
/// the population of the years used; others are left out, flagged members-excluded.
fn productivity(acc: &Accumulator, city: &str, target: i32, cell: &mut Cell) {
    let (Some(gdp), Some(labour)) = (acc.gdp.get(city), acc.labour.get(city)) else {
        cell.method = "no GDP or no working-age population rows".into();
        return;
    };
    let (Some(gy), Some(ly)) = (nearest_year(gdp, target), nearest_year(labour, target)) else {
        return;
    };
    let (g, w) = (&gdp[&gy], &labour[&ly]);
    let common: Vec<&String> = g.keys().filter(|m| w.contains_key(*m)).collect();
    let excluded: Vec<&String> = g
        .keys()
        .chain(w.keys())
        .filter(|m| !(g.contains_key(*m) && w.contains_key(*m)))
        .collect();
    cell.year = Some(gy);
    if gy != target || ly != target {
        cell.flags.insert(Flag::FallbackYear);
    }
    if common.is_empty() {
        cell.method =
            format!("no member city has both GDP ({gy}) and working-age population ({ly})");
        return;
    }
    let gs: f64 = common.iter().map(|m| g[*m].amount).sum();
    let ws: f64 = common.iter().map(|m| w[*m].amount).sum();
    cell.rows.extend(common.iter().map(|m| g[*m].clone()));
    cell.rows.extend(common.iter().map(|m| w[*m].clone()));
    if ws > 0.0 {
        cell.value = Some(gs / ws);
        cell.method = format!(
            "real GDP {gy} {gs:.1} (2015 PPP $) / working-age population {ly} {ws} over {} member(s)",
            common.len()
        );
    }
    if !excluded.is_empty() {
        cell.flags.insert(Flag::MembersExcluded);
        let list: Vec<&str> = excluded.iter().map(|m| m.as_str()).collect();
        cell.method.push_str(&format!(
            "; left out (in one table only): {}",
            list.join(", ")
        ));
    }
}

/// The World Bank series of a member outside its metro's main currency area: Hong Kong and
/// Macao are their own World Bank economies (HKG, MAC); Taipei has no World Bank series, so a
/// producer-added `TWN` series is expected. `None`: the country's own series.
fn wb_series_of(city: &str, country: &str) -> Option<&'static str> {
    let (c, k) = (city.trim().to_lowercase(), country.trim().to_lowercase());
    let any = |names: &[&str]| names.contains(&c.as_str()) || names.contains(&k.as_str());
    if any(&[
        "hong kong",
        "香港",
        "hong kong sar",
        "hong kong sar, china",
        "hkg",
        "hk",
    ]) {
        Some("HKG")
    } else if any(&["macao", "macau", "澳门", "macao sar, china", "mac", "mo"]) {
        Some("MAC")
    } else if any(&["taipei", "台北", "taiwan", "twn", "tw"]) {
        Some("TWN")
    } else {
        None
    }
}

/// I15 (Appendix 2, indicator 15): real GDP growth of `year` (the target year, or the city's
/// listed fallback year, flagged) over the year before, both at constant 2015 PPP. Growth
/// compares the same member cities: a member with GDP in only one of the two years is left
/// out of both sums and the cell is flagged `members-excluded`, naming it; with no member in
/// both years the cell is missing.
fn growth(acc: &Accumulator, city: &str, target: i32, fallback: Option<i32>, cell: &mut Cell) {
    let year = fallback.unwrap_or(target);
    let Some(series) = acc.gdp.get(city) else {
        return;
    };
    let (Some(now), Some(before)) = (series.get(&year), series.get(&(year - 1))) else {
        cell.method = format!("no GDP for {} and {year}", year - 1);
        return;
    };
    let common: Vec<&String> = now.keys().filter(|m| before.contains_key(*m)).collect();
    let excluded: Vec<String> = now
        .keys()
        .chain(before.keys())
        .filter(|m| !(now.contains_key(*m) && before.contains_key(*m)))
        .map(|m| {
            let y = if now.contains_key(m) { year } else { year - 1 };
            format!("{m} (only {y})")
        })
        .collect();
    cell.year = Some(year);
    if year != target {
        cell.flags.insert(Flag::FallbackYear);
    }
    if common.is_empty() {
        cell.method = format!("no member city has GDP in both {} and {year}", year - 1);
        return;
    }
    let (a, b): (f64, f64) = (
        common.iter().map(|m| now[*m].amount).sum(),
        common.iter().map(|m| before[*m].amount).sum(),
    );
    if b > 0.0 {
        cell.value = Some(100.0 * (a / b - 1.0));
        cell.method = format!(
            "100 x (real GDP {year} {a:.1} / {} {b:.1} - 1) over {} member(s) present in both years",
            year - 1,
            common.len()
        );
    }
    if !excluded.is_empty() {
        cell.flags.insert(Flag::MembersExcluded);
        cell.method
            .push_str(&format!("; left out: {}", excluded.join(", ")));
    }
    cell.rows.extend(common.iter().map(|m| now[*m].clone()));
    cell.rows.extend(common.iter().map(|m| before[*m].clone()));
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
