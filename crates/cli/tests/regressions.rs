//! Regression tests of the defects found when gihi was tried as a new user would (the
//! refusals are in `safety.rs`; these are the cases that must now succeed, and succeed right).

mod common;

use common::{fixture, gihi};
use std::fs;
use std::path::Path;

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn templates_again_keep_the_users_data() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("my-sources");
    assert_eq!(gihi(&["sources", "template", s(&src)]).0, 0);
    fs::write(
        src.join("population.csv"),
        "city,country,population\nRome,IT,1\n",
    )
    .unwrap();
    fs::remove_file(src.join("arwu.csv")).unwrap();
    let (code, _, err) = gihi(&["sources", "template", s(&src)]);
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("kept") && err.contains("population.csv"),
        "{err}"
    );
    assert_eq!(
        fs::read_to_string(src.join("population.csv")).unwrap(),
        "city,country,population\nRome,IT,1\n"
    );
    assert!(
        src.join("arwu.csv").exists(),
        "the missing template is written again"
    );
}

#[test]
fn a_run_is_replaced_by_the_same_command_and_carries_its_framework() {
    let dir = tempfile::tempdir().unwrap();
    let data = fixture("synthetic-seed1.csv");
    let fw = dir.path().join("fw.toml");
    fs::copy(fixture("../../data/editions/2024/framework.toml"), &fw).unwrap();
    let run = dir.path().join("run-synthetic");
    for _ in 0..2 {
        let (code, _, err) = gihi(&[
            "compute",
            "--data",
            s(&data),
            "--framework",
            s(&fw),
            "--out",
            s(&run),
        ]);
        assert_eq!(code, 0, "{err}");
    }
    let (_, before, _) = gihi(&["modes", "--results", s(&run), "--format", "json"]);
    // Editing the framework file afterwards does not change what the run says...
    let t = fs::read_to_string(&fw).unwrap();
    fs::write(&fw, t.replacen("weight = 0.3", "weight = 0.5", 1)).unwrap();
    // ...nor does reading it from another directory under another name.
    let moved = dir.path().join("elsewhere/moved-synthetic");
    fs::create_dir_all(moved.parent().unwrap()).unwrap();
    fs::rename(&run, &moved).unwrap();
    let (code, after, err) = gihi(&["modes", "--results", s(&moved), "--format", "json"]);
    assert_eq!(code, 0, "{err}");
    let without_source = |t: &str| -> String {
        t.lines()
            .filter(|l| !l.contains("\"source\""))
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert!(
        without_source(&before) == without_source(&after),
        "the run reads the same after the framework file was edited and the run moved"
    );
    let manifest = fs::read_to_string(moved.join("manifest.json")).unwrap();
    assert!(
        manifest.contains("\"path\": \"framework.toml\""),
        "{manifest}"
    );
}

#[test]
fn data_from_a_pipe_is_read_once_and_hashed() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("pipe-synthetic.csv");
    let status = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(status.success());
    let text = fs::read(fixture("synthetic-seed1.csv")).unwrap();
    let writer = {
        let (fifo, text) = (fifo.clone(), text.clone());
        std::thread::spawn(move || fs::write(fifo, text).unwrap())
    };
    let run = dir.path().join("run-synthetic");
    let (code, _, err) = gihi(&["compute", "--data", s(&fifo), "--out", s(&run)]);
    writer.join().unwrap();
    assert_eq!(code, 0, "{err}");
    let manifest = fs::read_to_string(run.join("manifest.json")).unwrap();
    assert!(
        manifest.contains(&gihi_output::sha256_hex(&text)),
        "{manifest}"
    );
}

#[test]
fn a_duplicate_is_reported_without_reading_the_rest() {
    let dir = tempfile::tempdir().unwrap();
    let text = fs::read_to_string(fixture("synthetic-seed1.csv")).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let mut big = String::new();
    for k in 0..200_000 {
        big.push_str(lines[if k < 2 { k } else { 2 + (k - 2) % 120 }]);
        big.push('\n');
    }
    let data = dir.path().join("big-synthetic.csv");
    fs::write(&data, big).unwrap();
    let (code, _, err) = gihi(&[
        "compute",
        "--data",
        s(&data),
        "--out",
        s(&dir.path().join("r-synthetic")),
    ]);
    assert_eq!(code, 2);
    assert!(
        err.contains("big-synthetic.csv:123:1: duplicate city"),
        "{err}"
    );
}

