//! A city's profile at every level, comparisons of 2–4 cities, and development modes.

use crate::rankings::{city_info, kind_name, node_names};
use crate::types::{
    CityProfile, IndicatorValue, ModeInfo, ModePoint, ModesMap, Peer, PositionInfo,
};
use crate::{level_name, Explorer, ServiceError};
use gihi_analysis::modes::{development_modes, ModeOptions, ModeType};
use gihi_analysis::profile::profile;
use gihi_analysis::regions::quantile;
use gihi_analysis::GroupStanding;
use gihi_framework::COMPOSITE_ID;
use gihi_registry::Group;

/// Most cities one comparison takes.
pub const MAX_COMPARE: usize = 4;

impl Explorer {
    /// The profile of one city (by id or name).
    pub fn profile(&self, city: &str) -> Result<CityProfile, ServiceError> {
        let c = self.city(city)?;
        let mode = self.mode_of(&c.id)?;
        let p = profile(&self.standing, &c.id, mode.as_ref().map(|m| m.id.clone())).ok_or_else(
            || {
                ServiceError::Unavailable(format!(
                    "{}: {} is not listed at any level",
                    self.label(),
                    c.id
                ))
            },
        )?;
        let g = self
            .standing
            .groups
            .iter()
            .find(|g| g.group.as_str() == p.group)
            .expect("the profile names a group of the standing");
        let positions = g
            .nodes
            .iter()
            .filter_map(|n| {
                let e = n.get(&c.id)?;
                let pos = p.positions.iter().find(|x| x.node == n.node)?;
                let mut scores: Vec<f64> = n.entries.iter().map(|e| e.score).collect();
                scores.sort_by(f64::total_cmp);
                let (name_en, name_zh) = node_names(&self.standing.framework, &n.node);
                Some(PositionInfo {
                    level: level_name(g.group, &n.node),
                    node: n.node.clone(),
                    kind: kind_name(n.level).into(),
                    name_en,
                    name_zh,
                    score: e.score,
                    rank: e.rank,
                    of: n.entries.len(),
                    group_median: quantile(&scores, 0.5),
                    relative: pos.relative,
                    ranks_derived: n.ranks_derived,
                    history: self.history(g.group, &n.node, &c.id),
                    interval: self.interval(g.group, &n.node, &c.id),
                })
            })
            .collect();
        let peers = p
            .peers
            .iter()
            .filter_map(|(id, d)| {
                Some(Peer {
                    city: city_info(self.standing.registry.get(id)?),
                    distance: *d,
                })
            })
            .collect();
        Ok(CityProfile {
            city: city_info(c),
            synthetic: self.synthetic(),
            group: p.group.clone(),
            group_size: p.group_size,
            positions,
            strengths: p.strengths,
            weaknesses: p.weaknesses,
            indicator_strengths: p.indicator_strengths.into_iter().map(|(i, _)| i).collect(),
            indicator_weaknesses: p.indicator_weaknesses.into_iter().map(|(i, _)| i).collect(),
            indicators: self.indicator_values(g, &c.id),
            peers,
            mode,
        })
    }

    /// Profiles of 2 to [`MAX_COMPARE`] distinct cities.
    pub fn compare(&self, cities: &[String]) -> Result<Vec<CityProfile>, ServiceError> {
        self.compare_ids(cities)?
            .iter()
            .map(|c| self.profile(c))
            .collect()
    }

    /// The ids of 2 to [`MAX_COMPARE`] distinct cities named by id or name.
    pub fn compare_ids(&self, cities: &[String]) -> Result<Vec<String>, ServiceError> {
        if cities.len() < 2 || cities.len() > MAX_COMPARE {
            return Err(ServiceError::Invalid(format!(
                "compare: expected 2 to {MAX_COMPARE} cities, found {}",
                cities.len()
            )));
        }
        let mut ids: Vec<String> = Vec::new();
        for name in cities {
            let id = &self.city(name)?.id;
            if ids.contains(id) {
                return Err(ServiceError::Invalid(format!(
                    "compare: {id} is named twice; expected distinct cities"
                )));
            }
            ids.push(id.clone());
        }
        Ok(ids)
    }

