//! The OCI Distribution v1.1 HTTP API: routing, auth, common headers and
//! the access log; one file per endpoint family.

pub(crate) mod blobs;
pub(crate) mod body;
mod listing;
mod manifests;
mod pacing;
pub(crate) mod route;
pub(crate) mod upload_token;
pub(crate) mod uploads;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Instant;

use bytes::Bytes;
use http_body_util::BodyExt as _;
use http_body_util::combinators::UnsyncBoxBody;
use hyper::header::{self, HeaderMap, HeaderName, HeaderValue};
use hyper::{Method, Request, Response, StatusCode};

use super::auth::{AuthOutcome, Authenticator};
use super::config::{IndexChildren, Timeouts};
use super::errors::{ApiError, Code};
use super::store::Store;
use crate::registry::names::{RepoName, UploadId};
use body::Body;
use route::Route;

/// Sent on every response, as distribution does.
pub(crate) const API_VERSION: (&str, &str) = ("docker-distribution-api-version", "registry/2.0");

/// Everything a request handler needs.
pub(crate) struct App {
    pub store: Arc<Store>,
    pub auth: Option<Authenticator>,
    pub delete_enabled: bool,
    pub readonly: bool,
    /// Base URL for absolute `Location` headers; relative when `None`.
    pub base_url: Option<String>,
    /// Signs upload locations (`http.secret`).
    pub secret: Vec<u8>,
    pub extra_headers: HeaderMap,
    pub access_log: bool,
    pub log_fields: String,
    /// Cleared by the storage health check after repeated failures.
    pub healthy: Arc<std::sync::atomic::AtomicBool>,
    /// How fast a request body must keep arriving (`http.timeout`).
    pub timeouts: Timeouts,
    /// Which children of a pushed index must be present.
    pub index_children: IndexChildren,
}

type Result<T> = std::result::Result<T, ApiError>;

/// A request body of any source (hyper's connection, or a test's bytes).
pub(crate) type Incoming = UnsyncBoxBody<Bytes, Box<dyn std::error::Error + Send + Sync>>;

/// The request body, taken by the handler that streams it and put back
/// when the handler answers before reading all of it (a refused manifest,
/// a full disk).
pub(crate) struct ReqBody(Option<Incoming>);

/// What is read and thrown away of a body the handler left unread.
const DRAIN_LIMIT: u64 = 8 * 1024 * 1024;

impl ReqBody {
    pub(crate) fn take(&mut self) -> Option<Incoming> {
        self.0.take()
    }

    /// Gives back a body the handler stopped reading, so its rest is
    /// drained rather than cut off.
    pub(crate) fn put_back(&mut self, body: Incoming) {
        self.0 = Some(body);
    }

    /// An early answer (401, 404, 413, 507 …) must reach a client that is
    /// still sending: closing the socket with unread bytes makes the kernel
    /// reset the connection, and the client sees a broken pipe instead of
    /// the answer. So what is left is read and discarded in the
    /// background while the answer goes out, up to [`DRAIN_LIMIT`] (and
    /// the body's pacing limits); an HTTP/1 body longer than that, or of
    /// unknown length, also gets `Connection: close` so the client does not
    /// reuse a connection that will be closed under it. Returns whether the
    /// answer needs that header.
    fn drain_after_answer(&mut self, version: hyper::Version) -> bool {
        use http_body::Body as _;
        let Some(mut body) = self.0.take() else {
            return false;
        };
        if body.is_end_stream() {
            return false;
        }
        let fits = body.size_hint().upper().is_some_and(|n| n <= DRAIN_LIMIT);
        tokio::spawn(async move {
            let mut seen = 0u64;
            while let Some(Ok(frame)) = body.frame().await {
                seen += frame.data_ref().map_or(0, |d| d.len() as u64);
                if seen > DRAIN_LIMIT {
                    return;
                }
            }
        });
        !fits && version <= hyper::Version::HTTP_11
    }
}

/// A request with what handlers look at.
pub(crate) struct Ctx {
    pub method: Method,
    pub headers: HeaderMap,
    pub query: route::Query,
}

impl App {
    /// A `Location` value for a path.
    pub(crate) fn location(&self, path: &str) -> String {
        match &self.base_url {
            Some(base) => format!("{}{path}", base.trim_end_matches('/')),
            None => path.to_string(),
        }
    }

    /// An upload's `_state` token ([`upload_token`]).
    pub(crate) fn upload_token(&self, name: &RepoName, id: &UploadId) -> String {
        upload_token::sign(&self.secret, name, id)
    }

    pub(crate) fn upload_token_matches(&self, name: &RepoName, id: &UploadId, token: &str) -> bool {
        upload_token::verify(&self.secret, name, id, token)
    }

