//! `regctl serve` under crashes and contention: what was acknowledged
//! survives SIGKILL, nothing partial is ever served, and concurrent writers
//! of one blob or one tag leave consistent state.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::common::registry::{OCI_MANIFEST, PASSWORD, Registry, USER, image_manifest, sha256};
use serde_json::json;

fn payload(seed: u64, len: usize) -> Vec<u8> {
    let mut x = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x as u8
        })
        .collect()
}

fn walk_files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let p = e.path();
        if p.is_dir() {
            walk_files(&p, out);
        } else {
            out.push(p);
        }
    }
}

#[test]
fn sigkill_mid_push_keeps_every_acknowledged_write() {
    let mut reg = Registry::start();
    let blobs = Mutex::new(Vec::<(String, Vec<u8>)>::new());
    let manifests = Mutex::new(Vec::<(String, String)>::new());
    let creds = Some((USER, PASSWORD));
    let started = Instant::now();
    std::thread::scope(|s| {
        for t in 0..6u64 {
            let (reg, blobs, manifests) = (&reg, &blobs, &manifests);
            s.spawn(move || {
                for i in 0..200u64 {
                    let data = payload(t * 1000 + i, 512 * 1024 + (i as usize % 7) * 100_000);
                    let d = sha256(&data);
                    // Alternate monolithic and chunked pushes.
                    let pushed = if i % 2 == 0 {
                        reg.try_request(
                            "POST",
                            &format!("/v2/crash/t{t}/blobs/uploads/?digest={d}"),
                            &[],
                            Some(&data),
                            creds,
                        )
                        .map(|r| r.status == 201)
                    } else {
                        reg.try_request(
                            "POST",
                            &format!("/v2/crash/t{t}/blobs/uploads/"),
                            &[],
                            None,
                            creds,
                        )
                        .and_then(|r| {
                            let loc = r.header("location").ok_or("no location")?.to_string();
                            let half = data.len() / 2;
                            let r = reg.try_request(
                                "PATCH",
                                &loc,
                                &[&format!("Content-Range: 0-{}", half - 1)],
                                Some(&data[..half]),
                                creds,
                            )?;
                            let loc = r.header("location").ok_or("no location")?.to_string();
                            reg.try_request(
                                "PUT",
                                &format!("{loc}&digest={d}"),
                                &[&format!("Content-Range: {half}-{}", data.len() - 1)],
                                Some(&data[half..]),
                                creds,
                            )
                            .map(|r| r.status == 201)
                        })
                    };
                    match pushed {
                        Ok(true) => blobs.lock().unwrap().push((d.clone(), data.clone())),
                        Ok(false) => panic!("push refused before the crash"),
                        Err(_) => return, // the server is gone
                    }
                    let m = image_manifest((&d, data.len()), &[], json!({}));
                    let tag = format!("t{i}");
                    match reg.try_request(
                        "PUT",
                        &format!("/v2/crash/t{t}/manifests/{tag}"),
                        &[&format!("Content-Type: {OCI_MANIFEST}")],
                        Some(&m),
                        creds,
                    ) {
                        Ok(r) if r.status == 201 => manifests
                            .lock()
                            .unwrap()
                            .push((format!("crash/t{t}:{tag}"), sha256(&m))),
                        Ok(r) => panic!("manifest refused: {}", r.status),
                        Err(_) => return,
                    }
                }
            });
        }
        // Kill once enough pushes were acknowledged, whatever the machine's speed.
        let deadline = Instant::now() + Duration::from_secs(120);
        while blobs.lock().unwrap().len() < 15 && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(50));
        }
        // SIGKILL while the writers are mid-flight.
        crate::common::run_ok(
            "kill",
            &["-KILL", &reg.pid().to_string()],
            std::path::Path::new("."),
        );
    });
    reg.kill(); // reap
    let (blobs, manifests) = (blobs.into_inner().unwrap(), manifests.into_inner().unwrap());
    assert!(
        blobs.len() > 10,
        "too few pushes before the crash ({} in {:?})",
        blobs.len(),
        started.elapsed()
    );

    reg.spawn();
    for (d, data) in &blobs {
        let repo_path = reg
            .data()
            .join("docker/registry/v2/blobs/sha256")
            .join(&d[7..9])
            .join(&d[7..])
            .join("data");
        assert_eq!(
            std::fs::read(&repo_path).ok().as_deref(),
            Some(data.as_slice()),
            "acknowledged blob {d} lost"
        );
    }
    for (name_tag, digest) in &manifests {
        let (name, tag) = name_tag.split_once(':').unwrap();
        let r = reg.req("GET", &format!("/v2/{name}/manifests/{tag}"), &[], None);
        assert_eq!(r.status, 200, "acknowledged manifest {name_tag} lost");
        assert_eq!(sha256(&r.body), *digest);
    }
    // No blob on disk holds anything but the bytes of its digest: a partial
    // upload was never published.
    let mut files = Vec::new();
    walk_files(&reg.data().join("docker/registry/v2/blobs"), &mut files);
    assert!(!files.is_empty());
    for f in files {
        let name = f
            .parent()
            .unwrap()
            .file_name()
            .unwrap()
            .to_str()
            .unwrap()
            .to_string();
        assert_eq!(f.file_name().unwrap(), "data", "stray file {}", f.display());
        assert_eq!(
            sha256(&std::fs::read(&f).unwrap()),
            format!("sha256:{name}"),
            "corrupt blob {}",
            f.display()
        );
    }
}

