//! `regctl init`: answers (flags over regctl.yaml, or the wizard) → `Setup`
//! → facts about what exists → `Plan` → consent → `apply` → summary.
//!
//! Nothing is written before the plan is accepted, so an interrupted wizard
//! or a refused plan leaves the directory as it was.

mod passwords;
mod provided;

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};

use crate::apply::{self, ApplyContext};
use crate::cli::SetupFlags;
use crate::htpasswd::Htpasswd;
use crate::layout::RegistryDir;
use crate::plan::{self, CsrRequest, Options, ProvidedTls};
use crate::render::{self, Inputs, What};
use crate::setup::{Setup, Target, TlsMode};
use crate::trust::{self, StoreKind};
use crate::ui::{self, HintExt as _, outln};
pub(crate) use passwords::Sources;

/// Everything `init` was asked, from flags (the wizard may add answers).
pub(crate) struct Request {
    pub dir: PathBuf,
    pub answers: Option<PathBuf>,
    pub flags: SetupFlags,
    pub interactive: bool,
    pub dry_run: bool,
    pub force: bool,
    pub new_ca: bool,
    pub provided: crate::wizard::ProvidedFiles,
    pub key_type: crate::pki::KeyType,
    pub days: u32,
    pub passwords: Sources,
    pub root: Option<PathBuf>,
    pub start: bool,
    pub self_test: bool,
    pub apply: bool,
    pub templates: Option<PathBuf>,
}

/// The port must be free unless our own registry holds it.
pub(crate) fn check_port(port: u16) -> Result<(), String> {
    match crate::netinfo::port_free(port) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AddrInUse => Err(format!(
            "port {port} is already in use by another program: choose another with --port{}",
            crate::netinfo::next_free_port(port)
                .map(|p| format!(" ({p} is free)"))
                .unwrap_or_default()
        )),
        Err(e) if e.kind() == std::io::ErrorKind::PermissionDenied => Err(format!(
            "port {port} needs root (ports below 1024 are privileged): run as root or choose --port 5000"
        )),
        Err(e) => Err(format!("cannot use port {port}: {e}")),
    }
}

/// The answers before the flags: `--answers FILE`, else DIR/regctl.yaml.
fn base_setup(req: &Request, layout: &RegistryDir) -> anyhow::Result<Option<Setup>> {
    let from = match &req.answers {
        Some(p) => Some(p.clone()),
        None if layout.answers().exists() => Some(layout.answers()),
        None => None,
    };
    match from {
        Some(p) => Ok(Some(Setup::load(&p)?)),
        None => Ok(None),
    }
}

/// Users already in the htpasswd file (added by `user add` or by hand)
/// belong to the answers too: regctl.yaml records every one.
fn adopt_users(setup: &mut Setup, existing: &Htpasswd) {
    for e in existing.entries() {
        if !setup.users.contains(&e.user) {
            setup.users.push(e.user.clone());
        }
    }
}

/// The trust stores for this run: recorded in the answers, else (first
/// run) those found on this machine. Returns the stores to install into
/// now (none when not root on the real host) and records the choice.
fn trust_stores(setup: &mut Setup, root: &Path, explicit: bool) -> anyhow::Result<Vec<StoreKind>> {
    if setup.target == Target::Kubernetes {
        return Ok(Vec::new());
    }
    let chosen = match &setup.trust {
        Some(stores) => stores.clone(),
        // Plain HTTP changes client settings only when stores are named.
        None if setup.tls == TlsMode::None => Vec::new(),
        None => trust::detect(root),
    };
    if setup.tls == TlsMode::None && chosen.contains(&StoreKind::System) {
        bail!("--store system: plain HTTP has no CA to trust; name docker, containerd or podman");
    }
    let first_detection = setup.trust.is_none() && !explicit;
    setup.trust = Some(chosen.clone());
    if chosen.is_empty() {
        if first_detection && setup.tls != TlsMode::None {
            ui::note(format_args!(
                "no trust store found under {} (no system anchor directory, /etc/docker, /etc/containerd or /etc/containers), so the CA is installed nowhere on this machine; name one with --store STORE (--trust STORE)",
                root.display()
            ));
        }
        return Ok(Vec::new());
    }
    if !crate::platform::is_root() && root == Path::new("/") {
        let names: Vec<&str> = chosen.iter().map(|s| s.name()).collect();
        ui::note(format_args!(
            "not running as root, so the CA is not installed into {} yet (they need root); afterwards run:\n  sudo regctl trust install --dir DIR",
            names.join(", ")
        ));
        return Ok(Vec::new());
    }
    Ok(chosen)
}

