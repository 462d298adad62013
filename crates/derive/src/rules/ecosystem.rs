//! Rules of pillar C, innovation ecosystem (Appendix 2, indicators 17-30): networks (I17,
//! I18), FDI (I19, I20), VC and PE (I21, I22), lawyers (I23), data centres (I24), broadband
//! (I25), flights (I26), e-government (I27), talent inflow (I28), schooling (I29), museums and
//! libraries (I30).

use super::*;

/// I24 (Appendix 2, indicator 24): colocation data centres listed by Cloudscene (cut-off 7 May 2024), summed over member cities.
pub fn cloudscene(t: &Table, places: &Places, acc: &mut Accumulator) -> Result<(), DeriveError> {
    per_place_sums(t, places, acc, &[("colocation_data_centres", "I24")])
}

/// I26 (Appendix 2, indicator 26): international flights (OAG), summed over member cities, per million inhabitants.
pub fn flights(t: &Table, places: &Places, acc: &mut Accumulator) -> Result<(), DeriveError> {
    per_place_sums(t, places, acc, &[("international_flights", "I26")])
}

/// I30 (Appendix 2, indicator 30): public museums and libraries, summed over member cities, per million inhabitants.
pub fn museums(t: &Table, places: &Places, acc: &mut Accumulator) -> Result<(), DeriveError> {
    per_place_sums(t, places, acc, &[("museums", "I30"), ("libraries", "I30")])
}

/// I17, I18: centralities are properties of the metro and are taken as given (one row each).
/// I17, I18 (Appendix 2, indicators 17, 18): network centralities are properties of the metro, taken as given (one row each) until the record pipelines compute them.
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

/// The optional I18 table written by `gihi records patents` (`sources/patent_network.csv`).
pub const PATENT_NETWORK_FILE: &str = "patent_network.csv";
/// The optional I17 table written by `gihi records papers` (`sources/coauthor_network.csv`).
pub const COAUTHOR_NETWORK_FILE: &str = "coauthor_network.csv";

/// I18 from patent records: when `patent_network.csv` is present, its degree replaces
/// network.csv's `patent_degree` for every metro it lists (the records are the finer source).
pub fn patent_network(
    t: &Table,
    places: &Places,
    acc: &mut Accumulator,
) -> Result<(), DeriveError> {
    from_records(
        t,
        places,
        acc,
        "patent_degree",
        "I18",
        "patent co-application degree",
    )
}

/// I17 from paper records: when `coauthor_network.csv` is present, its centrality replaces
/// network.csv's `coauthorship_eigenvector` for every metro it lists.
pub fn coauthor_network(
    t: &Table,
    places: &Places,
    acc: &mut Accumulator,
) -> Result<(), DeriveError> {
    from_records(
        t,
        places,
        acc,
        "coauthorship_eigenvector",
        "I17",
        "co-authorship eigenvector centrality",
    )
}

/// A per-metro value computed from records, one row per metro, replacing the given one.
fn from_records(
    t: &Table,
    places: &Places,
    acc: &mut Accumulator,
    column: &str,
    indicator: &'static str,
    what: &str,
) -> Result<(), DeriveError> {
    let mut seen = std::collections::BTreeMap::new();
    for (line, row) in &t.rows {
        let metro = places
            .metro_id(t.text(row, "metro"))
            .map_err(|e| t.error(*line, "metro", e))?;
        let d = t.required_number(*line, row, column)?;
        if let Some(first) = seen.insert(metro.clone(), *line) {
            return Err(t.error(
                *line,
                "metro",
                format!("{metro} is already listed (line {first})"),
            ));
        }
        acc.singles.insert(
            (metro.clone(), indicator),
            contribution(t, *line, format!("{metro} {what} {d} (from records)"), d),
        );
    }
    Ok(())
}

/// I19, I20: inward greenfield capex by destination metro, outward by source metro. Either
/// side may lie outside every metro (fDi Markets is a world list): that side is skipped and
/// counted; a row with both sides outside is counted once. A side that looks like a misspelled
/// or ambiguous member is an error, as everywhere.
/// (Appendix 2, indicators 19, 20; fDi Markets greenfield projects.)
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
/// (Appendix 2, indicators 21, 22; CB Insights funding rounds.)
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
pub(super) fn counts_or_rates(
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
/// (Appendix 2, indicator 23; the proxies the report lists are in `data/derivation/proxies.toml`.)
pub fn lawyers(t: &Table, places: &Places, acc: &mut Accumulator) -> Result<(), DeriveError> {
    counts_or_rates(t, places, acc, "I23", "lawyers")
}

/// Places of a Chinese metro that are not mainland China (the report counts them under
/// China, but Zhaopin covers only the mainland).
pub(super) const NOT_MAINLAND: [&str; 8] = [
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
pub(super) fn talent_platform(
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
/// (Appendix 2, indicator 25: "上传和下载的平均速率，以 Mbps 为单位".)
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
/// (Appendix 2, indicator 29; Global Data Lab subnational table.)
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
