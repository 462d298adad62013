//! `gihi framework`: the tree with relative and effective weights.

use super::{csv_string, load_framework, print, text_table};
use crate::{error::CliError, Format};
use serde::Serialize;
use std::path::Path;

/// One node of the tree as listed.
#[derive(Serialize)]
struct Node {
    level: &'static str,
    id: String,
    parent: String,
    name_en: String,
    name_zh: String,
    weight: f64,
    effective_weight: f64,
}

pub fn run(path: Option<&Path>, format: Format) -> Result<(), CliError> {
    let loaded = load_framework(path)?;
    let f = &loaded.framework;
    let eff = f.effective_weights();
    let total = |ids: &mut dyn Iterator<Item = usize>| ids.map(|i| eff[i]).sum::<f64>();
    let mut nodes = Vec::new();
    let mut k = 0;
    for p in &f.pillars {
        let n: usize = p.subpillars.iter().map(|s| s.indicators.len()).sum();
        nodes.push(Node {
            level: "pillar",
            id: p.id.clone(),
            parent: gihi_framework::COMPOSITE_ID.into(),
            name_en: p.name_en.clone(),
            name_zh: p.name_zh.clone(),
            weight: p.weight,
            effective_weight: total(&mut (k..k + n)),
        });
        for s in &p.subpillars {
            nodes.push(Node {
                level: "subpillar",
                id: s.id.clone(),
                parent: p.id.clone(),
                name_en: s.name_en.clone(),
                name_zh: s.name_zh.clone(),
                weight: s.weight,
                effective_weight: total(&mut (k..k + s.indicators.len())),
            });
            for i in &s.indicators {
                nodes.push(Node {
                    level: "indicator",
                    id: i.id.clone(),
                    parent: s.id.clone(),
                    name_en: i.name_en.clone(),
                    name_zh: i.name_zh.clone(),
                    weight: i.weight,
                    effective_weight: eff[k],
                });
                k += 1;
            }
        }
    }
    let text = match format {
        Format::Json => {
            let doc = serde_json::json!({
                "id": f.id, "name_en": f.name_en, "name_zh": f.name_zh, "source": f.source,
                "path": loaded.path, "sha256": loaded.sha256, "nodes": nodes,
            });
            super::json_text(&doc)
        }
        Format::Csv => csv_string(
            false,
            &[
                "level",
                "id",
                "parent",
                "name_en",
                "name_zh",
                "weight",
                "effective_weight",
            ],
            nodes.iter().map(|n| {
                vec![
                    n.level.into(),
                    n.id.clone(),
                    n.parent.clone(),
                    n.name_en.clone(),
                    n.name_zh.clone(),
                    n.weight.to_string(),
                    n.effective_weight.to_string(),
                ]
            }),
        ),
        Format::Table => {
            let rows: Vec<Vec<String>> = nodes
                .iter()
                .map(|n| {
                    let indent = match n.level {
                        "pillar" => "",
                        "subpillar" => "  ",
                        _ => "    ",
                    };
                    vec![
                        format!("{indent}{}", n.id),
                        format!("{indent}{}", n.name_en),
                        n.name_zh.clone(),
                        format!("{:.4}", n.weight),
                        format!("{:.2}%", 100.0 * n.effective_weight),
                    ]
                })
                .collect();
            format!(
                "{} ({}): {} / {}\nsource: {}\n\n",
                f.id, loaded.path, f.name_en, f.name_zh, f.source
            ) + &text_table(&["node", "name", "名称", "weight", "effective"], &rows)
        }
    };
    print(&text)
}
