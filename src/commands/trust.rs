//! `regctl trust install|uninstall|status`.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, bail};

use crate::cli::{TrustArgs, TrustCommand};
use crate::fsutil::{self, MODE_PUBLIC, Overwrite};
use crate::layout::RegistryDir;
use crate::trust::ledger::{Entry, Ledger, sha256_hex};
use crate::trust::tool::{self, Found};
use crate::trust::{self, RegistryAddr, Step, StoreKind, TrustError};

struct Ctx {
    root: PathBuf,
    reg: RegistryAddr,
    ledger_path: PathBuf,
    dry: bool,
    /// Plain HTTP: allow the registry instead of trusting a CA.
    insecure: bool,
    /// Per-user stores (`--user`): the configuration directory and home.
    user: Option<(PathBuf, PathBuf)>,
}

impl Ctx {
    fn steps(&self, kind: StoreKind, ca: &str) -> Result<Vec<Step>, TrustError> {
        if let Some((config, home)) = &self.user {
            trust::user_install_steps(config, home, kind, &self.reg, ca)
        } else if self.insecure {
            trust::insecure::install_steps(&self.root, kind, &self.reg)
        } else {
            trust::install_steps(&self.root, kind, &self.reg, ca)
        }
    }
}

fn stores(args: &TrustArgs, root: &Path) -> anyhow::Result<Vec<StoreKind>> {
    if args.store.is_empty() && args.user {
        return Ok([
            StoreKind::Docker,
            StoreKind::Podman,
            StoreKind::Macos,
            StoreKind::Windows,
        ]
        .into_iter()
        .filter(|k| k.on_this_platform())
        .collect());
    }
    if args.store.is_empty() {
        let mut found = trust::detect(root);
        if args.insecure {
            found.retain(|k| *k != StoreKind::System);
        }
        if found.is_empty() {
            anyhow::bail!(
                "no trust store found under {} (looked for system anchor directories, /etc/docker, /etc/containerd, /etc/containers); name one with --store",
                root.display()
            );
        }
        return Ok(found);
    }
    args.store
        .iter()
        .map(|s| StoreKind::parse(s).map_err(Into::into))
        .collect()
}

fn run_update(ctx: &Ctx, argv: &[String]) -> anyhow::Result<()> {
    let line = argv.join(" ");
    if ctx.dry {
        crate::ui::outln!("  would run: {line}");
    } else if ctx.root != Path::new("/") {
        crate::ui::outln!(
            "  staged under {}: run `{line}` inside that root",
            ctx.root.display()
        );
    } else if which::which(&argv[0]).is_err() {
        crate::ui::warn(format_args!(
            "{} is not installed; run `{line}` once it is, or the system store will not pick up the CA",
            argv[0]
        ));
    } else {
        let status = std::process::Command::new(&argv[0])
            .args(&argv[1..])
            .status()
            .with_context(|| format!("running {line}"))?;
        anyhow::ensure!(status.success(), "`{line}` failed ({status})");
        crate::ui::outln!("  ran: {line}");
    }
    Ok(())
}