    /// The development modes of the main group's top 20 with their pillar scores: printed
    /// (section 2.2) for a published edition, Ward clustering (Appendix 6) for a run.
    pub fn modes(&self) -> Result<ModesMap, ServiceError> {
        let g = self
            .standing
            .group(Group::Main)
            .ok_or_else(|| ServiceError::Unavailable(format!("{}: no main group", self.label())))?;
        let pillars = self.pillar_ids();
        let composite = g.node(COMPOSITE_ID).ok_or_else(|| {
            ServiceError::Unavailable(format!("{}: no composite ranking", self.label()))
        })?;
        let mut cities = Vec::new();
        for e in &composite.entries {
            let Some(mode) = self.mode_of(&e.city)? else {
                continue;
            };
            let scores: Option<Vec<f64>> = pillars
                .iter()
                .map(|p| g.node(p).and_then(|n| n.get(&e.city)).map(|x| x.score))
                .collect();
            let (Some(scores), Some(c)) = (scores, self.standing.registry.get(&e.city)) else {
                continue;
            };
            cities.push(ModePoint {
                city: city_info(c),
                composite_rank: e.rank,
                scores,
                mode,
            });
        }
        Ok(ModesMap {
            synthetic: self.synthetic(),
            pillars,
            cities,
        })
    }

    /// A city's development mode, if it is among the cities Appendix 6 classifies.
    pub fn mode_of(&self, city: &str) -> Result<Option<ModeInfo>, ServiceError> {
        if let Some(e) = &self.edition {
            return Ok(e.modes.iter().find(|m| m.city == city).map(|m| {
                let name_en =
                    ModeType::from_id(&m.mode).map_or(m.mode.clone(), |t| t.name_en().into());
                ModeInfo {
                    id: m.mode.clone(),
                    name_en,
                    name_zh: m.mode_zh.clone(),
                    origin: "printed".into(),
                }
            }));
        }
        let modes = self.computed_modes.get_or_init(|| {
            let g = self.standing.group(Group::Main)?;
            let pillars = self.pillar_ids();
            // A framework without three pillars has no modes: an answer, not an error.
            development_modes(g, &pillars, ModeOptions::default()).ok()
        });
        let Some(m) = modes else {
            return Ok(None);
        };
        Ok(m.cities.iter().find(|x| x.city == city).map(|x| ModeInfo {
            id: x.mode.id().into(),
            name_en: x.mode.name_en().into(),
            name_zh: x.mode.name_zh().into(),
            origin: "computed".into(),
        }))
    }

    /// The framework's pillar ids, in order.
    fn pillar_ids(&self) -> Vec<String> {
        let pillars = &self.standing.framework.pillars;
        pillars.iter().map(|p| p.id.clone()).collect()
    }

    /// Indicator values, z-scores and their ranks in the group (computed runs only).
    fn indicator_values(&self, g: &GroupStanding, city: &str) -> Vec<IndicatorValue> {
        let (Some(z), Some(values)) = (g.indicator_z.get(city), g.indicator_values.get(city))
        else {
            return Vec::new();
        };
        self.standing
            .framework
            .indicators()
            .enumerate()
            .map(|(i, ind)| {
                let rank = 1 + g.indicator_z.values().filter(|o| o[i] > z[i]).count() as u32;
                IndicatorValue {
                    id: ind.id.clone(),
                    name_en: ind.name_en.clone(),
                    name_zh: ind.name_zh.clone(),
                    unit: ind.unit.clone(),
                    value: values[i],
                    z: z[i],
                    rank,
                    provenance: if values[i].is_some() {
                        "observed".into()
                    } else {
                        "missing (z = 0, mean-imputed)".into()
                    },
                }
            })
            .collect()
    }
}
