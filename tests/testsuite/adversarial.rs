//! `regctl serve` attacked as issue 24 did: each class of hostile client
//! replayed against the real server over real sockets (raw TCP where curl
//! would be too polite, curl and openssl elsewhere), asserting the status
//! codes, that the server stays responsive, and that content pushed
//! before still pulls intact.

use std::io::{ErrorKind, Read, Write};
use std::net::{Shutdown, TcpStream};
use std::path::Path;
use std::time::{Duration, Instant};

use base64::Engine as _;

use crate::common::registry::{
    OCI_MANIFEST, Options, PASSWORD, Registry, USER, image_manifest, sha256,
};
use crate::common::{regctl, run, run_ok, text, wait_until};

/// Short limits, so the time-outs are seen within seconds.
const FAST_TIMEOUTS: &str =
    "  timeout:\n    header: 1s\n    idle: 2s\n    body: 1s\n    minrate: 1024\n";

fn plain(auth: bool, http: &str) -> Registry {
    Registry::start_with(Options {
        tls: false,
        auth,
        http: http.to_string(),
        ..Options::default()
    })
}

fn basic_auth() -> String {
    let b64 = base64::engine::general_purpose::STANDARD;
    format!(
        "Authorization: Basic {}",
        b64.encode(format!("{USER}:{PASSWORD}"))
    )
}

fn connect(reg: &Registry) -> TcpStream {
    let s = TcpStream::connect(("127.0.0.1", reg.port)).unwrap();
    s.set_read_timeout(Some(Duration::from_millis(200)))
        .unwrap();
    s
}

/// Reads until the server closes the connection (or resets it), for at
/// most `limit`; `None` if it was still open then. Bytes received on the
/// way are returned.
fn read_until_closed(s: &mut TcpStream, limit: Duration) -> Option<Vec<u8>> {
    let deadline = Instant::now() + limit;
    let mut got = Vec::new();
    let mut buf = [0u8; 65536];
    while Instant::now() < deadline {
        match s.read(&mut buf) {
            Ok(0) => return Some(got),
            Ok(n) => got.extend_from_slice(&buf[..n]),
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {}
            Err(_) => return Some(got),
        }
    }
    None
}

/// Sends a raw request, half-closes if asked, and returns what came back
/// before the server closed (at most 10 s).
fn exchange(reg: &Registry, request: &[u8], half_close: bool) -> String {
    let mut s = connect(reg);
    s.write_all(request).unwrap();
    if half_close {
        s.shutdown(Shutdown::Write).unwrap();
    }
    let got = read_until_closed(&mut s, Duration::from_secs(10))
        .expect("the server neither answered and closed within 10 s");
    String::from_utf8_lossy(&got).into_owned()
}

fn status_of(response: &str) -> u16 {
    response
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or_else(|| panic!("no HTTP status in {response:?}"))
}

/// The server answers a normal client, and a blob pushed earlier is intact.
fn still_serves(reg: &Registry, repo: &str, blob: &[u8]) {
    let d = sha256(blob);
    let r = reg.req("GET", &format!("/v2/{repo}/blobs/{d}"), &[], None);
    assert_eq!(r.status, 200, "{}", reg.log());
    assert!(r.body == blob, "the earlier blob no longer pulls intact");
}

fn vm_rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
        .expect("VmRSS")
}

