//! Every publication's fields and metros, gathered by family, in one ordered walk of
//! `patent_ipc` and `patent_parties` beside `patents`, when all three arrive sorted by
//! publication number (as exports are delivered: a publication's symbols and parties
//! together, publications in number order). It replaces the generic plan's GROUP BY of 4 M
//! symbols on the string `pub_id`, its joins of the classified symbols, the 7 M party rows
//! and the place table with the publications, and the later joins and GROUP BYs on the
//! string `family_id` (BENCHMARKS.md):
//!
//! - a publication's symbols are the run of `patent_ipc` rows with its number; they are
//!   classified by `gihi_ipc_rows` where they are decoded (each distinct text parsed once
//!   per thread), and only the rows in a field or unparseable reach the walk; the keyword
//!   rows are matched in the title and abstract only when a symbol needs them, and the
//!   publication's fields are [`Fields::fields_of`] those, as `gihi_fields` computes them;
//! - its parties are the run of the attributed role's `patent_parties` rows with its
//!   number (the other role's rows are filtered out where they are decoded), read on
//!   the calling thread while the symbols are read on a second one
//!   ([`crate::patent_party_walk`]); their places are resolved on first
//!   sight ([`PartyPlaces`]: metro bit, country code), and their union is the
//!   publication's metro set;
//! - each family gets a dense number on first sight, and its figures are the OR over its
//!   publications ([`Family`]); the publications that count in a metro's I09 or I10 are kept
//!   with their fields and metros ([`Placed`]), since a family counts in a metro only through
//!   a publication located there; the applicants located in a metro and every applicant's
//!   country are kept for the biomedical focus ([`Applicant`]), which needs them by family.
//!
//! The two halves meet by publication position: the symbol half keeps each publication's
//! family number, fields, conditions and date (12 bytes), the party half its metro set, and the two are
//! combined into the families' figures when both are done. The figures are then counted
//! from these integers ([`crate::patent_tally`]). Memory grows
//! with the publications and parties (about 200 bytes per publication, of which the family
//! table takes 64 to 128, and 12 per party), so
//! the caller walks only when that estimate fits the engine's memory limit; above it, and on
//! a cluster, the generic plan runs, which spills.
//!
//! The walk proves its precondition as it goes ([`RunCursor`]): a publication number not
//! above the previous one, or a symbol or party row whose number is smaller than the
//! previous publication's, means a file is not sorted, and the walk gives up (returns
//! `None`); so does a null number or party name, which the plan treats as its own value,
//! and any row the validation would refuse ([`RowChecks`]): the caller then runs the
//! validation's queries, which name the row, and the generic plan. A walk that succeeds has
//! thus validated the patents file (strictly increasing numbers: no duplicates) in the same
//! pass. Rows of publications absent from `patents` are
//! skipped (their unparseable symbols still count), as the plan's joins drop them.

use crate::layout::PATENT_TYPES;
use crate::paper_walk::{decode_ahead, text};
use crate::patent_party_walk::PartyRuns;
use crate::patent_places::PartyPlaces;
use crate::runs::{Columns, RunCursor};
use crate::texts::{inline_key, inline_view, Numbers};
use crate::udf::NOT_A_DATE;
use crate::{Engine, RecordsError};
use datafusion::arrow::array::{
    Array, AsArray, BooleanArray, Int32Array, Int64Array, RecordBatch, StringViewArray,
};
use datafusion::arrow::compute::cast;
use datafusion::arrow::datatypes::{DataType, Int32Type, Int64Type};
use futures::channel::mpsc;
use futures::{SinkExt, StreamExt};
use gihi_ipc::{FieldSet, Fields, RowSet};

/// Estimated bytes the walk holds per publication and per party row (see the module docs).
pub(crate) const BYTES_PER_PUBLICATION: usize = 200;
/// Estimated bytes per party row.
pub(crate) const BYTES_PER_PARTY: usize = 12;

/// The dates and role a walk gathers figures for.
pub(crate) struct WalkRules<'a> {
    pub fields: &'a Fields,
    /// I09's validity date (days since 1970-01-01).
    pub valid_on: i32,
    /// First and last day of the I10 and I18 year.
    pub year: (i32, i32),
    /// The attributed role (`applicant` or `inventor`).
    pub role: &'static str,
    /// Rows of `patents`: the family table starts with room for as many families, so that
    /// it never grows.
    pub publications: usize,
}

