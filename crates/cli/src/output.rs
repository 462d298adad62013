//! Output that appears whole or not at all: files are written into a temporary sibling and
//! renamed into place only when everything succeeded.

use crate::error::CliError;
use std::fs;
use std::path::{Path, PathBuf};

/// Marker file that identifies a directory written by gihi (safe to replace).
pub const MANIFEST: &str = "manifest.json";

/// A directory being written; becomes visible at its final path on [`OutputDir::commit`].
/// Dropped without commit, it removes what it wrote.
pub struct OutputDir {
    target: PathBuf,
    temp: PathBuf,
    committed: bool,
}

impl OutputDir {
    /// Prepares to write `target`. An existing `target` is replaced only if it is empty or a
    /// previous gihi output (it holds a manifest); anything else is refused.
    pub fn create(target: &Path) -> Result<OutputDir, CliError> {
        if target.exists() {
            let is_previous_output = target.join(MANIFEST).is_file();
            let is_empty = fs::read_dir(target)
                .map(|mut d| d.next().is_none())
                .unwrap_or(false);
            if !target.is_dir() || !(is_previous_output || is_empty) {
                return Err(CliError::Input(format!(
                    "{}: exists and is not a gihi output directory (no {MANIFEST}); choose another --out",
                    target.display()
                )));
            }
        }
        let temp = sibling(target, "tmp");
        if temp.exists() {
            fs::remove_dir_all(&temp).map_err(|e| CliError::io(&temp, e))?;
        }
        fs::create_dir_all(&temp).map_err(|e| CliError::io(&temp, e))?;
        Ok(OutputDir {
            target: target.to_path_buf(),
            temp,
            committed: false,
        })
    }

    /// Path of a file inside the directory being written.
    pub fn path(&self, name: &str) -> PathBuf {
        self.temp.join(name)
    }

    /// Writes one file.
    pub fn write(&self, name: &str, bytes: &[u8]) -> Result<(), CliError> {
        let p = self.path(name);
        if let Some(parent) = p.parent() {
            fs::create_dir_all(parent).map_err(|e| CliError::io(parent, e))?;
        }
        fs::write(&p, bytes).map_err(|e| CliError::io(&p, e))
    }

    /// Moves the finished directory into place, replacing a previous output.
    pub fn commit(mut self) -> Result<PathBuf, CliError> {
        let old = sibling(&self.target, "old");
        if self.target.exists() {
            fs::rename(&self.target, &old).map_err(|e| CliError::io(&self.target, e))?;
        }
        fs::rename(&self.temp, &self.target).map_err(|e| CliError::io(&self.target, e))?;
        if old.exists() {
            fs::remove_dir_all(&old).map_err(|e| CliError::io(&old, e))?;
        }
        self.committed = true;
        Ok(self.target.clone())
    }
}

impl Drop for OutputDir {
    fn drop(&mut self) {
        if !self.committed {
            let _ = fs::remove_dir_all(&self.temp);
        }
    }
}

/// Writes one file atomically (temporary sibling, then rename).
pub fn write_file_atomically(target: &Path, bytes: &[u8]) -> Result<(), CliError> {
    let temp = sibling(target, "tmp");
    if let Some(parent) = target.parent().filter(|p| !p.as_os_str().is_empty()) {
        fs::create_dir_all(parent).map_err(|e| CliError::io(parent, e))?;
    }
    fs::write(&temp, bytes).map_err(|e| CliError::io(&temp, e))?;
    fs::rename(&temp, target).map_err(|e| {
        let _ = fs::remove_file(&temp);
        CliError::io(target, e)
    })
}

/// `dir/.name.<what>-<pid>` next to `target`.
fn sibling(target: &Path, what: &str) -> PathBuf {
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "out".into());
    let parent = target
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    parent.join(format!(".{name}.{what}-{}", std::process::id()))
}
