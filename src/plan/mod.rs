//! `Setup` → `Plan`: everything `init` will do, decided before anything is
//! touched.
//!
//! Planning is pure: it reads nothing from disk or the network. What exists
//! already (the CA, the certificate, users, the current contents of each
//! file, whether the registry runs) arrives as [`Facts`], gathered by the
//! command beforehand. So `--dry-run` shows exactly what a real run does, a
//! second run can see that nothing changes, and every decision is testable
//! by value.

mod display;
pub(crate) mod facts;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::fsutil::{MODE_PUBLIC, MODE_SECRET};
use crate::pki::{KeyType, San};
use crate::render::Rendered;
use crate::setup::{Setup, Target, TlsMode};
use crate::trust::StoreKind;

/// What exists before the run.
#[derive(Debug, Clone, Default)]
pub(crate) struct Facts {
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
    /// SHA-256 of each generated file as regctl last wrote it
    /// (`rendered.sha256`): a file that still matches was not edited by hand.
    pub sums: BTreeMap<PathBuf, String>,
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
pub(crate) enum CertState {
    /// Covers every host, chains to the CA, not close to expiry (or, for a
    /// brought certificate, is the same one).
    Fine,
    /// Must be reissued, and why.
    Stale(String),
}

/// Choices that are not answers in `regctl.yaml` (they belong to this run
/// or this machine).
#[derive(Debug, Clone)]
pub(crate) struct Options {
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
pub(crate) enum PasswordOrigin {
    /// Typed or piped in by the person.
    Given,
    /// Generated; printed once and kept in a 0600 file.
    Generated,
    /// Generated for the image pull Secret's dedicated user; never
    /// printed, kept only in `auth/pull-credentials` (0600).
    PullSecret,
}

/// A CertificateSigningRequest to have the cluster sign.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CsrRequest {
    pub signer: String,
    pub node: String,
    pub approve: bool,
    /// `--context`/`--kubeconfig` for kubectl.
    pub kubectl: Vec<String>,
}

/// A certificate, key and CA the person brought.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ProvidedTls {
    pub cert: PathBuf,
    pub key: PathBuf,
    pub ca: PathBuf,
}

/// Whether a step changes anything.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Change {
    Create,
    /// Rewrites a file regctl generated and nobody edited, because the
    /// answers changed; shown with a diff, no consent needed.
    Update,
    /// Replaces something that exists; needs consent (a prompt or `--force`).
    Replace(String),
    /// Already as wanted; shown, not done.
    Keep,
    /// Always runs (commands, checks).
    Run,
}

/// One thing to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Action {
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
        /// What the file holds now, when it changes (for the plan's diff).
        previous: Option<String>,
    },
    /// Kubernetes manifests: rendered once certificates and users exist.
    RenderKubernetes,
    InstallTrust {
        stores: Vec<StoreKind>,
        root: PathBuf,
        /// Every `host:port` clients use, the registry's address first.
        registries: Vec<String>,
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
pub(crate) struct Step {
    pub action: Action,
    pub change: Change,
}

/// The ordered steps.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Plan {
    pub steps: Vec<Step>,
}

impl Plan {
    /// Steps that replace existing things (they need consent).
    pub(crate) fn replacements(&self) -> Vec<&Step> {
        self.steps
            .iter()
            .filter(|s| matches!(s.change, Change::Replace(_)))
            .collect()
    }

    /// Whether any step changes something (a run that changes nothing
    /// only repeats the checks).
    pub(crate) fn changes_anything(&self) -> bool {
        self.steps
            .iter()
            .any(|s| !matches!(s.change, Change::Keep | Change::Run))
    }
}

/// The file a generated password is kept in (relative to the directory).
pub(crate) fn generated_password_file(user: &str) -> PathBuf {
    PathBuf::from("auth").join(format!("{user}.password"))
}

fn file_change(facts: &Facts, path: &Path, contents: &str) -> Change {
    match facts.files.get(path) {
        None => Change::Create,
        Some(old) if old == contents.as_bytes() => Change::Keep,
        // The answers file is the input: changing it is what a re-run is for.
        Some(_) if path == Path::new("regctl.yaml") => Change::Update,
        Some(old) => match facts.sums.get(path) {
            Some(sum) if *sum == crate::fsutil::sha256_hex(old) => Change::Update,
            Some(_) => Change::Replace("edited by hand since regctl wrote it".into()),
            None => Change::Replace("contents differ".into()),
        },
    }
}

/// Decides every step. `rendered` are the files `render` produced for these
/// answers (config.yml, and compose file or systemd unit by target).
pub(crate) fn plan(setup: &Setup, opts: &Options, facts: &Facts, rendered: &[Rendered]) -> Plan {
    let mut steps = Vec::new();
    let mut push = |action, change| steps.push(Step { action, change });
    let tls = setup.tls != TlsMode::None;

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
            // The registry does not read the answers file.
            if change != Change::Keep && path != Path::new("regctl.yaml") {
                files_changed = true;
            }
            let previous = matches!(change, Change::Update | Change::Replace(_))
                .then(|| facts.files.get(&path))
                .flatten()
                .map(|b| String::from_utf8_lossy(b).into_owned());
            push(
                Action::WriteFile {
                    path,
                    mode,
                    contents,
                    previous,
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
                registries: setup.registry_hosts(),
                insecure: !tls,
            },
            Change::Run,
        );
    }
    if !tls {
        push(
            Action::InsecureAdvice {
                registry: setup.registry_host(),
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

#[cfg(test)]
mod tests;
