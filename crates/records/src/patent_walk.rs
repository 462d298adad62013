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
//!   number (the other role's rows are filtered out where they are decoded); their
//!   places are looked up in the places stage's table ([`PlaceTable`]: metro bit, country
//!   code), their union is the publication's metro set;
//! - each family gets a dense number on first sight, and its figures are the OR over its
//!   publications ([`Family`]); the publications that count in a metro's I09 or I10 are kept
//!   with their fields and metros ([`Placed`]), since a family counts in a metro only through
//!   a publication located there; the applicants located in a metro and every applicant's
//!   country are kept for the biomedical focus ([`Applicant`]), which needs them by family.
//!
//! The figures are then counted from these integers ([`crate::patent_tally`]). Memory grows
//! with the publications and parties (about 100 bytes per publication and 12 per party), so
//! the caller walks only when that estimate fits the engine's memory limit; above it, and on
//! a cluster, the generic plan runs, which spills.
//!
//! The walk proves its precondition as it goes ([`RunCursor`]): a symbol or party row whose
//! number is smaller than the previous publication's means the file is not sorted, and the
//! walk gives up (returns `None`); so does a null number or party name, which the plan
//! treats as its own value. `patents` must be strictly increasing, which the validation's
//! sorted-key pass has already established. Rows of publications absent from `patents` are
//! skipped (their unparseable symbols still count), as the plan's joins drop them.

use crate::layout::{PARTY_TYPES, ROLES};
use crate::paper_places::inline_key;
use crate::paper_walk::{decode_ahead, text, Batches};
use crate::patent_places::PartyPlaces;
use crate::runs::{inline_view, Columns, RunCursor};
use crate::{Engine, RecordsError};
use datafusion::arrow::array::{
    Array, AsArray, BooleanArray, Int32Array, Int64Array, RecordBatch, StringViewArray,
};
use datafusion::arrow::compute::cast;
use datafusion::arrow::datatypes::{DataType, Int32Type, Int64Type};
use futures::StreamExt;
use gihi_ipc::{FieldSet, Fields, RowSet};
use std::collections::HashMap;

/// Estimated bytes the walk holds per publication and per party row (see the module docs).
pub(crate) const BYTES_PER_PUBLICATION: usize = 100;
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
    /// (family, country code of [`PlaceTable::codes`]) of every attributed party with a
    /// country, repeated at most once per publication.
    pub countries: Vec<(u32, u32)>,
}

/// Dense numbers for strings seen in a walk: by the string view's 16 bytes when the text
/// sits inline (≤ 12 bytes, no bytes copied), by the text otherwise.
#[derive(Default)]
struct Numbers {
    inline: HashMap<u128, u32, ahash::RandomState>,
    long: HashMap<Box<str>, u32, ahash::RandomState>,
    next: u32,
}

