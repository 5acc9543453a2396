//! `regctl image save`: the archive a Kubernetes node imports when no
//! registry it trusts has the image yet, checked with the real importers
//! (containerd's `ctr`, `docker load`) and by serving from the result.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use crate::common::registry::free_port;
use crate::common::{regctl, require, run, run_ok, text, wait_until};

/// containerd's socket: Debian's system one, or the one the Docker engine runs.
fn containerd_socket() -> PathBuf {
    [
        "/run/containerd/containerd.sock",
        "/var/run/docker/containerd/containerd.sock",
    ]
    .into_iter()
    .map(PathBuf::from)
    .find(|p| p.exists())
    .expect("no containerd socket: the Docker engine (scripts/test installs it) runs one")
}

/// Removes what the test imported, also when it fails.
struct Imported {
    socket: String,
    namespace: String,
    reference: String,
}

impl Drop for Imported {
    fn drop(&mut self) {
        let ctr = |args: &[&str]| {
            let mut full = vec!["-a", &self.socket, "-n", &self.namespace];
            full.extend_from_slice(args);
            run("ctr", &full, Path::new("."))
        };
        let _ = ctr(&["images", "rm", &self.reference]);
        // containerd collects the content in the background; the empty
        // namespace can be removed once it has.
        for _ in 0..50 {
            let out = run(
                "ctr",
                &["-a", &self.socket, "namespaces", "rm", &self.namespace],
                Path::new("."),
            );
            if out.status.success() {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

#[test]
fn containerd_imports_the_saved_image() {
    require("ctr");
    let t = tempfile::tempdir().unwrap();
    let archive = t.path().join("regctl.tar");
    let tag = format!("regctl-save-test:{}", std::process::id());
    let out = regctl()
        .args(["image", "save", "--tag", &tag, "-o"])
        .arg(&archive)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        text(&out).contains("ctr -n k8s.io images import"),
        "{}",
        text(&out)
    );
    let imported = Imported {
        socket: containerd_socket().display().to_string(),
        namespace: format!("regctl-save-test-{}", std::process::id()),
        reference: format!("docker.io/library/{tag}"),
    };
    let said = run_ok(
        "ctr",
        &[
            "-a",
            &imported.socket,
            "-n",
            &imported.namespace,
            "images",
            "import",
            archive.to_str().unwrap(),
        ],
        Path::new("."),
    );
    assert!(said.contains(&imported.reference), "{said}");
    let listed = run_ok(
        "ctr",
        &[
            "-a",
            &imported.socket,
            "-n",
            &imported.namespace,
            "images",
            "ls",
            "-q",
        ],
        Path::new("."),
    );
    assert!(listed.lines().any(|l| l == imported.reference), "{listed}");
}

/// Removes the container and image, also when the test fails.
struct Loaded(String);

impl Drop for Loaded {
    fn drop(&mut self) {
        let _ = Command::new("docker").args(["rm", "-f", &self.0]).output();
        let _ = Command::new("docker").args(["rmi", "-f", &self.0]).output();
    }
}

#[test]
fn the_saved_image_loads_from_a_pipe_and_serves() {
    require("docker");
    require("curl");
    let tag = format!("regctl-save-serve:{}", std::process::id());
    let _loaded = Loaded(tag.clone());
    // regctl image save | docker load
    let mut save = Command::new(assert_cmd::cargo::cargo_bin("regctl"))
        .args(["image", "save", "--tag", &tag])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let load = Command::new("docker")
        .arg("load")
        .stdin(save.stdout.take().unwrap())
        .output()
        .unwrap();
    assert!(save.wait().unwrap().success());
    assert!(load.status.success(), "{}", text(&load));
    assert!(text(&load).contains(&tag), "{}", text(&load));

    // Its default configuration: plain HTTP on :5000, data in the volume,
    // written by the image's non-root user.
    let port = free_port();
    let out = run(
        "docker",
        &[
            "run",
            "-d",
            "--name",
            &tag.replace(':', "-"),
            "-p",
            &format!("127.0.0.1:{port}:5000"),
            &tag,
        ],
        Path::new("."),
    );
    assert!(out.status.success(), "{}", text(&out));
    let _container = Loaded(tag.replace(':', "-"));
    let url = format!("http://127.0.0.1:{port}");
    wait_until(
        Duration::from_secs(20),
        Duration::from_millis(100),
        || {
            run("curl", &["-sf", &format!("{url}/v2/")], Path::new("."))
                .status
                .success()
        },
        || "the container never answered /v2/".into(),
    );
    let digest = crate::common::registry::sha256(b"pushed into the saved image");
    let push = run(
        "curl",
        &[
            "-s",
            "-o",
            "/dev/null",
            "-w",
            "%{http_code}",
            "-X",
            "POST",
            "--data-binary",
            "pushed into the saved image",
            "-H",
            "Content-Type: application/octet-stream",
            &format!("{url}/v2/save/test/blobs/uploads/?digest={digest}"),
        ],
        Path::new("."),
    );
    assert_eq!(
        String::from_utf8_lossy(&push.stdout),
        "201",
        "{}",
        text(&push)
    );
}
