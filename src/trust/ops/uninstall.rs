//! `trust uninstall`: what to take back of this registry's ledger entries
//! (restore a backup, rewrite a shared file, leave an edited file alone),
//! decided by value, then carried out.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use super::{Exec, State, run_update};
use crate::fsutil::{self, MODE_PUBLIC, Overwrite, sha256_hex};
use crate::trust::ledger::{Entry, Ledger};
use crate::trust::tool::{self, Found};
use crate::trust::{StoreKind, TrustError};
use crate::ui::outln;

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
            let Ok(cleaned) =
                crate::trust::insecure::remove_from_daemon_json(&path, &text, &e.registry)
            else {
                plan.push(Uninstall::Edited { store, path });
                continue;
            };
            // The last registry out, leaving exactly the original settings:
            // the original bytes come back rather than a reformatted copy.
            let original = backup.as_ref().filter(|_| !shared).and_then(|b| {
                state.read(b).map(|orig| {
                    crate::trust::insecure::same_settings(&String::from_utf8_lossy(&orig), &cleaned)
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
