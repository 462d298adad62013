//! The patent walk (files sorted by publication number, one ordered pass) and the generic
//! plan (hash joins and GROUP BYs, taken when `patent_ipc` or `patent_parties` is not
//! sorted) compute the same figures: on a synthetic corpus with unparseable symbols, and on
//! random corpora with families over several publications, unmatched places, missing and
//! blank countries, repeated applicants, inventors, and symbols and parties of publications
//! absent from the patents file.

use gihi_records::dates::days_from_civil;
use gihi_records::patents::{run, Attribution, PatentOptions, PatentResults};
use gihi_records::synth::{write_corpus, Format, SynthOptions};
use gihi_records::{Engine, EngineOptions};
use proptest::prelude::*;
use std::path::Path;
use std::sync::Arc;

fn results(dir: &Path, attribution: Attribution) -> PatentResults {
    try_results(dir, attribution).unwrap()
}

fn try_results(
    dir: &Path,
    attribution: Attribution,
) -> Result<PatentResults, gihi_records::RecordsError> {
    let setup = gihi_edition::Setup::gihi_2024();
    let engine = Engine::new(
        &EngineOptions {
            threads: 2,
            memory_limit: 256 << 20,
            cluster: None,
            cluster_timeout: None,
        },
        Arc::new(gihi_ipc::Fields::appendix_7()),
        1,
    )
    .unwrap();
    let o = PatentOptions {
        valid_on: days_from_civil(2023, 1, 1),
        year: 2023,
        attribution,
        skip_invalid: true,
    };
    run(&engine, dir, &setup.registry, &setup.aliases_text, &o)
}

/// Every figure a run computes, as JSON (timings and the path taken left out).
fn figures(r: &PatentResults) -> String {
    let mut v = serde_json::to_value(r).unwrap();
    let s = v["summary"].as_object_mut().unwrap();
    s.remove("stage_seconds");
    s.remove("records_walked");
    serde_json::to_string_pretty(&v).unwrap()
}

/// A CSV's rows in reverse order, comment lines and header first (unsorted unless all rows
/// share one id).
fn reversed(csv: &str) -> String {
    let mut lines: Vec<&str> = csv.lines().collect();
    let head = lines.iter().take_while(|l| l.starts_with('#')).count() + 1;
    let mut out = String::new();
    for l in lines.drain(..head) {
        out.push_str(l);
        out.push('\n');
    }
    lines.reverse();
    for l in lines {
        out.push_str(l);
        out.push('\n');
    }
    out
}

fn write(dir: &Path, patents: &str, ipc: &str, parties: &str) {
    std::fs::write(dir.join("patents.csv"), patents).unwrap();
    std::fs::write(dir.join("patent_ipc.csv"), ipc).unwrap();
    std::fs::write(dir.join("patent_parties.csv"), parties).unwrap();
}

/// The walk's figures, and the plan's with each of `patent_ipc` and `patent_parties`
/// reversed in turn, must be identical (`must_plan`: the reversed files are surely unsorted;
/// a random corpus's may not be).
fn walk_and_plan_agree(
    patents: &str,
    ipc: &str,
    parties: &str,
    attribution: Attribution,
    must_plan: bool,
) {
    let d = tempfile::tempdir().unwrap();
    write(d.path(), patents, ipc, parties);
    let walked = results(d.path(), attribution);
    assert!(walked.summary.records_walked, "sorted files are walked");
    for (i, p) in [
        (reversed(ipc), parties.to_string()),
        (ipc.to_string(), reversed(parties)),
    ] {
        write(d.path(), patents, &i, &p);
        let planned = results(d.path(), attribution);
        assert!(
            !(must_plan && planned.summary.records_walked),
            "unsorted files are planned"
        );
        assert_eq!(figures(&walked), figures(&planned));
    }
}

#[test]
fn the_walk_and_the_plan_agree_on_a_synthetic_corpus() {
    let d = tempfile::tempdir().unwrap();
    let setup = gihi_edition::Setup::gihi_2024();
    let mut open = |name: &str| Ok(std::fs::File::create(d.path().join(name)).unwrap());
    let o = SynthOptions {
        patents: 6000,
        papers: 0,
        seed: 7,
        format: Format::Csv,
        invalid: 5,
    };
    write_corpus(
        &mut open,
        &setup.registry,
        &gihi_ipc::Fields::appendix_7(),
        o,
    )
    .unwrap();
    let read = |n: &str| std::fs::read_to_string(d.path().join(n)).unwrap();
    let (p, i, q) = (
        read("patents.csv"),
        read("patent_ipc.csv"),
        read("patent_parties.csv"),
    );
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), &p, &i, &q);
    let r = results(dir.path(), Attribution::Applicants);
    assert!(r.summary.records_walked);
    assert_eq!(r.summary.invalid_ipc_rows, 5);
    assert!(r.edges.len() > 10 && !r.focus.top_applicants.is_empty());
    walk_and_plan_agree(&p, &i, &q, Attribution::Applicants, true);
    walk_and_plan_agree(&p, &i, &q, Attribution::Inventors, true);
}

