//! Single-file outputs, recognisable by a stamp line, and templates that never overwrite.

use crate::manifest::{hash_file, MANIFEST};
use crate::{
    dir_mode, file_mode, parent_of, refuse_if_input, refuse_symlink, sha256_hex, CreatedParents,
    OutputError, Registered,
};
use std::fs;
use std::io::{BufRead, Read, Write};
use std::path::{Path, PathBuf};

/// The stamp on the first line of a single-file output: which command wrote it, the SHA-256
/// of the rest of the file, and of each companion file written beside it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stamp {
    pub command: String,
    pub sha256: String,
    /// (file name, SHA-256) of the companion files.
    pub companions: Vec<(String, String)>,
}

const STAMP_PREFIX: &str = "# written by gihi ";
/// Longest first line read when looking for a stamp.
const MAX_STAMP_LINE: u64 = 4096;

/// The stamp line (with its newline) for `body` and its companions.
pub fn stamp_line(command: &str, body: &[u8], companions: &[(String, String)]) -> String {
    let mut line = format!("{STAMP_PREFIX}{command}; sha256 {}", sha256_hex(body));
    for (name, sha) in companions {
        line.push_str(&format!("; companion {name} {sha}"));
    }
    line.push_str("; gihi replaces this file only while it is unchanged\n");
    line
}

/// Leading lines searched for the stamp.
const MAX_HEADER_LINES: usize = 64;

/// Reads the stamp of `path`: a line among its leading `#` comment lines.
pub fn read_stamp(path: &Path) -> Result<Option<Stamp>, OutputError> {
    let file = fs::File::open(path).map_err(|e| OutputError::io(path, e))?;
    let mut reader = std::io::BufReader::new(file);
    for _ in 0..MAX_HEADER_LINES {
        let mut line = Vec::new();
        let n = (&mut reader)
            .take(MAX_STAMP_LINE)
            .read_until(b'\n', &mut line)
            .map_err(|e| OutputError::io(path, e))?;
        if n == 0 || line.first() != Some(&b'#') {
            return Ok(None);
        }
        if let Some(stamp) = parse_stamp(&String::from_utf8_lossy(&line)) {
            return Ok(Some(stamp));
        }
    }
    Ok(None)
}

fn parse_stamp(line: &str) -> Option<Stamp> {
    let rest = line.trim_end().strip_prefix(STAMP_PREFIX)?;
    let mut parts = rest.split("; ");
    let command = parts.next().unwrap_or("").to_string();
    let mut stamp = Stamp {
        command,
        sha256: String::new(),
        companions: Vec::new(),
    };
    for p in parts {
        let words: Vec<&str> = p.split(' ').collect();
        match words.as_slice() {
            ["sha256", h] => stamp.sha256 = h.to_string(),
            ["companion", name, h] => stamp.companions.push((name.to_string(), h.to_string())),
            _ => {}
        }
    }
    Some(stamp)
}

/// SHA-256 of the file without its stamp line (read line by line).
fn body_hash(path: &Path) -> Result<String, OutputError> {
    use sha2::{Digest, Sha256};
    let file = fs::File::open(path).map_err(|e| OutputError::io(path, e))?;
    let mut reader = std::io::BufReader::new(file);
    let mut hasher = Sha256::new();
    let mut in_header = true;
    let mut line = Vec::new();
    loop {
        line.clear();
        let n = (&mut reader)
            .take(1 << 20)
            .read_until(b'\n', &mut line)
            .map_err(|e| OutputError::io(path, e))?;
        if n == 0 {
            break;
        }
        if in_header && line.starts_with(STAMP_PREFIX.as_bytes()) {
            in_header = false;
            continue;
        }
        in_header &= line.first() == Some(&b'#');
        hasher.update(&line);
    }
    Ok(hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect())
}

/// `body` with its stamp inserted after its leading `#` comment lines.
fn stamped(body: &[u8], stamp: &str) -> Vec<u8> {
    let mut at = 0;
    while body[at..].first() == Some(&b'#') {
        match body[at..].iter().position(|b| *b == b'\n') {
            Some(k) => at += k + 1,
            None => break,
        }
    }
    let mut out = Vec::with_capacity(body.len() + stamp.len() + 1);
    out.extend_from_slice(&body[..at]);
    if at > 0 && body[at - 1] != b'\n' {
        out.push(b'\n');
    }
    out.extend_from_slice(stamp.as_bytes());
    out.extend_from_slice(&body[at..]);
    out
}

