//! `regctl init`: answers (flags, a replayed file, or the wizard) → `Setup`
//! → facts about what exists → `Plan` → consent → `apply`.
//!
//! Nothing is written before the plan is accepted, so an interrupted wizard
//! or a refused plan leaves the directory as it was.

use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, bail};
use time::OffsetDateTime;

use super::absolute;
use super::apply::{self, ApplyContext};
use crate::cli::{EngineArg, InitArgs, TargetArg, TlsArg};
use crate::fsutil;
use crate::htpasswd::Htpasswd;
use crate::layout::RegistryDir;
use crate::netinfo;
use crate::pki::{self, LintOptions, Role, Severity};
use crate::plan::{self, CertState, Facts, Options, PasswordOrigin, ProvidedTls};
use crate::render::{self, Inputs, What};
use crate::secret::{self, PasswordSource};
use crate::service::{self, Detached};
use crate::setup::{Engine, ServiceType, Setup, Target, TlsMode};
use crate::trust::{self, StoreKind};
use crate::wizard;

/// The default user of a password-protected registry.
pub(super) const DEFAULT_USER: &str = "admin";

/// The hosts offered when none are given: this machine's name, localhost,
/// loopback and its addresses (what `hostname -I` shows).
pub(super) fn default_hosts() -> Vec<String> {
    let mut hosts = Vec::new();
    if let Some(h) = netinfo::hostname() {
        hosts.push(h);
    }
    for h in ["localhost", "127.0.0.1"] {
        if !hosts.iter().any(|x| x == h) {
            hosts.push(h.to_string());
        }
    }
    hosts.extend(netinfo::host_addresses().iter().map(ToString::to_string));
    hosts
}

fn base_setup(args: &InitArgs, layout: &RegistryDir) -> anyhow::Result<Setup> {
    let saved = layout.answers();
    let from = match &args.config {
        Some(p) => Some(p.clone()),
        None if saved.exists() => Some(saved),
        None => None,
    };
    match from {
        Some(p) => Ok(Setup::load(&p)?),
        None => {
            let mut s: Setup =
                serde_norway::from_str("hosts: []\n").context("building the default answers")?;
            s.hosts = default_hosts();
            s.users = vec![DEFAULT_USER.to_string()];
            Ok(s)
        }
    }
}

/// Flags override the base answers.
fn apply_flags(s: &mut Setup, args: &InitArgs) -> anyhow::Result<()> {
    if let Some(t) = args.target {
        s.target = match t {
            TargetArg::Local => Target::Local,
            TargetArg::Compose => Target::Compose,
            TargetArg::Kubernetes => Target::Kubernetes,
        };
    }
    if !args.hosts.is_empty() {
        s.hosts = Vec::new();
        for h in &args.hosts {
            let h = h.trim().to_ascii_lowercase();
            if !s.hosts.contains(&h) {
                s.hosts.push(h);
            }
        }
    }
    if let Some(p) = args.port {
        s.port = p;
    }
    if let Some(t) = args.tls {
        s.tls = match t {
            TlsArg::OwnCa => TlsMode::OwnCa,
            TlsArg::Provided => TlsMode::Provided,
            TlsArg::KubernetesCsr => TlsMode::KubernetesCsr,
            TlsArg::None => TlsMode::None,
        };
    } else if args.cert.is_some() {
        s.tls = TlsMode::Provided;
    }
    if !args.users.is_empty() {
        s.users = args.users.clone();
    }
    if let Some(d) = &args.data_dir {
        s.storage.data_dir = d.clone();
    }
    if let Some(z) = &args.size {
        s.storage.size = z.clone();
    }
    if args.no_delete {
        s.storage.delete_enabled = false;
    }
    if let Some(g) = &args.gc_schedule {
        s.storage.gc_schedule = g.clone();
    }
    if let Some(e) = args.engine {
        s.engine = match e {
            EngineArg::Bundled => Engine::Bundled,
            EngineArg::Distribution => Engine::Distribution,
        };
    }
    if let Some(image) = &args.image {
        s.image = Some(image.clone());
    }
    if args.redis {
        s.redis = true;
    }
    if let Some(r) = args.replicas {
        s.replicas = r;
        if r > 1 {
            s.storage.access_mode = "ReadWriteMany".into();
        }
    }
    if let Some(ns) = &args.namespace {
        s.kubernetes.namespace = ns.clone();
    }
    if let Some(h) = &args.ingress_host {
        s.kubernetes.ingress = Some(crate::setup::Ingress {
            host: h.clone(),
            class: Default::default(),
        });
    }
    if let Some(t) = &args.service_type {
        s.kubernetes.service_type = match t.to_ascii_lowercase().as_str() {
            "clusterip" => ServiceType::ClusterIP,
            "nodeport" => ServiceType::NodePort,
            "loadbalancer" => ServiceType::LoadBalancer,
            _ => bail!("--service-type: `{t}` is not ClusterIP, NodePort or LoadBalancer"),
        };
    }
    if args.pin_control_plane {
        s.kubernetes.pin_control_plane = true;
    }
    Ok(())
}

