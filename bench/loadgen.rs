//! A closed-loop HTTP/1.1 load generator for the serving benchmark: N
//! keep-alive connections, each sending the next request as soon as the
//! previous answer is read, for a fixed time. Unlike wrk it knows that a
//! HEAD answer has no body, so it measures HEAD as well as GET.
//!
//!     cargo run --release --example loadgen -- URL [--method GET|HEAD]
//!         [--connections 32] [--threads 2] [--seconds 8] [--header 'K: V']...
//!         [--once [--discard]]
//!
//! `--once` sends one request per connection instead of looping until the
//! deadline: the concurrent blob pulls use it, streaming each body and
//! counting its bytes without keeping them, so the client's share of the
//! two cores is one process reading sockets rather than 32 curl processes.
//!
//! `--discard` (with `--once`, GET) also leaves the body's bytes in the
//! kernel: after the response head it receives with `MSG_TRUNC`, which
//! counts and frees the data without copying it to the client. Over
//! loopback on a shared machine the receiver's copy otherwise runs on the
//! cores the server is measured on; on a network it runs on the client's
//! machine. The bytes still cross the server's whole send path and the
//! kernel's TCP receive path, and the count is checked against the
//! Content-Length.
//!
//! Prints one JSON object: requests, rps, p50_ms, p99_ms, non2xx, errors,
//! bytes (body bytes received) and seconds (wall time of the run).

// A benchmark tool: its output is its result.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::time::{Duration, Instant};

use http_body_util::{BodyExt, Empty};
use hyper::body::Bytes;
use hyper_util::rt::TokioIo;

struct Args {
    url: hyper::Uri,
    method: hyper::Method,
    connections: usize,
    threads: usize,
    seconds: f64,
    once: bool,
    discard: bool,
    headers: Vec<(String, String)>,
}

fn parse_args() -> Result<Args, String> {
    let mut it = std::env::args().skip(1);
    let mut args = Args {
        url: hyper::Uri::default(),
        method: hyper::Method::GET,
        connections: 32,
        threads: 2,
        seconds: 8.0,
        once: false,
        discard: false,
        headers: Vec::new(),
    };
    let mut url = None;
    while let Some(a) = it.next() {
        let mut value = || it.next().ok_or(format!("{a} needs a value"));
        match a.as_str() {
            "--method" => args.method = value()?.parse().map_err(|e| format!("--method: {e}"))?,
            "--connections" => args.connections = value()?.parse().map_err(|e| format!("{e}"))?,
            "--threads" => args.threads = value()?.parse().map_err(|e| format!("{e}"))?,
            "--seconds" => args.seconds = value()?.parse().map_err(|e| format!("{e}"))?,
            "--once" => args.once = true,
            "--discard" => args.discard = true,
            "--header" => {
                let h = value()?;
                let (k, v) = h.split_once(':').ok_or("--header wants 'Name: value'")?;
                args.headers
                    .push((k.trim().to_string(), v.trim().to_string()));
            }
            _ if url.is_none() => url = Some(a.parse().map_err(|e| format!("URL: {e}"))?),
            _ => return Err(format!("unexpected argument {a}")),
        }
    }
    args.url = url.ok_or("usage: loadgen URL [--method M] [--connections N] [--seconds S]")?;
    if args.discard && (!args.once || args.method != hyper::Method::GET) {
        return Err("--discard goes with --once and GET".into());
    }
    Ok(args)
}

#[derive(Default)]
struct Tally {
    latencies_us: Vec<u32>,
    non2xx: u64,
    errors: u64,
    bytes: u64,
}

impl Tally {
    /// Records an answer that arrived `t0.elapsed()` after its request.
    fn answered(&mut self, t0: Instant, success: bool, bytes: u64) {
        self.bytes += bytes;
        self.latencies_us
            .push(t0.elapsed().as_micros().min(u32::MAX as u128) as u32);
        if !success {
            self.non2xx += 1;
        }
    }
}

async fn connection(args: std::sync::Arc<Args>, deadline: Instant) -> Tally {
    let mut tally = Tally::default();
    let authority = args.url.authority().expect("URL with host:port").clone();
    let Ok(stream) = tokio::net::TcpStream::connect(authority.as_str()).await else {
        tally.errors += 1;
        return tally;
    };
    let _ = stream.set_nodelay(true);
    let Ok((mut sender, conn)) =
        hyper::client::conn::http1::handshake::<_, Empty<Bytes>>(TokioIo::new(stream)).await
    else {
        tally.errors += 1;
        return tally;
    };
    tokio::spawn(conn);
    while Instant::now() < deadline {
        let mut req = hyper::Request::builder()
            .method(args.method.clone())
            .uri(args.url.path_and_query().map_or("/", |p| p.as_str()))
            .header(hyper::header::HOST, authority.as_str());
        for (k, v) in &args.headers {
            req = req.header(k, v);
        }
        let req = req.body(Empty::new()).expect("a valid request");
        let t0 = Instant::now();
        let answer = async {
            let resp = sender.send_request(req).await?;
            let status = resp.status();
            let mut body = resp.into_body();
            let mut bytes = 0u64;
            while let Some(frame) = body.frame().await {
                if let Some(data) = frame?.data_ref() {
                    bytes += data.len() as u64;
                }
            }
            Ok::<_, hyper::Error>((status, bytes))
        };
        match answer.await {
            Ok((status, bytes)) => tally.answered(t0, status.is_success(), bytes),
            Err(_) => {
                tally.errors += 1;
                break;
            }
        }
        if args.once {
            break;
        }
    }
    tally
}

