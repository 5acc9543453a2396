//! Blob uploads: `POST` (session, monolithic, mount), `PATCH` chunks with
//! `Content-Range`, `PUT` to close, `GET` status and `DELETE` to cancel.
//!
//! Upload state is the upload's file in storage (its size is the offset), so
//! any replica on the same storage can continue an upload.

use http_body_util::BodyExt;
use hyper::header::{CONTENT_LENGTH, CONTENT_RANGE};
use hyper::{Response, StatusCode};

use super::body::{self, Body};
use super::route::{parse_digest, parse_name};
use super::{App, Ctx, ReqBody, Result, respond};
use crate::registry::digest::Digest;
use crate::registry::errors::{ApiError, Code};
use crate::registry::names::{RepoName, UploadId};
use crate::registry::store::CommitError;

fn upload_unknown(id: &UploadId) -> ApiError {
    ApiError::not_found(
        Code::BlobUploadUnknown,
        format!("upload {id} is unknown (finished, cancelled or expired)"),
    )
}

/// Refuses a tampered `_state` token; a missing one is accepted (the id is
/// an unguessable UUID scoped to the repository).
pub(super) fn check_id(app: &App, ctx: &Ctx, name: &RepoName, id: &UploadId) -> Result<()> {
    if let Some(state) = ctx.query.get("_state")
        && !app.upload_token_matches(name, id, state)
    {
        return Err(ApiError::bad_request(
            Code::BlobUploadInvalid,
            "upload state token does not match",
        ));
    }
    Ok(())
}

fn upload_location(app: &App, name: &RepoName, id: &UploadId) -> String {
    app.location(&format!(
        "/v2/{name}/blobs/uploads/{id}?_state={}",
        app.upload_token(name, id)
    ))
}

/// `Range: 0-<last byte>`, `0-0` for an empty upload (as distribution sends).
fn range_header(size: u64) -> String {
    format!("0-{}", size.saturating_sub(1))
}

fn session_response(
    app: &App,
    status: StatusCode,
    name: &RepoName,
    id: &UploadId,
    size: u64,
) -> Response<Body> {
    respond(
        status,
        &[
            ("location", upload_location(app, name, id)),
            ("range", range_header(size)),
            ("docker-upload-uuid", id.to_string()),
            ("content-length", "0".into()),
        ],
        body::empty(),
    )
}

fn created(app: &App, name: &RepoName, digest: &Digest) -> Response<Body> {
    respond(
        StatusCode::CREATED,
        &[
            (
                "location",
                app.location(&format!("/v2/{name}/blobs/{digest}")),
            ),
            ("docker-content-digest", digest.to_string()),
            ("content-length", "0".into()),
        ],
        body::empty(),
    )
}

fn content_length(ctx: &Ctx) -> Result<Option<u64>> {
    match ctx.headers.get(CONTENT_LENGTH) {
        None => Ok(None),
        Some(v) => v
            .to_str()
            .ok()
            .and_then(|s| s.parse().ok())
            .map(Some)
            .ok_or_else(|| ApiError::bad_request(Code::SizeInvalid, "invalid Content-Length")),
    }
}

/// `Content-Range: <start>-<end>` (also accepting a `bytes ` prefix and
/// `/total`); `None` unless both are numbers and start <= end.
pub(crate) fn parse_content_range(text: &str) -> Option<(u64, u64)> {
    let spec = text
        .trim()
        .trim_start_matches("bytes")
        .trim_start_matches(['=', ' ']);
    let spec = spec.split('/').next().unwrap_or("");
    spec.split_once('-')
        .and_then(|(a, b)| Some((a.trim().parse::<u64>().ok()?, b.trim().parse::<u64>().ok()?)))
        .filter(|(a, b)| a <= b)
}

fn content_range(ctx: &Ctx) -> Result<Option<(u64, u64)>> {
    let Some(v) = ctx.headers.get(CONTENT_RANGE) else {
        return Ok(None);
    };
    let text = v.to_str().unwrap_or("");
    parse_content_range(text).map(Some).ok_or_else(|| {
        ApiError::new(
            StatusCode::RANGE_NOT_SATISFIABLE,
            Code::BlobUploadInvalid,
            format!("invalid Content-Range `{text}`"),
        )
    })
}

/// Streams a request body into the upload; returns the bytes received.
async fn receive(
    app: &App,
    name: &RepoName,
    id: &UploadId,
    incoming: &mut ReqBody,
) -> Result<(u64, bool)> {
    let Some(mut body) = incoming.take() else {
        return Ok((0, true));
    };
    let mut writer = app.store.append(name, id);
    let mut received = 0u64;
    let mut complete = true;
    loop {
        match body.frame().await {
            None => break,
            Some(Ok(frame)) => {
                if let Ok(data) = frame.into_data() {
                    received += data.len() as u64;
                    if !writer.write(data).await {
                        // The writer failed (a full disk); finish() says
                        // why, and the rest is drained while that goes out.
                        incoming.put_back(body);
                        break;
                    }
                }
            }
            Some(Err(e)) => {
                tracing::info!(error = %e, "upload body ended early");
                complete = false;
                break;
            }
        }
    }
    writer.finish().await?;
    Ok((received, complete))
}

fn check_received(expected: Option<u64>, received: u64, complete: bool) -> Result<()> {
    if !complete {
        return Err(ApiError::bad_request(
            Code::BlobUploadInvalid,
            format!("the request body ended after {received} bytes"),
        ));
    }
    if let Some(n) = expected
        && n != received
    {
        return Err(ApiError::bad_request(
            Code::SizeInvalid,
            format!("expected {n} bytes, received {received}"),
        ));
    }
    Ok(())
}

