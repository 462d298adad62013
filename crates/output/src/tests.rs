//! Each rule of the crate on a tiny hand-made tree.

use super::*;
use serde_json::json;
use std::fs;

fn out_dir(target: &Path, command: &str, inputs: &[&Path]) -> Result<PathBuf, OutputError> {
    let mut d = OutputDir::create(target, command, inputs)?;
    d.write("a.csv", b"x\n")?;
    d.write("sub/b.svg", b"<svg/>")?;
    d.commit(json!({"version": "test"}))
}

#[test]
fn new_directory_appears_with_a_manifest_listing_every_file() {
    let t = tempfile::tempdir().unwrap();
    let target = t.path().join("run");
    out_dir(&target, "compute", &[]).unwrap();
    let v = verify_dir(&target, "compute").unwrap();
    assert_eq!(v.files.len(), 2);
    assert_eq!(v.manifest["command"], "compute");
    // No temporary sibling is left behind.
    assert_eq!(fs::read_dir(t.path()).unwrap().count(), 1);
}

#[test]
fn an_earlier_unchanged_output_of_the_same_command_is_replaced() {
    let t = tempfile::tempdir().unwrap();
    let target = t.path().join("run");
    out_dir(&target, "compute", &[]).unwrap();
    out_dir(&target, "compute", &[]).unwrap();
    assert_eq!(fs::read_dir(t.path()).unwrap().count(), 1);
}

#[test]
fn a_fake_manifest_does_not_make_a_directory_replaceable() {
    let t = tempfile::tempdir().unwrap();
    let target = t.path().join("w");
    fs::create_dir(&target).unwrap();
    fs::write(target.join("manifest.json"), "{}").unwrap();
    fs::write(target.join("app.js"), "x").unwrap();
    let e = out_dir(&target, "compute", &[]).unwrap_err();
    assert!(e.is_input_error(), "{e}");
    assert_eq!(fs::read_to_string(target.join("app.js")).unwrap(), "x");
}

#[test]
fn a_foreign_file_in_an_earlier_output_is_kept() {
    let t = tempfile::tempdir().unwrap();
    let target = t.path().join("run");
    out_dir(&target, "compute", &[]).unwrap();
    fs::write(target.join("mine.txt"), "notes").unwrap();
    let e = out_dir(&target, "compute", &[]).unwrap_err();
    assert!(e.to_string().contains("mine.txt"), "{e}");
    assert!(target.join("mine.txt").exists());
}

#[test]
fn an_edited_output_is_kept() {
    let t = tempfile::tempdir().unwrap();
    let target = t.path().join("run");
    out_dir(&target, "compute", &[]).unwrap();
    fs::write(target.join("a.csv"), "edited").unwrap();
    assert!(out_dir(&target, "compute", &[])
        .unwrap_err()
        .to_string()
        .contains("changed"));
    assert!(verify_dir(&target, "compute").is_err());
}

#[test]
fn another_commands_output_is_kept() {
    let t = tempfile::tempdir().unwrap();
    let target = t.path().join("gihi-report");
    out_dir(&target, "report", &[]).unwrap();
    let e = out_dir(&target, "compute", &[]).unwrap_err();
    assert!(e.to_string().contains("gihi report"), "{e}");
}

#[test]
fn a_directory_holding_an_input_is_never_replaced() {
    let t = tempfile::tempdir().unwrap();
    let target = t.path().join("proj");
    out_dir(&target, "compute", &[]).unwrap();
    let data = target.join("a.csv");
    let e = out_dir(&target, "compute", &[&data]).unwrap_err();
    assert!(e.to_string().contains("input"), "{e}");
    // An input equal to the target (report --results run --out run).
    let e = out_dir(&target, "compute", &[&target]).unwrap_err();
    assert!(e.to_string().contains("input"), "{e}");
}

#[test]
fn a_symbolic_link_is_not_replaced() {
    let t = tempfile::tempdir().unwrap();
    let real = t.path().join("run");
    out_dir(&real, "compute", &[]).unwrap();
    let link = t.path().join("link");
    std::os::unix::fs::symlink(&real, &link).unwrap();
    assert!(out_dir(&link, "compute", &[]).is_err());
    assert!(fs::symlink_metadata(&link)
        .unwrap()
        .file_type()
        .is_symlink());
}

