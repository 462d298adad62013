//! Robustness commands: statistical audit, uncertainty, sensitivity, what-if, target, bench.

use super::{
    csv_string, load_framework, load_indicator_table, print, require_synthetic_label, run_time,
    text_table,
};
use crate::error::CliError;
use crate::output::OutputDir;
use crate::Format;
use gihi_data::IndicatorTable;
use gihi_framework::Framework;
use gihi_registry::{Group, Registry};
use gihi_robustness::sensitivity::sensitivity;
use gihi_robustness::stats::statistical_audit;
use gihi_robustness::whatif::{parse_change, target, whatif};
use gihi_robustness::{uncertainty, Model, Options, Vary};
use gihi_scores::{GroupTable, MissingPolicy};
use indicatif::{ProgressBar, ProgressStyle};
use serde_json::json;
use std::io::IsTerminal;
use std::path::Path;

/// A loaded indicator table split into evaluation groups.
pub struct Loaded {
    pub framework: Framework,
    pub framework_sha: String,
    pub table: IndicatorTable,
    pub data_sha: String,
    pub groups: Vec<(Group, GroupTable)>,
}

impl Loaded {
    /// ` — SYNTHETIC DATA` for headings of text made from a synthetic table, else nothing.
    fn synthetic_banner(&self) -> &'static str {
        if self.table.synthetic {
            " — SYNTHETIC DATA"
        } else {
            ""
        }
    }
}

/// Reads the table and splits it by registry group (registry order).
pub fn load(data: &Path, framework: Option<&Path>) -> Result<Loaded, CliError> {
    let fw = load_framework(framework)?;
    let registry = Registry::gihi_2024();
    let (table, data_sha) = load_indicator_table(data, &fw.framework, &registry)?;
    let groups = Group::ALL
        .iter()
        .filter_map(|g| {
            let rows: Vec<_> = registry
                .group(*g)
                .filter_map(|c| table.rows.iter().find(|r| r.city == c.id))
                .collect();
            (rows.len() >= 2).then(|| {
                (
                    *g,
                    GroupTable {
                        cities: rows.iter().map(|r| r.city.clone()).collect(),
                        values: rows.iter().map(|r| r.values.clone()).collect(),
                    },
                )
            })
        })
        .collect();
    Ok(Loaded {
        framework: fw.framework,
        framework_sha: fw.sha256,
        table,
        data_sha,
        groups,
    })
}

/// Parses `--vary` (comma-separated; `all` = every methodological choice).
pub fn parse_vary(s: &str) -> Result<Vary, CliError> {
    let mut v = Vary::NONE;
    for part in s.split(',').map(str::trim) {
        match part {
            "all" => v = Vary { data: v.data, ..Vary::ALL },
            "weights" => v.weights = true,
            "normalisation" | "normalization" => v.normalisation = true,
            "aggregation" => v.aggregation = true,
            "outliers" => v.outliers = true,
            "imputation" => v.imputation = true,
            "data" => v.data = true,
            other => {
                return Err(CliError::Input(format!(
                    "--vary: unknown choice `{other}`: expected all, weights, normalisation, aggregation, outliers, imputation or data"
                )))
            }
        }
    }
    Ok(v)
}