/// Trust stores from `--trust`, or those detected here.
fn trust_stores(args: &InitArgs, root: &Path) -> anyhow::Result<Vec<StoreKind>> {
    if args.trust.iter().any(|t| t == "none") {
        if args.trust.len() > 1 {
            bail!("--trust none cannot be combined with other stores");
        }
        return Ok(Vec::new());
    }
    if args.trust.is_empty() {
        return Ok(trust::detect(root));
    }
    args.trust
        .iter()
        .map(|name| StoreKind::parse(name).context("--trust (or `none`)"))
        .collect()
}

fn is_root() -> bool {
    rustix::process::geteuid().is_root()
}

/// Whether the existing server certificate still serves every host.
fn server_cert_state(layout: &RegistryDir, setup: &Setup) -> Option<CertState> {
    let cert = fsutil::read(&layout.server_cert()).ok()?;
    let stale = |why: String| Some(CertState::Stale(why));
    let Ok(ders) = pki::certs_from_bytes(&cert) else {
        return stale("certs/registry.crt is not a certificate".into());
    };
    let anchors = fsutil::read(&layout.ca_cert())
        .ok()
        .and_then(|b| pki::certs_from_bytes(&b).ok());
    let Some(key_text) = fsutil::read_to_string(&layout.server_key())
        .ok()
        .filter(|k| pki::keys::load_pem(k).is_ok())
    else {
        return stale("certs/registry.key is missing or unreadable".into());
    };
    for host in &setup.hosts {
        let opts = LintOptions {
            role: Role::Server,
            host: Some(host.clone()),
            key: pki::keys::load_pem(&key_text).ok(),
            anchors: anchors.clone(),
            intermediates: Vec::new(),
            now: OffsetDateTime::now_utc(),
        };
        let report = pki::lint::lint(&ders[0], &opts).ok()?;
        if let Some(f) = report
            .findings
            .iter()
            .find(|f| f.severity == Severity::Error || f.code == "expiring-soon")
        {
            return stale(f.message.clone());
        }
    }
    Some(CertState::Fine)
}

/// Checks a brought certificate with the `cert inspect` lints before
/// anything is copied.
fn check_provided(p: &ProvidedTls, setup: &Setup) -> anyhow::Result<()> {
    let cert = fsutil::read(&p.cert).context("reading --cert")?;
    let ders = pki::certs_from_bytes(&cert)
        .with_context(|| format!("{} is not a certificate", p.cert.display()))?;
    let key_text = fsutil::read_to_string(&p.key).context("reading --key")?;
    let ca = fsutil::read(&p.ca).context("reading --ca")?;
    trust::check_ca(&ca).with_context(|| format!("--ca {}", p.ca.display()))?;
    let anchors = pki::certs_from_bytes(&ca)?;
    for host in &setup.hosts {
        let opts = LintOptions {
            role: Role::Server,
            host: Some(host.clone()),
            key: Some(
                pki::keys::load_pem(&key_text)
                    .with_context(|| format!("{} is not a private key", p.key.display()))?,
            ),
            anchors: Some(anchors.clone()),
            intermediates: ders[1..].to_vec(),
            now: OffsetDateTime::now_utc(),
        };
        let report = pki::lint::lint(&ders[0], &opts)?;
        if let Some(f) = report
            .findings
            .iter()
            .find(|f| f.severity == Severity::Error)
        {
            bail!(
                "--cert {} cannot serve {host}: {} (fix: {})",
                p.cert.display(),
                f.message,
                f.fix
            );
        }
    }
    Ok(())
}

