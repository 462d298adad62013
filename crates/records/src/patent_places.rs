//! The places of the attributed parties, met and resolved during the patent walk
//! ([`crate::patent_walk`]): each distinct (city, country) is resolved on first sight, as
//! [`crate::placemap`] resolves the generic plan's groups, and its rows are counted for the
//! summary's matched shares. Lookups go by the two Arrow string views when city and country
//! both sit inline (≤ 12 bytes, no bytes copied), by their text otherwise. A null city or
//! country is kept apart from an empty one, as the plan's GROUP BY keeps them.

use crate::paper_places::Place;
use crate::placemap::{country_code, Regions};
use crate::texts::inline_key;
use datafusion::arrow::array::{Array, StringViewArray};
use gihi_places::{Places, Resolved};
use gihi_registry::Registry;
use std::collections::{BTreeMap, HashMap};

/// A distinct place met: its text, rows and what it resolves to.
pub(crate) struct Met {
    pub city: Option<String>,
    pub country: Option<String>,
    pub rows: u64,
    pub place: Place,
}

/// The places met so far.
pub(crate) struct PartyPlaces<'a> {
    places: &'a Places<'a>,
    /// Metro id → registry index.
    index: HashMap<&'a str, usize>,
    inline: HashMap<(u128, u128), u32, ahash::RandomState>,
    text: HashMap<Box<[u8]>, u32, ahash::RandomState>,
    key: Vec<u8>,
    pub met: Vec<Met>,
    /// Country codes by number: code `c` is `codes[c - 1]`.
    pub codes: Vec<String>,
    numbers: BTreeMap<String, u32>,
}

/// The key of a null text (no inline view has this value: its length field would be 2³²−1).
const NULL: u128 = u128::MAX;

fn view_key(a: &StringViewArray, r: usize) -> Option<u128> {
    if a.is_null(r) {
        Some(NULL)
    } else {
        inline_key(a, r)
    }
}

fn value(a: &StringViewArray, r: usize) -> Option<&str> {
    (!a.is_null(r)).then(|| a.value(r))
}

impl<'a> PartyPlaces<'a> {
    pub(crate) fn new(registry: &'a Registry, places: &'a Places<'a>) -> PartyPlaces<'a> {
        PartyPlaces {
            places,
            index: registry
                .cities
                .iter()
                .enumerate()
                .map(|(k, c)| (c.id.as_str(), k))
                .collect(),
            inline: HashMap::default(),
            text: HashMap::default(),
            key: Vec::new(),
            met: Vec::new(),
            codes: Vec::new(),
            numbers: BTreeMap::new(),
        }
    }

    /// Counts a row at row `r` of the two columns and returns its place.
    pub(crate) fn at(
        &mut self,
        cities: &StringViewArray,
        countries: &StringViewArray,
        r: usize,
    ) -> Place {
        let n = match (view_key(cities, r), view_key(countries, r)) {
            (Some(c), Some(k)) => match self.inline.get(&(c, k)) {
                Some(n) => *n,
                None => {
                    let n = self.number(value(cities, r), value(countries, r));
                    self.inline.insert((c, k), n);
                    n
                }
            },
            _ => self.number(value(cities, r), value(countries, r)),
        };
        let m = &mut self.met[n as usize];
        m.rows += 1;
        m.place
    }

    /// The number of a place by its text (resolved when new).
    fn number(&mut self, city: Option<&str>, country: Option<&str>) -> u32 {
        self.key.clear();
        for t in [city, country] {
            match t {
                None => self.key.push(0),
                Some(t) => {
                    self.key.push(1);
                    self.key.extend_from_slice(t.as_bytes());
                    self.key.push(0x1f);
                }
            }
        }
        if let Some(n) = self.text.get(self.key.as_slice()) {
            return *n;
        }
        let n = self.met.len() as u32;
        self.text.insert(self.key.as_slice().into(), n);
        let place = self.resolve(city, country);
        self.met.push(Met {
            city: city.map(str::to_string),
            country: country.map(str::to_string),
            rows: 0,
            place,
        });
        n
    }

    /// As the plan: a metro when the place resolves to one, the city is not blank and
    /// neither text is null (the plan's join on `place_metro`); a country code when the
    /// country is neither null nor blank (`country_map`).
    fn resolve(&mut self, city: Option<&str>, country: Option<&str>) -> Place {
        let (c, k) = (city.unwrap_or(""), country.unwrap_or(""));
        let mut place = Place::default();
        if city.is_some() && country.is_some() && !c.trim().is_empty() {
            if let Ok(Resolved::Metro(m)) = self.places.resolve(c, k, None) {
                if let Some(&bit) = self.index.get(m.as_str()) {
                    if bit < 64 {
                        place.lo = (1u64 << bit) as i64;
                    } else {
                        place.hi = (1u64 << (bit - 64)) as i64;
                    }
                }
            }
        }
        if !k.trim().is_empty() {
            let code = country_code(self.places, k, Regions::InChina);
            let next = self.numbers.len() as u32 + 1;
            place.code = *self.numbers.entry(code.clone()).or_insert_with(|| {
                self.codes.push(code);
                next
            });
        }
        place
    }
}
