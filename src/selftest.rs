//! The proof that a registry works: what `docker login` + `push` + `pull`
//! do, with regctl's own client, each step timed, and everything removed
//! again afterwards.

use std::time::{Duration, Instant};

use bytes::Bytes;
use sha2::{Digest as _, Sha256};

use crate::client::{Client, ClientError, Response, location_path};

/// The repository the self-test writes to (and cleans up).
pub(crate) const REPOSITORY: &str = "regctl-selftest";
const TAG: &str = "selftest";
const EMPTY_CONFIG: &[u8] = b"{}";
const MANIFEST_TYPE: &str = "application/vnd.oci.image.manifest.v1+json";

/// One step that passed.
#[derive(Debug, Clone)]
pub(crate) struct Passed {
    pub step: &'static str,
    pub elapsed: Duration,
    /// Extra information, e.g. "deletes are disabled".
    pub note: Option<String>,
}

/// The step that failed, and why.
#[derive(Debug, thiserror::Error)]
#[error("self-test step `{step}` failed: {message}")]
pub(crate) struct Failed {
    pub step: &'static str,
    pub message: String,
}

fn digest_of(bytes: &[u8]) -> String {
    format!("sha256:{}", hex::encode(Sha256::digest(bytes)))
}

fn fail(step: &'static str, message: impl Into<String>) -> Failed {
    Failed {
        step,
        message: message.into(),
    }
}

fn unexpected(step: &'static str, r: &Response) -> Failed {
    let body = String::from_utf8_lossy(&r.body);
    let body: String = body.chars().take(300).collect();
    fail(
        step,
        format!("the registry answered {}: {}", r.status, body.trim()),
    )
}

fn transport(step: &'static str) -> impl Fn(ClientError) -> Failed {
    move |e| fail(step, e.to_string())
}

/// The anonymous part: the TLS handshake and the `/v2/` answer (a Basic
/// challenge when `auth`).
pub(crate) async fn check_challenge(
    anonymous: &Client,
    auth: bool,
    on_step: &mut dyn FnMut(&Passed),
) -> Result<Vec<Passed>, Failed> {
    let mut passed = Vec::new();
    let mut record = |step: &'static str, started: Instant, note: Option<String>| {
        let p = Passed {
            step,
            elapsed: started.elapsed(),
            note,
        };
        on_step(&p);
        passed.push(p);
    };
    if anonymous.base_url().starts_with("https") {
        let t = Instant::now();
        anonymous
            .handshake()
            .await
            .map_err(transport("TLS handshake"))?;
        record("TLS handshake", t, None);
    }
    let t = Instant::now();
    let r = anonymous
        .send("GET", "/v2/", &[], Bytes::new())
        .await
        .map_err(transport("API check"))?;
    let challenge = r.header("www-authenticate").unwrap_or("").to_string();
    match (auth, r.status) {
        (true, 401) if challenge.starts_with("Basic") => {
            record("API asks for credentials", t, Some(challenge))
        }
        (false, 200) => record("API answers", t, Some("no authentication".into())),
        _ => return Err(unexpected("API check", &r)),
    }
    Ok(passed)
}

