//! `trust install`, `uninstall` and `status` as plan-then-execute, like
//! `init`: the planner looks at what is on disk (and what a store's tool
//! lists) and decides every action as a value; the executor only carries
//! the actions out and keeps the ledger. So what a restore would do (take
//! a backup back, rewrite a shared file without this registry, leave an
//! edited file alone) is tested by value, and `--dry-run` prints the plan.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use super::ledger::{Entry, Ledger, sha256_hex};
use super::tool::{self, Found};
use super::{RegistryAddr, Step, StoreKind, TrustError};
use crate::fsutil::{self, MODE_PUBLIC, Overwrite};
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

/// One thing `install` does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Install {
    /// Write a file regctl owns (missing, or different from the CA).
    Write {
        store: StoreKind,
        registry: String,
        path: PathBuf,
        contents: String,
        update: Vec<String>,
    },
    /// The file is already as wanted; only recorded.
    Unchanged {
        store: StoreKind,
        registry: String,
        path: PathBuf,
        contents: String,
        update: Vec<String>,
    },
    /// Merge into a shared file (daemon.json), keeping a backup.
    Merge {
        store: StoreKind,
        registry: String,
        path: PathBuf,
        contents: String,
        backup: Option<PathBuf>,
    },
    /// A shared file already allows the registry.
    Allowed { store: StoreKind, path: PathBuf },
    /// Add the CA with the store's tool; first take out `replace` (another
    /// certificate under regctl's name: an older CA).
    Tool {
        store: StoreKind,
        registry: String,
        target: PathBuf,
        install: Vec<String>,
        replace: Vec<Vec<String>>,
        undo: Vec<Vec<String>>,
        export: Vec<String>,
        ca: String,
    },
    /// The store's tool already holds this CA; only recorded.
    ToolPresent {
        store: StoreKind,
        registry: String,
        target: PathBuf,
        undo: Vec<Vec<String>>,
        export: Vec<String>,
        ca: String,
    },
    /// Rebuild a store after its files changed (update-ca-certificates).
    Update { argv: Vec<String> },
    /// Something the person must do by hand.
    Advice { store: StoreKind, text: String },
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
        (Scope::Host { root }, None) => super::insecure::install_steps(root, kind, reg),
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

/// Decides every action of an install.
pub(crate) fn plan_install(req: &Request, state: &dyn State) -> Result<Vec<Install>, TrustError> {
    let mut plan = Vec::new();
    let ca = req.ca.clone().unwrap_or_default();
    for &kind in &req.stores {
        let hosts: &[RegistryAddr] = if per_ca(kind) && req.ca.is_some() {
            &req.hosts[..req.hosts.len().min(1)]
        } else {
            &req.hosts
        };
        let mut changed = false;
        let mut update = Vec::new();
        for reg in hosts {
            let steps = steps_for(req, kind, reg)?;
            let run: Vec<String> = steps
                .iter()
                .find_map(|s| match s {
                    Step::Run { argv } => Some(argv.clone()),
                    _ => None,
                })
                .unwrap_or_default();
            for step in steps {
                let registry = reg.ledger_key();
                match step {
                    Step::Write { path, contents } => {
                        let same = state.read(&path).is_some_and(|b| b == contents.as_bytes());
                        let (store, update) = (kind, run.clone());
                        plan.push(if same {
                            Install::Unchanged {
                                store,
                                registry,
                                path,
                                contents,
                                update,
                            }
                        } else {
                            changed = true;
                            Install::Write {
                                store,
                                registry,
                                path,
                                contents,
                                update,
                            }
                        });
                    }
                    Step::Merge {
                        path,
                        contents,
                        existed,
                    } => {
                        let backup = super::insecure::backup_path(&path);
                        let backup = (existed && !state.exists(&backup)).then_some(backup);
                        plan.push(Install::Merge {
                            store: kind,
                            registry,
                            path,
                            contents,
                            backup,
                        });
                    }
                    Step::Present { path } => plan.push(Install::Allowed { store: kind, path }),
                    Step::Command {
                        target,
                        install,
                        undo,
                        export,
                    } => {
                        let export = export.unwrap_or_default();
                        plan.push(match state.tool_find(&export, &ca) {
                            Found::ThisCa => Install::ToolPresent {
                                store: kind,
                                registry,
                                target,
                                undo,
                                export,
                                ca: ca.clone(),
                            },
                            found => Install::Tool {
                                store: kind,
                                registry,
                                target,
                                install,
                                replace: if found == Found::Other {
                                    undo.clone()
                                } else {
                                    Vec::new()
                                },
                                undo,
                                export,
                                ca: ca.clone(),
                            },
                        });
                    }
                    Step::Run { argv } => update = argv,
                    Step::Advice(text) => plan.push(Install::Advice { store: kind, text }),
                }
            }
        }
        if changed && !update.is_empty() {
            plan.push(Install::Update { argv: update });
        }
    }
    Ok(plan)
}

