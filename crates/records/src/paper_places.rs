//! The distinct places of the paper authorships, resolved once before the paper walk
//! ([`crate::paper_walk`]) to their metro bits and country code, and looked up per
//! authorship: by the two string views when city and country both sit inline in them (a
//! fixed-size key, no bytes copied), by their text otherwise.

use crate::placemap::{country_code, Regions};
use crate::texts::inline_key;
use datafusion::arrow::array::{Array, StringViewArray};
use gihi_places::Places;
use std::collections::{BTreeMap, HashMap};

/// A distinct place of the authorships: its metros' bits and its country code (0: none).
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Place {
    pub(crate) lo: i64,
    pub(crate) hi: i64,
    pub(crate) code: u32,
}

/// Every distinct (city, country) of the authorships, resolved once.
pub(crate) struct PlaceTable {
    map: HashMap<Box<[u8]>, Place, ahash::RandomState>,
    key: Vec<u8>,
    /// The places met whose city and country both fit inline in an Arrow string view
    /// (≤ 12 bytes: most city names and every country code), keyed by the two views: a
    /// fixed-size key that needs no bytes copied.
    inline: HashMap<(u128, u128), Place, ahash::RandomState>,
}

impl PlaceTable {
    /// The table of the distinct places `cities` × `countries` (pairwise, as the places
    /// stage grouped them), with the bits of those `matched` to a metro and the country codes
    /// of the co-authorship focus (Hong Kong, Macao and Taiwan apart).
    pub(crate) fn new(
        cities: &[Option<String>],
        countries: &[Option<String>],
        matched: &[(String, String, i64, i64, String)],
        places: &Places,
    ) -> PlaceTable {
        let bits: HashMap<(&str, &str), (i64, i64)> = matched
            .iter()
            .map(|(c, k, lo, hi, _)| ((c.as_str(), k.as_str()), (*lo, *hi)))
            .collect();
        let mut codes: BTreeMap<String, u32> = BTreeMap::new();
        let mut table = PlaceTable {
            map: HashMap::with_hasher(ahash::RandomState::new()),
            key: Vec::new(),
            inline: HashMap::with_hasher(ahash::RandomState::new()),
        };
        for (city, country) in cities.iter().zip(countries) {
            let (c, k) = (
                city.as_deref().unwrap_or(""),
                country.as_deref().unwrap_or(""),
            );
            let (lo, hi) = bits.get(&(c, k)).copied().unwrap_or((0, 0));
            let code = if k.trim().is_empty() {
                0
            } else {
                let next = codes.len() as u32 + 1;
                *codes
                    .entry(country_code(places, k, Regions::Apart))
                    .or_insert(next)
            };
            table.map.insert(
                Self::join(&mut table.key, c, k).into(),
                Place { lo, hi, code },
            );
        }
        table
    }

    fn join<'a>(key: &'a mut Vec<u8>, city: &str, country: &str) -> &'a [u8] {
        key.clear();
        key.extend_from_slice(city.as_bytes());
        key.push(0x1f);
        key.extend_from_slice(country.as_bytes());
        key
    }

    /// The place (city, country); nulls read as empty, as in the generic plan.
    fn get(&mut self, city: &str, country: &str) -> Place {
        let k = Self::join(&mut self.key, city, country);
        self.map.get(k).copied().unwrap_or_default()
    }

    /// The place of row `r` of the two columns (nulls read as empty).
    pub(crate) fn at(
        &mut self,
        cities: &StringViewArray,
        countries: &StringViewArray,
        r: usize,
    ) -> Place {
        fn text(a: &StringViewArray, r: usize) -> &str {
            if a.is_null(r) {
                ""
            } else {
                a.value(r)
            }
        }
        match (inline_key(cities, r), inline_key(countries, r)) {
            (Some(c), Some(k)) => {
                if let Some(p) = self.inline.get(&(c, k)) {
                    return *p;
                }
                let p = self.get(text(cities, r), text(countries, r));
                self.inline.insert((c, k), p);
                p
            }
            _ => self.get(text(cities, r), text(countries, r)),
        }
    }
}
