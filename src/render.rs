//! Renders everything the tutorials make people write by hand (config.yml,
//! docker-compose.yml, a systemd unit, a complete Kubernetes deployment)
//! from one [`Setup`] through minijinja templates.
//!
//! Templates are embedded in the binary; a `--templates DIR` holding a file
//! of the same name overrides it, so people customise without forking.
//! Everything is rendered in memory first, so a failure writes nothing.

use std::path::{Path, PathBuf};

use base64::Engine as _;
use minijinja::value::Serde;
use minijinja::{Environment, Value, context};
use sha2::{Digest as _, Sha256};

use crate::fsutil::{self, MODE_PUBLIC, MODE_SECRET, Overwrite};
use crate::layout::RegistryDir;
use crate::setup::{Engine, IngressClass, Setup, TlsMode};

/// The embedded templates, by name.
pub(crate) const TEMPLATES: &[(&str, &str)] = &[
    ("config.yml.j2", include_str!("../templates/config.yml.j2")),
    (
        "docker-compose.yml.j2",
        include_str!("../templates/docker-compose.yml.j2"),
    ),
    (
        "docker-run.sh.j2",
        include_str!("../templates/docker-run.sh.j2"),
    ),
    (
        "regctl-registry.service.j2",
        include_str!("../templates/regctl-registry.service.j2"),
    ),
    (
        "k8s/namespace.yaml.j2",
        include_str!("../templates/k8s/namespace.yaml.j2"),
    ),
    (
        "k8s/secrets.yaml.j2",
        include_str!("../templates/k8s/secrets.yaml.j2"),
    ),
    (
        "k8s/configmap.yaml.j2",
        include_str!("../templates/k8s/configmap.yaml.j2"),
    ),
    (
        "k8s/storage.yaml.j2",
        include_str!("../templates/k8s/storage.yaml.j2"),
    ),
    (
        "k8s/deployment.yaml.j2",
        include_str!("../templates/k8s/deployment.yaml.j2"),
    ),
    (
        "k8s/service.yaml.j2",
        include_str!("../templates/k8s/service.yaml.j2"),
    ),
    (
        "k8s/ingress.yaml.j2",
        include_str!("../templates/k8s/ingress.yaml.j2"),
    ),
    (
        "k8s/gc-cronjob.yaml.j2",
        include_str!("../templates/k8s/gc-cronjob.yaml.j2"),
    ),
    (
        "k8s/redis.yaml.j2",
        include_str!("../templates/k8s/redis.yaml.j2"),
    ),
    (
        "k8s/pull-secret.yaml.j2",
        include_str!("../templates/k8s/pull-secret.yaml.j2"),
    ),
    (
        "k8s/local-registry-hosting.yaml.j2",
        include_str!("../templates/k8s/local-registry-hosting.yaml.j2"),
    ),
    (
        "k8s/node-trust.yaml.j2",
        include_str!("../templates/k8s/node-trust.yaml.j2"),
    ),
    (
        "k8s/networkpolicy.yaml.j2",
        include_str!("../templates/k8s/networkpolicy.yaml.j2"),
    ),
    (
        "k8s/traefik-allow.yaml.j2",
        include_str!("../templates/k8s/traefik-allow.yaml.j2"),
    ),
    (
        "k8s/kustomization.yaml.j2",
        include_str!("../templates/k8s/kustomization.yaml.j2"),
    ),
];

/// Image of the bundled registry (built by `regctl image build`).
pub(crate) const BUNDLED_IMAGE: &str = concat!("regctl:", env!("CARGO_PKG_VERSION"));
/// Small image with `sh` for the node-trust DaemonSet.
pub(crate) const NODE_TRUST_IMAGE: &str = "busybox:1.36";

/// What to render.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum What {
    Config,
    Compose,
    Systemd,
    K8s,
    All,
}

