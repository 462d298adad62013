//! A SYNTHETIC patent corpus in the record layouts (`gihi records synth`): deterministic for a
//! seed, written in chunks (memory stays bounded for any size), with a realistic shape:
//! families of one to three publications (some the WO publication of a PCT application),
//! heavy-tailed metro sizes and many places outside the registry, several applicants per
//! family with co-applications across metros, all four IPC formats, symbols on every kind of
//! Appendix 7 boundary, and keywords (and near-misses such as "basic") in titles.

use crate::dates::days_from_civil;
use crate::layout::{Kind, Layout, PATENTS, PATENT_IPC, PATENT_PARTIES};
use crate::sink::{Cell, Sink};
use crate::RecordsError;
use datafusion::arrow::datatypes::{DataType, Field, Schema};
use gihi_ipc::{Fields, Pattern};
use gihi_registry::Registry;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::sync::Arc;

/// Publications generated per written chunk.
const CHUNK: usize = 50_000;

/// File format of the written corpus.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Parquet,
    Csv,
}

/// What to generate.
#[derive(Debug, Clone, Copy)]
pub struct SynthOptions {
    /// Patent publications (0: no patent files).
    pub patents: usize,
    /// Papers (0: no paper files).
    pub papers: usize,
    pub seed: u64,
    pub format: Format,
    /// IPC rows made unparseable on purpose (to exercise `--skip-invalid`).
    pub invalid: usize,
}

/// Real places outside every 2024 metro (tested), so that most of the world is outside.
pub(crate) const OUTSIDE: &[(&str, &str)] = &[
    ("Oak Ridge", "US"),
    ("Los Alamos", "US"),
    ("Rochester", "US"),
    ("Tsukuba", "JP"),
    ("Hamamatsu", "JP"),
    ("Leuven", "BE"),
    ("Delft", "NL"),
    ("Aachen", "DE"),
    ("Dresden", "DE"),
    ("Toulouse", "FR"),
    ("Pune", "IN"),
    ("Hyderabad", "IN"),
    ("Ulsan", "KR"),
    ("Wuxi", "CN"),
    ("Ningbo", "CN"),
    ("Trondheim", "NO"),
    ("Tampere", "FI"),
    ("Linz", "AT"),
    ("Brno", "CZ"),
    ("Ottawa", "CA"),
    ("Auckland", "NZ"),
    ("Santiago", "CL"),
    ("Nairobi", "KE"),
    ("Cairo", "EG"),
];

/// Subclasses outside the four fields' main ranges.
const OTHER_SUBCLASSES: &[&str] = &[
    "A47J", "B60L", "B65D", "G01N", "H04L", "H04W", "B01D", "C08L", "F16H", "B29C", "A23L", "E21B",
];

/// Title fragments: field keywords, near-misses and neutral words.
const TITLE_WORDS: &[&str] = &[
    "An ASIC for signal processing",
    "a basic memory arrangement",
    "associated social data handling",
    "GPU accelerated rendering",
    "multiple graphics processors",
    "FPGA configuration method",
    "专用集成电路及其制造方法",
    "一种类脑芯片",
    "detecting epileptic seizures",
    "一种癫痫发作检测装置",
    "brain activity imaging",
    "heart rate monitoring",
    "wind turbine blade",
    "pharmaceutical composition",
    "vehicle seat assembly",
    "neural network training",
];

struct Org {
    name: String,
    kind: &'static str,
    city: String,
    country: String,
}

/// Registry metros in a seeded order with Zipf-like weights: a few large, many small.
pub(crate) struct MetroPicker<'r> {
    metros: Vec<&'r gihi_registry::City>,
    weights: Vec<f64>,
    total: f64,
}

