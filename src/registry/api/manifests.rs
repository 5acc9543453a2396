//! `GET|HEAD|PUT|DELETE /v2/<name>/manifests/<reference>`.

use http_body_util::BodyExt;
use hyper::header::{CONTENT_LENGTH, CONTENT_TYPE};
use hyper::{Method, Response, StatusCode};

use super::body::{self, Body};
use super::{App, Ctx, ReqBody, Result, respond};
use crate::registry::config::IndexChildren;
use crate::registry::digest::Digest;
use crate::registry::errors::{ApiError, Code};
use crate::registry::manifest::{self, Descriptor, MAX_MANIFEST_BYTES};
use crate::registry::names::{Reference, RepoName, Tag};

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
    let Some(mut body) = incoming.take() else {
        return Ok(Vec::new());
    };
    let mut buf =
        Vec::with_capacity(declared.unwrap_or(4096).min(MAX_MANIFEST_BYTES as u64) as usize);
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(|e| {
            ApiError::bad_request(Code::ManifestInvalid, format!("request body: {e}"))
        })?;
        if let Ok(data) = frame.into_data() {
            if buf.len() + data.len() > MAX_MANIFEST_BYTES {
                // The rest is drained while the 413 goes out.
                incoming.put_back(body);
                return Err(too_big());
            }
            buf.extend_from_slice(&data);
        }
    }
    Ok(buf)
}

/// Tags a push may add with `?tag=` (a push by digest naming tags, from
/// the distribution spec's development version).
const MAX_TAG_PARAMS: usize = 100;

/// The tags a push sets: the one in the path, or those of `?tag=` on a
/// push by digest; all checked before anything is written.
fn tags_to_set(ctx: &Ctx, reference: &Reference) -> Result<Vec<Tag>> {
    match reference {
        Reference::Tag(t) => Ok(vec![t.clone()]),
        Reference::Digest(_) => {
            let tags = ctx
                .query
                .all("tag")
                .map(|t| {
                    Tag::parse(t).map_err(|_| {
                        ApiError::bad_request(Code::ManifestInvalid, "invalid tag in ?tag=")
                    })
                })
                .collect::<Result<Vec<_>>>()?;
            if tags.len() > MAX_TAG_PARAMS {
                return Err(ApiError::bad_request(
                    Code::ManifestInvalid,
                    format!("at most {MAX_TAG_PARAMS} tags can be set in one push"),
                ));
            }
            Ok(tags)
        }
    }
}

pub(super) async fn put(
    app: &App,
    ctx: &Ctx,
    name: &RepoName,
    reference: &Reference,
    incoming: &mut ReqBody,
) -> Result<Response<Body>> {
    app.check_writable()?;
    let tags = tags_to_set(ctx, reference)?;
    let bytes = read_limited(ctx, incoming).await?;
    let invalid = |message: String| ApiError::bad_request(Code::ManifestInvalid, message);
    let content_type = match ctx.headers.get(CONTENT_TYPE) {
        None => None,
        Some(v) => Some(
            v.to_str()
                .map_err(|_| invalid("Content-Type is not a media type".into()))?,
        ),
    };
    let parsed = manifest::parse_pushed(content_type, &bytes).map_err(|e| invalid(e.0))?;
    let digest = match reference {
        Reference::Digest(d) => {
            let actual = d.algorithm().digest(&bytes);
            if actual != *d {
                return Err(ApiError::bad_request(
                    Code::DigestInvalid,
                    format!("the manifest's digest is {actual}, not {d}"),
                ));
            }
            d.clone()
        }
        Reference::Tag(_) => Digest::sha256_of(&bytes),
    };
    // Under the shared GC lock, check and touch everything referenced, then
    // write: a concurrent GC either deleted first (and the check fails) or
    // sees the touch and keeps it.
    let _gc = app.store.gc_shared().await?;
    for blob in &parsed.blobs {
        let size = app.store.claim_blob(name, &blob.digest).await?;
        check_referenced(name, "blob", blob, size, true)?;
    }
    for child in &parsed.children {
        let size = app.store.claim_manifest(name, &child.digest).await?;
        let required = match &app.index_children {
            IndexChildren::All => true,
            IndexChildren::None => false,
            IndexChildren::List(list) => child.platform.as_ref().is_some_and(|p| list.contains(p)),
        };
        check_referenced(name, "manifest", child, size, required)?;
    }
    app.store.put_manifest(name, &digest, bytes, &tags).await?;
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
    if matches!(reference, Reference::Digest(_)) {
        headers.extend(tags.iter().map(|t| ("oci-tag", t.to_string())));
    }
    Ok(respond(StatusCode::CREATED, &headers, body::empty()))
}

/// A referenced blob or child manifest must be in the repository (unless
/// not `required`: a sparse index) and be the size the descriptor says.
fn check_referenced(
    name: &RepoName,
    what: &str,
    d: &Descriptor,
    size: Option<u64>,
    required: bool,
) -> Result<()> {
    let detail = serde_json::json!({ "digest": d.digest.to_string() });
    match size {
        None if required => Err(ApiError::bad_request(
            Code::ManifestBlobUnknown,
            format!("{what} {} is not in {name}; push it first", d.digest),
        )
        .with_detail(detail)),
        Some(size) if size != d.size => Err(ApiError::bad_request(
            Code::ManifestInvalid,
            format!(
                "the manifest says {what} {} has {} bytes; it has {size}",
                d.digest, d.size
            ),
        )
        .with_detail(detail)),
        _ => Ok(()),
    }
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
