//! Parsing request paths and queries into routes. Repository names contain
//! slashes, so routes are recognised from the right-hand end. Every name,
//! tag, digest and upload id is parsed here, at the edge, into its type:
//! handlers and storage never see unchecked text.

use crate::registry::digest::Digest;
use crate::registry::errors::{ApiError, Code};
use crate::registry::names::{InvalidName, Reference, RepoName, Tag, UploadId};

/// Where a request goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Route {
    /// `GET /`: a health check without auth.
    Root,
    /// `/v2/`
    Base,
    Catalog,
    Tags {
        name: RepoName,
    },
    Manifest {
        name: RepoName,
        reference: Reference,
    },
    Blob {
        name: RepoName,
        digest: Digest,
    },
    UploadStart {
        name: RepoName,
    },
    Upload {
        name: RepoName,
        id: UploadId,
    },
    Referrers {
        name: RepoName,
        digest: Digest,
    },
    NotFound,
}

/// The OCI error for a value that does not parse.
pub(crate) fn name_error(e: InvalidName) -> ApiError {
    match e {
        InvalidName::Repository(_) => ApiError::bad_request(Code::NameInvalid, e.to_string()),
        InvalidName::Tag(_) => ApiError::bad_request(Code::ManifestInvalid, e.to_string()),
        InvalidName::Upload(_) => ApiError::not_found(Code::BlobUploadUnknown, e.to_string()),
    }
}

pub(crate) fn parse_name(s: &str) -> Result<RepoName, ApiError> {
    RepoName::parse(s).map_err(name_error)
}

pub(crate) fn parse_digest(text: &str) -> Result<Digest, ApiError> {
    text.parse()
        .map_err(|e: crate::registry::digest::InvalidDigest| {
            ApiError::bad_request(Code::DigestInvalid, e.to_string())
        })
}

/// A tag or digest. An invalid tag cannot name anything, so reading one
/// is `MANIFEST_UNKNOWN` (as distribution answers); writing one is
/// `MANIFEST_INVALID`.
fn parse_reference(r: &str, reading: bool) -> Result<Reference, ApiError> {
    if r.contains(':') {
        return Ok(Reference::Digest(parse_digest(r)?));
    }
    Tag::parse(r).map(Reference::Tag).map_err(|e| {
        if reading {
            ApiError::not_found(
                Code::ManifestUnknown,
                format!(
                    "manifest {} is unknown",
                    r.chars().take(200).collect::<String>()
                ),
            )
        } else {
            name_error(e)
        }
    })
}