#[test]
fn log_injection_through_the_user_name_is_escaped_in_every_format() {
    let mut reg = Registry::start();
    let forged = "2026-11-30T00.44.00Z  INFO access request method=DELETE path=/v2/prod/app/manifests/latest status=202 user=admin";
    let b64 = base64::engine::general_purpose::STANDARD;
    let header = format!(
        "Authorization: Basic {}",
        b64.encode(format!("x\n{forged}\n:pw"))
    );
    for format in ["text", "json"] {
        let r = reg.request("GET", "/v2/", &[&header], None, None);
        assert_eq!(r.status, 401);
        let mut log = String::new();
        wait_until(
            Duration::from_secs(5),
            Duration::from_millis(50),
            || {
                log = reg.log();
                log.contains("login refused")
            },
            || format!("no refused login logged:\n{}", reg.log()),
        );
        assert!(
            !log.lines()
                .any(|l| l.trim_start().starts_with("2026-11-30T00.44.00Z")),
            "{format}: a forged line reached the log:\n{log}"
        );
        if format == "json" {
            for line in log.lines().filter(|l| !l.trim().is_empty()) {
                serde_json::from_str::<serde_json::Value>(line)
                    .unwrap_or_else(|e| panic!("not one JSON object per line ({e}): {line}"));
            }
        } else {
            assert!(log.contains(r"x\n2026-11-30T00.44.00Z"), "{log}");
        }
        if format == "json" {
            break;
        }
        reg.kill();
        let cfg = std::fs::read_to_string(reg.config_path())
            .unwrap()
            .replace("  level: info\n", "  level: info\n  formatter: json\n");
        std::fs::write(reg.config_path(), cfg).unwrap();
        reg.spawn();
    }
}

#[test]
fn unknown_users_cost_as_much_time_as_wrong_passwords() {
    let mut reg = Registry::start();
    for user in ["bob", "carol"] {
        let out = regctl()
            .args(["htpasswd", "add"])
            .arg(reg.path().join("auth/htpasswd"))
            .args([user, "--password-stdin", "--cost", "10"])
            .write_stdin("a long enough password\n")
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", text(&out));
    }
    reg.kill();
    reg.spawn();
    let median = |user: &str| {
        let mut times: Vec<Duration> = (0..7)
            .map(|_| {
                let started = Instant::now();
                let r = reg.request("GET", "/v2/", &[], None, Some((user, "wrong password")));
                assert_eq!(r.status, 401);
                started.elapsed()
            })
            .collect();
        times.sort();
        times[3]
    };
    let wrong_password = median("bob");
    let unknown_user = median("mallory");
    println!("wrong password {wrong_password:?}, unknown user {unknown_user:?}");
    assert!(
        unknown_user * 2 >= wrong_password,
        "an unknown user is answered in {unknown_user:?}, a wrong password in {wrong_password:?}: user names can be told by timing"
    );
}

