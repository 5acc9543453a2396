//! Starting the registry and proving it works: the plan's last steps.

use std::path::Path;
use std::time::Duration;

use anyhow::{Context, bail};

use super::{ApplyContext, Report};
use crate::client::block_on;
use crate::fsutil::{self, MODE_PUBLIC, Overwrite};
use crate::lifecycle::detached::{Detached, State};
use crate::lifecycle::{self, UNIT, UNIT_PATH};
use crate::selftest;
use crate::setup::Target;
use crate::ui::{self, outln};

pub(super) fn detached(ctx: &ApplyContext<'_>, restart: bool) -> anyhow::Result<()> {
    let svc = Detached::new(ctx.layout.root());
    if restart && let Some(pid) = svc.stop(Duration::from_secs(15))? {
        outln!("  stopped the running registry (pid {pid})");
    }
    std::fs::create_dir_all(ctx.layout.data(ctx.setup))?;
    let pid = svc.start(ctx.exe, &ctx.layout.config())?;
    outln!(
        "  regctl serve runs as pid {pid}; log: {}",
        svc.log_file().display()
    );
    Ok(())
}

pub(super) fn systemd(ctx: &ApplyContext<'_>, restart: bool) -> anyhow::Result<()> {
    let binary = Path::new(&ctx.setup.systemd.binary);
    let same = std::fs::canonicalize(binary).ok() == std::fs::canonicalize(ctx.exe).ok();
    if !same {
        let bytes = std::fs::read(ctx.exe).context("cannot read the regctl binary")?;
        fsutil::write_atomic(binary, &bytes, 0o755, Overwrite::Replace)
            .with_context(|| format!("cannot install regctl as {}", binary.display()))?;
    }
    let unit = fsutil::read(&ctx.layout.root().join(UNIT))?;
    fsutil::write_atomic(Path::new(UNIT_PATH), &unit, MODE_PUBLIC, Overwrite::Replace)?;
    let run = |args: &[&str]| {
        let mut argv = vec!["systemctl".to_string()];
        argv.extend(args.iter().map(|a| a.to_string()));
        lifecycle::run_tool(&argv, ctx.layout.root())
    };
    run(&["daemon-reload"])?;
    std::fs::create_dir_all(ctx.layout.data(ctx.setup))?;
    if restart {
        run(&["restart", UNIT])?;
    } else {
        run(&["enable", "--now", UNIT])?;
    }
    Ok(())
}

/// Hands what the container reads (config, key, users, data) to its
/// non-root user.
pub(super) fn chown_for_container(ctx: &ApplyContext<'_>, uid: u32) -> anyhow::Result<()> {
    let layout = ctx.layout;
    let data = layout.data(ctx.setup);
    std::fs::create_dir_all(&data)?;
    let mut paths = vec![layout.config(), layout.htpasswd(), layout.server_key()];
    let mut stack = vec![data];
    while let Some(p) = stack.pop() {
        if p.is_dir() {
            for entry in std::fs::read_dir(&p)? {
                stack.push(entry?.path());
            }
        }
        paths.push(p);
    }
    for p in paths.iter().filter(|p| p.exists()) {
        crate::platform::chown_path(p, uid, uid)
            .with_context(|| format!("cannot hand {} to uid {uid}", p.display()))?;
    }
    Ok(())
}

pub(super) fn wait_healthy(ctx: &ApplyContext<'_>) -> anyhow::Result<()> {
    let detached = Detached::new(ctx.layout.root());
    let local_detached = ctx.setup.target == Target::Local && !lifecycle::systemd_running();
    let alive = || !local_detached || matches!(detached.state(), State::Running(_));
    match lifecycle::wait_healthy(ctx.layout, ctx.setup, Duration::from_secs(60), alive) {
        Ok(_) => Ok(()),
        Err(_) if local_detached && !matches!(detached.state(), State::Running(_)) => {
            let _ = std::fs::remove_file(detached.pid_file());
            bail!(
                "regctl serve exited; the end of {}:\n{}",
                detached.log_file().display(),
                detached.tail(15).unwrap_or_default()
            )
        }
        Err(why) => bail!(why),
    }
}

fn print_step(p: &selftest::Passed) {
    outln!(
        "    ok  {:<26} {:>8}{}",
        p.step,
        ui::duration(p.elapsed),
        p.note
            .as_deref()
            .map(|n| format!("  ({n})"))
            .unwrap_or_default()
    );
}

pub(super) fn self_test(ctx: &ApplyContext<'_>, report: &mut Report) -> anyhow::Result<()> {
    let anonymous = lifecycle::local_client(ctx.setup, ctx.layout)?;
    let auth = ctx.layout.htpasswd().exists();
    let client = match &ctx.self_test_login {
        Some((user, pw)) => anonymous.clone().with_basic_auth(user, pw),
        None if auth => {
            report.login_skipped = true;
            // Without a known password only the anonymous part can run.
            let passed = block_on(selftest::check_challenge(&anonymous, true, &mut print_step))??;
            report.self_test.extend(passed);
            return Ok(());
        }
        None => anonymous.clone(),
    };
    let passed = block_on(selftest::run(&client, &anonymous, auth, print_step))??;
    report.self_test = passed;
    forget_selftest_repository(ctx);
    Ok(())
}

/// The self-test deletes what it pushed through the API, which leaves the
/// repository's empty directory (and so a `_catalog` entry) behind; on
/// storage regctl can see, that directory goes too once it holds nothing.
fn forget_selftest_repository(ctx: &ApplyContext<'_>) {
    let repo = ctx
        .layout
        .data(ctx.setup)
        .join("docker/registry/v2/repositories")
        .join(selftest::REPOSITORY);
    let revisions = repo.join("_manifests/revisions/sha256");
    let empty = std::fs::read_dir(&revisions).map_or(true, |mut d| d.next().is_none());
    if empty {
        let _ = std::fs::remove_dir_all(&repo);
    }
}
