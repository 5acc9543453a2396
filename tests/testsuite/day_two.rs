//! Day two: what people run once the registry exists. The registry
//! directory (regctl.yaml and the files beside it) is the one truth every
//! command reads and keeps true. One test per defect of issue 22, named
//! after it, and the local end-to-end run.

use std::path::{Path, PathBuf};
use std::process::Output;

use crate::common::registry::free_port;
use crate::common::{mode, regctl, require, run, run_ok, snapshot, text};

/// A registry directory in a temporary place, and regctl with `--dir` on it.
struct Reg {
    _tmp: tempfile::TempDir,
    dir: PathBuf,
}

impl Reg {
    fn new() -> Reg {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("reg");
        Reg { _tmp: tmp, dir }
    }

    fn tmp(&self) -> &Path {
        self._tmp.path()
    }

    fn run(&self, args: &[&str]) -> Output {
        self.run_in(args, "")
    }

    fn run_in(&self, args: &[&str], stdin: &str) -> Output {
        regctl()
            .arg("--dir")
            .arg(&self.dir)
            .args(args)
            .write_stdin(stdin)
            .output()
            .unwrap()
    }

    fn ok(&self, args: &[&str]) -> String {
        self.ok_in(args, "")
    }

    fn ok_in(&self, args: &[&str], stdin: &str) -> String {
        let out = self.run_in(args, stdin);
        assert!(out.status.success(), "{args:?}: {}", text(&out));
        text(&out)
    }

    /// `init --yes` without starting anything or touching trust stores.
    fn init_quiet(&self, extra: &[&str]) -> String {
        let port = free_port().to_string();
        let mut args = vec![
            "init",
            "--yes",
            "--no-start",
            "--store",
            "none",
            "--port",
            &port,
        ];
        args.extend_from_slice(extra);
        self.ok_in(&args, "first-password\n")
    }

    fn answers(&self) -> String {
        std::fs::read_to_string(self.dir.join("regctl.yaml")).unwrap()
    }

    fn file(&self, rel: &str) -> PathBuf {
        self.dir.join(rel)
    }
}

/// Stops the registry and takes its trust out of the real host when the
/// test ends, however it ends.
struct Cleanup<'a>(&'a Reg);

impl Drop for Cleanup<'_> {
    fn drop(&mut self) {
        let _ = self.0.run(&["stop"]);
        let _ = self.0.run(&["trust", "uninstall"]);
    }
}

fn serial_served(port: u16) -> String {
    let out = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!(
            "openssl s_client -connect 127.0.0.1:{port} </dev/null 2>/dev/null | openssl x509 -noout -serial"
        ))
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

fn curl_status(url: &str, creds: Option<&str>) -> String {
    let mut args = vec!["-sS", "-o", "/dev/null", "-w", "%{http_code}"];
    if let Some(c) = creds {
        args.extend(["-u", c]);
    }
    args.push(url);
    let out = run("curl", &args, Path::new("."));
    String::from_utf8_lossy(&out.stdout).to_string()
}

/// What a registry (`stem`, as `regctl-HOST-PORT`) left in the system
/// store: anchors, links in /etc/ssl/certs (dangling or not) and Debian's
/// Java keystore entries.
fn system_store_traces(stem: &str) -> Vec<String> {
    let mut found = Vec::new();
    for dir in ["/usr/local/share/ca-certificates", "/etc/ssl/certs"] {
        for e in std::fs::read_dir(dir).unwrap().flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            let target = std::fs::read_link(e.path())
                .map(|t| t.display().to_string())
                .unwrap_or_default();
            if name.contains(stem) || target.contains(stem) {
                found.push(format!("{dir}/{name} -> {target}"));
            }
        }
    }
    let keystore = Path::new("/etc/ssl/certs/java/cacerts");
    if keystore.exists() {
        let list = run_ok(
            "keytool",
            &[
                "-list",
                "-keystore",
                "/etc/ssl/certs/java/cacerts",
                "-storepass",
                "changeit",
            ],
            Path::new("."),
        );
        found.extend(list.lines().filter(|l| l.contains(stem)).map(String::from));
    }
    found
}

