//! How the server tunes glibc's allocator: keep freed request buffers for
//! the next request, and give back what start-up no longer needs.
//!
//! Every chunk of an upload passes through a buffer of up to 128 KiB that is
//! filled by the socket on a runtime thread and freed by the writer thread.
//! With glibc's defaults a thread's arena hands such memory back to the
//! kernel as soon as more than 128 KiB is free at its top, so the next chunk
//! takes fresh pages: about 10,000 page faults, each zeroing a page, per
//! 256 MiB pushed (measured with `bench/serve.py`'s workloads). Keeping a
//! few MiB per arena removes them; the cost is that much memory held after a
//! burst of pushes, bounded by the arenas the runtime's threads use.

/// Memory above this much free at the top of an arena goes back to the
/// kernel.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
const TRIM_THRESHOLD: libc::c_int = 4 << 20;

/// Allocations from this size on are mapped on their own. Setting it also
/// stops glibc from moving both thresholds on its own.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
const MMAP_THRESHOLD: libc::c_int = 1 << 20;

/// Call before the runtime's threads start. Elsewhere than glibc this does
/// nothing: other allocators keep their own policies.
pub(crate) fn keep_request_buffers() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only adjusts the allocator's parameters under its own
    // lock; it is called before any other thread exists.
    unsafe {
        libc::mallopt(libc::M_TRIM_THRESHOLD, TRIM_THRESHOLD);
        libc::mallopt(libc::M_MMAP_THRESHOLD, MMAP_THRESHOLD);
    }
}

/// Hands back to the kernel the heap pages start-up freed (the parsed
/// command line and configuration, certificate and htpasswd loading):
/// [`keep_request_buffers`] raises the threshold at which glibc does this
/// by itself, so without this call they would stay resident for the life
/// of the server. Call once the listener is bound, before serving.
pub(crate) fn release_startup_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim takes the allocator's locks itself and only
    // returns free pages; no allocation is invalidated.
    unsafe {
        libc::malloc_trim(0);
    }
}
