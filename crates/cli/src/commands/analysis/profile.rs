//! `gihi profile`: one city at every level, its strengths, peers and mode (computed by
//! `gihi-service`, as the explorer shows it; this file only prints).

use super::{header, Source};
use crate::commands::{csv_string, print, text_table};
use crate::{error::CliError, Format};
use serde_json::json;

pub fn run_profile(src: &Source, city: &str, format: Format) -> Result<(), CliError> {
    let explorer = src.load()?;
    let s = &explorer.standing;
    let p = explorer
        .profile(city)
        .map_err(|e| CliError::Input(e.to_string()))?;
    let text = match format {
        Format::Json => crate::commands::json_text(&json!({"source": s.label, "profile": p})),
        Format::Csv => csv_string(
            s.synthetic,
            &[
                "level",
                "node",
                "kind",
                "score",
                "rank",
                "of",
                "group_median",
                "relative_to_composite",
            ],
            p.positions.iter().map(|x| {
                vec![
                    x.level.clone(),
                    x.node.clone(),
                    x.kind.clone(),
                    crate::commands::number(x.score),
                    x.rank.to_string(),
                    x.of.to_string(),
                    crate::commands::number(x.group_median),
                    x.relative.to_string(),
                ]
            }),
        ),
        Format::Table => {
            let mut out = header(s);
            out.push_str(&format!(
                "{} {} ({}, {} group of {})\n\n",
                p.city.name_en, p.city.name_zh, p.city.id, p.group, p.group_size
            ));
            let rows: Vec<Vec<String>> = p
                .positions
                .iter()
                .map(|x| {
                    vec![
                        x.node.clone(),
                        x.kind.clone(),
                        format!("{:.2}", x.score),
                        format!("{}{}", x.rank, if x.ranks_derived { "*" } else { "" }),
                        format!("{:.2}", x.group_median),
                        format!("{:+}", x.relative),
                    ]
                })
                .collect();
            out.push_str(&text_table(
                &[
                    "node",
                    "level",
                    "score",
                    "rank",
                    "group median",
                    "vs overall",
                ],
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
                let f = |ids: &[String]| {
                    ids.iter()
                        .map(|id| {
                            let rank = p
                                .indicators
                                .iter()
                                .find(|i| &i.id == id)
                                .map_or(0, |i| i.rank);
                            format!("{id} (rank {rank})")
                        })
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
                    .map(|x| format!("{} ({:.2})", x.city.id, x.distance))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
            out.push_str(&format!(
                "Development mode: {}\n",
                p.mode
                    .as_ref()
                    .map_or("not among the top 20".into(), |m| format!(
                        "{} ({}; {})",
                        m.id,
                        m.name_zh,
                        if m.origin == "printed" {
                            "printed, section 2.2"
                        } else {
                            "Ward clustering of the top 20"
                        }
                    ))
            ));
            out
        }
    };
    print(&text)
}
