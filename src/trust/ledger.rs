//! What `trust install` changed, so `uninstall` removes exactly that and a
//! second `install` is a no-op. Kept as JSON in the registry directory.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::StoreKind;
use crate::fsutil::{self, MODE_PUBLIC, Overwrite};

/// One file regctl wrote, or one certificate it added with a store's tool.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Entry {
    pub store: StoreKind,
    pub registry: String,
    pub path: PathBuf,
    /// SHA-256 of what was written: a file changed since is left alone.
    pub sha256: String,
    /// Run after removing the file (e.g. update-ca-certificates).
    #[serde(default)]
    pub update: Vec<String>,
    /// A shared file regctl merged into (daemon.json): uninstall restores
    /// it rather than deleting it.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub merged: bool,
    /// Where the original of a merged file was saved (none when regctl
    /// created the file).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub backup: Option<PathBuf>,
    /// For a store changed by a tool (NSS, Java, keychain, Windows): the
    /// commands that take the certificate out again.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub undo: Vec<Vec<String>>,
    /// Prints what is installed, so `uninstall` can tell a certificate
    /// someone already removed from one it must remove.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub export: Vec<String>,
    /// The CA those commands may need as a file (`{CA_FILE}`): the `--ca`
    /// file may be gone by the time of `uninstall`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ca: Option<String>,
}

impl Entry {
    fn new(store: StoreKind, registry: &str, path: &Path, written: &[u8]) -> Entry {
        Entry {
            store,
            registry: registry.to_string(),
            path: path.to_path_buf(),
            sha256: crate::fsutil::sha256_hex(written),
            update: Vec::new(),
            merged: false,
            backup: None,
            undo: Vec::new(),
            export: Vec::new(),
            ca: None,
        }
    }

    /// A file regctl wrote; `update` rebuilds the store after removing it.
    pub(crate) fn file(
        store: StoreKind,
        registry: &str,
        path: &Path,
        contents: &[u8],
        update: Vec<String>,
    ) -> Entry {
        Entry {
            update,
            ..Entry::new(store, registry, path, contents)
        }
    }

    /// A shared file regctl merged into, with the original's backup.
    pub(crate) fn merged(
        store: StoreKind,
        registry: &str,
        path: &Path,
        contents: &[u8],
        backup: Option<PathBuf>,
    ) -> Entry {
        Entry {
            merged: true,
            backup,
            ..Entry::new(store, registry, path, contents)
        }
    }

    /// A certificate a store's tool added to `target`.
    pub(crate) fn command(
        store: StoreKind,
        registry: &str,
        target: &Path,
        ca: &str,
        undo: Vec<Vec<String>>,
        export: Vec<String>,
    ) -> Entry {
        Entry {
            undo,
            export,
            ca: Some(ca.to_string()),
            ..Entry::new(store, registry, target, ca.as_bytes())
        }
    }
}

/// The ledger file.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Ledger {
    pub entries: Vec<Entry>,
}

#[derive(Debug, thiserror::Error)]
pub(crate) enum LedgerError {
    #[error("the trust ledger {} is not valid JSON ({message}); fix or remove it", path.display())]
    Corrupt { path: PathBuf, message: String },
    #[error(transparent)]
    Write(#[from] fsutil::FsError),
}

impl Ledger {
    pub(crate) fn load(path: &Path) -> Result<Ledger, LedgerError> {
        match std::fs::read(path) {
            Ok(bytes) => serde_json::from_slice(&bytes).map_err(|e| LedgerError::Corrupt {
                path: path.to_path_buf(),
                message: e.to_string(),
            }),
            Err(_) => Ok(Ledger::default()),
        }
    }

    pub(crate) fn save(&self, path: &Path) -> Result<(), LedgerError> {
        let text = serde_json::to_string_pretty(self).unwrap_or_default();
        fsutil::write_atomic(path, text.as_bytes(), MODE_PUBLIC, Overwrite::Replace)?;
        Ok(())
    }

    /// Records (or refreshes) a change. One file, such as daemon.json or an
    /// NSS database, can hold several registries, so an entry is known by
    /// its path and its registry together.
    pub(crate) fn record(&mut self, entry: Entry) {
        self.forget(&entry.path, &entry.registry);
        self.entries.push(entry);
    }

    /// Is another registry recorded for the same file?
    pub(crate) fn shared_with_others(&self, path: &Path, registry: &str) -> bool {
        self.entries
            .iter()
            .any(|e| e.path == path && e.registry != registry)
    }

    pub(crate) fn forget(&mut self, path: &Path, registry: &str) {
        self.entries
            .retain(|e| !(e.path == path && e.registry == registry));
    }
}
