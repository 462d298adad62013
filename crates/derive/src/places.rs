//! Mapping places named in source tables to evaluated cities (metros) through the registry's
//! member administrative cities.

use gihi_registry::Registry;
use std::collections::BTreeMap;

/// Resolves `(city, country)` or a metro id/name to a registry metro.
pub struct Places<'a> {
    registry: &'a Registry,
    /// (lower-case administrative name, ISO country) → metros having it as a member.
    members: BTreeMap<(String, String), Vec<String>>,
}

fn key(s: &str) -> String {
    s.trim().to_lowercase()
}

impl<'a> Places<'a> {
    /// Indexes the registry's members (English and Chinese names).
    pub fn new(registry: &'a Registry) -> Places<'a> {
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
        Places { registry, members }
    }

    /// The ISO code of a country given as code or English or Chinese name.
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
            .or_else(|| match k.as_str() {
                "usa" | "united states of america" | "u.s." | "us" => Some("US".into()),
                "uk" | "great britain" | "britain" => Some("GB".into()),
                "korea" | "republic of korea" | "korea, rep." => Some("KR".into()),
                "russian federation" => Some("RU".into()),
                "czech republic" => Some("CZ".into()),
                "türkiye" | "turkiye" => Some("TR".into()),
                "hong kong" | "hong kong sar" | "macao" | "macau" | "taiwan" | "chinese taipei" => {
                    Some("CN".into())
                }
                _ => None,
            })
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

    /// The metro of a place: `metro` (a registry id) wins; else the place as a metro id or
    /// name; else as a member administrative city of `country`.
    pub fn resolve(
        &self,
        city: &str,
        country: &str,
        metro: Option<&str>,
    ) -> Result<String, String> {
        if let Some(m) = metro.filter(|m| !m.trim().is_empty()) {
            return self
                .registry
                .get(m.trim())
                .map(|c| c.id.clone())
                .ok_or_else(|| {
                    format!(
                        "unknown metro `{m}` in the `metro` column; did you mean {}?",
                        self.registry.suggest(m).join(", ")
                    )
                });
        }
        let iso = match country.trim() {
            "" => None,
            c => Some(self.country(c).ok_or_else(|| {
                format!("unknown country `{c}`: expected an ISO code or the English name of one of the registry's 38 countries")
            })?),
        };
        if let Some(c) = self.registry.resolve(city) {
            if iso.as_deref().is_none_or(|i| i == c.country) {
                return Ok(c.id.clone());
            }
        }
        let Some(iso) = iso else {
            return Err(format!("`{city}` is not a metro id or name; give its country to match it as an administrative city"));
        };
        match self.members.get(&(key(city), iso.clone())) {
            Some(v) if v.len() == 1 => Ok(v[0].clone()),
            Some(v) => Err(format!(
                "`{city}` ({iso}) is a member of {} metros ({}); give the metro id in a `metro` column",
                v.len(),
                v.join(", ")
            )),
            None => {
                let near: Vec<String> = self
                    .members
                    .keys()
                    .filter(|(_, c)| *c == iso)
                    .map(|(n, _)| (strsim::normalized_levenshtein(n, &key(city)), n.clone()))
                    .filter(|(s, _)| *s >= 0.5)
                    .fold(Vec::new(), |mut acc: Vec<(f64, String)>, x| {
                        acc.push(x);
                        acc.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
                        acc.truncate(3);
                        acc
                    })
                    .into_iter()
                    .map(|(_, n)| n)
                    .collect();
                Err(format!(
                    "`{city}` ({iso}) matches no registry city or member administrative city{}",
                    if near.is_empty() { String::new() } else { format!("; closest: {}", near.join(", ")) }
                ))
            }
        }
    }
}