#[test]
fn silent_slow_and_idle_clients_are_closed() {
    let reg = plain(false, FAST_TIMEOUTS);
    let blob = b"kept through the slow clients".to_vec();
    reg.push_blob("slow/app", &blob);

    // Connects and sends nothing.
    let started = Instant::now();
    let mut s = connect(&reg);
    assert!(
        read_until_closed(&mut s, Duration::from_secs(5)).is_some(),
        "a silent connection stays open"
    );
    assert!(
        started.elapsed() >= Duration::from_millis(800),
        "closed before the header time-out"
    );

    // Slowloris: a header line every 300 ms, never the blank line.
    let mut s = connect(&reg);
    let started = Instant::now();
    s.write_all(b"GET /v2/ HTTP/1.1\r\nHost: x\r\n").unwrap();
    let mut closed = false;
    while started.elapsed() < Duration::from_secs(6) && !closed {
        if s.write_all(b"X-Slow: y\r\n").is_err() {
            closed = true;
            break;
        }
        closed = read_until_closed(&mut s, Duration::from_millis(300)).is_some();
    }
    assert!(
        closed,
        "a request head trickled for 6 s is still being read"
    );

    // A body trickled at 10 bytes every 300 ms, far under 1024 bytes/s.
    let mut s = connect(&reg);
    s.write_all(
        format!(
            "POST /v2/slow/app/blobs/uploads/?digest={} HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n",
            sha256(&[0u8; 100000])
        )
        .as_bytes(),
    )
    .unwrap();
    let started = Instant::now();
    let mut answer = None;
    while started.elapsed() < Duration::from_secs(8) {
        if s.write_all(&[0u8; 10]).is_err() {
            answer = Some(Vec::new());
            break;
        }
        if let Some(got) = read_until_closed(&mut s, Duration::from_millis(300)) {
            answer = Some(got);
            break;
        }
    }
    let answer = answer.expect("a trickled body is still being read after 8 s");
    if !answer.is_empty() {
        assert_eq!(status_of(&String::from_utf8_lossy(&answer)), 400);
    }

    // A body that stops.
    let mut s = connect(&reg);
    s.write_all(b"PATCH /v2/slow/app/blobs/uploads/x HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n0123456789")
        .unwrap();
    assert!(
        read_until_closed(&mut s, Duration::from_secs(5)).is_some(),
        "a stalled body holds its connection"
    );

    // An idle keep-alive connection after a complete exchange.
    let mut s = connect(&reg);
    s.write_all(b"GET /v2/ HTTP/1.1\r\nHost: x\r\n\r\n")
        .unwrap();
    let mut first = [0u8; 12];
    s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    s.read_exact(&mut first).unwrap();
    assert_eq!(&first, b"HTTP/1.1 200");
    s.set_read_timeout(Some(Duration::from_millis(200)))
        .unwrap();
    assert!(
        read_until_closed(&mut s, Duration::from_secs(6)).is_some(),
        "an idle keep-alive connection stays open"
    );

    // An idle HTTP/2 connection (prior knowledge, as h2c).
    let mut s = connect(&reg);
    s.write_all(H2_PREFACE).unwrap();
    s.write_all(&h2_frame(4, 0, 0, &[])).unwrap();
    assert!(
        read_until_closed(&mut s, Duration::from_secs(6)).is_some(),
        "an idle HTTP/2 connection stays open"
    );

    still_serves(&reg, "slow/app", &blob);
}

#[test]
fn silent_connections_cannot_starve_a_server_short_of_descriptors() {
    let reg = Registry::start_with(Options {
        tls: false,
        auth: false,
        http: FAST_TIMEOUTS.into(),
        nofile: Some(64),
        ..Options::default()
    });
    let blob = b"served with 64 descriptors".to_vec();
    reg.push_blob("fd/app", &blob);
    let silent: Vec<TcpStream> = (0..80)
        .filter_map(|_| TcpStream::connect(("127.0.0.1", reg.port)).ok())
        .collect();
    assert!(
        silent.len() >= 64,
        "only {} connections opened",
        silent.len()
    );
    let started = Instant::now();
    wait_until(
        Duration::from_secs(15),
        Duration::from_millis(100),
        || {
            reg.try_request("GET", "/v2/", &[], None, None)
                .is_ok_and(|r| r.status == 200)
        },
        || {
            format!(
                "80 silent connections still block every request:\n{}",
                reg.log()
            )
        },
    );
    println!(
        "served again {:?} after 80 silent connections",
        started.elapsed()
    );
    drop(silent);
    still_serves(&reg, "fd/app", &blob);
    let accept_lines = reg
        .log()
        .lines()
        .filter(|l| l.contains("accept failed"))
        .count();
    assert!(
        accept_lines <= 3,
        "accept failures are not rate limited ({accept_lines} lines):\n{}",
        reg.log()
    );
}

