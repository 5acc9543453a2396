//! Where things live in a registry directory (`--dir`, default `./registry`).
//!
//! One place for the layout, so every command and template agrees on it.

use std::path::{Path, PathBuf};

/// Paths inside one registry directory.
#[derive(Debug, Clone)]
pub(crate) struct RegistryDir {
    root: PathBuf,
}

impl RegistryDir {
    pub(crate) fn new(root: impl Into<PathBuf>) -> Self {
        RegistryDir { root: root.into() }
    }

    pub(crate) fn root(&self) -> &Path {
        &self.root
    }

    pub(crate) fn certs(&self) -> PathBuf {
        self.root.join("certs")
    }

    /// The CA certificate clients trust.
    pub(crate) fn ca_cert(&self) -> PathBuf {
        self.certs().join("ca.crt")
    }

    /// The CA's private key (0600); absent when an external CA signed.
    pub(crate) fn ca_key(&self) -> PathBuf {
        self.certs().join("ca.key")
    }

    /// The registry's server certificate.
    pub(crate) fn server_cert(&self) -> PathBuf {
        self.certs().join("registry.crt")
    }

    /// The registry's private key (0600).
    pub(crate) fn server_key(&self) -> PathBuf {
        self.certs().join("registry.key")
    }

    /// Server certificate followed by the CA, for servers that send the chain.
    pub(crate) fn server_fullchain(&self) -> PathBuf {
        self.certs().join("registry.fullchain.crt")
    }

    /// The htpasswd file (0600).
    pub(crate) fn htpasswd(&self) -> PathBuf {
        self.root.join("auth").join("htpasswd")
    }

    /// The registry's `config.yml` (distribution's format).
    pub(crate) fn config(&self) -> PathBuf {
        self.root.join("config.yml")
    }

    /// `http.secret`, generated once and kept across renders (0600).
    pub(crate) fn http_secret(&self) -> PathBuf {
        self.root.join("auth").join("http-secret")
    }

    /// The answers file.
    pub(crate) fn answers(&self) -> PathBuf {
        self.root.join("regctl.yaml")
    }

    /// What `trust install` changed, for `trust uninstall`.
    pub(crate) fn trust_ledger(&self) -> PathBuf {
        self.root.join("trust-ledger.json")
    }
}