    fn check_writable(&self) -> Result<()> {
        if self.readonly {
            return Err(ApiError::unsupported(
                "the registry is in read-only mode (storage.maintenance.readonly)",
            ));
        }
        Ok(())
    }

    fn check_deletable(&self) -> Result<()> {
        self.check_writable()?;
        if !self.delete_enabled {
            return Err(ApiError::unsupported(
                "deletion is disabled (storage.delete.enabled: false)",
            ));
        }
        Ok(())
    }
}

/// Builds a response with headers.
pub(crate) fn respond(
    status: StatusCode,
    headers: &[(&str, String)],
    body: Body,
) -> Response<Body> {
    let mut r = Response::new(body);
    *r.status_mut() = status;
    for (k, v) in headers {
        if let (Ok(name), Ok(value)) = (
            HeaderName::from_bytes(k.as_bytes()),
            HeaderValue::from_str(v),
        ) {
            r.headers_mut().append(name, value);
        }
    }
    r
}

fn error_response(err: &ApiError, head: bool) -> Response<Body> {
    let bytes = err.body();
    let len = bytes.len();
    let mut r = respond(
        err.status,
        &[
            ("content-type", "application/json".into()),
            ("content-length", len.to_string()),
        ],
        if head {
            body::empty()
        } else {
            body::full(bytes)
        },
    );
    for (k, v) in &err.headers {
        r.headers_mut().insert(k.clone(), v.clone());
    }
    r
}

/// Handles one request; never panics on client input. Generic over the
/// body so tests can drive the API in-process, without a socket.
pub(crate) async fn handle<B>(app: Arc<App>, req: Request<B>, remote: SocketAddr) -> Response<Body>
where
    B: http_body::Body<Data = Bytes> + Send + Unpin + 'static,
    B::Error: std::error::Error + Send + Sync + 'static,
{
    let req = req.map(|b| pacing::Paced::new(b, &app.timeouts).boxed_unsync());
    let start = Instant::now();
    let method = req.method().clone();
    let path = req.uri().path().to_string();
    let head = method == Method::HEAD;
    let mut user = String::new();
    let result = dispatch(&app, req, &mut user).await;
    let mut resp = match result {
        Ok(r) => r,
        Err(e) => {
            if e.status.is_server_error() {
                tracing::error!(%method, %path, code = e.code.as_str(), message = %e.message, "request failed");
            }
            error_response(&e, head)
        }
    };
    let h = resp.headers_mut();
    h.insert(API_VERSION.0, HeaderValue::from_static(API_VERSION.1));
    for (k, v) in app.extra_headers.iter() {
        h.append(k.clone(), v.clone());
    }
    if app.access_log {
        let bytes = resp
            .headers()
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("-")
            .to_string();
        let ms = format!("{:.3}", start.elapsed().as_secs_f64() * 1000.0);
        let user = if user.is_empty() { "-" } else { user.as_str() };
        let status = resp.status().as_u16();
        if app.log_fields.is_empty() {
            tracing::info!(target: "access", remote = %remote, %method, %path, status, bytes = %bytes, ms = %ms, user = %user, "request");
        } else {
            tracing::info!(target: "access", remote = %remote, %method, %path, status, bytes = %bytes, ms = %ms, user = %user, fields = %app.log_fields, "request");
        }
    }
    resp
}

async fn dispatch(
    app: &Arc<App>,
    req: Request<Incoming>,
    user: &mut String,
) -> Result<Response<Body>> {
    let (parts, incoming) = req.into_parts();
    let version = parts.version;
    if let Err(e) = check_framing(&parts) {
        // The connection's framing cannot be trusted past this request.
        return Err(e.with_header(header::CONNECTION, "close"));
    }
    let mut body = ReqBody(Some(incoming));
    let result = authorized(app, parts, &mut body, user).await;
    let close = body.drain_after_answer(version);
    let close_value = HeaderValue::from_static("close");
    match result {
        Ok(mut resp) if close => {
            resp.headers_mut().insert(header::CONNECTION, close_value);
            Ok(resp)
        }
        Err(e) if close => Err(e.with_header(header::CONNECTION, "close")),
        other => other,
    }
}

/// HTTP rules hyper leaves to the server (RFC 9112): an HTTP/1.1 request
/// names its host, and a body is framed only by codings the server
/// understands; `Transfer-Encoding: gzip, chunked` would otherwise store
/// the compressed bytes as if they were the content.
fn check_framing(parts: &hyper::http::request::Parts) -> Result<()> {
    if parts.version == hyper::Version::HTTP_11
        && parts.uri.authority().is_none()
        && !parts.headers.contains_key(header::HOST)
    {
        return Err(ApiError::bad_request(
            Code::Unsupported,
            "an HTTP/1.1 request needs a Host header",
        ));
    }
    for value in parts.headers.get_all(header::TRANSFER_ENCODING) {
        let understood = value.to_str().is_ok_and(|v| {
            v.split(',')
                .all(|coding| coding.trim().eq_ignore_ascii_case("chunked"))
        });
        if !understood {
            return Err(ApiError::new(
                StatusCode::NOT_IMPLEMENTED,
                Code::Unsupported,
                "only the chunked transfer coding is supported",
            ));
        }
    }
    Ok(())
}

