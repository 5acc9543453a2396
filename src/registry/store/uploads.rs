//! Resumable uploads: started, appended to while being hashed, committed
//! under their digest once it matches, cancelled. An upload's state is its
//! file in storage (its size is the offset), so any replica on the same
//! storage can continue it.

use std::io::Read;
use std::sync::Arc;

use bytes::Bytes;
use sha2::{Digest as _, Sha256, Sha512};
use tokio::sync::mpsc;

use super::{READ_CHUNK, Store, blocking};
use crate::registry::digest::{Algorithm, Digest};
use crate::registry::names::{RepoName, UploadId};
use crate::registry::paths;
use crate::registry::storage::{StorageDriver, StorageError};

/// Why closing an upload failed.
#[derive(Debug, thiserror::Error)]
pub(crate) enum CommitError {
    #[error("upload unknown")]
    UnknownUpload,
    #[error("digest mismatch: content is {actual}")]
    DigestMismatch { actual: Digest },
    #[error(transparent)]
    Storage(#[from] StorageError),
}

impl Store {
    /// Starts an upload and returns its id.
    pub(crate) async fn start_upload(&self, name: &RepoName) -> Result<UploadId, StorageError> {
        let id = UploadId::new();
        let now = time::OffsetDateTime::now_utc()
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap_or_default();
        self.put(paths::upload_started_at(name, &id), now.into_bytes())
            .await?;
        self.put(paths::upload_data(name, &id), Vec::new()).await?;
        Ok(id)
    }

    /// Bytes received so far, or `None` for an unknown upload.
    pub(crate) async fn upload_size(
        &self,
        name: &RepoName,
        id: &UploadId,
    ) -> Result<Option<u64>, StorageError> {
        self.size_of(paths::upload_data(name, id)).await
    }

    /// A lock held while a request works on one upload.
    pub(crate) async fn lock_upload(
        &self,
        name: &RepoName,
        id: &UploadId,
    ) -> tokio::sync::OwnedMutexGuard<()> {
        let key = paths::upload_dir(name, id);
        let lock = self
            .upload_locks
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .entry(key)
            .or_default()
            .clone();
        lock.lock_owned().await
    }

    fn forget_upload(&self, name: &RepoName, id: &UploadId) {
        let key = paths::upload_dir(name, id);
        self.hashes
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(&paths::upload_data(name, id));
        self.upload_locks
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(&key);
    }

    /// Opens an upload for appending; feed it with [`UploadWriter::write`].
    pub(crate) fn append(self: &Arc<Self>, name: &RepoName, id: &UploadId) -> UploadWriter {
        let path = paths::upload_data(name, id);
        let cached = self
            .hashes
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(&path);
        // A few chunks in flight keep the disk busy while the socket is read;
        // more would only hold memory (32 concurrent pushes must stay small).
        let (tx, mut rx) = mpsc::channel::<Bytes>(4);
        let drv = self.driver.clone();
        let task_path = path.clone();
        let task = tokio::task::spawn_blocking(move || -> Result<(u64, Sha256), StorageError> {
            let mut w = drv.writer(&task_path, true)?;
            let size = w.size();
            let mut hasher = match cached {
                Some((offset, h)) if offset == size => h,
                _ => rehash_sha256(drv.as_ref(), &task_path)?,
            };
            while let Some(chunk) = rx.blocking_recv() {
                w.write_all(&chunk)
                    .map_err(|e| StorageError::from_io(&task_path, e))?;
                hasher.update(&chunk);
            }
            // Not synced here: a chunk's 202 promises only the offset, and
            // syncing every PATCH would stall the socket on the disk.
            // `commit_upload` syncs once before the blob is published.
            Ok((w.size(), hasher))
        });
        UploadWriter {
            tx: Some(tx),
            task: Some(task),
            store: self.clone(),
            path,
        }
    }

