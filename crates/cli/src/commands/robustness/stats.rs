//! `gihi stats`: the statistical audit of an indicator table (JRC style).

use super::load;
use crate::commands::{csv_string, print, text_table};
use crate::error::CliError;
use crate::Format;
use gihi_registry::Group;
use gihi_robustness::stats::statistical_audit;
use gihi_robustness::Model;
use serde_json::json;
use std::path::Path;

pub fn run_stats(
    data: &Path,
    framework: Option<&Path>,
    group: Group,
    format: Format,
) -> Result<(), CliError> {
    let l = load(data, framework)?;
    let (_, t) = l.groups.iter().find(|(g, _)| *g == group).ok_or_else(|| {
        CliError::Input(format!(
            "{}: no {group} group with at least 2 cities",
            data.display()
        ))
    })?;
    let model = Model::new(&l.framework, t.cities.clone(), t.values.clone());
    let a = statistical_audit(&l.framework, &model);
    let f = |v: Option<f64>| {
        v.map_or(String::new(), |x| match format {
            Format::Table => crate::commands::readable(x),
            _ => x.to_string(),
        })
    };
    let text = match format {
        Format::Json => crate::commands::json_text(
            &json!({"synthetic": l.table.synthetic, "group": group.as_str(), "audit": a}),
        ),
        Format::Csv => csv_string(
            l.table.synthetic,
            &[
                "indicator",
                "observed",
                "availability",
                "mean",
                "sd",
                "min",
                "max",
                "skewness",
                "kurtosis",
                "outlier",
            ],
            a.indicators.iter().map(|s| {
                vec![
                    s.indicator.clone(),
                    s.observed.to_string(),
                    crate::commands::number(s.availability),
                    f(s.mean),
                    f(s.sd),
                    f(s.min),
                    f(s.max),
                    f(s.skewness),
                    f(s.kurtosis),
                    s.outlier.to_string(),
                ]
            }),
        ),
        Format::Table => {
            let mut out = format!(
                "Statistical audit of {} ({} group, {} cities){}\n\n",
                l.table.origin,
                group,
                t.cities.len(),
                l.synthetic_banner()
            );
            let rows: Vec<Vec<String>> = a
                .indicators
                .iter()
                .map(|s| {
                    vec![
                        s.indicator.clone(),
                        format!("{:.0}%", 100.0 * s.availability),
                        f(s.mean),
                        f(s.sd),
                        f(s.skewness),
                        f(s.kurtosis),
                        if s.outlier {
                            "outlier".into()
                        } else {
                            String::new()
                        },
                    ]
                })
                .collect();
            out.push_str(&text_table(
                &[
                    "indicator",
                    "available",
                    "mean",
                    "sd (n-1)",
                    "skewness",
                    "kurtosis",
                    "flag",
                ],
                &rows,
            ));
            out.push('\n');
            let rows: Vec<Vec<String>> = a
                .nodes
                .iter()
                .map(|n| {
                    vec![
                        n.node.clone(),
                        f(n.cronbach_alpha),
                        f(n.first_component_share),
                    ]
                })
                .collect();
            out.push_str(&text_table(&["node", "Cronbach alpha", "PC1 share"], &rows));
            out.push_str(&format!("\n{} flag(s):\n", a.flags.len()));
            for flag in &a.flags {
                out.push_str(&format!("  {flag}\n"));
            }
            out
        }
    };
    print(&text)
}
