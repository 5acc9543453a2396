//! The storage driver: a dozen dumb verbs, as distribution's drivers have.
//! The registry logic (links, uploads, manifests) lives above it in `store`,
//! so a new backend only implements these.
//!
//! The verbs are blocking; the store runs them on tokio's blocking pool.

mod flush;
pub(crate) mod fs;
#[allow(unsafe_code)]
mod mapping;
#[cfg(target_os = "linux")]
mod nowait;

use std::io::{Read, Write};
use std::time::SystemTime;

pub(crate) use mapping::MappableFile;

/// What a path is.
#[derive(Debug, Clone, Copy)]
pub(crate) struct FileInfo {
    pub size: u64,
    pub modified: SystemTime,
    pub is_dir: bool,
}

/// Storage failures. `NotFound` is expected and mapped to 404s above.
#[derive(Debug, thiserror::Error)]
pub(crate) enum StorageError {
    #[error("not found: {0}")]
    NotFound(String),
    #[error("storage is full writing {0}")]
    Full(String),
    #[error("storage error at {path}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
}

impl StorageError {
    pub(crate) fn from_io(path: &str, source: std::io::Error) -> Self {
        match source.kind() {
            std::io::ErrorKind::NotFound => StorageError::NotFound(path.to_string()),
            std::io::ErrorKind::StorageFull | std::io::ErrorKind::QuotaExceeded => {
                StorageError::Full(path.to_string())
            }
            _ => StorageError::Io {
                path: path.to_string(),
                source,
            },
        }
    }

    pub(crate) fn is_not_found(&self) -> bool {
        matches!(self, StorageError::NotFound(_))
    }
}

/// Holds a lock until dropped.
pub(crate) struct LockGuard(#[allow(dead_code)] Box<dyn Send>);

impl LockGuard {
    pub(crate) fn new(inner: impl Send + 'static) -> Self {
        LockGuard(Box::new(inner))
    }
}

/// An open file being appended to.
pub(crate) trait FileWriter: Write + Send {
    /// Bytes in the file so far.
    fn size(&self) -> u64;
    /// Makes everything written durable.
    fn commit(&mut self) -> Result<(), StorageError>;
}

/// A storage backend. Paths are `/`-separated and relative to its root.
pub(crate) trait StorageDriver: Send + Sync + 'static {
    /// Whole small file (links, manifests).
    fn get_content(&self, path: &str) -> Result<Vec<u8>, StorageError>;
    /// [`get_content`](Self::get_content) answered only from memory, so an
    /// async task may call it directly; `None` when that would wait for
    /// I/O (or the backend cannot tell), and the caller blocks elsewhere.
    fn get_content_cached(&self, _path: &str) -> Option<Result<Vec<u8>, StorageError>> {
        None
    }
    /// [`stat`](Self::stat) answered only from memory, as above.
    fn stat_cached(&self, _path: &str) -> Option<Result<FileInfo, StorageError>> {
        None
    }
    /// Replaces a small file atomically and durably.
    fn put_content(&self, path: &str, data: &[u8]) -> Result<(), StorageError>;
    /// Reads from `offset`.
    fn reader(&self, path: &str, offset: u64) -> Result<Box<dyn Read + Send>, StorageError>;
    /// The open file behind `path` when it may be memory-mapped to serve it
    /// without copying: a local filesystem where published files are
    /// replaced by rename and removed by unlink, never truncated in place
    /// (a mapping of a file that shrinks faults with SIGBUS). Backends
    /// without such files, or on network filesystems where another host's
    /// delete invalidates a mapping, answer `None` and are read instead.
    fn mappable(&self, _path: &str) -> Result<Option<MappableFile>, StorageError> {
        Ok(None)
    }
    /// Opens for writing; `append` continues an existing file.
    fn writer(&self, path: &str, append: bool) -> Result<Box<dyn FileWriter>, StorageError>;
    fn stat(&self, path: &str) -> Result<FileInfo, StorageError>;
    /// Names of the direct children of a directory.
    fn list(&self, path: &str) -> Result<Vec<String>, StorageError>;
    /// Atomically moves `src` to `dst`, replacing it, creating parents.
    fn move_to(&self, src: &str, dst: &str) -> Result<(), StorageError>;
    /// Removes a file or a whole directory tree.
    fn delete(&self, path: &str) -> Result<(), StorageError>;
    /// Removes a directory if it is empty; `Ok(false)` if it is not.
    fn remove_empty_dir(&self, path: &str) -> Result<bool, StorageError>;
    /// Marks a file as just used (its modification time becomes now), so a
    /// concurrent garbage collection keeps it.
    fn touch(&self, path: &str) -> Result<(), StorageError>;
    /// Takes the storage-wide GC lock: shared for writers that reference
    /// existing content, exclusive for the collector's deletions. Released
    /// when the guard drops.
    fn lock(&self, exclusive: bool) -> Result<LockGuard, StorageError>;
    /// Removes temporary files a crash left behind, older than `older_than`
    /// (younger ones may belong to another live process).
    fn clean_temporaries(&self, older_than: std::time::Duration) -> Result<usize, StorageError>;
}
