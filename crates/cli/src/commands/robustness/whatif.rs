//! `gihi whatif` and `gihi target`: exact recomputation for one city.

use super::{load, Loaded};
use crate::commands::{csv_string, print, text_table};
use crate::error::CliError;
use crate::Format;
use gihi_registry::Group;
use gihi_robustness::whatif::{parse_change, target, whatif};
use gihi_scores::MissingPolicy;
use serde_json::json;
use std::path::Path;

fn city_index(l: &Loaded, city: &str) -> Result<(Group, usize), CliError> {
    let registry = crate::commands::edition::registry()?;
    let c = registry.resolve(city).ok_or_else(|| {
        CliError::Input(format!(
            "unknown city `{city}`; did you mean {}?",
            registry.suggest(city).join(", ")
        ))
    })?;
    l.groups
        .iter()
        .find_map(|(g, t)| t.cities.iter().position(|x| *x == c.id).map(|j| (*g, j)))
        .ok_or_else(|| CliError::Input(format!("{}: {} is not in the table", l.table.origin, c.id)))
}

/// The table of one evaluation group (present: `city_index` found the city in it).
fn group_table(l: &Loaded, group: Group) -> &gihi_scores::GroupTable {
    &l.groups
        .iter()
        .find(|(g, _)| *g == group)
        .expect("city_index returns a loaded group")
        .1
}

pub fn run_whatif(
    data: &Path,
    framework: Option<&Path>,
    city: &str,
    sets: &[String],
    missing: MissingPolicy,
    format: Format,
) -> Result<(), CliError> {
    let l = load(data, framework)?;
    let (group, j) = city_index(&l, city)?;
    let t = group_table(&l, group);
    let ids: Vec<String> = l.framework.indicators().map(|i| i.id.clone()).collect();
    let mut changes = Vec::new();
    for s in sets {
        let (id, c) = parse_change(s).map_err(CliError::Input)?;
        let i = ids
            .iter()
            .position(|x| x.eq_ignore_ascii_case(&id))
            .ok_or_else(|| CliError::Input(format!("--set {s}: unknown indicator `{id}`")))?;
        changes.push((i, c));
    }
    let w = whatif(&l.framework, t, j, &changes, missing).map_err(|e| match e {
        gihi_robustness::whatif::WhatIfError::Invalid(m) => CliError::Input(format!("--set: {m}")),
        e => CliError::Input(format!("{}: {e}", l.table.origin)),
    })?;
    let text = match format {
        Format::Json => crate::commands::json_text(
            &json!({"synthetic": l.table.synthetic, "group": group.as_str(), "whatif": w}),
        ),
        Format::Csv | Format::Table => {
            // Full precision in CSV; two decimals, as the report prints, in the table.
            let shown = |x: f64| {
                if format == Format::Csv {
                    crate::commands::number(x)
                } else {
                    format!("{x:.2}")
                }
            };
            let rows = |v: &[gihi_robustness::whatif::Move]| -> Vec<Vec<String>> {
                v.iter()
                    .map(|m| {
                        vec![
                            m.city.clone(),
                            m.node.clone(),
                            shown(m.score_before),
                            shown(m.score_after),
                            m.rank_before.to_string(),
                            m.rank_after.to_string(),
                        ]
                    })
                    .collect()
            };
            let header = [
                "city",
                "node",
                "score_before",
                "score_after",
                "rank_before",
                "rank_after",
            ];
            if format == Format::Csv {
                let mut all = rows(&w.city);
                all.extend(rows(&w.affected));
                csv_string(l.table.synthetic, &header, all)
            } else {
                format!(
                    "What if {}: {}{}\n\n{}\nOther cities whose rank changes ({}):\n{}",
                    t.cities[j],
                    sets.join(", "),
                    l.synthetic_banner(),
                    text_table(&header, &rows(&w.city)),
                    w.affected.len(),
                    text_table(&header, &rows(&w.affected))
                )
            }
        }
    };
    print(&text)
}

