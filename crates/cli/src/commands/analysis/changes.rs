//! `gihi changes`: rank changes between editions or two computed runs.

use super::{check_top, header, node, Source};
use crate::commands::{csv_string, print, text_table};
use crate::{error::CliError, Format};
use gihi_analysis::changes::{biggest_movers, compare, registry_diff};
use gihi_analysis::{from_results, NodeStanding};
use gihi_edition::{Edition, Kind, Setup};
use serde_json::json;
use std::collections::BTreeMap;
use std::path::Path;

fn ranks(n: &NodeStanding) -> BTreeMap<String, u32> {
    n.entries.iter().map(|e| (e.city.clone(), e.rank)).collect()
}

/// Whether `--against` names an edition (a built-in year or a directory with
/// `edition.toml`) rather than an earlier run.
fn is_edition(a: &Path) -> bool {
    gihi_edition::BUILT_IN_EDITIONS.contains(&a.to_string_lossy().as_ref())
        || a.join(gihi_edition::EDITION_FILE).is_file()
        || (a.as_os_str().len() == 4 && a.to_string_lossy().bytes().all(|b| b.is_ascii_digit()))
}

/// The ranks of `year` that an edition prints for a level (its ranking tables, or the
/// history tables for earlier years).
fn printed_ranks(e: &Edition, lvl: &str, year: u16) -> Result<BTreeMap<String, u32>, CliError> {
    let (group, id) = gihi_service::parse_level(lvl);
    let map: BTreeMap<String, u32> = e
        .tables
        .iter()
        .filter(|t| t.node == id && t.group == group)
        .flat_map(|t| {
            t.rows.iter().filter_map(|r| {
                r.cell(&id, Kind::Rank, year)
                    .map(|c| (r.city.clone(), c.value as u32))
            })
        })
        .collect();
    if map.is_empty() {
        return Err(CliError::Input(format!(
            "GIHI {} ({}): no printed {year} ranks for level `{lvl}`",
            e.year, e.origin
        )));
    }
    Ok(map)
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
    let (before, before_label, before_registry) = match (against, &loaded.edition) {
        (Some(_), Some(_)) => {
            return Err(CliError::Input(
                "--against compares a computed run with an earlier run or edition: give the later run with --results DIR".into(),
            ))
        }
        (Some(a), None) if is_edition(a) => {
            let arg = a.to_string_lossy();
            let e = Edition::resolve(Some(&arg))?;
            let setup = Setup::resolve(Some(&arg))?;
            let map = printed_ranks(&e, lvl, e.year)?;
            (map, format!("GIHI {} (as printed)", e.year), setup.registry)
        }
        (Some(dir), None) => {
            let earlier = from_results(dir).map_err(|e| CliError::Input(e.to_string()))?;
            synthetic |= earlier.synthetic;
            let (_, n) = node(&earlier, lvl)?;
            (ranks(n), earlier.label.clone(), earlier.registry.clone())
        }
        (None, Some(e)) => {
            let year = from.unwrap_or(e.year - 1);
            if year == e.year {
                return Err(CliError::Input(format!("--from {year}: the history tables compare earlier years with {}; give an earlier year", e.year)));
            }
            (
                printed_ranks(e, lvl, year)?,
                format!("GIHI {year} (as printed in the {} history table)", e.year),
                s.registry.clone(),
            )
        }
        (None, None) => {
            return Err(CliError::Input(
                "changes of a computed run need --against DIR|YEAR (an earlier run, or an edition's printed ranks)".into(),
            ))
        }
    };
    let (added, dropped) = registry_diff(&before_registry, &s.registry);
    let registry = &s.registry;
    let ch = compare(&before, &after, top, registry);
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
                "biggest_risers": risers, "biggest_fallers": fallers,
                "cities_added": added, "cities_dropped": dropped});
            crate::commands::json_text(&v)
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
            if !added.is_empty() || !dropped.is_empty() {
                out.push_str(&format!(
                    "Cities evaluated now but not then: {}\nCities evaluated then but not now: {}\n",
                    if added.is_empty() { "none".into() } else { added.join(", ") },
                    if dropped.is_empty() { "none".into() } else { dropped.join(", ") }
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
