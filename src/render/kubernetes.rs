//! The Kubernetes manifests (`k8s/`), and what keeps them true on day two:
//! stale manifests removed, the pull Secret's kept credentials, the
//! Secrets re-rendered after a change of users or certificates.

use std::path::{Path, PathBuf};

use minijinja::value::Serde;
use minijinja::{Environment, Value, context};

use super::{
    BUNDLED_IMAGE, Inputs, NODE_TRUST_IMAGE, RenderError, Rendered, TEMPLATES, What, b64,
    http_secret, read_required, render, render_one, write_checked,
};
use crate::fsutil::{self, MODE_SECRET, Overwrite, sha256_hex};
use crate::layout::RegistryDir;
use crate::setup::{Engine, IngressClass, Setup};

pub(super) fn render_k8s(
    env: &Environment<'_>,
    inputs: &Inputs<'_>,
    base: &Value,
    layout: &RegistryDir,
    tls: bool,
    auth: bool,
) -> Result<Vec<Rendered>, RenderError> {
    let s = inputs.setup;
    let ns = s.kubernetes.namespace.clone();
    // The same config.yml with container paths; http.secret comes from the
    // Secret through REGISTRY_HTTP_SECRET, so the ConfigMap holds no secret.
    let container_cfg = context! {
        storage_root => "/var/lib/registry",
        listen_port => 5000,
        tls_cert => "/certs/registry.fullchain.crt",
        tls_key => "/certs/registry.key",
        htpasswd => "/auth/htpasswd",
        redis_addr => "registry-redis:6379",
        http_secret => "set-by-REGISTRY_HTTP_SECRET",
        for_k8s => true,
        ..base.clone()
    };
    let k8s_config = render_one(env, "config.yml.j2", &container_cfg)?;
    let (tls_crt, tls_key, ca) = if tls {
        (
            read_required(
                layout.server_fullchain(),
                "the Kubernetes TLS Secret",
                "run `regctl cert issue` first",
            )?,
            read_required(
                layout.server_key(),
                "the Kubernetes TLS Secret",
                "run `regctl cert issue` first",
            )?,
            read_required(
                layout.ca_cert(),
                "the node-trust DaemonSet",
                "run `regctl cert issue` first",
            )?,
        )
    } else {
        (Vec::new(), Vec::new(), Vec::new())
    };
    let htpasswd = if auth {
        read_required(
            layout.htpasswd(),
            "the htpasswd Secret",
            "add a user with `regctl htpasswd add`",
        )?
    } else {
        Vec::new()
    };
    let dockerconfigjson = inputs.pull.as_ref().map(|(user, password)| {
        let auth = b64(format!("{user}:{password}").as_bytes());
        let doc = serde_json::json!({"auths": {s.registry_host(): {"username": user, "password": password, "auth": auth}}});
        b64(doc.to_string().as_bytes())
    });
    let mut node_selector = s.kubernetes.node_selector.clone();
    if s.kubernetes.pin_control_plane {
        node_selector.insert(
            "node-role.kubernetes.io/control-plane".into(),
            String::new(),
        );
    }
    let mut names: Vec<(&str, bool)> = vec![
        ("namespace", false),
        ("secrets", true),
        ("configmap", false),
        ("storage", false),
        ("deployment", false),
        ("service", false),
    ];
    if s.kubernetes.ingress.is_some() {
        names.push(("ingress", false));
    }
    if s.engine == Engine::Bundled {
        names.push(("gc-cronjob", false));
    }
    if s.redis {
        names.push(("redis", false));
    }
    if dockerconfigjson.is_some() {
        names.push(("pull-secret", true));
    }
    names.push(("local-registry-hosting", false));
    if tls {
        names.push(("node-trust", false));
    }
    if !s.kubernetes.allow_from.is_empty() {
        names.push(("networkpolicy", false));
        if s.kubernetes
            .ingress
            .as_ref()
            .is_some_and(|i| i.class == IngressClass::Traefik)
        {
            names.push(("traefik-allow", false));
        }
    }
    // Where ingress controllers run, for the NetworkPolicy to let them in.
    let ingress_controller_namespaces: Vec<&str> = match &s.kubernetes.ingress {
        Some(i) if i.class == IngressClass::Traefik => vec!["kube-system", "traefik"],
        Some(_) => vec!["ingress-nginx"],
        None => Vec::new(),
    };
    // Pods restart when the configuration changes.
    let config_sha = sha256_hex(k8s_config.as_bytes());
    let ctx = context! {
        ns,
        k8s_config,
        config_sha,
        node_selector => Value::from(Serde(&node_selector)),
        ingress => Value::from(Serde(&s.kubernetes.ingress)),
        gc_image => s.image.clone().unwrap_or_else(|| BUNDLED_IMAGE.to_string()),
        node_trust_image => NODE_TRUST_IMAGE,
        trust_ns => format!("{}-node-trust", s.kubernetes.namespace),
        ingress_controller_namespaces,
        ca_pem => String::from_utf8_lossy(&ca).into_owned(),
        b64 => context! {
            tls_crt => b64(&tls_crt),
            tls_key => b64(&tls_key),
            ca => b64(&ca),
            htpasswd => b64(&htpasswd),
            http_secret => b64(inputs.http_secret.as_bytes()),
            dockerconfigjson => dockerconfigjson.unwrap_or_default(),
        },
        k8s_files => names.iter().map(|(n, _)| format!("{n}.yaml")).collect::<Vec<_>>(),
        ..base.clone()
    };
    let mut out = Vec::new();
    for (name, secret) in &names {
        out.push(Rendered {
            path: PathBuf::from("k8s").join(format!("{name}.yaml")),
            contents: render_one(env, &format!("k8s/{name}.yaml.j2"), &ctx)?,
            secret: *secret,
        });
    }
    out.push(Rendered {
        path: "k8s/kustomization.yaml".into(),
        contents: render_one(env, "k8s/kustomization.yaml.j2", &ctx)?,
        secret: false,
    });
    Ok(out)
}

