//! `GET|HEAD|PUT|DELETE /v2/<name>/manifests/<reference>`.

use http_body_util::BodyExt;
use hyper::header::{CONTENT_LENGTH, CONTENT_TYPE};
use hyper::{Method, Response, StatusCode};

use super::body::{self, Body};
use super::{App, Ctx, ReqBody, Result, respond};
use crate::registry::digest::Digest;
use crate::registry::errors::{ApiError, Code};
use crate::registry::manifest::{self, MAX_MANIFEST_BYTES};
use crate::registry::names::{Reference, RepoName};

fn unknown(name: &RepoName, reference: &Reference) -> ApiError {
    ApiError::not_found(
        Code::ManifestUnknown,
        format!("manifest {reference} is not in {name}"),
    )
}

/// The media type to serve: the `mediaType` field, or what the shape says.
/// Only those two fields are decoded (this runs on every manifest GET).
fn media_type_of(bytes: &[u8]) -> String {
    #[derive(serde::Deserialize)]
    struct Shape {
        #[serde(rename = "mediaType")]
        media_type: Option<String>,
        manifests: Option<serde::de::IgnoredAny>,
    }
    match serde_json::from_slice::<Shape>(bytes) {
        Ok(Shape {
            media_type: Some(t),
            ..
        }) => t,
        Ok(Shape {
            manifests: Some(_), ..
        }) => manifest::OCI_INDEX.to_string(),
        _ => manifest::OCI_MANIFEST.to_string(),
    }
}

pub(super) async fn get(
    app: &App,
    ctx: &Ctx,
    name: &RepoName,
    reference: &Reference,
) -> Result<Response<Body>> {
    let digest = match reference {
        Reference::Digest(d) => d.clone(),
        Reference::Tag(tag) => app
            .store
            .resolve_tag(name, tag)
            .await?
            .ok_or_else(|| unknown(name, reference))?,
    };
    let bytes = app
        .store
        .get_manifest(name, &digest)
        .await?
        .ok_or_else(|| unknown(name, reference))?;
    let headers = [
        ("content-type", media_type_of(&bytes)),
        ("content-length", bytes.len().to_string()),
        ("docker-content-digest", digest.to_string()),
        ("etag", format!("\"{digest}\"")),
    ];
    let body = if ctx.method == Method::HEAD {
        body::empty()
    } else {
        body::full(bytes)
    };
    Ok(respond(StatusCode::OK, &headers, body))
}

/// Reads a request body up to the manifest limit.
async fn read_limited(ctx: &Ctx, incoming: &mut ReqBody) -> Result<Vec<u8>> {
    let too_big = || {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            Code::SizeInvalid,
            format!("manifests are limited to {MAX_MANIFEST_BYTES} bytes"),
        )
    };
    let declared = ctx
        .headers
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > MAX_MANIFEST_BYTES as u64) {
        return Err(too_big());
    }
    let Some(mut incoming) = incoming.take() else {
        return Ok(Vec::new());
    };
    let mut buf =
        Vec::with_capacity(declared.unwrap_or(4096).min(MAX_MANIFEST_BYTES as u64) as usize);
    while let Some(frame) = incoming.frame().await {
        let frame = frame.map_err(|e| {
            ApiError::bad_request(Code::ManifestInvalid, format!("request body: {e}"))
        })?;
        if let Ok(data) = frame.into_data() {
            if buf.len() + data.len() > MAX_MANIFEST_BYTES {
                return Err(too_big());
            }
            buf.extend_from_slice(&data);
        }
    }
    Ok(buf)
}

pub(super) async fn put(
    app: &App,
    ctx: &Ctx,
    name: &RepoName,
    reference: &Reference,
    incoming: &mut ReqBody,
) -> Result<Response<Body>> {
    app.check_writable()?;
    let bytes = read_limited(ctx, incoming).await?;
    let content_type = ctx.headers.get(CONTENT_TYPE).and_then(|v| v.to_str().ok());
    let parsed = manifest::parse(content_type, &bytes)
        .map_err(|e| ApiError::bad_request(Code::ManifestInvalid, e.0))?;
    let (digest, tag) = match reference {
        Reference::Digest(d) => {
            let actual = d.algorithm().digest(&bytes);
            if actual != *d {
                return Err(ApiError::bad_request(
                    Code::DigestInvalid,
                    format!("the manifest's digest is {actual}, not {d}"),
                ));
            }
            (d.clone(), None)
        }
        Reference::Tag(t) => (Digest::sha256_of(&bytes), Some(t)),
    };
    // Under the shared GC lock, check and touch everything referenced, then
    // write: a concurrent GC either deleted first (and the check fails) or
    // sees the touch and keeps it.
    let _gc = app.store.gc_shared().await?;
    let missing = |what: &str, d: &Digest| {
        ApiError::bad_request(
            Code::ManifestBlobUnknown,
            format!("{what} {d} is not in {name}; push it first"),
        )
        .with_detail(serde_json::json!({ "digest": d.to_string() }))
    };
    for blob in &parsed.blobs {
        if !app.store.claim_blob(name, blob).await? {
            return Err(missing("blob", blob));
        }
    }
    for child in &parsed.children {
        if !app.store.claim_manifest(name, child).await? {
            return Err(missing("manifest", child));
        }
    }
    app.store.put_manifest(name, &digest, bytes, tag).await?;
    let mut headers = vec![
        (
            "location",
            app.location(&format!("/v2/{name}/manifests/{digest}")),
        ),
        ("docker-content-digest", digest.to_string()),
        ("content-length", "0".to_string()),
    ];
    if let Some(subject) = &parsed.subject {
        headers.push(("oci-subject", subject.to_string()));
    }
    Ok(respond(StatusCode::CREATED, &headers, body::empty()))
}

pub(super) async fn delete(
    app: &App,
    name: &RepoName,
    reference: &Reference,
) -> Result<Response<Body>> {
    app.check_deletable()?;
    if !app.store.repo_exists(name).await? {
        return Err(ApiError::not_found(
            Code::NameUnknown,
            format!("repository {name} is unknown"),
        ));
    }
    let found = match reference {
        Reference::Digest(d) => app.store.delete_manifest(name, d).await?,
        Reference::Tag(t) => app.store.delete_tag(name, t).await?,
    };
    if !found {
        return Err(unknown(name, reference));
    }
    Ok(respond(
        StatusCode::ACCEPTED,
        &[("content-length", "0".into())],
        body::empty(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn media_type_from_the_field_or_the_shape() {
        let docker = r#"{"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v2+json","layers":[]}"#;
        assert_eq!(
            media_type_of(docker.as_bytes()),
            "application/vnd.docker.distribution.manifest.v2+json"
        );
        let index = r#"{"schemaVersion":2,"manifests":[{"digest":"sha256:00"}]}"#;
        assert_eq!(media_type_of(index.as_bytes()), manifest::OCI_INDEX);
        let image = r#"{"schemaVersion":2,"config":{},"layers":[]}"#;
        assert_eq!(media_type_of(image.as_bytes()), manifest::OCI_MANIFEST);
    }
}
