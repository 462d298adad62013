//! `gihi modes`: development modes (Appendix 6) of the top cities.

use super::{header, Source};
use crate::commands::{csv_string, print, text_table};
use crate::{error::CliError, Format};
use gihi_analysis::modes::{
    adjusted_rand_index, development_modes, Linkage, ModeOptions, Modes, Scaling,
};
use gihi_registry::Group;
use serde_json::json;

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
            crate::commands::json_text(&v)
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
