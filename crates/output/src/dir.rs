//! Directory outputs: written into a hidden temporary sibling, renamed into place whole.

use crate::manifest::{check_own_output, files_json, FileEntry, MANIFEST};
use crate::{
    dir_mode, forget_temporary, parent_of, refuse_if_input, refuse_symlink, register_temporary,
    sha256_hex, CreatedParents, OutputError,
};
use serde_json::{Map, Value};
use std::fs;
use std::path::{Path, PathBuf};

/// A directory being written by one command; appears at its final path on
/// [`OutputDir::commit`], with a `manifest.json` listing every file. Dropped without commit
/// (an error, a panic), it removes what it wrote.
pub struct OutputDir {
    target: PathBuf,
    command: String,
    /// `None` once committed.
    temp: Option<tempfile::TempDir>,
    /// Parent directories this output created (removed again if it is not committed).
    parents: Option<CreatedParents>,
    files: Vec<FileEntry>,
    /// Files opened with [`OutputDir::file`]: hashed when the directory is committed.
    streamed: Vec<String>,
}

impl OutputDir {
    /// Prepares to write `target` for `gihi <command>`. An existing `target` is replaced only
    /// if it is empty or verifiably an earlier output of the same command, and only if it
    /// neither equals nor contains one of `inputs`; anything else is refused.
    pub fn create(
        target: &Path,
        command: &str,
        inputs: &[&Path],
    ) -> Result<OutputDir, OutputError> {
        refuse_symlink(target)?;
        refuse_if_input(target, inputs)?;
        if let Ok(meta) = fs::metadata(target) {
            if !meta.is_dir() {
                return Err(OutputError::refused(
                    target,
                    "exists and is not a directory; gihi replaces only its own earlier output: choose another output path",
                ));
            }
            let empty = fs::read_dir(target)
                .map_err(|e| OutputError::io(target, e))?
                .next()
                .is_none();
            if !empty {
                check_own_output(target, command)?;
            }
        }
        let parent = parent_of(target);
        let parents = CreatedParents::make(parent)?;
        let name = target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "out".into());
        let temp = tempfile::Builder::new()
            .prefix(&format!(".{name}.tmp-"))
            .permissions(dir_mode())
            .tempdir_in(parent)
            .map_err(|e| OutputError::io(target, e))?;
        register_temporary(temp.path());
        Ok(OutputDir {
            target: target.to_path_buf(),
            command: command.to_string(),
            temp: Some(temp),
            files: Vec::new(),
            streamed: Vec::new(),
            parents: Some(parents),
        })
    }

    /// The final path.
    pub fn target(&self) -> &Path {
        &self.target
    }

    /// Writes one file (`name` may contain `/`); errors name the final path.
    pub fn write(&mut self, name: &str, bytes: &[u8]) -> Result<(), OutputError> {
        let p = self.temp_path().join(name);
        let shown = self.target.join(name);
        if let Some(parent) = p.parent() {
            fs::create_dir_all(parent).map_err(|e| OutputError::io(&shown, e))?;
        }
        fs::write(&p, bytes).map_err(|e| OutputError::io(&shown, e))?;
        self.files.retain(|f| f.path != name);
        self.files.push(FileEntry {
            path: name.to_string(),
            sha256: sha256_hex(bytes),
        });
        Ok(())
    }

    /// Creates one file (`name` may contain `/`) for the caller to write in pieces (outputs
    /// too large to hold in memory); it is hashed for the manifest when committed.
    pub fn file(&mut self, name: &str) -> Result<fs::File, OutputError> {
        let p = self.temp_path().join(name);
        let shown = self.target.join(name);
        if let Some(parent) = p.parent() {
            fs::create_dir_all(parent).map_err(|e| OutputError::io(&shown, e))?;
        }
        let f = fs::File::create(&p).map_err(|e| OutputError::io(&shown, e))?;
        self.files.retain(|f| f.path != name);
        self.streamed.retain(|f| f != name);
        self.streamed.push(name.to_string());
        Ok(f)
    }

    /// Writes `manifest.json` (the given fields, then `tool`, `command` and `files` where
    /// absent) and moves the finished directory into place, replacing an earlier output.
    pub fn commit(mut self, fields: Value) -> Result<PathBuf, OutputError> {
        let mut manifest = match fields {
            Value::Object(m) => m,
            _ => Map::new(),
        };
        manifest.entry("tool").or_insert("gihi".into());
        manifest.insert("command".into(), self.command.clone().into());
        for name in std::mem::take(&mut self.streamed) {
            use sha2::Digest;
            let p = self.temp_path().join(&name);
            let shown = self.target.join(&name);
            let mut f = fs::File::open(&p).map_err(|e| OutputError::io(&shown, e))?;
            let mut h = sha2::Sha256::new();
            std::io::copy(&mut f, &mut h).map_err(|e| OutputError::io(&shown, e))?;
            let sha256 = h.finalize().iter().map(|b| format!("{b:02x}")).collect();
            self.files.push(FileEntry { path: name, sha256 });
        }
        self.files.sort_by(|a, b| a.path.cmp(&b.path));
        manifest.insert("files".into(), files_json(&self.files));
        let text = serde_json::to_string_pretty(&Value::Object(manifest))
            .expect("JSON values serialise")
            + "\n";
        let p = self.temp_path().join(MANIFEST);
        fs::write(&p, text).map_err(|e| OutputError::io(&self.target.join(MANIFEST), e))?;

        let Some(kept) = self.temp.take() else {
            unreachable!("an OutputDir is committed once (commit takes it by value)")
        };
        let temp = kept.keep();
        let result = self.move_into_place(&temp);
        forget_temporary(&temp);
        if result.is_ok() {
            if let Some(p) = self.parents.take() {
                p.keep();
            }
        }
        result
    }

    /// The temporary directory being written.
    fn temp_path(&self) -> &Path {
        self.temp.as_ref().map_or(Path::new(""), |t| t.path())
    }

    fn move_into_place(&self, temp: &Path) -> Result<PathBuf, OutputError> {
        let temp = temp.to_path_buf();
        let parent = parent_of(&self.target).to_path_buf();
        let old = if fs::symlink_metadata(&self.target).is_ok() {
            let name = self
                .target
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            // A fresh unique name; the empty directory it creates is replaced by the rename.
            let holder = tempfile::Builder::new()
                .prefix(&format!(".{name}.old-"))
                .tempdir_in(&parent)
                .map_err(|e| cleanup(&temp, OutputError::io(&self.target, e)))?
                .keep();
            fs::remove_dir(&holder)
                .map_err(|e| cleanup(&temp, OutputError::io(&self.target, e)))?;
            fs::rename(&self.target, &holder)
                .map_err(|e| cleanup(&temp, OutputError::io(&self.target, e)))?;
            Some(holder)
        } else {
            None
        };
        if let Err(e) = fs::rename(&temp, &self.target) {
            if let Some(old) = &old {
                let _ = fs::rename(old, &self.target);
            }
            return Err(cleanup(&temp, OutputError::io(&self.target, e)));
        }
        if let Some(old) = old {
            fs::remove_dir_all(&old).map_err(|e| OutputError::io(&old, e))?;
        }
        Ok(self.target.clone())
    }
}

fn cleanup(temp: &Path, e: OutputError) -> OutputError {
    let _ = fs::remove_dir_all(temp);
    e
}

impl Drop for OutputDir {
    fn drop(&mut self) {
        if let Some(t) = &self.temp {
            forget_temporary(t.path());
        }
    }
}