#[test]
fn a_half_closed_request_still_gets_its_answer_and_is_carried_out() {
    let reg = plain(true, "");
    let auth = basic_auth();
    for _ in 0..3 {
        let answer = exchange(
            &reg,
            format!("POST /v2/hc/test/blobs/uploads/ HTTP/1.1\r\nHost: x\r\n{auth}\r\nContent-Length: 0\r\n\r\n").as_bytes(),
            true,
        );
        assert_eq!(status_of(&answer), 202, "{answer}");
    }
    let config = b"{}".to_vec();
    reg.push_blob("hc/test", &config);
    let manifest = image_manifest((&sha256(&config), config.len()), &[], serde_json::json!({}));
    let mut request = format!(
        "PUT /v2/hc/test/manifests/v1 HTTP/1.1\r\nHost: x\r\n{auth}\r\nContent-Type: {OCI_MANIFEST}\r\nContent-Length: {}\r\n\r\n",
        manifest.len()
    )
    .into_bytes();
    request.extend_from_slice(&manifest);
    let answer = exchange(&reg, &request, true);
    assert_eq!(status_of(&answer), 201, "{answer}");
    let r = reg.req(
        "GET",
        "/v2/hc/test/manifests/v1",
        &[&format!("Accept: {OCI_MANIFEST}")],
        None,
    );
    assert_eq!(r.status, 200);
    assert!(r.body == manifest);
}

/// Mounts a small tmpfs, unmounted on drop (also when the test fails).
struct SmallDisk(std::path::PathBuf);

impl SmallDisk {
    fn mount(at: &Path, size: &str) -> SmallDisk {
        std::fs::create_dir_all(at).unwrap();
        let out = run(
            "mount",
            &[
                "-t",
                "tmpfs",
                "-o",
                &format!("size={size}"),
                "tmpfs",
                at.to_str().unwrap(),
            ],
            Path::new("."),
        );
        assert!(
            out.status.success(),
            "a full disk is simulated with a tmpfs, which needs root: {}",
            text(&out)
        );
        SmallDisk(at.to_path_buf())
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount")
            .arg("-l")
            .arg(&self.0)
            .status();
    }
}

#[test]
fn early_answers_reach_a_client_that_is_still_sending() {
    let mut reg = Registry::start();
    // Oversized manifests: within the drain limit, and far beyond it.
    for size in [6 << 20, 24 << 20] {
        let body = vec![b' '; size];
        let r = reg
            .try_request(
                "PUT",
                "/v2/big/app/manifests/v1",
                &[&format!("Content-Type: {OCI_MANIFEST}")],
                Some(&body),
                Some((USER, PASSWORD)),
            )
            .unwrap_or_else(|e| panic!("a {size}-byte manifest got no answer: {e}"));
        assert_eq!(r.status, 413, "{}", String::from_utf8_lossy(&r.body));
        assert_eq!(r.code(), "SIZE_INVALID");
    }

    // A full disk: storage on a 2 MiB tmpfs.
    reg.kill();
    let _disk = SmallDisk::mount(&reg.data(), "2m");
    reg.spawn();
    let small = b"fits on the small disk".to_vec();
    reg.push_blob("disk/app", &small);
    let big: Vec<u8> = (0..6u32 << 20).map(|i| (i % 251) as u8).collect();
    let r = reg
        .try_request(
            "POST",
            &format!("/v2/disk/app/blobs/uploads/?digest={}", sha256(&big)),
            &[],
            Some(&big),
            Some((USER, PASSWORD)),
        )
        .unwrap_or_else(|e| panic!("a push to a full disk got no answer: {e}"));
    assert_eq!(r.status, 507, "{}", String::from_utf8_lossy(&r.body));
    // Recovered without a restart: the partial upload is gone, a small
    // push works and the earlier blob is intact.
    reg.push_blob("disk/app", b"after the full disk");
    still_serves(&reg, "disk/app", &small);
}

