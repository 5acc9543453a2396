//! Renders everything the tutorials make people write by hand (config.yml,
//! docker-compose.yml, a systemd unit, a complete Kubernetes deployment)
//! from one [`Setup`] through minijinja templates.
//!
//! Templates are embedded in the binary; a `--templates DIR` holding a file
//! of the same name overrides it, so people customise without forking.
//! Everything is rendered in memory first, so a failure writes nothing.

mod kubernetes;
mod written;

use std::path::{Path, PathBuf};

pub(crate) use kubernetes::{
    missing_pull_namespaces, pull_credentials, remove_stale_k8s, rerender_kubernetes,
    save_pull_credentials,
};
pub(crate) use written::{read_sums, record_sums, write_checked};

use base64::Engine as _;
use minijinja::value::Serde;
use minijinja::{Environment, Value, context};

use crate::fsutil::{self, MODE_SECRET, Overwrite};
use crate::layout::RegistryDir;
use crate::setup::{Engine, Setup, TlsMode};

/// The embedded templates, by name.
pub(crate) const TEMPLATES: &[(&str, &str)] = &[
    (
        "config.yml.j2",
        include_str!("../../templates/config.yml.j2"),
    ),
    (
        "docker-compose.yml.j2",
        include_str!("../../templates/docker-compose.yml.j2"),
    ),
    (
        "docker-run.sh.j2",
        include_str!("../../templates/docker-run.sh.j2"),
    ),
    (
        "regctl-registry.service.j2",
        include_str!("../../templates/regctl-registry.service.j2"),
    ),
    (
        "k8s/namespace.yaml.j2",
        include_str!("../../templates/k8s/namespace.yaml.j2"),
    ),
    (
        "k8s/secrets.yaml.j2",
        include_str!("../../templates/k8s/secrets.yaml.j2"),
    ),
    (
        "k8s/configmap.yaml.j2",
        include_str!("../../templates/k8s/configmap.yaml.j2"),
    ),
    (
        "k8s/storage.yaml.j2",
        include_str!("../../templates/k8s/storage.yaml.j2"),
    ),
    (
        "k8s/deployment.yaml.j2",
        include_str!("../../templates/k8s/deployment.yaml.j2"),
    ),
    (
        "k8s/service.yaml.j2",
        include_str!("../../templates/k8s/service.yaml.j2"),
    ),
    (
        "k8s/ingress.yaml.j2",
        include_str!("../../templates/k8s/ingress.yaml.j2"),
    ),
    (
        "k8s/gc-cronjob.yaml.j2",
        include_str!("../../templates/k8s/gc-cronjob.yaml.j2"),
    ),
    (
        "k8s/redis.yaml.j2",
        include_str!("../../templates/k8s/redis.yaml.j2"),
    ),
    (
        "k8s/pull-secret.yaml.j2",
        include_str!("../../templates/k8s/pull-secret.yaml.j2"),
    ),
    (
        "k8s/local-registry-hosting.yaml.j2",
        include_str!("../../templates/k8s/local-registry-hosting.yaml.j2"),
    ),
    (
        "k8s/node-trust.yaml.j2",
        include_str!("../../templates/k8s/node-trust.yaml.j2"),
    ),
    (
        "k8s/networkpolicy.yaml.j2",
        include_str!("../../templates/k8s/networkpolicy.yaml.j2"),
    ),
    (
        "k8s/traefik-allow.yaml.j2",
        include_str!("../../templates/k8s/traefik-allow.yaml.j2"),
    ),
    (
        "k8s/kustomization.yaml.j2",
        include_str!("../../templates/k8s/kustomization.yaml.j2"),
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
        out.extend(kubernetes::render_k8s(
            &env, inputs, &base, &layout, tls, auth,
        )?);
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
