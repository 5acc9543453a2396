//! The tutorials' own flow with the Docker engine on this machine, for both
//! engines the compose file can run: `regctl init --target compose`, the
//! healthcheck turns healthy, `docker login` fails until the CA is trusted
//! (the negative control), then login, push of a two-layer image built
//! `FROM scratch`, `rmi`, pull back with the same digest, pull by digest, a
//! multi-platform index pushed by skopeo, and the catalog over HTTPS.
//!
//! Docker skips certificate checks for 127.0.0.0/8, so the registry is
//! addressed by the gateway of a Docker network this test creates; that
//! address is in the certificate's SANs. Everything is undone at the end,
//! also when the test fails.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::common::oci::Layout;
use crate::common::registry::free_port;
use crate::common::{regctl, require, text};

const PASSWORD: &str = "e2e-password-1";

fn docker(config: &Path, args: &[&str]) -> std::process::Output {
    Command::new("docker")
        .env("DOCKER_CONFIG", config)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("docker")
}

fn docker_ok(config: &Path, args: &[&str]) -> String {
    let out = docker(config, args);
    assert!(out.status.success(), "docker {args:?}: {}", text(&out));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn login(config: &Path, registry: &str) -> std::process::Output {
    use std::io::Write;
    let mut child = Command::new("docker")
        .env("DOCKER_CONFIG", config)
        .args(["login", registry, "-u", "e2e", "--password-stdin"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(PASSWORD.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

/// Undoes everything the test did, in reverse, whatever happened.
struct Cleanup {
    dir: PathBuf,
    docker_config: PathBuf,
    registry: String,
    network: String,
    images: Vec<String>,
}

impl Drop for Cleanup {
    fn drop(&mut self) {
        let _ = Command::new("docker-compose")
            .args(["down", "-v", "--remove-orphans"])
            .current_dir(&self.dir)
            .output();
        let _ = regctl()
            .arg("--dir")
            .arg(&self.dir)
            .args(["trust", "uninstall"])
            .output();
        let _ = docker(&self.docker_config, &["logout", &self.registry]);
        for image in &self.images {
            let _ = docker(&self.docker_config, &["rmi", "-f", image]);
        }
        let _ = docker(&self.docker_config, &["network", "rm", &self.network]);
    }
}

fn require_engine() {
    require("docker");
    require("docker-compose");
    let out = Command::new("docker").arg("info").output().unwrap();
    assert!(
        out.status.success(),
        "the Docker engine does not answer `docker info`; this test needs it: {}",
        text(&out)
    );
}

/// A network the test owns; its gateway is an address of this machine
/// that is not loopback.
fn network(name: &str, octet: u8) -> String {
    let subnet = format!("10.231.{octet}.0/24");
    let out = docker(
        Path::new("/nonexistent"),
        &["network", "create", "--subnet", &subnet, name],
    );
    assert!(out.status.success(), "{}", text(&out));
    format!("10.231.{octet}.1")
}

/// distribution from Debian's docker-registry package, with busybox for the
/// compose healthcheck's wget, imported from local files.
fn distribution_image(tag: &str) {
    require("docker-registry");
    require("busybox");
    let ctx = tempfile::tempdir().unwrap();
    let root = ctx.path().join("rootfs");
    let bin = Path::new("/usr/bin/docker-registry");
    let busybox = crate::common::which("busybox").unwrap();
    let mut files = vec![bin.to_path_buf(), busybox.clone()];
    // Both with the shared libraries they load (none when static).
    for exe in [bin, busybox.as_path()] {
        let ldd = Command::new("ldd").arg(exe).output().unwrap();
        for line in String::from_utf8_lossy(&ldd.stdout).lines() {
            let path = match line.split_once("=>") {
                Some((_, rest)) => rest.split_whitespace().next(),
                None => line.split_whitespace().next(),
            };
            if let Some(p) = path.filter(|p| p.starts_with('/')) {
                files.push(PathBuf::from(p));
            }
        }
    }
    for f in &files {
        let to = if *f == busybox {
            root.join("bin/busybox")
        } else {
            root.join(f.strip_prefix("/").unwrap())
        };
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::copy(f, &to).unwrap();
    }
    for applet in ["sh", "wget"] {
        std::os::unix::fs::symlink("busybox", root.join("bin").join(applet)).unwrap();
    }
    std::fs::create_dir_all(root.join("etc/docker/registry")).unwrap();
    std::fs::create_dir_all(root.join("var/lib/registry")).unwrap();
    std::fs::write(
        ctx.path().join("Dockerfile"),
        "FROM scratch\nCOPY rootfs/ /\nEXPOSE 5000\n\
         ENTRYPOINT [\"/usr/bin/docker-registry\", \"serve\"]\n\
         CMD [\"/etc/docker/registry/config.yml\"]\n",
    )
    .unwrap();
    docker_ok(
        Path::new("/nonexistent"),
        &["build", "-q", "-t", tag, ctx.path().to_str().unwrap()],
    );
}

fn wait_healthy(dir: &Path) {
    let deadline = Instant::now() + Duration::from_secs(90);
    loop {
        let id = Command::new("docker-compose")
            .args(["ps", "-q", "registry"])
            .current_dir(dir)
            .output()
            .unwrap();
        let id = String::from_utf8_lossy(&id.stdout).trim().to_string();
        let health = docker_ok(
            Path::new("/nonexistent"),
            &["inspect", "-f", "{{.State.Health.Status}}", &id],
        );
        if health.trim() == "healthy" {
            return;
        }
        if Instant::now() > deadline {
            let logs = docker(Path::new("/nonexistent"), &["logs", &id]);
            panic!(
                "the registry is `{}` after 90 s: {}",
                health.trim(),
                text(&logs)
            );
        }
        std::thread::sleep(Duration::from_millis(500));
    }
}

fn flow(engine: &str, octet: u8) {
    require_engine();
    // The bundled image `regctl:VERSION` is shared and removed at the end.
    let _host = crate::common::host_lock();
    let tmp = tempfile::tempdir().unwrap();
    // The directory name is the compose project name: one per engine.
    let dir = tmp.path().join(format!("registry-{engine}"));
    let docker_config = tmp.path().join("docker-config");
    std::fs::create_dir_all(&docker_config).unwrap();
    let port = free_port();
    let net = format!("regctl-e2e-{engine}-{}", std::process::id());
    let mut cleanup = Cleanup {
        dir: dir.clone(),
        docker_config: docker_config.clone(),
        registry: String::new(),
        network: net.clone(),
        images: Vec::new(),
    };
    let gateway = network(&net, octet);
    let registry = format!("{gateway}:{port}");
    cleanup.registry = registry.clone();

    let mut extra: Vec<String> = Vec::new();
    if engine == "distribution" {
        let tag = format!("regctl-e2e-distribution:{}", std::process::id());
        distribution_image(&tag);
        cleanup.images.push(tag.clone());
        extra.extend(["--image".into(), tag]);
    } else {
        cleanup
            .images
            .push(concat!("regctl:", env!("CARGO_PKG_VERSION")).to_string());
    }

    // 1. init writes the directory, starts compose and self-tests.
    let out = regctl()
        .arg("--dir")
        .arg(&dir)
        .args(["init", "--yes", "--target", "compose", "--engine", engine])
        .args(["--host", &gateway, "--host", "127.0.0.1"])
        .args(["--port", &port.to_string(), "--trust", "none"])
        .args(["--user", "e2e", "--password-stdin"])
        .args(&extra)
        .write_stdin(PASSWORD)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("ok  clean up"), "{}", text(&out));
    wait_healthy(&dir);

    // 2. The negative control: Docker does not trust the CA yet.
    let denied = login(&docker_config, &registry);
    assert!(!denied.status.success(), "login worked before trust");
    assert!(
        text(&denied).contains("certificate signed by unknown authority"),
        "{}",
        text(&denied)
    );

    // 3. Trust, login, push, pull.
    let out = regctl()
        .arg("--dir")
        .arg(&dir)
        .args([
            "trust",
            "install",
            "--store",
            "docker",
            "--registry",
            &registry,
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    let ok = login(&docker_config, &registry);
    assert!(ok.status.success(), "{}", text(&ok));

    let ctx = tmp.path().join("image");
    std::fs::create_dir_all(&ctx).unwrap();
    std::fs::write(ctx.join("a.txt"), format!("layer one {engine}\n")).unwrap();
    std::fs::write(ctx.join("b.txt"), "layer two\n").unwrap();
    std::fs::write(
        ctx.join("Dockerfile"),
        "FROM scratch\nCOPY a.txt /a.txt\nCOPY b.txt /b.txt\n",
    )
    .unwrap();
    let image = format!("{registry}/e2e/hello:v1");
    cleanup.images.push(image.clone());
    docker_ok(
        &docker_config,
        &["build", "-q", "-t", &image, ctx.to_str().unwrap()],
    );
    let pushed = docker_ok(&docker_config, &["push", &image]);
    let digest = pushed
        .split_whitespace()
        .find(|w| w.starts_with("sha256:"))
        .unwrap_or_else(|| panic!("no digest in: {pushed}"))
        .to_string();
    docker_ok(&docker_config, &["rmi", &image]);
    docker_ok(&docker_config, &["pull", &image]);
    let repo_digest = docker_ok(
        &docker_config,
        &["inspect", "-f", "{{index .RepoDigests 0}}", &image],
    );
    assert_eq!(repo_digest.trim(), format!("{registry}/e2e/hello@{digest}"));
    let by_digest = format!("{registry}/e2e/hello@{digest}");
    cleanup.images.push(by_digest.clone());
    docker_ok(&docker_config, &["rmi", &image]);
    docker_ok(&docker_config, &["pull", &by_digest]);

    // A two-platform index, pushed by skopeo, pulled by Docker.
    let src = tmp.path().join("multi");
    let layout = Layout::new(&src);
    let amd = layout.image("amd64", &[layout.tar_layer("m.txt", b"amd64\n")]);
    let arm = layout.image("arm64", &[layout.tar_layer("m.txt", b"arm64\n")]);
    let index = layout.index(&[("amd64", amd), ("arm64", arm)]);
    layout.tag_all(&[("v1", &index)]);
    let certs = tmp.path().join("skopeo-certs");
    std::fs::create_dir_all(&certs).unwrap();
    std::fs::copy(dir.join("certs/ca.crt"), certs.join("ca.crt")).unwrap();
    let multi = format!("{registry}/e2e/multi:v1");
    cleanup.images.push(multi.clone());
    require("skopeo");
    let out = Command::new("skopeo")
        .args(["copy", "--all", "--preserve-digests", "--dest-cert-dir"])
        .arg(&certs)
        .args(["--dest-creds", &format!("e2e:{PASSWORD}")])
        .arg(format!("oci:{}:v1", src.display()))
        .arg(format!("docker://{multi}"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    docker_ok(
        &docker_config,
        &["pull", "--platform", "linux/amd64", &multi],
    );

    // The catalog over HTTPS, trusting only the generated CA.
    let catalog = Command::new("curl")
        .args(["-sf", "--cacert"])
        .arg(dir.join("certs/ca.crt"))
        .args(["-u", &format!("e2e:{PASSWORD}")])
        .arg(format!("https://{registry}/v2/_catalog"))
        .output()
        .unwrap();
    let catalog = String::from_utf8_lossy(&catalog.stdout);
    assert!(
        catalog.contains("e2e/hello") && catalog.contains("e2e/multi"),
        "{catalog}"
    );
}

#[test]
fn bundled_engine_with_docker() {
    flow("bundled", 201 + (std::process::id() % 20) as u8);
}

#[test]
fn distribution_engine_with_docker() {
    flow("distribution", 221 + (std::process::id() % 20) as u8);
}

fn login_as(config: &Path, registry: &str, user: &str, password: &str) -> std::process::Output {
    use std::io::Write;
    let mut child = Command::new("docker")
        .env("DOCKER_CONFIG", config)
        .args(["login", registry, "-u", user, "--password-stdin"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(password.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

fn served_serial(port: u16) -> String {
    let out = Command::new("sh")
        .arg("-c")
        .arg(format!(
            "openssl s_client -connect 127.0.0.1:{port} </dev/null 2>/dev/null | openssl x509 -noout -serial"
        ))
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// Day two on compose, with the Docker engine on a non-loopback address:
/// users come and go without a restart (and the container can read the
/// file), a re-run of init changes nothing, a renewed certificate is
/// served by the same container process, the lifecycle commands act on
/// the compose project, and uninstalling trust leaves nothing.
#[test]
fn compose_day_two() {
    require_engine();
    let _host = crate::common::host_lock();
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("registry-day-two");
    let docker_config = tmp.path().join("docker-config");
    std::fs::create_dir_all(&docker_config).unwrap();
    let port = free_port();
    let net = format!("regctl-e2e-day-two-{}", std::process::id());
    let mut cleanup = Cleanup {
        dir: dir.clone(),
        docker_config: docker_config.clone(),
        registry: String::new(),
        network: net.clone(),
        images: vec![concat!("regctl:", env!("CARGO_PKG_VERSION")).to_string()],
    };
    let gateway = network(&net, 241 + (std::process::id() % 10) as u8);
    let registry = format!("{gateway}:{port}");
    cleanup.registry = registry.clone();
    let regctl_in = |args: &[&str], stdin: &str| {
        let out = regctl()
            .arg("--dir")
            .arg(&dir)
            .args(args)
            .write_stdin(stdin)
            .output()
            .unwrap();
        assert!(out.status.success(), "{args:?}: {}", text(&out));
        text(&out)
    };
    std::fs::create_dir_all("/etc/docker").unwrap();
    regctl_in(
        &[
            "init",
            "--yes",
            "--target",
            "compose",
            "--host",
            &gateway,
            "--host",
            "127.0.0.1",
            "--port",
            &port.to_string(),
            "--store",
            "docker",
            "--user",
            "e2e",
            "--password-stdin",
        ],
        PASSWORD,
    );
    wait_healthy(&dir);
    assert!(
        login_as(&docker_config, &registry, "e2e", PASSWORD)
            .status
            .success()
    );

    // A user added: the container (uid 65532) reads the file, no restart.
    let container = |dir: &Path| {
        let id = Command::new("docker-compose")
            .args(["ps", "-q", "registry"])
            .current_dir(dir)
            .output()
            .unwrap();
        let id = String::from_utf8_lossy(&id.stdout).trim().to_string();
        docker_ok(
            Path::new("/nonexistent"),
            &["inspect", "-f", "{{.State.Pid}}", &id],
        )
        .trim()
        .to_string()
    };
    let pid = container(&dir);
    regctl_in(
        &["user", "add", "alice", "--password-stdin"],
        "alice-password",
    );
    let wait = |want: bool| {
        crate::common::wait_until(
            Duration::from_secs(15),
            Duration::from_millis(300),
            || {
                login_as(&docker_config, &registry, "alice", "alice-password")
                    .status
                    .success()
                    == want
            },
            || format!("docker login as alice did not become {want}"),
        )
    };
    wait(true);
    regctl_in(&["user", "remove", "alice"], "");
    wait(false);

    // A re-run changes nothing, and alice stays gone.
    let ledger = std::fs::read(dir.join("trust-ledger.json")).unwrap();
    regctl_in(&["init", "--yes"], "");
    assert!(
        !std::fs::read_to_string(dir.join("regctl.yaml"))
            .unwrap()
            .contains("alice")
    );
    assert_eq!(
        std::fs::read(dir.join("trust-ledger.json")).unwrap(),
        ledger
    );
    assert_eq!(
        container(&dir),
        pid,
        "nothing changed, yet the container was recreated"
    );

    // A renewed certificate is served by the same process.
    let before = served_serial(port);
    let renewed = regctl_in(&["cert", "renew"], "");
    assert!(
        renewed.contains("now serves the new certificate"),
        "{renewed}"
    );
    assert_ne!(served_serial(port), before);
    assert_eq!(container(&dir), pid);

    // The lifecycle commands act on the compose project.
    regctl_in(&["restart"], "");
    wait_healthy(&dir);
    let status: serde_json::Value =
        serde_json::from_str(&regctl_in(&["status", "--json"], "")).unwrap();
    assert_eq!(
        (status["running"].clone(), status["manager"].clone()),
        (true.into(), "compose".into()),
        "{status}"
    );
    assert_eq!(status["answers"], 401, "{status}");
    let logs = regctl_in(&["logs", "-n", "5"], "");
    assert!(logs.contains("request"), "{logs}");
    regctl_in(&["stop"], "");
    let stopped = regctl()
        .arg("--dir")
        .arg(&dir)
        .arg("status")
        .output()
        .unwrap();
    assert_eq!(stopped.status.code(), Some(3), "{}", text(&stopped));
    regctl_in(&["start"], "");
    wait_healthy(&dir);

    // Trust out again: no file left for any of the hosts.
    regctl_in(&["trust", "uninstall"], "");
    for host in [gateway.as_str(), "127.0.0.1"] {
        let d = PathBuf::from(format!("/etc/docker/certs.d/{host}:{port}"));
        assert!(!d.exists(), "{} is left", d.display());
    }
}
