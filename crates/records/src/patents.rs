//! Patent records → I09, I10, I18 per metro and field, the co-application network, the
//! fields' global totals and the biomedical focus tables (report Appendix 2, indicators 9,
//! 10 and 18; Appendix 7; section 4).
//!
//! Conventions (each is a reading of the report, stated once here and in the README):
//! - a publication is in a field when one of its IPC symbols qualifies under a row of the
//!   field that applies to it (rows with keywords need one in the title or abstract);
//! - a publication belongs to every metro where one of its applicants (or inventors, with
//!   [`Attribution::Inventors`]) is located; a family counts once per metro and field;
//! - **I09**: families with an `invention` publication granted on or before the validity
//!   date D and neither expired (`expiry_date ≤ D`) nor lapsed (`lapse_date ≤ D`) on D;
//! - **I10**: families with a `pct` publication published in the year Y;
//! - **I18**: over the families with an invention granted in Y and still valid at the end of
//!   Y, or with a `pct` publication in Y, the metros of the family are the union over all
//!   its publications; D_ij = 1 when a family has applicants in metros i ≠ j, and
//!   C_i = Σ_j D_ij (a count of partner metros). The weighted edge list counts families per
//!   metro pair.
//! - Global totals count every family of the field, wherever its applicants are.

use crate::dates::days_from_civil;
use crate::engine::{column_i64, column_text, Engine, Registered};
use crate::layout::{PARTY_TYPES, PATENTS, PATENT_IPC, PATENT_PARTIES, PATENT_TYPES, ROLES};
use crate::patent_places::PartyPlaces;
use crate::udf::NOT_A_DATE;
use crate::{clip, RecordsError};
use datafusion::arrow::datatypes::DataType;
use gihi_places::Places;
use gihi_registry::Registry;
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::Path;

/// Whose address places a patent in a metro.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Attribution {
    Applicants,
    Inventors,
}

/// The dates and choices of a run.
#[derive(Debug, Clone)]
pub struct PatentOptions {
    /// I09 validity date, days since 1970-01-01.
    pub valid_on: i32,
    /// I10 and I18 year.
    pub year: i32,
    pub attribution: Attribution,
    /// Count and skip unparseable IPC symbols instead of refusing the input.
    pub skip_invalid: bool,
}

/// Counts of one metro: per field, then the four fields together (last).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MetroCounts {
    pub metro: String,
    pub valid: Vec<u64>,
    pub pct: Vec<u64>,
    pub degree: Vec<u64>,
}

/// Families co-applied by two metros, per field then all together.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Edge {
    pub a: String,
    pub b: String,
    pub families: Vec<u64>,
}

/// What was read and matched (`summary.json`).
#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    pub rows: BTreeMap<String, u64>,
    pub distinct_publications: u64,
    pub duplicate_rows_ignored: u64,
    pub invalid_ipc_rows: u64,
    pub invalid_ipc_examples: Vec<String>,
    pub publications_in_fields: Vec<(String, u64)>,
    /// Party rows of the attributed role: matched to a metro, per country as exported.
    pub matched_by_country: Vec<CountryMatch>,
    /// The most frequent places outside every metro (place, rows).
    pub top_unmatched: Vec<(String, u64)>,
    /// Places that look like a misspelling of a member name or name several metros.
    pub near_misses: Vec<(String, String)>,
    /// Whether the ordered walk gathered the figures ([`crate::patent_walk`]; otherwise the
    /// generic plan hashed them).
    pub records_walked: bool,
    /// Seconds per stage, where the time goes: validation (row counts), walk, indicators,
    /// network, focus; or, by the generic plan, validation, [walk (gave up)], validation,
    /// places, classification, indicators, network, focus. Timings vary from run to run; nothing else in the summary does.
    pub stage_seconds: Vec<(String, f64)>,
}

pub use crate::placemap::CountryMatch;

/// The biomedical focus tables (report section 4).
#[derive(Debug, Clone, Default, Serialize)]
pub struct Focus {
    /// (scope, year, valid families, PCT families): scope `world`, a country, or a metro id.
    pub by_year: Vec<(String, i32, u64, u64)>,
    /// Per metro: the top applicants (name, type, families, share of the metro's families).
    pub top_applicants: Vec<(String, String, String, u64, f64)>,
    /// Per metro: (focus families, top-20 share, HHI).
    pub concentration: Vec<(String, u64, f64, f64)>,
    /// Per metro and applicant type: (PCT families with such an applicant, share).
    pub type_mix: Vec<(String, String, u64, f64)>,
}

