//! `regctl trust` under `--root` for every Linux layout, and for real on
//! this machine: curl trusts the registry through the system store and
//! skopeo through /etc/containers/certs.d, then both are undone.

use std::path::Path;

use crate::common::registry::Registry;
use crate::common::{regctl, run, run_ok, snapshot, text};

fn trust(dir: &Path, args: &[&str]) -> std::process::Output {
    regctl()
        .arg("--dir")
        .arg(dir)
        .arg("trust")
        .args(args)
        .output()
        .unwrap()
}

fn issued(dir: &Path) {
    let out = regctl()
        .arg("--dir")
        .arg(dir)
        .args(["cert", "issue", "--no-host-ips", "--san", "reg.lan"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
}

#[test]
fn every_system_layout_gets_its_anchor_and_command() {
    // Each layout as that distribution ships it: its release file, the
    // bundle directory and the anchor directory regctl must choose.
    for (release, anchor, command) in [
        (
            "etc/debian_version",
            "usr/local/share/ca-certificates",
            "update-ca-certificates",
        ),
        (
            "etc/alpine-release",
            "usr/local/share/ca-certificates",
            "update-ca-certificates",
        ),
        (
            "etc/redhat-release",
            "etc/pki/ca-trust/source/anchors",
            "update-ca-trust extract",
        ),
        (
            "etc/arch-release",
            "etc/ca-certificates/trust-source/anchors",
            "trust extract-compat",
        ),
        (
            "etc/SUSE-brand",
            "usr/share/pki/trust/anchors",
            "update-ca-certificates",
        ),
    ] {
        let t = tempfile::tempdir().unwrap();
        let (dir, root) = (t.path().join("reg"), t.path().join("root"));
        issued(&dir);
        std::fs::create_dir_all(root.join(anchor)).unwrap();
        std::fs::create_dir_all(root.join("etc/ssl/certs")).unwrap();
        std::fs::write(root.join(release), "").unwrap();
        let out = trust(
            &dir,
            &[
                "install",
                "--registry",
                "reg.lan:5000",
                "--store",
                "system",
                "--root",
                root.to_str().unwrap(),
            ],
        );
        assert!(out.status.success(), "{anchor}: {}", text(&out));
        let file = root.join(anchor).join("regctl-reg.lan-5000.crt");
        assert_eq!(
            std::fs::read(&file).unwrap(),
            std::fs::read(dir.join("certs/ca.crt")).unwrap(),
            "{anchor}"
        );
        assert!(
            text(&out).contains(&format!("run `{command}` inside that root")),
            "{}",
            text(&out)
        );
        let out = trust(
            &dir,
            &[
                "uninstall",
                "--registry",
                "reg.lan:5000",
                "--root",
                root.to_str().unwrap(),
            ],
        );
        assert!(out.status.success());
        assert!(!file.exists());
    }
}

#[test]
fn container_stores_ledger_idempotence_and_uninstall() {
    let t = tempfile::tempdir().unwrap();
    let (dir, root) = (t.path().join("reg"), t.path().join("root"));
    issued(&dir);
    for d in ["etc/docker", "etc/containerd", "etc/containers"] {
        std::fs::create_dir_all(root.join(d)).unwrap();
    }
    let r = root.to_str().unwrap();
    let before = snapshot(&root);
    let out = trust(
        &dir,
        &[
            "install",
            "--registry",
            "reg.lan:5000",
            "--root",
            r,
            "--dry-run",
        ],
    );
    assert!(
        out.status.success() && text(&out).contains("would write"),
        "{}",
        text(&out)
    );
    assert_eq!(snapshot(&root), before, "--dry-run changes nothing");
    assert!(!dir.join("trust-ledger.json").exists());

    let out = trust(
        &dir,
        &["install", "--registry", "reg.lan:5000", "--root", r],
    );
    assert!(out.status.success(), "{}", text(&out));
    let ca = std::fs::read(dir.join("certs/ca.crt")).unwrap();
    for p in [
        "etc/docker/certs.d/reg.lan:5000/ca.crt",
        "etc/containerd/certs.d/reg.lan:5000/ca.crt",
        "etc/containers/certs.d/reg.lan:5000/ca.crt",
    ] {
        assert_eq!(std::fs::read(root.join(p)).unwrap(), ca, "{p}");
    }
    let hosts =
        std::fs::read_to_string(root.join("etc/containerd/certs.d/reg.lan:5000/hosts.toml"))
            .unwrap();
    assert!(
        hosts.contains("server = \"https://reg.lan:5000\"")
            && hosts.contains("ca = \"/etc/containerd/certs.d/reg.lan:5000/ca.crt\""),
        "{hosts}"
    );
    // containerd 1.x without config_path: the exact edit is printed.
    assert!(
        text(&out).contains("[plugins.\"io.containerd.grpc.v1.cri\".registry]")
            && text(&out).contains("systemctl restart containerd")
    );
    // A second install changes nothing.
    let after = snapshot(&root);
    let out = trust(
        &dir,
        &["install", "--registry", "reg.lan:5000", "--root", r],
    );
    assert!(
        text(&out).contains("already installed") && !text(&out).contains("wrote"),
        "{}",
        text(&out)
    );
    assert_eq!(snapshot(&root), after);
    let out = trust(&dir, &["status", "--registry", "reg.lan:5000", "--root", r]);
    assert_eq!(
        text(&out).matches("installed, matches the CA").count(),
        4,
        "{}",
        text(&out)
    );

    // A file the user changed since is left alone; the rest goes.
    std::fs::write(
        root.join("etc/docker/certs.d/reg.lan:5000/ca.crt"),
        "edited by hand\n",
    )
    .unwrap();
    let out = trust(
        &dir,
        &["uninstall", "--registry", "reg.lan:5000", "--root", r],
    );
    assert!(out.status.success());
    assert!(text(&out).contains("changed since regctl wrote it"));
    assert!(root.join("etc/docker/certs.d/reg.lan:5000/ca.crt").exists());
    assert!(
        !root.join("etc/containerd/certs.d/reg.lan:5000").exists(),
        "the directory regctl created goes too"
    );
    assert!(!root.join("etc/containers/certs.d/reg.lan:5000").exists());

    // containerd already configured: no advice.
    std::fs::write(root.join("etc/containerd/config.toml"), "version = 2\n[plugins.\"io.containerd.grpc.v1.cri\".registry]\n  config_path = \"/etc/containerd/certs.d\"\n").unwrap();
    let out = trust(
        &dir,
        &[
            "install",
            "--registry",
            "reg.lan:5000",
            "--root",
            r,
            "--store",
            "containerd",
        ],
    );
    assert!(
        out.status.success() && !text(&out).contains("config_path"),
        "{}",
        text(&out)
    );
}

#[test]
fn bad_input_writes_nothing() {
    let t = tempfile::tempdir().unwrap();
    let (dir, root) = (t.path().join("reg"), t.path().join("root"));
    issued(&dir);
    std::fs::create_dir_all(root.join("etc/docker")).unwrap();
    let r = root.to_str().unwrap();
    let server = dir.join("certs/registry.crt");
    for (args, message) in [
        (
            vec![
                "install",
                "--registry",
                "reg.lan:5000",
                "--root",
                r,
                "--ca",
                server.to_str().unwrap(),
            ],
            "not a CA certificate",
        ),
        (
            vec!["install", "--registry", "reg.lan", "--root", r],
            "is not HOST:PORT",
        ),
        (
            vec![
                "install",
                "--registry",
                "reg.lan:5000",
                "--root",
                r,
                "--store",
                "keychain",
            ],
            "unknown store `keychain`",
        ),
        (
            vec![
                "install",
                "--registry",
                "reg.lan:5000",
                "--root",
                r,
                "--store",
                "macos",
            ],
            "exists only on macos",
        ),
        (
            vec![
                "install",
                "--registry",
                "reg.lan:5000",
                "--root",
                r,
                "--store",
                "windows",
            ],
            "exists only on windows",
        ),
        (
            vec![
                "install",
                "--registry",
                "reg.lan:5000",
                "--root",
                r,
                "--store",
                "system",
            ],
            "no system trust store found",
        ),
        (
            vec![
                "install",
                "--registry",
                "reg.lan:5000",
                "--root",
                r,
                "--ca",
                "/nonexistent.crt",
            ],
            "cannot read /nonexistent.crt",
        ),
    ] {
        let before = snapshot(&root);
        let out = trust(&dir, &args);
        assert!(!out.status.success(), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(message), "{args:?}: {err}");
        assert_eq!(snapshot(&root), before);
    }
}

/// Uninstalls from the real host even when the test fails.
struct RealHostTrust<'a> {
    dir: &'a Path,
    registry: String,
}

impl Drop for RealHostTrust<'_> {
    fn drop(&mut self) {
        let _ = trust(self.dir, &["uninstall", "--registry", &self.registry]);
    }
}