/// Writes `main` (stamped with `command`) and its `companions` beside it, each atomically.
///
/// An existing `main` is replaced only if its stamp names `command` and the file and every
/// existing companion are unchanged since; an existing companion without such a `main` is
/// refused; no path may be a symbolic link or an input of this run.
pub fn write_stamped_files(
    command: &str,
    main: &Path,
    body: &[u8],
    companions: &[(PathBuf, Vec<u8>)],
    inputs: &[&Path],
) -> Result<(), OutputError> {
    let all: Vec<&Path> = std::iter::once(main)
        .chain(companions.iter().map(|(p, _)| p.as_path()))
        .collect();
    for p in &all {
        refuse_symlink(p)?;
        refuse_if_input(p, inputs)?;
        if p.is_dir() {
            return Err(OutputError::refused(
                p,
                "is a directory; expected a file name",
            ));
        }
    }
    let refuse = |p: &Path, why: &str| {
        OutputError::refused(
            p,
            format!("{why}; gihi replaces only its own unchanged earlier output: choose another output path, or remove it yourself"),
        )
    };
    if main.exists() {
        let stamp = read_stamp(main)?;
        match stamp {
            Some(s) if s.command == command => {
                if body_hash(main)? != s.sha256 {
                    return Err(refuse(
                        main,
                        &format!("was changed since `gihi {command}` wrote it"),
                    ));
                }
                for (p, _) in companions {
                    if p.exists() {
                        let name = file_name(p);
                        let recorded = s.companions.iter().find(|(n, _)| *n == name);
                        if recorded.map(|(_, h)| h.as_str()) != Some(hash_file(p)?.as_str()) {
                            return Err(refuse(
                                p,
                                &format!(
                                    "exists and is not the file `gihi {command}` wrote beside {}",
                                    main.display()
                                ),
                            ));
                        }
                    }
                }
            }
            Some(s) => {
                return Err(refuse(
                    main,
                    &format!("is the output of `gihi {}`", s.command),
                ))
            }
            None => return Err(refuse(main, "exists and was not written by gihi")),
        }
    } else {
        for (p, _) in companions {
            if p.exists() {
                return Err(refuse(p, "exists and was not written by gihi"));
            }
        }
    }
    let stamped_companions: Vec<(String, String)> = companions
        .iter()
        .map(|(p, b)| (file_name(p), sha256_hex(b)))
        .collect();
    let main_bytes = stamped(body, &stamp_line(command, body, &stamped_companions));
    // Every temporary file first (where a full disk fails), then the renames.
    let parents = CreatedParents::make(parent_of(main))?;
    let mut staged = Vec::new();
    for (p, bytes) in companions
        .iter()
        .map(|(p, b)| (p.as_path(), b.as_slice()))
        .chain(std::iter::once((main, main_bytes.as_slice())))
    {
        staged.push((p, stage(p, bytes)?));
    }
    for (p, (temp, _registered)) in staged {
        temp.persist(p).map_err(|e| OutputError::io(p, e.error))?;
    }
    parents.keep();
    Ok(())
}

/// A temporary sibling of `target` holding `bytes`; removed if dropped.
fn stage(
    target: &Path,
    bytes: &[u8],
) -> Result<(tempfile::NamedTempFile, Registered), OutputError> {
    let parent = parent_of(target);
    let mut temp = tempfile::Builder::new()
        .prefix(&format!(".{}.tmp-", file_name(target)))
        .permissions(file_mode())
        .tempfile_in(parent)
        .map_err(|e| OutputError::io(target, e))?;
    let registered = Registered::new(temp.path());
    // Through the plain file: tempfile's own Write adds the temporary path to its errors.
    let file = temp.as_file_mut();
    file.write_all(bytes)
        .and_then(|_| file.flush())
        .map_err(|e| OutputError::io(target, e))?;
    Ok((temp, registered))
}

fn file_name(p: &Path) -> String {
    p.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Writes template files into `dir` without ever replacing one: a new `dir` appears whole;
/// in an existing `dir`, files already there are left alone and returned as skipped.
/// A `dir` that is another command's output (it holds a gihi `manifest.json`) is refused.
pub fn write_new_files(
    dir: &Path,
    files: &[(String, Vec<u8>)],
) -> Result<Vec<String>, OutputError> {
    refuse_symlink(dir)?;
    if !dir.exists() {
        let parent = parent_of(dir);
        let parents = CreatedParents::make(parent)?;
        let temp = tempfile::Builder::new()
            .prefix(&format!(".{}.tmp-", file_name(dir)))
            .permissions(dir_mode())
            .tempdir_in(parent)
            .map_err(|e| OutputError::io(dir, e))?;
        let _registered = Registered::new(temp.path());
        for (name, bytes) in files {
            fs::write(temp.path().join(name), bytes)
                .map_err(|e| OutputError::io(&dir.join(name), e))?;
        }
        let kept = temp.keep();
        fs::rename(&kept, dir).map_err(|e| {
            let _ = fs::remove_dir_all(&kept);
            OutputError::io(dir, e)
        })?;
        parents.keep();
        return Ok(Vec::new());
    }
    if !dir.is_dir() {
        return Err(OutputError::refused(
            dir,
            "exists and is not a directory: choose another directory",
        ));
    }
    if dir.join(MANIFEST).exists() {
        return Err(OutputError::refused(
            dir,
            format!("holds a {MANIFEST}: it is the output of another gihi command; templates go into a directory of their own"),
        ));
    }
    let mut skipped = Vec::new();
    for (name, bytes) in files {
        let target = dir.join(name);
        if fs::symlink_metadata(&target).is_ok() {
            skipped.push(name.clone());
            continue;
        }
        let (temp, _registered) = stage(&target, bytes)?;
        match temp.persist_noclobber(&target) {
            Ok(_) => {}
            Err(e) if e.error.kind() == std::io::ErrorKind::AlreadyExists => {
                skipped.push(name.clone())
            }
            Err(e) => return Err(OutputError::io(&target, e.error)),
        }
    }
    Ok(skipped)
}