impl<'r> MetroPicker<'r> {
    pub(crate) fn new(registry: &'r Registry, rng: &mut ChaCha8Rng) -> MetroPicker<'r> {
        let mut metros: Vec<&gihi_registry::City> = registry.cities.iter().collect();
        for i in (1..metros.len()).rev() {
            metros.swap(i, rng.random_range(0..=i));
        }
        let weights: Vec<f64> = (0..metros.len()).map(|k| 1.0 / (k as f64 + 1.0)).collect();
        let total = weights.iter().sum();
        MetroPicker {
            metros,
            weights,
            total,
        }
    }

    /// A metro, drawn by weight.
    pub(crate) fn pick(&self, rng: &mut ChaCha8Rng) -> &'r gihi_registry::City {
        let mut x = rng.random::<f64>() * self.total;
        for (k, w) in self.weights.iter().enumerate() {
            x -= w;
            if x <= 0.0 {
                return self.metros[k];
            }
        }
        self.metros[self.metros.len() - 1]
    }

    /// A member city of a metro drawn by weight, with its country as exports write it.
    pub(crate) fn place(&self, rng: &mut ChaCha8Rng, registry: &Registry) -> (String, String) {
        let m = self.pick(rng);
        let member = &m.members[rng.random_range(0..m.members.len())];
        (
            member.name_en.clone(),
            country_form(rng, registry, &member.country),
        )
    }
}

/// Writes the corpus into the files `open` creates (by file name: the caller stages the
/// output directory): the patent files when `o.patents > 0`, the paper files when
/// `o.papers > 0`. Returns the rows written per file.
pub fn write_corpus(
    open: &mut dyn FnMut(&str) -> Result<std::fs::File, RecordsError>,
    registry: &Registry,
    fields: &Fields,
    o: SynthOptions,
) -> Result<Vec<(String, usize)>, RecordsError> {
    let mut rows = Vec::new();
    if o.patents > 0 {
        let (p, i, q) = write_patents(open, registry, fields, o)?;
        rows.extend([
            (PATENTS.name.to_string(), p),
            (PATENT_IPC.name.to_string(), i),
            (PATENT_PARTIES.name.to_string(), q),
        ]);
    }
    if o.papers > 0 {
        rows.extend(crate::synth_papers::write_papers(open, registry, o)?);
    }
    Ok(rows)
}

