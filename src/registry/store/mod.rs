//! Registry logic over a storage driver: blob links, resumable uploads,
//! manifests and tags, in distribution's layout.
//!
//! Driver calls are blocking and run on tokio's blocking pool. Uploads stream
//! to disk through one blocking task per request that writes and hashes as
//! bytes arrive, so a blob is never held in memory and its SHA-256 is ready
//! when the client closes the upload.

use std::collections::HashMap;
use std::io::Read;
use std::sync::{Arc, Mutex};

use sha2::Sha256;

mod scan;
mod uploads;

pub(crate) use scan::{scan_digest_dirs, scan_repositories};
pub(crate) use uploads::CommitError;

use super::digest::Digest;
use super::names::{RepoName, Tag, UploadId};
use super::paths;
use super::storage::{LockGuard, StorageDriver, StorageError};

/// Chunk size for reading blobs and re-hashing uploads.
pub(crate) const READ_CHUNK: usize = 256 * 1024;

/// Below this, a blob is read: mapping costs more than the copy it saves.
const MAP_MIN: u64 = 256 * 1024;

/// Where a blob's bytes come from.
pub(crate) enum BlobSource {
    /// A local file, served from the page cache through mappings.
    Mapped(super::storage::MappableFile),
    /// Positioned at the requested offset.
    Reader(Box<dyn Read + Send>),
}

async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, StorageError> + Send + 'static,
) -> Result<T, StorageError> {
    tokio::task::spawn_blocking(f).await.unwrap_or_else(|e| {
        Err(StorageError::Io {
            path: String::new(),
            source: std::io::Error::other(e.to_string()),
        })
    })
}

/// Turns `NotFound` into `None`.
fn optional<T>(r: Result<T, StorageError>) -> Result<Option<T>, StorageError> {
    match r {
        Ok(v) => Ok(Some(v)),
        Err(e) if e.is_not_found() => Ok(None),
        Err(e) => Err(e),
    }
}

/// The registry's view of storage.
pub(crate) struct Store {
    driver: Arc<dyn StorageDriver>,
    /// SHA-256 state of uploads in progress: path -> (bytes hashed, state).
    hashes: Mutex<HashMap<String, (u64, Sha256)>>,
    /// Serialises requests on one upload within this process.
    upload_locks: Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
}

impl Store {
    pub(crate) fn new(driver: Arc<dyn StorageDriver>) -> Self {
        Store {
            driver,
            hashes: Mutex::new(HashMap::new()),
            upload_locks: Mutex::new(HashMap::new()),
        }
    }

    pub(crate) fn driver(&self) -> &Arc<dyn StorageDriver> {
        &self.driver
    }

    async fn get(&self, path: String) -> Result<Option<Vec<u8>>, StorageError> {
        if let Some(cached) = self.driver.get_content_cached(&path) {
            return optional(cached);
        }
        let d = self.driver.clone();
        optional(blocking(move || d.get_content(&path)).await)
    }

    async fn put(&self, path: String, data: Vec<u8>) -> Result<(), StorageError> {
        let d = self.driver.clone();
        blocking(move || d.put_content(&path, &data)).await
    }

    async fn size_of(&self, path: String) -> Result<Option<u64>, StorageError> {
        if let Some(cached) = self.driver.stat_cached(&path) {
            return optional(cached).map(|o| o.map(|i| i.size));
        }
        let d = self.driver.clone();
        optional(blocking(move || d.stat(&path)).await).map(|o| o.map(|i| i.size))
    }

    async fn delete(&self, path: String) -> Result<bool, StorageError> {
        let d = self.driver.clone();
        optional(blocking(move || d.delete(&path)).await).map(|o| o.is_some())
    }

    async fn list(&self, path: String) -> Result<Option<Vec<String>>, StorageError> {
        let d = self.driver.clone();
        optional(blocking(move || d.list(&path)).await)
    }

    async fn read_link(&self, path: String) -> Result<Option<Digest>, StorageError> {
        Ok(self.get(path.clone()).await?.and_then(|bytes| {
            let text = String::from_utf8_lossy(&bytes);
            let parsed = text.trim().parse().ok();
            if parsed.is_none() {
                tracing::warn!(%path, "ignoring a link file that holds no digest");
            }
            parsed
        }))
    }

    async fn write_link(&self, path: String, d: &Digest) -> Result<(), StorageError> {
        self.put(path, d.to_string().into_bytes()).await
    }

    /// Does the repository exist at all?
    pub(crate) async fn repo_exists(&self, name: &RepoName) -> Result<bool, StorageError> {
        Ok(self.size_of(paths::repository(name)).await?.is_some())
    }

    /// Size of a blob anywhere in the registry.
    pub(crate) async fn blob_size(&self, d: &Digest) -> Result<Option<u64>, StorageError> {
        self.size_of(paths::blob_data(d)).await
    }

