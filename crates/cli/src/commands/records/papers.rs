//! `gihi records papers`: paper records to I01, I07, I08, I17 and the international
//! co-authorship focus tables; `gihi records all`: both pipelines over one directory.

use super::patents::{patents, Outcome, PatentsArgs};
use super::{check_records, check_year, csv_text, engine_options, spinner};
use crate::commands::synthetic_csv_comment;
use crate::error::CliError;
use crate::output::OutputDir;
use gihi_records::papers::{PaperOptions, PaperResults};
use gihi_records::papers_focus::{field_leaders, metro_series, top_international, world_series};
use gihi_records::Engine;
use serde_json::json;
use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

/// Options of `gihi records papers`.
pub struct PapersArgs<'a> {
    pub records: &'a Path,
    pub out: &'a Path,
    /// I17's network year.
    pub year: Option<i32>,
    /// I01 and I08 years.
    pub active: Option<[i32; 2]>,
    /// I07 years.
    pub highly_cited: Option<[i32; 2]>,
    /// The focus series.
    pub focus: Option<[i32; 2]>,
    pub threads: Option<usize>,
    pub memory_mib: usize,
    /// A Ballista scheduler to run on (`df://HOST:PORT`).
    pub cluster: Option<String>,
    /// Seconds one cluster query may take (0: no limit).
    pub cluster_timeout: u64,
}

/// `gihi records papers`.
pub fn run_papers(a: &PapersArgs) -> Result<(), CliError> {
    let setup = crate::commands::edition::setup()?;
    let synthetic = check_records(a.records, a.out, "papers, paper_fields, paper_authorships")?;
    let dir = OutputDir::create(a.out, "records papers", &[a.records])?;
    let outcome = papers(a, setup, synthetic)?;
    super::write_outcome(dir, outcome, a.out, synthetic)
}

/// `gihi records all`: patents and papers from one directory, into one output directory
/// (`sources/` holds every table `gihi derive` reads; `patents/` and `papers/` the rest).
pub fn run_all(p: &PatentsArgs, q: &PapersArgs) -> Result<(), CliError> {
    let setup = crate::commands::edition::setup()?;
    let synthetic = check_records(p.records, p.out, "the patent and paper files")?;
    let dir = OutputDir::create(p.out, "records all", &[p.records])?;
    let started = Instant::now();
    let a = patents(p, setup, synthetic)?;
    let b = papers(q, setup, synthetic)?;
    let mut files = Vec::new();
    for (prefix, o) in [("patents/", &a), ("papers/", &b)] {
        for (name, text) in &o.files {
            let path = if name.starts_with("sources/") {
                name.clone()
            } else {
                format!("{prefix}{name}")
            };
            files.push((path, text.clone()));
        }
    }
    let outcome = Outcome {
        files,
        summary: json!({"synthetic": synthetic, "patents": a.summary, "papers": b.summary}),
        message: format!(
            "{}\n{}\nboth pipelines: {:.1} s",
            a.message,
            b.message,
            started.elapsed().as_secs_f64()
        ),
    };
    super::write_outcome(dir, outcome, p.out, synthetic)
}

/// A year range option: both ends within 1900–2100, first ≤ last.
fn check_range(option: &str, r: [i32; 2]) -> Result<[i32; 2], CliError> {
    check_year(option, r[0])?;
    check_year(option, r[1])?;
    if r[0] > r[1] {
        return Err(CliError::Input(format!(
            "{option}: expected FIRST-LAST with FIRST ≤ LAST, found {}-{}",
            r[0], r[1]
        )));
    }
    Ok(r)
}

