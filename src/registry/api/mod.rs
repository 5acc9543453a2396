//! The OCI Distribution v1.1 HTTP API: routing, auth, common headers and
//! the access log; one file per endpoint family.

mod blobs;
pub(crate) mod body;
mod listing;
mod manifests;
pub(crate) mod route;
mod uploads;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Instant;

use bytes::Bytes;
use hmac::{KeyInit, Mac};
use http_body_util::BodyExt as _;
use http_body_util::combinators::UnsyncBoxBody;
use hyper::header::{self, HeaderMap, HeaderName, HeaderValue};
use hyper::{Method, Request, Response, StatusCode};

use super::auth::{AuthOutcome, Authenticator};
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
}

type Result<T> = std::result::Result<T, ApiError>;

/// A request body of any source (hyper's connection, or a test's bytes).
pub(crate) type Incoming = UnsyncBoxBody<Bytes, Box<dyn std::error::Error + Send + Sync>>;

/// The request body, taken by the handler that streams it. Whatever is left
/// unread (a small body refused before it was needed) is drained before
/// answering, so HTTP/2 streams end cleanly instead of being reset.
pub(crate) struct ReqBody(Option<Incoming>);

/// Unread bodies up to this size are drained; larger ones are cut off.
const DRAIN_LIMIT: u64 = 8 * 1024 * 1024;

impl ReqBody {
    pub(crate) fn take(&mut self) -> Option<Incoming> {
        self.0.take()
    }

    async fn drain_small(&mut self, declared: Option<u64>) {
        use http_body_util::BodyExt;
        let Some(mut body) = self.0.take() else {
            return;
        };
        if declared.is_none_or(|n| n > DRAIN_LIMIT) {
            return;
        }
        let mut seen = 0u64;
        while let Some(Ok(frame)) = body.frame().await {
            seen += frame.data_ref().map_or(0, |d| d.len() as u64);
            if seen > DRAIN_LIMIT {
                return;
            }
        }
    }
}

/// A request with what handlers look at.
pub(crate) struct Ctx {
    pub method: Method,
    pub headers: HeaderMap,
    pub query: std::collections::HashMap<String, String>,
}

impl App {
    /// A `Location` value for a path.
    pub(crate) fn location(&self, path: &str) -> String {
        match &self.base_url {
            Some(base) => format!("{}{path}", base.trim_end_matches('/')),
            None => path.to_string(),
        }
    }

    /// An upload's state token: HMAC of the repository and upload id with
    /// `http.secret`, so replicas sharing the secret accept each other's
    /// upload URLs and a tampered URL is refused.
    pub(crate) fn upload_token(&self, name: &RepoName, id: &UploadId) -> String {
        hex::encode(
            self.upload_mac(name, id)
                .finalize()
                .into_bytes()
                .get(..16)
                .unwrap_or_default(),
        )
    }

    fn upload_mac(&self, name: &RepoName, id: &UploadId) -> hmac::Hmac<sha2::Sha256> {
        let mut mac = <hmac::Hmac<sha2::Sha256> as KeyInit>::new_from_slice(&self.secret)
            .expect("HMAC takes any key length");
        mac.update(name.as_str().as_bytes());
        mac.update(b"\n");
        mac.update(id.as_str().as_bytes());
        mac
    }

    /// Whether a client's `_state` token is this upload's, compared in
    /// constant time (a forged token learns nothing from the timing).
    pub(crate) fn upload_token_matches(&self, name: &RepoName, id: &UploadId, token: &str) -> bool {
        let Ok(bytes) = hex::decode(token) else {
            return false;
        };
        self.upload_mac(name, id)
            .verify_truncated_left(&bytes)
            .is_ok()
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
    B: http_body::Body<Data = Bytes> + Send + 'static,
    B::Error: std::error::Error + Send + Sync + 'static,
{
    let req = req.map(|b| {
        b.map_err(|e| -> Box<dyn std::error::Error + Send + Sync> { Box::new(e) })
            .boxed_unsync()
    });
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
    // Parsed before auth, reported after it: a client without credentials
    // learns nothing about names.
    let r = route::route(req.method(), req.uri().path());
    if !app.healthy.load(std::sync::atomic::Ordering::Relaxed) {
        return Err(ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            Code::Unknown,
            "storage is unhealthy (see the registry log)",
        ));
    }
    let get_or_head = *req.method() == Method::GET || *req.method() == Method::HEAD;
    if matches!(r, Ok(Route::Root)) && get_or_head {
        return Ok(respond(
            StatusCode::OK,
            &[("content-length", "0".into())],
            body::empty(),
        ));
    }
    if let Some(auth) = &app.auth {
        let header = req
            .headers()
            .get(header::AUTHORIZATION)
            .map(HeaderValue::as_bytes);
        match auth.check(header).await {
            AuthOutcome::Allowed(u) => *user = u,
            outcome => {
                if let AuthOutcome::Refused { user: u, reason } = &outcome {
                    tracing::warn!(user = %u, reason, path = %req.uri().path(), "login refused");
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
    let (parts, incoming) = req.into_parts();
    let declared = parts
        .headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    let mut body = ReqBody(Some(incoming));
    let ctx = Ctx {
        method: parts.method,
        query: route::parse_query(parts.uri.query()),
        headers: parts.headers,
    };
    let result = match r {
        Ok(r) => route_request(app, &ctx, r, &mut body).await,
        Err(e) => Err(e),
    };
    body.drain_small(declared).await;
    result
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
