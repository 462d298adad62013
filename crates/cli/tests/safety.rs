//! The safety corpus: bad inputs and dangerous output paths. For each case, in a fresh
//! workspace: exit status 2, one message that names the user's file (with line and column
//! where there is one) or path, and the workspace unchanged, byte for byte, hidden files
//! included (nothing written, nothing pre-existing changed or removed).

mod common;
use common::tree;

use std::fs;
use std::path::Path;

/// Runs gihi in `dir`: (exit status, stderr).
fn run_in(dir: &Path, args: &[String], env: &[(&str, &str)]) -> (i32, String) {
    let mut cmd = assert_cmd::Command::cargo_bin("gihi").unwrap();
    cmd.current_dir(dir).args(args);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn ok(dir: &Path, args: &[&str]) {
    let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
    let (code, err) = run_in(dir, &args, &[]);
    assert_eq!(code, 0, "setup {args:?}: {err}");
}

/// A valid SYNTHETIC table (the reference fixture), as `ok-synthetic.csv`.
fn table() -> String {
    fs::read_to_string(common::fixture("synthetic-seed1.csv")).unwrap()
}

/// The same table with one data cell replaced: (line of the file, column, new text).
fn table_with(line: usize, column: usize, text: &str) -> String {
    let mut lines: Vec<String> = table().lines().map(str::to_string).collect();
    let mut cells: Vec<String> = lines[line - 1].split(',').map(str::to_string).collect();
    cells[column - 1] = text.to_string();
    lines[line - 1] = cells.join(",");
    lines.join("\n") + "\n"
}

/// The table's line of a city (1-based).
fn line_of(city: &str) -> usize {
    table()
        .lines()
        .position(|l| l.starts_with(&format!("{city},")))
        .unwrap()
        + 1
}

/// The SYNTHETIC example sources of `gihi derive`, copied to `src/`.
fn example_sources(d: &Path) {
    fs::create_dir_all(d.join("src")).unwrap();
    for e in fs::read_dir(common::fixture("../../data/examples/sources-synthetic")).unwrap() {
        let e = e.unwrap();
        fs::copy(e.path(), d.join("src").join(e.file_name())).unwrap();
    }
}

/// Replaces the first `from` by `to` in the workspace file `name`.
fn edit(d: &Path, name: &str, from: &str, to: &str) {
    let p = d.join(name);
    let t = fs::read_to_string(&p).unwrap();
    fs::write(&p, t.replacen(from, to, 1)).unwrap();
}

/// A directory with a `manifest.json` of `{}` and a file of the user's: not gihi's output.
fn fake_output(d: &Path, name: &str) {
    write(d, &format!("{name}/manifest.json"), "{}");
    write(d, &format!("{name}/app.js"), "x");
}

fn write(dir: &Path, name: &str, text: &str) {
    let p = dir.join(name);
    if let Some(parent) = p.parent() {
        fs::create_dir_all(parent).unwrap();
    }
    fs::write(p, text).unwrap();
}

/// One case: a name, how to set up the workspace, the arguments, and what the message says.
struct Case {
    name: &'static str,
    setup: Box<dyn Fn(&Path)>,
    args: Vec<&'static str>,
    env: Vec<(&'static str, &'static str)>,
    says: Vec<String>,
}

fn case(
    name: &'static str,
    setup: impl Fn(&Path) + 'static,
    args: &[&'static str],
    says: &[&str],
) -> Case {
    Case {
        name,
        setup: Box::new(setup),
        args: args.to_vec(),
        env: Vec::new(),
        says: says.iter().map(|s| s.to_string()).collect(),
    }
}

/// A lists directory for `gihi select` (one SYNTHETIC ranking).
fn lists(d: &Path) {
    write(
        d,
        "lists/a-synthetic.csv",
        "# SYNTHETIC ranking\nrank,city,country\n1,Paris,FR\n",
    );
}

fn base(d: &Path) {
    write(d, "ok-synthetic.csv", &table());
}

/// A workspace with the table and an earlier compute run `run-synthetic`.
fn with_run(d: &Path) {
    base(d);
    ok(
        d,
        &[
            "compute",
            "--data",
            "ok-synthetic.csv",
            "--out",
            "run-synthetic",
        ],
    );
}

fn cases() -> Vec<Case> {
    let montreal = line_of("montreal");
    vec![
        // ---- output paths that are not gihi's to replace ---------------------------------
        case(
            "fake manifest",
            |d| {
                base(d);
                fake_output(d, "w-synthetic");
            },
            &[
                "compute",
                "--data",
                "ok-synthetic.csv",
                "--out",
                "w-synthetic",
            ],
            &["w-synthetic", "not a gihi manifest"],
        ),
        case(
            "fake manifest, report",
            |d| fake_output(d, "w"),
            &["report", "--out", "w"],
            &["w: ", "not a gihi manifest"],
        ),
        case(
            "fake manifest, uncertainty",
            |d| {
                base(d);
                fake_output(d, "w-synthetic");
            },
            &[
                "uncertainty",
                "--data",
                "ok-synthetic.csv",
                "--runs",
                "10",
                "--out",
                "w-synthetic",
            ],
            &["w-synthetic", "not a gihi manifest"],
        ),
        case(
            "fake manifest, sensitivity",
            |d| {
                base(d);
                fake_output(d, "w-synthetic");
            },
            &[
                "sensitivity",
                "--data",
                "ok-synthetic.csv",
                "--samples",
                "4",
                "--out",
                "w-synthetic",
            ],
            &["w-synthetic", "not a gihi manifest"],
        ),
        case(
            "fake manifest, sources template",
            |d| fake_output(d, "w"),
            &["sources", "template", "w"],
            &["w: ", "manifest.json"],
        ),
        case(
            "directory without manifest",
            |d| {
                base(d);
                write(d, "mine-synthetic/notes.txt", "x");
            },
            &[
                "compute",
                "--data",
                "ok-synthetic.csv",
                "--out",
                "mine-synthetic",
            ],
            &["mine-synthetic", "no manifest.json"],
        ),
        case(
            "input inside the output",
            |d| {
                with_run(d);
                write(d, "run-synthetic/mydata-synthetic.csv", &table());
            },
            &[
                "compute",
                "--data",
                "run-synthetic/mydata-synthetic.csv",
                "--out",
                "run-synthetic",
            ],
            &["run-synthetic", "input"],
        ),
        case(
            "input inside the output, sensitivity",
            |d| {
                with_run(d);
                write(d, "run-synthetic/mydata-synthetic.csv", &table());
            },
            &[
                "sensitivity",
                "--data",
                "run-synthetic/mydata-synthetic.csv",
                "--samples",
                "4",
                "--out",
                "run-synthetic",
            ],
            &["run-synthetic", "input"],
        ),
        case(
            "framework inside the output",
            |d| {
                base(d);
                ok(
                    d,
                    &[
                        "uncertainty",
                        "--data",
                        "ok-synthetic.csv",
                        "--runs",
                        "10",
                        "--out",
                        "mc-synthetic",
                    ],
                );
                fs::copy(
                    common::fixture("../../data/editions/2024/framework.toml"),
                    d.join("mc-synthetic/fw.toml"),
                )
                .unwrap();
            },
            &[
                "uncertainty",
                "--data",
                "ok-synthetic.csv",
                "--runs",
                "10",
                "--framework",
                "mc-synthetic/fw.toml",
                "--out",
                "mc-synthetic",
            ],
            &["mc-synthetic", "input"],
        ),
        case(
            "report over its own results",
            with_run,
            &[
                "report",
                "--results",
                "run-synthetic",
                "--out",
                "run-synthetic",
            ],
            &["run-synthetic", "input"],
        ),
        case(
            "compute over a report",
            |d| {
                base(d);
                ok(d, &["report", "--out", "gihi-report-synthetic"]);
            },
            &[
                "compute",
                "--data",
                "ok-synthetic.csv",
                "--out",
                "gihi-report-synthetic",
            ],
            &["gihi-report-synthetic", "gihi report"],
        ),
        case(
            "uncertainty over a compute run",
            with_run,
            &[
                "uncertainty",
                "--data",
                "ok-synthetic.csv",
                "--runs",
                "10",
                "--out",
                "run-synthetic",
            ],
            &["run-synthetic", "gihi compute"],
        ),
        case(
            "templates into a run",
            with_run,
            &["sources", "template", "run-synthetic"],
            &["run-synthetic", "manifest.json"],
        ),
        case(
            "edited run",
            |d| {
                with_run(d);
                edit(d, "run-synthetic/scores.csv", ",1\n", ",2\n");
            },
            &[
                "compute",
                "--data",
                "ok-synthetic.csv",
                "--out",
                "run-synthetic",
            ],
            &["run-synthetic/scores.csv", "changed"],
        ),
        case(
            "foreign file in a run",
            |d| {
                with_run(d);
                write(d, "run-synthetic/notes.txt", "mine");
            },
            &[
                "compute",
                "--data",
                "ok-synthetic.csv",
                "--out",
                "run-synthetic",
            ],
            &["run-synthetic", "notes.txt"],
        ),
        case(
            "symlink to a run",
            |d| {
                with_run(d);
                std::os::unix::fs::symlink("run-synthetic", d.join("link-synthetic")).unwrap();
            },
            &[
                "compute",
                "--data",
                "ok-synthetic.csv",
                "--out",
                "link-synthetic",
            ],
            &["link-synthetic", "symbolic link"],
        ),
        case(
            "output is a file",
            |d| {
                base(d);
                write(d, "out-synthetic", "mine");
            },
            &[
                "compute",
                "--data",
                "ok-synthetic.csv",
                "--out",
                "out-synthetic",
            ],
            &["out-synthetic", "not a directory"],
        ),
        case(
            "derive over a source file",
            |d| {
                ok(d, &["sources", "template", "src"]);
            },
            &["derive", "--sources", "src", "--out", "src/population.csv"],
            &["src/population.csv"],
        ),
        case(
            "derive over a user file",
            |d| {
                example_sources(d);
                write(d, "ind-synthetic.csv", "mine");
            },
            &["derive", "--sources", "src", "--out", "ind-synthetic.csv"],
            &["ind-synthetic.csv", "not written by gihi"],
        ),
        case(
            "derive over a user's provenance file",
            |d| {
                example_sources(d);
                write(d, "ind-synthetic.provenance.csv", "mine");
            },
            &["derive", "--sources", "src", "--out", "ind-synthetic.csv"],
            &["ind-synthetic.provenance.csv"],
        ),
        case(
            "synth over a user file",
            |d| write(d, "my-synthetic.csv", "mine"),
            &["synth", "--seed", "1", "--out", "my-synthetic.csv"],
            &["my-synthetic.csv", "not written by gihi"],
        ),
        case(
            "synth over a derive output",
            |d| {
                example_sources(d);
                ok(
                    d,
                    &["derive", "--sources", "src", "--out", "ind-synthetic.csv"],
                );
            },
            &["synth", "--seed", "1", "--out", "ind-synthetic.csv"],
            &["ind-synthetic.csv", "gihi derive"],
        ),
        case(
            "compute output is the input",
            base,
            &[
                "compute",
                "--data",
                "ok-synthetic.csv",
                "--out",
                "ok-synthetic.csv",
            ],
            &["ok-synthetic.csv"],
        ),
        case(
            "synthetic data, unlabelled output",
            base,
            &["compute", "--data", "ok-synthetic.csv", "--out", "run"],
            &["ok-synthetic.csv", "SYNTHETIC", "run"],
        ),
        // ---- indicator tables ----------------------------------------------------------------
        case(
            "unknown city",
            move |d| write(d, "t-synthetic.csv", &table_with(montreal, 1, "Bostn")),
            &[
                "compute",
                "--data",
                "t-synthetic.csv",
                "--out",
                "r-synthetic",
            ],
            &[
                &format!("t-synthetic.csv:{montreal}:1"),
                "unknown city `Bostn`",
            ],
        ),
        case(
            "negative count",
            move |d| write(d, "t-synthetic.csv", &table_with(montreal, 3, "-4")),
            &[
                "compute",
                "--data",
                "t-synthetic.csv",
                "--out",
                "r-synthetic",
            ],
            &[&format!("t-synthetic.csv:{montreal}:3"), "0 or more"],
        ),
        case(
            "not a number",
            move |d| write(d, "t-synthetic.csv", &table_with(montreal, 4, "lots")),
            &[
                "compute",
                "--data",
                "t-synthetic.csv",
                "--out",
                "r-synthetic",
            ],
            &[
                &format!("t-synthetic.csv:{montreal}:4"),
                "expected a number",
            ],
        ),
        case(
            "infinite value",
            move |d| write(d, "t-synthetic.csv", &table_with(montreal, 4, "1e400")),
            &[
                "compute",
                "--data",
                "t-synthetic.csv",
                "--out",
                "r-synthetic",
            ],
            &[&format!("t-synthetic.csv:{montreal}:4")],
        ),
        case(
            "overlong cell",
            move |d| {
                write(
                    d,
                    "t-synthetic.csv",
                    &table_with(montreal, 1, &"x".repeat(100_000)),
                )
            },
            &[
                "compute",
                "--data",
                "t-synthetic.csv",
                "--out",
                "r-synthetic",
            ],
            &[
                &format!("t-synthetic.csv:{montreal}:1"),
                "at most 1000 bytes",
            ],
        ),
        case(
            "duplicate city",
            |d| {
                let mut t = table();
                let row = t
                    .lines()
                    .find(|l| l.starts_with("rome,"))
                    .unwrap()
                    .to_string();
                t.push_str(&row);
                t.push('\n');
                write(d, "t-synthetic.csv", &t);
            },
            &[
                "compute",
                "--data",
                "t-synthetic.csv",
                "--out",
                "r-synthetic",
            ],
            &["t-synthetic.csv:", "duplicate city `rome`"],
        ),
        case(
            "header after comments",
            |d| write(d, "t-synthetic.csv", &table().replace(",I05,", ",IXX,")),
            &[
                "compute",
                "--data",
                "t-synthetic.csv",
                "--out",
                "r-synthetic",
            ],
            &["t-synthetic.csv:2:6", "unexpected column `IXX`"],
        ),
        case(
            "missing column",
            |d| {
                let t: Vec<String> = table()
                    .lines()
                    .map(|l| {
                        if l.starts_with('#') {
                            l.to_string()
                        } else {
                            l.rsplit_once(',').unwrap().0.to_string()
                        }
                    })
                    .collect();
                write(d, "t-synthetic.csv", &(t.join("\n") + "\n"));
            },
            &[
                "compute",
                "--data",
                "t-synthetic.csv",
                "--out",
                "r-synthetic",
            ],
            &["t-synthetic.csv:2:1", "missing indicator column(s) I30"],
        ),
        case(
            "duplicate column",
            |d| write(d, "t-synthetic.csv", &table().replace(",I30", ",I29")),
            &[
                "compute",
                "--data",
                "t-synthetic.csv",
                "--out",
                "r-synthetic",
            ],
            &["t-synthetic.csv:2:31", "appears twice"],
        ),
        case(
            "no city column",
            |d| write(d, "t-synthetic.csv", &table().replacen("city,", "town,", 1)),
            &[
                "compute",
                "--data",
                "t-synthetic.csv",
                "--out",
                "r-synthetic",
            ],
            &["t-synthetic.csv:2:1", "`city`"],
        ),
        case(
            "empty file",
            |d| write(d, "t-synthetic.csv", ""),
            &[
                "compute",
                "--data",
                "t-synthetic.csv",
                "--out",
                "r-synthetic",
            ],
            &["t-synthetic.csv", "empty"],
        ),
        case(
            "header only",
            |d| {
                write(
                    d,
                    "t-synthetic.csv",
                    table()
                        .lines()
                        .take(2)
                        .collect::<Vec<_>>()
                        .join("\n")
                        .as_str(),
                )
            },
            &[
                "compute",
                "--data",
                "t-synthetic.csv",
                "--out",
                "r-synthetic",
            ],
            &["t-synthetic.csv", "header only"],
        ),
        case(
            "not UTF-8",
            move |d| {
                let mut b = table().into_bytes();
                let at = table()
                    .lines()
                    .take(montreal - 1)
                    .map(|l| l.len() + 1)
                    .sum::<usize>();
                b[at] = 0xff;
                fs::write(d.join("t-synthetic.csv"), b).unwrap();
            },
            &[
                "compute",
                "--data",
                "t-synthetic.csv",
                "--out",
                "r-synthetic",
            ],
            &[&format!("t-synthetic.csv:{montreal}:1"), "UTF-8"],
        ),
        case(
            "unterminated quote",
            move |d| write(d, "t-synthetic.csv", &table_with(montreal, 1, "\"montreal")),
            &[
                "compute",
                "--data",
                "t-synthetic.csv",
                "--out",
                "r-synthetic",
            ],
            &[&format!("t-synthetic.csv:{montreal}:1"), "quote"],
        ),
        case(
            "data is a directory",
            |d| fs::create_dir(d.join("dir-synthetic.csv")).unwrap(),
            &[
                "compute",
                "--data",
                "dir-synthetic.csv",
                "--out",
                "r-synthetic",
            ],
            &["dir-synthetic.csv"],
        ),
        case(
            "no such data file",
            |_| {},
            &[
                "compute",
                "--data",
                "nosuch-synthetic.csv",
                "--out",
                "r-synthetic",
            ],
            &["nosuch-synthetic.csv"],
        ),
        case(
            "formula without a value",
            |d| {
                fs::copy(
                    common::fixture("formula-no-value-synthetic.xlsx"),
                    d.join("f-synthetic.xlsx"),
                )
                .unwrap();
            },
            &[
                "compute",
                "--data",
                "f-synthetic.xlsx",
                "--out",
                "r-synthetic",
            ],
            &["f-synthetic.xlsx[synthetic]:3:4", "formula"],
        ),
        case(
            "corrupt workbook",
            |d| write(d, "c-synthetic.xlsx", "not a zip"),
            &[
                "compute",
                "--data",
                "c-synthetic.xlsx",
                "--out",
                "r-synthetic",
            ],
            &["c-synthetic.xlsx"],
        ),
        case(
            "missing values",
            move |d| write(d, "t-synthetic.csv", &table_with(montreal, 2, "")),
            &[
                "compute",
                "--data",
                "t-synthetic.csv",
                "--out",
                "r-synthetic",
            ],
            &["t-synthetic.csv", "montreal/I01"],
        ),
        case(
            "bad framework weights",
            |d| {
                base(d);
                let f =
                    fs::read_to_string(common::fixture("../../data/editions/2024/framework.toml"))
                        .unwrap();
                write(d, "fw.toml", &f.replacen("weight = 0.3", "weight = 0.4", 1));
            },
            &[
                "compute",
                "--data",
                "ok-synthetic.csv",
                "--framework",
                "fw.toml",
                "--out",
                "r-synthetic",
            ],
            &["fw.toml:", "sum to 1"],
        ),
        case(
            "no such framework",
            base,
            &[
                "compute",
                "--data",
                "ok-synthetic.csv",
                "--framework",
                "nosuch.toml",
                "--out",
                "r-synthetic",
            ],
            &["nosuch.toml"],
        ),
        case(
            "framework not UTF-8",
            |d| {
                base(d);
                fs::write(d.join("fw.toml"), [0xffu8, 0xfe]).unwrap();
            },
            &[
                "compute",
                "--data",
                "ok-synthetic.csv",
                "--framework",
                "fw.toml",
                "--out",
                "r-synthetic",
            ],
            &["fw.toml", "UTF-8"],
        ),
        // ---- counts ----------------------------------------------------------------------------
        case(
            "zero runs",
            base,
            &[
                "uncertainty",
                "--data",
                "ok-synthetic.csv",
                "--runs",
                "0",
                "--out",
                "m-synthetic",
            ],
            &["--runs", "from 1 to 1000000000", "`0`"],
        ),
        case(
            "negative runs",
            base,
            &[
                "uncertainty",
                "--data",
                "ok-synthetic.csv",
                "--runs",
                "-1",
                "--out",
                "m-synthetic",
            ],
            &["--runs", "`-1`"],
        ),
        case(
            "too many runs",
            base,
            &[
                "uncertainty",
                "--data",
                "ok-synthetic.csv",
                "--runs",
                "1000000000000",
                "--out",
                "m-synthetic",
            ],
            &["--runs", "1000000000000"],
        ),
        case(
            "largest u64 runs",
            base,
            &[
                "uncertainty",
                "--data",
                "ok-synthetic.csv",
                "--runs",
                "18446744073709551615",
                "--out",
                "m-synthetic",
            ],
            &["--runs"],
        ),
        case(
            "one sample",
            base,
            &[
                "sensitivity",
                "--data",
                "ok-synthetic.csv",
                "--samples",
                "1",
                "--out",
                "s-synthetic",
            ],
            &["--samples", "`1`"],
        ),
        case(
            "too many samples",
            base,
            &[
                "sensitivity",
                "--data",
                "ok-synthetic.csv",
                "--samples",
                "100000000",
                "--out",
                "s-synthetic",
            ],
            &["--samples"],
        ),
        case(
            "samples over the memory bound",
            base,
            &[
                "sensitivity",
                "--data",
                "ok-synthetic.csv",
                "--samples",
                "1000000",
                "--out",
                "s-synthetic",
            ],
            &["--samples 1000000", "at most"],
        ),
        case(
            "too many resamples",
            base,
            &[
                "sensitivity",
                "--data",
                "ok-synthetic.csv",
                "--bootstrap",
                "20000",
                "--out",
                "s-synthetic",
            ],
            &["--bootstrap"],
        ),
        case(
            "zero reps",
            |_| {},
            &["bench", "--reps", "0"],
            &["--reps", "`0`"],
        ),
        case(
            "weight spread",
            base,
            &[
                "uncertainty",
                "--data",
                "ok-synthetic.csv",
                "--weight-spread",
                "1.5",
                "--out",
                "m-synthetic",
            ],
            &["--weight-spread"],
        ),
        case(
            "unknown vary",
            base,
            &[
                "uncertainty",
                "--data",
                "ok-synthetic.csv",
                "--vary",
                "colours",
                "--out",
                "m-synthetic",
            ],
            &["--vary", "colours"],
        ),
        // ---- what-if and target ---------------------------------------------------------------
        case(
            "what-if makes a count negative",
            base,
            &[
                "whatif",
                "--data",
                "ok-synthetic.csv",
                "--city",
                "rome",
                "--set",
                "I01=-200%",
            ],
            &["--set", "I01", "0 or more"],
        ),
        case(
            "what-if adds to a missing cell",
            move |d| write(d, "t-synthetic.csv", &table_with(montreal, 2, "")),
            &[
                "whatif",
                "--data",
                "t-synthetic.csv",
                "--missing",
                "mean",
                "--city",
                "montreal",
                "--set",
                "I01=+5",
            ],
            &["--set", "I01 of montreal is missing"],
        ),
        case(
            "what-if infinite",
            base,
            &[
                "whatif",
                "--data",
                "ok-synthetic.csv",
                "--city",
                "rome",
                "--set",
                "I05=1e400",
            ],
            &["--set", "I05"],
        ),
        case(
            "what-if unknown indicator",
            base,
            &[
                "whatif",
                "--data",
                "ok-synthetic.csv",
                "--city",
                "rome",
                "--set",
                "I99=+1",
            ],
            &["I99"],
        ),
        case(
            "target beyond the group",
            base,
            &[
                "target",
                "--data",
                "ok-synthetic.csv",
                "--city",
                "rome",
                "--rank",
                "500",
            ],
            &["--rank 500", "from 1 to 108"],
        ),
        case(
            "target rank 0",
            base,
            &[
                "target",
                "--data",
                "ok-synthetic.csv",
                "--city",
                "rome",
                "--rank",
                "0",
            ],
            &["--rank 0"],
        ),
        case(
            "target unknown level",
            base,
            &[
                "target",
                "--data",
                "ok-synthetic.csv",
                "--city",
                "rome",
                "--rank",
                "3",
                "--level",
                "Z",
            ],
            &["--level Z"],
        ),
        case(
            "target unknown city",
            base,
            &[
                "target",
                "--data",
                "ok-synthetic.csv",
                "--city",
                "Gotham",
                "--rank",
                "3",
            ],
            &["Gotham"],
        ),
        // ---- runs, editions, analyses ----------------------------------------------------------
        case(
            "no such run",
            |_| {},
            &["modes", "--results", "nosuch"],
            &["nosuch", "no such directory"],
        ),
        case(
            "a report is not a run",
            |d| ok(d, &["report", "--out", "gihi-report"]),
            &["profile", "rome", "--results", "gihi-report"],
            &["gihi-report", "gihi report"],
        ),
        case(
            "truncated run",
            |d| {
                with_run(d);
                let p = d.join("run-synthetic/scores.csv");
                let t = fs::read_to_string(&p).unwrap();
                fs::write(&p, &t[..t.len() / 2]).unwrap();
            },
            &["profile", "rome", "--results", "run-synthetic"],
            &["run-synthetic/scores.csv", "changed"],
        ),
        case(
            "run's framework edited",
            |d| {
                with_run(d);
                edit(
                    d,
                    "run-synthetic/framework.toml",
                    "weight = 0.3",
                    "weight = 0.31",
                );
            },
            &["modes", "--results", "run-synthetic"],
            &["run-synthetic/framework.toml", "changed"],
        ),
        case(
            "against without results",
            with_run,
            &["changes", "--against", "run-synthetic"],
            &["--against", "--results"],
        ),
        case(
            "unknown edition year",
            |_| {},
            &[
                "published",
                "ranking",
                "--level",
                "composite",
                "--edition",
                "2023",
            ],
            &["--edition 2023"],
        ),
        case(
            "no such edition",
            |_| {},
            &["audit", "published", "--edition", "nosuch"],
            &["nosuch"],
        ),
        case(
            "unknown level",
            |_| {},
            &["regions", "--level", "Z"],
            &["level `Z`"],
        ),
        case(
            "endless framework",
            base,
            &[
                "compute",
                "--data",
                "ok-synthetic.csv",
                "--framework",
                "/dev/zero",
                "--out",
                "r-synthetic",
            ],
            &["/dev/zero", "larger than 4 MiB"],
        ),
        case(
            "endless data",
            |_| {},
            &["compute", "--data", "/dev/zero", "--out", "r-synthetic"],
            &["/dev/zero", "larger than 64 MiB"],
        ),
        case(
            "changes top beyond the group",
            |_| {},
            &["changes", "--top", "4294967295"],
            &["--top 4294967295", "from 1 to 108"],
        ),
        case(
            "regions top 0",
            |_| {},
            &["regions", "--top", "0"],
            &["--top 0"],
        ),
        case(
            "unknown published level",
            |_| {},
            &["published", "ranking", "--level", "Q"],
            &["`Q`"],
        ),
        case(
            "report with a huge epoch",
            |_| {},
            &["report", "--out", "rep"],
            &["SOURCE_DATE_EPOCH", "253402300800"],
        ),
        // ---- derive ------------------------------------------------------------------------------
        case(
            "no such sources",
            |_| {},
            &["derive", "--sources", "nosuch", "--out", "i.csv"],
            &["nosuch", "no such directory"],
        ),
        case(
            "negative source count",
            |d| {
                example_sources(d);
                edit(d, "src/speedtest.csv", "233.8", "-233.8");
            },
            &["derive", "--sources", "src", "--out", "i-synthetic.csv"],
            &["src/speedtest.csv:3:"],
        ),
        case(
            "source header after comments",
            |d| {
                example_sources(d);
                edit(d, "src/speedtest.csv", "fixed_upload", "fixed_uplod");
            },
            &["derive", "--sources", "src", "--out", "i-synthetic.csv"],
            &["src/speedtest.csv:2:1", "fixed_upload"],
        ),
        // ---- editions and the city selection ------------------------------------------
        case(
            "select onto one of its lists",
            lists,
            &[
                "select",
                "--lists",
                "lists",
                "--out",
                "lists/a-synthetic.csv",
            ],
            &["lists/a-synthetic.csv", "input"],
        ),
        case(
            "select onto a file it did not write",
            |d| {
                lists(d);
                write(d, "mine-synthetic.csv", "my,own\n1,2\n");
            },
            &["select", "--lists", "lists", "--out", "mine-synthetic.csv"],
            &["mine-synthetic.csv", "replaces only its own"],
        ),
        case(
            "select with a bad rank",
            |d| {
                lists(d);
                write(d, "lists/b.csv", "rank,city,country\n0,Paris,FR\n");
            },
            &["select", "--lists", "lists", "--out", "c-synthetic.csv"],
            &[
                "lists/b.csv:2:1",
                "rank: expected a whole number from 1",
                "found `0`",
            ],
        ),
        case(
            "select without lists",
            |d| std::fs::create_dir(d.join("empty")).unwrap(),
            &["select", "--lists", "empty", "--out", "c-synthetic.csv"],
            &["empty: no .csv file"],
        ),
        case(
            "edition new into an existing directory",
            |d| write(d, "e/notes.txt", "mine"),
            &["edition", "new", "2025", "--out", "e"],
            &["e: already exists"],
        ),
        case(
            "edition new onto a file",
            |d| write(d, "e", "mine"),
            &["edition", "new", "2025", "--out", "e"],
            &["e: already exists"],
        ),
        case(
            "edition new for an earlier year",
            |_| {},
            &["edition", "new", "2023", "--out", "e"],
            &["expected a year after GIHI 2024"],
        ),
        case(
            "edition check of a directory without edition.toml",
            |d| write(d, "e/cities.toml", "x"),
            &["edition", "check", "e"],
            &["e/edition.toml: cannot read: no such file"],
        ),
        case(
            "compute with a missing edition",
            base,
            &[
                "--edition",
                "nowhere",
                "compute",
                "--data",
                "ok-synthetic.csv",
                "--out",
                "r-synthetic",
            ],
            &["nowhere: cannot read: no such directory"],
        ),
    ]
    .into_iter()
    .map(|mut c| {
        if c.name == "report with a huge epoch" {
            c.env = vec![("SOURCE_DATE_EPOCH", "253402300800")];
        }
        c
    })
    .collect()
}

#[test]
fn the_safety_corpus() {
    let cases = cases();
    assert!(cases.len() >= 60, "{} cases", cases.len());
    let mut failures = Vec::new();
    for c in &cases {
        let dir = tempfile::tempdir().unwrap();
        (c.setup)(dir.path());
        let before = tree(dir.path());
        let args: Vec<String> = c.args.iter().map(|s| s.to_string()).collect();
        let (code, err) = run_in(dir.path(), &args, &c.env);
        let after = tree(dir.path());
        let mut problems = Vec::new();
        if code != 2 {
            problems.push(format!("exit status {code}, expected 2"));
        }
        if err.matches("error:").count() != 1 {
            problems.push("not exactly one error message".into());
        }
        if err.contains("panicked") || err.contains(".tmp-") {
            problems.push("panic or temporary path in the message".into());
        }
        for s in &c.says {
            if !err.contains(s.as_str()) {
                problems.push(format!("message lacks `{s}`"));
            }
        }
        if before != after {
            let changed: Vec<_> = before
                .keys()
                .chain(after.keys())
                .filter(|k| before.get(*k) != after.get(*k))
                .collect();
            problems.push(format!("workspace changed: {changed:?}"));
        }
        if !problems.is_empty() {
            failures.push(format!(
                "{}: {}\n    gihi {}\n    {}",
                c.name,
                problems.join("; "),
                c.args.join(" "),
                err.trim()
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}
