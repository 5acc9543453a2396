//! `regctl trust install|uninstall|status` for a registry: which addresses,
//! stores and CA, from the flags or else from the registry directory, and
//! where the ledger lives. regctl.yaml's `trust` list follows every change
//! made on this machine, so a later `init` neither re-adds nor drops a store.

use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail};

use super::ledger::Ledger;
use super::ops::{self, Disk, Exec, Scope};
use super::{RegistryAddr, StoreKind};
use crate::fsutil;
use crate::layout::RegistryDir;
use crate::setup::{Setup, host_port};
use crate::ui::HintExt as _;

/// What the person asked for (the flags of `trust`).
#[derive(Debug, Clone, Default)]
pub(crate) struct Flags {
    /// `HOST:PORT` (or `HOST`, with regctl.yaml's port).
    pub hosts: Vec<String>,
    pub ca: Option<PathBuf>,
    pub stores: Vec<StoreKind>,
    pub root: Option<PathBuf>,
    pub dry_run: bool,
    pub insecure: bool,
    pub per_user: bool,
}

/// A resolved trust change.
pub(crate) struct Resolved {
    pub request: ops::Request,
    pub ledger: PathBuf,
    /// The registry directory's answers, when the change is for it.
    pub setup: Option<Setup>,
    pub layout: RegistryDir,
}

/// Which ledger records the change: the registry directory's when there is
/// one, else the machine's (`/var/lib/regctl`) or the user's
/// (`~/.local/state/regctl`), so a trust change on a client machine leaves
/// no stray `registry/` directory behind.
fn ledger_path(layout: &RegistryDir, scope: &Scope) -> PathBuf {
    if layout.answers().is_file() || layout.certs().is_dir() || layout.trust_ledger().is_file() {
        return layout.trust_ledger();
    }
    match scope {
        Scope::Host { root } => super::under(root, "/var/lib/regctl/trust-ledger.json"),
        Scope::User { home, .. } => std::env::var_os("XDG_STATE_HOME")
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
            .unwrap_or_else(|| home.join(".local/state"))
            .join("regctl/trust-ledger.json"),
    }
}

fn scope(flags: &Flags) -> anyhow::Result<Scope> {
    if flags.per_user {
        return Ok(Scope::User {
            config: super::user_config_dir()
                .context("--per-user needs HOME (or XDG_CONFIG_HOME) to find ~/.config")?,
            home: super::user_home().context("--per-user needs HOME")?,
        });
    }
    Ok(Scope::Host {
        root: flags.root.clone().unwrap_or_else(|| PathBuf::from("/")),
    })
}

fn hosts(flags: &Flags, setup: Option<&Setup>) -> anyhow::Result<Vec<RegistryAddr>> {
    let given: Vec<String> = if flags.hosts.is_empty() {
        match setup {
            Some(s) => s.registry_hosts(),
            None => Vec::new(),
        }
    } else {
        flags
            .hosts
            .iter()
            .map(|h| match (h.rsplit_once(':'), setup) {
                (Some((_, port)), _) if port.parse::<u16>().is_ok() && !h.ends_with(']') => {
                    h.clone()
                }
                (_, Some(s)) => host_port(h.trim_start_matches('[').trim_end_matches(']'), s.port),
                (_, None) => h.clone(),
            })
            .collect()
    };
    if given.is_empty() {
        return Err(anyhow::anyhow!("no registry to trust")).hint(|| {
            "name it with --host HOST:PORT, or run this in a registry directory (--dir) whose regctl.yaml lists its hosts"
        });
    }
    given
        .iter()
        .map(|h| RegistryAddr::parse(h).map_err(Into::into))
        .collect()
}

