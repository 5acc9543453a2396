//! The answers that describe a registry (`regctl.yaml`): every decision
//! `init` made, what `render` turns into files, and what every other command
//! reads to act on the same registry. Never holds a secret, so it can be
//! committed and replayed.

mod resolve;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::fsutil::{self, MODE_PUBLIC, Overwrite};
use crate::pki::San;
use crate::pki::san::validate_dns_name;
use crate::trust::StoreKind;

/// The default user of a password-protected registry.
pub(crate) const DEFAULT_USER: &str = "admin";

/// Where the registry runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Target {
    /// The bundled `regctl serve` on this machine.
    #[default]
    Local,
    /// docker compose.
    Compose,
    /// Kubernetes manifests (applied with --apply).
    Kubernetes,
}

/// How clients come to trust the registry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default, clap::ValueEnum)]
#[serde(rename_all = "kebab-case")]
pub(crate) enum TlsMode {
    /// regctl's own CA (the default).
    #[default]
    OwnCa,
    /// Your certificate, key and CA (--cert, --key, --ca).
    Provided,
    /// Signed by the cluster through a CertificateSigningRequest.
    KubernetesCsr,
    /// Plain HTTP: every client must list the registry as insecure.
    None,
}

/// Which server runs in containers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Engine {
    /// The `regctl serve` image.
    #[default]
    Bundled,
    /// distribution (`registry:2.8.3` or `registry:3`).
    Distribution,
}

/// Kubernetes Service type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default, clap::ValueEnum)]
pub(crate) enum ServiceType {
    #[default]
    #[value(name = "ClusterIP")]
    ClusterIP,
    #[value(name = "NodePort")]
    NodePort,
    #[value(name = "LoadBalancer")]
    LoadBalancer,
}

/// Ingress controller flavour (decides the annotations).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub(crate) enum IngressClass {
    #[default]
    Nginx,
    Traefik,
}

/// A PersistentVolume access mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub(crate) enum AccessMode {
    #[default]
    ReadWriteOnce,
    ReadWriteMany,
}

/// Storage answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub(crate) struct Storage {
    /// Data directory, relative to the registry directory (local, compose).
    pub data_dir: String,
    /// PersistentVolumeClaim size (Kubernetes).
    pub size: String,
    pub storage_class: Option<String>,
    pub access_mode: AccessMode,
    /// When set, a hostPath PersistentVolume at this node path is rendered.
    pub host_path: Option<String>,
    pub delete_enabled: bool,
    /// Cron schedule of the garbage collection, on every target.
    pub gc_schedule: String,
}

impl Default for Storage {
    fn default() -> Self {
        Storage {
            data_dir: "data".into(),
            size: "20Gi".into(),
            storage_class: None,
            access_mode: AccessMode::ReadWriteOnce,
            host_path: None,
            delete_enabled: true,
            gc_schedule: "0 3 * * 0".into(),
        }
    }
}

/// The dedicated user of the image pull Secret (see
/// [`Kubernetes::pull_user`]).
pub(crate) const DEFAULT_PULL_USER: &str = "k8s-pull";

/// The node port a NodePort Service gets when none was asked for: fixed
/// by the registry's port (5000 gives 32232), inside 30000-32767.
pub(crate) fn derived_node_port(port: u16) -> u16 {
    30000 + port % 2768
}

/// Ingress answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Ingress {
    pub host: String,
    #[serde(default)]
    pub class: IngressClass,
}

/// How the cluster signs the server certificate (`tls: kubernetes-csr`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub(crate) struct Csr {
    pub signer: String,
    /// The node name in a kubelet-serving subject (`regctl-registry`, which
    /// names no node, when unset).
    pub node_name: Option<String>,
    /// Approve the request with the user's own rights.
    pub approve: bool,
    /// Seconds to wait for the signature.
    pub timeout: u64,
    /// The signer's CA certificate, when the kubeconfig has no cluster CA
    /// or a custom signer signs.
    pub signer_ca: Option<PathBuf>,
}

