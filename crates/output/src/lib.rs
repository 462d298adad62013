//! gihi's output paths, and the one rule that protects the user's data.
//!
//! **A command replaces an existing path only if that path is, verifiably, a previous output
//! of the same command and it neither equals nor contains an input of the current run.**
//! Anything else is refused with [`OutputError::Refused`] (exit status 2), with a message
//! that says how to proceed. There is no `--force`: a path that is not verifiably gihi's own
//! is the user's to remove.
//!
//! - A directory output ([`OutputDir`]) is verifiable through its `manifest.json`: it names
//!   the tool and the command and lists every file written with its SHA-256; the directory
//!   may hold nothing else, and every file must still have its recorded hash (an edited
//!   output is the user's work now).
//! - A single-file output ([`write_stamped_files`]) is verifiable through its first line, a
//!   `#` comment stamp naming the command and the SHA-256 of the rest of the file and of
//!   each companion file written beside it.
//! - Templates ([`write_new_files`]) never replace anything: existing files are skipped.
//! - Symbolic links are never replaced or written through.
//!
//! Output is written into a hidden temporary sibling (`.NAME.tmp-XXXXXX`) and renamed into
//! place only when everything succeeded; the temporary path is removed on every failure, and
//! messages name the user's path, never the temporary one. Reading a run back
//! ([`verify_dir`]) checks every listed file's hash, so a truncated or edited file is refused.
//!
//! Temporary paths are registered while they exist, so that a binary's signal handler can
//! remove them ([`remove_temporaries`]) on Ctrl-C or SIGTERM. Not covered: SIGKILL can leave a
//! hidden temporary sibling behind; a concurrent process changing the target between the check and the
//! rename (the check is not atomic with the rename).

/// The first line of every CSV made from synthetic data (gihi's readers skip `#` lines).
pub const SYNTHETIC_CSV_BANNER: &str =
    "# SYNTHETIC DATA: computed from an invented table; NOT real GIHI results\n";

mod dir;
mod file;
mod manifest;

pub use dir::OutputDir;
pub use file::{read_stamp, stamp_line, write_new_files, write_stamped_files, Stamp};
pub use manifest::{verify_dir, FileEntry, VerifiedDir, MANIFEST};

use std::path::{Path, PathBuf};

/// Why an output could not be written or a previous output could not be read.
#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    /// The path exists and may not be replaced (the user's input or data): exit status 2.
    #[error("{path}: {reason}")]
    Refused { path: String, reason: String },
    /// A previous output that fails verification when read: exit status 2.
    #[error("{path}: {reason}")]
    Invalid { path: String, reason: String },
    /// Reading or writing failed (disk full, permissions): exit status 1.
    #[error("{path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
}

impl OutputError {
    pub(crate) fn refused(path: &Path, reason: impl Into<String>) -> OutputError {
        OutputError::Refused {
            path: path.display().to_string(),
            reason: reason.into(),
        }
    }
    pub(crate) fn invalid(path: &Path, reason: impl Into<String>) -> OutputError {
        OutputError::Invalid {
            path: path.display().to_string(),
            reason: reason.into(),
        }
    }
    /// An I/O failure at the user's `path`. The error is reduced to its OS error, so that
    /// no temporary path (which tempfile adds to its errors) reaches the message.
    pub(crate) fn io(path: &Path, source: std::io::Error) -> OutputError {
        let source = match source.raw_os_error() {
            Some(code) => std::io::Error::from_raw_os_error(code),
            None => std::io::Error::from(source.kind()),
        };
        OutputError::Io {
            path: path.display().to_string(),
            source,
        }
    }
    /// Whether this is the input's fault (exit status 2) rather than the machine's (1).
    pub fn is_input_error(&self) -> bool {
        !matches!(self, OutputError::Io { .. })
    }
}

/// Temporary paths that exist right now (removed on a signal by [`remove_temporaries`]).
static TEMPORARIES: std::sync::Mutex<Vec<PathBuf>> = std::sync::Mutex::new(Vec::new());

pub(crate) fn register_temporary(p: &Path) {
    if let Ok(mut t) = TEMPORARIES.lock() {
        t.push(p.to_path_buf());
    }
}