#[test]
fn client_numbers_cannot_wrap() {
    let reg = Registry::start();
    let r = reg.req("POST", "/v2/num/app/blobs/uploads/", &[], None);
    assert_eq!(r.status, 202);
    let location = r.header("location").unwrap().to_string();
    for range in ["0-18446744073709551615", "0-99999999999999999999", "5-2"] {
        let r = reg.req(
            "PATCH",
            &location,
            &[&format!("Content-Range: {range}"), "Content-Length: 0"],
            Some(b""),
        );
        assert_eq!(
            r.status,
            416,
            "Content-Range {range}: {}",
            String::from_utf8_lossy(&r.body)
        );
    }
    let r = reg.req("GET", &location, &[], None);
    assert_eq!(r.header("range"), Some("0-0"), "nothing was appended");
    let d = reg.push_blob("num/app", b"0123456789");
    let r = reg.req(
        "GET",
        &format!("/v2/num/app/blobs/{d}"),
        &["Range: bytes=18446744073709551615-18446744073709551615"],
        None,
    );
    assert_eq!(r.status, 416);
    // Over HTTP/2 (curl's choice with TLS) the length is refused as a
    // malformed stream; either way nothing is stored.
    let r = reg.try_request(
        "POST",
        &format!("/v2/num/app/blobs/uploads/?digest={d}"),
        &["Content-Length: 99999999999999999999"],
        None,
        Some((USER, PASSWORD)),
    );
    match r {
        Ok(r) => assert_eq!(r.status, 400),
        Err(e) => assert!(e.contains("PROTOCOL_ERROR"), "{e}"),
    }
}

#[test]
fn lenient_manifests_are_refused() {
    let reg = Registry::start();
    let config = b"{\"architecture\":\"amd64\"}".to_vec();
    let layer = b"layer bytes".to_vec();
    let (cd, ld) = (
        reg.push_blob("strict/app", &config),
        reg.push_blob("strict/app", &layer),
    );
    let good = image_manifest(
        (&cd, config.len()),
        &[(&ld, layer.len())],
        serde_json::json!({}),
    );
    let mut doc: serde_json::Value = serde_json::from_slice(&good).unwrap();
    let variant = |f: &dyn Fn(&mut serde_json::Value)| {
        let mut d = doc.clone();
        f(&mut d);
        serde_json::to_vec(&d).unwrap()
    };
    let cases: Vec<(&str, Vec<u8>, String)> = vec![
        (
            "mediaType 123",
            variant(&|d| d["mediaType"] = 123.into()),
            OCI_MANIFEST.into(),
        ),
        (
            "annotations [1,2]",
            variant(&|d| d["annotations"] = serde_json::json!([1, 2])),
            OCI_MANIFEST.into(),
        ),
        (
            "annotation value 1",
            variant(&|d| d["layers"][0]["annotations"] = serde_json::json!({"a": 1})),
            OCI_MANIFEST.into(),
        ),
        ("Content-Type ;;;", good.clone(), ";;;".into()),
        (
            "layer size wrong",
            variant(&|d| d["layers"][0]["size"] = 5.into()),
            OCI_MANIFEST.into(),
        ),
        (
            "config size wrong",
            variant(&|d| d["config"]["size"] = 999.into()),
            OCI_MANIFEST.into(),
        ),
    ];
    for (what, body, content_type) in cases {
        let r = reg.req(
            "PUT",
            "/v2/strict/app/manifests/bad",
            &[&format!("Content-Type: {content_type}")],
            Some(&body),
        );
        assert_eq!(
            r.status,
            400,
            "{what}: {}",
            String::from_utf8_lossy(&r.body)
        );
        assert_eq!(r.code(), "MANIFEST_INVALID", "{what}");
    }
    let r = reg.req(
        "GET",
        "/v2/strict/app/manifests/bad",
        &[&format!("Accept: {OCI_MANIFEST}")],
        None,
    );
    assert_eq!(r.status, 404, "nothing refused was stored");
    doc["annotations"] = serde_json::json!({"org.opencontainers.image.title": "ok"});
    reg.push_manifest(
        "strict/app",
        "good",
        OCI_MANIFEST,
        &serde_json::to_vec(&doc).unwrap(),
    );
}