#[test]
fn huge_values_keep_their_z_scores_and_stats_stay_finite() {
    let dir = tempfile::tempdir().unwrap();
    let text = fs::read_to_string(fixture("synthetic-seed1.csv")).unwrap();
    // Scale I08 (column 9) by 1e160: z-scores must not change (they are scale-free).
    let scaled: String = text
        .lines()
        .map(|l| {
            if l.starts_with('#') || l.starts_with("city") {
                return l.to_string();
            }
            let mut c: Vec<String> = l.split(',').map(str::to_string).collect();
            c[8] = format!("{:e}", c[8].parse::<f64>().unwrap() * 1e160);
            c.join(",")
        })
        .collect::<Vec<_>>()
        .join("\n");
    let data = dir.path().join("huge-synthetic.csv");
    fs::write(&data, scaled).unwrap();
    let a = dir.path().join("a-synthetic");
    let b = dir.path().join("b-synthetic");
    assert_eq!(gihi(&["compute", "--data", s(&data), "--out", s(&a)]).0, 0);
    assert_eq!(
        gihi(&[
            "compute",
            "--data",
            s(&fixture("synthetic-seed1.csv")),
            "--out",
            s(&b)
        ])
        .0,
        0
    );
    let ranks = |d: &Path| -> Vec<String> {
        fs::read_to_string(d.join("scores.csv"))
            .unwrap()
            .lines()
            .map(|l| l.rsplit(',').next().unwrap().to_string())
            .collect()
    };
    assert_eq!(ranks(&a), ranks(&b));
    let (code, out, _) = gihi(&["stats", "--data", s(&data)]);
    assert_eq!(code, 0);
    assert!(!out.contains("inf") && !out.contains("NaN"), "{out}");
    assert!(out.lines().all(|l| l.len() < 400), "no 300-digit numbers");
}

#[test]
fn target_values_reach_the_rank() {
    let data = fixture("synthetic-seed1.csv");
    let (code, out, err) = gihi(&[
        "target",
        "--data",
        s(&data),
        "--city",
        "madrid",
        "--rank",
        "20",
        "--format",
        "csv",
    ]);
    assert_eq!(code, 0, "{err}");
    let mut checked = 0;
    for line in out.lines().filter(|l| l.starts_with("single,")) {
        let c: Vec<&str> = line.split(',').collect();
        if c[7] != "true" {
            continue;
        }
        let set = format!("{}={}", c[1], c[3]);
        let (code, w, err) = gihi(&[
            "whatif",
            "--data",
            s(&data),
            "--city",
            "madrid",
            "--set",
            &set,
            "--format",
            "csv",
        ]);
        assert_eq!(code, 0, "{err}");
        let row = w
            .lines()
            .find(|l| l.starts_with("madrid,GIHI,"))
            .unwrap_or_else(|| panic!("{w}"));
        let rank: usize = row.rsplit(',').next().unwrap().parse().unwrap();
        assert!(rank <= 20, "{set} gives rank {rank}");
        checked += 1;
    }
    assert!(checked >= 3, "{out}");
    assert!(
        out.contains("greedy,"),
        "the combination is in the CSV: {out}"
    );
}

#[test]
fn report_of_a_one_or_two_pillar_framework() {
    let dir = tempfile::tempdir().unwrap();
    let fw = fs::read_to_string(fixture("../../data/editions/2024/framework.toml")).unwrap();
    // Keep pillar A only, at weight 1.
    let head_and_a: String = fw
        .split("\n[[pillar]]\n")
        .take(2)
        .collect::<Vec<_>>()
        .join("\n[[pillar]]\n");
    let one = head_and_a.replacen(
        "weight = 0.3\n\n[[pillar.subpillar]]",
        "weight = 1.0\n\n[[pillar.subpillar]]",
        1,
    );
    let fw1 = dir.path().join("one.toml");
    fs::write(&fw1, one).unwrap();
    let text = fs::read_to_string(fixture("synthetic-seed1.csv")).unwrap();
    let cut: String = text
        .lines()
        .map(|l| {
            if l.starts_with('#') {
                l.to_string()
            } else {
                l.split(',').take(9).collect::<Vec<_>>().join(",")
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    let data = dir.path().join("a-synthetic.csv");
    fs::write(&data, cut).unwrap();
    let run = dir.path().join("run-synthetic");
    let (code, _, err) = gihi(&[
        "compute",
        "--data",
        s(&data),
        "--framework",
        s(&fw1),
        "--out",
        s(&run),
    ]);
    assert_eq!(code, 0, "{err}");
    let rep = dir.path().join("rep-synthetic");
    let (code, _, err) = gihi(&["report", "--results", s(&run), "--out", s(&rep)]);
    assert_eq!(code, 0, "{err}");
    let page = fs::read_to_string(rep.join("index.html")).unwrap();
    assert!(page.contains("defined on three pillars"));
}

#[test]
fn every_csv_of_a_synthetic_run_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let data = fixture("synthetic-seed1.csv");
    let run = dir.path().join("run-synthetic");
    assert_eq!(
        gihi(&["compute", "--data", s(&data), "--out", s(&run)]).0,
        0
    );
    let rep = dir.path().join("rep-synthetic");
    assert_eq!(
        gihi(&["report", "--results", s(&run), "--out", s(&rep)]).0,
        0
    );
    let mut csvs = vec![run.join("scores.csv"), run.join("indicators.csv")];
    for e in fs::read_dir(rep.join("tables")).unwrap() {
        csvs.push(e.unwrap().path());
    }
    for p in &csvs {
        let t = fs::read_to_string(p).unwrap();
        assert!(t.starts_with("# SYNTHETIC DATA"), "{}", p.display());
    }
    for args in [
        vec!["modes", "--format", "csv"],
        vec!["regions", "--format", "csv"],
        vec!["profile", "rome", "--format", "csv"],
    ] {
        let mut a = args.clone();
        a.extend(["--results", s(&run)]);
        let (code, out, err) = gihi(&a);
        assert_eq!(code, 0, "{a:?}: {err}");
        assert!(out.starts_with("# SYNTHETIC DATA"), "{a:?}: {out}");
    }
    let (_, out, _) = gihi(&["stats", "--data", s(&data), "--format", "csv"]);
    assert!(out.starts_with("# SYNTHETIC DATA"));
}

#[test]
fn interrupted_runs_leave_nothing_behind() {
    let dir = tempfile::tempdir().unwrap();
    let data = fixture("synthetic-seed1.csv");
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("gihi"))
        .current_dir(dir.path())
        .args([
            "uncertainty",
            "--data",
            s(&data),
            "--runs",
            "1000000000",
            "--out",
            "mc-synthetic",
        ])
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Wait until the hidden temporary directory exists, then interrupt.
    let start = std::time::Instant::now();
    while fs::read_dir(dir.path()).unwrap().count() == 0 && start.elapsed().as_secs() < 60 {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(130));
    assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 0);
}

