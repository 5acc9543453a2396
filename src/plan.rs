//! `Setup` → `Plan`: everything `init` will do, decided before anything is
//! touched.
//!
//! Planning is pure: it reads nothing from disk or the network. What exists
//! already (the CA, the certificate, users, the current contents of each
//! file, whether the registry runs) arrives as [`Facts`], gathered by the
//! command beforehand. So `--dry-run` shows exactly what a real run does, a
//! second run can see that nothing changes, and every decision is testable
//! by value.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use crate::fsutil::{MODE_PUBLIC, MODE_SECRET};
use crate::pki::{KeyType, San};
use crate::render::Rendered;
use crate::setup::{Setup, Target, TlsMode};
use crate::trust::StoreKind;

/// What exists before the run.
#[derive(Debug, Clone, Default)]
pub struct Facts {
    /// The registry directory (absolute).
    pub dir: PathBuf,
    /// `certs/ca.crt` and `certs/ca.key` both exist.
    pub ca_exists: bool,
    /// The current server certificate, when there is one.
    pub server_cert: Option<CertState>,
    /// Users already in `auth/htpasswd`.
    pub users: Vec<String>,
    /// Current contents of the files the plan may write (relative paths).
    pub files: BTreeMap<PathBuf, Vec<u8>>,
    /// systemd runs this machine (`/run/systemd/system`).
    pub systemd: bool,
    /// The local registry is running (detached pid or systemd unit).
    pub running: bool,
    /// The command that runs compose here (`docker compose` or `docker-compose`).
    pub compose: Option<Vec<String>>,
    /// The bundled image the compose file names is not in the local engine.
    pub image_missing: bool,
    /// This run is root (it can hand files to the container's user).
    pub root: bool,
}

/// Whether the existing server certificate can stay.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CertState {
    /// Covers every host, chains to the CA, not close to expiry (or, for a
    /// brought certificate, is the same one).
    Fine,
    /// Must be reissued, and why.
    Stale(String),
}

/// Choices that are not answers in `regctl.yaml` (they belong to this run
/// or this machine).
#[derive(Debug, Clone)]
pub struct Options {
    pub new_ca: bool,
    pub key_type: KeyType,
    pub days: u32,
    pub ca_days: u32,
    pub ca_name: String,
    /// A brought certificate (already validated by the command).
    pub provided: Option<ProvidedTls>,
    /// How the cluster signs, for `tls: kubernetes-csr`.
    pub csr: Option<CsrRequest>,
    /// Trust stores on this machine to install the CA into.
    pub trust: Vec<StoreKind>,
    /// Root for trust changes (`/`, or a staging directory).
    pub trust_root: PathBuf,
    /// New users and whether their password is generated.
    pub new_passwords: BTreeMap<String, PasswordOrigin>,
    /// `http.secret` (the existing one, or fresh).
    pub http_secret: String,
    /// Start (or restart) the registry.
    pub start: bool,
    /// Run the self-test after starting.
    pub self_test: bool,
    /// `kubectl apply -k` for the kubernetes target, with extra kubectl flags.
    pub kubectl_apply: Option<Vec<String>>,
    /// The regctl binary the detached registry runs.
    pub exe: PathBuf,
}

/// Where a new user's password comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PasswordOrigin {
    /// Typed or piped in by the person.
    Given,
    /// Generated; printed once and kept in a 0600 file.
    Generated,
}

/// A CertificateSigningRequest to have the cluster sign.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CsrRequest {
    pub signer: String,
    pub node: String,
    pub approve: bool,
    /// `--context`/`--kubeconfig` for kubectl.
    pub kubectl: Vec<String>,
}

/// A certificate, key and CA the person brought.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProvidedTls {
    pub cert: PathBuf,
    pub key: PathBuf,
    pub ca: PathBuf,
}

/// Whether a step changes anything.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    Create,
    /// Replaces something that exists; needs consent (a prompt or `--force`).
    Replace(String),
    /// Already as wanted; shown, not done.
    Keep,
    /// Always runs (commands, checks).
    Run,
}