impl Default for Csr {
    fn default() -> Self {
        Csr {
            signer: crate::pki::csr::KUBELET_SERVING.into(),
            node_name: None,
            approve: false,
            timeout: 300,
            signer_ca: None,
        }
    }
}

/// Kubernetes answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub(crate) struct Kubernetes {
    pub namespace: String,
    pub service_type: ServiceType,
    pub node_port: Option<u16>,
    pub external_ips: Vec<String>,
    pub ingress: Option<Ingress>,
    pub node_selector: BTreeMap<String, String>,
    /// Pin to control-plane nodes (nodeSelector and toleration), as the
    /// single-node tutorials do.
    pub pin_control_plane: bool,
    /// Namespaces that get an image pull Secret for the registry.
    pub pull_secret_namespaces: Vec<String>,
    /// The user `init` creates (with a generated password) for the pull
    /// Secret when no pull credentials are kept; `null` for none. Removing
    /// the user with `regctl user remove` sets it to `null`, so no later
    /// `init` brings it back.
    pub pull_user: Option<String>,
    /// Networks (CIDRs) allowed in through the Ingress and the
    /// NetworkPolicy; everyone when empty.
    pub allow_from: Vec<String>,
    /// kubectl's `--context`.
    pub context: Option<String>,
    /// kubectl's `--kubeconfig`.
    pub kubeconfig: Option<PathBuf>,
    /// Certificate signing by the cluster.
    pub csr: Csr,
}

impl Default for Kubernetes {
    fn default() -> Self {
        Kubernetes {
            namespace: "registry".into(),
            service_type: ServiceType::ClusterIP,
            node_port: None,
            external_ips: Vec::new(),
            ingress: None,
            node_selector: BTreeMap::new(),
            pin_control_plane: false,
            pull_secret_namespaces: vec!["default".into()],
            pull_user: Some(DEFAULT_PULL_USER.into()),
            allow_from: Vec::new(),
            context: None,
            kubeconfig: None,
            csr: Csr::default(),
        }
    }
}

impl Kubernetes {
    /// kubectl's `--context`/`--kubeconfig` flags for these answers.
    pub(crate) fn kubectl(&self) -> crate::kube::Kubectl {
        crate::kube::Kubectl::new(self.context.as_deref(), self.kubeconfig.as_deref())
    }
}

/// systemd answers (local target).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub(crate) struct Systemd {
    /// Run as this dedicated user; root when unset.
    pub user: Option<String>,
    /// Where the regctl binary is installed.
    pub binary: String,
}

impl Default for Systemd {
    fn default() -> Self {
        Systemd {
            user: None,
            binary: "/usr/local/bin/regctl".into(),
        }
    }
}

/// Every answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Setup {
    #[serde(default)]
    pub target: Target,
    /// Names and addresses clients use; the first is the registry's address.
    pub hosts: Vec<String>,
    #[serde(default = "default_port")]
    pub port: u16,
    #[serde(default)]
    pub tls: TlsMode,
    #[serde(default)]
    pub engine: Engine,
    /// distribution's major version when `engine: distribution` (2 or 3).
    #[serde(default = "default_distribution")]
    pub distribution_version: u8,
    /// Container image override.
    #[serde(default)]
    pub image: Option<String>,
    /// htpasswd user names (passwords live only in auth/htpasswd).
    #[serde(default)]
    pub users: Vec<String>,
    /// The trust stores on this machine that hold the CA (`[]`: none).
    /// Unset only before the first `init`, which records what it chose.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trust: Option<Vec<StoreKind>>,
    #[serde(default)]
    pub storage: Storage,
    /// Redis blob-descriptor cache (distribution engine).
    #[serde(default)]
    pub redis: bool,
    #[serde(default = "default_replicas")]
    pub replicas: u32,
    #[serde(default)]
    pub kubernetes: Kubernetes,
    #[serde(default)]
    pub systemd: Systemd,
}

fn default_port() -> u16 {
    5000
}
fn default_distribution() -> u8 {
    2
}
fn default_replicas() -> u32 {
    1
}

