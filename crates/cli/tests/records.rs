//! `gihi records`: templates, the synthetic corpus, the patent pipeline against the
//! independent Python reference, bad input, and records → derive → compute → report.
#![cfg(feature = "records")]

mod common;
use common::{gihi, tree};
use std::fs;
use std::path::Path;

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn root() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

#[test]
fn templates_are_written_once() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("t");
    let (code, _, err) = gihi(&["records", "template", s(&dir)]);
    assert_eq!(code, 0, "{err}");
    let header = fs::read_to_string(dir.join("patent_parties.csv")).unwrap();
    assert!(
        header.ends_with("pub_id,role,name,type,city,country\n"),
        "{header}"
    );
    let header = fs::read_to_string(dir.join("paper_authorships.csv")).unwrap();
    assert!(
        header.ends_with("paper_id,researcher_id,org_id,city,country\n"),
        "{header}"
    );
    fs::write(dir.join("patents.csv"), "mine").unwrap();
    let (code, _, err) = gihi(&["records", "template", s(&dir)]);
    assert_eq!(code, 0);
    assert!(err.contains("kept 7 existing file(s)"), "{err}");
    assert_eq!(fs::read_to_string(dir.join("patents.csv")).unwrap(), "mine");
}

#[test]
fn the_pipeline_agrees_with_the_python_reference() {
    let tmp = tempfile::tempdir().unwrap();
    let corpus = tmp.path().join("corpus-synthetic");
    let (code, _, err) = gihi(&[
        "records",
        "synth",
        "--patents",
        "6000",
        "--seed",
        "11",
        "--format",
        "csv",
        "--invalid",
        "4",
        "--out",
        s(&corpus),
    ]);
    assert_eq!(code, 0, "{err}");
    let out = tmp.path().join("out-synthetic");
    // Four unparseable symbols: refused (exit 2, nothing written) unless skipped.
    let (code, _, err) = gihi(&[
        "records",
        "patents",
        "--records",
        s(&corpus),
        "--out",
        s(&out),
    ]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("patent_ipc.csv: row ") && err.contains("4 such row(s) in all"),
        "{err}"
    );
    assert!(!out.exists());
    let (code, _, err) = gihi(&[
        "records",
        "patents",
        "--records",
        s(&corpus),
        "--out",
        s(&out),
        "--skip-invalid",
        "--threads",
        "2",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("(SYNTHETIC)"), "{err}");
    let summary = fs::read_to_string(out.join("summary.json")).unwrap();
    assert!(summary.contains("\"invalid_ipc_rows\": 4"), "{summary}");
    for f in [
        "sources/patents.csv",
        "indicators_by_field.csv",
        "network_edges.csv",
        "focus/biomedicine_by_year.csv",
    ] {
        assert!(
            fs::read_to_string(out.join(f))
                .unwrap()
                .starts_with("# SYNTHETIC"),
            "{f}"
        );
    }
    let py = std::process::Command::new("python3")
        .arg(root().join("reference/records_patents.py"))
        .arg(&corpus)
        .arg("--check")
        .arg(&out)
        .output()
        .expect("python3 runs the reference");
    let text = String::from_utf8_lossy(&py.stdout);
    assert!(
        py.status.success(),
        "{text}{}",
        String::from_utf8_lossy(&py.stderr)
    );
    assert!(
        text.contains("records reference: 600 cells agree"),
        "{text}"
    );

    // Same input, one thread: the same tables.
    let one = tmp.path().join("one-synthetic");
    let (code, _, _) = gihi(&[
        "records",
        "patents",
        "--records",
        s(&corpus),
        "--out",
        s(&one),
        "--skip-invalid",
        "--threads",
        "1",
    ]);
    assert_eq!(code, 0);
    for f in [
        "sources/patents.csv",
        "sources/patent_network.csv",
        "indicators_by_field.csv",
        "network_edges.csv",
        "field_totals.csv",
        "focus/biomedicine_top_applicants.csv",
    ] {
        assert_eq!(
            fs::read(out.join(f)).unwrap(),
            fs::read(one.join(f)).unwrap(),
            "{f}"
        );
    }
    // The output may not be the records' own directory, nor lose the SYNTHETIC label.
    let (code, _, err) = gihi(&[
        "records",
        "patents",
        "--records",
        s(&corpus),
        "--out",
        s(&corpus),
        "--skip-invalid",
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("input"), "{err}");
    let (code, _, err) = gihi(&[
        "records",
        "patents",
        "--records",
        s(&corpus),
        "--out",
        s(&tmp.path().join("plain")),
        "--skip-invalid",
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("SYNTHETIC"), "{err}");
    let (code, _, err) = gihi(&[
        "records",
        "synth",
        "--patents",
        "10",
        "--out",
        s(&tmp.path().join("corpus")),
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("must say so"), "{err}");
}

#[test]
fn papers_agree_with_the_python_and_networkx_reference() {
    let tmp = tempfile::tempdir().unwrap();
    let corpus = tmp.path().join("papers-synthetic");
    let (code, _, err) = gihi(&[
        "records",
        "synth",
        "--papers",
        "40000",
        "--seed",
        "12",
        "--format",
        "csv",
        "--out",
        s(&corpus),
    ]);
    assert_eq!(code, 0, "{err}");
    let out = tmp.path().join("papers-out-synthetic");
    let (code, _, err) = gihi(&[
        "records",
        "papers",
        "--records",
        s(&corpus),
        "--out",
        s(&out),
        "--threads",
        "2",
    ]);
    assert_eq!(code, 0, "{err}");
    for f in [
        "sources/dimensions.csv",
        "sources/coauthor_network.csv",
        "indicators.csv",
        "coauthorship_by_year.csv",
        "focus/international_world.csv",
        "focus/international_field_leaders.csv",
    ] {
        assert!(
            fs::read_to_string(out.join(f))
                .unwrap()
                .starts_with("# SYNTHETIC"),
            "{f}"
        );
    }
    let py = std::process::Command::new("python3")
        .arg(root().join("reference/records_papers.py"))
        .arg(&corpus)
        .arg("--check")
        .arg(&out)
        .output()
        .expect("python3 runs the reference");
    let text = String::from_utf8_lossy(&py.stdout);
    assert!(
        py.status.success() && text.contains("cells agree"),
        "{text}{}",
        String::from_utf8_lossy(&py.stderr)
    );
    // One thread: byte-identical tables.
    let one = tmp.path().join("papers-one-synthetic");
    let (code, _, _) = gihi(&[
        "records",
        "papers",
        "--records",
        s(&corpus),
        "--out",
        s(&one),
        "--threads",
        "1",
    ]);
    assert_eq!(code, 0);
    for f in [
        "sources/dimensions.csv",
        "sources/coauthor_network.csv",
        "indicators.csv",
        "coauthorship_by_year.csv",
        "focus/international_by_metro.csv",
        "focus/international_by_field.csv",
    ] {
        assert_eq!(
            fs::read(out.join(f)).unwrap(),
            fs::read(one.join(f)).unwrap(),
            "{f}"
        );
    }
    // Bad options and input: exit 2, nothing written.
    let bad = tmp.path().join("bad-synthetic");
    let (code, _, err) = gihi(&[
        "records",
        "papers",
        "--records",
        s(&corpus),
        "--out",
        s(&bad),
        "--active",
        "2023-2019",
    ]);
    assert_eq!(code, 2);
    assert!(
        err.contains("--active: expected FIRST-LAST with FIRST ≤ LAST"),
        "{err}"
    );
    fs::write(
        corpus.join("paper_fields.csv"),
        "paper_id,field\npub.synthetic.0000000001,60\n",
    )
    .unwrap();
    let (code, _, err) = gihi(&[
        "records",
        "papers",
        "--records",
        s(&corpus),
        "--out",
        s(&bad),
    ]);
    assert_eq!(code, 2);
    assert!(
        err.contains(
            "paper_fields.csv: row 1, column field: expected an ANZSRC 2020 division code 30-52"
        ),
        "{err}"
    );
    assert!(!bad.exists());
}

#[test]
fn records_feed_derive_compute_and_report() {
    let tmp = tempfile::tempdir().unwrap();
    let corpus = tmp.path().join("corpus-synthetic");
    let out = tmp.path().join("records-synthetic");
    assert_eq!(
        gihi(&[
            "records",
            "synth",
            "--patents",
            "5000",
            "--papers",
            "20000",
            "--seed",
            "3",
            "--out",
            s(&corpus)
        ])
        .0,
        0
    );
    let (code, _, err) = gihi(&["records", "all", "--records", s(&corpus), "--out", s(&out)]);
    assert_eq!(code, 0, "{err}");
    assert!(out.join("patents/network_edges.csv").is_file());
    assert!(out.join("papers/focus/international_world.csv").is_file());
    // The example sources, with I09/I10 and I18 from the records, and a population for every
    // member city (records count whole metros, so I09 per million needs all members).
    let src = tmp.path().join("sources-synthetic");
    fs::create_dir(&src).unwrap();
    for e in fs::read_dir(root().join("data/examples/sources-synthetic")).unwrap() {
        let e = e.unwrap();
        fs::copy(e.path(), src.join(e.file_name())).unwrap();
    }
    for f in [
        "patents.csv",
        "patent_network.csv",
        "dimensions.csv",
        "coauthor_network.csv",
    ] {
        fs::copy(out.join("sources").join(f), src.join(f)).unwrap();
    }
    let registry = gihi_registry::Registry::gihi_2024();
    let mut pop = String::from("# SYNTHETIC populations of every member city, for a test\ncity,country,metro,population,year\n");
    for c in &registry.cities {
        for m in &c.members {
            pop.push_str(&format!(
                "\"{}\",{},{},400000,2023\n",
                m.name_en, m.country, c.id
            ));
        }
    }
    fs::write(src.join("population.csv"), pop).unwrap();
    let table = tmp.path().join("indicators-synthetic.csv");
    let (code, _, err) = gihi(&["derive", "--sources", s(&src), "--out", s(&table)]);
    assert_eq!(code, 0, "{err}");
    let prov = fs::read_to_string(tmp.path().join("indicators-synthetic.provenance.csv")).unwrap();
    assert!(
        prov.contains("/patent_network.csv,1,2023,,as given"),
        "I18 comes from the records"
    );
    assert!(
        prov.contains("/coauthor_network.csv,1,2023,,as given"),
        "I17 comes from the records"
    );
    let run = tmp.path().join("run-synthetic");
    assert_eq!(
        gihi(&["compute", "--data", s(&table), "--out", s(&run)]).0,
        0
    );
    let report = tmp.path().join("report-synthetic");
    let (code, _, err) = gihi(&[
        "report",
        "--results",
        s(&run),
        "--out",
        s(&report),
        "--lang",
        "en",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(fs::read_to_string(report.join("index.html"))
        .unwrap()
        .contains("SYNTHETIC"));
}

/// Runs `gihi ARGS` with `TMPDIR` set: the exit status and standard error.
fn gihi_with_tmpdir(tmpdir: &Path, args: &[&str]) -> (i32, String) {
    let out = assert_cmd::Command::cargo_bin("gihi")
        .unwrap()
        .env("TMPDIR", tmpdir)
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// A records run writes its output directory and nothing else: the corpus stays the same,
/// byte for byte, and the scratch tables the walks write (in a directory of the engine's
/// own, under the temporary directory) are gone when it ends; a second run replaces its own
/// output; asked to write into the corpus, it refuses and changes nothing.
#[test]
fn a_records_run_changes_nothing_but_its_output() {
    let tmp = tempfile::tempdir().unwrap();
    let corpus = tmp.path().join("corpus-synthetic");
    let (code, _, err) = gihi(&[
        "records",
        "synth",
        "--patents",
        "2000",
        "--papers",
        "4000",
        "--seed",
        "5",
        "--out",
        s(&corpus),
    ]);
    assert_eq!(code, 0, "{err}");
    let scratch = tmp.path().join("tmp");
    fs::create_dir(&scratch).unwrap();
    let out = tmp.path().join("out-synthetic");
    let corpus_before = tree(&corpus);
    let run = ["records", "all", "--records", s(&corpus), "--out", s(&out)];
    for _ in 0..2 {
        let (code, err) = gihi_with_tmpdir(&scratch, &run);
        assert_eq!(code, 0, "{err}");
        assert_eq!(tree(&corpus), corpus_before);
        assert!(tree(&scratch).is_empty(), "{:?}", tree(&scratch));
    }
    // Both walks ran (they write the scratch tables).
    let summary = fs::read_to_string(out.join("summary.json")).unwrap();
    assert!(summary.contains("\"records_walked\": true"), "{summary}");
    assert!(
        summary.contains("\"authorships_walked\": true"),
        "{summary}"
    );
    let all_before = tree(tmp.path());
    let into_corpus = [
        "records",
        "all",
        "--records",
        s(&corpus),
        "--out",
        s(&corpus),
    ];
    let (code, err) = gihi_with_tmpdir(&scratch, &into_corpus);
    assert_eq!(code, 2, "{err}");
    assert_eq!(tree(tmp.path()), all_before);
}
