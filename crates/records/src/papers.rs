//! Paper records → I01, I07, I08, I17 per metro and the international co-authorship focus
//! tables (report Appendix 2, indicators 1, 7, 8 and 17; section 3, figures 12–18).
//!
//! Conventions (each is a reading of the report, stated once here and in the README):
//! - a paper belongs to every metro where one of its authorships is located, once per metro
//!   however many authorships it has there (a 128-bit metro set per paper, [`crate::udaf`]);
//! - **I01**: distinct non-empty `researcher_id`s with an authorship located in the metro on a
//!   paper of the active years (2019–2023 in 2024); a researcher active in two metros counts
//!   in both; authorships without a researcher id are not counted (their share is reported);
//! - **I07**: papers of the highly-cited years (2000–2022) that are highly cited in at least
//!   one of their Field of Research divisions: for each (division, year) with n papers,
//!   k = ⌈n / 100⌉ and T = the k-th largest `times_cited` (ties at T all count); highly cited
//!   iff `times_cited ≥ T` and `times_cited > 0`; counted once per paper and metro;
//! - **I08**: `cited_by_patents + cited_by_policy + cited_by_trials` summed over the metro's
//!   papers of the active years;
//! - **I17**: eigenvector centrality ([`crate::centrality`]) of the matrix A_ij = papers of the
//!   network year with authorships in metros i and j (i ≠ j), over every registry metro;
//! - **international**: a paper whose authorships carry at least two country-or-region codes
//!   (countries normalised to ISO alpha-2; HK, MO and TW are their own); authorships without
//!   a country do not count towards it. Papers without authorships count in world totals.

use crate::centrality::{eigenvector, Centrality};
use crate::engine::{column_i64, column_text, Engine, Registered};
use crate::layout::{PAPERS, PAPER_AUTHORSHIPS, PAPER_FIELDS};
use crate::udaf::{decode_coauthor, decode_sums, YearCounts};
use crate::{clip, RecordsError};
use datafusion::arrow::array::{Array, AsArray};
use datafusion::arrow::record_batch::RecordBatch;
use gihi_places::Places;
use gihi_registry::Registry;
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::Path;

/// Years a record may carry.
pub const YEARS: std::ops::RangeInclusive<i64> = 1900..=2100;
/// ANZSRC 2020 Field of Research divisions.
pub const DIVISIONS: std::ops::RangeInclusive<i64> = 30..=52;

/// The years of a run (first, last), each range inclusive.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct PaperOptions {
    /// I17's network year.
    pub network_year: i32,
    /// I01 and I08: papers of these years.
    pub active: [i32; 2],
    /// I07: papers of these years.
    pub highly_cited: [i32; 2],
    /// The international co-authorship series.
    pub focus: [i32; 2],
}

/// What was read and matched (`summary.json`).
#[derive(Debug, Clone, Default, Serialize)]
pub struct PaperSummary {
    pub rows: BTreeMap<String, u64>,
    pub distinct_papers: u64,
    pub duplicate_rows_ignored: u64,
    /// Papers named in `paper_authorships` but absent from `papers` (not counted anywhere;
    /// `paper_fields` rows of such papers are ignored as well).
    pub papers_missing_from_papers_file: u64,
    /// Whether the authorships and papers arrived sorted by paper id, so that one ordered
    /// walk built each paper's metro set (otherwise the generic plan hashed them).
    pub authorships_walked: bool,
    /// Authorship rows without a researcher id (not counted by I01), and all rows.
    pub authorships_without_researcher: u64,
    pub matched_by_country: Vec<crate::placemap::CountryMatch>,
    pub top_unmatched: Vec<(String, u64)>,
    pub near_misses: Vec<(String, String)>,
    /// Highly cited papers in the world (I07's years).
    pub highly_cited_papers: u64,
    /// The network year's largest eigenvalue and its multiplicity (1: I17 is unique).
    pub network_eigenvalue: f64,
    pub network_eigenvalue_multiplicity: usize,
    /// Components of the network year's graph with an edge, and metros without any: with
    /// more than one component, metros outside the leading one get I17 = 0.
    pub network_components: usize,
    pub network_isolated_metros: usize,
    /// Seconds per stage; timings vary from run to run, nothing else does.
    pub stage_seconds: Vec<(String, f64)>,
}