    /// Size of a blob the repository links to (and that still exists).
    pub(crate) async fn repo_blob_size(
        &self,
        name: &RepoName,
        d: &Digest,
    ) -> Result<Option<u64>, StorageError> {
        if self.read_link(paths::layer_link(name, d)).await?.as_ref() != Some(d) {
            return Ok(None);
        }
        self.blob_size(d).await
    }

    /// Takes the GC lock shared: while held, the collector deletes nothing,
    /// so content checked and touched under it stays.
    pub(crate) async fn gc_shared(&self) -> Result<LockGuard, StorageError> {
        let drv = self.driver.clone();
        blocking(move || drv.lock(false)).await
    }

    async fn touch(&self, path: String) -> Result<bool, StorageError> {
        let drv = self.driver.clone();
        optional(blocking(move || drv.touch(&path)).await).map(|o| o.is_some())
    }

    /// For a manifest about to reference a blob: its size, if it is in the
    /// repository. If so it is touched, so a running GC keeps it. Call
    /// under [`gc_shared`].
    pub(crate) async fn claim_blob(
        &self,
        name: &RepoName,
        d: &Digest,
    ) -> Result<Option<u64>, StorageError> {
        let Some(size) = self.repo_blob_size(name, d).await? else {
            return Ok(None);
        };
        let claimed = self.touch(paths::blob_data(d)).await?
            && self.touch(paths::layer_link(name, d)).await?;
        Ok(claimed.then_some(size))
    }

    /// Like [`claim_blob`] for a child manifest of an index.
    pub(crate) async fn claim_manifest(
        &self,
        name: &RepoName,
        d: &Digest,
    ) -> Result<Option<u64>, StorageError> {
        if !self.has_revision(name, d).await? {
            return Ok(None);
        }
        let Some(size) = self.blob_size(d).await? else {
            return Ok(None);
        };
        let claimed = self.touch(paths::blob_data(d)).await?
            && self.touch(paths::revision_link(name, d)).await?;
        Ok(claimed.then_some(size))
    }

    /// Links a blob that exists anywhere in the registry into `name`
    /// (cross-repository mount), keeping it safe from a running GC.
    pub(crate) async fn mount_blob(
        &self,
        name: &RepoName,
        d: &Digest,
        from: Option<&RepoName>,
    ) -> Result<bool, StorageError> {
        let _gc = self.gc_shared().await?;
        let available = match from {
            Some(from) => self.repo_blob_size(from, d).await?.is_some(),
            None => self.blob_size(d).await?.is_some(),
        };
        if !available || !self.touch(paths::blob_data(d)).await? {
            return Ok(false);
        }
        self.link_blob(name, d).await?;
        Ok(true)
    }

    pub(crate) async fn link_blob(&self, name: &RepoName, d: &Digest) -> Result<(), StorageError> {
        self.write_link(paths::layer_link(name, d), d).await
    }

    /// Removes a repository's link to a blob (the content stays for GC).
    pub(crate) async fn unlink_blob(
        &self,
        name: &RepoName,
        d: &Digest,
    ) -> Result<bool, StorageError> {
        let link = paths::layer_link(name, d);
        let dir = link.trim_end_matches("/link").to_string();
        self.delete(dir).await
    }

    /// Opens a blob to serve `len` bytes from `offset`: mapped when the
    /// driver allows it and the transfer is large enough to gain from it.
    pub(crate) async fn open_blob(
        &self,
        d: &Digest,
        offset: u64,
        len: u64,
    ) -> Result<BlobSource, StorageError> {
        let (drv, path) = (self.driver.clone(), paths::blob_data(d));
        blocking(move || {
            if len >= MAP_MIN
                && let Some(file) = drv.mappable(&path)?
            {
                return Ok(BlobSource::Mapped(file));
            }
            drv.reader(&path, offset).map(BlobSource::Reader)
        })
        .await
    }

    // ---- manifests and tags ----

    /// Stores manifest bytes exactly as received, links the revision and
    /// points every one of `tags` at it. Call under [`gc_shared`] after
    /// claiming what the manifest references.
    pub(crate) async fn put_manifest(
        &self,
        name: &RepoName,
        d: &Digest,
        bytes: Vec<u8>,
        tags: &[Tag],
    ) -> Result<(), StorageError> {
        if self.blob_size(d).await? == Some(bytes.len() as u64) {
            self.touch(paths::blob_data(d)).await?;
        } else {
            self.put(paths::blob_data(d), bytes).await?;
        }
        self.write_link(paths::revision_link(name, d), d).await?;
        for tag in tags {
            self.write_link(paths::tag_index_link(name, tag, d), d)
                .await?;
            self.write_link(paths::tag_current_link(name, tag), d)
                .await?;
        }
        Ok(())
    }