#[test]
fn day_two_local_end_to_end() {
    let _host = crate::common::host_lock();
    for tool in ["curl", "openssl", "keytool", "update-ca-certificates"] {
        require(tool);
    }
    let r = Reg::new();
    let port = free_port();
    let _cleanup = Cleanup(&r);
    let out = r.ok_in(
        &[
            "init",
            "--yes",
            "--port",
            &port.to_string(),
            "--host",
            "127.0.0.1",
            "--store",
            "system",
            "--password-stdin",
        ],
        "admin-password\n",
    );
    assert!(out.contains("ran: update-ca-certificates"), "{out}");
    let url = format!("https://127.0.0.1:{port}/v2/");
    // The system store alone (no --cacert) verifies the registry.
    assert_eq!(curl_status(&url, Some("admin:admin-password")), "200");

    // A user: added, logs in, removed, refused: no restart.
    let pid = std::fs::read_to_string(r.file("regctl-serve.pid")).unwrap();
    r.ok_in(
        &["user", "add", "alice", "--password-stdin"],
        "alice-password\n",
    );
    assert!(r.answers().contains("alice"), "{}", r.answers());
    crate::common::wait_until(
        std::time::Duration::from_secs(10),
        std::time::Duration::from_millis(200),
        || curl_status(&url, Some("alice:alice-password")) == "200",
        || "alice cannot log in after user add".into(),
    );
    r.ok(&["user", "remove", "alice"]);
    crate::common::wait_until(
        std::time::Duration::from_secs(10),
        std::time::Duration::from_millis(200),
        || curl_status(&url, Some("alice:alice-password")) == "401",
        || "alice can still log in after user remove".into(),
    );

    // A re-run of init keeps her gone and touches no new store.
    let ledger = std::fs::read(r.file("trust-ledger.json")).unwrap();
    let rerun = r.ok(&["init", "--yes", "--port", &port.to_string()]);
    assert!(!rerun.contains("alice"), "{rerun}");
    assert!(!r.answers().contains("alice"), "{}", r.answers());
    assert_eq!(std::fs::read(r.file("trust-ledger.json")).unwrap(), ledger);
    assert!(r.answers().contains("trust:\n- system"), "{}", r.answers());

    // Renewal: a TLS client sees the new serial, the process is the same.
    let before = serial_served(port);
    let renewed = r.ok(&["cert", "renew"]);
    assert!(
        renewed.contains("now serves the new certificate"),
        "{renewed}"
    );
    assert_ne!(serial_served(port), before);
    assert_eq!(
        std::fs::read_to_string(r.file("regctl-serve.pid")).unwrap(),
        pid
    );

    // restart, status --json, logs -n.
    r.ok(&["restart"]);
    assert_ne!(
        std::fs::read_to_string(r.file("regctl-serve.pid")).unwrap(),
        pid
    );
    let status: serde_json::Value = serde_json::from_str(&r.ok(&["status", "--json"])).unwrap();
    assert_eq!(status["running"], true, "{status}");
    assert_eq!(status["answers"], 401, "{status}");
    let logs = r.run(&["logs", "-n", "3"]);
    assert_eq!(String::from_utf8_lossy(&logs.stdout).lines().count(), 3);

    // Uninstall leaves no anchor, link or keystore entry behind.
    let stem = format!("regctl-127.0.0.1-{port}");
    let before = system_store_traces(&stem);
    assert!(
        before.iter().any(|t| t.contains("debian:")),
        "the JDK keystore got it too: {before:?}"
    );
    let java = r.ok(&["trust", "status", "--store", "java"]);
    assert!(
        java.contains("installed through the system store"),
        "{java}"
    );
    let out = r.ok(&["trust", "uninstall"]);
    assert!(out.contains("update-ca-certificates --fresh"), "{out}");
    assert_eq!(system_store_traces(&stem), Vec::<String>::new());
    assert!(r.answers().contains("trust: []"), "{}", r.answers());
    assert_ne!(curl_status(&url, Some("admin:admin-password")), "200");
}

