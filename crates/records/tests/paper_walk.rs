//! The paper walk (files sorted by paper id, one ordered pass) and the generic plan (hash
//! joins, GROUP BY and window functions, taken when the authorships or the fields are not
//! sorted) compute the same figures: on the hand corpus, on random corpora with unmatched
//! places, missing countries, papers without authorships, authorships and fields of papers
//! missing from the papers file, and researchers in several metros, and on a corpus large
//! enough for I07's thresholds to take the k-th largest (k > 1) with ties.

use gihi_records::papers::{run, PaperOptions, PaperResults};
use gihi_records::{Engine, EngineOptions};
use proptest::prelude::*;
use std::sync::Arc;

const OPTIONS: PaperOptions = PaperOptions {
    network_year: 2023,
    active: [2019, 2023],
    highly_cited: [2000, 2022],
    focus: [2000, 2022],
};

fn results(papers: &str, fields: &str, authorships: &str) -> PaperResults {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("papers.csv"), papers).unwrap();
    std::fs::write(d.path().join("paper_fields.csv"), fields).unwrap();
    std::fs::write(d.path().join("paper_authorships.csv"), authorships).unwrap();
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
    run(
        &engine,
        d.path(),
        &setup.registry,
        &setup.aliases_text,
        &OPTIONS,
    )
    .unwrap()
}

/// Every figure a run computes, as text (timings and the path taken left out).
fn figures(r: &PaperResults) -> String {
    let s = &r.summary;
    format!(
        "{:?}\n{:?}\n{:?}\n{:?}\n{:?}\n{:?}\n{}\n{:?}\n{} {} {}",
        r.researchers,
        r.highly_cited,
        r.policy_citations,
        r.active_papers,
        r.centrality.iter().map(|x| x.to_bits()).collect::<Vec<_>>(),
        r.years,
        serde_json::to_string(&r.fields).unwrap(),
        s.matched_by_country
            .iter()
            .map(|c| (&c.country, c.rows, c.matched))
            .collect::<Vec<_>>(),
        s.papers_missing_from_papers_file,
        s.highly_cited_papers,
        s.authorships_without_researcher,
    )
}

/// The rows of a CSV text after its header, reversed: the same records, not sorted.
fn reversed(csv: &str) -> String {
    let mut lines: Vec<&str> = csv.lines().collect();
    let header = lines.remove(0);
    lines.reverse();
    format!("{header}\n{}\n", lines.join("\n"))
}

const PAPERS: &str =
    "paper_id,year,type,times_cited,cited_by_patents,cited_by_policy,cited_by_trials
A1,2010,article,50,0,0,0
A2,2010,article,50,0,1,0
A3,2021,article,10,1,0,0
B1,2023,article,0,0,0,3
B2,2023,article,4,0,0,0
B3,2022,article,0,2,2,0
C1,2020,article,7,0,0,0
";

const FIELDS: &str = "paper_id,field
A1,31
A2,31
A3,40
A4,31
B2,46
B3,46
B3,46 Information and Computing Sciences
B3,33
C1,32
";

const AUTHORSHIPS: &str = "paper_id,researcher_id,org_id,city,country
A1,x1,,Tokyo,JP
A1,x2,,Tsukuba,Japan
A3,x1,,London,GB
A3,x3,,Paris,FR
A3,x3,,Paris,FR
A4,x9,,Tokyo,JP
B1,,,Beijing,CN
B1,x4,,Hong Kong,HK
B1,x5,,Shenzhen,
B2,x1,,Tokyo,JP
B2,x1,,Boston,US
B2,x6,,Cambridge,United States
B3,x7,,Leuven,BE
C1, ,,Tokyo,JPN
C2,x8,,Paris,FR
";

#[test]
fn the_walk_and_the_plan_agree_on_a_small_corpus() {
    let walked = results(PAPERS, FIELDS, AUTHORSHIPS);
    assert!(walked.summary.authorships_walked, "sorted files are walked");
    assert_eq!(walked.summary.papers_missing_from_papers_file, 2, "A4, C2");
    let tokyo = walked.metros.iter().position(|m| m == "tokyo").unwrap();
    assert_eq!(
        walked.researchers[tokyo], 1,
        "x1 on B2 (2023); C1's blank id not counted"
    );
    let planned = results(PAPERS, FIELDS, &reversed(AUTHORSHIPS));
    assert!(
        !planned.summary.authorships_walked,
        "unsorted authorships are hashed"
    );
    assert_eq!(figures(&walked), figures(&planned));
    // Papers not strictly increasing (unsorted) take the plan as well, with the same figures.
    let unsorted = results(&reversed(PAPERS), FIELDS, AUTHORSHIPS);
    assert!(!unsorted.summary.authorships_walked);
    assert_eq!(figures(&walked), figures(&unsorted));
    // So do unsorted fields (the walk gives up when their ids go back).
    let fields_unsorted = results(PAPERS, &reversed(FIELDS), AUTHORSHIPS);
    assert!(!fields_unsorted.summary.authorships_walked);
    assert_eq!(figures(&walked), figures(&fields_unsorted));
    // A row of an earlier paper after the last paper's rows is found too (B3, of the focus's
    // last year, gains division 40).
    let late = format!("{FIELDS}Z1,31\nB3,40\n");
    let late_walk = results(PAPERS, &late, AUTHORSHIPS);
    assert!(!late_walk.summary.authorships_walked);
    assert_eq!(
        figures(&late_walk),
        figures(&results(PAPERS, &late, &reversed(AUTHORSHIPS)))
    );
    assert_ne!(figures(&late_walk), figures(&walked));
}

