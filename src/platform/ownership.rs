//! File ownership: keeping a file readable by the user a registry runs as
//! (a container's non-root user, a systemd `User=`) when regctl, often as
//! root, rewrites it.

use std::fs::File;
use std::os::unix::fs::MetadataExt;
use std::path::Path;

/// The uid and gid that own `path`, if it exists.
pub(crate) fn owner_of(path: &Path) -> Option<(u32, u32)> {
    std::fs::metadata(path).ok().map(|m| (m.uid(), m.gid()))
}

/// Gives an open file to `uid`:`gid`; a no-op when it already has them
/// (so an unprivileged writer keeping its own file never fails).
pub(crate) fn set_owner(file: &File, uid: u32, gid: u32) -> std::io::Result<()> {
    let m = file.metadata()?;
    if (m.uid(), m.gid()) == (uid, gid) {
        return Ok(());
    }
    std::os::unix::fs::fchown(file, Some(uid), Some(gid))
}

/// Gives a path (not following a symlink) to `uid`:`gid`.
pub(crate) fn chown_path(path: &Path, uid: u32, gid: u32) -> std::io::Result<()> {
    std::os::unix::fs::lchown(path, Some(uid), Some(gid))
}

/// The uid and primary gid of a local user, from /etc/passwd (the systemd
/// unit's `User=`); `None` when there is no such user.
pub(crate) fn uid_of_user(name: &str) -> Option<(u32, u32)> {
    let passwd = std::fs::read_to_string("/etc/passwd").ok()?;
    passwd.lines().find_map(|line| {
        let mut f = line.split(':');
        if f.next()? != name {
            return None;
        }
        let _password = f.next()?;
        Some((f.next()?.parse().ok()?, f.next()?.parse().ok()?))
    })
}
