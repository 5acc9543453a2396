//! The interactive `init`: numbered steps, each with the current answer as
//! its default and inline validation. Only this module prompts; it fills a
//! [`Setup`] and touches nothing, so Ctrl-C at any point leaves no trace.

use std::path::{Path, PathBuf};

use dialoguer::{Confirm, Input, MultiSelect, Password, Select};

use crate::pki::San;
use crate::plan::PasswordOrigin;
use crate::setup::{Engine, Ingress, ServiceType, Setup, Target, TlsMode};
use crate::trust::{self, StoreKind};

/// Why the wizard stopped.
#[derive(Debug, thiserror::Error)]
pub(crate) enum WizardError {
    #[error("the wizard was interrupted; nothing was written")]
    Interrupted,
    #[error("terminal error: {0}")]
    Terminal(String),
}

impl From<dialoguer::Error> for WizardError {
    fn from(e: dialoguer::Error) -> Self {
        match e {
            dialoguer::Error::IO(io) if io.kind() == std::io::ErrorKind::Interrupted => {
                WizardError::Interrupted
            }
            other => WizardError::Terminal(other.to_string()),
        }
    }
}

/// Files for `--tls provided`, asked when the person chooses it.
#[derive(Debug, Clone, Default)]
pub(crate) struct ProvidedFiles {
    pub cert: Option<PathBuf>,
    pub key: Option<PathBuf>,
    pub ca: Option<PathBuf>,
}

const STEPS: usize = 8;

fn heading(n: usize, title: &str) {
    crate::ui::info(format_args!("\nStep {n}/{STEPS}: {title}"));
}

/// Prints the last step's heading (the plan follows it).
pub(crate) fn summary_heading() {
    heading(8, "Summary");
}

/// `~/x` as people type it at a prompt.
fn expand_home(s: &str) -> PathBuf {
    match (s.strip_prefix("~/"), std::env::var_os("HOME")) {
        (Some(rest), Some(home)) => PathBuf::from(home).join(rest),
        _ => PathBuf::from(s),
    }
}

/// What the wizard needs to check answers as they are given.
pub(crate) struct Checks<'a> {
    /// Whether a port can be used (free, or held by this registry).
    pub port_ok: &'a dyn Fn(u16) -> Result<(), String>,
    /// Whether brought certificate files can serve the hosts answered.
    pub provided_ok: &'a dyn Fn(&ProvidedFiles, &Setup) -> Result<(), String>,
}

