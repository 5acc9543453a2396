//! Read-only mappings of published blob files: the one place in the
//! registry that calls `mmap`. A [`MappableFile`] can only be made by a
//! driver that vouches, in an `unsafe` constructor, for what makes mapping
//! sound; mapping it is then safe, and checks its range.

use std::fs::File;
use std::io;
use std::sync::Arc;

/// A file that may be memory-mapped to serve it without copying.
#[derive(Debug, Clone)]
pub(crate) struct MappableFile {
    file: Arc<File>,
}

impl MappableFile {
    /// # Safety
    ///
    /// `file` must never shrink or change in place while a mapping of it
    /// lives: storage publishes such files by rename and removes them by
    /// unlink (a mapping of a file that shrinks faults with SIGBUS), on a
    /// filesystem where unlinking keeps existing mappings valid (a local
    /// one, not NFS or FUSE).
    pub(crate) unsafe fn new(file: File) -> MappableFile {
        MappableFile {
            file: Arc::new(file),
        }
    }

    /// The open file (sendfile sends from it).
    pub(crate) fn file(&self) -> &Arc<File> {
        &self.file
    }

    /// Maps `len` bytes from `offset`, read-only. A range past the end of
    /// the file is refused: touching a page past it would fault.
    pub(crate) fn map(&self, offset: u64, len: usize) -> io::Result<memmap2::Mmap> {
        let end = offset
            .checked_add(len as u64)
            .ok_or_else(|| io::Error::from(io::ErrorKind::InvalidInput))?;
        if self.file.metadata()?.len() < end {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "blob shorter than its size",
            ));
        }
        // SAFETY: the constructor's contract keeps the file from shrinking
        // or changing while mapped, and the range lies inside it (checked
        // above), so every page of the mapping stays backed.
        unsafe {
            memmap2::MmapOptions::new()
                .offset(offset)
                .len(len)
                .map(&*self.file)
        }
    }
}
