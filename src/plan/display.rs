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
                PasswordOrigin::PullSecret => write!(
                    f,
                    "htpasswd user `{user}` for the image pull Secret, with a generated password: auth/htpasswd 0600, auth/pull-credentials 0600"
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
                registries,
                insecure,
            } => {
                let names: Vec<&str> = stores.iter().map(|s| s.name()).collect();
                let registry = match registries.as_slice() {
                    [] => String::new(),
                    [one] => one.clone(),
                    [first, rest @ ..] => format!("{first} (and {})", rest.join(", ")),
                };
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
                crate::lifecycle::UNIT_PATH,
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
                Change::Update => "update ".to_string(),
                Change::Replace(why) => format!("REPLACE ({why}) "),
                Change::Keep => "keep   ".to_string(),
                Change::Run => "run    ".to_string(),
            };
            writeln!(f, "{:>2}. {tag}{}", i + 1, step.action)?;
            if let Action::WriteFile {
                path,
                contents,
                previous: Some(previous),
                ..
            } = &step.action
            {
                if path.ends_with("http-secret") {
                    writeln!(f, "      (a secret: the change is not shown)")?;
                } else {
                    for line in diff(previous, contents) {
                        writeln!(f, "      {line}")?;
                    }
                }
            }
        }
        Ok(())
    }
}

/// Lines past this many are summarised.
const DIFF_LINES: usize = 24;

/// A value that must not reach a terminal or a log.
fn masked(line: &str) -> String {
    match line.split_once(':') {
        Some((key, _)) if key.trim().ends_with("secret") || key.trim() == "password" => {
            format!("{key}: ********")
        }
        _ => line.to_string(),
    }
}

/// `- old` / `+ new` lines between two texts (longest common subsequence
/// of lines; generated files are small), secrets masked.
pub(crate) fn diff(old: &str, new: &str) -> Vec<String> {
    let a: Vec<&str> = old.lines().collect();
    let b: Vec<&str> = new.lines().collect();
    let mut lcs = vec![vec![0u32; b.len() + 1]; a.len() + 1];
    for i in (0..a.len()).rev() {
        for j in (0..b.len()).rev() {
            lcs[i][j] = if a[i] == b[j] {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    let (mut i, mut j) = (0, 0);
    let mut out = Vec::new();
    while i < a.len() || j < b.len() {
        if i < a.len() && j < b.len() && a[i] == b[j] {
            i += 1;
            j += 1;
        } else if i < a.len() && (j == b.len() || lcs[i + 1][j] >= lcs[i][j + 1]) {
            out.push(format!("- {}", masked(a[i])));
            i += 1;
        } else {
            out.push(format!("+ {}", masked(b[j])));
            j += 1;
        }
    }
    if out.len() > DIFF_LINES {
        let more = out.len() - DIFF_LINES;
        out.truncate(DIFF_LINES);
        out.push(format!("... and {more} more changed lines"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::diff;

    #[test]
    fn diffs_show_changed_lines_and_mask_secrets() {
        let old = "version: 0.1\nhttp:\n  addr: :5000\n  secret: aaa\n";
        let new = "version: 0.1\nhttp:\n  addr: :5443\n  secret: bbb\n";
        assert_eq!(
            diff(old, new),
            [
                "- addr: :5000".replace("- ", "-   "),
                "- secret: ********".replace("- ", "-   "),
                "+ addr: :5443".replace("+ ", "+   "),
                "+ secret: ********".replace("+ ", "+   "),
            ]
        );
        assert!(diff("a\n", "a\n").is_empty());
    }
}
