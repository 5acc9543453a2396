//! Background fsyncs of files being streamed to disk (uploads).
//!
//! The fsync that publishes a blob waits for every byte the disk, or the
//! hypervisor under it, still holds in a volatile cache; left to the end,
//! that was a quarter of a 256 MiB push on the machines this was measured
//! on. Syncing every [`STEP`] on a helper thread while the upload streams
//! in leaves the commit only the last step to wait for, and the socket is
//! never stalled by it.
//!
//! Errors: Linux reports a writeback error once to each open file, and not
//! to a file opened after it was reported. The commit opens the upload
//! anew, so a failed background sync is kept here, by path, until the
//! commit (or the next write) collects it.

use std::collections::HashMap;
use std::fs::File;
use std::io;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};

/// Bytes written between background syncs of one file.
pub(super) const STEP: u64 = 32 * 1024 * 1024;

/// Background syncs by path (relative to the driver's root).
#[derive(Default)]
pub(super) struct Flushes {
    by_path: Mutex<HashMap<String, Arc<Slot>>>,
}

#[derive(Default)]
struct Slot {
    state: Mutex<State>,
    idle: Condvar,
}

#[derive(Default)]
struct State {
    running: bool,
    error: Option<io::Error>,
}

/// Every update leaves the state consistent, so a panic elsewhere while
/// one was held does not make it unusable.
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn copy(e: &io::Error) -> io::Error {
    io::Error::new(e.kind(), e.to_string())
}

impl Flushes {
    /// Starts an fsync of `file` (written at `path`) on a helper thread,
    /// unless one is still running; `Ok(true)` when it started. Fails with
    /// the error of an earlier background sync of `path`, so a write stops
    /// as soon as the disk has refused one.
    pub(super) fn start(&self, path: &str, file: &File) -> io::Result<bool> {
        let slot = lock(&self.by_path)
            .entry(path.to_string())
            .or_default()
            .clone();
        let mut state = lock(&slot.state);
        if let Some(e) = &state.error {
            return Err(copy(e));
        }
        if state.running {
            return Ok(false);
        }
        // Without a second descriptor or a thread this is only a missed
        // head start: the commit's own fsync still covers everything.
        let Ok(file) = file.try_clone() else {
            return Ok(false);
        };
        state.running = true;
        drop(state);
        let done = slot.clone();
        let spawned = std::thread::Builder::new()
            .name("regctl-sync".into())
            .spawn(move || {
                let result = file.sync_data();
                let mut state = lock(&done.state);
                state.running = false;
                if let Err(e) = result {
                    state.error.get_or_insert(e);
                }
                done.idle.notify_all();
            });
        if spawned.is_err() {
            lock(&slot.state).running = false;
            return Ok(false);
        }
        Ok(true)
    }

    /// Waits for the background syncs of `path` and returns the first
    /// error any of them met; `path` is forgotten.
    pub(super) fn finish(&self, path: &str) -> io::Result<()> {
        let Some(slot) = lock(&self.by_path).remove(path) else {
            return Ok(());
        };
        let mut state = lock(&slot.state);
        while state.running {
            state = slot.idle.wait(state).unwrap_or_else(|p| p.into_inner());
        }
        match state.error.take() {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }

    /// Whether syncs of `path` were started and not yet collected.
    #[cfg(test)]
    pub(super) fn tracks(&self, path: &str) -> bool {
        lock(&self.by_path).contains_key(path)
    }

    /// Forgets `path` and everything under it (a deleted upload). A sync
    /// still running ends on its own descriptor.
    pub(super) fn forget(&self, path: &str) {
        let mut by_path = lock(&self.by_path);
        if by_path.is_empty() {
            return;
        }
        let under = format!("{}/", path.trim_end_matches('/'));
        by_path.retain(|p, _| p != path && !p.starts_with(&under));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One sync at a time per path; `finish` waits for it and forgets the
    /// path; `forget` drops a deleted upload's entries and no other.
    #[test]
    fn syncs_one_at_a_time_and_forgets() {
        let dir = tempfile::tempdir().unwrap();
        let f = File::create(dir.path().join("data")).unwrap();
        let flushes = Flushes::default();
        assert!(flushes.start("u/1/data", &f).unwrap());
        flushes.finish("u/1/data").unwrap();
        assert!(lock(&flushes.by_path).is_empty());
        flushes.start("u/1/data", &f).unwrap();
        flushes.start("u/10/data", &f).unwrap();
        flushes.forget("u/1");
        let left: Vec<String> = lock(&flushes.by_path).keys().cloned().collect();
        assert_eq!(left, ["u/10/data"]);
        flushes.finish("u/10/data").unwrap();
    }

    /// A failed background sync is reported to the next write and to the
    /// commit, even though the commit's file is opened after the failure.
    #[test]
    fn a_failed_sync_is_kept_for_the_commit() {
        let flushes = Flushes::default();
        let slot = lock(&flushes.by_path)
            .entry("u/2/data".into())
            .or_default()
            .clone();
        lock(&slot.state).error = Some(io::Error::other("EIO from the disk"));
        let f = tempfile::tempfile().unwrap();
        let err = flushes.start("u/2/data", &f).unwrap_err();
        assert!(err.to_string().contains("EIO"), "{err}");
        let err = flushes.finish("u/2/data").unwrap_err();
        assert!(err.to_string().contains("EIO"), "{err}");
        flushes.finish("u/2/data").unwrap();
    }
}
