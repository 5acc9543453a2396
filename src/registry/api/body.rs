//! Response bodies: small buffers, and blob streams produced on the
//! blocking pool without holding the blob in memory.

use std::io::Read;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use http_body::Frame;
use http_body_util::BodyExt;
use http_body_util::combinators::BoxBody;
use tokio::sync::mpsc;

use crate::registry::sendfile::FileWindow;
use crate::registry::storage::MappableFile;
use crate::registry::store::{BlobSource, READ_CHUNK};

/// Every response body.
pub(crate) type Body = BoxBody<Bytes, std::io::Error>;

/// Bytes of a file mapped per frame. The socket copies straight from the
/// page cache, so a pull costs one copy instead of a read into a buffer and
/// a write from it, and concurrent pulls of one layer share the cached
/// pages instead of each filling buffers of its own. A window is unmapped
/// as soon as hyper has sent it, so a download maps only a few windows.
const MAP_WINDOW: usize = 2 * 1024 * 1024;

/// Frames produced ahead of the socket, per download.
const AHEAD: usize = 2;

pub(crate) fn full(bytes: impl Into<Bytes>) -> Body {
    http_body_util::Full::new(bytes.into())
        .map_err(|never| match never {})
        .boxed()
}

pub(crate) fn empty() -> Body {
    full(Bytes::new())
}

/// A body fed by a channel.
struct ChannelBody {
    rx: mpsc::Receiver<Result<Bytes, std::io::Error>>,
}

impl http_body::Body for ChannelBody {
    type Data = Bytes;
    type Error = std::io::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        self.rx.poll_recv(cx).map(|o| o.map(|r| r.map(Frame::data)))
    }
}

fn short_blob() -> std::io::Error {
    std::io::Error::new(
        std::io::ErrorKind::UnexpectedEof,
        "blob shorter than its size",
    )
}

/// Streams `len` bytes of a blob starting at `offset`. Frames are produced
/// on the blocking pool, which also waits for any disk read, so the async
/// workers only ever copy from memory.
pub(crate) fn blob(source: BlobSource, offset: u64, len: u64) -> Body {
    let (tx, rx) = mpsc::channel(AHEAD);
    tokio::task::spawn_blocking(move || {
        let produced = match source {
            BlobSource::Mapped(file) => send_mapped(&file, offset, len, &tx),
            BlobSource::Reader(reader) => send_read(reader, len, &tx),
        };
        if let Err(e) = produced {
            let _ = tx.blocking_send(Err(e));
        }
    });
    ChannelBody { rx }.boxed()
}

/// `Ok` also when the client went away (nothing left to tell it).
fn send_mapped(
    file: &MappableFile,
    offset: u64,
    len: u64,
    tx: &mpsc::Sender<Result<Bytes, std::io::Error>>,
) -> std::io::Result<()> {
    let end = offset
        .checked_add(len)
        .ok_or_else(|| std::io::Error::from(std::io::ErrorKind::InvalidInput))?;
    // A blob shorter than the range fails before the first frame.
    if file.file().metadata()?.len() < end {
        return Err(short_blob());
    }
    let mut pos = offset;
    while pos < end {
        let n = (end - pos).min(MAP_WINDOW as u64) as usize;
        let map = file.map(pos, n)?;
        // Pages are not mapped up front (populating and unmapping page
        // tables cost as much as the copy saved); a plain-TCP connection
        // to another machine sends them with sendfile without touching the
        // mapping (`registry::sendfile`), any other write (TLS, a peer on
        // this host) faults them in from the page cache. A window found cold is read here, so neither waits
        // for the disk on a worker.
        if !resident(&map) {
            crate::platform::read_ahead(&map)?;
        }
        let window = FileWindow::new(map, file.file().clone(), pos);
        if tx.blocking_send(Ok(Bytes::from_owner(window))).is_err() {
            return Ok(());
        }
        pos += n as u64;
    }
    Ok(())
}

/// Pages of a window probed to tell cached content from cold.
const PROBES: usize = 8;

/// Is the mapping's content in the page cache? Probes a few pages spread
/// over it, first and last included, rather than every page: asking for
/// all of them costs a page-cache lookup per page, a tenth of the server's
/// CPU in a pull of cached blobs, and a blob's window is cached or cold as
/// a whole far more often than in part. A page missed here is read by the
/// socket write on a worker with the kernel's readahead, as any buffered
/// read is.
fn resident(map: &memmap2::Mmap) -> bool {
    if map.is_empty() {
        return true;
    }
    let last = map.len() - 1;
    let step = (last / PROBES).max(1);
    let mut at = 0;
    loop {
        if !crate::platform::page_resident(map, at) {
            return false;
        }
        if at == last {
            return true;
        }
        at = (at + step).min(last);
    }
}

/// A read buffer that goes back to its download's pool when hyper has
/// written it, so a pull reuses a few buffers instead of allocating (and
/// faulting in) a fresh one per chunk.
struct Pooled {
    buf: Vec<u8>,
    len: usize,
    home: std::sync::mpsc::Sender<Vec<u8>>,
}

impl AsRef<[u8]> for Pooled {
    fn as_ref(&self) -> &[u8] {
        &self.buf[..self.len]
    }
}

impl Drop for Pooled {
    fn drop(&mut self) {
        let _ = self.home.send(std::mem::take(&mut self.buf));
    }
}

