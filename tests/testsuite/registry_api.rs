//! The OCI Distribution API of `regctl serve`, request by request, with curl.

use crate::common::registry::{
    OCI_INDEX, OCI_MANIFEST, Options, Registry, USER, image_manifest, sha256,
};
use crate::common::{require, run_ok};
use serde_json::json;

#[test]
fn base_endpoint_and_auth() {
    let reg = Registry::start();
    let r = reg.request("GET", "/v2/", &[], None, None);
    assert_eq!(r.status, 401);
    assert_eq!(
        r.header("www-authenticate"),
        Some("Basic realm=\"regctl-test\"")
    );
    assert_eq!(r.code(), "UNAUTHORIZED");
    assert_eq!(
        r.header("docker-distribution-api-version"),
        Some("registry/2.0")
    );
    let r = reg.request("GET", "/v2/", &[], None, Some((USER, "wrong")));
    assert_eq!(r.status, 401);
    let r = reg.request("GET", "/v2/", &[], None, Some(("mallory", "x")));
    assert_eq!(r.status, 401);
    let r = reg.req("GET", "/v2/", &[], None);
    assert_eq!(r.status, 200);
    assert_eq!(
        r.header("docker-distribution-api-version"),
        Some("registry/2.0")
    );
    // Health check without credentials.
    assert_eq!(reg.request("GET", "/", &[], None, None).status, 200);
    // Failed logins are logged without the password.
    let log = reg.log();
    assert!(
        log.contains("login refused") && log.contains("wrong password"),
        "{log}"
    );
    assert!(!log.contains("correct horse") && !log.contains("Authorization"));
}

#[test]
fn blob_push_pull_and_ranges() {
    let reg = Registry::start();
    let data: Vec<u8> = (0..100_000u32).map(|i| (i * 7 % 251) as u8).collect();
    let d = reg.push_blob("app", &data);
    let r = reg.req("GET", &format!("/v2/app/blobs/{d}"), &[], None);
    assert_eq!(r.status, 200);
    assert_eq!(r.body, data);
    assert_eq!(r.header("docker-content-digest"), Some(d.as_str()));
    let r = reg.req("HEAD", &format!("/v2/app/blobs/{d}"), &[], None);
    assert_eq!(
        (r.status, r.header("content-length")),
        (200, Some("100000"))
    );

    let r = reg.req(
        "GET",
        &format!("/v2/app/blobs/{d}"),
        &["Range: bytes=10-19"],
        None,
    );
    assert_eq!(r.status, 206);
    assert_eq!(r.header("content-range"), Some("bytes 10-19/100000"));
    assert_eq!(r.body, &data[10..20]);
    let r = reg.req(
        "GET",
        &format!("/v2/app/blobs/{d}"),
        &["Range: bytes=-5"],
        None,
    );
    assert_eq!((r.status, r.body.as_slice()), (206, &data[99_995..]));
    let r = reg.req(
        "GET",
        &format!("/v2/app/blobs/{d}"),
        &["Range: bytes=100000-"],
        None,
    );
    assert_eq!(r.status, 416);
    assert_eq!(r.header("content-range"), Some("bytes */100000"));

    // Digest mismatch: refused and nothing published.
    let wrong = sha256(b"something else");
    let r = reg.req(
        "POST",
        &format!("/v2/app/blobs/uploads/?digest={wrong}"),
        &[],
        Some(b"payload"),
    );
    assert_eq!((r.status, r.code().as_str()), (400, "DIGEST_INVALID"));
    assert_eq!(
        reg.req("HEAD", &format!("/v2/app/blobs/{wrong}"), &[], None)
            .status,
        404
    );
    let r = reg.req(
        "POST",
        "/v2/app/blobs/uploads/?digest=sha256:nothex",
        &[],
        Some(b"x"),
    );
    assert_eq!((r.status, r.code().as_str()), (400, "DIGEST_INVALID"));
    let r = reg.req("GET", "/v2/app/blobs/md5:abc", &[], None);
    assert_eq!((r.status, r.code().as_str()), (400, "DIGEST_INVALID"));
    // A blob of another repository is not visible here.
    let r = reg.req("GET", &format!("/v2/other/blobs/{d}"), &[], None);
    assert_eq!((r.status, r.code().as_str()), (404, "BLOB_UNKNOWN"));
    // sha512 digests are accepted.
    let d512 = {
        use sha2::Digest;
        format!(
            "sha512:{}",
            hex::encode(sha2::Sha512::digest(b"five-twelve"))
        )
    };
    let r = reg.req(
        "POST",
        &format!("/v2/app/blobs/uploads/?digest={d512}"),
        &[],
        Some(b"five-twelve"),
    );
    assert_eq!(r.status, 201, "{}", String::from_utf8_lossy(&r.body));
    assert_eq!(
        reg.req("GET", &format!("/v2/app/blobs/{d512}"), &[], None)
            .body,
        b"five-twelve"
    );
    // The blob is on disk in distribution's layout.
    let hex = d.trim_start_matches("sha256:");
    let on_disk = reg.data().join(format!(
        "docker/registry/v2/blobs/sha256/{}/{hex}/data",
        &hex[..2]
    ));
    assert_eq!(std::fs::read(on_disk).unwrap(), data);
    let link = reg.data().join(format!(
        "docker/registry/v2/repositories/app/_layers/sha256/{hex}/link"
    ));
    assert_eq!(std::fs::read_to_string(link).unwrap(), d);
}

