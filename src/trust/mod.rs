//! Making clients trust the registry's CA, and undoing it.
//!
//! One short module per store, mkcert-style. Stores are detected by what
//! exists on the machine (an anchor directory, a config directory), not by
//! distribution name. Every path is under a root (`--root`, `/` for the real
//! host), and every change is recorded in a ledger in the registry directory,
//! so `uninstall` removes exactly what `install` added and a second `install`
//! changes nothing.

pub(crate) mod containerd;
pub(crate) mod insecure;
pub(crate) mod java;
pub(crate) mod ledger;
pub(crate) mod macos;
pub(crate) mod nss;
pub(crate) mod ops;
pub(crate) mod request;
pub(crate) mod system;
pub(crate) mod tool;
pub(crate) mod windows;

use std::path::{Path, PathBuf};

use crate::pki::san::validate_dns_name;

/// A client trust store.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub(crate) enum StoreKind {
    /// The operating system's CA bundle (curl, Go programs, most tools).
    System,
    /// Docker: `/etc/docker/certs.d/<host:port>/ca.crt`.
    Docker,
    /// containerd: `/etc/containerd/certs.d/<host:port>/{ca.crt,hosts.toml}`.
    Containerd,
    /// podman, CRI-O, skopeo, buildah: `/etc/containers/certs.d/<host:port>/ca.crt`.
    Podman,
    /// NSS databases: Firefox profiles and Chrome's `~/.pki/nssdb` (with
    /// `--user`), `/etc/pki/nssdb` system-wide. Only when asked for.
    Nss,
    /// A JDK's `cacerts` keystore. Only when asked for.
    Java,
    /// The macOS keychain (System, or login with `--user`).
    Macos,
    /// The Windows Trusted Root store (machine, or user with `--user`).
    Windows,
}

impl StoreKind {
    pub(crate) const ALL: [StoreKind; 8] = [
        StoreKind::System,
        StoreKind::Docker,
        StoreKind::Containerd,
        StoreKind::Podman,
        StoreKind::Nss,
        StoreKind::Java,
        StoreKind::Macos,
        StoreKind::Windows,
    ];

    pub(crate) fn name(self) -> &'static str {
        match self {
            StoreKind::System => "system",
            StoreKind::Docker => "docker",
            StoreKind::Containerd => "containerd",
            StoreKind::Podman => "podman",
            StoreKind::Nss => "nss",
            StoreKind::Java => "java",
            StoreKind::Macos => "macos",
            StoreKind::Windows => "windows",
        }
    }

    /// Does this store exist where regctl runs? The macOS and Windows
    /// stores are built everywhere (their commands are tested as values)
    /// but only offered on their own system.
    pub(crate) fn on_this_platform(self) -> bool {
        match self {
            StoreKind::Macos => cfg!(target_os = "macos"),
            StoreKind::Windows => cfg!(windows),
            StoreKind::System | StoreKind::Containerd => cfg!(target_os = "linux"),
            StoreKind::Docker | StoreKind::Podman | StoreKind::Nss | StoreKind::Java => {
                !cfg!(windows)
            }
        }
    }

    /// The stores of this platform, in order.
    pub(crate) fn available() -> Vec<StoreKind> {
        StoreKind::ALL
            .into_iter()
            .filter(|k| k.on_this_platform())
            .collect()
    }

    pub(crate) fn parse(name: &str) -> Result<StoreKind, TrustError> {
        let kind = StoreKind::ALL
            .into_iter()
            .find(|k| k.name() == name)
            .ok_or_else(|| TrustError::UnknownStore(name.to_string()))?;
        if !kind.on_this_platform() {
            return Err(TrustError::OtherPlatform(kind.name()));
        }
        Ok(kind)
    }
}

/// `--store` of `init`: a store, or `none` for no trust changes on this
/// machine at all. Its values are the stores' own names plus `none`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct StoreChoice(Option<StoreKind>);

impl StoreChoice {
    pub(crate) const NONE: StoreChoice = StoreChoice(None);

    /// The stores a list of choices names; `none` must stand alone.
    pub(crate) fn resolve(choices: &[StoreChoice]) -> Result<Vec<StoreKind>, String> {
        if choices.contains(&StoreChoice::NONE) {
            if choices.len() > 1 {
                return Err(
                    "none means no trust store, so --store none and --trust none cannot be combined with other stores"
                        .into(),
                );
            }
            return Ok(Vec::new());
        }
        let mut stores: Vec<StoreKind> = Vec::new();
        for c in choices.iter().filter_map(|c| c.0) {
            if !c.on_this_platform() {
                return Err(TrustError::OtherPlatform(c.name()).to_string());
            }
            if !stores.contains(&c) {
                stores.push(c);
            }
        }
        Ok(stores)
    }
}

impl From<StoreKind> for StoreChoice {
    fn from(k: StoreKind) -> Self {
        StoreChoice(Some(k))
    }
}

impl StoreChoice {
    /// The store chosen, `None` for `none`.
    pub(crate) fn kind(self) -> Option<StoreKind> {
        self.0
    }

