//! Real clients against `regctl serve`: skopeo over HTTPS with htpasswd, and
//! Debian's `docker-registry` (distribution 2.8) on the same storage.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use crate::common::oci::{Desc, Layout};
use crate::common::registry::{Registry, USER, free_port};
use crate::common::{require, run, text};

fn ok(out: std::process::Output) -> String {
    assert!(out.status.success(), "{}", text(&out));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A single-platform image and a two-platform index in one layout.
fn build_layout(dir: &Path) -> (Layout, Desc, Desc, Vec<Desc>) {
    let l = Layout::new(dir);
    let base = l.tar_layer("base.txt", b"shared base layer");
    let app = l.tar_layer("app.txt", b"application layer");
    let single = l.image("amd64", &[base.clone(), app.clone()]);
    let arm = l.image(
        "arm64",
        &[base.clone(), l.tar_layer("arm.txt", b"arm layer")],
    );
    let multi = l.index(&[("amd64", single.clone()), ("arm64", arm.clone())]);
    l.tag_all(&[("v1", &single), ("multi", &multi)]);
    (l, single, multi, vec![base, app, arm])
}

fn cert_dir(reg: &Registry) -> PathBuf {
    // skopeo reads every *.crt in the directory as a CA.
    let d = reg.path().join("skopeo-certs");
    std::fs::create_dir_all(&d).unwrap();
    std::fs::copy(reg.ca(), d.join("ca.crt")).unwrap();
    d
}

#[test]
fn skopeo_round_trips_images_and_indexes() {
    let reg = Registry::start();
    let certs = cert_dir(&reg);
    let work = tempfile::tempdir().unwrap();
    let (src, single, multi, layers) = build_layout(&work.path().join("src"));
    let src_ref = |tag: &str| format!("oci:{}:{tag}", src.dir.display());
    let dst = |tag: &str| format!("docker://{}/demo/app:{tag}", reg.host());

    ok(reg.skopeo(&["copy", "--preserve-digests", &src_ref("v1"), &dst("v1")]));
    ok(reg.skopeo(&[
        "copy",
        "--all",
        "--preserve-digests",
        &src_ref("multi"),
        &dst("multi"),
    ]));

    // The registry serves the manifests byte for byte.
    let raw = ok(reg.skopeo(&["inspect", "--raw", &dst("v1")]));
    assert_eq!(
        crate::common::registry::sha256(raw.as_bytes()),
        single.digest
    );
    let raw = ok(reg.skopeo(&["inspect", "--raw", &dst("multi")]));
    assert_eq!(
        crate::common::registry::sha256(raw.as_bytes()),
        multi.digest
    );
    let info: serde_json::Value =
        serde_json::from_str(&ok(reg.skopeo(&["inspect", &dst("v1")]))).unwrap();
    assert_eq!(info["Architecture"], "amd64");
    assert_eq!(info["Digest"], single.digest);
    let tags: serde_json::Value = serde_json::from_str(&ok(
        reg.skopeo(&["list-tags", &format!("docker://{}/demo/app", reg.host())])
    ))
    .unwrap();
    assert_eq!(tags["Tags"], serde_json::json!(["multi", "v1"]));

    // Copy back and compare every digest.
    let back = Layout::new(&work.path().join("back"));
    let back_ref = |tag: &str| format!("oci:{}:{tag}", back.dir.display());
    ok(reg.skopeo(&["copy", "--preserve-digests", &dst("v1"), &back_ref("v1")]));
    ok(reg.skopeo(&[
        "copy",
        "--all",
        "--preserve-digests",
        &dst("multi"),
        &back_ref("multi"),
    ]));
    assert_eq!(back.digest_of("v1"), single.digest);
    assert_eq!(back.digest_of("multi"), multi.digest);
    for l in &layers {
        assert!(
            back.has_blob(&l.digest),
            "layer {} missing after round trip",
            l.digest
        );
    }

    // Delete: the tag's manifest disappears.
    ok(reg.skopeo(&["delete", &dst("v1")]));
    let gone = reg.skopeo(&["inspect", "--raw", &dst("v1")]);
    assert!(!gone.status.success());
    assert!(text(&gone).contains("manifest unknown"), "{}", text(&gone));
    assert!(
        reg.skopeo(&["inspect", "--raw", &dst("multi")])
            .status
            .success()
    );

    // Wrong password: refused.
    let denied = run(
        "skopeo",
        &[
            "inspect",
            "--raw",
            "--cert-dir",
            certs.to_str().unwrap(),
            "--creds",
            &format!("{USER}:nope"),
            &dst("multi"),
        ],
        Path::new("."),
    );
    assert!(!denied.status.success());
    assert!(
        text(&denied).to_lowercase().contains("unauthorized"),
        "{}",
        text(&denied)
    );
}

/// Debian's distribution 2.8 serving a root directory, killed on drop.
struct Distribution {
    child: Child,
    port: u16,
}

impl Distribution {
    fn start(reg: &Registry, port: u16) -> Distribution {
        require("docker-registry");
        let cfg = reg.path().join("distribution.yml");
        std::fs::write(
            &cfg,
            format!(
                "version: 0.1\nstorage:\n  filesystem:\n    rootdirectory: {}\n  delete:\n    enabled: true\nhttp:\n  addr: 127.0.0.1:{port}\n  secret: test-secret\n  tls:\n    certificate: {}\n    key: {}\nauth:\n  htpasswd:\n    realm: test\n    path: {}\n",
                reg.data().display(),
                reg.path().join("certs/registry.crt").display(),
                reg.path().join("certs/registry.key").display(),
                reg.path().join("auth/htpasswd").display()
            ),
        )
        .unwrap();
        let log = std::fs::File::create(reg.path().join("distribution.log")).unwrap();
        let child = Command::new("docker-registry")
            .arg("serve")
            .arg(&cfg)
            .stdin(Stdio::null())
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .spawn()
            .expect("start docker-registry");
        crate::common::wait_for_port(port, || {
            std::fs::read_to_string(reg.path().join("distribution.log")).unwrap_or_default()
        });
        Distribution { child, port }
    }
}

impl Drop for Distribution {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn data_moves_both_ways_with_distribution() {
    let mut reg = Registry::start();
    let work = tempfile::tempdir().unwrap();
    let (src, single, multi, layers) = build_layout(&work.path().join("src"));
    let src_ref = |tag: &str| format!("oci:{}:{tag}", src.dir.display());

    // 1. Pushed through distribution, pulled through regctl.
    reg.kill();
    let dist = Distribution::start(&reg, free_port());
    let via_dist = |repo: &str, tag: &str| format!("docker://localhost:{}/{repo}:{tag}", dist.port);
    ok(reg.skopeo(&[
        "copy",
        "--all",
        "--preserve-digests",
        &src_ref("multi"),
        &via_dist("from-dist", "multi"),
    ]));
    drop(dist);
    reg.spawn();
    let via_reg = |repo: &str, tag: &str| format!("docker://{}/{repo}:{tag}", reg.host());
    let back = Layout::new(&work.path().join("back1"));
    ok(reg.skopeo(&[
        "copy",
        "--all",
        "--preserve-digests",
        &via_reg("from-dist", "multi"),
        &format!("oci:{}:multi", back.dir.display()),
    ]));
    assert_eq!(back.digest_of("multi"), multi.digest);
    for l in &layers {
        assert!(back.has_blob(&l.digest));
    }
    let catalog = reg.req("GET", "/v2/_catalog", &[], None).json();
    assert_eq!(catalog["repositories"], serde_json::json!(["from-dist"]));

    // 2. Pushed through regctl, pulled through distribution.
    ok(reg.skopeo(&[
        "copy",
        "--preserve-digests",
        &src_ref("v1"),
        &via_reg("from-regctl", "v1"),
    ]));
    reg.kill();
    let dist = Distribution::start(&reg, free_port());
    let via_dist = |repo: &str, tag: &str| format!("docker://localhost:{}/{repo}:{tag}", dist.port);
    let back = Layout::new(&work.path().join("back2"));
    ok(reg.skopeo(&[
        "copy",
        "--preserve-digests",
        &via_dist("from-regctl", "v1"),
        &format!("oci:{}:v1", back.dir.display()),
    ]));
    assert_eq!(back.digest_of("v1"), single.digest);
    let tags: serde_json::Value = serde_json::from_str(&ok(reg.skopeo(&[
        "list-tags",
        &format!("docker://localhost:{}/from-regctl", dist.port),
    ])))
    .unwrap();
    assert_eq!(tags["Tags"], serde_json::json!(["v1"]));
}
