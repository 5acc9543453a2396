//! `regctl trust` under `--root` for every Linux layout, and for real on
//! this machine: curl trusts the registry through the system store and
//! skopeo through /etc/containers/certs.d, then both are undone.

mod common;

use std::path::Path;

use common::registry::Registry;
use common::{regctl, run, snapshot, text};

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
    for (anchor, command) in [
        ("usr/local/share/ca-certificates", "update-ca-certificates"),
        ("etc/pki/ca-trust/source/anchors", "update-ca-trust extract"),
        (
            "etc/ca-certificates/trust-source/anchors",
            "trust extract-compat",
        ),
        ("usr/share/pki/trust/anchors", "update-ca-certificates"),
    ] {
        let t = tempfile::tempdir().unwrap();
        let (dir, root) = (t.path().join("reg"), t.path().join("root"));
        issued(&dir);
        std::fs::create_dir_all(root.join(anchor)).unwrap();
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
    common::require("update-ca-certificates");
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
    common::require("skopeo");
    let creds = format!("{}:{}", common::registry::USER, common::registry::PASSWORD);
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
    common::require("setpriv");
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
        msg.contains("not running as root") && msg.contains("--user"),
        "{msg}"
    );

    let out = as_nobody(&["install", "--user", "--registry", "reg.lan:5000"]);
    assert!(out.status.success(), "{}", text(&out));
    let ca = std::fs::read(dir.join("certs/ca.crt")).unwrap();
    for store in ["docker", "containers"] {
        let file = home.join(format!(".config/{store}/certs.d/reg.lan:5000/ca.crt"));
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
    assert!(
        !home
            .join(".config/docker/certs.d/reg.lan:5000/ca.crt")
            .exists()
    );
}
