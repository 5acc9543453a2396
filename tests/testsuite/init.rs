//! `regctl init` end to end: from an empty directory to a running registry
//! that skopeo pushes to and pulls from using only the generated files;
//! idempotent re-runs; `--dry-run`; refusals that write nothing; a failure
//! in the middle that a re-run finishes; and the wizard through a real
//! pseudo-terminal.

use std::path::{Path, PathBuf};

use crate::common::oci::Layout;
use crate::common::registry::free_port;
use crate::common::{mode, regctl, require, run, run_ok, snapshot, text};

/// Stops the registry of a directory when the test ends, however it ends.
struct Stopper(PathBuf);

impl Drop for Stopper {
    fn drop(&mut self) {
        let _ = in_dir(&self.0, "stop");
    }
}

/// `regctl --dir DIR COMMAND` (start, stop, status, logs).
fn in_dir(dir: &Path, command: &str) -> std::process::Output {
    regctl()
        .arg("--dir")
        .arg(dir)
        .arg(command)
        .output()
        .unwrap()
}

fn init(dir: &Path, port: u16, extra: &[&str], stdin: &str) -> std::process::Output {
    regctl()
        .arg("--dir")
        .arg(dir)
        .args([
            "init",
            "--yes",
            "--port",
            &port.to_string(),
            "--trust",
            "none",
        ])
        .args(extra)
        .write_stdin(stdin)
        .output()
        .unwrap()
}

fn skopeo(dir: &Path, creds: &str, args: &[&str]) -> std::process::Output {
    require("skopeo");
    // Only the generated CA: skopeo reads every *.crt in the directory.
    let certs = dir.join("skopeo-certs");
    std::fs::create_dir_all(&certs).unwrap();
    std::fs::copy(dir.join("certs/ca.crt"), certs.join("ca.crt")).unwrap();
    let certs = certs.display().to_string();
    let mut full: Vec<&str> = vec![args[0]];
    if args[0] == "copy" {
        full.extend(["--dest-cert-dir", &certs, "--dest-creds", creds]);
        full.extend(["--src-cert-dir", &certs, "--src-creds", creds]);
    } else {
        full.extend(["--cert-dir", &certs, "--creds", creds]);
    }
    full.extend(&args[1..]);
    run("skopeo", &full, Path::new("."))
}

/// Everything in the directory except what a running registry changes.
fn files_at_rest(dir: &Path) -> Vec<(String, Vec<u8>, u32)> {
    snapshot(dir)
        .into_iter()
        .filter(|(p, _, _)| {
            !p.starts_with("data/") && !p.starts_with("regctl-serve.") && !p.starts_with("skopeo-")
        })
        .collect()
}

