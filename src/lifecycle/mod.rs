//! Keeping the registry running, per target: `start`, `stop`, `restart`,
//! `status` and `logs` act on whatever regctl.yaml says runs it, the
//! background `regctl serve`, the systemd unit, the compose project or the
//! Kubernetes Deployment, so the same five commands work everywhere.

mod compose;
pub(crate) mod detached;
mod kubernetes;
mod systemd;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde::Serialize;

use crate::client::{self, Client};
use crate::layout::RegistryDir;
use crate::setup::{Engine, Setup, Target, TlsMode};
pub(crate) use compose::compose_tool;
use detached::{Detached, State};
pub(crate) use systemd::{UNIT, UNIT_PATH, systemd_running};

/// Why a lifecycle action failed.
#[derive(Debug, thiserror::Error)]
pub(crate) enum LifecycleError {
    #[error(transparent)]
    Service(#[from] detached::ServiceError),
    #[error("`{command}` failed: {message}")]
    Command { command: String, message: String },
    #[error("cannot run `{command}` (is {tool} installed?)")]
    Spawn {
        command: String,
        tool: String,
        #[source]
        source: std::io::Error,
    },
    #[error(
        "neither `docker compose` nor `docker-compose` is installed, and regctl.yaml says target: compose; install Docker Compose"
    )]
    NoCompose,
    #[error("{} does not exist: run `regctl init --dir {}` first", path.display(), dir.display())]
    NoConfig { path: PathBuf, dir: PathBuf },
    #[error("regctl serve exited at once; the end of {}:\n{tail}", log.display())]
    ExitedAtOnce { log: PathBuf, tail: String },
    #[error(transparent)]
    Kube(#[from] crate::kube::KubeError),
}

/// How the registry of a directory is run.
pub(crate) enum Runner {
    /// `regctl serve` in the background.
    Detached(Detached),
    /// The `regctl-registry` systemd unit.
    Systemd,
    /// The compose project in the registry directory.
    Compose(compose::Compose),
    /// The Deployment in the cluster.
    Kubernetes(kubernetes::Cluster),
}

/// What `status` found.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Status {
    /// `local`, `compose` or `kubernetes`.
    pub target: Target,
    /// What keeps it running: `background process`, `systemd`, `compose`, `kubernetes`.
    pub manager: &'static str,
    pub running: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pid: Option<i32>,
    /// The address clients use.
    pub url: String,
    /// What `/v2/` answered (200 or 401 when healthy), when it was asked.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub answers: Option<u16>,
    /// One line on what was found.
    pub detail: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub log: Option<PathBuf>,
}

impl Runner {
    /// The runner regctl.yaml describes.
    pub(crate) fn for_registry(
        layout: &RegistryDir,
        setup: &Setup,
    ) -> Result<Runner, LifecycleError> {
        Ok(match setup.target {
            Target::Local if systemd::installed() => Runner::Systemd,
            Target::Local => Runner::Detached(Detached::new(layout.root())),
            Target::Compose => Runner::Compose(compose::Compose::new(layout.root())?),
            Target::Kubernetes => Runner::Kubernetes(kubernetes::Cluster::new(setup)),
        })
    }