pub(crate) fn forget_temporary(p: &Path) {
    if let Ok(mut t) = TEMPORARIES.lock() {
        t.retain(|x| x != p);
    }
}

/// Keeps a temporary path registered while it lives.
pub(crate) struct Registered(PathBuf);

impl Registered {
    pub(crate) fn new(p: &Path) -> Registered {
        register_temporary(p);
        Registered(p.to_path_buf())
    }
}

impl Drop for Registered {
    fn drop(&mut self) {
        forget_temporary(&self.0);
    }
}

/// Directories created for an output's parent path; removed again (while empty) unless the
/// output was completed, so a failed run leaves no empty `results/2024/` behind.
pub(crate) struct CreatedParents {
    /// From the deepest created directory up to the highest.
    created: Vec<PathBuf>,
}

impl CreatedParents {
    /// Creates `dir` and any missing ancestors, remembering which were created.
    pub(crate) fn make(dir: &Path) -> Result<CreatedParents, OutputError> {
        let mut created = Vec::new();
        let mut d = dir;
        while !d.as_os_str().is_empty() && !d.exists() {
            created.push(d.to_path_buf());
            match d.parent() {
                Some(p) => d = p,
                None => break,
            }
        }
        std::fs::create_dir_all(dir).map_err(|e| OutputError::io(dir, e))?;
        Ok(CreatedParents { created })
    }

    /// The output is complete: keep the directories.
    pub(crate) fn keep(mut self) {
        self.created.clear();
    }
}

impl Drop for CreatedParents {
    fn drop(&mut self) {
        for d in &self.created {
            let _ = std::fs::remove_dir(d);
        }
    }
}

/// Removes every temporary path still being written (for a signal handler, before exit).
pub fn remove_temporaries() {
    if let Ok(t) = TEMPORARIES.lock() {
        for p in t.iter() {
            let _ = std::fs::remove_dir_all(p).or_else(|_| std::fs::remove_file(p));
        }
    }
}

/// Permissions requested for new files and directories; the process umask applies, as for
/// any file the user creates (tempfile's own default, 0600, would hide outputs from others).
pub(crate) fn file_mode() -> std::fs::Permissions {
    use std::os::unix::fs::PermissionsExt;
    std::fs::Permissions::from_mode(0o666)
}

pub(crate) fn dir_mode() -> std::fs::Permissions {
    use std::os::unix::fs::PermissionsExt;
    std::fs::Permissions::from_mode(0o777)
}

/// Lower-case hex SHA-256.
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The absolute, symlink-free form of `path`; for a path that does not exist yet, its
/// parent's canonical form joined with its name. `None` when neither resolves.
pub fn resolved(path: &Path) -> Option<PathBuf> {
    if let Ok(p) = path.canonicalize() {
        return Some(p);
    }
    let name = path.file_name()?;
    let parent = parent_of(path);
    parent.canonicalize().ok().map(|p| p.join(name))
}

/// The directory holding `path` (`.` for a bare name).
pub(crate) fn parent_of(path: &Path) -> &Path {
    path.parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}

/// Refuses a `target` that equals or contains one of `inputs` (paths read by this run).
pub fn refuse_if_input(target: &Path, inputs: &[&Path]) -> Result<(), OutputError> {
    let Some(t) = resolved(target) else {
        return Ok(());
    };
    for input in inputs {
        let Some(i) = resolved(input) else { continue };
        if i == t {
            return Err(OutputError::refused(
                target,
                format!(
                    "is an input of this run ({}); gihi never overwrites its inputs: choose another output path",
                    input.display()
                ),
            ));
        }
        if i.starts_with(&t) {
            return Err(OutputError::refused(
                target,
                format!(
                    "contains an input of this run ({}); gihi never replaces a directory that holds its inputs: choose another output path",
                    input.display()
                ),
            ));
        }
    }
    Ok(())
}

/// Refuses a symbolic link: gihi neither replaces a link nor writes through one.
pub(crate) fn refuse_symlink(target: &Path) -> Result<(), OutputError> {
    match std::fs::symlink_metadata(target) {
        Ok(m) if m.file_type().is_symlink() => Err(OutputError::refused(
            target,
            "is a symbolic link; gihi does not replace links or write through them: give the real path or another one",
        )),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests;