/// Runs the self-test. `anonymous` is the same client without credentials,
/// used to check that the registry asks for them; `auth` says whether it
/// should. `on_step` is told each step as it passes.
pub(crate) async fn run(
    client: &Client,
    anonymous: &Client,
    auth: bool,
    mut on_step: impl FnMut(&Passed),
) -> Result<Vec<Passed>, Failed> {
    let mut passed = check_challenge(anonymous, auth, &mut on_step).await?;
    let mut record = |step: &'static str, started: Instant, note: Option<String>| {
        let p = Passed {
            step,
            elapsed: started.elapsed(),
            note,
        };
        on_step(&p);
        passed.push(p);
    };

    let t = Instant::now();
    let r = client
        .send("GET", "/v2/", &[], Bytes::new())
        .await
        .map_err(transport("login"))?;
    if r.status != 200 {
        return Err(unexpected("login", &r));
    }
    record("login", t, None);

    let mut layer = vec![0u8; 64 * 1024];
    getrandom::fill(&mut layer).map_err(|e| fail("push blob", e.to_string()))?;
    let layer_digest = digest_of(&layer);
    let config_digest = digest_of(EMPTY_CONFIG);

    let t = Instant::now();
    for (bytes, digest) in [
        (Bytes::from(layer.clone()), &layer_digest),
        (Bytes::from_static(EMPTY_CONFIG), &config_digest),
    ] {
        push_blob(client, bytes, digest).await?;
    }
    record("push blob", t, Some(format!("{} bytes", layer.len())));

    let manifest = serde_json::json!({
        "schemaVersion": 2,
        "mediaType": MANIFEST_TYPE,
        "config": {"mediaType": "application/vnd.oci.empty.v1+json", "digest": config_digest, "size": EMPTY_CONFIG.len()},
        "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar", "digest": layer_digest, "size": layer.len()}],
    })
    .to_string();
    let manifest_digest = digest_of(manifest.as_bytes());
    let t = Instant::now();
    let r = client
        .send(
            "PUT",
            &format!("/v2/{REPOSITORY}/manifests/{TAG}"),
            &[("content-type", MANIFEST_TYPE)],
            Bytes::from(manifest.clone()),
        )
        .await
        .map_err(transport("push manifest"))?;
    if r.status != 201 {
        return Err(unexpected("push manifest", &r));
    }
    record("push manifest", t, Some(format!("{REPOSITORY}:{TAG}")));

    let t = Instant::now();
    pull_verified(
        client,
        "pull manifest",
        &format!("/v2/{REPOSITORY}/manifests/{TAG}"),
        &[("accept", MANIFEST_TYPE)],
        &manifest_digest,
    )
    .await?;
    pull_verified(
        client,
        "pull blob",
        &format!("/v2/{REPOSITORY}/blobs/{layer_digest}"),
        &[],
        &layer_digest,
    )
    .await?;
    record(
        "pull and verify",
        t,
        Some(manifest_digest[..19].to_string()),
    );

    let t = Instant::now();
    let r = client
        .send(
            "DELETE",
            &format!("/v2/{REPOSITORY}/manifests/{manifest_digest}"),
            &[],
            Bytes::new(),
        )
        .await
        .map_err(transport("clean up"))?;
    match r.status {
        202 => {
            for digest in [&layer_digest, &config_digest] {
                let r = client
                    .send(
                        "DELETE",
                        &format!("/v2/{REPOSITORY}/blobs/{digest}"),
                        &[],
                        Bytes::new(),
                    )
                    .await
                    .map_err(transport("clean up"))?;
                if !matches!(r.status, 202 | 404) {
                    return Err(unexpected("clean up", &r));
                }
            }
            record("clean up", t, None);
        }
        405 => record(
            "clean up",
            t,
            Some(format!(
                "deletes are disabled, so {REPOSITORY}:{TAG} stays (64 KiB)"
            )),
        ),
        _ => return Err(unexpected("clean up", &r)),
    }
    Ok(passed)
}

/// GETs `path` and checks the bytes hash to `digest`.
async fn pull_verified(
    client: &Client,
    step: &'static str,
    path: &str,
    headers: &[(&str, &str)],
    digest: &str,
) -> Result<(), Failed> {
    let r = client
        .send("GET", path, headers, Bytes::new())
        .await
        .map_err(transport(step))?;
    if r.status != 200 {
        return Err(unexpected(step, &r));
    }
    if digest_of(&r.body) != digest {
        return Err(fail(
            step,
            format!("what was pulled back does not match {digest}"),
        ));
    }
    Ok(())
}

async fn push_blob(client: &Client, bytes: Bytes, digest: &str) -> Result<(), Failed> {
    const STEP: &str = "push blob";
    let r = client
        .send(
            "POST",
            &format!("/v2/{REPOSITORY}/blobs/uploads/"),
            &[],
            Bytes::new(),
        )
        .await
        .map_err(transport(STEP))?;
    if r.status != 202 {
        return Err(unexpected(STEP, &r));
    }
    let location = r
        .header("location")
        .ok_or_else(|| fail(STEP, "the upload answer has no Location header"))?;
    let path = location_path(location);
    let sep = if path.contains('?') { '&' } else { '?' };
    let r = client
        .send(
            "PUT",
            &format!("{path}{sep}digest={digest}"),
            &[("content-type", "application/octet-stream")],
            bytes,
        )
        .await
        .map_err(transport(STEP))?;
    if r.status != 201 {
        return Err(unexpected(STEP, &r));
    }
    Ok(())
}