fn progress_bar(total: u64, what: &str) -> Option<ProgressBar> {
    if !std::io::stderr().is_terminal() {
        return None;
    }
    let pb = ProgressBar::new(total);
    pb.set_style(
        ProgressStyle::with_template("{msg} [{bar:40}] {pos}/{len} ({eta})")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    pb.set_message(what.to_string());
    Some(pb)
}

fn check_synthetic_out(l: &Loaded, out: &Path) -> Result<(), CliError> {
    require_synthetic_label(
        l.table.synthetic,
        &format!("{}: the input is", l.table.origin),
        "the output path",
        out,
    )
}

/// Checks the output path before the work starts (refusals come first, not after minutes).
fn start(
    l: &Loaded,
    data: &Path,
    framework: Option<&Path>,
    out: &Path,
    command: &str,
) -> Result<OutputDir, CliError> {
    check_synthetic_out(l, out)?;
    let mut inputs = vec![data];
    inputs.extend(framework);
    Ok(OutputDir::create(out, command, &inputs)?)
}

/// Adds the manifest, moves the output directory into place and says what was written.
fn finish(
    dir: OutputDir,
    l: &Loaded,
    options: serde_json::Value,
    files: &str,
) -> Result<(), CliError> {
    let manifest = json!({
        "tool": "gihi", "version": env!("CARGO_PKG_VERSION"), "created": run_time()?,
        "synthetic": l.table.synthetic,
        "framework": {"id": l.framework.id, "sha256": l.framework_sha},
        "inputs": [{"role": "data", "path": l.table.origin, "sha256": l.data_sha}],
        "options": options,
    });
    let written = dir.commit(manifest)?;
    eprintln!(
        "wrote {}: {files}{}",
        written.display(),
        super::synthetic_note(l.table.synthetic)
    );
    Ok(())
}

// ---- stats ---------------------------------------------------------------------------------

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
            Format::Table => super::readable(x),
            _ => x.to_string(),
        })
    };
    let text = match format {
        Format::Json => super::json_text(
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
                    super::number(s.availability),
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

// ---- uncertainty and sensitivity -----------------------------------------------------------

pub fn run_uncertainty(
    data: &Path,
    framework: Option<&Path>,
    out: &Path,
    options: Options,
) -> Result<(), CliError> {
    let l = load(data, framework)?;
    let mut dir = start(&l, data, framework, out, "uncertainty")?;
    let total = options.runs * l.groups.len() as u64;
    let pb = progress_bar(total, "uncertainty");
    let tick = |k: u64| {
        if let Some(pb) = &pb {
            pb.inc(k);
        }
    };
    let mut rows = Vec::new();
    let mut summary = Vec::new();
    let mut plot_rows = Vec::new();
    for (group, t) in &l.groups {
        let model = Model::new(&l.framework, t.cities.clone(), t.values.clone());
        let r = uncertainty(&model, &options, &tick);
        for (lv, level) in r.levels.iter().enumerate() {
            let level_name = if lv == 0 { "composite" } else { "pillar" };
            for (j, city) in r.cities.iter().enumerate() {
                rows.push(vec![
                    city.clone(),
                    group.as_str().into(),
                    level_name.into(),
                    level.clone(),
                    r.nominal[lv][j].to_string(),
                    r.median[lv][j].to_string(),
                    r.p05[lv][j].to_string(),
                    r.p95[lv][j].to_string(),
                ]);
            }
        }
        if *group == Group::Main {
            let mut order: Vec<usize> = (0..r.cities.len()).collect();
            order.sort_by_key(|&j| (r.nominal[0][j], r.cities[j].clone()));
            plot_rows = order
                .iter()
                .map(|&j| {
                    (
                        r.cities[j].clone(),
                        r.nominal[0][j] as f64,
                        r.p05[0][j],
                        r.median[0][j],
                        r.p95[0][j],
                    )
                })
                .collect();
        }
        summary.push(json!({"group": group.as_str(), "cities": r.cities.len(), "runs": r.runs, "mean_absolute_composite_rank_shift": r.mean_absolute_shift}));
    }
    if let Some(pb) = pb {
        pb.finish_and_clear();
    }
    dir.write(
        "rank_intervals.csv",
        csv_string(
            l.table.synthetic,
            &[
                "city",
                "group",
                "level",
                "node",
                "nominal_rank",
                "median_rank",
                "p05",
                "p95",
            ],
            rows,
        )
        .as_bytes(),
    )?;
    let title = format!(
        "Composite rank intervals (main group, {} runs){}",
        options.runs,
        if l.table.synthetic {
            " — SYNTHETIC"
        } else {
            ""
        }
    );
    dir.write(
        "rank_intervals.svg",
        gihi_report::charts::rank_intervals(&title, &plot_rows, l.table.synthetic).as_bytes(),
    )?;
    dir.write(
        "summary.json",
        (super::json_text(
            &json!({"synthetic": l.table.synthetic, "options": options, "groups": summary}),
        ))
        .as_bytes(),
    )?;
    finish(
        dir,
        &l,
        json!(options),
        "rank_intervals.csv, rank_intervals.svg, summary.json",
    )
}

pub fn run_sensitivity(
    data: &Path,
    framework: Option<&Path>,
    out: &Path,
    options: Options,
    samples: usize,
    bootstrap: usize,
) -> Result<(), CliError> {
    let l = load(data, framework)?;
    let mut dir = start(&l, data, framework, out, "sensitivity")?;
    let mut rows = Vec::new();
    let mut summary = Vec::new();
    for (group, t) in &l.groups {
        let model = Model::new(&l.framework, t.cities.clone(), t.values.clone());
        let runs = gihi_robustness::uncertainty::inputs(&model, options.vary);
        let factors = gihi_robustness::sensitivity::factors(&model, &runs).len();
        let most = gihi_robustness::sensitivity::max_samples(model.n(), factors);
        if samples > most {
            return Err(CliError::Input(format!(
                "--samples {samples}: expected at most {most} for {} cities and {factors} factors (the design keeps samples x (factors + 2) x cities ranks, at most {} MiB)",
                model.n(),
                gihi_robustness::sensitivity::MAX_DESIGN_BYTES >> 20
            )));
        }
        let pb = progress_bar(
            (samples * (factors + 2)) as u64,
            &format!("sensitivity ({group})"),
        );
        let tick = |k: u64| {
            if let Some(pb) = &pb {
                pb.inc(k);
            }
        };
        let s = sensitivity(&model, &options, samples, bootstrap, &tick);
        if let Some(pb) = pb {
            pb.finish_and_clear();
        }
        let f = |v: Option<f64>| v.map_or(String::new(), super::number);
        let ci = |v: Option<(f64, f64)>, k: usize| {
            v.map_or(String::new(), |c| {
                super::number(if k == 0 { c.0 } else { c.1 })
            })
        };
        let mut push = |scope: &str, city: &str, idx: &gihi_robustness::sensitivity::Index| {
            rows.push(vec![
                group.as_str().into(),
                scope.into(),
                city.into(),
                idx.factor.clone(),
                f(idx.first),
                ci(idx.first_ci, 0),
                ci(idx.first_ci, 1),
                f(idx.total),
                ci(idx.total_ci, 0),
                ci(idx.total_ci, 1),
            ]);
        };
        for idx in &s.overall {
            push("overall", "", idx);
        }
        for (city, list) in &s.per_city {
            for idx in list {
                push("city", city, idx);
            }
        }
        summary.push(json!({"group": group.as_str(), "samples": s.samples, "model_runs": s.model_runs, "factors": s.factors, "overall": s.overall}));
    }
    dir.write(
        "sensitivity.csv",
        csv_string(
            l.table.synthetic,
            &[
                "group",
                "scope",
                "city",
                "factor",
                "first_order",
                "first_lo",
                "first_hi",
                "total",
                "total_lo",
                "total_hi",
            ],
            rows,
        )
        .as_bytes(),
    )?;
    dir.write("summary.json", (super::json_text(&json!({"synthetic": l.table.synthetic, "options": options, "bootstrap": bootstrap, "groups": summary}))).as_bytes())?;
    finish(
        dir,
        &l,
        json!({"options": options, "samples": samples, "bootstrap": bootstrap}),
        "sensitivity.csv, summary.json",
    )
}

// ---- what-if and target --------------------------------------------------------------------

fn city_index(l: &Loaded, city: &str) -> Result<(Group, usize), CliError> {
    let registry = Registry::gihi_2024();
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
    let t = &l.groups.iter().find(|(g, _)| *g == group).expect("group").1;
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
        Format::Json => super::json_text(
            &json!({"synthetic": l.table.synthetic, "group": group.as_str(), "whatif": w}),
        ),
        Format::Csv | Format::Table => {
            // Full precision in CSV; two decimals, as the report prints, in the table.
            let shown = |x: f64| {
                if format == Format::Csv {
                    super::number(x)
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
    let t = &l.groups.iter().find(|(g, _)| *g == group).expect("group").1;
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
        Format::Json => super::json_text(
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
                        super::readable(s.current),
                        v.to_string(),
                        s.change_percent
                            .map_or(String::new(), |p| format!("{p:+.1}%")),
                    ],
                    None => vec![
                        s.indicator.clone(),
                        super::readable(s.current),
                        format!("not found up to {}", super::readable(s.searched_to)),
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
                    let rows: Vec<Vec<String>> = steps.iter().map(|s| vec![s.indicator.clone(), super::readable(s.from), s.to.to_string(), format!("{:.3}", s.effort)]).collect();
                    out.push_str(&text_table(&["indicator", "from", "to", "effort (sd)"], &rows));
                }
                None => out.push_str("\nNo greedy combination found: even every indicator of the level at the group's best value is not enough.\n"),
            }
            out
        }
    };
    print(&text)
}

// ---- bench ---------------------------------------------------------------------------------

/// Times `reps` weight-perturbation replications (composite and pillars, as `--vary weights`)
/// on the main group of a synthetic table, and prints replications per second.
pub fn run_bench(reps: u64, seed: u64) -> Result<(), CliError> {
    let framework = Framework::gihi_2024();
    let registry = Registry::gihi_2024();
    let table = gihi_data::synthetic_table(&framework, &registry, seed);
    let rows: Vec<_> = table
        .rows
        .iter()
        .filter(|r| {
            registry
                .get(&r.city)
                .is_some_and(|c| c.group == Group::Main)
        })
        .collect();
    let model = Model::new(
        &framework,
        rows.iter().map(|r| r.city.clone()).collect(),
        rows.iter().map(|r| r.values.clone()).collect(),
    );
    let options = Options {
        runs: reps,
        seed: 1,
        vary: Vary {
            weights: true,
            ..Vary::NONE
        },
        ..Options::default()
    };
    let start = std::time::Instant::now();
    let r = uncertainty(&model, &options, &|_| {});
    let secs = start.elapsed().as_secs_f64();
    print(&format!(
        "{{\"tool\": \"gihi\", \"cities\": {}, \"indicators\": {}, \"replications\": {reps}, \"threads\": {}, \"seconds\": {secs:.4}, \"replications_per_second\": {:.0}, \"check_median_rank_of_first_city\": {}}}\n",
        model.n(),
        model.indicators.len(),
        rayon::current_num_threads(),
        reps as f64 / secs,
        r.median[0][0]
    ))
}
