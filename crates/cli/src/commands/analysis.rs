//! Analysis commands on a computed run (`--results DIR`) or a published edition
//! (`--edition 2024` or a directory): modes, regions, changes, profile, statements.

use super::published::load_edition;
use super::{csv_string, print, text_table};
use crate::{error::CliError, Format};
use gihi_analysis::changes::{biggest_movers, compare};
use gihi_analysis::modes::{
    adjusted_rand_index, development_modes, Linkage, ModeOptions, Modes, Scaling,
};
use gihi_analysis::regions::{rank_quartiles, top_counts, By};
use gihi_analysis::{
    from_edition, from_results, profile, statements, GroupStanding, NodeStanding, Standing,
};
use gihi_edition::{Edition, Kind};
use gihi_framework::{Framework, COMPOSITE_ID};
use gihi_registry::{Group, Registry};
use serde_json::json;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Where the results come from.
#[derive(clap::Args, Clone)]
pub struct Source {
    /// A `gihi compute` output directory.
    #[arg(long, conflicts_with = "edition")]
    pub results: Option<PathBuf>,
    /// A built-in edition by year (2024, the default) or a directory of an edition's tables.
    #[arg(long, value_name = "YEAR|DIR")]
    pub edition: Option<String>,
}

/// A loaded source: the standing, plus the edition when it is a published one.
pub struct Loaded {
    pub standing: Standing,
    pub edition: Option<Edition>,
}

impl Source {
    pub fn load(&self) -> Result<Loaded, CliError> {
        if let Some(dir) = &self.results {
            let standing = from_results(dir).map_err(|e| CliError::Input(e.to_string()))?;
            return Ok(Loaded {
                standing,
                edition: None,
            });
        }
        let edition = load_edition(self.edition.as_deref())?;
        let standing = from_edition(&edition, &Framework::gihi_2024());
        Ok(Loaded {
            standing,
            edition: Some(edition),
        })
    }
}

/// `composite`, `mini`, a node id, or `mini-<node>` → (group, node).
fn level(level: &str) -> (Group, String) {
    match level {
        "composite" => (Group::Main, COMPOSITE_ID.into()),
        "mini" => (Group::Mini, COMPOSITE_ID.into()),
        l => match l.strip_prefix("mini-") {
            Some(n) => (Group::Mini, n.into()),
            None => (Group::Main, l.into()),
        },
    }
}

fn node<'a>(s: &'a Standing, lvl: &str) -> Result<(&'a GroupStanding, &'a NodeStanding), CliError> {
    let (group, id) = level(lvl);
    let g = s
        .group(group)
        .ok_or_else(|| CliError::Input(format!("{}: no {group} group", s.label)))?;
    let n = g.node(&id).ok_or_else(|| {
        CliError::Input(format!(
            "{}: no level `{lvl}`: expected composite, mini, A, B, C, A1..C4 or mini-A..mini-C",
            s.label
        ))
    })?;
    Ok((g, n))
}

/// `--top N` must lie between 1 and the size of the group.
fn check_top(top: u32, size: usize) -> Result<(), CliError> {
    if top == 0 || top as usize > size {
        return Err(CliError::Input(format!(
            "--top {top}: expected a number from 1 to {size}, the number of cities of the group"
        )));
    }
    Ok(())
}

fn header(s: &Standing) -> String {
    let mut h = format!("{}\n", s.label);
    if s.synthetic {
        h.push_str("SYNTHETIC DATA: invented values for demos and tests, not real GIHI results.\n");
    }
    h
}

// ---- modes ---------------------------------------------------------------------------------