/// How the executor reports and where it may act.
pub(crate) struct Exec<'a> {
    pub scope: &'a Scope,
    pub dry_run: bool,
}

/// Carries out an install plan, recording every change in `ledger`.
pub(crate) fn execute_install(
    plan: &[Install],
    exec: &Exec<'_>,
    ledger: &mut Ledger,
) -> anyhow::Result<()> {
    use anyhow::Context as _;
    let root_hint = "needs root: use sudo, stage with --root DIR, or use --per-user";
    for action in plan {
        match action {
            Install::Write {
                store,
                registry,
                path,
                contents,
                update,
            } => {
                if exec.dry_run {
                    outln!("{}: would write {}", store.name(), path.display());
                    continue;
                }
                fsutil::write_atomic(path, contents.as_bytes(), MODE_PUBLIC, Overwrite::Replace)
                    .with_context(|| {
                        format!("installing into the {} store ({root_hint})", store.name())
                    })?;
                outln!("{}: wrote {}", store.name(), path.display());
                ledger.record(Entry::file(
                    *store,
                    registry,
                    path,
                    contents.as_bytes(),
                    update.clone(),
                ));
            }
            Install::Unchanged {
                store,
                registry,
                path,
                contents,
                update,
            } => {
                outln!("{}: already installed: {}", store.name(), path.display());
                if !exec.dry_run {
                    ledger.record(Entry::file(
                        *store,
                        registry,
                        path,
                        contents.as_bytes(),
                        update.clone(),
                    ));
                }
            }
            Install::Merge {
                store,
                registry,
                path,
                contents,
                backup,
            } => {
                if exec.dry_run {
                    outln!(
                        "{}: would merge {registry} into {}",
                        store.name(),
                        path.display()
                    );
                    continue;
                }
                if let Some(b) = backup {
                    std::fs::copy(path, b)
                        .with_context(|| format!("backing up {}", path.display()))?;
                }
                fsutil::write_atomic(path, contents.as_bytes(), MODE_PUBLIC, Overwrite::Replace)
                    .with_context(|| format!("merging into {} ({root_hint})", path.display()))?;
                let kept = super::insecure::backup_path(path);
                let backup_kept = backup.is_some() || kept.exists();
                outln!(
                    "{}: merged {registry} into {}{}",
                    store.name(),
                    path.display(),
                    if backup_kept {
                        format!(" (original kept as {})", kept.display())
                    } else {
                        String::new()
                    }
                );
                ledger.record(Entry::merged(
                    *store,
                    registry,
                    path,
                    contents.as_bytes(),
                    backup_kept.then_some(kept),
                ));
            }
            Install::Allowed { store, path } => {
                outln!("{}: already allowed in {}", store.name(), path.display());
            }
            Install::Tool {
                store,
                registry,
                target,
                install,
                replace,
                undo,
                export,
                ca,
            } => {
                let name = store.name();
                if exec.scope.root().is_some_and(|r| r != Path::new("/"))
                    && matches!(store, StoreKind::Macos | StoreKind::Windows)
                {
                    anyhow::bail!(
                        "the {name} store has no files to stage under --root; run without --root"
                    );
                }
                if exec.dry_run {
                    outln!("{name}: would run: {}", tool::display(install));
                    continue;
                }
                tool::ensure(install).map_err(TrustError::from)?;
                if !replace.is_empty() {
                    outln!(
                        "{name}: replacing another certificate named for {registry} in {}",
                        target.display()
                    );
                    for argv in replace {
                        // Best effort: some undo steps concern the new CA only.
                        let _ = tool::run(argv, ca);
                    }
                }
                tool::run(install, ca)
                    .map_err(TrustError::from)
                    .with_context(|| {
                        format!("installing into the {name} store ({})", target.display())
                    })?;
                outln!("{name}: added with {} to {}", install[0], target.display());
                ledger.record(Entry::command(
                    *store,
                    registry,
                    target,
                    ca,
                    undo.clone(),
                    export.clone(),
                ));
            }
            Install::ToolPresent {
                store,
                registry,
                target,
                undo,
                export,
                ca,
            } => {
                outln!(
                    "{}: already installed in {}",
                    store.name(),
                    target.display()
                );
                if !exec.dry_run {
                    ledger.record(Entry::command(
                        *store,
                        registry,
                        target,
                        ca,
                        undo.clone(),
                        export.clone(),
                    ));
                }
            }
            Install::Update { argv } => run_update(exec, argv)?,
            Install::Advice { store, text } => outln!("{}: note: {text}", store.name()),
        }
    }
    Ok(())
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

/// One thing `uninstall` does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Uninstall {
    /// Remove a file regctl wrote (and the `host:port` directory it made,
    /// when empty).
    Remove {
        store: StoreKind,
        path: PathBuf,
        dir: Option<PathBuf>,
    },
    /// The file changed since regctl wrote it: left in place.
    Edited { store: StoreKind, path: PathBuf },
    /// Already gone.
    Gone { store: StoreKind, path: PathBuf },
    /// Put a merged file's original back.
    Restore {
        store: StoreKind,
        path: PathBuf,
        backup: PathBuf,
    },
    /// Remove a merged file regctl had created.
    RemoveCreated { store: StoreKind, path: PathBuf },
    /// Rewrite a shared file without this registry; `shared` when other
    /// registries of the ledger are merged into it too.
    Rewrite {
        store: StoreKind,
        path: PathBuf,
        contents: String,
        shared: bool,
    },
    /// Take a certificate out with the store's tool.
    ToolRemove {
        store: StoreKind,
        path: PathBuf,
        undo: Vec<Vec<String>>,
        ca: String,
    },
    /// Rebuild a store after its files went.
    Update { argv: Vec<String> },
    /// Tell Debian's ca-certificates hooks (the Java keystore's among them)
    /// which certificates went: `update-ca-certificates` reports only
    /// additions to them, so a removed CA would stay in every JDK.
    TellHooks {
        hooks: PathBuf,
        removed: Vec<PathBuf>,
    },
}