#[test]
fn yes_on_an_empty_directory_ends_with_a_registry_skopeo_uses() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("reg");
    let port = free_port();
    let _stop = Stopper(dir.clone());
    let out = init(&dir, port, &["--password-stdin"], "hunter2-long\n");
    let log = text(&out);
    assert!(out.status.success(), "{log}");
    for step in [
        "TLS handshake",
        "login",
        "push blob",
        "push manifest",
        "pull and verify",
        "clean up",
    ] {
        assert!(log.contains(&format!("ok  {step}")), "{step}: {log}");
    }
    assert!(log.contains(&format!(":{port} -u admin")), "{log}");
    assert!(!log.contains("hunter2-long"), "the password was printed");

    // The generated files, with their modes, checked by the real tools.
    for (file, want) in [
        ("certs/ca.key", 0o600),
        ("certs/registry.key", 0o600),
        ("auth/htpasswd", 0o600),
        ("config.yml", 0o600),
        ("certs/ca.crt", 0o644),
        ("regctl.yaml", 0o644),
    ] {
        assert_eq!(mode(&dir.join(file)), want, "{file}");
    }
    run_ok(
        "openssl",
        &[
            "verify",
            "-CAfile",
            "certs/ca.crt",
            "-purpose",
            "sslserver",
            "-verify_ip",
            "127.0.0.1",
            "certs/registry.crt",
        ],
        &dir,
    );
    run_ok(
        "htpasswd",
        &["-vb", "auth/htpasswd", "admin", "hunter2-long"],
        &dir,
    );
    let answers = std::fs::read_to_string(dir.join("regctl.yaml")).unwrap();
    assert!(!answers.contains("hunter2"), "{answers}");

    // skopeo pushes and pulls through 127.0.0.1 with only certs/ca.crt.
    let src = tmp.path().join("src");
    let layout = Layout::new(&src);
    let layer = layout.tar_layer("hello.txt", b"hello from init\n");
    let image = layout.image("amd64", &[layer]);
    layout.tag_all(&[("v1", &image)]);
    let creds = "admin:hunter2-long";
    let dest = format!("docker://127.0.0.1:{port}/team/hello:v1");
    let out = skopeo(
        &dir,
        creds,
        &[
            "copy",
            "--preserve-digests",
            &format!("oci:{}:v1", src.display()),
            &dest,
        ],
    );
    assert!(out.status.success(), "{}", text(&out));
    let back = tmp.path().join("back");
    let out = skopeo(
        &dir,
        creds,
        &[
            "copy",
            "--preserve-digests",
            &dest,
            &format!("oci:{}:v1", back.display()),
        ],
    );
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(Layout::new(&back).digest_of("v1"), image.digest);
    let bad = skopeo(&dir, "admin:wrong", &["inspect", &dest]);
    assert!(!bad.status.success(), "a wrong password was accepted");

    // A second run changes nothing and still proves the registry works.
    let before = files_at_rest(&dir);
    let pid = std::fs::read_to_string(dir.join("regctl-serve.pid")).unwrap();
    let again = init(&dir, port, &["--password-stdin"], "hunter2-long\n");
    let log2 = text(&again);
    assert!(again.status.success(), "{log2}");
    assert!(
        !log2.contains("create ") && !log2.contains("REPLACE"),
        "{log2}"
    );
    assert!(log2.contains("ok  login"), "{log2}");
    assert_eq!(files_at_rest(&dir), before, "the second run changed files");
    assert_eq!(
        std::fs::read_to_string(dir.join("regctl-serve.pid")).unwrap(),
        pid,
        "the second run restarted the registry"
    );

    // status, logs, stop.
    let status = in_dir(&dir, "status");
    assert!(status.status.success(), "{}", text(&status));
    assert!(text(&status).contains("answers 401"), "{}", text(&status));
    let logs = in_dir(&dir, "logs");
    assert!(text(&logs).contains("/v2/"), "{}", text(&logs));
    let stop = in_dir(&dir, "stop");
    assert!(text(&stop).contains("stopped"), "{}", text(&stop));
    let status = in_dir(&dir, "status");
    assert_eq!(status.status.code(), Some(3), "{}", text(&status));
    assert!(std::net::TcpListener::bind(("127.0.0.1", port)).is_ok());
}

#[test]
fn generated_password_is_kept_in_a_private_file_and_works() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("reg");
    let _stop = Stopper(dir.clone());
    let out = init(&dir, free_port(), &["--user", "ci"], "");
    let log = text(&out);
    assert!(out.status.success(), "{log}");
    let file = dir.join("auth/ci.password");
    assert_eq!(mode(&file), 0o600);
    let pw = std::fs::read_to_string(&file).unwrap().trim().to_string();
    assert!(pw.len() >= 20, "{pw}");
    assert!(
        log.contains(&pw),
        "the password is shown once in the summary"
    );
    run_ok("htpasswd", &["-vb", "auth/htpasswd", "ci", &pw], &dir);
    assert!(log.contains("ok  login"), "{log}");
}

