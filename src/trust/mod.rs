//! Making clients trust the registry's CA, and undoing it.
//!
//! One short module per store, mkcert-style. Stores are detected by what
//! exists on the machine (an anchor directory, a config directory), not by
//! distribution name. Every path is under a root (`--root`, `/` for the real
//! host), and every change is recorded in a ledger in the registry directory,
//! so `uninstall` removes exactly what `install` added and a second `install`
//! changes nothing.

pub mod containerd;
pub mod insecure;
pub mod ledger;
pub mod system;

use std::path::{Path, PathBuf};

use crate::pki::san::validate_dns_name;

/// A client trust store.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum StoreKind {
    /// The operating system's CA bundle (curl, Go programs, most tools).
    System,
    /// Docker: `/etc/docker/certs.d/<host:port>/ca.crt`.
    Docker,
    /// containerd: `/etc/containerd/certs.d/<host:port>/{ca.crt,hosts.toml}`.
    Containerd,
    /// podman, CRI-O, skopeo, buildah: `/etc/containers/certs.d/<host:port>/ca.crt`.
    Podman,
}

impl StoreKind {
    pub const ALL: [StoreKind; 4] = [
        StoreKind::System,
        StoreKind::Docker,
        StoreKind::Containerd,
        StoreKind::Podman,
    ];

    pub fn name(self) -> &'static str {
        match self {
            StoreKind::System => "system",
            StoreKind::Docker => "docker",
            StoreKind::Containerd => "containerd",
            StoreKind::Podman => "podman",
        }
    }
}

/// Errors that stop a trust change before anything is written.
#[derive(Debug, thiserror::Error)]
pub enum TrustError {
    #[error("`{0}` is not HOST:PORT (for example registry.example.lan:5000)")]
    BadRegistry(String),
    #[error(
        "the --ca file is not a CA certificate ({0}); clients need the CA that signed the server certificate, usually certs/ca.crt"
    )]
    NotCa(String),
    #[error("unknown store `{0}` (expected one of: system, docker, containerd, podman)")]
    UnknownStore(String),
    #[error(
        "no system trust store found under {0} (looked for Debian/Alpine, RHEL/Fedora, Arch and SUSE anchor directories)"
    )]
    NoSystemStore(String),
    #[error("{path} cannot be merged: {message}; fix it by hand (regctl left it untouched)")]
    DaemonJson { path: String, message: String },
    #[error(
        "--insecure has nothing to put in the system store (it holds CAs); use --store docker, containerd or podman"
    )]
    InsecureSystem,
    #[error(
        "the {0} store is system-wide and needs root; --user covers docker (rootless) and podman"
    )]
    SystemWideOnly(&'static str),
    #[error(transparent)]
    Pki(#[from] crate::pki::PkiError),
    #[error(transparent)]
    Ledger(#[from] ledger::LedgerError),
}

/// `host:port`, validated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegistryAddr {
    pub host: String,
    pub port: u16,
}

impl RegistryAddr {
    pub fn parse(s: &str) -> Result<Self, TrustError> {
        let bad = || TrustError::BadRegistry(s.to_string());
        let (host, port) = if let Some(rest) = s.strip_prefix('[') {
            let (h, p) = rest.split_once("]:").ok_or_else(bad)?;
            h.parse::<std::net::Ipv6Addr>().map_err(|_| bad())?;
            (h.to_string(), p)
        } else {
            let (h, p) = s.rsplit_once(':').ok_or_else(bad)?;
            if h.parse::<std::net::IpAddr>().is_err() {
                validate_dns_name(h).map_err(|_| bad())?;
            }
            (h.to_ascii_lowercase(), p)
        };
        let port: u16 = port.parse().map_err(|_| bad())?;
        if port == 0 {
            return Err(bad());
        }
        Ok(RegistryAddr { host, port })
    }

    /// The directory name Docker, containerd and podman use: `host:port`.
    pub fn dir_name(&self) -> String {
        if self.host.contains(':') {
            format!("[{}]:{}", self.host, self.port)
        } else {
            format!("{}:{}", self.host, self.port)
        }
    }

    /// A file-name-safe form for system anchors.
    pub fn file_stem(&self) -> String {
        let safe: String = self
            .host
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        format!("regctl-{safe}-{}", self.port)
    }
}

/// Checks that the PEM is a CA certificate and returns it normalised.
pub fn check_ca(pem: &[u8]) -> Result<String, TrustError> {
    let ders = crate::pki::certs_from_bytes(pem)?;
    let info = crate::pki::CertInfo::from_der(&ders[0], time::OffsetDateTime::now_utc())?;
    if !info.is_ca {
        return Err(TrustError::NotCa(format!("{} is CA:FALSE", info.subject)));
    }
    Ok(crate::pki::certs_to_pem(&ders[..1]))
}

/// One change to make.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// Write a file (created directories are recorded too).
    Write { path: PathBuf, contents: String },
    /// Replace a shared file with a merged version; the original (when it
    /// `existed`) is kept as a backup and restored by `uninstall`.
    Merge {
        path: PathBuf,
        contents: String,
        existed: bool,
    },
    /// The setting is already in a shared file; nothing to do.
    Present { path: PathBuf },
    /// Run a command (only on the real host; reported under `--root`).
    Run { argv: Vec<String> },
    /// Something the person must do by hand, with the exact text.
    Advice(String),
}