    /// Verifies and publishes an upload as a blob linked into `name`.
    pub(crate) async fn commit_upload(
        &self,
        name: &RepoName,
        id: &UploadId,
        expected: &Digest,
    ) -> Result<u64, CommitError> {
        let data = paths::upload_data(name, id);
        let size = self
            .size_of(data.clone())
            .await?
            .ok_or(CommitError::UnknownUpload)?;
        let cached = self
            .hashes
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(&data);
        let actual = match (expected.algorithm(), cached) {
            (Algorithm::Sha256, Some((offset, h))) if offset == size => Digest::from_sha256(h),
            (alg, _) => {
                let (drv, p) = (self.driver.clone(), data.clone());
                blocking(move || rehash(drv.as_ref(), &p, alg)).await?
            }
        };
        if &actual != expected {
            self.cancel_upload(name, id).await?;
            return Err(CommitError::DigestMismatch { actual });
        }
        let target = paths::blob_data(expected);
        let (drv, src, dst) = (self.driver.clone(), data, target);
        let _gc = self.gc_shared().await?;
        blocking(move || match drv.stat(&dst) {
            // Content-addressed: an existing blob with this digest is the
            // same bytes; touch it so a running GC keeps it.
            Ok(info) if info.size == size => drv.touch(&dst),
            // Durable before it becomes visible: a crash never publishes a
            // blob whose bytes were still in the page cache.
            _ => {
                drv.writer(&src, true)?.commit()?;
                drv.move_to(&src, &dst)
            }
        })
        .await?;
        self.link_blob(name, expected).await?;
        self.cancel_upload(name, id).await?;
        Ok(size)
    }

    /// Deletes an upload; `false` if it did not exist.
    pub(crate) async fn cancel_upload(
        &self,
        name: &RepoName,
        id: &UploadId,
    ) -> Result<bool, StorageError> {
        let existed = self.delete(paths::upload_dir(name, id)).await?;
        self.forget_upload(name, id);
        Ok(existed)
    }
}

fn rehash_sha256(drv: &dyn StorageDriver, path: &str) -> Result<Sha256, StorageError> {
    let mut h = Sha256::new();
    feed(drv, path, |c| h.update(c))?;
    Ok(h)
}

fn rehash(drv: &dyn StorageDriver, path: &str, alg: Algorithm) -> Result<Digest, StorageError> {
    match alg {
        Algorithm::Sha256 => Ok(Digest::from_sha256(rehash_sha256(drv, path)?)),
        Algorithm::Sha512 => {
            let mut h = Sha512::new();
            feed(drv, path, |c| h.update(c))?;
            Ok(format!("sha512:{}", hex::encode(h.finalize()))
                .parse()
                .expect("sha512 hex is a valid digest"))
        }
    }
}

fn feed(drv: &dyn StorageDriver, path: &str, mut f: impl FnMut(&[u8])) -> Result<(), StorageError> {
    let mut r = drv.reader(path, 0)?;
    let mut buf = vec![0u8; READ_CHUNK];
    loop {
        let n = r
            .read(&mut buf)
            .map_err(|e| StorageError::from_io(path, e))?;
        if n == 0 {
            return Ok(());
        }
        f(&buf[..n]);
    }
}

/// Streams bytes into an upload; dropped without [`finish`](Self::finish) it
/// still flushes what it got, so the upload's offset stays truthful.
pub(crate) struct UploadWriter {
    tx: Option<mpsc::Sender<Bytes>>,
    task: Option<tokio::task::JoinHandle<Result<(u64, Sha256), StorageError>>>,
    store: Arc<Store>,
    path: String,
}

impl UploadWriter {
    /// Queues a chunk; fails if the writer stopped (e.g. disk full).
    pub(crate) async fn write(&mut self, chunk: Bytes) -> bool {
        match &self.tx {
            Some(tx) => tx.send(chunk).await.is_ok(),
            None => false,
        }
    }

    /// Waits until everything is on disk; returns the upload's size.
    pub(crate) async fn finish(mut self) -> Result<u64, StorageError> {
        self.tx.take();
        let task = self.task.take().expect("finish once");
        let (size, hasher) = task.await.unwrap_or_else(|e| {
            Err(StorageError::Io {
                path: self.path.clone(),
                source: std::io::Error::other(e.to_string()),
            })
        })?;
        self.store
            .hashes
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(self.path.clone(), (size, hasher));
        Ok(size)
    }
}
