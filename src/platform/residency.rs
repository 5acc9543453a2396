//! Is a page of a file mapping in the page cache? The registry asks before
//! handing a mapped window to a socket, so a cold window is read ahead on
//! the blocking pool instead of faulting page by page on an async worker.

/// Whether the page holding byte `offset` of `map` is resident. `offset`
/// past the end is clamped to the last byte; an empty map is resident.
#[cfg(target_os = "linux")]
pub(crate) fn page_resident(map: &memmap2::Mmap, offset: usize) -> bool {
    if map.is_empty() {
        return true;
    }
    let page = rustix::param::page_size();
    let at = map.as_ptr() as usize + offset.min(map.len() - 1);
    let start = at - at % page;
    let mut state = 0u8;
    // SAFETY: `start` is the first byte of a page that holds a byte of the
    // live mapping `map` (memmap2 maps from the page boundary below the
    // requested offset), and mincore(2) writes one byte for one page into
    // `state`. Linux declares the vector as `unsigned char *`.
    let rc = unsafe { libc::mincore(start as *mut libc::c_void, 1, &mut state) };
    rc == 0 && state & 1 == 1
}

/// macOS has mincore(2) with a `char *` vector; other systems are treated
/// as always resident (the socket write then reads what is missing).
#[cfg(target_os = "macos")]
pub(crate) fn page_resident(map: &memmap2::Mmap, offset: usize) -> bool {
    if map.is_empty() {
        return true;
    }
    let page = rustix::param::page_size();
    let at = map.as_ptr() as usize + offset.min(map.len() - 1);
    let start = at - at % page;
    let mut state: libc::c_char = 0;
    // SAFETY: as on Linux; the vector is one `char` for one page.
    let rc = unsafe { libc::mincore(start as *const libc::c_void, 1, &mut state) };
    rc == 0 && state & 1 == 1
}

#[cfg(not(any(target_os = "linux", target_os = "macos")))]
pub(crate) fn page_resident(_map: &memmap2::Mmap, _offset: usize) -> bool {
    true
}