#[test]
fn compose_user_add_keeps_the_htpasswd_readable_by_the_container() {
    let r = Reg::new();
    r.init_quiet(&["--target", "compose", "--host", "reg.lan"]);
    r.ok_in(
        &["user", "add", "bob", "--password-stdin"],
        "bob-password\n",
    );
    let meta =
        std::os::unix::fs::MetadataExt::uid(&std::fs::metadata(r.file("auth/htpasswd")).unwrap());
    assert_eq!(meta, 65532, "the bundled image's user must own it");
    assert_eq!(mode(&r.file("auth/htpasswd")), 0o600);
    // The low-level tool keeps the owner too.
    r.ok_in(
        &["htpasswd", "add", "carol", "--password-stdin"],
        "carol-password\n",
    );
    let meta =
        std::os::unix::fs::MetadataExt::uid(&std::fs::metadata(r.file("auth/htpasswd")).unwrap());
    assert_eq!(meta, 65532);
    // And doctor names a file the container cannot read.
    std::os::unix::fs::chown(r.file("auth/htpasswd"), Some(0), Some(0)).unwrap();
    let out = r.run(&["doctor", "--push-test", "0", "--json"]);
    let checks: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let files = checks
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "files")
        .unwrap_or_else(|| panic!("no files check: {checks}"));
    assert_eq!(files["status"], "failure", "{files}");
    assert!(
        files["fix"].as_str().unwrap().contains("chown 65532"),
        "{files}"
    );
}

#[test]
fn lifecycle_commands_need_a_registry_and_say_so() {
    let r = Reg::new();
    for cmd in [
        &["status"][..],
        &["stop"],
        &["start"],
        &["restart"],
        &["logs"],
        &["user", "list"],
    ] {
        let out = r.run(cmd);
        assert!(!out.status.success(), "{cmd:?}");
        assert!(
            text(&out).contains("no registry in"),
            "{cmd:?}: {}",
            text(&out)
        );
        assert!(text(&out).contains("regctl init --dir"), "{}", text(&out));
    }
    assert!(!r.dir.exists(), "a read-only command created the directory");
}

#[test]
fn removed_users_stay_removed_on_a_rerun() {
    let r = Reg::new();
    r.init_quiet(&["--user", "admin"]);
    r.ok_in(
        &["htpasswd", "add", "bob", "--password-stdin"],
        "bob-password\n",
    );
    assert!(
        r.answers().contains("- bob"),
        "users added by htpasswd reach regctl.yaml"
    );
    r.ok(&["htpasswd", "remove", "bob"]);
    assert!(!r.answers().contains("bob"), "{}", r.answers());
    let plan = r.ok(&["init", "--yes", "--dry-run"]);
    assert!(!plan.contains("bob"), "{plan}");
    // `user remove` does the same.
    r.ok_in(
        &["user", "add", "dave", "--password-stdin"],
        "dave-password\n",
    );
    r.ok(&["user", "remove", "dave"]);
    let plan = r.ok(&["init", "--yes", "--dry-run"]);
    assert!(!plan.contains("dave"), "{plan}");
}