/// Runs the paper pipeline (the records are checked; nothing is written).
pub(super) fn papers(
    a: &PapersArgs,
    setup: &gihi_edition::Setup,
    synthetic: bool,
) -> Result<Outcome, CliError> {
    let d = &setup.dates;
    let pair = |x: [u16; 2]| [i32::from(x[0]), i32::from(x[1])];
    let o = PaperOptions {
        network_year: check_year("--year", a.year.unwrap_or(i32::from(d.pct_year)))?,
        active: check_range("--active", a.active.unwrap_or(pair(d.active_researchers)))?,
        highly_cited: check_range(
            "--highly-cited",
            a.highly_cited.unwrap_or(pair(d.highly_cited)),
        )?,
        focus: check_range("--focus", a.focus.unwrap_or(pair(d.highly_cited)))?,
    };
    let options = engine_options(
        a.threads,
        a.memory_mib,
        a.cluster.clone(),
        a.cluster_timeout,
    );
    let started = Instant::now();
    let spinner = spinner(format!(
        "counting the paper records of {}",
        a.records.display()
    ));
    let engine = Engine::new(&options, Arc::new(gihi_ipc::Fields::appendix_7()), 7)?;
    let result =
        gihi_records::papers::run(&engine, a.records, &setup.registry, &setup.aliases_text, &o);
    if let Some(pb) = spinner {
        pb.finish_and_clear();
    }
    let r = result?;
    let seconds = started.elapsed().as_secs_f64();
    let provenance = format!(
        "# from records: gihi records papers on {}; active years {}-{}; highly cited {}-{}; network year {}; focus {}-{}\n",
        a.records.display(),
        o.active[0],
        o.active[1],
        o.highly_cited[0],
        o.highly_cited[1],
        o.network_year,
        o.focus[0],
        o.focus[1]
    );
    let files = outputs(
        &r,
        &setup.registry,
        &format!("{}{provenance}", synthetic_csv_comment(synthetic)),
    );
    let summary = json!({
        "synthetic": synthetic,
        "records": a.records.display().to_string(),
        "edition": setup.year,
        "options": o,
        "summary": r.summary,
        "engine": super::engine_summary(&options, seconds),
    });
    let net = &r.years[&o.network_year];
    let n = r.metros.len();
    let edges = (0..n)
        .flat_map(|i| (i + 1..n).map(move |j| (i, j)))
        .filter(|&(i, j)| net.pair(i, j) > 0)
        .count();
    let message = format!(
        "{}: {} papers read; {} co-authorship edges in {}; {} highly cited papers ({seconds:.1} s)",
        a.records.display(),
        r.summary.distinct_papers,
        edges,
        o.network_year,
        r.summary.highly_cited_papers
    );
    Ok(Outcome {
        files,
        summary,
        message,
    })
}

fn opt(x: Option<f64>) -> String {
    x.map_or(String::new(), |v| format!("{v:.6}"))
}