/// 430 papers of 2010, all in Tokyo: 250 in division 31 (times cited 9, 7, 7, 7, then 0)
/// and 180 in division 40 (i mod 50 for i = 0..180), of which i = 1, 2, 3 are in division 31
/// too. Division 31: n = 253, k = 3, the values 9, 7, 7, 7, 3, ... so T = 7 and the four
/// papers at 9 and 7 are highly cited. Division 40: n = 180, k = 2, three papers at 49, so
/// T = 49 and all three are. Seven in all.
#[test]
fn thresholds_take_the_kth_largest_with_ties() {
    let mut papers = String::from(
        "paper_id,year,type,times_cited,cited_by_patents,cited_by_policy,cited_by_trials\n",
    );
    let mut fields = String::from("paper_id,field\n");
    let mut auth = String::from("paper_id,researcher_id,org_id,city,country\n");
    let mut add = |k: usize, cited: usize, divisions: &[u8]| {
        papers.push_str(&format!("Q{k:04},2010,article,{cited},0,0,0\n"));
        for d in divisions {
            fields.push_str(&format!("Q{k:04},{d}\n"));
        }
        auth.push_str(&format!("Q{k:04},,,Tokyo,JP\n"));
    };
    for (k, cited) in [9, 7, 7, 7].into_iter().chain([0; 246]).enumerate() {
        add(k, cited, &[31]);
    }
    for i in 0..180 {
        let both: &[u8] = if [1, 2, 3].contains(&i) {
            &[31, 40]
        } else {
            &[40]
        };
        add(250 + i, i % 50, both);
    }
    let walked = results(&papers, &fields, &auth);
    assert!(walked.summary.authorships_walked);
    assert_eq!(walked.summary.highly_cited_papers, 4 + 3);
    let tokyo = walked.metros.iter().position(|m| m == "tokyo").unwrap();
    assert_eq!(walked.highly_cited[tokyo], 7);
    let planned = results(&papers, &fields, &reversed(&auth));
    assert!(!planned.summary.authorships_walked);
    assert_eq!(figures(&walked), figures(&planned));
}

/// Places the random corpora draw from: metros, places outside every metro, a missing
/// city, a missing country, Hong Kong apart from China.
const PLACES: [(&str, &str); 10] = [
    ("Tokyo", "JP"),
    ("Boston", "US"),
    ("London", "GB"),
    ("Paris", "FR"),
    ("Beijing", "CN"),
    ("Tsukuba", "JP"),
    ("Leuven", "BE"),
    ("", "JP"),
    ("Shenzhen", ""),
    ("Hong Kong", "HK"),
];

/// One paper: year, times cited, a citation count, fields, authorships (place, researcher),
/// whether the papers file lists it.
type Drawn = (i64, i64, i64, Vec<u8>, Vec<(usize, Option<u8>)>, bool);

fn corpus(drawn: &[Drawn]) -> (String, String, String) {
    let mut papers = String::from(
        "paper_id,year,type,times_cited,cited_by_patents,cited_by_policy,cited_by_trials\n",
    );
    let mut fields = String::from("paper_id,field\n");
    let mut auth = String::from("paper_id,researcher_id,org_id,city,country\n");
    for (k, (year, cited_times, cited, divisions, authorships, listed)) in drawn.iter().enumerate()
    {
        let id = format!("P{k:03}");
        if *listed {
            papers.push_str(&format!("{id},{year},article,{cited_times},{cited},0,0\n"));
        }
        for d in divisions {
            fields.push_str(&format!("{id},{}\n", 30 + d));
        }
        for (place, researcher) in authorships {
            let (city, country) = PLACES[*place];
            let r = researcher.map(|r| format!("r{r}")).unwrap_or_default();
            auth.push_str(&format!("{id},{r},,{city},{country}\n"));
        }
    }
    (papers, fields, auth)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn the_walk_and_the_plan_agree_on_random_corpora(
        drawn in proptest::collection::vec(
            (
                prop_oneof![Just(2010i64), 2019i64..=2023],
                0i64..6,
                0i64..3,
                proptest::collection::vec(0u8..4, 0..3),
                proptest::collection::vec((0usize..PLACES.len(), proptest::option::of(0u8..6)), 0..5),
                proptest::bool::weighted(0.9),
            ),
            1..30,
        ),
    ) {
        let (p, f, a) = corpus(&drawn);
        let walked = results(&p, &f, &a);
        let planned = results(&p, &f, &reversed(&a));
        // (Reversed authorships that are still sorted, of one paper, are walked again.)
        prop_assert!(walked.summary.authorships_walked);
        prop_assert_eq!(figures(&walked), figures(&planned));
        let fields_unsorted = results(&p, &reversed(&f), &a);
        prop_assert_eq!(figures(&walked), figures(&fields_unsorted));
    }
}