/// One thing to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    CreateCa {
        common_name: String,
        key_type: KeyType,
        days: u32,
    },
    IssueServerCert {
        sans: Vec<San>,
        key_type: KeyType,
        days: u32,
    },
    ImportTls(ProvidedTls),
    /// The cluster signs the server certificate (kubectl).
    KubernetesCsr {
        sans: Vec<San>,
        key_type: KeyType,
        days: u32,
        request: CsrRequest,
    },
    AddUser {
        user: String,
        origin: PasswordOrigin,
    },
    WriteFile {
        path: PathBuf,
        mode: u32,
        contents: String,
    },
    /// Kubernetes manifests: rendered once certificates and users exist.
    RenderKubernetes,
    InstallTrust {
        stores: Vec<StoreKind>,
        root: PathBuf,
        registry: String,
        /// Plain HTTP: allow the registry as insecure instead of trusting a CA.
        insecure: bool,
    },
    /// Plain HTTP: what each client needs, printed (nothing can make it secure).
    InsecureAdvice {
        registry: String,
    },
    StartDetached {
        restart: bool,
    },
    StartSystemd {
        restart: bool,
    },
    RunCommand {
        argv: Vec<String>,
        cwd: PathBuf,
    },
    /// `regctl image build` for the compose file's bundled image.
    BuildImage {
        tag: String,
    },
    /// Hand the files the container reads (key, htpasswd, config, data) to
    /// its non-root user.
    ChownForContainer {
        uid: u32,
    },
    WaitHealthy,
    SelfTest,
}

/// One step of the plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    pub action: Action,
    pub change: Change,
}

/// The ordered steps.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    pub steps: Vec<Step>,
}

impl Plan {
    /// Steps that replace existing things (they need consent).
    pub fn replacements(&self) -> Vec<&Step> {
        self.steps
            .iter()
            .filter(|s| matches!(s.change, Change::Replace(_)))
            .collect()
    }

    /// Whether any step changes something.
    pub fn changes_anything(&self) -> bool {
        self.steps
            .iter()
            .any(|s| !matches!(s.change, Change::Keep | Change::Run))
    }
}

fn password_file(user: &str) -> PathBuf {
    PathBuf::from("auth").join(format!("{user}.password"))
}

fn file_change(facts: &Facts, path: &Path, contents: &str) -> Change {
    match facts.files.get(path) {
        None => Change::Create,
        Some(old) if old == contents.as_bytes() => Change::Keep,
        Some(_) => Change::Replace("contents differ".into()),
    }
}