/// Everything a run computes.
#[derive(Debug, Clone, Serialize)]
pub struct PatentResults {
    /// Field ids, in column order (then `all`).
    pub fields: Vec<String>,
    pub metros: Vec<MetroCounts>,
    pub edges: Vec<Edge>,
    /// Global families per field then all: (valid on D, PCT in Y).
    pub totals: Vec<(String, u64, u64)>,
    pub summary: Summary,
    pub focus: Focus,
}

/// The SQL of a date column: Date32 → days; text → `gihi_days`.
fn days(reg: &Registered, name: &str) -> String {
    match reg.type_of(name) {
        DataType::Date32 => format!("arrow_cast({name}, 'Int32')"),
        _ => format!("gihi_days({name})"),
    }
}

fn quoted_list(words: &[&str]) -> String {
    words
        .iter()
        .map(|w| format!("'{w}'"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Runs the patent pipeline on the record files of `dir`.
pub fn run(
    engine: &Engine,
    dir: &Path,
    registry: &Registry,
    aliases_csv: &str,
    o: &PatentOptions,
) -> Result<PatentResults, RecordsError> {
    let pat = engine.register(dir, PATENTS)?;
    let ipc = engine.register(dir, PATENT_IPC)?;
    let par = engine.register(dir, PATENT_PARTIES)?;
    let fields = engine.fields.clone();
    let nf = fields.fields.len();

    // ---- normalised views ---------------------------------------------------------------
    let pct = if *pat.type_of("pct") == DataType::Boolean {
        "pct".to_string()
    } else {
        "CASE lower(trim(pct)) WHEN 'true' THEN true WHEN '1' THEN true WHEN 'false' THEN false WHEN '0' THEN false END".to_string()
    };
    engine.execute(&format!(
        "CREATE VIEW patents_n AS SELECT pub_id, family_id, type, {pct} AS pct, {} AS pub_days, {} AS grant_days, {} AS expiry_days, {} AS lapse_days, title, abstract FROM patents",
        days(&pat, "publication_date"),
        days(&pat, "grant_date"),
        days(&pat, "expiry_date"),
        days(&pat, "lapse_date"),
    ))?;

    // ---- validation ---------------------------------------------------------------------
    let mut summary = Summary {
        rows: BTreeMap::new(),
        distinct_publications: 0,
        duplicate_rows_ignored: 0,
        invalid_ipc_rows: 0,
        invalid_ipc_examples: Vec::new(),
        publications_in_fields: Vec::new(),
        matched_by_country: Vec::new(),
        top_unmatched: Vec::new(),
        near_misses: Vec::new(),
        records_walked: false,
        stage_seconds: Vec::new(),
    };
    let mut lap = crate::Lap::start();
    let count = |table: &str| -> Result<u64, RecordsError> {
        Ok(column_i64(&engine.sql(&format!("SELECT count(*) FROM {table}"))?, 0)[0] as u64)
    };
    let rows = count("patents")?;
    summary
        .rows
        .insert("patent_ipc".into(), count("patent_ipc")?);
    let party_rows = count("patent_parties")?;
    let role = match o.attribution {
        Attribution::Applicants => "applicant",
        Attribution::Inventors => "inventor",
    };
    let places = Places::with_aliases(registry, aliases_csv).map_err(|(l, c, m)| {
        RecordsError::Input(format!("place aliases: line {l}, column {c}: {m}"))
    })?;
    lap.done(&mut summary.stage_seconds, "validation");

    // ---- classification, indicators, network, focus -------------------------------------
    // Files sorted by publication number (as exports come) are walked once side by side
    // when what the walk holds fits the memory limit; otherwise, or on a cluster, the
    // generic plan hashes and spills.
    let d = o.valid_on;
    let (y0, y1) = (
        days_from_civil(o.year, 1, 1),
        days_from_civil(o.year, 12, 31),
    );
    let fits = (rows as usize)
        .saturating_mul(crate::patent_walk::BYTES_PER_PUBLICATION)
        .saturating_add((party_rows as usize).saturating_mul(crate::patent_walk::BYTES_PER_PARTY))
        <= engine.memory_limit;
    let walked = if engine.local && fits {
        let mut met = PartyPlaces::new(registry, &places);
        let rules = crate::patent_walk::WalkRules {
            fields: &fields,
            valid_on: d,
            year: (y0, y1),
            role,
            publications: rows as usize,
        };
        let walked =
            crate::patent_walk::walk(engine, &mut met, &rules)?.map(|w| (w, met.met, met.codes));
        if walked.is_none() {
            lap.done(&mut summary.stage_seconds, "walk (gave up)");
        }
        walked
    } else {
        None
    };
    summary.records_walked = walked.is_some();
    let ids = field_ids(&fields);
    let Some((w, met, codes)) = walked else {
        check_patents(engine, &pat, &pct, &mut summary)?;
        check_parties(engine, &par, &mut summary)?;
        lap.done(&mut summary.stage_seconds, "validation");
        let matched = place_metro(engine, registry, &places, role)?;
        summary.matched_by_country = matched.by_country;
        summary.top_unmatched = matched.top_unmatched;
        summary.near_misses = matched.near_misses;
        lap.done(&mut summary.stage_seconds, "places");
        let planned =
            crate::patents_plan::run(engine, &ipc, registry, &places, o, role, &mut summary)?;
        return Ok(PatentResults {
            fields: ids,
            metros: planned.metros,
            edges: planned.edges,
            totals: planned.totals,
            summary,
            focus: planned.focus,
        });
    };
    // The walk met every check of the validation on every row, numbers strictly increasing.
    summary.rows.insert("patents".into(), rows);
    summary.distinct_publications = rows;
    summary.rows.insert("patent_parties".into(), party_rows);
    let (cities, countries, counts): (Vec<_>, Vec<_>, Vec<_>) = met
        .into_iter()
        .filter(|m| m.rows > 0)
        .map(|m| (m.city, m.country, m.rows as i64))
        .collect();
    let matched = crate::placemap::match_places(registry, &places, &cities, &countries, &counts)?;
    summary.matched_by_country = matched.by_country;
    summary.top_unmatched = matched.top_unmatched;
    summary.near_misses = matched.near_misses;
    invalid_symbols(engine, &ipc, w.invalid_ipc, o, &mut summary)?;
    lap.done(&mut summary.stage_seconds, "walk");
    let n_metros = registry.cities.len();
    let valid_m = crate::patent_tally::per_metro(&w.placed, |p| p.valid, n_metros, nf);
    let pct_m = crate::patent_tally::per_metro(&w.placed, |p| p.pct_year, n_metros, nf);
    let tv = crate::patent_tally::totals(&w.families, |f| f.valid, nf);
    let tp = crate::patent_tally::totals(&w.families, |f| f.pct_year, nf);
    let totals = ids
        .iter()
        .enumerate()
        .map(|(i, f)| (f.clone(), tv[i], tp[i]))
        .collect();
    summary.publications_in_fields = ids
        .iter()
        .cloned()
        .zip(w.in_fields.iter().copied())
        .collect();
    lap.done(&mut summary.stage_seconds, "indicators");
    let edges = crate::patent_tally::edges(&w.families, registry, nf);
    let degree = degrees(&edges, nf);
    let zero = vec![0u64; nf + 1];
    let metros = registry
        .cities
        .iter()
        .enumerate()
        .map(|(k, c)| MetroCounts {
            metro: c.id.clone(),
            valid: valid_m[k].clone(),
            pct: pct_m[k].clone(),
            degree: degree
                .get(c.id.as_str())
                .cloned()
                .unwrap_or_else(|| zero.clone()),
        })
        .collect();
    lap.done(&mut summary.stage_seconds, "network");
    let focus = crate::patent_tally::focus(&w, &fields, registry, o.year, &codes);
    lap.done(&mut summary.stage_seconds, "focus");
    Ok(PatentResults {
        fields: ids,
        metros,
        edges,
        totals,
        summary,
        focus,
    })
}

/// The checks of the patents file, its rows and distinct publications in the summary, and
/// the view `patents_d` (each publication once) the generic plan reads.
fn check_patents(
    engine: &Engine,
    pat: &Registered,
    pct: &str,
    summary: &mut Summary,
) -> Result<(), RecordsError> {
    let bad = |reg: &Registered, table: &str, column: &str, condition: &str, expected: &str| {
        refuse_first(engine, reg, table, column, condition, expected)
    };
    let checks = format!(
        "SELECT count(*), \
         sum(CASE WHEN pub_id IS NULL OR trim(pub_id) = '' OR family_id IS NULL OR trim(family_id) = '' THEN 1 ELSE 0 END), \
         sum(CASE WHEN type IS NULL OR type NOT IN ({}) THEN 1 ELSE 0 END), \
         sum(CASE WHEN pct IS NULL THEN 1 ELSE 0 END), \
         sum(CASE WHEN pub_days IS NULL OR pub_days = {NOT_A_DATE} OR grant_days = {NOT_A_DATE} OR expiry_days = {NOT_A_DATE} OR lapse_days = {NOT_A_DATE} THEN 1 ELSE 0 END) \
         FROM patents_n",
        quoted_list(PATENT_TYPES)
    );
    let c = engine.sql(&checks)?;
    let v: Vec<i64> = (0..5).map(|k| column_i64(&c, k)[0]).collect();
    let (rows, no_id, bad_type, bad_pct, bad_date) = (v[0], v[1], v[2], v[3], v[4]);
    summary.rows.insert("patents".into(), rows as u64);
    if no_id > 0 {
        bad(
            pat,
            "patents_n",
            "pub_id",
            "pub_id IS NULL OR trim(pub_id) = ''",
            "a publication number",
        )?;
        bad(
            pat,
            "patents_n",
            "family_id",
            "family_id IS NULL OR trim(family_id) = ''",
            "a family id",
        )?;
    }
    if bad_type > 0 {
        bad(
            pat,
            "patents_n",
            "type",
            &format!(
                "type IS NULL OR type NOT IN ({})",
                quoted_list(PATENT_TYPES)
            ),
            &PATENT_TYPES.join(" | "),
        )?;
    }
    if bad_pct > 0 {
        bad(
            pat,
            "patents",
            "pct",
            &format!("({pct}) IS NULL"),
            "true or false",
        )?;
    }
    if bad_date > 0 {
        for col in [
            "publication_date",
            "grant_date",
            "expiry_date",
            "lapse_date",
        ] {
            let e = days(pat, col);
            let cond = if col == "publication_date" {
                format!("{e} IS NULL OR {e} = {NOT_A_DATE}")
            } else {
                format!("{e} = {NOT_A_DATE}")
            };
            bad(
                pat,
                "patents",
                col,
                &cond,
                if col == "publication_date" {
                    "a date YYYY-MM-DD"
                } else {
                    "a date YYYY-MM-DD or an empty cell"
                },
            )?;
        }
    }
    // A file sorted by publication number proves them distinct in one sequential pass.
    let sorted = engine.strictly_increasing("patents", "pub_id")?;
    let distinct = if sorted {
        rows
    } else {
        column_i64(
            &engine.sql("SELECT count(DISTINCT pub_id) FROM patents")?,
            0,
        )[0]
    };
    if rows != distinct {
        if let Some(e) = engine.conflicting_duplicate(
            "patents_n",
            "pub_id",
            "pub_id, family_id, type, pct, pub_days, grant_days, expiry_days, lapse_days, title, abstract",
            &pat.path,
            "a publication",
        )? {
            return Err(e);
        }
        engine.execute("CREATE VIEW patents_d AS SELECT DISTINCT * FROM patents_n")?;
        summary.duplicate_rows_ignored = (rows - distinct) as u64;
    } else {
        engine.execute("CREATE VIEW patents_d AS SELECT * FROM patents_n")?;
    }
    summary.distinct_publications = distinct as u64;

    Ok(())
}

/// Refuses the input at the first row of `table` meeting `condition`, if any.
fn refuse_first(
    engine: &Engine,
    reg: &Registered,
    table: &str,
    column: &str,
    condition: &str,
    expected: &str,
) -> Result<(), RecordsError> {
    if let Some((row, found)) = engine.locate(table, condition, column)? {
        return Err(RecordsError::Input(format!(
            "{}: row {row}, column {column}: expected {expected}, found `{}`",
            reg.path.display(),
            clip(&found)
        )));
    }
    Ok(())
}

/// The generic plan's checks of the party file, and its rows in the summary. One pass over
/// the file (its largest) serves them and the place mapping ([`place_metro`]).
fn check_parties(
    engine: &Engine,
    par: &Registered,
    summary: &mut Summary,
) -> Result<(), RecordsError> {
    let bad = |reg: &Registered, table: &str, column: &str, condition: &str, expected: &str| {
        refuse_first(engine, reg, table, column, condition, expected)
    };
    engine.materialize(
        "party_groups",
        "SELECT role, type, city, country, count(*) AS n, count(*) - count(pub_id) AS no_pub \
         FROM patent_parties GROUP BY role, type, city, country",
    )?;
    let c = engine.sql(&format!(
        "SELECT sum(n), sum(no_pub), sum(CASE WHEN role IS NULL OR role NOT IN ({}) THEN n ELSE 0 END), sum(CASE WHEN type IS NULL OR type NOT IN ({}) THEN n ELSE 0 END) FROM party_groups",
        quoted_list(ROLES),
        quoted_list(PARTY_TYPES)
    ))?;
    summary
        .rows
        .insert("patent_parties".into(), column_i64(&c, 0)[0] as u64);
    if column_i64(&c, 1)[0] > 0 {
        bad(
            par,
            "patent_parties",
            "pub_id",
            "pub_id IS NULL",
            "a publication number",
        )?;
    }
    if column_i64(&c, 2)[0] > 0 {
        bad(
            par,
            "patent_parties",
            "role",
            &format!("role IS NULL OR role NOT IN ({})", quoted_list(ROLES)),
            &ROLES.join(" | "),
        )?;
    }
    if column_i64(&c, 3)[0] > 0 {
        bad(
            par,
            "patent_parties",
            "type",
            &format!("type IS NULL OR type NOT IN ({})", quoted_list(PARTY_TYPES)),
            &PARTY_TYPES.join(" | "),
        )?;
    }

    Ok(())
}

/// Registers `place_metro` from the party file's places of the attributed `role`.
fn place_metro(
    engine: &Engine,
    registry: &Registry,
    places: &Places,
    role: &str,
) -> Result<crate::placemap::PlaceMatch, RecordsError> {
    let groups = engine.sql(&format!(
        "SELECT city, country, sum(n) AS n FROM party_groups WHERE role = '{role}' GROUP BY city, country"
    ))?;
    crate::placemap::register_place_metro(engine, registry, places, &groups)
}

/// The field ids in column order, then `all`.
pub(crate) fn field_ids(fields: &gihi_ipc::Fields) -> Vec<String> {
    fields
        .fields
        .iter()
        .map(|f| f.id.clone())
        .chain(std::iter::once("all".to_string()))
        .collect()
}

/// Each metro's degree per field, then all: the partner metros it shares a family with.
pub(crate) fn degrees(edges: &[Edge], nf: usize) -> BTreeMap<&str, Vec<u64>> {
    let mut degree: BTreeMap<&str, Vec<u64>> = BTreeMap::new();
    for e in edges {
        for m in [&e.a, &e.b] {
            let d = degree.entry(m.as_str()).or_insert_with(|| vec![0; nf + 1]);
            for (k, n) in e.families.iter().enumerate() {
                if *n > 0 {
                    d[k] += 1;
                }
            }
        }
    }
    degree
}

/// Refuses unparseable symbols (naming the first), or with `--skip-invalid` counts them and
/// lists the first examples in the summary.
pub(crate) fn invalid_symbols(
    engine: &Engine,
    ipc: &Registered,
    invalid: u64,
    o: &PatentOptions,
    summary: &mut Summary,
) -> Result<(), RecordsError> {
    if invalid == 0 {
        return Ok(());
    }
    if !o.skip_invalid {
        let (row, found) = engine
            .locate(
                "patent_ipc",
                "ipc IS NULL OR NOT gihi_ipc_valid(ipc)",
                "ipc",
            )?
            .unwrap_or((0, String::new()));
        let why = gihi_ipc::Symbol::parse(&found)
            .err()
            .map_or(String::new(), |e| e.why.to_string());
        return Err(RecordsError::Input(format!(
            "{}: row {row}, column ipc: expected an IPC symbol such as `G06N 3/08`, `G06N3/08` or `G06N0003080000`, found `{}` ({why}); {invalid} such row(s) in all: give --skip-invalid to count and skip them",
            ipc.path.display(),
            clip(&found)
        )));
    }
    summary.invalid_ipc_rows = invalid;
    let ex = engine.sql("SELECT DISTINCT ipc FROM patent_ipc WHERE ipc IS NOT NULL AND NOT gihi_ipc_valid(ipc) ORDER BY ipc LIMIT 5")?;
    summary.invalid_ipc_examples = column_text(&ex, 0).into_iter().flatten().collect();
    Ok(())
}