/// One output file.
#[derive(Debug, Clone)]
pub(crate) struct Rendered {
    /// Relative to the output directory.
    pub path: PathBuf,
    pub contents: String,
    /// Holds a secret (written 0600).
    pub secret: bool,
}

/// Why rendering failed.
#[derive(Debug, thiserror::Error)]
pub(crate) enum RenderError {
    #[error(transparent)]
    Setup(#[from] crate::setup::SetupError),
    #[error("template {name} cannot be rendered")]
    Template {
        name: String,
        #[source]
        source: minijinja::Error,
    },
    #[error("{} is needed for {what}: {hint}", path.display())]
    Missing {
        path: PathBuf,
        what: &'static str,
        hint: &'static str,
    },
    #[error(transparent)]
    Read(#[from] fsutil::ReadError),
    #[error(transparent)]
    Write(#[from] fsutil::FsError),
    #[error(
        "{} changed by hand since regctl wrote it: pass --force to replace {} (your edits are lost), or move the change into regctl.yaml or --templates",
        .0.join(", "), if .0.len() == 1 { "it" } else { "them" }
    )]
    Edited(Vec<String>),
    #[error("{} is not `user:password` (one line)", .0.display())]
    BadPullCredentials(PathBuf),
}

/// Inputs beyond the answers.
pub(crate) struct Inputs<'a> {
    pub setup: &'a Setup,
    /// The registry directory (absolute).
    pub dir: &'a Path,
    pub templates: Option<&'a Path>,
    /// `http.secret`, kept across renders.
    pub http_secret: String,
    /// Credentials for the image pull Secret, when known.
    pub pull: Option<(String, String)>,
}

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

fn read_required(
    path: PathBuf,
    what: &'static str,
    hint: &'static str,
) -> Result<Vec<u8>, RenderError> {
    if !path.exists() {
        return Err(RenderError::Missing { path, what, hint });
    }
    Ok(fsutil::read(&path)?)
}

/// Reads the persistent `http.secret`, creating it (0600) on first use.
pub(crate) fn http_secret(dir: &Path) -> Result<String, RenderError> {
    let path = RegistryDir::new(dir).http_secret();
    if let Ok(text) = fsutil::read_to_string(&path) {
        let t = text.trim().to_string();
        if !t.is_empty() {
            return Ok(t);
        }
    }
    let mut raw = [0u8; 32];
    getrandom::fill(&mut raw).map_err(|e| {
        RenderError::Read(fsutil::ReadError::Io {
            path: path.clone(),
            source: std::io::Error::other(e.to_string()),
        })
    })?;
    let secret = hex::encode(raw);
    fsutil::write_atomic(
        &path,
        format!("{secret}\n").as_bytes(),
        MODE_SECRET,
        Overwrite::Replace,
    )?;
    Ok(secret)
}

/// The URL a container's health check asks for: the registry's own name
/// (so the certificate check means something), dialled on 127.0.0.1.
fn probe_url(s: &Setup, tls: bool) -> String {
    let host = s.hosts.first().map(String::as_str).unwrap_or("localhost");
    if !tls {
        return "http://127.0.0.1:5000/".to_string();
    }
    if host.contains(':') {
        format!("https://[{host}]:5000/")
    } else {
        format!("https://{host}:5000/")
    }
}

/// The container image the answers ask for.
fn image(s: &Setup) -> String {
    s.image
        .clone()
        .unwrap_or_else(|| match (s.engine, s.distribution_version) {
            (Engine::Bundled, _) => BUNDLED_IMAGE.to_string(),
            (Engine::Distribution, 3) => "registry:3".to_string(),
            (Engine::Distribution, _) => "registry:2.8.3".to_string(),
        })
}

/// Where that image reads its config.yml (distribution 3 moved it).
fn container_config(s: &Setup) -> &'static str {
    match (s.engine, s.distribution_version) {
        (Engine::Distribution, 3) => "/etc/distribution/config.yml",
        _ => "/etc/docker/registry/config.yml",
    }
}