/// Decides every step. `rendered` are the files `render` produced for these
/// answers (config.yml, and compose file or systemd unit by target).
pub fn plan(setup: &Setup, opts: &Options, facts: &Facts, rendered: &[Rendered]) -> Plan {
    let mut steps = Vec::new();
    let mut push = |action, change| steps.push(Step { action, change });
    let tls = setup.tls != TlsMode::None;
    let registry = setup.registry_host();

    // Certificates.
    let mut certs_changed = false;
    match (&setup.tls, &opts.provided) {
        (TlsMode::None, _) => {}
        (TlsMode::KubernetesCsr, _) => {
            let change = match &facts.server_cert {
                None => Change::Create,
                Some(CertState::Fine) => Change::Keep,
                Some(CertState::Stale(why)) => Change::Replace(why.clone()),
            };
            certs_changed = change != Change::Keep;
            if let Some(request) = &opts.csr {
                push(
                    Action::KubernetesCsr {
                        sans: setup.hosts.iter().filter_map(|h| h.parse().ok()).collect(),
                        key_type: opts.key_type,
                        days: opts.days,
                        request: request.clone(),
                    },
                    change,
                );
            }
        }
        (TlsMode::Provided, Some(p)) => {
            let change = match &facts.server_cert {
                None => Change::Create,
                Some(CertState::Fine) => Change::Keep,
                Some(CertState::Stale(why)) => Change::Replace(why.clone()),
            };
            certs_changed = change != Change::Keep;
            push(Action::ImportTls(p.clone()), change);
        }
        _ => {
            let ca_change = match (facts.ca_exists, opts.new_ca) {
                (false, _) => Change::Create,
                (true, true) => {
                    Change::Replace("--new-ca: every client must trust the new CA".into())
                }
                (true, false) => Change::Keep,
            };
            let ca_new = ca_change != Change::Keep;
            push(
                Action::CreateCa {
                    common_name: opts.ca_name.clone(),
                    key_type: opts.key_type,
                    days: opts.ca_days,
                },
                ca_change,
            );
            let cert_change = match &facts.server_cert {
                None => Change::Create,
                Some(_) if ca_new => Change::Replace("the CA is new".into()),
                Some(CertState::Fine) => Change::Keep,
                Some(CertState::Stale(why)) => Change::Replace(why.clone()),
            };
            certs_changed = cert_change != Change::Keep;
            let sans = setup
                .hosts
                .iter()
                .filter_map(|h| h.parse::<San>().ok())
                .collect();
            push(
                Action::IssueServerCert {
                    sans,
                    key_type: opts.key_type,
                    days: opts.days,
                },
                cert_change,
            );
        }
    }

    // Users: existing ones are kept with their passwords.
    for user in &setup.users {
        if facts.users.contains(user) {
            push(
                Action::AddUser {
                    user: user.clone(),
                    origin: PasswordOrigin::Given,
                },
                Change::Keep,
            );
        } else {
            let origin = opts
                .new_passwords
                .get(user)
                .copied()
                .unwrap_or(PasswordOrigin::Generated);
            push(
                Action::AddUser {
                    user: user.clone(),
                    origin,
                },
                Change::Create,
            );
        }
    }

    // Files.
    let mut files_changed = certs_changed;
    let mut write =
        |path: PathBuf, mode: u32, contents: String, push: &mut dyn FnMut(Action, Change)| {
            let change = file_change(facts, &path, &contents);
            if change != Change::Keep {
                files_changed = true;
            }
            push(
                Action::WriteFile {
                    path,
                    mode,
                    contents,
                },
                change,
            );
        };
    let secret_line = format!("{}\n", opts.http_secret);
    write(
        "auth/http-secret".into(),
        MODE_SECRET,
        secret_line,
        &mut push,
    );
    for f in rendered {
        let mode = if f.secret { MODE_SECRET } else { MODE_PUBLIC };
        write(f.path.clone(), mode, f.contents.clone(), &mut push);
    }
    write(
        "regctl.yaml".into(),
        MODE_PUBLIC,
        setup.to_yaml(),
        &mut push,
    );
    if setup.target == Target::Kubernetes {
        push(Action::RenderKubernetes, Change::Run);
    }

    // Trust.
    if setup.target != Target::Kubernetes && !opts.trust.is_empty() {
        push(
            Action::InstallTrust {
                stores: opts.trust.clone(),
                root: opts.trust_root.clone(),
                registry: registry.clone(),
                insecure: !tls,
            },
            Change::Run,
        );
    }
    if !tls {
        push(
            Action::InsecureAdvice {
                registry: registry.clone(),
            },
            Change::Run,
        );
    }

    // Start and prove.
    let restart = facts.running && files_changed;
    let start_change = if !facts.running {
        Change::Create
    } else if files_changed {
        Change::Run
    } else {
        Change::Keep
    };
    if opts.start {
        match setup.target {
            Target::Local if facts.systemd => push(Action::StartSystemd { restart }, start_change),
            Target::Local => push(Action::StartDetached { restart }, start_change),
            Target::Compose => {
                if facts.compose.is_some() && facts.image_missing {
                    push(
                        Action::BuildImage {
                            tag: crate::render::BUNDLED_IMAGE.to_string(),
                        },
                        Change::Create,
                    );
                }
                if facts.compose.is_some()
                    && facts.root
                    && setup.engine == crate::setup::Engine::Bundled
                {
                    push(
                        Action::ChownForContainer {
                            uid: crate::image::UID,
                        },
                        Change::Run,
                    );
                }
                if let Some(tool) = &facts.compose {
                    let mut argv = tool.clone();
                    argv.extend(["up".into(), "-d".into()]);
                    if files_changed {
                        argv.push("--force-recreate".into());
                    }
                    push(
                        Action::RunCommand {
                            argv,
                            cwd: facts.dir.clone(),
                        },
                        Change::Run,
                    );
                }
            }
            Target::Kubernetes => {
                if let Some(extra) = &opts.kubectl_apply {
                    let mut argv = vec!["kubectl".to_string()];
                    argv.extend(extra.iter().cloned());
                    argv.extend([
                        "apply".into(),
                        "-k".into(),
                        facts.dir.join("k8s").display().to_string(),
                    ]);
                    push(
                        Action::RunCommand {
                            argv,
                            cwd: facts.dir.clone(),
                        },
                        Change::Run,
                    );
                }
            }
        }
        let started_here = setup.target == Target::Local
            || (setup.target == Target::Compose && facts.compose.is_some());
        if started_here {
            push(Action::WaitHealthy, Change::Run);
            if opts.self_test {
                push(Action::SelfTest, Change::Run);
            }
        }
    }
    Plan { steps }
}

