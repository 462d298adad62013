//! Hand-checked cases on the published 2024 edition.

use super::*;
use crate::rankings::RankingFilter;

fn edition() -> Explorer {
    Explorer::from_edition(None).expect("the built-in 2024 edition loads")
}

#[test]
fn composite_ranking_starts_as_table_2() {
    let e = edition();
    let r = e.ranking("composite", &RankingFilter::default()).unwrap();
    let top: Vec<&str> = r.rows.iter().take(3).map(|x| x.city.id.as_str()).collect();
    assert_eq!(top, ["san-francisco-san-jose", "new-york", "beijing"]);
    // Table 2 prints the top 100 of the 108 hubs.
    assert_eq!((r.rows.len(), r.group_size), (100, 108));
    // Table 3 prints the 2022 and 2023 ranks of the top 20.
    assert_eq!(
        r.rows[3].history,
        vec![
            types::RankAt {
                year: 2022,
                rank: 5
            },
            types::RankAt {
                year: 2023,
                rank: 5
            }
        ]
    );
}

#[test]
fn filters_combine_and_unknown_values_are_refused() {
    let e = edition();
    let f = RankingFilter {
        continent: Some("asia".into()),
        country: Some("cn".into()),
        search: None,
    };
    let r = e.ranking("composite", &f).unwrap();
    assert!(r.rows.iter().all(|x| x.city.country == "CN"));
    assert!(r.rows.iter().any(|x| x.city.id == "beijing"));
    let bad = RankingFilter {
        continent: Some("Atlantis".into()),
        ..Default::default()
    };
    assert!(matches!(
        e.ranking("composite", &bad),
        Err(ServiceError::Unknown(_))
    ));
    assert!(matches!(
        e.ranking("Z9", &RankingFilter::default()),
        Err(ServiceError::Unknown(_))
    ));
    let search = RankingFilter {
        search: Some("北京".into()),
        ..Default::default()
    };
    assert_eq!(e.ranking("composite", &search).unwrap().rows.len(), 1);
}

#[test]
fn profile_and_compare() {
    let e = edition();
    let p = e.profile("Beijing").unwrap();
    assert_eq!(p.city.id, "beijing");
    let comp = p.positions.iter().find(|x| x.level == "composite").unwrap();
    assert_eq!(comp.rank, 3);
    assert_eq!(p.mode.as_ref().unwrap().origin, "printed");
    assert!(matches!(
        e.profile("Atlantis"),
        Err(ServiceError::Unknown(_))
    ));
    let two = e.compare(&["beijing".into(), "tokyo".into()]).unwrap();
    assert_eq!(two.len(), 2);
    assert!(e.compare(&["beijing".into()]).is_err());
    assert!(e.compare(&["beijing".into(), "Beijing".into()]).is_err());
}

#[test]
fn published_edition_cannot_recompute() {
    let e = edition();
    assert!(!e.meta().recomputable);
    let req = WhatIfRequest {
        weights: [("A".to_string(), 2.0)].into(),
        ..Default::default()
    };
    assert!(matches!(e.whatif(&req), Err(ServiceError::Unavailable(_))));
    assert!(matches!(
        e.target("beijing", "composite", 1),
        Err(ServiceError::Unavailable(_))
    ));
}

#[test]
fn levels_round_trip() {
    for (l, g, n) in [
        ("composite", Group::Main, "GIHI"),
        ("mini", Group::Mini, "GIHI"),
        ("A2", Group::Main, "A2"),
        ("mini-B", Group::Mini, "B"),
    ] {
        assert_eq!(parse_level(l), (g, n.to_string()));
        assert_eq!(level_name(g, n), l);
    }
}

#[test]
fn modes_regions_audit_and_tables() {
    let e = edition();
    let m = e.modes().unwrap();
    assert_eq!(m.cities.len(), 20);
    assert_eq!(m.pillars, ["A", "B", "C"]);
    let r = e.regions("composite").unwrap();
    assert_eq!(r.continents.iter().map(|c| c.cities).sum::<usize>(), 100);
    assert!(!e.audit().unwrap().findings.is_empty());
    for name in tables::TABLES {
        let req = tables::TableRequest {
            cities: vec!["beijing".into(), "tokyo".into()],
            ..Default::default()
        };
        let t = e.table_for_download(name, &req).unwrap();
        assert!(t.rows.iter().all(|r| r.len() == t.header.len()), "{name}");
    }
    assert!(e
        .table_for_download("secrets", &Default::default())
        .is_err());
}

#[test]
fn networks_sum_pairs_and_drop_unknown_cities() {
    let e = edition().with_network(NetworkParts {
        id: "patents",
        titles: ["t", "标题", "s", "大小"],
        synthetic: true,
        sizes: vec![("beijing".into(), 3.0), ("atlantis".into(), 9.0)],
        edges: vec![
            ("beijing".into(), "tokyo".into(), 2.0),
            ("tokyo".into(), "beijing".into(), 1.0),
            ("beijing".into(), "atlantis".into(), 5.0),
            ("london".into(), "paris".into(), 3.0),
            ("london".into(), "london".into(), 7.0),
        ],
    });
    assert_eq!(e.meta().networks, ["patents"]);
    let n = e.network("patents").unwrap();
    assert_eq!(n.nodes.len(), 1);
    let edges: Vec<(&str, &str, f64)> = n
        .edges
        .iter()
        .map(|x| (x.a.as_str(), x.b.as_str(), x.weight))
        .collect();
    // Heaviest first; equal weights by city ids.
    assert_eq!(edges, [("beijing", "tokyo", 3.0), ("london", "paris", 3.0)]);
    assert!(matches!(e.network("roads"), Err(ServiceError::Unknown(_))));
}
