//! End-to-end tests of the `gihi` binary: listings, golden scores against the independent
//! numpy reference (reference/appendix3.py), determinism, and every bad-input case.

use assert_cmd::Command;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn gihi() -> Command {
    Command::cargo_bin("gihi").unwrap()
}

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn fixture(name: &str) -> PathBuf {
    repo().join("reference/fixtures").join(name)
}

type Row = (String, String, String, f64, usize); // group, level, node, score, rank

fn read_scores(path: &Path) -> BTreeMap<(String, String), Row> {
    let mut r = csv::ReaderBuilder::new()
        .comment(Some(b'#'))
        .from_path(path)
        .unwrap();
    assert_eq!(
        r.headers().unwrap(),
        vec!["city", "group", "level", "node", "score", "rank"]
    );
    r.records()
        .map(|rec| {
            let rec = rec.unwrap();
            (
                (rec[0].to_string(), rec[3].to_string()),
                (
                    rec[1].to_string(),
                    rec[2].to_string(),
                    rec[3].to_string(),
                    rec[4].parse().unwrap(),
                    rec[5].parse().unwrap(),
                ),
            )
        })
        .collect()
}

fn compute(data: &Path, out: &Path, extra: &[&str]) -> assert_cmd::assert::Assert {
    gihi()
        .arg("compute")
        .arg("--data")
        .arg(data)
        .arg("--out")
        .arg(out)
        .args(extra)
        .assert()
}

#[test]
fn cities_lists_the_registry() {
    let out = gihi()
        .arg("cities")
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).unwrap();
    let mut lines = text.lines();
    assert!(lines
        .next()
        .unwrap()
        .starts_with("city,name_en,name_zh,country,continent,group"));
    let rows: Vec<_> = lines.collect();
    assert_eq!(rows.len(), 120);
    assert_eq!(rows.iter().filter(|l| l.contains(",main,")).count(), 108);
    assert_eq!(rows.iter().filter(|l| l.contains(",mini,")).count(), 12);
    assert!(text.contains(
        "san-francisco-san-jose,San Francisco-San Jose,旧金山-圣何塞,US,North America,main"
    ));
    let json = gihi()
        .args(["cities", "--format", "json"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let v: serde_json::Value = serde_json::from_slice(&json).unwrap();
    assert_eq!(v.as_array().unwrap().len(), 120);
    assert_eq!(v[0]["members"][0]["name_en"], "Montréal");
}

#[test]
fn framework_lists_effective_weights() {
    let out = gihi()
        .args(["framework", "--format", "csv"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).unwrap();
    assert!(text.contains("indicator,I05,A3,Large research facilities,大科学装置数量,0.5,0.015"));
    assert!(text.contains("pillar,C,GIHI,Innovation ecosystem,创新生态,0.4,0.4"));
    let variant = repo().join("data/framework/gihi-2024-egov-in-c3.toml");
    let out = gihi()
        .args(["framework", "--format", "csv", "--framework"])
        .arg(&variant)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    assert!(String::from_utf8(out)
        .unwrap()
        .contains("indicator,I27,C3,"));
}

/// Golden test: scores agree with the independent numpy reference to 1e-9, ranks exactly.
#[test]
fn compute_agrees_with_the_numpy_reference() {
    for (name, missing) in [
        ("synthetic-seed1", "error"),
        ("synthetic-seed2-tie", "error"),
        ("synthetic-seed3-gaps", "mean"),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out-synthetic");
        compute(
            &fixture(&format!("{name}.csv")),
            &out,
            &["--missing", missing],
        )
        .success();
        let got = read_scores(&out.join("scores.csv"));
        let expected = read_scores(&fixture(&format!("{name}.expected-scores.csv")));
        assert_eq!(got.len(), expected.len(), "{name}");
        assert_eq!(got.len(), 120 * 16);
        for (key, e) in &expected {
            let g = &got[key];
            assert_eq!((&g.0, &g.1, &g.2), (&e.0, &e.1, &e.2), "{name} {key:?}");
            assert!(
                (g.3 - e.3).abs() <= 1e-9,
                "{name} {key:?}: {} vs {}",
                g.3,
                e.3
            );
            assert_eq!(g.4, e.4, "{name} {key:?} rank");
        }
    }
}

#[test]
fn output_is_byte_identical_and_independent_of_row_order() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(fixture("synthetic-seed1.csv")).unwrap();
    let mut lines: Vec<&str> = text.lines().collect();
    let body_start = lines.iter().position(|l| l.starts_with("city,")).unwrap() + 1;
    lines[body_start..].reverse();
    let reversed = dir.path().join("reversed-synthetic.csv");
    std::fs::write(&reversed, lines.join("\n") + "\n").unwrap();
    let a = dir.path().join("a-synthetic");
    let b = dir.path().join("b-synthetic");
    compute(&fixture("synthetic-seed1.csv"), &a, &[]).success();
    compute(&reversed, &b, &[]).success();
    for f in ["scores.csv", "indicators.csv"] {
        assert_eq!(
            std::fs::read(a.join(f)).unwrap(),
            std::fs::read(b.join(f)).unwrap(),
            "{f}"
        );
    }
    // Same input twice with a fixed clock: the manifest is identical too.
    let c = dir.path().join("c-synthetic");
    let d = dir.path().join("d-synthetic");
    for out in [&c, &d] {
        gihi()
            .env("SOURCE_DATE_EPOCH", "1700000000")
            .arg("compute")
            .arg("--data")
            .arg(fixture("synthetic-seed1.csv"))
            .arg("--out")
            .arg(out)
            .assert()
            .success();
    }
    assert_eq!(
        std::fs::read(c.join("manifest.json")).unwrap(),
        std::fs::read(d.join("manifest.json")).unwrap()
    );
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(c.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["synthetic"], true);
    assert_eq!(manifest["created"], "2023-11-14T22:13:20Z");
    assert_eq!(manifest["framework"]["id"], "gihi-2024");
    assert_eq!(manifest["inputs"][0]["sha256"].as_str().unwrap().len(), 64);
}

#[test]
fn imputed_cells_are_flagged() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out-synthetic");
    compute(
        &fixture("synthetic-seed3-gaps.csv"),
        &out,
        &["--missing", "mean"],
    )
    .success();
    let m: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("manifest.json")).unwrap()).unwrap();
    let blanks = std::fs::read_to_string(fixture("synthetic-seed3-gaps.csv"))
        .unwrap()
        .lines()
        .filter(|l| !l.starts_with('#'))
        .skip(1)
        .map(|l| l.split(',').skip(1).filter(|c| c.is_empty()).count())
        .sum::<usize>();
    assert!(blanks > 50);
    assert_eq!(m["imputed"].as_array().unwrap().len(), blanks);
    let mut r = csv::ReaderBuilder::new()
        .comment(Some(b'#'))
        .from_path(out.join("indicators.csv"))
        .unwrap();
    let imputed = r
        .headers()
        .unwrap()
        .iter()
        .position(|h| h == "imputed")
        .unwrap();
    let flagged = r
        .records()
        .filter(|rec| &rec.as_ref().unwrap()[imputed] == "true")
        .count();
    assert_eq!(flagged, blanks);
    assert!(m["notes"]
        .as_array()
        .unwrap()
        .iter()
        .any(|n| n.as_str().unwrap().contains("I06 is constant")));
}