/// The stores to act on: the flags', else regctl.yaml's, else (install
/// only) those found on the machine.
fn stores(
    flags: &Flags,
    setup: Option<&Setup>,
    scope: &Scope,
    detect: bool,
) -> anyhow::Result<Vec<StoreKind>> {
    if !flags.stores.is_empty() {
        return Ok(flags.stores.clone());
    }
    if let Scope::User { .. } = scope {
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
    if let Some(recorded) = setup.map(Setup::trust_stores).filter(|s| !s.is_empty()) {
        return Ok(recorded.to_vec());
    }
    if !detect {
        return Ok(StoreKind::available());
    }
    let Scope::Host { root } = scope else {
        return Ok(Vec::new());
    };
    let mut found = super::detect(root);
    if flags.insecure {
        found.retain(|k| *k != StoreKind::System);
    }
    if found.is_empty() {
        bail!(
            "no trust store found under {} (looked for system anchor directories, /etc/docker, /etc/containerd, /etc/containers); name one with --store",
            root.display()
        );
    }
    Ok(found)
}

/// Resolves a `trust` command against the registry directory `dir`.
pub(crate) fn resolve(dir: &Path, flags: &Flags, verb: &str) -> anyhow::Result<Resolved> {
    let layout = RegistryDir::new(dir);
    let setup = layout.setup_if_any()?;
    let scope = scope(flags)?;
    let hosts = hosts(flags, setup.as_ref())?;
    if !flags.per_user
        && flags.root.is_none()
        && !flags.dry_run
        && verb != "status"
        && !crate::platform::is_root()
    {
        bail!(
            "not running as root: the system store, /etc/docker, /etc/containerd and /etc/containers are system-wide and need root. Either re-run with sudo, or use --per-user to {verb} for this user only: rootless Docker reads ~/.config/docker/certs.d and podman, skopeo and buildah read ~/.config/containers/certs.d (the system store and containerd have no per-user form)"
        );
    }
    let insecure = flags.insecure
        || setup
            .as_ref()
            .is_some_and(|s| s.tls == crate::setup::TlsMode::None && flags.ca.is_none());
    let ca = match verb {
        "uninstall" => None,
        _ if insecure => None,
        _ => {
            let path = flags.ca.clone().unwrap_or_else(|| layout.ca_cert());
            let bytes = fsutil::read(&path)
                .context("cannot read the CA certificate")
                .hint(|| "give it with --ca FILE, or run `regctl cert issue` in the registry directory")?;
            Some(
                super::check_ca_bundle(&bytes)
                    .with_context(|| format!("{} cannot be installed", path.display()))?,
            )
        }
    };
    let stores = stores(flags, setup.as_ref(), &scope, verb == "install")?;
    Ok(Resolved {
        ledger: ledger_path(&layout, &scope),
        request: ops::Request {
            scope,
            hosts,
            stores,
            ca,
        },
        setup,
        layout,
    })
}

/// Whether the change concerns this registry directory's own hosts on this
/// machine, so regctl.yaml's `trust` list should follow it.
fn records(r: &Resolved, flags: &Flags) -> bool {
    let Some(setup) = &r.setup else {
        return false;
    };
    let own: Vec<String> = setup.registry_hosts();
    !flags.dry_run && !flags.per_user && r.request.hosts.iter().all(|h| own.contains(&h.dir_name()))
}

/// `trust install`.
pub(crate) fn install(dir: &Path, flags: &Flags) -> anyhow::Result<()> {
    let r = resolve(dir, flags, "install")?;
    if r.request.ca.is_none() {
        crate::ui::info(format_args!(
            "WARNING: --insecure lets clients use {} over plain HTTP: passwords and images cross the network in clear text, and anyone in between can change what is pulled. Use TLS (regctl init) wherever you can.",
            r.request.hosts[0].dir_name()
        ));
    }
    let plan = ops::plan_install(&r.request, &Disk)?;
    let mut ledger = Ledger::load(&r.ledger)?;
    let exec = Exec {
        scope: &r.request.scope,
        dry_run: flags.dry_run,
    };
    let result = ops::execute_install(&plan, &exec, &mut ledger);
    if !flags.dry_run {
        // What was done is recorded even when a later step failed.
        ledger.save(&r.ledger)?;
    }
    result?;
    if records(&r, flags)
        && let Some(setup) = &r.setup
    {
        let mut answers = setup.clone();
        let mut chosen = answers.trust.clone().unwrap_or_default();
        for s in &r.request.stores {
            if !chosen.contains(s) {
                chosen.push(*s);
            }
        }
        if answers.trust.as_ref() != Some(&chosen) {
            answers.trust = Some(chosen);
            answers.save(&r.layout.answers())?;
        }
    }
    Ok(())
}

/// `trust uninstall`: exactly what the ledger says was added.
pub(crate) fn uninstall(dir: &Path, flags: &Flags) -> anyhow::Result<()> {
    let r = resolve(dir, flags, "uninstall")?;
    if !r.ledger.is_file() {
        crate::ui::outln!(
            "nothing recorded in {} (no trust-ledger.json)",
            r.ledger.display()
        );
        return Ok(());
    }
    let mut ledger = Ledger::load(&r.ledger)?;
    let keys: Vec<String> = r
        .request
        .hosts
        .iter()
        .flat_map(|h| [h.ledger_key(), h.with_variant("next").ledger_key()])
        .collect();
    let entries: Vec<_> = ledger
        .entries
        .iter()
        .filter(|e| keys.contains(&e.registry))
        .filter(|e| flags.stores.is_empty() || flags.stores.contains(&e.store))
        .cloned()
        .collect();
    if entries.is_empty() {
        crate::ui::outln!(
            "nothing recorded for {} in {}",
            r.request.hosts[0].dir_name(),
            r.ledger.display()
        );
        return Ok(());
    }
    let plan = ops::plan_uninstall(&entries, &ledger, &Disk);
    let exec = Exec {
        scope: &r.request.scope,
        dry_run: flags.dry_run,
    };
    ops::execute_uninstall(&plan, &exec)?;
    if flags.dry_run {
        return Ok(());
    }
    for e in &entries {
        ledger.forget(&e.path, &e.registry);
    }
    ledger.save(&r.ledger)?;
    if records(&r, flags)
        && let Some(setup) = &r.setup
    {
        let mut answers = setup.clone();
        let left: Vec<StoreKind> = if flags.stores.is_empty() {
            Vec::new()
        } else {
            answers
                .trust_stores()
                .iter()
                .copied()
                .filter(|s| !flags.stores.contains(s))
                .collect()
        };
        if answers.trust.as_ref() != Some(&left) {
            answers.trust = Some(left);
            answers.save(&r.layout.answers())?;
        }
    }
    Ok(())
}

/// `trust status`.
pub(crate) fn status(dir: &Path, flags: &Flags) -> anyhow::Result<Vec<ops::StoreStatus>> {
    let r = resolve(dir, flags, "status")?;
    Ok(ops::status(&r.request, &Disk))
}

/// Installs the registry directory's CA (or, over plain HTTP, allows the
/// registry) into `stores` for every host of `setup`: `init`'s trust step.
pub(crate) fn install_for(
    layout: &RegistryDir,
    setup: &Setup,
    stores: &[StoreKind],
    root: &Path,
) -> anyhow::Result<()> {
    let ca =
        match setup.tls {
            crate::setup::TlsMode::None => None,
            _ => {
                let bytes =
                    fsutil::read(&layout.ca_cert()).context("cannot read the CA certificate")?;
                Some(super::check_ca_bundle(&bytes).with_context(|| {
                    format!("{} cannot be installed", layout.ca_cert().display())
                })?)
            }
        };
    let request = ops::Request {
        scope: Scope::Host {
            root: root.to_path_buf(),
        },
        hosts: setup
            .registry_hosts()
            .iter()
            .map(|h| RegistryAddr::parse(h))
            .collect::<Result<_, _>>()?,
        stores: stores.to_vec(),
        ca,
    };
    install_recorded(layout, &request)
}

/// Plans and carries out an install, keeping the directory's ledger (also
/// when a step failed, so what was done can be undone).
pub(crate) fn install_recorded(layout: &RegistryDir, request: &ops::Request) -> anyhow::Result<()> {
    let plan = ops::plan_install(request, &Disk)?;
    let mut ledger = Ledger::load(&layout.trust_ledger())?;
    let exec = Exec {
        scope: &request.scope,
        dry_run: false,
    };
    let result = ops::execute_install(&plan, &exec, &mut ledger);
    ledger.save(&layout.trust_ledger())?;
    result
}
