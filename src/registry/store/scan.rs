//! Walking the storage layout: repositories and the digests under a
//! directory, for listings and GC.

use crate::registry::digest::Digest;
use crate::registry::names::RepoName;
use crate::registry::paths;
use crate::registry::storage::{StorageDriver, StorageError};

/// Repositories holding `marker`, found by walking `repositories/` without
/// descending into `_`-prefixed directories (distribution's rule). A
/// directory whose path is no repository name (made by hand, not by the
/// API) is left alone.
pub(crate) fn scan_repositories(
    drv: &dyn StorageDriver,
    marker: &str,
) -> Result<Vec<RepoName>, StorageError> {
    let mut repos = Vec::new();
    let mut stack = vec![String::new()];
    let root = paths::repositories();
    while let Some(rel) = stack.pop() {
        let dir = if rel.is_empty() {
            root.clone()
        } else {
            format!("{root}/{rel}")
        };
        let children = match drv.list(&dir) {
            Ok(c) => c,
            Err(e) if e.is_not_found() => continue,
            Err(e) => return Err(e),
        };
        for child in children {
            if child == marker {
                match RepoName::parse(&rel) {
                    Ok(name) => repos.push(name),
                    Err(_) => {
                        tracing::warn!(path = %rel, "ignoring a repository directory whose name is invalid")
                    }
                }
            } else if !child.starts_with('_') {
                let path = if rel.is_empty() {
                    child
                } else {
                    format!("{rel}/{child}")
                };
                if drv
                    .stat(&format!("{root}/{path}"))
                    .map(|i| i.is_dir)
                    .unwrap_or(false)
                {
                    stack.push(path);
                }
            }
        }
    }
    repos.sort();
    repos.dedup();
    Ok(repos)
}

/// Digests named by `<dir>/<alg>/<hex>` entries (revisions, layer links, blobs
/// without the two-hex fan-out).
pub(crate) fn scan_digest_dirs(
    drv: &dyn StorageDriver,
    dir: &str,
) -> Result<Vec<Digest>, StorageError> {
    let mut out = Vec::new();
    for alg in ["sha256", "sha512"] {
        let names = match drv.list(&format!("{dir}/{alg}")) {
            Ok(n) => n,
            Err(e) if e.is_not_found() => continue,
            Err(e) => return Err(e),
        };
        out.extend(
            names
                .iter()
                .filter_map(|hex| format!("{alg}:{hex}").parse().ok()),
        );
    }
    Ok(out)
}
