//! The sweep phase. Candidates are collected first, then deleted in batches:
//! each batch holds the exclusive GC lock (writers wait a few milliseconds at
//! most), re-checks every item's modification time under it, and deletes in
//! parallel, because deletion latency, not CPU, bounds a collection.

use std::collections::HashSet;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, SystemTime};

use super::mark::RepoPlan;
use super::{GcReport, RepoReport};
use crate::registry::digest::Digest;
use crate::registry::names::{RepoName, UploadId};
use crate::registry::paths;
use crate::registry::storage::{StorageDriver, StorageError};
use crate::registry::store::scan_digest_dirs;

/// Items deleted per exclusive-lock hold.
const BATCH: usize = 512;
/// Concurrent deletions within a batch.
const WORKERS: usize = 32;

/// What a candidate is, for the report.
#[derive(Debug, Clone)]
pub(super) enum Kind {
    Revision { repo: usize, digest: Digest },
    LayerLink { repo: usize },
    Upload { repo: usize },
    Blob,
}

/// Something that may be deleted.
#[derive(Debug, Clone)]
pub(super) struct Candidate {
    /// The file whose modification time decides.
    marker: String,
    /// Directories removed together (the item and, for revisions, its tag
    /// history entries).
    dirs: Vec<String>,
    cutoff: SystemTime,
    kind: Kind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Deleted(u64),
    Recent,
    Gone,
}

pub(super) struct Sweeper<'a> {
    drv: &'a dyn StorageDriver,
    cutoff: SystemTime,
    dry_run: bool,
    candidates: Vec<Candidate>,
}

impl<'a> Sweeper<'a> {
    pub(super) fn new(drv: &'a dyn StorageDriver, cutoff: SystemTime, dry_run: bool) -> Self {
        Sweeper {
            drv,
            cutoff,
            dry_run,
            candidates: Vec::new(),
        }
    }

    /// Queues a repository's unkept revisions and stale layer links.
    pub(super) fn queue_repository(
        &mut self,
        repo: usize,
        name: &RepoName,
        plan: &RepoPlan,
    ) -> Result<(), StorageError> {
        for d in plan.revisions.iter().filter(|d| !plan.kept.contains(*d)) {
            let mut dirs = vec![paths::revision_dir(name, d)];
            for tag in plan.tag_history.get(d).into_iter().flatten() {
                let link = paths::tag_index_link(name, tag, d);
                dirs.push(link.trim_end_matches("/link").to_string());
            }
            self.candidates.push(Candidate {
                marker: paths::revision_link(name, d),
                dirs,
                cutoff: self.cutoff,
                kind: Kind::Revision {
                    repo,
                    digest: d.clone(),
                },
            });
        }
        for d in scan_digest_dirs(self.drv, &paths::layers_root(name))? {
            if plan.blobs.contains(&d) {
                continue;
            }
            let link = paths::layer_link(name, &d);
            self.candidates.push(Candidate {
                dirs: vec![link.trim_end_matches("/link").to_string()],
                marker: link,
                cutoff: self.cutoff,
                kind: Kind::LayerLink { repo },
            });
        }
        Ok(())
    }

    /// Queues uploads whose last byte arrived longer ago than `age`.
    pub(super) fn queue_uploads(
        &mut self,
        repo: usize,
        name: &RepoName,
        now: SystemTime,
        age: Duration,
    ) -> Result<(), StorageError> {
        let cutoff = now
            .checked_sub(age)
            .unwrap_or(std::time::UNIX_EPOCH)
            .min(self.cutoff);
        let ids = match self.drv.list(&paths::uploads_root(name)) {
            Ok(i) => i,
            Err(e) if e.is_not_found() => return Ok(()),
            Err(e) => return Err(e),
        };
        for id in ids {
            let Ok(id) = UploadId::parse(&id) else {
                continue;
            };
            self.candidates.push(Candidate {
                marker: paths::upload_data(name, &id),
                dirs: vec![paths::upload_dir(name, &id)],
                cutoff,
                kind: Kind::Upload { repo },
            });
        }
        Ok(())
    }

