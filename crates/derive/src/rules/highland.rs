//! Rules of pillar B, innovation highland (Appendix 2, indicators 9-16): patents (I09, I10),
//! leading firms (I11), unicorns (I12), high-tech market value and new-economy revenue (I13,
//! I14), GDP growth (I15) and labour productivity (I16).

use super::*;

/// Legal-form suffixes removed by [`firm_key`] (as words after punctuation became spaces:
/// "S.A." is `s a`). Words that name a business ("Group", "Holdings", "Technologies") stay.
pub(super) const LEGAL_FORMS: [&[&str]; 40] = [
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
pub(super) const CJK_LEGAL_FORMS: [&str; 6] = [
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

/// I09, I10 (Appendix 2, indicators 9, 10): valid invention patents (per million inhabitants) and PCT applications, summed over member cities (from per-city tables until the patent-record pipeline computes them).
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

/// I11: the union of the three lists, each firm once per metro.
/// (Appendix 2, indicator 11.)
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

pub(super) fn unicorns(
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

/// I12 (Appendix 2, indicator 12): the CB Insights list (gathered here, merged in `unicorn_rule`).
pub fn unicorns_cbinsights(
    t: &Table,
    places: &Places,
    acc: &mut Accumulator,
) -> Result<(), DeriveError> {
    unicorns(t, places, acc, "CB Insights")
}

/// I12 (Appendix 2, indicator 12): the Hurun list (gathered here, merged in `unicorn_rule`).
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
pub(super) fn unicorn_rule(acc: &mut Accumulator) {
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

pub(super) fn gics_list(section: &str) -> Vec<String> {
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

/// How a firm list feeds a GICS-filtered sum (I13, I14).
struct GicsSum {
    ind: &'static str,
    /// Section of `data/derivation/gics.toml` listing the classes counted.
    classes: &'static str,
    code_col: &'static str,
    /// Fewest digits a code must have.
    min_digits: usize,
    name_col: &'static str,
    value_col: &'static str,
    unit: &'static str,
}

/// Sums `value_col` per metro over the firms whose GICS code starts with a listed class.
fn gics_sum(
    t: &Table,
    places: &Places,
    acc: &mut Accumulator,
    g: &GicsSum,
) -> Result<(), DeriveError> {
    let classes = gics_list(g.classes);
    for (line, row) in &t.rows {
        let code = t.text(row, g.code_col);
        if code.len() < g.min_digits.max(1) || !code.chars().all(|c| c.is_ascii_digit()) {
            return Err(t.error(
                *line,
                g.code_col,
                format!(
                    "expected a GICS code of at least {} digits, found `{code}`",
                    g.min_digits.max(1)
                ),
            ));
        }
        if !classes.iter().any(|c| code.starts_with(c.as_str())) {
            continue;
        }
        let Some(metro) = t.metro(places, *line, row, "City", "Country", "metro")? else {
            continue;
        };
        let v = t.required_number(*line, row, g.value_col)?;
        let note = format!("{} (GICS {code}) {v} {}", t.text(row, g.name_col), g.unit);
        acc.sum(&metro, g.ind, contribution(t, *line, note, v));
    }
    Ok(())
}

/// I13 (Appendix 2, indicator 13): market value of Forbes Global 2000 firms whose GICS code
/// falls in a high-tech manufacturing class of Appendix 2 (a code matches a listed class it
/// starts with).
pub fn forbes(t: &Table, places: &Places, acc: &mut Accumulator) -> Result<(), DeriveError> {
    let g = GicsSum {
        ind: "I13",
        classes: "high_tech_manufacturing",
        code_col: "GICS",
        min_digits: 1,
        name_col: "Name",
        value_col: "Market Value ($B)",
        unit: "USD bn",
    };
    gics_sum(t, places, acc, &g)
}

/// I14 (Appendix 2, indicator 14): 2023 revenue of listed firms in the new-economy GICS
/// sub-industries of Appendix 2 (6- or 8-digit codes).
pub fn listed_firms(t: &Table, places: &Places, acc: &mut Accumulator) -> Result<(), DeriveError> {
    let g = GicsSum {
        ind: "I14",
        classes: "new_economy",
        code_col: "GICS Sub-Industry",
        min_digits: 6,
        name_col: "Company",
        value_col: "Revenue 2023 (USD m)",
        unit: "USD m",
    };
    gics_sum(t, places, acc, &g)
}

pub(super) fn world_bank(
    t: &Table,
    acc: &mut Accumulator,
    expected: &str,
) -> Result<(), DeriveError> {
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
/// I15 input (Appendix 2, indicator 15): the World Bank GDP deflator series.
pub fn wb_deflator(t: &Table, _places: &Places, acc: &mut Accumulator) -> Result<(), DeriveError> {
    world_bank(t, acc, "NY.GDP.DEFL.ZS")
}

/// World Bank PPP conversion factors (LCU per international $).
/// I15 input (Appendix 2, indicator 15): the World Bank PPP conversion factors.
pub fn wb_ppp(t: &Table, _places: &Places, acc: &mut Accumulator) -> Result<(), DeriveError> {
    world_bank(t, acc, "PA.NUS.PPP")
}

/// I15 inputs: real GDP at constant 2015 PPP = nominal / (deflator_y / deflator_2015) / PPP_2015,
/// with the World Bank series of the row's `wb_code` or of its country.
/// (Appendix 2, indicator 15.)
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

/// The year of a yearly series to use for `target`: the target itself, else the latest year
/// before it, else the earliest after it (a fallback, flagged by the caller).
pub(super) fn nearest_year<T>(series: &BTreeMap<i32, T>, target: i32) -> Option<i32> {
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
pub(super) fn productivity(acc: &Accumulator, city: &str, target: i32, cell: &mut Cell) {
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
pub(super) fn wb_series_of(city: &str, country: &str) -> Option<&'static str> {
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
pub(super) fn growth(
    acc: &Accumulator,
    city: &str,
    target: i32,
    fallback: Option<i32>,
    cell: &mut Cell,
) {
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