pub fn run_target(
    data: &Path,
    framework: Option<&Path>,
    city: &str,
    rank: usize,
    level: &str,
    missing: MissingPolicy,
    format: Format,
) -> Result<(), CliError> {
    let l = load(data, framework)?;
    let (group, j) = city_index(&l, city)?;
    let t = group_table(&l, group);
    let node = if level == "composite" {
        gihi_framework::COMPOSITE_ID
    } else {
        level
    };
    if !l.framework.aggregates().iter().any(|a| a.id == node) {
        return Err(CliError::Input(format!(
            "--level {level}: expected composite or a pillar or sub-pillar id of the framework"
        )));
    }
    if rank == 0 || rank > t.cities.len() {
        return Err(CliError::Input(format!(
            "--rank {rank}: expected a rank from 1 to {}, the number of cities of the {group} group",
            t.cities.len()
        )));
    }
    let r = target(&l.framework, t, j, node, rank, missing)
        .map_err(|e| CliError::Input(format!("{}: {e}", l.table.origin)))?;
    let text = match format {
        Format::Json => crate::commands::json_text(
            &json!({"synthetic": l.table.synthetic, "group": group.as_str(), "city": t.cities[j], "target": r}),
        ),
        Format::Csv => {
            let f = |v: Option<f64>| v.map_or(String::new(), |x| x.to_string());
            let mut rows: Vec<Vec<String>> = r
                .single
                .iter()
                .map(|s| {
                    vec![
                        "single".into(),
                        s.indicator.clone(),
                        s.current.to_string(),
                        f(s.needed),
                        f(s.change),
                        f(s.change_percent),
                        String::new(),
                        s.needed.is_some().to_string(),
                        s.searched_to.to_string(),
                    ]
                })
                .collect();
            for st in r.greedy_combination.iter().flatten() {
                rows.push(vec![
                    "greedy".into(),
                    st.indicator.clone(),
                    st.from.to_string(),
                    st.to.to_string(),
                    (st.to - st.from).to_string(),
                    String::new(),
                    st.effort.to_string(),
                    "true".into(),
                    String::new(),
                ]);
            }
            let mut text = String::new();
            text.push_str(&csv_string(
                l.table.synthetic,
                &[
                    "part",
                    "indicator",
                    "current",
                    "needed",
                    "change",
                    "change_percent",
                    "effort_sd",
                    "found",
                    "searched_to",
                ],
                rows,
            ));
            text
        }
        Format::Table => {
            let mut out = format!(
                "Target: {} from rank {} to rank {} or better at {}{}\n\n",
                t.cities[j],
                r.current_rank,
                r.goal,
                r.node,
                l.synthetic_banner()
            );
            let rows: Vec<Vec<String>> = r
                .single
                .iter()
                .map(|s| match s.needed {
                    Some(v) => vec![
                        s.indicator.clone(),
                        crate::commands::readable(s.current),
                        v.to_string(),
                        s.change_percent
                            .map_or(String::new(), |p| format!("{p:+.1}%")),
                    ],
                    None => vec![
                        s.indicator.clone(),
                        crate::commands::readable(s.current),
                        format!(
                            "not found up to {}",
                            crate::commands::readable(s.searched_to)
                        ),
                        String::new(),
                    ],
                })
                .collect();
            out.push_str("One indicator alone (values verified to reach the rank):\n");
            out.push_str(&text_table(
                &["indicator", "current", "needed", "change"],
                &rows,
            ));
            match &r.greedy_combination {
                Some(steps) => {
                    out.push_str(&format!("\nA greedy combination (highest effective weight first, each at most the group's best value; not guaranteed cheapest; effort = changes in standard deviations, total {:.3}):\n", r.greedy_effort.unwrap_or(0.0)));
                    let rows: Vec<Vec<String>> = steps.iter().map(|s| vec![s.indicator.clone(), crate::commands::readable(s.from), s.to.to_string(), format!("{:.3}", s.effort)]).collect();
                    out.push_str(&text_table(&["indicator", "from", "to", "effort (sd)"], &rows));
                }
                None => out.push_str("\nNo greedy combination found: even every indicator of the level at the group's best value is not enough.\n"),
            }
            out
        }
    };
    print(&text)
}