/// Checks the request's credentials, then routes it.
async fn authorized(
    app: &Arc<App>,
    parts: hyper::http::request::Parts,
    body: &mut ReqBody,
    user: &mut String,
) -> Result<Response<Body>> {
    // Parsed before auth, reported after it: a client without credentials
    // learns nothing about names.
    let r = route::route(&parts.method, parts.uri.path());
    if !app.healthy.load(std::sync::atomic::Ordering::Relaxed) {
        return Err(ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            Code::Unknown,
            "storage is unhealthy (see the registry log)",
        ));
    }
    let get_or_head = parts.method == Method::GET || parts.method == Method::HEAD;
    if matches!(r, Ok(Route::Root)) && get_or_head {
        return Ok(respond(
            StatusCode::OK,
            &[("content-length", "0".into())],
            body::empty(),
        ));
    }
    if let Some(auth) = &app.auth {
        let header = parts
            .headers
            .get(header::AUTHORIZATION)
            .map(HeaderValue::as_bytes);
        match auth.check(header).await {
            AuthOutcome::Allowed(u) => *user = u,
            outcome => {
                if let AuthOutcome::Refused { user: u, reason } = &outcome {
                    tracing::warn!(user = %u, reason, path = %parts.uri.path(), "login refused");
                    *user = u.clone();
                }
                return Err(ApiError::new(
                    StatusCode::UNAUTHORIZED,
                    Code::Unauthorized,
                    "authentication required",
                )
                .with_header(header::WWW_AUTHENTICATE, &auth.challenge()));
            }
        }
    }
    let ctx = Ctx {
        method: parts.method,
        query: route::parse_query(parts.uri.query()),
        headers: parts.headers,
    };
    route_request(app, &ctx, r?, body).await
}

async fn route_request(
    app: &Arc<App>,
    ctx: &Ctx,
    r: Route,
    incoming: &mut ReqBody,
) -> Result<Response<Body>> {
    let m = &ctx.method;
    let get_or_head = *m == Method::GET || *m == Method::HEAD;
    match r {
        Route::Base if get_or_head => Ok(respond(
            StatusCode::OK,
            &[
                ("content-type", "application/json".into()),
                ("content-length", "2".into()),
            ],
            if *m == Method::HEAD {
                body::empty()
            } else {
                body::full("{}")
            },
        )),
        Route::Catalog if get_or_head => listing::catalog(app, ctx).await,
        Route::Tags { name } if get_or_head => listing::tags(app, ctx, &name).await,
        Route::Referrers { name, digest } if *m == Method::GET => {
            listing::referrers(app, ctx, &name, &digest).await
        }
        Route::Manifest { name, reference } => match *m {
            Method::GET | Method::HEAD => manifests::get(app, ctx, &name, &reference).await,
            Method::PUT => manifests::put(app, ctx, &name, &reference, incoming).await,
            Method::DELETE => manifests::delete(app, &name, &reference).await,
            _ => Err(method_not_allowed()),
        },
        Route::Blob { name, digest } => match *m {
            Method::GET | Method::HEAD => blobs::get(app, ctx, &name, &digest).await,
            Method::DELETE => blobs::delete(app, &name, &digest).await,
            _ => Err(method_not_allowed()),
        },
        Route::UploadStart { name } if *m == Method::POST => {
            uploads::start(app, ctx, &name, incoming).await
        }
        Route::Upload { name, id } => {
            uploads::check_id(app, ctx, &name, &id)?;
            match *m {
                Method::GET => uploads::status(app, &name, &id).await,
                Method::PATCH => uploads::patch(app, ctx, &name, &id, incoming).await,
                Method::PUT => uploads::finish(app, ctx, &name, &id, incoming).await,
                Method::DELETE => uploads::cancel(app, &name, &id).await,
                _ => Err(method_not_allowed()),
            }
        }
        Route::NotFound | Route::Root => {
            Err(ApiError::not_found(Code::NameUnknown, "no such endpoint"))
        }
        _ => Err(method_not_allowed()),
    }
}

fn method_not_allowed() -> ApiError {
    ApiError::unsupported("method not allowed on this endpoint")
}

#[cfg(test)]
mod tests;
