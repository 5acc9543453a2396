//! The answers that describe a registry (`regctl.yaml`): what `init` asks,
//! what `render` turns into files. Never holds a secret, so it can be
//! committed and replayed.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::fsutil;
use crate::pki::San;
use crate::pki::san::validate_dns_name;

/// Where the registry runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Target {
    /// The bundled `regctl serve` on this machine.
    #[default]
    Local,
    /// docker compose.
    Compose,
    /// A Kubernetes cluster.
    Kubernetes,
}

/// How clients come to trust the registry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub(crate) enum TlsMode {
    /// regctl's own CA (`certs/ca.crt`).
    #[default]
    OwnCa,
    /// A certificate and key the user brought.
    Provided,
    /// Signed by the cluster through a CertificateSigningRequest.
    KubernetesCsr,
    /// Plain HTTP: every client must list the registry as insecure.
    None,
}

/// Which server runs in containers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Engine {
    /// The `regctl serve` image.
    #[default]
    Bundled,
    /// distribution (`registry:2.8.3` or `registry:3`).
    Distribution,
}

/// Kubernetes Service type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub(crate) enum ServiceType {
    #[default]
    ClusterIP,
    NodePort,
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

/// Storage answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub(crate) struct Storage {
    /// Data directory, relative to the registry directory (local, compose).
    pub data_dir: String,
    /// PersistentVolumeClaim size (Kubernetes).
    pub size: String,
    pub storage_class: Option<String>,
    /// `ReadWriteOnce` or `ReadWriteMany`.
    pub access_mode: String,
    /// When set, a hostPath PersistentVolume at this node path is rendered.
    pub host_path: Option<String>,
    pub delete_enabled: bool,
    /// Cron schedule of the garbage collection.
    pub gc_schedule: String,
}

impl Default for Storage {
    fn default() -> Self {
        Storage {
            data_dir: "data".into(),
            size: "20Gi".into(),
            storage_class: None,
            access_mode: "ReadWriteOnce".into(),
            host_path: None,
            delete_enabled: true,
            gc_schedule: "0 3 * * 0".into(),
        }
    }
}

/// Ingress answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Ingress {
    pub host: String,
    #[serde(default)]
    pub class: IngressClass,
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
        }
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
    #[error("cannot read the answers file {}: {source}", path.display())]
    Read {
        path: std::path::PathBuf,
        #[source]
        source: fsutil::ReadError,
    },
    #[error("the answers file {} is not valid: {message}", path.display())]
    Parse {
        path: std::path::PathBuf,
        message: String,
    },
}

fn invalid(field: &str, message: impl Into<String>) -> SetupError {
    SetupError::Invalid {
        field: field.into(),
        message: message.into(),
    }
}

fn dns_label(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 63
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !s.starts_with('-')
        && !s.ends_with('-')
}

impl Setup {
    /// Loads `regctl.yaml`; unknown keys are errors naming the key.
    pub(crate) fn load(path: &Path) -> Result<Setup, SetupError> {
        let text = fsutil::read_to_string(path).map_err(|source| SetupError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        let setup: Setup = serde_norway::from_str(&text).map_err(|e| SetupError::Parse {
            path: path.to_path_buf(),
            message: e.to_string(),
        })?;
        setup.validate()?;
        Ok(setup)
    }

    /// The YAML saved next to the files (no secrets in it).
    pub(crate) fn to_yaml(&self) -> String {
        format!(
            "# regctl answers: replay with `regctl init --config regctl.yaml`,\n# or edit and run `regctl render`. No secrets are kept here.\n{}",
            serde_norway::to_string(self).unwrap_or_default()
        )
    }

    /// The address clients use: first host and port.
    pub(crate) fn registry_host(&self) -> String {
        let host = self
            .hosts
            .first()
            .map(String::as_str)
            .unwrap_or("localhost");
        if host.contains(':') {
            format!("[{host}]:{}", self.port)
        } else {
            format!("{host}:{}", self.port)
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
        if !matches!(st.access_mode.as_str(), "ReadWriteOnce" | "ReadWriteMany") {
            return Err(invalid(
                "storage.access_mode",
                "must be ReadWriteOnce or ReadWriteMany",
            ));
        }
        if self.replicas > 1 && st.access_mode != "ReadWriteMany" {
            return Err(invalid(
                "storage.access_mode",
                format!(
                    "{} replicas share one filesystem, so the volume must be ReadWriteMany (with ReadWriteOnce only one node can mount it); set storage.access_mode: ReadWriteMany or replicas: 1",
                    self.replicas
                ),
            ));
        }
        if st.gc_schedule.split_whitespace().count() != 5 {
            return Err(invalid(
                "storage.gc_schedule",
                format!("`{}` is not a 5-field cron schedule", st.gc_schedule),
            ));
        }
        if Path::new(&st.data_dir).is_absolute() || st.data_dir.split('/').any(|c| c == "..") {
            return Err(invalid(
                "storage.data_dir",
                "must be a relative path inside the registry directory",
            ));
        }
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
        if k.node_port.is_some_and(|p| !(30000..=32767).contains(&p)) {
            return Err(invalid(
                "kubernetes.node_port",
                "must be in the NodePort range 30000-32767",
            ));
        }
        for (i, ip) in k.external_ips.iter().enumerate() {
            ip.parse::<std::net::IpAddr>().map_err(|_| {
                invalid(
                    &format!("kubernetes.external_ips[{i}]"),
                    format!("`{ip}` is not an IP address"),
                )
            })?;
        }
        if let Some(ing) = &k.ingress {
            validate_dns_name(&ing.host)
                .map_err(|m| invalid("kubernetes.ingress.host", format!("`{}`: {m}", ing.host)))?;
        }
        if self.redis && self.engine == Engine::Bundled {
            return Err(invalid(
                "redis",
                "the Redis blob-descriptor cache is a distribution feature; regctl serve reads descriptors from storage (use engine: distribution, or redis: false)",
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn minimal() -> Setup {
        serde_norway::from_str("hosts: [registry.example.lan]\n").unwrap()
    }

    #[test]
    fn defaults_and_round_trip() {
        let s = minimal();
        assert_eq!((s.port, s.target, s.replicas), (5000, Target::Local, 1));
        s.validate().unwrap();
        let again: Setup = serde_norway::from_str(&s.to_yaml()).unwrap();
        assert_eq!(again, s);
        assert_eq!(s.registry_host(), "registry.example.lan:5000");
    }

    #[test]
    fn errors_name_the_field() {
        let err = |yaml: &str| match serde_norway::from_str::<Setup>(yaml) {
            Ok(s) => s.validate().unwrap_err().to_string(),
            Err(e) => e.to_string(),
        };
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
    }
}
