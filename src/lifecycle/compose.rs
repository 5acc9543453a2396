//! The compose project in the registry directory: `docker compose` (or the
//! older `docker-compose`) run there, so the project is the one `init`
//! brought up.

use std::path::{Path, PathBuf};

use super::{LifecycleError, run_tool, stream_tool};

/// The command that runs compose here: the `docker compose` plugin, else
/// the standalone `docker-compose`.
pub(crate) fn compose_tool() -> Option<Vec<String>> {
    let plugin = std::process::Command::new("docker")
        .args(["compose", "version"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if plugin {
        return Some(vec!["docker".into(), "compose".into()]);
    }
    which::which("docker-compose")
        .ok()
        .map(|_| vec!["docker-compose".into()])
}

pub(crate) struct Compose {
    tool: Vec<String>,
    dir: PathBuf,
}

impl Compose {
    pub(super) fn new(dir: &Path) -> Result<Compose, LifecycleError> {
        Ok(Compose {
            tool: compose_tool().ok_or(LifecycleError::NoCompose)?,
            dir: dir.to_path_buf(),
        })
    }

    fn run(&self, args: &[&str]) -> Result<String, LifecycleError> {
        let mut argv = self.tool.clone();
        argv.extend(args.iter().map(|a| a.to_string()));
        run_tool(&argv, &self.dir)
    }

    /// The registry service's container id, when the project has one.
    fn container(&self) -> Option<String> {
        self.run(&["ps", "-q", "registry"])
            .ok()
            .and_then(|out| out.lines().next().map(str::trim).map(String::from))
            .filter(|id| !id.is_empty())
    }

    pub(super) fn start(&self) -> Result<(), LifecycleError> {
        // `up -d` creates the container when there is none (after `down`)
        // and starts a stopped one.
        self.run(&["up", "-d"]).map(|_| ())
    }

    pub(super) fn stop(&self) -> Result<(), LifecycleError> {
        self.run(&["stop"]).map(|_| ())
    }

    pub(super) fn restart(&self) -> Result<(), LifecycleError> {
        self.run(&["restart"]).map(|_| ())
    }

    pub(super) fn signal(&self, signal: &str) -> Result<(), LifecycleError> {
        match self.container() {
            Some(id) => run_tool(
                &[
                    "docker".into(),
                    "kill".into(),
                    format!("--signal={signal}"),
                    id,
                ],
                &self.dir,
            )
            .map(|_| ()),
            None => Ok(()),
        }
    }

    /// Running or not, the container's process id on this host, and what
    /// Docker says (state and health).
    pub(super) fn state(&self) -> (bool, Option<i32>, String) {
        let Some(id) = self.container() else {
            return (
                false,
                None,
                "not running (the compose project has no container)".into(),
            );
        };
        let inspect = run_tool(
            &[
                "docker".into(),
                "inspect".into(),
                "-f".into(),
                "{{.State.Status}} {{.State.Pid}} {{if .State.Health}}{{.State.Health.Status}}{{end}}".into(),
                id.clone(),
            ],
            &self.dir,
        );
        match inspect {
            Ok(text) => {
                let mut f = text.split_whitespace();
                let state = f.next().unwrap_or("unknown").to_string();
                let pid = f
                    .next()
                    .and_then(|p| p.parse::<i32>().ok())
                    .filter(|p| *p > 0);
                let health = f.next().map(|h| format!(", {h}")).unwrap_or_default();
                let short = &id[..id.len().min(12)];
                (
                    state == "running",
                    pid,
                    format!("container {short}: {state}{health}"),
                )
            }
            Err(e) => (false, None, format!("cannot inspect container {id}: {e}")),
        }
    }

    pub(super) fn logs(&self, lines: usize, follow: bool) -> Result<(), LifecycleError> {
        let mut argv = self.tool.clone();
        argv.extend([
            "logs".into(),
            "--no-color".into(),
            format!("--tail={lines}"),
        ]);
        if follow {
            argv.push("--follow".into());
        }
        argv.push("registry".into());
        stream_tool(&argv, &self.dir)
    }
}