#[test]
fn real_clients_trust_the_registry_through_the_stores_and_stop_after_uninstall() {
    let _host = crate::common::host_lock();
    crate::common::require("update-ca-certificates");
    let reg = Registry::start();
    let host = reg.host();
    let url = reg.url("/v2/");
    let plain_curl = || {
        run(
            "curl",
            &["-sS", "-o", "/dev/null", "-w", "%{http_code}", &url],
            Path::new("."),
        )
    };
    let before = plain_curl();
    assert!(
        !before.status.success(),
        "before trust install curl must refuse the certificate"
    );
    assert!(text(&before).contains("certificate"), "{}", text(&before));
    let _cleanup = RealHostTrust {
        dir: reg.path(),
        registry: host.clone(),
    };
    let out = trust(
        reg.path(),
        &[
            "install",
            "--registry",
            &host,
            "--store",
            "system",
            "--store",
            "podman",
        ],
    );
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        text(&out).contains("ran: update-ca-certificates"),
        "{}",
        text(&out)
    );
    let after = plain_curl();
    assert!(
        after.status.success(),
        "curl through the system store: {}",
        text(&after)
    );
    assert_eq!(
        String::from_utf8_lossy(&after.stdout),
        "401",
        "TLS verified; the registry asks for credentials"
    );
    // skopeo reads /etc/containers/certs.d/<host:port>/ on its own.
    crate::common::require("skopeo");
    let creds = format!(
        "{}:{}",
        crate::common::registry::USER,
        crate::common::registry::PASSWORD
    );
    let tags = run(
        "skopeo",
        &[
            "list-tags",
            "--creds",
            &creds,
            &format!("docker://{host}/nothing"),
        ],
        Path::new("."),
    );
    assert!(
        !text(&tags).contains("certificate signed by unknown authority"),
        "{}",
        text(&tags)
    );
    // TLS verified: the registry itself answers (404 for a repository that does not exist).
    assert!(text(&tags).contains("404"), "{}", text(&tags));
    let out = trust(reg.path(), &["uninstall", "--registry", &host]);
    assert!(out.status.success(), "{}", text(&out));
    let again = plain_curl();
    assert!(
        !again.status.success(),
        "after uninstall curl must refuse again"
    );
    let tags = run(
        "skopeo",
        &[
            "list-tags",
            "--creds",
            &creds,
            &format!("docker://{host}/nothing"),
        ],
        Path::new("."),
    );
    assert!(
        text(&tags).contains("certificate signed by unknown authority"),
        "{}",
        text(&tags)
    );
}