/// Asks every question, starting from the answers in `setup`.
pub(crate) fn run(
    setup: &mut Setup,
    stores: &mut Vec<StoreKind>,
    trust_root: &Path,
    provided: &mut ProvidedFiles,
    checks: &Checks<'_>,
) -> Result<(), WizardError> {
    // A selection menu hides the cursor; Ctrl-C must not leave it hidden.
    crate::platform::restore_cursor_on_interrupt();
    let port_ok = checks.port_ok;
    heading(1, "Target");
    let targets = [
        (
            Target::Local,
            "local       the bundled `regctl serve` on this machine",
        ),
        (Target::Compose, "compose     docker compose"),
        (
            Target::Kubernetes,
            "kubernetes  manifests for a cluster (kubectl apply -k)",
        ),
    ];
    let current = targets
        .iter()
        .position(|t| t.0 == setup.target)
        .unwrap_or(0);
    let i = Select::new()
        .with_prompt("Where does the registry run?")
        .items(targets.iter().map(|t| t.1))
        .default(current)
        .interact()?;
    setup.target = targets[i].0;

    heading(2, "Names and port");
    let hosts: String = Input::new()
        .with_prompt(
            "Host names and IPs clients use, comma-separated (the first is the registry's address)",
        )
        .default(setup.hosts.join(", "))
        .validate_with(|s: &String| -> Result<(), String> {
            let list = split_list(s, true);
            if list.is_empty() {
                return Err("give at least one name or address".into());
            }
            for h in list {
                h.parse::<San>().map_err(|e| e.to_string())?;
            }
            Ok(())
        })
        .interact_text()?;
    setup.hosts = split_list(&hosts, true);
    let mut default_port = setup.port;
    if let Err(why) = port_ok(default_port) {
        crate::ui::info(format_args!("  {why}"));
        if let Some(free) = crate::netinfo::next_free_port(default_port) {
            default_port = free;
        }
    }
    let port_prompt = if cfg!(target_os = "macos") {
        "Port (macOS's AirPlay receiver also uses 5000)"
    } else {
        "Port"
    };
    setup.port = Input::new()
        .with_prompt(port_prompt)
        .default(default_port)
        .validate_with(|p: &u16| {
            if *p == 0 {
                Err("1-65535".to_string())
            } else {
                port_ok(*p)
            }
        })
        .interact_text()?;

    heading(3, "TLS");
    let modes = [
        (
            TlsMode::OwnCa,
            "own CA        regctl creates a CA and the server certificate (recommended)",
        ),
        (
            TlsMode::Provided,
            "provided      your certificate, key and CA",
        ),
        (
            TlsMode::None,
            "none          plain HTTP (INSECURE: every client must allow it)",
        ),
    ];
    let current = modes.iter().position(|m| m.0 == setup.tls).unwrap_or(0);
    let i = Select::new()
        .with_prompt("How do clients trust the registry?")
        .items(modes.iter().map(|m| m.1))
        .default(current)
        .interact()?;
    setup.tls = modes[i].0;
    if setup.tls == TlsMode::Provided {
        let ask = |prompt: &str, current: &Option<PathBuf>| -> Result<PathBuf, WizardError> {
            let mut input =
                Input::<String>::new()
                    .with_prompt(prompt)
                    .validate_with(|s: &String| {
                        if expand_home(s).is_file() {
                            Ok(())
                        } else {
                            Err(format!("{s} is not a file"))
                        }
                    });
            if let Some(c) = current {
                input = input.default(c.display().to_string());
            }
            Ok(expand_home(&input.interact_text()?))
        };
        // Checked at once against the hosts answered, so a certificate
        // that cannot serve them is asked again, not found after the plan.
        loop {
            provided.cert = Some(ask("Certificate (PEM)", &provided.cert)?);
            provided.key = Some(ask("Private key (PEM)", &provided.key)?);
            provided.ca = Some(ask("CA certificate clients trust", &provided.ca)?);
            match (checks.provided_ok)(provided, setup) {
                Ok(()) => break,
                Err(why) => crate::ui::info(format_args!(
                    "  {why}\n  Give other files (Ctrl-C to stop)."
                )),
            }
        }
    }

    heading(4, "Users");
    let users: String = Input::new()
        .with_prompt("htpasswd users, comma-separated")
        .default(setup.users.join(", "))
        .validate_with(|s: &String| -> Result<(), String> {
            let list = split_list(s, false);
            if list.is_empty() {
                return Err("at least one user".into());
            }
            for u in list {
                crate::htpasswd::validate_user(&u).map_err(|e| e.to_string())?;
            }
            Ok(())
        })
        .interact_text()?;
    setup.users = split_list(&users, false);

    heading(5, "Storage");
    setup.storage.data_dir = Input::new()
        .with_prompt("Data directory (relative to the registry directory)")
        .default(setup.storage.data_dir.clone())
        .validate_with(|s: &String| {
            if Path::new(s).is_absolute() || s.split('/').any(|c| c == "..") || s.is_empty() {
                Err("a relative path inside the registry directory")
            } else {
                Ok(())
            }
        })
        .interact_text()?;
    if setup.target == Target::Kubernetes {
        setup.storage.size = Input::new()
            .with_prompt("Volume size")
            .default(setup.storage.size.clone())
            .interact_text()?;
    }
    setup.storage.delete_enabled = Confirm::new()
        .with_prompt("Allow deleting images through the API?")
        .default(setup.storage.delete_enabled)
        .interact()?;
    setup.storage.gc_schedule = Input::new()
        .with_prompt("Garbage collection schedule (cron)")
        .default(setup.storage.gc_schedule.clone())
        .validate_with(|s: &String| {
            s.parse::<crate::cron::Schedule>()
                .map(|_| ())
                .map_err(|e| e.to_string())
        })
        .interact_text()?;

    heading(6, "Options");
    if setup.target == Target::Local {
        crate::ui::info(format_args!("  (none for the local target)"));
    } else {
        let engines = [
            (Engine::Bundled, "bundled       the regctl image"),
            (Engine::Distribution, "distribution  registry:2"),
        ];
        let current = engines
            .iter()
            .position(|e| e.0 == setup.engine)
            .unwrap_or(0);
        let i = Select::new()
            .with_prompt("Registry server in the container")
            .items(engines.iter().map(|e| e.1))
            .default(current)
            .interact()?;
        setup.engine = engines[i].0;
        setup.redis = setup.engine == Engine::Distribution
            && Confirm::new()
                .with_prompt("Redis blob-descriptor cache?")
                .default(setup.redis)
                .interact()?;
    }
    if setup.target == Target::Kubernetes {
        kubernetes_options(setup)?;
    }

    heading(7, "Trust");
    if setup.tls == TlsMode::None || setup.target == Target::Kubernetes {
        stores.clear();
        crate::ui::info(format_args!(
            "  {}",
            if setup.tls == TlsMode::None {
                "plain HTTP: nothing to trust (the summary lists the insecure-registry settings)"
            } else {
                "nodes trust the CA through k8s/node-trust.yaml"
            }
        ));
    } else {
        let detected = trust::detect(trust_root);
        let offered = StoreKind::available();
        let labels: Vec<String> = offered
            .iter()
            .map(|k| {
                format!(
                    "{}{}",
                    k.name(),
                    if detected.contains(k) {
                        ""
                    } else if matches!(k, StoreKind::Nss | StoreKind::Java) {
                        " (only when chosen)"
                    } else {
                        " (not found here)"
                    }
                )
            })
            .collect();
        let checked: Vec<bool> = offered.iter().map(|k| stores.contains(k)).collect();
        let chosen = MultiSelect::new()
            .with_prompt("Install the CA into (space toggles, enter accepts)")
            .items(&labels)
            .defaults(&checked)
            .interact()?;
        *stores = chosen.into_iter().map(|i| offered[i]).collect();
    }
    Ok(())
}