#[test]
fn dry_run_writes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("reg");
    let out = init(&dir, free_port(), &["--dry-run"], "");
    let log = text(&out);
    assert!(out.status.success(), "{log}");
    assert!(!dir.exists(), "--dry-run created the directory");
    for line in [
        "certs/ca.key 0600",
        "auth/htpasswd 0600",
        "config.yml (0600)",
        "regctl.yaml (0644)",
        "in the background",
        "self-test",
    ] {
        assert!(log.contains(line), "{line}: {log}");
    }

    // On an existing directory too: nothing changes.
    let port = free_port();
    let out = init(&dir, port, &["--no-start"], "");
    assert!(out.status.success(), "{}", text(&out));
    let before = snapshot(&dir);
    let out = init(&dir, port, &["--dry-run", "--host", "other.lan"], "");
    let log = text(&out);
    assert!(log.contains("REPLACE"), "{log}");
    assert_eq!(snapshot(&dir), before);
}

#[test]
fn bad_input_is_refused_and_writes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("reg");
    let refused = |extra: &[&str], want: &str| {
        let out = init(&dir, free_port(), extra, "");
        let log = text(&out);
        assert!(!out.status.success(), "{extra:?} was accepted: {log}");
        assert!(log.contains(want), "{extra:?}: want `{want}` in {log}");
        assert!(!dir.exists(), "{extra:?} wrote {}", dir.display());
    };
    refused(&["--host", "bad_host!"], "hosts[0]");
    let out = regctl()
        .arg("--dir")
        .arg(&dir)
        .args(["init", "--yes", "--trust", "keychain"])
        .output()
        .unwrap();
    assert!(
        text(&out).contains("unknown store `keychain`"),
        "{}",
        text(&out)
    );
    refused(&["--trust", "docker"], "--trust none cannot be combined");
    refused(&["--user", "a:b"], "users[0]");
    refused(&["--replicas", "0"], "replicas");
    let missing = tmp.path().join("missing.yaml");
    refused(
        &["--config", missing.to_str().unwrap()],
        "cannot read the answers file",
    );
    let broken = tmp.path().join("broken.yaml");
    std::fs::write(&broken, "hosts: [a.lan]\nport: many\n").unwrap();
    refused(&["--config", broken.to_str().unwrap()], "is not valid");

    let out = regctl()
        .arg("--dir")
        .arg(&dir)
        .args(["init", "--yes", "--port", "99999"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(text(&out).contains("--port"), "{}", text(&out));

    // A port something else listens on: refused, with a free one named.
    let busy = std::net::TcpListener::bind("0.0.0.0:0").unwrap();
    let port = busy.local_addr().unwrap().port();
    let out = init(&dir, port, &[], "");
    let log = text(&out);
    assert!(!out.status.success(), "{log}");
    assert!(
        log.contains(&format!("port {port} is already in use")),
        "{log}"
    );
    assert!(log.contains("is free"), "{log}");
    assert!(!dir.exists());
}

#[test]
fn brought_certificates_are_checked_before_anything_is_written() {
    let tmp = tempfile::tempdir().unwrap();
    let pki = tmp.path().join("pki");
    std::fs::create_dir_all(&pki).unwrap();
    crate::common::openssl_ca(&pki, "corp");
    crate::common::openssl_leaf(
        &pki,
        "corp",
        "srv",
        "subjectAltName=DNS:reg.corp.lan\nextendedKeyUsage=serverAuth",
        "90",
    );
    crate::common::openssl_leaf(
        &pki,
        "corp",
        "other",
        "subjectAltName=DNS:reg.corp.lan\nextendedKeyUsage=serverAuth",
        "90",
    );
    let p = |f: &str| pki.join(f).display().to_string();
    let dir = tmp.path().join("reg");
    let tls = |host: &str, key: &str| {
        vec![
            "--tls".to_string(),
            "provided".into(),
            "--host".into(),
            host.into(),
            "--cert".into(),
            p("srv.crt"),
            "--key".into(),
            p(key),
            "--ca".into(),
            p("corp.crt"),
            "--no-start".into(),
        ]
    };
    let go = |args: Vec<String>| {
        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
        init(&dir, free_port(), &refs, "")
    };
    let out = go(tls("reg.other.lan", "srv.key"));
    assert!(!out.status.success());
    assert!(
        text(&out).contains("cannot serve reg.other.lan"),
        "{}",
        text(&out)
    );
    let out = go(tls("reg.corp.lan", "other.key"));
    assert!(!out.status.success());
    assert!(text(&out).contains("does not belong"), "{}", text(&out));
    assert!(!dir.exists());

    let out = go(tls("reg.corp.lan", "srv.key"));
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(
        std::fs::read(dir.join("certs/ca.crt")).unwrap(),
        std::fs::read(pki.join("corp.crt")).unwrap()
    );
    assert_eq!(mode(&dir.join("certs/registry.key")), 0o600);
    assert!(
        !dir.join("certs/ca.key").exists(),
        "no CA key is made or copied"
    );
    run_ok(
        "openssl",
        &["verify", "-CAfile", "certs/ca.crt", "certs/registry.crt"],
        &dir,
    );
}

#[test]
fn a_failure_in_the_middle_is_reported_and_a_rerun_finishes() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("reg");
    let port = free_port();
    let _stop = Stopper(dir.clone());
    // The data directory's place is taken by a file: the start step fails.
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("data"), "in the way").unwrap();
    let out = init(&dir, port, &[], "");
    let log = text(&out);
    assert!(!out.status.success(), "{log}");
    assert!(log.contains("failed"), "{log}");
    assert!(log.contains("already done"), "{log}");
    assert!(log.contains("run `regctl init` again"), "{log}");
    assert!(dir.join("certs/registry.crt").exists());
    let ca = std::fs::read(dir.join("certs/ca.crt")).unwrap();

    std::fs::remove_file(dir.join("data")).unwrap();
    let out = init(&dir, port, &[], "");
    let log = text(&out);
    assert!(out.status.success(), "{log}");
    assert!(log.contains("ok  login"), "{log}");
    assert_eq!(
        std::fs::read(dir.join("certs/ca.crt")).unwrap(),
        ca,
        "the CA was replaced"
    );
}

