//! Calls into the operating system, one file per concern. Each has the
//! Linux implementation regctl is built and tested with and a portable
//! fallback for other Unix systems (macOS), so a Linux-only call never sits
//! in the middle of registry or command code.
//!
//! Only Linux x86_64 is built and tested here; the fallbacks are written
//! for macOS but not compiled on it (see the README's "Platforms").

mod filesystem;
#[allow(unsafe_code)]
mod memory;
mod ownership;
mod process;
#[allow(unsafe_code)]
mod residency;

pub(crate) use filesystem::{is_local_filesystem, read_ahead};
pub(crate) use memory::{keep_request_buffers, release_startup_memory};
pub(crate) use ownership::{chown_path, owner_of, set_owner, uid_of_user};
pub(crate) use process::{
    Signal, is_root, process_is_serve, raise_fd_limit, restore_cursor_on_interrupt, send_signal,
};
pub(crate) use residency::page_resident;

#[cfg(not(unix))]
compile_error!("regctl builds for Unix systems (Linux, macOS); see the README's Platforms section");
