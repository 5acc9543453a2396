//! Processes: who we run as, signalling the detached registry, recognising
//! it by its command line, and the file descriptor limit.

/// Signals regctl sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Signal {
    /// Stop after draining connections.
    Term,
    /// Reload certificates and users.
    Hup,
}

/// Whether this process runs as root (it can write system trust stores and
/// hand files to other users).
pub(crate) fn is_root() -> bool {
    rustix::process::geteuid().is_root()
}

/// Sends `signal` to `pid`.
pub(crate) fn send_signal(pid: i32, signal: Signal) -> Result<(), String> {
    let p = rustix::process::Pid::from_raw(pid).ok_or_else(|| "invalid pid".to_string())?;
    let s = match signal {
        Signal::Term => rustix::process::Signal::TERM,
        Signal::Hup => rustix::process::Signal::HUP,
    };
    rustix::process::kill_process(p, s).map_err(|e| e.to_string())
}

/// Whether `pid` is a live (not zombie) `regctl serve`: the command line
/// is checked so a recycled pid is not mistaken for the registry.
#[cfg(target_os = "linux")]
pub(crate) fn process_is_serve(pid: i32) -> bool {
    let cmdline = std::fs::read(format!("/proc/{pid}/cmdline")).unwrap_or_default();
    let is_serve = cmdline.split(|b| *b == 0).any(|a| a == b"serve");
    let zombie = std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .ok()
        .and_then(|s| s.rsplit_once(") ").map(|(_, rest)| rest.starts_with('Z')))
        .unwrap_or(true);
    is_serve && !zombie
}

/// Elsewhere there is no /proc: `ps` tells the command line.
#[cfg(not(target_os = "linux"))]
pub(crate) fn process_is_serve(pid: i32) -> bool {
    std::process::Command::new("ps")
        .args(["-o", "stat=,command=", "-p", &pid.to_string()])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
        .is_some_and(|line| {
            !line.trim_start().starts_with('Z') && line.split_whitespace().any(|w| w == "serve")
        })
}

/// Raises the soft limit on open files to the hard limit, so idle or slow
/// clients cannot use up a low default (often 1024) while the machine
/// allows far more. Returns the limit in force afterwards.
pub(crate) fn raise_fd_limit() -> Option<u64> {
    use rustix::process::{Resource, getrlimit, setrlimit};
    let mut limit = getrlimit(Resource::Nofile);
    if let Some(hard) = limit.maximum
        && limit.current.is_some_and(|soft| soft < hard)
    {
        limit.current = Some(hard);
        let _ = setrlimit(Resource::Nofile, limit);
    }
    getrlimit(Resource::Nofile).current
}

/// Shows the terminal's cursor again if the person presses Ctrl-C while a
/// selection menu has hidden it, then ends with the usual 130. Only
/// async-signal-safe calls run in the handler (write and _exit).
#[allow(unsafe_code)]
pub(crate) fn restore_cursor_on_interrupt() {
    extern "C" fn on_interrupt(_: libc::c_int) {
        const SHOW_CURSOR: &[u8] = b"\x1b[?25h\n";
        // SAFETY: write(2) and _exit(2) are async-signal-safe; the buffer
        // is a static.
        unsafe {
            libc::write(2, SHOW_CURSOR.as_ptr().cast(), SHOW_CURSOR.len());
            libc::_exit(130);
        }
    }
    // SAFETY: installs a handler that only calls async-signal-safe
    // functions; the sigaction struct is fully initialised.
    unsafe {
        let mut action: libc::sigaction = std::mem::zeroed();
        action.sa_sigaction = on_interrupt as extern "C" fn(libc::c_int) as usize;
        libc::sigemptyset(&mut action.sa_mask);
        libc::sigaction(libc::SIGINT, &action, std::ptr::null_mut());
    }
}