/// Sorted files with one bad cell: the walk gives up on the row, and the validation's
/// queries name it exactly as for unsorted files.
#[test]
fn a_bad_row_in_sorted_files_is_named_as_by_the_plan() {
    let patents = "pub_id,family_id,type,pct,publication_date,grant_date,expiry_date,lapse_date,title,abstract\n\
                   A1,F1,invention,false,2020-01-01,2021-01-01,,,t,\n\
                   A2,F2,invention,true,2023-02-01,,,,t,\n\
                   A3,F3,invention,false,2019-01-01,2020-01-01,,,t,\n";
    let ipc = "pub_id,ipc\nA1,G06N 3/08\nA2,A61K 31/00\nA3,H01L 31/04\n";
    let parties = "pub_id,role,name,type,city,country\n\
                   A1,applicant,Org,company,Tokyo,JP\n\
                   A2,applicant,Org,company,Boston,US\n\
                   A3,applicant,Org,company,Beijing,CN\n";
    let d = tempfile::tempdir().unwrap();
    write(d.path(), patents, ipc, parties);
    assert!(
        results(d.path(), Attribution::Applicants)
            .summary
            .records_walked
    );
    let cases = [
        ("patents", "A2,F2,", "A2, ,", "row 2, column family_id"),
        (
            "patents",
            "invention,true",
            "utility model,true",
            "row 2, column type",
        ),
        (
            "patents",
            "true,2023-02-01",
            "maybe,2023-02-01",
            "row 2, column pct",
        ),
        (
            "patents",
            "2019-01-01,2020",
            "2019-13-01,2020",
            "row 3, column publication_date",
        ),
        ("patents", "A3,F3", "A1,F3", "conflicting"),
        ("parties", "A2,applicant", "A2,owner", "row 2, column role"),
        (
            "parties",
            "Org,company,Beijing",
            "Org,firm,Beijing",
            "row 3, column type",
        ),
    ];
    for (file, from, to, says) in cases {
        let (p, q) = match file {
            "patents" => (patents.replacen(from, to, 1), parties.to_string()),
            _ => (patents.to_string(), parties.replacen(from, to, 1)),
        };
        write(d.path(), &p, ipc, &q);
        let e = try_results(d.path(), Attribution::Applicants)
            .err()
            .unwrap_or_else(|| panic!("{to} accepted"))
            .to_string();
        assert!(
            e.contains(says) || (says == "conflicting" && e.contains("A1")),
            "{to}: {e}"
        );
    }
}

/// Symbols: AI, chips (keyword rows: "memory" in the title), renewables, biomedicine, none,
/// unparseable.
const SYMBOLS: [&str; 7] = [
    "G06N 3/08",
    "G11C 11/54",
    "H01L 31/04",
    "A61K 31/00",
    "A61B 5/02",
    "F16H 25/12",
    "not-a-symbol",
];

/// Places: metros (one spelled by its country's name), unmatched, a blank country, a blank
/// city, a missing country.
const PLACES: [(&str, &str); 8] = [
    ("Tokyo", "JP"),
    ("Boston", "US"),
    ("Beijing", "CN"),
    ("Munich", "Germany"),
    ("Oak Ridge", "US"),
    ("Paris", ""),
    ("", "FR"),
    ("Seoul", "KR"),
];

/// One publication: family, type, pct, publication year, granted year (0: not), lapse year
/// (0: none), symbols, parties (applicant?, name, type, place), listed in the patents file.
type Drawn = (
    u8,
    u8,
    bool,
    i32,
    i32,
    i32,
    Vec<usize>,
    Vec<(bool, u8, u8, usize)>,
    bool,
);

const TYPES: [&str; 3] = ["invention", "utility", "design"];
const PARTY_TYPES: [&str; 3] = ["company", "university", "hospital"];

fn corpus(drawn: &[Drawn]) -> (String, String, String) {
    let mut patents = String::from(
        "pub_id,family_id,type,pct,publication_date,grant_date,expiry_date,lapse_date,title,abstract\n",
    );
    let mut ipc = String::from("pub_id,ipc\n");
    let mut parties = String::from("pub_id,role,name,type,city,country\n");
    for (k, (family, kind, pct, published, granted, lapsed, symbols, people, listed)) in
        drawn.iter().enumerate()
    {
        let id = format!("P{k:03}");
        let date = |y: &i32| {
            if *y == 0 {
                String::new()
            } else {
                format!("{y}-06-01")
            }
        };
        if *listed {
            patents.push_str(&format!(
                "{id},F{family},{},{pct},{published}-03-01,{},,{},a memory cell,\n",
                TYPES[*kind as usize],
                date(granted),
                date(lapsed),
            ));
        }
        for s in symbols {
            ipc.push_str(&format!("{id},{}\n", SYMBOLS[*s]));
        }
        for (applicant, name, kind, place) in people {
            let (city, country) = PLACES[*place];
            let role = if *applicant { "applicant" } else { "inventor" };
            parties.push_str(&format!(
                "{id},{role},Org {name},{},{city},{country}\n",
                PARTY_TYPES[*kind as usize]
            ));
        }
    }
    (patents, ipc, parties)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(16))]

    #[test]
    fn the_walk_and_the_plan_agree_on_random_corpora(
        drawn in proptest::collection::vec(
            (
                0u8..8,
                prop_oneof![Just(0u8), Just(0u8), 0u8..3],
                proptest::bool::weighted(0.4),
                prop_oneof![Just(2023), 2015i32..2024],
                prop_oneof![Just(0), 2016i32..2024],
                prop_oneof![Just(0), Just(0), 2020i32..2025],
                proptest::collection::vec(0usize..SYMBOLS.len(), 0..3),
                proptest::collection::vec(
                    (proptest::bool::weighted(0.7), 0u8..4, 0u8..3, 0usize..PLACES.len()),
                    0..4,
                ),
                proptest::bool::weighted(0.9),
            ),
            2..30,
        ),
    ) {
        let (p, i, q) = corpus(&drawn);
        walk_and_plan_agree(&p, &i, &q, Attribution::Applicants, false);
    }
}