#[test]
fn http_details_follow_the_rfcs() {
    let reg = plain(true, "");
    let auth = basic_auth();
    let answer = exchange(
        &reg,
        format!("GET /v2/ HTTP/1.1\r\n{auth}\r\n\r\n").as_bytes(),
        false,
    );
    assert_eq!(status_of(&answer), 400, "HTTP/1.1 without Host: {answer}");
    let answer = exchange(
        &reg,
        format!("GET /v2/ HTTP/1.0\r\n{auth}\r\n\r\n").as_bytes(),
        false,
    );
    assert_eq!(status_of(&answer), 200, "HTTP/1.0 needs no Host: {answer}");

    let d = sha256(b"hello");
    let answer = exchange(
        &reg,
        format!("POST /v2/te/app/blobs/uploads/?digest={d} HTTP/1.1\r\nHost: x\r\n{auth}\r\nTransfer-Encoding: gzip, chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n").as_bytes(),
        false,
    );
    assert_eq!(status_of(&answer), 501, "{answer}");
    let r = reg.req("HEAD", &format!("/v2/te/app/blobs/{d}"), &[], None);
    assert_eq!(r.status, 404, "a body in an unknown coding was stored");

    let d = reg.push_blob("te/app", b"0123456789");
    let url = format!("/v2/te/app/blobs/{d}");
    let r = reg.req(
        "GET",
        &url,
        &["Range: bytes=0-3", &format!("If-Range: \"{d}\"")],
        None,
    );
    assert_eq!((r.status, r.body.as_slice()), (206, &b"0123"[..]));
    for other in [
        format!("\"{}\"", sha256(b"other")),
        "Sat, 05 Dec 2026 00:00:00 GMT".into(),
    ] {
        let r = reg.req(
            "GET",
            &url,
            &["Range: bytes=0-3", &format!("If-Range: {other}")],
            None,
        );
        assert_eq!(
            (r.status, r.body.as_slice()),
            (200, &b"0123456789"[..]),
            "If-Range {other}"
        );
    }

    let r = reg.request("POST", "/", &[], Some(b""), None);
    assert_eq!(r.status, 401, "POST / without credentials");
    let r = reg.req("POST", "/", &[], Some(b""));
    assert_eq!(r.status, 404);
}

#[test]
fn tls_answers_carry_security_headers_and_plain_http_is_told_why() {
    let reg = Registry::start();
    let r = reg.req("GET", "/v2/", &[], None);
    assert_eq!(r.header("x-content-type-options"), Some("nosniff"));
    assert_eq!(
        r.header("strict-transport-security"),
        Some("max-age=31536000")
    );

    let answer = exchange(&reg, b"GET /v2/ HTTP/1.1\r\nHost: x\r\n\r\n", false);
    assert_eq!(status_of(&answer), 400, "{answer}");
    assert!(answer.contains("HTTPS server"), "{answer}");

    // TLS 1.2 uses the server's cipher order, not the client's.
    let out = run(
        "openssl",
        &[
            "s_client",
            "-connect",
            &format!("127.0.0.1:{}", reg.port),
            "-tls1_2",
            "-cipher",
            "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-ECDSA-AES128-GCM-SHA256",
            "-CAfile",
            reg.ca().to_str().unwrap(),
        ],
        Path::new("."),
    );
    let said = text(&out);
    assert!(
        said.contains("Cipher is ECDHE-ECDSA-AES128-GCM-SHA256"),
        "{said}"
    );

    // A header named in http.headers replaces the default; [] removes it.
    let reg = Registry::start_with(Options {
        http: "  headers:\n    Strict-Transport-Security: []\n".into(),
        ..Options::default()
    });
    let r = reg.req("GET", "/v2/", &[], None);
    assert_eq!(r.header("strict-transport-security"), None);
    assert_eq!(r.header("x-content-type-options"), Some("nosniff"));
}