/// The image pull Secret's dedicated user, when this run creates it: on
/// Kubernetes with users, when no pull credentials are kept and the user
/// named by `kubernetes.pull_user` does not exist yet.
fn new_pull_user(
    setup: &Setup,
    layout: &RegistryDir,
    existing: &Htpasswd,
) -> anyhow::Result<Option<String>> {
    let Some(user) = &setup.kubernetes.pull_user else {
        return Ok(None);
    };
    let wanted = setup.target == Target::Kubernetes
        && !setup.users.is_empty()
        && existing.get(user).is_none()
        && render::pull_credentials(layout)?.is_none();
    Ok(wanted.then(|| user.clone()))
}

/// Runs `init`.
pub(crate) fn run(mut req: Request) -> anyhow::Result<()> {
    let layout = RegistryDir::new(&req.dir);
    let dir = layout.root().to_path_buf();
    let base = base_setup(&req, &layout)?;
    let mut setup = Setup::resolve(base, &req.flags)?;
    let root = req.root.clone().unwrap_or_else(|| PathBuf::from("/"));
    let existing = Htpasswd::load(&layout.htpasswd(), true)
        .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", layout.htpasswd().display()))?;
    adopt_users(&mut setup, &existing);
    if req.interactive {
        let own_running = plan::facts::local_running(&dir, crate::lifecycle::systemd_running());
        let saved_port = setup.port;
        let port_ok = |p: u16| {
            if own_running && p == saved_port {
                Ok(())
            } else {
                check_port(p)
            }
        };
        let provided_ok = |files: &crate::wizard::ProvidedFiles, s: &Setup| -> Result<(), String> {
            match (&files.cert, &files.key, &files.ca) {
                (Some(c), Some(k), Some(ca)) => provided::check(&provided_tls(c, k, ca), s)
                    .map_err(|e| {
                        ui::error_lines(&e)
                            .join(" ")
                            .trim_start_matches("error: ")
                            .to_string()
                    }),
                _ => Err("give the certificate, its key and the CA".into()),
            }
        };
        let checks = crate::wizard::Checks {
            port_ok: &port_ok,
            provided_ok: &provided_ok,
        };
        let mut stores = setup.trust.clone().unwrap_or_else(|| trust::detect(&root));
        crate::wizard::run(&mut setup, &mut stores, &root, &mut req.provided, &checks)?;
        setup.trust = Some(stores);
    }
    setup.validate()?;
    let provided = provided::resolve(&setup, &req.provided)?;
    let explicit_stores = !req.flags.stores.is_empty();
    let stores = trust_stores(&mut setup, &root, explicit_stores || req.interactive)?;
    let pull_user = new_pull_user(&setup, &layout, &existing)?;
    if let Some(u) = &pull_user
        && !setup.users.contains(u)
    {
        setup.users.push(u.clone());
    }
    let pw = passwords::passwords(
        &req.passwords,
        &setup,
        &existing,
        &layout,
        pull_user.as_deref(),
    )?;
    let http_secret = match crate::fsutil::read_to_string(&layout.http_secret()) {
        Ok(t) if !t.trim().is_empty() => t.trim().to_string(),
        _ => hex::encode(crate::secret::random_bytes(32)?),
    };
    let inputs = Inputs {
        setup: &setup,
        dir: &dir,
        templates: req.templates.as_deref(),
        http_secret: http_secret.clone(),
        pull: None,
    };
    let what = match setup.target {
        Target::Local => What::Systemd,
        Target::Compose => What::Compose,
        Target::Kubernetes => What::Config,
    };
    let rendered = render::render(&inputs, what)?;
    let facts = plan::facts::gather(&layout, &setup, &rendered, &existing, provided.as_ref());
    if !facts.running && setup.target != Target::Kubernetes && req.start {
        check_port(setup.port).map_err(anyhow::Error::msg)?;
    }
    let signer_ca = signer_ca(&setup, &req)?;
    let csr = (setup.tls == TlsMode::KubernetesCsr).then(|| CsrRequest {
        signer: setup.kubernetes.csr.signer.clone(),
        node: setup
            .kubernetes
            .csr
            .node_name
            .clone()
            .unwrap_or_else(|| crate::certs::DEFAULT_CSR_NODE.into()),
        approve: setup.kubernetes.csr.approve,
        kubectl: setup.kubernetes.kubectl().flags,
    });
    let opts = Options {
        csr,
        new_ca: req.new_ca,
        key_type: req.key_type,
        days: req.days,
        ca_days: crate::pki::issue::DEFAULT_CA_DAYS,
        ca_name: crate::certs::default_ca_name(),
        provided: provided.clone(),
        trust: stores,
        trust_root: root.clone(),
        new_passwords: pw.new.iter().map(|(u, (_, o))| (u.clone(), *o)).collect(),
        http_secret,
        start: req.start,
        self_test: req.self_test,
        kubectl_apply: req.apply.then(|| setup.kubernetes.kubectl().flags),
        exe: std::env::current_exe().context("cannot find the regctl binary")?,
    };
    let the_plan = plan::plan(&setup, &opts, &facts, &rendered);
    if !req.dry_run {
        preflight_writable(&dir)?;
    }
    if req.interactive {
        crate::wizard::summary_heading();
    }
    outln!("Plan for {} ({}):", dir.display(), setup.registry_host());
    crate::ui::out!("{the_plan}");
    if !the_plan.changes_anything() {
        outln!("(nothing to change; the checks run again)");
    }
    if setup.target == Target::Kubernetes
        && (pull_user.is_some() || render::pull_credentials(&layout)?.is_some())
    {
        for warning in render::missing_pull_namespaces(&setup) {
            ui::warn(warning);
        }
    }
    if req.dry_run {
        outln!("(dry run: nothing was changed)");
        return Ok(());
    }
    consent(&the_plan, &req)?;
    if req.interactive && !crate::wizard::confirm("Apply?", true)? {
        outln!("nothing was changed");
        return Ok(());
    }
    let ctx = ApplyContext {
        setup: &setup,
        layout: &layout,
        templates: req.templates.as_deref(),
        exe: &opts.exe,
        passwords: pw
            .new
            .iter()
            .map(|(u, (p, _))| (u.clone(), p.clone()))
            .collect(),
        self_test_login: pw.self_test.clone(),
        http_secret: &opts.http_secret,
        signer_ca,
    };
    let report = apply::run(&the_plan, &ctx)?;
    apply::summary(&ctx, &report);
    Ok(())
}

