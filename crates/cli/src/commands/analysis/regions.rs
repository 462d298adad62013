//! `gihi regions`: rank quartiles by continent and top-N counts.

use super::{check_top, header, node, Source};
use crate::commands::{csv_string, print, text_table};
use crate::{error::CliError, Format};
use gihi_analysis::regions::{rank_quartiles, top_counts, By};
use serde_json::json;

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
    let registry = &s.registry;
    let q = rank_quartiles(n, registry);
    let counts = top.map(|t| {
        top_counts(
            n,
            registry,
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
            crate::commands::json_text(&v)
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