/// Debian's anchor directory, when `path` is an anchor in it: the root it
/// is under.
fn debian_root(path: &Path) -> Option<PathBuf> {
    let dir = path.parent()?;
    if !dir.ends_with("usr/local/share/ca-certificates") {
        return None;
    }
    dir.ancestors().nth(4).map(Path::to_path_buf)
}

/// The command that rebuilds a system store after a removal. Debian's
/// `update-ca-certificates` drops the link of a removed anchor from
/// /etc/ssl/certs (and its hash link) only with `--fresh`.
fn removal_update(path: &Path, update: &[String]) -> Vec<String> {
    let mut argv = update.to_vec();
    if debian_root(path).is_some() && argv == ["update-ca-certificates"] {
        argv.push("--fresh".into());
    }
    argv
}

/// Decides every action of an uninstall of `entries` (this registry's, in
/// the ledger).
pub(crate) fn plan_uninstall(
    entries: &[Entry],
    ledger: &Ledger,
    state: &dyn State,
) -> Vec<Uninstall> {
    let mut plan = Vec::new();
    let mut updates: BTreeSet<Vec<String>> = BTreeSet::new();
    let mut hooks: Option<(PathBuf, Vec<PathBuf>)> = None;
    for e in entries {
        let store = e.store;
        let path = e.path.clone();
        if !e.undo.is_empty() {
            let ca = e.ca.clone().unwrap_or_default();
            plan.push(match state.tool_find(&e.export, &ca) {
                Found::Nothing => Uninstall::Gone { store, path },
                _ => Uninstall::ToolRemove {
                    store,
                    path,
                    undo: e.undo.clone(),
                    ca,
                },
            });
            continue;
        }
        let current = state.read(&path);
        if e.merged {
            let Some(current) = current else {
                plan.push(Uninstall::Gone { store, path });
                continue;
            };
            let shared = ledger.shared_with_others(&e.path, &e.registry);
            let unchanged = sha256_hex(&current) == e.sha256;
            let backup = e.backup.clone().filter(|b| state.exists(b));
            if unchanged && !shared {
                plan.push(match backup {
                    Some(backup) => Uninstall::Restore {
                        store,
                        path,
                        backup,
                    },
                    None => Uninstall::RemoveCreated { store, path },
                });
                continue;
            }
            let text = String::from_utf8_lossy(&current);
            let Ok(cleaned) = super::insecure::remove_from_daemon_json(&path, &text, &e.registry)
            else {
                plan.push(Uninstall::Edited { store, path });
                continue;
            };
            // The last registry out, leaving exactly the original settings:
            // the original bytes come back rather than a reformatted copy.
            let original = backup.as_ref().filter(|_| !shared).and_then(|b| {
                state.read(b).map(|orig| {
                    super::insecure::same_settings(&String::from_utf8_lossy(&orig), &cleaned)
                })
            });
            plan.push(match (original, backup) {
                (Some(true), Some(backup)) => Uninstall::Restore {
                    store,
                    path,
                    backup,
                },
                _ => Uninstall::Rewrite {
                    store,
                    path,
                    contents: cleaned,
                    shared,
                },
            });
            continue;
        }
        match current {
            Some(bytes) if sha256_hex(&bytes) != e.sha256 => {
                plan.push(Uninstall::Edited { store, path })
            }
            Some(_) => {
                // The certs.d/<host:port> directory regctl created goes too when empty.
                let dir = path
                    .parent()
                    .filter(|d| {
                        d.file_name()
                            .is_some_and(|n| n.to_string_lossy() == e.registry)
                    })
                    .map(Path::to_path_buf);
                if !e.update.is_empty() {
                    updates.insert(removal_update(&path, &e.update));
                }
                if let (Some(root), Some(stem)) = (debian_root(&path), path.file_stem()) {
                    let pem = root
                        .join("etc/ssl/certs")
                        .join(format!("{}.pem", stem.to_string_lossy()));
                    let entry = hooks.get_or_insert_with(|| {
                        (root.join("etc/ca-certificates/update.d"), Vec::new())
                    });
                    entry.1.push(pem);
                }
                plan.push(Uninstall::Remove { store, path, dir });
            }
            None => plan.push(Uninstall::Gone { store, path }),
        }
    }
    plan.extend(updates.into_iter().map(|argv| Uninstall::Update { argv }));
    if let Some((hooks, removed)) = hooks
        && state.exists(&hooks)
    {
        plan.push(Uninstall::TellHooks { hooks, removed });
    }
    plan
}

