//! Helpers shared by the integration tests: run regctl and real tools, and
//! fail loudly when a tool is missing (`scripts/test` installs them).

use std::path::Path;
use std::process::{Command, Output, Stdio};

/// Serialises the tests that change the real host (system trust store,
/// /etc/docker, the Docker engine), which run in one process now: the
/// guard is held for the whole test, and a panic does not poison it.
pub(crate) fn host_lock() -> std::sync::MutexGuard<'static, ()> {
    static LOCK: std::sync::Mutex<()> = std::sync::Mutex::new(());
    LOCK.lock().unwrap_or_else(|p| p.into_inner())
}

/// The regctl binary under test, with a clean environment for its own vars.
pub(crate) fn regctl() -> assert_cmd::Command {
    let mut c = assert_cmd::Command::cargo_bin("regctl").expect("regctl binary");
    c.env_remove("REGCTL_DIR");
    c
}

/// Panics with an install hint when `tool` is not on PATH. Tests never skip.
pub(crate) fn require(tool: &str) {
    if which(tool).is_none() {
        panic!(
            "`{tool}` is required by this test but not installed; run scripts/test, which installs it"
        );
    }
}

/// Where `tool` is on PATH.
pub(crate) fn which(tool: &str) -> Option<std::path::PathBuf> {
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|p| p.join(tool))
            .find(|p| p.is_file())
    })
}

/// Runs a real program and returns its output (never panics on failure).
pub(crate) fn run(program: &str, args: &[&str], dir: &Path) -> Output {
    require(program);
    Command::new(program)
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("cannot run {program}: {e}"))
}

/// Runs a program and panics with its output unless it succeeds.
pub(crate) fn run_ok(program: &str, args: &[&str], dir: &Path) -> String {
    let out = run(program, args, dir);
    assert!(
        out.status.success(),
        "{program} {args:?} failed: {}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// stdout and stderr together, for assertions on messages.
pub(crate) fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// Mode bits of a file.
pub(crate) fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

/// A snapshot of every file under `dir` (path, bytes, mode) to prove a
/// refused command changed nothing.
pub(crate) fn snapshot(dir: &Path) -> Vec<(String, Vec<u8>, u32)> {
    let mut out = Vec::new();
    if dir.exists() {
        walk(dir, dir, &mut out);
    }
    out.sort();
    out
}

fn walk(root: &Path, dir: &Path, out: &mut Vec<(String, Vec<u8>, u32)>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            walk(root, &path, out);
        } else {
            let rel = path.strip_prefix(root).unwrap().display().to_string();
            out.push((rel, std::fs::read(&path).unwrap(), mode(&path)));
        }
    }
}

/// An openssl-made CA in `dir` as `<name>.crt`/`<name>.key`.
pub(crate) fn openssl_ca(dir: &Path, name: &str) {
    run_ok(
        "openssl",
        &[
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-nodes",
            "-keyout",
            &format!("{name}.key"),
            "-out",
            &format!("{name}.crt"),
            "-subj",
            &format!("/CN={name}"),
            "-days",
            "30",
            "-addext",
            "basicConstraints=critical,CA:TRUE",
            "-addext",
            "keyUsage=critical,keyCertSign,cRLSign",
        ],
        dir,
    );
}

/// An openssl-made leaf `<name>.crt`/`<name>.key` signed by CA `ca`, with
/// exactly the extensions in `ext` (one per line) and validity `days`.
pub(crate) fn openssl_leaf(dir: &Path, ca: &str, name: &str, ext: &str, days: &str) {
    std::fs::write(dir.join(format!("{name}.ext")), ext).unwrap();
    run_ok(
        "openssl",
        &[
            "req",
            "-new",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-nodes",
            "-keyout",
            &format!("{name}.key"),
            "-out",
            &format!("{name}.csr"),
            "-subj",
            "/CN=reg.lan",
        ],
        dir,
    );
    run_ok(
        "openssl",
        &[
            "x509",
            "-req",
            "-in",
            &format!("{name}.csr"),
            "-CA",
            &format!("{ca}.crt"),
            "-CAkey",
            &format!("{ca}.key"),
            "-CAcreateserial",
            "-days",
            days,
            "-extfile",
            &format!("{name}.ext"),
            "-out",
            &format!("{name}.crt"),
        ],
        dir,
    );
}
pub(crate) mod oci;
pub(crate) mod registry;

/// Kills and reaps a spawned process when dropped, so a failing test never
/// leaves a server running.
pub(crate) struct ChildGuard(pub std::process::Child);

impl Drop for ChildGuard {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Polls `done` every `step` until it holds, and fails the test with
/// `why()` once `timeout` has passed: waits on a slow machine are bounded by
/// the deadline, not by a fixed sleep, and a stuck one says what it awaited.
pub(crate) fn wait_until(
    timeout: std::time::Duration,
    step: std::time::Duration,
    mut done: impl FnMut() -> bool,
    why: impl Fn() -> String,
) {
    let deadline = std::time::Instant::now() + timeout;
    while !done() {
        assert!(std::time::Instant::now() < deadline, "{}", why());
        std::thread::sleep(step);
    }
}

/// Waits until something listens on a loopback port; `why` explains a
/// timeout (e.g. the server's log).
pub(crate) fn wait_for_port(port: u16, why: impl Fn() -> String) {
    wait_until(
        std::time::Duration::from_secs(20),
        std::time::Duration::from_millis(30),
        || std::net::TcpStream::connect(("127.0.0.1", port)).is_ok(),
        || format!("nothing listens on {port}: {}", why()),
    );
}