#[test]
fn trust_choices_are_recorded_and_kept() {
    let r = Reg::new();
    r.init_quiet(&["--host", "reg.lan"]);
    assert!(r.answers().contains("trust: []"), "{}", r.answers());
    let root = r.tmp().join("root");
    for d in [
        "etc/docker",
        "etc/containerd",
        "etc/containers",
        "usr/local/share/ca-certificates",
    ] {
        std::fs::create_dir_all(root.join(d)).unwrap();
    }
    // A re-run without --store keeps `none`, though stores exist under the root.
    let out = r.ok(&[
        "init",
        "--yes",
        "--no-start",
        "--root",
        root.to_str().unwrap(),
    ]);
    assert!(!out.contains("trust the CA for"), "{out}");
    assert_eq!(snapshot(&root).len(), 0);
    // Choosing docker records docker; later runs use docker only.
    r.ok(&[
        "init",
        "--yes",
        "--no-start",
        "--store",
        "docker",
        "--root",
        root.to_str().unwrap(),
    ]);
    assert!(r.answers().contains("trust:\n- docker"), "{}", r.answers());
    r.ok(&[
        "init",
        "--yes",
        "--no-start",
        "--root",
        root.to_str().unwrap(),
    ]);
    let files: Vec<String> = snapshot(&root).into_iter().map(|(p, _, _)| p).collect();
    assert!(
        files.iter().all(|f| f.starts_with("etc/docker/")),
        "{files:?}"
    );
}

#[test]
fn the_default_address_is_one_other_machines_reach() {
    let r = Reg::new();
    let plan = r.ok(&["init", "--yes", "--dry-run", "--store", "none"]);
    let first = plan
        .lines()
        .find_map(|l| {
            l.strip_prefix("Plan for ")
                .and_then(|l| l.split_once(" ("))
                .map(|(_, h)| h.to_string())
        })
        .unwrap();
    let host = first
        .trim_end_matches("):")
        .rsplit_once(':')
        .unwrap()
        .0
        .to_string();
    assert!(
        !["localhost", "127.0.0.1", "::1"].contains(&host.as_str()),
        "the registry's address is a loopback name: {plan}"
    );
    let resolves_to_loopback = std::net::ToSocketAddrs::to_socket_addrs(&(host.as_str(), 5000))
        .map(|mut a| a.all(|x| x.ip().is_loopback()))
        .unwrap_or(false);
    assert!(!resolves_to_loopback, "{host} resolves to loopback only");
    // Two CAs are never named alike.
    let a = Reg::new();
    let b = Reg::new();
    a.init_quiet(&[]);
    b.init_quiet(&[]);
    let cn = |r: &Reg| {
        run_ok(
            "openssl",
            &["x509", "-noout", "-subject", "-in", "certs/ca.crt"],
            &r.dir,
        )
    };
    assert_ne!(cn(&a), cn(&b));
    // Trust goes to every host clients may use.
    let root = r.tmp().join("root");
    std::fs::create_dir_all(root.join("etc/docker")).unwrap();
    r.init_quiet(&["--host", "reg.lan", "--host", "10.9.8.7"]);
    r.ok(&[
        "trust",
        "install",
        "--store",
        "docker",
        "--root",
        root.to_str().unwrap(),
    ]);
    let port = r
        .answers()
        .lines()
        .find_map(|l| l.strip_prefix("port: ").map(String::from))
        .unwrap();
    for h in ["reg.lan", "10.9.8.7"] {
        assert!(
            root.join(format!("etc/docker/certs.d/{h}:{port}/ca.crt"))
                .exists(),
            "{h}"
        );
    }
}

#[test]
fn closed_pipes_end_quietly() {
    let r = Reg::new();
    r.init_quiet(&["--host", "reg.lan"]);
    std::fs::write(r.file("regctl-serve.log"), "line\n".repeat(5000)).unwrap();
    let cert = r.file("certs/registry.crt").display().to_string();
    let config = r.file("config.yml").display().to_string();
    let render_out = r.tmp().join("render-out").display().to_string();
    for cmd in [
        vec!["logs", "-n", "5000"],
        vec!["cert", "inspect", &cert],
        vec!["trust", "status", "--store", "docker"],
        vec!["doctor", "--push-test", "0"],
        vec!["gc", "--dry-run", "--config", &config],
        vec!["status"],
        vec!["init", "--yes", "--dry-run"],
        vec!["serve", "--check-config", "--config", &config],
        vec!["user", "list"],
        vec!["completions", "bash"],
        vec!["man"],
        vec!["render", "--out", &render_out],
    ] {
        std::fs::create_dir_all(r.file("data")).unwrap();
        let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("regctl"))
            .arg("--dir")
            .arg(&r.dir)
            .args(&cmd)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .stdin(std::process::Stdio::null())
            .spawn()
            .unwrap();
        // The reader goes away at once, as `| head -0` or `| grep -q` does.
        drop(child.stdout.take());
        let out = child.wait_with_output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_ne!(out.status.code(), Some(101), "{cmd:?}: {err}");
        assert!(
            !err.contains("panicked") && !err.contains("Broken pipe"),
            "{cmd:?}: {err}"
        );
    }
}

