//! `GET|HEAD|DELETE /v2/<name>/blobs/<digest>`, with single `Range` requests.

use hyper::{Method, Response, StatusCode};

use super::body::{self, Body};
use super::{App, Ctx, Result, respond};
use crate::registry::digest::Digest;
use crate::registry::errors::{ApiError, Code};
use crate::registry::names::RepoName;

/// A satisfiable byte range, inclusive.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Range {
    Whole,
    Part(u64, u64),
    Unsatisfiable,
}

/// Parses a single `bytes=` range; anything else means the whole blob, as
/// RFC 9110 allows a server to ignore ranges it does not support.
pub(crate) fn parse_range(header: Option<&str>, size: u64) -> Range {
    let Some(spec) = header.and_then(|h| h.trim().strip_prefix("bytes=")) else {
        return Range::Whole;
    };
    if spec.contains(',') {
        return Range::Whole;
    }
    let Some((a, b)) = spec.split_once('-') else {
        return Range::Whole;
    };
    let (a, b) = (a.trim(), b.trim());
    let parsed = match (a.parse::<u64>(), b.parse::<u64>()) {
        (Ok(start), Ok(end)) if start <= end => Some((start, end.min(size.saturating_sub(1)))),
        (Ok(_), Ok(_)) => return Range::Unsatisfiable,
        (Ok(start), Err(_)) if b.is_empty() => Some((start, size.saturating_sub(1))),
        (Err(_), Ok(suffix)) if a.is_empty() => {
            if suffix == 0 {
                return Range::Unsatisfiable;
            }
            Some((size.saturating_sub(suffix), size.saturating_sub(1)))
        }
        _ => return Range::Whole,
    };
    match parsed {
        Some((start, end)) if start < size && start <= end => Range::Part(start, end),
        _ => Range::Unsatisfiable,
    }
}

pub(super) async fn get(
    app: &App,
    ctx: &Ctx,
    name: &RepoName,
    d: &Digest,
) -> Result<Response<Body>> {
    let size = app.store.repo_blob_size(name, d).await?.ok_or_else(|| {
        ApiError::not_found(Code::BlobUnknown, format!("blob {d} is not in {name}"))
    })?;
    let etag = format!("\"{d}\"");
    // `If-Range`: the range only if the client's copy is this blob (a
    // digest is the strong validator; a date never matches, as no
    // Last-Modified is sent), else the whole blob (RFC 9110 13.1.5).
    let if_range_holds = ctx
        .headers
        .get(hyper::header::IF_RANGE)
        .is_none_or(|v| v.as_bytes() == etag.as_bytes());
    let range = if if_range_holds {
        parse_range(
            ctx.headers
                .get(hyper::header::RANGE)
                .and_then(|v| v.to_str().ok()),
            size,
        )
    } else {
        Range::Whole
    };
    let (status, start, len) = match range {
        Range::Whole => (StatusCode::OK, 0, size),
        Range::Part(s, e) => (StatusCode::PARTIAL_CONTENT, s, e - s + 1),
        Range::Unsatisfiable => {
            return Err(ApiError::new(
                StatusCode::RANGE_NOT_SATISFIABLE,
                Code::SizeInvalid,
                format!("requested range is not satisfiable for a blob of {size} bytes"),
            )
            .with_header(hyper::header::CONTENT_RANGE, &format!("bytes */{size}")));
        }
    };
    let mut headers = vec![
        ("content-type", "application/octet-stream".to_string()),
        ("content-length", len.to_string()),
        ("docker-content-digest", d.to_string()),
        ("etag", etag),
        ("accept-ranges", "bytes".to_string()),
        ("cache-control", "max-age=31536000".to_string()),
    ];
    if status == StatusCode::PARTIAL_CONTENT {
        headers.push((
            "content-range",
            format!("bytes {start}-{}/{size}", start + len - 1),
        ));
    }
    let body = if ctx.method == Method::HEAD || len == 0 {
        body::empty()
    } else {
        body::blob(app.store.open_blob(d, start, len).await?, start, len)
    };
    Ok(respond(status, &headers, body))
}

pub(super) async fn delete(app: &App, name: &RepoName, d: &Digest) -> Result<Response<Body>> {
    app.check_deletable()?;
    if !app.store.unlink_blob(name, d).await? {
        return Err(ApiError::not_found(
            Code::BlobUnknown,
            format!("blob {d} is not in {name}"),
        ));
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
    fn ranges() {
        assert_eq!(parse_range(None, 10), Range::Whole);
        assert_eq!(parse_range(Some("bytes=0-4"), 10), Range::Part(0, 4));
        assert_eq!(parse_range(Some("bytes=5-"), 10), Range::Part(5, 9));
        assert_eq!(parse_range(Some("bytes=-3"), 10), Range::Part(7, 9));
        assert_eq!(parse_range(Some("bytes=8-100"), 10), Range::Part(8, 9));
        assert_eq!(parse_range(Some("bytes=10-"), 10), Range::Unsatisfiable);
        assert_eq!(parse_range(Some("bytes=5-2"), 10), Range::Unsatisfiable);
        assert_eq!(parse_range(Some("bytes=0-1,3-4"), 10), Range::Whole);
        assert_eq!(parse_range(Some("items=0-1"), 10), Range::Whole);
    }
}
