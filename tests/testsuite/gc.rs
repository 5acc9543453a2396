//! `regctl gc` with real clients: what stays pulls intact, what goes is gone
//! and its bytes freed, a dry run changes nothing, and collection while
//! pushes and pulls continue never breaks an acknowledged image.

use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::common::oci::Layout;
use crate::common::registry::{OCI_MANIFEST, PASSWORD, Registry, USER, image_manifest, sha256};
use crate::common::{regctl, require, run, snapshot, text};
use serde_json::json;

fn gc(reg: &Registry, args: &[&str]) -> serde_json::Value {
    let out = regctl()
        .args(["gc", "--json", "--config"])
        .arg(reg.config_path())
        .args(args)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    serde_json::from_slice(&out.stdout).unwrap()
}

fn blob_bytes(reg: &Registry) -> u64 {
    fn walk(p: &Path) -> u64 {
        std::fs::read_dir(p)
            .into_iter()
            .flatten()
            .flatten()
            .map(|e| {
                if e.path().is_dir() {
                    walk(&e.path())
                } else {
                    e.metadata().map(|m| m.len()).unwrap_or(0)
                }
            })
            .sum()
    }
    walk(&reg.data().join("docker/registry/v2/blobs"))
}

fn blob_path(reg: &Registry, d: &str) -> PathBuf {
    reg.data().join(format!(
        "docker/registry/v2/blobs/sha256/{}/{}/data",
        &d[7..9],
        &d[7..]
    ))
}