#[test]
fn dropping_an_uncommitted_directory_leaves_nothing() {
    let t = tempfile::tempdir().unwrap();
    let mut d = OutputDir::create(&t.path().join("run"), "compute", &[]).unwrap();
    d.write("a.csv", b"x").unwrap();
    drop(d);
    assert_eq!(fs::read_dir(t.path()).unwrap().count(), 0);
}

#[test]
fn stamped_file_is_replaced_only_while_unchanged() {
    let t = tempfile::tempdir().unwrap();
    let main = t.path().join("ind.csv");
    let comp = vec![(t.path().join("ind.provenance.csv"), b"p\n".to_vec())];
    write_stamped_files("derive", &main, b"a,b\n", &comp, &[]).unwrap();
    assert_eq!(read_stamp(&main).unwrap().unwrap().command, "derive");
    write_stamped_files("derive", &main, b"a,c\n", &comp, &[]).unwrap();
    // Another command may not replace it.
    assert!(write_stamped_files("synth", &main, b"x\n", &[], &[]).is_err());
    // Edited: kept.
    let mut text = fs::read_to_string(&main).unwrap();
    text.push_str("1,2\n");
    fs::write(&main, &text).unwrap();
    assert!(write_stamped_files("derive", &main, b"a\n", &comp, &[]).is_err());
    assert_eq!(fs::read_to_string(&main).unwrap(), text);
}

#[test]
fn stamped_file_never_replaces_a_users_file_or_companion() {
    let t = tempfile::tempdir().unwrap();
    let main = t.path().join("population.csv");
    fs::write(&main, "mine").unwrap();
    assert!(write_stamped_files("derive", &main, b"a\n", &[], &[]).is_err());
    assert_eq!(fs::read_to_string(&main).unwrap(), "mine");
    let fresh = t.path().join("new.csv");
    let comp = t.path().join("new.provenance.csv");
    fs::write(&comp, "mine").unwrap();
    assert!(write_stamped_files(
        "derive",
        &fresh,
        b"a\n",
        &[(comp.clone(), b"p".to_vec())],
        &[]
    )
    .is_err());
    assert!(!fresh.exists());
    // An input is never overwritten, even a stamped one.
    write_stamped_files("derive", &fresh, b"a\n", &[], &[]).unwrap();
    assert!(write_stamped_files("derive", &fresh, b"b\n", &[], &[&fresh]).is_err());
}

#[test]
fn templates_never_overwrite() {
    let t = tempfile::tempdir().unwrap();
    let dir = t.path().join("src");
    let files = vec![
        ("a.csv".to_string(), b"#a\n".to_vec()),
        ("b.csv".to_string(), b"#b\n".to_vec()),
    ];
    assert!(write_new_files(&dir, &files).unwrap().is_empty());
    fs::write(dir.join("a.csv"), "filled").unwrap();
    fs::remove_file(dir.join("b.csv")).unwrap();
    assert_eq!(
        write_new_files(&dir, &files).unwrap(),
        vec!["a.csv".to_string()]
    );
    assert_eq!(fs::read_to_string(dir.join("a.csv")).unwrap(), "filled");
    assert_eq!(fs::read_to_string(dir.join("b.csv")).unwrap(), "#b\n");
    // Another command's output is refused.
    let run = t.path().join("run");
    out_dir(&run, "compute", &[]).unwrap();
    assert!(write_new_files(&run, &files).is_err());
}

#[test]
fn parents_created_for_a_failed_output_are_removed() {
    let t = tempfile::tempdir().unwrap();
    let target = t.path().join("results/2024/run");
    let mut d = OutputDir::create(&target, "compute", &[]).unwrap();
    d.write("a.csv", b"x").unwrap();
    drop(d);
    assert_eq!(fs::read_dir(t.path()).unwrap().count(), 0);
    // A completed output keeps them.
    out_dir(&target, "compute", &[]).unwrap();
    assert!(target.join("a.csv").exists());
}