/// An answer that cannot work, naming the field.
#[derive(Debug, thiserror::Error)]
pub(crate) enum SetupError {
    #[error("{field}: {message}")]
    Invalid { field: String, message: String },
    #[error("cannot read the answers file {}", path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("the answers file {} is not valid: {message}", path.display())]
    Parse { path: PathBuf, message: String },
    #[error("cannot save the answers")]
    Write(#[source] fsutil::FsError),
}

fn invalid(field: &str, message: impl Into<String>) -> SetupError {
    SetupError::Invalid {
        field: field.into(),
        message: message.into(),
    }
}

pub(crate) fn dns_label(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 63
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !s.starts_with('-')
        && !s.ends_with('-')
}

/// A serde error as a person reads it: the field and what it wants, not
/// `invalid type: string "x", expected u16 at line 3 column 7`.
fn friendly_yaml_error(e: &serde_norway::Error) -> String {
    let text = e.to_string();
    let at = e
        .location()
        .map(|l| format!(" (line {})", l.line()))
        .unwrap_or_default();
    let text = text.split(" at line ").next().unwrap_or(&text).to_string();
    let wants = [
        ("expected u16", "a whole number from 1 to 65535"),
        ("expected u32", "a whole number"),
        ("expected u64", "a whole number"),
        ("expected u8", "a small whole number"),
        ("expected a boolean", "true or false"),
        ("expected a string", "text"),
        ("expected a sequence", "a list"),
    ];
    for (needle, plain) in wants {
        if text.contains(needle) {
            let field = text.split(':').next().unwrap_or("a value").trim();
            return format!("{field}: must be {plain}{at}");
        }
    }
    format!("{text}{at}")
}

impl Setup {
    /// Answers for this machine before anything was asked: its reachable
    /// names and addresses, port 5000, regctl's own CA, one `admin` user.
    pub(crate) fn for_this_machine() -> Setup {
        Setup {
            target: Target::default(),
            hosts: crate::netinfo::default_hosts(),
            port: default_port(),
            tls: TlsMode::default(),
            engine: Engine::default(),
            distribution_version: default_distribution(),
            image: None,
            users: vec![DEFAULT_USER.to_string()],
            trust: None,
            storage: Storage::default(),
            redis: false,
            replicas: default_replicas(),
            kubernetes: Kubernetes::default(),
            systemd: Systemd::default(),
        }
    }

    /// Loads `regctl.yaml`; unknown keys are errors naming the key.
    pub(crate) fn load(path: &Path) -> Result<Setup, SetupError> {
        let text = std::fs::read_to_string(path).map_err(|source| SetupError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        Self::parse(&text, path)
    }

    /// Parses answers text; `path` names the file in errors.
    pub(crate) fn parse(text: &str, path: &Path) -> Result<Setup, SetupError> {
        let setup: Setup = serde_norway::from_str(text).map_err(|e| SetupError::Parse {
            path: path.to_path_buf(),
            message: friendly_yaml_error(&e),
        })?;
        setup.validate()?;
        Ok(setup)
    }

    /// The YAML saved next to the files (no secrets in it).
    pub(crate) fn to_yaml(&self) -> String {
        format!(
            "# regctl answers: replay with `regctl init --answers regctl.yaml`,\n# or edit and run `regctl render`. No secrets are kept here.\n{}",
            serde_norway::to_string(self).unwrap_or_default()
        )
    }

    /// Writes the answers to `path` (0644).
    pub(crate) fn save(&self, path: &Path) -> Result<(), SetupError> {
        fsutil::write_atomic(
            path,
            self.to_yaml().as_bytes(),
            MODE_PUBLIC,
            Overwrite::Replace,
        )
        .map_err(SetupError::Write)
    }

    /// The address clients use: first host and port.
    pub(crate) fn registry_host(&self) -> String {
        let host = self
            .hosts
            .first()
            .map(String::as_str)
            .unwrap_or("localhost");
        host_port(host, self.client_port())
    }

    /// Every `host:port` clients may use, the registry's address first.
    pub(crate) fn registry_hosts(&self) -> Vec<String> {
        self.hosts
            .iter()
            .map(|h| host_port(h, self.client_port()))
            .collect()
    }

    /// The port clients dial: a NodePort Service's node port (on the
    /// nodes' addresses), else the registry's port.
    pub(crate) fn client_port(&self) -> u16 {
        match (
            self.target,
            self.kubernetes.service_type,
            self.kubernetes.node_port,
        ) {
            (Target::Kubernetes, ServiceType::NodePort, Some(p)) => p,
            _ => self.port,
        }
    }

    /// The trust stores recorded for this machine (none before `init`).
    pub(crate) fn trust_stores(&self) -> &[StoreKind] {
        self.trust.as_deref().unwrap_or_default()
    }

    /// The URL scheme clients use.
    pub(crate) fn scheme(&self) -> &'static str {
        if self.tls == TlsMode::None {
            "http"
        } else {
            "https"
        }
    }