fn install(ctx: &Ctx, kinds: &[StoreKind], ca: &str, ledger: &mut Ledger) -> anyhow::Result<()> {
    let registry = ctx.reg.dir_name();
    for &kind in kinds {
        let steps = ctx.steps(kind, ca)?;
        let update: Vec<String> = steps
            .iter()
            .find_map(|s| match s {
                Step::Run { argv } => Some(argv.clone()),
                _ => None,
            })
            .unwrap_or_default();
        let mut changed = false;
        for step in &steps {
            match step {
                Step::Write { path, contents } => {
                    let same = std::fs::read(path).is_ok_and(|b| b == contents.as_bytes());
                    if same {
                        crate::ui::outln!("{}: already installed: {}", kind.name(), path.display());
                    } else if ctx.dry {
                        crate::ui::outln!("{}: would write {}", kind.name(), path.display());
                    } else {
                        fsutil::write_atomic(path, contents.as_bytes(), MODE_PUBLIC, Overwrite::Replace)
                            .with_context(|| format!("installing into the {} store (needs root: use sudo, or stage with --root DIR)", kind.name()))?;
                        crate::ui::outln!("{}: wrote {}", kind.name(), path.display());
                        changed = true;
                    }
                    if !ctx.dry {
                        ledger.record(Entry::file(
                            kind,
                            &registry,
                            path,
                            contents.as_bytes(),
                            update.clone(),
                        ));
                    }
                }
                Step::Merge {
                    path,
                    contents,
                    existed,
                } => {
                    let backup = trust::insecure::backup_path(path);
                    if ctx.dry {
                        crate::ui::outln!(
                            "{}: would merge {} (backup {})",
                            kind.name(),
                            path.display(),
                            backup.display()
                        );
                        continue;
                    }
                    if *existed && !backup.exists() {
                        std::fs::copy(path, &backup)
                            .with_context(|| format!("backing up {}", path.display()))?;
                    }
                    fsutil::write_atomic(
                        path,
                        contents.as_bytes(),
                        MODE_PUBLIC,
                        Overwrite::Replace,
                    )
                    .with_context(|| {
                        format!(
                            "merging into {} (needs root: use sudo, or stage with --root DIR)",
                            path.display()
                        )
                    })?;
                    crate::ui::outln!(
                        "{}: merged {} into {}{}",
                        kind.name(),
                        ctx.reg.dir_name(),
                        path.display(),
                        if *existed {
                            format!(" (original kept as {})", backup.display())
                        } else {
                            String::new()
                        }
                    );
                    ledger.record(Entry::merged(
                        kind,
                        &registry,
                        path,
                        contents.as_bytes(),
                        existed.then_some(backup),
                    ));
                }
                Step::Present { path } => {
                    crate::ui::outln!("{}: already allowed in {}", kind.name(), path.display());
                }
                Step::Command {
                    target,
                    install,
                    undo,
                    export,
                } => {
                    install_with_tool(ctx, kind, target, install, export.as_ref(), undo, ca)?;
                    if !ctx.dry {
                        ledger.record(Entry::command(
                            kind,
                            &registry,
                            target,
                            ca,
                            undo.clone(),
                            export.clone().unwrap_or_default(),
                        ));
                    }
                }
                Step::Run { argv } if changed || ctx.dry => run_update(ctx, argv)?,
                Step::Run { .. } => {}
                Step::Advice(text) => crate::ui::outln!("{}: note: {text}", kind.name()),
            }
        }
    }
    Ok(())
}

/// Adds the CA with the store's own tool, unless it is already there; an
/// older certificate under regctl's name for this registry is taken out
/// first (a registry whose CA was replaced with `--new-ca`).
fn install_with_tool(
    ctx: &Ctx,
    kind: StoreKind,
    target: &Path,
    install: &[String],
    export: Option<&Vec<String>>,
    undo: &[Vec<String>],
    ca: &str,
) -> anyhow::Result<()> {
    let name = kind.name();
    if ctx.root != Path::new("/") && matches!(kind, StoreKind::Macos | StoreKind::Windows) {
        bail!("the {name} store has no files to stage under --root; run without --root");
    }
    // Listing is read-only, so a dry run looks too when the tool is here.
    let found = match tool::ensure(install) {
        Ok(()) => tool::find(export, ca).map_err(TrustError::from)?,
        Err(e) if !ctx.dry => return Err(TrustError::from(e).into()),
        Err(_) => Found::Unknown,
    };
    if ctx.dry && found != Found::ThisCa {
        crate::ui::outln!("{name}: would run: {}", tool::display(install));
        return Ok(());
    }
    match found {
        Found::ThisCa => {
            crate::ui::outln!("{name}: already installed in {}", target.display());
            return Ok(());
        }
        Found::Other => {
            crate::ui::outln!(
                "{name}: replacing another certificate named for {} in {}",
                ctx.reg.dir_name(),
                target.display()
            );
            for argv in undo {
                // Best effort: some undo steps concern the new CA only.
                let _ = tool::run(argv, ca);
            }
        }
        Found::Nothing | Found::Unknown => {}
    }
    tool::run(install, ca)
        .map_err(TrustError::from)
        .with_context(|| format!("installing into the {name} store ({})", target.display()))?;
    crate::ui::outln!("{name}: added with {} to {}", install[0], target.display());
    Ok(())
}

