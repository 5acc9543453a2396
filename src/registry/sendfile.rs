//! Zero-copy blob pulls on plain-TCP connections to other machines.
//!
//! A blob download is a stream of frames that each map a window of the blob
//! file (`api::body`), so every kind of connection (TLS, HTTP/2) gets real
//! bytes to copy. On a plain TCP connection to another machine,
//! [`SendfileStream`] recognises such a frame by its address when hyper
//! hands it over for writing, and has the kernel send the file's pages with
//! sendfile(2) instead: the server then neither copies the bytes nor faults
//! the mapping in. This is sound because a published blob file is never
//! rewritten in place (storage replaces by rename and removes by unlink),
//! so the pages the kernel sends are the bytes hyper was given.
//!
//! A peer on this very host is sent copies instead ([`Peer::Local`]):
//! there the receiver's copy out of the socket is what bounds a pull, and
//! it runs at the speed of the memory it reads. sendfile hands it page-cache
//! pages that are cold in every CPU cache; a write(2) from the mapping hands
//! it bytes the kernel has just copied, still in the shared cache. Measured
//! on loopback with curl (docs/benchmarks.md, "Same-host plain pulls"): a
//! 256 MiB pull went from 1,361 to 2,205 MB/s, and the server's CPU per GB
//! fell from 0.67 to 0.41 s, because over loopback the sender also runs the
//! receiver's TCP input, which costs more per byte for spliced pages.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{self, IoSlice};
use std::net::{IpAddr, SocketAddr};
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Poll, ready};

use tokio::io::{AsyncRead, AsyncWrite, Interest, ReadBuf};
use tokio::net::TcpStream;

/// Slices shorter than this are written normally: response heads, manifests
/// and the tails of ranges are not worth a look-up or a second syscall.
const MIN_SENDFILE: usize = 64 * 1024;

/// Where a live window's bytes come from.
struct Registered {
    end: usize,
    file: Arc<File>,
    offset: u64,
}

/// Live windows by start address. A window is registered before its bytes
/// are handed out and unregistered before it is unmapped, so an address
/// found here always belongs to the window it names.
static WINDOWS: Mutex<BTreeMap<usize, Registered>> = Mutex::new(BTreeMap::new());

fn windows() -> MutexGuard<'static, BTreeMap<usize, Registered>> {
    // The map stays consistent even if a holder panicked: every update is a
    // single insert or remove.
    WINDOWS
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// A mapped window of a blob file, usable as the owner of a `Bytes` frame.
pub(crate) struct FileWindow {
    map: memmap2::Mmap,
}

impl FileWindow {
    /// `map` must map `file` from `offset`.
    pub(crate) fn new(map: memmap2::Mmap, file: Arc<File>, offset: u64) -> FileWindow {
        let start = map.as_ptr() as usize;
        if !map.is_empty() {
            let end = start + map.len();
            windows().insert(start, Registered { end, file, offset });
        }
        FileWindow { map }
    }
}

impl AsRef<[u8]> for FileWindow {
    fn as_ref(&self) -> &[u8] {
        &self.map
    }
}

impl Drop for FileWindow {
    fn drop(&mut self) {
        // Runs before the mapping (a field) is unmapped.
        windows().remove(&(self.map.as_ptr() as usize));
    }
}

/// The file and offset behind `buf`, if it lies inside a live window.
fn source_of(buf: &[u8]) -> Option<(Arc<File>, u64)> {
    if buf.len() < MIN_SENDFILE {
        return None;
    }
    let start = buf.as_ptr() as usize;
    let map = windows();
    let (&base, w) = map.range(..=start).next_back()?;
    (start + buf.len() <= w.end).then(|| (w.file.clone(), w.offset + (start - base) as u64))
}

#[cfg(target_os = "linux")]
fn send_file(socket: &TcpStream, file: &File, offset: u64, len: usize) -> io::Result<usize> {
    let mut at = offset;
    // The kernel sends at most 0x7ffff000 bytes per call anyway.
    let len = len.min(0x7fff_f000);
    Ok(rustix::fs::sendfile(socket, file, Some(&mut at), len)?)
}

#[cfg(not(target_os = "linux"))]
fn send_file(_: &TcpStream, _: &File, _: u64, _: usize) -> io::Result<usize> {
    Err(io::ErrorKind::Unsupported.into())
}

/// Where the other end of a connection is, as far as sending blobs goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Peer {
    /// On this host (loopback, or one of this host's own addresses): blob
    /// windows are written as copies.
    Local,
    /// Anywhere else: blob windows go out with sendfile(2).
    Remote,
}

