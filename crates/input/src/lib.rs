//! Reading a user's text input once, within a size limit, hashing exactly what was read,
//! and dropping `#` comment lines and empty lines before a CSV parser sees them while
//! keeping every line number exact.
//!
//! Why the filter: the `csv` crate skips comment and empty lines itself but then reports a
//! record's line as the line where it *started looking* (before the skipped lines), so a
//! header after two comment lines was reported at line 1. Here the parser sees a stream
//! without such lines, where its line numbers are exact, and [`LineMap::real_line`] maps
//! them back to the file's own numbering. A line is dropped only at the start of a record
//! (outside a quoted field), as `csv` would.

use std::cell::RefCell;
use std::io::{BufRead, Read};
use std::rc::Rc;

/// A reader that hashes what passes through it and fails once more than `limit` bytes
/// were read (error kind `FileTooLarge`).
pub struct Limited<R> {
    inner: R,
    hasher: sha2::Sha256,
    read: u64,
    limit: u64,
}

impl<R: Read> Limited<R> {
    /// Wraps `inner`, allowing at most `limit` bytes.
    pub fn new(inner: R, limit: u64) -> Limited<R> {
        Limited {
            inner,
            hasher: Default::default(),
            read: 0,
            limit,
        }
    }

    /// Reads to the end (within the limit) and returns the lower-case hex SHA-256 of every
    /// byte read through this reader.
    pub fn finish(mut self) -> std::io::Result<String> {
        use sha2::Digest;
        std::io::copy(&mut self, &mut std::io::sink())?;
        Ok(self
            .hasher
            .finalize()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect())
    }
}

impl<R: Read> Read for Limited<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        use sha2::Digest;
        let n = self.inner.read(buf)?;
        self.read += n as u64;
        if self.read > self.limit {
            return Err(std::io::Error::new(
                std::io::ErrorKind::FileTooLarge,
                format!("more than {} bytes", self.limit),
            ));
        }
        self.hasher.update(&buf[..n]);
        Ok(n)
    }
}

/// Reads a whole file of at most `limit` bytes; beyond it, an error of kind `FileTooLarge`
/// whose message gives the limit (a FIFO or `/dev/zero` cannot fill memory).
pub fn read_limited(path: &std::path::Path, limit: u64) -> std::io::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    Limited::new(std::fs::File::open(path)?, limit)
        .read_to_end(&mut bytes)
        .map_err(|e| {
            if is_too_large(&e) {
                std::io::Error::new(
                    std::io::ErrorKind::FileTooLarge,
                    format!(
                        "larger than {} MiB, the most gihi reads of such a file",
                        limit >> 20
                    ),
                )
            } else {
                e
            }
        })?;
    Ok(bytes)
}

/// [`read_limited`] as UTF-8 text (an error of kind `InvalidData` otherwise).
pub fn read_text_limited(path: &std::path::Path, limit: u64) -> std::io::Result<String> {
    String::from_utf8(read_limited(path, limit)?)
        .map_err(|_| std::io::Error::new(std::io::ErrorKind::InvalidData, "not UTF-8 text"))
}

/// The `#` comment lines at the start of a file (at most [`MAX_LEADING`], each read up to
/// 64 KiB and clipped to 512 characters): reads no further than they go.
pub fn leading_comments(path: &std::path::Path) -> std::io::Result<Vec<String>> {
    let mut reader = std::io::BufReader::new(std::fs::File::open(path)?);
    let mut out = Vec::new();
    while out.len() < MAX_LEADING {
        let mut line = Vec::new();
        (&mut reader).take(64 << 10).read_until(b'\n', &mut line)?;
        let text = String::from_utf8_lossy(&line);
        let text = text.trim_start_matches('\u{feff}');
        if !text.starts_with('#') {
            break;
        }
        out.push(text.trim_end().chars().take(512).collect());
    }
    Ok(out)
}

