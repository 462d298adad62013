use super::*;

/// (real line of each record, fields) as csv reads the filtered stream.
fn records(text: &str) -> (Vec<(usize, Vec<String>)>, Vec<String>) {
    let (filter, map) = CommentFilter::new(text.as_bytes());
    let mut r = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(filter);
    let mut out = Vec::new();
    for rec in r.records() {
        let rec = rec.unwrap();
        let line = map
            .borrow()
            .real_line(rec.position().unwrap().line() as usize);
        out.push((line, rec.iter().map(str::to_string).collect()));
    }
    let leading = map.borrow().leading_comments.clone();
    (out, leading)
}

#[test]
fn header_after_comments_keeps_its_line() {
    let (r, leading) = records("# SYNTHETIC\n# two\ncity,I01\nrome,1\n");
    assert_eq!(r[0].0, 3);
    assert_eq!(r[1].0, 4);
    assert_eq!(leading, vec!["# SYNTHETIC", "# two"]);
}

#[test]
fn blank_and_comment_lines_between_rows() {
    let (r, _) = records("a,b\n\n\n1,2\n# note\n\n3,4\n");
    let lines: Vec<usize> = r.iter().map(|x| x.0).collect();
    assert_eq!(lines, vec![1, 4, 7]);
}

#[test]
fn a_hash_inside_a_quoted_field_is_data() {
    let (r, _) = records("a,b\n\"x\n# not a comment\",2\n3,4\n");
    assert_eq!(r[1].1[0], "x\n# not a comment");
    assert_eq!(r[1].0, 2);
    assert_eq!(r[2].0, 4);
}

#[test]
fn byte_order_mark_is_dropped() {
    let (r, _) = records("\u{feff}city,I01\nrome,1\n");
    assert_eq!(r[0].1[0], "city");
}

#[test]
fn limited_hashes_and_refuses_more() {
    let mut l = Limited::new(&b"abc"[..], 3);
    let mut s = String::new();
    l.read_to_string(&mut s).unwrap();
    assert_eq!(
        l.finish().unwrap(),
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    );
    let mut l = Limited::new(&b"abcd"[..], 3);
    assert!(is_too_large(
        &l.read_to_string(&mut String::new()).unwrap_err()
    ));
}

proptest::proptest! {
    /// Whatever comment and blank lines are inserted, each row keeps its real line number.
    #[test]
    fn line_numbers_are_exact(gaps in proptest::collection::vec(0usize..4, 1..30)) {
        let mut text = String::new();
        let mut expected = Vec::new();
        let mut line = 0;
        for (k, g) in gaps.iter().enumerate() {
            for j in 0..*g {
                text.push_str(if j % 2 == 0 { "# c\n" } else { "\n" });
                line += 1;
            }
            text.push_str(&format!("{k},x\n"));
            line += 1;
            expected.push(line);
        }
        let (r, _) = records(&text);
        proptest::prop_assert_eq!(r.iter().map(|x| x.0).collect::<Vec<_>>(), expected);
    }
}
