//! Rules of pillar A, science centre (Appendix 2, indicators 1-8): researchers, highly cited
//! papers and citations (I01, I07, I08), laureates (I02), universities (I03), research
//! institutions (I04), large facilities (I05) and supercomputers (I06).

use super::*;

/// I01, I07, I08 (Appendix 2, indicators 1, 7, 8): active researchers (per million inhabitants), highly cited papers, and citations by patents, policy and clinical trials, summed over member cities (from per-city tables until the paper-record pipeline computes them).
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

pub(super) use gihi_edition::is_iso_date;

/// I02 (Appendix 2, indicator 2): Nobel (not literature or peace), Fields and Turing
/// laureates, counted in every metro where they currently work ("部分获奖者在多个城市有兼职
/// 工作，均计入统计"); a laureate with two rows in one metro counts once there. "数据统计截止到
/// 2024 年 6 月 24 日": an award announced after the edition's cut-off (`cutoffs.toml`) does not count;
/// an award of the cut-off year needs its announcement `date` to be placed.
pub fn laureates(t: &Table, places: &Places, acc: &mut Accumulator) -> Result<(), DeriveError> {
    let cut = acc.cutoff("laureates");
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
pub(super) fn rank_lower_bound(s: &str) -> Option<u32> {
    s.split(['-', '–'])
        .next()
        .and_then(|x| x.trim().parse().ok())
}

/// I03: universities in the ARWU top 200 (a rank band such as 151-200 counts).
/// (Appendix 2, indicator 3: ARWU 2023 top 200.)
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
/// (Appendix 2, indicator 4.)
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
pub(super) fn nature_index_rule(acc: &mut Accumulator) {
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
/// (Appendix 2, indicator 5: "大科学装置未将超算...纳入统计范围".)
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

pub(super) fn supercomputers(
    t: &Table,
    places: &Places,
    acc: &mut Accumulator,
    country: Option<&str>,
    list: &str,
) -> Result<(), DeriveError> {
    let which = if country.is_some() {
        HpcList::China
    } else {
        HpcList::Top500
    };
    for (line, row) in &t.rows {
        let rank_text = t.text(row, "Rank");
        let rank: u32 = rank_text.trim().parse().map_err(|_| {
            t.error(
                *line,
                "Rank",
                format!("expected a whole-number rank, found `{rank_text}`"),
            )
        })?;
        acc.hpc_ranks_read.insert((which, rank));
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
pub(super) enum HpcList {
    Top500,
    China,
}

#[derive(Debug, Clone)]
pub(super) struct HpcRow {
    pub(super) list: HpcList,
    pub(super) rank: u32,
    pub(super) name: String,
    pub(super) metro: String,
    pub(super) contribution: Contribution,
}

/// The optional table of systems on both lists (`hpc_matches.csv` in the sources):
/// `top500_rank,china_rank`, one line per system listed under different names.
pub const HPC_MATCHES_FILE: &str = "hpc_matches.csv";

/// `hpc_matches.csv` as a source rule (places are not needed).
/// (Appendix 2, indicator 6.)
pub fn hpc_matches_rule(
    t: &Table,
    _places: &Places,
    acc: &mut Accumulator,
) -> Result<(), DeriveError> {
    hpc_matches(t, acc)
}

/// Reads `hpc_matches.csv` into (China rank → TOP500 rank).
/// (Appendix 2, indicator 6.)
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
pub(super) fn hpc_rule(acc: &mut Accumulator) -> Result<(), DeriveError> {
    // Every line of the match table names a system on each list.
    for (china, (top, file, line)) in &acc.hpc_matches {
        for (list, rank, name) in [
            (HpcList::Top500, *top, "TOP500"),
            (HpcList::China, *china, "China HPC TOP100"),
        ] {
            if !acc.hpc_ranks_read.contains(&(list, rank)) {
                return Err(DeriveError::Invalid {
                    at: Location::new(
                        file.clone(),
                        *line,
                        if list == HpcList::Top500 { 1 } else { 2 },
                    ),
                    message: format!("{name} rank {rank} is not on the list read"),
                });
            }
        }
    }
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
    Ok(())
}

/// I06: TOP500 systems by site city (gathered here, decided in [`hpc_rule`]).
/// (Appendix 2, indicator 6.)
pub fn top500(t: &Table, places: &Places, acc: &mut Accumulator) -> Result<(), DeriveError> {
    supercomputers(t, places, acc, None, "TOP500")
}

/// I06: China HPC TOP100 systems, all in China (gathered here, decided in [`hpc_rule`]).
/// (Appendix 2, indicator 6.)
pub fn china_hpc(t: &Table, places: &Places, acc: &mut Accumulator) -> Result<(), DeriveError> {
    supercomputers(t, places, acc, Some("CN"), "China HPC TOP100")
}
