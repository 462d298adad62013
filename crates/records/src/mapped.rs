//! The local file system as DataFusion reads record files, with one difference: the byte
//! ranges of a Parquet file (its column chunks, hundreds of megabytes per run) are slices of
//! the file mapped into memory instead of copies read into fresh buffers. A fresh buffer
//! costs the kernel a zeroed page for every 4 KiB before the copy (BENCHMARKS.md, patent
//! records, fourth round); a mapped page is the page cache's own. Everything else (footers,
//! CSV streams, listings, writes) goes to [`LocalFileSystem`] unchanged.
//!
//! A mapping reads what the file holds while it is read: a record file truncated by another
//! program during a run can end the process (SIGBUS), as with any program that maps its
//! input; gihi never writes to its input files.

use async_trait::async_trait;
use datafusion::object_store::local::LocalFileSystem;
use datafusion::object_store::path::Path;
use datafusion::object_store::{
    CopyOptions, GetOptions, GetResult, ListResult, MultipartUpload, ObjectMeta, ObjectStore,
    PutMultipartOptions, PutOptions, PutPayload, PutResult, Result,
};
use futures::stream::BoxStream;
use std::ops::Range;

/// [`LocalFileSystem`] with byte ranges served from a mapping of the file.
#[derive(Debug, Default)]
pub(crate) struct MappedFiles {
    files: LocalFileSystem,
}

impl std::fmt::Display for MappedFiles {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "MappedFiles({})", self.files)
    }
}

/// An error of this store, as object_store reports them.
fn failure(path: &std::path::Path, what: String) -> datafusion::object_store::Error {
    datafusion::object_store::Error::Generic {
        store: "MappedFiles",
        source: format!("{}: {what}", path.display()).into(),
    }
}

/// `ranges` of the file at `path`, as slices of one mapping of it.
fn mapped_ranges(path: &std::path::Path, ranges: &[Range<u64>]) -> Result<Vec<bytes::Bytes>> {
    let file = std::fs::File::open(path).map_err(|e| failure(path, e.to_string()))?;
    // SAFETY: the mapping is read only, and gihi never writes to a file it reads; another
    // program truncating the file meanwhile is the risk every mapping reader takes (module
    // documentation).
    let map = unsafe { memmap2::Mmap::map(&file) }.map_err(|e| failure(path, e.to_string()))?;
    let len = map.len() as u64;
    let all = bytes::Bytes::from_owner(map);
    ranges
        .iter()
        .map(|r| {
            if r.start > r.end || r.end > len {
                return Err(failure(
                    path,
                    format!(
                        "range {}..{} outside the file's {len} bytes",
                        r.start, r.end
                    ),
                ));
            }
            Ok(all.slice(r.start as usize..r.end as usize))
        })
        .collect()
}

#[async_trait]
impl ObjectStore for MappedFiles {
    async fn put_opts(
        &self,
        location: &Path,
        payload: PutPayload,
        opts: PutOptions,
    ) -> Result<PutResult> {
        self.files.put_opts(location, payload, opts).await
    }

    async fn put_multipart_opts(
        &self,
        location: &Path,
        opts: PutMultipartOptions,
    ) -> Result<Box<dyn MultipartUpload>> {
        self.files.put_multipart_opts(location, opts).await
    }

    async fn get_opts(&self, location: &Path, options: GetOptions) -> Result<GetResult> {
        self.files.get_opts(location, options).await
    }

    async fn get_ranges(
        &self,
        location: &Path,
        ranges: &[Range<u64>],
    ) -> Result<Vec<bytes::Bytes>> {
        let path = self.files.path_to_filesystem(location)?;
        mapped_ranges(&path, ranges)
    }

    fn delete_stream(
        &self,
        locations: BoxStream<'static, Result<Path>>,
    ) -> BoxStream<'static, Result<Path>> {
        self.files.delete_stream(locations)
    }

    fn list(&self, prefix: Option<&Path>) -> BoxStream<'static, Result<ObjectMeta>> {
        self.files.list(prefix)
    }

    async fn list_with_delimiter(&self, prefix: Option<&Path>) -> Result<ListResult> {
        self.files.list_with_delimiter(prefix).await
    }

    async fn copy_opts(&self, from: &Path, to: &Path, options: CopyOptions) -> Result<()> {
        self.files.copy_opts(from, to, options).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_are_the_file_bytes_and_out_of_bounds_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f.bin");
        std::fs::write(&path, b"0123456789").unwrap();
        let got = mapped_ranges(&path, &[0..3, 5..10, 4..4]).unwrap();
        assert_eq!(got[0].as_ref(), b"012");
        assert_eq!(got[1].as_ref(), b"56789");
        assert!(got[2].is_empty());
        assert!(mapped_ranges(&path, &[0..1, 8..11]).is_err());
        assert!(mapped_ranges(&dir.path().join("missing"), &[0..1, 1..2]).is_err());
    }
}
