//! The party half of the patent walk ([`crate::patent_walk`]), run on the calling thread
//! while the publication half runs on a second one: `patent_parties` walked beside the
//! publication numbers of `patents`, which the publication half decodes and hands over batch
//! by batch ([`Ids`]), each publication's attributed parties read as one run of rows. It
//! gives every publication (by its position in `patents`) its metro set, and keeps the
//! applicants located in a metro and every applicant's country for the biomedical focus.
//!
//! Only the attributed role's rows reach the walk, and any row the validation would refuse
//! (the filter runs where the file is decoded): a row of another role here, a type outside
//! the layout or a null name makes the walk give up, and the generic plan's checks then name
//! the row. Every attributed row's place is counted, those of publications absent from
//! `patents` included, as the plan's summary counts them.

use crate::layout::{PARTY_TYPES, ROLES};
use crate::patent_places::PartyPlaces;
use crate::patent_walk::{Applicant, Ids};
use crate::runs::RunCursor;
use crate::texts::{inline_key, inline_view, Numbers};
use crate::{Engine, RecordsError};
use datafusion::arrow::array::{Array, StringViewArray};
use futures::StreamExt;

/// What the party walk gathered, by publication position in `patents`.
pub(crate) struct PartyRuns {
    /// Each publication's metros (registry indices as bits).
    pub metros: Vec<u128>,
    /// Applicants in metros; `family` holds the publication's position until the two halves
    /// are combined.
    pub applicants: Vec<Applicant>,
    /// Applicant names by number.
    pub names: Vec<String>,
    /// (publication position, country code) of the attributed parties, once per pair.
    pub countries: Vec<(u32, u32)>,
}

/// The string views of `words` (each sits inline).
fn views(words: &[&str]) -> Vec<u128> {
    words
        .iter()
        .map(|w| inline_view(w.as_bytes()).expect("short words"))
        .collect()
}

/// Walks the party file beside the publication numbers; `None` if it is not sorted by
/// publication number or holds a row the validation refuses.
pub(crate) async fn walk_parties(
    engine: &Engine,
    places: &mut PartyPlaces<'_>,
    role: &str,
    mut numbers: Ids,
) -> Result<Option<PartyRuns>, RecordsError> {
    let list = |words: &[&str]| {
        words
            .iter()
            .map(|w| format!("'{w}'"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut parties: RunCursor = RunCursor::open(
        engine,
        &format!(
            "SELECT pub_id, role, name, type, city, country FROM patent_parties \
             WHERE role = '{role}' OR pub_id IS NULL OR role IS NULL OR type IS NULL \
             OR role NOT IN ({}) OR type NOT IN ({})",
            list(ROLES),
            list(PARTY_TYPES)
        ),
    )
    .await?;
    let (roles, kinds) = (views(ROLES), views(PARTY_TYPES));
    let attributed = ROLES.iter().position(|r| *r == role);
    let find = |a: &StringViewArray, k: usize, views: &[u128]| {
        inline_key(a, k).and_then(|v| views.iter().position(|x| *x == v))
    };
    let mut out = PartyRuns {
        metros: Vec::new(),
        applicants: Vec::new(),
        names: Vec::new(),
        countries: Vec::new(),
    };
    let mut names = Numbers::default();
    let mut pending = PendingNames::default();
    let mut refused = false;
    while let Some(ids) = numbers.next().await {
        let Some(ids) = ids else {
            // The publication half gave up (or failed: it reports why).
            return Ok(None);
        };
        for r in 0..ids.len() {
            let publication = out.metros.len() as u32;
            let first_country = out.countries.len();
            let mut metros = 0u128;
            parties
                .run(ids.value(r).as_bytes(), |c, k, own| {
                    let (name, kind) = (&c[1], find(&c[2], k, &kinds));
                    if find(&c[0], k, &roles) != attributed || kind.is_none() || name.is_null(k) {
                        refused = true;
                        return;
                    }
                    let place = places.at(&c[3], &c[4], k);
                    if !own {
                        return;
                    }
                    if place.code != 0
                        && !out.countries[first_country..].contains(&(publication, place.code))
                    {
                        out.countries.push((publication, place.code));
                    }
                    if (place.lo | place.hi) == 0 {
                        return;
                    }
                    let bits = (place.hi as u64 as u128) << 64 | place.lo as u64 as u128;
                    metros |= bits;
                    pending.note(name, k, &mut names, &mut out);
                    out.applicants.push(Applicant {
                        family: publication,
                        metro: bits.trailing_zeros() as u8,
                        name: u32::MAX,
                        kind: kind.unwrap_or_default() as u8,
                    });
                })
                .await?;
            if refused || parties.give_up {
                return Ok(None);
            }
            out.metros.push(metros);
        }
    }
    // The rows after the last publication: checked, and their places counted.
    parties
        .finish(|c, k| {
            if find(&c[0], k, &roles) != attributed
                || find(&c[2], k, &kinds).is_none()
                || c[1].is_null(k)
            {
                refused = true;
            } else {
                places.at(&c[3], &c[4], k);
            }
        })
        .await?;
    if refused || parties.give_up {
        return Ok(None);
    }
    pending.flush(&mut names, &mut out);
    Ok(Some(out))
}

/// Applicants waiting for their names' numbers: rows of one batch's name column, numbered
/// together when the walk moves to the next batch ([`Numbers::of_rows`], the table's memory
/// fetched ahead rather than waited for name by name).
#[derive(Default)]
struct PendingNames {
    column: Option<StringViewArray>,
    rows: Vec<usize>,
    /// The first waiting applicant's index in [`PartyRuns::applicants`]; those after it wait
    /// too, in the order of `rows`.
    first: usize,
}

impl PendingNames {
    /// Row `k` of `column` names the applicant about to be pushed to `out`.
    fn note(
        &mut self,
        column: &StringViewArray,
        k: usize,
        names: &mut Numbers,
        out: &mut PartyRuns,
    ) {
        let same = self.column.as_ref().is_some_and(|c| {
            c.len() == column.len() && std::ptr::eq(c.views().as_ptr(), column.views().as_ptr())
        });
        if !same {
            self.flush(names, out);
            self.column = Some(column.clone());
            self.first = out.applicants.len();
        }
        self.rows.push(k);
    }

    /// Numbers the waiting applicants' names (a new name joins [`PartyRuns::names`]).
    fn flush(&mut self, names: &mut Numbers, out: &mut PartyRuns) {
        let Some(column) = self.column.take() else {
            return;
        };
        let numbers = names.of_rows(&column, &self.rows);
        for (i, (n, new)) in numbers.into_iter().enumerate() {
            out.applicants[self.first + i].name = n;
            if new {
                out.names.push(column.value(self.rows[i]).to_string());
            }
        }
        self.rows.clear();
    }
}