#[test]
fn gc_removes_garbage_and_keeps_everything_reachable() {
    let reg = Registry::start();
    let work = tempfile::tempdir().unwrap();
    let l = Layout::new(&work.path().join("src"));
    let base = l.tar_layer("base", b"base layer kept by everyone");
    let single = l.image("amd64", &[base.clone(), l.tar_layer("app", b"app v1")]);
    let arm = l.image("arm64", &[base.clone(), l.tar_layer("arm", b"arm only")]);
    let amd = l.image("amd64", &[base.clone(), l.tar_layer("amd", b"amd only")]);
    let multi = l.index(&[("amd64", amd.clone()), ("arm64", arm.clone())]);
    let old = l.image(
        "amd64",
        &[l.tar_layer("old", b"old layer, garbage after retag")],
    );
    let newer = l.image("amd64", &[l.tar_layer("new", b"new layer")]);
    l.tag_all(&[
        ("v1", &single),
        ("multi", &multi),
        ("old", &old),
        ("newer", &newer),
    ]);
    let src = |tag: &str| format!("oci:{}:{tag}", l.dir.display());
    let dst = |tag: &str| format!("docker://{}/gc/app:{tag}", reg.host());
    for tag in ["v1", "old"] {
        assert!(
            reg.skopeo(&["copy", "--preserve-digests", &src(tag), &dst(tag)])
                .status
                .success()
        );
    }
    assert!(
        reg.skopeo(&[
            "copy",
            "--all",
            "--preserve-digests",
            &src("multi"),
            &dst("multi")
        ])
        .status
        .success()
    );
    // Retag `old` to another image: the first revision becomes untagged.
    assert!(
        reg.skopeo(&["copy", "--preserve-digests", &src("newer"), &dst("old")])
            .status
            .success()
    );
    // An artifact referring to v1 (kept) and one referring to the retagged revision (goes).
    let cfg = reg.push_blob("gc/app", b"{\"sig\":1}");
    let sig_v1 = image_manifest(
        (&cfg, 9),
        &[],
        json!({"artifactType": "application/x.sig", "subject": {"mediaType": OCI_MANIFEST, "digest": single.digest, "size": single.size}}),
    );
    let sig_v1_d = reg.push_manifest("gc/app", &sha256(&sig_v1), OCI_MANIFEST, &sig_v1);
    let sig_old = image_manifest(
        (&cfg, 9),
        &[],
        json!({"artifactType": "application/x.sig", "subject": {"mediaType": OCI_MANIFEST, "digest": old.digest, "size": old.size}}),
    );
    let sig_old_d = reg.push_manifest("gc/app", &sha256(&sig_old), OCI_MANIFEST, &sig_old);
    // A blob nobody references, and an upload never finished.
    let orphan = reg.push_blob("gc/app", &vec![7u8; 50_000]);
    let upload = reg
        .req("POST", "/v2/gc/app/blobs/uploads/", &[], None)
        .header("location")
        .unwrap()
        .to_string();
    assert_eq!(reg.req("PATCH", &upload, &[], Some(b"half")).status, 202);

    // Dry run: nothing changes on disk.
    let before = snapshot(&reg.data());
    let dry = gc(&reg, &["--dry-run", "--delete-untagged", "--min-age", "0s"]);
    assert_eq!(dry["dry_run"], true);
    assert!(dry["blobs_removed"].as_u64().unwrap() >= 2, "{dry}");
    assert_eq!(
        snapshot(&reg.data()),
        before,
        "a dry run must not change anything"
    );

    let bytes_before = blob_bytes(&reg);
    let report = gc(&reg, &["--delete-untagged", "--min-age", "0s"]);
    assert_eq!(
        report["blobs_removed"], dry["blobs_removed"],
        "the dry run predicted the run"
    );
    assert_eq!(
        bytes_before - blob_bytes(&reg),
        report["bytes_freed"].as_u64().unwrap(),
        "bytes freed as reported"
    );
    let removed: Vec<String> = report["repositories"][0]["manifests_removed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect();
    assert!(
        removed.contains(&old.digest) && removed.contains(&sig_old_d),
        "{report}"
    );
    assert_eq!(removed.len(), 2, "{report}");

    // Gone: 404 and bytes freed.
    for d in [&old.digest, &sig_old_d] {
        assert_eq!(
            reg.req("GET", &format!("/v2/gc/app/manifests/{d}"), &[], None)
                .status,
            404
        );
    }
    assert_eq!(
        reg.req("GET", &format!("/v2/gc/app/blobs/{orphan}"), &[], None)
            .status,
        404
    );
    assert!(!blob_path(&reg, &orphan).exists());
    assert!(!blob_path(&reg, &old.digest).exists());
    // Kept: every tag and digest pulls, index children and the live referrer included.
    let back = Layout::new(&work.path().join("back"));
    for (tag, all) in [("v1", false), ("multi", true), ("old", false)] {
        let mut args = vec!["copy", "--preserve-digests"];
        if all {
            args.push("--all");
        }
        let (from, to) = (dst(tag), format!("oci:{}:{tag}", back.dir.display()));
        args.extend([from.as_str(), to.as_str()]);
        let out = reg.skopeo(&args);
        assert!(out.status.success(), "{tag}: {}", text(&out));
    }
    assert_eq!(back.digest_of("multi"), multi.digest);
    assert_eq!(back.digest_of("old"), newer.digest);
    for d in [&amd.digest, &arm.digest, &sig_v1_d] {
        assert_eq!(
            reg.req("GET", &format!("/v2/gc/app/manifests/{d}"), &[], None)
                .status,
            200,
            "{d} must stay"
        );
    }
    let refs = reg
        .req(
            "GET",
            &format!("/v2/gc/app/referrers/{}", single.digest),
            &[],
            None,
        )
        .json();
    assert_eq!(refs["manifests"].as_array().unwrap().len(), 1);
    assert_eq!(
        reg.req("GET", &upload, &[], None).status,
        204,
        "a fresh upload is younger than the purge age"
    );
}

#[test]
fn without_delete_untagged_revisions_stay_and_grace_period_protects_fresh_blobs() {
    let reg = Registry::start();
    let c = reg.push_blob("app", b"{}");
    let m1 = image_manifest((&c, 2), &[], json!({"annotations": {"n": "1"}}));
    let m2 = image_manifest((&c, 2), &[], json!({"annotations": {"n": "2"}}));
    let d1 = reg.push_manifest("app", "t", OCI_MANIFEST, &m1);
    reg.push_manifest("app", "t", OCI_MANIFEST, &m2);
    let orphan = reg.push_blob("app", b"orphan");
    // A repository that only ever got a blob, never a manifest.
    let lonely = reg.push_blob("no-manifest", b"lonely");

    // Default grace period (1h): the fresh orphan stays.
    let r = gc(&reg, &[]);
    assert_eq!(r["blobs_removed"], 0, "{r}");
    assert!(r["recent_kept"].as_u64().unwrap() >= 1, "{r}");
    assert!(blob_path(&reg, &orphan).exists());

    let r = gc(&reg, &["--min-age", "0s"]);
    assert_eq!(r["blobs_removed"], 2, "{r}");
    assert!(!blob_path(&reg, &orphan).exists());
    assert!(!blob_path(&reg, &lonely).exists());
    let lonely_link = reg.data().join(format!(
        "docker/registry/v2/repositories/no-manifest/_layers/sha256/{}",
        &lonely[7..]
    ));
    assert!(
        !lonely_link.exists(),
        "the stale link of a repository without manifests is swept"
    );
    // The untagged revision stays without --delete-untagged.
    assert_eq!(
        reg.req("GET", &format!("/v2/app/manifests/{d1}"), &[], None)
            .status,
        200
    );
}

#[test]
fn distribution_reads_what_gc_left() {
    require("docker-registry");
    let mut reg = Registry::start();
    let c = reg.push_blob("keep", b"{\"architecture\":\"amd64\",\"os\":\"linux\"}");
    let layer = reg.push_blob("keep", b"layer");
    let m = image_manifest((&c, 37), &[(&layer, 5)], json!({}));
    let d = reg.push_manifest("keep", "v1", OCI_MANIFEST, &m);
    let junk = reg.push_blob("junk", b"junk");
    gc(&reg, &["--delete-untagged", "--min-age", "0s"]);
    reg.kill();
    // distribution on the same root serves the kept image.
    let port = crate::common::registry::free_port();
    let cfg = reg.path().join("dist.yml");
    std::fs::write(&cfg, format!("version: 0.1\nstorage:\n  filesystem:\n    rootdirectory: {}\nhttp:\n  addr: 127.0.0.1:{port}\n", reg.data().display())).unwrap();
    let _child = crate::common::ChildGuard(
        std::process::Command::new("docker-registry")
            .arg("serve")
            .arg(&cfg)
            .stderr(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .spawn()
            .unwrap(),
    );
    crate::common::wait_for_port(port, String::new);
    // distribution 2.8 serves OCI manifests only to clients that accept them.
    let get = |path: &str| {
        run(
            "curl",
            &[
                "-sf",
                "-H",
                &format!("Accept: {OCI_MANIFEST}"),
                &format!("http://127.0.0.1:{port}{path}"),
            ],
            Path::new("."),
        )
    };
    let manifest = get(&format!("/v2/keep/manifests/{d}"));
    assert!(manifest.status.success());
    assert_eq!(sha256(&manifest.stdout), d);
    assert_eq!(get(&format!("/v2/keep/blobs/{layer}")).stdout, b"layer");
    assert!(!get(&format!("/v2/junk/blobs/{junk}")).status.success());
}

#[test]
fn gc_during_continuous_pushes_never_breaks_an_acknowledged_image() {
    let reg = Registry::start();
    let creds = Some((USER, PASSWORD));
    // A short grace period: untagged images become garbage within the run,
    // while pushes in progress (seconds at most here) are protected.
    let min_age = "1s";
    let (ok, failed, reused) = std::thread::scope(|s| {
        let pusher = s.spawn(|| {
            let mut ok: Vec<(String, String)> = Vec::new();
            let mut untagged_layers: Vec<(String, Vec<u8>)> = Vec::new();
            let (mut failed, mut reused) = (0, 0);
            // A fixed amount of work, whatever the machine's speed.
            for i in 0..60u32 {
                // Every other image reuses the layer of an image untagged
                // earlier, which the collector may be deleting right now; like
                // Docker it skips the upload when HEAD says the blob exists.
                let (ld, layer) = match untagged_layers.pop().filter(|_| i % 2 == 0) {
                    Some(old) => {
                        reused += 1;
                        old
                    }
                    None => {
                        let data = format!("layer {i} {}", "x".repeat((i as usize % 5) * 1000))
                            .into_bytes();
                        (sha256(&data), data)
                    }
                };
                let config = format!("{{\"n\":{i}}}").into_bytes();
                let cd = sha256(&config);
                let push = |d: &str, data: &[u8]| {
                    reg.try_request(
                        "POST",
                        &format!("/v2/busy/blobs/uploads/?digest={d}"),
                        &[],
                        Some(data),
                        creds,
                    )
                    .map(|r| r.status)
                };
                let exists = reg
                    .req("HEAD", &format!("/v2/busy/blobs/{ld}"), &[], None)
                    .status
                    == 200;
                if !exists && push(&ld, &layer) != Ok(201) {
                    panic!("layer push refused");
                }
                assert_eq!(push(&cd, &config), Ok(201));
                let m = image_manifest((&cd, config.len()), &[(&ld, layer.len())], json!({}));
                let tag = format!("t{i}");
                match reg.try_request(
                    "PUT",
                    &format!("/v2/busy/manifests/{tag}"),
                    &[&format!("Content-Type: {OCI_MANIFEST}")],
                    Some(&m),
                    creds,
                ) {
                    Ok(r) if r.status == 201 => ok.push((tag, sha256(&m))),
                    // The collector removed a blob first: the push fails cleanly.
                    Ok(r) if r.status == 400 && r.code() == "MANIFEST_BLOB_UNKNOWN" => failed += 1,
                    other => panic!("unexpected answer: {other:?}"),
                }
                // Untag an older image so the collector has work.
                if i % 3 == 0 && ok.len() > 2 {
                    let (t, d) = ok.remove(0);
                    let r = reg.req("GET", &format!("/v2/busy/manifests/{d}"), &[], None);
                    let m: serde_json::Value = serde_json::from_slice(&r.body).unwrap();
                    let layer_d = m["layers"][0]["digest"].as_str().unwrap().to_string();
                    let layer_r = reg.req("GET", &format!("/v2/busy/blobs/{layer_d}"), &[], None);
                    assert_eq!(
                        reg.req("DELETE", &format!("/v2/busy/manifests/{t}"), &[], None)
                            .status,
                        202
                    );
                    untagged_layers.push((layer_d, layer_r.body));
                }
                // Pull the newest back while GC runs.
                if let Some((t, d)) = ok.last() {
                    let r = reg.req("GET", &format!("/v2/busy/manifests/{t}"), &[], None);
                    assert_eq!((r.status, sha256(&r.body)), (200, d.clone()));
                }
            }
            (ok, failed, reused)
        });
        let (mut runs, mut removed) = (0, 0);
        while !pusher.is_finished() {
            let r = gc(&reg, &["--delete-untagged", "--min-age", min_age]);
            removed += r["blobs_removed"].as_u64().unwrap_or(0);
            runs += 1;
        }
        assert!(runs >= 3, "only {runs} GC runs");
        assert!(
            removed > 0,
            "the collector never removed anything while pushes ran"
        );
        pusher.join().unwrap()
    });
    assert!(ok.len() > 10, "{} ok, {failed} failed", ok.len());
    eprintln!(
        "{} pushes acknowledged, {failed} refused cleanly, {reused} reused an untagged layer",
        ok.len()
    );
    assert!(
        reused > 3,
        "the race with reused layers was exercised only {reused} times"
    );
    // Collect once more after everything settled, then check every image.
    std::thread::sleep(Duration::from_millis(1100));
    gc(&reg, &["--delete-untagged", "--min-age", min_age]);
    for (tag, digest) in &ok {
        let r = reg.req("GET", &format!("/v2/busy/manifests/{tag}"), &[], None);
        assert_eq!((r.status, sha256(&r.body)), (200, digest.clone()), "{tag}");
        let m: serde_json::Value = serde_json::from_slice(&r.body).unwrap();
        for blob in [&m["config"]["digest"], &m["layers"][0]["digest"]] {
            let b = reg.req(
                "GET",
                &format!("/v2/busy/blobs/{}", blob.as_str().unwrap()),
                &[],
                None,
            );
            assert_eq!(
                (b.status, sha256(&b.body)),
                (200, blob.as_str().unwrap().to_string()),
                "{tag} blob"
            );
        }
    }
}

#[test]
fn serve_collects_on_its_own_schedule() {
    let mut reg = Registry::start();
    reg.kill();
    let cfg = std::fs::read_to_string(reg.config_path()).unwrap().replace(
        "  maintenance:\n",
        "  maintenance:\n    gc:\n      enabled: true\n      interval: 1s\n      minage: 2s\n      deleteuntagged: true\n",
    );
    std::fs::write(reg.config_path(), cfg).unwrap();
    reg.spawn();
    let orphan = reg.push_blob("app", b"nobody references me");
    let c = reg.push_blob("app", b"{}");
    let d = reg.push_manifest(
        "app",
        "v1",
        OCI_MANIFEST,
        &image_manifest((&c, 2), &[], json!({})),
    );
    crate::common::wait_until(
        Duration::from_secs(20),
        Duration::from_millis(200),
        || !blob_path(&reg, &orphan).exists(),
        || format!("scheduled GC did not run: {}", reg.log()),
    );
    assert!(reg.log().contains("garbage collection finished"));
    assert_eq!(
        reg.req("GET", &format!("/v2/app/manifests/{d}"), &[], None)
            .status,
        200
    );
    assert_eq!(
        reg.req("GET", &format!("/v2/app/blobs/{c}"), &[], None)
            .status,
        200
    );
}