/// Everything a paper run computes. Per-metro vectors are in registry order.
#[derive(Debug, Clone, Serialize)]
pub struct PaperResults {
    pub metros: Vec<String>,
    /// I01.
    pub researchers: Vec<u64>,
    /// I07.
    pub highly_cited: Vec<u64>,
    /// I08.
    pub policy_citations: Vec<u64>,
    /// Papers of the active years (context for I08).
    pub active_papers: Vec<u64>,
    /// I17.
    pub centrality: Vec<f64>,
    /// Co-authorship counts per year, from the focus's first year to the network year.
    #[serde(skip)]
    pub years: BTreeMap<i32, YearCounts>,
    /// Per Field of Research division in the focus's last year: (division, papers and
    /// international papers per metro, world papers, world international papers).
    pub fields: Vec<FieldCounts>,
    pub options: PaperOptions,
    pub summary: PaperSummary,
}

/// One division's papers in the focus's last year.
#[derive(Debug, Clone, Serialize)]
pub struct FieldCounts {
    pub division: String,
    pub metro_papers: Vec<u64>,
    pub metro_international: Vec<u64>,
    pub papers: u64,
    pub international: u64,
}

/// The SQL of an integer column: integer types cast, text parsed (null when not a number).
fn int(reg: &Registered, name: &str) -> String {
    if reg.type_of(name).is_integer() {
        format!("CAST({name} AS BIGINT)")
    } else {
        format!("TRY_CAST(trim({name}) AS BIGINT)")
    }
}

