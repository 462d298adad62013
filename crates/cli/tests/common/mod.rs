//! Helpers shared by the end-to-end tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

/// Runs `gihi` with arguments: (exit status, stdout, stderr).
pub fn gihi(args: &[&str]) -> (i32, String, String) {
    let out = assert_cmd::Command::cargo_bin("gihi")
        .unwrap()
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

/// A file of `reference/fixtures`.
pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../reference/fixtures")
        .join(name)
}
