//! The `regctl-registry` systemd unit: restarts, boot start and the journal
//! come from systemd itself.

use std::path::Path;

use super::LifecycleError;

/// The systemd unit's name (and the rendered file's).
pub(crate) const UNIT: &str = "regctl-registry.service";
/// Where the unit is installed.
pub(crate) const UNIT_PATH: &str = "/etc/systemd/system/regctl-registry.service";

/// Whether systemd runs this machine.
pub(crate) fn systemd_running() -> bool {
    which::which("systemctl").is_ok() && Path::new("/run/systemd/system").is_dir()
}

/// Whether the registry runs under systemd here (the unit is installed).
pub(super) fn installed() -> bool {
    systemd_running() && Path::new(UNIT_PATH).exists()
}

pub(super) fn systemctl(args: &[&str]) -> Result<(), LifecycleError> {
    let mut argv = vec!["systemctl".to_string()];
    argv.extend(args.iter().map(|a| a.to_string()));
    super::run_tool(&argv, Path::new("/")).map(|_| ())
}

/// Running or not, with systemd's own one-line state.
pub(super) fn state() -> (bool, String) {
    let out = std::process::Command::new("systemctl")
        .args([
            "show",
            UNIT,
            "--property=ActiveState,SubState,MainPID",
            "--value",
        ])
        .output();
    let text = out
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
        .unwrap_or_default();
    let fields: Vec<&str> = text.lines().collect();
    let active = fields.first().copied().unwrap_or("unknown");
    let sub = fields.get(1).copied().unwrap_or("");
    let pid = fields.get(2).copied().unwrap_or("0");
    (
        active == "active",
        format!("{UNIT}: {active} ({sub}), main pid {pid}"),
    )
}

pub(super) fn logs(lines: usize, follow: bool) -> Result<(), LifecycleError> {
    let mut argv: Vec<String> = [
        "journalctl",
        "-u",
        UNIT,
        "-n",
        &lines.to_string(),
        "--no-pager",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    if follow {
        argv.push("-f".into());
    }
    super::stream_tool(&argv, Path::new("/"))
}
