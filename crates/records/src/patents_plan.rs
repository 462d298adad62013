//! The generic plan of the patent pipeline: classification, indicators, network and focus
//! as DataFusion queries over the record files (hash joins and GROUP BYs on the string keys,
//! spilling when memory runs short). It runs on a cluster and for files not sorted by
//! publication number; sorted files are walked instead ([`crate::patent_walk`]), with the
//! same results. Definitions: [`crate::patents`].

use crate::dates::days_from_civil;
use crate::engine::{column_i64, column_text, Engine, Registered};
use crate::patents::{Edge, Focus, MetroCounts, PatentOptions, Summary};
use crate::RecordsError;
use gihi_places::Places;
use gihi_registry::Registry;
use std::collections::BTreeMap;

/// What the plan computes besides the summary.
pub(crate) struct Planned {
    pub metros: Vec<MetroCounts>,
    pub edges: Vec<Edge>,
    pub totals: Vec<(String, u64, u64)>,
    pub focus: Focus,
}

/// Runs the plan (tables `patents_d`, `party_groups` and `place_metro` exist).
pub(crate) fn run(
    engine: &Engine,
    ipc: &Registered,
    registry: &Registry,
    places: &Places,
    o: &PatentOptions,
    role: &str,
    summary: &mut Summary,
) -> Result<Planned, RecordsError> {
    let fields = engine.fields.clone();
    let nf = fields.fields.len();
    let mut lap = crate::Lap::start();
    // ---- classification and indicators --------------------------------------------------
    let kw = fields.keyword_rows() as i64;
    let d = o.valid_on;
    let (y0, y1) = (
        days_from_civil(o.year, 1, 1),
        days_from_civil(o.year, 12, 31),
    );
    // The rows each publication's symbols qualify under, and its unparseable symbols (the
    // IPC file is validated in the same pass that classifies it).
    engine.materialize(
        "sym",
        "SELECT pub_id, bit_or(r) AS rows, count(*) - count(r) AS invalid \
         FROM (SELECT pub_id, gihi_ipc_rows(ipc) AS r FROM patent_ipc) WHERE r IS NULL OR r <> 0 GROUP BY pub_id",
    )?;
    let invalid = column_i64(&engine.sql("SELECT sum(invalid) FROM sym")?, 0)[0] as u64;
    crate::patents::invalid_symbols(engine, ipc, invalid, o, summary)?;

    engine.define(&format!(
        "CREATE VIEW pub_fields AS \
         SELECT p.pub_id, p.family_id, p.type, p.pct, p.pub_days, p.grant_days, p.expiry_days, p.lapse_days, \
                gihi_fields(s.rows, CASE WHEN (s.rows & {kw}) <> 0 THEN gihi_keyword_rows(p.title, p.abstract) ELSE arrow_cast(0, 'Int64') END) AS fields \
         FROM patents_d p JOIN sym s ON p.pub_id = s.pub_id WHERE s.rows <> 0"
    ))?;
    engine.materialize(
        "infield",
        "SELECT pub_id, family_id, type, pct, pub_days, grant_days, expiry_days, lapse_days, fields FROM pub_fields WHERE fields <> 0",
    )?;
    // A publication's metros, once per attributed party (a publication with two applicants in
    // one metro has two rows: every query below groups by family or takes distinct metros,
    // and leaving the duplicates costs less than removing them).
    engine.materialize(
        "app",
        &format!("SELECT pp.pub_id, m.metro FROM patent_parties pp JOIN place_metro m ON pp.city = m.city AND pp.country = m.country WHERE pp.role = '{role}'"),
    )?;
    engine.materialize(
        "pub_family",
        "SELECT pub_id, family_id, pub_days FROM patents_d",
    )?;
    let valid = format!(
        "type = 'invention' AND grant_days IS NOT NULL AND grant_days <= {d} AND (expiry_days IS NULL OR expiry_days > {d}) AND (lapse_days IS NULL OR lapse_days > {d})"
    );
    let pct_y = format!("pct AND pub_days BETWEEN {y0} AND {y1}");
    lap.done(&mut summary.stage_seconds, "classification");
    engine.define(&format!(
        "CREATE VIEW valid_pubs AS SELECT * FROM infield WHERE {valid}"
    ))?;
    engine.define(&format!(
        "CREATE VIEW pct_pubs AS SELECT * FROM infield WHERE {pct_y}"
    ))?;
    let field_sums = |col: &str| {
        let mut s: Vec<String> = (0..nf)
            .map(|i| {
                format!(
                    "sum(CASE WHEN ({col} & {}) <> 0 THEN 1 ELSE 0 END)",
                    1i64 << i
                )
            })
            .collect();
        s.push("count(*)".into());
        s.join(", ")
    };
    let per_metro = |view: &str| -> Result<BTreeMap<String, Vec<u64>>, RecordsError> {
        let b = engine.sql(&format!(
            "SELECT metro, {} FROM (SELECT a.metro, v.family_id, bit_or(v.fields) AS f FROM {view} v JOIN app a ON v.pub_id = a.pub_id GROUP BY a.metro, v.family_id) GROUP BY metro",
            field_sums("f")
        ))?;
        let ids = column_text(&b, 0);
        let cols: Vec<Vec<i64>> = (1..=nf + 1).map(|k| column_i64(&b, k)).collect();
        Ok(ids
            .into_iter()
            .enumerate()
            .map(|(r, id)| {
                (
                    id.unwrap_or_default(),
                    cols.iter().map(|c| c[r] as u64).collect(),
                )
            })
            .collect())
    };
    let valid_m = per_metro("valid_pubs")?;
    let pct_m = per_metro("pct_pubs")?;
    let totals_of = |view: &str| -> Result<Vec<u64>, RecordsError> {
        let b = engine.sql(&format!(
            "SELECT {} FROM (SELECT family_id, bit_or(fields) AS f FROM {view} GROUP BY family_id)",
            field_sums("f")
        ))?;
        Ok((0..=nf)
            .map(|k| column_i64(&b, k).first().copied().unwrap_or(0) as u64)
            .collect())
    };
    let tv = totals_of("valid_pubs")?;
    let tp = totals_of("pct_pubs")?;
    let ids = crate::patents::field_ids(&fields);
    let totals = ids
        .iter()
        .enumerate()
        .map(|(i, f)| (f.clone(), tv[i], tp[i]))
        .collect();
    let b = engine.sql(&format!(
        "SELECT {} FROM (SELECT pub_id, fields AS f FROM infield)",
        field_sums("f")
    ))?;
    summary.publications_in_fields = ids
        .iter()
        .enumerate()
        .map(|(i, f)| {
            (
                f.clone(),
                column_i64(&b, i).first().copied().unwrap_or(0) as u64,
            )
        })
        .collect();

    lap.done(&mut summary.stage_seconds, "indicators");
    // I18: the co-application network of the year.
    // Small tables first in every join: DataFusion joins in the order written, and joining
    // the network's few families to their publications before the applicants keeps the
    // hash tables small (0.40 s → 0.11 s on the benchmark corpus).
    engine.materialize("net_families", &format!(
        "SELECT family_id, bit_or(fields) AS f FROM infield \
         WHERE (type = 'invention' AND grant_days BETWEEN {y0} AND {y1} AND (expiry_days IS NULL OR expiry_days > {y1}) AND (lapse_days IS NULL OR lapse_days > {y1})) OR ({pct_y}) \
         GROUP BY family_id"
    ))?;
    engine.materialize(
        "fam_metro",
        "SELECT DISTINCT p.family_id, a.metro FROM \
         (SELECT p.pub_id, p.family_id FROM net_families q JOIN pub_family p ON q.family_id = p.family_id) p \
         JOIN app a ON p.pub_id = a.pub_id",
    )?;
    let b = engine.sql(&format!(
        "SELECT x.metro AS a, y.metro AS b, {} FROM fam_metro x JOIN fam_metro y ON x.family_id = y.family_id AND x.metro < y.metro JOIN net_families q ON q.family_id = x.family_id GROUP BY x.metro, y.metro ORDER BY a, b",
        field_sums("q.f")
    ))?;
    let (ea, eb) = (column_text(&b, 0), column_text(&b, 1));
    let ecols: Vec<Vec<i64>> = (2..=nf + 2).map(|k| column_i64(&b, k)).collect();
    let edges: Vec<Edge> = ea
        .into_iter()
        .zip(eb)
        .enumerate()
        .map(|(r, (a, b))| Edge {
            a: a.unwrap_or_default(),
            b: b.unwrap_or_default(),
            families: ecols.iter().map(|c| c[r] as u64).collect(),
        })
        .collect();
    let degree = crate::patents::degrees(&edges, nf);
    let zero = vec![0u64; nf + 1];
    let metros = registry
        .cities
        .iter()
        .map(|c| MetroCounts {
            metro: c.id.clone(),
            valid: valid_m.get(&c.id).cloned().unwrap_or_else(|| zero.clone()),
            pct: pct_m.get(&c.id).cloned().unwrap_or_else(|| zero.clone()),
            degree: degree
                .get(c.id.as_str())
                .cloned()
                .unwrap_or_else(|| zero.clone()),
        })
        .collect();
    lap.done(&mut summary.stage_seconds, "network");
    let focus = crate::focus::focus(engine, &fields, registry, o, places, role)?;
    lap.done(&mut summary.stage_seconds, "focus");
    Ok(Planned {
        metros,
        edges,
        totals,
        focus,
    })
}