    /// Queues every blob nobody marked.
    pub(super) fn queue_blobs(
        &mut self,
        marked: &HashSet<Digest>,
        report: &mut GcReport,
    ) -> Result<(), StorageError> {
        let root = paths::blobs_root();
        for alg in ["sha256", "sha512"] {
            let prefixes = match self.drv.list(&format!("{root}/{alg}")) {
                Ok(p) => p,
                Err(e) if e.is_not_found() => continue,
                Err(e) => return Err(e),
            };
            for prefix in prefixes {
                for hex in self
                    .drv
                    .list(&format!("{root}/{alg}/{prefix}"))
                    .unwrap_or_default()
                {
                    let Ok(d) = format!("{alg}:{hex}").parse::<Digest>() else {
                        continue;
                    };
                    if marked.contains(&d) {
                        report.blobs_kept += 1;
                        continue;
                    }
                    self.candidates.push(Candidate {
                        marker: paths::blob_data(&d),
                        dirs: vec![paths::blob_dir(&d)],
                        cutoff: self.cutoff,
                        kind: Kind::Blob,
                    });
                }
            }
        }
        Ok(())
    }

    /// Checks one candidate and, unless dry, deletes it. Call under the lock.
    fn process(&self, c: &Candidate) -> Result<Outcome, StorageError> {
        let info = match self.drv.stat(&c.marker) {
            Ok(i) => i,
            Err(e) if e.is_not_found() => return Ok(Outcome::Gone),
            Err(e) => return Err(e),
        };
        if info.modified >= c.cutoff {
            return Ok(Outcome::Recent);
        }
        if !self.dry_run {
            // The common case is a directory holding just the marker: unlink
            // it and rmdir (two calls); anything else falls back to a walk.
            let ignore_gone = |r: Result<(), StorageError>| match r {
                Err(e) if !e.is_not_found() => Err(e),
                _ => Ok(()),
            };
            ignore_gone(self.drv.delete(&c.marker))?;
            for dir in &c.dirs {
                match self.drv.remove_empty_dir(dir) {
                    Ok(true) => {}
                    Ok(false) => ignore_gone(self.drv.delete(dir))?,
                    Err(e) if e.is_not_found() => {}
                    Err(e) => return Err(e),
                }
            }
        }
        Ok(Outcome::Deleted(info.size))
    }

    /// Deletes every queued candidate, batch by batch, and reports.
    pub(super) fn run(
        mut self,
        reports: &mut [RepoReport],
        report: &mut GcReport,
    ) -> Result<(), StorageError> {
        // Spread each batch over many parent directories: concurrent unlinks
        // in one directory serialise on its lock in the kernel.
        self.candidates.sort_by_cached_key(|c| fnv1a(&c.marker));
        for batch in self.candidates.chunks(BATCH) {
            let _lock = if self.dry_run {
                None
            } else {
                Some(self.drv.lock(true)?)
            };
            let outcomes: Vec<std::sync::Mutex<Option<Result<Outcome, StorageError>>>> =
                batch.iter().map(|_| std::sync::Mutex::new(None)).collect();
            let next = AtomicUsize::new(0);
            std::thread::scope(|s| {
                for _ in 0..WORKERS.min(batch.len()) {
                    s.spawn(|| {
                        loop {
                            let i = next.fetch_add(1, Ordering::Relaxed);
                            let Some(c) = batch.get(i) else { break };
                            *outcomes[i].lock().unwrap_or_else(|p| p.into_inner()) =
                                Some(self.process(c));
                        }
                    });
                }
            });
            for (c, outcome) in batch.iter().zip(outcomes) {
                let outcome = outcome
                    .into_inner()
                    .unwrap_or_else(|p| p.into_inner())
                    .unwrap_or(Ok(Outcome::Gone))?;
                match (outcome, &c.kind) {
                    (Outcome::Gone, _) => {}
                    (Outcome::Recent, Kind::Upload { .. }) => {}
                    (Outcome::Recent, Kind::Blob) => {
                        report.recent_kept += 1;
                        report.blobs_kept += 1;
                    }
                    (Outcome::Recent, _) => report.recent_kept += 1,
                    (Outcome::Deleted(_), Kind::Revision { repo, digest }) => {
                        reports[*repo].manifests_removed.push(digest.to_string())
                    }
                    (Outcome::Deleted(_), Kind::LayerLink { repo }) => {
                        reports[*repo].layer_links_removed += 1
                    }
                    (Outcome::Deleted(_), Kind::Upload { repo }) => {
                        reports[*repo].uploads_removed += 1
                    }
                    (Outcome::Deleted(size), Kind::Blob) => {
                        report.blobs_removed += 1;
                        report.bytes_freed += size;
                    }
                }
            }
        }
        Ok(())
    }
}

/// A cheap, stable hash to shuffle candidates deterministically.
fn fnv1a(s: &str) -> u64 {
    s.bytes().fold(0xcbf29ce484222325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x100000001b3)
    })
}
