//! Editions as data: `gihi edition new` → edit → `edition check` → `compute --edition` →
//! `changes --against 2024`, and `gihi select` (Appendix 4), from the command line.

mod common;
use common::gihi;
use std::fs;
use std::path::Path;

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// Edits a made edition as a producer would: drops Nagoya, adds Sendai, fills in
/// SYNTHETIC populations and moves the laureates cut-off on.
fn edit_synthetic_2025(dir: &Path) {
    let cities = fs::read_to_string(dir.join("cities.toml")).unwrap();
    let start = cities.find("[[city]]\nno = 101\nid = \"nagoya\"").unwrap();
    let end = cities[start + 8..].find("[[city]]").unwrap() + start + 8;
    let cities = format!(
        "{}{}\n[[city]]\nno = 121\nid = \"sendai\"\nname_en = \"Sendai\"\nname_zh = \"仙台\"\ncountry = \"JP\"\ncontinent = \"Asia\"\ngroup = \"main\"\nmembers = [{{ name_en = \"Sendai\", name_zh = \"仙台市\", country = \"JP\" }}]\n",
        &cities[..start],
        &cities[end..]
    );
    fs::write(dir.join("cities.toml"), &cities).unwrap();
    let registry = gihi_registry::Registry::from_toml_str(&cities, "edited").unwrap();
    let mut pop =
        String::from("# SYNTHETIC populations for a test edition\ncity,population,year,source\n");
    for c in &registry.cities {
        let n = match c.group {
            gihi_registry::Group::Mini => 500_000,
            gihi_registry::Group::Main => 2_000_000,
        };
        pop.push_str(&format!("{},{n},2024,synthetic\n", c.id));
    }
    fs::write(dir.join("population.csv"), pop).unwrap();
    let cut = fs::read_to_string(dir.join("cutoffs.toml")).unwrap();
    fs::write(
        dir.join("cutoffs.toml"),
        cut.replace("2024-06-24", "2025-06-30"),
    )
    .unwrap();
}

