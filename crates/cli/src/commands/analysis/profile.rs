//! `gihi profile`: one city at every level, its strengths, peers and mode.

use super::{header, Source};
use crate::commands::{csv_string, print, text_table};
use crate::{error::CliError, Format};
use gihi_analysis::modes::{development_modes, ModeOptions};
use gihi_analysis::profile;
use gihi_registry::Group;
use serde_json::json;

pub fn run_profile(src: &Source, city: &str, format: Format) -> Result<(), CliError> {
    let loaded = src.load()?;
    let s = &loaded.standing;
    let registry = &s.registry;
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
        Format::Json => crate::commands::json_text(
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
                    crate::commands::number(x.score),
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
