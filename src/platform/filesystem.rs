//! What kind of filesystem a file is on, and reading a mapping ahead.

use std::fs::File;

/// Local filesystems, by `statfs` magic: unlinking a file there never
/// invalidates an open mapping of it. Anything else (NFS, SMB, FUSE, Ceph,
/// 9p, ...) is read instead of mapped.
#[cfg(target_os = "linux")]
pub(crate) fn is_local_filesystem(file: &File) -> bool {
    const LOCAL: [u32; 11] = [
        0xEF53,      // ext2/3/4
        0x5846_5342, // xfs
        0x9123_683E, // btrfs
        0x0102_1994, // tmpfs
        0x8584_58F6, // ramfs
        0x794C_7630, // overlayfs
        0x2FC1_2FC1, // zfs
        0xF2F5_2010, // f2fs
        0xCA45_1A4E, // bcachefs
        0x3153_464A, // jfs
        0x5265_4973, // reiserfs
    ];
    rustix::fs::fstatfs(file).is_ok_and(|st| LOCAL.contains(&(st.f_type as u32)))
}

/// macOS names the filesystem type: APFS and HFS+ are local.
#[cfg(target_os = "macos")]
pub(crate) fn is_local_filesystem(file: &File) -> bool {
    rustix::fs::fstatfs(file).is_ok_and(|st| {
        let name: Vec<u8> = st
            .f_fstypename
            .iter()
            .take_while(|c| **c != 0)
            .map(|c| *c as u8)
            .collect();
        matches!(name.as_slice(), b"apfs" | b"hfs")
    })
}

/// Elsewhere nothing is assumed: blobs are read, not mapped.
#[cfg(not(any(target_os = "linux", target_os = "macos")))]
pub(crate) fn is_local_filesystem(_file: &File) -> bool {
    false
}

/// Reads a cold mapping's pages in now, so a socket write does not fault
/// them in one by one on an async worker. Linux populates the page tables
/// too (`MADV_POPULATE_READ`); elsewhere the kernel is only asked to read
/// ahead.
pub(crate) fn read_ahead(map: &memmap2::Mmap) -> std::io::Result<()> {
    let _ = map.advise(memmap2::Advice::WillNeed);
    #[cfg(target_os = "linux")]
    map.advise(memmap2::Advice::PopulateRead)?;
    Ok(())
}