#[test]
fn check_config_reports_unusable_htpasswd_lines() {
    let t = tempfile::tempdir().unwrap();
    let config = t.path().join("config.yml");
    let users = t.path().join("users");
    let check = |htpasswd: &Path| {
        std::fs::write(
            &config,
            format!(
                "version: 0.1\nstorage:\n  filesystem:\n    rootdirectory: data\nauth:\n  htpasswd:\n    realm: r\n    path: {}\n",
                htpasswd.display()
            ),
        )
        .unwrap();
        let out = regctl()
            .args(["serve", "--check-config", "--config"])
            .arg(&config)
            .output()
            .unwrap();
        (out.status.success(), text(&out))
    };
    std::fs::write(
        &users,
        "nocolon\nplain:secret\n:$2y$05$abcdefghijklmnopqrstuu\n",
    )
    .unwrap();
    let (ok, said) = check(&users);
    assert!(!ok, "{said}");
    for line in ["line 1", "line 2", "line 3"] {
        assert!(said.contains(line), "{line} not reported: {said}");
    }
    let (ok, said) = check(&config);
    assert!(!ok, "config.yml as the htpasswd file passed: {said}");

    // One usable (bcrypt) line among the broken ones, from Apache's tool.
    let alice = run_ok(
        "htpasswd",
        &["-nbB", "-C", "4", "alice", "a long enough password"],
        Path::new("."),
    );
    let mut content = std::fs::read_to_string(&users).unwrap();
    content.push_str(alice.trim());
    content.push('\n');
    std::fs::write(&users, content).unwrap();
    let (ok, said) = check(&users);
    assert!(ok, "{said}");
    assert!(
        said.contains("line 2"),
        "the plaintext line is still reported: {said}"
    );
}

#[test]
fn forged_upload_state_and_traversal_encodings_are_refused() {
    let reg = Registry::start();
    let blob = b"before the traversal attempts".to_vec();
    reg.push_blob("safe/app", &blob);
    let r = reg.req("POST", "/v2/safe/app/blobs/uploads/", &[], None);
    let location = r.header("location").unwrap().to_string();
    let (path, _) = location.split_once("?_state=").unwrap();
    for state in ["00", "zz", "deadbeefdeadbeefdeadbeefdeadbeef", ""] {
        let r = reg.req("PATCH", &format!("{path}?_state={state}"), &[], Some(b"x"));
        assert!(
            r.status == 400 || (state.is_empty() && r.status == 202),
            "_state={state}: {}",
            r.status
        );
    }

    let outside = |dir: &Path| {
        let mut files = Vec::new();
        for e in std::fs::read_dir(dir).unwrap() {
            let name = e.unwrap().file_name().to_string_lossy().into_owned();
            if name != "data" && name != "serve.log" {
                files.push(name);
            }
        }
        files.sort();
        files
    };
    let before = outside(reg.path());
    let d = sha256(&blob);
    for name in [
        "..%2f..%2fescape",
        "%2e%2e/%2e%2e/escape",
        "safe/../../escape",
        "safe/%2e%2e%2f%2e%2e%2fescape",
        "safe/app%00/x",
        "..",
        "safe//app",
    ] {
        for (method, path) in [
            ("GET", format!("/v2/{name}/blobs/{d}")),
            ("PUT", format!("/v2/{name}/manifests/v1")),
            ("POST", format!("/v2/{name}/blobs/uploads/?digest={d}")),
        ] {
            let r = reg.req(
                method,
                &path,
                &[&format!("Content-Type: {OCI_MANIFEST}")],
                Some(b"{}"),
            );
            assert!(
                (400..500).contains(&r.status),
                "{method} {path}: {}",
                r.status
            );
        }
    }
    assert_eq!(
        outside(reg.path()),
        before,
        "a file appeared outside the storage root"
    );
    assert!(!reg.path().parent().unwrap().join("escape").exists());
    still_serves(&reg, "safe/app", &blob);
}

