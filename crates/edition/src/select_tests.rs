//! Appendix 4's selection rule on small hand-made lists (against the 2024 registry).

use crate::select::{read_list, read_population, select, Candidate, Change, Selection};
use crate::Setup;
use gihi_places::Places;
use gihi_registry::Group;

fn run(lists: &[(&str, &str)], population: &str) -> Selection {
    let setup = Setup::gihi_2024();
    let places = Places::with_aliases(&setup.registry, &setup.aliases_text).unwrap();
    let lists: Vec<_> = lists
        .iter()
        .map(|(name, text)| read_list(name, &format!("{name}.csv"), text).unwrap())
        .collect();
    let pop = read_population("population.csv", population).unwrap();
    select(&lists, &pop, "population.csv", &places, &setup.registry).unwrap()
}

fn find<'a>(s: &'a Selection, metro_or_name: &str) -> &'a Candidate {
    s.candidates
        .iter()
        .find(|c| c.metro == metro_or_name || c.name == metro_or_name)
        .unwrap_or_else(|| panic!("no candidate {metro_or_name}"))
}

const NATURE: &str =
    "# hand-made\nrank,city,country\n1,Beijing,China\n60,Heidelberg,DE\n70,Nowhere Town,US\n";
const WIPO: &str = "rank,city,country\n5,Shanghai–Suzhou,CN\n55,Heidelberg,Germany\n80,Sendai,JP\n";
const KEARNEY: &str = "rank,city,country\n=12,Boston,US\n90,Sendai,Japan\n";
const THINKNOW: &str = "rank,city,country\n51,Ann Arbor,US\n40,Yokohama,JP\n3,Tokyo,JP\n";
const POPULATION: &str =
    "city,country,population\nBeijing,CN,21893095\nHeidelberg,DE,160355\nSendai,JP,1096704\nBoston,US,650000\n";

fn hand_made() -> Selection {
    run(
        &[
            ("nature-index", NATURE),
            ("wipo", WIPO),
            ("kearney", KEARNEY),
            ("2thinknow", THINKNOW),
        ],
        POPULATION,
    )
}

#[test]
fn top_50_of_any_list_is_selected() {
    let s = hand_made();
    let b = find(&s, "beijing");
    assert!(b.selected);
    assert_eq!(b.reason, "top 50 of nature-index (rank 1)");
    assert_eq!((b.group, b.change), (Some(Group::Main), Change::Kept));
}

#[test]
fn beyond_50_in_two_lists_is_selected_in_one_list_only_is_not() {
    let s = hand_made();
    // Heidelberg: 60 (nature-index) and 55 (wipo), spelled with two country forms.
    let h = find(&s, "heidelberg");
    assert!(h.selected, "{h:?}");
    assert_eq!(h.reason, "ranked beyond 50 in 2 lists");
    assert_eq!(h.appearances.len(), 2);
    // 160,355 inhabitants: a mini-hub, as in the registry.
    assert_eq!((h.group, h.change), (Some(Group::Mini), Change::Kept));
    // Ann Arbor: 51 in one list only; it is in the registry, so it is dropped.
    let a = find(&s, "ann-arbor");
    assert!(!a.selected);
    assert_eq!(a.reason, "ranked beyond 50 in one list only");
    assert_eq!(a.change, Change::Dropped);
    // A new city in one list beyond 50: listed, not selected.
    let n = find(&s, "Nowhere Town");
    assert_eq!((n.selected, n.change), (false, Change::NotSelected));
    assert_eq!(n.metro, "");
}

#[test]
fn a_new_city_in_two_lists_is_added() {
    let s = hand_made();
    let c = find(&s, "Sendai");
    assert!(c.selected);
    assert_eq!(c.metro, "");
    assert_eq!(c.country, "JP");
    assert_eq!((c.group, c.change), (Some(Group::Main), Change::Added));
    assert_eq!(
        c.appearances
            .iter()
            .map(|a| (a.list.as_str(), a.rank))
            .collect::<Vec<_>>(),
        [("kearney", 90), ("wipo", 80)]
    );
}

