//! One client connection, from its first byte to its close: the time
//! limits that keep silent, idle or stalled clients from holding sockets
//! (the file descriptors they use are what the server runs out of), a
//! readable answer to plain HTTP sent to the TLS port, and HTTP/1.1 or
//! HTTP/2 served by hyper.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use hyper::service::service_fn;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::graceful::Watcher;
use tokio::io::{AsyncRead, AsyncWrite, AsyncWriteExt as _, ReadBuf};
use tokio::net::TcpStream;

use super::api::{self, App};
use super::config::Timeouts;
use super::sendfile::{Peer, SendfileStream};

/// hyper's per-connection read buffer ceiling (its default is ~400 KiB).
/// Body chunks share the read buffer's allocation until written to disk;
/// a smaller ceiling keeps 32 concurrent pushes well under 100 MiB
/// without costing throughput.
const MAX_READ_BUF: usize = 128 * 1024;

/// What distribution answers to plain HTTP on its TLS port.
const PLAIN_ON_TLS: &[u8] = b"HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\nContent-Length: 76\r\n\r\nClient sent an HTTP request to an HTTPS server; this registry speaks https.\n";

/// The moment of the last byte moved either way, in milliseconds since
/// `epoch`: a clock shared by the connection and its watchdog.
#[derive(Clone)]
struct Activity {
    epoch: Instant,
    last: Arc<AtomicU64>,
}

impl Activity {
    fn new() -> Activity {
        Activity {
            epoch: Instant::now(),
            last: Arc::new(AtomicU64::new(0)),
        }
    }

    fn touch(&self) {
        let now = self.epoch.elapsed().as_millis() as u64;
        self.last.store(now, Ordering::Relaxed);
    }

    fn quiet_for(&self) -> Duration {
        let now = self.epoch.elapsed().as_millis() as u64;
        Duration::from_millis(now.saturating_sub(self.last.load(Ordering::Relaxed)))
    }

    /// Completes once nothing has moved for `idle`.
    async fn idle(&self, idle: Duration) {
        loop {
            let quiet = self.quiet_for();
            if quiet >= idle {
                return;
            }
            tokio::time::sleep(idle - quiet + Duration::from_millis(10)).await;
        }
    }
}

/// An I/O that records every byte moved in [`Activity`].
struct Watched<T> {
    inner: T,
    activity: Activity,
}

impl<T: AsyncRead + Unpin> AsyncRead for Watched<T> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        let before = buf.filled().len();
        let r = Pin::new(&mut self.inner).poll_read(cx, buf);
        if buf.filled().len() > before {
            self.activity.touch();
        }
        r
    }
}

impl<T: AsyncWrite + Unpin> AsyncWrite for Watched<T> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        let r = Pin::new(&mut self.inner).poll_write(cx, buf);
        if matches!(r, Poll::Ready(Ok(n)) if n > 0) {
            self.activity.touch();
        }
        r
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[std::io::IoSlice<'_>],
    ) -> Poll<std::io::Result<usize>> {
        let r = Pin::new(&mut self.inner).poll_write_vectored(cx, bufs);
        if matches!(r, Poll::Ready(Ok(n)) if n > 0) {
            self.activity.touch();
        }
        r
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

/// Does a first read look like a plain HTTP request (a method and a
/// space) rather than a TLS record (0x16)?
fn looks_like_http(head: &[u8]) -> bool {
    head.first().is_some_and(|b| b.is_ascii_uppercase())
        && head.iter().take_while(|b| b.is_ascii_uppercase()).count() >= 3
}

/// Serves HTTP on `io` until the connection ends, the server drains, or
/// nothing moves for `idle`.
async fn serve_watched<I>(
    io: I,
    app: Arc<App>,
    remote: SocketAddr,
    watcher: Watcher,
    limits: &Timeouts,
) -> Result<(), Box<dyn std::error::Error + Send + Sync>>
where
    I: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let svc = service_fn(move |req| {
        let app = app.clone();
        async move { Ok::<_, Infallible>(api::handle(app, req, remote).await) }
    });
    let mut builder = hyper_util::server::conn::auto::Builder::new(TokioExecutor::new());
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header)
        // A client that shuts its sending side after the request still
        // gets the answer (and the request is carried out).
        .half_close(true)
        .max_buf_size(MAX_READ_BUF);
    builder.http2().timer(TokioTimer::new());
    let activity = Activity::new();
    activity.touch();
    let io = Watched {
        inner: io,
        activity: activity.clone(),
    };
    let conn = watcher.watch(builder.serve_connection(TokioIo::new(io), svc).into_owned());
    tokio::select! {
        r = conn => r,
        _ = activity.idle(limits.idle) => Ok(()),
    }
}

/// Serves one accepted connection until it ends, times out, or the server
/// drains.
pub(super) async fn serve(
    stream: TcpStream,
    remote: SocketAddr,
    app: Arc<App>,
    tls: Option<tokio_rustls::TlsAcceptor>,
    watcher: Watcher,
    limits: Timeouts,
) {
    let _ = stream.set_nodelay(true);
    // A connection that sends nothing is closed after the header timeout;
    // hyper's own timer starts only once it reads a request.
    let mut head = [0u8; 8];
    let seen = match tokio::time::timeout(limits.header, stream.peek(&mut head)).await {
        Ok(Ok(n)) if n > 0 => n,
        Ok(_) => return,
        Err(_) => {
            tracing::debug!(%remote, "connection sent nothing; closed");
            return;
        }
    };
    let result = match tls {
        Some(acceptor) => {
            let mut stream = stream;
            if head[0] != 0x16 && looks_like_http(&head[..seen]) {
                let _ = stream.write_all(PLAIN_ON_TLS).await;
                let _ = stream.shutdown().await;
                return;
            }
            let tls_stream =
                match tokio::time::timeout(limits.header, acceptor.accept(stream)).await {
                    Ok(Ok(s)) => s,
                    Ok(Err(e)) => {
                        tracing::debug!(%remote, error = %e, "TLS handshake failed");
                        return;
                    }
                    Err(_) => return,
                };
            serve_watched(tls_stream, app, remote, watcher, &limits).await
        }
        None => {
            let peer = Peer::of(remote, &stream);
            let io = SendfileStream::new(stream, peer);
            serve_watched(io, app, remote, watcher, &limits).await
        }
    };
    if let Err(e) = result {
        tracing::debug!(%remote, error = %e, "connection ended with an error");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tells_http_from_tls() {
        assert!(looks_like_http(b"GET /v2/"));
        assert!(looks_like_http(b"POST / H"));
        assert!(!looks_like_http(&[0x16, 3, 1, 0, 0xa5]));
        assert!(!looks_like_http(b"ge"));
    }

    #[tokio::test]
    async fn idle_completes_only_after_quiet() {
        let a = Activity::new();
        a.touch();
        let started = Instant::now();
        a.idle(Duration::from_millis(150)).await;
        assert!(started.elapsed() >= Duration::from_millis(150));
    }
}