/// One family's figures: each field set is the OR of its publications' fields that meet
/// the condition named.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Family {
    /// Every publication's.
    pub fields: FieldSet,
    /// Inventions granted and valid on the validity date (I09).
    pub valid: FieldSet,
    /// PCT publications of the year (I10).
    pub pct_year: FieldSet,
    /// PCT publications of any year (the focus's `pct` flag).
    pub pct_any: FieldSet,
    /// Publications of the year's network (I18): inventions granted in the year and valid
    /// at its end, or PCT publications of the year.
    pub network: FieldSet,
    /// The earliest publication date (days).
    pub first_days: i32,
    /// The union of its publications' metros (registry indices as bits).
    pub metros: u128,
}

/// A publication in a field, valid (I09) or PCT of the year (I10), with attributed parties
/// in metros.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Placed {
    pub family: u32,
    pub fields: FieldSet,
    pub valid: bool,
    pub pct_year: bool,
    pub metros: u128,
}

/// An attributed party located in a metro (registry index), with its name's number in
/// [`Walked::names`] and its type's index in [`PARTY_TYPES`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Applicant {
    pub family: u32,
    pub metro: u8,
    pub name: u32,
    pub kind: u8,
}

/// What the walk gathered.
pub(crate) struct Walked {
    /// By family number (first sight in publication order).
    pub families: Vec<Family>,
    pub placed: Vec<Placed>,
    /// Publications per field, then publications in any field.
    pub in_fields: Vec<u64>,
    /// Unparseable (or null) symbols, in every row of `patent_ipc`.
    pub invalid_ipc: u64,
    pub applicants: Vec<Applicant>,
    /// Applicant names by number.
    pub names: Vec<String>,
    /// (family, country code of [`PartyPlaces::codes`]) of every attributed party with a
    /// country, repeated at most once per publication.
    pub countries: Vec<(u32, u32)>,
}

/// The classified symbols of `patent_ipc`: each row's Appendix 7 rows (null: unparseable).
struct SymbolRows(Int64Array);

impl Columns for SymbolRows {
    fn read(b: &RecordBatch) -> Result<Self, RecordsError> {
        Ok(SymbolRows(
            cast(b.column(1), &DataType::Int64)?
                .as_primitive::<Int64Type>()
                .clone(),
        ))
    }

    fn empty() -> Self {
        SymbolRows(Int64Array::from(Vec::<i64>::new()))
    }
}

/// Walks the symbols (on a second thread) and the parties (on this one) beside the
/// publications (see the module documentation); `None` if a file is not sorted by
/// publication number.
pub(crate) fn walk(
    engine: &Engine,
    places: &mut PartyPlaces,
    rules: &WalkRules,
) -> Result<Option<Walked>, RecordsError> {
    // The party half stays on this thread: the place resolver's caches are not shared. It
    // reads the publication numbers the publication half decodes (one decode of the column,
    // not two), at most `IDS_AHEAD` batches behind.
    let (ids_in, ids_out) = mpsc::channel(IDS_AHEAD);
    let (publications, parties) = std::thread::scope(|s| {
        let publications = s.spawn(|| engine.run(walk_publications(engine, rules, ids_in)));
        let parties = engine.run(crate::patent_party_walk::walk_parties(
            engine, places, rules.role, ids_out,
        ));
        let publications = publications.join().unwrap_or_else(|_| {
            Err(RecordsError::Engine(
                "the publication walk stopped".to_string(),
            ))
        });
        (publications, parties)
    });
    match (publications?, parties?) {
        (Some(p), Some(q)) => Ok(Some(combine(p, q))),
        _ => Ok(None),
    }
}

/// Batches of publication numbers the publication half may be ahead of the party half.
const IDS_AHEAD: usize = 16;

/// Publication numbers handed from the publication half to the party half, batch by batch;
/// `None` last if the publication half gave up (or failed), so the party half stops too.
pub(crate) type Ids = mpsc::Receiver<Option<StringViewArray>>;

/// A publication as the publication half leaves it.
struct Pub {
    family: u32,
    fields: FieldSet,
    /// Which of [`VALID`], [`PCT_YEAR`], [`PCT`], [`NETWORK`] it meets.
    conditions: u8,
    /// Publication date (days); `i32::MAX` if unknown.
    published: i32,
}

/// Granted and valid on the validity date, an invention (I09).
const VALID: u8 = 1;
/// A PCT publication of the year (I10).
const PCT_YEAR: u8 = 2;
/// A PCT publication of any year.
const PCT: u8 = 4;
/// In the year's network (I18).
const NETWORK: u8 = 8;

/// What the publication half gathered.
struct Publications {
    pubs: Vec<Pub>,
    families: usize,
    in_fields: Vec<u64>,
    invalid_ipc: u64,
}