/// The CSV files of a paper run: (path in the output directory, text). `head` opens each.
fn outputs(
    r: &PaperResults,
    registry: &gihi_registry::Registry,
    head: &str,
) -> Vec<(String, String)> {
    let mut files = Vec::new();
    // What derive reads: whole-metro rows (empty city), as for patents.
    let mut w = csv_text(
        head,
        &[
            "city",
            "country",
            "metro",
            "active_researchers",
            "highly_cited_papers",
            "policy_patent_trial_citations",
        ],
    );
    for (k, c) in registry.cities.iter().enumerate() {
        w.row(&[
            "",
            &c.country,
            &c.id,
            &r.researchers[k].to_string(),
            &r.highly_cited[k].to_string(),
            &r.policy_citations[k].to_string(),
        ]);
    }
    files.push(("sources/dimensions.csv".into(), w.done()));
    let mut w = csv_text(head, &["metro", "coauthorship_eigenvector"]);
    for (k, m) in r.metros.iter().enumerate() {
        w.row(&[m, &format!("{:e}", r.centrality[k])]);
    }
    files.push(("sources/coauthor_network.csv".into(), w.done()));

    let mut w = csv_text(
        head,
        &[
            "metro",
            "i01_active_researchers",
            "i07_highly_cited_papers",
            "i08_policy_patent_trial_citations",
            "active_papers",
            "i17_eigenvector_centrality",
        ],
    );
    for (k, m) in r.metros.iter().enumerate() {
        w.row(&[
            m,
            &r.researchers[k].to_string(),
            &r.highly_cited[k].to_string(),
            &r.policy_citations[k].to_string(),
            &r.active_papers[k].to_string(),
            &format!("{:e}", r.centrality[k]),
        ]);
    }
    files.push(("indicators.csv".into(), w.done()));

    let n = r.metros.len();
    let mut net = csv_text(head, &["metro_a", "metro_b", "papers"]);
    let mut all = csv_text(head, &["year", "metro_a", "metro_b", "papers"]);
    for (y, c) in &r.years {
        for i in 0..n {
            for j in i + 1..n {
                let x = c.pair(i, j);
                if x == 0 {
                    continue;
                }
                let (a, b) = (&r.metros[i], &r.metros[j]);
                all.row(&[&y.to_string(), a, b, &x.to_string()]);
                if *y == r.options.network_year {
                    net.row(&[a, b, &x.to_string()]);
                }
            }
        }
    }
    files.push(("network_edges.csv".into(), net.done()));
    files.push(("coauthorship_by_year.csv".into(), all.done()));

    let world = world_series(r);
    let mut w = csv_text(head, &["year", "papers", "international", "share"]);
    for x in &world {
        w.row(&[
            &x.year.to_string(),
            &x.papers.to_string(),
            &x.international.to_string(),
            &opt(x.share),
        ]);
    }
    files.push(("focus/international_world.csv".into(), w.done()));
    let mut w = csv_text(
        head,
        &[
            "metro",
            "year",
            "papers",
            "international",
            "share",
            "papers_growth",
            "international_growth",
        ],
    );
    for x in metro_series(r) {
        w.row(&[
            &x.metro,
            &x.year.to_string(),
            &x.papers.to_string(),
            &x.international.to_string(),
            &opt(x.share),
            &opt(x.papers_growth),
            &opt(x.international_growth),
        ]);
    }
    files.push(("focus/international_by_metro.csv".into(), w.done()));
    let mut w = csv_text(
        head,
        &[
            "rank",
            "metro",
            "international",
            "first_year",
            "last_year",
            "cagr",
        ],
    );
    let [f0, f1] = r.options.focus;
    for x in top_international(r) {
        w.row(&[
            &x.rank.to_string(),
            &x.metro,
            &x.international.to_string(),
            &f0.to_string(),
            &f1.to_string(),
            &opt(x.cagr),
        ]);
    }
    let first = world.first();
    let last = world.last();
    let span = f1 - f0 + 1;
    if let (Some(a), Some(b)) = (first, last) {
        w.row(&[
            "",
            "world",
            &world
                .iter()
                .map(|x| x.international)
                .sum::<u64>()
                .to_string(),
            &f0.to_string(),
            &f1.to_string(),
            &opt(gihi_records::papers_focus::cagr(
                a.international,
                b.international,
                span,
            )),
        ]);
    }
    files.push(("focus/international_top_metros.csv".into(), w.done()));
    let mut w = csv_text(
        head,
        &["division", "metro", "papers", "international", "share"],
    );
    for f in &r.fields {
        for (k, m) in r.metros.iter().enumerate() {
            let p = f.metro_papers[k];
            if p > 0 {
                let i = f.metro_international[k];
                w.row(&[
                    &f.division,
                    m,
                    &p.to_string(),
                    &i.to_string(),
                    &format!("{:.6}", i as f64 / p as f64),
                ]);
            }
        }
    }
    files.push(("focus/international_by_field.csv".into(), w.done()));
    let mut w = csv_text(
        head,
        &[
            "division",
            "papers",
            "international",
            "share",
            "mean_metro_share",
            "leading_metro",
            "leading_metro_international",
        ],
    );
    for f in field_leaders(r) {
        w.row(&[
            &f.division,
            &f.papers.to_string(),
            &f.international.to_string(),
            &opt(f.share),
            &opt(f.mean_metro_share),
            f.leader.as_deref().unwrap_or(""),
            &f.leader_international.to_string(),
        ]);
    }
    files.push(("focus/international_field_leaders.csv".into(), w.done()));
    files
}