fn compose_tool() -> Option<Vec<String>> {
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

fn compose_running(tool: &[String], dir: &Path) -> bool {
    std::process::Command::new(&tool[0])
        .args(&tool[1..])
        .args(["ps", "-q"])
        .current_dir(dir)
        .stderr(std::process::Stdio::null())
        .output()
        .is_ok_and(|o| o.status.success() && !o.stdout.trim_ascii().is_empty())
}

fn local_running(dir: &Path, systemd: bool) -> bool {
    if systemd && Path::new(service::UNIT_PATH).exists() {
        return std::process::Command::new("systemctl")
            .args(["is-active", "--quiet", service::UNIT])
            .status()
            .is_ok_and(|s| s.success());
    }
    matches!(Detached::new(dir).state(), service::State::Running(_))
}

/// The port must be free unless our own registry holds it.
fn check_port(port: u16) -> Result<(), String> {
    match netinfo::port_free(port) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AddrInUse => Err(format!(
            "port {port} is already in use by another program: choose another with --port{}",
            netinfo::next_free_port(port)
                .map(|p| format!(" ({p} is free)"))
                .unwrap_or_default()
        )),
        Err(e) if e.kind() == std::io::ErrorKind::PermissionDenied => Err(format!(
            "port {port} needs root (ports below 1024 are privileged): run as root or choose --port 5000"
        )),
        Err(e) => Err(format!("cannot use port {port}: {e}")),
    }
}

fn random_secret(bytes: usize) -> anyhow::Result<Vec<u8>> {
    let mut raw = vec![0u8; bytes];
    getrandom::fill(&mut raw).map_err(|e| anyhow::anyhow!("no randomness: {e}"))?;
    Ok(raw)
}

/// A 24-character password from an alphabet without look-alikes (~140 bits).
fn generate_password() -> anyhow::Result<String> {
    const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
    let mut out = String::new();
    while out.len() < 24 {
        for b in random_secret(32)? {
            // Rejection sampling keeps every character equally likely.
            if usize::from(b) < 256 - 256 % ALPHABET.len() && out.len() < 24 {
                out.push(char::from(ALPHABET[usize::from(b) % ALPHABET.len()]));
            }
        }
    }
    Ok(out)
}

/// Passwords for new users, and one known password for the self-test.
struct Passwords {
    new: BTreeMap<String, (String, PasswordOrigin)>,
    self_test: Option<(String, String)>,
}

