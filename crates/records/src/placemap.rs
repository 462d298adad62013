//! Places of parties and authorships → metros: each distinct (city, country) of a record file
//! is resolved once through the registry's member cities and the edition's aliases, and the
//! result is registered as table `place_metro(city, country, metro, lo, hi)`, where `lo`/`hi`
//! are the metro's bit in a 128-bit set (registry order; see [`crate::udaf`]). Places outside
//! every metro are normal (most of the world) and are counted, not errors.

use crate::engine::{column_i64, column_text, Engine};
use crate::udaf::MAX_METROS;
use crate::RecordsError;
use datafusion::arrow::array::{Int64Array, RecordBatch, StringArray};
use datafusion::arrow::datatypes::{DataType, Field, Schema};
use gihi_places::{Places, Resolved};
use gihi_registry::Registry;
use serde::Serialize;
use std::collections::BTreeMap;
use std::sync::Arc;

/// Matched share of one country's rows.
#[derive(Debug, Clone, Serialize)]
pub struct CountryMatch {
    pub country: String,
    pub rows: u64,
    pub matched: u64,
}

/// What the mapping found, for the summary.
#[derive(Debug, Clone, Default)]
pub struct PlaceMatch {
    /// Rows matched to a metro, per country (ISO code where known), most rows first.
    pub by_country: Vec<CountryMatch>,
    /// The most frequent places outside every metro (place, rows).
    pub top_unmatched: Vec<(String, u64)>,
    /// Places that look like a misspelling of a member name or name several metros, most
    /// rows first (at most 50).
    pub near_misses: Vec<(String, String)>,
    /// The places matched to a metro: (city, country) as the file spells them, the metro's
    /// bits (`lo`, `hi`) and its id.
    pub matched: Vec<(String, String, i64, i64, String)>,
}

/// Places listed in the summary.
const TOP_UNMATCHED: usize = 20;
/// Near misses listed in the summary (the most frequent).
const NEAR_MISSES: usize = 50;

/// Resolves `groups` (batches of city, country, rows) and registers `place_metro`.
pub fn register_place_metro(
    engine: &Engine,
    registry: &Registry,
    places: &Places,
    groups: &[RecordBatch],
) -> Result<PlaceMatch, RecordsError> {
    let (cities, countries, counts) = (
        column_text(groups, 0),
        column_text(groups, 1),
        column_i64(groups, 2),
    );
    let out = match_places(registry, places, &cities, &countries, &counts)?;
    let schema = Arc::new(Schema::new(vec![
        Field::new("city", DataType::Utf8, false),
        Field::new("country", DataType::Utf8, false),
        Field::new("metro", DataType::Utf8, false),
        Field::new("lo", DataType::Int64, false),
        Field::new("hi", DataType::Int64, false),
    ]));
    let column = |k: usize| -> Vec<String> {
        out.matched
            .iter()
            .map(|m| [&m.0, &m.1, &m.4][k].clone())
            .collect()
    };
    let batch = RecordBatch::try_new(
        schema,
        vec![
            Arc::new(StringArray::from(column(0))),
            Arc::new(StringArray::from(column(1))),
            Arc::new(StringArray::from(column(2))),
            Arc::new(Int64Array::from_iter_values(
                out.matched.iter().map(|m| m.2),
            )),
            Arc::new(Int64Array::from_iter_values(
                out.matched.iter().map(|m| m.3),
            )),
        ],
    )
    .expect("five columns of one length");
    engine.register_batch("place_metro", batch)?;
    Ok(out)
}

