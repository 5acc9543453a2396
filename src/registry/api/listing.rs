//! Content discovery: tags, the catalog and referrers.

use hyper::{Method, Response, StatusCode};
use serde_json::{Value, json};

use super::body::{self, Body};
use super::{App, Ctx, Result, respond};
use crate::registry::digest::Digest;
use crate::registry::errors::{ApiError, Code};
use crate::registry::manifest;
use crate::registry::names::RepoName;

/// Default page size of the catalog when `n` is not given.
const CATALOG_DEFAULT_N: usize = 1000;

fn page_size(ctx: &Ctx) -> Result<Option<usize>> {
    match ctx.query.get("n") {
        None => Ok(None),
        Some(n) => n.parse::<usize>().map(Some).map_err(|_| {
            ApiError::bad_request(Code::Unsupported, format!("invalid page size n=`{n}`"))
        }),
    }
}

/// Applies `last` and `n`; returns the page and, if more remain, the last
/// item for the `Link` header.
fn paginate(
    items: Vec<String>,
    last: Option<&String>,
    n: Option<usize>,
) -> (Vec<String>, Option<String>) {
    let mut rest: Vec<String> = match last {
        Some(l) => items
            .into_iter()
            .filter(|i| i.as_str() > l.as_str())
            .collect(),
        None => items,
    };
    match n {
        Some(n) if rest.len() > n => {
            rest.truncate(n);
            let next = rest.last().cloned();
            (rest, next)
        }
        _ => (rest, None),
    }
}

fn json_response(
    ctx: &Ctx,
    doc: Value,
    mut headers: Vec<(&'static str, String)>,
) -> Response<Body> {
    let bytes = doc.to_string();
    headers.push(("content-type", "application/json".into()));
    headers.push(("content-length", bytes.len().to_string()));
    let body = if ctx.method == Method::HEAD {
        body::empty()
    } else {
        body::full(bytes)
    };
    respond(StatusCode::OK, &headers, body)
}

fn link(path: &str, n: usize, last: &str) -> String {
    let last: String = last
        .bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect();
    format!("<{path}?n={n}&last={last}>; rel=\"next\"")
}

pub(super) async fn tags(app: &App, ctx: &Ctx, name: &RepoName) -> Result<Response<Body>> {
    let all = app.store.list_tags(name).await?.ok_or_else(|| {
        ApiError::not_found(Code::NameUnknown, format!("repository {name} is unknown"))
    })?;
    let n = page_size(ctx)?;
    let (page, next) = paginate(all, ctx.query.get("last"), n);
    let mut headers = Vec::new();
    if let (Some(last), Some(n)) = (next, n) {
        headers.push(("link", link(&format!("/v2/{name}/tags/list"), n, &last)));
    }
    Ok(json_response(
        ctx,
        json!({ "name": name.as_str(), "tags": page }),
        headers,
    ))
}

pub(super) async fn catalog(app: &App, ctx: &Ctx) -> Result<Response<Body>> {
    let all: Vec<String> = app
        .store
        .list_repositories()
        .await?
        .iter()
        .map(|r| r.as_str().to_string())
        .collect();
    let n = page_size(ctx)?.unwrap_or(CATALOG_DEFAULT_N);
    let (page, next) = paginate(all, ctx.query.get("last"), Some(n));
    let mut headers = Vec::new();
    if let Some(last) = next {
        headers.push(("link", link("/v2/_catalog", n, &last)));
    }
    Ok(json_response(ctx, json!({ "repositories": page }), headers))
}

pub(super) async fn referrers(
    app: &App,
    ctx: &Ctx,
    name: &RepoName,
    digest: &Digest,
) -> Result<Response<Body>> {
    let subject = digest;
    let filter = ctx.query.get("artifactType").filter(|f| !f.is_empty());
    let mut found = Vec::new();
    for rev in app.store.revisions(name).await? {
        let Some(bytes) = app.store.get_manifest(name, &rev).await? else {
            continue;
        };
        let Ok(m) = manifest::parse(None, &bytes) else {
            continue;
        };
        if m.subject.as_ref() != Some(subject) {
            continue;
        }
        if filter.is_some_and(|f| m.artifact_type.as_deref() != Some(f.as_str())) {
            continue;
        }
        let mut desc = json!({
            "mediaType": m.media_type,
            "digest": rev.to_string(),
            "size": bytes.len(),
        });
        if let Some(t) = &m.artifact_type {
            desc["artifactType"] = json!(t);
        }
        if let Some(a) = &m.annotations {
            desc["annotations"] = a.clone();
        }
        found.push(desc);
    }
    found.sort_by(|a, b| a["digest"].as_str().cmp(&b["digest"].as_str()));
    let doc = json!({
        "schemaVersion": 2,
        "mediaType": manifest::OCI_INDEX,
        "manifests": found,
    });
    let bytes = doc.to_string();
    let mut headers = vec![
        ("content-type", manifest::OCI_INDEX.to_string()),
        ("content-length", bytes.len().to_string()),
    ];
    if filter.is_some() {
        headers.push(("oci-filters-applied", "artifactType".to_string()));
    }
    Ok(respond(StatusCode::OK, &headers, body::full(bytes)))
}
