//! Reads that succeed only when the kernel can answer from memory: the path
//! from the dentry cache (`openat2` with `RESOLVE_CACHED`) and the bytes
//! from the page cache (`preadv2` with `RWF_NOWAIT`). The registry's hot
//! requests (a manifest by tag, a blob HEAD) read a few tiny files that are
//! almost always cached; answering those on the async worker saves the two
//! thread wake-ups of a trip to the blocking pool, which profiling showed
//! to be most of the cost. Anything that would wait for a disk says so
//! (`None`), and the caller goes to the blocking pool as before.

use std::os::fd::OwnedFd;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};

use rustix::fs::{CWD, Mode, OFlags, ResolveFlags};
use rustix::io::{Errno, ReadWriteFlags};

/// Cleared when the kernel lacks `openat2` or `RESOLVE_CACHED` (before
/// Linux 5.12), so the attempt is not repeated on every request.
static SUPPORTED: AtomicBool = AtomicBool::new(true);

/// What a cached-only lookup found.
pub(super) enum Cached<T> {
    Found(T),
    /// The dentry cache knows the path does not exist.
    Missing,
    /// Answering would wait for the disk (or is unsupported here).
    WouldBlock,
}

fn open(path: &Path, flags: OFlags) -> Cached<OwnedFd> {
    if !SUPPORTED.load(Ordering::Relaxed) {
        return Cached::WouldBlock;
    }
    match rustix::fs::openat2(
        CWD,
        path,
        flags | OFlags::CLOEXEC,
        Mode::empty(),
        ResolveFlags::CACHED,
    ) {
        Ok(fd) => Cached::Found(fd),
        Err(Errno::NOENT) => Cached::Missing,
        Err(Errno::NOSYS | Errno::INVAL) => {
            SUPPORTED.store(false, Ordering::Relaxed);
            Cached::WouldBlock
        }
        Err(_) => Cached::WouldBlock,
    }
}

/// Size, modification time and kind, without following the path on disk.
pub(super) fn stat(path: &Path) -> Cached<rustix::fs::Stat> {
    match open(path, OFlags::PATH) {
        Cached::Found(fd) => match rustix::fs::fstat(&fd) {
            Ok(st) => Cached::Found(st),
            Err(_) => Cached::WouldBlock,
        },
        Cached::Missing => Cached::Missing,
        Cached::WouldBlock => Cached::WouldBlock,
    }
}

/// Bytes read before asking for a file's size: one page, which holds a
/// whole link file or a typical manifest.
const FIRST_READ: usize = 4096;

/// A whole small file, if every byte is in the page cache.
pub(super) fn read(path: &Path) -> Cached<Vec<u8>> {
    let fd = match open(path, OFlags::RDONLY) {
        Cached::Found(fd) => fd,
        Cached::Missing => return Cached::Missing,
        Cached::WouldBlock => return Cached::WouldBlock,
    };
    // First one page, without asking for the size: the page cache hands
    // out whole pages, so a read of a file's first page either fails
    // (not cached) or gets all of it, and fewer bytes than a page means
    // the file ended. A manifest GET by tag reads three such files, and
    // this makes each an open, one read and a close.
    let mut buf = vec![0u8; FIRST_READ];
    match read_at(&fd, &mut buf, 0) {
        Ok(n) if n < FIRST_READ => {
            buf.truncate(n);
            return Cached::Found(buf);
        }
        Ok(_) => {}
        Err(()) => return Cached::WouldBlock,
    }
    let Ok(st) = rustix::fs::fstat(&fd) else {
        return Cached::WouldBlock;
    };
    if st.st_mode & libc::S_IFMT != libc::S_IFREG {
        return Cached::WouldBlock; // let the blocking path report it
    }
    // One byte more than the size, to notice a file that grew meanwhile.
    let size = st.st_size as usize;
    buf.resize(size.max(FIRST_READ) + 1, 0);
    let mut filled = FIRST_READ;
    loop {
        match read_at(&fd, &mut buf[filled..], filled as u64) {
            Ok(0) => break,
            Ok(n) => {
                filled += n;
                if filled == buf.len() {
                    return Cached::WouldBlock; // it grew: read it properly
                }
                // Short of the extra byte at exactly the size: that is the
                // end, without another call to be told so.
                if filled == size {
                    break;
                }
            }
            Err(()) => return Cached::WouldBlock,
        }
    }
    buf.truncate(filled);
    Cached::Found(buf)
}

/// One `preadv2(RWF_NOWAIT)`; `Err` when it would wait for the disk or
/// cannot be done here (a directory, a kernel without it).
fn read_at(fd: &OwnedFd, buf: &mut [u8], offset: u64) -> Result<usize, ()> {
    loop {
        let mut slices = [std::io::IoSliceMut::new(buf)];
        match rustix::io::preadv2(fd, &mut slices, offset, ReadWriteFlags::NOWAIT) {
            Ok(n) => return Ok(n),
            Err(Errno::INTR) => {}
            Err(Errno::NOSYS | Errno::OPNOTSUPP) => {
                SUPPORTED.store(false, Ordering::Relaxed);
                return Err(());
            }
            Err(_) => return Err(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cached_files_are_read_and_missing_ones_known() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("link");
        std::fs::write(&file, b"sha256:abc").unwrap();
        // Just written: the dentry and the page are cached.
        match read(&file) {
            Cached::Found(b) => assert_eq!(b, b"sha256:abc"),
            _ => panic!("a file just written should be readable from the cache"),
        }
        match stat(&file) {
            Cached::Found(st) => assert_eq!(st.st_size, 10),
            _ => panic!("a file just written should be stat-able from the cache"),
        }
        // Larger than the first read: the rest comes after asking the size.
        let big: Vec<u8> = (0..3 * FIRST_READ + 5).map(|i| (i % 251) as u8).collect();
        let large = dir.path().join("manifest");
        std::fs::write(&large, &big).unwrap();
        match read(&large) {
            Cached::Found(b) => assert!(b == big, "a multi-page file read back differently"),
            _ => panic!("a file just written should be readable from the cache"),
        }
        // Exactly one page, and empty.
        std::fs::write(&large, &big[..FIRST_READ]).unwrap();
        assert!(matches!(read(&large), Cached::Found(b) if b == big[..FIRST_READ]));
        std::fs::write(&large, b"").unwrap();
        assert!(matches!(read(&large), Cached::Found(b) if b.is_empty()));
        let gone = dir.path().join("gone");
        std::fs::write(&gone, b"x").unwrap();
        std::fs::remove_file(&gone).unwrap();
        assert!(matches!(read(&gone), Cached::Missing));
        // A directory is not read here.
        assert!(matches!(read(dir.path()), Cached::WouldBlock));
    }
}