/// Blobs above the mapping threshold are served from mapped windows: the
/// whole blob, ranges that start off a page and cross windows, and the
/// same after the file was evicted from the page cache (the cold path
/// reads it in before the socket touches it).
#[test]
fn large_blobs_stream_whole_and_in_ranges_warm_and_cold() {
    require("dd");
    require("fincore");
    let reg = Registry::start_with(Options {
        auth: false,
        ..Default::default()
    });
    let data: Vec<u8> = (0..5 * 1024 * 1024 + 123u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    let d = reg.push_blob("big", &data);
    let hex = d.trim_start_matches("sha256:");
    let file = reg.data().join(format!(
        "docker/registry/v2/blobs/sha256/{}/{hex}/data",
        &hex[..2]
    ));
    for cold in [false, true] {
        if cold {
            // Drops this one file's pages from the page cache.
            run_ok(
                "dd",
                &[
                    &format!("if={}", file.display()),
                    "iflag=nocache",
                    "count=0",
                ],
                reg.path(),
            );
            let resident = run_ok(
                "fincore",
                &[
                    "--bytes",
                    "--noheadings",
                    "-o",
                    "RES",
                    file.to_str().unwrap(),
                ],
                reg.path(),
            );
            assert_eq!(resident.trim(), "0", "the blob is still cached");
        }
        let r = reg.req("GET", &format!("/v2/big/blobs/{d}"), &[], None);
        assert_eq!(r.status, 200, "cold={cold}");
        assert!(r.body == data, "whole blob differs (cold={cold})");
        for (range, from, to) in [
            ("bytes=1000-4200000", 1000, 4_200_001),
            ("bytes=2097151-2097152", 2_097_151, 2_097_153),
            ("bytes=-300000", data.len() - 300_000, data.len()),
        ] {
            let r = reg.req(
                "GET",
                &format!("/v2/big/blobs/{d}"),
                &[&format!("Range: {range}")],
                None,
            );
            assert_eq!(r.status, 206, "{range}");
            assert!(r.body == data[from..to], "{range} differs (cold={cold})");
        }
    }
}

#[test]
fn chunked_upload_with_ranges_status_and_cancel() {
    let reg = Registry::start();
    let r = reg.req("POST", "/v2/app/blobs/uploads/", &[], None);
    assert_eq!(r.status, 202);
    assert_eq!(r.header("range"), Some("0-0"));
    let loc = r.header("location").unwrap().to_string();
    assert!(
        loc.starts_with("/v2/app/blobs/uploads/") && loc.contains("_state="),
        "{loc}"
    );

    let r = reg.req("PATCH", &loc, &["Content-Range: 0-4"], Some(b"hello"));
    assert_eq!((r.status, r.header("range")), (202, Some("0-4")));
    let loc = r.header("location").unwrap().to_string();
    // Out of order and overlapping chunks are refused with the current range.
    for range in ["10-14", "3-7"] {
        let r = reg.req(
            "PATCH",
            &loc,
            &[&format!("Content-Range: {range}")],
            Some(b"world"),
        );
        assert_eq!(r.status, 416, "{range}");
        assert_eq!(r.header("range"), Some("0-4"));
    }
    let r = reg.req("GET", &loc, &[], None);
    assert_eq!((r.status, r.header("range")), (204, Some("0-4")));
    let r = reg.req("PATCH", &loc, &["Content-Range: 5-10"], Some(b" world"));
    assert_eq!((r.status, r.header("range")), (202, Some("0-10")));
    let whole = b"hello world!";
    let d = sha256(whole);
    let r = reg.req(
        "PUT",
        &format!("{loc}&digest={d}"),
        &["Content-Range: 11-11"],
        Some(b"!"),
    );
    assert_eq!(r.status, 201, "{}", String::from_utf8_lossy(&r.body));
    assert_eq!(
        r.header("location"),
        Some(format!("/v2/app/blobs/{d}").as_str())
    );
    assert_eq!(
        reg.req("GET", &format!("/v2/app/blobs/{d}"), &[], None)
            .body,
        whole
    );
    // The finished upload is gone.
    let r = reg.req("GET", &loc, &[], None);
    assert_eq!((r.status, r.code().as_str()), (404, "BLOB_UPLOAD_UNKNOWN"));

    // A closing PUT with a wrong digest is refused.
    let loc = reg
        .req("POST", "/v2/app/blobs/uploads/", &[], None)
        .header("location")
        .unwrap()
        .to_string();
    let r = reg.req(
        "PUT",
        &format!("{loc}&digest={}", sha256(b"nope")),
        &[],
        Some(b"data"),
    );
    assert_eq!((r.status, r.code().as_str()), (400, "DIGEST_INVALID"));
    // A tampered state token is refused.
    let loc = reg
        .req("POST", "/v2/app/blobs/uploads/", &[], None)
        .header("location")
        .unwrap()
        .to_string();
    let (base, _) = loc.split_once("?_state=").unwrap();
    let r = reg.req(
        "PATCH",
        &format!("{base}?_state=00112233445566778899aabbccddeeff"),
        &[],
        Some(b"x"),
    );
    assert_eq!((r.status, r.code().as_str()), (400, "BLOB_UPLOAD_INVALID"));
    // Cancel.
    assert_eq!(reg.req("DELETE", &loc, &[], None).status, 204);
    assert_eq!(reg.req("DELETE", &loc, &[], None).status, 404);
    let r = reg.req("GET", "/v2/app/blobs/uploads/not-a-uuid", &[], None);
    assert_eq!((r.status, r.code().as_str()), (404, "BLOB_UPLOAD_UNKNOWN"));
    // POST then PUT with the whole blob (monolithic, two steps).
    let loc = reg
        .req("POST", "/v2/app/blobs/uploads/", &[], None)
        .header("location")
        .unwrap()
        .to_string();
    let d = sha256(b"two-step");
    assert_eq!(
        reg.req("PUT", &format!("{loc}&digest={d}"), &[], Some(b"two-step"))
            .status,
        201
    );
    assert_eq!(
        reg.req("GET", &format!("/v2/app/blobs/{d}"), &[], None)
            .body,
        b"two-step"
    );
}

#[test]
fn cross_repository_mount() {
    let reg = Registry::start();
    let d = reg.push_blob("src/app", b"shared layer");
    let r = reg.req(
        "POST",
        &format!("/v2/dst/blobs/uploads/?mount={d}&from=src/app"),
        &[],
        None,
    );
    assert_eq!(r.status, 201);
    assert_eq!(
        r.header("location"),
        Some(format!("/v2/dst/blobs/{d}").as_str())
    );
    assert_eq!(
        reg.req("GET", &format!("/v2/dst/blobs/{d}"), &[], None)
            .body,
        b"shared layer"
    );
    // Without `from`, a blob the registry has is mounted too.
    let r = reg.req(
        "POST",
        &format!("/v2/third/blobs/uploads/?mount={d}"),
        &[],
        None,
    );
    assert_eq!(r.status, 201);
    // Unknown blob: an upload session instead (202).
    let r = reg.req(
        "POST",
        &format!(
            "/v2/dst/blobs/uploads/?mount={}&from=src/app",
            sha256(b"absent")
        ),
        &[],
        None,
    );
    assert_eq!(r.status, 202);
    assert!(r.header("location").unwrap().contains("/blobs/uploads/"));
}

#[test]
fn manifests_push_pull_and_validation() {
    let reg = Registry::start();
    let config = br#"{"architecture":"amd64","os":"linux"}"#;
    let layer = b"layer bytes";
    let (c, l) = (reg.push_blob("app", config), reg.push_blob("app", layer));
    let m = image_manifest((&c, config.len()), &[(&l, layer.len())], json!({}));
    let r = reg.req(
        "PUT",
        "/v2/app/manifests/v1",
        &[&format!("Content-Type: {OCI_MANIFEST}")],
        Some(&m),
    );
    assert_eq!(r.status, 201, "{}", String::from_utf8_lossy(&r.body));
    let digest = sha256(&m);
    assert_eq!(r.header("docker-content-digest"), Some(digest.as_str()));
    assert_eq!(
        r.header("location"),
        Some(format!("/v2/app/manifests/{digest}").as_str())
    );

    for reference in ["v1", digest.as_str()] {
        let r = reg.req(
            "GET",
            &format!("/v2/app/manifests/{reference}"),
            &[&format!("Accept: {OCI_MANIFEST}")],
            None,
        );
        assert_eq!(r.status, 200);
        assert_eq!(r.body, m, "stored byte for byte");
        assert_eq!(r.header("content-type"), Some(OCI_MANIFEST));
        assert_eq!(r.header("docker-content-digest"), Some(digest.as_str()));
    }
    let r = reg.req("HEAD", "/v2/app/manifests/v1", &[], None);
    assert_eq!(
        (r.status, r.header("content-length")),
        (200, Some(m.len().to_string().as_str()))
    );
    assert_eq!(
        reg.req("GET", "/v2/app/manifests/nope", &[], None).code(),
        "MANIFEST_UNKNOWN"
    );
    let r = reg.req("GET", "/v2/unknown/manifests/v1", &[], None);
    assert_eq!(r.status, 404);

    // Referenced blob missing.
    let ghost = sha256(b"ghost");
    let bad = image_manifest((&c, config.len()), &[(&ghost, 5)], json!({}));
    let r = reg.req(
        "PUT",
        "/v2/app/manifests/bad",
        &[&format!("Content-Type: {OCI_MANIFEST}")],
        Some(&bad),
    );
    assert_eq!(
        (r.status, r.code().as_str()),
        (400, "MANIFEST_BLOB_UNKNOWN")
    );
    // Index with a missing child.
    let idx = serde_json::to_vec(&json!({"schemaVersion":2,"mediaType":OCI_INDEX,"manifests":[{"mediaType":OCI_MANIFEST,"digest":ghost,"size":5}]})).unwrap();
    let r = reg.req(
        "PUT",
        "/v2/app/manifests/idx",
        &[&format!("Content-Type: {OCI_INDEX}")],
        Some(&idx),
    );
    assert_eq!(
        (r.status, r.code().as_str()),
        (400, "MANIFEST_BLOB_UNKNOWN")
    );
    // Docker schema 1.
    let s1 = br#"{"schemaVersion":1,"name":"app","tag":"x","fsLayers":[]}"#;
    let r = reg.req(
        "PUT",
        "/v2/app/manifests/s1",
        &["Content-Type: application/vnd.docker.distribution.manifest.v1+prettyjws"],
        Some(s1),
    );
    assert_eq!((r.status, r.code().as_str()), (400, "MANIFEST_INVALID"));
    assert!(String::from_utf8_lossy(&r.body).contains("schema 1"));
    // Not JSON; Content-Type disagreeing with mediaType.
    let r = reg.req(
        "PUT",
        "/v2/app/manifests/junk",
        &[&format!("Content-Type: {OCI_MANIFEST}")],
        Some(b"{not json"),
    );
    assert_eq!((r.status, r.code().as_str()), (400, "MANIFEST_INVALID"));
    let r = reg.req(
        "PUT",
        "/v2/app/manifests/mismatch",
        &[&format!("Content-Type: {OCI_INDEX}")],
        Some(&m),
    );
    assert_eq!((r.status, r.code().as_str()), (400, "MANIFEST_INVALID"));
    // Digest reference that does not match the body.
    let r = reg.req(
        "PUT",
        &format!("/v2/app/manifests/{}", sha256(b"other")),
        &[&format!("Content-Type: {OCI_MANIFEST}")],
        Some(&m),
    );
    assert_eq!((r.status, r.code().as_str()), (400, "DIGEST_INVALID"));
    // Over 4 MiB.
    let huge = image_manifest(
        (&c, config.len()),
        &[(&l, layer.len())],
        json!({"annotations": {"pad": "x".repeat(4 * 1024 * 1024)}}),
    );
    let r = reg.req(
        "PUT",
        "/v2/app/manifests/huge",
        &[&format!("Content-Type: {OCI_MANIFEST}")],
        Some(&huge),
    );
    assert_eq!(r.status, 413);
    // Invalid tag.
    let r = reg.req(
        "PUT",
        "/v2/app/manifests/-bad",
        &[&format!("Content-Type: {OCI_MANIFEST}")],
        Some(&m),
    );
    assert_eq!((r.status, r.code().as_str()), (400, "MANIFEST_INVALID"));

    // A Docker schema 2 manifest list over the image.
    let list = serde_json::to_vec(&json!({"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.list.v2+json","manifests":[{"mediaType":OCI_MANIFEST,"digest":digest,"size":m.len(),"platform":{"architecture":"amd64","os":"linux"}}]})).unwrap();
    let ld = reg.push_manifest(
        "app",
        "list",
        "application/vnd.docker.distribution.manifest.list.v2+json",
        &list,
    );
    let r = reg.req("GET", &format!("/v2/app/manifests/{ld}"), &[], None);
    assert_eq!(
        r.header("content-type"),
        Some("application/vnd.docker.distribution.manifest.list.v2+json")
    );
}

#[test]
fn tags_and_catalog_paginate_with_link() {
    let reg = Registry::start();
    let config = b"{}";
    let c = reg.push_blob("lib/app", config);
    let m = image_manifest((&c, 2), &[], json!({}));
    for tag in ["v3", "v1", "latest", "v2", "a"] {
        reg.push_manifest("lib/app", tag, OCI_MANIFEST, &m);
    }
    let r = reg.req("GET", "/v2/lib/app/tags/list", &[], None);
    assert_eq!(
        r.json(),
        json!({"name":"lib/app","tags":["a","latest","v1","v2","v3"]})
    );
    let r = reg.req("GET", "/v2/lib/app/tags/list?n=2", &[], None);
    assert_eq!(r.json()["tags"], json!(["a", "latest"]));
    assert_eq!(
        r.header("link"),
        Some("</v2/lib/app/tags/list?n=2&last=latest>; rel=\"next\"")
    );
    let r = reg.req("GET", "/v2/lib/app/tags/list?n=2&last=latest", &[], None);
    assert_eq!(r.json()["tags"], json!(["v1", "v2"]));
    let r = reg.req("GET", "/v2/lib/app/tags/list?n=2&last=v2", &[], None);
    assert_eq!(r.json()["tags"], json!(["v3"]));
    assert_eq!(r.header("link"), None);
    let r = reg.req("GET", "/v2/lib/app/tags/list?n=0", &[], None);
    assert_eq!(
        (r.json()["tags"].clone(), r.header("link")),
        (json!([]), None)
    );
    let r = reg.req("GET", "/v2/nothing/here/tags/list", &[], None);
    assert_eq!((r.status, r.code().as_str()), (404, "NAME_UNKNOWN"));

    for repo in ["zeta", "alpha/one", "lib/app/nested"] {
        let c = reg.push_blob(repo, config);
        reg.push_manifest(
            repo,
            "t",
            OCI_MANIFEST,
            &image_manifest((&c, 2), &[], json!({})),
        );
    }
    let r = reg.req("GET", "/v2/_catalog", &[], None);
    assert_eq!(
        r.json(),
        json!({"repositories":["alpha/one","lib/app","lib/app/nested","zeta"]})
    );
    let r = reg.req("GET", "/v2/_catalog?n=2", &[], None);
    assert_eq!(r.json()["repositories"], json!(["alpha/one", "lib/app"]));
    assert_eq!(
        r.header("link"),
        Some("</v2/_catalog?n=2&last=lib%2Fapp>; rel=\"next\"")
    );
    let r = reg.req("GET", "/v2/_catalog?n=2&last=lib%2Fapp", &[], None);
    assert_eq!(r.json()["repositories"], json!(["lib/app/nested", "zeta"]));
}

#[test]
fn referrers_api_and_subject() {
    let reg = Registry::start();
    let c = reg.push_blob("app", b"{}");
    let subject = image_manifest((&c, 2), &[], json!({}));
    let sd = reg.push_manifest("app", "v1", OCI_MANIFEST, &subject);
    let sbom_cfg = reg.push_blob("app", b"{\"sbom\":1}");
    let art = image_manifest(
        (&sbom_cfg, 10),
        &[],
        json!({"artifactType": "application/vnd.example.sbom.v1", "subject": {"mediaType": OCI_MANIFEST, "digest": sd, "size": subject.len()}, "annotations": {"org.example": "yes"}}),
    );
    let r = reg.req(
        "PUT",
        &format!("/v2/app/manifests/{}", sha256(&art)),
        &[&format!("Content-Type: {OCI_MANIFEST}")],
        Some(&art),
    );
    assert_eq!(r.status, 201);
    assert_eq!(r.header("oci-subject"), Some(sd.as_str()));
    // A second referrer whose artifactType comes from its config.
    let sig = image_manifest(
        (&c, 2),
        &[],
        json!({"subject": {"mediaType": OCI_MANIFEST, "digest": sd, "size": subject.len()}}),
    );
    let sigd = reg.push_manifest("app", &sha256(&sig), OCI_MANIFEST, &sig);

    let r = reg.req("GET", &format!("/v2/app/referrers/{sd}"), &[], None);
    assert_eq!(r.status, 200);
    assert_eq!(r.header("content-type"), Some(OCI_INDEX));
    let idx = r.json();
    let list = idx["manifests"].as_array().unwrap();
    assert_eq!(list.len(), 2, "{idx}");
    let sbom = list.iter().find(|d| d["digest"] == sha256(&art)).unwrap();
    assert_eq!(sbom["artifactType"], "application/vnd.example.sbom.v1");
    assert_eq!(sbom["annotations"]["org.example"], "yes");
    assert_eq!(sbom["size"], art.len());
    let other = list.iter().find(|d| d["digest"] == sigd).unwrap();
    assert_eq!(
        other["artifactType"],
        "application/vnd.oci.image.config.v1+json"
    );

    let r = reg.req(
        "GET",
        &format!("/v2/app/referrers/{sd}?artifactType=application%2Fvnd.example.sbom.v1"),
        &[],
        None,
    );
    assert_eq!(r.header("oci-filters-applied"), Some("artifactType"));
    assert_eq!(r.json()["manifests"].as_array().unwrap().len(), 1);
    let r = reg.req(
        "GET",
        &format!("/v2/app/referrers/{}", sha256(b"nothing")),
        &[],
        None,
    );
    assert_eq!((r.status, r.json()["manifests"].clone()), (200, json!([])));
    let r = reg.req("GET", "/v2/app/referrers/sha256:bad", &[], None);
    assert_eq!((r.status, r.code().as_str()), (400, "DIGEST_INVALID"));
}

#[test]
fn deletes_and_their_switches() {
    let reg = Registry::start();
    let c = reg.push_blob("app", b"{}");
    let m = image_manifest((&c, 2), &[], json!({}));
    let d = reg.push_manifest("app", "v1", OCI_MANIFEST, &m);
    reg.push_manifest("app", "v2", OCI_MANIFEST, &m);
    assert_eq!(
        reg.req("DELETE", "/v2/app/manifests/v2", &[], None).status,
        202
    );
    assert_eq!(
        reg.req("GET", "/v2/app/manifests/v2", &[], None).status,
        404
    );
    assert_eq!(
        reg.req("GET", "/v2/app/manifests/v1", &[], None).status,
        200
    );
    assert_eq!(
        reg.req("DELETE", "/v2/app/manifests/v2", &[], None).code(),
        "MANIFEST_UNKNOWN"
    );
    // Deleting by digest removes tags pointing at it.
    assert_eq!(
        reg.req("DELETE", &format!("/v2/app/manifests/{d}"), &[], None)
            .status,
        202
    );
    assert_eq!(
        reg.req("GET", "/v2/app/manifests/v1", &[], None).status,
        404
    );
    assert_eq!(
        reg.req("GET", &format!("/v2/app/manifests/{d}"), &[], None)
            .status,
        404
    );
    assert_eq!(
        reg.req("DELETE", &format!("/v2/app/blobs/{c}"), &[], None)
            .status,
        202
    );
    assert_eq!(
        reg.req("GET", &format!("/v2/app/blobs/{c}"), &[], None)
            .status,
        404
    );
    assert_eq!(
        reg.req("DELETE", &format!("/v2/app/blobs/{c}"), &[], None)
            .code(),
        "BLOB_UNKNOWN"
    );
    assert_eq!(
        reg.req("DELETE", "/v2/none/manifests/v1", &[], None).code(),
        "NAME_UNKNOWN"
    );

    let reg = Registry::start_with(Options {
        delete: false,
        ..Options::default()
    });
    let c = reg.push_blob("app", b"{}");
    let d = reg.push_manifest(
        "app",
        "v1",
        OCI_MANIFEST,
        &image_manifest((&c, 2), &[], json!({})),
    );
    for path in [
        "/v2/app/manifests/v1".to_string(),
        format!("/v2/app/manifests/{d}"),
        format!("/v2/app/blobs/{c}"),
    ] {
        let r = reg.req("DELETE", &path, &[], None);
        assert_eq!(
            (r.status, r.code().as_str()),
            (405, "UNSUPPORTED"),
            "{path}"
        );
    }
    assert_eq!(
        reg.req("GET", "/v2/app/manifests/v1", &[], None).status,
        200
    );
}

#[test]
fn read_only_mode_refuses_writes_and_serves_reads() {
    let mut reg = Registry::start();
    let c = reg.push_blob("app", b"{}");
    reg.push_manifest(
        "app",
        "v1",
        OCI_MANIFEST,
        &image_manifest((&c, 2), &[], json!({})),
    );
    reg.kill();
    reg.opts.readonly = true;
    reg.write_config();
    reg.spawn();
    assert_eq!(
        reg.req("GET", "/v2/app/manifests/v1", &[], None).status,
        200
    );
    assert_eq!(
        reg.req("GET", &format!("/v2/app/blobs/{c}"), &[], None)
            .status,
        200
    );
    for (method, path) in [
        ("POST", "/v2/app/blobs/uploads/"),
        ("PUT", "/v2/app/manifests/v2"),
        ("DELETE", "/v2/app/manifests/v1"),
    ] {
        let r = reg.req(method, path, &[], Some(b"{}"));
        assert_eq!(
            (r.status, r.code().as_str()),
            (405, "UNSUPPORTED"),
            "{method} {path}"
        );
        assert!(String::from_utf8_lossy(&r.body).contains("read-only"));
    }
}

/// Method, path, headers, body.
type Probe<'a> = (&'a str, &'a str, &'a [&'a str], Option<&'a [u8]>);

#[test]
fn bad_names_and_client_mistakes_never_500() {
    let reg = Registry::start();
    for path in [
        "/v2/Upper/tags/list",
        "/v2/a/../b/tags/list",
        "/v2/a//b/tags/list",
        "/v2/-a/manifests/x",
        "/v2/a%2F..%2Fb/tags/list",
    ] {
        let r = reg.req("GET", path, &[], None);
        assert_eq!(
            (r.status, r.code().as_str()),
            (400, "NAME_INVALID"),
            "{path}"
        );
    }
    let probes: &[Probe] = &[
        ("GET", "/v2/nowhere", &[], None),
        ("PUT", "/v2/", &[], Some(b"x")),
        ("PATCH", "/v2/a/manifests/x", &[], Some(b"x")),
        ("GET", "/v2/a/blobs/sha256:", &[], None),
        (
            "GET",
            "/v2/a/blobs/uploads/00000000-0000-4000-8000-000000000000",
            &[],
            None,
        ),
        (
            "PATCH",
            "/v2/a/blobs/uploads/00000000-0000-4000-8000-000000000000",
            &["Content-Range: 0-0"],
            Some(b"x"),
        ),
        (
            "PUT",
            "/v2/a/blobs/uploads/00000000-0000-4000-8000-000000000000",
            &[],
            Some(b"x"),
        ),
        (
            "PUT",
            "/v2/a/manifests/t",
            &["Content-Type: application/json"],
            Some(b"[]"),
        ),
        (
            "PUT",
            "/v2/a/manifests/t",
            &[],
            Some(b"{\"schemaVersion\":2,\"mediaType\":\"application/x-unknown\"}"),
        ),
        ("GET", "/v2/a/tags/list?n=abc", &[], None),
        ("GET", "/v2/_catalog?n=-1", &[], None),
        (
            "GET",
            "/v2/a/blobs/sha256:0000000000000000000000000000000000000000000000000000000000000000",
            &["Range: bytes=zz"],
            None,
        ),
        (
            "POST",
            "/v2/a/blobs/uploads/?mount=sha256:zz&from=b",
            &[],
            None,
        ),
        ("POST", "/v2/a/blobs/uploads/?mount=x&from=Bad!", &[], None),
        ("GET", "/v2/a/referrers/not-a-digest", &[], None),
    ];
    for (method, path, headers, body) in probes {
        let r = reg.req(method, path, headers, *body);
        assert!(
            (400..500).contains(&r.status),
            "{method} {path} -> {}",
            r.status
        );
        assert!(
            !r.code().is_empty(),
            "{method} {path}: OCI error body expected"
        );
    }
    // The server is still fine.
    assert_eq!(reg.req("GET", "/v2/", &[], None).status, 200);
}

#[test]
fn htpasswd_changes_apply_without_restart() {
    let reg = Registry::start();
    assert_eq!(
        reg.request("GET", "/v2/", &[], None, Some(("bob", "pw2-long-enough")))
            .status,
        401
    );
    let out = crate::common::regctl()
        .args(["htpasswd", "add"])
        .arg(reg.path().join("auth/htpasswd"))
        .args(["bob", "--password-stdin", "--cost", "4"])
        .write_stdin("pw2-long-enough\n")
        .output()
        .unwrap();
    assert!(out.status.success());
    crate::common::wait_until(
        std::time::Duration::from_secs(10),
        std::time::Duration::from_millis(200),
        || {
            reg.request("GET", "/v2/", &[], None, Some(("bob", "pw2-long-enough")))
                .status
                == 200
        },
        || "new user not picked up".into(),
    );
}

/// The spec's development version: a push by digest may name tags with
/// `?tag=`, each confirmed by an `OCI-Tag` header; a bad one fails the push
/// before anything is written.
#[test]
fn tag_parameters_on_a_push_by_digest() {
    let reg = Registry::start();
    let config = b"{}".to_vec();
    let c = reg.push_blob("tp/app", &config);
    let m = image_manifest((&c, config.len()), &[], json!({}));
    let d = sha256(&m);
    let ct = format!("Content-Type: {OCI_MANIFEST}");
    let r = reg.req(
        "PUT",
        &format!("/v2/tp/app/manifests/{d}?tag=v1&tag=v1.0&tag=latest"),
        &[&ct],
        Some(&m),
    );
    assert_eq!(r.status, 201, "{}", String::from_utf8_lossy(&r.body));
    let confirmed: Vec<&str> = r
        .headers
        .iter()
        .filter(|(k, _)| k == "oci-tag")
        .map(|(_, v)| v.as_str())
        .collect();
    assert_eq!(confirmed, ["v1", "v1.0", "latest"]);
    let r = reg.req("GET", "/v2/tp/app/tags/list", &[], None);
    assert_eq!(r.json()["tags"], json!(["latest", "v1", "v1.0"]));
    let r = reg.req(
        "HEAD",
        "/v2/tp/app/manifests/v1.0",
        &[&format!("Accept: {OCI_MANIFEST}")],
        None,
    );
    assert_eq!(r.header("docker-content-digest"), Some(d.as_str()));

    let other = image_manifest((&c, config.len()), &[], json!({"annotations": {"n": "2"}}));
    let r = reg.req(
        "PUT",
        &format!("/v2/tp/app/manifests/{}?tag=ok&tag=-bad", sha256(&other)),
        &[&ct],
        Some(&other),
    );
    assert_eq!((r.status, r.code().as_str()), (400, "MANIFEST_INVALID"));
    let r = reg.req("GET", "/v2/tp/app/tags/list", &[], None);
    assert_eq!(
        r.json()["tags"],
        json!(["latest", "v1", "v1.0"]),
        "nothing tagged"
    );
}

/// An index whose children are not all pushed is refused by default and
/// accepted with `validation.manifests.indexes.platforms: none`, or for
/// the platforms a `list` does not name.
#[test]
fn sparse_indexes_only_when_configured() {
    let ghost = sha256(b"a platform never pushed");
    let index = |platform: (&str, &str)| {
        serde_json::to_vec(
            &json!({"schemaVersion": 2, "mediaType": OCI_INDEX, "manifests": [
            {"mediaType": OCI_MANIFEST, "digest": ghost, "size": 100,
             "platform": {"os": platform.0, "architecture": platform.1}}]}),
        )
        .unwrap()
    };
    let push = |reg: &Registry, body: &[u8]| {
        reg.req(
            "PUT",
            "/v2/sparse/app/manifests/idx",
            &[&format!("Content-Type: {OCI_INDEX}")],
            Some(body),
        )
    };
    let strict = Registry::start();
    let r = push(&strict, &index(("linux", "arm64")));
    assert_eq!(
        (r.status, r.code().as_str()),
        (400, "MANIFEST_BLOB_UNKNOWN")
    );

    let none = Registry::start_with(Options {
        extra: "validation:\n  manifests:\n    indexes:\n      platforms: none\n".into(),
        ..Options::default()
    });
    assert_eq!(push(&none, &index(("linux", "arm64"))).status, 201);

    let list = Registry::start_with(Options {
        extra: "validation:\n  manifests:\n    indexes:\n      platforms: list\n      platformlist:\n        - os: linux\n          architecture: amd64\n".into(),
        ..Options::default()
    });
    assert_eq!(push(&list, &index(("linux", "arm64"))).status, 201);
    let r = push(&list, &index(("linux", "amd64")));
    assert_eq!(
        (r.status, r.code().as_str()),
        (400, "MANIFEST_BLOB_UNKNOWN")
    );
}
