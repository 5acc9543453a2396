//! The API in-process: requests go straight to [`handle`] with in-memory
//! bodies, over a filesystem store in a temporary directory. Checks where a
//! socket adds nothing live here; the spawned-server suites (real clients,
//! TLS, HTTP/2, slow or hostile connections) are in tests/testsuite.

use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::{Request, StatusCode};

use super::{App, handle};
use crate::registry::digest::Digest;
use crate::registry::storage::fs::FsDriver;
use crate::registry::store::Store;

struct Harness {
    _dir: tempfile::TempDir,
    app: Arc<App>,
}

struct Answer {
    status: StatusCode,
    headers: hyper::HeaderMap,
    body: Bytes,
}

impl Answer {
    fn code(&self) -> String {
        serde_json::from_slice::<serde_json::Value>(&self.body)
            .ok()
            .and_then(|v| v["errors"][0]["code"].as_str().map(String::from))
            .unwrap_or_default()
    }

    fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }
}

fn harness() -> Harness {
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(Store::new(Arc::new(FsDriver::new(
        dir.path().to_path_buf(),
    ))));
    let app = Arc::new(App {
        store,
        auth: None,
        delete_enabled: true,
        readonly: false,
        base_url: None,
        secret: b"test secret".to_vec(),
        extra_headers: hyper::HeaderMap::new(),
        access_log: false,
        log_fields: String::new(),
        healthy: Arc::new(AtomicBool::new(true)),
        timeouts: Default::default(),
        index_children: crate::registry::config::IndexChildren::All,
    });
    Harness { _dir: dir, app }
}

impl Harness {
    async fn call(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> Answer {
        // As a client sends it: HTTP/1.1 names its host.
        let mut req = Request::builder()
            .method(method)
            .uri(path)
            .header("host", "registry.test");
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        let req = req.body(Full::new(Bytes::copy_from_slice(body))).unwrap();
        let resp = handle(self.app.clone(), req, "127.0.0.1:1".parse().unwrap()).await;
        let (parts, body) = resp.into_parts();
        Answer {
            status: parts.status,
            headers: parts.headers,
            body: body.collect().await.unwrap().to_bytes(),
        }
    }

    /// Pushes a blob monolithically.
    async fn push_blob(&self, repo: &str, data: &[u8]) -> Digest {
        let d = Digest::sha256_of(data);
        let a = self
            .call(
                "POST",
                &format!("/v2/{repo}/blobs/uploads/?digest={d}"),
                &[],
                data,
            )
            .await;
        assert_eq!(a.status, StatusCode::CREATED, "{:?}", a.body);
        d
    }
}

fn manifest(config: &Digest, layer: &Digest) -> String {
    format!(
        r#"{{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"{config}","size":2}},"layers":[{{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"{layer}","size":5}}]}}"#
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn push_pull_and_delete_by_value() {
    let h = harness();
    let config = h.push_blob("team/app", b"{}").await;
    let layer = h.push_blob("team/app", b"hello").await;
    let m = manifest(&config, &layer);
    let put = h
        .call(
            "PUT",
            "/v2/team/app/manifests/v1",
            &[("content-type", "application/vnd.oci.image.manifest.v1+json")],
            m.as_bytes(),
        )
        .await;
    assert_eq!(put.status, StatusCode::CREATED);
    let digest = Digest::sha256_of(m.as_bytes()).to_string();
    assert_eq!(put.header("docker-content-digest"), digest);
    let got = h.call("GET", "/v2/team/app/manifests/v1", &[], b"").await;
    assert_eq!(got.status, StatusCode::OK);
    assert_eq!(got.body, m.as_bytes());
    let blob = h
        .call(
            "GET",
            &format!("/v2/team/app/blobs/{layer}"),
            &[("range", "bytes=1-3")],
            b"",
        )
        .await;
    assert_eq!(blob.status, StatusCode::PARTIAL_CONTENT);
    assert_eq!(&blob.body[..], b"ell");
    let tags = h.call("GET", "/v2/team/app/tags/list", &[], b"").await;
    assert_eq!(tags.body, r#"{"name":"team/app","tags":["v1"]}"#.as_bytes());
    let del = h
        .call(
            "DELETE",
            &format!("/v2/team/app/manifests/{digest}"),
            &[],
            b"",
        )
        .await;
    assert_eq!(del.status, StatusCode::ACCEPTED);
    let gone = h.call("GET", "/v2/team/app/manifests/v1", &[], b"").await;
    assert_eq!(
        (gone.status, gone.code().as_str()),
        (StatusCode::NOT_FOUND, "MANIFEST_UNKNOWN")
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn names_digests_and_upload_ids_are_checked_at_the_edge() {
    let h = harness();
    for (method, path, status, code) in [
        (
            "GET",
            "/v2/Bad/tags/list",
            StatusCode::BAD_REQUEST,
            "NAME_INVALID",
        ),
        (
            "GET",
            "/v2/a/%2e%2e/b/tags/list",
            StatusCode::BAD_REQUEST,
            "NAME_INVALID",
        ),
        (
            "GET",
            "/v2/a/blobs/sha256:nothex",
            StatusCode::BAD_REQUEST,
            "DIGEST_INVALID",
        ),
        (
            "PUT",
            "/v2/a/manifests/bad!tag",
            StatusCode::BAD_REQUEST,
            "MANIFEST_INVALID",
        ),
        (
            "GET",
            "/v2/a/manifests/bad!tag",
            StatusCode::NOT_FOUND,
            "MANIFEST_UNKNOWN",
        ),
        (
            "PATCH",
            "/v2/a/blobs/uploads/not-an-id",
            StatusCode::NOT_FOUND,
            "BLOB_UPLOAD_UNKNOWN",
        ),
    ] {
        let a = h.call(method, path, &[], b"").await;
        assert_eq!(
            (a.status, a.code().as_str()),
            (status, code),
            "{method} {path}"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_forged_upload_state_is_refused() {
    let h = harness();
    let start = h.call("POST", "/v2/a/blobs/uploads/", &[], b"").await;
    assert_eq!(start.status, StatusCode::ACCEPTED);
    let location = start.header("location").to_string();
    let (path, state) = location.split_once("?_state=").unwrap();
    let good = h.call("GET", &location, &[], b"").await;
    assert_eq!(good.status, StatusCode::NO_CONTENT);
    let mut forged = state.to_string();
    forged.replace_range(0..1, if state.starts_with('0') { "1" } else { "0" });
    for token in [forged.as_str(), "zz", ""] {
        let bad = h
            .call("GET", &format!("{path}?_state={token}"), &[], b"")
            .await;
        assert_eq!(
            (bad.status, bad.code().as_str()),
            (StatusCode::BAD_REQUEST, "BLOB_UPLOAD_INVALID"),
            "{token}"
        );
    }
}