/// `--insecure` under a staged root: daemon.json is merged (never
/// replaced) and restored byte for byte; containerd and podman get their
/// plain-HTTP files; invalid JSON is refused with the file untouched.
#[test]
fn insecure_mode_merges_daemon_json_and_restores_it() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("reg");
    let reg = "10.0.0.5:5000";
    let cases: [(&str, Option<&str>); 3] = [
        ("missing", None),
        ("empty", Some("")),
        (
            "existing",
            Some(
                "{\"log-driver\": \"journald\", \"insecure-registries\": [\"old.lan:5000\"], \"default-address-pools\": [{\"base\": \"10.99.0.0/16\", \"size\": 24}]}\n",
            ),
        ),
    ];
    for (name, original) in cases {
        let root = tmp.path().join(name);
        for d in ["etc/docker", "etc/containerd", "etc/containers"] {
            std::fs::create_dir_all(root.join(d)).unwrap();
        }
        let daemon = root.join("etc/docker/daemon.json");
        if let Some(text) = original {
            std::fs::write(&daemon, text).unwrap();
        }
        let root_s = root.to_str().unwrap();
        let args = ["install", "--insecure", "--registry", reg, "--root", root_s];
        let out = trust(&dir, &args);
        assert!(out.status.success(), "{name}: {}", text(&out));
        assert!(text(&out).contains("WARNING"), "{name}: {}", text(&out));
        let merged: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&daemon).unwrap()).unwrap();
        let list = merged["insecure-registries"].as_array().unwrap();
        assert!(list.iter().any(|v| v == reg), "{name}: {merged}");
        if name == "existing" {
            assert_eq!(merged["log-driver"], "journald");
            assert_eq!(merged["default-address-pools"][0]["size"], 24);
            assert!(list.iter().any(|v| v == "old.lan:5000"));
            assert_eq!(
                std::fs::read_to_string(root.join("etc/docker/daemon.json.regctl-backup")).unwrap(),
                original.unwrap()
            );
        }
        let hosts =
            std::fs::read_to_string(root.join(format!("etc/containerd/certs.d/{reg}/hosts.toml")))
                .unwrap();
        assert!(
            hosts.contains(&format!("server = \"http://{reg}\"")),
            "{hosts}"
        );
        assert!(hosts.contains("skip_verify = true"), "{hosts}");
        let podman = std::fs::read_to_string(
            root.join("etc/containers/registries.conf.d/regctl-10.0.0.5-5000.conf"),
        )
        .unwrap();
        assert!(
            podman.contains("insecure = true") && podman.contains(reg),
            "{podman}"
        );

        // A second install changes nothing.
        let before = snapshot(&root);
        let again = trust(&dir, &args);
        assert!(again.status.success());
        assert!(text(&again).contains("already allowed"), "{}", text(&again));
        assert_eq!(snapshot(&root), before, "{name}: re-install changed files");

        // Uninstall restores daemon.json exactly (or removes what it created).
        let out = trust(&dir, &["uninstall", "--registry", reg, "--root", root_s]);
        assert!(out.status.success(), "{}", text(&out));
        match original {
            Some(text) => assert_eq!(std::fs::read_to_string(&daemon).unwrap(), text),
            None => assert!(!daemon.exists(), "{name}: created daemon.json left behind"),
        }
        assert!(!root.join("etc/docker/daemon.json.regctl-backup").exists());
        assert!(
            !root
                .join(format!("etc/containerd/certs.d/{reg}/hosts.toml"))
                .exists()
        );
    }

    // Invalid JSON: refused, the file untouched, nothing else written.
    let root = tmp.path().join("invalid");
    std::fs::create_dir_all(root.join("etc/docker")).unwrap();
    std::fs::write(root.join("etc/docker/daemon.json"), "{\"debug\": true,,}").unwrap();
    let before = snapshot(&root);
    let out = trust(
        &dir,
        &[
            "install",
            "--insecure",
            "--registry",
            reg,
            "--root",
            root.to_str().unwrap(),
        ],
    );
    assert!(!out.status.success());
    assert!(text(&out).contains("cannot be merged"), "{}", text(&out));
    assert_eq!(snapshot(&root), before);

    // Two registries merged into one daemon.json: taking one out keeps the
    // other (no restore from the backup while another is recorded), and
    // the last one out restores the original byte for byte.
    let root = tmp.path().join("two");
    std::fs::create_dir_all(root.join("etc/docker")).unwrap();
    let daemon = root.join("etc/docker/daemon.json");
    let original = "{\"log-driver\": \"journald\"}\n";
    std::fs::write(&daemon, original).unwrap();
    let root_s = root.to_str().unwrap();
    for r in ["10.0.0.5:5000", "10.0.0.6:5000"] {
        let args = [
            "install",
            "--insecure",
            "--store",
            "docker",
            "--registry",
            r,
            "--root",
            root_s,
        ];
        assert!(trust(&dir, &args).status.success());
    }
    let listed = |daemon: &Path| -> Vec<String> {
        let v: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(daemon).unwrap()).unwrap();
        v["insecure-registries"]
            .as_array()
            .map(|a| a.iter().map(|x| x.as_str().unwrap().to_string()).collect())
            .unwrap_or_default()
    };
    assert_eq!(listed(&daemon), ["10.0.0.5:5000", "10.0.0.6:5000"]);
    let out = trust(
        &dir,
        &["uninstall", "--registry", "10.0.0.5:5000", "--root", root_s],
    );
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(
        listed(&daemon),
        ["10.0.0.6:5000"],
        "the other registry stays"
    );
    let out = trust(
        &dir,
        &["uninstall", "--registry", "10.0.0.6:5000", "--root", root_s],
    );
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(std::fs::read_to_string(&daemon).unwrap(), original);

    // The system store holds CAs: --insecure refuses it by name.
    let out = trust(
        &dir,
        &[
            "install",
            "--insecure",
            "--store",
            "system",
            "--registry",
            reg,
            "--root",
            root.to_str().unwrap(),
        ],
    );
    assert!(!out.status.success());
    assert!(text(&out).contains("system store"), "{}", text(&out));
}