#[test]
fn xlsx_input_gives_the_same_scores_as_csv() {
    let dir = tempfile::tempdir().unwrap();
    let csv_path = fixture("synthetic-seed1.csv");
    let mut r = csv::ReaderBuilder::new()
        .comment(Some(b'#'))
        .from_path(&csv_path)
        .unwrap();
    let xlsx = dir.path().join("t-synthetic.xlsx");
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    for (k, h) in r.headers().unwrap().iter().enumerate() {
        ws.write_string(0, k as u16, h).unwrap();
    }
    for (j, rec) in r.records().enumerate() {
        let rec = rec.unwrap();
        ws.write_string(j as u32 + 1, 0, &rec[0]).unwrap();
        for k in 1..rec.len() {
            ws.write_number(j as u32 + 1, k as u16, rec[k].parse::<f64>().unwrap())
                .unwrap();
        }
    }
    wb.save(&xlsx).unwrap();
    let a = dir.path().join("a-synthetic");
    let b = dir.path().join("b-synthetic");
    compute(&csv_path, &a, &[]).success();
    compute(&xlsx, &b, &[]).success();
    assert_eq!(
        std::fs::read(a.join("scores.csv")).unwrap(),
        std::fs::read(b.join("scores.csv")).unwrap()
    );
}

// ---- bad input: one clear message, exit status 2, nothing left behind -----------------------

fn header() -> String {
    std::iter::once("city".to_string())
        .chain((1..=30).map(|i| format!("I{i:02}")))
        .collect::<Vec<_>>()
        .join(",")
}

fn row(city: &str) -> String {
    format!("{city}{}", ",1".repeat(30))
}

/// A valid two-city table (Boston, Tokyo), every value 1.
fn two_cities() -> String {
    format!("{}\n{}\n{}\n", header(), row("boston"), row("tokyo"))
}

/// Runs compute on `bytes` and checks status 2, the message, and that no output remains.
fn rejects(bytes: &[u8], extra: &[&str], expected: &str) {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("input.csv");
    std::fs::write(&data, bytes).unwrap();
    let out = dir.path().join("out");
    let assert = compute(&data, &out, extra).code(2);
    let stderr = String::from_utf8(assert.get_output().stderr.clone()).unwrap();
    assert!(
        stderr.contains(expected),
        "expected `{expected}` in `{stderr}`"
    );
    assert_eq!(stderr.lines().count(), 1, "one message: {stderr}");
    let left: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(
        left,
        vec![std::ffi::OsString::from("input.csv")],
        "output left behind"
    );
}