/// Runs the paper pipeline on the record files of `dir`.
pub fn run(
    engine: &Engine,
    dir: &Path,
    registry: &Registry,
    aliases_csv: &str,
    o: &PaperOptions,
) -> Result<PaperResults, RecordsError> {
    let mut summary = PaperSummary::default();
    let mut lap = crate::Lap::start();
    let papers_sorted = validate(engine, dir, &mut summary)?;
    lap.done(&mut summary.stage_seconds, "validation");

    let places = Places::with_aliases(registry, aliases_csv).map_err(|(l, c, m)| {
        RecordsError::Input(format!("place aliases: line {l}, column {c}: {m}"))
    })?;
    let groups = engine
        .sql("SELECT city, country, count(*) AS n FROM paper_authorships GROUP BY city, country")?;
    let matched = crate::placemap::register_place_metro(engine, registry, &places, &groups)?;
    summary.matched_by_country = matched.by_country;
    summary.top_unmatched = matched.top_unmatched;
    summary.near_misses = matched.near_misses;
    let (cities, countries) = (column_text(&groups, 0), column_text(&groups, 1));
    let raw: std::collections::BTreeSet<String> = countries
        .iter()
        .flatten()
        .filter(|c| !c.trim().is_empty())
        .cloned()
        .collect();
    crate::placemap::register_country_codes(
        engine,
        &places,
        raw.into_iter().collect(),
        crate::placemap::Regions::Apart,
    )?;
    lap.done(&mut summary.stage_seconds, "places");

    // Each paper once: its year, counts, metro set and whether it is international, and
    // every year's co-authorship counts. Files sorted by paper id (as exports come) are
    // walked once side by side; otherwise, or on a cluster, the generic plan hashes.
    let first = o.focus[0].min(o.network_year);
    let last = o.focus[1].max(o.network_year);
    let [a0, a1] = o.active;
    let [h0, h1] = o.highly_cited;
    let walked = if engine.local && papers_sorted {
        let mut table =
            crate::paper_places::PlaceTable::new(&cities, &countries, &matched.matched, &places);
        let years = crate::paper_walk::WalkYears {
            coauthor: first..=last,
            active: a0..=a1,
            highly_cited: h0..=h1,
            focus_last: o.focus[1],
        };
        crate::paper_walk::walk(engine, &mut table, years)?
    } else {
        None
    };
    summary.authorships_walked = walked.is_some();
    let (mut years, divisions) = match walked {
        Some(w) => {
            summary.papers_missing_from_papers_file = w.missing;
            (w.years, Some(w.divisions))
        }
        None => (metro_sets_by_plan(engine, &mut summary, first, last)?, None),
    };
    lap.done(&mut summary.stage_seconds, "papers");

    let n = registry.cities.len();
    for y in first..=last {
        years.entry(y).or_insert_with(|| YearCounts {
            papers: 0,
            international: 0,
            metro_papers: vec![0; crate::udaf::MAX_METROS],
            metro_international: vec![0; crate::udaf::MAX_METROS],
            pairs: vec![0; crate::udaf::MAX_METROS * (crate::udaf::MAX_METROS - 1) / 2],
        });
    }
    let net = &years[&o.network_year];
    let mut w = vec![0.0; n * n];
    for i in 0..n {
        for j in 0..n {
            w[i * n + j] = net.pair(i, j) as f64;
        }
    }
    let Centrality {
        values: centrality,
        eigenvalue,
        multiplicity,
        components,
        isolated,
    } = eigenvector(n, &w);
    summary.network_eigenvalue = eigenvalue;
    summary.network_eigenvalue_multiplicity = multiplicity;
    summary.network_components = components;
    summary.network_isolated_metros = isolated;
    lap.done(&mut summary.stage_seconds, "network");

    // I01, I07, I08.
    let sums = |q: &str| -> Result<Vec<u64>, RecordsError> {
        let b = engine.sql(q)?;
        let mut v = binary(&b, 0).map(|v| decode_sums(&v)).unwrap_or_default();
        v.resize(crate::udaf::MAX_METROS, 0);
        v.truncate(n);
        Ok(v)
    };
    let policy_citations = sums(&format!(
        "SELECT gihi_metro_sums(lo, hi, cited) FROM pinfo WHERE year BETWEEN {a0} AND {a1}"
    ))?;
    let active_papers = sums(&format!(
        "SELECT gihi_metro_sums(lo, hi, arrow_cast(1, 'Int64')) FROM pinfo WHERE year BETWEEN {a0} AND {a1}"
    ))?;
    let highly_cited = match &divisions {
        Some(d) => {
            let (per_metro, world) =
                crate::paper_divisions::highly_cited(engine, &d.thresholds(), h0..=h1, n)?;
            summary.highly_cited_papers = world;
            per_metro
        }
        None => {
            engine.materialize(
                "field_papers",
                &format!(
                    "SELECT DISTINCT f.paper_id, f.division, p.year, p.times_cited FROM fields_n f \
                     JOIN pinfo p ON f.paper_id = p.paper_id WHERE p.year BETWEEN {h0} AND {h1}"
                ),
            )?;
            engine.materialize(
                "highly_cited",
                "WITH ranked AS (SELECT division, year, times_cited, \
                        row_number() OVER (PARTITION BY division, year ORDER BY times_cited DESC) AS r, \
                        count(*) OVER (PARTITION BY division, year) AS n FROM field_papers), \
                      threshold AS (SELECT division, year, times_cited AS t FROM ranked WHERE r = (n + 99) / 100) \
                 SELECT DISTINCT f.paper_id FROM field_papers f \
                 JOIN threshold t ON f.division = t.division AND f.year = t.year \
                 WHERE f.times_cited >= t.t AND f.times_cited > 0",
            )?;
            summary.highly_cited_papers =
                column_i64(&engine.sql("SELECT count(*) FROM highly_cited")?, 0)[0] as u64;
            sums(
                "SELECT gihi_metro_sums(p.lo, p.hi, arrow_cast(1, 'Int64')) FROM pinfo p JOIN highly_cited h ON p.paper_id = h.paper_id",
            )?
        }
    };
    let researchers = if summary.authorships_walked {
        let r = engine.sql(
            "SELECT metro, count(DISTINCT researcher_id) FROM active_researchers GROUP BY metro",
        )?;
        let mut v = vec![0u64; n];
        for (m, c) in column_i64(&r, 0).into_iter().zip(column_i64(&r, 1)) {
            if let Some(x) = usize::try_from(m).ok().and_then(|m| v.get_mut(m)) {
                *x = c as u64;
            }
        }
        v
    } else {
        let r = engine.sql(&format!(
            "SELECT m.metro, count(DISTINCT a.researcher_id) FROM paper_authorships a \
             JOIN place_metro m ON a.city = m.city AND a.country = m.country \
             JOIN pinfo p ON a.paper_id = p.paper_id \
             WHERE p.year BETWEEN {a0} AND {a1} AND a.researcher_id IS NOT NULL AND trim(a.researcher_id) <> '' \
             GROUP BY m.metro"
        ))?;
        let by_metro: BTreeMap<String, u64> = column_text(&r, 0)
            .into_iter()
            .zip(column_i64(&r, 1))
            .map(|(m, c)| (m.unwrap_or_default(), c as u64))
            .collect();
        registry
            .cities
            .iter()
            .map(|c| by_metro.get(&c.id).copied().unwrap_or(0))
            .collect()
    };
    lap.done(&mut summary.stage_seconds, "indicators");

    // The focus's per-division table of its last year.
    let fields = match divisions {
        Some(d) => d.focus_table(n),
        None => division_table_by_plan(engine, o.focus[1], n)?,
    };
    lap.done(&mut summary.stage_seconds, "focus");

    Ok(PaperResults {
        metros: registry.cities.iter().map(|c| c.id.clone()).collect(),
        researchers,
        highly_cited,
        policy_citations,
        active_papers,
        centrality,
        years,
        fields,
        options: *o,
        summary,
    })
}