    /// Every answer that cannot work is refused here, naming the field.
    pub(crate) fn validate(&self) -> Result<(), SetupError> {
        if self.hosts.is_empty() {
            return Err(invalid(
                "hosts",
                "at least one host name or IP address is needed (--host)",
            ));
        }
        for (i, h) in self.hosts.iter().enumerate() {
            h.parse::<San>()
                .map_err(|e| invalid(&format!("hosts[{i}]"), e.to_string()))?;
        }
        if self.port == 0 {
            return Err(invalid("port", "must be between 1 and 65535"));
        }
        if !matches!(self.distribution_version, 2 | 3) {
            return Err(invalid("distribution_version", "must be 2 or 3"));
        }
        for (i, u) in self.users.iter().enumerate() {
            crate::htpasswd::validate_user(u)
                .map_err(|e| invalid(&format!("users[{i}]"), e.to_string()))?;
        }
        if self.replicas == 0 {
            return Err(invalid("replicas", "must be at least 1"));
        }
        let st = &self.storage;
        if self.replicas > 1 && st.access_mode != AccessMode::ReadWriteMany {
            return Err(invalid(
                "storage.access_mode",
                format!(
                    "{} replicas share one filesystem, so the volume must be ReadWriteMany (with ReadWriteOnce only one node can mount it); set storage.access_mode: ReadWriteMany or replicas: 1",
                    self.replicas
                ),
            ));
        }
        st.gc_schedule
            .parse::<crate::cron::Schedule>()
            .map_err(|e| invalid("storage.gc_schedule", e.to_string()))?;
        if st.data_dir.is_empty()
            || Path::new(&st.data_dir).is_absolute()
            || st.data_dir.split('/').any(|c| c == "..")
        {
            return Err(invalid(
                "storage.data_dir",
                "must be a relative path inside the registry directory",
            ));
        }
        self.validate_kubernetes()?;
        if self.redis && self.engine == Engine::Bundled {
            return Err(invalid(
                "redis",
                "the Redis blob-descriptor cache is a distribution feature; regctl serve reads descriptors from storage (use engine: distribution, or redis: false)",
            ));
        }
        Ok(())
    }

