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

/// Every path under `root` with its kind and content hash (symlinks by target).
pub fn tree(root: &Path) -> std::collections::BTreeMap<PathBuf, String> {
    let mut out = std::collections::BTreeMap::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            let rel = p.strip_prefix(root).unwrap().to_path_buf();
            let m = std::fs::symlink_metadata(&p).unwrap();
            let v = if m.file_type().is_symlink() {
                format!("link {}", std::fs::read_link(&p).unwrap().display())
            } else if m.is_dir() {
                stack.push(p.clone());
                "dir".to_string()
            } else {
                format!(
                    "file {}",
                    gihi_output::sha256_hex(&std::fs::read(&p).unwrap())
                )
            };
            out.insert(rel, v);
        }
    }
    out
}

/// A file of `reference/fixtures`.
pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../reference/fixtures")
        .join(name)
}

/// A `gihi serve` process started for a test; stop it with [`Served::stop`].
pub struct Served {
    /// `127.0.0.1:PORT`, as the server printed it (`None` if it printed no address).
    pub addr: Option<String>,
    /// The server's first line of standard error.
    pub first_line: String,
    child: std::process::Child,
    stderr: std::io::BufReader<std::process::ChildStderr>,
}

impl Served {
    /// Starts `gihi ARGS` in `dir` and reads the address it prints.
    pub fn start(args: &[&str], dir: &Path) -> Served {
        use std::io::BufRead;
        let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("gihi"))
            .current_dir(dir)
            .args(args)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let mut stderr = std::io::BufReader::new(child.stderr.take().unwrap());
        let mut first_line = String::new();
        stderr.read_line(&mut first_line).unwrap();
        let addr = first_line
            .split("http://")
            .nth(1)
            .and_then(|s| s.split('/').next())
            .map(str::to_string);
        Served {
            addr,
            first_line,
            child,
            stderr,
        }
    }

    /// One HTTP/1.1 GET: the whole response as text.
    pub fn get(&self, path: &str) -> String {
        use std::io::{Read, Write};
        let addr = self
            .addr
            .as_deref()
            .expect("the server printed its address");
        let mut s = std::net::TcpStream::connect(addr).unwrap();
        write!(
            s,
            "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
        )
        .unwrap();
        let mut text = String::new();
        s.read_to_string(&mut text).unwrap();
        text
    }

    /// Sends SIGTERM (by process id) and waits: (exit status, the rest of standard error).
    pub fn stop(mut self) -> (Option<i32>, String) {
        use std::io::Read;
        std::process::Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .unwrap();
        let status = self.child.wait().unwrap();
        let mut rest = String::new();
        self.stderr.read_to_string(&mut rest).unwrap();
        (status.code(), rest)
    }
}