fn mode_text(mode: u32) -> String {
    format!("{mode:04o}")
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Action::CreateCa {
                common_name,
                key_type,
                days,
            } => write!(
                f,
                "CA `{common_name}` ({key_type}, {days} days): certs/ca.crt 0644, certs/ca.key 0600"
            ),
            Action::IssueServerCert {
                sans,
                key_type,
                days,
            } => {
                let names: Vec<String> = sans.iter().map(ToString::to_string).collect();
                write!(
                    f,
                    "server certificate ({key_type}, {days} days) for {}: certs/registry.crt 0644, certs/registry.fullchain.crt 0644, certs/registry.key 0600",
                    names.join(", ")
                )
            }
            Action::ImportTls(p) => write!(
                f,
                "copy {} and {} (CA {}) into certs/ (key 0600)",
                p.cert.display(),
                p.key.display(),
                p.ca.display()
            ),
            Action::KubernetesCsr { sans, request, .. } => {
                let names: Vec<String> = sans.iter().map(ToString::to_string).collect();
                write!(
                    f,
                    "have the cluster sign a certificate for {} (CertificateSigningRequest, signer {}{}): certs/registry.key 0600, certs/registry.crt, certs/ca.crt (the cluster CA)",
                    names.join(", "),
                    request.signer,
                    if request.approve {
                        ", approved by you"
                    } else {
                        ""
                    }
                )
            }
            Action::AddUser { user, origin } => match origin {
                PasswordOrigin::Given => {
                    write!(f, "htpasswd user `{user}` (bcrypt): auth/htpasswd 0600")
                }
                PasswordOrigin::Generated => write!(
                    f,
                    "htpasswd user `{user}` with a generated password: auth/htpasswd 0600, {} 0600",
                    password_file(user).display()
                ),
            },
            Action::WriteFile { path, mode, .. } => {
                write!(f, "{} ({})", path.display(), mode_text(*mode))
            }
            Action::RenderKubernetes => write!(
                f,
                "render k8s/*.yaml and k8s/kustomization.yaml (secrets.yaml 0600)"
            ),
            Action::InstallTrust {
                stores,
                root,
                registry,
                insecure,
            } => {
                let names: Vec<&str> = stores.iter().map(|s| s.name()).collect();
                write!(
                    f,
                    "{} {registry} in: {}{}",
                    if *insecure {
                        "allow plain HTTP (INSECURE) to"
                    } else {
                        "trust the CA for"
                    },
                    names.join(", "),
                    if root == Path::new("/") {
                        String::new()
                    } else {
                        format!(" (staged under {})", root.display())
                    }
                )
            }
            Action::InsecureAdvice { registry } => write!(
                f,
                "plain HTTP: list {registry} as an insecure registry on every client (printed at the end)"
            ),
            Action::StartDetached { restart } => write!(
                f,
                "{} `regctl serve` in the background (regctl-serve.pid, regctl-serve.log)",
                if *restart { "restart" } else { "start" }
            ),
            Action::StartSystemd { restart } => write!(
                f,
                "install {} and {} it with systemctl",
                crate::service::UNIT_PATH,
                if *restart { "restart" } else { "enable --now" }
            ),
            Action::RunCommand { argv, cwd } => {
                write!(f, "run `{}` in {}", argv.join(" "), cwd.display())
            }
            Action::BuildImage { tag } => {
                write!(f, "build the image {tag} (regctl image build)")
            }
            Action::ChownForContainer { uid } => write!(
                f,
                "give uid {uid} (the image's user) config.yml, certs/registry.key, auth/htpasswd and the data directory"
            ),
            Action::WaitHealthy => write!(f, "wait until /v2/ answers"),
            Action::SelfTest => write!(
                f,
                "self-test: TLS, login, push, pull, verify and delete {}",
                crate::selftest::REPOSITORY
            ),
        }
    }
}

impl fmt::Display for Plan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, step) in self.steps.iter().enumerate() {
            let tag = match &step.change {
                Change::Create => "create ".to_string(),
                Change::Replace(why) => format!("REPLACE ({why}) "),
                Change::Keep => "keep   ".to_string(),
                Change::Run => "run    ".to_string(),
            };
            writeln!(f, "{:>2}. {tag}{}", i + 1, step.action)?;
        }
        Ok(())
    }
}