/// The largest allowed counts run under an address-space cap of 1 GiB (`prlimit`), each
/// stopped after a few seconds: memory must not grow with the counts.
#[test]
fn largest_counts_stay_within_memory() {
    if std::process::Command::new("prlimit")
        .arg("--version")
        .output()
        .is_err()
    {
        eprintln!("prlimit not found (util-linux): memory-cap test skipped");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let data = fixture("synthetic-seed1.csv");
    let gihi_bin = assert_cmd::cargo::cargo_bin("gihi");
    for args in [
        vec![
            "uncertainty",
            "--data",
            s(&data),
            "--runs",
            "1000000000",
            "--out",
            "mc-synthetic",
        ],
        vec![
            "uncertainty",
            "--data",
            s(&data),
            "--vary",
            "all,data",
            "--runs",
            "1000000000",
            "--out",
            "mc2-synthetic",
        ],
        vec![
            "sensitivity",
            "--data",
            s(&data),
            "--samples",
            "60000",
            "--bootstrap",
            "10000",
            "--out",
            "sa-synthetic",
        ],
        vec![
            "sensitivity",
            "--data",
            s(&data),
            "--vary",
            "all,data",
            "--samples",
            "16000",
            "--bootstrap",
            "10000",
            "--out",
            "sa2-synthetic",
        ],
        vec!["bench", "--reps", "1000000000"],
    ] {
        let out = std::process::Command::new("timeout")
            .current_dir(dir.path())
            .args(["-s", "TERM", "4", "prlimit", "--as=1073741824", "--"])
            .arg(&gihi_bin)
            .args(&args)
            .output()
            .unwrap();
        let code = out.status.code();
        let err = String::from_utf8_lossy(&out.stderr);
        // 124: still running (within memory) when stopped; 0: finished.
        assert!(
            matches!(code, Some(124) | Some(0)),
            "{args:?}: status {code:?}: {err}"
        );
        assert!(!err.contains("memory allocation"), "{args:?}: {err}");
    }
}

/// On a full disk (a 16 KiB tmpfs; skipped where mounting is not permitted): exit status 1,
/// the message names the user's path, and no temporary file is left behind.
#[test]
fn a_full_disk_leaves_nothing_behind() {
    let dir = tempfile::tempdir().unwrap();
    let mnt = dir.path().join("full");
    fs::create_dir(&mnt).unwrap();
    let mounted = std::process::Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=16k", "tmpfs", s(&mnt)])
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok_and(|st| st.success());
    if !mounted {
        eprintln!("cannot mount a tmpfs here: full-disk test skipped");
        return;
    }
    let data = fixture("synthetic-seed1.csv");
    let sources = fixture("../../data/examples/sources-synthetic");
    let attempts = [
        vec![
            "synth".to_string(),
            "--seed".into(),
            "1".into(),
            "--out".into(),
            s(&mnt.join("x-synthetic.csv")).into(),
        ],
        vec![
            "compute".into(),
            "--data".into(),
            s(&data).into(),
            "--out".into(),
            s(&mnt.join("r-synthetic")).into(),
        ],
        vec![
            "derive".into(),
            "--sources".into(),
            s(&sources).into(),
            "--out".into(),
            s(&mnt.join("i-synthetic.csv")).into(),
        ],
        vec!["report".into(), "--out".into(), s(&mnt.join("rep")).into()],
    ];
    let mut results = Vec::new();
    for args in &attempts {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let (code, _, err) = gihi(&args);
        let left: Vec<String> = fs::read_dir(&mnt)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        results.push((args[0].to_string(), code, err, left));
    }
    let _ = std::process::Command::new("umount").arg(&mnt).status();
    for (command, code, err, left) in results {
        assert_eq!(code, 1, "{command}: {err}");
        assert!(err.contains("No space left"), "{command}: {err}");
        assert!(!err.contains(".tmp-"), "{command}: {err}");
        assert!(left.is_empty(), "{command} left {left:?}");
    }
}