/// The status and Content-Length of a response head (`\r\n\r\n` excluded).
fn parse_head(head: &[u8]) -> Result<(u16, u64), String> {
    let head = std::str::from_utf8(head).map_err(|_| "response head is not UTF-8")?;
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|s| s.parse().ok())
        .ok_or("no status line")?;
    let length = lines
        .filter_map(|l| l.split_once(':'))
        .find(|(k, _)| k.trim().eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.trim().parse().ok())
        .ok_or("no Content-Length (chunked answers are not supported with --discard)")?;
    Ok((status, length))
}

/// Receives and drops up to `n` bytes without copying them out of the
/// kernel; returns how many were dropped (0 at end of stream).
#[allow(unsafe_code)]
fn recv_discarding(stream: &tokio::net::TcpStream, n: usize) -> std::io::Result<usize> {
    use std::os::fd::AsRawFd;
    // SAFETY: with MSG_TRUNC, TCP frees the bytes without writing to the
    // buffer, so a null one of any length is never touched.
    let got = unsafe {
        libc::recv(
            stream.as_raw_fd(),
            std::ptr::null_mut(),
            n,
            libc::MSG_TRUNC | libc::MSG_DONTWAIT,
        )
    };
    if got < 0 {
        Err(std::io::Error::last_os_error())
    } else {
        Ok(got as usize)
    }
}

/// One GET whose body is dropped in the kernel (`--discard`).
async fn pull_discarding(args: std::sync::Arc<Args>) -> Tally {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut tally = Tally::default();
    let authority = args.url.authority().expect("URL with host:port").clone();
    let t0 = Instant::now();
    let answer = async {
        let mut stream = tokio::net::TcpStream::connect(authority.as_str()).await?;
        let path = args.url.path_and_query().map_or("/", |p| p.as_str());
        let mut request = format!("GET {path} HTTP/1.1\r\nHost: {authority}\r\n");
        for (k, v) in &args.headers {
            request.push_str(&format!("{k}: {v}\r\n"));
        }
        request.push_str("\r\n");
        stream.write_all(request.as_bytes()).await?;
        let mut buf = vec![0u8; 16 * 1024];
        let mut filled = 0;
        let end = loop {
            if let Some(i) = buf[..filled].windows(4).position(|w| w == b"\r\n\r\n") {
                break i;
            }
            if filled == buf.len() {
                return Err(std::io::Error::other("response head over 16 KiB"));
            }
            match stream.read(&mut buf[filled..]).await? {
                0 => return Err(std::io::ErrorKind::UnexpectedEof.into()),
                n => filled += n,
            }
        };
        let (status, length) = parse_head(&buf[..end]).map_err(std::io::Error::other)?;
        let mut received = (filled - end - 4) as u64;
        while received < length {
            let left = usize::try_from(length - received).unwrap_or(usize::MAX);
            let n = stream
                .async_io(tokio::io::Interest::READABLE, || {
                    recv_discarding(&stream, left)
                })
                .await?;
            if n == 0 {
                return Err(std::io::ErrorKind::UnexpectedEof.into());
            }
            received += n as u64;
        }
        Ok::<_, std::io::Error>((status, received))
    };
    match answer.await {
        Ok((status, bytes)) => tally.answered(t0, (200..300).contains(&status), bytes),
        Err(_) => tally.errors += 1,
    }
    tally
}

fn main() {
    let args = match parse_args() {
        Ok(a) => std::sync::Arc::new(a),
        Err(e) => {
            eprintln!("loadgen: {e}");
            std::process::exit(2);
        }
    };
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(args.threads)
        .enable_all()
        .build()
        .expect("a tokio runtime");
    let (total, elapsed) = rt.block_on(async {
        let start = Instant::now();
        let deadline = start + Duration::from_secs_f64(args.seconds);
        let tasks: Vec<_> = (0..args.connections)
            .map(|_| {
                if args.discard {
                    tokio::spawn(pull_discarding(args.clone()))
                } else {
                    tokio::spawn(connection(args.clone(), deadline))
                }
            })
            .collect();
        let mut total = Tally::default();
        for t in tasks {
            let t = t.await.unwrap_or_default();
            total.latencies_us.extend(t.latencies_us);
            total.non2xx += t.non2xx;
            total.errors += t.errors;
            total.bytes += t.bytes;
        }
        (total, start.elapsed())
    });
    let mut lat = total.latencies_us;
    lat.sort_unstable();
    let pct = |p: f64| -> f64 {
        if lat.is_empty() {
            return 0.0;
        }
        let i = ((lat.len() as f64 * p).ceil() as usize).clamp(1, lat.len()) - 1;
        f64::from(lat[i]) / 1000.0
    };
    println!(
        "{{\"requests\": {}, \"rps\": {:.1}, \"p50_ms\": {:.3}, \"p99_ms\": {:.3}, \"non2xx\": {}, \"errors\": {}, \"bytes\": {}, \"seconds\": {:.3}}}",
        lat.len(),
        lat.len() as f64 / elapsed.as_secs_f64(),
        pct(0.50),
        pct(0.99),
        total.non2xx,
        total.errors,
        total.bytes,
        elapsed.as_secs_f64()
    );
}