    fn manager(&self) -> &'static str {
        match self {
            Runner::Detached(_) => "background process",
            Runner::Systemd => "systemd",
            Runner::Compose(_) => "compose",
            Runner::Kubernetes(_) => "kubernetes",
        }
    }

    /// Starts the registry (a no-op when it runs) and waits until `/v2/`
    /// answers; returns a line for the person.
    pub(crate) fn start(
        &self,
        layout: &RegistryDir,
        setup: &Setup,
    ) -> Result<String, LifecycleError> {
        match self {
            Runner::Detached(svc) => start_detached(svc, layout, setup),
            Runner::Systemd => {
                systemd::systemctl(&["start", UNIT]).map(|()| "started (systemd)".into())
            }
            Runner::Compose(c) => c
                .start()
                .map(|()| format!("started the compose project in {}", layout.root().display())),
            Runner::Kubernetes(k) => k.start(),
        }
    }

    /// Stops the registry; a no-op when it is not running.
    pub(crate) fn stop(&self) -> Result<String, LifecycleError> {
        match self {
            Runner::Detached(svc) => Ok(match svc.stop(Duration::from_secs(15))? {
                Some(pid) => format!("stopped (pid {pid})"),
                None => "not running".into(),
            }),
            Runner::Systemd => {
                systemd::systemctl(&["stop", UNIT]).map(|()| "stopped (systemd)".into())
            }
            Runner::Compose(c) => c.stop().map(|()| "stopped the compose project".into()),
            Runner::Kubernetes(k) => k.stop(),
        }
    }

    /// Stops and starts again (a rolling restart on Kubernetes).
    pub(crate) fn restart(
        &self,
        layout: &RegistryDir,
        setup: &Setup,
    ) -> Result<String, LifecycleError> {
        match self {
            Runner::Detached(svc) => {
                let stopped = svc.stop(Duration::from_secs(15))?;
                let started = start_detached(svc, layout, setup)?;
                Ok(match stopped {
                    Some(pid) => format!("stopped pid {pid}; {started}"),
                    None => started,
                })
            }
            Runner::Systemd => {
                systemd::systemctl(&["restart", UNIT]).map(|()| "restarted (systemd)".into())
            }
            Runner::Compose(c) => c.restart().map(|()| "restarted the compose project".into()),
            Runner::Kubernetes(k) => k.restart(),
        }
    }

    /// Asks a running registry to reload its certificate and users, where
    /// that needs a nudge; `regctl serve` also notices changed files by itself.
    pub(crate) fn reload(&self) -> Result<(), LifecycleError> {
        match self {
            Runner::Detached(svc) => svc.reload().map(|_| ()).map_err(Into::into),
            Runner::Systemd => systemd::systemctl(&["kill", "--signal=HUP", UNIT]),
            Runner::Compose(c) => c.signal("HUP"),
            Runner::Kubernetes(_) => Ok(()),
        }
    }

    /// What runs, and whether `/v2/` answers.
    pub(crate) fn status(&self, layout: &RegistryDir, setup: &Setup) -> Status {
        let mut status = Status {
            target: setup.target,
            manager: self.manager(),
            running: false,
            pid: None,
            url: format!("{}://{}", setup.scheme(), setup.registry_host()),
            answers: None,
            detail: String::new(),
            log: None,
        };
        match self {
            Runner::Detached(svc) => {
                status.log = Some(svc.log_file());
                match svc.state() {
                    State::Running(pid) => {
                        status.running = true;
                        status.pid = Some(pid);
                        status.detail = format!("running (pid {pid})");
                    }
                    State::Stale(pid) => {
                        status.detail = format!(
                            "not running (the pid file names {pid}, which is gone); the end of the log:\n{}",
                            svc.tail(10).unwrap_or_default()
                        );
                    }
                    State::Stopped => status.detail = "not running".into(),
                }
            }
            Runner::Systemd => {
                let (running, detail) = systemd::state();
                status.running = running;
                status.detail = detail;
            }
            Runner::Compose(c) => {
                let (running, pid, detail) = c.state();
                status.running = running;
                status.pid = pid;
                status.detail = detail;
            }
            Runner::Kubernetes(k) => {
                let (running, detail) = k.state();
                status.running = running;
                status.detail = detail;
                return status;
            }
        }
        if status.running {
            status.answers = health(layout, setup).ok();
        }
        status
    }

    /// Prints the last `lines` lines of the log, and with `follow` keeps
    /// printing until interrupted or stdout closes.
    pub(crate) fn logs(&self, lines: usize, follow: bool) -> Result<(), LifecycleError> {
        match self {
            Runner::Detached(svc) => detached_logs(svc, lines, follow),
            Runner::Systemd => systemd::logs(lines, follow),
            Runner::Compose(c) => c.logs(lines, follow),
            Runner::Kubernetes(k) => k.logs(lines, follow),
        }
    }
}

/// Who the registry process runs as, when regctl must hand it the files it
/// reads (htpasswd, the server key): the bundled image's non-root user for
/// compose, the unit's `User=` under systemd. `None`: whoever writes them.
pub(crate) fn registry_owner(setup: &Setup) -> Option<(u32, u32)> {
    match setup.target {
        Target::Compose if setup.engine == Engine::Bundled => {
            Some((crate::image::UID, crate::image::UID))
        }
        Target::Local => setup
            .systemd
            .user
            .as_deref()
            .and_then(crate::platform::uid_of_user),
        _ => None,
    }
}

/// The client that checks the local registry: it dials this machine but
/// verifies the certificate for the name clients use.
pub(crate) fn local_client(
    setup: &Setup,
    layout: &RegistryDir,
) -> Result<Client, client::ClientError> {
    let tls = match setup.tls {
        TlsMode::None => None,
        _ => Some(client::tls_config(&layout.ca_cert())?),
    };
    let name = setup
        .hosts
        .first()
        .cloned()
        .unwrap_or_else(|| "localhost".into());
    Ok(Client::new(
        format!("127.0.0.1:{}", setup.port),
        name,
        setup.port,
        tls,
    ))
}

/// What `GET /v2/` answers on this machine.
pub(crate) fn health(layout: &RegistryDir, setup: &Setup) -> Result<u16, String> {
    let c = local_client(setup, layout).map_err(|e| e.to_string())?;
    match client::block_on(c.send("GET", "/v2/", &[], bytes::Bytes::new())) {
        Ok(Ok(r)) => Ok(r.status),
        Ok(Err(e)) => Err(e.to_string()),
        Err(e) => Err(e.to_string()),
    }
}