/// The signer's CA for `tls: kubernetes-csr`: `--signer-ca` (or `--ca`),
/// recorded in regctl.yaml.
fn signer_ca(setup: &Setup, req: &Request) -> anyhow::Result<Option<String>> {
    if setup.tls != TlsMode::KubernetesCsr {
        return Ok(None);
    }
    let path = setup
        .kubernetes
        .csr
        .signer_ca
        .clone()
        .or_else(|| req.provided.ca.clone());
    match path {
        Some(p) => Ok(Some(
            crate::fsutil::read_to_string(&p)
                .context("cannot read the signer's CA (--signer-ca)")?,
        )),
        None => Ok(None),
    }
}

/// Replacements need `--force` or a yes on the terminal.
fn consent(the_plan: &plan::Plan, req: &Request) -> anyhow::Result<()> {
    let replacing = the_plan.replacements();
    if replacing.is_empty() || req.force {
        return Ok(());
    }
    let list: Vec<String> = replacing
        .iter()
        .map(|s| format!("  {}", s.action))
        .collect();
    if !req.interactive {
        bail!(
            "these would be replaced:\n{}\nre-run with --force to replace them (the CA is kept unless --new-ca), or change the answers back",
            list.join("\n")
        );
    }
    if !crate::wizard::confirm(&format!("Replace these?\n{}", list.join("\n")), false)? {
        bail!("nothing was changed");
    }
    Ok(())
}

/// Refuses before the first step when the directory cannot be written,
/// instead of failing halfway (an unprivileged user in a root-owned place).
fn preflight_writable(dir: &Path) -> anyhow::Result<()> {
    let mut probe_dir = dir.to_path_buf();
    while !probe_dir.exists() {
        match probe_dir.parent() {
            Some(p) => probe_dir = p.to_path_buf(),
            None => break,
        }
    }
    let probe = tempfile::Builder::new()
        .prefix(".regctl-probe")
        .tempfile_in(&probe_dir);
    probe
        .map(|_| ())
        .with_context(|| format!("cannot write in {}", probe_dir.display()))
        .hint(|| {
            format!(
                "choose a directory you can write with --dir, or run as a user who can write {}",
                probe_dir.display()
            )
        })
}

/// A provided certificate as the plan sees it (absolute paths).
pub(crate) fn provided_tls(cert: &Path, key: &Path, ca: &Path) -> ProvidedTls {
    ProvidedTls {
        cert: crate::fsutil::absolute(cert),
        key: crate::fsutil::absolute(key),
        ca: crate::fsutil::absolute(ca),
    }
}
