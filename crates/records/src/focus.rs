//! The biomedical focus tables of the report's section 4 ("全球生物医药领域的专利情况").
//!
//! Conventions:
//! - biomedical families: families with a publication in the `biomedicine` field;
//! - by year: families counted in the year of their earliest publication, 2000 to the
//!   run's year; `valid` = valid on the validity date (as I09), `pct` = with a PCT
//!   publication in the field (any year); scopes: the world, the ten countries with the most
//!   families (applicant countries), every metro;
//! - applicants of a metro: the attributed parties located in it; the focus families of a
//!   metro are its biomedical families counted by I09 or I10; an applicant's share is its
//!   families over the metro's; the top-20 share and the HHI use applicant–family
//!   incidences (a family with two applicants counts for both; shares of incidences sum to 1);
//! - type mix (report: "Boston's top-20 companies, institutes and universities hold 24.44 %,
//!   20.83 % and 17.81 % of its PCT patents"): per metro and applicant type, the share of
//!   the metro's biomedical PCT families of the run's year held by the top 20 applicants of
//!   that type.

use crate::engine::{column_i64, column_text, Engine};

/// A text column with nulls as empty strings.
fn texts(b: &[RecordBatch], k: usize) -> Vec<String> {
    column_text(b, k)
        .into_iter()
        .map(Option::unwrap_or_default)
        .collect()
}
use crate::patents::{Focus, PatentOptions};
use crate::RecordsError;
use datafusion::arrow::array::RecordBatch;
use gihi_ipc::Fields;
use gihi_places::Places;
use gihi_registry::Registry;
use std::collections::{BTreeMap, BTreeSet};

/// Applicants listed per metro, and counted in the top-N shares.
pub const TOP_APPLICANTS: usize = 20;
/// Countries with a year series.
pub const TOP_COUNTRIES: usize = 10;
/// First year of the series.
pub const FIRST_YEAR: i32 = 2000;