    /// `none`, or a store's name.
    pub(crate) fn parse(name: &str) -> Result<StoreChoice, TrustError> {
        if name == "none" {
            return Ok(StoreChoice::NONE);
        }
        StoreKind::parse(name).map(StoreChoice::from)
    }
}

/// Errors that stop a trust change before anything is written.
#[derive(Debug, thiserror::Error)]
pub(crate) enum TrustError {
    #[error("`{0}` is not HOST:PORT (for example registry.example.lan:5000)")]
    BadRegistry(String),
    #[error(
        "the --ca file is not a CA certificate ({0}); clients need the CA that signed the server certificate, usually certs/ca.crt"
    )]
    NotCa(String),
    #[error(
        "unknown store `{0}` (expected one of: system, docker, containerd, podman, nss, java, macos, windows)"
    )]
    UnknownStore(String),
    #[error("the {0} store exists only on {0}; this regctl runs elsewhere")]
    OtherPlatform(&'static str),
    #[error(
        "no NSS database found (Firefox profiles and ~/.pki/nssdb with --user, /etc/pki/nssdb system-wide); start the browser once so it creates its database, then run this again"
    )]
    NoNssDatabase,
    #[error(
        "no Java keystore found under {0} (looked at $JAVA_HOME, the java on PATH and /usr/lib/jvm/*/lib/security/cacerts); set JAVA_HOME to the JDK to trust the registry"
    )]
    NoJavaKeystore(String),
    #[error(
        "no system trust store found under {0} (looked for Debian/Alpine, RHEL/Fedora, Arch and SUSE anchor directories)"
    )]
    NoSystemStore(String),
    #[error("{path} cannot be merged: {message}; fix it by hand (regctl left it untouched)")]
    DaemonJson { path: String, message: String },
    #[error(
        "--insecure has nothing to put in the {0} store (it holds CAs); use --store docker, containerd or podman"
    )]
    InsecureCaStore(&'static str),
    #[error(
        "the {0} store is system-wide and needs root; --user covers docker (rootless and Docker Desktop), podman, nss and the macOS or Windows user store"
    )]
    SystemWideOnly(&'static str),
    #[error(transparent)]
    Pki(#[from] crate::pki::PkiError),
    #[error(transparent)]
    Ledger(#[from] ledger::LedgerError),
    #[error(transparent)]
    Tool(#[from] tool::ToolError),
}

/// `host:port`, validated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RegistryAddr {
    pub host: String,
    pub port: u16,
    /// Names a second CA installed beside the first while `cert rotate-ca`
    /// runs (`next`): the anchor file, keystore alias and NSS nickname get
    /// it as a suffix, so both CAs are trusted at once.
    pub variant: Option<&'static str>,
}

impl RegistryAddr {
    pub(crate) fn parse(s: &str) -> Result<Self, TrustError> {
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
        Ok(RegistryAddr {
            host,
            port,
            variant: None,
        })
    }

    /// The same registry under a variant name (see [`RegistryAddr::variant`]).
    pub(crate) fn with_variant(&self, variant: &'static str) -> RegistryAddr {
        RegistryAddr {
            variant: Some(variant),
            ..self.clone()
        }
    }

    /// How the ledger knows this registry's entries (a variant's apart).
    pub(crate) fn ledger_key(&self) -> String {
        match self.variant {
            Some(v) => format!("{}#{v}", self.dir_name()),
            None => self.dir_name(),
        }
    }

    /// The directory name Docker, containerd and podman use: `host:port`.
    pub(crate) fn dir_name(&self) -> String {
        if self.host.contains(':') {
            format!("[{}]:{}", self.host, self.port)
        } else {
            format!("{}:{}", self.host, self.port)
        }
    }

    /// A file-name-safe form for system anchors.
    pub(crate) fn file_stem(&self) -> String {
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
        match self.variant {
            Some(v) => format!("regctl-{safe}-{}-{v}", self.port),
            None => format!("regctl-{safe}-{}", self.port),
        }
    }
}

/// Checks that the PEM is a CA certificate and returns it normalised.
pub(crate) fn check_ca(pem: &[u8]) -> Result<String, TrustError> {
    let ders = crate::pki::certs_from_bytes(pem)?;
    check_is_ca(&ders[0])?;
    Ok(crate::pki::certs_to_pem(&ders[..1]))
}

fn check_is_ca(der: &[u8]) -> Result<(), TrustError> {
    let info = crate::pki::CertInfo::from_der(der, time::OffsetDateTime::now_utc())?;
    if !info.is_ca {
        return Err(TrustError::NotCa(format!("{} is CA:FALSE", info.subject)));
    }
    Ok(())
}

/// Checks every certificate of a bundle (the current and the next CA
/// while a rotation runs) and returns them normalised.
pub(crate) fn check_ca_bundle(pem: &[u8]) -> Result<String, TrustError> {
    let ders = crate::pki::certs_from_bytes(pem)?;
    for der in &ders {
        check_is_ca(der)?;
    }
    Ok(crate::pki::certs_to_pem(&ders))
}

/// One change to make.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Step {
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
    /// Add the CA to a store that is a database rather than a file of
    /// regctl's (NSS, a Java keystore, a keychain, the Windows store) with
    /// that store's own tool. `{CA_FILE}` in an argv stands for a file
    /// holding the CA.
    Command {
        /// What the tool changes, for messages and the ledger.
        target: PathBuf,
        install: Vec<String>,
        /// Takes it out again; recorded in the ledger for `uninstall`.
        undo: Vec<Vec<String>>,
        /// Prints the installed certificates as PEM (failing when there is
        /// none), so a second install can tell it is already there.
        export: Option<Vec<String>>,
    },
    /// Something the person must do by hand, with the exact text.
    Advice(String),
}

/// Joins an absolute system path under the root.
pub(crate) fn under(root: &Path, path: &str) -> PathBuf {
    root.join(path.trim_start_matches('/'))
}

/// The steps that install `ca` for `reg` into `store`.
pub(crate) fn install_steps(
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
        StoreKind::Nss => nss::install_steps(&nss::system_databases(root), reg)?,
        StoreKind::Java => java::install_steps(root, reg)?,
        StoreKind::Macos => macos::install_steps(&ca_sha1(ca)?, ca_name(ca)?.as_deref(), None),
        StoreKind::Windows => windows::install_steps(&ca_serial(ca)?, false),
    })
}