/// Resolves distinct places (city, country, rows) for the summary: matched shares by
/// country, the most frequent unmatched places, near misses, and the matched places.
pub fn match_places(
    registry: &Registry,
    places: &Places,
    cities: &[Option<String>],
    countries: &[Option<String>],
    counts: &[i64],
) -> Result<PlaceMatch, RecordsError> {
    if registry.cities.len() > MAX_METROS {
        return Err(RecordsError::Input(format!(
            "the registry has {} metros; the record pipelines handle at most {MAX_METROS}",
            registry.cities.len()
        )));
    }
    let index: BTreeMap<&str, usize> = registry
        .cities
        .iter()
        .enumerate()
        .map(|(k, c)| (c.id.as_str(), k))
        .collect();
    let mut out = PlaceMatch::default();
    let (mut map_city, mut map_country, mut map_metro, mut lo, mut hi) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let mut by_country: BTreeMap<String, (u64, u64)> = BTreeMap::new();
    let mut unmatched: Vec<(String, u64)> = Vec::new();
    let mut near: Vec<(u64, String, String)> = Vec::new();
    for ((city, country), n) in cities.iter().zip(countries).zip(counts) {
        let (c, k) = (
            city.clone().unwrap_or_default(),
            country.clone().unwrap_or_default(),
        );
        let key = places
            .country(&k)
            .unwrap_or_else(|| k.trim().to_uppercase());
        let e = by_country.entry(key).or_default();
        e.0 += *n as u64;
        let label = format!("{} ({})", c.trim(), k.trim());
        match places.resolve(&c, &k, None) {
            Ok(Resolved::Metro(m)) if !c.trim().is_empty() => {
                e.1 += *n as u64;
                let bit = index[m.as_str()];
                lo.push(if bit < 64 { (1u64 << bit) as i64 } else { 0 });
                hi.push(if bit >= 64 {
                    (1u64 << (bit - 64)) as i64
                } else {
                    0
                });
                map_city.push(c);
                map_country.push(k);
                map_metro.push(m);
            }
            Ok(_) => unmatched.push((label, *n as u64)),
            Err(why) => {
                near.push((*n as u64, label.clone(), why));
                unmatched.push((label, *n as u64));
            }
        }
    }
    // The groups arrive in any order (threads, executors): most rows first, then by name.
    near.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
    out.near_misses = near
        .into_iter()
        .take(NEAR_MISSES)
        .map(|(_, label, why)| (label, why))
        .collect();
    unmatched.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    unmatched.truncate(TOP_UNMATCHED);
    out.top_unmatched = unmatched;
    let mut bc: Vec<CountryMatch> = by_country
        .into_iter()
        .map(|(country, (rows, matched))| CountryMatch {
            country,
            rows,
            matched,
        })
        .collect();
    bc.sort_by(|a, b| b.rows.cmp(&a.rows).then(a.country.cmp(&b.country)));
    out.by_country = bc;
    out.matched = (0..map_city.len())
        .map(|k| {
            (
                map_city[k].clone(),
                map_country[k].clone(),
                lo[k],
                hi[k],
                map_metro[k].clone(),
            )
        })
        .collect();
    Ok(out)
}

/// Hong Kong, Macao and Taiwan as their own country-or-region codes ("国家（或地区）"): the
/// spellings exports use, lower-case.
const REGIONS: [(&str, &[&str]); 3] = [
    (
        "HK",
        &[
            "hk",
            "hkg",
            "hong kong",
            "hong kong sar",
            "hong kong sar, china",
            "china, hong kong sar",
            "china, hong kong special administrative region",
            "香港",
            "中国香港",
        ],
    ),
    (
        "MO",
        &[
            "mo",
            "mac",
            "macao",
            "macau",
            "macao sar, china",
            "china, macao sar",
            "澳门",
            "中国澳门",
        ],
    ),
    (
        "TW",
        &[
            "tw",
            "twn",
            "taiwan",
            "taiwan, china",
            "taiwan, province of china",
            "chinese taipei",
            "台湾",
            "中国台湾",
        ],
    ),
];

/// How `country_map` treats Hong Kong, Macao and Taiwan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Regions {
    /// Under China, as the registry lists their cities (patent country series).
    InChina,
    /// Their own codes HK, MO, TW (international co-authorship).
    Apart,
}

/// The country (or region) code of an exported country text.
pub fn country_code(places: &Places, text: &str, regions: Regions) -> String {
    let k = text.trim().to_lowercase();
    if regions == Regions::Apart {
        if let Some((code, _)) = REGIONS
            .iter()
            .find(|(_, names)| names.contains(&k.as_str()))
        {
            return code.to_string();
        }
    }
    places
        .country(text)
        .unwrap_or_else(|| text.trim().to_uppercase())
}

/// Registers `country_map(country, code)`: every distinct country text of `column` in
/// `table`, normalised (registry countries and known names to ISO alpha-2, others trimmed and
/// upper-cased), so that "DE", "DEU" and "Germany" are one country.
pub fn register_country_map(
    engine: &Engine,
    places: &Places,
    table: &str,
    column: &str,
    regions: Regions,
) -> Result<(), RecordsError> {
    let raw = engine.sql(&format!(
        "SELECT DISTINCT {column} FROM {table} WHERE {column} IS NOT NULL AND trim({column}) <> ''"
    ))?;
    let raw: Vec<String> = column_text(&raw, 0).into_iter().flatten().collect();
    register_country_codes(engine, places, raw, regions)
}

/// Registers `country_map(country, code)` for the country texts `raw` (distinct, non-blank),
/// as [`register_country_map`] does for a column it reads.
pub fn register_country_codes(
    engine: &Engine,
    places: &Places,
    raw: Vec<String>,
    regions: Regions,
) -> Result<(), RecordsError> {
    let code: Vec<String> = raw
        .iter()
        .map(|c| country_code(places, c, regions))
        .collect();
    let schema = Arc::new(Schema::new(vec![
        Field::new("country", DataType::Utf8, false),
        Field::new("code", DataType::Utf8, false),
    ]));
    let batch = RecordBatch::try_new(
        schema,
        vec![
            Arc::new(StringArray::from(raw)),
            Arc::new(StringArray::from(code)),
        ],
    )
    .expect("two columns of one length");
    engine.register_batch("country_map", batch)
}