/// Without root: a clear refusal that offers --user, and --user installs
/// where rootless Docker and podman look, as an unprivileged user for real
/// (setpriv drops to `nobody`).
#[test]
fn not_root_is_explained_and_user_stores_work() {
    crate::common::require("setpriv");
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("reg");
    issued(&dir);
    let home = tmp.path().join("home");
    std::fs::create_dir_all(&home).unwrap();
    for p in [tmp.path(), dir.as_path(), home.as_path()] {
        std::fs::set_permissions(p, std::os::unix::fs::PermissionsExt::from_mode(0o777)).unwrap();
    }
    let as_nobody = |args: &[&str]| {
        std::process::Command::new("setpriv")
            .args(["--reuid=65534", "--regid=65534", "--clear-groups", "--"])
            .arg(assert_cmd::cargo::cargo_bin("regctl"))
            .arg("--dir")
            .arg(&dir)
            .arg("trust")
            .args(args)
            .env("HOME", &home)
            .env_remove("XDG_CONFIG_HOME")
            .env_remove("REGCTL_DIR")
            .output()
            .unwrap()
    };
    let out = as_nobody(&["install", "--registry", "reg.lan:5000"]);
    assert!(!out.status.success());
    let msg = text(&out);
    assert!(
        msg.contains("not running as root") && msg.contains("--per-user"),
        "{msg}"
    );

    // Docker Desktop reads ~/.docker/certs.d: written where it exists.
    std::fs::create_dir_all(home.join(".docker")).unwrap();
    std::fs::set_permissions(
        home.join(".docker"),
        std::os::unix::fs::PermissionsExt::from_mode(0o777),
    )
    .unwrap();
    let out = as_nobody(&["install", "--user", "--registry", "reg.lan:5000"]);
    assert!(out.status.success(), "{}", text(&out));
    let ca = std::fs::read(dir.join("certs/ca.crt")).unwrap();
    for place in [".config/docker", ".config/containers", ".docker"] {
        let file = home.join(format!("{place}/certs.d/reg.lan:5000/ca.crt"));
        assert_eq!(std::fs::read(&file).unwrap(), ca, "{}", file.display());
    }
    let out = as_nobody(&[
        "install",
        "--user",
        "--store",
        "system",
        "--registry",
        "reg.lan:5000",
    ]);
    assert!(!out.status.success());
    assert!(text(&out).contains("system-wide"), "{}", text(&out));

    let out = as_nobody(&["uninstall", "--user", "--registry", "reg.lan:5000"]);
    assert!(out.status.success(), "{}", text(&out));
    for place in [".config/docker", ".config/containers", ".docker"] {
        assert!(
            !home
                .join(format!("{place}/certs.d/reg.lan:5000/ca.crt"))
                .exists(),
            "{place}"
        );
    }
}

