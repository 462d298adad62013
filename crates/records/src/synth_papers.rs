//! A SYNTHETIC paper corpus in the record layouts (`gihi records synth --papers N`):
//! deterministic for a seed, written in chunks, grouped by paper as exports deliver them,
//! with a realistic shape: more papers in recent years, heavy-tailed citations (with ties),
//! one or two Field of Research divisions, 1–12 authorships per paper (about 3.4 on average)
//! from organisations in registry metros (Zipf-like sizes) or outside them, several
//! countries per paper in about a quarter of the papers, researcher ids that recur across
//! papers, some authorships without a researcher id, HK/MO/TW as their own codes.

use crate::layout::{PAPERS, PAPER_AUTHORSHIPS, PAPER_FIELDS};
use crate::sink::{Cell, Sink};
use crate::synth::{layout_schema, Format, MetroPicker, SynthOptions, OUTSIDE};
use crate::RecordsError;
use gihi_registry::Registry;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// Papers generated per flushed chunk.
const CHUNK: usize = 50_000;

/// First and last year of the corpus.
const FIRST_YEAR: i32 = 2000;
const LAST_YEAR: i32 = 2023;

/// Document types as Dimensions exports them.
const TYPES: &[&str] = &[
    "article",
    "article",
    "article",
    "chapter",
    "proceeding",
    "preprint",
];

struct Org {
    id: String,
    city: String,
    country: String,
    /// Researchers affiliated with it.
    staff: u32,
}

/// Writes `papers`, `paper_fields` and `paper_authorships`; returns rows per file.
pub fn write_papers(
    open: &mut dyn FnMut(&str) -> Result<std::fs::File, RecordsError>,
    registry: &Registry,
    o: SynthOptions,
) -> Result<Vec<(String, usize)>, RecordsError> {
    // A stream of its own, so that adding papers leaves a patent corpus unchanged.
    let mut rng = ChaCha8Rng::seed_from_u64(o.seed ^ 0x7061_7065_7273);
    let picker = MetroPicker::new(registry, &mut rng);
    let n_orgs = (o.papers / 20).clamp(60, 100_000);
    let orgs: Vec<Org> = (0..n_orgs)
        .map(|k| {
            let (city, country) = if rng.random_bool(0.6) {
                picker.place(&mut rng, registry)
            } else {
                let (c, k2) = OUTSIDE[rng.random_range(0..OUTSIDE.len())];
                (c.to_string(), k2.to_string())
            };
            Org {
                id: format!("grid.synthetic.{k:05}"),
                city,
                country,
                staff: rng.random_range(5..200),
            }
        })
        .collect();
    let ext = match o.format {
        Format::Parquet => "parquet",
        Format::Csv => "csv",
    };
    let mut sink = |l: &crate::layout::Layout| -> Result<Sink, RecordsError> {
        let file = format!("{}.{ext}", l.name);
        Sink::new(open(&file)?, &file, layout_schema(l), o.format)
    };
    let mut pap = sink(&PAPERS)?;
    let mut fld = sink(&PAPER_FIELDS)?;
    let mut aut = sink(&PAPER_AUTHORSHIPS)?;
    let (mut n_fld, mut n_aut) = (0usize, 0usize);
    let span = (LAST_YEAR - FIRST_YEAR + 1) as f64;
    for p in 0..o.papers {
        let id = format!("pub.synthetic.{:010}", p + 1);
        // More papers in later years.
        let year = (FIRST_YEAR + (span * rng.random::<f64>().powf(0.7)) as i32).min(LAST_YEAR);
        let age = (LAST_YEAR - year + 1) as f64;
        // Heavy-tailed citations growing with age; small integers tie often.
        let u: f64 = rng.random::<f64>().max(1e-12);
        let cited = ((age.sqrt() * 2.0) * (u.powf(-0.9) - 1.0)).floor() as i64;
        let mut small = |p_nonzero: f64| -> i64 {
            if rng.random_bool(p_nonzero) {
                rng.random_range(1..6)
            } else {
                0
            }
        };
        let (by_patents, by_policy, by_trials) = (small(0.03), small(0.02), small(0.01));
        let kind = TYPES[rng.random_range(0..TYPES.len())];
        pap.row(&[
            Cell::Text(&id),
            Cell::Int(i64::from(year)),
            Cell::Text(kind),
            Cell::Int(cited),
            Cell::Int(by_patents),
            Cell::Int(by_policy),
            Cell::Int(by_trials),
        ])?;
        // Divisions skewed towards the large ones (32 biomedical, 40 engineering, 46 IT ...).
        let n_fields = if rng.random_bool(0.3) { 2 } else { 1 };
        for _ in 0..n_fields {
            let d = if rng.random_bool(0.5) {
                [32, 40, 46, 31, 34, 51][rng.random_range(0..6)]
            } else {
                rng.random_range(30..=52)
            };
            let text = if rng.random_bool(0.1) {
                format!("{d} Synthetic Division")
            } else {
                d.to_string()
            };
            fld.row(&[Cell::Text(&id), Cell::Text(&text)])?;
            n_fld += 1;
        }
        // Authorships: a lead organisation, colleagues often from the same one.
        let authors = match rng.random_range(0..100) {
            0..=19 => 1,
            20..=44 => 2,
            45..=64 => 3,
            65..=79 => 4,
            80..=89 => 5,
            90..=95 => 8,
            _ => 12,
        };
        let lead = rng.random_range(0..orgs.len());
        for _ in 0..authors {
            let org = if rng.random_bool(0.88) {
                &orgs[lead]
            } else {
                &orgs[rng.random_range(0..orgs.len())]
            };
            let researcher = if rng.random_bool(0.85) {
                Some(format!(
                    "ur.synthetic.{}.{}",
                    &org.id[15..],
                    rng.random_range(0..org.staff)
                ))
            } else {
                None
            };
            aut.row(&[
                Cell::Text(&id),
                researcher.as_deref().map_or(Cell::Null, Cell::Text),
                Cell::Text(&org.id),
                Cell::Text(&org.city),
                Cell::Text(&org.country),
            ])?;
            n_aut += 1;
        }
        if (p + 1) % CHUNK == 0 {
            pap.flush_if(1)?;
            fld.flush_if(1)?;
            aut.flush_if(1)?;
        }
    }
    pap.finish()?;
    fld.finish()?;
    aut.finish()?;
    Ok(vec![
        (PAPERS.name.to_string(), o.papers),
        (PAPER_FIELDS.name.to_string(), n_fld),
        (PAPER_AUTHORSHIPS.name.to_string(), n_aut),
    ])
}