#[test]
fn render_keeps_hand_edits_and_a_bare_render_writes_what_the_target_uses() {
    let r = Reg::new();
    r.init_quiet(&["--host", "reg.lan"]);
    let out = r.ok(&["render"]);
    assert!(
        out.contains("config.yml") && out.contains("regctl-registry.service"),
        "{out}"
    );
    assert!(
        !r.file("docker-compose.yml").exists() && !r.file("k8s").exists(),
        "{out}"
    );
    // An edit by hand is kept unless --force.
    let mut config = std::fs::read_to_string(r.file("config.yml")).unwrap();
    config = config.replace("level: info", "level: debug");
    std::fs::write(r.file("config.yml"), &config).unwrap();
    let refused = r.run(&["render"]);
    assert!(!refused.status.success());
    assert!(
        text(&refused).contains("changed by hand") && text(&refused).contains("--force"),
        "{}",
        text(&refused)
    );
    assert_eq!(
        std::fs::read_to_string(r.file("config.yml")).unwrap(),
        config
    );
    // An answer changed in regctl.yaml re-renders without --force.
    r.ok(&["render", "--force"]);
    let answers = r
        .answers()
        .replace("delete_enabled: true", "delete_enabled: false");
    std::fs::write(r.file("regctl.yaml"), answers).unwrap();
    r.ok(&["render"]);
    assert!(
        std::fs::read_to_string(r.file("config.yml"))
            .unwrap()
            .contains("enabled: false")
    );
    // init sees the same: an edited file needs --force, an untouched one is updated.
    let plan = r.ok(&["init", "--yes", "--dry-run", "--port", "5999"]);
    assert!(plan.contains("update config.yml"), "{plan}");
    assert!(
        plan.contains("+   addr: :5999"),
        "a diff of the change: {plan}"
    );
}

#[test]
fn values_that_cannot_work_are_refused() {
    let r = Reg::new();
    for (args, stdin, want) in [
        (
            vec!["cert", "issue", "--host", "reg.lan", "--days", "0"],
            "",
            "is not a number of days",
        ),
        (
            vec![
                "init", "--yes", "--tls", "none", "--cert", "x.crt", "--key", "x.key",
            ],
            "",
            "--cert and --key would be ignored",
        ),
        (
            vec!["init", "--yes", "--gc-schedule", "61 * * * *"],
            "",
            "minute `61`",
        ),
        (
            vec!["init", "--yes", "--password-stdin"],
            "short\n",
            "too short",
        ),
    ] {
        let out = r.run_in(&args, stdin);
        assert!(!out.status.success(), "{args:?}");
        assert!(text(&out).contains(want), "{args:?}: {}", text(&out));
    }
    assert!(!r.dir.exists());
    r.init_quiet(&[]);
    for (args, stdin) in [
        (vec!["user", "add", "eve", "--password-stdin"], "x\n"),
        (vec!["htpasswd", "add", "eve", "--password-stdin"], "x\n"),
        (
            vec!["user", "add", "bad user", "--password-stdin"],
            "long-enough-pw\n",
        ),
    ] {
        let out = r.run_in(&args, stdin);
        assert!(!out.status.success(), "{args:?} was accepted");
    }
    assert!(
        !std::fs::read_to_string(r.file("auth/htpasswd"))
            .unwrap()
            .contains("eve")
    );
}