/// htpasswd auth is on when users are named or the file exists.
fn auth_enabled(s: &Setup, layout: &RegistryDir) -> bool {
    !s.users.is_empty() || layout.htpasswd().exists()
}

fn environment(templates: Option<&Path>) -> Result<Environment<'static>, RenderError> {
    let mut env = Environment::new();
    let syntax = minijinja::syntax::SyntaxConfig::builder()
        .keep_trailing_newline(true)
        .build()
        .map_err(|source| RenderError::Template {
            name: "(syntax)".into(),
            source,
        })?;
    env.set_syntax(syntax);
    env.set_undefined_behavior(minijinja::UndefinedBehavior::Strict);
    for (name, builtin) in TEMPLATES {
        let text = match templates.map(|d| d.join(name)).filter(|p| p.is_file()) {
            Some(p) => fsutil::read_to_string(&p)?,
            None => builtin.to_string(),
        };
        env.add_template_owned(name.to_string(), text)
            .map_err(|source| RenderError::Template {
                name: name.to_string(),
                source,
            })?;
    }
    Ok(env)
}

/// One template, ending with exactly one newline.
fn render_one(env: &Environment<'_>, name: &str, ctx: &Value) -> Result<String, RenderError> {
    let mut text = env
        .get_template(name)
        .and_then(|t| t.render(ctx))
        .map_err(|source| RenderError::Template {
            name: name.to_string(),
            source,
        })?;
    if !text.ends_with('\n') {
        text.push('\n');
    }
    Ok(text)
}

/// Renders the requested files in memory.
pub(crate) fn render(inputs: &Inputs<'_>, what: What) -> Result<Vec<Rendered>, RenderError> {
    let s = inputs.setup;
    s.validate()?;
    let env = environment(inputs.templates)?;
    let layout = RegistryDir::new(inputs.dir);
    let tls = s.tls != TlsMode::None;
    let auth = auth_enabled(s, &layout);
    let engine = match s.engine {
        Engine::Bundled => "bundled",
        Engine::Distribution => "distribution",
    };
    let image = image(s);
    let container_config = container_config(s);
    let target = match s.target {
        crate::setup::Target::Local => "local",
        crate::setup::Target::Compose => "compose",
        crate::setup::Target::Kubernetes => "kubernetes",
    };
    let base = context! {
        setup => Value::from(Serde(s)),
        engine, target, tls, auth,
        image => image.clone(),
        container_config,
        registry_host => s.registry_host(),
        dir => inputs.dir.display().to_string(),
        http_secret => inputs.http_secret.clone(),
        probe_url => probe_url(s, tls),
    };
    // Host paths, for `regctl serve` (and distribution) on this machine.
    // (In `context!`, the leftmost value of a key wins.)
    let host_cfg = context! {
        storage_root => layout.root().join(&s.storage.data_dir).display().to_string(),
        listen_port => s.port,
        tls_cert => layout.server_fullchain().display().to_string(),
        tls_key => layout.server_key().display().to_string(),
        htpasswd => layout.htpasswd().display().to_string(),
        redis_addr => "127.0.0.1:6379",
        for_k8s => false,
        ..base.clone()
    };
    let mut out = Vec::new();
    let want = |w: What| what == w || what == What::All;
    if want(What::Config) || want(What::Compose) || want(What::Systemd) {
        out.push(Rendered {
            path: "config.yml".into(),
            contents: render_one(&env, "config.yml.j2", &host_cfg)?,
            secret: true,
        });
    }
    if want(What::Compose) {
        out.push(Rendered {
            path: "docker-compose.yml".into(),
            contents: render_one(&env, "docker-compose.yml.j2", &host_cfg)?,
            secret: false,
        });
    }
    if want(What::Systemd) {
        out.push(Rendered {
            path: "regctl-registry.service".into(),
            contents: render_one(&env, "regctl-registry.service.j2", &host_cfg)?,
            secret: false,
        });
    }
    if want(What::K8s) {
        out.extend(render_k8s(&env, inputs, &base, &layout, tls, auth)?);
    }
    Ok(out)
}

