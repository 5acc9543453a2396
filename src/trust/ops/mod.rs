//! `trust install`, `uninstall` and `status` as plan-then-execute, like
//! `init`: the planner looks at what is on disk (and what a store's tool
//! lists) and decides every action as a value; the executor only carries
//! the actions out and keeps the ledger. So what a restore would do (take
//! a backup back, rewrite a shared file without this registry, leave an
//! edited file alone) is tested by value, and `--dry-run` prints the plan.

mod install;
mod status;
mod uninstall;

use std::path::{Path, PathBuf};

pub(crate) use install::{execute_install, plan_install};
pub(crate) use status::{StoreStatus, status};
pub(crate) use uninstall::{execute_uninstall, plan_uninstall};

use super::tool::{self, Found};
use super::{RegistryAddr, Step, StoreKind, TrustError};
use crate::ui::outln;

/// Whose trust changes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Scope {
    /// The machine, with every path under `root` (`/` for the real host).
    Host { root: PathBuf },
    /// One user, without root: their configuration directory and home.
    User { config: PathBuf, home: PathBuf },
}

impl Scope {
    fn root(&self) -> Option<&Path> {
        match self {
            Scope::Host { root } => Some(root),
            Scope::User { .. } => None,
        }
    }

    /// Whether changes land on the real host (commands run, not reported).
    fn real(&self) -> bool {
        self.root().is_none_or(|r| r == Path::new("/"))
    }
}

/// What to install: for which addresses, into which stores, which CA.
#[derive(Debug, Clone)]
pub(crate) struct Request {
    pub scope: Scope,
    /// Every `host:port` clients use; per-host stores (Docker, containerd,
    /// podman) get an entry for each, per-CA stores one.
    pub hosts: Vec<RegistryAddr>,
    pub stores: Vec<StoreKind>,
    /// The CA (or CA bundle) PEM; `None` for a plain-HTTP registry
    /// (`--insecure`).
    pub ca: Option<String>,
}

/// What a store's tool holds, or a file's bytes: the planners' view of the
/// machine, so decisions are testable without one.
pub(crate) trait State {
    fn read(&self, path: &Path) -> Option<Vec<u8>>;
    fn exists(&self, path: &Path) -> bool {
        self.read(path).is_some()
    }
    /// What `export` prints compared with `ca`.
    fn tool_find(&self, export: &[String], ca: &str) -> Found;
}

/// The real machine.
pub(crate) struct Disk;

impl State for Disk {
    fn read(&self, path: &Path) -> Option<Vec<u8>> {
        std::fs::read(path).ok()
    }

    fn exists(&self, path: &Path) -> bool {
        path.symlink_metadata().is_ok()
    }

    fn tool_find(&self, export: &[String], ca: &str) -> Found {
        if export.is_empty() {
            return Found::Unknown;
        }
        match tool::ensure(export) {
            Ok(()) => tool::find(Some(&export.to_vec()), ca).unwrap_or(Found::Unknown),
            Err(_) => Found::Unknown,
        }
    }
}

/// The steps a store needs for one address.
fn steps_for(req: &Request, kind: StoreKind, reg: &RegistryAddr) -> Result<Vec<Step>, TrustError> {
    let ca = req.ca.as_deref();
    match (&req.scope, ca) {
        (Scope::User { config, home }, Some(ca)) => {
            super::user_install_steps(config, home, kind, reg, ca)
        }
        (Scope::User { .. }, None) => Err(TrustError::InsecureCaStore(kind.name())),
        (Scope::Host { root }, None) => crate::trust::insecure::install_steps(root, kind, reg),
        (Scope::Host { root }, Some(ca)) => super::install_steps(root, kind, reg, ca),
    }
}

/// Stores that hold a CA once for every address (the rest, Docker,
/// containerd and podman, look the CA up by `host:port`).
fn per_ca(kind: StoreKind) -> bool {
    matches!(
        kind,
        StoreKind::System
            | StoreKind::Nss
            | StoreKind::Java
            | StoreKind::Macos
            | StoreKind::Windows
    )
}

/// How the executor reports and where it may act.
pub(crate) struct Exec<'a> {
    pub scope: &'a Scope,
    pub dry_run: bool,
}

/// Runs a store's rebuild command on the real host (with a spinner: it
/// takes seconds, and its own output would tear the report), or says what
/// to run.
fn run_update(exec: &Exec<'_>, argv: &[String]) -> anyhow::Result<()> {
    let line = argv.join(" ");
    if exec.dry_run {
        outln!("  would run: {line}");
    } else if !exec.scope.real() {
        let root = exec
            .scope
            .root()
            .map(|r| r.display().to_string())
            .unwrap_or_default();
        outln!("  staged under {root}: run `{line}` inside that root");
    } else if which::which(&argv[0]).is_err() {
        crate::ui::warn(format_args!(
            "{} is not installed; run `{line}` once it is, or the system store will not pick up the change",
            argv[0]
        ));
    } else {
        let spinner = crate::ui::Spinner::start(&format!("running {line}"));
        let out = std::process::Command::new(&argv[0])
            .args(&argv[1..])
            .stdin(std::process::Stdio::null())
            .output();
        spinner.finish();
        let out = out.map_err(|e| anyhow::anyhow!("cannot run {line}: {e}"))?;
        if !out.status.success() {
            anyhow::bail!(
                "`{line}` failed ({}): {}",
                out.status,
                String::from_utf8_lossy(&out.stderr).trim()
            );
        }
        outln!("  ran: {line}");
    }
    Ok(())
}

#[cfg(test)]
mod tests;
