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
        match crate::registry::load_config(path) {
            Ok(_) => checks.push(Check::ok(
                "config.yml",
                format!("{} is valid", path.display()),
            )),
            Err(e) => checks.push(
                Check::failure(
                    "config.yml",
                    format!(
                        "{}: {}",
                        path.display(),
                        crate::ui::error_lines(&e.into())
                            .join(" ")
                            .trim_start_matches("error: ")
                    ),
                )
                .fix(format!(
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
                        .fix(match &opts.registry_dir {
                            Some((layout, _)) => format!(
                                "regctl user passwd USER --dir {} for each of them",
                                layout.root().display()
                            ),
                            None => format!(
                                "regctl htpasswd add {} USER for each of them",
                                path.display()
                            ),
                        }),
                    );
                }
            }
            Err(e) => checks.push(Check::failure("htpasswd", e.to_string())),
        }
    }
}

/// Whether `uid` may read `path` (owner or world bits; groups aside).
fn readable_by(path: &std::path::Path, uid: u32) -> Option<(bool, u32, u32)> {
    use std::os::unix::fs::MetadataExt;
    let m = std::fs::metadata(path).ok()?;
    let mode = m.mode() & 0o777;
    Some((
        uid == 0 || (m.uid() == uid && mode & 0o400 != 0) || mode & 0o004 != 0,
        m.uid(),
        mode,
    ))
}

/// The registry directory's side, when the registry is the one in --dir:
/// is its process running, and can it read the files it needs?
pub(super) fn registry_dir(opts: &Options, checks: &mut Vec<Check>) {
    let Some((layout, setup)) = &opts.registry_dir else {
        return;
    };
    let dir = layout.root().display();
    match crate::lifecycle::Runner::for_registry(layout, setup) {
        Ok(runner) => {
            let st = runner.status(layout, setup);
            if st.running {
                checks.push(Check::ok(
                    "registry",
                    format!("{} ({})", st.detail, st.manager),
                ));
            } else {
                checks.push(
                    Check::failure("registry", format!("{} ({})", st.detail, st.manager)).fix(
                        format!(
                            "regctl start --dir {dir}; if it stops again: regctl logs --dir {dir}"
                        ),
                    ),
                );
            }
        }
        Err(e) => checks.push(Check::warning("registry", e.to_string())),
    }
    let Some((uid, _)) = crate::lifecycle::registry_owner(setup) else {
        return;
    };
    for path in [layout.htpasswd(), layout.server_key()] {
        match readable_by(&path, uid) {
            Some((false, owner, mode)) => checks.push(
                Check::failure(
                    "files",
                    format!(
                        "{} is owned by uid {owner} with mode {mode:04o}, but the registry runs as uid {uid} and cannot read it",
                        path.display()
                    ),
                )
                .says("Permission denied (os error 13), in the registry's log; logins answer 401")
                .fix(format!(
                    "sudo chown {uid} {} (regctl user add and cert renew hand such files over when run as root)",
                    path.display()
                )),
            ),
            Some((true, ..)) => {}
            None => {}
        }
    }
}
