//! The duplicate check's fast path: a `pub_id` column that is strictly increasing in file
//! order is proved duplicate-free by one sequential pass; anything else (an unsorted file,
//! adjacent duplicates, a null) is left to the hash count.

use gihi_records::layout::PATENTS;
use gihi_records::{Engine, EngineOptions};
use std::sync::Arc;

const HEADER: &str =
    "pub_id,family_id,type,pct,publication_date,grant_date,expiry_date,lapse_date,title,abstract\n";

/// Whether the `pub_id` column of a patents file with these ids is strictly increasing.
fn increasing(ids: &[&str]) -> bool {
    let d = tempfile::tempdir().unwrap();
    let mut text = HEADER.to_string();
    for id in ids {
        text.push_str(&format!("{id},F,invention,false,2020-01-01,,,,t,a\n"));
    }
    std::fs::write(d.path().join("patents.csv"), text).unwrap();
    let engine = Engine::new(
        &EngineOptions {
            threads: 2,
            memory_limit: 64 << 20,
            cluster: None,
            cluster_timeout: None,
        },
        Arc::new(gihi_ipc::Fields::appendix_7()),
        1,
    )
    .unwrap();
    engine.register(d.path(), PATENTS).unwrap();
    engine.strictly_increasing("patents", "pub_id").unwrap()
}

#[test]
fn a_sorted_key_column_is_proved_distinct_and_nothing_else_is() {
    assert!(increasing(&["A1", "A2", "B1"]));
    assert!(increasing(&["P1"]));
    assert!(increasing(&[]));
    // Byte order, not numeric order: P10 sorts before P2.
    assert!(increasing(&["P1", "P10", "P2"]));
    assert!(!increasing(&["P1", "P2", "P10"]));
    assert!(!increasing(&["A1", "A1", "B1"]));
    assert!(!increasing(&["B1", "A1"]));
    assert!(!increasing(&["A1", "", "B1"]));
}

#[test]
fn the_check_spans_batches() {
    // 20,000 rows are several batches: an order break at a batch boundary is found.
    let ids: Vec<String> = (0..20_000).map(|i| format!("SYN{i:09}")).collect();
    let refs: Vec<&str> = ids.iter().map(String::as_str).collect();
    assert!(increasing(&refs));
    let mut broken = refs.clone();
    broken.swap(8191, 8192);
    assert!(!increasing(&broken));
    let mut dup = refs.clone();
    dup[8192] = dup[8191];
    assert!(!increasing(&dup));
}
