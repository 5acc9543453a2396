//! The mark phase for one repository.

use std::collections::{HashMap, HashSet};

use crate::registry::digest::Digest;
use crate::registry::manifest::{self, Manifest};
use crate::registry::names::{RepoName, Tag};
use crate::registry::paths;
use crate::registry::storage::{StorageDriver, StorageError};
use crate::registry::store::scan_digest_dirs;

/// What a repository keeps.
pub(super) struct RepoPlan {
    /// Every revision present.
    pub revisions: Vec<Digest>,
    /// Manifests kept (roots, their index children and referrers).
    pub kept: HashSet<Digest>,
    /// Configs and layers of kept manifests (their `_layers` links stay).
    pub blobs: HashSet<Digest>,
    /// Tags whose history (`tags/<tag>/index/`) lists a revision.
    pub tag_history: HashMap<Digest, Vec<Tag>>,
}

fn read_link(drv: &dyn StorageDriver, path: &str) -> Option<Digest> {
    let bytes = drv.get_content(path).ok()?;
    String::from_utf8_lossy(&bytes).trim().parse().ok()
}

/// Computes what `name` keeps.
pub(super) fn mark_repository(
    drv: &dyn StorageDriver,
    name: &RepoName,
    delete_untagged: bool,
) -> Result<RepoPlan, StorageError> {
    let revisions: Vec<Digest> = scan_digest_dirs(drv, &paths::revisions_root(name))?
        .into_iter()
        .filter(|d| read_link(drv, &paths::revision_link(name, d)).as_ref() == Some(d))
        .collect();
    let mut parsed: HashMap<Digest, Option<Manifest>> = HashMap::new();
    for d in &revisions {
        let m = drv
            .get_content(&paths::blob_data(d))
            .ok()
            .and_then(|bytes| manifest::parse(None, &bytes).ok());
        parsed.insert(d.clone(), m);
    }
    let mut referrers: HashMap<Digest, Vec<Digest>> = HashMap::new();
    for (d, m) in &parsed {
        if let Some(subject) = m.as_ref().and_then(|m| m.subject.clone()) {
            referrers.entry(subject).or_default().push(d.clone());
        }
    }
    let mut roots: Vec<Digest> = Vec::new();
    let tags = match drv.list(&paths::tags_root(name)) {
        Ok(t) => t,
        Err(e) if e.is_not_found() => Vec::new(),
        Err(e) => return Err(e),
    };
    let mut tag_history: HashMap<Digest, Vec<Tag>> = HashMap::new();
    for tag in tags {
        // A directory whose name is no tag cannot have come through the API.
        let Ok(tag) = Tag::parse(&tag) else {
            continue;
        };
        if let Some(d) = read_link(drv, &paths::tag_current_link(name, &tag)) {
            roots.push(d);
        }
        let index = format!("{}/index", paths::tag_dir(name, &tag));
        for d in scan_digest_dirs(drv, &index)? {
            tag_history.entry(d).or_default().push(tag.clone());
        }
    }
    if !delete_untagged {
        roots.extend(revisions.iter().cloned());
    }
    let mut kept = HashSet::new();
    let mut blobs = HashSet::new();
    while let Some(d) = roots.pop() {
        if !kept.insert(d.clone()) {
            continue;
        }
        if let Some(Some(m)) = parsed.get(&d) {
            blobs.extend(m.blobs.iter().map(|b| b.digest.clone()));
            roots.extend(m.children.iter().map(|c| c.digest.clone()));
        } else if !parsed.contains_key(&d) {
            // Tagged but not a linked revision (or a child from elsewhere):
            // keep its content if it parses.
            if let Some(m) = drv
                .get_content(&paths::blob_data(&d))
                .ok()
                .and_then(|b| manifest::parse(None, &b).ok())
            {
                blobs.extend(m.blobs.iter().map(|b| b.digest.clone()));
                roots.extend(m.children.iter().map(|c| c.digest.clone()));
            }
        }
        if let Some(refs) = referrers.get(&d) {
            roots.extend(refs.iter().cloned());
        }
    }
    Ok(RepoPlan {
        revisions,
        kept,
        blobs,
        tag_history,
    })
}