impl Peer {
    /// A connection whose remote address is loopback or the very address
    /// it reached (a client on this host dialling one of its addresses
    /// gets that address as its source) comes from this host. A client in
    /// a container on a bridge has an address of its own and counts as
    /// remote. `remote` is the address `accept` returned for `tcp`.
    pub(crate) fn of(remote: SocketAddr, tcp: &TcpStream) -> Peer {
        match tcp.local_addr() {
            Ok(local) => Peer::classify(remote.ip(), local.ip()),
            Err(_) => Peer::Remote,
        }
    }

    fn classify(remote: IpAddr, local: IpAddr) -> Peer {
        // A dual-stack listener sees IPv4 clients as ::ffff:a.b.c.d.
        let remote = remote.to_canonical();
        if remote.is_loopback() || remote == local.to_canonical() {
            Peer::Local
        } else {
            Peer::Remote
        }
    }
}

/// A plain TCP connection that sends mapped blob windows with sendfile(2)
/// to remote peers and everything else as usual.
pub(crate) struct SendfileStream {
    tcp: TcpStream,
    /// Set for a local peer, and once sendfile is refused for a reason
    /// other than a full socket (a filesystem without it): this connection
    /// then writes normally.
    copy: bool,
}

impl SendfileStream {
    pub(crate) fn new(tcp: TcpStream, peer: Peer) -> SendfileStream {
        SendfileStream {
            tcp,
            copy: peer == Peer::Local,
        }
    }

    fn poll_send_file(
        &mut self,
        cx: &mut Context<'_>,
        file: &File,
        offset: u64,
        len: usize,
    ) -> Poll<io::Result<usize>> {
        loop {
            ready!(self.tcp.poll_write_ready(cx))?;
            match self.tcp.try_io(Interest::WRITABLE, || {
                send_file(&self.tcp, file, offset, len)
            }) {
                // A blob file shorter than its window: never for a published
                // blob, but hyper must not be told zero bytes were written.
                Ok(0) => {
                    return Poll::Ready(Err(io::Error::new(
                        io::ErrorKind::UnexpectedEof,
                        "blob file shorter than its mapping",
                    )));
                }
                Ok(n) => {
                    #[cfg(test)]
                    tests::SENT.with(|sent| sent.set(sent.get() + n));
                    return Poll::Ready(Ok(n));
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => continue,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Poll::Ready(Err(e)),
            }
        }
    }
}

/// sendfile(2) is not available for this file or socket; a plain write is.
fn refused(e: &io::Error) -> bool {
    e.kind() == io::ErrorKind::Unsupported
        || matches!(
            e.raw_os_error(),
            Some(libc::EINVAL) | Some(libc::ENOSYS) | Some(libc::EOPNOTSUPP)
        )
}

impl AsyncRead for SendfileStream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().tcp).poll_read(cx, buf)
    }
}

