//! The registry of evaluated cities (metropolitan areas) and their member administrative
//! cities, with the report's continent, country and evaluation group.
//!
//! An edition's registry is a data file (`cities.toml` of the edition directory); the GIHI
//! 2024 registry (report Appendices 4–5, mini-hubs from Table 4) is the shipped 2024
//! edition's, `data/editions/2024/cities.toml`, built in ([`Registry::gihi_2024`]).

use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

/// Text of the built-in GIHI 2024 registry.
pub const GIHI_2024_TOML: &str = include_str!("../../../data/editions/2024/cities.toml");

/// The cities an edition evaluates.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Registry {
    /// Where the registry comes from.
    pub source: String,
    #[serde(rename = "country")]
    pub countries: Vec<Country>,
    #[serde(rename = "city")]
    pub cities: Vec<City>,
    /// Member names that appear in more than one city, each with the rule that allows it.
    #[serde(
        rename = "shared_member",
        default,
        skip_serializing_if = "Vec::is_empty"
    )]
    pub shared_members: Vec<SharedMember>,
}

/// A member name listed under several cities, allowed by a stated rule (e.g. two places of
/// the same name: Arlington, Virginia and Arlington, Texas).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SharedMember {
    pub name_en: String,
    pub country: String,
    /// The ids of the cities that list it.
    pub cities: Vec<String>,
    /// Why it may appear in each of them.
    pub rule: String,
}

/// A country, by ISO 3166-1 alpha-2 code as the report assigns cities to it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Country {
    pub code: String,
    /// ISO 3166-1 alpha-3 code (World Bank files use it).
    pub code3: String,
    pub name_en: String,
    pub name_zh: String,
}

/// An evaluated city (metropolitan area).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct City {
    /// Number in report Appendix 5.
    pub no: u32,
    /// Stable ASCII id, e.g. `san-francisco-san-jose`.
    pub id: String,
    pub name_en: String,
    /// Chinese name as Table 2 spells it, e.g. `旧金山-圣何塞`.
    pub name_zh: String,
    /// ISO 3166-1 alpha-2 code.
    pub country: String,
    pub continent: Continent,
    pub group: Group,
    /// Member administrative cities (Appendix 5).
    pub members: Vec<Member>,
}

/// An administrative city that belongs to an evaluated city.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Member {
    pub name_en: String,
    pub name_zh: String,
    pub country: String,
}

/// Continent as the report assigns it (Turkey's cities count as Asia).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, Serialize)]
pub enum Continent {
    Asia,
    Europe,
    #[serde(rename = "North America")]
    NorthAmerica,
    Oceania,
    #[serde(rename = "South America")]
    SouthAmerica,
    Africa,
}

impl Continent {
    /// All continents in the report's usual order.
    pub const ALL: [Continent; 6] = [
        Continent::Asia,
        Continent::Europe,
        Continent::NorthAmerica,
        Continent::Oceania,
        Continent::SouthAmerica,
        Continent::Africa,
    ];

    /// English name, e.g. `North America`.
    pub fn name_en(self) -> &'static str {
        match self {
            Continent::Asia => "Asia",
            Continent::Europe => "Europe",
            Continent::NorthAmerica => "North America",
            Continent::Oceania => "Oceania",
            Continent::SouthAmerica => "South America",
            Continent::Africa => "Africa",
        }
    }

    /// Chinese name, e.g. `北美洲`.
    pub fn name_zh(self) -> &'static str {
        match self {
            Continent::Asia => "亚洲",
            Continent::Europe => "欧洲",
            Continent::NorthAmerica => "北美洲",
            Continent::Oceania => "大洋洲",
            Continent::SouthAmerica => "南美洲",
            Continent::Africa => "非洲",
        }
    }
}

impl fmt::Display for Continent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name_en())
    }
}

/// Evaluation group: each is z-scored and ranked on its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Group {
    /// The main ranking (108 cities in 2024).
    Main,
    /// Mini-hubs: population under one million (12 in 2024, Table 4).
    Mini,
}

impl Group {
    /// Both groups, main first.
    pub const ALL: [Group; 2] = [Group::Main, Group::Mini];

    /// `main` or `mini`.
    pub fn as_str(self) -> &'static str {
        match self {
            Group::Main => "main",
            Group::Mini => "mini",
        }
    }
}

impl fmt::Display for Group {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why a registry could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum RegistryError {
    #[error("{origin}: not a valid registry file: {message}")]
    Syntax { origin: String, message: String },
    #[error("{origin}: city {city}: {problem}")]
    Invalid {
        origin: String,
        city: String,
        problem: String,
    },
}

impl Registry {
    /// The built-in GIHI 2024 registry (120 cities).
    pub fn gihi_2024() -> Registry {
        Registry::from_toml_str(GIHI_2024_TOML, "data/editions/2024/cities.toml")
            .expect("the built-in registry is valid (tested)")
    }