/// Runs every hook in `dir` with `-PEM` lines on stdin, as
/// `update-ca-certificates` runs them for additions.
fn tell_hooks(exec: &Exec<'_>, dir: &Path, removed: &[PathBuf]) -> anyhow::Result<()> {
    use std::io::Write as _;
    use std::os::unix::fs::PermissionsExt as _;
    let lines: String = removed
        .iter()
        .map(|p| format!("-{}\n", p.display()))
        .collect();
    if exec.dry_run || !exec.scope.real() {
        outln!(
            "  {} the ca-certificates hooks in {} about {}",
            if exec.dry_run {
                "would tell"
            } else {
                "staged: tell"
            },
            dir.display(),
            lines.trim().replace('\n', ", ")
        );
        return Ok(());
    }
    let mut hooks: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|d| d.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    hooks.retain(|h| {
        std::fs::metadata(h).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
    });
    hooks.sort();
    let spinner =
        crate::ui::Spinner::start("telling the ca-certificates hooks (the Java keystore)");
    let mut failed = Vec::new();
    for hook in &hooks {
        let child = std::process::Command::new(hook)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .spawn();
        let Ok(mut child) = child else {
            failed.push(hook.display().to_string());
            continue;
        };
        if let Some(mut stdin) = child.stdin.take() {
            let _ = stdin.write_all(lines.as_bytes());
        }
        if !child.wait_with_output().is_ok_and(|o| o.status.success()) {
            failed.push(hook.display().to_string());
        }
    }
    spinner.finish();
    for hook in &hooks {
        if !failed.contains(&hook.display().to_string()) {
            outln!("  ran: {} (removed {})", hook.display(), removed.len());
        }
    }
    if !failed.is_empty() {
        crate::ui::warn(format_args!(
            "{} did not take the removal; the CA may stay in a JDK's keystore",
            failed.join(", ")
        ));
    }
    Ok(())
}