impl AsyncWrite for SendfileStream {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        self.poll_write_vectored(cx, &[IoSlice::new(buf)])
    }

    /// Writes either one mapped window with sendfile, or the run of ordinary
    /// slices before the next window with writev; hyper calls again for the
    /// rest, as with any short write.
    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let bufs = match bufs.iter().position(|b| !b.is_empty()) {
            Some(first) => &bufs[first..],
            None => return Poll::Ready(Ok(0)),
        };
        if !this.copy {
            if let Some((file, offset)) = source_of(&bufs[0]) {
                match ready!(this.poll_send_file(cx, &file, offset, bufs[0].len())) {
                    Err(e) if refused(&e) => this.copy = true,
                    done => return Poll::Ready(done),
                }
            }
            let plain = 1 + bufs[1..]
                .iter()
                .take_while(|b| source_of(b).is_none())
                .count();
            return Pin::new(&mut this.tcp).poll_write_vectored(cx, &bufs[..plain]);
        }
        Pin::new(&mut this.tcp).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        true
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().tcp).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().tcp).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;
    use std::io::Write;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    thread_local! {
        /// Bytes this thread sent with sendfile(2).
        pub static SENT: Cell<usize> = const { Cell::new(0) };
    }

    fn pattern(len: usize) -> Vec<u8> {
        (0..len).map(|i| (i * 7 % 251) as u8).collect()
    }

    /// Writes `bufs` (each in full, in order) through a `SendfileStream`
    /// and returns what the other end of the connection received.
    async fn round_trip(bufs: &[&[u8]], peer: Peer) -> Vec<u8> {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let reader = tokio::spawn(async move {
            let (mut conn, _) = listener.accept().await.unwrap();
            let mut got = Vec::new();
            conn.read_to_end(&mut got).await.unwrap();
            got
        });
        let mut out = SendfileStream::new(TcpStream::connect(addr).await.unwrap(), peer);
        for buf in bufs {
            out.write_all(buf).await.unwrap();
        }
        // Vectored writes, as hyper issues them: a head, a window, a tail.
        let mut slices: Vec<IoSlice<'_>> = bufs.iter().map(|b| IoSlice::new(b)).collect();
        let mut rest = &mut slices[..];
        while !rest.is_empty() {
            let n = out.write_vectored(rest).await.unwrap();
            assert!(n > 0, "a write made no progress");
            IoSlice::advance_slices(&mut rest, n);
        }
        out.shutdown().await.unwrap();
        drop(out);
        reader.await.unwrap()
    }

    /// Remote peers get windows by sendfile, local ones as copies; both
    /// receive exactly the file's bytes.
    #[tokio::test(flavor = "current_thread")]
    async fn mapped_windows_arrive_intact_by_sendfile_or_copy() {
        let content = pattern(1 << 20);
        let mut tmp = tempfile::tempfile().unwrap();
        tmp.write_all(&content).unwrap();
        let file = Arc::new(tmp);
        // A window that starts past the file's first page, as ranges do.
        let offset = 64 * 1024;
        let len = 512 * 1024;
        // SAFETY: a private temporary file nobody truncates while it is mapped.
        let map = unsafe {
            memmap2::MmapOptions::new()
                .offset(offset as u64)
                .len(len)
                .map(&*file)
                .unwrap()
        };
        let window = FileWindow::new(map, file.clone(), offset as u64);
        // An inner slice maps to the matching file offset.
        let (_, at) = source_of(&window.as_ref()[100_000..]).unwrap();
        assert_eq!(at, (offset + 100_000) as u64);

        let head = b"HTTP/1.1 200 OK\r\n\r\n".to_vec();
        let tail = pattern(300);
        let mut expected = Vec::new();
        for _ in 0..2 {
            expected.extend_from_slice(&head);
            expected.extend_from_slice(&content[offset..offset + len]);
            expected.extend_from_slice(&tail);
        }
        for (peer, by_sendfile) in [(Peer::Remote, 2 * len), (Peer::Local, 0)] {
            SENT.with(|sent| sent.set(0));
            let got = round_trip(&[&head, window.as_ref(), &tail], peer).await;
            assert_eq!(got.len(), expected.len(), "{peer:?}");
            assert!(got == expected, "bytes differ from the file's ({peer:?})");
            if cfg!(target_os = "linux") {
                assert_eq!(SENT.with(Cell::get), by_sendfile, "{peer:?}");
            }
        }
    }

    #[test]
    fn peers_on_this_host_are_local() {
        let ip = |s: &str| s.parse::<IpAddr>().unwrap();
        let local = ip("192.0.2.10");
        assert_eq!(Peer::classify(ip("127.0.0.1"), local), Peer::Local);
        assert_eq!(Peer::classify(ip("::1"), ip("::")), Peer::Local);
        // IPv4 through a dual-stack listener.
        assert_eq!(
            Peer::classify(ip("::ffff:127.0.0.1"), ip("::ffff:127.0.0.1")),
            Peer::Local
        );
        assert_eq!(Peer::classify(ip("::ffff:192.0.2.10"), local), Peer::Local);
        assert_eq!(Peer::classify(ip("192.0.2.10"), local), Peer::Local);
        assert_eq!(Peer::classify(ip("192.0.2.11"), local), Peer::Remote);
        assert_eq!(
            Peer::classify(ip("172.17.0.2"), ip("172.17.0.1")),
            Peer::Remote
        );
    }

    #[tokio::test(flavor = "current_thread")]
    async fn a_loopback_connection_is_local() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (client, accepted) = tokio::join!(TcpStream::connect(addr), listener.accept());
        let _client = client.unwrap();
        let (tcp, remote) = accepted.unwrap();
        assert_eq!(Peer::of(remote, &tcp), Peer::Local);
    }

    #[test]
    fn only_live_windows_of_useful_size_are_recognised() {
        let mut tmp = tempfile::tempfile().unwrap();
        tmp.write_all(&pattern(256 * 1024)).unwrap();
        let file = Arc::new(tmp);
        // SAFETY: a private temporary file nobody truncates while it is mapped.
        let map = unsafe { memmap2::Mmap::map(&*file).unwrap() };
        let window = FileWindow::new(map, file.clone(), 0);
        let bytes = window.as_ref();
        assert!(source_of(bytes).is_some());
        assert!(source_of(&bytes[..MIN_SENDFILE - 1]).is_none(), "too small");
        let heap = bytes.to_vec();
        assert!(source_of(&heap).is_none(), "a copy is not the file");
        drop(window);
        // Only the registry held another reference to the file.
        assert_eq!(
            Arc::strong_count(&file),
            1,
            "a dropped window stays registered"
        );
    }
}