/// The focus's per-division table of `year` by the generic plan: the divisions joined with
/// `pinfo` on the paper id (metro vectors cut to `n` metros).
fn division_table_by_plan(
    engine: &Engine,
    year: i32,
    n: usize,
) -> Result<Vec<FieldCounts>, RecordsError> {
    let b = engine.sql(&format!(
        "SELECT f.division, gihi_metro_sums(p.lo, p.hi, arrow_cast(1, 'Int64')), gihi_metro_sums(p.lo, p.hi, arrow_cast(p.intl, 'Int64')), count(*), sum(p.intl) \
         FROM (SELECT DISTINCT paper_id, division FROM fields_n) f JOIN pinfo p ON f.paper_id = p.paper_id \
         WHERE p.year = {year} GROUP BY f.division ORDER BY f.division"
    ))?;
    let divisions = column_text(&b, 0);
    let (world, world_intl) = (column_i64(&b, 3), column_i64(&b, 4));
    let mut fields = Vec::new();
    let mut row = 0usize;
    for batch in &b {
        let (p, q) = (
            batch.column(1).as_binary::<i32>(),
            batch.column(2).as_binary::<i32>(),
        );
        for r in 0..batch.num_rows() {
            let cut = |v: Vec<u64>| v.into_iter().take(n).collect::<Vec<_>>();
            fields.push(FieldCounts {
                division: divisions[row].clone().unwrap_or_default(),
                metro_papers: cut(decode_sums(p.value(r))),
                metro_international: cut(decode_sums(q.value(r))),
                papers: world[row] as u64,
                international: world_intl[row] as u64,
            });
            row += 1;
        }
    }
    Ok(fields)
}