#[test]
fn a_synthetic_2025_edition_end_to_end() {
    let tmp = tempfile::tempdir().unwrap();
    let ed = tmp.path().join("edition-2025-synthetic");

    let (code, _, err) = gihi(&["edition", "new", "2025", "--from", "2024", "--out", s(&ed)]);
    assert_eq!(code, 0, "{err}");
    assert!(ed.join("README.md").is_file() && ed.join("population.csv").is_file());
    // Never written into again: the producer may have edited it.
    fs::write(ed.join("notes.txt"), "mine").unwrap();
    let (code, _, err) = gihi(&["edition", "new", "2025", "--out", s(&ed)]);
    assert_eq!(code, 2);
    assert!(err.contains("already exists"), "{err}");
    assert_eq!(fs::read_to_string(ed.join("notes.txt")).unwrap(), "mine");

    // As made, the check lists what is left to do.
    let (code, out, err) = gihi(&["edition", "check", s(&ed)]);
    assert_eq!(code, 2, "{out}{err}");
    assert!(
        out.contains("problem: ") && out.contains("no population for 120 of 120 metros"),
        "{out}"
    );
    assert!(
        out.contains("laureates = \"2024-06-24\" is before the edition's year 2025"),
        "{out}"
    );
    assert!(err.contains("2 problem(s) found"), "{err}");

    edit_synthetic_2025(&ed);
    let (code, out, err) = gihi(&["edition", "check", s(&ed)]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.starts_with("GIHI 2025 ("), "{out}");
    assert!(
        out.contains("120 cities (108 main, 12 mini)")
            && out.contains("population: 120 of 120 metros"),
        "{out}"
    );

    // Compute with the edition: the run carries its registry and names its edition.
    let data = tmp.path().join("indicators-synthetic.csv");
    let run = tmp.path().join("run-2025-synthetic");
    let (code, _, err) = gihi(&[
        "--edition",
        s(&ed),
        "synth",
        "--seed",
        "3",
        "--out",
        s(&data),
    ]);
    assert_eq!(code, 0, "{err}");
    let table = fs::read_to_string(&data).unwrap();
    assert!(table.contains("\nsendai,") && !table.contains("\nnagoya,"));
    let (code, _, err) = gihi(&[
        "--edition",
        s(&ed),
        "compute",
        "--data",
        s(&data),
        "--out",
        s(&run),
    ]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        fs::read_to_string(run.join("cities.toml")).unwrap(),
        fs::read_to_string(ed.join("cities.toml")).unwrap()
    );
    let manifest: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(run.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["edition"]["year"], 2025);

    // The 2024 registry cannot read the 2025 data (Sendai is not one of its cities).
    let (code, _, err) = gihi(&[
        "compute",
        "--data",
        s(&data),
        "--out",
        s(&tmp.path().join("x-synthetic")),
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("sendai"), "{err}");

    // Changes against the printed 2024 edition, matched by id.
    let (code, out, err) = gihi(&[
        "changes",
        "--results",
        s(&run),
        "--against",
        "2024",
        "--top",
        "108",
        "--format",
        "json",
    ]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["synthetic"], true);
    assert_eq!(v["before"], "GIHI 2024 (as printed)");
    assert_eq!(v["cities_added"], serde_json::json!(["sendai"]));
    assert_eq!(v["cities_dropped"], serde_json::json!(["nagoya"]));
    let rows = v["changes"]["rows"].as_array().unwrap();
    let row = |id: &str| rows.iter().find(|r| r["city"] == id).cloned();
    assert_eq!(row("new-york").unwrap()["rank_before"], 2);
    assert!(row("sendai").unwrap()["rank_before"].is_null());
    let (code, out, _) = gihi(&["changes", "--results", s(&run), "--against", "2024"]);
    assert_eq!(code, 0);
    assert!(
        out.contains(
            "Cities evaluated now but not then: sendai\nCities evaluated then but not now: nagoya"
        ),
        "{out}"
    );

    // Reading the run uses its own registry.
    let (code, out, err) = gihi(&["profile", "sendai", "--results", s(&run)]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("Sendai"), "{out}");
    let (code, _, err) = gihi(&[
        "--edition",
        "2024",
        "profile",
        "sendai",
        "--results",
        s(&run),
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("carries its own registry"), "{err}");
    let report = tmp.path().join("report-2025-synthetic");
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

    // An unpublished edition has no printed tables to query.
    let (code, _, err) = gihi(&[
        "--edition",
        s(&ed),
        "published",
        "ranking",
        "--level",
        "composite",
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("has no published tables yet"), "{err}");
}

#[test]
fn select_writes_the_candidates_and_refuses_to_hide_synthetic_lists() {
    let tmp = tempfile::tempdir().unwrap();
    let lists = tmp.path().join("lists");
    fs::create_dir(&lists).unwrap();
    let synthetic = "# SYNTHETIC rankings for a test\n";
    fs::write(
        lists.join("nature-index.csv"),
        format!("{synthetic}rank,city,country\n1,Beijing,CN\n60,Heidelberg,DE\n"),
    )
    .unwrap();
    fs::write(
        lists.join("wipo.csv"),
        format!(
            "{synthetic}rank,city,country\n5,Shanghai–Suzhou,CN\n55,Heidelberg,DE\n80,Sendai,JP\n"
        ),
    )
    .unwrap();
    fs::write(
        lists.join("kearney.csv"),
        format!("{synthetic}rank,city,country\n90,Sendai,JP\n"),
    )
    .unwrap();
    let pop = tmp.path().join("population.csv");
    fs::write(
        &pop,
        format!("{synthetic}city,country,population\nSendai,JP,1096704\n"),
    )
    .unwrap();

    let out = tmp.path().join("candidates.csv");
    let (code, _, err) = gihi(&[
        "select",
        "--lists",
        s(&lists),
        "--population",
        s(&pop),
        "--out",
        s(&out),
    ]);
    assert_eq!(code, 2);
    assert!(
        err.contains("SYNTHETIC") && err.contains("--out must say so"),
        "{err}"
    );
    assert!(!out.exists());

    let out = tmp.path().join("candidates-synthetic.csv");
    for _ in 0..2 {
        // The second run replaces its own earlier output.
        let (code, stdout, err) = gihi(&[
            "select",
            "--lists",
            s(&lists),
            "--population",
            s(&pop),
            "--out",
            s(&out),
        ]);
        assert_eq!(code, 0, "{err}");
        assert!(stdout.starts_with("5 cities selected from 3 lists (1 main, 0 mini, 4 without a population) (SYNTHETIC)"), "{stdout}");
        assert!(stdout.contains("added: Sendai (JP)"), "{stdout}");
    }
    let text = fs::read_to_string(&out).unwrap();
    assert!(text.contains("SYNTHETIC"));
    assert!(
        text.contains(
            "true,kept,suzhou,Suzhou,CN,wipo:5 (Shanghai–Suzhou),top 50 of wipo (rank 5),,,main\n"
        ),
        "{text}"
    );

    // A bad rank names its file, line and column; nothing is written.
    fs::write(
        lists.join("kearney.csv"),
        "rank,city,country\nninety,Sendai,JP\n",
    )
    .unwrap();
    let other = tmp.path().join("other-synthetic.csv");
    let (code, _, err) = gihi(&["select", "--lists", s(&lists), "--out", s(&other)]);
    assert_eq!(code, 2);
    assert!(
        err.contains("kearney.csv:2:1: rank: expected a whole number from 1"),
        "{err}"
    );
    assert!(!other.exists());
}
