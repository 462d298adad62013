//! The patent figures counted from what the walk gathered ([`crate::patent_walk`]): families
//! and metros as dense integers, with the definitions of the generic plan's queries
//! ([`crate::patents`] for I09, I10, I18 and the totals; [`crate::focus`] for the
//! biomedical tables), so that both paths give identical results (`tests/patent_walk.rs`).

use crate::dates::civil_from_days;
use crate::focus::{rank_applicants, type_mix, FIRST_YEAR, TOP_COUNTRIES};
use crate::layout::PARTY_TYPES;
use crate::patent_walk::{Family, Placed, Walked};
use crate::patents::{Edge, Focus};
use gihi_ipc::{FieldSet, Fields};
use gihi_registry::Registry;
use std::collections::BTreeMap;

/// The metros of a set (registry indices), ascending.
fn each(set: u128) -> impl Iterator<Item = usize> {
    let mut w = set;
    std::iter::from_fn(move || {
        (w != 0).then(|| {
            let m = w.trailing_zeros() as usize;
            w &= w - 1;
            m
        })
    })
}

/// Adds one family's fields to per-field counts, then to the last column (all fields).
fn count(into: &mut [u64], fields: FieldSet) {
    let (per_field, all) = into.split_at_mut(into.len() - 1);
    for (k, n) in per_field.iter_mut().enumerate() {
        *n += u64::from(fields & (1 << k) != 0);
    }
    all[0] += 1;
}

/// Families per metro (registry index) and field, then all fields, over the placed
/// publications `pick` selects: a family counts in a metro once, with the OR of the fields
/// of its publications located there.
pub(crate) fn per_metro(
    placed: &[Placed],
    pick: impl Fn(&Placed) -> bool,
    metros: usize,
    nf: usize,
) -> Vec<Vec<u64>> {
    let mut pairs: Vec<(usize, u32, FieldSet)> = placed
        .iter()
        .filter(|p| pick(p))
        .flat_map(|p| each(p.metros).map(move |m| (m, p.family, p.fields)))
        .collect();
    pairs.sort_unstable();
    let mut out = vec![vec![0u64; nf + 1]; metros];
    let mut k = 0;
    while k < pairs.len() {
        let (m, family, mut fields) = pairs[k];
        k += 1;
        while k < pairs.len() && pairs[k].0 == m && pairs[k].1 == family {
            fields |= pairs[k].2;
            k += 1;
        }
        if m < metros {
            count(&mut out[m], fields);
        }
    }
    out
}

/// Families per field, then all, whose field set `of` picks is not empty.
pub(crate) fn totals(families: &[Family], of: impl Fn(&Family) -> FieldSet, nf: usize) -> Vec<u64> {
    let mut out = vec![0u64; nf + 1];
    for f in families {
        let s = of(f);
        if s != 0 {
            count(&mut out, s);
        }
    }
    out
}

/// The co-application edges of the year's network: per pair of metros, the families (per
/// field of their network publications, then all) with applicants in both, ordered by the
/// metros' ids.
pub(crate) fn edges(families: &[Family], registry: &Registry, nf: usize) -> Vec<Edge> {
    let mut pairs: BTreeMap<(usize, usize), Vec<u64>> = BTreeMap::new();
    for f in families {
        if f.network == 0 || f.metros.count_ones() < 2 {
            continue;
        }
        let ms: Vec<usize> = each(f.metros).collect();
        for (i, &a) in ms.iter().enumerate() {
            for &b in &ms[i + 1..] {
                count(
                    pairs.entry((a, b)).or_insert_with(|| vec![0; nf + 1]),
                    f.network,
                );
            }
        }
    }
    let id = |m: usize| registry.cities[m].id.clone();
    let mut out: Vec<Edge> = pairs
        .into_iter()
        .filter(|((a, b), _)| *a < registry.cities.len() && *b < registry.cities.len())
        .map(|((a, b), families)| {
            let (a, b) = (id(a), id(b));
            let (a, b) = if a < b { (a, b) } else { (b, a) };
            Edge { a, b, families }
        })
        .collect();
    out.sort_by(|x, y| (&x.a, &x.b).cmp(&(&y.a, &y.b)));
    out
}