/// The generic plan of the paper walk ([`crate::paper_walk`]): every distinct place joined
/// once with its metro bits and country code, the authorships joined with those and grouped
/// by paper (hashing the string id), the papers file joined with the groups; then the
/// co-authorship counts of the years `first`..=`last` by the `gihi_coauthor` aggregate.
/// Registers `pinfo` as the walk does.
fn metro_sets_by_plan(
    engine: &Engine,
    summary: &mut PaperSummary,
    first: i32,
    last: i32,
) -> Result<BTreeMap<i32, YearCounts>, RecordsError> {
    engine.materialize(
        "place_key",
        "SELECT g.city, g.country, coalesce(m.lo, 0) AS lo, coalesce(m.hi, 0) AS hi, c.code \
         FROM (SELECT DISTINCT coalesce(city, '') AS city, coalesce(country, '') AS country FROM paper_authorships) g \
         LEFT JOIN place_metro m ON g.city = m.city AND g.country = m.country \
         LEFT JOIN country_map c ON g.country = c.country",
    )?;
    engine.materialize(
        "auth_paper",
        "SELECT a.paper_id, bit_or(k.lo) AS lo, bit_or(k.hi) AS hi, \
                CASE WHEN min(k.code) <> max(k.code) THEN 1 ELSE 0 END AS intl \
         FROM paper_authorships a \
         JOIN place_key k ON coalesce(a.city, '') = k.city AND coalesce(a.country, '') = k.country \
         GROUP BY a.paper_id",
    )?;
    engine.materialize(
        "pinfo",
        "SELECT p.paper_id, p.year, p.times_cited, p.cited AS cited, \
                coalesce(a.lo, 0) AS lo, coalesce(a.hi, 0) AS hi, coalesce(a.intl, 0) AS intl, \
                a.paper_id IS NOT NULL AS has_authorships \
         FROM papers_d p LEFT JOIN auth_paper a ON p.paper_id = a.paper_id",
    )?;
    let missing = engine.sql(
        "SELECT (SELECT count(*) FROM auth_paper) - (SELECT count(*) FROM pinfo WHERE has_authorships)",
    )?;
    summary.papers_missing_from_papers_file = column_i64(&missing, 0)[0] as u64;
    let b = engine.sql(&format!(
        "SELECT gihi_coauthor(arrow_cast(year, 'Int64'), lo, hi, arrow_cast(intl, 'Int64')) FROM pinfo WHERE year BETWEEN {first} AND {last}"
    ))?;
    Ok(binary(&b, 0)
        .map(|v| decode_coauthor(&v))
        .unwrap_or_default())
}

/// The first value of a Binary result column.
fn binary(b: &[RecordBatch], col: usize) -> Option<Vec<u8>> {
    b.iter().find(|x| x.num_rows() > 0).and_then(|x| {
        let a = x.column(col).as_binary::<i32>();
        (!a.is_null(0)).then(|| a.value(0).to_vec())
    })
}

