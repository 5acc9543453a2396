//! Where things live in a registry directory (`--dir`, default `./registry`,
//! or `REGCTL_DIR`), and opening one: regctl.yaml is what every command
//! reads to know the registry it acts on.

use std::path::{Path, PathBuf};

use crate::setup::Setup;

/// Paths inside one registry directory.
#[derive(Debug, Clone)]
pub(crate) struct RegistryDir {
    root: PathBuf,
}

/// The directory holds no registry, or its answers cannot be read.
#[derive(Debug, thiserror::Error)]
pub(crate) enum OpenError {
    #[error(
        "no registry in {} (there is no regctl.yaml): run `regctl init --dir {}` to create one, or point --dir (or REGCTL_DIR) at an existing one",
        .0.display(), .0.display()
    )]
    Missing(PathBuf),
    #[error(transparent)]
    Answers(#[from] crate::setup::SetupError),
}

impl RegistryDir {
    /// The directory `dir`, made absolute (paths from it end up in
    /// generated files and in a detached process).
    pub(crate) fn new(dir: impl AsRef<Path>) -> Self {
        RegistryDir {
            root: crate::fsutil::absolute(dir.as_ref()),
        }
    }

    /// Opens an existing registry: its directory and its answers. Nothing
    /// is created, so a command run in the wrong place leaves no trace.
    pub(crate) fn open(dir: impl AsRef<Path>) -> Result<(RegistryDir, Setup), OpenError> {
        let layout = RegistryDir::new(dir);
        if !layout.answers().is_file() {
            return Err(OpenError::Missing(layout.root.clone()));
        }
        let setup = Setup::load(&layout.answers())?;
        Ok((layout, setup))
    }

    /// The answers, when the directory holds a registry.
    pub(crate) fn setup_if_any(&self) -> Result<Option<Setup>, OpenError> {
        if !self.answers().is_file() {
            return Ok(None);
        }
        Ok(Some(Setup::load(&self.answers())?))
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

    /// The CA's private key (0600); absent when another CA signed.
    pub(crate) fn ca_key(&self) -> PathBuf {
        self.certs().join("ca.key")
    }

    /// regctl's own CA, kept aside when the cluster's CA took `ca.crt`'s
    /// place (`cert issue --kubernetes --force` in a directory that had one).
    pub(crate) fn own_ca_cert(&self) -> PathBuf {
        self.certs().join("own-ca.crt")
    }

    pub(crate) fn own_ca_key(&self) -> PathBuf {
        self.certs().join("own-ca.key")
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

    /// The CA a `cert rotate-ca` is moving to, until the rotation finishes.
    pub(crate) fn next_ca_cert(&self) -> PathBuf {
        self.certs().join("ca.next.crt")
    }

    /// The key of [`next_ca_cert`](Self::next_ca_cert) (0600).
    pub(crate) fn next_ca_key(&self) -> PathBuf {
        self.certs().join("ca.next.key")
    }

    /// The htpasswd file (0600).
    pub(crate) fn htpasswd(&self) -> PathBuf {
        self.root.join("auth").join("htpasswd")
    }

    /// Where a generated password is kept (0600).
    pub(crate) fn generated_password(&self, user: &str) -> PathBuf {
        self.root.join("auth").join(format!("{user}.password"))
    }

    /// Credentials of the Kubernetes image pull Secret (0600), kept so every
    /// re-render keeps the Secret.
    pub(crate) fn pull_credentials(&self) -> PathBuf {
        self.root.join("auth").join("pull-credentials")
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

    /// Checksums of the files regctl generated, in `sha256sum` format, so a
    /// hand edit is noticed before a re-render would overwrite it.
    pub(crate) fn rendered_sums(&self) -> PathBuf {
        self.root.join("rendered.sha256")
    }

    /// The registry's data directory for `setup`.
    pub(crate) fn data(&self, setup: &Setup) -> PathBuf {
        self.root.join(&setup.storage.data_dir)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opening_a_directory_without_a_registry_creates_nothing() {
        let t = tempfile::tempdir().unwrap();
        let dir = t.path().join("registry");
        let err = RegistryDir::open(&dir).unwrap_err().to_string();
        assert!(err.contains("no registry in"), "{err}");
        assert!(err.contains("regctl init --dir"), "{err}");
        assert!(!dir.exists());
    }
}