/// Waits up to `timeout` for `/v2/` to answer 200 or 401; `alive` says
/// whether the process is still there (so a crash is reported at once).
pub(crate) fn wait_healthy(
    layout: &RegistryDir,
    setup: &Setup,
    timeout: Duration,
    mut alive: impl FnMut() -> bool,
) -> Result<u16, String> {
    let deadline = Instant::now() + timeout;
    loop {
        match health(layout, setup) {
            Ok(code @ (200 | 401)) => return Ok(code),
            Ok(code) => return Err(format!("/v2/ answered {code} instead of 200 or 401")),
            Err(e) => {
                if !alive() {
                    return Err("the registry process exited".into());
                }
                if Instant::now() > deadline {
                    return Err(format!(
                        "the registry did not answer on /v2/ within {timeout:?}: {e}"
                    ));
                }
                std::thread::sleep(Duration::from_millis(100));
            }
        }
    }
}

fn start_detached(
    svc: &Detached,
    layout: &RegistryDir,
    setup: &Setup,
) -> Result<String, LifecycleError> {
    if let State::Running(pid) = svc.state() {
        return Ok(format!("already running (pid {pid})"));
    }
    if !layout.config().exists() {
        return Err(LifecycleError::NoConfig {
            path: layout.config(),
            dir: layout.root().to_path_buf(),
        });
    }
    std::fs::create_dir_all(layout.data(setup)).map_err(|source| LifecycleError::Spawn {
        command: format!("mkdir {}", layout.data(setup).display()),
        tool: "a writable directory".into(),
        source,
    })?;
    let exe = std::env::current_exe().map_err(|source| LifecycleError::Spawn {
        command: "regctl serve".into(),
        tool: "regctl".into(),
        source,
    })?;
    let pid = svc.start(&exe, &layout.config())?;
    let alive = || matches!(svc.state(), State::Running(_));
    match wait_healthy(layout, setup, Duration::from_secs(20), alive) {
        Ok(code) => Ok(format!("started (pid {pid}); /v2/ answers {code}")),
        Err(_) if !matches!(svc.state(), State::Running(_)) => {
            // A registry that died (say, on a busy port) leaves no pid file.
            let _ = std::fs::remove_file(svc.pid_file());
            Err(LifecycleError::ExitedAtOnce {
                log: svc.log_file(),
                tail: svc.tail(15).unwrap_or_default(),
            })
        }
        Err(why) => Ok(format!("started (pid {pid}), but {why}")),
    }
}

fn detached_logs(svc: &Detached, lines: usize, follow: bool) -> Result<(), LifecycleError> {
    let text = svc.tail(lines).map_err(|source| LifecycleError::Spawn {
        command: format!("read {}", svc.log_file().display()),
        tool: "the log file".into(),
        source,
    })?;
    if !text.is_empty() {
        crate::ui::outln!("{text}");
    }
    if follow {
        follow_file(&svc.log_file());
    }
    Ok(())
}

/// `tail -f`: prints what is appended until stdout closes or the process is
/// interrupted.
fn follow_file(path: &Path) {
    use std::io::{Read, Seek, SeekFrom};
    let mut pos = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    while !crate::ui::stdout_closed() {
        std::thread::sleep(Duration::from_millis(250));
        let Ok(mut f) = std::fs::File::open(path) else {
            continue;
        };
        let len = f.metadata().map(|m| m.len()).unwrap_or(0);
        if len < pos {
            pos = 0;
        }
        if len == pos || f.seek(SeekFrom::Start(pos)).is_err() {
            continue;
        }
        let mut buf = Vec::new();
        if f.read_to_end(&mut buf).is_ok() {
            pos += buf.len() as u64;
            crate::ui::out_bytes(&buf);
        }
    }
}

/// Runs a tool and returns its stdout, or a `Command` error with its stderr.
pub(crate) fn run_tool(argv: &[String], cwd: &Path) -> Result<String, LifecycleError> {
    let line = argv.join(" ");
    let out = std::process::Command::new(&argv[0])
        .args(&argv[1..])
        .current_dir(cwd)
        .stdin(std::process::Stdio::null())
        .output()
        .map_err(|source| LifecycleError::Spawn {
            command: line.clone(),
            tool: argv[0].clone(),
            source,
        })?;
    if !out.status.success() {
        return Err(LifecycleError::Command {
            command: line,
            message: String::from_utf8_lossy(&out.stderr).trim().to_string(),
        });
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// Runs a tool with its output going straight to ours (logs).
fn stream_tool(argv: &[String], cwd: &Path) -> Result<(), LifecycleError> {
    let line = argv.join(" ");
    let status = std::process::Command::new(&argv[0])
        .args(&argv[1..])
        .current_dir(cwd)
        .stdin(std::process::Stdio::null())
        .status()
        .map_err(|source| LifecycleError::Spawn {
            command: line.clone(),
            tool: argv[0].clone(),
            source,
        })?;
    if status.success() {
        Ok(())
    } else {
        Err(LifecycleError::Command {
            command: line,
            message: status.to_string(),
        })
    }
}