/// Carries out an uninstall plan; every entry is forgotten by the caller.
pub(crate) fn execute_uninstall(plan: &[Uninstall], exec: &Exec<'_>) -> anyhow::Result<()> {
    use anyhow::Context as _;
    let would = |what: &str| outln!("would {what}");
    for action in plan {
        match action {
            Uninstall::Remove { store, path, dir } => {
                if exec.dry_run {
                    would(&format!("remove {} ({})", path.display(), store.name()));
                    continue;
                }
                std::fs::remove_file(path)
                    .with_context(|| format!("removing {}", path.display()))?;
                outln!("{}: removed {}", store.name(), path.display());
                if let Some(d) = dir {
                    let _ = std::fs::remove_dir(d);
                }
            }
            Uninstall::Edited { store, path } => crate::ui::warn(format_args!(
                "{}: {} changed since regctl wrote it; left in place",
                store.name(),
                path.display()
            )),
            Uninstall::Gone { store, path } => {
                outln!("{}: already gone: {}", store.name(), path.display())
            }
            Uninstall::Restore {
                store,
                path,
                backup,
            } => {
                if exec.dry_run {
                    would(&format!(
                        "restore {} from {}",
                        path.display(),
                        backup.display()
                    ));
                    continue;
                }
                std::fs::rename(backup, path).with_context(|| {
                    format!("restoring {} from {}", path.display(), backup.display())
                })?;
                outln!(
                    "{}: restored {} from {}",
                    store.name(),
                    path.display(),
                    backup.display()
                );
            }
            Uninstall::RemoveCreated { store, path } => {
                if exec.dry_run {
                    would(&format!("remove {}", path.display()));
                    continue;
                }
                std::fs::remove_file(path)
                    .with_context(|| format!("removing {}", path.display()))?;
                outln!(
                    "{}: removed {} (regctl had created it)",
                    store.name(),
                    path.display()
                );
            }
            Uninstall::Rewrite {
                store,
                path,
                contents,
                shared,
            } => {
                if exec.dry_run {
                    would(&format!("take this registry out of {}", path.display()));
                    continue;
                }
                fsutil::write_atomic(path, contents.as_bytes(), MODE_PUBLIC, Overwrite::Replace)?;
                outln!(
                    "{}: {} {}, so only this registry was taken out of insecure-registries",
                    store.name(),
                    path.display(),
                    if *shared {
                        "also holds other registries regctl merged"
                    } else {
                        "changed since regctl merged into it"
                    }
                );
            }
            Uninstall::ToolRemove {
                store,
                path,
                undo,
                ca,
            } => {
                let name = store.name();
                if exec.dry_run {
                    for argv in undo {
                        outln!("{name}: would run: {}", tool::display(argv));
                    }
                    continue;
                }
                if let Some(first) = undo.first() {
                    tool::ensure(first).map_err(TrustError::from)?;
                }
                for argv in undo {
                    tool::run(argv, ca)
                        .map_err(TrustError::from)
                        .with_context(|| {
                            format!("removing from the {name} store ({})", path.display())
                        })?;
                }
                outln!("{name}: removed from {}", path.display());
            }
            Uninstall::Update { argv } => run_update(exec, argv)?,
            Uninstall::TellHooks { hooks, removed } => tell_hooks(exec, hooks, removed)?,
        }
    }
    Ok(())
}

