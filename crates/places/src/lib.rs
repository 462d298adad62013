//! Mapping places named in source tables to evaluated cities (metros) through the registry's
//! member administrative cities, the shipped alias table and the user's own aliases.
//!
//! Source exports are world lists, so a place may lie outside every metro. The rule:
//! - a place that is a metro id or name, a member administrative city of its country
//!   (Appendix 5) or an alias (the edition's `place-aliases.csv`, extended by the sources'
//!   `place_aliases.csv`) resolves to its metro;
//! - a place whose name is close to a member name of its country ([`similarity`] ≥ [`CLOSE`],
//!   a likely misspelling) or that is a member of several metros is an error, as is a country
//!   close to a registry country's name;
//! - any other place — another city, or a country outside the registry's 38 — is
//!   [`Resolved::Outside`]: the row is skipped and counted in the derivation summary.

use gihi_registry::Registry;
use std::cell::RefCell;
use std::collections::BTreeMap;

/// Other spellings of the registry's countries (`data/derivation/country-names.toml`).
pub const COUNTRY_NAMES_TOML: &str = include_str!("../../../data/derivation/country-names.toml");
/// Places in a metro that Appendix 5 does not list: the 2024 edition's table
/// (`data/editions/2024/place-aliases.csv`); another edition brings its own.
pub const PLACE_ALIASES_CSV: &str = include_str!("../../../data/editions/2024/place-aliases.csv");
/// The user's own aliases, read from the sources directory when present (same layout).
pub const USER_ALIASES_FILE: &str = "place_aliases.csv";
/// [`similarity`] at or above which an unmatched name counts as a misspelling of a member or
/// country name (one slip in a five-letter name).
pub const CLOSE: f64 = 0.8;

/// Chinese metros that are not in mainland China (Taipei): Zhaopin's figures do not cover it.
pub const MAINLAND_CHINA_METROS_EXCLUDE: [&str; 1] = ["taipei"];

/// [`Places::member_label`] of a row about the whole metro (a total, not a member city).
pub const WHOLE_METRO: &str = "the whole metro";

/// Where a place lies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolved {
    /// In this metro (registry id).
    Metro(String),
    /// In no evaluated metro: `label` names the place for the summary, e.g. `Oak Ridge (US)`.
    Outside { label: String },
}

/// Resolves `(city, country)` or a metro id/name to a registry metro.
pub struct Places<'a> {
    registry: &'a Registry,
    /// (lower-case administrative name, ISO country) → metros having it as a member.
    members: BTreeMap<(String, String), Vec<String>>,
    /// (lower-case place, ISO country) → metro, from the alias tables.
    aliases: BTreeMap<(String, String), String>,
    /// Lower-case other country names → ISO code.
    country_names: BTreeMap<String, String>,
    /// Rows skipped as outside every metro: file → place label → rows.
    outside: RefCell<BTreeMap<String, BTreeMap<String, usize>>>,
}

fn key(s: &str) -> String {
    s.trim().to_lowercase()
}

/// 1 − (optimal-string-alignment distance / longer length): a transposed pair of letters
/// ("Frnace") costs one edit, as a typist's slip should.
pub fn similarity(a: &str, b: &str) -> f64 {
    let longest = a.chars().count().max(b.chars().count());
    if longest == 0 {
        return 1.0;
    }
    1.0 - strsim::osa_distance(a, b) as f64 / longest as f64
}

impl<'a> Places<'a> {
    /// Indexes the registry's members (English and Chinese names) and the 2024 edition's
    /// aliases ([`PLACE_ALIASES_CSV`]).
    pub fn new(registry: &'a Registry) -> Places<'a> {
        let mut places = Places::without_aliases(registry);
        places
            .add_aliases(PLACE_ALIASES_CSV)
            .expect("the built-in aliases are valid (tested)");
        places
    }

    /// Indexes the registry's members and an edition's alias table (CSV text, the layout
    /// of [`PLACE_ALIASES_CSV`]); the error gives the line, column and problem.
    pub fn with_aliases(
        registry: &'a Registry,
        aliases_csv: &str,
    ) -> Result<Places<'a>, (usize, usize, String)> {
        let mut places = Places::without_aliases(registry);
        places.add_aliases(aliases_csv)?;
        Ok(places)
    }