/// Joins an absolute system path under the root.
pub fn under(root: &Path, path: &str) -> PathBuf {
    root.join(path.trim_start_matches('/'))
}

/// The steps that install `ca` for `reg` into `store`.
pub fn install_steps(
    root: &Path,
    store: StoreKind,
    reg: &RegistryAddr,
    ca: &str,
) -> Result<Vec<Step>, TrustError> {
    let certs_d = |base: &str| Step::Write {
        path: under(root, &format!("{base}/{}/ca.crt", reg.dir_name())),
        contents: ca.to_string(),
    };
    Ok(match store {
        StoreKind::System => system::install_steps(root, reg, ca)?,
        StoreKind::Docker => vec![certs_d("/etc/docker/certs.d")],
        StoreKind::Podman => vec![certs_d("/etc/containers/certs.d")],
        StoreKind::Containerd => containerd::install_steps(root, reg, ca),
    })
}

/// The per-user configuration directory (`$XDG_CONFIG_HOME`, else
/// `~/.config`), where rootless Docker and podman look.
pub fn user_config_dir() -> Option<PathBuf> {
    std::env::var_os("XDG_CONFIG_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".config")))
}

/// The steps for one user, without root: rootless Docker reads
/// `~/.config/docker/certs.d`, podman/skopeo/buildah
/// `~/.config/containers/certs.d`. The system store and containerd are
/// system-wide only.
pub fn user_install_steps(
    config: &Path,
    store: StoreKind,
    reg: &RegistryAddr,
    ca: &str,
) -> Result<Vec<Step>, TrustError> {
    let dir = match store {
        StoreKind::Docker => "docker",
        StoreKind::Podman => "containers",
        StoreKind::System | StoreKind::Containerd => {
            return Err(TrustError::SystemWideOnly(store.name()));
        }
    };
    Ok(vec![Step::Write {
        path: config
            .join(dir)
            .join("certs.d")
            .join(reg.dir_name())
            .join("ca.crt"),
        contents: ca.to_string(),
    }])
}

/// Stores that exist under `root`.
pub fn detect(root: &Path) -> Vec<StoreKind> {
    let mut found = Vec::new();
    if system::Flavor::detect(root).is_some() {
        found.push(StoreKind::System);
    }
    for (kind, dir) in [
        (StoreKind::Docker, "/etc/docker"),
        (StoreKind::Containerd, "/etc/containerd"),
        (StoreKind::Podman, "/etc/containers"),
    ] {
        if under(root, dir).is_dir() {
            found.push(kind);
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registry_addresses() {
        assert_eq!(
            RegistryAddr::parse("Reg.lan:5000").unwrap().dir_name(),
            "reg.lan:5000"
        );
        assert_eq!(
            RegistryAddr::parse("[fd00::1]:443").unwrap().dir_name(),
            "[fd00::1]:443"
        );
        assert_eq!(
            RegistryAddr::parse("10.0.0.1:5000").unwrap().file_stem(),
            "regctl-10.0.0.1-5000"
        );
        for bad in [
            "reg.lan",
            "reg.lan:0",
            "reg.lan:99999",
            "bad_host:5000",
            ":5000",
            "[zz]:1",
        ] {
            assert!(RegistryAddr::parse(bad).is_err(), "{bad}");
        }
    }
}
