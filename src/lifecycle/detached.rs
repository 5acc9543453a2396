//! The bundled registry as a background process: where systemd is not
//! running (containers, WSL, minimal VMs), `regctl serve` runs detached in
//! its own process group, with a pid file and a log file in the registry
//! directory.

use std::fs::OpenOptions;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::fsutil::{self, MODE_PUBLIC, Overwrite};

/// Failures starting or stopping the detached registry.
#[derive(Debug, thiserror::Error)]
pub(crate) enum ServiceError {
    #[error("cannot start {exe}")]
    Spawn {
        exe: String,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot open the log file {}", path.display())]
    Log {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot write the pid file")]
    Write(#[from] fsutil::FsError),
    #[error("the registry (pid {pid}) did not stop within {waited:?} of SIGTERM")]
    StopTimeout { pid: i32, waited: Duration },
    #[error("cannot signal pid {pid}: {message}")]
    Signal { pid: i32, message: String },
}

/// The detached `regctl serve` of one registry directory.
#[derive(Debug, Clone)]
pub(crate) struct Detached {
    dir: PathBuf,
}

/// What `status` found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum State {
    Running(i32),
    /// A pid file for a process that is gone (or is not regctl any more).
    Stale(i32),
    Stopped,
}

impl Detached {
    pub(crate) fn new(dir: &Path) -> Self {
        Detached {
            dir: dir.to_path_buf(),
        }
    }

    pub(crate) fn pid_file(&self) -> PathBuf {
        self.dir.join("regctl-serve.pid")
    }

    pub(crate) fn log_file(&self) -> PathBuf {
        self.dir.join("regctl-serve.log")
    }

    /// Whether the pid file names a live `regctl serve`.
    pub(crate) fn state(&self) -> State {
        let Ok(text) = std::fs::read_to_string(self.pid_file()) else {
            return State::Stopped;
        };
        let Ok(pid) = text.trim().parse::<i32>() else {
            return State::Stale(0);
        };
        if crate::platform::process_is_serve(pid) {
            State::Running(pid)
        } else {
            State::Stale(pid)
        }
    }

    /// Starts `exe serve --config CONFIG` detached: its own process group
    /// (a Ctrl-C in this terminal does not reach it), stdin closed, output
    /// appended to the log file.
    pub(crate) fn start(&self, exe: &Path, config: &Path) -> Result<i32, ServiceError> {
        let log_path = self.log_file();
        let log = OpenOptions::new()
            .create(true)
            .append(true)
            .open(&log_path)
            .map_err(|source| ServiceError::Log {
                path: log_path.clone(),
                source,
            })?;
        let log2 = log.try_clone().map_err(|source| ServiceError::Log {
            path: log_path.clone(),
            source,
        })?;
        let child = Command::new(exe)
            .arg("serve")
            .arg("--config")
            .arg(config)
            .env_remove("REGCTL_DIR")
            .stdin(Stdio::null())
            .stdout(log)
            .stderr(log2)
            .process_group(0)
            .spawn()
            .map_err(|source| ServiceError::Spawn {
                exe: exe.display().to_string(),
                source,
            })?;
        let pid = child.id() as i32;
        fsutil::write_atomic(
            &self.pid_file(),
            format!("{pid}\n").as_bytes(),
            MODE_PUBLIC,
            Overwrite::Replace,
        )?;
        Ok(pid)
    }

    /// Sends SIGTERM and waits for the registry to finish in-flight requests.
    pub(crate) fn stop(&self, wait: Duration) -> Result<Option<i32>, ServiceError> {
        let pid = match self.state() {
            State::Running(pid) => pid,
            State::Stale(_) => {
                let _ = std::fs::remove_file(self.pid_file());
                return Ok(None);
            }
            State::Stopped => return Ok(None),
        };
        crate::platform::send_signal(pid, crate::platform::Signal::Term)
            .map_err(|message| ServiceError::Signal { pid, message })?;
        let started = Instant::now();
        while started.elapsed() < wait {
            if !matches!(self.state(), State::Running(_)) {
                let _ = std::fs::remove_file(self.pid_file());
                return Ok(Some(pid));
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        Err(ServiceError::StopTimeout { pid, waited: wait })
    }

    /// The last `lines` lines of the log (empty when there is no log yet).
    pub(crate) fn tail(&self, lines: usize) -> std::io::Result<String> {
        let text = match std::fs::read(self.log_file()) {
            Ok(b) => String::from_utf8_lossy(&b).into_owned(),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
            Err(e) => return Err(e),
        };
        let all: Vec<&str> = text.lines().collect();
        let from = all.len().saturating_sub(lines);
        Ok(all[from..].join("\n"))
    }

    /// Asks the running registry to reload its certificate and users.
    pub(crate) fn reload(&self) -> Result<Option<i32>, ServiceError> {
        match self.state() {
            State::Running(pid) => {
                crate::platform::send_signal(pid, crate::platform::Signal::Hup)
                    .map_err(|message| ServiceError::Signal { pid, message })?;
                Ok(Some(pid))
            }
            _ => Ok(None),
        }
    }
}