/// Takes out what a tool added; an entry whose certificate is already gone
/// is just forgotten.
fn uninstall_with_tool(ctx: &Ctx, e: &Entry) -> anyhow::Result<()> {
    let name = e.store.name();
    let ca = e.ca.as_deref().unwrap_or_default();
    if ctx.dry {
        for argv in &e.undo {
            crate::ui::outln!("{name}: would run: {}", tool::display(argv));
        }
        return Ok(());
    }
    if let Some(first) = e.undo.first() {
        tool::ensure(first).map_err(TrustError::from)?;
    }
    let export = (!e.export.is_empty()).then_some(&e.export);
    if tool::find(export, ca).map_err(TrustError::from)? == Found::Nothing {
        crate::ui::outln!("{name}: already gone from {}", e.path.display());
        return Ok(());
    }
    for argv in &e.undo {
        tool::run(argv, ca)
            .map_err(TrustError::from)
            .with_context(|| format!("removing from the {name} store ({})", e.path.display()))?;
    }
    crate::ui::outln!("{name}: removed from {}", e.path.display());
    Ok(())
}

fn uninstall(ctx: &Ctx, kinds: Option<&[StoreKind]>, ledger: &mut Ledger) -> anyhow::Result<()> {
    let registry = ctx.reg.dir_name();
    let entries: Vec<Entry> = ledger
        .for_registry(&registry, None)
        .into_iter()
        .filter(|e| kinds.is_none_or(|k| k.contains(&e.store)))
        .collect();
    if entries.is_empty() {
        crate::ui::outln!(
            "nothing recorded for {registry} in {}",
            ctx.ledger_path.display()
        );
        return Ok(());
    }
    let mut updates: BTreeSet<Vec<String>> = BTreeSet::new();
    for e in &entries {
        if !e.undo.is_empty() {
            uninstall_with_tool(ctx, e)?;
            if !ctx.dry {
                ledger.forget(&e.path, &registry);
            }
            continue;
        }
        if e.merged {
            let shared = ledger.shared_with_others(&e.path, &registry);
            restore_merged(ctx, e, shared)?;
            if !ctx.dry {
                ledger.forget(&e.path, &registry);
            }
            continue;
        }
        match std::fs::read(&e.path) {
            Ok(bytes) if sha256_hex(&bytes) != e.sha256 => {
                crate::ui::warn(format_args!(
                    "{} changed since regctl wrote it; left in place",
                    e.path.display()
                ));
            }
            Ok(_) if ctx.dry => {
                crate::ui::outln!("{}: would remove {}", e.store.name(), e.path.display())
            }
            Ok(_) => {
                std::fs::remove_file(&e.path)
                    .with_context(|| format!("removing {}", e.path.display()))?;
                crate::ui::outln!("{}: removed {}", e.store.name(), e.path.display());
                // The certs.d/<host:port> directory regctl created goes too when empty.
                if let Some(dir) = e
                    .path
                    .parent()
                    .filter(|d| d.file_name().is_some_and(|n| n == registry.as_str()))
                {
                    let _ = std::fs::remove_dir(dir);
                }
                if !e.update.is_empty() {
                    updates.insert(e.update.clone());
                }
            }
            Err(_) => crate::ui::outln!("{}: already gone: {}", e.store.name(), e.path.display()),
        }
        if !ctx.dry {
            ledger.forget(&e.path, &registry);
        }
    }
    for argv in updates {
        run_update(ctx, &argv)?;
    }
    Ok(())
}

