//! The filesystem driver: distribution's layout under a root directory.
//!
//! Small files are replaced by temp file + fsync + rename; directories are
//! fsynced after renames, so a crash leaves the old or the new state.

use std::fs::{self, File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::flush::{self, Flushes};

use super::{FileInfo, FileWriter, LockGuard, MappableFile, StorageDriver, StorageError};

/// Storage in a local directory.
pub(crate) struct FsDriver {
    root: PathBuf,
    /// Where files are written before being renamed into place: one place
    /// outside distribution's `docker/` tree, so a crash leaves no litter
    /// in the layout and leftovers are easy to clear.
    tmp: PathBuf,
    /// Background syncs of files being written (`flush`).
    flushes: Arc<Flushes>,
}

/// The temporary directory's name under the root.
pub(crate) const TMP_DIR: &str = ".regctl-tmp";

impl FsDriver {
    pub(crate) fn new(root: impl Into<PathBuf>) -> Self {
        let root = root.into();
        FsDriver {
            tmp: root.join(TMP_DIR),
            root,
            flushes: Arc::default(),
        }
    }

    #[cfg(test)]
    pub(crate) fn root(&self) -> &Path {
        &self.root
    }

    fn full(&self, path: &str) -> PathBuf {
        self.root.join(path)
    }
}

fn sync_dir(dir: &Path) {
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
}

struct FsWriter {
    file: File,
    size: u64,
    path: String,
    flushes: Arc<Flushes>,
    /// The size when a background sync was last asked for (or the file
    /// was opened).
    unsynced: u64,
}

impl Write for FsWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.file.write(buf)?;
        self.size += n as u64;
        // At every STEP boundary of the file, not of this writer: a chunked
        // upload opens a writer per chunk, often smaller than a step. Asked
        // once per boundary: while an earlier sync still runs, this one is
        // skipped rather than retried on every write.
        if self.size / flush::STEP > self.unsynced / flush::STEP {
            self.unsynced = self.size;
            self.flushes.start(&self.path, &self.file)?;
        }
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.file.flush()
    }
}

impl FileWriter for FsWriter {
    fn size(&self) -> u64 {
        self.size
    }

    fn commit(&mut self) -> Result<(), StorageError> {
        let err = |e| StorageError::from_io(&self.path, e);
        self.flushes.finish(&self.path).map_err(err)?;
        self.file.sync_data().map_err(err)
    }
}

impl StorageDriver for FsDriver {
    fn get_content(&self, path: &str) -> Result<Vec<u8>, StorageError> {
        fs::read(self.full(path)).map_err(|e| StorageError::from_io(path, e))
    }

    #[cfg(target_os = "linux")]
    fn get_content_cached(&self, path: &str) -> Option<Result<Vec<u8>, StorageError>> {
        match super::nowait::read(&self.full(path)) {
            super::nowait::Cached::Found(bytes) => Some(Ok(bytes)),
            super::nowait::Cached::Missing => Some(Err(StorageError::NotFound(path.into()))),
            super::nowait::Cached::WouldBlock => None,
        }
    }

    #[cfg(target_os = "linux")]
    fn stat_cached(&self, path: &str) -> Option<Result<FileInfo, StorageError>> {
        match super::nowait::stat(&self.full(path)) {
            super::nowait::Cached::Found(st) => Some(Ok(FileInfo {
                size: st.st_size as u64,
                modified: std::time::UNIX_EPOCH
                    + std::time::Duration::new(
                        u64::try_from(st.st_mtime).unwrap_or(0),
                        st.st_mtime_nsec as u32,
                    ),
                is_dir: st.st_mode & libc::S_IFMT == libc::S_IFDIR,
            })),
            super::nowait::Cached::Missing => Some(Err(StorageError::NotFound(path.into()))),
            super::nowait::Cached::WouldBlock => None,
        }
    }

    fn put_content(&self, path: &str, data: &[u8]) -> Result<(), StorageError> {
        let full = self.full(path);
        let dir = full.parent().unwrap_or(&self.root).to_path_buf();
        let err = |e| StorageError::from_io(path, e);
        fs::create_dir_all(&dir).map_err(err)?;
        fs::create_dir_all(&self.tmp).map_err(err)?;
        let mut tmp = tempfile::Builder::new()
            .prefix("put-")
            .tempfile_in(&self.tmp)
            .map_err(err)?;
        tmp.write_all(data).map_err(err)?;
        tmp.as_file().sync_data().map_err(err)?;
        tmp.persist(&full).map_err(|e| err(e.error))?;
        sync_dir(&dir);
        Ok(())
    }

    fn reader(&self, path: &str, offset: u64) -> Result<Box<dyn Read + Send>, StorageError> {
        let mut f = File::open(self.full(path)).map_err(|e| StorageError::from_io(path, e))?;
        if offset > 0 {
            f.seek(SeekFrom::Start(offset))
                .map_err(|e| StorageError::from_io(path, e))?;
        }
        Ok(Box::new(f))
    }

    // Vouches for the one precondition of mapping (see MappableFile::new).
    #[allow(unsafe_code)]
    fn mappable(&self, path: &str) -> Result<Option<MappableFile>, StorageError> {
        let file = File::open(self.full(path)).map_err(|e| StorageError::from_io(path, e))?;
        if !crate::platform::is_local_filesystem(&file) {
            return Ok(None);
        }
        // SAFETY: this driver publishes blobs by rename and removes them by
        // unlink, never truncating or writing one in place, and the file is
        // on a local filesystem (checked above), where unlinking keeps
        // mappings valid.
        Ok(Some(unsafe { MappableFile::new(file) }))
    }