pub fn run_modes(src: &Source, options: ModeOptions, format: Format) -> Result<(), CliError> {
    let loaded = src.load()?;
    let s = &loaded.standing;
    let g = s
        .group(Group::Main)
        .ok_or_else(|| CliError::Input("no main group".into()))?;
    let pillars: Vec<String> = s.framework.pillars.iter().map(|p| p.id.clone()).collect();
    let m = development_modes(g, &pillars, options)
        .map_err(|e| CliError::Input(format!("{}: {e}", s.label)))?;
    // Agreement with the printed grouping, and how it depends on linkage and inputs.
    let printed: Vec<(String, String)> = loaded
        .edition
        .iter()
        .flat_map(|e| e.modes.iter().map(|m| (m.city.clone(), m.mode.clone())))
        .collect();
    let agreement = |m: &Modes| -> Option<(f64, usize)> {
        let pairs: Vec<(&str, &str)> = printed
            .iter()
            .filter_map(|(c, p)| {
                m.cities
                    .iter()
                    .find(|x| &x.city == c)
                    .map(|x| (x.mode.id(), p.as_str()))
            })
            .collect();
        if pairs.len() < 2 {
            return None;
        }
        let (ours, theirs): (Vec<&str>, Vec<&str>) = pairs.iter().copied().unzip();
        Some((
            adjusted_rand_index(&ours, &theirs),
            pairs.iter().filter(|(a, b)| a == b).count(),
        ))
    };
    let mut sensitivity = Vec::new();
    if !printed.is_empty() {
        for scaling in [Scaling::Joint, Scaling::PerPillar, Scaling::Shape] {
            for linkage in Linkage::ALL {
                if let Ok(v) = development_modes(
                    g,
                    &pillars,
                    ModeOptions {
                        linkage,
                        scaling,
                        ..options
                    },
                ) {
                    if let Some((ari, same)) = agreement(&v) {
                        sensitivity.push((scaling, linkage, ari, same));
                    }
                }
            }
        }
    }
    let printed_of = |c: &str| {
        printed
            .iter()
            .find(|(x, _)| x == c)
            .map(|(_, m)| m.clone())
            .unwrap_or_default()
    };
    let text = match format {
        Format::Json => {
            let v = json!({
                "source": s.label, "synthetic": s.synthetic, "options": m.options, "pillars": m.pillars,
                "cities": m.cities, "clusters": m.clusters,
                "agreement_with_printed": agreement(&m).map(|(ari, same)| json!({"adjusted_rand_index": ari, "same_name": same, "cities": printed.len()})),
                "sensitivity": sensitivity.iter().map(|(sc, l, ari, same)| json!({"scaling": sc, "linkage": l, "adjusted_rand_index": ari, "same_name": same})).collect::<Vec<_>>(),
            });
            super::json_text(&v)
        }
        Format::Csv => {
            let mut h = vec!["rank", "city", "cluster", "mode"];
            let pnames: Vec<String> = m.pillars.iter().map(|p| format!("score_{p}")).collect();
            h.extend(pnames.iter().map(String::as_str));
            h.push("printed_mode");
            csv_string(
                s.synthetic,
                &h,
                m.cities.iter().map(|c| {
                    let mut r = vec![
                        c.composite_rank.to_string(),
                        c.city.clone(),
                        c.cluster.to_string(),
                        c.mode.id().to_string(),
                    ];
                    r.extend(c.scores.iter().map(|v| format!("{v:.4}")));
                    r.push(printed_of(&c.city));
                    r
                }),
            )
        }
        Format::Table => {
            let mut out = header(s);
            out.push_str(&format!(
                "Development modes of the top {} ({} linkage, {} scaling, k = {}); mode scores on [0, 100] (Appendix 6)\n\n",
                options.top, options.linkage.as_str(), options.scaling.as_str(), options.k
            ));
            let mut h = vec!["rank".to_string(), "city".to_string()];
            h.extend(m.pillars.iter().cloned());
            h.extend(["mode".to_string(), "printed".to_string()]);
            let rows: Vec<Vec<String>> = m
                .cities
                .iter()
                .map(|c| {
                    let mut r = vec![c.composite_rank.to_string(), c.city.clone()];
                    r.extend(c.scores.iter().map(|v| format!("{v:.1}")));
                    r.push(format!("{} {}", c.mode.name_en(), c.mode.name_zh()));
                    r.push(printed_of(&c.city));
                    r
                })
                .collect();
            out.push_str(&text_table(
                &h.iter().map(String::as_str).collect::<Vec<_>>(),
                &rows,
            ));
            if let Some((ari, same)) = agreement(&m) {
                out.push_str(&format!("\nAgreement with the printed grouping (section 2.2): adjusted Rand index {ari:.3}; same name for {same} of {} cities.\n", printed.len()));
                out.push_str("How it depends on linkage and inputs:\n");
                let rows: Vec<Vec<String>> = sensitivity
                    .iter()
                    .map(|(sc, l, ari, same)| {
                        vec![
                            sc.as_str().to_string(),
                            l.as_str().to_string(),
                            format!("{ari:.3}"),
                            format!("{same}/{}", printed.len()),
                        ]
                    })
                    .collect();
                out.push_str(&text_table(
                    &["scaling", "linkage", "ARI", "same name"],
                    &rows,
                ));
            }
            out
        }
    };
    print(&text)
}

