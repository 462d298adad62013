//! `gihi records patents`: patent records to I09, I10, I18 and the biomedical focus tables.

use super::{check_records, check_year, csv_text, engine_options, spinner};
use crate::commands::synthetic_csv_comment;
use crate::error::CliError;
use crate::output::OutputDir;
use gihi_records::patents::{Attribution, PatentOptions, PatentResults};
use gihi_records::Engine;
use serde_json::json;
use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

/// Options of `gihi records patents`.
pub struct PatentsArgs<'a> {
    pub records: &'a Path,
    pub out: &'a Path,
    pub valid_on: Option<&'a str>,
    pub year: Option<i32>,
    pub attribution: Attribution,
    pub skip_invalid: bool,
    pub threads: Option<usize>,
    pub memory_mib: usize,
    /// A Ballista scheduler to run on (`df://HOST:PORT`).
    pub cluster: Option<String>,
    /// Seconds one cluster query may take (0: no limit).
    pub cluster_timeout: u64,
}

/// A pipeline's results, ready to write: files (path in the output directory, text), the
/// summary, and the line printed when done.
pub(super) struct Outcome {
    pub files: Vec<(String, String)>,
    pub summary: serde_json::Value,
    pub message: String,
}

/// `gihi records patents`.
pub fn run_patents(a: &PatentsArgs) -> Result<(), CliError> {
    let setup = crate::commands::edition::setup()?;
    let synthetic = check_records(a.records, a.out, "patents, patent_ipc, patent_parties")?;
    let dir = OutputDir::create(a.out, "records patents", &[a.records])?;
    let outcome = patents(a, setup, synthetic)?;
    super::write_outcome(dir, outcome, a.out, synthetic)
}

/// Runs the patent pipeline (the records are checked; nothing is written).
pub(super) fn patents(
    a: &PatentsArgs,
    setup: &gihi_edition::Setup,
    synthetic: bool,
) -> Result<Outcome, CliError> {
    let valid_on_text = a.valid_on.unwrap_or(&setup.dates.valid_on).to_string();
    let valid_on = gihi_records::dates::parse_iso(&valid_on_text).ok_or_else(|| {
        CliError::Input(format!(
            "--valid-on: expected a date YYYY-MM-DD, found `{}`",
            gihi_input::clip(&valid_on_text, 40)
        ))
    })?;
    let year = check_year("--year", a.year.unwrap_or(i32::from(setup.dates.pct_year)))?;
    let fields = Arc::new(gihi_ipc::Fields::appendix_7());
    let options = engine_options(
        a.threads,
        a.memory_mib,
        a.cluster.clone(),
        a.cluster_timeout,
    );
    let started = Instant::now();
    let spinner = spinner(format!(
        "classifying and counting the patent records of {}",
        a.records.display()
    ));
    let engine = Engine::new(&options, fields, 7)?;
    let o = PatentOptions {
        valid_on,
        year,
        attribution: a.attribution,
        skip_invalid: a.skip_invalid,
    };
    let result =
        gihi_records::patents::run(&engine, a.records, &setup.registry, &setup.aliases_text, &o);
    if let Some(pb) = spinner {
        pb.finish_and_clear();
    }
    let r = result?;
    let seconds = started.elapsed().as_secs_f64();
    let banner = synthetic_csv_comment(synthetic);
    let provenance = format!(
        "# from records: gihi records patents on {}; valid on {valid_on_text}; PCT and network year {year}; fields {}; attributed to {}\n",
        a.records.display(),
        r.fields[..r.fields.len() - 1].join(", "),
        match a.attribution { Attribution::Applicants => "applicants", Attribution::Inventors => "inventors" }
    );
    let files = outputs(&r, &setup.registry, &format!("{banner}{provenance}"));
    let summary = json!({
        "synthetic": synthetic,
        "records": a.records.display().to_string(),
        "edition": setup.year,
        "valid_on": valid_on_text,
        "year": year,
        "attribution": a.attribution,
        "summary": r.summary,
        "totals": r.totals.iter().map(|(f, v, p)| json!({"field": f, "valid_families": v, "pct_families": p})).collect::<Vec<_>>(),
        "engine": super::engine_summary(&options, seconds),
    });
    let all = r.fields.len() - 1;
    let metros_with = r
        .metros
        .iter()
        .filter(|m| m.valid[all] + m.pct[all] > 0)
        .count();
    let message = format!(
        "{}: {} publications read, {} in the four fields; {metros_with} metros with patents; {} co-application edges ({seconds:.1} s)",
        a.records.display(),
        r.summary.distinct_publications,
        r.summary.publications_in_fields.last().map_or(0, |x| x.1),
        r.edges.len(),
    );
    Ok(Outcome {
        files,
        summary,
        message,
    })
}

