//! A Java keystore: the `lib/security/cacerts` that a JDK trusts, changed
//! with `keytool`. On Debian and Ubuntu every JDK's cacerts is a link to
//! /etc/ssl/certs/java/cacerts, which update-ca-certificates already fills
//! from the system store (ca-certificates-java), and RHEL generates it from
//! the system store too; this store is for JDKs with a keystore of their
//! own (tarball installs, Temurin, containers without that hook).

use std::path::{Path, PathBuf};

use super::tool::{self, CA_FILE};
use super::{RegistryAddr, Step, TrustError, under};

/// keytool reads the keystore password from this variable
/// (`-storepass:env`), so no password is ever on a command line.
pub(crate) const STOREPASS_ENV: &str = "REGCTL_JAVA_STOREPASS";

/// The password for keytool: the caller's `REGCTL_JAVA_STOREPASS`, else
/// `changeit`, the well-known default every JDK ships cacerts with.
pub(crate) fn storepass() -> String {
    std::env::var(STOREPASS_ENV).unwrap_or_else(|_| "changeit".to_string())
}

/// Follows symbolic links inside `root`, so a staged tree's absolute links
/// (Debian's JDKs point at /etc/ssl/certs/java/cacerts) stay in the tree.
fn resolve_under(root: &Path, mut path: PathBuf) -> PathBuf {
    for _ in 0..16 {
        match std::fs::read_link(&path) {
            Ok(target) if target.is_absolute() => {
                path = under(root, &target.to_string_lossy());
            }
            Ok(target) => {
                path = path.parent().unwrap_or(root).join(target);
            }
            Err(_) => break,
        }
    }
    path
}

/// The keystore to change: `$JAVA_HOME`'s, else that of the `java` on
/// PATH (on the real host), else the first JDK under /usr/lib/jvm.
pub(crate) fn keystore(root: &Path) -> Option<PathBuf> {
    let mut homes = Vec::new();
    if root == Path::new("/") {
        if let Some(home) = std::env::var_os("JAVA_HOME").filter(|h| !h.is_empty()) {
            homes.push(PathBuf::from(home));
        }
        if let Some(bin) = which::which("java")
            .ok()
            .and_then(|j| j.canonicalize().ok())
        {
            // .../bin/java -> ...
            if let Some(home) = bin.parent().and_then(Path::parent) {
                homes.push(home.to_path_buf());
            }
        }
    }
    if let Ok(entries) = std::fs::read_dir(under(root, "/usr/lib/jvm")) {
        let mut jdks: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
        jdks.sort();
        homes.extend(jdks);
    }
    homes
        .into_iter()
        .map(|home| resolve_under(root, home.join("lib/security/cacerts")))
        .find(|ks| ks.is_file())
}

pub(crate) fn alias(reg: &RegistryAddr) -> String {
    reg.file_stem()
}

/// The command that prints the certificate under `alias` in `keystore`.
pub(crate) fn export_alias(keystore: &Path, alias: &str) -> Vec<String> {
    let keystore = keystore.display().to_string();
    tool::argv(
        "keytool",
        &[
            "-exportcert",
            "-rfc",
            "-alias",
            alias,
            "-keystore",
            &keystore,
            "-storepass:env",
            STOREPASS_ENV,
        ],
    )
}

pub(crate) fn install_steps(root: &Path, reg: &RegistryAddr) -> Result<Vec<Step>, TrustError> {
    let ks =
        keystore(root).ok_or_else(|| TrustError::NoJavaKeystore(root.display().to_string()))?;
    let alias = alias(reg);
    let keystore = ks.display().to_string();
    let keytool = |args: &[&str]| {
        let common = [
            "-alias",
            &alias,
            "-keystore",
            &keystore,
            "-storepass:env",
            STOREPASS_ENV,
        ];
        tool::argv("keytool", &[args, &common].concat())
    };
    Ok(vec![Step::Command {
        target: ks.clone(),
        install: keytool(&[
            "-importcert",
            "-noprompt",
            "-trustcacerts",
            "-file",
            CA_FILE,
        ]),
        undo: vec![keytool(&["-delete"])],
        export: Some(keytool(&["-exportcert", "-rfc"])),
    }])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_staged_jdk_link_resolves_inside_the_root() {
        let root = tempfile::tempdir().unwrap();
        let r = root.path();
        std::fs::create_dir_all(r.join("etc/ssl/certs/java")).unwrap();
        std::fs::write(r.join("etc/ssl/certs/java/cacerts"), b"keystore").unwrap();
        let sec = r.join("usr/lib/jvm/java-17-openjdk-amd64/lib/security");
        std::fs::create_dir_all(&sec).unwrap();
        std::os::unix::fs::symlink("/etc/ssl/certs/java/cacerts", sec.join("cacerts")).unwrap();
        assert_eq!(
            keystore(r).unwrap(),
            r.join("etc/ssl/certs/java/cacerts"),
            "the link is followed inside the root, not on the host"
        );
        let reg = RegistryAddr::parse("reg.lan:5000").unwrap();
        let steps = install_steps(r, &reg).unwrap();
        let Step::Command { install, .. } = &steps[0] else {
            panic!("a command step")
        };
        assert!(
            !install.iter().any(|a| a == "changeit"),
            "no password in argv"
        );
        assert!(install.contains(&STOREPASS_ENV.to_string()));
        let empty = tempfile::tempdir().unwrap();
        assert!(matches!(
            install_steps(empty.path(), &reg),
            Err(TrustError::NoJavaKeystore(_))
        ));
    }
}