    fn without_aliases(registry: &'a Registry) -> Places<'a> {
        let mut members: BTreeMap<(String, String), Vec<String>> = BTreeMap::new();
        for c in &registry.cities {
            for m in &c.members {
                for name in [&m.name_en, &m.name_zh] {
                    let v = members.entry((key(name), m.country.clone())).or_default();
                    if !v.contains(&c.id) {
                        v.push(c.id.clone());
                    }
                }
            }
        }
        let names: toml::Value = toml::from_str(COUNTRY_NAMES_TOML)
            .expect("the built-in country names are valid (tested)");
        let country_names = names
            .get("names")
            .and_then(|t| t.as_table())
            .map(|t| {
                t.iter()
                    .filter_map(|(k, v)| Some((key(k), v.as_str()?.to_string())))
                    .collect()
            })
            .unwrap_or_default();
        Places {
            registry,
            members,
            aliases: BTreeMap::new(),
            country_names,
            outside: RefCell::new(BTreeMap::new()),
        }
    }

    /// Counts a row of `file` skipped because its place lies outside every metro.
    pub fn note_outside(&self, file: &str, label: &str) {
        *self
            .outside
            .borrow_mut()
            .entry(file.to_string())
            .or_default()
            .entry(label.to_string())
            .or_default() += 1;
    }

    /// Rows skipped as outside every metro: file → place label → rows.
    pub fn outside(&self) -> BTreeMap<String, BTreeMap<String, usize>> {
        self.outside.borrow().clone()
    }

    /// Adds alias lines: a header `place,country,metro[,note]`, then one line per place;
    /// `#` lines are comments. An error gives its (line, column, message).
    pub fn add_aliases(&mut self, text: &str) -> Result<(), (usize, usize, String)> {
        let (filtered, lines) = gihi_input::CommentFilter::new(text.as_bytes());
        let mut rdr = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(filtered);
        let line_of = |r: &csv::StringRecord| {
            lines
                .borrow()
                .real_line(r.position().map_or(0, |p| p.line() as usize))
        };
        let mut header_seen = false;
        for rec in rdr.records() {
            let rec = rec.map_err(|e| (0, 0, e.to_string()))?;
            let at = line_of(&rec);
            let cell = |k: usize| rec.get(k).unwrap_or("").trim();
            if !header_seen {
                let names: Vec<String> = rec.iter().map(key).collect();
                if names.len() < 3 || names[..3] != ["place", "country", "metro"] {
                    return Err((
                        at,
                        1,
                        format!(
                            "expected the header `place,country,metro[,note]`, found `{}`",
                            rec.iter().collect::<Vec<_>>().join(",")
                        ),
                    ));
                }
                header_seen = true;
                continue;
            }
            let (place, country, metro) = (cell(0), cell(1), cell(2));
            if place.is_empty() {
                return Err((at, 1, "expected a place name, found an empty cell".into()));
            }
            let iso = self.country(country).ok_or_else(|| {
                (
                    at,
                    2,
                    format!("unknown country `{country}`: expected one of the registry's"),
                )
            })?;
            let m = self.registry.get(metro).ok_or_else(|| {
                (
                    at,
                    3,
                    format!(
                        "unknown metro `{metro}`; did you mean {}?",
                        self.registry.suggest(metro).join(", ")
                    ),
                )
            })?;
            self.aliases.insert((key(place), iso), m.id.clone());
        }
        Ok(())
    }

    /// The ISO code of a registry country given as code, English or Chinese name, or one of
    /// the other spellings of `data/derivation/country-names.toml`.
    pub fn country(&self, s: &str) -> Option<String> {
        let k = key(s);
        self.registry
            .countries
            .iter()
            .find(|c| {
                c.code.to_lowercase() == k
                    || c.code3.to_lowercase() == k
                    || key(&c.name_en) == k
                    || key(&c.name_zh) == k
            })
            .map(|c| c.code.clone())
            .or_else(|| self.country_names.get(&k).cloned())
    }

    /// The registry country names closest to an unknown country name (likely misspellings).
    fn close_countries(&self, s: &str) -> Vec<String> {
        let k = key(s);
        if k.chars().count() <= 3 {
            return Vec::new(); // an ISO code of another country
        }
        self.registry
            .countries
            .iter()
            .map(|c| c.name_en.clone())
            .chain(self.country_names.keys().cloned())
            .filter(|n| similarity(&key(n), &k) >= CLOSE)
            .collect()
    }

    /// The ISO alpha-3 code of a country given as ISO code or name.
    pub fn country3(&self, s: &str) -> Option<String> {
        let iso = self.country(s)?;
        self.registry
            .countries
            .iter()
            .find(|c| c.code == iso)
            .map(|c| c.code3.clone())
    }

    /// Every metro of a country (registry order).
    pub fn metros_of(&self, iso: &str) -> Vec<String> {
        self.registry
            .cities
            .iter()
            .filter(|c| c.country == iso)
            .map(|c| c.id.clone())
            .collect()
    }

    /// Whether a country (as written in a source) is one of the registry's, an error for a
    /// close misspelling of one: `Ok(None)` for a country outside the registry.
    pub fn registry_country(&self, country: &str) -> Result<Option<String>, String> {
        if let Some(iso) = self.country(country) {
            return Ok(Some(iso));
        }
        let close = self.close_countries(country);
        if close.is_empty() {
            Ok(None)
        } else {
            Err(format!(
                "unknown country `{country}`; did you mean {}? (add other spellings to data/derivation/country-names.toml)",
                close.join(", ")
            ))
        }
    }

    /// The metro a `metro` column names (a registry id or name).
    pub fn metro_id(&self, m: &str) -> Result<String, String> {
        match self.resolve(m, "", Some(m))? {
            Resolved::Metro(id) => Ok(id),
            Resolved::Outside { label } => Err(format!("`{label}` is not an evaluated metro")),
        }
    }

    /// The member place a row names, for comparing numerators with populations:
    /// `the whole metro` when the place is the metro's own id or name and not also the name
    /// of one of its members, else `<city> (<ISO>)`.
    pub fn member_label(&self, city: &str, country: &str, metro: &str) -> String {
        let k = key(city);
        let iso = self.country(country).unwrap_or_default();
        let is_member = self
            .members
            .get(&(k.clone(), iso.clone()))
            .is_some_and(|v| v.iter().any(|m| m == metro));
        let names_metro = self.registry.get(metro).is_some_and(|c| {
            k.is_empty() || key(&c.id) == k || key(&c.name_en) == k || key(&c.name_zh) == k
        });
        if names_metro && !is_member {
            WHOLE_METRO.to_string()
        } else {
            format!("{k} ({iso})")
        }
    }

    /// Where a place lies: `metro` (a registry id) wins; else the place as a metro id or
    /// name; else as a member administrative city or alias of `country`; else outside every
    /// metro, unless it looks like a misspelled member (then an error).
    pub fn resolve(
        &self,
        city: &str,
        country: &str,
        metro: Option<&str>,
    ) -> Result<Resolved, String> {
        if let Some(m) = metro.filter(|m| !m.trim().is_empty()) {
            return self
                .registry
                .get(m.trim())
                .map(|c| Resolved::Metro(c.id.clone()))
                .ok_or_else(|| {
                    format!(
                        "unknown metro `{m}` in the `metro` column; did you mean {}?",
                        self.registry.suggest(m).join(", ")
                    )
                });
        }
        let iso = match country.trim() {
            "" => None,
            c => match self.registry_country(c)? {
                Some(iso) => Some(iso),
                None => {
                    return Ok(Resolved::Outside {
                        label: if city.trim().is_empty() {
                            c.to_string()
                        } else {
                            format!("{} ({c})", city.trim())
                        },
                    })
                }
            },
        };
        if let Some(c) = self.registry.resolve(city) {
            if iso.as_deref().is_none_or(|i| i == c.country) {
                return Ok(Resolved::Metro(c.id.clone()));
            }
        }
        let Some(iso) = iso else {
            return Err(format!("`{city}` is not a metro id or name; give its country to match it as an administrative city"));
        };
        if let Some(m) = self.aliases.get(&(key(city), iso.clone())) {
            return Ok(Resolved::Metro(m.clone()));
        }
        match self.members.get(&(key(city), iso.clone())) {
            Some(v) if v.len() == 1 => Ok(Resolved::Metro(v[0].clone())),
            Some(v) => Err(format!(
                "`{city}` ({iso}) is a member of {} metros ({}); give the metro id in a `metro` column",
                v.len(),
                v.join(", ")
            )),
            None => {
                let near = self.close_members(city, &iso);
                if near.is_empty() {
                    Ok(Resolved::Outside {
                        label: format!("{} ({iso})", city.trim()),
                    })
                } else {
                    Err(format!(
                        "`{city}` ({iso}) matches no registry city, member administrative city or alias, but is close to {}: a misspelling? (a place in a metro that Appendix 5 does not list goes into {USER_ALIASES_FILE})",
                        near.join(", ")
                    ))
                }
            }
        }
    }

    /// Member names of `iso` at least [`CLOSE`] similar to `city`, best first (at most three).
    fn close_members(&self, city: &str, iso: &str) -> Vec<String> {
        let k = key(city);
        if k.chars().count() > 100 {
            return Vec::new();
        }
        let mut near: Vec<(f64, String)> = self
            .members
            .keys()
            .chain(self.aliases.keys())
            .filter(|(_, c)| c == iso)
            .map(|(n, _)| (similarity(n, &k), n.clone()))
            .filter(|(s, _)| *s >= CLOSE)
            .collect();
        near.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        near.dedup_by(|a, b| a.1 == b.1);
        near.truncate(3);
        near.into_iter().map(|(_, n)| n).collect()
    }
}