/// `text` cut to at most `max` characters (with `…`), for echoing user input in messages.
pub fn clip(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_string()
    } else {
        text.chars().take(max).collect::<String>() + "…"
    }
}

/// Whether an I/O error is the size limit of [`Limited`].
pub fn is_too_large(e: &std::io::Error) -> bool {
    e.kind() == std::io::ErrorKind::FileTooLarge
}

/// Line numbers of the filtered stream mapped back to the file's, and the leading comments.
#[derive(Debug, Default)]
pub struct LineMap {
    /// (first filtered line of a run, real − filtered line for that run), increasing.
    shifts: Vec<(usize, usize)>,
    /// The comment lines before the first kept line (at most [`MAX_LEADING`], clipped).
    pub leading_comments: Vec<String>,
}

/// Leading comment lines kept in [`LineMap::leading_comments`].
pub const MAX_LEADING: usize = 64;

impl LineMap {
    /// The file's 1-based line of line `filtered` (1-based) of the filtered stream.
    pub fn real_line(&self, filtered: usize) -> usize {
        let k = self.shifts.partition_point(|(start, _)| *start <= filtered);
        filtered + if k == 0 { 0 } else { self.shifts[k - 1].1 }
    }
}

/// A reader over `inner` without `#` comment lines and empty lines (outside quoted
/// fields), a UTF-8 byte-order mark removed; its [`LineMap`] is shared through the `Rc`.
pub struct CommentFilter<R> {
    inner: R,
    map: Rc<RefCell<LineMap>>,
    real: usize,
    kept: usize,
    in_quotes: bool,
    line: Vec<u8>,
    at: usize,
    started: bool,
}

impl<R: BufRead> CommentFilter<R> {
    /// The filter and a handle to its line map.
    pub fn new(inner: R) -> (CommentFilter<R>, Rc<RefCell<LineMap>>) {
        let map = Rc::new(RefCell::new(LineMap::default()));
        (
            CommentFilter {
                inner,
                map: map.clone(),
                real: 0,
                kept: 0,
                in_quotes: false,
                line: Vec::new(),
                at: 0,
                started: false,
            },
            map,
        )
    }

    /// Loads the next kept line into `self.line`; false at the end.
    fn next_line(&mut self) -> std::io::Result<bool> {
        loop {
            self.line.clear();
            self.at = 0;
            if self.inner.read_until(b'\n', &mut self.line)? == 0 {
                return Ok(false);
            }
            self.real += 1;
            if self.real == 1 && self.line.starts_with(b"\xEF\xBB\xBF") {
                self.line.drain(..3);
            }
            let record_start = !self.in_quotes;
            let empty = matches!(self.line.as_slice(), b"\n" | b"\r\n" | b"");
            if record_start && (empty || self.line.first() == Some(&b'#')) {
                if !self.started && !empty {
                    let mut map = self.map.borrow_mut();
                    if map.leading_comments.len() < MAX_LEADING {
                        let text = String::from_utf8_lossy(&self.line);
                        let text: String = text.trim_end().chars().take(512).collect();
                        map.leading_comments.push(text);
                    }
                }
                continue;
            }
            self.started = true;
            self.kept += 1;
            let shift = self.real - self.kept;
            let mut map = self.map.borrow_mut();
            if map.shifts.last().map(|s| s.1) != Some(shift)
                && (shift > 0 || !map.shifts.is_empty())
            {
                map.shifts.push((self.kept, shift));
            }
            let quotes = self.line.iter().filter(|b| **b == b'"').count();
            if quotes % 2 == 1 {
                self.in_quotes = !self.in_quotes;
            }
            return Ok(true);
        }
    }
}

impl<R: BufRead> Read for CommentFilter<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.at >= self.line.len() && !self.next_line()? {
            return Ok(0);
        }
        let n = buf.len().min(self.line.len() - self.at);
        buf[..n].copy_from_slice(&self.line[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}

#[cfg(test)]
mod tests;