fn remove(path: &Path) -> Result<(), RenderError> {
    std::fs::remove_file(path).map_err(|source| {
        RenderError::Write(fsutil::FsError::Io {
            path: path.to_path_buf(),
            source,
        })
    })
}

/// Kubernetes manifests regctl owns that the current answers no longer
/// produce (say, the pull Secret after dropping `--pull-user`): removed so
/// no stale file, or stale secret, stays behind.
pub(crate) fn remove_stale_k8s(
    out: &Path,
    files: &[Rendered],
) -> Result<Vec<PathBuf>, RenderError> {
    let mut removed = Vec::new();
    for (name, _) in TEMPLATES {
        let Some(file) = name
            .strip_prefix("k8s/")
            .and_then(|n| n.strip_suffix(".j2"))
        else {
            continue;
        };
        let rel = PathBuf::from("k8s").join(file);
        let path = out.join(&rel);
        if !files.iter().any(|f| f.path == rel) && path.exists() {
            remove(&path)?;
            removed.push(path);
        }
    }
    Ok(removed)
}

/// Warnings about namespaces the pull Secret names that the cluster does
/// not have (applying would fail on them), when the cluster can be asked.
/// The registry's own namespace is rendered, so it is not asked about.
pub(crate) fn missing_pull_namespaces(setup: &Setup) -> Vec<String> {
    let k = &setup.kubernetes;
    let wanted: Vec<String> = k
        .pull_secret_namespaces
        .iter()
        .filter(|n| **n != k.namespace)
        .cloned()
        .collect();
    if wanted.is_empty() {
        return Vec::new();
    }
    let kubectl = k.kubectl();
    kubectl
        .missing_namespaces(&wanted)
        .unwrap_or_default()
        .into_iter()
        .map(|ns| {
            format!(
                "the cluster has no namespace {ns}, so applying its pull Secret would fail: create it (`{}`) or remove it from kubernetes.pull_secret_namespaces in regctl.yaml",
                kubectl.command_line(&["create", "namespace", &ns])
            )
        })
        .collect()
}

/// The image pull Secret's credentials, kept 0600 in the registry
/// directory so every later render (a re-run of `init`, `user add`) keeps
/// the Secret instead of dropping it.
pub(crate) fn pull_credentials(
    layout: &RegistryDir,
) -> Result<Option<(String, String)>, RenderError> {
    let path = layout.pull_credentials();
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(source) => {
            return Err(RenderError::Read(fsutil::ReadError::Io { path, source }));
        }
    };
    let line = text.trim_end_matches(['\n', '\r']);
    match line.split_once(':') {
        Some((user, pw)) if !user.is_empty() && !pw.is_empty() && !line.contains('\n') => {
            Ok(Some((user.to_string(), pw.to_string())))
        }
        _ => Err(RenderError::BadPullCredentials(path)),
    }
}

/// Keeps the pull Secret's credentials (0600).
pub(crate) fn save_pull_credentials(
    layout: &RegistryDir,
    user: &str,
    password: &str,
) -> Result<(), RenderError> {
    fsutil::write_atomic(
        &layout.pull_credentials(),
        format!("{user}:{password}\n").as_bytes(),
        MODE_SECRET,
        Overwrite::Replace,
    )?;
    Ok(())
}

/// Renders the Kubernetes manifests of a registry directory again, with
/// its kept `http.secret` and pull credentials, and writes the Secrets that
/// hold the users, certificates and pull credentials (`k8s/secrets.yaml`,
/// `k8s/pull-secret.yaml`, removed when no pull credentials are kept):
/// what a change of users or certificates changes, and nothing a person
/// may have edited.
pub(crate) fn rerender_kubernetes(
    layout: &RegistryDir,
    setup: &Setup,
) -> Result<Vec<PathBuf>, RenderError> {
    let inputs = Inputs {
        setup,
        dir: layout.root(),
        templates: None,
        http_secret: http_secret(layout.root())?,
        pull: pull_credentials(layout)?,
    };
    let secrets = [
        Path::new("k8s/secrets.yaml"),
        Path::new("k8s/pull-secret.yaml"),
    ];
    let files: Vec<Rendered> = render(&inputs, What::K8s)?
        .into_iter()
        .filter(|f| secrets.contains(&f.path.as_path()))
        .collect();
    let mut written = write_checked(layout, layout.root(), &files, true)?;
    let pull = layout.root().join("k8s/pull-secret.yaml");
    if inputs.pull.is_none() && pull.exists() {
        remove(&pull)?;
        written.push(pull);
    }
    Ok(written)
}