fn kubernetes_options(setup: &mut Setup) -> Result<(), WizardError> {
    setup.replicas = Input::new()
        .with_prompt("Replicas (more than 1 needs a ReadWriteMany volume)")
        .default(setup.replicas)
        .validate_with(|r: &u32| if *r == 0 { Err("at least 1") } else { Ok(()) })
        .interact_text()?;
    if setup.replicas > 1 {
        setup.storage.access_mode = crate::setup::AccessMode::ReadWriteMany;
    }
    let types = [
        ServiceType::ClusterIP,
        ServiceType::NodePort,
        ServiceType::LoadBalancer,
    ];
    let current = types
        .iter()
        .position(|t| *t == setup.kubernetes.service_type)
        .unwrap_or(0);
    let i = Select::new()
        .with_prompt("Service type")
        .items(["ClusterIP", "NodePort", "LoadBalancer"])
        .default(current)
        .interact()?;
    setup.kubernetes.service_type = types[i];
    let ingress: String = Input::new()
        .with_prompt("Ingress host (empty for none)")
        .default(
            setup
                .kubernetes
                .ingress
                .as_ref()
                .map(|i| i.host.clone())
                .unwrap_or_default(),
        )
        .allow_empty(true)
        .validate_with(|s: &String| {
            if s.is_empty() {
                Ok(())
            } else {
                crate::pki::san::validate_dns_name(s).map_err(|m| m.to_string())
            }
        })
        .interact_text()?;
    setup.kubernetes.ingress = (!ingress.is_empty()).then(|| Ingress {
        host: ingress,
        class: Default::default(),
    });
    setup.kubernetes.pin_control_plane = Confirm::new()
        .with_prompt("Pin to control-plane nodes (single-node clusters)?")
        .default(setup.kubernetes.pin_control_plane)
        .interact()?;
    Ok(())
}

/// A comma-separated answer; host names may also be separated by spaces
/// and are lower-cased, user names are kept as typed (a space inside one
/// is then refused, not turned into two users).
fn split_list(s: &str, hosts: bool) -> Vec<String> {
    let separators: &[char] = if hosts { &[',', ' '] } else { &[','] };
    let mut out: Vec<String> = Vec::new();
    for item in s.split(separators).map(str::trim).filter(|x| !x.is_empty()) {
        let item = if hosts {
            item.to_ascii_lowercase()
        } else {
            item.to_string()
        };
        if !out.contains(&item) {
            out.push(item);
        }
    }
    out
}

/// A new user's password: typed twice (hidden), or generated.
pub(crate) fn ask_password(user: &str) -> Result<(String, PasswordOrigin), WizardError> {
    let generate = Select::new()
        .with_prompt(format!("Password for {user}"))
        .items([
            "generate a strong one (shown once, kept in a 0600 file)",
            "type it",
        ])
        .default(0)
        .interact()?
        == 0;
    if generate {
        return Ok((String::new(), PasswordOrigin::Generated));
    }
    let pw = Password::new()
        .with_prompt(format!("Password for {user}"))
        .with_confirmation("Repeat it", "The passwords do not match")
        .validate_with(|p: &String| crate::secret::check_policy(p).map_err(|e| e.to_string()))
        .interact()?;
    Ok((pw, PasswordOrigin::Given))
}

/// A yes/no question.
pub(crate) fn confirm(prompt: &str, default: bool) -> Result<bool, WizardError> {
    Ok(Confirm::new()
        .with_prompt(prompt)
        .default(default)
        .interact()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_are_split_lowercased_and_deduplicated() {
        assert_eq!(
            split_list("Reg.lan, 10.0.0.1 reg.lan,,localhost", true),
            vec!["reg.lan", "10.0.0.1", "localhost"]
        );
        assert_eq!(
            split_list("alice, bad user", false),
            vec!["alice", "bad user"]
        );
        assert_eq!(
            expand_home("~/x.crt"),
            PathBuf::from(std::env::var("HOME").unwrap()).join("x.crt")
        );
    }
}