/// The CSV files of a run: (path in the output directory, text). `head` opens each.
fn outputs(
    r: &PatentResults,
    registry: &gihi_registry::Registry,
    head: &str,
) -> Vec<(String, String)> {
    let all = r.fields.len() - 1;
    let mut files = Vec::new();
    let mut w = csv_text(
        head,
        &[
            "city",
            "country",
            "metro",
            "valid_invention_patents",
            "pct_applications",
        ],
    );
    for m in &r.metros {
        let c = registry.get(&m.metro).expect("registry metro");
        // An empty city with the metro: a whole-metro figure (derive divides it by the
        // population of the whole metro).
        w.row(&[
            "",
            &c.country,
            &m.metro,
            &m.valid[all].to_string(),
            &m.pct[all].to_string(),
        ]);
    }
    files.push(("sources/patents.csv".into(), w.done()));
    let mut w = csv_text(head, &["metro", "patent_degree"]);
    for m in &r.metros {
        w.row(&[&m.metro, &m.degree[all].to_string()]);
    }
    files.push(("sources/patent_network.csv".into(), w.done()));
    let mut w = csv_text(
        head,
        &[
            "metro",
            "field",
            "i09_valid_families",
            "i10_pct_families",
            "i18_degree",
        ],
    );
    for m in &r.metros {
        for (k, f) in r.fields.iter().enumerate() {
            w.row(&[
                &m.metro,
                f,
                &m.valid[k].to_string(),
                &m.pct[k].to_string(),
                &m.degree[k].to_string(),
            ]);
        }
    }
    files.push(("indicators_by_field.csv".into(), w.done()));
    let mut w = csv_text(head, &["metro_a", "metro_b", "field", "families"]);
    for e in &r.edges {
        for (k, f) in r.fields.iter().enumerate() {
            if e.families[k] > 0 {
                w.row(&[&e.a, &e.b, f, &e.families[k].to_string()]);
            }
        }
    }
    files.push(("network_edges.csv".into(), w.done()));
    let mut w = csv_text(head, &["field", "valid_families", "pct_families"]);
    for (f, v, p) in &r.totals {
        w.row(&[f, &v.to_string(), &p.to_string()]);
    }
    files.push(("field_totals.csv".into(), w.done()));
    let mut w = csv_text(head, &["scope", "year", "valid_families", "pct_families"]);
    for (s, y, v, p) in &r.focus.by_year {
        w.row(&[s, &y.to_string(), &v.to_string(), &p.to_string()]);
    }
    files.push(("focus/biomedicine_by_year.csv".into(), w.done()));
    let mut w = csv_text(
        head,
        &["metro", "rank", "applicant", "type", "families", "share"],
    );
    let mut rank = 0;
    let mut last = String::new();
    for (m, name, kind, n, share) in &r.focus.top_applicants {
        if *m != last {
            rank = 0;
            last = m.clone();
        }
        rank += 1;
        w.row(&[
            m,
            &rank.to_string(),
            name,
            kind,
            &n.to_string(),
            &format!("{share:.4}"),
        ]);
    }
    files.push(("focus/biomedicine_top_applicants.csv".into(), w.done()));
    let mut w = csv_text(head, &["metro", "families", "top20_share", "hhi"]);
    for (m, n, s, h) in &r.focus.concentration {
        w.row(&[m, &n.to_string(), &format!("{s:.4}"), &format!("{h:.4}")]);
    }
    files.push(("focus/biomedicine_concentration.csv".into(), w.done()));
    let mut w = csv_text(
        head,
        &["metro", "applicant_type", "pct_families_top20", "share"],
    );
    for (m, k, n, s) in &r.focus.type_mix {
        w.row(&[m, k, &n.to_string(), &format!("{s:.4}")]);
    }
    files.push(("focus/biomedicine_pct_type_mix.csv".into(), w.done()));
    files
}