/// The `docker run` equivalent of the compose file.
pub(crate) fn docker_run(inputs: &Inputs<'_>) -> Result<String, RenderError> {
    inputs.setup.validate()?;
    let env = environment(inputs.templates)?;
    let s = inputs.setup;
    let ctx = context! {
        setup => Value::from(Serde(s)),
        tls => s.tls != TlsMode::None,
        auth => auth_enabled(s, &RegistryDir::new(inputs.dir)),
        dir => inputs.dir.display().to_string(),
        image => image(s),
        container_config => container_config(s),
    };
    Ok(render_one(&env, "docker-run.sh.j2", &ctx)?
        .trim()
        .to_string())
}

fn render_k8s(
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
    let config_sha = hex::encode(Sha256::digest(k8s_config.as_bytes()));
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

/// SHA-256 in hex.
pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// What regctl last wrote, per file relative to the registry directory
/// (`rendered.sha256`, `sha256sum` format).
pub(crate) fn read_sums(layout: &RegistryDir) -> std::collections::BTreeMap<PathBuf, String> {
    let text = std::fs::read_to_string(layout.rendered_sums()).unwrap_or_default();
    text.lines()
        .filter_map(|l| l.split_once("  "))
        .map(|(sum, path)| (PathBuf::from(path), sum.to_string()))
        .collect()
}

/// Records the checksums of files just written (relative paths).
pub(crate) fn record_sums<'a>(
    layout: &RegistryDir,
    written: impl IntoIterator<Item = (&'a Path, &'a [u8])>,
) -> Result<(), RenderError> {
    let mut sums = read_sums(layout);
    for (path, bytes) in written {
        sums.insert(path.to_path_buf(), sha256_hex(bytes));
    }
    let text: String = sums
        .iter()
        .map(|(p, s)| format!("{s}  {}\n", p.display()))
        .collect();
    fsutil::write_atomic(
        &layout.rendered_sums(),
        text.as_bytes(),
        MODE_PUBLIC,
        Overwrite::Replace,
    )?;
    Ok(())
}

/// Writes rendered files under `out` (secrets 0600), keeping the owner of
/// a file that exists (a container's user must still read it); returns
/// their paths. Into the registry directory itself, a file that was edited
/// by hand since regctl wrote it is refused unless `force`, so no edit is
/// lost silently; the checksums of what was written are recorded.
pub(crate) fn write_checked(
    layout: &RegistryDir,
    out: &Path,
    files: &[Rendered],
    force: bool,
) -> Result<Vec<PathBuf>, RenderError> {
    let own_dir = out == layout.root();
    if own_dir && !force {
        let sums = read_sums(layout);
        let edited: Vec<String> = files
            .iter()
            .filter(|f| {
                let Ok(old) = std::fs::read(out.join(&f.path)) else {
                    return false;
                };
                old != f.contents.as_bytes()
                    && sums.get(&f.path).is_none_or(|s| *s != sha256_hex(&old))
            })
            .map(|f| f.path.display().to_string())
            .collect();
        if !edited.is_empty() {
            return Err(RenderError::Edited(edited));
        }
    }
    let mut written = Vec::new();
    for f in files {
        let path = out.join(&f.path);
        let mode = if f.secret { MODE_SECRET } else { MODE_PUBLIC };
        fsutil::write_atomic_as(
            &path,
            f.contents.as_bytes(),
            mode,
            Overwrite::Replace,
            fsutil::Owner::Keep,
        )?;
        written.push(path);
    }
    if own_dir {
        record_sums(
            layout,
            files
                .iter()
                .map(|f| (f.path.as_path(), f.contents.as_bytes())),
        )?;
    }
    Ok(written)
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