#[test]
fn a_cluster_spanning_two_metros_puts_both_in() {
    let s = hand_made();
    for id in ["shanghai", "suzhou"] {
        let c = find(&s, id);
        assert!(c.selected, "{id}");
        assert_eq!(c.reason, "top 50 of wipo (rank 5)");
        assert_eq!(c.appearances[0].printed, "Shanghai–Suzhou");
        // No population given: the group is unknown, the registry's is kept.
        assert_eq!((c.group, c.change), (None, Change::Kept));
    }
}

#[test]
fn entries_of_one_list_in_one_metro_count_once_with_the_best_rank() {
    let s = hand_made();
    let t = find(&s, "tokyo");
    assert_eq!(t.appearances.len(), 1);
    assert_eq!(
        (t.appearances[0].rank, t.appearances[0].printed.as_str()),
        (3, "Tokyo")
    );
}

#[test]
fn population_under_one_million_makes_a_mini_hub() {
    let s = hand_made();
    // Tie mark `=12` read as rank 12; 650,000 inhabitants move Boston to the mini group.
    let b = find(&s, "boston");
    assert_eq!(b.reason, "top 50 of kearney (rank 12)");
    assert_eq!(
        (b.group, b.registry_group, b.change),
        (Some(Group::Mini), Some(Group::Main), Change::GroupChanged)
    );
}

#[test]
fn totals_and_order() {
    let s = hand_made();
    let selected: Vec<&str> = s
        .candidates
        .iter()
        .filter(|c| c.selected)
        .map(|c| {
            if c.metro.is_empty() {
                c.name.as_str()
            } else {
                c.metro.as_str()
            }
        })
        .collect();
    // Registry order first (Appendix 5 numbers), then new cities by best rank.
    assert_eq!(
        selected,
        [
            "boston",
            "heidelberg",
            "beijing",
            "shanghai",
            "suzhou",
            "tokyo",
            "Sendai"
        ]
    );
    assert_eq!(s.with(Change::Dropped).count(), 120 - 6);
    assert_eq!(s.selected_in(Some(Group::Mini)), 2);
    let csv = s.csv("");
    assert!(csv.starts_with(
        "selected,change,metro,name,country,lists,reason,population,group,registry_group\n"
    ));
    assert!(csv.contains("true,added,,Sendai,JP,kearney:90 (Sendai); wipo:80 (Sendai),ranked beyond 50 in 2 lists,1096704,main,\n"), "{csv}");
}

#[test]
fn bad_lists_name_file_line_and_column() {
    let e = read_list(
        "x",
        "x.csv",
        "# c\nrank,city,country\n1,Paris,FR\nfirst,Rome,IT\n",
    )
    .unwrap_err()
    .to_string();
    assert!(
        e.starts_with("x.csv:4:1: rank: expected a whole number from 1"),
        "{e}"
    );
    let e = read_list("x", "x.csv", "position,city,country\n1,Paris,FR\n")
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("x.csv:1:1: expected a header with the columns rank, city, country"),
        "{e}"
    );
    let e = read_population("p.csv", "city,country,population\nParis,FR,many\n")
        .unwrap_err()
        .to_string();
    assert!(
        e.starts_with("p.csv:2:3: population: expected a whole number"),
        "{e}"
    );
    // Two population rows for one metro (Tokyo and its member Yokohama).
    let setup = Setup::gihi_2024();
    let places = Places::with_aliases(&setup.registry, &setup.aliases_text).unwrap();
    let pop = read_population(
        "p.csv",
        "city,country,population\nTokyo,JP,1\nYokohama,JP,2\n",
    )
    .unwrap();
    let e = select(&[], &pop, "p.csv", &places, &setup.registry)
        .unwrap_err()
        .to_string();
    assert!(
        e.starts_with("p.csv:3:1: `Yokohama` is the same metro as line 2 (tokyo)"),
        "{e}"
    );
}