#[test]
fn dir_is_honoured_by_every_command() {
    let r = Reg::new();
    r.init_quiet(&["--host", "reg.lan"]);
    let list = r.ok(&["htpasswd", "list"]);
    assert!(list.contains("admin"), "{list}");
    // Two words that are no file: refused, not a new file named `alice`.
    let cwd = r.tmp().join("cwd");
    std::fs::create_dir_all(&cwd).unwrap();
    let out = regctl()
        .current_dir(&cwd)
        .arg("--dir")
        .arg(&r.dir)
        .args(["htpasswd", "add", "alice", "bob", "--password-stdin"])
        .write_stdin("bob-password\n")
        .output()
        .unwrap();
    assert!(
        !out.status.success() && text(&out).contains("regctl user add"),
        "{}",
        text(&out)
    );
    assert!(!cwd.join("alice").exists());
    // The host comes from regctl.yaml.
    let status = r.ok(&[
        "trust",
        "status",
        "--store",
        "docker",
        "--root",
        "/nonexistent-root",
    ]);
    assert!(status.contains("reg.lan:"), "{status}");
    let doctor = r.run(&["doctor", "--push-test", "0"]);
    assert!(text(&doctor).contains("reg.lan"), "{}", text(&doctor));
    // cert issue --new-ca --force keeps the saved hosts.
    r.ok(&["cert", "issue", "--new-ca", "--force"]);
    let names = run_ok(
        "openssl",
        &[
            "x509",
            "-noout",
            "-ext",
            "subjectAltName",
            "-in",
            "certs/registry.crt",
        ],
        &r.dir,
    );
    assert!(
        names.contains("reg.lan") && !names.contains("localhost"),
        "{names}"
    );
    // Nothing is created for a directory that holds no registry.
    let missing = r.tmp().join("missing");
    for cmd in [
        &["trust", "uninstall", "--host", "reg.lan:5000"][..],
        &["status"],
        &[
            "trust",
            "status",
            "--host",
            "reg.lan:5000",
            "--store",
            "docker",
        ],
    ] {
        let _ = regctl()
            .arg("--dir")
            .arg(&missing)
            .args(cmd)
            .output()
            .unwrap();
        assert!(!missing.exists(), "{cmd:?} created {}", missing.display());
    }
}

#[test]
fn fixes_work_as_printed() {
    let r = Reg::new();
    r.init_quiet(&["--host", "127.0.0.1"]);
    // Not running: doctor says how to start exactly this registry.
    let out = r.run(&["doctor", "--push-test", "0", "--json"]);
    let checks: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let connect = checks
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "connect")
        .unwrap();
    let fix = connect["fix"].as_str().unwrap();
    assert!(
        fix.contains(&format!("regctl start --dir {}", r.dir.display())),
        "{fix}"
    );
    // Renewal of a registry that is not running says what happens next.
    let renewed = r.ok(&["cert", "renew"]);
    assert!(
        renewed.contains("not running here") && renewed.contains("regctl start --dir"),
        "{renewed}"
    );
    // A certificate nobody trusts: the fix names the CA by its absolute path.
    let other = Reg::new();
    other.init_quiet(&["--host", "127.0.0.1"]);
    let port = r
        .answers()
        .lines()
        .find_map(|l| l.strip_prefix("port: ").map(String::from))
        .unwrap();
    r.ok(&["start"]);
    let _stop = Cleanup(&r);
    // Run from the other registry's directory, naming its CA relatively.
    let out = regctl()
        .current_dir(&other.dir)
        .arg("--dir")
        .arg(&other.dir)
        .args([
            "doctor",
            &format!("127.0.0.1:{port}"),
            "--push-test",
            "0",
            "--json",
        ])
        .args(["--ca", "certs/ca.crt"])
        .output()
        .unwrap();
    let report = String::from_utf8_lossy(&out.stdout);
    let absolute = format!("--ca {}", other.dir.join("certs/ca.crt").display());
    assert!(report.contains(&absolute), "want `{absolute}` in {report}");
}

