//! Gathering [`Facts`]: what exists before a run (the CA, the certificate
//! and whether it still serves every host, users, the current contents of
//! each file the plan may write, whether the registry runs). The only part
//! of planning that reads the disk and asks other programs.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use time::OffsetDateTime;

use super::{CertState, Facts, ProvidedTls};
use crate::fsutil;
use crate::htpasswd::Htpasswd;
use crate::layout::RegistryDir;
use crate::lifecycle::{self, detached::Detached};
use crate::pki::{self, LintOptions, Role, Severity};
use crate::render::Rendered;
use crate::setup::{Engine, Setup, Target};

/// Whether the existing server certificate still serves every host.
pub(crate) fn server_cert_state(layout: &RegistryDir, setup: &Setup) -> Option<CertState> {
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

/// Whether the local registry runs: the systemd unit, or the detached
/// `regctl serve` of this directory.
pub(crate) fn local_running(dir: &Path, systemd: bool) -> bool {
    if systemd && Path::new(lifecycle::UNIT_PATH).exists() {
        return std::process::Command::new("systemctl")
            .args(["is-active", "--quiet", lifecycle::UNIT])
            .status()
            .is_ok_and(|s| s.success());
    }
    matches!(
        Detached::new(dir).state(),
        lifecycle::detached::State::Running(_)
    )
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

fn image_present(image: &str) -> bool {
    std::process::Command::new("docker")
        .args(["image", "inspect", image])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// Everything the plan needs to know about the directory and this machine.
pub(crate) fn gather(
    layout: &RegistryDir,
    setup: &Setup,
    rendered: &[Rendered],
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
    let systemd = lifecycle::systemd_running();
    let compose = match setup.target {
        Target::Compose => lifecycle::compose_tool(),
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
        && !image_present(crate::render::BUNDLED_IMAGE);
    Facts {
        image_missing,
        root: crate::platform::is_root(),
        dir: layout.root().to_path_buf(),
        ca_exists: layout.ca_cert().exists() && layout.ca_key().exists(),
        server_cert,
        users: existing.entries().map(|e| e.user.clone()).collect(),
        files,
        sums: crate::render::read_sums(layout),
        systemd,
        running,
        compose,
    }
}
