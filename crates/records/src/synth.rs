//! A SYNTHETIC patent corpus in the record layouts (`gihi records synth`): deterministic for a
//! seed, written in chunks (memory stays bounded for any size), with a realistic shape:
//! families of one to three publications (some the WO publication of a PCT application),
//! heavy-tailed metro sizes and many places outside the registry, several applicants per
//! family with co-applications across metros, all four IPC formats, symbols on every kind of
//! Appendix 7 boundary, and keywords (and near-misses such as "basic") in titles.

use crate::dates::{days_from_civil, iso};
use crate::layout::{PARTY_TYPES, PATENTS, PATENT_IPC, PATENT_PARTIES};
use crate::RecordsError;
use datafusion::arrow::array::{ArrayRef, BooleanBuilder, Date32Builder, StringBuilder};
use datafusion::arrow::datatypes::{DataType, Field, Schema};
use datafusion::arrow::record_batch::RecordBatch;
use datafusion::parquet::arrow::ArrowWriter;
use datafusion::parquet::file::properties::WriterProperties;
use gihi_ipc::{Fields, Pattern};
use gihi_registry::Registry;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::io::Write;
use std::path::Path;
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
    pub patents: usize,
    pub seed: u64,
    pub format: Format,
    /// IPC rows made unparseable on purpose (to exercise `--skip-invalid`).
    pub invalid: usize,
}

/// Real places outside every 2024 metro (tested), so that most of the world is outside.
const OUTSIDE: &[(&str, &str)] = &[
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

/// Writes the corpus into the files `open` creates (by file name: the caller stages the
/// output directory). Returns the number of (publications, IPC rows, party rows) written.
pub fn write_corpus(
    open: &mut dyn FnMut(&str) -> Result<std::fs::File, RecordsError>,
    registry: &Registry,
    fields: &Fields,
    o: SynthOptions,
) -> Result<(usize, usize, usize), RecordsError> {
    let mut rng = ChaCha8Rng::seed_from_u64(o.seed);
    // Metros by a Zipf-like weight over a seeded order: a few large, many small.
    let mut metros: Vec<&gihi_registry::City> = registry.cities.iter().collect();
    for i in (1..metros.len()).rev() {
        metros.swap(i, rng.random_range(0..=i));
    }
    let weights: Vec<f64> = (0..metros.len()).map(|k| 1.0 / (k as f64 + 1.0)).collect();
    let total: f64 = weights.iter().sum();
    let pick_metro = |rng: &mut ChaCha8Rng| {
        let mut x = rng.random::<f64>() * total;
        for (k, w) in weights.iter().enumerate() {
            x -= w;
            if x <= 0.0 {
                return metros[k];
            }
        }
        metros[metros.len() - 1]
    };
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
                let m = pick_metro(&mut rng);
                let member = &m.members[rng.random_range(0..m.members.len())];
                (
                    member.name_en.clone(),
                    country_form(&mut rng, registry, &member.country),
                )
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
    let mut pat = sink(PATENTS.name, patents_schema())?;
    let mut ipc = sink(PATENT_IPC.name, ipc_schema())?;
    let mut par = sink(PATENT_PARTIES.name, parties_schema())?;
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
            pat.patent(&PatentRow {
                pub_id: &pub_id,
                family_id: &format!("FAM{family:09}"),
                kind,
                pct: is_pct,
                publication,
                grant,
                expiry,
                lapse,
                title: &title,
                abstract_: "SYNTHETIC record for tests and benchmarks.",
            })?;
            for (sc, g, sub) in &symbols {
                let text = if invalid_left > 0 && rng.random_bool(0.01) {
                    invalid_left -= 1;
                    format!("{sc} {g}-{sub}")
                } else {
                    format_symbol(&mut rng, sc, *g, sub)
                };
                ipc.ipc(&pub_id, &text)?;
                n_ipc += 1;
            }
            for &a in &applicants {
                let org = &orgs[a];
                par.party(
                    &pub_id,
                    "applicant",
                    &org.name,
                    org.kind,
                    &org.city,
                    &org.country,
                )?;
                n_par += 1;
            }
            let inventors = rng.random_range(1..=3);
            for i in 0..inventors {
                let org = &orgs[applicants[i % applicants.len()]];
                par.party(
                    &pub_id,
                    "inventor",
                    &format!("Synthetic Inventor {}", rng.random_range(0..1_000_000)),
                    "individual",
                    &org.city,
                    &org.country,
                )?;
                n_par += 1;
            }
        }
        pat.flush_if(CHUNK)?;
        ipc.flush_if(CHUNK * 2)?;
        par.flush_if(CHUNK * 4)?;
    }
    // Unparseable rows asked for but not yet placed go at the end.
    while invalid_left > 0 {
        ipc.ipc("SYN000000001", "not an IPC symbol")?;
        n_ipc += 1;
        invalid_left -= 1;
    }
    pat.finish()?;
    ipc.finish()?;
    par.finish()?;
    Ok((n_pub, n_ipc, n_par))
}