    fn writer(&self, path: &str, append: bool) -> Result<Box<dyn FileWriter>, StorageError> {
        let full = self.full(path);
        let err = |e| StorageError::from_io(path, e);
        if let Some(dir) = full.parent() {
            fs::create_dir_all(dir).map_err(err)?;
        }
        let file = OpenOptions::new()
            .create(true)
            .append(append)
            .write(true)
            .truncate(!append)
            .open(&full)
            .map_err(err)?;
        let size = file.metadata().map_err(err)?.len();
        Ok(Box::new(FsWriter {
            file,
            size,
            path: path.to_string(),
            flushes: self.flushes.clone(),
            unsynced: size,
        }))
    }

    fn stat(&self, path: &str) -> Result<FileInfo, StorageError> {
        let m = fs::metadata(self.full(path)).map_err(|e| StorageError::from_io(path, e))?;
        Ok(FileInfo {
            size: m.len(),
            modified: m.modified().unwrap_or(std::time::UNIX_EPOCH),
            is_dir: m.is_dir(),
        })
    }

    fn list(&self, path: &str) -> Result<Vec<String>, StorageError> {
        let rd = fs::read_dir(self.full(path)).map_err(|e| StorageError::from_io(path, e))?;
        let mut names = Vec::new();
        for entry in rd {
            let entry = entry.map_err(|e| StorageError::from_io(path, e))?;
            if let Ok(name) = entry.file_name().into_string()
                && name != TMP_DIR
            {
                names.push(name);
            }
        }
        Ok(names)
    }

    fn move_to(&self, src: &str, dst: &str) -> Result<(), StorageError> {
        let (from, to) = (self.full(src), self.full(dst));
        if let Some(dir) = to.parent() {
            fs::create_dir_all(dir).map_err(|e| StorageError::from_io(dst, e))?;
        }
        fs::rename(&from, &to).map_err(|e| StorageError::from_io(src, e))?;
        if let Some(dir) = to.parent() {
            sync_dir(dir);
        }
        Ok(())
    }

    fn remove_empty_dir(&self, path: &str) -> Result<bool, StorageError> {
        match fs::remove_dir(self.full(path)) {
            Ok(()) => Ok(true),
            Err(e) if e.kind() == std::io::ErrorKind::DirectoryNotEmpty => Ok(false),
            Err(e) => Err(StorageError::from_io(path, e)),
        }
    }

    fn touch(&self, path: &str) -> Result<(), StorageError> {
        let f = OpenOptions::new()
            .write(true)
            .open(self.full(path))
            .map_err(|e| StorageError::from_io(path, e))?;
        f.set_modified(std::time::SystemTime::now())
            .map_err(|e| StorageError::from_io(path, e))
    }

    fn lock(&self, exclusive: bool) -> Result<LockGuard, StorageError> {
        let path = self.tmp.join("gc.lock");
        let err = |e| StorageError::from_io(".regctl-tmp/gc.lock", e);
        fs::create_dir_all(&self.tmp).map_err(err)?;
        let f = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(err)?;
        if exclusive {
            f.lock().map_err(err)?;
        } else {
            f.lock_shared().map_err(err)?;
        }
        Ok(LockGuard::new(f))
    }

    fn clean_temporaries(&self, older_than: std::time::Duration) -> Result<usize, StorageError> {
        let mut removed = 0;
        let Ok(entries) = fs::read_dir(&self.tmp) else {
            return Ok(0);
        };
        for entry in entries.flatten() {
            let old = entry
                .metadata()
                .and_then(|m| m.modified())
                .ok()
                .and_then(|t| t.elapsed().ok())
                .is_some_and(|age| age > older_than);
            if old && entry.file_name() != "gc.lock" && fs::remove_file(entry.path()).is_ok() {
                removed += 1;
            }
        }
        Ok(removed)
    }

    fn delete(&self, path: &str) -> Result<(), StorageError> {
        self.flushes.forget(path);
        let full = self.full(path);
        let meta = fs::symlink_metadata(&full).map_err(|e| StorageError::from_io(path, e))?;
        let res = if meta.is_dir() {
            fs::remove_dir_all(&full)
        } else {
            fs::remove_file(&full)
        };
        res.map_err(|e| StorageError::from_io(path, e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A chunked upload (a writer per chunk, each smaller than a step)
    /// starts background syncs at the file's step boundaries; the commit
    /// collects them, and the bytes are all there in order.
    #[test]
    fn uploads_sync_in_the_background_and_commit_collects() {
        let dir = tempfile::tempdir().unwrap();
        let drv = FsDriver::new(dir.path());
        let path = "uploads/u1/data";
        let chunk: Vec<u8> = (0..(5 << 20)).map(|i: u32| (i % 251) as u8).collect();
        // Chunks after which the path had background syncs under way.
        let mut synced_at = Vec::new();
        for n in 0..16u64 {
            let mut w = drv.writer(path, n > 0).unwrap();
            w.write_all(&chunk).unwrap();
            if drv.flushes.tracks(path) {
                synced_at.push(n);
            }
            if n == 15 {
                w.commit().unwrap();
            }
        }
        // 80 MiB: steps crossed in chunks 6 (30 → 35 MiB) and 12.
        assert_eq!(synced_at.first(), Some(&6));
        assert!(!drv.flushes.tracks(path), "the commit forgets the path");
        let data = fs::read(dir.path().join(path)).unwrap();
        assert_eq!(data.len(), 16 * chunk.len());
        assert!(data.chunks(chunk.len()).all(|c| c == chunk));
    }
}