/// The file a generated password is kept in.
pub fn generated_password_file(user: &str) -> PathBuf {
    password_file(user)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn setup() -> Setup {
        serde_norway::from_str("hosts: [reg.lan, 127.0.0.1]\nusers: [admin]\n").unwrap()
    }

    fn options() -> Options {
        Options {
            new_ca: false,
            key_type: KeyType::P256,
            days: 825,
            ca_days: 3650,
            ca_name: "regctl CA".into(),
            provided: None,
            csr: None,
            trust: vec![StoreKind::Docker],
            trust_root: "/".into(),
            new_passwords: BTreeMap::new(),
            http_secret: "s3cret".into(),
            start: true,
            self_test: true,
            kubectl_apply: None,
            exe: "/usr/local/bin/regctl".into(),
        }
    }

    fn rendered() -> Vec<Rendered> {
        vec![Rendered {
            path: "config.yml".into(),
            contents: "version: 0.1\n".into(),
            secret: true,
        }]
    }

    #[test]
    fn fresh_directory_creates_everything_and_starts() {
        let facts = Facts {
            dir: "/r".into(),
            ..Facts::default()
        };
        let p = plan(&setup(), &options(), &facts, &rendered());
        assert!(p.replacements().is_empty());
        assert!(p.changes_anything());
        let kinds: Vec<String> = p.steps.iter().map(|s| s.action.to_string()).collect();
        assert!(kinds[0].starts_with("CA "), "{kinds:?}");
        assert!(kinds.iter().any(|k| k.contains("generated password")));
        assert!(kinds.iter().any(|k| k == "config.yml (0600)"));
        assert!(matches!(
            p.steps.iter().rev().nth(1).unwrap().action,
            Action::WaitHealthy
        ));
        assert!(matches!(p.steps.last().unwrap().action, Action::SelfTest));
    }

    #[test]
    fn second_run_keeps_everything() {
        let s = setup();
        let mut files = BTreeMap::new();
        files.insert(PathBuf::from("config.yml"), b"version: 0.1\n".to_vec());
        files.insert(PathBuf::from("auth/http-secret"), b"s3cret\n".to_vec());
        files.insert(PathBuf::from("regctl.yaml"), s.to_yaml().into_bytes());
        let facts = Facts {
            dir: "/r".into(),
            ca_exists: true,
            server_cert: Some(CertState::Fine),
            users: vec!["admin".into()],
            files,
            running: true,
            ..Facts::default()
        };
        let p = plan(&s, &options(), &facts, &rendered());
        assert!(!p.changes_anything(), "{p}");
        assert!(
            p.steps
                .iter()
                .any(|st| st.action == Action::StartDetached { restart: false }
                    && st.change == Change::Keep)
        );
    }

    #[test]
    fn changed_answers_need_consent_and_restart() {
        let mut files = BTreeMap::new();
        files.insert(PathBuf::from("config.yml"), b"version: 0.1\nold\n".to_vec());
        let facts = Facts {
            dir: "/r".into(),
            ca_exists: true,
            server_cert: Some(CertState::Stale("reg2.lan is not covered".into())),
            users: vec!["admin".into()],
            files,
            running: true,
            ..Facts::default()
        };
        let p = plan(&setup(), &options(), &facts, &rendered());
        let replaced: Vec<String> = p
            .replacements()
            .iter()
            .map(|s| s.action.to_string())
            .collect();
        assert_eq!(replaced.len(), 2, "{replaced:?}");
        assert!(replaced[0].starts_with("server certificate"));
        assert_eq!(replaced[1], "config.yml (0600)");
        assert!(
            p.steps
                .iter()
                .any(|st| st.action == Action::StartDetached { restart: true })
        );
    }

    #[test]
    fn new_ca_replaces_the_certificate_too() {
        let facts = Facts {
            ca_exists: true,
            server_cert: Some(CertState::Fine),
            ..Facts::default()
        };
        let mut o = options();
        o.new_ca = true;
        let p = plan(&setup(), &o, &facts, &rendered());
        assert_eq!(p.replacements().len(), 2, "{p}");
    }

    #[test]
    fn plain_http_gets_no_trust_and_advice() {
        let mut s = setup();
        s.tls = TlsMode::None;
        let p = plan(&s, &options(), &Facts::default(), &rendered());
        assert!(!p.steps.iter().any(|st| matches!(
            st.action,
            Action::CreateCa { .. }
                | Action::InstallTrust {
                    insecure: false,
                    ..
                }
        )));
        assert!(
            p.steps
                .iter()
                .any(|st| matches!(st.action, Action::InstallTrust { insecure: true, .. }))
        );
        assert!(
            p.steps
                .iter()
                .any(|st| matches!(st.action, Action::InsecureAdvice { .. }))
        );
    }
}
