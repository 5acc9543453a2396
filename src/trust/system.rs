//! The operating system's CA store, chosen by which anchor directory exists
//! (as mkcert does), never by distribution name.

use std::path::Path;

use super::{RegistryAddr, Step, TrustError, under};

/// How a Linux family keeps extra trust anchors.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Flavor {
    /// Debian, Ubuntu, Alpine.
    Debian,
    /// RHEL, Fedora, CentOS, Amazon Linux.
    Rhel,
    /// Arch (p11-kit).
    Arch,
    /// openSUSE, SLES.
    Suse,
}

impl Flavor {
    /// Anchor directory, update command.
    fn layout(self) -> (&'static str, &'static [&'static str]) {
        match self {
            Flavor::Debian => (
                "/usr/local/share/ca-certificates",
                &["update-ca-certificates"],
            ),
            Flavor::Rhel => (
                "/etc/pki/ca-trust/source/anchors",
                &["update-ca-trust", "extract"],
            ),
            Flavor::Arch => (
                "/etc/ca-certificates/trust-source/anchors",
                &["trust", "extract-compat"],
            ),
            Flavor::Suse => ("/usr/share/pki/trust/anchors", &["update-ca-certificates"]),
        }
    }

    /// The first flavor whose anchor directory exists under `root`.
    pub(crate) fn detect(root: &Path) -> Option<Flavor> {
        [Flavor::Rhel, Flavor::Arch, Flavor::Suse, Flavor::Debian]
            .into_iter()
            .find(|f| under(root, f.layout().0).is_dir())
    }

    /// Where the anchor file for `reg` goes.
    pub(crate) fn anchor(self, root: &Path, reg: &RegistryAddr) -> std::path::PathBuf {
        // update-ca-certificates only picks up files ending in .crt.
        under(
            root,
            &format!("{}/{}.crt", self.layout().0, reg.file_stem()),
        )
    }

    /// The command that rebuilds the bundle.
    pub(crate) fn update_command(self) -> Vec<String> {
        self.layout().1.iter().map(|s| s.to_string()).collect()
    }
}

pub(crate) fn install_steps(
    root: &Path,
    reg: &RegistryAddr,
    ca: &str,
) -> Result<Vec<Step>, TrustError> {
    let flavor = Flavor::detect(root)
        .ok_or_else(|| TrustError::NoSystemStore(root.display().to_string()))?;
    Ok(vec![
        Step::Write {
            path: flavor.anchor(root, reg),
            contents: ca.to_string(),
        },
        Step::Run {
            argv: flavor.update_command(),
        },
    ])
}
