//! End-to-end tests of stats, uncertainty, sensitivity, whatif, target and bench.

mod common;
use common::*;

#[test]
fn uncertainty_writes_rank_intervals() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("mc-synthetic");
    let data = fixture("synthetic-seed1.csv");
    let uncertainty = |out: &std::path::Path, options: &[&str]| {
        let mut args = vec!["uncertainty", "--data", data.to_str().unwrap()];
        args.extend_from_slice(options);
        args.extend_from_slice(&["--out", out.to_str().unwrap()]);
        gihi(&args)
    };
    let (code, _, err) = uncertainty(&out, &["--runs", "3000", "--seed", "4"]);
    assert_eq!(code, 0, "{err}");
    let csv = std::fs::read_to_string(out.join("rank_intervals.csv")).unwrap();
    let mut lines = csv.lines();
    assert!(lines.next().unwrap().starts_with("# SYNTHETIC DATA"));
    assert_eq!(
        lines.next().unwrap(),
        "city,group,level,node,nominal_rank,median_rank,p05,p95"
    );
    assert_eq!(lines.count(), 120 * 4);
    assert!(std::fs::read_to_string(out.join("rank_intervals.svg"))
        .unwrap()
        .contains("SYNTHETIC"));
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).unwrap()).unwrap();
    assert_eq!(summary["synthetic"], true);
    assert_eq!(summary["options"]["runs"], 3000);
    // Same seed, same bytes.
    let again = dir.path().join("mc2-synthetic");
    uncertainty(&again, &["--runs", "3000", "--seed", "4"]);
    assert_eq!(
        std::fs::read(out.join("rank_intervals.csv")).unwrap(),
        std::fs::read(again.join("rank_intervals.csv")).unwrap()
    );
    // Zero spread with only weights varying: every interval is the nominal rank.
    let zero = dir.path().join("zero-synthetic");
    uncertainty(
        &zero,
        &["--runs", "500", "--vary", "weights", "--weight-spread", "0"],
    );
    let mut r = csv::ReaderBuilder::new()
        .comment(Some(b'#'))
        .from_path(zero.join("rank_intervals.csv"))
        .unwrap();
    for rec in r.records() {
        let rec = rec.unwrap();
        let nominal: f64 = rec[4].parse().unwrap();
        for k in 5..8 {
            assert_eq!(rec[k].parse::<f64>().unwrap(), nominal);
        }
    }
}