fn send_read(
    mut reader: Box<dyn Read + Send>,
    len: u64,
    tx: &mpsc::Sender<Result<Bytes, std::io::Error>>,
) -> std::io::Result<()> {
    let (home, returned) = std::sync::mpsc::channel::<Vec<u8>>();
    let mut left = len;
    while left > 0 {
        let want = left.min(READ_CHUNK as u64) as usize;
        // Never wait for a buffer: the channel's bound is the backpressure.
        let mut buf = returned
            .try_recv()
            .unwrap_or_else(|_| vec![0u8; READ_CHUNK]);
        let mut filled = 0;
        while filled < want {
            match reader.read(&mut buf[filled..want]) {
                Ok(0) => break,
                Ok(n) => filled += n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        if filled == 0 {
            return Err(short_blob());
        }
        left -= filled as u64;
        let frame = Bytes::from_owner(Pooled {
            buf,
            len: filled,
            home: home.clone(),
        });
        if tx.blocking_send(Ok(frame)).is_err() {
            return Ok(());
        }
    }
    Ok(())
}

#[cfg(test)]
#[allow(unsafe_code)]
mod tests {
    use super::*;

    async fn collect(source: BlobSource, offset: u64, len: u64) -> std::io::Result<Vec<u8>> {
        let mut body = blob(source, offset, len);
        let mut out = Vec::new();
        while let Some(frame) = body.frame().await {
            out.extend_from_slice(frame?.data_ref().expect("data frames only"));
        }
        Ok(out)
    }

    /// The read path (network filesystems) reassembles many pooled chunks
    /// exactly, and a blob shorter than its size is an error, not a hang.
    #[tokio::test(flavor = "multi_thread")]
    async fn read_path_reuses_buffers_and_reports_short_blobs() {
        let data: Vec<u8> = (0..READ_CHUNK * 5 + 17).map(|i| (i % 253) as u8).collect();
        let reader = Box::new(std::io::Cursor::new(data.clone()));
        let got = collect(BlobSource::Reader(reader), 0, data.len() as u64).await;
        assert!(got.unwrap() == data);
        let reader = Box::new(std::io::Cursor::new(data[..1000].to_vec()));
        let err = collect(BlobSource::Reader(reader), 0, 5000)
            .await
            .unwrap_err();
        assert_eq!(err.kind(), std::io::ErrorKind::UnexpectedEof);
    }

    /// A mapped file shorter than the range asked for is refused before
    /// anything is mapped (touching a page past the end would be SIGBUS).
    #[tokio::test(flavor = "multi_thread")]
    async fn mapped_path_checks_the_size_first() {
        let mut f = tempfile::tempfile().unwrap();
        std::io::Write::write_all(&mut f, &[7u8; 4096 * 3]).unwrap();
        // SAFETY: a private temporary file nothing else changes.
        let mappable = unsafe { MappableFile::new(f) };
        let got = collect(BlobSource::Mapped(mappable.clone()), 100, 5000).await;
        assert_eq!(got.unwrap(), vec![7u8; 5000]);
        let err = collect(BlobSource::Mapped(mappable), 4096, 4096 * 3)
            .await
            .unwrap_err();
        assert_eq!(err.kind(), std::io::ErrorKind::UnexpectedEof);
    }

    /// Cached content is recognised as such, and a window whose first or
    /// last part was dropped from the page cache is cold (so it is read
    /// ahead, not faulted in page by page on a worker).
    #[cfg(target_os = "linux")]
    #[test]
    fn residency_probe_tells_cached_from_cold() {
        // Not /tmp: a tmpfs page cannot be dropped from the cache.
        let dir = tempfile::tempdir_in(env!("CARGO_MANIFEST_DIR")).unwrap();
        let path = dir.path().join("blob");
        const MIB: usize = 1 << 20;
        std::fs::write(&path, vec![3u8; 8 * MIB]).unwrap();
        let file = std::fs::File::open(&path).unwrap();
        file.sync_all().unwrap();
        // Halves aligned to 4 MiB: the kernel drops only whole folios, and
        // a large folio holds up to 2 MiB of a file.
        let drop_mib = |from: usize, len: usize| {
            // SAFETY: a plain fd call; the pages are clean after sync_all.
            let rc = unsafe {
                libc::posix_fadvise(
                    std::os::fd::AsRawFd::as_raw_fd(&file),
                    (from * MIB) as libc::off_t,
                    (len * MIB) as libc::off_t,
                    libc::POSIX_FADV_DONTNEED,
                )
            };
            assert_eq!(rc, 0);
        };
        // A window that does not start or end on a page boundary.
        // SAFETY: a private test file nobody truncates while it is mapped.
        let map = || unsafe {
            memmap2::MmapOptions::new()
                .offset(10)
                .len(8 * MIB - 20)
                .map(&file)
                .unwrap()
        };
        let _ = std::fs::read(&path).unwrap();
        assert!(resident(&map()), "a just-read file is cached");
        drop_mib(4, 4);
        assert!(!resident(&map()), "the window's second half is cold");
        let _ = std::fs::read(&path).unwrap();
        assert!(resident(&map()));
        drop_mib(0, 4);
        assert!(!resident(&map()), "the window's first half is cold");
        drop_mib(0, 8);
        assert!(!resident(&map()));
    }
}