fn passwords(
    args: &InitArgs,
    setup: &Setup,
    existing: &Htpasswd,
    layout: &RegistryDir,
    interactive: bool,
) -> anyhow::Result<Passwords> {
    let new_users: Vec<&String> = setup
        .users
        .iter()
        .filter(|u| existing.get(u).is_none())
        .collect();
    let source = if args.password_stdin {
        Some(PasswordSource::Stdin)
    } else {
        args.password_env.clone().map(PasswordSource::Env)
    };
    let given = match &source {
        Some(src) => Some(secret::read_password(src, "Password").context("reading the password")?),
        None => None,
    };
    let mut new = BTreeMap::new();
    if given.is_some() && new_users.len() > 1 {
        bail!(
            "--password-stdin/--password-env give one password, but {} users are new ({}): add them one per run, or use --generate-password",
            new_users.len(),
            new_users
                .iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    for user in &new_users {
        let (pw, origin) = match &given {
            Some(pw) => (pw.clone(), PasswordOrigin::Given),
            None if interactive && !args.generate_password => match wizard::ask_password(user)? {
                (_, PasswordOrigin::Generated) => (generate_password()?, PasswordOrigin::Generated),
                given => given,
            },
            None => (generate_password()?, PasswordOrigin::Generated),
        };
        new.insert(user.to_string(), (pw, origin));
    }
    // The self-test logs in as a user whose password is known.
    let mut self_test = new.iter().next().map(|(u, (p, _))| (u.clone(), p.clone()));
    if self_test.is_none()
        && let Some(pw) = &given
    {
        match setup
            .users
            .iter()
            .find(|u| existing.verify(u, pw).unwrap_or(false))
        {
            Some(u) => self_test = Some((u.clone(), pw.clone())),
            None => crate::ui::warn(format_args!(
                "the password given matches none of the existing users ({}); their passwords are kept (change one with `regctl htpasswd add {} USER`)",
                setup.users.join(", "),
                layout.htpasswd().display()
            )),
        }
    }
    if self_test.is_none() {
        for u in &setup.users {
            let file = layout.root().join(plan::generated_password_file(u));
            if let Ok(pw) = fsutil::read_to_string(&file) {
                let pw = pw.trim().to_string();
                if existing.verify(u, &pw).unwrap_or(false) {
                    self_test = Some((u.clone(), pw));
                    break;
                }
            }
        }
    }
    Ok(Passwords { new, self_test })
}

fn gather_facts(
    layout: &RegistryDir,
    setup: &Setup,
    rendered: &[render::Rendered],
    existing: &Htpasswd,
    provided: Option<&ProvidedTls>,
) -> Facts {
    let mut files = BTreeMap::new();
    let mut paths: Vec<PathBuf> = rendered.iter().map(|r| r.path.clone()).collect();
    paths.push("auth/http-secret".into());
    paths.push("regctl.yaml".into());
    for p in paths {
        if let Ok(bytes) = std::fs::read(layout.root().join(&p)) {
            files.insert(p, bytes);
        }
    }
    let server_cert = match provided {
        Some(p) => std::fs::read(layout.server_fullchain()).ok().map(|old| {
            if std::fs::read(&p.cert).is_ok_and(|new| new == old) {
                CertState::Fine
            } else {
                CertState::Stale("a different certificate was given".into())
            }
        }),
        None => server_cert_state(layout, setup),
    };
    let systemd = service::systemd_running();
    let compose = match setup.target {
        Target::Compose => compose_tool(),
        _ => None,
    };
    let running = match setup.target {
        Target::Local => local_running(layout.root(), systemd),
        Target::Compose => compose
            .as_ref()
            .is_some_and(|t| compose_running(t, layout.root())),
        Target::Kubernetes => false,
    };
    let image_missing = setup.target == Target::Compose
        && setup.engine == Engine::Bundled
        && setup.image.is_none()
        && compose.is_some()
        && !std::process::Command::new("docker")
            .args(["image", "inspect", render::BUNDLED_IMAGE])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
    Facts {
        image_missing,
        root: is_root(),
        dir: layout.root().to_path_buf(),
        ca_exists: layout.ca_cert().exists() && layout.ca_key().exists(),
        server_cert,
        users: existing.entries().map(|e| e.user.clone()).collect(),
        files,
        systemd,
        running,
        compose,
    }
}

pub(super) fn run(dir: &Path, args: &InitArgs) -> anyhow::Result<ExitCode> {
    let dir = absolute(dir)?;
    let layout = RegistryDir::new(&dir);
    let interactive =
        !args.yes && std::io::stdin().is_terminal() && std::io::stderr().is_terminal();
    let mut setup = base_setup(args, &layout)?;
    apply_flags(&mut setup, args)?;
    let root_user = is_root();
    let trust_root = args
        .trust_root
        .clone()
        .unwrap_or_else(|| PathBuf::from("/"));
    let mut stores = trust_stores(args, &trust_root)?;
    let mut files = wizard::ProvidedFiles {
        cert: args.cert.clone(),
        key: args.key.clone(),
        ca: args.ca.clone(),
    };
    if interactive {
        let own_running = local_running(&dir, service::systemd_running());
        let saved_port = setup.port;
        let port_ok = |p: u16| {
            if own_running && p == saved_port {
                Ok(())
            } else {
                check_port(p)
            }
        };
        wizard::run(&mut setup, &mut stores, &trust_root, &mut files, &port_ok)?;
    }
    setup.validate()?;
    let provided = match setup.tls {
        TlsMode::Provided => {
            let (Some(cert), Some(key)) = (&files.cert, &files.key) else {
                bail!("--tls provided needs --cert FILE --key FILE --ca FILE");
            };
            let ca = files.ca.clone().ok_or_else(|| {
                anyhow::anyhow!("--tls provided needs --ca FILE (the CA clients trust)")
            })?;
            let p = ProvidedTls {
                cert: absolute(cert)?,
                key: absolute(key)?,
                ca: absolute(&ca)?,
            };
            check_provided(&p, &setup)?;
            Some(p)
        }
        _ => None,
    };
    // Plain HTTP changes client settings only when stores are named; the
    // CA-less default is advice in the summary.
    let insecure_default = setup.tls == TlsMode::None && args.trust.is_empty();
    if insecure_default || setup.target == Target::Kubernetes {
        stores.clear();
    }
    if setup.tls == TlsMode::None && stores.contains(&StoreKind::System) {
        bail!("--trust system: plain HTTP has no CA to trust; name docker, containerd or podman");
    }
    if !root_user && trust_root == Path::new("/") && !stores.is_empty() {
        let names: Vec<&str> = stores.iter().map(|s| s.name()).collect();
        crate::ui::note(format_args!(
            "not running as root, so the CA is not installed into {} (they need root); afterwards run:\n  sudo regctl trust install --dir {} --registry {} --store {}",
            names.join(", "),
            dir.display(),
            setup.registry_host(),
            names.join(" --store ")
        ));
        stores.clear();
    }
    let detected_none = args.trust.is_empty()
        && stores.is_empty()
        && setup.tls != TlsMode::None
        && setup.target != Target::Kubernetes;
    if detected_none {
        crate::ui::note(format_args!(
            "no trust store found under {} (no system anchor directory, /etc/docker, /etc/containerd or /etc/containers), so the CA is installed nowhere on this machine; name one with --trust STORE, or later: regctl trust install --dir {} --registry {} --store STORE",
            trust_root.display(),
            dir.display(),
            setup.registry_host()
        ));
    }

    let existing = Htpasswd::load(&layout.htpasswd(), true)
        .with_context(|| format!("reading {}", layout.htpasswd().display()))?;
    let pw = passwords(args, &setup, &existing, &layout, interactive)?;
    let http_secret = match fsutil::read_to_string(&layout.http_secret()) {
        Ok(t) if !t.trim().is_empty() => t.trim().to_string(),
        _ => hex::encode(random_secret(32)?),
    };
    let inputs = Inputs {
        setup: &setup,
        dir: &dir,
        templates: args.templates.as_deref(),
        http_secret: http_secret.clone(),
        pull: None,
    };
    let what = match setup.target {
        Target::Local => What::Systemd,
        Target::Compose => What::Compose,
        Target::Kubernetes => What::Config,
    };
    let rendered = render::render(&inputs, what)?;
    let facts = gather_facts(&layout, &setup, &rendered, &existing, provided.as_ref());
    if !facts.running && setup.target != Target::Kubernetes && !args.no_start {
        check_port(setup.port).map_err(anyhow::Error::msg)?;
    }
    let kubectl =
        crate::kube::Kubectl::new(args.context.as_deref(), args.kubeconfig.as_deref()).flags;
    let csr = (setup.tls == TlsMode::KubernetesCsr).then(|| plan::CsrRequest {
        signer: args.signer.clone(),
        node: args
            .node_name
            .clone()
            .or_else(netinfo::hostname)
            .unwrap_or_else(|| "registry".into()),
        approve: args.approve,
        kubectl: kubectl.clone(),
    });
    let opts = Options {
        csr,
        new_ca: args.new_ca,
        key_type: args.key_opts.key_type,
        days: args.key_opts.days,
        ca_days: pki::issue::DEFAULT_CA_DAYS,
        ca_name: match netinfo::hostname() {
            Some(h) => format!("regctl CA ({h})"),
            None => "regctl CA".into(),
        },
        provided: provided.clone(),
        trust: stores,
        trust_root: trust_root.clone(),
        new_passwords: pw.new.iter().map(|(u, (_, o))| (u.clone(), *o)).collect(),
        http_secret,
        start: !args.no_start,
        self_test: !args.no_self_test,
        kubectl_apply: args.apply.then_some(kubectl),
        exe: std::env::current_exe().context("finding the regctl binary")?,
    };
    let the_plan = plan::plan(&setup, &opts, &facts, &rendered);
    if interactive {
        wizard::summary_heading();
    }
    crate::ui::outln!("Plan for {} ({}):", dir.display(), setup.registry_host());
    crate::ui::out!("{the_plan}");
    if args.dry_run {
        crate::ui::outln!("(dry run: nothing was changed)");
        return Ok(ExitCode::SUCCESS);
    }
    let replacing = the_plan.replacements();
    if !replacing.is_empty() && !args.force {
        let list: Vec<String> = replacing
            .iter()
            .map(|s| format!("  {}", s.action))
            .collect();
        if !interactive {
            bail!(
                "these would be replaced:\n{}\nre-run with --force to replace them (the CA is kept unless --new-ca), or change the answers back",
                list.join("\n")
            );
        }
        if !wizard::confirm(&format!("Replace these?\n{}", list.join("\n")), false)? {
            bail!("nothing was changed");
        }
    }
    if interactive && !wizard::confirm("Apply?", true)? {
        crate::ui::outln!("nothing was changed");
        return Ok(ExitCode::SUCCESS);
    }
    let ctx = ApplyContext {
        setup: &setup,
        layout: &layout,
        templates: args.templates.as_deref(),
        exe: &opts.exe,
        passwords: pw
            .new
            .iter()
            .map(|(u, (p, _))| (u.clone(), p.clone()))
            .collect(),
        self_test_login: pw.self_test.clone(),
        http_secret: &opts.http_secret,
    };
    let report = apply::run(&the_plan, &ctx)?;
    apply::summary(&ctx, &report, &the_plan);
    Ok(ExitCode::SUCCESS)
}
