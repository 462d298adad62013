//! The explorer's library API on a computed (synthetic) run, where what-if and target
//! recompute Appendix 3, and `gihi serve` as a process: it starts, answers, and stops
//! gracefully on SIGTERM.

mod common;
use common::*;

use gihi_service::{Explorer, ServiceError, WhatIfRequest};
use std::path::Path;

fn run(dir: &Path) -> Explorer {
    let out = dir.join("run-synthetic");
    let (code, _, err) = gihi(&[
        "compute",
        "--data",
        fixture("synthetic-seed1.csv").to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    Explorer::from_results(&out).expect("the run loads")
}

fn weights(pairs: &[(&str, f64)]) -> WhatIfRequest {
    WhatIfRequest {
        weights: pairs.iter().map(|(k, v)| (k.to_string(), *v)).collect(),
        ..Default::default()
    }
}

#[test]
fn whatif_recomputes_appendix_3() {
    let dir = tempfile::tempdir().unwrap();
    let e = run(dir.path());
    assert!(e.meta().recomputable);

    // No change: every score and rank is the run's own.
    let same = e.whatif(&WhatIfRequest::default()).unwrap();
    assert_eq!(same.cities_moved, 0);
    let published = e.ranking("composite", &Default::default()).unwrap();
    for s in &same.ranking {
        let row = published.rows.iter().find(|r| r.city.id == s.city).unwrap();
        assert_eq!(
            (s.rank_after, s.score_after),
            (row.rank as usize, row.score)
        );
    }

    // All the weight on the science centre: the composite ranks as pillar A ranks (the
    // composite is an increasing affine function of A's weighted z-sum).
    let a_only = e.whatif(&weights(&[("B", 0.0), ("C", 0.0)])).unwrap();
    let pillar_a = e.ranking("A", &Default::default()).unwrap();
    for s in &a_only.ranking {
        let row = pillar_a.rows.iter().find(|r| r.city.id == s.city).unwrap();
        assert_eq!(s.rank_after, row.rank as usize, "{}", s.city);
        assert!((s.score_after - row.score).abs() < 1e-9, "{}", s.city);
    }
    // Weights are relative: doubling all three pillars changes nothing.
    let doubled = e
        .whatif(&weights(&[("A", 0.6), ("B", 0.6), ("C", 0.8)]))
        .unwrap();
    assert_eq!(doubled.cities_moved, 0);

    // A city's change agrees with `gihi whatif` (the robustness crate) on the same table.
    let req = WhatIfRequest {
        city: Some("beijing".into()),
        changes: [("I01".to_string(), "+50%".to_string())].into(),
        ..Default::default()
    };
    let w = e.whatif(&req).unwrap();
    assert_eq!(w.values[0].indicator, "I01");
    assert!((w.values[0].after - w.values[0].before.unwrap() * 1.5).abs() < 1e-9);
    let a1 = w.city_shifts.iter().find(|s| s.level == "A1").unwrap();
    assert!(a1.score_after >= a1.score_before);
}

#[test]
fn whatif_and_target_refuse_bad_parameters() {
    let dir = tempfile::tempdir().unwrap();
    let e = run(dir.path());
    let bad = [
        weights(&[("A", -1.0)]),
        weights(&[("A", 101.0)]),
        weights(&[("Z", 1.0)]),
        weights(&[("GIHI", 1.0)]),
        weights(&[("A", 0.0), ("B", 0.0), ("C", 0.0)]),
        weights(&[("A1", 0.0), ("A2", 0.0), ("A3", 0.0), ("A4", 0.0)]),
        WhatIfRequest {
            changes: [("I01".to_string(), "+5%".to_string())].into(),
            ..Default::default()
        },
        WhatIfRequest {
            city: Some("beijing".into()),
            changes: [("I99".to_string(), "+5%".to_string())].into(),
            ..Default::default()
        },
        WhatIfRequest {
            city: Some("beijing".into()),
            changes: [("I01".to_string(), "lots".to_string())].into(),
            ..Default::default()
        },
        WhatIfRequest {
            city: Some("beijing".into()),
            changes: [("I01".to_string(), "-1000000000".to_string())].into(),
            ..Default::default()
        },
        WhatIfRequest {
            city: Some("beijing".into()),
            level: Some("mini".into()),
            ..Default::default()
        },
    ];
    for req in &bad {
        let err = e.whatif(req).unwrap_err();
        assert!(
            matches!(err, ServiceError::Invalid(_) | ServiceError::Unknown(_)),
            "{req:?}: {err}"
        );
    }
    assert!(e.target("beijing", "composite", 0).is_err());
    assert!(e.target("beijing", "composite", 109).is_err());
    assert!(e.target("beijing", "mini", 1).is_err());
    assert!(e.target("beijing", "Q7", 1).is_err());
}

#[test]
fn target_values_reach_the_rank() {
    let dir = tempfile::tempdir().unwrap();
    let e = run(dir.path());
    let profile = e.profile("london").unwrap();
    let now = profile.positions[0].rank as usize;
    assert!(now > 1);
    let goal = now - 1;
    let t = e.target("london", "composite", goal).unwrap();
    let found: Vec<_> = t.single.iter().filter(|s| s.needed.is_some()).collect();
    assert!(
        !found.is_empty(),
        "one rank up is reachable with some indicator"
    );
    for s in found {
        let req = WhatIfRequest {
            city: Some("london".into()),
            changes: [(s.indicator.clone(), s.needed.unwrap().to_string())].into(),
            ..Default::default()
        };
        let w = e.whatif(&req).unwrap();
        assert!(w.city_shifts[0].rank_after <= goal, "{}", s.indicator);
    }
}

#[test]
fn serve_answers_and_stops_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let server = Served::start(&["serve", "--bind", "127.0.0.1:0"], dir.path());
    let addr = server.addr.clone().unwrap_or_default();
    assert!(addr.starts_with("127.0.0.1:"), "{}", server.first_line);
    assert!(server.get("/api/v1/meta").starts_with("HTTP/1.1 200"));
    assert!(server
        .get("/api/v1/profile?city=nowhere")
        .starts_with("HTTP/1.1 400"));
    let (code, rest) = server.stop();
    assert_eq!(code, Some(0), "a graceful stop exits 0");
    assert!(rest.contains("stopped"), "{rest}");
}

#[test]
fn serve_refuses_a_run_that_is_not_one() {
    let dir = tempfile::tempdir().unwrap();
    let (code, _, err) = gihi(&["serve", "--results", dir.path().to_str().unwrap()]);
    assert_eq!(code, 2, "{err}");
    let (code, _, err) = gihi(&["serve", "--bind", "not-an-address"]);
    assert_eq!(code, 2, "{err}");
}

#[test]
fn rank_intervals_come_from_an_uncertainty_output_on_the_same_table() {
    let dir = tempfile::tempdir().unwrap();
    let e = run(dir.path());
    let mc = |data: &str, out: &str| {
        let out = dir.path().join(out);
        let (code, _, err) = gihi(&[
            "uncertainty",
            "--data",
            fixture(data).to_str().unwrap(),
            "--runs",
            "200",
            "--out",
            out.to_str().unwrap(),
        ]);
        assert_eq!(code, 0, "{err}");
        out
    };
    let same = mc("synthetic-seed1.csv", "mc-synthetic");
    let other = mc("synthetic-seed2-tie.csv", "mc2-synthetic");
    let with = e.clone().with_uncertainty(&same).unwrap();
    assert!(with.meta().uncertainty.unwrap().contains("200 runs"));
    let r = with.ranking("composite", &Default::default()).unwrap();
    for row in &r.rows {
        let i = row
            .interval
            .as_ref()
            .expect("every composite rank has an interval");
        assert!(i.p05 <= i.median && i.median <= i.p95, "{}", row.city.id);
    }
    let p = with.profile("beijing").unwrap();
    assert!(p
        .positions
        .iter()
        .any(|x| x.kind == "pillar" && x.interval.is_some()));
    // Another table's intervals, or intervals on a published edition, are refused.
    let err = e.with_uncertainty(&other).unwrap_err().to_string();
    assert!(err.contains("another indicator table"), "{err}");
    let edition = Explorer::from_edition(None).unwrap();
    assert!(edition.with_uncertainty(&same).is_err());
}