    /// Parses and validates registry TOML; `origin` names the text in errors.
    pub fn from_toml_str(text: &str, origin: &str) -> Result<Registry, RegistryError> {
        let reg: Registry = toml::from_str(text).map_err(|e| RegistryError::Syntax {
            origin: origin.to_string(),
            message: e.to_string(),
        })?;
        reg.validate(origin)?;
        Ok(reg)
    }

    fn validate(&self, origin: &str) -> Result<(), RegistryError> {
        let invalid = |city: &str, problem: String| RegistryError::Invalid {
            origin: origin.to_string(),
            city: city.to_string(),
            problem,
        };
        let codes: BTreeSet<&str> = self.countries.iter().map(|c| c.code.as_str()).collect();
        let mut ids = BTreeSet::new();
        let mut names = BTreeSet::new();
        for c in &self.cities {
            let ascii = !c.id.is_empty()
                && c.id
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
            if !ascii {
                return Err(invalid(
                    &c.id,
                    "id must be lower-case ASCII letters, digits and hyphens".into(),
                ));
            }
            if !ids.insert(c.id.as_str()) {
                return Err(invalid(&c.id, "duplicate id".into()));
            }
            for n in [&c.name_en, &c.name_zh] {
                if !names.insert(normalise(n)) {
                    return Err(invalid(
                        &c.id,
                        format!("name {n:?} is used by another city"),
                    ));
                }
            }
            for code in std::iter::once(&c.country).chain(c.members.iter().map(|m| &m.country)) {
                if !codes.contains(code.as_str()) {
                    return Err(invalid(
                        &c.id,
                        format!("country {code:?} is not in the [[country]] list"),
                    ));
                }
            }
            if c.members.is_empty() {
                return Err(invalid(&c.id, "has no member administrative city".into()));
            }
        }
        self.check_shared_members(origin)
    }

    /// A member (English name, country) listed under two cities needs a `[[shared_member]]`
    /// entry naming exactly those cities; an entry that matches nothing is an error too.
    fn check_shared_members(&self, origin: &str) -> Result<(), RegistryError> {
        let mut listed: BTreeMap<(String, &str), BTreeSet<&str>> = BTreeMap::new();
        for c in &self.cities {
            for m in &c.members {
                listed
                    .entry((normalise(&m.name_en), m.country.as_str()))
                    .or_default()
                    .insert(c.id.as_str());
            }
        }
        let declared: BTreeMap<(String, &str), BTreeSet<&str>> = self
            .shared_members
            .iter()
            .map(|s| {
                (
                    (normalise(&s.name_en), s.country.as_str()),
                    s.cities.iter().map(String::as_str).collect(),
                )
            })
            .collect();
        for ((name, country), cities) in &listed {
            if cities.len() > 1 && declared.get(&(name.clone(), country)) != Some(cities) {
                let ids: Vec<&str> = cities.iter().copied().collect();
                return Err(RegistryError::Invalid {
                    origin: origin.to_string(),
                    city: ids.join(", "),
                    problem: format!(
                        "member {name:?} ({country}) is listed under {}: declare it in a [[shared_member]] entry with cities = {ids:?} and the rule that allows it (e.g. two places of the same name)",
                        ids.join(" and ")
                    ),
                });
            }
        }
        for s in &self.shared_members {
            let key = (normalise(&s.name_en), s.country.as_str());
            if listed.get(&key).is_none_or(|c| c.len() < 2) {
                return Err(RegistryError::Invalid {
                    origin: origin.to_string(),
                    city: s.cities.join(", "),
                    problem: format!(
                        "[[shared_member]] {:?} ({}) is not listed under two or more cities: remove the entry",
                        s.name_en, s.country
                    ),
                });
            }
        }
        Ok(())
    }

    /// The city with this id.
    pub fn get(&self, id: &str) -> Option<&City> {
        self.cities.iter().find(|c| c.id == id)
    }

    /// Finds a city by id, English name or Chinese name (case, spaces around hyphens and
    /// the `MA` suffix do not matter).
    pub fn resolve(&self, name: &str) -> Option<&City> {
        let key = normalise(name);
        self.cities
            .iter()
            .find(|c| c.id == key || normalise(&c.name_en) == key || normalise(&c.name_zh) == key)
    }

    /// The registry ids closest to an unknown name, best first (at most three).
    pub fn suggest(&self, name: &str) -> Vec<&str> {
        // Edit distances cost length squared: no suggestion for text no name resembles.
        if name.chars().count() > 100 {
            return Vec::new();
        }
        let key = normalise(name);
        let mut scored: Vec<(f64, &str)> = self
            .cities
            .iter()
            .map(|c| {
                let best = [
                    c.id.as_str(),
                    &normalise(&c.name_en),
                    &normalise(&c.name_zh),
                ]
                .iter()
                .map(|n| strsim::normalized_levenshtein(&key, n))
                .fold(0.0, f64::max);
                (best, c.id.as_str())
            })
            .filter(|(s, _)| *s >= 0.4)
            .collect();
        scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(b.1)));
        scored.into_iter().take(3).map(|(_, id)| id).collect()
    }

    /// The country with this ISO code.
    pub fn country(&self, code: &str) -> Option<&Country> {
        self.countries.iter().find(|c| c.code == code)
    }

    /// The cities of one group, in registry order.
    pub fn group(&self, group: Group) -> impl Iterator<Item = &City> {
        self.cities.iter().filter(move |c| c.group == group)
    }
}

