//! End-to-end tests of the analysis commands on a computed (synthetic) run and on the
//! published edition.

mod common;
use common::*;

use std::path::{Path, PathBuf};

/// Two computed synthetic runs (seeds 1 and 2) in a temporary directory.
fn runs(dir: &Path) -> (PathBuf, PathBuf) {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../reference/fixtures");
    let a = dir.join("run1-synthetic");
    let b = dir.join("run2-synthetic");
    for (data, out) in [("synthetic-seed1.csv", &a), ("synthetic-seed2-tie.csv", &b)] {
        let (code, _, err) = gihi(&[
            "compute",
            "--data",
            fixtures.join(data).to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ]);
        assert_eq!(code, 0, "{err}");
    }
    (a, b)
}

#[test]
fn every_command_on_a_computed_run() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = runs(dir.path());
    let a = a.to_str().unwrap();
    let (code, out, err) = gihi(&["modes", "--results", a, "--format", "json"]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["synthetic"], true);
    assert_eq!(v["cities"].as_array().unwrap().len(), 20);
    assert_eq!(v["clusters"].as_array().unwrap().len(), 4);
    // Same input, same output.
    assert_eq!(out, gihi(&["modes", "--results", a, "--format", "json"]).1);

    let (code, out, _) = gihi(&[
        "regions",
        "--results",
        a,
        "--level",
        "B",
        "--top",
        "20",
        "--format",
        "json",
    ]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["counted"], 20);
    assert!(v["quartiles"].as_array().unwrap().len() >= 3);

    let (code, out, _) = gihi(&[
        "changes",
        "--results",
        a,
        "--against",
        b.to_str().unwrap(),
        "--level",
        "A",
    ]);
    assert_eq!(code, 0);
    assert!(
        out.starts_with("run ") && out.contains("SYNTHETIC DATA"),
        "{out}"
    );
    assert!(out.contains("Biggest risers:"));

    let (code, out, _) = gihi(&["profile", "boston", "--results", a]);
    assert_eq!(code, 0);
    assert!(out.contains("SYNTHETIC DATA"));
    assert!(out.contains("Strongest indicators:"));
    let (code, out, _) = gihi(&["profile", "Cambridge", "--results", a, "--format", "json"]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["profile"]["group"], "mini");
}

#[test]
fn every_command_on_the_published_edition() {
    let (code, out, _) = gihi(&["modes", "--edition", "2024"]);
    assert_eq!(code, 0);
    assert!(out.contains("adjusted Rand index 0.322"), "{out}");
    let (code, out, _) = gihi(&[
        "regions",
        "--edition",
        "2024",
        "--level",
        "composite",
        "--top",
        "50",
        "--format",
        "json",
    ]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        v["counts"],
        serde_json::json!({"North America": 19, "Europe": 16, "Asia": 13, "Oceania": 2})
    );
    let (code, out, _) = gihi(&["changes", "--level", "C", "--format", "csv"]);
    assert_eq!(code, 0);
    assert!(out.contains("abu-dhabi,43,19,24\n"), "{out}");
    let (code, out, _) = gihi(&[
        "changes", "--level", "A", "--from", "2022", "--format", "json",
    ]);
    assert_eq!(code, 0);
    assert!(out.contains("\"city\": \"wuhan\""));
    let (code, out, _) = gihi(&["profile", "北京"]);
    assert_eq!(code, 0);
    assert!(out.contains("Development mode: science-centre"), "{out}");
    let (code, out, _) = gihi(&["statements"]);
    assert_eq!(code, 0);
    assert!(out.contains("80 of 81 hold"));
}

#[test]
fn bad_analysis_input_exits_2() {
    let (code, _, err) = gihi(&["profile", "Gotham"]);
    assert_eq!(code, 2);
    assert!(err.contains("unknown city `Gotham`"));
    let (code, _, err) = gihi(&["modes", "--results", "/nonexistent"]);
    assert_eq!(code, 2);
    assert!(err.contains("/nonexistent: no such directory"), "{err}");
    let (code, _, err) = gihi(&["changes", "--level", "A1"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("no printed 2023 ranks for level `A1`"),
        "{err}"
    );
    let (code, _, err) = gihi(&["regions", "--level", "Z"]);
    assert_eq!(code, 2);
    assert!(err.contains("no level `Z`"), "{err}");
    let (code, _, _) = gihi(&["modes", "--k", "0"]);
    assert_eq!(code, 2);
}
