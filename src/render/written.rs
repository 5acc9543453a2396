//! Writing rendered files: the checksums of what regctl last wrote
//! (`rendered.sha256`), so a file edited by hand is never overwritten
//! silently.

use std::path::{Path, PathBuf};

use super::{RenderError, Rendered};
use crate::fsutil::{self, MODE_PUBLIC, MODE_SECRET, Overwrite, sha256_hex};
use crate::layout::RegistryDir;

/// What regctl last wrote, per file relative to the registry directory
/// (`rendered.sha256`, `sha256sum` format).
pub(crate) fn read_sums(layout: &RegistryDir) -> std::collections::BTreeMap<PathBuf, String> {
    let text = std::fs::read_to_string(layout.rendered_sums()).unwrap_or_default();
    text.lines()
        .filter_map(|l| l.split_once("  "))
        .map(|(sum, path)| (PathBuf::from(path), sum.to_string()))
        .collect()
}

/// Records the checksums of files just written (relative paths).
pub(crate) fn record_sums<'a>(
    layout: &RegistryDir,
    written: impl IntoIterator<Item = (&'a Path, &'a [u8])>,
) -> Result<(), RenderError> {
    let mut sums = read_sums(layout);
    for (path, bytes) in written {
        sums.insert(path.to_path_buf(), sha256_hex(bytes));
    }
    let text: String = sums
        .iter()
        .map(|(p, s)| format!("{s}  {}\n", p.display()))
        .collect();
    fsutil::write_atomic(
        &layout.rendered_sums(),
        text.as_bytes(),
        MODE_PUBLIC,
        Overwrite::Replace,
    )?;
    Ok(())
}

/// Writes rendered files under `out` (secrets 0600), keeping the owner of
/// a file that exists (a container's user must still read it); returns
/// their paths. Into the registry directory itself, a file that was edited
/// by hand since regctl wrote it is refused unless `force`, so no edit is
/// lost silently; the checksums of what was written are recorded.
pub(crate) fn write_checked(
    layout: &RegistryDir,
    out: &Path,
    files: &[Rendered],
    force: bool,
) -> Result<Vec<PathBuf>, RenderError> {
    let own_dir = out == layout.root();
    if own_dir && !force {
        let sums = read_sums(layout);
        let edited: Vec<String> = files
            .iter()
            .filter(|f| {
                let Ok(old) = std::fs::read(out.join(&f.path)) else {
                    return false;
                };
                old != f.contents.as_bytes()
                    && sums.get(&f.path).is_none_or(|s| *s != sha256_hex(&old))
            })
            .map(|f| f.path.display().to_string())
            .collect();
        if !edited.is_empty() {
            return Err(RenderError::Edited(edited));
        }
    }
    let mut written = Vec::new();
    for f in files {
        let path = out.join(&f.path);
        let mode = if f.secret { MODE_SECRET } else { MODE_PUBLIC };
        fsutil::write_atomic_as(
            &path,
            f.contents.as_bytes(),
            mode,
            Overwrite::Replace,
            fsutil::Owner::Keep,
        )?;
        written.push(path);
    }
    if own_dir {
        record_sums(
            layout,
            files
                .iter()
                .map(|f| (f.path.as_path(), f.contents.as_bytes())),
        )?;
    }
    Ok(written)
}
