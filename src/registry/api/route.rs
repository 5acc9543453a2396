//! Parsing request paths and queries into routes. Repository names contain
//! slashes, so routes are recognised from the right-hand end.

use std::collections::HashMap;

/// Where a request goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Route {
    /// `GET /`: a health check without auth.
    Root,
    /// `/v2/`
    Base,
    Catalog,
    Tags {
        name: String,
    },
    Manifest {
        name: String,
        reference: String,
    },
    Blob {
        name: String,
        digest: String,
    },
    UploadStart {
        name: String,
    },
    Upload {
        name: String,
        id: String,
    },
    Referrers {
        name: String,
        digest: String,
    },
    NotFound,
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

/// Query parameters (the first value of each name wins).
pub(crate) fn parse_query(q: Option<&str>) -> HashMap<String, String> {
    let mut map = HashMap::new();
    for pair in q.unwrap_or("").split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        map.entry(percent_decode(k, true))
            .or_insert_with(|| percent_decode(v, true));
    }
    map
}

/// Maps a path to a route.
pub(crate) fn route(path: &str) -> Route {
    if path == "/" {
        return Route::Root;
    }
    let Some(rest) = path.strip_prefix("/v2/") else {
        return if path == "/v2" {
            Route::Base
        } else {
            Route::NotFound
        };
    };
    if rest.is_empty() {
        return Route::Base;
    }
    if rest == "_catalog" {
        return Route::Catalog;
    }
    let segs: Vec<String> = rest.split('/').map(|s| percent_decode(s, false)).collect();
    let n = segs.len();
    let name = |end: usize| segs[..end].join("/");
    if n >= 3 && segs[n - 2] == "tags" && segs[n - 1] == "list" {
        return Route::Tags { name: name(n - 2) };
    }
    if n >= 3 && segs[n - 2] == "manifests" {
        return Route::Manifest {
            name: name(n - 2),
            reference: segs[n - 1].clone(),
        };
    }
    if n >= 4 && segs[n - 3] == "blobs" && segs[n - 2] == "uploads" {
        let id = segs[n - 1].clone();
        return if id.is_empty() {
            Route::UploadStart { name: name(n - 3) }
        } else {
            Route::Upload {
                name: name(n - 3),
                id,
            }
        };
    }
    if n >= 3 && segs[n - 2] == "blobs" {
        if segs[n - 1] == "uploads" {
            return Route::UploadStart { name: name(n - 2) };
        }
        return Route::Blob {
            name: name(n - 2),
            digest: segs[n - 1].clone(),
        };
    }
    if n >= 3 && segs[n - 2] == "referrers" {
        return Route::Referrers {
            name: name(n - 2),
            digest: segs[n - 1].clone(),
        };
    }
    Route::NotFound
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_from_the_right() {
        assert_eq!(route("/v2/"), Route::Base);
        assert_eq!(route("/v2/_catalog"), Route::Catalog);
        assert_eq!(
            route("/v2/a/b/tags/list"),
            Route::Tags { name: "a/b".into() }
        );
        assert_eq!(
            route("/v2/a/blobs/x/manifests/latest"),
            Route::Manifest {
                name: "a/blobs/x".into(),
                reference: "latest".into()
            }
        );
        assert_eq!(
            route("/v2/a/blobs/uploads/"),
            Route::UploadStart { name: "a".into() }
        );
        assert_eq!(
            route("/v2/a/blobs/uploads"),
            Route::UploadStart { name: "a".into() }
        );
        assert_eq!(
            route("/v2/a/b/blobs/uploads/123"),
            Route::Upload {
                name: "a/b".into(),
                id: "123".into()
            }
        );
        assert_eq!(
            route("/v2/a/blobs/sha256%3Aab"),
            Route::Blob {
                name: "a".into(),
                digest: "sha256:ab".into()
            }
        );
        assert_eq!(
            route("/v2/a/referrers/sha256:ab"),
            Route::Referrers {
                name: "a".into(),
                digest: "sha256:ab".into()
            }
        );
        assert_eq!(route("/v2/manifests/x"), Route::NotFound);
        assert_eq!(route("/v1/x"), Route::NotFound);
    }

    #[test]
    fn queries_decode() {
        let q = parse_query(Some(
            "n=2&last=a%2Fb&artifactType=application%2Fx%2Bjson&empty",
        ));
        assert_eq!(q["last"], "a/b");
        assert_eq!(q["artifactType"], "application/x+json");
        assert_eq!(q["empty"], "");
        assert_eq!(percent_decode("%zz%4", false), "%zz%4");
    }
}
