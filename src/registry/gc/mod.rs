//! Garbage collection that is safe while the registry runs.
//!
//! Mark: in every repository, the roots are its tagged manifests (with
//! `delete_untagged`) or all its revisions; from each root the children of
//! indexes and the referrers (manifests whose `subject` it is) are followed,
//! and every config and layer of a kept manifest is marked. Sweep: unmarked
//! revisions, stale `_layers` links, unmarked blobs and old uploads.
//!
//! Guarantee: nothing modified after `start - min_age` is deleted. Writers
//! (manifest pushes, mounts, uploads that find their blob already stored)
//! check and touch what they reference under the shared GC lock; the
//! collector re-checks each item's modification time under the exclusive lock
//! right before deleting it. So either the collector deleted first and the
//! push fails cleanly (`MANIFEST_BLOB_UNKNOWN`), or the push touched first
//! and the item is kept. Fresh uploads whose manifest is not pushed yet are
//! protected by `min_age`.

mod mark;
mod sweep;

use std::collections::HashSet;
use std::time::{Duration, Instant, SystemTime};

use serde::Serialize;

use super::digest::Digest;
use super::names::RepoName;
use super::storage::{StorageDriver, StorageError};
use super::store::scan_repositories;

/// How to collect.
#[derive(Debug, Clone)]
pub(crate) struct GcOptions {
    /// Only tagged manifests (and what they reach) are roots.
    pub delete_untagged: bool,
    /// Grace period: anything modified more recently is kept.
    pub min_age: Duration,
    /// Report only; delete nothing.
    pub dry_run: bool,
    /// Remove uploads started longer ago than this.
    pub upload_age: Option<Duration>,
}

/// What one repository lost.
#[derive(Debug, Clone, Default, Serialize)]
pub(crate) struct RepoReport {
    pub name: String,
    pub manifests_removed: Vec<String>,
    pub layer_links_removed: usize,
    pub uploads_removed: usize,
}

/// The outcome of a run (or what a dry run would do).
#[derive(Debug, Clone, Default, Serialize)]
pub(crate) struct GcReport {
    pub dry_run: bool,
    pub repositories: Vec<RepoReport>,
    pub manifests_kept: usize,
    pub blobs_kept: usize,
    pub blobs_removed: usize,
    pub bytes_freed: u64,
    /// Unreferenced items kept because they are newer than the grace period
    /// or were touched by a concurrent push.
    pub recent_kept: usize,
    pub duration_ms: u64,
}

/// The mark phase's result: what every repository keeps. Sweeping is a
/// separate step so the protocol with concurrent writers can be tested
/// between the two.
pub(crate) struct Marked {
    started: Instant,
    start: SystemTime,
    cutoff: SystemTime,
    opts: GcOptions,
    plans: Vec<(RepoName, mark::RepoPlan)>,
    marked: HashSet<Digest>,
}

/// Marks everything reachable in every repository (blocking, read-only).
pub(crate) fn mark(drv: &dyn StorageDriver, opts: &GcOptions) -> Result<Marked, StorageError> {
    let started = Instant::now();
    let start = SystemTime::now();
    let cutoff = start
        .checked_sub(opts.min_age)
        .unwrap_or(std::time::UNIX_EPOCH);
    let mut plans = Vec::new();
    let mut marked: HashSet<Digest> = HashSet::new();
    // Repositories with layers but no manifest (a push that never finished)
    // are swept too: all their links are stale.
    let mut names = scan_repositories(drv, "_manifests")?;
    names.extend(scan_repositories(drv, "_layers")?);
    names.sort();
    names.dedup();
    for name in names {
        let plan = mark::mark_repository(drv, &name, opts.delete_untagged)?;
        marked.extend(plan.kept.iter().cloned());
        marked.extend(plan.blobs.iter().cloned());
        plans.push((name, plan));
    }
    Ok(Marked {
        started,
        start,
        cutoff,
        opts: opts.clone(),
        plans,
        marked,
    })
}