#[test]
fn errors_are_plain_one_or_two_lines() {
    let r = Reg::new();
    for (args, must_not) in [
        (vec!["init", "--yes", "--port", "abc"], "invalid digit"),
        (vec!["init", "--yes", "--port", "70000"], "too large"),
        (
            vec!["serve", "--config", "/nonexistent/config.yml"],
            "(os error",
        ),
    ] {
        let out = r.run(&args);
        let err = text(&out);
        assert!(!out.status.success(), "{args:?}");
        assert!(!err.contains(must_not), "{args:?}: {err}");
        assert!(err.trim().lines().count() <= 3, "{args:?}: {err}");
    }
    std::fs::create_dir_all(&r.dir).unwrap();
    std::fs::write(r.file("regctl.yaml"), "hosts: [a.lan]\nport: x\n").unwrap();
    let out = r.run(&["status"]);
    assert!(!text(&out).contains("expected u16"), "{}", text(&out));
    assert!(
        text(&out).contains("port: must be a whole number"),
        "{}",
        text(&out)
    );
    // A busy port: the cause once.
    let busy = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = busy.local_addr().unwrap().port();
    std::fs::write(
        r.file("busy.yml"),
        format!("version: 0.1\nstorage:\n  filesystem:\n    rootdirectory: data\nhttp:\n  addr: 127.0.0.1:{port}\n"),
    )
    .unwrap();
    let out = r.run(&["serve", "--config", r.file("busy.yml").to_str().unwrap()]);
    let err = text(&out);
    assert_eq!(err.matches("Address already in use").count(), 1, "{err}");
    assert!(!err.contains("os error"), "{err}");
}

#[test]
fn small_things_are_right() {
    let r = Reg::new();
    // --no-start: the summary says how to start, not to log in.
    let out = r.init_quiet(&["--host", "127.0.0.1"]);
    assert!(out.contains("regctl start --dir"), "{out}");
    assert!(!out.contains("docker login"), "{out}");
    // The compose file ends with a newline.
    r.ok(&["render", "compose"]);
    assert!(
        std::fs::read_to_string(r.file("docker-compose.yml"))
            .unwrap()
            .ends_with('\n')
    );
    // Started and self-tested: no regctl-selftest left in the catalog, and
    // the access log's fields are plain.
    let port = r
        .answers()
        .lines()
        .find_map(|l| l.strip_prefix("port: ").map(String::from))
        .unwrap();
    let _stop = Cleanup(&r);
    r.ok_in(
        &["init", "--yes", "--store", "none", "--password-stdin"],
        "first-password\n",
    );
    let catalog = run_ok(
        "curl",
        &[
            "-sS",
            "--cacert",
            "certs/ca.crt",
            "-u",
            "admin:first-password",
            &format!("https://127.0.0.1:{port}/v2/_catalog"),
        ],
        &r.dir,
    );
    assert!(!catalog.contains("regctl-selftest"), "{catalog}");
    let log = std::fs::read_to_string(r.file("regctl-serve.log")).unwrap();
    let line = log.lines().find(|l| l.contains("method=GET")).unwrap();
    assert!(!line.contains("fields="), "{line}");
    let ms = line.split("ms=").nth(1).unwrap().split(' ').next().unwrap();
    assert!(ms.split('.').nth(1).is_some_and(|d| d.len() == 3), "{line}");
}

#[test]
fn a_self_signed_ca_true_server_certificate_is_a_warning() {
    let d = tempfile::tempdir().unwrap();
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
            "tut.key",
            "-out",
            "tut.crt",
            "-subj",
            "/CN=reg.lan",
            "-days",
            "30",
            "-addext",
            "subjectAltName=DNS:reg.lan",
        ],
        d.path(),
    );
    let out = regctl()
        .current_dir(d.path())
        .args([
            "cert", "inspect", "tut.crt", "--host", "reg.lan", "--key", "tut.key",
        ])
        .output()
        .unwrap();
    let t = text(&out);
    assert_eq!(out.status.code(), Some(0), "{t}");
    assert!(
        t.contains("warning[ca-as-server]") && t.contains("rustls"),
        "{t}"
    );
}
