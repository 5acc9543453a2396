//! Response bodies: small buffers, and blob streams produced on the
//! blocking pool without holding the blob in memory.

use std::io::Read;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use bytes::Bytes;
use http_body::Frame;
use http_body_util::BodyExt;
use http_body_util::combinators::BoxBody;
use tokio::sync::mpsc;

use crate::registry::sendfile::FileWindow;
use crate::registry::store::{BlobSource, READ_CHUNK};

/// Every response body.
pub type Body = BoxBody<Bytes, std::io::Error>;

/// Bytes of a file mapped per frame. The socket copies straight from the
/// page cache, so a pull costs one copy instead of a read into a buffer and
/// a write from it, and concurrent pulls of one layer share the cached
/// pages instead of each filling buffers of its own. A window is unmapped
/// as soon as hyper has sent it, so a download maps only a few windows.
const MAP_WINDOW: usize = 2 * 1024 * 1024;

/// Frames produced ahead of the socket, per download.
const AHEAD: usize = 2;

pub fn full(bytes: impl Into<Bytes>) -> Body {
    http_body_util::Full::new(bytes.into())
        .map_err(|never| match never {})
        .boxed()
}

pub fn empty() -> Body {
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
pub fn blob(source: BlobSource, offset: u64, len: u64) -> Body {
    let (tx, rx) = mpsc::channel(AHEAD);
    tokio::task::spawn_blocking(move || {
        let produced = match source {
            BlobSource::Mapped(file) => send_mapped(Arc::new(file), offset, len, &tx),
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
    file: Arc<std::fs::File>,
    offset: u64,
    len: u64,
    tx: &mpsc::Sender<Result<Bytes, std::io::Error>>,
) -> std::io::Result<()> {
    let end = offset + len;
    // Mapping past the end of a file faults on access: check first.
    if file.metadata()?.len() < end {
        return Err(short_blob());
    }
    let mut pos = offset;
    while pos < end {
        let n = (end - pos).min(MAP_WINDOW as u64) as usize;
        // SAFETY: a read-only mapping of a published blob, which storage
        // replaces by rename and removes by unlink but never truncates
        // (`StorageDriver::mappable`), and whose size was checked above.
        let map = unsafe { memmap2::MmapOptions::new().offset(pos).len(n).map(&*file)? };
        // Pages are not mapped up front (populating and unmapping page
        // tables cost as much as the copy saved); a plain-TCP connection
        // sends them with sendfile without touching the mapping
        // (`registry::sendfile`), any other write faults them in from the
        // page cache. A window found cold is read here, so neither waits
        // for the disk on a worker.
        if !resident(&map) {
            let _ = map.advise(memmap2::Advice::WillNeed);
            map.advise(memmap2::Advice::PopulateRead)?;
        }
        let window = FileWindow::new(map, file.clone(), pos);
        if tx.blocking_send(Ok(Bytes::from_owner(window))).is_err() {
            return Ok(());
        }
        pos += n as u64;
    }
    Ok(())
}

/// Are all pages of the mapping in the page cache?
fn resident(map: &memmap2::Mmap) -> bool {
    let page = rustix::param::page_size();
    let ptr = map.as_ptr() as usize;
    // memmap2 maps from the page boundary below the requested offset.
    let skew = ptr % page;
    let len = map.len() + skew;
    let mut pages = vec![0u8; len.div_ceil(page)];
    // SAFETY: the range is inside the live mapping `map`, aligned down to
    // its first page; `pages` has one byte per page as mincore(2) writes.
    let rc = unsafe { libc::mincore((ptr - skew) as *mut libc::c_void, len, pages.as_mut_ptr()) };
    rc == 0 && pages.iter().all(|b| b & 1 == 1)
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
        let got = collect(BlobSource::Mapped(f.try_clone().unwrap()), 100, 5000).await;
        assert_eq!(got.unwrap(), vec![7u8; 5000]);
        let err = collect(BlobSource::Mapped(f), 4096, 4096 * 3)
            .await
            .unwrap_err();
        assert_eq!(err.kind(), std::io::ErrorKind::UnexpectedEof);
    }
}