/// Computes the focus tables (tables `infield`, `app`, `pub_family`, `place_metro` and
/// views `valid_pubs`, `pct_pubs` exist).
pub fn focus(
    engine: &Engine,
    fields: &Fields,
    registry: &Registry,
    o: &PatentOptions,
    places: &Places,
    role: &str,
) -> Result<Focus, RecordsError> {
    let Some(bio) = fields.field("biomedicine") else {
        return Ok(Focus::default());
    };
    let b = 1i64 << bio;
    // The biomedical families and their attributed parties, computed once (the focus
    // queries read these small tables, not the whole party file).
    engine.materialize(
        "bio_fam",
        &format!(
            "SELECT p.family_id, min(p.pub_days) AS first_days FROM pub_family p \
             JOIN (SELECT DISTINCT family_id FROM infield WHERE (fields & {b}) <> 0) f ON f.family_id = p.family_id GROUP BY p.family_id"
        ),
    )?;
    engine.materialize(
        "bio_parties",
        &format!(
            "SELECT pp.pub_id, p.family_id, pp.name, pp.type, pp.city, pp.country FROM \
             (SELECT p.pub_id, p.family_id FROM bio_fam f JOIN pub_family p ON f.family_id = p.family_id) p \
             JOIN patent_parties pp ON p.pub_id = pp.pub_id WHERE pp.role = '{role}'"
        ),
    )?;
    // Applicant countries, normalised (registry countries to ISO codes, others upper-cased).
    crate::placemap::register_country_map(
        engine,
        places,
        "bio_parties",
        "country",
        crate::placemap::Regions::InChina,
    )?;

    engine.materialize("bio_flags", &format!(
        "SELECT f.family_id, \
           CAST(date_part('year', arrow_cast(f.first_days, 'Date32')) AS BIGINT) AS year, \
           CASE WHEN v.family_id IS NULL THEN 0 ELSE 1 END AS is_valid, \
           CASE WHEN p.family_id IS NULL THEN 0 ELSE 1 END AS is_pct \
         FROM bio_fam f \
         LEFT JOIN (SELECT DISTINCT family_id FROM valid_pubs WHERE (fields & {b}) <> 0) v ON v.family_id = f.family_id \
         LEFT JOIN (SELECT DISTINCT family_id FROM infield WHERE pct AND (fields & {b}) <> 0) p ON p.family_id = f.family_id"
    ))?;
    let range = format!("year BETWEEN {FIRST_YEAR} AND {}", o.year);
    let mut by_year = Vec::new();
    let series = |q: String, out: &mut Vec<(String, i32, u64, u64)>| -> Result<(), RecordsError> {
        let r = engine.sql(&q)?;
        let (scope, year, v, p) = (
            texts(&r, 0),
            column_i64(&r, 1),
            column_i64(&r, 2),
            column_i64(&r, 3),
        );
        for i in 0..scope.len() {
            out.push((scope[i].clone(), year[i] as i32, v[i] as u64, p[i] as u64));
        }
        Ok(())
    };
    series(
        format!("SELECT 'world', year, sum(is_valid), sum(is_pct) FROM bio_flags WHERE {range} GROUP BY year ORDER BY year"),
        &mut by_year,
    )?;
    engine.define(
        "CREATE VIEW bio_country AS SELECT DISTINCT b.family_id, c.code FROM bio_parties b JOIN country_map c ON b.country = c.country",
    )?;
    let top = engine.sql(&format!(
        "SELECT c.code, count(*) AS n FROM bio_country c JOIN bio_flags f ON f.family_id = c.family_id \
         WHERE (f.is_valid + f.is_pct) > 0 GROUP BY c.code ORDER BY n DESC, c.code LIMIT {TOP_COUNTRIES}"
    ))?;
    let countries = texts(&top, 0);
    if !countries.is_empty() {
        let list = countries
            .iter()
            .map(|c| format!("'{}'", c.replace('\'', "''")))
            .collect::<Vec<_>>()
            .join(", ");
        series(
            format!(
                "SELECT c.code, f.year, sum(f.is_valid), sum(f.is_pct) FROM bio_country c JOIN bio_flags f ON f.family_id = c.family_id \
                 WHERE c.code IN ({list}) AND f.{range} GROUP BY c.code, f.year ORDER BY c.code, f.year"
            ),
            &mut by_year,
        )?;
    }
    engine.materialize(
        "bio_metro",
        "SELECT DISTINCT b.family_id, m.metro FROM bio_parties b JOIN place_metro m ON b.city = m.city AND b.country = m.country",
    )?;
    series(
        format!(
            "SELECT m.metro, f.year, sum(f.is_valid), sum(f.is_pct) FROM bio_metro m JOIN bio_flags f ON f.family_id = m.family_id \
             WHERE f.{range} GROUP BY m.metro, f.year ORDER BY m.metro, f.year"
        ),
        &mut by_year,
    )?;

    // Applicants of each metro over its focus families (I09 or I10 biomedical families).
    engine.define(&format!(
        "CREATE VIEW focus_fam AS SELECT DISTINCT family_id FROM valid_pubs WHERE (fields & {b}) <> 0 \
         UNION SELECT DISTINCT family_id FROM pct_pubs WHERE (fields & {b}) <> 0"
    ))?;
    let metro_applicant = |families: &str| {
        format!(
            "SELECT DISTINCT m.metro, b.name, b.type, b.family_id FROM bio_parties b \
             JOIN place_metro m ON b.city = m.city AND b.country = m.country \
             JOIN {families} f ON f.family_id = b.family_id"
        )
    };
    let r = engine.sql(&format!(
        "SELECT metro, name, type, count(*) AS n FROM ({}) GROUP BY metro, name, type",
        metro_applicant("focus_fam")
    ))?;
    let (metro, name, kind, n) = (texts(&r, 0), texts(&r, 1), texts(&r, 2), column_i64(&r, 3));
    let r = engine.sql(
        "SELECT m.metro, count(DISTINCT m.family_id) FROM bio_metro m JOIN focus_fam f ON f.family_id = m.family_id GROUP BY m.metro",
    )?;
    let metro_families: BTreeMap<String, u64> = texts(&r, 0)
        .into_iter()
        .zip(column_i64(&r, 1))
        .map(|(m, n)| (m, n as u64))
        .collect();
    let (top_applicants, concentration) = rank_applicants(
        registry,
        (0..metro.len()).map(|i| {
            (
                metro[i].as_str(),
                name[i].as_str(),
                kind[i].as_str(),
                n[i] as u64,
            )
        }),
        &metro_families,
    );

    // Type mix of each metro's biomedical PCT families of the year.
    engine.define(&format!(
        "CREATE VIEW bio_pct_year AS SELECT DISTINCT family_id FROM pct_pubs WHERE (fields & {b}) <> 0"
    ))?;
    let r = engine.sql(&metro_applicant("bio_pct_year"))?;
    let (metro, name, kind, fam) = (texts(&r, 0), texts(&r, 1), texts(&r, 2), texts(&r, 3));
    let type_mix = type_mix(
        registry,
        (0..metro.len()).map(|i| {
            (
                metro[i].as_str(),
                name[i].as_str(),
                kind[i].as_str(),
                fam[i].as_str(),
            )
        }),
    );
    Ok(Focus {
        by_year,
        top_applicants,
        concentration,
        type_mix,
    })
}

