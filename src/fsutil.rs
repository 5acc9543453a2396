//! Crash-safe file writes.
//!
//! Every file regctl produces (keys, certificates, htpasswd, configs) goes
//! through [`write_atomic`]: a temporary file in the same directory is
//! written, fsynced and renamed over the target, so a crash or a full disk
//! leaves either the old file or the new one, never a truncated mix. Files are
//! created with their final mode, so a key is never briefly world-readable.

use std::fs;
use std::io::Write;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

/// Mode for private keys, htpasswd files and anything holding a secret.
pub(crate) const MODE_SECRET: u32 = 0o600;
/// Mode for public material: certificates, configs, manifests.
pub(crate) const MODE_PUBLIC: u32 = 0o644;

/// Why a write did not happen; the target is untouched in every case.
#[derive(Debug, thiserror::Error)]
pub(crate) enum FsError {
    #[error("{} already exists (pass --force to replace it)", .0.display())]
    Exists(PathBuf),
    #[error("cannot write {}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

fn io_err(path: &Path) -> impl FnOnce(std::io::Error) -> FsError + '_ {
    move |source| FsError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// How [`write_atomic`] treats an existing target.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Overwrite {
    /// Fail with [`FsError::Exists`] if the target exists.
    Never,
    /// Replace the target atomically.
    Replace,
}

/// Who should own a written file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) enum Owner {
    /// Whoever writes it (the default for new files).
    #[default]
    Writer,
    /// The owner of the file being replaced, when there is one: a file
    /// handed to a container's user stays readable by it after an edit.
    Keep,
    /// This uid and gid (needs root unless it is the writer's own).
    Id(u32, u32),
}

/// Writes `contents` to `path` with `mode`, atomically; creates parent
/// directories as needed.
pub(crate) fn write_atomic(
    path: &Path,
    contents: &[u8],
    mode: u32,
    overwrite: Overwrite,
) -> Result<(), FsError> {
    write_atomic_as(path, contents, mode, overwrite, Owner::Writer)
}

/// [`write_atomic`] with an owner for the new file, set before it replaces
/// the old one, so no reader ever sees it owned by the wrong user.
pub(crate) fn write_atomic_as(
    path: &Path,
    contents: &[u8],
    mode: u32,
    overwrite: Overwrite,
    owner: Owner,
) -> Result<(), FsError> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    fs::create_dir_all(dir).map_err(io_err(dir))?;
    if overwrite == Overwrite::Never && path.symlink_metadata().is_ok() {
        return Err(FsError::Exists(path.to_path_buf()));
    }
    let mut tmp = tempfile::Builder::new()
        .prefix(".regctl-")
        .permissions(fs::Permissions::from_mode(mode))
        .tempfile_in(dir)
        .map_err(io_err(path))?;
    // The umask may have narrowed the mode at creation; set it exactly.
    tmp.as_file()
        .set_permissions(fs::Permissions::from_mode(mode))
        .map_err(io_err(path))?;
    tmp.write_all(contents).map_err(io_err(path))?;
    let wanted = match owner {
        Owner::Writer => None,
        Owner::Id(uid, gid) => Some((uid, gid)),
        Owner::Keep => crate::platform::owner_of(path),
    };
    if let Some((uid, gid)) = wanted {
        crate::platform::set_owner(tmp.as_file(), uid, gid).map_err(io_err(path))?;
    }
    tmp.as_file().sync_all().map_err(io_err(path))?;
    match overwrite {
        Overwrite::Never => tmp.persist_noclobber(path).map_err(|e| {
            if e.error.kind() == std::io::ErrorKind::AlreadyExists {
                FsError::Exists(path.to_path_buf())
            } else {
                FsError::Io {
                    path: path.to_path_buf(),
                    source: e.error,
                }
            }
        })?,
        Overwrite::Replace => tmp.persist(path).map_err(|e| FsError::Io {
            path: path.to_path_buf(),
            source: e.error,
        })?,
    };
    // Make the rename itself durable.
    if let Ok(d) = fs::File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

/// SHA-256 of some bytes, in hex: the checksums kept of written files
/// (rendered files, the trust ledger) and content digests.
pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest as _;
    hex::encode(sha2::Sha256::digest(bytes))
}

/// `p` made absolute against the current directory (paths that end up in
/// generated files and in a detached process must not depend on it).
pub(crate) fn absolute(p: &Path) -> PathBuf {
    if p.is_absolute() {
        p.to_path_buf()
    } else {
        std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf())
    }
}

/// Reads a file, naming it in the error (never a bare `os error 2`).
pub(crate) fn read(path: &Path) -> Result<Vec<u8>, ReadError> {
    fs::read(path).map_err(|source| ReadError::Io {
        path: path.to_path_buf(),
        source,
    })
}

/// Reads a file as UTF-8 text, naming it in the error.
pub(crate) fn read_to_string(path: &Path) -> Result<String, ReadError> {
    String::from_utf8(read(path)?).map_err(|_| ReadError::NotText(path.to_path_buf()))
}

/// Why a file could not be read.
#[derive(Debug, thiserror::Error)]
pub(crate) enum ReadError {
    #[error("cannot read {}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{} is not a text file", .0.display())]
    NotText(PathBuf),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn never_overwrite_keeps_existing_content() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("a/b/key");
        write_atomic(&p, b"one", MODE_SECRET, Overwrite::Never).unwrap();
        let err = write_atomic(&p, b"two", MODE_SECRET, Overwrite::Never).unwrap_err();
        assert!(matches!(err, FsError::Exists(_)));
        assert_eq!(fs::read(&p).unwrap(), b"one");
        assert_eq!(
            fs::metadata(&p).unwrap().permissions().mode() & 0o777,
            0o600
        );
        write_atomic(&p, b"two", MODE_PUBLIC, Overwrite::Replace).unwrap();
        assert_eq!(fs::read(&p).unwrap(), b"two");
        assert_eq!(
            fs::metadata(&p).unwrap().permissions().mode() & 0o777,
            0o644
        );
        // No temporary files left behind.
        let names: Vec<_> = fs::read_dir(p.parent().unwrap()).unwrap().collect();
        assert_eq!(names.len(), 1);
    }
}
