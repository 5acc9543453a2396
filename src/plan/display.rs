//! How a plan reads in `--dry-run` and in progress lines: each step with
//! the files it writes and their modes.

use std::fmt;
use std::path::Path;

use super::{Action, Change, PasswordOrigin, Plan, generated_password_file};

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
                    generated_password_file(user).display()
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
