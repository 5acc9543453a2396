//! Background upkeep: purging abandoned uploads and watching storage health.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, SystemTime};

use super::config::{GcSchedule, HealthConfig, UploadPurging};
use super::gc::{self, GcOptions};
use super::paths;
use super::store::Store;

/// Removes uploads older than `age`; returns how many were (or would be) removed.
pub(crate) async fn purge_uploads(store: &Store, age: Duration, dryrun: bool) -> usize {
    if !dryrun {
        // Crash leftovers of atomic writes; an hour is far beyond any write.
        let drv = store.driver().clone();
        let cleaned =
            tokio::task::spawn_blocking(move || drv.clean_temporaries(Duration::from_secs(3600)))
                .await
                .ok()
                .and_then(Result::ok)
                .unwrap_or(0);
        if cleaned > 0 {
            tracing::info!(files = cleaned, "removed temporary files left by a crash");
        }
    }
    let repos = match store.list_repositories_with("_uploads").await {
        Ok(r) => r,
        Err(e) => {
            tracing::error!(error = %e, "upload purging cannot list repositories");
            return 0;
        }
    };
    let mut removed = 0;
    for repo in repos {
        for (id, started) in store.uploads(&repo).await.unwrap_or_default() {
            let old = SystemTime::now()
                .duration_since(started)
                .is_ok_and(|elapsed| elapsed > age);
            if !old {
                continue;
            }
            removed += 1;
            if dryrun {
                tracing::info!(repository = %repo, upload = %id, "would purge abandoned upload (dry run)");
            } else if let Err(e) = store.cancel_upload(&repo, &id).await {
                tracing::warn!(error = %e, path = %paths::upload_dir(&repo, &id), "cannot purge upload");
            } else {
                tracing::info!(repository = %repo, upload = %id, "purged abandoned upload");
            }
        }
    }
    removed
}

/// Runs upload purging on its interval, starting shortly after start-up.
pub(crate) fn spawn_purging(store: Arc<Store>, cfg: UploadPurging) {
    if !cfg.enabled {
        return;
    }
    tokio::spawn(async move {
        let mut delay = cfg.interval.min(Duration::from_secs(10));
        loop {
            tokio::time::sleep(delay).await;
            purge_uploads(&store, cfg.age, cfg.dryrun).await;
            delay = cfg.interval.max(Duration::from_secs(1));
        }
    });
}

/// Checks storage on an interval; after `threshold` failures in a row the
/// registry answers 503 until a check passes.
pub(crate) fn spawn_health(store: Arc<Store>, cfg: HealthConfig, healthy: Arc<AtomicBool>) {
    if !cfg.enabled {
        return;
    }
    tokio::spawn(async move {
        let mut failures = 0;
        loop {
            match store.check_health().await {
                Ok(()) => {
                    if !healthy.swap(true, Ordering::Relaxed) {
                        tracing::info!("storage is healthy again");
                    }
                    failures = 0;
                }
                Err(e) => {
                    failures += 1;
                    tracing::error!(error = %e, failures, "storage health check failed");
                    if failures >= cfg.threshold {
                        healthy.store(false, Ordering::Relaxed);
                    }
                }
            }
            tokio::time::sleep(cfg.interval.max(Duration::from_millis(100))).await;
        }
    });
}

/// How long until the next run: the cron schedule's next minute, else one
/// interval.
fn until_next(cfg: &GcSchedule) -> Duration {
    match &cfg.schedule {
        Some(schedule) => {
            let now = time::OffsetDateTime::now_utc();
            match schedule.next_after(now) {
                Some(next) => (next - now).try_into().unwrap_or(Duration::from_secs(60)),
                // A schedule that never matches (31 February): never run.
                None => Duration::from_secs(365 * 86_400),
            }
        }
        None => cfg.interval.max(Duration::from_secs(1)),
    }
}

/// Runs garbage collection on its schedule, online (see [`gc`] for why that
/// is safe): at the cron schedule's times (UTC), or every interval.
pub(crate) fn spawn_gc(store: Arc<Store>, cfg: GcSchedule, upload_age: Option<Duration>) {
    if !cfg.enabled {
        return;
    }
    if let Some(s) = &cfg.schedule {
        tracing::info!(schedule = %s, "garbage collection scheduled (UTC)");
    }
    tokio::spawn(async move {
        loop {
            tokio::time::sleep(until_next(&cfg)).await;
            let opts = GcOptions {
                delete_untagged: cfg.deleteuntagged,
                min_age: cfg.minage,
                dry_run: cfg.dryrun,
                upload_age,
            };
            let drv = store.driver().clone();
            match tokio::task::spawn_blocking(move || gc::collect(drv.as_ref(), &opts)).await {
                Ok(Ok(r)) => tracing::info!(
                    dry_run = r.dry_run,
                    blobs_removed = r.blobs_removed,
                    bytes_freed = r.bytes_freed,
                    manifests_removed = r
                        .repositories
                        .iter()
                        .map(|x| x.manifests_removed.len())
                        .sum::<usize>(),
                    ms = r.duration_ms,
                    "garbage collection finished"
                ),
                Ok(Err(e)) => tracing::error!(error = %e, "garbage collection failed"),
                Err(e) => tracing::error!(error = %e, "garbage collection task failed"),
            }
        }
    });
}