/// A country as exports write it: alpha-2, alpha-3 or English name.
fn country_form(rng: &mut ChaCha8Rng, registry: &Registry, iso: &str) -> String {
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

fn patents_schema() -> Arc<Schema> {
    let mut f = Vec::new();
    for c in PATENTS.columns {
        let t = match c.kind {
            crate::layout::Kind::Bool => DataType::Boolean,
            crate::layout::Kind::Date => DataType::Date32,
            _ => DataType::Utf8,
        };
        f.push(Field::new(c.name, t, c.nullable));
    }
    Arc::new(Schema::new(f))
}

fn text_schema(l: &crate::layout::Layout) -> Arc<Schema> {
    Arc::new(Schema::new(
        l.columns
            .iter()
            .map(|c| Field::new(c.name, DataType::Utf8, c.nullable))
            .collect::<Vec<_>>(),
    ))
}

fn ipc_schema() -> Arc<Schema> {
    text_schema(&PATENT_IPC)
}

fn parties_schema() -> Arc<Schema> {
    text_schema(&PATENT_PARTIES)
}

struct PatentRow<'a> {
    pub_id: &'a str,
    family_id: &'a str,
    kind: &'a str,
    pct: bool,
    publication: i32,
    grant: Option<i32>,
    expiry: Option<i32>,
    lapse: Option<i32>,
    title: &'a str,
    abstract_: &'a str,
}

/// A file being written: buffered columns flushed as a record batch (Parquet) or rows (CSV).
struct Sink {
    schema: Arc<Schema>,
    text: Vec<StringBuilder>,
    bools: BooleanBuilder,
    dates: Vec<Date32Builder>,
    rows: usize,
    out: SinkOut,
    path: String,
}

enum SinkOut {
    Parquet(Box<ArrowWriter<std::fs::File>>),
    Csv(Box<csv::Writer<std::io::BufWriter<std::fs::File>>>),
}

impl Sink {
    fn new(
        file: std::fs::File,
        name: &str,
        schema: Arc<Schema>,
        format: Format,
    ) -> Result<Sink, RecordsError> {
        let path = Path::new(name);
        let io = |e: std::io::Error| RecordsError::io(path, e);
        let out = match format {
            Format::Parquet => {
                let props = WriterProperties::builder()
                    .set_key_value_metadata(Some(vec![
                        datafusion::parquet::file::metadata::KeyValue::new(
                            "gihi.synthetic".to_string(),
                            "SYNTHETIC patent records made by gihi records synth; not real data"
                                .to_string(),
                        ),
                    ]))
                    .build();
                SinkOut::Parquet(Box::new(
                    ArrowWriter::try_new(file, schema.clone(), Some(props))
                        .map_err(|e| RecordsError::io(path, std::io::Error::other(e)))?,
                ))
            }
            Format::Csv => {
                let mut w = std::io::BufWriter::new(file);
                writeln!(w, "# SYNTHETIC patent records made by gihi records synth: invented, not real data").map_err(io)?;
                let mut c = csv::Writer::from_writer(w);
                c.write_record(schema.fields().iter().map(|f| f.name().as_str()))
                    .map_err(|e| RecordsError::io(path, std::io::Error::other(e)))?;
                SinkOut::Csv(Box::new(c))
            }
        };
        let n_text = schema
            .fields()
            .iter()
            .filter(|f| f.data_type() == &DataType::Utf8)
            .count();
        let n_dates = schema
            .fields()
            .iter()
            .filter(|f| f.data_type() == &DataType::Date32)
            .count();
        Ok(Sink {
            schema,
            text: (0..n_text).map(|_| StringBuilder::new()).collect(),
            bools: BooleanBuilder::new(),
            dates: (0..n_dates).map(|_| Date32Builder::new()).collect(),
            rows: 0,
            out,
            path: name.to_string(),
        })
    }

