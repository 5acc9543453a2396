//! `trust install`: the plan, by value, and the executor that carries it
//! out and keeps the ledger.

use std::path::{Path, PathBuf};

use super::{Exec, Request, State, per_ca, run_update, steps_for};
use crate::fsutil::{self, MODE_PUBLIC, Overwrite};
use crate::trust::ledger::{Entry, Ledger};
use crate::trust::tool::{self, Found};
use crate::trust::{RegistryAddr, Step, StoreKind, TrustError};
use crate::ui::outln;

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
                        let backup = crate::trust::insecure::backup_path(&path);
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
                let kept = crate::trust::insecure::backup_path(path);
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