#[test]
fn trust_is_installed_into_the_chosen_stores_staged_under_a_root() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("reg");
    let root = tmp.path().join("root");
    let port = free_port();
    let out = regctl()
        .arg("--dir")
        .arg(&dir)
        .args(["init", "--yes", "--no-start", "--host", "reg.lan"])
        .args(["--port", &port.to_string()])
        .args(["--trust", "docker", "--trust", "podman", "--trust-root"])
        .arg(&root)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    let ca = std::fs::read(dir.join("certs/ca.crt")).unwrap();
    for store in ["etc/docker/certs.d", "etc/containers/certs.d"] {
        let file = root.join(store).join(format!("reg.lan:{port}/ca.crt"));
        assert_eq!(std::fs::read(&file).unwrap(), ca, "{}", file.display());
    }
    // The ledger lets `trust uninstall` take it back out.
    let out = regctl()
        .arg("--dir")
        .arg(&dir)
        .args([
            "trust",
            "uninstall",
            "--registry",
            &format!("reg.lan:{port}"),
            "--root",
        ])
        .arg(&root)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        !root
            .join(format!("etc/docker/certs.d/reg.lan:{port}/ca.crt"))
            .exists()
    );
}

#[test]
fn plain_http_works_and_is_called_insecure() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("reg");
    let _stop = Stopper(dir.clone());
    let out = init(
        &dir,
        free_port(),
        &["--tls", "none", "--password-stdin"],
        "pw-for-http\n",
    );
    let log = text(&out);
    assert!(out.status.success(), "{log}");
    assert!(
        log.contains("ok  login") && !log.contains("TLS handshake"),
        "{log}"
    );
    assert!(log.contains("WARNING: plain HTTP"), "{log}");
    assert!(log.contains("insecure-registries"), "{log}");
    assert!(!dir.join("certs").exists());
}

// The pty helpers set termios before `exec` and read it back.
#[allow(unsafe_code)]
mod wizard {
    use super::*;
    use rexpect::session::{PtySession, spawn_with_options};