// ---- regions -------------------------------------------------------------------------------

pub fn run_regions(
    src: &Source,
    lvl: &str,
    top: Option<u32>,
    by_country: bool,
    format: Format,
) -> Result<(), CliError> {
    let loaded = src.load()?;
    let s = &loaded.standing;
    let (g, n) = node(s, lvl)?;
    if let Some(t) = top {
        check_top(t, g.size)?;
    }
    let registry = Registry::gihi_2024();
    let q = rank_quartiles(n, &registry);
    let counts = top.map(|t| {
        top_counts(
            n,
            &registry,
            t,
            if by_country {
                By::Country
            } else {
                By::Continent
            },
        )
    });
    let text = match format {
        Format::Json => {
            let mut counts_obj = serde_json::Map::new();
            if let Some((c, _)) = &counts {
                for (k, v) in c {
                    counts_obj.insert(k.clone(), json!(v));
                }
            }
            let v = json!({"source": s.label, "synthetic": s.synthetic, "level": lvl, "ranks_derived": n.ranks_derived, "quartiles": q,
                "top": top, "counted": counts.as_ref().map(|c| c.1), "counts": counts_obj});
            super::json_text(&v)
        }
        Format::Csv => {
            // Quartile rows, then (with --top) one count row per continent or country.
            let mut rows: Vec<Vec<String>> = q
                .iter()
                .map(|x| {
                    vec![
                        "quartiles".into(),
                        x.continent.clone(),
                        x.cities.to_string(),
                        x.best.to_string(),
                        x.q1.to_string(),
                        x.median.to_string(),
                        x.q3.to_string(),
                        x.worst.to_string(),
                        String::new(),
                    ]
                })
                .collect();
            if let (Some((c, _)), Some(t)) = (&counts, top) {
                for (k, v) in c {
                    let mut row = vec![format!("top-{t}"), k.clone()];
                    row.extend(std::iter::repeat_n(String::new(), 6));
                    row.push(v.to_string());
                    rows.push(row);
                }
            }
            csv_string(
                s.synthetic,
                &[
                    "part", "region", "cities", "best", "q1", "median", "q3", "worst", "count",
                ],
                rows,
            )
        }
        Format::Table => {
            let mut out = header(s);
            out.push_str(&format!("Rank quartiles by continent at level {lvl} ({} cities listed; quartiles by linear interpolation)\n\n", n.entries.len()));
            let rows: Vec<Vec<String>> = q
                .iter()
                .map(|x| {
                    vec![
                        x.continent.clone(),
                        x.cities.to_string(),
                        x.best.to_string(),
                        format!("{:.2}", x.q1),
                        format!("{:.1}", x.median),
                        format!("{:.2}", x.q3),
                        x.worst.to_string(),
                    ]
                })
                .collect();
            out.push_str(&text_table(
                &["continent", "cities", "best", "Q1", "median", "Q3", "worst"],
                &rows,
            ));
            if let (Some(t), Some((c, total))) = (top, &counts) {
                out.push_str(&format!("\nTop {t} ({total} cities with rank <= {t}):\n"));
                let rows: Vec<Vec<String>> = c
                    .iter()
                    .map(|(k, v)| vec![k.clone(), v.to_string()])
                    .collect();
                out.push_str(&text_table(&["region", "cities"], &rows));
            }
            out
        }
    };
    print(&text)
}