#[test]
fn concurrent_writers_of_one_blob_and_one_tag_stay_consistent() {
    let reg = Registry::start();
    let data = payload(7, 3 * 1024 * 1024);
    let d = sha256(&data);
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..16)
            .map(|i| {
                let (reg, data, d) = (&reg, &data, &d);
                s.spawn(move || {
                    if i % 2 == 0 {
                        reg.req(
                            "POST",
                            &format!("/v2/same/blobs/uploads/?digest={d}"),
                            &[],
                            Some(data),
                        )
                        .status
                    } else {
                        let loc = reg
                            .req("POST", "/v2/same/blobs/uploads/", &[], None)
                            .header("location")
                            .unwrap()
                            .to_string();
                        reg.req("PUT", &format!("{loc}&digest={d}"), &[], Some(data))
                            .status
                    }
                })
            })
            .collect();
        for h in handles {
            assert_eq!(h.join().unwrap(), 201);
        }
    });
    assert_eq!(
        reg.req("GET", &format!("/v2/same/blobs/{d}"), &[], None)
            .body,
        data
    );

    // Sixteen different manifests written to one tag at once.
    let manifests: Vec<Vec<u8>> = (0..16)
        .map(|i| {
            image_manifest(
                (&d, data.len()),
                &[],
                json!({"annotations": {"n": i.to_string()}}),
            )
        })
        .collect();
    std::thread::scope(|s| {
        let handles: Vec<_> = manifests
            .iter()
            .map(|m| {
                let reg = &reg;
                s.spawn(move || {
                    reg.req(
                        "PUT",
                        "/v2/same/manifests/latest",
                        &[&format!("Content-Type: {OCI_MANIFEST}")],
                        Some(m),
                    )
                    .status
                })
            })
            .collect();
        for h in handles {
            assert_eq!(h.join().unwrap(), 201);
        }
    });
    let r = reg.req("GET", "/v2/same/manifests/latest", &[], None);
    assert_eq!(r.status, 200);
    let served = sha256(&r.body);
    assert_eq!(r.header("docker-content-digest"), Some(served.as_str()));
    assert!(
        manifests.iter().any(|m| sha256(m) == served),
        "the tag points at one of the writes"
    );
    let link = std::fs::read_to_string(
        reg.data()
            .join("docker/registry/v2/repositories/same/_manifests/tags/latest/current/link"),
    )
    .unwrap();
    assert_eq!(link, served, "the link file is whole");
    // Every write is a revision; the tag's history lists them all.
    for m in &manifests {
        assert_eq!(
            reg.req(
                "HEAD",
                &format!("/v2/same/manifests/{}", sha256(m)),
                &[],
                None
            )
            .status,
            200
        );
    }
}

#[test]
fn abandoned_uploads_are_purged() {
    let mut reg = Registry::start();
    reg.kill();
    let cfg = std::fs::read_to_string(reg.config_path()).unwrap().replace(
        "  maintenance:\n",
        "  maintenance:\n    uploadpurging:\n      enabled: true\n      age: 1s\n      interval: 1s\n      dryrun: false\n",
    );
    std::fs::write(reg.config_path(), cfg).unwrap();
    reg.spawn();
    let loc = reg
        .req("POST", "/v2/app/blobs/uploads/", &[], None)
        .header("location")
        .unwrap()
        .to_string();
    assert_eq!(reg.req("PATCH", &loc, &[], Some(b"partial")).status, 202);
    crate::common::wait_until(
        Duration::from_secs(30),
        Duration::from_millis(300),
        || reg.req("GET", &loc, &[], None).status == 404,
        || format!("upload not purged: {}", reg.log()),
    );
    assert!(reg.log().contains("purged abandoned upload"));
}

#[test]
fn two_servers_on_one_root_continue_each_others_uploads() {
    let reg = Registry::start();
    // A second process on the same directory and secret, another port.
    let port = crate::common::registry::free_port();
    let cfg2 = reg.path().join("config2.yml");
    let text = std::fs::read_to_string(reg.config_path()).unwrap().replace(
        &format!("127.0.0.1:{}", reg.port),
        &format!("127.0.0.1:{port}"),
    );
    std::fs::write(&cfg2, text).unwrap();
    let _second = crate::common::ChildGuard(
        std::process::Command::new(assert_cmd::cargo::cargo_bin("regctl"))
            .args(["serve", "--config"])
            .arg(&cfg2)
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap(),
    );
    crate::common::wait_for_port(port, String::new);
    let other = |path: &str| format!("https://localhost:{port}{path}");
    let data = payload(3, 200_000);
    let d = sha256(&data);
    let loc = reg
        .req("POST", "/v2/shared/blobs/uploads/", &[], None)
        .header("location")
        .unwrap()
        .to_string();
    let r = reg.req(
        "PATCH",
        &other(&loc),
        &["Content-Range: 0-99999"],
        Some(&data[..100_000]),
    );
    assert_eq!(
        r.status, 202,
        "the second server continues the first one's upload"
    );
    let loc = r.header("location").unwrap().to_string();
    assert_eq!(
        reg.req("GET", &loc, &[], None).header("range"),
        Some("0-99999")
    );
    let r = reg.req(
        "PUT",
        &format!("{loc}&digest={d}"),
        &["Content-Range: 100000-199999"],
        Some(&data[100_000..]),
    );
    assert_eq!(r.status, 201);
    assert_eq!(
        reg.req("GET", &other(&format!("/v2/shared/blobs/{d}")), &[], None)
            .body,
        data
    );
}