/// The publication half: `patents` with its symbols.
async fn walk_publications(
    engine: &Engine,
    rules: &WalkRules<'_>,
    mut ids_out: mpsc::Sender<Option<StringViewArray>>,
) -> Result<Option<Publications>, RecordsError> {
    let walked = walk_publications_into(engine, rules, &mut ids_out).await;
    if !matches!(walked, Ok(Some(_))) {
        // The party half stops at this mark (it may have gone already).
        let _ = ids_out.send(None).await;
    }
    walked
}

/// [`walk_publications`], each batch's numbers sent to the party half before it is walked.
async fn walk_publications_into(
    engine: &Engine,
    rules: &WalkRules<'_>,
    ids_out: &mut mpsc::Sender<Option<StringViewArray>>,
) -> Result<Option<Publications>, RecordsError> {
    let mut patents = decode_ahead(
        engine,
        "SELECT pub_id, family_id, type, pct, pub_days, grant_days, expiry_days, lapse_days, title, abstract FROM patents_n",
    )
    .await?;
    // The symbols are classified where they are decoded (`gihi_ipc_rows`, memoised per
    // thread), and only those in a field or unparseable (null) reach the walk.
    let mut ipc: RunCursor<SymbolRows> = RunCursor::open(
        engine,
        "SELECT pub_id, r FROM (SELECT pub_id, gihi_ipc_rows(ipc) AS r FROM patent_ipc) WHERE r IS NULL OR r <> 0",
    )
    .await?;
    let f = rules.fields;
    let keyword_rows = f.keyword_rows();
    let invention = inline_view(b"invention");
    let checks = RowChecks {
        types: PATENT_TYPES
            .iter()
            .map(|t| inline_view(t.as_bytes()).expect("short words"))
            .collect(),
    };
    let mut previous: Vec<u8> = Vec::new();
    let mut families = Numbers::with_capacity(rules.publications);
    let mut out = Publications {
        pubs: Vec::new(),
        families: 0,
        in_fields: vec![0; f.fields.len() + 1],
        invalid_ipc: 0,
    };
    while let Some(b) = patents.next().await {
        let b = b?;
        let (ids, family_ids, types) = (text(b.column(0))?, text(b.column(1))?, text(b.column(2))?);
        if ids_out.send(Some(ids.clone())).await.is_err() {
            // The party half gave up.
            return Ok(None);
        }
        let pct = cast(b.column(3), &DataType::Boolean)?;
        let pct: &BooleanArray = pct.as_boolean();
        let day_columns = (4..8)
            .map(|k| Ok(cast(b.column(k), &DataType::Int32)?))
            .collect::<Result<Vec<_>, RecordsError>>()?;
        let days: Vec<&Int32Array> = day_columns
            .iter()
            .map(|a| a.as_primitive::<Int32Type>())
            .collect();
        let (titles, abstracts) = (text(b.column(8))?, text(b.column(9))?);
        let family_numbers = families.of_all(&family_ids);
        for (r, family) in family_numbers.into_iter().enumerate() {
            let day = |k: usize| (!days[k].is_null(r)).then(|| days[k].value(r));
            let id = ids.value(r).as_bytes();
            if !checks.pass(&ids, &family_ids, &types, pct, &days, r) || id <= previous.as_slice() {
                return Ok(None);
            }
            previous.clear();
            previous.extend_from_slice(id);
            let mut rows: RowSet = 0;
            let mut invalid = 0u64;
            ipc.run(id, |c, k, own| {
                if c.0.is_null(k) {
                    invalid += 1;
                } else if own {
                    rows |= c.0.value(k) as RowSet;
                }
            })
            .await?;
            if ipc.give_up {
                return Ok(None);
            }
            out.invalid_ipc += invalid;
            let fields = if rows == 0 {
                0
            } else {
                let hits = if rows & keyword_rows != 0 {
                    let hit = |a: &StringViewArray| {
                        if a.is_null(r) {
                            0
                        } else {
                            f.keyword_hits(a.value(r))
                        }
                    };
                    hit(&titles) | hit(&abstracts)
                } else {
                    0
                };
                f.fields_of(rows, hits)
            };
            let p = Publication {
                invention: inline_key(&types, r) == invention,
                pct: pct.value(r),
                published: day(0),
                granted: day(1),
                expired: day(2),
                lapsed: day(3),
            };
            if fields != 0 {
                count(&mut out.in_fields, fields);
            }
            out.pubs.push(Pub {
                family,
                fields,
                conditions: p.conditions(rules),
                published: p.published.unwrap_or(i32::MAX),
            });
        }
    }
    let mut invalid = 0u64;
    ipc.finish(|c, k| invalid += u64::from(c.0.is_null(k)))
        .await?;
    if ipc.give_up {
        return Ok(None);
    }
    out.invalid_ipc += invalid;
    out.families = families.next as usize;
    Ok(Some(out))
}

