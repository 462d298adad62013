//! `manifest.json`: what a directory output holds, and checking that it still does.

use crate::OutputError;
use serde_json::Value;
use std::collections::BTreeSet;
use std::io::Read;
use std::path::{Component, Path};

/// The file that identifies a directory written by gihi.
pub const MANIFEST: &str = "manifest.json";

/// Directory entries visited at most when checking a directory (bounds time and memory).
const MAX_ENTRIES: usize = 100_000;

/// One file a manifest lists: its path relative to the directory and its SHA-256.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileEntry {
    pub path: String,
    pub sha256: String,
}

/// A directory whose manifest and files have been checked.
#[derive(Debug, Clone)]
pub struct VerifiedDir {
    /// The whole manifest.
    pub manifest: Value,
    /// Every file the manifest lists, all present with their recorded hashes.
    pub files: Vec<FileEntry>,
}

/// Reads `dir/manifest.json` and checks that it is a gihi manifest of `command` and that every
/// file it lists is present with its recorded SHA-256. Extra files are allowed (reading only).
pub fn verify_dir(dir: &Path, command: &str) -> Result<VerifiedDir, OutputError> {
    let verified = read_manifest(dir, command, "expected")?;
    for f in &verified.files {
        check_file(dir, f)?;
    }
    Ok(verified)
}

/// Checks that the existing directory `dir` is verifiably a previous output of `command`:
/// its manifest lists every file, the files are unchanged and nothing else is there.
pub(crate) fn check_own_output(dir: &Path, command: &str) -> Result<(), OutputError> {
    let verified = read_manifest(dir, command, "may replace only")?;
    let listed: BTreeSet<&str> = verified.files.iter().map(|f| f.path.as_str()).collect();
    let mut seen = 0usize;
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let entries = std::fs::read_dir(&d).map_err(|e| OutputError::io(&d, e))?;
        for entry in entries {
            let entry = entry.map_err(|e| OutputError::io(&d, e))?;
            seen += 1;
            if seen > MAX_ENTRIES {
                return Err(OutputError::refused(
                    dir,
                    format!("holds more than {MAX_ENTRIES} entries, which gihi did not write; choose another output path"),
                ));
            }
            let path = entry.path();
            let rel = path.strip_prefix(dir).unwrap_or(&path);
            let rel_text = rel.to_string_lossy().replace('\\', "/");
            let kind = entry.file_type().map_err(|e| OutputError::io(&path, e))?;
            if kind.is_dir() {
                let prefix = format!("{rel_text}/");
                if listed.iter().any(|l| l.starts_with(&prefix)) {
                    stack.push(path);
                    continue;
                }
            } else if kind.is_file() && (rel_text == MANIFEST || listed.contains(rel_text.as_str()))
            {
                continue;
            }
            return Err(OutputError::refused(
                dir,
                format!(
                    "holds `{rel_text}`, which `gihi {command}` did not write; gihi replaces only its own earlier output: move that file, or choose another output path"
                ),
            ));
        }
    }
    for f in &verified.files {
        check_file(dir, f).map_err(|e| match e {
            OutputError::Invalid { path, reason } => OutputError::Refused {
                path,
                reason: format!("{reason}; gihi does not replace a changed output: choose another output path, or remove it yourself"),
            },
            other => other,
        })?;
    }
    Ok(())
}