fn commit_error(e: CommitError, id: &UploadId) -> ApiError {
    match e {
        CommitError::UnknownUpload => upload_unknown(id),
        CommitError::DigestMismatch { actual } => ApiError::bad_request(
            Code::DigestInvalid,
            format!("the uploaded content has digest {actual}, not the one given"),
        ),
        CommitError::Storage(s) => s.into(),
    }
}

pub(super) async fn start(
    app: &App,
    ctx: &Ctx,
    name: &RepoName,
    incoming: &mut ReqBody,
) -> Result<Response<Body>> {
    app.check_writable()?;
    if let Some(mount) = ctx.query.get("mount") {
        let d = parse_digest(mount)?;
        let from = match ctx.query.get("from").filter(|f| !f.is_empty()) {
            Some(from) => Some(parse_name(from)?),
            None => None,
        };
        if app.store.mount_blob(name, &d, from.as_ref()).await? {
            return Ok(created(app, name, &d));
        }
    }
    if let Some(digest) = ctx.query.get("digest") {
        let d = parse_digest(digest)?;
        let expected = content_length(ctx)?;
        let id = app.store.start_upload(name).await?;
        let _guard = app.store.lock_upload(name, &id).await;
        let outcome = async {
            let (received, complete) = receive(app, name, &id, incoming).await?;
            check_received(expected, received, complete)?;
            app.store
                .commit_upload(name, &id, &d)
                .await
                .map_err(|e| commit_error(e, &id))
        }
        .await;
        if let Err(e) = outcome {
            app.store.cancel_upload(name, &id).await?;
            return Err(e);
        }
        return Ok(created(app, name, &d));
    }
    let id = app.store.start_upload(name).await?;
    Ok(session_response(app, StatusCode::ACCEPTED, name, &id, 0))
}

pub(super) async fn status(app: &App, name: &RepoName, id: &UploadId) -> Result<Response<Body>> {
    let size = app
        .store
        .upload_size(name, id)
        .await?
        .ok_or_else(|| upload_unknown(id))?;
    Ok(session_response(
        app,
        StatusCode::NO_CONTENT,
        name,
        id,
        size,
    ))
}

/// Appends a chunk after checking it continues the upload exactly.
async fn append_chunk(
    app: &App,
    ctx: &Ctx,
    name: &RepoName,
    id: &UploadId,
    incoming: &mut ReqBody,
) -> Result<u64> {
    let size = app
        .store
        .upload_size(name, id)
        .await?
        .ok_or_else(|| upload_unknown(id))?;
    let range = content_range(ctx)?;
    let length = content_length(ctx)?;
    let mut expected = length;
    if let Some((start, end)) = range {
        if start != size {
            return Err(ApiError::new(
                StatusCode::RANGE_NOT_SATISFIABLE,
                Code::BlobUploadInvalid,
                format!(
                    "chunk starts at {start} but the upload has {size} bytes; resume from {size}"
                ),
            )
            .with_header(hyper::header::RANGE, &range_header(size))
            .with_header(hyper::header::LOCATION, &upload_location(app, name, id)));
        }
        // start <= end is checked when parsed; only a chunk of 2^64 bytes
        // overflows, and no Content-Length can match it.
        let chunk = (end - start).checked_add(1);
        if chunk.is_none() || length.is_some_and(|len| Some(len) != chunk) {
            return Err(ApiError::new(
                StatusCode::RANGE_NOT_SATISFIABLE,
                Code::BlobUploadInvalid,
                format!("Content-Range {start}-{end} does not match the Content-Length"),
            ));
        }
        expected = chunk;
    }
    let (received, complete) = receive(app, name, id, incoming).await?;
    check_received(expected, received, complete)?;
    Ok(size + received)
}

pub(super) async fn patch(
    app: &App,
    ctx: &Ctx,
    name: &RepoName,
    id: &UploadId,
    incoming: &mut ReqBody,
) -> Result<Response<Body>> {
    app.check_writable()?;
    let _guard = app.store.lock_upload(name, id).await;
    let size = append_chunk(app, ctx, name, id, incoming).await?;
    Ok(session_response(app, StatusCode::ACCEPTED, name, id, size))
}

pub(super) async fn finish(
    app: &App,
    ctx: &Ctx,
    name: &RepoName,
    id: &UploadId,
    incoming: &mut ReqBody,
) -> Result<Response<Body>> {
    app.check_writable()?;
    let digest = ctx.query.get("digest").ok_or_else(|| {
        ApiError::bad_request(Code::DigestInvalid, "closing an upload needs ?digest=")
    })?;
    let d = parse_digest(digest)?;
    let _guard = app.store.lock_upload(name, id).await;
    // A final chunk may come with the PUT (with or without Content-Length).
    let has_body = content_length(ctx)? != Some(0);
    if has_body {
        append_chunk(app, ctx, name, id, incoming).await?;
    } else if app.store.upload_size(name, id).await?.is_none() {
        return Err(upload_unknown(id));
    }
    app.store
        .commit_upload(name, id, &d)
        .await
        .map_err(|e| commit_error(e, id))?;
    Ok(created(app, name, &d))
}

pub(super) async fn cancel(app: &App, name: &RepoName, id: &UploadId) -> Result<Response<Body>> {
    app.check_writable()?;
    let _guard = app.store.lock_upload(name, id).await;
    if !app.store.cancel_upload(name, id).await? {
        return Err(upload_unknown(id));
    }
    Ok(respond(StatusCode::NO_CONTENT, &[], body::empty()))
}