/// Where a store stands, for `status`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub(crate) struct StoreStatus {
    pub store: StoreKind,
    pub path: PathBuf,
    /// `installed`, `different`, `missing`, `allowed`, `not allowed`,
    /// `unknown`, `not available`.
    pub state: String,
    pub detail: String,
}

/// What each store holds for the request's CA and hosts.
pub(crate) fn status(req: &Request, state: &dyn State) -> Vec<StoreStatus> {
    let mut rows = Vec::new();
    let ca = req.ca.clone().unwrap_or_default();
    for &kind in &req.stores {
        let hosts: &[RegistryAddr] = if per_ca(kind) {
            &req.hosts[..req.hosts.len().min(1)]
        } else {
            &req.hosts
        };
        let mut any = false;
        for reg in hosts {
            let Ok(steps) = steps_for(req, kind, reg) else {
                continue;
            };
            for step in steps {
                let row = |path: PathBuf, state: &str, detail: &str| StoreStatus {
                    store: kind,
                    path,
                    state: state.into(),
                    detail: detail.into(),
                };
                match step {
                    Step::Write { path, contents } => rows.push(match state.read(&path) {
                        Some(b) if b == contents.as_bytes() => {
                            row(path, "installed", "installed, matches the CA")
                        }
                        Some(_) => row(
                            path,
                            "different",
                            "present but DIFFERENT from this CA (re-run trust install)",
                        ),
                        None => row(path, "missing", "not installed"),
                    }),
                    Step::Present { path } => rows.push(row(path, "allowed", "allowed (insecure)")),
                    Step::Merge { path, .. } => {
                        rows.push(row(path, "not allowed", "not allowed yet"))
                    }
                    Step::Command { target, export, .. } => {
                        let found = state.tool_find(&export.unwrap_or_default(), &ca);
                        let (s, d) = match found {
                            Found::ThisCa => ("installed", "installed, matches the CA"),
                            Found::Other => (
                                "different",
                                "present but DIFFERENT from this CA (re-run trust install)",
                            ),
                            Found::Nothing => ("missing", "not installed"),
                            Found::Unknown => (
                                "unknown",
                                "unknown (the store's tool cannot list it, or is not installed)",
                            ),
                        };
                        let mut r = row(target.clone(), s, d);
                        if kind == StoreKind::Java && found == Found::Nothing {
                            // Debian's ca-certificates-java copies the system
                            // store into the JDK keystore under its own alias.
                            let alias = format!("debian:{}.pem", reg.file_stem());
                            let debian = super::java::export_alias(&target, &alias);
                            if state.tool_find(&debian, &ca) == Found::ThisCa {
                                r = row(
                                    target,
                                    "installed",
                                    &format!("installed through the system store (alias {alias})"),
                                );
                            }
                        }
                        rows.push(r);
                    }
                    Step::Run { .. } | Step::Advice(_) => continue,
                }
                any = true;
            }
        }
        if !any {
            rows.push(StoreStatus {
                store: kind,
                path: PathBuf::new(),
                state: "not available".into(),
                detail: "not available here".into(),
            });
        }
    }
    rows
}

#[cfg(test)]
mod tests;