/// Undoes a merge: the original comes back from its backup when the file
/// is as regctl left it and no other registry of the ledger is merged into
/// it; otherwise only this registry's entry is taken out.
fn restore_merged(ctx: &Ctx, e: &Entry, shared: bool) -> anyhow::Result<()> {
    let name = e.store.name();
    let current = match std::fs::read(&e.path) {
        Ok(b) => b,
        Err(_) => {
            crate::ui::outln!("{name}: already gone: {}", e.path.display());
            return Ok(());
        }
    };
    if ctx.dry {
        crate::ui::outln!("{name}: would restore {}", e.path.display());
        return Ok(());
    }
    if sha256_hex(&current) == e.sha256 && !shared {
        match &e.backup {
            Some(b) if b.exists() => {
                std::fs::rename(b, &e.path).with_context(|| {
                    format!("restoring {} from {}", e.path.display(), b.display())
                })?;
                crate::ui::outln!("{name}: restored {} from {}", e.path.display(), b.display());
            }
            _ => {
                std::fs::remove_file(&e.path)
                    .with_context(|| format!("removing {}", e.path.display()))?;
                crate::ui::outln!(
                    "{name}: removed {} (regctl had created it)",
                    e.path.display()
                );
            }
        }
        return Ok(());
    }
    let text = String::from_utf8_lossy(&current);
    let cleaned = trust::insecure::remove_from_daemon_json(&e.path, &text, &e.registry)?;
    // The last registry out, leaving exactly the original settings: the
    // original bytes come back rather than a reformatted copy.
    let backup = e.backup.as_ref().filter(|b| b.exists());
    if let Some(b) = backup.filter(|_| !shared)
        && std::fs::read_to_string(b)
            .is_ok_and(|orig| trust::insecure::same_settings(&orig, &cleaned))
    {
        std::fs::rename(b, &e.path)
            .with_context(|| format!("restoring {} from {}", e.path.display(), b.display()))?;
        crate::ui::outln!("{name}: restored {} from {}", e.path.display(), b.display());
        return Ok(());
    }
    fsutil::write_atomic(&e.path, cleaned.as_bytes(), MODE_PUBLIC, Overwrite::Replace)?;
    crate::ui::outln!(
        "{name}: {} {}, so only {} was taken out of insecure-registries",
        e.path.display(),
        if shared {
            "also holds other registries regctl merged"
        } else {
            "changed since regctl merged into it"
        },
        e.registry
    );
    Ok(())
}

fn status(ctx: &Ctx, kinds: &[StoreKind], ca: Option<&str>) -> anyhow::Result<()> {
    for &kind in kinds {
        let expected = match ca {
            Some(ca) => ctx.steps(kind, ca).unwrap_or_default(),
            None => Vec::new(),
        };
        let files: Vec<&PathBuf> = expected
            .iter()
            .filter_map(|s| match s {
                Step::Write { path, .. }
                | Step::Merge { path, .. }
                | Step::Present { path }
                | Step::Command { target: path, .. } => Some(path),
                _ => None,
            })
            .collect();
        if files.is_empty() {
            crate::ui::outln!("{}: not available here", kind.name());
            continue;
        }
        for step in &expected {
            match step {
                Step::Present { path } => {
                    crate::ui::outln!("{}: allowed (insecure): {}", kind.name(), path.display());
                }
                Step::Merge { path, .. } => {
                    crate::ui::outln!("{}: not allowed yet: {}", kind.name(), path.display());
                }
                _ => {}
            }
            if let Step::Command {
                target,
                install,
                export,
                ..
            } = step
            {
                let state = match tool::ensure(install)
                    .and_then(|()| tool::find(export.as_ref(), ca.unwrap_or_default()))
                {
                    Err(e) => format!("cannot tell: {e}"),
                    Ok(Found::ThisCa) => "installed, matches the CA".into(),
                    Ok(Found::Other) => {
                        "present but DIFFERENT from this CA (re-run trust install)".into()
                    }
                    Ok(Found::Nothing) => "not installed".into(),
                    Ok(Found::Unknown) => "unknown (the store's tool cannot list it)".into(),
                };
                crate::ui::outln!("{}: {state}: {}", kind.name(), target.display());
            }
            if let Step::Write { path, contents } = step {
                let state = match std::fs::read(path) {
                    Ok(b) if b == contents.as_bytes() => "installed, matches the CA",
                    Ok(_) => "present but DIFFERENT from this CA (re-run trust install)",
                    Err(_) => "not installed",
                };
                crate::ui::outln!("{}: {state}: {}", kind.name(), path.display());
            }
        }
    }
    Ok(())
}