/// The biomedical focus tables from the walk (definitions: [`crate::focus`]); `codes` are
/// the country codes the walk's numbers stand for.
pub(crate) fn focus(
    w: &Walked,
    fields: &Fields,
    registry: &Registry,
    last_year: i32,
    codes: &[String],
) -> Focus {
    let Some(bio) = fields.field("biomedicine") else {
        return Focus::default();
    };
    let b: FieldSet = 1 << bio;
    let fam = |k: u32| &w.families[k as usize];
    let year = |f: &Family| civil_from_days(f.first_days).0;
    let in_range = |y: i32| (FIRST_YEAR..=last_year).contains(&y);
    let flags = |f: &Family| (u64::from(f.valid & b != 0), u64::from(f.pct_any & b != 0));
    let add = |e: &mut (u64, u64), (v, p): (u64, u64)| {
        e.0 += v;
        e.1 += p;
    };
    let mut by_year = Vec::new();

    // The world's series, then the leading countries', then every metro's.
    let mut world: BTreeMap<i32, (u64, u64)> = BTreeMap::new();
    let mut metros: BTreeMap<(&str, i32), (u64, u64)> = BTreeMap::new();
    for f in w.families.iter().filter(|f| f.fields & b != 0) {
        let y = year(f);
        if !in_range(y) {
            continue;
        }
        add(world.entry(y).or_default(), flags(f));
        for m in each(f.metros).filter(|m| *m < registry.cities.len()) {
            add(
                metros
                    .entry((registry.cities[m].id.as_str(), y))
                    .or_default(),
                flags(f),
            );
        }
    }
    by_year.extend(
        world
            .into_iter()
            .map(|(y, (v, p))| ("world".to_string(), y, v, p)),
    );
    let mut pairs: Vec<(u32, u32)> = w
        .countries
        .iter()
        .filter(|(f, _)| fam(*f).fields & b != 0)
        .map(|(f, c)| (*c, *f))
        .collect();
    pairs.sort_unstable();
    pairs.dedup();
    let code = |c: u32| codes[c as usize - 1].as_str();
    let mut leading: BTreeMap<&str, u64> = BTreeMap::new();
    for (c, f) in &pairs {
        if flags(fam(*f)) != (0, 0) {
            *leading.entry(code(*c)).or_default() += 1;
        }
    }
    let mut leading: Vec<(&str, u64)> = leading.into_iter().collect();
    leading.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    leading.truncate(TOP_COUNTRIES);
    let mut countries: BTreeMap<(&str, i32), (u64, u64)> = BTreeMap::new();
    for (c, f) in &pairs {
        let (c, f) = (code(*c), fam(*f));
        if leading.iter().any(|(l, _)| *l == c) && in_range(year(f)) {
            add(countries.entry((c, year(f))).or_default(), flags(f));
        }
    }
    let series = |m: BTreeMap<(&str, i32), (u64, u64)>| {
        m.into_iter()
            .map(|((s, y), (v, p))| (s.to_string(), y, v, p))
            .collect::<Vec<_>>()
    };
    by_year.extend(series(countries));
    by_year.extend(series(metros));

    // Applicants of each metro over its focus families (I09 or I10 biomedical families),
    // and the type mix of its biomedical PCT families of the year.
    let distinct = |keep: &dyn Fn(&Family) -> bool| {
        let mut a: Vec<_> = w
            .applicants
            .iter()
            .filter(|a| keep(fam(a.family)) && (a.metro as usize) < registry.cities.len())
            .map(|a| (a.metro, a.name, a.kind, a.family))
            .collect();
        a.sort_unstable();
        a.dedup();
        a
    };
    let metro_id = |m: u8| registry.cities[m as usize].id.as_str();
    let kind = |k: u8| PARTY_TYPES.get(k as usize).copied().unwrap_or("");
    let is_focus = |f: &Family| (f.valid | f.pct_year) & b != 0;
    let mut held: BTreeMap<(u8, u32, u8), u64> = BTreeMap::new();
    for (m, n, k, _) in distinct(&is_focus) {
        *held.entry((m, n, k)).or_default() += 1;
    }
    let mut metro_families: BTreeMap<String, u64> = BTreeMap::new();
    for f in w.families.iter().filter(|f| is_focus(f)) {
        for m in each(f.metros).filter(|m| *m < registry.cities.len()) {
            *metro_families
                .entry(registry.cities[m].id.clone())
                .or_default() += 1;
        }
    }
    let (top_applicants, concentration) = rank_applicants(
        registry,
        held.iter()
            .map(|((m, n, k), c)| (metro_id(*m), w.names[*n as usize].as_str(), kind(*k), *c)),
        &metro_families,
    );
    let type_mix = type_mix(
        registry,
        distinct(&|f: &Family| f.pct_year & b != 0)
            .into_iter()
            .map(|(m, n, k, f)| (metro_id(m), w.names[n as usize].as_str(), kind(k), f)),
    );
    Focus {
        by_year,
        top_applicants,
        concentration,
        type_mix,
    }
}