/// Lower-case, hyphens without surrounding spaces, trailing " MA" removed.
fn normalise(name: &str) -> String {
    let lower = name.trim().to_lowercase();
    let lower = lower.strip_suffix(" ma").unwrap_or(&lower);
    let mut out = String::with_capacity(lower.len());
    for part in lower.split('-') {
        if !out.is_empty() {
            out.push('-');
        }
        out.push_str(part.trim());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn appendix_4_totals() {
        let r = Registry::gihi_2024();
        assert_eq!(r.cities.len(), 120);
        assert_eq!(r.group(Group::Main).count(), 108);
        assert_eq!(r.group(Group::Mini).count(), 12);
        let countries: BTreeSet<_> = r.cities.iter().map(|c| c.country.as_str()).collect();
        assert_eq!(countries.len(), 38);
        let mut by_continent = BTreeMap::new();
        for c in &r.cities {
            *by_continent.entry(c.continent).or_insert(0) += 1;
        }
        assert_eq!(
            by_continent.into_iter().collect::<Vec<_>>(),
            [
                (Continent::Asia, 44),
                (Continent::Europe, 38),
                (Continent::NorthAmerica, 31),
                (Continent::Oceania, 4),
                (Continent::SouthAmerica, 2),
                (Continent::Africa, 1)
            ]
        );
        // "覆盖 374 个主要行政区划城市" (Appendix 4).
        assert_eq!(r.cities.iter().map(|c| c.members.len()).sum::<usize>(), 374);
        let numbers: Vec<u32> = r.cities.iter().map(|c| c.no).collect();
        assert_eq!(numbers, (1..=120).collect::<Vec<_>>());
    }

    #[test]
    fn mini_hubs_are_those_of_table_4() {
        let r = Registry::gihi_2024();
        let mut mini: Vec<_> = r.group(Group::Mini).map(|c| c.name_zh.as_str()).collect();
        mini.sort();
        let mut table4 = vec![
            "剑桥",
            "巴塞尔",
            "牛津",
            "日内瓦",
            "奥斯陆",
            "安娜堡",
            "博尔德",
            "伊萨卡",
            "洛桑",
            "海德堡",
            "耶路撒冷",
            "埃因霍温",
        ];
        table4.sort();
        assert_eq!(mini, table4);
        // Section 2.3: all but Jerusalem are in Europe or North America, in six countries.
        let countries: BTreeSet<_> = r
            .group(Group::Mini)
            .filter(|c| c.id != "jerusalem")
            .map(|c| c.country.as_str())
            .collect();
        assert_eq!(
            countries.into_iter().collect::<Vec<_>>(),
            ["CH", "DE", "GB", "NL", "NO", "US"]
        );
    }

    #[test]
    fn resolves_ids_and_names() {
        let r = Registry::gihi_2024();
        for q in [
            "san-francisco-san-jose",
            "San Francisco - San Jose",
            "旧金山 - 圣何塞",
            "旧金山-圣何塞",
        ] {
            assert_eq!(
                r.resolve(q).map(|c| c.id.as_str()),
                Some("san-francisco-san-jose"),
                "{q}"
            );
        }
        assert_eq!(r.resolve("Boston MA").unwrap().id, "boston");
        assert_eq!(r.resolve("粤港澳大湾区").unwrap().id, "greater-bay-area");
        assert!(r.resolve("Atlantis").is_none());
        assert_eq!(r.suggest("Bostn")[0], "boston");
        assert_eq!(r.suggest("san francisco")[0], "san-francisco-san-jose");
    }

    #[test]
    fn turkey_counts_as_asia_and_taipei_as_china() {
        let r = Registry::gihi_2024();
        assert_eq!(r.get("istanbul").unwrap().continent, Continent::Asia);
        assert_eq!(r.get("taipei").unwrap().country, "CN");
        assert_eq!(r.get("moscow").unwrap().continent, Continent::Europe);
    }

    #[test]
    fn invalid_registry_is_rejected() {
        let text = GIHI_2024_TOML.replacen("id = \"montreal\"", "id = \"toronto\"", 1);
        let e = Registry::from_toml_str(&text, "r.toml")
            .unwrap_err()
            .to_string();
        assert!(e.contains("city toronto: duplicate id"), "{e}");
        let text = GIHI_2024_TOML.replacen("country = \"MX\"", "country = \"XX\"", 1);
        let e = Registry::from_toml_str(&text, "r.toml")
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("country \"XX\" is not in the [[country]] list"),
            "{e}"
        );
    }
}