/// Decodes `%XX` escapes; `plus_is_space` for query strings. Invalid
/// escapes are kept as they are.
pub(crate) fn percent_decode(s: &str, plus_is_space: bool) -> String {
    fn hex(c: u8) -> Option<u8> {
        (c as char).to_digit(16).map(|d| d as u8)
    }
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let escaped = (b[i] == b'%' && i + 2 < b.len())
            .then(|| Some(hex(b[i + 1])? * 16 + hex(b[i + 2])?))
            .flatten();
        match (escaped, b[i]) {
            (Some(v), _) => {
                out.push(v);
                i += 3;
            }
            (None, b'+') if plus_is_space => {
                out.push(b' ');
                i += 1;
            }
            (None, c) => {
                out.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A request's query parameters, decoded, in their order. Most names are
/// read once (the first value wins); `tag` may repeat.
#[derive(Debug, Default)]
pub(crate) struct Query(Vec<(String, String)>);

impl Query {
    /// The first value of `key`.
    pub(crate) fn get(&self, key: &str) -> Option<&String> {
        self.0.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    /// Every value of `key`, in order.
    pub(crate) fn all<'a>(&'a self, key: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.0
            .iter()
            .filter(move |(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
}

pub(crate) fn parse_query(q: Option<&str>) -> Query {
    Query(
        q.unwrap_or("")
            .split('&')
            .filter(|p| !p.is_empty())
            .map(|pair| {
                let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
                (percent_decode(k, true), percent_decode(v, true))
            })
            .collect(),
    )
}

/// Maps a request to a route; a name, tag, digest or upload id that does
/// not parse is the OCI error for it.
pub(crate) fn route(method: &hyper::Method, path: &str) -> Result<Route, ApiError> {
    let reading = *method == hyper::Method::GET || *method == hyper::Method::HEAD;
    if path == "/" {
        return Ok(Route::Root);
    }
    let Some(rest) = path.strip_prefix("/v2/") else {
        return Ok(if path == "/v2" {
            Route::Base
        } else {
            Route::NotFound
        });
    };
    if rest.is_empty() {
        return Ok(Route::Base);
    }
    if rest == "_catalog" {
        return Ok(Route::Catalog);
    }
    let segs: Vec<String> = rest.split('/').map(|s| percent_decode(s, false)).collect();
    let n = segs.len();
    let name = |end: usize| parse_name(&segs[..end].join("/"));
    if n >= 3 && segs[n - 2] == "tags" && segs[n - 1] == "list" {
        return Ok(Route::Tags { name: name(n - 2)? });
    }
    if n >= 3 && segs[n - 2] == "manifests" {
        return Ok(Route::Manifest {
            name: name(n - 2)?,
            reference: parse_reference(&segs[n - 1], reading)?,
        });
    }
    if n >= 4 && segs[n - 3] == "blobs" && segs[n - 2] == "uploads" {
        let id = &segs[n - 1];
        return Ok(if id.is_empty() {
            Route::UploadStart { name: name(n - 3)? }
        } else {
            Route::Upload {
                name: name(n - 3)?,
                id: UploadId::parse(id).map_err(name_error)?,
            }
        });
    }
    if n >= 3 && segs[n - 2] == "blobs" {
        if segs[n - 1] == "uploads" {
            return Ok(Route::UploadStart { name: name(n - 2)? });
        }
        return Ok(Route::Blob {
            name: name(n - 2)?,
            digest: parse_digest(&segs[n - 1])?,
        });
    }
    if n >= 3 && segs[n - 2] == "referrers" {
        return Ok(Route::Referrers {
            name: name(n - 2)?,
            digest: parse_digest(&segs[n - 1])?,
        });
    }
    Ok(Route::NotFound)
}

#[cfg(test)]
mod tests {
    use super::*;

    const G: hyper::Method = hyper::Method::GET;

    fn name(s: &str) -> RepoName {
        RepoName::parse(s).unwrap()
    }

    #[test]
    fn routes_from_the_right() {
        let d = "sha256:2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824";
        let digest: Digest = d.parse().unwrap();
        assert_eq!(route(&G, "/v2/").unwrap(), Route::Base);
        assert_eq!(route(&G, "/v2/_catalog").unwrap(), Route::Catalog);
        assert_eq!(
            route(&G, "/v2/a/b/tags/list").unwrap(),
            Route::Tags { name: name("a/b") }
        );
        assert_eq!(
            route(&G, "/v2/a/blobs/x/manifests/latest").unwrap(),
            Route::Manifest {
                name: name("a/blobs/x"),
                reference: Reference::Tag(Tag::parse("latest").unwrap())
            }
        );
        assert_eq!(
            route(&G, "/v2/a/blobs/uploads/").unwrap(),
            Route::UploadStart { name: name("a") }
        );
        assert_eq!(
            route(&G, "/v2/a/blobs/uploads").unwrap(),
            Route::UploadStart { name: name("a") }
        );
        let id = UploadId::new();
        assert_eq!(
            route(&G, &format!("/v2/a/b/blobs/uploads/{id}")).unwrap(),
            Route::Upload {
                name: name("a/b"),
                id: id.clone()
            }
        );
        assert_eq!(
            route(&G, &format!("/v2/a/blobs/{}", d.replace(':', "%3A"))).unwrap(),
            Route::Blob {
                name: name("a"),
                digest: digest.clone()
            }
        );
        assert_eq!(
            route(&G, &format!("/v2/a/referrers/{d}")).unwrap(),
            Route::Referrers {
                name: name("a"),
                digest
            }
        );
        assert_eq!(route(&G, "/v2/manifests/x").unwrap(), Route::NotFound);
        assert_eq!(route(&G, "/v1/x").unwrap(), Route::NotFound);
    }

    #[test]
    fn unparsable_values_are_their_oci_errors() {
        let code = |p: &str| route(&hyper::Method::PUT, p).unwrap_err().code.as_str();
        assert_eq!(code("/v2/A/tags/list"), "NAME_INVALID");
        assert_eq!(code("/v2/a/%2e%2e/b/tags/list"), "NAME_INVALID");
        assert_eq!(code("/v2/a/manifests/bad!tag"), "MANIFEST_INVALID");
        assert_eq!(code("/v2/a/blobs/sha256:xyz"), "DIGEST_INVALID");
        assert_eq!(code("/v2/a/../b/blobs/uploads/"), "NAME_INVALID");
        assert_eq!(code("/v2/a/blobs/uploads/nope"), "BLOB_UPLOAD_UNKNOWN");
    }

    #[test]
    fn queries_decode() {
        let q = parse_query(Some(
            "n=2&last=a%2Fb&artifactType=application%2Fx%2Bjson&empty&tag=a&tag=b&last=z",
        ));
        assert_eq!(q.get("last").unwrap(), "a/b");
        assert_eq!(q.get("artifactType").unwrap(), "application/x+json");
        assert_eq!(q.get("empty").unwrap(), "");
        assert_eq!(q.all("tag").collect::<Vec<_>>(), ["a", "b"]);
        assert_eq!(percent_decode("%zz%4", false), "%zz%4");
    }
}
