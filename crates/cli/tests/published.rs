//! End-to-end tests of `gihi published` and `gihi audit published`.

mod common;
use common::*;

#[test]
fn ranking_in_every_format() {
    let (code, out, _) = gihi(&[
        "published",
        "ranking",
        "--level",
        "composite",
        "--top",
        "3",
        "--format",
        "csv",
    ]);
    assert_eq!(code, 0);
    assert_eq!(
        out,
        "rank,city,name_en,name_zh,score,audit\n1,san-francisco-san-jose,San Francisco-San Jose,旧金山-圣何塞,100.00,\n2,new-york,New York,纽约,91.88,\n3,beijing,Beijing,北京,89.28,\n"
    );
    let (_, out, _) = gihi(&[
        "published",
        "ranking",
        "--level",
        "mini",
        "--format",
        "json",
    ]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["rows"].as_array().unwrap().len(), 12);
    assert_eq!(v["rows"][0]["city"], "cambridge");
    assert!(
        v["rows"][0]["score"].is_number(),
        "scores are numbers in JSON"
    );
    // Values the audit proves wrong are marked.
    let (_, out, _) = gihi(&["published", "ranking", "--level", "B", "--format", "csv"]);
    assert!(
        out.contains("toronto,Toronto,多伦多,63.15,inconsistent: the audit implies 63.26"),
        "{out}"
    );
    assert!(v["source"].as_str().unwrap().contains("Table 4"));
    for level in [
        "A", "B", "C", "A1", "A2", "A3", "A4", "B1", "B2", "B3", "B4", "C1", "C2", "C3", "C4",
    ] {
        let (code, out, _) = gihi(&["published", "ranking", "--level", level, "--top", "5"]);
        assert_eq!(code, 0, "{level}");
        assert_eq!(out.lines().count(), 2 + 1 + 5, "{level}: {out}");
    }
    let (_, out, _) = gihi(&[
        "published",
        "ranking",
        "--level",
        "C2",
        "--top",
        "1",
        "--format",
        "csv",
    ]);
    assert!(out.contains("1,san-francisco-san-jose"), "{out}");
}

#[test]
fn regions_match_the_text() {
    // Section 2.2: in the composite top 50, North America 19, Europe 16, Asia 13.
    let (code, out, _) = gihi(&[
        "published",
        "regions",
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
        v,
        serde_json::json!({"North America": 19, "Europe": 16, "Asia": 13, "Oceania": 2})
    );
    // Section 5.1: innovation ecosystem top 20, Asia 8, North America 7, Europe 5.
    let (_, out, _) = gihi(&[
        "published",
        "regions",
        "--level",
        "C",
        "--top",
        "20",
        "--format",
        "json",
    ]);
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&out).unwrap(),
        serde_json::json!({"Asia": 8, "North America": 7, "Europe": 5})
    );
    let (_, out, _) = gihi(&[
        "published",
        "regions",
        "--level",
        "composite",
        "--top",
        "100",
        "--by",
        "country",
        "--format",
        "csv",
    ]);
    assert!(
        out.contains("CN,19\n"),
        "section 2.1: 19 Chinese cities in the top 100: {out}"
    );
}

#[test]
fn ties_at_the_cutoff_are_reported() {
    let (code, _, err) = gihi(&[
        "published",
        "regions",
        "--level",
        "B",
        "--top",
        "51",
        "--format",
        "json",
    ]);
    assert_eq!(code, 0);
    assert!(
        err.contains("lisbon (rank 51) and dusseldorf (rank 52) both print 64.75"),
        "{err}"
    );
}

#[test]
fn bad_queries_exit_2() {
    let (code, _, err) = gihi(&["published", "ranking", "--level", "Z9"]);
    assert_eq!(code, 2);
    assert!(err.contains("no printed ranking for level `Z9`"));
    let (code, _, err) = gihi(&[
        "published",
        "regions",
        "--level",
        "composite",
        "--top",
        "108",
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("prints ranks 1 to 100"), "{err}");
    let (code, _, err) = gihi(&["audit", "published", "--edition", "/nonexistent"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("/nonexistent: cannot read: no such directory"),
        "{err}"
    );
}

#[test]
fn audit_json_is_an_array_of_findings() {
    // Like a linter: the output is complete, and exit status 3 says errors were found.
    let (code, out, err) = gihi(&["audit", "published", "--format", "json"]);
    assert_eq!(code, 3, "{err}");
    assert!(err.contains("found 28 error(s)"), "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let findings = v.as_array().unwrap();
    assert_eq!(findings.len(), 28);
    for f in findings {
        for key in [
            "table",
            "city",
            "column",
            "published",
            "expected",
            "kind",
            "evidence",
        ] {
            assert!(f.get(key).is_some(), "{key} missing in {f}");
        }
    }
    let (_, table, _) = gihi(&["audit", "published"]);
    assert!(
        table.contains("Table 7  B ~ B1+B2+B3+B4  85/100"),
        "{table}"
    );
}