/// The patent files.
fn write_patents(
    open: &mut dyn FnMut(&str) -> Result<std::fs::File, RecordsError>,
    registry: &Registry,
    fields: &Fields,
    o: SynthOptions,
) -> Result<(usize, usize, usize), RecordsError> {
    let mut rng = ChaCha8Rng::seed_from_u64(o.seed);
    let picker = MetroPicker::new(registry, &mut rng);
    let n_orgs = (o.patents / 40).clamp(50, 200_000);
    let orgs: Vec<Org> = (0..n_orgs)
        .map(|k| {
            let kind = match rng.random_range(0..100) {
                0..=59 => "company",
                60..=79 => "university",
                80..=89 => "institute",
                90..=94 => "hospital",
                95..=97 => "government",
                _ => "other",
            };
            let (city, country) = if rng.random_bool(0.65) {
                picker.place(&mut rng, registry)
            } else {
                let (c, k2) = OUTSIDE[rng.random_range(0..OUTSIDE.len())];
                (c.to_string(), k2.to_string())
            };
            Org {
                name: format!("Synthetic {kind} {k:05}"),
                kind,
                city,
                country,
            }
        })
        .collect();
    let interesting: Vec<Pattern> = fields
        .rows
        .iter()
        .flat_map(|r| &r.includes)
        .flat_map(|i| std::iter::once(i.pattern).chain(i.except.iter().copied()))
        .collect();

    let ext = match o.format {
        Format::Parquet => "parquet",
        Format::Csv => "csv",
    };
    let mut sink = |name: &str, schema| -> Result<Sink, RecordsError> {
        let file = format!("{name}.{ext}");
        Sink::new(open(&file)?, &file, schema, o.format)
    };
    let mut pat = sink(PATENTS.name, layout_schema(&PATENTS))?;
    let mut ipc = sink(PATENT_IPC.name, layout_schema(&PATENT_IPC))?;
    let mut par = sink(PATENT_PARTIES.name, layout_schema(&PATENT_PARTIES))?;
    let (mut n_pub, mut n_ipc, mut n_par) = (0usize, 0usize, 0usize);
    let mut invalid_left = o.invalid;
    let mut family = 0usize;
    while n_pub < o.patents {
        family += 1;
        let size = match rng.random_range(0..10) {
            0..=5 => 1,
            6..=8 => 2,
            _ => 3,
        }
        .min(o.patents - n_pub);
        let y0 = 2000 + (24.0 * rng.random::<f64>().powf(0.6)) as i32;
        let y0 = y0.min(2023);
        let kind = match rng.random_range(0..100) {
            0..=74 => "invention",
            75..=89 => "utility",
            _ => "design",
        };
        let n_sym = rng.random_range(1..=3);
        let symbols: Vec<(String, u16, String)> =
            (0..n_sym).map(|_| symbol(&mut rng, &interesting)).collect();
        let n_app = match rng.random_range(0..10) {
            0..=5 => 1,
            6..=8 => 2,
            _ => 3,
        };
        let applicants: Vec<usize> = (0..n_app)
            .map(|_| rng.random_range(0..orgs.len()))
            .collect();
        let title = format!(
            "{} {}",
            TITLE_WORDS[rng.random_range(0..TITLE_WORDS.len())],
            if rng.random_bool(0.3) {
                TITLE_WORDS[rng.random_range(0..TITLE_WORDS.len())]
            } else {
                ""
            }
        );
        let pct_index =
            (kind == "invention" && size >= 2 && rng.random_bool(0.5)).then(|| size - 1);
        for p in 0..size {
            n_pub += 1;
            let pub_id = format!("SYN{n_pub:09}");
            let is_pct = pct_index == Some(p);
            let year = (y0 + p as i32 * rng.random_range(0..=1)).min(2023);
            let publication =
                days_from_civil(year, rng.random_range(1..=12), rng.random_range(1..=28));
            let filing = publication - 365;
            let (grant, expiry, lapse) = if kind == "invention" && !is_pct && rng.random_bool(0.6) {
                let g = publication + rng.random_range(200..1500);
                if g > days_from_civil(2024, 6, 30) {
                    (None, None, None)
                } else {
                    let expiry = rng.random_bool(0.7).then(|| filing + 20 * 365 + 5);
                    let lapse = rng
                        .random_bool(0.12)
                        .then(|| g + rng.random_range(700..4000))
                        .filter(|&l| l <= days_from_civil(2024, 6, 30));
                    (Some(g), expiry, lapse)
                }
            } else {
                (None, None, None)
            };
            let family_id = format!("FAM{family:09}");
            pat.row(&[
                Cell::Text(&pub_id),
                Cell::Text(&family_id),
                Cell::Text(kind),
                Cell::Bool(is_pct),
                Cell::Date(Some(publication)),
                Cell::Date(grant),
                Cell::Date(expiry),
                Cell::Date(lapse),
                Cell::Text(&title),
                Cell::Text("SYNTHETIC record for tests and benchmarks."),
            ])?;
            for (sc, g, sub) in &symbols {
                let text = if invalid_left > 0 && rng.random_bool(0.01) {
                    invalid_left -= 1;
                    format!("{sc} {g}-{sub}")
                } else {
                    format_symbol(&mut rng, sc, *g, sub)
                };
                ipc.row(&[Cell::Text(&pub_id), Cell::Text(&text)])?;
                n_ipc += 1;
            }
            for &a in &applicants {
                let org = &orgs[a];
                par.row(&[
                    Cell::Text(&pub_id),
                    Cell::Text("applicant"),
                    Cell::Text(&org.name),
                    Cell::Text(org.kind),
                    Cell::Text(&org.city),
                    Cell::Text(&org.country),
                ])?;
                n_par += 1;
            }
            let inventors = rng.random_range(1..=3);
            for i in 0..inventors {
                let org = &orgs[applicants[i % applicants.len()]];
                let name = format!("Synthetic Inventor {}", rng.random_range(0..1_000_000));
                par.row(&[
                    Cell::Text(&pub_id),
                    Cell::Text("inventor"),
                    Cell::Text(&name),
                    Cell::Text("individual"),
                    Cell::Text(&org.city),
                    Cell::Text(&org.country),
                ])?;
                n_par += 1;
            }
        }
        pat.flush_if(CHUNK)?;
        ipc.flush_if(CHUNK * 2)?;
        par.flush_if(CHUNK * 4)?;
    }
    // Unparseable rows asked for but not yet placed go at the end.
    while invalid_left > 0 {
        ipc.row(&[Cell::Text("SYN000000001"), Cell::Text("not an IPC symbol")])?;
        n_ipc += 1;
        invalid_left -= 1;
    }
    pat.finish()?;
    ipc.finish()?;
    par.finish()?;
    Ok((n_pub, n_ipc, n_par))
}