#[test]
fn unknown_city() {
    rejects(
        format!("{}\n{}\n{}\n", header(), row("boston"), row("Gotham")).as_bytes(),
        &[],
        "input.csv:3:1: unknown city `Gotham`",
    );
}

#[test]
fn duplicate_city() {
    rejects(
        format!("{}\n{}\n{}\n", header(), row("boston"), row("波士顿")).as_bytes(),
        &[],
        "input.csv:3:1: duplicate city `boston` (first at line 2)",
    );
}

#[test]
fn non_numeric_value() {
    let bad = row("boston").replacen(",1", ",12;5", 4);
    let bad = bad.replacen(",12;5", ",1", 3);
    rejects(format!("{}\n{}\n{}\n", header(), bad, row("tokyo")).as_bytes(), &[], "input.csv:2:5: indicator I04: expected a number (or an empty cell for a missing value), found `12;5`");
}

#[test]
fn negative_count() {
    let bad = row("boston")
        .replacen(",1", ",-4", 2)
        .replacen(",-4", ",1", 1);
    rejects(
        format!("{}\n{}\n{}\n", header(), bad, row("tokyo")).as_bytes(),
        &[],
        "input.csv:2:3: indicator I02 (count): expected a value of 0 or more, found -4",
    );
}

#[test]
fn missing_indicator_column() {
    let h = header().replace(",I17", "");
    let r = |c: &str| format!("{c}{}", ",1".repeat(29));
    rejects(
        format!("{h}\n{}\n{}\n", r("boston"), r("tokyo")).as_bytes(),
        &[],
        "input.csv:1:1: missing indicator column(s) I17",
    );
}

#[test]
fn empty_file() {
    rejects(b"", &[], "input.csv: the file is empty");
}

#[test]
fn non_utf8_csv() {
    let mut bytes = format!("{}\n", header()).into_bytes();
    bytes.extend_from_slice("S\u{e3}o Paulo".as_bytes());
    let latin1: Vec<u8> = format!("{}\n", row("S\u{e3}o Paulo"))
        .chars()
        .map(|c| c as u32 as u8)
        .collect();
    rejects(
        &[format!("{}\n", header()).into_bytes(), latin1].concat(),
        &[],
        "input.csv:2:1: the file is not UTF-8 text",
    );
}

#[test]
fn missing_values_without_imputation() {
    let gap = row("boston").replacen(",1", ",", 1);
    rejects(
        format!("{}\n{gap}\n{}\n", header(), row("tokyo")).as_bytes(),
        &[],
        "group main: 1 missing value(s): boston/I01",
    );
}

#[test]
fn framework_errors() {
    let dir = tempfile::tempdir().unwrap();
    let fw = dir.path().join("fw.toml");
    let text = gihi_framework::GIHI_2024_TOML.replacen("weight = 0.4", "weight = 0.5", 1);
    std::fs::write(&fw, text).unwrap();
    let data = two_cities();
    rejects(
        data.as_bytes(),
        &["--framework", fw.to_str().unwrap()],
        "fw.toml:9:6: framework gihi-2024: pillar weights must sum to 1, found 1.1",
    );
    let out = gihi()
        .args(["framework", "--framework", "/nonexistent/fw.toml"])
        .assert()
        .code(2)
        .get_output()
        .stderr
        .clone();
    assert!(String::from_utf8(out)
        .unwrap()
        .contains("/nonexistent/fw.toml: cannot read framework file"));
}

#[test]
fn synthetic_input_needs_a_synthetic_output_path() {
    rejects(
        format!("# SYNTHETIC\n{}", two_cities()).as_bytes(),
        &[],
        "the input is SYNTHETIC, so the output path must say so",
    );
}

#[test]
fn existing_foreign_directory_is_not_overwritten() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("input.csv");
    std::fs::write(&data, two_cities()).unwrap();
    let out = dir.path().join("precious");
    std::fs::create_dir(&out).unwrap();
    std::fs::write(out.join("thesis.tex"), "keep me").unwrap();
    compute(&data, &out, &[]).code(2);
    assert_eq!(
        std::fs::read_to_string(out.join("thesis.tex")).unwrap(),
        "keep me"
    );
    // A previous gihi output is replaced.
    let prev = dir.path().join("prev");
    compute(&data, &prev, &[]).success();
    compute(&data, &prev, &[]).success();
    assert!(prev.join("scores.csv").is_file());
}

#[test]
fn synth_refuses_names_without_synthetic() {
    let dir = tempfile::tempdir().unwrap();
    let out = gihi()
        .args(["synth", "--seed", "1", "--out"])
        .arg(dir.path().join("data.csv"))
        .assert()
        .code(2)
        .get_output()
        .stderr
        .clone();
    assert!(String::from_utf8(out)
        .unwrap()
        .contains("must contain \"synthetic\""));
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    let ok = dir.path().join("demo-synthetic.csv");
    gihi()
        .args(["synth", "--seed", "1", "--out"])
        .arg(&ok)
        .assert()
        .success();
    assert!(std::fs::read_to_string(&ok)
        .unwrap()
        .starts_with("# SYNTHETIC DATA"));
}