impl Numbers {
    /// The number of row `r` of `a` (not null), and whether it is new.
    fn of(&mut self, a: &StringViewArray, r: usize) -> (u32, bool) {
        let next = self.next;
        let n = match inline_key(a, r) {
            Some(k) => *self.inline.entry(k).or_insert(next),
            None => match self.long.get(a.value(r)) {
                Some(n) => *n,
                None => {
                    self.long.insert(a.value(r).into(), next);
                    next
                }
            },
        };
        let new = n == next;
        if new {
            self.next += 1;
        }
        (n, new)
    }
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

/// Walks the symbols and parties beside the publications (see the module documentation);
/// `None` if a file is not sorted by publication number.
pub(crate) fn walk(
    engine: &Engine,
    places: &mut PartyPlaces,
    rules: &WalkRules,
) -> Result<Option<Walked>, RecordsError> {
    engine.run(async {
        let patents = decode_ahead(
            engine,
            "SELECT pub_id, family_id, type, pct, pub_days, grant_days, expiry_days, lapse_days, title, abstract FROM patents_n",
        )
        .await?;
        // The symbols are classified where they are decoded (`gihi_ipc_rows`, memoised per
        // thread), and only those in a field or unparseable (null) reach the walk.
        let ipc = RunCursor::open(
            engine,
            "SELECT pub_id, r FROM (SELECT pub_id, gihi_ipc_rows(ipc) AS r FROM patent_ipc) WHERE r IS NULL OR r <> 0",
        )
        .await?;
        // Only the attributed role's rows reach the walk, and any row the validation would
        // refuse (the walk then gives up, and the plan's checks name it).
        let list = |words: &[&str]| {
            words
                .iter()
                .map(|w| format!("'{w}'"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let parties = RunCursor::open(
            engine,
            &format!(
                "SELECT pub_id, role, name, type, city, country FROM patent_parties \
                 WHERE role = '{}' OR pub_id IS NULL OR role IS NULL OR type IS NULL \
                 OR role NOT IN ({}) OR type NOT IN ({})",
                rules.role,
                list(ROLES),
                list(PARTY_TYPES)
            ),
        )
        .await?;
        Walker::new(rules, places).merge(patents, ipc, parties).await
    })
}

/// The walk's state.
struct Walker<'a, 'p> {
    rules: &'a WalkRules<'a>,
    places: &'a mut PartyPlaces<'p>,
    /// The string views of the roles and party types (all sit inline).
    roles: Vec<u128>,
    kinds: Vec<u128>,
    invention: u128,
    family_numbers: Numbers,
    name_numbers: Numbers,
    out: Walked,
}

impl<'a, 'p> Walker<'a, 'p> {
    fn new(rules: &'a WalkRules<'a>, places: &'a mut PartyPlaces<'p>) -> Walker<'a, 'p> {
        let views = |words: &[&str]| -> Vec<u128> {
            words
                .iter()
                .map(|w| inline_view(w.as_bytes()).expect("short words"))
                .collect()
        };
        Walker {
            rules,
            places,
            roles: views(ROLES),
            kinds: views(PARTY_TYPES),
            invention: views(&["invention"])[0],
            family_numbers: Numbers::default(),
            name_numbers: Numbers::default(),
            out: Walked {
                families: Vec::new(),
                placed: Vec::new(),
                in_fields: vec![0; rules.fields.fields.len() + 1],
                invalid_ipc: 0,
                applicants: Vec::new(),
                names: Vec::new(),
                countries: Vec::new(),
            },
        }
    }

    async fn merge(
        mut self,
        mut patents: Batches,
        mut ipc: RunCursor<SymbolRows>,
        mut parties: RunCursor,
    ) -> Result<Option<Walked>, RecordsError> {
        let keyword_rows = self.rules.fields.keyword_rows();
        while let Some(b) = patents.next().await {
            let b = b?;
            let (ids, family_ids, types) =
                (text(b.column(0))?, text(b.column(1))?, text(b.column(2))?);
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
            for r in 0..b.num_rows() {
                let id = ids.value(r).as_bytes();
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
                self.out.invalid_ipc += invalid;
                let fields = if rows == 0 {
                    0
                } else {
                    let f = self.rules.fields;
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
                let (family, new) = self.family_numbers.of(&family_ids, r);
                if new {
                    self.out.families.push(Family {
                        fields: 0,
                        valid: 0,
                        pct_year: 0,
                        pct_any: 0,
                        network: 0,
                        first_days: i32::MAX,
                        metros: 0,
                    });
                }
                let metros = self.parties(&mut parties, id, family).await?;
                if ipc.give_up || parties.give_up {
                    return Ok(None);
                }
                let day = |k: usize| (!days[k].is_null(r)).then(|| days[k].value(r));
                let publication = Publication {
                    invention: inline_key(&types, r) == Some(self.invention),
                    pct: pct.value(r),
                    published: day(0),
                    granted: day(1),
                    expired: day(2),
                    lapsed: day(3),
                };
                self.add(family, fields, metros, &publication);
            }
        }
        let mut invalid = 0u64;
        ipc.finish(|c, k| invalid += u64::from(c.0.is_null(k)))
            .await?;
        self.out.invalid_ipc += invalid;
        // The parties of publications after the last one: checked, and their places counted.
        let mut refused = false;
        let attributed = ROLES.iter().position(|r| *r == self.rules.role);
        let (roles, kinds, places) = (&self.roles, &self.kinds, &mut *self.places);
        parties
            .finish(|c, k| {
                let find = |a: &StringViewArray, views: &[u128]| {
                    inline_key(a, k).and_then(|v| views.iter().position(|x| *x == v))
                };
                if find(&c[0], roles) != attributed
                    || find(&c[2], kinds).is_none()
                    || c[1].is_null(k)
                {
                    refused = true;
                } else {
                    places.at(&c[3], &c[4], k);
                }
            })
            .await?;
        parties.give_up |= refused;
        if ipc.give_up || parties.give_up {
            return Ok(None);
        }
        Ok(Some(self.out))
    }

    /// Reads the parties of publication `id` of `family`: its metro set, its applicants in
    /// metros and its applicants' countries.
    async fn parties(
        &mut self,
        parties: &mut RunCursor,
        id: &[u8],
        family: u32,
    ) -> Result<u128, RecordsError> {
        let mut metros = 0u128;
        let mut refused = false;
        let first_country = self.out.countries.len();
        let attributed = ROLES.iter().position(|r| *r == self.rules.role);
        parties
            .run(id, |c, k, own| {
                let (roles, names, kinds, cities, countries) = (&c[0], &c[1], &c[2], &c[3], &c[4]);
                let role =
                    inline_key(roles, k).and_then(|v| self.roles.iter().position(|x| *x == v));
                let kind =
                    inline_key(kinds, k).and_then(|v| self.kinds.iter().position(|x| *x == v));
                // A row of the other role here failed the filter's checks; so does a role or
                // type outside the layout. A null name is its own value in the plan. The
                // plan's validation names the row.
                if role != attributed || kind.is_none() || names.is_null(k) {
                    refused = true;
                    return;
                }
                let place = self.places.at(cities, countries, k);
                if !own {
                    return;
                }
                if place.code != 0
                    && !self.out.countries[first_country..].contains(&(family, place.code))
                {
                    self.out.countries.push((family, place.code));
                }
                if (place.lo | place.hi) == 0 {
                    return;
                }
                let bits = (place.hi as u64 as u128) << 64 | place.lo as u64 as u128;
                metros |= bits;
                let (name, new) = self.name_numbers.of(names, k);
                if new {
                    self.out.names.push(names.value(k).to_string());
                }
                self.out.applicants.push(Applicant {
                    family,
                    metro: bits.trailing_zeros() as u8,
                    name,
                    kind: kind.unwrap_or_default() as u8,
                });
            })
            .await?;
        parties.give_up |= refused;
        Ok(metros)
    }

    /// Adds a publication to its family's figures.
    fn add(&mut self, family: u32, fields: FieldSet, metros: u128, p: &Publication) {
        let (d, (y0, y1)) = (self.rules.valid_on, self.rules.year);
        let valid = p.invention && p.valid_on(d);
        let pct_year = p.pct && p.published.is_some_and(|t| (y0..=y1).contains(&t));
        let network = pct_year
            || (p.invention
                && p.granted.is_some_and(|t| (y0..=y1).contains(&t))
                && p.valid_after(y1));
        let f = &mut self.out.families[family as usize];
        f.fields |= fields;
        f.metros |= metros;
        if let Some(t) = p.published {
            f.first_days = f.first_days.min(t);
        }
        if valid {
            f.valid |= fields;
        }
        if pct_year {
            f.pct_year |= fields;
        }
        if p.pct {
            f.pct_any |= fields;
        }
        if network {
            f.network |= fields;
        }
        if fields == 0 {
            return;
        }
        let last = self.out.in_fields.len() - 1;
        let (per_field, all) = self.out.in_fields.split_at_mut(last);
        for (k, n) in per_field.iter_mut().enumerate() {
            *n += u64::from(fields & (1 << k) != 0);
        }
        all[0] += 1;
        if metros != 0 && (valid || pct_year) {
            self.out.placed.push(Placed {
                family,
                fields,
                valid,
                pct_year,
                metros,
            });
        }
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
    /// Granted on or before `d`, neither expired nor lapsed on `d` (I09's validity).
    fn valid_on(&self, d: i32) -> bool {
        self.granted.is_some_and(|g| g <= d) && self.valid_after(d)
    }

    /// Neither expired nor lapsed on or before `d`.
    fn valid_after(&self, d: i32) -> bool {
        self.expired.is_none_or(|e| e > d) && self.lapsed.is_none_or(|l| l > d)
    }
}