    fn session(dir: &Path, extra: &[&str]) -> PtySession {
        let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("regctl"));
        cmd.env_remove("REGCTL_DIR")
            .env("TERM", "dumb")
            .arg("--dir")
            .arg(dir)
            .args(["init", "--trust-root"])
            .arg(dir.with_extension("root"))
            .args(extra);
        // rexpect turns echo off on the pty; a person's terminal has it on,
        // and `type_hidden` needs the hidden prompt's switch to be visible.
        // SAFETY: only async-signal-safe calls on the child's own stdin.
        unsafe {
            std::os::unix::process::CommandExt::pre_exec(&mut cmd, || {
                let mut t = termios(0)?;
                t.c_lflag |= libc::ECHO;
                if libc::tcsetattr(0, libc::TCSANOW, &t) != 0 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
        spawn_with_options(
            cmd,
            rexpect::reader::Options::new()
                .timeout_ms(Some(60_000))
                .strip_ansi_escape_codes(true),
        )
        .unwrap()
    }

    const ENTER: &str = "\r";

    /// A terminal's settings; no allocation, so it may run before `exec`.
    fn termios(fd: std::os::fd::RawFd) -> std::io::Result<libc::termios> {
        let mut t = std::mem::MaybeUninit::<libc::termios>::uninit();
        // SAFETY: a pointer to space for one termios; on success it is filled.
        unsafe {
            if libc::tcgetattr(fd, t.as_mut_ptr()) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(t.assume_init())
        }
    }

    /// Sends keys and flushes (rexpect buffers what it sends).
    fn press(p: &mut PtySession, keys: &str) {
        p.send(keys).unwrap();
        p.flush().unwrap();
    }

    /// Types a line into a hidden (password) prompt once that prompt reads.
    ///
    /// The prompt text appears before the terminal is switched to no-echo,
    /// and that switch discards pending input (`TCSAFLUSH`, as `getpass`
    /// does), so a line sent on seeing the text alone can be lost. Echo
    /// turning off on the pty is the sign that the flush is over.
    fn type_hidden(p: &mut PtySession, line: &str) {
        use std::os::fd::AsRawFd;
        let pty = p.process().get_file_handle().unwrap();
        // On Linux a pty master's termios calls act on its terminal side.
        crate::common::wait_until(
            std::time::Duration::from_secs(60),
            std::time::Duration::from_millis(5),
            || termios(pty.as_raw_fd()).unwrap().c_lflag & libc::ECHO == 0,
            || "the password prompt never turned echo off".into(),
        );
        p.send_line(line).unwrap();
    }

    #[test]
    fn a_person_answers_each_step_and_gets_a_working_registry() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("reg");
        let _stop = Stopper(dir.clone());
        let port = free_port();
        let mut p = session(&dir, &[]);
        p.exp_string("Step 1/8: Target").unwrap();
        p.exp_string("Where does the registry run?").unwrap();
        press(&mut p, ENTER); // local
        p.exp_string("Step 2/8").unwrap();
        p.exp_string("Host names and IPs").unwrap();
        p.send_line("Reg.Example.Lan, 127.0.0.1").unwrap();
        p.exp_string("Port").unwrap();
        // An invalid port is refused inline, then a good one is accepted.
        p.send_line("0").unwrap();
        p.exp_string("1-65535").unwrap();
        p.send_line(&port.to_string()).unwrap();
        p.exp_string("Step 3/8: TLS").unwrap();
        press(&mut p, ENTER); // own CA
        p.exp_string("Step 4/8: Users").unwrap();
        p.exp_string("htpasswd users").unwrap();
        p.send_line("alice").unwrap();
        p.exp_string("Step 5/8: Storage").unwrap();
        p.exp_string("Data directory").unwrap();
        p.send_line("").unwrap();
        p.exp_string("Allow deleting").unwrap();
        press(&mut p, "y"); // a confirm takes one key
        p.exp_string("Garbage collection schedule").unwrap();
        p.send_line("0 4 * * *").unwrap();
        p.exp_string("Step 6/8: Options").unwrap();
        p.exp_string("Step 7/8: Trust").unwrap();
        p.exp_string("Install the CA into").unwrap();
        press(&mut p, ENTER); // nothing detected under the empty root
        p.exp_string("Password for alice").unwrap();
        press(&mut p, "j"); // down: type it
        press(&mut p, ENTER);
        p.exp_string("Password for alice:").unwrap();
        type_hidden(&mut p, "wizard-pass-1");
        p.exp_string("Repeat it").unwrap();
        type_hidden(&mut p, "wizard-pass-1");
        p.exp_string("Step 8/8: Summary").unwrap();
        p.exp_string("for reg.example.lan, 127.0.0.1").unwrap();
        p.exp_string("Apply?").unwrap();
        press(&mut p, "y");
        p.exp_string("ok  clean up").unwrap();
        p.exp_eof().unwrap();

        let answers = std::fs::read_to_string(dir.join("regctl.yaml")).unwrap();
        assert!(answers.contains("reg.example.lan"), "{answers}");
        assert!(answers.contains("0 4 * * *"), "{answers}");
        run_ok(
            "htpasswd",
            &["-vb", "auth/htpasswd", "alice", "wizard-pass-1"],
            &dir,
        );
        let status = in_dir(&dir, "status");
        assert!(text(&status).contains("answers 401"), "{}", text(&status));
    }

    #[test]
    fn ctrl_c_in_the_middle_writes_nothing() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("reg");
        let mut p = session(&dir, &["--port", &free_port().to_string()]);
        p.exp_string("Step 1/8").unwrap();
        press(&mut p, ENTER);
        p.exp_string("Host names and IPs").unwrap();
        p.send_control('c').unwrap();
        p.exp_eof().unwrap();
        assert!(
            !dir.exists(),
            "an interrupted wizard wrote {}",
            dir.display()
        );

        // Declining "Apply?" writes nothing either.
        let mut p = session(&dir, &["--port", &free_port().to_string()]);
        for (prompt, key) in [
            ("Where does the registry run?", ENTER),
            ("Host names and IPs", ENTER),
            ("Port", ENTER),
            ("How do clients trust", ENTER),
            ("htpasswd users", ENTER),
            ("Data directory", ENTER),
            ("Allow deleting", "y"),
            ("Garbage collection schedule", ENTER),
            ("Install the CA into", ENTER),
            ("Password for admin", ENTER),
            ("Apply?", "n"),
        ] {
            p.exp_string(prompt).unwrap();
            press(&mut p, key);
        }
        p.exp_string("nothing was changed").unwrap();
        p.exp_eof().unwrap();
        assert!(!dir.exists(), "declining the plan wrote {}", dir.display());
    }
}

#[test]
fn plain_http_with_named_stores_allows_it_there() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("reg");
    let root = tmp.path().join("root");
    let out = regctl()
        .arg("--dir")
        .arg(&dir)
        .args([
            "init",
            "--yes",
            "--no-start",
            "--tls",
            "none",
            "--host",
            "reg.lan",
        ])
        .args(["--port", "5000", "--trust", "docker", "--trust-root"])
        .arg(&root)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("INSECURE"), "{}", text(&out));
    let daemon = std::fs::read_to_string(root.join("etc/docker/daemon.json")).unwrap();
    assert!(daemon.contains("\"reg.lan:5000\""), "{daemon}");
}

#[test]
fn no_detected_trust_store_is_said_not_skipped_silently() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("reg");
    let out = regctl()
        .arg("--dir")
        .arg(&dir)
        .args([
            "init",
            "--yes",
            "--no-start",
            "--port",
            "5000",
            "--trust-root",
        ])
        .arg(tmp.path().join("empty-root"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        text(&out).contains("no trust store found") && text(&out).contains("--trust STORE"),
        "{}",
        text(&out)
    );
}