#[test]
fn sensitivity_writes_indices() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("sa-synthetic");
    let (code, _, err) = gihi(&[
        "sensitivity",
        "--data",
        fixture("synthetic-seed1.csv").to_str().unwrap(),
        "--samples",
        "64",
        "--bootstrap",
        "50",
        "--vary",
        "weights,normalisation",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    let csv = std::fs::read_to_string(out.join("sensitivity.csv")).unwrap();
    assert!(csv.starts_with("# SYNTHETIC DATA"));
    assert!(csv.contains(
        "\ngroup,scope,city,factor,first_order,first_lo,first_hi,total,total_lo,total_hi\n"
    ));
    assert!(csv.contains("main,overall,,weights,"));
    assert!(csv.contains("main,city,boston,normalisation,"));
}

#[test]
fn stats_whatif_target() {
    let data = fixture("synthetic-seed3-gaps.csv");
    let d = data.to_str().unwrap();
    let (code, out, _) = gihi(&["stats", "--data", d, "--format", "json"]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["audit"]["indicators"].as_array().unwrap().len(), 30);
    assert_eq!(v["synthetic"], true);
    let (code, out, _) = gihi(&["stats", "--data", d, "--group", "mini"]);
    assert_eq!(code, 0);
    assert!(out.contains("mini group, 12 cities"));

    let complete = fixture("synthetic-seed1.csv");
    let c = complete.to_str().unwrap();
    let (code, out, err) = gihi(&[
        "whatif",
        "--data",
        c,
        "--city",
        "Rome",
        "--set",
        "I21=+200%",
        "--set",
        "I05=+3",
        "--format",
        "json",
    ]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["whatif"]["city"].as_array().unwrap().len(), 16);
    let (code, out, _) = gihi(&["target", "--data", c, "--city", "rome", "--rank", "30"]);
    assert_eq!(code, 0);
    assert!(out.contains("One indicator alone (values verified to reach the rank):"));
    let (code, out, _) = gihi(&[
        "target", "--data", c, "--city", "rome", "--rank", "5", "--level", "C2", "--format", "json",
    ]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["target"]["single"].as_array().unwrap().len(), 3);
}

#[test]
fn bench_reports_a_rate() {
    let (code, out, _) = gihi(&["bench", "--reps", "2000"]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["replications"], 2000);
    assert!(v["replications_per_second"].as_f64().unwrap() > 0.0);
}

#[test]
fn bad_robustness_input_exits_2() {
    let c = fixture("synthetic-seed1.csv");
    let c = c.to_str().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let plain = dir.path().join("mc");
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (
            vec!["uncertainty", "--data", c, "--out", plain.to_str().unwrap()],
            "the input is SYNTHETIC",
        ),
        (
            vec![
                "uncertainty",
                "--data",
                c,
                "--vary",
                "colours",
                "--out",
                "x-synthetic",
            ],
            "--vary: unknown choice `colours`",
        ),
        (
            vec![
                "uncertainty",
                "--data",
                c,
                "--weight-spread",
                "1.5",
                "--out",
                "x-synthetic",
            ],
            "--weight-spread and --data-spread must be in [0, 1)",
        ),
        (
            vec!["whatif", "--data", c, "--city", "rome", "--set", "I99=+1"],
            "--set I99=+1: unknown indicator `I99`",
        ),
        (
            vec!["whatif", "--data", c, "--city", "rome", "--set", "I21=lots"],
            "expected a number",
        ),
        (
            vec!["whatif", "--data", c, "--city", "Gotham", "--set", "I21=+1"],
            "unknown city `Gotham`",
        ),
        (
            vec!["target", "--data", c, "--city", "rome", "--rank", "0"],
            "--rank 0: expected a rank from 1 to 108",
        ),
        (
            vec![
                "target", "--data", c, "--city", "rome", "--rank", "3", "--level", "Z",
            ],
            "--level Z",
        ),
    ];
    for (args, expected) in cases {
        let (code, _, err) = gihi(&args);
        assert_eq!(code, 2, "{args:?}: {err}");
        assert!(err.contains(expected), "{args:?}: {err}");
    }
    assert!(!plain.exists());
}

/// The uncertainty outputs are unchanged by the engine's optimisations: the rank intervals of
/// 20,000 replications (weights only, and every choice) equal byte for byte those that the
/// engine wrote before the AVX-512 kernels (commit 00f0fe8), kept as fixtures.
#[test]
fn uncertainty_intervals_match_the_golden_files() {
    for vary in ["weights", "all"] {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join(format!("mc-{vary}-synthetic"));
        let (code, _, err) = gihi(&[
            "uncertainty",
            "--data",
            fixture("synthetic-seed1.csv").to_str().unwrap(),
            "--runs",
            "20000",
            "--vary",
            vary,
            "--out",
            out.to_str().unwrap(),
        ]);
        assert_eq!(code, 0, "{err}");
        let body = |t: String| -> String {
            t.lines()
                .filter(|l| !l.starts_with('#'))
                .collect::<Vec<_>>()
                .join("\n")
        };
        let got = body(std::fs::read_to_string(out.join("rank_intervals.csv")).unwrap());
        let want = body(
            std::fs::read_to_string(fixture(&format!(
                "synthetic-seed1.uncertainty-{vary}-20000.rank_intervals.csv"
            )))
            .unwrap(),
        );
        assert!(got == want, "--vary {vary}: rank intervals changed");
    }
}
