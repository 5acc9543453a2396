//! `regctl start|stop|restart|status|logs`, for whatever runs the registry.

use std::path::Path;
use std::process::ExitCode;

use crate::cli::{JsonArgs, LogsArgs};
use crate::layout::RegistryDir;
use crate::lifecycle::Runner;
use crate::ui::outln;

fn open(dir: &Path) -> anyhow::Result<(RegistryDir, crate::setup::Setup, Runner)> {
    let (layout, setup) = RegistryDir::open(dir)?;
    let runner = Runner::for_registry(&layout, &setup)?;
    Ok((layout, setup, runner))
}

pub(super) fn start(dir: &Path) -> anyhow::Result<ExitCode> {
    let (layout, setup, runner) = open(dir)?;
    outln!("{}", runner.start(&layout, &setup)?);
    Ok(ExitCode::SUCCESS)
}

pub(super) fn stop(dir: &Path) -> anyhow::Result<ExitCode> {
    let (_, _, runner) = open(dir)?;
    outln!("{}", runner.stop()?);
    Ok(ExitCode::SUCCESS)
}

pub(super) fn restart(dir: &Path) -> anyhow::Result<ExitCode> {
    let (layout, setup, runner) = open(dir)?;
    outln!("{}", runner.restart(&layout, &setup)?);
    Ok(ExitCode::SUCCESS)
}

/// Exit 0 when running, 3 when not (as `systemctl status` does).
pub(super) fn status(dir: &Path, args: JsonArgs) -> anyhow::Result<ExitCode> {
    let (layout, setup, runner) = open(dir)?;
    let status = runner.status(&layout, &setup);
    if args.json {
        crate::ui::json(&status)?;
    } else {
        outln!("{} ({}): {}", status.url, status.manager, status.detail);
        if let Some(code) = status.answers {
            outln!("{}/v2/ answers {code}", status.url);
        } else if status.running {
            outln!("{}/v2/ does not answer on this machine", status.url);
        }
        if let Some(log) = &status.log {
            outln!("log: {}", log.display());
        }
    }
    Ok(if status.running {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(3)
    })
}

pub(super) fn logs(dir: &Path, args: &LogsArgs) -> anyhow::Result<ExitCode> {
    let (_, _, runner) = open(dir)?;
    runner.logs(args.lines, args.follow)?;
    Ok(ExitCode::SUCCESS)
}