    fn validate_kubernetes(&self) -> Result<(), SetupError> {
        let k = &self.kubernetes;
        if !dns_label(&k.namespace) {
            return Err(invalid(
                "kubernetes.namespace",
                format!("`{}` is not a valid namespace name", k.namespace),
            ));
        }
        for (i, ns) in k.pull_secret_namespaces.iter().enumerate() {
            if !dns_label(ns) {
                return Err(invalid(
                    &format!("kubernetes.pull_secret_namespaces[{i}]"),
                    format!("`{ns}` is not a valid namespace name"),
                ));
            }
        }
        if let Some(p) = k.node_port {
            if !(30000..=32767).contains(&p) {
                return Err(invalid(
                    "kubernetes.node_port",
                    "must be in the NodePort range 30000-32767",
                ));
            }
            if k.service_type != ServiceType::NodePort {
                return Err(invalid(
                    "kubernetes.node_port",
                    format!(
                        "only a NodePort Service has one, but service_type is {:?}; set service_type: NodePort or remove node_port",
                        k.service_type
                    ),
                ));
            }
        }
        for (i, ip) in k.external_ips.iter().enumerate() {
            ip.parse::<std::net::IpAddr>().map_err(|_| {
                invalid(
                    &format!("kubernetes.external_ips[{i}]"),
                    format!("`{ip}` is not an IP address"),
                )
            })?;
        }
        for (i, cidr) in k.allow_from.iter().enumerate() {
            crate::netinfo::parse_cidr(cidr).map_err(|m| {
                invalid(
                    &format!("kubernetes.allow_from[{i}]"),
                    format!("`{cidr}`: {m}"),
                )
            })?;
        }
        if let Some(ing) = &k.ingress {
            validate_dns_name(&ing.host)
                .map_err(|m| invalid("kubernetes.ingress.host", format!("`{}`: {m}", ing.host)))?;
        }
        if k.csr.signer.trim().is_empty() || !k.csr.signer.contains('/') {
            return Err(invalid(
                "kubernetes.csr.signer",
                format!(
                    "`{}` is not a signer name (DOMAIN/NAME, e.g. kubernetes.io/kubelet-serving)",
                    k.csr.signer
                ),
            ));
        }
        if k.csr.timeout == 0 {
            return Err(invalid(
                "kubernetes.csr.timeout",
                "must be at least 1 second",
            ));
        }
        Ok(())
    }
}

/// `host:port`, with brackets around an IPv6 address.
pub(crate) fn host_port(host: &str, port: u16) -> String {
    if host.contains(':') {
        format!("[{host}]:{port}")
    } else {
        format!("{host}:{port}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(yaml: &str) -> Result<Setup, SetupError> {
        Setup::parse(yaml, Path::new("regctl.yaml"))
    }

    #[test]
    fn defaults_and_round_trip() {
        let s = parse("hosts: [registry.example.lan]\n").unwrap();
        assert_eq!((s.port, s.target, s.replicas), (5000, Target::Local, 1));
        let again = parse(&s.to_yaml()).unwrap();
        assert_eq!(again, s);
        assert_eq!(s.registry_host(), "registry.example.lan:5000");
        let mut with_trust = s.clone();
        with_trust.trust = Some(Vec::new());
        assert!(with_trust.to_yaml().contains("trust: []"));
        assert_eq!(parse(&with_trust.to_yaml()).unwrap(), with_trust);
    }

    #[test]
    fn errors_name_the_field() {
        let err = |yaml: &str| parse(yaml).unwrap_err().to_string();
        assert!(err("hosts: [a.lan]\nbogus: 1\n").contains("bogus"));
        assert!(err("port: 5000\n").contains("hosts"));
        assert!(err("hosts: [bad_host!]\n").starts_with("hosts[0]"));
        assert!(err("hosts: [a.lan]\nreplicas: 2\n").starts_with("storage.access_mode"));
        assert!(
            err("hosts: [a.lan]\nkubernetes:\n  namespace: Bad\n")
                .starts_with("kubernetes.namespace")
        );
        assert!(
            err("hosts: [a.lan]\nstorage:\n  data_dir: ../x\n").starts_with("storage.data_dir")
        );
        assert!(err("hosts: [a.lan]\nredis: true\n").starts_with("redis"));
        assert!(
            err("hosts: [a.lan]\nstorage:\n  gc_schedule: '61 * * * *'\n")
                .starts_with("storage.gc_schedule")
        );
        assert!(
            err("hosts: [a.lan]\nkubernetes:\n  node_port: 30500\n")
                .starts_with("kubernetes.node_port: only a NodePort")
        );
        let port = err("hosts: [a.lan]\nport: x\n");
        assert!(
            port.contains("port: must be a whole number from 1 to 65535"),
            "{port}"
        );
        assert!(!port.contains("expected u16"), "{port}");
    }
}