/// An empty NSS database, as a browser creates on first start.
fn nss_db(dir: &Path) {
    std::fs::create_dir_all(dir).unwrap();
    run_ok(
        "certutil",
        &[
            "-N",
            "-d",
            &format!("sql:{}", dir.display()),
            "--empty-password",
        ],
        dir,
    );
}

/// Does NSS's own TLS client trust the registry through this database?
fn tstclnt_trusts(db: &Path, port: u16) -> Result<(), String> {
    let out = std::process::Command::new("tstclnt")
        .args(["-h", "127.0.0.1", "-p", &port.to_string(), "-Q", "-d"])
        .arg(format!("sql:{}", db.display()))
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    if out.status.success() {
        Ok(())
    } else {
        Err(text(&out))
    }
}

/// Firefox and Chrome ignore the system store: `--store nss` adds the CA
/// to every NSS database of the user (and /etc/pki/nssdb system-wide), and
/// NSS's own TLS client then completes a handshake with `regctl serve`
/// that it refused before. A second install changes nothing, a new CA
/// replaces the old one under the same name, uninstall takes it out, and
/// a certificate someone already removed is just forgotten.
#[test]
fn nss_databases_trust_the_registry_for_real() {
    crate::common::require("certutil");
    crate::common::require("tstclnt");
    let reg = Registry::start_with(crate::common::registry::Options {
        auth: false,
        ..Default::default()
    });
    let addr = format!("127.0.0.1:{}", reg.port);
    let tmp = tempfile::tempdir().unwrap();
    let home = tmp.path().join("home");
    let chrome = home.join(".pki/nssdb");
    let firefox = home.join(".mozilla/firefox/x1y2.default-release");
    nss_db(&chrome);
    nss_db(&firefox);
    let dir = reg.path();
    let user = |args: &[&str]| {
        regctl()
            .arg("--dir")
            .arg(dir)
            .arg("trust")
            .args(args)
            .env("HOME", &home)
            .env_remove("XDG_CONFIG_HOME")
            .output()
            .unwrap()
    };
    for db in [&chrome, &firefox] {
        let err = tstclnt_trusts(db, reg.port).unwrap_err();
        assert!(err.contains("SEC_ERROR_UNKNOWN_ISSUER"), "{err}");
    }
    let install = ["install", "--user", "--store", "nss", "--registry", &addr];
    let out = user(&install);
    assert!(out.status.success(), "{}", text(&out));
    for db in [&chrome, &firefox] {
        tstclnt_trusts(db, reg.port).unwrap();
    }
    let before = snapshot(&home);
    let out = user(&install);
    assert!(text(&out).contains("already installed"), "{}", text(&out));
    assert_eq!(
        snapshot(&home),
        before,
        "a second install changed a database"
    );
    let out = user(&["status", "--user", "--store", "nss", "--registry", &addr]);
    assert_eq!(
        text(&out).matches("installed, matches the CA").count(),
        2,
        "{}",
        text(&out)
    );

    // A new CA for the same registry replaces the old one in place.
    let other = tmp.path().join("other");
    issued(&other);
    let new_ca = other.join("certs/ca.crt");
    let out = user(&[
        "install",
        "--user",
        "--store",
        "nss",
        "--registry",
        &addr,
        "--ca",
        new_ca.to_str().unwrap(),
    ]);
    assert!(text(&out).contains("replacing"), "{}", text(&out));
    let listed = run_ok(
        "certutil",
        &[
            "-L",
            "-d",
            &format!("sql:{}", chrome.display()),
            "-n",
            &format!("regctl-127.0.0.1-{}", reg.port),
            "-a",
        ],
        tmp.path(),
    );
    assert_eq!(listed.matches("BEGIN CERTIFICATE").count(), 1, "{listed}");
    assert!(
        tstclnt_trusts(&chrome, reg.port).is_err(),
        "the old CA is gone"
    );
    user(&install);

    // Removed by hand from one database: uninstall says so and goes on.
    run_ok(
        "certutil",
        &[
            "-D",
            "-d",
            &format!("sql:{}", firefox.display()),
            "-n",
            &format!("regctl-127.0.0.1-{}", reg.port),
        ],
        tmp.path(),
    );
    let out = user(&["uninstall", "--user", "--registry", &addr]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("already gone"), "{}", text(&out));
    for db in [&chrome, &firefox] {
        assert!(
            tstclnt_trusts(db, reg.port).is_err(),
            "still trusted after uninstall"
        );
    }
    let ledger = std::fs::read_to_string(dir.join("trust-ledger.json")).unwrap();
    assert!(!ledger.contains("nssdb"), "{ledger}");

    // System-wide (Fedora, RHEL): /etc/pki/nssdb, staged under --root.
    let root = tmp.path().join("root");
    nss_db(&root.join("etc/pki/nssdb"));
    let r = root.to_str().unwrap();
    let out = trust(
        dir,
        &[
            "install",
            "--store",
            "nss",
            "--registry",
            &addr,
            "--root",
            r,
        ],
    );
    assert!(out.status.success(), "{}", text(&out));
    tstclnt_trusts(&root.join("etc/pki/nssdb"), reg.port).unwrap();
    let out = trust(dir, &["uninstall", "--registry", &addr, "--root", r]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(tstclnt_trusts(&root.join("etc/pki/nssdb"), reg.port).is_err());
    // No database at all: a clear error that says what to do.
    let out = trust(
        dir,
        &[
            "install",
            "--store",
            "nss",
            "--registry",
            &addr,
            "--root",
            tmp.path().join("bare").to_str().unwrap(),
        ],
    );
    assert!(!out.status.success());
    assert!(
        text(&out).contains("no NSS database found"),
        "{}",
        text(&out)
    );
}

/// `--store java` imports the CA into a JDK's cacerts with keytool (the
/// password through the environment, never argv). Staged under --root as
/// on Debian, where every JDK's cacerts links to /etc/ssl/certs/java; then
/// a real Java HTTPS client using that keystore reaches `regctl serve`,
/// which it refused before, and refuses it again after uninstall.
#[test]
fn a_java_keystore_trusts_the_registry_for_real() {
    crate::common::require("keytool");
    crate::common::require("java");
    let reg = Registry::start_with(crate::common::registry::Options {
        auth: false,
        ..Default::default()
    });
    let addr = format!("127.0.0.1:{}", reg.port);
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("root");
    let shared = root.join("etc/ssl/certs/java/cacerts");
    std::fs::create_dir_all(shared.parent().unwrap()).unwrap();
    // An empty PKCS#12 keystore with the JDK default password.
    run_ok(
        "keytool",
        &[
            "-genkeypair",
            "-alias",
            "placeholder",
            "-keyalg",
            "EC",
            "-dname",
            "CN=placeholder",
            "-keystore",
            shared.to_str().unwrap(),
            "-storetype",
            "PKCS12",
            "-storepass",
            "changeit",
        ],
        tmp.path(),
    );
    let jdk = root.join("usr/lib/jvm/java-17-openjdk-amd64/lib/security");
    std::fs::create_dir_all(&jdk).unwrap();
    std::os::unix::fs::symlink("/etc/ssl/certs/java/cacerts", jdk.join("cacerts")).unwrap();

    let fetch = tmp.path().join("Fetch.java");
    std::fs::write(
        &fetch,
        "import java.net.URI; import java.net.http.*;\n\
         public class Fetch { public static void main(String[] a) throws Exception {\n\
           var r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(a[0])).build(),\n\
             HttpResponse.BodyHandlers.discarding());\n\
           System.out.println(\"status \" + r.statusCode()); } }\n",
    )
    .unwrap();
    let java_get = || {
        let out = std::process::Command::new("java")
            .arg(format!("-Djavax.net.ssl.trustStore={}", shared.display()))
            .arg("-Djavax.net.ssl.trustStorePassword=changeit")
            .arg(&fetch)
            .arg(format!("https://{addr}/v2/"))
            .output()
            .unwrap();
        (out.status.success(), text(&out))
    };
    let (ok, msg) = java_get();
    assert!(!ok && msg.contains("PKIX path building failed"), "{msg}");

    let r = root.to_str().unwrap();
    let dir = reg.path();
    let out = trust(
        dir,
        &[
            "install",
            "--store",
            "java",
            "--registry",
            &addr,
            "--root",
            r,
        ],
    );
    assert!(out.status.success(), "{}", text(&out));
    assert!(!String::from_utf8_lossy(&out.stdout).contains("changeit"));
    let ledger = std::fs::read_to_string(dir.join("trust-ledger.json")).unwrap();
    assert!(!ledger.contains("changeit"), "{ledger}");
    assert!(
        !jdk.join("cacerts").is_file()
            || std::fs::symlink_metadata(jdk.join("cacerts"))
                .unwrap()
                .file_type()
                .is_symlink(),
        "the JDK's link is left a link"
    );
    let (ok, msg) = java_get();
    assert!(ok && msg.contains("status 200"), "{msg}");
    let out = trust(
        dir,
        &[
            "install",
            "--store",
            "java",
            "--registry",
            &addr,
            "--root",
            r,
        ],
    );
    assert!(text(&out).contains("already installed"), "{}", text(&out));

    let out = trust(dir, &["uninstall", "--registry", &addr, "--root", r]);
    assert!(out.status.success(), "{}", text(&out));
    let (ok, msg) = java_get();
    assert!(!ok && msg.contains("PKIX path building failed"), "{msg}");
    // No JDK: a clear error naming JAVA_HOME.
    let out = trust(
        dir,
        &[
            "install",
            "--store",
            "java",
            "--registry",
            &addr,
            "--root",
            tmp.path().join("bare").to_str().unwrap(),
        ],
    );
    assert!(!out.status.success());
    assert!(text(&out).contains("JAVA_HOME"), "{}", text(&out));
}
