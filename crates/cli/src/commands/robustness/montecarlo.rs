//! `gihi uncertainty`, `gihi sensitivity` and `gihi bench`: the Monte Carlo commands.

use super::{finish, load, progress_bar, start};
use crate::commands::{csv_string, print};
use crate::error::CliError;
use gihi_framework::Framework;
use gihi_registry::{Group, Registry};
use gihi_robustness::sensitivity::sensitivity;
use gihi_robustness::{uncertainty, Model, Options, Vary};
use serde_json::json;
use std::path::Path;

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
        gihi_report::charts::rank_intervals(
            &title,
            &plot_rows,
            "rank (p05–p95, • median, × nominal)",
            l.table.synthetic,
        )
        .as_bytes(),
    )?;
    dir.write(
        "summary.json",
        (crate::commands::json_text(
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
        let f = |v: Option<f64>| v.map_or(String::new(), crate::commands::number);
        let ci = |v: Option<(f64, f64)>, k: usize| {
            v.map_or(String::new(), |c| {
                crate::commands::number(if k == 0 { c.0 } else { c.1 })
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
    dir.write("summary.json", (crate::commands::json_text(&json!({"synthetic": l.table.synthetic, "options": options, "bootstrap": bootstrap, "groups": summary}))).as_bytes())?;
    finish(
        dir,
        &l,
        json!({"options": options, "samples": samples, "bootstrap": bootstrap}),
        "sensitivity.csv, summary.json",
    )
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
    // The explorer's what-if: one city's value changes, every score and rank of the group is
    // recomputed exactly (Appendix 3). Median of 201 timings.
    let group = gihi_scores::GroupTable {
        cities: rows.iter().map(|r| r.city.clone()).collect(),
        values: rows.iter().map(|r| r.values.clone()).collect(),
    };
    let change = [(20usize, gihi_robustness::whatif::Change::Relative(20.0))];
    let mut times: Vec<f64> = (0..201)
        .map(|k| {
            let t = std::time::Instant::now();
            let w = gihi_robustness::whatif::whatif(
                &framework,
                &group,
                k % group.cities.len(),
                &change,
                gihi_scores::MissingPolicy::Error,
            );
            std::hint::black_box(&w);
            t.elapsed().as_secs_f64() * 1e6
        })
        .collect();
    times.sort_by(f64::total_cmp);
    print(&format!(
        "{{\"tool\": \"gihi\", \"cities\": {}, \"indicators\": {}, \"replications\": {reps}, \"threads\": {}, \"seconds\": {secs:.4}, \"replications_per_second\": {:.0}, \"check_median_rank_of_first_city\": {}, \"whatif_median_microseconds\": {:.1}}}\n",
        model.n(),
        model.indicators.len(),
        rayon::current_num_threads(),
        reps as f64 / secs,
        r.median[0][0],
        times[times.len() / 2]
    ))
}
