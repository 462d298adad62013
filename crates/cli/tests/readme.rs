//! Every example of the README runs as written, in order: each `gihi ...` line of its `sh`
//! blocks is run in one fresh workspace that sees the repository's `data/` and `reference/`.

mod common;

use std::path::Path;

/// The `gihi` command lines of the README's `sh` blocks, comments removed.
fn examples(readme: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut in_sh = false;
    for line in readme.lines() {
        if line.starts_with("```") {
            in_sh = line.trim() == "```sh" && !in_sh;
            continue;
        }
        if in_sh && line.starts_with("gihi ") {
            let command = line.split("  #").next().unwrap().trim().to_string();
            out.push(command);
        }
    }
    out
}

#[test]
fn every_readme_example_runs_in_order() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let commands = examples(&readme);
    assert!(commands.len() >= 30, "{commands:?}");
    let dir = tempfile::tempdir().unwrap();
    for name in ["data", "reference"] {
        std::os::unix::fs::symlink(
            root.join(name).canonicalize().unwrap(),
            dir.path().join(name),
        )
        .unwrap();
    }
    let bin = assert_cmd::cargo::cargo_bin("gihi");
    for command in &commands {
        let args: Vec<&str> = command.split_whitespace().skip(1).collect();
        if args.first() == Some(&"serve") {
            serve_example(dir.path(), command, &args);
            continue;
        }
        let out = std::process::Command::new(&bin)
            .current_dir(dir.path())
            .args(&args)
            .output()
            .unwrap();
        assert_eq!(
            out.status.code(),
            Some(0),
            "README example `{command}` failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

/// A `gihi serve` example runs until stopped: start it, ask it for `/api/v1/meta` at the
/// address it prints, stop it with SIGTERM and expect a graceful exit 0.
fn serve_example(dir: &Path, command: &str, args: &[&str]) {
    let server = common::Served::start(args, dir);
    let answer = server.addr.as_ref().map(|_| server.get("/api/v1/meta"));
    let first = server.first_line.clone();
    let (code, _) = server.stop();
    let answer =
        answer.unwrap_or_else(|| panic!("README example `{command}` did not start: {first}"));
    assert!(
        answer.starts_with("HTTP/1.1 200"),
        "README example `{command}`: {answer}"
    );
    assert_eq!(
        code,
        Some(0),
        "README example `{command}` did not stop gracefully"
    );
}