pub(super) fn run(dir: &Path, cmd: TrustCommand) -> anyhow::Result<ExitCode> {
    let (args, verb) = match cmd {
        TrustCommand::Install(a) => (a, "install"),
        TrustCommand::Uninstall(a) => (a, "uninstall"),
        TrustCommand::Status(a) => (a, "status"),
    };
    let layout = RegistryDir::new(dir);
    let reg = RegistryAddr::parse(&args.registry)?;
    let root = args.root.clone().unwrap_or_else(|| PathBuf::from("/"));
    let user = if args.user {
        Some((
            trust::user_config_dir()
                .context("--user needs HOME (or XDG_CONFIG_HOME) to find ~/.config")?,
            trust::user_home().context("--user needs HOME")?,
        ))
    } else {
        None
    };
    if user.is_none()
        && args.root.is_none()
        && !args.dry_run
        && verb != "status"
        && !rustix::process::geteuid().is_root()
    {
        bail!(
            "not running as root: the system store, /etc/docker, /etc/containerd and /etc/containers are system-wide and need root. Either re-run with sudo, or use --user to {verb} for this user only: rootless Docker reads ~/.config/docker/certs.d and podman, skopeo and buildah read ~/.config/containers/certs.d (the system store and containerd have no per-user form)"
        );
    }
    let ca_path = args.ca.clone().unwrap_or_else(|| layout.ca_cert());
    let ca = match verb {
        "uninstall" => None,
        _ if args.insecure => Some(String::new()),
        _ => {
            let bytes = fsutil::read(&ca_path).context("reading the CA certificate")?;
            Some(
                trust::check_ca(&bytes)
                    .with_context(|| format!("{} cannot be installed", ca_path.display()))?,
            )
        }
    };
    let ctx = Ctx {
        root,
        reg,
        ledger_path: layout.trust_ledger(),
        dry: args.dry_run,
        insecure: args.insecure,
        user,
    };
    if args.insecure && verb == "install" {
        crate::ui::warn(format_args!(
            "--insecure lets clients use {} over plain HTTP: passwords and images cross the network in clear text, and anyone in between can change what is pulled. Use TLS (regctl init) wherever you can.",
            ctx.reg.dir_name()
        ));
    }
    let mut ledger = Ledger::load(&ctx.ledger_path)?;
    match verb {
        "install" => {
            let kinds = stores(&args, &ctx.root)?;
            install(&ctx, &kinds, ca.as_deref().unwrap_or_default(), &mut ledger)?;
        }
        "uninstall" => {
            let kinds = if args.store.is_empty() {
                None
            } else {
                Some(stores(&args, &ctx.root)?)
            };
            uninstall(&ctx, kinds.as_deref(), &mut ledger)?;
        }
        _ => {
            let kinds = if args.store.is_empty() {
                StoreKind::available()
            } else {
                stores(&args, &ctx.root)?
            };
            status(&ctx, &kinds, ca.as_deref())?;
            return Ok(ExitCode::SUCCESS);
        }
    }
    if !ctx.dry {
        ledger.save(&ctx.ledger_path)?;
    }
    Ok(ExitCode::SUCCESS)
}

/// Installs the CA of the registry directory into `stores`, or with
/// `insecure` allows the plain-HTTP registry there (used by `init`).
pub(super) fn install_ca(
    layout: &RegistryDir,
    root: &Path,
    registry: &str,
    stores: &[StoreKind],
    insecure: bool,
) -> anyhow::Result<()> {
    let ctx = Ctx {
        root: root.to_path_buf(),
        reg: RegistryAddr::parse(registry)?,
        ledger_path: layout.trust_ledger(),
        dry: false,
        insecure,
        user: None,
    };
    let ca = if insecure {
        String::new()
    } else {
        let bytes = fsutil::read(&layout.ca_cert()).context("reading the CA certificate")?;
        trust::check_ca(&bytes)
            .with_context(|| format!("{} cannot be installed", layout.ca_cert().display()))?
    };
    let mut ledger = Ledger::load(&ctx.ledger_path)?;
    install(&ctx, stores, &ca, &mut ledger)?;
    ledger.save(&ctx.ledger_path)?;
    Ok(())
}