/// The validation's checks of a `patents` row, as the generic plan's queries make them:
/// number and family neither null nor blank, a known type, `pct` read, a publication date,
/// every date readable. A row failing one makes the walk give up, and the plan's checks then
/// name it.
struct RowChecks {
    types: Vec<u128>,
}

impl RowChecks {
    fn pass(
        &self,
        ids: &StringViewArray,
        family_ids: &StringViewArray,
        types: &StringViewArray,
        pct: &BooleanArray,
        days: &[&Int32Array],
        r: usize,
    ) -> bool {
        let blank = |a: &StringViewArray| {
            a.is_null(r) || a.value(r).bytes().all(|b| b.is_ascii_whitespace())
        };
        !blank(ids)
            && !blank(family_ids)
            && inline_key(types, r).is_some_and(|v| self.types.contains(&v))
            && !pct.is_null(r)
            && !days[0].is_null(r)
            && days
                .iter()
                .all(|d| d.is_null(r) || d.value(r) != NOT_A_DATE)
    }
}

/// Adds a field set to per-field counts, then to the last column (any field).
fn count(into: &mut [u64], fields: FieldSet) {
    let last = into.len() - 1;
    let (per_field, all) = into.split_at_mut(last);
    for (k, n) in per_field.iter_mut().enumerate() {
        *n += u64::from(fields & (1 << k) != 0);
    }
    all[0] += 1;
}

/// The two halves combined: each publication added to its family's figures with its
/// metros, and the party half's publications replaced by their families.
fn combine(p: Publications, mut q: PartyRuns) -> Walked {
    let empty = Family {
        fields: 0,
        valid: 0,
        pct_year: 0,
        pct_any: 0,
        network: 0,
        first_days: i32::MAX,
        metros: 0,
    };
    let mut families = vec![empty; p.families];
    let mut placed = Vec::new();
    for (pb, &metros) in p.pubs.iter().zip(&q.metros) {
        let f = &mut families[pb.family as usize];
        let on = |c: u8| if pb.conditions & c != 0 { pb.fields } else { 0 };
        f.fields |= pb.fields;
        f.metros |= metros;
        f.first_days = f.first_days.min(pb.published);
        f.valid |= on(VALID);
        f.pct_year |= on(PCT_YEAR);
        f.pct_any |= on(PCT);
        f.network |= on(NETWORK);
        if pb.fields != 0 && metros != 0 && pb.conditions & (VALID | PCT_YEAR) != 0 {
            placed.push(Placed {
                family: pb.family,
                fields: pb.fields,
                valid: pb.conditions & VALID != 0,
                pct_year: pb.conditions & PCT_YEAR != 0,
                metros,
            });
        }
    }
    let family_of = |publication: u32| p.pubs[publication as usize].family;
    for a in &mut q.applicants {
        a.family = family_of(a.family);
    }
    let countries = q
        .countries
        .iter()
        .map(|(publication, code)| (family_of(*publication), *code))
        .collect();
    Walked {
        families,
        placed,
        in_fields: p.in_fields,
        invalid_ipc: p.invalid_ipc,
        applicants: q.applicants,
        names: q.names,
        countries,
    }
}

/// A publication's type and dates (days since 1970-01-01).
struct Publication {
    invention: bool,
    pct: bool,
    published: Option<i32>,
    granted: Option<i32>,
    expired: Option<i32>,
    lapsed: Option<i32>,
}

impl Publication {
    /// The conditions of [`Pub::conditions`] it meets.
    fn conditions(&self, rules: &WalkRules) -> u8 {
        let (d, (y0, y1)) = (rules.valid_on, rules.year);
        let in_year = |t: Option<i32>| t.is_some_and(|t| (y0..=y1).contains(&t));
        let pct_year = self.pct && in_year(self.published);
        let network = pct_year || (self.invention && in_year(self.granted) && self.valid_after(y1));
        let mut c = 0;
        for (yes, bit) in [
            (self.invention && self.valid_on(d), VALID),
            (pct_year, PCT_YEAR),
            (self.pct, PCT),
            (network, NETWORK),
        ] {
            if yes {
                c |= bit;
            }
        }
        c
    }

    /// Granted on or before `d`, neither expired nor lapsed on `d` (I09's validity).
    fn valid_on(&self, d: i32) -> bool {
        self.granted.is_some_and(|g| g <= d) && self.valid_after(d)
    }

    /// Neither expired nor lapsed on or before `d`.
    fn valid_after(&self, d: i32) -> bool {
        self.expired.is_none_or(|e| e > d) && self.lapsed.is_none_or(|l| l > d)
    }
}
