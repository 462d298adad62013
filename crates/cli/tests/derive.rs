//! End-to-end: `gihi sources template`, `gihi derive` then `gihi compute` on the synthetic
//! example sources, `--explain`, and bad input.

mod common;
use common::*;
use std::path::{Path, PathBuf};

fn example() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/examples/sources-synthetic")
}

#[test]
fn derive_then_compute_carries_the_flags() {
    let dir = tempfile::tempdir().unwrap();
    let table = dir.path().join("indicators-synthetic.csv");
    let (code, _, err) = gihi(&[
        "derive",
        "--sources",
        example().to_str().unwrap(),
        "--out",
        table.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(std::fs::read_to_string(&table)
        .unwrap()
        .starts_with("# SYNTHETIC DATA"));
    let prov =
        std::fs::read_to_string(dir.path().join("indicators-synthetic.provenance.csv")).unwrap();
    assert_eq!(prov.lines().count(), 1 + 120 * 30);
    assert!(
        std::fs::read_to_string(dir.path().join("indicators-synthetic.merges.txt"))
            .unwrap()
            .lines()
            .count()
            > 10
    );
    // The summary: every source's rows, those outside the registry, missing metros.
    let summary: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(dir.path().join("indicators-synthetic.summary.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(summary["synthetic"], true);
    assert_eq!(summary["sources"].as_array().unwrap().len(), 29);
    assert_eq!(summary["missing_by_indicator"]["I01"], 0);
    assert!(
        err.contains("un_egov.csv: 1 of 39 rows outside the 120 metros"),
        "{err}"
    );
    assert!(std::fs::read_to_string(&table)
        .unwrap()
        .contains("\n# units: I01 "));
    let run = dir.path().join("run-synthetic");
    let (code, _, err) = gihi(&[
        "compute",
        "--data",
        table.to_str().unwrap(),
        "--out",
        run.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    let ind = std::fs::read_to_string(run.join("indicators.csv")).unwrap();
    assert!(ind.starts_with("# SYNTHETIC DATA"));
    assert!(ind.contains("\ncity,group,indicator,value,z,imputed,flags\n"));
    assert!(
        ind.contains(",I15,")
            && ind
                .lines()
                .any(|l| l.starts_with("paris,main,I15,") && l.ends_with(",fallback-year"))
    );
    let m: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(run.join("manifest.json")).unwrap()).unwrap();
    assert!(m["flagged_cells"].as_u64().unwrap() > 100);
    assert_eq!(m["inputs"][1]["role"], "provenance");
}

#[test]
fn explain_lists_the_rows_behind_a_cell() {
    let (code, out, _) = gihi(&[
        "derive",
        "--sources",
        example().to_str().unwrap(),
        "--explain",
        "Tokyo",
        "I01",
    ]);
    assert_eq!(code, 0);
    assert!(out.starts_with("tokyo I01: "));
    assert!(out.contains("population.csv:") && out.contains("dimensions.csv:"));
    assert!(out.contains("inhabitants x 1e6"));
}

#[test]
fn templates_are_written_for_every_source() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("templates");
    let (code, _, err) = gihi(&["sources", "template", out.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    let files: Vec<_> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".csv"))
        .collect();
    assert_eq!(files.len(), 29);
    let t = std::fs::read_to_string(out.join("top500.csv")).unwrap();
    assert!(t.starts_with("# TOP500 list"));
}

#[test]
fn bad_sources_exit_2_and_write_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("src");
    std::fs::create_dir(&src).unwrap();
    for e in std::fs::read_dir(example()).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), src.join(e.file_name())).unwrap();
    }
    let funding = src.join("cbinsights_funding.csv");
    let text =
        std::fs::read_to_string(&funding).unwrap() + "Synthetic Z,Paris,FR,Convertible Note,3,\n";
    std::fs::write(&funding, text).unwrap();
    let out = dir.path().join("indicators-synthetic.csv");
    let (code, _, err) = gihi(&[
        "derive",
        "--sources",
        src.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, 2);
    assert!(
        err.contains("cbinsights_funding.csv:")
            && err.contains("unknown round type `Convertible Note`"),
        "{err}"
    );
    assert!(!out.exists());
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        1,
        "nothing but the sources"
    );
    // Synthetic sources need a synthetic output name.
    let (code, _, err) = gihi(&[
        "derive",
        "--sources",
        example().to_str().unwrap(),
        "--out",
        dir.path().join("indicators.csv").to_str().unwrap(),
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("the sources are SYNTHETIC"));
}