impl Marked {
    /// Deletes what was not marked and is older than the grace period.
    /// Repositories' revisions and links go before blobs, so no manifest
    /// is ever left pointing at a deleted blob.
    pub(crate) fn sweep(self, drv: &dyn StorageDriver) -> Result<GcReport, StorageError> {
        let mut report = GcReport {
            dry_run: self.opts.dry_run,
            ..Default::default()
        };
        let mut names: Vec<RepoName> = self.plans.iter().map(|(n, _)| n.clone()).collect();
        let upload_repos = match self.opts.upload_age {
            Some(_) => scan_repositories(drv, "_uploads")?,
            None => Vec::new(),
        };
        for n in &upload_repos {
            if !names.contains(n) {
                names.push(n.clone());
            }
        }
        let mut repos: Vec<RepoReport> = names
            .iter()
            .map(|n| RepoReport {
                name: n.to_string(),
                ..Default::default()
            })
            .collect();
        let mut first = sweep::Sweeper::new(drv, self.cutoff, self.opts.dry_run);
        for (i, (name, plan)) in self.plans.iter().enumerate() {
            report.manifests_kept += plan.kept.len();
            first.queue_repository(i, name, plan)?;
        }
        if let Some(age) = self.opts.upload_age {
            for name in &upload_repos {
                let i = names.iter().position(|n| n == name).unwrap_or(0);
                first.queue_uploads(i, name, self.start, age)?;
            }
        }
        first.run(&mut repos, &mut report)?;
        let mut blobs = sweep::Sweeper::new(drv, self.cutoff, self.opts.dry_run);
        blobs.queue_blobs(&self.marked, &mut report)?;
        blobs.run(&mut repos, &mut report)?;
        report.repositories = repos
            .into_iter()
            .filter(|r| r.manifests_removed.len() + r.layer_links_removed + r.uploads_removed > 0)
            .collect();
        report.repositories.sort_by(|a, b| a.name.cmp(&b.name));
        report.duration_ms = self.started.elapsed().as_millis() as u64;
        Ok(report)
    }
}

/// Runs a whole collection over a storage driver (blocking).
pub(crate) fn collect(drv: &dyn StorageDriver, opts: &GcOptions) -> Result<GcReport, StorageError> {
    mark(drv, opts)?.sweep(drv)
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::registry::paths;
    use crate::registry::storage::fs::FsDriver;
    use crate::registry::store::Store;

    fn age(drv: &FsDriver, path: &str) {
        let f = std::fs::OpenOptions::new()
            .write(true)
            .open(drv.root().join(path))
            .unwrap();
        f.set_modified(SystemTime::now() - Duration::from_secs(7200))
            .unwrap();
    }

    /// A push that reuses a garbage blob between mark and sweep keeps it:
    /// the claim touches it under the shared lock and the sweep re-checks.
    #[tokio::test(flavor = "multi_thread")]
    async fn a_claim_between_mark_and_sweep_keeps_the_blob() {
        let app = RepoName::parse("app").unwrap();
        let v1 = crate::registry::names::Tag::parse("v1").unwrap();
        let dir = tempfile::tempdir().unwrap();
        let drv = Arc::new(FsDriver::new(dir.path()));
        let store = Store::new(drv.clone());
        let layer = Digest::sha256_of(b"old layer");
        let config = Digest::sha256_of(b"{}");
        for (d, bytes) in [(&layer, &b"old layer"[..]), (&config, &b"{}"[..])] {
            store
                .driver()
                .put_content(&paths::blob_data(d), bytes)
                .unwrap();
            store.link_blob(&app, d).await.unwrap();
            age(&drv, &paths::blob_data(d));
            age(&drv, &paths::layer_link(&app, d));
        }
        // An old manifest keeps the config only, so the layer is garbage.
        let m1 = format!(
            r#"{{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{{"mediaType":"x","digest":"{config}","size":2}},"layers":[]}}"#
        );
        let d1 = Digest::sha256_of(m1.as_bytes());
        store
            .put_manifest(&app, &d1, m1.into_bytes(), std::slice::from_ref(&v1))
            .await
            .unwrap();
        let opts = GcOptions {
            delete_untagged: true,
            min_age: Duration::from_secs(60),
            dry_run: false,
            upload_age: None,
        };
        let marked = {
            let drv = drv.clone();
            tokio::task::spawn_blocking(move || mark(drv.as_ref(), &opts).unwrap())
                .await
                .unwrap()
        };
        assert!(
            !marked.marked.contains(&layer),
            "the layer is garbage at mark time"
        );
        // A client saw the layer (HEAD) and now pushes a manifest using it.
        let gc_lock = store.gc_shared().await.unwrap();
        assert!(store.claim_blob(&app, &layer).await.unwrap().is_some());
        drop(gc_lock);
        let report = {
            let drv = drv.clone();
            tokio::task::spawn_blocking(move || marked.sweep(drv.as_ref()).unwrap())
                .await
                .unwrap()
        };
        assert_eq!(report.blobs_removed, 0, "{report:?}");
        assert!(drv.root().join(paths::blob_data(&layer)).exists());
        assert!(store.repo_blob_size(&app, &layer).await.unwrap().is_some());
        // Without the claim, the same sweep removes it.
        age(&drv, &paths::blob_data(&layer));
        age(&drv, &paths::layer_link(&app, &layer));
        let report = tokio::task::spawn_blocking(move || {
            collect(
                drv.as_ref(),
                &GcOptions {
                    delete_untagged: true,
                    min_age: Duration::from_secs(60),
                    dry_run: false,
                    upload_age: None,
                },
            )
            .unwrap()
        })
        .await
        .unwrap();
        assert_eq!(report.blobs_removed, 1, "{report:?}");
    }
}