/// The top applicants of each metro and its concentration, from (metro, applicant name,
/// applicant type, focus families) rows and each metro's focus families: applicants ranked
/// by families, then name and type; shares of the metro's families; the top-20 share and the
/// HHI over applicant–family incidences.
#[allow(clippy::type_complexity)]
pub(crate) fn rank_applicants<'a>(
    registry: &Registry,
    rows: impl Iterator<Item = (&'a str, &'a str, &'a str, u64)>,
    metro_families: &BTreeMap<String, u64>,
) -> (
    Vec<(String, String, String, u64, f64)>,
    Vec<(String, u64, f64, f64)>,
) {
    let mut per_metro: BTreeMap<&str, Vec<(&str, &str, u64)>> = BTreeMap::new();
    for (metro, name, kind, n) in rows {
        per_metro.entry(metro).or_default().push((name, kind, n));
    }
    let mut top_applicants = Vec::new();
    let mut concentration = Vec::new();
    for c in &registry.cities {
        let Some(list) = per_metro.get_mut(c.id.as_str()) else {
            continue;
        };
        list.sort_by(|a, b| b.2.cmp(&a.2).then(a.0.cmp(b.0)).then(a.1.cmp(b.1)));
        let families = metro_families.get(&c.id).copied().unwrap_or(0).max(1);
        let incidences: u64 = list.iter().map(|x| x.2).sum();
        for (nm, k, n) in list.iter().take(TOP_APPLICANTS) {
            top_applicants.push((
                c.id.clone(),
                nm.to_string(),
                k.to_string(),
                *n,
                *n as f64 / families as f64,
            ));
        }
        let top: u64 = list.iter().take(TOP_APPLICANTS).map(|x| x.2).sum();
        let hhi: f64 = list
            .iter()
            .map(|x| (x.2 as f64 / incidences as f64).powi(2))
            .sum();
        concentration.push((c.id.clone(), families, top as f64 / incidences as f64, hhi));
    }
    (top_applicants, concentration)
}

/// The type mix, from distinct (metro, applicant name, applicant type, family) rows of the
/// metros' biomedical PCT families of the year: per metro and type, the families held by the
/// type's top 20 applicants and their share of the metro's families.
pub(crate) fn type_mix<'a, F: Ord + Copy>(
    registry: &Registry,
    rows: impl Iterator<Item = (&'a str, &'a str, &'a str, F)>,
) -> Vec<(String, String, u64, f64)> {
    // metro → type → name → families; metro → families
    let mut held: BTreeMap<&str, BTreeMap<&str, BTreeMap<&str, BTreeSet<F>>>> = BTreeMap::new();
    let mut all: BTreeMap<&str, BTreeSet<F>> = BTreeMap::new();
    for (metro, name, kind, fam) in rows {
        held.entry(metro)
            .or_default()
            .entry(kind)
            .or_default()
            .entry(name)
            .or_default()
            .insert(fam);
        all.entry(metro).or_default().insert(fam);
    }
    let mut type_mix = Vec::new();
    for c in &registry.cities {
        let Some(types) = held.get(c.id.as_str()) else {
            continue;
        };
        let total = all.get(c.id.as_str()).map_or(0, |s| s.len()) as u64;
        for (k, names) in types {
            let mut ranked: Vec<(&&str, &BTreeSet<F>)> = names.iter().collect();
            ranked.sort_by(|a, b| b.1.len().cmp(&a.1.len()).then(a.0.cmp(b.0)));
            let union: BTreeSet<F> = ranked
                .iter()
                .take(TOP_APPLICANTS)
                .flat_map(|(_, f)| f.iter().copied())
                .collect();
            type_mix.push((
                c.id.clone(),
                k.to_string(),
                union.len() as u64,
                union.len() as f64 / total.max(1) as f64,
            ));
        }
    }
    type_mix
}