/// A country as exports write it: alpha-2, alpha-3 or English name.
pub(crate) fn country_form(rng: &mut ChaCha8Rng, registry: &Registry, iso: &str) -> String {
    let c = registry
        .country(iso)
        .expect("member countries are registry countries");
    match rng.random_range(0..10) {
        0..=5 => c.code.clone(),
        6..=7 => c.code3.clone(),
        _ => c.name_en.clone(),
    }
}

/// A symbol: near an Appendix 7 pattern (inside, on an exclusion, or a group that differs
/// by a digit) or in another subclass.
fn symbol(rng: &mut ChaCha8Rng, interesting: &[Pattern]) -> (String, u16, String) {
    let subgroups = [
        "00", "02", "04", "08", "10", "12", "063", "0476", "20", "42",
    ];
    let sub = |rng: &mut ChaCha8Rng| subgroups[rng.random_range(0..subgroups.len())].to_string();
    if rng.random_bool(0.55) {
        let p = interesting[rng.random_range(0..interesting.len())];
        let sc = std::str::from_utf8(&p.subclass())
            .expect("ASCII")
            .to_string();
        match p {
            Pattern::Subclass(_) => (sc, rng.random_range(1..60), sub(rng)),
            Pattern::MainGroup(_, g) => {
                let g = match rng.random_range(0..10) {
                    0 => (g * 10).min(9999),
                    1 => (g / 10).max(1),
                    _ => g,
                };
                (sc, g, sub(rng))
            }
            Pattern::Subgroup(s) => {
                if rng.random_bool(0.8) {
                    (sc, s.group, s.subgroup().to_string())
                } else {
                    (sc, s.group, sub(rng))
                }
            }
        }
    } else {
        let sc = OTHER_SUBCLASSES[rng.random_range(0..OTHER_SUBCLASSES.len())].to_string();
        (sc, rng.random_range(1..40), sub(rng))
    }
}

/// One of the four formats, sometimes with a version.
fn format_symbol(rng: &mut ChaCha8Rng, sc: &str, g: u16, sub: &str) -> String {
    let s = match rng.random_range(0..4) {
        0 => format!("{sc} {g}/{sub}"),
        1 => format!("{sc}{g}/{sub}"),
        2 => format!("{sc}{:>4}/{sub}", g),
        _ => format!("{sc}{g:04}{sub:0<6}"),
    };
    if rng.random_bool(0.2) {
        format!("{s} (2006.01)")
    } else {
        s
    }
}

/// The Arrow schema a synthetic file of `l` is written with.
pub(crate) fn layout_schema(l: &Layout) -> Arc<Schema> {
    Arc::new(Schema::new(
        l.columns
            .iter()
            .map(|c| {
                let t = match c.kind {
                    Kind::Bool => DataType::Boolean,
                    Kind::Date => DataType::Date32,
                    Kind::Int => DataType::Int64,
                    Kind::Text | Kind::Choice(_) => DataType::Utf8,
                };
                Field::new(c.name, t, c.nullable)
            })
            .collect::<Vec<_>>(),
    ))
}