// ---- changes -------------------------------------------------------------------------------

fn ranks(n: &NodeStanding) -> BTreeMap<String, u32> {
    n.entries.iter().map(|e| (e.city.clone(), e.rank)).collect()
}

pub fn run_changes(
    src: &Source,
    lvl: &str,
    from: Option<u16>,
    against: Option<&Path>,
    top: u32,
    format: Format,
) -> Result<(), CliError> {
    let loaded = src.load()?;
    let s = &loaded.standing;
    let (g, after_node) = node(s, lvl)?;
    check_top(top, g.size)?;
    let after = ranks(after_node);
    let mut synthetic = s.synthetic;
    let (before, before_label) = match (against, &loaded.edition) {
        (Some(_), Some(_)) => {
            return Err(CliError::Input(
                "--against compares two computed runs: give the later run with --results DIR (without it, the published edition would be compared with a run)".into(),
            ))
        }
        (Some(dir), None) => {
            let earlier = from_results(dir).map_err(|e| CliError::Input(e.to_string()))?;
            synthetic |= earlier.synthetic;
            let (_, n) = node(&earlier, lvl)?;
            (ranks(n), earlier.label.clone())
        }
        (None, Some(e)) => {
            let year = from.unwrap_or(e.year - 1);
            let (_, id) = level(lvl);
            let map: BTreeMap<String, u32> = e
                .tables
                .iter()
                .filter(|t| t.node == id)
                .flat_map(|t| {
                    t.rows.iter().filter_map(|r| {
                        r.cell(&id, Kind::Rank, year)
                            .map(|c| (r.city.clone(), c.value as u32))
                    })
                })
                .collect();
            if map.is_empty() || year == e.year {
                return Err(CliError::Input(format!("GIHI {}: no printed {year} ranks for level `{lvl}` (the history tables cover composite, A, B and C)", e.year)));
            }
            (
                map,
                format!("GIHI {year} (as printed in the {} history table)", e.year),
            )
        }
        (None, None) => {
            return Err(CliError::Input(
                "changes of a computed run need --against DIR (an earlier run)".into(),
            ))
        }
    };
    let registry = Registry::gihi_2024();
    let ch = compare(&before, &after, top, &registry);
    let (risers, fallers) = biggest_movers(&ch, 5);
    let fmt_rank = |r: Option<u32>| r.map_or("-".to_string(), |v| v.to_string());
    let fmt_change = |c: Option<i64>| {
        c.map_or("n/a".to_string(), |v| {
            if v > 0 {
                format!("↑{v}")
            } else if v < 0 {
                format!("↓{}", -v)
            } else {
                "=".into()
            }
        })
    };
    let text = match format {
        Format::Json => {
            let v = json!({"before": before_label, "after": s.label, "synthetic": synthetic, "level": lvl, "changes": ch,
                "biggest_risers": risers, "biggest_fallers": fallers});
            super::json_text(&v)
        }
        Format::Csv => csv_string(
            synthetic,
            &["city", "rank_before", "rank_after", "change"],
            ch.rows.iter().map(|r| {
                vec![
                    r.city.clone(),
                    fmt_rank(r.before),
                    fmt_rank(r.after),
                    r.change.map_or(String::new(), |c| c.to_string()),
                ]
            }),
        ),
        Format::Table => {
            let mut out = header(s);
            if synthetic && !s.synthetic {
                out.push_str("SYNTHETIC: the earlier run is synthetic, so this comparison is not real GIHI data\n");
            }
            out.push_str(&format!(
                "Rank changes at level {lvl}, top {top}: {before_label} -> {}\n\n",
                s.label
            ));
            let rows: Vec<Vec<String>> = ch
                .rows
                .iter()
                .map(|r| {
                    vec![
                        r.city.clone(),
                        fmt_rank(r.before),
                        fmt_rank(r.after),
                        fmt_change(r.change),
                    ]
                })
                .collect();
            out.push_str(&text_table(&["city", "before", "after", "change"], &rows));
            out.push_str(&format!(
                "\nEntrants: {}\n",
                if ch.entrants.is_empty() {
                    "none".into()
                } else {
                    ch.entrants.join(", ")
                }
            ));
            out.push_str(&format!(
                "Leavers: {}\n",
                if ch.leavers.is_empty() {
                    "none named".into()
                } else {
                    ch.leavers.join(", ")
                }
            ));
            if !ch.unnamed_earlier_ranks.is_empty() {
                out.push_str(&format!(
                    "Earlier top-{top} ranks not held by any listed city (left the top {top}, not named in the data): {}\n",
                    ch.unnamed_earlier_ranks.iter().map(|r| r.to_string()).collect::<Vec<_>>().join(", ")
                ));
            }
            out.push_str("Risers / fallers / unchanged by continent:\n");
            let rows: Vec<Vec<String>> = ch
                .by_continent
                .iter()
                .map(|(c, a, b, u)| vec![c.clone(), a.to_string(), b.to_string(), u.to_string()])
                .collect();
            out.push_str(&text_table(
                &["continent", "rose", "fell", "unchanged"],
                &rows,
            ));
            out.push_str(&format!(
                "Biggest risers: {}\nBiggest fallers: {}\n",
                risers
                    .iter()
                    .map(|r| format!("{} {}", r.city, fmt_change(r.change)))
                    .collect::<Vec<_>>()
                    .join(", "),
                fallers
                    .iter()
                    .map(|r| format!("{} {}", r.city, fmt_change(r.change)))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
            out
        }
    };
    print(&text)
}

// ---- profile -------------------------------------------------------------------------------

pub fn run_profile(src: &Source, city: &str, format: Format) -> Result<(), CliError> {
    let loaded = src.load()?;
    let s = &loaded.standing;
    let registry = Registry::gihi_2024();
    let c = registry.resolve(city).ok_or_else(|| {
        let sug = registry.suggest(city);
        CliError::Input(format!(
            "unknown city `{city}`{}",
            if sug.is_empty() {
                String::new()
            } else {
                format!("; did you mean {}?", sug.join(", "))
            }
        ))
    })?;
    let mode = match &loaded.edition {
        Some(e) => e
            .modes
            .iter()
            .find(|m| m.city == c.id)
            .map(|m| format!("{} ({}; printed, section 2.2)", m.mode, m.mode_zh)),
        None => s.group(Group::Main).and_then(|g| {
            let pillars: Vec<String> = s.framework.pillars.iter().map(|p| p.id.clone()).collect();
            development_modes(g, &pillars, ModeOptions::default())
                .ok()
                .and_then(|m| {
                    m.cities.iter().find(|x| x.city == c.id).map(|x| {
                        format!(
                            "{} ({}; Ward clustering of the top 20)",
                            x.mode.id(),
                            x.mode.name_zh()
                        )
                    })
                })
        }),
    };
    let p = profile::profile(s, &c.id, mode).ok_or_else(|| {
        CliError::Input(format!("{}: {} is not listed at any level", s.label, c.id))
    })?;
    let text = match format {
        Format::Json => super::json_text(
            &json!({"source": s.label, "synthetic": s.synthetic, "name_en": c.name_en, "name_zh": c.name_zh, "profile": p}),
        ),
        Format::Csv => csv_string(
            s.synthetic,
            &[
                "node",
                "level",
                "score",
                "rank",
                "of",
                "relative_to_composite",
            ],
            p.positions.iter().map(|x| {
                vec![
                    x.node.clone(),
                    x.level.to_string(),
                    super::number(x.score),
                    x.rank.to_string(),
                    x.of.to_string(),
                    x.relative.to_string(),
                ]
            }),
        ),
        Format::Table => {
            let mut out = header(s);
            out.push_str(&format!(
                "{} {} ({}, {} group of {})\n\n",
                c.name_en, c.name_zh, c.id, p.group, p.group_size
            ));
            let rows: Vec<Vec<String>> = p
                .positions
                .iter()
                .map(|x| {
                    vec![
                        x.node.clone(),
                        x.level.to_string(),
                        format!("{:.2}", x.score),
                        format!("{}{}", x.rank, if x.ranks_derived { "*" } else { "" }),
                        format!("{:+}", x.relative),
                    ]
                })
                .collect();
            out.push_str(&text_table(
                &["node", "level", "score", "rank", "vs overall"],
                &rows,
            ));
            if p.positions.iter().any(|x| x.ranks_derived) {
                out.push_str("* rank among the cities whose score is printed\n");
            }
            out.push_str(&format!(
                "\nStrongest relative to overall rank: {}\nWeakest relative to overall rank: {}\n",
                p.strengths.join(", "),
                p.weaknesses.join(", ")
            ));
            if !p.indicator_strengths.is_empty() {
                let f = |v: &[(String, u32)]| {
                    v.iter()
                        .map(|(i, r)| format!("{i} (rank {r})"))
                        .collect::<Vec<_>>()
                        .join(", ")
                };
                out.push_str(&format!(
                    "Strongest indicators: {}\nWeakest indicators: {}\n",
                    f(&p.indicator_strengths),
                    f(&p.indicator_weaknesses)
                ));
            }
            out.push_str(&format!(
                "Nearest peers: {}\n",
                p.peers
                    .iter()
                    .map(|(c, d)| format!("{c} ({d:.2})"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
            out.push_str(&format!(
                "Development mode: {}\n",
                p.mode
                    .clone()
                    .unwrap_or_else(|| "not among the top 20".into())
            ));
            out
        }
    };
    print(&text)
}

// ---- statements ----------------------------------------------------------------------------

pub fn run_statements(edition_arg: Option<&str>, format: Format) -> Result<(), CliError> {
    let edition = load_edition(edition_arg)?;
    let text = match super::published::edition_dir(edition_arg)? {
        None => statements::GIHI_2024_STATEMENTS.to_string(),
        Some(d) => gihi_input::read_text_limited(
            &d.join("statements.toml"),
            gihi_edition::MAX_EDITION_FILE_BYTES,
        )
        .map_err(|e| CliError::Input(format!("{}: {e}", d.join("statements.toml").display())))?,
    };
    let list =
        statements::parse(&text).map_err(|e| CliError::Input(format!("statements.toml: {e}")))?;
    let verdicts = statements::check(&list, &edition, &Registry::gihi_2024());
    let holding = verdicts.iter().filter(|v| v.holds).count();
    let out = match format {
        Format::Json => super::json_text(&verdicts),
        Format::Csv => csv_string(
            false,
            &["section", "claim", "level", "holds", "found", "quote"],
            verdicts.iter().map(|v| {
                vec![
                    v.section.clone(),
                    v.claim.clone(),
                    v.level.clone(),
                    v.holds.to_string(),
                    v.found.clone(),
                    v.quote.clone(),
                ]
            }),
        ),
        Format::Table => {
            let mut out = format!("Statements of the GIHI {} report checked against its tables: {holding} of {} hold\n", edition.year, verdicts.len());
            for v in verdicts.iter().filter(|v| !v.holds) {
                out.push_str(&format!(
                    "\n[disagrees] section {} ({} {}): {}\n    the tables show: {}\n",
                    v.section, v.claim, v.level, v.quote, v.found
                ));
            }
            out
        }
    };
    print(&out)
}