    pub(crate) async fn resolve_tag(
        &self,
        name: &RepoName,
        tag: &Tag,
    ) -> Result<Option<Digest>, StorageError> {
        self.read_link(paths::tag_current_link(name, tag)).await
    }

    /// Is this manifest a revision of the repository?
    pub(crate) async fn has_revision(
        &self,
        name: &RepoName,
        d: &Digest,
    ) -> Result<bool, StorageError> {
        Ok(self
            .read_link(paths::revision_link(name, d))
            .await?
            .as_ref()
            == Some(d))
    }

    /// The manifest bytes, if the repository has that revision.
    pub(crate) async fn get_manifest(
        &self,
        name: &RepoName,
        d: &Digest,
    ) -> Result<Option<Vec<u8>>, StorageError> {
        if !self.has_revision(name, d).await? {
            return Ok(None);
        }
        self.get(paths::blob_data(d)).await
    }

    /// Deletes a revision and every tag pointing at it.
    pub(crate) async fn delete_manifest(
        &self,
        name: &RepoName,
        d: &Digest,
    ) -> Result<bool, StorageError> {
        if !self.has_revision(name, d).await? {
            return Ok(false);
        }
        for tag in self.list_tags(name).await?.unwrap_or_default() {
            // A directory whose name is no tag cannot have come through the API.
            let Ok(tag) = Tag::parse(&tag) else {
                continue;
            };
            if self.resolve_tag(name, &tag).await?.as_ref() == Some(d) {
                self.delete(paths::tag_dir(name, &tag)).await?;
            }
        }
        self.delete(paths::revision_dir(name, d)).await
    }

    pub(crate) async fn delete_tag(
        &self,
        name: &RepoName,
        tag: &Tag,
    ) -> Result<bool, StorageError> {
        if self.resolve_tag(name, tag).await?.is_none() {
            return Ok(false);
        }
        self.delete(paths::tag_dir(name, tag)).await
    }

    /// Tags of a repository, sorted; `None` if the repository does not exist.
    pub(crate) async fn list_tags(
        &self,
        name: &RepoName,
    ) -> Result<Option<Vec<String>>, StorageError> {
        if !self.repo_exists(name).await? {
            return Ok(None);
        }
        let mut tags = self.list(paths::tags_root(name)).await?.unwrap_or_default();
        tags.sort();
        Ok(Some(tags))
    }

    /// Every manifest revision of a repository.
    pub(crate) async fn revisions(&self, name: &RepoName) -> Result<Vec<Digest>, StorageError> {
        let (drv, dir) = (self.driver.clone(), paths::revisions_root(name));
        blocking(move || scan_digest_dirs(drv.as_ref(), &dir)).await
    }

    /// Every repository (a directory holding `_manifests`), sorted.
    pub(crate) async fn list_repositories(&self) -> Result<Vec<RepoName>, StorageError> {
        self.list_repositories_with("_manifests").await
    }

    /// Upload ids of a repository with their start times.
    pub(crate) async fn uploads(
        &self,
        name: &RepoName,
    ) -> Result<Vec<(UploadId, std::time::SystemTime)>, StorageError> {
        let mut out = Vec::new();
        for id in self
            .list(paths::uploads_root(name))
            .await?
            .unwrap_or_default()
        {
            let Ok(id) = UploadId::parse(&id) else {
                continue;
            };
            let started = self
                .get(paths::upload_started_at(name, &id))
                .await?
                .and_then(|b| {
                    let text = String::from_utf8_lossy(&b).trim().to_string();
                    time::OffsetDateTime::parse(
                        &text,
                        &time::format_description::well_known::Rfc3339,
                    )
                    .ok()
                })
                .map(std::time::SystemTime::from);
            let started = match started {
                Some(t) => t,
                None => {
                    let (drv, p) = (self.driver.clone(), paths::upload_dir(name, &id));
                    match optional(blocking(move || drv.stat(&p)).await)? {
                        Some(info) => info.modified,
                        None => continue,
                    }
                }
            };
            out.push((id, started));
        }
        Ok(out)
    }

    /// Can storage be reached? (distribution stats the root.)
    pub(crate) async fn check_health(&self) -> Result<(), StorageError> {
        let drv = self.driver.clone();
        match blocking(move || drv.stat("")).await {
            Err(e) if !e.is_not_found() => Err(e),
            _ => Ok(()),
        }
    }

    /// Every repository holding `marker` (`_manifests`, `_uploads`, ...), sorted.
    pub(crate) async fn list_repositories_with(
        &self,
        marker: &'static str,
    ) -> Result<Vec<RepoName>, StorageError> {
        let drv = self.driver.clone();
        blocking(move || scan_repositories(drv.as_ref(), marker)).await
    }
}