fn ca_der(ca: &str) -> Result<Vec<u8>, TrustError> {
    Ok(crate::pki::certs_from_bytes(ca.as_bytes())?.remove(0))
}

/// The SHA-1 fingerprint in hex, as the macOS keychain names certificates.
fn ca_sha1(ca: &str) -> Result<String, TrustError> {
    use sha1::Digest as _;
    Ok(hex::encode(sha1::Sha1::digest(ca_der(ca)?)).to_uppercase())
}

fn ca_info(ca: &str) -> Result<crate::pki::CertInfo, TrustError> {
    Ok(crate::pki::CertInfo::from_der(
        &ca_der(ca)?,
        time::OffsetDateTime::now_utc(),
    )?)
}

/// The serial number in hex, as `certutil -delstore` names certificates.
fn ca_serial(ca: &str) -> Result<String, TrustError> {
    Ok(ca_info(ca)?.serial.replace(':', ""))
}

/// The subject's common name, as the macOS keychain finds certificates.
fn ca_name(ca: &str) -> Result<Option<String>, TrustError> {
    Ok(ca_info(ca)?.common_name)
}

/// The home directory, where Firefox, Chrome and Docker Desktop keep a
/// user's trust.
pub(crate) fn user_home() -> Option<PathBuf> {
    std::env::var_os("HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
}

/// The per-user configuration directory (`$XDG_CONFIG_HOME`, else
/// `~/.config`), where rootless Docker and podman look.
pub(crate) fn user_config_dir() -> Option<PathBuf> {
    std::env::var_os("XDG_CONFIG_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".config")))
}

/// The steps for one user, without root: rootless Docker reads
/// `~/.config/docker/certs.d` and Docker Desktop `~/.docker/certs.d` (when
/// that directory exists), podman/skopeo/buildah
/// `~/.config/containers/certs.d`, browsers their NSS databases, and macOS
/// and Windows have per-user stores. The system store, containerd and a
/// JDK's keystore are system-wide only.
pub(crate) fn user_install_steps(
    config: &Path,
    home: &Path,
    store: StoreKind,
    reg: &RegistryAddr,
    ca: &str,
) -> Result<Vec<Step>, TrustError> {
    let ca_file = |base: PathBuf| Step::Write {
        path: base.join("certs.d").join(reg.dir_name()).join("ca.crt"),
        contents: ca.to_string(),
    };
    Ok(match store {
        StoreKind::Docker => {
            let mut steps = vec![ca_file(config.join("docker"))];
            if home.join(".docker").is_dir() {
                steps.push(ca_file(home.join(".docker")));
            }
            steps
        }
        StoreKind::Podman => vec![ca_file(config.join("containers"))],
        StoreKind::Nss => nss::install_steps(&nss::user_databases(home), reg)?,
        StoreKind::Macos => {
            macos::install_steps(&ca_sha1(ca)?, ca_name(ca)?.as_deref(), Some(home))
        }
        StoreKind::Windows => windows::install_steps(&ca_serial(ca)?, true),
        StoreKind::System | StoreKind::Containerd | StoreKind::Java => {
            return Err(TrustError::SystemWideOnly(store.name()));
        }
    })
}

/// Stores that exist under `root`, for when none is named. NSS and Java are
/// only used when asked for: on Debian, Ubuntu and RHEL the system store
/// already feeds the JDKs' keystore, and browsers rarely talk to a registry.
pub(crate) fn detect(root: &Path) -> Vec<StoreKind> {
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
    // The platform's own store, always there where it exists at all.
    found.extend(
        [StoreKind::Macos, StoreKind::Windows]
            .into_iter()
            .filter(|k| k.on_this_platform()),
    );
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