/// Checks the three files and defines the views `papers_d` (one row per paper, counts as
/// BIGINT, `cited` = the three citation counts summed) and `fields_n(paper_id, division)`;
/// whether the papers file is strictly increasing in `paper_id`.
fn validate(engine: &Engine, dir: &Path, summary: &mut PaperSummary) -> Result<bool, RecordsError> {
    let pap = engine.register(dir, PAPERS)?;
    let fld = engine.register(dir, PAPER_FIELDS)?;
    let aut = engine.register(dir, PAPER_AUTHORSHIPS)?;
    let bad = |reg: &Registered,
               column: &str,
               condition: &str,
               expected: &str|
     -> Result<RecordsError, RecordsError> {
        let (row, found) = engine
            .locate(reg.layout.name, condition, column)?
            .unwrap_or((0, String::new()));
        Ok(RecordsError::Input(format!(
            "{}: row {row}, column {column}: expected {expected}, found `{}`",
            reg.path.display(),
            clip(&found)
        )))
    };
    let counts = [
        "times_cited",
        "cited_by_patents",
        "cited_by_policy",
        "cited_by_trials",
    ];
    engine.execute(&format!(
        "CREATE VIEW papers_n AS SELECT paper_id, {} AS year, type, {} AS times_cited, {} AS cbp, {} AS cbo, {} AS cbt FROM papers",
        int(&pap, "year"),
        int(&pap, counts[0]),
        int(&pap, counts[1]),
        int(&pap, counts[2]),
        int(&pap, counts[3]),
    ))?;
    let (y0, y1) = (YEARS.start(), YEARS.end());
    let c = engine.sql(&format!(
        "SELECT count(*), 0, \
           sum(CASE WHEN gihi_blank(paper_id) THEN 1 ELSE 0 END), \
           sum(CASE WHEN year IS NULL OR year < {y0} OR year > {y1} THEN 1 ELSE 0 END), \
           sum(CASE WHEN times_cited IS NULL OR times_cited < 0 OR cbp IS NULL OR cbp < 0 OR cbo IS NULL OR cbo < 0 OR cbt IS NULL OR cbt < 0 THEN 1 ELSE 0 END) \
         FROM papers_n"
    ))?;
    let v: Vec<i64> = (0..5).map(|k| column_i64(&c, k)[0]).collect();
    summary.rows.insert("papers".into(), v[0] as u64);
    if v[2] > 0 {
        return Err(bad(&pap, "paper_id", "gihi_blank(paper_id)", "a paper id")?);
    }
    if v[3] > 0 {
        let e = int(&pap, "year");
        return Err(bad(
            &pap,
            "year",
            &format!("{e} IS NULL OR {e} < {y0} OR {e} > {y1}"),
            &format!("a year from {y0} to {y1}"),
        )?);
    }
    if v[4] > 0 {
        for col in counts {
            let e = int(&pap, col);
            let cond = format!("{e} IS NULL OR {e} < 0");
            if engine.locate("papers", &cond, col)?.is_some() {
                return Err(bad(&pap, col, &cond, "a count (a whole number ≥ 0)")?);
            }
        }
    }
    // A file sorted by paper id proves them distinct in one sequential pass.
    let rows = v[0];
    let sorted = engine.strictly_increasing("papers", "paper_id")?;
    let distinct = if sorted {
        rows
    } else {
        column_i64(
            &engine.sql("SELECT count(DISTINCT paper_id) FROM papers")?,
            0,
        )[0]
    };
    if rows != distinct {
        if let Some(e) =
            engine.conflicting_duplicate("papers_n", "paper_id", "*", &pap.path, "a paper")?
        {
            return Err(e);
        }
        summary.duplicate_rows_ignored = (rows - distinct) as u64;
        engine.define(
            "CREATE VIEW papers_d AS SELECT DISTINCT paper_id, year, times_cited, cbp + cbo + cbt AS cited FROM papers_n",
        )?;
    } else {
        engine.define(
            "CREATE VIEW papers_d AS SELECT paper_id, year, times_cited, cbp + cbo + cbt AS cited FROM papers_n",
        )?;
    }
    summary.distinct_papers = distinct as u64;

    // Field of Research divisions: `31` or `31 Biological Sciences`.
    let (d0, d1) = (DIVISIONS.start(), DIVISIONS.end());
    let bad_field = "gihi_division(field) IS NULL";
    let c = engine.sql(&format!(
        "SELECT count(*), sum(CASE WHEN gihi_blank(paper_id) THEN 1 ELSE 0 END), sum(CASE WHEN {bad_field} THEN 1 ELSE 0 END) FROM paper_fields"
    ))?;
    summary
        .rows
        .insert("paper_fields".into(), column_i64(&c, 0)[0] as u64);
    if column_i64(&c, 1)[0] > 0 {
        return Err(bad(&fld, "paper_id", "gihi_blank(paper_id)", "a paper id")?);
    }
    if column_i64(&c, 2)[0] > 0 {
        return Err(bad(
            &fld,
            "field",
            bad_field,
            &format!(
                "an ANZSRC 2020 division code {d0}-{d1} (e.g. `31` or `31 Biological Sciences`)"
            ),
        )?);
    }
    engine.define(
        "CREATE VIEW fields_n AS SELECT paper_id, CAST(gihi_division(field) AS VARCHAR) AS division FROM paper_fields",
    )?;

    let c = engine.sql(
        "SELECT count(*), sum(CASE WHEN gihi_blank(paper_id) THEN 1 ELSE 0 END), \
                sum(CASE WHEN gihi_blank(researcher_id) THEN 1 ELSE 0 END) FROM paper_authorships",
    )?;
    summary
        .rows
        .insert("paper_authorships".into(), column_i64(&c, 0)[0] as u64);
    summary.authorships_without_researcher = column_i64(&c, 2)[0] as u64;
    if column_i64(&c, 1)[0] > 0 {
        return Err(bad(&aut, "paper_id", "gihi_blank(paper_id)", "a paper id")?);
    }
    Ok(sorted)
}
