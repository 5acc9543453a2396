//! This machine's side: how its clients are configured for the registry,
//! and, when given, the registry's own config.yml and htpasswd.

use super::tls::Transport;
use super::{Check, Options};
use crate::htpasswd::Htpasswd;
use crate::trust::containerd;
use crate::trust::under;

pub(super) fn check(opts: &Options, transport: Transport, checks: &mut Vec<Check>) {
    let registry = opts.registry();
    let root = &opts.root;

    // containerd reads certs.d only when config_path says so (1.x default: no).
    let certs_d = under(root, &format!("/etc/containerd/certs.d/{registry}"));
    let config = under(root, "/etc/containerd/config.toml");
    if certs_d.is_dir() {
        match std::fs::read_to_string(&config) {
            Ok(text) if !containerd::config_path_set(&text) => checks.push(
                Check::warning(
                    "containerd",
                    format!("{} exists, but {} does not set config_path, so containerd ignores it", certs_d.display(), config.display()),
                )
                .says("x509: certificate signed by unknown authority (from containerd / kubelet pulls)")
                .fix("in config.toml: [plugins.\"io.containerd.grpc.v1.cri\".registry] config_path = \"/etc/containerd/certs.d\" (2.x: [plugins.\"io.containerd.cri.v1.images\".registry]); then systemctl restart containerd"),
            ),
            Ok(_) => checks.push(Check::ok("containerd", "config_path points at /etc/containerd/certs.d")),
            Err(_) => {}
        }
    }

    // Docker's insecure-registries.
    let daemon = under(root, "/etc/docker/daemon.json");
    if let Ok(text) = std::fs::read_to_string(&daemon) {
        let listed = serde_json::from_str::<serde_json::Value>(&text)
            .ok()
            .and_then(|v| v.get("insecure-registries").cloned())
            .and_then(|v| v.as_array().cloned())
            .is_some_and(|a| a.iter().any(|x| x.as_str() == Some(registry.as_str())));
        match (transport, listed) {
            (Transport::PlainHttp, false) => checks.push(
                Check::failure("docker daemon.json", format!("{registry} is plain HTTP and not in insecure-registries"))
                    .says("http: server gave HTTP response to HTTPS client")
                    .fix(format!("better, serve TLS; or: sudo regctl trust install --insecure --registry {registry}")),
            ),
            (Transport::Https, true) => checks.push(
                Check::warning("docker daemon.json", format!("{registry} is listed in insecure-registries: Docker accepts any certificate from it"))
                    .fix(format!("sudo regctl trust uninstall --registry {registry} (if regctl added it), or remove it from {} and systemctl reload docker", daemon.display())),
            ),
            (Transport::PlainHttp, true) => checks.push(Check::ok("docker daemon.json", "listed in insecure-registries")),
            _ => {}
        }
    }

    if let Some(path) = &opts.config {
        match crate::registry::config::Config::load(path, std::env::vars()) {
            Ok(_) => checks.push(Check::ok(
                "config.yml",
                format!("{} is valid", path.display()),
            )),
            Err(e) => checks.push(
                Check::failure("config.yml", format!("{}: {e}", path.display())).fix(format!(
                    "fix the key named, then check with: regctl serve --check-config {}",
                    path.display()
                )),
            ),
        }
    }
    if let Some(path) = &opts.htpasswd {
        match Htpasswd::load(path, false) {
            Ok(file) => {
                let bad = file.non_bcrypt();
                if bad.is_empty() {
                    let n = file.entries().count();
                    checks.push(Check::ok(
                        "htpasswd",
                        format!("{n} user{}, all bcrypt", if n == 1 { "" } else { "s" }),
                    ));
                } else {
                    let users: Vec<String> =
                        bad.iter().map(|(u, s)| format!("{u} ({s:?})")).collect();
                    checks.push(
                        Check::warning(
                            "htpasswd",
                            format!(
                                "entries the registry cannot check (only bcrypt works): {}",
                                users.join(", ")
                            ),
                        )
                        .fix(format!(
                            "regctl htpasswd add {} USER for each of them",
                            path.display()
                        )),
                    );
                }
            }
            Err(e) => checks.push(Check::failure("htpasswd", e.to_string())),
        }
    }
}