#[test]
fn oversized_heads_are_refused_without_a_5xx() {
    let reg = plain(false, "");
    let blob = b"before the large heads".to_vec();
    reg.push_blob("head/app", &blob);
    let long_header = format!(
        "GET /v2/ HTTP/1.1\r\nHost: x\r\nX-Big: {}\r\n\r\n",
        "a".repeat(256 * 1024)
    );
    let long_path = format!(
        "GET /v2/{}/tags/list HTTP/1.1\r\nHost: x\r\n\r\n",
        "a/".repeat(64 * 1024)
    );
    for request in [long_header, long_path] {
        let mut s = connect(&reg);
        // The server may refuse (and close) before reading it all.
        let _ = s.write_all(request.as_bytes());
        let got = read_until_closed(&mut s, Duration::from_secs(5)).unwrap_or_default();
        let answer = String::from_utf8_lossy(&got);
        if !answer.is_empty() {
            assert!(
                (400..500).contains(&status_of(&answer)),
                "{}",
                &answer[..answer.len().min(200)]
            );
        }
    }
    still_serves(&reg, "head/app", &blob);
}

const H2_PREFACE: &[u8] = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";

fn h2_frame(kind: u8, flags: u8, stream: u32, payload: &[u8]) -> Vec<u8> {
    let len = payload.len() as u32;
    let mut f = vec![(len >> 16) as u8, (len >> 8) as u8, len as u8, kind, flags];
    f.extend_from_slice(&stream.to_be_bytes());
    f.extend_from_slice(payload);
    f
}

/// HPACK for `GET /v2/` over http: `:method GET`, `:scheme http` from the
/// static table, `:path` and `:authority` as literals.
fn h2_get_headers() -> Vec<u8> {
    let mut h = vec![0x82, 0x86];
    h.push(0x04);
    h.push(4);
    h.extend_from_slice(b"/v2/");
    h.push(0x01);
    h.push(9);
    h.extend_from_slice(b"localhost");
    h
}

/// Writes `frames` as fast as the server takes them; the server may close
/// the connection (GOAWAY) part way, which is a fine answer.
fn flood(reg: &Registry, frames: impl Iterator<Item = Vec<u8>>) {
    let mut s = connect(reg);
    s.set_write_timeout(Some(Duration::from_secs(5))).unwrap();
    let _ = s.write_all(H2_PREFACE);
    let _ = s.write_all(&h2_frame(4, 0, 0, &[]));
    let mut batch = Vec::new();
    for f in frames {
        batch.extend_from_slice(&f);
        if batch.len() > 64 * 1024 {
            if s.write_all(&batch).is_err() {
                return;
            }
            batch.clear();
        }
    }
    let _ = s.write_all(&batch);
    let _ = read_until_closed(&mut s, Duration::from_secs(3));
}

#[test]
fn http2_floods_leave_the_server_responsive() {
    let reg = plain(false, "");
    let blob = b"before the HTTP/2 floods".to_vec();
    reg.push_blob("h2/app", &blob);
    let pid = reg.pid();

    // Rapid reset (CVE-2023-44487): open a stream and cancel it, 20,000 times.
    flood(
        &reg,
        (0..20_000u32).flat_map(|i| {
            let stream = 2 * i + 1;
            [
                h2_frame(1, 0x5, stream, &h2_get_headers()),
                h2_frame(3, 0, stream, &8u32.to_be_bytes()),
            ]
        }),
    );
    still_serves(&reg, "h2/app", &blob);

    // CONTINUATION flood (CVE-2024-27316 and kin): one header block that
    // never ends, 100 bytes at a time, 40 MB in all.
    let mut literal = vec![0x00, 3];
    literal.extend_from_slice(b"x-a");
    literal.push(93);
    literal.extend_from_slice(&[b'b'; 93]);
    flood(
        &reg,
        std::iter::once(h2_frame(1, 0x1, 1, &h2_get_headers()))
            .chain((0..400_000).map(|_| h2_frame(9, 0, 1, &literal))),
    );
    still_serves(&reg, "h2/app", &blob);
    let rss = vm_rss_kib(pid);
    println!("resident after the floods: {rss} KiB");
    assert!(rss < 200 * 1024, "the floods left {rss} KiB resident");
}