    fn csv_row(&mut self, cells: &[&str]) -> Result<(), RecordsError> {
        if let SinkOut::Csv(c) = &mut self.out {
            let r = c.write_record(cells);
            r.map_err(|e| RecordsError::io(Path::new(&self.path), std::io::Error::other(e)))?;
        }
        Ok(())
    }

    fn patent(&mut self, r: &PatentRow) -> Result<(), RecordsError> {
        self.rows += 1;
        if matches!(self.out, SinkOut::Csv(_)) {
            let d = |x: Option<i32>| x.map(iso).unwrap_or_default();
            let cells = [
                r.pub_id.to_string(),
                r.family_id.to_string(),
                r.kind.to_string(),
                r.pct.to_string(),
                iso(r.publication),
                d(r.grant),
                d(r.expiry),
                d(r.lapse),
                r.title.to_string(),
                r.abstract_.to_string(),
            ];
            let refs: Vec<&str> = cells.iter().map(String::as_str).collect();
            return self.csv_row(&refs);
        }
        for (k, v) in [r.pub_id, r.family_id, r.kind].into_iter().enumerate() {
            self.text[k].append_value(v);
        }
        self.bools.append_value(r.pct);
        self.dates[0].append_value(r.publication);
        self.dates[1].append_option(r.grant);
        self.dates[2].append_option(r.expiry);
        self.dates[3].append_option(r.lapse);
        self.text[3].append_value(r.title);
        self.text[4].append_value(r.abstract_);
        Ok(())
    }

    fn ipc(&mut self, pub_id: &str, ipc: &str) -> Result<(), RecordsError> {
        self.rows += 1;
        if matches!(self.out, SinkOut::Csv(_)) {
            return self.csv_row(&[pub_id, ipc]);
        }
        self.text[0].append_value(pub_id);
        self.text[1].append_value(ipc);
        Ok(())
    }

    fn party(
        &mut self,
        pub_id: &str,
        role: &str,
        name: &str,
        kind: &str,
        city: &str,
        country: &str,
    ) -> Result<(), RecordsError> {
        debug_assert!(PARTY_TYPES.contains(&kind) || kind == "individual");
        self.rows += 1;
        if matches!(self.out, SinkOut::Csv(_)) {
            return self.csv_row(&[pub_id, role, name, kind, city, country]);
        }
        for (k, v) in [pub_id, role, name, kind, city, country]
            .into_iter()
            .enumerate()
        {
            self.text[k].append_value(v);
        }
        Ok(())
    }

    fn flush_if(&mut self, at: usize) -> Result<(), RecordsError> {
        if self.rows >= at {
            self.flush()?;
        }
        Ok(())
    }

    fn flush(&mut self) -> Result<(), RecordsError> {
        if self.rows == 0 {
            return Ok(());
        }
        self.rows = 0;
        if let SinkOut::Parquet(w) = &mut self.out {
            let mut text = self.text.iter_mut();
            let mut dates = self.dates.iter_mut();
            let mut columns: Vec<ArrayRef> = Vec::new();
            for f in self.schema.fields() {
                columns.push(match f.data_type() {
                    DataType::Boolean => Arc::new(self.bools.finish()),
                    DataType::Date32 => Arc::new(dates.next().expect("date column").finish()),
                    _ => Arc::new(text.next().expect("text column").finish()),
                });
            }
            let batch = RecordBatch::try_new(self.schema.clone(), columns)
                .expect("columns match the schema");
            w.write(&batch)
                .map_err(|e| RecordsError::io(Path::new(&self.path), std::io::Error::other(e)))?;
        }
        Ok(())
    }

    fn finish(mut self) -> Result<(), RecordsError> {
        self.flush()?;
        match self.out {
            SinkOut::Parquet(w) => {
                w.close().map_err(|e| {
                    RecordsError::io(Path::new(&self.path), std::io::Error::other(e))
                })?;
            }
            SinkOut::Csv(mut c) => {
                c.flush()
                    .map_err(|e| RecordsError::io(Path::new(&self.path), e))?;
            }
        }
        Ok(())
    }
}
