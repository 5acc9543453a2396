//! `regctl start|stop|status|logs` for the local registry, under systemd
//! when it runs this machine, otherwise the detached `regctl serve`.

use std::path::Path;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};

use super::absolute;
use super::apply::{block_on, local_client};
use crate::cli::LogsArgs;
use crate::layout::RegistryDir;
use crate::service::{self, Detached, State};
use crate::setup::Setup;

fn under_systemd() -> bool {
    service::systemd_running() && Path::new(service::UNIT_PATH).exists()
}

fn systemctl(args: &[&str]) -> anyhow::Result<ExitCode> {
    let status = std::process::Command::new("systemctl")
        .args(args)
        .status()
        .context("running systemctl")?;
    Ok(if status.success() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(3)
    })
}

/// What `/v2/` answers, as one line.
fn health(layout: &RegistryDir) -> String {
    let Ok(setup) = Setup::load(&layout.answers()) else {
        return format!("(no {} to find the port)", layout.answers().display());
    };
    let answer = local_client(&setup, layout).and_then(|c| {
        let url = c.base_url();
        let r = block_on(c.send("GET", "/v2/", &[], bytes::Bytes::new()))?;
        Ok((url, r))
    });
    match answer {
        Ok((url, Ok(r))) => format!("{url}/v2/ answers {}", r.status),
        Ok((url, Err(e))) => format!("{url}/v2/ does not answer: {e}"),
        Err(e) => format!("cannot check /v2/: {e:#}"),
    }
}

pub(super) fn start(dir: &Path) -> anyhow::Result<ExitCode> {
    if under_systemd() {
        return systemctl(&["start", service::UNIT]);
    }
    let layout = RegistryDir::new(absolute(dir)?);
    let svc = Detached::new(layout.root());
    if let State::Running(pid) = svc.state() {
        crate::ui::outln!("already running (pid {pid})");
        return Ok(ExitCode::SUCCESS);
    }
    if !layout.config().exists() {
        bail!(
            "{} does not exist: run `regctl init --dir {}` first",
            layout.config().display(),
            dir.display()
        );
    }
    let exe = std::env::current_exe().context("finding the regctl binary")?;
    let pid = svc.start(&exe, &layout.config())?;
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline {
        match svc.state() {
            State::Running(_) if health(&layout).contains("answers") => break,
            State::Running(_) => std::thread::sleep(Duration::from_millis(100)),
            _ => bail!(
                "regctl serve exited at once; the end of {}:\n{}",
                svc.log_file().display(),
                svc.tail(15).unwrap_or_default()
            ),
        }
    }
    crate::ui::outln!("started (pid {pid}); {}", health(&layout));
    Ok(ExitCode::SUCCESS)
}

pub(super) fn stop(dir: &Path) -> anyhow::Result<ExitCode> {
    if under_systemd() {
        return systemctl(&["stop", service::UNIT]);
    }
    let svc = Detached::new(&absolute(dir)?);
    match svc.stop(Duration::from_secs(15))? {
        Some(pid) => crate::ui::outln!("stopped (pid {pid})"),
        None => crate::ui::outln!("not running"),
    }
    Ok(ExitCode::SUCCESS)
}

/// Exit 0 when running, 3 when not (as `systemctl status` does).
pub(super) fn status(dir: &Path) -> anyhow::Result<ExitCode> {
    if under_systemd() {
        return systemctl(&["status", "--no-pager", service::UNIT]);
    }
    let layout = RegistryDir::new(absolute(dir)?);
    let svc = Detached::new(layout.root());
    match svc.state() {
        State::Running(pid) => {
            crate::ui::outln!("running (pid {pid}); {}", health(&layout));
            crate::ui::outln!("log: {}", svc.log_file().display());
            Ok(ExitCode::SUCCESS)
        }
        State::Stale(pid) => {
            crate::ui::outln!(
                "not running (the pid file names {pid}, which is gone); the end of the log:\n{}",
                svc.tail(10).unwrap_or_default()
            );
            Ok(ExitCode::from(3))
        }
        State::Stopped => {
            crate::ui::outln!("not running");
            Ok(ExitCode::from(3))
        }
    }
}

pub(super) fn logs(dir: &Path, args: &LogsArgs) -> anyhow::Result<ExitCode> {
    if under_systemd() {
        let n = args.lines.to_string();
        let status = std::process::Command::new("journalctl")
            .args(["-u", service::UNIT, "-n", &n, "--no-pager"])
            .status()
            .context("running journalctl")?;
        return Ok(if status.success() {
            ExitCode::SUCCESS
        } else {
            ExitCode::FAILURE
        });
    }
    let svc = Detached::new(&absolute(dir)?);
    let text = svc
        .tail(args.lines)
        .with_context(|| format!("reading {}", svc.log_file().display()))?;
    crate::ui::outln!("{text}");
    Ok(ExitCode::SUCCESS)
}