fn read_manifest(dir: &Path, command: &str, verb: &str) -> Result<VerifiedDir, OutputError> {
    let path = dir.join(MANIFEST);
    let not_ours = |why: &str| {
        let reason = format!(
            "{why}; gihi {verb} a directory written by `gihi {command}` (with its {MANIFEST})"
        );
        if verb == "expected" {
            OutputError::invalid(dir, reason)
        } else {
            OutputError::refused(
                dir,
                format!("{reason}: choose another output path, or remove it yourself"),
            )
        }
    };
    match std::fs::metadata(dir) {
        Err(_) => {
            return Err(OutputError::invalid(
                dir,
                format!("no such directory; expected a directory written by `gihi {command}`"),
            ))
        }
        Ok(m) if !m.is_dir() => {
            return Err(OutputError::invalid(
                dir,
                format!("is not a directory; expected a directory written by `gihi {command}`"),
            ))
        }
        _ => {}
    }
    let meta = match std::fs::symlink_metadata(&path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(not_ours(&format!("exists and holds no {MANIFEST}")))
        }
        Err(e) => return Err(OutputError::io(&path, e)),
    };
    if !meta.is_file() || meta.len() > 64 << 20 {
        return Err(not_ours(&format!("its {MANIFEST} is not a gihi manifest")));
    }
    let text = std::fs::read_to_string(&path).map_err(|e| OutputError::io(&path, e))?;
    let manifest: Value = serde_json::from_str(&text)
        .map_err(|_| not_ours(&format!("its {MANIFEST} is not a gihi manifest")))?;
    if manifest.get("tool").and_then(Value::as_str) != Some("gihi") {
        return Err(not_ours(&format!("its {MANIFEST} is not a gihi manifest")));
    }
    let found = manifest
        .get("command")
        .and_then(Value::as_str)
        .unwrap_or("");
    if found != command {
        return Err(not_ours(&format!("is the output of `gihi {found}`")));
    }
    let Some(list) = manifest.get("files").and_then(Value::as_array) else {
        return Err(not_ours(&format!(
            "its {MANIFEST} lists no files (written by an earlier gihi)"
        )));
    };
    let mut files = Vec::with_capacity(list.len());
    for f in list {
        let (Some(p), Some(h)) = (
            f.get("path").and_then(Value::as_str),
            f.get("sha256").and_then(Value::as_str),
        ) else {
            return Err(not_ours(&format!(
                "its {MANIFEST} has a malformed file entry"
            )));
        };
        let safe = Path::new(p)
            .components()
            .all(|c| matches!(c, Component::Normal(_)));
        if !safe || p == MANIFEST {
            return Err(not_ours(&format!(
                "its {MANIFEST} lists a path outside it: `{p}`"
            )));
        }
        files.push(FileEntry {
            path: p.to_string(),
            sha256: h.to_string(),
        });
    }
    Ok(VerifiedDir { manifest, files })
}

/// Checks one listed file's presence and hash (streaming: memory stays bounded).
fn check_file(dir: &Path, f: &FileEntry) -> Result<(), OutputError> {
    let path = dir.join(&f.path);
    match std::fs::symlink_metadata(&path) {
        Ok(m) if m.is_file() => {}
        Ok(_) => {
            return Err(OutputError::invalid(
                &path,
                "is not a regular file as gihi wrote it",
            ))
        }
        Err(_) => {
            return Err(OutputError::invalid(
                &path,
                format!("is missing (listed in {MANIFEST})"),
            ))
        }
    }
    let found = hash_file(&path)?;
    if found != f.sha256 {
        return Err(OutputError::invalid(
            &path,
            format!(
                "was changed since gihi wrote it (SHA-256 {}…, {MANIFEST} records {}…)",
                &found[..12],
                f.sha256.get(..12).unwrap_or(&f.sha256)
            ),
        ));
    }
    Ok(())
}

/// SHA-256 of a file, read in blocks.
pub(crate) fn hash_file(path: &Path) -> Result<String, OutputError> {
    use sha2::{Digest, Sha256};
    let mut file = std::fs::File::open(path).map_err(|e| OutputError::io(path, e))?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = file.read(&mut buf).map_err(|e| OutputError::io(path, e))?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    Ok(hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect())
}

/// The `files` array of a manifest.
pub(crate) fn files_json(files: &[FileEntry]) -> Value {
    Value::Array(
        files
            .iter()
            .map(|f| serde_json::json!({"path": f.path, "sha256": f.sha256}))
            .collect(),
    )
}
